//! The enabled steps of the counting model: lazy receipts (as in
//! [`super::lazy`] for the bitset model), with messages counted instead of
//! named.
//!
//! A step of row r for value v takes, per type t that a rule able to change
//! anything still reads, some number k of senders other than the
//! broadcaster (messages in flight first, then injections from Byzantine
//! processes) and possibly the broadcaster's message, such that the whole set
//! makes a rule fire and the set without one of its messages (the one
//! received last) does not; of the steps with the same outcome, only those
//! with no smaller step (message by message) with that outcome are explored.
//! This is [`super::lazy`]'s rule, so the two models explore the same steps up
//! to renaming; two things make it cheaper here:
//!
//! - *threshold points*: a guard on t compares the number of senders counted,
//!   T, with its threshold, and settling adds at most one (the process
//!   itself). If T and T - 1 are both not in {th - 1, th} for any threshold
//!   th on t, the set with one sender fewer of t has the same outcome and is
//!   still a step (firing is monotone in the senders: a subset of a set that
//!   fires nothing fires nothing), so the larger set is not minimal. Hence
//!   only the k with T in {th - 2, th - 1, th} (the broadcaster's message may
//!   add one) and k = 0 are enumerated, which holds every minimal step. A
//!   guard `>= th excluding broadcaster` compares T - b (b: whether the
//!   broadcaster is counted) with th; it counts as the two thresholds th and
//!   th + 1 on T, whose points hold th - b's points for either b;
//! - *equal rows*: rows with equal contents are interchangeable processes in
//!   the same local state, so only the first of them steps.
//!
//! When a (row, value) has more than `MAX_SETS` sets, its steps fall back to
//! single receipts (the plain model's steps, sound and complete on their own).
//!
//! A row's steps and whether it is quiescent depend on nothing but its words
//! and whether it is the correct broadcaster's, and the same rows come back in
//! state after state: both are memoised per thread ([`Memo`]), keyed by the
//! row, for one [`Core`] at a time.

use super::layout::{pair, MAX_TYPES, VALUES};
use super::rows::{self, BCAST, BCAST_FLIGHT};
use super::steps::{Core, OutputCode, Probe, RowReceipt, MAX_WIDTH};
use crate::semantics::{Output, Value};
use std::cell::RefCell;
use std::collections::HashMap;

/// Most sets tried per (row, value) before falling back to single receipts.
const MAX_SETS: usize = 4096;

/// What a set can take of one message type.
#[derive(Clone, Copy, Default)]
struct CountedRoom {
    msg: usize,
    /// Messages in flight (taken first).
    flight: u8,
    /// The numbers of other senders worth trying, increasing, 0 first.
    ks: [u8; 17],
    nk: usize,
    /// Whether the broadcaster's message can be taken.
    broadcaster: bool,
}

impl CountedRoom {
    fn choices(&self) -> usize {
        self.nk * (1 + usize::from(self.broadcaster))
    }
}

/// One enumerated set: per room (k, broadcaster), and its outcome.
#[derive(Clone, Copy, Default)]
struct Set {
    others: [u8; MAX_TYPES],
    bcast: u8,
    outcome: OutputCode,
}

impl Set {
    fn below(&self, other: &Set) -> bool {
        (self.others != other.others || self.bcast != other.bcast)
            && self.bcast & !other.bcast == 0
            && self.others.iter().zip(&other.others).all(|(a, b)| a <= b)
    }
}

thread_local! {
    /// Steps found and outputs of the step function, reused.
    static SCRATCH: RefCell<(Vec<Set>, Vec<Output>)> = const { RefCell::new((Vec::new(), Vec::new())) };
}

/// What a row's steps and quiescence depend on: its words (zero-padded) and
/// whether it is the correct broadcaster's.
type RowKey = ([u16; MAX_WIDTH], bool);

/// The memoised steps (with row 0) and quiescence of the rows met so far,
/// for the core numbered `core`.
#[derive(Default)]
struct Memo {
    core: u64,
    rows: HashMap<RowKey, (u32, u32, bool)>,
    steps: Vec<RowReceipt>,
}

/// Most rows memoised before the memo starts again (bounds its memory).
const MEMO_ROWS: usize = 1 << 20;

