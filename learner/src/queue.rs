//! The oracle's judgements on a work queue: Redis Streams with a consumer
//! group (`distgen worker`, `distgen learn --queue`).
//!
//! The coordinator ([`coordinator::QueueOracle`]) is an [`crate::oracle::Oracle`]
//! whose training judgements are made by workers: it adds jobs (batches of
//! candidates in the search's order, [`job::Job`]) to the stream
//! [`JOBS`]; any number of workers ([`worker`]) read them through the
//! consumer group [`GROUP`], judge each candidate with the job's settings,
//! store the verdict under the candidate's canonical key in the run's
//! verdict hash (first writer wins, so a duplicate delivery is judged once)
//! and announce it on the run's results stream, then acknowledge. A worker
//! keeps the entry it is judging alive ([`XCLAIM`]`... JUSTID`), and claims
//! entries idle longer than its `claim_after` ([`XAUTOCLAIM`]): those of a
//! worker that died. An entry delivered more than `max_deliveries` times,
//! a job that does not parse, or one of another version of distgen goes to
//! the dead-letter list [`DEAD`] with its reason, and its run hears about
//! it (its candidates count as unknown, as a run cut by a limit does).
//!
//! The search keeps its order: it tells the oracle which protocols it will
//! judge next ([`crate::oracle::Oracle::prefetch`]) and takes the verdicts in
//! its own order, so the answer and the counts are those of the in-process
//! search.
//!
//! A coordinator stopped mid-search leaves its run on the queue, and its
//! checkpoint names what it relies on there; resumed, it goes on with the
//! same run and reuses the verdicts written meanwhile ([`resume`]).
//!
//! [`XCLAIM`]: https://redis.io/docs/latest/commands/xclaim/
//! [`XAUTOCLAIM`]: https://redis.io/docs/latest/commands/xautoclaim/

pub mod coordinator;
pub mod job;
pub mod resume;
pub mod worker;

use std::time::Duration;

/// The stream of jobs.
pub const JOBS: &str = "distgen:jobs";
/// The consumer group of the workers.
pub const GROUP: &str = "distgen-workers";
/// The dead-letter list (JSON [`job::DeadLetter`]s).
pub const DEAD: &str = "distgen:dead";

/// The verdict hash of a run (canonical key to JSON judgement).
pub fn verdicts_key(run: &str) -> String {
    format!("distgen:run:{run}:verdicts")
}

/// The results stream of a run (JSON [`job::Answer`]s).
pub fn results_key(run: &str) -> String {
    format!("distgen:run:{run}:results")
}

/// What a run is: the version of distgen and the settings it judges with
/// (JSON), so that a resumed coordinator finds its own run.
pub fn meta_key(run: &str) -> String {
    format!("distgen:run:{run}:meta")
}

/// Set when a run is over: its jobs left on the stream are dropped.
pub fn done_key(run: &str) -> String {
    format!("distgen:run:{run}:done")
}

/// What can go wrong with the queue.
#[derive(Debug, thiserror::Error)]
pub enum QueueError {
    /// The URL does not parse.
    #[error("bad queue URL `{url}`: {cause} (expected redis://HOST:PORT/ or redis://:PASSWORD@HOST:PORT/)")]
    Url {
        /// The URL (without its password).
        url: String,
        /// Why (shown in the message, not chained: one line).
        cause: redis::RedisError,
    },
    /// The server cannot be reached, refused the password, or failed.
    #[error("queue at {url}: {what}: {cause}")]
    Redis {
        /// The URL (without its password).
        url: String,
        /// What was being done.
        what: &'static str,
        /// Why (shown in the message, not chained: one line).
        cause: redis::RedisError,
    },
    /// A reply or message that does not make sense.
    #[error("queue at {url}: {what}")]
    Protocol {
        /// The URL (without its password).
        url: String,
        /// What.
        what: String,
    },
}

/// The URL without its password, for messages.
pub fn redacted(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            format!("{}://***@{}", &url[..scheme], &url[at + 1..])
        }
        _ => url.to_string(),
    }
}

/// `value` as JSON for the queue at `url`; the error says what was being
/// written (`what`).
pub fn to_json<T: serde::Serialize>(
    url: &str,
    what: &str,
    value: &T,
) -> Result<String, QueueError> {
    serde_json::to_string(value).map_err(|e| QueueError::Protocol {
        url: redacted(url),
        what: format!("writing {what}: {e}"),
    })
}

/// A connection to the queue at `url`, checked with a `PING` (which also
/// checks the password), and the consumer group created if missing. A
/// refused connection is tried again for 3 s (a server still starting).
pub fn connect(url: &str) -> Result<redis::Connection, QueueError> {
    let shown = redacted(url);
    let client = redis::Client::open(url).map_err(|cause| QueueError::Url {
        url: shown.clone(),
        cause,
    })?;
    let redis_err = |what| {
        let url = shown.clone();
        move |cause| QueueError::Redis { url, what, cause }
    };
    // A server started a moment ago (`--daemonize yes` returns before it
    // listens) refuses connections for a little while: try for 3 s.
    let deadline = std::time::Instant::now() + Duration::from_secs(3);
    let mut con = loop {
        match client.get_connection_with_timeout(Duration::from_secs(5)) {
            Err(e) if e.is_connection_refusal() && std::time::Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(100));
            }
            other => break other.map_err(redis_err("connecting"))?,
        }
    };
    con.set_read_timeout(Some(Duration::from_secs(30)))
        .map_err(redis_err("setting a read timeout"))?;
    con.set_write_timeout(Some(Duration::from_secs(30)))
        .map_err(redis_err("setting a write timeout"))?;
    redis::cmd("PING")
        .query::<String>(&mut con)
        .map_err(redis_err("PING"))?;
    let created: redis::RedisResult<String> = redis::cmd("XGROUP")
        .arg("CREATE")
        .arg(JOBS)
        .arg(GROUP)
        .arg("0")
        .arg("MKSTREAM")
        .query(&mut con);
    match created {
        Ok(_) => {}
        Err(e) if e.code() == Some("BUSYGROUP") => {}
        Err(cause) => {
            return Err(QueueError::Redis {
                url: shown,
                what: "creating the consumer group",
                cause,
            })
        }
    }
    Ok(con)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_stay_out_of_messages() {
        assert_eq!(
            redacted("redis://:secret@10.0.0.1:6379/"),
            "redis://***@10.0.0.1:6379/"
        );
        assert_eq!(
            redacted("redis://127.0.0.1:6379/"),
            "redis://127.0.0.1:6379/"
        );
    }

    #[test]
    fn a_bad_url_is_an_error_not_a_panic() {
        let e = connect("http://nowhere").err().expect("an error");
        assert!(matches!(e, QueueError::Url { .. }), "{e}");
        assert!(!e.to_string().contains('\n'));
    }
}
