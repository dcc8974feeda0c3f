//! What a run reports: per instance, who delivered what and when; per
//! process, its counters; and whether reliable broadcast held.
//!
//! The properties are those of docs/DESIGN.md section 2.4, judged on what actually
//! happened: a process is correct if it is not Byzantine and did not crash.
//! - validity and integrity: if an instance's origin is correct, every correct
//!   process delivered exactly the origin's value;
//! - agreement: otherwise, either no correct process delivered, or all of them
//!   delivered the same value;
//! - a correct process delivered at most once per instance.

use super::process::Counters;
use super::runtime::SocketStats;
use super::wire::Instance;
use crate::semantics::ProcId;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt::{self, Write as _};

/// How the run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RunEnd {
    /// Every correct process delivered every instance, and the network went
    /// quiet.
    Complete,
    /// The network went quiet with some deliveries missing.
    Quiescent,
    /// The timeout struck first.
    Timeout,
}

/// What a process turned out to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Followed the protocol to the end.
    Correct,
    /// Crashed.
    Crashed,
    /// Byzantine.
    Byzantine,
    /// Vanished without a last word: a deployed node that was killed or
    /// died (counted as crashed).
    Dead,
}

/// One process at the end of the run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProcessReport {
    /// Its id.
    pub id: ProcId,
    /// Its UDP port.
    pub port: u16,
    /// Its socket's receive buffer, in bytes, as the kernel reports it.
    pub recv_buffer: usize,
    /// What it turned out to be.
    pub role: Role,
    /// The crash it was set up for, in network messages.
    pub crash_after: Option<u64>,
    /// When it crashed, in ms from the start.
    pub crashed_ms: Option<f64>,
    /// Network messages it sent.
    pub steps: u64,
    /// Instances it delivered.
    pub delivered: usize,
    /// Its protocol and link counters.
    pub counters: Counters,
    /// Its socket's counters.
    pub socket: SocketStats,
}

/// One broadcast instance at the end of the run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InstanceReport {
    /// Origin and sequence number.
    pub instance: Instance,
    /// Whether the origin is correct.
    pub origin_correct: bool,
    /// The values the origin broadcast: one, two when it equivocated, none if
    /// it crashed first.
    pub values: Vec<u64>,
    /// When the origin broadcast, in ms from the start.
    pub broadcast_ms: Option<f64>,
    /// What each process delivered (Byzantine processes: nothing).
    pub delivered: Vec<Option<u64>>,
    /// How long after the broadcast each process delivered, in ms.
    pub latency_ms: Vec<Option<f64>>,
    /// Network messages sent in this instance, by all processes.
    pub messages: u64,
    /// When the last correct process delivered, if all of them did, in ms
    /// after the broadcast.
    pub completed_ms: Option<f64>,
}

/// A property that did not hold.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Disagreement {
    /// The instance.
    pub instance: Instance,
    /// `validity`, `agreement` or `integrity`.
    pub property: String,
    /// What happened.
    pub detail: String,
}

/// Totals over all processes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    /// Network messages (first transmissions).
    pub messages: u64,
    /// Retransmissions.
    pub retransmits: u64,
    /// Acknowledgements sent.
    pub acks: u64,
    /// Duplicates received.
    pub duplicates: u64,
    /// Undecodable datagrams dropped.
    pub malformed: u64,
    /// Datagrams from outside the run dropped.
    pub foreign: u64,
    /// Messages naming no process or message type, dropped.
    pub invalid: u64,
    /// Messages dropped for too many values or instances.
    pub dropped: u64,
    /// Datagrams that failed authentication, dropped (deployed nodes only).
    #[serde(default)]
    pub forged: u64,
    /// Replayed datagrams, dropped (deployed nodes only).
    #[serde(default)]
    pub replayed: u64,
}

/// The result of [`crate::actors::run()`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunReport {
    /// The protocol's name.
    pub protocol: String,
    /// N.
    pub n: usize,
    /// F.
    pub f: usize,
    /// How the run ended.
    pub outcome: RunEnd,
    /// Wall-clock duration, in seconds.
    pub seconds: f64,
    /// Per process.
    pub processes: Vec<ProcessReport>,
    /// Per instance, in schedule order.
    pub instances: Vec<InstanceReport>,
    /// Totals.
    pub totals: Totals,
    /// What went wrong; empty when reliable broadcast held.
    pub violations: Vec<Disagreement>,
}

