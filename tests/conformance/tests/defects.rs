//! One test per code-level defect of Flyte's earlier SageMaker plugin
//! (`sagemaker-plugin-history.md` §4), proving each is gone. Numbers follow that list.

use conformance::{backend, create, custom, request_with};
use machinery::{Backend, core};
use serde_json::{Value, json};

const TRAINING: &str = "sagemaker-k8s-builtin-training";
const CUSTOM: &str = "sagemaker-k8s-custom-training";
const TUNING: &str = "sagemaker-k8s-hyperparameter-tuning";

fn patched(task: &str, target: &str, patch: Value) -> Value {
    let mut c = custom(task, target);
    for (k, v) in patch.as_object().unwrap() {
        c[k] = v.clone();
    }
    c
}

/// 1. Enum values map to API strings through an explicit table: no title-casing.
#[tokio::test]
async fn d01_enum_values_use_their_exact_api_strings() {
    use sagemaker_plugin::model::ScalingType;
    assert_eq!(ScalingType::ReverseLogarithmic.api(), Some("ReverseLogarithmic"));
    assert_eq!(ScalingType::Unspecified.api(), None);
    for target in ["ack", "operator"] {
        let object = create(target, request_with(TUNING, custom(TUNING, target), 0)).await.unwrap();
        let range = &object["spec"]["hyperParameterTuningJobConfig"]["parameterRanges"]["continuousParameterRanges"][0];
        assert_eq!(range["scalingType"], json!("ReverseLogarithmic"), "{target}");
    }
}

/// 2. Floats are formatted losslessly: 1e-7 does not become "0.000000".
#[tokio::test]
async fn d02_continuous_bounds_round_trip_exactly() {
    for value in [1e-7, 0.1, 2.5e-12, 123456.789] {
        let c = patched(TUNING, "ack", json!({"continuousRanges": [{"name": "eta", "minValue": value, "maxValue": 1e9, "scalingType": "SCALING_TYPE_LOGARITHMIC"}]}));
        let object = create("ack", request_with(TUNING, c, 0)).await.unwrap();
        let text = object["spec"]["hyperParameterTuningJobConfig"]["parameterRanges"]["continuousParameterRanges"][0]["minValue"].as_str().unwrap().to_string();
        assert_eq!(text.parse::<f64>().unwrap(), value, "{value} became {text}");
    }
}

/// 3. Static hyperparameters keep numbers and booleans (whole numbers without `.0`), and a nested
///    value is an error naming its key instead of silently becoming "".
#[tokio::test]
async fn d03_hyperparameters_are_converted_or_rejected_never_dropped() {
    let object = create("ack", request_with(TRAINING, custom(TRAINING, "ack"), 0)).await.unwrap();
    let hp = &object["spec"]["hyperParameters"];
    assert_eq!(hp["num_class"], json!("1"));
    assert_eq!(hp["subsample"], json!("0.8"));
    assert_eq!(hp["silent"], json!("true"));

    let mut request = request_with(TRAINING, custom(TRAINING, "ack"), 0);
    request.inputs.as_mut().unwrap().literals.insert("static_hyperparameters".into(), conformance::generic(json!({"nested": {"a": 1.0}})));
    let (backend, _) = backend("ack");
    let e = backend.create_task(request).await.unwrap_err();
    assert_eq!(e.code(), tonic::Code::InvalidArgument);
    assert!(e.message().contains("static_hyperparameters.nested"), "{}", e.message());
}

