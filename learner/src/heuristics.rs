//! Heuristics: named rules that prune actions that make no sense, each one
//! switchable in the configuration (`[heuristics]`, e.g.
//! `forgeable-quorum = false`) and counted in the report.
//!
//! A heuristic never changes what a protocol means; it only keeps the agent
//! from building protocols that are certainly wrong or that another action
//! order already builds. Counts are of pruned actions over the distinct states
//! the agent expanded, so they do not depend on how often a state is visited.

use crate::env::{Action, Draft, Env};
use dsl_core::ir::{Dest, FaultModel, Quorum};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A pruning rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Heuristic {
    /// Effects are added to `on broadcast` first, then rules in increasing
    /// order of their guards, and each handler's effects in increasing order:
    /// every protocol is built by one action sequence only.
    CanonicalOrder,
    /// A message type is used only once all lower ones are sent somewhere
    /// (type names do not matter, so `T1` before `T0` is a renaming).
    TypesInOrder,
    /// No rule on a type that no handler sends (yet).
    UnsentTrigger,
    /// A handler sends each type once (a second send of the same type is a
    /// no-op: a process sends each message at most once).
    DuplicateSend,
    /// Only one handler delivers (a process delivers at most once).
    DeliverTwice,
    /// No threshold that equals an earlier one in every configuration checked.
    EquivalentThreshold,
    /// Under Byzantine faults, no threshold that F processes can meet alone in
    /// some configuration checked (the Byzantine ones could trigger the rule).
    ForgeableQuorum,
    /// `from broadcaster` only on a type that `on broadcast` sends.
    FromBroadcasterInitial,
    /// No `end` while a type is sent that no rule reads.
    UnreadType,
    /// Under Byzantine faults, no send to self: only the sender counts such
    /// a message, and every quorum the Byzantine processes cannot fake needs
    /// F+1 senders (a rule that must fire once has `not sent U` for that).
    SelfSend,
    /// Under Byzantine faults, no counting quorum on a type that no rule sends
    /// over the network: then only the broadcaster sends it, and F+1 senders
    /// need the Byzantine ones.
    LoneSenderQuorum,
}

impl Heuristic {
    /// Every heuristic, in the order they are tried.
    pub const ALL: [Heuristic; 11] = [
        Heuristic::CanonicalOrder,
        Heuristic::TypesInOrder,
        Heuristic::UnsentTrigger,
        Heuristic::DuplicateSend,
        Heuristic::DeliverTwice,
        Heuristic::EquivalentThreshold,
        Heuristic::ForgeableQuorum,
        Heuristic::FromBroadcasterInitial,
        Heuristic::UnreadType,
        Heuristic::SelfSend,
        Heuristic::LoneSenderQuorum,
    ];

    /// The name used in configuration files and reports.
    pub fn name(self) -> &'static str {
        match self {
            Heuristic::CanonicalOrder => "canonical-order",
            Heuristic::TypesInOrder => "types-in-order",
            Heuristic::UnsentTrigger => "unsent-trigger",
            Heuristic::DuplicateSend => "duplicate-send",
            Heuristic::DeliverTwice => "deliver-twice",
            Heuristic::EquivalentThreshold => "equivalent-threshold",
            Heuristic::ForgeableQuorum => "forgeable-quorum",
            Heuristic::FromBroadcasterInitial => "from-broadcaster-initial",
            Heuristic::UnreadType => "unread-type",
            Heuristic::SelfSend => "self-send",
            Heuristic::LoneSenderQuorum => "lone-sender-quorum",
        }
    }
}

/// Which heuristics are on (all by default).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Heuristics(pub BTreeMap<Heuristic, bool>);

impl Default for Heuristics {
    fn default() -> Self {
        Heuristics(Heuristic::ALL.iter().map(|&h| (h, true)).collect())
    }
}

impl Heuristics {
    /// Whether `h` is on (a heuristic missing from the map is on).
    pub fn on(&self, h: Heuristic) -> bool {
        self.0.get(&h).copied().unwrap_or(true)
    }
}

/// How many actions each heuristic pruned.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Pruned(pub BTreeMap<Heuristic, u64>);

impl Pruned {
    /// Counts one action pruned by `h`.
    pub fn count(&mut self, h: Heuristic) {
        *self.0.entry(h).or_insert(0) += 1;
    }

