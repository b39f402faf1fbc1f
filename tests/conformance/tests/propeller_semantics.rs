//! What stock propeller 1.16 does with the backend's answers, against the Kubernetes API test
//! double (its outage switch and answer delay are what a real API server cannot give on cue):
//!
//! - any CreateTask error spends a user retry, so a short API outage must not surface;
//! - a CreateTask that gives up must leave no object behind (propeller's next attempt uses a new
//!   name and never learns of the first);
//! - every GetTask error counts towards a permanent failure, so the first poll after Create must
//!   not fail because the watch cache has not seen the object yet;
//! - a poll that comes after the garbage collector's TTL still gets the result;
//! - a succeeded job whose outputs are not readable yet waits, then fails clearly.

use std::sync::Arc;
use std::time::Duration;

use conformance::{request, request_with, custom, settings};
use kube_test_double::KubeTestDouble;
use machinery::agent::{AgentSettings, PluginBackend, managed_by, OUTPUTS_PENDING_ANNOTATION, RESULT_REPORTED_ANNOTATION};
use machinery::kube_store::KubeStore;
use machinery::metrics::Metrics;
use machinery::store::ObjectStore;
use machinery::{Backend, admin, core};
use serde_json::json;

const TRAINING: &str = "sagemaker-k8s-builtin-training";
const TUNING: &str = "sagemaker-k8s-hyperparameter-tuning";

struct Setup {
    double: Arc<KubeTestDouble>,
    store: Arc<KubeStore>,
    backend: PluginBackend<KubeStore>,
}

async fn setup(settings: AgentSettings) -> Setup {
    let target = settings.target.clone();
    let double = Arc::new(KubeTestDouble::start([conformance::shared_dir().join("crds").join(&target)]).await.unwrap());
    let plugin = &sagemaker_plugin::PLUGIN;
    let client = KubeStore::client_for_url(&double.url()).unwrap();
    let store = Arc::new(KubeStore::new(client, &managed_by(plugin), PluginBackend::<KubeStore>::resources(plugin, &target), None));
    assert!(store.wait_until_synced(Duration::from_secs(10)).await);
    let backend = PluginBackend::new(plugin, settings, store.clone(), Arc::new(Metrics::new())).unwrap();
    Setup { double, store, backend }
}

fn group(target: &str) -> &'static str {
    if target == "ack" { "sagemaker.services.k8s.aws" } else { "sagemaker.aws.amazon.com" }
}

fn trainingjobs(target: &str) -> &'static machinery::plugin::ResourceDef {
    PluginBackend::<KubeStore>::resources(&sagemaker_plugin::PLUGIN, target).into_iter().find(|r| r.plural == "trainingjobs").unwrap()
}

fn get(meta: &[u8]) -> admin::GetTaskRequest {
    admin::GetTaskRequest { resource_meta: meta.to_vec(), ..Default::default() }
}

fn phase(r: &admin::GetTaskResponse) -> core::task_execution::Phase {
    core::task_execution::Phase::try_from(r.resource.as_ref().unwrap().phase).unwrap()
}

