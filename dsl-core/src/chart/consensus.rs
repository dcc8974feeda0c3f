//! The chart of a consensus counterexample.
//!
//! A consensus violation carries its execution as the checker's trace lines
//! (`consensus::trace`), not as broadcast [`Action`](crate::checker::Action)s:
//! its steps are proposals, votes, evaluations and their decisions or
//! handovers, which the plain broadcast model cannot replay. [`steps`] reads
//! those lines back into [`Step`]s, the one grammar being the lines that
//! `consensus::trace` and `checker::describe::reactions` write (a test keeps
//! the two in step), and [`chart`] lays them out: every proposal and its
//! votes at row 0, then one row per receipt, loss, crash and evaluation.

use super::{Arrow, Chart, Event, Lane, LaneKind};
use crate::checker::faults::Faulty;
use crate::checker::Config;
use crate::semantics::ProcId;
use std::collections::BTreeMap;

/// One step of a consensus counterexample, as the chart draws it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// `p0 proposes 1`.
    Propose {
        /// Who.
        process: ProcId,
        /// Its input.
        value: u64,
    },
    /// `p0 sends Vote(1) to all`: the messages, by label (`Vote(1)`).
    Send {
        /// Who.
        process: ProcId,
        /// The labels of the messages sent.
        labels: Vec<String>,
    },
    /// `p3 (Byzantine) -> p1: Vote(0)`.
    Receive {
        /// Sender.
        from: ProcId,
        /// Receiver.
        to: ProcId,
        /// Whether the sender is Byzantine (an injection).
        byzantine: bool,
        /// Type and value, `Vote(0)`.
        label: String,
    },
    /// `p1's Vote(0) to p2 is lost`.
    Lose {
        /// Crashed sender.
        from: ProcId,
        /// Would-be receiver.
        to: ProcId,
        /// Type and value.
        label: String,
    },
    /// `p2 crashes`.
    Crash(ProcId),
    /// `p1 evaluates Vote: 4 x 0, 0 x 1 -> decides 0`: the snapshot (`Vote:
    /// 4 x 0, 0 x 1`), and the ending when the same line states it.
    Evaluate {
        /// Who.
        process: ProcId,
        /// The snapshot and the arm taken, as written after `evaluates `.
        snapshot: String,
        /// `decides 0`, `hands over 1`, if on the same line.
        ending: Option<Ending>,
    },
    /// `p1 decides 0` or `p1 hands over 1` on a line of its own.
    End {
        /// Who.
        process: ProcId,
        /// What.
        ending: Ending,
    },
}

/// A decision or a handover, and its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ending {
    /// `decides v`.
    Decide(u64),
    /// `hands over v`.
    Handover(u64),
}

impl Ending {
    /// `decides 0`, `hands over 1`.
    pub fn text(self) -> String {
        match self {
            Ending::Decide(v) => format!("decides {v}"),
            Ending::Handover(v) => format!("hands over {v}"),
        }
    }

    /// The ending at the start of `text` (`decides 0`, `hands over 1`).
    fn parse(text: &str) -> Option<Ending> {
        if let Some(v) = text.strip_prefix("decides ") {
            return v.trim().parse().ok().map(Ending::Decide);
        }
        text.strip_prefix("hands over ")
            .and_then(|v| v.trim().parse().ok())
            .map(Ending::Handover)
    }
}

/// `p12` as 12.
fn process(word: &str) -> Option<ProcId> {
    word.strip_prefix('p')?.parse().ok()
}

/// The step a trace line states; `None` for a line the chart does not draw.
pub fn step(line: &str) -> Option<Step> {
    let line = line.trim();
    if let Some((from, rest)) = line.split_once(" -> ") {
        if let Some((to, label)) = rest.split_once(": ") {
            let (from, byzantine) = match from.strip_suffix(" (Byzantine)") {
                Some(from) => (from, true),
                None => (from, false),
            };
            return Some(Step::Receive {
                from: process(from)?,
                to: process(to)?,
                byzantine,
                label: label.to_string(),
            });
        }
    }
    if let Some((from, rest)) = line.split_once("'s ") {
        let (label, to) = rest.strip_suffix(" is lost")?.split_once(" to ")?;
        return Some(Step::Lose {
            from: process(from)?,
            to: process(to)?,
            label: label.to_string(),
        });
    }
    let (who, rest) = line.split_once(' ')?;
    let process = process(who)?;
    if rest == "crashes" {
        return Some(Step::Crash(process));
    }
    if let Some(v) = rest.strip_prefix("proposes ") {
        let value = v.parse().ok()?;
        return Some(Step::Propose { process, value });
    }
    if let Some(sends) = rest.strip_prefix("sends ") {
        let labels = sends
            .split(", ")
            .map(|s| s.split(" to ").next().unwrap_or(s).to_string())
            .collect();
        return Some(Step::Send { process, labels });
    }
    if let Some(evaluation) = rest.strip_prefix("evaluates ") {
        let ending = evaluation
            .rsplit(" -> ")
            .next()
            .and_then(Ending::parse)
            .filter(|_| evaluation.contains(" -> "));
        return Some(Step::Evaluate {
            process,
            snapshot: evaluation.to_string(),
            ending,
        });
    }
    Ending::parse(rest).map(|ending| Step::End { process, ending })
}

