//! The 2-step Byzantine reliable broadcasts of Abraham, Ren and Xiang
//! (OPODIS 2021, arXiv 2109.12454) at their tight bounds: the (4f)-BRB
//! (`examples/arx_4f.rs`, N >= 4F) and the (5f-1)-BRB
//! (`examples/arx_5f_minus_1.rs`, N >= 5F - 1), each pinned the same way:
//! verified at every default configuration in both Byzantine scenarios, 2
//! steps in the failure-free run, violated below its bound. Their proofs for
//! every N are in `paramcheck/tests/arx.rs`.

use distgen::checker::{self, Limits, Scenario, Verdict};
use distgen::ir::FaultModel;
use distgen::ProtocolIr;

/// One example and the sizes it is pinned at.
struct TightBound {
    /// The example's source.
    source: &'static str,
    /// The default configurations `requires` allows, one per scenario.
    defaults: [(usize, usize); 6],
    /// Sizes of the failure-free run, at and above the bound.
    sizes: [(usize, usize); 4],
}

const EXAMPLES: [TightBound; 2] = [
    TightBound {
        source: include_str!("../examples/arx_4f.rs"),
        defaults: [(4, 1), (4, 1), (5, 1), (5, 1), (8, 2), (8, 2)],
        sizes: [(4, 1), (5, 1), (8, 2), (12, 3)],
    },
    TightBound {
        source: include_str!("../examples/arx_5f_minus_1.rs"),
        defaults: [(4, 1), (4, 1), (5, 1), (5, 1), (9, 2), (9, 2)],
        sizes: [(4, 1), (5, 1), (9, 2), (12, 3)],
    },
];

fn ir(example: &TightBound) -> ProtocolIr {
    distgen::source::protocols_in_source(example.source)
        .expect("the example parses")
        .remove(0)
}

/// Verified (exhaustively) at every default configuration, in both
/// Byzantine scenarios.
#[test]
fn verified_at_the_default_configurations() {
    assert_eq!(
        Scenario::of(FaultModel::Byzantine),
        [Scenario::CorrectBroadcaster, Scenario::ByzantineBroadcaster]
    );
    for example in &EXAMPLES {
        let ir = ir(example);
        let configs = checker::default_configs(&ir.requires, FaultModel::Byzantine);
        let sizes: Vec<(usize, usize)> = configs.iter().map(|c| (c.n, c.f)).collect();
        assert_eq!(sizes, example.defaults, "{}", ir.name);
        for config in configs {
            let result = checker::check(&ir, config, Limits::default());
            assert_eq!(result.verdict, Verdict::Verified, "{}: {config:?}", ir.name);
        }
    }
}

/// Two communication steps in the failure-free run (PROPOSE, then the
/// echoes of the N - 1 others), at the tight bound and above it.
#[test]
fn two_steps_in_the_failure_free_run() {
    for example in &EXAMPLES {
        let ir = ir(example);
        for (n, f) in example.sizes {
            let m = distgen::metrics::measure(&ir, n, f).expect("allowed");
            assert_eq!(m.steps, Some(2), "{}: N = {n}, F = {f}", ir.name);
        }
    }
}

/// Below its bound, at N = 3F + 1 = 7, F = 2, each violates agreement with a
/// Byzantine broadcaster.
#[test]
fn violated_below_the_bound() {
    for example in &EXAMPLES {
        let ir = ir(example);
        let config = checker::Config {
            faults: FaultModel::Byzantine,
            n: 7,
            f: 2,
            scenario: Scenario::ByzantineBroadcaster,
        };
        let result = checker::check(&ir, config, Limits::default());
        assert!(
            matches!(result.verdict, Verdict::Violated(_)),
            "{}: {:?}",
            ir.name,
            result.verdict
        );
    }
}
