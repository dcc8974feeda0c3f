//! The counting model of a one-step protocol: exact, and small at any N.
//!
//! It applies where a protocol is only `on propose(v) { send T(v) to all; }`
//! and one `upon received T >= k` block (no `when` rule, nothing else sent
//! that anything reads): what the processes do then depends only on each
//! one's snapshot. A correct sender sends T once, with its input (rule 2 of
//! docs/DESIGN.md section 4), and messages reach each process in any order,
//! so a process's snapshot can be any (a0, a1) with a0 + a1 = k that
//! contains its own vote and that the votes sent allow: a_v votes for v from
//! the t_v processes that proposed v (crashed ones included: their messages
//! may each be delivered or lost) and, under Byzantine faults, b_v more
//! from the F Byzantine processes (b0 + b1 <= F: only a sender's first vote
//! counts). Snapshots of different processes are independent (each receives
//! in its own order), so receipts are taken lazily: an evaluation jumps to
//! any feasible snapshot. Processes are interchangeable but for their input,
//! so a state is how many correct processes have each (input, status), plus
//! the crashed ones' inputs. A crash removes a process from the properties
//! (they are about correct processes) and from the senders that certainly
//! deliver, which only termination reads.

use super::properties::{Proc, View, Viewed};
use crate::checker::faults::Faulty;
use crate::checker::Config;
use crate::ir::{Dest, Effect, Estimate, ProtocolIr};
use crate::semantics::{CompiledUpon, Conclusion, InstanceError, Machine, ProcId, Value};

/// Status of a process: pending, decided 0/1, handed over 0/1, or ran its
/// block without an outcome.
pub const STATUSES: usize = 6;
const PENDING: usize = 0;
const SILENT: usize = 5;

fn status(o: Option<Conclusion>) -> usize {
    match o {
        None => SILENT,
        Some(Conclusion::Decided(v)) => 1 + v as usize,
        Some(Conclusion::HandedOver(v)) => 3 + v as usize,
    }
}

fn outcome(status: usize) -> Option<Conclusion> {
    match status {
        1 | 2 => Some(Conclusion::Decided(status as Value - 1)),
        3 | 4 => Some(Conclusion::HandedOver(status as Value - 3)),
        _ => None,
    }
}

/// A state: correct processes per (input, status), crashed ones per input.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Counts {
    /// `rows[input][status]`.
    pub rows: [[u8; STATUSES]; 2],
    /// Crashed processes per input.
    pub crashed: [u8; 2],
}

/// One step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CountingAction {
    /// A pending correct process with this input runs its block on this
    /// snapshot, taking `pick` where an arm holds for both values.
    Evaluate {
        /// Its input.
        input: Value,
        /// (a0, a1).
        snapshot: [u8; 2],
        /// The value taken by an arm holding for both (1 only then).
        pick: Value,
    },
    /// A correct process with this input and status crashes.
    Crash {
        /// Its input.
        input: Value,
        /// Its status.
        status: u8,
    },
}

/// The counting model of one protocol in one configuration.
#[derive(Clone, Debug)]
pub struct CountingModel {
    /// The block.
    pub upon: CompiledUpon,
    /// Who is faulty.
    pub faulty: Faulty,
    /// N.
    pub n: usize,
    /// Byzantine processes.
    pub byzantine: usize,
    /// Message type names.
    pub messages: Vec<String>,
    /// Check one-step (claimed here, or measured).
    pub one_step: bool,
    /// Only unanimous inputs and one-step (measuring it).
    pub measure: bool,
    /// The first violating state of each property in one run.
    pub firsts: crate::checker::properties::Firsts<Counts>,
}

impl CountingModel {
    /// The counting model of `ir` in `config`, if `ir` has the shape it
    /// needs (`None`: use the plain model).
    pub fn new(ir: &ProtocolIr, config: &Config) -> Option<Result<CountingModel, InstanceError>> {
        let c = &ir.consensus;
        let [upon] = c.upon.as_slice() else {
            return None;
        };
        let propose = c.propose.as_ref()?;
        let pure = ir.rules.is_empty()
            && propose.effects
                == [Effect::Send {
                    msg: upon.msg,
                    to: Dest::All,
                }]
            && ir.effects().all(|e| match e {
                Effect::Send { msg, .. } => *msg != upon.msg || propose.effects.contains(e),
                Effect::Deliver => false,
                _ => true,
            });
        if !pure {
            return None;
        }
        Some(Machine::new_unchecked(ir, config.n, config.f).map(|m| {
            let faulty = Faulty::of(config);
            CountingModel {
                upon: m.upon[0].clone(),
                faulty,
                n: config.n,
                byzantine: faulty.byzantine.count_ones() as usize,
                messages: ir.messages.clone(),
                one_step: ir.claims_one_step(config.n, config.f),
                measure: false,
                firsts: Default::default(),
            }
        }))
    }

    /// Correct processes at the start.
    pub fn correct(&self) -> usize {
        self.n - self.byzantine
    }

    /// The outcome of running the block on `snapshot` for input `x`, and
    /// whether an arm held for both values.
    pub fn evaluate(&self, x: Value, snapshot: [u8; 2], pick: Value) -> (Option<Conclusion>, bool) {
        let snap = [snapshot[0] as u32, snapshot[1] as u32];
        let (value, both, effects) = match self.upon.arm(snap) {
            Some((i, h)) => {
                let both = h[0] && h[1];
                let v = if both { pick } else { h[1] as Value };
                (v, both, Some(&self.upon.arms[i].effects))
            }
            None => (x, false, self.upon.otherwise.as_ref()),
        };
        let o = effects.into_iter().flatten().find_map(|e| match e {
            Effect::Decide => Some(Conclusion::Decided(value)),
            Effect::Handover(Estimate::Value) => Some(Conclusion::HandedOver(value)),
            Effect::Handover(Estimate::Proposal) => Some(Conclusion::HandedOver(x)),
            _ => None,
        });
        (o, both)
    }

