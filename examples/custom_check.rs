//! Checking a protocol with nothing but the typed helpers of `protocol!`
//! (`distgen::prelude`): the paper's Figure 3 (`examples/paper_fig3.rs`) at
//! the default configurations and at one size of our choosing, then its
//! counterexample as a message-sequence chart, and its stateright model run
//! with checker options of our own.
//!
//! `cargo run --release --example custom_check` prints the verdicts and
//! writes the chart to `target/custom_check.svg` (`-- --print` prints the SVG
//! instead).

use distgen::prelude::*;

// The paper's Figure 3, written once in `examples/paper_fig3.rs`: its
// `protocol!` makes the type `PaperFig3` with the typed helpers used below.
#[path = "paper_fig3.rs"]
#[allow(dead_code)] // that file's own `main`
mod paper_fig3;
use paper_fig3::PaperFig3;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The default configurations of its fault model, then one more size.
    let mut results = PaperFig3::check();
    results.extend(PaperFig3::check_at(6, 1));
    for r in &results {
        let c = &r.config;
        let verdict = match &r.verdict {
            Verdict::Verified => "verified".to_string(),
            Verdict::Violated(v) => format!("violates {}: {}", v.property, v.detail),
            Verdict::Unknown { reason } => format!("unknown ({reason})"),
        };
        println!("N = {}, F = {}, {}: {verdict}", c.n, c.f, c.scenario.name());
    }

    // The first counterexample as a chart.
    let first = results.iter().find(|r| !r.verdict.is_verified());
    if let Some(svg) = first.map(PaperFig3::chart).transpose()?.flatten() {
        if std::env::args().any(|a| a == "--print") {
            println!("{svg}");
        } else {
            let path =
                std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/custom_check.svg");
            std::fs::write(&path, svg)?;
            println!("chart: {}", path.display());
        }
    }

    // The model itself, with checker options of our own: BFS until the
    // first property fails, on two threads.
    let config = Config {
        faults: FaultModel::Byzantine,
        n: 4,
        f: 1,
        scenario: Scenario::ByzantineBroadcaster,
    };
    let checker = PaperFig3::model(config)?
        .checker()
        .threads(2)
        .finish_when(HasDiscoveries::AnyFailures)
        .spawn_bfs()
        .join();
    let mut found: Vec<&str> = checker.discoveries().into_keys().collect();
    found.sort();
    println!(
        "plain model, BFS to the first failure: {} states, violated: {}",
        checker.unique_state_count(),
        found.join(", ")
    );
    Ok(())
}
