//! Reliable-broadcast properties (Bracha; Cachin, Guerraoui and Rodrigues),
//! written once over any model's state through [`Observe`].
//!
//! Safety parts are checked in every state; liveness parts at quiescent states
//! (no message between correct processes in flight), where nothing more can
//! happen unless a Byzantine process acts, so what has not been delivered there
//! may never be (`Property::eventually` in stateright 0.31 only looks at
//! terminal states, which Byzantine injections never leave).

use crate::problem::Property;
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

/// Whether `s` satisfies the broadcast property `p`; what went wrong if
/// not. A consensus property is not a question about a broadcast state:
/// asking one is a bug of the caller.
pub fn broadcast(p: Property, s: &impl Observe) -> Result<(), String> {
    match p {
        Property::Consistency => consistency(s),
        Property::Integrity => integrity(s),
        Property::Validity => validity(s),
        Property::Totality => totality(s),
        other => panic!("`{other}` is not a reliable-broadcast property"),
    }
}

/// The first broadcast property that `s` violates, if any.
pub fn first_violation(s: &impl Observe) -> Option<(Property, String)> {
    Property::BROADCAST
        .into_iter()
        .find_map(|p| broadcast(p, s).err().map(|e| (p, e)))
}

/// The most properties a model checks (consensus: 5).
pub const MAX_PROPERTIES: usize = 5;

/// The first state found violating each property of a model in one run.
///
/// stateright records a discovery each time a state violates a property,
/// the later ones replacing the earlier, and checks a block of states before
/// it stops: its path would be the last violation found, not the first. A
/// model that keeps a `Firsts` makes only the first violating state of each
/// property count, so a single-threaded BFS reports a shortest path. A clone
/// is empty: each run starts from a clone of the model.
#[derive(Debug)]
pub struct Firsts<S>([OnceLock<S>; MAX_PROPERTIES]);

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
    /// The properties checked in every state, in the order they are
    /// reported (at most [`MAX_PROPERTIES`]).
    fn checked(&self) -> &'static [Property] {
        &Property::BROADCAST
    }

    /// Whether `s` satisfies `p`; what went wrong if not.
    fn verify(&self, p: Property, s: &Self::State) -> Result<(), String>;

    /// Where the first violating states of this run are kept, if anywhere
    /// (see [`Firsts`]); without, every violating state counts.
    fn firsts(&self) -> Option<&Firsts<Self::State>> {
        None
    }
}

/// Whether the `i`-th property of `m` is to count as holding in `s`: it
/// holds, or `s` is not the first state of the run found violating it.
fn holds<M: Checked>(i: usize, m: &M, s: &M::State) -> bool
where
    M::State: Clone + PartialEq,
{
    let Some(&p) = m.checked().get(i) else {
        return true;
    };
    m.verify(p, s).is_ok()
        || m.firsts()
            .is_some_and(|firsts| firsts.0[i].get_or_init(|| s.clone()) != s)
}

/// The stateright properties of any [`Checked`] model, one per property it
/// checks, named [`Property::name`], each to hold in every state.
pub fn all<M: Checked>(m: &M) -> Vec<stateright::Property<M>>
where
    M::State: Clone + PartialEq,
{
    // stateright takes plain function pointers: one per index.
    let always: [fn(&M, &M::State) -> bool; MAX_PROPERTIES] = [
        |m, s| holds(0, m, s),
        |m, s| holds(1, m, s),
        |m, s| holds(2, m, s),
        |m, s| holds(3, m, s),
        |m, s| holds(4, m, s),
    ];
    m.checked()
        .iter()
        .zip(always)
        .map(|(p, f)| stateright::Property::always(p.name(), f))
        .collect()
}
