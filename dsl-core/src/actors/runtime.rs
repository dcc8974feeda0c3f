//! A UDP runtime for any stateright [`Actor`] that a caller can stop.
//!
//! stateright's own `actor::spawn` runs its actors forever (it never returns),
//! binds each socket inside its thread (so a process that starts early can
//! send to one that is not bound yet and lose the datagram), panics when a
//! bind fails, and only logs undecodable datagrams. A bounded run in a test,
//! or a command that must end and report, needs the opposite: [`drive`] is
//! the same loop over [`UdpSocket`] with the same [`Actor`] callbacks and
//! [`Out`] commands, but it takes a socket bound beforehand (the caller binds
//! all of them before any actor starts: the start barrier), checks a stop flag
//! between events, counts malformed datagrams, and hands the actor's state to
//! an observer after each event.

use serde::{Deserialize, Serialize};
use stateright::actor::{Actor, Command, Id, Out};
use std::borrow::Cow;
use std::collections::HashMap;
use std::io::ErrorKind;
use std::net::{SocketAddr, SocketAddrV4, UdpSocket};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// How messages become datagrams and back (the functions `spawn` takes).
pub struct Codec<M, E> {
    /// Message to bytes.
    pub encode: fn(&M) -> Result<Vec<u8>, E>,
    /// Bytes to message; an error drops the datagram.
    pub decode: fn(&[u8]) -> Result<M, E>,
}

/// What one socket saw.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct SocketStats {
    /// Datagrams received.
    pub datagrams_in: u64,
    /// Datagrams sent.
    pub datagrams_out: u64,
    /// Datagrams that did not decode, dropped.
    pub malformed: u64,
    /// Datagrams from a non-IPv4 address, dropped.
    pub not_ipv4: u64,
    /// Failed receives (other than timeouts).
    pub recv_errors: u64,
    /// Failed sends or encodings (the message is lost, as on a network).
    pub send_errors: u64,
    /// Authenticated transports: datagrams whose MAC, sender or receiver was
    /// wrong, dropped.
    pub forged: u64,
    /// Authenticated transports: datagrams already received or older than the
    /// replay window, dropped.
    pub replayed: u64,
    /// Datagrams dropped on purpose to simulate a lossy network.
    pub lost: u64,
}

/// What the observer wants after an event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flow {
    /// Keep running.
    Continue,
    /// Carry out this event's commands, then stop.
    Stop,
}

/// Where an actor's messages come from and go to: a socket and a codec
/// ([`UdpTransport`], which names a sender by its source address), or one that
/// authenticates every datagram (the `distgen-deploy` crate).
pub trait Transport<M> {
    /// The id of the actor this transport serves.
    fn local_id(&self) -> Id;
    /// Waits at most `wait` for one message and returns it with its sender;
    /// `None` on a timeout or a datagram dropped (and counted). An error
    /// stops the actor.
    fn recv(&mut self, wait: Duration) -> std::io::Result<Option<(Id, M)>>;
    /// Sends `msg` to `to`, best effort (a failure is counted, as a loss).
    fn send(&mut self, to: Id, msg: &M);
}

/// A UDP socket whose datagrams are [`Codec`]-encoded messages; the sender
/// is the datagram's source address.
pub struct UdpTransport<'a, M, E> {
    socket: &'a UdpSocket,
    codec: Codec<M, E>,
    id: Id,
    buf: Vec<u8>,
    /// What the socket saw.
    pub stats: SocketStats,
}

impl<'a, M, E> UdpTransport<'a, M, E> {
    /// A transport on `socket`, which must be bound to an IPv4 address.
    pub fn new(socket: &'a UdpSocket, codec: Codec<M, E>) -> std::io::Result<Self> {
        let id = match socket.local_addr()? {
            SocketAddr::V4(addr) => Id::from(addr),
            SocketAddr::V6(_) => {
                return Err(std::io::Error::new(
                    ErrorKind::Unsupported,
                    "actors need an IPv4 socket",
                ))
            }
        };
        Ok(UdpTransport {
            socket,
            codec,
            id,
            buf: vec![0u8; 65_535],
            stats: SocketStats::default(),
        })
    }
}

