//! Runs the checker on Bracha in both Byzantine scenarios, for profiling:
//! `cargo run --release -p dsl-core --example profile_checker -- N F [bitset|plain] [FILE]`
//! (the counting model by default; FILE defaults to examples/bracha.rs).
use dsl_core::checker::{check_with, Config, Engine, Limits, Scenario, Verdict};
use dsl_core::ir::FaultModel;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(5);
    let f: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1);
    let engine = match args.get(3).map(String::as_str) {
        Some("bitset") => Engine::Bitset,
        Some("plain") => Engine::Plain,
        _ => Engine::Auto,
    };
    let src = match args.get(4) {
        Some(path) => std::fs::read_to_string(path).expect("readable file"),
        None => include_str!("../../examples/bracha.rs").to_string(),
    };
    let ir = dsl_core::source::protocols_in_source(&src)
        .expect("the protocol parses")
        .remove(0);
    for scenario in [Scenario::CorrectBroadcaster, Scenario::ByzantineBroadcaster] {
        let config = Config {
            faults: FaultModel::Byzantine,
            n,
            f,
            scenario,
        };
        let limits = Limits {
            max_states: 1_000_000_000,
            timeout_secs: 600,
        };
        let r = check_with(&ir, config, limits, engine);
        let verdict = match &r.verdict {
            Verdict::Violated(v) => format!("violated {} in {} steps", v.property, v.trace.len()),
            v => format!("{v:?}"),
        };
        println!(
            "{} states={} {:.3}s {verdict}",
            scenario.name(),
            r.states,
            r.seconds,
        );
    }
}
