//! The quotient of the local-state graph by bisimulation: the coarsest
//! partition of the local states whose blocks have the same rules, and the
//! automaton with one location per block (see the parent module).

use super::{Ctx, Edge, LocalState};
use crate::checker::Scenario;
use crate::ta::linear::ParamLin;
use crate::ta::{Atom, Location, TaRule, ThresholdAutomaton};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// What tells states apart in a refinement round: (guard, increments, target block).
type Signature<'a> = BTreeSet<(&'a [Atom], Option<&'a [Atom]>, &'a [usize], usize)>;

/// The coarsest partition finer than `start` where states of a block have
/// the same rules (guards, increments, target block): bisimilar states.
pub(super) fn bisimulation(start: Vec<usize>, edges: &[Edge]) -> Vec<usize> {
    let n = start.len();
    let mut block = start;
    let mut count = block.iter().collect::<BTreeSet<_>>().len();
    loop {
        let mut signatures: Vec<Signature> = vec![BTreeSet::new(); n];
        for e in edges {
            signatures[e.from].insert((&e.guard, e.sure.as_deref(), &e.increments, block[e.to]));
        }
        let mut ids: BTreeMap<(usize, &Signature), usize> = BTreeMap::new();
        let next: Vec<usize> = (0..n)
            .map(|s| {
                let len = ids.len();
                *ids.entry((block[s], &signatures[s])).or_insert(len)
            })
            .collect();
        let new_count = ids.len();
        block = next;
        if new_count == count {
            return block;
        }
        count = new_count;
    }
}

#[allow(clippy::too_many_arguments)]
pub(super) fn quotient(
    ctx: Ctx,
    scenario: Scenario,
    assumptions: Vec<String>,
    assumption: String,
    states: &[LocalState],
    initial: &[(LocalState, ParamLin)],
    edges: &[Edge],
    blocks: &[usize],
    value_symmetric: bool,
) -> ThresholdAutomaton {
    // Number blocks in order of first appearance (initial states first).
    let mut order: HashMap<usize, usize> = HashMap::new();
    let mut reps: Vec<usize> = Vec::new();
    for (s, &b) in blocks.iter().enumerate() {
        order.entry(b).or_insert_with(|| {
            reps.push(s);
            reps.len() - 1
        });
    }
    let mut locations: Vec<Location> = reps
        .iter()
        .enumerate()
        .map(|(i, &s)| Location {
            name: format!("loc{i}"),
            describe: ctx.describe(&states[s]),
            merged: blocks.iter().filter(|&&b| order[&b] == i).count(),
            undelivered: ctx.undelivered(&states[s]),
            initial: ParamLin::default(),
        })
        .collect();
    for (s, count) in initial {
        if let Some(i) = states.iter().position(|t| t == s) {
            let l = &mut locations[order[&blocks[i]]];
            l.initial = l.initial.plus(*count);
        }
    }
    let mut seen = BTreeSet::new();
    let mut rules = Vec::new();
    for e in edges {
        let (from, to) = (order[&blocks[e.from]], order[&blocks[e.to]]);
        if from == to && e.increments.is_empty() {
            continue;
        }
        if seen.insert((from, to, &e.guard, &e.sure, &e.increments)) {
            rules.push(TaRule {
                from,
                to,
                guard: e.guard.clone(),
                sure: e.sure.clone(),
                increments: e.increments.clone(),
                source: e.source.clone(),
            });
        }
    }
    let specs = crate::ta::specifications(scenario);
    let mut ta = ThresholdAutomaton {
        protocol: ctx.ir.name.clone(),
        scenario,
        faults: scenario.faults(),
        assumptions,
        assumption,
        locations,
        shared: ctx.shared,
        rules,
        specs,
        local_states: states.len(),
        value_symmetric,
    };
    if ta.stuck_disjuncts() > crate::ta::MAX_STUCK_DISJUNCTS {
        ta.safety_only();
    }
    ta
}
