//! The owned, sorted model every emitter reads.
//!
//! Lowering builds it from descriptors and validates everything on the way; emitters get only
//! this, so they never see a descriptor and have no error paths for user input. Collections are
//! `Vec`s in a defined order (declaration order for fields and values, name order otherwise) or
//! `BTreeMap`s, so output never depends on hash order.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::crpath::{CrPath, Template};

#[derive(Debug, Clone, Serialize)]
pub struct Model {
    /// Sorted by plugin name.
    pub plugins: Vec<Plugin>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Plugin {
    pub name: String,
    pub title: String,
    pub python_package: String,
    pub python_distribution: String,
    /// The generated Rust crate (`<name>-plugin`) and its name in Rust paths.
    pub rust_crate: String,
    pub rust_crate_ident: String,
    /// The `.proto` file that declares the plugin, relative to the proto root.
    pub source: String,
    pub proto_package: String,
    pub targets: Vec<Target>,
    /// Messages of the plugin's file, sorted by full name.
    pub messages: Vec<Message>,
    /// Enums of the plugin's file, sorted by full name.
    pub enums: Vec<Enum>,
    /// Sorted by task type name.
    pub task_types: Vec<TaskType>,
    /// How job containers started from a task's own image meet the controller.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub container: Option<ContainerContract>,
    /// The plugin's own backend settings, in declaration order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub settings: Vec<Setting>,
    /// Encoded `FileDescriptorProto` of the plugin's file, with comments, for prost-build.
    #[serde(skip)]
    pub file_descriptor: Vec<u8>,
    /// Encoded `FileDescriptorSet` of the plugin's file and its imports, without comments or
    /// custom options: what the backend needs to decode payloads at run time.
    #[serde(skip)]
    pub descriptor_set: Vec<u8>,
}

/// A backend setting the plugin declares (`{config.name}` in its log links).
#[derive(Debug, Clone, Serialize)]
pub struct Setting {
    pub name: String,
    pub doc: String,
    pub default: String,
}

impl Plugin {
    /// Whether any context value or field default of a task type takes its value from `source`.
    pub fn reads_source(&self, source: ContextSource) -> bool {
        self.task_types
            .iter()
            .flat_map(|t| &t.resources)
            .any(|r| r.context.iter().any(|c| c.source == source) || r.fields.iter().any(|f| f.default_from == Some(source)))
    }

    /// Whether the backend-wide region matters to this plugin (a REGION value, or a prebuilt
    /// image looked up by region).
    pub fn reads_region(&self) -> bool {
        self.reads_source(ContextSource::Region) || self.reads_source(ContextSource::PrebuiltImage)
    }

    pub fn message(&self, full_name: &str) -> &Message {
        self.messages
            .iter()
            .find(|m| m.full_name == full_name)
            .unwrap_or_else(|| panic!("generator bug: message {full_name} not in model"))
    }

    pub fn target(&self, id: &str) -> &Target {
        self.targets
            .iter()
            .find(|t| t.id == id)
            .unwrap_or_else(|| panic!("generator bug: target {id} not in model"))
    }