thread_local! {
    static MEMO: RefCell<Memo> = RefCell::new(Memo::default());
}

/// Calls `f` with the steps (numbered row 0) and the quiescence of row `r`
/// of `s`, computed once per distinct row.
fn memoised<R>(core: &Core, s: &[u16], r: usize, f: impl FnOnce(&[RowReceipt], bool) -> R) -> R {
    let row = core.shape.row(s, r);
    let mut key: RowKey = ([0; MAX_WIDTH], core.shape.is_broadcaster(r));
    key.0[..row.len()].copy_from_slice(row);
    MEMO.with_borrow_mut(|memo| {
        if memo.core != core.id || memo.rows.len() >= MEMO_ROWS {
            memo.core = core.id;
            memo.rows.clear();
            memo.steps.clear();
        }
        let Memo { rows, steps, .. } = memo;
        let &mut (start, end, quiet) = rows.entry(key).or_insert_with(|| {
            let start = steps.len() as u32;
            compute_steps(core, row, r, steps);
            for step in &mut steps[start as usize..] {
                step.row = 0;
            }
            (start, steps.len() as u32, row_quiescent(core, row))
        });
        f(&steps[start as usize..end as usize], quiet)
    })
}

/// Every step of row `r` of `s` (see the module docs), appended to `out`.
pub fn steps_at(core: &Core, s: &[u16], r: usize, out: &mut Vec<RowReceipt>) {
    memoised(core, s, r, |steps, _| {
        out.extend(steps.iter().map(|&step| RowReceipt {
            row: r as u8,
            ..step
        }))
    });
}

/// The rooms of row `r` of `s` for value `v`, at most one per type.
fn rooms(core: &Core, row: &[u16], v: Value, rooms: &mut [CountedRoom; MAX_TYPES]) -> usize {
    let live = core.rules.live_types(row[0], row[1], v);
    let mut n = 0;
    for msg in (0..core.machine.messages).filter(|&t| live & (1 << t) != 0) {
        let w = row[2 + pair(msg, v)];
        let total = rows::total(w) as usize;
        let needed = core.rules.needed[msg].saturating_sub(total);
        let flight = rows::flight(w) as usize;
        let available = (flight + (core.byz_others - rows::byz(w)) as usize).min(needed);
        let ths = core.thresholds[msg];
        let mut room = CountedRoom {
            msg,
            flight: flight as u8,
            nk: 1,
            broadcaster: if core.byz_broadcaster {
                w & BCAST == 0
            } else {
                w & BCAST_FLIGHT != 0
            },
            ..CountedRoom::default()
        };
        for k in 1..=available {
            let t = total + k;
            if (t..t + 3).any(|x| x < 32 && ths & (1 << x) != 0) {
                room.ks[room.nk] = k as u8;
                room.nk += 1;
            }
        }
        if room.choices() > 1 {
            rooms[n] = room;
            n += 1;
        }
    }
    n
}

/// A step taking `others[t]` senders (in flight first) and the broadcaster's
/// messages `bcast` at row `r`.
fn step(
    r: usize,
    v: Value,
    rooms: &[CountedRoom],
    others: &[u8; MAX_TYPES],
    bcast: u8,
) -> RowReceipt {
    let mut s = RowReceipt {
        row: r as u8,
        value: v,
        broadcaster: bcast,
        ..RowReceipt::default()
    };
    for room in rooms {
        let k = others[room.msg];
        s.flight[room.msg] = k.min(room.flight);
        s.injected[room.msg] = k - s.flight[room.msg];
    }
    s
}

