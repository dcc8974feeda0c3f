//! The one semantics: how a correct process reacts to a broadcast or a receipt.
//!
//! The compact checker, the reference actor model, the metrics and the UDP
//! actors all step processes with [`Machine::broadcast`] and
//! [`Machine::receive`]; they differ only in how they store a process's local
//! state (anything implementing [`Local`]) and what they do with the
//! [`Output`]s (put messages in flight, send datagrams, record deliveries).
//!
//! The rules (docs/DESIGN.md section 2.2):
//! - a process records, per (type, value), the *set* of distinct senders;
//! - `received T(v) >= k excluding broadcaster` counts the senders other
//!   than process 0;
//! - `send T(v) to all|self` makes the sender count itself as a sender of
//!   T(v) at once; `to all|others` puts one message to every other process on
//!   the network;
//! - a correct process sends each (type, value) at most once and delivers at
//!   most once, whatever the value;
//! - after the broadcast and after each receipt, the process applies its rules
//!   until nothing changes: a rule whose guards hold for a value carries out
//!   all its effects for that value.
//!
//! Only the value of the event can enable a rule: every other change a rule
//! makes (`sent`, `delivered`) can only disable guards. So settling after an
//! event on value `v` only looks at `v`, and the step function never needs to
//! know the value domain.
//!
//! Consensus (docs/DESIGN.md section 4) adds, through [`Machine::propose`]
//! and the same [`Machine::receive`]:
//! - `on propose(v)` runs with the process's binary input, which the state
//!   keeps ([`Local::input`]);
//! - an `upon received T >= k` block counts, per sender, only its *first* T
//!   message ([`Local::first_senders`]); it runs once ([`Local::fired`]), at
//!   the step that makes the count reach `least`, on the snapshot (a0, a1)
//!   of first votes per value; its arms are tried in order and the first one
//!   that holds for some value runs with that value; where it holds for both
//!   values the caller's [`Pick`] chooses (the checker explores both, the
//!   actors take the value with more votes); `otherwise` runs with the input;
//! - `decide` and `handover` are final ([`Local::outcome`]): after the
//!   effects of that rule or arm, the process takes no further step.
//!
//! The consensus methods of [`Local`] have defaults that hold nothing, so a
//! broadcast-only state implements just the broadcast part; a broadcast
//! [`Machine`] has no `upon` block and never calls them.

use crate::ir::{Dest, Effect, Estimate, Guard, MsgId, ProtocolIr, Quorum, Threshold};

mod state;
#[cfg(test)]
mod tests;
mod upon;

pub use state::ProcessState;
pub use upon::{CompiledArm, CompiledCount, CompiledUpon, Conclusion, Evaluation, Pick};

/// A process id: 0..N; process 0 is the broadcaster.
pub type ProcId = usize;
/// A value, as an index into a small domain (the checker uses 0 for the
/// broadcaster's value and 1 for the other one).
pub type Value = u8;
/// A set of processes as a bitset: bit `p` is process `p`. N <= 64.
pub type ProcSet = u64;

/// The largest N a [`ProcSet`] can hold.
pub const MAX_PROCESSES: usize = 64;

/// What the rules read and write of a process's local state.
pub trait Local {
    /// The distinct processes this one has received T(v) from (itself included
    /// when it sent T(v) to all or to self).
    fn senders(&self, msg: MsgId, v: Value) -> ProcSet;
    /// Records that `from` sent T(v).
    fn add_sender(&mut self, msg: MsgId, v: Value, from: ProcId);
    /// Whether this process sent T(v).
    fn has_sent(&self, msg: MsgId, v: Value) -> bool;
    /// Whether this process sent T(w) for any value w.
    fn has_sent_any(&self, msg: MsgId) -> bool;
    /// Records that this process sent T(v).
    fn mark_sent(&mut self, msg: MsgId, v: Value);
    /// The value delivered, if any.
    fn delivered(&self) -> Option<Value>;
    /// Records the delivery of `v`.
    fn set_delivered(&mut self, v: Value);

