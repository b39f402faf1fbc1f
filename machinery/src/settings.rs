//! The backend configuration: a YAML file plus environment overrides.
//!
//! Precedence, lowest first: built-in defaults, the file given with `--config`, then `AGENT_*`
//! environment variables (so a Deployment can change one value without a new ConfigMap).

use std::collections::BTreeMap;
use std::net::SocketAddr;
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
    /// Execution annotation that may hold the role, e.g. `iam.amazonaws.com/role`.
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
    pub log_format: Option<String>,
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

/// The environment variables read, with what each overrides (also printed by `--help`).
pub const ENVIRONMENT: &[(&str, &str)] = &[
    ("AGENT_TARGET", "target"),
    ("AGENT_REGION", "region"),
    ("AGENT_DEFAULT_ROLE_ARN", "defaultRoleArn"),
    ("AGENT_ROLE_ANNOTATION_KEY", "roleAnnotationKey"),
    ("AGENT_NAMESPACES", "namespaces (comma-separated)"),
    ("AGENT_GC_TTL_SECONDS", "gcTtlSeconds"),
    ("AGENT_GC_UNREPORTED_TTL_SECONDS", "gcUnreportedTtlSeconds"),
    ("AGENT_CREATE_BUDGET_SECONDS", "createBudgetSeconds"),
    ("AGENT_GET_BUDGET_SECONDS", "getBudgetSeconds"),
    ("AGENT_OUTPUTS_GRACE_SECONDS", "outputsGraceSeconds"),
    ("AGENT_RESOURCE_META_KEY_FILE", "resourceMetaKeyFile"),
    ("AGENT_RESOURCE_META_PREVIOUS_KEY_FILE", "resourceMetaPreviousKeyFile"),
    ("AGENT_LISTEN", "server.listen"),
    ("AGENT_MAX_MESSAGE_BYTES", "server.maxMessageBytes"),
    ("AGENT_TLS_CERT", "server.tlsCert"),
    ("AGENT_TLS_KEY", "server.tlsKey"),
    ("AGENT_MAX_VALUES", "limits.maxValues"),
    ("AGENT_MAX_LIST_LENGTH", "limits.maxListLength"),
    ("AGENT_MAX_MAP_SIZE", "limits.maxMapSize"),
    ("AGENT_MAX_STRING_BYTES", "limits.maxStringBytes"),
    ("AGENT_MAX_DEPTH", "limits.maxDepth"),
    ("AGENT_MAX_BUFFERED_BYTES", "limits.maxBufferedBytes"),
    ("AGENT_CREATE_CONCURRENCY", "limits.createConcurrency"),
    ("AGENT_TLS_CLIENT_CA", "server.tlsClientCa"),
    ("AGENT_METRICS_LISTEN", "metricsListen"),
    ("AGENT_LOG_FORMAT", "logFormat (text or json)"),
];

impl Settings {
    /// Resolves the plugin's own settings into `agent.plugin`: configured values over the
    /// declared defaults; a key `plugin` does not declare is an error naming it.
    pub fn for_plugin(mut self, plugin: &PluginDef) -> Result<Self, String> {
        self.agent.plugin = PluginSettings::resolve(plugin.settings, &self.plugin_settings)?;
        Ok(self)
    }

