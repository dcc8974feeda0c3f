//! The oracle's parameters (section `[oracle]` of the options).

use serde::{Deserialize, Serialize};

/// The oracle's parameters (section `[oracle]`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OracleParams {
    /// Largest number of states of one checker run (a run cut short is not
    /// a verification).
    pub max_states: usize,
    /// Wall-clock budget of one checker run, in seconds.
    pub timeout_secs: u64,
    /// Whether to cache verdicts by canonical form.
    pub cache: bool,
    /// During training, check only the configurations with N at most this
    /// (all if unset); the final re-validation checks all of them.
    pub max_n: Option<usize>,
    /// During training, check only the configurations with F at most this
    /// (all if unset); the final re-validation checks all of them.
    pub max_f: Option<usize>,
    /// State limit of the final re-validation.
    pub revalidation_max_states: usize,
    /// Time limit of one run of the final re-validation, in seconds.
    pub revalidation_timeout_secs: u64,
    /// How many of the cheapest verified protocols the final re-validation
    /// tries, cheapest first, until one holds in every configuration.
    pub revalidation_candidates: usize,
    /// How many checker runs go on at once (the results do not depend on
    /// it).
    pub threads: usize,
    /// Whether the final re-validation also checks the protocol it settles
    /// on for every N allowed by `requires` (threshold automata checked with
    /// TACO, crate `paramcheck`; needs the `z3` binary).
    pub all_n: bool,
    /// Whether training judges a protocol costlier than one already
    /// verified at the smallest size only (for its reward; it is not
    /// recorded), when training checks every configuration: such a protocol
    /// cannot be the answer (branch and bound).
    pub bound_costlier: bool,
    /// Whether a protocol verified at training's configurations that would
    /// be the best so far earns the verified reward only once it also holds
    /// on every configuration (where training checks fewer) and is not
    /// refuted for some N by the all-N check (with `all_n`); the answers
    /// are remembered by canonical form (issue 23).
    #[serde(default = "yes")]
    pub beyond_training: bool,
}

fn yes() -> bool {
    true
}

impl Default for OracleParams {
    fn default() -> Self {
        OracleParams {
            max_states: 50_000,
            timeout_secs: 60,
            cache: true,
            max_n: None,
            max_f: None,
            revalidation_max_states: 5_000_000,
            revalidation_timeout_secs: 300,
            revalidation_candidates: 50,
            threads: 2,
            all_n: true,
            bound_costlier: true,
            beyond_training: true,
        }
    }
}