/// The steps of a consensus trace, in order (lines the chart does not draw
/// left out).
pub fn steps(lines: &[String]) -> Vec<Step> {
    lines.iter().filter_map(|l| step(l)).collect()
}

/// The chart of a consensus execution given as trace lines, in `config`:
/// proposals and their votes at row 0, then one row per receipt, loss,
/// crash and evaluation (an ending stated on its own line goes on the row
/// of the evaluation before it). Byzantine lanes are those of `config`'s
/// scenario. The title and caption are left empty.
pub fn chart(config: &Config, lines: &[String]) -> Chart {
    let faulty = Faulty::of(config);
    let mut events = Vec::new();
    let mut crashed = vec![false; config.n];
    // The row each (sender, label) was sent at.
    let mut sent_at: BTreeMap<(ProcId, String), usize> = BTreeMap::new();
    let mut row = 0;
    for step in steps(lines) {
        match step {
            Step::Propose { process, value } => events.push(Event::Propose { process, value }),
            Step::Send { process, labels } => {
                for label in labels {
                    sent_at.entry((process, label)).or_insert(row);
                }
            }
            Step::Receive {
                from,
                to,
                byzantine,
                label,
            } => {
                row += 1;
                let sent = sent_at.get(&(from, label.clone())).copied().unwrap_or(row);
                let arrow = Arrow {
                    from,
                    to,
                    label,
                    sent,
                    row,
                };
                events.push(Event::Message {
                    arrow,
                    injected: byzantine,
                });
            }
            Step::Lose { from, to, label } => {
                row += 1;
                let sent = sent_at.get(&(from, label.clone())).copied().unwrap_or(row);
                events.push(Event::Lost(Arrow {
                    from,
                    to,
                    label,
                    sent,
                    row,
                }));
            }
            Step::Crash(process) => {
                row += 1;
                if let Some(c) = crashed.get_mut(process) {
                    *c = true;
                }
                events.push(Event::Crash { process, row });
            }
            Step::Evaluate {
                process,
                snapshot,
                ending,
            } => {
                row += 1;
                events.push(evaluation(process, row, &snapshot, ending));
            }
            Step::End { process, ending } => {
                // Completes this process's evaluation, if it is the last event.
                match events.last_mut() {
                    Some(Event::Evaluate {
                        process: p,
                        ending: e @ None,
                        ..
                    }) if *p == process => *e = Some(ending),
                    _ => {
                        row += 1;
                        events.push(evaluation(process, row, "", Some(ending)));
                    }
                }
            }
        }
    }
    let lanes = (0..config.n)
        .map(|p| Lane {
            process: p,
            kind: if faulty.is_byzantine(p) {
                LaneKind::Byzantine
            } else if crashed[p] {
                LaneKind::Crashed
            } else {
                LaneKind::Correct
            },
        })
        .collect();
    Chart {
        title: String::new(),
        caption: String::new(),
        broadcaster: None,
        lanes,
        rows: row + 1,
        events,
    }
}

