//! Issue 19, item 4: with `excluded_counts` on, the learner's action space
//! holds the (4f)-BRB of Abraham, Ren and Xiang (examples/arx_4f.rs): a
//! sequence of moves, each offered by the environment, builds a protocol
//! with its canonical form. Off (the default), it does not.

use dsl_core::ir::{Effect, FaultModel, Guard, ProtocolIr};
use learner::canonical;
use learner::config::{LearnConfig, ThresholdSpec, Thresholds, CLASSIC};
use learner::env::Env;
use learner::heuristics::Pruner;
use learner::space::Space;
use learner::vocab::{Draft, Eff, Move, RuleGuard};

fn arx_4f() -> ProtocolIr {
    dsl_core::source::protocols_in_source(include_str!("../../examples/arx_4f.rs"))
        .expect("examples/arx_4f.rs parses")
        .remove(0)
}

/// The Byzantine defaults under `N >= 4 * F and N >= 2` (the example's), with 4 types, 7 rules, the
/// classic thresholds and N - F - 1.
fn config(excluded_counts: bool) -> LearnConfig {
    let mut config = LearnConfig::defaults(FaultModel::Byzantine);
    config.requires = vec!["N >= 4 * F".into(), "N >= 2".into()];
    config.limits.max_types = 4;
    config.limits.max_rules = 7;
    config.limits.max_actions = 8;
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

/// Knuth's estimate of the action space's size agrees with the exact count
/// on a space small enough to count (the space of the tests above with at
/// most 4 moves): within 5 % on 20,000 probes.
#[test]
fn the_space_size_estimate_agrees_with_the_exact_count() {
    let mut small = config(true);
    small.limits.max_actions = 4;
    let env = Env::new(&small).expect("environment");
    let pruner = Pruner::new(&env, &small.heuristics);
    let space = Space {
        env: &env,
        pruner: &pruner,
        rewards: &small.rewards,
        min_cost: f64::NEG_INFINITY,
    };
    let exact = space.exact();
    assert!(exact.protocols > 100.0, "{exact:?}");
    let mut rng = <rand_chacha::ChaCha8Rng as rand::SeedableRng>::seed_from_u64(7);
    let guess = space.estimate(20_000, &mut rng);
    for (what, e, g) in [
        ("drafts", exact.drafts, guess.drafts),
        ("protocols", exact.protocols, guess.protocols),
    ] {
        assert!(
            (g - e).abs() <= 0.05 * e,
            "{what}: exact {e}, estimated {g}"
        );
    }
}

/// Issue 19, item 4: how many protocols a uniform-cost search of the space
/// that holds the (4f)-BRB would judge before reaching it: every protocol at
/// least as cheap. Printed (`--nocapture`; bench/RESULTS-learner.md records
/// it), and it must be more than the one protocol.
#[test]
fn the_size_of_the_space_that_holds_the_4f_brb() {
    let mut config = config(true);
    // The (4f)-BRB delivers on two paths: let a second `deliver` be offered.
    config
        .heuristics
        .0
        .insert(learner::config::Heuristic::DeliverTwice, false);
    let env = Env::new(&config).expect("environment");
    let pruner = Pruner::new(&env, &config.heuristics);
    let moves = moves_of(&env, &arx_4f()).expect("the (4f)-BRB is in the space");
    let mut draft = Draft::default();
    let mut cost = 0.0;
    for mv in moves.iter().chain([&Move::End]) {
        cost += config.rewards.of_move(&draft, mv, &env);
        draft = draft.apply(mv);
    }
    let mut rng = <rand_chacha::ChaCha8Rng as rand::SeedableRng>::seed_from_u64(19);
    let mut space = Space {
        env: &env,
        pruner: &pruner,
        rewards: &config.rewards,
        min_cost: f64::NEG_INFINITY,
    };
    let all = space.estimate(20_000, &mut rng);
    space.min_cost = cost;
    let cheaper = space.estimate(20_000, &mut rng);
    println!(
        "(4f)-BRB: {} moves, cost {cost}; space: {:.3e} protocols ({:.3e} drafts); \
         at least as cheap as the (4f)-BRB: {:.3e} protocols ({:.3e} drafts); {} probes each",
        moves.len() + 1,
        all.protocols,
        all.drafts,
        cheaper.protocols,
        cheaper.drafts,
        all.probes
    );
    assert!(cheaper.protocols >= 1.0 && cheaper.protocols <= all.protocols);
}
