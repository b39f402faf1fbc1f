//! Server settings, resolved from the config file and its overrides (`crate::settings`).

use std::net::{Ipv6Addr, SocketAddr};
use std::path::PathBuf;

/// Port 8000 on every interface of both IP families (`[::]`, bound dual-stack by
/// [`crate::listen::bind`]), as flytekit's connector listens: what Flyte's connector chart, its
/// Service and its readiness probe assume.
pub const DEFAULT_LISTEN: SocketAddr =
    SocketAddr::new(std::net::IpAddr::V6(Ipv6Addr::UNSPECIFIED), 8000);

/// 16 MiB. tonic's own default (4 MiB) would reject a CreateTask whose inline inputs are large;
/// responses stay far below either limit, and propeller itself accepts at most 4 MiB.
pub const DEFAULT_MAX_MESSAGE_BYTES: usize = 16 * 1024 * 1024;

/// How the agent server listens.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerConfig {
    /// Address and port of the gRPC server.
    pub listen: SocketAddr,
    /// Largest gRPC message accepted or sent, in bytes (larger ones fail with RESOURCE_EXHAUSTED).
    pub max_message_bytes: usize,
    /// Caps on what one request may make the backend decode.
    pub limits: crate::limits::Limits,
    /// Serve TLS instead of plaintext (propeller's `insecure: false`).
    pub tls: Option<TlsConfig>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            listen: DEFAULT_LISTEN,
            max_message_bytes: DEFAULT_MAX_MESSAGE_BYTES,
            limits: crate::limits::Limits::default(),
            tls: None,
        }
    }
}

/// PEM files of the server's certificate chain and private key, and optionally of the CA whose
/// client certificates the server requires (mutual TLS).
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TlsConfig {
    /// PEM certificate chain; enables TLS together with `--tls-key`.
    pub cert_path: PathBuf,
    /// PEM private key; enables TLS together with `--tls-cert`.
    pub key_path: PathBuf,
    /// PEM certificates of the CAs that sign client certificates: with it, a caller without a
    /// certificate signed by one of them is refused in the TLS handshake, before any RPC.
    #[serde(default)]
    pub client_ca_path: Option<PathBuf>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_yaml_file_may_set_only_some_fields() {
        let config: ServerConfig = serde_norway::from_str("max_message_bytes: 1024\n").unwrap();
        assert_eq!(
            config,
            ServerConfig {
                max_message_bytes: 1024,
                ..ServerConfig::default()
            }
        );
    }
}