    pub fn enumeration(&self, full_name: &str) -> &Enum {
        self.enums
            .iter()
            .find(|e| e.full_name == full_name)
            .unwrap_or_else(|| panic!("generator bug: enum {full_name} not in model"))
    }
}

/// `flyteplugin.ContainerContract`, checked: `root` is absolute, the other paths are relative and
/// non-empty, `metric_line` holds `{name}` and `{value}` once each.
#[derive(Debug, Clone, Serialize)]
pub struct ContainerContract {
    pub root: String,
    pub root_env: String,
    pub parameters_file: String,
    pub hosts_file: String,
    pub current_host_key: String,
    pub hosts_key: String,
    pub failure_file: String,
    pub failure_max_bytes: u32,
    pub model_dir: String,
    /// Holds `{name}`.
    pub channel_dir: String,
    /// The text before `{name}`, between `{name}` and `{value}`, and after `{value}`.
    pub metric_line: (String, String, String),
}

/// A repeated message field of a payload whose elements each set an input of the container task.
#[derive(Debug, Clone, Serialize)]
pub struct ContainerParameters {
    /// Proto name of the repeated message field.
    pub field: String,
    /// Proto name of the element's string field naming the input.
    pub name_field: String,
    pub ty: SimpleType,
    /// Proto name of the element's repeated string field of values, for `String`.
    pub values_field: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Target {
    pub id: String,
    pub title: String,
    pub api_version: String,
    pub install: String,
    /// Names of the per-target items in each generated task module.
    pub rust: TargetItems,
}

/// The Rust items a task module defines per target.
#[derive(Debug, Clone, Serialize)]
pub struct TargetItems {
    pub build_fn: String,
    pub interpret_fn: String,
    pub phase_fn: String,
    pub log_links_const: String,
    pub outputs_const: String,
}

impl Target {
    pub fn group(&self) -> &str {
        self.api_version.rsplit_once('/').map_or("", |(g, _)| g)
    }
    pub fn version(&self) -> &str {
        self.api_version.rsplit_once('/').map_or(self.api_version.as_str(), |(_, v)| v)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Message {
    pub full_name: String,
    /// Python class name: nested messages are flattened as `OuterInner`.
    pub type_name: String,
    /// Path of the prost-generated type under `crate::model`: `["outer", "Inner"]`.
    pub rust_path: Vec<String>,
    pub doc: String,
    /// Declaration order.
    pub fields: Vec<Field>,
    /// Rules between fields (`flyteplugin.rules`), in declaration order.
    pub rules: Vec<Rule>,
}

/// A field reached from a message through singular message fields.
#[derive(Debug, Clone, Serialize)]
pub struct FieldRef {
    /// The fields along the path; the last is the one named.
    pub fields: Vec<Field>,
}

impl FieldRef {
    pub fn leaf(&self) -> &Field {
        self.fields.last().expect("lowering builds non-empty paths")
    }
    /// The dotted path in proto names, as errors name it: `stopping_condition.max_wait_seconds`.
    pub fn dotted(&self) -> String {
        self.fields.iter().map(|f| f.name.as_str()).collect::<Vec<_>>().join(".")
    }
}

/// One cross-field rule of a message, checked; `message` is the full error text.
#[derive(Debug, Clone, Serialize)]
pub struct Rule {
    pub name: String,
    pub when: Vec<Condition>,
    pub check: RuleCheck,
    /// What the error says after the field path: the conditions, what they require and why.
    pub message: String,
    /// Every field path the rule involves, for the error's field and the docs.
    pub fields: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Condition {
    pub test: ConditionTest,
    pub negate: bool,
}

#[derive(Debug, Clone, Serialize)]
pub enum ConditionTest {
    /// The field is set, or with values holds one of them (enum value names, or `true`/`false`).
    Field { field: FieldRef, values: Vec<String> },
    /// The task template carries a container.
    Container,
}

#[derive(Debug, Clone, Serialize)]
pub enum RuleCheck {
    /// The conditions must not all hold.
    Forbidden,
    /// Each must be set.
    Requires(Vec<FieldRef>),
    /// None may be set.
    Excludes(Vec<FieldRef>),
    ExactlyOneOf(Vec<FieldRef>),
    AtLeastOneOf(Vec<FieldRef>),
    /// `field op value` or `field op other`, when the sides are set.
    Compare { field: FieldRef, op: CompareOp, value: Option<f64>, other: Option<FieldRef> },
    /// No name twice across these sources.
    Distinct(Vec<NameSource>),
    /// The string at `field` is a name of `source`.
    Member { field: FieldRef, source: Box<NameSource> },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum CompareOp {
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
}

impl CompareOp {
    pub fn symbol(self) -> &'static str {
        match self {
            Self::Less => "<",
            Self::LessOrEqual => "<=",
            Self::Greater => ">",
            Self::GreaterOrEqual => ">=",
        }
    }
}

/// Names in a payload: the string `name_field` of each element of the list `field`, or the keys
/// of the map `field` (`name_field` is `None`).
#[derive(Debug, Clone, Serialize)]
pub struct NameSource {
    pub field: Field,
    pub name_field: Option<Field>,
}

impl NameSource {
    pub fn label(&self) -> String {
        match &self.name_field {
            Some(n) => format!("{}.{}", self.field.name, n.name),
            None => self.field.name.clone(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Field {
    pub name: String,
    pub number: u32,
    /// proto3 JSON name (lowerCamelCase).
    pub json_name: String,
    /// Identifier in generated Python (keywords get a `_` suffix).
    pub python_name: String,
    /// The field as prost-build names it (`imageRef` -> `image_ref`, `type` -> `r#type`).
    pub rust_name: String,
    /// The local the Rust emitter binds a set sub-message to: `rust_name`, unless that is one of
    /// the emitter's own locals.
    pub rust_binding: String,
    pub doc: String,
    pub ty: FieldType,
    pub cardinality: Cardinality,
    /// Per target id.
    pub placements: BTreeMap<String, Placement>,
    pub validation: Validation,
    /// Default in proto3 JSON form.
    pub default: Option<serde_json::Value>,
    pub default_from: Option<ContextSource>,
    pub image_lookup: Option<ImageKey>,
    /// Hidden from the SDK; the backend fills it from its default or context.
    pub backend_only: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowlist: Option<Allowlist>,
}

/// A named allowlist of the deployment's configuration that a value must be admitted by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Allowlist {
    /// Lower snake case.
    pub name: String,
    pub matching: AllowlistMatch,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AllowlistMatch {
    Exact,
    ImageRegistry,
}

/// One place of a resource whose value the backend checks against an allowlist at CreateTask.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AllowlistedPlace {
    pub list: String,
    pub matching: AllowlistMatch,
    /// Keys from the object's root.
    pub path: Vec<String>,
    /// What may set the value, for the error: payload fields and context sources, ` or `-joined.
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "name", rename_all = "snake_case")]
pub enum FieldType {
    String,
    Bool,
    Int32,
    Int64,
    Uint32,
    Uint64,
    Float,
    Double,
    Bytes,
    Duration,
    /// Full name.
    Enum(String),
    /// Full name.
    Message(String),
}

impl FieldType {
    pub fn is_number(&self) -> bool {
        matches!(
            self,
            Self::Int32 | Self::Int64 | Self::Uint32 | Self::Uint64 | Self::Float | Self::Double
        )
    }
    pub fn is_integer(&self) -> bool {
        matches!(self, Self::Int32 | Self::Int64 | Self::Uint32 | Self::Uint64)
    }
    pub fn describe(&self) -> String {
        match self {
            Self::Enum(n) | Self::Message(n) => n.rsplit('.').next().unwrap_or(n).to_string(),
            Self::Duration => "google.protobuf.Duration".into(),
            other => format!("{other:?}").to_lowercase(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Cardinality {
    Single,
    /// proto3 `optional`: presence is tracked.
    Optional,
    Repeated,
    /// `map<string, V>`; `FieldType` is the value type.
    Map,
}

impl Cardinality {
    pub fn describe(&self) -> &'static str {
        match self {
            Self::Single => "a single",
            Self::Optional => "an optional",
            Self::Repeated => "a repeated",
            Self::Map => "a map of",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Placement {
    /// `None` when the target has no such field.
    pub path: Option<CrPath>,
    pub transform: Transform,
    pub note: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Transform {
    AsIs,
    ToString,
    NameValueList,
    KeyValueList,
    Seconds,
    JvmMemory,
}

impl Transform {
    pub fn describe(self) -> &'static str {
        match self {
            Self::AsIs => "",
            Self::ToString => "number to string",
            Self::NameValueList => "map to [{name, value}]",
            Self::KeyValueList => "map to [{key, value}]",
            Self::Seconds => "duration to seconds",
            Self::JvmMemory => "quantity to JVM memory size",
        }
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Validation {
    pub required: bool,
    /// For a required field the backend fills from its context when unset: the other ways to
    /// give the value, named in the error when none gave one.
    pub required_from: Option<String>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub min_len: Option<u32>,
    pub max_len: Option<u32>,
    pub pattern: Option<String>,
    pub at_least_field: Option<String>,
    pub keys_not_in: Vec<String>,
    pub kind: Option<K8sValue>,
}

/// A Kubernetes value type a string must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum K8sValue {
    Quantity,
    LabelValue,
    DnsLabel,
    DnsSubdomain,
}

impl K8sValue {
    pub fn describe(self) -> &'static str {
        match self {
            Self::Quantity => "a Kubernetes quantity",
            Self::LabelValue => "a label value",
            Self::DnsLabel => "a DNS label",
            Self::DnsSubdomain => "a DNS subdomain",
        }
    }
}

impl Validation {
    pub fn is_empty(&self) -> bool {
        self.describe().is_empty()
    }

    /// One line for docs, e.g. `required; 1..=5 entries`.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if self.required {
            parts.push("required".to_string());
        }
        match (self.min, self.max) {
            (Some(a), Some(b)) => parts.push(format!("{a} ..= {b}")),
            (Some(a), None) => parts.push(format!(">= {a}")),
            (None, Some(b)) => parts.push(format!("<= {b}")),
            (None, None) => {}
        }
        match (self.min_len, self.max_len) {
            (Some(a), Some(b)) => parts.push(format!("length {a} ..= {b}")),
            (Some(a), None) => parts.push(format!("length >= {a}")),
            (None, Some(b)) => parts.push(format!("length <= {b}")),
            (None, None) => {}
        }
        if let Some(p) = &self.pattern {
            parts.push(format!("matches `{p}`"));
        }
        if let Some(f) = &self.at_least_field {
            parts.push(format!(">= `{f}`"));
        }
        if !self.keys_not_in.is_empty() {
            parts.push(format!("keys not in {}", self.keys_not_in.join(", ")));
        }
        if let Some(kind) = self.kind {
            parts.push(kind.describe().to_string());
        }
        parts.join("; ")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ContextSource {
    JobName,
    ContainerImage,
    ContainerCommand,
    OutputPrefix,
    IamRole,
    Region,
    PrebuiltImage,
    ContainerArgs,
    ContainerCommandLine,
    ContainerResources,
    ContainerEnv,
    ServiceAccount,
    ExecutionLabels,
    ExecutionAnnotations,
    ContainerResource,
}

impl ContextSource {
    /// Sources that are one text value (what `default_from` can fill a string with).
    pub fn is_text(self) -> bool {
        matches!(
            self,
            Self::JobName
                | Self::ContainerImage
                | Self::ContainerCommand
                | Self::OutputPrefix
                | Self::IamRole
                | Self::Region
                | Self::PrebuiltImage
                | Self::ContainerCommandLine
                | Self::ServiceAccount
        )
    }

    /// Where the backend looks for the value, for the error of a required field it leaves unset:
    /// the ways a user or a deployment can give it besides the field itself.
    pub fn alternatives(self) -> Option<&'static str> {
        match self {
            Self::IamRole => Some(
                "the task's security context (`run_as.iam_role`), the execution's identity, the execution annotation \
                 the backend's `roleAnnotationKey` names, or the backend's `defaultRoleArn`",
            ),
            Self::Region => Some("the backend's `region` setting"),
            _ => None,
        }
    }

    /// What the source's value comes from, in the request's or the deployment's terms (named in
    /// the error when an allowlist refuses it).
    pub fn origin(self) -> &'static str {
        match self {
            Self::JobName => "the job name",
            Self::ContainerImage => "template.container.image",
            Self::ContainerCommand | Self::ContainerArgs | Self::ContainerCommandLine => "template.container.args",
            Self::OutputPrefix => "output_prefix",
            Self::IamRole => "the execution's IAM role",
            Self::Region => "the configured region",
            Self::PrebuiltImage => "the configured prebuilt image",
            Self::ContainerResources | Self::ContainerResource => "template.container.resources",
            Self::ContainerEnv => "template.container.env",
            Self::ServiceAccount => "task_execution_metadata.k8s_service_account",
            Self::ExecutionLabels => "task_execution_metadata.labels",
            Self::ExecutionAnnotations => "task_execution_metadata.annotations",
        }
    }

    /// Sources that add entries to a collection rather than fill one place.
    pub fn adds_entries(self) -> bool {
        matches!(self, Self::ContainerEnv | Self::ExecutionLabels | Self::ExecutionAnnotations)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ImageKey {
    Algorithm,
    Version,
}

#[derive(Debug, Clone, Serialize)]
pub struct Enum {
    pub full_name: String,
    /// Python class name (flattened like messages).
    pub type_name: String,
    /// Path of the prost-generated enum under `crate::model`.
    pub rust_path: Vec<String>,
    /// Module-level tables behind the Python enum's `api` and `unsupported_in`.
    pub python_api_table: String,
    pub python_unsupported_table: String,
    pub doc: String,
    /// Declaration order; the zero "unset" value first.
    pub values: Vec<EnumValue>,
}

#[derive(Debug, Clone, Serialize)]
pub struct EnumValue {
    pub name: String,
    pub number: i32,
    /// The variant prost-build generates.
    pub rust_variant: String,
    /// The Python enum member: the value name without the enum's prefix when every member can
    /// drop it, keywords suffixed with `_`.
    pub python_member: String,
    pub doc: String,
    /// `None` only for the zero value, which means "not set".
    pub api: Option<String>,
    pub unsupported_in: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TaskType {
    pub name: String,
    pub version: i32,
    pub python_class: String,
    /// The task's module in the generated crate (`src/<rust_module>.rs`).
    pub rust_module: String,
    /// Full name of the payload message.
    pub message: String,
    pub doc: String,
    pub runs_task_container: bool,
    pub inputs: Vec<Input>,
    pub outputs: Vec<Output>,
    /// Sorted by target id, one per target of the plugin.
    pub resources: Vec<Resource>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub container_parameters: Vec<ContainerParameters>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FlyteType {
    Simple { simple: SimpleType },
    Blob { format: String, multipart: bool },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SimpleType {
    String,
    Integer,
    Float,
    Boolean,
    Struct,
}

#[derive(Debug, Clone, Serialize)]
pub struct Input {
    /// Fixed name, or `None` for one input per element of `per_element_of`.
    pub name: Option<String>,
    pub ty: FlyteType,
    /// Field path (proto names, dotted) in the payload message, or in the element message.
    pub into: String,
    pub per_element_of: Option<String>,
    pub name_field: Option<String>,
    pub required: bool,
    pub doc: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Output {
    pub name: String,
    pub ty: FlyteType,
    pub doc: String,
}

/// The names `machinery::naming` can make (its `NameShape`): lower-case letters and digits in
/// runs joined by single `-`, and, for `LetterFirst`, starting with a letter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum NameShape {
    Plain,
    LetterFirst,
}

#[derive(Debug, Clone, Serialize)]
pub struct Resource {
    /// The resource's option in the `.proto`.
    #[serde(skip)]
    pub origin: Origin,
    pub target: String,
    pub kind: String,
    pub plural: String,
    pub namespaced: bool,
    pub name_max_length: u32,
    pub name_pattern: String,
    /// The shape of name the backend makes, chosen so that `name_pattern` accepts every one.
    pub name_shape: NameShape,
    pub context: Vec<ContextValue>,
    pub status: Status,
    /// Sorted by output name.
    pub outputs: Vec<OutputSource>,
    pub log_links: Vec<LogLink>,
    /// Fixed values, written after everything else.
    pub constants: Vec<Constant>,
    /// Every payload field that lands in this resource, flattened, in declaration order.
    pub fields: Vec<MappedField>,
    /// The places checked against allowlists, one per list and path, sorted.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub allowlisted: Vec<AllowlistedPlace>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ContextValue {
    #[serde(skip)]
    pub origin: Origin,
    pub source: ContextSource,
    pub path: CrPath,
    pub key_prefix: String,
    pub chunk_size: u32,
    pub transform: Transform,
    /// For CONTAINER_COMMAND: the JSON file the container reads the entries from; empty for
    /// environment variables.
    pub container_file: String,
    /// Most entries the collection at `path` may hold after the context entries are added.
    pub max_entries: Option<u32>,
    /// For CONTAINER_RESOURCE: which resource, e.g. `requests.cpu`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource: Option<ResourceRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowlist: Option<Allowlist>,
    /// CreateTask fails naming [`ContextSource::origin`] when the value is missing.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub required: bool,
}

/// One resource of the task container: a request or a limit of a Kubernetes resource name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResourceRef {
    /// `requests` or `limits`.
    pub side: String,
    /// The Kubernetes resource name, e.g. `cpu`, `nvidia.com/gpu`.
    pub name: String,
}

impl ResourceRef {
    /// The resource names flytekit's `Resources` can set (as the backend names them).
    pub const NAMES: [&'static str; 5] = ["cpu", "memory", "nvidia.com/gpu", "ephemeral-storage", "storage"];

    /// `requests.cpu` -> side and name; `None` for anything else.
    pub fn parse(text: &str) -> Option<Self> {
        let (side, name) = text.split_once('.')?;
        (matches!(side, "requests" | "limits") && Self::NAMES.contains(&name)).then(|| Self { side: side.to_string(), name: name.to_string() })
    }
}

impl std::fmt::Display for ResourceRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.side, self.name)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Constant {
    #[serde(skip)]
    pub origin: Origin,
    pub path: CrPath,
    pub value: serde_json::Value,
}

#[derive(Debug, Clone, Serialize)]
pub struct Status {
    /// `None` when every rule matches conditions.
    pub phase_path: Option<CrPath>,
    pub rules: Vec<PhaseRule>,
    pub otherwise: Phase,
    pub otherwise_message: Template,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
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
    pub fn describe(self) -> &'static str {
        match self {
            Self::Queued => "QUEUED",
            Self::Initializing => "INITIALIZING",
            Self::WaitingForResources => "WAITING_FOR_RESOURCES",
            Self::Running => "RUNNING",
            Self::Succeeded => "SUCCEEDED",
            Self::RetryableFailure => "RETRYABLE_FAILED",
            Self::PermanentFailure => "FAILED",
            Self::Aborted => "ABORTED",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct PhaseRule {
    pub matcher: Matcher,
    /// Every text must also match its pattern.
    #[serde(rename = "where", skip_serializing_if = "Vec::is_empty")]
    pub where_: Vec<TextMatch>,
    pub phase: Phase,
    pub message: Template,
}

#[derive(Debug, Clone, Serialize)]
pub struct TextMatch {
    pub subject: Subject,
    pub pattern: String,
}

/// The text a [`TextMatch`] reads.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", content = "path", rename_all = "snake_case")]
pub enum Subject {
    Path(CrPath),
    ConditionReason,
    ConditionMessage,
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Matcher {
    Status {
        values: Vec<String>,
        secondary: Option<(CrPath, Vec<String>)>,
    },
    Condition {
        condition_type: String,
    },
    /// The latest true condition (by `lastTransitionTime`) has this type.
    LatestCondition {
        condition_type: String,
    },
}

impl Matcher {
    /// Whether `{condition.*}` is known in the rule.
    pub fn has_condition(&self) -> bool {
        matches!(self, Self::Condition { .. } | Self::LatestCondition { .. })
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct OutputSource {
    pub output: String,
    pub value: Template,
}

#[derive(Debug, Clone, Serialize)]
pub struct LogLink {
    pub name: String,
    pub uri: Template,
}

/// Where in a `.proto` a piece of the model came from, for diagnostics raised after lowering
/// (CRD schema checks). Not part of the model's meaning, so never serialized.
#[derive(Debug, Clone, Default)]
pub struct Origin {
    pub file: String,
    pub offset: usize,
    pub len: usize,
}

/// One payload field flattened to its absolute place in a resource.
#[derive(Debug, Clone, Serialize)]
pub struct MappedField {
    #[serde(skip)]
    pub origin: Origin,
    /// Proto field path from the payload root, `[]` marking list elements: `channels[].name`.
    pub proto_path: String,
    pub ty: FieldType,
    pub cardinality: Cardinality,
    /// Absolute CR path, `None` when unsupported by this target.
    pub cr_path: Option<CrPath>,
    pub transform: Transform,
    pub note: String,
    pub default: Option<serde_json::Value>,
    pub default_from: Option<ContextSource>,
    pub validation: Validation,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowlist: Option<Allowlist>,
}
