//! Differential test: distgen's checker against Spin, run on the PROMELA
//! export of the same protocol, for every example and for random protocols,
//! at N = 4 under every fault model.
//!
//! Ignored by default (it needs `spin` and `gcc`, and takes a while): run it
//! with `bench/spin/diff.sh`, which installs Spin if needed. Knobs, from the
//! environment:
//!
//! - `SPIN_DIFF_OUT`: where to write the models and `results.jsonl`
//!   (default `target/spin-diff`);
//! - `SPIN_DIFF_RANDOM`: how many random protocols (default 200);
//! - `SPIN_DIFF_SEED`: their seed (default 7);
//! - `SPIN_DIFF_TIMEOUT`: seconds one Spin run may take (default 600);
//! - `SPIN_DIFF_MEMLIM`: megabytes one Spin run may use (default 4096);
//! - `SPIN_DIFF_EXAMPLES`: `0` to skip the examples;
//! - `SPIN_DIFF_ONLY`: a comma-separated list of protocol names to run alone.
//!
//! The test fails if a verdict differs (verified by one, violated by the
//! other); runs that either side could not finish are reported, not failed.

use dsl_core::checker::{check, Config, Limits, Scenario, Verdict};
use dsl_core::ir::{FaultModel, ProtocolIr};
use dsl_core::promela;
use dsl_core::random::{self, Shape};
use rand::SeedableRng;
use serde::Serialize;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// What Spin said about one model.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "verdict", rename_all = "lowercase")]
enum SpinVerdict {
    Verified,
    Violated {
        /// The assertion's name (`agreement`, `totality`, ...).
        assertion: String,
        /// The steps of the trail, as the model's `printf`s tell them.
        trace: Vec<String>,
    },
    Unknown {
        reason: String,
    },
}

#[derive(Clone, Debug, Serialize)]
struct SpinRun {
    #[serde(flatten)]
    verdict: SpinVerdict,
    states: u64,
    /// `pan`'s own run, wall clock.
    pan_seconds: f64,
    /// `spin -a` and `gcc`.
    compile_seconds: f64,
    /// gcc optimisation level used for the run that counts.
    opt: &'static str,
}

#[derive(Serialize)]
struct Row {
    protocol: String,
    source: String,
    faults: FaultModel,
    n: usize,
    f: usize,
    scenario: Scenario,
    distgen: Verdict,
    distgen_states: usize,
    distgen_seconds: f64,
    spin: SpinRun,
    agree: Option<bool>,
}

fn env_or<T: std::str::FromStr>(key: &str, default: T) -> T {
    std::env::var(key)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn run(cmd: &mut Command) -> std::io::Result<(bool, Option<i32>, String)> {
    let out = cmd.output()?;
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&out.stderr));
    Ok((out.status.success(), out.status.code(), text))
}

/// Compiles and runs `pan` once in `dir`, with gcc at `opt`.
fn spin_once(dir: &Path, opt: &'static str, bfs: bool, timeout: Duration, memlim: u64) -> SpinRun {
    let unknown = |reason: String, compile: f64| SpinRun {
        verdict: SpinVerdict::Unknown { reason },
        states: 0,
        pan_seconds: 0.0,
        compile_seconds: compile,
        opt,
    };
    let compile_seconds = match compile(dir, opt, bfs, memlim) {
        Ok(seconds) => seconds,
        Err((reason, seconds)) => return unknown(reason, seconds),
    };
    let _ = std::fs::remove_file(dir.join("model.pml.trail"));
    let pan_start = Instant::now();
    // Exhaustive: no bitstate, no hash compaction. -m: the model's depth is
    // bounded by the number of messages and injections, far below this.
    let pan = run(Command::new("timeout")
        .arg(timeout.as_secs().to_string())
        .args(["./pan", "-m1000000", "-w24"])
        .current_dir(dir));
    let pan_seconds = pan_start.elapsed().as_secs_f64();
    let (code, text) = match pan {
        Ok((_, code, text)) => (code, text),
        Err(e) => return unknown(format!("cannot run pan: {e}"), compile_seconds),
    };
    let _ = std::fs::write(dir.join(format!("pan{opt}.out")), &text);
    let states = text
        .lines()
        .find(|l| l.contains("states, stored"))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|w| w.parse::<f64>().ok())
        .unwrap_or(0.0) as u64;
    SpinRun {
        verdict: pan_verdict(dir, &text, code, timeout, memlim),
        states,
        pan_seconds,
        compile_seconds,
        opt,
    }
}

