//! Every option of a run, from a TOML or JSON file and from flags.
//!
//! The defaults depend on the fault model; a file (`--config FILE`) overrides
//! any of them, and flags override the file. Merging works on the serialized
//! form: the defaults, then the file, then the flags, key by key (tables are
//! merged, arrays and values replaced), and the result must deserialize with
//! no unknown key, so a misspelt option is an error, not a silent default.

use crate::agent::AgentParams;
use crate::heuristics::Heuristics;
use crate::oracle::OracleParams;
use crate::rewards::Rewards;
use dsl_core::ir::{Cond, Dest, FaultModel, Quorum};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::path::Path;

/// A configuration that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The file or the merged options do not parse.
    #[error("{0}")]
    Parse(String),
    /// The options parse but make no sense.
    #[error("{0}")]
    Invalid(String),
}

/// One quorum a rule may use, with its cost.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThresholdSpec {
    /// An expression over N and F (`F + 1`, `(N + F + 1) / 2`), or
    /// `broadcaster` for `from broadcaster`.
    pub expr: String,
    /// The cost of a rule with this quorum (negative).
    pub cost: f64,
}

impl ThresholdSpec {
    fn new(expr: &str, cost: f64) -> ThresholdSpec {
        ThresholdSpec {
            expr: expr.into(),
            cost,
        }
    }

    /// The quorum it stands for.
    pub fn quorum(&self) -> Result<Quorum, ConfigError> {
        if self.expr.trim() == "broadcaster" {
            return Ok(Quorum::FromBroadcaster);
        }
        let e: dsl_core::syntax::ast::ExprSyn = syn::parse_str(&self.expr)
            .map_err(|e| ConfigError::Parse(format!("threshold `{}`: {e}", self.expr)))?;
        Ok(Quorum::AtLeast(e.expr))
    }
}

/// All options of `distgen learn`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LearnConfig {
    /// The fault model to synthesise for.
    pub faults: FaultModel,
    /// Number of training episodes.
    pub episodes: usize,
    /// Seed of the agent's random number generator.
    pub seed: u64,
    /// Name of the protocol (a Rust identifier); files are named after it.
    pub name: String,
    /// The protocol's `requires` conditions (`N > 3 * F`).
    pub requires: Vec<String>,
    /// Largest number of message types.
    pub max_types: u8,
    /// Largest number of `when` rules.
    pub max_rules: usize,
    /// Largest number of effects in one handler.
    pub max_effects: usize,
    /// Largest number of actions (effects) before `end`.
    pub max_actions: usize,
    /// Destinations a send may use: `all`, `others`, `self`.
    pub dests: Vec<String>,
    /// The quorums a rule may use, with their costs. The paper's set is
    /// 1, F+1, ceil((N+F)/2) and N-F.
    pub thresholds: Vec<ThresholdSpec>,
    /// Rewards.
    pub rewards: Rewards,
    /// The agent's parameters.
    pub agent: AgentParams,
    /// Which heuristics are on.
    pub heuristics: Heuristics,
    /// The oracle's parameters.
    pub oracle: OracleParams,
    /// Window of the moving average in the learning curve.
    pub moving_average: usize,
}

impl LearnConfig {
    /// The defaults for a fault model.
    pub fn defaults(faults: FaultModel) -> LearnConfig {
        let (name, requires, max_types, max_rules) = match faults {
            FaultModel::None => ("LearnedNone", vec![], 2, 2),
            FaultModel::Crash => ("LearnedCrash", vec!["N > 2 * F".to_string()], 2, 3),
            FaultModel::Byzantine => ("LearnedByzantine", vec!["N > 3 * F".to_string()], 3, 4),
        };
        LearnConfig {
            faults,
            episodes: 12_000,
            seed: 1,
            name: name.into(),
            requires,
            max_types,
            max_rules,
            max_effects: 2,
            max_actions: max_rules + 2,
            dests: vec!["all".into(), "others".into(), "self".into()],
            thresholds: vec![
                ThresholdSpec::new("1", -1.0),
                ThresholdSpec::new("F + 1", -2.0),
                ThresholdSpec::new("(N + F + 1) / 2", -3.0),
                ThresholdSpec::new("N - F", -4.0),
                ThresholdSpec::new("(N + F) / 2 + 1", -4.0),
                ThresholdSpec::new("2 * F + 1", -3.0),
                ThresholdSpec::new("N - 2 * F", -3.0),
                ThresholdSpec::new("broadcaster", -1.0),
            ],
            rewards: Rewards::default(),
            agent: AgentParams::default(),
            heuristics: Heuristics::default(),
            oracle: OracleParams {
                // N = 7, F = 2 takes the checker minutes per protocol: train
                // on N <= 5, re-validate on all.
                max_n: (faults == FaultModel::Byzantine).then_some(5),
                ..OracleParams::default()
            },
            moving_average: 100,
        }
    }

