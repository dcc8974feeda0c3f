//! The environment: the state is the protocol built so far (a [`Draft`]),
//! and an action adds one effect to the broadcast handler, adds one rule
//! `when received T(m) >= k [and not sent U] { effect }` (or adds the effect to
//! the rule with the same guards), or ends the protocol.
//!
//! Which actions are offered in a state is decided here (the hard limits of
//! the configuration) and by [`crate::heuristics`] (the named, switchable
//! pruning rules). A finished draft becomes a [`ProtocolIr`] with
//! [`Env::to_ir`].

use crate::config::{ConfigError, LearnConfig};
use crate::heuristics::{Heuristic, Heuristics, Pruned};
use dsl_core::ir::{Broadcast, Cond, Dest, Effect, FaultModel, Guard, ProtocolIr, Quorum, Rule};
use serde::{Deserialize, Serialize};

/// A message type of a draft: `T0`, `T1`, ...
pub type TypeId = u8;

/// An effect of a draft (ordered, so that a handler's effects have one
/// canonical order).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Eff {
    /// `send T(m) to dest;`
    Send {
        /// The message type.
        msg: TypeId,
        /// Where it goes.
        to: Dest,
    },
    /// `deliver(m);`
    Deliver,
}

impl Eff {
    /// The type this effect sends, if it sends.
    pub fn sends(self) -> Option<TypeId> {
        match self {
            Eff::Send { msg, .. } => Some(msg),
            Eff::Deliver => None,
        }
    }

    /// The IR effect.
    pub fn to_ir(self) -> Effect {
        match self {
            Eff::Send { msg, to } => Effect::Send {
                msg: msg as usize,
                to,
            },
            Eff::Deliver => Effect::Deliver,
        }
    }
}

/// The guards of a draft rule: `received T(m) <quorum>`, optionally
/// `and not sent U`. Ordered by trigger type first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RuleGuard {
    /// The type received.
    pub trigger: TypeId,
    /// Index of the quorum in [`Env::quorums`].
    pub quorum: u8,
    /// `and not sent U`.
    pub not_sent: Option<TypeId>,
}

/// A rule of a draft.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct DraftRule {
    /// Its guards.
    pub guard: RuleGuard,
    /// Its effects, in the order they were added.
    pub effects: Vec<Eff>,
}

/// The protocol built so far: the state of the environment.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Draft {
    /// Effects of `on broadcast`.
    pub broadcast: Vec<Eff>,
    /// The rules, in the order they were added.
    pub rules: Vec<DraftRule>,
}

impl Draft {
    /// The same draft with rules and effects sorted: the key of the Q-table,
    /// under which two action orders that build the same protocol meet.
    pub fn normalized(&self) -> Draft {
        let mut d = self.clone();
        d.broadcast.sort();
        for r in &mut d.rules {
            r.effects.sort();
        }
        d.rules.sort();
        d
    }

    /// Every effect, the broadcast handler's first.
    pub fn effects(&self) -> impl Iterator<Item = Eff> + '_ {
        self.broadcast
            .iter()
            .copied()
            .chain(self.rules.iter().flat_map(|r| r.effects.iter().copied()))
    }

    /// Number of actions taken so far (one per effect).
    pub fn actions(&self) -> usize {
        self.effects().count()
    }

    /// Whether some handler sends `t`.
    pub fn sends(&self, t: TypeId) -> bool {
        self.effects().any(|e| e.sends() == Some(t))
    }

    /// Whether some handler delivers.
    pub fn delivers(&self) -> bool {
        self.effects().any(|e| e == Eff::Deliver)
    }

    /// Number of message types used (the highest used id plus one).
    pub fn types(&self) -> usize {
        let sent = self.effects().filter_map(Eff::sends);
        let read = self
            .rules
            .iter()
            .flat_map(|r| std::iter::once(r.guard.trigger).chain(r.guard.not_sent));
        sent.chain(read).map(|t| t as usize + 1).max().unwrap_or(0)
    }

    /// The rule with these guards, if any.
    pub fn rule(&self, guard: &RuleGuard) -> Option<&DraftRule> {
        self.rules.iter().find(|r| r.guard == *guard)
    }

    /// The draft after `action` (which must not be [`Action::End`]).
    pub fn apply(&self, action: &Action) -> Draft {
        let mut d = self.clone();
        match *action {
            Action::Broadcast(e) => d.broadcast.push(e),
            Action::Rule { guard, effect } => match d.rules.iter_mut().find(|r| r.guard == guard) {
                Some(r) => r.effects.push(effect),
                None => d.rules.push(DraftRule {
                    guard,
                    effects: vec![effect],
                }),
            },
            Action::End => {}
        }
        d
    }
}

