//! `distgen cluster`: N `distgen node` processes on 127.0.0.1, a peers file
//! and a secret in a temporary folder, broadcasts driven through the nodes'
//! standard input, and their lines put together into the report of
//! `distgen run` ([`dsl_core::actors::report::assemble`]).
//!
//! A node that vanishes without its final line (killed, or dead) is
//! [`Role::Dead`]: like a crashed one, it is not judged.
//!
//! A consensus protocol runs with one input per node instead of broadcasts
//! ([`run_consensus_cluster`]): every node proposes its input at start, the
//! run ends when every live correct node decided or handed over, and the
//! report is that of `distgen run --inputs`, judged by the same
//! [`consensus::checks`] ([`ConsensusReport::judged`]).

use crate::keys::Secret;
use crate::node::{now_us, Line};
use crate::peers::render;
use dsl_core::actors::consensus::{self, ConsensusReport, Ending};
use dsl_core::actors::report::{assemble, ProcessRecord, ProcessReport, Role, RunReport};
use dsl_core::actors::wire::Instance;
use dsl_core::actors::{RunConfig, RunError};
use dsl_core::ir::{Problem, ProtocolIr};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

/// How long the nodes have to start, and to stop after SIGTERM.
const GRACE: Duration = Duration::from_secs(10);
/// How often the coordinator wakes up without news.
const POLL: Duration = Duration::from_millis(20);
/// How many times the nodes are started on fresh ports when one could not
/// bind its own: the ports are free when picked, but another process may
/// take one before the node binds it.
const START_ATTEMPTS: usize = 3;

