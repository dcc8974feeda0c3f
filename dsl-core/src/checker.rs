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