    /// Consensus: the distinct processes whose first T message to this one
    /// carried `v` (itself included once it sent T(v) to all or to self).
    fn first_senders(&self, _msg: MsgId, _v: Value) -> ProcSet {
        0
    }
    /// Consensus: records that `from`'s first T message carried `v`.
    fn add_first_sender(&mut self, _msg: MsgId, _v: Value, _from: ProcId) {}
    /// Consensus: whether `upon` block `block` has run.
    fn fired(&self, _block: usize) -> bool {
        false
    }
    /// Consensus: records that `upon` block `block` has run.
    fn set_fired(&mut self, _block: usize) {}
    /// Consensus: the process's input, once it proposed.
    fn input(&self) -> Option<Value> {
        None
    }
    /// Consensus: records the input.
    fn set_input(&mut self, _v: Value) {}
    /// Consensus: the decision or handover, once made (final).
    fn outcome(&self) -> Option<Conclusion> {
        None
    }
    /// Consensus: records the decision or handover.
    fn set_outcome(&mut self, _o: Conclusion) {}
}

/// What a step asks the outside world to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Output {
    /// Send T(v) to `to`. The self-copy, if any, is already recorded; the
    /// caller sends one network message to each other process when
    /// `to.includes_others()`.
    Send {
        /// The message type.
        msg: MsgId,
        /// The value.
        value: Value,
        /// The destination.
        to: Dest,
    },
    /// The process delivered `v`.
    Deliver(Value),
    /// Consensus: an `upon` block ran (before the outputs of its effects).
    Evaluate(Evaluation),
    /// Consensus: the process decided `v` (final).
    Decide(Value),
    /// Consensus: the process handed estimate `x` over (final).
    Handover(Value),
}

/// A guard with its threshold evaluated at (N, F).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CompiledGuard {
    /// `received T(m) from broadcaster`.
    FromBroadcaster(MsgId),
    /// `received T(m) >= k`, with k >= 1.
    AtLeast(MsgId, u32),
    /// `received T(m) >= k excluding broadcaster`, with k >= 1: k distinct
    /// senders other than process 0.
    AtLeastExcluding(MsgId, u32),
    /// `not sent T`.
    NotSent(MsgId),
}

impl CompiledGuard {
    /// For a counting guard, its type and the number of distinct senders,
    /// the broadcaster included, that certainly meet it: `k` for `>= k`,
    /// `k + 1` for `>= k excluding broadcaster` (whatever the broadcaster
    /// did). Past it, counting more senders of that type changes nothing
    /// for this guard.
    pub fn saturation(&self) -> Option<(MsgId, u32)> {
        match *self {
            CompiledGuard::AtLeast(t, k) => Some((t, k)),
            CompiledGuard::AtLeastExcluding(t, k) => Some((t, k.saturating_add(1))),
            CompiledGuard::FromBroadcaster(_) | CompiledGuard::NotSent(_) => None,
        }
    }

    /// Whether the guard holds for a process whose senders of the guard's
    /// type (and the value at hand) are `senders`, given whether it sent
    /// some message of each type (`sent_any`).
    pub fn holds(
        &self,
        senders: impl Fn(MsgId) -> ProcSet,
        sent_any: impl Fn(MsgId) -> bool,
    ) -> bool {
        match *self {
            CompiledGuard::FromBroadcaster(t) => senders(t) & 1 != 0,
            CompiledGuard::AtLeast(t, k) => senders(t).count_ones() >= k,
            CompiledGuard::AtLeastExcluding(t, k) => (senders(t) & !1).count_ones() >= k,
            CompiledGuard::NotSent(t) => !sent_any(t),
        }
    }
}

/// A rule with its thresholds evaluated.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CompiledRule {
    /// The conjuncts.
    pub guards: Vec<CompiledGuard>,
    /// The effects, in order.
    pub effects: Vec<Effect>,
}

/// Why a protocol cannot be instantiated at (N, F).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InstanceError {
    /// `requires` (or F < N, or F = 0 under `faults: none`) is false.
    #[error("{name} does not allow N = {n}, F = {f} (requires: {requires})")]
    NotAllowed {
        /// Protocol name.
        name: String,
        /// N.
        n: usize,
        /// F.
        f: usize,
        /// The printed `requires`.
        requires: String,
    },
    /// N is larger than a [`ProcSet`] holds.
    #[error("N = {0} is too large; at most {MAX_PROCESSES} processes are supported")]
    TooLarge(usize),
    /// A threshold is undefined at (N, F).
    #[error("a threshold of {name} is undefined at N = {n}, F = {f}")]
    Undefined {
        /// Protocol name.
        name: String,
        /// N.
        n: usize,
        /// F.
        f: usize,
    },
}