/// Why a cluster could not run.
#[derive(Debug, thiserror::Error)]
pub enum ClusterError {
    /// The options do not fit together.
    #[error(transparent)]
    Run(#[from] RunError),
    /// The temporary folder, a socket or a child process failed.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// A node did not start.
    #[error("node {id} did not start: {why}")]
    Start {
        /// The node.
        id: usize,
        /// Its standard error, or what happened.
        why: String,
    },
}

/// What a cluster is asked to do.
#[derive(Clone, Debug)]
pub struct ClusterConfig {
    /// The `distgen` binary that runs the nodes.
    pub binary: PathBuf,
    /// The protocol file, passed on to every node.
    pub file: PathBuf,
    /// The protocol's name when the file has several.
    pub protocol: Option<String>,
    /// N, F, who broadcasts (or, in consensus, the inputs), who crashes
    /// (after how many messages) and who is Byzantine: as for `distgen run`
    /// (its base port is not used).
    pub run: RunConfig,
    /// Nodes to SIGKILL, each once it has delivered this many instances (in
    /// consensus, 1: once it decided or handed over); 0: as soon as every
    /// node is ready.
    pub kill: BTreeMap<usize, usize>,
    /// Probability with which every node drops an incoming datagram.
    pub loss: f64,
}

/// A node's child process and what it said.
struct Member {
    child: Child,
    stdin: Option<ChildStdin>,
    ready: Option<Line>,
    deliveries: Vec<(Instance, u64, u64)>,
    broadcasts: Vec<(Instance, Vec<u64>, u64)>,
    /// Consensus: its decision or handover.
    ending: Option<Ending>,
    crashed_at: Option<u64>,
    stopped: Option<Line>,
    closed: bool,
    killed: bool,
    stderr: Option<std::thread::JoinHandle<String>>,
}

enum News {
    Line(usize, Box<Line>),
    Closed(usize),
}

impl Member {
    /// What counts towards `--kill` and the end of the run: instances
    /// delivered, or in consensus 1 once it decided or handed over.
    fn progress(&self) -> usize {
        self.deliveries.len() + usize::from(self.ending.is_some())
    }
}

/// Runs the cluster of a broadcast protocol and reports as `distgen run`
/// does.
pub fn run_cluster(ir: &ProtocolIr, config: &ClusterConfig) -> Result<RunReport, ClusterError> {
    dsl_core::problem::require(ir, Problem::Broadcast, "`cluster` with broadcasts")
        .map_err(RunError::from)?;
    if !config.run.inputs.is_empty() {
        return Err(RunError::Inputs(format!(
            "inputs are for a consensus protocol; {} is a broadcast protocol",
            ir.name
        ))
        .into());
    }
    execute(ir, config).map(|(report, _)| report)
}

/// Runs the cluster of a consensus protocol, node `p` proposing
/// `config.run.inputs[p]` (`broadcasts` and `from` are ignored), and reports
/// as `distgen run --inputs` does: each node's decision or handover, and the
/// consensus properties judged on them.
pub fn run_consensus_cluster(
    ir: &ProtocolIr,
    config: &ClusterConfig,
) -> Result<ConsensusReport, ClusterError> {
    let config = ClusterConfig {
        run: consensus::prepare(ir, &config.run, "`cluster --inputs`")?,
        ..config.clone()
    };
    let (run, endings) = execute(ir, &config)?;
    Ok(ConsensusReport::judged(run, &config.run.inputs, endings))
}

/// Runs the cluster: the run's report and what each node ended with
/// (consensus; [`Ending::Nothing`] in broadcast).
fn execute(
    ir: &ProtocolIr,
    config: &ClusterConfig,
) -> Result<(RunReport, Vec<Ending>), ClusterError> {
    let rc = &config.run;
    rc.validate()?;
    dsl_core::semantics::Machine::new(ir, rc.n, rc.f).map_err(RunError::from)?;
    if let Some(&id) = config.kill.keys().find(|&&id| id >= rc.n) {
        return Err(RunError::NoSuchProcess {
            option: "kill",
            id,
            n: rc.n,
        }
        .into());
    }
    for attempt in 1.. {
        let dir = tempfile::Builder::new()
            .prefix("distgen-cluster-")
            .tempdir()?;
        let peers = write_peers(dir.path(), rc.n)?;
        let (tx, rx) = mpsc::channel();
        let mut members = Vec::with_capacity(rc.n);
        for p in 0..rc.n {
            match spawn(config, &peers, p, tx.clone()) {
                Ok(m) => members.push(m),
                Err(e) => {
                    stop_all(&mut members);
                    return Err(e.into());
                }
            }
        }
        drop(tx);
        let result = match wait_ready(config, &mut members, &rx) {
            // `NodeError::Bind`: a port picked free was taken meanwhile.
            Err(ClusterError::Start { why, .. })
                if why.contains("cannot bind") && attempt < START_ATTEMPTS =>
            {
                None
            }
            Err(e) => Some(Err(e)),
            Ok(()) => Some(drive(ir, config, &mut members, &rx)),
        };
        stop_all(&mut members);
        if let Some(result) = result {
            return result;
        }
    }
    unreachable!("the last attempt returns")
}

/// Kills every node still running and reaps it.
fn stop_all(members: &mut [Member]) {
    for m in members {
        let _ = m.child.kill();
        let _ = m.child.wait();
    }
}

/// Picks N free ports on 127.0.0.1 and writes a secret and a peers file.
fn write_peers(dir: &Path, n: usize) -> std::io::Result<PathBuf> {
    let sockets = (0..n)
        .map(|_| UdpSocket::bind("127.0.0.1:0"))
        .collect::<std::io::Result<Vec<_>>>()?;
    let addresses = sockets
        .iter()
        .map(UdpSocket::local_addr)
        .collect::<std::io::Result<Vec<SocketAddr>>>()?;
    drop(sockets);
    Secret::generate()
        .and_then(|s| s.write(&dir.join("secret.key")))
        .map_err(std::io::Error::other)?;
    let path = dir.join("peers.toml");
    std::fs::write(&path, render(&addresses, Path::new("secret.key")))?;
    Ok(path)
}

/// Starts node `p` with its lines going to `tx`.
fn spawn(
    config: &ClusterConfig,
    peers: &Path,
    p: usize,
    tx: Sender<News>,
) -> std::io::Result<Member> {
    let rc = &config.run;
    let mut cmd = Command::new(&config.binary);
    cmd.arg("node").arg(&config.file);
    cmd.args(["--id", &p.to_string(), "--f", &rc.f.to_string(), "--json"]);
    cmd.arg("--peers").arg(peers);
    if let Some(name) = &config.protocol {
        cmd.args(["--protocol", name]);
    }
    if !rc.inputs.is_empty() {
        let inputs: Vec<String> = rc.inputs.iter().map(u64::to_string).collect();
        cmd.args(["--inputs", &inputs.join(",")]);
    }
    if rc.is_byzantine(p) {
        cmd.arg("--byzantine");
    }
    if let Some(k) = rc.crash.get(&p) {
        cmd.args(["--crash-after", &k.to_string()]);
    }
    if config.loss > 0.0 {
        cmd.args(["--loss", &config.loss.to_string()]);
    }
    cmd.args(["--max-values", &rc.limits.max_values.to_string()]);
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let stdout = child.stdout.take().expect("piped");
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if let Ok(parsed) = serde_json::from_str::<Line>(&line) {
                if tx.send(News::Line(p, Box::new(parsed))).is_err() {
                    return;
                }
            }
        }
        let _ = tx.send(News::Closed(p));
    });
    let mut stderr = child.stderr.take().expect("piped");
    let stderr = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    Ok(Member {
        stdin: child.stdin.take(),
        child,
        ready: None,
        deliveries: Vec::new(),
        broadcasts: Vec::new(),
        ending: None,
        crashed_at: None,
        stopped: None,
        closed: false,
        killed: false,
        stderr: Some(stderr),
    })
}

