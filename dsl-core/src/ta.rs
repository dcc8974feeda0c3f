//! Threshold automata: a protocol for every N at once (docs/DESIGN.md section 3).
//!
//! [`translate`] turns a protocol and a scenario into a threshold automaton
//! (Konnov, Veith, Widder) over the parameters N and F; [`bymc::print`] writes
//! it in ByMC's `.ta` syntax, which TACO reads (`distgen ta`, and the
//! `paramcheck` crate that runs TACO's checkers on it).
//!
//! # The automaton
//!
//! - *Processes*: the correct ones only, N - F under Byzantine faults (the
//!   broadcaster among them iff it is correct), N otherwise. A correct
//!   broadcaster has its own copy of the locations (it starts after
//!   `on broadcast(0)`, and `from broadcaster` reads its own sends
//!   differently).
//! - *Locations*: a process's local state without its sender sets: per
//!   (type, value) whether and how it sent it (to all, others or self), and
//!   what it delivered, over the two values 0 (the correct broadcaster's) and
//!   1, as in the explicit checker. Only the local states reachable from the
//!   initial ones are built, and bisimilar ones are merged (below).
//! - *Shared variables*: `n<T><v>` counts the correct processes that sent
//!   T(v) over the network (to all or others), for each type a
//!   `received >=` guard reads; `e<T><v>` the same without the broadcaster,
//!   for each type a `>= k excluding broadcaster` guard reads; `b<T><v>` is
//!   1 once a correct broadcaster sent T(v) over the network, for each type
//!   a `from broadcaster` guard reads;
//!   `d<v>` counts the correct processes that delivered v.
//! - *Rules*: one per (DSL rule, value, location) where the rule's `not sent`
//!   guards hold and some effect is still to be done; it carries out all of
//!   them, as the DSL rule does, and increments the counters of the network
//!   sends and the delivery. Its guard is the conjunction, over the rule's
//!   `received` guards, of:
//!   - `received T(v) >= k`: `x >= max(1, k)` for the *count bound*
//!     `x = nT<v> + c + B`, where c is -1 if the process sent T(v) to others
//!     only (it is in the count but not among its own senders), +1 if it sent
//!     T(v) to self only (a sender that the count misses), 0 otherwise, and
//!     B = F under Byzantine faults (each Byzantine process adds at most one
//!     sender), 0 otherwise; `k` is made linear by [`linear`];
//!   - `received T(v) >= k excluding broadcaster`: the same with the count
//!     bound `x = eT<v> + c + B'`, where `eT<v>` counts the correct
//!     processes *other than the broadcaster* that sent T(v) over the
//!     network, c is as above at a non-broadcaster and 0 at the correct
//!     broadcaster (its own sends are not counted), and B' = F with a
//!     correct broadcaster (every Byzantine process is a non-broadcaster),
//!     F - 1 with a Byzantine one (the broadcaster is one of the F), 0
//!     without Byzantine faults;
//!   - `x >= max(1, k)` is written as two atoms, `x >= 1` and `x >= k`,
//!     each left out where it holds at every allowed (N, F): `x >= 1` when
//!     `k >= 1` there, decided over the scenario's F and the protocol's
//!     `requires` by [`region::Region`];
//!   - `received T(v) from broadcaster`: `bT<v> >= 1` at a non-broadcaster
//!     when the broadcaster is correct; at the correct broadcaster itself,
//!     whether it sent T(v) to all or self (no guard: a rule that cannot
//!     fire there is left out); with a Byzantine broadcaster, true.
//! - *Parameters and resilience condition*: N, F with `requires` (made
//!   linear, division refused), `0 <= F < N`, `F == 0` without faults and
//!   `F >= 1` with a Byzantine broadcaster. When a protocol has no `requires`,
//!   the assumption is `0 <= F < N` alone, and [`ThresholdAutomaton::assumption`]
//!   says so.
//! - *Specifications* (safety, for TACO: reachability of a bad
//!   configuration): with a Byzantine broadcaster, agreement's consistency
//!   `[](d0 == 0 || d1 == 0)`; with a correct one, integrity `[](d1 == 0)`,
//!   which implies consistency there (two different values delivered means
//!   1 delivered). A process delivers at most once by construction (a
//!   delivery leads to locations that never deliver again).
//!   [`ThresholdAutomaton::proves`] lists the properties a safe automaton
//!   proves.
//!
//! # Why safe in the automaton means safe at every N
//!
//! Fix (N, F) allowed by `requires` and the scenario, and an execution of
//! distgen's semantics ([`crate::semantics`], with the adversary of
//! [`crate::checker::Scenario`]). Map each correct process to the location of
//! its sent flags and delivery (to its merged class), and each step of the
//! execution to the automaton:
//!
//! - a receipt, an injection, a crash or a loss changes no sent flag and no
//!   delivery: it maps to no step (the configuration stays the same);
//! - when a process settles, each rule it fires for a value v changes its
//!   sent flags and delivery exactly as the automaton's rule for (DSL rule,
//!   v, location) does, with the same network sends counted; that rule's
//!   guard holds: the process counted at most `nT<v> - [sent T(v) to
//!   others] + [sent T(v) to self]` correct senders of T(v) (distinct
//!   senders, each correct one sends T(v) at most once and only those in
//!   `nT<v>` sent it over the network; a crashed one stays counted, as its
//!   messages may still arrive) plus at most one per Byzantine process (F
//!   of them), and it needed at least max(1, k); with `excluding
//!   broadcaster` it counted no message of process 0, so at most `eT<v> -
//!   [sent T(v) to others] + [sent T(v) to self]` correct senders at a
//!   non-broadcaster (`eT<v>` holds every correct non-broadcaster that sent
//!   T(v) over the network) and none of its own at the broadcaster, plus
//!   at most one per Byzantine process other than process 0 (F, or F - 1
//!   when process 0 is one of the F); `from broadcaster` held
//!   only if the correct broadcaster sent T(v) (to it over the network, or
//!   to itself), or the broadcaster is Byzantine. The `not sent` guards and
//!   the "some effect left" condition are read off the location.
//!
//! So the image of the execution is a run of the automaton with N and F as
//! parameters, and `d<v>` counts the processes of the image that delivered v;
//! a crashed process of the execution is one of the image that stopped
//! moving. If two correct processes deliver different values, or one delivers
//! 1 while the broadcaster is correct, in some state of the execution, the
//! image reaches `d0 >= 1 && d1 >= 1`, or `d1 >= 1` with a correct
//! broadcaster. Contrapositive: if no configuration of the automaton
//! reachable under the resilience condition violates the specification, no
//! execution at any allowed (N, F) violates consistency or integrity.
//!
//! The converse does not hold (the automaton may fire a rule that distgen's
//! eager settling would pre-empt, and counts the Byzantine senders for
//! every process at once), so a counterexample of the automaton is replayed
//! by the explicit checker at its (N, F) before it is called a violation.
//!
//! Pruning and merging keep the argument: a local state or rule left out is
//! one that no execution reaches or fires (a counter that nothing can
//! increment stays 0, and a guard over it that is false at 0 for every
//! N > F >= 0 never holds; a rule with `not sent S` and a count that must
//! exceed 1 or 2 is pre-empted when another rule sends S at the first
//! message counted, see `local/preempted.rs`), and merged local states are bisimilar: the same
//! rules (guard, increments) lead to merged states, so every run of the
//! unmerged automaton is a run of the merged one with the same counters.
//!
//! # Independent parts
//!
//! A process's local state often falls apart into parts that no rule ties
//! together: in Bracha, whether it echoed, whether it sent Ready, and what it
//! delivered; each rule reads and writes one of them only (its `not sent`
//! guard, its sends, its delivery; a count bound reads how the process sent
//! T(v) only when some send of T does not go to all; `from broadcaster`
//! reads the correct broadcaster's own sends). [`parts`] groups the (type,
//! value) flags and the delivery into such parts (flags no rule writes are
//! constant and shared by all). The automaton then has one copy of every
//! process per part, each moving only that part's flags (the others stay
//! initial): the product of k parts with a, b, ... states becomes their
//! disjoint union of a + b + ... locations, and TACO's checkers work on far
//! fewer locations and rules (Bracha with a Byzantine broadcaster: 27 local
//! states, 8 locations and 32 rules as one part; 4 locations and 10 rules
//! as three parts).
//!
//! The argument above still holds: map a process to one copy per part, each
//! at the projection of its local state on that part. A rule it fires
//! changes only its part's flags, its guard and increments depend only on
//! that part (and constants), so it is the same rule fired by that part's
//! copy, with the same counters incremented. The counters of the image are
//! those of the execution, and the specifications read counters only.
//!
//! # Liveness: stuck configurations
//!
//! The explicit checker checks validity and agreement's totality at
//! quiescence: no message of a correct process in flight. In a quiescent
//! state every correct process has received every message the correct
//! processes sent it, so it counts at least `nT<v> + c` senders of T(v)
//! (the count bound without the Byzantine term), has the correct
//! broadcaster's T(v) if that sent it, and has fired every rule such a
//! count enables (distgen settles eagerly). Its image is therefore *stuck*:
//! every occupied location has every rule's *sure guard* false, where the
//! sure guard ([`TaRule::sure`]) is the guard with B = 0, and a rule that
//! needs a Byzantine broadcaster's message has none (it may never come).
//! The specifications say that no reachable configuration is stuck while a
//! process has not delivered ([`Location::undelivered`]; validity, with a
//! correct broadcaster) or has not while another has (`d0 + d1 >= 1`;
//! totality). TACO's reachability specifications can state this: inside
//! `[]`, a Boolean combination of `loc == 0` / `loc != 0` (one location per
//! atom, constant bounds) and linear constraints over the shared variables
//! and parameters, which it turns into a disjunction of target
//! configurations (only its SMT checker accepts `loc == 0`; ACS and ZCS
//! refuse it). So unreachable in the automaton implies no quiescent
//! violation at any allowed N. Bisimulation keeps undelivered local states
//! apart from the others and compares sure guards too, so that a location
//! is undelivered, and a rule's sure guard is the same, for all it merges.
//! Parts: a process is quiescent when each of its copies is stuck, and it
//! has not delivered when its copy in the delivery's part has not.
//!
//! With a Byzantine broadcaster the automaton is symmetric in the values
//! (checked as built, `local/symmetry.rs`): swapping 0 and 1 maps it onto
//! itself, so a totality violation that delivered 1 mirrors one that
//! delivered 0, and the specification asks about `d0` only
//! ([`ThresholdAutomaton::value_symmetric`]).
//!
//! TACO turns the negated specification into a disjunction of target
//! configurations, which grows as a product over the locations; past
//! [`MAX_STUCK_DISJUNCTS`] the liveness specifications are left out and
//! liveness stays checked at instances, as the output then says.
//!
//! Under crash faults a crashed process stops anywhere, with rules still
//! enabled, and a crashed sender's messages need not arrive: no stuck
//! condition is stated, and liveness stays checked at instances by the
//! explicit checker ([`ThresholdAutomaton::instance_only`]).

