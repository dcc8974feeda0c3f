//! Authenticated datagrams: a header, the body, and an HMAC-SHA256 tag.
//!
//! ```text
//! 0      4      6    8       16      24          len-32      len
//! | DGN1 | from | to | epoch | seq   | body  ... | HMAC-SHA256 |
//! ```
//!
//! Integers are big-endian. The tag covers everything before it and is
//! computed with the key of the link between `from` and `to`
//! ([`crate::keys::Secret::link_key`]); the receiver looks the key up by the
//! `from` field and checks that `to` is itself, so the sender's identity
//! comes from the key, never from the datagram's source address, and a
//! datagram cannot be reflected back or redirected to another node. `epoch`
//! is fixed per run of the sender (its start time); `seq` counts the
//! datagrams it sent on the link, from 1. The receiver accepts each
//! (epoch, seq) once, within a window of the last [`WINDOW`] numbers (as
//! IPsec does, RFC 4303 section 3.4.3): replays and datagrams older than the
//! window are dropped; a newer epoch (a restarted sender) resets the window.
//! The body is not encrypted.

use crate::keys::Secret;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The first bytes of every datagram (scheme and version).
pub const MAGIC: [u8; 4] = *b"DGN1";
/// Bytes of header.
pub const HEADER: usize = 24;
/// Bytes of tag.
pub const TAG: usize = 32;
/// Sequence numbers a receiver remembers per link.
pub const WINDOW: u64 = 1024;

type HmacSha256 = Hmac<Sha256>;

/// Why a datagram was dropped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Reject {
    /// Shorter than a header and a tag, or not starting with [`MAGIC`].
    #[error("not a distgen datagram")]
    Malformed,
    /// For another node, from an unknown node or from itself.
    #[error("wrong sender or receiver")]
    Misaddressed,
    /// The tag does not match.
    #[error("bad MAC")]
    BadMac,
    /// Already received, or older than the window or the sender's epoch.
    #[error("replayed")]
    Replayed,
}

/// The numbers of one link's datagrams already accepted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReplayWindow {
    epoch: u64,
    top: u64,
    bits: [u64; (WINDOW / 64) as usize],
}

impl ReplayWindow {
    fn bit(seq: u64) -> (usize, u64) {
        let i = seq % WINDOW;
        ((i / 64) as usize, 1 << (i % 64))
    }

    /// Accepts (`epoch`, `seq`) if it was not accepted before and is recent
    /// enough; records it.
    pub fn accept(&mut self, epoch: u64, seq: u64) -> bool {
        if epoch < self.epoch || seq == 0 {
            return false;
        }
        if epoch > self.epoch {
            *self = ReplayWindow {
                epoch,
                ..ReplayWindow::default()
            };
        }
        if seq + WINDOW <= self.top {
            return false;
        }
        if seq > self.top {
            // Forget the numbers the window slides past (at most all of them).
            let clear = (seq - self.top).min(WINDOW);
            for s in seq - clear + 1..=seq {
                let (w, b) = Self::bit(s);
                self.bits[w] &= !b;
            }
            self.top = seq;
        }
        let (w, b) = Self::bit(seq);
        if self.bits[w] & b != 0 {
            return false;
        }
        self.bits[w] |= b;
        true
    }
}

/// One node's end of its authenticated links to all others.
pub struct Links {
    me: usize,
    epoch: u64,
    /// Keyed MACs, by peer (none for itself).
    macs: Vec<Option<HmacSha256>>,
    next_seq: Vec<u64>,
    windows: Vec<ReplayWindow>,
}

impl Links {
    /// Node `me`'s links to the nodes `0..n`, keys from `secret`; `epoch`
    /// must grow from one run of the node to the next (its start time).
    pub fn new(secret: &Secret, me: usize, n: usize, epoch: u64) -> Links {
        let macs = (0..n)
            .map(|p| {
                (p != me).then(|| {
                    HmacSha256::new_from_slice(&secret.link_key(me, p))
                        .expect("HMAC takes keys of any length")
                })
            })
            .collect();
        Links {
            me,
            epoch,
            macs,
            next_seq: vec![1; n],
            windows: vec![ReplayWindow::default(); n],
        }
    }

    /// The datagram carrying `body` to node `to`; `None` if `to` is no peer.
    pub fn seal(&mut self, to: usize, body: &[u8]) -> Option<Vec<u8>> {
        let mac = self.macs.get(to)?.as_ref()?;
        let seq = self.next_seq[to];
        self.next_seq[to] += 1;
        let mut out = Vec::with_capacity(HEADER + body.len() + TAG);
        out.extend_from_slice(&MAGIC);
        out.extend_from_slice(&u16::try_from(self.me).ok()?.to_be_bytes());
        out.extend_from_slice(&u16::try_from(to).ok()?.to_be_bytes());
        out.extend_from_slice(&self.epoch.to_be_bytes());
        out.extend_from_slice(&seq.to_be_bytes());
        out.extend_from_slice(body);
        let tag = mac.clone().chain_update(&out).finalize().into_bytes();
        out.extend_from_slice(&tag);
        Some(out)
    }

