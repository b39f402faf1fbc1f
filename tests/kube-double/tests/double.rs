//! The Kubernetes API test double, exercised through kube-rs (the client it stands in for) with
//! the real ACK and operator CRDs from `<repo>/../shared/crds` (or `$SHARED_DIR/crds`).

use std::path::PathBuf;
use std::time::Duration;

use futures_util::{Stream, StreamExt};
use kube::api::{Api, ApiResource, DeleteParams, DynamicObject, ListParams, Patch, PatchParams, PostParams, WatchEvent, WatchParams};
use kube::core::GroupVersionKind;
use kube_test_double::{Config, KubeTestDouble, PathKind, Verb};
use serde_json::{Value, json};

const ACK_GROUP: &str = "sagemaker.services.k8s.aws";
const OP_GROUP: &str = "sagemaker.aws.amazon.com";
const NS: &str = "flyte";

fn crds_dir() -> PathBuf {
    let shared = std::env::var_os("SHARED_DIR").map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"), PathBuf::from);
    shared.join("crds")
}

async fn start() -> (KubeTestDouble, kube::Client) {
    start_with(Config::new([crds_dir()])).await
}

async fn start_with(config: Config) -> (KubeTestDouble, kube::Client) {
    let double = KubeTestDouble::start_with(config, "127.0.0.1:0".parse().unwrap()).await.expect("the test double starts");
    let mut config = kube::Config::new(double.url().parse().unwrap());
    // kube-rs retries 503 for minutes by default; the outage test wants to see the 503.
    config.default_retry = false;
    let client = kube::Client::try_from(config).expect("client");
    (double, client)
}

fn ack_api(client: &kube::Client) -> Api<DynamicObject> {
    let ar = ApiResource::from_gvk_with_plural(&GroupVersionKind::gvk(ACK_GROUP, "v1alpha1", "TrainingJob"), "trainingjobs");
    Api::namespaced_with(client.clone(), NS, &ar)
}

fn op_api(client: &kube::Client) -> Api<DynamicObject> {
    let ar = ApiResource::from_gvk_with_plural(&GroupVersionKind::gvk(OP_GROUP, "v1", "TrainingJob"), "trainingjobs");
    Api::namespaced_with(client.clone(), NS, &ar)
}