/// `spin -a`, then gcc at `opt` in `dir`: the seconds both took, or why
/// they failed and the seconds spent (0 when `spin -a` failed).
fn compile(dir: &Path, opt: &str, bfs: bool, memlim: u64) -> Result<f64, (String, f64)> {
    let start = Instant::now();
    match run(Command::new("spin")
        .arg("-a")
        .arg("model.pml")
        .current_dir(dir))
    {
        Ok((true, _, _)) => {}
        Ok((false, _, text)) => return Err((format!("spin -a failed: {text}"), 0.0)),
        Err(e) => return Err((format!("cannot run spin: {e}"), 0.0)),
    }
    // SAFETY: assertions only (no never claim, no cycles); NOREDUCE: one
    // process, nothing for partial-order reduction to do.
    let gcc = run(Command::new("gcc")
        .args([opt, "-DSAFETY", "-DNOREDUCE"])
        .args(bfs.then_some("-DBFS"))
        .arg(format!("-DMEMLIM={memlim}"))
        .args(["-o", "pan", "pan.c"])
        .current_dir(dir));
    let seconds = start.elapsed().as_secs_f64();
    match gcc {
        Ok((true, _, _)) => Ok(seconds),
        Ok((false, _, text)) => Err((format!("gcc failed: {text}"), seconds)),
        Err(e) => Err((format!("cannot run gcc: {e}"), seconds)),
    }
}

/// What `pan`'s output `text` (exit status `code`) says; a violation comes
/// with its trail, replayed in `dir`.
fn pan_verdict(
    dir: &Path,
    text: &str,
    code: Option<i32>,
    timeout: Duration,
    memlim: u64,
) -> SpinVerdict {
    if let Some(line) = text.lines().find(|l| l.contains("assertion violated")) {
        let assertion = line
            .split("assertion violated")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .unwrap_or("?")
            .to_string();
        SpinVerdict::Violated {
            assertion,
            trace: replay(dir),
        }
    } else if code == Some(124) {
        SpinVerdict::Unknown {
            reason: format!("timed out after {} s", timeout.as_secs()),
        }
    } else if text.contains("out of memory") || text.contains("reached -DMEMLIM bound") {
        SpinVerdict::Unknown {
            reason: format!("out of memory ({memlim} MB)"),
        }
    } else if text.contains("max search depth too small") {
        SpinVerdict::Unknown {
            reason: "search depth too small".into(),
        }
    } else if text.contains("errors: 0") && !text.contains("Search not completed") {
        SpinVerdict::Verified
    } else {
        SpinVerdict::Unknown {
            reason: format!(
                "unexpected pan output: {}",
                text.lines().last().unwrap_or("")
            ),
        }
    }
}

/// The steps of the trail: the model `printf`s one line per step.
fn replay(dir: &Path) -> Vec<String> {
    match run(Command::new("spin")
        .args(["-t", "model.pml"])
        .current_dir(dir))
    {
        Ok((_, _, text)) => text
            .lines()
            .map(str::trim)
            // After the trail, spin dumps the final state.
            .take_while(|l| !l.starts_with("spin: trail ends"))
            .filter(|l| !l.is_empty() && !l.starts_with("spin:"))
            .map(String::from)
            .collect(),
        Err(e) => vec![format!("cannot replay: {e}")],
    }
}

