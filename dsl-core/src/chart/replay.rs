//! Replaying actions through the plain model, recording what the chart shows.

use super::{Arrow, Chart, ChartError, Event, Lane, LaneKind};
use crate::checker::plain::{PlainModel, PlainState};
use crate::checker::{Action, Config, Flight, Senders};
use crate::ir::ProtocolIr;
use crate::semantics::Value;
use std::collections::{BTreeMap, VecDeque};

/// The state of a replay: the model, its state, and when each message in
/// flight was sent.
struct Replay<'a> {
    model: PlainModel,
    names: &'a [String],
    state: PlainState,
    sent_at: BTreeMap<Flight, usize>,
    events: Vec<Event>,
    row: usize,
}

impl Replay<'_> {
    fn label(&self, msg: u8, value: Value) -> String {
        let name = self.names.get(msg as usize).map_or("?", String::as_str);
        format!("{name}({value})")
    }

    /// Applies one action at the current row, recording new messages in
    /// flight and new deliveries.
    fn apply(&mut self, action: Action, step: usize) -> Result<(), ChartError> {
        let before = self.state.clone();
        self.model
            .apply(&mut self.state, action, &mut Vec::new())
            .ok_or(ChartError::NotEnabled { step, action })?;
        for m in self.state.in_flight.difference(&before.in_flight) {
            self.sent_at.insert(*m, self.row);
        }
        for (p, (old, new)) in before.procs.iter().zip(&self.state.procs).enumerate() {
            if let (None, Some(value)) = (old.delivered, new.delivered) {
                self.events.push(Event::Deliver {
                    process: p,
                    label: format!("deliver {value}"),
                    row: self.row,
                });
            }
        }
        Ok(())
    }

    /// Draws the message in flight `(from, to, msg, value)` from the row it
    /// was sent at (this row if it was never seen sent) to this row: received
    /// (`Some(injected)`) or lost (`None`).
    fn arrow(&mut self, (from, to, msg, value): Flight, received: Option<bool>) {
        let sent = self
            .sent_at
            .remove(&(from, to, msg, value))
            .unwrap_or(self.row);
        let arrow = Arrow {
            from: from as usize,
            to: to as usize,
            label: self.label(msg, value),
            sent,
            row: self.row,
        };
        self.events.push(match received {
            Some(injected) => Event::Message { arrow, injected },
            None => Event::Lost(arrow),
        });
    }

    /// One receipt (a step's silent receipts are each a row of their own).
    fn receive(&mut self, flight: Flight, step: usize) -> Result<(), ChartError> {
        let (from, to, msg, value) = flight;
        self.arrow(flight, Some(self.model.faulty.is_byzantine(from as usize)));
        let single = Action::Receive {
            from,
            to,
            msg,
            value,
            before: Senders::default(),
        };
        self.apply(single, step)
    }

    fn step(&mut self, action: Action, step: usize) -> Result<(), ChartError> {
        match action {
            Action::Receive { to, value, .. } => {
                for (i, (m, b)) in action.receipts().enumerate() {
                    if i > 0 {
                        self.row += 1;
                    }
                    self.receive((b as u8, to, m as u8, value), step)?;
                }
            }
            Action::Crash(p) => {
                self.events.push(Event::Crash {
                    process: p as usize,
                    row: self.row,
                });
                self.apply(action, step)?;
            }
            Action::Lose(lost) => {
                self.arrow(lost.flight(), None);
                self.apply(action, step)?;
            }
        }
        Ok(())
    }
}

/// See [`Chart::replay`].
pub(super) fn replay(
    ir: &ProtocolIr,
    config: &Config,
    actions: &[Action],
) -> Result<Chart, ChartError> {
    let model = PlainModel::new(ir, config)?;
    let state = model.initial();
    let mut replay = Replay {
        sent_at: state.in_flight.iter().map(|&m| (m, 0)).collect(),
        model,
        names: &ir.messages,
        state,
        events: Vec::new(),
        row: 0,
    };
    if replay.model.faulty.broadcaster_correct {
        replay.events.push(Event::Broadcast {
            process: 0,
            value: 0,
        });
        if let Some(value) = replay.state.procs[0].delivered {
            replay.events.push(Event::Deliver {
                process: 0,
                label: format!("deliver {value}"),
                row: 0,
            });
        }
    }
    for (i, &action) in actions.iter().enumerate() {
        replay.row += 1;
        replay.step(action, i + 1)?;
    }
    let lanes = (0..config.n)
        .map(|p| Lane {
            process: p,
            kind: if replay.model.faulty.is_byzantine(p) {
                LaneKind::Byzantine
            } else if replay.state.crashed & (1 << p) != 0 {
                LaneKind::Crashed
            } else {
                LaneKind::Correct
            },
        })
        .collect();
    Ok(Chart {
        title: String::new(),
        caption: String::new(),
        broadcaster: Some(0),
        lanes,
        rows: replay.row + 1,
        events: replay.events,
    })
}

/// The failure-free run of `ir` in `config` as actions: the broadcaster
/// broadcasts 0 and every message is received in the order it was sent,
/// until none is in flight.
pub fn failure_free_actions(ir: &ProtocolIr, config: &Config) -> Result<Vec<Action>, ChartError> {
    let model = PlainModel::new(ir, config)?;
    let mut state = model.initial();
    let mut queue: VecDeque<Flight> = state.in_flight.iter().copied().collect();
    let mut actions = Vec::new();
    while let Some((from, to, msg, value)) = queue.pop_front() {
        let action = Action::Receive {
            from,
            to,
            msg,
            value,
            before: Senders::default(),
        };
        let before = state.in_flight.clone();
        model
            .apply(&mut state, action, &mut Vec::new())
            .ok_or(ChartError::NotEnabled {
                step: actions.len() + 1,
                action,
            })?;
        queue.extend(state.in_flight.difference(&before).copied());
        actions.push(action);
    }
    Ok(actions)
}
