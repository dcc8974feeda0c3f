//! Saving and resuming a run: the Q-table, the random number generator's
//! position, the learning curve, what was found and the oracle's cache, as
//! one JSON file.
//!
//! The Q-table is stored compactly: per state, the draft (serde's form of
//! [`Draft`]) and only the actions tried (the others still have their
//! initial value); the actions of a state are recomputed from the
//! configuration on resume. A resumed run goes on exactly as the
//! uninterrupted run would have.
//!
//! An exhaustive search stopped on a work queue saves its options and the
//! queue's state instead ([`Checkpoint::queue`], [`crate::queue::resume`]).
//!
//! Format 3 (drafts as serde objects) replaced format 2 (drafts as short
//! text); a checkpoint of another format is refused with its number.

use crate::agent::QEntry;
use crate::config::{ConfigError, LearnConfig};
use crate::heuristics::Pruned;
use crate::oracle::{Judgement, Oracle, OracleStats};
use crate::queue::resume::QueueState;
use crate::train::{History, Learner};
use crate::vocab::Draft;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Version of the checkpoint format.
pub const FORMAT: u32 = 3;

/// A checkpoint that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum CheckpointError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not a checkpoint of this format.
    #[error("not a distgen checkpoint (format {FORMAT}): {0}")]
    Format(String),
    /// A checkpoint of another format (another version of distgen).
    #[error("{path} is a checkpoint of format {found}, written by another version of distgen; this one reads format {FORMAT}: start the run afresh, or resume it with the distgen that wrote it")]
    Version {
        /// The file.
        path: String,
        /// Its format.
        found: u64,
    },
    /// Its configuration is not usable.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// It could not be written.
    #[error(transparent)]
    Write(#[from] crate::emit::EmitError),
}

/// One state of the Q-table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SavedNode {
    /// The draft.
    pub draft: Draft,
    /// Times visited.
    pub visits: u64,
    /// `(action index, Q-value, times taken)` of the actions tried.
    pub tried: Vec<(u32, f64, u32)>,
}

/// A saved run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// [`FORMAT`].
    pub format: u32,
    /// The options of the run.
    pub config: LearnConfig,
    /// What training had done (flattened: its fields stand beside the
    /// others, as in format 3 before it had a type of its own).
    #[serde(flatten)]
    pub history: History,
    /// Position of the random number generator (a `u128` in decimal).
    pub rng_word_pos: String,
    /// The Q-table, sorted by draft.
    pub table: Vec<SavedNode>,
    /// What the heuristics pruned.
    pub pruned: Pruned,
    /// Oracle counters.
    pub oracle: OracleStats,
    /// The oracle's cache, sorted by key.
    pub cache: Vec<(String, Judgement)>,
    /// The queue's state, when this is an exhaustive search stopped on a
    /// work queue (then the fields above are those of a fresh learner).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue: Option<QueueState>,
}

impl Checkpoint {
    /// The checkpoint of a learner.
    pub fn of<O: Oracle>(learner: &Learner<O>) -> Checkpoint {
        let mut table: Vec<SavedNode> = learner
            .agent
            .table
            .iter()
            .map(|(draft, node)| SavedNode {
                draft: draft.clone(),
                visits: node.visits,
                tried: (0..node.moves.len())
                    .filter(|&i| node.n[i] > 0)
                    .map(|i| (i as u32, node.q[i], node.n[i]))
                    .collect(),
            })
            .collect();
        table.sort_by(|a, b| a.draft.cmp(&b.draft));
        let mut cache: Vec<(String, Judgement)> = learner
            .oracle
            .cache
            .iter()
            .map(|(k, j)| (k.clone(), j.clone()))
            .collect();
        cache.sort_by(|a, b| a.0.cmp(&b.0));
        Checkpoint {
            format: FORMAT,
            config: learner.config.clone(),
            history: learner.history.clone(),
            rng_word_pos: learner.agent.rng.get_word_pos().to_string(),
            table,
            pruned: learner.agent.pruned.clone(),
            oracle: learner.oracle.stats,
            cache,
            queue: None,
        }
    }

    /// The checkpoint of an exhaustive search stopped on a work queue:
    /// its options and what it relies on of the queue.
    pub fn of_queued_search(config: &LearnConfig, queue: QueueState) -> Checkpoint {
        Checkpoint {
            format: FORMAT,
            config: config.clone(),
            history: History::default(),
            rng_word_pos: "0".into(),
            table: Vec::new(),
            pruned: Pruned::default(),
            oracle: OracleStats::default(),
            cache: Vec::new(),
            queue: Some(queue),
        }
    }

    /// Writes the checkpoint to `path` atomically.
    pub fn save(&self, path: &Path) -> Result<(), CheckpointError> {
        let text =
            serde_json::to_string(self).map_err(|e| CheckpointError::Format(e.to_string()))?;
        crate::emit::write_atomic(path, text.as_bytes())?;
        Ok(())
    }

