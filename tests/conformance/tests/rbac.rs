//! The generated ClusterRole grants exactly what the backend does against a Kubernetes API: the
//! verbs its store uses (create, get, list, watch, delete) on the plurals of its target, as the
//! Kubernetes API test double records them.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use conformance::{request, settings};
use kube_test_double::{KubeTestDouble, Verb};
use machinery::agent::{PluginBackend, ResourceMeta, managed_by};
use machinery::kube_store::KubeStore;
use machinery::metrics::Metrics;
use machinery::{Backend, admin};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}


/// (apiGroup, resource, verb) triples the overlay's ClusterRole grants.
fn granted(target: &str) -> BTreeSet<(String, String, String)> {
    let text = std::fs::read_to_string(repo().join(format!("generated/kustomize/sagemaker/overlays/{target}/cluster-role.yaml"))).unwrap();
    let role: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
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
        // An object not yet in the watch cache is read once from the API (a GET).
        let created = backend.create_task(request("sagemaker-k8s-builtin-training", target)).await.unwrap();
        backend.get_task(admin::GetTaskRequest { resource_meta: created.resource_meta.clone(), ..Default::default() }).await.unwrap();
        assert!(store.wait_until_synced(Duration::from_secs(10)).await, "the watch cache syncs");
        backend.collect_garbage().await.unwrap();
        backend.delete_task(admin::DeleteTaskRequest { resource_meta: created.resource_meta.clone(), ..Default::default() }).await.unwrap();
        let meta = ResourceMeta::decode(&created.resource_meta).unwrap();
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
