//! The grammar: `syn::parse::Parse` for every node of the syntax tree.
//!
//! ```text
//! protocol := attrs vis? Ident '{' item* '}'
//! item     := 'faults' ':' ('none' | 'crash' | 'byzantine') ';'
//!           | 'requires' ':' cond ('and' cond)* ';'
//!           | 'messages' ':' Ident (',' Ident)* ';'
//!           | 'on' 'broadcast' '(' Ident ')' block
//!           | 'when' guard ('and' guard)* block
//!           | 'problem' ':' ('broadcast' | 'consensus') ';'
//!           | 'one_step' ':' cond ('and' cond)* ';'
//!           | 'on' 'propose' '(' Ident ')' block
//!           | 'upon' 'received' Ident threshold '{' arm* '}'
//! arm      := 'when' count ('and' count)* block | 'otherwise' block
//! count    := Ident '(' Ident ')' threshold
//! threshold:= ('>=' | '>') expr
//! guard    := 'received' Ident '(' Ident ')'
//!                 ('from' 'broadcaster' | '>=' expr ('excluding' 'broadcaster')?)
//!           | 'not' 'sent' Ident
//! block    := '{' effect* '}'
//! effect   := 'send' Ident '(' Ident ')' 'to' ('all' | 'others' | 'self') ';'
//!           | 'deliver' '(' Ident ')' ';'
//!           | 'decide' '(' Ident ')' ';'
//!           | 'handover' '(' (Ident | 'proposal') ')' ';'
//! expr     := term (('+' | '-') term)*
//! term     := atom (('*' | '/') atom)*
//! atom     := integer | 'N' | 'F' | '(' expr ')'
//! cond     := expr ('>' | '>=' | '==' | '<' | '<=') expr
//! ```

use super::ast::*;
use super::kw;
use crate::ir::{BinOp, CmpOp, Dest, Expr, FaultModel, Problem};
use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::parse::{Parse, ParseStream};
use syn::{braced, parenthesized, Attribute, Expr as RustExpr, Ident, Lit, Meta, Token};

/// One of several tokens, as the value paired with it:
/// `one_of!(input, [kw::all] => Dest::All, [Token![self]] => Dest::Myself)`,
/// peeked in order; on none of them, the error lists them all.
macro_rules! one_of {
    ($input:expr, $([$($token:tt)+] => $value:expr),+ $(,)?) => {{
        let look = $input.lookahead1();
        $(
            if look.peek($($token)+) {
                $input.parse::<$($token)+>().map(|_| $value)
            } else
        )+
        {
            Err(look.error())
        }
    }};
}

impl Parse for ProtocolDef {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let attrs = input.call(Attribute::parse_outer)?;
        let mut docs = Vec::new();
        for attr in &attrs {
            docs.push(doc_line(attr)?);
        }
        let vis = input.parse()?;
        let name: Ident = input.parse().map_err(|e| {
            syn::Error::new(
                e.span(),
                "expected the protocol's name, as in `pub Bracha { ... }`",
            )
        })?;
        let body;
        braced!(body in input);
        let mut items = Vec::new();
        while !body.is_empty() {
            items.push(body.parse()?);
        }
        if !input.is_empty() {
            return Err(input.error(
                "unexpected tokens after the protocol; write one protocol per `protocol!`",
            ));
        }
        Ok(ProtocolDef {
            docs,
            vis,
            name,
            items,
        })
    }
}

/// The text of a `///` comment (`#[doc = "..."]`); other attributes are errors.
fn doc_line(attr: &Attribute) -> syn::Result<String> {
    if let Meta::NameValue(nv) = &attr.meta {
        if nv.path.is_ident("doc") {
            if let RustExpr::Lit(lit) = &nv.value {
                if let Lit::Str(s) = &lit.lit {
                    return Ok(s.value());
                }
            }
        }
    }
    Err(syn::Error::new_spanned(
        attr,
        "only doc comments (`/// ...`) are allowed before a protocol",
    ))
}

/// The rest of a `keyword: value;` item after its keyword, the value read
/// by `value`.
fn setting<T>(
    input: ParseStream,
    value: impl FnOnce(ParseStream) -> syn::Result<T>,
) -> syn::Result<T> {
    input.parse::<Token![:]>()?;
    let value = value(input)?;
    input.parse::<Token![;]>()?;
    Ok(value)
}

