//! The `protocol!` macro and the run-time reader agree: the macro's IR of each
//! reference protocol equals what `dsl_core::source::protocols_in_source`
//! reads, both from this very file and from the example it was copied from.
//!
//! The invocations below are verbatim copies of the examples' ones; if an
//! example changes, the comparison with its file fails until they are copied
//! again.

use distgen::{protocol, Protocol, ProtocolIr};

mod best_effort {
    use super::*;

    protocol! {
        /// Best-effort broadcast: send to all, deliver on receipt.
        pub BestEffort {
            faults: none;
            messages: Msg;

            on broadcast(m) {
                send Msg(m) to all;
            }
            when received Msg(m) >= 1 {
                deliver(m);
            }
        }
    }
}

mod eager_reliable {
    use super::*;

    protocol! {
        /// Eager reliable broadcast: deliver on first receipt, then relay.
        pub EagerReliable {
            faults: crash;
            messages: Msg;

            on broadcast(m) {
                send Msg(m) to all;
            }
            when received Msg(m) >= 1 {
                deliver(m);
                send Msg(m) to all;
            }
        }
    }
}

mod hadzilacos_toueg {
    use super::*;

    protocol! {
        /// Reliable broadcast by diffusion: relay on first receipt, then deliver.
        pub HadzilacosToueg {
            faults: crash;
            requires: F < N;
            messages: Msg;

            on broadcast(m) {
                send Msg(m) to all;
            }
            when received Msg(m) >= 1 {
                send Msg(m) to all;
                deliver(m);
            }
        }
    }
}

mod bracha {
    use super::*;

    protocol! {
        /// Bracha's Byzantine reliable broadcast (1987).
        pub Bracha {
            faults: byzantine;
            requires: N > 3 * F;
            messages: Initial, Echo, Ready;

            on broadcast(m) {
                send Initial(m) to all;
            }
            when received Initial(m) from broadcaster and not sent Echo {
                send Echo(m) to all;
            }
            when received Echo(m) >= (N + F) / 2 + 1 and not sent Ready {
                send Ready(m) to all;
            }
            when received Ready(m) >= F + 1 and not sent Ready {
                send Ready(m) to all;
            }
            when received Ready(m) >= 2 * F + 1 {
                deliver(m);
            }
        }
    }
}

mod imbs_raynal {
    use super::*;

    protocol! {
        /// Imbs-Raynal Byzantine reliable broadcast (2016), N > 5F.
        pub ImbsRaynal {
            faults: byzantine;
            requires: N > 5 * F;
            messages: Init, Witness;

            on broadcast(m) {
                send Init(m) to all;
            }
            when received Init(m) from broadcaster and not sent Witness {
                send Witness(m) to all;
            }
            when received Witness(m) >= N - 2 * F {
                send Witness(m) to all;
            }
            when received Witness(m) >= N - F {
                deliver(m);
            }
        }
    }
}

mod paper_fig3 {
    use super::*;

    protocol! {
        /// The paper's Figure 3, claimed Byzantine-tolerant for N >= 4, F = 1.
        pub PaperFig3 {
            faults: byzantine;
            requires: N >= 4 and F == 1;
            messages: T0, T1;

            on broadcast(m) {
                send T0(m) to others;
            }
            when received T0(m) >= 1 {
                send T1(m) to others;
            }
            when received T1(m) >= F + 1 {
                send T1(m) to others;
                deliver(m);
            }
        }
    }
}

/// The macro's IRs, in the order of this file.
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
fn the_macro_and_the_reader_agree_on_this_file() {
    let read = distgen::source::protocols_in_source(include_str!("macro_vs_runtime.rs"))
        .expect("this file parses");
    assert_eq!(read, by_macro());
}

#[test]
fn the_macro_and_the_reader_agree_on_every_example() {
    let files = [
        include_str!("../examples/best_effort.rs"),
        include_str!("../examples/eager_reliable.rs"),
        include_str!("../examples/hadzilacos_toueg.rs"),
        include_str!("../examples/bracha.rs"),
        include_str!("../examples/imbs_raynal.rs"),
        include_str!("../examples/paper_fig3.rs"),
    ];
    for (src, ir) in files.iter().zip(by_macro()) {
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
