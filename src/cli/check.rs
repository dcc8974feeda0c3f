//! `distgen check`: model-check every `protocol!` of a `.rs` file.

use super::input;
use anyhow::{bail, Result};
use distgen::checker::{self, report, Config, Limits, Scenario, Verdict};
use distgen::ir::FaultModel;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// Options of `distgen check`.
#[derive(clap::Args)]
#[command(
    after_help = "Exit status: 0 every run verified; 1 a property is violated; \
2 bad input; 3 no violation found but some run stopped at a limit (not verified)."
)]
pub struct Args {
    /// A `.rs` file with one or more `protocol! { ... }` (it is parsed, not compiled).
    pub file: PathBuf,
    /// Check only the protocol with this name.
    #[arg(long)]
    pub protocol: Option<String>,
    /// Fault model to check under [default: the one each protocol claims].
    #[arg(long, value_parser = parse_faults)]
    pub faults: Option<FaultModel>,
    /// Number of processes (with --f): check this one size instead of the defaults.
    #[arg(long, requires = "f")]
    pub n: Option<usize>,
    /// Fault bound (with --n).
    #[arg(long, requires = "n")]
    pub f: Option<usize>,
    /// Print one JSON object per result instead of text.
    #[arg(long)]
    pub json: bool,
    /// Use the plain model (no reduction at all): slow, for cross-checking the
    /// compact model's verdicts.
    #[arg(long)]
    pub plain: bool,
    /// Stop a run after generating this many states (the answer is then "unknown").
    #[arg(long, default_value_t = Limits::default().max_states)]
    pub max_states: usize,
    /// Stop a run after this many seconds (the answer is then "unknown").
    #[arg(long, default_value_t = Limits::default().timeout_secs)]
    pub timeout: u64,
}

/// Parses a fault model name.
pub fn parse_faults(s: &str) -> Result<FaultModel, String> {
    s.parse()
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
            Ok(Scenario::of(faults)
                .iter()
                .filter(|s| !(f == 0 && **s == Scenario::ByzantineBroadcaster))
                .map(|&scenario| Config {
                    faults,
                    n,
                    f,
                    scenario,
                })
                .collect())
        }
        _ => Ok(checker::default_configs(&ir.requires, faults)),
    }
}

/// Runs `distgen check`.
pub fn main(args: Args) -> Result<ExitCode> {
    let protocols = input::load(&args.file)?;
    let selected: Vec<_> = match &args.protocol {
        Some(name) => vec![input::pick(&protocols, Some(name))?.clone()],
        None => protocols,
    };
    let limits = Limits {
        max_states: args.max_states,
        timeout_secs: args.timeout,
    };
    let (mut violated, mut unknown) = (false, false);
    let stdout = std::io::stdout();
    let progress = !args.json && std::io::stderr().is_terminal();
    for ir in &selected {
        let faults = args.faults.unwrap_or(ir.faults);
        let configs = configs(ir, faults, args.n, args.f)?;
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
            let mut out = stdout.lock();
            if args.json {
                writeln!(out, "{}", report::json(&result))?;
            } else {
                if progress {
                    eprint!("{:79}\r", "");
                }
                writeln!(out, "{}", report::render(&result))?;
            }
        }
        if !args.json {
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