pub mod bymc;
pub mod consensus;
pub mod linear;
mod local;
mod parts;
pub mod region;
pub mod resilience;

use crate::ir::{FaultModel, ProtocolIr};
use crate::problem::{Property, Scenario};
pub use linear::ParamLin;
pub use resilience::Resilience;

/// The two values, as in the explicit checker (`local` and `parts` read it).
const VALUES: u8 = 2;

/// The safety properties checked for all N by the automaton's specifications.
pub const SAFETY: [Property; 2] = [Property::Consistency, Property::Integrity];

/// The liveness properties; checked for all N through stuck configurations
/// (the unreachability of a stuck configuration that violates them) except
/// under crash faults (see "Liveness" in the module docs).
pub const LIVENESS: [Property; 2] = [Property::Validity, Property::Totality];

/// Above this many target configurations ([`ThresholdAutomaton::stuck_disjuncts`])
/// the liveness specifications are left out (TACO's time grows with them)
/// and liveness stays checked at instances.
pub const MAX_STUCK_DISJUNCTS: u128 = 512;

/// The specifications of the automaton in `scenario`. With a correct
/// broadcaster, a violation of consistency (d0 >= 1 and d1 >= 1) violates
/// integrity (d1 >= 1), and validity (every correct process delivers)
/// implies totality: integrity and validity decide all four. Under crash
/// faults, liveness is left to the instances.
pub fn specifications(scenario: Scenario) -> Vec<Property> {
    use Property::*;
    match scenario {
        Scenario::ByzantineBroadcaster => vec![Consistency, Totality],
        Scenario::Crashes => vec![Integrity],
        Scenario::CorrectBroadcaster | Scenario::FailureFree => vec![Integrity, Validity],
        Scenario::Byzantine => vec![],
    }
}

