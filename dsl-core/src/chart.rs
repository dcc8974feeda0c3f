//! Message-sequence charts: one execution of a protocol as a picture.
//!
//! A [`Chart`] is built by replaying a sequence of checker
//! [`Action`]s through the plain model
//! ([`PlainModel`](crate::checker::plain::PlainModel), which steps
//! processes with the one [`Machine`](crate::semantics::Machine)), never by
//! reading the trace's text. [`Chart::to_svg`] draws it with the `svg` crate:
//!
//! - a vertical lane per process, coloured by role (correct, crashed,
//!   Byzantine) and headed `p0 broadcaster`, `p3 Byzantine`, ...;
//! - time flows downwards, one row per step;
//! - an arrow per message received, from the row where it was sent to the
//!   row where it is received, labelled with its type and value; Byzantine
//!   injections are red and dashed, lost messages grey and crossed out;
//! - a cross where a process crashes, a green dot where one delivers;
//! - the title names the violated property (or the run) and the
//!   configuration.
//!
//! A consensus counterexample is drawn from its trace lines instead
//! ([`consensus`]): proposals, votes, and each evaluation with its decision
//! (green) or handover (orange).
//!
//! [`of_run`] draws the same lanes for one instance of a run of the UDP
//! actors, from its report: who broadcast, crashed and delivered, in order of
//! time (the actors do not record single messages, so it has no arrows).
//!
//! Every element carries a `class` (`lane`, `arrow`, `injection`, `lost`,
//! `delivery`, `crash`, `broadcast`, `propose`, `decision`, `handover`,
//! `evaluation`) and `data-*` attributes, so that tests and scripts can read
//! a chart back.
//!
//! ```
//! use dsl_core::chart;
//! let src = include_str!("../../examples/paper_fig3.rs");
//! let ir = &dsl_core::source::protocols_in_source(src).unwrap()[0];
//! let svg = chart::failure_free(ir, 4, 1).unwrap();
//! assert!(svg.starts_with("<svg"));
//! ```

mod actors;
pub mod consensus;
mod render;
mod replay;
#[cfg(test)]
pub(crate) mod tests;

use crate::checker::{Action, Config, Violation};
use crate::ir::{Problem, ProtocolIr};
use crate::semantics::{InstanceError, ProcId};

pub use actors::of_run;
pub use replay::failure_free_actions;

/// Why a chart cannot be drawn.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChartError {
    /// The protocol cannot be instantiated in the configuration.
    #[error(transparent)]
    Instance(#[from] InstanceError),
    /// An action is not enabled where the sequence puts it.
    #[error("step {step} ({action:?}) is not enabled in the state reached before it")]
    NotEnabled {
        /// 1-based position of the action in the sequence.
        step: usize,
        /// The action.
        action: Action,
    },
}

/// What role a process plays in the charted execution.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LaneKind {
    /// Correct from the first step to the last.
    Correct,
    /// Correct until it crashed (crash-stop).
    Crashed,
    /// Byzantine from the start.
    Byzantine,
}

impl LaneKind {
    /// The name written in the chart and its `data-kind` attribute.
    pub fn name(self) -> &'static str {
        match self {
            LaneKind::Correct => "correct",
            LaneKind::Crashed => "crashed",
            LaneKind::Byzantine => "Byzantine",
        }
    }
}

/// One process's lane.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lane {
    /// The process id.
    pub process: ProcId,
    /// Its role.
    pub kind: LaneKind,
}

/// A message, drawn from the row where it was sent to the row where it was
/// received (or lost).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Arrow {
    /// Sender.
    pub from: ProcId,
    /// Receiver, or would-be receiver.
    pub to: ProcId,
    /// Type and value, `Echo(1)`.
    pub label: String,
    /// Row of the send.
    pub sent: usize,
    /// Row of the receipt, or of the loss.
    pub row: usize,
}

