//! Reward settings (section `[rewards]` of the options).

use serde::{Deserialize, Serialize};

/// Reward settings (section `[rewards]` of a config file).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Rewards {
    /// Cost of `send T(m) to all`.
    pub send_all: f64,
    /// Cost of `send T(m) to others`.
    pub send_others: f64,
    /// Cost of `send T(m) to self`.
    pub send_self: f64,
    /// Cost of `deliver(m)`.
    pub deliver: f64,
    /// Cost of an `and not sent U` guard.
    pub not_sent: f64,
    /// Cost of ending the protocol.
    pub end: f64,
    /// Reward when the oracle verifies the protocol in every configuration.
    pub verified: f64,
    /// Reward otherwise (also for an episode that cannot end: a dead end).
    pub failed: f64,
    /// Extra reward per configuration verified before the first violation
    /// (0 in the paper: a shaping term of ours, off by default).
    pub per_config_verified: f64,
    /// Whether the actions of a protocol that fails cost anything. The paper
    /// charges them (true); then a long failing protocol looks worse than a
    /// short one, and the agent keeps coming back to the cheapest failure
    /// instead of exploring. With false, actions are charged at the end and
    /// only if the protocol is verified: a verified protocol's return is the
    /// same, every failure is worth `failed`.
    pub costs_when_failed: bool,
}

impl Default for Rewards {
    fn default() -> Self {
        Rewards {
            send_all: -6.0,
            send_others: -5.0,
            send_self: -2.0,
            deliver: -1.0,
            not_sent: -1.0,
            end: 0.0,
            verified: 100.0,
            failed: -1.0,
            per_config_verified: 0.0,
            costs_when_failed: false,
        }
    }
}
