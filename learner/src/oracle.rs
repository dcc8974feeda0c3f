//! The oracle ("RB-Oracle" in the paper): does a protocol solve reliable
//! broadcast?
//!
//! [`CheckerOracle`] asks the model checker (`dsl_core::checker::check_all`)
//! over the default configurations of the fault model, smallest first,
//! stopping at the first violation: most candidates fail at the smallest N in
//! a few states. [`Cached`] puts a cache in front of any oracle, keyed by the
//! protocol's [`crate::canonical::key`]. The [`Oracle`] trait lets the agent be
//! tested against a fake.

use dsl_core::checker::{self, Config, Limits, Scenario, Verdict};
use dsl_core::ir::{FaultModel, ProtocolIr};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The oracle's parameters (section `[oracle]`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OracleParams {
    /// Largest number of states of one checker run (a run cut short is not
    /// a verification).
    pub max_states: usize,
    /// Wall-clock budget of one checker run, in seconds.
    pub timeout_secs: u64,
    /// Whether to cache verdicts by canonical form.
    pub cache: bool,
    /// During training, check only the configurations with N at most this
    /// (all if unset); the final re-validation checks all of them.
    pub max_n: Option<usize>,
    /// State limit of the final re-validation.
    pub revalidation_max_states: usize,
    /// Time limit of one run of the final re-validation, in seconds.
    pub revalidation_timeout_secs: u64,
    /// How many of the cheapest verified protocols the final re-validation
    /// tries, cheapest first, until one holds in every configuration.
    pub revalidation_candidates: usize,
}

impl Default for OracleParams {
    fn default() -> Self {
        OracleParams {
            max_states: 50_000,
            timeout_secs: 60,
            cache: true,
            max_n: None,
            revalidation_max_states: 5_000_000,
            revalidation_timeout_secs: 300,
            revalidation_candidates: 50,
        }
    }
}

/// What the checker said about one configuration.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigOutcome {
    /// N.
    pub n: usize,
    /// F.
    pub f: usize,
    /// Who is faulty.
    pub scenario: Scenario,
    /// `verified`, `violated: <property>` or `unknown: <reason>`.
    pub verdict: String,
    /// Distinct states visited.
    pub states: usize,
}

impl ConfigOutcome {
    /// Whether the configuration was verified.
    pub fn verified(&self) -> bool {
        self.verdict == "verified"
    }

    /// `N=4 F=1 correct-broadcaster`.
    pub fn label(&self) -> String {
        format!("N={} F={} {}", self.n, self.f, self.scenario.name())
    }
}

/// The oracle's answer about one protocol.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Judgement {
    /// Whether every configuration was verified.
    pub verified: bool,
    /// How many configurations there are.
    pub configs: usize,
    /// The outcomes, in order; after the first violation there may be none.
    pub outcomes: Vec<ConfigOutcome>,
}

impl Judgement {
    /// A judgement from outcomes: verified when all `configs` configurations
    /// were verified (and there is at least one).
    pub fn from_outcomes(configs: usize, outcomes: Vec<ConfigOutcome>) -> Judgement {
        let verified = configs > 0
            && outcomes.len() == configs
            && outcomes.iter().all(ConfigOutcome::verified);
        Judgement {
            verified,
            configs,
            outcomes,
        }
    }

    /// Configurations verified before the first one that was not.
    pub fn configs_verified(&self) -> usize {
        self.outcomes.iter().take_while(|o| o.verified()).count()
    }
}

/// Anything that judges protocols.
pub trait Oracle {
    /// Judges `ir`. With `exhaustive`, every configuration is checked;
    /// otherwise the oracle may stop at the first violation.
    fn judge(&mut self, ir: &ProtocolIr, exhaustive: bool) -> Judgement;

    /// Whether `ir` holds in every configuration, as cheaply as possible
    /// (the final re-validation screens candidates with it).
    fn screen(&mut self, ir: &ProtocolIr) -> bool {
        self.judge(ir, true).verified
    }
}

/// The model checker over the default configurations of a fault model.
#[derive(Clone, Debug)]
pub struct CheckerOracle {
    /// The fault model the adversary follows.
    pub faults: FaultModel,
    /// Limits of one run during training.
    pub limits: Limits,
    /// Limits of one run of the re-validation.
    pub revalidation_limits: Limits,
    /// Largest N checked during training.
    pub max_n: Option<usize>,
}

impl CheckerOracle {
    /// The checker oracle for `faults` with the limits of `params`.
    pub fn new(faults: FaultModel, params: &OracleParams) -> CheckerOracle {
        CheckerOracle {
            faults,
            limits: Limits {
                max_states: params.max_states,
                timeout_secs: params.timeout_secs,
            },
            revalidation_limits: Limits {
                max_states: params.revalidation_max_states,
                timeout_secs: params.revalidation_timeout_secs,
            },
            max_n: params.max_n,
        }
    }

    /// All configurations of `ir`, smallest first.
    pub fn configs(&self, ir: &ProtocolIr) -> Vec<Config> {
        checker::default_configs(&ir.requires, self.faults)
    }
}

