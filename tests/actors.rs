//! Real UDP actors on loopback. Each test uses its own port range so the
//! tests can run in parallel; every run is bounded by a timeout and a number
//! of broadcasts.

mod common;

use common::{data_datagram, distgen, example};
use dsl_core::actors::report::{Role, RunEnd};
use dsl_core::actors::wire::Instance;
use dsl_core::actors::{run, RunConfig};
use std::net::UdpSocket;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

const BRACHA: &str = include_str!("../examples/bracha.rs");
const BEST_EFFORT: &str = include_str!("../examples/best_effort.rs");

/// N = 4, F = 1 on the ports from `base_port`: every process broadcasts in
/// turn, `broadcasts` in all, for at most `timeout_s` seconds.
fn all_broadcast(base_port: u16, broadcasts: usize, timeout_s: u64) -> RunConfig {
    let mut config = RunConfig::new(4, 1);
    config.base_port = base_port;
    config.broadcasts = broadcasts;
    config.from = vec![0, 1, 2, 3];
    config.timeout = Duration::from_secs(timeout_s);
    config
}

#[test]
fn bracha_with_an_equivocating_byzantine_process_agrees_on_20_broadcasts() {
    let mut config = all_broadcast(24100, 20, 30);
    config.byzantine = vec![3];
    let report = run(&example(BRACHA), &config).expect("run starts");

    assert_eq!(report.instances.len(), 20);
    assert_eq!(report.outcome, RunEnd::Complete, "{report}");
    assert!(report.holds(), "{report}");
    let correct = [0, 1, 2];
    for i in &report.instances {
        let first = i.delivered[0].expect("p0 delivered");
        assert!(
            correct.iter().all(|&p| i.delivered[p] == Some(first)),
            "{report}"
        );
        if i.instance.origin == 3 {
            // The Byzantine origin sent two different values.
            assert!(!i.origin_correct);
            assert_eq!(i.values.len(), 2);
            assert_ne!(i.values[0], i.values[1]);
            assert!(i.values.contains(&first));
        } else {
            assert_eq!(i.values, vec![first]);
        }
    }
    // The Byzantine process did send its forgeries and replays.
    let byz = &report.processes[3];
    assert_eq!(byz.role, Role::Byzantine);
    assert!(
        byz.counters.sent > report.processes[0].counters.sent,
        "{report}"
    );
}

#[test]
fn best_effort_with_a_broadcaster_crashed_mid_send_misses_deliveries() {
    let mut config = RunConfig::new(4, 0);
    config.base_port = 24200;
    config.crash.insert(0, 1);
    config.timeout = Duration::from_secs(20);
    let report = run(&example(BEST_EFFORT), &config).expect("run starts");

    assert_eq!(report.processes[0].role, Role::Crashed);
    assert_eq!(report.processes[0].steps, 1);
    let i = &report.instances[0];
    assert_eq!(i.instance, Instance { origin: 0, seq: 0 });
    assert_eq!(i.messages, 1);
    // The one recipient the broadcaster reached delivers; the others never do.
    assert_eq!(i.delivered[1..], [Some(1000), None, None]);
    assert_eq!(report.outcome, RunEnd::Quiescent, "{report}");
    assert!(!report.holds());
    assert_eq!(report.violations.len(), 1);
    assert_eq!(report.violations[0].property, "agreement");
}

#[test]
fn eager_reliable_broadcast_survives_the_same_crash() {
    let ir = example(include_str!("../examples/eager_reliable.rs"));
    let mut config = RunConfig::new(4, 1);
    config.base_port = 24300;
    config.crash.insert(0, 1);
    config.timeout = Duration::from_secs(20);
    let report = run(&ir, &config).expect("run starts");
    assert_eq!(report.processes[0].role, Role::Crashed);
    assert_eq!(
        report.instances[0].delivered[1..],
        [Some(1000); 3],
        "{report}"
    );
    assert!(report.holds(), "{report}");
}

