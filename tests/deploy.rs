//! Deployed nodes: one OS process per node on 127.0.0.1, authenticated links.
//! Every run is bounded by a number of broadcasts and a timeout; ports are
//! chosen by the system.

mod common;

use common::nodes::{start_node, wait_for, NodeProcess};
use common::{assert_mentions, data_datagram, distgen};
use deploy::auth::{Links, HEADER, TAG};
use deploy::cluster::terminate;
use deploy::keys::Secret;
use deploy::node::{now_us, Line};
use deploy::peers::render;
use distgen::actors::wire::{self, Packet};
use std::collections::BTreeMap;
use std::io::Write;
use std::net::{SocketAddr, UdpSocket};
use std::path::Path;
use std::time::Duration;

/// `distgen cluster FILE` with `options`, at most 60 s: its exit status 0
/// and its JSON report.
fn cluster_json(file: &str, options: &[&str]) -> serde_json::Value {
    let mut args = vec!["cluster", file];
    args.extend_from_slice(options);
    args.extend(["--timeout", "60", "--json"]);
    let (code, out, err) = distgen(&args);
    assert_eq!(code, 0, "{err}\n{out}");
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

#[test]
fn bracha_at_n4_with_a_byzantine_node_agrees() {
    let r = cluster_json(
        "examples/bracha.rs",
        &[
            "--n",
            "4",
            "--f",
            "1",
            "--byzantine",
            "3",
            "--broadcasts",
            "20",
        ],
    );
    assert_eq!(r["outcome"], "complete", "{r}");
    assert_eq!(r["violations"].as_array().unwrap().len(), 0);
    assert_eq!(r["processes"][3]["role"], "byzantine");
    let instances = r["instances"].as_array().unwrap();
    assert_eq!(instances.len(), 20);
    for i in instances {
        let d = &i["delivered"];
        assert!(d[0].is_u64() && d[0] == d[1] && d[1] == d[2], "{i}");
        if i["instance"]["origin"] == 3 {
            assert_eq!(i["values"].as_array().unwrap().len(), 2, "it equivocated");
        } else {
            assert_eq!(i["values"][0], d[0]);
        }
    }
    // The Byzantine node's equivocations were sent on authenticated links:
    // authentic, so not counted as forged.
    assert!(r["processes"][3]["counters"]["sent"].as_u64().unwrap() > 0);
    assert_eq!(r["totals"]["forged"], 0);
}

#[test]
fn best_effort_with_a_killed_node_shows_the_missing_deliveries() {
    let (code, out, err) = distgen(&[
        "cluster",
        "examples/best_effort.rs",
        "--n",
        "4",
        "--f",
        "0",
        "--broadcasts",
        "8",
        "--kill",
        "3:0",
        "--quiet",
        "1",
        "--timeout",
        "60",
    ]);
    assert_eq!(code, 0, "the dead node is not judged: {err}\n{out}");
    assert_mentions(&out, &["dead: p3", "p3 (dead)", "quiescent"]);
    // Its own two instances were never broadcast; the others reached all
    // live nodes but not p3.
    let rows: Vec<&str> = out
        .lines()
        .filter(|l| l.starts_with(|c: char| c.is_ascii_digit()))
        .collect();
    assert_eq!(rows.len(), 8, "{out}");
    for row in rows {
        let cells: Vec<&str> = row.split_whitespace().collect();
        if row.starts_with("3.") {
            assert_eq!(cells[1..6], ["-", "-", "-", "-", "-"], "{row}");
        } else {
            assert_eq!(cells[2], cells[1], "{row}");
            assert_eq!(cells[3..5], [cells[1], cells[1]], "{row}");
            assert_eq!(cells[5], "-", "{row}");
        }
    }
}

#[test]
fn a_node_killed_mid_run_leaves_eager_reliable_broadcast_delivering() {
    let r = cluster_json(
        "examples/eager_reliable.rs",
        &[
            "--n",
            "4",
            "--f",
            "1",
            "--from",
            "0,1,2",
            "--broadcasts",
            "150",
            "--kill",
            "3:10",
        ],
    );
    assert_eq!(r["processes"][3]["role"], "dead", "{r}");
    assert_eq!(r["outcome"], "complete", "{r}");
    for i in r["instances"].as_array().unwrap() {
        assert!((0..3).all(|p| i["delivered"][p].is_u64()), "{i}");
    }
}

#[test]
fn a_peers_file_with_errors_exits_2_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    Secret::generate()
        .unwrap()
        .write(&dir.path().join("k.key"))
        .unwrap();
    let node =
        |id: usize, port: u16| format!("[[node]]\nid = {id}\naddress = \"127.0.0.1:{port}\"\n");
    let good = format!("secret = \"k.key\"\n{}{}", node(0, 1), node(1, 2));
    let cases = [
        (good.clone(), "7", "no node with id 7"),
        (
            format!("secret = \"k.key\"\n{}{}", node(0, 1), node(1, 1)),
            "0",
            "both have address 127.0.0.1:1",
        ),
        (
            format!("secret = \"gone.key\"\n{}{}", node(0, 1), node(1, 2)),
            "0",
            "cannot read the secret file",
        ),
        (
            format!("secret = \"k.key\"\n{}{}", node(0, 1), node(0, 2)),
            "0",
            "node id 0 appears twice",
        ),
        ("secret = ".to_string(), "0", "peers file"),
    ];
    for (k, (text, id, expected)) in cases.iter().enumerate() {
        let path = dir.path().join(format!("peers{k}.toml"));
        std::fs::write(&path, text).unwrap();
        let (code, _, err) = distgen(&[
            "node",
            "examples/bracha.rs",
            "--id",
            id,
            "--peers",
            path.to_str().unwrap(),
        ]);
        assert_eq!(code, 2, "{text}");
        assert!(err.contains(expected), "{err}");
    }
}

