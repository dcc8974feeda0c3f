//! Tests of one process actor: crashes mid-send, instances, Byzantine equivocation and replay.

use super::*;
use stateright::actor::Command;

fn example(src: &str) -> crate::ir::ProtocolIr {
    crate::source::protocols_in_source(src).expect("example parses")[0].clone()
}

fn best_effort() -> crate::ir::ProtocolIr {
    example(include_str!("../../../../examples/best_effort.rs"))
}

fn bracha() -> crate::ir::ProtocolIr {
    example(include_str!("../../../../examples/bracha.rs"))
}

fn actor(ir: &crate::ir::ProtocolIr, n: usize, f: usize, me: ProcId) -> ProcessActor {
    ProcessActor {
        machine: Arc::new(Machine::new(ir, n, f).unwrap()),
        me,
        peers: (0..n).map(Id::from).collect(),
        behaviour: Behaviour::Correct,
        crash_after: None,
        broadcasts: Vec::new(),
        foresight: Vec::new(),
        limits: RunLimits::default(),
        resend_every: Duration::from_millis(10),
        input: None,
    }
}

/// The data messages in `out`: (recipient, payload).
fn sends(out: &Out<ProcessActor>) -> Vec<(usize, Payload)> {
    out.iter()
        .filter_map(|c| match c {
            Command::Send(to, Packet::Data { payload, .. }) => Some((usize::from(*to), *payload)),
            _ => None,
        })
        .collect()
}

fn data(id: u64, origin: ProcId, msg: MsgId, value: u64) -> Packet {
    Packet::Data {
        id,
        payload: Payload {
            instance: Instance { origin, seq: 0 },
            msg,
            value,
        },
    }
}

/// `a` (in `state`) receives `packet` from process `from`; what it does.
fn hear(a: &ProcessActor, state: &mut Cow<Node>, from: usize, packet: Packet) -> Out<ProcessActor> {
    let mut out = Out::new();
    a.on_msg(Id::from(a.me), state, Id::from(from), packet, &mut out);
    out
}

#[test]
fn a_crash_in_the_middle_of_send_to_all_reaches_only_some() {
    let mut a = actor(&best_effort(), 4, 0, 0);
    a.broadcasts = vec![(0, 1000)];
    a.crash_after = Some(2);
    let mut out = Out::new();
    let node = a.on_start(Id::from(0), &None, &mut out);
    let to: Vec<usize> = sends(&out).iter().map(|(p, _)| *p).collect();
    assert_eq!(to, [1, 2]);
    assert!(node.crashed);
    assert!(
        node.deliveries.is_empty(),
        "crashed before its own delivery"
    );
    // A crashed process ignores everything.
    let mut state = Cow::Owned(node);
    let out = hear(&a, &mut state, 1, data(0, 1, 0, 5));
    assert!(out.is_empty());
}

#[test]
fn from_broadcaster_means_the_instance_origin() {
    let a = actor(&bracha(), 4, 1, 2);
    let mut out = Out::new();
    let mut state = Cow::Owned(a.on_start(Id::from(2), &None, &mut out));
    // Initial in instance (1, 0) from process 3: not the origin, no echo.
    let out = hear(&a, &mut state, 3, data(0, 1, 0, 7));
    assert!(sends(&out).is_empty());
    // From process 1, the origin: echo to the three others.
    let out = hear(&a, &mut state, 1, data(0, 1, 0, 7));
    let echoes = sends(&out);
    assert_eq!(echoes.len(), 3);
    assert!(echoes
        .iter()
        .all(|(p, m)| *p != 2 && m.msg == 1 && m.value == 7));
    // The ack came first, for the link.
    assert!(matches!(out[0], Command::Send(to, Packet::Ack { id: 0 }) if to == Id::from(1)));
}

#[test]
fn delivers_the_wire_value_per_instance() {
    let a = actor(&best_effort(), 3, 0, 1);
    let mut out = Out::new();
    let mut state = Cow::Owned(a.on_start(Id::from(1), &None, &mut out));
    for (id, origin, value) in [(0, 0, u64::MAX), (0, 2, 42), (1, 0, 3)] {
        hear(&a, &mut state, origin, data(id, origin, 0, value));
    }
    let got: Vec<(ProcId, u64)> = state
        .deliveries
        .iter()
        .map(|(i, v)| (i.origin, *v))
        .collect();
    assert_eq!(got, [(0, u64::MAX), (2, 42)], "one delivery per instance");
}