/// Records one piece of news; SIGKILLs a node due to die.
fn take(members: &mut [Member], news: News, kill: &BTreeMap<usize, usize>) {
    match news {
        News::Closed(p) => members[p].closed = true,
        News::Line(p, line) => {
            let m = &mut members[p];
            match *line {
                line @ Line::Ready { .. } => m.ready = Some(line),
                Line::Broadcast {
                    instance,
                    values,
                    at_us,
                } => m.broadcasts.push((instance, values, at_us)),
                Line::Deliver {
                    instance,
                    value,
                    at_us,
                    ..
                } => {
                    m.deliveries.push((instance, value, at_us));
                    kill_if_due(m, kill.get(&p));
                }
                Line::Propose { .. } => {}
                Line::Decide { value, .. } => {
                    m.ending = Some(Ending::Decided(value));
                    kill_if_due(m, kill.get(&p));
                }
                Line::Handover { value, .. } => {
                    m.ending = Some(Ending::HandedOver(value));
                    kill_if_due(m, kill.get(&p));
                }
                Line::Crashed { at_us, .. } => m.crashed_at = Some(at_us),
                line @ Line::Stopped { .. } => m.stopped = Some(line),
            }
        }
    }
}

/// SIGKILLs `m` if its progress reached `due`, the `--kill` count.
fn kill_if_due(m: &mut Member, due: Option<&usize>) {
    if due == Some(&m.progress()) && !m.killed {
        m.killed = m.child.kill().is_ok();
    }
}

/// Waits until every node is ready (its socket bound), or one failed.
fn wait_ready(
    config: &ClusterConfig,
    members: &mut [Member],
    rx: &Receiver<News>,
) -> Result<(), ClusterError> {
    let deadline = Instant::now() + GRACE;
    while members.iter().any(|m| m.ready.is_none()) {
        if let Some(p) = members.iter().position(|m| m.closed && m.ready.is_none()) {
            let why = members[p].stderr.take().and_then(|h| h.join().ok());
            return Err(ClusterError::Start {
                id: p,
                why: why.unwrap_or_default().trim().into(),
            });
        }
        match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok(news) => take(members, news, &config.kill),
            Err(_) => {
                let id = members.iter().position(|m| m.ready.is_none()).unwrap_or(0);
                return Err(ClusterError::Start {
                    id,
                    why: "no ready line in time".into(),
                });
            }
        }
    }
    Ok(())
}