    /// Reads `file` (if any) and applies `env` overrides; every problem names the key.
    pub fn load(file: Option<&Path>, env: &dyn Fn(&str) -> Option<String>, default_target: &str) -> Result<Self, String> {
        let mut config = match file {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
                serde_norway::from_str::<FileConfig>(&text).map_err(|e| format!("{}: {e}", path.display()))?
            }
            None => FileConfig::default(),
        };
        let server = config.server.get_or_insert_with(Default::default);
        let limits = config.limits.get_or_insert_with(Default::default);
        let parse = |key: &str, value: String| -> Result<_, String> { Ok((key.to_string(), value)) };
        for (var, _) in ENVIRONMENT {
            let Some(value) = env(var) else { continue };
            let (key, value) = parse(var, value)?;
            let bad = |e: &dyn std::fmt::Display| format!("{key}={value}: {e}");
            match *var {
                "AGENT_TARGET" => config.target = Some(value),
                "AGENT_REGION" => config.region = Some(value),
                "AGENT_DEFAULT_ROLE_ARN" => config.default_role_arn = Some(value),
                "AGENT_ROLE_ANNOTATION_KEY" => config.role_annotation_key = Some(value),
                "AGENT_NAMESPACES" => config.namespaces = value.split(',').map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect(),
                "AGENT_GC_TTL_SECONDS" => config.gc_ttl_seconds = Some(value.parse().map_err(|e| bad(&e))?),
                "AGENT_GC_UNREPORTED_TTL_SECONDS" => config.gc_unreported_ttl_seconds = Some(value.parse().map_err(|e| bad(&e))?),
                "AGENT_CREATE_BUDGET_SECONDS" => config.create_budget_seconds = Some(value.parse().map_err(|e| bad(&e))?),
                "AGENT_GET_BUDGET_SECONDS" => config.get_budget_seconds = Some(value.parse().map_err(|e| bad(&e))?),
                "AGENT_OUTPUTS_GRACE_SECONDS" => config.outputs_grace_seconds = Some(value.parse().map_err(|e| bad(&e))?),
                "AGENT_RESOURCE_META_KEY_FILE" => config.resource_meta_key_file = Some(value.into()),
                "AGENT_RESOURCE_META_PREVIOUS_KEY_FILE" => config.resource_meta_previous_key_file = Some(value.into()),
                "AGENT_LISTEN" => server.listen = Some(value.parse().map_err(|e| bad(&e))?),
                "AGENT_MAX_MESSAGE_BYTES" => server.max_message_bytes = Some(value.parse().map_err(|e| bad(&e))?),
                "AGENT_TLS_CERT" => server.tls_cert = Some(value.into()),
                "AGENT_TLS_KEY" => server.tls_key = Some(value.into()),
                "AGENT_MAX_VALUES" => limits.max_values = value.parse().map_err(|e| bad(&e))?,
                "AGENT_MAX_LIST_LENGTH" => limits.max_list_length = value.parse().map_err(|e| bad(&e))?,
                "AGENT_MAX_MAP_SIZE" => limits.max_map_size = value.parse().map_err(|e| bad(&e))?,
                "AGENT_MAX_STRING_BYTES" => limits.max_string_bytes = value.parse().map_err(|e| bad(&e))?,
                "AGENT_MAX_DEPTH" => limits.max_depth = value.parse().map_err(|e| bad(&e))?,
                "AGENT_MAX_BUFFERED_BYTES" => limits.max_buffered_bytes = value.parse().map_err(|e| bad(&e))?,
                "AGENT_CREATE_CONCURRENCY" => limits.create_concurrency = value.parse().map_err(|e| bad(&e))?,
                "AGENT_TLS_CLIENT_CA" => server.tls_client_ca = Some(value.into()),
                "AGENT_METRICS_LISTEN" => config.metrics_listen = Some(value.parse().map_err(|e| bad(&e))?),
                "AGENT_LOG_FORMAT" => config.log_format = Some(value),
                _ => unreachable!("every variable of ENVIRONMENT is handled"),
            }
        }
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
        let log_format = match config.log_format.as_deref().unwrap_or("text") {
            "text" => LogFormat::Text,
            "json" => LogFormat::Json,
            other => return Err(format!("logFormat: `{other}` is neither text nor json")),
        };
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

    /// Only the required key file, written to a temporary folder.
    fn key_env(dir: &tempfile::TempDir) -> impl Fn(&str) -> Option<String> {
        let key = dir.path().join("key");
        std::fs::write(&key, "0123456789abcdef0123456789abcdef\n").unwrap();
        move |k: &str| (k == "AGENT_RESOURCE_META_KEY_FILE").then(|| key.display().to_string())
    }

