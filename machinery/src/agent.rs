//! The agent logic: turns Flyte agent requests into objects of a generated plugin and back.
//!
//! [`PluginBackend`] implements [`Backend`] for any [`PluginDef`] over any [`ObjectStore`]. It is
//! stateless: everything it needs later travels in `resource_meta` (namespace, name, task type,
//! target) or lives in Kubernetes, so restarts and several replicas lose nothing.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::Mutex;
use tonic::Status;

use crate::backend::{Backend, TaskTypeInfo};
use crate::echo::shown;
use crate::inputs::Inputs;
use crate::metrics::Metrics;
use crate::naming::{self, ExecutionKey};
use crate::plugin::{BuildContext, BuildRequest, InvalidInput, OutputValue, Phase, PluginDef, PluginSettings, ResourceDef, TargetDef, TaskTypeDef};
use crate::proto::flyteidl::{admin, core};
use crate::retry;
use crate::store::{Created, ObjectStore, StoreError};

/// Settings of the agent logic (the plugin-independent part of the backend configuration).
#[derive(Debug, Clone, PartialEq)]
pub struct AgentSettings {
    /// Target id the backend drives (`ack`, `operator`, ...).
    pub target: String,
    /// Region used when a task sets none.
    pub region: Option<String>,
    /// IAM role used when neither the task nor the execution names one.
    pub default_role: Option<String>,
    /// Execution annotation holding a role (checked after the task's and execution's identity).
    pub role_annotation_key: Option<String>,
    /// Prebuilt images: algorithm -> region -> version -> image.
    pub images: BTreeMap<String, BTreeMap<String, BTreeMap<String, String>>>,
    /// Finished objects created by this backend are deleted this long after GetTask first
    /// reported their terminal phase (propeller never calls DeleteTask after success or failure).
    pub gc_ttl: Duration,
    /// A finished object whose result no GetTask ever reported (its workflow was deleted, say) is
    /// deleted this long after this process first saw it finished.
    pub gc_unreported_ttl: Duration,
    /// How long CreateTask may spend retrying the Kubernetes API; must stay below propeller's
    /// CreateTask deadline, or propeller starts a new attempt while this one is still trying.
    pub create_budget: Duration,
    /// How long GetTask may spend reading an object the cache has not seen yet.
    pub get_budget: Duration,
    /// How long a succeeded job whose outputs cannot be read yet is reported as RUNNING
    /// ("waiting for outputs") before it becomes a failure.
    pub outputs_grace: Duration,
    /// Signs `resource_meta` and checks what comes back.
    pub signer: Signer,
    /// The namespaces this backend may act in (every RPC); `None`: all.
    pub namespaces: Option<Vec<String>>,
    /// Caps on what one request may make the backend decode (the server checks the wire bytes
    /// against the same caps before this code runs).
    pub limits: crate::limits::Limits,
    /// The plugin's own settings (its proto's `Plugin.settings`), resolved.
    pub plugin: PluginSettings,
    /// Values admitted per namespace at the plugin's allowlisted places (see [`crate::allowlist`]).
    pub allowlists: crate::allowlist::Allowlists,
}

impl AgentSettings {
    /// Defaults for everything but the target and the signing keys.
    pub fn new(target: &str, signer: Signer) -> Self {
        Self {
            signer,
            namespaces: None,
            limits: crate::limits::Limits::default(),
            allowlists: BTreeMap::new(),
            target: target.to_string(),
            region: None,
            default_role: None,
            role_annotation_key: None,
            images: BTreeMap::new(),
            gc_ttl: DEFAULT_GC_TTL,
            gc_unreported_ttl: DEFAULT_GC_UNREPORTED_TTL,
            create_budget: DEFAULT_CREATE_BUDGET,
            get_budget: DEFAULT_GET_BUDGET,
            outputs_grace: DEFAULT_OUTPUTS_GRACE,
            plugin: PluginSettings::default(),
        }
    }
}

pub const DEFAULT_GC_TTL: Duration = Duration::from_secs(3600);
pub const DEFAULT_GC_UNREPORTED_TTL: Duration = Duration::from_secs(7 * 24 * 3600);
/// 7 s: 3 s below propeller's default CreateTask deadline of 10 s (`defaultTimeout`).
pub const DEFAULT_CREATE_BUDGET: Duration = Duration::from_secs(7);
/// 5 s: half of propeller's default GetTask deadline.
pub const DEFAULT_GET_BUDGET: Duration = Duration::from_secs(5);
pub const DEFAULT_OUTPUTS_GRACE: Duration = Duration::from_secs(600);