#[test]
fn a_flood_of_malformed_datagrams_leaves_the_processes_running() {
    const BASE: u16 = 24400;
    let mut config = all_broadcast(BASE, 8, 30);
    // Keep the run open a while after the last message, under the flood.
    config.quiet = Duration::from_millis(300);
    let done = AtomicBool::new(false);
    let junk: Vec<Vec<u8>> = vec![
        Vec::new(),
        b"{".to_vec(),
        b"null".to_vec(),
        b"{\"Ack\":{\"id\":-1}}".to_vec(),
        vec![0xff; 1200],
        vec![b'['; 60_000],
        b"{\"Data\":{\"id\":1,\"payload\":{\"instance\":{\"origin\":99}}}}".to_vec(),
    ];
    // Well-formed, but from an address that is no process of the run.
    let forged = data_datagram(0, 666);
    let (report, flooded) = std::thread::scope(|s| {
        let flood = s.spawn(|| {
            let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
            let mut sent = 0u64;
            // Bounded: at most 40,000 datagrams, stopping when the run ends.
            while !done.load(Ordering::Relaxed) && sent < 40_000 {
                for p in 0..4 {
                    for d in junk.iter().chain([&forged]) {
                        if socket.send_to(d, ("127.0.0.1", BASE + p)).is_ok() {
                            sent += 1;
                        }
                    }
                }
                std::thread::sleep(Duration::from_micros(200));
            }
            sent
        });
        std::thread::sleep(Duration::from_millis(20));
        let report = run(&example(BRACHA), &config);
        done.store(true, Ordering::Relaxed);
        (report, flood.join().unwrap())
    });
    let report = report.expect("run starts");
    eprintln!("flooded {flooded} datagrams; totals {:?}", report.totals);
    assert!(flooded > 0);
    assert_eq!(report.outcome, RunEnd::Complete, "{report}");
    assert!(report.holds(), "{report}");
    assert!(report.totals.malformed > 0, "{report}");
    assert!(report.totals.foreign > 0, "{report}");
    // The forged value never reached a delivery.
    assert!(report
        .instances
        .iter()
        .all(|i| i.delivered.iter().all(|d| *d != Some(666))));
}

/// The checker refutes the paper's claim that Figure 3 tolerates a Byzantine
/// process; real actors show it too. Whether the forgeries beat the origin's
/// messages is a race (in 20 runs of 20 broadcasts, 19 had violations), so
/// the test allows up to 8 runs.
#[test]
fn paper_fig3_breaks_under_an_equivocating_byzantine_process() {
    let ir = example(include_str!("../examples/paper_fig3.rs"));
    let mut config = all_broadcast(24700, 20, 20);
    config.byzantine = vec![3];
    let mut runs = 0;
    let report = loop {
        config.base_port = 24700 + 10 * runs;
        let report = run(&ir, &config).expect("run starts");
        runs += 1;
        if !report.holds() || runs == 8 {
            break report;
        }
    };
    assert!(!report.holds(), "no violation in {runs} runs: {report}");
    // A correct process delivered a value the correct origin never sent, or
    // correct processes disagreed.
    assert!(report
        .violations
        .iter()
        .all(|v| v.property == "integrity" || v.property == "agreement"));
}

#[test]
fn retransmission_recovers_datagrams_lost_to_a_full_buffer() {
    let mut config = all_broadcast(24600, 20, 60);
    config.byzantine = vec![3];
    // A 16 KiB buffer holds a dozen datagrams or so: the initial burst of
    // 20 broadcasts overflows it.
    config.recv_buffer = 16 << 10;
    config.resend_every = Duration::from_millis(2);
    let report = run(&example(BRACHA), &config).expect("run starts");
    let sent: u64 = report
        .processes
        .iter()
        .map(|p| p.socket.datagrams_out)
        .sum();
    let received: u64 = report.processes.iter().map(|p| p.socket.datagrams_in).sum();
    eprintln!(
        "datagrams sent {sent}, received {received}; totals {:?}",
        report.totals
    );
    assert!(received < sent, "no datagram was lost: {report}");
    assert!(report.totals.retransmits > 0);
    assert_eq!(report.outcome, RunEnd::Complete, "{report}");
    assert!(report.holds(), "{report}");
}

/// `distgen run` end to end: exit status 0, 1 and 2, and the JSON report.
#[test]
fn command_line_exit_status_and_json() {
    let (code, out, err) = distgen(&[
        "run",
        "--example",
        "bracha",
        "--byzantine",
        "3",
        "--from",
        "all",
        "--broadcasts",
        "4",
        "--base-port",
        "24500",
        "--json",
    ]);
    assert_eq!(code, 0, "{err}");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["protocol"], "Bracha");
    assert_eq!(json["instances"].as_array().unwrap().len(), 4);
    assert_eq!(json["processes"][3]["role"], "byzantine");

    let (code, table, _) = distgen(&[
        "run",
        "examples/best_effort.rs",
        "--crash",
        "0",
        "--crash-after",
        "2",
        "--base-port",
        "24510",
    ]);
    assert_eq!(code, 1);
    assert!(table.contains("agreement"), "{table}");

    for bad in [
        &["run", "--example", "no_such_protocol"][..],
        &["run", "--example", "bracha", "--byzantine", "9"],
        &["run", "--example", "bracha", "--n", "3", "--f", "1"],
        &[
            "run",
            "--example",
            "bracha",
            "--crash",
            "1",
            "--byzantine",
            "1",
        ],
    ] {
        assert_eq!(distgen(bad).0, 2, "{bad:?}");
    }
}
