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
//! The model ([`model`]) steps processes with the shared step function
//! ([`crate::semantics`]); a verdict comes only from an exhaustive run, a run
//! stopped by [`Limits`] answers unknown.

pub mod counting;
pub mod model;
pub mod properties;
pub mod trace;

use crate::checker::{CheckResult, Config, Limits, Scenario, Verdict, Violation};
use crate::ir::{FaultModel, ProtocolIr};
use crate::problem::Property;
use serde::{Deserialize, Serialize};
use stateright::{Checker, HasDiscoveries};
use std::time::{Duration, Instant};

/// Checks the consensus protocol `ir` in `config`.
pub fn check(ir: &ProtocolIr, config: Config, limits: Limits) -> CheckResult {
    run(ir, config, limits, false, false)
}

/// [`check`] with the plain model ([`model`]) even where the counting model
/// applies: the reference the counting model is tested against.
pub fn check_plain(ir: &ProtocolIr, config: Config, limits: Limits) -> CheckResult {
    run(ir, config, limits, false, true)
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
        let r = run(ir, c, limits, true, false);
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

fn run(ir: &ProtocolIr, config: Config, limits: Limits, measure: bool, plain: bool) -> CheckResult {
    let start = Instant::now();
    let result = |verdict: Verdict, states: usize| CheckResult {
        protocol: ir.name.clone(),
        config,
        verdict,
        states,
        seconds: start.elapsed().as_secs_f64(),
    };
    let unknown = |e: String| result(Verdict::Unknown { reason: e }, 0);
    if let Some(counting) = counting::Counting::new(ir, &config).filter(|_| !plain) {
        let mut model = match counting {
            Ok(m) => m,
            Err(e) => return unknown(e.to_string()),
        };
        model.measure = measure;
        model.one_step |= measure;
        let (verdict, states) = explore(model, limits, start, trace::explain_counting, 1);
        return result(verdict, states);
    }
    let mut model = match model::Model::new(ir, &config) {
        Ok(m) => m,
        Err(e) => return unknown(e.to_string()),
    };
    model.measure = measure;
    model.one_step |= measure;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let (verdict, states) = explore(model, limits, start, trace::explain, threads);
    result(verdict, states)
}

/// Rebuilds a path as readable lines and the last state's view.
type Explain<M> = fn(
    &M,
    &stateright::Path<<M as stateright::Model>::State, <M as stateright::Model>::Action>,
) -> (Vec<String>, properties::Snapshot);

/// Explores `model` with stateright's BFS within `limits`: the verdict and
/// the distinct states visited.
fn explore<M>(
    model: M,
    limits: Limits,
    start: Instant,
    explain: Explain<M>,
    threads: usize,
) -> (Verdict, usize)
where
    M: properties::Viewed + Clone + Send + Sync + 'static,
    M::State: Clone + std::fmt::Debug + std::hash::Hash + PartialEq + Send + Sync + 'static,
    M::Action: Clone + std::fmt::Debug + PartialEq + Send + Sync + 'static,
{
    let checker = model
        .clone()
        .checker()
        .threads(threads)
        .target_state_count(limits.max_states)
        .timeout(Duration::from_secs(limits.timeout_secs))
        .finish_when(HasDiscoveries::AnyFailures)
        .spawn_bfs()
        .join();
    let states = checker.unique_state_count();
    let discoveries = checker.discoveries();
    let found = Property::CONSENSUS
        .iter()
        .filter_map(|p| discoveries.get(p.name()).map(|path| (*p, path.clone())))
        .min_by_key(|(_, path)| path.clone().into_actions().len());
    if let Some((property, path)) = found {
        let (lines, last) = explain(&model, &path);
        let detail = properties::check(property, &(), &last)
            .err()
            .unwrap_or_default();
        let violation = Violation {
            property,
            detail: format!("{}: {detail}", property.name()),
            trace: lines,
            actions: Vec::new(),
        };
        return (Verdict::Violated(violation), states);
    }
    let elapsed = start.elapsed();
    if checker.state_count() >= limits.max_states
        || elapsed >= Duration::from_secs(limits.timeout_secs)
    {
        let reason = format!(
            "stopped at a limit ({} distinct states, {:.1} s); raise --max-states or --timeout",
            crate::checker::thousands(states),
            elapsed.as_secs_f64()
        );
        return (Verdict::Unknown { reason }, states);
    }
    (Verdict::Verified, states)
}
