//! One process of a protocol as a stateright [`Actor`].
//!
//! A correct process keeps, per broadcast instance, a [`ProcessState`] and an
//! [`Interner`], and steps it with THE step function
//! ([`Machine::broadcast`], [`Machine::receive`]); nothing about the
//! protocol's rules is written here. The step function knows one broadcaster,
//! process 0, so each instance renumbers the processes to put its origin at
//! 0: process `p` is `(p - origin) mod N` inside instance `(origin, seq)`.
//!
//! Faults are part of the actor, so the same actor could be model-checked:
//! - crash (`crash_after: Some(s)`): after its `s`-th network message the
//!   process stops for good, also between two recipients of one `send to
//!   all`, so such a send reaches only some of them;
//! - Byzantine ([`Behaviour::Byzantine`]): instead of the rules, in every
//!   instance it hears of (or broadcasts) it equivocates, sending every
//!   message type with value `v` to half of the others and `v ^ FORGED` to the
//!   other, larger half, and replays every distinct message it receives to all
//!   others, under its own name (channels are authenticated). Given
//!   `foresight`, it equivocates at start in instances it has not heard of
//!   yet, so its forgeries race the origin's messages.

use super::intern::Interner;
use super::link::Link;
use super::wire::{Instance, Packet, Payload};
use crate::ir::MsgId;
use crate::semantics::{Machine, Output, Pick, ProcId, ProcessState};
use serde::{Deserialize, Serialize};
use stateright::actor::{Actor, Id, Out};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;

/// A Byzantine process equivocates between `v` and `v ^ FORGED`.
pub const FORGED: u64 = 1 << 20;

/// The one instance of a consensus run: process ids are the step function's.
pub const CONSENSUS: Instance = Instance { origin: 0, seq: 0 };

/// How a process behaves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Behaviour {
    /// Follows the protocol (until it crashes, if it is set to).
    Correct,
    /// Equivocates, forges every message type and replays what it receives.
    Byzantine,
}

/// Bounds on what a process keeps, against floods of well-formed messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RunLimits {
    /// Distinct values per instance (at most 256); more are dropped.
    pub max_values: usize,
    /// Instances per process; messages of more are dropped.
    pub max_instances: usize,
}

impl Default for RunLimits {
    fn default() -> Self {
        RunLimits {
            max_values: 8,
            max_instances: 4096,
        }
    }
}

/// The only timer: retransmit what is not acknowledged.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Timer {
    /// One tick of the link's logical clock.
    Resend,
}

/// One process.
#[derive(Clone, Debug)]
pub struct ProcessActor {
    /// The protocol at (N, F).
    pub machine: Arc<Machine>,
    /// This process's id (its index in `peers`).
    pub me: ProcId,
    /// The address of every process, indexed by process id.
    pub peers: Arc<[Id]>,
    /// Correct or Byzantine.
    pub behaviour: Behaviour,
    /// Crash after this many network messages (`Some(0)`: at start).
    pub crash_after: Option<u64>,
    /// This process's own broadcasts: (sequence number, value), issued at start.
    pub broadcasts: Vec<(u32, u64)>,
    /// Byzantine: other processes' instances, with their values, to
    /// equivocate in at start, racing their origins (an adversary that knows
    /// the schedule).
    pub foresight: Vec<(Instance, u64)>,
    /// Bounds on the state.
    pub limits: RunLimits,
    /// Period of the retransmission tick.
    pub resend_every: Duration,
    /// Consensus: the input (0 or 1) this process proposes at start, instead
    /// of broadcasting (see [`super::consensus`]); `None` for broadcast.
    pub input: Option<u64>,
}

/// What happened to the datagrams of one process, besides the protocol.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Counters {
    /// Protocol messages sent (first transmissions; retransmissions apart).
    pub sent: u64,
    /// Distinct protocol messages received.
    pub received: u64,
    /// Copies of messages already received (retransmissions).
    pub duplicates: u64,
    /// Retransmissions.
    pub retransmits: u64,
    /// Acknowledgements sent.
    pub acks_sent: u64,
    /// Acknowledgements received for pending messages.
    pub acks_received: u64,
    /// Well-formed datagrams from an address that is no other process.
    pub foreign: u64,
    /// Messages naming a process or message type that does not exist.
    pub invalid: u64,
    /// Messages dropped because their instance had too many values.
    pub values_dropped: u64,
    /// Messages dropped because there were too many instances.
    pub instances_dropped: u64,
}

