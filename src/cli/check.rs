//! `distgen check`: model-check every `protocol!` of a `.rs` file.

use super::input::ModelArgs;
use anyhow::{bail, Result};
use distgen::checker::{self, report, Config, Limits, Verdict};
use distgen::ir::FaultModel;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// Options of `distgen check`.
#[derive(clap::Args)]
#[command(
    after_help = "Exit status: 0 every run verified; 1 a property is violated; \
2 bad input; 3 no violation found but some run stopped at a limit (not verified).\n\
With --n and --f, check that one size instead of the default configurations.",
    mut_arg("n", |a| a.requires("f")),
    mut_arg("f", |a| a.requires("n"))
)]
pub struct Args {
    /// The protocol, the fault model and the size.
    #[command(flatten)]
    pub model: ModelArgs,
    /// Print one JSON object per result instead of text.
    #[arg(long)]
    pub json: bool,
    /// Use the plain model (no reduction at all): slow, for cross-checking the
    /// compact model's verdicts.
    #[arg(long)]
    pub plain: bool,
    /// Check for every N that `requires` allows: TACO's three checkers on
    /// the threshold automaton and the explicit checker sweeping the allowed
    /// instances, at once; the first conclusive answer wins.
    #[arg(long, conflicts_with_all = ["n", "f", "plain"])]
    pub all_n: bool,
    /// With --all-n, run only this TACO checker (smt, acs or zcs) instead of
    /// the portfolio.
    #[arg(long, requires = "all_n", value_name = "CHECKER")]
    pub taco: Option<paramcheck::Backend>,
    /// With --all-n, download z3 first if it is not found (the `z3` binary
    /// of PyPI's z3-solver wheel, into ~/.cache/distgen; no root needed).
    #[arg(long, requires = "all_n")]
    pub fetch_z3: bool,
    /// Stop a run after this many distinct states, the `states` reports
    /// print (the answer is then "unknown").
    #[arg(long, default_value_t = Limits::default().max_states)]
    pub max_states: usize,
    /// Stop a run after this many seconds (the answer is then "unknown");
    /// with --all-n, each scenario's check as a whole.
    #[arg(long, default_value_t = Limits::default().timeout_secs)]
    pub timeout: u64,
    /// Write one message-sequence chart (SVG) per violation into this directory.
    #[arg(long, value_name = "DIR")]
    pub svg: Option<PathBuf>,
}

/// The configurations to check for `ir`.
pub fn configs(
    ir: &distgen::ProtocolIr,
    faults: FaultModel,
    n: Option<usize>,
    f: Option<usize>,
) -> Result<Vec<Config>> {
    match (n, f) {
        (Some(n), Some(f)) => {
            if f >= n {
                bail!("--f must be smaller than --n");
            }
            if faults == FaultModel::None && f != 0 {
                bail!("--faults none needs --f 0");
            }
            Ok(Config::all(ir.problem, faults, n, f))
        }
        _ => Ok(checker::default_configs_for(
            ir.problem,
            &ir.requires,
            faults,
        )),
    }
}

/// Runs `distgen check`.
pub fn main(args: Args) -> Result<ExitCode> {
    let selected = args.model.protocol.load_all()?;
    let limits = Limits {
        max_states: args.max_states,
        timeout_secs: args.timeout,
    };
    if args.all_n {
        let how = super::ta::AllNArgs {
            faults: args.model.faults.faults,
            json: args.json,
            limits,
            taco: args.taco,
            fetch_z3: args.fetch_z3,
        };
        return super::ta::check_all_n(&selected, &how);
    }
    let (mut violated, mut unknown) = (false, false);
    let stdout = std::io::stdout();
    let progress = !args.json && std::io::stderr().is_terminal();
    for ir in &selected {
        let faults = args.model.faults.or_claimed(ir);
        let configs = configs(ir, faults, args.model.size.n, args.model.size.f)?;
        if configs.is_empty() {
            bail!("no default configuration of the {faults} fault model satisfies the `requires` of {}; give one with --n and --f", ir.name);
        }
        for config in configs {
            if progress {
                eprint!(
                    "checking {} ({faults}, N = {}, F = {}, {})...\r",
                    ir.name,
                    config.n,
                    config.f,
                    config.scenario.name()
                );
            }
            let result = if args.plain {
                checker::check_plain(ir, config, limits)
            } else {
                checker::check(ir, config, limits)
            };
            violated |= matches!(result.verdict, Verdict::Violated(_));
            unknown |= matches!(result.verdict, Verdict::Unknown { .. });
            let chart = match &args.svg {
                Some(dir) => super::charts::write_violation(dir, ir, &result)?,
                None => None,
            };
            let mut out = stdout.lock();
            if args.json {
                writeln!(out, "{}", report::json(&result))?;
            } else {
                if progress {
                    eprint!("{:79}\r", "");
                }
                writeln!(out, "{}", report::render(&result))?;
                if let Some(path) = &chart {
                    writeln!(out, "chart: {}", path.display())?;
                }
            }
            if ir.problem == distgen::ir::Problem::Consensus {
                let measures = distgen::consensus::measure_one_step(ir, config, limits);
                let mut out = stdout.lock();
                if args.json {
                    writeln!(out, "{}", serde_json::to_string(&measures)?)?;
                } else {
                    writeln!(out, "{}", distgen::consensus::one_step_line(&measures))?;
                }
            }
        }
        if !args.json && ir.problem != distgen::ir::Problem::Consensus {
            if let Some(line) = distgen::summary::metrics_line(ir) {
                writeln!(stdout.lock(), "{line}")?;
            }
        }
    }
    Ok(ExitCode::from(if violated {
        1
    } else if unknown {
        3
    } else {
        0
    }))
}
