//! The simulated controllers against a **real** Kubernetes API server, as kube-rs controllers.
//!
//! The same status scripts as the in-double simulation (`super::plan`, `super::deletion_step`,
//! the operator's trials), driven the way the real ACK controller and SageMaker operator are: a
//! `kube::runtime::Controller` per watched resource, reconciling on watch events and requeueing
//! itself once per step. Writes go through the API server like theirs:
//!
//! - the finalizer (and a generated job name) with a JSON merge patch carrying the object's
//!   `resourceVersion`, so a concurrent change is a 409 and the next reconcile retries;
//! - status with a PUT of the whole object to the `/status` subresource (optimistic concurrency
//!   again), so the API server validates it against the CRD and bumps the resourceVersion;
//! - an object being deleted is stopped first (Stopping, Stopped), then its finalizer is removed
//!   and the API server lets it go; the operator's trial TrainingJobs go with their tuning job.
//!
//! A status the API server pruned (fields the CRD does not declare) would hide a wrong simulation,
//! so the stored status is compared with the written one; such problems are reported through the
//! `report` callback, as are failed writes other than conflicts.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use kube::api::{Api, ApiResource, DeleteParams, DynamicObject, Patch, PatchParams, PostParams};
use kube::core::GroupVersionKind;
use kube::runtime::controller::{Action, Controller};
use kube::runtime::utils::Backoff;
use kube::runtime::watcher;
use serde_json::{Value, json};

use super::{Flavor, JobKind, claim, deletion_step, operator, plan, release, stamp};

/// Where problems go (the binary prints them; tests can collect them).
pub type Report = Arc<dyn Fn(String) + Send + Sync>;

/// The resources a flavor's controller owns: (kind, plural, job kind).
fn resources(flavor: Flavor) -> [(&'static str, &'static str, JobKind); 2] {
    let tuning_kind = match flavor {
        Flavor::Ack => "HyperParameterTuningJob",
        Flavor::Operator => "HyperparameterTuningJob",
    };
    [("TrainingJob", "trainingjobs", JobKind::Training), (tuning_kind, "hyperparametertuningjobs", JobKind::Tuning)]
}

fn version(flavor: Flavor) -> &'static str {
    match flavor {
        Flavor::Ack => "v1alpha1",
        Flavor::Operator => "v1",
    }
}

fn api_resource(flavor: Flavor, kind: &str, plural: &str) -> ApiResource {
    ApiResource::from_gvk_with_plural(&GroupVersionKind::gvk(flavor.group(), version(flavor), kind), plural)
}

/// An object the controller is moving along its script.
struct Tracked {
    script: Vec<Value>,
    next: usize,
    last_step: Instant,
}

struct Context {
    client: kube::Client,
    flavor: Flavor,
    kind: JobKind,
    resource: ApiResource,
    step: Duration,
    /// By object uid, so a deleted and recreated object starts over.
    tracked: Mutex<HashMap<String, Tracked>>,
    report: Report,
}