/// After CreateTask gave up on an ambiguous failure, how long the background clean-up keeps
/// trying to delete the object that may have been created (it outlasts an API outage).
const CLEANUP_WINDOW: Duration = Duration::from_secs(600);
/// How long the clean-up keeps looking after a 404: a create the API server had received but
/// not yet applied when CreateTask gave up may still land.
const CLEANUP_SETTLE: Duration = Duration::from_secs(30);

/// Which task execution (`project/domain/execution/node/task/attempt`) an object belongs to.
pub const TASK_EXECUTION_ANNOTATION: &str = "flyte.org/task-execution";
/// Unix seconds at which a GetTask first reported the object's terminal phase; the garbage
/// collector's clock (on the object, so replicas and restarts agree).
pub const RESULT_REPORTED_ANNOTATION: &str = "flyte.org/result-reported-at";
/// Unix seconds at which a GetTask first saw the job succeeded with outputs not yet readable.
pub const OUTPUTS_PENDING_ANNOTATION: &str = "flyte.org/outputs-pending-since";

pub use crate::resource_meta::ResourceMeta;
use crate::resource_meta::{Signer, execution_digest};

/// The label every object of this backend carries: the watch selector and the GC scope.
pub const MANAGED_BY_LABEL: &str = "app.kubernetes.io/managed-by";

/// `<plugin>-flyte-agent`: the value of [`MANAGED_BY_LABEL`].
pub fn managed_by(plugin: &PluginDef) -> String {
    format!("{}-flyte-agent", plugin.name)
}

pub struct PluginBackend<S: ObjectStore> {
    plugin: &'static PluginDef,
    target: &'static TargetDef,
    settings: AgentSettings,
    store: Arc<S>,
    task_types: Vec<TaskTypeInfo>,
    metrics: Arc<Metrics>,
    /// When each finished object was first seen finished, for garbage collection.
    finished_since: Mutex<BTreeMap<(String, String, String), Instant>>,
}

impl<S: ObjectStore> PluginBackend<S> {
    pub fn new(plugin: &'static PluginDef, settings: AgentSettings, store: Arc<S>, metrics: Arc<Metrics>) -> Result<Self, String> {
        let target = plugin.target(&settings.target).ok_or_else(|| {
            let known: Vec<&str> = plugin.targets.iter().map(|t| t.id).collect();
            format!("unknown target `{}`; this plugin supports: {}", settings.target, known.join(", "))
        })?;
        let task_types = plugin.task_types.iter().map(|t| TaskTypeInfo { name: t.name.to_string(), version: t.version }).collect();
        let known: Vec<&str> = plugin.task_types.iter().flat_map(|t| t.resources).flat_map(|r| r.allowlisted).map(|a| a.list).collect();
        let unknown = crate::allowlist::unknown_lists(&settings.allowlists, &known);
        if !unknown.is_empty() {
            let mut known = known;
            known.sort_unstable();
            known.dedup();
            return Err(format!(
                "allowlists: {} {} not an allowlist of this plugin (it has: {})",
                unknown.join(", "),
                if unknown.len() == 1 { "is" } else { "are" },
                if known.is_empty() { "none".to_string() } else { known.join(", ") }
            ));
        }
        Ok(Self { plugin, target, settings, store, task_types, metrics, finished_since: Mutex::new(BTreeMap::new()) })
    }

    /// The resources of the configured target: what the store must watch.
    pub fn resources(plugin: &'static PluginDef, target: &str) -> Vec<&'static ResourceDef> {
        plugin.task_types.iter().filter_map(|t| t.resource(target)).collect()
    }

    fn task_type(&self, name: &str, field: &str) -> Result<&'static TaskTypeDef, Status> {
        self.plugin
            .task_type(name)
            .ok_or_else(|| Status::invalid_argument(format!("{field}: task type `{}` is not served by this backend", shown(name))))
    }

