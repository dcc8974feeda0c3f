//! The translation on the reference protocols.

use super::*;

fn example(src: &str) -> ProtocolIr {
    crate::source::protocols_in_source(src)
        .expect("example parses")
        .remove(0)
}

fn bracha() -> ProtocolIr {
    example(include_str!("../../../examples/bracha.rs"))
}

#[test]
fn bracha_merges_the_values_it_no_longer_needs() {
    let ta = translate(&bracha(), Scenario::ByzantineBroadcaster).expect("linear");
    // Three independent parts (echo, ready, delivery), each {none, 0, 1}:
    // 9 local states; once sent, the value of an echo or a ready no longer
    // matters, and the three final states are alike: 3 initial locations
    // and 1 final one.
    assert_eq!(ta.local_states, 9);
    assert_eq!(ta.locations.len(), 4, "{}", bymc::print(&ta));
    assert_eq!(ta.rules.len(), 8, "{}", bymc::print(&ta));
    assert_eq!(ta.specs, vec![Property::Consistency, Property::Totality]);
    assert!(ta.instance_only().is_empty());
    // Not stuck: the ready part (4 rules of one atom) or the delivery part
    // (2 rules); an undelivered location occupied; d0 only, since the
    // automaton is the same with the values swapped.
    assert!(ta.value_symmetric);
    assert_eq!(ta.stuck_disjuncts(), 2 * 2);
    assert!(bymc::print(&ta).contains("|| d0 == 0 ||"));
    let names: Vec<&str> = ta.shared.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        ["nEcho0", "nEcho1", "nReady0", "nReady1", "d0", "d1"]
    );
    let text = bymc::print(&ta);
    assert!(text.contains("2 * nEcho0 >= N - F + 1"), "{text}");
    assert!(text.contains("nReady1 >= 1"), "{text}");
    assert!(text.contains("loc0 == N - F;"), "{text}");
}

#[test]
fn a_rule_that_writes_two_parts_joins_them() {
    // Echo and Ready are sent by one rule: one part with the delivery apart.
    let src = "X { faults: byzantine; requires: N > 3 * F; messages: I, E, R;
        on broadcast(m) { send I(m) to all; }
        when received I(m) from broadcaster and not sent E { send E(m) to all; send R(m) to all; }
        when received R(m) >= 2 * F + 1 and not sent R { send R(m) to all; }
        when received R(m) >= 2 * F + 1 { deliver(m); } }";
    let ir = crate::syntax::parse_str(src).expect("parses");
    let parts = parts::parts(&ir, Scenario::ByzantineBroadcaster);
    assert_eq!(parts, vec![[0, 0], [0, 0], [1, 1]]);
    let bracha = parts::parts(&bracha(), Scenario::CorrectBroadcaster);
    assert_eq!(bracha, vec![[0, 0], [1, 1], [1, 1], [2, 2]]);
}

#[test]
fn a_correct_broadcaster_has_its_own_locations() {
    let ta = translate(&bracha(), Scenario::CorrectBroadcaster).expect("linear");
    assert!(ta
        .locations
        .iter()
        .any(|l| l.describe.contains("broadcaster")));
    assert_eq!(ta.specs, vec![Property::Integrity, Property::Validity]);
    assert_eq!(ta.proves().len(), 4);
    // Liveness: stuck when no occupied location has a rule whose guard over
    // the correct senders alone holds (2F + 1 Readies, not F + 1).
    let text = bymc::print(&ta);
    let validity = text
        .lines()
        .find(|l| l.trim_start().starts_with("validity:"))
        .expect("a validity specification");
    assert!(validity.contains("nReady0 >= 2 * F + 1"), "{validity}");
    assert!(validity.contains("2 * nEcho0 >= N + F + 1"), "{validity}");
    let undelivered: Vec<&Location> = ta.locations.iter().filter(|l| l.undelivered).collect();
    assert_eq!(undelivered.len(), 1, "{text}");
    assert!(
        validity.ends_with(&format!("({} == 0));", undelivered[0].name)),
        "{validity}"
    );
    let text = bymc::print(&ta);
    assert!(text.contains("bInitial0 == 1;"), "{text}");
    assert!(
        !text.contains("bInitial1 >= 1"),
        "nobody sends Initial(1): {text}"
    );
    assert!(text.contains("N > 3 * F;"), "{text}");
}

#[test]
fn without_faults_value_1_never_appears() {
    let ta = translate(&bracha(), Scenario::FailureFree).expect("linear");
    assert!(ta.rules.iter().all(|r| !r.source.contains("for value 1")));
    assert!(ta.assumptions.contains(&"F == 0".to_string()));
    let crash = translate(&bracha(), Scenario::Crashes).expect("linear");
    assert_eq!(crash.instance_only(), LIVENESS.to_vec());
}

