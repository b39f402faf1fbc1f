//! Fixtures for the conformance tests: fixed agent requests for every task type, an in-memory
//! object store, and a backend wired to the generated SageMaker plugin.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use machinery::admin;
use machinery::agent::{AgentSettings, PluginBackend};
use machinery::core;
use machinery::metrics::Metrics;
use machinery::plugin::ResourceDef;
use machinery::resource_meta::{ResourceMeta, Signer};
use machinery::store::{Created, ObjectStore, StoreError};
use serde_json::{Value, json};
use tokio::sync::Mutex;

/// Objects kept in memory, keyed by (plural, namespace, name): the store for tests that are about
/// the agent logic rather than Kubernetes.
#[derive(Default)]
pub struct MemoryStore {
    pub objects: Mutex<BTreeMap<(String, String, String), Value>>,
}

impl MemoryStore {
    /// Replaces the status of a stored object, as a controller would.
    pub async fn set_status(&self, plural: &str, namespace: &str, name: &str, status: Value) {
        let mut objects = self.objects.lock().await;
        let object = objects.get_mut(&(plural.to_string(), namespace.to_string(), name.to_string())).expect("object exists");
        object["status"] = status;
    }
}

#[tonic::async_trait]
impl ObjectStore for MemoryStore {
    async fn create(&self, resource: &'static ResourceDef, namespace: &str, object: Value) -> Result<Created, StoreError> {
        let name = object["metadata"]["name"].as_str().unwrap_or_default().to_string();
        let mut objects = self.objects.lock().await;
        let key = (resource.plural.to_string(), namespace.to_string(), name);
        if objects.contains_key(&key) {
            return Ok(Created::AlreadyExists);
        }
        objects.insert(key, object);
        Ok(Created::New)
    }

    async fn get(&self, resource: &'static ResourceDef, namespace: &str, name: &str) -> Result<Option<Arc<Value>>, StoreError> {
        Ok(self.objects.lock().await.get(&(resource.plural.to_string(), namespace.to_string(), name.to_string())).cloned().map(Arc::new))
    }

    async fn list(&self, resource: &'static ResourceDef) -> Result<Vec<Arc<Value>>, StoreError> {
        Ok(self.objects.lock().await.iter().filter(|((p, _, _), _)| p == resource.plural).map(|(_, v)| Arc::new(v.clone())).collect())
    }

    async fn get_from_api(&self, resource: &'static ResourceDef, namespace: &str, name: &str) -> Result<Option<Value>, StoreError> {
        Ok(self.objects.lock().await.get(&(resource.plural.to_string(), namespace.to_string(), name.to_string())).cloned())
    }

    async fn delete(&self, resource: &'static ResourceDef, namespace: &str, name: &str) -> Result<(), StoreError> {
        self.objects.lock().await.remove(&(resource.plural.to_string(), namespace.to_string(), name.to_string()));
        Ok(())
    }


    async fn delete_uid(&self, resource: &'static ResourceDef, namespace: &str, name: &str, uid: &str) -> Result<(), StoreError> {
        let mut objects = self.objects.lock().await;
        let key = (resource.plural.to_string(), namespace.to_string(), name.to_string());
        if objects.get(&key).is_some_and(|o| o["metadata"]["uid"].as_str().unwrap_or_default() == uid) {
            objects.remove(&key);
        }
        Ok(())
    }

    async fn annotate(&self, resource: &'static ResourceDef, namespace: &str, name: &str, annotations: &[(&str, &str)]) -> Result<(), StoreError> {
        let mut objects = self.objects.lock().await;
        let key = (resource.plural.to_string(), namespace.to_string(), name.to_string());
        if let Some(object) = objects.get_mut(&key) {
            for (k, v) in annotations {
                object["metadata"]["annotations"][*k] = Value::String(v.to_string());
            }
        }
        Ok(())
    }
}

