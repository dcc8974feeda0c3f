//! The plain consensus model: docs/DESIGN.md section 4 read literally.
//!
//! Every correct process keeps a [`ProcessState`](crate::semantics::ProcessState) and is stepped by the
//! shared [`Machine`](crate::semantics::Machine); every message in flight is a `(from, to, type,
//! value)`; a Byzantine process may make any correct process receive any
//! (type, value) from it at any time; under crashes, up to F processes
//! crash between any two steps and their messages in flight may each be
//! lost. Every correct process has proposed in the initial state (a crash
//! before proposing is a crash with every message lost); the initial states
//! are every number k of correct processes proposing 1 (the first k), which
//! is every assignment up to the symmetry of correct processes.

use crate::checker::{Config, Lost};
use crate::ir::ProtocolIr;
use crate::semantics::{InstanceError, Local, Output, Pick, ProcId, Value};

pub use crate::checker::plain::PlainState;

/// One step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ConsensusAction {
    /// `to` receives T(value) from `from` (in flight, or injected by a
    /// Byzantine `from`); `pick` is the value taken where an arm of the
    /// block that runs holds for both values (the step with pick 1 exists
    /// only then).
    Receive {
        /// Sender.
        from: u8,
        /// Receiver.
        to: u8,
        /// Message type.
        msg: u8,
        /// Value.
        value: Value,
        /// The value taken by an arm holding for both.
        pick: Value,
    },
    /// The process crashes.
    Crash(u8),
    /// A message in flight from a crashed process is lost.
    Lose(Lost),
}

/// The model of one protocol in one configuration: the broadcast problem's
/// plain model (the same machine, faulty set, names and state) with the
/// one-step claim.
#[derive(Clone, Debug)]
pub struct PlainModel {
    /// The step function, who is faulty, the names, the first violations.
    pub plain: crate::checker::plain::PlainModel,
    /// Check one-step (claimed here, or measured).
    pub one_step: bool,
    /// Only unanimous inputs (measuring one-step), and only one-step checked.
    pub measure: bool,
}

impl PlainModel {
    /// The model of `ir` in `config`.
    pub fn new(ir: &ProtocolIr, config: &Config) -> Result<PlainModel, InstanceError> {
        Ok(PlainModel {
            plain: crate::checker::plain::PlainModel::new(ir, config)?,
            one_step: ir.claims_one_step(config.n, config.f),
            measure: false,
        })
    }

    /// Whether `p` is correct in `s` (not Byzantine, not crashed).
    pub fn is_correct(&self, s: &PlainState, p: ProcId) -> bool {
        self.plain.is_correct(s, p)
    }

    /// The correct processes of `s`.
    pub fn correct<'a>(&'a self, s: &'a PlainState) -> impl Iterator<Item = ProcId> + 'a {
        (0..self.plain.machine.n).filter(move |&p| self.is_correct(s, p))
    }

    fn emit(&self, s: &mut PlainState, from: ProcId, out: &[Output]) {
        s.send(&self.plain.machine, &self.plain.faulty, from, out);
    }

    /// The inputs of the initial states: the number of correct processes
    /// proposing 1, each with the branch taken by blocks that run at the
    /// proposal (`pick`).
    pub fn initial_with(&self, ones: usize, pick: Value, out: &mut Vec<Vec<Output>>) -> PlainState {
        let n = self.plain.machine.n;
        let mut s = PlainState::start(n);
        let proposers: Vec<ProcId> = (0..n)
            .filter(|&p| !self.plain.faulty.is_byzantine(p))
            .collect();
        for (i, &p) in proposers.iter().enumerate() {
            let mut o = Vec::new();
            let input = (i < ones) as Value;
            self.plain
                .machine
                .propose(p, &mut s.procs[p], input, Pick::Value(pick), &mut o);
            self.emit(&mut s, p, &o);
            out.push(o);
        }
        s
    }

    /// The initial states.
    pub fn initial(&self) -> Vec<PlainState> {
        let correct = (0..self.plain.machine.n)
            .filter(|&p| !self.plain.faulty.is_byzantine(p))
            .count();
        let mut states = Vec::new();
        for ones in 0..=correct {
            if self.measure && ones != 0 && ones != correct {
                continue;
            }
            for pick in [0, 1] {
                let s = self.initial_with(ones, pick, &mut Vec::new());
                if !states.contains(&s) {
                    states.push(s);
                }
            }
        }
        states
    }

