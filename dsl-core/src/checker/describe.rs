//! Steps in words, for both models' traces: what a step is
//! ([`describe`]), what the receiver did in reaction ([`reactions`]), and how
//! a process is named ([`who`]).

use super::faults::Faulty;
use super::Action;
use crate::ir::Dest;
use crate::semantics::{Output, ProcId};

/// Process ids in a trace line: `p3 (Byzantine)` for a Byzantine process.
pub fn who(faulty: &Faulty, p: ProcId) -> String {
    if faulty.is_byzantine(p) {
        format!("p{p} (Byzantine)")
    } else {
        format!("p{p}")
    }
}

/// What `p` did in reaction to one step, as readable clauses.
pub fn reactions(names: &[String], p: ProcId, out: &[Output], lines: &mut Vec<String>) {
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
            Output::Evaluate(e) => {
                if !sends.is_empty() {
                    lines.push(format!("p{p} sends {}", sends.join(", ")));
                    sends.clear();
                }
                let mut line = format!(
                    "p{p} evaluates {}: {} x 0, {} x 1",
                    names[e.msg], e.snapshot[0], e.snapshot[1]
                );
                match (e.arm, e.ran) {
                    (_, false) => line.push_str(" -> no arm holds, nothing happens"),
                    (None, true) => line.push_str(" -> otherwise"),
                    (Some(i), true) if e.both => line.push_str(&format!(
                        " -> arm {} holds for both values, takes {}",
                        i + 1,
                        e.value
                    )),
                    (Some(_), true) => {}
                }
                lines.push(line);
            }
            Output::Decide(v) | Output::Handover(v) => {
                let what = if matches!(*o, Output::Decide(_)) {
                    "decides"
                } else {
                    "hands over"
                };
                if sends.is_empty() {
                    if let Some(last) = lines.last_mut() {
                        if last.starts_with(&format!("p{p} evaluates ")) && !last.contains(" -> ") {
                            last.push_str(&format!(" -> {what} {v}"));
                            continue;
                        }
                    }
                }
                if !sends.is_empty() {
                    lines.push(format!("p{p} sends {}", sends.join(", ")));
                    sends.clear();
                }
                lines.push(format!("p{p} {what} {v}"));
            }
        }
    }
    if !sends.is_empty() {
        lines.push(format!("p{p} sends {}", sends.join(", ")));
    }
}

/// The lines of one action (a receipt with a preload is several lines).
pub fn describe(faulty: &Faulty, names: &[String], action: &Action) -> Vec<String> {
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
        Action::Lose(lost) => {
            let (from, to) = (lost.from, lost.to);
            vec![format!(
                "p{from} -> p{to}: {} is lost (p{from} crashed)",
                msg(lost.msg as usize, lost.value)
            )]
        }
    }
}

/// The process that receives in `action`, if it is a receipt.
pub fn receiver(action: &Action) -> Option<ProcId> {
    match *action {
        Action::Receive { to, .. } => Some(to as ProcId),
        _ => None,
    }
}
