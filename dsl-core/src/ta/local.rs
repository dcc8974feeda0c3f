//! Building the automaton: local states reachable from the initial ones,
//! their rules, and the quotient by bisimulation (see the parent module).

mod preempted;
mod quotient;
mod symmetry;

use super::linear::{self, ParamLin};
use super::parts::{self, Parts};
use super::region::Region;
use super::resilience::Resilience;
use super::{Atom, Counter, Shared, TaError, ThresholdAutomaton, VALUES};
use crate::checker::Scenario;
use crate::ir::{Dest, Effect, FaultModel, Guard, ProtocolIr, Quorum};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// How a process sent a (type, value).
const NOT_SENT: u8 = 0;

fn dest_code(d: Dest) -> u8 {
    match d {
        Dest::All => 1,
        Dest::Others => 2,
        Dest::Myself => 3,
    }
}

/// A local state without sender sets.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct LocalState {
    /// The independent part of the state this copy of the process runs
    /// ([`super::parts`]); its other slots keep their initial values.
    part: usize,
    broadcaster: bool,
    /// Per (type, value) `type * 2 + value`: NOT_SENT or a destination code.
    sent: Vec<u8>,
    /// 0 nothing, else the value + 1.
    delivered: u8,
}

/// A rule's guard, and its guard over the senders that surely reach the
/// process (None: it may never hold for sure).
type Guards = (Vec<Atom>, Option<Vec<Atom>>);

/// Per guard (rule, index) of a `received >=`: `d * count >= rhs`.
type Bounds = HashMap<(usize, usize), (i64, ParamLin)>;

/// A rule between local states, before merging.
#[derive(Clone, Debug)]
struct Edge {
    from: usize,
    to: usize,
    guard: Vec<Atom>,
    sure: Option<Vec<Atom>>,
    increments: Vec<usize>,
    source: String,
}

/// What the builder knows of the scenario.
struct Ctx<'a> {
    ir: &'a ProtocolIr,
    scenario: Scenario,
    /// F in every count bound (Byzantine faults).
    byzantine: bool,
    /// The allowed (N, F): `requires` and the scenario's bounds on F.
    region: Region,
    /// Per guard (rule, index): its threshold as `d * x >= rhs` with the
    /// count bound's F term already moved right, or None for other guards.
    thresholds: Bounds,
    shared: Vec<Shared>,
    index: BTreeMap<Counter, usize>,
    /// The part of each (rule, value).
    parts: Parts,
    /// Per rule: whether eager settling pre-empts it in every execution
    /// ([`preempted`]); such a rule has no edge.
    preempted: Vec<bool>,
}

