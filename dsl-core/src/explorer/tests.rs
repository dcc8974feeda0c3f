use super::*;
use crate::checker::Scenario;
use stateright::Model;

fn bracha() -> Explorer {
    let src = include_str!("../../../examples/bracha.rs");
    let ir = &crate::source::protocols_in_source(src).expect("parses")[0];
    let config = Config {
        faults: ir.faults,
        n: 4,
        f: 1,
        scenario: Scenario::CorrectBroadcaster,
    };
    Explorer::new(ir, config).expect("Bracha allows N = 4, F = 1")
}

/// `to` receives `msg(value)` from `from`, alone.
fn receive(from: u8, to: u8, msg: u8, value: Value) -> Action {
    Action::Receive {
        from,
        to,
        msg,
        value,
        before: Default::default(),
    }
}

#[test]
fn the_initial_state_is_a_table_of_processes_and_messages_in_flight() {
    let explorer = bracha();
    let init = &explorer.init_states()[0];
    // The four spaces before the `\` are the empty first column's.
    let expected = "    \
    role         sent                heard (distinct senders)  delivered
p0  broadcaster  Initial(0) Echo(0)  Initial(0)x1 Echo(0)x1    -
p1  correct      -                   -                         -
p2  correct      -                   -                         -
p3  Byzantine    -                   -                         -
in flight: 4
  p0 -> p1, p2: Initial(0)
  p0 -> p1, p2: Echo(0)
";
    assert_eq!(format!("{init:?}"), expected);
}

#[test]
fn a_step_prints_the_trace_line_the_reactions_and_the_next_table() {
    let explorer = bracha();
    let init = &explorer.init_states()[0];
    let action = receive(0, 1, 0, 0);
    assert_eq!(explorer.format_action(&action), "p0 -> p1: Initial(0)");
    let step = explorer.format_step(init, action).expect("enabled");
    let expected = "\
p0 -> p1: Initial(0)
  p1 sends Echo(0) to all

    role         sent                heard (distinct senders)  delivered
p0  broadcaster  Initial(0) Echo(0)  Initial(0)x1 Echo(0)x1    -
p1  correct      Echo(0)             Initial(0)x1 Echo(0)x1    -
p2  correct      -                   -                         -
p3  Byzantine    -                   -                         -
in flight: 5
  p0 -> p2: Initial(0)
  p0 -> p1, p2: Echo(0)
  p1 -> p0, p2: Echo(0)
";
    assert_eq!(step, expected);
    let injection = receive(3, 2, 2, 1);
    assert_eq!(
        explorer.format_action(&injection),
        "p3 (Byzantine) -> p2: Ready(1)"
    );
}

#[test]
fn the_path_is_drawn_as_a_chart() {
    let explorer = bracha();
    let init = explorer.init_states()[0].clone();
    let action = receive(0, 1, 0, 0);
    let path = stateright::Path::from_actions(&explorer, init, [&action]).expect("enabled");
    let svg = explorer.as_svg(path).expect("a chart");
    let doc = roxmltree::Document::parse(&svg).expect("valid XML");
    assert_eq!(crate::chart::tests::with_class(&doc, "arrow").len(), 1);
}
