//! What a run is asked to do, and what can be wrong with the request.

use super::process::RunLimits;
use super::wire::Instance;
use crate::ir::{FaultModel, ProtocolIr};
use crate::semantics::{InstanceError, ProcId, MAX_PROCESSES};
use std::collections::BTreeMap;
use std::time::Duration;

/// Why a run could not start.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The protocol cannot be instantiated at (N, F).
    #[error(transparent)]
    Instance(#[from] InstanceError),
    /// A consensus protocol: the actors run reliable broadcast only (yet).
    #[error(transparent)]
    Problem(#[from] crate::problem::Unsupported),
    /// A process id in an option is not below N.
    #[error("{option} names process {id}, but processes are 0..{n}")]
    NoSuchProcess {
        /// The option (`from`, `crash`, `byzantine`).
        option: &'static str,
        /// The id.
        id: ProcId,
        /// N.
        n: usize,
    },
    /// A process is both crashing and Byzantine.
    #[error("process {0} cannot both crash and be byzantine; pick one")]
    CrashAndByzantine(ProcId),
    /// Broadcasts were asked for but nobody broadcasts.
    #[error("{0} broadcast(s) asked for but no process to broadcast; give `from` a process")]
    NoBroadcaster(usize),
    /// The ports do not fit in 1..=65535.
    #[error("ports {base}..{base}+{n} do not fit below 65536")]
    Ports {
        /// The first port.
        base: u16,
        /// N.
        n: usize,
    },
    /// Consensus inputs that do not fit the run.
    #[error("inputs: {0}")]
    Inputs(String),
    /// A limit or period is zero or too large.
    #[error("{0}")]
    Setting(String),
    /// A socket could not be bound.
    #[error("cannot bind 127.0.0.1:{port} for process {process}: {source}")]
    Bind {
        /// The process.
        process: ProcId,
        /// The port asked for (0: any).
        port: u16,
        /// Why.
        source: std::io::Error,
    },
    /// A socket failed while running.
    #[error("process {process}: {source}")]
    Io {
        /// The process.
        process: ProcId,
        /// Why.
        source: std::io::Error,
    },
    /// A process thread panicked (a bug).
    #[error("process {0} panicked")]
    Panicked(ProcId),
}

/// A run: N processes on 127.0.0.1, who broadcasts, who fails, and bounds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunConfig {
    /// Number of processes.
    pub n: usize,
    /// Fault bound the protocol is instantiated with.
    pub f: usize,
    /// Process `p` listens on `base_port + p`; 0 lets the system choose free
    /// ports.
    pub base_port: u16,
    /// Broadcasts in all, assigned to the processes of `from` in turn.
    pub broadcasts: usize,
    /// The processes that broadcast.
    pub from: Vec<ProcId>,
    /// Processes that crash, each after this many network messages (0: at
    /// start, 1: after the first recipient of its first send, ...).
    pub crash: BTreeMap<ProcId, u64>,
    /// Byzantine processes.
    pub byzantine: Vec<ProcId>,
    /// Whether Byzantine processes know the schedule and equivocate in every
    /// instance at start, racing its origin, rather than only once they hear
    /// of it.
    pub byzantine_foresight: bool,
    /// The run stops after this long at the latest.
    pub timeout: Duration,
    /// Bounds on each process's state.
    pub limits: RunLimits,
    /// Period of the retransmission tick.
    pub resend_every: Duration,
    /// Receive buffer asked for each socket, in bytes (0: the system's
    /// default). Datagrams beyond it are lost and retransmitted.
    pub recv_buffer: usize,
    /// The run stops when no message between live processes is
    /// unacknowledged and nothing happened for this long.
    pub quiet: Duration,
    /// Consensus: process `p` proposes `inputs[p]` (0 or 1) at start; empty
    /// for broadcast.
    pub inputs: Vec<u64>,
}

impl RunConfig {
    /// N processes, F faults, one broadcast from process 0, no failures,
    /// free ports, 4 MiB receive buffers, 10 s timeout.
    pub fn new(n: usize, f: usize) -> RunConfig {
        RunConfig {
            n,
            f,
            base_port: 0,
            broadcasts: 1,
            from: vec![0],
            crash: BTreeMap::new(),
            byzantine: Vec::new(),
            byzantine_foresight: true,
            timeout: Duration::from_secs(10),
            limits: RunLimits::default(),
            resend_every: Duration::from_millis(10),
            recv_buffer: 4 << 20,
            quiet: Duration::from_millis(50),
            inputs: Vec::new(),
        }
    }