/// One action of the agent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// Add an effect to `on broadcast`.
    Broadcast(Eff),
    /// Add a rule with these guards and this effect, or add the effect to the
    /// rule that has these guards.
    Rule {
        /// The guards.
        guard: RuleGuard,
        /// The effect.
        effect: Eff,
    },
    /// End the protocol and ask the oracle.
    End,
}

/// The environment: what the configuration allows, compiled.
#[derive(Clone, Debug)]
pub struct Env {
    /// The fault model to synthesise for.
    pub faults: FaultModel,
    /// The protocol's name.
    pub name: String,
    /// Its doc comment lines.
    pub docs: Vec<String>,
    /// Its `requires`.
    pub requires: Vec<Cond>,
    /// The quorums a rule may use (thresholds and `from broadcaster`).
    pub quorums: Vec<Quorum>,
    /// The cost of each quorum.
    pub quorum_costs: Vec<f64>,
    /// Destinations a send may use.
    pub dests: Vec<Dest>,
    /// Largest number of message types.
    pub max_types: u8,
    /// Largest number of rules.
    pub max_rules: usize,
    /// Largest number of effects in one handler.
    pub max_effects: usize,
    /// Largest number of actions before `end` (effects in all handlers).
    pub max_actions: usize,
    /// The pruning rules switched on.
    pub heuristics: Heuristics,
    /// The (N, F) pairs the oracle checks.
    pub sizes: Vec<(usize, usize)>,
    /// Per quorum, the heuristic that rules it out everywhere, if any.
    quorum_pruned: Vec<Option<Heuristic>>,
}

impl Env {
    /// Compiles the environment of a configuration.
    pub fn new(config: &LearnConfig) -> Result<Env, ConfigError> {
        let requires = config.requires_conds()?;
        let (quorums, quorum_costs) = config.quorums()?;
        let dests = config.dest_list()?;
        let mut probe = ProtocolIr {
            name: config.name.clone(),
            docs: vec![],
            public: true,
            faults: config.faults,
            requires: requires.clone(),
            messages: vec!["T0".into()],
            broadcast: None,
            rules: vec![],
        };
        probe.broadcast = Some(Broadcast {
            value: "m".into(),
            effects: vec![Effect::Deliver],
        });
        let mut sizes: Vec<(usize, usize)> =
            dsl_core::checker::default_configs(&probe.requires, config.faults)
                .iter()
                .map(|c| (c.n, c.f))
                .collect();
        sizes.dedup();
        if sizes.is_empty() {
            return Err(ConfigError::Invalid(format!(
                "`requires` excludes every configuration the checker runs for {} faults",
                config.faults
            )));
        }
        let heuristics = config.heuristics.clone();
        let quorum_pruned =
            crate::heuristics::quorum_pruning(&quorums, &sizes, config.faults, &heuristics);
        Ok(Env {
            faults: config.faults,
            name: config.name.clone(),
            docs: config.docs(),
            requires,
            quorums,
            quorum_costs,
            dests,
            max_types: config.max_types,
            max_rules: config.max_rules,
            max_effects: config.max_effects,
            max_actions: config.max_actions,
            heuristics,
            sizes,
            quorum_pruned,
        })
    }

    /// Every effect an action may add, in a fixed order.
    fn all_effects(&self) -> Vec<Eff> {
        let mut out = Vec::new();
        for msg in 0..self.max_types {
            for &to in &self.dests {
                out.push(Eff::Send { msg, to });
            }
        }
        out.push(Eff::Deliver);
        out
    }

