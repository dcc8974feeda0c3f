//! `distgen`: the command line. Each subcommand lives in `cli/<name>.rs`.

mod cli;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Write, model-check, run and synthesise fault-tolerant broadcast protocols.
///
/// Exit status: 0 when everything checked was verified, 1 when a property was
/// violated (or a run missed deliveries), 2 on bad input or another error.
#[derive(Parser)]
#[command(name = "distgen", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Synthesise reliable-broadcast protocols with Q-learning and write them as `.rs` files.
    Learn(cli::learn::Args),
    /// Model-check every `protocol!` in a `.rs` file (without compiling it).
    Check(cli::check::Args),
    /// Run a protocol as real actors over UDP on 127.0.0.1.
    Run(cli::run::Args),
    /// Open stateright's web explorer on one configuration of a protocol.
    Explore(cli::explore::Args),
    /// Write a PROMELA model of a protocol for Spin.
    Promela(cli::promela::Args),
    /// Run one node of a protocol as its own process, on authenticated UDP links to its peers.
    Node(cli::node::Args),
    /// Run N `distgen node` processes on 127.0.0.1 and report as `run` does.
    Cluster(cli::cluster::Args),
    /// Write a new cluster secret, from which nodes derive their link keys.
    Keys(cli::keys::Args),
    /// Write a protocol's threshold automaton in ByMC's `.ta` syntax (for ByMC and TACO).
    Ta(cli::ta::Args),
    /// Judge candidate protocols from a Redis Streams queue for `learn --queue`.
    Worker(cli::worker::Args),
}

fn main() -> ExitCode {
    // Solvers of `check --all-n` run through this binary, to die with it.
    paramcheck::solver::init();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Learn(args) => cli::learn::main(args),
        Command::Check(args) => cli::check::main(args),
        Command::Run(args) => cli::run::main(args),
        Command::Explore(args) => cli::explore::main(args),
        Command::Promela(args) => cli::promela::main(args),
        Command::Node(args) => cli::node::main(args),
        Command::Cluster(args) => cli::cluster::main(args),
        Command::Keys(args) => cli::keys::main(args),
        Command::Ta(args) => cli::ta::main(args),
        Command::Worker(args) => cli::worker::main(args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
