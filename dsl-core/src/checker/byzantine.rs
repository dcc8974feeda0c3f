//! The Byzantine adversary of the compact model, with lazy injections.
//!
//! A Byzantine process can make a correct process receive any (type, value)
//! at any time. Most such injections change nothing when they happen (no rule
//! fires): they only raise a count that may matter later. Exploring them when
//! they happen multiplies the states by every combination of counts, so the
//! compact model delays them until they matter:
//!
//! - an injection alone is a step only if it makes a rule fire;
//! - any step of process p for value v (the receipt of a message in flight,
//!   or an injection that fires) may be preceded by a *preload*: Byzantine
//!   messages of value v that p receives just before and that, on their own,
//!   change nothing (a silent preload). Only preloads that change the step's
//!   outcome compared with every smaller preload are explored.
//!
//! Why this loses no behaviour: take any execution of the plain model and
//! defer each injection that changed nothing when it happened. The deferred
//! messages of value v at p form a silent preload at p's next step for v (p
//! was settled, so adding them fires nothing), and the step's outcome with
//! them is the outcome with the smallest preload below them that gives the
//! same outcome, which is explored. Sent flags, deliveries and messages in
//! flight stay identical; only counts that have not mattered yet differ, and
//! no property reads them. Why it adds none: a step with a silent preload is
//! the plain model's injections one at a time (each changing nothing)
//! followed by the step.
//!
//! The preloads are enumerated per type as (number of Byzantine senders other
//! than the broadcaster, lowest ids first; whether the Byzantine broadcaster is
//! one). When there are too many, the step falls back to single injections,
//! which is the plain model's adversary (sound and complete on its own).

use super::model::{CompactModel, Row, VALUES};
use super::{Action, Byz};
use crate::semantics::{Local, Output, ProcId, Value};

/// Most preloads tried per (process, value) before falling back to single
/// injections.
const MAX_PRELOADS: usize = 512;

/// What a preload can add for one type: Byzantine senders other than the
/// broadcaster not counted yet (lowest first), and the broadcaster if it is
/// Byzantine and not counted yet.
struct Room {
    msg: usize,
    others: Vec<ProcId>,
    broadcaster: bool,
}

impl Room {
    fn choices(&self) -> usize {
        (self.others.len() + 1) * (1 + self.broadcaster as usize)
    }
}

/// A preload: per room, (how many others, whether the broadcaster).
type Preload = Vec<(usize, bool)>;

fn decode(rooms: &[Room], mut index: usize) -> Preload {
    rooms
        .iter()
        .map(|r| {
            let c = index % r.choices();
            index /= r.choices();
            (c % (r.others.len() + 1), c / (r.others.len() + 1) == 1)
        })
        .collect()
}

fn below(a: &Preload, b: &Preload) -> bool {
    a != b && a.iter().zip(b).all(|(x, y)| x.0 <= y.0 && (!x.1 || y.1))
}

fn to_byz(rooms: &[Room], p: &Preload) -> Byz {
    let mut byz = Byz::default();
    for (room, &(k, b)) in rooms.iter().zip(p) {
        let mut set = room.others[..k].iter().fold(0u16, |s, &q| s | 1 << q);
        if b {
            set |= 1;
        }
        byz.0[room.msg] = set;
    }
    byz
}

/// Outputs of `to` receiving `byz` then `(from, msg)` (if any), from `row`.
fn outcome(
    model: &CompactModel,
    row: &[u16],
    to: ProcId,
    v: Value,
    byz: &Byz,
    event: Option<(ProcId, usize)>,
) -> Vec<Output> {
    let mut scratch = row.to_vec();
    let mut local = Row(&mut scratch);
    for (t, b) in byz.iter() {
        local.add_sender(t, v, b);
    }
    let mut out = Vec::new();
    match event {
        Some((from, msg)) => model
            .machine
            .receive(to, &mut local, from, msg, v, &mut out),
        None => model.machine.settle(to, &mut local, v, &mut out),
    }
    out
}