/// The forged traffic, each datagram with the counter it must land in
/// (`valid`: accepted): made with node 3's links to node 0.
fn junk(links: &mut Links, body: &[u8]) -> Vec<(&'static str, Vec<u8>)> {
    let mut junk: Vec<(&str, Vec<u8>)> = Vec::new();
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut random = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    // 50 authentic acks of nothing (harmless), each replayed 49 times.
    let authentic: Vec<Vec<u8>> = (0..50)
        .map(|k| {
            links
                .seal(0, &wire::encode(&Packet::Ack { id: 1 << 40 | k }).unwrap())
                .unwrap()
        })
        .collect();
    for d in &authentic {
        junk.push(("valid", d.clone()));
        for _ in 0..49 {
            junk.push(("replayed", d.clone()));
        }
    }
    for k in 0..2_000 {
        // An authentic datagram with one byte changed after the header.
        let mut d = links.seal(0, body).unwrap();
        let at = HEADER + (k % (d.len() - HEADER));
        d[at] ^= 1 << (k % 8);
        junk.push(("forged", d));
    }
    for _ in 0..2_000 {
        // Node 3 claims to be node 1 (its key is not the 0-1 link key).
        let mut d = links.seal(0, body).unwrap();
        d[4..6].copy_from_slice(&1u16.to_be_bytes());
        junk.push(("forged", d));
    }
    for _ in 0..1_000 {
        // Authentic, but for node 1: sent to node 0.
        junk.push(("forged", links.seal(1, body).unwrap()));
    }
    for k in 0..1_500 {
        let d = links.seal(0, body).unwrap();
        let len = k % (HEADER + TAG);
        junk.push(("malformed", d[..len].to_vec()));
    }
    for k in 0..1_000 {
        let len = 1 + (random() % 1400) as usize;
        let mut d: Vec<u8> = (0..len).map(|_| random() as u8).collect();
        if k % 2 == 0 && d.len() >= HEADER + TAG {
            d[..4].copy_from_slice(b"DGN1");
            d[4..8].copy_from_slice(&[0, 3, 0, 0]);
            junk.push(("forged", d));
        } else {
            junk.push(("malformed", d));
        }
    }
    junk
}

