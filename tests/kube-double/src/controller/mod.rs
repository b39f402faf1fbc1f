//! Simulated controllers: stand-ins for the ACK SageMaker controller
//! (`sagemaker.services.k8s.aws/v1alpha1`) and the Amazon SageMaker Operator for Kubernetes
//! (`sagemaker.aws.amazon.com/v1`) that move the status of the TrainingJob and tuning-job objects
//! stored in the test double the way the real controllers do.
//!
//! They are simulations: there is no SageMaker and no AWS call behind them, and the status values
//! are invented but shaped like the real ones (the reference is `sagemaker-targets.md` §3 and §4).
//! What a client of these custom resources sees is reproduced:
//!
//! - On first sight the controller claims the object with its finalizer (ACK:
//!   `finalizers.sagemaker.services.k8s.aws/<Kind>`, operator: `sagemaker-operator-finalizer`).
//! - Each tick (the step interval) moves every object one step along its scenario's status script:
//!   ACK writes `trainingJobStatus` / `hyperParameterTuningJobStatus`, `secondaryStatus` and the
//!   `ACK.*` conditions; the operator starts with `SynchronizingK8sJobWithSageMaker` and fills
//!   `sageMakerTrainingJobName`, `cloudWatchLogUrl`, `additional` and `modelPath`.
//! - A tuning job reports a best training job; the operator also creates one TrainingJob object per
//!   trial (finalizer `sagemaker-operator-hpo-trainingjob`) and removes them with the tuning job.
//! - An object being deleted is stopped first when its job is running (`Stopping`, then `Stopped`),
//!   then the finalizer is removed and the object disappears.
//!
//! The scenario of an object is the value of its `spec.tags` entry with key `simulate` (see
//! [`Scenario`]). Status writes go through the double's store with the semantics of a write to
//! `/status` (validated against the CRD, new resourceVersion, MODIFIED watch event). Before a write
//! the status is also checked for fields the CRD does not declare, because a v1 CRD would silently
//! prune them and hide a wrong simulation. Problems are collected, not printed:
//! [`crate::KubeTestDouble::simulation_errors`].
//!
//! While the double simulates an outage the controllers stand still too: they would talk to the
//! same API server.
//!
//! The same scripts (`claim`, `plan`, `deletion_step`, the operator's trials) also drive
//! [`live`]: the simulated controllers as kube-rs controllers against a real kube-apiserver (the
//! `simulated-controller` binary), which is what the end-to-end tests use.

mod ack;
pub mod live;
mod operator;

use std::collections::{HashMap, HashSet};
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};

use crate::state::{Core, Part};
use crate::{meta, schema};

/// Which controller family to simulate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Flavor {
    /// ACK SageMaker controller: `sagemaker.services.k8s.aws/v1alpha1` TrainingJob and
    /// HyperParameterTuningJob.
    Ack,
    /// Amazon SageMaker Operator for Kubernetes: `sagemaker.aws.amazon.com/v1` TrainingJob and
    /// HyperparameterTuningJob.
    Operator,
}

impl Flavor {
    pub fn group(self) -> &'static str {
        match self {
            Self::Ack => "sagemaker.services.k8s.aws",
            Self::Operator => "sagemaker.aws.amazon.com",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ack => "ack",
            Self::Operator => "operator",
        }
    }

    fn finalizer(self, kind: &str) -> String {
        match self {
            Self::Ack => format!("finalizers.{}/{kind}", self.group()),
            Self::Operator => "sagemaker-operator-finalizer".to_string(),
        }
    }
}

impl FromStr for Flavor {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "ack" => Ok(Self::Ack),
            "operator" => Ok(Self::Operator),
            other => Err(format!("unknown controller {other:?}; expected ack or operator")),
        }
    }
}

