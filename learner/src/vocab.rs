//! The learner's vocabulary: a protocol under construction ([`Draft`]), its
//! rules' guards ([`RuleGuard`]) and effects ([`Eff`]), and the agent's moves
//! ([`Move`]). Nothing here knows about configurations, pruning or rewards.

use dsl_core::ir::Dest;
use serde::{Deserialize, Serialize};

/// A message type of a draft: `T0`, `T1`, ...
pub type TypeId = u8;

/// An effect of a draft (ordered, so that a handler's effects have one
/// canonical order).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Eff {
    /// `send T(m) to dest;`
    Send {
        /// The message type.
        msg: TypeId,
        /// Where it goes.
        to: Dest,
    },
    /// `deliver(m);`
    Deliver,
}

impl Eff {
    /// The type this effect sends, if it sends.
    pub fn sends(self) -> Option<TypeId> {
        match self {
            Eff::Send { msg, .. } => Some(msg),
            Eff::Deliver => None,
        }
    }

    /// The IR effect.
    pub fn to_ir(self) -> dsl_core::ir::Effect {
        match self {
            Eff::Send { msg, to } => dsl_core::ir::Effect::Send {
                msg: msg as usize,
                to,
            },
            Eff::Deliver => dsl_core::ir::Effect::Deliver,
        }
    }
}

/// The guards of a draft rule: `received T(m) <quorum>`, optionally
/// `and not sent U`. Ordered by trigger type first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RuleGuard {
    /// The type received.
    pub trigger: TypeId,
    /// Index of the quorum in the environment's quorum list.
    pub quorum: u8,
    /// `and not sent U`.
    pub not_sent: Option<TypeId>,
}

/// A rule of a draft.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct DraftRule {
    /// Its guards.
    pub guard: RuleGuard,
    /// Its effects, in the order they were added.
    pub effects: Vec<Eff>,
}

/// The protocol built so far: the state of the environment.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Draft {
    /// Effects of `on broadcast`.
    pub broadcast: Vec<Eff>,
    /// The rules, in the order they were added.
    pub rules: Vec<DraftRule>,
}

/// One move of the agent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Move {
    /// Add an effect to `on broadcast`.
    Broadcast(Eff),
    /// Add a rule with these guards and this effect, or add the effect to the
    /// rule that has these guards.
    Rule {
        /// The guards.
        guard: RuleGuard,
        /// The effect.
        effect: Eff,
    },
    /// End the protocol and ask the oracle.
    End,
}

impl Move {
    /// The effect this move adds, if any.
    pub fn effect(self) -> Option<Eff> {
        match self {
            Move::Broadcast(e) | Move::Rule { effect: e, .. } => Some(e),
            Move::End => None,
        }
    }
}

impl Draft {
    /// The same draft with rules and effects sorted: the key of the Q-table,
    /// under which two move orders that build the same protocol meet.
    pub fn normalized(&self) -> Draft {
        let mut d = self.clone();
        d.broadcast.sort();
        for r in &mut d.rules {
            r.effects.sort();
        }
        d.rules.sort();
        d
    }

    /// Every effect, the broadcast handler's first.
    pub fn effects(&self) -> impl Iterator<Item = Eff> + '_ {
        self.broadcast
            .iter()
            .copied()
            .chain(self.rules.iter().flat_map(|r| r.effects.iter().copied()))
    }

    /// Number of moves taken so far (one per effect).
    pub fn moves(&self) -> usize {
        self.effects().count()
    }

    /// Whether some handler sends `t`.
    pub fn sends(&self, t: TypeId) -> bool {
        self.effects().any(|e| e.sends() == Some(t))
    }

    /// Whether some handler delivers.
    pub fn delivers(&self) -> bool {
        self.effects().any(|e| e == Eff::Deliver)
    }

    /// Number of message types used (the highest used id plus one).
    pub fn types(&self) -> usize {
        let sent = self.effects().filter_map(Eff::sends);
        let read = self
            .rules
            .iter()
            .flat_map(|r| std::iter::once(r.guard.trigger).chain(r.guard.not_sent));
        sent.chain(read).map(|t| t as usize + 1).max().unwrap_or(0)
    }

    /// The rule with these guards, if any.
    pub fn rule(&self, guard: &RuleGuard) -> Option<&DraftRule> {
        self.rules.iter().find(|r| r.guard == *guard)
    }

    /// The draft after `mv` ([`Move::End`] changes nothing).
    pub fn apply(&self, mv: &Move) -> Draft {
        let mut d = self.clone();
        match *mv {
            Move::Broadcast(e) => d.broadcast.push(e),
            Move::Rule { guard, effect } => match d.rules.iter_mut().find(|r| r.guard == guard) {
                Some(r) => r.effects.push(effect),
                None => d.rules.push(DraftRule {
                    guard,
                    effects: vec![effect],
                }),
            },
            Move::End => {}
        }
        d
    }
}
