//! The training loop: episodes of the agent in the environment, judged by
//! the oracle; then the greedy optimisation episode, the choice of the best
//! protocol; its re-validation and the all-N check are in [`crate::revalidate`].

use crate::agent::Agent;
pub use crate::all_n::AllN;
use crate::config::{ConfigError, LearnConfig};
use crate::env::Env;
use crate::heuristics::Pruner;
use crate::oracle::{Cached, Judgement, Oracle};
pub use crate::revalidate::{Best, Candidate};
use crate::vocab::{Draft, Move};
use dsl_core::ir::ProtocolIr;
use dsl_core::metrics::Metrics;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};

/// A verified protocol met during training.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Found {
    /// Its canonical key.
    pub key: String,
    /// The protocol.
    pub ir: ProtocolIr,
    /// Sum of the costs of the actions that built it.
    pub cost: f64,
    /// The episode (from 1) it was first found in.
    pub first_episode: usize,
    /// How many episodes ended with it.
    pub times: u64,
    /// What its one-step measures earned on top of the verified reward
    /// (consensus; [`crate::consensus::bonus`]).
    #[serde(default)]
    pub bonus: f64,
}

impl Found {
    /// Its return: the bonus plus the (non-positive) cost.
    pub fn value(&self) -> f64 {
        self.cost + self.bonus
    }
}

/// What one episode did.
#[derive(Clone, Debug, PartialEq)]
pub struct Episode {
    /// The protocol it built, if it ended (not at a dead end).
    pub ir: Option<ProtocolIr>,
    /// Sum of the action costs.
    pub cost: f64,
    /// The return: costs plus the terminal reward.
    pub reward: f64,
    /// The oracle's judgement, if it was asked.
    pub judgement: Option<Judgement>,
    /// Whether the protocol was judged at the smallest size only, being
    /// costlier than one verified ([`Learner::beaten`]); then it is not
    /// recorded as found.
    pub bounded: bool,
}

/// What the progress bar shows after an episode.
#[derive(Clone, Debug)]
pub struct Progress<'a> {
    /// Episodes done.
    pub episode: usize,
    /// Episodes in all.
    pub episodes: usize,
    /// This episode's return.
    pub reward: f64,
    /// The best verified protocol so far.
    pub best: Option<&'a Found>,
    /// Oracle calls so far.
    pub oracle_calls: u64,
    /// Of which cache hits.
    pub cache_hits: u64,
}

/// One step of an episode, kept for the Q-learning update.
#[derive(Clone, Debug, PartialEq)]
struct Step {
    /// The state (normalized draft) the move was taken in.
    state: Draft,
    /// Index of the move among the state's offered moves.
    choice: usize,
    /// The immediate reward.
    reward: f64,
    /// The next state, `None` when the episode ended with this step.
    next: Option<Draft>,
}

/// The end of a run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    /// The greedy optimisation episode's protocol, if it ended.
    pub greedy: Option<ProtocolIr>,
    /// Its cost.
    pub greedy_cost: f64,
    /// Whether the oracle verified it.
    pub greedy_verified: bool,
    /// Candidates that the re-validation found wrong in some configuration.
    pub rejected_by_revalidation: usize,
    /// The cheapest protocol of training and the greedy episode that the
    /// re-validation verified (else the cheapest candidate).
    pub best: Option<Best>,
    /// What the exhaustive search did, if the run was one.
    pub search: Option<SearchStats>,
}

/// Counters of an exhaustive search ([`crate::search`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchStats {
    /// Drafts expanded.
    pub expanded: u64,
    /// Finished protocols judged, cheapest first.
    pub judged: u64,
    /// Oracle calls (judgements asked for).
    pub oracle_calls: u64,
    /// Of which not answered by the cache (checker runs).
    pub checker_runs: u64,
    /// Largest size of the frontier.
    pub frontier_peak: u64,
    /// Finished protocols skipped unjudged because they take more
    /// failure-free steps than `search_max_steps` (or never deliver).
    #[serde(default)]
    pub over_steps: u64,
    /// Whether the whole action space was searched without a verified
    /// protocol.
    pub exhausted: bool,
    /// Whether the search ended by itself (the frontier emptied, or
    /// nothing left could beat the protocol found), so that its answer is
    /// the best of the action space; false when stopped or out of budget.
    #[serde(default)]
    pub complete: bool,
}