#[test]
fn a_threshold_not_linear_in_n_and_f_is_refused() {
    let mut ir = bracha();
    let src = "X { faults: none; messages: A; when received A(m) >= F * F { deliver(m); } }";
    let other = crate::syntax::parse_str(src).expect("parses");
    ir.rules[3].guards = other.rules[0].guards.clone();
    ir.rules[3].guards[0] = match &other.rules[0].guards[0] {
        crate::ir::Guard::Received { quorum, .. } => crate::ir::Guard::Received {
            msg: 2,
            quorum: quorum.clone(),
        },
        g => g.clone(),
    };
    let err = translate(&ir, Scenario::CorrectBroadcaster).expect_err("not linear");
    assert_eq!(
        err.to_string(),
        "threshold `F * F` is not linear in N and F"
    );
}

#[test]
fn only_a_byzantine_broadcaster_leaves_the_values_symmetric() {
    // A correct broadcaster broadcasts 0: swapping the values moves its
    // first send and the counters it starts, so no symmetry is claimed and
    // totality asks about d0 and d1.
    let arx = example(include_str!("../../../examples/arx_4f.rs"));
    for ir in [bracha(), arx] {
        let byzantine = translate(&ir, Scenario::ByzantineBroadcaster).expect("linear");
        assert!(byzantine.value_symmetric, "{}", ir.name);
        let correct = translate(&ir, Scenario::CorrectBroadcaster).expect("linear");
        assert!(!correct.value_symmetric, "{}", ir.name);
        let mut claimed = correct.clone();
        claimed.specs = vec![Property::Totality];
        assert!(bymc::print(&claimed).contains("(d0 == 0 && d1 == 0)"));
    }
}

/// B180 of the random bench (bench/RESULTS-ta.md): rule 1 sends T1 at the
/// first T1 received, so rule 3 (`not sent T1`, T1 >= N - 2F) never fires.
const B180: &str = "B180 { faults: byzantine; requires: N > 3 * F; messages: T0, T1;
    on broadcast(m) { send T1(m) to self; }
    when received T1(m) >= 1 { send T1(m) to others; }
    when received T0(m) from broadcaster and not sent T1 { send T1(m) to others; }
    when received T0(m) >= N - 2 * F and received T1(m) >= N - 2 * F and not sent T1 { deliver(m); send T1(m) to self; }
    when received T1(m) from broadcaster and not sent T0 { send T0(m) to all; } }";

/// Whether some rule of `ta` increments a delivery counter (`d0`, `d1`).
fn delivers(ta: &ThresholdAutomaton) -> bool {
    ta.rules
        .iter()
        .flat_map(|r| &r.increments)
        .any(|&k| ta.shared[k].name.starts_with('d'))
}

fn b180_with(from: &str, to: &str) -> ProtocolIr {
    assert!(B180.contains(from), "{from}");
    crate::syntax::parse_str(&B180.replace(from, to)).expect("parses")
}

#[test]
fn a_rule_that_eager_settling_pre_empts_has_no_edge() {
    let b180 = crate::syntax::parse_str(B180).expect("parses");
    let ta = translate(&b180, Scenario::ByzantineBroadcaster).expect("linear");
    assert!(!delivers(&ta), "{}", bymc::print(&ta));
    assert!(
        !bymc::print(&ta).contains("rule 3 "),
        "{}",
        bymc::print(&ta)
    );
}

#[test]
fn a_rule_that_may_fire_first_keeps_its_edge() {
    let kept = [
        // N = 1, F = 0 is allowed: N - 2F = 1 sender may meet rule 3.
        (translate(
            &crate::syntax::parse_str(B180).expect("parses"),
            Scenario::CorrectBroadcaster,
        )),
        // Rule 1 needs two senders: rule 3 may come first.
        translate(
            &b180_with("T1(m) >= 1 {", "T1(m) >= 2 {"),
            Scenario::ByzantineBroadcaster,
        ),
        // Rule 1 does not count the broadcaster, the first sender may be it.
        translate(
            &b180_with("T1(m) >= 1 {", "T1(m) >= 1 excluding broadcaster {"),
            Scenario::ByzantineBroadcaster,
        ),
        // Rule 2 sends itself T1: with the one received, two senders before
        // rule 1 may fire, and N - 2F = 2 at N = 4, F = 1.
        translate(
            &b180_with(
                "from broadcaster and not sent T1 { send T1(m) to others; }",
                "from broadcaster and not sent T1 { send T1(m) to all; }",
            ),
            Scenario::ByzantineBroadcaster,
        ),
    ];
    for (i, ta) in kept.into_iter().enumerate() {
        let ta = ta.expect("linear");
        assert!(delivers(&ta), "case {i}: {}", bymc::print(&ta));
    }
}