/// The event of `process`'s evaluation at `row`: its snapshot (without the
/// ending, which the event shows on its own).
fn evaluation(process: ProcId, row: usize, snapshot: &str, ending: Option<Ending>) -> Event {
    let label = match ending {
        Some(e) => snapshot
            .strip_suffix(&format!(" -> {}", e.text()))
            .unwrap_or(snapshot),
        None => snapshot,
    };
    Event::Evaluate {
        process,
        label: label.to_string(),
        row,
        ending,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checker::{Limits, Scenario, Verdict};
    use crate::ir::FaultModel;

    /// The counterexample of Cf1s (decision-handover consistency) at N = 4,
    /// F = 1 under crashes, from the checker.
    fn cf1s_trace() -> (Config, Vec<String>) {
        let src = include_str!("../../../examples/cf1s.rs");
        let ir = &crate::source::protocols_in_source(src).expect("parses")[0];
        let config = Config {
            faults: FaultModel::Crash,
            n: 4,
            f: 1,
            scenario: Scenario::Crashes,
        };
        let result = crate::consensus::check(ir, config, Limits::default());
        let Verdict::Violated(v) = result.verdict else {
            panic!("Cf1s is violated: {:?}", result.verdict)
        };
        (config, v.trace)
    }

    #[test]
    fn every_line_of_a_checker_trace_is_a_step() {
        let (_, trace) = cf1s_trace();
        for line in &trace {
            assert!(step(line).is_some(), "not read back: {line}");
        }
    }

    #[test]
    fn lines_are_read_back_into_steps() {
        let cases = [
            (
                "p2 proposes 1",
                Step::Propose {
                    process: 2,
                    value: 1,
                },
            ),
            (
                "p0 sends Vote(1) to all",
                Step::Send {
                    process: 0,
                    labels: vec!["Vote(1)".into()],
                },
            ),
            (
                "p4 (Byzantine) -> p1: Vote(0)",
                Step::Receive {
                    from: 4,
                    to: 1,
                    byzantine: true,
                    label: "Vote(0)".into(),
                },
            ),
            (
                "p1's Vote(0) to p2 is lost",
                Step::Lose {
                    from: 1,
                    to: 2,
                    label: "Vote(0)".into(),
                },
            ),
            ("p3 crashes", Step::Crash(3)),
            (
                "p0 evaluates Vote: 2 x 0, 1 x 1 -> hands over 1",
                Step::Evaluate {
                    process: 0,
                    snapshot: "Vote: 2 x 0, 1 x 1 -> hands over 1".into(),
                    ending: Some(Ending::Handover(1)),
                },
            ),
            (
                "p0 evaluates Vote: 2 x 0, 1 x 1 -> otherwise",
                Step::Evaluate {
                    process: 0,
                    snapshot: "Vote: 2 x 0, 1 x 1 -> otherwise".into(),
                    ending: None,
                },
            ),
            (
                "p0 decides 1",
                Step::End {
                    process: 0,
                    ending: Ending::Decide(1),
                },
            ),
        ];
        for (line, expected) in cases {
            assert_eq!(step(line), Some(expected), "{line}");
        }
        assert_eq!(step("(step Crash could not be replayed)"), None);
    }

    #[test]
    fn the_chart_shows_each_evaluation_with_its_ending() {
        let (config, trace) = cf1s_trace();
        let chart = chart(&config, &trace);
        let endings: Vec<(ProcId, Option<Ending>)> = chart
            .events
            .iter()
            .filter_map(|e| match e {
                Event::Evaluate {
                    process, ending, ..
                } => Some((*process, *ending)),
                _ => None,
            })
            .collect();
        // The trace's evaluations, read here with plain string operations:
        // `p3 evaluates Vote: 1 x 0, 2 x 1 -> hands over 0`.
        let expected: Vec<(ProcId, Option<Ending>)> = trace
            .iter()
            .filter_map(|l| {
                let (p, rest) = l.strip_prefix('p')?.split_once(" evaluates ")?;
                let (_, end) = rest.split_once(" -> ")?;
                let value = |s: &str| s.trim().parse::<u64>().ok();
                let ending = if let Some(v) = end.strip_prefix("decides ") {
                    value(v).map(Ending::Decide)
                } else if let Some(v) = end.strip_prefix("hands over ") {
                    value(v).map(Ending::Handover)
                } else {
                    None
                };
                Some((p.parse().ok()?, ending))
            })
            .collect();
        assert_eq!(endings, expected, "{trace:#?}");
        // A decision-handover inconsistency: a decision and a handover of
        // the other value.
        let decided = endings.iter().find_map(|e| match e.1 {
            Some(Ending::Decide(v)) => Some(v),
            _ => None,
        });
        let handed = endings.iter().find_map(|e| match e.1 {
            Some(Ending::Handover(v)) => Some(v),
            _ => None,
        });
        assert!(
            matches!((decided, handed), (Some(d), Some(h)) if d != h),
            "{trace:#?}"
        );
        let proposals = chart
            .events
            .iter()
            .filter(|e| matches!(e, Event::Propose { .. }))
            .count();
        assert_eq!(proposals, 4);
        // Every vote received was sent at row 0.
        for e in &chart.events {
            if let Event::Message { arrow, .. } = e {
                assert_eq!(arrow.sent, 0, "{arrow:?}");
            }
        }
        for (p, lane) in chart.lanes.iter().enumerate() {
            let crashes = trace.contains(&format!("p{p} crashes"));
            assert_eq!(lane.kind == LaneKind::Crashed, crashes, "p{p}: {trace:#?}");
        }
        // The handover's label: `p3 hands over 0 (Vote: 1 x 0, 2 x 1)`.
        let line = trace
            .iter()
            .find(|l| l.contains("-> hands over"))
            .expect("a handover");
        let (p, rest) = line.split_once(" evaluates ").expect("an evaluation");
        let (counts, end) = rest.split_once(" -> ").expect("an ending");
        let label = format!("{p} {end} ({counts})");
        assert!(chart.to_svg().contains(&label), "{label}");
    }
}
