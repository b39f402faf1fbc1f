//! The test double's storage: objects, the global resourceVersion counter, the bounded event
//! history that watches replay from, and the write semantics of the API server (server-set
//! metadata, preconditions, status subresource, finalizers, validation).
//!
//! Every write happens under one lock and publishes its event while still holding it, so event
//! order equals resourceVersion order and a watch that subscribes under the same lock misses
//! nothing.

use std::collections::{BTreeMap, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde_json::{Map, Value, json};
use tokio::sync::broadcast;

use crate::crd::{Crd, CrdVersion};
use crate::schema::{self, Cause};
use crate::selector::{FieldSelector, LabelSelector};
use crate::status::ApiError;
use crate::{PathKind, Verb, meta};

/// Object identity: CRD index, namespace, name.
pub(crate) type Key = (usize, String, String);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EventType {
    Added,
    Modified,
    Deleted,
}

impl EventType {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Added => "ADDED",
            Self::Modified => "MODIFIED",
            Self::Deleted => "DELETED",
        }
    }
}

/// One committed change. `previous` lets a watch with a label selector turn a change that makes an
/// object stop (or start) matching into DELETED (or ADDED), as the API server does.
#[derive(Debug)]
pub(crate) struct Event {
    pub rv: u64,
    pub crd: usize,
    pub namespace: String,
    pub kind: EventType,
    pub object: Value,
    pub previous: Option<Value>,
}

pub(crate) struct Inner {
    pub rv: u64,
    pub objects: BTreeMap<Key, Value>,
    pub history: VecDeque<Arc<Event>>,
    /// The newest resourceVersion no longer in `history`: watching from anything older is 410.
    pub compacted_through: u64,
}

/// How unknown fields are reported (`fieldValidation` query parameter).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FieldValidation {
    Ignore,
    Warn,
    Strict,
}

/// Which part of the object a write may change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Part {
    /// `.../{name}`: everything except status (when the CRD has a status subresource).
    Main,
    /// `.../{name}/status`: only status.
    Status,
    /// Test hook: the whole object, status included.
    Whole,
}

