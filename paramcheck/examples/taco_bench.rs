//! One parameterized check, one line of output, for `bench/ta.sh`:
//! `taco_bench FILE.rs SCENARIO BACKEND` prints
//! `protocol scenario backend locations rules verdict taco-seconds seconds detail`.
//! BACKEND `portfolio` runs every member at once (timeout
//! `$TACO_BENCH_TIMEOUT` seconds, default 60) and the detail names the
//! member that answered and how long each ran.

use dsl_core::checker::{report, Scenario, Verdict};
use dsl_core::ir::FaultModel;
use paramcheck::{check_scenario, Backend, Options};

fn main() -> Result<(), String> {
    // Solvers start through this binary and die with it.
    paramcheck::solver::init();
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args == ["--version"] {
        // TACO asks its solver command (this binary) for its version.
        println!("taco_bench (distgen's solver wrapper)");
        return Ok(());
    }
    let [file, scenario, backend] = args.as_slice() else {
        return Err("usage: taco_bench FILE.rs SCENARIO smt|acs|zcs".into());
    };
    let src = std::fs::read_to_string(file).map_err(|e| format!("{file}: {e}"))?;
    if file.ends_with(".ta") {
        let start = std::time::Instant::now();
        let safe = paramcheck::check_ta_text(&src, backend.parse()?);
        println!("{file}\t{safe:?}\t{:.3}", start.elapsed().as_secs_f64());
        return Ok(());
    }
    let ir = dsl_core::source::protocols_in_source(&src)
        .map_err(|e| format!("{file}: {} errors", e.len()))?
        .remove(0);
    let scenario = FaultModel::ALL
        .iter()
        .flat_map(|&f| Scenario::of(f).iter().copied())
        .find(|s| s.name() == scenario)
        .ok_or_else(|| format!("unknown scenario {scenario}"))?;
    if backend == "print" {
        let ta = dsl_core::ta::translate(&ir, scenario).map_err(|e| e.to_string())?;
        print!("{}", dsl_core::ta::bymc::print(&ta));
        return Ok(());
    }
    let portfolio = backend == "portfolio";
    let backend: Backend = if portfolio {
        Backend::Smt
    } else {
        backend.parse()?
    };
    let timeout_secs = std::env::var("TACO_BENCH_TIMEOUT")
        .ok()
        .and_then(|t| t.parse().ok())
        .unwrap_or(60);
    let r = check_scenario(
        &ir,
        scenario,
        &Options {
            backend,
            portfolio,
            timeout_secs: if portfolio { timeout_secs } else { 0 },
            ..Options::default()
        },
    );
    let detail = match &r.verdict {
        Verdict::Verified => format!("proven: {}", r.properties_proven.join(", ")),
        Verdict::Violated(v) => {
            let (n, f) = r.counterexample_at.unwrap_or_default();
            format!(
                "{} at N={n} F={f}, trace of {} steps",
                v.property,
                v.trace.len()
            )
        }
        Verdict::Unknown { reason } => reason.clone(),
    };
    let detail = if portfolio {
        let members: Vec<String> = r
            .members
            .iter()
            .map(|m| format!("{} {:.2} s", m.member, m.seconds))
            .collect();
        format!(
            "{detail}; answered by {}; {}",
            if r.answered_by.is_empty() {
                "none"
            } else {
                &r.answered_by
            },
            members.join(", ")
        )
    } else {
        detail
    };
    println!(
        "{}\t{}\t{}\t{}\t{}\t{}\t{:.3}\t{:.3}\t{}",
        r.protocol,
        scenario.name(),
        if portfolio {
            "portfolio"
        } else {
            backend.name()
        },
        r.locations,
        r.rules,
        report::verdict_word(&r.verdict),
        r.taco_seconds,
        r.seconds,
        detail
    );
    Ok(())
}
