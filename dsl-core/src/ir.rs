//! The protocol IR: an owned, span-free description of one broadcast protocol.
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
        match s {
            "none" => Ok(FaultModel::None),
            "crash" => Ok(FaultModel::Crash),
            "byzantine" => Ok(FaultModel::Byzantine),
            other => Err(format!(
                "unknown fault model `{other}`; expected none, crash or byzantine"
            )),
        }
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
    /// `deliver(m);`
    Deliver,
}

/// `on broadcast(m) { ... }`: what the broadcaster does first.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Broadcast {
    /// The name bound to the broadcast value (`m`).
    pub value: String,
    /// The effects, in order.
    pub effects: Vec<Effect>,
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
}

impl ProtocolIr {
    /// Whether (N, F) satisfies every `requires` condition and `0 <= F < N`
    /// (F = 0 when the fault model is `none`).
    pub fn allows(&self, n: usize, f: usize) -> bool {
        n >= 1
            && f < n
            && (self.faults != FaultModel::None || f == 0)
            && self.requires.iter().all(|c| c.holds(n as i64, f as i64))
    }

    /// All effects of the protocol, the broadcast handler's first.
    pub fn effects(&self) -> impl Iterator<Item = &Effect> {
        self.broadcast
            .iter()
            .flat_map(|b| b.effects.iter())
            .chain(self.rules.iter().flat_map(|r| r.effects.iter()))
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
