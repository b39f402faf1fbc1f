// @generated from ray/ray_job.proto by `cargo run -p generator`. Do not edit: change the .proto and regenerate.
//! Ray jobs on KubeRay: generated plugin crate.
//!
//! Typed payloads (`model`), their defaults and validation (`checks`), and one module per task type with the mapping onto every target. `PLUGIN` is what the machinery serves.

#![cfg_attr(rustfmt, rustfmt::skip)]
#[rustfmt::skip]
pub mod model;

#[rustfmt::skip]
pub mod descriptor;

#[rustfmt::skip]
pub mod checks;

/// Task type `kuberay-ray-job`.
#[rustfmt::skip]
pub mod ray_job;

/// The plugin as the machinery serves it.
pub static PLUGIN: machinery::plugin::PluginDef = machinery::plugin::PluginDef {
    name: "kuberay",
    title: "Ray jobs on KubeRay",
    targets: &[
        machinery::plugin::TargetDef {
            id: "kuberay",
            api_version: "ray.io/v1",
        },
    ],
    task_types: &[
        machinery::plugin::TaskTypeDef {
            name: "kuberay-ray-job",
            version: 0i32,
            message: "flyteplugin.ray.RayJob",
            resources: ray_job::RESOURCES,
            outputs: &[],
            build: ray_job::build,
            interpret: ray_job::interpret,
        },
    ],
    settings: &[
        machinery::plugin::SettingDef {
            name: "dashboardBaseUrl",
            doc: "Base URL under which the deployment's proxy (an ingress, say) serves each Ray cluster's dashboard as <base>/<namespace>/<cluster>/; empty shows no such link.",
            default: "",
        },
    ],
    reads_region: false,
    reads_role: false,
};
