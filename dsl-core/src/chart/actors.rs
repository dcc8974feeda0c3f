//! One instance of a run of the UDP actors, from its report.

use super::{Chart, Event, Lane, LaneKind};
use crate::actors::{Role, RunReport};
use crate::semantics::ProcId;

/// The chart of instance `index` of `report` (`None` if there is no such
/// instance): the origin's broadcast, then crashes and deliveries in order of
/// time, each delivery labelled with its latency. The actors count messages
/// but do not record each one, so the chart has no arrows; the caption gives
/// the count.
pub fn of_run(report: &RunReport, index: usize) -> Option<Chart> {
    let instance = report.instances.get(index)?;
    let start = instance.broadcast_ms.unwrap_or(0.0);
    // (ms after the broadcast, process, delivered value or None for a crash)
    let mut timed: Vec<(f64, ProcId, Option<u64>)> = report
        .processes
        .iter()
        .filter_map(|p| p.crashed_ms.map(|ms| (ms - start, p.id, None)))
        .collect();
    for (p, (value, latency)) in instance
        .delivered
        .iter()
        .zip(&instance.latency_ms)
        .enumerate()
    {
        if let Some(value) = value {
            timed.push((latency.unwrap_or(0.0), p, Some(*value)));
        }
    }
    timed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let mut events = Vec::new();
    if let (true, Some(&value)) = (instance.origin_correct, instance.values.first()) {
        events.push(Event::Broadcast {
            process: instance.instance.origin,
            value,
        });
    }
    for (i, &(ms, process, value)) in timed.iter().enumerate() {
        let row = i + 1;
        events.push(match value {
            Some(value) => Event::Deliver {
                process,
                label: format!("deliver {value}, {ms:.1} ms"),
                row,
            },
            None => Event::Crash { process, row },
        });
    }
    let lanes = report
        .processes
        .iter()
        .map(|p| Lane {
            process: p.id,
            kind: match p.role {
                Role::Correct => LaneKind::Correct,
                // A killed node is drawn as crashed: it stopped, and nothing after that is known.
                Role::Crashed | Role::Dead => LaneKind::Crashed,
                Role::Byzantine => LaneKind::Byzantine,
            },
        })
        .collect();
    let held = if report
        .violations
        .iter()
        .any(|v| v.instance == instance.instance)
    {
        "reliable broadcast violated"
    } else {
        "reliable broadcast held"
    };
    Some(Chart {
        title: format!(
            "{}: instance {} of a run over UDP",
            report.protocol, instance.instance
        ),
        caption: format!(
            "N = {}, F = {}: {} network messages (not drawn one by one), {held}",
            report.n, report.f, instance.messages
        ),
        broadcaster: Some(instance.instance.origin),
        lanes,
        rows: timed.len() + 1,
        events,
    })
}
