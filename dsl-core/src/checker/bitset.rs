//! The bitset model's state and step: the compact model that keeps process
//! identities, used under crash faults (where a sender's identity decides
//! which messages its crash can lose) and to replay the counting model's
//! counterexamples on concrete processes.
//!
//! A state is one flat `Box<[u16]>` (see [`Layout`]). Byzantine processes have
//! no state: a Byzantine process can make any correct process receive
//! anything at any time, so only what correct processes counted from it
//! matters.
//!
//! This file holds the step ([`BitsetModel::apply`]) and the reductions that
//! work on one state; the enabled steps, quiescence, the canonical form and
//! the stateright `Model` are in [`explore`], above [`super::lazy`] and
//! [`super::symmetry`]. Sound reductions keep the state space small;
//! `tests/differential.rs` checks them against the plain model
//! ([`super::plain`]):
//! - *Byzantine counting*: the Byzantine processes other than the broadcaster
//!   appear only in sender sets, where only their number matters, so an
//!   injection always comes from the lowest-numbered one not yet counted;
//! - *dead variables* ([`BitsetModel::reduce`]): once no rule reading a type
//!   can change anything any more for a value (its effects are done, or a
//!   `not sent` guard failed for good), the senders of that (type, value) are
//!   forgotten, messages of it in flight are dropped (receiving them would do
//!   nothing) and Byzantine processes stop injecting it;
//! - *lazy receipts* ([`super::lazy`], Byzantine faults): a receipt or an
//!   injection that changes nothing when it happens is delayed until it
//!   matters;
//! - *interchangeable senders* ([`BitsetModel::receipts`]): without crashes,
//!   a receiver only counts the senders of a type (but the broadcaster), so of
//!   the messages of one (type, value) in flight to it, only the lowest
//!   sender's is received next;
//! - *symmetry* ([`super::symmetry`]): the correct processes other than the
//!   broadcaster are interchangeable, and each state is replaced by a
//!   canonical representative.

mod explore;

use super::faults::Faulty;
use super::layout::{pair, Layout, Row, State, MAX_N, MAX_TYPES, VALUES};
use super::properties;
use super::rules::Rules;
use super::{Action, Config};
use crate::ir::ProtocolIr;
use crate::semantics::{InstanceError, Machine, Output, Pick, ProcId, Value};

/// The compact model of one protocol in one configuration.
#[derive(Clone, Debug)]
pub struct BitsetModel {
    /// The step function.
    pub machine: Machine,
    /// Who is faulty.
    pub faulty: Faulty,
    /// State layout.
    pub layout: Layout,
    /// Correct processes other than the broadcaster (interchangeable).
    pub symmetric: Vec<ProcId>,
    /// Byzantine processes other than the broadcaster, lowest first.
    pub byzantine_others: Vec<ProcId>,
    /// Message type names, for traces.
    pub messages: Vec<String>,
    /// What the dead-variable reduction reads of the rules.
    pub rules: Rules,
    /// Whether to canonicalise states under symmetry (on by default; off to
    /// print traces and to measure the reduction).
    pub use_symmetry: bool,
    /// The first violating states of a run (see [`properties::Firsts`]).
    pub firsts: properties::Firsts<State>,
}

/// Why a configuration cannot be checked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ModelError {
    /// The thresholds are undefined, or N is too large for the step function.
    #[error(transparent)]
    Instance(#[from] InstanceError),
    /// N or the number of message types is beyond the compact model.
    #[error("the checker handles N <= {MAX_N} and at most {MAX_TYPES} message types (got N = {n}, {types} types)")]
    TooLarge {
        /// N.
        n: usize,
        /// Message types.
        types: usize,
    },
}

impl BitsetModel {
    /// The model of `ir` in `config`. `requires` is not enforced here: the
    /// caller decides which configurations to check.
    pub fn new(ir: &ProtocolIr, config: &Config) -> Result<BitsetModel, ModelError> {
        if config.n > MAX_N || ir.messages.len() > MAX_TYPES || config.n == 0 {
            return Err(ModelError::TooLarge {
                n: config.n,
                types: ir.messages.len(),
            });
        }
        let machine = Machine::new_unchecked(ir, config.n, config.f)?;
        let faulty = Faulty::of(config);
        let rules = Rules::of(&machine);
        Ok(BitsetModel {
            layout: Layout {
                n: config.n,
                k: ir.messages.len() * VALUES,
            },
            symmetric: faulty.symmetric(),
            byzantine_others: faulty.byzantine_others(),
            machine,
            faulty,
            messages: ir.messages.clone(),
            rules,
            use_symmetry: true,
            firsts: Default::default(),
        })
    }

    /// Whether `p` is correct in `s` (not Byzantine, not crashed).
    pub fn is_correct(&self, s: &[u16], p: ProcId) -> bool {
        !self.faulty.is_byzantine(p) && s[self.layout.crashed()] & (1 << p) == 0
    }

    /// The initial state, before canonicalisation: the correct broadcaster has
    /// run `on broadcast(0)`.
    pub fn initial(&self) -> Box<[u16]> {
        let mut s = vec![0u16; self.layout.len()].into_boxed_slice();
        if self.faulty.broadcaster_correct {
            let mut out = Vec::new();
            let row = self.layout.proc(0);
            self.machine.broadcast(
                0,
                &mut Row(&mut s[row..row + self.layout.row()]),
                0,
                &mut out,
            );
            self.emit(&mut s, 0, &out);
        }
        self.reduce(&mut s);
        s
    }

