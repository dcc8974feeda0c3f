//! The problem seam: what a problem is, said once for every layer.
//!
//! distgen knows two problems ([`Problem`]): reliable broadcast and one-step
//! binary consensus. Each says here how an instance starts
//! ([`Problem::start`]), which scenarios a fault model gives
//! ([`Problem::scenarios`]), which properties are checked
//! ([`Problem::properties`]) and what the failure-free metrics measure
//! ([`Problem::metrics`]). The checker, the threshold automaton, PROMELA,
//! the actors, the charts and the learner ask this module instead of assuming
//! broadcast (docs/DESIGN.md section 4).
//!
//! A property has one identity, [`Property`]: a name for reports, an
//! identifier for specification files and JSON, a kind (safety or liveness)
//! and the problem it belongs to. Every layer reports with it, and a name that
//! is not a property is an error ([`Property::from_name`]), not a fallback.
//! The shape follows stateright's `SequentialSpec`: one interface, several
//! specifications.

use crate::ir::FaultModel;
pub use crate::ir::Problem;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Whether a property is violated by a finite execution (safety) or only by
/// one that gets stuck (liveness, checked where nothing more can happen).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A bad state is reachable.
    Safety,
    /// A state where nothing more can happen misses something.
    Liveness,
}

/// A property of a problem, the one identity every layer reports with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Property {
    /// Broadcast, safety: no two correct processes deliver different values
    /// (the consistency half of agreement).
    Consistency,
    /// Broadcast, safety: with a correct broadcaster, correct processes
    /// deliver only its value (and each at most once, by construction).
    Integrity,
    /// Broadcast, liveness: with a correct broadcaster, every correct
    /// process delivers.
    Validity,
    /// Broadcast, liveness: if a correct process delivers, every correct
    /// process delivers (the totality half of agreement).
    Totality,
    /// Consensus, safety: no two correct processes decide differently.
    Agreement,
    /// Consensus, safety: if a correct process decides v, every correct
    /// process that hands over hands over v (ByMC's lemma 4 for c1cs and
    /// Bosco: the underlying consensus then starts unanimous).
    HandoverConsistency,
    /// Consensus, safety: if every correct process proposes v, none decides
    /// or hands over the other value.
    InputValidity,
    /// Consensus, liveness: every correct process decides or hands over.
    Termination,
    /// Consensus, safety, where `one_step:` claims it: if every correct
    /// process proposes the same value, every correct process decides at its
    /// first evaluation (no correct process hands over; ByMC's `one_step`).
    OneStep,
}

impl Property {
    /// The broadcast properties, in the order they are checked.
    pub const BROADCAST: [Property; 4] = [
        Property::Consistency,
        Property::Integrity,
        Property::Validity,
        Property::Totality,
    ];

    /// The consensus properties, in the order they are checked (one-step
    /// only where claimed).
    pub const CONSENSUS: [Property; 5] = [
        Property::Agreement,
        Property::HandoverConsistency,
        Property::InputValidity,
        Property::Termination,
        Property::OneStep,
    ];

    /// Every property.
    pub fn all() -> impl Iterator<Item = Property> {
        Property::BROADCAST.into_iter().chain(Property::CONSENSUS)
    }

    /// The name in reports (`agreement (consistency)`).
    pub fn name(self) -> &'static str {
        match self {
            Property::Consistency => "agreement (consistency)",
            Property::Integrity => "integrity",
            Property::Validity => "validity",
            Property::Totality => "agreement (totality)",
            Property::Agreement => "agreement",
            Property::HandoverConsistency => "decision-handover consistency",
            Property::InputValidity => "validity (consensus)",
            Property::Termination => "termination",
            Property::OneStep => "one-step",
        }
    }

    /// The identifier in specification files (`.ta`, PROMELA) and JSON
    /// (`consistency`, `handover_consistency`).
    pub fn ident(self) -> &'static str {
        match self {
            Property::Consistency => "consistency",
            Property::Integrity => "integrity",
            Property::Validity => "validity",
            Property::Totality => "totality",
            Property::Agreement => "agreement",
            Property::HandoverConsistency => "handover_consistency",
            Property::InputValidity => "input_validity",
            Property::Termination => "termination",
            Property::OneStep => "one_step",
        }
    }

    /// Safety or liveness.
    pub fn kind(self) -> Kind {
        match self {
            Property::Consistency
            | Property::Integrity
            | Property::Agreement
            | Property::HandoverConsistency
            | Property::InputValidity
            | Property::OneStep => Kind::Safety,
            Property::Validity | Property::Totality | Property::Termination => Kind::Liveness,
        }
    }

    /// The problem it belongs to.
    pub fn problem(self) -> Problem {
        match self {
            Property::Consistency
            | Property::Integrity
            | Property::Validity
            | Property::Totality => Problem::Broadcast,
            _ => Problem::Consensus,
        }
    }

    /// The property with this report name or identifier; `None` for anything
    /// else (no fallback).
    pub fn from_name(name: &str) -> Option<Property> {
        Property::all().find(|p| p.name() == name || p.ident() == name)
    }
}

