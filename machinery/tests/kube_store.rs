//! `KubeStore` against the Kubernetes API test double (`kube-test-double`), which validates
//! objects against the real ACK CRDs from `<repo>/../shared/crds` (or `$SHARED_DIR/crds`).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use kube_test_double::{KubeTestDouble, PathKind, Verb};
use machinery::kube_store::KubeStore;
use machinery::plugin::ResourceDef;
use machinery::store::{Created, ObjectStore, StoreError};
use serde_json::{Value, json};

static TRAINING_JOB: ResourceDef = ResourceDef {
    target: "ack",
    api_version: "sagemaker.services.k8s.aws/v1alpha1",
    kind: "TrainingJob",
    plural: "trainingjobs",
    namespaced: true,
    name_max_length: 63,
    name_pattern: "^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$",
    name_shape: machinery::naming::NameShape::Plain,
    reads: &[&["spec", "trainingJobName"], &["status"]],
    allowlisted: &[],
};

const GROUP: &str = "sagemaker.services.k8s.aws";
const NS: &str = "flyte";
const MANAGED_BY: &str = "flyte-sagemaker";

fn crds_dir() -> PathBuf {
    let shared = std::env::var_os("SHARED_DIR").map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared"), PathBuf::from);
    shared.join("crds")
}

async fn start(namespaces: Option<Vec<String>>) -> (KubeTestDouble, KubeStore) {
    let double = KubeTestDouble::start([crds_dir()]).await.expect("the test double starts");
    let client = KubeStore::client_for_url(&double.url()).expect("client");
    let store = KubeStore::new(client, MANAGED_BY, vec![&TRAINING_JOB], namespaces);
    assert!(store.wait_until_synced(Duration::from_secs(5)).await, "the watch cache syncs");
    (double, store)
}

/// A TrainingJob with exactly the spec fields the ACK CRD requires.
fn job(name: &str) -> Value {
    json!({
        "apiVersion": "sagemaker.services.k8s.aws/v1alpha1",
        "kind": "TrainingJob",
        "metadata": {"name": name, "labels": {"app.kubernetes.io/managed-by": MANAGED_BY}},
        "spec": {
            "trainingJobName": name,
            "roleARN": "arn:aws:iam::123456789012:role/sagemaker",
            "algorithmSpecification": {"trainingImage": "123.dkr.ecr.us-east-1.amazonaws.com/xgboost:1", "trainingInputMode": "File"},
            "outputDataConfig": {"s3OutputPath": "s3://bucket/out"},
            "resourceConfig": {"instanceCount": 1, "instanceType": "ml.m5.large", "volumeSizeInGB": 10},
            "stoppingCondition": {"maxRuntimeInSeconds": 3600}
        }
    })
}

