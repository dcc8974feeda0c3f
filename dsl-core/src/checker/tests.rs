//! Unit tests of the checker on small protocols.

use super::*;
use crate::syntax::parse_str;

fn bracha() -> ProtocolIr {
    parse_str(
        "pub Bracha {
            faults: byzantine;
            requires: N > 3 * F;
            messages: Initial, Echo, Ready;
            on broadcast(m) { send Initial(m) to all; }
            when received Initial(m) from broadcaster and not sent Echo { send Echo(m) to all; }
            when received Echo(m) >= (N + F) / 2 + 1 and not sent Ready { send Ready(m) to all; }
            when received Ready(m) >= F + 1 and not sent Ready { send Ready(m) to all; }
            when received Ready(m) >= 2 * F + 1 { deliver(m); }
        }",
    )
    .unwrap()
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