/// What a shared variable counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Counter {
    /// Correct processes that sent T(v) over the network.
    Sent {
        /// Message type.
        msg: usize,
        /// Value.
        value: u8,
    },
    /// Correct processes other than the broadcaster that sent T(v) over
    /// the network (for `excluding broadcaster`).
    SentByOthers {
        /// Message type.
        msg: usize,
        /// Value.
        value: u8,
    },
    /// Whether the correct broadcaster sent T(v) over the network.
    FromBroadcaster {
        /// Message type.
        msg: usize,
        /// Value.
        value: u8,
    },
    /// Correct processes that delivered v.
    Delivered(u8),
}

/// A shared variable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shared {
    /// Its name in the `.ta` file.
    pub name: String,
    /// What it counts.
    pub counter: Counter,
    /// Its initial value (the correct broadcaster's `on broadcast` sends).
    pub initial: i64,
}

/// `coef * shared[var] >= rhs`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Atom {
    /// Index into [`ThresholdAutomaton::shared`].
    pub var: usize,
    /// Positive factor.
    pub coef: i64,
    /// Right-hand side over N and F.
    pub rhs: ParamLin,
}

/// A location: a class of bisimilar local states.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    /// Its name in the `.ta` file.
    pub name: String,
    /// A representative local state, in words.
    pub describe: String,
    /// How many local states it stands for.
    pub merged: usize,
    /// How many processes start here.
    pub initial: ParamLin,
    /// Its processes have not delivered (a location of the delivery's part).
    pub undelivered: bool,
}

