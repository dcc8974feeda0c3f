//! Unit tests of the checker on small protocols.

use super::*;
use crate::syntax::parse_str;

fn bracha() -> ProtocolIr {
    parse_str(
        "pub Bracha {
            faults: byzantine;
            requires: N > 3 * F;
            messages: Initial, Echo, Ready;
            on broadcast(m) { send Initial(m) to all; }
            when received Initial(m) from broadcaster and not sent Echo { send Echo(m) to all; }
            when received Echo(m) >= (N + F) / 2 + 1 and not sent Ready { send Ready(m) to all; }
            when received Ready(m) >= F + 1 and not sent Ready { send Ready(m) to all; }
            when received Ready(m) >= 2 * F + 1 { deliver(m); }
        }",
    )
    .unwrap()
}

fn show(r: &CheckResult) -> String {
    let v = match &r.verdict {
        Verdict::Violated(v) => format!(
            "violated {} ({})\n    {}",
            v.property,
            v.detail,
            v.trace.join("\n    ")
        ),
        v => format!("{v:?}"),
    };
    format!(
        "{} {} n={} f={} states={} {:.3}s: {v}",
        r.protocol,
        r.config.scenario.name(),
        r.config.n,
        r.config.f,
        r.states,
        r.seconds
    )
}

#[test]
fn smoke() {
    let ir = bracha();
    for c in default_configs(&ir.requires, FaultModel::Byzantine)
        .into_iter()
        .take(4)
    {
        let r = check(&ir, c, Limits::default());
        println!("{}", show(&r));
        let p = check_plain(
            &ir,
            c,
            Limits {
                max_states: 3_000_000,
                timeout_secs: 60,
            },
        );
        println!("plain: {}", show(&p));
    }
}