/// How a simulated job goes, chosen per object by its `simulate` tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scenario {
    /// Runs and completes with model artifacts (and a best training job for tuning).
    #[default]
    Succeed,
    /// SageMaker reports the job Failed, with a reason.
    Fail,
    /// Someone stops the job outside Kubernetes: Stopping, then Stopped.
    Stop,
    /// The job hits its runtime limit: Stopped with secondary status `MaxRuntimeExceeded`. A tuning
    /// job that reaches its limit ends Stopped as well (it has no secondary status).
    Timeout,
    /// The controller's AWS calls fail for a few steps (ACK: `ACK.Recoverable` condition; operator:
    /// `ReconcilingTrainingJob` / `ReconcilingTuningJob` with the error in `additional`), then the
    /// job runs and succeeds.
    ReconcileThenSucceed,
    /// The job can never be created (ACK: `ACK.Terminal` condition; operator: `Failed` with an
    /// initialization error); nothing changes after that.
    Terminal,
}

impl Scenario {
    /// The `spec.tags` key that selects the scenario.
    pub const TAG: &'static str = "simulate";

    pub const ALL: [Scenario; 6] = [Self::Succeed, Self::Fail, Self::Stop, Self::Timeout, Self::ReconcileThenSucceed, Self::Terminal];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Succeed => "succeed",
            Self::Fail => "fail",
            Self::Stop => "stop",
            Self::Timeout => "timeout",
            Self::ReconcileThenSucceed => "reconcile-then-succeed",
            Self::Terminal => "terminal",
        }
    }

    /// The scenario an object's spec asks for; no tag means [`Scenario::Succeed`].
    pub fn of_spec(spec: &Value) -> Result<Self, String> {
        let tag = spec["tags"].as_array().into_iter().flatten().find(|t| t["key"] == Self::TAG);
        match tag.map(|t| t["value"].as_str().unwrap_or_default()) {
            None => Ok(Self::Succeed),
            Some(value) => value.parse(),
        }
    }
}

impl FromStr for Scenario {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        Self::ALL.into_iter().find(|x| x.as_str() == s).ok_or_else(|| {
            let known: Vec<&str> = Self::ALL.iter().map(|x| x.as_str()).collect();
            format!("unknown {} tag value {s:?}; expected one of {}", Self::TAG, known.join(", "))
        })
    }
}

/// State the simulated controllers share with the rest of the double (the control endpoints).
#[derive(Debug, Default)]
pub(crate) struct SimulationState {
    paused: AtomicBool,
    errors: Mutex<Vec<String>>,
}

impl SimulationState {
    pub(crate) fn set_paused(&self, paused: bool) {
        self.paused.store(paused, Ordering::SeqCst);
    }

    pub(crate) fn is_paused(&self) -> bool {
        self.paused.load(Ordering::SeqCst)
    }

    fn record(&self, error: String) {
        let mut errors = self.errors.lock().unwrap_or_else(|e| e.into_inner());
        // Bounded: a broken object would otherwise add one entry per tick forever.
        if errors.len() < 1000 && !errors.contains(&error) {
            errors.push(error);
        }
    }

