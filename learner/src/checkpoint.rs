//! Saving and resuming a run: the Q-table, the random number generator's
//! position, the learning curve, what was found and the oracle's cache, as
//! one JSON file.
//!
//! The Q-table is stored compactly: per state, the draft in a short text form
//! and only the actions tried (the others still have their initial value);
//! the actions of a state are recomputed from the configuration on resume. A
//! resumed run goes on exactly as the uninterrupted run would have.

use crate::agent::QEntry;
use crate::config::{ConfigError, LearnConfig};
use crate::heuristics::Pruned;
use crate::oracle::{Judgement, Oracle, OracleStats};
use crate::train::{Found, Learner};
use crate::vocab::{Draft, DraftRule, Eff, RuleGuard};
use dsl_core::ir::Dest;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Version of the checkpoint format.
pub const FORMAT: u32 = 2;

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
    /// The draft, see [`encode_draft`].
    pub draft: String,
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
    /// Training episodes done.
    pub episode: usize,
    /// Position of the random number generator (a `u128` in decimal).
    pub rng_word_pos: String,
    /// The Q-table, sorted by draft.
    pub table: Vec<SavedNode>,
    /// What the heuristics pruned.
    pub pruned: Pruned,
    /// Return of each episode.
    pub curve: Vec<f64>,
    /// Verified protocols found.
    pub found: Vec<Found>,
    /// Dead ends.
    pub dead_ends: u64,
    /// Oracle counters.
    pub oracle: OracleStats,
    /// The oracle's cache, sorted by key.
    pub cache: Vec<(String, Judgement)>,
}

impl Checkpoint {
    /// The checkpoint of a learner.
    pub fn of<O: Oracle>(learner: &Learner<O>) -> Checkpoint {
        let mut table: Vec<SavedNode> = learner
            .agent
            .table
            .iter()
            .map(|(draft, node)| SavedNode {
                draft: encode_draft(draft),
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
            episode: learner.episode,
            rng_word_pos: learner.agent.rng.get_word_pos().to_string(),
            table,
            pruned: learner.agent.pruned.clone(),
            curve: learner.curve.clone(),
            found: learner.found.clone(),
            dead_ends: learner.dead_ends,
            oracle: learner.oracle.stats,
            cache,
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
        let c: Checkpoint =
            serde_json::from_str(&text).map_err(|e| CheckpointError::Format(e.to_string()))?;
        if c.format != FORMAT {
            return Err(CheckpointError::Format(format!("format {}", c.format)));
        }
        Ok(c)
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
            let draft = decode_draft(&saved.draft)
                .ok_or_else(|| CheckpointError::Format(format!("bad draft `{}`", saved.draft)))?;
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
                        "action {i} of `{}` does not exist under these options",
                        saved.draft
                    )));
                }
                node.q[i] = q;
                node.n[i] = n;
            }
            learner.agent.table.insert(draft, node);
        }
        learner.agent.pruned = self.pruned;
        learner.episode = self.episode;
        learner.curve = self.curve;
        for f in self.found {
            learner
                .found_index
                .insert(f.key.clone(), learner.found.len());
            learner.found.push(f);
        }
        learner.dead_ends = self.dead_ends;
        learner.oracle.stats = self.oracle;
        learner.oracle.cache = self.cache.into_iter().collect();
        Ok(learner)
    }
}

fn encode_eff(e: Eff) -> String {
    match e {
        Eff::Send { msg, to } => {
            let d = match to {
                Dest::All => 'a',
                Dest::Others => 'o',
                Dest::Myself => 's',
            };
            format!("s{msg}{d}")
        }
        Eff::Deliver => "d".into(),
    }
}

fn decode_eff(s: &str) -> Option<Eff> {
    if s == "d" {
        return Some(Eff::Deliver);
    }
    let body = s.strip_prefix('s')?;
    let (msg, d) = body.split_at(body.len().checked_sub(1)?);
    let to = match d {
        "a" => Dest::All,
        "o" => Dest::Others,
        "s" => Dest::Myself,
        _ => return None,
    };
    Some(Eff::Send {
        msg: msg.parse().ok()?,
        to,
    })
}

fn encode_effs(es: &[Eff]) -> String {
    es.iter()
        .map(|&e| encode_eff(e))
        .collect::<Vec<_>>()
        .join(",")
}

