//! Consensus as UDP actors: every process proposes its input at start, and
//! the run reports each process's decision or handover and checks, on what
//! was observed, the consensus properties ([`Property::CONSENSUS`] but
//! one-step, which the checker measures).
//!
//! The run has one instance, `(0, 0)`, so process ids are the step
//! function's; the wire values 0 and 1 are interned first, as indices 0 and
//! 1, and no other value is kept. A correct process runs `on propose` with
//! its input after the start barrier. A Byzantine process votes both values
//! at start: every message type with 0 to the first half of the others
//! (rounded down) and 1 to the rest, and then ignores what it receives.
//! A crashing process crashes as in broadcast, after a number of messages.

use super::config::{RunConfig, RunError};
use super::process::{Node, CONSENSUS as INSTANCE};
use super::report::{RunEnd, RunReport};
use super::run::run_nodes;
use crate::ir::{Problem, ProtocolIr};
use crate::problem::Property;
use crate::semantics::{Conclusion, ProcId};
use serde::Serialize;
use std::fmt;

/// What a process ended with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Ending {
    /// `decide(v)`.
    Decided(u64),
    /// `handover(v)`.
    HandedOver(u64),
    /// Neither.
    Nothing,
}

impl fmt::Display for Ending {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ending::Decided(v) => write!(f, "decided {v}"),
            Ending::HandedOver(v) => write!(f, "handed over {v}"),
            Ending::Nothing => write!(f, "nothing"),
        }
    }
}

/// One process of a consensus run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ProcessEnding {
    /// Its id.
    pub id: ProcId,
    /// `correct`, `crashed`, `byzantine` (as in the run report).
    pub role: super::report::Role,
    /// Its input (a Byzantine process votes both values).
    pub input: u64,
    /// What it ended with.
    pub ending: Ending,
}

/// One property, checked on what was observed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Check {
    /// The property.
    pub property: Property,
    /// Whether it held.
    pub holds: bool,
    /// Why, in words.
    pub detail: String,
}

/// A consensus run's report.
#[derive(Clone, Debug, Serialize)]
pub struct ConsensusReport {
    /// The run (processes, datagrams, how it ended; no instances).
    pub run: RunReport,
    /// Per process.
    pub processes: Vec<ProcessEnding>,
    /// Agreement, decision-handover consistency, validity, termination.
    pub checks: Vec<Check>,
}

impl ConsensusReport {
    /// Whether every check held.
    pub fn holds(&self) -> bool {
        self.checks.iter().all(|c| c.holds)
    }

    /// The check of `property`, if made.
    pub fn check(&self, property: Property) -> Option<&Check> {
        self.checks.iter().find(|c| c.property == property)
    }
}

/// Runs the consensus protocol `ir` as actors, process `p` proposing
/// `config.inputs[p]`; `config.broadcasts` and `from` are ignored.
pub fn run(ir: &ProtocolIr, config: &RunConfig) -> Result<ConsensusReport, RunError> {
    let config = prepare(ir, config, "`run --inputs` (consensus actors)")?;
    let (run, nodes) = run_nodes(ir, &config)?;
    let endings = nodes.iter().map(ending).collect();
    Ok(ConsensusReport::judged(run, &config.inputs, endings))
}

/// The run `config` asks for, made a consensus run for `layer` (the actors,
/// a cluster): `ir` must be a consensus protocol and every process have an
/// input; nobody broadcasts.
pub fn prepare(
    ir: &ProtocolIr,
    config: &RunConfig,
    layer: &'static str,
) -> Result<RunConfig, RunError> {
    crate::problem::require(ir, Problem::Consensus, layer)?;
    if config.inputs.is_empty() {
        return Err(RunError::Inputs(
            "a consensus protocol needs one input per process".into(),
        ));
    }
    let mut config = config.clone();
    config.broadcasts = 0;
    config.from = Vec::new();
    Ok(config)
}

impl ConsensusReport {
    /// The report of `run`, process `p` having proposed `inputs[p]` and
    /// ended with `endings[p]`, judged by [`checks`].
    pub fn judged(run: RunReport, inputs: &[u64], endings: Vec<Ending>) -> ConsensusReport {
        let processes: Vec<ProcessEnding> = endings
            .into_iter()
            .enumerate()
            .map(|(p, ending)| ProcessEnding {
                id: p,
                role: run.processes[p].role,
                input: inputs[p],
                ending,
            })
            .collect();
        ConsensusReport {
            checks: checks(&processes),
            run,
            processes,
        }
    }
}

