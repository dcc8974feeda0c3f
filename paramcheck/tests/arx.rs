//! The (4f)-BRB and (5f-1)-BRB of Abraham, Ren and Xiang (examples/arx_*.rs,
//! issue 19) for every N their `requires` allows, and the same protocols
//! with `requires: N > 3 * F` refuted with a counterexample that the
//! explicit checker confirms. z3 is found or fetched (`paramcheck::solver`).

use dsl_core::checker::{Scenario, Verdict};
use dsl_core::ir::FaultModel;
use dsl_core::ProtocolIr;
use paramcheck::{check_all_n, Options};

mod common;

use common::{load, verified_for_all_n};

const ARX_4F: &str = include_str!("../../examples/arx_4f.rs");
const ARX_5F_MINUS_1: &str = include_str!("../../examples/arx_5f_minus_1.rs");

/// `src` with its `requires` replaced by `N > 3 * F and N >= 2` (Bracha's
/// bound).
fn below_bound(src: &str, requires: &str) -> ProtocolIr {
    let from = format!("requires: {requires};");
    assert!(src.contains(&from), "the example has `{from}`");
    load(&src.replacen(&from, "requires: N > 3 * F and N >= 2;", 1))
}

/// Verified for all N in both Byzantine scenarios, safety proven for all N;
/// returns, per scenario, the liveness properties proven for all N.
fn assert_proven(ir: &ProtocolIr) -> Vec<(Scenario, Vec<String>)> {
    let mut live = Vec::new();
    for r in verified_for_all_n(ir, FaultModel::Byzantine) {
        let proven = |p: &str| r.properties_proven.iter().any(|q| q == p);
        assert!(
            proven("agreement (consistency)"),
            "{:?}",
            r.properties_proven
        );
        assert_eq!(
            proven("integrity"),
            r.scenario == Scenario::CorrectBroadcaster
        );
        // Whatever liveness is not proven for all N was checked (and
        // verified) at the default instances.
        for p in ["validity", "agreement (totality)"] {
            let at_instances = r.instance_only.iter().any(|q| q == p);
            if p == "validity" && r.scenario == Scenario::ByzantineBroadcaster {
                continue;
            }
            assert!(proven(p) != at_instances, "{p}: {r:?}");
        }
        live.push((
            r.scenario,
            r.properties_proven
                .iter()
                .filter(|p| ["validity", "agreement (totality)"].contains(&p.as_str()))
                .cloned()
                .collect(),
        ));
    }
    live
}

/// Liveness too, for every N: validity with a correct broadcaster, totality
/// with a Byzantine one. (Proven since the automaton's clamps `x >= 1` are
/// dropped where `requires` implies them, `ta::region`: before, each guard
/// had two atoms and the stuck configurations were too many disjuncts for
/// TACO, `ta::MAX_STUCK_DISJUNCTS`.)
fn assert_live(ir: &ProtocolIr) {
    assert_eq!(
        assert_proven(ir),
        [
            (
                Scenario::CorrectBroadcaster,
                vec!["validity".to_string(), "agreement (totality)".to_string()]
            ),
            (
                Scenario::ByzantineBroadcaster,
                vec!["agreement (totality)".to_string()]
            ),
        ]
    );
}

#[test]
fn arx_4f_is_safe_and_live_for_every_n_at_least_4f() {
    assert_live(&load(ARX_4F));
}

#[test]
fn arx_5f_minus_1_is_safe_and_live_for_every_n_at_least_5f_minus_1() {
    assert_live(&load(ARX_5F_MINUS_1));
}

/// At N = 1 (F = 0), which `N >= 4 * F` alone allows, the broadcaster is
/// alone and every count excludes it: it never delivers. The examples
/// require `N >= 2`; without it the portfolio (what `distgen check --all-n`
/// runs) refutes validity there: its sweep starts at N = 1.
#[test]
fn without_n_at_least_2_validity_fails_at_n_1() {
    let src = ARX_4F.replacen(
        "requires: N >= 4 * F and N >= 2;",
        "requires: N >= 4 * F;",
        1,
    );
    assert_ne!(src, ARX_4F);
    let ir = load(&src);
    let portfolio = Options {
        portfolio: true,
        ..Options::default()
    };
    let r = check_all_n(&ir, FaultModel::Byzantine, &portfolio)
        .into_iter()
        .find(|r| r.scenario == Scenario::CorrectBroadcaster)
        .expect("the correct-broadcaster row");
    let Verdict::Violated(v) = &r.verdict else {
        panic!("{:?}", r.verdict)
    };
    assert_eq!(v.property, dsl_core::problem::Property::Validity);
    assert_eq!(r.counterexample_at, Some((1, 0)));
}

#[test]
fn below_their_bound_both_are_refuted_with_confirmed_counterexamples() {
    for (src, requires, bound) in [
        (ARX_4F, "N >= 4 * F and N >= 2", 0),
        (ARX_5F_MINUS_1, "N >= 5 * F - 1 and N >= 2", 1),
    ] {
        let ir = below_bound(src, requires);
        let violated: Vec<_> = check_all_n(&ir, FaultModel::Byzantine, &Options::default())
            .into_iter()
            .filter(|r| matches!(r.verdict, Verdict::Violated(_)))
            .collect();
        assert!(!violated.is_empty(), "{} is not refuted", ir.name);
        for r in violated {
            // A Byzantine broadcaster breaks agreement, at an (N, F) that
            // `N > 3 * F` allows and the paper's bound does not.
            assert_eq!(r.scenario, Scenario::ByzantineBroadcaster);
            let Verdict::Violated(v) = &r.verdict else {
                unreachable!()
            };
            assert!(!v.trace.is_empty(), "confirmed by the explicit checker");
            // Agreement: its consistency or its totality half.
            assert!(
                matches!(
                    v.property,
                    dsl_core::problem::Property::Consistency
                        | dsl_core::problem::Property::Totality
                ),
                "{v:?}"
            );
            let (n, f) = r.counterexample_at.expect("TACO's (N, F)");
            assert!(ir.allows(n, f), "N = {n}, F = {f}");
            let tight = if bound == 0 { 4 * f } else { 5 * f - 1 };
            assert!(n < tight, "N = {n}, F = {f} is within the paper's bound");
        }
    }
}
