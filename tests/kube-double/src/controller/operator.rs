//! The Amazon SageMaker Operator for Kubernetes, simulated: status the way
//! `aws/amazon-sagemaker-operator-for-k8s` writes it. The first reconcile reports
//! `SynchronizingK8sJobWithSageMaker`, AWS errors show as `ReconcilingTrainingJob` /
//! `ReconcilingTuningJob` with the error text in `additional`, a failed job's reason is in
//! `additional` too, and `modelPath` is built the operator's way (no `/` between the output path
//! and the job name). A tuning job gets one TrainingJob object per trial.

use serde_json::{Value, json};

use super::ack::{TRAINING_FAILURE, TUNING_FAILURE};
use super::{BEST_OBJECTIVE_VALUE, Flavor, INTERIM_OBJECTIVE_VALUE, Job, JobKind, Scenario, best_trial, namespace, trial_count, trial_name, tuned_hyperparameters, write_status};
use crate::state::{Core, FieldValidation, Part};

/// The finalizer of the TrainingJob objects the operator creates for a tuning job's trials.
pub(crate) const TRIAL_FINALIZER: &str = "sagemaker-operator-hpo-trainingjob";
const GROUP: &str = "sagemaker.aws.amazon.com";
const SYNCHRONIZING: &str = "SynchronizingK8sJobWithSageMaker";

pub(crate) const RECONCILE_MESSAGE: &str = "ThrottlingException: Rate exceeded (simulated)";
pub(crate) const INIT_FAILURE: &str = "Unable to initialize operator: failed to load the AWS configuration: no credentials found (simulated)";

/// The job name: the spec's, or one generated from the object's name and uid, at most 63
/// characters for training and 32 for tuning, as the operator does when the spec names none.
pub(super) fn job_name(kind: JobKind, object: &Value) -> String {
    let (field, max) = match kind {
        JobKind::Training => ("trainingJobName", 63),
        JobKind::Tuning => ("hyperParameterTuningJobName", 32),
    };
    if let Some(name) = object["spec"][field].as_str().filter(|n| !n.is_empty()) {
        return name.to_string();
    }
    let uid: String = object["metadata"]["uid"].as_str().unwrap_or_default().chars().filter(|c| *c != '-').collect();
    let mut name = format!("{}-{uid}", object["metadata"]["name"].as_str().unwrap_or_default());
    name.truncate(max);
    name.trim_end_matches('-').to_string()
}

fn cloudwatch_url(region: &str, job: &str) -> String {
    format!("https://{region}.console.aws.amazon.com/cloudwatch/home?region={region}#logStream:group=/aws/sagemaker/TrainingJobs;prefix={job};streamFilter=typeLogStreamPrefix")
}

/// The operator's `modelPath`: concatenated without a separator, so it is only right when the
/// output path ends with `/` (a known operator bug that clients must not rely on).
fn operator_model_path(output_path: &str, job: &str) -> String {
    format!("{output_path}{job}/output/model.tar.gz")
}

pub(super) fn script(job: &Job) -> Vec<Value> {
    let field = job.kind.status_field();
    let mut steps = vec![json!({ field: SYNCHRONIZING })];
    match job.scenario {
        Scenario::Terminal => {
            steps.push(json!({ field: "Failed", "additional": INIT_FAILURE }));
            return steps;
        }
        Scenario::ReconcileThenSucceed => {
            let reconciling = match job.kind {
                JobKind::Training => "ReconcilingTrainingJob",
                JobKind::Tuning => "ReconcilingTuningJob",
            };
            steps.extend(std::iter::repeat_n(json!({ field: reconciling, "additional": RECONCILE_MESSAGE }), 3));
        }
        _ => {}
    }
    match job.kind {
        JobKind::Training => training(job, &mut steps),
        JobKind::Tuning => tuning(job, &mut steps),
    }
    steps
}

