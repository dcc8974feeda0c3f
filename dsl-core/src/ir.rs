//! The protocol IR: an owned, span-free description of one protocol, for
//! either problem distgen knows ([`Problem`]): reliable broadcast or one-step
//! consensus.
//!
//! The parser ([`crate::syntax`]) builds it from DSL source, the printer
//! ([`crate::print`](mod@crate::print)) turns it back into source, the `protocol!` macro quotes it
//! into Rust, the checker and the actors run it through [`crate::semantics`], and
//! the learner builds it one action at a time. `parse(print(ir)) == ir` for every
//! IR that validation ([`crate::syntax`]) accepts.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Index of a message type in [`ProtocolIr::messages`].
pub type MsgId = usize;

/// The fault model a protocol claims to tolerate (`faults: ...;`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FaultModel {
    /// Every process is correct.
    None,
    /// Up to F processes stop at any point (crash-stop).
    Crash,
    /// F processes behave arbitrarily.
    Byzantine,
}

impl FaultModel {
    /// All fault models, weakest first.
    pub const ALL: [FaultModel; 3] = [FaultModel::None, FaultModel::Crash, FaultModel::Byzantine];

    /// The keyword used in the DSL.
    pub fn keyword(self) -> &'static str {
        match self {
            FaultModel::None => "none",
            FaultModel::Crash => "crash",
            FaultModel::Byzantine => "byzantine",
        }
    }
}

impl fmt::Display for FaultModel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.keyword())
    }
}

impl std::str::FromStr for FaultModel {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        named(s, &FaultModel::ALL, |m| m.keyword(), "fault model")
    }
}

/// The member of `all` that `name` names, or an error that lists them all
/// (`unknown fault model `x`; expected none, crash or byzantine`): the
/// parser of every closed set of names, from the one list that names them.
pub fn named<T: Copy>(
    s: &str,
    all: &[T],
    name: impl Fn(T) -> &'static str,
    what: &str,
) -> Result<T, String> {
    if let Some(&found) = all.iter().find(|&&t| name(t) == s) {
        return Ok(found);
    }
    let names: Vec<&str> = all.iter().map(|&t| name(t)).collect();
    let expected = match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => names.join(""),
    };
    Err(format!("unknown {what} `{s}`; expected {expected}"))
}

/// The problem a protocol solves (`problem: ...;`, `broadcast` when absent).
///
/// What a problem means to every layer (how an instance starts, its
/// scenarios, its properties) is said once, in [`crate::problem`].
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Problem {
    /// Reliable broadcast: process 0 broadcasts a value (`on broadcast(m)`),
    /// correct processes `deliver` it.
    #[default]
    Broadcast,
    /// Binary consensus: every process proposes a value (`on propose(v)`),
    /// correct processes `decide` or `handover` to an underlying consensus.
    Consensus,
}

impl Problem {
    /// Both problems.
    pub const ALL: [Problem; 2] = [Problem::Broadcast, Problem::Consensus];

    /// The keyword used in the DSL.
    pub fn keyword(self) -> &'static str {
        match self {
            Problem::Broadcast => "broadcast",
            Problem::Consensus => "consensus",
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.keyword())
    }
}

impl std::str::FromStr for Problem {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        named(s, &Problem::ALL, |p| p.keyword(), "problem")
    }
}

/// A binary arithmetic operator of a threshold expression.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum BinOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`, rounding down.
    Div,
}

impl BinOp {
    /// The operator's token.
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
        }
    }

    /// Binding strength: `*` and `/` bind tighter than `+` and `-`.
    pub fn precedence(self) -> u8 {
        match self {
            BinOp::Add | BinOp::Sub => 1,
            BinOp::Mul | BinOp::Div => 2,
        }
    }
}

/// An integer expression over the system size `N` and the fault bound `F`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Expr {
    /// A literal.
    Int(i64),
    /// The number of processes.
    N,
    /// The fault bound.
    F,
    /// `lhs op rhs`.
    Bin(BinOp, Box<Expr>, Box<Expr>),
}

