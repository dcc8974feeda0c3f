//! The environment: the state is the protocol built so far (a [`Draft`]),
//! and a move adds one effect to the broadcast handler, adds one rule
//! `when received T(m) >= k [and not sent U] { effect }` (or adds the effect to
//! the rule with the same guards), or ends the protocol. Under `problem =
//! "consensus"` the moves build an `upon` block instead
//! ([`crate::consensus`]).
//!
//! [`Env::moves`] offers the structurally valid moves of a state (the hard
//! limits of the configuration); which of them make sense is decided by the
//! named, switchable pruning rules of [`crate::heuristics`]. A finished draft
//! becomes a [`ProtocolIr`] with [`Env::to_ir`].

use crate::config::{ConfigError, DraftLimits, LearnConfig};
use crate::vocab::{Draft, Eff, Move, RuleGuard};
use dsl_core::ir::{Broadcast, Cond, Dest, FaultModel, Guard, Problem, ProtocolIr, Quorum, Rule};

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
    /// How large a draft may grow.
    pub limits: DraftLimits,
    /// The (N, F) pairs the oracle checks, smallest first.
    pub sizes: Vec<(usize, usize)>,
    /// The problem the protocols solve.
    pub problem: Problem,
    /// The consensus action space, compiled (consensus only).
    pub consensus: Option<crate::consensus::Compiled>,
}

impl Env {
    /// Compiles the environment of a configuration.
    pub fn new(config: &LearnConfig) -> Result<Env, ConfigError> {
        let requires = config.requires_conds()?;
        let sizes = config.sizes()?;
        let (quorums, quorum_costs) = crate::thresholds::quorums(config, &sizes)?;
        Ok(Env {
            faults: config.faults,
            name: config.name.clone(),
            docs: config.docs(),
            requires,
            quorums,
            quorum_costs,
            dests: config.dest_list()?,
            limits: config.limits,
            problem: config.problem,
            consensus: match config.problem {
                Problem::Broadcast => None,
                Problem::Consensus => Some(crate::consensus::compile(config, &sizes)?),
            },
            sizes,
        })
    }

    /// Every effect a move may add, in a fixed order.
    fn all_effects(&self) -> Vec<Eff> {
        let mut out = Vec::new();
        for msg in 0..self.limits.max_types {
            for &to in &self.dests {
                out.push(Eff::Send { msg, to });
            }
        }
        out.push(Eff::Deliver);
        out
    }

    /// Every guard a new rule may have, in a fixed order.
    fn all_guards(&self) -> Vec<RuleGuard> {
        let mut out = Vec::new();
        for trigger in 0..self.limits.max_types {
            for quorum in 0..self.quorums.len() as u8 {
                let not_sents = std::iter::once(None).chain((0..self.limits.max_types).map(Some));
                for not_sent in not_sents {
                    out.push(RuleGuard {
                        trigger,
                        quorum,
                        not_sent,
                    });
                }
            }
        }
        out
    }

    /// The structurally valid moves in `draft`, in a fixed order: within the
    /// size limits, no effect twice in a handler, `not sent U` only on a rule
    /// that sends U, `end` only once something delivers.
    pub fn moves(&self, draft: &Draft) -> Vec<Move> {
        if let Some(c) = &self.consensus {
            return crate::consensus::moves(c, draft);
        }
        let mut out = Vec::new();
        if draft.moves() < self.limits.max_actions {
            let effects = self.all_effects();
            if draft.broadcast.len() < self.limits.max_effects {
                out.extend(
                    effects
                        .iter()
                        .filter(|e| !draft.broadcast.contains(e))
                        .map(|&e| Move::Broadcast(e)),
                );
            }
            for guard in self.all_guards() {
                for &effect in &effects {
                    let valid = match draft.rule(&guard) {
                        Some(rule) => {
                            rule.effects.len() < self.limits.max_effects
                                && !rule.effects.contains(&effect)
                        }
                        None => {
                            draft.rules.len() < self.limits.max_rules
                                && (guard.not_sent.is_none() || guard.not_sent == effect.sends())
                        }
                    };
                    if valid {
                        out.push(Move::Rule { guard, effect });
                    }
                }
            }
        }
        if draft.delivers() {
            out.push(Move::End);
        }
        out
    }

    /// The protocol a draft stands for.
    pub fn to_ir(&self, draft: &Draft) -> ProtocolIr {
        let types = draft.types().max(1);
        let effects = |es: &[Eff]| es.iter().map(|e| e.to_ir()).collect::<Vec<_>>();
        let (messages, consensus) = match &self.consensus {
            Some(c) => crate::consensus::to_ir(c, draft),
            None => (
                (0..types).map(|t| format!("T{t}")).collect(),
                Default::default(),
            ),
        };
        ProtocolIr {
            problem: self.problem,
            consensus,
            name: self.name.clone(),
            docs: self.docs.clone(),
            public: true,
            faults: self.faults,
            requires: self.requires.clone(),
            messages,
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
            Quorum::AtLeastExcluding(e) => {
                format!(">= {} excluding broadcaster", dsl_core::print::expr(e))
            }
        }
    }
}
