//! `distgen ta`: a protocol's threshold automaton in ByMC's `.ta` syntax, and
//! `distgen check --all-n`: its parameterized check with TACO.

use super::input;
use anyhow::{bail, Context, Result};
use distgen::checker::{report, CheckResult, Config, Limits, Scenario, Verdict};
use distgen::ir::FaultModel;
use distgen::ProtocolIr;
use paramcheck::AllNResult;
use serde_json::{json, Value};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// Options of `distgen ta`.
#[derive(clap::Args)]
#[command(
    after_help = "Exit status: 0 written; 2 bad input; 3 the protocol has no threshold \
automaton (a threshold not linear in N and F)."
)]
pub struct Args {
    #[command(flatten)]
    pub protocol: input::ProtocolArgs,
    #[command(flatten)]
    pub faults: input::FaultsArgs,
    /// Scenario: failure-free, crashes, correct-broadcaster or
    /// byzantine-broadcaster [default: the first of the fault model].
    #[arg(long, value_parser = parse_scenario)]
    pub scenario: Option<Scenario>,
    /// Write to this file instead of standard output.
    #[arg(short = 'o', long)]
    pub out: Option<PathBuf>,
}

/// Parses a scenario name.
pub fn parse_scenario(s: &str) -> Result<Scenario, String> {
    let all: Vec<Scenario> = FaultModel::ALL
        .iter()
        .flat_map(|&f| Scenario::of(f).iter().copied())
        .collect();
    dsl_core::ir::named(s, &all, |sc| sc.name(), "scenario")
}

/// The scenario `--scenario` names (`named`), which must be one of
/// `scenarios` (the scenarios of `of`, as the error says); without it, the
/// first of them.
fn chosen(named: Option<Scenario>, scenarios: &[Scenario], of: &str) -> Result<Scenario> {
    match named {
        Some(s) if !scenarios.contains(&s) => bail!("scenario {} is not one of {of}", s.name()),
        Some(s) => Ok(s),
        None => Ok(scenarios[0]),
    }
}