/// 4. Names fit SageMaker: lower-case alphanumerics and hyphens, at most 63 (training) or 32
///    (tuning) characters, stable per attempt, distinct across attempts.
#[tokio::test]
async fn d04_names_fit_the_job_limits_even_for_long_execution_names() {
    let pattern = regex_lite(r"^[a-z0-9](-*[a-z0-9])*$");
    for (task, limit) in [(TRAINING, 63), (TUNING, 32)] {
        let mut names = Vec::new();
        for attempt in 0..3 {
            let mut r = request_with(task, custom(task, "ack"), attempt);
            let id = r.task_execution_metadata.as_mut().unwrap().task_execution_id.as_mut().unwrap();
            id.node_execution_id.as_mut().unwrap().execution_id.as_mut().unwrap().name = "A_Very.Long-Execution_Name.With.Dots_and_UPPER_case_0123456789".into();
            let object = create("ack", r).await.unwrap();
            let name = object["metadata"]["name"].as_str().unwrap().to_string();
            assert!(name.len() <= limit, "{task}: {name} is {} characters", name.len());
            assert!(pattern(&name), "{name}");
            names.push(name);
        }
        names.dedup();
        assert_eq!(names.len(), 3, "{task}: attempts share a name: {names:?}");
    }
}

proptest::proptest! {
    /// Every resource of every task type in the generated registry names an attempt with a name
    /// its declared `name_rule` accepts (length and pattern), whatever the execution and node ids:
    /// lowering proved the pattern accepts the resource's name shape; this checks the maker.
    #[test]
    fn names_fit_every_declared_name_rule(execution in proptest::prelude::any::<String>(), node in "[A-Za-z0-9._-]{0,40}", attempt in proptest::prelude::any::<u32>()) {
        let key = machinery::naming::ExecutionKey { project: "p".into(), domain: "d".into(), execution, node_id: node, retry_attempt: attempt, ..Default::default() };
        for task in sagemaker_plugin::PLUGIN.task_types {
            for r in task.resources {
                let name = machinery::naming::fitted_name(&key, r.name_max_length, r.name_shape, r.name_pattern).map_err(proptest::test_runner::TestCaseError::fail)?;
                proptest::prop_assert!(name.len() <= r.name_max_length, "{}: {}", task.name, name);
                proptest::prop_assert!(regex_lite(r.name_pattern)(&name), "{}: {}", task.name, name);
            }
        }
    }
}

fn regex_lite(pattern: &'static str) -> impl Fn(&str) -> bool {
    // The agent's own validation helper is the judge used in production; reuse it here.
    move |text: &str| machinery::validate::pattern("name", text, pattern).is_ok()
}

/// 5. A tuning job can wrap a custom training container: no prebuilt image is required and the
///    container's command reaches the job.
#[tokio::test]
async fn d05_tuning_over_custom_training_uses_the_task_container() {
    for target in ["ack", "operator"] {
        let mut c = custom(TUNING, target);
        c.as_object_mut().unwrap().remove("algorithmName");
        c.as_object_mut().unwrap().remove("algorithmVersion");
        let mut r = request_with(TUNING, c, 0);
        r.template.as_mut().unwrap().target = Some(core::task_template::Target::Container(core::Container {
            image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/train:v2".into(),
            args: vec!["pyflyte-execute".into(), "--inputs".into(), "s3://b/inputs.pb".into()],
            ..Default::default()
        }));
        let object = create(target, r).await.unwrap();
        let definition = &object["spec"]["trainingJobDefinition"];
        assert_eq!(definition["algorithmSpecification"]["trainingImage"], json!("123456789012.dkr.ecr.us-east-1.amazonaws.com/train:v2"), "{target}");
        let hp = definition["staticHyperParameters"].to_string();
        assert!(hp.contains("_flyte_cmd_0") && hp.contains("pyflyte-execute"), "{target}: {hp}");
    }
}

/// 6. A hyperparameter that is tuned is never also sent as static: it is rejected.
#[tokio::test]
async fn d06_a_tuned_hyperparameter_cannot_also_be_static() {
    let mut r = request_with(TUNING, custom(TUNING, "ack"), 0);
    r.inputs.as_mut().unwrap().literals.insert("static_hyperparameters".into(), conformance::generic(json!({"eta": 0.3})));
    let (backend, _) = backend("ack");
    let e = backend.create_task(r).await.unwrap_err();
    assert_eq!(e.code(), tonic::Code::InvalidArgument);
    assert!(e.message().contains("hyperparameters") && e.message().contains("eta"), "{}", e.message());
}

