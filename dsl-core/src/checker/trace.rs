//! Counterexamples as numbered, readable steps.
//!
//! The compact model renames processes at every step (symmetry), so its path
//! is replayed on concrete states first: at each step, the concrete action
//! whose canonical successor is the path's next state. The trace then names
//! processes consistently from the first step to the last.

use super::bitset::BitsetModel;
use super::counting::CountingModel;
use super::describe::{describe, reactions, receiver};
use super::layout::{pair, Row, Senders, State};
use super::lazy;
use super::plain::{PlainModel, PlainState};
use super::properties::first_violation;
use super::rows::{CountState, BCAST, BCAST_FLIGHT, BYZ_SHIFT, FLIGHT_SHIFT};
use super::sets;
use super::steps::RowReceipt;
use super::{Action, Explained, Lost};
use crate::semantics::ProcId;
use stateright::Path;

/// Explains a path of the compact model.
pub fn compact(model: &BitsetModel, path: &Path<State, Action>) -> Option<Explained> {
    let names = &model.messages;
    let steps = path.clone().into_vec();
    let mut lines = Vec::new();
    let mut actions = Vec::new();
    let mut concrete = model.initial();
    if model.canonical(concrete.clone()) != steps.first()?.0 {
        return None;
    }
    if model.faulty.broadcaster_correct {
        let mut out = Vec::new();
        let mut scratch = vec![0u16; model.layout.row()];
        model
            .machine
            .broadcast(0, &mut Row(&mut scratch), 0, &mut out);
        lines.push("p0 broadcasts 0".to_string());
        reactions(names, 0, &out, &mut lines);
    }
    for (i, (state, action)) in steps.iter().enumerate() {
        let Some(action) = action else { break };
        // The path's action is in the canonical state's names: rename it
        // back to the concrete state's.
        let (canonical, map) = model.canonical_map(concrete.clone());
        if canonical != *state {
            return None;
        }
        let mut back = vec![0; map.len()];
        for (p, &q) in map.iter().enumerate() {
            back[q] = p;
        }
        let action = relabel(*action, &back);
        let mut out = Vec::new();
        model.apply(&mut concrete, action, &mut out)?;
        model.reduce(&mut concrete);
        if model.canonical(concrete.clone()) != steps.get(i + 1)?.0 {
            return None;
        }
        lines.extend(describe(&model.faulty, names, &action));
        if let Some(p) = receiver(&action) {
            reactions(names, p, &out, &mut lines);
        }
        actions.push(action);
    }
    let (_, detail) = first_violation(&model.observe(&concrete))?;
    Some((lines, actions, detail))
}

/// `action` with every process `p` renamed `to[p]`.
fn relabel(action: Action, to: &[ProcId]) -> Action {
    let r = |p: u8| to[p as usize] as u8;
    match action {
        Action::Receive {
            from,
            to: dest,
            msg,
            value,
            before,
        } => {
            let mut renamed = before;
            for (t, set) in renamed.0.iter_mut().enumerate() {
                *set = before
                    .iter()
                    .filter(|&(m, _)| m == t)
                    .fold(0, |acc, (_, q)| acc | 1 << to[q]);
            }
            Action::Receive {
                from: r(from),
                to: r(dest),
                msg,
                value,
                before: renamed,
            }
        }
        Action::Crash(p) => Action::Crash(r(p)),
        Action::Lose(lost) => Action::Lose(Lost {
            from: r(lost.from),
            to: r(lost.to),
            ..lost
        }),
    }
}

/// Explains a path of the plain model.
pub fn plain(model: &PlainModel, path: &Path<PlainState, Action>) -> Option<Explained> {
    let names = &model.messages;
    let mut s = model.initial();
    let mut lines = Vec::new();
    let actions: Vec<Action> = path.clone().into_actions();
    for action in &actions {
        let mut out = Vec::new();
        model.apply(&mut s, *action, &mut out)?;
        lines.extend(describe(&model.faulty, names, action));
        if let Some(p) = receiver(action) {
            reactions(&model.messages, p, &out, &mut lines);
        }
    }
    let (_, detail) = first_violation(&model.observe(&s))?;
    Some((lines, actions, detail))
}

