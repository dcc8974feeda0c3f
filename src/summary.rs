//! What an example's `main` prints: the protocol as DSL source, its metrics,
//! and its check results under the fault model it claims.

use crate::checker::{self, report, Limits};
use crate::ProtocolIr;

/// The metrics of the failure-free run at the smallest default size, as one
/// line: `Bracha metrics (failure-free) at N=4 F=1: 27 messages, 3 steps,
/// delivers on 3 messages` (the learner's report prints the same line,
/// [`learner::report::metrics_line`]).
pub fn metrics_line(ir: &ProtocolIr) -> Option<String> {
    let (n, f) = checker::default_configs(&ir.requires, ir.faults)
        .first()
        .map(|c| (c.n, c.f))?;
    let m = crate::metrics::measure(ir, n, f).ok()?;
    Some(format!(
        "{} metrics (failure-free) at {}",
        ir.name,
        learner::report::metrics_line(&m)
    ))
}

/// Prints `ir` as DSL source, its metrics, and its check results under the
/// fault model it claims (default configurations, each run within 60 s).
pub fn print(ir: &ProtocolIr) {
    print!("{}", crate::print::invocation(ir));
    println!();
    if let Some(line) = metrics_line(ir) {
        println!("{line}");
    }
    let limits = Limits {
        max_states: 50_000_000,
        timeout_secs: 60,
    };
    for config in checker::default_configs(&ir.requires, ir.faults) {
        println!("{}", report::render(&checker::check(ir, config, limits)));
    }
}

/// The `main` of an example: prints the protocol, its metrics and its check
/// results; with `--run`, also runs it as UDP actors on 127.0.0.1 (see
/// `distgen run`) and exits with status 1 if the run broke reliable
/// broadcast. (A violation found by the checker is printed, not an error: the
/// paper's Figure 3 is an example of one.)
pub fn main(ir: &ProtocolIr) {
    print(ir);
    if std::env::args().any(|a| a == "--run") {
        println!();
        if !crate::actors::run_example(ir) {
            std::process::exit(1);
        }
    }
}
