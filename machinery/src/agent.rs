//! The agent logic: turns Flyte agent requests into objects of a generated plugin and back.
//!
//! [`PluginBackend`] implements [`Backend`] for any [`PluginDef`] over any [`ObjectStore`]. It is
//! stateless: everything it needs later travels in `resource_meta` (namespace, name, task type,
//! target) or lives in Kubernetes, so restarts and several replicas lose nothing.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use tokio::sync::Mutex;
use tonic::Status;

use crate::backend::{Backend, TaskTypeInfo};
use crate::inputs::Inputs;
use crate::metrics::Metrics;
use crate::naming::{self, ExecutionKey};
use crate::plugin::{BuildContext, BuildRequest, InvalidInput, OutputValue, Phase, PluginDef, ResourceDef, TargetDef, TaskTypeDef};
use crate::proto::flyteidl::{admin, core};
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
    /// Finished objects created by this backend are deleted this long after the backend first saw
    /// them finished (propeller never calls DeleteTask after success or failure).
    pub gc_ttl: Duration,
}

/// What `resource_meta` holds: enough to find the object again, nothing more (it is stored in
/// etcd inside the workflow object, so it stays small).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceMeta {
    /// Format version, so the encoding can evolve.
    pub v: u32,
    pub ns: String,
    pub name: String,
    #[serde(rename = "type")]
    pub task_type: String,
    pub target: String,
}

impl ResourceMeta {
    pub fn encode(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("plain struct serializes")
    }

    pub fn decode(bytes: &[u8]) -> Result<Self, Status> {
        serde_json::from_slice(bytes).map_err(|e| Status::invalid_argument(format!("resource_meta: not written by this backend: {e}")))
    }
}

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
        Ok(Self { plugin, target, settings, store, task_types, metrics, finished_since: Mutex::new(BTreeMap::new()) })
    }

    /// The resources of the configured target: what the store must watch.
    pub fn resources(plugin: &'static PluginDef, target: &str) -> Vec<&'static ResourceDef> {
        plugin.task_types.iter().filter_map(|t| t.resource(target)).collect()
    }

    fn task_type(&self, name: &str, field: &str) -> Result<&'static TaskTypeDef, Status> {
        self.plugin
            .task_type(name)
            .ok_or_else(|| Status::invalid_argument(format!("{field}: task type `{name}` is not served by this backend")))
    }

    /// Deletes finished objects older than the TTL; returns how many were deleted. Also
    /// refreshes the objects-by-phase gauge.
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
                    let phase = (task.interpret)(self.target.id, object).phase;
                    *by_phase.entry(phase.as_str()).or_default() += 1;
                    if !phase.is_terminal() || !object["metadata"]["deletionTimestamp"].is_null() {
                        return;
                    }
                    let ns = object["metadata"]["namespace"].as_str().unwrap_or_default().to_string();
                    let name = object["metadata"]["name"].as_str().unwrap_or_default().to_string();
                    let key = (resource.plural.to_string(), ns.clone(), name.clone());
                    still_present.insert(key.clone());
                    let since = *finished.entry(key).or_insert_with(Instant::now);
                    if since.elapsed() >= self.settings.gc_ttl {
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

    fn build_context(&self, request: &admin::CreateTaskRequest, template: &core::TaskTemplate, job_name: String) -> BuildContext {
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
        BuildContext {
            job_name,
            container_image: container.map(|c| c.image.clone()).filter(|i| !i.is_empty()),
            container_command: container.map(|c| c.command.iter().chain(&c.args).cloned().collect()).filter(|c: &Vec<String>| !c.is_empty()),
            output_prefix: request.output_prefix.clone(),
            iam_role: role,
            region: self.settings.region.clone(),
            images: self.settings.images.clone(),
        }
    }
}

fn invalid(e: InvalidInput) -> Status {
    Status::invalid_argument(e.to_string())
}

