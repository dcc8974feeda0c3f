//! The peers file: every node's id and address, and the secret the link keys
//! come from.
//!
//! ```toml
//! # distgen peers file
//! secret = "cluster.key"        # relative to this file; `distgen keys` writes one
//!
//! [[node]]
//! id = 0
//! address = "10.0.0.1:7000"     # host:port, where node 0 listens
//!
//! [[node]]
//! id = 1
//! address = "10.0.0.2:7000"
//! ```
//!
//! Ids are 0..N without gaps (they are the protocol's process ids), every
//! address appears once, and the secret file exists and is well-formed.

use crate::keys::{KeyError, Secret};
use dsl_core::semantics::MAX_PROCESSES;
use serde::{Deserialize, Serialize};
use std::net::{SocketAddr, ToSocketAddrs};
use std::path::{Path, PathBuf};

/// What is wrong with a peers file.
#[derive(Debug, thiserror::Error)]
pub enum PeersError {
    /// It cannot be read.
    #[error("cannot read the peers file {path}: {error}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        error: std::io::Error,
    },
    /// It is not TOML of the expected shape.
    #[error("peers file {path}: {error}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// Why.
        error: toml::de::Error,
    },
    /// It lists no node, or more than the protocols allow.
    #[error("peers file {path}: {count} node(s); a cluster has 1 to {MAX_PROCESSES}")]
    Count {
        /// The file.
        path: PathBuf,
        /// How many nodes.
        count: usize,
    },
    /// Two nodes have the same id.
    #[error("peers file {path}: node id {id} appears twice")]
    DuplicateId {
        /// The file.
        path: PathBuf,
        /// The id.
        id: usize,
    },
    /// An id in 0..N is missing.
    #[error("peers file {path}: ids must be 0..{n} without gaps, but {id} is missing")]
    MissingId {
        /// The file.
        path: PathBuf,
        /// The missing id.
        id: usize,
        /// N.
        n: usize,
    },
    /// Two nodes have the same address.
    #[error("peers file {path}: nodes {a} and {b} both have address {address}")]
    DuplicateAddress {
        /// The file.
        path: PathBuf,
        /// The address.
        address: SocketAddr,
        /// One node.
        a: usize,
        /// The other.
        b: usize,
    },
    /// An address does not resolve.
    #[error("peers file {path}: node {id}: address `{address}` is not a host:port that resolves")]
    Address {
        /// The file.
        path: PathBuf,
        /// The node.
        id: usize,
        /// The address as written.
        address: String,
    },
    /// The node asked for is not in the file.
    #[error("peers file {path}: no node with id {id} (ids are 0..{n})")]
    UnknownId {
        /// The file.
        path: PathBuf,
        /// The id asked for.
        id: usize,
        /// N.
        n: usize,
    },
    /// The secret file is missing or malformed.
    #[error("peers file {path}: {error}")]
    Secret {
        /// The peers file.
        path: PathBuf,
        /// Why.
        error: KeyError,
    },
}

/// The file as written.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct PeersFile {
    secret: PathBuf,
    node: Vec<NodeEntry>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct NodeEntry {
    id: usize,
    address: String,
}

/// A checked peers file.
#[derive(Debug)]
pub struct Peers {
    /// Node `p` listens on `addresses[p]`.
    pub addresses: Vec<SocketAddr>,
    /// The cluster's secret.
    pub secret: Secret,
    /// Where the secret came from.
    pub secret_path: PathBuf,
}

impl Peers {
    /// Reads and checks a peers file; a relative secret path is taken from
    /// the peers file's folder.
    pub fn load(path: &Path) -> Result<Peers, PeersError> {
        let p = || path.to_path_buf();
        let text =
            std::fs::read_to_string(path).map_err(|error| PeersError::Read { path: p(), error })?;
        let file: PeersFile =
            toml::from_str(&text).map_err(|error| PeersError::Parse { path: p(), error })?;
        let n = file.node.len();
        if !(1..=MAX_PROCESSES).contains(&n) {
            return Err(PeersError::Count {
                path: p(),
                count: n,
            });
        }
        let mut slots: Vec<Option<&NodeEntry>> = vec![None; n];
        for entry in &file.node {
            match slots.get_mut(entry.id) {
                Some(Some(_)) => {
                    return Err(PeersError::DuplicateId {
                        path: p(),
                        id: entry.id,
                    })
                }
                Some(slot) => *slot = Some(entry),
                None => {
                    let id = (0..n)
                        .find(|&i| file.node.iter().all(|e| e.id != i))
                        .unwrap_or(0);
                    return Err(PeersError::MissingId { path: p(), id, n });
                }
            }
        }
        let mut addresses: Vec<SocketAddr> = Vec::with_capacity(n);
        for (id, entry) in slots.into_iter().enumerate() {
            let entry = entry.ok_or(PeersError::MissingId { path: p(), id, n })?;
            let address = entry
                .address
                .to_socket_addrs()
                .ok()
                .and_then(|mut a| a.next())
                .ok_or_else(|| PeersError::Address {
                    path: p(),
                    id,
                    address: entry.address.clone(),
                })?;
            if let Some(a) = addresses.iter().position(|&x| x == address) {
                return Err(PeersError::DuplicateAddress {
                    path: p(),
                    address,
                    a,
                    b: id,
                });
            }
            addresses.push(address);
        }
        let secret_path = match path.parent() {
            Some(dir) => dir.join(&file.secret),
            None => file.secret.clone(),
        };
        let secret =
            Secret::read(&secret_path).map_err(|error| PeersError::Secret { path: p(), error })?;
        Ok(Peers {
            addresses,
            secret,
            secret_path,
        })
    }

