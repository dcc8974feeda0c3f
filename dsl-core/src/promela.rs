//! PROMELA export: a protocol at one (N, F) and scenario, as a model for Spin.
//!
//! The model follows [`crate::semantics`] and the scenarios of
//! [`crate::checker::Scenario`] step for step, so that Spin can referee
//! distgen's own checker:
//!
//! - one step of the semantics is one `d_step` (one transition, no
//!   intermediate state): the initial broadcast, a receipt, a Byzantine
//!   injection or a crash; the receiver then applies its rules, in order, until
//!   nothing changes, exactly as [`crate::semantics::Machine::receive`] does;
//! - values are {0, 1}; a correct broadcaster broadcasts 0 in the initial
//!   step; Byzantine processes make any correct process hear any (type, value)
//!   from them at any time; under crashes any F processes, the broadcaster
//!   included, may crash between steps;
//! - after every step the safety properties are asserted (no two correct
//!   processes delivered different values; no correct process delivered
//!   anything but a correct broadcaster's value) and, in quiescent states (no
//!   message between correct processes in flight), the liveness ones
//!   (validity; totality: all correct processes delivered or none did).
//!
//! A process's state is what its guards can read, and no more (an exact
//! abstraction, not a reduction of the interleavings): per (type, value) the
//! *number* of distinct senders heard (for types that a `>=` guard reads) and
//! whether p0 is one of them (for types that a `from broadcaster` guard
//! reads), the (type, value) pairs sent, and the value delivered. Messages in
//! flight to a process are counted per (type, value) as well, p0's apart when
//! `from broadcaster` reads the type; under crashes they are kept per sender,
//! because a crashed sender's messages no longer block quiescence. Left out,
//! because no guard or property reads them: messages to faulty processes, the
//! state of a crashed process, Byzantine injections of a type that no guard
//! counts, and the loss of a crashed process's messages (a lost message and
//! one never received leave the correct processes in the same states).
//!
//! The files, in the order the model is written: [`declarations`] (the
//! header comment, constants and the state), [`properties`], [`effects`]
//! (what a process does), [`rules`], [`events`] (the steps: the broadcast,
//! receipts, Byzantine injections, crashes); [`names`] keeps the PROMELA
//! names clear of keywords.
//!
//! ```
//! use dsl_core::checker::{Config, Scenario};
//! use dsl_core::ir::FaultModel;
//! let ir = dsl_core::syntax::parse_str(r#"
//!     pub BestEffort {
//!         faults: none;
//!         messages: Msg;
//!         on broadcast(m) { send Msg(m) to all; }
//!         when received Msg(m) >= 1 { deliver(m); }
//!     }
//! "#).unwrap();
//! let config = Config { faults: FaultModel::None, n: 3, f: 0, scenario: Scenario::FailureFree };
//! let pml = dsl_core::promela::model(&ir, config).unwrap();
//! assert!(pml.contains("/* rule 1: when received Msg(m) >= 1 */"));
//! ```

mod declarations;
mod effects;
mod events;
mod names;
mod properties;
mod rules;

use crate::checker::faults::Faulty;
use crate::checker::{Config, Scenario};
use crate::ir::{Effect, FaultModel, ProtocolIr};
use crate::print;
use crate::semantics::{CompiledGuard, InstanceError, Machine, ProcId};

/// The largest N the export handles (bitsets are PROMELA `int`s).
pub const MAX_N: usize = 30;

