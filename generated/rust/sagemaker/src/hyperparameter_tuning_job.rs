// @generated from sagemaker/sagemaker.proto by `cargo run -p generator`. Do not edit: change the .proto and regenerate.
//! Task type `sagemaker-k8s-hyperparameter-tuning` (payload `flyteplugin.sagemaker.HyperparameterTuningJob`): decoding, inputs, and the mapping onto every target.

#![allow(
    clippy::collapsible_if,
    reason = "one `if` per field keeps each assignment readable on its own"
)]
use machinery::cr::{self, Part, Shape};
use machinery::inputs::Inputs;
use machinery::plugin::{
    read_output, BuildContext, BuildRequest, Interpretation, InvalidInput, LogLink,
    OutputKind, Phase, PluginSettings, ResourceDef,
};

use machinery::allowlist::{AllowlistMatch, AllowlistedPath};
use machinery::validate;
use serde_json::Value;

/// The object this task type creates in each target.
pub const RESOURCES: &[ResourceDef] = &[
    ResourceDef {
        target: "ack",
        api_version: "sagemaker.services.k8s.aws/v1alpha1",
        kind: "HyperParameterTuningJob",
        plural: "hyperparametertuningjobs",
        namespaced: true,
        name_max_length: 32,
        name_pattern: "^[a-z0-9](-*[a-z0-9])*$",
        name_shape: machinery::naming::NameShape::Plain,
        reads: &[
            &["spec", "hyperParameterTuningJobName"],
            &["spec", "trainingJobDefinition", "outputDataConfig", "s3OutputPath"],
            &[
                "status",
                "bestTrainingJob",
                "finalHyperParameterTuningJobObjectiveMetric",
                "value",
            ],
            &["status", "bestTrainingJob", "trainingJobName"],
            &["status", "conditions"],
            &["status", "failureReason"],
            &["status", "hyperParameterTuningJobStatus"],
        ],
        allowlisted: &[
            AllowlistedPath {
                list: "iam_roles",
                matching: AllowlistMatch::Exact,
                path: &["spec", "trainingJobDefinition", "roleARN"],
                field: "role_arn",
            },
            AllowlistedPath {
                list: "image_registries",
                matching: AllowlistMatch::ImageRegistry,
                path: &[
                    "spec",
                    "trainingJobDefinition",
                    "algorithmSpecification",
                    "trainingImage",
                ],
                field: "training_image or the configured prebuilt image or template.container.image",
            },
        ],
    },
    ResourceDef {
        target: "operator",
        api_version: "sagemaker.aws.amazon.com/v1",
        kind: "HyperparameterTuningJob",
        plural: "hyperparametertuningjobs",
        namespaced: true,
        name_max_length: 32,
        name_pattern: "^[a-z0-9](-*[a-z0-9])*$",
        name_shape: machinery::naming::NameShape::Plain,
        reads: &[
            &["spec", "hyperParameterTuningJobName"],
            &["spec", "region"],
            &["spec", "trainingJobDefinition", "outputDataConfig", "s3OutputPath"],
            &["status", "additional"],
            &[
                "status",
                "bestTrainingJob",
                "finalHyperParameterTuningJobObjectiveMetric",
                "value",
            ],
            &["status", "bestTrainingJob", "trainingJobName"],
            &["status", "hyperParameterTuningJobStatus"],
        ],
        allowlisted: &[
            AllowlistedPath {
                list: "iam_roles",
                matching: AllowlistMatch::Exact,
                path: &["spec", "trainingJobDefinition", "roleArn"],
                field: "role_arn",
            },
            AllowlistedPath {
                list: "image_registries",
                matching: AllowlistMatch::ImageRegistry,
                path: &[
                    "spec",
                    "trainingJobDefinition",
                    "algorithmSpecification",
                    "trainingImage",
                ],
                field: "training_image or the configured prebuilt image or template.container.image",
            },
        ],
    },
];

/// Decodes `TaskTemplate.custom`, applies task inputs, defaults and validation, and builds the object for the configured target (without `apiVersion`, `kind`, name and namespace, which the machinery sets).
pub fn build(request: &BuildRequest<'_>) -> Result<Value, InvalidInput> {
    let mut job: crate::model::HyperparameterTuningJob = machinery::decode::message(
        &crate::descriptor::POOL,
        "flyteplugin.sagemaker.HyperparameterTuningJob",
        request.custom,
    )?;
    apply_inputs(&mut job, request.inputs)?;
    job.apply_defaults(request.context);
    let container = request.context.container_image.is_some()
        || request.context.container_command.is_some();
    job.validate("", request.target, container)?;
    check_bound(&job, request.inputs)?;
    match request.target {
        "ack" => build_ack(&job, request.context),
        "operator" => build_operator(&job, request.context),
        other => Err(InvalidInput::new("target", format!("unknown target `{other}`"))),
    }
}

/// Reads a watched object of `target`: phase, message, log links and, on success, outputs.
pub fn interpret(
    target: &str,
    object: &Value,
    settings: &PluginSettings,
) -> Interpretation {
    match target {
        "ack" => interpret_ack(object, settings),
        "operator" => interpret_operator(object, settings),
        other => {
            Interpretation {
                phase: Phase::PermanentFailure,
                message: format!("unknown target `{other}`"),
                log_links: Vec::new(),
                outputs: Vec::new(),
            }
        }
    }
}