/// Every receipt at `to` in state `s`: messages in flight and Byzantine
/// injections, with the preloads worth exploring.
pub fn actions_at(model: &CompactModel, s: &[u16], to: ProcId, actions: &mut Vec<Action>) {
    let l = model.layout;
    let row: Vec<u16> = s[l.proc(to)..l.proc(to) + l.row()].to_vec();
    for v in 0..VALUES as Value {
        let in_flight = model.receipts(s, to, v);
        let mut scratch = row.clone();
        let local = Row(&mut scratch);
        let rooms: Vec<Room> = (0..model.machine.messages)
            .filter(|&msg| model.live_pair(&local, msg, v))
            .map(|msg| {
                let senders = local.senders(msg, v);
                Room {
                    msg,
                    others: model
                        .byzantine_others
                        .iter()
                        .copied()
                        .filter(|&b| senders & (1 << b) == 0)
                        .collect(),
                    broadcaster: model.faulty.is_byzantine(0) && senders & 1 == 0,
                }
            })
            .filter(|r| r.choices() > 1)
            .collect();
        let total: usize = rooms.iter().map(Room::choices).product();
        let receipt = |from: ProcId, msg: usize, byz: Byz| Action::Receive {
            from: from as u8,
            to: to as u8,
            msg: msg as u8,
            value: v,
            byz,
        };
        if total > MAX_PRELOADS {
            // Fall back to the plain adversary: single injections, no preload.
            for &(from, msg) in &in_flight {
                actions.push(receipt(from, msg, Byz::default()));
            }
            for room in &rooms {
                for b in room
                    .broadcaster
                    .then_some(0)
                    .into_iter()
                    .chain(room.others.first().copied())
                {
                    actions.push(receipt(b, room.msg, Byz::default()));
                }
            }
            continue;
        }
        let preloads: Vec<Preload> = (0..total).map(|i| decode(&rooms, i)).collect();
        let byzes: Vec<Byz> = preloads.iter().map(|p| to_byz(&rooms, p)).collect();
        let settled: Vec<Vec<Output>> = byzes
            .iter()
            .map(|b| outcome(model, &row, to, v, b, None))
            .collect();
        let silent: Vec<bool> = settled.iter().map(Vec::is_empty).collect();

        // Receipts of messages in flight, after each silent preload that
        // changes their outcome.
        for &(from, msg) in &in_flight {
            let outcomes: Vec<Option<Vec<Output>>> = (0..total)
                .map(|i| {
                    silent[i].then(|| outcome(model, &row, to, v, &byzes[i], Some((from, msg))))
                })
                .collect();
            for i in 0..total {
                let Some(o) = &outcomes[i] else { continue };
                let new = (0..total)
                    .all(|j| !below(&preloads[j], &preloads[i]) || outcomes[j].as_ref() != Some(o));
                if new {
                    actions.push(receipt(from, msg, byzes[i]));
                }
            }
        }

        // Injections that make a rule fire: a preload that is not silent but
        // becomes silent without one of its messages (the one received last).
        let last_of = |i: usize| -> Option<(ProcId, usize, Byz)> {
            if silent[i] {
                return None;
            }
            for (r, room) in rooms.iter().enumerate() {
                let (k, b) = preloads[i][r];
                let mut smaller = preloads[i].clone();
                let sender = if b {
                    smaller[r].1 = false;
                    0
                } else if k > 0 {
                    smaller[r].0 = k - 1;
                    room.others[k - 1]
                } else {
                    continue;
                };
                let j = preloads.iter().position(|p| *p == smaller)?;
                if silent[j] {
                    return Some((sender, room.msg, byzes[j]));
                }
            }
            None
        };
        let firing: Vec<Option<(ProcId, usize, Byz)>> = (0..total).map(last_of).collect();
        for i in 0..total {
            let Some((from, msg, byz)) = firing[i] else {
                continue;
            };
            let new = (0..total).all(|j| {
                !below(&preloads[j], &preloads[i])
                    || firing[j].is_none()
                    || settled[j] != settled[i]
            });
            if new {
                actions.push(receipt(from, msg, byz));
            }
        }
    }
}
