//! [`KubeStore`]: the Kubernetes [`ObjectStore`], with kube-rs.
//!
//! One watch-backed cache (kube-runtime reflector) per resource and watched namespace, selecting
//! only objects labelled `app.kubernetes.io/managed-by=<managed_by>`. `get` answers from the
//! cache, so Flyte's polling costs no API request once the watch has delivered an object; only an
//! object the cache has not seen yet (just created, or not managed by this backend) costs one GET.
//!
//! The cache holds each object pruned to what the plugin reads and already converted to JSON,
//! once per watch event, behind an `Arc` ([`Cached`]): a poll shares it instead of copying it.
//!
//! Failures are sorted for the agent: what is worth retrying (no connection, 5xx, 429) is
//! [`StoreError::Unavailable`], what is not (422 with field causes, 400, ...) is
//! [`StoreError::Rejected`], and a refusal of the backend's own credentials or RBAC (401, 403) is
//! [`StoreError::Denied`].

use std::borrow::Cow;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use futures_util::{StreamExt, TryStreamExt};
use kube::api::{Api, ApiResource, DeleteParams, DynamicObject, Patch, PatchParams, PostParams, Preconditions};
use kube::core::GroupVersionKind;
use kube::runtime::reflector::{self, Lookup, ObjectRef, Store};
use kube::runtime::{WatchStreamExt, watcher};
use serde_json::Value;

use crate::plugin::ResourceDef;
use crate::store::{Created, ObjectStore, StoreError};

use crate::agent::MANAGED_BY_LABEL;

/// What the store has asked of the API server (besides its watches), and what the cache saved.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StoreCounters {
    /// `get`s answered from the cache.
    pub cache_hits: u64,
    /// `get`s that had to ask the API (object not cached yet).
    pub api_gets: u64,
    pub creates: u64,
    pub deletes: u64,
    /// Annotation patches (result reported, outputs pending).
    pub patches: u64,
}

#[derive(Debug, Default)]
struct Counters {
    cache_hits: AtomicU64,
    api_gets: AtomicU64,
    creates: AtomicU64,
    deletes: AtomicU64,
    patches: AtomicU64,
}

/// The caches of one resource: one per watched namespace, or one for all namespaces.
struct ResourceCache {
    api_version: &'static str,
    plural: &'static str,
    api_resource: ApiResource,
    /// `None` scope: all namespaces.
    stores: Vec<(Option<String>, Store<Cached>)>,
}

/// Task objects in Kubernetes, read through watch-backed caches.
pub struct KubeStore {
    client: kube::Client,
    managed_by: String,
    caches: Vec<ResourceCache>,
    counters: Arc<Counters>,
    /// The watcher tasks, aborted on drop so their watch connections close with the store.
    watchers: Vec<tokio::task::JoinHandle<()>>,
}

impl std::fmt::Debug for KubeStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let resources: Vec<String> = self.caches.iter().map(|c| format!("{}/{}", c.api_version, c.plural)).collect();
        f.debug_struct("KubeStore").field("managed_by", &self.managed_by).field("resources", &resources).finish_non_exhaustive()
    }
}

