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

/// The process that receives in `action`, if it is a receipt.
pub fn receiver(action: &Action) -> Option<ProcId> {
    match *action {
        Action::Receive { to, .. } => Some(to as ProcId),
        _ => None,
    }
}
