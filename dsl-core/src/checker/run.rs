//! Running a model exhaustively with stateright's BFS, within limits, and
//! turning what it found into a [`CheckResult`]: the one runner of every
//! checker model, broadcast ([`super::check()`] chooses which) and consensus
//! ([`crate::consensus`]).

use super::properties;
use super::{CheckResult, Config, Limits, Verdict, Violation};
use crate::ir::ProtocolIr;
use crate::problem::Property;
use stateright::{Checker, HasDiscoveries, Model};
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub(crate) fn unknown(
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

/// A discovered path as (readable lines, concrete actions, detail of the
/// violation in the last state).
pub(crate) type Explained = (Vec<String>, Vec<super::Action>, String);

/// Why a run stopped before the end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
enum Stopped {
    /// Not stopped.
    No = 0,
    /// At [`Limits::max_states`] distinct states.
    States = 1,
    /// At [`Limits::timeout_secs`].
    Time = 2,
    /// By the caller's `halt`.
    Halted = 3,
}

/// A model whose exploration can be cut from outside: once `stop` is set,
/// no state has actions and none is within the boundary, and stateright
/// drains what is queued (checking the properties of each) and ends. stateright counts generated states only (its
/// `target_state_count`); the run below watches the distinct ones and
/// the clock, and sets `stop` (stateright's own timeout leaves a sleeping
/// thread behind per run).
#[derive(Clone)]
struct Capped<M> {
    inner: M,
    stop: Arc<AtomicU8>,
}

impl<M: properties::Checked> Model for Capped<M>
where
    M::State: Clone + PartialEq,
{
    type State = M::State;
    type Action = M::Action;

    fn init_states(&self) -> Vec<Self::State> {
        self.inner.init_states()
    }

    /// No actions once stopped: stateright still pops every queued state,
    /// and generating each one's successors only to reject them at the
    /// boundary made a run of 3 s take 11 (the (4f)-BRB at N = 12, F = 3).
    /// Only `always` properties are checked (see `properties`), so a state
    /// left without actions is not taken for a terminal one.
    fn actions(&self, state: &Self::State, actions: &mut Vec<Self::Action>) {
        if self.stop.load(Ordering::Relaxed) == Stopped::No as u8 {
            self.inner.actions(state, actions)
        }
    }

    fn next_state(&self, last: &Self::State, action: Self::Action) -> Option<Self::State> {
        self.inner.next_state(last, action)
    }

    fn properties(&self) -> Vec<stateright::Property<Self>> {
        properties::all(self)
    }

    fn within_boundary(&self, state: &Self::State) -> bool {
        self.stop.load(Ordering::Relaxed) == Stopped::No as u8 && self.inner.within_boundary(state)
    }
}

impl<M: properties::Checked> properties::Checked for Capped<M>
where
    M::State: Clone + PartialEq,
{
    fn checked(&self) -> &'static [Property] {
        self.inner.checked()
    }

    fn verify(&self, p: Property, s: &Self::State) -> Result<(), String> {
        self.inner.verify(p, s)
    }

    fn firsts(&self) -> Option<&properties::Firsts<Self::State>> {
        self.inner.firsts()
    }
}