impl KubeStore {
    /// Starts one watcher per resource (per namespace in `namespaces`, or one over all namespaces
    /// when `None` or empty) on the current tokio runtime. Must be called inside a runtime.
    pub fn new(client: kube::Client, managed_by: &str, resources: Vec<&'static ResourceDef>, namespaces: Option<Vec<String>>) -> KubeStore {
        let scopes: Vec<Option<String>> = match namespaces.filter(|n| !n.is_empty()) {
            Some(list) => list.into_iter().map(Some).collect(),
            None => vec![None],
        };
        let selector = format!("{MANAGED_BY_LABEL}={managed_by}");
        let mut caches: Vec<ResourceCache> = Vec::new();
        let mut watchers = Vec::new();
        for resource in resources {
            if caches.iter().any(|c| c.api_version == resource.api_version && c.plural == resource.plural) {
                continue;
            }
            let api_resource = api_resource(resource);
            let mut stores = Vec::new();
            for scope in &scopes {
                let api: Api<DynamicObject> = match scope {
                    Some(ns) if resource.namespaced => Api::namespaced_with(client.clone(), ns, &api_resource),
                    _ => Api::all_with(client.clone(), &api_resource),
                };
                let writer = reflector::store::Writer::new(());
                stores.push((scope.clone(), writer.as_reader()));
                let reads = resource.reads;
                let cached = watcher(api, watcher::Config::default().labels(&selector))
                    // kube-runtime's client-go-like backoff (800 ms doubling to 30 s, with jitter,
                    // reset after 120 s of health). A stale or lagging cache costs no wrong answer
                    // here, only GET fallbacks (`get` reads through the API when the cache has not
                    // seen an object), so there is no reason for a faster, hand-tuned schedule
                    // that would hammer an API server that is already in trouble.
                    .default_backoff()
                    .map_ok(move |event| cached_event(event, reads));
                let events = reflector::reflector(writer, cached);
                let what = format!("{}/{} in {}", resource.api_version, resource.plural, scope.as_deref().unwrap_or("all namespaces"));
                watchers.push(tokio::spawn(async move {
                    // The watcher recovers by itself (re-list or re-watch after the backoff); the
                    // loop only reports why the cache may be stale meanwhile.
                    events
                        .for_each(|event| {
                            if let Err(e) = event {
                                tracing::warn!(resource = %what, error = %e, "watch failed; the cache may be stale until it recovers");
                            }
                            std::future::ready(())
                        })
                        .await;
                }));
                if !resource.namespaced {
                    break;
                }
            }
            caches.push(ResourceCache { api_version: resource.api_version, plural: resource.plural, api_resource, stores });
        }
        KubeStore { client, managed_by: managed_by.to_string(), caches, counters: Arc::default(), watchers }
    }

    /// A client from `KUBECONFIG` / `~/.kube/config`, else the in-cluster service account.
    pub async fn client_from_env() -> Result<kube::Client, kube::Error> {
        let config = kube::Config::infer().await.map_err(kube::Error::InferConfig)?;
        Self::client_from_config(config)
    }

    /// A client for a plain-HTTP API URL such as a local test server (`http://127.0.0.1:PORT`).
    pub fn client_for_url(url: &str) -> Result<kube::Client, kube::Error> {
        let uri = url.parse::<http::Uri>().map_err(|e| kube::Error::HttpError(e.into()))?;
        Self::client_from_config(kube::Config::new(uri))
    }

    /// kube-rs retries 429/503/504 up to 15 times with a backoff that grows to minutes. The agent
    /// must answer Flyte promptly instead (Flyte polls again), so that retry is turned off and such
    /// answers surface as [`StoreError::Unavailable`].
    pub fn client_from_config(mut config: kube::Config) -> Result<kube::Client, kube::Error> {
        config.default_retry = false;
        kube::Client::try_from(config)
    }

    /// The managed-by label value the watches select on.
    pub fn managed_by(&self) -> &str {
        &self.managed_by
    }

    /// Requests this store made to the API server itself (GET fallbacks, creates, deletes), not
    /// counting its watches.
    pub fn api_requests(&self) -> u64 {
        let c = self.counters();
        c.api_gets + c.creates + c.deletes + c.patches
    }

    pub fn counters(&self) -> StoreCounters {
        let c = &self.counters;
        StoreCounters {
            cache_hits: c.cache_hits.load(Ordering::Relaxed),
            api_gets: c.api_gets.load(Ordering::Relaxed),
            creates: c.creates.load(Ordering::Relaxed),
            deletes: c.deletes.load(Ordering::Relaxed),
            patches: c.patches.load(Ordering::Relaxed),
        }
    }

    /// Waits until every cache has completed its first list (or `timeout` passes); `false` on
    /// timeout. Serving does not need this (`get` falls back to the API), but tests and startup
    /// probes can use it.
    pub async fn wait_until_synced(&self, timeout: Duration) -> bool {
        let all = async {
            for cache in &self.caches {
                for (_, store) in &cache.stores {
                    if store.wait_until_ready().await.is_err() {
                        return false;
                    }
                }
            }
            true
        };
        tokio::time::timeout(timeout, all).await.unwrap_or(false)
    }

    fn cache(&self, resource: &ResourceDef) -> Option<&ResourceCache> {
        self.caches.iter().find(|c| c.api_version == resource.api_version && c.plural == resource.plural)
    }

