//! The plain model: docs/DESIGN.md section 2 read literally, with no reduction.
//!
//! Every process keeps a [`ProcessState`], every message in flight is a
//! `(from, to, type, value)`, every Byzantine process may inject every
//! (type, value) to every correct process that has not counted it yet, and
//! nothing is canonicalised. It steps processes with the same
//! [`Machine`] as the compact model, and is the reference that the compact
//! model's reductions are tested against (same verdicts).

use super::faults::Faulty;
use super::layout::VALUES;
use super::properties::{self, Observe};
use super::{Action, Config, Senders};
use crate::ir::ProtocolIr;
use crate::semantics::{
    InstanceError, Local, Machine, Output, Pick, ProcId, ProcSet, ProcessState, Value,
};
use stateright::{Model, Property};
use std::collections::BTreeSet;

/// A global state of the plain model.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PlainState {
    /// Every process's local state (Byzantine ones stay empty).
    pub procs: Vec<ProcessState>,
    /// Messages in flight: (from, to, type, value).
    pub in_flight: BTreeSet<(u8, u8, u8, Value)>,
    /// Crashed processes.
    pub crashed: ProcSet,
}

impl PlainState {
    /// The state of `n` processes before any step: nothing done, nothing in
    /// flight, none crashed.
    pub fn start(n: usize) -> PlainState {
        PlainState {
            procs: vec![ProcessState::default(); n],
            in_flight: BTreeSet::new(),
            crashed: 0,
        }
    }

    /// Whether `p` is correct in this state under `faulty` (not Byzantine,
    /// not crashed).
    pub fn is_correct(&self, faulty: &Faulty, p: ProcId) -> bool {
        !faulty.is_byzantine(p) && self.crashed & (1 << p) == 0
    }

    /// Puts in flight the messages of `out` (the outputs of a step of
    /// `from`), one per correct recipient.
    pub fn send(&mut self, machine: &Machine, faulty: &Faulty, from: ProcId, out: &[Output]) {
        for o in out {
            if let Output::Send { msg, value, to } = *o {
                for r in machine.recipients(from, to) {
                    if self.is_correct(faulty, r) {
                        self.in_flight
                            .insert((from as u8, r as u8, msg as u8, value));
                    }
                }
            }
        }
    }
}

/// The plain model of one protocol in one configuration.
#[derive(Clone, Debug)]
pub struct PlainModel {
    /// The step function.
    pub machine: Machine,
    /// Who is faulty.
    pub faulty: Faulty,
    /// Message type names, for traces.
    pub messages: Vec<String>,
    /// The first violating states of a run (see [`properties::Firsts`]).
    pub firsts: properties::Firsts<PlainState>,
}

impl PlainModel {
    /// The model of `ir` in `config`.
    pub fn new(ir: &ProtocolIr, config: &Config) -> Result<PlainModel, InstanceError> {
        Ok(PlainModel {
            machine: Machine::new_unchecked(ir, config.n, config.f)?,
            faulty: Faulty::of(config),
            messages: ir.messages.clone(),
            firsts: Default::default(),
        })
    }

    /// Whether `p` is correct in `s`.
    pub fn is_correct(&self, s: &PlainState, p: ProcId) -> bool {
        s.is_correct(&self.faulty, p)
    }

    fn emit(&self, s: &mut PlainState, from: ProcId, out: &[Output]) {
        s.send(&self.machine, &self.faulty, from, out);
    }

    /// The initial state: the correct broadcaster has run `on broadcast(0)`.
    pub fn initial(&self) -> PlainState {
        let mut s = PlainState::start(self.machine.n);
        if self.faulty.broadcaster_correct {
            let mut out = Vec::new();
            self.machine.broadcast(0, &mut s.procs[0], 0, &mut out);
            self.emit(&mut s, 0, &out);
        }
        s
    }