pub(crate) struct Core {
    pub crds: Vec<Crd>,
    pub inner: Mutex<Inner>,
    pub events: broadcast::Sender<Arc<Event>>,
    pub history_limit: usize,
    pub bookmark_interval: Duration,
    pub max_watch_timeout: Duration,
    pub unavailable: AtomicBool,
    /// Milliseconds every API answer (not watches) is held back after the request took effect.
    pub answer_delay_ms: std::sync::atomic::AtomicU64,
    /// Bumped to end every open watch (outage start, shutdown).
    pub cut_watches: tokio::sync::watch::Sender<u64>,
    pub counters: Mutex<BTreeMap<(Verb, PathKind), u64>>,
    /// Watch streams currently open.
    pub open_watches: std::sync::atomic::AtomicUsize,
    /// Shared with the simulated controllers: pause switch and the problems they ran into.
    pub simulation: crate::controller::SimulationState,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panicking test thread must not wedge the double for the others.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Core {
    pub(crate) fn new(crds: Vec<Crd>, history_limit: usize, bookmark_interval: Duration, max_watch_timeout: Duration) -> Self {
        Self {
            crds,
            inner: Mutex::new(Inner { rv: 1, objects: BTreeMap::new(), history: VecDeque::new(), compacted_through: 0 }),
            events: broadcast::channel(4096).0,
            history_limit: history_limit.max(1),
            bookmark_interval,
            max_watch_timeout,
            unavailable: AtomicBool::new(false),
            answer_delay_ms: Default::default(),
            cut_watches: tokio::sync::watch::channel(0).0,
            counters: Mutex::new(BTreeMap::new()),
            open_watches: Default::default(),
            simulation: Default::default(),
        }
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, Inner> {
        lock(&self.inner)
    }

    pub(crate) fn count(&self, verb: Verb, kind: PathKind) {
        *lock(&self.counters).entry((verb, kind)).or_default() += 1;
    }

    pub(crate) fn counts(&self) -> BTreeMap<(Verb, PathKind), u64> {
        lock(&self.counters).clone()
    }

    pub(crate) fn reset_counts(&self) {
        lock(&self.counters).clear();
    }

    pub(crate) fn is_unavailable(&self) -> bool {
        self.unavailable.load(Ordering::SeqCst)
    }

    pub(crate) fn set_unavailable(&self, down: bool) {
        self.unavailable.store(down, Ordering::SeqCst);
        if down {
            self.cut_all_watches();
        }
    }

    pub(crate) fn answer_delay(&self) -> Duration {
        Duration::from_millis(self.answer_delay_ms.load(Ordering::SeqCst))
    }

    pub(crate) fn set_answer_delay(&self, delay: Duration) {
        self.answer_delay_ms.store(delay.as_millis().try_into().unwrap_or(u64::MAX), Ordering::SeqCst);
    }

    pub(crate) fn cut_all_watches(&self) {
        self.cut_watches.send_modify(|n| *n += 1);
    }

    pub(crate) fn find_crd(&self, group: &str, plural: &str) -> Option<usize> {
        self.crds.iter().position(|c| c.group == group && c.plural == plural)
    }

    /// The CRD and served version a request path names.
    pub(crate) fn resolve(&self, group: &str, version: &str, plural: &str) -> Option<(usize, &CrdVersion)> {
        let i = self.find_crd(group, plural)?;
        Some((i, self.crds[i].served_version(version)?))
    }

    /// Drops all history: any watch from a resourceVersion before now gets 410 Gone.
    pub(crate) fn compact(&self) {
        let mut inner = self.lock();
        inner.history.clear();
        inner.compacted_through = inner.rv;
    }

    /// Assigns the next resourceVersion, stores (or removes) the object, records and publishes
    /// the event. Returns the object as stored.
    fn commit(&self, inner: &mut Inner, key: Key, mut object: Value, kind: EventType, previous: Option<Value>) -> Value {
        inner.rv += 1;
        let rv = inner.rv;
        object["metadata"]["resourceVersion"] = Value::String(rv.to_string());
        match kind {
            EventType::Deleted => {
                inner.objects.remove(&key);
            }
            _ => {
                inner.objects.insert(key.clone(), object.clone());
            }
        }
        let event = Arc::new(Event { rv, crd: key.0, namespace: key.1, kind, object: object.clone(), previous });
        inner.history.push_back(event.clone());
        while inner.history.len() > self.history_limit {
            if let Some(old) = inner.history.pop_front() {
                inner.compacted_through = old.rv;
            }
        }
        // No receiver is fine: nobody is watching.
        let _ = self.events.send(event);
        object
    }

    // ----- reads -----

    pub(crate) fn get(&self, crd: usize, namespace: &str, name: &str) -> Result<Value, ApiError> {
        self.lock().objects.get(&(crd, namespace.to_string(), name.to_string())).cloned().ok_or_else(|| ApiError::not_found(&self.crds[crd], name))
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn list(
        &self,
        crd: usize,
        api_version: &str,
        namespace: Option<&str>,
        labels: &LabelSelector,
        fields: &FieldSelector,
        limit: Option<usize>,
        continue_after: Option<&str>,
    ) -> Value {
        let inner = self.lock();
        let c = &self.crds[crd];
        let mut items: Vec<Value> = inner
            .objects
            .iter()
            .filter(|((i, ns, _), _)| *i == crd && namespace.is_none_or(|n| n == ns))
            .filter(|(_, o)| labels.matches(o) && fields.matches(o))
            // The continue token is the `namespace/name` of the last item of the previous page.
            .filter(|((_, ns, name), _)| continue_after.is_none_or(|after| format!("{ns}/{name}").as_str() > after))
            .map(|(_, o)| with_api_version(o, api_version))
            .collect();
        let mut metadata = json!({"resourceVersion": inner.rv.to_string()});
        if let Some(limit) = limit.filter(|l| *l > 0 && items.len() > *l) {
            let remaining = items.len() - limit;
            items.truncate(limit);
            let last = &items[limit - 1]["metadata"];
            metadata["continue"] = Value::String(format!("{}/{}", last["namespace"].as_str().unwrap_or_default(), last["name"].as_str().unwrap_or_default()));
            metadata["remainingItemCount"] = json!(remaining);
        }
        json!({"apiVersion": api_version, "kind": c.list_kind, "metadata": metadata, "items": items})
    }

    pub(crate) fn snapshot(&self) -> Vec<Value> {
        self.lock().objects.values().cloned().collect()
    }

    // ----- writes -----

    /// POST: a new object.
    pub(crate) fn create(&self, crd: usize, version: &str, namespace: &str, body: Value, fv: FieldValidation) -> Result<(Value, Vec<String>), ApiError> {
        let c = &self.crds[crd];
        let v = c.served_version(version).ok_or_else(ApiError::no_route)?;
        let mut object = check_type_meta(c, version, body)?;
        let meta = object["metadata"].as_object_mut().ok_or_else(|| ApiError::bad_request("metadata must be an object"))?;
        match meta.get("namespace").and_then(Value::as_str) {
            Some(ns) if !ns.is_empty() && ns != namespace => {
                return Err(ApiError::bad_request("the namespace of the provided object does not match the namespace sent on the request"));
            }
            _ => {
                meta.insert("namespace".into(), Value::String(namespace.into()));
            }
        }
        let warnings = normalize(c, v, &mut object, fv)?;
        if v.status_subresource {
            // With a status subresource, a create cannot set status.
            object.as_object_mut().map(|o| o.remove("status"));
        }
        let meta = object["metadata"].as_object_mut().expect("checked above");
        let name = match (meta.get("name").and_then(Value::as_str), meta.get("generateName").and_then(Value::as_str)) {
            (Some(n), _) if !n.is_empty() => n.to_string(),
            (_, Some(prefix)) if !prefix.is_empty() => format!("{prefix}{}", meta::random_suffix()),
            _ => {
                return Err(ApiError::invalid(c, "", vec![Cause { message: "Required value: name or generateName is required".into(), ..Cause::required("metadata.name") }]));
            }
        };
        meta.insert("name".into(), Value::String(name.clone()));
        // Server-owned fields: whatever the client sent is replaced.
        for k in ["uid", "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "selfLink", "managedFields"] {
            meta.remove(k);
        }
        meta.insert("uid".into(), Value::String(meta::new_uid()));
        meta.insert("creationTimestamp".into(), Value::String(meta::now_rfc3339()));
        meta.insert("generation".into(), json!(1));
        let causes = validate_object(v, &object);
        if !causes.is_empty() {
            return Err(ApiError::invalid(c, &name, causes));
        }
        let mut inner = self.lock();
        let key = (crd, namespace.to_string(), name.clone());
        if inner.objects.contains_key(&key) {
            return Err(ApiError::already_exists(c, &name));
        }
        let stored = self.commit(&mut inner, key, object, EventType::Added, None);
        Ok((with_api_version(&stored, &c.api_version(version)), warnings))
    }

    /// PUT on the object or its status.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn replace(&self, crd: usize, version: &str, namespace: &str, name: &str, body: Value, part: Part, fv: FieldValidation) -> Result<(Value, Vec<String>), ApiError> {
        let c = &self.crds[crd];
        let v = c.served_version(version).ok_or_else(ApiError::no_route)?;
        let mut object = check_type_meta(c, version, body)?;
        let meta = &object["metadata"];
        if meta["name"].as_str().is_some_and(|n| n != name) {
            return Err(ApiError::bad_request(format!("the name of the object ({}) does not match the name on the URL ({name})", meta["name"].as_str().unwrap_or_default())));
        }
        if meta["namespace"].as_str().is_some_and(|n| !n.is_empty() && n != namespace) {
            return Err(ApiError::bad_request("the namespace of the provided object does not match the namespace sent on the request"));
        }
        let sent_rv = meta["resourceVersion"].as_str().map(str::to_string);
        let sent_uid = meta["uid"].as_str().map(str::to_string);
        let warnings = normalize(c, v, &mut object, fv)?;
        let mut inner = self.lock();
        let key = (crd, namespace.to_string(), name.to_string());
        let current = inner.objects.get(&key).cloned().ok_or_else(|| ApiError::not_found(c, name))?;
        // Custom resources do not allow unconditional updates.
        let Some(sent_rv) = sent_rv.filter(|rv| !rv.is_empty()) else {
            let cause = Cause { message: "Invalid value: 0x0: must be specified for an update".into(), ..Cause::invalid("metadata.resourceVersion", &Value::Null, "") };
            return Err(ApiError::invalid(c, name, vec![cause]));
        };
        check_preconditions(c, name, &current, Some(&sent_rv), sent_uid.as_deref())?;
        let updated = self.apply_update(&mut inner, c, v, key, current, object, part)?;
        Ok((with_api_version(&updated, &c.api_version(version)), warnings))
    }

    /// PATCH (JSON merge patch) on the object or its status.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn patch(&self, crd: usize, version: &str, namespace: &str, name: &str, patch: Value, part: Part, fv: FieldValidation) -> Result<(Value, Vec<String>), ApiError> {
        let c = &self.crds[crd];
        let v = c.served_version(version).ok_or_else(ApiError::no_route)?;
        if !patch.is_object() {
            return Err(ApiError::bad_request("a merge patch must be a JSON object"));
        }
        let sent_rv = patch["metadata"]["resourceVersion"].as_str().map(str::to_string);
        let sent_uid = patch["metadata"]["uid"].as_str().map(str::to_string);
        let mut inner = self.lock();
        let key = (crd, namespace.to_string(), name.to_string());
        let current = inner.objects.get(&key).cloned().ok_or_else(|| ApiError::not_found(c, name))?;
        check_preconditions(c, name, &current, sent_rv.as_deref(), sent_uid.as_deref())?;
        let mut merged = with_api_version(&current, &c.api_version(version));
        merge_patch(&mut merged, &patch);
        let mut merged = check_type_meta(c, version, merged)?;
        if merged["metadata"]["name"] != current["metadata"]["name"] || merged["metadata"]["namespace"] != current["metadata"]["namespace"] {
            return Err(ApiError::bad_request("metadata.name and metadata.namespace cannot be changed by a patch"));
        }
        let warnings = normalize(c, v, &mut merged, fv)?;
        let updated = self.apply_update(&mut inner, c, v, key, current, merged, part)?;
        Ok((with_api_version(&updated, &c.api_version(version)), warnings))
    }

    /// The stored objects of one CRD, in namespace and name order.
    pub(crate) fn objects_of(&self, crd: usize) -> Vec<Value> {
        self.lock().objects.iter().filter(|((i, _, _), _)| *i == crd).map(|(_, o)| o.clone()).collect()
    }

    /// Test hook: changes an object in place (status included), with update semantics.
    pub(crate) fn modify(&self, crd: usize, namespace: &str, name: &str, part: Part, f: impl FnOnce(&mut Value)) -> Result<Value, ApiError> {
        let c = &self.crds[crd];
        let mut inner = self.lock();
        let key = (crd, namespace.to_string(), name.to_string());
        let current = inner.objects.get(&key).cloned().ok_or_else(|| ApiError::not_found(c, name))?;
        let version = current["apiVersion"].as_str().and_then(|a| a.rsplit_once('/')).map(|(_, v)| v.to_string()).unwrap_or_default();
        let v = c.served_version(&version).or_else(|| c.versions.iter().find(|v| v.storage)).ok_or_else(ApiError::no_route)?;
        let mut object = current.clone();
        f(&mut object);
        normalize(c, v, &mut object, FieldValidation::Ignore)?;
        self.apply_update(&mut inner, c, v, key, current, object, part)
    }

    /// The shared tail of PUT and PATCH: keep what the client may not change, validate, bump
    /// generation, and either store, or finish a pending deletion once no finalizer is left.
    #[allow(clippy::too_many_arguments)]
    fn apply_update(&self, inner: &mut Inner, c: &Crd, v: &CrdVersion, key: Key, current: Value, sent: Value, part: Part) -> Result<Value, ApiError> {
        let name = key.2.clone();
        let mut new = match part {
            Part::Status => {
                let mut new = current.clone();
                set_or_remove(&mut new, "status", sent.get("status").cloned());
                new
            }
            Part::Main if v.status_subresource => {
                let mut new = sent;
                set_or_remove(&mut new, "status", current.get("status").cloned());
                new
            }
            Part::Main | Part::Whole => sent,
        };
        // Server-owned metadata always comes from the stored object.
        {
            let old_meta = current["metadata"].as_object().cloned().unwrap_or_default();
            let meta = new["metadata"].as_object_mut().ok_or_else(|| ApiError::bad_request("metadata must be an object"))?;
            for k in ["name", "namespace", "uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation", "resourceVersion"] {
                match old_meta.get(k) {
                    Some(val) => meta.insert(k.into(), val.clone()),
                    None => meta.remove(k),
                };
            }
            meta.remove("managedFields");
        }
        let deleting = current["metadata"].get("deletionTimestamp").is_some();
        let mut causes = validate_object(v, &new);
        if deleting {
            let old: Vec<&Value> = current["metadata"]["finalizers"].as_array().map(|a| a.iter().collect()).unwrap_or_default();
            if new["metadata"]["finalizers"].as_array().is_some_and(|f| f.iter().any(|x| !old.contains(&x))) {
                causes.push(Cause::forbidden("metadata.finalizers", "no new finalizers can be added if the object is being deleted"));
            }
        }
        if !causes.is_empty() {
            return Err(ApiError::invalid(c, &name, causes));
        }
        if without_rv(&new) == without_rv(&current) {
            // A no-op write does not produce a new resourceVersion or event.
            return Ok(current);
        }
        // generation counts changes of everything but metadata (and status, when it has its own
        // endpoint).
        let spec_of = |o: &Value| {
            let mut o = o.as_object().cloned().unwrap_or_default();
            o.remove("metadata");
            if v.status_subresource {
                o.remove("status");
            }
            o
        };
        if spec_of(&new) != spec_of(&current) {
            let generation = current["metadata"]["generation"].as_i64().unwrap_or(1) + 1;
            new["metadata"]["generation"] = json!(generation);
        }
        let finalizers_left = new["metadata"]["finalizers"].as_array().is_some_and(|f| !f.is_empty());
        let kind = if deleting && !finalizers_left { EventType::Deleted } else { EventType::Modified };
        Ok(self.commit(inner, key, new, kind, Some(current)))
    }

    /// DELETE: at once without finalizers, else marks the object and waits for them to go.
    pub(crate) fn delete(&self, crd: usize, version: &str, namespace: &str, name: &str, options: &Value) -> Result<Value, ApiError> {
        let c = &self.crds[crd];
        let mut inner = self.lock();
        let key = (crd, namespace.to_string(), name.to_string());
        let current = inner.objects.get(&key).cloned().ok_or_else(|| ApiError::not_found(c, name))?;
        let pre = &options["preconditions"];
        check_preconditions(c, name, &current, pre["resourceVersion"].as_str(), pre["uid"].as_str())?;
        let has_finalizers = current["metadata"]["finalizers"].as_array().is_some_and(|f| !f.is_empty());
        let result = if !has_finalizers {
            self.commit(&mut inner, key, current.clone(), EventType::Deleted, Some(current))
        } else if current["metadata"].get("deletionTimestamp").is_some() {
            current
        } else {
            let mut marked = current.clone();
            marked["metadata"]["deletionTimestamp"] = Value::String(meta::now_rfc3339());
            marked["metadata"]["deletionGracePeriodSeconds"] = json!(0);
            let generation = current["metadata"]["generation"].as_i64().unwrap_or(1) + 1;
            marked["metadata"]["generation"] = json!(generation);
            self.commit(&mut inner, key, marked, EventType::Modified, Some(current))
        };
        Ok(with_api_version(&result, &c.api_version(version)))
    }
}

impl Crd {
    pub(crate) fn api_version(&self, version: &str) -> String {
        format!("{}/{version}", self.group)
    }
}

/// The object as served at `api_version` (versions share one schema here; no conversion).
pub(crate) fn with_api_version(object: &Value, api_version: &str) -> Value {
    let mut o = object.clone();
    o["apiVersion"] = Value::String(api_version.into());
    o
}

fn set_or_remove(object: &mut Value, key: &str, value: Option<Value>) {
    if let Some(o) = object.as_object_mut() {
        match value {
            Some(v) => o.insert(key.into(), v),
            None => o.remove(key),
        };
    }
}

fn without_rv(object: &Value) -> Value {
    let mut o = object.clone();
    if let Some(m) = o["metadata"].as_object_mut() {
        m.remove("resourceVersion");
    }
    o
}

/// The body must be an object of this resource's kind at the request's version.
fn check_type_meta(c: &Crd, version: &str, body: Value) -> Result<Value, ApiError> {
    let Value::Object(mut map) = body else {
        return Err(ApiError::bad_request("the body must be a JSON object"));
    };
    let expected = c.api_version(version);
    match map.get("apiVersion").and_then(Value::as_str) {
        Some(a) if a == expected => {}
        Some(a) => return Err(ApiError::bad_request(format!("the API version in the data ({a}) does not match the expected API version ({expected})"))),
        None => return Err(ApiError::bad_request("Object 'apiVersion' is missing")),
    }
    match map.get("kind").and_then(Value::as_str) {
        Some(k) if k == c.kind => {}
        Some(k) => return Err(ApiError::bad_request(format!("the kind in the data ({k}) does not match the expected kind ({})", c.kind))),
        None => return Err(ApiError::bad_request("Object 'Kind' is missing")),
    }
    match map.get("metadata") {
        None | Some(Value::Null) => {
            map.insert("metadata".into(), Value::Object(Map::new()));
        }
        Some(Value::Object(_)) => {}
        Some(_) => return Err(ApiError::bad_request("metadata must be an object")),
    }
    Ok(Value::Object(map))
}

fn check_preconditions(c: &Crd, name: &str, current: &Value, rv: Option<&str>, uid: Option<&str>) -> Result<(), ApiError> {
    let meta = &current["metadata"];
    if let Some(uid) = uid.filter(|u| !u.is_empty())
        && meta["uid"].as_str() != Some(uid)
    {
        let why = format!("Precondition failed: UID in precondition: {uid}, UID in object meta: {}", meta["uid"].as_str().unwrap_or_default());
        return Err(ApiError::conflict(c, name, &why));
    }
    if let Some(rv) = rv.filter(|r| !r.is_empty())
        && meta["resourceVersion"].as_str() != Some(rv)
    {
        return Err(ApiError::conflict(c, name, "the object has been modified; please apply your changes to the latest version and try again"));
    }
    Ok(())
}

/// Prunes (v1 CRDs) and defaults the object in place; returns the unknown-field warnings, or a 400
/// under `fieldValidation=Strict`.
fn normalize(c: &Crd, v: &CrdVersion, object: &mut Value, fv: FieldValidation) -> Result<Vec<String>, ApiError> {
    let mut pruned = Vec::new();
    let mut meta = object.as_object_mut().and_then(|o| o.remove("metadata")).unwrap_or_else(|| Value::Object(Map::new()));
    if let Some(m) = meta.as_object_mut() {
        meta::prune_metadata(m, &mut pruned);
    }
    if let Some(schema) = &v.schema {
        if c.prune {
            let root = object.as_object_mut().expect("checked by check_type_meta");
            let (api_version, kind) = (root.remove("apiVersion"), root.remove("kind"));
            schema::prune(schema, object, "", &mut pruned);
            let root = object.as_object_mut().expect("still an object");
            root.insert("apiVersion".into(), api_version.unwrap_or_default());
            root.insert("kind".into(), kind.unwrap_or_default());
        }
        schema::apply_defaults(schema, object);
    }
    object["metadata"] = meta;
    let warnings: Vec<String> = pruned.iter().map(|p| format!("unknown field \"{p}\"")).collect();
    match fv {
        FieldValidation::Strict if !warnings.is_empty() => Err(ApiError::bad_request(format!("strict decoding error: {}", warnings.join(", ")))),
        FieldValidation::Warn => Ok(warnings),
        _ => Ok(Vec::new()),
    }
}

/// Metadata rules plus the CRD schema. The schema sees `metadata` as an empty object: the API
/// server validates metadata as `ObjectMeta`, not through the schema.
fn validate_object(v: &CrdVersion, object: &Value) -> Vec<Cause> {
    let mut causes = Vec::new();
    let meta = &object["metadata"];
    if let Some(name) = meta["name"].as_str() {
        meta::validate_name(name, &mut causes);
    }
    meta::validate_labels(&meta["labels"], &mut causes);
    if let Some(schema) = &v.schema {
        let mut body = object.clone();
        body["metadata"] = Value::Object(Map::new());
        schema::validate(schema, &body, "", &mut causes);
    }
    causes
}

/// RFC 7386: objects merge key by key, `null` deletes, anything else replaces.
pub(crate) fn merge_patch(target: &mut Value, patch: &Value) {
    let Value::Object(patch_map) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    let map = target.as_object_mut().expect("just made an object");
    for (k, v) in patch_map {
        if v.is_null() {
            map.remove(k);
        } else {
            merge_patch(map.entry(k.clone()).or_insert(Value::Null), v);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_patch_rfc7386() {
        let mut t = json!({"a": "b", "c": {"d": "e", "f": "g"}, "l": [1]});
        merge_patch(&mut t, &json!({"a": "z", "c": {"f": null}, "l": [2], "n": {"x": 1}}));
        assert_eq!(t, json!({"a": "z", "c": {"d": "e"}, "l": [2], "n": {"x": 1}}));
    }
}
