//! `distgen explore`: stateright's web explorer on one configuration, with
//! states as tables and the path as a chart (`distgen::explorer`).

use super::check::parse_faults;
use super::input;
use anyhow::{Context, Result};
use distgen::checker::{Config, Scenario};
use distgen::explorer::Explorer;
use distgen::ir::FaultModel;
use stateright::Model;
use std::path::PathBuf;
use std::process::ExitCode;

/// Options of `distgen explore`.
#[derive(clap::Args)]
pub struct Args {
    /// A `.rs` file with one or more `protocol! { ... }`.
    pub file: PathBuf,
    /// The protocol to explore (needed if the file has several).
    #[arg(long)]
    pub protocol: Option<String>,
    /// Fault model [default: the one the protocol claims].
    #[arg(long, value_parser = parse_faults)]
    pub faults: Option<FaultModel>,
    /// Number of processes.
    #[arg(long, default_value_t = 4)]
    pub n: usize,
    /// Fault bound [default: 0 under none, else 1].
    #[arg(long)]
    pub f: Option<usize>,
    /// Explore with the Byzantine broadcaster (Byzantine faults only).
    #[arg(long)]
    pub byzantine_broadcaster: bool,
    /// Address of the web explorer.
    #[arg(long, default_value = "127.0.0.1:3000")]
    pub addr: String,
}

/// Runs `distgen explore`; serves until interrupted.
pub fn main(args: Args) -> Result<ExitCode> {
    let protocols = input::load(&args.file)?;
    let ir = input::pick(&protocols, args.protocol.as_deref())?;
    let faults = args.faults.unwrap_or(ir.faults);
    let f = args
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
        n: args.n,
        f,
        scenario,
    };
    let model = Explorer::new(ir, config).context("cannot build the model")?;
    println!(
        "Exploring {} ({faults}, N = {}, F = {f}, {}) at http://{} (Ctrl-C to stop)",
        ir.name,
        args.n,
        scenario.name(),
        args.addr
    );
    let _checker = model.checker().serve(args.addr.as_str());
    loop {
        std::thread::park();
    }
}