    /// Applies `action`; `None` if it is not enabled. Outputs go to `out`.
    pub fn apply(&self, s: &mut PlainState, action: Action, out: &mut Vec<Output>) -> Option<()> {
        match action {
            Action::Receive { to, value, .. } => {
                let t = to as usize;
                if !self.is_correct(s, t) || value as usize >= VALUES {
                    return None;
                }
                let start = out.len();
                for (m, b) in action.receipts() {
                    if m >= self.machine.messages || b >= self.machine.n {
                        return None;
                    }
                    let available = if self.faulty.is_byzantine(b) {
                        s.procs[t].senders(m, value) & (1 << b) == 0
                    } else {
                        s.in_flight.remove(&(b as u8, to, m as u8, value))
                    };
                    if !available {
                        return None;
                    }
                    self.machine
                        .receive(t, &mut s.procs[t], b, m, value, Pick::Majority, out);
                }
                let outputs = out[start..].to_vec();
                self.emit(s, t, &outputs);
            }
            Action::Crash(p) => {
                let p = p as usize;
                if !self.is_correct(s, p) || s.crashed.count_ones() as usize >= self.faulty.crashes
                {
                    return None;
                }
                s.crashed |= 1 << p;
                s.in_flight.retain(|m| m.1 as usize != p);
            }
            Action::Lose(lost) => {
                if s.crashed & (1 << lost.from) == 0 || !s.in_flight.remove(&lost.flight()) {
                    return None;
                }
            }
        }
        Some(())
    }

    /// The enabled actions.
    pub fn enabled(&self, s: &PlainState, actions: &mut Vec<Action>) {
        for &flight in &s.in_flight {
            let (from, to, msg, value) = flight;
            actions.push(Action::Receive {
                from,
                to,
                msg,
                value,
                before: Senders::default(),
            });
            if s.crashed & (1 << from) != 0 {
                actions.push(Action::Lose(flight.into()));
            }
        }
        let n = self.machine.n;
        for b in (0..n).filter(|&b| self.faulty.is_byzantine(b)) {
            for to in (0..n).filter(|&p| self.is_correct(s, p)) {
                for msg in 0..self.machine.messages {
                    for value in 0..VALUES as Value {
                        if s.procs[to].senders(msg, value) & (1 << b) == 0 {
                            actions.push(Action::Receive {
                                from: b as u8,
                                to: to as u8,
                                msg: msg as u8,
                                value,
                                before: Senders::default(),
                            });
                        }
                    }
                }
            }
        }
        if (s.crashed.count_ones() as usize) < self.faulty.crashes {
            for p in (0..n).filter(|&p| self.is_correct(s, p)) {
                actions.push(Action::Crash(p as u8));
            }
        }
    }

    /// A view of `s` for the properties.
    pub fn observe<'a>(&'a self, s: &'a PlainState) -> PlainView<'a> {
        PlainView { model: self, s }
    }
}

/// A state of the plain model as the properties see it.
pub struct PlainView<'a> {
    model: &'a PlainModel,
    s: &'a PlainState,
}

impl Observe for PlainView<'_> {
    fn n(&self) -> usize {
        self.model.machine.n
    }
    fn is_correct(&self, p: ProcId) -> bool {
        self.model.is_correct(self.s, p)
    }
    fn delivered(&self, p: ProcId) -> Option<Value> {
        self.s.procs[p].delivered
    }
    fn quiescent(&self) -> bool {
        self.s
            .in_flight
            .iter()
            .all(|m| !self.is_correct(m.0 as usize) || !self.is_correct(m.1 as usize))
    }
    fn broadcaster_correct(&self) -> bool {
        self.model.faulty.broadcaster_correct
    }
}

impl Model for PlainModel {
    type State = PlainState;
    type Action = Action;

    fn init_states(&self) -> Vec<PlainState> {
        vec![self.initial()]
    }

    fn actions(&self, state: &PlainState, actions: &mut Vec<Action>) {
        self.enabled(state, actions);
    }

    fn format_action(&self, action: &Action) -> String {
        super::describe::describe(&self.faulty, &self.messages, action).join("; ")
    }

    fn next_state(&self, last: &PlainState, action: Action) -> Option<PlainState> {
        let mut s = last.clone();
        self.apply(&mut s, action, &mut Vec::new())?;
        Some(s)
    }

    fn properties(&self) -> Vec<Property<Self>> {
        properties::all(self)
    }
}

impl properties::Checked for PlainModel {
    fn firsts(&self) -> Option<&properties::Firsts<PlainState>> {
        Some(&self.firsts)
    }

    fn verify(&self, p: crate::problem::Property, s: &PlainState) -> Result<(), String> {
        properties::broadcast(p, &self.observe(s))
    }
}
