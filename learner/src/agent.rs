//! The agent: tabular Q-learning with UCB exploration.
//!
//! The paper's code uses a learning rate of 0.01 and a discount of 0.95. We
//! keep the discount but default to a learning rate of 1 with the updates of
//! an episode applied backwards: our oracle is exhaustive and deterministic,
//! so the environment is a deterministic tree and `Q(s, a) = r + gamma * max
//! Q(s')` is the exact backup; a rate of 0.01 (right for the paper's oracle,
//! which injected faults at random) needs hundreds of visits per state to
//! move a Q-value, and in 12,000 episodes the greedy episode never left the
//! cheapest failing protocol (bench/RESULTS-learner.md). The UCB weight is on
//! the scale of the rewards (a verified protocol earns 100). Set
//! `agent.learning_rate = 0.01` and `agent.backward = false` for the paper's
//! update.
//!
//! The Q-table maps a state (the normalized [`Draft`]) to the moves offered
//! there, each with its Q-value and visit count. A state's moves are fixed
//! when it is first expanded, in the environment's order, so that the table,
//! and with it the whole run, depends on the seed only: the random number
//! generator (ChaCha8, seeded) only breaks ties.

use crate::env::Env;
use crate::heuristics::{Pruned, Pruner};
use crate::vocab::{Draft, Move};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

pub mod params;

pub use params::AgentParams;

/// The moves of one state with their statistics: one entry of the Q-table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QEntry {
    /// The moves offered, in the environment's order.
    pub moves: Vec<Move>,
    /// Q-value per action.
    pub q: Vec<f64>,
    /// Times each action was taken.
    pub n: Vec<u32>,
    /// Times the state was visited.
    pub visits: u64,
}

/// The Q-learning agent.
#[derive(Clone, Debug)]
pub struct Agent {
    /// Parameters.
    pub params: AgentParams,
    /// The Q-table.
    pub table: HashMap<Draft, QEntry>,
    /// Tie-breaking randomness.
    pub rng: ChaCha8Rng,
    /// What the heuristics pruned over all expanded states.
    pub pruned: Pruned,
}

impl Agent {
    /// A fresh agent.
    pub fn new(params: AgentParams, seed: u64) -> Agent {
        Agent {
            params,
            table: HashMap::new(),
            rng: ChaCha8Rng::seed_from_u64(seed),
            pruned: Pruned::default(),
        }
    }

    /// The node of `key`, expanding it if new.
    pub fn expand(&mut self, env: &Env, pruner: &Pruner, draft: &Draft, key: &Draft) -> &QEntry {
        if !self.table.contains_key(key) {
            let moves = pruner.offered(env, draft, &mut self.pruned);
            let k = moves.len();
            self.table.insert(
                key.clone(),
                QEntry {
                    moves,
                    q: vec![self.params.initial_q; k],
                    n: vec![0; k],
                    visits: 0,
                },
            );
        }
        &self.table[key]
    }

    /// Picks an action of an expanded state by UCB: an untried action first,
    /// else the largest `Q + c * sqrt(ln visits / n)`; ties broken at random.
    pub fn choose_ucb(&mut self, key: &Draft) -> usize {
        let node = &self.table[key];
        let ln = (node.visits.max(1) as f64).ln();
        let score = |i: usize| {
            if node.n[i] == 0 {
                f64::INFINITY
            } else {
                node.q[i] + self.params.ucb_c * (ln / node.n[i] as f64).sqrt()
            }
        };
        let best = (0..node.moves.len())
            .map(score)
            .fold(f64::NEG_INFINITY, f64::max);
        let ties: Vec<usize> = (0..node.moves.len())
            .filter(|&i| score(i) == best)
            .collect();
        ties[self.rng.random_range(0..ties.len())]
    }

    /// The action with the largest Q-value among those tried (the first on
    /// a tie), or the first action if none was tried.
    pub fn choose_greedy(&self, key: &Draft) -> usize {
        let node = &self.table[key];
        let mut best: Option<usize> = None;
        for i in 0..node.moves.len() {
            if node.n[i] > 0 && best.is_none_or(|b| node.q[i] > node.q[b]) {
                best = Some(i);
            }
        }
        best.unwrap_or(0)
    }

    /// The largest Q-value of a state (the initial value if it was never
    /// expanded or offers nothing).
    pub fn max_q(&self, key: &Draft) -> f64 {
        match self.table.get(key) {
            Some(node) if !node.q.is_empty() => {
                node.q.iter().copied().fold(f64::NEG_INFINITY, f64::max)
            }
            _ => self.params.initial_q,
        }
    }

    /// Records a visit of action `i` in state `key` and moves its Q-value
    /// towards `target` (`r + gamma * max Q(s')`, or `r` at the end).
    pub fn update(&mut self, key: &Draft, i: usize, target: f64) {
        let alpha = self.params.learning_rate;
        let node = self.table.get_mut(key).expect("the state was expanded");
        node.visits += 1;
        node.n[i] += 1;
        node.q[i] += alpha * (target - node.q[i]);
    }
}