/// The folder holding the real CRDs (`crds/`): `$SHARED_DIR`, else `../shared` beside the
/// repository, where CI and sessions put it.
pub fn shared_dir() -> std::path::PathBuf {
    std::env::var_os("SHARED_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"))
}

pub const NAMESPACE: &str = "flytesnacks-development";
/// Every task type of the generated plugin, from its registry: a new task type is covered by
/// every test that loops over these (and fails loudly in `custom` until it has a fixture).
pub fn task_types() -> Vec<&'static str> {
    sagemaker_plugin::PLUGIN.task_types.iter().map(|t| t.name).collect()
}

/// Every target of the generated plugin, from its registry.
pub fn targets() -> Vec<&'static str> {
    sagemaker_plugin::PLUGIN.targets.iter().map(|t| t.id).collect()
}

pub fn settings(target: &str) -> AgentSettings {
    let versions = |registry: &str| {
        BTreeMap::from([
            ("0.90".to_string(), format!("{registry}/sagemaker-xgboost:0.90-2-cpu-py3")),
            ("1.7-1".to_string(), format!("{registry}/sagemaker-xgboost:1.7-1")),
        ])
    };
    let images = BTreeMap::from([(
        "xgboost".to_string(),
        BTreeMap::from([
            ("us-east-1".to_string(), versions("683313688378.dkr.ecr.us-east-1.amazonaws.com")),
            ("eu-west-1".to_string(), versions("141502667606.dkr.ecr.eu-west-1.amazonaws.com")),
            ("us-west-2".to_string(), versions("246618743249.dkr.ecr.us-west-2.amazonaws.com")),
        ]),
    )]);
    AgentSettings {
        region: Some("us-east-1".to_string()),
        default_role: Some("arn:aws:iam::123456789012:role/flyte-sagemaker-default".to_string()),
        role_annotation_key: Some("iam.amazonaws.com/role".to_string()),
        images,
        gc_ttl: Duration::from_secs(3600),
        ..AgentSettings::new(target, signer())
    }
}

/// The key the test backends sign `resource_meta` with.
pub const KEY: &[u8; 32] = b"conformance-tests-key-32-bytes!!";

pub fn signer() -> Signer {
    Signer::new(KEY.to_vec(), None).expect("a 32-byte key")
}

/// What a test backend's `resource_meta` says (checked with the test key).
pub fn meta(resource_meta: &[u8]) -> ResourceMeta {
    signer().open(resource_meta).expect("signed by a test backend")
}

pub fn backend(target: &str) -> (PluginBackend<MemoryStore>, Arc<MemoryStore>) {
    backend_with(settings(target))
}

pub fn backend_with(settings: AgentSettings) -> (PluginBackend<MemoryStore>, Arc<MemoryStore>) {
    let store = Arc::new(MemoryStore::default());
    let backend = PluginBackend::new(&sagemaker_plugin::PLUGIN, settings, store.clone(), Arc::new(Metrics::new())).expect("known target");
    (backend, store)
}

