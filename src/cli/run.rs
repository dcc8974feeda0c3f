//! `distgen run`: a protocol as real UDP actors on 127.0.0.1.
//!
//! What `node` and `cluster` share with it is declared here once: the
//! consensus inputs ([`InputsArgs`]) and how a report is printed and turned
//! into an exit status ([`print_report`], [`exit_status`]).

use super::input::{self, FailuresArgs, SizeArgs};
use anyhow::{bail, Context, Result};
use distgen::actors::{config::default_size, run, RunConfig};
use distgen::ir::Problem;
use distgen::ProtocolIr;
use serde::Serialize;
use std::fmt::Display;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

/// The reference protocols, by file stem, compiled in.
const EXAMPLES: &[(&str, &str)] = &[
    ("best_effort", include_str!("../../examples/best_effort.rs")),
    ("bracha", include_str!("../../examples/bracha.rs")),
    (
        "eager_reliable",
        include_str!("../../examples/eager_reliable.rs"),
    ),
    (
        "hadzilacos_toueg",
        include_str!("../../examples/hadzilacos_toueg.rs"),
    ),
    ("imbs_raynal", include_str!("../../examples/imbs_raynal.rs")),
    ("paper_fig3", include_str!("../../examples/paper_fig3.rs")),
];

/// Options of `distgen run`.
///
/// Exit status: 0 if every correct process delivered the origin's value of
/// every instance whose origin is correct, and agreement held for the others;
/// 1 otherwise; 2 on bad input.
#[derive(clap::Args)]
#[command(
    after_help = "Size: N defaults to the smallest N >= 4 the protocol allows; \
F to 0 under `faults: none`, else 1 if allowed."
)]
pub struct Args {
    /// A `.rs` file containing `protocol! { ... }` invocations.
    #[arg(required_unless_present = "example", conflicts_with = "example")]
    pub file: Option<PathBuf>,
    /// Run a protocol of examples/ by file stem (e.g. `bracha`, or a
    /// generated one in examples/generated/) instead of a file.
    #[arg(long, value_name = "NAME")]
    pub example: Option<String>,
    /// The protocol to run when the file has several.
    #[arg(long, value_name = "NAME")]
    pub protocol: Option<String>,
    /// The size (defaults in the help's last line).
    #[command(flatten)]
    pub size: SizeArgs,
    /// Process p listens on port P + p; 0 lets the system choose.
    #[arg(long, value_name = "P", default_value_t = 0)]
    pub base_port: u16,
    /// Broadcasts in all, assigned to the `--from` processes in turn.
    #[arg(long, value_name = "K", default_value_t = 1)]
    pub broadcasts: usize,
    /// The processes that broadcast: `all` or ids like `0,3`.
    #[arg(long, value_name = "IDS", default_value = "0")]
    pub from: String,
    /// `--crash`, `--crash-after`, `--byzantine`.
    #[command(flatten)]
    pub failures: FailuresArgs,
    /// Stop after this many seconds at the latest.
    #[arg(long, value_name = "SECS", default_value_t = 10.0)]
    pub timeout: f64,
    /// Distinct values a process keeps per instance (1..=256); more are dropped.
    #[arg(long, value_name = "K", default_value_t = 8)]
    pub max_values: usize,
    /// `--inputs`, `--seed` (consensus).
    #[command(flatten)]
    pub inputs: InputsArgs,
    /// Print the report as JSON instead of tables.
    #[arg(long)]
    pub json: bool,
    /// Write a chart (SVG) of one instance to this file: the first that
    /// failed, else the first.
    #[arg(long, value_name = "FILE")]
    pub svg: Option<PathBuf>,
}

/// Runs `distgen run`.
pub fn main(args: Args) -> Result<ExitCode> {
    let protocols = match (&args.file, &args.example) {
        (Some(path), _) => input::load(path)?,
        (None, Some(name)) => example(name)?,
        (None, None) => bail!("give a FILE or --example NAME"),
    };
    let ir = input::pick(&protocols, args.protocol.as_deref())?;
    let mut config = config(ir, &args)?;
    if let Some(inputs) = args.inputs.for_problem(ir, config.n)? {
        config.inputs = inputs;
        let report = distgen::actors::consensus::run(ir, &config)?;
        print_report(&report, args.json)?;
        return Ok(exit_status(report.holds()));
    }
    let report = run(ir, &config)?;
    print_report(&report, args.json)?;
    if let Some(path) = &args.svg {
        if let Some(path) = super::charts::write_run(path, &report)? {
            eprintln!("chart: {}", path.display());
        }
    }
    Ok(exit_status(report.holds()))
}