/// Polls the cache (no API requests) until `done` holds, for at most 5 s.
async fn until_cached(store: &KubeStore, done: impl Fn(&[Arc<Value>]) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let objects = store.list(&TRAINING_JOB).await.unwrap();
        if done(&objects) {
            return;
        }
        assert!(Instant::now() < deadline, "the watch did not deliver in time; cache: {objects:?}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

fn has(objects: &[Arc<Value>], name: &str) -> bool {
    objects.iter().any(|o| o["metadata"]["name"] == name)
}

#[tokio::test]
async fn create_then_get_then_polls_cost_no_api_request() {
    let (double, store) = start(None).await;
    assert_eq!(store.create(&TRAINING_JOB, NS, job("job-1")).await.unwrap(), Created::New);
    let got = store.get(&TRAINING_JOB, NS, "job-1").await.unwrap().expect("visible right after create");
    assert_eq!(got["spec"]["trainingJobName"], "job-1");

    until_cached(&store, |o| has(o, "job-1")).await;
    let before = (double.request_count(Verb::Get, PathKind::Object), store.api_requests());
    for _ in 0..100 {
        let object = store.get(&TRAINING_JOB, NS, "job-1").await.unwrap().unwrap();
        assert_eq!(object["metadata"]["name"], "job-1");
    }
    assert_eq!((double.request_count(Verb::Get, PathKind::Object), store.api_requests()), before, "polls are answered from the cache");
    assert!(store.counters().cache_hits >= 100);
    let cached = store.get(&TRAINING_JOB, NS, "job-1").await.unwrap().unwrap();
    assert_eq!(cached["spec"], json!({"trainingJobName": "job-1"}), "the cache keeps only the paths the plugin reads");
    assert_eq!(cached["metadata"]["name"], "job-1", "and the metadata");
    assert!(Arc::ptr_eq(&cached, &store.get(&TRAINING_JOB, NS, "job-1").await.unwrap().unwrap()), "polls share the cached object, no copy");

    // A status change made by the (simulated) controller reaches the cache through the watch.
    double.set_status(GROUP, "trainingjobs", NS, "job-1", json!({"trainingJobStatus": "Completed"})).unwrap();
    until_cached(&store, |o| o.iter().any(|x| x["status"]["trainingJobStatus"] == "Completed")).await;
    let updated = store.get(&TRAINING_JOB, NS, "job-1").await.unwrap().unwrap();
    assert_eq!(updated["status"]["trainingJobStatus"], "Completed");
    assert!(!Arc::ptr_eq(&cached, &updated), "a watch event replaces the shared object; earlier readers keep theirs");
    assert!(cached["status"].is_null(), "the earlier object is immutable");
    assert_eq!(double.request_count(Verb::Get, PathKind::Object), before.0);
}

#[tokio::test]
async fn second_create_is_already_exists() {
    let (_double, store) = start(None).await;
    assert_eq!(store.create(&TRAINING_JOB, NS, job("twice")).await.unwrap(), Created::New);
    assert_eq!(store.create(&TRAINING_JOB, NS, job("twice")).await.unwrap(), Created::AlreadyExists);
}

#[tokio::test]
async fn delete_removes_and_absent_delete_is_ok() {
    let (double, store) = start(None).await;
    store.create(&TRAINING_JOB, NS, job("gone")).await.unwrap();
    until_cached(&store, |o| has(o, "gone")).await;
    store.delete(&TRAINING_JOB, NS, "gone").await.unwrap();
    assert!(double.object(GROUP, "trainingjobs", NS, "gone").is_none());
    until_cached(&store, |o| !has(o, "gone")).await;
    assert_eq!(store.get(&TRAINING_JOB, NS, "gone").await.unwrap(), None);
    store.delete(&TRAINING_JOB, NS, "never-existed").await.expect("deleting an absent object succeeds");
}

#[tokio::test]
async fn invalid_object_is_rejected_naming_the_field() {
    let (_double, store) = start(None).await;
    let mut bad = job("bad");
    bad["spec"]["resourceConfig"]["instanceCount"] = json!("one");
    bad["spec"].as_object_mut().unwrap().remove("roleARN");
    match store.create(&TRAINING_JOB, NS, bad).await {
        Err(StoreError::Rejected(message)) => {
            assert!(message.contains("spec.resourceConfig.instanceCount"), "{message}");
            assert!(message.contains("spec.roleARN"), "{message}");
            assert!(message.contains("422"), "{message}");
        }
        other => panic!("expected Rejected, got {other:?}"),
    }
}

#[tokio::test]
async fn outage_is_unavailable_then_recovers() {
    let (double, store) = start(None).await;
    double.set_unavailable(true);
    assert!(matches!(store.create(&TRAINING_JOB, NS, job("during")).await, Err(StoreError::Unavailable(_))));
    assert!(matches!(store.get(&TRAINING_JOB, NS, "not-cached").await, Err(StoreError::Unavailable(_))));
    assert!(matches!(store.delete(&TRAINING_JOB, NS, "x").await, Err(StoreError::Unavailable(_))));

    double.set_unavailable(false);
    assert_eq!(store.create(&TRAINING_JOB, NS, job("after")).await.unwrap(), Created::New);
    assert!(store.get(&TRAINING_JOB, NS, "after").await.unwrap().is_some());
    // The watch re-establishes itself after its backoff and the cache catches up.
    until_cached(&store, |o| has(o, "after")).await;
}

#[tokio::test]
async fn unreachable_api_is_unavailable() {
    // A port that was free a moment ago: connection refused.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let client = KubeStore::client_for_url(&format!("http://127.0.0.1:{port}")).unwrap();
    let store = KubeStore::new(client, MANAGED_BY, vec![&TRAINING_JOB], None);
    assert!(matches!(store.get(&TRAINING_JOB, NS, "x").await, Err(StoreError::Unavailable(_))));
    assert!(matches!(store.create(&TRAINING_JOB, NS, job("x")).await, Err(StoreError::Unavailable(_))));
}

#[tokio::test]
async fn object_not_in_the_cache_costs_one_get() {
    let (double, store) = start(Some(vec![NS.to_string()])).await;
    // Not labelled for this backend: its watch never delivers it.
    let mut foreign = job("foreign");
    foreign["metadata"]["labels"] = json!({"app.kubernetes.io/managed-by": "someone-else"});
    let client = KubeStore::client_for_url(&double.url()).unwrap();
    let ar = kube::api::ApiResource::from_gvk_with_plural(&kube::core::GroupVersionKind::gvk(GROUP, "v1alpha1", "TrainingJob"), "trainingjobs");
    let api: kube::Api<kube::api::DynamicObject> = kube::Api::namespaced_with(client, NS, &ar);
    api.create(&Default::default(), &serde_json::from_value(foreign).unwrap()).await.unwrap();

    let before = double.request_count(Verb::Get, PathKind::Object);
    let got = store.get(&TRAINING_JOB, NS, "foreign").await.unwrap();
    assert_eq!(got.unwrap()["metadata"]["name"], "foreign");
    assert_eq!(double.request_count(Verb::Get, PathKind::Object), before + 1);
    assert_eq!(store.counters().api_gets, 1);

    // A namespace outside the watched list is never cached either.
    let before = double.request_count(Verb::Get, PathKind::Object);
    assert_eq!(store.get(&TRAINING_JOB, "elsewhere", "nothing").await.unwrap(), None);
    assert_eq!(double.request_count(Verb::Get, PathKind::Object), before + 1);
    assert!(store.list(&TRAINING_JOB).await.unwrap().is_empty(), "list holds only managed objects");
}

#[tokio::test]
async fn create_adds_the_managed_by_label_when_missing() {
    let (double, store) = start(None).await;
    let mut unlabelled = job("unlabelled");
    unlabelled["metadata"].as_object_mut().unwrap().remove("labels");
    store.create(&TRAINING_JOB, NS, unlabelled).await.unwrap();
    let stored = double.object(GROUP, "trainingjobs", NS, "unlabelled").unwrap();
    assert_eq!(stored["metadata"]["labels"]["app.kubernetes.io/managed-by"], MANAGED_BY);
    until_cached(&store, |o| has(o, "unlabelled")).await;
}

#[tokio::test]
async fn dropping_the_store_closes_its_watches() {
    let double = KubeTestDouble::start([crds_dir()]).await.unwrap();
    let wait_for = |want: usize| {
        let double = &double;
        async move {
            let deadline = Instant::now() + Duration::from_secs(5);
            while double.open_watches() != want {
                assert!(Instant::now() < deadline, "expected {want} open watches, have {}", double.open_watches());
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
    };
    let client = KubeStore::client_for_url(&double.url()).unwrap();
    let namespaces = Some(vec!["a".to_string(), "b".to_string()]);
    let store = KubeStore::new(client, MANAGED_BY, vec![&TRAINING_JOB], namespaces);
    wait_for(2).await;
    assert_eq!(double.request_count(Verb::Watch, PathKind::Collection), 2, "one watch per configured namespace");
    drop(store);
    wait_for(0).await;
}

#[tokio::test]
async fn for_each_visits_every_cached_object_once_without_api_requests() {
    let (double, store) = start(None).await;
    let names: Vec<String> = (0..130).map(|i| format!("job-{i:03}")).collect();
    for name in &names {
        assert_eq!(store.create(&TRAINING_JOB, NS, job(name)).await.unwrap(), Created::New);
    }
    until_cached(&store, |objects| objects.len() == names.len()).await;
    let before = double.total_requests();
    let mut seen = Vec::new();
    let count = store.for_each(&TRAINING_JOB, &mut |o| seen.push(o["metadata"]["name"].as_str().unwrap().to_string())).await.unwrap();
    assert_eq!(count, names.len());
    seen.sort();
    assert_eq!(seen, names, "each object once, as the cache holds it");
    assert_eq!(double.total_requests(), before, "the cache only");
}
