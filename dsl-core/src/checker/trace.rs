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
            byz,
        } => byz
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
    let states = path.clone().into_states();
    let mut lines = Vec::new();
    let mut actions = Vec::new();
    let mut concrete = model.initial();
    if model.canonical(concrete.clone()) != *states.first()? {
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
    for next in states.iter().skip(1) {
        let mut enabled = Vec::new();
        model.enabled(&concrete, &mut enabled);
        let step = with_renamed_senders(model, &concrete, enabled)
            .into_iter()
            .find_map(|a| {
                let mut s = concrete.clone();
                let mut out = Vec::new();
                model.apply(&mut s, a, &mut out)?;
                model.reduce(&mut s);
                (model.canonical(s.clone()) == *next).then_some((a, s, out))
            })?;
        let (action, successor, out) = step;
        lines.extend(describe(&model.faulty, names, &action));
        if let Some(p) = receiver(&action) {
            reactions(names, p, &out, &mut lines);
        }
        actions.push(action);
        concrete = successor;
    }
    let (_, detail) = first_violation(&model.observe(&concrete))?;
    Some((lines, actions, detail))
}

/// `actions` and, for each receipt from a correct process other than the
/// broadcaster, the same receipt from every other such sender of that message
/// in flight: the model receives from the lowest one only, which is not the
/// same process in a renamed (concrete) state.
fn with_renamed_senders(model: &CompactModel, s: &[u16], actions: Vec<Action>) -> Vec<Action> {
    let l = model.layout;
    let mut out = Vec::with_capacity(actions.len());
    for a in actions {
        out.push(a);
        if let Action::Receive {
            from,
            to,
            msg,
            value,
            byz,
        } = a
        {
            if from == 0 || model.faulty.is_byzantine(from as ProcId) {
                continue;
            }
            let bit = 1 << super::model::pair(msg as usize, value);
            for q in
                (1..l.n).filter(|&q| q != from as usize && s[l.flight(q, to as usize)] & bit != 0)
            {
                out.push(Action::Receive {
                    from: q as u8,
                    to,
                    msg,
                    value,
                    byz,
                });
            }
        }
    }
    out
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
