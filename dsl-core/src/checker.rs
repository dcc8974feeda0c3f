//! Exhaustive checking of a protocol with stateright, under a fault model, at
//! one (N, F) and scenario, against reliable-broadcast validity, agreement and
//! integrity (docs/DESIGN.md section 2.4).
//!
//! This is the interface that the CLI and the learner's oracle use; the models
//! behind it live in `checker/`.

pub mod bitset;
pub mod check;
pub mod counting;
pub mod describe;
pub mod faults;
pub mod layout;
pub mod lazy;
pub mod plain;
pub mod properties;
pub mod report;
pub mod rows;
pub mod rules;
pub mod run;
pub mod sets;
pub mod steps;
pub mod symmetry;
pub mod trace;

use crate::ir::{Cond, FaultModel, ProtocolIr};
use crate::semantics::Value;
use serde::{Deserialize, Serialize};

pub use crate::problem::{Property, Scenario};
pub use check::{check, check_plain, check_until, check_with, Engine};
pub use layout::Senders;
pub use run::thousands;
pub(crate) use run::Explained;

/// One step of an execution, in both the compact and the plain model.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// `to` receives `msg(value)` from `from`: a message in flight if `from`
    /// is correct (or crashed since), an injection if `from` is Byzantine.
    /// Just before, `to` receives the messages `before` (of the same value),
    /// which change nothing on their own; the compact model delays such
    /// receipts until they matter (see `checker::lazy`).
    Receive {
        /// Sender.
        from: u8,
        /// Receiver.
        to: u8,
        /// Message type.
        msg: u8,
        /// Value.
        value: Value,
        /// Messages received just before, silently.
        before: Senders,
    },
    /// The process crashes (crash-stop).
    Crash(u8),
    /// A message from a crashed process is lost.
    Lose(Lost),
}

/// A message in flight as the plain models hold it: (sender, receiver,
/// message type, value).
pub type Flight = (u8, u8, u8, Value);

/// A message from a crashed sender that is lost, in both problems' models
/// (`Action::Lose`, `ConsensusAction::Lose`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Lost {
    /// Crashed sender.
    pub from: u8,
    /// Receiver.
    pub to: u8,
    /// Message type.
    pub msg: u8,
    /// Value.
    pub value: Value,
}

impl Lost {
    /// The lost message as the plain models hold it.
    pub fn flight(self) -> Flight {
        (self.from, self.to, self.msg, self.value)
    }
}

impl From<Flight> for Lost {
    fn from((from, to, msg, value): Flight) -> Lost {
        Lost {
            from,
            to,
            msg,
            value,
        }
    }
}

impl Action {
    /// The messages a [`Action::Receive`] takes, in the order it takes them,
    /// as (message type, sender): those of `before`, then the one it is named
    /// for. None for another action.
    pub fn receipts(self) -> impl Iterator<Item = (usize, usize)> {
        let (before, last) = match self {
            Action::Receive {
                from, msg, before, ..
            } => (before, Some((msg as usize, from as usize))),
            _ => (Senders::default(), None),
        };
        before.iter().chain(last)
    }
}

/// One configuration to check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Config {
    /// The fault model the adversary follows.
    pub faults: FaultModel,
    /// Number of processes.
    pub n: usize,
    /// Fault bound.
    pub f: usize,
    /// Who is faulty.
    pub scenario: Scenario,
}

impl Config {
    /// The configuration of `scenario` at (N, F), under the fault model the
    /// scenario belongs to ([`Scenario::faults`]).
    pub fn of(scenario: Scenario, n: usize, f: usize) -> Config {
        Config {
            faults: scenario.faults(),
            n,
            f,
            scenario,
        }
    }

    /// The configurations of `problem` at (N, F) under `faults`: one per
    /// scenario of the fault model ([`crate::problem::Problem::scenarios`]),
    /// without the Byzantine broadcaster when F = 0 (nobody is faulty). The
    /// one place a check's configurations are built from (faults, N, F).
    pub fn all(
        problem: crate::problem::Problem,
        faults: FaultModel,
        n: usize,
        f: usize,
    ) -> Vec<Config> {
        problem
            .scenarios(faults)
            .iter()
            .filter(|&&s| !(f == 0 && s == Scenario::ByzantineBroadcaster))
            .map(|&scenario| Config {
                faults,
                n,
                f,
                scenario,
            })
            .collect()
    }
}

/// Limits on one run. A run stopped by a limit answers [`Verdict::Unknown`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    /// Largest number of distinct states to visit: the `states` every
    /// report prints (a run may pass it by the states its threads visit in
    /// the few milliseconds before they see it).
    pub max_states: usize,
    /// Wall-clock budget in seconds.
    pub timeout_secs: u64,
}

impl Default for Limits {
    /// 20 million distinct states and 10 minutes. Bracha at N = 13, F = 4,
    /// the largest size the README checks, needs 2.4 and 4.5 million
    /// distinct states (29 s and 72 s on 2 cores, 0.8 GB resident): the
    /// default leaves four times that, within a few GiB of memory.
    fn default() -> Self {
        Limits {
            max_states: 20_000_000,
            timeout_secs: 600,
        }
    }
}

