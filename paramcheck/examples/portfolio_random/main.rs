//! Issue 23's random protocols through the portfolio, for `bash bench/ta.sh
//! random`:
//!
//! `portfolio_random [TIMEOUT] [BYZANTINE] [CRASH] [ALONE] [MAX_N]
//! [--only NAME,...]` (defaults 10 s, 200, 150, `smt`, 8) draws BYZANTINE
//! random Byzantine protocols (seed 23) and CRASH crash protocols of the
//! issue's shape ([`bench`]): the first CRASH - CRASH / 2 from the random
//! generator (`C0`, `C1`, ..., seed 24), the other CRASH / 2 from the
//! generator tilted toward live protocols (`L0`, `L1`, ..., seed 25,
//! [`dsl_core::random::live_crash`]). It checks each Byzantine scenario
//! with the portfolio and with each TACO checker of ALONE (`smt,acs,zcs`,
//! or `none`) alone, and each crash protocol with the portfolio and with
//! the explicit checker at every allowed N <= MAX_N (each instance bounded
//! by 5 s and 300,000 distinct states, each protocol by 15 s; a protocol
//! read "violated" with nothing proven for all N is not compared); prints Markdown: the summaries,
//! the rows worth reading, then every row. One line per protocol on
//! standard error while it runs. `--only B180,L3` checks only the named
//! protocols of the same draw (to re-run one row alone).

mod bench;

use bench::Bench;
use dsl_core::checker::Limits;
use paramcheck::Backend;

/// The seeds of the Byzantine, random crash and live-tilted crash
/// protocols.
const SEEDS: (u64, u64, u64) = (23, 24, 25);

/// The explicit checker's bound per instance of the crash comparison
/// (crash protocols at N = 7 or 8 pass millions of states: 20 s per
/// instance made one live-tilted protocol's comparison take 5 to 12
/// minutes).
const INSTANCE_LIMITS: Limits = Limits {
    max_states: 300_000,
    timeout_secs: 5,
};

/// The crash comparison's budget per protocol, in seconds.
const ROW_BUDGET_SECS: u64 = 15;

fn arg<T: std::str::FromStr>(args: &[String], i: usize, default: T) -> Result<T, String> {
    match args.get(i) {
        None => Ok(default),
        Some(a) => a
            .parse()
            .map_err(|_| format!("argument {}: cannot read `{a}`", i + 1)),
    }
}

fn count<T>(xs: &[T], p: impl Fn(&T) -> bool) -> usize {
    xs.iter().filter(|x| p(x)).count()
}

