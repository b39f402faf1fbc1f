// @generated from demo/job.proto by `cargo run -p generator`. Do not edit: change the .proto and regenerate.
//! Task type `demo-job` (payload `demo.Job`): decoding, inputs, and the mapping onto every target.

#![allow(
    clippy::collapsible_if,
    reason = "one `if` per field keeps each assignment readable on its own"
)]
use machinery::cr::{self, Part};
use machinery::inputs::Inputs;
use machinery::plugin::{
    read_output, BuildContext, BuildRequest, Interpretation, InvalidInput, LogLink,
    OutputKind, Phase, PluginSettings, ResourceDef,
};

use serde_json::Value;

/// The object this task type creates in each target.
pub const RESOURCES: &[ResourceDef] = &[
    ResourceDef {
        target: "t",
        api_version: "example.com/v1",
        kind: "Widget",
        plural: "widgets",
        namespaced: true,
        name_max_length: 63,
        name_pattern: "^[a-z0-9-]+$",
        name_shape: machinery::naming::NameShape::Plain,
        reads: &[&["status", "state"]],
        allowlisted: &[],
    },
];

/// Decodes `TaskTemplate.custom`, applies task inputs, defaults and validation, and builds the object for the configured target (without `apiVersion`, `kind`, name and namespace, which the machinery sets).
pub fn build(request: &BuildRequest<'_>) -> Result<Value, InvalidInput> {
    let mut job: crate::model::Job = machinery::decode::message(
        &crate::descriptor::POOL,
        "demo.Job",
        request.custom,
    )?;
    apply_inputs(&mut job, request.inputs)?;
    job.apply_defaults(request.context);
    let container = request.context.container_image.is_some()
        || request.context.container_command.is_some();
    job.validate("", request.target, container)?;
    match request.target {
        "t" => build_t(&job, request.context),
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
        "t" => interpret_t(object, settings),
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
    _job: &mut crate::model::Job,
    _inputs: &Inputs,
) -> Result<(), InvalidInput> {
    Ok(())
}

/// Maps the payload onto `t` `Widget` field by field.
fn build_t(job: &crate::model::Job, _cx: &BuildContext) -> Result<Value, InvalidInput> {
    let mut object = cr::Object::new();
    if !job.image.is_empty() {
        object.set(&["spec", "image"], job.image.clone());
    }
    if job.replicas != 0 {
        object.set(&["spec", "replicas"], cr::format_int(job.replicas));
    }
    Ok(object.into_value())
}

/// Log links of `t` `Widget`, rendered from the object.
const LOG_LINKS_T: &[(&str, &[Part])] = &[];

/// Task outputs read from a succeeded `t` `Widget`.
const OUTPUTS_T: &[(&str, OutputKind, &[Part])] = &[];

/// Status of `t` `Widget` as a Flyte phase, per the declared rules (first match wins).
fn phase_t(object: &Value) -> (Phase, String) {
    (Phase::Running, cr::render_lossy(object, None, &[]))
}

fn interpret_t(object: &Value, settings: &PluginSettings) -> Interpretation {
    let (phase, message) = phase_t(object);
    let log_links = LOG_LINKS_T
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
        OUTPUTS_T
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