    /// A demonstration of `ir` under its own fault model: the smallest N >= 4
    /// it allows with F = 1 (F = 0 for `faults: none`), two broadcasts from
    /// every process, and F faulty processes: Byzantine ones with the highest
    /// ids, or crashing ones with the lowest, each after one message (in the
    /// middle of its first `send to all`).
    pub fn for_protocol(ir: &ProtocolIr) -> Result<RunConfig, RunError> {
        let (n, f) = default_size(ir, None).ok_or_else(|| {
            RunError::Setting(format!(
                "{} allows no N <= {MAX_PROCESSES} with F = 1 or F = 0",
                ir.name
            ))
        })?;
        let mut config = RunConfig::new(n, f);
        config.from = (0..n).collect();
        config.broadcasts = 2 * n;
        match ir.faults {
            FaultModel::None => {}
            FaultModel::Crash => config.crash = (0..f).map(|p| (p, 1)).collect(),
            FaultModel::Byzantine => config.byzantine = (n - f..n).collect(),
        }
        Ok(config)
    }

    /// Checks ids and settings against each other.
    pub fn validate(&self) -> Result<(), RunError> {
        let n = self.n;
        let check = |option, ids: Vec<ProcId>| {
            ids.into_iter()
                .find(|&id| id >= n)
                .map_or(Ok(()), |id| Err(RunError::NoSuchProcess { option, id, n }))
        };
        check("from", self.from.clone())?;
        check("crash", self.crash.keys().copied().collect())?;
        check("byzantine", self.byzantine.clone())?;
        if let Some(&p) = self.byzantine.iter().find(|p| self.crash.contains_key(p)) {
            return Err(RunError::CrashAndByzantine(p));
        }
        if self.broadcasts > 0 && self.from.is_empty() {
            return Err(RunError::NoBroadcaster(self.broadcasts));
        }
        if self.base_port != 0 && usize::from(self.base_port) + n > 65_536 {
            return Err(RunError::Ports {
                base: self.base_port,
                n,
            });
        }
        if !(1..=super::intern::MAX_VALUES).contains(&self.limits.max_values) {
            return Err(RunError::Setting(format!(
                "max_values must be in 1..={}",
                super::intern::MAX_VALUES
            )));
        }
        if !self.inputs.is_empty() && self.inputs.len() != n {
            return Err(RunError::Inputs(format!(
                "{} given, one per process needed (N = {n})",
                self.inputs.len()
            )));
        }
        if let Some(v) = self.inputs.iter().find(|&&v| v > 1) {
            return Err(RunError::Inputs(format!("{v} is not 0 or 1")));
        }
        if self.limits.max_instances == 0 || self.resend_every.is_zero() {
            return Err(RunError::Setting(
                "max_instances and resend_every must be positive".into(),
            ));
        }
        Ok(())
    }

    /// Whether `p` is Byzantine.
    pub fn is_byzantine(&self, p: ProcId) -> bool {
        self.byzantine.contains(&p)
    }

    /// The broadcasts: instance and value, in the order they are assigned.
    pub fn schedule(&self) -> Vec<(Instance, u64)> {
        let mut next = BTreeMap::<ProcId, u32>::new();
        (0..self.broadcasts)
            .filter_map(|k| {
                let origin = *self.from.get(k % self.from.len().max(1))?;
                let seq = next.entry(origin).or_insert(0);
                let instance = Instance { origin, seq: *seq };
                *seq += 1;
                Some((instance, honest_value(instance)))
            })
            .collect()
    }
}

/// The value a correct origin broadcasts in `instance`: `1000 * (origin + 1)
/// + seq`, so a table shows whose it is.
pub fn honest_value(instance: Instance) -> u64 {
    1000 * (instance.origin as u64 + 1) + u64::from(instance.seq)
}

/// (N, F) for a run of `ir`: N as given or the smallest N >= 4 that works;
/// F = 0 under `faults: none`, else 1 if allowed, else the largest allowed.
pub fn default_size(ir: &ProtocolIr, n: Option<usize>) -> Option<(usize, usize)> {
    let f_at = |n: usize| -> Option<usize> {
        match ir.faults {
            FaultModel::None => ir.allows(n, 0).then_some(0),
            _ if ir.allows(n, 1) => Some(1),
            _ => (0..n).rev().find(|&f| ir.allows(n, f)),
        }
    };
    match n {
        Some(n) => f_at(n).map(|f| (n, f)),
        None => (4..=MAX_PROCESSES)
            .find_map(|n| {
                f_at(n)
                    .filter(|&f| f > 0 || ir.faults == FaultModel::None)
                    .map(|f| (n, f))
            })
            .or_else(|| (1..=MAX_PROCESSES).find_map(|n| f_at(n).map(|f| (n, f)))),
    }
}