    /// Deletes finished objects whose result was reported at least the TTL ago (or, never
    /// reported, that were seen finished for the unreported TTL); returns how many were deleted.
    /// Also refreshes the objects-by-phase gauge.
    pub async fn collect_garbage(&self) -> Result<usize, StoreError> {
        let mut deleted = 0;
        let mut by_phase: BTreeMap<&'static str, i64> = BTreeMap::new();
        let mut finished = self.finished_since.lock().await;
        let mut still_present = std::collections::BTreeSet::new();
        for task in self.plugin.task_types {
            let Some(resource) = task.resource(self.target.id) else { continue };
            // One object at a time (see `ObjectStore::for_each`); the deletions come after.
            let mut due = Vec::new();
            let count = self
                .store
                .for_each(resource, &mut |object| {
                    let phase = (task.interpret)(self.target.id, object, &self.settings.plugin).phase;
                    *by_phase.entry(phase.as_str()).or_default() += 1;
                    if !phase.is_terminal() || !object["metadata"]["deletionTimestamp"].is_null() {
                        return;
                    }
                    let ns = object["metadata"]["namespace"].as_str().unwrap_or_default().to_string();
                    let name = object["metadata"]["name"].as_str().unwrap_or_default().to_string();
                    let key = (resource.plural.to_string(), ns.clone(), name.clone());
                    still_present.insert(key.clone());
                    let since = *finished.entry(key).or_insert_with(Instant::now);
                    let due_now = match annotation_seconds(object, RESULT_REPORTED_ANNOTATION) {
                        Some(reported) => unix_now().saturating_sub(reported) >= self.settings.gc_ttl.as_secs(),
                        None => since.elapsed() >= self.settings.gc_unreported_ttl,
                    };
                    if due_now {
                        due.push((ns, name, phase));
                    }
                })
                .await?;
            self.metrics.set_cached_objects(resource.kind, count as i64);
            for (ns, name, phase) in due {
                self.store.delete(resource, &ns, &name).await?;
                deleted += 1;
                tracing::info!(namespace = %ns, name = %name, phase = phase.as_str(), "deleted finished object after its TTL");
            }
        }
        finished.retain(|key, _| still_present.contains(key));
        self.metrics.set_objects_by_phase(&by_phase);
        Ok(deleted)
    }

    /// The `resource_meta` of a poll or delete: signed by this deployment, in scope, naming a
    /// task type and target this backend serves.
    fn open_meta(&self, bytes: &[u8]) -> Result<(ResourceMeta, &'static TaskTypeDef, &'static ResourceDef), Status> {
        let meta = self.settings.signer.open(bytes)?;
        self.check_scope(&meta.ns, "resource_meta.ns")?;
        let task = self.task_type(&meta.task_type, "resource_meta.type")?;
        let resource = task
            .resource(&meta.target)
            .ok_or_else(|| Status::invalid_argument(format!("resource_meta.target: unknown target `{}`", shown(&meta.target))))?;
        Ok((meta, task, resource))
    }

    /// `namespaces:` applies to every RPC, not only to what the watches see.
    fn check_scope(&self, namespace: &str, field: &str) -> Result<(), Status> {
        match &self.settings.namespaces {
            Some(allowed) if !allowed.iter().any(|n| n == namespace) => {
                Err(Status::permission_denied(format!("{field}: namespace {:?} is not served by this backend", shown(namespace))))
            }
            _ => Ok(()),
        }
    }

    /// The object under a signed meta's name must still be the one the meta was made for.
    fn check_owned(&self, object: &serde_json::Value, resource: &ResourceDef, meta: &ResourceMeta) -> Result<(), Status> {
        let metadata = &object["metadata"];
        let labelled = metadata["labels"][MANAGED_BY_LABEL].as_str() == Some(managed_by(self.plugin).as_str());
        let annotated = metadata["annotations"][TASK_EXECUTION_ANNOTATION].as_str().map(execution_digest).as_deref() == Some(meta.x.as_str());
        if labelled && annotated {
            return Ok(());
        }
        Err(Status::permission_denied(format!(
            "{} {}/{} was not created by this backend for this task execution; it is left alone",
            resource.kind, meta.ns, meta.name
        )))
    }

    /// An object of this attempt's name exists already: a repeated CreateTask (propeller lost
    /// its reply) or a retry whose first try landed. It is ours only if it carries this
    /// execution's annotation and this backend's label; otherwise someone else chose the name
    /// first, and adopting it would run their job for this execution.
    async fn adopt(&self, resource: &'static ResourceDef, namespace: &str, name: &str, execution: &str, deadline: tokio::time::Instant) -> Result<(), Status> {
        let existing = retry::within(deadline, || self.store.get_from_api(resource, namespace, name))
            .await
            .map_err(|e| refused_or(e, |e| Status::unavailable(format!("{} {namespace}/{name} exists but cannot be read: {e}", resource.kind))))?;
        match existing {
            Some(object) if is_ours(&object, &managed_by(self.plugin), execution) => {
                tracing::info!(namespace, name, "object of this attempt already exists; CreateTask is idempotent");
                Ok(())
            }
            // Deleted in between: the caller's retry will create it.
            None => Err(Status::unavailable(format!("{} {namespace}/{name} existed a moment ago and is gone; retry", resource.kind))),
            Some(_) => Err(Status::already_exists(format!(
                "{} {namespace}/{name} exists but was not created by this backend for this task execution; it is left alone",
                resource.kind
            ))),
        }
    }