/// Moves the task's inputs into the payload, where the annotations say they land.
fn apply_inputs(
    job: &mut crate::model::HyperparameterTuningJob,
    inputs: &Inputs,
) -> Result<(), InvalidInput> {
    for item in &mut job.channels {
        if let Some(value) = inputs.blob_uri(&item.name)? {
            item.s3_uri = value;
        }
    }
    if let Some(extra) = inputs.string_map("static_hyperparameters")? {
        for (key, value) in extra {
            if job.hyperparameters.contains_key(&key) {
                return Err(
                    InvalidInput::new(
                        format!("inputs.static_hyperparameters.{key}"),
                        "also set on the task; set each key in one place",
                    ),
                );
            }
            job.hyperparameters.insert(key, value);
        }
    }
    Ok(())
}

/// Every required input of an element is bound.
fn check_bound(
    job: &crate::model::HyperparameterTuningJob,
    inputs: &Inputs,
) -> Result<(), InvalidInput> {
    for item in &job.channels {
        if inputs.get(&item.name).is_none() {
            return Err(
                InvalidInput::new(
                    format!("inputs.{}", item.name),
                    "required input is not bound",
                ),
            );
        }
    }
    Ok(())
}

/// Maps the payload onto `ack` `HyperParameterTuningJob` field by field.
fn build_ack(
    job: &crate::model::HyperparameterTuningJob,
    cx: &BuildContext,
) -> Result<Value, InvalidInput> {
    if job.distributed_protocol != 0 {
        validate::unsupported_field(
            &String::from("distributed_protocol"),
            "ack",
            "SageMaker starts no MPI for a task's own image; read host_context() in the function instead.",
        )?;
    }
    if !job.environment.is_empty() {
        validate::unsupported_field(
            &String::from("environment"),
            "ack",
            "The ACK HyperParameterTuningJob's training job definition has no environment field.",
        )?;
    }
    let mut object = cr::Object::new();
    if !job.training_image.is_empty() {
        object
            .set(
                &[
                    "spec",
                    "trainingJobDefinition",
                    "algorithmSpecification",
                    "trainingImage",
                ],
                job.training_image.clone(),
            );
    }
    if let Some(objective) = &job.objective {
        if let Some(api) = objective.objective_type().api() {
            object
                .set(
                    &[
                        "spec",
                        "hyperParameterTuningJobConfig",
                        "hyperParameterTuningJobObjective",
                        "type_",
                    ],
                    api,
                );
        }
        if !objective.metric_name.is_empty() {
            object
                .set(
                    &[
                        "spec",
                        "hyperParameterTuningJobConfig",
                        "hyperParameterTuningJobObjective",
                        "metricName",
                    ],
                    objective.metric_name.clone(),
                );
        }
    }
    for item in &job.continuous_ranges {
        let mut element = cr::Object::new();
        if !item.name.is_empty() {
            element.set(&["name"], item.name.clone());
        }
        if let Some(v) = item.min_value {
            element.set(&["minValue"], cr::format_float(v));
        }
        if let Some(v) = item.max_value {
            element.set(&["maxValue"], cr::format_float(v));
        }
        if let Some(api) = item.scaling_type().api() {
            element.set(&["scalingType"], api);
        }
        object
            .push(
                &[
                    "spec",
                    "hyperParameterTuningJobConfig",
                    "parameterRanges",
                    "continuousParameterRanges",
                ],
                element.into_value(),
            );
    }
    for item in &job.integer_ranges {
        let mut element = cr::Object::new();
        if !item.name.is_empty() {
            element.set(&["name"], item.name.clone());
        }
        if let Some(v) = item.min_value {
            element.set(&["minValue"], cr::format_int(v));
        }
        if let Some(v) = item.max_value {
            element.set(&["maxValue"], cr::format_int(v));
        }
        if let Some(api) = item.scaling_type().api() {
            element.set(&["scalingType"], api);
        }
        object
            .push(
                &[
                    "spec",
                    "hyperParameterTuningJobConfig",
                    "parameterRanges",
                    "integerParameterRanges",
                ],
                element.into_value(),
            );
    }
    for item in &job.categorical_ranges {
        let mut element = cr::Object::new();
        if !item.name.is_empty() {
            element.set(&["name"], item.name.clone());
        }
        if !item.values.is_empty() {
            element.set(&["values"], item.values.clone());
        }
        object
            .push(
                &[
                    "spec",
                    "hyperParameterTuningJobConfig",
                    "parameterRanges",
                    "categoricalParameterRanges",
                ],
                element.into_value(),
            );
    }
    if let Some(api) = job.strategy().api() {
        object.set(&["spec", "hyperParameterTuningJobConfig", "strategy"], api);
    }
    if job.max_number_of_training_jobs != 0 {
        object
            .set(
                &[
                    "spec",
                    "hyperParameterTuningJobConfig",
                    "resourceLimits",
                    "maxNumberOfTrainingJobs",
                ],
                job.max_number_of_training_jobs,
            );
    }
    if job.max_parallel_training_jobs != 0 {
        object
            .set(
                &[
                    "spec",
                    "hyperParameterTuningJobConfig",
                    "resourceLimits",
                    "maxParallelTrainingJobs",
                ],
                job.max_parallel_training_jobs,
            );
    }
    if let Some(api) = job.early_stopping().api() {
        object
            .set(
                &[
                    "spec",
                    "hyperParameterTuningJobConfig",
                    "trainingJobEarlyStoppingType",
                ],
                api,
            );
    }
    if let Some(warm_start) = &job.warm_start {
        for item in &warm_start.parents {
            let mut element = cr::Object::new();
            if !item.tuning_job_name.is_empty() {
                element
                    .set(&["hyperParameterTuningJobName"], item.tuning_job_name.clone());
            }
            object
                .push(
                    &["spec", "warmStartConfig", "parentHyperParameterTuningJobs"],
                    element.into_value(),
                );
        }
        if let Some(api) = warm_start.warm_start_type().api() {
            object.set(&["spec", "warmStartConfig", "warmStartType"], api);
        }
    }
    if let Some(api) = job.input_mode().api() {
        object
            .set(
                &[
                    "spec",
                    "trainingJobDefinition",
                    "algorithmSpecification",
                    "trainingInputMode",
                ],
                api,
            );
    }
    for item in &job.metric_definitions {
        let mut element = cr::Object::new();
        if !item.name.is_empty() {
            element.set(&["name"], item.name.clone());
        }
        if !item.regex.is_empty() {
            element.set(&["regex"], item.regex.clone());
        }
        object
            .push(
                &[
                    "spec",
                    "trainingJobDefinition",
                    "algorithmSpecification",
                    "metricDefinitions",
                ],
                element.into_value(),
            );
    }
    for item in &job.channels {
        let mut element = cr::Object::new();
        if !item.name.is_empty() {
            element.set(&["channelName"], item.name.clone());
        }
        if !item.s3_uri.is_empty() {
            element.set(&["dataSource", "s3DataSource", "s3URI"], item.s3_uri.clone());
        }
        if !item.content_type.is_empty() {
            element.set(&["contentType"], item.content_type.clone());
        }
        if let Some(api) = item.compression().api() {
            element.set(&["compressionType"], api);
        }
        if let Some(api) = item.s3_data_type().api() {
            element.set(&["dataSource", "s3DataSource", "s3DataType"], api);
        }
        if let Some(api) = item.distribution().api() {
            element.set(&["dataSource", "s3DataSource", "s3DataDistributionType"], api);
        }
        if let Some(api) = item.input_mode().api() {
            element.set(&["inputMode"], api);
        }
        if !item.attribute_names.is_empty() {
            element
                .set(
                    &["dataSource", "s3DataSource", "attributeNames"],
                    item.attribute_names.clone(),
                );
        }
        object
            .push(
                &["spec", "trainingJobDefinition", "inputDataConfig"],
                element.into_value(),
            );
    }
    for (key, value) in &job.hyperparameters {
        object
            .entry(
                &["spec", "trainingJobDefinition", "staticHyperParameters"],
                key,
                value.clone(),
                Shape::Map,
            );
    }
    if let Some(resources) = &job.resources {
        if !resources.instance_type.is_empty() {
            object
                .set(
                    &["spec", "trainingJobDefinition", "resourceConfig", "instanceType"],
                    resources.instance_type.clone(),
                );
        }
        if resources.instance_count != 0 {
            object
                .set(
                    &[
                        "spec",
                        "trainingJobDefinition",
                        "resourceConfig",
                        "instanceCount",
                    ],
                    resources.instance_count,
                );
        }
        if resources.volume_size_gb != 0 {
            object
                .set(
                    &[
                        "spec",
                        "trainingJobDefinition",
                        "resourceConfig",
                        "volumeSizeInGB",
                    ],
                    resources.volume_size_gb,
                );
        }
        if !resources.volume_kms_key_id.is_empty() {
            object
                .set(
                    &[
                        "spec",
                        "trainingJobDefinition",
                        "resourceConfig",
                        "volumeKMSKeyID",
                    ],
                    resources.volume_kms_key_id.clone(),
                );
        }
    }
    if let Some(stopping_condition) = &job.stopping_condition {
        if stopping_condition.max_runtime_seconds != 0 {
            object
                .set(
                    &[
                        "spec",
                        "trainingJobDefinition",
                        "stoppingCondition",
                        "maxRuntimeInSeconds",
                    ],
                    stopping_condition.max_runtime_seconds,
                );
        }
        if stopping_condition.max_wait_seconds != 0 {
            object
                .set(
                    &[
                        "spec",
                        "trainingJobDefinition",
                        "stoppingCondition",
                        "maxWaitTimeInSeconds",
                    ],
                    stopping_condition.max_wait_seconds,
                );
        }
    }
    if job.enable_managed_spot_training {
        object
            .set(
                &["spec", "trainingJobDefinition", "enableManagedSpotTraining"],
                job.enable_managed_spot_training,
            );
    }
    if let Some(checkpoint) = &job.checkpoint {
        if !checkpoint.s3_uri.is_empty() {
            object
                .set(
                    &["spec", "trainingJobDefinition", "checkpointConfig", "s3URI"],
                    checkpoint.s3_uri.clone(),
                );
        }
        if !checkpoint.local_path.is_empty() {
            object
                .set(
                    &["spec", "trainingJobDefinition", "checkpointConfig", "localPath"],
                    checkpoint.local_path.clone(),
                );
        }
    }
    if let Some(vpc) = &job.vpc {
        if !vpc.security_group_ids.is_empty() {
            object
                .set(
                    &["spec", "trainingJobDefinition", "vpcConfig", "securityGroupIDs"],
                    vpc.security_group_ids.clone(),
                );
        }
        if !vpc.subnets.is_empty() {
            object
                .set(
                    &["spec", "trainingJobDefinition", "vpcConfig", "subnets"],
                    vpc.subnets.clone(),
                );
        }
    }
    if !job.output_path.is_empty() {
        object
            .set(
                &["spec", "trainingJobDefinition", "outputDataConfig", "s3OutputPath"],
                job.output_path.clone(),
            );
    }
    if !job.output_kms_key_id.is_empty() {
        object
            .set(
                &["spec", "trainingJobDefinition", "outputDataConfig", "kmsKeyID"],
                job.output_kms_key_id.clone(),
            );
    }
    if job.enable_network_isolation {
        object
            .set(
                &["spec", "trainingJobDefinition", "enableNetworkIsolation"],
                job.enable_network_isolation,
            );
    }
    if job.enable_inter_container_traffic_encryption {
        object
            .set(
                &[
                    "spec",
                    "trainingJobDefinition",
                    "enableInterContainerTrafficEncryption",
                ],
                job.enable_inter_container_traffic_encryption,
            );
    }
    if job.max_retry_attempts != 0 {
        object
            .set(
                &[
                    "spec",
                    "trainingJobDefinition",
                    "retryStrategy",
                    "maximumRetryAttempts",
                ],
                job.max_retry_attempts,
            );
    }
    for (key, value) in &job.tags {
        object.entry(&["spec", "tags"], key, value.clone(), Shape::KeyValue);
    }
    if !job.role_arn.is_empty() {
        object.set(&["spec", "trainingJobDefinition", "roleARN"], job.role_arn.clone());
    }
    if !job.region.is_empty() {
        object
            .set(
                &["metadata", "annotations", "services.k8s.aws/region"],
                job.region.clone(),
            );
    }
    object.set_if_absent(&["spec", "hyperParameterTuningJobName"], cx.job_name.clone());
    if !job.algorithm_name.is_empty() {
        let image = cx
            .prebuilt_image(
                "algorithm_name",
                &job.algorithm_name,
                &job.algorithm_version,
                &job.region,
            )?;
        object
            .set_if_absent(
                &[
                    "spec",
                    "trainingJobDefinition",
                    "algorithmSpecification",
                    "trainingImage",
                ],
                image,
            );
    }
    if let Some(value) = cx.container_image.clone() {
        object
            .set_if_absent(
                &[
                    "spec",
                    "trainingJobDefinition",
                    "algorithmSpecification",
                    "trainingImage",
                ],
                value,
            );
    }
    if let Some(value) = cx
        .container_command
        .as_ref()
        .map(|c| serde_json::to_string(c).unwrap_or_default())
    {
        for (index, chunk) in cr::chunks(&value, 256usize).into_iter().enumerate() {
            object
                .entry(
                    &["spec", "trainingJobDefinition", "staticHyperParameters"],
                    &format!("{}{index}", "_flyte_cmd_"),
                    chunk,
                    Shape::Map,
                );
        }
        let entries = object
            .entries(&["spec", "trainingJobDefinition", "staticHyperParameters"]);
        if entries > 100usize {
            return Err(
                InvalidInput::new(
                    "spec.trainingJobDefinition.staticHyperParameters",
                    format!(
                        "holds {entries} entries with the task's command added, more than the {} the target accepts; shorten the command or use fewer entries",
                        100usize
                    ),
                ),
            );
        }
    }
    Ok(object.into_value())
}

