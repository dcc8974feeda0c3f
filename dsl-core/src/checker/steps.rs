//! The counting model's step and dead-variable reduction, on the rows of
//! [`super::rows`]. The enabled steps are chosen in [`super::sets`]; the
//! stateright `Model` is [`super::counting`].

use super::layout::{pair, MAX_TYPES, VALUES};
use super::rows::{self, CountRow, Shape, BCAST, BCAST_FLIGHT, BYZ_SHIFT, FLIGHT_SHIFT};
use super::rules::Rules;
use crate::ir::Dest;
use crate::semantics::{CompiledGuard, Local, Machine, Output, ProcId, Value};
use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};

/// Widest row: sent flags, delivery, `2 * MAX_TYPES` pairs.
pub const MAX_WIDTH: usize = 2 + VALUES * MAX_TYPES;

/// One step of the counting model: row `row` receives, for value `value`,
/// per type `t`, `flight[t]` messages in flight from correct processes other
/// than the broadcaster, `injected[t]` injections from Byzantine processes
/// other than the broadcaster, and the broadcaster's message of each type in
/// the bitmask `broadcaster` (in flight if it is correct, an injection if
/// not). Counts, not names: any senders of the right kind give the same
/// successor.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct RowReceipt {
    /// The receiving row, in the state's order.
    pub row: u8,
    /// The value of every message received.
    pub value: Value,
    /// Messages in flight taken, per type.
    pub flight: [u8; MAX_TYPES],
    /// Injections taken, per type.
    pub injected: [u8; MAX_TYPES],
    /// Types of which the broadcaster's message is taken.
    pub broadcaster: u8,
}

/// What [`Core::fires`] reads of a row for one value.
#[derive(Clone, Copy, Debug, Default)]
pub struct Probe {
    /// Senders counted per type, the broadcaster excepted.
    pub counted: [u8; MAX_TYPES],
    /// Types of which the broadcaster is counted.
    pub bcast: u8,
    /// The rules that may still fire, as a bitmask (at most 64 rules).
    pub rules: u64,
}

/// Of what a step did, the part that decides its successor: per send, bit
/// `3 * type + destination` (all, others, self), and bit 30 for a delivery.
pub type OutputCode = u32;

fn encode(out: &[Output]) -> OutputCode {
    out.iter().fold(0, |m, o| match *o {
        Output::Send { msg, to, .. } => {
            m | 1
                << (3 * msg
                    + match to {
                        Dest::All => 0,
                        Dest::Others => 1,
                        Dest::Myself => 2,
                    })
        }
        Output::Deliver(_) | Output::Decide(_) | Output::Handover(_) => m | 1 << 30,
        Output::Evaluate(_) => m,
    })
}

thread_local! {
    /// Outputs of the step function, reused from step to step.
    static OUTPUTS: RefCell<Vec<Output>> = const { RefCell::new(Vec::new()) };
}

/// The protocol at one configuration, as the counting model steps it.
#[derive(Clone, Debug)]
pub struct Core {
    /// The step function.
    pub machine: Machine,
    /// What the reductions read of the rules.
    pub rules: Rules,
    /// The state layout.
    pub shape: Shape,
    /// Byzantine processes other than the broadcaster.
    pub byz_others: u16,
    /// Whether the broadcaster is Byzantine.
    pub byz_broadcaster: bool,
    /// Per type, bit `k` set when some `received T >= k` guard reads it
    /// (k < 32); a `>= k excluding broadcaster` guard sets bits k and k + 1,
    /// the senders counted the broadcaster included at which it may change
    /// (see `super::sets`, threshold points).
    pub thresholds: Vec<u32>,
    /// A number no other core of this process has (see [`Core::numbered`]):
    /// what memoised results are keyed by.
    pub id: u64,
}

/// The last number given to a core.
static CORES: AtomicU64 = AtomicU64::new(0);