/// The value of a `requires` or `one_step` item: `cond and cond ...`.
fn conjunction(input: ParseStream) -> syn::Result<Vec<CondSyn>> {
    let mut conds = vec![input.parse::<CondSyn>()?];
    while input.peek(kw::and) {
        input.parse::<kw::and>()?;
        conds.push(input.parse()?);
    }
    Ok(conds)
}

/// The value of a `messages` item: `Name, Name, ...` (a trailing comma
/// allowed).
fn message_names(input: ParseStream) -> syn::Result<Vec<Ident>> {
    let mut names = vec![message_name(input)?];
    while input.peek(Token![,]) {
        input.parse::<Token![,]>()?;
        if input.peek(Token![;]) {
            break;
        }
        names.push(message_name(input)?);
    }
    Ok(names)
}

impl Parse for Item {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let look = input.lookahead1();
        if look.peek(kw::faults) {
            let span = input.parse::<kw::faults>()?.span;
            let model = setting(input, |input| {
                one_of!(input,
                    [kw::none] => FaultModel::None,
                    [kw::crash] => FaultModel::Crash,
                    [kw::byzantine] => FaultModel::Byzantine,
                )
            })?;
            Ok(Item::Faults { span, model })
        } else if look.peek(kw::requires) {
            let span = input.parse::<kw::requires>()?.span;
            let conds = setting(input, conjunction)?;
            Ok(Item::Requires { span, conds })
        } else if look.peek(kw::messages) {
            let span = input.parse::<kw::messages>()?.span;
            let names = setting(input, message_names)?;
            Ok(Item::Messages { span, names })
        } else if look.peek(kw::problem) {
            let span = input.parse::<kw::problem>()?.span;
            let problem = setting(input, |input| {
                one_of!(input,
                    [kw::broadcast] => Problem::Broadcast,
                    [kw::consensus] => Problem::Consensus,
                )
            })?;
            Ok(Item::Problem { span, problem })
        } else if look.peek(kw::one_step) {
            let span = input.parse::<kw::one_step>()?.span;
            let conds = setting(input, conjunction)?;
            Ok(Item::OneStep { span, conds })
        } else if look.peek(kw::on) {
            let span = input.parse::<kw::on>()?.span;
            let look = input.lookahead1();
            let propose = if look.peek(kw::broadcast) {
                input.parse::<kw::broadcast>()?;
                false
            } else if look.peek(kw::propose) {
                input.parse::<kw::propose>()?;
                true
            } else {
                return Err(look.error());
            };
            let inner;
            parenthesized!(inner in input);
            let value = value_name(&inner)?;
            let effects = block(input)?;
            Ok(if propose {
                Item::OnPropose {
                    span,
                    value,
                    effects,
                }
            } else {
                Item::OnBroadcast {
                    span,
                    value,
                    effects,
                }
            })
        } else if look.peek(kw::upon) {
            let span = input.parse::<kw::upon>()?.span;
            input.parse::<kw::received>()?;
            let msg = message_name(input)?;
            if input.peek(syn::token::Paren) {
                return Err(input.error(format!(
                    "an `upon` block counts senders over every value; write `upon received {msg} >= ...` and bind the value in its arms"
                )));
            }
            let threshold = input.parse()?;
            let inner;
            braced!(inner in input);
            let mut arms = Vec::new();
            while !inner.is_empty() {
                arms.push(inner.parse()?);
            }
            Ok(Item::Upon {
                span,
                msg,
                threshold,
                arms,
            })
        } else if look.peek(kw::when) {
            let span = input.parse::<kw::when>()?.span;
            let mut guards = vec![input.parse::<GuardSyn>()?];
            while input.peek(kw::and) {
                input.parse::<kw::and>()?;
                guards.push(input.parse()?);
            }
            let effects = block(input)?;
            Ok(Item::When {
                span,
                guards,
                effects,
            })
        } else {
            Err(look.error())
        }
    }
}

/// A message type name: any identifier that is not a keyword of the DSL's
/// statements (so that a missing `;` reads well).
fn message_name(input: ParseStream) -> syn::Result<Ident> {
    input
        .parse::<Ident>()
        .map_err(|e| syn::Error::new(e.span(), "expected a message type name"))
}

/// The `m` of `(m)`.
fn value_name(inner: ParseStream) -> syn::Result<Ident> {
    let value: Ident = inner
        .parse()
        .map_err(|e| syn::Error::new(e.span(), "expected a value name, as in `(m)`"))?;
    if !inner.is_empty() {
        return Err(inner.error("expected `)`: a message carries one value name"));
    }
    Ok(value)
}

