//! The consensus part of the step function on hand-built protocols.

use super::*;
use crate::ir::{Arm, Effect, Estimate, Expr, FaultModel, ProtocolIr, Threshold, Upon, VOTE};

fn gt(expr: Expr) -> Threshold {
    Threshold { strict: true, expr }
}

fn ge(expr: Expr) -> Threshold {
    Threshold {
        strict: false,
        expr,
    }
}

/// An expression over N and F, written as in a protocol.
fn expr(src: &str) -> Expr {
    crate::syntax::parse_expr(src).unwrap()
}

/// A one-type consensus protocol: `on propose(v) { send Vote(v) to all; }`
/// and `upon received Vote >= threshold { arms otherwise }`.
fn protocol(
    threshold: Threshold,
    arms: Vec<(Threshold, Effect)>,
    otherwise: Option<Effect>,
) -> ProtocolIr {
    let arms = arms
        .into_iter()
        .map(|(t, e)| Arm::vote(t, vec![e]))
        .collect();
    let upon = Upon::votes(threshold, arms, otherwise.map(|e| vec![e]));
    ProtocolIr::one_step("Test", FaultModel::Byzantine, vec![], upon, vec![])
}

/// Bosco (Song and van Renesse 2008).
fn bosco() -> ProtocolIr {
    protocol(
        ge(expr("N - F")),
        vec![
            (gt(expr("(N + 3 * F) / 2")), Effect::Decide),
            (
                gt(expr("(N - 1 * F) / 2")),
                Effect::Handover(Estimate::Value),
            ),
        ],
        Some(Effect::Handover(Estimate::Proposal)),
    )
}

/// `upon received Vote >= block { when Vote(v) <arm> { decide(v); } }`.
fn decides_at(block: i64, arm: Threshold) -> ProtocolIr {
    protocol(ge(Expr::Int(block)), vec![(arm, Effect::Decide)], None)
}

/// Process `me` of `ir` at (N, F) after proposing `input`: the step
/// function, the process's state and what it output.
fn proposed(
    ir: &ProtocolIr,
    (n, f): (usize, usize),
    me: ProcId,
    input: Value,
) -> (Machine, ProcessState, Vec<Output>) {
    let m = Machine::new(ir, n, f).unwrap();
    let mut s = ProcessState::default();
    let mut out = Vec::new();
    m.propose(me, &mut s, input, Pick::Majority, &mut out);
    (m, s, out)
}

fn evaluations(out: &[Output]) -> Vec<Evaluation> {
    out.iter()
        .filter_map(|o| match o {
            Output::Evaluate(e) => Some(*e),
            _ => None,
        })
        .collect()
}

#[test]
fn bosco_decides_at_the_snapshot_and_then_ignores_everything() {
    let (m, mut s, mut out) = proposed(&bosco(), (8, 1), 0, 0);
    assert_eq!(
        out,
        vec![Output::Send {
            msg: VOTE,
            value: 0,
            to: Dest::All
        }]
    );
    assert_eq!(s.first_senders(VOTE, 0), 1);
    out.clear();
    // p7 (Byzantine) votes 1 then 0: only its first vote counts.
    m.receive(0, &mut s, 7, VOTE, 1, Pick::Majority, &mut out);
    m.receive(0, &mut s, 7, VOTE, 0, Pick::Majority, &mut out);
    assert_eq!(s.first_senders(VOTE, 1), 1 << 7);
    assert_eq!(s.senders(VOTE, 0), 1 | 1 << 7);
    for p in 1..=4 {
        m.receive(0, &mut s, p, VOTE, 0, Pick::Majority, &mut out);
    }
    assert!(out.is_empty(), "6 first votes do not reach N - F = 7");
    m.receive(0, &mut s, 5, VOTE, 0, Pick::Majority, &mut out);
    let e = evaluations(&out);
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].snapshot, [6, 1]);
    assert_eq!(
        (e[0].arm, e[0].value, e[0].both, e[0].ran),
        (Some(0), 0, false, true)
    );
    assert_eq!(out.last(), Some(&Output::Decide(0)));
    assert_eq!(s.outcome, Some(Conclusion::Decided(0)));
    out.clear();
    m.receive(0, &mut s, 6, VOTE, 1, Pick::Majority, &mut out);
    assert!(out.is_empty());
    assert_eq!(
        s.senders(VOTE, 1),
        1 << 7,
        "a final process records nothing"
    );
}