/// Maps the payload onto `operator` `HyperparameterTuningJob` field by field.
fn build_operator(
    job: &crate::model::HyperparameterTuningJob,
    cx: &BuildContext,
) -> Result<Value, InvalidInput> {
    if job.distributed_protocol != 0 {
        validate::unsupported_field(
            &String::from("distributed_protocol"),
            "operator",
            "SageMaker starts no MPI for a task's own image; read host_context() in the function instead.",
        )?;
    }
    if !job.environment.is_empty() {
        validate::unsupported_field(
            &String::from("environment"),
            "operator",
            "The operator's HyperparameterTuningJob has no environment field.",
        )?;
    }
    if job.max_retry_attempts != 0 {
        validate::unsupported_field(
            &String::from("max_retry_attempts"),
            "operator",
            "The operator's HyperparameterTuningJob has no retry strategy.",
        )?;
    }
    let mut object = cr::Object::new();
    if !job.training_image.is_empty() {
        object
            .set(
                &[
                    "spec",
                    "trainingJobDefinition",
                    "algorithmSpecification",
                    "trainingImage",
                ],
                job.training_image.clone(),
            );
    }
    if let Some(objective) = &job.objective {
        if let Some(api) = objective.objective_type().api() {
            object
                .set(
                    &[
                        "spec",
                        "hyperParameterTuningJobConfig",
                        "hyperParameterTuningJobObjective",
                        "type",
                    ],
                    api,
                );
        }
        if !objective.metric_name.is_empty() {
            object
                .set(
                    &[
                        "spec",
                        "hyperParameterTuningJobConfig",
                        "hyperParameterTuningJobObjective",
                        "metricName",
                    ],
                    objective.metric_name.clone(),
                );
        }
    }
    for item in &job.continuous_ranges {
        let mut element = cr::Object::new();
        if !item.name.is_empty() {
            element.set(&["name"], item.name.clone());
        }
        if let Some(v) = item.min_value {
            element.set(&["minValue"], cr::format_float(v));
        }
        if let Some(v) = item.max_value {
            element.set(&["maxValue"], cr::format_float(v));
        }
        if let Some(api) = item.scaling_type().api() {
            element.set(&["scalingType"], api);
        }
        object
            .push(
                &[
                    "spec",
                    "hyperParameterTuningJobConfig",
                    "parameterRanges",
                    "continuousParameterRanges",
                ],
                element.into_value(),
            );
    }
    for item in &job.integer_ranges {
        let mut element = cr::Object::new();
        if !item.name.is_empty() {
            element.set(&["name"], item.name.clone());
        }
        if let Some(v) = item.min_value {
            element.set(&["minValue"], cr::format_int(v));
        }
        if let Some(v) = item.max_value {
            element.set(&["maxValue"], cr::format_int(v));
        }
        if let Some(api) = item.scaling_type().api() {
            element.set(&["scalingType"], api);
        }
        object
            .push(
                &[
                    "spec",
                    "hyperParameterTuningJobConfig",
                    "parameterRanges",
                    "integerParameterRanges",
                ],
                element.into_value(),
            );
    }
    for item in &job.categorical_ranges {
        let mut element = cr::Object::new();
        if !item.name.is_empty() {
            element.set(&["name"], item.name.clone());
        }
        if !item.values.is_empty() {
            element.set(&["values"], item.values.clone());
        }
        object
            .push(
                &[
                    "spec",
                    "hyperParameterTuningJobConfig",
                    "parameterRanges",
                    "categoricalParameterRanges",
                ],
                element.into_value(),
            );
    }
    if let Some(api) = job.strategy().api() {
        object.set(&["spec", "hyperParameterTuningJobConfig", "strategy"], api);
    }
    if job.max_number_of_training_jobs != 0 {
        object
            .set(
                &[
                    "spec",
                    "hyperParameterTuningJobConfig",
                    "resourceLimits",
                    "maxNumberOfTrainingJobs",
                ],
                job.max_number_of_training_jobs,
            );
    }
    if job.max_parallel_training_jobs != 0 {
        object
            .set(
                &[
                    "spec",
                    "hyperParameterTuningJobConfig",
                    "resourceLimits",
                    "maxParallelTrainingJobs",
                ],
                job.max_parallel_training_jobs,
            );
    }
    if let Some(api) = job.early_stopping().api() {
        object
            .set(
                &[
                    "spec",
                    "hyperParameterTuningJobConfig",
                    "trainingJobEarlyStoppingType",
                ],
                api,
            );
    }
    if let Some(warm_start) = &job.warm_start {
        for item in &warm_start.parents {
            let mut element = cr::Object::new();
            if !item.tuning_job_name.is_empty() {
                element
                    .set(&["hyperParameterTuningJobName"], item.tuning_job_name.clone());
            }
            object
                .push(
                    &["spec", "warmStartConfig", "parentHyperParameterTuningJobs"],
                    element.into_value(),
                );
        }
        if let Some(api) = warm_start.warm_start_type().api() {
            object.set(&["spec", "warmStartConfig", "warmStartType"], api);
        }
    }
    if let Some(api) = job.input_mode().api() {
        object
            .set(
                &[
                    "spec",
                    "trainingJobDefinition",
                    "algorithmSpecification",
                    "trainingInputMode",
                ],
                api,
            );
    }
    for item in &job.metric_definitions {
        let mut element = cr::Object::new();
        if !item.name.is_empty() {
            element.set(&["name"], item.name.clone());
        }
        if !item.regex.is_empty() {
            element.set(&["regex"], item.regex.clone());
        }
        object
            .push(
                &[
                    "spec",
                    "trainingJobDefinition",
                    "algorithmSpecification",
                    "metricDefinitions",
                ],
                element.into_value(),
            );
    }
    for item in &job.channels {
        let mut element = cr::Object::new();
        if !item.name.is_empty() {
            element.set(&["channelName"], item.name.clone());
        }
        if !item.s3_uri.is_empty() {
            element.set(&["dataSource", "s3DataSource", "s3Uri"], item.s3_uri.clone());
        }
        if !item.content_type.is_empty() {
            element.set(&["contentType"], item.content_type.clone());
        }
        if let Some(api) = item.compression().api() {
            element.set(&["compressionType"], api);
        }
        if let Some(api) = item.s3_data_type().api() {
            element.set(&["dataSource", "s3DataSource", "s3DataType"], api);
        }
        if let Some(api) = item.distribution().api() {
            element.set(&["dataSource", "s3DataSource", "s3DataDistributionType"], api);
        }
        if let Some(api) = item.input_mode().api() {
            element.set(&["inputMode"], api);
        }
        if !item.attribute_names.is_empty() {
            element
                .set(
                    &["dataSource", "s3DataSource", "attributeNames"],
                    item.attribute_names.clone(),
                );
        }
        object
            .push(
                &["spec", "trainingJobDefinition", "inputDataConfig"],
                element.into_value(),
            );
    }
    for (key, value) in &job.hyperparameters {
        object
            .entry(
                &["spec", "trainingJobDefinition", "staticHyperParameters"],
                key,
                value.clone(),
                Shape::NameValue,
            );
    }
    if let Some(resources) = &job.resources {
        if !resources.instance_type.is_empty() {
            object
                .set(
                    &["spec", "trainingJobDefinition", "resourceConfig", "instanceType"],
                    resources.instance_type.clone(),
                );
        }
        if resources.instance_count != 0 {
            object
                .set(
                    &[
                        "spec",
                        "trainingJobDefinition",
                        "resourceConfig",
                        "instanceCount",
                    ],
                    resources.instance_count,
                );
        }
        if resources.volume_size_gb != 0 {
            object
                .set(
                    &[
                        "spec",
                        "trainingJobDefinition",
                        "resourceConfig",
                        "volumeSizeInGB",
                    ],
                    resources.volume_size_gb,
                );
        }
        if !resources.volume_kms_key_id.is_empty() {
            object
                .set(
                    &[
                        "spec",
                        "trainingJobDefinition",
                        "resourceConfig",
                        "volumeKmsKeyId",
                    ],
                    resources.volume_kms_key_id.clone(),
                );
        }
    }
    if let Some(stopping_condition) = &job.stopping_condition {
        if stopping_condition.max_runtime_seconds != 0 {
            object
                .set(
                    &[
                        "spec",
                        "trainingJobDefinition",
                        "stoppingCondition",
                        "maxRuntimeInSeconds",
                    ],
                    stopping_condition.max_runtime_seconds,
                );
        }
        if stopping_condition.max_wait_seconds != 0 {
            object
                .set(
                    &[
                        "spec",
                        "trainingJobDefinition",
                        "stoppingCondition",
                        "maxWaitTimeInSeconds",
                    ],
                    stopping_condition.max_wait_seconds,
                );
        }
    }
    if job.enable_managed_spot_training {
        object
            .set(
                &["spec", "trainingJobDefinition", "enableManagedSpotTraining"],
                job.enable_managed_spot_training,
            );
    }
    if let Some(checkpoint) = &job.checkpoint {
        if !checkpoint.s3_uri.is_empty() {
            object
                .set(
                    &["spec", "trainingJobDefinition", "checkpointConfig", "s3Uri"],
                    checkpoint.s3_uri.clone(),
                );
        }
        if !checkpoint.local_path.is_empty() {
            object
                .set(
                    &["spec", "trainingJobDefinition", "checkpointConfig", "localPath"],
                    checkpoint.local_path.clone(),
                );
        }
    }
    if let Some(vpc) = &job.vpc {
        if !vpc.security_group_ids.is_empty() {
            object
                .set(
                    &["spec", "trainingJobDefinition", "vpcConfig", "securityGroupIds"],
                    vpc.security_group_ids.clone(),
                );
        }
        if !vpc.subnets.is_empty() {
            object
                .set(
                    &["spec", "trainingJobDefinition", "vpcConfig", "subnets"],
                    vpc.subnets.clone(),
                );
        }
    }
    if !job.output_path.is_empty() {
        object
            .set(
                &["spec", "trainingJobDefinition", "outputDataConfig", "s3OutputPath"],
                job.output_path.clone(),
            );
    }
    if !job.output_kms_key_id.is_empty() {
        object
            .set(
                &["spec", "trainingJobDefinition", "outputDataConfig", "kmsKeyId"],
                job.output_kms_key_id.clone(),
            );
    }
    if job.enable_network_isolation {
        object
            .set(
                &["spec", "trainingJobDefinition", "enableNetworkIsolation"],
                job.enable_network_isolation,
            );
    }
    if job.enable_inter_container_traffic_encryption {
        object
            .set(
                &[
                    "spec",
                    "trainingJobDefinition",
                    "enableInterContainerTrafficEncryption",
                ],
                job.enable_inter_container_traffic_encryption,
            );
    }
    for (key, value) in &job.tags {
        object.entry(&["spec", "tags"], key, value.clone(), Shape::KeyValue);
    }
    if !job.role_arn.is_empty() {
        object.set(&["spec", "trainingJobDefinition", "roleArn"], job.role_arn.clone());
    }
    if !job.region.is_empty() {
        object.set(&["spec", "region"], job.region.clone());
    }
    object.set_if_absent(&["spec", "hyperParameterTuningJobName"], cx.job_name.clone());
    if !job.algorithm_name.is_empty() {
        let image = cx
            .prebuilt_image(
                "algorithm_name",
                &job.algorithm_name,
                &job.algorithm_version,
                &job.region,
            )?;
        object
            .set_if_absent(
                &[
                    "spec",
                    "trainingJobDefinition",
                    "algorithmSpecification",
                    "trainingImage",
                ],
                image,
            );
    }
    if let Some(value) = cx.container_image.clone() {
        object
            .set_if_absent(
                &[
                    "spec",
                    "trainingJobDefinition",
                    "algorithmSpecification",
                    "trainingImage",
                ],
                value,
            );
    }
    if let Some(value) = cx
        .container_command
        .as_ref()
        .map(|c| serde_json::to_string(c).unwrap_or_default())
    {
        for (index, chunk) in cr::chunks(&value, 256usize).into_iter().enumerate() {
            object
                .entry(
                    &["spec", "trainingJobDefinition", "staticHyperParameters"],
                    &format!("{}{index}", "_flyte_cmd_"),
                    chunk,
                    Shape::NameValue,
                );
        }
        let entries = object
            .entries(&["spec", "trainingJobDefinition", "staticHyperParameters"]);
        if entries > 100usize {
            return Err(
                InvalidInput::new(
                    "spec.trainingJobDefinition.staticHyperParameters",
                    format!(
                        "holds {entries} entries with the task's command added, more than the {} the target accepts; shorten the command or use fewer entries",
                        100usize
                    ),
                ),
            );
        }
    }
    Ok(object.into_value())
}

