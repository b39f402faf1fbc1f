//! Runtime of generated Flyte backend plugins: serves Flyte's agent (connector) protocol over
//! gRPC for any [`Backend`], so the generated crate holds only plugin-specific code.
//!
//! - [`proto`]: a wire-compatible subset of flyteidl 1.16 (messages, clients, servers).
//! - [`Backend`]: what a plugin implements (create, get, delete a task).
//! - [`serve`]: `AsyncAgentService`, `AgentMetadataService` and gRPC health on one port, with
//!   message-size limits, optional TLS and graceful shutdown ([`shutdown_signal`]).
//! - [`init_logging`]: text or JSON logs.
//!
//! Nothing here knows about SageMaker or any other concrete backend.

pub mod backend;
pub mod config;
pub mod listen;
pub mod logging;
pub mod proto;
pub mod server;
pub mod shutdown;

pub use backend::{Backend, TaskTypeInfo};
pub use config::{ServerConfig, TlsConfig};
pub use logging::{LogFormat, LoggingError, init_logging};
pub use proto::FLYTEIDL_DESCRIPTOR_SET;
pub use proto::flyteidl::{admin, core};
pub use server::{ServeError, serve, serve_on};
pub use shutdown::shutdown_signal;
pub mod container;
pub mod echo;
pub mod limits;
pub mod msgpack_check;
pub mod wire;
pub mod cr;
pub mod decode;
pub mod inputs;
pub mod naming;
pub mod plugin;
pub mod validate;
pub mod agent;
pub mod allowlist;
pub mod metrics;
pub mod settings;
pub mod resource_meta;
pub mod retry;
pub mod store;

pub mod kube_store;
pub mod run;
pub use run::run;
