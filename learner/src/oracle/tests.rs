//! Tests of the oracle and its cache.

use super::*;

struct Counting(u32);
impl Oracle for Counting {
    fn judge(&mut self, _ir: &ProtocolIr, _exhaustive: bool) -> Judgement {
        self.0 += 1;
        Judgement::from_outcomes(1, vec![])
    }
}

#[test]
fn the_cache_answers_a_renamed_protocol() {
    let a = dsl_core::syntax::parse_str(
        "A { faults: crash; messages: X, Y;
             on broadcast(m) { send X(m) to all; }
             when received X(m) >= 1 { send Y(m) to all; }
             when received Y(m) >= 2 { deliver(m); } }",
    )
    .unwrap();
    let b = dsl_core::syntax::parse_str(
        "B { faults: crash; messages: Y, X;
             on broadcast(m) { send X(m) to all; }
             when received Y(m) >= 2 { deliver(m); }
             when received X(m) >= 1 { send Y(m) to all; } }",
    )
    .unwrap();
    let mut cached = Cached::new(Counting(0), true);
    cached.judge(&a);
    cached.judge(&b);
    assert_eq!(cached.inner.0, 1);
    assert_eq!(
        cached.stats,
        OracleStats {
            calls: 2,
            cache_hits: 1,
            bounded: 0
        }
    );
}

#[test]
fn unverified_unless_every_configuration_is() {
    let ok = |n| ConfigOutcome {
        n,
        f: 0,
        scenario: Scenario::FailureFree,
        verdict: ConfigVerdict::Verified,
        states: 1,
    };
    assert!(Judgement::from_outcomes(2, vec![ok(3), ok(4)]).verified);
    assert!(!Judgement::from_outcomes(2, vec![ok(3)]).verified);
    assert!(!Judgement::from_outcomes(0, vec![]).verified);
    let mut bad = ok(4);
    bad.verdict = ConfigVerdict::Unknown {
        reason: "timeout".into(),
    };
    let j = Judgement::from_outcomes(2, vec![ok(3), bad]);
    assert!(!j.verified);
    assert_eq!(j.configs_verified(), 1);
}

#[test]
fn the_answer_does_not_depend_on_the_threads() {
    let mut config = LearnConfig::defaults(FaultModel::Byzantine);
    config.oracle.max_f = None;
    let oracle = CheckerOracle::new(&config).unwrap();
    // Right at F = 1, wrong at N = 7, F = 2 (bench/RESULTS-learner.md).
    let ir = dsl_core::syntax::parse_str(
        "A { faults: byzantine; requires: N > 3 * F; messages: I, E, R;
             on broadcast(m) { send I(m) to all; }
             when received I(m) from broadcaster and not sent E { send E(m) to all; }
             when received E(m) >= N - F { send R(m) to others; }
             when received R(m) >= F + 1 { send R(m) to others; deliver(m); } }",
    )
    .unwrap();
    let limits = oracle.settings.limits;
    for stop in [true, false] {
        let one = check_in_order(&ir, &oracle.configs, limits, 1, stop);
        let two = check_in_order(&ir, &oracle.configs, limits, 2, stop);
        let four = check_in_order(&ir, &oracle.configs, limits, 4, stop);
        assert_eq!(one, two);
        assert_eq!(one, four);
        assert_eq!(one.len(), 6);
        assert!(one[..4].iter().all(ConfigOutcome::verified), "{one:?}");
        assert!(!one[5].verified(), "{one:?}");
    }
}