    /// The configuration from, in increasing priority: the defaults of the
    /// fault model (`faults`, else the file's, else `none`), the file
    /// (TOML, or JSON if it ends in `.json`), and `overrides` (keys as in the
    /// file, e.g. `{"episodes": 500, "agent": {"ucb_c": 2.0}}`).
    pub fn load(
        faults: Option<FaultModel>,
        file: Option<&Path>,
        overrides: Value,
    ) -> Result<LearnConfig, ConfigError> {
        let file_value = match file {
            None => Value::Object(Default::default()),
            Some(path) => read_value(path)?,
        };
        let faults = match faults {
            Some(f) => f,
            None => match file_value.get("faults") {
                Some(v) => serde_json::from_value(v.clone())
                    .map_err(|e| ConfigError::Parse(format!("faults: {e}")))?,
                None => FaultModel::None,
            },
        };
        let mut merged = serde_json::to_value(LearnConfig::defaults(faults))
            .map_err(|e| ConfigError::Parse(e.to_string()))?;
        merge(&mut merged, file_value);
        merge(&mut merged, overrides);
        merged["faults"] =
            serde_json::to_value(faults).map_err(|e| ConfigError::Parse(e.to_string()))?;
        let config: LearnConfig =
            serde_json::from_value(merged).map_err(|e| ConfigError::Parse(e.to_string()))?;
        config.validate()?;
        Ok(config)
    }

    /// Checks what deserializing cannot.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let bad = |m: String| Err(ConfigError::Invalid(m));
        if syn::parse_str::<syn::Ident>(&self.name).is_err() {
            return bad(format!("name `{}` is not a Rust identifier", self.name));
        }
        if self.max_types == 0 || self.max_effects == 0 || self.max_actions == 0 {
            return bad("max_types, max_effects and max_actions must be at least 1".into());
        }
        if self.thresholds.is_empty() || self.thresholds.len() > u8::MAX as usize {
            return bad("give between 1 and 255 thresholds".into());
        }
        if self.agent.learning_rate <= 0.0 || self.agent.learning_rate > 1.0 {
            return bad("agent.learning_rate must be in (0, 1]".into());
        }
        if !(0.0..=1.0).contains(&self.agent.discount) {
            return bad("agent.discount must be in [0, 1]".into());
        }
        self.requires_conds()?;
        self.quorums()?;
        self.dest_list()?;
        Ok(())
    }

    /// The `requires` conditions, parsed.
    pub fn requires_conds(&self) -> Result<Vec<Cond>, ConfigError> {
        self.requires
            .iter()
            .map(|s| {
                let c: dsl_core::syntax::ast::CondSyn = syn::parse_str(s)
                    .map_err(|e| ConfigError::Parse(format!("requires `{s}`: {e}")))?;
                Ok(Cond {
                    lhs: c.lhs.expr,
                    op: c.op,
                    rhs: c.rhs.expr,
                })
            })
            .collect()
    }

    /// The quorums and their costs.
    pub fn quorums(&self) -> Result<(Vec<Quorum>, Vec<f64>), ConfigError> {
        let quorums = self
            .thresholds
            .iter()
            .map(ThresholdSpec::quorum)
            .collect::<Result<Vec<_>, _>>()?;
        Ok((quorums, self.thresholds.iter().map(|t| t.cost).collect()))
    }

    /// The destinations.
    pub fn dest_list(&self) -> Result<Vec<Dest>, ConfigError> {
        self.dests
            .iter()
            .map(|d| match d.as_str() {
                "all" => Ok(Dest::All),
                "others" => Ok(Dest::Others),
                "self" => Ok(Dest::Myself),
                other => Err(ConfigError::Parse(format!(
                    "unknown destination `{other}`; expected all, others or self"
                ))),
            })
            .collect()
    }

    /// The doc comment of the protocol.
    pub fn docs(&self) -> Vec<String> {
        vec![format!(
            " Reliable broadcast for {} faults, synthesised by `distgen learn` (seed {}).",
            self.faults, self.seed
        )]
    }

    /// The snake-case file stem of the protocol (`LearnedByzantine` ->
    /// `learned_byzantine`).
    pub fn file_stem(&self) -> String {
        let mut out = String::new();
        for (i, c) in self.name.chars().enumerate() {
            if c.is_uppercase() {
                if i > 0 {
                    out.push('_');
                }
                out.extend(c.to_lowercase());
            } else {
                out.push(c);
            }
        }
        out
    }
}

