//! The coordinator's side: an oracle whose training judgements are made by
//! workers on the queue, in the order the search asks for them.
//!
//! The search tells the oracle which protocols it will judge next
//! ([`Oracle::prefetch`], up to [`QueueOptions::window`] ahead); they go to
//! the queue in jobs of [`QueueOptions::batch`] candidates. When the search
//! asks for a judgement, the oracle flushes what is pending and reads the
//! run's results stream until that protocol's verdict is there. The
//! exhaustive judgements (re-validation, screening) stay on this machine.
//!
//! A coordinator watching a stop flag ([`QueueOracle::watch`]) can be
//! stopped mid-search and resumed ([`super::resume`]): it then leaves its
//! run on the queue, where workers go on judging its jobs.

use super::job::{version, Answer, Candidate, Job};
use super::{connect, done_key, meta_key, redacted, results_key, verdicts_key, QueueError, JOBS};
use crate::oracle::{CheckerOracle, ConfigOutcome, ConfigVerdict, Judgement, Oracle};
use dsl_core::ir::ProtocolIr;
use redis::streams::StreamReadReply;
use redis::Connection;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How the coordinator uses the queue.
#[derive(Clone, Copy, Debug)]
pub struct QueueOptions {
    /// Candidates per job.
    pub batch: usize,
    /// How many judgements ahead of the search may be on the queue.
    pub window: usize,
    /// After this long without an answer, say so (and again each time).
    pub patience: Duration,
}

impl Default for QueueOptions {
    fn default() -> Self {
        QueueOptions {
            batch: 8,
            window: 256,
            patience: Duration::from_secs(10),
        }
    }
}

/// What went through the queue for a run: the counters a checkpoint keeps
/// (in [`super::resume::SavedStats`]) and a resumed run goes on from.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueCounts {
    /// Jobs sent.
    pub jobs: u64,
    /// Candidates sent.
    pub candidates: u64,
    /// Verdicts received.
    pub verdicts: u64,
    /// Verdicts of jobs delivered more than once.
    pub redeliveries: u64,
    /// Candidates dead-lettered: their key and why.
    pub dead_letters: Vec<(String, String)>,
}

/// What the queue did for a run.
#[derive(Clone, Debug, Default)]
pub struct QueueStats {
    /// Workers that answered.
    pub workers: BTreeSet<String>,
    /// Jobs, candidates and verdicts.
    pub counts: QueueCounts,
    /// Time spent waiting for verdicts.
    pub waiting: Duration,
    /// Time spent judging on the coordinator (at the smallest size,
    /// screens, re-validation).
    pub local: Duration,
    /// Of which screening and re-validating (every configuration).
    pub revalidating: Duration,
    /// When the first job was sent.
    pub started: Option<Instant>,
}

impl QueueStats {
    /// Verdicts per second since the first job.
    pub fn per_second(&self) -> f64 {
        let secs = self.started.map_or(0.0, |s| s.elapsed().as_secs_f64());
        if secs > 0.0 {
            self.counts.verdicts as f64 / secs
        } else {
            0.0
        }
    }

    /// `2 workers seen, 1496 judgements (812/s), 0 redeliveries, 0 dead
    /// letters, 0.4 s judging on the coordinator (0.3 s re-validating)`.
    pub fn line(&self) -> String {
        format!(
            "{} workers seen, {} judgements ({:.0}/s), {} redeliveries, {} dead letters, {:.1} s judging on the coordinator ({:.1} s re-validating)",
            self.workers.len(),
            self.counts.verdicts,
            self.per_second(),
            self.counts.redeliveries,
            self.counts.dead_letters.len(),
            self.local.as_secs_f64(),
            self.revalidating.as_secs_f64()
        )
    }
}

/// What the coordinator tells its user while it runs.
pub enum Notice<'a> {
    /// New verdicts arrived.
    Progress(&'a QueueStats),
    /// No answer for this long.
    Waiting(Duration),
    /// A candidate was dead-lettered.
    Dead {
        /// Its key.
        key: &'a str,
        /// Why.
        reason: &'a str,
    },
}

