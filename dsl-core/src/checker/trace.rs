//! Counterexamples as numbered, readable steps.
//!
//! The compact model renames processes at every step (symmetry), so its path
//! is replayed on concrete states first: at each step, the concrete action
//! whose canonical successor is the path's next state. The trace then names
//! processes consistently from the first step to the last.

use super::model::{who, CompactModel, State};
use super::properties::first_violation;
use super::reference::{PlainModel, PlainState};
use super::{Action, Explained};
use crate::ir::Dest;
use crate::semantics::{Output, ProcId};
use stateright::Path;

/// What `p` did in reaction to one step, as readable clauses.
fn reactions(names: &[String], p: ProcId, out: &[Output], lines: &mut Vec<String>) {
    let mut sends = Vec::new();
    for o in out {
        match *o {
            Output::Send { msg, value, to } => sends.push(format!(
                "{}({value}) to {}",
                names[msg],
                match to {
                    Dest::All => "all",
                    Dest::Others => "others",
                    Dest::Myself => "self",
                }
            )),
            Output::Deliver(v) => {
                if !sends.is_empty() {
                    lines.push(format!("p{p} sends {}", sends.join(", ")));
                    sends.clear();
                }
                lines.push(format!("p{p} delivers {v}"));
            }
        }
    }
    if !sends.is_empty() {
        lines.push(format!("p{p} sends {}", sends.join(", ")));
    }
}

/// The lines of one action (a receipt with a preload is several lines).
pub fn describe(faulty: &super::faults::Faulty, names: &[String], action: &Action) -> Vec<String> {
    let msg = |m: usize, v: u8| format!("{}({v})", names.get(m).map(String::as_str).unwrap_or("?"));
    match *action {
        Action::Receive {
            from,
            to,
            msg: m,
            value,
            before,
        } => before
            .iter()
            .chain(std::iter::once((m as usize, from as usize)))
            .map(|(m, from)| format!("{} -> p{to}: {}", who(faulty, from), msg(m, value)))
            .collect(),
        Action::Crash(p) => vec![format!("p{p} crashes")],
        Action::Lose {
            from,
            to,
            msg: m,
            value,
        } => {
            vec![format!(
                "p{from} -> p{to}: {} is lost (p{from} crashed)",
                msg(m as usize, value)
            )]
        }
    }
}

fn receiver(action: &Action) -> Option<ProcId> {
    match *action {
        Action::Receive { to, .. } => Some(to as ProcId),
        _ => None,
    }
}

/// Explains a path of the compact model.
pub fn compact(model: &CompactModel, path: &Path<State, Action>) -> Option<Explained> {
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
            .broadcast(0, &mut super::model::Row(&mut scratch), 0, &mut out);
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
        Action::Lose {
            from,
            to: dest,
            msg,
            value,
        } => Action::Lose {
            from: r(from),
            to: r(dest),
            msg,
            value,
        },
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