#[test]
fn drops_and_counts_what_does_not_fit() {
    let mut a = actor(&best_effort(), 3, 0, 1);
    a.limits.max_values = 2;
    let mut out = Out::new();
    let mut state = Cow::Owned(a.on_start(Id::from(1), &None, &mut out));
    // Three values in one instance from process 2: the third is dropped.
    for (id, v) in [(0, 10), (1, 11), (2, 12)] {
        hear(&a, &mut state, 2, data(id, 0, 0, v));
    }
    assert_eq!(state.counters.values_dropped, 1);
    // A copy of message 0: a duplicate, acknowledged again.
    let out = hear(&a, &mut state, 2, data(0, 0, 0, 10));
    assert_eq!(state.counters.duplicates, 1);
    assert!(matches!(out[0], Command::Send(_, Packet::Ack { id: 0 })));
    // No such origin or message type; an unknown sender; itself.
    hear(&a, &mut state, 2, data(3, 7, 0, 1));
    hear(&a, &mut state, 2, data(4, 0, 5, 1));
    hear(&a, &mut state, 9, data(0, 0, 0, 1));
    hear(&a, &mut state, 1, data(0, 0, 0, 1));
    assert_eq!(state.counters.invalid, 2);
    assert_eq!(state.counters.foreign, 2);
}

#[test]
fn a_byzantine_origin_equivocates_on_every_type() {
    let mut a = actor(&bracha(), 4, 1, 3);
    a.behaviour = Behaviour::Byzantine;
    a.broadcasts = vec![(0, 4000)];
    let mut out = Out::new();
    let node = a.on_start(Id::from(3), &None, &mut out);
    let sent = sends(&out);
    assert_eq!(sent.len(), 3 * 3, "three types to three processes");
    for msg in 0..3 {
        let values: Vec<(usize, u64)> = sent
            .iter()
            .filter(|(_, m)| m.msg == msg)
            .map(|(p, m)| (*p, m.value))
            .collect();
        assert_eq!(values, [(0, 4000), (1, 4000 ^ FORGED), (2, 4000 ^ FORGED)]);
    }
    assert_eq!(node.broadcasts[0].1, [4000, 4000 ^ FORGED]);
}

#[test]
fn a_byzantine_process_with_foresight_forges_before_hearing() {
    let mut a = actor(&bracha(), 4, 1, 3);
    a.behaviour = Behaviour::Byzantine;
    a.foresight = vec![(Instance { origin: 0, seq: 0 }, 1000)];
    let mut out = Out::new();
    let node = a.on_start(Id::from(3), &None, &mut out);
    let sent = sends(&out);
    assert_eq!(sent.len(), 3 * 3);
    assert!(sent.iter().all(|(_, m)| m.instance.origin == 0));
    assert!(sent.iter().any(|(_, m)| m.value == 1000 ^ FORGED));
    assert!(node.broadcasts.is_empty(), "not its own broadcast");
    // A correct process ignores foresight.
    let mut a = actor(&bracha(), 4, 1, 2);
    a.foresight = vec![(Instance { origin: 0, seq: 0 }, 1000)];
    let mut out = Out::new();
    a.on_start(Id::from(2), &None, &mut out);
    assert!(sends(&out).is_empty());
}

#[test]
fn broadcasts_asked_for_while_running_take_the_next_instance() {
    let mut a = actor(&best_effort(), 3, 0, 1);
    a.broadcasts = vec![(0, 10)];
    let mut out = Out::new();
    let mut node = a.on_start(Id::from(1), &None, &mut out);
    let mut out = Out::new();
    assert_eq!(
        a.broadcast_next(&mut node, 11, &mut out),
        Some(Instance { origin: 1, seq: 1 })
    );
    assert_eq!(sends(&out).len(), 2);
    assert_eq!(node.deliveries.len(), 2, "best-effort delivers its own");
    node.crashed = true;
    assert_eq!(a.broadcast_next(&mut node, 12, &mut Out::new()), None);
}

#[test]
fn a_byzantine_process_replays_each_message_once() {
    let mut a = actor(&bracha(), 4, 1, 3);
    a.behaviour = Behaviour::Byzantine;
    let mut out = Out::new();
    let mut state = Cow::Owned(a.on_start(Id::from(3), &None, &mut out));
    let out = hear(&a, &mut state, 0, data(0, 0, 0, 1000));
    // Equivocation (3 types x 3) and the replay (3).
    assert_eq!(sends(&out).len(), 12);
    let out = hear(&a, &mut state, 1, data(0, 0, 0, 1000));
    assert!(
        sends(&out).is_empty(),
        "the same message is not replayed twice"
    );
}
