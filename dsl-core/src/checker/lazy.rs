//! Lazy receipts: the steps of the compact model under Byzantine faults.
//!
//! Most receipts change nothing when they happen: an injection from a
//! Byzantine process, or a message in flight that only raises a count below
//! every threshold. Exploring them when they happen multiplies the states by
//! every combination of counts and every order of arrival, so the compact
//! model delays them until they matter:
//!
//! - a step of process p for value v receives a set Q of messages of value v
//!   (messages in flight to p, and injections) such that Q makes a rule fire
//!   and Q without one of its messages (the one received last) does not;
//! - of the sets Q with the same outcome, only those with no smaller set
//!   (message by message) giving that outcome are explored;
//! - a state is quiescent when, for every correct p and value v, receiving all
//!   messages of v in flight to p would make no rule fire: the messages left
//!   in flight then change nothing, and receiving them leads to a quiescent
//!   state of the plain model with the same deliveries.
//!
//! Why this loses no behaviour: take an execution of the plain model and
//! defer each receipt that changed nothing when it happened. At p's next step
//! for v that changes something, the deferred messages plus that step's
//! message form a set Q as above (p was settled with the deferred ones
//! received), and the smallest set below Q with the same outcome is explored;
//! sent flags, deliveries and crashes stay identical, only counts that have
//! not mattered yet differ, and what is still deferred when the plain model is
//! quiescent makes the compact state quiescent. Why it adds none: a step is
//! the plain model's receipts one at a time, each changing nothing but the
//! last, and a quiescent state is one receipt-by-receipt away from a plain
//! quiescent state with the same deliveries.
//!
//! Messages are counted, not named: per type, a set takes the messages in
//! flight first (lowest senders first), then injections (lowest Byzantine
//! sender first), and the broadcaster's message (or injection) apart, since
//! only `from broadcaster` and `excluding broadcaster` read a sender's name,
//! and only to ask whether it is process 0. With crashes, names matter
//! (a crash loses its sender's messages), so the crash scenario does not use
//! lazy receipts. When a state has too many sets to try, its steps fall back
//! to single receipts, which is the plain model's (sound and complete on its
//! own).

use super::bitset::BitsetModel;
use super::layout::{pair, Row, VALUES};
use super::{Action, Senders};
use crate::semantics::{Local, Output, ProcId, Value};

/// Most sets tried per (process, value) before falling back to single receipts.
const MAX_SETS: usize = 512;

/// What a set can take of one message type.
struct NamedRoom {
    msg: usize,
    /// Senders other than the broadcaster, in the order a set takes them:
    /// messages in flight (lowest first), then Byzantine injections.
    others: Vec<ProcId>,
    /// Whether the broadcaster's message can be taken (in flight, or
    /// injected by a Byzantine broadcaster).
    broadcaster: bool,
}

impl NamedRoom {
    fn choices(&self) -> usize {
        (self.others.len() + 1) * (1 + self.broadcaster as usize)
    }
}

/// A set: per room, (how many others, whether the broadcaster).
type Take = Vec<(usize, bool)>;

fn decode(rooms: &[NamedRoom], mut index: usize) -> Take {
    rooms
        .iter()
        .map(|r| {
            let c = index % r.choices();
            index /= r.choices();
            (c % (r.others.len() + 1), c / (r.others.len() + 1) == 1)
        })
        .collect()
}

fn below(a: &Take, b: &Take) -> bool {
    a != b && a.iter().zip(b).all(|(x, y)| x.0 <= y.0 && (!x.1 || y.1))
}

fn senders(rooms: &[NamedRoom], take: &Take) -> Senders {
    let mut set = Senders::default();
    for (room, &(k, b)) in rooms.iter().zip(take) {
        set.0[room.msg] = room.others[..k]
            .iter()
            .fold(u16::from(b), |s, &q| s | 1 << q);
    }
    set
}

/// The outputs of settling `row` for `v` once `set` is counted.
pub(crate) fn outcome(
    model: &BitsetModel,
    row: &[u16],
    to: ProcId,
    v: Value,
    set: &Senders,
) -> Vec<Output> {
    let mut scratch = row.to_vec();
    let mut local = Row(&mut scratch);
    for (t, b) in set.iter() {
        local.add_sender(t, v, b);
    }
    let mut out = Vec::new();
    model.machine.settle(to, &mut local, v, &mut out);
    out
}