impl Expr {
    /// `lhs op rhs`.
    pub fn bin(op: BinOp, lhs: Expr, rhs: Expr) -> Expr {
        Expr::Bin(op, Box::new(lhs), Box::new(rhs))
    }

    /// The value at (N, F). Division rounds down (towards minus infinity);
    /// division by zero yields `None`.
    pub fn eval(&self, n: i64, f: i64) -> Option<i64> {
        Some(match self {
            Expr::Int(k) => *k,
            Expr::N => n,
            Expr::F => f,
            Expr::Bin(op, a, b) => {
                let (a, b) = (a.eval(n, f)?, b.eval(n, f)?);
                match op {
                    BinOp::Add => a.checked_add(b)?,
                    BinOp::Sub => a.checked_sub(b)?,
                    BinOp::Mul => a.checked_mul(b)?,
                    BinOp::Div => {
                        if b == 0 {
                            return None;
                        }
                        let q = a.checked_div(b)?;
                        if a % b != 0 && ((a < 0) != (b < 0)) {
                            q - 1
                        } else {
                            q
                        }
                    }
                }
            }
        })
    }
}

/// A comparison operator of a `requires` condition.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CmpOp {
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `==`
    Eq,
    /// `<`
    Lt,
    /// `<=`
    Le,
}

impl CmpOp {
    /// The operator's token.
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
            CmpOp::Eq => "==",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
        }
    }
}

/// A condition on (N, F), e.g. `N > 3 * F`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Cond {
    /// Left-hand side.
    pub lhs: Expr,
    /// Comparison.
    pub op: CmpOp,
    /// Right-hand side.
    pub rhs: Expr,
}

impl Cond {
    /// Whether the condition holds at (N, F); an undefined side makes it false.
    pub fn holds(&self, n: i64, f: i64) -> bool {
        let (Some(a), Some(b)) = (self.lhs.eval(n, f), self.rhs.eval(n, f)) else {
            return false;
        };
        match self.op {
            CmpOp::Gt => a > b,
            CmpOp::Ge => a >= b,
            CmpOp::Eq => a == b,
            CmpOp::Lt => a < b,
            CmpOp::Le => a <= b,
        }
    }
}

/// How many senders a `received` guard needs.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Quorum {
    /// `from broadcaster`: the message came from process 0.
    FromBroadcaster,
    /// `>= expr`: at least this many distinct senders (a value below 1 counts as 1).
    AtLeast(Expr),
    /// `>= expr excluding broadcaster`: at least this many distinct senders
    /// other than process 0, the broadcaster (a value below 1 counts as 1).
    /// Abraham, Ren and Xiang's counts: a Byzantine broadcaster then has at
    /// most F - 1 accomplices among the senders counted.
    AtLeastExcluding(Expr),
}

impl Quorum {
    /// The threshold expression of `>= expr`, with or without `excluding
    /// broadcaster`.
    pub fn threshold(&self) -> Option<&Expr> {
        match self {
            Quorum::FromBroadcaster => None,
            Quorum::AtLeast(e) | Quorum::AtLeastExcluding(e) => Some(e),
        }
    }

    /// Whether the broadcaster's message is left out of the count.
    pub fn excludes_broadcaster(&self) -> bool {
        matches!(self, Quorum::AtLeastExcluding(_))
    }
}

/// One conjunct of a `when` rule.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Guard {
    /// `received T(m) from broadcaster`, `received T(m) >= k` or
    /// `received T(m) >= k excluding broadcaster`.
    Received {
        /// The message type.
        msg: MsgId,
        /// Who or how many must have sent it.
        quorum: Quorum,
    },
    /// `not sent T`: this process sent no message of type T, for any value.
    NotSent {
        /// The message type.
        msg: MsgId,
    },
}

/// Where a `send` goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Dest {
    /// Every other process over the network, and a free local copy to itself.
    All,
    /// Every other process, no local copy.
    Others,
    /// The local copy only.
    Myself,
}