    /// Reads a checkpoint.
    pub fn load(path: &Path) -> Result<Checkpoint, CheckpointError> {
        let text = std::fs::read_to_string(path).map_err(|source| CheckpointError::Read {
            path: path.display().to_string(),
            source,
        })?;
        let value: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| CheckpointError::Format(e.to_string()))?;
        match value.get("format").and_then(serde_json::Value::as_u64) {
            Some(found) if found != u64::from(FORMAT) => {
                return Err(CheckpointError::Version {
                    path: path.display().to_string(),
                    found,
                })
            }
            _ => {}
        }
        serde_json::from_value(value).map_err(|e| CheckpointError::Format(e.to_string()))
    }

    /// A learner that goes on from this checkpoint with `oracle`, to
    /// `episodes` episodes in all if given (else the saved number).
    pub fn resume<O: Oracle>(
        self,
        oracle: O,
        episodes: Option<usize>,
    ) -> Result<Learner<O>, CheckpointError> {
        let mut config = self.config;
        if let Some(e) = episodes {
            config.episodes = e;
        }
        let mut learner = Learner::new(config, oracle)?;
        let pos: u128 = self
            .rng_word_pos
            .parse()
            .map_err(|_| CheckpointError::Format("bad rng_word_pos".into()))?;
        learner.agent.rng.set_word_pos(pos);
        let mut scratch = Pruned::default();
        for saved in self.table {
            let draft = saved.draft;
            let moves = learner.pruner.offered(&learner.env, &draft, &mut scratch);
            let k = moves.len();
            let mut node = QEntry {
                moves,
                q: vec![learner.agent.params.initial_q; k],
                n: vec![0; k],
                visits: saved.visits,
            };
            for (i, q, n) in saved.tried {
                let i = i as usize;
                if i >= k {
                    return Err(CheckpointError::Format(format!(
                        "action {i} of the state {draft:?} does not exist under these options"
                    )));
                }
                node.q[i] = q;
                node.n[i] = n;
            }
            learner.agent.table.insert(draft, node);
        }
        learner.agent.pruned = self.pruned;
        learner.found_index = self
            .history
            .found
            .iter()
            .enumerate()
            .map(|(i, f)| (f.key.clone(), i))
            .collect();
        learner.history = self.history;
        learner.oracle.stats = self.oracle;
        learner.oracle.cache = self.cache.into_iter().collect();
        Ok(learner)
    }
}

#[cfg(test)]
mod resume_tests {
    use super::*;
    use crate::train::tests::SyncRunOracle;
    use dsl_core::ir::FaultModel;
    use std::sync::atomic::AtomicBool;

    /// A learner of the defaults without faults, trained for `episodes`.
    fn trained(episodes: usize) -> Learner<SyncRunOracle> {
        let mut config = LearnConfig::defaults(FaultModel::None);
        config.episodes = episodes;
        let mut l = Learner::new(config, SyncRunOracle).unwrap();
        l.train(&AtomicBool::new(false), &mut |_| {});
        l
    }

    #[test]
    fn a_resumed_run_goes_on_exactly_as_an_uninterrupted_one() {
        let straight = trained(120);
        let first = trained(50);
        let dir = std::env::temp_dir().join(format!("distgen-ckpt-{}", std::process::id()));
        let path = dir.join("c.json");
        Checkpoint::of(&first).save(&path).unwrap();
        let mut resumed = Checkpoint::load(&path)
            .unwrap()
            .resume(SyncRunOracle, Some(120))
            .unwrap();
        resumed.train(&AtomicBool::new(false), &mut |_| {});
        std::fs::remove_dir_all(&dir).unwrap();

        assert_eq!(resumed.history, straight.history);
        assert_eq!(resumed.oracle.stats, straight.oracle.stats);
        assert_eq!(
            Checkpoint::of(&resumed).table,
            Checkpoint::of(&straight).table
        );
    }

    #[test]
    fn a_checkpoint_of_another_format_is_refused_with_its_number() {
        let dir = std::env::temp_dir().join(format!("distgen-ckpt-old-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("old.json");
        // Format 2 wrote drafts as text (`s0a|0.1.-:d`).
        std::fs::write(&path, r#"{"format":2,"table":[{"draft":"s0a|0.1.-:d"}]}"#).unwrap();
        let e = Checkpoint::load(&path).expect_err("refused");
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(
            matches!(e, CheckpointError::Version { found: 2, .. }),
            "{e}"
        );
        assert!(e.to_string().contains("format 2"), "{e}");
        assert!(e.to_string().contains("reads format 3"), "{e}");
    }

    #[test]
    fn drafts_are_saved_as_serde_objects() {
        let saved = Checkpoint::of(&trained(5));
        let text = serde_json::to_string(&saved).unwrap();
        assert!(text.contains(r#""draft":{"broadcast":"#), "{text}");
        let back: Checkpoint = serde_json::from_str(&text).unwrap();
        assert_eq!(back, saved);
        assert!(back.table.iter().any(|n| !n.draft.rules.is_empty()));
    }

    #[test]
    fn the_history_is_saved_beside_the_other_fields_as_format_3_has_it() {
        let value = serde_json::to_value(Checkpoint::of(&trained(5))).unwrap();
        assert_eq!(value["episode"], 5);
        assert_eq!(value["curve"].as_array().map(Vec::len), Some(5));
        assert!(value["found"].is_array(), "{value}");
        assert!(value["dead_ends"].is_u64(), "{value}");
        assert!(value.get("history").is_none(), "{value}");
    }
}
