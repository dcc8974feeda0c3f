//! `distgen promela` end to end: the binary reads a `.rs` file, writes the
//! model, and reports bad input with exit status 2 and a located message.

mod common;

use common::distgen;

#[test]
fn writes_the_model_to_a_file() {
    let path = std::env::temp_dir().join(format!("distgen-cli-{}.pml", std::process::id()));
    let path_str = path.to_str().unwrap();
    let (code, _, err) = distgen(&[
        "promela",
        "examples/bracha.rs",
        "--faults",
        "byzantine",
        "--n",
        "4",
        "--f",
        "1",
        "--scenario",
        "byzantine-broadcaster",
        "-o",
        path_str,
    ]);
    assert_eq!(code, 0, "{err}");
    let pml = std::fs::read_to_string(&path).unwrap();
    let _ = std::fs::remove_file(&path);
    assert!(pml.starts_with(
        "/* Bracha at N = 4, F = 1, fault model byzantine, scenario byzantine-broadcaster.\n"
    ));
}

#[test]
fn defaults_to_the_claimed_fault_model_and_the_smallest_size() {
    let (code, out, err) = distgen(&["promela", "examples/eager_reliable.rs"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("/* EagerReliable at N = 3, F = 1, fault model crash, scenario crashes.\n")
    );
}

#[test]
fn a_size_outside_requires_is_bad_input() {
    let (code, _, err) = distgen(&["promela", "examples/bracha.rs", "--n", "3", "--f", "1"]);
    assert_eq!(code, 2);
    assert_eq!(
        err.trim(),
        "error: Bracha does not allow N = 3, F = 1 (requires: N > 3 * F); pick another --n/--f"
    );
}

#[test]
fn a_protocol_error_is_reported_with_its_line_and_column() {
    let path = std::env::temp_dir().join(format!("distgen-cli-bad-{}.rs", std::process::id()));
    std::fs::write(
        &path,
        "use distgen::protocol;\n\nprotocol! {\n    P {\n        faults: none;\n        messages: M;\n        on broadcast(m) { send Q(m) to all; deliver(m); }\n    }\n}\n",
    )
    .unwrap();
    let (code, _, err) = distgen(&["promela", path.to_str().unwrap()]);
    let _ = std::fs::remove_file(&path);
    assert_eq!(code, 2);
    assert!(
        err.contains(&format!(
            "{}:7:32: unknown message type `Q`",
            path.display()
        )),
        "{err}"
    );
}
