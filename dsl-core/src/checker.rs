//! Exhaustive checking of a protocol with stateright, under a fault model, at
//! one (N, F) and scenario, against reliable-broadcast validity, agreement and
//! integrity (DESIGN.md section 2).
//!
//! This is the interface that the CLI and the learner's oracle use; the models
//! behind it live in `checker/`.

use crate::ir::{FaultModel, ProtocolIr};
use serde::{Deserialize, Serialize};

/// Which processes are faulty.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scenario {
    /// The broadcaster (process 0) is correct; the faulty processes (crash or
    /// Byzantine) are the highest ids. Under `none`, nobody is faulty.
    CorrectBroadcaster,
    /// The broadcaster is one of the F Byzantine processes (Byzantine only).
    ByzantineBroadcaster,
}

/// One configuration to check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Config {
    /// The fault model the adversary follows.
    pub faults: FaultModel,
    /// Number of processes.
    pub n: usize,
    /// Fault bound.
    pub f: usize,
    /// Who is faulty.
    pub scenario: Scenario,
}

/// Limits on one run. A run stopped by a limit answers [`Verdict::Unknown`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    /// Largest number of distinct states to visit.
    pub max_states: usize,
    /// Wall-clock budget in seconds.
    pub timeout_secs: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_states: 50_000_000,
            timeout_secs: 600,
        }
    }
}

/// A reliable-broadcast property (Bracha; Cachin, Guerraoui and Rodrigues).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Property {
    /// If the broadcaster is correct, every correct process delivers its value.
    Validity,
    /// No two correct processes deliver different values, and if one correct
    /// process delivers, every correct process delivers.
    Agreement,
    /// A correct process delivers at most once and, if the broadcaster is
    /// correct, only the value it broadcast.
    Integrity,
}

impl std::fmt::Display for Property {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Property::Validity => "validity",
            Property::Agreement => "agreement",
            Property::Integrity => "integrity",
        })
    }
}

/// A property that failed, with the execution that breaks it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Violation {
    /// Which property.
    pub property: Property,
    /// What exactly went wrong in the last state, in words.
    pub detail: String,
    /// The steps from the initial state, each a readable line
    /// (`p3 (Byzantine) -> p1: Echo(1)`, `p1 delivers 1`).
    pub trace: Vec<String>,
}

/// The answer of one run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "verdict", rename_all = "lowercase")]
pub enum Verdict {
    /// The run was exhaustive and found no violation.
    Verified,
    /// A property is violated.
    Violated(Violation),
    /// The run stopped at a limit before it was exhaustive.
    Unknown {
        /// Which limit.
        reason: String,
    },
}

impl Verdict {
    /// Whether this is [`Verdict::Verified`].
    pub fn is_verified(&self) -> bool {
        matches!(self, Verdict::Verified)
    }
}

/// One run's result.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CheckResult {
    /// The protocol's name.
    pub protocol: String,
    /// The configuration checked.
    pub config: Config,
    /// What the checker found.
    pub verdict: Verdict,
    /// Distinct states visited.
    pub states: usize,
    /// Wall-clock seconds.
    pub seconds: f64,
}
