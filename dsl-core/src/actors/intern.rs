//! Interning wire values into the step function's small value domain.
//!
//! The step function ([`crate::semantics`]) works on [`Value`]s, a `u8`: it
//! never needs to know what a value means, only which receipts carry the same
//! one. On the wire a value is any `u64`. Each process keeps one
//! [`Interner`] per broadcast instance and gives each new value the next index,
//! up to a cap: a Byzantine process could otherwise make a correct one keep an
//! unbounded number of values. A message whose value does not fit is dropped
//! (and counted by the caller).

use crate::semantics::Value;
use serde::{Deserialize, Serialize};

/// The most distinct values one instance can hold: the size of [`Value`]'s
/// domain.
pub const MAX_VALUES: usize = Value::MAX as usize + 1;

/// The values of one instance, in the order they were first seen.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Interner {
    values: Vec<u64>,
}

impl Interner {
    /// The index of `value`, adding it if there is room for fewer than `cap`
    /// values (`cap` is clamped to [`MAX_VALUES`]); `None` when it is new and
    /// the instance is full.
    pub fn intern(&mut self, value: u64, cap: usize) -> Option<Value> {
        if let Some(v) = self.lookup(value) {
            return Some(v);
        }
        if self.values.len() >= cap.min(MAX_VALUES) {
            return None;
        }
        self.values.push(value);
        Value::try_from(self.values.len() - 1).ok()
    }

    /// The index of `value` if it was interned.
    pub fn lookup(&self, value: u64) -> Option<Value> {
        self.values
            .iter()
            .position(|&w| w == value)
            .and_then(|i| Value::try_from(i).ok())
    }

    /// The wire value behind an index.
    pub fn value(&self, v: Value) -> Option<u64> {
        self.values.get(v as usize).copied()
    }

    /// How many values are interned.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether no value is interned.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_value_same_index() {
        let mut i = Interner::default();
        assert_eq!(i.intern(1000, 4), Some(0));
        assert_eq!(i.intern(u64::MAX, 4), Some(1));
        assert_eq!(i.intern(1000, 4), Some(0));
        assert_eq!(i.value(1), Some(u64::MAX));
        assert_eq!(i.value(2), None);
        assert_eq!(i.len(), 2);
    }

    #[test]
    fn drops_beyond_the_cap_but_keeps_known_values() {
        let mut i = Interner::default();
        assert_eq!(i.intern(5, 2), Some(0));
        assert_eq!(i.intern(6, 2), Some(1));
        assert_eq!(i.intern(7, 2), None);
        assert_eq!(i.intern(6, 2), Some(1));
        assert_eq!(i.lookup(7), None);
        assert_eq!(i.len(), 2);
    }

    #[test]
    fn cap_is_clamped_to_the_value_domain() {
        let mut i = Interner::default();
        for w in 0..MAX_VALUES as u64 {
            assert_eq!(i.intern(w * 3, usize::MAX), Some(w as Value));
        }
        assert_eq!(i.intern(1, usize::MAX), None);
        assert_eq!(i.len(), MAX_VALUES);
    }
}
