//! A bounded run: bind, start together, watch, stop, report.
//!
//! 1. Every socket is bound before any process starts, so a datagram sent to
//!    a process that has not started yet waits in its socket's buffer instead
//!    of being lost; a [`Barrier`] then starts all processes at once.
//! 2. Each process runs [`runtime::drive`] in its own thread; an observer
//!    publishes its deliveries (with times), how many of its messages to live
//!    correct processes are unacknowledged, and when it last did anything.
//! 3. The run stops when every live process has nothing unacknowledged and
//!    nothing happened for [`RunConfig::quiet`] (an acknowledgement is only
//!    sent after the receiver published its own new messages, so "nothing
//!    unacknowledged" cannot be seen early), or at the timeout.

use super::config::{RunConfig, RunError};
use super::process::{Behaviour, Node, ProcessActor};
use super::report::{assemble, ProcessRecord, ProcessReport, Role, RunReport};
use super::runtime::{self, Codec, Flow, SocketStats};
use super::wire::{self, Instance};
use crate::ir::ProtocolIr;
use crate::semantics::{Machine, ProcId};
use socket2::{Domain, Protocol, Socket, Type};
use stateright::actor::Id;
use std::collections::HashMap;
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4, UdpSocket};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Barrier};
use std::time::{Duration, Instant};

/// How often the stop flag and the coordinator's conditions are looked at.
const POLL: Duration = Duration::from_millis(5);

/// What the process threads publish.
struct Shared {
    stop: AtomicBool,
    alive: Vec<AtomicBool>,
    byzantine: Vec<bool>,
    outstanding: Vec<AtomicUsize>,
    /// Microseconds from the start to the last activity of any process.
    last_activity: AtomicU64,
    started: AtomicUsize,
}

impl Shared {
    /// Nothing published yet: every process alive, none started.
    fn new(config: &RunConfig) -> Shared {
        let n = config.n;
        Shared {
            stop: AtomicBool::new(false),
            alive: (0..n).map(|_| AtomicBool::new(true)).collect(),
            byzantine: (0..n).map(|p| config.is_byzantine(p)).collect(),
            outstanding: (0..n).map(|_| AtomicUsize::new(0)).collect(),
            last_activity: AtomicU64::new(0),
            started: AtomicUsize::new(0),
        }
    }

    /// Whether unacknowledged messages to `p` keep the run going.
    fn watched(&self, p: ProcId) -> bool {
        self.alive[p].load(Ordering::Relaxed) && !self.byzantine[p]
    }
}

/// A process's socket, as bound.
struct Endpoint {
    address: SocketAddrV4,
    recv_buffer: usize,
}

impl Endpoint {
    /// The endpoints of `sockets`, bound at `addresses`.
    fn of(addresses: &[SocketAddrV4], sockets: &[UdpSocket]) -> Vec<Endpoint> {
        addresses
            .iter()
            .zip(sockets)
            .map(|(&address, s)| Endpoint {
                address,
                recv_buffer: socket2::SockRef::from(s).recv_buffer_size().unwrap_or(0),
            })
            .collect()
    }
}

/// A timed event, for latencies.
enum Event {
    Broadcast(Instance, Duration),
    Delivered(ProcId, Instance, Duration),
    Crashed(ProcId, Duration),
}

/// One thread's view of its process, published to [`Shared`].
struct Observer<'a> {
    me: ProcId,
    shared: &'a Shared,
    events: mpsc::Sender<Event>,
    start: Instant,
    deliveries: usize,
    broadcasts: usize,
    activity: u64,
    started: bool,
}

impl Observer<'_> {
    fn observe(&mut self, node: &Node) -> Flow {
        let now = self.start.elapsed();
        for &(instance, _) in &node.deliveries[self.deliveries..] {
            let _ = self.events.send(Event::Delivered(self.me, instance, now));
        }
        self.deliveries = node.deliveries.len();
        for (instance, _) in &node.broadcasts[self.broadcasts..] {
            let _ = self.events.send(Event::Broadcast(*instance, now));
        }
        self.broadcasts = node.broadcasts.len();
        let c = &node.counters;
        let activity = c.sent + c.received + c.duplicates + c.retransmits + c.acks_received;
        if activity != self.activity {
            self.activity = activity;
            let micros = u64::try_from(now.as_micros()).unwrap_or(u64::MAX);
            self.shared
                .last_activity
                .fetch_max(micros, Ordering::SeqCst);
        }
        let outstanding = node.link.outstanding(|q| self.shared.watched(q));
        self.shared.outstanding[self.me].store(outstanding, Ordering::SeqCst);
        if !self.started {
            self.started = true;
            self.shared.started.fetch_add(1, Ordering::SeqCst);
        }
        if node.crashed {
            self.shared.alive[self.me].store(false, Ordering::SeqCst);
            let _ = self.events.send(Event::Crashed(self.me, now));
            return Flow::Stop;
        }
        Flow::Continue
    }
}

