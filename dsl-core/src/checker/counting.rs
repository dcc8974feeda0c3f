//! The counting model: the checker's stateright [`Model`] when no process
//! crashes (scenarios failure-free, correct broadcaster, Byzantine
//! broadcaster).
//!
//! # The counting abstraction
//!
//! In the bitset model ([`super::model`]) a process records, per (type,
//! value), the *set* of its senders, and the network holds a message per
//! (sender, receiver). But a guard only counts senders (`received T >= k`)
//! or asks whether the broadcaster is among them (`from broadcaster`); a
//! correct process sends each (type, value) at most once, so the messages of
//! one (type, value) in flight to a process come from distinct senders that
//! it has not counted yet; and without crashes nothing else ever reads a
//! sender's name. So a process is a row of counters ([`super::rows`]): per
//! (type, value), how many senders it counted (and how many of them are
//! Byzantine, which bounds further injections), how many messages of it are
//! in flight to it, and the same two facts for the broadcaster as bits.
//!
//! Why no behaviour is lost or added: map a bitset state to its rows (count
//! the sets). Two bitset states with the same rows up to a permutation of the
//! correct non-broadcasters are related by a renaming of senders within each
//! row, which preserves every guard (counts and the broadcaster bit are
//! kept) and every property (deliveries are kept); each bitset step maps to a
//! counting step with the same counts (take k messages in flight: any k of
//! them give the same row), and each counting step is the image of a bitset
//! step (take the lowest senders). The counting model also uses the bitset
//! model's other reductions, carried over to counts: dead variables
//! ([`Core::reduce`]), lazy receipts ([`super::sets`]; a set takes messages in
//! flight before injections, as in [`super::lazy`]), and Byzantine
//! processes counted rather than named. `tests/differential.rs` compares the
//! verdicts with the plain model's and the state counts' verdicts with the
//! bitset model's.
//!
//! With crashes, names matter (a crash decides which messages in flight can
//! be lost), so the crash scenario uses the bitset model.
//!
//! # The canonical form
//!
//! The correct processes other than the broadcaster are interchangeable and
//! a row holds everything about one of them (its incoming messages included),
//! so sorting their rows is a canonical form: two states are renamings of
//! each other if and only if their sorted rows are equal. Sorting costs
//! O(N log N) row comparisons, against the permutations of
//! [`super::symmetry`].

use super::faults::Faulty;
use super::layout::{MAX_N, MAX_TYPES, VALUES};
use super::model::ModelError;
use super::properties::{self, Observe};
use super::rows::{CountState, Shape};
use super::rules::Rules;
use super::sets;
use super::steps::{Core, Step};
use super::{Config, Scenario};
use crate::ir::ProtocolIr;
use crate::semantics::{CompiledGuard, Machine, ProcId, Value};
use stateright::{Model, Property};

/// The counting model of one protocol in one configuration without crashes.
#[derive(Clone, Debug)]
pub struct CountingModel {
    /// The step function and the state layout.
    pub core: Core,
    /// Who is faulty.
    pub faulty: Faulty,
    /// Per row, a correct process id it stands for (the properties name
    /// processes; counterexamples are renamed on replay).
    pub ids: Vec<ProcId>,
    /// Message type names, for traces.
    pub messages: Vec<String>,
}

impl CountingModel {
    /// The model of `ir` in `config`; the crash scenario (and a protocol
    /// with more than 64 rules) has no counting model.
    pub fn new(ir: &ProtocolIr, config: &Config) -> Result<CountingModel, ModelError> {
        if config.n > MAX_N
            || ir.messages.len() > MAX_TYPES
            || config.n == 0
            || config.scenario == Scenario::Crashes
            || ir.rules.len() > 64
        {
            return Err(ModelError::TooLarge {
                n: config.n,
                types: ir.messages.len(),
            });
        }
        let machine = Machine::new_unchecked(ir, config.n, config.f)?;
        let faulty = Faulty::of(config);
        let ids: Vec<ProcId> = (0..config.n).filter(|&p| !faulty.is_byzantine(p)).collect();
        let thresholds = (0..machine.messages)
            .map(|t| {
                machine
                    .rules
                    .iter()
                    .flat_map(|r| &r.guards)
                    .fold(0u32, |m, g| match *g {
                        CompiledGuard::AtLeast(u, k) if u == t && k < 32 => m | 1 << k,
                        _ => m,
                    })
            })
            .collect();
        let core = Core {
            rules: Rules::of(&machine),
            shape: Shape {
                rows: ids.len(),
                k: ir.messages.len() * VALUES,
                first_symmetric: usize::from(faulty.broadcaster_correct),
            },
            byz_others: faulty.byzantine_others().len() as u16,
            byz_broadcaster: faulty.is_byzantine(0),
            thresholds,
            machine,
        };
        Ok(CountingModel {
            core,
            faulty,
            ids,
            messages: ir.messages.clone(),
        })
    }

    /// The canonical form of `s`: reduced, interchangeable rows sorted.
    pub fn canonical(&self, mut s: Box<[u16]>) -> CountState {
        self.core.reduce(&mut s);
        self.core.shape.sort(&mut s);
        CountState(s)
    }

    /// The enabled steps: every step of the first row of each run of equal
    /// rows.
    pub fn enabled(&self, s: &[u16], out: &mut Vec<Step>) {
        let shape = &self.core.shape;
        for r in 0..shape.rows {
            if r > shape.first_symmetric && shape.row(s, r) == shape.row(s, r - 1) {
                continue;
            }
            sets::steps_at(&self.core, s, r, out);
        }
    }

    /// The successor of `s` by `step`, canonical; `None` if not enabled.
    pub fn next(&self, s: &[u16], step: &Step) -> Option<CountState> {
        let mut next: Box<[u16]> = s.into();
        self.core.apply(&mut next, step)?;
        Some(self.canonical(next))
    }

    /// A view of `s` for the properties.
    pub fn observe<'a>(&'a self, s: &'a [u16]) -> CountView<'a> {
        CountView { model: self, s }
    }
}

/// A state of the counting model as the properties see it: row `r` is
/// process `ids[r]`.
pub struct CountView<'a> {
    model: &'a CountingModel,
    s: &'a [u16],
}

impl Observe for CountView<'_> {
    fn n(&self) -> usize {
        self.model.faulty.n
    }
    fn is_correct(&self, p: ProcId) -> bool {
        !self.model.faulty.is_byzantine(p)
    }
    fn delivered(&self, p: ProcId) -> Option<Value> {
        let r = self.model.ids.iter().position(|&q| q == p)?;
        let w = self.model.core.shape.row(self.s, r)[1];
        w.checked_sub(1).map(|v| v as Value)
    }
    fn quiescent(&self) -> bool {
        sets::quiescent(&self.model.core, self.s)
    }
    fn broadcaster_correct(&self) -> bool {
        self.model.faulty.broadcaster_correct
    }
}

impl Model for CountingModel {
    type State = CountState;
    type Action = Step;

    fn init_states(&self) -> Vec<CountState> {
        vec![self.canonical(self.core.initial())]
    }

    fn actions(&self, state: &CountState, actions: &mut Vec<Step>) {
        self.enabled(&state.0, actions);
    }

    fn next_state(&self, last: &CountState, action: Step) -> Option<CountState> {
        self.next(&last.0, &action)
    }

    fn properties(&self) -> Vec<Property<Self>> {
        properties::all()
    }
}

impl properties::Checked for CountingModel {
    fn view<'a>(&'a self, s: &'a CountState) -> impl Observe + 'a {
        self.observe(&s.0)
    }
}
