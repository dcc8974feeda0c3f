//! `check_all_n` on the reference protocols and on mutations: verified for
//! all N, violated with a counterexample the explicit checker confirms, or
//! unknown for a threshold that is not linear. TACO needs z3: `load` finds
//! it or fetches it from PyPI ([`paramcheck::solver::fetch`]).

use dsl_core::checker::{Property, Scenario, Verdict};
use dsl_core::ir::FaultModel;
use dsl_core::ProtocolIr;
use paramcheck::{check_all_n, check_scenario, Options};

mod common;

use common::{load, verified_for_all_n};

fn assert_verified(ir: &ProtocolIr, faults: FaultModel) {
    for r in verified_for_all_n(ir, faults) {
        assert!(r
            .properties_proven
            .contains(&"agreement (consistency)".to_string()));
        assert_eq!(
            r.properties_proven.contains(&"integrity".to_string()),
            r.scenario != Scenario::ByzantineBroadcaster
        );
        // Liveness for all N too (stuck configurations), except under
        // crash faults, where it is left to the instances.
        let live = ["validity", "agreement (totality)"];
        if faults == FaultModel::Crash {
            assert_eq!(r.instance_only, live);
            continue;
        }
        assert!(r.instance_only.is_empty(), "{:?}", r.instance_only);
        assert!(r.properties_proven.contains(&live[1].to_string()));
        assert_eq!(
            r.properties_proven.contains(&live[0].to_string()),
            r.scenario != Scenario::ByzantineBroadcaster
        );
    }
}

/// A violation in some scenario, confirmed by the explicit checker.
fn assert_violated(ir: &ProtocolIr) -> (usize, usize, Property) {
    for r in check_all_n(ir, FaultModel::Byzantine, &Options::default()) {
        if let Verdict::Violated(v) = &r.verdict {
            let (n, f) = r.counterexample_at.expect("TACO's (N, F)");
            assert!(!v.trace.is_empty());
            // Either TACO's counterexample (nothing proven), or safety proven
            // for all N and liveness violated at a default instance.
            assert!(
                r.properties_proven.is_empty()
                    || v.property == Property::Validity
                    || v.detail.starts_with("nothing is in flight"),
                "{:?} {v:?}",
                r.properties_proven
            );
            return (n, f, v.property);
        }
    }
    panic!("{} is not violated", ir.name)
}

#[test]
fn bracha_is_safe_for_all_n_in_both_byzantine_scenarios() {
    assert_verified(
        &load(include_str!("../../examples/bracha.rs")),
        FaultModel::Byzantine,
    );
}

#[test]
fn the_other_references_are_safe_for_all_n() {
    for (src, faults) in [
        (
            include_str!("../../examples/imbs_raynal.rs"),
            FaultModel::Byzantine,
        ),
        (
            include_str!("../../examples/generated/learned_byzantine.rs"),
            FaultModel::Byzantine,
        ),
        (
            include_str!("../../examples/eager_reliable.rs"),
            FaultModel::Crash,
        ),
        (
            include_str!("../../examples/hadzilacos_toueg.rs"),
            FaultModel::Crash,
        ),
        (
            include_str!("../../examples/best_effort.rs"),
            FaultModel::None,
        ),
    ] {
        assert_verified(&load(src), faults);
    }
}

/// The mutations of tests/checker_verdicts.rs, as text replaced in
/// examples/bracha.rs: deliver on F + 1 READYs, no READY amplification, no
/// `not sent Echo` (bench/ta.sh makes the same files with sed).
const BRACHA_MUTATIONS: [(&str, &str); 3] = [
    (
        "when received Ready(m) >= 2 * F + 1 {",
        "when received Ready(m) >= F + 1 {",
    ),
    (
        "        when received Ready(m) >= F + 1 and not sent Ready {\n            send Ready(m) to all;\n        }\n",
        "",
    ),
    (
        "from broadcaster and not sent Echo {",
        "from broadcaster {",
    ),
];

#[test]
fn figure_3_and_the_bracha_mutations_are_violated_with_confirmed_traces() {
    let bracha = include_str!("../../examples/bracha.rs");
    let mutants = BRACHA_MUTATIONS.iter().map(|(from, to)| {
        assert!(bracha.contains(from), "examples/bracha.rs has `{from}`");
        bracha.replacen(from, to, 1)
    });
    let sources = std::iter::once(include_str!("../../examples/paper_fig3.rs").to_string());
    for src in sources.chain(mutants) {
        let ir = load(&src);
        let (n, f, _) = assert_violated(&ir);
        assert!(ir.allows(n, f), "{} at N = {n}, F = {f}", ir.name);
    }
}

