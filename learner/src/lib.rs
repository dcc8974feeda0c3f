//! The Q-learning synthesiser of reliable-broadcast protocols, after Vaz,
//! Matos, Pardal and Correia, *Automatic Generation of Distributed Algorithms
//! with Generative AI* (DSN 2023; arXiv 2208.00525).
//!
//! An agent ([`agent`]) builds a protocol one action at a time in an
//! environment ([`env`](mod@env)) whose state is the protocol built so far; named
//! heuristics ([`heuristics`]) prune actions that make no sense; every action
//! has a cost and a finished protocol earns a reward ([`rewards`]) when the
//! oracle ([`oracle`]: the model checker behind a cache keyed by
//! [`canonical`] form) verifies it. [`train`] runs the episodes and the greedy
//! optimisation episode, [`revalidate`] the re-validation and the all-N check; [`emit`] writes the best
//! protocol as a runnable `.rs` file, a JSON report and the learning curve;
//! [`checkpoint`] saves and resumes the Q-table; [`queue`] puts the
//! exhaustive search's judgements on a Redis Streams work queue for
//! `distgen worker`s. All options are gathered in [`config`];
//! each settings struct lives in the module that reads it.
//!
//! ```no_run
//! use learner::{config::LearnConfig, oracle::CheckerOracle, train::Learner};
//! use dsl_core::ir::FaultModel;
//! use std::sync::atomic::AtomicBool;
//!
//! let config = LearnConfig::defaults(FaultModel::None);
//! let oracle = CheckerOracle::new(&config).unwrap();
//! let mut learner = Learner::new(config, oracle).unwrap();
//! learner.train(&AtomicBool::new(false), &mut |_| {});
//! let outcome = learner.finish();
//! learner::emit::write_all(&learner, &outcome, "generated".as_ref()).unwrap();
//! ```
#![deny(missing_docs)]

pub mod agent;
pub mod all_n;
pub mod canonical;
pub mod checkpoint;
pub mod config;
pub mod consensus;
pub mod emit;
pub mod env;
pub mod heuristics;
pub mod oracle;
pub mod plot;
pub mod queue;
pub mod report;
pub mod revalidate;
pub mod rewards;
pub mod search;
pub mod sizes;
pub mod space;
pub mod thresholds;
pub mod train;
pub mod vocab;