/// 7. One role resolution order for every task type (template, execution identity, annotation,
///    default), and region and KMS keys per task.
#[tokio::test]
async fn d07_role_region_and_kms_are_per_task_for_every_task_type() {
    for task in [TRAINING, CUSTOM, TUNING] {
        for target in ["ack", "operator"] {
            let role_path: &[&str] = match (task, target) {
                (TUNING, "ack") => &["spec", "trainingJobDefinition", "roleARN"],
                (TUNING, _) => &["spec", "trainingJobDefinition", "roleArn"],
                (_, "ack") => &["spec", "roleARN"],
                _ => &["spec", "roleArn"],
            };
            let role_of = |object: &Value| role_path.iter().fold(object.clone(), |v, k| v[k].clone());
            // Execution identity wins over the configured default.
            let object = create(target, request_with(task, custom(task, target), 0)).await.unwrap();
            assert_eq!(role_of(&object), json!("arn:aws:iam::123456789012:role/flyte-execution"), "{task} {target}");
            // The task's own security context wins over the execution's.
            let mut r = request_with(task, custom(task, target), 0);
            r.template.as_mut().unwrap().security_context = Some(core::SecurityContext { run_as: Some(core::Identity { iam_role: "arn:aws:iam::123456789012:role/task-role".into(), ..Default::default() }), ..Default::default() });
            assert_eq!(role_of(&create(target, r).await.unwrap()), json!("arn:aws:iam::123456789012:role/task-role"), "{task} {target}");
            // Then the annotation, then the default.
            let mut r = request_with(task, custom(task, target), 0);
            let m = r.task_execution_metadata.as_mut().unwrap();
            m.identity = None;
            m.annotations.insert("iam.amazonaws.com/role".into(), "arn:aws:iam::123456789012:role/annotated".into());
            assert_eq!(role_of(&create(target, r).await.unwrap()), json!("arn:aws:iam::123456789012:role/annotated"), "{task} {target}");
            let mut r = request_with(task, custom(task, target), 0);
            r.task_execution_metadata.as_mut().unwrap().identity = None;
            assert_eq!(role_of(&create(target, r).await.unwrap()), json!("arn:aws:iam::123456789012:role/flyte-sagemaker-default"), "{task} {target}");
            // Region per task.
            let c = patched(task, target, json!({"region": "eu-west-1"}));
            let object = create(target, request_with(task, c, 0)).await.unwrap();
            let region = if target == "ack" { object["metadata"]["annotations"]["services.k8s.aws/region"].clone() } else { object["spec"]["region"].clone() };
            assert_eq!(region, json!("eu-west-1"), "{task} {target}");
            assert!(object.to_string().contains("key/volume") && object.to_string().contains("key/output"), "{task} {target}: KMS keys are mapped");
        }
    }
}

/// 8. Outputs are declared and read explicitly; a missing status field is a clear error (see
///    agent_flow.rs for the one-slash join and the missing best training job).
#[test]
fn d08_declared_outputs_only() {
    let training = sagemaker_plugin::PLUGIN.task_type(TRAINING).unwrap();
    assert_eq!(training.outputs, ["model"]);
    let tuning = sagemaker_plugin::PLUGIN.task_type(TUNING).unwrap();
    assert_eq!(tuning.outputs, ["model", "best_training_job", "best_objective_value"]);
    let custom = sagemaker_plugin::PLUGIN.task_type(CUSTOM).unwrap();
    assert!(custom.outputs.is_empty(), "custom training outputs come from the container's outputs.pb");
}