    fn api(&self, resource: &ResourceDef, namespace: &str) -> Api<DynamicObject> {
        let ar = self.cache(resource).map_or_else(|| api_resource(resource), |c| c.api_resource.clone());
        if resource.namespaced { Api::namespaced_with(self.client.clone(), namespace, &ar) } else { Api::all_with(self.client.clone(), &ar) }
    }

    fn cached(&self, resource: &ResourceDef, namespace: &str, name: &str) -> Option<Arc<Value>> {
        let cache = self.cache(resource)?;
        let key = ObjectRef::<Cached>::new_with(name, ()).within(namespace);
        cache
            .stores
            .iter()
            .filter(|(scope, _)| !resource.namespaced || scope.as_deref().is_none_or(|s| s == namespace))
            .find_map(|(_, store)| store.get(&key))
            .map(|object| object.0.clone())
    }
}

impl KubeStore {
    async fn delete_with(&self, resource: &ResourceDef, namespace: &str, name: &str, params: DeleteParams) -> Result<(), StoreError> {
        self.counters.deletes.fetch_add(1, Ordering::Relaxed);
        match self.api(resource, namespace).delete(name, &params).await {
            Ok(_) => Ok(()),
            Err(kube::Error::Api(status)) if status.is_not_found() || status.code == 404 => Ok(()),
            // A failed uid precondition: the name now belongs to another object, which stays.
            Err(kube::Error::Api(status)) if params.preconditions.is_some() && status.code == 409 => Ok(()),
            Err(e) => Err(store_error(e)),
        }
    }
}

impl Drop for KubeStore {
    fn drop(&mut self) {
        for task in &self.watchers {
            task.abort();
        }
    }
}

fn api_resource(resource: &ResourceDef) -> ApiResource {
    ApiResource::from_gvk_with_plural(&GroupVersionKind::gvk(resource.group(), resource.version(), resource.kind), resource.plural)
}

#[tonic::async_trait]
impl ObjectStore for KubeStore {
    async fn create(&self, resource: &'static ResourceDef, namespace: &str, mut object: Value) -> Result<Created, StoreError> {
        // An object without the label would never reach the cache and every poll would cost a GET.
        let labels = &mut object["metadata"]["labels"];
        if labels.get(MANAGED_BY_LABEL).is_none() {
            if !labels.is_object() {
                *labels = Value::Object(Default::default());
            }
            labels[MANAGED_BY_LABEL] = Value::String(self.managed_by.clone());
        }
        let dynamic: DynamicObject = serde_json::from_value(object).map_err(|e| StoreError::Rejected(format!("not a Kubernetes object: {e}")))?;
        self.counters.creates.fetch_add(1, Ordering::Relaxed);
        match self.api(resource, namespace).create(&PostParams::default(), &dynamic).await {
            Ok(_) => Ok(Created::New),
            Err(kube::Error::Api(status)) if status.is_already_exists() || status.reason == "AlreadyExists" => Ok(Created::AlreadyExists),
            Err(e) => Err(store_error(e)),
        }
    }

    async fn get(&self, resource: &'static ResourceDef, namespace: &str, name: &str) -> Result<Option<Arc<Value>>, StoreError> {
        if let Some(object) = self.cached(resource, namespace, name) {
            self.counters.cache_hits.fetch_add(1, Ordering::Relaxed);
            return Ok(Some(object));
        }
        Ok(self.get_from_api(resource, namespace, name).await?.map(Arc::new))
    }

    async fn list(&self, resource: &'static ResourceDef) -> Result<Vec<Arc<Value>>, StoreError> {
        let Some(cache) = self.cache(resource) else { return Ok(Vec::new()) };
        Ok(cache.stores.iter().flat_map(|(_, store)| store.state()).map(|o| o.0.clone()).collect())
    }