impl fmt::Display for Property {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Which processes are faulty, and how, in one configuration.
///
/// - `FailureFree` (fault model `none`): everybody is correct.
/// - `Crashes` (fault model `crash`): any F processes may crash (crash-stop)
///   between any two steps; the messages a crashed process had in flight may
///   each be lost.
/// - `CorrectBroadcaster` (broadcast, `byzantine`): process 0 is correct and
///   broadcasts value 0; processes N-F..N are Byzantine and can make any
///   correct process receive any (type, value in {0, 1}) from them at any time.
/// - `ByzantineBroadcaster` (broadcast, `byzantine`): processes 0 and
///   N-F+1..N are Byzantine (F in all); nobody broadcasts.
/// - `Byzantine` (consensus, `byzantine`): processes N-F..N are Byzantine
///   and may vote both values, to each correct process in any order.
///
/// Under broadcast, process 0 broadcasts value 0 when it is correct; under
/// consensus every correct process proposes its input, every assignment of
/// inputs being explored. A correct process is one that is not faulty and,
/// under crashes, has not crashed (yet).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scenario {
    /// Nobody fails.
    FailureFree,
    /// Up to F crash-stop failures, anywhere.
    Crashes,
    /// F Byzantine processes, the broadcaster correct.
    CorrectBroadcaster,
    /// F Byzantine processes, the broadcaster among them.
    ByzantineBroadcaster,
    /// F Byzantine processes (consensus: nobody is special).
    Byzantine,
}

impl Scenario {
    /// The broadcast scenarios of a fault model (see [`Problem::scenarios`]).
    pub fn of(faults: FaultModel) -> &'static [Scenario] {
        Problem::Broadcast.scenarios(faults)
    }

    /// The fault model whose scenario this is.
    pub fn faults(self) -> FaultModel {
        match self {
            Scenario::FailureFree => FaultModel::None,
            Scenario::Crashes => FaultModel::Crash,
            Scenario::CorrectBroadcaster | Scenario::ByzantineBroadcaster | Scenario::Byzantine => {
                FaultModel::Byzantine
            }
        }
    }

    /// The name used in reports (`correct-broadcaster`).
    pub fn name(self) -> &'static str {
        match self {
            Scenario::FailureFree => "failure-free",
            Scenario::Crashes => "crashes",
            Scenario::CorrectBroadcaster => "correct-broadcaster",
            Scenario::ByzantineBroadcaster => "byzantine-broadcaster",
            Scenario::Byzantine => "byzantine",
        }
    }
}

/// How an instance of a problem starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Start {
    /// Process 0, when correct, runs `on broadcast` with value 0.
    Broadcaster,
    /// Every correct process runs `on propose` with its binary input; the
    /// checker explores every assignment of inputs.
    EveryInput,
}

impl Problem {
    /// How an instance starts.
    pub fn start(self) -> Start {
        match self {
            Problem::Broadcast => Start::Broadcaster,
            Problem::Consensus => Start::EveryInput,
        }
    }

