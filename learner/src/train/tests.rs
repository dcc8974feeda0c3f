//! Training against fake oracles.

use super::*;
use crate::oracle::{ConfigOutcome, ConfigVerdict, Judgement};
use dsl_core::checker::Scenario;
use dsl_core::ir::FaultModel;

/// A stand-in for the checker under `faults: none`: a protocol passes
/// when every process delivers in the synchronous failure-free run at
/// N = 3 and N = 4.
pub(crate) struct SyncRunOracle;

impl Oracle for SyncRunOracle {
    fn judge(&mut self, ir: &ProtocolIr, exhaustive: bool) -> Judgement {
        let mut outcomes = Vec::new();
        for n in [3, 4] {
            let ok = dsl_core::metrics::measure(ir, n, 0).is_ok_and(|m| m.steps.is_some());
            outcomes.push(ConfigOutcome {
                n,
                f: 0,
                scenario: Scenario::FailureFree,
                verdict: if ok {
                    ConfigVerdict::Verified
                } else {
                    ConfigVerdict::Violated {
                        property: dsl_core::checker::Property::Validity,
                    }
                },
                states: 1,
            });
            if !ok && !exhaustive {
                break;
            }
        }
        Judgement::from_outcomes(2, outcomes)
    }
}

fn short(episodes: usize) -> LearnConfig {
    let mut c = LearnConfig::defaults(FaultModel::None);
    c.episodes = episodes;
    c
}

#[test]
fn finds_the_cheapest_protocol_against_a_fake_oracle() {
    let mut l = Learner::new(short(400), SyncRunOracle).unwrap();
    assert!(l.train(&AtomicBool::new(false), &mut |_| {}));
    let outcome = l.finish();
    let best = outcome.best.expect("a protocol that delivers everywhere");
    // send T0 to all (-6), when received T0 >= 1 (-1) deliver (-1).
    assert_eq!(best.cost, -8.0, "{}", dsl_core::print::body(&best.ir, ""));
    assert!(best.revalidation.verified);
    assert_eq!(l.history.curve.len(), 400);
    assert!(l.oracle.stats.cache_hits > 0);
}

/// [`SyncRunOracle`] whose training verdict is final.
struct FinalSync;

impl Oracle for FinalSync {
    fn judge(&mut self, ir: &ProtocolIr, exhaustive: bool) -> Judgement {
        SyncRunOracle.judge(ir, exhaustive)
    }

    fn training_is_final(&self) -> bool {
        true
    }
}

#[test]
fn protocols_costlier_than_one_verified_are_not_recorded() {
    let mut l = Learner::new(short(400), FinalSync).unwrap();
    l.train(&AtomicBool::new(false), &mut |_| {});
    assert!(l.oracle.stats.bounded > 0);
    let mut best = f64::NEG_INFINITY;
    for f in &l.history.found {
        assert!(f.cost >= best, "{} found after {best}", f.cost);
        best = best.max(f.cost);
    }
    let outcome = l.finish();
    assert_eq!(outcome.best.map(|b| b.cost), Some(-8.0));
    // Off: costlier protocols are judged in full and recorded.
    let mut config = short(400);
    config.oracle.bound_costlier = false;
    let mut l = Learner::new(config, FinalSync).unwrap();
    l.train(&AtomicBool::new(false), &mut |_| {});
    assert_eq!(l.oracle.stats.bounded, 0);
}

#[test]
fn a_stop_request_ends_training_early() {
    let mut l = Learner::new(short(50), SyncRunOracle).unwrap();
    let stop = AtomicBool::new(false);
    let mut seen = 0;
    let done = l.train(&stop, &mut |p| {
        seen = p.episode;
        if p.episode == 10 {
            stop.store(true, Ordering::SeqCst);
        }
    });
    assert!(!done);
    assert_eq!((seen, l.history.episode), (10, 10));
}

#[test]
fn training_updates_q_values_of_the_root() {
    let mut l = Learner::new(short(30), SyncRunOracle).unwrap();
    l.train(&AtomicBool::new(false), &mut |_| {});
    let root = &l.agent.table[&Draft::default()];
    assert_eq!(root.visits, 30);
    assert!(root.q.iter().any(|&q| q != 0.0));
}

/// [`SyncRunOracle`] in training, but training is not final, and its screen
/// over "every configuration" rejects protocols with one rule.
struct ScreenedSync;

impl Oracle for ScreenedSync {
    fn judge(&mut self, ir: &ProtocolIr, exhaustive: bool) -> Judgement {
        SyncRunOracle.judge(ir, exhaustive)
    }

    fn screen(&mut self, ir: &ProtocolIr) -> bool {
        ir.rules.len() > 1 && SyncRunOracle.judge(ir, true).verified
    }
}

#[test]
fn a_protocol_that_fails_beyond_training_earns_no_verified_reward() {
    let mut l = Learner::new(short(400), ScreenedSync).unwrap();
    l.train(&AtomicBool::new(false), &mut |_| {});
    let failed: Vec<&String> = l
        .beyond
        .iter()
        .filter(|(_, &h)| !h)
        .map(|(k, _)| k)
        .collect();
    assert!(!failed.is_empty(), "the cheapest protocol has one rule");
    for f in &l.history.found {
        assert!(!failed.contains(&&f.key), "recorded: {}", f.key);
    }
    let best = l.best_found().expect("a protocol with two rules");
    assert!(best.ir.rules.len() > 1);
    // Without the check, the one-rule protocol is the answer of training.
    let mut config = short(400);
    config.oracle.beyond_training = false;
    let mut l = Learner::new(config, ScreenedSync).unwrap();
    l.train(&AtomicBool::new(false), &mut |_| {});
    assert_eq!(l.best_found().expect("a protocol").ir.rules.len(), 1);
}