/// Runs `distgen ta`.
pub fn main(args: Args) -> Result<ExitCode> {
    let ir = &args.protocol.load_one()?;
    let faults = args.faults.or_claimed(ir);
    let scenarios = Scenario::of(faults);
    let scenario = chosen(
        args.scenario,
        scenarios,
        &format!("the {faults} fault model"),
    )?;
    if ir.problem == distgen::ir::Problem::Consensus {
        return consensus(ir, faults, &args);
    }
    let ta = match dsl_core::ta::translate(ir, scenario) {
        Ok(ta) => ta,
        Err(e) => {
            eprintln!("{}: {}", ir.name, paramcheck::untranslatable(&e));
            return Ok(ExitCode::from(3));
        }
    };
    let text = dsl_core::ta::bymc::print(&ta);
    match &args.out {
        Some(path) => std::fs::write(path, text)
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => print!("{text}"),
    }
    if args.scenario.is_none() && scenarios.len() > 1 {
        eprintln!(
            "wrote scenario {}; the other: --scenario {}",
            scenario.name(),
            scenarios[1].name()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `distgen ta` for a consensus protocol: the automaton with the agreement
/// specification (the others differ only in the start, the assumptions and
/// the specification; standard error names them).
fn consensus(ir: &ProtocolIr, faults: FaultModel, args: &Args) -> Result<ExitCode> {
    let scenarios = ir.problem.scenarios(faults);
    let of = format!("consensus under {faults} faults");
    let scenario = chosen(args.scenario, scenarios, &of)?;
    let ta = match dsl_core::ta::consensus::translate(ir, scenario) {
        Ok(ta) => ta,
        Err(e) => {
            eprintln!("{}: {}", ir.name, paramcheck::untranslatable(&e));
            return Ok(ExitCode::from(3));
        }
    };
    let text = ta.print(dsl_core::problem::Property::Agreement);
    match &args.out {
        Some(path) => std::fs::write(path, text)
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => print!("{text}"),
    }
    let others: Vec<&str> = ta.properties().iter().skip(1).map(|p| p.name()).collect();
    eprintln!(
        "wrote the automaton with the agreement specification; `check --all-n` also checks {} (same rules, own start and specification)",
        others.join(", ")
    );
    Ok(ExitCode::SUCCESS)
}

/// How `distgen check --all-n` runs.
pub struct AllNArgs {
    /// The fault model, if not the protocol's own.
    pub faults: Option<FaultModel>,
    /// JSON rows instead of text.
    pub json: bool,
    /// `--max-states` for the explicit checker, `--timeout` per scenario.
    pub limits: Limits,
    /// One TACO checker instead of the portfolio.
    pub taco: Option<paramcheck::Backend>,
    /// Download z3 first if missing.
    pub fetch_z3: bool,
}

/// z3 for TACO: found, or with `fetch` downloaded if missing (saying so on
/// standard error).
pub fn find_z3(fetch: bool) -> Result<std::path::PathBuf, paramcheck::solver::SolverError> {
    if !fetch {
        return paramcheck::solver::find();
    }
    eprintln!(
        "looking for z3, else downloading z3-solver {} from PyPI...",
        paramcheck::solver::Z3_WHEEL_VERSION
    );
    let path = paramcheck::solver::fetch()?;
    eprintln!("z3: {}", path.display());
    Ok(path)
}

/// `distgen check --all-n`: one row per (fault model, scenario) of each
/// protocol; exit status 0 all verified, 1 a violation, 3 otherwise.
pub fn check_all_n(protocols: &[ProtocolIr], how: &AllNArgs) -> Result<ExitCode> {
    // The explicit checker's sweep may still refute: go on without TACO.
    if let Err(e) = find_z3(how.fetch_z3) {
        eprintln!("{e}");
    }
    let (mut violated, mut unknown) = (false, false);
    let stdout = std::io::stdout();
    let options = paramcheck::Options {
        backend: how.taco.unwrap_or(paramcheck::Backend::Smt),
        replay: how.limits,
        portfolio: how.taco.is_none(),
        timeout_secs: how.limits.timeout_secs,
        progress: !how.json && std::io::stderr().is_terminal()
            || std::env::var_os("DISTGEN_PROGRESS").is_some(),
        ..paramcheck::Options::default()
    };
    for ir in protocols {
        let faults = how.faults.unwrap_or(ir.faults);
        for r in paramcheck::check_all_n(ir, faults, &options) {
            violated |= matches!(r.verdict, Verdict::Violated(_));
            unknown |= matches!(r.verdict, Verdict::Unknown { .. });
            let mut out = stdout.lock();
            if how.json {
                writeln!(out, "{}", row_json(&r))?;
            } else {
                writeln!(out, "{}", render(&r))?;
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

fn covered(r: &AllNResult) -> String {
    if r.assumption.is_empty() {
        "all N".to_string()
    } else {
        format!("all N with {}", r.assumption)
    }
}

/// One result as text.
pub fn render(r: &AllNResult) -> String {
    let mut out = format!(
        "{:<16} {:<9} {:<28} {:<22} {:<9} {:>3} locations {:>8.3} s",
        r.protocol,
        r.faults.keyword(),
        covered(r),
        r.scenario.name(),
        report::verdict_word(&r.verdict),
        r.locations,
        r.seconds
    );
    match &r.verdict {
        Verdict::Verified => {
            if let Some(n) = r.live_up_to.filter(|_| !r.instance_only.is_empty()) {
                out.push_str(&format!(
                    "\n    safe for all N; {} at every N <= {n} (the sweep)",
                    r.instance_only.join(", ")
                ));
            }
        }
        Verdict::Unknown { reason } => out.push_str(&format!("\n    {reason}")),
        Verdict::Violated(v) => {
            let (n, f) = r.counterexample_at.unwrap_or_default();
            let how = if r.answered_by == "sweep" {
                "found by the explicit checker's sweep of the allowed instances"
            } else if r.properties_proven.is_empty() {
                "TACO's counterexample, confirmed by the explicit checker"
            } else {
                "safety holds for all N; the explicit checker at a default instance"
            };
            out.push_str(&format!(
                "\n    {} violated at N={n}, F={f} ({how}): {}\n    counterexample:",
                v.property, v.detail
            ));
            for (i, line) in v.trace.iter().enumerate() {
                out.push_str(&format!("\n    {:>3}. {line}", i + 1));
            }
        }
    }
    let proven = if r.properties_proven.is_empty() {
        "none".to_string()
    } else {
        r.properties_proven.join(", ")
    };
    if !r.members.is_empty() {
        let members: Vec<String> = r
            .members
            .iter()
            .map(|m| format!("{} {:.1} s ({})", m.member, m.seconds, m.outcome))
            .collect();
        let by = if r.answered_by.is_empty() {
            "no member"
        } else {
            &r.answered_by
        };
        out.push_str(&format!(
            "\n    answered by {by}; members: {}",
            members.join(", ")
        ));
    }
    if r.instance_only.is_empty() {
        out.push_str(&format!("\n    proven for all N: {proven}"));
    } else {
        out.push_str(&format!(
            "\n    proven for all N: {proven}; checked only at instances (distgen check without --all-n): {}",
            r.instance_only.join(", ")
        ));
    }
    out
}

/// One result as the JSON object of `check --all-n --json`: the fields of
/// `check --json` ([`report::json`]) with `"n"`, `"f"` and `"states"` null,
/// and the all-N ones.
pub fn row_json(r: &AllNResult) -> Value {
    let as_instance = CheckResult {
        protocol: r.protocol.clone(),
        config: Config {
            faults: r.faults,
            n: 0,
            f: 0,
            scenario: r.scenario,
        },
        verdict: r.verdict.clone(),
        states: 0,
        seconds: r.seconds,
    };
    let mut obj = report::json(&as_instance);
    let all_n = json!({
        "n": null,
        "f": null,
        "states": null,
        "all_n": true,
        "requires": r.assumption,
        "taco_seconds": r.taco_seconds,
        "properties_proven": r.properties_proven,
        "instance_only": r.instance_only,
        "counterexample_at": r.counterexample_at.map(|(n, f)| json!({"n": n, "f": f})),
        "checker": r.backend.name(),
        "answered_by": r.answered_by,
        "members": r.members,
        "live_up_to": r.live_up_to,
        "locations": r.locations,
        "rules": r.rules,
    });
    if let (Some(obj), Value::Object(fields)) = (obj.as_object_mut(), all_n) {
        obj.extend(fields);
    }
    obj
}