/// Something drawn in the chart, at a row (a step; row 0 is the start).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// A correct process broadcasts `value` (row 0).
    Broadcast {
        /// The broadcaster.
        process: ProcId,
        /// The value.
        value: u64,
    },
    /// `arrow.to` receives a message from `arrow.from`; `injected` if a
    /// Byzantine process injected it.
    Message {
        /// The message.
        arrow: Arrow,
        /// Whether a Byzantine process injected it.
        injected: bool,
    },
    /// A message from a crashed process is lost.
    Lost(Arrow),
    /// Consensus: a correct process proposes `value` (row 0).
    Propose {
        /// Who.
        process: ProcId,
        /// Its input.
        value: u64,
    },
    /// Consensus: the process evaluates its `upon` block on `label` (the
    /// snapshot) and decides or hands over (`ending`), or does nothing.
    Evaluate {
        /// Who.
        process: ProcId,
        /// The snapshot: `Vote: 4 x 0, 0 x 1`.
        label: String,
        /// When.
        row: usize,
        /// Its decision or handover, if any.
        ending: Option<consensus::Ending>,
    },
    /// The process crashes.
    Crash {
        /// Who.
        process: ProcId,
        /// When.
        row: usize,
    },
    /// The process delivers.
    Deliver {
        /// Who.
        process: ProcId,
        /// What is written: `deliver 0`, `deliver 7, 2.1 ms`.
        label: String,
        /// When.
        row: usize,
    },
}

/// An execution ready to draw.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chart {
    /// The first line of the title (`PaperFig3 violates agreement`).
    pub title: String,
    /// The second line (configuration and what went wrong).
    pub caption: String,
    /// The process whose broadcast is charted (process 0 in the checker,
    /// where it may be Byzantine); `None` in consensus.
    pub broadcaster: Option<ProcId>,
    /// One lane per process, by id.
    pub lanes: Vec<Lane>,
    /// Rows used: 0 (the start) to `rows - 1`.
    pub rows: usize,
    /// What happened, in order.
    pub events: Vec<Event>,
}

impl Chart {
    /// Replays `actions` from the initial state of `ir` in `config` and
    /// records what happened. The title and caption are left empty.
    pub fn replay(
        ir: &ProtocolIr,
        config: &Config,
        actions: &[Action],
    ) -> Result<Chart, ChartError> {
        replay::replay(ir, config, actions)
    }

    /// The chart as an SVG document.
    pub fn to_svg(&self) -> String {
        render::svg(self)
    }
}

/// The configuration in words: `byzantine, N = 4, F = 1, correct-broadcaster`.
pub fn describe_config(config: &Config) -> String {
    format!(
        "{}, N = {}, F = {}, {}",
        config.faults,
        config.n,
        config.f,
        config.scenario.name()
    )
}

/// The chart of a counterexample found by the checker in `config`: the
/// violated property and the configuration in the title. A broadcast
/// counterexample is replayed from its actions, a consensus one drawn from
/// its trace ([`consensus::chart`]).
pub fn violation(
    ir: &ProtocolIr,
    config: &Config,
    violation: &Violation,
) -> Result<Chart, ChartError> {
    let mut chart = match ir.problem {
        Problem::Broadcast => Chart::replay(ir, config, &violation.actions)?,
        Problem::Consensus => consensus::chart(config, &violation.trace),
    };
    chart.title = format!("{} violates {}", ir.name, violation.property);
    chart.caption = format!("{}: {}", describe_config(config), violation.detail);
    Ok(chart)
}

/// The SVG of the failure-free run of `ir` at (N, F): the broadcaster
/// broadcasts 0, and messages are received in the order they were sent
/// until none is in flight. For reports (the learner's best protocol).
pub fn failure_free(ir: &ProtocolIr, n: usize, f: usize) -> Result<String, ChartError> {
    let config = Config {
        faults: ir.faults,
        n,
        f,
        scenario: crate::checker::Scenario::FailureFree,
    };
    let actions = failure_free_actions(ir, &config)?;
    let mut chart = Chart::replay(ir, &config, &actions)?;
    let delivered = chart
        .events
        .iter()
        .filter(|e| matches!(e, Event::Deliver { .. }))
        .count();
    let messages = chart
        .events
        .iter()
        .filter(|e| matches!(e, Event::Message { .. }))
        .count();
    chart.title = format!("{}: failure-free run", ir.name);
    chart.caption =
        format!("N = {n}, F = {f}: {messages} messages, {delivered} of {n} processes deliver");
    Ok(chart.to_svg())
}