/// Explores `model` in `config` within `limits` and `halt`: one thread
/// first, every core past [`ONE_THREAD_STATES`], and the verdict with the
/// violated property's path given to `explain`. Every checker model goes
/// through here, broadcast and consensus alike.
#[allow(clippy::too_many_arguments)]
pub(crate) fn explore<M>(
    ir: &ProtocolIr,
    config: Config,
    limits: Limits,
    halt: &AtomicBool,
    model: M,
    start: Instant,
    explain: impl Fn(Property, &stateright::Path<M::State, M::Action>) -> Option<Explained>,
) -> CheckResult
where
    M: properties::Checked + Clone + Send + Sync + 'static,
    M::State: Clone + std::fmt::Debug + std::hash::Hash + PartialEq + Send + Sync + 'static,
    M::Action: Clone + std::fmt::Debug + PartialEq + Send + Sync + 'static,
{
    let timeout = Duration::from_secs(limits.timeout_secs);
    let threads = cores();
    let stopped = Arc::new(AtomicU8::new(Stopped::No as u8));
    // Runs the model on `threads` threads, up to `generated` generated
    // states if given, within the limits and `halt`.
    let run = |model: M, threads: usize, generated: Option<usize>| {
        let capped = Capped {
            inner: model,
            stop: Arc::clone(&stopped),
        };
        let mut builder = capped
            .checker()
            .threads(threads)
            .finish_when(HasDiscoveries::AnyFailures);
        if let Some(generated) = generated {
            builder = builder.target_state_count(generated);
        }
        let mut checker = builder.spawn_bfs();
        let handles = checker.handles();
        let mut pause = Duration::from_micros(100);
        while !handles.iter().all(|h| h.is_finished()) {
            if stopped.load(Ordering::Relaxed) == Stopped::No as u8 {
                let why = if halt.load(Ordering::Relaxed) {
                    Stopped::Halted
                } else if checker.unique_state_count() >= limits.max_states {
                    Stopped::States
                } else if start.elapsed() >= timeout {
                    Stopped::Time
                } else {
                    Stopped::No
                };
                stopped.store(why as u8, Ordering::Relaxed);
            }
            std::thread::sleep(pause);
            pause = (pause * 2).min(Duration::from_millis(20));
        }
        for h in handles {
            // A panic of a checker thread is a panic of the run.
            if let Err(panic) = h.join() {
                std::panic::resume_unwind(panic);
            }
        }
        checker
    };
    let checked = model.checked();
    let shortest = |checker: &dyn Checker<Capped<M>>| {
        // Of the properties found violated, the one with the shortest path
        // (the first in the model's order among equals).
        let discoveries = checker.discoveries();
        checked
            .iter()
            .filter_map(|&p| discoveries.get(p.name()).map(|path| (p, path.clone())))
            .min_by_key(|(_, p)| p.clone().into_actions().len())
    };
    // One thread first, up to a small budget: most state spaces (nearly all
    // of the learner's candidates) end there, without the cost of starting
    // threads, and a violation found by one thread is a shortest one.
    let mut checker = run(model.clone(), 1, Some(ONE_THREAD_STATES));
    let mut found = shortest(&checker);
    let parallel = found.is_none()
        && threads > 1
        && checker.state_count() >= ONE_THREAD_STATES
        && stopped.load(Ordering::Relaxed) == Stopped::No as u8;
    if parallel {
        checker = run(model.clone(), threads, None);
        found = shortest(&checker);
    } else if found.is_none()
        && checker.state_count() >= ONE_THREAD_STATES
        && stopped.load(Ordering::Relaxed) == Stopped::No as u8
    {
        // One core: go on from scratch without the bound.
        checker = run(model.clone(), 1, None);
        found = shortest(&checker);
    }
    let (mut states, generated) = (checker.unique_state_count(), checker.state_count());
    if found.is_some() && parallel {
        // Threads share BFS levels loosely, so a path found with several may
        // not be a shortest one: a single-threaded BFS finds one (it visits
        // states by depth and stops at the first violation).
        let again = run(model, 1, None);
        if let Some(short) = shortest(&again) {
            found = Some(short);
            states = again.unique_state_count();
        }
    }
    if let Some((property, path)) = found {
        let verdict = violated(property, explain(property, &path));
        return CheckResult {
            protocol: ir.name.clone(),
            config,
            verdict,
            states,
            seconds: start.elapsed().as_secs_f64(),
        };
    }
    let why = match stopped.load(Ordering::Relaxed) {
        1 => Stopped::States,
        2 => Stopped::Time,
        3 => Stopped::Halted,
        _ => Stopped::No,
    };
    ended(ir, config, limits, (states, generated), why, start)
}

/// The verdict for a violation of property `property`, from its explained
/// path.
fn violated(property: Property, explained: Option<Explained>) -> Verdict {
    match explained {
        Some((trace, actions, detail)) => Verdict::Violated(Violation {
            property,
            detail,
            trace,
            actions,
        }),
        None => Verdict::Unknown {
            reason: format!("{property} is violated but its trace could not be rebuilt"),
        },
    }
}

/// `n` with thousands separators: 6,457,987.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The result of a run that found no violation: verified if it visited
/// every state, unknown (with the limit, its value and the option that
/// raises it) if stopped.
fn ended(
    ir: &ProtocolIr,
    config: Config,
    limits: Limits,
    (states, generated): (usize, usize),
    why: Stopped,
    start: Instant,
) -> CheckResult {
    let counts = format!(
        "{} distinct states ({} generated)",
        thousands(states),
        thousands(generated)
    );
    let reason = match why {
        Stopped::No => {
            return CheckResult {
                protocol: ir.name.clone(),
                config,
                verdict: Verdict::Verified,
                states,
                seconds: start.elapsed().as_secs_f64(),
            }
        }
        Stopped::States => format!(
            "stopped at the limit of {} distinct states, after {counts}; raise it with --max-states",
            thousands(limits.max_states)
        ),
        Stopped::Time => format!(
            "stopped at the time limit of {} s, after {counts}; raise it with --timeout",
            limits.timeout_secs
        ),
        Stopped::Halted => format!("stopped from outside after {counts}"),
    };
    unknown(ir, config, reason, states, start)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checker::plain::PlainModel;
    use crate::checker::{Config, Scenario};
    use crate::ir::FaultModel;

    /// Once stopped, a state has no successors, so stateright's drain of
    /// its queue only checks properties: a stopped run ends soon after its
    /// limit instead of expanding every queued state.
    #[test]
    fn a_stopped_model_offers_no_actions() {
        let ir = crate::syntax::parse_str(
            "pub Flood {
                faults: crash;
                requires: N > 2 * F;
                messages: T;
                on broadcast(m) { send T(m) to all; }
                when received T(m) >= 1 { send T(m) to all; deliver(m); }
            }",
        )
        .unwrap();
        let config = Config {
            faults: FaultModel::Crash,
            n: 3,
            f: 1,
            scenario: Scenario::Crashes,
        };
        let model = Capped {
            inner: PlainModel::new(&ir, &config).unwrap(),
            stop: Arc::new(AtomicU8::new(Stopped::No as u8)),
        };
        let init = model.init_states().remove(0);
        let mut actions = Vec::new();
        model.actions(&init, &mut actions);
        assert!(!actions.is_empty(), "the initial state has steps");
        model.stop.store(Stopped::Time as u8, Ordering::Relaxed);
        actions.clear();
        model.actions(&init, &mut actions);
        assert!(
            actions.is_empty(),
            "a stopped model still offers {actions:?}"
        );
    }
}