/// `'{' effect* '}'`.
fn block(input: ParseStream) -> syn::Result<Vec<EffectSyn>> {
    let inner;
    braced!(inner in input);
    let mut effects = Vec::new();
    while !inner.is_empty() {
        effects.push(inner.parse()?);
    }
    Ok(effects)
}

/// `T(m)`: a message type and the value name it carries.
fn message(input: ParseStream) -> syn::Result<(Ident, Ident)> {
    let msg = message_name(input)?;
    let inner;
    parenthesized!(inner in input);
    Ok((msg, value_name(&inner)?))
}

impl Parse for ThresholdSyn {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        // `>=` before `>`.
        let strict = one_of!(input,
            [Token![>=]] => false,
            [Token![>]] => true,
        )?;
        Ok(ThresholdSyn {
            strict,
            expr: input.parse()?,
        })
    }
}

impl Parse for ArmSyn {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let look = input.lookahead1();
        if look.peek(kw::when) {
            let span = input.parse::<kw::when>()?.span;
            let mut counts = vec![input.parse::<CountSyn>()?];
            while input.peek(kw::and) {
                input.parse::<kw::and>()?;
                counts.push(input.parse()?);
            }
            let effects = block(input)?;
            Ok(ArmSyn::When {
                span,
                counts,
                effects,
            })
        } else if look.peek(kw::otherwise) {
            let span = input.parse::<kw::otherwise>()?.span;
            let effects = block(input)?;
            Ok(ArmSyn::Otherwise { span, effects })
        } else {
            Err(look.error())
        }
    }
}

impl Parse for CountSyn {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let (msg, value) = message(input)?;
        let threshold = input.parse()?;
        Ok(CountSyn {
            msg,
            value,
            threshold,
        })
    }
}

impl Parse for GuardSyn {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let look = input.lookahead1();
        if look.peek(kw::received) {
            let span = input.parse::<kw::received>()?.span;
            let (msg, value) = message(input)?;
            let look = input.lookahead1();
            let mut excluding = None;
            let threshold = if look.peek(kw::from) {
                input.parse::<kw::from>()?;
                input.parse::<kw::broadcaster>()?;
                if input.peek(kw::excluding) {
                    return Err(input.error(
                        "`excluding broadcaster` goes with a count, as in `received Echo(m) >= N - F excluding broadcaster`; `from broadcaster` counts the broadcaster alone",
                    ));
                }
                None
            } else if look.peek(Token![>=]) {
                input.parse::<Token![>=]>()?;
                let threshold = input.parse()?;
                if input.peek(kw::excluding) {
                    excluding = Some(input.parse::<kw::excluding>()?.span);
                    input.parse::<kw::broadcaster>()?;
                }
                Some(threshold)
            } else {
                return Err(look.error());
            };
            Ok(GuardSyn::Received {
                span,
                msg,
                value,
                threshold,
                excluding,
            })
        } else if look.peek(kw::not) {
            let span = input.parse::<kw::not>()?.span;
            input.parse::<kw::sent>()?;
            let msg = message_name(input)?;
            Ok(GuardSyn::NotSent { span, msg })
        } else {
            Err(look.error())
        }
    }
}

impl Parse for EffectSyn {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let look = input.lookahead1();
        if look.peek(kw::send) {
            let span = input.parse::<kw::send>()?.span;
            let (msg, value) = message(input)?;
            input.parse::<kw::to>()?;
            let to = one_of!(input,
                [kw::all] => Dest::All,
                [kw::others] => Dest::Others,
                [Token![self]] => Dest::Myself,
            )?;
            input.parse::<Token![;]>()?;
            Ok(EffectSyn::Send {
                span,
                msg,
                value,
                to,
            })
        } else if look.peek(kw::deliver) {
            let span = input.parse::<kw::deliver>()?.span;
            let inner;
            parenthesized!(inner in input);
            let value = value_name(&inner)?;
            input.parse::<Token![;]>()?;
            Ok(EffectSyn::Deliver { span, value })
        } else if look.peek(kw::decide) {
            let span = input.parse::<kw::decide>()?.span;
            let inner;
            parenthesized!(inner in input);
            let value = value_name(&inner)?;
            input.parse::<Token![;]>()?;
            Ok(EffectSyn::Decide { span, value })
        } else if look.peek(kw::handover) {
            let span = input.parse::<kw::handover>()?.span;
            let inner;
            parenthesized!(inner in input);
            let value = if inner.peek(kw::proposal) {
                inner.parse::<kw::proposal>()?;
                if !inner.is_empty() {
                    return Err(inner.error("expected `)`: a handover carries one value"));
                }
                None
            } else {
                Some(value_name(&inner)?)
            };
            input.parse::<Token![;]>()?;
            Ok(EffectSyn::Handover { span, value })
        } else {
            Err(look.error())
        }
    }
}