/// A process's state in one instance.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Slot {
    /// What the step function reads and writes.
    pub local: ProcessState,
    /// The instance's wire values, interned.
    pub values: Interner,
    /// Network messages this process sent in the instance.
    pub sent: u64,
    /// Distinct messages it received in the instance.
    pub received: u64,
    /// Byzantine: whether it already equivocated here.
    pub forged: bool,
    /// Byzantine: the (type, value) pairs it already replayed.
    pub replayed: BTreeSet<(MsgId, u64)>,
}

/// A process's whole state.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Node {
    /// Per instance.
    pub slots: BTreeMap<Instance, Slot>,
    /// The reliable link.
    pub link: Link,
    /// Datagram counters.
    pub counters: Counters,
    /// Deliveries, in order: (instance, value).
    pub deliveries: Vec<(Instance, u64)>,
    /// Own broadcasts, in order: (instance, the values sent; two when
    /// equivocating).
    pub broadcasts: Vec<(Instance, Vec<u64>)>,
    /// Network messages sent so far (what `crash_after` counts).
    pub steps: u64,
    /// Whether the process crashed.
    pub crashed: bool,
}

impl ProcessActor {
    fn n(&self) -> usize {
        self.machine.n
    }

    /// `p`'s id inside an instance of `origin`.
    fn relative(&self, origin: ProcId, p: ProcId) -> ProcId {
        (p + self.n() - origin) % self.n()
    }

    /// The real id of `r` inside an instance of `origin`.
    fn absolute(&self, origin: ProcId, r: ProcId) -> ProcId {
        (r + origin) % self.n()
    }

