//! The choice of the protocol a run settles on: the re-validation of the
//! best verified candidates over every configuration with the re-validation
//! limits, the `one_step:` claim of a consensus candidate, and the
//! parameterized ("all N") check that can still reject a candidate.

use crate::all_n::AllN;
use crate::oracle::{Judgement, Oracle};
use crate::train::Learner;
use dsl_core::ir::ProtocolIr;
use dsl_core::metrics::Metrics;
use serde::{Deserialize, Serialize};

/// The protocol a run settles on.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Best {
    /// The protocol.
    pub ir: ProtocolIr,
    /// Sum of its action costs.
    pub cost: f64,
    /// The training episode it was first found in; `None` if only the greedy
    /// episode found it.
    pub first_episode: Option<usize>,
    /// The exhaustive re-validation over every configuration.
    pub revalidation: Judgement,
    /// The parameterized check for every N (see [`Learner::check_all_n`]).
    pub all_n: AllN,
    /// Thresholds it uses that are not in the classic list
    /// ([`crate::thresholds::CLASSIC`]), printed.
    pub new_thresholds: Vec<String>,
    /// Metrics of the failure-free run at each (N, F) checked.
    pub metrics: Vec<Metrics>,
}

/// A verified protocol up for re-validation.
#[derive(Clone, Debug, PartialEq)]
pub struct Candidate {
    /// The protocol.
    pub ir: ProtocolIr,
    /// Sum of its action costs.
    pub cost: f64,
    /// The training episode it was first found in (`None`: the greedy one).
    pub first_episode: Option<usize>,
    /// What its one-step measures earned ([`crate::train::Found::bonus`]).
    pub bonus: f64,
}

impl<O: Oracle> Learner<O> {
    /// Re-validates `candidates` best first (the highest return, the
    /// cheapest when nothing earns a bonus; among equals, the first found)
    /// until one holds in every configuration and is not refuted for some N
    /// by the all-N check; returns the best and how many were rejected. A consensus candidate first gets the `one_step:` claim
    /// that its measures support ([`crate::consensus::claim`]), which the
    /// re-validation and the all-N check then check.
    pub fn revalidate(&mut self, mut candidates: Vec<Candidate>) -> (Option<Best>, usize) {
        candidates.sort_by(|a, b| (b.cost + b.bonus).total_cmp(&(a.cost + a.bonus)));
        candidates.truncate(self.config.oracle.revalidation_candidates.max(1));
        let mut best: Option<Best> = None;
        let mut rejected = 0;
        for (i, c) in candidates.into_iter().enumerate() {
            // Screen (stop at the first failing configuration) before the
            // full re-validation; the cheapest candidate is always reported.
            if i > 0 && !self.oracle.inner.screen(&c.ir) {
                rejected += 1;
                continue;
            }
            let (c, revalidation) = self.claim_one_step(c);
            let verified = revalidation.verified;
            // The one place where the parameterized verdict enters: a
            // protocol refuted for some N is rejected like one that fails
            // a configuration, and the next candidate is tried.
            let all_n = if verified {
                self.check_all_n(&c.ir)
            } else {
                AllN::NotChecked
            };
            let accepted = verified && !matches!(all_n, AllN::Refuted(_));
            // Accepted beats verified beats neither; the first of a rank
            // (the best candidate) is kept.
            let rank = |verified: bool, accepted: bool| u8::from(verified) + u8::from(accepted);
            let better = best.as_ref().is_none_or(|b| {
                rank(verified, accepted)
                    > rank(
                        b.revalidation.verified,
                        b.revalidation.verified && !matches!(b.all_n, AllN::Refuted(_)),
                    )
            });
            if better {
                best = Some(Best {
                    new_thresholds: crate::thresholds::non_classic(&c.ir),
                    metrics: self.metrics(&c.ir),
                    ir: c.ir,
                    cost: c.cost,
                    first_episode: c.first_episode,
                    revalidation,
                    all_n,
                });
            }
            if accepted {
                break;
            }
            rejected += 1;
        }
        (best, rejected)
    }

    /// The exhaustive re-validation of `c`; for a consensus protocol
    /// verified there, with the `one_step:` claim that its measures support
    /// added and the re-validation run again with it (the claim is then a
    /// property checked at every configuration).
    fn claim_one_step(&mut self, mut c: Candidate) -> (Candidate, Judgement) {
        let revalidation = self.oracle.inner.judge(&c.ir, true);
        if !revalidation.verified || self.env.consensus.is_none() {
            return (c, revalidation);
        }
        let Some(claimed) = crate::consensus::claimed(&c.ir, &revalidation.one_step) else {
            return (c, revalidation);
        };
        c.ir = claimed;
        let with_claim = self.oracle.inner.judge(&c.ir, true);
        (c, with_claim)
    }

    /// The parameterized ("all N") check of a protocol verified in every
    /// configuration, asked of the oracle ([`Oracle::all_n`]).
    pub fn check_all_n(&mut self, ir: &ProtocolIr) -> AllN {
        self.oracle.inner.all_n(ir)
    }
}
