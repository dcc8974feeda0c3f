//! `distgen check --svg DIR`: one message-sequence chart per violation.

mod common;

use common::{check_at, count_class, fresh_temp_path};

#[test]
fn check_svg_writes_one_valid_chart_per_violation() {
    let dir = fresh_temp_path("cli-svg");
    let dir_arg = dir.to_str().expect("a UTF-8 temporary directory");
    let (code, stdout, stderr) = check_at("examples/paper_fig3.rs", 4, 1, &["--svg", dir_arg]);
    assert_eq!(
        code, 1,
        "Fig. 3 is violated at N = 4, F = 1: {stdout}{stderr}"
    );
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("the directory was created")
        .map(|e| e.expect("a directory entry").path())
        .collect();
    files.sort();
    let names: Vec<_> = files
        .iter()
        .map(|p| {
            p.file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert_eq!(
        names,
        [
            "PaperFig3-byzantine-n4-f1-byzantine-broadcaster.svg",
            "PaperFig3-byzantine-n4-f1-correct-broadcaster.svg"
        ]
    );
    for file in &files {
        assert!(
            stdout.contains(&format!("chart: {}", file.display())),
            "{stdout}"
        );
        let text = std::fs::read_to_string(file).expect("readable");
        assert_eq!(count_class(&text, "lane"), 4);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn check_svg_writes_nothing_for_a_verified_protocol() {
    let dir = fresh_temp_path("cli-svg-ok");
    let dir_arg = dir.to_str().expect("a UTF-8 temporary directory");
    let (code, stdout, _) = check_at("examples/bracha.rs", 4, 1, &["--svg", dir_arg]);
    assert_eq!(code, 0, "{stdout}");
    assert!(!dir.exists(), "no violation, no chart");
    assert!(!stdout.contains("chart:"));
}
