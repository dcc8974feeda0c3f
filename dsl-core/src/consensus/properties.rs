//! The consensus properties (docs/DESIGN.md section 4, [`Property::CONSENSUS`])
//! on a state of the model: each a check that says what went wrong.

use crate::checker::properties::{Checked, Firsts};
use crate::problem::Property;
use crate::semantics::{Conclusion, ProcId, Value};

/// What the properties read of one correct process.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Proc {
    /// Its id in traces.
    pub id: ProcId,
    /// Its input.
    pub input: Value,
    /// Its decision or handover.
    pub outcome: Option<Conclusion>,
    /// Whether its `upon` block ran.
    pub fired: bool,
}

/// What the properties read of a state: the correct processes, and whether
/// nothing between correct processes is in flight.
pub trait View {
    /// The correct processes.
    fn procs(&self) -> Vec<Proc>;
    /// Whether a correct process may wait forever although nothing between
    /// correct processes is in flight (termination is checked there): the
    /// id of one that never decides nor hands over, if any.
    fn stuck(&self) -> Option<ProcId>;
    /// Whether one-step is checked.
    fn one_step(&self) -> bool;
    /// The value that every process that is not Byzantine proposed, crashed
    /// ones included, if they all proposed the same: the premise of input
    /// validity and one-step. (A process that crashed did propose: its
    /// votes may have been received, so it counts in the unanimity.)
    fn unanimous(&self) -> Option<Value>;
}

/// An owned view: the correct processes of the last state of a trace, with
/// the trace's process ids.
#[derive(Clone, Debug, Default)]
pub struct Snapshot {
    /// The correct processes.
    pub procs: Vec<Proc>,
    /// See [`View::stuck`].
    pub stuck: Option<ProcId>,
    /// See [`View::one_step`].
    pub one_step: bool,
    /// See [`View::unanimous`].
    pub unanimous: Option<Value>,
}

impl Snapshot {
    /// The owned copy of a view.
    pub fn of(v: &impl View) -> Snapshot {
        Snapshot {
            procs: v.procs(),
            stuck: v.stuck(),
            one_step: v.one_step(),
            unanimous: v.unanimous(),
        }
    }
}

impl View for Snapshot {
    fn procs(&self) -> Vec<Proc> {
        self.procs.clone()
    }
    fn stuck(&self) -> Option<ProcId> {
        self.stuck
    }
    fn one_step(&self) -> bool {
        self.one_step
    }
    fn unanimous(&self) -> Option<Value> {
        self.unanimous
    }
}

fn outcomes<'a>(_m: &(), s: &'a impl View) -> impl Iterator<Item = (ProcId, Conclusion)> + 'a {
    s.procs()
        .into_iter()
        .filter_map(|p| p.outcome.map(|o| (p.id, o)))
}

/// The value every process that is not Byzantine proposed, if they all
/// proposed the same ([`View::unanimous`]).
fn unanimous(_m: &(), s: &impl View) -> Option<u8> {
    s.unanimous()
}

/// No two correct processes decide differently.
pub fn agreement(m: &(), s: &impl View) -> Result<(), String> {
    let decided: Vec<_> = outcomes(m, s)
        .filter_map(|(p, o)| matches!(o, Conclusion::Decided(_)).then_some((p, o.value())))
        .collect();
    for &(p, v) in &decided {
        if let Some(&(q, w)) = decided.iter().find(|&&(_, w)| w != v) {
            return Err(format!("p{p} decided {v} and p{q} decided {w}"));
        }
    }
    Ok(())
}

/// If a correct process decides v, every correct process that hands over
/// hands over v.
pub fn handover_consistency(m: &(), s: &impl View) -> Result<(), String> {
    let Some((p, v)) = outcomes(m, s).find_map(|(p, o)| match o {
        Conclusion::Decided(v) => Some((p, v)),
        Conclusion::HandedOver(_) => None,
    }) else {
        return Ok(());
    };
    match outcomes(m, s).find(|&(_, o)| o == Conclusion::HandedOver(1 - v)) {
        Some((q, _)) => Err(format!("p{p} decided {v} and p{q} handed over {}", 1 - v)),
        None => Ok(()),
    }
}

/// If every correct process proposes v, none decides or hands over the other
/// value.
pub fn input_validity(m: &(), s: &impl View) -> Result<(), String> {
    let Some(v) = unanimous(m, s) else {
        return Ok(());
    };
    match outcomes(m, s).find(|&(_, o)| o.value() != v) {
        Some((p, o)) => Err(format!(
            "every correct process proposed {v} and p{p} {} {}",
            verb(o),
            o.value()
        )),
        None => Ok(()),
    }
}

/// Where nothing between correct processes is in flight, every correct
/// process decided or handed over.
pub fn termination(m: &(), s: &impl View) -> Result<(), String> {
    let _ = m;
    match s.stuck() {
        Some(p) => Err(format!(
            "nothing is in flight between correct processes and p{p} never decides nor hands over"
        )),
        None => Ok(()),
    }
}

/// With unanimous correct inputs, no correct process's first evaluation
/// ends other than in `decide`.
pub fn one_step(m: &(), s: &impl View) -> Result<(), String> {
    let Some(v) = unanimous(m, s) else {
        return Ok(());
    };
    for st in s.procs() {
        let p = st.id;
        match st.outcome {
            Some(Conclusion::HandedOver(x)) => {
                return Err(format!(
                "every correct process proposed {v} and p{p} handed over {x} instead of deciding"
            ))
            }
            None if st.fired => {
                return Err(format!(
                    "every correct process proposed {v} and p{p}'s first evaluation did not decide"
                ))
            }
            _ => {}
        }
    }
    Ok(())
}

fn verb(o: Conclusion) -> &'static str {
    match o {
        Conclusion::Decided(_) => "decided",
        Conclusion::HandedOver(_) => "handed over",
    }
}

/// The check of `property` (a consensus property).
pub fn check(property: Property, m: &(), s: &impl View) -> Result<(), String> {
    match property {
        Property::Agreement => agreement(m, s),
        Property::HandoverConsistency => handover_consistency(m, s),
        Property::InputValidity => input_validity(m, s),
        Property::Termination => termination(m, s),
        Property::OneStep if s.one_step() => one_step(m, s),
        _ => Ok(()),
    }
}

/// A model whose states the consensus properties can read.
pub trait Viewed: stateright::Model {
    /// The view of `s`.
    fn view<'a>(&'a self, s: &'a Self::State) -> impl View + 'a;
    /// Whether only one-step is checked (measuring it, with unanimous
    /// inputs only).
    fn measuring(&self) -> bool;
    /// Where the first violating states of a run are kept.
    fn first_violations(&self) -> &Firsts<Self::State>;
}

/// Every consensus model is checked, by the one runner of
/// [`crate::checker::run`], through its view.
impl<M: Viewed> Checked for M {
    fn checked(&self) -> &'static [Property] {
        checked(self.measuring())
    }

    fn verify(&self, p: Property, s: &Self::State) -> Result<(), String> {
        check(p, &(), &self.view(s))
    }

    fn firsts(&self) -> Option<&Firsts<Self::State>> {
        Some(self.first_violations())
    }
}

/// The properties a consensus model checks: every consensus property, or
/// only one-step when measuring it.
pub fn checked(measure: bool) -> &'static [Property] {
    if measure {
        &[Property::OneStep]
    } else {
        &Property::CONSENSUS
    }
}