/// What training has done so far: its episodes, their returns, the
/// protocols it verified and its dead ends. A checkpoint saves it as it is
/// ([`crate::checkpoint::Checkpoint::history`]).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct History {
    /// Training episodes done.
    pub episode: usize,
    /// Return of each training episode.
    pub curve: Vec<f64>,
    /// Every verified protocol found, in the order found.
    pub found: Vec<Found>,
    /// Episodes that reached a state with no action left.
    pub dead_ends: u64,
}

/// The learner: environment, agent, oracle and what was found.
pub struct Learner<O> {
    /// The options.
    pub config: LearnConfig,
    /// The environment.
    pub env: Env,
    /// The heuristics, compiled for the environment.
    pub pruner: Pruner,
    /// The agent.
    pub agent: Agent,
    /// The oracle behind its cache.
    pub oracle: Cached<O>,
    /// What training has done.
    pub history: History,
    /// Index of `history.found` by canonical key.
    pub found_index: HashMap<String, usize>,
    /// Whether a protocol verified in training holds beyond it (every
    /// configuration, every N), by canonical key, as far as it was asked
    /// ([`Learner::holds_beyond_training`]).
    pub beyond: HashMap<String, bool>,
}

impl<O: Oracle> Learner<O> {
    /// A fresh learner.
    pub fn new(config: LearnConfig, oracle: O) -> Result<Learner<O>, ConfigError> {
        config.validate()?;
        let env = Env::new(&config)?;
        let pruner = Pruner::new(&env, &config.heuristics);
        let agent = Agent::new(config.agent.clone(), config.seed);
        let oracle = Cached::new(oracle, config.oracle.cache);
        Ok(Learner {
            config,
            env,
            pruner,
            agent,
            oracle,
            history: History::default(),
            found_index: HashMap::new(),
            beyond: HashMap::new(),
        })
    }

    /// The verified protocol of training with the highest return (the
    /// cheapest, unless one-step measures earned a bonus; the first found
    /// among equals).
    pub fn best_found(&self) -> Option<&Found> {
        let mut best: Option<&Found> = None;
        for f in &self.history.found {
            if best.is_none_or(|b| f.value() > b.value()) {
                best = Some(f);
            }
        }
        best
    }

    /// Runs training episodes until `config.episodes` are done or `stop` is
    /// set; calls `progress` after each. Returns whether all were done.
    pub fn train(&mut self, stop: &AtomicBool, progress: &mut dyn FnMut(&Progress)) -> bool {
        while self.history.episode < self.config.episodes {
            if stop.load(Ordering::SeqCst) {
                return false;
            }
            let ep = self.run_episode(false);
            self.history.episode += 1;
            self.history.curve.push(ep.reward);
            if let (Some(ir), Some(j), false) = (&ep.ir, &ep.judgement, ep.bounded) {
                if j.verified {
                    let bonus = self.bonus(j);
                    self.record(ir, ep.cost, bonus);
                }
            }
            progress(&Progress {
                episode: self.history.episode,
                episodes: self.config.episodes,
                reward: ep.reward,
                best: self.best_found(),
                oracle_calls: self.oracle.stats.calls,
                cache_hits: self.oracle.stats.cache_hits,
            });
        }
        true
    }

    /// What a judgement earns on top of the terminal reward: the one-step
    /// bonus of a consensus protocol, 0 otherwise.
    pub fn bonus(&self, j: &Judgement) -> f64 {
        self.env
            .consensus
            .as_ref()
            .map_or(0.0, |c| crate::consensus::bonus(&c.space, &j.one_step))
    }

    /// The most [`Learner::bonus`] can be.
    pub fn max_bonus(&self) -> f64 {
        self.env
            .consensus
            .as_ref()
            .map_or(0.0, |c| c.space.max_bonus())
    }

    /// Records a verified protocol.
    fn record(&mut self, ir: &ProtocolIr, cost: f64, bonus: f64) {
        let key = crate::canonical::key(ir);
        match self.found_index.get(&key) {
            Some(&i) => self.history.found[i].times += 1,
            None => {
                let found = &mut self.history.found;
                self.found_index.insert(key.clone(), found.len());
                found.push(Found {
                    key,
                    ir: ir.clone(),
                    cost,
                    first_episode: self.history.episode,
                    times: 1,
                    bonus,
                });
            }
        }
    }

