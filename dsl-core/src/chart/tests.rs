use super::*;
use crate::checker::{self, Limits, Verdict};

fn example(src: &str) -> ProtocolIr {
    crate::source::protocols_in_source(src).expect("example parses")[0].clone()
}

fn fig3() -> ProtocolIr {
    example(include_str!("../../../examples/paper_fig3.rs"))
}

/// Elements of `doc` whose class list contains `class` (also for the
/// explorer's tests).
pub(crate) fn with_class<'a>(
    doc: &'a roxmltree::Document<'a>,
    class: &str,
) -> Vec<roxmltree::Node<'a, 'a>> {
    doc.descendants()
        .filter(|n| {
            n.attribute("class")
                .is_some_and(|c| c.split_whitespace().any(|c| c == class))
        })
        .collect()
}

/// A trace line that is a receipt: `p3 (Byzantine) -> p1: T1(1)`.
fn is_receipt(line: &str) -> bool {
    line.contains(" -> p") && !line.ends_with("crashed)")
}

#[test]
fn the_fig3_violation_is_valid_svg_with_a_lane_per_process_and_an_arrow_per_receipt() {
    let ir = fig3();
    let configs = checker::default_configs(&ir.requires, ir.faults);
    let results = checker::check_all(&ir, &configs, Limits::default(), true);
    let result = results.last().expect("at least one configuration");
    let Verdict::Violated(v) = &result.verdict else {
        panic!("Fig. 3 should be violated, got {:?}", result.verdict)
    };
    let chart = violation(&ir, &result.config, v).expect("the trace replays");
    let svg = chart.to_svg();
    let doc = roxmltree::Document::parse(&svg).expect("valid XML");
    assert_eq!(doc.root_element().tag_name().name(), "svg");

    let lanes = with_class(&doc, "lane");
    assert_eq!(lanes.len(), result.config.n);
    for (p, lane) in lanes.iter().enumerate() {
        assert_eq!(lane.attribute("data-process"), Some(p.to_string().as_str()));
        let faulty = checker::faults::Faulty::of(&result.config);
        let expected = if faulty.is_byzantine(p) {
            "Byzantine"
        } else {
            "correct"
        };
        assert_eq!(lane.attribute("data-kind"), Some(expected));
    }

    let receipts = v.trace.iter().filter(|l| is_receipt(l)).count();
    assert!(receipts > 0, "the trace has receipts: {:?}", v.trace);
    let arrows = with_class(&doc, "arrow");
    assert_eq!(arrows.len(), receipts, "trace: {:#?}", v.trace);
    let injections = v
        .trace
        .iter()
        .filter(|l| l.contains("(Byzantine) ->"))
        .count();
    assert_eq!(with_class(&doc, "injection").len(), injections);
    let deliveries = v.trace.iter().filter(|l| l.contains(" delivers ")).count();
    assert_eq!(with_class(&doc, "delivery").len(), deliveries);

    let title = doc
        .descendants()
        .find(|n| n.has_tag_name("title"))
        .and_then(|n| n.text())
        .expect("a title");
    assert!(
        title.contains(&format!("violates {}", v.property)),
        "{title}"
    );
    assert!(
        title.contains(&format!("N = {}", result.config.n)),
        "{title}"
    );
}

#[test]
fn brachas_failure_free_chart_has_its_27_messages_and_4_deliveries() {
    let ir = example(include_str!("../../../examples/bracha.rs"));
    let svg = failure_free(&ir, 4, 1).expect("Bracha runs at N = 4, F = 1");
    let doc = roxmltree::Document::parse(&svg).expect("valid XML");
    assert_eq!(with_class(&doc, "lane").len(), 4);
    assert_eq!(with_class(&doc, "arrow").len(), 27);
    assert_eq!(with_class(&doc, "delivery").len(), 4);
    assert_eq!(with_class(&doc, "injection").len(), 0);
}

#[test]
fn a_crash_is_marked_and_its_lane_is_crashed() {
    let ir = example(include_str!("../../../examples/eager_reliable.rs"));
    let config = Config {
        faults: crate::ir::FaultModel::Crash,
        n: 3,
        f: 1,
        scenario: checker::Scenario::Crashes,
    };
    let chart = Chart::replay(&ir, &config, &[Action::Crash(0)]).expect("p0 may crash");
    assert_eq!(chart.lanes[0].kind, LaneKind::Crashed);
    assert_eq!(chart.lanes[1].kind, LaneKind::Correct);
    let svg = chart.to_svg();
    let doc = roxmltree::Document::parse(&svg).expect("valid XML");
    assert_eq!(with_class(&doc, "crash").len(), 1);
    assert_eq!(with_class(&doc, "broadcast").len(), 1);
}

#[test]
fn an_action_that_is_not_enabled_is_an_error() {
    let ir = fig3();
    let config = checker::default_configs(&ir.requires, ir.faults)[0];
    let bogus = Action::Lose(checker::Lost {
        from: 1,
        to: 2,
        msg: 0,
        value: 0,
    });
    assert_eq!(
        Chart::replay(&ir, &config, &[bogus]),
        Err(ChartError::NotEnabled {
            step: 1,
            action: bogus
        })
    );
}

#[test]
fn a_run_over_udp_is_charted_with_its_crash_and_deliveries() {
    let ir = example(include_str!("../../../examples/bracha.rs"));
    let mut config = crate::actors::RunConfig::new(4, 1);
    config.crash.insert(2, 0);
    let report = crate::actors::run(&ir, &config).expect("the run starts");
    let chart = of_run(&report, 0).expect("one instance");
    assert_eq!(chart.lanes[2].kind, LaneKind::Crashed);
    let svg = chart.to_svg();
    let doc = roxmltree::Document::parse(&svg).expect("valid XML");
    assert_eq!(with_class(&doc, "lane").len(), 4);
    assert_eq!(with_class(&doc, "crash").len(), 1);
    assert_eq!(with_class(&doc, "broadcast").len(), 1);
    let delivered = report.instances[0].delivered.iter().flatten().count();
    assert_eq!(with_class(&doc, "delivery").len(), delivered);
    assert!(report.holds(), "{report}");
    assert_eq!(delivered, 3, "the three correct processes deliver");
    assert!(of_run(&report, 1).is_none());
}