    /// Puts the network messages of `out` (outputs of process `from`) in flight
    /// to the correct processes.
    fn emit(&self, s: &mut [u16], from: ProcId, out: &[Output]) {
        for o in out {
            if let Output::Send { msg, value, to } = *o {
                for r in self.machine.recipients(from, to) {
                    if self.is_correct(s, r) {
                        s[self.layout.flight(from, r)] |= 1 << pair(msg, value);
                    }
                }
            }
        }
    }

    /// Takes the message `t(v)` from `from` to `to` out of the network: a
    /// message in flight if `from` is correct (or crashed), an injection not
    /// counted yet if `from` is Byzantine. False if there is no such message.
    fn take(&self, s: &mut [u16], from: ProcId, to: ProcId, t: usize, v: Value) -> bool {
        let l = self.layout;
        if self.faulty.is_byzantine(from) {
            s[l.proc(to) + 2 + pair(t, v)] & (1 << from) == 0
        } else {
            let bit = 1 << pair(t, v);
            let present = s[l.flight(from, to)] & bit != 0;
            s[l.flight(from, to)] &= !bit;
            present
        }
    }

    /// Applies `action` without reducing or canonicalising; `None` if it is
    /// not enabled. The step function's outputs are appended to `out`.
    pub fn apply(&self, s: &mut [u16], action: Action, out: &mut Vec<Output>) -> Option<()> {
        let l = self.layout;
        match action {
            Action::Receive { to, value, .. } => {
                let to = to as usize;
                if !self.is_correct(s, to) || value as usize >= VALUES {
                    return None;
                }
                let row = l.proc(to);
                let start = out.len();
                for (t, b) in action.receipts() {
                    if t >= self.machine.messages || b >= l.n || !self.take(s, b, to, t, value) {
                        return None;
                    }
                    self.machine.receive(
                        to,
                        &mut Row(&mut s[row..row + l.row()]),
                        b,
                        t,
                        value,
                        Pick::Majority,
                        out,
                    );
                }
                let outputs: Vec<Output> = out[start..].to_vec();
                self.emit(s, to, &outputs);
            }
            Action::Crash(p) => {
                let p = p as usize;
                let crashed = s[l.crashed()];
                if !self.is_correct(s, p) || (crashed.count_ones() as usize) >= self.faulty.crashes
                {
                    return None;
                }
                s[l.crashed()] |= 1 << p;
                // A crashed process's own state no longer matters, nor what is
                // in flight to it; what it sent may still arrive or be lost.
                s[l.proc(p)..l.proc(p) + l.row()].fill(0);
                for q in 0..l.n {
                    s[l.flight(q, p)] = 0;
                }
            }
            Action::Lose(lost) => {
                let (from, to) = (lost.from as usize, lost.to as usize);
                let bit = 1 << pair(lost.msg as usize, lost.value);
                if s[l.crashed()] & (1 << from) == 0 || s[l.flight(from, to)] & bit == 0 {
                    return None;
                }
                s[l.flight(from, to)] &= !bit;
            }
        }
        Some(())
    }

    /// The message types that a rule able to change anything for `v` still
    /// reads, as a bitmask, from a process's row.
    pub(crate) fn live_types(&self, row: &[u16], v: Value) -> u16 {
        self.rules.live_types(row[0], row[1], v)
    }

    /// Dead-variable reduction: forgets the sender sets that no rule can read
    /// any more, and drops the messages in flight whose receipt would do nothing.
    pub fn reduce(&self, s: &mut [u16]) {
        let l = self.layout;
        for p in 0..l.n {
            if !self.is_correct(s, p) {
                continue;
            }
            let row = l.proc(p);
            for v in 0..VALUES as Value {
                let live = self.live_types(&s[row..row + l.row()], v);
                for msg in (0..self.machine.messages).filter(|&t| live & (1 << t) == 0) {
                    let k = pair(msg, v);
                    s[row + 2 + k] = 0;
                    for q in 0..l.n {
                        s[l.flight(q, p)] &= !(1 << k);
                    }
                }
            }
        }
    }

    /// The receipts at `to` of messages of value `v` in flight worth
    /// exploring, as (sender, type). Without crashes, the senders of a type
    /// other than the broadcaster are interchangeable for the receiver (its
    /// rules count them; only `from broadcaster` reads an identity) and for
    /// everybody else (nobody observes what another process received), so
    /// only the lowest one is received next; with crashes, a sender's identity
    /// decides which messages a crash can lose, and all are explored.
    pub fn receipts(&self, s: &[u16], to: ProcId, v: Value) -> Vec<(ProcId, usize)> {
        let l = self.layout;
        let mut out = Vec::new();
        for msg in 0..self.machine.messages {
            let bit = 1 << pair(msg, v);
            let mut others = false;
            for from in 0..l.n {
                if s[l.flight(from, to)] & bit == 0 {
                    continue;
                }
                if from == 0 || self.faulty.crashes > 0 || !others {
                    out.push((from, msg));
                }
                others |= from != 0;
            }
        }
        out
    }
}
