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
}

/// What the observer wants after an event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flow {
    /// Keep running.
    Continue,
    /// Carry out this event's commands, then stop.
    Stop,
}

/// Runs `actor` on `socket` until `stop` is set or `observe` says
/// [`Flow::Stop`], and returns its last state and the socket's counters.
///
/// `observe` sees the state after `on_start` and after every event, before
/// the event's commands are carried out (so whatever it publishes is in place
/// before any recipient can react). The stop flag is read at least every
/// `poll`. Timers are honoured (a range fires at its start); random choices
/// and storage are not supported and are ignored.
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
    let id = match socket.local_addr()? {
        SocketAddr::V4(addr) => Id::from(addr),
        SocketAddr::V6(_) => {
            return Err(std::io::Error::new(
                ErrorKind::Unsupported,
                "actors need an IPv4 socket",
            ))
        }
    };
    let mut stats = SocketStats::default();
    let mut timers: HashMap<A::Timer, Instant> = HashMap::new();
    let mut buf = vec![0u8; 65_535];

    let mut out = Out::new();
    let mut state: Cow<A::State> = Cow::Owned(actor.on_start(id, &None, &mut out));
    let mut flow = observe(&state, &stats);
    carry_out(out, socket, &codec, &mut timers, &mut stats);

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
            socket.set_read_timeout(Some(wait))?;
            match socket.recv_from(&mut buf) {
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                    continue
                }
                Err(_) => {
                    stats.recv_errors += 1;
                    continue;
                }
                Ok((len, src)) => {
                    stats.datagrams_in += 1;
                    let SocketAddr::V4(src) = src else {
                        stats.not_ipv4 += 1;
                        continue;
                    };
                    match (codec.decode)(&buf[..len]) {
                        Ok(msg) => actor.on_msg(id, &mut state, Id::from(src), msg, &mut out),
                        Err(_) => {
                            stats.malformed += 1;
                            continue;
                        }
                    }
                }
            }
        }
        flow = observe(&state, &stats);
        carry_out(out, socket, &codec, &mut timers, &mut stats);
    }
    Ok((state.into_owned(), stats))
}

/// Carries out an actor's commands.
fn carry_out<A: Actor, E>(
    out: Out<A>,
    socket: &UdpSocket,
    codec: &Codec<A::Msg, E>,
    timers: &mut HashMap<A::Timer, Instant>,
    stats: &mut SocketStats,
) {
    for command in out {
        match command {
            Command::Send(dst, msg) => {
                let sent = (codec.encode)(&msg)
                    .ok()
                    .and_then(|bytes| socket.send_to(&bytes, SocketAddrV4::from(dst)).ok());
                match sent {
                    Some(_) => stats.datagrams_out += 1,
                    None => stats.send_errors += 1,
                }
            }
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
