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

const BUILTIN: &str = "sagemaker-k8s-builtin-training";

/// Where a case runs: a task type, and whether the template carries a container besides the one
/// a custom training task always has (tuning over a custom task).
#[derive(Clone, Copy)]
enum On {
    Task(&'static str),
    TuningWithContainer,
}

/// (message, rule) -> (where, patch, the field the error starts with). Every rule the model
/// declares (`sagemaker_plugin::checks::RULES`) must have one.
fn rule_cases() -> Vec<((&'static str, &'static str), On, Value, &'static str)> {
    const B: &str = "flyteplugin.sagemaker.BuiltinAlgorithmTrainingJob";
    const C: &str = "flyteplugin.sagemaker.CustomTrainingJob";
    const T: &str = "flyteplugin.sagemaker.HyperparameterTuningJob";
    const CR: &str = "flyteplugin.sagemaker.ContinuousParameterRange";
    const IR: &str = "flyteplugin.sagemaker.IntegerParameterRange";
    let no_spot = json!({"enableManagedSpotTraining": false});
    let no_wait = json!({"stoppingCondition": {"maxRuntimeSeconds": 3600.0}});
    let no_algorithm = json!({"algorithmName": "", "algorithmVersion": ""});
    let mut no_algorithm_isolated = no_algorithm.clone();
    no_algorithm_isolated["enableNetworkIsolation"] = json!(true);
    let mut no_algorithm_other_metric = no_algorithm.clone();
    no_algorithm_other_metric["metricDefinitions"] = json!([{"name": "accuracy", "regex": "acc=(.*)"}]);
    vec![
        ((B, "image-source"), On::Task(BUILTIN), no_algorithm.clone(), "algorithm_name"),
        ((B, "spot-needs-max-wait"), On::Task(BUILTIN), no_wait.clone(), "stopping_condition.max_wait_seconds"),
        ((B, "max-wait-needs-spot"), On::Task(BUILTIN), no_spot.clone(), "enable_managed_spot_training"),
        ((C, "no-network-isolation"), On::Task(CUSTOM), json!({"enableNetworkIsolation": true}), "enable_network_isolation"),
        ((C, "spot-needs-max-wait"), On::Task(CUSTOM), no_wait.clone(), "stopping_condition.max_wait_seconds"),
        ((C, "max-wait-needs-spot"), On::Task(CUSTOM), no_spot.clone(), "enable_managed_spot_training"),
        ((T, "image-source"), On::Task(TUNING), no_algorithm.clone(), "algorithm_name"),
        ((T, "no-algorithm-with-container"), On::TuningWithContainer, json!({"algorithmName": "xgboost"}), "algorithm_name"),
        ((T, "no-network-isolation-with-container"), On::TuningWithContainer, no_algorithm_isolated, "enable_network_isolation"),
        ((T, "objective-metric-defined"), On::TuningWithContainer, no_algorithm_other_metric, "objective.metric_name"),
        ((T, "tuned-once"), On::Task(TUNING), json!({"categoricalRanges": [{"name": "eta", "values": ["a"]}]}), "categorical_ranges.name"),
        ((T, "grid-only-categorical"), On::Task(TUNING), json!({"strategy": "TUNING_STRATEGY_GRID"}), "continuous_ranges"),
        ((T, "spot-needs-max-wait"), On::Task(TUNING), no_wait, "stopping_condition.max_wait_seconds"),
        ((T, "max-wait-needs-spot"), On::Task(TUNING), no_spot, "enable_managed_spot_training"),
        ((CR, "bounds-set"), On::Task(TUNING), json!({"continuousRanges": [{"name": "eta", "maxValue": 0.5}]}), "continuous_ranges[0].min_value"),
        (
            (CR, "log-needs-positive-min"),
            On::Task(TUNING),
            json!({"continuousRanges": [{"name": "eta", "minValue": 0.0, "maxValue": 0.5, "scalingType": "SCALING_TYPE_LOGARITHMIC"}]}),
            "continuous_ranges[0].min_value",
        ),
        ((IR, "bounds-set"), On::Task(TUNING), json!({"integerRanges": [{"name": "max_depth", "minValue": 3.0}]}), "integer_ranges[0].max_value"),
        (
            (IR, "log-needs-positive-min"),
            On::Task(TUNING),
            json!({"integerRanges": [{"name": "max_depth", "minValue": 0.0, "maxValue": "10", "scalingType": "SCALING_TYPE_LOGARITHMIC"}]}),
            "integer_ranges[0].min_value",
        ),
        (
            (IR, "no-reverse-logarithmic"),
            On::Task(TUNING),
            json!({"integerRanges": [{"name": "max_depth", "minValue": 1.0, "maxValue": "10", "scalingType": "SCALING_TYPE_REVERSE_LOGARITHMIC"}]}),
            "integer_ranges[0].scaling_type",
        ),
    ]
}

/// The status CreateTask answers for a case on `target`: the task type's valid payload with
/// `patch` applied, and for tuning over a custom task the custom task's container.
async fn create_case(on: On, target: &str, patch: &Value) -> Result<Value, tonic::Status> {
    let task_type = match on {
        On::Task(t) => t,
        On::TuningWithContainer => TUNING,
    };
    let mut payload = custom(task_type, target);
    if let On::TuningWithContainer = on {
        // A custom task's own container brings the image; the objective is one of its metrics.
        payload["algorithmName"] = json!("");
        payload["algorithmVersion"] = json!("");
    }
    let mut request = request_with(task_type, with(payload, patch.clone()), 0);
    if let On::TuningWithContainer = on {
        let container = request_with(CUSTOM, custom(CUSTOM, target), 0).template.and_then(|t| t.target);
        request.template.as_mut().expect("a template").target = container;
    }
    create(target, request).await
}

#[tokio::test]
async fn every_rule_of_the_model_has_a_case() {
    let declared: std::collections::BTreeSet<(&str, &str)> = sagemaker_plugin::checks::RULES.iter().copied().collect();
    let cases: std::collections::BTreeSet<(&str, &str)> = rule_cases().into_iter().map(|(key, ..)| key).collect();
    assert_eq!(declared, cases);
}

#[tokio::test]
async fn the_baselines_of_the_rule_cases_are_accepted() {
    for on in [On::Task(BUILTIN), On::Task(CUSTOM), On::Task(TUNING), On::TuningWithContainer] {
        for target in ["ack", "operator"] {
            if let Err(status) = create_case(on, target, &json!({})).await {
                panic!("{target}: {status:?}");
            }
        }
    }
}

#[tokio::test]
async fn a_payload_breaking_a_rule_is_invalid_argument_naming_its_field_for_every_target() {
    for ((message, rule), on, patch, field) in rule_cases() {
        for target in ["ack", "operator"] {
            let status = create_case(on, target, &patch).await.expect_err(&format!("{message} {rule} on {target}: must be rejected"));
            assert_eq!(status.code(), tonic::Code::InvalidArgument, "{rule} on {target}: {status:?}");
            let text = status.message();
            assert!(text.starts_with(&format!("{field}: ")), "{rule} on {target}: {text}");
            assert!(text.contains(&format!("(rule `{rule}`)")), "{rule} on {target}: {text}");
        }
    }
}

#[tokio::test]
async fn a_tuned_name_that_is_also_static_is_invalid_argument() {
    for message in rejected_everywhere(TUNING, json!({"hyperparameters": {"eta": "0.1"}})).await {
        assert!(message.starts_with("hyperparameters"), "{message}");
        assert!(message.contains("continuous_ranges"), "{message}");
    }
}

#[tokio::test]
async fn no_role_anywhere_is_invalid_argument_before_any_api_call_naming_every_way_to_give_one() {
    use machinery::Backend;
    for task_type in conformance::task_types() {
        for target in conformance::targets() {
            // No `role_arn`, no security context, no execution identity or role annotation, no
            // configured default.
            let mut settings = conformance::settings(target);
            settings.default_role = None;
            let (backend, store) = conformance::backend_with(settings);
            let mut request = conformance::request(task_type, target);
            request.task_execution_metadata.as_mut().expect("metadata").identity = None;
            let status = backend.create_task(request).await.expect_err("no role must be refused");
            assert_eq!(status.code(), tonic::Code::InvalidArgument, "{task_type} on {target}: {status:?}");
            let text = status.message();
            assert!(text.starts_with("role_arn: is required"), "{task_type} on {target}: {text}");
            for way in ["`role_arn`", "run_as", "roleAnnotationKey", "defaultRoleArn"] {
                assert!(text.contains(way), "{task_type} on {target}: {way} missing from {text}");
            }
            assert!(store.objects.lock().await.is_empty(), "{task_type} on {target}: an object was created");
        }
    }
}

/// flytekit's `@task(environment=...)` travels in the template's container; with ACK it reaches
/// the training job's environment next to the payload's own variables and the command's chunks.
#[tokio::test]
async fn the_task_environment_reaches_the_ack_training_job() {
    let mut request = request_with(CUSTOM, with(custom(CUSTOM, "ack"), json!({"environment": {"FROM_CONFIG": "1"}})), 0);
    let Some(machinery::core::task_template::Target::Container(container)) = request.template.as_mut().and_then(|t| t.target.as_mut()) else {
        panic!("a custom training template carries a container");
    };
    container.env = vec![machinery::core::KeyValuePair { key: "LOG_LEVEL".into(), value: "debug".into() }];
    let object = create("ack", request).await.expect("created");
    let env = &object["spec"]["environment"];
    assert_eq!(env["LOG_LEVEL"], json!("debug"), "{env}");
    assert_eq!(env["FROM_CONFIG"], json!("1"), "{env}");
    assert!(env.as_object().unwrap().keys().any(|k| k.starts_with("FLYTE_SAGEMAKER_COMMAND_")), "{env}");
}