impl Ctx<'_> {
    /// Whether `s` is a copy of a process that has not delivered, in the
    /// part of the delivery (every part if no rule delivers).
    fn undelivered(&self, s: &LocalState) -> bool {
        let delivers = |r: &&crate::ir::Rule| r.effects.contains(&Effect::Deliver);
        let part = self.ir.rules.iter().position(|r| delivers(&r));
        s.delivered == 0 && part.is_none_or(|r| self.parts[r][0] == s.part)
    }

    fn counter(&self, c: Counter) -> Option<usize> {
        self.index.get(&c).copied()
    }

    fn describe(&self, s: &LocalState) -> String {
        let mut sent = Vec::new();
        for (k, &how) in s.sent.iter().enumerate() {
            if how != NOT_SENT {
                let to = ["", " to all", " to others", " to self"][how as usize];
                sent.push(format!(
                    "{}({}){to}",
                    self.ir.messages[k / VALUES as usize],
                    k % VALUES as usize
                ));
            }
        }
        let who = if s.broadcaster { "broadcaster, " } else { "" };
        let part = if self.parts.iter().flatten().any(|&p| p > 0) {
            format!("part {}: ", s.part)
        } else {
            String::new()
        };
        let sent = if sent.is_empty() {
            "nothing sent".to_string()
        } else {
            format!("sent {}", sent.join(", "))
        };
        let delivered = match s.delivered {
            0 => "nothing delivered".to_string(),
            v => format!("delivered {}", v - 1),
        };
        format!("{part}{who}{sent}, {delivered}")
    }

    /// Carries out `effects` for `v` at `s`: the new state and the counters
    /// incremented.
    fn perform(&self, s: &LocalState, v: u8, effects: &[Effect]) -> (LocalState, Vec<usize>) {
        let mut t = s.clone();
        let mut incs = Vec::new();
        for e in effects {
            match *e {
                Effect::Send { msg, to } => {
                    let k = msg * VALUES as usize + v as usize;
                    if t.sent[k] != NOT_SENT {
                        continue;
                    }
                    t.sent[k] = dest_code(to);
                    if to.includes_others() {
                        incs.extend(self.counter(Counter::Sent { msg, value: v }));
                        if s.broadcaster {
                            incs.extend(self.counter(Counter::FromBroadcaster { msg, value: v }));
                        } else {
                            incs.extend(self.counter(Counter::SentByOthers { msg, value: v }));
                        }
                    }
                }
                // Consensus protocols have their own automaton; here a
                // final effect stands for the broadcast's one outcome.
                Effect::Deliver | Effect::Decide | Effect::Handover(_) => {
                    if t.delivered == 0 {
                        t.delivered = v + 1;
                        incs.extend(self.counter(Counter::Delivered(v)));
                    }
                }
            }
        }
        incs.sort_unstable();
        (t, incs)
    }

    /// The atoms of `received T(v) >= k` (guard `i` of rule `r`) at `s`:
    /// `x >= max(1, k)` for the count bound `x = nT<v> + c + B`; and the
    /// same for the senders that surely reach it (the correct ones:
    /// `x = nT<v> + c`), for the stuck configurations of liveness.
    ///
    /// With `excluding`, the count bound is `x = eT<v> + c + B'` over the
    /// correct senders other than the broadcaster, c = 0 at the broadcaster
    /// and B' the Byzantine processes other than process 0 (see the module
    /// docs of [`super`]).
    fn at_least(
        &self,
        s: &LocalState,
        (r, i): (usize, usize),
        msg: usize,
        v: u8,
        excluding: bool,
    ) -> Option<Guards> {
        let var = if excluding {
            self.counter(Counter::SentByOthers { msg, value: v })?
        } else {
            self.counter(Counter::Sent { msg, value: v })?
        };
        let c = match s.sent[msg * VALUES as usize + v as usize] {
            _ if excluding && s.broadcaster => 0,
            2 => -1,
            3 => 1,
            _ => 0,
        };
        // Byzantine senders that may be counted: F, or F - 1 when the
        // broadcaster is Byzantine and left out.
        let byz_f = i64::from(self.byzantine);
        let byz_c = -i64::from(excluding && self.scenario == Scenario::ByzantineBroadcaster);
        let (d, rhs) = self.thresholds[&(r, i)];
        let atoms = |b: ParamLin| -> Vec<Atom> {
            // x + b >= max(1, k): x >= 1 - b, and d x >= rhs - d b.
            // The clamp is implied when k >= 1 always, i.e. rhs >= 1.
            let clamp = !self.region.always_positive(rhs);
            let atoms = [
                (clamp, 1, ParamLin::constant(1).plus(b.scale(-1))),
                (true, d, rhs.plus(b.scale(-d))),
            ];
            atoms
                .into_iter()
                .filter(|a| a.0 && !self.region.never_positive(a.2))
                .map(|(_, coef, rhs)| Atom { var, coef, rhs })
                .collect()
        };
        let own = ParamLin::constant(c);
        let byzantine = ParamLin {
            n: 0,
            f: byz_f,
            c: c + byz_c,
        };
        Some((atoms(byzantine), Some(atoms(own))))
    }

    /// The rule for (DSL rule `r`, value `v`) at `s`: None when a `not sent`
    /// guard fails, nothing is left to do, or a guard is false for good.
    fn edge(&self, s: &LocalState, r: usize, v: u8) -> Option<(Guards, LocalState, Vec<usize>)> {
        if self.parts[r][v as usize] != s.part {
            return None;
        }
        let rule = &self.ir.rules[r];
        let mut guard = Vec::new();
        // None: the rule may stay disabled for good (a Byzantine broadcaster
        // need not send).
        let mut sure = Some(Vec::new());
        for (i, g) in rule.guards.iter().enumerate() {
            match *g {
                Guard::NotSent { msg } => {
                    let k = msg * VALUES as usize;
                    if s.sent[k..k + VALUES as usize]
                        .iter()
                        .any(|&h| h != NOT_SENT)
                    {
                        return None;
                    }
                }
                Guard::Received {
                    msg,
                    quorum: Quorum::FromBroadcaster,
                } => {
                    if self.scenario == Scenario::ByzantineBroadcaster {
                        sure = None;
                        continue;
                    }
                    let how = s.sent[msg * VALUES as usize + v as usize];
                    if s.broadcaster {
                        if how != dest_code(Dest::All) && how != dest_code(Dest::Myself) {
                            return None;
                        }
                    } else {
                        let var = self.counter(Counter::FromBroadcaster { msg, value: v })?;
                        let atom = Atom {
                            var,
                            coef: 1,
                            rhs: ParamLin::constant(1),
                        };
                        guard.push(atom.clone());
                        sure.iter_mut().for_each(|g| g.push(atom.clone()));
                    }
                }
                Guard::Received {
                    msg,
                    quorum: ref q @ (Quorum::AtLeast(_) | Quorum::AtLeastExcluding(_)),
                } => {
                    let (g, s) = self.at_least(s, (r, i), msg, v, q.excludes_broadcaster())?;
                    guard.extend(g);
                    if let (Some(all), Some(s)) = (sure.as_mut(), s) {
                        all.extend(s);
                    }
                }
            }
        }
        let (t, incs) = self.perform(s, v, &rule.effects);
        if t == *s {
            return None;
        }
        for g in std::iter::once(&mut guard).chain(sure.as_mut()) {
            g.sort();
            g.dedup();
        }
        Some(((guard, sure), t, incs))
    }
}