/// Spin on one model: a quick unoptimised breadth-first build first (most
/// models are small, and BFS gives a shortest trail), an optimised
/// depth-first one if that did not finish within a minute, and then, on a
/// violation, an optimised breadth-first one for a shortest trail.
fn spin(dir: &Path, timeout: Duration, memlim: u64) -> SpinRun {
    let quick = spin_once(
        dir,
        "-O0",
        true,
        timeout.min(Duration::from_secs(60)),
        memlim,
    );
    let SpinVerdict::Unknown { reason } = &quick.verdict else {
        return quick;
    };
    if !reason.starts_with("timed out") {
        return quick;
    }
    let mut result = spin_once(dir, "-O2", false, timeout, memlim);
    if let SpinVerdict::Violated { .. } = result.verdict {
        let shortest = spin_once(dir, "-O2", true, timeout, memlim);
        if let SpinVerdict::Violated { .. } = shortest.verdict {
            result.verdict = shortest.verdict;
        }
    }
    result
}

/// The configurations at N = 4 that `ir` allows, one per fault model and scenario.
fn configs(ir: &ProtocolIr) -> Vec<Config> {
    let mut out = Vec::new();
    for (faults, f) in [
        (FaultModel::None, 0),
        (FaultModel::Crash, 1),
        (FaultModel::Byzantine, 1),
    ] {
        if !ir.requires.iter().all(|c| c.holds(4, f as i64)) {
            continue;
        }
        for &scenario in Scenario::of(faults) {
            out.push(Config {
                faults,
                n: 4,
                f,
                scenario,
            });
        }
    }
    out
}

fn examples() -> Vec<(String, ProtocolIr)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("examples/ exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for file in files {
        let src = std::fs::read_to_string(&file).expect("readable example");
        for ir in dsl_core::source::protocols_in_source(&src).expect("examples parse") {
            // PROMELA models reliable broadcast only (docs/DESIGN.md section 4).
            if ir.problem != dsl_core::ir::Problem::Broadcast {
                continue;
            }
            out.push((format!("examples/{}", file.display()), ir));
        }
    }
    for (source, _) in &mut out {
        *source = source.replace(&format!("{}/", dir.display()), "");
    }
    out
}

fn randoms(count: usize, seed: u64) -> Vec<(String, ProtocolIr)> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    // Written as Byzantine-tolerant (requires: N > 3 * F), so that N = 4,
    // F = 1 is allowed under every fault model.
    let shape = Shape {
        faults: FaultModel::Byzantine,
        ..Shape::default()
    };
    (0..count)
        .map(|i| {
            let name = format!("Random{i}");
            (
                format!("random seed {seed} #{i}"),
                random::protocol(&mut rng, &shape, &name),
            )
        })
        .collect()
}

fn kind(v: &Verdict) -> Option<bool> {
    match v {
        Verdict::Verified => Some(true),
        Verdict::Violated(_) => Some(false),
        Verdict::Unknown { .. } => None,
    }
}

fn spin_kind(v: &SpinVerdict) -> Option<bool> {
    match v {
        SpinVerdict::Verified => Some(true),
        SpinVerdict::Violated { .. } => Some(false),
        SpinVerdict::Unknown { .. } => None,
    }
}

/// The protocols to compare: the examples and random ones, as the
/// environment asks.
fn corpus() -> Vec<(String, ProtocolIr)> {
    let count = env_or("SPIN_DIFF_RANDOM", 200usize);
    let seed = env_or("SPIN_DIFF_SEED", 7u64);
    let mut corpus = Vec::new();
    if env_or("SPIN_DIFF_EXAMPLES", 1u8) != 0 {
        corpus.extend(examples());
    }
    corpus.extend(randoms(count, seed));
    if let Ok(only) = std::env::var("SPIN_DIFF_ONLY") {
        let names: Vec<&str> = only.split(',').map(str::trim).collect();
        corpus.retain(|(_, ir)| names.contains(&ir.name.as_str()));
    }
    corpus
}

