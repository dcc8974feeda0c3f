//! The members of a scenario's all-N check, run at once: TACO's checkers
//! (each on its own thread, with its own solvers) and the explicit
//! checker's sweep of the allowed instances in order of size. The first
//! conclusive answer wins and the others are stopped:
//!
//! - a violation confirmed by the explicit checker (TACO's counterexample
//!   replayed, or an instance of the sweep) refutes the scenario;
//! - "verified for all N" comes only from a TACO checker's proof; where the
//!   proof leaves properties to instances (liveness under crash faults, or a
//!   safety-only checker), they must hold at every instance the sweep
//!   reached, at least up to the default instances' N: the row says how far.
//!
//! At [`Options::timeout_secs`] the answer is unknown, with what each
//! member reached.

use super::{
    liveness_at_instances, names, replay, small_counterexample, solver::Stop, taco, AllNResult,
    Backend, MemberReport, Options,
};
use dsl_core::checker::{self, Config, Limits, Scenario, Verdict, Violation};
use dsl_core::ir::ProtocolIr;
use dsl_core::problem::Property;
use dsl_core::ta::ThresholdAutomaton;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, RecvTimeoutError, Sender};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long the sweep goes on after a proof that leaves properties to
/// instances, once it has covered the default instances.
const GRACE: Duration = Duration::from_secs(3);

/// When the first progress line is printed, and then how often.
const PROGRESS_EVERY: Duration = Duration::from_secs(5);

/// What a member reports.
enum Event {
    /// TACO proved the automaton's specifications.
    Safe {
        proves: Vec<Property>,
        instance_only: Vec<Property>,
    },
    /// A violation the explicit checker confirmed at (n, f).
    Violated { n: usize, f: usize, v: Violation },
    /// The sweep found every allowed instance with N <= `reach` clean and
    /// has just checked (n, f).
    Clean {
        reach: Option<usize>,
        n: usize,
        f: usize,
    },
    /// The member ends without a conclusive answer.
    Unknown(String),
}

/// A member's name: `smt`, `acs`, `zcs` or `sweep`.
type Name = &'static str;

const SWEEP: Name = "sweep";

/// Silences the panic messages of members' threads: TACO panics when its
/// solver is killed, and every panic of a member becomes its unknown reason.
fn quiet_member_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let member = std::thread::current()
                .name()
                .is_some_and(|n| n.starts_with("distgen-member"));
            if !member {
                previous(info);
            }
        }));
    });
}

/// The largest N of the default instances of `scenario`: the sweep must
/// reach it before properties left to instances count as checked.
fn needed_reach(ir: &ProtocolIr, scenario: Scenario) -> usize {
    checker::default_configs(&ir.requires, scenario.faults())
        .iter()
        .filter(|c| c.scenario == scenario)
        .map(|c| c.n)
        .max()
        .unwrap_or(0)
}

fn taco_member(
    ir: ProtocolIr,
    scenario: Scenario,
    mut automaton: ThresholdAutomaton,
    backend: Backend,
    limits: Limits,
    stop: Arc<Stop>,
    halt: Arc<AtomicBool>,
) -> Event {
    if backend != Backend::Smt {
        // ACS and ZCS take safety specifications only.
        automaton.safety_only();
    }
    match taco::check(&automaton, backend, &stop) {
        taco::Answer::Safe => Event::Safe {
            proves: automaton.proves(),
            instance_only: automaton.instance_only(),
        },
        taco::Answer::Unknown(reason) => Event::Unknown(reason),
        taco::Answer::Unsafe { violated, n, f } => {
            // TACO stops at the first violation: look for a counterexample
            // small enough for the explicit checker.
            let (n, f) = small_counterexample(&automaton, backend, &stop).unwrap_or((n, f));
            match replay(&ir, scenario, n, f, &violated, limits, &halt) {
                Verdict::Violated(v) => Event::Violated { n, f, v },
                Verdict::Unknown { reason } => Event::Unknown(reason),
                Verdict::Verified => Event::Unknown("the replay verified the instance".into()),
            }
        }
    }
}

fn sweep_member(
    ir: &ProtocolIr,
    scenario: Scenario,
    limits: Limits,
    deadline: Option<Instant>,
    halt: &AtomicBool,
    tx: &Sender<(Name, Event)>,
) -> Event {
    // From N = 1: a protocol whose counts exclude the broadcaster cannot
    // deliver at N = 1, and the sweep's reach ("live at every N <= k") must
    // not skip it.
    let all = checker::allowed_instances(ir, scenario, checker::layout::MAX_N);
    let mut reach = None;
    for (i, &(n, f)) in all.iter().enumerate() {
        if halt.load(Ordering::Relaxed) {
            return Event::Unknown("stopped".into());
        }
        let mut limits = limits;
        if let Some(deadline) = deadline {
            let left = deadline.saturating_duration_since(Instant::now()).as_secs();
            if left == 0 {
                return Event::Unknown("stopped at the time limit".into());
            }
            limits.timeout_secs = limits.timeout_secs.min(left);
        }
        let config = Config::of(scenario, n, f);
        match checker::check_until(ir, config, limits, halt).verdict {
            Verdict::Violated(v) => return Event::Violated { n, f, v },
            Verdict::Verified => {
                if all.get(i + 1).is_none_or(|&(next, _)| next > n) {
                    reach = Some(n);
                }
                let _ = tx.send((SWEEP, Event::Clean { reach, n, f }));
            }
            Verdict::Unknown { reason } => {
                return Event::Unknown(format!("at N={n}, F={f}: {reason}"));
            }
        }
    }
    Event::Unknown(format!(
        "every allowed instance up to N = {} is clean",
        checker::layout::MAX_N
    ))
}

