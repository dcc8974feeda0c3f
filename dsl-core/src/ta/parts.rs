//! Independent parts of a process's local state (see the parent module,
//! "Independent parts").
//!
//! A *slot* is one (type, value) sent flag or the delivery. A rule for a
//! value touches the slots it writes (its sends for that value, the
//! delivery) and the slots it reads: `not sent T` reads both values of T,
//! `received T(v) >= k` reads (T, v) when some send of T goes to others or
//! to self only (the count bound depends on how the process sent T(v)),
//! and `from broadcaster` reads (T, v) at a correct broadcaster. Slots that
//! no rule writes are constant and tie nothing together. Rules that touch a
//! common slot, and their slots, form one part.

use super::VALUES;
use crate::checker::Scenario;
use crate::ir::{Dest, Effect, Guard, ProtocolIr, Quorum};

/// Per rule, per value: the part (dense numbers from 0) it belongs to.
pub(super) type Parts = Vec<[usize; VALUES as usize]>;

/// The slot of the delivery, after the (type, value) slots.
fn delivery(ir: &ProtocolIr) -> usize {
    ir.messages.len() * VALUES as usize
}

/// The slots rule `r` touches for value `v`, constant ones included.
fn touched(ir: &ProtocolIr, scenario: Scenario, r: usize, v: usize) -> Vec<usize> {
    let slot = |msg: usize, v: usize| msg * VALUES as usize + v;
    let not_to_all = |msg: usize| {
        let sends = ir.rules.iter().flat_map(|r| &r.effects);
        let first = ir.broadcast.iter().flat_map(|b| &b.effects);
        sends
            .chain(first)
            .any(|e| matches!(*e, Effect::Send { msg: m, to } if m == msg && to != Dest::All))
    };
    let rule = &ir.rules[r];
    let mut out = Vec::new();
    for e in &rule.effects {
        match *e {
            Effect::Send { msg, .. } => out.push(slot(msg, v)),
            Effect::Deliver | Effect::Decide | Effect::Handover(_) => out.push(delivery(ir)),
        }
    }
    for g in &rule.guards {
        match *g {
            Guard::NotSent { msg } => out.extend((0..VALUES as usize).map(|w| slot(msg, w))),
            Guard::Received {
                msg,
                quorum: Quorum::AtLeast(_) | Quorum::AtLeastExcluding(_),
            } if not_to_all(msg) => out.push(slot(msg, v)),
            Guard::Received {
                msg,
                quorum: Quorum::FromBroadcaster,
            } if scenario != Scenario::ByzantineBroadcaster => out.push(slot(msg, v)),
            Guard::Received { .. } => {}
        }
    }
    out
}

/// The part of every (rule, value); a single part 0 when nothing splits.
pub(super) fn parts(ir: &ProtocolIr, scenario: Scenario) -> Parts {
    let slots = delivery(ir) + 1;
    let mut written = vec![false; slots];
    for e in ir.rules.iter().flat_map(|r| &r.effects) {
        match *e {
            Effect::Send { msg, .. } => {
                for v in 0..VALUES as usize {
                    written[msg * VALUES as usize + v] = true;
                }
            }
            Effect::Deliver | Effect::Decide | Effect::Handover(_) => written[slots - 1] = true,
        }
    }
    // Union-find over the slots.
    let mut up: Vec<usize> = (0..slots).collect();
    fn root(up: &mut [usize], mut s: usize) -> usize {
        while up[s] != s {
            up[s] = up[up[s]];
            s = up[s];
        }
        s
    }
    let live = |r: usize, v: usize| -> Vec<usize> {
        touched(ir, scenario, r, v)
            .into_iter()
            .filter(|&s| written[s])
            .collect()
    };
    for r in 0..ir.rules.len() {
        for v in 0..VALUES as usize {
            let slots = live(r, v);
            for w in slots.windows(2) {
                let (a, b) = (root(&mut up, w[0]), root(&mut up, w[1]));
                up[a] = b;
            }
        }
    }
    let mut dense: Vec<Option<usize>> = vec![None; slots];
    let mut count = 0;
    (0..ir.rules.len())
        .map(|r| {
            let mut out = [0; VALUES as usize];
            for (v, p) in out.iter_mut().enumerate() {
                // Every rule writes a slot: its effects are not empty.
                let first = live(r, v).first().copied().unwrap_or(0);
                let top = root(&mut up, first);
                *p = *dense[top].get_or_insert_with(|| {
                    count += 1;
                    count - 1
                });
            }
            out
        })
        .collect()
}
