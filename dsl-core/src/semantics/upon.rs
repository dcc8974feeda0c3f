//! Consensus in the step function: `on propose`, the `upon` blocks and their
//! outcomes (see the parent module's doc).

use super::{Local, Machine, MsgId, Output, ProcId, Value};
use crate::ir::Effect;

/// How a consensus process ended its part.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum Conclusion {
    /// `decide(v)`.
    Decided(Value),
    /// `handover(x)`: estimate x handed to the underlying consensus.
    HandedOver(Value),
}

impl Conclusion {
    /// The value decided or handed over.
    pub fn value(self) -> Value {
        match self {
            Conclusion::Decided(v) | Conclusion::HandedOver(v) => v,
        }
    }
}

/// Which value an `upon` arm that holds for both values runs with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Pick {
    /// This value (the checker explores 0 and 1).
    Value(Value),
    /// The value with more votes in the snapshot, the smaller on a tie (the
    /// actors and `node`).
    Majority,
}

/// One run of an `upon` block, reported in the outputs before its effects.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Evaluation {
    /// Index of the block in [`Machine::upon`].
    pub block: usize,
    /// The message type counted.
    pub msg: MsgId,
    /// First votes per value in the snapshot: (a0, a1).
    pub snapshot: [u32; 2],
    /// The arm that ran; `None` for `otherwise` or when nothing ran.
    pub arm: Option<usize>,
    /// The value bound (the input for `otherwise`).
    pub value: Value,
    /// Whether the arm held for both values (the other value is the other
    /// alternative: the checker branches on it).
    pub both: bool,
    /// Whether something ran: an arm or `otherwise`.
    pub ran: bool,
}

/// An `upon` arm's count with its threshold evaluated: the bound value's
/// first votes in the snapshot must be at least `least`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CompiledCount {
    /// The message type (the block's own).
    pub msg: MsgId,
    /// The least number of votes that meets the threshold (may be <= 0).
    pub least: i64,
}

/// An `upon` arm with its thresholds evaluated.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CompiledArm {
    /// The conjuncts.
    pub counts: Vec<CompiledCount>,
    /// The effects, for the bound value.
    pub effects: Vec<Effect>,
}

impl CompiledArm {
    /// Whether the arm holds for `v` on the snapshot (a0, a1).
    pub fn holds(&self, snapshot: [u32; 2], v: Value) -> bool {
        self.counts
            .iter()
            .all(|c| snapshot[v as usize & 1] as i64 >= c.least)
    }
}

/// An `upon` block with its thresholds evaluated.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CompiledUpon {
    /// The message type counted.
    pub msg: MsgId,
    /// Distinct first senders needed, at least 1.
    pub least: u32,
    /// The arms, tried in order.
    pub arms: Vec<CompiledArm>,
    /// `otherwise`'s effects, if present.
    pub otherwise: Option<Vec<Effect>>,
}

impl CompiledUpon {
    /// The first arm that holds on `snapshot` and the values it holds for
    /// (`[holds for 0, holds for 1]`); `None` when no arm holds.
    pub fn arm(&self, snapshot: [u32; 2]) -> Option<(usize, [bool; 2])> {
        self.arms.iter().enumerate().find_map(|(i, a)| {
            let h = [a.holds(snapshot, 0), a.holds(snapshot, 1)];
            (h[0] || h[1]).then_some((i, h))
        })
    }
}

impl Machine {
    /// Process `me` receives T(v) from `from`: records the sender, then
    /// settles and, under consensus, runs an `upon` block that became due,
    /// with `pick` choosing the value of an arm that holds for both values
    /// (an [`Output::Evaluate`] with `both` says that the other value was
    /// possible too; broadcast protocols have no `upon`, and pass
    /// [`Pick::Majority`]). A repeated receipt changes nothing, nor does any
    /// receipt after a decision or handover.
    #[allow(clippy::too_many_arguments)]
    pub fn receive<L: Local>(
        &self,
        me: ProcId,
        local: &mut L,
        from: ProcId,
        msg: MsgId,
        v: Value,
        pick: Pick,
        out: &mut Vec<Output>,
    ) {
        if msg >= self.messages
            || from >= self.n
            || local.senders(msg, v) & (1 << from) != 0
            || local.outcome().is_some()
        {
            return;
        }
        local.add_sender(msg, v, from);
        if self.upon.is_empty() {
            self.settle(me, local, v, out);
            return;
        }
        self.count_first(local, msg, v, from);
        self.settle(me, local, v, out);
        self.run_upon(me, local, pick, out);
    }

    /// Consensus: process `me` proposes `input`: runs `on propose`, then
    /// settles and runs an `upon` block that became due, with `pick`
    /// choosing the value of an arm that holds for both (see
    /// [`Machine::receive`]).
    pub fn propose<L: Local>(
        &self,
        me: ProcId,
        local: &mut L,
        input: Value,
        pick: Pick,
        out: &mut Vec<Output>,
    ) {
        if local.input().is_some() || local.outcome().is_some() {
            return;
        }
        local.set_input(input);
        for e in &self.propose {
            self.perform(me, local, input, input, e, out);
        }
        if local.outcome().is_some() {
            return;
        }
        self.settle(me, local, input, out);
        self.run_upon(me, local, pick, out);
    }

    /// Records `from`'s first T message, if this is it and T is counted by
    /// an `upon` block.
    pub(super) fn count_first<L: Local>(&self, local: &mut L, msg: MsgId, v: Value, from: ProcId) {
        if !self.upon.iter().any(|u| u.msg == msg) {
            return;
        }
        let bit = 1 << from;
        if (local.first_senders(msg, 0) | local.first_senders(msg, 1)) & bit == 0 {
            local.add_first_sender(msg, v, from);
        }
    }

    /// The snapshot (a0, a1) of block `u`'s first votes.
    pub fn snapshot<L: Local>(&self, local: &L, u: &CompiledUpon) -> [u32; 2] {
        [
            local.first_senders(u.msg, 0).count_ones(),
            local.first_senders(u.msg, 1).count_ones(),
        ]
    }

    /// Runs every `upon` block that is due and has not run, in order, until
    /// the process's part ends.
    pub(super) fn run_upon<L: Local>(
        &self,
        me: ProcId,
        local: &mut L,
        pick: Pick,
        out: &mut Vec<Output>,
    ) {
        for (block, u) in self.upon.iter().enumerate() {
            if local.outcome().is_some() {
                return;
            }
            if local.fired(block) {
                continue;
            }
            let snapshot = self.snapshot(local, u);
            if snapshot[0] + snapshot[1] < u.least {
                continue;
            }
            local.set_fired(block);
            let input = local.input().unwrap_or(0);
            let (arm, value, both, effects) = match u.arm(snapshot) {
                Some((i, holds)) => {
                    let both = holds[0] && holds[1];
                    let value = if both {
                        match pick {
                            Pick::Value(w) => w & 1,
                            Pick::Majority => (snapshot[1] > snapshot[0]) as Value,
                        }
                    } else {
                        holds[1] as Value
                    };
                    (Some(i), value, both, Some(&u.arms[i].effects))
                }
                None => (None, input, false, u.otherwise.as_ref()),
            };
            out.push(Output::Evaluate(Evaluation {
                block,
                msg: u.msg,
                snapshot,
                arm,
                value,
                both,
                ran: effects.is_some(),
            }));
            for e in effects.into_iter().flatten() {
                self.perform(me, local, value, input, e, out);
            }
            if local.outcome().is_none() {
                self.settle(me, local, value, out);
            }
        }
    }
}