impl RunReport {
    /// Whether validity, agreement and integrity held for every instance.
    pub fn holds(&self) -> bool {
        self.violations.is_empty()
    }

    /// The ids of processes with `role`.
    pub fn with_role(&self, role: Role) -> Vec<ProcId> {
        self.processes
            .iter()
            .filter(|p| p.role == role)
            .map(|p| p.id)
            .collect()
    }
}

/// The violations of `instance`, given each process's role and its
/// deliveries (every delivery, to catch a double one).
pub fn judge(
    instance: &InstanceReport,
    roles: &[Role],
    deliveries: &[Vec<u64>],
) -> Vec<Disagreement> {
    let violation = |property: &str, detail: String| Disagreement {
        instance: instance.instance,
        property: property.into(),
        detail,
    };
    let correct: Vec<ProcId> = (0..roles.len())
        .filter(|&p| roles[p] == Role::Correct)
        .collect();
    let mut out = Vec::new();
    for &p in &correct {
        if deliveries[p].len() > 1 {
            out.push(violation(
                "integrity",
                format!("p{p} delivered {} times", deliveries[p].len()),
            ));
        }
    }
    let got = |p: ProcId| deliveries[p].first().copied();
    if instance.origin_correct {
        let Some(&value) = instance.values.first() else {
            return out;
        };
        for &p in &correct {
            match got(p) {
                None => out.push(violation(
                    "validity",
                    format!("p{p} did not deliver {value}"),
                )),
                Some(w) if w != value => out.push(violation(
                    "integrity",
                    format!("p{p} delivered {w}, not the broadcast value {value}"),
                )),
                Some(_) => {}
            }
        }
    } else {
        let values: Vec<Option<u64>> = correct.iter().map(|&p| got(p)).collect();
        if values.windows(2).any(|w| w[0] != w[1]) {
            let parts: Vec<String> = correct
                .iter()
                .zip(&values)
                .map(|(p, v)| match v {
                    Some(v) => format!("p{p} delivered {v}"),
                    None => format!("p{p} nothing"),
                })
                .collect();
            out.push(violation("agreement", parts.join(", ")));
        }
    }
    out
}

/// What one process did, as a run or a cluster saw it: the input of
/// [`assemble`]. Times are in ms from the start of the run.
#[derive(Clone, Debug, PartialEq)]
pub struct ProcessRecord {
    /// Its line of the report; [`assemble`] sets its `id` and `delivered`.
    pub process: ProcessReport,
    /// Its deliveries in order: instance, value, when.
    pub deliveries: Vec<(Instance, u64, Option<f64>)>,
    /// Its own broadcasts: instance, the values sent, when.
    pub broadcasts: Vec<(Instance, Vec<u64>, Option<f64>)>,
    /// Network messages it sent, per instance.
    pub sent: BTreeMap<Instance, u64>,
}

/// The report of a run of `protocol` at F = `f` over the processes of
/// `records` (process `p` is `records[p]`): per instance of `schedule`, who
/// delivered what and when, judged by [`judge`]. `timed_out`: whether the
/// run was stopped by its timeout.
pub fn assemble(
    protocol: &str,
    f: usize,
    schedule: &[Instance],
    records: Vec<ProcessRecord>,
    timed_out: bool,
    seconds: f64,
) -> RunReport {
    let n = records.len();
    let roles: Vec<Role> = records.iter().map(|r| r.process.role).collect();
    let mut instances = Vec::with_capacity(schedule.len());
    let mut violations = Vec::new();
    for &instance in schedule {
        let report = instance_report(instance, &records);
        let deliveries: Vec<Vec<u64>> = records
            .iter()
            .map(|r| match r.process.role {
                Role::Byzantine => Vec::new(),
                _ => r
                    .deliveries
                    .iter()
                    .filter(|(i, ..)| *i == instance)
                    .map(|&(_, v, _)| v)
                    .collect(),
            })
            .collect();
        violations.extend(judge(&report, &roles, &deliveries));
        instances.push(report);
    }
    let all_delivered = instances
        .iter()
        .all(|i| (0..n).all(|p| roles[p] != Role::Correct || i.delivered[p].is_some()));
    let outcome = match (timed_out, all_delivered) {
        (_, true) => RunEnd::Complete,
        (false, false) => RunEnd::Quiescent,
        (true, false) => RunEnd::Timeout,
    };
    let processes: Vec<ProcessReport> = records
        .into_iter()
        .enumerate()
        .map(|(p, r)| ProcessReport {
            id: p,
            delivered: r.deliveries.len(),
            ..r.process
        })
        .collect();
    RunReport {
        protocol: protocol.into(),
        n,
        f,
        outcome,
        seconds,
        totals: Totals::of(&processes),
        processes,
        instances,
        violations,
    }
}

