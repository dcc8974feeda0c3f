//! distgen-deploy: a protocol deployed for real, one OS process per node.
//!
//! - [`keys`]: the cluster secret (`distgen keys`) and the per-link keys
//!   derived from it (HKDF-SHA256).
//! - [`peers`]: the peers file: node ids, addresses, the secret file.
//! - [`auth`]: authenticated datagrams (HMAC-SHA256 per pair of nodes) and
//!   the per-link replay window.
//! - [`transport`]: a UDP transport that authenticates every datagram, for
//!   the actor runtime of `dsl_core::actors`.
//! - [`node`]: one node (`distgen node`): the protocol's actor on that
//!   transport, with broadcasts asked for while it runs.
//! - [`cluster`]: N node processes on 127.0.0.1 (`distgen cluster`), driven
//!   and judged like `distgen run`.
//!
//! A separate crate so that `dsl-core`, which the `protocol!` macro depends
//! on, does not pull in crypto crates.
#![deny(missing_docs)]

pub mod auth;
pub mod cluster;
pub mod keys;
pub mod node;
pub mod peers;
pub mod transport;