    /// N.
    pub fn n(&self) -> usize {
        self.addresses.len()
    }

    /// Checks that node `id` is in the file (`path` for the message).
    pub fn check_id(&self, id: usize, path: &Path) -> Result<(), PeersError> {
        if id < self.n() {
            Ok(())
        } else {
            Err(PeersError::UnknownId {
                path: path.into(),
                id,
                n: self.n(),
            })
        }
    }
}

/// The text of a peers file for `addresses` (node `p` at `addresses[p]`)
/// with the secret file `secret`.
pub fn render(addresses: &[SocketAddr], secret: &Path) -> String {
    let file = PeersFile {
        secret: secret.into(),
        node: addresses
            .iter()
            .enumerate()
            .map(|(id, a)| NodeEntry {
                id,
                address: a.to_string(),
            })
            .collect(),
    };
    let body = toml::to_string(&file).expect("a peers file serialises");
    format!(
        "# distgen peers file: node ids, addresses, and the secret the link keys come from\n{body}"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setup(peers: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        Secret::from_bytes([1; 32])
            .write(&dir.path().join("k.key"))
            .unwrap();
        let path = dir.path().join("peers.toml");
        std::fs::write(&path, peers).unwrap();
        (dir, path)
    }

    #[test]
    fn a_rendered_file_loads_back() {
        let addresses: Vec<SocketAddr> = ["127.0.0.1:7000", "127.0.0.1:7001", "[::1]:7000"]
            .iter()
            .map(|a| a.parse().unwrap())
            .collect();
        let (_dir, path) = setup(&render(&addresses, Path::new("k.key")));
        let peers = Peers::load(&path).unwrap();
        assert_eq!(peers.addresses, addresses);
        assert_eq!(peers.secret, Secret::from_bytes([1; 32]));
        assert!(peers.check_id(2, &path).is_ok());
        assert!(matches!(
            peers.check_id(3, &path),
            Err(PeersError::UnknownId { id: 3, n: 3, .. })
        ));
    }

    #[test]
    fn errors_name_what_is_wrong() {
        let node = |id: usize, a: &str| format!("[[node]]\nid = {id}\naddress = \"{a}\"\n");
        let cases = [
            (
                format!(
                    "secret = \"k.key\"\n{}{}",
                    node(0, "127.0.0.1:1"),
                    node(0, "127.0.0.1:2")
                ),
                "appears twice",
            ),
            (
                format!(
                    "secret = \"k.key\"\n{}{}",
                    node(0, "127.0.0.1:1"),
                    node(2, "127.0.0.1:2")
                ),
                "1 is missing",
            ),
            (
                format!(
                    "secret = \"k.key\"\n{}{}",
                    node(0, "127.0.0.1:1"),
                    node(1, "127.0.0.1:1")
                ),
                "both have address",
            ),
            (
                format!("secret = \"k.key\"\n{}", node(0, "no port")),
                "not a host:port",
            ),
            (
                format!("secret = \"nope.key\"\n{}", node(0, "127.0.0.1:1")),
                "cannot read the secret file",
            ),
            ("secret = \"k.key\"\nnode = []\n".to_string(), "0 node(s)"),
            (
                format!("secret = \"k.key\"\nfoo = 1\n{}", node(0, "127.0.0.1:1")),
                "unknown field",
            ),
        ];
        for (text, expected) in cases {
            let (_dir, path) = setup(&text);
            let e = Peers::load(&path).unwrap_err().to_string();
            assert!(e.contains(expected), "{e}\nfor\n{text}");
        }
    }
}
