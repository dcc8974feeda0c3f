//! Reliable links over UDP: retransmit until acknowledged.
//!
//! The protocols assume that a message between correct processes is never
//! lost (docs/DESIGN.md section 2.2). UDP on loopback loses datagrams when a
//! receiver's buffer overflows (a burst of broadcasts, or a flood of junk), so
//! each process numbers its messages, the receiver acknowledges every copy it
//! gets, and the sender retransmits what is not acknowledged. The timeout
//! follows the round trips measured to each peer (RFC 6298's estimator, with
//! Karn's rule: only messages sent once are measured) and doubles on every
//! retransmission, so a busy receiver is not flooded with copies. Duplicates
//! are harmless to the protocol (the step function counts distinct senders)
//! and are filtered here only to count messages honestly.
//!
//! Time is logical: the owner calls [`Link::tick`] on a periodic timer, so the
//! state stays a plain value that stateright can hash.

use super::wire::{Packet, Payload};
use crate::semantics::ProcId;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Retransmission timeout, in ticks, before any round trip was measured.
pub const INITIAL_RTO: u64 = 50;
/// The shortest timeout. Loopback round trips are far below one tick, but a
/// burst of broadcasts queues thousands of datagrams at a receiver: TCP's
/// lesson (a floor well above the usual round trip) avoids copies that only
/// add to the queue.
pub const MIN_RTO: u64 = 10;
/// The longest timeout, also after backoff.
pub const MAX_RTO: u64 = 200;

/// A message waiting for its acknowledgement.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Pending {
    /// The message.
    pub payload: Payload,
    /// The tick at which it was first sent.
    pub sent: u64,
    /// The tick at which it is sent again.
    pub due: u64,
    /// How many times it was sent.
    pub attempts: u32,
}

/// Smoothed round trip to one peer and its variation, in eighths of a tick
/// (RFC 6298 section 2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RoundTrip {
    srtt8: u64,
    rttvar8: u64,
}

impl RoundTrip {
    /// The first measurement.
    fn first(ticks: u64) -> RoundTrip {
        RoundTrip {
            srtt8: ticks * 8,
            rttvar8: ticks * 4,
        }
    }

    /// Folds in a measurement.
    fn update(&mut self, ticks: u64) {
        let r8 = ticks * 8;
        self.rttvar8 = (3 * self.rttvar8 + self.srtt8.abs_diff(r8)) / 4;
        self.srtt8 = (7 * self.srtt8 + r8) / 8;
    }

    /// The retransmission timeout, in ticks.
    pub fn rto(&self) -> u64 {
        (self.srtt8 + (4 * self.rttvar8).max(8))
            .div_ceil(8)
            .clamp(MIN_RTO, MAX_RTO)
    }
}

/// One process's end of its links to all others.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Link {
    next_id: u64,
    tick: u64,
    unacked: BTreeMap<(ProcId, u64), Pending>,
    seen: BTreeSet<(ProcId, u64)>,
    round_trips: BTreeMap<ProcId, RoundTrip>,
    /// How many of `unacked` go to each process.
    unacked_to: BTreeMap<ProcId, usize>,
}

impl Link {
    /// The current retransmission timeout to `to`, in ticks.
    pub fn rto(&self, to: ProcId) -> u64 {
        self.round_trips
            .get(&to)
            .map_or(INITIAL_RTO, RoundTrip::rto)
    }

    /// Numbers a new message to `to` and remembers it until acknowledged;
    /// returns the datagram to send now.
    pub fn send(&mut self, to: ProcId, payload: Payload) -> Packet {
        let id = self.next_id;
        self.next_id += 1;
        let due = self.tick + self.rto(to);
        self.unacked.insert(
            (to, id),
            Pending {
                payload,
                sent: self.tick,
                due,
                attempts: 1,
            },
        );
        *self.unacked_to.entry(to).or_default() += 1;
        Packet::Data { id, payload }
    }

    /// `from` acknowledged message `id`; false if it was not pending.
    pub fn acknowledged(&mut self, from: ProcId, id: u64) -> bool {
        let Some(p) = self.unacked.remove(&(from, id)) else {
            return false;
        };
        if let Some(k) = self.unacked_to.get_mut(&from) {
            *k -= 1;
        }
        if p.attempts == 1 {
            let ticks = self.tick - p.sent;
            self.round_trips
                .entry(from)
                .and_modify(|r| r.update(ticks))
                .or_insert_with(|| RoundTrip::first(ticks));
        }
        true
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
                let rto = self
                    .round_trips
                    .get(&to)
                    .map_or(INITIAL_RTO, RoundTrip::rto);
                p.due = now + (rto << p.attempts.min(8)).min(MAX_RTO);
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
        self.unacked_to
            .iter()
            .filter(|(&p, _)| to(p))
            .map(|(_, &k)| k)
            .sum()
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
        // Sent at tick 0; again at ticks 50, 150, 350, 550 (timeout 50, 100,
        // 200, then capped at 200).
        let resent: Vec<u64> = (1..=600).filter(|_| !link.tick().is_empty()).collect();
        assert_eq!(resent, [50, 150, 350, 550]);
        assert!(link.acknowledged(2, id));
        assert!(!link.acknowledged(2, id));
        assert!((0..100).all(|_| link.tick().is_empty()));
        assert_eq!(link.outstanding(|_| true), 0);
    }

    #[test]
    fn the_timeout_follows_measured_round_trips() {
        let mut link = Link::default();
        assert_eq!(link.rto(1), INITIAL_RTO);
        // Acknowledged within the tick: the shortest timeout.
        for _ in 0..3 {
            let Packet::Data { id, .. } = link.send(1, payload(0)) else {
                panic!("send makes data")
            };
            assert!(link.acknowledged(1, id));
        }
        assert_eq!(link.rto(1), MIN_RTO);
        // Slow acknowledgements from process 2 stretch its timeout only.
        for _ in 0..3 {
            let Packet::Data { id, .. } = link.send(2, payload(0)) else {
                panic!("send makes data")
            };
            for _ in 0..12 {
                link.tick();
            }
            assert!(link.acknowledged(2, id));
        }
        assert!(link.rto(2) > 12, "rto {}", link.rto(2));
        assert_eq!(link.rto(1), MIN_RTO);
        // A retransmitted message is not measured (Karn's rule).
        link.send(3, payload(0));
        for _ in 0..INITIAL_RTO {
            link.tick();
        }
        assert!(link.acknowledged(3, 6));
        assert_eq!(link.rto(3), INITIAL_RTO);
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