/// A property that failed, with the execution that breaks it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Violation {
    /// Which property.
    pub property: Property,
    /// What exactly went wrong in the last state, in words.
    pub detail: String,
    /// The steps from the initial state, each a readable line
    /// (`p3 (Byzantine) -> p1: Echo(1)`, `p1 delivers 1`).
    pub trace: Vec<String>,
    /// The same execution as actions, to replay it (process ids as in `trace`).
    pub actions: Vec<Action>,
}

/// The answer of one run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "verdict", rename_all = "lowercase")]
pub enum Verdict {
    /// The run was exhaustive and found no violation.
    Verified,
    /// A property is violated.
    Violated(Violation),
    /// The run stopped at a limit before it was exhaustive.
    Unknown {
        /// Which limit.
        reason: String,
    },
}

impl Verdict {
    /// Whether this is [`Verdict::Verified`].
    pub fn is_verified(&self) -> bool {
        matches!(self, Verdict::Verified)
    }
}

/// One run's result.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CheckResult {
    /// The protocol's name.
    pub protocol: String,
    /// The configuration checked.
    pub config: Config,
    /// What the checker found.
    pub verdict: Verdict,
    /// Distinct states visited.
    pub states: usize,
    /// Wall-clock seconds.
    pub seconds: f64,
}

/// The instances of `scenario` that `ir`'s `requires` allows with
/// N <= `max_n`, by N and, for each N, the largest F first (the most
/// faults a size allows). F = 0 too, except with a Byzantine broadcaster,
/// which needs a faulty process.
pub fn allowed_instances(ir: &ProtocolIr, scenario: Scenario, max_n: usize) -> Vec<(usize, usize)> {
    (1..=max_n)
        .flat_map(|n| (0..n).rev().map(move |f| (n, f)))
        .filter(|&(n, f)| ir.allows(n, f) && (f > 0 || scenario != Scenario::ByzantineBroadcaster))
        .collect()
}

/// The configurations checked by default under `faults` (docs/DESIGN.md
/// section 2.5) for a protocol whose `requires` is `requires` (whatever fault model the
/// protocol claims), smallest first, each with every scenario of the fault
/// model: none (N = 3, 4), crash (N = 3, F = 1; N = 5, F = 2), Byzantine
/// (N = 4, F = 1; N = 5, F = 1; N = 7, F = 2). Where `requires` excludes
/// some of them, the two smallest N that it allows for F = 1 and the smallest
/// for F = 2 instead (under `none`: the two smallest N for F = 0), with
/// N <= [`crate::semantics::MAX_PROCESSES`] (beyond [`layout::MAX_N`] the
/// checker answers unknown rather than nothing being checked).
pub fn default_configs(requires: &[Cond], faults: FaultModel) -> Vec<Config> {
    default_configs_for(crate::problem::Problem::Broadcast, requires, faults)
}

/// [`default_configs`] for `problem`: the same sizes, each with every
/// scenario of `problem` under `faults` (consensus under `byzantine`: one
/// scenario).
pub fn default_configs_for(
    problem: crate::problem::Problem,
    requires: &[Cond],
    faults: FaultModel,
) -> Vec<Config> {
    let defaults: &[(usize, usize)] = match faults {
        FaultModel::None => &[(3, 0), (4, 0)],
        FaultModel::Crash => &[(3, 1), (5, 2)],
        FaultModel::Byzantine => &[(4, 1), (5, 1), (7, 2)],
    };
    let allowed =
        |&(n, f): &(usize, usize)| f < n && requires.iter().all(|c| c.holds(n as i64, f as i64));
    let sizes: Vec<(usize, usize)> = if defaults.iter().all(allowed) {
        defaults.to_vec()
    } else {
        let smallest = |f: usize, count: usize| {
            (f + 1..=crate::semantics::MAX_PROCESSES)
                .map(move |n| (n, f))
                .filter(allowed)
                .take(count)
        };
        if faults == FaultModel::None {
            smallest(0, 2).collect()
        } else {
            smallest(1, 2).chain(smallest(2, 1)).collect()
        }
    };
    sizes
        .into_iter()
        .flat_map(|(n, f)| Config::all(problem, faults, n, f))
        .collect()
}

/// Checks `ir` in each configuration in turn, stopping after the first
/// violation if `stop_at_first_violation`.
pub fn check_all(
    ir: &ProtocolIr,
    configs: &[Config],
    limits: Limits,
    stop_at_first_violation: bool,
) -> Vec<CheckResult> {
    let mut results = Vec::new();
    for &config in configs {
        let result = check(ir, config, limits);
        let violated = matches!(result.verdict, Verdict::Violated(_));
        results.push(result);
        if violated && stop_at_first_violation {
            break;
        }
    }
    results
}

#[cfg(test)]
mod tests;
