//! The paper's metrics of a protocol, for the failure-free run (docs/DESIGN.md
//! section 5): network messages until quiescence, communication steps until
//! every process delivered, and how many messages a process needs to deliver.
//!
//! The run is the synchronous one: in round r every process receives all
//! messages sent in round r - 1, so the round of the last delivery is the
//! causal depth. It uses the same step function as the checker and actors.

use crate::ir::ProtocolIr;
use crate::semantics::{CompiledGuard, InstanceError, Machine, Output, Pick, ProcessState};
use serde::{Deserialize, Serialize};

/// Metrics of the failure-free run at one (N, F).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Metrics {
    /// N.
    pub n: usize,
    /// F.
    pub f: usize,
    /// Network messages sent until quiescence (a send to all costs N - 1).
    pub messages: usize,
    /// Communication steps until every process delivered; `None` if some
    /// process never delivers.
    pub steps: Option<usize>,
    /// The fewest messages of one type a process needs before a `deliver`
    /// rule fires (1 for `from broadcaster`); `None` if only `on broadcast`
    /// delivers.
    pub deliver_threshold: Option<usize>,
}

/// Measures `ir` at (N, F) in the failure-free run where process 0 broadcasts.
pub fn measure(ir: &ProtocolIr, n: usize, f: usize) -> Result<Metrics, InstanceError> {
    let machine = Machine::new_unchecked(ir, n, f)?;
    let mut delivered_round = vec![None; n];
    let mut messages = 0;
    let mut round = 0;
    // (from, to, type, value) to be received in the next round.
    let mut pending: Vec<(usize, usize, usize, u8)> = Vec::new();
    // Turns one process's outputs into next-round messages and deliveries.
    let emit = |from: usize,
                outs: &mut Vec<Output>,
                pending: &mut Vec<(usize, usize, usize, u8)>,
                delivered_round: &mut Vec<Option<usize>>,
                round: usize,
                messages: &mut usize| {
        for o in outs.drain(..) {
            match o {
                Output::Send { msg, value, to } => {
                    for p in machine.recipients(from, to) {
                        pending.push((from, p, msg, value));
                        *messages += 1;
                    }
                }
                Output::Deliver(_) | Output::Decide(_) | Output::Handover(_) => {
                    delivered_round[from] = Some(round)
                }
                Output::Evaluate(_) => {}
            }
        }
    };
    let mut states = vec![ProcessState::default(); n];
    let mut outs = Vec::new();
    machine.broadcast(0, &mut states[0], 0, &mut outs);
    emit(
        0,
        &mut outs,
        &mut pending,
        &mut delivered_round,
        0,
        &mut messages,
    );
    while !pending.is_empty() {
        round += 1;
        for (from, to, msg, value) in std::mem::take(&mut pending) {
            machine.receive(
                to,
                &mut states[to],
                from,
                msg,
                value,
                Pick::Majority,
                &mut outs,
            );
            emit(
                to,
                &mut outs,
                &mut pending,
                &mut delivered_round,
                round,
                &mut messages,
            );
        }
    }
    let steps = delivered_round
        .iter()
        .copied()
        .collect::<Option<Vec<_>>>()
        .map(|r| r.into_iter().max().unwrap_or(0));
    let deliver_threshold = machine
        .rules
        .iter()
        .filter(|r| r.effects.contains(&crate::ir::Effect::Deliver))
        .filter_map(|r| {
            r.guards
                .iter()
                .filter_map(|g| match *g {
                    CompiledGuard::FromBroadcaster(_) => Some(1),
                    CompiledGuard::AtLeast(_, k) | CompiledGuard::AtLeastExcluding(_, k) => {
                        Some(k as usize)
                    }
                    CompiledGuard::NotSent(_) => None,
                })
                .max()
        })
        .min();
    Ok(Metrics {
        n,
        f,
        messages,
        steps,
        deliver_threshold,
    })
}
