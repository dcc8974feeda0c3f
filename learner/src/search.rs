//! Exhaustive search (`distgen learn --search exhaustive`): the canonical
//! protocols of the learner's action space in order of cost, cheapest first
//! (uniform-cost search; every move costs something or nothing, none pays
//! back), each judged by the same cached oracle as training; the first one
//! verified is the cheapest of the action space.
//!
//! The frontier holds drafts and finished protocols keyed by their cost and
//! then by the order they were made in, so the search, like training, gives
//! the same answer every time. The moves are those training offers
//! ([`crate::heuristics::Pruner::offered`]); with `canonical-order` on, every
//! protocol is made by one move sequence only.
//!
//! The walk over the frontier does not depend on verdicts (only where it
//! stops does), so it can run ahead of the judgements: with an oracle that
//! judges elsewhere ([`crate::queue`]), the protocols met ahead are handed
//! to it first, and the search then takes its steps in the same order.

use crate::all_n::AllN;
use crate::heuristics::Pruned;
use crate::oracle::Oracle;
use crate::revalidate::{Best, Candidate};
use crate::train::{Learner, Outcome, SearchStats};
use crate::vocab::{Draft, Move};
use dsl_core::ir::ProtocolIr;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashSet, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};

/// A cost as an integer key (thousandths), so that the frontier is totally
/// ordered.
fn cost_key(cost: f64) -> i64 {
    (-cost * 1000.0).round() as i64
}

/// An entry of the frontier: a draft to expand, or a protocol to judge.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Entry {
    /// Minus the cost, in thousandths (smallest first).
    priority: i64,
    /// Order of insertion (first first among equal costs).
    seq: u64,
    /// Whether the draft is finished (ends with `end`).
    finished: bool,
    /// The draft.
    draft: Draft,
}

impl<O: Oracle> Learner<O> {
    /// An error unless every move costs something or nothing.
    fn costs_never_pay_back(&self) -> Result<(), String> {
        let r = &self.config.rewards;
        let consensus = self.env.consensus.iter().flat_map(|c| {
            c.space
                .costs()
                .chain(c.upon_costs.iter().copied())
                .chain(c.arm_costs.iter().copied())
        });
        let positive = [r.send_all, r.send_others, r.send_self]
            .into_iter()
            .chain([r.deliver, r.not_sent, r.end])
            .chain(self.env.quorum_costs.iter().copied())
            .chain(consensus)
            .any(|c| c > 0.0);
        if positive {
            return Err("exhaustive search needs costs <= 0 (no move may pay back)".into());
        }
        Ok(())
    }

    /// Whether `ir` delivers within `search_max_steps` failure-free steps at
    /// the smallest size (always true without a bound).
    fn within_steps(&self, ir: &ProtocolIr) -> bool {
        let (Some(max), Some(&(n, f))) = (self.config.search_max_steps, self.env.sizes.first())
        else {
            return true;
        };
        dsl_core::metrics::measure(ir, n, f)
            .ok()
            .and_then(|m| m.steps)
            .is_some_and(|steps| steps <= max)
    }

    /// Whether the finished protocol `ir` of cost `cost` is a better answer
    /// than `found`: within the step bound, verified on training's
    /// configurations, and, where those are not all of them, on every
    /// configuration; worth more than `found`; and, with a bonus to earn
    /// (consensus, where the search goes on past the first), not refuted
    /// for some N by the all-N check. A protocol that fails the last two
    /// checks is counted as screened out and the search goes on. If so, its
    /// bonus ([`Learner::bonus`]).
    fn accepts(
        &mut self,
        ir: &ProtocolIr,
        (cost, within): (f64, bool),
        found: Option<&Candidate>,
        stats: &mut SearchStats,
        screened_out: &mut usize,
    ) -> Option<f64> {
        if !within {
            stats.over_steps += 1;
            return None;
        }
        stats.judged += 1;
        let j = self.oracle.judge(ir);
        if !j.verified {
            return None;
        }
        if !self.oracle.inner.training_is_final() && !self.oracle.inner.screen(ir) {
            *screened_out += 1;
            return None;
        }
        let bonus = self.bonus(&j);
        if found.is_some_and(|f| cost + bonus <= f.cost + f.bonus) {
            return None;
        }
        if self.max_bonus() > 0.0 {
            let claimed = crate::consensus::claimed(ir, &j.one_step);
            if matches!(
                self.check_all_n(claimed.as_ref().unwrap_or(ir)),
                AllN::Refuted(_)
            ) {
                *screened_out += 1;
                return None;
            }
        }
        Some(bonus)
    }