/// Every step of `row` (row `r`), appended to `out`.
fn compute_steps(core: &Core, row: &[u16], r: usize, out: &mut Vec<RowReceipt>) {
    for v in 0..VALUES as Value {
        let mut rs = [CountedRoom::default(); MAX_TYPES];
        let n = rooms(core, row, v, &mut rs);
        let rs = &rs[..n];
        let total: usize = rs.iter().map(CountedRoom::choices).product();
        if total > MAX_SETS {
            single_receipts(core, row, r, v, rs, out);
            continue;
        }
        let probe = core.probe(row, v);
        // Nothing fires even with everything taken: no step.
        let mut most = [0u8; MAX_TYPES];
        let mut all_bcast = 0u8;
        for room in rs {
            most[room.msg] = room.ks[room.nk - 1];
            if room.broadcaster {
                all_bcast |= 1 << room.msg;
            }
        }
        if !core.fires(&probe, &most, all_bcast) {
            continue;
        }
        SCRATCH.with_borrow_mut(|(sets, outputs)| {
            sets.clear();
            for mut index in 0..total {
                let mut set = Set::default();
                for room in rs {
                    let c = index % room.choices();
                    index /= room.choices();
                    set.others[room.msg] = room.ks[c % room.nk];
                    if c / room.nk == 1 {
                        set.bcast |= 1 << room.msg;
                    }
                }
                if core.fires(&probe, &set.others, set.bcast) && is_step(core, &probe, rs, &set) {
                    set.outcome = core.outcome(row, r, v, &set.others, set.bcast, outputs);
                    sets.push(set);
                }
            }
            for (i, set) in sets.iter().enumerate() {
                let minimal = sets
                    .iter()
                    .enumerate()
                    .all(|(j, o)| j == i || o.outcome != set.outcome || !o.below(set));
                if minimal {
                    out.push(step(r, v, rs, &set.others, set.bcast));
                }
            }
        });
    }
}

/// Whether the set without one of its messages (the broadcaster's of a
/// room, or else one other sender) makes no rule fire.
fn is_step(core: &Core, probe: &Probe, rooms: &[CountedRoom], set: &Set) -> bool {
    rooms.iter().any(|room| {
        let (mut others, mut bcast) = (set.others, set.bcast);
        if bcast & (1 << room.msg) != 0 {
            bcast &= !(1 << room.msg);
        } else if others[room.msg] > 0 {
            others[room.msg] -= 1;
        } else {
            return false;
        }
        !core.fires(probe, &others, bcast)
    })
}

/// The fallback: every single receipt (one message in flight of each type,
/// one injection of each type a rule still reads, the broadcaster's).
fn single_receipts(
    core: &Core,
    row: &[u16],
    r: usize,
    v: Value,
    rooms: &[CountedRoom],
    out: &mut Vec<RowReceipt>,
) {
    let single = |f: fn(&mut RowReceipt, usize), t: usize| {
        let mut s = RowReceipt {
            row: r as u8,
            value: v,
            ..RowReceipt::default()
        };
        f(&mut s, t);
        s
    };
    for t in 0..core.machine.messages {
        let w = row[2 + pair(t, v)];
        if rows::flight(w) > 0 {
            out.push(single(|s, t| s.flight[t] = 1, t));
        }
        if !core.byz_broadcaster && w & BCAST_FLIGHT != 0 {
            out.push(single(|s, t| s.broadcaster = 1 << t, t));
        }
    }
    for room in rooms {
        let w = row[2 + pair(room.msg, v)];
        if core.byz_broadcaster && w & BCAST == 0 {
            out.push(single(|s, t| s.broadcaster = 1 << t, room.msg));
        }
        if rows::byz(w) < core.byz_others {
            out.push(single(|s, t| s.injected[t] = 1, room.msg));
        }
    }
}

/// Whether receiving every message in flight to every row would make no
/// rule fire anywhere (the quiescence of lazy receipts).
pub fn quiescent(core: &Core, s: &[u16]) -> bool {
    (0..core.shape.rows).all(|r| memoised(core, s, r, |_, quiet| quiet))
}

/// Whether receiving every message in flight to `row` would make no rule
/// fire there.
fn row_quiescent(core: &Core, row: &[u16]) -> bool {
    (0..VALUES as Value).all(|v| {
        let mut others = [0u8; MAX_TYPES];
        let mut bcast = 0u8;
        for (t, o) in others.iter_mut().enumerate().take(core.machine.messages) {
            let w = row[2 + pair(t, v)];
            *o = rows::flight(w) as u8;
            if w & BCAST_FLIGHT != 0 {
                bcast |= 1 << t;
            }
        }
        (bcast == 0 && others.iter().all(|&k| k == 0))
            || !core.fires(&core.probe(row, v), &others, bcast)
    })
}
