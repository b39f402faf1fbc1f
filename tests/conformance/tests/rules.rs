//! The rules the model promises, enforced by the backend at CreateTask (each has its SDK twin in
//! tests/python/test_sdk_validation.py): a payload breaking one is INVALID_ARGUMENT naming the
//! field, for every target, before any object is created.

use conformance::{create, custom, request_with};
use serde_json::{Value, json};

const CUSTOM: &str = "sagemaker-k8s-custom-training";
const TUNING: &str = "sagemaker-k8s-hyperparameter-tuning";

fn with(mut base: Value, patch: Value) -> Value {
    for (k, v) in patch.as_object().unwrap() {
        base[k] = v.clone();
    }
    base
}

/// The rejection message of `patch` on the task type's valid payload, for each target.
async fn rejected_everywhere(task_type: &str, patch: Value) -> Vec<String> {
    let mut messages = Vec::new();
    for target in ["ack", "operator"] {
        let payload = with(custom(task_type, target), patch.clone());
        let status = create(target, request_with(task_type, payload, 0)).await.expect_err("must be rejected");
        assert_eq!(status.code(), tonic::Code::InvalidArgument, "{target}: {status:?}");
        messages.push(status.message().to_string());
    }
    messages
}

#[tokio::test]
async fn mpi_is_refused_by_every_target_with_the_reason() {
    for task_type in [CUSTOM, TUNING] {
        for message in rejected_everywhere(task_type, json!({"distributedProtocol": "DISTRIBUTED_PROTOCOL_MPI"})).await {
            assert!(message.starts_with("distributed_protocol"), "{task_type}: {message}");
            assert!(message.contains("SageMaker starts no MPI"), "{task_type}: {message}");
        }
    }
}