/// Log links of `ack` `HyperParameterTuningJob`, rendered from the object.
const LOG_LINKS_ACK: &[(&str, &[Part])] = &[
    (
        "CloudWatch Logs",
        &[
            Part::Lit("https://"),
            Part::Path(&["metadata", "annotations", "services.k8s.aws/region"]),
            Part::Lit(".console.aws.amazon.com/cloudwatch/home?region="),
            Part::Path(&["metadata", "annotations", "services.k8s.aws/region"]),
            Part::Lit("#logStream:group=/aws/sagemaker/TrainingJobs;prefix="),
            Part::Path(&["spec", "hyperParameterTuningJobName"]),
            Part::Lit(";streamFilter=typeLogStreamPrefix"),
        ],
    ),
    (
        "SageMaker Hyperparameter Tuning Job",
        &[
            Part::Lit("https://"),
            Part::Path(&["metadata", "annotations", "services.k8s.aws/region"]),
            Part::Lit(".console.aws.amazon.com/sagemaker/home?region="),
            Part::Path(&["metadata", "annotations", "services.k8s.aws/region"]),
            Part::Lit("#/hyper-tuning-jobs/"),
            Part::Path(&["spec", "hyperParameterTuningJobName"]),
        ],
    ),
];

/// Task outputs read from a succeeded `ack` `HyperParameterTuningJob`.
const OUTPUTS_ACK: &[(&str, OutputKind, &[Part])] = &[
    (
        "best_objective_value",
        OutputKind::Float,
        &[
            Part::Path(
                &[
                    "status",
                    "bestTrainingJob",
                    "finalHyperParameterTuningJobObjectiveMetric",
                    "value",
                ],
            ),
        ],
    ),
    (
        "best_training_job",
        OutputKind::String,
        &[Part::Path(&["status", "bestTrainingJob", "trainingJobName"])],
    ),
    (
        "model",
        OutputKind::Blob {
            format: "tar.gz",
            multipart: false,
        },
        &[
            Part::Path(
                &["spec", "trainingJobDefinition", "outputDataConfig", "s3OutputPath"],
            ),
            Part::Lit("/"),
            Part::Path(&["status", "bestTrainingJob", "trainingJobName"]),
            Part::Lit("/output/model.tar.gz"),
        ],
    ),
];

