//! The ACK SageMaker controller, simulated: status the way `aws-controllers-k8s/sagemaker-controller`
//! writes it. The SageMaker status is mirrored into `trainingJobStatus` / `secondaryStatus` (or
//! `hyperParameterTuningJobStatus`), `ACK.ResourceSynced` is False while the job runs and True once
//! it is final, AWS errors show as `ACK.Recoverable` / `ACK.Terminal` conditions, and there is no
//! per-trial object for tuning jobs.

use serde_json::{Value, json};

use super::{ACCOUNT, BEST_OBJECTIVE_VALUE, INTERIM_OBJECTIVE_VALUE, Job, JobKind, Scenario, best_trial, condition, model_uri, trial_name, tuned_hyperparameters};

const SYNCED: &str = "ACK.ResourceSynced";
const RECOVERABLE: &str = "ACK.Recoverable";
const TERMINAL: &str = "ACK.Terminal";

pub(crate) const TRAINING_FAILURE: &str = "AlgorithmError: simulated training failure: the training process exited with code 1";
pub(crate) const TUNING_FAILURE: &str = "No training job succeeded after 3 attempts. Please take a look at the training job failures to get more details.";
pub(crate) const RECOVERABLE_MESSAGE: &str = "ThrottlingException: Rate exceeded (simulated)";
pub(crate) const TERMINAL_MESSAGE: &str = "ValidationException: simulated: the training image could not be found in this region";

/// The job name: ACK requires it in the spec.
pub(super) fn job_name(kind: JobKind, object: &Value) -> String {
    let field = match kind {
        JobKind::Training => "trainingJobName",
        JobKind::Tuning => "hyperParameterTuningJobName",
    };
    object["spec"][field].as_str().filter(|n| !n.is_empty()).or(object["metadata"]["name"].as_str()).unwrap_or_default().to_string()
}

fn arn(region: &str, resource: &str, name: &str) -> String {
    format!("arn:aws:sagemaker:{region}:{ACCOUNT}:{resource}/{name}")
}

/// `status.ackResourceMetadata`; the ARN exists only once SageMaker created the job.
fn resource_metadata(job: &Job, created: bool) -> Value {
    let mut m = json!({"ownerAccountID": ACCOUNT, "region": job.region});
    if created {
        let resource = match job.kind {
            JobKind::Training => "training-job",
            JobKind::Tuning => "hyper-parameter-tuning-job",
        };
        m["arn"] = Value::String(arn(&job.region, resource, &job.name));
    }
    m
}

fn kind_name(kind: JobKind) -> &'static str {
    match kind {
        JobKind::Training => "TrainingJob",
        JobKind::Tuning => "HyperParameterTuningJob",
    }
}

/// The controller's `ResourceSynced`: False with the job status while it is not final.
fn synced(kind: JobKind, primary: &str) -> Value {
    let done = matches!(primary, "Completed" | "Failed" | "Stopped");
    let message = (!done).then(|| format!("{} is in {primary} status.", kind_name(kind)));
    condition(SYNCED, done, message.as_deref())
}

pub(super) fn script(job: &Job) -> Vec<Value> {
    if job.scenario == Scenario::Terminal {
        let conditions = json!([condition(TERMINAL, true, Some(TERMINAL_MESSAGE)), condition(SYNCED, false, None)]);
        return vec![json!({"ackResourceMetadata": resource_metadata(job, false), "conditions": conditions})];
    }
    let mut steps = Vec::new();
    if job.scenario == Scenario::ReconcileThenSucceed {
        let conditions = json!([condition(RECOVERABLE, true, Some(RECOVERABLE_MESSAGE)), condition(SYNCED, false, None)]);
        let failing = json!({"ackResourceMetadata": resource_metadata(job, false), "conditions": conditions});
        steps.extend(std::iter::repeat_n(failing, 3));
    }
    match job.kind {
        JobKind::Training => training(job, &mut steps),
        JobKind::Tuning => tuning(job, &mut steps),
    }
    steps
}