    /// The actions offered in `draft`, in a fixed order, and what each
    /// heuristic pruned (added to `pruned`).
    pub fn actions(&self, draft: &Draft, pruned: &mut Pruned) -> Vec<Action> {
        let mut out = Vec::new();
        let full = draft.actions() >= self.max_actions;
        let effects = self.all_effects();
        let mut consider = |a: Action, out: &mut Vec<Action>| {
            if !self.structurally_valid(draft, &a) {
                return;
            }
            match crate::heuristics::first_violated(self, draft, &a) {
                Some(h) => pruned.count(h),
                None => out.push(a),
            }
        };
        if !full {
            for &e in &effects {
                consider(Action::Broadcast(e), &mut out);
            }
            for trigger in 0..self.max_types {
                for quorum in 0..self.quorums.len() as u8 {
                    let not_sents = std::iter::once(None).chain((0..self.max_types).map(Some));
                    for not_sent in not_sents {
                        let guard = RuleGuard {
                            trigger,
                            quorum,
                            not_sent,
                        };
                        for &effect in &effects {
                            consider(Action::Rule { guard, effect }, &mut out);
                        }
                    }
                }
            }
        }
        consider(Action::End, &mut out);
        out
    }

    /// The hard limits: sizes, no-op effects, `not sent U` only on a rule
    /// that sends U, `end` only once something delivers.
    fn structurally_valid(&self, draft: &Draft, action: &Action) -> bool {
        match *action {
            Action::Broadcast(e) => {
                draft.broadcast.len() < self.max_effects && !draft.broadcast.contains(&e)
            }
            Action::Rule { guard, effect } => match draft.rule(&guard) {
                Some(rule) => {
                    rule.effects.len() < self.max_effects && !rule.effects.contains(&effect)
                }
                None => {
                    draft.rules.len() < self.max_rules
                        && (guard.not_sent.is_none() || guard.not_sent == effect.sends())
                }
            },
            Action::End => draft.delivers(),
        }
    }

    /// Which heuristic rules out a quorum everywhere, if any.
    pub fn quorum_pruned(&self, quorum: u8) -> Option<Heuristic> {
        self.quorum_pruned[quorum as usize]
    }

    /// The protocol a draft stands for.
    pub fn to_ir(&self, draft: &Draft) -> ProtocolIr {
        let types = draft.types().max(1);
        let effects = |es: &[Eff]| es.iter().map(|e| e.to_ir()).collect::<Vec<_>>();
        ProtocolIr {
            name: self.name.clone(),
            docs: self.docs.clone(),
            public: true,
            faults: self.faults,
            requires: self.requires.clone(),
            messages: (0..types).map(|t| format!("T{t}")).collect(),
            broadcast: (!draft.broadcast.is_empty()).then(|| Broadcast {
                value: "m".into(),
                effects: effects(&draft.broadcast),
            }),
            rules: draft
                .rules
                .iter()
                .map(|r| {
                    let mut guards = vec![Guard::Received {
                        msg: r.guard.trigger as usize,
                        quorum: self.quorums[r.guard.quorum as usize].clone(),
                    }];
                    if let Some(u) = r.guard.not_sent {
                        guards.push(Guard::NotSent { msg: u as usize });
                    }
                    Rule {
                        value: "m".into(),
                        guards,
                        effects: effects(&r.effects),
                    }
                })
                .collect(),
        }
    }

    /// A readable one-line form of a quorum (`>= F + 1`, `from broadcaster`).
    pub fn quorum_label(&self, quorum: u8) -> String {
        match &self.quorums[quorum as usize] {
            Quorum::FromBroadcaster => "from broadcaster".into(),
            Quorum::AtLeast(e) => format!(">= {}", dsl_core::print::expr(e)),
        }
    }

    /// The value of a quorum at (N, F): 1 for `from broadcaster`.
    pub fn quorum_value(&self, quorum: u8, n: usize, f: usize) -> Option<i64> {
        quorum_value(&self.quorums[quorum as usize], n, f)
    }
}

/// The number of senders a quorum needs at (N, F) (at least 1), or `None`
/// if it is undefined there; `from broadcaster` needs one.
pub fn quorum_value(q: &Quorum, n: usize, f: usize) -> Option<i64> {
    match q {
        Quorum::FromBroadcaster => Some(1),
        Quorum::AtLeast(e) => e.eval(n as i64, f as i64).map(|k| k.max(1)),
    }
}
