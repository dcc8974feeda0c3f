//! A consensus counterexample as readable lines (`p2 proposes 1`,
//! `p3 (Byzantine) -> p1: Vote(0)`, `p1 evaluates Vote: 4 x 0, 1 x 1 ->
//! decides 0`).

use super::plain::{ConsensusAction, PlainModel, PlainState};
use super::properties::{Proc, Snapshot, View, Viewed};
use crate::checker::describe::reactions;
use crate::semantics::{Conclusion, Local, Value};

fn who(m: &PlainModel, p: usize) -> String {
    if m.plain.faulty.is_byzantine(p) {
        format!("p{p} (Byzantine)")
    } else {
        format!("p{p}")
    }
}

/// The lines of `path` and its last state, replayed from its initial state.
pub fn explain(
    m: &PlainModel,
    path: &stateright::Path<PlainState, ConsensusAction>,
) -> (Vec<String>, Snapshot) {
    let pairs = path.clone().into_vec();
    let first = pairs[0].0.clone();
    let mut lines = Vec::new();
    // Rebuild the initial state's proposals: the number of ones and the pick.
    let ones = m
        .correct(&first)
        .filter(|&p| first.procs[p].input() == Some(1))
        .count();
    let mut outs = Vec::new();
    let mut s = m.initial_with(ones, 0, &mut outs);
    if s != first {
        outs.clear();
        s = m.initial_with(ones, 1, &mut outs);
    }
    let proposers = m.correct(&first);
    for (p, out) in proposers.zip(&outs) {
        let v: Value = first.procs[p].input().unwrap_or(0);
        lines.push(format!("p{p} proposes {v}"));
        reactions(&m.plain.messages, p, out, &mut lines);
    }
    for (_, step) in pairs.iter() {
        let Some(step) = *step else { continue };
        let mut out = Vec::new();
        if m.apply(&mut s, step, &mut out).is_none() {
            lines.push(format!("(step {step:?} could not be replayed)"));
            break;
        }
        match step {
            crate::consensus::plain::ConsensusAction::Receive {
                from,
                to,
                msg,
                value,
                ..
            } => {
                lines.push(format!(
                    "{} -> p{to}: {}({value})",
                    who(m, from as usize),
                    m.plain.messages[msg as usize]
                ));
                reactions(&m.plain.messages, to as usize, &out, &mut lines);
            }
            crate::consensus::plain::ConsensusAction::Crash(p) => {
                lines.push(format!("p{p} crashes"))
            }
            crate::consensus::plain::ConsensusAction::Lose(lost) => lines.push(format!(
                "p{}'s {}({}) to p{} is lost",
                lost.from, m.plain.messages[lost.msg as usize], lost.value, lost.to
            )),
        }
    }
    let snapshot = Snapshot::of(&Viewed::view(m, &s));
    (lines, snapshot)
}

/// The lines of a counting path with process identities given back: the
/// first correct processes propose 1, Byzantine ones are the last F; an
/// evaluation is shown with the first votes that make its snapshot.
pub fn explain_counting(
    m: &super::counting::CountingModel,
    path: &stateright::Path<super::counting::Counts, super::counting::CountingAction>,
) -> (Vec<String>, Snapshot) {
    use super::counting::CountingAction as S;
    let pairs = path.clone().into_vec();
    let first = pairs[0].0.clone();
    let c = m.correct();
    let ones = first.rows[1].iter().sum::<u8>() as usize;
    let input: Vec<Value> = (0..c).map(|p| (p < ones) as Value).collect();
    let mut done = vec![false; c];
    let mut outcome: Vec<Option<Conclusion>> = vec![None; c];
    let mut crashed = vec![false; c];
    let vote = &m.messages[m.upon.msg];
    let mut lines = Vec::new();
    for (p, v) in input.iter().enumerate() {
        lines.push(format!("p{p} proposes {v}"));
        lines.push(format!("p{p} sends {vote}({v}) to all"));
    }
    let mut s = first;
    for (_, step) in &pairs {
        let Some(step) = *step else { continue };
        match step {
            S::Evaluate {
                input: x,
                snapshot,
                pick,
            } => {
                let need = m.feasible(&s, x, snapshot).unwrap_or([0, 0]);
                let Some(p) = (0..c).find(|&p| !done[p] && !crashed[p] && input[p] == x) else {
                    break;
                };
                let mut byz = (c..m.n).peekable();
                for v in [0u8, 1] {
                    let own = (x == v) as u8;
                    let correct = snapshot[v as usize] - need[v as usize] - own;
                    let senders = (0..c)
                        .filter(|&q| q != p && input[q] == v)
                        .take(correct as usize);
                    for q in senders.collect::<Vec<_>>() {
                        lines.push(format!("p{q} -> p{p}: {vote}({v})"));
                    }
                    for _ in 0..need[v as usize] {
                        if let Some(b) = byz.next() {
                            lines.push(format!("p{b} (Byzantine) -> p{p}: {vote}({v})"));
                        }
                    }
                }
                let (o, both) = m.evaluate(x, snapshot, pick);
                let mut line = format!(
                    "p{p} evaluates {vote}: {} x 0, {} x 1",
                    snapshot[0], snapshot[1]
                );
                if both {
                    line.push_str(&format!(" -> an arm holds for both values, takes {pick}"));
                }
                line.push_str(&match o {
                    Some(crate::semantics::Conclusion::Decided(v)) => format!(" -> decides {v}"),
                    Some(crate::semantics::Conclusion::HandedOver(v)) => {
                        format!(" -> hands over {v}")
                    }
                    None => " -> nothing happens".into(),
                });
                lines.push(line);
                done[p] = true;
                outcome[p] = o;
                m.apply(&mut s, step);
            }
            S::Crash { input: x, status } => {
                let Some(p) =
                    (0..c).find(|&p| !crashed[p] && input[p] == x && done[p] == (status != 0))
                else {
                    break;
                };
                crashed[p] = true;
                lines.push(format!("p{p} crashes"));
                m.apply(&mut s, step);
            }
        }
    }
    // The last state with the trace's ids.
    let counted = Viewed::view(m, &s);
    let starved = counted.stuck().is_some();
    let procs: Vec<Proc> = (0..c)
        .filter(|&p| !crashed[p])
        .map(|p| Proc {
            id: p,
            input: input[p],
            outcome: outcome[p],
            fired: done[p],
        })
        .collect();
    let stuck = procs
        .iter()
        .find(|p| starved && p.outcome.is_none())
        .map(|p| p.id);
    let snapshot = Snapshot {
        procs,
        stuck,
        one_step: counted.one_step(),
        unanimous: counted.unanimous(),
    };
    (lines, snapshot)
}
