//! The consensus checker on the reference protocols, built as IR by hand
//! (ByMC's encodings: cf1s, Dobre and Suri 2006; c1cs, Brasileiro et al.
//! 2001; Bosco, Song and van Renesse 2008), and mutations of them.

use dsl_core::checker::{self, Config, Limits, Verdict};
use dsl_core::consensus;
use dsl_core::ir::*;
use dsl_core::problem::Property;
use dsl_core::syntax::{parse_cond, parse_expr};

fn th(strict: bool, expr: Expr) -> Threshold {
    Threshold { strict, expr }
}

/// An expression over N and F, written as in a protocol.
fn expr(src: &str) -> Expr {
    parse_expr(src).unwrap()
}

/// `N - k * F`.
fn nf(k: i64) -> Expr {
    expr(&format!("N - {k} * F"))
}

fn arm(t: Threshold, e: Effect) -> Arm {
    Arm::vote(t, vec![e])
}

fn protocol(
    name: &str,
    faults: FaultModel,
    requires: Cond,
    arms: Vec<Arm>,
    otherwise: Option<Effect>,
    one_step: Vec<Cond>,
) -> ProtocolIr {
    let upon = Upon::votes(th(false, nf(1)), arms, otherwise.map(|e| vec![e]));
    ProtocolIr::one_step(name, faults, vec![requires], upon, one_step)
}

/// `N > k * F`.
fn n_gt(k: i64) -> Cond {
    parse_cond(&format!("N > {k} * F")).unwrap()
}

/// Bosco with its decision threshold `(N + k F) / 2`.
fn bosco_with(k: i64) -> ProtocolIr {
    protocol(
        "Bosco",
        FaultModel::Byzantine,
        n_gt(3),
        vec![
            arm(
                th(true, expr(&format!("(N + {k} * F) / 2"))),
                Effect::Decide,
            ),
            arm(
                th(true, expr("(N - F) / 2")),
                Effect::Handover(Estimate::Value),
            ),
        ],
        Some(Effect::Handover(Estimate::Proposal)),
        vec![n_gt(7)],
    )
}

/// c1cs with its handover threshold `N - k F`.
fn c1cs_with(k: i64) -> ProtocolIr {
    protocol(
        "C1cs",
        FaultModel::Crash,
        n_gt(3),
        vec![
            arm(th(false, nf(1)), Effect::Decide),
            arm(th(false, nf(k)), Effect::Handover(Estimate::Value)),
        ],
        Some(Effect::Handover(Estimate::Proposal)),
        vec![],
    )
}

fn cf1s() -> ProtocolIr {
    protocol(
        "Cf1s",
        FaultModel::Crash,
        n_gt(2),
        vec![arm(th(false, nf(1)), Effect::Decide)],
        Some(Effect::Handover(Estimate::Proposal)),
        vec![],
    )
}

fn config(faults: FaultModel, n: usize, f: usize) -> Config {
    Config::all(Problem::Consensus, faults, n, f)[0]
}

fn limits() -> Limits {
    Limits {
        max_states: 5_000_000,
        timeout_secs: 300,
    }
}

/// The checker's answer on Bosco with decision threshold `(N + k F) / 2`,
/// Byzantine faults.
fn check_bosco(k: i64, n: usize, f: usize) -> checker::CheckResult {
    checker::check(
        &bosco_with(k),
        config(FaultModel::Byzantine, n, f),
        limits(),
    )
}

fn violated(ir: &ProtocolIr, c: Config) -> checker::Violation {
    match checker::check(ir, c, limits()).verdict {
        Verdict::Violated(v) => v,
        other => panic!("{} at {c:?}: expected a violation, got {other:?}", ir.name),
    }
}

#[test]
fn bosco_is_safe_and_terminates_at_n4_f1() {
    let r = check_bosco(3, 4, 1);
    assert_eq!(r.verdict, Verdict::Verified, "{r:?}");
    assert!(r.states > 10);
}

#[test]
fn bosco_one_step_measures() {
    let [free, faulty] = consensus::measure_one_step(
        &bosco_with(3),
        config(FaultModel::Byzantine, 6, 1),
        limits(),
    );
    assert_eq!(free.one_step, Some(true), "weakly one-step at N = 6 > 5F");
    assert_eq!(
        faulty.one_step,
        Some(false),
        "not one-step with a fault at N = 6"
    );
    let [free, faulty] = consensus::measure_one_step(
        &bosco_with(3),
        config(FaultModel::Byzantine, 8, 1),
        limits(),
    );
    assert_eq!((free.one_step, faulty.one_step), (Some(true), Some(true)));
}

#[test]
fn bosco_is_safe_at_n8_f1_and_n15_f2() {
    for (n, f) in [(8, 1), (15, 2)] {
        let r = check_bosco(3, n, f);
        eprintln!(
            "Bosco N = {n}, F = {f}, byzantine, all inputs: {:?}, {} states, {:.3} s",
            r.verdict, r.states, r.seconds
        );
        assert_eq!(r.verdict, Verdict::Verified, "{r:?}");
    }
}

