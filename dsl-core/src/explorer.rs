//! A readable model for stateright's web explorer.
//!
//! [`Explorer`] delegates every step to the plain model
//! ([`PlainModel`]: docs/DESIGN.md's semantics with no reduction) and only changes
//! how things look: each state is a small table (per process: what it sent,
//! how many distinct senders it heard per (type, value), what it delivered;
//! then what is in flight), each action is the line distgen's traces print
//! (`p3 (Byzantine) -> p1: Echo(1)`), each step also says what the receiver
//! did in reaction, and the path so far is drawn as a message-sequence chart
//! ([`crate::chart`]).
//!
//! ```
//! use dsl_core::checker::{Config, Scenario};
//! use dsl_core::explorer::Explorer;
//! use stateright::Model;
//! let src = include_str!("../../examples/bracha.rs");
//! let ir = &dsl_core::source::protocols_in_source(src).unwrap()[0];
//! let config = Config { faults: ir.faults, n: 4, f: 1, scenario: Scenario::CorrectBroadcaster };
//! let explorer = Explorer::new(ir, config).unwrap();
//! let init = &explorer.init_states()[0];
//! assert!(format!("{init:?}").contains("p0  broadcaster  Initial(0)"));
//! // explorer.checker().serve("127.0.0.1:3000") serves it.
//! ```

use crate::chart::{self, Chart};
use crate::checker::plain::{PlainModel, PlainState};
use crate::checker::properties::{self, Checked};
use crate::checker::{describe, Action, Config};
use crate::ir::{Dest, ProtocolIr};
use crate::semantics::{InstanceError, Output, ProcId, Value};
use std::collections::BTreeMap;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// What the tables need to name things.
#[derive(Debug)]
struct Labels {
    ir: ProtocolIr,
    config: Config,
    model: PlainModel,
}

/// The plain model, dressed for the explorer.
#[derive(Clone, Debug)]
pub struct Explorer {
    labels: Arc<Labels>,
}

/// A state of the plain model that prints itself as a table (its `Debug`,
/// which is what the explorer shows). Equality and hashing look at the plain
/// state only.
#[derive(Clone)]
pub struct ExplorerState {
    /// The plain model's state.
    pub state: PlainState,
    labels: Arc<Labels>,
}

impl PartialEq for ExplorerState {
    fn eq(&self, other: &Self) -> bool {
        self.state == other.state
    }
}

impl Eq for ExplorerState {}

impl Hash for ExplorerState {
    fn hash<H: Hasher>(&self, h: &mut H) {
        self.state.hash(h);
    }
}

impl fmt::Debug for ExplorerState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&table(&self.labels, &self.state))
    }
}

impl Explorer {
    /// The explorer's model of `ir` in `config`.
    pub fn new(ir: &ProtocolIr, config: Config) -> Result<Explorer, InstanceError> {
        Ok(Explorer {
            labels: Arc::new(Labels {
                ir: ir.clone(),
                config,
                model: PlainModel::new(ir, &config)?,
            }),
        })
    }

    /// The plain model underneath.
    pub fn plain(&self) -> &PlainModel {
        &self.labels.model
    }

    fn wrap(&self, state: PlainState) -> ExplorerState {
        ExplorerState {
            state,
            labels: Arc::clone(&self.labels),
        }
    }
}

fn message(names: &[String], msg: usize, value: Value) -> String {
    format!("{}({value})", names.get(msg).map_or("?", String::as_str))
}

fn role(labels: &Labels, s: &PlainState, p: ProcId) -> &'static str {
    if labels.model.faulty.is_byzantine(p) {
        "Byzantine"
    } else if s.crashed & (1 << p) != 0 {
        "crashed"
    } else if p == 0 {
        "broadcaster"
    } else {
        "correct"
    }
}

/// One row per process: id, role, sent, heard, delivered.
fn rows(labels: &Labels, s: &PlainState) -> Vec<[String; 5]> {
    let names = &labels.ir.messages;
    let dash = || "-".to_string();
    let or_dash = |v: Vec<String>| if v.is_empty() { dash() } else { v.join(" ") };
    s.procs
        .iter()
        .enumerate()
        .map(|(p, local)| {
            let sent = local.sent.iter().map(|&(m, v)| message(names, m, v));
            let heard = local.senders.iter().filter(|(_, &set)| set != 0);
            let heard = heard
                .map(|(&(m, v), set)| format!("{}x{}", message(names, m, v), set.count_ones()));
            [
                format!("p{p}"),
                role(labels, s, p).to_string(),
                or_dash(sent.collect()),
                or_dash(heard.collect()),
                local.delivered.map_or_else(dash, |v| v.to_string()),
            ]
        })
        .collect()
}