/// The smallest TrainingJob the ACK CRD accepts (its six required spec fields).
fn ack_job(name: &str) -> Value {
    json!({
        "apiVersion": "sagemaker.services.k8s.aws/v1alpha1",
        "kind": "TrainingJob",
        "metadata": {"name": name, "labels": {"app.kubernetes.io/managed-by": "flyte-sagemaker"}},
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

/// The smallest TrainingJob the operator's CRD accepts.
fn op_job(name: &str) -> Value {
    json!({
        "apiVersion": "sagemaker.aws.amazon.com/v1",
        "kind": "TrainingJob",
        "metadata": {"name": name},
        "spec": {
            "region": "us-east-1",
            "roleArn": "arn:aws:iam::123456789012:role/sagemaker",
            "algorithmSpecification": {"trainingImage": "xgboost:1", "trainingInputMode": "File"},
            "outputDataConfig": {"s3OutputPath": "s3://bucket/out"},
            "resourceConfig": {"instanceCount": 1, "instanceType": "ml.m5.large", "volumeSizeInGB": 10},
            "stoppingCondition": {"maxRuntimeInSeconds": 3600}
        }
    })
}

fn dynamic(v: Value) -> DynamicObject {
    serde_json::from_value(v).expect("a DynamicObject")
}

fn api_status(err: kube::Error) -> kube::core::Status {
    match err {
        kube::Error::Api(status) => *status,
        other => panic!("expected an API error, got {other}"),
    }
}

fn causes(status: &kube::core::Status) -> Vec<(String, String)> {
    status.details.as_ref().map(|d| d.causes.iter().map(|c| (c.reason.clone(), c.field.clone())).collect()).unwrap_or_default()
}

async fn next_event<S: Stream<Item = kube::Result<WatchEvent<DynamicObject>>> + Unpin>(stream: &mut S) -> WatchEvent<DynamicObject> {
    tokio::time::timeout(Duration::from_secs(5), stream.next()).await.expect("a watch event within 5 s").expect("the stream is open").expect("a decodable event")
}

fn describe(event: &WatchEvent<DynamicObject>) -> String {
    match event {
        WatchEvent::Added(o) => format!("ADDED {}", o.metadata.name.as_deref().unwrap_or("")),
        WatchEvent::Modified(o) => format!("MODIFIED {}", o.metadata.name.as_deref().unwrap_or("")),
        WatchEvent::Deleted(o) => format!("DELETED {}", o.metadata.name.as_deref().unwrap_or("")),
        WatchEvent::Bookmark(_) => "BOOKMARK".into(),
        WatchEvent::Error(s) => format!("ERROR {}", s.code),
    }
}

#[tokio::test]
async fn loads_both_crd_layouts() {
    let (double, _) = start().await;
    let ack = double.crds().iter().find(|c| c.group == ACK_GROUP && c.plural == "trainingjobs").expect("ACK TrainingJob");
    let op = double.crds().iter().find(|c| c.group == OP_GROUP && c.plural == "trainingjobs").expect("operator TrainingJob");
    assert!(ack.prune && !op.prune, "v1 prunes, v1beta1 preserves unknown fields");
    assert!(ack.versions[0].status_subresource && op.versions[0].status_subresource);
    assert!(ack.versions[0].schema.is_some() && op.versions[0].schema.is_some());
    assert_eq!(double.crds().iter().filter(|c| c.group == OP_GROUP).count(), 8);
}

#[tokio::test]
async fn create_sets_server_fields_and_get_returns_the_object() {
    let (double, client) = start().await;
    let api = ack_api(&client);
    let mut body = ack_job("job-a");
    body["status"] = json!({"trainingJobStatus": "Completed"});
    let created = api.create(&PostParams::default(), &dynamic(body)).await.unwrap();
    let meta = &created.metadata;
    assert_eq!(meta.namespace.as_deref(), Some(NS));
    assert_eq!(meta.uid.as_ref().map(String::len), Some(36));
    assert!(meta.creation_timestamp.is_some());
    assert_eq!(meta.generation, Some(1));
    let rv: u64 = meta.resource_version.as_deref().unwrap().parse().unwrap();
    assert_eq!(rv, double.resource_version());
    assert!(created.data.get("status").is_none(), "a create cannot set status when there is a status subresource");

    let got = api.get("job-a").await.unwrap();
    assert_eq!(got.metadata.uid, meta.uid);
    assert_eq!(got.data["spec"]["resourceConfig"]["instanceCount"], 1);
    let list = api.list(&ListParams::default().labels("app.kubernetes.io/managed-by=flyte-sagemaker")).await.unwrap();
    assert_eq!(list.items.len(), 1);
    assert_eq!(api.list(&ListParams::default().labels("app.kubernetes.io/managed-by=other")).await.unwrap().items.len(), 0);
    assert_eq!(api.list(&ListParams::default().labels("app.kubernetes.io/managed-by")).await.unwrap().items.len(), 1);
    assert_eq!(double.objects().len(), 1);
    assert_eq!(double.request_count(Verb::Create, PathKind::Collection), 1);
    assert_eq!(double.request_count(Verb::Get, PathKind::Object), 1);
    assert_eq!(double.request_count(Verb::List, PathKind::Collection), 3);
}

#[tokio::test]
async fn absent_object_is_404_not_found() {
    let (_double, client) = start().await;
    let status = api_status(ack_api(&client).get("missing").await.unwrap_err());
    assert_eq!((status.code, status.reason.as_str()), (404, "NotFound"));
    assert_eq!(status.message, "trainingjobs.sagemaker.services.k8s.aws \"missing\" not found");
    let details = status.details.unwrap();
    assert_eq!((details.name.as_str(), details.group.as_str(), details.kind.as_str()), ("missing", ACK_GROUP, "trainingjobs"));
    assert!(ack_api(&client).get_opt("missing").await.unwrap().is_none());
}

#[tokio::test]
async fn second_create_is_409_already_exists() {
    let (_double, client) = start().await;
    let api = ack_api(&client);
    api.create(&PostParams::default(), &dynamic(ack_job("twice"))).await.unwrap();
    let status = api_status(api.create(&PostParams::default(), &dynamic(ack_job("twice"))).await.unwrap_err());
    assert_eq!((status.code, status.reason.as_str()), (409, "AlreadyExists"));
    assert_eq!(status.details.unwrap().name, "twice");
}

#[tokio::test]
async fn ack_object_breaking_the_schema_is_422_with_causes() {
    let (double, client) = start().await;
    let mut body = ack_job("Bad_Name");
    body["spec"].as_object_mut().unwrap().remove("roleARN");
    body["spec"]["resourceConfig"]["instanceCount"] = json!("two");
    body["spec"]["algorithmSpecification"]["metricDefinitions"] = json!([{"name": "loss", "regex": 5}]);
    let status = api_status(ack_api(&client).create(&PostParams::default(), &dynamic(body)).await.unwrap_err());
    assert_eq!((status.code, status.reason.as_str()), (422, "Invalid"));
    let got = causes(&status);
    let want = [
        ("FieldValueInvalid", "metadata.name"),
        ("FieldValueRequired", "spec.roleARN"),
        ("FieldValueTypeInvalid", "spec.algorithmSpecification.metricDefinitions[0].regex"),
        ("FieldValueTypeInvalid", "spec.resourceConfig.instanceCount"),
    ];
    for (reason, field) in want {
        assert!(got.iter().any(|(r, f)| r == reason && f == field), "missing {reason} {field} in {got:?}");
    }
    assert_eq!(got.len(), want.len(), "{got:?}");
    assert!(status.message.starts_with("TrainingJob.sagemaker.services.k8s.aws \"Bad_Name\" is invalid: ["), "{}", status.message);
    assert_eq!(status.details.unwrap().kind, "TrainingJob");
    assert!(double.objects().is_empty());
}

#[tokio::test]
async fn operator_object_breaking_the_schema_is_422_with_causes() {
    let (_double, client) = start().await;
    let mut body = op_job("op-bad");
    body["spec"]["algorithmSpecification"]["trainingInputMode"] = json!("Stream");
    body["spec"]["roleArn"] = json!("short");
    body["spec"]["resourceConfig"]["instanceCount"] = json!(0);
    body["spec"]["outputDataConfig"]["s3OutputPath"] = json!("ftp://x");
    body["spec"]["inputDataConfig"] = json!([]);
    body["spec"]["trainingJobName"] = json!("x".repeat(64));
    body["spec"].as_object_mut().unwrap().remove("region");
    let status = api_status(op_api(&client).create(&PostParams::default(), &dynamic(body)).await.unwrap_err());
    assert_eq!(status.code, 422);
    let got = causes(&status);
    for (reason, field) in [
        ("FieldValueNotSupported", "spec.algorithmSpecification.trainingInputMode"),
        ("FieldValueInvalid", "spec.roleArn"),
        ("FieldValueInvalid", "spec.resourceConfig.instanceCount"),
        ("FieldValueInvalid", "spec.outputDataConfig.s3OutputPath"),
        ("FieldValueInvalid", "spec.inputDataConfig"),
        ("FieldValueTooLong", "spec.trainingJobName"),
        ("FieldValueRequired", "spec.region"),
    ] {
        assert!(got.iter().any(|(r, f)| r == reason && f == field), "missing {reason} {field} in {got:?}");
    }
    op_api(&client).create(&PostParams::default(), &dynamic(op_job("op-good"))).await.expect("the minimal operator job is valid");
}

#[tokio::test]
async fn unknown_fields_are_pruned_for_v1_and_kept_for_v1beta1() {
    let (_double, client) = start().await;
    let mut body = ack_job("pruned");
    body["spec"]["notInSchema"] = json!(1);
    body["metadata"]["bogus"] = json!("x");
    let created = ack_api(&client).create(&PostParams::default(), &dynamic(body.clone())).await.unwrap();
    assert!(created.data["spec"].get("notInSchema").is_none());

    // kube-rs has no `fieldValidation` parameter; send the request by hand.
    body["metadata"]["name"] = json!("strict");
    let request = axum::http::Request::post(format!("/apis/{ACK_GROUP}/v1alpha1/namespaces/{NS}/trainingjobs?fieldValidation=Strict"))
        .header("content-type", "application/json")
        .body(body.to_string().into_bytes())
        .unwrap();
    let status = api_status(client.request_text(request).await.unwrap_err());
    assert_eq!(status.code, 400);
    assert!(status.message.contains("unknown field \"spec.notInSchema\""), "{}", status.message);

    let mut op = op_job("kept");
    op["spec"]["notInSchema"] = json!(1);
    let created = op_api(&client).create(&PostParams::default(), &dynamic(op)).await.unwrap();
    assert_eq!(created.data["spec"]["notInSchema"], 1);
}

#[tokio::test]
async fn status_subresource_and_optimistic_concurrency() {
    let (_double, client) = start().await;
    let api = ack_api(&client);
    let created = api.create(&PostParams::default(), &dynamic(ack_job("st"))).await.unwrap();

    // A status write changes only status, and not generation.
    let patch = json!({"status": {"trainingJobStatus": "InProgress"}, "spec": {"roleARN": "changed-by-status-write"}});
    let after_status = api.patch_status("st", &PatchParams::default(), &Patch::Merge(&patch)).await.unwrap();
    assert_eq!(after_status.data["status"]["trainingJobStatus"], "InProgress");
    assert_eq!(after_status.data["spec"]["roleARN"], created.data["spec"]["roleARN"]);
    assert_eq!(after_status.metadata.generation, Some(1));

    // A main write ignores status and bumps generation when spec changes.
    let mut replacement = after_status.clone();
    replacement.data["spec"]["stoppingCondition"]["maxRuntimeInSeconds"] = json!(7200);
    replacement.data["status"] = json!({"trainingJobStatus": "Completed"});
    let replaced = api.replace("st", &PostParams::default(), &replacement).await.unwrap();
    assert_eq!(replaced.data["status"]["trainingJobStatus"], "InProgress");
    assert_eq!(replaced.metadata.generation, Some(2));

    // The stale resourceVersion of `replacement` now conflicts.
    let status = api_status(api.replace("st", &PostParams::default(), &replacement).await.unwrap_err());
    assert_eq!((status.code, status.reason.as_str()), (409, "Conflict"));

    // Custom resources need a resourceVersion on PUT.
    let mut unconditional = replaced.clone();
    unconditional.metadata.resource_version = None;
    let status = api_status(api.replace("st", &PostParams::default(), &unconditional).await.unwrap_err());
    assert_eq!(status.code, 422);
    assert_eq!(causes(&status)[0].1, "metadata.resourceVersion");

    // An invalid merge patch is refused like an invalid create.
    let status = api_status(api.patch("st", &PatchParams::default(), &Patch::Merge(json!({"spec": {"resourceConfig": {"instanceCount": "x"}}}))).await.unwrap_err());
    assert_eq!(causes(&status), [("FieldValueTypeInvalid".to_string(), "spec.resourceConfig.instanceCount".to_string())]);
}

#[tokio::test]
async fn watch_sees_added_modified_deleted() {
    let (double, client) = start().await;
    let api = ack_api(&client);
    let rv = api.list(&ListParams::default()).await.unwrap().metadata.resource_version.unwrap();
    let mut events = api.watch(&WatchParams::default().timeout(10), &rv).await.unwrap().boxed();

    api.create(&PostParams::default(), &dynamic(ack_job("w1"))).await.unwrap();
    double.set_status(ACK_GROUP, "trainingjobs", NS, "w1", json!({"trainingJobStatus": "InProgress"})).unwrap();
    api.delete("w1", &DeleteParams::default()).await.unwrap();

    let mut seen = Vec::new();
    while seen.len() < 3 {
        let e = next_event(&mut events).await;
        if let WatchEvent::Modified(o) = &e {
            assert_eq!(o.data["status"]["trainingJobStatus"], "InProgress");
        }
        if !matches!(e, WatchEvent::Bookmark(_)) {
            seen.push(describe(&e));
        }
    }
    assert_eq!(seen, ["ADDED w1", "MODIFIED w1", "DELETED w1"]);

    // A new watch from the old resourceVersion replays the same history.
    let mut replay = api.watch(&WatchParams::default().timeout(10).disable_bookmarks(), &rv).await.unwrap().boxed();
    let mut replayed = Vec::new();
    for _ in 0..3 {
        replayed.push(describe(&next_event(&mut replay).await));
    }
    assert_eq!(replayed, seen);
}

#[tokio::test]
async fn label_selected_watch_sees_objects_leave_the_selection() {
    let (double, client) = start().await;
    let api = ack_api(&client);
    let wp = WatchParams::default().labels("app.kubernetes.io/managed-by=flyte-sagemaker").timeout(10).disable_bookmarks();
    let mut events = api.watch(&wp, "0").await.unwrap().boxed();
    let mut other = ack_job("other");
    other["metadata"]["labels"] = json!({"app.kubernetes.io/managed-by": "someone-else"});
    api.create(&PostParams::default(), &dynamic(other)).await.unwrap();
    api.create(&PostParams::default(), &dynamic(ack_job("mine"))).await.unwrap();
    double.update_object(ACK_GROUP, "trainingjobs", NS, "mine", |o| o["metadata"]["labels"] = json!({})).unwrap();
    assert_eq!(describe(&next_event(&mut events).await), "ADDED mine");
    assert_eq!(describe(&next_event(&mut events).await), "DELETED mine");
}

#[tokio::test]
async fn finalizers_delay_deletion_until_removed() {
    let (double, client) = start().await;
    let api = ack_api(&client);
    let mut body = ack_job("fin");
    body["metadata"]["finalizers"] = json!(["example.com/keep"]);
    api.create(&PostParams::default(), &dynamic(body)).await.unwrap();
    let rv = double.resource_version().to_string();
    let mut events = api.watch(&WatchParams::default().timeout(10).disable_bookmarks(), &rv).await.unwrap().boxed();

    let deleted = api.delete("fin", &DeleteParams::default()).await.unwrap();
    let marked = deleted.left().expect("the object is returned while finalizers remain");
    assert!(marked.metadata.deletion_timestamp.is_some());
    assert!(api.get("fin").await.unwrap().metadata.deletion_timestamp.is_some());
    assert_eq!(describe(&next_event(&mut events).await), "MODIFIED fin");

    // No new finalizer may be added while deleting.
    let status = api_status(api.patch("fin", &PatchParams::default(), &Patch::Merge(json!({"metadata": {"finalizers": ["example.com/keep", "new"]}}))).await.unwrap_err());
    assert_eq!(causes(&status)[0].1, "metadata.finalizers");

    api.patch("fin", &PatchParams::default(), &Patch::Merge(json!({"metadata": {"finalizers": null}}))).await.unwrap();
    assert_eq!(describe(&next_event(&mut events).await), "DELETED fin");
    assert_eq!(api_status(api.get("fin").await.unwrap_err()).code, 404);
    assert!(double.objects().is_empty());
}

#[tokio::test]
async fn watch_from_expired_resource_version_is_410() {
    let (_double, client) = start_with(Config { history_limit: 2, ..Config::new([crds_dir()]) }).await;
    let api = ack_api(&client);
    let first = api.create(&PostParams::default(), &dynamic(ack_job("e1"))).await.unwrap();
    for name in ["e2", "e3", "e4"] {
        api.create(&PostParams::default(), &dynamic(ack_job(name))).await.unwrap();
    }
    let old = first.metadata.resource_version.unwrap();
    let mut events = api.watch(&WatchParams::default().timeout(10), &old).await.unwrap().boxed();
    match next_event(&mut events).await {
        WatchEvent::Error(status) => assert_eq!((status.code, status.reason.as_str()), (410, "Expired")),
        other => panic!("expected a 410 ERROR event, got {}", describe(&other)),
    }
    assert!(tokio::time::timeout(Duration::from_secs(5), events.next()).await.unwrap().is_none(), "the watch ends after the error");
}

#[tokio::test]
async fn compacted_history_expires_old_versions() {
    let (double, client) = start().await;
    let api = ack_api(&client);
    let created = api.create(&PostParams::default(), &dynamic(ack_job("c1"))).await.unwrap();
    api.create(&PostParams::default(), &dynamic(ack_job("c2"))).await.unwrap();
    double.compact_history();
    let mut events = api.watch(&WatchParams::default().timeout(10), &created.metadata.resource_version.unwrap()).await.unwrap().boxed();
    assert_eq!(describe(&next_event(&mut events).await), "ERROR 410");
}

#[tokio::test]
async fn bookmarks_arrive_and_watches_time_out() {
    let config = Config { bookmark_interval: Duration::from_millis(50), ..Config::new([crds_dir()]) };
    let (_double, client) = start_with(config).await;
    let api = ack_api(&client);
    let mut events = api.watch(&WatchParams::default().timeout(1), "0").await.unwrap().boxed();
    let WatchEvent::Bookmark(b) = next_event(&mut events).await else { panic!("expected a bookmark") };
    assert_eq!(b.types.kind, "TrainingJob");
    assert!(!b.metadata.resource_version.is_empty());
    let ended = tokio::time::timeout(Duration::from_secs(5), async {
        while let Some(e) = events.next().await {
            e.unwrap();
        }
    });
    ended.await.expect("the watch ends after timeoutSeconds");
}

#[tokio::test]
async fn streaming_list_ends_initial_events_with_a_bookmark() {
    let (_double, client) = start().await;
    let api = ack_api(&client);
    api.create(&PostParams::default(), &dynamic(ack_job("s1"))).await.unwrap();
    let wp = WatchParams::streaming_lists().timeout(5);
    let mut events = api.watch(&wp, "").await.unwrap().boxed();
    assert_eq!(describe(&next_event(&mut events).await), "ADDED s1");
    let WatchEvent::Bookmark(b) = next_event(&mut events).await else { panic!("expected the initial-events-end bookmark") };
    assert_eq!(b.metadata.annotations.get("k8s.io/initial-events-end").map(String::as_str), Some("true"));
}

#[tokio::test]
async fn all_namespace_list_and_watch() {
    let (double, client) = start().await;
    let ar = ApiResource::from_gvk_with_plural(&GroupVersionKind::gvk(ACK_GROUP, "v1alpha1", "TrainingJob"), "trainingjobs");
    let all: Api<DynamicObject> = Api::all_with(client.clone(), &ar);
    let other_ns: Api<DynamicObject> = Api::namespaced_with(client.clone(), "other", &ar);
    let mut events = all.watch(&WatchParams::default().timeout(10).disable_bookmarks(), "0").await.unwrap().boxed();
    ack_api(&client).create(&PostParams::default(), &dynamic(ack_job("n1"))).await.unwrap();
    other_ns.create(&PostParams::default(), &dynamic(ack_job("n2"))).await.unwrap();
    assert_eq!(describe(&next_event(&mut events).await), "ADDED n1");
    assert_eq!(describe(&next_event(&mut events).await), "ADDED n2");
    assert_eq!(all.list(&ListParams::default()).await.unwrap().items.len(), 2);
    assert_eq!(ack_api(&client).list(&ListParams::default()).await.unwrap().items.len(), 1);
    assert_eq!(double.request_count(Verb::Watch, PathKind::AllNamespaces), 1);
    assert_eq!(double.request_count(Verb::List, PathKind::AllNamespaces), 1);
}

#[tokio::test]
async fn list_pages_with_limit_and_continue() {
    let (_double, client) = start().await;
    let api = ack_api(&client);
    for name in ["p1", "p2", "p3"] {
        api.create(&PostParams::default(), &dynamic(ack_job(name))).await.unwrap();
    }
    let first = api.list(&ListParams::default().limit(2)).await.unwrap();
    assert_eq!(first.items.len(), 2);
    let token = first.metadata.continue_.clone().expect("a continue token");
    let second = api.list(&ListParams::default().limit(2).continue_token(&token)).await.unwrap();
    let names: Vec<_> = second.items.iter().map(|o| o.metadata.name.clone().unwrap()).collect();
    assert_eq!(names, ["p3"]);
    assert!(second.metadata.continue_.is_none());
}

#[tokio::test]
async fn outage_answers_503_and_ends_watches() {
    let (double, client) = start().await;
    let api = ack_api(&client);
    let mut events = api.watch(&WatchParams::default().timeout(30).disable_bookmarks(), "0").await.unwrap().boxed();
    double.set_unavailable(true);
    assert!(tokio::time::timeout(Duration::from_secs(5), events.next()).await.expect("the watch is cut").is_none());
    let status = api_status(api.get("any").await.unwrap_err());
    assert_eq!((status.code, status.reason.as_str()), (503, "ServiceUnavailable"));
    assert_eq!(double.request_count(Verb::Get, PathKind::Object), 1);
    double.set_unavailable(false);
    assert_eq!(api_status(api.get("any").await.unwrap_err()).code, 404);
    assert_eq!(double.request_count(Verb::Get, PathKind::Object), 2);
}

#[tokio::test]
async fn discovery_answers() {
    let (_double, client) = start().await;
    let version = client.apiserver_version().await.unwrap();
    assert_eq!(version.major, "1");
    let groups = client.list_api_groups().await.unwrap();
    assert!(groups.groups.iter().any(|g| g.name == ACK_GROUP));
    let resources = client.list_api_group_resources(&format!("{ACK_GROUP}/v1alpha1")).await.unwrap();
    assert!(resources.resources.iter().any(|r| r.name == "trainingjobs/status"));
}

#[test]
fn binary_prints_its_address() {
    use std::io::BufRead;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_kube-test-double"))
        .args(["--crds".as_ref(), crds_dir().as_os_str(), "--listen".as_ref(), "127.0.0.1:0".as_ref()])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let addr: std::net::SocketAddr = line.trim().parse().expect("an address");
    assert!(addr.ip().is_loopback() && addr.port() != 0);
    assert!(std::net::TcpStream::connect(addr).is_ok());
    child.kill().unwrap();
    child.wait().unwrap();
}
