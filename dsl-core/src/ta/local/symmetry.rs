//! The value symmetry of the local-state automaton: whether swapping the
//! values 0 and 1 everywhere (in what a local state has sent and
//! delivered, in the shared variables, in the parts) maps its states,
//! initial states and rules onto themselves.
//!
//! A DSL broadcast protocol names no value, so its rules treat 0 and 1
//! alike; what can break the symmetry is the scenario: a correct
//! broadcaster broadcasts 0. With a Byzantine broadcaster the automaton is
//! symmetric, and then so is its counter system: the swap maps every
//! reachable configuration to a reachable one, keeps a configuration stuck
//! or not, keeps a location undelivered or not, and exchanges `d0` and
//! `d1`. A configuration that violates totality with `d1 >= 1` is therefore
//! the image of one that violates it with `d0 >= 1`, and the totality
//! specification need only ask about `d0` ([`super::super::bymc::formula`]):
//! half the target configurations TACO must rule out.
//!
//! The symmetry is checked on the automaton as built, not assumed from the
//! scenario, so a change that breaks it (a value in the grammar, a part
//! split by value) turns the shortcut off instead of making it unsound.

use super::{Ctx, Edge, LocalState};
use crate::ta::{Atom, Counter, ParamLin, VALUES};
use std::collections::{BTreeSet, HashMap};

/// The other value.
fn other(v: u8) -> u8 {
    1 - v
}

/// The swap of the values on one automaton: on parts, shared variables and
/// local states.
struct Swap {
    /// The part of (rule, 1 - v) for the part of (rule, v).
    parts: HashMap<usize, usize>,
    /// The shared variable of the same counter for the other value.
    vars: Vec<usize>,
}

impl Swap {
    /// The swap, if it is well defined: a part holds the same rules for
    /// both values, and every counter exists for both values.
    fn of(ctx: &Ctx) -> Option<Swap> {
        let mut parts = HashMap::new();
        for per_value in &ctx.parts {
            for v in 0..VALUES as usize {
                let (from, to) = (per_value[v], per_value[VALUES as usize - 1 - v]);
                if *parts.entry(from).or_insert(to) != to {
                    return None;
                }
            }
        }
        let swapped = |c: Counter| match c {
            Counter::Sent { msg, value } => Counter::Sent {
                msg,
                value: other(value),
            },
            Counter::SentByOthers { msg, value } => Counter::SentByOthers {
                msg,
                value: other(value),
            },
            Counter::FromBroadcaster { msg, value } => Counter::FromBroadcaster {
                msg,
                value: other(value),
            },
            Counter::Delivered(v) => Counter::Delivered(other(v)),
        };
        let vars = ctx
            .shared
            .iter()
            .map(|s| ctx.counter(swapped(s.counter)))
            .collect::<Option<Vec<usize>>>()?;
        let same_start = ctx
            .shared
            .iter()
            .zip(&vars)
            .all(|(s, &t)| s.initial == ctx.shared[t].initial);
        same_start.then_some(Swap { parts, vars })
    }

    fn state(&self, s: &LocalState) -> Option<LocalState> {
        let mut t = s.clone();
        t.part = *self.parts.get(&s.part)?;
        for pair in t.sent.chunks_mut(VALUES as usize) {
            pair.swap(0, 1);
        }
        t.delivered = match s.delivered {
            0 => 0,
            d => other(d - 1) + 1,
        };
        Some(t)
    }

    fn atoms(&self, atoms: &[Atom]) -> Vec<Atom> {
        let mut out: Vec<Atom> = atoms
            .iter()
            .map(|a| Atom {
                var: self.vars[a.var],
                ..a.clone()
            })
            .collect();
        out.sort();
        out
    }

    fn vars(&self, vars: &[usize]) -> Vec<usize> {
        let mut out: Vec<usize> = vars.iter().map(|&v| self.vars[v]).collect();
        out.sort_unstable();
        out
    }
}

/// A rule without its text: (from, to, guard, sure guard, increments).
type Key = (usize, usize, Vec<Atom>, Option<Vec<Atom>>, Vec<usize>);

/// Whether swapping the values maps the automaton (`states`, `initial`,
/// `edges`) onto itself (see the module docs).
pub(super) fn symmetric(
    ctx: &Ctx,
    states: &[LocalState],
    initial: &[(LocalState, ParamLin)],
    edges: &[Edge],
) -> bool {
    let Some(swap) = Swap::of(ctx) else {
        return false;
    };
    let ids: HashMap<&LocalState, usize> = states.iter().enumerate().map(|(i, s)| (s, i)).collect();
    let mut image = Vec::with_capacity(states.len());
    for s in states {
        let Some(t) = swap.state(s).and_then(|t| ids.get(&t).copied()) else {
            return false;
        };
        if ctx.undelivered(s) != ctx.undelivered(&states[t]) {
            return false;
        }
        image.push(t);
    }
    let starts_map = initial.iter().all(|(s, c)| {
        swap.state(s)
            .is_some_and(|t| initial.iter().any(|(u, d)| *u == t && d == c))
    });
    if !starts_map {
        return false;
    }
    let key = |e: &Edge| -> Key {
        let mut guard = e.guard.clone();
        guard.sort();
        let sure = e.sure.clone().map(|mut g| {
            g.sort();
            g
        });
        let mut increments = e.increments.clone();
        increments.sort_unstable();
        (e.from, e.to, guard, sure, increments)
    };
    let rules: BTreeSet<Key> = edges.iter().map(key).collect();
    edges.iter().all(|e| {
        let swapped: Key = (
            image[e.from],
            image[e.to],
            swap.atoms(&e.guard),
            e.sure.as_deref().map(|g| swap.atoms(g)),
            swap.vars(&e.increments),
        );
        rules.contains(&swapped)
    })
}
