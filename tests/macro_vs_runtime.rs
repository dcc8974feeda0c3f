//! The `protocol!` macro and the run-time reader agree: the macro's IR of each
//! reference protocol equals what `dsl_core::source::protocols_in_source`
//! reads from the same file.
//!
//! The examples are compiled in as modules (`#[path]`), so that the macro
//! expands the very invocations the reader reads: an example cannot drift
//! from its test.

use distgen::{Protocol, ProtocolIr};

// Each example as a module; its `main` is unused here.
#[allow(dead_code)]
#[path = "../examples/best_effort.rs"]
mod best_effort;
#[allow(dead_code)]
#[path = "../examples/bracha.rs"]
mod bracha;
#[allow(dead_code)]
#[path = "../examples/eager_reliable.rs"]
mod eager_reliable;
#[allow(dead_code)]
#[path = "../examples/hadzilacos_toueg.rs"]
mod hadzilacos_toueg;
#[allow(dead_code)]
#[path = "../examples/imbs_raynal.rs"]
mod imbs_raynal;
#[allow(dead_code)]
#[path = "../examples/paper_fig3.rs"]
mod paper_fig3;

/// The text of each example, in the order of [`by_macro`].
const FILES: &[&str] = &[
    include_str!("../examples/best_effort.rs"),
    include_str!("../examples/eager_reliable.rs"),
    include_str!("../examples/hadzilacos_toueg.rs"),
    include_str!("../examples/bracha.rs"),
    include_str!("../examples/imbs_raynal.rs"),
    include_str!("../examples/paper_fig3.rs"),
];

/// The macro's IRs, in the order of [`FILES`].
fn by_macro() -> Vec<ProtocolIr> {
    vec![
        best_effort::BestEffort::ir(),
        eager_reliable::EagerReliable::ir(),
        hadzilacos_toueg::HadzilacosToueg::ir(),
        bracha::Bracha::ir(),
        imbs_raynal::ImbsRaynal::ir(),
        paper_fig3::PaperFig3::ir(),
    ]
}

#[test]
fn the_macro_and_the_reader_agree_on_every_example() {
    assert_eq!(FILES.len(), by_macro().len());
    for (src, ir) in FILES.iter().zip(by_macro()) {
        let read = distgen::source::protocols_in_source(src).expect("example parses");
        assert_eq!(read, vec![ir]);
    }
}

#[test]
fn the_macro_struct_names_its_protocol() {
    assert_eq!(best_effort::BestEffort::NAME, "BestEffort");
    assert_eq!(eager_reliable::EagerReliable::NAME, "EagerReliable");
    assert_eq!(hadzilacos_toueg::HadzilacosToueg::NAME, "HadzilacosToueg");
    assert_eq!(bracha::Bracha::NAME, "Bracha");
    assert_eq!(imbs_raynal::ImbsRaynal::NAME, "ImbsRaynal");
    assert_eq!(paper_fig3::PaperFig3::NAME, "PaperFig3");
}
