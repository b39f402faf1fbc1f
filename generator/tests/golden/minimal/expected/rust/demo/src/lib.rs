// @generated from demo/job.proto by `cargo run -p generator`. Do not edit: change the .proto and regenerate.
//! : generated plugin crate.
//!
//! Typed payloads (`model`), their defaults and validation (`checks`), and one module per task type with the mapping onto every target. `PLUGIN` is what the machinery serves.

#![cfg_attr(rustfmt, rustfmt::skip)]
#[rustfmt::skip]
pub mod model;

#[rustfmt::skip]
pub mod descriptor;

#[rustfmt::skip]
pub mod checks;

/// Task type `demo-job`.
#[rustfmt::skip]
pub mod job;

/// The plugin as the machinery serves it.
pub static PLUGIN: machinery::plugin::PluginDef = machinery::plugin::PluginDef {
    name: "demo",
    title: "",
    targets: &[
        machinery::plugin::TargetDef {
            id: "t",
            api_version: "example.com/v1",
        },
    ],
    task_types: &[
        machinery::plugin::TaskTypeDef {
            name: "demo-job",
            version: 0i32,
            message: "demo.Job",
            resources: job::RESOURCES,
            outputs: &[],
            build: job::build,
            interpret: job::interpret,
        },
    ],
    settings: &[],
    reads_region: false,
    reads_role: false,
};
