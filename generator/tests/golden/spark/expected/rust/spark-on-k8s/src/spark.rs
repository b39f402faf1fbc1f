// @generated from spark/spark_application.proto by `cargo run -p generator`. Do not edit: change the .proto and regenerate.
//! Task type `spark-on-k8s-application` (payload `flyteplugin.spark.Spark`): decoding, inputs, and the mapping onto every target.

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
        target: "spark-operator",
        api_version: "sparkoperator.k8s.io/v1beta2",
        kind: "SparkApplication",
        plural: "sparkapplications",
        namespaced: true,
        name_max_length: 63,
        name_pattern: "^[a-z]([-a-z0-9]*[a-z0-9])?$",
        name_shape: machinery::naming::NameShape::LetterFirst,
        reads: &[
            &["status", "applicationState", "errorMessage"],
            &["status", "applicationState", "state"],
            &["status", "driverInfo", "webUIAddress"],
            &["status", "driverInfo", "webUIIngressAddress"],
            &["status", "executionAttempts"],
            &["status", "sparkApplicationId"],
        ],
        allowlisted: &[],
    },
];

/// Decodes `TaskTemplate.custom`, applies task inputs, defaults and validation, and builds the object for the configured target (without `apiVersion`, `kind`, name and namespace, which the machinery sets).
pub fn build(request: &BuildRequest<'_>) -> Result<Value, InvalidInput> {
    let mut job: crate::model::Spark = machinery::decode::message(
        &crate::descriptor::POOL,
        "flyteplugin.spark.Spark",
        request.custom,
    )?;
    apply_inputs(&mut job, request.inputs)?;
    job.apply_defaults(request.context);
    let container = request.context.container_image.is_some()
        || request.context.container_command.is_some();
    job.validate("", request.target, container)?;
    match request.target {
        "spark-operator" => build_spark_operator(&job, request.context),
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
        "spark-operator" => interpret_spark_operator(object, settings),
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
    _job: &mut crate::model::Spark,
    _inputs: &Inputs,
) -> Result<(), InvalidInput> {
    Ok(())
}

/// Maps the payload onto `spark-operator` `SparkApplication` field by field.
fn build_spark_operator(
    job: &crate::model::Spark,
    cx: &BuildContext,
) -> Result<Value, InvalidInput> {
    let mut object = cr::Object::new();
    for (key, value) in &job.spark_conf {
        object.entry(&["spec", "sparkConf"], key, value.clone(), Shape::Map);
    }
    for (key, value) in &job.hadoop_conf {
        object.entry(&["spec", "hadoopConf"], key, value.clone(), Shape::Map);
    }
    if let Some(driver) = &job.driver {
        if driver.cores != 0 {
            object.set(&["spec", "driver", "cores"], driver.cores);
        }
        if !driver.memory.is_empty() {
            object.set(&["spec", "driver", "memory"], driver.memory.clone());
        }
        for (key, value) in &driver.node_selector {
            object
                .entry(
                    &["spec", "driver", "nodeSelector"],
                    key,
                    value.clone(),
                    Shape::Map,
                );
        }
    }
    if let Some(executor) = &job.executor {
        if executor.instances != 0 {
            object.set(&["spec", "executor", "instances"], executor.instances);
        }
        if executor.cores != 0 {
            object.set(&["spec", "executor", "cores"], executor.cores);
        }
        if !executor.memory.is_empty() {
            object.set(&["spec", "executor", "memory"], executor.memory.clone());
        }
        for (key, value) in &executor.node_selector {
            object
                .entry(
                    &["spec", "executor", "nodeSelector"],
                    key,
                    value.clone(),
                    Shape::Map,
                );
        }
    }
    if !job.spark_version.is_empty() {
        object.set(&["spec", "sparkVersion"], job.spark_version.clone());
    }
    if !job.application_file.is_empty() {
        object.set(&["spec", "mainApplicationFile"], job.application_file.clone());
    }
    if let Some(d) = &job.time_to_live {
        object.set(&["spec", "timeToLiveSeconds"], d.seconds);
    }
    if let Some(value) = cx.container_command.clone() {
        object.set_if_absent(&["spec", "arguments"], value);
    }
    if let Some(value) = cx.container_image.clone() {
        object.set_if_absent(&["spec", "image"], value);
    }
    if let Some(quantity) = cx.container_resource("requests", "cpu") {
        object.set_if_absent(&["spec", "driver", "coreRequest"], quantity);
    }
    if let Some(quantity) = cx.container_resource("limits", "cpu") {
        object.set_if_absent(&["spec", "driver", "coreLimit"], quantity);
    }
    if let Some(quantity) = cx.container_resource("requests", "memory") {
        object
            .set_if_absent(
                &["spec", "driver", "memory"],
                machinery::container::jvm_memory(
                    "template.container.resources.requests.memory",
                    &quantity,
                )?,
            );
    }
    if let Some(quantity) = cx.container_resource("requests", "cpu") {
        object.set_if_absent(&["spec", "executor", "coreRequest"], quantity);
    }
    if let Some(quantity) = cx.container_resource("limits", "cpu") {
        object.set_if_absent(&["spec", "executor", "coreLimit"], quantity);
    }
    if let Some(quantity) = cx.container_resource("requests", "memory") {
        object
            .set_if_absent(
                &["spec", "executor", "memory"],
                machinery::container::jvm_memory(
                    "template.container.resources.requests.memory",
                    &quantity,
                )?,
            );
    }
    for (key, value) in &cx.container_env {
        object.entry(&["spec", "driver", "env"], key, value.clone(), Shape::NameValue);
    }
    for (key, value) in &cx.container_env {
        object.entry(&["spec", "executor", "env"], key, value.clone(), Shape::NameValue);
    }
    if let Some(value) = cx.service_account.clone() {
        object.set_if_absent(&["spec", "driver", "serviceAccount"], value);
    }
    if let Some(value) = cx.service_account.clone() {
        object.set_if_absent(&["spec", "executor", "serviceAccount"], value);
    }
    for (key, value) in &cx.labels {
        object.entry(&["spec", "driver", "labels"], key, value.clone(), Shape::Map);
    }
    for (key, value) in &cx.labels {
        object.entry(&["spec", "executor", "labels"], key, value.clone(), Shape::Map);
    }
    for (key, value) in &cx.annotations {
        object.entry(&["spec", "driver", "annotations"], key, value.clone(), Shape::Map);
    }
    for (key, value) in &cx.annotations {
        object
            .entry(&["spec", "executor", "annotations"], key, value.clone(), Shape::Map);
    }
    object.set(&["spec", "type"], Value::from("Python"));
    object.set(&["spec", "mode"], Value::from("cluster"));
    object
        .set(
            &["spec", "restartPolicy"],
            Value::Object(
                serde_json::Map::from_iter([
                    (String::from("type"), Value::from("Never")),
                ]),
            ),
        );
    Ok(object.into_value())
}

/// Log links of `spark-operator` `SparkApplication`, rendered from the object.
const LOG_LINKS_SPARK_OPERATOR: &[(&str, &[Part])] = &[
    ("Spark UI", &[Part::Path(&["status", "driverInfo", "webUIIngressAddress"])]),
    (
        "Spark UI (in cluster)",
        &[Part::Lit("http://"), Part::Path(&["status", "driverInfo", "webUIAddress"])],
    ),
    (
        "Spark history",
        &[
            Part::Setting("sparkHistoryServerUrl"),
            Part::Lit("/history/"),
            Part::Path(&["status", "sparkApplicationId"]),
            Part::Lit("/jobs/"),
        ],
    ),
];

/// Task outputs read from a succeeded `spark-operator` `SparkApplication`.
const OUTPUTS_SPARK_OPERATOR: &[(&str, OutputKind, &[Part])] = &[];

/// Status of `spark-operator` `SparkApplication` as a Flyte phase, per the declared rules (first match wins).
fn phase_spark_operator(object: &Value) -> (Phase, String) {
    let status = cr::text(object, &["status", "applicationState", "state"]);
    if matches!(status.as_str(), "") {
        return (
            Phase::Queued,
            cr::render_lossy(
                object,
                None,
                &[Part::Lit("Waiting for the Spark operator to submit the application")],
            ),
        );
    }
    if matches!(status.as_str(), "SUBMITTED") {
        return (
            Phase::Initializing,
            cr::render_lossy(
                object,
                None,
                &[Part::Lit("Submitted; waiting for the driver pod to run")],
            ),
        );
    }
    if matches!(status.as_str(), "RUNNING") {
        return (
            Phase::Running,
            cr::render_lossy(
                object,
                None,
                &[
                    Part::Lit("Spark application running (id "),
                    Part::PathOr(&["status", "sparkApplicationId"], "not yet known"),
                    Part::Lit(", attempt "),
                    Part::PathOr(&["status", "executionAttempts"], "1"),
                    Part::Lit(")"),
                ],
            ),
        );
    }
    if matches!(status.as_str(), "SUCCEEDING") {
        return (
            Phase::Running,
            cr::render_lossy(
                object,
                None,
                &[
                    Part::Lit(
                        "The driver has finished; the operator is completing the application",
                    ),
                ],
            ),
        );
    }
    if matches!(status.as_str(), "FAILING") {
        return (
            Phase::Running,
            cr::render_lossy(
                object,
                None,
                &[
                    Part::Lit(
                        "The driver has failed; the operator is ending the application: ",
                    ),
                    Part::PathOr(
                        &["status", "applicationState", "errorMessage"],
                        "no message",
                    ),
                ],
            ),
        );
    }
    if matches!(status.as_str(), "SUBMISSION_FAILED") {
        return (
            Phase::Running,
            cr::render_lossy(
                object,
                None,
                &[
                    Part::Lit(
                        "spark-submit failed; the operator is ending the application: ",
                    ),
                    Part::PathOr(
                        &["status", "applicationState", "errorMessage"],
                        "no message",
                    ),
                ],
            ),
        );
    }
    if matches!(status.as_str(), "UNKNOWN") {
        return (
            Phase::Running,
            cr::render_lossy(
                object,
                None,
                &[
                    Part::Lit(
                        "The driver pod's state is unknown (its node may be unreachable)",
                    ),
                ],
            ),
        );
    }
    if matches!(status.as_str(), "INVALIDATING" | "PENDING_RERUN") {
        return (
            Phase::Queued,
            cr::render_lossy(
                object,
                None,
                &[
                    Part::Lit("The application changed; the operator resubmits it ("),
                    Part::Path(&["status", "applicationState", "state"]),
                    Part::Lit(")"),
                ],
            ),
        );
    }
    if matches!(status.as_str(), "SUSPENDING" | "SUSPENDED" | "RESUMING") {
        return (
            Phase::Queued,
            cr::render_lossy(
                object,
                None,
                &[
                    Part::Lit("The application is "),
                    Part::Path(&["status", "applicationState", "state"]),
                    Part::Lit(" (spec.suspend)"),
                ],
            ),
        );
    }
    if matches!(status.as_str(), "COMPLETED") {
        return (
            Phase::Succeeded,
            cr::render_lossy(object, None, &[Part::Lit("Spark application completed")]),
        );
    }
    static RULE_10_PATTERN_0: cr::Pattern = cr::Pattern::new(
        "^(failed to (submit|configure|process)|driver pod not found)",
    );
    if matches!(status.as_str(), "FAILED")
        && RULE_10_PATTERN_0
            .is_match(&cr::text(object, &["status", "applicationState", "errorMessage"]))
    {
        return (
            Phase::RetryableFailure,
            cr::render_lossy(
                object,
                None,
                &[
                    Part::Lit("Spark application not run: "),
                    Part::Path(&["status", "applicationState", "errorMessage"]),
                ],
            ),
        );
    }
    if matches!(status.as_str(), "FAILED") {
        return (
            Phase::PermanentFailure,
            cr::render_lossy(
                object,
                None,
                &[
                    Part::Lit("Spark application failed: "),
                    Part::PathOr(
                        &["status", "applicationState", "errorMessage"],
                        "no message",
                    ),
                ],
            ),
        );
    }
    (
        Phase::Running,
        cr::render_lossy(
            object,
            None,
            &[
                Part::Lit("SparkApplication "),
                Part::Path(&["status", "applicationState", "state"]),
            ],
        ),
    )
}

fn interpret_spark_operator(
    object: &Value,
    settings: &PluginSettings,
) -> Interpretation {
    let (phase, message) = phase_spark_operator(object);
    let log_links = LOG_LINKS_SPARK_OPERATOR
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
        OUTPUTS_SPARK_OPERATOR
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