fn store_status(e: StoreError) -> Status {
    match e {
        StoreError::Unavailable(m) => Status::unavailable(m),
        StoreError::Rejected(m) => Status::invalid_argument(format!("the Kubernetes API rejected the object: {m}")),
    }
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
fn complete_object(mut object: serde_json::Value, resource: &ResourceDef, name: &str, namespace: &str, labels: serde_json::Map<String, serde_json::Value>, key: &ExecutionKey) -> serde_json::Value {
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
        let id = format!(
            "{}/{}/{}/{}/{}/{}",
            key.project, key.domain, key.execution, key.node_id, key.task, key.retry_attempt
        );
        annotations.insert("flyte.org/task-execution".into(), id.into());
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
        if resource.namespaced && metadata.namespace.is_empty() {
            return Err(Status::invalid_argument("task_execution_metadata.namespace: missing"));
        }
        let key = execution_key(id);
        let name = naming::object_name(&key, resource.name_max_length);
        let custom = template.custom.as_ref().map(crate::decode::struct_to_json).unwrap_or_else(|| serde_json::json!({}));
        let inputs = match &request.inputs {
            Some(map) => Inputs::from_literal_map(map).map_err(invalid)?,
            None => Inputs::default(),
        };
        let context = self.build_context(&request, template, name.clone());
        let built = (task.build)(&BuildRequest { target: self.target.id, custom: &custom, inputs: &inputs, context: &context }).map_err(invalid)?;
        let object = complete_object(built, resource, &name, &metadata.namespace, labels(self.plugin, task, &key), &key);
        let created = self.store.create(resource, &metadata.namespace, object).await.map_err(store_status)?;
        if created == Created::AlreadyExists {
            tracing::info!(namespace = %metadata.namespace, name = %name, "object of this attempt already exists; CreateTask is idempotent");
        }
        let meta = ResourceMeta {
            v: 1,
            ns: metadata.namespace.clone(),
            name,
            task_type: task.name.to_string(),
            target: self.target.id.to_string(),
        };
        Ok(admin::CreateTaskResponse { resource_meta: meta.encode() })
    }

    async fn get_task(&self, request: admin::GetTaskRequest) -> Result<admin::GetTaskResponse, Status> {
        let meta = ResourceMeta::decode(&request.resource_meta)?;
        let task = self.task_type(&meta.task_type, "resource_meta.type")?;
        let resource = task
            .resource(&meta.target)
            .ok_or_else(|| Status::invalid_argument(format!("resource_meta.target: unknown target `{}`", meta.target)))?;
        let object = self.store.get(resource, &meta.ns, &meta.name).await.map_err(store_status)?;
        #[allow(deprecated)]
        let resource = match object {
            None => admin::Resource {
                phase: core::task_execution::Phase::RetryableFailed as i32,
                message: format!("{} {}/{} no longer exists; it was deleted outside Flyte", resource.kind, meta.ns, meta.name),
                ..Default::default()
            },
            Some(object) => {
                let interpretation = (task.interpret)(&meta.target, &object);
                let mut phase = interpretation.phase;
                let mut message = interpretation.message;
                let mut outputs = BTreeMap::new();
                for (name, value) in interpretation.outputs {
                    match value {
                        Ok(v) => {
                            outputs.insert(name, output_literal(v));
                        }
                        Err(why) => {
                            phase = Phase::PermanentFailure;
                            message = format!("the job succeeded but output `{name}` cannot be read: {why}");
                        }
                    }
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
        Ok(admin::GetTaskResponse { resource: Some(resource) })
    }

    async fn delete_task(&self, request: admin::DeleteTaskRequest) -> Result<admin::DeleteTaskResponse, Status> {
        let meta = ResourceMeta::decode(&request.resource_meta)?;
        let task = self.task_type(&meta.task_type, "resource_meta.type")?;
        let resource = task
            .resource(&meta.target)
            .ok_or_else(|| Status::invalid_argument(format!("resource_meta.target: unknown target `{}`", meta.target)))?;
        self.store.delete(resource, &meta.ns, &meta.name).await.map_err(store_status)?;
        Ok(admin::DeleteTaskResponse {})
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_meta_is_small_json_and_round_trips() {
        let meta = ResourceMeta {
            v: 1,
            ns: "flytesnacks-development".into(),
            name: "a".repeat(63),
            task_type: "sagemaker-k8s-hyperparameter-tuning".into(),
            target: "operator".into(),
        };
        let bytes = meta.encode();
        assert!(bytes.len() < 512, "{} bytes", bytes.len());
        assert_eq!(ResourceMeta::decode(&bytes).unwrap(), meta);
        assert_eq!(ResourceMeta::decode(b"garbage").unwrap_err().code(), tonic::Code::InvalidArgument);
    }

    #[test]
    fn label_values_fit_kubernetes_rules() {
        assert_eq!(label_value("flytesnacks"), "flytesnacks");
        assert_eq!(label_value("a b/c"), "a-b-c");
        assert_eq!(label_value("-x-"), "x");
        assert_eq!(label_value(&"y".repeat(100)).len(), 63);
    }
}
