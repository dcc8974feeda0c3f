//! A [`Transport`] whose every datagram is authenticated ([`crate::auth`]):
//! what `distgen node` runs the protocol's actor on.

use crate::auth::{Links, Reject};
use dsl_core::actors::runtime::{SocketStats, Transport};
use dsl_core::actors::wire::{self, Packet};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use socket2::{Domain, Protocol, Socket, Type};
use stateright::actor::Id;
use std::io::ErrorKind;
use std::net::{SocketAddr, UdpSocket};
use std::time::Duration;

/// The receive buffer asked for (the kernel may grant less).
pub const RECV_BUFFER: usize = 4 << 20;

/// Node `me`'s socket and links. Actor ids are node ids (`Id::from(p)`);
/// node `p` is reached at `addresses[p]`.
pub struct AuthTransport {
    socket: UdpSocket,
    me: usize,
    addresses: Vec<SocketAddr>,
    links: Links,
    loss: f64,
    rng: StdRng,
    buf: Vec<u8>,
    /// What the socket saw: `malformed` counts datagrams that are no distgen
    /// datagram or whose authentic body does not parse, `forged` bad MACs and
    /// misaddressed ones, `replayed` replays, `lost` those dropped on
    /// purpose.
    pub stats: SocketStats,
}

impl AuthTransport {
    /// Binds `bind` (usually `addresses[me]`) with a large receive buffer.
    /// Incoming datagrams are dropped with probability `loss` before they are
    /// looked at, to test the links on a lossy network.
    pub fn bind(
        bind: SocketAddr,
        me: usize,
        addresses: Vec<SocketAddr>,
        links: Links,
        loss: f64,
    ) -> std::io::Result<AuthTransport> {
        let socket = Socket::new(Domain::for_address(bind), Type::DGRAM, Some(Protocol::UDP))?;
        // Best effort: a smaller buffer only means more retransmissions.
        let _ = socket.set_recv_buffer_size(RECV_BUFFER);
        socket.bind(&bind.into())?;
        Ok(AuthTransport {
            socket: socket.into(),
            me,
            addresses,
            links,
            loss: loss.clamp(0.0, 1.0),
            rng: StdRng::from_os_rng(),
            buf: vec![0u8; 65_535],
            stats: SocketStats::default(),
        })
    }

    /// The address the socket is bound to.
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.socket.local_addr()
    }

    /// The receive buffer the kernel granted, in bytes.
    pub fn recv_buffer(&self) -> usize {
        socket2::SockRef::from(&self.socket)
            .recv_buffer_size()
            .unwrap_or(0)
    }
}

impl Transport<Packet> for AuthTransport {
    fn local_id(&self) -> Id {
        Id::from(self.me)
    }

    fn recv(&mut self, wait: Duration) -> std::io::Result<Option<(Id, Packet)>> {
        self.socket.set_read_timeout(Some(wait))?;
        let len = match self.socket.recv_from(&mut self.buf) {
            Ok((len, _source)) => len,
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return Ok(None)
            }
            Err(_) => {
                self.stats.recv_errors += 1;
                return Ok(None);
            }
        };
        self.stats.datagrams_in += 1;
        if self.loss > 0.0 && self.rng.random_bool(self.loss) {
            self.stats.lost += 1;
            return Ok(None);
        }
        let (from, body) = match self.links.open(&self.buf[..len]) {
            Ok(opened) => opened,
            Err(Reject::Malformed) => {
                self.stats.malformed += 1;
                return Ok(None);
            }
            Err(Reject::Misaddressed | Reject::BadMac) => {
                self.stats.forged += 1;
                return Ok(None);
            }
            Err(Reject::Replayed) => {
                self.stats.replayed += 1;
                return Ok(None);
            }
        };
        match wire::decode(body) {
            Ok(packet) => Ok(Some((Id::from(from), packet))),
            Err(_) => {
                self.stats.malformed += 1;
                Ok(None)
            }
        }
    }

    fn send(&mut self, to: Id, msg: &Packet) {
        let to = usize::from(to);
        let sent = wire::encode(msg)
            .ok()
            .and_then(|body| self.links.seal(to, &body))
            .and_then(|d| self.socket.send_to(&d, self.addresses.get(to)?).ok());
        match sent {
            Some(_) => self.stats.datagrams_out += 1,
            None => self.stats.send_errors += 1,
        }
    }
}
