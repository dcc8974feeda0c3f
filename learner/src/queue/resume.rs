//! Stopping a coordinator and resuming it: what its checkpoint names of the
//! queue ([`QueueState`]), and how a resumed coordinator finds its run again.
//!
//! A coordinator stopped mid-search (Ctrl-C) leaves its run on the queue:
//! its jobs stay on the stream [`JOBS`] of the group [`GROUP`], and workers
//! go on judging them, storing the verdicts under the run's id. Its
//! checkpoint names that run, the stream and the group, the version of
//! distgen, how far it had read the run's results stream, the verdicts it
//! held, and the search's position: how many training judgements the search
//! had taken, and the key of the last one.
//!
//! A resumed coordinator reattaches to the run, reads the verdicts written
//! since (reused, not judged again), and the search starts again from its
//! first step: the walk over the frontier does not depend on verdicts, and
//! every judgement up to the position (and past it, as far as the workers
//! got) is answered from the verdicts held, without a job or a checker run.
//! The search so reaches its position and goes on, and its answer and counts
//! are those of an uninterrupted run. The search must pass through the saved
//! position (the same protocol at the same count), else it stops with an
//! error: the checkpoint does not belong to this search.

use super::coordinator::{QueueCounts, QueueOptions, QueueOracle, QueueStats};
use super::job::{version, RunOnly};
use super::{done_key, meta_key, redacted, results_key, verdicts_key, QueueError, GROUP, JOBS};
use crate::oracle::{CheckerOracle, Judgement};
use serde::{Deserialize, Serialize};

/// How long a stopped run's verdicts stay on the queue for a resume.
pub const KEEP_SECS: u64 = 7 * 24 * 3600;

/// What a stopped coordinator relies on to go on (in its checkpoint).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QueueState {
    /// [`version`] of the coordinator that stopped (a resume needs the same).
    pub version: String,
    /// The stream its jobs are on ([`JOBS`]).
    pub jobs: String,
    /// The workers' consumer group ([`GROUP`]).
    pub group: String,
    /// The run's id: its verdict hash, results stream and markers.
    pub run: String,
    /// The last entry read from the run's results stream.
    pub cursor: String,
    /// Training judgements the search had taken.
    pub position: u64,
    /// The key of the last of them.
    pub last_key: Option<String>,
    /// The verdicts received, by canonical key (sorted), including those
    /// ahead of the position.
    pub verdicts: Vec<(String, Judgement)>,
    /// The screens made on the coordinator, by key (sorted).
    pub screens: Vec<(String, bool)>,
    /// Keys sent to the queue without a verdict yet.
    pub in_flight: Vec<String>,
    /// What the queue had done.
    pub stats: SavedStats,
}

/// The counters of [`QueueStats`] that a resumed run goes on from.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedStats {
    /// Workers that answered.
    pub workers: Vec<String>,
    /// Jobs, candidates and verdicts (flattened: the checkpoint's fields
    /// stand beside `workers`).
    #[serde(flatten)]
    pub counts: QueueCounts,
}

impl QueueOracle {
    /// The search's position moves on by the judgement of `key`; checks
    /// that a resumed search passes through its checkpoint's position.
    pub(super) fn take_position(&mut self, key: &str) {
        self.taken.0 += 1;
        self.taken.1 = Some(key.to_string());
        if let Some((at, expected)) = &self.replay {
            if self.taken.0 == *at {
                if self.taken.1 != *expected {
                    let why = format!(
                        "the resumed search is not the checkpoint's: its judgement {at} is {key}, the checkpoint's {}",
                        expected.as_deref().unwrap_or("none")
                    );
                    self.fail(why);
                }
                self.replay = None;
            }
        }
    }

    /// What a resume needs (see the module doc).
    pub fn state(&self) -> QueueState {
        let mut verdicts: Vec<(String, Judgement)> = self
            .verdicts
            .iter()
            .map(|(k, j)| (k.clone(), j.clone()))
            .collect();
        verdicts.sort_by(|a, b| a.0.cmp(&b.0));
        let mut screens: Vec<(String, bool)> =
            self.screens.iter().map(|(k, &b)| (k.clone(), b)).collect();
        screens.sort();
        let pending = self.pending_keys();
        let mut in_flight: Vec<String> = self
            .submitted
            .iter()
            .filter(|k| !self.verdicts.contains_key(*k) && !pending.contains(k))
            .cloned()
            .collect();
        in_flight.sort();
        let s = &self.stats;
        QueueState {
            version: version(),
            jobs: JOBS.into(),
            group: GROUP.into(),
            run: self.run.clone(),
            cursor: self.cursor.clone(),
            position: self.taken.0,
            last_key: self.taken.1.clone(),
            verdicts,
            screens,
            in_flight,
            stats: SavedStats {
                workers: s.workers.iter().cloned().collect(),
                counts: s.counts.clone(),
            },
        }
    }