/// Spin on the PROMELA model of `ir` in `config` (written to `dir`), and
/// distgen's checker, side by side.
fn compare(
    source: &str,
    ir: &ProtocolIr,
    config: Config,
    dir: &Path,
    timeout: Duration,
    memlim: u64,
) -> Row {
    std::fs::create_dir_all(dir).expect("model directory");
    let pml = promela::model(ir, config).expect("exportable");
    std::fs::write(dir.join("model.pml"), &pml).expect("model written");
    let spin_run = spin(dir, timeout, memlim);
    let ours = check(ir, config, Limits::default());
    let agree = match (kind(&ours.verdict), spin_kind(&spin_run.verdict)) {
        (Some(a), Some(b)) => Some(a == b),
        _ => None,
    };
    Row {
        protocol: ir.name.clone(),
        source: source.to_string(),
        faults: config.faults,
        n: config.n,
        f: config.f,
        scenario: config.scenario,
        distgen: ours.verdict,
        distgen_states: ours.states,
        distgen_seconds: ours.seconds,
        spin: spin_run,
        agree,
    }
}

/// One line of the summary: both verdicts, their states and times.
fn summary_line(row: &Row) -> String {
    let show = |v: Option<bool>| match v {
        Some(true) => "verified",
        Some(false) => "violated",
        None => "unknown",
    };
    format!(
        "{:<16} {:<10} {:<22} distgen {:<8} {:>9} st {:>8.3} s | spin {:<8} {:>10} st {:>8.3} s ({}){}",
        row.protocol,
        row.faults.keyword(),
        row.scenario.name(),
        show(kind(&row.distgen)),
        row.distgen_states,
        row.distgen_seconds,
        show(spin_kind(&row.spin.verdict)),
        row.spin.states,
        row.spin.pan_seconds,
        row.spin.opt,
        match row.agree {
            Some(false) => "  DIFFERENT",
            None => "  (undecided)",
            _ => "",
        }
    )
}

#[test]
#[ignore = "needs spin and gcc; run bench/spin/diff.sh"]
fn spin_agrees_with_distgen() {
    let out_dir = PathBuf::from(
        std::env::var("SPIN_DIFF_OUT")
            .unwrap_or_else(|_| format!("{}/../target/spin-diff", env!("CARGO_MANIFEST_DIR"))),
    );
    let timeout = Duration::from_secs(env_or("SPIN_DIFF_TIMEOUT", 600u64));
    let memlim = env_or("SPIN_DIFF_MEMLIM", 4096u64);
    let corpus = corpus();
    std::fs::create_dir_all(&out_dir).expect("output directory");
    let mut jsonl = String::new();
    let mut differences = Vec::new();
    let mut summary = String::new();
    for (source, ir) in &corpus {
        for config in configs(ir) {
            let dir = out_dir.join(format!(
                "{}-{}-n{}f{}",
                ir.name,
                config.scenario.name(),
                config.n,
                config.f
            ));
            let row = compare(source, ir, config, &dir, timeout, memlim);
            let line = serde_json::to_string(&row).expect("serialisable");
            jsonl.push_str(&line);
            jsonl.push('\n');
            let text = summary_line(&row);
            eprintln!("{text}");
            let _ = writeln!(summary, "{text}");
            if row.agree == Some(false) {
                differences.push(line);
                let _ = std::fs::write(dir.join("pml.source.rs"), dsl_core::print::invocation(ir));
            }
        }
        std::fs::write(out_dir.join("results.jsonl"), &jsonl).expect("results written");
    }
    std::fs::write(out_dir.join("summary.txt"), &summary).expect("summary written");
    assert!(
        differences.is_empty(),
        "{} verdict(s) differ:\n{}",
        differences.len(),
        differences.join("\n")
    );
}
