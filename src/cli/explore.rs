//! `distgen explore`: stateright's web explorer on one configuration, with
//! states as tables and the path as a chart (`distgen::explorer`).

use super::input::ModelArgs;
use anyhow::{Context, Result};
use distgen::checker::{Config, Scenario};
use distgen::explorer::Explorer;
use distgen::ir::FaultModel;
use stateright::Model;
use std::process::ExitCode;

/// Options of `distgen explore`.
#[derive(clap::Args)]
#[command(
    after_help = "Size: N = 4 unless --n is given; F = 0 under `none`, else 1 unless --f is given.",
    mut_arg("n", |a| a.default_value("4"))
)]
pub struct Args {
    /// The protocol, the fault model and the size.
    #[command(flatten)]
    pub model: ModelArgs,
    /// Explore with the Byzantine broadcaster (Byzantine faults only).
    #[arg(long)]
    pub byzantine_broadcaster: bool,
    /// Address of the web explorer.
    #[arg(long, default_value = "127.0.0.1:3000")]
    pub addr: String,
}

/// Runs `distgen explore`; serves until interrupted.
pub fn main(args: Args) -> Result<ExitCode> {
    let ir = &args.model.protocol.load_one()?;
    let faults = args.model.faults.or_claimed(ir);
    let n = args.model.size.n.unwrap_or(4);
    let f = args
        .model
        .size
        .f
        .unwrap_or(if faults == FaultModel::None { 0 } else { 1 });
    let scenario = match faults {
        FaultModel::None => Scenario::FailureFree,
        FaultModel::Crash => Scenario::Crashes,
        FaultModel::Byzantine if args.byzantine_broadcaster => Scenario::ByzantineBroadcaster,
        FaultModel::Byzantine => Scenario::CorrectBroadcaster,
    };
    let config = Config {
        faults,
        n,
        f,
        scenario,
    };
    let model = Explorer::new(ir, config).context("cannot build the model")?;
    println!(
        "Exploring {} ({faults}, N = {}, F = {f}, {}) at http://{} (Ctrl-C to stop)",
        ir.name,
        n,
        scenario.name(),
        args.addr
    );
    let _checker = model.checker().serve(args.addr.as_str());
    loop {
        std::thread::park();
    }
}