    /// After CreateTask gave up without knowing whether the object was created, deletes it if
    /// it appears, so no job runs that propeller never hears of (propeller's next attempt uses a
    /// new name). Only an object carrying this execution's annotation is deleted, by uid.
    fn clean_up_later(&self, resource: &'static ResourceDef, namespace: &str, name: &str, execution: &str) {
        let store = self.store.clone();
        let managed_by = managed_by(self.plugin);
        let (namespace, name, execution) = (namespace.to_string(), name.to_string(), execution.to_string());
        tokio::spawn(async move {
            let started = Instant::now();
            let mut delay = Duration::from_millis(200);
            while started.elapsed() < CLEANUP_WINDOW {
                match store.get_from_api(resource, &namespace, &name).await {
                    Ok(Some(object)) if is_ours(&object, &managed_by, &execution) => {
                        let uid = object["metadata"]["uid"].as_str().unwrap_or_default().to_string();
                        if store.delete_uid(resource, &namespace, &name, &uid).await.is_ok() {
                            tracing::info!(namespace = %namespace, name = %name, "deleted the object of a CreateTask that gave up");
                            return;
                        }
                    }
                    Ok(Some(_)) => return,
                    Ok(None) if started.elapsed() >= CLEANUP_SETTLE => return,
                    Ok(None) | Err(_) => {}
                }
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(10));
            }
            tracing::warn!(namespace = %namespace, name = %name, "gave up deleting the object of a failed CreateTask; the garbage collector will not see it unless it finishes");
        });
    }

    /// A succeeded job whose outputs cannot be read yet (the controller may still be writing
    /// status): RUNNING for the grace period, counted from the first such poll (recorded on the
    /// object), then a permanent failure saying why.
    async fn outputs_pending(&self, resource: &'static ResourceDef, meta: &ResourceMeta, object: &serde_json::Value, why: String) -> (Phase, String) {
        let mut since = annotation_seconds(object, OUTPUTS_PENDING_ANNOTATION);
        if since.is_none() {
            // The cache may lag behind an earlier poll's record; restarting the grace on every
            // lagging poll would make it endless, so the API decides.
            if let Ok(Some(fresh)) = self.store.get_from_api(resource, &meta.ns, &meta.name).await {
                since = annotation_seconds(&fresh, OUTPUTS_PENDING_ANNOTATION);
            }
        }
        match since {
            Some(since) if unix_now().saturating_sub(since) >= self.settings.outputs_grace.as_secs() => (
                Phase::PermanentFailure,
                format!("the job succeeded but its outputs stayed unreadable for {} s: {why}", self.settings.outputs_grace.as_secs()),
            ),
            Some(_) => (Phase::Running, format!("waiting for outputs: {why}")),
            None => {
                self.record(resource, meta, OUTPUTS_PENDING_ANNOTATION).await;
                (Phase::Running, format!("waiting for outputs: {why}"))
            }
        }
    }

    /// Records the current time under `annotation` on the object. Best effort: if it fails, the
    /// next poll tries again, and until then the collector leaves the object alone.
    async fn record(&self, resource: &'static ResourceDef, meta: &ResourceMeta, annotation: &str) {
        let now = unix_now().to_string();
        if let Err(e) = self.store.annotate(resource, &meta.ns, &meta.name, &[(annotation, &now)]).await {
            tracing::info!(namespace = %meta.ns, name = %meta.name, annotation, error = %e, "cannot annotate the object yet");
        }
    }

    fn build_context(&self, request: &admin::CreateTaskRequest, template: &core::TaskTemplate, job_name: String) -> Result<BuildContext, InvalidInput> {
        let metadata = request.task_execution_metadata.as_ref();
        let role = template
            .security_context
            .as_ref()
            .and_then(|s| s.run_as.as_ref())
            .map(|i| i.iam_role.clone())
            .filter(|r| !r.is_empty())
            .or_else(|| metadata.and_then(|m| m.identity.as_ref()).map(|i| i.iam_role.clone()).filter(|r| !r.is_empty()))
            .or_else(|| {
                let key = self.settings.role_annotation_key.as_deref()?;
                metadata?.annotations.get(key).cloned().filter(|r| !r.is_empty())
            })
            .or_else(|| self.settings.default_role.clone());
        let container = match &template.target {
            Some(core::task_template::Target::Container(c)) => Some(c),
            _ => None,
        };
        Ok(BuildContext {
            job_name,
            container_image: container.map(|c| c.image.clone()).filter(|i| !i.is_empty()),
            container_command: container.map(|c| c.command.iter().chain(&c.args).cloned().collect()).filter(|c: &Vec<String>| !c.is_empty()),
            container_resources: crate::container::resources(container.and_then(|c| c.resources.as_ref()))?,
            container_env: container.map(crate::container::env).transpose()?.unwrap_or_default(),
            service_account: metadata.map(|m| m.k8s_service_account.clone()).filter(|s| !s.is_empty()),
            labels: metadata.map(|m| crate::container::sorted(&m.labels)).unwrap_or_default(),
            annotations: metadata.map(|m| crate::container::sorted(&m.annotations)).unwrap_or_default(),
            output_prefix: request.output_prefix.clone(),
            iam_role: role,
            region: self.settings.region.clone(),
            images: self.settings.images.clone(),
        })
    }
}