/// Binds one socket per process on 127.0.0.1, asking for a receive buffer
/// of `config.recv_buffer` bytes (the kernel may grant less: on Linux at most
/// `net.core.rmem_max`, doubled).
fn bind(config: &RunConfig) -> Result<Vec<UdpSocket>, RunError> {
    (0..config.n)
        .map(|p| {
            let port = if config.base_port == 0 {
                0
            } else {
                config.base_port + p as u16
            };
            let error = |source| RunError::Bind {
                process: p,
                port,
                source,
            };
            let socket =
                Socket::new(Domain::IPV4, Type::DGRAM, Some(Protocol::UDP)).map_err(error)?;
            if config.recv_buffer > 0 {
                // Best effort: a smaller buffer only means more retransmissions.
                let _ = socket.set_recv_buffer_size(config.recv_buffer);
            }
            socket
                .bind(&SocketAddrV4::new(Ipv4Addr::LOCALHOST, port).into())
                .map_err(error)?;
            Ok(socket.into())
        })
        .collect()
}

fn address(socket: &UdpSocket, process: ProcId) -> Result<SocketAddrV4, RunError> {
    match socket.local_addr() {
        Ok(SocketAddr::V4(a)) => Ok(a),
        Ok(SocketAddr::V6(_)) => unreachable!("bound to 127.0.0.1"),
        Err(source) => Err(RunError::Io { process, source }),
    }
}

/// Runs `ir` as `config.n` UDP actors on 127.0.0.1 until the network is quiet
/// or the timeout, and reports what every process delivered.
pub fn run(ir: &ProtocolIr, config: &RunConfig) -> Result<RunReport, RunError> {
    crate::problem::require(ir, crate::ir::Problem::Broadcast, "`run` (the UDP actors)")?;
    run_nodes(ir, config).map(|(report, _)| report)
}

/// [`run`] for either problem (the caller checks which), with every
/// process's final state.
pub(super) fn run_nodes(
    ir: &ProtocolIr,
    config: &RunConfig,
) -> Result<(RunReport, Vec<Node>), RunError> {
    config.validate()?;
    let machine = Arc::new(Machine::new(ir, config.n, config.f)?);
    let n = config.n;
    let sockets = bind(config)?;
    let addresses = sockets
        .iter()
        .enumerate()
        .map(|(p, s)| address(s, p))
        .collect::<Result<Vec<_>, _>>()?;
    let peers: Arc<[Id]> = addresses.iter().map(|&a| Id::from(a)).collect();
    let schedule = config.schedule();
    let actors = actors(&machine, &peers, config, &schedule);
    let shared = Shared::new(config);
    let (tx, rx) = mpsc::channel();
    let barrier = Barrier::new(n);
    let start = Instant::now();
    let endpoints = Endpoint::of(&addresses, &sockets);
    let (outcome_time, results) = std::thread::scope(|s| {
        let handles: Vec<_> = actors
            .iter()
            .zip(&sockets)
            .enumerate()
            .map(|(p, (actor, socket))| {
                let mut observer = Observer {
                    me: p,
                    shared: &shared,
                    events: tx.clone(),
                    start,
                    deliveries: 0,
                    broadcasts: 0,
                    activity: 0,
                    started: false,
                };
                let (barrier, shared) = (&barrier, &shared);
                s.spawn(move || {
                    barrier.wait();
                    let codec = Codec {
                        encode: wire::encode,
                        decode: wire::decode,
                    };
                    runtime::drive(actor, socket, codec, &shared.stop, POLL, |node, _| {
                        observer.observe(node)
                    })
                })
            })
            .collect();
        let timed_out = wait(&shared, config, start);
        let elapsed = start.elapsed();
        shared.stop.store(true, Ordering::SeqCst);
        let results: Vec<_> = handles.into_iter().map(|h| h.join()).collect();
        ((timed_out, elapsed), results)
    });
    drop(tx);

    let mut finals: Vec<(Node, SocketStats)> = Vec::with_capacity(n);
    for (p, r) in results.into_iter().enumerate() {
        match r {
            Ok(Ok(r)) => finals.push(r),
            Ok(Err(source)) => return Err(RunError::Io { process: p, source }),
            Err(_) => return Err(RunError::Panicked(p)),
        }
    }
    let events: Vec<Event> = rx.try_iter().collect();
    let nodes = finals.iter().map(|(node, _)| node.clone()).collect();
    let report = report(
        ir,
        config,
        &endpoints,
        &schedule,
        finals,
        &events,
        outcome_time,
    );
    Ok((report, nodes))
}