    /// Visits the cached objects in place and yields to the runtime every 64 of them, so a sweep
    /// over 10,000 jobs (each interpreted by the visitor) never holds up the GetTasks queued
    /// behind it for long.
    async fn for_each(&self, resource: &'static ResourceDef, visit: &mut (dyn for<'v> FnMut(&'v Value) + Send)) -> Result<usize, StoreError> {
        let Some(cache) = self.cache(resource) else { return Ok(0) };
        let mut count = 0;
        for (_, store) in &cache.stores {
            for object in store.state() {
                visit(&object.0);
                count += 1;
                if count % 64 == 0 {
                    tokio::task::yield_now().await;
                }
            }
        }
        Ok(count)
    }

    async fn delete(&self, resource: &'static ResourceDef, namespace: &str, name: &str) -> Result<(), StoreError> {
        self.delete_with(resource, namespace, name, DeleteParams::default()).await
    }

    async fn get_from_api(&self, resource: &'static ResourceDef, namespace: &str, name: &str) -> Result<Option<Value>, StoreError> {
        self.counters.api_gets.fetch_add(1, Ordering::Relaxed);
        match self.api(resource, namespace).get_opt(name).await {
            Ok(found) => found.map(|o| serde_json::to_value(o).map_err(|e| StoreError::Unavailable(format!("cannot encode the object: {e}")))).transpose(),
            Err(e) => Err(store_error(e)),
        }
    }

    async fn delete_uid(&self, resource: &'static ResourceDef, namespace: &str, name: &str, uid: &str) -> Result<(), StoreError> {
        let params = DeleteParams { preconditions: Some(Preconditions { uid: Some(uid.to_string()), resource_version: None }), ..DeleteParams::default() };
        self.delete_with(resource, namespace, name, params).await
    }

    async fn annotate(&self, resource: &'static ResourceDef, namespace: &str, name: &str, annotations: &[(&str, &str)]) -> Result<(), StoreError> {
        let values: serde_json::Map<String, Value> = annotations.iter().map(|(k, v)| (k.to_string(), Value::String(v.to_string()))).collect();
        let patch = serde_json::json!({"metadata": {"annotations": values}});
        self.counters.patches.fetch_add(1, Ordering::Relaxed);
        match self.api(resource, namespace).patch(name, &PatchParams::default(), &Patch::Merge(&patch)).await {
            Ok(_) => Ok(()),
            Err(e) => Err(store_error(e)),
        }
    }
}

/// A watched object as the cache keeps it: pruned ([`trim`]) and converted to JSON once, when its
/// watch event arrives, then shared by every poll and sweep that reads it (an `Arc`, never a
/// copy). The reflector clones what it stores, which for this type is a reference count.
#[derive(Debug, Clone)]
struct Cached(Arc<Value>);

impl Cached {
    fn new(mut object: DynamicObject, reads: &[&[&str]]) -> Cached {
        trim(&mut object, reads);
        // A DynamicObject always serializes (string keys, JSON values). Were it ever not to, the
        // key is still needed (the reflector indexes by it); the rest would only make a poll fail
        // the ownership check instead of answering from a wrong object.
        let value = serde_json::to_value(&object).unwrap_or_else(|_| {
            serde_json::json!({"metadata": {"name": object.metadata.name, "namespace": object.metadata.namespace}})
        });
        Cached(Arc::new(value))
    }

    fn metadata(&self, field: &str) -> Option<Cow<'_, str>> {
        self.0["metadata"][field].as_str().map(Cow::Borrowed)
    }
}

/// The reflector's key of a cached object: namespace and name (and, as extras, resource version
/// and uid) from its JSON. No type information per key: one store holds one resource.
impl Lookup for Cached {
    type DynamicType = ();

    fn kind(_: &()) -> Cow<'_, str> {
        Cow::Borrowed("")
    }

    fn group(_: &()) -> Cow<'_, str> {
        Cow::Borrowed("")
    }

    fn version(_: &()) -> Cow<'_, str> {
        Cow::Borrowed("")
    }

    fn plural(_: &()) -> Cow<'_, str> {
        Cow::Borrowed("")
    }

    fn name(&self) -> Option<Cow<'_, str>> {
        self.metadata("name")
    }

    fn namespace(&self) -> Option<Cow<'_, str>> {
        self.metadata("namespace")
    }

    fn resource_version(&self) -> Option<Cow<'_, str>> {
        self.metadata("resourceVersion")
    }

    fn uid(&self) -> Option<Cow<'_, str>> {
        self.metadata("uid")
    }
}