/// An oracle on the queue (see the module doc).
pub struct QueueOracle {
    /// The local oracle: its settings go with every job; it makes the
    /// exhaustive judgements.
    pub local: CheckerOracle,
    pub(super) url: String,
    pub(super) con: Connection,
    pub(super) run: String,
    opts: QueueOptions,
    pending: Vec<Candidate>,
    pub(super) submitted: HashSet<String>,
    pub(super) verdicts: HashMap<String, Judgement>,
    /// Screens made on this machine, by key.
    pub(super) screens: HashMap<String, bool>,
    /// The results stream read up to here.
    pub(super) cursor: String,
    failure: Option<String>,
    finished: bool,
    /// What the queue did.
    pub stats: QueueStats,
    notice: Box<dyn FnMut(Notice<'_>)>,
    last_notice: Instant,
    /// The stop flag watched, and whether a stop ends a wait at once.
    stop: Option<(Arc<AtomicBool>, bool)>,
    /// A wait was cut by the stop flag: the search's position is
    /// [`QueueOracle::taken`].
    pub(super) stopped: bool,
    /// Training judgements the search has taken, in its order, and the key
    /// of the last (its position, for a resume).
    pub(super) taken: (u64, Option<String>),
    /// The position a resumed search must pass through, and the key there.
    pub(super) replay: Option<(u64, Option<String>)>,
}

impl QueueOracle {
    /// Connects to the queue at `url` for a new run judged with `local`'s
    /// settings (errors: a bad URL, a server down, a refused password).
    pub fn connect(
        url: &str,
        local: CheckerOracle,
        opts: QueueOptions,
    ) -> Result<QueueOracle, QueueError> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let run = format!("{nanos:x}-{}", std::process::id());
        let mut oracle = QueueOracle::attach(url, local, opts, run)?;
        let meta = serde_json::json!({ "version": version(), "settings": oracle.local.settings });
        redis::cmd("SET")
            .arg(meta_key(&oracle.run))
            .arg(meta.to_string())
            .query::<()>(&mut oracle.con)
            .map_err(oracle.err("registering the run"))?;
        Ok(oracle)
    }

    /// Connects to the queue at `url` for the run `run` (new or resumed).
    pub(super) fn attach(
        url: &str,
        local: CheckerOracle,
        opts: QueueOptions,
        run: String,
    ) -> Result<QueueOracle, QueueError> {
        let con = connect(url)?;
        Ok(QueueOracle {
            local,
            url: url.to_string(),
            con,
            run,
            opts: QueueOptions {
                batch: opts.batch.max(1),
                window: opts.window.max(1),
                ..opts
            },
            pending: Vec::new(),
            submitted: HashSet::new(),
            verdicts: HashMap::new(),
            screens: HashMap::new(),
            cursor: "0-0".into(),
            failure: None,
            finished: false,
            stats: QueueStats::default(),
            notice: Box::new(|_| {}),
            last_notice: Instant::now(),
            stop: None,
            stopped: false,
            taken: (0, None),
            replay: None,
        })
    }

    /// Watches `stop` (Ctrl-C). With `interrupt` (the exhaustive search,
    /// which can be resumed from its position), a stop ends a wait for a
    /// verdict at once; otherwise (training, whose episode needs its
    /// verdict) the wait goes on for [`QueueOptions::patience`] more, then
    /// fails. A failure of the queue sets `stop` too, so that training ends.
    pub fn watch(&mut self, stop: Arc<AtomicBool>, interrupt: bool) {
        self.stop = Some((stop, interrupt));
    }

    /// Records a failure (and sets the stop flag).
    pub(super) fn fail(&mut self, why: String) {
        if let Some((s, _)) = &self.stop {
            s.store(true, Ordering::SeqCst);
        }
        self.failure = Some(why);
    }