/// The `custom` a user's task would carry, as flytekit sends it (numbers as doubles).
pub fn custom(task_type: &str, target: &str) -> Value {
    let channels = json!([
        {"name": "train", "contentType": "text/csv"},
        {"name": "validation", "contentType": "text/csv", "compression": "COMPRESSION_TYPE_NONE"}
    ]);
    let common = json!({
        "inputMode": "INPUT_MODE_FILE",
        "metricDefinitions": [{"name": "validation:rmse", "regex": "validation-rmse:([0-9\\.]+)"}],
        "resources": {"instanceType": "ml.m5.xlarge", "instanceCount": 1.0, "volumeSizeGb": 25.0, "volumeKmsKeyId": "arn:aws:kms:us-east-1:123456789012:key/volume"},
        "stoppingCondition": {"maxRuntimeSeconds": 3600.0, "maxWaitSeconds": 7200.0},
        "enableManagedSpotTraining": true,
        "checkpoint": {"s3Uri": "s3://bucket/checkpoints/", "localPath": "/opt/ml/checkpoints"},
        "vpc": {"securityGroupIds": ["sg-0123456789abcdef0"], "subnets": ["subnet-0123456789abcdef0"]},
        "outputKmsKeyId": "arn:aws:kms:us-east-1:123456789012:key/output",
        "tags": {"team": "ml", "cost-center": "42"},
        "channels": channels,
    });
    let mut custom = common.as_object().unwrap().clone();
    let extra = match task_type {
        "sagemaker-k8s-builtin-training" => json!({
            "algorithmName": "xgboost",
            "algorithmVersion": "0.90",
            "hyperparameters": {"objective": "reg:squarederror", "num_round": "50"},
            "environment": {"LOG_LEVEL": "debug"},
            "maxRetryAttempts": 2.0,
            "enableNetworkIsolation": true,
        }),
        "sagemaker-k8s-custom-training" => json!({
            "hyperparameters": {"epochs": "3"},
            "enableInterContainerTrafficEncryption": true,
        }),
        "sagemaker-k8s-hyperparameter-tuning" => json!({
            "algorithmName": "xgboost",
            "algorithmVersion": "1.7-1",
            "objective": {"objectiveType": "OBJECTIVE_TYPE_MINIMIZE", "metricName": "validation:rmse"},
            "continuousRanges": [{"name": "eta", "minValue": 1e-7, "maxValue": 0.5, "scalingType": "SCALING_TYPE_REVERSE_LOGARITHMIC"}],
            "integerRanges": [{"name": "max_depth", "minValue": 3.0, "maxValue": "10", "scalingType": "SCALING_TYPE_LINEAR"}],
            "categoricalRanges": [{"name": "booster", "values": ["gbtree", "dart"]}],
            "strategy": "TUNING_STRATEGY_BAYESIAN",
            "maxNumberOfTrainingJobs": 10.0,
            "maxParallelTrainingJobs": 2.0,
            "earlyStopping": "EARLY_STOPPING_TYPE_AUTO",
            "hyperparameters": {"objective": "reg:squarederror"},
        }),
        other => panic!("unknown task type {other}"),
    };
    custom.extend(extra.as_object().unwrap().clone());
    if target == "operator" {
        // Fields the operator's CRDs do not have; setting them there is rejected (tested elsewhere).
        custom.remove("environment");
        custom.remove("maxRetryAttempts");
    }
    Value::Object(custom)
}

pub fn blob(uri: &str, multipart: bool) -> core::Literal {
    use core::blob_type::BlobDimensionality;
    core::Literal {
        value: Some(core::literal::Value::Scalar(Box::new(core::Scalar {
            value: Some(core::scalar::Value::Blob(core::Blob {
                metadata: Some(core::BlobMetadata {
                    r#type: Some(core::BlobType {
                        format: "csv".into(),
                        dimensionality: if multipart { BlobDimensionality::Multipart } else { BlobDimensionality::Single } as i32,
                    }),
                }),
                uri: uri.into(),
            })),
        }))),
        ..Default::default()
    }
}

/// A dict input as flytekit before 1.14 sent it (`Scalar.generic`).
pub fn generic(value: Value) -> core::Literal {
    core::Literal {
        value: Some(core::literal::Value::Scalar(Box::new(core::Scalar {
            value: Some(core::scalar::Value::Generic(machinery::decode::json_to_struct(&value).expect("an object"))),
        }))),
        ..Default::default()
    }
}

pub fn execution_id(attempt: u32) -> core::TaskExecutionIdentifier {
    core::TaskExecutionIdentifier {
        task_id: Some(core::Identifier { resource_type: 1, project: "flytesnacks".into(), domain: "development".into(), name: "workflows.train".into(), version: "v1".into(), org: String::new() }),
        node_execution_id: Some(core::NodeExecutionIdentifier {
            node_id: "n0".into(),
            execution_id: Some(core::WorkflowExecutionIdentifier { project: "flytesnacks".into(), domain: "development".into(), name: "f3a9c2e1b0d4".into(), org: String::new() }),
        }),
        retry_attempt: attempt,
    }
}

