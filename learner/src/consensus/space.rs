//! The consensus action space and its one-step rewards, as the options
//! give them (section `[consensus]`).

use crate::thresholds::spec::ThresholdSpec;
use crate::vocab::ArmEff;
use serde::{Deserialize, Serialize};

/// The consensus action space and its rewards (section `[consensus]`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Space {
    /// The thresholds of `upon received Vote >= k`, with their costs.
    pub upon: Vec<ThresholdSpec>,
    /// The thresholds of the arms (`> (N + 3 * F) / 2`, `>= N - F`; no
    /// comparison means `>=`), with their costs. With `thresholds =
    /// "linear"`, the generated family (as `>=`) instead.
    pub arms: Vec<ThresholdSpec>,
    /// Most arms in the block.
    pub max_arms: usize,
    /// Cost of an arm that decides.
    pub decide: f64,
    /// Cost of an arm that hands the counted value over.
    pub handover: f64,
    /// Cost of an arm that hands the process's own input over.
    pub handover_proposal: f64,
    /// Cost of `otherwise { handover(proposal); }`.
    pub otherwise: f64,
    /// Reward of a verified protocol that is strongly one-step at every
    /// size checked (times the share of sizes where it is).
    pub one_step: f64,
    /// Reward of a verified protocol that is weakly one-step (without
    /// faults) at every size checked (times the share).
    pub weak_one_step: f64,
}

impl Default for Space {
    fn default() -> Self {
        let spec = |e: &str| ThresholdSpec {
            expr: e.into(),
            cost: -1.0,
        };
        Space {
            upon: ["N - F", "N - 2 * F"].map(spec).to_vec(),
            // The thresholds of the reference protocols (Bosco, c1cs, cf1s)
            // and of the usual quorums.
            arms: [
                "> (N + 3 * F) / 2",
                ">= N - F",
                "> (N + F) / 2",
                ">= N - 2 * F",
                "> (N - F) / 2",
                ">= 2 * F + 1",
                ">= F + 1",
            ]
            .map(spec)
            .to_vec(),
            max_arms: 3,
            decide: -1.0,
            handover: -1.0,
            handover_proposal: -1.0,
            otherwise: -1.0,
            one_step: 50.0,
            weak_one_step: 10.0,
        }
    }
}

impl Space {
    /// The cost of an arm's effect.
    pub fn effect_cost(&self, e: ArmEff) -> f64 {
        match e {
            ArmEff::Decide => self.decide,
            ArmEff::Handover => self.handover,
            ArmEff::HandoverProposal => self.handover_proposal,
        }
    }

    /// Every cost of the space (none may be positive for the exhaustive
    /// search).
    pub fn costs(&self) -> impl Iterator<Item = f64> + '_ {
        self.upon.iter().chain(&self.arms).map(|t| t.cost).chain([
            self.decide,
            self.handover,
            self.handover_proposal,
            self.otherwise,
        ])
    }

    /// The most a verified protocol can earn on top of
    /// [`crate::rewards::Rewards::verified`].
    pub fn max_bonus(&self) -> f64 {
        self.one_step.max(0.0) + self.weak_one_step.max(0.0)
    }
}
