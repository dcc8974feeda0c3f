//! Issue 23's random protocols through the portfolio, for `bash bench/ta.sh
//! random`:
//!
//! `portfolio_random [TIMEOUT] [BYZANTINE] [CRASH] [ALONE] [MAX_N]`
//! (defaults 10 s, 200, 150, `smt`, 8) draws BYZANTINE random Byzantine
//! protocols (seed 23) and CRASH random crash protocols (seed 24) of the
//! issue's shape ([`bench`]); checks each Byzantine scenario with the
//! portfolio and with each TACO checker of ALONE (`smt,acs,zcs`, or `none`)
//! alone, and each crash protocol with the portfolio and with the explicit
//! checker at every allowed N <= MAX_N; prints Markdown: the summaries, the
//! rows worth reading, then every row. One line per protocol on standard
//! error while it runs.

mod bench;

use bench::Bench;
use dsl_core::checker::Limits;
use paramcheck::Backend;

/// The seeds of the Byzantine and crash protocols.
const SEEDS: (u64, u64) = (23, 24);

fn arg<T: std::str::FromStr>(args: &[String], i: usize, default: T) -> Result<T, String> {
    match args.get(i) {
        None => Ok(default),
        Some(a) => a
            .parse()
            .map_err(|_| format!("argument {}: cannot read `{a}`", i + 1)),
    }
}

fn main() -> Result<(), String> {
    // Solvers start through this binary and die with it.
    paramcheck::solver::init();
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args == ["--version"] {
        // TACO asks its solver command (this binary) for its version.
        println!("portfolio_random (distgen's solver wrapper)");
        return Ok(());
    }
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
        limits: Limits {
            max_states: 2_000_000,
            timeout_secs: 60,
        },
    };
    let start = std::time::Instant::now();
    let mut rows = Vec::new();
    for ir in bench::byzantine_protocols(SEEDS.0, byzantine) {
        let these = bench::byzantine_rows(&ir, &bench);
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
    for ir in bench::crash_protocols(SEEDS.1, crash) {
        let r = bench::crash_row(&ir, &bench);
        eprintln!(
            "{:>6.0} s  {} crashes: {}{}",
            start.elapsed().as_secs_f64(),
            r.protocol,
            r.portfolio.word,
            if r.wrong.is_empty() { "" } else { " (WRONG)" }
        );
        crash_rows.push(r);
    }
    println!(
        "{byzantine} random Byzantine protocols (seed {}), {} (protocol, scenario) rows, timeout {timeout_secs} s:\n",
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
            if let Some(ir) = bench::byzantine_protocols(SEEDS.0, byzantine)
                .into_iter()
                .find(|ir| ir.name == r.protocol)
            {
                println!("```rust\n{}```\n", dsl_core::print::invocation(&ir));
            }
        }
    }
    println!(
        "{crash} random crash protocols (seed {}), explicit checker at every allowed N <= {max_n}, timeout {timeout_secs} s:\n",
        SEEDS.1
    );
    println!("{}", bench::crash_summary(&crash_rows, max_n));
    let wrong: Vec<_> = crash_rows
        .iter()
        .filter(|r| !r.wrong.is_empty())
        .cloned()
        .collect();
    if !wrong.is_empty() {
        println!("Crash rows whose claim an instance refutes:\n");
        println!("{}", bench::crash_table(&wrong));
    }
    println!("Every Byzantine row:\n\n{}", bench::byzantine_table(&rows));
    println!("Every crash row:\n\n{}", bench::crash_table(&crash_rows));
    println!("Total: {:.0} s", start.elapsed().as_secs_f64());
    Ok(())
}