/// What `node`, a process of a consensus run, ended with so far (a deployed
/// node's watcher asks after every event).
pub fn ending(node: &Node) -> Ending {
    let outcome = node
        .slots
        .get(&INSTANCE)
        .and_then(|s| s.local.outcome.map(|o| (o, &s.values)));
    match outcome {
        Some((Conclusion::Decided(v), values)) => {
            values.value(v).map_or(Ending::Nothing, Ending::Decided)
        }
        Some((Conclusion::HandedOver(v), values)) => {
            values.value(v).map_or(Ending::Nothing, Ending::HandedOver)
        }
        None => Ending::Nothing,
    }
}

/// The properties on what the processes ended with: safety over correct
/// processes, validity when every process that is not Byzantine had the
/// same input, termination of the correct ones.
pub fn checks(processes: &[ProcessEnding]) -> Vec<Check> {
    use super::report::Role;
    let correct: Vec<&ProcessEnding> = processes
        .iter()
        .filter(|p| p.role == Role::Correct)
        .collect();
    let decided = |v: u64| {
        correct
            .iter()
            .filter(move |p| p.ending == Ending::Decided(v))
    };
    let ids = |ps: Vec<&&ProcessEnding>| {
        ps.iter()
            .map(|p| format!("p{}", p.id))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let (d0, d1): (Vec<_>, Vec<_>) = (decided(0).collect(), decided(1).collect());
    let agreement = if !d0.is_empty() && !d1.is_empty() {
        (
            false,
            format!(
                "{} decided 0, {} decided 1",
                ids(d0.clone()),
                ids(d1.clone())
            ),
        )
    } else {
        (true, "no two correct processes decided differently".into())
    };
    let against = |v: u64| {
        correct
            .iter()
            .filter(|p| p.ending == Ending::HandedOver(1 - v))
            .collect::<Vec<_>>()
    };
    let consistency = match (d0.first(), d1.first()) {
        (Some(p), _) if !against(0).is_empty() => (
            false,
            format!("p{} decided 0, {} handed over 1", p.id, ids(against(0))),
        ),
        (_, Some(p)) if !against(1).is_empty() => (
            false,
            format!("p{} decided 1, {} handed over 0", p.id, ids(against(1))),
        ),
        _ => (true, "every correct handover matches the decisions".into()),
    };
    let inputs: Vec<u64> = processes
        .iter()
        .filter(|p| p.role != Role::Byzantine)
        .map(|p| p.input)
        .collect();
    let validity = match inputs.first() {
        Some(&v) if inputs.iter().all(|&i| i == v) => {
            let other: Vec<_> = correct
                .iter()
                .filter(
                    |p| matches!(p.ending, Ending::Decided(x) | Ending::HandedOver(x) if x != v),
                )
                .collect();
            if other.is_empty() {
                (true, format!("all inputs {v}; nobody ended with {}", 1 - v))
            } else {
                (
                    false,
                    format!("all inputs {v}; {} ended with {}", ids(other), 1 - v),
                )
            }
        }
        _ => (true, "inputs mixed: nothing to check".into()),
    };
    let waiting: Vec<_> = correct
        .iter()
        .filter(|p| p.ending == Ending::Nothing)
        .collect();
    let termination = if waiting.is_empty() {
        (true, "every correct process decided or handed over".into())
    } else {
        (false, format!("{} ended with nothing", ids(waiting)))
    };
    [
        (Property::Agreement, agreement),
        (Property::HandoverConsistency, consistency),
        (Property::InputValidity, validity),
        (Property::Termination, termination),
    ]
    .into_iter()
    .map(|(property, (holds, detail))| Check {
        property,
        holds,
        detail,
    })
    .collect()
}

impl fmt::Display for ConsensusReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = &self.run;
        writeln!(f, "{} at N = {}, F = {}: consensus", r.protocol, r.n, r.f)?;
        let outcome = match r.outcome {
            RunEnd::Timeout => "timeout: the run was stopped",
            _ => "quiet: the network went quiet",
        };
        writeln!(f, "{outcome} ({:.3} s)\n", r.seconds)?;
        writeln!(f, "process  role       input  ended with")?;
        for p in &self.processes {
            let input = match p.role {
                super::report::Role::Byzantine => "0/1".to_string(),
                _ => p.input.to_string(),
            };
            let role = format!("{:?}", p.role).to_lowercase();
            writeln!(f, "p{:<7} {role:<10} {input:<6} {}", p.id, p.ending)?;
        }
        writeln!(f, "\nmessages: {}\n", r.totals.messages)?;
        for c in &self.checks {
            let verdict = if c.holds { "holds" } else { "VIOLATED" };
            writeln!(f, "{}: {verdict} ({})", c.property.name(), c.detail)?;
        }
        Ok(())
    }
}