    /// Checks a datagram: its sender and body, or why it is dropped. Only an
    /// authentic datagram moves the replay window.
    pub fn open<'a>(&mut self, datagram: &'a [u8]) -> Result<(usize, &'a [u8]), Reject> {
        if datagram.len() < HEADER + TAG || datagram[..4] != MAGIC {
            return Err(Reject::Malformed);
        }
        let word = |at: usize, len: usize| {
            datagram[at..at + len]
                .iter()
                .fold(0u64, |x, &b| (x << 8) | u64::from(b))
        };
        let (from, to) = (word(4, 2) as usize, word(6, 2) as usize);
        let (epoch, seq) = (word(8, 8), word(16, 8));
        if to != self.me {
            return Err(Reject::Misaddressed);
        }
        let Some(Some(mac)) = self.macs.get(from) else {
            return Err(Reject::Misaddressed);
        };
        let (signed, tag) = datagram.split_at(datagram.len() - TAG);
        mac.clone()
            .chain_update(signed)
            .verify_slice(tag)
            .map_err(|_| Reject::BadMac)?;
        if !self.windows[from].accept(epoch, seq) {
            return Err(Reject::Replayed);
        }
        Ok((from, &signed[HEADER..]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair() -> (Links, Links) {
        let s = Secret::from_bytes([3; 32]);
        (Links::new(&s, 0, 3, 1), Links::new(&s, 1, 3, 1))
    }

    #[test]
    fn an_authentic_datagram_opens_once() {
        let (mut a, mut b) = pair();
        let d = a.seal(1, b"hello").unwrap();
        assert_eq!(b.open(&d), Ok((0, &b"hello"[..])));
        assert_eq!(b.open(&d), Err(Reject::Replayed));
        assert!(a.seal(0, b"self").is_none());
        assert!(a.seal(7, b"nobody").is_none());
    }

    #[test]
    fn any_changed_bit_breaks_the_mac() {
        let (mut a, mut b) = pair();
        let d = a.seal(1, b"{\"Ack\":{\"id\":5}}").unwrap();
        for i in 0..d.len() {
            for bit in [0x01, 0x80] {
                let mut e = d.clone();
                e[i] ^= bit;
                let r = b.open(&e);
                assert!(r.is_err(), "byte {i} bit {bit}");
                if i >= 8 {
                    assert_eq!(r, Err(Reject::BadMac), "byte {i}");
                }
            }
        }
        // Nothing of that moved the window: the original still opens.
        assert!(b.open(&d).is_ok());
    }

    #[test]
    fn identity_comes_from_the_key_not_the_header() {
        let s = Secret::from_bytes([3; 32]);
        let (mut a, mut c) = (Links::new(&s, 0, 3, 1), Links::new(&s, 2, 3, 1));
        let mut b = Links::new(&s, 1, 3, 1);
        // Node 2 claims to be node 0: its key is not the 0-1 link key.
        let mut d = c.seal(1, b"x").unwrap();
        d[4..6].copy_from_slice(&0u16.to_be_bytes());
        assert_eq!(b.open(&d), Err(Reject::BadMac));
        // A datagram for node 1 redirected to node 2, or reflected to 0.
        let d = a.seal(1, b"x").unwrap();
        assert_eq!(c.open(&d), Err(Reject::Misaddressed));
        assert_eq!(a.open(&d), Err(Reject::Misaddressed));
        // Another cluster's secret.
        let mut stranger = Links::new(&Secret::from_bytes([4; 32]), 0, 3, 1);
        assert_eq!(
            b.open(&stranger.seal(1, b"x").unwrap()),
            Err(Reject::BadMac)
        );
        for junk in [&b""[..], b"DGN1", &[0u8; 100], &[0xff; 57]] {
            assert!(b.open(junk).is_err());
        }
    }

    #[test]
    fn the_window_takes_late_datagrams_once_and_drops_old_ones() {
        let (mut a, mut b) = pair();
        let ds: Vec<Vec<u8>> = (0..2 * WINDOW).map(|_| a.seal(1, b"m").unwrap()).collect();
        // Out of order within the window: accepted, once each.
        assert!(b.open(&ds[5]).is_ok());
        assert!(b.open(&ds[2]).is_ok());
        assert_eq!(b.open(&ds[5]), Err(Reject::Replayed));
        // Far ahead: what fell out of the window is dropped, the rest taken.
        assert!(b.open(&ds[(WINDOW + 10) as usize]).is_ok());
        assert_eq!(b.open(&ds[3]), Err(Reject::Replayed));
        assert!(b.open(&ds[20]).is_ok());
        assert_eq!(b.open(&ds[20]), Err(Reject::Replayed));
    }

    #[test]
    fn a_restarted_sender_starts_a_new_epoch() {
        let s = Secret::from_bytes([3; 32]);
        let mut b = Links::new(&s, 1, 2, 9);
        let old = Links::new(&s, 0, 2, 5).seal(1, b"old").unwrap();
        let mut first = Links::new(&s, 0, 2, 6);
        let d1 = first.seal(1, b"a").unwrap();
        assert!(b.open(&d1).is_ok());
        let mut restarted = Links::new(&s, 0, 2, 7);
        assert!(b.open(&restarted.seal(1, b"b").unwrap()).is_ok());
        assert_eq!(b.open(&d1), Err(Reject::Replayed), "the old epoch is over");
        assert_eq!(b.open(&old), Err(Reject::Replayed));
    }
}