/// Seconds since the Unix epoch.
fn unix_now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// The Unix seconds stored under `annotation`, if any.
fn annotation_seconds(object: &serde_json::Value, annotation: &str) -> Option<u64> {
    object["metadata"]["annotations"][annotation].as_str()?.parse().ok()
}

/// Whether `object` was created by this backend (`managed_by` label) for `execution`.
fn is_ours(object: &serde_json::Value, managed_by: &str, execution: &str) -> bool {
    let metadata = &object["metadata"];
    metadata["labels"][MANAGED_BY_LABEL].as_str() == Some(managed_by) && metadata["annotations"][TASK_EXECUTION_ANNOTATION].as_str() == Some(execution)
}

/// Every input must be one the task's interface declares, checked before any input is decoded:
/// an undeclared input is read by nothing, so decoding it (a big collection, say) could only
/// cost memory and time.
fn check_declared(inputs: &core::LiteralMap, template: &core::TaskTemplate) -> Result<(), Status> {
    let declared = template.interface.as_ref().and_then(|i| i.inputs.as_ref()).map(|v| &v.variables);
    for name in inputs.literals.keys() {
        if !declared.is_some_and(|d| d.contains_key(name)) {
            let mut known: Vec<&str> = declared.map(|d| d.keys().map(String::as_str).collect()).unwrap_or_default();
            known.sort_unstable();
            return Err(Status::invalid_argument(format!(
                "inputs.{}: not an input of the task (template.interface declares: {})",
                shown(name),
                if known.is_empty() { "none".to_string() } else { shown(&known.join(", ")) }
            )));
        }
    }
    Ok(())
}

/// A namespace must be a DNS-1123 label, or the API answers 404 for a request the caller got wrong.
fn check_namespace(namespace: &str) -> Result<(), Status> {
    let valid = !namespace.is_empty()
        && namespace.len() <= 63
        && namespace.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !namespace.starts_with('-')
        && !namespace.ends_with('-');
    if valid {
        return Ok(());
    }
    Err(Status::invalid_argument(format!(
        "task_execution_metadata.namespace: {:?} is not a Kubernetes namespace name (at most 63 of a-z, 0-9 and '-', starting and ending alphanumeric)",
        shown(namespace)
    )))
}

fn invalid(e: InvalidInput) -> Status {
    Status::invalid_argument(e.to_string())
}

fn store_status(e: StoreError) -> Status {
    match e {
        StoreError::Unavailable(m) => Status::unavailable(m),
        StoreError::Rejected(m) => Status::invalid_argument(format!("the Kubernetes API rejected the request: {m}")),
        StoreError::Denied(m) => denied(&m),
    }
}

/// The API server refused the backend itself (its token or its RBAC): PERMISSION_DENIED wherever
/// it happens, never a fault of the task nor an outage to wait out.
fn denied(why: &str) -> Status {
    Status::permission_denied(format!("the Kubernetes API refused the backend: {why}"))
}

/// `gave_up` as a Status: [`denied`] for a refusal of the backend, else what `otherwise` says.
fn refused_or(gave_up: retry::GaveUp, otherwise: impl FnOnce(retry::GaveUp) -> Status) -> Status {
    match gave_up {
        retry::GaveUp::Denied(why) => denied(&why),
        other => otherwise(other),
    }
}