#[test]
fn lowered_bosco_decision_threshold_is_refuted() {
    // At N = 4 (N + 2F) / 2 = (N + 3F) / 2: the first N where they differ is 5.
    let r = check_bosco(2, 4, 1);
    assert_eq!(r.verdict, Verdict::Verified);
    let v = violated(&bosco_with(2), config(FaultModel::Byzantine, 5, 1));
    eprintln!("{}\n{}", v.detail, v.trace.join("\n"));
    assert_eq!(v.property, Property::HandoverConsistency, "{}", v.detail);
    // The detail says what went wrong, without repeating the property.
    assert!(v.detail.starts_with('p'), "{}", v.detail);
    assert!(v.trace.iter().any(|l| l.contains("evaluates Vote")));
    assert!(v.trace.iter().any(|l| l.contains("(Byzantine) -> ")));
}

#[test]
fn c1cs_is_safe_and_cf1s_breaks_handover_consistency_under_crashes() {
    let r = checker::check(&c1cs_with(2), config(FaultModel::Crash, 4, 1), limits());
    assert_eq!(r.verdict, Verdict::Verified, "{r:?}");
    // cf1s hands over its own input when not unanimous: ByMC checks it for
    // one-step only.
    let v = violated(&cf1s(), config(FaultModel::Crash, 4, 1));
    assert_eq!(v.property, Property::HandoverConsistency, "{}", v.detail);
    // The detail says what went wrong, without repeating the property.
    assert!(v.detail.starts_with('p'), "{}", v.detail);
}

#[test]
fn counting_and_plain_models_agree() {
    let mut irs = vec![
        cf1s(),
        c1cs_with(2),
        c1cs_with(0),
        bosco_with(3),
        bosco_with(2),
    ];
    let mut no_otherwise = cf1s();
    no_otherwise.consensus.upon[0].otherwise = None;
    irs.push(no_otherwise);
    for ir in &irs {
        for faults in [FaultModel::Crash, FaultModel::Byzantine] {
            let c = config(faults, 4, 1);
            let (a, b) = (
                consensus::check(ir, c, limits()),
                consensus::check_plain(ir, c, limits()),
            );
            let kind = |v: &Verdict| match v {
                Verdict::Violated(v) => v.property.name().to_string(),
                other => format!("{other:?}"),
            };
            assert_eq!(kind(&a.verdict), kind(&b.verdict), "{} {faults}", ir.name);
            assert!(a.states < b.states);
        }
    }
}

#[test]
fn raised_c1cs_handover_threshold_is_refuted() {
    // Handover at N - 0 * F = N votes never holds on an (N - F)-vote
    // snapshot: a split snapshot hands over the own input against a decision.
    let v = violated(&c1cs_with(0), config(FaultModel::Crash, 4, 1));
    eprintln!("{}\n{}", v.detail, v.trace.join("\n"));
    assert_eq!(v.property, Property::HandoverConsistency, "{}", v.detail);
    // The detail says what went wrong, without repeating the property.
    assert!(v.detail.starts_with('p'), "{}", v.detail);
}

#[test]
fn an_upon_whose_arms_all_fail_violates_termination() {
    let mut ir = cf1s();
    ir.consensus.upon[0].otherwise = None;
    let v = violated(&ir, config(FaultModel::Crash, 4, 1));
    assert_eq!(v.property, Property::Termination, "{}", v.detail);
    assert!(v.detail.starts_with("nothing is in flight"), "{}", v.detail);
}

#[test]
fn a_consensus_run_stops_at_the_distinct_state_limit_as_broadcast_does() {
    let tight = Limits {
        max_states: 50,
        timeout_secs: 300,
    };
    let r = consensus::check_plain(&bosco_with(3), config(FaultModel::Byzantine, 4, 1), tight);
    match &r.verdict {
        Verdict::Unknown { reason } => assert!(
            reason.starts_with("stopped at the limit of 50 distinct states, after ")
                && reason.ends_with("raise it with --max-states"),
            "{reason}"
        ),
        other => panic!("expected a stop at the limit, got {other:?}"),
    }
    assert!(r.states >= 50, "{} distinct states", r.states);
}

#[test]
fn a_halted_consensus_run_answers_unknown() {
    let halt = std::sync::atomic::AtomicBool::new(true);
    let r = checker::check_until(
        &bosco_with(3),
        config(FaultModel::Byzantine, 8, 1),
        limits(),
        &halt,
    );
    match &r.verdict {
        Verdict::Unknown { reason } => {
            assert!(reason.starts_with("stopped from outside"), "{reason}")
        }
        other => panic!("expected a halted run, got {other:?}"),
    }
}
