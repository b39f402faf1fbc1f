//! Server settings, readable from command-line flags and environment variables (clap) or from a
//! config file (serde). The generated plugin's `main` flattens [`ServerConfig`] into its CLI.

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
#[derive(Debug, Clone, PartialEq, Eq, clap::Args, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerConfig {
    /// Address and port of the gRPC server.
    #[arg(long, env = "AGENT_LISTEN", default_value_t = DEFAULT_LISTEN)]
    pub listen: SocketAddr,
    /// Largest gRPC message accepted or sent, in bytes (larger ones fail with RESOURCE_EXHAUSTED).
    #[arg(long, env = "AGENT_MAX_MESSAGE_BYTES", default_value_t = DEFAULT_MAX_MESSAGE_BYTES)]
    pub max_message_bytes: usize,
    /// Caps on what one request may make the backend decode.
    #[command(flatten)]
    pub limits: crate::limits::Limits,
    /// Serve TLS instead of plaintext (propeller's `insecure: false`).
    #[command(flatten)]
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
#[derive(Debug, Clone, PartialEq, Eq, clap::Args, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TlsConfig {
    /// PEM certificate chain; enables TLS together with `--tls-key`.
    // Not required on its own: clap treats the flattened Option<TlsConfig> as absent when
    // neither flag is given, and `requires` insists on the pair when one is.
    #[arg(
        long = "tls-cert",
        env = "AGENT_TLS_CERT",
        required = false,
        requires = "key_path"
    )]
    pub cert_path: PathBuf,
    /// PEM private key; enables TLS together with `--tls-cert`.
    #[arg(
        long = "tls-key",
        env = "AGENT_TLS_KEY",
        required = false,
        requires = "cert_path"
    )]
    pub key_path: PathBuf,
    /// PEM certificates of the CAs that sign client certificates: with it, a caller without a
    /// certificate signed by one of them is refused in the TLS handshake, before any RPC.
    #[arg(
        long = "tls-client-ca",
        env = "AGENT_TLS_CLIENT_CA",
        required = false,
        requires = "cert_path"
    )]
    #[serde(default)]
    pub client_ca_path: Option<PathBuf>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Debug, Parser)]
    struct Cli {
        #[command(flatten)]
        server: ServerConfig,
    }

    fn parse(args: &[&str]) -> Result<ServerConfig, clap::Error> {
        Cli::try_parse_from(std::iter::once("agent").chain(args.iter().copied())).map(|c| c.server)
    }

    #[test]
    fn no_flags_give_the_defaults() {
        // Env vars of the same names would leak in here; none are set in the test environment.
        assert_eq!(parse(&[]).unwrap(), ServerConfig::default());
    }

    #[test]
    fn both_tls_flags_enable_tls() {
        let config = parse(&[
            "--tls-cert",
            "c.pem",
            "--tls-key",
            "k.pem",
            "--listen",
            "127.0.0.1:9",
        ])
        .unwrap();
        assert_eq!(
            config.tls,
            Some(TlsConfig {
                cert_path: "c.pem".into(),
                key_path: "k.pem".into(),
                client_ca_path: None,
            })
        );
        assert_eq!(config.listen, "127.0.0.1:9".parse().unwrap());
    }

    #[test]
    fn a_client_ca_requires_mutual_tls_on_top_of_tls() {
        let config = parse(&["--tls-cert", "c.pem", "--tls-key", "k.pem", "--tls-client-ca", "ca.pem"]).unwrap();
        assert_eq!(config.tls.unwrap().client_ca_path, Some("ca.pem".into()));
        assert!(parse(&["--tls-client-ca", "ca.pem"]).is_err(), "a client CA without a server certificate");
    }

    #[test]
    fn a_tls_cert_without_a_key_is_rejected() {
        assert!(parse(&["--tls-cert", "c.pem"]).is_err());
    }

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