    /// Whether a process with input `x` can see `snapshot` in `s`, and the
    /// Byzantine votes per value it then needs.
    pub fn feasible(&self, s: &Counts, x: Value, snapshot: [u8; 2]) -> Option<[u8; 2]> {
        if snapshot[x as usize] == 0 {
            return None;
        }
        let sent = |v: usize| s.rows[v].iter().sum::<u8>() + s.crashed[v];
        let need = [0, 1].map(|v| snapshot[v].saturating_sub(sent(v)));
        (need[0] as usize + need[1] as usize <= self.byzantine).then_some(need)
    }

    /// The initial states.
    pub fn initial(&self) -> Vec<Counts> {
        let c = self.correct();
        (0..=c)
            .filter(|&ones| !self.measure || ones == 0 || ones == c)
            .map(|ones| {
                let mut rows = [[0; STATUSES]; 2];
                rows[0][PENDING] = (c - ones) as u8;
                rows[1][PENDING] = ones as u8;
                Counts {
                    rows,
                    crashed: [0, 0],
                }
            })
            .collect()
    }

    /// The steps possible in `s`.
    pub fn steps(&self, s: &Counts, steps: &mut Vec<CountingAction>) {
        let k = self.upon.least as usize;
        for x in [0, 1] {
            if s.rows[x as usize][PENDING] == 0 {
                continue;
            }
            for a0 in 0..=k.min(u8::MAX as usize) {
                let snapshot = [a0 as u8, (k - a0) as u8];
                if k - a0 > u8::MAX as usize || self.feasible(s, x, snapshot).is_none() {
                    continue;
                }
                steps.push(CountingAction::Evaluate {
                    input: x,
                    snapshot,
                    pick: 0,
                });
                if self.evaluate(x, snapshot, 0).1 {
                    steps.push(CountingAction::Evaluate {
                        input: x,
                        snapshot,
                        pick: 1,
                    });
                }
            }
        }
        let crashed = (s.crashed[0] + s.crashed[1]) as usize;
        if crashed < self.faulty.crashes {
            for x in [0, 1] {
                for st in 0..STATUSES {
                    if s.rows[x as usize][st] > 0 {
                        steps.push(CountingAction::Crash {
                            input: x,
                            status: st as u8,
                        });
                    }
                }
            }
        }
    }

    /// Carries out `step`.
    pub fn apply(&self, s: &mut Counts, step: CountingAction) -> Option<Conclusion> {
        match step {
            CountingAction::Evaluate {
                input,
                snapshot,
                pick,
            } => {
                let (o, _) = self.evaluate(input, snapshot, pick);
                let row = &mut s.rows[input as usize];
                row[PENDING] -= 1;
                row[status(o)] += 1;
                o
            }
            CountingAction::Crash { input, status } => {
                s.rows[input as usize][status as usize] -= 1;
                s.crashed[input as usize] += 1;
                None
            }
        }
    }

    /// The correct processes that certainly deliver their votes: the
    /// correct ones not crashed.
    fn live(&self, s: &Counts) -> usize {
        s.rows.iter().flatten().map(|&c| c as usize).sum()
    }
}

impl stateright::Model for CountingModel {
    type State = Counts;
    type Action = CountingAction;

    fn init_states(&self) -> Vec<Counts> {
        self.initial()
    }

    fn actions(&self, state: &Counts, actions: &mut Vec<CountingAction>) {
        self.steps(state, actions)
    }

    fn next_state(&self, last: &Counts, action: CountingAction) -> Option<Counts> {
        let mut s = last.clone();
        self.apply(&mut s, action);
        Some(s)
    }

    fn properties(&self) -> Vec<stateright::Property<Self>> {
        crate::checker::properties::all(self)
    }
}

/// A counting state as the properties read it (ids by rank: input 0 first,
/// status order).
pub struct CountView<'a> {
    model: &'a CountingModel,
    state: &'a Counts,
}

impl View for CountView<'_> {
    fn unanimous(&self) -> Option<Value> {
        let proposed = |v: usize| self.state.rows[v].iter().sum::<u8>() + self.state.crashed[v];
        match (proposed(0), proposed(1)) {
            (_, 0) => Some(0),
            (0, _) => Some(1),
            _ => None,
        }
    }
    fn procs(&self) -> Vec<Proc> {
        let mut procs = Vec::new();
        for x in [0, 1] {
            for st in 0..STATUSES {
                for _ in 0..self.state.rows[x][st] {
                    procs.push(Proc {
                        id: procs.len(),
                        input: x as Value,
                        outcome: outcome(st),
                        fired: st != PENDING,
                    });
                }
            }
        }
        procs
    }
    fn stuck(&self) -> Option<ProcId> {
        let procs = self.procs();
        let starved = self.model.live(self.state) < self.model.upon.least as usize;
        procs
            .iter()
            .find(|p| p.fired && p.outcome.is_none() || !p.fired && starved)
            .map(|p| p.id)
    }
    fn one_step(&self) -> bool {
        self.model.one_step
    }
}

impl Viewed for CountingModel {
    fn view<'a>(&'a self, s: &'a Counts) -> impl View + 'a {
        CountView {
            model: self,
            state: s,
        }
    }
    fn measuring(&self) -> bool {
        self.measure
    }
    fn first_violations(&self) -> &crate::checker::properties::Firsts<Counts> {
        &self.firsts
    }
}