/// Reads a TOML or (`.json`) JSON file as a JSON value.
fn read_value(path: &Path) -> Result<Value, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.display().to_string(),
        source,
    })?;
    let at = |e: String| ConfigError::Parse(format!("{}: {e}", path.display()));
    if path.extension().is_some_and(|e| e == "json") {
        serde_json::from_str(&text).map_err(|e| at(e.to_string()))
    } else {
        toml::from_str::<Value>(&text).map_err(|e| at(e.to_string()))
    }
}

/// Merges `top` into `base`: tables key by key, anything else replaced
/// (`null` leaves `base` as it is).
fn merge(base: &mut Value, top: Value) {
    match (base, top) {
        (_, Value::Null) => {}
        (Value::Object(b), Value::Object(t)) => {
            for (k, v) in t {
                match b.get_mut(&k) {
                    Some(slot) => merge(slot, v),
                    None => {
                        b.insert(k, v);
                    }
                }
            }
        }
        (slot, top) => *slot = top,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_round_trip_through_load() {
        let c = LearnConfig::load(Some(FaultModel::Byzantine), None, Value::Null).unwrap();
        assert_eq!(c, LearnConfig::defaults(FaultModel::Byzantine));
    }

    #[test]
    fn file_and_overrides_merge_key_by_key() {
        let dir = std::env::temp_dir().join(format!("distgen-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("c.toml");
        std::fs::write(
            &path,
            "faults = \"crash\"\nepisodes = 7\n[agent]\nucb_c = 3.5\n[heuristics]\nunread-type = false\n",
        )
        .unwrap();
        let overrides = serde_json::json!({"episodes": 9});
        let c = LearnConfig::load(None, Some(&path), overrides).unwrap();
        assert_eq!(c.faults, FaultModel::Crash);
        assert_eq!(c.episodes, 9);
        assert_eq!(c.agent.ucb_c, 3.5);
        assert_eq!(c.agent.learning_rate, AgentParams::default().learning_rate);
        assert!(!c.heuristics.on(crate::heuristics::Heuristic::UnreadType));
        assert!(c.heuristics.on(crate::heuristics::Heuristic::DeliverTwice));
        assert_eq!(c.requires, vec!["N > 2 * F".to_string()]);
    }

    #[test]
    fn unknown_keys_are_errors() {
        let err = LearnConfig::load(None, None, serde_json::json!({"episode": 3})).unwrap_err();
        assert!(err.to_string().contains("episode"), "{err}");
        let err = LearnConfig::load(
            None,
            None,
            serde_json::json!({"heuristics": {"nope": true}}),
        )
        .unwrap_err();
        assert!(err.to_string().contains("nope"), "{err}");
    }

    #[test]
    fn thresholds_parse() {
        let c = LearnConfig::defaults(FaultModel::Byzantine);
        let (q, costs) = c.quorums().unwrap();
        assert_eq!(q.len(), costs.len());
        assert_eq!(q[7], Quorum::FromBroadcaster);
        let Quorum::AtLeast(e) = &q[2] else { panic!() };
        assert_eq!(e.eval(4, 1), Some(3));
        assert_eq!(c.file_stem(), "learned_byzantine");
    }
}