/// 9. Error classification distinguishes timeouts from user stops and API errors from job
///    failures (the full table is in status_table.rs).
#[test]
fn d09_stopped_by_timeout_is_not_a_retry_and_api_errors_are_not_failures() {
    use machinery::plugin::Phase;
    let t = sagemaker_plugin::PLUGIN.task_type(TRAINING).unwrap();
    let timed_out = (t.interpret)("operator", &json!({"status": {"trainingJobStatus": "Stopped", "secondaryStatus": "MaxRuntimeExceeded"}}), &Default::default());
    assert_eq!(timed_out.phase, Phase::PermanentFailure);
    let reconciling = (t.interpret)("operator", &json!({"status": {"trainingJobStatus": "ReconcilingTrainingJob", "additional": "AccessDenied"}}), &Default::default());
    assert_eq!(reconciling.phase, Phase::WaitingForResources);
}

/// 10. The command goes into `environment` where the target has it; elsewhere it is chunked into
///     entries within the value limit, and exceeding the entry limit is an error before creation.
#[tokio::test]
async fn d10_the_command_is_not_smuggled_through_hyperparameter_names() {
    let object = create("ack", request_with(CUSTOM, custom(CUSTOM, "ack"), 0)).await.unwrap();
    let env = object["spec"]["environment"].as_object().unwrap();
    assert!(env.keys().any(|k| k.starts_with("FLYTE_SAGEMAKER_COMMAND_")), "{env:?}");
    assert!(object["spec"]["hyperParameters"].as_object().unwrap().keys().all(|k| !k.contains("FLYTE_CMD")));

    let mut r = request_with(CUSTOM, custom(CUSTOM, "operator"), 0);
    let container = match r.template.as_mut().unwrap().target.as_mut().unwrap() {
        core::task_template::Target::Container(c) => c,
        _ => unreachable!(),
    };
    container.args.push("x".repeat(2000));
    let object = create("operator", r.clone()).await.unwrap();
    let hps = object["spec"]["hyperParameters"].as_array().unwrap();
    assert!(hps.iter().all(|h| h["name"].as_str().unwrap().len() <= 256 && h["value"].as_str().unwrap().chars().count() <= 256));
    assert!(hps.iter().filter(|h| h["name"].as_str().unwrap().starts_with("_flyte_cmd_")).count() > 8);

    // 95 user hyperparameters are within the limit of 100, but not with the command's chunks.
    let mut crowded = custom(CUSTOM, "operator");
    crowded["hyperparameters"] = Value::Object((0..95).map(|i| (format!("hp{i}"), json!("1"))).collect());
    let mut r2 = r.clone();
    r2.template.as_mut().unwrap().custom = machinery::decode::json_to_struct(&crowded);
    let e = create("operator", r2).await.unwrap_err();
    assert_eq!(e.code(), tonic::Code::InvalidArgument);
    assert!(e.message().contains("spec.hyperParameters") && e.message().contains("100"), "{}", e.message());
}

/// 11. Stopping condition, managed spot and checkpointing are user fields, with max wait at least
///     max runtime.
#[tokio::test]
async fn d11_stopping_condition_spot_and_checkpoints_are_the_users() {
    let object = create("ack", request_with(TRAINING, custom(TRAINING, "ack"), 0)).await.unwrap();
    assert_eq!(object["spec"]["stoppingCondition"], json!({"maxRuntimeInSeconds": 3600, "maxWaitTimeInSeconds": 7200}));
    assert_eq!(object["spec"]["enableManagedSpotTraining"], json!(true));
    assert_eq!(object["spec"]["checkpointConfig"]["s3URI"], json!("s3://bucket/checkpoints/"));
    let c = patched(TRAINING, "ack", json!({"stoppingCondition": {"maxRuntimeSeconds": 7200.0, "maxWaitSeconds": 60.0}}));
    let e = create("ack", request_with(TRAINING, c, 0)).await.unwrap_err();
    assert!(e.message().starts_with("stopping_condition.max_wait_seconds"), "{}", e.message());
    // Without spot (which needs a wait limit: rule spot-needs-max-wait).
    let defaults = patched(TRAINING, "ack", json!({"stoppingCondition": {}, "enableManagedSpotTraining": false}));
    let object = create("ack", request_with(TRAINING, defaults, 0)).await.unwrap();
    assert_eq!(object["spec"]["stoppingCondition"]["maxRuntimeInSeconds"], json!(86400), "declared default");
}

