// @generated from ray/ray_job.proto by `cargo run -p generator`. Do not edit: change the .proto and regenerate.
//! Task type `kuberay-ray-job` (payload `flyteplugin.ray.RayJob`): decoding, inputs, and the mapping onto every target.

#![allow(
    clippy::collapsible_if,
    reason = "one `if` per field keeps each assignment readable on its own"
)]
use machinery::cr::{self, Part, Seg, Shape};
use machinery::inputs::Inputs;
use machinery::plugin::{
    read_output, BuildContext, BuildRequest, Interpretation, InvalidInput, LogLink,
    OutputKind, Phase, PluginSettings, ResourceDef,
};

use serde_json::Value;

/// The object this task type creates in each target.
pub const RESOURCES: &[ResourceDef] = &[
    ResourceDef {
        target: "kuberay",
        api_version: "ray.io/v1",
        kind: "RayJob",
        plural: "rayjobs",
        namespaced: true,
        name_max_length: 47,
        name_pattern: "^[a-z]([-a-z0-9]*[a-z0-9])?$",
        name_shape: machinery::naming::NameShape::LetterFirst,
        reads: &[
            &["status", "dashboardURL"],
            &["status", "failed"],
            &["status", "jobDeploymentStatus"],
            &["status", "jobId"],
            &["status", "jobStatus"],
            &["status", "message"],
            &["status", "rayClusterName"],
            &["status", "rayClusterStatus", "desiredWorkerReplicas"],
            &["status", "rayClusterStatus", "readyWorkerReplicas"],
            &["status", "reason"],
        ],
        allowlisted: &[],
    },
];

