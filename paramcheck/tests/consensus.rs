//! `check_all_n` on consensus protocols (Bosco, c1cs, cf1s, built as IR):
//! TACO on the automaton of `dsl_core::ta::consensus`, one property at a
//! time. TACO needs z3, found or fetched.

use dsl_core::ir::{Arm, Effect, Estimate, Expr, FaultModel, ProtocolIr, Threshold, Upon};
use dsl_core::problem::{Property, Scenario};
use dsl_core::syntax::{parse_cond, parse_expr};
use paramcheck::{check_all_n, Options};

/// An expression over N and F, written as in a protocol.
fn expr(src: &str) -> Expr {
    parse_expr(src).unwrap()
}

/// `N > k * F`.
fn n_gt(k: i64) -> dsl_core::ir::Cond {
    parse_cond(&format!("N > {k} * F")).unwrap()
}

fn arm(strict: bool, expr: Expr, effect: Effect) -> Arm {
    Arm::vote(Threshold { strict, expr }, vec![effect])
}

/// A one-step protocol: vote the input, after N - F votes try `arms`, else
/// hand over the proposal.
fn protocol(
    name: &str,
    faults: FaultModel,
    requires: i64,
    arms: Vec<Arm>,
    one_step: Option<i64>,
) -> ProtocolIr {
    paramcheck::solver::fetch().expect("z3, found or fetched from PyPI");
    let block = Threshold {
        strict: false,
        expr: expr("N - F"),
    };
    let otherwise = Some(vec![Effect::Handover(Estimate::Proposal)]);
    ProtocolIr::one_step(
        name,
        faults,
        vec![n_gt(requires)],
        Upon::votes(block, arms, otherwise),
        one_step.map(n_gt).into_iter().collect(),
    )
}

fn bosco(decide: Expr, one_step: i64) -> ProtocolIr {
    protocol(
        "Bosco",
        FaultModel::Byzantine,
        3,
        vec![
            arm(true, decide, Effect::Decide),
            arm(true, expr("(N - F) / 2"), Effect::Handover(Estimate::Value)),
        ],
        Some(one_step),
    )
}

fn c1cs() -> ProtocolIr {
    protocol(
        "C1cs",
        FaultModel::Crash,
        3,
        vec![
            arm(false, expr("N - F"), Effect::Decide),
            arm(false, expr("N - 2 * F"), Effect::Handover(Estimate::Value)),
        ],
        Some(3),
    )
}

fn cf1s() -> ProtocolIr {
    protocol(
        "Cf1s",
        FaultModel::Crash,
        3,
        vec![arm(false, expr("N - F"), Effect::Decide)],
        Some(3),
    )
}

/// Per scenario: the properties proven and the counterexample's (N, F).
type Row = (Scenario, Vec<String>, Option<(usize, usize)>);

fn proven(ir: &ProtocolIr) -> Vec<Row> {
    check_all_n(ir, ir.faults, &Options::default())
        .into_iter()
        .map(|r| {
            eprintln!(
                "{} {:?}: {:?} {:.2} s",
                ir.name, r.scenario, r.verdict, r.seconds
            );
            (r.scenario, r.properties_proven, r.counterexample_at)
        })
        .collect()
}

fn names(ps: &[Property]) -> Vec<String> {
    ps.iter().map(|p| p.name().to_string()).collect()
}

const SAFETY: [Property; 3] = [
    Property::Agreement,
    Property::HandoverConsistency,
    Property::InputValidity,
];

#[test]
fn bosco_is_safe_and_one_step_for_every_n_above_7f() {
    let results = proven(&bosco(expr("(N + 3 * F) / 2"), 7));
    let mut all = SAFETY.to_vec();
    all.push(Property::OneStep);
    assert_eq!(results, vec![(Scenario::Byzantine, names(&all), None)]);
}

#[test]
fn bosco_is_not_one_step_with_f_byzantine_above_5f() {
    let results = proven(&bosco(expr("(N + 3 * F) / 2"), 5));
    let (scenario, proven, at) = &results[0];
    assert_eq!(*scenario, Scenario::Byzantine);
    assert_eq!(*proven, names(&SAFETY));
    let (n, f) = at.expect("a counterexample to one-step");
    assert!(n > 5 * f && n <= 7 * f && n <= 16, "N={n}, F={f}");
}

#[test]
fn bosco_with_a_lower_decide_threshold_is_refuted() {
    let results = proven(&bosco(expr("(N + 2 * F) / 2"), 7));
    let (_, proven, at) = &results[0];
    assert!(
        !proven.contains(&Property::Agreement.name().to_string())
            || !proven.contains(&Property::HandoverConsistency.name().to_string()),
        "{proven:?}"
    );
    assert!(at.is_some());
}

#[test]
fn c1cs_is_safe_and_one_step_for_every_n() {
    let mut all = SAFETY.to_vec();
    all.push(Property::OneStep);
    assert_eq!(
        proven(&c1cs()),
        vec![(Scenario::Crashes, names(&all), None)]
    );
}

/// cf1s as the reference reads it (all N - F votes v: decide v, otherwise
/// hand over the proposal) is safe for agreement, validity and one-step, but
/// not for decision-handover consistency (rule 7 of the brief): at N = 4, F
/// = 1 (TACO gives N = 5, F = 1), three processes propose 0 and one proposes 1; one of the three sees
/// three 0 votes and decides 0, the fourth sees its own 1 and hands over 1.
#[test]
fn cf1s_is_refuted_on_handover_consistency_only() {
    let results = proven(&cf1s());
    let (scenario, proven, at) = &results[0];
    assert_eq!(*scenario, Scenario::Crashes);
    assert!(matches!(at, Some((n, 1)) if *n <= 5), "{at:?}");
    assert_eq!(
        *proven,
        names(&[
            Property::Agreement,
            Property::InputValidity,
            Property::OneStep
        ])
    );
    assert!(at.is_some());
}