/// The allowed (N, F) of `ir` in `scenario`: `requires`, F >= 1 with a
/// Byzantine broadcaster, F = 0 without faults.
fn region(ir: &ProtocolIr, scenario: Scenario) -> Region {
    Region::new(
        &ir.requires,
        i64::from(scenario == Scenario::ByzantineBroadcaster),
        scenario.faults() == FaultModel::None,
    )
}

/// See [`super::preempted_rules`].
pub(super) fn preempted_rules(ir: &ProtocolIr, scenario: Scenario) -> Result<Vec<usize>, TaError> {
    let preempted = preempted::preempted(ir, &thresholds(ir)?, &region(ir, scenario));
    Ok((0..ir.rules.len()).filter(|&r| preempted[r]).collect())
}

/// Builds the automaton of `ir` in `scenario`.
pub fn build(ir: &ProtocolIr, scenario: Scenario) -> Result<ThresholdAutomaton, TaError> {
    let faults = scenario.faults();
    // The scenario's bounds on F, written once: in the region the
    // translation reasons in, and in the printed assumptions.
    let region = region(ir, scenario);
    let Resilience {
        constraints: assumptions,
        words: assumption,
    } = Resilience::new(&ir.requires, &region)?;
    let thresholds = thresholds(ir)?;
    let preempted = preempted::preempted(ir, &thresholds, &region);
    let mut ctx = Ctx {
        ir,
        scenario,
        byzantine: faults == FaultModel::Byzantine,
        region,
        thresholds,
        shared: Vec::new(),
        index: BTreeMap::new(),
        parts: parts::parts(ir, scenario),
        preempted,
    };
    declare_counters(&mut ctx);
    let mut states: Vec<LocalState> = Vec::new();
    let initial = initial_states(&mut ctx);
    let edges = explore(&ctx, &initial, &mut states);
    // Undelivered states stay apart: the liveness specifications name them.
    let start = states
        .iter()
        .map(|s| usize::from(ctx.undelivered(s)))
        .collect();
    let blocks = quotient::bisimulation(start, &edges);
    let symmetric = symmetry::symmetric(&ctx, &states, &initial, &edges);
    Ok(quotient::quotient(
        ctx,
        scenario,
        assumptions,
        assumption,
        &states,
        &initial,
        &edges,
        &blocks,
        symmetric,
    ))
}

/// The initial local states, one set per part, with how many processes
/// start there; the correct broadcaster's first sends set the counters'
/// initial values (once: every part's copy of it made them).
fn initial_states(ctx: &mut Ctx) -> Vec<(LocalState, ParamLin)> {
    let has_broadcaster = ctx.scenario != Scenario::ByzantineBroadcaster;
    let count = ctx.parts.iter().flatten().max().map_or(1, |&p| p + 1);
    let blank = LocalState {
        part: 0,
        broadcaster: false,
        sent: vec![NOT_SENT; ctx.ir.messages.len() * VALUES as usize],
        delivered: 0,
    };
    let others = ParamLin {
        n: 1,
        f: if ctx.byzantine { -1 } else { 0 },
        c: -i64::from(has_broadcaster),
    };
    let mut start = None;
    if has_broadcaster {
        let b = LocalState {
            broadcaster: true,
            ..blank.clone()
        };
        let effects = ctx
            .ir
            .broadcast
            .as_ref()
            .map(|b| b.effects.clone())
            .unwrap_or_default();
        let (s, incs) = ctx.perform(&b, 0, &effects);
        for i in incs {
            ctx.shared[i].initial += 1;
        }
        start = Some(s);
    }
    let mut out = Vec::new();
    for part in 0..count {
        out.push((
            LocalState {
                part,
                ..blank.clone()
            },
            others,
        ));
        if let Some(s) = &start {
            out.push((LocalState { part, ..s.clone() }, ParamLin::constant(1)));
        }
    }
    out
}