impl Dest {
    /// The keyword used in the DSL.
    pub fn keyword(self) -> &'static str {
        match self {
            Dest::All => "all",
            Dest::Others => "others",
            Dest::Myself => "self",
        }
    }

    /// Whether the sender counts itself as a sender at once.
    pub fn includes_self(self) -> bool {
        matches!(self, Dest::All | Dest::Myself)
    }

    /// Whether the message goes over the network to the other processes.
    pub fn includes_others(self) -> bool {
        matches!(self, Dest::All | Dest::Others)
    }
}

/// One statement of a handler block, always about the handler's value.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Effect {
    /// `send T(m) to dest;`
    Send {
        /// The message type.
        msg: MsgId,
        /// The destination.
        to: Dest,
    },
    /// `deliver(m);` (broadcast).
    Deliver,
    /// `decide(v);` (consensus): decides the value at hand; the process's
    /// part ends.
    Decide,
    /// `handover(v);` or `handover(proposal);` (consensus): hands an estimate
    /// to the underlying consensus, a final state whose own agreement and
    /// validity are assumed (as in ByMC's c1cs and Bosco); the process's
    /// part ends.
    Handover(Estimate),
}

impl Effect {
    /// Whether the effect ends the process's part in the protocol (`decide`,
    /// `handover`).
    pub fn is_final(&self) -> bool {
        matches!(self, Effect::Decide | Effect::Handover(_))
    }
}

/// What `handover(...)` hands to the underlying consensus.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Estimate {
    /// The value at hand (`handover(v)`, `v` bound by the rule or arm).
    Value,
    /// The process's own input (`handover(proposal)`).
    Proposal,
}

/// `on broadcast(m) { ... }` (what the broadcaster does first) or
/// `on propose(v) { ... }` (what every process does first with its input).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Handler {
    /// The name bound to the broadcast value or the input (`m`, `v`).
    pub value: String,
    /// The effects, in order.
    pub effects: Vec<Effect>,
}

/// The `on broadcast` handler; the same shape as every handler.
pub type Broadcast = Handler;

/// A count compared with a threshold: `>= expr` or `> expr`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Threshold {
    /// `>` rather than `>=`.
    pub strict: bool,
    /// The right-hand side.
    pub expr: Expr,
}

impl Threshold {
    /// The least count that meets it at (N, F): `e` for `>= e`, `e + 1` for
    /// `> e`; `None` where the expression is undefined.
    pub fn least(&self, n: i64, f: i64) -> Option<i64> {
        let e = self.expr.eval(n, f)?;
        if self.strict {
            e.checked_add(1)
        } else {
            Some(e)
        }
    }

    /// The comparison's token.
    pub fn symbol(&self) -> &'static str {
        if self.strict {
            ">"
        } else {
            ">="
        }
    }
}

/// `T(v) > expr`, one conjunct of an `upon` arm: the distinct senders whose
/// first T message in the block's snapshot carried the bound value.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Count {
    /// The message type.
    pub msg: MsgId,
    /// How many.
    pub threshold: Threshold,
}

/// `when T(v) > e and ... { effects }`, an arm of an `upon` block.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Arm {
    /// The name bound to the value (`v`).
    pub value: String,
    /// The conjuncts, at least one.
    pub counts: Vec<Count>,
    /// The effects, in order, for the bound value.
    pub effects: Vec<Effect>,
}

/// `upon received T >= k { arms otherwise }` (consensus): runs once, at the
/// receipt that first makes the number of distinct T senders, over all
/// values and each sender's first T message only, reach the threshold; the
/// first arm whose counts hold on that snapshot runs (docs/DESIGN.md section
/// 4).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Upon {
    /// The message type counted.
    pub msg: MsgId,
    /// How many distinct senders.
    pub threshold: Threshold,
    /// The arms, tried in order.
    pub arms: Vec<Arm>,
    /// `otherwise { ... }`: the effects when no arm holds, with the input
    /// as the value at hand; `None` when absent (then nothing happens).
    pub otherwise: Option<Vec<Effect>>,
}

