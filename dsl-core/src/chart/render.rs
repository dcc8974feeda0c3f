//! Drawing a [`Chart`] as SVG with the `svg` crate.

use super::{Chart, Event, Lane, LaneKind};
use svg::node::element::{
    Circle, Definitions, Group, Line, Marker, Path, Rectangle, Style, Text, Title,
};
use svg::Document;

/// Horizontal distance between lanes.
const LANE_GAP: f64 = 150.0;
/// Vertical distance between rows.
const ROW: f64 = 34.0;
/// Left margin (row numbers).
const LEFT: f64 = 70.0;
/// Top of row 0 (below the title and the lane headers).
const TOP: f64 = 120.0;
/// Height of the legend.
const LEGEND: f64 = 50.0;

const CORRECT: &str = "#1f5fa8";
const CRASHED: &str = "#8a8a8a";
const BYZANTINE: &str = "#c62828";
const MESSAGE: &str = "#333333";
const DELIVERY: &str = "#2e7d32";
const HANDOVER: &str = "#e08a00";

const CSS: &str = "text { font-family: 'DejaVu Sans', Helvetica, Arial, sans-serif; } \
.label { font-size: 11px; paint-order: stroke; stroke: white; stroke-width: 3px; } \
.title { font-size: 16px; font-weight: bold; } .caption { font-size: 12px; } \
.head { font-size: 13px; font-weight: bold; } .role { font-size: 11px; } \
.rowno { font-size: 10px; fill: #999999; }";

fn x(p: usize) -> f64 {
    LEFT + p as f64 * LANE_GAP
}

fn y(row: usize) -> f64 {
    TOP + row as f64 * ROW
}

fn colour(kind: LaneKind) -> &'static str {
    match kind {
        LaneKind::Correct => CORRECT,
        LaneKind::Crashed => CRASHED,
        LaneKind::Byzantine => BYZANTINE,
    }
}

fn text(class: &str, x: f64, y: f64, content: impl Into<String>) -> Text {
    Text::new(content)
        .set("class", class)
        .set("x", x)
        .set("y", y)
}

fn line(x1: f64, y1: f64, x2: f64, y2: f64, stroke: &str) -> Line {
    Line::new()
        .set("x1", x1)
        .set("y1", y1)
        .set("x2", x2)
        .set("y2", y2)
        .set("stroke", stroke)
        .set("stroke-width", 1.5)
}

fn marker(id: &str, fill: &str) -> Marker {
    Marker::new()
        .set("id", id)
        .set("viewBox", "0 0 10 10")
        .set("refX", 10)
        .set("refY", 5)
        .set("markerWidth", 8)
        .set("markerHeight", 8)
        .set("orient", "auto")
        .add(
            Path::new()
                .set("d", "M 0 0 L 10 5 L 0 10 z")
                .set("fill", fill),
        )
}

fn lane(chart: &Chart, lane: &Lane, bottom: f64) -> Group {
    let (p, kind) = (lane.process, lane.kind);
    let role = match kind {
        LaneKind::Correct if chart.broadcaster == Some(p) => "broadcaster".to_string(),
        LaneKind::Correct => "correct".to_string(),
        kind if chart.broadcaster == Some(p) => format!("{} broadcaster", kind.name()),
        kind => kind.name().to_string(),
    };
    let crash_row = chart.events.iter().find_map(|e| match *e {
        Event::Crash { process, row } if process == p => Some(row),
        _ => None,
    });
    let mut group = Group::new()
        .set("class", "lane")
        .set("data-process", p)
        .set("data-kind", kind.name())
        .add(text("head", x(p), TOP - 42.0, format!("p{p}")).set("text-anchor", "middle"))
        .add(
            text("role", x(p), TOP - 28.0, role)
                .set("text-anchor", "middle")
                .set("fill", colour(kind)),
        );
    let split = crash_row.map_or(bottom, y);
    let mut alive = line(x(p), TOP - 18.0, x(p), split, colour(kind)).set("stroke-width", 3);
    if kind == LaneKind::Byzantine {
        alive = alive.set("stroke-dasharray", "8 4");
    }
    group = group.add(alive);
    if crash_row.is_some() {
        group = group.add(
            line(x(p), split, x(p), bottom, CRASHED)
                .set("stroke-dasharray", "2 5")
                .set("stroke-width", 2),
        );
    }
    group
}

