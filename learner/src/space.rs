//! The size of an action space: how many drafts and protocols the
//! exhaustive search ([`crate::search`]) would meet, counted exactly for
//! small spaces and estimated for large ones, so that a search too large
//! for one machine can be sized before it is started (issue 19: the space
//! that holds the (4f)-BRB).
//!
//! The tree is the one the search walks: from the empty draft, the moves
//! the [`Pruner`] offers (with `canonical-order` on, each protocol is made
//! by one move sequence), a finished protocol at each `end`. A `min_cost`
//! bound keeps only the drafts at least that cheap (costs never pay back,
//! so a subtree is cut at the first draft below it): a uniform-cost search
//! for a protocol of cost c judges at most the protocols of cost >= c.
//!
//! The estimate is Knuth's (*Estimating the efficiency of backtrack
//! programs*, Math. Comp. 29, 1975): walk from the root taking a uniformly
//! random child; the product of the branching factors met is an unbiased
//! estimate of the number of nodes at each depth. Averaged over many
//! probes; the test checks it against the exact count on a small space.

use crate::env::Env;
use crate::heuristics::{Pruned, Pruner};
use crate::rewards::Rewards;
use crate::vocab::{Draft, Move};
use rand::Rng;
use serde::Serialize;

/// What a count or an estimate says.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct SpaceSize {
    /// Drafts (unfinished protocols, the empty one included).
    pub drafts: f64,
    /// Finished protocols: what the search judges.
    pub protocols: f64,
    /// Probes averaged (0 for an exact count).
    pub probes: u64,
}

/// An action space as the search walks it: the drafts of `env`, the moves
/// `pruner` offers, each draft's cost by `rewards`, cut below `min_cost`
/// (`f64::NEG_INFINITY`: the whole space).
pub struct Space<'a> {
    /// The environment (moves, quorums).
    pub env: &'a Env,
    /// The heuristics that prune moves.
    pub pruner: &'a Pruner,
    /// The cost of each move.
    pub rewards: &'a Rewards,
    /// The least cost kept.
    pub min_cost: f64,
}

impl Space<'_> {
    /// The children of `draft` (of cost `cost`): each move with the cost
    /// after it, cheap enough.
    fn children(&self, draft: &Draft, cost: f64) -> Vec<(Move, f64)> {
        let mut pruned = Pruned::default();
        self.pruner
            .offered(self.env, draft, &mut pruned)
            .into_iter()
            .map(|mv| {
                let c = cost + self.rewards.of_move(draft, &mv, self.env);
                (mv, c)
            })
            .filter(|&(_, c)| c >= self.min_cost - 1e-9)
            .collect()
    }

    /// Counts every draft and protocol of the space: for small spaces,
    /// and to test [`Space::estimate`].
    pub fn exact(&self) -> SpaceSize {
        let mut out = SpaceSize::default();
        let mut stack = vec![(Draft::default(), 0.0)];
        while let Some((draft, cost)) = stack.pop() {
            out.drafts += 1.0;
            for (mv, c) in self.children(&draft, cost) {
                if mv == Move::End {
                    out.protocols += 1.0;
                } else {
                    stack.push((draft.apply(&mv), c));
                }
            }
        }
        out
    }

    /// Knuth's estimate of [`Space::exact`] from `probes` random walks.
    pub fn estimate(&self, probes: u64, rng: &mut impl Rng) -> SpaceSize {
        let mut sum = SpaceSize::default();
        for _ in 0..probes {
            let (mut draft, mut cost, mut weight) = (Draft::default(), 0.0, 1.0);
            loop {
                sum.drafts += weight;
                let children = self.children(&draft, cost);
                // The finished protocols among the children, exactly; the
                // walk goes on among the others, each standing for all.
                let ends = children.iter().filter(|(mv, _)| *mv == Move::End).count();
                sum.protocols += weight * ends as f64;
                let drafts: Vec<&(Move, f64)> =
                    children.iter().filter(|(mv, _)| *mv != Move::End).collect();
                if drafts.is_empty() {
                    break;
                }
                weight *= drafts.len() as f64;
                let (mv, c) = drafts[rng.random_range(0..drafts.len())];
                draft = draft.apply(mv);
                cost = *c;
            }
        }
        let n = probes.max(1) as f64;
        SpaceSize {
            drafts: sum.drafts / n,
            protocols: sum.protocols / n,
            probes,
        }
    }
}