/// The state as a table, then the messages in flight grouped by sender and
/// message.
fn table(labels: &Labels, s: &PlainState) -> String {
    let header = ["", "role", "sent", "heard (distinct senders)", "delivered"].map(String::from);
    let mut lines = vec![header];
    lines.extend(rows(labels, s));
    let widths: Vec<usize> = (0..5)
        .map(|c| lines.iter().map(|l| l[c].len()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for line in &lines {
        let cells: Vec<String> = line
            .iter()
            .zip(&widths)
            .map(|(cell, &w)| format!("{cell:w$}"))
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    let mut flights: BTreeMap<(u8, u8, Value), Vec<String>> = BTreeMap::new();
    for &(from, to, m, v) in &s.in_flight {
        flights
            .entry((from, m, v))
            .or_default()
            .push(format!("p{to}"));
    }
    out.push_str(&format!("in flight: {}\n", s.in_flight.len()));
    for ((from, m, v), to) in flights {
        let msg = message(&labels.ir.messages, m as usize, v);
        out.push_str(&format!("  p{from} -> {}: {msg}\n", to.join(", ")));
    }
    out
}

/// What the receiver of `action` did, as trace lines (`p1 sends Echo(0) to all`).
fn reactions(labels: &Labels, action: &Action, out: &[Output]) -> Vec<String> {
    let Action::Receive { to, .. } = *action else {
        return Vec::new();
    };
    let names = &labels.ir.messages;
    out.iter()
        .map(|o| match *o {
            Output::Send {
                msg,
                value,
                to: dest,
            } => {
                let dest = match dest {
                    Dest::All => "all",
                    Dest::Others => "others",
                    Dest::Myself => "self",
                };
                format!("p{to} sends {} to {dest}", message(names, msg, value))
            }
            Output::Deliver(v) => format!("p{to} delivers {v}"),
            Output::Decide(v) => format!("p{to} decides {v}"),
            Output::Handover(v) => format!("p{to} hands over {v}"),
            Output::Evaluate(e) => format!(
                "p{to} evaluates {}: {} x 0, {} x 1",
                names[e.msg], e.snapshot[0], e.snapshot[1]
            ),
        })
        .collect()
}

impl stateright::Model for Explorer {
    type State = ExplorerState;
    type Action = Action;

    fn init_states(&self) -> Vec<ExplorerState> {
        vec![self.wrap(self.plain().initial())]
    }

    fn actions(&self, state: &ExplorerState, actions: &mut Vec<Action>) {
        self.plain().enabled(&state.state, actions);
    }

    fn next_state(&self, last: &ExplorerState, action: Action) -> Option<ExplorerState> {
        let mut s = last.state.clone();
        self.plain().apply(&mut s, action, &mut Vec::new())?;
        Some(self.wrap(s))
    }

    fn format_action(&self, action: &Action) -> String {
        let plain = self.plain();
        describe::describe(&plain.faulty, &plain.messages, action).join("; ")
    }

    fn format_step(&self, last: &ExplorerState, action: Action) -> Option<String> {
        let mut s = last.state.clone();
        let mut out = Vec::new();
        self.plain().apply(&mut s, action, &mut out)?;
        let mut lines = vec![self.format_action(&action)];
        lines.extend(
            reactions(&self.labels, &action, &out)
                .into_iter()
                .map(|l| format!("  {l}")),
        );
        Some(format!(
            "{}\n\n{}",
            lines.join("\n"),
            table(&self.labels, &s)
        ))
    }

    fn as_svg(&self, path: stateright::Path<ExplorerState, Action>) -> Option<String> {
        let actions = path.into_actions();
        let labels = &self.labels;
        let mut chart = Chart::replay(&labels.ir, &labels.config, &actions).ok()?;
        chart.title = format!("{}: {} steps", labels.ir.name, actions.len());
        chart.caption = chart::describe_config(&labels.config);
        Some(chart.to_svg())
    }

    fn properties(&self) -> Vec<stateright::Property<Self>> {
        properties::all(self)
    }
}

impl Checked for Explorer {
    fn verify(&self, p: crate::problem::Property, s: &ExplorerState) -> Result<(), String> {
        properties::broadcast(p, &self.plain().observe(&s.state))
    }
}

#[cfg(test)]
mod tests;