/// Every `received >=` guard as `d * count >= rhs`.
fn thresholds(ir: &ProtocolIr) -> Result<Bounds, TaError> {
    let mut out = HashMap::new();
    for (r, rule) in ir.rules.iter().enumerate() {
        for (i, g) in rule.guards.iter().enumerate() {
            if let Guard::Received {
                quorum: Quorum::AtLeast(k) | Quorum::AtLeastExcluding(k),
                ..
            } = g
            {
                let t = linear::threshold(k).map_err(|e| {
                    TaError::of_linear(
                        e,
                        crate::print::expr(k),
                        "a threshold of a form not supported",
                    )
                })?;
                out.insert((r, i), t.as_lower_bound());
            }
        }
    }
    Ok(out)
}

/// The shared variables the guards and the specifications read.
fn declare_counters(ctx: &mut Ctx) {
    let mut counted = BTreeSet::new();
    let mut excluded = BTreeSet::new();
    let mut named = BTreeSet::new();
    for g in ctx.ir.rules.iter().flat_map(|r| &r.guards) {
        match g {
            Guard::Received {
                msg,
                quorum: Quorum::AtLeast(_),
            } => {
                counted.insert(*msg);
            }
            Guard::Received {
                msg,
                quorum: Quorum::AtLeastExcluding(_),
            } => {
                excluded.insert(*msg);
            }
            Guard::Received {
                msg,
                quorum: Quorum::FromBroadcaster,
            } => {
                named.insert(*msg);
            }
            Guard::NotSent { .. } => {}
        }
    }
    let add = |ctx: &mut Ctx, name: String, counter: Counter| {
        ctx.index.insert(counter, ctx.shared.len());
        ctx.shared.push(Shared {
            name,
            counter,
            initial: 0,
        });
    };
    for &msg in &counted {
        for value in 0..VALUES {
            let name = format!("n{}{value}", ctx.ir.messages[msg]);
            add(ctx, name, Counter::Sent { msg, value });
        }
    }
    for &msg in &excluded {
        for value in 0..VALUES {
            let name = format!("e{}{value}", ctx.ir.messages[msg]);
            add(ctx, name, Counter::SentByOthers { msg, value });
        }
    }
    if ctx.scenario != Scenario::ByzantineBroadcaster {
        for &msg in &named {
            for value in 0..VALUES {
                let name = format!("b{}{value}", ctx.ir.messages[msg]);
                add(ctx, name, Counter::FromBroadcaster { msg, value });
            }
        }
    }
    for value in 0..VALUES {
        add(ctx, format!("d{value}"), Counter::Delivered(value));
    }
}

/// The local states reachable from `initial` and their rules, with the
/// counters that can become positive: a guard over a counter that stays 0
/// and is false at 0 for every allowed (N, F) never holds.
fn explore(
    ctx: &Ctx,
    initial: &[(LocalState, ParamLin)],
    states: &mut Vec<LocalState>,
) -> Vec<Edge> {
    let mut positive: Vec<bool> = ctx.shared.iter().map(|s| s.initial > 0).collect();
    let mut ids: HashMap<LocalState, usize> = HashMap::new();
    for (s, _) in initial {
        if !ids.contains_key(s) {
            ids.insert(s.clone(), states.len());
            states.push(s.clone());
        }
    }
    loop {
        let mut edges = Vec::new();
        let mut changed = false;
        let mut i = 0;
        while i < states.len() {
            for r in (0..ctx.ir.rules.len()).filter(|&r| !ctx.preempted[r]) {
                for v in 0..VALUES {
                    let Some(((guard, sure), t, incs)) = ctx.edge(&states[i], r, v) else {
                        continue;
                    };
                    let possible = guard
                        .iter()
                        .all(|a| positive[a.var] || !ctx.region.always_positive(a.rhs));
                    if !possible {
                        continue;
                    }
                    for &k in &incs {
                        changed |= !positive[k];
                        positive[k] = true;
                    }
                    let to = *ids.entry(t.clone()).or_insert_with(|| {
                        states.push(t);
                        states.len() - 1
                    });
                    let rule = &ctx.ir.rules[r];
                    let effects: Vec<String> = rule
                        .effects
                        .iter()
                        .map(|e| crate::print::effect(ctx.ir, &rule.value, e))
                        .collect();
                    edges.push(Edge {
                        from: i,
                        to,
                        guard,
                        sure,
                        increments: incs,
                        source: format!(
                            "rule {} for value {v}: {} {{ {} }}",
                            r + 1,
                            crate::print::rule_head(ctx.ir, rule),
                            effects.join(" ")
                        ),
                    });
                }
            }
            i += 1;
        }
        if !changed {
            return edges;
        }
    }
}
