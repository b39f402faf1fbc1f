//! Allowlists through the agent's real gRPC port: for every task type, target and allowlist the
//! generated plugin declares (read from its registry, not listed here), a CreateTask whose object
//! would hold a value the namespace's list does not admit is PERMISSION_DENIED naming the list and
//! the value, and creates nothing; the same request passes once the value is admitted. The
//! Kubernetes side is the in-memory store (a test double): this is about the agent, not the API.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;

use conformance::{MemoryStore, NAMESPACE, targets, task_types, request, settings};
use machinery::agent::{AgentSettings, PluginBackend};
use machinery::allowlist::{AllowlistMatch, registry};
use machinery::metrics::Metrics;
use machinery::proto::flyteidl::service::async_agent_service_client::AsyncAgentServiceClient;
use machinery::{ServerConfig, admin};
use tokio::sync::oneshot;
use tonic::Code;

/// A backend with `settings` on an ephemeral 127.0.0.1 port; dropped, it stops.
struct Served {
    addr: SocketAddr,
    store: Arc<MemoryStore>,
    _stop: oneshot::Sender<()>,
}

async fn serve(settings: AgentSettings) -> Served {
    let store = Arc::new(MemoryStore::default());
    let backend = PluginBackend::new(&sagemaker_plugin::PLUGIN, settings, store.clone(), Arc::new(Metrics::new())).expect("valid settings");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(machinery::serve_on(listener, Arc::new(backend), ServerConfig::default(), async {
        let _ = stopped.await;
    }));
    Served { addr, store, _stop: stop }
}

async fn create(served: &Served, request: admin::CreateTaskRequest) -> Result<(), tonic::Status> {
    let mut client = AsyncAgentServiceClient::connect(format!("http://{}", served.addr)).await.unwrap();
    client.create_task(request).await.map(|_| ())
}

/// The allowlisted places of `task_type` in `target`, from the generated registry.
fn places(task_type: &str, target: &str) -> &'static [machinery::allowlist::AllowlistedPath] {
    sagemaker_plugin::PLUGIN.task_type(task_type).unwrap().resource(target).unwrap().allowlisted
}

fn with_lists(target: &str, lists: BTreeMap<String, BTreeMap<String, Vec<String>>>) -> AgentSettings {
    AgentSettings { allowlists: lists, ..settings(target) }
}

fn one_list(namespace: &str, list: &str, entries: &[&str]) -> BTreeMap<String, BTreeMap<String, Vec<String>>> {
    BTreeMap::from([(namespace.to_string(), BTreeMap::from([(list.to_string(), entries.iter().map(|e| e.to_string()).collect())]))])
}

#[test]
fn the_plugin_allowlists_every_role_and_every_image() {
    // What the SageMaker .proto annotates; if an annotation goes, this fails before the
    // per-list tests below silently cover less.
    for target in targets() {
        for task_type in task_types() {
            let lists: Vec<(&str, AllowlistMatch)> = places(task_type, target).iter().map(|p| (p.list, p.matching)).collect();
            assert!(lists.contains(&("iam_roles", AllowlistMatch::Exact)), "{task_type} {target}: {lists:?}");
            assert!(lists.contains(&("image_registries", AllowlistMatch::ImageRegistry)), "{task_type} {target}: {lists:?}");
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_allowlisted_value_is_refused_unless_its_namespace_admits_it() {
    for target in targets() {
        for task_type in task_types() {
            // The object the request makes without any allowlist: where the values are.
            let open = serve(settings(target)).await;
            create(&open, request(task_type, target)).await.unwrap_or_else(|e| panic!("{task_type} {target}: {e}"));
            let object = open.store.objects.lock().await.values().next().cloned().unwrap();
            for place in places(task_type, target) {
                let value = place.path.iter().try_fold(&object, |v, k| v.get(*k)).and_then(|v| v.as_str()).unwrap_or_else(|| {
                    panic!("{task_type} {target}: the request sets {}", place.path.join("."))
                });
                let admitted = match place.matching {
                    AllowlistMatch::Exact => value.to_string(),
                    AllowlistMatch::ImageRegistry => registry(value).to_string(),
                };
                let case = format!("{task_type} {target} {}", place.list);

                // Another value only: refused, naming the list, the value and the namespace.
                let refusing = serve(with_lists(target, one_list(NAMESPACE, place.list, &["something-else.example.com"]))).await;
                let e = create(&refusing, request(task_type, target)).await.expect_err(&case);
                assert_eq!(e.code(), Code::PermissionDenied, "{case}: {e:?}");
                for part in [place.list, value, NAMESPACE] {
                    assert!(e.message().contains(part), "{case}: `{part}` not in {:?}", e.message());
                }
                assert!(refusing.store.objects.lock().await.is_empty(), "{case}: nothing is created");

                // The namespace admits it: created.
                let admitting = serve(with_lists(target, one_list(NAMESPACE, place.list, &["other", &admitted]))).await;
                create(&admitting, request(task_type, target)).await.unwrap_or_else(|e| panic!("{case}: {e}"));
                assert_eq!(admitting.store.objects.lock().await.len(), 1, "{case}");

                // "*" applies to a namespace without a list of its own; another namespace's list does not.
                let wildcard = serve(with_lists(target, one_list("*", place.list, &["something-else"]))).await;
                assert_eq!(create(&wildcard, request(task_type, target)).await.unwrap_err().code(), Code::PermissionDenied, "{case}");
                let elsewhere = serve(with_lists(target, one_list("team-b", place.list, &["something-else"]))).await;
                create(&elsewhere, request(task_type, target)).await.unwrap_or_else(|e| panic!("{case}: {e}"));
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_execution_default_role_is_checked_like_a_given_one() {
    // The request names no role in the payload: the object's role is the execution identity's.
    let target = "ack";
    let served = serve(with_lists(target, one_list(NAMESPACE, "iam_roles", &["arn:aws:iam::123456789012:role/team"]))).await;
    let e = create(&served, request("sagemaker-k8s-builtin-training", target)).await.unwrap_err();
    assert_eq!(e.code(), Code::PermissionDenied);
    assert!(e.message().contains("arn:aws:iam::123456789012:role/flyte-execution"), "{}", e.message());
}

#[test]
fn a_list_name_the_plugin_does_not_use_refuses_to_start() {
    let settings = with_lists("ack", one_list("*", "iam_role", &["x"]));
    let Err(e) = PluginBackend::new(&sagemaker_plugin::PLUGIN, settings, Arc::new(MemoryStore::default()), Arc::new(Metrics::new())) else {
        panic!("a misspelt list was accepted");
    };
    assert!(e.contains("iam_role ") && e.contains("iam_roles, image_registries"), "{e}");
}