    /// Carries out `step` on `s`; `None` if it is not possible or is the
    /// pick-1 twin of a step with no choice.
    pub fn apply(
        &self,
        s: &mut PlainState,
        step: ConsensusAction,
        out: &mut Vec<Output>,
    ) -> Option<()> {
        match step {
            ConsensusAction::Receive {
                from,
                to,
                msg,
                value,
                pick,
            } => {
                let (f, t) = (from as usize, to as usize);
                if !self.plain.faulty.is_byzantine(f)
                    && !s.in_flight.remove(&(from, to, msg, value))
                {
                    return None;
                }
                self.plain.machine.receive(
                    t,
                    &mut s.procs[t],
                    f,
                    msg as usize,
                    value,
                    Pick::Value(pick),
                    out,
                );
                let both = out
                    .iter()
                    .any(|o| matches!(o, Output::Evaluate(e) if e.both));
                if pick == 1 && !both {
                    return None;
                }
                self.emit(s, t, out);
            }
            ConsensusAction::Crash(p) => {
                s.crashed |= 1 << p;
                s.in_flight.retain(|&(_, to, _, _)| to != p);
            }
            ConsensusAction::Lose(lost) => {
                if !s.in_flight.remove(&lost.flight()) {
                    return None;
                }
            }
        }
        Some(())
    }

    /// The steps possible in `s`.
    pub fn steps(&self, s: &PlainState, steps: &mut Vec<ConsensusAction>) {
        let n = self.plain.machine.n;
        for &flight in &s.in_flight {
            let (from, to, msg, value) = flight;
            let live = s.procs[to as usize].outcome.is_none();
            if s.crashed & (1 << from) != 0 {
                steps.push(ConsensusAction::Lose(flight.into()));
            }
            for pick in [0, 1] {
                if live || pick == 0 {
                    steps.push(ConsensusAction::Receive {
                        from,
                        to,
                        msg,
                        value,
                        pick,
                    });
                }
            }
        }
        for b in (0..n).filter(|&b| self.plain.faulty.is_byzantine(b)) {
            for to in self.correct(s) {
                let p = &s.procs[to];
                if p.outcome.is_some() {
                    continue;
                }
                for msg in 0..self.plain.machine.messages {
                    for value in [0, 1] {
                        if p.senders(msg, value) & (1 << b) == 0 {
                            for pick in [0, 1] {
                                steps.push(ConsensusAction::Receive {
                                    from: b as u8,
                                    to: to as u8,
                                    msg: msg as u8,
                                    value,
                                    pick,
                                });
                            }
                        }
                    }
                }
            }
        }
        if (s.crashed.count_ones() as usize) < self.plain.faulty.crashes {
            for p in self.correct(s) {
                steps.push(ConsensusAction::Crash(p as u8));
            }
        }
    }

    /// Whether nothing is in flight between correct processes.
    pub fn quiet(&self, s: &PlainState) -> bool {
        s.in_flight.iter().all(|&(from, to, _, _)| {
            !self.is_correct(s, from as usize) || !self.is_correct(s, to as usize)
        })
    }
}

impl stateright::Model for PlainModel {
    type State = PlainState;
    type Action = ConsensusAction;

    fn init_states(&self) -> Vec<PlainState> {
        self.initial()
    }

    fn actions(&self, state: &PlainState, actions: &mut Vec<ConsensusAction>) {
        self.steps(state, actions)
    }

    fn next_state(&self, last: &PlainState, action: ConsensusAction) -> Option<PlainState> {
        let mut s = last.clone();
        let mut out = Vec::new();
        self.apply(&mut s, action, &mut out)?;
        Some(s)
    }

    fn properties(&self) -> Vec<stateright::Property<Self>> {
        crate::checker::properties::all(self)
    }
}

/// A state of the plain model as the properties read it.
pub struct PlainView<'a> {
    model: &'a PlainModel,
    state: &'a PlainState,
}

impl super::properties::View for PlainView<'_> {
    fn procs(&self) -> Vec<super::properties::Proc> {
        self.model
            .correct(self.state)
            .map(|p| {
                let st = &self.state.procs[p];
                super::properties::Proc {
                    id: p,
                    input: st.input.unwrap_or(0),
                    outcome: st.outcome,
                    fired: st.fired != 0,
                }
            })
            .collect()
    }
    fn stuck(&self) -> Option<ProcId> {
        if !self.model.quiet(self.state) {
            return None;
        }
        self.model
            .correct(self.state)
            .find(|&p| self.state.procs[p].outcome.is_none())
    }
    fn one_step(&self) -> bool {
        self.model.one_step
    }
    fn unanimous(&self) -> Option<Value> {
        let mut inputs = (0..self.model.plain.machine.n)
            .filter(|&p| !self.model.plain.faulty.is_byzantine(p))
            .map(|p| self.state.procs[p].input.unwrap_or(0));
        let first = inputs.next()?;
        inputs.all(|v| v == first).then_some(first)
    }
}

impl super::properties::Viewed for PlainModel {
    fn view<'a>(&'a self, s: &'a PlainState) -> impl super::properties::View + 'a {
        PlainView {
            model: self,
            state: s,
        }
    }
    fn measuring(&self) -> bool {
        self.measure
    }
    fn first_violations(&self) -> &crate::checker::properties::Firsts<PlainState> {
        &self.plain.firsts
    }
}
