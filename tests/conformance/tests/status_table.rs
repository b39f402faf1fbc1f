//! Every status value and condition of both targets maps to the documented Flyte phase and a
//! message that carries the controller's detail (secondary status, failure reason, condition).

use machinery::plugin::Phase;
use serde_json::{Value, json};

struct Row {
    status: Value,
    phase: Phase,
    /// Text the message must contain.
    message: &'static str,
}

fn row(status: Value, phase: Phase, message: &'static str) -> Row {
    Row { status, phase, message }
}

fn check(task_type: &str, target: &str, field: &str, rows: Vec<Row>) {
    let task = sagemaker_plugin::PLUGIN.task_type(task_type).expect("task type");
    for Row { status, phase, message } in rows {
        let mut object = json!({"metadata": {"name": "job", "namespace": "ns", "annotations": {"services.k8s.aws/region": "us-east-1"}}, "spec": {"region": "us-east-1"}});
        if !status.is_null() {
            object["status"] = status.clone();
        }
        let got = (task.interpret)(target, &object, &Default::default());
        assert_eq!(got.phase, phase, "{task_type} {target} {field}: {status}");
        assert!(got.message.contains(message), "{task_type} {target} {status}: message `{}` lacks `{message}`", got.message);
    }
}

fn terminal(condition: &str, message: &str) -> Value {
    json!({"conditions": [{"type": condition, "status": "True", "message": message}]})
}

#[test]
fn ack_training_job_status_table() {
    for task in ["sagemaker-k8s-builtin-training", "sagemaker-k8s-custom-training"] {
        check(task, "ack", "trainingJobStatus", vec![
            row(Value::Null, Phase::Queued, "Waiting for the ACK controller"),
            row(json!({"trainingJobStatus": "InProgress", "secondaryStatus": "Starting"}), Phase::Initializing, "Starting"),
            row(json!({"trainingJobStatus": "InProgress", "secondaryStatus": "Downloading"}), Phase::Initializing, "Downloading"),
            row(json!({"trainingJobStatus": "InProgress", "secondaryStatus": "LaunchingMLInstances"}), Phase::Initializing, "LaunchingMLInstances"),
            row(json!({"trainingJobStatus": "InProgress", "secondaryStatus": "Pending"}), Phase::WaitingForResources, "compute capacity"),
            row(json!({"trainingJobStatus": "InProgress", "secondaryStatus": "Training"}), Phase::Running, "Training"),
            row(json!({"trainingJobStatus": "InProgress", "secondaryStatus": "Interrupted"}), Phase::Running, "Interrupted"),
            row(json!({"trainingJobStatus": "InProgress", "secondaryStatus": "Uploading"}), Phase::Running, "Uploading"),
            row(json!({"trainingJobStatus": "Stopping", "secondaryStatus": "Stopping"}), Phase::Running, "Stopping"),
            row(json!({"trainingJobStatus": "Completed", "secondaryStatus": "Completed"}), Phase::Succeeded, "completed"),
            row(json!({"trainingJobStatus": "Failed", "failureReason": "AlgorithmError: bad csv"}), Phase::PermanentFailure, "AlgorithmError: bad csv"),
            row(json!({"trainingJobStatus": "Stopped", "secondaryStatus": "MaxRuntimeExceeded"}), Phase::PermanentFailure, "MaxRuntimeExceeded"),
            row(json!({"trainingJobStatus": "Stopped", "secondaryStatus": "MaxWaitTimeExceeded"}), Phase::PermanentFailure, "MaxWaitTimeExceeded"),
            row(json!({"trainingJobStatus": "Stopped", "secondaryStatus": "Stopped"}), Phase::Aborted, "stopped"),
            row(json!({"trainingJobStatus": "Deleting"}), Phase::Running, "Deleting"),
            row(terminal("ACK.Terminal", "ValidationException: bad instance type"), Phase::PermanentFailure, "bad instance type"),
            row(terminal("ACK.Recoverable", "ThrottlingException"), Phase::WaitingForResources, "ThrottlingException"),
            // A job that already runs stays running while a describe call is throttled.
            row(json!({"trainingJobStatus": "InProgress", "secondaryStatus": "Training", "conditions": [{"type": "ACK.Recoverable", "status": "True", "message": "throttled"}]}), Phase::Running, "Training"),
            // A condition that is not True does not match.
            row(json!({"conditions": [{"type": "ACK.Terminal", "status": "False", "message": "x"}]}), Phase::Queued, "Waiting"),
        ]);
    }
}