/// examples/bracha.rs delivering on `threshold` READYs instead of 2F + 1.
fn bracha_delivering_on(threshold: &str) -> ProtocolIr {
    let bracha = include_str!("../../examples/bracha.rs");
    let from = "when received Ready(m) >= 2 * F + 1 {";
    assert!(bracha.contains(from));
    let to = format!("when received Ready(m) >= {threshold} {{");
    load(&bracha.replacen(from, &to, 1))
}

#[test]
fn a_liveness_bug_is_found_for_all_n_and_confirmed() {
    // Delivering on 2F + 2 READYs: safe, but with N = 3F + 1 the 2F + 1
    // correct processes never deliver when the Byzantine ones stay silent.
    let ir = bracha_delivering_on("2 * F + 2");
    let r = check_scenario(&ir, Scenario::CorrectBroadcaster, &Options::default());
    let Verdict::Violated(v) = &r.verdict else {
        panic!("{:?}", r.verdict)
    };
    assert_eq!(v.property, Property::Validity);
    assert!(!v.trace.is_empty());
    // TACO found it (nothing proven), not the instances after a proof.
    assert!(r.properties_proven.is_empty(), "{:?}", r.properties_proven);
    let (n, f) = r.counterexample_at.expect("TACO's (N, F)");
    assert!(ir.allows(n, f), "N = {n}, F = {f}");
}

#[test]
fn a_threshold_not_linear_in_n_and_f_is_unknown() {
    let ir = bracha_delivering_on("F * F + 1");
    let r = check_scenario(&ir, Scenario::CorrectBroadcaster, &Options::default());
    match r.verdict {
        Verdict::Unknown { reason } => assert_eq!(
            reason,
            "unknown: threshold `F * F + 1` is not linear in N and F"
        ),
        v => panic!("{v:?}"),
    }
    assert!(r.properties_proven.is_empty());
}

#[test]
fn bracha_ta_parses_with_taco_and_matches_the_golden_file() {
    use taco_parser::ParseTAWithLTL;
    let ir = load(include_str!("../../examples/bracha.rs"));
    let ta = dsl_core::ta::translate(&ir, Scenario::ByzantineBroadcaster).expect("linear");
    let text = dsl_core::ta::bymc::print(&ta);
    let (gta, spec) = taco_parser::bymc::ByMCParser::new()
        .parse_ta_and_spec(&text)
        .expect("TACO parses distgen's .ta");
    use taco_threshold_automaton::ThresholdAutomaton;
    assert_eq!(gta.locations().count(), ta.locations.len());
    assert_eq!(spec.into_iter().count(), ta.specs.len());
    let golden = include_str!("golden/bracha_byzantine_broadcaster.ta");
    assert_eq!(
        text, golden,
        "regenerate with `distgen ta examples/bracha.rs --scenario byzantine-broadcaster`"
    );
}

/// B180 of the random bench (bench/RESULTS-ta.md), whose deliver rule eager
/// settling pre-empts in every execution (`ta/local/preempted.rs`): with a
/// Byzantine broadcaster no correct process delivers, so the row holds for
/// all N; the automaton used to let the rule fire and read "unknown".
#[test]
fn a_pre_empted_deliver_rule_is_proven_never_to_fire_for_all_n() {
    let ir = load(
        "protocol! { pub B180 {
            faults: byzantine;
            requires: N > 3 * F;
            messages: T0, T1;
            on broadcast(m) { send T1(m) to self; }
            when received T1(m) >= 1 { send T1(m) to others; }
            when received T0(m) from broadcaster and not sent T1 { send T1(m) to others; }
            when received T0(m) >= N - 2 * F and received T1(m) >= N - 2 * F and not sent T1 {
                deliver(m);
                send T1(m) to self;
            }
            when received T1(m) from broadcaster and not sent T0 { send T0(m) to all; }
        } }",
    );
    let r = check_scenario(&ir, Scenario::ByzantineBroadcaster, &Options::default());
    assert!(r.verdict.is_verified(), "{:?}", r.verdict);
    assert!(r.instance_only.is_empty(), "{:?}", r.instance_only);
    // With a correct broadcaster nobody delivers either: validity fails.
    let r = check_scenario(&ir, Scenario::CorrectBroadcaster, &Options::default());
    assert!(
        matches!(&r.verdict, Verdict::Violated(v) if v.property == Property::Validity),
        "{:?}",
        r.verdict
    );
}
