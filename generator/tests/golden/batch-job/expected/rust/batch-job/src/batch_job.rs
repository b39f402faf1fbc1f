// @generated from batchjob/batch_job.proto by `cargo run -p generator`. Do not edit: change the .proto and regenerate.
//! Task type `example-batch-job` (payload `flyteplugin.batchjob.BatchJob`): decoding, inputs, and the mapping onto every target.

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

use serde_json::Value;

/// The object this task type creates in each target.
pub const RESOURCES: &[ResourceDef] = &[
    ResourceDef {
        target: "batch",
        api_version: "batch/v1",
        kind: "Job",
        plural: "jobs",
        namespaced: true,
        name_max_length: 63,
        name_pattern: "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$",
        name_shape: machinery::naming::NameShape::Plain,
        reads: &[&["status", "conditions"], &["status", "startTime"]],
        allowlisted: &[],
    },
];

/// Decodes `TaskTemplate.custom`, applies task inputs, defaults and validation, and builds the object for the configured target (without `apiVersion`, `kind`, name and namespace, which the machinery sets).
pub fn build(request: &BuildRequest<'_>) -> Result<Value, InvalidInput> {
    let mut job: crate::model::BatchJob = machinery::decode::message(
        &crate::descriptor::POOL,
        "flyteplugin.batchjob.BatchJob",
        request.custom,
    )?;
    apply_inputs(&mut job, request.inputs)?;
    job.apply_defaults(request.context);
    let container = request.context.container_image.is_some()
        || request.context.container_command.is_some();
    job.validate("", request.target, container)?;
    match request.target {
        "batch" => build_batch(&job, request.context),
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
        "batch" => interpret_batch(object, settings),
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
    job: &mut crate::model::BatchJob,
    inputs: &Inputs,
) -> Result<(), InvalidInput> {
    if let Some(value) = inputs.integer("parallel_pods")? {
        job.parallelism = i32::try_from(value)
            .map_err(|_| InvalidInput::new(
                concat!("inputs.", "parallel_pods"),
                "out of range",
            ))?;
    }
    Ok(())
}

/// Maps the payload onto `batch` `Job` field by field.
fn build_batch(
    job: &crate::model::BatchJob,
    _cx: &BuildContext,
) -> Result<Value, InvalidInput> {
    let mut object = cr::Object::new();
    for item in &job.containers {
        let mut element = cr::Object::new();
        if !item.name.is_empty() {
            element.set(&["name"], item.name.clone());
        }
        if !item.image.is_empty() {
            element.set(&["image"], item.image.clone());
        }
        if !item.command.is_empty() {
            element.set(&["command"], item.command.clone());
        }
        for (key, value) in &item.env {
            element.entry(&["env"], key, value.clone(), Shape::NameValue);
        }
        if let Some(api) = item.image_pull_policy().api() {
            element.set(&["imagePullPolicy"], api);
        }
        object.push(&["spec", "template", "spec", "containers"], element.into_value());
    }
    if job.parallelism != 0 {
        object.set(&["spec", "parallelism"], job.parallelism);
    }
    if job.backoff_limit != 0 {
        object.set(&["spec", "backoffLimit"], job.backoff_limit);
    }
    if let Some(d) = &job.active_deadline {
        object.set(&["spec", "activeDeadlineSeconds"], d.seconds);
    }
    Ok(object.into_value())
}

/// Log links of `batch` `Job`, rendered from the object.
const LOG_LINKS_BATCH: &[(&str, &[Part])] = &[];

/// Task outputs read from a succeeded `batch` `Job`.
const OUTPUTS_BATCH: &[(&str, OutputKind, &[Part])] = &[];

/// Status of `batch` `Job` as a Flyte phase, per the declared rules (first match wins).
fn phase_batch(object: &Value) -> (Phase, String) {
    let status = cr::text(object, &["status", "startTime"]);
    if let Some(condition) = cr::condition_true(object, "Complete") {
        return (Phase::Succeeded, cr::render_lossy(object, Some(&condition), &[]));
    }
    if let Some(condition) = cr::condition_true(object, "Failed") {
        return (
            Phase::PermanentFailure,
            cr::render_lossy(
                object,
                Some(&condition),
                &[Part::ConditionReason, Part::Lit(": "), Part::ConditionMessage],
            ),
        );
    }
    if matches!(status.as_str(), "") {
        return (
            Phase::Queued,
            cr::render_lossy(object, None, &[Part::Lit("waiting for the Job to start")]),
        );
    }
    (Phase::Running, cr::render_lossy(object, None, &[]))
}

fn interpret_batch(object: &Value, settings: &PluginSettings) -> Interpretation {
    let (phase, message) = phase_batch(object);
    let log_links = LOG_LINKS_BATCH
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
        OUTPUTS_BATCH
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
