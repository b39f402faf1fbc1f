//! The backend configuration: a YAML file plus environment overrides.
//!
//! Precedence, lowest first: built-in defaults, the file given with `--config`, then `AGENT_*`
//! environment variables (so a Deployment can change one value without a new ConfigMap), then
//! command-line flags. Flags and variables are one clap argument each ([`Overrides`]).

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use crate::agent::AgentSettings;
use crate::config::{ServerConfig, TlsConfig};
use crate::logging::LogFormat;
use crate::plugin::{PluginDef, PluginSettings};
use crate::resource_meta::Signer;

/// The configuration file, as written in YAML (camelCase keys).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct FileConfig {
    /// Target id: which controller family's objects to create (`ack`, `operator`, ...).
    pub target: Option<String>,
    /// Region for tasks that set none.
    pub region: Option<String>,
    /// IAM role for tasks whose execution names none.
    pub default_role_arn: Option<String>,
    /// Execution annotation that may hold the role, e.g. the annotation an identity webhook reads.
    pub role_annotation_key: Option<String>,
    /// Prebuilt algorithm images: algorithm -> region -> version -> image. Versions are text:
    /// quote them in YAML (`"0.90"`), or a bare 0.90 would be the number 0.9.
    pub images: BTreeMap<String, BTreeMap<String, BTreeMap<String, String>>>,
    /// Namespaces to watch; empty watches all (the RBAC must match).
    pub namespaces: Vec<String>,
    /// Admitted values per namespace (or `"*"`) and list: `{team-a: {iam_roles: [...]}}`.
    pub allowlists: crate::allowlist::Allowlists,
    /// Seconds after GetTask reported a finished object's result before the object is deleted.
    pub gc_ttl_seconds: Option<u64>,
    /// Seconds after which a finished object whose result was never reported is deleted.
    pub gc_unreported_ttl_seconds: Option<u64>,
    /// Seconds CreateTask may spend retrying the Kubernetes API (below propeller's deadline).
    pub create_budget_seconds: Option<f64>,
    /// Seconds GetTask may spend reading an object the watch cache has not seen yet.
    pub get_budget_seconds: Option<f64>,
    /// Seconds a succeeded job may wait for readable outputs before it fails.
    pub outputs_grace_seconds: Option<u64>,
    /// File holding the key that signs `resource_meta` (a mounted Secret); required.
    pub resource_meta_key_file: Option<PathBuf>,
    /// File holding the previous key, still accepted during a rotation; a missing file is none.
    pub resource_meta_previous_key_file: Option<PathBuf>,
    /// gRPC server settings.
    pub server: Option<ServerFile>,
    /// Address of the Prometheus `/metrics` endpoint.
    pub metrics_listen: Option<SocketAddr>,
    /// `text` or `json`.
    pub log_format: Option<LogFormat>,
    /// Caps on what one request may make the backend decode (see `machinery/src/limits.rs`).
    pub limits: Option<crate::limits::Limits>,
    /// The plugin's own settings, by the names its proto declares (`Plugin.settings`); checked
    /// against them when the backend starts.
    pub settings: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct ServerFile {
    pub listen: Option<SocketAddr>,
    pub max_message_bytes: Option<usize>,
    pub tls_cert: Option<PathBuf>,
    pub tls_key: Option<PathBuf>,
    /// CA certificates (PEM) of the clients: set, every caller must present a certificate
    /// signed by one of them (mutual TLS).
    pub tls_client_ca: Option<PathBuf>,
}

/// Everything the backend process needs, resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub agent: AgentSettings,
    /// `settings:` of the file as written; [`Settings::for_plugin`] checks and resolves them.
    pub plugin_settings: BTreeMap<String, String>,
    pub namespaces: Option<Vec<String>>,
    pub server: ServerConfig,
    pub metrics_listen: SocketAddr,
    pub log_format: LogFormat,
}

/// Every interface of both IP families, like the gRPC server (see [`crate::listen::bind`]).
pub const DEFAULT_METRICS_LISTEN: &str = "[::]:9090";