/// How an arrow looks: its class, colour and head.
struct Look {
    class: &'static str,
    colour: &'static str,
    head: &'static str,
}

const PLAIN: Look = Look {
    class: "arrow",
    colour: MESSAGE,
    head: "head",
};
const INJECTED: Look = Look {
    class: "arrow injection",
    colour: BYZANTINE,
    head: "head-byz",
};
const LOST: Look = Look {
    class: "lost",
    colour: CRASHED,
    head: "head-lost",
};

/// An arrow from `from`'s lane at height `y1` to `to`'s at `y2`, its label
/// near the head.
fn arrow(style: &Look, (from, y1): (usize, f64), (to, y2): (usize, f64), label: &str) -> Group {
    let (x1, x2) = (x(from), x(to));
    let (lx, ly) = (x1 + 0.62 * (x2 - x1), y1 + 0.62 * (y2 - y1) - 4.0);
    let mut shaft =
        line(x1, y1, x2, y2, style.colour).set("marker-end", format!("url(#{})", style.head));
    if style.class != "arrow" {
        shaft = shaft.set("stroke-dasharray", "5 3");
    }
    Group::new()
        .set("class", style.class)
        .set("data-from", from)
        .set("data-to", to)
        .add(shaft)
        .add(
            text("label", lx, ly, label)
                .set("text-anchor", "middle")
                .set("fill", style.colour),
        )
}

/// A square at row 0 on `p`'s lane, labelled (`broadcast 0`, `propose 1`).
fn start(p: usize, class: &str, label: String) -> Group {
    let square = Rectangle::new()
        .set("x", x(p) - 6.0)
        .set("y", y(0) - 6.0)
        .set("width", 12)
        .set("height", 12)
        .set("fill", CORRECT);
    let label = text("label", x(p) + 10.0, y(0) + 4.0, label);
    Group::new()
        .set("class", class)
        .set("data-process", p)
        .add(square)
        .add(label)
}

/// Consensus: `p` evaluates on `snapshot` at `row`, a diamond, and its
/// decision (green dot) or handover (orange dot), labelled.
fn evaluation(
    p: usize,
    snapshot: &str,
    row: usize,
    ending: Option<super::consensus::Ending>,
) -> Group {
    use super::consensus::Ending;
    let (cx, cy, d) = (x(p), y(row), 7.0);
    let diamond = Path::new()
        .set(
            "d",
            format!(
                "M {} {cy} L {cx} {} L {} {cy} L {cx} {} z",
                cx - d,
                cy - d,
                cx + d,
                cy + d
            ),
        )
        .set("fill", "white")
        .set("stroke", MESSAGE)
        .set("stroke-width", 1.5);
    let (class, colour, what) = match ending {
        Some(e @ Ending::Decide(_)) => ("decision", DELIVERY, e.text()),
        Some(e @ Ending::Handover(_)) => ("handover", HANDOVER, e.text()),
        None => ("evaluation", MESSAGE, "nothing".to_string()),
    };
    let (dx, anchor) = if p == 0 {
        (12.0, "start")
    } else {
        (-12.0, "end")
    };
    let label = if snapshot.is_empty() {
        format!("p{p} {what}")
    } else {
        format!("p{p} {what} ({snapshot})")
    };
    let mut group = Group::new()
        .set("class", class)
        .set("data-process", p)
        .add(diamond);
    if ending.is_some() {
        group = group.add(
            Circle::new()
                .set("cx", cx)
                .set("cy", cy)
                .set("r", 4)
                .set("fill", colour),
        );
    }
    group.add(
        text("label", cx + dx, cy + 4.0, label)
            .set("text-anchor", anchor)
            .set("fill", colour),
    )
}

fn crash(p: usize, row: usize) -> Group {
    let (cx, cy, d) = (x(p), y(row), 9.0);
    Group::new()
        .set("class", "crash")
        .set("data-process", p)
        .add(line(cx - d, cy - d, cx + d, cy + d, BYZANTINE).set("stroke-width", 3))
        .add(line(cx - d, cy + d, cx + d, cy - d, BYZANTINE).set("stroke-width", 3))
        .add(text("label", cx + 14.0, cy + 4.0, "crash").set("fill", BYZANTINE))
}

