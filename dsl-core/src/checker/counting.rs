//! The counting model: the checker's stateright [`Model`] when no process
//! crashes (scenarios failure-free, correct broadcaster, Byzantine
//! broadcaster).
//!
//! # The counting abstraction
//!
//! In the bitset model ([`super::bitset`]) a process records, per (type,
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
//!
//! # Value symmetry
//!
//! With a Byzantine broadcaster nobody broadcasts a value of its own: the
//! initial state holds no value, and values 0 and 1 play the same role. The
//! DSL is value-generic (a rule runs for one value v, reads the senders of
//! (T, v), sends (T', v), delivers v; `not sent T` and "delivered" look at
//! both values alike) and the Byzantine processes can inject either value,
//! so swapping 0 and 1 in every row ([`Shape::swap_values`]) maps a step of
//! the counting model to a step (the dead-variable reduction and the lazy
//! receipts of [`super::sets`] are computed per value by the same code, so
//! they commute with the swap), and the initial state to itself. The
//! properties do not tell the values apart there: integrity and validity
//! only constrain a correct broadcaster's value, agreement asks that no two
//! correct processes deliver different values and totality that all or none
//! deliver. So the swap is an automorphism of the model preserving every
//! property, and the canonical form is the smaller (lexicographically) of the
//! sorted rows and the sorted rows with the values swapped: it is the same
//! for two states if and only if they are related by a renaming of processes
//! and possibly of values. Exploring these classes visits a state of every
//! class of reachable states, finds a violation exactly when one is reachable,
//! and at the same depth (a swap maps a path to a path of the same length).
//! With a correct broadcaster (value 0 is its value) the swap is not used.
//! `tests/differential.rs` compares the verdicts with the plain model's,
//! which has no reduction, and `value_symmetry_keeps_verdicts` compares the
//! model with and without it.

use super::bitset::ModelError;
use super::faults::Faulty;
use super::layout::{MAX_N, MAX_TYPES, VALUES};
use super::properties::{self, Observe};
use super::rows::{CountState, Shape};
use super::rules::Rules;
use super::sets;
use super::steps::{Core, RowReceipt, MAX_WIDTH};
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
    /// Whether the canonical form also swaps the values 0 and 1 (see the
    /// module docs): on when no correct process broadcasts.
    pub value_symmetry: bool,
    /// The first violating states of a run (see [`properties::Firsts`]).
    pub firsts: properties::Firsts<CountState>,
}

/// Most words in a counting state.
const MAX_STATE: usize = MAX_N * MAX_WIDTH;

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
                        CompiledGuard::AtLeastExcluding(u, k) if u == t && k < 32 => {
                            m | 1 << k | 1u32.checked_shl(k + 1).unwrap_or(0)
                        }
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
            id: Core::numbered(),
        };
        Ok(CountingModel {
            core,
            value_symmetry: !faulty.broadcaster_correct,
            faulty,
            ids,
            messages: ir.messages.clone(),
            firsts: Default::default(),
        })
    }

    /// The canonical form of `s`: reduced, interchangeable rows sorted, the
    /// smaller of the two value orders under value symmetry.
    pub fn canonical(&self, mut s: Box<[u16]>) -> CountState {
        self.core.reduce(&mut s);
        self.sorted(s)
    }

    /// The canonical form of a reduced `s`.
    fn sorted(&self, mut s: Box<[u16]>) -> CountState {
        let shape = &self.core.shape;
        shape.sort(&mut s);
        if self.value_symmetry {
            let mut scratch = [0u16; MAX_STATE];
            let swapped = &mut scratch[..s.len()];
            swapped.copy_from_slice(&s);
            shape.swap_values(swapped);
            shape.sort(swapped);
            if *swapped < *s {
                s.copy_from_slice(swapped);
            }
        }
        CountState(s)
    }

    /// The canonical form of the reduced rows `s`, with the row of `s` at
    /// each position and whether the values were swapped (for traces).
    pub fn canonical_order(&self, s: &[u16]) -> (Box<[u16]>, Vec<usize>, bool) {
        let shape = &self.core.shape;
        let w = shape.width();
        let order_of = |rows: &[u16]| {
            let mut order: Vec<usize> = (0..shape.rows).collect();
            order[shape.first_symmetric..]
                .sort_by(|&a, &b| rows[a * w..(a + 1) * w].cmp(&rows[b * w..(b + 1) * w]));
            let sorted: Box<[u16]> = order
                .iter()
                .flat_map(|&r| shape.row(rows, r).to_vec())
                .collect();
            (sorted, order)
        };
        let (sorted, order) = order_of(s);
        if self.value_symmetry {
            let mut swapped = s.to_vec();
            shape.swap_values(&mut swapped);
            let (other, other_order) = order_of(&swapped);
            if other < sorted {
                return (other, other_order, true);
            }
        }
        (sorted, order, false)
    }

    /// The enabled steps: every step of the first row of each run of equal
    /// rows.
    pub fn enabled(&self, s: &[u16], out: &mut Vec<RowReceipt>) {
        let shape = &self.core.shape;
        for r in 0..shape.rows {
            if r > shape.first_symmetric && shape.row(s, r) == shape.row(s, r - 1) {
                continue;
            }
            sets::steps_at(&self.core, s, r, out);
        }
    }

    /// The successor of `s` by `step`, canonical; `None` if not enabled.
    pub fn next(&self, s: &[u16], step: &RowReceipt) -> Option<CountState> {
        let mut next: Box<[u16]> = s.into();
        self.core.apply(&mut next, step)?;
        Some(self.sorted(next))
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
    type Action = RowReceipt;

    fn init_states(&self) -> Vec<CountState> {
        vec![self.canonical(self.core.initial())]
    }

    fn actions(&self, state: &CountState, actions: &mut Vec<RowReceipt>) {
        self.enabled(&state.0, actions);
    }

    fn next_state(&self, last: &CountState, action: RowReceipt) -> Option<CountState> {
        self.next(&last.0, &action)
    }

    fn properties(&self) -> Vec<Property<Self>> {
        properties::all(self)
    }
}

impl properties::Checked for CountingModel {
    fn firsts(&self) -> Option<&properties::Firsts<CountState>> {
        Some(&self.firsts)
    }

    fn verify(&self, p: crate::problem::Property, s: &CountState) -> Result<(), String> {
        properties::broadcast(p, &self.observe(&s.0))
    }
}
