//! Reliable links over UDP: retransmit until acknowledged.
//!
//! The protocols assume that a message between correct processes is never
//! lost (DESIGN.md section 2). UDP on loopback loses datagrams when a
//! receiver's buffer overflows (a burst of broadcasts, or a flood of junk), so
//! each process numbers its messages, the receiver acknowledges every copy it
//! gets, and the sender retransmits what is not acknowledged, with backoff.
//! Duplicates are harmless to the protocol (the step function counts distinct
//! senders) and are filtered here only to count messages honestly.
//!
//! Time is logical: the owner calls [`Link::tick`] on a periodic timer, so the
//! state stays a plain value that stateright can hash.

use super::wire::{Packet, Payload};
use crate::semantics::ProcId;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Retransmission backoff doubles up to `2^MAX_BACKOFF` ticks.
pub const MAX_BACKOFF: u32 = 5;

/// A message waiting for its acknowledgement.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Pending {
    /// The message.
    pub payload: Payload,
    /// The tick at which it is sent again.
    pub due: u64,
    /// How many times it was sent.
    pub attempts: u32,
}

/// One process's end of its links to all others.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Link {
    next_id: u64,
    tick: u64,
    unacked: BTreeMap<(ProcId, u64), Pending>,
    seen: BTreeSet<(ProcId, u64)>,
}

impl Link {
    /// Numbers a new message to `to` and remembers it until acknowledged;
    /// returns the datagram to send now.
    pub fn send(&mut self, to: ProcId, payload: Payload) -> Packet {
        let id = self.next_id;
        self.next_id += 1;
        self.unacked.insert(
            (to, id),
            Pending {
                payload,
                // Ticks are periodic, not per message: the next one may come
                // at once, so wait for the one after.
                due: self.tick + 2,
                attempts: 1,
            },
        );
        Packet::Data { id, payload }
    }

    /// `from` acknowledged message `id`; false if it was not pending.
    pub fn acknowledged(&mut self, from: ProcId, id: u64) -> bool {
        self.unacked.remove(&(from, id)).is_some()
    }

    /// Records the receipt of `from`'s message `id`; false for a duplicate.
    pub fn first_receipt(&mut self, from: ProcId, id: u64) -> bool {
        self.seen.insert((from, id))
    }

    /// Advances logical time by one tick and returns the messages due for
    /// retransmission, with their destinations.
    pub fn tick(&mut self) -> Vec<(ProcId, Packet)> {
        self.tick += 1;
        let now = self.tick;
        let mut due = Vec::new();
        for (&(to, id), p) in self.unacked.iter_mut() {
            if p.due <= now {
                p.due = now + (1u64 << p.attempts.min(MAX_BACKOFF));
                p.attempts += 1;
                due.push((
                    to,
                    Packet::Data {
                        id,
                        payload: p.payload,
                    },
                ));
            }
        }
        due
    }

    /// Messages not yet acknowledged by the processes `to` selects.
    pub fn outstanding(&self, mut to: impl FnMut(ProcId) -> bool) -> usize {
        self.unacked.keys().filter(|(p, _)| to(*p)).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actors::wire::Instance;

    fn payload(value: u64) -> Payload {
        Payload {
            instance: Instance::default(),
            msg: 0,
            value,
        }
    }

    #[test]
    fn retransmits_until_acknowledged_with_backoff() {
        let mut link = Link::default();
        let Packet::Data { id, .. } = link.send(2, payload(9)) else {
            panic!("send makes data")
        };
        assert_eq!(link.outstanding(|_| true), 1);
        assert_eq!(link.outstanding(|p| p != 2), 0);
        // Sent at tick 0; again at ticks 2, 4, 8 (backoff 2, 4, ...).
        let resent: Vec<u64> = (1..=8).filter(|_| !link.tick().is_empty()).collect();
        assert_eq!(resent.len(), 3);
        assert!(link.acknowledged(2, id));
        assert!(!link.acknowledged(2, id));
        assert!((0..100).all(|_| link.tick().is_empty()));
        assert_eq!(link.outstanding(|_| true), 0);
    }

    #[test]
    fn an_ack_from_another_process_does_not_count() {
        let mut link = Link::default();
        link.send(1, payload(1));
        assert!(!link.acknowledged(3, 0));
        assert_eq!(link.outstanding(|_| true), 1);
    }

    #[test]
    fn numbers_messages_and_detects_duplicates() {
        let mut link = Link::default();
        let a = link.send(1, payload(1));
        let b = link.send(1, payload(1));
        assert_ne!(a, b);
        assert!(link.first_receipt(1, 0));
        assert!(!link.first_receipt(1, 0));
        assert!(link.first_receipt(2, 0));
    }
}
