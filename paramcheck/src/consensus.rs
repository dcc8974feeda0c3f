//! The all-N check of a consensus protocol: its automaton
//! ([`dsl_core::ta::consensus`]) checked by TACO, one specification at a
//! time, so that the result names every property proven.
//!
//! A counterexample's (N, F), made small first, is replayed by the explicit
//! checker (`dsl_core::consensus` through `checker::check`): only a
//! confirmed one is a violation, with its trace. Termination is left to the
//! instances: the default configurations of the scenario, checked by the
//! explicit checker when `options.instances` is set.

use crate::solver::Stop;
use crate::taco::{self, Answer};
use crate::{untranslatable, AllNResult};
use dsl_core::checker::{self, Verdict};
use dsl_core::ir::Problem;
use dsl_core::problem::Property;
use dsl_core::ta::consensus;
use std::sync::atomic::AtomicBool;

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
    let mut first: Option<(Property, usize, usize)> = None;
    for property in automaton.properties() {
        let start = std::time::Instant::now();
        let answer = taco::check_consensus(&automaton.print(property), options.backend, &stop);
        result.taco_seconds += start.elapsed().as_secs_f64();
        match answer {
            Answer::Safe => result.properties_proven.push(property.name().to_string()),
            Answer::Unsafe { n, f, .. } => {
                let (n, f) = small(&automaton, property, options, &stop).unwrap_or((n, f));
                first.get_or_insert((property, n, f));
                violated.push(format!("{} at N={n}, F={f}", property.name()));
            }
            Answer::Unknown(why) => unknown.push(format!("{}: {why}", property.name())),
        }
    }
    let halt = AtomicBool::new(false);
    result.verdict = if let Some((property, n, f)) = first {
        result.counterexample_at = Some((n, f));
        match crate::replay(
            ir,
            result.scenario,
            n,
            f,
            &[property],
            options.replay,
            &halt,
        ) {
            Verdict::Unknown { reason } => Verdict::Unknown {
                reason: format!("{reason} (TACO: {})", violated.join(", ")),
            },
            confirmed => confirmed,
        }
    } else if !unknown.is_empty() {
        Verdict::Unknown {
            reason: unknown.join("; "),
        }
    } else if options.instances {
        termination_at_instances(ir, result, options)
    } else {
        Verdict::Verified
    };
}

/// Safety holds for all N: the instance-only properties (termination) at
/// the scenario's default configurations, by the explicit checker.
fn termination_at_instances(
    ir: &dsl_core::ProtocolIr,
    result: &mut AllNResult,
    options: &crate::Options,
) -> Verdict {
    let faults = result.scenario.faults();
    let configs = checker::default_configs_for(Problem::Consensus, &ir.requires, faults);
    for config in configs
        .into_iter()
        .filter(|c| c.scenario == result.scenario)
    {
        match checker::check(ir, config, options.replay).verdict {
            Verdict::Violated(v) => {
                result.counterexample_at = Some((config.n, config.f));
                return Verdict::Violated(v);
            }
            Verdict::Unknown { reason } => {
                return Verdict::Unknown {
                    reason: format!(
                        "safety proven for all N; termination unknown at N={}, F={}: {reason}",
                        config.n, config.f
                    ),
                }
            }
            Verdict::Verified => {}
        }
    }
    Verdict::Verified
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
