//! `distgen promela`: a protocol as a PROMELA model for Spin.

use super::input::ModelArgs;
use anyhow::{bail, Context, Result};
use distgen::checker::{default_configs, Config, Scenario};
use distgen::ir::FaultModel;
use std::path::PathBuf;
use std::process::ExitCode;

/// Options of `distgen promela`.
#[derive(clap::Args)]
#[command(
    after_help = "Size: --n and --f together [default: the smallest default configuration].",
    mut_arg("n", |a| a.requires("f")),
    mut_arg("f", |a| a.requires("n"))
)]
pub struct Args {
    /// The protocol, the fault model and the size.
    #[command(flatten)]
    model: ModelArgs,
    /// Who is faulty under `--faults byzantine`.
    #[arg(long, value_enum, default_value = "correct-broadcaster")]
    scenario: ByzantineScenario,
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

/// Runs `distgen promela`.
pub fn main(args: Args) -> Result<ExitCode> {
    let ir = &args.model.protocol.load_one()?;
    let faults = args.model.faults.or_claimed(ir);
    let scenario = match faults {
        FaultModel::None => Scenario::FailureFree,
        FaultModel::Crash => Scenario::Crashes,
        FaultModel::Byzantine => match args.scenario {
            ByzantineScenario::CorrectBroadcaster => Scenario::CorrectBroadcaster,
            ByzantineScenario::ByzantineBroadcaster => Scenario::ByzantineBroadcaster,
        },
    };
    let (n, f) = match (args.model.size.n, args.model.size.f) {
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