fn training(job: &Job, steps: &mut Vec<Value>) {
    let at = |primary: &str, secondary: Option<&str>| {
        let mut s = json!({
            "trainingJobStatus": primary,
            "sageMakerTrainingJobName": job.name,
            "cloudWatchLogUrl": cloudwatch_url(&job.region, &job.name),
        });
        if let Some(secondary) = secondary {
            s["secondaryStatus"] = json!(secondary);
        }
        s
    };
    for secondary in ["Starting", "Starting", "Downloading", "Training", "Training", "Training"] {
        steps.push(at("InProgress", Some(secondary)));
    }
    match job.scenario {
        Scenario::Succeed | Scenario::ReconcileThenSucceed => {
            steps.push(at("InProgress", Some("Uploading")));
            let mut done = at("Completed", Some("Completed"));
            let output = job.spec["outputDataConfig"]["s3OutputPath"].as_str().unwrap_or_default();
            done["modelPath"] = json!(operator_model_path(output, &job.name));
            steps.push(done);
        }
        Scenario::Fail => {
            let mut failed = at("Failed", Some("Failed"));
            failed["additional"] = json!(TRAINING_FAILURE);
            steps.push(failed);
        }
        Scenario::Stop | Scenario::Timeout => {
            // The operator clears the secondary status while the job stops.
            steps.push(at("Stopping", None));
            steps.push(at("Stopped", Some(if job.scenario == Scenario::Stop { "Stopped" } else { "MaxRuntimeExceeded" })));
        }
        Scenario::Terminal => unreachable!("handled by script"),
    }
}

fn tuning(job: &Job, steps: &mut Vec<Value>) {
    let trials = trial_count(job.spec) as i64;
    let at = |primary: &str, completed: i64, best: Option<(usize, f64)>| {
        let (stopped, errors) = match primary {
            "Stopped" => (trials - completed, 0),
            "Failed" => (0, trials - completed),
            _ => (0, 0),
        };
        let in_progress = trials - completed - stopped - errors;
        let mut s = json!({
            "hyperParameterTuningJobStatus": primary,
            "sageMakerHyperParameterTuningJobName": job.name,
            "trainingJobStatusCounters": {
                "completed": completed, "inProgress": in_progress, "stopped": stopped,
                "nonRetryableError": errors, "retryableError": 0, "totalError": errors,
            },
        });
        if let Some((index, value)) = best {
            s["bestTrainingJob"] = best_training_job(job, index, value);
        }
        s
    };
    let best = best_trial(job.spec);
    if job.scenario == Scenario::Fail {
        steps.extend(std::iter::repeat_n(at("InProgress", 0, None), 5));
        let mut failed = at("Failed", 0, None);
        failed["additional"] = json!(TUNING_FAILURE);
        steps.push(failed);
        return;
    }
    let last = (trials - 1).max(0);
    steps.push(at("InProgress", 0, None));
    steps.push(at("InProgress", 1.min(last), Some((1, INTERIM_OBJECTIVE_VALUE))));
    steps.push(at("InProgress", 1.min(last), Some((1, INTERIM_OBJECTIVE_VALUE))));
    steps.push(at("InProgress", last, Some((best, BEST_OBJECTIVE_VALUE))));
    steps.push(at("InProgress", last, Some((best, BEST_OBJECTIVE_VALUE))));
    match job.scenario {
        Scenario::Succeed | Scenario::ReconcileThenSucceed => steps.push(at("Completed", trials, Some((best, BEST_OBJECTIVE_VALUE)))),
        Scenario::Stop | Scenario::Timeout => {
            steps.push(at("Stopping", last, Some((best, BEST_OBJECTIVE_VALUE))));
            steps.push(at("Stopped", last, Some((best, BEST_OBJECTIVE_VALUE))));
        }
        Scenario::Fail | Scenario::Terminal => unreachable!("handled above"),
    }
}