/// A complete request as propeller sends it, for `task_type` with `custom`.
pub fn request_with(task_type: &str, custom: Value, attempt: u32) -> admin::CreateTaskRequest {
    let mut inputs = BTreeMap::from([
        ("train".to_string(), blob("s3://bucket/data/train/", true)),
        ("validation".to_string(), blob("s3://bucket/data/validation/", true)),
    ]);
    if task_type != "sagemaker-k8s-custom-training" {
        inputs.insert("static_hyperparameters".into(), generic(json!({"eval_metric": "rmse", "subsample": 0.8, "silent": true, "num_class": 1.0})));
    }
    let container = (task_type == "sagemaker-k8s-custom-training").then(|| core::task_template::Target::Container(core::Container {
        image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/train:v1".into(),
        args: vec![
            "pyflyte-execute".into(),
            "--inputs".into(),
            "s3://bucket/metadata/inputs.pb".into(),
            "--output-prefix".into(),
            "s3://bucket/metadata/n0/data/0".into(),
            "--resolver".into(),
            "flytekit.core.python_auto_container.default_task_resolver".into(),
            "--".into(),
            "task-module".into(),
            "workflows.train".into(),
            "task-name".into(),
            "train".into(),
        ],
        ..Default::default()
    }));
    // The interface declares the inputs, as flytekit's template does; the backend refuses others.
    let interface = core::TypedInterface {
        inputs: Some(core::VariableMap { variables: inputs.keys().map(|name| (name.clone(), core::Variable::default())).collect() }),
        outputs: None,
    };
    admin::CreateTaskRequest {
        inputs: Some(core::LiteralMap { literals: inputs.into_iter().collect() }),
        template: Some(core::TaskTemplate {
            r#type: task_type.into(),
            custom: machinery::decode::json_to_struct(&custom),
            target: container,
            interface: Some(interface),
            ..Default::default()
        }),
        output_prefix: "s3://bucket/metadata/propeller/flytesnacks-development-f3a9c2e1b0d4/n0/data/0".into(),
        task_execution_metadata: Some(admin::TaskExecutionMetadata {
            task_execution_id: Some(execution_id(attempt)),
            namespace: NAMESPACE.into(),
            identity: Some(core::Identity { iam_role: "arn:aws:iam::123456789012:role/flyte-execution".into(), ..Default::default() }),
            ..Default::default()
        }),
    }
}

pub fn request(task_type: &str, target: &str) -> admin::CreateTaskRequest {
    request_with(task_type, custom(task_type, target), 0)
}

/// Creates the task and returns the stored object.
pub async fn create(target: &str, request: admin::CreateTaskRequest) -> Result<Value, tonic::Status> {
    use machinery::Backend;
    let (backend, store) = backend(target);
    backend.create_task(request).await?;
    let objects = store.objects.lock().await;
    Ok(objects.values().next().cloned().expect("one object was created"))
}

/// A loopback TCP port nobody listens on right now, for a backend process under test.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A backend process that is killed and reaped when the test ends, passing or failing.
pub struct RunningProcess(pub std::process::Child);

impl Drop for RunningProcess {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Writes into `dir` a kubeconfig that points a backend process at the API server at `server`
/// (the Kubernetes API test double) with no credentials, as in-cluster tests would, and returns
/// its path.
pub fn write_kubeconfig(dir: &std::path::Path, server: &str) -> std::path::PathBuf {
    let path = dir.join("kubeconfig");
    std::fs::write(
        &path,
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: double\n  cluster: {{server: \"{server}\"}}\ncontexts:\n- name: double\n  context: {{cluster: double, user: nobody}}\ncurrent-context: double\nusers:\n- name: nobody\n  user: {{}}\n"
        ),
    )
    .unwrap();
    path
}