/// A rule of the automaton.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaRule {
    /// Source location.
    pub from: usize,
    /// Target location.
    pub to: usize,
    /// Conjunction (empty: true).
    pub guard: Vec<Atom>,
    /// The guard over the senders that surely reach the process (the
    /// correct ones), for liveness; None when it may never hold for sure
    /// (a message of a Byzantine broadcaster).
    pub sure: Option<Vec<Atom>>,
    /// Shared variables incremented by one.
    pub increments: Vec<usize>,
    /// The DSL text it comes from, with the value.
    pub source: String,
}

/// A protocol's threshold automaton in one scenario.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ThresholdAutomaton {
    /// The protocol's name.
    pub protocol: String,
    /// The scenario.
    pub scenario: Scenario,
    /// The fault model of the scenario.
    pub faults: FaultModel,
    /// The resilience condition, as constraints `lhs op rhs` over N, F
    /// (see [`Resilience`]).
    pub assumptions: Vec<String>,
    /// The allowed (N, F) in words (`N > 3 * F`), for reports.
    pub assumption: String,
    /// Locations.
    pub locations: Vec<Location>,
    /// Shared variables.
    pub shared: Vec<Shared>,
    /// Rules.
    pub rules: Vec<TaRule>,
    /// The specifications.
    pub specs: Vec<Property>,
    /// Local states before merging.
    pub local_states: usize,
    /// Swapping the values 0 and 1 maps the automaton onto itself (a
    /// Byzantine broadcaster; see the module docs of `local/symmetry.rs`):
    /// totality then need only ask about `d0`.
    pub value_symmetric: bool,
}

