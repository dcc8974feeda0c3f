//! `distgen cluster`: N `distgen node` processes on 127.0.0.1, driven and
//! judged like `distgen run` (a consensus protocol with `--inputs`, as
//! `distgen run --inputs`).

use super::input::{self, FailuresArgs};
use super::run::{exit_status, print_report, InputsArgs};
use anyhow::{bail, Context, Result};
use deploy::cluster::{run_cluster, run_consensus_cluster, ClusterConfig};
use distgen::actors::RunConfig;
use std::collections::BTreeMap;
use std::process::ExitCode;
use std::time::Duration;

/// Options of `distgen cluster`.
///
/// Exit status as for `distgen run`: 0 if validity, agreement and integrity
/// (in consensus: agreement, decision-handover consistency, validity and
/// termination) held over the correct nodes, 1 otherwise, 2 on bad input.
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub protocol: input::ProtocolArgs,
    /// Number of nodes.
    #[arg(long)]
    pub n: usize,
    /// Fault bound.
    #[arg(long)]
    pub f: usize,
    /// Broadcasts in all, assigned to the `--from` nodes in turn.
    #[arg(long, value_name = "K", default_value_t = 1)]
    pub broadcasts: usize,
    /// The nodes that broadcast: `all` or ids like `0,3`.
    #[arg(long, value_name = "IDS", default_value = "all")]
    pub from: String,
    /// `--inputs`, `--seed` (consensus), as for `distgen run`.
    #[command(flatten)]
    pub inputs: InputsArgs,
    /// `--crash`, `--crash-after`, `--byzantine`, as for `distgen run`.
    #[command(flatten)]
    pub failures: FailuresArgs,
    /// Nodes to kill with SIGKILL, as `ID:K`: once node ID delivered K
    /// instances (0: before any broadcast; consensus: 1, once it decided or
    /// handed over).
    #[arg(long, value_name = "ID:K")]
    pub kill: Option<String>,
    /// Every node drops each incoming datagram with probability P.
    #[arg(long, value_name = "P", default_value_t = 0.0)]
    pub loss: f64,
    /// Stop after this many seconds at the latest.
    #[arg(long, value_name = "SECS", default_value_t = 60.0)]
    pub timeout: f64,
    /// Stop when nothing was heard from any node for this many seconds (a
    /// burst of broadcasts can keep nodes busy but silent for seconds).
    #[arg(long, value_name = "SECS", default_value_t = 10.0)]
    pub quiet: f64,
    /// Print the report as JSON instead of tables.
    #[arg(long)]
    pub json: bool,
}

/// Runs `distgen cluster`.
pub fn main(args: Args) -> Result<ExitCode> {
    let ir = &args.protocol.load_one()?;
    for (name, secs) in [("--timeout", args.timeout), ("--quiet", args.quiet)] {
        if !(secs.is_finite() && secs > 0.0) {
            bail!("{name} must be a positive number of seconds");
        }
    }
    if !(0.0..1.0).contains(&args.loss) {
        bail!("--loss must be in 0..1");
    }
    let mut run = RunConfig::new(args.n, args.f);
    let inputs = args.inputs.for_problem(ir, args.n)?;
    run.broadcasts = args.broadcasts;
    run.from = input::ids("from", &args.from, args.n)?;
    args.failures.apply(&mut run)?;
    run.timeout = Duration::from_secs_f64(args.timeout);
    run.quiet = Duration::from_secs_f64(args.quiet);
    let kill = match &args.kill {
        Some(text) => kills(text)?,
        None => BTreeMap::new(),
    };
    let mut config = ClusterConfig {
        binary: std::env::current_exe().context("cannot find the distgen binary")?,
        file: args.protocol.file.clone(),
        protocol: args.protocol.protocol.clone(),
        run,
        kill,
        loss: args.loss,
    };
    if let Some(inputs) = inputs {
        config.run.inputs = inputs;
        let report = run_consensus_cluster(ir, &config)?;
        print_report(&report, args.json)?;
        return Ok(exit_status(report.holds()));
    }
    let report = run_cluster(ir, &config)?;
    print_report(&report, args.json)?;
    Ok(exit_status(report.holds()))
}

/// `ID:K` pairs.
fn kills(text: &str) -> Result<BTreeMap<usize, usize>> {
    text.split(',')
        .filter(|s| !s.trim().is_empty())
        .map(|item| {
            let (id, k) = item
                .split_once(':')
                .with_context(|| format!("--kill: `{item}` is not ID:K"))?;
            Ok((
                input::number("kill", id, "a node id")?,
                input::number("kill", k, "a number")?,
            ))
        })
        .collect()
}