/// Overrides of the config file's keys: one flag per key, each also read from its `AGENT_*`
/// environment variable (clap's `env`), so `--help` lists both and nothing keeps a second table.
/// Precedence: the flag, then the variable, then the file, then the built-in default. Every field
/// is an `Option` without a clap default, so an absent flag leaves the file's value alone.
#[derive(Debug, Clone, Default, PartialEq, clap::Args)]
pub struct Overrides {
    /// Which target's objects to create (`target`).
    #[arg(long, env = "AGENT_TARGET", value_name = "ID")]
    pub target: Option<String>,
    /// Region for tasks that set none (`region`).
    #[arg(long, env = "AGENT_REGION", value_name = "REGION")]
    pub region: Option<String>,
    /// IAM role for tasks whose execution names none (`defaultRoleArn`).
    #[arg(long, env = "AGENT_DEFAULT_ROLE_ARN", value_name = "ARN")]
    pub default_role_arn: Option<String>,
    /// Execution annotation that may hold the role (`roleAnnotationKey`).
    #[arg(long, env = "AGENT_ROLE_ANNOTATION_KEY", value_name = "KEY")]
    pub role_annotation_key: Option<String>,
    /// The only namespaces watched and acted in, comma-separated; empty: all (`namespaces`).
    #[arg(long, env = "AGENT_NAMESPACES", value_name = "NAMESPACES", value_delimiter = ',')]
    pub namespaces: Option<Vec<String>>,
    /// Seconds after GetTask reported a finished object's result before it is deleted (`gcTtlSeconds`).
    #[arg(long, env = "AGENT_GC_TTL_SECONDS", value_name = "SECONDS")]
    pub gc_ttl_seconds: Option<u64>,
    /// Seconds after which a finished object whose result was never reported is deleted (`gcUnreportedTtlSeconds`).
    #[arg(long, env = "AGENT_GC_UNREPORTED_TTL_SECONDS", value_name = "SECONDS")]
    pub gc_unreported_ttl_seconds: Option<u64>,
    /// Seconds CreateTask may spend retrying the Kubernetes API (`createBudgetSeconds`).
    #[arg(long, env = "AGENT_CREATE_BUDGET_SECONDS", value_name = "SECONDS")]
    pub create_budget_seconds: Option<f64>,
    /// Seconds GetTask may spend reading an object the watch cache has not seen yet (`getBudgetSeconds`).
    #[arg(long, env = "AGENT_GET_BUDGET_SECONDS", value_name = "SECONDS")]
    pub get_budget_seconds: Option<f64>,
    /// Seconds a succeeded job may wait for readable outputs before it fails (`outputsGraceSeconds`).
    #[arg(long, env = "AGENT_OUTPUTS_GRACE_SECONDS", value_name = "SECONDS")]
    pub outputs_grace_seconds: Option<u64>,
    /// File holding the key that signs `resource_meta`; required (`resourceMetaKeyFile`).
    #[arg(long, env = "AGENT_RESOURCE_META_KEY_FILE", value_name = "FILE")]
    pub resource_meta_key_file: Option<PathBuf>,
    /// File holding the previous key, accepted during a rotation (`resourceMetaPreviousKeyFile`).
    #[arg(long, env = "AGENT_RESOURCE_META_PREVIOUS_KEY_FILE", value_name = "FILE")]
    pub resource_meta_previous_key_file: Option<PathBuf>,
    /// gRPC address (`server.listen`).
    #[arg(long, env = "AGENT_LISTEN", value_name = "ADDR")]
    pub listen: Option<SocketAddr>,
    /// Largest gRPC message in bytes (`server.maxMessageBytes`).
    #[arg(long, env = "AGENT_MAX_MESSAGE_BYTES", value_name = "BYTES")]
    pub max_message_bytes: Option<usize>,
    /// PEM certificate chain; TLS together with the key (`server.tlsCert`).
    #[arg(long, env = "AGENT_TLS_CERT", value_name = "FILE")]
    pub tls_cert: Option<PathBuf>,
    /// PEM private key (`server.tlsKey`).
    #[arg(long, env = "AGENT_TLS_KEY", value_name = "FILE")]
    pub tls_key: Option<PathBuf>,
    /// PEM CA certificates of the clients: mutual TLS (`server.tlsClientCa`).
    #[arg(long, env = "AGENT_TLS_CLIENT_CA", value_name = "FILE")]
    pub tls_client_ca: Option<PathBuf>,
    /// Most values in one request (`limits.maxValues`).
    #[arg(long, env = "AGENT_MAX_VALUES", value_name = "N")]
    pub max_values: Option<usize>,
    /// Most items in one list (`limits.maxListLength`).
    #[arg(long, env = "AGENT_MAX_LIST_LENGTH", value_name = "N")]
    pub max_list_length: Option<usize>,
    /// Most entries in one map (`limits.maxMapSize`).
    #[arg(long, env = "AGENT_MAX_MAP_SIZE", value_name = "N")]
    pub max_map_size: Option<usize>,
    /// Longest string or bytes value (`limits.maxStringBytes`).
    #[arg(long, env = "AGENT_MAX_STRING_BYTES", value_name = "BYTES")]
    pub max_string_bytes: Option<usize>,
    /// Deepest nesting of messages and MessagePack values (`limits.maxDepth`).
    #[arg(long, env = "AGENT_MAX_DEPTH", value_name = "N")]
    pub max_depth: Option<usize>,
    /// Bytes of CreateTask bodies held at once (`limits.maxBufferedBytes`).
    #[arg(long, env = "AGENT_MAX_BUFFERED_BYTES", value_name = "BYTES")]
    pub max_buffered_bytes: Option<usize>,
    /// CreateTask requests decoded at once (`limits.createConcurrency`).
    #[arg(long, env = "AGENT_CREATE_CONCURRENCY", value_name = "N")]
    pub create_concurrency: Option<NonZeroUsize>,
    /// Prometheus `/metrics` address (`metricsListen`).
    #[arg(long, env = "AGENT_METRICS_LISTEN", value_name = "ADDR")]
    pub metrics_listen: Option<SocketAddr>,
    /// Log line format (`logFormat`).
    #[arg(long, env = "AGENT_LOG_FORMAT", value_name = "FORMAT")]
    pub log_format: Option<LogFormat>,
    /// The plugin's own settings given as flags or variables (`settings.<name>`); their flags are
    /// added at run time from the plugin's declaration (see [`crate::run`]).
    #[arg(skip)]
    pub settings: BTreeMap<String, String>,
}

