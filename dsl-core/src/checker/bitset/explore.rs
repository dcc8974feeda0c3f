//! The bitset model as stateright explores it: its enabled steps (single
//! receipts, lazy receipts from [`crate::checker::lazy`], losses and crashes), its
//! quiescence, its canonical form ([`crate::checker::symmetry`]) and its `Model` impl.
//! The state and the step are in the parent module, [`super`].

use super::BitsetModel;
use crate::checker::layout::{State, VALUES};
use crate::checker::properties::{self, Observe};
use crate::checker::{lazy, symmetry, Action, Senders};
use crate::semantics::{ProcId, Value};
use stateright::{Model, Property};

impl BitsetModel {
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
                            before: Senders::default(),
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
                    actions.push(Action::Lose((from as u8, to as u8, msg, value).into()));
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
        CompactView {
            model: self,
            s,
            quiescent: None,
        }
    }
}

/// A state of the compact model as the properties see it.
pub struct CompactView<'a> {
    model: &'a BitsetModel,
    s: &'a [u16],
    /// Quiescence as decided elsewhere (a replayed counting state's, see
    /// `trace.rs`); `None`: this model's own [`BitsetModel::quiescent`].
    quiescent: Option<bool>,
}

impl CompactView<'_> {
    /// The same view, quiescent exactly when `quiescent` says.
    pub fn quiescent_when(self, quiescent: bool) -> Self {
        CompactView {
            quiescent: Some(quiescent),
            ..self
        }
    }
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
        self.quiescent
            .unwrap_or_else(|| self.model.quiescent(self.s))
    }
    fn broadcaster_correct(&self) -> bool {
        self.model.faulty.broadcaster_correct
    }
}

impl Model for BitsetModel {
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
        properties::all(self)
    }
}

impl properties::Checked for BitsetModel {
    fn firsts(&self) -> Option<&properties::Firsts<State>> {
        Some(&self.firsts)
    }

    fn verify(&self, p: crate::problem::Property, s: &State) -> Result<(), String> {
        properties::broadcast(p, &self.observe(&s.0))
    }
}
