//! The contract between the runtime and a generated plugin.
//!
//! A generated plugin crate fills one static [`PluginDef`]: its task types, for each the custom
//! resource it creates in every target, a `build` function that turns a task request into that
//! object, and an `interpret` function that turns a watched object into a Flyte phase. Both are
//! generated, typed code; the runtime only routes requests to them and talks to Kubernetes.

use std::collections::BTreeMap;

/// Everything a generated plugin declares.
#[derive(Debug)]
pub struct PluginDef {
    /// Kebab-case plugin name (`spark-on-k8s`); prefixes labels and the agent name.
    pub name: &'static str,
    /// Human title, advertised as the agent name.
    pub title: &'static str,
    pub targets: &'static [TargetDef],
    pub task_types: &'static [TaskTypeDef],
    /// The plugin's own configuration keys (`settings:` in the backend's config file).
    pub settings: &'static [SettingDef],
    /// Whether the plugin reads the backend-wide region and IAM-role keys (`--help` lists their
    /// environment variables only then).
    pub reads_region: bool,
    pub reads_role: bool,
}

/// A configuration key a plugin declares in its proto (`Plugin.settings`).
#[derive(Debug)]
pub struct SettingDef {
    pub name: &'static str,
    pub doc: &'static str,
    pub default: &'static str,
}

/// The values of a plugin's settings: the configured ones over the declared defaults.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PluginSettings(BTreeMap<String, String>);

impl PluginSettings {
    /// `configured` (the config file's `settings:`) over the defaults of `declared`; a key the
    /// plugin does not declare is an error naming it.
    pub fn resolve(declared: &[SettingDef], configured: &BTreeMap<String, String>) -> Result<Self, String> {
        if let Some(unknown) = configured.keys().find(|k| !declared.iter().any(|d| d.name == k.as_str())) {
            let names: Vec<&str> = declared.iter().map(|d| d.name).collect();
            let known = if names.is_empty() { "it declares none".to_string() } else { format!("its settings: {}", names.join(", ")) };
            return Err(format!("settings.{unknown}: not a setting of this plugin ({known})"));
        }
        Ok(Self(declared.iter().map(|d| (d.name.to_string(), configured.get(d.name).cloned().unwrap_or_else(|| d.default.to_string()))).collect()))
    }

    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        Self(pairs.into_iter().map(|(k, v)| (k.to_string(), v.to_string())).collect())
    }

    /// The value of `name`; empty when unset.
    pub fn get(&self, name: &str) -> &str {
        self.0.get(name).map_or("", String::as_str)
    }
}

impl PluginDef {
    pub fn task_type(&self, name: &str) -> Option<&'static TaskTypeDef> {
        self.task_types.iter().find(|t| t.name == name)
    }

    pub fn target(&self, id: &str) -> Option<&'static TargetDef> {
        self.targets.iter().find(|t| t.id == id)
    }
}

/// One controller family.
#[derive(Debug)]
pub struct TargetDef {
    pub id: &'static str,
    pub api_version: &'static str,
}

/// One task type and how it runs in every target.
#[derive(Debug)]
pub struct TaskTypeDef {
    pub name: &'static str,
    pub version: i32,
    /// Full protobuf name of the payload message (`TaskTemplate.custom`).
    pub message: &'static str,
    /// One per target of the plugin.
    pub resources: &'static [ResourceDef],
    /// Names of the outputs the task interface declares (empty when the task's own container
    /// writes its outputs).
    pub outputs: &'static [&'static str],
    /// Decodes, defaults, validates and maps a task request onto the target's object (without
    /// `apiVersion`, `kind` and `metadata.name`/`namespace`, which the runtime sets).
    pub build: fn(&BuildRequest<'_>) -> Result<serde_json::Value, InvalidInput>,
    /// Reads a watched object of `target`; `settings` fill the log links that name one.
    pub interpret: fn(target: &str, object: &serde_json::Value, settings: &PluginSettings) -> Interpretation,
}

impl TaskTypeDef {
    pub fn resource(&self, target: &str) -> Option<&'static ResourceDef> {
        self.resources.iter().find(|r| r.target == target)
    }
}

/// The custom resource a task type creates in one target.
#[derive(Debug)]
pub struct ResourceDef {
    pub target: &'static str,
    pub api_version: &'static str,
    pub kind: &'static str,
    pub plural: &'static str,
    pub namespaced: bool,
    /// Longest allowed object / job name.
    pub name_max_length: usize,
    /// Every name must match this (checked after the name is derived).
    pub name_pattern: &'static str,
    /// The shape of name that `name_pattern` accepts at every length (proved by the generator).
    pub name_shape: crate::naming::NameShape,
    /// The paths of the object that `interpret` reads (status values, conditions and every
    /// `spec`/`status` placeholder of messages, outputs and log links). A watch cache keeps only
    /// these subtrees (and the metadata), so a poll copies little and many tracked jobs stay small.
    pub reads: &'static [&'static [&'static str]],
    /// The places whose values must be admitted by the deployment's allowlists (checked at
    /// CreateTask on the built object).
    pub allowlisted: &'static [crate::allowlist::AllowlistedPath],
}

impl ResourceDef {
    pub fn group(&self) -> &'static str {
        self.api_version.rsplit_once('/').map_or("", |(g, _)| g)
    }