/// Why a model cannot be written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PromelaError {
    /// The scenario is not one of the fault model's.
    #[error("scenario `{scenario}` does not belong to fault model `{faults}`; use {expected}")]
    Scenario {
        /// The fault model asked for.
        faults: FaultModel,
        /// The scenario asked for.
        scenario: &'static str,
        /// The scenarios of `faults`, listed.
        expected: String,
    },
    /// N is out of range.
    #[error("N = {0} is out of range; the PROMELA export handles 2 <= N <= {MAX_N}")]
    Size(usize),
    /// `requires` (or F < N) rules out (N, F): an [`InstanceError::NotAllowed`].
    #[error("{0}; pick another --n/--f")]
    Outside(InstanceError),
    /// A threshold is undefined at (N, F).
    #[error(transparent)]
    Instance(#[from] InstanceError),
    /// A consensus protocol: PROMELA models reliable broadcast only.
    #[error(transparent)]
    Problem(#[from] crate::problem::Unsupported),
}

/// Writes the PROMELA model of `ir` in `config`.
pub fn model(ir: &ProtocolIr, config: Config) -> Result<String, PromelaError> {
    crate::problem::require(ir, crate::ir::Problem::Broadcast, "the PROMELA export")?;
    let machine = instantiate(ir, config)?;
    let faulty = Faulty::of(&config);
    let types = TypeUse::of(ir, &machine, &faulty);
    let mut out = String::new();
    declarations::header(&mut out, ir, config, &faulty);
    declarations::declarations(&mut out, config, &faulty, &types);
    properties::properties(&mut out, &faulty, &types);
    effects::effects(&mut out, &faulty, &types);
    rules::rules(&mut out, ir, &machine, &types);
    events::events(&mut out, ir, &faulty, &types);
    Ok(out)
}

/// Checks that `config` can be exported for `ir`. Unlike
/// [`Machine::new`], any fault model may be asked for, whatever the
/// protocol claims.
fn instantiate(ir: &ProtocolIr, config: Config) -> Result<Machine, PromelaError> {
    let Config {
        faults,
        n,
        f,
        scenario,
    } = config;
    let scenarios = Scenario::of(faults);
    if !scenarios.contains(&scenario) {
        let expected: Vec<String> = scenarios
            .iter()
            .map(|s| format!("`{}`", s.name()))
            .collect();
        return Err(PromelaError::Scenario {
            faults,
            scenario: scenario.name(),
            expected: expected.join(" or "),
        });
    }
    if !(2..=MAX_N).contains(&n) {
        return Err(PromelaError::Size(n));
    }
    if f >= n || !ir.requires.iter().all(|c| c.holds(n as i64, f as i64)) {
        let requires: Vec<String> = ir.requires.iter().map(print::cond).collect();
        let requires = match requires.is_empty() {
            true => "F < N".into(),
            false => requires.join(" and "),
        };
        let name = ir.name.clone();
        let outside = InstanceError::NotAllowed {
            name,
            n,
            f,
            requires,
        };
        return Err(PromelaError::Outside(outside));
    }
    Ok(Machine::new_unchecked(ir, n, f)?)
}

/// The processes that run the protocol (they may still crash), in order.
fn running(faulty: &Faulty) -> Vec<ProcId> {
    (0..faulty.n).filter(|&p| !faulty.is_byzantine(p)).collect()
}

/// The Byzantine processes, in order.
fn byzantine(faulty: &Faulty) -> Vec<ProcId> {
    (0..faulty.n).filter(|&p| faulty.is_byzantine(p)).collect()
}

/// What the model keeps of each message type.
struct TypeUse {
    /// PROMELA names of the types.
    names: Vec<String>,
    /// The DSL names of the types, for traces.
    dsl_names: Vec<String>,
    /// Types a `>=` guard reads: their senders are counted.
    counted: Vec<bool>,
    /// Types a `from broadcaster` guard reads: p0 is told apart.
    from0: Vec<bool>,
    /// Types some handler sends.
    sent: Vec<bool>,
    /// Whether messages in flight are kept per sender (crashes).
    per_sender: bool,
}

impl TypeUse {
    fn of(ir: &ProtocolIr, machine: &Machine, faulty: &Faulty) -> TypeUse {
        let types = ir.messages.len();
        let (mut counted, mut from0, mut sent) =
            (vec![false; types], vec![false; types], vec![false; types]);
        for rule in &machine.rules {
            for g in &rule.guards {
                match *g {
                    CompiledGuard::FromBroadcaster(t) => from0[t] = true,
                    CompiledGuard::AtLeast(t, _) => counted[t] = true,
                    // Counted, and p0 kept apart to be subtracted (so
                    // FROM0_TYPES holds these types too).
                    CompiledGuard::AtLeastExcluding(t, _) => {
                        counted[t] = true;
                        from0[t] = true;
                    }
                    CompiledGuard::NotSent(_) => {}
                }
            }
        }
        for e in ir.effects() {
            if let Effect::Send { msg, .. } = *e {
                sent[msg] = true;
            }
        }
        TypeUse {
            names: names::type_names(ir),
            dsl_names: ir.messages.clone(),
            counted,
            from0,
            sent,
            per_sender: faulty.crashes > 0,
        }
    }

    /// The bitset of the types flagged in `flags`.
    fn mask(flags: &[bool]) -> u64 {
        flags
            .iter()
            .enumerate()
            .filter(|(_, &b)| b)
            .map(|(t, _)| 1u64 << t)
            .sum()
    }

    /// Number of (type, value) pairs.
    fn pairs(&self) -> usize {
        2 * self.names.len()
    }
}