impl Core {
    /// A number for a new core, never given before.
    pub fn numbered() -> u64 {
        CORES.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// The process id the step function is given for row `r`: 0 for the
    /// correct broadcaster, 1 (any other) for the rest.
    fn me(&self, r: usize) -> ProcId {
        usize::from(!self.shape.is_broadcaster(r))
    }

    /// `row` with `others[t]` more senders other than the broadcaster and
    /// the broadcaster's message of the types in `bcast` counted, for `v`.
    fn with_counted(
        &self,
        row: &[u16],
        v: Value,
        others: &[u8; MAX_TYPES],
        bcast: u8,
    ) -> [u16; MAX_WIDTH] {
        let mut scratch = [0u16; MAX_WIDTH];
        scratch[..row.len()].copy_from_slice(row);
        for t in 0..self.machine.messages {
            let w = &mut scratch[2 + pair(t, v)];
            *w += u16::from(others[t]);
            if bcast & (1 << t) != 0 {
                *w |= BCAST;
            }
        }
        scratch
    }

    /// What [`Core::fires`] needs of `row` for `v`: the senders counted per
    /// type and the rules that could still fire (no `not sent` guard failed,
    /// an effect left to do).
    pub fn probe(&self, row: &[u16], v: Value) -> Probe {
        let mut scratch = [0u16; MAX_WIDTH];
        scratch[..row.len()].copy_from_slice(row);
        let local = CountRow(&mut scratch[..row.len()]);
        let mut probe = Probe::default();
        for t in 0..self.machine.messages {
            let w = row[2 + pair(t, v)];
            probe.counted[t] = rows::count(w) as u8;
            if w & BCAST != 0 {
                probe.bcast |= 1 << t;
            }
        }
        for (i, rule) in self.machine.rules.iter().enumerate() {
            let blocked = rule
                .guards
                .iter()
                .any(|g| matches!(*g, CompiledGuard::NotSent(t) if local.has_sent_any(t)));
            if !blocked && self.machine.pending(&local, rule, v) {
                probe.rules |= 1 << i;
            }
        }
        probe
    }

    /// Whether some rule fires (the first step of settling) once `others[t]`
    /// more senders other than the broadcaster and the broadcaster's message
    /// of the types in `bcast` are counted at the row of `probe`. The
    /// guards' meaning is [`Machine::enabled`]'s, read on counts: `received
    /// T >= k` holds when at least k senders of T are counted (the
    /// broadcaster included), `received T >= k excluding broadcaster` when
    /// at least k are counted other than the broadcaster (the row's own
    /// count, which never holds the broadcaster), `from broadcaster` when
    /// the broadcaster is.
    pub fn fires(&self, probe: &Probe, others: &[u8; MAX_TYPES], bcast: u8) -> bool {
        let bcast = bcast | probe.bcast;
        let mut rules = probe.rules;
        while rules != 0 {
            let i = rules.trailing_zeros() as usize;
            rules &= rules - 1;
            let holds = self.machine.rules[i].guards.iter().all(|g| match *g {
                CompiledGuard::FromBroadcaster(t) => bcast & (1 << t) != 0,
                CompiledGuard::AtLeast(t, k) => {
                    u32::from(probe.counted[t]) + u32::from(others[t]) + (u32::from(bcast) >> t & 1)
                        >= k
                }
                CompiledGuard::AtLeastExcluding(t, k) => {
                    u32::from(probe.counted[t]) + u32::from(others[t]) >= k
                }
                CompiledGuard::NotSent(_) => true,
            });
            if holds {
                return true;
            }
        }
        false
    }

    /// What settling `row` (of row `r`) for `v` does once `others[t]` more
    /// senders other than the broadcaster and the broadcaster's message of
    /// the types in `bcast` are counted; `out` is scratch space.
    pub fn outcome(
        &self,
        row: &[u16],
        r: usize,
        v: Value,
        others: &[u8; MAX_TYPES],
        bcast: u8,
        out: &mut Vec<Output>,
    ) -> OutputCode {
        let mut scratch = self.with_counted(row, v, others, bcast);
        out.clear();
        self.machine
            .settle(self.me(r), &mut CountRow(&mut scratch[..row.len()]), v, out);
        encode(out)
    }

    /// Applies `step` to `s` (without sorting); `None` if it is not
    /// enabled. A reduced `s` stays reduced (see [`Core::reduce`]): the
    /// receiving row is reduced again, the others receive no dead message.
    pub fn apply(&self, s: &mut [u16], step: &RowReceipt) -> Option<()> {
        let (r, v) = (step.row as usize, step.value);
        if r >= self.shape.rows || v as usize >= VALUES {
            return None;
        }
        for t in 0..self.machine.messages {
            let w = &mut self.shape.row_mut(s, r)[2 + pair(t, v)];
            let (fl, inj) = (u16::from(step.flight[t]), u16::from(step.injected[t]));
            if fl > rows::flight(*w) || inj + rows::byz(*w) > self.byz_others {
                return None;
            }
            *w = *w - (fl << FLIGHT_SHIFT) + (inj << BYZ_SHIFT) + fl + inj;
            if step.broadcaster & (1 << t) != 0 {
                let available = if self.byz_broadcaster {
                    *w & BCAST == 0
                } else {
                    *w & BCAST_FLIGHT != 0
                };
                if !available {
                    return None;
                }
                *w = (*w | BCAST) & !BCAST_FLIGHT;
            }
        }
        OUTPUTS.with_borrow_mut(|out| {
            out.clear();
            let row = self.shape.row_mut(s, r);
            self.machine.settle(self.me(r), &mut CountRow(row), v, out);
            self.reduce_row(row);
            self.emit(s, r, out);
        });
        Some(())
    }

    /// The initial state, before reduction and sorting: the correct
    /// broadcaster (row 0) has run `on broadcast(0)`.
    pub fn initial(&self) -> Box<[u16]> {
        let mut s = vec![0u16; self.shape.len()].into_boxed_slice();
        if self.shape.first_symmetric == 1 {
            let mut out = Vec::new();
            let row = self.shape.row_mut(&mut s, 0);
            self.machine.broadcast(0, &mut CountRow(row), 0, &mut out);
            self.emit(&mut s, 0, &out);
        }
        s
    }

    /// Puts the network messages of `out` (outputs of row `from`) in flight
    /// to every other correct process, but not where the dead-variable
    /// reduction would clear them at once (a type that no rule of the
    /// receiver able to change anything still reads): a reduced state stays
    /// reduced.
    fn emit(&self, s: &mut [u16], from: usize, out: &[Output]) {
        let broadcaster = self.shape.is_broadcaster(from);
        for o in out {
            if let Output::Send { msg, value, to } = *o {
                if to.includes_others() {
                    for r in (0..self.shape.rows).filter(|&r| r != from) {
                        let row = self.shape.row_mut(s, r);
                        if self.rules.live_types(row[0], row[1], value) & (1 << msg) == 0 {
                            continue;
                        }
                        let w = &mut row[2 + pair(msg, value)];
                        if broadcaster {
                            *w |= BCAST_FLIGHT;
                        } else {
                            *w += 1 << FLIGHT_SHIFT;
                        }
                    }
                }
            }
        }
    }

    /// Dead-variable reduction (as in the bitset model): per row and value,
    /// the pairs of types that no rule able to change anything still reads
    /// are cleared (senders counted, messages in flight, injections).
    pub fn reduce(&self, s: &mut [u16]) {
        for r in 0..self.shape.rows {
            self.reduce_row(self.shape.row_mut(s, r));
        }
    }

    /// The dead-variable reduction of one row.
    fn reduce_row(&self, row: &mut [u16]) {
        for v in 0..VALUES as Value {
            let live = self.rules.live_types(row[0], row[1], v);
            for t in (0..self.machine.messages).filter(|&t| live & (1 << t) == 0) {
                row[2 + pair(t, v)] = 0;
            }
        }
    }
}
