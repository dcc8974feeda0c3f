//! The parameterized ("all N") check of a protocol: its properties for
//! every N that `requires` allows, one threshold automaton per scenario
//! checked with TACO ([`paramcheck::check_all_n`]). Safety always; liveness
//! too where the automaton states it (Byzantine faults, see `dsl_core::ta`),
//! otherwise liveness stays what the re-validation checked at its
//! instances. [`crate::oracle::CheckerOracle`] answers it for the
//! re-validation and the exhaustive search ([`crate::oracle::Oracle::all_n`]).

use dsl_core::ir::{FaultModel, ProtocolIr};
use serde::{Deserialize, Serialize};

/// Whether a protocol is safe for every N allowed by its `requires` (the
/// parameterized check), as far as it was asked.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AllN {
    /// Not asked (no parameterized checker is wired in).
    #[default]
    NotChecked,
    /// Proven safe for every N allowed by `requires`: which properties, and
    /// for which N (`agreement, integrity for every N with N > 3 * F`).
    Proven(String),
    /// Refuted: unsafe at some N, with the reason.
    Refuted(String),
    /// The parameterized checker could not decide.
    Unknown(String),
}

impl std::fmt::Display for AllN {
    /// `not checked`, `proven: ...`, `refuted: ...`, `unknown: ...`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AllN::NotChecked => f.write_str("not checked"),
            AllN::Proven(what) => write!(f, "proven: {what}"),
            AllN::Refuted(why) => write!(f, "refuted: {why}"),
            AllN::Unknown(why) => write!(f, "unknown: {why}"),
        }
    }
}

/// The all-N answer for `ir` under `faults` (no instance checks: the
/// re-validation did those).
pub fn check(ir: &ProtocolIr, faults: FaultModel) -> AllN {
    let options = paramcheck::Options {
        instances: false,
        ..paramcheck::Options::default()
    };
    summary(&paramcheck::check_all_n(ir, faults, &options))
}

/// One answer for every scenario: refuted if any scenario is violated,
/// unknown if any is undecided, proven otherwise.
pub fn summary(results: &[paramcheck::AllNResult]) -> AllN {
    use dsl_core::checker::Verdict;
    let mut unknown = None;
    for r in results {
        match &r.verdict {
            Verdict::Violated(v) => {
                let at = r
                    .counterexample_at
                    .map(|(n, f)| format!(" at N={n}, F={f}"))
                    .unwrap_or_default();
                return AllN::Refuted(format!(
                    "{} violated{at} ({}): {}",
                    v.property,
                    r.scenario.name(),
                    v.detail
                ));
            }
            Verdict::Unknown { reason } => {
                unknown.get_or_insert_with(|| format!("{}: {reason}", r.scenario.name()));
            }
            Verdict::Verified => {}
        }
    }
    if let Some(why) = unknown {
        return AllN::Unknown(why);
    }
    let mut proven: Vec<&str> = results
        .iter()
        .flat_map(|r| r.properties_proven.iter().map(String::as_str))
        .collect();
    proven.sort_unstable();
    proven.dedup();
    let assumption = results.first().map_or("", |r| r.assumption.as_str());
    AllN::Proven(format!(
        "{} for every N with {assumption}",
        proven.join(", ")
    ))
}