    pub fn version(&self) -> &'static str {
        self.api_version.rsplit_once('/').map_or(self.api_version, |(_, v)| v)
    }
}

/// A task request, as the generated `build` function sees it.
#[derive(Debug)]
pub struct BuildRequest<'a> {
    /// Target id the backend is configured for.
    pub target: &'a str,
    /// `TaskTemplate.custom` as JSON (a protobuf `Struct` converted losslessly: numbers are
    /// doubles, as flytekit sends them).
    pub custom: &'a serde_json::Value,
    /// The task's inputs, decoded from the request's `LiteralMap`.
    pub inputs: &'a crate::inputs::Inputs,
    pub context: &'a BuildContext,
}

/// Values the backend knows at creation time (`ContextSource` in the annotation vocabulary).
#[derive(Debug, Clone, Default)]
pub struct BuildContext {
    /// The deterministic object / job name of this attempt.
    pub job_name: String,
    /// `TaskTemplate.container.image`, when the template has a container.
    pub container_image: Option<String>,
    /// `TaskTemplate.container` command followed by its arguments, when it has a container.
    pub container_command: Option<Vec<String>>,
    /// `TaskTemplate.container.resources` as a Kubernetes container's `resources`
    /// (`{requests: {...}, limits: {...}}`), quantities checked; `None` when none are set.
    pub container_resources: Option<serde_json::Value>,
    /// `TaskTemplate.container.env`, in declaration order.
    pub container_env: Vec<(String, String)>,
    /// The execution's Kubernetes service account (`TaskExecutionMetadata.k8s_service_account`).
    pub service_account: Option<String>,
    /// The execution's labels and annotations as propeller sends them.
    pub labels: BTreeMap<String, String>,
    pub annotations: BTreeMap<String, String>,
    /// `CreateTaskRequest.output_prefix`.
    pub output_prefix: String,
    /// The execution's IAM role, already resolved (template, identity, annotation, default).
    pub iam_role: Option<String>,
    /// The configured default region.
    pub region: Option<String>,
    /// Configured prebuilt images: algorithm -> region -> version -> image.
    pub images: BTreeMap<String, BTreeMap<String, BTreeMap<String, String>>>,
}

impl BuildContext {
    /// One quantity of the task container: `side` is `requests` or `limits`, `name` a Kubernetes
    /// resource name. A request the task leaves out is its limit, as Kubernetes defaults it.
    pub fn container_resource(&self, side: &str, name: &str) -> Option<String> {
        let resources = self.container_resources.as_ref()?;
        let read = |side: &str| resources.get(side)?.get(name)?.as_str().map(str::to_string);
        read(side).or_else(|| if side == "requests" { read("limits") } else { None })
    }

    /// The task's command and arguments as one shell command line.
    pub fn container_command_line(&self) -> Result<Option<String>, InvalidInput> {
        self.container_command.as_deref().map(crate::container::command_line).transpose()
    }

    /// The prebuilt image of `algorithm` at `version` (newest when empty) in `region`.
    ///
    /// Versions are compared as text segments of numbers, so `0.90` stays `0.90` and `1.10` is
    /// newer than `1.9`. A missing entry is an error naming all three keys.
    pub fn prebuilt_image(&self, field: &str, algorithm: &str, version: &str, region: &str) -> Result<String, InvalidInput> {
        let not_found = |what: String| InvalidInput::new(field, what);
        let by_region = self
            .images
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(algorithm))
            .map(|(_, r)| r)
            .ok_or_else(|| not_found(format!("no prebuilt image is configured for algorithm `{algorithm}` (region `{region}`, version `{version}`)")))?;
        let versions = by_region
            .get(region)
            .ok_or_else(|| not_found(format!("no prebuilt image of `{algorithm}` is configured in region `{region}` (version `{version}`)")))?;
        let image = if version.is_empty() {
            versions.iter().max_by(|a, b| compare_versions(a.0, b.0)).map(|(_, image)| image)
        } else {
            versions.get(version)
        };
        image.cloned().ok_or_else(|| {
            not_found(format!(
                "no prebuilt image of `{algorithm}` version `{version}` in region `{region}`; configured versions: {}",
                versions.keys().cloned().collect::<Vec<_>>().join(", ")
            ))
        })
    }
}

fn compare_versions(a: &str, b: &str) -> std::cmp::Ordering {
    let parts = |v: &str| v.split(['.', '-']).map(|p| p.parse::<u64>().map_err(|_| p.to_string())).collect::<Vec<_>>();
    parts(a).cmp(&parts(b))
}

