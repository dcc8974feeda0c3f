//! Which model checks a protocol: the entry points of the checker
//! ([`check`], [`check_until`], [`check_plain`], [`check_with`]), which hand
//! a consensus protocol to [`crate::consensus`] and run a broadcast one's
//! model through [`super::run`].

use super::bitset::BitsetModel;
use super::counting::CountingModel;
use super::plain::PlainModel;
use super::properties;
use super::run::{explore, unknown, Explained};
use super::trace;
use super::{CheckResult, Config, Limits, Scenario};
use crate::ir::ProtocolIr;
use stateright::Path;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

/// Which model explores a configuration. A consensus protocol has two
/// models: its counting model under `Auto` where it applies, else its plain
/// model ([`crate::consensus`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Engine {
    /// The counting model ([`super::counting`]) where it applies (no
    /// crashes), else the bitset model: what [`check`] uses.
    Auto,
    /// The bitset model ([`super::bitset`]: process identities kept, symmetry
    /// by permutations), the compact model before the counting abstraction,
    /// kept to cross-check it where the plain model does not finish.
    Bitset,
    /// The plain model ([`super::plain`]): no reduction at all.
    Plain,
}

/// Checks `ir` in `config` with the compact models. Only a run that visited
/// every reachable state answers [`super::Verdict::Verified`].
pub fn check(ir: &ProtocolIr, config: Config, limits: Limits) -> CheckResult {
    check_with(ir, config, limits, Engine::Auto)
}

/// [`check`], stopped (answer unknown) as soon as `halt` is set, from
/// another thread: a portfolio's loser.
pub fn check_until(
    ir: &ProtocolIr,
    config: Config,
    limits: Limits,
    halt: &AtomicBool,
) -> CheckResult {
    check_engine(ir, config, limits, Engine::Auto, halt)
}

/// Checks `ir` in `config` with the plain model (no reduction): the reference.
pub fn check_plain(ir: &ProtocolIr, config: Config, limits: Limits) -> CheckResult {
    check_with(ir, config, limits, Engine::Plain)
}

/// Checks `ir` in `config` with the model `engine`.
pub fn check_with(ir: &ProtocolIr, config: Config, limits: Limits, engine: Engine) -> CheckResult {
    check_engine(ir, config, limits, engine, &AtomicBool::new(false))
}

fn check_engine(
    ir: &ProtocolIr,
    config: Config,
    limits: Limits,
    engine: Engine,
    halt: &AtomicBool,
) -> CheckResult {
    if ir.problem == crate::ir::Problem::Consensus {
        return crate::consensus::check_engine(ir, config, limits, engine != Engine::Auto, halt);
    }
    let start = Instant::now();
    let fail = |e: String| unknown(ir, config, e, 0, start);
    let bitset = || -> Result<BitsetModel, String> {
        let mut model = BitsetModel::new(ir, &config).map_err(|e| e.to_string())?;
        model.use_symmetry = false;
        Ok(model)
    };
    match engine {
        Engine::Auto if config.scenario != Scenario::Crashes => {
            let (model, bits) = match (CountingModel::new(ir, &config), bitset()) {
                (Ok(m), Ok(b)) => (m, b),
                (Err(e), _) => return fail(e.to_string()),
                (_, Err(e)) => return fail(e),
            };
            let trace_model = model.clone();
            explore(ir, config, limits, halt, model, start, move |_, path| {
                trace::counting(&trace_model, &bits, path)
            })
        }
        Engine::Auto | Engine::Bitset => {
            let model = BitsetModel::new(ir, &config);
            explore_traced(ir, config, limits, halt, start, model, trace::compact)
        }
        Engine::Plain => {
            let model = PlainModel::new(ir, &config);
            explore_traced(ir, config, limits, halt, start, model, trace::plain)
        }
    }
}

/// What explains a violation of a model `M` from the path to it.
type Tracer<M> = fn(
    &M,
    &Path<<M as stateright::Model>::State, <M as stateright::Model>::Action>,
) -> Option<Explained>;

/// Explores `model` (unknown if it could not be built), explaining a
/// violation with `trace` on a copy of it.
fn explore_traced<M>(
    ir: &ProtocolIr,
    config: Config,
    limits: Limits,
    halt: &AtomicBool,
    start: Instant,
    model: Result<M, impl std::fmt::Display>,
    trace: Tracer<M>,
) -> CheckResult
where
    M: properties::Checked + Clone + Send + Sync + 'static,
    M::State: Clone + std::fmt::Debug + std::hash::Hash + PartialEq + Send + Sync + 'static,
    M::Action: Clone + std::fmt::Debug + PartialEq + Send + Sync + 'static,
{
    let model = match model {
        Ok(model) => model,
        Err(e) => return unknown(ir, config, e.to_string(), 0, start),
    };
    let trace_model = model.clone();
    explore(ir, config, limits, halt, model, start, move |_, path| {
        trace(&trace_model, path)
    })
}
