//! What the end-to-end CLI tests share. Each test file uses some of it.
#![allow(dead_code)]

pub mod nodes;

use distgen::actors::wire::{self, Instance, Packet, Payload};
use std::path::PathBuf;
use std::process::Command;

/// The first protocol of an example file's source (its `include_str!`).
pub fn example(src: &str) -> distgen::ProtocolIr {
    distgen::source::protocols_in_source(src)
        .expect("example parses")
        .remove(0)
}

/// Runs the `distgen` binary from the repository root; returns its exit
/// status, standard output and standard error.
pub fn distgen(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_distgen"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("distgen runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `distgen check FILE --n N --f F`, then `extra`.
pub fn check_at(file: &str, n: usize, f: usize, extra: &[&str]) -> (i32, String, String) {
    let (n, f) = (n.to_string(), f.to_string());
    let mut args = vec!["check", file, "--n", &n, "--f", &f];
    args.extend_from_slice(extra);
    distgen(&args)
}

/// Asserts that `text` contains each of `parts`, with the whole of `text`
/// in the message.
#[track_caller]
pub fn assert_mentions(text: &str, parts: &[&str]) {
    for part in parts {
        assert!(text.contains(part), "no `{part}` in:\n{text}");
    }
}

/// Asserts that every result of `results` is verified, naming `what` (a
/// protocol, a file) and the configuration and verdict of each that is not.
#[track_caller]
pub fn assert_all_verified(what: &str, results: &[distgen::checker::CheckResult]) {
    let unverified: Vec<_> = results
        .iter()
        .filter(|r| !r.verdict.is_verified())
        .map(|r| (r.config, &r.verdict))
        .collect();
    assert!(
        unverified.is_empty(),
        "{what}, not verified: {unverified:?}"
    );
}

/// `distgen-NAME-PID` in the temporary directory, with nothing there yet.
pub fn fresh_temp_path(name: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!("distgen-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&path);
    path
}

/// How many elements of the SVG document `svg` have the class `class`.
pub fn count_class(svg: &str, class: &str) -> usize {
    let doc = roxmltree::Document::parse(svg).expect("valid XML");
    doc.descendants()
        .filter(|n| n.attribute("class") == Some(class))
        .count()
}

/// A well-formed datagram of the actors' wire format: message type `msg`
/// with `value` in instance (0, 0), link message id 0.
pub fn data_datagram(msg: usize, value: u64) -> Vec<u8> {
    wire::encode(&Packet::Data {
        id: 0,
        payload: Payload {
            instance: Instance { origin: 0, seq: 0 },
            msg,
            value,
        },
    })
    .expect("encodes")
}