/// Status of `ack` `HyperParameterTuningJob` as a Flyte phase, per the declared rules (first match wins).
fn phase_ack(object: &Value) -> (Phase, String) {
    let status = cr::text(object, &["status", "hyperParameterTuningJobStatus"]);
    if let Some(condition) = cr::condition_true(object, "ACK.Terminal") {
        return (
            Phase::PermanentFailure,
            cr::render_lossy(
                object,
                Some(&condition),
                &[
                    Part::Lit(
                        "The ACK controller cannot create or sync the tuning job: ",
                    ),
                    Part::ConditionMessage,
                ],
            ),
        );
    }
    if matches!(status.as_str(), "InProgress" | "Stopping") {
        return (
            Phase::Running,
            cr::render_lossy(
                object,
                None,
                &[
                    Part::Lit("Tuning job "),
                    Part::Path(&["status", "hyperParameterTuningJobStatus"]),
                ],
            ),
        );
    }
    if matches!(status.as_str(), "Completed") {
        return (
            Phase::Succeeded,
            cr::render_lossy(object, None, &[Part::Lit("Tuning job completed")]),
        );
    }
    if matches!(status.as_str(), "Failed") {
        return (
            Phase::PermanentFailure,
            cr::render_lossy(
                object,
                None,
                &[
                    Part::Lit("Tuning job failed: "),
                    Part::Path(&["status", "failureReason"]),
                ],
            ),
        );
    }
    if matches!(status.as_str(), "Stopped") {
        return (
            Phase::Aborted,
            cr::render_lossy(object, None, &[Part::Lit("Tuning job was stopped")]),
        );
    }
    if let Some(condition) = cr::condition_true(object, "ACK.Recoverable") {
        return (
            Phase::WaitingForResources,
            cr::render_lossy(
                object,
                Some(&condition),
                &[
                    Part::Lit("The ACK controller is retrying a failed AWS call: "),
                    Part::ConditionMessage,
                ],
            ),
        );
    }
    if matches!(status.as_str(), "") {
        return (
            Phase::Queued,
            cr::render_lossy(
                object,
                None,
                &[Part::Lit("Waiting for the ACK controller to create the tuning job")],
            ),
        );
    }
    (
        Phase::Running,
        cr::render_lossy(
            object,
            None,
            &[
                Part::Lit("SageMaker reports an unrecognised tuning job status: "),
                Part::Path(&["status", "hyperParameterTuningJobStatus"]),
            ],
        ),
    )
}

