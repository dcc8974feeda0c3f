//! Parameterized checking of distgen protocols: safe for every N.
//!
//! [`check_all_n`] translates a protocol into one threshold automaton per
//! scenario of a fault model ([`dsl_core::ta`], whose docs argue why safe in
//! the automaton means safe at every allowed N), checks its specifications
//! with TACO's model checkers (run as libraries; the SMT-based ones call the
//! `z3` binary), and replays every counterexample with the explicit checker
//! ([`dsl_core::checker::check()`]) at the (N, F) TACO names. A result says
//! which properties hold for all N and which are only checked at instances.

mod consensus;
mod portfolio;
pub mod solver;
mod taco;

use dsl_core::checker::{self, Config, Limits, Scenario, Verdict};
use dsl_core::ir::{FaultModel, ProtocolIr};
use dsl_core::problem::Property;
use dsl_core::ta::{self, TaError};
use serde::Serialize;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

pub use taco::Backend;

/// How to check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    /// Which of TACO's model checkers, when not [`Options::portfolio`].
    pub backend: Backend,
    /// Limits of the explicit checker (replays and the instance sweep).
    pub replay: Limits,
    /// Whether to check liveness with the explicit checker at instances
    /// once safety is proven for all N, where the automaton does not decide
    /// it (crash faults): the default instances, or with
    /// [`Options::portfolio`] every instance the sweep reaches.
    pub instances: bool,
    /// Run the portfolio: TACO's SMT, ACS and ZCS checkers and the explicit
    /// checker's sweep of the allowed instances in order of size, all at
    /// once; the first conclusive answer wins and the others are stopped.
    pub portfolio: bool,
    /// Wall-clock bound per scenario, in seconds (0: none); at the bound the
    /// answer is unknown and the members are stopped.
    pub timeout_secs: u64,
    /// Print a line on standard error every few seconds while members run.
    pub progress: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            backend: Backend::Smt,
            replay: Limits::default(),
            instances: true,
            portfolio: false,
            timeout_secs: 0,
            progress: false,
        }
    }
}

/// What one member of the portfolio did.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MemberReport {
    /// `smt`, `acs`, `zcs` or `sweep`.
    pub member: String,
    /// Wall-clock seconds it ran (until its answer or until stopped).
    pub seconds: f64,
    /// What it reached: `safe`, `violated at N=.., F=..`, `stopped`, the
    /// reason of an unknown, or the sweep's reach.
    pub outcome: String,
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
    /// instances checked (`live_up_to`). Violated: the explicit checker
    /// confirmed a violation at `counterexample_at` (TACO's counterexample,
    /// an instance of the sweep, or a default instance for liveness).
    /// Unknown: neither (with the reason).
    pub verdict: Verdict,
    /// The (N, F) of the violation, if any.
    pub counterexample_at: Option<(usize, usize)>,
    /// The properties proven for all allowed N.
    pub properties_proven: Vec<String>,
    /// The properties not proven for all N: only at instances.
    pub instance_only: Vec<String>,
    /// With the portfolio, the properties of `instance_only` hold at every
    /// allowed instance with N at most this (the sweep's reach).
    pub live_up_to: Option<usize>,
    /// The automaton's size.
    pub locations: usize,
    /// Its rules.
    pub rules: usize,
    /// Which TACO checker answered (or the one asked for).
    pub backend: Backend,
    /// The member whose answer this is: `smt`, `acs`, `zcs`, `sweep`, or
    /// empty when none answered.
    pub answered_by: String,
    /// Every member, with how long it ran and what it reached.
    pub members: Vec<MemberReport>,
    /// Wall-clock seconds in all (translation, TACO, explicit checker).
    pub seconds: f64,
    /// Wall-clock seconds in TACO alone (the member that answered, or the
    /// longest-running one).
    pub taco_seconds: f64,
}

/// Checks `ir` under `faults` for all N, one result per scenario.
pub fn check_all_n(ir: &ProtocolIr, faults: FaultModel, options: &Options) -> Vec<AllNResult> {
    // One thread per scenario: each runs its own members.
    std::thread::scope(|scope| {
        let scenarios = ir.problem.scenarios(faults);
        let handles: Vec<_> = scenarios
            .iter()
            .map(|&s| scope.spawn(move || check_scenario(ir, s, options)))
            .collect();
        handles
            .into_iter()
            .zip(scenarios)
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
        faults: scenario.faults(),
        scenario,
        assumption: String::new(),
        verdict: Verdict::Unknown {
            reason: String::new(),
        },
        counterexample_at: None,
        properties_proven: Vec::new(),
        instance_only: names(&ta::LIVENESS),
        live_up_to: None,
        locations: 0,
        rules: 0,
        backend: options.backend,
        answered_by: String::new(),
        members: Vec::new(),
        seconds: 0.0,
        taco_seconds: 0.0,
    }
}

/// Checks `ir` in one scenario for all N: with TACO's checker
/// [`Options::backend`], or with the portfolio ([`portfolio`]).
pub fn check_scenario(ir: &ProtocolIr, scenario: Scenario, options: &Options) -> AllNResult {
    let start = Instant::now();
    let mut result = blank(ir, scenario, options);
    if ir.problem == dsl_core::ir::Problem::Consensus {
        consensus::check(ir, options, &mut result);
        result.seconds = start.elapsed().as_secs_f64();
        return result;
    }
    let automaton = match ta::translate(ir, scenario) {
        Ok(a) => a,
        Err(e) => {
            result.verdict = Verdict::Unknown {
                reason: untranslatable(&e),
            };
            result.seconds = start.elapsed().as_secs_f64();
            return result;
        }
    };
    result.assumption = automaton.assumption.clone();
    result.locations = automaton.locations.len();
    result.rules = automaton.rules.len();
    portfolio::run(ir, scenario, automaton, options, start, &mut result);
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
    stop: &solver::Stop,
) -> Option<(usize, usize)> {
    SMALL_N.iter().find_map(|&bound| {
        let mut capped = automaton.clone();
        capped.assumptions.push(format!("N <= {bound}"));
        match taco::check(&capped, backend, stop) {
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
    halt: &AtomicBool,
) -> (Verdict, Option<(usize, usize)>) {
    let configs: Vec<Config> = checker::default_configs(&ir.requires, scenario.faults())
        .into_iter()
        .filter(|c| c.scenario == scenario)
        .collect();
    let mut unknown = None;
    for config in configs {
        match checker::check_until(ir, config, limits, halt).verdict {
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

fn names(props: &[Property]) -> Vec<String> {
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
    violated: &[Property],
    limits: Limits,
    halt: &AtomicBool,
) -> Verdict {
    let config = Config::of(scenario, n, f);
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
    let r = checker::check_until(ir, config, limits, halt);
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
    if let Err(e) = solver::find() {
        return Err(e.to_string());
    }
    taco::check_text(text, backend)
}