/// ACS and ZCS give way to SMT and the sweep. On two cores, four members
/// sharing them evenly left SMT, which answers most proofs and alone
/// proves liveness, a third of its time: the (4f)-BRB's Byzantine-broadcaster
/// row took 15 s in the portfolio and 4.2 s with SMT alone. On Linux the
/// nice value is the calling thread's, and the solvers it starts inherit it;
/// this one goes to 10 (its share against a thread at 0: about a tenth).
/// Elsewhere nothing changes.
fn yield_to_smt() {
    #[cfg(target_os = "linux")]
    // SAFETY: setpriority on this thread's id; no memory is touched.
    unsafe {
        let tid = libc::gettid();
        libc::setpriority(libc::PRIO_PROCESS, tid as libc::id_t, 10);
    }
}

/// A member still running or done.
struct Member {
    name: Name,
    start: Instant,
    done: Option<(f64, String)>,
}

/// Runs the members for one scenario and fills `result` with the answer.
pub(crate) fn run(
    ir: &ProtocolIr,
    scenario: Scenario,
    automaton: ThresholdAutomaton,
    options: &Options,
    start: Instant,
    result: &mut AllNResult,
) {
    quiet_member_panics();
    let deadline =
        (options.timeout_secs > 0).then(|| start + Duration::from_secs(options.timeout_secs));
    let halt = Arc::new(AtomicBool::new(false));
    let (tx, rx) = channel::<(Name, Event)>();
    let backends: Vec<Backend> = if options.portfolio {
        Backend::ALL.to_vec()
    } else {
        vec![options.backend]
    };
    let mut members = Vec::new();
    let mut stops = Vec::new();
    for backend in backends {
        let stop = Arc::new(Stop::new());
        stops.push(Arc::clone(&stop));
        let (ir, automaton, halt, tx) = (ir.clone(), automaton.clone(), halt.clone(), tx.clone());
        let limits = options.replay;
        let behind = options.portfolio && backend != Backend::Smt;
        let spawned = std::thread::Builder::new()
            .name(format!("distgen-member-{}", backend.name()))
            .spawn(move || {
                if behind {
                    yield_to_smt();
                }
                let event = taco_member(ir, scenario, automaton, backend, limits, stop, halt);
                let _ = tx.send((backend.name(), event));
            });
        if spawned.is_ok() {
            members.push(Member {
                name: backend.name(),
                start: Instant::now(),
                done: None,
            });
        }
    }
    if options.portfolio {
        let (ir, halt, tx) = (ir.clone(), halt.clone(), tx.clone());
        let limits = options.replay;
        let spawned = std::thread::Builder::new()
            .name("distgen-member-sweep".into())
            .spawn(move || {
                let event = sweep_member(&ir, scenario, limits, deadline, &halt, &tx);
                let _ = tx.send((SWEEP, event));
            });
        if spawned.is_ok() {
            members.push(Member {
                name: SWEEP,
                start: Instant::now(),
                done: None,
            });
        }
    }
    drop(tx);

    let needed = needed_reach(ir, scenario);
    let mut proof: Option<(Name, Vec<Property>, Vec<Property>, Instant)> = None;
    let mut reach: Option<usize> = None;
    let mut sweep_at: Option<(usize, usize)> = None;
    let mut next_progress = start + PROGRESS_EVERY;
    let verdict = loop {
        // A proof that leaves nothing to instances answers at once.
        if let Some((name, proves, instance_only, at)) = &proof {
            let left: Vec<Property> = if options.instances {
                instance_only.clone()
            } else {
                Vec::new()
            };
            let running = |n: Name| members.iter().any(|m| m.name == n && m.done.is_none());
            let settle = |r: &mut AllNResult| {
                r.answered_by = name.to_string();
                r.properties_proven = names(proves);
                r.instance_only = names(instance_only);
            };
            if left.is_empty() {
                settle(result);
                break Verdict::Verified;
            }
            if !options.portfolio {
                settle(result);
                let (verdict, at) = liveness_at_instances(ir, scenario, options.replay, &halt);
                result.counterexample_at = at;
                break verdict;
            }
            // Wait a little for a full proof (SMT) and for the sweep's reach.
            let waited = at.elapsed() >= GRACE;
            let sweep_done = !running(SWEEP);
            let smt_done = !running("smt");
            if reach.unwrap_or(0) >= needed && (waited || (sweep_done && smt_done)) {
                settle(result);
                result.live_up_to = reach;
                break Verdict::Verified;
            }
            if sweep_done && (waited || smt_done) {
                settle(result);
                break Verdict::Unknown {
                    reason: format!(
                        "safe for all N; {} not checked up to the default instances (N = {needed}): the sweep stopped{}",
                        result.instance_only.join(" and "),
                        reach.map(|r| format!(" after N = {r}")).unwrap_or_default()
                    ),
                };
            }
        }
        if members.iter().all(|m| m.done.is_some()) {
            let reasons: Vec<String> = members
                .iter()
                .filter_map(|m| m.done.as_ref().map(|(_, why)| format!("{}: {why}", m.name)))
                .collect();
            let reason = if members.len() == 1 {
                members[0].done.clone().map(|d| d.1).unwrap_or_default()
            } else {
                reasons.join("; ")
            };
            break Verdict::Unknown { reason };
        }
        let now = Instant::now();
        if deadline.is_some_and(|d| now >= d) {
            let s = options.timeout_secs;
            let reached = match (reach, sweep_at) {
                (Some(r), _) => format!("; no violation at any N <= {r}"),
                (None, Some((n, f))) => format!("; no violation at N={n}, F={f}"),
                _ => String::new(),
            };
            break Verdict::Unknown {
                reason: format!("unknown (stopped after {s} s){reached}"),
            };
        }
        if options.progress && now >= next_progress {
            let running: Vec<&str> = members
                .iter()
                .filter(|m| m.done.is_none())
                .map(|m| m.name)
                .collect();
            let swept = sweep_at
                .map(|(n, f)| format!(" (sweep done up to N={n}, F={f})"))
                .unwrap_or_default();
            eprintln!(
                "{} {} for all N: {:.0} s, still running: {}{swept}",
                ir.name,
                scenario.name(),
                start.elapsed().as_secs_f64(),
                running.join(", ")
            );
            next_progress = now + PROGRESS_EVERY;
        }
        let mut wake = now + Duration::from_millis(250);
        if let Some(d) = deadline {
            wake = wake.min(d);
        }
        let (name, event) = match rx.recv_timeout(wake.saturating_duration_since(now)) {
            Ok(message) => message,
            Err(RecvTimeoutError::Timeout) => continue,
            Err(RecvTimeoutError::Disconnected) => {
                // Every member ended (a panic outside TACO's catch).
                for m in members.iter_mut().filter(|m| m.done.is_none()) {
                    m.done = Some((m.start.elapsed().as_secs_f64(), "ended".into()));
                }
                continue;
            }
        };
        let Some(member) = members.iter_mut().find(|m| m.name == name) else {
            continue;
        };
        let seconds = member.start.elapsed().as_secs_f64();
        match event {
            Event::Clean { reach: r, n, f } => {
                reach = r.or(reach);
                sweep_at = Some((n, f));
            }
            Event::Violated { n, f, v } => {
                member.done = Some((seconds, format!("violated at N={n}, F={f}")));
                result.answered_by = name.to_string();
                result.counterexample_at = Some((n, f));
                break Verdict::Violated(v);
            }
            Event::Unknown(why) => member.done = Some((seconds, why)),
            Event::Safe {
                proves,
                instance_only,
            } => {
                member.done = Some((seconds, format!("safe: {}", names(&proves).join(", "))));
                let better = proof
                    .as_ref()
                    .is_none_or(|(_, _, left, _)| instance_only.len() < left.len());
                if better {
                    proof = Some((name, proves, instance_only, Instant::now()));
                }
            }
        }
    };
    halt.store(true, Ordering::Relaxed);
    for stop in &stops {
        stop.trigger();
    }
    result.verdict = verdict;
    result.members = members
        .iter()
        .map(|m| {
            let (seconds, outcome) = m
                .done
                .clone()
                .unwrap_or_else(|| (m.start.elapsed().as_secs_f64(), "stopped".into()));
            let outcome = if m.name == SWEEP && m.done.is_none() {
                match reach {
                    Some(r) => format!("stopped; no violation at any N <= {r}"),
                    None => "stopped".into(),
                }
            } else {
                outcome
            };
            MemberReport {
                member: m.name.to_string(),
                seconds,
                outcome,
            }
        })
        .collect();
    if let Some(b) = Backend::ALL.iter().find(|b| b.name() == result.answered_by) {
        result.backend = *b;
    }
    result.taco_seconds = result
        .members
        .iter()
        .filter(|m| m.member == result.answered_by || result.answered_by.is_empty())
        .filter(|m| m.member != SWEEP)
        .map(|m| m.seconds)
        .fold(0.0, f64::max);
}
