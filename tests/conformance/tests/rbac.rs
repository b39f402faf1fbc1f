//! The generated ClusterRole grants exactly what the backend does against a Kubernetes API: the
//! verbs its store uses (create, get, list, watch, patch, delete) on the plurals of its target, as
//! the Kubernetes API test double records them.
//!
//! Every verb is driven by a call that always makes it, whatever the watch cache has seen by
//! then (the test used to rely on the first poll missing the cache, and failed when it did not).

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use conformance::{request, settings};
use kube_test_double::{KubeTestDouble, Verb};
use machinery::agent::{PluginBackend, managed_by};
use machinery::kube_store::KubeStore;
use machinery::metrics::Metrics;
use machinery::{Backend, admin};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}


/// (apiGroup, resource, verb) triples the overlay's ClusterRole grants.
fn granted(target: &str) -> BTreeSet<(String, String, String)> {
    let text = std::fs::read_to_string(repo().join(format!("generated/kustomize/sagemaker/overlays/{target}/cluster-role.yaml"))).unwrap();
    let role: serde_norway::Value = serde_norway::from_str(&text).unwrap();
    let mut out = BTreeSet::new();
    for rule in role["rules"].as_sequence().unwrap() {
        let list = |k: &str| rule[k].as_sequence().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect::<Vec<_>>();
        for g in list("apiGroups") {
            for r in list("resources") {
                for v in list("verbs") {
                    out.insert((g.clone(), r.clone(), v));
                }
            }
        }
    }
    out
}

fn verb_name(v: Verb) -> &'static str {
    match v {
        Verb::Get => "get",
        Verb::List => "list",
        Verb::Watch => "watch",
        Verb::Create => "create",
        Verb::Update => "update",
        Verb::Patch => "patch",
        Verb::Delete => "delete",
        Verb::Other => "other",
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_cluster_role_grants_exactly_the_verbs_the_backend_uses() {
    for target in ["ack", "operator"] {
        let double = KubeTestDouble::start([conformance::shared_dir().join("crds").join(target)]).await.unwrap();
        let plugin = &sagemaker_plugin::PLUGIN;
        let resources = PluginBackend::<KubeStore>::resources(plugin, target);
        let client = KubeStore::client_for_url(&double.url()).unwrap();
        let store = Arc::new(KubeStore::new(client, &managed_by(plugin), resources.clone(), None));
        let backend = PluginBackend::new(plugin, settings(target), store.clone(), Arc::new(Metrics::new())).unwrap();
        let created = backend.create_task(request("sagemaker-k8s-builtin-training", target)).await.unwrap();
        // A repeated CreateTask reads the existing object from the API (get) before adopting it.
        backend.create_task(request("sagemaker-k8s-builtin-training", target)).await.unwrap();
        assert!(store.wait_until_synced(Duration::from_secs(10)).await, "the watch cache syncs (list, watch)");
        let meta = conformance::meta(&created.resource_meta);
        let status = if target == "ack" { serde_json::json!({"trainingJobStatus": "Failed", "failureReason": "x"}) } else { serde_json::json!({"trainingJobStatus": "Failed", "additional": "x"}) };
        double.set_status(resources[0].group(), resources[0].plural, &meta.ns, &meta.name, status).unwrap();
        // The first GetTask that reports the terminal phase records it on the object (patch).
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        loop {
            let got = backend.get_task(admin::GetTaskRequest { resource_meta: created.resource_meta.clone(), ..Default::default() }).await.unwrap();
            if got.resource.unwrap().phase == machinery::core::task_execution::Phase::Failed as i32 {
                break;
            }
            assert!(std::time::Instant::now() < deadline, "{target}: the watch delivers the failed status");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        backend.collect_garbage().await.unwrap();
        backend.delete_task(admin::DeleteTaskRequest { resource_meta: created.resource_meta.clone(), ..Default::default() }).await.unwrap();
        assert!(double.object(resources[0].group(), resources[0].plural, &meta.ns, &meta.name).is_none(), "deleted");

        let used: BTreeSet<&str> = double.request_counts().into_iter().filter(|(_, n)| *n > 0).map(|((verb, _), _)| verb_name(verb)).collect();
        let grants = granted(target);
        let granted_verbs: BTreeSet<&str> = grants.iter().map(|(_, _, v)| v.as_str()).collect();
        assert_eq!(used, granted_verbs, "{target}: verbs used vs granted");
        let group = resources[0].group();
        let plurals: BTreeSet<&str> = resources.iter().map(|r| r.plural).collect();
        let granted_plurals: BTreeSet<&str> = grants.iter().map(|(_, r, _)| r.as_str()).collect();
        assert_eq!(plurals, granted_plurals, "{target}");
        assert!(grants.iter().all(|(g, _, _)| g == group), "{target}: only the target's group");
    }
}
