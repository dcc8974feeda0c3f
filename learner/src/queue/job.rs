//! What travels on the queue: a job (a batch of candidates with the run's
//! settings), and what a worker answers (a verdict or a dead letter).
//!
//! Every message is JSON in one field of a stream entry. A job carries the
//! settings of its run's oracle (the configurations, the limits), so that a
//! worker cannot judge with other ones, and the version of distgen that
//! wrote it: a worker of another version dead-letters it instead of guessing.

use crate::oracle::Judgement;
pub use crate::oracle::Settings;
use dsl_core::ir::ProtocolIr;
use serde::{Deserialize, Serialize};

/// The version a job is written with and a worker accepts: distgen's
/// version and the format of the job.
pub fn version() -> String {
    format!("distgen {} job-format 1", env!("CARGO_PKG_VERSION"))
}

/// One protocol to judge.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidate {
    /// Its canonical key ([`crate::canonical::key`]); the worker checks it.
    pub key: String,
    /// The protocol.
    pub ir: ProtocolIr,
}

/// A batch of candidates of one run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Job {
    /// [`version`] of the coordinator that wrote it.
    pub version: String,
    /// The run it belongs to.
    pub run: String,
    /// How to judge.
    pub settings: Settings,
    /// What to judge, in the search's order.
    pub candidates: Vec<Candidate>,
}

/// The run a job belongs to, read from JSON that may not be a whole job
/// (to tell its coordinator about a job a worker cannot judge).
#[derive(Debug, Deserialize)]
pub struct RunOnly {
    /// The run.
    pub run: String,
    /// The keys of its candidates, if they can be read.
    #[serde(default)]
    pub candidates: Vec<KeyOnly>,
}

/// A candidate's key alone.
#[derive(Debug, Deserialize)]
pub struct KeyOnly {
    /// The canonical key.
    pub key: String,
}

/// A worker's answer about one candidate, on its run's results stream.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Answer {
    /// Judged.
    Verdict {
        /// The canonical key.
        key: String,
        /// The judgement.
        judgement: Judgement,
        /// The worker that judged it.
        worker: String,
        /// Whether the job had been delivered before (to a worker that
        /// died or stalled).
        redelivered: bool,
    },
    /// Not judged, and never will be: the job went to the dead letters.
    Dead {
        /// The canonical key.
        key: String,
        /// Why.
        reason: String,
        /// The worker that gave up.
        worker: String,
    },
}

/// An entry of the dead-letter list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadLetter {
    /// The stream entry's id.
    pub entry: String,
    /// Why it was not judged.
    pub reason: String,
    /// The worker that gave up.
    pub worker: String,
    /// The job as it was on the stream (possibly not JSON).
    pub job: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::LearnConfig;
    use crate::oracle::CheckerOracle;
    use dsl_core::ir::FaultModel;

    #[test]
    fn a_job_round_trips_and_judges_like_the_oracle() {
        use crate::oracle::Oracle;
        let config = LearnConfig::defaults(FaultModel::Crash);
        let mut oracle = CheckerOracle::new(&config).unwrap();
        let ir = dsl_core::syntax::parse_str(
            "A { faults: crash; messages: X;
                 on broadcast(m) { send X(m) to all; }
                 when received X(m) >= 1 { send X(m) to all; deliver(m); } }",
        )
        .unwrap();
        let job = Job {
            version: version(),
            run: "r".into(),
            settings: oracle.settings.clone(),
            candidates: vec![Candidate {
                key: crate::canonical::key(&ir),
                ir: ir.clone(),
            }],
        };
        let text = serde_json::to_string(&job).unwrap();
        let back: Job = serde_json::from_str(&text).unwrap();
        assert_eq!(back, job);
        let remote = back.settings.judge(&back.candidates[0].ir, 1);
        assert_eq!(remote, oracle.judge(&ir, false));
        let answer = Answer::Verdict {
            key: job.candidates[0].key.clone(),
            judgement: remote,
            worker: "w".into(),
            redelivered: false,
        };
        let text = serde_json::to_string(&answer).unwrap();
        assert_eq!(serde_json::from_str::<Answer>(&text).unwrap(), answer);
    }
}