/// A protocol instantiated at (N, F): the step function.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Machine {
    /// Number of processes.
    pub n: usize,
    /// Fault bound.
    pub f: usize,
    /// Number of message types.
    pub messages: usize,
    /// Effects of `on broadcast`.
    pub broadcast: Vec<Effect>,
    /// The `when` rules, in order.
    pub rules: Vec<CompiledRule>,
    /// Consensus: effects of `on propose` (empty for broadcast).
    pub propose: Vec<Effect>,
    /// Consensus: the `upon` blocks, in order (empty for broadcast).
    pub upon: Vec<CompiledUpon>,
}

impl Machine {
    /// The most senders of type `t` that a rule's guard needs (its
    /// [`CompiledGuard::saturation`]): past it, counting more changes no
    /// guard. 0 if no rule counts `t`.
    pub fn saturation(&self, t: MsgId) -> usize {
        self.rules
            .iter()
            .flat_map(|r| &r.guards)
            .filter_map(|g| match g.saturation() {
                Some((u, k)) if u == t => Some(k as usize),
                _ => None,
            })
            .max()
            .unwrap_or(0)
    }

    /// Instantiates `ir` at (N, F), checking that `requires` allows it.
    pub fn new(ir: &ProtocolIr, n: usize, f: usize) -> Result<Machine, InstanceError> {
        if n > MAX_PROCESSES {
            return Err(InstanceError::TooLarge(n));
        }
        if !ir.allows(n, f) {
            let requires: Vec<String> = ir.requires.iter().map(crate::print::cond).collect();
            return Err(InstanceError::NotAllowed {
                name: ir.name.clone(),
                n,
                f,
                requires: if requires.is_empty() {
                    "F < N".into()
                } else {
                    requires.join(" and ")
                },
            });
        }
        Self::new_unchecked(ir, n, f)
    }

    /// Instantiates `ir` at (N, F) without looking at `requires` (to check a
    /// protocol outside the range it claims).
    pub fn new_unchecked(ir: &ProtocolIr, n: usize, f: usize) -> Result<Machine, InstanceError> {
        if n > MAX_PROCESSES {
            return Err(InstanceError::TooLarge(n));
        }
        let undefined = || InstanceError::Undefined {
            name: ir.name.clone(),
            n,
            f,
        };
        // A threshold at this (N, F); a value below 1 counts as 1.
        let count = |k: &crate::ir::Expr| {
            let k = k.eval(n as i64, f as i64).ok_or_else(undefined)?;
            Ok::<u32, InstanceError>(k.clamp(1, u32::MAX as i64) as u32)
        };
        let mut rules = Vec::with_capacity(ir.rules.len());
        for rule in &ir.rules {
            let mut guards = Vec::with_capacity(rule.guards.len());
            for g in &rule.guards {
                guards.push(match g {
                    Guard::Received {
                        msg,
                        quorum: Quorum::FromBroadcaster,
                    } => CompiledGuard::FromBroadcaster(*msg),
                    Guard::Received {
                        msg,
                        quorum: Quorum::AtLeast(k),
                    } => CompiledGuard::AtLeast(*msg, count(k)?),
                    Guard::Received {
                        msg,
                        quorum: Quorum::AtLeastExcluding(k),
                    } => CompiledGuard::AtLeastExcluding(*msg, count(k)?),
                    Guard::NotSent { msg } => CompiledGuard::NotSent(*msg),
                });
            }
            rules.push(CompiledRule {
                guards,
                effects: rule.effects.clone(),
            });
        }
        let least = |t: &Threshold| t.least(n as i64, f as i64).ok_or_else(undefined);
        let mut upon = Vec::with_capacity(ir.consensus.upon.len());
        for u in &ir.consensus.upon {
            let mut arms = Vec::with_capacity(u.arms.len());
            for a in &u.arms {
                let mut counts = Vec::with_capacity(a.counts.len());
                for c in &a.counts {
                    counts.push(CompiledCount {
                        msg: c.msg,
                        least: least(&c.threshold)?,
                    });
                }
                arms.push(CompiledArm {
                    counts,
                    effects: a.effects.clone(),
                });
            }
            upon.push(CompiledUpon {
                msg: u.msg,
                least: least(&u.threshold)?.clamp(1, u32::MAX as i64) as u32,
                arms,
                otherwise: u.otherwise.clone(),
            });
        }
        Ok(Machine {
            propose: ir
                .consensus
                .propose
                .as_ref()
                .map(|b| b.effects.clone())
                .unwrap_or_default(),
            upon,
            n,
            f,
            messages: ir.messages.len(),
            broadcast: ir
                .broadcast
                .as_ref()
                .map(|b| b.effects.clone())
                .unwrap_or_default(),
            rules,
        })
    }