/// The value of [`TASK_EXECUTION_ANNOTATION`] for `key`.
fn execution_annotation(key: &ExecutionKey) -> String {
    format!("{}/{}/{}/{}/{}/{}", key.project, key.domain, key.execution, key.node_id, key.task, key.retry_attempt)
}

fn execution_key(id: &core::TaskExecutionIdentifier) -> ExecutionKey {
    let node = id.node_execution_id.as_ref();
    let exec = node.and_then(|n| n.execution_id.as_ref());
    ExecutionKey {
        org: exec.map(|e| e.org.clone()).unwrap_or_default(),
        project: exec.map(|e| e.project.clone()).unwrap_or_default(),
        domain: exec.map(|e| e.domain.clone()).unwrap_or_default(),
        execution: exec.map(|e| e.name.clone()).unwrap_or_default(),
        node_id: node.map(|n| n.node_id.clone()).unwrap_or_default(),
        task: id.task_id.as_ref().map(|t| t.name.clone()).unwrap_or_default(),
        retry_attempt: id.retry_attempt,
    }
}

/// A label value: at most 63 characters of `[A-Za-z0-9._-]`, alphanumeric at both ends.
fn label_value(text: &str) -> String {
    let cleaned: String = text.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') { c } else { '-' }).take(63).collect();
    cleaned.trim_matches(|c: char| !c.is_ascii_alphanumeric()).to_string()
}

fn labels(plugin: &PluginDef, task: &TaskTypeDef, key: &ExecutionKey) -> serde_json::Map<String, serde_json::Value> {
    let mut labels = serde_json::Map::new();
    let mut put = |k: &str, v: &str| {
        let v = label_value(v);
        if !v.is_empty() {
            labels.insert(k.to_string(), serde_json::Value::String(v));
        }
    };
    put(MANAGED_BY_LABEL, &managed_by(plugin));
    put("flyte.org/task-type", task.name);
    put("flyte.org/project", &key.project);
    put("flyte.org/domain", &key.domain);
    put("flyte.org/execution", &key.execution);
    put("flyte.org/node", &key.node_id);
    put("flyte.org/attempt", &key.retry_attempt.to_string());
    labels
}

/// Adds apiVersion, kind and metadata to the object a plugin built.
fn complete_object(mut object: serde_json::Value, resource: &ResourceDef, name: &str, namespace: &str, labels: serde_json::Map<String, serde_json::Value>, execution: &str) -> serde_json::Value {
    let map = object.as_object_mut().expect("plugins build JSON objects");
    map.insert("apiVersion".into(), resource.api_version.into());
    map.insert("kind".into(), resource.kind.into());
    let metadata = map.entry("metadata").or_insert_with(|| serde_json::json!({}));
    let metadata = metadata.as_object_mut().expect("metadata is an object");
    metadata.insert("name".into(), name.into());
    if resource.namespaced {
        metadata.insert("namespace".into(), namespace.into());
    }
    let existing = metadata.entry("labels").or_insert_with(|| serde_json::json!({}));
    if let Some(existing) = existing.as_object_mut() {
        existing.extend(labels);
    }
    let annotations = metadata.entry("annotations").or_insert_with(|| serde_json::json!({}));
    if let Some(annotations) = annotations.as_object_mut() {
        annotations.insert(TASK_EXECUTION_ANNOTATION.into(), execution.into());
    }
    // apiVersion, kind and metadata first, as people write objects.
    let mut ordered = serde_json::Map::new();
    for key in ["apiVersion", "kind", "metadata"] {
        if let Some(v) = map.remove(key) {
            ordered.insert(key.to_string(), v);
        }
    }
    ordered.extend(std::mem::take(map));
    serde_json::Value::Object(ordered)
}

fn phase_proto(phase: Phase) -> core::task_execution::Phase {
    use core::task_execution::Phase as P;
    match phase {
        Phase::Queued => P::Queued,
        Phase::Initializing => P::Initializing,
        Phase::WaitingForResources => P::WaitingForResources,
        Phase::Running => P::Running,
        Phase::Succeeded => P::Succeeded,
        Phase::RetryableFailure => P::RetryableFailed,
        Phase::PermanentFailure => P::Failed,
        Phase::Aborted => P::Aborted,
    }
}