/// The consensus-only parts of a protocol; empty for broadcast.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Consensus {
    /// `on propose(v) { ... }`, if present.
    pub propose: Option<Handler>,
    /// The `upon` blocks, in source order (at most one per message type).
    pub upon: Vec<Upon>,
    /// `one_step: ...;`: where the protocol claims that unanimous correct
    /// inputs decide at the first evaluation, with F faults. Empty: no claim.
    pub one_step: Vec<Cond>,
}

/// `when guard and guard ... { effects }`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Rule {
    /// The name bound to the value by the `received` guards (`m`).
    pub value: String,
    /// The conjuncts; at least one is `received`.
    pub guards: Vec<Guard>,
    /// The effects, in order.
    pub effects: Vec<Effect>,
}

/// A whole protocol.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ProtocolIr {
    /// The protocol's name, a Rust identifier (`Bracha`).
    pub name: String,
    /// Doc comment lines, without the `///` and with their leading space.
    pub docs: Vec<String>,
    /// Whether the generated struct is `pub`.
    pub public: bool,
    /// The fault model it claims (`faults: ...;`).
    pub faults: FaultModel,
    /// The conditions on (N, F) it needs (`requires: ...;`), all of them.
    pub requires: Vec<Cond>,
    /// Message type names (`messages: ...;`); a [`MsgId`] indexes this.
    pub messages: Vec<String>,
    /// `on broadcast(m) { ... }`, if present.
    pub broadcast: Option<Broadcast>,
    /// The `when` rules, in source order.
    pub rules: Vec<Rule>,
    /// The problem it solves (`problem: ...;`).
    #[serde(default)]
    pub problem: Problem,
    /// `on propose`, the `upon` blocks and `one_step:`; empty unless
    /// `problem: consensus;`.
    #[serde(default)]
    pub consensus: Consensus,
}

/// The one message type of a one-step protocol built by
/// [`ProtocolIr::one_step`] (in `ir/one_step.rs`): `Vote`, id 0.
pub const VOTE: MsgId = 0;

mod one_step;

impl ProtocolIr {
    /// Whether (N, F) satisfies every `requires` condition and `0 <= F < N`
    /// (F = 0 when the fault model is `none`).
    pub fn allows(&self, n: usize, f: usize) -> bool {
        n >= 1
            && f < n
            && (self.faults != FaultModel::None || f == 0)
            && self.requires.iter().all(|c| c.holds(n as i64, f as i64))
    }

    /// All effects of the protocol: the broadcast or propose handler's
    /// first, then the rules', then the `upon` blocks'.
    pub fn effects(&self) -> impl Iterator<Item = &Effect> {
        self.broadcast
            .iter()
            .chain(self.consensus.propose.iter())
            .flat_map(|b| b.effects.iter())
            .chain(self.rules.iter().flat_map(|r| r.effects.iter()))
            .chain(self.consensus.upon.iter().flat_map(|u| {
                u.arms
                    .iter()
                    .flat_map(|a| a.effects.iter())
                    .chain(u.otherwise.iter().flatten())
            }))
    }

    /// Whether (N, F) satisfies the `one_step:` claim (false when there is
    /// none).
    pub fn claims_one_step(&self, n: usize, f: usize) -> bool {
        !self.consensus.one_step.is_empty()
            && self
                .consensus
                .one_step
                .iter()
                .all(|c| c.holds(n as i64, f as i64))
    }

    /// Whether some guard counts senders `excluding broadcaster`.
    pub fn excludes_broadcaster(&self) -> bool {
        self.rules.iter().flat_map(|r| &r.guards).any(|g| {
            matches!(
                g,
                Guard::Received {
                    quorum: Quorum::AtLeastExcluding(_),
                    ..
                }
            )
        })
    }

    /// Whether some handler delivers.
    pub fn delivers(&self) -> bool {
        self.effects().any(|e| matches!(e, Effect::Deliver))
    }
}
