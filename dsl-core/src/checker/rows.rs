//! The counting model's state layout: one row of counters per correct
//! process, no process identities but the broadcaster's.
//!
//! A row is `2 + k` words (`k` = number of (type, value) pairs): the sent
//! flags (bit [`pair`]`(t, v)`), the delivery (0: none, `1 + v`), then one
//! word per pair:
//!
//! | bits | what |
//! |---|---|
//! | 0..4 | senders counted other than the broadcaster (the process itself, correct and Byzantine ones) |
//! | 4..8 | of those, how many are Byzantine |
//! | 8..12 | messages of the pair in flight to the process from correct processes other than the broadcaster |
//! | 12 | whether the broadcaster is counted |
//! | 13 | whether the broadcaster's message is in flight to the process |
//!
//! With N <= 16 every count fits in 4 bits. A state is the rows one after the
//! other: the correct broadcaster's first (when it is correct), then the other
//! correct processes, sorted (the canonical form, see [`super::counting`]).

use super::layout::{pair, sent_and_delivered, VALUES};
use crate::semantics::{Local, ProcId, ProcSet, Value};

/// Bits of a pair word: senders counted (broadcaster excepted).
pub const COUNT: u16 = 0x000f;
/// Shift and bits of the Byzantine senders counted.
pub const BYZ_SHIFT: u16 = 4;
/// Shift and bits of the messages in flight from non-broadcasters.
pub const FLIGHT_SHIFT: u16 = 8;
/// The broadcaster is counted.
pub const BCAST: u16 = 1 << 12;
/// The broadcaster's message is in flight.
pub const BCAST_FLIGHT: u16 = 1 << 13;

/// Senders counted other than the broadcaster.
pub fn count(w: u16) -> u16 {
    w & COUNT
}
/// Byzantine senders counted.
pub fn byz(w: u16) -> u16 {
    (w >> BYZ_SHIFT) & 0xf
}
/// Messages in flight from correct non-broadcasters.
pub fn flight(w: u16) -> u16 {
    (w >> FLIGHT_SHIFT) & 0xf
}
/// Distinct senders counted, the broadcaster included.
pub fn total(w: u16) -> u16 {
    count(w) + u16::from(w & BCAST != 0)
}

/// Where things are in a counting state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Shape {
    /// Number of rows (correct processes).
    pub rows: usize,
    /// Number of (type, value) pairs.
    pub k: usize,
    /// First row of the interchangeable processes: 1 when row 0 is the
    /// correct broadcaster, else 0.
    pub first_symmetric: usize,
}

impl Shape {
    /// Words per row.
    pub fn width(&self) -> usize {
        2 + self.k
    }
    /// The words of row `r` in `s`.
    pub fn row<'a>(&self, s: &'a [u16], r: usize) -> &'a [u16] {
        &s[r * self.width()..(r + 1) * self.width()]
    }
    /// The words of row `r` in `s`, mutably.
    pub fn row_mut<'a>(&self, s: &'a mut [u16], r: usize) -> &'a mut [u16] {
        &mut s[r * self.width()..(r + 1) * self.width()]
    }
    /// Total words.
    pub fn len(&self) -> usize {
        self.rows * self.width()
    }
    /// Whether there is no row.
    pub fn is_empty(&self) -> bool {
        self.rows == 0
    }
    /// Whether row `r` is the correct broadcaster.
    pub fn is_broadcaster(&self, r: usize) -> bool {
        r < self.first_symmetric
    }
    /// Swaps values 0 and 1 in every row of `s`: sent flags, delivery and the
    /// words of each pair (see [`super::counting`], value symmetry).
    pub fn swap_values(&self, s: &mut [u16]) {
        const EVEN: u16 = 0x5555;
        for row in s.chunks_exact_mut(self.width()) {
            row[0] = (row[0] & EVEN) << 1 | (row[0] >> 1) & EVEN;
            row[1] = [0, 2, 1][row[1] as usize];
            for t in 0..self.k / VALUES {
                row.swap(2 + pair(t, 0), 2 + pair(t, 1));
            }
        }
    }

    /// Sorts the interchangeable rows of `s` (insertion sort: few rows, no
    /// allocation).
    pub fn sort(&self, s: &mut [u16]) {
        let w = self.width();
        for i in self.first_symmetric + 1..self.rows {
            let mut j = i;
            while j > self.first_symmetric && s[(j - 1) * w..j * w] > s[j * w..(j + 1) * w] {
                let (a, b) = s.split_at_mut(j * w);
                a[(j - 1) * w..].swap_with_slice(&mut b[..w]);
                j -= 1;
            }
        }
    }
}

/// A global state of the counting model (see the module docs).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CountState(pub Box<[u16]>);

/// One row as the step function sees it. Sender sets are rebuilt from the
/// counts: bit 0 the broadcaster, then as many bits as senders counted
/// (the step function only counts them and tests bit 0).
pub struct CountRow<'a>(pub &'a mut [u16]);

impl Local for CountRow<'_> {
    fn senders(&self, msg: usize, v: Value) -> ProcSet {
        let w = self.0[2 + pair(msg, v)];
        ProcSet::from(w & BCAST != 0) | (((1 << count(w)) - 1) << 1)
    }
    fn add_sender(&mut self, msg: usize, v: Value, from: ProcId) {
        let w = &mut self.0[2 + pair(msg, v)];
        if from == 0 {
            *w |= BCAST;
        } else {
            *w += 1;
        }
    }
    sent_and_delivered!();
}
