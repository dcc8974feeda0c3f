//! `distgen promela`: a protocol as a PROMELA model for Spin.

use super::input;
use anyhow::{bail, Context, Result};
use distgen::checker::{default_configs, Config, Scenario};
use distgen::ir::FaultModel;
use std::path::PathBuf;
use std::process::ExitCode;

/// Options of `distgen promela`.
#[derive(clap::Args)]
pub struct Args {
    /// A `.rs` file containing `protocol!` invocations.
    file: PathBuf,
    /// The fault model of the adversary [default: the one the protocol claims].
    #[arg(long, value_parser = parse_faults)]
    faults: Option<FaultModel>,
    /// Number of processes [default: the smallest default configuration].
    #[arg(long, requires = "f")]
    n: Option<usize>,
    /// Fault bound [default: with --n, as in the smallest default configuration].
    #[arg(long, requires = "n")]
    f: Option<usize>,
    /// Who is faulty under `--faults byzantine`.
    #[arg(long, value_enum, default_value = "correct-broadcaster")]
    scenario: ByzantineScenario,
    /// Which protocol of the file (needed when it has several).
    #[arg(long)]
    protocol: Option<String>,
    /// Where to write the model [default: standard output].
    #[arg(short, long)]
    output: Option<PathBuf>,
}

/// The scenarios of `--faults byzantine`.
#[derive(Clone, Copy, clap::ValueEnum)]
enum ByzantineScenario {
    /// Process 0 is correct and broadcasts 0; processes N-F..N are Byzantine.
    CorrectBroadcaster,
    /// Process 0 and processes N-F+1..N are Byzantine.
    ByzantineBroadcaster,
}

fn parse_faults(s: &str) -> Result<FaultModel, String> {
    s.parse()
}

/// Runs `distgen promela`.
pub fn main(args: Args) -> Result<ExitCode> {
    let protocols = input::load(&args.file)?;
    let ir = input::pick(&protocols, args.protocol.as_deref())?;
    let faults = args.faults.unwrap_or(ir.faults);
    let scenario = match faults {
        FaultModel::None => Scenario::FailureFree,
        FaultModel::Crash => Scenario::Crashes,
        FaultModel::Byzantine => match args.scenario {
            ByzantineScenario::CorrectBroadcaster => Scenario::CorrectBroadcaster,
            ByzantineScenario::ByzantineBroadcaster => Scenario::ByzantineBroadcaster,
        },
    };
    let (n, f) = match (args.n, args.f) {
        (Some(n), Some(f)) => (n, f),
        _ => match default_configs(&ir.requires, faults).first() {
            Some(c) => (c.n, c.f),
            None => bail!(
                "{} allows none of the default sizes under `{faults}`; choose --n and --f",
                ir.name
            ),
        },
    };
    let config = Config {
        faults,
        n,
        f,
        scenario,
    };
    let model = distgen::promela::model(ir, config)?;
    match &args.output {
        Some(path) => std::fs::write(path, model)
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => print!("{model}"),
    }
    Ok(ExitCode::SUCCESS)
}
