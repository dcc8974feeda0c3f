//! The bottom of the checker: sizes, the layout of a state of the bitset
//! model ([`Layout`], [`pair`], [`Row`], [`State`]) and [`Senders`], the sets
//! of senders that a receipt takes in one step. Everything else in `checker/`
//! builds on this file, which imports nothing of the checker.

use crate::semantics::{Local, ProcId, ProcSet, Value};
use serde::{Deserialize, Serialize};

/// Number of values in the checker: 0 (the correct broadcaster's) and 1.
pub const VALUES: usize = 2;
/// Largest N the checker handles (sender sets are `u16`, counts 4 bits).
pub const MAX_N: usize = 16;
/// Largest number of message types (sent flags are a `u16` over (type, value)).
pub const MAX_TYPES: usize = 8;

/// Index of (type, value) in the sent flags and sender sets.
pub fn pair(msg: usize, v: Value) -> usize {
    msg * VALUES + v as usize
}

/// Where things are in a state of the bitset model.
///
/// A state is one flat `Box<[u16]>`: per process its sent flags, its delivery
/// and its sender sets (one bitset per (type, value)), then the in-flight
/// messages between correct processes (one bitmask of (type, value) per
/// ordered pair), then the crashed processes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Layout {
    /// Number of processes.
    pub n: usize,
    /// Number of (type, value) pairs.
    pub k: usize,
}

impl Layout {
    /// Words per process: sent flags, delivery, then `k` sender sets.
    pub fn row(&self) -> usize {
        2 + self.k
    }
    /// First word of process `p`.
    pub fn proc(&self, p: ProcId) -> usize {
        p * self.row()
    }
    /// The word holding the (type, value) pairs in flight from `from` to `to`.
    pub fn flight(&self, from: ProcId, to: ProcId) -> usize {
        self.n * self.row() + from * self.n + to
    }
    /// The word holding the crashed processes.
    pub fn crashed(&self) -> usize {
        self.n * self.row() + self.n * self.n
    }
    /// Total words.
    pub fn len(&self) -> usize {
        self.crashed() + 1
    }
    /// Whether the layout is empty (never: there is always a crashed word).
    pub fn is_empty(&self) -> bool {
        false
    }
}

/// The methods of [`Local`] that read the first two words of a row, which
/// the bitset and the counting models lay out alike: the sent flags (bit
/// [`pair`]`(t, v)`) and the delivery (0: none, `1 + v`).
macro_rules! sent_and_delivered {
    () => {
        fn has_sent(&self, msg: usize, v: Value) -> bool {
            self.0[0] & (1 << pair(msg, v)) != 0
        }
        fn has_sent_any(&self, msg: usize) -> bool {
            self.0[0] & (((1 << VALUES) - 1) << pair(msg, 0)) != 0
        }
        fn mark_sent(&mut self, msg: usize, v: Value) {
            self.0[0] |= 1 << pair(msg, v);
        }
        fn delivered(&self) -> Option<Value> {
            self.0[1].checked_sub(1).map(|v| v as Value)
        }
        fn set_delivered(&mut self, v: Value) {
            self.0[1] = v as u16 + 1;
        }
    };
}
pub(crate) use sent_and_delivered;

/// A global state of the bitset model (see [`Layout`]).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct State(pub Box<[u16]>);

/// One process's row of a bitset state, as the step function sees it.
pub struct Row<'a>(pub &'a mut [u16]);

impl Local for Row<'_> {
    fn senders(&self, msg: usize, v: Value) -> ProcSet {
        self.0[2 + pair(msg, v)] as ProcSet
    }
    fn add_sender(&mut self, msg: usize, v: Value, from: ProcId) {
        self.0[2 + pair(msg, v)] |= 1 << from;
    }
    sent_and_delivered!();
}

/// Messages that a process receives in one step before the step's main
/// message, all of the step's value: entry `t` is the set of senders of
/// message type `t` (messages in flight from correct processes, or
/// injections from Byzantine ones).
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
pub struct Senders(pub [u16; MAX_TYPES]);

impl Senders {
    /// Whether there is no message.
    pub fn is_empty(&self) -> bool {
        self.0.iter().all(|&s| s == 0)
    }

    /// The (type, sender) pairs, by type then sender.
    pub fn iter(self) -> impl Iterator<Item = (usize, usize)> {
        self.0.into_iter().enumerate().flat_map(|(t, set)| {
            (0..16)
                .filter(move |b| set & (1 << b) != 0)
                .map(move |b| (t, b))
        })
    }
}