    /// The slot of `instance`, created if there is room.
    pub(super) fn slot<'a>(&self, node: &'a mut Node, instance: Instance) -> Option<&'a mut Slot> {
        if !node.slots.contains_key(&instance) && node.slots.len() >= self.limits.max_instances {
            node.counters.instances_dropped += 1;
            return None;
        }
        Some(node.slots.entry(instance).or_default())
    }

    /// Sends one network message, unless crashed; crashes right after the
    /// `crash_after`-th.
    pub(super) fn send(&self, node: &mut Node, to: ProcId, payload: Payload, o: &mut Out<Self>) {
        if node.crashed {
            return;
        }
        let packet = node.link.send(to, payload);
        node.steps += 1;
        node.counters.sent += 1;
        if let Some(slot) = node.slots.get_mut(&payload.instance) {
            slot.sent += 1;
        }
        o.send(self.peers[to], packet);
        if self.crash_after.is_some_and(|s| node.steps >= s) {
            node.crashed = true;
        }
    }

    /// Carries out the step function's outputs for `instance`, in order,
    /// stopping at a crash.
    pub(super) fn emit(
        &self,
        node: &mut Node,
        instance: Instance,
        outs: &mut Vec<Output>,
        o: &mut Out<Self>,
    ) {
        let me = self.relative(instance.origin, self.me);
        let Some(values) = node.slots.get(&instance).map(|s| s.values.clone()) else {
            return;
        };
        for out in outs.drain(..) {
            if node.crashed {
                break;
            }
            match out {
                Output::Send { msg, value, to } => {
                    let Some(value) = values.value(value) else {
                        continue;
                    };
                    for r in self.machine.recipients(me, to) {
                        let payload = Payload {
                            instance,
                            msg,
                            value,
                        };
                        self.send(node, self.absolute(instance.origin, r), payload, o);
                    }
                }
                Output::Deliver(v) => {
                    if let Some(value) = values.value(v) {
                        node.deliveries.push((instance, value));
                    }
                }
                // Consensus: the outcome is kept in the slot's state, read at
                // the end of the run (see `super::consensus`).
                Output::Evaluate(_) | Output::Decide(_) | Output::Handover(_) => {}
            }
        }
    }

    /// A correct process broadcasts `value` in `instance`.
    fn broadcast(&self, node: &mut Node, instance: Instance, value: u64, o: &mut Out<Self>) {
        let cap = self.limits.max_values;
        let Some(slot) = self.slot(node, instance) else {
            return;
        };
        let Some(v) = slot.values.intern(value, cap) else {
            return;
        };
        let mut outs = Vec::new();
        self.machine.broadcast(0, &mut slot.local, v, &mut outs);
        node.broadcasts.push((instance, vec![value]));
        self.emit(node, instance, &mut outs, o);
    }

    /// Broadcasts `value` in this process's instance `seq`: by the rules, or
    /// equivocating if Byzantine.
    fn originate(&self, node: &mut Node, seq: u32, value: u64, o: &mut Out<Self>) {
        let instance = Instance {
            origin: self.me,
            seq,
        };
        match self.behaviour {
            Behaviour::Correct => self.broadcast(node, instance, value, o),
            Behaviour::Byzantine => {
                self.equivocate(node, instance, [value, value ^ FORGED], o);
                node.broadcasts
                    .push((instance, vec![value, value ^ FORGED]));
            }
        }
    }

    /// Broadcasts `value` in this process's next instance (one past its
    /// latest broadcast), as [`ProcessActor::broadcasts`] does at start but
    /// asked for while running (`distgen node`). Returns the instance, or
    /// `None` if the process crashed.
    pub fn broadcast_next(
        &self,
        node: &mut Node,
        value: u64,
        o: &mut Out<Self>,
    ) -> Option<Instance> {
        if node.crashed {
            return None;
        }
        let seq = node
            .broadcasts
            .iter()
            .map(|(i, _)| i.seq + 1)
            .max()
            .unwrap_or(0);
        self.originate(node, seq, value, o);
        Some(Instance {
            origin: self.me,
            seq,
        })
    }

    /// A correct process receives a new message from `from`.
    fn receive(&self, node: &mut Node, from: ProcId, payload: Payload, o: &mut Out<Self>) {
        let Payload {
            instance,
            msg,
            value,
        } = payload;
        let cap = self.limits.max_values;
        let Some(slot) = self.slot(node, instance) else {
            return;
        };
        slot.received += 1;
        let Some(v) = slot.values.intern(value, cap) else {
            node.counters.values_dropped += 1;
            return;
        };
        let (me, from) = (
            self.relative(instance.origin, self.me),
            self.relative(instance.origin, from),
        );
        let mut outs = Vec::new();
        self.machine
            .receive(me, &mut slot.local, from, msg, v, Pick::Majority, &mut outs);
        self.emit(node, instance, &mut outs, o);
    }

    /// The other processes, in the instance's order (origin first).
    pub(super) fn others(&self, origin: ProcId) -> Vec<ProcId> {
        (0..self.n())
            .map(|r| self.absolute(origin, r))
            .filter(|&p| p != self.me)
            .collect()
    }

    /// Byzantine: sends every message type with `values[0]` to the first half
    /// of the others, rounded down (the origin first), and `values[1]` to the
    /// rest, once per instance. In broadcast the second is `value ^ FORGED`:
    /// the larger half, without the origin, is where a forged value can
    /// gather a quorum of correct senders. In consensus they are 0 and 1.
    fn equivocate(&self, node: &mut Node, instance: Instance, values: [u64; 2], o: &mut Out<Self>) {
        let Some(slot) = self.slot(node, instance) else {
            return;
        };
        if slot.forged {
            return;
        }
        slot.forged = true;
        let others = self.others(instance.origin);
        let half = others.len() / 2;
        for msg in 0..self.machine.messages {
            for (i, &to) in others.iter().enumerate() {
                let value = values[usize::from(i >= half)];
                self.send(
                    node,
                    to,
                    Payload {
                        instance,
                        msg,
                        value,
                    },
                    o,
                );
            }
        }
    }

    /// Consensus, at start: a correct process proposes `input`; a Byzantine
    /// one votes both values, 0 to the first half of the others and 1 to the
    /// rest (see [`super::consensus`]). The wire values 0 and 1 are interned
    /// first, so that wire value v is the step function's value v.
    fn propose(&self, node: &mut Node, input: u64, o: &mut Out<Self>) {
        let Some(slot) = self.slot(node, CONSENSUS) else {
            return;
        };
        let _ = slot.values.intern(0, 2);
        let _ = slot.values.intern(1, 2);
        match self.behaviour {
            Behaviour::Correct => {
                let Some(v) = slot.values.lookup(input) else {
                    return;
                };
                let mut outs = Vec::new();
                self.machine
                    .propose(self.me, &mut slot.local, v, Pick::Majority, &mut outs);
                self.emit(node, CONSENSUS, &mut outs, o);
            }
            Behaviour::Byzantine => self.equivocate(node, CONSENSUS, [0, 1], o),
        }
    }

    /// Byzantine: equivocates in the message's instance and replays the
    /// message (once per distinct type and value) to every other process.
    fn byzantine_receive(&self, node: &mut Node, payload: Payload, o: &mut Out<Self>) {
        let cap = self.limits.max_values;
        let Some(slot) = self.slot(node, payload.instance) else {
            return;
        };
        slot.received += 1;
        if slot.values.intern(payload.value, cap).is_none() {
            node.counters.values_dropped += 1;
            return;
        }
        let fresh = slot.replayed.insert((payload.msg, payload.value));
        self.equivocate(
            node,
            payload.instance,
            [payload.value, payload.value ^ FORGED],
            o,
        );
        if fresh {
            for to in self.others(payload.instance.origin) {
                self.send(node, to, payload, o);
            }
        }
    }
}

