//! One node of a deployed protocol: the protocol's actor
//! ([`ProcessActor`], THE step function) on an [`AuthTransport`], with
//! broadcasts asked for while it runs and one [`Line`] per event.
//!
//! A node of a consensus protocol is given its input instead
//! ([`NodeConfig::input`]): it proposes it at start (a Byzantine node votes
//! both values, as in `distgen run`), and reports its proposal and then its
//! decision or handover ([`Line::Propose`], [`Line::Decide`],
//! [`Line::Handover`]); it broadcasts nothing.

use crate::auth::Links;
use crate::peers::Peers;
use crate::transport::AuthTransport;
use dsl_core::actors::consensus::{self, Ending};
use dsl_core::actors::process::{Counters, Node};
use dsl_core::actors::runtime::{drive_on, Flow, SocketStats};
use dsl_core::actors::wire::Instance;
use dsl_core::actors::{Behaviour, ProcessActor, RunLimits};
use dsl_core::ir::{Problem, ProtocolIr};
use dsl_core::semantics::{InstanceError, Machine};
use serde::{Deserialize, Serialize};
use stateright::actor::Id;
use std::collections::HashMap;
use std::fmt;
use std::net::SocketAddr;
use std::sync::atomic::AtomicBool;
use std::sync::mpsc::Receiver;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// How often the stop flag and the broadcast requests are looked at.
const POLL: Duration = Duration::from_millis(5);

/// Why a node could not run.
#[derive(Debug, thiserror::Error)]
pub enum NodeError {
    /// The protocol cannot be instantiated at (N, F).
    #[error(transparent)]
    Instance(#[from] InstanceError),
    /// The socket could not be bound.
    #[error("cannot bind {address}: {error}")]
    Bind {
        /// The address.
        address: SocketAddr,
        /// Why.
        error: std::io::Error,
    },
    /// The socket failed while running.
    #[error("socket failed")]
    Io(#[from] std::io::Error),
    /// A setting is out of range.
    #[error("{0}")]
    Setting(String),
}

/// What one node is asked to do.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeConfig {
    /// Its id in the peers file.
    pub id: usize,
    /// The fault bound the protocol is instantiated with.
    pub f: usize,
    /// Correct or Byzantine (equivocates, forges, replays).
    pub behaviour: Behaviour,
    /// Crash after this many network messages.
    pub crash_after: Option<u64>,
    /// Values to broadcast at start, in order (broadcast protocols).
    pub broadcasts: Vec<u64>,
    /// Consensus protocols: the input (0 or 1) it proposes at start; a
    /// Byzantine node votes both values instead. `None` for broadcast.
    pub input: Option<u64>,
    /// Probability of dropping an incoming datagram on purpose.
    pub loss: f64,
    /// The address to bind instead of its own in the peers file.
    pub bind: Option<SocketAddr>,
    /// Bounds on the protocol state.
    pub limits: RunLimits,
    /// Period of the retransmission tick.
    pub resend_every: Duration,
}

impl NodeConfig {
    /// Node `id` at fault bound `f`, correct, no broadcast, no loss.
    pub fn new(id: usize, f: usize) -> NodeConfig {
        NodeConfig {
            id,
            f,
            behaviour: Behaviour::Correct,
            crash_after: None,
            broadcasts: Vec::new(),
            input: None,
            loss: 0.0,
            bind: None,
            limits: RunLimits::default(),
            resend_every: Duration::from_millis(10),
        }
    }
}

/// One line of a node's output: an event, or the final counts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "lowercase")]
pub enum Line {
    /// The socket is bound; broadcasts may be asked for.
    Ready {
        /// The node.
        id: usize,
        /// N.
        n: usize,
        /// F.
        f: usize,
        /// The bound address.
        address: SocketAddr,
        /// The socket's receive buffer, in bytes.
        recv_buffer: usize,
        /// Microseconds since the Unix epoch.
        at_us: u64,
    },
    /// The node broadcast (two values: it equivocated).
    Broadcast {
        /// The instance.
        instance: Instance,
        /// The values sent.
        values: Vec<u64>,
        /// Microseconds since the Unix epoch.
        at_us: u64,
    },
    /// The node delivered.
    Deliver {
        /// The instance.
        instance: Instance,
        /// The value.
        value: u64,
        /// Milliseconds since this node first heard of the instance (or
        /// broadcast it).
        latency_ms: f64,
        /// Microseconds since the Unix epoch.
        at_us: u64,
    },
    /// Consensus: the node proposed (two values: it is Byzantine and voted
    /// both).
    Propose {
        /// The values voted.
        values: Vec<u64>,
        /// Microseconds since the Unix epoch.
        at_us: u64,
    },
    /// Consensus: the node decided.
    Decide {
        /// The value.
        value: u64,
        /// Milliseconds since the node started.
        latency_ms: f64,
        /// Microseconds since the Unix epoch.
        at_us: u64,
    },
    /// Consensus: the node handed its estimate over to the underlying
    /// consensus.
    Handover {
        /// The estimate.
        value: u64,
        /// Milliseconds since the node started.
        latency_ms: f64,
        /// Microseconds since the Unix epoch.
        at_us: u64,
    },
    /// The node crashed as it was set up to (`--crash-after`).
    Crashed {
        /// Network messages it sent.
        steps: u64,
        /// Microseconds since the Unix epoch.
        at_us: u64,
    },
    /// The node stopped (a signal, or after its crash): its counts.
    Stopped {
        /// The node.
        id: usize,
        /// Whether it had crashed.
        crashed: bool,
        /// Network messages it sent.
        steps: u64,
        /// Instances it delivered.
        delivered: usize,
        /// Instances it broadcast.
        broadcasts: usize,
        /// Protocol and link counters.
        counters: Counters,
        /// Socket and authentication counters.
        socket: SocketStats,
        /// Network messages it sent, per instance.
        sent: Vec<(Instance, u64)>,
        /// Microseconds since the Unix epoch.
        at_us: u64,
    },
}

impl fmt::Display for Line {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Line::Ready { id, n, address, .. } => {
                write!(f, "ready: node {id} of {n} on {address}")
            }
            Line::Broadcast {
                instance, values, ..
            } => {
                let v: Vec<String> = values.iter().map(u64::to_string).collect();
                write!(f, "broadcast {instance} {}", v.join("|"))
            }
            Line::Deliver {
                instance,
                value,
                latency_ms,
                ..
            } => write!(f, "deliver {instance} {value} after {latency_ms:.2} ms"),
            Line::Propose { values, .. } => {
                let v: Vec<String> = values.iter().map(u64::to_string).collect();
                write!(f, "propose {}", v.join("|"))
            }
            Line::Decide {
                value, latency_ms, ..
            } => write!(f, "decide {value} after {latency_ms:.2} ms"),
            Line::Handover {
                value, latency_ms, ..
            } => write!(f, "handover {value} after {latency_ms:.2} ms"),
            Line::Crashed { steps, .. } => write!(f, "crashed after {steps} message(s)"),
            Line::Stopped {
                id,
                crashed,
                steps,
                delivered,
                broadcasts,
                counters: c,
                socket: s,
                ..
            } => write!(
                f,
                "stopped: node {id}{}: {broadcasts} broadcast(s), {delivered} delivered, \
                 {steps} messages sent ({} resent), {} received ({} duplicates); \
                 datagrams {} in, {} out; dropped {} malformed, {} forged, {} replayed, \
                 {} lost on purpose, {} invalid",
                if *crashed { " (crashed)" } else { "" },
                c.retransmits,
                c.received,
                c.duplicates,
                s.datagrams_in,
                s.datagrams_out,
                s.malformed,
                s.forged,
                s.replayed,
                s.lost,
                c.invalid
            ),
        }
    }
}

