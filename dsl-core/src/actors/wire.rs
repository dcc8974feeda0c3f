//! The wire format: what one UDP datagram carries, as JSON.
//!
//! A datagram is a [`Packet`]: either a protocol message with the link's
//! sequence number (`Data`), or the acknowledgement of one (`Ack`). The sender
//! is not on the wire: the receiver learns it from the datagram's source
//! address, which is how channels are authenticated (a Byzantine process can
//! send anything, but only under its own address).
//!
//! ```
//! use dsl_core::actors::wire::{self, Instance, Packet, Payload};
//! let p = Packet::Data {
//!     id: 7,
//!     payload: Payload { instance: Instance { origin: 2, seq: 0 }, msg: 1, value: 3001 },
//! };
//! let bytes = wire::encode(&p).unwrap();
//! assert_eq!(std::str::from_utf8(&bytes).unwrap(),
//!     r#"{"Data":{"id":7,"payload":{"instance":{"origin":2,"seq":0},"msg":1,"value":3001}}}"#);
//! assert_eq!(wire::decode(&bytes).unwrap(), p);
//! assert!(wire::decode(b"\xff not json").is_err());
//! ```

use crate::ir::MsgId;
use crate::semantics::ProcId;
use serde::{Deserialize, Serialize};
use std::fmt;

/// One broadcast instance: who broadcast, and its sequence number among that
/// process's broadcasts. Every message names its instance, so any number of
/// broadcasts from any processes run at once.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
pub struct Instance {
    /// The process that broadcast (the protocol's "broadcaster" for this
    /// instance).
    pub origin: ProcId,
    /// Its sequence number among the origin's broadcasts, from 0.
    pub seq: u32,
}

impl fmt::Display for Instance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.origin, self.seq)
    }
}

/// A protocol message: type `msg` with value `value`, in `instance`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Payload {
    /// The broadcast instance.
    pub instance: Instance,
    /// The message type, an index into the protocol's `messages`.
    pub msg: MsgId,
    /// The value, arbitrary; each process interns it per instance into the
    /// step function's small value domain.
    pub value: u64,
}

/// One datagram.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Packet {
    /// A protocol message; `id` numbers the sender's messages to detect
    /// duplicates and acknowledge them.
    Data {
        /// The sender's link sequence number.
        id: u64,
        /// The message.
        payload: Payload,
    },
    /// The receiver got the sender's message `id`.
    Ack {
        /// The acknowledged link sequence number.
        id: u64,
    },
}

/// Serialises a packet (the signature stateright's `spawn` expects).
pub fn encode(packet: &Packet) -> Result<Vec<u8>, serde_json::Error> {
    serde_json::to_vec(packet)
}

/// Parses a datagram; anything that is not exactly one [`Packet`] is an error.
pub fn decode(bytes: &[u8]) -> Result<Packet, serde_json::Error> {
    serde_json::from_slice(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(id: u64, origin: usize, seq: u32, msg: usize, value: u64) -> Packet {
        Packet::Data {
            id,
            payload: Payload {
                instance: Instance { origin, seq },
                msg,
                value,
            },
        }
    }

    #[test]
    fn round_trips_extreme_values() {
        for p in [
            data(0, 0, 0, 0, 0),
            data(u64::MAX, 63, u32::MAX, 2, u64::MAX),
            Packet::Ack { id: 0 },
            Packet::Ack { id: u64::MAX },
        ] {
            assert_eq!(decode(&encode(&p).unwrap()).unwrap(), p);
        }
    }

    #[test]
    fn ack_is_short() {
        assert_eq!(
            encode(&Packet::Ack { id: 5 }).unwrap(),
            br#"{"Ack":{"id":5}}"#
        );
    }

    #[test]
    fn rejects_malformed_datagrams() {
        let good = encode(&data(1, 0, 0, 0, 9)).unwrap();
        let bad: Vec<Vec<u8>> = vec![
            vec![],
            b"{".to_vec(),
            b"null".to_vec(),
            b"{\"Nack\":{\"id\":1}}".to_vec(),
            b"{\"Ack\":{\"id\":-1}}".to_vec(),
            b"{\"Ack\":{}}".to_vec(),
            b"{\"Data\":{\"id\":1,\"payload\":{\"instance\":{\"origin\":-3,\"seq\":0},\"msg\":0,\"value\":1}}}".to_vec(),
            b"{\"Ack\":{\"id\":1}}{\"Ack\":{\"id\":2}}".to_vec(),
            good[..good.len() - 1].to_vec(),
            vec![0xff; 100],
        ];
        for b in bad {
            assert!(
                decode(&b).is_err(),
                "accepted {:?}",
                String::from_utf8_lossy(&b)
            );
        }
    }
}