    /// One episode: UCB and Q-learning updates, or (`greedy`) the largest
    /// Q-value at every step and no update.
    ///
    /// The updates are the Q-learning rule `Q(s, a) += alpha * (r + gamma *
    /// max Q(s') - Q(s, a))`, applied after each step (`agent.backward =
    /// false`) or, by default, to the episode's steps in reverse order once it
    /// ended, so that the terminal reward reaches the first step at once.
    pub fn run_episode(&mut self, greedy: bool) -> Episode {
        let rewards = self.config.rewards.clone();
        let online = !greedy && !self.agent.params.backward;
        let mut draft = Draft::default();
        let mut cost = 0.0;
        let mut steps: Vec<Step> = Vec::new();
        let mut ended: Option<(ProtocolIr, Judgement, bool)> = None;
        let terminal = loop {
            let key = draft.normalized();
            let entry = self.agent.expand(&self.env, &self.pruner, &draft, &key);
            if entry.moves.is_empty() {
                break self.dead_end(&mut steps, greedy);
            }
            let choice = if greedy {
                self.agent.choose_greedy(&key)
            } else {
                self.agent.choose_ucb(&key)
            };
            let mv = self.agent.table[&key].moves[choice];
            let c = rewards.of_move(&draft, &mv, &self.env);
            cost += c;
            // Without `costs_when_failed`, the costs are charged at the end.
            let r = if rewards.costs_when_failed { c } else { 0.0 };
            if mv == Move::End {
                let (protocol, j, bounded) = self.judge_end(&draft, cost, greedy);
                let terminal = rewards.terminal(j.verified, j.configs_verified()) + self.bonus(&j);
                let charged = if rewards.costs_when_failed || !j.verified {
                    r
                } else {
                    cost
                };
                steps.push(Step {
                    state: key,
                    choice,
                    reward: charged + terminal,
                    next: None,
                });
                ended = Some((protocol, j, bounded));
                break terminal;
            }
            draft = draft.apply(&mv);
            steps.push(Step {
                state: key,
                choice,
                reward: r,
                next: Some(draft.normalized()),
            });
            if online && steps.len() >= 2 {
                // The previous step's next state is now expanded.
                let prev = steps[steps.len() - 2].clone();
                self.learn(&prev);
            }
        };
        if !greedy {
            self.learn_pending(steps, online);
        }
        let (ir, judgement, bounded) = match ended {
            Some((ir, j, bounded)) => (Some(ir), Some(j), bounded),
            None => (None, None, false),
        };
        let verified = judgement.as_ref().is_some_and(|j| j.verified);
        Episode {
            ir,
            cost,
            reward: if rewards.costs_when_failed || verified {
                cost + terminal
            } else {
                terminal
            },
            judgement,
            bounded,
        }
    }

    /// A state with no move left: the step into it ends the episode with a
    /// failure; returns the terminal reward.
    fn dead_end(&mut self, steps: &mut [Step], greedy: bool) -> f64 {
        let failed = self.config.rewards.failed;
        if !greedy {
            self.history.dead_ends += 1;
        }
        if let Some(last) = steps.last_mut() {
            last.reward += self.agent.params.discount * failed;
            last.next = None;
        }
        failed
    }

    /// The protocol of a finished draft and its judgement: in full, or at
    /// the smallest size only (`true`) when it is [`Learner::beaten`]
    /// (never in the greedy episode).
    fn judge_end(
        &mut self,
        draft: &Draft,
        cost: f64,
        greedy: bool,
    ) -> (ProtocolIr, Judgement, bool) {
        let protocol = self.env.to_ir(draft);
        let bounded = !greedy && self.beaten(cost);
        let mut j = if bounded {
            self.oracle.judge_smallest(&protocol)
        } else {
            self.oracle.judge(&protocol)
        };
        if j.verified && !bounded && self.config.oracle.beyond_training {
            let key = crate::canonical::key(&protocol);
            let value = cost + self.bonus(&j);
            let best = self.best_found().is_none_or(|b| value > b.value());
            if (best || self.beyond.contains_key(&key))
                && !self.holds_beyond_training(&protocol, key)
            {
                j.verified = false;
            }
        }
        (protocol, j, bounded)
    }