    /// The count of `h`.
    pub fn get(&self, h: Heuristic) -> u64 {
        self.0.get(&h).copied().unwrap_or(0)
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
    let values = |q: &Quorum| -> Vec<Option<i64>> {
        sizes
            .iter()
            .map(|&(n, f)| crate::env::quorum_value(q, n, f))
            .collect()
    };
    let at_least = |q: &Quorum| matches!(q, Quorum::AtLeast(_));
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
                    .zip(values(q))
                    .any(|(&(_, f), k)| k.is_some_and(|k| k <= f as i64))
            {
                return Some(Heuristic::ForgeableQuorum);
            }
            None
        })
        .collect()
}

/// The first heuristic (in [`Heuristic::ALL`] order) that prunes `action` in
/// `draft`, among those switched on.
pub fn first_violated(env: &Env, draft: &Draft, action: &Action) -> Option<Heuristic> {
    Heuristic::ALL
        .into_iter()
        .filter(|&h| env.heuristics.on(h))
        .find(|&h| prunes(h, env, draft, action))
}

/// Whether heuristic `h` prunes `action` in `draft`.
fn prunes(h: Heuristic, env: &Env, draft: &Draft, action: &Action) -> bool {
    match h {
        Heuristic::CanonicalOrder => match *action {
            Action::Broadcast(e) => {
                !draft.rules.is_empty() || draft.broadcast.last().is_some_and(|&l| e <= l)
            }
            Action::Rule { guard, effect } => match draft.rules.last() {
                None => false,
                Some(last) if last.guard == guard => last.effects.last().is_some_and(|&l| effect <= l),
                Some(last) => guard < last.guard,
            },
            Action::End => false,
        },
        Heuristic::TypesInOrder => {
            let sent = |t| draft.sends(t);
            let introduces = |t: u8| !sent(t) && (0..t).any(|lower| !sent(lower));
            match *action {
                Action::Broadcast(e) => e.sends().is_some_and(introduces),
                Action::Rule { effect, .. } => effect.sends().is_some_and(introduces),
                Action::End => false,
            }
        }
        Heuristic::UnsentTrigger => match *action {
            Action::Rule { guard, .. } => !draft.sends(guard.trigger),
            _ => false,
        },
        Heuristic::DuplicateSend => {
            let dup = |effects: &[crate::env::Eff], t| effects.iter().any(|e| e.sends() == Some(t));
            match *action {
                Action::Broadcast(e) => e.sends().is_some_and(|t| dup(&draft.broadcast, t)),
                Action::Rule { guard, effect } => match (draft.rule(&guard), effect.sends()) {
                    (Some(rule), Some(t)) => dup(&rule.effects, t),
                    _ => false,
                },
                Action::End => false,
            }
        }
        Heuristic::DeliverTwice => match *action {
            Action::Broadcast(e) | Action::Rule { effect: e, .. } => {
                e == crate::env::Eff::Deliver && draft.delivers()
            }
            Action::End => false,
        },
        Heuristic::EquivalentThreshold | Heuristic::ForgeableQuorum => match *action {
            Action::Rule { guard, .. } => {
                draft.rule(&guard).is_none() && env.quorum_pruned(guard.quorum) == Some(h)
            }
            _ => false,
        },
        Heuristic::FromBroadcasterInitial => match *action {
            Action::Rule { guard, .. } => {
                draft.rule(&guard).is_none()
                    && env.quorums[guard.quorum as usize] == Quorum::FromBroadcaster
                    && !draft.broadcast.iter().any(|e| e.sends() == Some(guard.trigger))
            }
            _ => false,
        },
        Heuristic::SelfSend => {
            env.faults == FaultModel::Byzantine
                && match *action {
                    Action::Broadcast(e) | Action::Rule { effect: e, .. } => {
                        matches!(e, crate::env::Eff::Send { to: Dest::Myself, .. })
                    }
                    Action::End => false,
                }
        }
        Heuristic::LoneSenderQuorum => match *action {
            Action::Rule { guard, .. } => {
                env.faults == FaultModel::Byzantine
                    && draft.rule(&guard).is_none()
                    && env.quorums[guard.quorum as usize] != Quorum::FromBroadcaster
                    && !draft.rules.iter().flat_map(|r| r.effects.iter()).any(|e| {
                        matches!(e, crate::env::Eff::Send { msg, to } if *msg == guard.trigger && to.includes_others())
                    })
            }
            _ => false,
        },
        Heuristic::UnreadType => match *action {
            Action::End => (0..draft.types() as u8).any(|t| {
                draft.sends(t)
                    && !draft
                        .rules
                        .iter()
                        .any(|r| r.guard.trigger == t || r.guard.not_sent == Some(t))
            }),
            _ => false,
        },
    }
}
