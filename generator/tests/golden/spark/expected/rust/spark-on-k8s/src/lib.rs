// @generated from spark/spark_application.proto by `cargo run -p generator`. Do not edit: change the .proto and regenerate.
//! Spark applications on the Kubeflow Spark operator: generated plugin crate.
//!
//! Typed payloads (`model`), their defaults and validation (`checks`), and one module per task type with the mapping onto every target. `PLUGIN` is what the machinery serves.

#![cfg_attr(rustfmt, rustfmt::skip)]
#[rustfmt::skip]
pub mod model;

#[rustfmt::skip]
pub mod descriptor;

#[rustfmt::skip]
pub mod checks;

/// Task type `spark-on-k8s-application`.
#[rustfmt::skip]
pub mod spark;

/// The plugin as the machinery serves it.
pub static PLUGIN: machinery::plugin::PluginDef = machinery::plugin::PluginDef {
    name: "spark-on-k8s",
    title: "Spark applications on the Kubeflow Spark operator",
    targets: &[
        machinery::plugin::TargetDef {
            id: "spark-operator",
            api_version: "sparkoperator.k8s.io/v1beta2",
        },
    ],
    task_types: &[
        machinery::plugin::TaskTypeDef {
            name: "spark-on-k8s-application",
            version: 0i32,
            message: "flyteplugin.spark.Spark",
            resources: spark::RESOURCES,
            outputs: &[],
            build: spark::build,
            interpret: spark::interpret,
        },
    ],
    settings: &[
        machinery::plugin::SettingDef {
            name: "sparkHistoryServerUrl",
            doc: "Base URL of the Spark history server that reads these applications' event logs (spark.eventLog.dir), e.g. https://spark-history.example.com; empty shows no history link.",
            default: "",
        },
    ],
    reads_region: false,
    reads_role: false,
};
