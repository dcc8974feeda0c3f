//! Running a model exhaustively with stateright's BFS, within limits, and
//! turning what it found into a [`CheckResult`].

use super::counting::CountingModel;
use super::model::CompactModel;
use super::properties::{self, NAMES};
use super::reference::PlainModel;
use super::trace;
use super::{CheckResult, Config, Limits, Scenario, Verdict, Violation};
use crate::ir::ProtocolIr;
use stateright::{Checker, HasDiscoveries, Model};
use std::time::{Duration, Instant};

/// Which model explores a configuration.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Engine {
    /// The counting model ([`super::counting`]) where it applies (no
    /// crashes), else the bitset model: what [`check`] uses.
    Auto,
    /// The bitset model ([`super::model`]: process identities kept, symmetry
    /// by permutations), the compact model before the counting abstraction,
    /// kept to cross-check it where the plain model does not finish.
    Bitset,
    /// The plain model ([`super::reference`]): no reduction at all.
    Plain,
}

/// Checks `ir` in `config` with the compact models. Only a run that visited
/// every reachable state answers [`Verdict::Verified`].
pub fn check(ir: &ProtocolIr, config: Config, limits: Limits) -> CheckResult {
    check_with(ir, config, limits, Engine::Auto)
}

/// Checks `ir` in `config` with the plain model (no reduction): the reference.
pub fn check_plain(ir: &ProtocolIr, config: Config, limits: Limits) -> CheckResult {
    check_with(ir, config, limits, Engine::Plain)
}

/// Checks `ir` in `config` with the model `engine`.
pub fn check_with(ir: &ProtocolIr, config: Config, limits: Limits, engine: Engine) -> CheckResult {
    let start = Instant::now();
    let fail = |e: String| unknown(ir, config, e, 0, start);
    let bitset = || -> Result<CompactModel, String> {
        let mut model = CompactModel::new(ir, &config).map_err(|e| e.to_string())?;
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
            explore(ir, config, limits, model, start, move |path| {
                trace::counting(&trace_model, &bits, path)
            })
        }
        Engine::Auto | Engine::Bitset => {
            let model = match CompactModel::new(ir, &config) {
                Ok(model) => model,
                Err(e) => return fail(e.to_string()),
            };
            let trace_model = model.clone();
            explore(ir, config, limits, model, start, move |path| {
                trace::compact(&trace_model, path)
            })
        }
        Engine::Plain => {
            let model = match PlainModel::new(ir, &config) {
                Ok(model) => model,
                Err(e) => return fail(e.to_string()),
            };
            let trace_model = model.clone();
            explore(ir, config, limits, model, start, move |path| {
                trace::plain(&trace_model, path)
            })
        }
    }
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

/// Generated states a single-threaded run explores before the checker runs
/// again on every core. Bracha at N = 7, F = 2 generates about 40,000 states
/// per scenario: with 20,000 here its first pass was thrown away (0.11 s of
/// CPU for both scenarios against 0.068 s with one pass); a space past this
/// bound (N = 10: 1.4 and 1.9 million) loses a few per cent.
const ONE_THREAD_STATES: usize = 100_000;

/// The cores the parallel run uses, read once per process:
/// `available_parallelism` reads cgroup files on every call, which showed in
/// the learner's profile (thousands of tiny checks).
fn cores() -> usize {
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// Time left above which a run bounded by [`ONE_THREAD_STATES`] runs
/// without stateright's timer (such a run takes a few seconds at most, so
/// it may overrun a timeout by that much).
const NO_TIMER_BELOW: Duration = Duration::from_secs(10);

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
    M: Model + Clone + Send + Sync + 'static,
    M::State: Clone + std::fmt::Debug + std::hash::Hash + PartialEq + Send + Sync + 'static,
    M::Action: Clone + std::fmt::Debug + PartialEq + Send + Sync + 'static,
{
    let timeout = Duration::from_secs(limits.timeout_secs);
    let threads = cores();
    let run = |model: M, threads: usize, max_states: usize| {
        let builder = model
            .checker()
            .threads(threads)
            .finish_when(HasDiscoveries::AnyFailures)
            .target_state_count(max_states);
        let left = timeout.saturating_sub(start.elapsed());
        // stateright enforces a timeout with a thread that sleeps until it
        // and is never joined: thousands of the learner's small checks left
        // thousands of sleeping threads, until no thread could be spawned.
        // A run bounded by the one-thread budget takes a few seconds at most;
        // it gets a timer only when less than ten are left.
        if max_states <= ONE_THREAD_STATES && left > NO_TIMER_BELOW {
            builder.spawn_bfs().join()
        } else {
            builder.timeout(left).spawn_bfs().join()
        }
    };
    let shortest = |checker: &dyn Checker<M>| {
        // Of the properties found violated, the one with the shortest path
        // (the first in NAMES order among equals).
        let discoveries = checker.discoveries();
        NAMES
            .iter()
            .filter_map(|&n| discoveries.get(n).map(|p| (n, p.clone())))
            .min_by_key(|(_, p)| p.clone().into_actions().len())
    };
    // One thread first, up to a small budget: most state spaces (nearly all
    // of the learner's candidates) end there, without the cost of starting
    // threads, and a violation found by one thread is a shortest one.
    let budget = limits.max_states.min(ONE_THREAD_STATES);
    let mut checker = run(model.clone(), 1, budget);
    let mut found = shortest(&checker);
    let parallel = found.is_none()
        && threads > 1
        && budget < limits.max_states
        && checker.state_count() >= budget
        && start.elapsed() < timeout;
    if parallel {
        checker = run(model.clone(), threads, limits.max_states);
        found = shortest(&checker);
    }
    let (mut states, generated) = (checker.unique_state_count(), checker.state_count());
    if found.is_some() && parallel {
        // Threads share BFS levels loosely, so a path found with several may
        // not be a shortest one: a single-threaded BFS finds one (it visits
        // states by depth and stops at the first violation).
        let again = run(model, 1, limits.max_states);
        if let Some(short) = shortest(&again) {
            found = Some(short);
            states = again.unique_state_count();
        }
    }
    if let Some((name, path)) = found {
        let verdict = violated(name, explain(&path));
        return CheckResult {
            protocol: ir.name.clone(),
            config,
            verdict,
            states,
            seconds: start.elapsed().as_secs_f64(),
        };
    }
    ended(ir, config, limits, states, generated, start)
}

/// The verdict for a violation of property `name`, from its explained path.
fn violated(name: &str, explained: Option<Explained>) -> Verdict {
    match explained {
        Some((trace, actions, detail)) => Verdict::Violated(Violation {
            property: properties::property_of(name),
            detail,
            trace,
            actions,
        }),
        None => Verdict::Unknown {
            reason: format!("{name} is violated but its trace could not be rebuilt"),
        },
    }
}

/// The result of a run that found no violation: verified if it visited
/// every state, unknown if a limit stopped it.
fn ended(
    ir: &ProtocolIr,
    config: Config,
    limits: Limits,
    states: usize,
    generated: usize,
    start: Instant,
) -> CheckResult {
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
    if elapsed >= Duration::from_secs(limits.timeout_secs) {
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
