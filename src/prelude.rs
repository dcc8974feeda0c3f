//! What a protocol author needs, in one import: `use distgen::prelude::*;`.
//!
//! The `protocol!` macro, the [`Protocol`] trait and its typed helpers
//! (`check`, `check_at`, `model`, `explorer`, `run`, `chart`,
//! `failure_free_chart`), the types they take and return, and stateright's
//! [`Model`] and [`Checker`] traits (and [`HasDiscoveries`]) to run a model
//! with your own options.
//!
//! ```
//! use distgen::prelude::*;
//!
//! protocol! {
//!     /// Best-effort broadcast.
//!     pub BestEffort {
//!         faults: none;
//!         messages: Msg;
//!         on broadcast(m) { send Msg(m) to all; }
//!         when received Msg(m) >= 1 { deliver(m); }
//!     }
//! }
//!
//! // Default configurations (N = 3 and 4, failure-free).
//! assert!(BestEffort::check().iter().all(|r| r.verdict.is_verified()));
//!
//! // Crashes are another matter: the broadcaster may crash half-way.
//! let config = Config { faults: FaultModel::Crash, n: 3, f: 1, scenario: Scenario::Crashes };
//! let checker = BestEffort::model(config).unwrap().checker().spawn_bfs().join();
//! assert!(checker.discovery("agreement (totality)").is_some());
//! ```

pub use crate::actors::{RunConfig, RunReport};
pub use crate::chart::Chart;
pub use crate::checker::{CheckResult, Config, Limits, Property, Scenario, Verdict, Violation};
pub use crate::explorer::Explorer;
pub use crate::ir::FaultModel;
pub use crate::{protocol, Protocol, ProtocolIr};
pub use stateright::{Checker, HasDiscoveries, Model};