    /// Uniform-cost search over the action space until a protocol is
    /// verified, `max_judged` protocols were judged, or `stop` is set; then
    /// the found protocol is re-validated like training's best. When
    /// training's configurations are not all of them (Byzantine: F = 1),
    /// a protocol verified there is screened on every configuration, and
    /// the search goes on past one that fails (counted as rejected by the
    /// re-validation). Costs must
    /// not be positive (else an error is returned before anything runs).
    ///
    /// When the oracle wants a lookahead ([`Oracle::lookahead`], a queue of
    /// workers), the frontier is walked that many judgements ahead and the
    /// protocols met are handed to [`Oracle::prefetch`]; the steps are then
    /// taken in the same order as without it (the walk does not depend on
    /// verdicts), so the answer and the counts are the same. An oracle
    /// that fails ([`Oracle::failure`]) stops the search with its error.
    pub fn search(&mut self, stop: &AtomicBool, max_judged: u64) -> Result<Outcome, String> {
        self.costs_never_pay_back()?;
        let mut stats = SearchStats {
            exhausted: true,
            ..SearchStats::default()
        };
        let mut walk = Walk::new();
        let mut found: Option<Candidate> = None;
        let mut screened_out = 0;
        // Branch and bound: a protocol of cost c earns at most c + verified
        // + max_bonus, and the frontier comes cheapest first, so once that
        // is no more than the best return found, nothing later beats it.
        // Without a bonus to earn (broadcast), the first protocol accepted
        // is the answer.
        let max_bonus = self.max_bonus();
        let ahead = self.oracle.inner.lookahead();
        loop {
            self.walk_ahead(&mut walk, ahead);
            let Some(step) = walk.steps.pop_front() else {
                stats.complete = true;
                break;
            };
            if stop.load(Ordering::SeqCst) || stats.judged + stats.over_steps >= max_judged {
                stats.exhausted = false;
                break;
            }
            match step {
                Step::Seen => {}
                Step::Expanded {
                    frontier_len,
                    pruned,
                } => {
                    stats.expanded += 1;
                    for (h, k) in pruned.0 {
                        *self.agent.pruned.0.entry(h).or_insert(0) += k;
                    }
                    stats.frontier_peak = stats.frontier_peak.max(frontier_len);
                }
                Step::Finished { ir, cost, within } => {
                    if within {
                        walk.queued -= 1;
                    }
                    if found
                        .as_ref()
                        .is_some_and(|f| cost + max_bonus <= f.cost + f.bonus)
                    {
                        stats.complete = true;
                        break;
                    }
                    let accepted = self.accepts(
                        &ir,
                        (cost, within),
                        found.as_ref(),
                        &mut stats,
                        &mut screened_out,
                    );
                    if let Some(e) = self.oracle.inner.failure() {
                        return Err(e);
                    }
                    if let Some(bonus) = accepted {
                        stats.exhausted = false;
                        found = Some(Candidate {
                            ir: *ir,
                            cost,
                            first_episode: None,
                            bonus,
                        });
                        if max_bonus <= 0.0 {
                            stats.complete = true;
                            break;
                        }
                    }
                }
            }
        }
        stats.oracle_calls = self.oracle.stats.calls;
        stats.checker_runs = self.oracle.stats.calls - self.oracle.stats.cache_hits;
        let (best, rejected) = match found {
            Some(c) => self.revalidate(vec![c]),
            None => (None::<Best>, 0),
        };
        Ok(Outcome {
            greedy: None,
            greedy_cost: 0.0,
            greedy_verified: false,
            rejected_by_revalidation: screened_out + rejected,
            best,
            search: Some(stats),
        })
    }

    /// Walks the frontier until a step is waiting and, with a lookahead,
    /// until `ahead` judgements are waiting (or the frontier is empty);
    /// hands the protocols to judge to the oracle's prefetch.
    fn walk_ahead(&mut self, walk: &mut Walk, ahead: usize) {
        let mut fresh = Vec::new();
        while !walk.frontier.is_empty() && (walk.steps.is_empty() || walk.queued < ahead) {
            let step = self.take_step(walk);
            if let Step::Finished {
                ir, within: true, ..
            } = &step
            {
                walk.queued += 1;
                if ahead > 0 {
                    fresh.push(ProtocolIr::clone(ir));
                }
            }
            walk.steps.push_back(step);
        }
        if !fresh.is_empty() {
            self.oracle.prefetch(&fresh);
        }
    }

    /// Pops the frontier's cheapest entry and expands it (a draft) or makes
    /// it a protocol to judge.
    fn take_step(&mut self, walk: &mut Walk) -> Step {
        let Some(Reverse(entry)) = walk.frontier.pop() else {
            return Step::Seen;
        };
        if entry.finished {
            let ir = self.env.to_ir(&entry.draft);
            let within = self.within_steps(&ir);
            return Step::Finished {
                ir: Box::new(ir),
                cost: -(entry.priority as f64) / 1000.0,
                within,
            };
        }
        if !walk.seen.insert(entry.draft.normalized()) {
            return Step::Seen;
        }
        let mut pruned = Pruned::default();
        let moves = self.pruner.offered(&self.env, &entry.draft, &mut pruned);
        for mv in moves {
            walk.seq += 1;
            let c = self.config.rewards.of_move(&entry.draft, &mv, &self.env);
            walk.frontier.push(Reverse(Entry {
                priority: entry.priority + cost_key(c),
                seq: walk.seq,
                finished: mv == Move::End,
                draft: entry.draft.apply(&mv),
            }));
        }
        Step::Expanded {
            frontier_len: walk.frontier.len() as u64,
            pruned,
        }
    }
}