    /// Whether `ir`, verified at training's configurations, also holds on
    /// every configuration (where training checks fewer: the screen) and
    /// is not refuted for some N (the all-N check, where it is on). Asked
    /// of a protocol that would be the best so far (or asked before), so
    /// that the verified reward, and with it the answer, goes only to a
    /// protocol that holds everywhere; remembered under `key`.
    pub fn holds_beyond_training(&mut self, ir: &ProtocolIr, key: String) -> bool {
        if let Some(&holds) = self.beyond.get(&key) {
            return holds;
        }
        let holds = (self.oracle.inner.training_is_final() || self.oracle.inner.screen(ir))
            && !matches!(self.oracle.inner.all_n(ir), crate::all_n::AllN::Refuted(_));
        self.beyond.insert(key, holds);
        holds
    }

    /// The updates left at the end of an episode: the last step (updates
    /// after each step), or every step in reverse order (backward updates).
    fn learn_pending(&mut self, mut steps: Vec<Step>, online: bool) {
        let pending: Vec<Step> = if online {
            steps.pop().into_iter().collect()
        } else {
            steps.into_iter().rev().collect()
        };
        for step in &pending {
            self.learn(step);
        }
    }

    /// Whether a protocol of this cost can no longer be the answer: one
    /// verified earlier is worth more than it could be (cheaper, when there
    /// is no bonus to earn), and training's verdict is final (it checks
    /// every configuration: [`Oracle::training_is_final`]). Training then
    /// judges it at the smallest size only, for the reward, and does not
    /// record it (`oracle.bound_costlier`): the checks at larger sizes, where
    /// costlier protocols' state spaces grow fast, are what made crash runs
    /// slow (bench/RESULTS-learner.md).
    pub fn beaten(&self, cost: f64) -> bool {
        self.config.oracle.bound_costlier
            && self.oracle.inner.training_is_final()
            && self
                .best_found()
                .is_some_and(|best| cost + self.max_bonus() < best.value())
    }

    /// The Q-learning update of one step.
    fn learn(&mut self, step: &Step) {
        let gamma = self.agent.params.discount;
        let target = step.reward
            + step
                .next
                .as_ref()
                .map_or(0.0, |n| gamma * self.agent.max_q(n));
        self.agent.update(&step.state, step.choice, target);
    }

    /// After training: the greedy optimisation episode, then the
    /// re-validation of the cheapest verified protocols (training's and the
    /// greedy one) over every configuration, with the re-validation limits,
    /// cheapest first, until one holds everywhere (at most
    /// `oracle.revalidation_candidates` tried). If none does, the best is the
    /// cheapest, with the re-validation that failed it.
    pub fn finish(&mut self) -> Outcome {
        let greedy = self.run_episode(true);
        let greedy_verified = greedy.judgement.as_ref().is_some_and(|j| j.verified);
        let mut candidates: Vec<Candidate> = self
            .history
            .found
            .iter()
            .map(|f| Candidate {
                ir: f.ir.clone(),
                cost: f.cost,
                first_episode: Some(f.first_episode),
                bonus: f.bonus,
            })
            .collect();
        if let (true, Some(ir)) = (greedy_verified, &greedy.ir) {
            if !self.found_index.contains_key(&crate::canonical::key(ir)) {
                candidates.push(Candidate {
                    ir: ir.clone(),
                    cost: greedy.cost,
                    first_episode: None,
                    bonus: greedy.judgement.as_ref().map_or(0.0, |j| self.bonus(j)),
                });
            }
        }
        let (best, rejected) = self.revalidate(candidates);
        Outcome {
            greedy: greedy.ir,
            greedy_cost: greedy.cost,
            greedy_verified,
            rejected_by_revalidation: rejected,
            best,
            search: None,
        }
    }

    /// Metrics of `ir`'s failure-free run at each (N, F) the oracle checks
    /// (broadcast; a consensus protocol's measure is its one-step line).
    pub fn metrics(&self, ir: &ProtocolIr) -> Vec<Metrics> {
        if ir.problem == dsl_core::ir::Problem::Consensus {
            return Vec::new();
        }
        self.env
            .sizes
            .iter()
            .filter_map(|&(n, f)| dsl_core::metrics::measure(ir, n, f).ok())
            .collect()
    }
}

#[cfg(test)]
pub(crate) mod tests;