    #[test]
    fn file_values_and_env_overrides_combine() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.yaml");
        std::fs::write(
            &path,
            "target: operator\nregion: us-east-1\ndefaultRoleArn: arn:aws:iam::123456789012:role/x\nimages:\n  xgboost:\n    us-east-1:\n      \"0.90\": img:0.90\n      1.0: img:1.0\ngcTtlSeconds: 60\nserver:\n  listen: 127.0.0.1:9000\n",
        )
        .unwrap();
        let keys = key_env(&dir);
        let env = |k: &str| if k == "AGENT_REGION" { Some("eu-west-1".to_string()) } else { keys(k) };
        let s = Settings::load(Some(&path), &env, "ack").unwrap();
        assert_eq!(s.agent.target, "operator");
        assert_eq!(s.agent.region.as_deref(), Some("eu-west-1"), "env beats the file");
        assert_eq!(s.agent.gc_ttl, Duration::from_secs(60));
        assert_eq!(s.server.listen.to_string(), "127.0.0.1:9000");
        let versions = &s.agent.images["xgboost"]["us-east-1"];
        assert!(versions.contains_key("0.90"), "quoted versions stay text: {versions:?}");
    }

    #[test]
    fn limits_come_from_the_file_and_the_environment_and_reach_server_and_agent() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.yaml");
        std::fs::write(&path, "limits:\n  maxDepth: 10\n  maxValues: 500\n").unwrap();
        let keys = key_env(&dir);
        let env = |k: &str| if k == "AGENT_CREATE_CONCURRENCY" { Some("3".to_string()) } else { keys(k) };
        let s = Settings::load(Some(&path), &env, "ack").unwrap();
        assert_eq!((s.server.limits.max_depth, s.server.limits.max_values, s.server.limits.create_concurrency.get()), (10, 500, 3));
        assert_eq!(s.agent.limits, s.server.limits);
        let env = |k: &str| if k == "AGENT_CREATE_CONCURRENCY" { Some("0".to_string()) } else { keys(k) };
        assert!(Settings::load(None, &env, "ack").unwrap_err().contains("AGENT_CREATE_CONCURRENCY=0"));
    }

    #[test]
    fn defaults_apply_without_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let s = Settings::load(None, &key_env(&dir), "ack").unwrap();
        assert_eq!(s.agent.target, "ack");
        assert_eq!(s.server, ServerConfig::default());
        assert_eq!(s.agent.gc_ttl, crate::agent::DEFAULT_GC_TTL);
        assert_eq!(s.agent.create_budget, crate::agent::DEFAULT_CREATE_BUDGET);
        assert_eq!(s.log_format, LogFormat::Text);
    }

    #[test]
    fn allowlists_are_read_per_namespace_and_list() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.yaml");
        std::fs::write(&path, "allowlists:\n  \"*\":\n    iam_roles: [arn:a]\n  team-b:\n    image_registries: [reg.example.com]\n").unwrap();
        let s = Settings::load(Some(&path), &key_env(&dir), "ack").unwrap();
        assert_eq!(s.agent.allowlists["*"]["iam_roles"], vec!["arn:a"]);
        assert_eq!(s.agent.allowlists["team-b"]["image_registries"], vec!["reg.example.com"]);
        std::fs::write(&path, "allowlists:\n  team-b: [reg.example.com]\n").unwrap();
        assert!(Settings::load(Some(&path), &key_env(&dir), "ack").unwrap_err().contains("allowlists"));
    }

    #[test]
    fn mistakes_name_the_key() {
        let env = |k: &str| (k == "AGENT_GC_TTL_SECONDS").then(|| "soon".to_string());
        assert!(Settings::load(None, &env, "ack").unwrap_err().contains("AGENT_GC_TTL_SECONDS=soon"));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.yaml");
        std::fs::write(&path, "tagret: ack\n").unwrap();
        assert!(Settings::load(Some(&path), &key_env(&dir), "ack").unwrap_err().contains("tagret"));
        assert!(Settings::load(None, &|_| None, "ack").unwrap_err().starts_with("resourceMetaKeyFile: required"));
        let short = dir.path().join("short");
        std::fs::write(&short, "abc").unwrap();
        let env = |k: &str| (k == "AGENT_RESOURCE_META_KEY_FILE").then(|| short.display().to_string());
        assert!(Settings::load(None, &env, "ack").unwrap_err().contains("at least 32"));
    }
}
