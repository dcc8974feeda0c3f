//! The compact model: the oracle's fast stateright [`Model`].
//!
//! A state is one flat `Box<[u16]>`: per process its sent flags, its delivery
//! and its sender sets (one bitset per (type, value)), then the in-flight
//! messages between correct processes (one bitmask of (type, value) per
//! ordered pair), then the crashed processes. Byzantine processes have no
//! state: a Byzantine process can make any correct process receive anything at
//! any time, so only what correct processes counted from it matters.
//!
//! Sound reductions keep the state space small; `tests/differential.rs`
//! checks them against the plain model ([`super::reference`]):
//! - *Byzantine counting*: the Byzantine processes other than the broadcaster
//!   appear only in sender sets, where only their number matters, so an
//!   injection always comes from the lowest-numbered one not yet counted;
//! - *dead variables* ([`CompactModel::reduce`]): once no rule reading a type
//!   can change anything any more for a value (its effects are done, or a
//!   `not sent` guard failed for good), the senders of that (type, value) are
//!   forgotten, messages of it in flight are dropped (receiving them would do
//!   nothing) and Byzantine processes stop injecting it;
//! - *lazy receipts* ([`super::lazy`], Byzantine faults): a receipt or an
//!   injection that changes nothing when it happens is delayed until it
//!   matters;
//! - *interchangeable senders* ([`CompactModel::receipts`]): without crashes,
//!   a receiver only counts the senders of a type (but the broadcaster), so of
//!   the messages of one (type, value) in flight to it, only the lowest
//!   sender's is received next;
//! - *symmetry* ([`super::symmetry`]): the correct processes other than the
//!   broadcaster are interchangeable, and each state is replaced by a
//!   canonical representative.

use super::faults::Faulty;
use super::properties::{self, Observe};
use super::symmetry;
use super::{lazy, Action, Byz, Config};
use crate::ir::{Effect, ProtocolIr};
use crate::semantics::{
    CompiledGuard, InstanceError, Local, Machine, Output, ProcId, ProcSet, Value,
};
use stateright::{Model, Property};

/// Number of values in the checker: 0 (the correct broadcaster's) and 1.
pub const VALUES: usize = 2;
/// Largest N the compact model handles (sender sets are `u16`).
pub const MAX_N: usize = 16;
/// Largest number of message types (sent flags are a `u16` over (type, value)).
pub const MAX_TYPES: usize = 8;

/// Where things are in a state's words.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Layout {
    /// Number of processes.
    pub n: usize,
    /// Number of (type, value) pairs.
    pub k: usize,
}

impl Layout {
    /// Words per process: sent flags, delivery, then `k` sender sets.
    pub fn row(&self) -> usize {
        2 + self.k
    }
    /// First word of process `p`.
    pub fn proc(&self, p: ProcId) -> usize {
        p * self.row()
    }
    /// The word holding the (type, value) pairs in flight from `from` to `to`.
    pub fn flight(&self, from: ProcId, to: ProcId) -> usize {
        self.n * self.row() + from * self.n + to
    }
    /// The word holding the crashed processes.
    pub fn crashed(&self) -> usize {
        self.n * self.row() + self.n * self.n
    }
    /// Total words.
    pub fn len(&self) -> usize {
        self.crashed() + 1
    }
    /// Whether the layout is empty (never: there is always a crashed word).
    pub fn is_empty(&self) -> bool {
        false
    }
}

/// Index of (type, value) in the sent flags and sender sets.
pub fn pair(msg: usize, v: Value) -> usize {
    msg * VALUES + v as usize
}

/// A global state of the compact model (see the module docs for the layout).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct State(pub Box<[u16]>);

/// One process's row of a state, as the step function sees it.
pub struct Row<'a>(pub &'a mut [u16]);

impl Local for Row<'_> {
    fn senders(&self, msg: usize, v: Value) -> ProcSet {
        self.0[2 + pair(msg, v)] as ProcSet
    }
    fn add_sender(&mut self, msg: usize, v: Value, from: ProcId) {
        self.0[2 + pair(msg, v)] |= 1 << from;
    }
    fn has_sent(&self, msg: usize, v: Value) -> bool {
        self.0[0] & (1 << pair(msg, v)) != 0
    }
    fn has_sent_any(&self, msg: usize) -> bool {
        self.0[0] & (((1 << VALUES) - 1) << pair(msg, 0)) != 0
    }
    fn mark_sent(&mut self, msg: usize, v: Value) {
        self.0[0] |= 1 << pair(msg, v);
    }
    fn delivered(&self) -> Option<Value> {
        self.0[1].checked_sub(1).map(|v| v as Value)
    }
    fn set_delivered(&mut self, v: Value) {
        self.0[1] = v as u16 + 1;
    }
}

