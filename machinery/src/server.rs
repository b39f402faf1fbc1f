//! The agent gRPC server: `AsyncAgentService` (delegating to a [`Backend`]),
//! `AgentMetadataService` (discovery) and `grpc.health.v1.Health`, on one port, until a shutdown
//! future resolves.

mod async_agent;
mod guard;
mod metadata;

use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use tokio::net::TcpListener;
use tonic::transport::server::TcpIncoming;
use tonic::transport::{Certificate, Identity, Server, ServerTlsConfig};
use tonic_health::ServingStatus;

pub use metadata::{TaskTypeError, agent_entry_name};

use crate::backend::Backend;
use crate::config::{ServerConfig, TlsConfig};
use crate::proto::flyteidl::service::agent_metadata_service_server::{
    self as metadata_server, AgentMetadataServiceServer,
};
use crate::proto::flyteidl::service::async_agent_service_server::{
    self as async_server, AsyncAgentServiceServer,
};

/// Why the server could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("cannot read TLS file {path}: {source}")]
    ReadTls {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("invalid task types: {0}")]
    TaskTypes(#[from] TaskTypeError),
    #[error("gRPC transport: {0}")]
    Transport(#[from] tonic::transport::Error),
}

/// Full names of the services answered with SERVING, besides the overall server (`""`), which
/// is what a kubelet gRPC probe without a service name asks for. The same set flytekit's
/// connector registers, minus the sync service this server does not offer.
pub const HEALTH_SERVICE_NAMES: [&str; 3] = [
    async_server::SERVICE_NAME,
    metadata_server::SERVICE_NAME,
    tonic_health::pb::health_server::SERVICE_NAME,
];

/// Binds `config.listen` and serves until `shutdown` resolves (see
/// [`crate::shutdown_signal`]); in-flight calls then finish before this returns.
pub async fn serve<B: Backend>(
    backend: Arc<B>,
    config: ServerConfig,
    shutdown: impl Future<Output = ()> + Send,
) -> Result<(), ServeError> {
    let listener = crate::listen::bind(config.listen)
        .await
        .map_err(|source| ServeError::Bind {
            addr: config.listen,
            source,
        })?;
    serve_on(listener, backend, config, shutdown).await
}

/// Like [`serve`], on a listener the caller bound already (`config.listen` is ignored). Lets
/// tests bind port 0 and learn the port before the server runs.
pub async fn serve_on<B: Backend>(
    listener: TcpListener,
    backend: Arc<B>,
    config: ServerConfig,
    shutdown: impl Future<Output = ()> + Send,
) -> Result<(), ServeError> {
    // Validated before anything is served, so a bad plugin fails at start-up, not at discovery.
    let agents = metadata::advertised_agents(backend.agent_name(), backend.task_types())?;
    let agent_names: Vec<String> = agents.iter().map(|a| a.name.clone()).collect();

    let mut builder = Server::builder();
    if let Some(tls) = &config.tls {
        builder = builder.tls_config(load_tls(tls)?)?;
    }

    let (reporter, health) = tonic_health::server::health_reporter();
    for name in HEALTH_SERVICE_NAMES {
        reporter
            .set_service_status(name, ServingStatus::Serving)
            .await;
    }

    let limit = config.max_message_bytes;
    let async_agent = AsyncAgentServiceServer::new(async_agent::AsyncAgent::new(backend))
        .max_decoding_message_size(limit)
        .max_encoding_message_size(limit);
    let async_agent = guard::Guarded::new(async_agent, config.limits.clone(), limit);
    let metadata = AgentMetadataServiceServer::new(metadata::MetadataService::new(agents))
        .max_decoding_message_size(limit)
        .max_encoding_message_size(limit);

    let local_addr = listener.local_addr().ok();
    tracing::info!(
        addr = ?local_addr,
        tls = config.tls.is_some(),
        mutual_tls = config.tls.as_ref().is_some_and(|t| t.client_ca_path.is_some()),
        agents = ?agent_names,
        "agent server listening"
    );
    builder
        .add_service(health)
        .add_service(async_agent)
        .add_service(metadata)
        // TCP_NODELAY: tonic sets it only on listeners it binds itself. Without it Nagle holds
        // each response's DATA frame until the client ACKs the HEADERS frame, which a client
        // with delayed ACKs does after ~40 ms: every call would take ~40 ms on loopback.
        .serve_with_incoming_shutdown(TcpIncoming::from(listener).with_nodelay(Some(true)), shutdown)
        .await?;
    tracing::info!("agent server stopped");
    Ok(())
}

fn load_tls(tls: &TlsConfig) -> Result<ServerTlsConfig, ServeError> {
    let read = |path: &PathBuf| {
        std::fs::read(path).map_err(|source| ServeError::ReadTls {
            path: path.clone(),
            source,
        })
    };
    let identity = Identity::from_pem(read(&tls.cert_path)?, read(&tls.key_path)?);
    let config = ServerTlsConfig::new().identity(identity);
    // With a client CA, a client certificate is required (tonic's default once a root is set):
    // a caller without one signed by that CA fails the handshake and reaches no RPC.
    Ok(match &tls.client_ca_path {
        Some(ca) => config.client_ca_root(Certificate::from_pem(read(ca)?)),
        None => config,
    })
}