fn interpret_ack(object: &Value, settings: &PluginSettings) -> Interpretation {
    let (phase, message) = phase_ack(object);
    let log_links = LOG_LINKS_ACK
        .iter()
        .filter_map(|(name, parts)| {
            cr::render_in(object, None, settings, parts)
                .map(|uri| LogLink {
                    name: name.to_string(),
                    uri,
                })
        })
        .collect();
    let outputs = if phase == Phase::Succeeded {
        OUTPUTS_ACK
            .iter()
            .map(|(name, kind, parts)| (
                name.to_string(),
                read_output(object, parts, *kind),
            ))
            .collect()
    } else {
        Vec::new()
    };
    Interpretation {
        phase,
        message,
        log_links,
        outputs,
    }
}

/// Log links of `operator` `HyperparameterTuningJob`, rendered from the object.
const LOG_LINKS_OPERATOR: &[(&str, &[Part])] = &[
    (
        "CloudWatch Logs",
        &[
            Part::Lit("https://"),
            Part::Path(&["spec", "region"]),
            Part::Lit(".console.aws.amazon.com/cloudwatch/home?region="),
            Part::Path(&["spec", "region"]),
            Part::Lit("#logStream:group=/aws/sagemaker/TrainingJobs;prefix="),
            Part::Path(&["spec", "hyperParameterTuningJobName"]),
            Part::Lit(";streamFilter=typeLogStreamPrefix"),
        ],
    ),
    (
        "SageMaker Hyperparameter Tuning Job",
        &[
            Part::Lit("https://"),
            Part::Path(&["spec", "region"]),
            Part::Lit(".console.aws.amazon.com/sagemaker/home?region="),
            Part::Path(&["spec", "region"]),
            Part::Lit("#/hyper-tuning-jobs/"),
            Part::Path(&["spec", "hyperParameterTuningJobName"]),
        ],
    ),
];

