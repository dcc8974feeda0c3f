//! The training loop: episodes of the agent in the environment, judged by
//! the oracle; then the greedy optimisation episode, the choice of the best
//! protocol and its re-validation over every configuration.

use crate::agent::Agent;
use crate::config::{ConfigError, LearnConfig};
use crate::env::{Action, Draft, Env};
use crate::oracle::{Cached, Judgement, Oracle};
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
    /// Metrics of the failure-free run at each (N, F) checked.
    pub metrics: Vec<Metrics>,
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
    /// The cheapest verified protocol of training and the greedy episode.
    pub best: Option<Best>,
}

/// The learner: environment, agent, oracle and what was found.
pub struct Learner<O> {
    /// The options.
    pub config: LearnConfig,
    /// The environment.
    pub env: Env,
    /// The agent.
    pub agent: Agent,
    /// The oracle behind its cache.
    pub oracle: Cached<O>,
    /// Training episodes done.
    pub episode: usize,
    /// Return of each training episode.
    pub curve: Vec<f64>,
    /// Every verified protocol found, in the order found.
    pub found: Vec<Found>,
    /// Index of `found` by canonical key.
    pub found_index: HashMap<String, usize>,
    /// Episodes that reached a state with no action left.
    pub dead_ends: u64,
}

impl<O: Oracle> Learner<O> {
    /// A fresh learner.
    pub fn new(config: LearnConfig, oracle: O) -> Result<Learner<O>, ConfigError> {
        config.validate()?;
        let env = Env::new(&config)?;
        let agent = Agent::new(config.agent.clone(), config.seed);
        let oracle = Cached::new(oracle, config.oracle.cache);
        Ok(Learner {
            config,
            env,
            agent,
            oracle,
            episode: 0,
            curve: Vec::new(),
            found: Vec::new(),
            found_index: HashMap::new(),
            dead_ends: 0,
        })
    }

    /// The cheapest verified protocol found in training (the first found
    /// among equally cheap ones).
    pub fn best_found(&self) -> Option<&Found> {
        let mut best: Option<&Found> = None;
        for f in &self.found {
            if best.is_none_or(|b| f.cost > b.cost) {
                best = Some(f);
            }
        }
        best
    }

    /// Runs training episodes until `config.episodes` are done or `stop` is
    /// set; calls `progress` after each. Returns whether all were done.
    pub fn train(&mut self, stop: &AtomicBool, progress: &mut dyn FnMut(&Progress)) -> bool {
        while self.episode < self.config.episodes {
            if stop.load(Ordering::SeqCst) {
                return false;
            }
            let ep = self.run_episode(false);
            self.episode += 1;
            self.curve.push(ep.reward);
            if let (Some(ir), Some(j)) = (&ep.ir, &ep.judgement) {
                if j.verified {
                    self.record(ir, ep.cost);
                }
            }
            progress(&Progress {
                episode: self.episode,
                episodes: self.config.episodes,
                reward: ep.reward,
                best: self.best_found(),
                oracle_calls: self.oracle.stats.calls,
                cache_hits: self.oracle.stats.cache_hits,
            });
        }
        true
    }

    /// Records a verified protocol.
    fn record(&mut self, ir: &ProtocolIr, cost: f64) {
        let key = crate::canonical::key(ir);
        match self.found_index.get(&key) {
            Some(&i) => self.found[i].times += 1,
            None => {
                self.found_index.insert(key.clone(), self.found.len());
                self.found.push(Found {
                    key,
                    ir: ir.clone(),
                    cost,
                    first_episode: self.episode,
                    times: 1,
                });
            }
        }
    }

    /// One episode: UCB and Q-learning updates, or (`greedy`) the largest
    /// Q-value at every step and no update.
    pub fn run_episode(&mut self, greedy: bool) -> Episode {
        let rewards = self.config.rewards.clone();
        let gamma = self.agent.params.discount;
        let mut draft = Draft::default();
        let mut cost = 0.0;
        // The previous step, whose update waits for the next state.
        let mut prev: Option<(Draft, usize, f64)> = None;
        loop {
            let key = draft.normalized();
            let dead = self.agent.expand(&self.env, &draft, &key).actions.is_empty();
            if let Some((pk, pi, pr)) = prev.take() {
                if !greedy {
                    let next = if dead {
                        rewards.failed
                    } else {
                        self.agent.max_q(&key)
                    };
                    self.agent.update(&pk, pi, pr + gamma * next);
                }
            }
            if dead {
                if !greedy {
                    self.dead_ends += 1;
                }
                return Episode {
                    ir: None,
                    cost,
                    reward: cost + rewards.failed,
                    judgement: None,
                };
            }
            let i = if greedy {
                self.agent.choose_greedy(&key)
            } else {
                self.agent.choose_ucb(&key)
            };
            let action = self.agent.table[&key].actions[i];
            let r = rewards.action(&draft, &action, &self.env.quorum_costs);
            cost += r;
            if action == Action::End {
                let ir = self.env.to_ir(&draft);
                let j = self.oracle.judge(&ir);
                let t = rewards.terminal(j.verified, j.configs_verified());
                if !greedy {
                    self.agent.update(&key, i, r + t);
                }
                return Episode {
                    ir: Some(ir),
                    cost,
                    reward: cost + t,
                    judgement: Some(j),
                };
            }
            prev = Some((key, i, r));
            draft = draft.apply(&action);
        }
    }

    /// After training: the greedy optimisation episode, the choice of the
    /// best verified protocol, its exhaustive re-validation and metrics.
    pub fn finish(&mut self) -> Outcome {
        let greedy = self.run_episode(true);
        let greedy_verified = greedy.judgement.as_ref().is_some_and(|j| j.verified);
        let mut best: Option<(ProtocolIr, f64, Option<usize>)> = self
            .best_found()
            .map(|f| (f.ir.clone(), f.cost, Some(f.first_episode)));
        if let (true, Some(ir)) = (greedy_verified, &greedy.ir) {
            let key = crate::canonical::key(ir);
            let known = self.found_index.contains_key(&key);
            if !known && best.as_ref().is_none_or(|b| greedy.cost > b.1) {
                best = Some((ir.clone(), greedy.cost, None));
            }
        }
        let best = best.map(|(ir, cost, first_episode)| {
            let revalidation = self.oracle.inner.judge(&ir, true);
            let metrics = self.metrics(&ir);
            Best {
                ir,
                cost,
                first_episode,
                revalidation,
                metrics,
            }
        });
        Outcome {
            greedy: greedy.ir,
            greedy_cost: greedy.cost,
            greedy_verified,
            best,
        }
    }

    /// Metrics of `ir` at each (N, F) the oracle checks.
    pub fn metrics(&self, ir: &ProtocolIr) -> Vec<Metrics> {
        self.env
            .sizes
            .iter()
            .filter_map(|&(n, f)| dsl_core::metrics::measure(ir, n, f).ok())
            .collect()
    }
}
