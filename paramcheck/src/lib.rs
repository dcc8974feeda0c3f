//! Parameterized checking of distgen protocols: safe for every N.
//!
//! [`check_all_n`] translates a protocol into one threshold automaton per
//! scenario of a fault model ([`dsl_core::ta`], whose docs argue why safe in
//! the automaton means safe at every allowed N), checks its specifications
//! with TACO's model checkers (run as libraries; the SMT-based ones call the
//! `z3` binary), and replays every counterexample with the explicit checker
//! ([`dsl_core::checker::check`]) at the (N, F) TACO names. A result says
//! which properties hold for all N and which are only checked at instances.

mod taco;

use dsl_core::checker::{self, Config, Limits, Scenario, Verdict};
use dsl_core::ir::{FaultModel, ProtocolIr};
use dsl_core::ta::{self, SafetyProperty, TaError};
use serde::Serialize;
use std::time::Instant;

pub use taco::Backend;

/// How to check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    /// Which of TACO's model checkers.
    pub backend: Backend,
    /// Limits of the explicit checker that replays a counterexample.
    pub replay: Limits,
    /// Whether to check liveness with the explicit checker at the default
    /// instances of each scenario once safety is proven for all N, where
    /// the automaton does not decide it (crash faults).
    pub instances: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            backend: Backend::Smt,
            replay: Limits::default(),
            instances: true,
        }
    }
}

/// The answer for one (fault model, scenario), for all N.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AllNResult {
    /// The protocol's name.
    pub protocol: String,
    /// The fault model.
    pub faults: FaultModel,
    /// The scenario.
    pub scenario: Scenario,
    /// The (N, F) covered, in words: `N > 3 * F`.
    pub assumption: String,
    /// Verified: every property of `properties_proven` holds for every
    /// allowed N, and (with [`Options::instances`]) the others hold at the
    /// default instances. Violated: the explicit checker confirmed a
    /// violation at `counterexample_at` (TACO's counterexample, or a default
    /// instance for liveness). Unknown: neither (with the reason).
    pub verdict: Verdict,
    /// The (N, F) of TACO's counterexample, if any.
    pub counterexample_at: Option<(usize, usize)>,
    /// The properties proven for all allowed N.
    pub properties_proven: Vec<String>,
    /// The properties not checked here: only at instances.
    pub instance_only: Vec<String>,
    /// The automaton's size.
    pub locations: usize,
    /// Its rules.
    pub rules: usize,
    /// Which checker answered.
    pub backend: Backend,
    /// Wall-clock seconds in all (translation, TACO, explicit checker).
    pub seconds: f64,
    /// Wall-clock seconds in TACO alone.
    pub taco_seconds: f64,
}

/// Checks `ir` under `faults` for all N, one result per scenario.
pub fn check_all_n(ir: &ProtocolIr, faults: FaultModel, options: &Options) -> Vec<AllNResult> {
    // One thread per scenario: each runs its own z3 processes.
    std::thread::scope(|scope| {
        let handles: Vec<_> = Scenario::of(faults)
            .iter()
            .map(|&s| scope.spawn(move || check_scenario(ir, s, options)))
            .collect();
        handles
            .into_iter()
            .zip(Scenario::of(faults))
            .map(|(h, &s)| {
                h.join().unwrap_or_else(|_| {
                    let mut r = blank(ir, s, options);
                    r.verdict = Verdict::Unknown {
                        reason: "the parameterized check panicked".into(),
                    };
                    r
                })
            })
            .collect()
    })
}

/// A result with nothing found yet.
fn blank(ir: &ProtocolIr, scenario: Scenario, options: &Options) -> AllNResult {
    AllNResult {
        protocol: ir.name.clone(),
        faults: ta::faults_of(scenario),
        scenario,
        assumption: String::new(),
        verdict: Verdict::Unknown {
            reason: String::new(),
        },
        counterexample_at: None,
        properties_proven: Vec::new(),
        instance_only: names(&ta::LIVENESS),
        locations: 0,
        rules: 0,
        backend: options.backend,
        seconds: 0.0,
        taco_seconds: 0.0,
    }
}