fn decode_effs(s: &str) -> Option<Vec<Eff>> {
    if s.is_empty() {
        return Some(vec![]);
    }
    s.split(',').map(decode_eff).collect()
}

/// A draft as short text: `s0a|0.7.1:s1a;1.3.-:d` (broadcast effects, then
/// rules `trigger.quorum.not_sent:effects`).
pub fn encode_draft(d: &Draft) -> String {
    let rules: Vec<String> = d
        .rules
        .iter()
        .map(|r| {
            let ns = r.guard.not_sent.map_or("-".to_string(), |t| t.to_string());
            format!(
                "{}.{}.{ns}:{}",
                r.guard.trigger,
                r.guard.quorum,
                encode_effs(&r.effects)
            )
        })
        .collect();
    format!("{}|{}", encode_effs(&d.broadcast), rules.join(";"))
}

/// The inverse of [`encode_draft`].
pub fn decode_draft(s: &str) -> Option<Draft> {
    let (b, r) = s.split_once('|')?;
    let mut rules = Vec::new();
    if !r.is_empty() {
        for part in r.split(';') {
            let (g, es) = part.split_once(':')?;
            let mut g = g.split('.');
            let trigger = g.next()?.parse().ok()?;
            let quorum = g.next()?.parse().ok()?;
            let not_sent = match g.next()? {
                "-" => None,
                t => Some(t.parse().ok()?),
            };
            rules.push(DraftRule {
                guard: RuleGuard {
                    trigger,
                    quorum,
                    not_sent,
                },
                effects: decode_effs(es)?,
            });
        }
    }
    Some(Draft {
        broadcast: decode_effs(b)?,
        rules,
        ..Draft::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drafts_round_trip() {
        let d = Draft {
            broadcast: vec![
                Eff::Send {
                    msg: 0,
                    to: Dest::All,
                },
                Eff::Deliver,
            ],
            rules: vec![
                DraftRule {
                    guard: RuleGuard {
                        trigger: 0,
                        quorum: 7,
                        not_sent: Some(1),
                    },
                    effects: vec![Eff::Send {
                        msg: 1,
                        to: Dest::Others,
                    }],
                },
                DraftRule {
                    guard: RuleGuard {
                        trigger: 1,
                        quorum: 3,
                        not_sent: None,
                    },
                    effects: vec![
                        Eff::Send {
                            msg: 12,
                            to: Dest::Myself,
                        },
                        Eff::Deliver,
                    ],
                },
            ],
            ..Draft::default()
        };
        let s = encode_draft(&d);
        assert_eq!(s, "s0a,d|0.7.1:s1o;1.3.-:s12s,d");
        assert_eq!(decode_draft(&s), Some(d));
        assert_eq!(decode_draft("|"), Some(Draft::default()));
        assert_eq!(decode_draft("x|"), None);
    }
}

#[cfg(test)]
mod resume_tests {
    use super::*;
    use crate::train::tests::SyncRunOracle;
    use dsl_core::ir::FaultModel;
    use std::sync::atomic::AtomicBool;

    #[test]
    fn a_resumed_run_goes_on_exactly_as_an_uninterrupted_one() {
        let mut config = LearnConfig::defaults(FaultModel::None);
        config.episodes = 120;
        let mut straight = Learner::new(config.clone(), SyncRunOracle).unwrap();
        straight.train(&AtomicBool::new(false), &mut |_| {});

        config.episodes = 50;
        let mut first = Learner::new(config, SyncRunOracle).unwrap();
        first.train(&AtomicBool::new(false), &mut |_| {});
        let dir = std::env::temp_dir().join(format!("distgen-ckpt-{}", std::process::id()));
        let path = dir.join("c.json");
        Checkpoint::of(&first).save(&path).unwrap();
        let mut resumed = Checkpoint::load(&path)
            .unwrap()
            .resume(SyncRunOracle, Some(120))
            .unwrap();
        resumed.train(&AtomicBool::new(false), &mut |_| {});
        std::fs::remove_dir_all(&dir).unwrap();

        assert_eq!(resumed.curve, straight.curve);
        assert_eq!(resumed.found, straight.found);
        assert_eq!(resumed.oracle.stats, straight.oracle.stats);
        assert_eq!(
            Checkpoint::of(&resumed).table,
            Checkpoint::of(&straight).table
        );
    }
}
