//! Tests of the consensus action space, its sizes and its one-step measures.

use super::*;

fn byzantine() -> LearnConfig {
    let mut c = LearnConfig::defaults(FaultModel::Byzantine);
    c.problem = Problem::Consensus;
    c
}

#[test]
fn sizes_separate_the_one_step_conditions() {
    let byzantine = |r: &str| {
        sizes(
            &[dsl_core::syntax::parse_cond(r).unwrap()],
            FaultModel::Byzantine,
        )
    };
    let f0 = [(1, 0), (2, 0), (3, 0)];
    let f1 = |from: usize| (from..=9).map(|n| (n, 1));
    let expected: Vec<_> = f0
        .into_iter()
        .chain(f1(4))
        .chain([(7, 2), (11, 2), (15, 2)])
        .collect();
    assert_eq!(byzantine("N > 3 * F"), expected);
    let expected: Vec<_> = f0
        .into_iter()
        .chain(f1(6))
        .chain([(11, 2), (15, 2)])
        .collect();
    assert_eq!(byzantine("N > 5 * F"), expected);
}

#[test]
fn arm_thresholds_are_highest_first_and_distinct() {
    let mut c = byzantine();
    c.consensus.arms.push(ThresholdSpec {
        expr: "> (N - F - 1) / 2".into(),
        cost: -1.0,
    });
    let sizes = sizes(&c.requires_conds().unwrap(), c.faults);
    let compiled = compile(&c, &sizes).unwrap();
    let printed: Vec<String> = compiled
        .arms
        .iter()
        .map(|t| format!("{} {}", t.symbol(), dsl_core::print::expr(&t.expr)))
        .collect();
    assert_eq!(printed[0], ">= N - F", "{printed:?}");
    assert_eq!(printed[1], "> (N + 3 * F) / 2", "{printed:?}");
    // (N - F - 1) / 2 + 1 differs from (N - F) / 2 + 1 at odd N - F.
    assert_eq!(printed.len(), 8, "{printed:?}");
    let v: Vec<_> = compiled.arms.iter().map(|t| values(t, &sizes)).collect();
    assert!(v.windows(2).all(|w| w[0] >= w[1]));
}

#[test]
fn the_claim_is_the_least_k_the_measures_support() {
    let at = |n, f, strong| OneStepAt {
        n,
        f,
        weak: Some(true),
        strong: Some(strong),
    };
    // Bosco: strongly one-step at N = 8, 9 (F = 1) and 15 (F = 2).
    let bosco = [
        at(4, 1, false),
        at(7, 1, false),
        at(8, 1, true),
        at(9, 1, true),
        at(11, 2, false),
        at(15, 2, true),
    ];
    let requires = [dsl_core::syntax::parse_cond("N > 3 * F").unwrap()];
    let c = claim(&bosco, &requires).unwrap();
    assert_eq!(dsl_core::print::cond(&c[0]), "N > 7 * F");
    assert_eq!(claim(&[at(4, 1, false)], &requires), None);
    let all = [at(4, 1, true), at(7, 2, true)];
    assert_eq!(claim(&all, &requires), Some(requires.to_vec()));
    let space = Space::default();
    assert_eq!(bonus(&space, &all), 60.0);
    assert_eq!(bonus(&space, &[]), 0.0);
}