/// A task request that cannot run: becomes gRPC INVALID_ARGUMENT naming the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct InvalidInput {
    /// Field path in proto names, e.g. `channels[1].s3_uri` or `inputs.train`.
    pub field: String,
    pub message: String,
}

impl InvalidInput {
    /// Both parts are capped: paths hold the caller's map keys, messages may quote values.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        let (field, message) = (field.into(), message.into());
        Self { field: crate::echo::capped(&field, 2 * crate::echo::MAX_ECHO_CHARS), message: crate::echo::capped(&message, crate::echo::MAX_MESSAGE_CHARS) }
    }
}

/// Flyte task phases an object can be in (`flyteidl.core.TaskExecution.Phase`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Phase {
    Queued,
    Initializing,
    WaitingForResources,
    Running,
    Succeeded,
    RetryableFailure,
    PermanentFailure,
    Aborted,
}

impl Phase {
    pub fn is_terminal(self) -> bool {
        matches!(self, Self::Succeeded | Self::RetryableFailure | Self::PermanentFailure | Self::Aborted)
    }

    /// Stable lower-case name for metrics and logs.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Initializing => "initializing",
            Self::WaitingForResources => "waiting_for_resources",
            Self::Running => "running",
            Self::Succeeded => "succeeded",
            Self::RetryableFailure => "retryable_failure",
            Self::PermanentFailure => "permanent_failure",
            Self::Aborted => "aborted",
        }
    }
}

/// A log link shown in the Flyte UI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLink {
    pub name: String,
    pub uri: String,
}

/// A task output read from a succeeded object.
#[derive(Debug, Clone, PartialEq)]
pub enum OutputValue {
    Blob { uri: String, format: String, multipart: bool },
    String(String),
    Integer(i64),
    Float(f64),
    Boolean(bool),
}

/// What a watched object says.
#[derive(Debug, Clone, PartialEq)]
pub struct Interpretation {
    pub phase: Phase,
    pub message: String,
    /// Rendered from the object; links whose placeholders are not there yet are left out.
    pub log_links: Vec<LogLink>,
    /// Filled only when `phase` is `Succeeded`. An output whose status field is missing is an
    /// `Err` naming the output and the field, never a crash.
    pub outputs: Vec<(String, Result<OutputValue, String>)>,
}

/// How a task output is typed, as the task interface declares it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputKind {
    Blob { format: &'static str, multipart: bool },
    String,
    Integer,
    Float,
    Boolean,
}

/// Reads one output from a succeeded object: renders its template and types the text. A missing
/// status field or a value of the wrong type is an `Err` that names the problem.
pub fn read_output(object: &serde_json::Value, parts: &[crate::cr::Part], kind: OutputKind) -> Result<OutputValue, String> {
    let text = crate::cr::render(object, None, parts).ok_or_else(|| "the object does not hold this output's status fields yet".to_string())?;
    match kind {
        OutputKind::Blob { format, multipart } => Ok(OutputValue::Blob { uri: text, format: format.to_string(), multipart }),
        OutputKind::String => Ok(OutputValue::String(text)),
        OutputKind::Integer => text.parse().map(OutputValue::Integer).map_err(|e| format!("`{text}` is not an integer: {e}")),
        OutputKind::Float => text.parse().map(OutputValue::Float).map_err(|e| format!("`{text}` is not a number: {e}")),
        OutputKind::Boolean => text.parse().map(OutputValue::Boolean).map_err(|e| format!("`{text}` is not a boolean: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DECLARED: &[SettingDef] = &[
        SettingDef { name: "historyUrl", doc: "", default: "" },
        SettingDef { name: "scheme", doc: "", default: "https" },
    ];

    #[test]
    fn settings_are_the_configured_over_the_defaults_and_unknown_keys_fail() {
        let configured = BTreeMap::from([("historyUrl".to_string(), "https://h".to_string())]);
        let s = PluginSettings::resolve(DECLARED, &configured).unwrap();
        assert_eq!((s.get("historyUrl"), s.get("scheme"), s.get("absent")), ("https://h", "https", ""));
        let typo = BTreeMap::from([("historyURL".to_string(), "x".to_string())]);
        let e = PluginSettings::resolve(DECLARED, &typo).unwrap_err();
        assert!(e.starts_with("settings.historyURL: not a setting of this plugin (its settings: historyUrl, scheme)"), "{e}");
        assert!(PluginSettings::resolve(&[], &typo).unwrap_err().contains("it declares none"));
    }

    #[test]
    fn a_request_left_out_is_the_limit() {
        let cx = BuildContext { container_resources: Some(serde_json::json!({"limits": {"cpu": "3"}, "requests": {"memory": "1Gi"}})), ..Default::default() };
        assert_eq!(cx.container_resource("requests", "cpu").as_deref(), Some("3"));
        assert_eq!(cx.container_resource("requests", "memory").as_deref(), Some("1Gi"));
        assert_eq!(cx.container_resource("limits", "memory"), None);
        assert_eq!(BuildContext::default().container_resource("requests", "cpu"), None);
    }
}
