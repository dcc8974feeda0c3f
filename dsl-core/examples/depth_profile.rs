//! Where a counting model's states come from: a breadth-first walk of the
//! model `distgen check` explores (canonical states, value symmetry on),
//! printing how many new distinct states each depth adds and how many steps
//! each depth's states enable (issue 19: the (4f)-BRB at N = 8 against
//! Bracha at N = 10).
//!
//! `cargo run --release -p dsl-core --example depth_profile -- FILE N F [correct|byzantine]`
use dsl_core::checker::counting::CountingModel;
use dsl_core::checker::{Config, Scenario};
use dsl_core::ir::FaultModel;
use std::collections::HashSet;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let usage = "usage: depth_profile FILE N F [correct|byzantine]";
    let src = std::fs::read_to_string(args.get(1).expect(usage)).expect("readable file");
    let n: usize = args.get(2).and_then(|s| s.parse().ok()).expect(usage);
    let f: usize = args.get(3).and_then(|s| s.parse().ok()).expect(usage);
    let scenario = match args.get(4).map(String::as_str) {
        Some("byzantine") => Scenario::ByzantineBroadcaster,
        _ => Scenario::CorrectBroadcaster,
    };
    let ir = dsl_core::source::protocols_in_source(&src)
        .expect("the protocol parses")
        .remove(0);
    let config = Config {
        faults: FaultModel::Byzantine,
        n,
        f,
        scenario,
    };
    let model = CountingModel::new(&ir, &config).expect("a counting model");
    let start = std::time::Instant::now();
    let mut seen: HashSet<Box<[u16]>> = HashSet::new();
    let mut level = vec![model.canonical(model.core.initial()).0];
    seen.insert(level[0].clone());
    println!("{} N={n} F={f} {scenario:?}", ir.name);
    println!("depth | new states | steps enabled | steps to a new state | total | seconds");
    let mut steps = Vec::new();
    for depth in 0.. {
        if level.is_empty() {
            break;
        }
        let (mut enabled, mut fresh) = (0usize, 0usize);
        let mut next = Vec::new();
        for s in &level {
            steps.clear();
            model.enabled(s, &mut steps);
            enabled += steps.len();
            for step in &steps {
                if let Some(t) = model.next(s, step) {
                    if seen.insert(t.0.clone()) {
                        fresh += 1;
                        next.push(t.0);
                    }
                }
            }
        }
        println!(
            "{depth} | {} | {enabled} | {fresh} | {} | {:.1}",
            level.len(),
            seen.len(),
            start.elapsed().as_secs_f64()
        );
        level = next;
    }
}
