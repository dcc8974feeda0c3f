//! Rewards: a cost for every move and a reward at the end of an episode.
//!
//! The defaults are those of the paper's published code (Vaz et al., DSN 2023):
//! sending to all costs 6, to others 5, to self 2, delivering 1; a threshold of
//! 1 costs 1, F+1 costs 2, (N+F)/2 costs 3 and N-F costs 4 (the costs of the
//! other thresholds are in [`crate::thresholds::ThresholdSpec`]); a verified
//! protocol earns 100 and any other -1. The cheapest verified protocol is the
//! one with the highest return. Unlike the paper, by default the costs are
//! charged only to verified protocols ([`Rewards::costs_when_failed`]).

use crate::env::Env;
use crate::vocab::{Draft, Eff, Move};
use dsl_core::ir::Dest;

pub mod params;

pub use params::Rewards;

impl Rewards {
    /// The cost of one effect.
    pub fn effect(&self, e: Eff) -> f64 {
        match e {
            Eff::Send { to: Dest::All, .. } => self.send_all,
            Eff::Send {
                to: Dest::Others, ..
            } => self.send_others,
            Eff::Send {
                to: Dest::Myself, ..
            } => self.send_self,
            Eff::Deliver => self.deliver,
        }
    }

    /// The immediate reward of taking `mv` in `draft` in `env` (whose
    /// `quorum_costs` are indexed by a rule's quorum). Adding an effect to
    /// an existing rule costs the effect only; a consensus move costs what
    /// [`crate::consensus::move_cost`] says.
    pub fn of_move(&self, draft: &Draft, mv: &Move, env: &Env) -> f64 {
        let threshold_costs = &env.quorum_costs;
        match mv {
            Move::Broadcast(e) => self.effect(*e),
            Move::Rule { guard, effect } => {
                let effect = self.effect(*effect);
                if draft.rules.iter().any(|r| r.guard == *guard) {
                    effect
                } else {
                    let not_sent = if guard.not_sent.is_some() {
                        self.not_sent
                    } else {
                        0.0
                    };
                    threshold_costs[guard.quorum as usize] + not_sent + effect
                }
            }
            Move::Upon(_) | Move::Arm(_) | Move::Otherwise => match &env.consensus {
                Some(c) => crate::consensus::move_cost(c, mv),
                None => 0.0,
            },
            Move::End => self.end,
        }
    }

    /// The reward at the end of an episode, given how many of `total`
    /// configurations the oracle verified before the first violation.
    pub fn terminal(&self, verified: bool, configs_verified: usize) -> f64 {
        let base = if verified { self.verified } else { self.failed };
        base + self.per_config_verified * configs_verified as f64
    }
}