#[derive(Debug, thiserror::Error)]
enum ReconcileError {
    #[error("{0}")]
    Kube(#[from] kube::Error),
    #[error("{0}")]
    Encode(#[from] serde_json::Error),
}

/// Runs the flavor's controllers (TrainingJob and tuning job, in every namespace) until `shutdown`
/// completes.
pub async fn run(client: kube::Client, flavor: Flavor, step: Duration, report: Report, shutdown: impl std::future::Future<Output = ()> + Send + Sync + 'static) {
    let shutdown = futures_util::future::FutureExt::shared(Box::pin(shutdown));
    let mut controllers = Vec::new();
    for (kind_name, plural, kind) in resources(flavor) {
        let resource = api_resource(flavor, kind_name, plural);
        let api: Api<DynamicObject> = Api::all_with(client.clone(), &resource);
        let context = Arc::new(Context { client: client.clone(), flavor, kind, resource: resource.clone(), step, tracked: Mutex::default(), report: report.clone() });
        let report = report.clone();
        let stop = shutdown.clone();
        controllers.push(
            Controller::new_with(api, watcher::Config::default(), resource)
                .trigger_backoff(QuickBackoff::default())
                .graceful_shutdown_on(stop)
                .run(reconcile, error_policy, context)
                .for_each(move |result| {
                    if let Err(e) = result {
                        match classify(&e) {
                            Outcome::Expected => {}
                            Outcome::Transient => eprintln!("{} controller: retrying after: {e}", flavor.as_str()),
                            Outcome::Problem => report(format!("{} controller: {e}", flavor.as_str())),
                        }
                    }
                    std::future::ready(())
                }),
        );
    }
    futures_util::future::join_all(controllers).await;
}

/// How a failed reconcile or watch counts.
#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    /// A conflict (someone wrote first) or an object gone meanwhile: the next event retries.
    Expected,
    /// No connection, a server error, a watch to restart: the API server is away or restarting,
    /// which the fault tests cause on purpose; the controller retries.
    Transient,
    /// The API server refused what the simulation wrote (a 422, a 403, ...): a wrong simulation.
    Problem,
}

type RunError = kube::runtime::controller::Error<ReconcileError, watcher::Error>;

fn classify(error: &RunError) -> Outcome {
    use kube::runtime::controller::Error;
    match error {
        Error::ObjectNotFound(_) => Outcome::Expected,
        Error::QueueError(_) | Error::RunnerError(_) => Outcome::Transient,
        Error::ReconcilerFailed(ReconcileError::Kube(kube::Error::Api(status)), _) => match status.code {
            404 | 409 => Outcome::Expected,
            429 | 500.. => Outcome::Transient,
            _ => Outcome::Problem,
        },
        Error::ReconcilerFailed(ReconcileError::Kube(_), _) => Outcome::Transient,
        Error::ReconcilerFailed(ReconcileError::Encode(_), _) => Outcome::Problem,
    }
}

fn error_policy(_object: Arc<DynamicObject>, _error: &ReconcileError, context: Arc<Context>) -> Action {
    // A conflict or an outage: try again soon (the watch also brings the newer object).
    Action::requeue(context.step.min(Duration::from_millis(200)))
}

async fn reconcile(object: Arc<DynamicObject>, context: Arc<Context>) -> Result<Action, ReconcileError> {
    let ctx = &*context;
    let value = serde_json::to_value(&*object)?;
    let kind_name = ctx.resource.kind.as_str();
    let finalizer = ctx.flavor.finalizer(kind_name);
    let finalizers: Vec<&str> = value["metadata"]["finalizers"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
    if ctx.flavor == Flavor::Operator && ctx.kind == JobKind::Training && finalizers.contains(&operator::TRIAL_FINALIZER) {
        // A tuning job's trial: its tuning job drives it.
        return Ok(Action::await_change());
    }
    let api = namespaced(ctx, &ctx.resource, &value);
    let name = value["metadata"]["name"].as_str().unwrap_or_default().to_string();
    if !value["metadata"]["deletionTimestamp"].is_null() {
        if !finalizers.contains(&finalizer.as_str()) {
            return Ok(Action::await_change());
        }
        if let Some(next) = deletion_step(ctx.flavor, ctx.kind, &value["status"]) {
            if !due(ctx, &value) {
                return Ok(Action::requeue(ctx.step));
            }
            let written = write_status(ctx, &api, &value, next).await?;
            sync_trials(ctx, &written).await?;
            return Ok(Action::requeue(ctx.step));
        }
        if ctx.flavor == Flavor::Operator && ctx.kind == JobKind::Tuning {
            delete_trials(ctx, &value).await?;
        }
        let mut released = value.clone();
        release(&mut released, &finalizer);
        let patch = json!({"metadata": {"finalizers": released["metadata"]["finalizers"], "resourceVersion": value["metadata"]["resourceVersion"]}});
        api.patch(&name, &PatchParams::default(), &Patch::Merge(&patch)).await?;
        return Ok(Action::await_change());
    }
    let uid = value["metadata"]["uid"].as_str().unwrap_or_default().to_string();
    let known = ctx.tracked.lock().unwrap_or_else(|e| e.into_inner()).contains_key(&uid);
    let current = if known {
        if !due(ctx, &value) {
            return Ok(Action::requeue(ctx.step));
        }
        value
    } else {
        // First sight: claim it, then plan its script from what was stored.
        let mut claimed = value.clone();
        claim(ctx.flavor, ctx.kind, &mut claimed, &finalizer);
        let patch = json!({
            "metadata": {"finalizers": claimed["metadata"]["finalizers"], "resourceVersion": value["metadata"]["resourceVersion"]},
            "spec": {ctx.kind.job_name_field(): claimed["spec"][ctx.kind.job_name_field()]},
        });
        let stored = serde_json::to_value(api.patch(&name, &PatchParams::default(), &Patch::Merge(&patch)).await?)?;
        let (script, problem) = plan(ctx.flavor, ctx.kind, &stored);
        if let Some(problem) = problem {
            (ctx.report)(format!("{} simulated controller, {kind_name} {}/{name}: {problem}", ctx.flavor.as_str(), namespace(&stored)));
        }
        ctx.tracked.lock().unwrap_or_else(|e| e.into_inner()).insert(uid.clone(), Tracked { script, next: 0, last_step: Instant::now() });
        stored
    };
    let status = {
        let tracked = ctx.tracked.lock().unwrap_or_else(|e| e.into_inner());
        let t = tracked.get(&uid).expect("tracked above");
        t.script.get(t.next).cloned()
    };
    let Some(status) = status else { return Ok(Action::await_change()) };
    let written = write_status(ctx, &api, &current, status).await?;
    if let Some(t) = ctx.tracked.lock().unwrap_or_else(|e| e.into_inner()).get_mut(&uid) {
        t.next += 1;
        t.last_step = Instant::now();
    }
    sync_trials(ctx, &written).await?;
    Ok(Action::requeue(ctx.step))
}

/// Whether a step is due for the object: at most one status step per interval, however many
/// watch events (most of them this controller's own writes) arrive meanwhile. An object being
/// deleted that was never tracked is due at once.
fn due(ctx: &Context, object: &Value) -> bool {
    let uid = object["metadata"]["uid"].as_str().unwrap_or_default();
    let mut tracked = ctx.tracked.lock().unwrap_or_else(|e| e.into_inner());
    match tracked.get_mut(uid) {
        Some(t) if t.last_step.elapsed() < ctx.step => false,
        Some(t) => {
            t.last_step = Instant::now();
            true
        }
        None => true,
    }
}

fn namespace(object: &Value) -> &str {
    object["metadata"]["namespace"].as_str().unwrap_or_default()
}

fn namespaced(ctx: &Context, resource: &ApiResource, object: &Value) -> Api<DynamicObject> {
    Api::namespaced_with(ctx.client.clone(), namespace(object), resource)
}

/// PUTs `status` to the object's `/status` subresource and returns the stored object (`Null` if
/// the object is gone). Reports fields the API server pruned.
async fn write_status(ctx: &Context, api: &Api<DynamicObject>, object: &Value, mut status: Value) -> Result<Value, ReconcileError> {
    stamp(&mut status, &object["status"], ctx.flavor, ctx.resource.kind.as_str());
    let mut body = object.clone();
    body["status"] = status.clone();
    let body: DynamicObject = serde_json::from_value(body)?;
    let name = object["metadata"]["name"].as_str().unwrap_or_default();
    let stored = match api.replace_status(name, &PostParams::default(), &body).await {
        Ok(stored) => serde_json::to_value(stored)?,
        Err(kube::Error::Api(e)) if e.code == 404 => return Ok(Value::Null),
        Err(e) => return Err(e.into()),
    };
    let mut pruned = Vec::new();
    missing_paths(&status, &stored["status"], "status", &mut pruned);
    if !pruned.is_empty() {
        (ctx.report)(format!(
            "{} simulated controller, {} {}/{name}: the API server pruned status fields the CRD does not declare: {}",
            ctx.flavor.as_str(),
            ctx.resource.kind,
            namespace(object),
            pruned.join(", ")
        ));
    }
    Ok(stored)
}

/// The paths of `sent` that `stored` lacks.
fn missing_paths(sent: &Value, stored: &Value, path: &str, out: &mut Vec<String>) {
    match (sent, stored) {
        (Value::Object(a), Value::Object(b)) => {
            for (key, value) in a {
                match b.get(key) {
                    Some(other) => missing_paths(value, other, &format!("{path}.{key}"), out),
                    None if !value.is_null() => out.push(format!("{path}.{key}")),
                    None => {}
                }
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                missing_paths(x, y, &format!("{path}[{i}]"), out);
            }
        }
        _ => {}
    }
}

fn trial_resource(ctx: &Context) -> ApiResource {
    api_resource(ctx.flavor, "TrainingJob", "trainingjobs")
}

/// The operator's trial TrainingJobs follow their tuning job (just written as `tuning`).
async fn sync_trials(ctx: &Context, tuning: &Value) -> Result<(), ReconcileError> {
    if ctx.flavor != Flavor::Operator || ctx.kind != JobKind::Tuning {
        return Ok(());
    }
    let Some(plan) = operator::trial_plan(tuning) else { return Ok(()) };
    let resource = trial_resource(ctx);
    let api = namespaced(ctx, &resource, tuning);
    for (name, status) in plan.statuses {
        let existing = match api.get_opt(&name).await? {
            Some(o) => serde_json::to_value(o)?,
            None if plan.create_missing => {
                let trial: DynamicObject = serde_json::from_value(operator::trial_object(tuning, &name))?;
                match api.create(&PostParams::default(), &trial).await {
                    Ok(created) => serde_json::to_value(created)?,
                    Err(kube::Error::Api(e)) if e.code == 409 => continue,
                    Err(e) => return Err(e.into()),
                }
            }
            None => continue,
        };
        if operator::trial_needs(&existing["status"], &status) {
            let trial_ctx = Context { client: ctx.client.clone(), flavor: ctx.flavor, kind: JobKind::Training, resource: resource.clone(), step: ctx.step, tracked: Mutex::default(), report: ctx.report.clone() };
            write_status(&trial_ctx, &api, &existing, status).await?;
        }
    }
    Ok(())
}

/// The operator deletes a tuning job's trials with it, releasing their finalizer.
async fn delete_trials(ctx: &Context, tuning: &Value) -> Result<(), ReconcileError> {
    let api = namespaced(ctx, &trial_resource(ctx), tuning);
    for name in operator::trial_names(tuning) {
        match api.delete(&name, &DeleteParams::default()).await {
            Ok(_) => {}
            Err(kube::Error::Api(e)) if e.code == 404 => continue,
            Err(e) => return Err(e.into()),
        }
        let patch = json!({"metadata": {"finalizers": null}});
        match api.patch(&name, &PatchParams::default(), &Patch::Merge(&patch)).await {
            Ok(_) => {}
            Err(kube::Error::Api(e)) if e.code == 404 => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

/// Watch restarts from 100 ms doubling to 2 s: after an API server outage the simulation resumes
/// promptly (kube-rs's default grows to 30 s).
struct QuickBackoff {
    next: Duration,
}

impl Default for QuickBackoff {
    fn default() -> Self {
        Self { next: Duration::from_millis(100) }
    }
}

impl Iterator for QuickBackoff {
    type Item = Duration;

    fn next(&mut self) -> Option<Duration> {
        let current = self.next;
        self.next = (self.next * 2).min(Duration::from_secs(2));
        Some(current)
    }
}

impl Backoff for QuickBackoff {
    fn reset(&mut self) {
        self.next = Duration::from_millis(100);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_paths_names_what_the_server_dropped() {
        let sent = json!({"a": 1, "b": {"c": 2, "d": 3}, "e": [{"f": 1}], "g": null});
        let stored = json!({"a": 1, "b": {"c": 2}, "e": [{}]});
        let mut out = Vec::new();
        missing_paths(&sent, &stored, "status", &mut out);
        assert_eq!(out, ["status.b.d", "status.e[0].f"]);
    }

    #[test]
    fn backoff_doubles_to_two_seconds_and_resets() {
        let mut b = QuickBackoff::default();
        let seen: Vec<u128> = b.by_ref().take(7).map(|d| d.as_millis()).collect();
        assert_eq!(seen, [100, 200, 400, 800, 1600, 2000, 2000]);
        b.reset();
        assert_eq!(b.next(), Some(Duration::from_millis(100)));
    }
}