/// `status.bestTrainingJob`: the operator carries the objective value as a string and the tuned
/// values as a list of `{name, value}`.
fn best_training_job(job: &Job, index: usize, value: f64) -> Value {
    let name = trial_name(&job.name, index);
    let objective = &job.spec["hyperParameterTuningJobConfig"]["hyperParameterTuningJobObjective"];
    let tuned: Vec<Value> = tuned_hyperparameters(job.spec).into_iter().map(|(k, v)| json!({"name": k, "value": v})).collect();
    json!({
        "trainingJobName": name,
        "trainingJobArn": format!("arn:aws:sagemaker:{}:{}:training-job/{name}", job.region, super::ACCOUNT),
        "trainingJobStatus": "Completed",
        "objectiveStatus": "Succeeded",
        "creationTime": job.seen_at,
        "trainingStartTime": job.seen_at,
        "trainingEndTime": job.seen_at,
        "tuningJobName": job.name,
        "tunedHyperParameters": tuned,
        "finalHyperParameterTuningJobObjectiveMetric": {
            "metricName": objective["metricName"],
            "type": objective["type"],
            "value": value.to_string(),
        },
    })
}

/// What the operator writes after it asked SageMaker to stop a running job.
pub(super) fn stopping(kind: JobKind, status: &Value) -> Value {
    let mut s = status.clone();
    s[kind.status_field()] = json!("Stopping");
    if let Some(map) = s.as_object_mut() {
        map.remove("secondaryStatus");
    }
    s
}

/// What the operator writes once SageMaker reports the job stopped.
pub(super) fn stopped(kind: JobKind, status: &Value, secondary: &str) -> Value {
    let mut s = status.clone();
    s[kind.status_field()] = json!("Stopped");
    if kind == JobKind::Training {
        s["secondaryStatus"] = json!(secondary);
    }
    s
}

pub(crate) fn trial_names(tuning: &Value) -> Vec<String> {
    let name = tuning["spec"]["hyperParameterTuningJobName"].as_str().unwrap_or_default();
    (1..=trial_count(&tuning["spec"])).map(|i| trial_name(name, i)).collect()
}

fn trainingjob_crd(core: &Core) -> Result<usize, String> {
    core.find_crd(GROUP, "trainingjobs").ok_or_else(|| "the operator's TrainingJob CRD is not loaded".to_string())
}

/// What the trials of a tuning job (just written as `tuning`) should look like now: each trial's
/// name and status, and whether a missing trial is created (while the search runs) or left absent.
pub(crate) struct TrialPlan {
    pub statuses: Vec<(String, Value)>,
    pub create_missing: bool,
}

pub(crate) fn trial_plan(tuning: &Value) -> Option<TrialPlan> {
    if tuning.is_null() {
        return None;
    }
    let spec = &tuning["spec"];
    let region = spec["region"].as_str().unwrap_or(super::DEFAULT_REGION);
    let output = spec["trainingJobDefinition"]["outputDataConfig"]["s3OutputPath"].as_str().unwrap_or_default();
    let (primary, secondary) = match tuning["status"]["hyperParameterTuningJobStatus"].as_str() {
        Some("InProgress") => ("InProgress", Some("Training")),
        Some("Stopping") => ("Stopping", None),
        Some("Completed") => ("Completed", Some("Completed")),
        Some("Failed") => ("Failed", Some("Failed")),
        Some("Stopped") => ("Stopped", Some("Stopped")),
        _ => return None,
    };
    let statuses = trial_names(tuning)
        .into_iter()
        .map(|name| {
            let mut status = json!({
                "trainingJobStatus": primary,
                "sageMakerTrainingJobName": name,
                "cloudWatchLogUrl": cloudwatch_url(region, &name),
            });
            if let Some(secondary) = secondary {
                status["secondaryStatus"] = json!(secondary);
            }
            match primary {
                "Completed" => status["modelPath"] = json!(operator_model_path(output, &name)),
                "Failed" => status["additional"] = json!(TRAINING_FAILURE),
                _ => {}
            }
            (name, status)
        })
        .collect();
    Some(TrialPlan { statuses, create_missing: primary == "InProgress" })
}