/// Decodes `TaskTemplate.custom`, applies task inputs, defaults and validation, and builds the object for the configured target (without `apiVersion`, `kind`, name and namespace, which the machinery sets).
pub fn build(request: &BuildRequest<'_>) -> Result<Value, InvalidInput> {
    let mut job: crate::model::RayJob = machinery::decode::message(
        &crate::descriptor::POOL,
        "flyteplugin.ray.RayJob",
        request.custom,
    )?;
    apply_inputs(&mut job, request.inputs)?;
    job.apply_defaults(request.context);
    let container = request.context.container_image.is_some()
        || request.context.container_command.is_some();
    job.validate("", request.target, container)?;
    match request.target {
        "kuberay" => build_kuberay(&job, request.context),
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
        "kuberay" => interpret_kuberay(object, settings),
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
    _job: &mut crate::model::RayJob,
    _inputs: &Inputs,
) -> Result<(), InvalidInput> {
    Ok(())
}

/// Maps the payload onto `kuberay` `RayJob` field by field.
fn build_kuberay(
    job: &crate::model::RayJob,
    cx: &BuildContext,
) -> Result<Value, InvalidInput> {
    let mut object = cr::Object::new();
    if let Some(head) = &job.head {
        for (key, value) in &head.ray_start_params {
            object
                .entry(
                    &["spec", "rayClusterSpec", "headGroupSpec", "rayStartParams"],
                    key,
                    value.clone(),
                    Shape::Map,
                );
        }
        for (key, value) in &head.node_selector {
            object
                .entry(
                    &[
                        "spec",
                        "rayClusterSpec",
                        "headGroupSpec",
                        "template",
                        "spec",
                        "nodeSelector",
                    ],
                    key,
                    value.clone(),
                    Shape::Map,
                );
        }
    }
    if let Some(workers) = &job.workers {
        if workers.replicas != 0 {
            object
                .set_at(
                    &[
                        Seg::Key("spec"),
                        Seg::Key("rayClusterSpec"),
                        Seg::Key("workerGroupSpecs"),
                        Seg::Match("groupName", "workers"),
                        Seg::Key("replicas"),
                    ],
                    workers.replicas,
                );
        }
        if let Some(v) = workers.min_replicas {
            object
                .set_at(
                    &[
                        Seg::Key("spec"),
                        Seg::Key("rayClusterSpec"),
                        Seg::Key("workerGroupSpecs"),
                        Seg::Match("groupName", "workers"),
                        Seg::Key("minReplicas"),
                    ],
                    v,
                );
        }
        if workers.max_replicas != 0 {
            object
                .set_at(
                    &[
                        Seg::Key("spec"),
                        Seg::Key("rayClusterSpec"),
                        Seg::Key("workerGroupSpecs"),
                        Seg::Match("groupName", "workers"),
                        Seg::Key("maxReplicas"),
                    ],
                    workers.max_replicas,
                );
        }
        for (key, value) in &workers.ray_start_params {
            object
                .entry_at(
                    &[
                        Seg::Key("spec"),
                        Seg::Key("rayClusterSpec"),
                        Seg::Key("workerGroupSpecs"),
                        Seg::Match("groupName", "workers"),
                        Seg::Key("rayStartParams"),
                    ],
                    key,
                    value.clone(),
                    Shape::Map,
                );
        }
        for (key, value) in &workers.node_selector {
            object
                .entry_at(
                    &[
                        Seg::Key("spec"),
                        Seg::Key("rayClusterSpec"),
                        Seg::Key("workerGroupSpecs"),
                        Seg::Match("groupName", "workers"),
                        Seg::Key("template"),
                        Seg::Key("spec"),
                        Seg::Key("nodeSelector"),
                    ],
                    key,
                    value.clone(),
                    Shape::Map,
                );
        }
    }
    if job.shutdown_after_job_finishes {
        object
            .set(&["spec", "shutdownAfterJobFinishes"], job.shutdown_after_job_finishes);
    }
    if let Some(d) = &job.ttl_after_finished {
        object.set(&["spec", "ttlSecondsAfterFinished"], d.seconds);
    }
    if let Some(d) = &job.active_deadline {
        object.set(&["spec", "activeDeadlineSeconds"], d.seconds);
    }
    if !job.runtime_env_yaml.is_empty() {
        object.set(&["spec", "runtimeEnvYAML"], job.runtime_env_yaml.clone());
    }
    if job.enable_autoscaling {
        object
            .set(
                &["spec", "rayClusterSpec", "enableInTreeAutoscaling"],
                job.enable_autoscaling,
            );
    }
    if let Some(line) = cx.container_command_line()? {
        object.set_if_absent(&["spec", "entrypoint"], line);
    }
    if let Some(value) = cx.container_image.clone() {
        object
            .set_if_absent_at(
                &[
                    Seg::Key("spec"),
                    Seg::Key("rayClusterSpec"),
                    Seg::Key("headGroupSpec"),
                    Seg::Key("template"),
                    Seg::Key("spec"),
                    Seg::Key("containers"),
                    Seg::Match("name", "ray-head"),
                    Seg::Key("image"),
                ],
                value,
            );
    }
    if let Some(value) = cx.container_resources.clone() {
        object
            .set_if_absent_at(
                &[
                    Seg::Key("spec"),
                    Seg::Key("rayClusterSpec"),
                    Seg::Key("headGroupSpec"),
                    Seg::Key("template"),
                    Seg::Key("spec"),
                    Seg::Key("containers"),
                    Seg::Match("name", "ray-head"),
                    Seg::Key("resources"),
                ],
                value,
            );
    }
    for (key, value) in &cx.container_env {
        object
            .entry_at(
                &[
                    Seg::Key("spec"),
                    Seg::Key("rayClusterSpec"),
                    Seg::Key("headGroupSpec"),
                    Seg::Key("template"),
                    Seg::Key("spec"),
                    Seg::Key("containers"),
                    Seg::Match("name", "ray-head"),
                    Seg::Key("env"),
                ],
                key,
                value.clone(),
                Shape::NameValue,
            );
    }
    if let Some(value) = cx.service_account.clone() {
        object
            .set_if_absent(
                &[
                    "spec",
                    "rayClusterSpec",
                    "headGroupSpec",
                    "template",
                    "spec",
                    "serviceAccountName",
                ],
                value,
            );
    }
    for (key, value) in &cx.labels {
        object
            .entry(
                &[
                    "spec",
                    "rayClusterSpec",
                    "headGroupSpec",
                    "template",
                    "metadata",
                    "labels",
                ],
                key,
                value.clone(),
                Shape::Map,
            );
    }
    if let Some(value) = cx.container_image.clone() {
        object
            .set_if_absent_at(
                &[
                    Seg::Key("spec"),
                    Seg::Key("rayClusterSpec"),
                    Seg::Key("workerGroupSpecs"),
                    Seg::Match("groupName", "workers"),
                    Seg::Key("template"),
                    Seg::Key("spec"),
                    Seg::Key("containers"),
                    Seg::Match("name", "ray-worker"),
                    Seg::Key("image"),
                ],
                value,
            );
    }
    if let Some(value) = cx.container_resources.clone() {
        object
            .set_if_absent_at(
                &[
                    Seg::Key("spec"),
                    Seg::Key("rayClusterSpec"),
                    Seg::Key("workerGroupSpecs"),
                    Seg::Match("groupName", "workers"),
                    Seg::Key("template"),
                    Seg::Key("spec"),
                    Seg::Key("containers"),
                    Seg::Match("name", "ray-worker"),
                    Seg::Key("resources"),
                ],
                value,
            );
    }
    for (key, value) in &cx.container_env {
        object
            .entry_at(
                &[
                    Seg::Key("spec"),
                    Seg::Key("rayClusterSpec"),
                    Seg::Key("workerGroupSpecs"),
                    Seg::Match("groupName", "workers"),
                    Seg::Key("template"),
                    Seg::Key("spec"),
                    Seg::Key("containers"),
                    Seg::Match("name", "ray-worker"),
                    Seg::Key("env"),
                ],
                key,
                value.clone(),
                Shape::NameValue,
            );
    }
    if let Some(value) = cx.service_account.clone() {
        object
            .set_if_absent_at(
                &[
                    Seg::Key("spec"),
                    Seg::Key("rayClusterSpec"),
                    Seg::Key("workerGroupSpecs"),
                    Seg::Match("groupName", "workers"),
                    Seg::Key("template"),
                    Seg::Key("spec"),
                    Seg::Key("serviceAccountName"),
                ],
                value,
            );
    }
    for (key, value) in &cx.labels {
        object
            .entry_at(
                &[
                    Seg::Key("spec"),
                    Seg::Key("rayClusterSpec"),
                    Seg::Key("workerGroupSpecs"),
                    Seg::Match("groupName", "workers"),
                    Seg::Key("template"),
                    Seg::Key("metadata"),
                    Seg::Key("labels"),
                ],
                key,
                value.clone(),
                Shape::Map,
            );
    }
    object.set(&["spec", "submissionMode"], Value::from("K8sJobMode"));
    Ok(object.into_value())
}

/// Log links of `kuberay` `RayJob`, rendered from the object.
const LOG_LINKS_KUBERAY: &[(&str, &[Part])] = &[
    ("Ray dashboard", &[Part::Lit("http://"), Part::Path(&["status", "dashboardURL"])]),
    (
        "Ray job",
        &[
            Part::Setting("dashboardBaseUrl"),
            Part::Lit("/"),
            Part::Path(&["metadata", "namespace"]),
            Part::Lit("/"),
            Part::Path(&["status", "rayClusterName"]),
            Part::Lit("/#/jobs/"),
            Part::Path(&["status", "jobId"]),
        ],
    ),
];

/// Task outputs read from a succeeded `kuberay` `RayJob`.
const OUTPUTS_KUBERAY: &[(&str, OutputKind, &[Part])] = &[];

/// Status of `kuberay` `RayJob` as a Flyte phase, per the declared rules (first match wins).
fn phase_kuberay(object: &Value) -> (Phase, String) {
    let status = cr::text(object, &["status", "jobDeploymentStatus"]);
    if matches!(status.as_str(), "") {
        return (
            Phase::Queued,
            cr::render_lossy(
                object,
                None,
                &[Part::Lit("Waiting for the KubeRay operator")],
            ),
        );
    }
    if matches!(status.as_str(), "Initializing") {
        return (
            Phase::Initializing,
            cr::render_lossy(object, None, &[Part::Lit("Starting the Ray cluster")]),
        );
    }
    if matches!(status.as_str(), "Waiting") {
        return (
            Phase::Initializing,
            cr::render_lossy(
                object,
                None,
                &[Part::Lit("Ray cluster up; waiting for the job to be submitted")],
            ),
        );
    }
    if matches!(status.as_str(), "Running") {
        return (
            Phase::Running,
            cr::render_lossy(
                object,
                None,
                &[
                    Part::Lit("Ray job "),
                    Part::PathOr(&["status", "jobStatus"], "PENDING"),
                    Part::Lit(" ("),
                    Part::PathOr(
                        &["status", "rayClusterStatus", "readyWorkerReplicas"],
                        "0",
                    ),
                    Part::Lit(" of "),
                    Part::PathOr(
                        &["status", "rayClusterStatus", "desiredWorkerReplicas"],
                        "0",
                    ),
                    Part::Lit(" workers ready)"),
                ],
            ),
        );
    }
    if matches!(status.as_str(), "Retrying") {
        return (
            Phase::Running,
            cr::render_lossy(
                object,
                None,
                &[
                    Part::Lit("Retrying the Ray job after "),
                    Part::PathOr(&["status", "failed"], "0"),
                    Part::Lit(" failed attempts"),
                ],
            ),
        );
    }
    if matches!(status.as_str(), "Suspending") {
        return (
            Phase::Queued,
            cr::render_lossy(
                object,
                None,
                &[
                    Part::Lit(
                        "Suspending the RayJob (spec.suspend): deleting its cluster",
                    ),
                ],
            ),
        );
    }
    if matches!(status.as_str(), "Suspended") {
        return (
            Phase::Queued,
            cr::render_lossy(
                object,
                None,
                &[Part::Lit("The RayJob is suspended (spec.suspend)")],
            ),
        );
    }
    if matches!(status.as_str(), "Complete")
        && matches!(cr::text(object, & ["status", "jobStatus"]).as_str(), "SUCCEEDED")
    {
        return (
            Phase::Succeeded,
            cr::render_lossy(object, None, &[Part::Lit("Ray job succeeded")]),
        );
    }
    if matches!(status.as_str(), "Complete") {
        return (
            Phase::PermanentFailure,
            cr::render_lossy(
                object,
                None,
                &[
                    Part::Lit("Ray job "),
                    Part::PathOr(&["status", "jobStatus"], "ended"),
                    Part::Lit(": "),
                    Part::PathOr(&["status", "message"], "no message"),
                ],
            ),
        );
    }
    static RULE_9_PATTERN_0: cr::Pattern = cr::Pattern::new("^SubmissionFailed$");
    if matches!(status.as_str(), "Failed")
        && RULE_9_PATTERN_0.is_match(&cr::text(object, &["status", "reason"]))
    {
        return (
            Phase::RetryableFailure,
            cr::render_lossy(
                object,
                None,
                &[
                    Part::Path(&["status", "reason"]),
                    Part::Lit(": "),
                    Part::PathOr(&["status", "message"], "no message"),
                ],
            ),
        );
    }
    if matches!(status.as_str(), "Failed") {
        return (
            Phase::PermanentFailure,
            cr::render_lossy(
                object,
                None,
                &[
                    Part::PathOr(&["status", "reason"], "Failed"),
                    Part::Lit(": "),
                    Part::PathOr(&["status", "message"], "no message"),
                ],
            ),
        );
    }
    (
        Phase::Running,
        cr::render_lossy(
            object,
            None,
            &[Part::Lit("RayJob "), Part::Path(&["status", "jobDeploymentStatus"])],
        ),
    )
}

fn interpret_kuberay(object: &Value, settings: &PluginSettings) -> Interpretation {
    let (phase, message) = phase_kuberay(object);
    let log_links = LOG_LINKS_KUBERAY
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
        OUTPUTS_KUBERAY
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