    /// Process `me` broadcasts `v`: runs `on broadcast`, then settles.
    pub fn broadcast<L: Local>(&self, me: ProcId, local: &mut L, v: Value, out: &mut Vec<Output>) {
        for e in &self.broadcast {
            self.perform(me, local, v, v, e, out);
        }
        self.settle(me, local, v, out);
    }

    /// Whether all guards of `rule` hold for `v`.
    pub fn enabled<L: Local>(&self, local: &L, rule: &CompiledRule, v: Value) -> bool {
        rule.guards
            .iter()
            .all(|g| g.holds(|t| local.senders(t, v), |t| local.has_sent_any(t)))
    }

    /// Whether carrying out `rule` for `v` would change anything.
    pub fn pending<L: Local>(&self, local: &L, rule: &CompiledRule, v: Value) -> bool {
        rule.effects.iter().any(|e| match *e {
            Effect::Send { msg, .. } => !local.has_sent(msg, v),
            Effect::Deliver => local.delivered().is_none(),
            Effect::Decide | Effect::Handover(_) => local.outcome().is_none(),
        })
    }

    /// Applies the rules for `v` until nothing changes (or, under consensus,
    /// until the process's part ends).
    pub fn settle<L: Local>(&self, me: ProcId, local: &mut L, v: Value, out: &mut Vec<Output>) {
        loop {
            let mut changed = false;
            for rule in &self.rules {
                if self.enabled(local, rule, v) && self.pending(local, rule, v) {
                    let input = local.input().unwrap_or(v);
                    for e in &rule.effects {
                        self.perform(me, local, v, input, e, out);
                    }
                    changed = true;
                    if local.outcome().is_some() {
                        return;
                    }
                }
            }
            if !changed {
                return;
            }
        }
    }

    /// Carries out one effect for the value at hand `v` (a send at most
    /// once, a delivery at most once, a decision or handover at most once;
    /// `input` is what `handover(proposal)` hands over).
    fn perform<L: Local>(
        &self,
        me: ProcId,
        local: &mut L,
        v: Value,
        input: Value,
        effect: &Effect,
        out: &mut Vec<Output>,
    ) {
        match *effect {
            Effect::Send { msg, to } => {
                if local.has_sent(msg, v) {
                    return;
                }
                local.mark_sent(msg, v);
                if to.includes_self() {
                    local.add_sender(msg, v, me);
                    if !self.upon.is_empty() {
                        self.count_first(local, msg, v, me);
                    }
                }
                out.push(Output::Send { msg, value: v, to });
            }
            Effect::Deliver => {
                if local.delivered().is_none() {
                    local.set_delivered(v);
                    out.push(Output::Deliver(v));
                }
            }
            Effect::Decide => {
                if local.outcome().is_none() {
                    local.set_outcome(Conclusion::Decided(v));
                    out.push(Output::Decide(v));
                }
            }
            Effect::Handover(estimate) => {
                if local.outcome().is_none() {
                    let x = match estimate {
                        Estimate::Value => v,
                        Estimate::Proposal => input,
                    };
                    local.set_outcome(Conclusion::HandedOver(x));
                    out.push(Output::Handover(x));
                }
            }
        }
    }

    /// The processes a send to `to` from `me` reaches over the network.
    pub fn recipients(&self, me: ProcId, to: Dest) -> impl Iterator<Item = ProcId> {
        let others = to.includes_others();
        (0..self.n).filter(move |&p| others && p != me)
    }
}
