// @generated from sagemaker/sagemaker.proto by `cargo run -p generator`. Do not edit: change the .proto and regenerate.
//! Task type `sagemaker-k8s-builtin-training` (payload `flyteplugin.sagemaker.BuiltinAlgorithmTrainingJob`): decoding, inputs, and the mapping onto every target.

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
        kind: "TrainingJob",
        plural: "trainingjobs",
        namespaced: true,
        name_max_length: 63,
        name_pattern: "^[a-z0-9](-*[a-z0-9])*$",
        name_shape: machinery::naming::NameShape::Plain,
        reads: &[
            &["spec", "trainingJobName"],
            &["status", "conditions"],
            &["status", "failureReason"],
            &["status", "modelArtifacts", "s3ModelArtifacts"],
            &["status", "secondaryStatus"],
            &["status", "trainingJobStatus"],
        ],
        allowlisted: &[
            AllowlistedPath {
                list: "iam_roles",
                matching: AllowlistMatch::Exact,
                path: &["spec", "roleARN"],
                field: "role_arn",
            },
            AllowlistedPath {
                list: "image_registries",
                matching: AllowlistMatch::ImageRegistry,
                path: &["spec", "algorithmSpecification", "trainingImage"],
                field: "training_image or the configured prebuilt image",
            },
        ],
    },
    ResourceDef {
        target: "operator",
        api_version: "sagemaker.aws.amazon.com/v1",
        kind: "TrainingJob",
        plural: "trainingjobs",
        namespaced: true,
        name_max_length: 63,
        name_pattern: "^[a-z0-9](-*[a-z0-9])*$",
        name_shape: machinery::naming::NameShape::Plain,
        reads: &[
            &["spec", "outputDataConfig", "s3OutputPath"],
            &["spec", "region"],
            &["spec", "trainingJobName"],
            &["status", "additional"],
            &["status", "sageMakerTrainingJobName"],
            &["status", "secondaryStatus"],
            &["status", "trainingJobStatus"],
        ],
        allowlisted: &[
            AllowlistedPath {
                list: "iam_roles",
                matching: AllowlistMatch::Exact,
                path: &["spec", "roleArn"],
                field: "role_arn",
            },
            AllowlistedPath {
                list: "image_registries",
                matching: AllowlistMatch::ImageRegistry,
                path: &["spec", "algorithmSpecification", "trainingImage"],
                field: "training_image or the configured prebuilt image",
            },
        ],
    },
];