#[test]
fn operator_training_job_status_table() {
    for task in ["sagemaker-k8s-builtin-training", "sagemaker-k8s-custom-training"] {
        check(task, "operator", "trainingJobStatus", vec![
            row(Value::Null, Phase::Queued, "Waiting for the SageMaker operator"),
            row(json!({"trainingJobStatus": ""}), Phase::Queued, "Waiting"),
            row(json!({"trainingJobStatus": "SynchronizingK8sJobWithSageMaker"}), Phase::Queued, "creating"),
            row(json!({"trainingJobStatus": "ReconcilingTrainingJob", "additional": "AccessDenied: not authorized"}), Phase::WaitingForResources, "AccessDenied"),
            row(json!({"trainingJobStatus": "InProgress", "secondaryStatus": "Starting"}), Phase::Initializing, "Starting"),
            row(json!({"trainingJobStatus": "InProgress", "secondaryStatus": "Training"}), Phase::Running, "Training"),
            row(json!({"trainingJobStatus": "Stopping"}), Phase::Running, ""),
            row(json!({"trainingJobStatus": "Completed", "secondaryStatus": "Completed"}), Phase::Succeeded, "completed"),
            row(json!({"trainingJobStatus": "Failed", "additional": "ClientError: no data"}), Phase::PermanentFailure, "ClientError: no data"),
            row(json!({"trainingJobStatus": "Stopped", "secondaryStatus": "MaxRuntimeExceeded"}), Phase::PermanentFailure, "timed out"),
            row(json!({"trainingJobStatus": "Stopped", "secondaryStatus": "Stopped"}), Phase::Aborted, "stopped"),
            row(json!({"trainingJobStatus": "SomethingNew"}), Phase::Running, "SomethingNew"),
        ]);
    }
}

#[test]
fn ack_tuning_job_status_table() {
    check("sagemaker-k8s-hyperparameter-tuning", "ack", "hyperParameterTuningJobStatus", vec![
        row(Value::Null, Phase::Queued, "Waiting for the ACK controller"),
        row(json!({"hyperParameterTuningJobStatus": "InProgress"}), Phase::Running, "InProgress"),
        row(json!({"hyperParameterTuningJobStatus": "Stopping"}), Phase::Running, "Stopping"),
        row(json!({"hyperParameterTuningJobStatus": "Completed"}), Phase::Succeeded, "completed"),
        row(json!({"hyperParameterTuningJobStatus": "Failed", "failureReason": "No training job succeeded"}), Phase::PermanentFailure, "No training job succeeded"),
        row(json!({"hyperParameterTuningJobStatus": "Stopped"}), Phase::Aborted, "stopped"),
        row(json!({"hyperParameterTuningJobStatus": "DeleteFailed"}), Phase::Running, "DeleteFailed"),
        row(terminal("ACK.Terminal", "ResourceLimitExceeded"), Phase::PermanentFailure, "ResourceLimitExceeded"),
        row(terminal("ACK.Recoverable", "AccessDenied"), Phase::WaitingForResources, "AccessDenied"),
    ]);
}

#[test]
fn operator_tuning_job_status_table() {
    check("sagemaker-k8s-hyperparameter-tuning", "operator", "hyperParameterTuningJobStatus", vec![
        row(Value::Null, Phase::Queued, "Waiting for the SageMaker operator"),
        row(json!({"hyperParameterTuningJobStatus": "SynchronizingK8sJobWithSageMaker"}), Phase::Queued, "creating"),
        row(json!({"hyperParameterTuningJobStatus": "ReconcilingTuningJob", "additional": "ThrottlingException"}), Phase::WaitingForResources, "ThrottlingException"),
        row(json!({"hyperParameterTuningJobStatus": "InProgress"}), Phase::Running, "InProgress"),
        row(json!({"hyperParameterTuningJobStatus": "Stopping"}), Phase::Running, "Stopping"),
        row(json!({"hyperParameterTuningJobStatus": "Completed"}), Phase::Succeeded, "completed"),
        row(json!({"hyperParameterTuningJobStatus": "Failed", "additional": "All training jobs failed"}), Phase::PermanentFailure, "All training jobs failed"),
        row(json!({"hyperParameterTuningJobStatus": "Stopped"}), Phase::Aborted, "stopped"),
    ]);
}
