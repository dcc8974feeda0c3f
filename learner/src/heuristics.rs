//! Heuristics: named rules that prune moves that make no sense, each one
//! switchable in the configuration (`[heuristics]`, e.g.
//! `forgeable-quorum = false`; the names are [`Heuristic`]) and counted in
//! the report.
//!
//! A heuristic never changes what a protocol means; it only keeps the agent
//! from building protocols that are certainly wrong or that another move
//! order already builds. Counts are of pruned moves over the distinct states
//! the agent expanded, so they do not depend on how often a state is visited.
//! [`Pruner::offered`] is the one place where the environment's structurally
//! valid moves ([`Env::moves`]) are filtered.

use crate::env::Env;
use crate::thresholds::quorum_value;
use crate::vocab::{Draft, Eff, Move};
use dsl_core::ir::{Dest, FaultModel, Quorum};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub mod switches;

pub use switches::{Heuristic, Heuristics};

/// How many moves each heuristic pruned.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Pruned(pub BTreeMap<Heuristic, u64>);

impl Pruned {
    /// Counts one move pruned by `h`.
    pub fn count(&mut self, h: Heuristic) {
        *self.0.entry(h).or_insert(0) += 1;
    }

    /// The count of `h`.
    pub fn get(&self, h: Heuristic) -> u64 {
        self.0.get(&h).copied().unwrap_or(0)
    }
}

/// The heuristics switched on, compiled for one environment.
#[derive(Clone, Debug)]
pub struct Pruner {
    /// Which heuristics are on.
    pub switches: Heuristics,
    /// Per quorum, the heuristic that rules it out everywhere, if any.
    quorum_pruned: Vec<Option<Heuristic>>,
}

impl Pruner {
    /// The pruner of `env` with these switches.
    pub fn new(env: &Env, switches: &Heuristics) -> Pruner {
        Pruner {
            quorum_pruned: quorum_pruning(&env.quorums, &env.sizes, env.faults, switches),
            switches: switches.clone(),
        }
    }

    /// The moves offered in `draft`: the environment's structurally valid
    /// ones that no heuristic prunes, in the environment's order; what each
    /// heuristic pruned is added to `pruned`.
    pub fn offered(&self, env: &Env, draft: &Draft, pruned: &mut Pruned) -> Vec<Move> {
        let mut out = Vec::new();
        for mv in env.moves(draft) {
            match self.first_violated(env, draft, &mv) {
                Some(h) => pruned.count(h),
                None => out.push(mv),
            }
        }
        out
    }

    /// The first heuristic (in [`Heuristic::ALL`] order) that prunes `mv` in
    /// `draft`, among those switched on.
    pub fn first_violated(&self, env: &Env, draft: &Draft, mv: &Move) -> Option<Heuristic> {
        Heuristic::ALL
            .into_iter()
            .filter(|&h| self.switches.on(h))
            .find(|&h| self.prunes(h, env, draft, mv))
    }

    /// Whether heuristic `h` prunes `mv` in `draft`.
    fn prunes(&self, h: Heuristic, env: &Env, draft: &Draft, mv: &Move) -> bool {
        let new_rule = |guard| draft.rule(guard).is_none();
        match (h, *mv) {
            (Heuristic::CanonicalOrder, _) => out_of_order(draft, mv),
            (Heuristic::TypesInOrder, _) => {
                let introduces = |t: u8| !draft.sends(t) && (0..t).any(|lower| !draft.sends(lower));
                mv.effect().and_then(Eff::sends).is_some_and(introduces)
            }
            (Heuristic::UnsentTrigger, Move::Rule { guard, .. }) => !draft.sends(guard.trigger),
            (Heuristic::DuplicateSend, _) => duplicate_send(draft, mv),
            (Heuristic::DeliverTwice, _) => mv.effect() == Some(Eff::Deliver) && draft.delivers(),
            (
                Heuristic::EquivalentThreshold | Heuristic::ForgeableQuorum,
                Move::Rule { guard, .. },
            ) => new_rule(&guard) && self.quorum_pruned[guard.quorum as usize] == Some(h),
            (Heuristic::FromBroadcasterInitial, Move::Rule { guard, .. }) => {
                new_rule(&guard)
                    && env.quorums[guard.quorum as usize] == Quorum::FromBroadcaster
                    && !draft.broadcast.iter().any(|e| e.sends() == Some(guard.trigger))
            }
            (Heuristic::SelfSend, _) => {
                env.faults == FaultModel::Byzantine
                    && matches!(mv.effect(), Some(Eff::Send { to: Dest::Myself, .. }))
            }
            (Heuristic::LoneSenderQuorum, Move::Rule { guard, .. }) => {
                env.faults == FaultModel::Byzantine
                    && new_rule(&guard)
                    && env.quorums[guard.quorum as usize] != Quorum::FromBroadcaster
                    && !draft.rules.iter().flat_map(|r| r.effects.iter()).any(|e| {
                        matches!(e, Eff::Send { msg, to } if *msg == guard.trigger && to.includes_others())
                    })
            }
            (Heuristic::UnreadType, Move::End) => (0..draft.types() as u8).any(|t| {
                draft.sends(t)
                    && !draft
                        .rules
                        .iter()
                        .any(|r| r.guard.trigger == t || r.guard.not_sent == Some(t))
            }),
            _ => false,
        }
    }
}