/// The rooms of process `to` for value `v`: the types some rule that can
/// still change anything reads, with what a set can take of each.
fn rooms(model: &BitsetModel, s: &[u16], to: ProcId, v: Value) -> Vec<NamedRoom> {
    let l = model.layout;
    let row = &s[l.proc(to)..l.proc(to) + l.row()];
    let live = model.live_types(row, v);
    let mut rooms = Vec::new();
    for msg in (0..model.machine.messages).filter(|&t| live & (1 << t) != 0) {
        let counted = row[2 + pair(msg, v)];
        let bit = 1 << pair(msg, v);
        // The largest threshold a rule still waiting on this type needs:
        // counting past it changes nothing.
        // (`excluding broadcaster` needs one more, see
        // `CompiledGuard::saturation`.)
        let needed = model
            .machine
            .saturation(msg)
            .saturating_sub(counted.count_ones() as usize);
        let in_flight =
            (1..l.n).filter(|&q| s[l.flight(q, to)] & bit != 0 && !model.faulty.is_byzantine(q));
        let injections = model
            .byzantine_others
            .iter()
            .copied()
            .filter(|&b| counted & (1 << b) == 0);
        let others: Vec<ProcId> = in_flight.chain(injections).take(needed).collect();
        let broadcaster = counted & 1 == 0
            && if model.faulty.is_byzantine(0) {
                true
            } else {
                s[l.flight(0, to)] & bit != 0
            };
        let room = NamedRoom {
            msg,
            others,
            broadcaster,
        };
        if room.choices() > 1 {
            rooms.push(room);
        }
    }
    rooms
}

/// Every step of process `to` in state `s` (see the module docs).
pub fn actions_at(model: &BitsetModel, s: &[u16], to: ProcId, actions: &mut Vec<Action>) {
    let l = model.layout;
    let row: Vec<u16> = s[l.proc(to)..l.proc(to) + l.row()].to_vec();
    for v in 0..VALUES as Value {
        let rooms = rooms(model, s, to, v);
        let total: usize = rooms.iter().map(NamedRoom::choices).product();
        let receipt = |from: ProcId, msg: usize, before: Senders| Action::Receive {
            from: from as u8,
            to: to as u8,
            msg: msg as u8,
            value: v,
            before,
        };
        if total > MAX_SETS {
            // Fall back to single receipts: every message in flight (the
            // lowest sender of each type stands for the others) and every
            // injection.
            for (from, msg) in model.receipts(s, to, v) {
                actions.push(receipt(from, msg, Senders::default()));
            }
            for room in &rooms {
                let counted = row[2 + pair(room.msg, v)];
                if model.faulty.is_byzantine(0) && counted & 1 == 0 {
                    actions.push(receipt(0, room.msg, Senders::default()));
                }
                if let Some(&b) = model
                    .byzantine_others
                    .iter()
                    .find(|&&b| counted & (1 << b) == 0)
                {
                    actions.push(receipt(b, room.msg, Senders::default()));
                }
            }
            continue;
        }
        let takes: Vec<Take> = (0..total).map(|i| decode(&rooms, i)).collect();
        let sets: Vec<Senders> = takes.iter().map(|t| senders(&rooms, t)).collect();
        let outcomes: Vec<Vec<Output>> = sets
            .iter()
            .map(|b| outcome(model, &row, to, v, b))
            .collect();
        // A step: a set that makes a rule fire, and does not without one of
        // its messages, received last.
        let last = |i: usize| -> Option<(ProcId, usize, Senders)> {
            if outcomes[i].is_empty() {
                return None;
            }
            for (r, room) in rooms.iter().enumerate() {
                let (k, b) = takes[i][r];
                let mut smaller = takes[i].clone();
                let sender = if b {
                    smaller[r].1 = false;
                    0
                } else if k > 0 {
                    smaller[r].0 = k - 1;
                    room.others[k - 1]
                } else {
                    continue;
                };
                let j = takes.iter().position(|t| *t == smaller)?;
                if outcomes[j].is_empty() {
                    return Some((sender, room.msg, sets[j]));
                }
            }
            None
        };
        let steps: Vec<Option<(ProcId, usize, Senders)>> = (0..total).map(last).collect();
        for i in 0..total {
            let Some((from, msg, before)) = steps[i] else {
                continue;
            };
            let smallest = (0..total).all(|j| {
                !below(&takes[j], &takes[i]) || steps[j].is_none() || outcomes[j] != outcomes[i]
            });
            if smallest {
                actions.push(receipt(from, msg, before));
            }
        }
    }
}

/// Whether receiving every message in flight to correct processes would make
/// no rule fire anywhere (the quiescence of lazy receipts).
pub fn quiescent(model: &BitsetModel, s: &[u16]) -> bool {
    let l = model.layout;
    (0..l.n).filter(|&p| model.is_correct(s, p)).all(|to| {
        let row = &s[l.proc(to)..l.proc(to) + l.row()];
        (0..VALUES as Value).all(|v| {
            let mut all = Senders::default();
            for (t, set) in all.0.iter_mut().enumerate().take(model.machine.messages) {
                let bit = 1 << pair(t, v);
                *set = (0..l.n)
                    .filter(|&q| model.is_correct(s, q) && s[l.flight(q, to)] & bit != 0)
                    .fold(0, |acc, q| acc | 1 << q);
            }
            all.is_empty() || outcome(model, row, to, v, &all).is_empty()
        })
    })
}
