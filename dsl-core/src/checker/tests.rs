//! Unit tests of the checker on small protocols.

use super::*;
use crate::syntax::parse_str;

/// Bracha's protocol as `examples/bracha.rs` writes it.
fn bracha() -> ProtocolIr {
    let src = include_str!("../../../examples/bracha.rs");
    crate::source::protocols_in_source(src).expect("parses")[0].clone()
}

fn show(r: &CheckResult) -> String {
    let v = match &r.verdict {
        Verdict::Violated(v) => format!(
            "violated {} ({})\n    {}",
            v.property,
            v.detail,
            v.trace.join("\n    ")
        ),
        v => format!("{v:?}"),
    };
    format!(
        "{} {} n={} f={} states={} {:.3}s: {v}",
        r.protocol,
        r.config.scenario.name(),
        r.config.n,
        r.config.f,
        r.states,
        r.seconds
    )
}

#[test]
fn counting_and_bitset_models_verify_bracha_and_reject_a_mutant() {
    let ir = bracha();
    let mut mutant = bracha();
    mutant.rules[0].guards.truncate(1); // no `not sent Echo`
    for c in default_configs(&ir.requires, FaultModel::Byzantine)
        .into_iter()
        .take(4)
    {
        for engine in [Engine::Auto, Engine::Bitset] {
            let r = check_with(&ir, c, Limits::default(), engine);
            assert!(r.verdict.is_verified(), "{engine:?}: {}", show(&r));
        }
        if c.scenario == Scenario::ByzantineBroadcaster {
            let counting = check_with(&mutant, c, Limits::default(), Engine::Auto);
            let bitset = check_with(&mutant, c, Limits::default(), Engine::Bitset);
            match (&counting.verdict, &bitset.verdict) {
                (Verdict::Violated(a), Verdict::Violated(b)) => {
                    assert_eq!(a.property, b.property);
                    assert_eq!(a.actions.len(), b.actions.len(), "both shortest");
                }
                _ => panic!("{}\n{}", show(&counting), show(&bitset)),
            }
        }
    }
}

fn requires(src: &str) -> Vec<crate::ir::Cond> {
    parse_str(&format!(
        "X {{ faults: byzantine; requires: {src}; messages: A; when received A(m) >= 1 {{ deliver(m); }} }}"
    ))
    .unwrap()
    .requires
}

fn sizes(configs: &[Config]) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = configs.iter().map(|c| (c.n, c.f)).collect();
    out.dedup();
    out
}

#[test]
fn default_configs_are_design_sections_when_requires_allows_them() {
    let bracha = default_configs(&requires("N > 3 * F"), FaultModel::Byzantine);
    assert_eq!(sizes(&bracha), vec![(4, 1), (5, 1), (7, 2)]);
    assert_eq!(bracha.len(), 6, "both Byzantine scenarios");
    assert_eq!(
        sizes(&default_configs(&[], FaultModel::Crash)),
        vec![(3, 1), (5, 2)]
    );
    assert_eq!(
        sizes(&default_configs(&[], FaultModel::None)),
        vec![(3, 0), (4, 0)]
    );
}

#[test]
fn default_configs_take_two_sizes_for_f_1_and_one_for_f_2_when_requires_excludes_them() {
    let imbs_raynal = default_configs(&requires("N > 5 * F"), FaultModel::Byzantine);
    assert_eq!(sizes(&imbs_raynal), vec![(6, 1), (7, 1), (11, 2)]);
    let crash = default_configs(&requires("N > 3 * F"), FaultModel::Crash);
    assert_eq!(sizes(&crash), vec![(4, 1), (5, 1), (7, 2)]);
    let none = default_configs(&requires("N >= 5"), FaultModel::None);
    assert_eq!(sizes(&none), vec![(5, 0), (6, 0)]);
    let large = default_configs(&requires("N > 20 * F"), FaultModel::Byzantine);
    assert_eq!(sizes(&large), vec![(21, 1), (22, 1), (41, 2)]);
}

/// The successors of a counting state, each in canonical form, sorted.
fn successors(model: &counting::CountingModel, s: &[u16]) -> Vec<Box<[u16]>> {
    let mut steps = Vec::new();
    model.enabled(s, &mut steps);
    let mut out: Vec<Box<[u16]>> = steps
        .iter()
        .filter_map(|step| model.next(s, step))
        .map(|c| c.0)
        .collect();
    out.sort();
    out.dedup();
    out
}

#[test]
fn swapping_values_commutes_with_the_counting_steps() {
    // Value symmetry (counting.rs) needs the swap to map steps to steps:
    // from every reachable state of a Byzantine-broadcaster configuration
    // and from its swapped twin, the canonical successors are the same.
    let mut mutant = bracha();
    mutant.rules[0].guards.truncate(1);
    for ir in [bracha(), mutant] {
        let config = Config {
            faults: FaultModel::Byzantine,
            n: 5,
            f: 1,
            scenario: Scenario::ByzantineBroadcaster,
        };
        let model = counting::CountingModel::new(&ir, &config).unwrap();
        let shape = model.core.shape;
        let mut seen = std::collections::HashSet::new();
        let mut todo = vec![model.canonical(model.core.initial()).0];
        while let Some(s) = todo.pop() {
            if !seen.insert(s.clone()) {
                continue;
            }
            let mut twin = s.to_vec();
            shape.swap_values(&mut twin);
            shape.sort(&mut twin);
            assert_eq!(successors(&model, &s), successors(&model, &twin), "{s:?}");
            let verdict = |s: &[u16]| properties::first_violation(&model.observe(s)).map(|v| v.0);
            assert_eq!(verdict(&s), verdict(&twin), "{s:?}");
            todo.extend(successors(&model, &s));
        }
        assert!(seen.len() > 50, "{} states", seen.len());
    }
}

/// The depth of the first violating state of `model`, by a BFS of its own.
fn violation_depth(model: &counting::CountingModel) -> Option<usize> {
    let mut seen = std::collections::HashSet::new();
    let mut level = vec![model.canonical(model.core.initial()).0];
    for depth in 0.. {
        if level.is_empty() {
            return None;
        }
        if level
            .iter()
            .any(|s| properties::first_violation(&model.observe(s)).is_some())
        {
            return Some(depth);
        }
        let next = level.iter().flat_map(|s| successors(model, s));
        level = next.filter(|t| seen.insert(t.clone())).collect();
    }
    None
}

#[test]
fn counterexamples_are_shortest_with_and_without_value_symmetry() {
    // stateright keeps the last violation of a block of states, not the
    // first (properties::Firsts): the reported path must still be as short
    // as a BFS of the model finds, with value symmetry and without.
    let mut mutant = bracha();
    mutant.rules[0].guards.truncate(1);
    let config = Config {
        faults: FaultModel::Byzantine,
        n: 5,
        f: 1,
        scenario: Scenario::ByzantineBroadcaster,
    };
    let mut model = counting::CountingModel::new(&mutant, &config).unwrap();
    let with = violation_depth(&model);
    model.value_symmetry = false;
    assert_eq!(with, violation_depth(&model));
    let r = check(&mutant, config, Limits::default());
    match &r.verdict {
        Verdict::Violated(v) => assert_eq!(Some(v.actions.len()), with, "{}", show(&r)),
        _ => panic!("{}", show(&r)),
    }
}