    /// Where progress, waits and dead letters are told.
    pub fn on_notice(&mut self, notice: impl FnMut(Notice<'_>) + 'static) {
        self.notice = Box::new(notice);
    }

    /// The run's id on the queue.
    pub fn run_id(&self) -> &str {
        &self.run
    }

    pub(super) fn err(&self, what: &'static str) -> impl FnOnce(redis::RedisError) -> QueueError {
        let url = redacted(&self.url);
        move |cause| QueueError::Redis { url, what, cause }
    }

    /// The keys queued but not yet sent.
    pub(super) fn pending_keys(&self) -> HashSet<&String> {
        self.pending.iter().map(|c| &c.key).collect()
    }

    /// Queues `ir` unless it is queued or judged already.
    fn enqueue(&mut self, ir: &ProtocolIr) -> String {
        let key = crate::canonical::key(ir);
        if !self.verdicts.contains_key(&key) && self.submitted.insert(key.clone()) {
            self.pending.push(Candidate {
                key: key.clone(),
                ir: ir.clone(),
            });
        }
        key
    }

    /// Sends the pending candidates as jobs.
    fn flush(&mut self) -> Result<(), QueueError> {
        while !self.pending.is_empty() {
            let take = self.pending.len().min(self.opts.batch);
            let candidates: Vec<Candidate> = self.pending.drain(..take).collect();
            self.stats.counts.candidates += candidates.len() as u64;
            let job = Job {
                version: version(),
                run: self.run.clone(),
                settings: self.local.settings.clone(),
                candidates,
            };
            let text = super::to_json(&self.url, "a job", &job)?;
            redis::cmd("XADD")
                .arg(JOBS)
                .arg("*")
                .arg("job")
                .arg(text)
                .query::<String>(&mut self.con)
                .map_err(self.err("sending a job"))?;
            self.stats.counts.jobs += 1;
            self.stats.started.get_or_insert_with(Instant::now);
        }
        Ok(())
    }

    /// Reads answers until the verdict of `key` is there (`None`: the stop
    /// flag cut the wait).
    fn wait_for(&mut self, key: &str) -> Result<Option<Judgement>, QueueError> {
        let start = Instant::now();
        let mut quiet_since = Instant::now();
        let mut told = Duration::ZERO;
        let mut stopped_at: Option<Instant> = None;
        let mut retried = false;
        loop {
            if let Some(j) = self.verdicts.get(key) {
                self.stats.waiting += start.elapsed();
                return Ok(Some(j.clone()));
            }
            if let Some((stop, interrupt)) = &self.stop {
                if stop.load(Ordering::SeqCst) {
                    let since = *stopped_at.get_or_insert_with(Instant::now);
                    if *interrupt {
                        return Ok(None);
                    }
                    if since.elapsed() >= self.opts.patience {
                        return Err(QueueError::Protocol {
                            url: redacted(&self.url),
                            what: format!("stopped while waiting for the verdict of {key}"),
                        });
                    }
                }
            }
            let entries = match self.read_results(1000) {
                Ok(entries) => entries,
                // Ctrl-C cuts a blocking read (before the handler's thread
                // sets the flag): a stop, or a read to try again.
                Err(e) => {
                    std::thread::sleep(Duration::from_millis(200));
                    if self
                        .stop
                        .as_ref()
                        .is_some_and(|(s, i)| *i && s.load(Ordering::SeqCst))
                    {
                        continue;
                    }
                    if retried {
                        return Err(e);
                    }
                    retried = true;
                    self.con = connect(&self.url).map_err(|_| e)?;
                    continue;
                }
            };
            retried = false;
            if entries.is_empty() {
                let quiet = quiet_since.elapsed();
                if quiet >= told + self.opts.patience {
                    told = quiet;
                    (self.notice)(Notice::Waiting(quiet));
                }
                continue;
            }
            quiet_since = Instant::now();
            told = Duration::ZERO;
            self.take_all(entries)?;
            if self.last_notice.elapsed() >= Duration::from_millis(500) {
                self.last_notice = Instant::now();
                (self.notice)(Notice::Progress(&self.stats));
            }
        }
    }

    /// The run's answers after the cursor (waiting up to `block_ms` for
    /// one; 0: not at all).
    pub(super) fn read_results(
        &mut self,
        block_ms: u64,
    ) -> Result<Vec<redis::streams::StreamId>, QueueError> {
        let mut read = redis::cmd("XREAD");
        read.arg("COUNT").arg(1000);
        if block_ms > 0 {
            read.arg("BLOCK").arg(block_ms);
        }
        let reply: Option<StreamReadReply> = read
            .arg("STREAMS")
            .arg(results_key(&self.run))
            .arg(&self.cursor)
            .query(&mut self.con)
            .map_err(self.err("reading verdicts"))?;
        Ok(reply
            .into_iter()
            .flat_map(|r| r.keys)
            .flat_map(|k| k.ids)
            .collect())
    }

    /// Records answers read from the results stream, moving the cursor.
    pub(super) fn take_all(
        &mut self,
        entries: Vec<redis::streams::StreamId>,
    ) -> Result<(), QueueError> {
        for entry in entries {
            self.cursor = entry.id.clone();
            let text = entry.get::<String>("answer").unwrap_or_default();
            let answer: Answer = serde_json::from_str(&text).map_err(|e| QueueError::Protocol {
                url: redacted(&self.url),
                what: format!("a malformed answer on the results stream: {e}"),
            })?;
            self.take(answer);
        }
        Ok(())
    }

    /// Records one answer (the first for a key counts).
    fn take(&mut self, answer: Answer) {
        match answer {
            Answer::Verdict {
                key,
                judgement,
                worker,
                redelivered,
            } => {
                self.stats.workers.insert(worker);
                if self.verdicts.contains_key(&key) {
                    return;
                }
                self.stats.counts.verdicts += 1;
                if redelivered {
                    self.stats.counts.redeliveries += 1;
                }
                self.verdicts.insert(key, judgement);
            }
            Answer::Dead { key, reason, .. } => {
                if self.verdicts.contains_key(&key) {
                    return;
                }
                (self.notice)(Notice::Dead {
                    key: &key,
                    reason: &reason,
                });
                let first = self.local.settings.training.first();
                let outcomes = first
                    .map(|c| ConfigOutcome {
                        n: c.n,
                        f: c.f,
                        scenario: c.scenario,
                        verdict: ConfigVerdict::Unknown {
                            reason: format!("dead-lettered: {reason}"),
                        },
                        states: 0,
                    })
                    .into_iter()
                    .collect();
                let judgement =
                    Judgement::from_outcomes(self.local.settings.training.len(), outcomes);
                self.stats.counts.dead_letters.push((key.clone(), reason));
                self.verdicts.insert(key, judgement);
            }
        }
    }

    /// Ends the run on the queue: workers drop its jobs still queued; its
    /// verdicts and results are deleted. Done once (also on drop).
    pub fn finish(&mut self) {
        if self.finished {
            return;
        }
        self.finished = true;
        let _: redis::RedisResult<()> = redis::pipe()
            .cmd("SET")
            .arg(done_key(&self.run))
            .arg(1)
            .arg("EX")
            .arg(86_400)
            .ignore()
            .cmd("DEL")
            .arg(verdicts_key(&self.run))
            .arg(results_key(&self.run))
            .arg(meta_key(&self.run))
            .ignore()
            .query(&mut self.con);
    }

    pub(super) fn unknown(&self, reason: &str) -> Judgement {
        Judgement::from_outcomes(
            self.local.settings.training.len(),
            vec![ConfigOutcome {
                n: 0,
                f: 0,
                scenario: dsl_core::checker::Scenario::FailureFree,
                verdict: ConfigVerdict::Unknown {
                    reason: reason.to_string(),
                },
                states: 0,
            }],
        )
    }
}

impl Drop for QueueOracle {
    /// Ends the run, unless it was stopped to be resumed.
    fn drop(&mut self) {
        if !self.stopped {
            self.finish();
        }
    }
}

impl Oracle for QueueOracle {
    /// The all-N check runs here, on the coordinator, like the
    /// re-validation (one TACO call per canonical form, cached there).
    fn all_n(&mut self, ir: &ProtocolIr) -> crate::all_n::AllN {
        self.local.all_n(ir)
    }

