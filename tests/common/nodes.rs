//! `distgen node` processes started by a test, and their lines.

use deploy::node::Line;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// A node process and its parsed lines; killed when dropped (a failed test
/// leaves no process behind).
pub struct NodeProcess {
    /// The process (its standard input is piped).
    pub child: Child,
    /// Its standard output, one parsed JSON line each.
    pub lines: mpsc::Receiver<Line>,
}

impl Drop for NodeProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `distgen node FILE --id ID --json EXTRA... --peers PEERS`, from the
/// repository root.
pub fn start_node(file: &str, peers: &Path, id: usize, extra: &[&str]) -> NodeProcess {
    let mut child = Command::new(env!("CARGO_BIN_EXE_distgen"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["node", file, "--id", &id.to_string(), "--json"])
        .args(extra)
        .arg("--peers")
        .arg(peers)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("distgen node starts");
    let stdout = child.stdout.take().expect("piped");
    let (tx, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx
                .send(serde_json::from_str(&line).expect("a JSON line"))
                .is_err()
            {
                return;
            }
        }
    });
    NodeProcess { child, lines }
}

/// The lines of `node` up to the first that satisfies `pred`, that one
/// last, within 30 s.
pub fn lines_until(node: &NodeProcess, mut pred: impl FnMut(&Line) -> bool) -> Vec<Line> {
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut lines = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let line = node.lines.recv_timeout(left).expect("a line in time");
        let done = pred(&line);
        lines.push(line);
        if done {
            return lines;
        }
    }
}

/// The next line of `node` satisfying `pred`, within 30 s.
pub fn wait_for(node: &NodeProcess, pred: impl FnMut(&Line) -> bool) -> Line {
    lines_until(node, pred).pop().expect("the line found")
}
