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