fn output_literal(value: OutputValue) -> core::Literal {
    use core::literal::Value as L;
    use core::primitive::Value as P;
    use core::scalar::Value as S;
    let primitive = |value: P| S::Primitive(core::Primitive { value: Some(value) });
    let scalar = match value {
        OutputValue::Blob { uri, format, multipart } => S::Blob(core::Blob {
            metadata: Some(core::BlobMetadata {
                r#type: Some(core::BlobType {
                    format,
                    dimensionality: if multipart { core::blob_type::BlobDimensionality::Multipart } else { core::blob_type::BlobDimensionality::Single } as i32,
                }),
            }),
            uri,
        }),
        OutputValue::String(s) => primitive(P::StringValue(s)),
        OutputValue::Integer(i) => primitive(P::Integer(i)),
        OutputValue::Float(f) => primitive(P::FloatValue(f)),
        OutputValue::Boolean(b) => primitive(P::Boolean(b)),
    };
    core::Literal { value: Some(L::Scalar(Box::new(core::Scalar { value: Some(scalar) }))), ..Default::default() }
}

#[tonic::async_trait]
impl<S: ObjectStore> Backend for PluginBackend<S> {
    fn agent_name(&self) -> &str {
        self.plugin.title
    }

    fn task_types(&self) -> &[TaskTypeInfo] {
        &self.task_types
    }