impl Totals {
    /// The sums over `processes`.
    fn of(processes: &[ProcessReport]) -> Totals {
        let mut totals = Totals::default();
        for ProcessReport {
            counters: c,
            socket: s,
            ..
        } in processes
        {
            totals.messages += c.sent;
            totals.retransmits += c.retransmits;
            totals.acks += c.acks_sent;
            totals.duplicates += c.duplicates;
            totals.malformed += s.malformed + s.not_ipv4;
            totals.foreign += c.foreign;
            totals.invalid += c.invalid;
            totals.dropped += c.values_dropped + c.instances_dropped;
            totals.forged += s.forged;
            totals.replayed += s.replayed;
        }
        totals
    }
}

/// One instance: the origin's values, each process's first delivery and its
/// latency, the messages sent.
fn instance_report(instance: Instance, records: &[ProcessRecord]) -> InstanceReport {
    let origin = records.get(instance.origin);
    let broadcast = origin.and_then(|r| r.broadcasts.iter().find(|(i, ..)| *i == instance));
    let sent = broadcast.and_then(|b| b.2);
    fn first(r: &ProcessRecord, instance: Instance) -> Option<&(Instance, u64, Option<f64>)> {
        r.deliveries
            .iter()
            .find(|(i, ..)| *i == instance)
            .filter(|_| r.process.role != Role::Byzantine)
    }
    let latency: Vec<Option<f64>> = records
        .iter()
        .map(|r| match (sent, first(r, instance).and_then(|d| d.2)) {
            (Some(b), Some(d)) => Some((d - b).max(0.0)),
            _ => None,
        })
        .collect();
    let completed_ms = records
        .iter()
        .zip(&latency)
        .filter(|(r, _)| r.process.role == Role::Correct)
        .try_fold(0.0f64, |m, (_, l)| l.map(|l| m.max(l)));
    InstanceReport {
        instance,
        origin_correct: origin.is_some_and(|r| r.process.role == Role::Correct),
        values: broadcast.map(|b| b.1.clone()).unwrap_or_default(),
        broadcast_ms: sent,
        delivered: records
            .iter()
            .map(|r| first(r, instance).map(|d| d.1))
            .collect(),
        latency_ms: latency,
        messages: records.iter().filter_map(|r| r.sent.get(&instance)).sum(),
        completed_ms,
    }
}

fn ms(x: Option<f64>) -> String {
    x.map_or("-".into(), |x| format!("{x:.1} ms"))
}

/// Lays out rows as left-aligned columns.
fn columns(rows: &[Vec<String>]) -> String {
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..width)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in rows {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(s, &w)| format!("{s:<w$}"))
            .collect();
        let _ = writeln!(out, "{}", cells.join("  ").trim_end());
    }
    out
}

