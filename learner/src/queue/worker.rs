//! `distgen worker`: reads jobs from the queue, judges them, writes the
//! verdicts and acknowledges.
//!
//! A worker reads new entries through the consumer group and, at most once
//! a second, claims entries idle longer than `claim_after` (those of a
//! worker that died). While it judges an entry a second connection keeps
//! the entry alive (`XCLAIM ... JUSTID` every third of `claim_after`), so a
//! judgement may take longer than `claim_after` without being taken over.
//! Nothing a job holds is trusted: one that does not parse, is of another
//! version, or names a candidate by a key that is not its canonical form is
//! dead-lettered with its reason, and so is an entry delivered more than
//! `max_deliveries` times (it killed or stalled that many workers).

use super::job::{version, Answer, DeadLetter, Job, RunOnly};
use super::{
    connect, done_key, redacted, results_key, verdicts_key, QueueError, DEAD, GROUP, JOBS,
};
use redis::streams::{StreamAutoClaimReply, StreamId, StreamPendingCountReply, StreamReadReply};
use redis::Connection;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How a worker works.
#[derive(Clone, Debug)]
pub struct WorkerOptions {
    /// Its consumer name in the group (unique per worker).
    pub name: String,
    /// Checker runs at once within one judgement.
    pub threads: usize,
    /// Entries idle longer than this are claimed from their worker.
    pub claim_after: Duration,
    /// An entry delivered more often than this is dead-lettered.
    pub max_deliveries: usize,
    /// A pause after each judgement (for tests that need a slow worker).
    pub pause: Duration,
}

/// What a worker did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WorkerStats {
    /// Entries read (new or claimed).
    pub entries: u64,
    /// Candidates judged.
    pub judged: u64,
    /// Candidates already judged (a duplicate delivery), skipped.
    pub duplicates: u64,
    /// Entries claimed from another worker.
    pub claimed: u64,
    /// Entries dead-lettered.
    pub dead: u64,
    /// Judgements that panicked (their entries left for redelivery).
    pub panics: u64,
}

/// A worker connected to its queue.
pub struct Worker {
    url: String,
    con: Connection,
    opts: WorkerOptions,
    /// The entry being judged, kept alive by the heartbeat.
    current: Arc<Mutex<Option<String>>>,
    /// What it did.
    pub stats: WorkerStats,
}

impl Worker {
    /// Connects to the queue at `url` (errors: a bad URL, a server down, a
    /// refused password).
    pub fn connect(url: &str, opts: WorkerOptions) -> Result<Worker, QueueError> {
        let con = connect(url)?;
        Ok(Worker {
            url: url.to_string(),
            con,
            opts,
            current: Arc::new(Mutex::new(None)),
            stats: WorkerStats::default(),
        })
    }

    fn err(&self, what: &'static str) -> impl FnOnce(redis::RedisError) -> QueueError {
        let url = redacted(&self.url);
        move |cause| QueueError::Redis { url, what, cause }
    }

    /// Works until `stop` is set, logging what is not ordinary (claims,
    /// duplicates, dead letters) through `log`.
    pub fn run(&mut self, stop: &AtomicBool, log: &mut dyn FnMut(&str)) -> Result<(), QueueError> {
        let heartbeat_stop = Arc::new(AtomicBool::new(false));
        let heartbeat = self.spawn_heartbeat(heartbeat_stop.clone())?;
        let result = self.work(stop, log);
        heartbeat_stop.store(true, Ordering::SeqCst);
        let _ = heartbeat.join();
        result
    }

    fn work(&mut self, stop: &AtomicBool, log: &mut dyn FnMut(&str)) -> Result<(), QueueError> {
        match self.work_until(stop, log) {
            // Ctrl-C interrupts a blocking read (before the handler's thread
            // sets `stop`): that is a stop, not an error.
            Err(e) => {
                std::thread::sleep(Duration::from_millis(200));
                if stop.load(Ordering::SeqCst) {
                    Ok(())
                } else {
                    Err(e)
                }
            }
            ok => ok,
        }
    }

    fn work_until(
        &mut self,
        stop: &AtomicBool,
        log: &mut dyn FnMut(&str),
    ) -> Result<(), QueueError> {
        let mut last_claim = Instant::now() - Duration::from_secs(3600);
        while !stop.load(Ordering::SeqCst) {
            if last_claim.elapsed() >= Duration::from_secs(1) {
                last_claim = Instant::now();
                if let Some(entry) = self.claim()? {
                    self.stats.claimed += 1;
                    let deliveries = self.deliveries(&entry.id)?;
                    log(&format!(
                        "claimed entry {} (delivered {deliveries} times)",
                        entry.id
                    ));
                    if deliveries > self.opts.max_deliveries {
                        let reason = format!(
                            "delivered {deliveries} times without an answer (it killed or stalled its workers)"
                        );
                        self.dead_letter(&entry.id, &raw_job(&entry), &reason, log)?;
                    } else {
                        self.handle(&entry, true, log)?;
                    }
                    continue;
                }
            }
            let reply: Option<StreamReadReply> = redis::cmd("XREADGROUP")
                .arg("GROUP")
                .arg(GROUP)
                .arg(&self.opts.name)
                .arg("COUNT")
                .arg(1)
                .arg("BLOCK")
                .arg(1000)
                .arg("STREAMS")
                .arg(JOBS)
                .arg(">")
                .query(&mut self.con)
                .map_err(self.err("reading jobs"))?;
            let entries = reply.into_iter().flat_map(|r| r.keys).flat_map(|k| k.ids);
            for entry in entries.collect::<Vec<_>>() {
                self.handle(&entry, false, log)?;
            }
        }
        Ok(())
    }