impl ThresholdAutomaton {
    /// The properties that hold for all allowed N when no specification is
    /// violated: the specifications, consistency with integrity (a correct
    /// broadcaster) and totality with validity (see [`specifications`]).
    pub fn proves(&self) -> Vec<Property> {
        use Property::*;
        let implied = |p: Property| match p {
            Consistency => self.specs.contains(&Integrity),
            Totality => self.specs.contains(&Validity),
            _ => false,
        };
        [Consistency, Integrity, Validity, Totality]
            .into_iter()
            .filter(|&p| self.specs.contains(&p) || implied(p))
            .collect()
    }

    /// How many target configurations TACO makes of the negated liveness
    /// specifications (their disjunctive normal form): per location, 1
    /// (empty) plus the product over its rules of their sure guards' atoms;
    /// the product over locations, times the undelivered locations, times 2
    /// (`d0` or `d1` for totality; 1, `d0`, when the automaton is
    /// [`value_symmetric`](Self::value_symmetric)).
    pub fn stuck_disjuncts(&self) -> u128 {
        let delivered = if self.value_symmetric { 1 } else { 2 };
        let undelivered = self.locations.iter().filter(|l| l.undelivered).count() as u128;
        let mut out: u128 = delivered * undelivered;
        for i in 0..self.locations.len() {
            let guards: Vec<u128> = self
                .rules
                .iter()
                .filter(|r| r.from == i)
                .filter_map(|r| r.sure.as_ref())
                .map(|g| g.len() as u128)
                .collect();
            if !guards.is_empty() {
                let stuck = guards.iter().fold(1u128, |a, &b| a.saturating_mul(b));
                out = out.saturating_mul(1 + stuck);
            }
        }
        out
    }

    /// Keeps the safety specifications only (for TACO's ACS and ZCS
    /// checkers, which refuse the `loc == 0` of the liveness ones).
    pub fn safety_only(&mut self) {
        self.specs.retain(|p| SAFETY.contains(p));
    }

    /// The properties the automaton does not decide: checked only at
    /// instances by the explicit checker (liveness under crash faults).
    pub fn instance_only(&self) -> Vec<Property> {
        let proven = self.proves();
        let mut out: Vec<Property> = LIVENESS.to_vec();
        out.retain(|p| !proven.contains(p));
        if self.scenario == Scenario::ByzantineBroadcaster {
            // Validity asks nothing of a Byzantine broadcaster.
            out.retain(|&p| p != Property::Validity);
        }
        out
    }
}

/// Why a protocol has no threshold automaton.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TaError {
    /// A threshold is not linear in N and F.
    #[error("threshold `{threshold}` is not linear in N and F")]
    NotLinear {
        /// The threshold as written.
        threshold: String,
    },
    /// A threshold or condition outside the supported forms.
    #[error("`{text}` is {reason}")]
    Unsupported {
        /// The threshold or condition as written.
        text: String,
        /// Why.
        reason: String,
    },
    /// The scenario does not belong to the fault model.
    #[error("scenario {scenario} is not one of fault model {faults}")]
    Scenario {
        /// Scenario.
        scenario: &'static str,
        /// Fault model.
        faults: FaultModel,
    },
}

impl TaError {
    /// Why `text`, an expression or condition, has no linear form: not
    /// linear in N and F, or `unsupported` (with the form's reason).
    fn of_linear(e: linear::LinearError, text: String, unsupported: &str) -> TaError {
        match e {
            linear::LinearError::NotLinear => TaError::NotLinear { threshold: text },
            linear::LinearError::Unsupported(why) => TaError::Unsupported {
                text,
                reason: format!("{unsupported} ({why})"),
            },
        }
    }
}

/// The threshold automaton of `ir` in `scenario` (see the module docs).
pub fn translate(ir: &ProtocolIr, scenario: Scenario) -> Result<ThresholdAutomaton, TaError> {
    local::build(ir, scenario)
}

/// The rules of `ir` (indices into `ir.rules`) that eager settling pre-empts
/// in every execution at every (N, F) that `requires` allows in `scenario`,
/// and that [`translate`] therefore leaves out (`local/preempted.rs`).
pub fn preempted_rules(ir: &ProtocolIr, scenario: Scenario) -> Result<Vec<usize>, TaError> {
    local::preempted_rules(ir, scenario)
}

#[cfg(test)]
mod tests;