/// [`Heuristic::CanonicalOrder`]: effects are added to `on broadcast` first,
/// then rules in increasing order of their guards, each handler's effects in
/// increasing order.
fn out_of_order(draft: &Draft, mv: &Move) -> bool {
    match *mv {
        Move::Broadcast(e) => {
            !draft.rules.is_empty() || draft.broadcast.last().is_some_and(|&l| e <= l)
        }
        Move::Rule { guard, effect } => match draft.rules.last() {
            None => false,
            Some(last) if last.guard == guard => last.effects.last().is_some_and(|&l| effect <= l),
            Some(last) => guard < last.guard,
        },
        Move::Upon(_) | Move::Arm(_) | Move::Otherwise | Move::End => false,
    }
}

/// [`Heuristic::DuplicateSend`]: a handler sends each type once.
fn duplicate_send(draft: &Draft, mv: &Move) -> bool {
    let dup = |effects: &[Eff], t| effects.iter().any(|e| e.sends() == Some(t));
    match *mv {
        Move::Broadcast(e) => e.sends().is_some_and(|t| dup(&draft.broadcast, t)),
        Move::Rule { guard, effect } => match (draft.rule(&guard), effect.sends()) {
            (Some(rule), Some(t)) => dup(&rule.effects, t),
            _ => false,
        },
        Move::Upon(_) | Move::Arm(_) | Move::Otherwise | Move::End => false,
    }
}

/// Per quorum, the heuristic that rules it out in every state:
/// [`Heuristic::EquivalentThreshold`] or [`Heuristic::ForgeableQuorum`].
pub fn quorum_pruning(
    quorums: &[Quorum],
    sizes: &[(usize, usize)],
    faults: FaultModel,
    heuristics: &Heuristics,
) -> Vec<Option<Heuristic>> {
    // Equal values and the same senders counted (all, or all but the
    // broadcaster) make two quorums equivalent.
    let values = |q: &Quorum| -> (bool, Vec<Option<i64>>) {
        (
            q.excludes_broadcaster(),
            sizes.iter().map(|&(n, f)| quorum_value(q, n, f)).collect(),
        )
    };
    let at_least = |q: &Quorum| q.threshold().is_some();
    quorums
        .iter()
        .enumerate()
        .map(|(i, q)| {
            if heuristics.on(Heuristic::EquivalentThreshold)
                && at_least(q)
                && quorums[..i]
                    .iter()
                    .any(|p| at_least(p) && values(p) == values(q))
            {
                return Some(Heuristic::EquivalentThreshold);
            }
            if heuristics.on(Heuristic::ForgeableQuorum)
                && faults == FaultModel::Byzantine
                && at_least(q)
                && sizes
                    .iter()
                    .zip(values(q).1)
                    .any(|(&(_, f), k)| k.is_some_and(|k| k <= f as i64))
            {
                return Some(Heuristic::ForgeableQuorum);
            }
            None
        })
        .collect()
}

#[cfg(test)]
mod names {
    use super::Heuristic;

    /// `CanonicalOrder` -> `canonical-order`.
    fn kebab(variant: &str) -> String {
        let mut out = String::new();
        for (i, c) in variant.chars().enumerate() {
            if c.is_uppercase() && i > 0 {
                out.push('-');
            }
            out.extend(c.to_lowercase());
        }
        out
    }

    #[test]
    fn every_name_is_the_one_serde_reads_and_writes() {
        let mut seen = std::collections::BTreeSet::new();
        for h in Heuristic::ALL {
            let name = h.name();
            assert_eq!(name, kebab(&format!("{h:?}")), "{h:?}");
            assert_eq!(serde_json::to_value(h).unwrap(), serde_json::json!(name));
            let back: Heuristic = serde_json::from_value(serde_json::json!(name)).unwrap();
            assert_eq!(back, h, "{name}");
            assert!(seen.insert(name), "{name} twice");
        }
        assert_eq!(seen.len(), 11);
    }
}