/// 10,000 datagrams of forged traffic: bad MACs, a node claiming another's
/// identity, misaddressed, replays of authentic datagrams, truncated and
/// random ones. The attacker holds node 3's key (an insider, so it can make
/// authentic datagrams to replay); node 3 takes no part in the protocol, a
/// crash that Bracha at N = 4, F = 1 tolerates.
#[test]
fn forged_traffic_is_dropped_and_counted_and_deliveries_are_unaffected() {
    let dir = tempfile::tempdir().unwrap();
    let secret = Secret::generate().unwrap();
    secret.write(&dir.path().join("k.key")).unwrap();
    let sockets: Vec<UdpSocket> = (0..4)
        .map(|_| UdpSocket::bind("127.0.0.1:0").unwrap())
        .collect();
    let addresses: Vec<SocketAddr> = sockets.iter().map(|s| s.local_addr().unwrap()).collect();
    let attacker = sockets.into_iter().nth(3).unwrap();
    let peers = dir.path().join("peers.toml");
    std::fs::write(&peers, render(&addresses, Path::new("k.key"))).unwrap();
    let mut nodes: Vec<NodeProcess> = (0..3)
        .map(|p| start_node("examples/bracha.rs", &peers, p, &[]))
        .collect();
    for node in &nodes {
        wait_for(node, |l| matches!(l, Line::Ready { .. }));
    }
    for (p, node) in nodes.iter_mut().enumerate().take(2) {
        let stdin = node.child.stdin.as_mut().unwrap();
        for k in 0..10 {
            writeln!(stdin, "broadcast {}", 1000 * (p + 1) + k).unwrap();
        }
        stdin.flush().unwrap();
    }

    let mut links = Links::new(&secret, 3, 4, now_us());
    let expected = send_junk(&attacker, addresses[0], &mut links);
    let Line::Stopped {
        socket,
        counters,
        delivered: count,
        ..
    } = deliver_then_stop(&mut nodes)
    else {
        unreachable!()
    };
    eprintln!("node 0: {socket:?} {counters:?}");
    assert_eq!(count, 20);
    assert_eq!(socket.forged, expected["forged"], "{socket:?}");
    assert_eq!(socket.replayed, expected["replayed"], "{socket:?}");
    assert_eq!(socket.malformed, expected["malformed"], "{socket:?}");
    assert_eq!(counters.invalid, 0);
}

/// Sends the 10,000 datagrams of [`junk`] (made with `links`, node 3's) from
/// `attacker` to `to`, node 0; returns how many must land in each counter.
fn send_junk(
    attacker: &UdpSocket,
    to: SocketAddr,
    links: &mut Links,
) -> BTreeMap<&'static str, u64> {
    let body = data_datagram(1, 666);
    let mut expected = BTreeMap::from([("forged", 0u64), ("replayed", 0), ("malformed", 0)]);
    let junk = junk(links, &body);
    assert_eq!(junk.len(), 10_000);
    for (i, (kind, d)) in junk.iter().enumerate() {
        if let Some(k) = expected.get_mut(kind) {
            *k += 1;
        }
        attacker.send_to(d, to).unwrap();
        if i % 100 == 99 {
            std::thread::sleep(Duration::from_millis(2));
        }
    }
    expected
}

/// Waits until every node of `nodes` (p0 and p1 broadcast values 1000..1009
/// and 2000..2009) delivered the 20 instances, checks that it delivered the
/// origins' values, stops them all; node 0's final line.
fn deliver_then_stop(nodes: &mut [NodeProcess]) -> Line {
    let mut delivered = vec![BTreeMap::new(); nodes.len()];
    for (p, node) in nodes.iter().enumerate() {
        while delivered[p].len() < 20 {
            if let Line::Deliver {
                instance, value, ..
            } = wait_for(node, |l| matches!(l, Line::Deliver { .. }))
            {
                delivered[p].insert(instance, value);
            }
        }
    }
    for d in &delivered {
        assert!(
            d.iter()
                .all(|(i, &v)| v == 1000 * (i.origin as u64 + 1) + u64::from(i.seq)),
            "{d:?}"
        );
    }
    std::thread::sleep(Duration::from_millis(200));
    let mut stopped = Vec::new();
    for node in nodes.iter_mut() {
        terminate(&node.child);
        stopped.push(wait_for(node, |l| matches!(l, Line::Stopped { .. })));
    }
    stopped.swap_remove(0)
}