/// The actors of the run: process `p` with its share of `schedule`.
fn actors(
    machine: &Arc<Machine>,
    peers: &Arc<[Id]>,
    config: &RunConfig,
    schedule: &[(Instance, u64)],
) -> Vec<ProcessActor> {
    (0..config.n)
        .map(|p| ProcessActor {
            machine: machine.clone(),
            me: p,
            peers: peers.clone(),
            behaviour: if config.is_byzantine(p) {
                Behaviour::Byzantine
            } else {
                Behaviour::Correct
            },
            crash_after: config.crash.get(&p).copied(),
            broadcasts: schedule
                .iter()
                .filter(|(i, _)| i.origin == p)
                .map(|(i, v)| (i.seq, *v))
                .collect(),
            foresight: if config.byzantine_foresight {
                schedule
                    .iter()
                    .filter(|(i, _)| i.origin != p)
                    .copied()
                    .collect()
            } else {
                Vec::new()
            },
            limits: if config.inputs.is_empty() {
                config.limits
            } else {
                // Consensus values are 0 and 1; anything else is dropped.
                super::process::RunLimits {
                    max_values: 2,
                    ..config.limits
                }
            },
            resend_every: config.resend_every,
            input: config.inputs.get(p).copied(),
        })
        .collect()
}

/// Waits until every process has started, none has a message
/// outstanding and nothing happened for `config.quiet` (false), or until
/// the timeout (true).
fn wait(shared: &Shared, config: &RunConfig, start: Instant) -> bool {
    let n = config.n;
    let quiet_micros = u64::try_from(config.quiet.as_micros()).unwrap_or(u64::MAX);
    loop {
        std::thread::sleep(POLL);
        let now = u64::try_from(start.elapsed().as_micros()).unwrap_or(u64::MAX);
        let started = shared.started.load(Ordering::SeqCst) == n;
        let idle = (0..n).all(|p| {
            !shared.alive[p].load(Ordering::SeqCst)
                || shared.outstanding[p].load(Ordering::SeqCst) == 0
        });
        let quiet = now.saturating_sub(shared.last_activity.load(Ordering::SeqCst)) >= quiet_micros;
        if started && idle && quiet {
            break false;
        }
        if start.elapsed() >= config.timeout {
            break true;
        }
    }
}

fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Puts the final states and the timed events together.
fn report(
    ir: &ProtocolIr,
    config: &RunConfig,
    endpoints: &[Endpoint],
    schedule: &[(Instance, u64)],
    finals: Vec<(Node, SocketStats)>,
    events: &[Event],
    (timed_out, elapsed): (bool, Duration),
) -> RunReport {
    let mut broadcast_at = HashMap::new();
    let mut delivered_at = HashMap::new();
    let mut crashed_at = HashMap::new();
    for e in events {
        match *e {
            Event::Broadcast(i, t) => {
                broadcast_at.insert(i, millis(t));
            }
            Event::Delivered(p, i, t) => {
                delivered_at.entry((p, i)).or_insert(millis(t));
            }
            Event::Crashed(p, t) => {
                crashed_at.insert(p, millis(t));
            }
        }
    }
    let records = finals
        .into_iter()
        .enumerate()
        .map(|(p, (node, socket))| ProcessRecord {
            process: ProcessReport {
                id: p,
                port: endpoints[p].address.port(),
                recv_buffer: endpoints[p].recv_buffer,
                role: if config.is_byzantine(p) {
                    Role::Byzantine
                } else if node.crashed {
                    Role::Crashed
                } else {
                    Role::Correct
                },
                crash_after: config.crash.get(&p).copied(),
                crashed_ms: crashed_at.get(&p).copied(),
                steps: node.steps,
                delivered: node.deliveries.len(),
                counters: node.counters,
                socket,
            },
            deliveries: node
                .deliveries
                .iter()
                .map(|&(i, v)| (i, v, delivered_at.get(&(p, i)).copied()))
                .collect(),
            broadcasts: node
                .broadcasts
                .iter()
                .map(|(i, v)| (*i, v.clone(), broadcast_at.get(i).copied()))
                .collect(),
            sent: node.slots.iter().map(|(i, s)| (*i, s.sent)).collect(),
        })
        .collect();
    let schedule: Vec<Instance> = schedule.iter().map(|(i, _)| *i).collect();
    assemble(
        &ir.name,
        config.f,
        &schedule,
        records,
        timed_out,
        elapsed.as_secs_f64(),
    )
}