impl<M, E> Transport<M> for UdpTransport<'_, M, E> {
    fn local_id(&self) -> Id {
        self.id
    }

    fn recv(&mut self, wait: Duration) -> std::io::Result<Option<(Id, M)>> {
        self.socket.set_read_timeout(Some(wait))?;
        match self.socket.recv_from(&mut self.buf) {
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => Ok(None),
            Err(_) => {
                self.stats.recv_errors += 1;
                Ok(None)
            }
            Ok((len, src)) => {
                self.stats.datagrams_in += 1;
                let SocketAddr::V4(src) = src else {
                    self.stats.not_ipv4 += 1;
                    return Ok(None);
                };
                match (self.codec.decode)(&self.buf[..len]) {
                    Ok(msg) => Ok(Some((Id::from(src), msg))),
                    Err(_) => {
                        self.stats.malformed += 1;
                        Ok(None)
                    }
                }
            }
        }
    }

    fn send(&mut self, to: Id, msg: &M) {
        let sent = (self.codec.encode)(msg)
            .ok()
            .and_then(|bytes| self.socket.send_to(&bytes, SocketAddrV4::from(to)).ok());
        match sent {
            Some(_) => self.stats.datagrams_out += 1,
            None => self.stats.send_errors += 1,
        }
    }
}

/// Runs `actor` on `socket` until `stop` is set or `observe` says
/// [`Flow::Stop`], and returns its last state and the socket's counters:
/// [`drive_on`] over a [`UdpTransport`].
pub fn drive<A, E>(
    actor: &A,
    socket: &UdpSocket,
    codec: Codec<A::Msg, E>,
    stop: &AtomicBool,
    poll: Duration,
    mut observe: impl FnMut(&A::State, &SocketStats) -> Flow,
) -> std::io::Result<(A::State, SocketStats)>
where
    A: Actor,
{
    let mut transport = UdpTransport::new(socket, codec)?;
    let state = drive_on(actor, &mut transport, stop, poll, |state, t, _| {
        observe(&**state, &t.stats)
    })?;
    Ok((state, transport.stats))
}

/// Runs `actor` over `transport` until `stop` is set or `observe` says
/// [`Flow::Stop`], and returns its last state.
///
/// `observe` sees the state after `on_start`, after every event and after
/// every wait that timed out, before the event's commands are carried out (so
/// whatever it publishes is in place before any recipient can react); it may
/// change the state and add commands (a broadcast asked for from outside).
/// The stop flag is read at least every `poll`. Timers are honoured (a range
/// fires at its start); random choices and storage are not supported and are
/// ignored.
pub fn drive_on<A, T>(
    actor: &A,
    transport: &mut T,
    stop: &AtomicBool,
    poll: Duration,
    mut observe: impl FnMut(&mut Cow<A::State>, &T, &mut Out<A>) -> Flow,
) -> std::io::Result<A::State>
where
    A: Actor,
    T: Transport<A::Msg>,
{
    let id = transport.local_id();
    let mut timers: HashMap<A::Timer, Instant> = HashMap::new();
    let mut out = Out::new();
    let mut state: Cow<A::State> = Cow::Owned(actor.on_start(id, &None, &mut out));
    let mut flow = observe(&mut state, transport, &mut out);
    carry_out(out, transport, &mut timers);

    while flow == Flow::Continue && !stop.load(Ordering::Relaxed) {
        let now = Instant::now();
        let due = timers
            .iter()
            .filter(|(_, &at)| at <= now)
            .map(|(t, _)| t.clone())
            .next();
        let mut out = Out::new();
        if let Some(timer) = due {
            timers.remove(&timer);
            actor.on_timeout(id, &mut state, &timer, &mut out);
        } else {
            let next = timers.values().min().copied().unwrap_or(now + poll);
            let wait = next
                .min(now + poll)
                .saturating_duration_since(now)
                .max(Duration::from_micros(100));
            if let Some((src, msg)) = transport.recv(wait)? {
                actor.on_msg(id, &mut state, src, msg, &mut out);
            }
        }
        flow = observe(&mut state, transport, &mut out);
        carry_out(out, transport, &mut timers);
    }
    Ok(state.into_owned())
}

/// Carries out an actor's commands.
fn carry_out<A: Actor, T: Transport<A::Msg>>(
    out: Out<A>,
    transport: &mut T,
    timers: &mut HashMap<A::Timer, Instant>,
) {
    for command in out {
        match command {
            Command::Send(dst, msg) => transport.send(dst, &msg),
            Command::SetTimer(timer, range) => {
                timers.insert(timer, Instant::now() + range.start);
            }
            Command::CancelTimer(timer) => {
                timers.remove(&timer);
            }
            Command::ChooseRandom(..) | Command::Save(_) => {}
        }
    }
}