/// Decodes `TaskTemplate.custom`, applies task inputs, defaults and validation, and builds the object for the configured target (without `apiVersion`, `kind`, name and namespace, which the machinery sets).
pub fn build(request: &BuildRequest<'_>) -> Result<Value, InvalidInput> {
    let mut job: crate::model::BuiltinAlgorithmTrainingJob = machinery::decode::message(
        &crate::descriptor::POOL,
        "flyteplugin.sagemaker.BuiltinAlgorithmTrainingJob",
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
    job: &mut crate::model::BuiltinAlgorithmTrainingJob,
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
    job: &crate::model::BuiltinAlgorithmTrainingJob,
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

/// Maps the payload onto `ack` `TrainingJob` field by field.
fn build_ack(
    job: &crate::model::BuiltinAlgorithmTrainingJob,
    cx: &BuildContext,
) -> Result<Value, InvalidInput> {
    let mut object = cr::Object::new();
    if !job.training_image.is_empty() {
        object
            .set(
                &["spec", "algorithmSpecification", "trainingImage"],
                job.training_image.clone(),
            );
    }
    if let Some(api) = job.input_mode().api() {
        object.set(&["spec", "algorithmSpecification", "trainingInputMode"], api);
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
                &["spec", "algorithmSpecification", "metricDefinitions"],
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
        object.push(&["spec", "inputDataConfig"], element.into_value());
    }
    for (key, value) in &job.hyperparameters {
        object.entry(&["spec", "hyperParameters"], key, value.clone(), Shape::Map);
    }
    if let Some(resources) = &job.resources {
        if !resources.instance_type.is_empty() {
            object
                .set(
                    &["spec", "resourceConfig", "instanceType"],
                    resources.instance_type.clone(),
                );
        }
        if resources.instance_count != 0 {
            object
                .set(
                    &["spec", "resourceConfig", "instanceCount"],
                    resources.instance_count,
                );
        }
        if resources.volume_size_gb != 0 {
            object
                .set(
                    &["spec", "resourceConfig", "volumeSizeInGB"],
                    resources.volume_size_gb,
                );
        }
        if !resources.volume_kms_key_id.is_empty() {
            object
                .set(
                    &["spec", "resourceConfig", "volumeKMSKeyID"],
                    resources.volume_kms_key_id.clone(),
                );
        }
    }
    if let Some(stopping_condition) = &job.stopping_condition {
        if stopping_condition.max_runtime_seconds != 0 {
            object
                .set(
                    &["spec", "stoppingCondition", "maxRuntimeInSeconds"],
                    stopping_condition.max_runtime_seconds,
                );
        }
        if stopping_condition.max_wait_seconds != 0 {
            object
                .set(
                    &["spec", "stoppingCondition", "maxWaitTimeInSeconds"],
                    stopping_condition.max_wait_seconds,
                );
        }
    }
    if job.enable_managed_spot_training {
        object
            .set(
                &["spec", "enableManagedSpotTraining"],
                job.enable_managed_spot_training,
            );
    }
    if let Some(checkpoint) = &job.checkpoint {
        if !checkpoint.s3_uri.is_empty() {
            object
                .set(&["spec", "checkpointConfig", "s3URI"], checkpoint.s3_uri.clone());
        }
        if !checkpoint.local_path.is_empty() {
            object
                .set(
                    &["spec", "checkpointConfig", "localPath"],
                    checkpoint.local_path.clone(),
                );
        }
    }
    if let Some(vpc) = &job.vpc {
        if !vpc.security_group_ids.is_empty() {
            object
                .set(
                    &["spec", "vpcConfig", "securityGroupIDs"],
                    vpc.security_group_ids.clone(),
                );
        }
        if !vpc.subnets.is_empty() {
            object.set(&["spec", "vpcConfig", "subnets"], vpc.subnets.clone());
        }
    }
    if !job.output_path.is_empty() {
        object
            .set(&["spec", "outputDataConfig", "s3OutputPath"], job.output_path.clone());
    }
    if !job.output_kms_key_id.is_empty() {
        object
            .set(
                &["spec", "outputDataConfig", "kmsKeyID"],
                job.output_kms_key_id.clone(),
            );
    }
    if job.enable_network_isolation {
        object.set(&["spec", "enableNetworkIsolation"], job.enable_network_isolation);
    }
    if job.enable_inter_container_traffic_encryption {
        object
            .set(
                &["spec", "enableInterContainerTrafficEncryption"],
                job.enable_inter_container_traffic_encryption,
            );
    }
    for (key, value) in &job.environment {
        object.entry(&["spec", "environment"], key, value.clone(), Shape::Map);
    }
    if job.max_retry_attempts != 0 {
        object
            .set(
                &["spec", "retryStrategy", "maximumRetryAttempts"],
                job.max_retry_attempts,
            );
    }
    for (key, value) in &job.tags {
        object.entry(&["spec", "tags"], key, value.clone(), Shape::KeyValue);
    }
    if !job.role_arn.is_empty() {
        object.set(&["spec", "roleARN"], job.role_arn.clone());
    }
    if !job.region.is_empty() {
        object
            .set(
                &["metadata", "annotations", "services.k8s.aws/region"],
                job.region.clone(),
            );
    }
    object.set_if_absent(&["spec", "trainingJobName"], cx.job_name.clone());
    if !job.algorithm_name.is_empty() {
        let image = cx
            .prebuilt_image(
                "algorithm_name",
                &job.algorithm_name,
                &job.algorithm_version,
                &job.region,
            )?;
        object
            .set_if_absent(&["spec", "algorithmSpecification", "trainingImage"], image);
    }
    Ok(object.into_value())
}

/// Maps the payload onto `operator` `TrainingJob` field by field.
fn build_operator(
    job: &crate::model::BuiltinAlgorithmTrainingJob,
    cx: &BuildContext,
) -> Result<Value, InvalidInput> {
    if !job.environment.is_empty() {
        validate::unsupported_field(
            &String::from("environment"),
            "operator",
            "The operator's TrainingJob has no environment field.",
        )?;
    }
    if job.max_retry_attempts != 0 {
        validate::unsupported_field(
            &String::from("max_retry_attempts"),
            "operator",
            "The operator's TrainingJob has no retry strategy.",
        )?;
    }
    let mut object = cr::Object::new();
    if !job.training_image.is_empty() {
        object
            .set(
                &["spec", "algorithmSpecification", "trainingImage"],
                job.training_image.clone(),
            );
    }
    if let Some(api) = job.input_mode().api() {
        object.set(&["spec", "algorithmSpecification", "trainingInputMode"], api);
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
                &["spec", "algorithmSpecification", "metricDefinitions"],
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
        object.push(&["spec", "inputDataConfig"], element.into_value());
    }
    for (key, value) in &job.hyperparameters {
        object.entry(&["spec", "hyperParameters"], key, value.clone(), Shape::NameValue);
    }
    if let Some(resources) = &job.resources {
        if !resources.instance_type.is_empty() {
            object
                .set(
                    &["spec", "resourceConfig", "instanceType"],
                    resources.instance_type.clone(),
                );
        }
        if resources.instance_count != 0 {
            object
                .set(
                    &["spec", "resourceConfig", "instanceCount"],
                    resources.instance_count,
                );
        }
        if resources.volume_size_gb != 0 {
            object
                .set(
                    &["spec", "resourceConfig", "volumeSizeInGB"],
                    resources.volume_size_gb,
                );
        }
        if !resources.volume_kms_key_id.is_empty() {
            object
                .set(
                    &["spec", "resourceConfig", "volumeKmsKeyId"],
                    resources.volume_kms_key_id.clone(),
                );
        }
    }
    if let Some(stopping_condition) = &job.stopping_condition {
        if stopping_condition.max_runtime_seconds != 0 {
            object
                .set(
                    &["spec", "stoppingCondition", "maxRuntimeInSeconds"],
                    stopping_condition.max_runtime_seconds,
                );
        }
        if stopping_condition.max_wait_seconds != 0 {
            object
                .set(
                    &["spec", "stoppingCondition", "maxWaitTimeInSeconds"],
                    stopping_condition.max_wait_seconds,
                );
        }
    }
    if job.enable_managed_spot_training {
        object
            .set(
                &["spec", "enableManagedSpotTraining"],
                job.enable_managed_spot_training,
            );
    }
    if let Some(checkpoint) = &job.checkpoint {
        if !checkpoint.s3_uri.is_empty() {
            object
                .set(&["spec", "checkpointConfig", "s3Uri"], checkpoint.s3_uri.clone());
        }
        if !checkpoint.local_path.is_empty() {
            object
                .set(
                    &["spec", "checkpointConfig", "localPath"],
                    checkpoint.local_path.clone(),
                );
        }
    }
    if let Some(vpc) = &job.vpc {
        if !vpc.security_group_ids.is_empty() {
            object
                .set(
                    &["spec", "vpcConfig", "securityGroupIds"],
                    vpc.security_group_ids.clone(),
                );
        }
        if !vpc.subnets.is_empty() {
            object.set(&["spec", "vpcConfig", "subnets"], vpc.subnets.clone());
        }
    }
    if !job.output_path.is_empty() {
        object
            .set(&["spec", "outputDataConfig", "s3OutputPath"], job.output_path.clone());
    }
    if !job.output_kms_key_id.is_empty() {
        object
            .set(
                &["spec", "outputDataConfig", "kmsKeyId"],
                job.output_kms_key_id.clone(),
            );
    }
    if job.enable_network_isolation {
        object.set(&["spec", "enableNetworkIsolation"], job.enable_network_isolation);
    }
    if job.enable_inter_container_traffic_encryption {
        object
            .set(
                &["spec", "enableInterContainerTrafficEncryption"],
                job.enable_inter_container_traffic_encryption,
            );
    }
    for (key, value) in &job.tags {
        object.entry(&["spec", "tags"], key, value.clone(), Shape::KeyValue);
    }
    if !job.role_arn.is_empty() {
        object.set(&["spec", "roleArn"], job.role_arn.clone());
    }
    if !job.region.is_empty() {
        object.set(&["spec", "region"], job.region.clone());
    }
    object.set_if_absent(&["spec", "trainingJobName"], cx.job_name.clone());
    if !job.algorithm_name.is_empty() {
        let image = cx
            .prebuilt_image(
                "algorithm_name",
                &job.algorithm_name,
                &job.algorithm_version,
                &job.region,
            )?;
        object
            .set_if_absent(&["spec", "algorithmSpecification", "trainingImage"], image);
    }
    Ok(object.into_value())
}

/// Log links of `ack` `TrainingJob`, rendered from the object.
const LOG_LINKS_ACK: &[(&str, &[Part])] = &[
    (
        "CloudWatch Logs",
        &[
            Part::Lit("https://"),
            Part::Path(&["metadata", "annotations", "services.k8s.aws/region"]),
            Part::Lit(".console.aws.amazon.com/cloudwatch/home?region="),
            Part::Path(&["metadata", "annotations", "services.k8s.aws/region"]),
            Part::Lit("#logStream:group=/aws/sagemaker/TrainingJobs;prefix="),
            Part::Path(&["spec", "trainingJobName"]),
            Part::Lit(";streamFilter=typeLogStreamPrefix"),
        ],
    ),
    (
        "SageMaker Training Job",
        &[
            Part::Lit("https://"),
            Part::Path(&["metadata", "annotations", "services.k8s.aws/region"]),
            Part::Lit(".console.aws.amazon.com/sagemaker/home?region="),
            Part::Path(&["metadata", "annotations", "services.k8s.aws/region"]),
            Part::Lit("#/jobs/"),
            Part::Path(&["spec", "trainingJobName"]),
        ],
    ),
];

/// Task outputs read from a succeeded `ack` `TrainingJob`.
const OUTPUTS_ACK: &[(&str, OutputKind, &[Part])] = &[
    (
        "model",
        OutputKind::Blob {
            format: "tar.gz",
            multipart: false,
        },
        &[Part::Path(&["status", "modelArtifacts", "s3ModelArtifacts"])],
    ),
];

/// Status of `ack` `TrainingJob` as a Flyte phase, per the declared rules (first match wins).
fn phase_ack(object: &Value) -> (Phase, String) {
    let status = cr::text(object, &["status", "trainingJobStatus"]);
    if let Some(condition) = cr::condition_true(object, "ACK.Terminal") {
        return (
            Phase::PermanentFailure,
            cr::render_lossy(
                object,
                Some(&condition),
                &[
                    Part::Lit(
                        "The ACK controller cannot create or sync the training job: ",
                    ),
                    Part::ConditionMessage,
                ],
            ),
        );
    }
    if matches!(status.as_str(), "InProgress")
        && matches!(
            cr::text(object, & ["status", "secondaryStatus"]).as_str(), "Starting" |
            "Downloading" | "LaunchingMLInstances" | "PreparingTraining" |
            "DownloadingTrainingImage"
        )
    {
        return (
            Phase::Initializing,
            cr::render_lossy(object, None, &[Part::Path(&["status", "secondaryStatus"])]),
        );
    }
    if matches!(status.as_str(), "InProgress")
        && matches!(
            cr::text(object, & ["status", "secondaryStatus"]).as_str(), "Pending"
        )
    {
        return (
            Phase::WaitingForResources,
            cr::render_lossy(
                object,
                None,
                &[
                    Part::Lit("Waiting for compute capacity ("),
                    Part::Path(&["status", "secondaryStatus"]),
                    Part::Lit(")"),
                ],
            ),
        );
    }
    if matches!(status.as_str(), "InProgress" | "Stopping") {
        return (
            Phase::Running,
            cr::render_lossy(object, None, &[Part::Path(&["status", "secondaryStatus"])]),
        );
    }
    if matches!(status.as_str(), "Completed") {
        return (
            Phase::Succeeded,
            cr::render_lossy(object, None, &[Part::Lit("Training job completed")]),
        );
    }
    if matches!(status.as_str(), "Failed") {
        return (
            Phase::PermanentFailure,
            cr::render_lossy(
                object,
                None,
                &[
                    Part::Lit("Training job failed: "),
                    Part::Path(&["status", "failureReason"]),
                ],
            ),
        );
    }
    if matches!(status.as_str(), "Stopped")
        && matches!(
            cr::text(object, & ["status", "secondaryStatus"]).as_str(),
            "MaxRuntimeExceeded" | "MaxWaitTimeExceeded"
        )
    {
        return (
            Phase::PermanentFailure,
            cr::render_lossy(
                object,
                None,
                &[
                    Part::Lit("Training job timed out ("),
                    Part::Path(&["status", "secondaryStatus"]),
                    Part::Lit(
                        "); raise the limits in stopping_condition if it needs more time",
                    ),
                ],
            ),
        );
    }
    if matches!(status.as_str(), "Stopped") {
        return (
            Phase::Aborted,
            cr::render_lossy(object, None, &[Part::Lit("Training job was stopped")]),
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
                &[Part::Lit("Waiting for the ACK controller to create the training job")],
            ),
        );
    }
    (
        Phase::Running,
        cr::render_lossy(
            object,
            None,
            &[
                Part::Lit("SageMaker reports an unrecognised training job status: "),
                Part::Path(&["status", "trainingJobStatus"]),
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

/// Log links of `operator` `TrainingJob`, rendered from the object.
const LOG_LINKS_OPERATOR: &[(&str, &[Part])] = &[
    (
        "CloudWatch Logs",
        &[
            Part::Lit("https://"),
            Part::Path(&["spec", "region"]),
            Part::Lit(".console.aws.amazon.com/cloudwatch/home?region="),
            Part::Path(&["spec", "region"]),
            Part::Lit("#logStream:group=/aws/sagemaker/TrainingJobs;prefix="),
            Part::Path(&["spec", "trainingJobName"]),
            Part::Lit(";streamFilter=typeLogStreamPrefix"),
        ],
    ),
    (
        "SageMaker Training Job",
        &[
            Part::Lit("https://"),
            Part::Path(&["spec", "region"]),
            Part::Lit(".console.aws.amazon.com/sagemaker/home?region="),
            Part::Path(&["spec", "region"]),
            Part::Lit("#/jobs/"),
            Part::Path(&["spec", "trainingJobName"]),
        ],
    ),
];

/// Task outputs read from a succeeded `operator` `TrainingJob`.
const OUTPUTS_OPERATOR: &[(&str, OutputKind, &[Part])] = &[
    (
        "model",
        OutputKind::Blob {
            format: "tar.gz",
            multipart: false,
        },
        &[
            Part::Path(&["spec", "outputDataConfig", "s3OutputPath"]),
            Part::Lit("/"),
            Part::Path(&["status", "sageMakerTrainingJobName"]),
            Part::Lit("/output/model.tar.gz"),
        ],
    ),
];

/// Status of `operator` `TrainingJob` as a Flyte phase, per the declared rules (first match wins).
fn phase_operator(object: &Value) -> (Phase, String) {
    let status = cr::text(object, &["status", "trainingJobStatus"]);
    if matches!(status.as_str(), "") {
        return (
            Phase::Queued,
            cr::render_lossy(
                object,
                None,
                &[
                    Part::Lit(
                        "Waiting for the SageMaker operator to pick up the training job",
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
                &[Part::Lit("The SageMaker operator is creating the training job")],
            ),
        );
    }
    if matches!(status.as_str(), "ReconcilingTrainingJob") {
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
    if matches!(status.as_str(), "InProgress")
        && matches!(
            cr::text(object, & ["status", "secondaryStatus"]).as_str(), "Starting" |
            "Downloading" | "LaunchingMLInstances" | "PreparingTraining" |
            "DownloadingTrainingImage"
        )
    {
        return (
            Phase::Initializing,
            cr::render_lossy(object, None, &[Part::Path(&["status", "secondaryStatus"])]),
        );
    }
    if matches!(status.as_str(), "InProgress")
        && matches!(
            cr::text(object, & ["status", "secondaryStatus"]).as_str(), "Pending"
        )
    {
        return (
            Phase::WaitingForResources,
            cr::render_lossy(
                object,
                None,
                &[
                    Part::Lit("Waiting for compute capacity ("),
                    Part::Path(&["status", "secondaryStatus"]),
                    Part::Lit(")"),
                ],
            ),
        );
    }
    if matches!(status.as_str(), "InProgress" | "Stopping") {
        return (
            Phase::Running,
            cr::render_lossy(object, None, &[Part::Path(&["status", "secondaryStatus"])]),
        );
    }
    if matches!(status.as_str(), "Completed") {
        return (
            Phase::Succeeded,
            cr::render_lossy(object, None, &[Part::Lit("Training job completed")]),
        );
    }
    if matches!(status.as_str(), "Failed") {
        return (
            Phase::PermanentFailure,
            cr::render_lossy(
                object,
                None,
                &[
                    Part::Lit("Training job failed: "),
                    Part::Path(&["status", "additional"]),
                ],
            ),
        );
    }
    if matches!(status.as_str(), "Stopped")
        && matches!(
            cr::text(object, & ["status", "secondaryStatus"]).as_str(),
            "MaxRuntimeExceeded" | "MaxWaitTimeExceeded"
        )
    {
        return (
            Phase::PermanentFailure,
            cr::render_lossy(
                object,
                None,
                &[
                    Part::Lit("Training job timed out ("),
                    Part::Path(&["status", "secondaryStatus"]),
                    Part::Lit(
                        "); raise the limits in stopping_condition if it needs more time",
                    ),
                ],
            ),
        );
    }
    if matches!(status.as_str(), "Stopped") {
        return (
            Phase::Aborted,
            cr::render_lossy(object, None, &[Part::Lit("Training job was stopped")]),
        );
    }
    (
        Phase::Running,
        cr::render_lossy(
            object,
            None,
            &[
                Part::Lit(
                    "The SageMaker operator reports an unrecognised training job status: ",
                ),
                Part::Path(&["status", "trainingJobStatus"]),
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
