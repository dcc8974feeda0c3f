//! Exhaustive checking of one-step consensus protocols with stateright
//! (docs/DESIGN.md section 4, issue 20): every assignment of binary inputs
//! to the correct processes, no faults, crashes or Byzantine processes that
//! vote both values, against agreement, decision-handover consistency,
//! validity, termination and, where `one_step:` claims it, one-step.
//!
//! One-step is also measured in every configuration ([`measure_one_step`]):
//! with unanimous inputs, does every correct process decide at its first
//! evaluation, with no faults and with the configuration's faults.
//!
//! The models ([`plain`], [`counting`]) step processes with the shared step function
//! ([`crate::semantics`]); both models run through the broadcast models'
//! runner ([`crate::checker::run`]), with the same limits, halting and
//! messages; a verdict comes only from an exhaustive run, a run stopped by
//! [`Limits`] answers unknown.

pub mod counting;
pub mod plain;
pub mod properties;
pub mod trace;

use crate::checker::run::{explore, unknown};
use crate::checker::{CheckResult, Config, Explained, Limits, Scenario, Verdict};
use crate::ir::{FaultModel, ProtocolIr};
use crate::problem::Property;
use serde::{Deserialize, Serialize};
use std::sync::atomic::AtomicBool;
use std::time::Instant;

/// Checks the consensus protocol `ir` in `config`.
pub fn check(ir: &ProtocolIr, config: Config, limits: Limits) -> CheckResult {
    check_engine(ir, config, limits, false, &AtomicBool::new(false))
}

/// [`check`] with the plain model ([`plain`]) even where the counting model
/// applies: the reference the counting model is tested against.
pub fn check_plain(ir: &ProtocolIr, config: Config, limits: Limits) -> CheckResult {
    check_engine(ir, config, limits, true, &AtomicBool::new(false))
}

/// Whether unanimous inputs decide at the first evaluation in one scenario.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OneStepMeasure {
    /// The configuration (its scenario: failure-free for "no faults").
    pub config: Config,
    /// `Some(true)` one-step, `Some(false)` not (with the execution in
    /// `verdict`), `None` unknown (a limit was hit).
    pub one_step: Option<bool>,
    /// The run's verdict on one-step alone.
    pub verdict: Verdict,
    /// Distinct states visited.
    pub states: usize,
    /// Wall-clock seconds.
    pub seconds: f64,
}

/// Measures one-step at `config`'s size with no faults (failure-free, F = 0
/// faulty processes) and with `config`'s faults: two measures.
pub fn measure_one_step(ir: &ProtocolIr, config: Config, limits: Limits) -> [OneStepMeasure; 2] {
    let free = Config {
        faults: FaultModel::None,
        scenario: Scenario::FailureFree,
        ..config
    };
    [free, config].map(|c| {
        let r = run(ir, c, limits, &AtomicBool::new(false), true, false);
        OneStepMeasure {
            config: c,
            one_step: match r.verdict {
                Verdict::Verified => Some(true),
                Verdict::Violated(_) => Some(false),
                Verdict::Unknown { .. } => None,
            },
            verdict: r.verdict,
            states: r.states,
            seconds: r.seconds,
        }
    })
}

/// The measured one-step line of a report: `one-step measured at N = 8,
/// F = 1: without faults yes (12 states, 0.00 s), byzantine yes (...)`.
pub fn one_step_line(measures: &[OneStepMeasure; 2]) -> String {
    let part = |m: &OneStepMeasure| {
        format!(
            "{} {} ({} states, {:.2} s)",
            if m.config.scenario == Scenario::FailureFree {
                "without faults"
            } else {
                m.config.scenario.name()
            },
            match m.one_step {
                Some(true) => "yes",
                Some(false) => "no",
                None => "unknown",
            },
            crate::checker::thousands(m.states),
            m.seconds
        )
    };
    format!(
        "one-step measured at N = {}, F = {}: {}, {}",
        measures[0].config.n,
        measures[0].config.f,
        part(&measures[0]),
        part(&measures[1])
    )
}

/// Checks the consensus protocol `ir` in `config` with the plain model if
/// `plain`, else with the counting model where it applies (the plain one
/// otherwise), stopped as soon as `halt` is set: what
/// [`crate::checker::check()`] runs for consensus.
pub(crate) fn check_engine(
    ir: &ProtocolIr,
    config: Config,
    limits: Limits,
    plain: bool,
    halt: &AtomicBool,
) -> CheckResult {
    run(ir, config, limits, halt, false, plain)
}

fn run(
    ir: &ProtocolIr,
    config: Config,
    limits: Limits,
    halt: &AtomicBool,
    measure: bool,
    plain: bool,
) -> CheckResult {
    let start = Instant::now();
    let fail = |e: String| unknown(ir, config, e, 0, start);
    if let Some(counting) = counting::CountingModel::new(ir, &config).filter(|_| !plain) {
        let mut model = match counting {
            Ok(m) => m,
            Err(e) => return fail(e.to_string()),
        };
        model.measure = measure;
        model.one_step |= measure;
        let trace_model = model.clone();
        return explore(ir, config, limits, halt, model, start, move |p, path| {
            explained(p, trace::explain_counting(&trace_model, path))
        });
    }
    let mut model = match plain::PlainModel::new(ir, &config) {
        Ok(m) => m,
        Err(e) => return fail(e.to_string()),
    };
    model.measure = measure;
    model.one_step |= measure;
    let trace_model = model.clone();
    explore(ir, config, limits, halt, model, start, move |p, path| {
        explained(p, trace::explain(&trace_model, path))
    })
}

/// A violation of `property` explained: the trace's lines, what went wrong
/// in its last state (no concrete actions: consensus traces are not
/// replayed).
fn explained(
    property: Property,
    (lines, last): (Vec<String>, properties::Snapshot),
) -> Option<Explained> {
    let detail = properties::check(property, &(), &last)
        .err()
        .unwrap_or_default();
    Some((lines, Vec::new(), detail))
}
