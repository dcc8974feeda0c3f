//! Errors in a `.rs` file carry the 1-based line and column of the token
//! they are about (what `distgen check` prints as `file:line:column`).

use dsl_core::source::{protocols_in_source, SourceError};

fn errors(src: &str) -> Vec<SourceError> {
    protocols_in_source(src).expect_err("the source has errors")
}

#[test]
fn an_unknown_message_type_is_located_at_its_name() {
    let src = "\
use distgen::protocol;

protocol! {
    pub Relay {
        faults: crash;
        messages: Msg;
        on broadcast(m) { send Msg(m) to all; }
        when received Mgs(m) >= 1 { deliver(m); }
    }
}
";
    let errors = errors(src);
    assert_eq!(errors.len(), 1);
    assert_eq!((errors[0].line, errors[0].column), (8, 23));
    assert!(errors[0].message.starts_with("unknown message type `Mgs`"));
    assert_eq!(
        errors[0].to_string(),
        "8:23: unknown message type `Mgs`; declare it in `messages:` (declared: `Msg`)"
    );
}

#[test]
fn columns_count_characters_not_bytes() {
    // `é` is two bytes in UTF-8 and one column.
    let src =
        "/* é */ protocol! { P { faults: none; messages: M; on broadcast(m) { deliver(x); } } }";
    let errors = errors(src);
    assert_eq!((errors[0].line, errors[0].column), (1, 78));
    assert_eq!(&src.chars().skip(77).take(1).collect::<String>(), "x");
}

#[test]
fn errors_of_every_invocation_come_together_in_source_order() {
    let src = "\
protocol! {
    A {
        faults: none;
        messages: M;
        on broadcast(m) { send M(m) to everyone; }
    }
}

mod inner {
    distgen::protocol! {
        B {
            faults: byzantine;
            messages: M;
            on broadcast(m) { send M(m) to all; }
        }
    }
}
";
    let errors = errors(src);
    let at: Vec<(usize, usize)> = errors.iter().map(|e| (e.line, e.column)).collect();
    assert_eq!(at, vec![(5, 40), (11, 9)]);
    assert_eq!(
        errors[0].message,
        "expected one of: `all`, `others`, `self`"
    );
    assert_eq!(
        errors[1].message,
        "no `deliver` anywhere; add `deliver(m);` to a handler"
    );
}

#[test]
fn a_rust_syntax_error_is_located_too() {
    let src = "fn main() {\n    let x = ;\n}\n";
    let errors = errors(src);
    assert_eq!((errors[0].line, errors[0].column), (2, 13));
}

#[test]
fn a_file_without_protocols_is_an_error_at_its_start() {
    let errors = errors("fn main() {}\n");
    assert_eq!((errors[0].line, errors[0].column), (1, 1));
    assert_eq!(
        errors[0].message,
        "no `protocol! { ... }` invocation in this file"
    );
}

#[test]
fn brackets_nested_too_deep_are_located_at_the_first_one_too_many() {
    let depth = dsl_core::syntax::text::MAX_BRACKET_DEPTH;
    // One `{` on line 1, then `(`s on line 2: the one too many is the
    // `depth`-th of line 2.
    let body = format!("P {{\n{}", "(".repeat(depth + 5));
    let errors = dsl_core::syntax::parse_str(&body).expect_err("too deep");
    assert_eq!((errors[0].line, errors[0].column), (2, depth));
    assert!(errors[0].message.contains("nest"), "{errors}");
    let errors = protocols_in_source(&format!("protocol! {body}")).expect_err("too deep");
    assert_eq!((errors[0].line, errors[0].column), (2, depth));
}

#[test]
fn parse_str_locates_every_error() {
    let errors = dsl_core::syntax::parse_str(
        "P {\n  faults: none;\n  messages: M;\n  on broadcast(m) { send Q(m) to all; deliver(x); }\n}",
    )
    .expect_err("two errors");
    let at: Vec<(usize, usize)> = errors.iter().map(|e| (e.line, e.column)).collect();
    assert_eq!(at, vec![(4, 26), (4, 47)]);
    assert_eq!(
        errors.to_string(),
        "4:26: unknown message type `Q`; declare it in `messages:` (declared: `M`)\n\
         4:47: unbound value `x`; this handler binds `m`, write `m`"
    );
}

#[test]
fn parse_cond_gives_the_ir_condition() {
    use dsl_core::ir::{BinOp, CmpOp, Cond, Expr};
    let cond = dsl_core::syntax::parse_cond("N > 3 * F").expect("a condition");
    assert_eq!(
        cond,
        Cond {
            lhs: Expr::N,
            op: CmpOp::Gt,
            rhs: Expr::bin(BinOp::Mul, Expr::Int(3), Expr::F),
        }
    );
    assert!(cond.holds(4, 1) && !cond.holds(3, 1));
}

#[test]
fn parse_cond_locates_its_errors() {
    let errors = dsl_core::syntax::parse_cond("N >= 3 * G").expect_err("G is no variable");
    assert_eq!((errors[0].line, errors[0].column), (1, 10));
    let errors = dsl_core::syntax::parse_cond("N + 1").expect_err("no comparison");
    assert_eq!(errors.len(), 1);
    let errors = dsl_core::syntax::parse_cond("N > F F").expect_err("trailing tokens");
    assert_eq!((errors[0].line, errors[0].column), (1, 7));
}

#[test]
fn parse_expr_gives_the_ir_expression() {
    let e = dsl_core::syntax::parse_expr("(N + F) / 2 + 1").expect("an expression");
    assert_eq!(e.eval(4, 1), Some(3));
    assert_eq!(e.eval(7, 2), Some(5));
    let errors = dsl_core::syntax::parse_expr("N +").expect_err("incomplete");
    assert_eq!(errors.len(), 1);
    assert!(dsl_core::syntax::parse_expr("N >= 1").is_err());
}