fn main() -> Result<(), String> {
    // Solvers start through this binary and die with it.
    paramcheck::solver::init();
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    if args == ["--version"] {
        // TACO asks its solver command (this binary) for its version.
        println!("portfolio_random (distgen's solver wrapper)");
        return Ok(());
    }
    let only: Option<Vec<String>> = match args.iter().position(|a| a == "--only") {
        Some(i) => {
            let names = args
                .get(i + 1)
                .ok_or("--only needs protocol names, e.g. --only B180,L3")?
                .split(',')
                .map(String::from)
                .collect();
            args.drain(i..i + 2);
            Some(names)
        }
        None => None,
    };
    let chosen = |ir: &dsl_core::ProtocolIr| only.as_ref().is_none_or(|o| o.contains(&ir.name));
    let timeout_secs: u64 = arg(&args, 0, 10)?;
    let byzantine: usize = arg(&args, 1, 200)?;
    let crash: usize = arg(&args, 2, 150)?;
    let alone: String = arg(&args, 3, "smt".to_string())?;
    let max_n: usize = arg(&args, 4, 8)?;
    let alone: Vec<Backend> = if alone == "none" {
        Vec::new()
    } else {
        alone.split(',').map(str::parse).collect::<Result<_, _>>()?
    };
    paramcheck::solver::find().map_err(|e| e.to_string())?;
    let bench = Bench {
        timeout_secs,
        alone,
        max_n,
        limits: INSTANCE_LIMITS,
        row_budget_secs: ROW_BUDGET_SECS,
        skip_refuted: true,
    };
    let start = std::time::Instant::now();
    let mut rows = Vec::new();
    let byzantine_irs: Vec<_> = bench::byzantine_protocols(SEEDS.0, byzantine)
        .into_iter()
        .filter(chosen)
        .collect();
    for ir in &byzantine_irs {
        let these = bench::byzantine_rows(ir, &bench);
        for r in &these {
            eprintln!(
                "{:>6.0} s  {} {}: {}",
                start.elapsed().as_secs_f64(),
                r.protocol,
                r.scenario.name(),
                r.portfolio.word
            );
        }
        rows.extend(these);
    }
    let mut crash_rows = Vec::new();
    let crash_irs: Vec<_> = bench::crash_protocols(SEEDS.1, crash - crash / 2)
        .into_iter()
        .chain(bench::live_crash_protocols(SEEDS.2, crash / 2))
        .filter(chosen)
        .collect();
    for ir in &crash_irs {
        let r = bench::crash_row(ir, &bench);
        eprintln!(
            "{:>6.0} s  {} crashes: {} {:.2} s, explicit {:.1} s{}{}",
            start.elapsed().as_secs_f64(),
            r.protocol,
            r.portfolio.word,
            r.portfolio.seconds,
            r.explicit_seconds,
            if r.unknown_at.is_empty() {
                String::new()
            } else {
                format!(", {} instances unknown", r.unknown_at.len())
            },
            if r.wrong.is_empty() { "" } else { " (WRONG)" }
        );
        crash_rows.push(r);
    }
    println!(
        "{} random Byzantine protocols (seed {}), {} (protocol, scenario) rows, timeout {timeout_secs} s:\n",
        byzantine_irs.len(),
        SEEDS.0,
        rows.len()
    );
    println!("{}", bench::byzantine_summary(&rows, timeout_secs));
    let notable = bench::byzantine_notable(&rows, timeout_secs as f64 / 2.0);
    if !notable.is_empty() {
        let notable: Vec<_> = notable.into_iter().cloned().collect();
        println!(
            "Rows without an answer, slower than {} s, or contradicted:\n",
            timeout_secs as f64 / 2.0
        );
        println!("{}", bench::byzantine_table(&notable));
        for r in &notable {
            if let Some(ir) = byzantine_irs.iter().find(|ir| ir.name == r.protocol) {
                println!("```rust\n{}```\n", dsl_core::print::invocation(ir));
            }
        }
    }
    println!(
        "{} crash protocols ({} random, seed {}; {} tilted toward live ones, seed {}), explicit checker at every allowed N <= {max_n} ({} s and {} distinct states per instance, {} s per protocol), timeout {timeout_secs} s:\n",
        crash_irs.len(),
        count(&crash_irs, |ir| !ir.name.starts_with('L')),
        SEEDS.1,
        count(&crash_irs, |ir| ir.name.starts_with('L')),
        SEEDS.2,
        INSTANCE_LIMITS.timeout_secs,
        INSTANCE_LIMITS.max_states,
        ROW_BUDGET_SECS,
    );
    println!("{}", bench::crash_summary(&crash_rows, max_n, timeout_secs));
    let wrong: Vec<_> = crash_rows
        .iter()
        .filter(|r| !r.wrong.is_empty())
        .cloned()
        .collect();
    if !wrong.is_empty() {
        println!("Crash rows whose claim an instance refutes:\n");
        println!("{}", bench::crash_table(&wrong));
        for r in &wrong {
            if let Some(ir) = crash_irs.iter().find(|ir| ir.name == r.protocol) {
                println!("```rust\n{}```\n", dsl_core::print::invocation(ir));
            }
        }
    }
    println!("Every Byzantine row:\n\n{}", bench::byzantine_table(&rows));
    println!("Every crash row:\n\n{}", bench::crash_table(&crash_rows));
    println!("Total: {:.0} s", start.elapsed().as_secs_f64());
    Ok(())
}
