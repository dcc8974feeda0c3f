//! The all-N check of a consensus protocol: its automaton
//! ([`dsl_core::ta::consensus`]) checked by TACO, one specification at a
//! time, so that the result names every property proven.
//!
//! A counterexample's (N, F) is reported; it is not replayed yet (the
//! explicit checker of consensus protocols, `dsl_core::consensus`, is not
//! wired in here), so the verdict is then unknown with that (N, F) named.
//! Termination is left to the instances.

use crate::solver::Stop;
use crate::taco::{self, Answer};
use crate::{untranslatable, AllNResult};
use dsl_core::checker::Verdict;
use dsl_core::problem::Property;
use dsl_core::ta::consensus;

/// Fills `result` for consensus protocol `ir` in `result.scenario`.
pub(crate) fn check(ir: &dsl_core::ProtocolIr, options: &crate::Options, result: &mut AllNResult) {
    let automaton = match consensus::translate(ir, result.scenario) {
        Ok(a) => a,
        Err(e) => {
            result.verdict = Verdict::Unknown {
                reason: untranslatable(&e),
            };
            return;
        }
    };
    result.assumption = automaton.assumption.clone();
    result.locations = consensus::LOCATIONS.len();
    result.rules = automaton.rules.len();
    result.instance_only = vec![Property::Termination.name().to_string()];
    result.answered_by = options.backend.name().to_string();
    let stop = Stop::new();
    let mut unknown = Vec::new();
    let mut violated = Vec::new();
    for property in automaton.properties() {
        let start = std::time::Instant::now();
        let answer = taco::check_consensus(&automaton.print(property), options.backend, &stop);
        result.taco_seconds += start.elapsed().as_secs_f64();
        match answer {
            Answer::Safe => result.properties_proven.push(property.name().to_string()),
            Answer::Unsafe { n, f, .. } => {
                let (n, f) = small(&automaton, property, options, &stop).unwrap_or((n, f));
                result.counterexample_at.get_or_insert((n, f));
                violated.push(format!("{} at N={n}, F={f}", property.name()));
            }
            Answer::Unknown(why) => unknown.push(format!("{}: {why}", property.name())),
        }
    }
    result.verdict = if !violated.is_empty() {
        Verdict::Unknown {
            reason: format!(
                "TACO found {} violated in the automaton (counterexample not replayed: the explicit consensus checker is not wired in)",
                violated.join(", ")
            ),
        }
    } else if !unknown.is_empty() {
        Verdict::Unknown {
            reason: unknown.join("; "),
        }
    } else {
        // Safety for all N; termination at instances (not run here).
        Verdict::Verified
    };
}

/// A counterexample with N at most 5, 8 or 16 (the smallest bound that has
/// one), for a replay by the explicit checker.
fn small(
    automaton: &consensus::ConsensusTa,
    property: Property,
    options: &crate::Options,
    stop: &Stop,
) -> Option<(usize, usize)> {
    [5, 8, 16].iter().find_map(|bound| {
        let mut capped = automaton.clone();
        capped.assumptions.push(format!("N <= {bound}"));
        match taco::check_consensus(&capped.print(property), options.backend, stop) {
            Answer::Unsafe { n, f, .. } => Some((n, f)),
            _ => None,
        }
    })
}
