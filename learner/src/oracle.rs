//! The oracle ("RB-Oracle" in the paper): does a protocol solve reliable
//! broadcast?
//!
//! [`CheckerOracle`] asks the model checker (`dsl_core::checker::check`)
//! over the configurations of the run ([`LearnConfig::sizes`]), smallest
//! first, stopping at the first violation: most candidates fail at the
//! smallest N in a few states. Several runs go on at once
//! ([`check_in_order`]); the answer does not depend on how many. [`Cached`] puts a cache in front of any oracle, keyed by the
//! protocol's [`crate::canonical::key`]. The [`Oracle`] trait lets the agent be
//! tested against a fake.

use crate::all_n::AllN;
use crate::config::{ConfigError, LearnConfig};
use dsl_core::checker::{self, Config, Limits, Property, Scenario, Verdict};
use dsl_core::ir::{FaultModel, ProtocolIr};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

pub mod params;

pub use params::OracleParams;

/// What the checker said about one configuration.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ConfigVerdict {
    /// Exhaustively checked, no violation.
    Verified,
    /// A property is violated.
    Violated {
        /// Which one.
        property: Property,
    },
    /// The run stopped at a limit.
    Unknown {
        /// Which limit.
        reason: String,
    },
}

impl ConfigVerdict {
    /// The verdict of a checker run, without its trace.
    pub fn of(v: &Verdict) -> ConfigVerdict {
        match v {
            Verdict::Verified => ConfigVerdict::Verified,
            Verdict::Violated(violation) => ConfigVerdict::Violated {
                property: violation.property,
            },
            Verdict::Unknown { reason } => ConfigVerdict::Unknown {
                reason: reason.clone(),
            },
        }
    }
}

impl std::fmt::Display for ConfigVerdict {
    /// `verified`, `violated: agreement`, `unknown: <reason>`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConfigVerdict::Verified => f.write_str("verified"),
            ConfigVerdict::Violated { property } => write!(f, "violated: {property}"),
            ConfigVerdict::Unknown { reason } => write!(f, "unknown: {reason}"),
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
    /// The verdict.
    pub verdict: ConfigVerdict,
    /// Distinct states visited.
    pub states: usize,
}

impl ConfigOutcome {
    /// Whether the configuration was verified.
    pub fn verified(&self) -> bool {
        self.verdict == ConfigVerdict::Verified
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
    /// Consensus, when verified: one-step measured at each size checked
    /// ([`crate::consensus::measure`]); empty otherwise.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub one_step: Vec<crate::consensus::OneStepAt>,
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
            one_step: Vec::new(),
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

    /// Whether a protocol verified by a non-exhaustive judgement holds in
    /// every configuration (training checks all of them); then training
    /// judges protocols costlier than one verified with
    /// [`Oracle::judge_smallest`]. `false` unless the oracle says so.
    fn training_is_final(&self) -> bool {
        false
    }

    /// Judges `ir` at the smallest size only, stopping at the first
    /// violation (by default, like a training judgement).
    fn judge_smallest(&mut self, ir: &ProtocolIr) -> Judgement {
        self.judge(ir, false)
    }

    /// How many judgements ahead of the search this oracle wants to hear
    /// about through [`Oracle::prefetch`] (0, the default: none; a queue
    /// of workers wants enough to keep them busy).
    fn lookahead(&self) -> usize {
        0
    }

    /// The protocols the search will judge next (not exhaustively), in its
    /// order; an oracle may start judging them. By default, nothing.
    fn prefetch(&mut self, _irs: &[ProtocolIr]) {}

    /// Why the oracle cannot go on (its queue is gone, say), if it cannot;
    /// the search stops with this error.
    fn failure(&self) -> Option<String> {
        None
    }

    /// The parameterized ("all N") check of `ir`, a protocol verified in
    /// every configuration ([`crate::all_n`]). By default not asked:
    /// [`AllN::NotChecked`].
    fn all_n(&mut self, _ir: &ProtocolIr) -> AllN {
        AllN::NotChecked
    }
}

/// The oracle's settings for a training judgement: what
/// [`CheckerOracle::judge`] reads when it is not exhaustive. A job on the
/// queue carries them ([`crate::queue::job::Job::settings`]), so that a worker
/// judges as the coordinator's oracle would.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// The fault model the adversary follows.
    pub faults: FaultModel,
    /// The configurations checked during training, smallest first.
    pub training: Vec<Config>,
    /// Limits of one checker run during training.
    pub limits: Limits,
}

