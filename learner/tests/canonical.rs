//! The oracle's cache key is invariant under rule order, guard order and
//! message-type renaming, and still tells different protocols apart.

use dsl_core::ir::{Effect, Guard, ProtocolIr};
use dsl_core::random::{protocol, Shape};
use learner::canonical::key;
use proptest::prelude::*;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// `ir` with type `t` renamed `perm[t]` (names permuted along).
fn rename(ir: &ProtocolIr, perm: &[usize]) -> ProtocolIr {
    let mut out = ir.clone();
    for (t, name) in ir.messages.iter().enumerate() {
        out.messages[perm[t]] = name.clone();
    }
    let effect = |e: &Effect| match e {
        Effect::Send { msg, to } => Effect::Send {
            msg: perm[*msg],
            to: *to,
        },
        other => other.clone(),
    };
    if let Some(b) = &mut out.broadcast {
        b.effects = b.effects.iter().map(effect).collect();
    }
    for r in &mut out.rules {
        r.effects = r.effects.iter().map(effect).collect();
        for g in &mut r.guards {
            match g {
                Guard::Received { msg, .. } | Guard::NotSent { msg } => *msg = perm[*msg],
            }
        }
    }
    out
}

fn random_protocol(seed: u64, messages: usize) -> ProtocolIr {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let shape = Shape {
        messages,
        max_rules: 5,
        ..Shape::default()
    };
    protocol(&mut rng, &shape, "P")
}

/// A permutation of 0..k from a list of sort keys.
fn permutation(keys: &[u32], k: usize) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..k).collect();
    idx.sort_by_key(|&i| (keys[i], i));
    idx
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn invariant_under_rule_order_and_renaming(
        seed in any::<u64>(),
        messages in 1usize..=4,
        type_keys in proptest::collection::vec(any::<u32>(), 4),
        rule_keys in proptest::collection::vec(any::<u32>(), 8),
        flip_guards in any::<bool>(),
    ) {
        let ir = random_protocol(seed, messages);
        let perm = permutation(&type_keys, messages);
        let mut other = rename(&ir, &perm);
        let order = permutation(&rule_keys, other.rules.len());
        other.rules = order.iter().map(|&i| other.rules[i].clone()).collect();
        if flip_guards {
            for r in &mut other.rules {
                r.guards.reverse();
            }
        }
        other.name = "Renamed".into();
        prop_assert_eq!(key(&ir), key(&other));
    }

    #[test]
    fn a_changed_effect_changes_the_key(seed in any::<u64>(), messages in 1usize..=3) {
        let ir = random_protocol(seed, messages);
        let mut other = ir.clone();
        // Add an effect that no renaming can take back: a handler that
        // delivers in a protocol that is otherwise the same.
        let rule = other.rules.iter_mut().find(|r| !r.effects.contains(&Effect::Deliver));
        prop_assume!(rule.is_some());
        rule.expect("assumed").effects.push(Effect::Deliver);
        prop_assert_ne!(key(&ir), key(&other));
    }
}
