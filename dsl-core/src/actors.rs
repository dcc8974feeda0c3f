//! Any protocol as real stateright actors over UDP on 127.0.0.1.
//!
//! Each process is a [`ProcessActor`] (a [`stateright::actor::Actor`]) that
//! steps its per-instance state with THE step function
//! ([`crate::semantics::Machine`]), so the actors, the checker and the
//! metrics cannot disagree about what a protocol means. Messages carry their
//! broadcast instance (origin, sequence number), so any process may
//! broadcast and many broadcasts run at once; a wire value is any `u64`,
//! interned per instance into the step function's small value domain.
//!
//! - [`wire`]: the datagram format (JSON via serde).
//! - [`intern`]: wire values to step-function values, with a cap.
//! - [`link`]: retransmission until acknowledged, so UDP loss (a full socket
//!   buffer) does not break the protocols' reliable-link assumption.
//! - [`process`]: the actor, with crash (after a number of messages, also in
//!   the middle of a `send to all`) and Byzantine (equivocating, forging every
//!   message type, replaying) behaviour.
//! - [`runtime`]: a stoppable loop for any stateright `Actor` over a
//!   [`runtime::Transport`] (plain UDP here; authenticated UDP in the
//!   `distgen-deploy` crate); stateright's `spawn` never returns, see the
//!   module for why not it.
//! - [`config`], [`run`](mod@run), [`report`]: a bounded run and its report.
//! - [`consensus`]: a consensus protocol's run, every process proposing its
//!   input, and its report (decisions, handovers, the properties observed).
//!
//! ```no_run
//! use dsl_core::actors::{run, RunConfig};
//! let src = include_str!("../../examples/bracha.rs");
//! let ir = &dsl_core::source::protocols_in_source(src).unwrap()[0];
//! let mut config = RunConfig::new(4, 1);
//! config.byzantine = vec![3];
//! config.from = vec![0, 3];
//! config.broadcasts = 4;
//! let report = run(ir, &config).unwrap();
//! print!("{report}");
//! assert!(report.holds());
//! ```

pub mod config;
pub mod consensus;
pub mod intern;
pub mod link;
pub mod process;
pub mod report;
pub mod run;
pub mod runtime;
pub mod wire;

pub use config::{RunConfig, RunError};
pub use process::{Behaviour, ProcessActor, RunLimits};
pub use report::{Disagreement, Role, RunEnd, RunReport};
pub use run::run;

use crate::ir::ProtocolIr;

/// Runs `ir` as actors with [`RunConfig::for_protocol`] (a demonstration
/// under its own fault model), prints the summary table and returns whether
/// reliable broadcast held. For an example's `main`, behind a flag:
/// `if std::env::args().any(|a| a == "--run") { distgen::actors::run_example(&Bracha::ir()); }`.
pub fn run_example(ir: &ProtocolIr) -> bool {
    let result = RunConfig::for_protocol(ir).and_then(|config| run(ir, &config));
    match result {
        Ok(report) => {
            print!("{report}");
            report.holds()
        }
        Err(e) => {
            eprintln!("error: {e}");
            false
        }
    }
}