impl Parse for CondSyn {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let start = input.fork();
        let lhs: ExprSyn = input.parse()?;
        // `>=` before `>`, `<=` before `<`.
        let op = one_of!(input,
            [Token![>=]] => CmpOp::Ge,
            [Token![<=]] => CmpOp::Le,
            [Token![==]] => CmpOp::Eq,
            [Token![>]] => CmpOp::Gt,
            [Token![<]] => CmpOp::Lt,
        )?;
        let rhs: ExprSyn = input.parse()?;
        let tokens = tokens_between(&start, input);
        Ok(CondSyn {
            lhs,
            op,
            rhs,
            tokens,
        })
    }
}

impl Parse for ExprSyn {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let start = input.fork();
        let expr = sum(input, 0)?;
        let tokens = tokens_between(&start, input);
        Ok(ExprSyn { expr, tokens })
    }
}

/// The tokens consumed from `start` up to where `end` now stands.
fn tokens_between(start: ParseStream, end: ParseStream) -> TokenStream {
    let mut out = TokenStream::new();
    let end_cursor = end.cursor();
    let mut cursor = start.cursor();
    while cursor != end_cursor {
        match cursor.token_tree() {
            Some((tt, next)) => {
                tt.to_tokens(&mut out);
                cursor = next;
            }
            None => break,
        }
    }
    out
}

/// How deeply parentheses may nest in an expression (the parser recurses).
pub const MAX_NESTING: usize = 64;

/// `term (('+' | '-') term)*`, inside `depth` parentheses.
fn sum(input: ParseStream, depth: usize) -> syn::Result<Expr> {
    let mut lhs = product(input, depth)?;
    loop {
        let op = if input.peek(Token![+]) {
            input.parse::<Token![+]>()?;
            BinOp::Add
        } else if input.peek(Token![-]) && !input.peek(Token![->]) {
            input.parse::<Token![-]>()?;
            BinOp::Sub
        } else {
            return Ok(lhs);
        };
        lhs = Expr::bin(op, lhs, product(input, depth)?);
    }
}

/// `atom (('*' | '/') atom)*`.
fn product(input: ParseStream, depth: usize) -> syn::Result<Expr> {
    let mut lhs = atom(input, depth)?;
    loop {
        let op = if input.peek(Token![*]) {
            input.parse::<Token![*]>()?;
            BinOp::Mul
        } else if input.peek(Token![/]) {
            input.parse::<Token![/]>()?;
            BinOp::Div
        } else {
            return Ok(lhs);
        };
        lhs = Expr::bin(op, lhs, atom(input, depth)?);
    }
}

/// `integer | 'N' | 'F' | '(' expr ')'`.
fn atom(input: ParseStream, depth: usize) -> syn::Result<Expr> {
    let look = input.lookahead1();
    if look.peek(syn::LitInt) {
        let lit: syn::LitInt = input.parse()?;
        if !lit.suffix().is_empty() {
            return Err(syn::Error::new(
                lit.span(),
                "write the integer without a type suffix",
            ));
        }
        let value = lit
            .base10_parse::<i64>()
            .map_err(|_| syn::Error::new(lit.span(), "integer too large"))?;
        Ok(Expr::Int(value))
    } else if look.peek(kw::N) {
        input.parse::<kw::N>()?;
        Ok(Expr::N)
    } else if look.peek(kw::F) {
        input.parse::<kw::F>()?;
        Ok(Expr::F)
    } else if look.peek(syn::token::Paren) {
        if depth >= MAX_NESTING {
            return Err(input.error(format!(
                "parentheses nest too deeply; use at most {MAX_NESTING} levels"
            )));
        }
        let inner;
        parenthesized!(inner in input);
        let expr = sum(&inner, depth + 1)?;
        if !inner.is_empty() {
            return Err(inner.error("expected `)` or an operator (`+`, `-`, `*`, `/`)"));
        }
        Ok(expr)
    } else {
        Err(look.error())
    }
}
