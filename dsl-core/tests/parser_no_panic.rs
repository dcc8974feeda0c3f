//! Bad input never panics: the front end answers `Ok` or `Err` for random
//! token sequences drawn from the DSL's vocabulary and some junk, for random
//! mutations of valid protocols, and for random text given as a `.rs` file.

use dsl_core::source::protocols_in_source;
use dsl_core::syntax::parse_str;
use proptest::prelude::*;

/// The DSL's words and punctuation, and some junk.
const VOCABULARY: &[&str] = &[
    "pub",
    "Bracha",
    "{",
    "}",
    "(",
    ")",
    ";",
    ":",
    ",",
    "faults",
    "none",
    "crash",
    "byzantine",
    "requires",
    "messages",
    "Echo",
    "Ready",
    "on",
    "broadcast",
    "when",
    "received",
    "from",
    "broadcaster",
    "and",
    "not",
    "sent",
    "send",
    "to",
    "all",
    "others",
    "self",
    "deliver",
    "problem",
    "consensus",
    "one_step",
    "propose",
    "upon",
    "otherwise",
    "decide",
    "handover",
    "proposal",
    "Vote",
    "m",
    "v",
    "N",
    "F",
    ">=",
    ">",
    "<",
    "<=",
    "==",
    "+",
    "-",
    "*",
    "/",
    "0",
    "1",
    "3",
    "99999999999999999999999",
    "1u8",
    "///",
    "/// doc\n",
    "#[doc = \"x\"]",
    "#",
    "[",
    "]",
    "=",
    "->",
    "!",
    "?",
    "'a",
    "\"s\"",
    "'c'",
    "fn",
    "let",
    "protocol!",
    "$",
    "@",
    "\\",
    "`",
    "é",
    "(((",
    ")))",
    "{{",
    "}}",
];

fn tokens() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(VOCABULARY.to_vec()), 0..60)
        .prop_map(|t| t.join(" "))
}

/// A valid protocol's text, split into tokens.
fn valid_tokens() -> Vec<String> {
    let bracha = r#"pub Bracha {
            faults: byzantine;
            requires: N > 3 * F and F >= 1;
            messages: Initial, Echo, Ready;
            on broadcast(m) { send Initial(m) to all; }
            when received Initial(m) from broadcaster and not sent Echo { send Echo(m) to all; }
            when received Echo(m) >= (N + F) / 2 + 1 and not sent Ready { send Ready(m) to others; }
            when received Ready(m) >= F + 1 and not sent Ready { send Ready(m) to self; }
            when received Ready(m) >= 2 * F + 1 { deliver(m); }
        }"#;
    let spaced = ["{", "}", "(", ")", ";", ":", ","]
        .iter()
        .fold(bracha.to_string(), |s, p| s.replace(p, &format!(" {p} ")));
    spaced.split_whitespace().map(String::from).collect()
}

#[derive(Clone, Debug)]
enum Mutation {
    Delete(usize),
    Duplicate(usize),
    Swap(usize, usize),
    Replace(usize, &'static str),
}

fn mutations() -> impl Strategy<Value = Vec<Mutation>> {
    let one = prop_oneof![
        any::<usize>().prop_map(Mutation::Delete),
        any::<usize>().prop_map(Mutation::Duplicate),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::Swap(a, b)),
        (any::<usize>(), prop::sample::select(VOCABULARY.to_vec()))
            .prop_map(|(a, w)| Mutation::Replace(a, w)),
    ];
    prop::collection::vec(one, 1..6)
}

fn mutate(mut tokens: Vec<String>, mutations: &[Mutation]) -> String {
    for m in mutations {
        if tokens.is_empty() {
            break;
        }
        let at = |i: usize| i % tokens.len();
        match *m {
            Mutation::Delete(i) => {
                tokens.remove(at(i));
            }
            Mutation::Duplicate(i) => {
                let i = at(i);
                tokens.insert(i, tokens[i].clone());
            }
            Mutation::Swap(i, j) => {
                let (i, j) = (at(i), at(j));
                tokens.swap(i, j);
            }
            Mutation::Replace(i, w) => {
                let i = at(i);
                tokens[i] = w.to_string();
            }
        }
    }
    tokens.join(" ")
}

/// Runs both entry points of the front end; they must return, not panic.
fn front_end(body: &str) {
    let _ = parse_str(body);
    let _ = protocols_in_source(&format!("use distgen::protocol;\nprotocol! {{ {body} }}\n"));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn random_token_sequences_do_not_panic(body in tokens()) {
        front_end(&body);
    }

    #[test]
    fn mutated_protocols_do_not_panic(m in mutations()) {
        let text = mutate(valid_tokens(), &m);
        front_end(&text);
    }

    #[test]
    fn random_files_do_not_panic(src in "\\PC{0,200}") {
        let _ = protocols_in_source(&src);
    }

    #[test]
    fn random_protocol_bodies_as_text_do_not_panic(body in "[a-zA-Z0-9 {}();:,<>=+*/\\-]{0,120}") {
        front_end(&body);
    }
}

#[test]
fn the_unmutated_protocol_parses() {
    // The mutation test starts from a valid protocol.
    assert!(parse_str(&valid_tokens().join(" ")).is_ok());
}

#[test]
fn errors_are_errors_not_panics_for_edge_cases() {
    for body in [
        "",
        "pub",
        "P {}",
        "P { faults: none; messages: M; when received M(m) >= 99999999999999999999 { deliver(m); } }",
        "P { faults: none; messages: M; when received M(m) >= N / 0 { deliver(m); } }",
        "P { faults: crash; requires: N * 9223372036854775807 > F; messages: M; on broadcast(m) { deliver(m); } }",
        "P { faults: none; messages: M; when received M(m) >= 9223372036854775807 + 1 { deliver(m); } }",
        "P { faults: none; messages: M,; on broadcast(m) { deliver(m); } } extra",
    ] {
        let _ = parse_str(body);
    }
    assert!(protocols_in_source("fn main() {}").is_err());
    assert!(protocols_in_source("fn main() { protocol! { }").is_err());
}

#[test]
fn deeply_nested_parentheses_parse() {
    let depth = dsl_core::syntax::parse::MAX_NESTING;
    let body = format!(
        "P {{ faults: crash; requires: {}N{} > 2 * F; messages: M; on broadcast(m) {{ deliver(m); }} }}",
        "(".repeat(depth),
        ")".repeat(depth)
    );
    assert!(parse_str(&body).is_ok());
}

#[test]
fn absurdly_deep_nesting_is_an_error_not_a_stack_overflow() {
    for depth in [65, 300, 100_000] {
        let body = format!(
            "P {{ faults: crash; requires: {}N{} > 2 * F; messages: M; on broadcast(m) {{ deliver(m); }} }}",
            "(".repeat(depth),
            ")".repeat(depth)
        );
        let err = parse_str(&body).unwrap_err().to_string();
        assert!(err.contains("nest"), "{err}");
        let err = protocols_in_source(&format!("protocol! {{ {body} }}")).unwrap_err();
        assert!(err[0].message.contains("nest"), "{err:?}");
    }
}