    async fn create_task(&self, request: admin::CreateTaskRequest) -> Result<admin::CreateTaskResponse, Status> {
        // The budget starts with the request: decoding counts against propeller's deadline too.
        let deadline = tokio::time::Instant::now() + self.settings.create_budget;
        let template = request.template.as_ref().ok_or_else(|| Status::invalid_argument("template: missing"))?;
        let task = self.task_type(&template.r#type, "template.type")?;
        if template.task_type_version != task.version {
            return Err(Status::invalid_argument(format!(
                "template.task_type_version: {} is not served; `{}` is served at version {}",
                template.task_type_version, task.name, task.version
            )));
        }
        let resource = task
            .resource(self.target.id)
            .ok_or_else(|| Status::internal(format!("task type `{}` has no resource in target `{}`", task.name, self.target.id)))?;
        let metadata = request
            .task_execution_metadata
            .as_ref()
            .ok_or_else(|| Status::invalid_argument("task_execution_metadata: missing"))?;
        let id = metadata
            .task_execution_id
            .as_ref()
            .ok_or_else(|| Status::invalid_argument("task_execution_metadata.task_execution_id: missing"))?;
        if resource.namespaced {
            check_namespace(&metadata.namespace)?;
        }
        self.check_scope(&metadata.namespace, "task_execution_metadata.namespace")?;
        // Every attempt has an output location (propeller always sends it); outputs, and any
        // default taken from it, would otherwise land nowhere.
        if request.output_prefix.trim().is_empty() {
            return Err(Status::invalid_argument("output_prefix: missing; it is the attempt's output location"));
        }
        let key = execution_key(id);
        let name = naming::fitted_name(&key, resource.name_max_length, resource.name_shape, resource.name_pattern).map_err(Status::internal)?;
        let limits = &self.settings.limits;
        if let Some(map) = &request.inputs {
            check_declared(map, template)?;
        }
        let custom = match &template.custom {
            Some(custom) => crate::decode::struct_to_json(custom, "template.custom", limits.max_depth).map_err(invalid)?,
            None => serde_json::json!({}),
        };
        let inputs = match &request.inputs {
            Some(map) => Inputs::from_literal_map(map, limits).map_err(invalid)?,
            None => Inputs::default(),
        };
        let context = self.build_context(&request, template, name.clone()).map_err(invalid)?;
        let built = (task.build)(&BuildRequest { target: self.target.id, custom: &custom, inputs: &inputs, context: &context }).map_err(invalid)?;
        // On the built object, so values from the payload, defaults and the context are alike.
        crate::allowlist::check(&self.settings.allowlists, &metadata.namespace, resource.allowlisted, &built).map_err(Status::permission_denied)?;
        let execution = execution_annotation(&key);
        let object = complete_object(built, resource, &name, &metadata.namespace, labels(self.plugin, task, &key), &execution);
        // Everything costly to decode is behind us; the next CreateTask may start while this one
        // waits on the API.
        crate::limits::decoding_done();
        let namespace = metadata.namespace.as_str();
        let created = retry::within(deadline, || self.store.create(resource, namespace, object.clone())).await;
        match created {
            Ok(Created::New) => {}
            Ok(Created::AlreadyExists) => self.adopt(resource, namespace, &name, &execution, deadline).await?,
            Err(gave_up) => {
                if gave_up.is_ambiguous() {
                    self.clean_up_later(resource, namespace, &name, &execution);
                }
                return Err(match gave_up {
                    retry::GaveUp::Rejected(why) => Status::invalid_argument(format!("the Kubernetes API rejected the object: {why}")),
                    retry::GaveUp::Denied(why) => denied(&why),
                    other => Status::unavailable(format!(
                        "{} {namespace}/{name} was not created: {other}; any object the API may still have created is being deleted",
                        resource.kind
                    )),
                });
            }
        }
        let meta = ResourceMeta {
            ns: metadata.namespace.clone(),
            name,
            task_type: task.name.to_string(),
            target: self.target.id.to_string(),
            x: execution_digest(&execution),
        };
        Ok(admin::CreateTaskResponse { resource_meta: self.settings.signer.seal(&meta) })
    }

    async fn get_task(&self, request: admin::GetTaskRequest) -> Result<admin::GetTaskResponse, Status> {
        let deadline = tokio::time::Instant::now() + self.settings.get_budget;
        let (meta, task, resource) = self.open_meta(&request.resource_meta)?;
        // Right after CreateTask the watch may not have delivered the object yet: the store then
        // reads through the API, and a blip is retried rather than counted by propeller.
        let object = retry::within(deadline, || self.store.get(resource, &meta.ns, &meta.name))
            .await
            .map_err(|e| refused_or(e, |e| Status::unavailable(format!("cannot read {} {}/{}: {e}", resource.kind, meta.ns, meta.name))))?;
        if let Some(object) = &object {
            self.check_owned(object, resource, &meta)?;
        }
        #[allow(deprecated)]
        let reported = match object {
            // A 404 the API confirmed: nothing else is true any more.
            None => admin::Resource {
                phase: core::task_execution::Phase::RetryableFailed as i32,
                message: format!("{} {}/{} no longer exists; it was deleted outside Flyte", resource.kind, meta.ns, meta.name),
                ..Default::default()
            },
            Some(object) => {
                let interpretation = (task.interpret)(&meta.target, &object, &self.settings.plugin);
                let mut phase = interpretation.phase;
                let mut message = interpretation.message;
                let mut outputs = BTreeMap::new();
                let mut unreadable = Vec::new();
                for (name, value) in interpretation.outputs {
                    match value {
                        Ok(v) => {
                            outputs.insert(name, output_literal(v));
                        }
                        Err(why) => unreadable.push(format!("output `{name}` cannot be read: {why}")),
                    }
                }
                if phase == Phase::Succeeded && !unreadable.is_empty() {
                    (phase, message) = self.outputs_pending(resource, &meta, &object, unreadable.join("; ")).await;
                }
                if phase.is_terminal() && annotation_seconds(&object, RESULT_REPORTED_ANNOTATION).is_none() {
                    self.record(resource, &meta, RESULT_REPORTED_ANNOTATION).await;
                }
                let log_links = interpretation
                    .log_links
                    .into_iter()
                    .map(|l| core::TaskLog { uri: l.uri, name: l.name, ..Default::default() })
                    .collect();
                admin::Resource {
                    phase: phase_proto(phase) as i32,
                    message,
                    log_links,
                    outputs: (phase == Phase::Succeeded && !outputs.is_empty()).then(|| core::LiteralMap { literals: outputs.into_iter().collect() }),
                    ..Default::default()
                }
            }
        };
        Ok(admin::GetTaskResponse { resource: Some(reported) })
    }

    async fn delete_task(&self, request: admin::DeleteTaskRequest) -> Result<admin::DeleteTaskResponse, Status> {
        let deadline = tokio::time::Instant::now() + self.settings.get_budget;
        let (meta, _, resource) = self.open_meta(&request.resource_meta)?;
        let object = retry::within(deadline, || self.store.get(resource, &meta.ns, &meta.name))
            .await
            .map_err(|e| refused_or(e, |e| Status::unavailable(format!("cannot read {} {}/{}: {e}", resource.kind, meta.ns, meta.name))))?;
        let Some(object) = object else { return Ok(admin::DeleteTaskResponse {}) };
        self.check_owned(&object, resource, &meta)?;
        let uid = object["metadata"]["uid"].as_str().unwrap_or_default();
        let deleted = if uid.is_empty() { self.store.delete(resource, &meta.ns, &meta.name).await } else { self.store.delete_uid(resource, &meta.ns, &meta.name, uid).await };
        deleted.map_err(store_status)?;
        Ok(admin::DeleteTaskResponse {})
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_values_fit_kubernetes_rules() {
        assert_eq!(label_value("flytesnacks"), "flytesnacks");
        assert_eq!(label_value("a b/c"), "a-b-c");
        assert_eq!(label_value("-x-"), "x");
        assert_eq!(label_value(&"y".repeat(100)).len(), 63);
    }
}
