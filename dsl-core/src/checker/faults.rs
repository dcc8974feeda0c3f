//! Who is faulty in a configuration, and how (see [`super::Scenario`]).

use super::{Config, Scenario};
use crate::semantics::{ProcId, ProcSet};

/// The faulty processes of one configuration.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Faulty {
    /// Number of processes.
    pub n: usize,
    /// The Byzantine processes.
    pub byzantine: ProcSet,
    /// How many processes may crash.
    pub crashes: usize,
    /// Whether process 0 is correct and broadcasts value 0 at the start.
    pub broadcaster_correct: bool,
}

impl Faulty {
    /// The faulty processes of `config`.
    pub fn of(config: &Config) -> Faulty {
        let (n, f) = (config.n, config.f.min(config.n));
        let range = |lo: usize, hi: usize| (lo..hi).fold(0, |set: ProcSet, p| set | 1 << p);
        match config.scenario {
            Scenario::FailureFree => Faulty {
                n,
                byzantine: 0,
                crashes: 0,
                broadcaster_correct: true,
            },
            Scenario::Crashes => Faulty {
                n,
                byzantine: 0,
                crashes: f,
                broadcaster_correct: true,
            },
            Scenario::Byzantine => Faulty {
                n,
                byzantine: range(n - f, n),
                crashes: 0,
                broadcaster_correct: false,
            },
            Scenario::CorrectBroadcaster => Faulty {
                n,
                byzantine: range(n - f, n),
                crashes: 0,
                broadcaster_correct: true,
            },
            Scenario::ByzantineBroadcaster => Faulty {
                n,
                byzantine: if f == 0 { 0 } else { 1 | range(n - f + 1, n) },
                crashes: 0,
                broadcaster_correct: f == 0,
            },
        }
    }

    /// Whether `p` is Byzantine.
    pub fn is_byzantine(&self, p: ProcId) -> bool {
        self.byzantine & (1 << p) != 0
    }

    /// The Byzantine processes other than the broadcaster, in increasing order.
    pub fn byzantine_others(&self) -> Vec<ProcId> {
        (1..self.n).filter(|&p| self.is_byzantine(p)).collect()
    }

    /// The correct processes other than the broadcaster: they all play the same
    /// role, so any permutation of them maps executions to executions.
    pub fn symmetric(&self) -> Vec<ProcId> {
        (1..self.n).filter(|&p| !self.is_byzantine(p)).collect()
    }
}