/// Drives the broadcasts of ready nodes, stops the nodes, reports.
fn drive(
    ir: &ProtocolIr,
    config: &ClusterConfig,
    members: &mut [Member],
    rx: &Receiver<News>,
) -> Result<(RunReport, Vec<Ending>), ClusterError> {
    let rc = &config.run;
    for (&p, _) in config.kill.iter().filter(|(_, &k)| k == 0) {
        members[p].killed = members[p].child.kill().is_ok();
    }
    let start = Instant::now();
    let t0 = now_us();
    let schedule = rc.schedule();
    for &(instance, value) in &schedule {
        if let Some(stdin) = &mut members[instance.origin].stdin {
            // A node that died does not read: its broadcasts are lost.
            let _ = writeln!(stdin, "broadcast {value}");
        }
    }
    for m in members.iter_mut() {
        if let Some(stdin) = &mut m.stdin {
            let _ = stdin.flush();
        }
    }
    let timed_out = watch(members, rx, config, &schedule, start);
    let seconds = start.elapsed().as_secs_f64();
    for m in members.iter_mut() {
        if !m.closed {
            terminate(&m.child);
        }
    }
    let deadline = Instant::now() + GRACE;
    while members.iter().any(|m| !m.closed) && Instant::now() < deadline {
        match rx.recv_timeout(POLL) {
            Ok(news) => take(members, news, &BTreeMap::new()),
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => break,
        }
    }
    let instances: Vec<Instance> = schedule.iter().map(|(i, _)| *i).collect();
    let records = members
        .iter()
        .enumerate()
        .map(|(p, m)| record(m, p, rc, t0))
        .collect();
    let endings = members
        .iter()
        .map(|m| m.ending.unwrap_or(Ending::Nothing))
        .collect();
    Ok((
        assemble(&ir.name, rc.f, &instances, records, timed_out, seconds),
        endings,
    ))
}

/// Collects lines until every live correct node delivered every instance (in
/// consensus: decided or handed over), or nothing was heard for `quiet`, or
/// the timeout; true on the timeout.
fn watch(
    members: &mut [Member],
    rx: &Receiver<News>,
    config: &ClusterConfig,
    schedule: &[(Instance, u64)],
    start: Instant,
) -> bool {
    let rc = &config.run;
    let target = if rc.inputs.is_empty() {
        schedule.len()
    } else {
        1
    };
    let mut last_news = Instant::now();
    loop {
        let done = members.iter().enumerate().all(|(p, m)| {
            rc.is_byzantine(p)
                || m.closed
                || m.killed
                || m.crashed_at.is_some()
                || m.progress() >= target
        });
        if done || last_news.elapsed() >= rc.quiet {
            return false;
        }
        if start.elapsed() >= rc.timeout {
            return true;
        }
        match rx.recv_timeout(POLL) {
            Ok(news) => {
                take(members, news, &config.kill);
                last_news = Instant::now();
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return false,
        }
    }
}

/// Asks a child to stop (SIGTERM), so that a node prints its final counts.
pub fn terminate(child: &Child) {
    if let Ok(pid) = libc::pid_t::try_from(child.id()) {
        // SAFETY: kill(2) with a pid of our own child that has not been
        // waited for (so not reused) and a valid signal number.
        unsafe {
            libc::kill(pid, libc::SIGTERM);
        }
    }
}

/// What node `p` did, for the report; times in ms after `t0` (µs).
fn record(m: &Member, p: usize, rc: &RunConfig, t0: u64) -> ProcessRecord {
    let ms = |at: u64| at.saturating_sub(t0) as f64 / 1000.0;
    let (port, recv_buffer) = match &m.ready {
        Some(Line::Ready {
            address,
            recv_buffer,
            ..
        }) => (address.port(), *recv_buffer),
        _ => (0, 0),
    };
    let mut record = ProcessRecord {
        process: ProcessReport {
            id: p,
            port,
            recv_buffer,
            role: if rc.is_byzantine(p) {
                Role::Byzantine
            } else {
                Role::Dead
            },
            crash_after: rc.crash.get(&p).copied(),
            crashed_ms: m.crashed_at.map(ms),
            steps: 0,
            delivered: m.deliveries.len(),
            counters: Default::default(),
            socket: Default::default(),
        },
        deliveries: m
            .deliveries
            .iter()
            .map(|&(i, v, at)| (i, v, Some(ms(at))))
            .collect(),
        broadcasts: m
            .broadcasts
            .iter()
            .map(|(i, v, at)| (*i, v.clone(), Some(ms(*at))))
            .collect(),
        sent: BTreeMap::new(),
    };
    if let Some(Line::Stopped {
        crashed,
        steps,
        counters,
        socket,
        sent,
        ..
    }) = &m.stopped
    {
        let process = &mut record.process;
        if process.role != Role::Byzantine {
            process.role = if *crashed {
                Role::Crashed
            } else {
                Role::Correct
            };
        }
        process.steps = *steps;
        process.counters = counters.clone();
        process.socket = socket.clone();
        record.sent = sent.iter().copied().collect();
    }
    record
}