fn training(job: &Job, steps: &mut Vec<Value>) {
    let at = |primary: &str, secondary: &str| {
        json!({
            "ackResourceMetadata": resource_metadata(job, true),
            "creationTime": job.seen_at,
            "trainingJobStatus": primary,
            "secondaryStatus": secondary,
            "conditions": [synced(JobKind::Training, primary)],
        })
    };
    for secondary in ["Starting", "Starting", "Downloading", "Training", "Training", "Training"] {
        steps.push(at("InProgress", secondary));
    }
    match job.scenario {
        Scenario::Succeed | Scenario::ReconcileThenSucceed => {
            steps.push(at("InProgress", "Uploading"));
            let mut done = at("Completed", "Completed");
            let output = job.spec["outputDataConfig"]["s3OutputPath"].as_str().unwrap_or_default();
            done["modelArtifacts"] = json!({"s3ModelArtifacts": model_uri(output, &job.name)});
            steps.push(done);
        }
        Scenario::Fail => {
            let mut failed = at("Failed", "Failed");
            failed["failureReason"] = Value::String(TRAINING_FAILURE.into());
            steps.push(failed);
        }
        Scenario::Stop | Scenario::Timeout => {
            steps.push(at("Stopping", "Stopping"));
            steps.push(at("Stopped", if job.scenario == Scenario::Stop { "Stopped" } else { "MaxRuntimeExceeded" }));
        }
        Scenario::Terminal => unreachable!("handled by script"),
    }
}

fn tuning(job: &Job, steps: &mut Vec<Value>) {
    let at = |primary: &str, best: Option<(usize, f64)>| {
        let mut s = json!({
            "ackResourceMetadata": resource_metadata(job, true),
            "hyperParameterTuningJobStatus": primary,
            "conditions": [synced(JobKind::Tuning, primary)],
        });
        if let Some((index, value)) = best {
            s["bestTrainingJob"] = best_training_job(job, index, value);
        }
        s
    };
    let best = best_trial(job.spec);
    let failing = job.scenario == Scenario::Fail;
    // The best training job so far appears while the search runs, and improves.
    let progress = [None, Some((1, INTERIM_OBJECTIVE_VALUE)), Some((1, INTERIM_OBJECTIVE_VALUE)), Some((best, BEST_OBJECTIVE_VALUE)), Some((best, BEST_OBJECTIVE_VALUE))];
    for b in progress {
        steps.push(at("InProgress", if failing { None } else { b }));
    }
    match job.scenario {
        Scenario::Succeed | Scenario::ReconcileThenSucceed => steps.push(at("Completed", Some((best, BEST_OBJECTIVE_VALUE)))),
        Scenario::Fail => {
            let mut failed = at("Failed", None);
            failed["failureReason"] = Value::String(TUNING_FAILURE.into());
            steps.push(failed);
        }
        Scenario::Stop | Scenario::Timeout => {
            steps.push(at("Stopping", Some((best, BEST_OBJECTIVE_VALUE))));
            steps.push(at("Stopped", Some((best, BEST_OBJECTIVE_VALUE))));
        }
        Scenario::Terminal => unreachable!("handled by script"),
    }
}

/// `status.bestTrainingJob`: the objective value is a JSON number in ACK, tuned values a map.
fn best_training_job(job: &Job, index: usize, value: f64) -> Value {
    let name = trial_name(&job.name, index);
    let objective = &job.spec["hyperParameterTuningJobConfig"]["hyperParameterTuningJobObjective"];
    let tuned: serde_json::Map<String, Value> = tuned_hyperparameters(job.spec).into_iter().map(|(k, v)| (k, Value::String(v))).collect();
    json!({
        "trainingJobName": name,
        "trainingJobARN": arn(&job.region, "training-job", &name),
        "trainingJobStatus": "Completed",
        "objectiveStatus": "Succeeded",
        "creationTime": job.seen_at,
        "trainingStartTime": job.seen_at,
        "trainingEndTime": job.seen_at,
        "tuningJobName": job.name,
        "tunedHyperParameters": tuned,
        "finalHyperParameterTuningJobObjectiveMetric": {
            "metricName": objective["metricName"],
            "type_": objective["type_"],
            "value": value,
        },
    })
}

/// What the controller writes after it asked SageMaker to stop a running job.
pub(super) fn stopping(kind: JobKind, status: &Value) -> Value {
    let mut s = status.clone();
    s[kind.status_field()] = json!("Stopping");
    if kind == JobKind::Training {
        s["secondaryStatus"] = json!("Stopping");
    }
    s["conditions"] = json!([synced(kind, "Stopping")]);
    s
}

/// What the controller writes once SageMaker reports the job stopped.
pub(super) fn stopped(kind: JobKind, status: &Value, secondary: &str) -> Value {
    let mut s = status.clone();
    s[kind.status_field()] = json!("Stopped");
    if kind == JobKind::Training {
        s["secondaryStatus"] = json!(secondary);
    }
    s["conditions"] = json!([synced(kind, "Stopped")]);
    s
}