    /// The scenarios checked under a fault model.
    pub fn scenarios(self, faults: FaultModel) -> &'static [Scenario] {
        match (self, faults) {
            (_, FaultModel::None) => &[Scenario::FailureFree],
            (_, FaultModel::Crash) => &[Scenario::Crashes],
            (Problem::Broadcast, FaultModel::Byzantine) => {
                &[Scenario::CorrectBroadcaster, Scenario::ByzantineBroadcaster]
            }
            (Problem::Consensus, FaultModel::Byzantine) => &[Scenario::Byzantine],
        }
    }

    /// The properties checked, in order (for consensus, one-step is checked
    /// only where `one_step:` claims it, and measured everywhere).
    pub fn properties(self) -> &'static [Property] {
        match self {
            Problem::Broadcast => &Property::BROADCAST,
            Problem::Consensus => &Property::CONSENSUS,
        }
    }

    /// What the failure-free metrics measure, in words.
    pub fn metrics(self) -> &'static str {
        match self {
            Problem::Broadcast => {
                "messages sent until quiescence; communication steps until every \
                 correct process delivered; senders a process needs to deliver"
            }
            Problem::Consensus => {
                "messages sent until quiescence; communication steps until every \
                 correct process decided or handed over; whether unanimous inputs \
                 decide at the first evaluation (one step)"
            }
        }
    }

    /// The effect that ends a correct process's part, in words (`deliver`,
    /// `decide or handover`).
    pub fn outcome(self) -> &'static str {
        match self {
            Problem::Broadcast => "deliver",
            Problem::Consensus => "decide or handover",
        }
    }
}

/// A layer that handles one problem only was given a protocol of another.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{layer} handles {handles} protocols only, and {name} is a {problem} protocol")]
pub struct Unsupported {
    /// The layer (`the PROMELA export`).
    pub layer: &'static str,
    /// The problem it handles.
    pub handles: Problem,
    /// The protocol's name.
    pub name: String,
    /// The protocol's problem.
    pub problem: Problem,
}

/// `Ok` if `ir` solves `problem`, else the error that `layer` reports.
pub fn require(
    ir: &crate::ir::ProtocolIr,
    problem: Problem,
    layer: &'static str,
) -> Result<(), Unsupported> {
    if ir.problem == problem {
        Ok(())
    } else {
        Err(Unsupported {
            layer,
            handles: problem,
            name: ir.name.clone(),
            problem: ir.problem,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_idents_are_unique_and_round_trip() {
        let all: Vec<Property> = Property::all().collect();
        for p in &all {
            assert_eq!(Property::from_name(p.name()), Some(*p));
            assert_eq!(Property::from_name(p.ident()), Some(*p));
            assert!(p.problem().properties().contains(p));
        }
        let names: std::collections::BTreeSet<_> = all.iter().map(|p| p.name()).collect();
        let idents: std::collections::BTreeSet<_> = all.iter().map(|p| p.ident()).collect();
        assert_eq!(names.len(), all.len());
        assert_eq!(idents.len(), all.len());
        assert_eq!(Property::from_name("agreement (something)"), None);
    }

    #[test]
    fn fault_models_and_problems_parse_by_their_keywords() {
        for m in FaultModel::ALL {
            assert_eq!(m.keyword().parse(), Ok(m));
        }
        for p in Problem::ALL {
            assert_eq!(p.keyword().parse(), Ok(p));
        }
        assert_eq!(
            "crashes".parse::<FaultModel>(),
            Err("unknown fault model `crashes`; expected none, crash or byzantine".to_string())
        );
        assert_eq!(
            "agreement".parse::<Problem>(),
            Err("unknown problem `agreement`; expected broadcast or consensus".to_string())
        );
    }

    #[test]
    fn serde_uses_kebab_case_and_kinds_split() {
        let json = serde_json::to_string(&Property::HandoverConsistency).unwrap();
        assert_eq!(json, "\"handover-consistency\"");
        let safety = Property::all().filter(|p| p.kind() == Kind::Safety).count();
        assert_eq!(safety, 6);
    }

    #[test]
    fn consensus_has_one_byzantine_scenario() {
        assert_eq!(
            Problem::Consensus.scenarios(FaultModel::Byzantine),
            &[Scenario::Byzantine]
        );
        assert_eq!(Scenario::of(FaultModel::Byzantine).len(), 2);
    }
}