impl Overrides {
    /// Writes every given value over the file's.
    fn apply(self, config: &mut FileConfig) {
        fn over<T>(slot: &mut Option<T>, value: Option<T>) {
            if value.is_some() {
                *slot = value;
            }
        }
        over(&mut config.target, self.target);
        over(&mut config.region, self.region);
        over(&mut config.default_role_arn, self.default_role_arn);
        over(&mut config.role_annotation_key, self.role_annotation_key);
        if let Some(namespaces) = self.namespaces {
            config.namespaces = namespaces.iter().map(|s| s.trim()).filter(|s| !s.is_empty()).map(String::from).collect();
        }
        over(&mut config.gc_ttl_seconds, self.gc_ttl_seconds);
        over(&mut config.gc_unreported_ttl_seconds, self.gc_unreported_ttl_seconds);
        over(&mut config.create_budget_seconds, self.create_budget_seconds);
        over(&mut config.get_budget_seconds, self.get_budget_seconds);
        over(&mut config.outputs_grace_seconds, self.outputs_grace_seconds);
        over(&mut config.resource_meta_key_file, self.resource_meta_key_file);
        over(&mut config.resource_meta_previous_key_file, self.resource_meta_previous_key_file);
        over(&mut config.metrics_listen, self.metrics_listen);
        over(&mut config.log_format, self.log_format);
        let server = config.server.get_or_insert_with(Default::default);
        over(&mut server.listen, self.listen);
        over(&mut server.max_message_bytes, self.max_message_bytes);
        over(&mut server.tls_cert, self.tls_cert);
        over(&mut server.tls_key, self.tls_key);
        over(&mut server.tls_client_ca, self.tls_client_ca);
        let limits = config.limits.get_or_insert_with(Default::default);
        let set = |slot: &mut usize, value: Option<usize>| *slot = value.unwrap_or(*slot);
        set(&mut limits.max_values, self.max_values);
        set(&mut limits.max_list_length, self.max_list_length);
        set(&mut limits.max_map_size, self.max_map_size);
        set(&mut limits.max_string_bytes, self.max_string_bytes);
        set(&mut limits.max_depth, self.max_depth);
        set(&mut limits.max_buffered_bytes, self.max_buffered_bytes);
        limits.create_concurrency = self.create_concurrency.unwrap_or(limits.create_concurrency);
        config.settings.extend(self.settings);
    }
}

impl Settings {
    /// Resolves the plugin's own settings into `agent.plugin`: configured values over the
    /// declared defaults; a key `plugin` does not declare is an error naming it.
    pub fn for_plugin(mut self, plugin: &PluginDef) -> Result<Self, String> {
        self.agent.plugin = PluginSettings::resolve(plugin.settings, &self.plugin_settings)?;
        Ok(self)
    }