/// Whether a trial whose status is `current` needs `wanted` written.
pub(crate) fn trial_needs(current: &Value, wanted: &Value) -> bool {
    current["trainingJobStatus"] != wanted["trainingJobStatus"] || current["secondaryStatus"] != wanted["secondaryStatus"]
}

/// Keeps the trial TrainingJob objects in step with their tuning job (just written as `tuning`):
/// created when the search starts, then moved to the tuning job's final state.
pub(super) fn sync_trials(core: &Core, tuning: &Value) -> Result<(), String> {
    let Some(plan) = trial_plan(tuning) else { return Ok(()) };
    let crd = trainingjob_crd(core)?;
    let ns = namespace(tuning);
    for (name, status) in plan.statuses {
        let existing = match core.get(crd, ns, &name) {
            Ok(o) => o,
            Err(e) if e.code == 404 && plan.create_missing => create_trial(core, crd, tuning, &name)?,
            Err(e) if e.code == 404 => continue,
            Err(e) => return Err(e.to_string()),
        };
        if trial_needs(&existing["status"], &status) {
            write_status(core, crd, &existing, status, Flavor::Operator)?;
        }
    }
    Ok(())
}

/// A trial's TrainingJob: the tuning job's training definition with the static and tuned
/// hyperparameters, in the tuning job's namespace and region.
pub(crate) fn trial_object(tuning: &Value, name: &str) -> Value {
    let spec = &tuning["spec"];
    let mut trial = spec["trainingJobDefinition"].as_object().cloned().unwrap_or_default();
    let mut hyperparameters: Vec<Value> = trial.remove("staticHyperParameters").and_then(|v| v.as_array().cloned()).unwrap_or_default();
    for (k, v) in tuned_hyperparameters(spec) {
        hyperparameters.retain(|h| h["name"] != k.as_str());
        hyperparameters.push(json!({"name": k, "value": v}));
    }
    trial.insert("hyperParameters".into(), Value::Array(hyperparameters));
    trial.insert("region".into(), spec["region"].clone());
    trial.insert("trainingJobName".into(), json!(name));
    json!({
        "apiVersion": format!("{GROUP}/v1"),
        "kind": "TrainingJob",
        "metadata": {"name": name, "namespace": namespace(tuning), "finalizers": [TRIAL_FINALIZER]},
        "spec": trial,
    })
}

fn create_trial(core: &Core, crd: usize, tuning: &Value, name: &str) -> Result<Value, String> {
    match core.create(crd, "v1", namespace(tuning), trial_object(tuning, name), FieldValidation::Strict) {
        Ok((created, _)) => Ok(created),
        Err(e) if e.code == 409 => core.get(crd, namespace(tuning), name).map_err(|e| e.to_string()),
        Err(e) => Err(format!("cannot create the trial TrainingJob {name}: {e}")),
    }
}

/// Deletes the trials of a tuning job that is going away (the operator removes their finalizer,
/// so they disappear with it).
pub(super) fn delete_trials(core: &Core, tuning: &Value) -> Result<(), String> {
    let crd = trainingjob_crd(core)?;
    let ns = namespace(tuning);
    for name in trial_names(tuning) {
        match core.delete(crd, "v1", ns, &name, &Value::Null) {
            Ok(_) => {}
            Err(e) if e.code == 404 => continue,
            Err(e) => return Err(format!("cannot delete the trial TrainingJob {name}: {e}")),
        }
        let released = core.modify(crd, ns, &name, Part::Whole, |o| super::release(o, TRIAL_FINALIZER));
        if let Err(e) = released.map(|_| ()).or_else(|e| if e.code == 404 { Ok(()) } else { Err(e) }) {
            return Err(format!("cannot release the trial TrainingJob {name}: {e}"));
        }
    }
    Ok(())
}
