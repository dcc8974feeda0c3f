//! [`ProcessState`], the plain local state of the reference model and the
//! actors.

use super::{Conclusion, Local, MsgId, ProcId, ProcSet, Value};

/// A plain local state for any value domain, used by the reference model and
/// the actors.
#[derive(
    Clone,
    Debug,
    Default,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    serde::Serialize,
    serde::Deserialize,
)]
pub struct ProcessState {
    /// Senders per (type, value), only non-empty entries.
    pub senders: std::collections::BTreeMap<(MsgId, Value), ProcSet>,
    /// The (type, value) pairs sent.
    pub sent: std::collections::BTreeSet<(MsgId, Value)>,
    /// The value delivered.
    pub delivered: Option<Value>,
    /// Consensus: per (type, value), the senders whose first message of
    /// that type carried the value; only non-empty entries.
    #[serde(default)]
    pub first: std::collections::BTreeMap<(MsgId, Value), ProcSet>,
    /// Consensus: the `upon` blocks that ran, as a bitset.
    #[serde(default)]
    pub fired: u64,
    /// Consensus: the input, once proposed.
    #[serde(default)]
    pub input: Option<Value>,
    /// Consensus: the decision or handover.
    #[serde(default)]
    pub outcome: Option<Conclusion>,
}

impl Local for ProcessState {
    fn senders(&self, msg: MsgId, v: Value) -> ProcSet {
        self.senders.get(&(msg, v)).copied().unwrap_or(0)
    }
    fn add_sender(&mut self, msg: MsgId, v: Value, from: ProcId) {
        *self.senders.entry((msg, v)).or_insert(0) |= 1 << from;
    }
    fn has_sent(&self, msg: MsgId, v: Value) -> bool {
        self.sent.contains(&(msg, v))
    }
    fn has_sent_any(&self, msg: MsgId) -> bool {
        self.sent
            .range((msg, 0)..=(msg, Value::MAX))
            .next()
            .is_some()
    }
    fn mark_sent(&mut self, msg: MsgId, v: Value) {
        self.sent.insert((msg, v));
    }
    fn delivered(&self) -> Option<Value> {
        self.delivered
    }
    fn set_delivered(&mut self, v: Value) {
        self.delivered = Some(v);
    }
    fn first_senders(&self, msg: MsgId, v: Value) -> ProcSet {
        self.first.get(&(msg, v)).copied().unwrap_or(0)
    }
    fn add_first_sender(&mut self, msg: MsgId, v: Value, from: ProcId) {
        *self.first.entry((msg, v)).or_insert(0) |= 1 << from;
    }
    fn fired(&self, block: usize) -> bool {
        block < 64 && self.fired & (1 << block) != 0
    }
    fn set_fired(&mut self, block: usize) {
        if block < 64 {
            self.fired |= 1 << block;
        }
    }
    fn input(&self) -> Option<Value> {
        self.input
    }
    fn set_input(&mut self, v: Value) {
        self.input = Some(v);
    }
    fn outcome(&self) -> Option<Conclusion> {
        self.outcome
    }
    fn set_outcome(&mut self, o: Conclusion) {
        self.outcome = Some(o);
    }
}