    /// Reads `file` (if any) and applies the `overrides`; every problem names the key.
    pub fn load(file: Option<&Path>, overrides: Overrides, default_target: &str) -> Result<Self, String> {
        let mut config = match file {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
                serde_norway::from_str::<FileConfig>(&text).map_err(|e| format!("{}: {e}", path.display()))?
            }
            None => FileConfig::default(),
        };
        overrides.apply(&mut config);
        let server = config.server.clone().unwrap_or_default();
        let tls = match (server.tls_cert, server.tls_key) {
            (Some(cert_path), Some(key_path)) => Some(TlsConfig { cert_path, key_path, client_ca_path: server.tls_client_ca }),
            (None, None) if server.tls_client_ca.is_some() => {
                return Err("server.tlsClientCa: needs server.tlsCert and server.tlsKey (mutual TLS is TLS first)".into());
            }
            (None, None) => None,
            _ => return Err("server.tlsCert and server.tlsKey go together".into()),
        };
        let defaults = ServerConfig::default();
        let log_format = config.log_format.unwrap_or_default();
        let key_file = config.resource_meta_key_file.as_deref().ok_or(
            "resourceMetaKeyFile: required: a file holding at least 32 random bytes that sign resource_meta (for example a mounted Secret created with `openssl rand -hex 32`)",
        )?;
        let signer = Signer::from_files(key_file, config.resource_meta_previous_key_file.as_deref()).map_err(|e| format!("resourceMetaKeyFile: {e}"))?;
        let namespaces = (!config.namespaces.is_empty()).then_some(config.namespaces);
        let limits = config.limits.clone().unwrap_or_default();
        let defaults_agent = AgentSettings::new(default_target, signer.clone());
        let budget = |key: &str, seconds: Option<f64>, default: Duration| -> Result<Duration, String> {
            match seconds {
                None => Ok(default),
                Some(s) if s.is_finite() && s > 0.0 && s <= 3600.0 => Ok(Duration::from_secs_f64(s)),
                Some(s) => Err(format!("{key}: {s} is not a number of seconds between 0 and 3600")),
            }
        };
        Ok(Self {
            agent: AgentSettings {
                target: config.target.unwrap_or_else(|| default_target.to_string()),
                region: config.region.filter(|r| !r.is_empty()),
                default_role: config.default_role_arn.filter(|r| !r.is_empty()),
                role_annotation_key: config.role_annotation_key.filter(|r| !r.is_empty()),
                images: config.images,
                gc_ttl: config.gc_ttl_seconds.map_or(defaults_agent.gc_ttl, Duration::from_secs),
                gc_unreported_ttl: config.gc_unreported_ttl_seconds.map_or(defaults_agent.gc_unreported_ttl, Duration::from_secs),
                create_budget: budget("createBudgetSeconds", config.create_budget_seconds, defaults_agent.create_budget)?,
                get_budget: budget("getBudgetSeconds", config.get_budget_seconds, defaults_agent.get_budget)?,
                outputs_grace: config.outputs_grace_seconds.map_or(defaults_agent.outputs_grace, Duration::from_secs),
                signer,
                namespaces: namespaces.clone(),
                limits: limits.clone(),
                plugin: PluginSettings::default(),
                allowlists: config.allowlists,
            },
            plugin_settings: config.settings,
            namespaces,
            server: ServerConfig {
                listen: server.listen.unwrap_or(defaults.listen),
                max_message_bytes: server.max_message_bytes.unwrap_or(defaults.max_message_bytes),
                limits,
                tls,
            },
            metrics_listen: config.metrics_listen.unwrap_or_else(|| DEFAULT_METRICS_LISTEN.parse().expect("valid literal")),
            log_format,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Debug, Parser)]
    struct Cli {
        #[command(flatten)]
        overrides: Overrides,
    }

    /// The overrides these flags give (the same arguments the environment variables feed; the
    /// tests pass flags, since the process environment is shared by parallel tests).
    fn flags(args: &[&str]) -> Result<Overrides, clap::Error> {
        Cli::try_parse_from(std::iter::once("backend").chain(args.iter().copied())).map(|c| c.overrides)
    }

    /// Only the required key file, written to a temporary folder, plus `args`.
    fn with_key(dir: &tempfile::TempDir, args: &[&str]) -> Overrides {
        let key = dir.path().join("key");
        std::fs::write(&key, "0123456789abcdef0123456789abcdef\n").unwrap();
        let key = key.display().to_string();
        let mut all = vec!["--resource-meta-key-file", key.as_str()];
        all.extend_from_slice(args);
        flags(&all).unwrap()
    }

