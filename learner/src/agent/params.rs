//! The agent's parameters (section `[agent]` of the options).

use serde::{Deserialize, Serialize};

/// The agent's parameters (section `[agent]`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AgentParams {
    /// Learning rate (alpha).
    pub learning_rate: f64,
    /// Discount (gamma).
    pub discount: f64,
    /// Weight of the UCB exploration bonus `c * sqrt(ln N(s) / N(s, a))`.
    pub ucb_c: f64,
    /// Q-value of an action never tried.
    pub initial_q: f64,
    /// Apply an episode's updates in reverse order once it ended (the
    /// terminal reward then reaches every step of the episode), instead of
    /// after each step.
    pub backward: bool,
}

impl Default for AgentParams {
    fn default() -> Self {
        AgentParams {
            learning_rate: 1.0,
            discount: 0.95,
            ucb_c: 100.0,
            initial_q: 0.0,
            backward: true,
        }
    }
}
