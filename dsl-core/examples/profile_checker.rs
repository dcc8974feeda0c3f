//! Runs the compact model on Bracha in both Byzantine scenarios, for
//! profiling: `cargo run --release -p dsl-core --example profile_checker -- N F`.
use dsl_core::checker::{check, Config, Limits, Scenario};
use dsl_core::ir::FaultModel;

fn main() {
    let src = include_str!("../../examples/bracha.rs");
    let ir = dsl_core::source::protocols_in_source(src)
        .expect("bracha parses")
        .remove(0);
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(5);
    let f: usize = std::env::args()
        .nth(2)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    for scenario in [Scenario::CorrectBroadcaster, Scenario::ByzantineBroadcaster] {
        let config = Config {
            faults: FaultModel::Byzantine,
            n,
            f,
            scenario,
        };
        let r = check(
            &ir,
            config,
            Limits {
                max_states: 200_000_000,
                timeout_secs: 300,
            },
        );
        println!(
            "{} states={} {:.3}s verified={}",
            scenario.name(),
            r.states,
            r.seconds,
            r.verdict.is_verified()
        );
    }
}