    /// One entry idle longer than `claim_after`, now ours.
    fn claim(&mut self) -> Result<Option<StreamId>, QueueError> {
        let reply: StreamAutoClaimReply = redis::cmd("XAUTOCLAIM")
            .arg(JOBS)
            .arg(GROUP)
            .arg(&self.opts.name)
            .arg(self.opts.claim_after.as_millis() as u64)
            .arg("0-0")
            .arg("COUNT")
            .arg(1)
            .query(&mut self.con)
            .map_err(self.err("claiming idle jobs"))?;
        Ok(reply.claimed.into_iter().next())
    }

    /// How many times the entry `id` was delivered.
    fn deliveries(&mut self, id: &str) -> Result<usize, QueueError> {
        let reply: StreamPendingCountReply = redis::cmd("XPENDING")
            .arg(JOBS)
            .arg(GROUP)
            .arg(id)
            .arg(id)
            .arg(1)
            .query(&mut self.con)
            .map_err(self.err("reading a job's deliveries"))?;
        Ok(reply.ids.first().map_or(1, |p| p.times_delivered))
    }

    /// A thread that keeps the current entry alive.
    fn spawn_heartbeat(
        &self,
        stop: Arc<AtomicBool>,
    ) -> Result<std::thread::JoinHandle<()>, QueueError> {
        let mut con = connect(&self.url)?;
        let current = self.current.clone();
        let name = self.opts.name.clone();
        let every = (self.opts.claim_after / 3).max(Duration::from_millis(100));
        Ok(std::thread::spawn(move || {
            let mut last = Instant::now();
            while !stop.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(50));
                if last.elapsed() < every {
                    continue;
                }
                last = Instant::now();
                let id = current.lock().map(|c| c.clone()).unwrap_or(None);
                if let Some(id) = id {
                    // Resets the entry's idle time; the delivery count stays.
                    let _: redis::RedisResult<redis::Value> = redis::cmd("XCLAIM")
                        .arg(JOBS)
                        .arg(GROUP)
                        .arg(&name)
                        .arg(0)
                        .arg(&id)
                        .arg("JUSTID")
                        .query(&mut con);
                }
            }
        }))
    }

    fn set_current(&self, id: Option<&str>) {
        if let Ok(mut c) = self.current.lock() {
            *c = id.map(str::to_string);
        }
    }

    /// Judges the candidates of one entry, then acknowledges it.
    fn handle(
        &mut self,
        entry: &StreamId,
        redelivered: bool,
        log: &mut dyn FnMut(&str),
    ) -> Result<(), QueueError> {
        self.stats.entries += 1;
        let raw = raw_job(entry);
        let job: Job = match serde_json::from_str(&raw) {
            Ok(job) => job,
            Err(e) => {
                let reason = format!("malformed job: {e}");
                return self.dead_letter(&entry.id, &raw, &reason, log);
            }
        };
        if job.version != version() {
            let reason = format!(
                "job written by `{}`, this worker is `{}`",
                job.version,
                version()
            );
            return self.dead_letter(&entry.id, &raw, &reason, log);
        }
        if let Some(c) = job
            .candidates
            .iter()
            .find(|c| crate::canonical::key(&c.ir) != c.key)
        {
            let reason = format!(
                "candidate key `{}` is not its protocol's canonical key",
                c.key
            );
            return self.dead_letter(&entry.id, &raw, &reason, log);
        }
        let verdicts = verdicts_key(&job.run);
        let mut ask = redis::pipe();
        ask.cmd("EXISTS").arg(done_key(&job.run));
        ask.cmd("HMGET").arg(&verdicts);
        for c in &job.candidates {
            ask.arg(&c.key);
        }
        let (done, judged): (bool, Vec<Option<String>>) = ask
            .query(&mut self.con)
            .map_err(self.err("reading a run's verdicts"))?;
        if !done {
            self.set_current(Some(&entry.id));
            let mut answers = Vec::new();
            for (c, judged) in job.candidates.iter().zip(judged) {
                if judged.is_some() {
                    self.stats.duplicates += 1;
                    log(&format!("already judged, skipped: {}", c.key));
                    continue;
                }
                let threads = self.opts.threads;
                let judged = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    job.settings.judge(&c.ir, threads)
                }));
                let Ok(judgement) = judged else {
                    // (Out of threads, say.) Left pending: claimed again after
                    // `claim_after`, dead-lettered after `max_deliveries`.
                    self.set_current(None);
                    self.stats.panics += 1;
                    log(&format!(
                        "judging {} panicked; entry {} left for redelivery",
                        c.key, entry.id
                    ));
                    return Ok(());
                };
                if !self.opts.pause.is_zero() {
                    std::thread::sleep(self.opts.pause);
                }
                answers.push(Answer::Verdict {
                    key: c.key.clone(),
                    judgement,
                    worker: self.opts.name.clone(),
                    redelivered,
                });
            }
            self.set_current(None);
            self.publish(&job.run, &answers, log)?;
        }
        self.ack(&entry.id)
    }

    /// Stores each verdict under its key and announces it on the run's
    /// results stream, both at once (a Lua script: a worker that dies
    /// cannot leave a verdict stored but not announced), unless the key has
    /// a verdict already (then nothing: it was announced) or the run ended
    /// meanwhile (then nothing: its keys stay deleted).
    fn publish(
        &mut self,
        run: &str,
        answers: &[Answer],
        log: &mut dyn FnMut(&str),
    ) -> Result<(), QueueError> {
        const STORE_AND_ANNOUNCE: &str =
            "if redis.call('EXISTS', KEYS[3]) == 1 then return -1 end \
             if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 1 then \
             redis.call('XADD', KEYS[2], '*', 'answer', ARGV[3]) return 1 end return 0";
        if answers.is_empty() {
            return Ok(());
        }
        let mut pipe = redis::pipe();
        for answer in answers {
            let Answer::Verdict { key, judgement, .. } = answer else {
                continue;
            };
            let verdict = self.json(judgement)?;
            let text = self.json(answer)?;
            pipe.cmd("EVAL")
                .arg(STORE_AND_ANNOUNCE)
                .arg(3)
                .arg(verdicts_key(run))
                .arg(results_key(run))
                .arg(done_key(run))
                .arg(key)
                .arg(verdict)
                .arg(text);
        }
        let firsts: Vec<i64> = pipe
            .query(&mut self.con)
            .map_err(self.err("writing verdicts"))?;
        for (answer, first) in answers.iter().zip(firsts) {
            if first != 0 {
                self.stats.judged += 1;
            } else if let Answer::Verdict { key, .. } = answer {
                self.stats.duplicates += 1;
                log(&format!("judged by another worker meanwhile: {key}"));
            }
        }
        Ok(())
    }

    fn json<T: serde::Serialize>(&self, value: &T) -> Result<String, QueueError> {
        super::to_json(&self.url, "JSON", value)
    }

    fn announce(&mut self, run: &str, answer: &Answer) -> Result<(), QueueError> {
        let text = self.json(answer)?;
        redis::cmd("XADD")
            .arg(results_key(run))
            .arg("*")
            .arg("answer")
            .arg(text)
            .query::<String>(&mut self.con)
            .map_err(self.err("writing an answer"))?;
        Ok(())
    }

    fn ack(&mut self, id: &str) -> Result<(), QueueError> {
        redis::pipe()
            .cmd("XACK")
            .arg(JOBS)
            .arg(GROUP)
            .arg(id)
            .ignore()
            .cmd("XDEL")
            .arg(JOBS)
            .arg(id)
            .ignore()
            .query::<()>(&mut self.con)
            .map_err(self.err("acknowledging a job"))
    }

    /// Puts the entry `id` on the dead-letter list with `reason`, tells its
    /// run (when the job names one), and acknowledges it.
    fn dead_letter(
        &mut self,
        id: &str,
        raw: &str,
        reason: &str,
        log: &mut dyn FnMut(&str),
    ) -> Result<(), QueueError> {
        self.stats.dead += 1;
        log(&format!("dead-lettered entry {id}: {reason}"));
        let letter = DeadLetter {
            entry: id.to_string(),
            reason: reason.to_string(),
            worker: self.opts.name.clone(),
            job: raw.to_string(),
        };
        let text = super::to_json(&self.url, "a dead letter", &letter)?;
        redis::cmd("RPUSH")
            .arg(DEAD)
            .arg(text)
            .query::<i64>(&mut self.con)
            .map_err(self.err("writing a dead letter"))?;
        if let Ok(job) = serde_json::from_str::<RunOnly>(raw) {
            for c in &job.candidates {
                let answer = Answer::Dead {
                    key: c.key.clone(),
                    reason: reason.to_string(),
                    worker: self.opts.name.clone(),
                };
                self.announce(&job.run, &answer)?;
            }
        }
        self.ack(id)
    }
}

/// The `job` field of an entry (empty when missing or not text).
fn raw_job(entry: &StreamId) -> String {
    entry.get::<String>("job").unwrap_or_default()
}