    #[test]
    fn file_values_and_overrides_combine() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.yaml");
        std::fs::write(
            &path,
            "target: operator\nregion: us-east-1\ndefaultRoleArn: arn:aws:iam::123456789012:role/x\nimages:\n  xgboost:\n    us-east-1:\n      \"0.90\": img:0.90\n      1.0: img:1.0\ngcTtlSeconds: 60\nserver:\n  listen: 127.0.0.1:9000\n",
        )
        .unwrap();
        let s = Settings::load(Some(&path), with_key(&dir, &["--region", "eu-west-1", "--namespaces", "a, b"]), "ack").unwrap();
        assert_eq!(s.agent.target, "operator");
        assert_eq!(s.agent.region.as_deref(), Some("eu-west-1"), "the override beats the file");
        assert_eq!(s.agent.gc_ttl, Duration::from_secs(60));
        assert_eq!(s.server.listen.to_string(), "127.0.0.1:9000");
        assert_eq!(s.namespaces, Some(vec!["a".to_string(), "b".to_string()]));
        let versions = &s.agent.images["xgboost"]["us-east-1"];
        assert!(versions.contains_key("0.90"), "quoted versions stay text: {versions:?}");
    }

    #[test]
    fn limits_come_from_the_file_and_the_overrides_and_reach_server_and_agent() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.yaml");
        std::fs::write(&path, "limits:\n  maxDepth: 10\n  maxValues: 500\n").unwrap();
        let s = Settings::load(Some(&path), with_key(&dir, &["--create-concurrency", "3"]), "ack").unwrap();
        assert_eq!((s.server.limits.max_depth, s.server.limits.max_values, s.server.limits.create_concurrency.get()), (10, 500, 3));
        assert_eq!(s.agent.limits, s.server.limits);
        let e = flags(&["--create-concurrency", "0"]).unwrap_err().to_string();
        assert!(e.contains("--create-concurrency") && e.contains("'0'"), "{e}");
    }

    #[test]
    fn defaults_apply_without_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let s = Settings::load(None, with_key(&dir, &[]), "ack").unwrap();
        assert_eq!(s.agent.target, "ack");
        assert_eq!(s.server, ServerConfig::default());
        assert_eq!(s.agent.gc_ttl, crate::agent::DEFAULT_GC_TTL);
        assert_eq!(s.agent.create_budget, crate::agent::DEFAULT_CREATE_BUDGET);
        assert_eq!(s.log_format, LogFormat::Text);
    }

    #[test]
    fn plugin_settings_given_as_overrides_beat_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.yaml");
        std::fs::write(&path, "settings:\n  historyUrl: https://file\n  scheme: http\n").unwrap();
        let mut overrides = with_key(&dir, &[]);
        overrides.settings.insert("historyUrl".into(), "https://flag".into());
        let s = Settings::load(Some(&path), overrides, "ack").unwrap();
        assert_eq!(s.plugin_settings["historyUrl"], "https://flag");
        assert_eq!(s.plugin_settings["scheme"], "http");
    }

    #[test]
    fn allowlists_are_read_per_namespace_and_list() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.yaml");
        std::fs::write(&path, "allowlists:\n  \"*\":\n    iam_roles: [arn:a]\n  team-b:\n    image_registries: [reg.example.com]\n").unwrap();
        let s = Settings::load(Some(&path), with_key(&dir, &[]), "ack").unwrap();
        assert_eq!(s.agent.allowlists["*"]["iam_roles"], vec!["arn:a"]);
        assert_eq!(s.agent.allowlists["team-b"]["image_registries"], vec!["reg.example.com"]);
        std::fs::write(&path, "allowlists:\n  team-b: [reg.example.com]\n").unwrap();
        assert!(Settings::load(Some(&path), with_key(&dir, &[]), "ack").unwrap_err().contains("allowlists"));
    }

    #[test]
    fn mistakes_name_the_key() {
        let e = flags(&["--gc-ttl-seconds", "soon"]).unwrap_err().to_string();
        assert!(e.contains("--gc-ttl-seconds") && e.contains("'soon'"), "{e}");
        let e = flags(&["--log-format", "xml"]).unwrap_err().to_string();
        assert!(e.contains("--log-format") && e.contains("json"), "{e}");
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.yaml");
        std::fs::write(&path, "tagret: ack\n").unwrap();
        assert!(Settings::load(Some(&path), with_key(&dir, &[]), "ack").unwrap_err().contains("tagret"));
        std::fs::write(&path, "logFormat: xml\n").unwrap();
        assert!(Settings::load(Some(&path), with_key(&dir, &[]), "ack").unwrap_err().contains("xml"));
        assert!(Settings::load(None, Overrides::default(), "ack").unwrap_err().starts_with("resourceMetaKeyFile: required"));
        let short = dir.path().join("short");
        std::fs::write(&short, "abc").unwrap();
        let short = short.display().to_string();
        assert!(Settings::load(None, flags(&["--resource-meta-key-file", &short]).unwrap(), "ack").unwrap_err().contains("at least 32"));
    }
}
