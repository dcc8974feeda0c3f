//! `distgen node`: one node of a protocol as its own OS process, on
//! authenticated UDP links to the nodes of a peers file.

use super::input;
use super::run::InputsArgs;
use anyhow::{Context, Result};
use deploy::node::{serve, stop_on_signals, Line, NodeConfig};
use deploy::peers::Peers;
use distgen::actors::config::default_size;
use distgen::actors::Behaviour;
use std::io::{BufRead, Write};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::mpsc;

/// Options of `distgen node`.
///
/// Prints one line per event (ready, broadcast, deliver with its latency,
/// crashed) and, when stopped by SIGTERM or SIGINT, a final line of counts.
/// While it runs, a line `broadcast V` on standard input broadcasts V in the
/// node's next instance. A node of a consensus protocol takes `--inputs`
/// (one per node, the same on every node) instead, proposes its own at
/// start and prints its proposal and its decision or handover. Exit status:
/// 0 after a clean stop; 2 on bad input (a peers file with errors, an
/// unknown id).
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub protocol: input::ProtocolArgs,
    /// This node's id in the peers file.
    #[arg(long)]
    pub id: usize,
    /// The peers file: every node's id and host:port, and the secret file.
    #[arg(long, value_name = "PEERS.toml")]
    pub peers: PathBuf,
    /// Fault bound the protocol is instantiated with (N is the number of
    /// nodes in the peers file; default: as for `distgen run`).
    #[arg(long)]
    pub f: Option<usize>,
    /// Broadcast these values at start, one instance each.
    #[arg(long, value_name = "V")]
    pub broadcast: Vec<u64>,
    /// `--inputs`, `--seed` (consensus): node ID proposes the ID-th input.
    #[command(flatten)]
    pub inputs: InputsArgs,
    /// Print lines as JSON.
    #[arg(long)]
    pub json: bool,
    /// Be Byzantine: equivocate, forge every message type, replay.
    #[arg(long)]
    pub byzantine: bool,
    /// Crash (stop sending and exit) after this many network messages.
    #[arg(long, value_name = "K")]
    pub crash_after: Option<u64>,
    /// Drop each incoming datagram with probability P (a lossy network).
    #[arg(long, value_name = "P", default_value_t = 0.0)]
    pub loss: f64,
    /// Bind this address instead of the node's own in the peers file (e.g.
    /// 0.0.0.0:7000 behind a NAT).
    #[arg(long, value_name = "ADDR")]
    pub bind: Option<SocketAddr>,
    /// Distinct values kept per instance (1..=256); more are dropped.
    #[arg(long, value_name = "K", default_value_t = 8)]
    pub max_values: usize,
}

/// Runs `distgen node`.
pub fn main(args: Args) -> Result<ExitCode> {
    let ir = &args.protocol.load_one()?;
    let peers = Peers::load(&args.peers)?;
    peers.check_id(args.id, &args.peers)?;
    let f = match args.f {
        Some(f) => f,
        None => {
            default_size(ir, Some(peers.n()))
                .with_context(|| format!("{} allows no F at N = {}", ir.name, peers.n()))?
                .1
        }
    };
    anyhow::ensure!(
        (1..=256).contains(&args.max_values),
        "--max-values must be in 1..=256"
    );
    let input = args
        .inputs
        .for_problem(ir, peers.n())?
        .map(|inputs| inputs[args.id]);
    anyhow::ensure!(
        input.is_none() || args.broadcast.is_empty(),
        "{} is a consensus protocol: a node proposes its input; drop --broadcast",
        ir.name
    );
    let mut config = NodeConfig::new(args.id, f);
    config.behaviour = if args.byzantine {
        Behaviour::Byzantine
    } else {
        Behaviour::Correct
    };
    config.crash_after = args.crash_after;
    config.broadcasts = args.broadcast.clone();
    config.input = input;
    config.loss = args.loss;
    config.bind = args.bind;
    config.limits.max_values = args.max_values;

    let stop = stop_on_signals().context("cannot catch signals")?;
    let (tx, rx) = mpsc::channel();
    if input.is_none() {
        std::thread::spawn(move || read_requests(tx));
    }
    // A closed standard output (the reader is gone) must not stop the node.
    serve(ir, &peers, &config, &rx, &stop, |line: &Line| {
        let mut out = std::io::stdout().lock();
        let _ = if args.json {
            serde_json::to_string(line).map_or(Ok(()), |text| writeln!(out, "{text}"))
        } else {
            writeln!(out, "{line}")
        };
    })?;
    Ok(ExitCode::SUCCESS)
}

/// Reads `broadcast V` lines from standard input until it ends.
fn read_requests(tx: mpsc::Sender<u64>) {
    for line in std::io::stdin().lock().lines() {
        let Ok(line) = line else { return };
        let words: Vec<&str> = line.split_whitespace().collect();
        match words[..] {
            [] => {}
            ["broadcast", v] => match v.parse() {
                Ok(v) => {
                    if tx.send(v).is_err() {
                        return;
                    }
                }
                Err(_) => eprintln!("ignored: `{v}` is not a value (a number up to 2^64 - 1)"),
            },
            _ => eprintln!("ignored: `{line}`; say `broadcast V`"),
        }
    }
}