impl Settings {
    /// Judges `ir` as [`CheckerOracle::judge`] does when not exhaustive
    /// (`threads` runs at once; the answer does not depend on it).
    pub fn judge(&self, ir: &ProtocolIr, threads: usize) -> Judgement {
        judge_in_order(ir, &self.training, self.limits, threads, true)
    }
}

/// The model checker over the configurations of a run ([`LearnConfig::sizes`]
/// with every scenario of the fault model).
#[derive(Clone, Debug)]
pub struct CheckerOracle {
    /// Every configuration, smallest first.
    pub configs: Vec<Config>,
    /// The fault model, the configurations and the limits of training.
    pub settings: Settings,
    /// Limits of one run of the re-validation.
    pub revalidation_limits: Limits,
    /// How many checker runs go on at once.
    pub threads: usize,
    /// Whether [`Oracle::all_n`] runs the all-N check (`oracle.all_n`).
    pub all_n: bool,
    /// The all-N answers given so far, by canonical key (the search asks
    /// before the re-validation does).
    pub all_n_seen: HashMap<String, AllN>,
}

impl CheckerOracle {
    /// The checker oracle of a run's options.
    pub fn new(config: &LearnConfig) -> Result<CheckerOracle, ConfigError> {
        let params = &config.oracle;
        let configs: Vec<Config> = config
            .sizes()?
            .into_iter()
            .flat_map(|(n, f)| Config::all(config.problem, config.faults, n, f))
            .collect();
        let mut training: Vec<Config> = configs
            .iter()
            .copied()
            .filter(|c| params.max_n.is_none_or(|m| c.n <= m))
            .filter(|c| params.max_f.is_none_or(|m| c.f <= m))
            .collect();
        if training.is_empty() {
            // The bounds exclude every size: train on the smallest.
            training.extend(configs.iter().filter(|c| c.n == configs[0].n));
        }
        Ok(CheckerOracle {
            configs,
            settings: Settings {
                faults: config.faults,
                training,
                limits: Limits {
                    max_states: params.max_states,
                    timeout_secs: params.timeout_secs,
                },
            },
            revalidation_limits: Limits {
                max_states: params.revalidation_max_states,
                timeout_secs: params.revalidation_timeout_secs,
            },
            threads: params.threads.max(1),
            all_n: params.all_n,
            all_n_seen: HashMap::new(),
        })
    }
}

/// Checks `ir` in `configs`, up to `threads` runs at a time, in order; with
/// `stop_at_first`, the results end at the first configuration that is not
/// verified, and only configurations of the same size run together (a
/// candidate that fails at the smallest N costs no run at a larger one).
/// The results do not depend on `threads` (a batch is checked whole, then
/// cut at the first failure in order).
pub fn check_in_order(
    ir: &ProtocolIr,
    configs: &[Config],
    limits: Limits,
    threads: usize,
    stop_at_first: bool,
) -> Vec<ConfigOutcome> {
    let mut out = Vec::new();
    let mut rest = configs;
    while !rest.is_empty() {
        let mut take = rest.len().min(threads.max(1));
        if stop_at_first {
            take = rest[..take]
                .iter()
                .take_while(|c| (c.n, c.f) == (rest[0].n, rest[0].f))
                .count();
        }
        let (batch, tail) = rest.split_at(take);
        rest = tail;
        for r in check_batch(ir, batch, limits) {
            let failed = !r.verified();
            out.push(r);
            if failed && stop_at_first {
                return out;
            }
        }
    }
    out
}

/// The judgement of `ir` in `configs` ([`check_in_order`]) and, for a
/// consensus protocol verified in all of them, its one-step measures at
/// their sizes ([`crate::consensus::measure`]). In-process and on the queue
/// (`crate::queue::job`), a judgement is this.
pub fn judge_in_order(
    ir: &ProtocolIr,
    configs: &[Config],
    limits: Limits,
    threads: usize,
    stop_at_first: bool,
) -> Judgement {
    let outcomes = check_in_order(ir, configs, limits, threads, stop_at_first);
    let mut j = Judgement::from_outcomes(configs.len(), outcomes);
    if j.verified {
        j.one_step = crate::consensus::measure(ir, configs, limits);
    }
    j
}