/// `verified`, `violated: agreement`, `unknown: <reason>`.
pub fn verdict_label(v: &Verdict) -> String {
    match v {
        Verdict::Verified => "verified".into(),
        Verdict::Violated(violation) => format!("violated: {}", violation.property),
        Verdict::Unknown { reason } => format!("unknown: {reason}"),
    }
}

impl Oracle for CheckerOracle {
    fn judge(&mut self, ir: &ProtocolIr, exhaustive: bool) -> Judgement {
        let mut configs = self.configs(ir);
        let limits = if exhaustive {
            self.revalidation_limits
        } else {
            configs.retain(|c| self.max_n.is_none_or(|m| c.n <= m));
            self.limits
        };
        let results = checker::check_all(ir, &configs, limits, !exhaustive);
        let outcomes = results
            .iter()
            .map(|r| ConfigOutcome {
                n: r.config.n,
                f: r.config.f,
                scenario: r.config.scenario,
                verdict: verdict_label(&r.verdict),
                states: r.states,
            })
            .collect();
        Judgement::from_outcomes(configs.len(), outcomes)
    }

    /// Every configuration with the re-validation limits, stopping at the
    /// first one that is not verified.
    fn screen(&mut self, ir: &ProtocolIr) -> bool {
        let configs = self.configs(ir);
        !configs.is_empty()
            && configs.iter().all(|&c| {
                checker::check(ir, c, self.revalidation_limits)
                    .verdict
                    .is_verified()
            })
    }
}

/// Counters of a cached oracle.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OracleStats {
    /// Judgements asked for.
    pub calls: u64,
    /// Of which answered by the cache.
    pub cache_hits: u64,
}

impl OracleStats {
    /// Hits over calls (0 when there was no call).
    pub fn hit_rate(&self) -> f64 {
        if self.calls == 0 {
            0.0
        } else {
            self.cache_hits as f64 / self.calls as f64
        }
    }
}

/// An oracle with a cache keyed by canonical form (the non-exhaustive
/// judgements only).
#[derive(Clone, Debug)]
pub struct Cached<O> {
    /// The oracle behind the cache.
    pub inner: O,
    /// Whether the cache is used.
    pub enabled: bool,
    /// Judgements by canonical key.
    pub cache: HashMap<String, Judgement>,
    /// Counters.
    pub stats: OracleStats,
}

impl<O: Oracle> Cached<O> {
    /// A cache in front of `inner`.
    pub fn new(inner: O, enabled: bool) -> Cached<O> {
        Cached {
            inner,
            enabled,
            cache: HashMap::new(),
            stats: OracleStats::default(),
        }
    }

    /// Judges `ir` (stopping at the first violation), from the cache if it
    /// was judged before under another rule order or type naming.
    pub fn judge(&mut self, ir: &ProtocolIr) -> Judgement {
        self.stats.calls += 1;
        if !self.enabled {
            return self.inner.judge(ir, false);
        }
        let key = crate::canonical::key(ir);
        if let Some(j) = self.cache.get(&key) {
            self.stats.cache_hits += 1;
            return j.clone();
        }
        let j = self.inner.judge(ir, false);
        self.cache.insert(key, j.clone());
        j
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Counting(u32);
    impl Oracle for Counting {
        fn judge(&mut self, _ir: &ProtocolIr, _exhaustive: bool) -> Judgement {
            self.0 += 1;
            Judgement::from_outcomes(1, vec![])
        }
    }

    #[test]
    fn the_cache_answers_a_renamed_protocol() {
        let a = dsl_core::syntax::parse_str(
            "A { faults: crash; messages: X, Y;
                 on broadcast(m) { send X(m) to all; }
                 when received X(m) >= 1 { send Y(m) to all; }
                 when received Y(m) >= 2 { deliver(m); } }",
        )
        .unwrap();
        let b = dsl_core::syntax::parse_str(
            "B { faults: crash; messages: Y, X;
                 on broadcast(m) { send X(m) to all; }
                 when received Y(m) >= 2 { deliver(m); }
                 when received X(m) >= 1 { send Y(m) to all; } }",
        )
        .unwrap();
        let mut cached = Cached::new(Counting(0), true);
        cached.judge(&a);
        cached.judge(&b);
        assert_eq!(cached.inner.0, 1);
        assert_eq!(
            cached.stats,
            OracleStats {
                calls: 2,
                cache_hits: 1
            }
        );
    }

    #[test]
    fn unverified_unless_every_configuration_is() {
        let ok = |n| ConfigOutcome {
            n,
            f: 0,
            scenario: Scenario::FailureFree,
            verdict: "verified".into(),
            states: 1,
        };
        assert!(Judgement::from_outcomes(2, vec![ok(3), ok(4)]).verified);
        assert!(!Judgement::from_outcomes(2, vec![ok(3)]).verified);
        assert!(!Judgement::from_outcomes(0, vec![]).verified);
        let mut bad = ok(4);
        bad.verdict = "unknown: timeout".into();
        let j = Judgement::from_outcomes(2, vec![ok(3), bad]);
        assert!(!j.verified);
        assert_eq!(j.configs_verified(), 1);
    }
}