/// A flag that SIGTERM and SIGINT set: the `stop` of [`serve`].
pub fn stop_on_signals() -> std::io::Result<Arc<AtomicBool>> {
    let stop = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGINT] {
        signal_hook::flag::register(signal, stop.clone())?;
    }
    Ok(stop)
}

/// Microseconds since the Unix epoch.
pub fn now_us() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_micros()).unwrap_or(u64::MAX))
}

/// Runs node `config.id` of `ir` as `peers` describe the cluster until `stop`
/// is set or it crashes; broadcasts each value received on `requests` in its
/// next instance (a consensus node ignores them); hands every [`Line`] to
/// `emit`, the final [`Line::Stopped`] last.
pub fn serve(
    ir: &ProtocolIr,
    peers: &Peers,
    config: &NodeConfig,
    requests: &Receiver<u64>,
    stop: &AtomicBool,
    mut emit: impl FnMut(&Line),
) -> Result<(), NodeError> {
    let n = peers.n();
    check_problem(ir, config)?;
    if !(0.0..=1.0).contains(&config.loss) {
        return Err(NodeError::Setting("--loss must be in 0..=1".into()));
    }
    if config.id >= n {
        return Err(NodeError::Setting(format!(
            "node {} is not in the peers file (ids 0..{n})",
            config.id
        )));
    }
    let actor = ProcessActor {
        machine: Arc::new(Machine::new(ir, n, config.f)?),
        me: config.id,
        peers: (0..n).map(Id::from).collect(),
        behaviour: config.behaviour,
        crash_after: config.crash_after,
        broadcasts: (0u32..).zip(config.broadcasts.iter().copied()).collect(),
        foresight: Vec::new(),
        limits: match config.input {
            // Consensus values are 0 and 1; anything else is dropped.
            Some(_) => RunLimits {
                max_values: 2,
                ..config.limits
            },
            None => config.limits,
        },
        resend_every: config.resend_every,
        input: config.input,
    };
    let address = config.bind.unwrap_or(peers.addresses[config.id]);
    let links = Links::new(&peers.secret, config.id, n, now_us());
    let mut transport = AuthTransport::bind(
        address,
        config.id,
        peers.addresses.clone(),
        links,
        config.loss,
    )
    .map_err(|error| NodeError::Bind { address, error })?;
    emit(&Line::Ready {
        id: config.id,
        n,
        f: config.f,
        address: transport.local_addr()?,
        recv_buffer: transport.recv_buffer(),
        at_us: now_us(),
    });
    let mut watch = Watch {
        started: config.input.map(|_| Instant::now()),
        proposal: match (config.input, config.behaviour) {
            (Some(_), Behaviour::Byzantine) => Some(vec![0, 1]),
            (input, _) => input.map(|v| vec![v]),
        },
        ..Watch::default()
    };
    let node = drive_on(&actor, &mut transport, stop, POLL, |state, _, out| {
        for value in requests.try_iter() {
            if config.input.is_none() {
                actor.broadcast_next(state.to_mut(), value, out);
            }
        }
        watch.lines(state, &mut emit)
    })?;
    emit(&Line::Stopped {
        id: config.id,
        crashed: node.crashed,
        steps: node.steps,
        delivered: node.deliveries.len(),
        broadcasts: node.broadcasts.len(),
        counters: node.counters.clone(),
        socket: transport.stats.clone(),
        sent: node.slots.iter().map(|(i, s)| (*i, s.sent)).collect(),
        at_us: now_us(),
    });
    Ok(())
}