/// Task outputs read from a succeeded `operator` `HyperparameterTuningJob`.
const OUTPUTS_OPERATOR: &[(&str, OutputKind, &[Part])] = &[
    (
        "best_objective_value",
        OutputKind::Float,
        &[
            Part::Path(
                &[
                    "status",
                    "bestTrainingJob",
                    "finalHyperParameterTuningJobObjectiveMetric",
                    "value",
                ],
            ),
        ],
    ),
    (
        "best_training_job",
        OutputKind::String,
        &[Part::Path(&["status", "bestTrainingJob", "trainingJobName"])],
    ),
    (
        "model",
        OutputKind::Blob {
            format: "tar.gz",
            multipart: false,
        },
        &[
            Part::Path(
                &["spec", "trainingJobDefinition", "outputDataConfig", "s3OutputPath"],
            ),
            Part::Lit("/"),
            Part::Path(&["status", "bestTrainingJob", "trainingJobName"]),
            Part::Lit("/output/model.tar.gz"),
        ],
    ),
];

/// Status of `operator` `HyperparameterTuningJob` as a Flyte phase, per the declared rules (first match wins).
fn phase_operator(object: &Value) -> (Phase, String) {
    let status = cr::text(object, &["status", "hyperParameterTuningJobStatus"]);
    if matches!(status.as_str(), "") {
        return (
            Phase::Queued,
            cr::render_lossy(
                object,
                None,
                &[
                    Part::Lit(
                        "Waiting for the SageMaker operator to pick up the tuning job",
                    ),
                ],
            ),
        );
    }
    if matches!(status.as_str(), "SynchronizingK8sJobWithSageMaker") {
        return (
            Phase::Queued,
            cr::render_lossy(
                object,
                None,
                &[Part::Lit("The SageMaker operator is creating the tuning job")],
            ),
        );
    }
    if matches!(status.as_str(), "ReconcilingTuningJob") {
        return (
            Phase::WaitingForResources,
            cr::render_lossy(
                object,
                None,
                &[
                    Part::Lit("The SageMaker operator is retrying a failed AWS call: "),
                    Part::Path(&["status", "additional"]),
                ],
            ),
        );
    }
    if matches!(status.as_str(), "InProgress" | "Stopping") {
        return (
            Phase::Running,
            cr::render_lossy(
                object,
                None,
                &[
                    Part::Lit("Tuning job "),
                    Part::Path(&["status", "hyperParameterTuningJobStatus"]),
                ],
            ),
        );
    }
    if matches!(status.as_str(), "Completed") {
        return (
            Phase::Succeeded,
            cr::render_lossy(object, None, &[Part::Lit("Tuning job completed")]),
        );
    }
    if matches!(status.as_str(), "Failed") {
        return (
            Phase::PermanentFailure,
            cr::render_lossy(
                object,
                None,
                &[
                    Part::Lit("Tuning job failed: "),
                    Part::Path(&["status", "additional"]),
                ],
            ),
        );
    }
    if matches!(status.as_str(), "Stopped") {
        return (
            Phase::Aborted,
            cr::render_lossy(object, None, &[Part::Lit("Tuning job was stopped")]),
        );
    }
    (
        Phase::Running,
        cr::render_lossy(
            object,
            None,
            &[
                Part::Lit(
                    "The SageMaker operator reports an unrecognised tuning job status: ",
                ),
                Part::Path(&["status", "hyperParameterTuningJobStatus"]),
            ],
        ),
    )
}

fn interpret_operator(object: &Value, settings: &PluginSettings) -> Interpretation {
    let (phase, message) = phase_operator(object);
    let log_links = LOG_LINKS_OPERATOR
        .iter()
        .filter_map(|(name, parts)| {
            cr::render_in(object, None, settings, parts)
                .map(|uri| LogLink {
                    name: name.to_string(),
                    uri,
                })
        })
        .collect();
    let outputs = if phase == Phase::Succeeded {
        OUTPUTS_OPERATOR
            .iter()
            .map(|(name, kind, parts)| (
                name.to_string(),
                read_output(object, parts, *kind),
            ))
            .collect()
    } else {
        Vec::new()
    };
    Interpretation {
        phase,
        message,
        log_links,
        outputs,
    }
}