fn ids(ids: &[ProcId]) -> String {
    if ids.is_empty() {
        "none".into()
    } else {
        ids.iter()
            .map(|p| format!("p{p}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl RunReport {
    /// The table of instances: who delivered what, messages, latency.
    fn instance_rows(&self) -> Vec<Vec<String>> {
        let mut rows = vec![{
            let mut h = vec!["instance".to_string(), "broadcast".into()];
            h.extend(self.processes.iter().map(|p| match p.role {
                Role::Correct => format!("p{}", p.id),
                Role::Crashed => format!("p{} (crashed)", p.id),
                Role::Byzantine => format!("p{} (byz)", p.id),
                Role::Dead => format!("p{} (dead)", p.id),
            }));
            h.extend(["msgs".into(), "latency".into()]);
            h
        }];
        for i in &self.instances {
            let values: Vec<String> = i.values.iter().map(u64::to_string).collect();
            let mut row = vec![
                i.instance.to_string(),
                if values.is_empty() {
                    "-".into()
                } else {
                    values.join("|")
                },
            ];
            row.extend(
                self.processes
                    .iter()
                    .map(|p| match (p.role, i.delivered[p.id]) {
                        (Role::Byzantine, _) => "*".into(),
                        (_, Some(v)) => v.to_string(),
                        (_, None) => "-".into(),
                    }),
            );
            row.extend([i.messages.to_string(), ms(i.completed_ms)]);
            rows.push(row);
        }
        rows
    }

    /// The table of processes: role and counters.
    fn process_rows(&self) -> Vec<Vec<String>> {
        let mut rows = vec![[
            "process",
            "port",
            "role",
            "sent",
            "received",
            "dups",
            "resent",
            "acks",
            "malformed",
            "foreign",
            "forged",
            "replayed",
            "invalid",
            "dropped",
        ]
        .map(String::from)
        .to_vec()];
        for p in &self.processes {
            let c = &p.counters;
            let role = match (p.role, p.crash_after) {
                (Role::Crashed, Some(s)) => format!("crashed after {s}"),
                (Role::Correct, Some(s)) => format!("correct (crash after {s} never came)"),
                (Role::Correct, None) => "correct".into(),
                (Role::Crashed, None) => "crashed".into(),
                (Role::Byzantine, _) => "byzantine".into(),
                (Role::Dead, _) => "dead (killed, no final report)".into(),
            };
            rows.push(vec![
                format!("p{}", p.id),
                p.port.to_string(),
                role,
                c.sent.to_string(),
                c.received.to_string(),
                c.duplicates.to_string(),
                c.retransmits.to_string(),
                c.acks_sent.to_string(),
                p.socket.malformed.to_string(),
                c.foreign.to_string(),
                p.socket.forged.to_string(),
                p.socket.replayed.to_string(),
                c.invalid.to_string(),
                (c.values_dropped + c.instances_dropped).to_string(),
            ]);
        }
        rows
    }
}

impl fmt::Display for RunReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} at N = {}, F = {}: {} broadcast(s); byzantine: {}; crashed: {}{}",
            self.protocol,
            self.n,
            self.f,
            self.instances.len(),
            ids(&self.with_role(Role::Byzantine)),
            ids(&self.with_role(Role::Crashed)),
            match self.with_role(Role::Dead) {
                dead if dead.is_empty() => String::new(),
                dead => format!("; dead: {}", ids(&dead)),
            }
        )?;
        let outcome = match self.outcome {
            RunEnd::Complete => "complete: every correct process delivered every instance",
            RunEnd::Quiescent => "quiescent: the network went quiet with deliveries missing",
            RunEnd::Timeout => "timeout: the run was stopped",
        };
        writeln!(f, "{outcome} ({:.3} s)\n", self.seconds)?;

        writeln!(f, "{}", columns(&self.instance_rows()))?;
        writeln!(f, "{}", columns(&self.process_rows()))?;
        let t = &self.totals;
        writeln!(
            f,
            "messages: {} (+ {} retransmitted, {} acks, {} duplicates received); \
             dropped: {} malformed, {} foreign, {} forged, {} replayed, {} invalid, \
             {} over a limit\n",
            t.messages,
            t.retransmits,
            t.acks,
            t.duplicates,
            t.malformed,
            t.foreign,
            t.forged,
            t.replayed,
            t.invalid,
            t.dropped
        )?;

        if self.violations.is_empty() {
            writeln!(
                f,
                "validity, agreement and integrity hold for all {} instance(s)",
                self.instances.len()
            )
        } else {
            writeln!(f, "{} violation(s):", self.violations.len())?;
            for v in &self.violations {
                writeln!(f, "  instance {}: {}: {}", v.instance, v.property, v.detail)?;
            }
            Ok(())
        }
    }
}