/// The walk over the frontier, possibly ahead of the search.
struct Walk {
    /// Drafts and protocols not yet walked to.
    frontier: BinaryHeap<Reverse<Entry>>,
    /// Drafts expanded (normalized).
    seen: HashSet<Draft>,
    /// Entries made so far.
    seq: u64,
    /// Steps walked, not yet taken by the search.
    steps: VecDeque<Step>,
    /// Of which protocols to judge (within the step bound).
    queued: usize,
}

impl Walk {
    fn new() -> Walk {
        let mut frontier = BinaryHeap::new();
        frontier.push(Reverse(Entry {
            priority: 0,
            seq: 0,
            finished: false,
            draft: Draft::default(),
        }));
        Walk {
            frontier,
            seen: HashSet::new(),
            seq: 0,
            steps: VecDeque::new(),
            queued: 0,
        }
    }
}

/// One entry popped from the frontier, as the search takes it.
enum Step {
    /// A draft expanded before.
    Seen,
    /// A draft expanded: the frontier's size after it, what was pruned.
    Expanded {
        /// The frontier's size after the expansion.
        frontier_len: u64,
        /// What the heuristics pruned.
        pruned: Pruned,
    },
    /// A finished protocol.
    Finished {
        /// The protocol (boxed: an IR is far larger than the other steps).
        ir: Box<ProtocolIr>,
        /// Its cost.
        cost: f64,
        /// Whether it is within the step bound.
        within: bool,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::LearnConfig;
    use crate::train::tests::SyncRunOracle;
    use dsl_core::ir::{FaultModel, ProtocolIr};

    /// The search without faults, judged by `oracle`, and its best protocol.
    fn search_none<O: Oracle>(oracle: O) -> (Outcome, Best) {
        let config = LearnConfig::defaults(FaultModel::None);
        let mut l = Learner::new(config, oracle).unwrap();
        let out = l.search(&AtomicBool::new(false), 100_000).unwrap();
        let best = out.best.clone().expect("a protocol");
        (out, best)
    }

    #[test]
    fn the_first_verified_protocol_is_the_cheapest() {
        let (out, best) = search_none(SyncRunOracle);
        // send T0 to all (-6), when received T0 >= 1 (-1) deliver (-1).
        assert_eq!(best.cost, -8.0, "{}", dsl_core::print::body(&best.ir, ""));
        let stats = out.search.unwrap();
        assert!(stats.judged >= 1 && stats.expanded >= 1);
        assert_eq!(stats.oracle_calls, stats.judged);
    }

    /// Verifies like [`SyncRunOracle`] in training, but its screen over
    /// "every configuration" rejects protocols with one rule.
    struct Fussy;

    impl Oracle for Fussy {
        fn judge(&mut self, ir: &ProtocolIr, exhaustive: bool) -> crate::oracle::Judgement {
            SyncRunOracle.judge(ir, exhaustive)
        }

        fn screen(&mut self, ir: &ProtocolIr) -> bool {
            ir.rules.len() > 1 && SyncRunOracle.judge(ir, true).verified
        }
    }

    #[test]
    fn the_search_goes_on_past_a_protocol_the_screen_rejects() {
        let (out, best) = search_none(Fussy);
        assert!(
            best.ir.rules.len() > 1,
            "{}",
            dsl_core::print::body(&best.ir, "")
        );
        assert!(best.cost < -8.0);
        assert!(out.rejected_by_revalidation >= 1);
    }

    #[test]
    fn a_step_bound_skips_slower_protocols_without_a_checker_run() {
        // The cheapest protocol delivers in 1 step: a bound of 1 keeps it.
        let mut config = LearnConfig::defaults(FaultModel::None);
        config.search_max_steps = Some(1);
        let mut l = Learner::new(config.clone(), SyncRunOracle).unwrap();
        let out = l.search(&AtomicBool::new(false), 100_000).unwrap();
        assert_eq!(out.best.expect("a protocol").cost, -8.0);
        // No protocol delivers in 0 steps: every finished one is skipped,
        // none reaches the oracle, nothing is found.
        config.search_max_steps = Some(0);
        let mut l = Learner::new(config, SyncRunOracle).unwrap();
        let out = l.search(&AtomicBool::new(false), 2_000).unwrap();
        assert!(out.best.is_none());
        let stats = out.search.unwrap();
        assert!(stats.over_steps > 0);
        assert_eq!((stats.judged, stats.oracle_calls), (0, 0));
    }

    #[test]
    fn positive_costs_are_refused() {
        let mut config = LearnConfig::defaults(FaultModel::None);
        config.rewards.deliver = 1.0;
        let mut l = Learner::new(config, SyncRunOracle).unwrap();
        assert!(l.search(&AtomicBool::new(false), 10).is_err());
    }
}