/// 13. Progress is visible: the secondary status reaches the phase message.
#[test]
fn d13_secondary_status_reaches_the_message() {
    let t = sagemaker_plugin::PLUGIN.task_type(TRAINING).unwrap();
    let got = (t.interpret)("ack", &json!({"status": {"trainingJobStatus": "InProgress", "secondaryStatus": "Downloading"}}), &Default::default());
    assert_eq!(got.message, "Downloading");
}

/// 14. One documented rule for where every task type writes: the attempt's output prefix, unless
///     the task sets `output_path`.
#[tokio::test]
async fn d14_every_task_type_writes_under_the_output_prefix_by_default() {
    for (task, path) in [(TRAINING, &["spec", "outputDataConfig", "s3OutputPath"][..]), (CUSTOM, &["spec", "outputDataConfig", "s3OutputPath"][..]), (TUNING, &["spec", "trainingJobDefinition", "outputDataConfig", "s3OutputPath"][..])] {
        let r = request_with(task, custom(task, "ack"), 0);
        let prefix = r.output_prefix.clone();
        let object = create("ack", r).await.unwrap();
        let value = path.iter().fold(object, |v, k| v[k].clone());
        assert_eq!(value, json!(prefix), "{task}");
    }
}

/// 17. Image versions are text ("0.90" is not "0.9"); a missing algorithm, region or version is an
///     error naming all three.
#[tokio::test]
async fn d17_prebuilt_images_are_looked_up_by_text_versions_with_clear_misses() {
    let object = create("ack", request_with(TRAINING, custom(TRAINING, "ack"), 0)).await.unwrap();
    assert!(object["spec"]["algorithmSpecification"]["trainingImage"].as_str().unwrap().ends_with(":0.90-2-cpu-py3"));
    let newest = patched(TRAINING, "ack", json!({"algorithmVersion": ""}));
    let object = create("ack", request_with(TRAINING, newest, 0)).await.unwrap();
    assert!(object["spec"]["algorithmSpecification"]["trainingImage"].as_str().unwrap().ends_with(":1.7-1"), "newest when none is given");
    for (patch, words) in [
        (json!({"algorithmVersion": "0.9"}), ["xgboost", "0.9", "us-east-1"]),
        (json!({"algorithmName": "blazingtext"}), ["blazingtext", "0.90", "us-east-1"]),
        (json!({"region": "ap-south-1"}), ["xgboost", "0.90", "ap-south-1"]),
    ] {
        let e = create("ack", request_with(TRAINING, patched(TRAINING, "ack", patch.clone()), 0)).await.unwrap_err();
        for w in words {
            assert!(e.message().contains(w), "{patch}: `{}` lacks {w}", e.message());
        }
    }
}

/// The task type names collide neither with the earlier plugin nor with flytekitplugins-awssagemaker.
#[test]
fn task_type_names_are_fresh() {
    let taken = [
        "sagemaker_training_job_task", "sagemaker_custom_training_job_task", "sagemaker_hyperparameter_tuning_job_task", "aws_sagemaker_hpo",
        "boto", "sagemaker-endpoint", "sagemaker-training-job", "sagemaker-training-task", "sagemaker-processing-job", "sagemaker-processing-task",
        "sagemaker-transform-job", "sagemaker-hyperparameter-tuning-job", "sagemaker-inference-recommender-job", "pythonic-sagemaker-job",
    ];
    for t in sagemaker_plugin::PLUGIN.task_types {
        assert!(!taken.contains(&t.name), "{} is taken", t.name);
    }
}