/// The inputs of a consensus run, one per process: `run`, `node` and
/// `cluster` take them alike.
#[derive(clap::Args, Debug, Clone)]
pub struct InputsArgs {
    /// Consensus: the inputs, one per process (`0,1,1,0`), or `random`
    /// (with `--seed`). Every process proposes its input at start.
    #[arg(long, value_name = "BITS")]
    pub inputs: Option<String>,
    /// Seed for `--inputs random`.
    #[arg(long, value_name = "S", default_value_t = 0)]
    pub seed: u64,
}

impl InputsArgs {
    /// The `n` inputs if `ir` is a consensus protocol (which needs them),
    /// `None` if it is a broadcast protocol (which takes none).
    pub fn for_problem(&self, ir: &ProtocolIr, n: usize) -> Result<Option<Vec<u64>>> {
        match (ir.problem, &self.inputs) {
            (Problem::Consensus, Some(text)) => parse_inputs(text, n, self.seed).map(Some),
            (Problem::Consensus, None) => bail!(
                "{} is a consensus protocol: give --inputs (e.g. `0,1,1,0`, or `random --seed S`)",
                ir.name
            ),
            (Problem::Broadcast, Some(_)) => bail!(
                "--inputs is for a consensus protocol; {} is a broadcast protocol",
                ir.name
            ),
            (Problem::Broadcast, None) => Ok(None),
        }
    }
}

/// `--inputs`: N bits separated by commas, or `random` drawn with `seed`.
fn parse_inputs(text: &str, n: usize, seed: u64) -> Result<Vec<u64>> {
    if text == "random" {
        // SplitMix64: a fixed, documented stream per seed.
        let mut state = seed;
        let mut next = || {
            state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            (z ^ (z >> 31)) >> 63
        };
        return Ok((0..n).map(|_| next()).collect());
    }
    let inputs = text
        .split(',')
        .map(|s| match s.trim() {
            "0" => Ok(0),
            "1" => Ok(1),
            other => bail!("--inputs: `{other}` is not 0 or 1"),
        })
        .collect::<Result<Vec<u64>>>()?;
    if inputs.len() != n {
        bail!(
            "--inputs: {} value(s) given, one per process needed (N = {n})",
            inputs.len()
        );
    }
    Ok(inputs)
}

/// Prints `report` (of a broadcast or a consensus run) as tables, or as
/// JSON.
pub fn print_report(report: &(impl Serialize + Display), json: bool) -> Result<()> {
    if json {
        println!("{}", serde_json::to_string_pretty(report)?);
    } else {
        print!("{report}");
    }
    Ok(())
}

/// 0 if the run's properties held (`holds`), else 1.
pub fn exit_status(holds: bool) -> ExitCode {
    if holds {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// The protocols of the example `name`: compiled in, or read from the
/// repository's examples/ or examples/generated/.
fn example(name: &str) -> Result<Vec<ProtocolIr>> {
    let stem = name.trim_end_matches(".rs");
    if let Some((_, src)) = EXAMPLES.iter().find(|(s, _)| *s == stem) {
        return distgen::source::protocols_in_source(src)
            .map_err(|errors| anyhow::anyhow!("example {stem} does not parse: {}", errors[0]));
    }
    let dirs = [
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples"),
        PathBuf::from("examples"),
    ];
    for dir in &dirs {
        for path in [
            dir.join(format!("{stem}.rs")),
            dir.join("generated").join(format!("{stem}.rs")),
        ] {
            if path.is_file() {
                return input::load(&path);
            }
        }
    }
    let names: Vec<&str> = EXAMPLES.iter().map(|(s, _)| *s).collect();
    bail!(
        "no example `{stem}`; built in: {} (or a file in examples/generated/)",
        names.join(", ")
    )
}

/// The run the options ask for.
fn config(ir: &ProtocolIr, args: &Args) -> Result<RunConfig> {
    let (n, f) = match (args.size.n, args.size.f) {
        (Some(n), Some(f)) => (n, f),
        (n, f) => {
            let (n, default_f) = default_size(ir, n).with_context(|| match n {
                Some(n) => format!("{} allows no F at N = {n}", ir.name),
                None => format!("{} allows no N up to 64", ir.name),
            })?;
            (n, f.unwrap_or(default_f))
        }
    };
    if !(args.timeout.is_finite() && args.timeout > 0.0) {
        bail!("--timeout must be a positive number of seconds");
    }
    let mut config = RunConfig::new(n, f);
    config.base_port = args.base_port;
    config.broadcasts = args.broadcasts;
    config.from = input::ids("from", &args.from, n)?;
    args.failures.apply(&mut config)?;
    config.timeout = Duration::from_secs_f64(args.timeout);
    config.limits.max_values = args.max_values;
    config.validate()?;
    Ok(config)
}