/// What the dead-variable reduction needs to know of a rule.
#[derive(Clone, Debug)]
pub struct RuleInfo {
    /// Types its `received` guards read.
    pub reads: u16,
    /// Types of its `not sent` guards: once one is sent, it never fires again.
    pub blocked_by: u16,
    /// Types it sends.
    pub sends: Vec<usize>,
    /// Whether it delivers.
    pub delivers: bool,
}

/// The compact model of one protocol in one configuration.
#[derive(Clone, Debug)]
pub struct CompactModel {
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
    /// Per rule, what the dead-variable reduction reads.
    pub rules: Vec<RuleInfo>,
    /// Whether to canonicalise states under symmetry (on by default; off to
    /// print traces and to measure the reduction).
    pub use_symmetry: bool,
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

impl CompactModel {
    /// The model of `ir` in `config`. `requires` is not enforced here: the
    /// caller decides which configurations to check.
    pub fn new(ir: &ProtocolIr, config: &Config) -> Result<CompactModel, ModelError> {
        if config.n > MAX_N || ir.messages.len() > MAX_TYPES || config.n == 0 {
            return Err(ModelError::TooLarge {
                n: config.n,
                types: ir.messages.len(),
            });
        }
        let machine = Machine::new_unchecked(ir, config.n, config.f)?;
        let faulty = Faulty::of(config);
        let rules = machine
            .rules
            .iter()
            .map(|r| RuleInfo {
                reads: r.guards.iter().fold(0, |m, g| match *g {
                    CompiledGuard::FromBroadcaster(t) | CompiledGuard::AtLeast(t, _) => m | 1 << t,
                    CompiledGuard::NotSent(_) => m,
                }),
                blocked_by: r.guards.iter().fold(0, |m, g| match *g {
                    CompiledGuard::NotSent(t) => m | 1 << t,
                    _ => m,
                }),
                sends: r
                    .effects
                    .iter()
                    .filter_map(|e| match *e {
                        Effect::Send { msg, .. } => Some(msg),
                        Effect::Deliver => None,
                    })
                    .collect(),
                delivers: r.effects.contains(&Effect::Deliver),
            })
            .collect();
        Ok(CompactModel {
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
            Action::Receive {
                from,
                to,
                msg,
                value,
                before,
            } => {
                let to = to as usize;
                if !self.is_correct(s, to) || value as usize >= VALUES {
                    return None;
                }
                let row = l.proc(to);
                let start = out.len();
                for (t, b) in before
                    .iter()
                    .chain(std::iter::once((msg as usize, from as usize)))
                {
                    if t >= self.machine.messages || b >= l.n || !self.take(s, b, to, t, value) {
                        return None;
                    }
                    self.machine.receive(
                        to,
                        &mut Row(&mut s[row..row + l.row()]),
                        b,
                        t,
                        value,
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
            Action::Lose {
                from,
                to,
                msg,
                value,
            } => {
                let (from, to) = (from as usize, to as usize);
                let bit = 1 << pair(msg as usize, value);
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
        let sent = row[0];
        let sent_types = (0..self.machine.messages)
            .filter(|&t| sent & (((1 << VALUES) - 1) << pair(t, 0)) != 0)
            .fold(0u16, |m, t| m | 1 << t);
        let delivered = row[1] != 0;
        let mut live = 0;
        for rule in &self.rules {
            if rule.blocked_by & sent_types != 0 {
                continue;
            }
            let pending = (rule.delivers && !delivered)
                || rule.sends.iter().any(|&t| sent & (1 << pair(t, v)) == 0);
            if pending {
                live |= rule.reads;
            }
        }
        live
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

    /// The enabled actions, in a fixed order.
    pub fn enabled(&self, s: &[u16], actions: &mut Vec<Action>) {
        let l = self.layout;
        if self.faulty.byzantine != 0 {
            for to in (0..l.n).filter(|&p| self.is_correct(s, p)) {
                lazy::actions_at(self, s, to, actions);
            }
        } else {
            for to in (0..l.n).filter(|&p| self.is_correct(s, p)) {
                for value in 0..VALUES as Value {
                    for (from, msg) in self.receipts(s, to, value) {
                        actions.push(Action::Receive {
                            from: from as u8,
                            to: to as u8,
                            msg: msg as u8,
                            value,
                            before: Byz::default(),
                        });
                    }
                }
            }
        }
        for from in (0..l.n).filter(|&p| s[l.crashed()] & (1 << p) != 0) {
            for to in 0..l.n {
                let mut bits = s[l.flight(from, to)];
                while bits != 0 {
                    let k = bits.trailing_zeros() as usize;
                    bits &= bits - 1;
                    let (msg, value) = ((k / VALUES) as u8, (k % VALUES) as Value);
                    actions.push(Action::Lose {
                        from: from as u8,
                        to: to as u8,
                        msg,
                        value,
                    });
                }
            }
        }
        if (s[l.crashed()].count_ones() as usize) < self.faulty.crashes {
            for p in 0..l.n {
                if self.is_correct(s, p) {
                    actions.push(Action::Crash(p as u8));
                }
            }
        }
    }

    /// A state's canonical representative, and the renaming of processes
    /// that gives it (process `p` becomes `map[p]`).
    pub fn canonical_map(&self, mut s: Box<[u16]>) -> (State, Vec<ProcId>) {
        self.reduce(&mut s);
        if self.use_symmetry {
            let (s, map) = symmetry::canonical_with_map(self, &s);
            (State(s), map)
        } else {
            (State(s), (0..self.layout.n).collect())
        }
    }

    /// A state's canonical representative under the model's reductions.
    pub fn canonical(&self, mut s: Box<[u16]>) -> State {
        self.reduce(&mut s);
        if self.use_symmetry {
            s = symmetry::canonical(self, &s);
        }
        State(s)
    }

    /// Whether no message between correct processes is in flight or, under
    /// Byzantine faults (lazy receipts), none would change anything.
    pub fn quiescent(&self, s: &[u16]) -> bool {
        if self.faulty.byzantine != 0 {
            return lazy::quiescent(self, s);
        }
        let l = self.layout;
        (0..l.n).all(|from| {
            !self.is_correct(s, from)
                || (0..l.n).all(|to| !self.is_correct(s, to) || s[l.flight(from, to)] == 0)
        })
    }

    /// A view of `s` for the properties.
    pub fn observe<'a>(&'a self, s: &'a [u16]) -> CompactView<'a> {
        CompactView { model: self, s }
    }
}

/// A state of the compact model as the properties see it.
pub struct CompactView<'a> {
    model: &'a CompactModel,
    s: &'a [u16],
}

impl Observe for CompactView<'_> {
    fn n(&self) -> usize {
        self.model.layout.n
    }
    fn is_correct(&self, p: ProcId) -> bool {
        self.model.is_correct(self.s, p)
    }
    fn delivered(&self, p: ProcId) -> Option<Value> {
        self.s[self.model.layout.proc(p) + 1]
            .checked_sub(1)
            .map(|v| v as Value)
    }
    fn quiescent(&self) -> bool {
        self.model.quiescent(self.s)
    }
    fn broadcaster_correct(&self) -> bool {
        self.model.faulty.broadcaster_correct
    }
}

impl Model for CompactModel {
    type State = State;
    type Action = Action;

    fn init_states(&self) -> Vec<State> {
        vec![self.canonical(self.initial())]
    }

    fn actions(&self, state: &State, actions: &mut Vec<Action>) {
        self.enabled(&state.0, actions);
    }

    fn next_state(&self, last: &State, action: Action) -> Option<State> {
        let mut s = last.0.clone();
        self.apply(&mut s, action, &mut Vec::new())?;
        Some(self.canonical(s))
    }

    fn properties(&self) -> Vec<Property<Self>> {
        properties::all()
    }
}

impl properties::Checked for CompactModel {
    fn view<'a>(&'a self, s: &'a State) -> impl Observe + 'a {
        self.observe(&s.0)
    }
}

/// Process ids in a trace line: `p3 (Byzantine)` for a Byzantine process.
pub fn who(faulty: &Faulty, p: ProcId) -> String {
    if faulty.is_byzantine(p) {
        format!("p{p} (Byzantine)")
    } else {
        format!("p{p}")
    }
}
