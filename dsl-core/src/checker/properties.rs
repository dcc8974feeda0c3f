//! Reliable-broadcast properties (Bracha; Cachin, Guerraoui and Rodrigues),
//! written once over any model's state through [`Observe`].
//!
//! Safety parts are checked in every state; liveness parts at quiescent states
//! (no message between correct processes in flight), where nothing more can
//! happen unless a Byzantine process acts, so what has not been delivered there
//! may never be (`Property::eventually` in stateright 0.31 only looks at
//! terminal states, which Byzantine injections never leave).

use super::Property;
use crate::semantics::{ProcId, Value};
use std::sync::OnceLock;

/// What the properties read of a global state.
pub trait Observe {
    /// Number of processes.
    fn n(&self) -> usize;
    /// Whether `p` is correct: not Byzantine and not crashed (yet).
    fn is_correct(&self, p: ProcId) -> bool;
    /// What `p` delivered.
    fn delivered(&self, p: ProcId) -> Option<Value>;
    /// Whether no message between correct processes is in flight.
    fn quiescent(&self) -> bool;
    /// Whether the broadcaster is correct (it broadcast value 0 at the start).
    fn broadcaster_correct(&self) -> bool;
}

/// The property names given to stateright, in the order they are checked.
pub const NAMES: [&str; 4] = [
    "agreement (consistency)",
    "integrity",
    "validity",
    "agreement (totality)",
];

/// The property that a stateright property name stands for.
pub fn property_of(name: &str) -> Property {
    match name {
        "integrity" => Property::Integrity,
        "validity" => Property::Validity,
        _ => Property::Agreement,
    }
}

fn correct(s: &impl Observe) -> impl Iterator<Item = ProcId> + '_ {
    (0..s.n()).filter(|&p| s.is_correct(p))
}

/// Safety: no two correct processes deliver different values.
pub fn consistency(s: &impl Observe) -> Result<(), String> {
    let mut first: Option<(ProcId, Value)> = None;
    for p in correct(s) {
        if let Some(v) = s.delivered(p) {
            match first {
                Some((q, w)) if w != v => {
                    return Err(format!("p{q} delivered {w} but p{p} delivered {v}"))
                }
                None => first = Some((p, v)),
                _ => {}
            }
        }
    }
    Ok(())
}

/// Safety: with a correct broadcaster, correct processes deliver only its value
/// (at most once holds by construction: a process delivers at most once).
pub fn integrity(s: &impl Observe) -> Result<(), String> {
    if !s.broadcaster_correct() {
        return Ok(());
    }
    match correct(s).find_map(|p| s.delivered(p).filter(|&v| v != 0).map(|v| (p, v))) {
        Some((p, v)) => Err(format!(
            "p{p} delivered {v}, which the correct broadcaster never broadcast"
        )),
        None => Ok(()),
    }
}

/// Liveness at quiescence: with a correct broadcaster, every correct process
/// delivered its value.
pub fn validity(s: &impl Observe) -> Result<(), String> {
    if !s.quiescent() || !s.broadcaster_correct() || !s.is_correct(0) {
        return Ok(());
    }
    match correct(s).find(|&p| s.delivered(p).is_none()) {
        Some(p) => Err(format!(
            "nothing is in flight and p{p} never delivered the correct broadcaster's value"
        )),
        None => Ok(()),
    }
}

/// Liveness at quiescence: if a correct process delivered, every correct
/// process delivered.
pub fn totality(s: &impl Observe) -> Result<(), String> {
    if !s.quiescent() {
        return Ok(());
    }
    let delivered = correct(s).find(|&p| s.delivered(p).is_some());
    let missing = correct(s).find(|&p| s.delivered(p).is_none());
    match (delivered, missing) {
        (Some(p), Some(q)) => Err(format!(
            "nothing is in flight, p{p} delivered {} and p{q} never delivers",
            s.delivered(p).unwrap_or_default()
        )),
        _ => Ok(()),
    }
}

/// The check behind each name of [`NAMES`].
pub fn by_name(name: &str, s: &impl Observe) -> Result<(), String> {
    match name {
        "agreement (consistency)" => consistency(s),
        "integrity" => integrity(s),
        "validity" => validity(s),
        _ => totality(s),
    }
}

/// The first property that `s` violates, if any.
pub fn first_violation(s: &impl Observe) -> Option<(&'static str, String)> {
    NAMES
        .iter()
        .find_map(|&name| by_name(name, s).err().map(|e| (name, e)))
}

/// The first state found violating each property of [`NAMES`] in one run.
///
/// stateright records a discovery each time a state violates a property,
/// the later ones replacing the earlier, and checks a block of states before
/// it stops: its path would be the last violation found, not the first. A
/// model that keeps a `Firsts` makes only the first violating state of each
/// property count, so a single-threaded BFS reports a shortest path. A clone
/// is empty: each run starts from a clone of the model.
#[derive(Debug)]
pub struct Firsts<S>([OnceLock<S>; 4]);

impl<S> Default for Firsts<S> {
    fn default() -> Self {
        Firsts(std::array::from_fn(|_| OnceLock::new()))
    }
}

impl<S> Clone for Firsts<S> {
    fn clone(&self) -> Self {
        Firsts::default()
    }
}

/// A model whose states the properties can read.
pub trait Checked: stateright::Model {
    /// A view of `s` for the properties.
    fn view<'a>(&'a self, s: &'a Self::State) -> impl Observe + 'a;

    /// Where the first violating states of this run are kept, if anywhere
    /// (see [`Firsts`]); without, every violating state counts.
    fn firsts(&self) -> Option<&Firsts<Self::State>> {
        None
    }
}

/// Whether property `i` of [`NAMES`] is to count as holding in `s`: it
/// holds, or `s` is not the first state of the run found violating it.
fn holds<M: Checked>(i: usize, m: &M, s: &M::State) -> bool
where
    M::State: Clone + PartialEq,
{
    by_name(NAMES[i], &m.view(s)).is_ok()
        || m.firsts()
            .is_some_and(|firsts| firsts.0[i].get_or_init(|| s.clone()) != s)
}

/// The stateright properties of any [`Checked`] model, one per name of
/// [`NAMES`], each to hold in every state.
pub fn all<M: Checked>() -> Vec<stateright::Property<M>>
where
    M::State: Clone + PartialEq,
{
    vec![
        stateright::Property::always(NAMES[0], |m: &M, s: &M::State| holds(0, m, s)),
        stateright::Property::always(NAMES[1], |m: &M, s: &M::State| holds(1, m, s)),
        stateright::Property::always(NAMES[2], |m: &M, s: &M::State| holds(2, m, s)),
        stateright::Property::always(NAMES[3], |m: &M, s: &M::State| holds(3, m, s)),
    ]
}
