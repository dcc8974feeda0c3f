//! End-to-end runs of the learner against the real checker, for the
//! failure-free model (small and fast).

use dsl_core::ir::FaultModel;
use learner::config::LearnConfig;
use learner::oracle::CheckerOracle;
use learner::train::{Learner, Outcome};
use std::path::Path;
use std::sync::atomic::AtomicBool;

fn run(episodes: usize, seed: u64, out: &Path) -> (Learner<CheckerOracle>, Outcome) {
    let mut config = LearnConfig::defaults(FaultModel::None);
    config.episodes = episodes;
    config.seed = seed;
    let oracle = CheckerOracle::new(&config).unwrap();
    let mut learner = Learner::new(config, oracle).unwrap();
    assert!(learner.train(&AtomicBool::new(false), &mut |_| {}));
    let outcome = learner.finish();
    learner::emit::write_all(&learner, &outcome, out).unwrap();
    (learner, outcome)
}

#[test]
fn a_short_run_without_failures_finds_a_verified_protocol() {
    let dir = tempfile::tempdir().unwrap();
    let (learner, outcome) = run(300, 7, dir.path());
    let best = outcome.best.expect("a verified protocol");
    assert!(best.revalidation.verified, "{:?}", best.revalidation);
    assert_eq!(best.revalidation.outcomes.len(), 2);
    assert!(!learner.history.found.is_empty());
    // The cheapest: send to all, deliver on one message.
    assert_eq!(best.cost, -8.0, "{}", dsl_core::print::body(&best.ir, ""));
}

#[test]
fn the_same_seed_gives_identical_files() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    run(200, 3, a.path());
    run(200, 3, b.path());
    for file in ["learned_none.rs", "learned_none.json", "learned_none.svg"] {
        let x = std::fs::read(a.path().join(file)).unwrap();
        let y = std::fs::read(b.path().join(file)).unwrap();
        assert!(x == y, "{file} differs between two runs with the same seed");
    }
}

#[test]
fn the_emitted_file_parses_back_to_the_same_protocol() {
    let dir = tempfile::tempdir().unwrap();
    let (_, outcome) = run(200, 11, dir.path());
    let best = outcome.best.expect("a verified protocol");
    let text = std::fs::read_to_string(dir.path().join("learned_none.rs")).unwrap();
    let parsed = dsl_core::source::protocols_in_source(&text).unwrap();
    assert_eq!(parsed, vec![best.ir]);
    // The report is JSON and names the best protocol.
    let report: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("learned_none.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(report["protocol"], "LearnedNone");
    assert!(report["verified_protocols"]
        .as_array()
        .is_some_and(|v| !v.is_empty()));
}

/// The heuristics leave Bracha's algorithm reachable: its action sequence is
/// offered step by step, and the oracle verifies the result at N = 4, F = 1.
#[test]
fn the_environment_can_build_bracha() {
    use dsl_core::ir::Dest;
    use learner::env::Env;
    use learner::heuristics::{Pruned, Pruner};
    use learner::vocab::{Draft, Eff, Move, RuleGuard};
    let config = LearnConfig::defaults(FaultModel::Byzantine);
    let env = Env::new(&config).unwrap();
    let pruner = Pruner::new(&env, &config.heuristics);
    let q = |label: &str| {
        (0..env.quorums.len() as u8)
            .find(|&i| env.quorum_label(i) == label)
            .unwrap()
    };
    let send = |msg| Eff::Send { msg, to: Dest::All };
    let rule = |trigger, quorum, not_sent, effect| Move::Rule {
        guard: RuleGuard {
            trigger,
            quorum,
            not_sent,
        },
        effect,
    };
    let moves = [
        Move::Broadcast(send(0)),
        rule(0, q("from broadcaster"), Some(1), send(1)),
        rule(1, q(">= N - F"), Some(2), send(2)),
        rule(2, q(">= F + 1"), Some(2), send(2)),
        rule(2, q(">= (N + F + 1) / 2"), None, Eff::Deliver),
        Move::End,
    ];
    let mut draft = Draft::default();
    for a in moves {
        let offered = pruner.offered(&env, &draft, &mut Pruned::default());
        assert!(offered.contains(&a), "{a:?} is not offered in {draft:?}");
        draft = draft.apply(&a);
    }
    let ir = env.to_ir(&draft);
    let oracle = CheckerOracle::new(&config).unwrap();
    let configs: Vec<_> = oracle
        .configs
        .iter()
        .copied()
        .filter(|c| c.n == 4)
        .collect();
    assert_eq!(configs.len(), 2);
    for c in configs {
        let r = dsl_core::checker::check(&ir, c, oracle.settings.limits);
        assert!(r.verdict.is_verified(), "{c:?}: {:?}", r.verdict);
    }
}