impl Actor for ProcessActor {
    type Msg = Packet;
    type State = Node;
    type Timer = Timer;
    type Random = ();
    type Storage = ();

    fn on_start(&self, _id: Id, _storage: &Option<()>, o: &mut Out<Self>) -> Node {
        let mut node = Node {
            crashed: self.crash_after == Some(0),
            ..Node::default()
        };
        if node.crashed {
            return node;
        }
        o.set_timer(Timer::Resend, self.resend_every..self.resend_every);
        if let Some(input) = self.input {
            self.propose(&mut node, input, o);
            return node;
        }
        for &(seq, value) in &self.broadcasts {
            self.originate(&mut node, seq, value, o);
        }
        if self.behaviour == Behaviour::Byzantine {
            for &(instance, value) in &self.foresight {
                self.equivocate(&mut node, instance, [value, value ^ FORGED], o);
            }
        }
        node
    }

    fn on_msg(&self, _id: Id, state: &mut Cow<Node>, src: Id, msg: Packet, o: &mut Out<Self>) {
        if state.crashed {
            return;
        }
        let node = state.to_mut();
        let Some(from) = self
            .peers
            .iter()
            .position(|&p| p == src)
            .filter(|&p| p != self.me)
        else {
            node.counters.foreign += 1;
            return;
        };
        match msg {
            Packet::Ack { id } => {
                if node.link.acknowledged(from, id) {
                    node.counters.acks_received += 1;
                }
            }
            Packet::Data { id, payload } => {
                o.send(src, Packet::Ack { id });
                node.counters.acks_sent += 1;
                if !node.link.first_receipt(from, id) {
                    node.counters.duplicates += 1;
                    return;
                }
                node.counters.received += 1;
                if payload.instance.origin >= self.n() || payload.msg >= self.machine.messages {
                    node.counters.invalid += 1;
                    return;
                }
                match self.behaviour {
                    Behaviour::Correct => self.receive(node, from, payload, o),
                    // Consensus: a Byzantine process equivocated at start.
                    Behaviour::Byzantine if self.input.is_some() => {}
                    Behaviour::Byzantine => self.byzantine_receive(node, payload, o),
                }
            }
        }
    }

    fn on_timeout(&self, _id: Id, state: &mut Cow<Node>, _timer: &Timer, o: &mut Out<Self>) {
        if state.crashed {
            return;
        }
        let node = state.to_mut();
        for (to, packet) in node.link.tick() {
            node.counters.retransmits += 1;
            o.send(self.peers[to], packet);
        }
        o.set_timer(Timer::Resend, self.resend_every..self.resend_every);
    }

    fn name(&self) -> String {
        format!("p{}", self.me)
    }
}

#[cfg(test)]
mod tests;