    /// Stops for a resume: the run stays on the queue (its verdicts for
    /// [`KEEP_SECS`]), the workers go on with its jobs; the state to save.
    pub fn suspend(&mut self) -> QueueState {
        self.stopped = true;
        let mut keep = redis::pipe();
        for key in [
            meta_key(&self.run),
            verdicts_key(&self.run),
            results_key(&self.run),
        ] {
            keep.cmd("EXPIRE").arg(key).arg(KEEP_SECS).ignore();
        }
        // At worst the keys outlive the run: nothing to report.
        let _: redis::RedisResult<()> = keep.query(&mut self.con);
        self.state()
    }

    /// A coordinator that goes on with the run of `state` on the queue at
    /// `url`, judging with `local`'s settings. Errors: the queue's errors,
    /// a checkpoint of another version, or a run on the queue with other
    /// settings. When the queue no longer holds the run (a server
    /// restarted, another server), the second value says so; the search
    /// then goes on with the verdicts of the checkpoint and judges the rest
    /// again.
    pub fn resume(
        url: &str,
        local: CheckerOracle,
        opts: QueueOptions,
        state: QueueState,
    ) -> Result<(QueueOracle, Option<String>), QueueError> {
        let shown = redacted(url);
        let refuse = |what: String| QueueError::Protocol {
            url: shown.clone(),
            what,
        };
        if state.version != version() || state.jobs != JOBS || state.group != GROUP {
            return Err(refuse(format!(
                "the checkpoint's run was queued by `{}` on {}/{}; this is `{}` on {JOBS}/{GROUP}: resume it with that distgen, or start afresh",
                state.version,
                state.jobs,
                state.group,
                version()
            )));
        }
        let mut oracle = QueueOracle::attach(url, local, opts, state.run.clone())?;
        let ours = serde_json::json!({ "version": version(), "settings": oracle.local.settings });
        let (meta, done): (Option<String>, bool) = redis::pipe()
            .cmd("GET")
            .arg(meta_key(&state.run))
            .cmd("EXISTS")
            .arg(done_key(&state.run))
            .query(&mut oracle.con)
            .map_err(oracle.err("reading the run"))?;
        let warning = match meta {
            Some(theirs) => {
                let theirs: serde_json::Value = serde_json::from_str(&theirs)
                    .map_err(|e| refuse(format!("the run's description is not JSON: {e}")))?;
                if theirs != ours {
                    return Err(refuse(format!(
                        "run {} on the queue was started by another version or with other settings than the checkpoint's",
                        state.run
                    )));
                }
                oracle.cursor = state.cursor.clone();
                None
            }
            None => {
                let mut revive = redis::pipe();
                if done {
                    revive.cmd("DEL").arg(done_key(&state.run)).ignore();
                }
                revive
                    .cmd("SET")
                    .arg(meta_key(&state.run))
                    .arg(ours.to_string())
                    .ignore();
                revive
                    .query::<()>(&mut oracle.con)
                    .map_err(oracle.err("registering the run"))?;
                Some(format!(
                    "the queue no longer holds run {} (a restarted or another server?): going on with the checkpoint's {} verdicts, judging the rest again",
                    state.run,
                    state.verdicts.len()
                ))
            }
        };
        let saved = state.stats;
        oracle.stats = QueueStats {
            workers: saved.workers.into_iter().collect(),
            counts: saved.counts,
            ..QueueStats::default()
        };
        oracle.verdicts = state.verdicts.into_iter().collect();
        oracle.screens = state.screens.into_iter().collect();
        oracle.replay = Some((state.position, state.last_key));
        if warning.is_none() {
            // The verdicts written while the coordinator was away.
            loop {
                let entries = oracle.read_results(0)?;
                if entries.is_empty() {
                    break;
                }
                oracle.take_all(entries)?;
            }
            // The candidates still on the stream are not sent again; those
            // neither judged nor there (the stream was cleared) are.
            let queued = oracle.queued_keys()?;
            oracle.submitted.extend(
                state
                    .in_flight
                    .into_iter()
                    .filter(|k| !oracle.verdicts.contains_key(k) && queued.contains(k)),
            );
        }
        Ok((oracle, warning))
    }

    /// The keys of this run's candidates on the jobs stream (waiting or
    /// being judged: an entry leaves the stream when acknowledged).
    fn queued_keys(&mut self) -> Result<std::collections::HashSet<String>, QueueError> {
        let mut keys = std::collections::HashSet::new();
        let mut from = "-".to_string();
        loop {
            let reply: redis::streams::StreamRangeReply = redis::cmd("XRANGE")
                .arg(JOBS)
                .arg(&from)
                .arg("+")
                .arg("COUNT")
                .arg(1000)
                .query(&mut self.con)
                .map_err(self.err("reading the queued jobs"))?;
            let Some(last) = reply.ids.last() else {
                break;
            };
            from = format!("({}", last.id);
            for entry in &reply.ids {
                let text = entry.get::<String>("job").unwrap_or_default();
                if let Ok(job) = serde_json::from_str::<RunOnly>(&text) {
                    if job.run == self.run {
                        keys.extend(job.candidates.into_iter().map(|c| c.key));
                    }
                }
            }
        }
        Ok(keys)
    }
}