/// Ends the double's outage after `after`, from another task.
fn end_outage_after(double: &Arc<KubeTestDouble>, after: Duration) -> tokio::task::JoinHandle<()> {
    let double = double.clone();
    tokio::spawn(async move {
        tokio::time::sleep(after).await;
        double.set_unavailable(false);
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn create_task_succeeds_across_a_two_second_api_outage() {
    for target in ["ack", "operator"] {
        let s = setup(settings(target)).await;
        s.double.set_unavailable(true);
        let ends = end_outage_after(&s.double, Duration::from_secs(2));
        let created = s.backend.create_task(request(TRAINING, target)).await.expect("retried within the budget");
        ends.await.unwrap();
        let meta = conformance::meta(&created.resource_meta);
        assert!(s.double.object(group(target), "trainingjobs", &meta.ns, &meta.name).is_some(), "{target}: created once the API was back");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_create_task_past_its_budget_leaves_no_object_behind() {
    let mut settings = settings("ack");
    settings.create_budget = Duration::from_millis(800);
    let s = setup(settings).await;
    // The API applies the create but answers only after the budget: the worst, ambiguous case.
    s.double.set_answer_delay(Duration::from_millis(2000));
    let request = request(TRAINING, "ack");
    let error = s.backend.create_task(request.clone()).await.expect_err("the answer comes after the budget");
    assert_eq!(error.code(), tonic::Code::Unavailable, "{}", error.message());
    let resource = trainingjobs("ack");
    let name = machinery::naming::object_name(&execution_key(&request), resource.name_max_length, resource.name_shape);
    let namespace = conformance::NAMESPACE;
    assert!(s.double.object(group("ack"), "trainingjobs", namespace, &name).is_some(), "the create did land (else this test proves nothing)");
    s.double.set_answer_delay(Duration::ZERO);
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while s.double.object(group("ack"), "trainingjobs", namespace, &name).is_some() {
        assert!(std::time::Instant::now() < deadline, "the object of the failed CreateTask is deleted");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The name machinery gives the request's task execution.
fn execution_key(request: &admin::CreateTaskRequest) -> machinery::naming::ExecutionKey {
    let id = request.task_execution_metadata.as_ref().unwrap().task_execution_id.as_ref().unwrap();
    let node = id.node_execution_id.as_ref().unwrap();
    let exec = node.execution_id.as_ref().unwrap();
    machinery::naming::ExecutionKey {
        org: exec.org.clone(),
        project: exec.project.clone(),
        domain: exec.domain.clone(),
        execution: exec.name.clone(),
        node_id: node.node_id.clone(),
        task: id.task_id.as_ref().unwrap().name.clone(),
        retry_attempt: id.retry_attempt,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_first_poll_after_create_never_errors_even_across_an_api_blip() {
    let s = setup(settings("ack")).await;
    for attempt in 0..20 {
        let created = s.backend.create_task(request_with(TRAINING, custom(TRAINING, "ack"), attempt)).await.unwrap();
        // Every other poll meets an outage that ends within the GetTask budget.
        let ends = (attempt % 2 == 1).then(|| {
            s.double.set_unavailable(true);
            end_outage_after(&s.double, Duration::from_millis(700))
        });
        let first = s.backend.get_task(get(&created.resource_meta)).await.unwrap_or_else(|e| panic!("attempt {attempt}: {e}"));
        assert_eq!(phase(&first), core::task_execution::Phase::Queued, "attempt {attempt}");
        if let Some(ends) = ends {
            ends.await.unwrap();
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_poll_after_the_gc_ttl_still_gets_the_result_and_only_then_is_the_object_collected() {
    let mut settings = settings("ack");
    settings.gc_ttl = Duration::ZERO;
    let s = setup(settings).await;
    let created = s.backend.create_task(request(TRAINING, "ack")).await.unwrap();
    let meta = conformance::meta(&created.resource_meta);
    let status = json!({"trainingJobStatus": "Completed", "secondaryStatus": "Completed", "modelArtifacts": {"s3ModelArtifacts": "s3://bucket/out/model.tar.gz"}});
    s.double.set_status(group("ack"), "trainingjobs", &meta.ns, &meta.name, status).unwrap();
    // The collector runs (repeatedly) while propeller has not polled yet.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        assert_eq!(s.backend.collect_garbage().await.unwrap(), 0, "an unreported result is kept");
        let cached = s.store.list(trainingjobs("ack")).await.unwrap();
        if cached.iter().any(|o| o["status"]["trainingJobStatus"] == "Completed") {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the watch delivers the status");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(s.backend.collect_garbage().await.unwrap(), 0, "the cache has the finished object, unreported: kept");
    let late = s.backend.get_task(get(&created.resource_meta)).await.unwrap();
    assert_eq!(phase(&late), core::task_execution::Phase::Succeeded);
    assert!(late.resource.as_ref().unwrap().outputs.is_some(), "the outputs are there");
    let object = s.double.object(group("ack"), "trainingjobs", &meta.ns, &meta.name).unwrap();
    assert!(object["metadata"]["annotations"][RESULT_REPORTED_ANNOTATION].is_string(), "the report is recorded on the object: {}", object["metadata"]);
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while s.backend.collect_garbage().await.unwrap() == 0 {
        assert!(std::time::Instant::now() < deadline, "collected once the recorded report reaches the cache");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(s.double.object(group("ack"), "trainingjobs", &meta.ns, &meta.name).is_none());
}

#[tokio::test(flavor = "multi_thread")]
async fn outputs_not_readable_yet_are_waited_for_then_fail_after_the_grace() {
    for target in ["ack", "operator"] {
        let s = setup(settings(target)).await;
        let created = s.backend.create_task(request(TUNING, target)).await.unwrap();
        let meta = conformance::meta(&created.resource_meta);
        s.double.set_status(group(target), "hyperparametertuningjobs", &meta.ns, &meta.name, json!({"hyperParameterTuningJobStatus": "Completed"})).unwrap();
        // Until the watch delivers the status the job shows as queued; then it waits for outputs.
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        let waiting = loop {
            let got = s.backend.get_task(get(&created.resource_meta)).await.unwrap();
            if phase(&got) == core::task_execution::Phase::Running {
                break got;
            }
            assert!(std::time::Instant::now() < deadline, "{target}: RUNNING while outputs are awaited, got {:?}", got.resource);
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        assert!(waiting.resource.unwrap().message.starts_with("waiting for outputs"), "{target}");
        let object = s.double.object(group(target), "hyperparametertuningjobs", &meta.ns, &meta.name).unwrap();
        let since = object["metadata"]["annotations"][OUTPUTS_PENDING_ANNOTATION].as_str().expect("the wait's start is recorded on the object");
        // Move the recorded start back past the grace, as if the outputs never came.
        let long_ago = (since.parse::<u64>().unwrap() - 3600).to_string();
        s.double
            .update_object(group(target), "hyperparametertuningjobs", &meta.ns, &meta.name, |o| o["metadata"]["annotations"][OUTPUTS_PENDING_ANNOTATION] = json!(long_ago))
            .unwrap();
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        let failed = loop {
            let got = s.backend.get_task(get(&created.resource_meta)).await.unwrap();
            if phase(&got) != core::task_execution::Phase::Running {
                break got;
            }
            assert!(std::time::Instant::now() < deadline, "{target}: fails after the grace");
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        assert_eq!(phase(&failed), core::task_execution::Phase::Failed, "{target}");
        let message = failed.resource.unwrap().message;
        assert!(message.contains("stayed unreadable") && message.contains("best_training_job") || message.contains("output `"), "{target}: {message}");
    }
}
