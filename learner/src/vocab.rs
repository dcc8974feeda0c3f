//! The learner's vocabulary: a protocol under construction ([`Draft`]), its
//! rules' guards ([`RuleGuard`]) and effects ([`Eff`]), a consensus draft's
//! `upon` arms ([`DraftArm`], [`ArmEff`]), and the agent's moves ([`Move`]).
//! Nothing here knows about configurations, pruning or rewards.

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

/// The effect of an arm of a consensus draft's `upon` block, for the value
/// the arm counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ArmEff {
    /// `decide(v);`
    Decide,
    /// `handover(v);`
    Handover,
    /// `handover(proposal);`
    HandoverProposal,
}

impl ArmEff {
    /// The IR effect.
    pub fn to_ir(self) -> dsl_core::ir::Effect {
        use dsl_core::ir::{Effect, Estimate};
        match self {
            ArmEff::Decide => Effect::Decide,
            ArmEff::Handover => Effect::Handover(Estimate::Value),
            ArmEff::HandoverProposal => Effect::Handover(Estimate::Proposal),
        }
    }
}

/// An arm of a consensus draft: `when Vote(v) <threshold> { effect }`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct DraftArm {
    /// Index of the threshold in the environment's arm thresholds.
    pub threshold: u8,
    /// What it does.
    pub effect: ArmEff,
}

/// The protocol built so far: the state of the environment. A broadcast
/// draft has a broadcast handler and rules; a consensus draft has the fixed
/// `on propose(v) { send Vote(v) to all; }` (not a move) and an `upon`
/// block built from [`Draft::upon`], [`Draft::arms`] and
/// [`Draft::otherwise`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Draft {
    /// Effects of `on broadcast`.
    pub broadcast: Vec<Eff>,
    /// The rules, in the order they were added.
    pub rules: Vec<DraftRule>,
    /// Consensus: the `upon received Vote >= k` threshold (an index in the
    /// environment's upon thresholds), once chosen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upon: Option<u8>,
    /// Consensus: the arms, in the order they are tried (their order is
    /// their meaning: never sorted).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub arms: Vec<DraftArm>,
    /// Consensus: `otherwise { handover(proposal); }`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub otherwise: bool,
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
    /// Consensus: choose the `upon` threshold (an index in the
    /// environment's upon thresholds).
    Upon(u8),
    /// Consensus: add an arm after the others.
    Arm(DraftArm),
    /// Consensus: add `otherwise { handover(proposal); }` (after the arms).
    Otherwise,
    /// End the protocol and ask the oracle.
    End,
}

impl Move {
    /// The effect this move adds, if any.
    pub fn effect(self) -> Option<Eff> {
        match self {
            Move::Broadcast(e) | Move::Rule { effect: e, .. } => Some(e),
            Move::Upon(_) | Move::Arm(_) | Move::Otherwise | Move::End => None,
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

    /// Number of moves taken so far (one per effect; consensus: one per
    /// arm and for `otherwise`).
    pub fn moves(&self) -> usize {
        self.effects().count() + self.arms.len() + usize::from(self.otherwise)
    }

    /// Whether some handler sends `t`.
    pub fn sends(&self, t: TypeId) -> bool {
        self.effects().any(|e| e.sends() == Some(t))
    }

    /// Whether some handler delivers.
    pub fn delivers(&self) -> bool {
        self.effects().any(|e| e == Eff::Deliver)
    }

    /// Consensus: whether some arm decides.
    pub fn decides(&self) -> bool {
        self.arms.iter().any(|a| a.effect == ArmEff::Decide)
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
            Move::Upon(k) => d.upon = Some(k),
            Move::Arm(arm) => d.arms.push(arm),
            Move::Otherwise => d.otherwise = true,
            Move::End => {}
        }
        d
    }
}