#[test]
fn bosco_hands_over_the_value_with_a_majority_of_the_snapshot() {
    let (m, mut s, mut out) = proposed(&bosco(), (8, 1), 0, 0);
    for (p, v) in [(1, 1), (2, 1), (3, 1), (4, 0), (5, 0), (6, 1)] {
        m.receive(0, &mut s, p, VOTE, v, Pick::Majority, &mut out);
    }
    let e = evaluations(&out);
    assert_eq!(e[0].snapshot, [3, 4]);
    assert_eq!((e[0].arm, e[0].value), (Some(1), 1));
    assert_eq!(s.outcome, Some(Conclusion::HandedOver(1)));
}

#[test]
fn otherwise_hands_over_the_input() {
    // upon Vote >= 3 { when Vote(v) > 2 { decide(v); } otherwise { handover(proposal); } }
    let ir = protocol(
        ge(Expr::Int(3)),
        vec![(gt(Expr::Int(2)), Effect::Decide)],
        Some(Effect::Handover(Estimate::Proposal)),
    );
    let (m, mut s, mut out) = proposed(&ir, (4, 1), 2, 1);
    m.receive(2, &mut s, 0, VOTE, 0, Pick::Majority, &mut out);
    m.receive(2, &mut s, 1, VOTE, 0, Pick::Majority, &mut out);
    let e = evaluations(&out);
    assert_eq!((e[0].snapshot, e[0].arm, e[0].value), ([2, 1], None, 1));
    assert_eq!(out.last(), Some(&Output::Handover(1)));
}

#[test]
fn no_arm_and_no_otherwise_leaves_the_process_undecided_for_good() {
    let ir = decides_at(2, gt(Expr::Int(1)));
    let (m, mut s, mut out) = proposed(&ir, (4, 1), 0, 0);
    m.receive(0, &mut s, 1, VOTE, 1, Pick::Majority, &mut out);
    let e = evaluations(&out);
    assert_eq!((e[0].snapshot, e[0].ran), ([1, 1], false));
    out.clear();
    m.receive(0, &mut s, 2, VOTE, 0, Pick::Majority, &mut out);
    assert!(evaluations(&out).is_empty(), "the block runs once");
    assert_eq!(s.outcome, None);
}

#[test]
fn an_arm_holding_for_both_values_is_picked() {
    // upon Vote >= 3 { when Vote(v) >= 1 { decide(v); } }: (1, 2) holds for both.
    let ir = decides_at(3, ge(Expr::Int(1)));
    let m = Machine::new(&ir, 4, 1).unwrap();
    let run = |pick: Pick| {
        let mut s = ProcessState::default();
        let mut out = Vec::new();
        m.propose(0, &mut s, 0, pick, &mut out);
        m.receive(0, &mut s, 1, VOTE, 1, pick, &mut out);
        m.receive(0, &mut s, 2, VOTE, 1, pick, &mut out);
        (evaluations(&out)[0], s.outcome)
    };
    let (e, o) = run(Pick::Value(0));
    assert!(e.both);
    assert_eq!(o, Some(Conclusion::Decided(0)));
    assert_eq!(run(Pick::Value(1)).1, Some(Conclusion::Decided(1)));
    assert_eq!(run(Pick::Majority).1, Some(Conclusion::Decided(1)));
    // A tie takes the smaller value.
    let ir = decides_at(2, ge(Expr::Int(1)));
    let (m, mut s, mut out) = proposed(&ir, (4, 1), 3, 1);
    m.receive(3, &mut s, 0, VOTE, 0, Pick::Majority, &mut out);
    assert_eq!(s.outcome, Some(Conclusion::Decided(0)));
}

#[test]
fn a_threshold_of_one_runs_the_block_at_the_proposal() {
    let ir = decides_at(1, ge(Expr::Int(1)));
    let (_, _, out) = proposed(&ir, (3, 1), 1, 1);
    assert_eq!(out.last(), Some(&Output::Decide(1)));
    assert_eq!(evaluations(&out)[0].snapshot, [0, 1]);
}