/// Checks `ir` in every configuration of `batch` at once, one thread each.
fn check_batch(ir: &ProtocolIr, batch: &[Config], limits: Limits) -> Vec<ConfigOutcome> {
    if let [c] = batch {
        return vec![outcome(&checker::check(ir, *c, limits))];
    }
    std::thread::scope(|s| {
        let handles: Vec<_> = batch
            .iter()
            .map(|&c| s.spawn(move || outcome(&checker::check(ir, c, limits))))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a checker run panicked"))
            .collect()
    })
}

fn outcome(r: &checker::CheckResult) -> ConfigOutcome {
    ConfigOutcome {
        n: r.config.n,
        f: r.config.f,
        scenario: r.config.scenario,
        verdict: ConfigVerdict::of(&r.verdict),
        states: r.states,
    }
}

impl Oracle for CheckerOracle {
    fn judge(&mut self, ir: &ProtocolIr, exhaustive: bool) -> Judgement {
        if exhaustive {
            judge_in_order(
                ir,
                &self.configs,
                self.revalidation_limits,
                self.threads,
                false,
            )
        } else {
            self.settings.judge(ir, self.threads)
        }
    }

    /// Every configuration with the re-validation limits, stopping at the
    /// first one that is not verified.
    fn screen(&mut self, ir: &ProtocolIr) -> bool {
        let outcomes = check_in_order(
            ir,
            &self.configs,
            self.revalidation_limits,
            self.threads,
            true,
        );
        Judgement::from_outcomes(self.configs.len(), outcomes).verified
    }

    /// Training checks every configuration (no `max_n`, `max_f` cut): its
    /// limits are smaller than the re-validation's, so what it verifies the
    /// re-validation verifies too.
    fn training_is_final(&self) -> bool {
        self.settings.training.len() == self.configs.len()
    }

    fn judge_smallest(&mut self, ir: &ProtocolIr) -> Judgement {
        let training = &self.settings.training;
        let first = (training[0].n, training[0].f);
        let smallest: Vec<Config> = training
            .iter()
            .copied()
            .take_while(|c| (c.n, c.f) == first)
            .collect();
        let outcomes = check_in_order(ir, &smallest, self.settings.limits, self.threads, true);
        Judgement::from_outcomes(smallest.len(), outcomes)
    }

    /// [`crate::all_n::check`] under the run's fault model, once per
    /// canonical form; [`AllN::NotChecked`] with `oracle.all_n = false`.
    fn all_n(&mut self, ir: &ProtocolIr) -> AllN {
        if !self.all_n {
            return AllN::NotChecked;
        }
        let key = crate::canonical::key(ir);
        if let Some(answer) = self.all_n_seen.get(&key) {
            return answer.clone();
        }
        let answer = crate::all_n::check(ir, self.settings.faults);
        self.all_n_seen.insert(key, answer.clone());
        answer
    }
}

/// Counters of a cached oracle.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OracleStats {
    /// Judgements asked for.
    pub calls: u64,
    /// Of which answered by the cache.
    pub cache_hits: u64,
    /// Of which judged at the smallest size only, a cheaper protocol being
    /// verified ([`OracleParams::bound_costlier`]).
    #[serde(default)]
    pub bounded: u64,
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

    /// Tells the oracle behind the cache which protocols come next
    /// ([`Oracle::prefetch`]), those not in the cache.
    pub fn prefetch(&mut self, irs: &[ProtocolIr]) {
        if !self.enabled {
            return self.inner.prefetch(irs);
        }
        let fresh: Vec<ProtocolIr> = irs
            .iter()
            .filter(|ir| !self.cache.contains_key(&crate::canonical::key(ir)))
            .cloned()
            .collect();
        if !fresh.is_empty() {
            self.inner.prefetch(&fresh);
        }
    }

    /// Judges `ir` at the smallest size only ([`Oracle::judge_smallest`]),
    /// or answers with its full judgement if that is cached.
    pub fn judge_smallest(&mut self, ir: &ProtocolIr) -> Judgement {
        self.stats.calls += 1;
        self.stats.bounded += 1;
        if !self.enabled {
            return self.inner.judge_smallest(ir);
        }
        let key = crate::canonical::key(ir);
        let smallest = format!("smallest:{key}");
        if let Some(j) = self.cache.get(&key).or_else(|| self.cache.get(&smallest)) {
            self.stats.cache_hits += 1;
            return j.clone();
        }
        let j = self.inner.judge_smallest(ir);
        self.cache.insert(smallest, j.clone());
        j
    }
}

#[cfg(test)]
mod tests;