/// The counting state of a bitset state `s` (canonical), which process each
/// of its rows is, and whether its values are swapped (value symmetry).
fn counted(
    model: &CountingModel,
    bits: &BitsetModel,
    s: &[u16],
) -> (Box<[u16]>, Vec<ProcId>, bool) {
    let (shape, l) = (model.core.shape, bits.layout);
    let byzantine = (bits.faulty.byzantine & !1) as u16;
    let mut rows = vec![0u16; shape.len()].into_boxed_slice();
    for (r, &p) in model.ids.iter().enumerate() {
        let row = shape.row_mut(&mut rows, r);
        let src = &s[l.proc(p)..l.proc(p) + l.row()];
        row[..2].copy_from_slice(&src[..2]);
        for k in 0..l.k {
            let set = src[2 + k];
            let flight = (1..l.n)
                .filter(|&q| q != p && s[l.flight(q, p)] & (1 << k) != 0)
                .count() as u16;
            let bflight = u16::from(s[l.flight(0, p)] & (1 << k) != 0);
            row[2 + k] = (set & !1).count_ones() as u16
                | ((set & byzantine).count_ones() as u16) << BYZ_SHIFT
                | flight << FLIGHT_SHIFT
                | if set & 1 != 0 { BCAST } else { 0 }
                | if bflight != 0 { BCAST_FLIGHT } else { 0 };
        }
    }
    model.core.reduce(&mut rows);
    let (sorted, order, swapped) = model.canonical_order(&rows);
    (
        sorted,
        order.iter().map(|&r| model.ids[r]).collect(),
        swapped,
    )
}

/// The concrete receipt (in `bits`' names) of a counting step taken by
/// process `p` of bitset state `s`: the lowest senders in flight, then the
/// lowest Byzantine ones not counted yet; the message received last is one
/// without which the others make no rule fire.
fn concrete_step(bits: &BitsetModel, s: &[u16], p: ProcId, step: &RowReceipt) -> Option<Action> {
    let l = bits.layout;
    let v = step.value;
    let row = &s[l.proc(p)..l.proc(p) + l.row()];
    let mut set = Senders::default();
    for t in 0..bits.machine.messages {
        let bit = 1 << pair(t, v);
        let flight = (1..l.n).filter(|&q| q != p && s[l.flight(q, p)] & bit != 0);
        let injections = bits
            .byzantine_others
            .iter()
            .copied()
            .filter(|&b| row[2 + pair(t, v)] & (1 << b) == 0);
        let chosen: Vec<ProcId> = flight
            .take(step.flight[t] as usize)
            .chain(injections.take(step.injected[t] as usize))
            .collect();
        if chosen.len() != (step.flight[t] + step.injected[t]) as usize {
            return None;
        }
        set.0[t] = chosen.iter().fold(0, |m, &q| m | 1 << q);
        if step.broadcaster & (1 << t) != 0 {
            set.0[t] |= 1;
        }
    }
    let (msg, from) = set.iter().find(|&(t, q)| {
        let mut rest = set;
        rest.0[t] &= !(1 << q);
        lazy::outcome(bits, row, p, v, &rest).is_empty()
    })?;
    let mut before = set;
    before.0[msg] &= !(1 << from);
    Some(Action::Receive {
        from: from as u8,
        to: p as u8,
        msg: msg as u8,
        value: v,
        before,
    })
}

/// Explains a path of the counting model: replays it on the bitset model
/// (`bits`, the same protocol and configuration), naming the senders of
/// each step.
pub fn counting(
    model: &CountingModel,
    bits: &BitsetModel,
    path: &Path<CountState, RowReceipt>,
) -> Option<Explained> {
    let names = &model.messages;
    let steps = path.clone().into_vec();
    let mut concrete = bits.initial();
    bits.reduce(&mut concrete);
    if *counted(model, bits, &concrete).0 != *steps.first()?.0 .0 {
        return None;
    }
    let mut lines = Vec::new();
    let mut actions = Vec::new();
    if model.faulty.broadcaster_correct {
        let mut out = Vec::new();
        let mut scratch = vec![0u16; bits.layout.row()];
        bits.machine
            .broadcast(0, &mut Row(&mut scratch), 0, &mut out);
        lines.push("p0 broadcasts 0".to_string());
        reactions(names, 0, &out, &mut lines);
    }
    for (i, (_, step)) in steps.iter().enumerate() {
        let Some(step) = step else { break };
        let (_, order, swapped) = counted(model, bits, &concrete);
        let p = *order.get(step.row as usize)?;
        // The step's value is in the canonical state's values.
        let step = RowReceipt {
            value: if swapped { 1 - step.value } else { step.value },
            ..*step
        };
        let action = concrete_step(bits, &concrete, p, &step)?;
        let mut out = Vec::new();
        bits.apply(&mut concrete, action, &mut out)?;
        bits.reduce(&mut concrete);
        if *counted(model, bits, &concrete).0 != *steps.get(i + 1)?.0 .0 {
            return None;
        }
        lines.extend(describe(&bits.faulty, names, &action));
        reactions(names, p, &out, &mut lines);
        actions.push(action);
    }
    let (last, _, _) = counted(model, bits, &concrete);
    // Quiescent when its counting state is (lazy receipts, also without
    // Byzantine processes).
    let view = bits
        .observe(&concrete)
        .quiescent_when(sets::quiescent(&model.core, &last));
    let (_, detail) = first_violation(&view)?;
    Some((lines, actions, detail))
}