    fn judge(&mut self, ir: &ProtocolIr, exhaustive: bool) -> Judgement {
        if exhaustive {
            let start = Instant::now();
            let j = self.local.judge(ir, true);
            self.stats.local += start.elapsed();
            self.stats.revalidating += start.elapsed();
            return j;
        }
        if let Some(f) = &self.failure {
            let f = f.clone();
            return self.unknown(&f);
        }
        if self.stopped {
            return self.unknown("stopped");
        }
        let key = self.enqueue(ir);
        match self.flush().and_then(|()| self.wait_for(&key)) {
            Ok(Some(j)) => {
                self.take_position(&key);
                j
            }
            Ok(None) => {
                self.stopped = true;
                self.unknown("stopped")
            }
            Err(e) => {
                let f = e.to_string();
                self.fail(f.clone());
                self.unknown(&f)
            }
        }
    }

    /// Cached by key: a resumed search screens nothing twice.
    fn screen(&mut self, ir: &ProtocolIr) -> bool {
        let key = crate::canonical::key(ir);
        if let Some(&holds) = self.screens.get(&key) {
            return holds;
        }
        let start = Instant::now();
        let holds = self.local.screen(ir);
        self.stats.local += start.elapsed();
        self.stats.revalidating += start.elapsed();
        self.screens.insert(key, holds);
        holds
    }

    fn training_is_final(&self) -> bool {
        self.local.training_is_final()
    }

    fn judge_smallest(&mut self, ir: &ProtocolIr) -> Judgement {
        let start = Instant::now();
        let j = self.local.judge_smallest(ir);
        self.stats.local += start.elapsed();
        j
    }

    fn lookahead(&self) -> usize {
        self.opts.window
    }

    fn prefetch(&mut self, irs: &[ProtocolIr]) {
        if self.failure.is_some() || self.stopped {
            return;
        }
        for ir in irs {
            self.enqueue(ir);
        }
        if self.pending.len() >= self.opts.batch {
            // Full jobs only; the rest goes when the search needs it.
            let keep = self.pending.len() % self.opts.batch;
            let rest = self.pending.split_off(self.pending.len() - keep);
            if let Err(e) = self.flush() {
                self.fail(e.to_string());
            }
            self.pending = rest;
        }
    }

    fn failure(&self) -> Option<String> {
        self.failure.clone()
    }
}