    pub(crate) fn errors(&self) -> Vec<String> {
        self.errors.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SimulateError {
    #[error("the {flavor} simulated controller needs the CRD of {plural}.{group}, which the double did not load")]
    MissingCrd { flavor: &'static str, group: &'static str, plural: &'static str },
}

/// A running simulated controller; dropping it stops it.
pub struct SimulatedController {
    flavor: Flavor,
    step: Duration,
    task: tokio::task::JoinHandle<()>,
}

impl SimulatedController {
    pub fn flavor(&self) -> Flavor {
        self.flavor
    }

    pub fn step(&self) -> Duration {
        self.step
    }
}

impl Drop for SimulatedController {
    fn drop(&mut self) {
        self.task.abort();
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum JobKind {
    Training,
    Tuning,
}

impl JobKind {
    /// The status field holding the SageMaker primary status.
    fn status_field(self) -> &'static str {
        match self {
            Self::Training => "trainingJobStatus",
            Self::Tuning => "hyperParameterTuningJobStatus",
        }
    }

    /// The spec field holding the SageMaker job name.
    fn job_name_field(self) -> &'static str {
        match self {
            Self::Training => "trainingJobName",
            Self::Tuning => "hyperParameterTuningJobName",
        }
    }
}

/// One resource a controller watches.
#[derive(Debug, Clone, Copy)]
struct Watched {
    crd: usize,
    kind: JobKind,
}

/// What a status script needs to know about one object.
pub(crate) struct Job<'a> {
    pub spec: &'a Value,
    /// The SageMaker job name.
    pub name: String,
    pub region: String,
    pub kind: JobKind,
    pub scenario: Scenario,
    /// When the controller first saw the object (RFC 3339).
    pub seen_at: String,
}

/// An object the controller is moving along its script.
struct Tracked {
    script: Vec<Value>,
    next: usize,
}

/// The account the simulated jobs live in (the AWS documentation's example account).
pub(crate) const ACCOUNT: &str = "111122223333";
/// Where the ACK controller runs when an object names no region.
pub(crate) const DEFAULT_REGION: &str = "us-east-1";
/// The best objective value a simulated tuning job reports.
pub const BEST_OBJECTIVE_VALUE: f64 = 0.0421;
/// The best objective value reported while a simulated tuning job is still searching.
pub(crate) const INTERIM_OBJECTIVE_VALUE: f64 = 0.1375;

pub(crate) fn start(core: Arc<Core>, flavor: Flavor, step: Duration) -> Result<SimulatedController, SimulateError> {
    let plurals: [(&'static str, JobKind); 2] = [("trainingjobs", JobKind::Training), ("hyperparametertuningjobs", JobKind::Tuning)];
    let mut watched = Vec::new();
    for (plural, kind) in plurals {
        let crd = core.find_crd(flavor.group(), plural).ok_or(SimulateError::MissingCrd { flavor: flavor.as_str(), group: flavor.group(), plural })?;
        watched.push(Watched { crd, kind });
    }
    let mut controller = Controller { core, flavor, watched, tracked: HashMap::new() };
    let task = tokio::spawn(async move {
        let mut tick = tokio::time::interval(step.max(Duration::from_millis(1)));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if controller.core.is_unavailable() || controller.core.simulation.is_paused() {
                continue;
            }
            controller.tick();
        }
    });
    Ok(SimulatedController { flavor, step, task })
}

struct Controller {
    core: Arc<Core>,
    flavor: Flavor,
    watched: Vec<Watched>,
    /// By object uid, so a deleted and recreated object starts over.
    tracked: HashMap<String, Tracked>,
}

impl Controller {
    fn tick(&mut self) {
        let mut present = HashSet::new();
        for w in self.watched.clone() {
            for object in self.core.objects_of(w.crd) {
                present.insert(object["metadata"]["uid"].as_str().unwrap_or_default().to_string());
                if let Err(e) = self.reconcile(w, &object) {
                    let meta = &object["metadata"];
                    let what = format!("{} {}/{}", self.core.crds[w.crd].kind, meta["namespace"].as_str().unwrap_or_default(), meta["name"].as_str().unwrap_or_default());
                    self.core.simulation.record(format!("{} simulated controller, {what}: {e}", self.flavor.as_str()));
                }
            }
        }
        self.tracked.retain(|uid, _| present.contains(uid));
    }

    /// One step for one object.
    fn reconcile(&mut self, w: Watched, object: &Value) -> Result<(), String> {
        let kind_name = self.core.crds[w.crd].kind.clone();
        let finalizer = self.flavor.finalizer(&kind_name);
        let finalizers: Vec<&str> = object["metadata"]["finalizers"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
        if self.flavor == Flavor::Operator && w.kind == JobKind::Training && finalizers.contains(&operator::TRIAL_FINALIZER) {
            // A tuning job's trial: its tuning job drives it.
            return Ok(());
        }
        let deleting = !object["metadata"]["deletionTimestamp"].is_null();
        if deleting {
            return if finalizers.contains(&finalizer.as_str()) { self.finish_deletion(w, object, &finalizer) } else { Ok(()) };
        }
        let uid = object["metadata"]["uid"].as_str().unwrap_or_default().to_string();
        if !self.tracked.contains_key(&uid) {
            let (script, problem) = self.first_sight(w, object, &finalizer)?;
            self.tracked.insert(uid.clone(), Tracked { script, next: 0 });
            if let Some(problem) = problem {
                // Reported once; the object still runs (as `succeed`) from the next tick.
                return Err(problem);
            }
        }
        let tracked = self.tracked.get_mut(&uid).expect("inserted above");
        let Some(status) = tracked.script.get(tracked.next).cloned() else { return Ok(()) };
        tracked.next += 1;
        let written = self.write_status(w, object, status)?;
        if self.flavor == Flavor::Operator && w.kind == JobKind::Tuning {
            operator::sync_trials(&self.core, &written)?;
        }
        Ok(())
    }

    /// Claims the object with the finalizer (the real controllers do so before calling AWS, so a
    /// deletion can never leave a job running unnoticed) and plans its status script.
    fn first_sight(&self, w: Watched, object: &Value, finalizer: &str) -> Result<(Vec<Value>, Option<String>), String> {
        let updated = self
            .core
            .modify(w.crd, namespace(object), object_name(object), Part::Whole, |o| claim(self.flavor, w.kind, o, finalizer))
            .map_err(|e| format!("cannot add the finalizer: {e}"))?;
        Ok(plan(self.flavor, w.kind, &updated))
    }

    /// The controllers' deletion path: stop a running job, wait for it to stop, clean up, then let
    /// the object go.
    fn finish_deletion(&mut self, w: Watched, object: &Value, finalizer: &str) -> Result<(), String> {
        if let Some(next) = deletion_step(self.flavor, w.kind, &object["status"]) {
            let written = self.write_status(w, object, next)?;
            if self.flavor == Flavor::Operator && w.kind == JobKind::Tuning {
                operator::sync_trials(&self.core, &written)?;
            }
            return Ok(());
        }
        if self.flavor == Flavor::Operator && w.kind == JobKind::Tuning {
            operator::delete_trials(&self.core, object)?;
        }
        self.core.modify(w.crd, namespace(object), object_name(object), Part::Whole, |o| release(o, finalizer)).map(|_| ()).or_else(ignore_not_found)
    }

    /// Writes a status through the store, after checking it against the CRD.
    fn write_status(&self, w: Watched, object: &Value, status: Value) -> Result<Value, String> {
        write_status(&self.core, w.crd, object, status, self.flavor)
    }
}

/// What a controller does to an object on first sight: adds its finalizer and, where the spec
/// names no job, writes the job name it chose into the spec (the operator does so).
pub(crate) fn claim(flavor: Flavor, kind: JobKind, object: &mut Value, finalizer: &str) {
    let name = match flavor {
        Flavor::Ack => ack::job_name(kind, object),
        Flavor::Operator => operator::job_name(kind, object),
    };
    let list = object["metadata"]["finalizers"].as_array().cloned().unwrap_or_default();
    if !list.iter().any(|f| f == finalizer) {
        let mut list = list;
        list.push(Value::String(finalizer.to_string()));
        object["metadata"]["finalizers"] = Value::Array(list);
    }
    let field = kind.job_name_field();
    if object["spec"][field].as_str().is_none_or(str::is_empty) {
        object["spec"][field] = Value::String(name);
    }
}

/// The status script of a claimed object, and a problem to report once (an unknown scenario tag;
/// the object then runs as `succeed`).
pub(crate) fn plan(flavor: Flavor, kind: JobKind, claimed: &Value) -> (Vec<Value>, Option<String>) {
    let (scenario, problem) = match Scenario::of_spec(&claimed["spec"]) {
        Ok(s) => (s, None),
        Err(e) => (Scenario::Succeed, Some(e)),
    };
    let name = claimed["spec"][kind.job_name_field()].as_str().unwrap_or_default().to_string();
    let region = match flavor {
        Flavor::Ack => claimed["metadata"]["annotations"]["services.k8s.aws/region"].as_str().unwrap_or(DEFAULT_REGION).to_string(),
        Flavor::Operator => claimed["spec"]["region"].as_str().unwrap_or(DEFAULT_REGION).to_string(),
    };
    let job = Job { spec: &claimed["spec"], name, region, kind, scenario, seen_at: meta::now_rfc3339() };
    let script = match flavor {
        Flavor::Ack => ack::script(&job),
        Flavor::Operator => operator::script(&job),
    };
    (script, problem)
}

/// The next status of an object being deleted: a running job is stopped first (Stopping, then
/// Stopped); `None` once there is nothing left to stop, and the finalizer can go.
pub(crate) fn deletion_step(flavor: Flavor, kind: JobKind, status: &Value) -> Option<Value> {
    match (flavor, status[kind.status_field()].as_str()) {
        (Flavor::Ack, Some("InProgress")) => Some(ack::stopping(kind, status)),
        (Flavor::Ack, Some("Stopping")) => Some(ack::stopped(kind, status, "Stopped")),
        (Flavor::Operator, Some("InProgress")) => Some(operator::stopping(kind, status)),
        (Flavor::Operator, Some("Stopping")) => Some(operator::stopped(kind, status, "Stopped")),
        _ => None,
    }
}

/// Removes `finalizer` from the object.
pub(crate) fn release(object: &mut Value, finalizer: &str) {
    if let Some(list) = object["metadata"]["finalizers"].as_array_mut() {
        list.retain(|f| f != finalizer);
    }
}

/// Stamps the status (check times, condition transition times), checks it declares only fields the
/// CRD knows, and writes it with `/status` semantics. Returns the stored object.
pub(crate) fn write_status(core: &Core, crd: usize, object: &Value, mut status: Value, flavor: Flavor) -> Result<Value, String> {
    stamp(&mut status, &object["status"], flavor, core.crds[crd].kind.as_str());
    check_declared(core, crd, &status)?;
    match core.modify(crd, namespace(object), object_name(object), Part::Status, |o| o["status"] = status) {
        Ok(stored) => Ok(stored),
        // Deleted meanwhile: nothing left to move.
        Err(e) if e.code == 404 => Ok(Value::Null),
        Err(e) => Err(format!("the status was rejected: {e}")),
    }
}

pub(crate) fn stamp(status: &mut Value, current: &Value, flavor: Flavor, kind: &str) {
    let now = meta::now_rfc3339();
    match flavor {
        Flavor::Operator => status["lastCheckTime"] = Value::String(now.clone()),
        // Only the ACK TrainingJob status has a modification time.
        Flavor::Ack if kind == "TrainingJob" => status["lastModifiedTime"] = Value::String(now.clone()),
        Flavor::Ack => {}
    }
    // `get_mut`, not indexing: `IndexMut` would insert a `null` field.
    if let Some(conditions) = status.get_mut("conditions").and_then(Value::as_array_mut) {
        for c in conditions {
            // A condition's transition time moves only when its status does.
            let before = current["conditions"].as_array().into_iter().flatten().find(|o| o["type"] == c["type"]);
            c["lastTransitionTime"] = match before {
                Some(b) if b["status"] == c["status"] && b["lastTransitionTime"].is_string() => b["lastTransitionTime"].clone(),
                _ => Value::String(now.clone()),
            };
        }
    }
}

/// A simulated status must only use fields the CRD declares: a v1 CRD prunes anything else without
/// an error, which would hide a wrong simulation.
fn check_declared(core: &Core, crd: usize, status: &Value) -> Result<(), String> {
    let c = &core.crds[crd];
    let Some(schema) = c.versions.iter().find(|v| v.storage).or(c.versions.first()).and_then(|v| v.schema.as_ref()) else { return Ok(()) };
    let status_schema = &schema["properties"]["status"];
    if status_schema.is_null() {
        return Ok(());
    }
    let mut copy = status.clone();
    let mut pruned = Vec::new();
    schema::prune(status_schema, &mut copy, "status", &mut pruned);
    if pruned.is_empty() { Ok(()) } else { Err(format!("the status uses fields the CRD does not declare: {}", pruned.join(", "))) }
}

fn ignore_not_found(e: crate::ApiError) -> Result<(), String> {
    if e.code == 404 { Ok(()) } else { Err(e.to_string()) }
}

pub(crate) fn namespace(object: &Value) -> &str {
    object["metadata"]["namespace"].as_str().unwrap_or_default()
}

pub(crate) fn object_name(object: &Value) -> &str {
    object["metadata"]["name"].as_str().unwrap_or_default()
}

/// `<base>/<job>/output/model.tar.gz` with exactly one `/` after the base, as SageMaker lays out
/// model artifacts.
pub(crate) fn model_uri(output_path: &str, job: &str) -> String {
    format!("{}/{job}/output/model.tar.gz", output_path.trim_end_matches('/'))
}

/// SageMaker names a tuning job's training jobs `<tuning job>-<NNN>-<8 hex>`.
pub(crate) fn trial_name(tuning_job: &str, index: usize) -> String {
    // FNV-1a: a stable suffix per trial, so tests can predict the best training job's name.
    let mut hash: u32 = 0x811c_9dc5;
    for b in format!("{tuning_job}/{index}").bytes() {
        hash = (hash ^ u32::from(b)).wrapping_mul(0x0100_0193);
    }
    format!("{tuning_job}-{index:03}-{hash:08x}")
}

/// How many trials a simulated tuning job runs: its limit, at most three (enough to have a best).
pub(crate) fn trial_count(spec: &Value) -> usize {
    let limit = spec["hyperParameterTuningJobConfig"]["resourceLimits"]["maxNumberOfTrainingJobs"].as_u64().unwrap_or(3);
    limit.clamp(1, 3) as usize
}

/// The index of the best trial (the second one when there are several, so "best" is not simply
/// "first").
pub(crate) fn best_trial(spec: &Value) -> usize {
    trial_count(spec).min(2)
}

/// A value for every tuned hyperparameter: the lower bound of numeric ranges, the first category.
pub(crate) fn tuned_hyperparameters(spec: &Value) -> Vec<(String, String)> {
    let ranges = &spec["hyperParameterTuningJobConfig"]["parameterRanges"];
    let mut out = Vec::new();
    for key in ["integerParameterRanges", "continuousParameterRanges"] {
        for r in ranges[key].as_array().into_iter().flatten() {
            out.push((r["name"].as_str().unwrap_or_default().to_string(), r["minValue"].as_str().unwrap_or("0").to_string()));
        }
    }
    for r in ranges["categoricalParameterRanges"].as_array().into_iter().flatten() {
        out.push((r["name"].as_str().unwrap_or_default().to_string(), r["values"][0].as_str().unwrap_or_default().to_string()));
    }
    out
}

/// `{"type": ..., "status": "True"|"False"}` with an optional message.
pub(crate) fn condition(kind: &str, on: bool, message: Option<&str>) -> Value {
    let mut c = json!({"type": kind, "status": if on { "True" } else { "False" }});
    if let Some(m) = message {
        c["message"] = Value::String(m.to_string());
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scenario_comes_from_the_simulate_tag() {
        assert_eq!(Scenario::of_spec(&json!({})).unwrap(), Scenario::Succeed);
        assert_eq!(Scenario::of_spec(&json!({"tags": [{"key": "team", "value": "ml"}]})).unwrap(), Scenario::Succeed);
        assert_eq!(Scenario::of_spec(&json!({"tags": [{"key": "simulate", "value": "reconcile-then-succeed"}]})).unwrap(), Scenario::ReconcileThenSucceed);
        assert!(Scenario::of_spec(&json!({"tags": [{"key": "simulate", "value": "explode"}]})).unwrap_err().contains("explode"));
    }

    #[test]
    fn trial_names_follow_sagemaker_and_fit_object_names() {
        // A tuning job name has at most 32 characters, so a trial name at most 45 (< 63).
        let tuning = "tune-abcdefghijklmnopqrstuvwxyz1";
        assert_eq!(tuning.len(), 32);
        let name = trial_name(tuning, 2);
        assert!(name.starts_with("tune-abcdefghijklmnopqrstuvwxyz1-002-"), "{name}");
        assert_eq!(name.len(), 45);
        assert_eq!(name, trial_name(tuning, 2), "stable");
        assert_ne!(name, trial_name(tuning, 3));
    }

    #[test]
    fn model_uris_join_with_one_slash() {
        assert_eq!(model_uri("s3://b/out/", "j"), "s3://b/out/j/output/model.tar.gz");
        assert_eq!(model_uri("s3://b/out", "j"), "s3://b/out/j/output/model.tar.gz");
    }
}