/// A watch event with its object pruned and shared ([`Cached`]).
fn cached_event(event: watcher::Event<DynamicObject>, reads: &'static [&'static [&'static str]]) -> watcher::Event<Cached> {
    use watcher::Event;
    match event {
        Event::Apply(object) => Event::Apply(Cached::new(object, reads)),
        Event::Delete(object) => Event::Delete(Cached::new(object, reads)),
        Event::InitApply(object) => Event::InitApply(Cached::new(object, reads)),
        Event::Init => Event::Init,
        Event::InitDone => Event::InitDone,
    }
}

/// Keeps of a watched object only what the plugin reads: the metadata (without the managed
/// fields bookkeeping and all labels but managed-by) and the `reads` subtrees of the body. A
/// TrainingJob's spec is most of its size and GetTask never looks at it, so the cache stays small.
fn trim(object: &mut DynamicObject, reads: &[&[&str]]) {
    object.metadata.managed_fields = None;
    // The watch already selected on the managed-by label; the agent checks only that one.
    if let Some(labels) = &mut object.metadata.labels {
        labels.retain(|key, _| key == MANAGED_BY_LABEL);
    }
    let mut kept = serde_json::Map::new();
    for path in reads {
        copy_path(&object.data, path, &mut kept);
    }
    object.data = Value::Object(kept);
}

/// Copies the subtree at `path` of `from` into `into`, creating the objects on the way.
fn copy_path(from: &Value, path: &[&str], into: &mut serde_json::Map<String, Value>) {
    let Some((first, rest)) = path.split_first() else { return };
    let Some(child) = from.get(*first) else { return };
    if rest.is_empty() {
        into.insert(first.to_string(), child.clone());
        return;
    }
    let slot = into.entry(first.to_string()).or_insert_with(|| Value::Object(serde_json::Map::new()));
    if let Value::Object(map) = slot {
        copy_path(child, rest, map);
    }
}

/// Sorts a client error into retry-worthy or not.
fn store_error(error: kube::Error) -> StoreError {
    match error {
        kube::Error::Api(status) if status.code == 429 || status.code >= 500 => StoreError::Unavailable(format!("{} {}: {}", status.code, status.reason, status.message)),
        kube::Error::Api(status) if status.code == 401 => StoreError::Denied(format!(
            "{} {}: {}; the API server does not accept the backend's credentials (a revoked or expired ServiceAccount token?)",
            status.code, status.reason, status.message
        )),
        kube::Error::Api(status) if status.code == 403 => StoreError::Denied(format!("{} {}: {}", status.code, status.reason, status.message)),
        kube::Error::Api(status) => {
            let mut text = format!("{} {}: {}", status.code, status.reason, status.message);
            // The API server usually lists the causes in the message already; add any it left out
            // so the caller always sees every field.
            let missing: Vec<String> = status
                .details
                .iter()
                .flat_map(|d| &d.causes)
                .filter(|c| !c.field.is_empty() && !status.message.contains(&c.field))
                .map(|c| format!("{}: {}", c.field, c.message))
                .collect();
            if !missing.is_empty() {
                text.push_str(&format!(" ({})", missing.join("; ")));
            }
            StoreError::Rejected(text)
        }
        // A request this process could not even build will not improve by retrying.
        e @ kube::Error::BuildRequest(_) => StoreError::Rejected(e.to_string()),
        // No connection, TLS or auth refresh failures, broken responses: transient from the
        // agent's point of view.
        e => StoreError::Unavailable(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_sorted_by_retry_worthiness() {
        let status = |code: u16, reason: &str| kube::Error::Api(kube::core::Status::failure("m", reason).with_code(code).boxed());
        assert!(matches!(store_error(status(503, "ServiceUnavailable")), StoreError::Unavailable(_)));
        assert!(matches!(store_error(status(429, "TooManyRequests")), StoreError::Unavailable(_)));
        assert!(matches!(store_error(status(500, "InternalError")), StoreError::Unavailable(_)));
        assert!(matches!(store_error(status(403, "Forbidden")), StoreError::Denied(_)));
        assert!(matches!(store_error(status(401, "Unauthorized")), StoreError::Denied(m) if m.contains("credentials")));
        assert!(matches!(store_error(status(422, "Invalid")), StoreError::Rejected(_)));
    }
}
