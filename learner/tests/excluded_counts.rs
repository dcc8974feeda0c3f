//! Issue 19, item 4: with `excluded_counts` on, the learner's action space
//! holds the (4f)-BRB of Abraham, Ren and Xiang (examples/arx_4f.rs): a
//! sequence of moves, each offered by the environment, builds a protocol
//! with its canonical form. Off (the default), it does not.

use dsl_core::ir::{Effect, FaultModel, Guard, ProtocolIr};
use learner::canonical;
use learner::config::{LearnConfig, ThresholdSpec, Thresholds, CLASSIC};
use learner::env::Env;
use learner::heuristics::Pruner;
use learner::vocab::{Draft, Eff, Move, RuleGuard};

fn arx_4f() -> ProtocolIr {
    dsl_core::source::protocols_in_source(include_str!("../../examples/arx_4f.rs"))
        .expect("examples/arx_4f.rs parses")
        .remove(0)
}

/// The Byzantine defaults under `N >= 4 * F`, with 4 types, 7 rules, the
/// classic thresholds and N - F - 1.
fn config(excluded_counts: bool) -> LearnConfig {
    let mut config = LearnConfig::defaults(FaultModel::Byzantine);
    config.requires = vec!["N >= 4 * F".into()];
    config.max_types = 4;
    config.max_rules = 7;
    config.max_actions = 8;
    let mut list: Vec<ThresholdSpec> = CLASSIC
        .iter()
        .map(|&(expr, cost)| ThresholdSpec {
            expr: expr.into(),
            cost,
        })
        .collect();
    list.push(ThresholdSpec {
        expr: "N - F - 1".into(),
        cost: -4.0,
    });
    config.thresholds = Thresholds::List(list);
    config.excluded_counts = excluded_counts;
    config.validate().expect("valid configuration");
    config
}

/// The moves that build `ir` in `env`, in the order the heuristics ask
/// (broadcast first, then rules by guard); `None` if a quorum of `ir` is
/// not in the environment's list.
fn moves_of(env: &Env, ir: &ProtocolIr) -> Option<Vec<Move>> {
    let eff = |e: &Effect| match *e {
        Effect::Send { msg, to } => Eff::Send { msg: msg as u8, to },
        Effect::Deliver => Eff::Deliver,
        Effect::Decide | Effect::Handover(_) => unreachable!("a broadcast protocol"),
    };
    let mut moves: Vec<Move> = ir
        .broadcast
        .iter()
        .flat_map(|b| &b.effects)
        .map(|e| Move::Broadcast(eff(e)))
        .collect();
    let mut rules = Vec::new();
    for rule in &ir.rules {
        let mut guard = None;
        let mut not_sent = None;
        for g in &rule.guards {
            match g {
                Guard::Received { msg, quorum } => {
                    let q = env.quorums.iter().position(|p| p == quorum)?;
                    guard = Some((*msg as u8, q as u8));
                }
                Guard::NotSent { msg } => not_sent = Some(*msg as u8),
            }
        }
        let (trigger, quorum) = guard?;
        let guard = RuleGuard {
            trigger,
            quorum,
            not_sent,
        };
        for e in &rule.effects {
            rules.push((guard, eff(e)));
        }
    }
    rules.sort();
    moves.extend(
        rules
            .into_iter()
            .map(|(guard, effect)| Move::Rule { guard, effect }),
    );
    moves.push(Move::End);
    Some(moves)
}

#[test]
fn the_action_space_holds_the_4f_brb_with_excluded_counts() {
    let target = arx_4f();
    let env = Env::new(&config(true)).expect("environment");
    let moves = moves_of(&env, &target).expect("every quorum of the (4f)-BRB is offered");
    let pruner = Pruner::new(&env, &config(true).heuristics);
    let mut draft = Draft::default();
    let mut pruned_by = Vec::new();
    for mv in &moves {
        assert!(
            env.moves(&draft).contains(mv),
            "{mv:?} is not offered after {draft:?}"
        );
        if let Some(h) = pruner.first_violated(&env, &draft, mv) {
            pruned_by.push(h);
        }
        draft = draft.apply(mv);
    }
    assert_eq!(
        canonical::key(&env.to_ir(&draft)),
        canonical::key(&target),
        "the draft builds the (4f)-BRB up to type names and rule order"
    );
    // The default heuristics keep it too, but for the one that forbids a
    // second `deliver` (the (4f)-BRB delivers on the fast and the slow path).
    pruned_by.dedup();
    assert_eq!(
        pruned_by,
        [learner::config::Heuristic::DeliverTwice],
        "{pruned_by:?}"
    );
    println!(
        "{} quorums ({} excluding the broadcaster), {} moves at the empty draft, {} moves to build the (4f)-BRB",
        env.quorums.len(),
        env.quorums.iter().filter(|q| q.excludes_broadcaster()).count(),
        env.moves(&Draft::default()).len(),
        moves.len()
    );
}

#[test]
fn without_the_option_no_quorum_excludes_the_broadcaster() {
    let env = Env::new(&config(false)).expect("environment");
    assert!(env.quorums.iter().all(|q| !q.excludes_broadcaster()));
    assert!(moves_of(&env, &arx_4f()).is_none());
}
