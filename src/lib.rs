//! A Rust re-implementation of the Arkouda server, wire-compatible with Arkouda's
//! Python client.
//!
//! The binary (`src/main.rs`) only loads a [`config::Config`] and hands it to
//! [`server::Server`]; everything else lives in this library:
//!
//! * [`config`]: the flag table, the TOML config file and the environment;
//! * [`protocol`]: request parsing, argument decoding and reply encoding (no I/O);
//! * [`daemons`]: the ZeroMQ loops, one file per daemon type;
//! * [`commands`]: the handlers, one file per command family, in one command map;
//! * [`dist`]: the ranks of a distributed server and how commands meet across them;
//! * [`integration`]: Kubernetes registration of the INTEGRATION daemon type;
//! * [`state`]: what the daemons share (symbol table, memory, activity, metrics).

pub mod activity;
pub mod alloc;
pub mod auth;
pub mod banner;
pub mod checkpoint;
pub mod commands;
pub mod config;
pub mod daemons;
pub mod dist;
pub mod error;
pub mod integration;
pub mod kernels;
pub mod logging;
pub mod machine;
pub mod memory;
pub mod metrics;
pub mod protocol;
pub mod server;
pub mod state;
pub mod symbol_table;