/// Checks `ir` in one scenario for all N.
pub fn check_scenario(ir: &ProtocolIr, scenario: Scenario, options: &Options) -> AllNResult {
    let start = Instant::now();
    let mut result = blank(ir, scenario, options);
    let mut automaton = match ta::translate(ir, scenario) {
        Ok(a) => a,
        Err(e) => {
            result.verdict = Verdict::Unknown {
                reason: untranslatable(&e),
            };
            result.seconds = start.elapsed().as_secs_f64();
            return result;
        }
    };
    if options.backend != Backend::Smt {
        automaton.safety_only();
    }
    result.assumption = automaton.assumption.clone();
    result.locations = automaton.locations.len();
    result.rules = automaton.rules.len();
    result.instance_only = names(&automaton.instance_only());
    let taco_start = Instant::now();
    let answer = taco::check(&automaton, options.backend);
    result.taco_seconds = taco_start.elapsed().as_secs_f64();
    result.verdict = match answer {
        taco::Answer::Safe => {
            result.properties_proven = names(&automaton.proves());
            if options.instances && !result.instance_only.is_empty() {
                let (verdict, at) = liveness_at_instances(ir, scenario, options.replay);
                result.counterexample_at = at;
                verdict
            } else {
                Verdict::Verified
            }
        }
        taco::Answer::Unknown(reason) => Verdict::Unknown { reason },
        taco::Answer::Unsafe { violated, n, f } => {
            // TACO stops at the first violation: the other specifications
            // are not proven either. Look for a counterexample small enough
            // for the explicit checker.
            let taco_start = Instant::now();
            let (n, f) = small_counterexample(&automaton, options.backend).unwrap_or((n, f));
            result.taco_seconds += taco_start.elapsed().as_secs_f64();
            result.counterexample_at = Some((n, f));
            replay(ir, scenario, n, f, &violated, options.replay)
        }
    };
    result.seconds = start.elapsed().as_secs_f64();
    result
}

/// Bounds on N tried, in turn, to find a counterexample the explicit checker
/// can replay quickly.
const SMALL_N: [usize; 3] = [5, 8, checker::layout::MAX_N];

/// A counterexample of the automaton with N <= 16, the smallest bound of
/// [`SMALL_N`] that has one, if any.
fn small_counterexample(
    automaton: &ta::ThresholdAutomaton,
    backend: Backend,
) -> Option<(usize, usize)> {
    SMALL_N.iter().find_map(|&bound| {
        let mut capped = automaton.clone();
        capped.assumptions.push(format!("N <= {bound}"));
        match taco::check(&capped, backend) {
            taco::Answer::Unsafe { n, f, .. } => Some((n, f)),
            _ => None,
        }
    })
}

/// The explicit checker on the default instances of `scenario`, for the
/// properties that are not proven for all N (liveness): verified, or the
/// first violation (with its (N, F)), or unknown.
fn liveness_at_instances(
    ir: &ProtocolIr,
    scenario: Scenario,
    limits: Limits,
) -> (Verdict, Option<(usize, usize)>) {
    let configs: Vec<Config> = checker::default_configs(&ir.requires, ta::faults_of(scenario))
        .into_iter()
        .filter(|c| c.scenario == scenario)
        .collect();
    let mut unknown = None;
    for config in configs {
        match checker::check(ir, config, limits).verdict {
            Verdict::Violated(v) => return (Verdict::Violated(v), Some((config.n, config.f))),
            Verdict::Unknown { reason } => {
                unknown.get_or_insert(format!(
                    "safety proven for all N; liveness unknown at N={}, F={}: {reason}",
                    config.n, config.f
                ));
            }
            Verdict::Verified => {}
        }
    }
    match unknown {
        Some(reason) => (Verdict::Unknown { reason }, None),
        None => (Verdict::Verified, None),
    }
}

fn names(props: &[SafetyProperty]) -> Vec<String> {
    props.iter().map(|p| p.name().to_string()).collect()
}

/// The reason of an unknown verdict for a protocol with no automaton.
pub fn untranslatable(e: &TaError) -> String {
    format!("unknown: {e}")
}

/// Replays TACO's counterexample at (n, f) with the explicit checker.
fn replay(
    ir: &ProtocolIr,
    scenario: Scenario,
    n: usize,
    f: usize,
    violated: &[SafetyProperty],
    limits: Limits,
) -> Verdict {
    let config = Config {
        faults: ta::faults_of(scenario),
        n,
        f,
        scenario,
    };
    let names: Vec<&str> = violated.iter().map(|p| p.name()).collect();
    let unconfirmed = |why: String| {
        Verdict::Unknown {
        reason: format!(
            "unknown (counterexample not confirmed at N={n}, F={f}): TACO found {} violated in the automaton; {why}",
            names.join(" and ")
        ),
    }
    };
    if n > checker::layout::MAX_N {
        return unconfirmed(format!(
            "the explicit checker handles N <= {}",
            checker::layout::MAX_N
        ));
    }
    let r = checker::check(ir, config, limits);
    match r.verdict {
        Verdict::Violated(v) => Verdict::Violated(v),
        Verdict::Verified => unconfirmed("the explicit checker verified that instance".into()),
        Verdict::Unknown { reason } => unconfirmed(format!("the explicit checker: {reason}")),
    }
}

/// The word for a verdict: `verified`, `violated` or `unknown`.
pub fn verdict_word(v: &Verdict) -> &'static str {
    checker::report::verdict_word(v)
}

/// Runs TACO on a `.ta` text as it is (for experiments and benchmarks):
/// `Ok(true)` safe, `Ok(false)` unsafe, `Err` unknown.
pub fn check_ta_text(text: &str, backend: Backend) -> Result<bool, String> {
    taco::check_text(text, backend)
}