/// That `config` fits `ir`'s problem: a consensus node has an input (0 or
/// 1) and no broadcasts, a broadcast node no input.
fn check_problem(ir: &ProtocolIr, config: &NodeConfig) -> Result<(), NodeError> {
    let name = &ir.name;
    let why = match (ir.problem, config.input) {
        (Problem::Broadcast, Some(_)) => {
            format!("an input is for a consensus protocol; {name} is a broadcast protocol")
        }
        (Problem::Consensus, None) => {
            format!("{name} is a consensus protocol: give the node its input (0 or 1)")
        }
        (Problem::Consensus, Some(v)) if v > 1 => format!("input {v} is not 0 or 1"),
        (Problem::Consensus, _) if !config.broadcasts.is_empty() => format!(
            "{name} is a consensus protocol: a node proposes its input and broadcasts nothing"
        ),
        _ => return Ok(()),
    };
    Err(NodeError::Setting(why))
}

/// What a node already reported.
#[derive(Default)]
struct Watch {
    /// Consensus: when the node started (latencies count from there); `None`
    /// for a broadcast node.
    started: Option<Instant>,
    /// Consensus: the values it proposes, until reported.
    proposal: Option<Vec<u64>>,
    /// Consensus: whether its decision or handover was reported.
    ended: bool,
    first_heard: HashMap<Instance, Instant>,
    broadcasts: usize,
    deliveries: usize,
}

impl Watch {
    /// Emits the node's new broadcasts and deliveries, its proposal and
    /// decision or handover, and its crash.
    fn lines(&mut self, node: &Node, emit: &mut impl FnMut(&Line)) -> Flow {
        let now = Instant::now();
        self.consensus(node, now, emit);
        if node.slots.len() != self.first_heard.len() {
            for i in node.slots.keys() {
                self.first_heard.entry(*i).or_insert(now);
            }
        }
        for (instance, values) in &node.broadcasts[self.broadcasts..] {
            emit(&Line::Broadcast {
                instance: *instance,
                values: values.clone(),
                at_us: now_us(),
            });
        }
        self.broadcasts = node.broadcasts.len();
        for &(instance, value) in &node.deliveries[self.deliveries..] {
            let heard = self.first_heard.get(&instance).copied().unwrap_or(now);
            emit(&Line::Deliver {
                instance,
                value,
                latency_ms: now.duration_since(heard).as_secs_f64() * 1000.0,
                at_us: now_us(),
            });
        }
        self.deliveries = node.deliveries.len();
        if node.crashed {
            emit(&Line::Crashed {
                steps: node.steps,
                at_us: now_us(),
            });
            return Flow::Stop;
        }
        Flow::Continue
    }

    /// Consensus: emits the proposal once (unless the node crashed before
    /// it), then the decision or handover once.
    fn consensus(&mut self, node: &Node, now: Instant, emit: &mut impl FnMut(&Line)) {
        if node.steps > 0 || !node.crashed {
            if let Some(values) = self.proposal.take() {
                emit(&Line::Propose {
                    values,
                    at_us: now_us(),
                });
            }
        }
        let Some(started) = self.started.filter(|_| !self.ended) else {
            return;
        };
        let latency_ms = now.duration_since(started).as_secs_f64() * 1000.0;
        let at_us = now_us();
        let line = match consensus::ending(node) {
            Ending::Decided(value) => Line::Decide {
                value,
                latency_ms,
                at_us,
            },
            Ending::HandedOver(value) => Line::Handover {
                value,
                latency_ms,
                at_us,
            },
            Ending::Nothing => return,
        };
        self.ended = true;
        emit(&line);
    }
}
