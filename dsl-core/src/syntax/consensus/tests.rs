//! Tests of the consensus rules of the grammar: each error at its token, and the accepted forms.

use crate::syntax::parse_str;

/// Bosco with `body` in place of its handlers and `header` after `faults`.
fn bosco(header: &str, body: &str) -> String {
    format!(
        "Bosco {{ problem: consensus; faults: byzantine; requires: N > 3 * F; {header} messages: Vote, Echo;
          {body} }}"
    )
}

const PROPOSE: &str = "on propose(v) { send Vote(v) to all; }";
const UPON: &str = "upon received Vote >= N - F { when Vote(v) > (N + 3 * F) / 2 { decide(v); } otherwise { handover(proposal); } }";

/// The messages of every error, with the text they point at.
fn errors(src: &str) -> Vec<(String, String)> {
    let errs = parse_str(src).expect_err("rejected");
    errs.iter()
        .map(|e| {
            let line = src.lines().nth(e.line - 1).unwrap_or("");
            let at: String = line.chars().skip(e.column - 1).take(10).collect();
            (e.message.clone(), at)
        })
        .collect()
}

/// [`one_error`] on Bosco's `on propose` and the block
/// `upon received Vote >= N - F { arms }`.
fn block_error(arms: &str, message: &str, at: &str) {
    let upon = format!("upon received Vote >= N - F {{ {arms} }}");
    one_error(&bosco("", &format!("{PROPOSE} {upon}")), message, at);
}

fn one_error(src: &str, message: &str, at: &str) {
    let errs = errors(src);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(errs[0].0.contains(message), "{errs:?}");
    assert!(errs[0].1.starts_with(at), "{errs:?}");
}

#[test]
fn bosco_is_valid() {
    let ir = parse_str(&bosco("one_step: N > 7 * F;", &format!("{PROPOSE} {UPON}"))).unwrap();
    assert_eq!(ir.problem, crate::ir::Problem::Consensus);
}

#[test]
fn broadcast_constructs_are_errors_in_consensus() {
    one_error(
        &bosco(
            "",
            &format!("{PROPOSE} {UPON} when received Echo(v) >= 1 {{ deliver(v); }}"),
        ),
        "`deliver` is a broadcast effect",
        "deliver",
    );
    one_error(
        &bosco(
            "",
            &format!("{PROPOSE} {UPON} on broadcast(m) {{ send Echo(m) to all; }}"),
        ),
        "`on broadcast` is a broadcast handler",
        "on",
    );
    one_error(
        &bosco(
            "",
            &format!("{PROPOSE} {UPON} when received Echo(v) from broadcaster {{ decide(v); }}"),
        ),
        "`from broadcaster` has no meaning",
        "received",
    );
}

#[test]
fn consensus_constructs_are_errors_in_broadcast() {
    let src = "P { faults: crash; one_step: N > 3 * F; messages: M;
        on propose(v) { send M(v) to all; }
        on broadcast(m) { send M(m) to all; }
        upon received M >= 1 { when M(v) >= 1 { decide(v); } }
        when received M(m) >= 1 { decide(m); handover(proposal); deliver(m); } }";
    let errs = errors(src);
    let messages: Vec<&str> = errs
        .iter()
        .map(|e| e.0.split(';').next().unwrap())
        .collect();
    assert_eq!(
        messages,
        vec![
            "`one_step` is a consensus claim",
            "`on propose` is a consensus handler",
            "`upon` blocks are for consensus",
            "`decide` is a consensus effect",
            "`handover` is a consensus effect",
        ]
    );
}

#[test]
fn upon_block_rules() {
    block_error(
        "otherwise { handover(proposal); }",
        "needs a `when` arm",
        "upon",
    );
    one_error(
        &bosco("", &format!("{PROPOSE} {UPON} {UPON}")),
        "a second `upon` block on `Vote`",
        "upon",
    );
    block_error(
        "when Echo(v) >= 1 { decide(v); }",
        "this block counts `Vote`",
        "Echo",
    );
    block_error(
        "otherwise { handover(proposal); } when Vote(v) >= 1 { decide(v); }",
        "`otherwise` must be the last arm",
        "otherwise",
    );
    block_error(
        "when Vote(v) >= 1 { decide(v); } otherwise {} otherwise {}",
        "a second `otherwise`",
        "otherwise",
    );
}

#[test]
fn values_must_be_bound() {
    block_error("when Vote(v) >= 1 { decide(x); }", "unbound value `x`", "x");
    block_error(
        "when Vote(v) >= 1 { decide(v); } otherwise { handover(v); }",
        "`otherwise` binds no value",
        "v",
    );
    block_error(
        "when Vote(v) >= 1 and Vote(w) >= 2 { decide(v); }",
        "every count of an arm binds the same value",
        "w",
    );
    one_error(
        &bosco(
            "",
            &format!("on propose(proposal) {{ send Vote(proposal) to all; }} {UPON}"),
        ),
        "`proposal` is the process's input",
        "proposal",
    );
}

#[test]
fn the_counted_type_is_sent_only_in_propose() {
    one_error(
        &bosco(
            "",
            &format!("{PROPOSE} {UPON} when received Echo(v) >= 1 {{ send Vote(v) to all; }}"),
        ),
        "`Vote` is counted by an `upon` block",
        "Vote",
    );
}

#[test]
fn a_consensus_protocol_proposes_and_decides() {
    one_error(&bosco("", UPON), "needs `on propose(v)", "Bosco");
    block_error(
        "when Vote(v) >= 1 { handover(v); }",
        "no `decide` anywhere",
        "Bosco",
    );
}

#[test]
fn one_step_must_be_satisfiable() {
    one_error(
        &bosco("one_step: N < 3 * F;", &format!("{PROPOSE} {UPON}")),
        "satisfies `one_step`",
        "one_step",
    );
    // Under `faults: none` only F = 0 counts.
    let src = format!(
        "P {{ problem: consensus; faults: none; one_step: F >= 1; messages: Vote; {PROPOSE} {UPON} }}"
    );
    one_error(&src, "satisfies `one_step`", "one_step");
}

#[test]
fn upon_thresholds_must_be_defined_and_reachable() {
    one_error(
        &bosco(
            "",
            &format!(
                "{PROPOSE} upon received Vote >= N + 1 {{ when Vote(v) >= 1 {{ decide(v); }} }}"
            ),
        ),
        "threshold can never be met",
        "N + 1",
    );
    block_error(
        "when Vote(v) > N - F { decide(v); }",
        "count can never be met",
        "N - F",
    );
    one_error(
        &bosco("", &format!("{PROPOSE} upon received Vote >= N / (F - 1) {{ when Vote(v) >= 1 {{ decide(v); }} }}")),
        "undefined at N = 4, F = 1",
        "N / (F - 1",
    );
}
