//! `distgen check --svg DIR` on a consensus protocol: the counterexample of a
//! refuted mutation drawn as a chart, with its decisions and handovers.

mod common;

use common::{check_at, count_class, fresh_temp_path};

#[test]
fn a_refuted_bosco_mutation_is_charted_with_its_deciding_processes() {
    // Bosco with its decision threshold lowered to (N + 2F) / 2: at N = 5,
    // F = 1 three correct processes decide 0 while the fourth, shown two
    // Byzantine-made votes for 1, hands over 1.
    let src = include_str!("../examples/bosco.rs").replace("(N + 3 * F) / 2", "(N + 2 * F) / 2");
    let dir = fresh_temp_path("consensus-chart");
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let file = dir.join("bosco_lowered.rs");
    std::fs::write(&file, src).expect("written");
    let svgs = dir.join("svg");
    let (code, stdout, stderr) = check_at(
        file.to_str().expect("UTF-8"),
        5,
        1,
        &["--svg", svgs.to_str().expect("UTF-8")],
    );
    assert_eq!(code, 1, "refuted: {stdout}{stderr}");
    let path = svgs.join("Bosco-byzantine-n5-f1-byzantine.svg");
    assert!(
        stdout.contains(&format!("chart: {}", path.display())),
        "{stdout}"
    );
    let svg = std::fs::read_to_string(&path).expect("the chart was written");
    let doc = roxmltree::Document::parse(&svg).expect("valid XML");
    let processes = |class: &str| -> Vec<String> {
        doc.descendants()
            .filter(|n| n.attribute("class") == Some(class))
            .map(|n| n.attribute("data-process").expect("a process").to_string())
            .collect()
    };
    // The deciders of the trace and their values, as the checker printed
    // them (`3. p1 evaluates ... -> decides 0`).
    let decisions: Vec<(String, String)> = stdout
        .lines()
        .filter_map(|l| {
            let (p, rest) = l.split_once(". p")?.1.split_once(" evaluates ")?;
            let value = rest.split_once("-> decides ")?.1.trim();
            Some((p.to_string(), value.chars().take(1).collect()))
        })
        .collect();
    assert!(!decisions.is_empty(), "{stdout}");
    let deciders: Vec<String> = decisions.iter().map(|(p, _)| p.clone()).collect();
    assert_eq!(processes("decision"), deciders, "{svg}");
    assert_eq!(processes("handover").len(), 1, "{svg}");
    for (p, v) in &decisions {
        assert!(svg.contains(&format!("p{p} decides {v}")), "{svg}");
    }
    assert_eq!(count_class(&svg, "propose"), 4, "4 correct proposers");
    assert!(count_class(&svg, "arrow") > 0);
    assert!(count_class(&svg, "arrow injection") > 0, "Byzantine votes");
    assert!(
        svg.contains("Bosco violates decision-handover consistency"),
        "{svg}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
