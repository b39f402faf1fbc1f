// @generated from batchjob/batch_job.proto by `cargo run -p generator`. Do not edit: change the .proto and regenerate.
//! Kubernetes batch Jobs: generated plugin crate.
//!
//! Typed payloads (`model`), their defaults and validation (`checks`), and one module per task type with the mapping onto every target. `PLUGIN` is what the machinery serves.

#![cfg_attr(rustfmt, rustfmt::skip)]
#[rustfmt::skip]
pub mod model;

#[rustfmt::skip]
pub mod descriptor;

#[rustfmt::skip]
pub mod checks;

/// Task type `example-batch-job`.
#[rustfmt::skip]
pub mod batch_job;

/// The plugin as the machinery serves it.
pub static PLUGIN: machinery::plugin::PluginDef = machinery::plugin::PluginDef {
    name: "batch-job",
    title: "Kubernetes batch Jobs",
    targets: &[
        machinery::plugin::TargetDef {
            id: "batch",
            api_version: "batch/v1",
        },
    ],
    task_types: &[
        machinery::plugin::TaskTypeDef {
            name: "example-batch-job",
            version: 0i32,
            message: "flyteplugin.batchjob.BatchJob",
            resources: batch_job::RESOURCES,
            outputs: &[],
            build: batch_job::build,
            interpret: batch_job::interpret,
        },
    ],
    settings: &[],
    reads_region: false,
    reads_role: false,
};
