//! The front end shared by the `protocol!` macro, the CLI and the learner:
//! text ([`text`]) -> parse ([`parse`]) -> lower ([`lower`], with the header
//! checks of [`validate`] and the syntax checks of [`consensus`]) -> validate
//! ([`validate`], [`consensus`]).
//!
//! Entry points: [`front_end`] and [`parse_protocol`] for tokens (the macro),
//! [`parse_str`], [`parse_cond`] and [`parse_expr`] for text (errors with
//! line and column); `crate::source` finds the `protocol!`s of a `.rs` file.

pub mod ast;
pub mod consensus;
pub mod errors;
#[allow(missing_docs)]
pub mod kw;
pub mod lower;
pub mod parse;
pub mod text;
pub mod validate;

use crate::ir::{Cond, Expr, ProtocolIr};
use errors::SourceErrors;
use proc_macro2::TokenStream;

/// What the front end made of a `protocol!` body.
pub struct FrontEnd {
    /// The syntax tree, if the input parsed.
    pub def: Option<ast::ProtocolDef>,
    /// The IR, if there was no error at all.
    pub ir: Option<ProtocolIr>,
    /// Every error found, combined.
    pub error: Option<syn::Error>,
}

/// Runs the whole front end over the tokens of a `protocol!` body.
pub fn front_end(tokens: TokenStream) -> FrontEnd {
    let def: ast::ProtocolDef = match syn::parse2(tokens) {
        Ok(def) => def,
        Err(e) => {
            return FrontEnd {
                def: None,
                ir: None,
                error: Some(e),
            }
        }
    };
    let mut errors = errors::Errors::new();
    validate::check_headers(&def, &mut errors);
    consensus::check_syntax(&def, &mut errors);
    let ir = lower::lower(&def, &mut errors);
    // Validation reads resolved message ids, so it runs only on a clean lowering.
    let errors = match errors.finish() {
        Ok(()) => {
            let mut errors = errors::Errors::new();
            validate::validate(&def, &ir, &mut errors);
            errors.finish()
        }
        Err(e) => Err(e),
    };
    match errors {
        Ok(()) => FrontEnd {
            def: Some(def),
            ir: Some(ir),
            error: None,
        },
        Err(e) => FrontEnd {
            def: Some(def),
            ir: None,
            error: Some(e),
        },
    }
}

/// Parses and validates a `protocol!` body.
pub fn parse_protocol(tokens: TokenStream) -> syn::Result<ProtocolIr> {
    let out = front_end(tokens);
    match (out.ir, out.error) {
        (Some(ir), None) => Ok(ir),
        (_, Some(e)) => Err(e),
        (None, None) => unreachable!("the front end returns an IR or an error"),
    }
}

/// Parses and validates a `protocol!` body given as text.
pub fn parse_str(src: &str) -> Result<ProtocolIr, SourceErrors> {
    let tokens: TokenStream = text::parse(src)?;
    Ok(parse_protocol(tokens)?)
}

/// Parses one condition of `requires`, as `N > 3 * F`.
pub fn parse_cond(src: &str) -> Result<Cond, SourceErrors> {
    let cond: ast::CondSyn = text::parse(src)?;
    Ok(lower::cond(&cond))
}

/// Parses an expression over N and F, as `(N + F) / 2 + 1`.
pub fn parse_expr(src: &str) -> Result<Expr, SourceErrors> {
    let expr: ast::ExprSyn = text::parse(src)?;
    Ok(expr.expr)
}