fn delivery(p: usize, label: &str, row: usize) -> Group {
    // Just below the receipt that caused it, so as not to hide its arrow head.
    let cy = y(row) + ROW * 0.3;
    let dot = Circle::new()
        .set("cx", x(p))
        .set("cy", cy)
        .set("r", 6)
        .set("fill", DELIVERY);
    // Left of the lane, but right of the leftmost one (the margin is narrow).
    let (dx, anchor) = if p == 0 {
        (10.0, "start")
    } else {
        (-10.0, "end")
    };
    let label = text("label", x(p) + dx, cy + 4.0, label)
        .set("text-anchor", anchor)
        .set("fill", DELIVERY);
    Group::new()
        .set("class", "delivery")
        .set("data-process", p)
        .add(dot)
        .add(label)
}

fn event(e: &Event) -> Group {
    match e {
        Event::Broadcast { process, value } => {
            start(*process, "broadcast", format!("broadcast {value}"))
        }
        Event::Propose { process, value } => start(*process, "propose", format!("propose {value}")),
        Event::Evaluate {
            process,
            label,
            row,
            ending,
        } => evaluation(*process, label, *row, *ending),
        Event::Message { arrow: a, injected } => {
            let end = (a.to, y(a.row));
            if *injected {
                arrow(&INJECTED, (a.from, y(a.row) - ROW * 0.6), end, &a.label)
            } else {
                arrow(&PLAIN, (a.from, y(a.sent)), end, &a.label)
            }
        }
        Event::Lost(a) => {
            let label = format!("{} lost", a.label);
            arrow(&LOST, (a.from, y(a.sent)), (a.to, y(a.row)), &label)
        }
        Event::Crash { process, row } => crash(*process, *row),
        Event::Deliver {
            process,
            label,
            row,
        } => delivery(*process, label, *row),
    }
}

fn legend(top: f64) -> Group {
    let items = [
        ("correct", CORRECT),
        ("crashed", CRASHED),
        ("Byzantine", BYZANTINE),
        ("delivery, decision", DELIVERY),
        ("handover", HANDOVER),
    ];
    let mut group = Group::new().set("class", "legend");
    for (i, (name, colour)) in items.iter().enumerate() {
        let left = LEFT - 40.0 + i as f64 * 130.0;
        group = group
            .add(
                Rectangle::new()
                    .set("x", left)
                    .set("y", top)
                    .set("width", 12)
                    .set("height", 12)
                    .set("fill", *colour),
            )
            .add(text("role", left + 18.0, top + 10.0, *name));
    }
    group
}

/// See [`Chart::to_svg`].
pub(super) fn svg(chart: &Chart) -> String {
    let n = chart.lanes.len().max(1);
    let bottom = y(chart.rows.saturating_sub(1)) + ROW;
    let longest = chart.title.len().max(chart.caption.len()) as f64;
    let width = (2.0 * LEFT + (n - 1) as f64 * LANE_GAP)
        .max(7.0 * longest + 40.0)
        .max(480.0);
    let height = bottom + LEGEND;
    let mut doc = Document::new()
        .set("width", width)
        .set("height", height)
        .set("viewBox", (0, 0, width, height))
        .add(Title::new(format!("{} ({})", chart.title, chart.caption)))
        .add(Style::new(CSS))
        .add(
            Definitions::new()
                .add(marker("head", MESSAGE))
                .add(marker("head-byz", BYZANTINE))
                .add(marker("head-lost", CRASHED)),
        )
        .add(
            Rectangle::new()
                .set("width", "100%")
                .set("height", "100%")
                .set("fill", "white"),
        )
        .add(text("title", 20.0, 26.0, chart.title.as_str()))
        .add(text("caption", 20.0, 46.0, chart.caption.as_str()));
    for row in 1..chart.rows {
        doc = doc.add(text("rowno", 12.0, y(row) + 3.0, row.to_string()));
    }
    for lane in &chart.lanes {
        doc = doc.add(self::lane(chart, lane, bottom));
    }
    for e in &chart.events {
        doc = doc.add(event(e));
    }
    doc.add(legend(bottom + 18.0)).to_string()
}
