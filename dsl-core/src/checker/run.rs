//! Running a model exhaustively with stateright's BFS, within limits, and
//! turning what it found into a [`CheckResult`].

use super::model::CompactModel;
use super::properties::{self, NAMES};
use super::reference::PlainModel;
use super::trace;
use super::{CheckResult, Config, Limits, Verdict, Violation};
use crate::ir::ProtocolIr;
use stateright::{Checker, HasDiscoveries, Model};
use std::time::{Duration, Instant};

/// Checks `ir` in `config` with the compact model. Only a run that visited
/// every reachable state answers [`Verdict::Verified`].
pub fn check(ir: &ProtocolIr, config: Config, limits: Limits) -> CheckResult {
    let start = Instant::now();
    let model = match CompactModel::new(ir, &config) {
        Ok(model) => model,
        Err(e) => return unknown(ir, config, e.to_string(), 0, start),
    };
    let trace_model = model.clone();
    explore(ir, config, limits, model, start, move |path| {
        trace::compact(&trace_model, path)
    })
}

/// Checks `ir` in `config` with the plain model (no reduction): the reference.
pub fn check_plain(ir: &ProtocolIr, config: Config, limits: Limits) -> CheckResult {
    let start = Instant::now();
    let model = match PlainModel::new(ir, &config) {
        Ok(model) => model,
        Err(e) => return unknown(ir, config, e.to_string(), 0, start),
    };
    let trace_model = model.clone();
    explore(ir, config, limits, model, start, move |path| {
        trace::plain(&trace_model, path)
    })
}

fn unknown(
    ir: &ProtocolIr,
    config: Config,
    reason: String,
    states: usize,
    start: Instant,
) -> CheckResult {
    CheckResult {
        protocol: ir.name.clone(),
        config,
        verdict: Verdict::Unknown { reason },
        states,
        seconds: start.elapsed().as_secs_f64(),
    }
}

/// A discovered path as (readable lines, concrete actions, detail of the
/// violation in the last state).
pub(crate) type Explained = (Vec<String>, Vec<super::Action>, String);

fn explore<M>(
    ir: &ProtocolIr,
    config: Config,
    limits: Limits,
    model: M,
    start: Instant,
    explain: impl Fn(&stateright::Path<M::State, M::Action>) -> Option<Explained>,
) -> CheckResult
where
    M: Model + Send + Sync + 'static,
    M::State: Clone + std::fmt::Debug + std::hash::Hash + PartialEq + Send + Sync + 'static,
    M::Action: Clone + std::fmt::Debug + PartialEq + Send + Sync + 'static,
{
    let timeout = Duration::from_secs(limits.timeout_secs);
    let checker = model
        .checker()
        .finish_when(HasDiscoveries::AnyFailures)
        .target_state_count(limits.max_states)
        .timeout(timeout)
        .spawn_bfs()
        .join();
    let states = checker.unique_state_count();
    let generated = checker.state_count();
    let discoveries = checker.discoveries();
    // BFS visits states in order of depth and stops at the first violation
    // it finds; of the properties found violated, report the one with the
    // shortest path (the first in NAMES order among equals).
    if let Some((name, path)) = NAMES
        .iter()
        .filter_map(|&n| discoveries.get(n).map(|p| (n, p)))
        .min_by_key(|(_, p)| stateright::Path::clone(p).into_actions().len())
    {
        let verdict = match explain(path) {
            Some((trace, actions, detail)) => Verdict::Violated(Violation {
                property: properties::property_of(name),
                detail,
                trace,
                actions,
            }),
            None => Verdict::Unknown {
                reason: format!("{name} is violated but its trace could not be rebuilt"),
            },
        };
        return CheckResult {
            protocol: ir.name.clone(),
            config,
            verdict,
            states,
            seconds: start.elapsed().as_secs_f64(),
        };
    }
    let elapsed = start.elapsed();
    if generated >= limits.max_states {
        return unknown(
            ir,
            config,
            format!("stopped at the limit of {} states", limits.max_states),
            states,
            start,
        );
    }
    if elapsed >= timeout {
        return unknown(
            ir,
            config,
            format!("stopped at the time limit of {} s", limits.timeout_secs),
            states,
            start,
        );
    }
    CheckResult {
        protocol: ir.name.clone(),
        config,
        verdict: Verdict::Verified,
        states,
        seconds: elapsed.as_secs_f64(),
    }
}
