//! The syntax tree: what the user wrote, with the spans that errors point at.
//!
//! [`super::parse`] builds it, [`super::lower`] turns it into the span-free
//! [`crate::ir::ProtocolIr`], and [`super::validate`] reads both to report errors
//! at the user's tokens.

use crate::ir::{CmpOp, Dest, Expr, FaultModel, Problem};
use proc_macro2::{Span, TokenStream};
use syn::{Ident, Visibility};

/// `/// docs  pub Name { items }`.
pub struct ProtocolDef {
    /// Doc comment lines.
    pub docs: Vec<String>,
    /// `pub` or nothing.
    pub vis: Visibility,
    /// The protocol's name.
    pub name: Ident,
    /// Headers and handlers, in source order.
    pub items: Vec<Item>,
}

/// One header or handler.
pub enum Item {
    /// `faults: none|crash|byzantine;`
    Faults {
        /// The `faults` keyword.
        span: Span,
        /// The model.
        model: FaultModel,
    },
    /// `requires: cond (and cond)*;`
    Requires {
        /// The `requires` keyword.
        span: Span,
        /// The conditions.
        conds: Vec<CondSyn>,
    },
    /// `messages: A, B, C;`
    Messages {
        /// The `messages` keyword.
        span: Span,
        /// The type names.
        names: Vec<Ident>,
    },
    /// `on broadcast(m) { ... }`
    OnBroadcast {
        /// The `on` keyword.
        span: Span,
        /// The bound value name.
        value: Ident,
        /// The block.
        effects: Vec<EffectSyn>,
    },
    /// `problem: broadcast|consensus;`
    Problem {
        /// The `problem` keyword.
        span: Span,
        /// The problem.
        problem: Problem,
    },
    /// `one_step: cond (and cond)*;`
    OneStep {
        /// The `one_step` keyword.
        span: Span,
        /// The conditions.
        conds: Vec<CondSyn>,
    },
    /// `on propose(v) { ... }`
    OnPropose {
        /// The `on` keyword.
        span: Span,
        /// The bound value name.
        value: Ident,
        /// The block.
        effects: Vec<EffectSyn>,
    },
    /// `upon received T >= expr { arm* }`
    Upon {
        /// The `upon` keyword.
        span: Span,
        /// The message type counted.
        msg: Ident,
        /// How many distinct senders.
        threshold: ThresholdSyn,
        /// The arms, in source order.
        arms: Vec<ArmSyn>,
    },
    /// `when guard (and guard)* { ... }`
    When {
        /// The `when` keyword.
        span: Span,
        /// The guards.
        guards: Vec<GuardSyn>,
        /// The block.
        effects: Vec<EffectSyn>,
    },
}

/// An expression with the tokens it came from.
pub struct ExprSyn {
    /// The parsed expression.
    pub expr: Expr,
    /// Its tokens, for error spans.
    pub tokens: TokenStream,
}

/// `expr op expr`.
pub struct CondSyn {
    /// Left-hand side.
    pub lhs: ExprSyn,
    /// Comparison.
    pub op: CmpOp,
    /// Right-hand side.
    pub rhs: ExprSyn,
    /// All the condition's tokens.
    pub tokens: TokenStream,
}

/// `>= expr` or `> expr`.
pub struct ThresholdSyn {
    /// `>` rather than `>=`.
    pub strict: bool,
    /// The right-hand side.
    pub expr: ExprSyn,
}

/// An arm of an `upon` block.
pub enum ArmSyn {
    /// `when count (and count)* { ... }`
    When {
        /// The `when` keyword.
        span: Span,
        /// The counts, at least one.
        counts: Vec<CountSyn>,
        /// The block.
        effects: Vec<EffectSyn>,
    },
    /// `otherwise { ... }`
    Otherwise {
        /// The `otherwise` keyword.
        span: Span,
        /// The block.
        effects: Vec<EffectSyn>,
    },
}

/// `T(v) >= expr` or `T(v) > expr`, a conjunct of an arm.
pub struct CountSyn {
    /// The message type.
    pub msg: Ident,
    /// The bound value name.
    pub value: Ident,
    /// How many.
    pub threshold: ThresholdSyn,
}

/// A guard of a `when`.
pub enum GuardSyn {
    /// `received T(m) from broadcaster` or `received T(m) >= expr
    /// (excluding broadcaster)?`.
    Received {
        /// The `received` keyword.
        span: Span,
        /// The message type.
        msg: Ident,
        /// The bound value name.
        value: Ident,
        /// `None` for `from broadcaster`, else the threshold.
        threshold: Option<ExprSyn>,
        /// The `excluding` keyword of `>= expr excluding broadcaster`.
        excluding: Option<Span>,
    },
    /// `not sent T`.
    NotSent {
        /// The `not` keyword.
        span: Span,
        /// The message type.
        msg: Ident,
    },
}

/// A statement of a block.
pub enum EffectSyn {
    /// `send T(m) to dest;`
    Send {
        /// The `send` keyword.
        span: Span,
        /// The message type.
        msg: Ident,
        /// The value name.
        value: Ident,
        /// The destination.
        to: Dest,
    },
    /// `deliver(m);`
    Deliver {
        /// The `deliver` keyword.
        span: Span,
        /// The value name.
        value: Ident,
    },
    /// `decide(v);`
    Decide {
        /// The `decide` keyword.
        span: Span,
        /// The value name.
        value: Ident,
    },
    /// `handover(v);` (`Some(v)`) or `handover(proposal);` (`None`).
    Handover {
        /// The `handover` keyword.
        span: Span,
        /// The value name; `None` for `proposal`.
        value: Option<Ident>,
    },
}

impl EffectSyn {
    /// The statement's keyword.
    pub fn span(&self) -> Span {
        match self {
            EffectSyn::Send { span, .. }
            | EffectSyn::Deliver { span, .. }
            | EffectSyn::Decide { span, .. }
            | EffectSyn::Handover { span, .. } => *span,
        }
    }
}
