use super::*;
use crate::ir::{Arm, Cond, Expr, Threshold};
use crate::syntax::{parse_cond, parse_expr};

/// An expression over N and F, written as in a protocol.
fn expr(src: &str) -> Expr {
    parse_expr(src).unwrap()
}

/// A `requires` condition, written as in a protocol.
fn cond(src: &str) -> Cond {
    parse_cond(src).unwrap()
}

fn gt(expr: Expr) -> Threshold {
    Threshold { strict: true, expr }
}

/// Bosco: after N - F votes, > (N + 3F) / 2 for v decides v, > (N - F) / 2
/// hands v over, otherwise the proposal.
pub(crate) fn bosco(decide: Expr) -> ProtocolIr {
    let arms = vec![
        Arm::vote(gt(decide), vec![Effect::Decide]),
        Arm::vote(
            gt(expr("(N - F) / 2")),
            vec![Effect::Handover(Estimate::Value)],
        ),
    ];
    let block = Threshold {
        strict: false,
        expr: expr("N - F"),
    };
    let otherwise = Some(vec![Effect::Handover(Estimate::Proposal)]);
    ProtocolIr::one_step(
        "Bosco",
        FaultModel::Byzantine,
        vec![cond("N > 3 * F")],
        Upon::votes(block, arms, otherwise),
        vec![cond("N > 7 * F")],
    )
}

#[test]
fn bosco_guards_are_rising_and_exact() {
    let ta = translate(&bosco(expr("(N + 3 * F) / 2")), Scenario::Byzantine).unwrap();
    assert!(ta.rising());
    // 4 input/propose rules, and per input 2 decide, 2 handover(v), 1 otherwise.
    assert_eq!(ta.rules.len(), 4 + 2 * 5);
    let decide0 = ta
        .rules
        .iter()
        .find(|r| r.from == "V0" && r.to == "D0")
        .unwrap();
    let atoms: Vec<String> = decide0.guard.iter().map(atom).collect();
    // a0 >= (N + 3F) / 2 + 1, a0 <= n0 + F: 2 n0 >= N + F + 1.
    assert!(
        atoms.contains(&"2 * n0 >= N + F + 1".to_string()),
        "{atoms:?}"
    );
    // Enough votes at all: n0 + n1 + F >= N - F.
    assert!(
        atoms.contains(&"n0 + n1 >= N - 2 * F".to_string()),
        "{atoms:?}"
    );
    // The snapshot fits: (N + 3F) / 2 + 1 <= N - F, i.e. N >= 5F + 1.
    assert!(
        atoms.contains(&"z >= -N + 5 * F + 1".to_string()),
        "{atoms:?}"
    );
    let text = ta.print(Property::Agreement);
    assert!(
        text.contains("agreement: [](D0 == 0 || D1 == 0);"),
        "{text}"
    );
    assert!(ta.print(Property::OneStep).contains("N > 7 * F;"));
    assert_eq!(ta.properties().len(), 4);
}

#[test]
fn when_rules_are_refused() {
    let mut ir = bosco(expr("(N + 3 * F) / 2"));
    ir.rules.push(crate::ir::Rule {
        value: "v".into(),
        guards: vec![],
        effects: vec![Effect::Decide],
    });
    let e = translate(&ir, Scenario::Byzantine).unwrap_err();
    assert!(e.to_string().contains("on propose + upon blocks"), "{e}");
    assert!(translate(
        &bosco(expr("(N + 3 * F) / 2")),
        Scenario::CorrectBroadcaster
    )
    .is_err());
}
