// @generated from sagemaker/sagemaker.proto by `cargo run -p generator`. Do not edit: change the .proto and regenerate.
//! AWS SageMaker training and hyperparameter tuning on Kubernetes: generated plugin crate.
//!
//! Typed payloads (`model`), their defaults and validation (`checks`), and one module per task type with the mapping onto every target. `PLUGIN` is what the machinery serves.

#![cfg_attr(rustfmt, rustfmt::skip)]
#[rustfmt::skip]
pub mod model;

#[rustfmt::skip]
pub mod descriptor;

#[rustfmt::skip]
pub mod checks;

/// Task type `sagemaker-k8s-builtin-training`.
#[rustfmt::skip]
pub mod builtin_algorithm_training_job;

/// Task type `sagemaker-k8s-custom-training`.
#[rustfmt::skip]
pub mod custom_training_job;

/// Task type `sagemaker-k8s-hyperparameter-tuning`.
#[rustfmt::skip]
pub mod hyperparameter_tuning_job;

/// The plugin as the machinery serves it.
pub static PLUGIN: machinery::plugin::PluginDef = machinery::plugin::PluginDef {
    name: "sagemaker",
    title: "AWS SageMaker training and hyperparameter tuning on Kubernetes",
    targets: &[
        machinery::plugin::TargetDef {
            id: "ack",
            api_version: "sagemaker.services.k8s.aws/v1alpha1",
        },
        machinery::plugin::TargetDef {
            id: "operator",
            api_version: "sagemaker.aws.amazon.com/v1",
        },
    ],
    task_types: &[
        machinery::plugin::TaskTypeDef {
            name: "sagemaker-k8s-builtin-training",
            version: 0i32,
            message: "flyteplugin.sagemaker.BuiltinAlgorithmTrainingJob",
            resources: builtin_algorithm_training_job::RESOURCES,
            outputs: &["model"],
            build: builtin_algorithm_training_job::build,
            interpret: builtin_algorithm_training_job::interpret,
        },
        machinery::plugin::TaskTypeDef {
            name: "sagemaker-k8s-custom-training",
            version: 0i32,
            message: "flyteplugin.sagemaker.CustomTrainingJob",
            resources: custom_training_job::RESOURCES,
            outputs: &[],
            build: custom_training_job::build,
            interpret: custom_training_job::interpret,
        },
        machinery::plugin::TaskTypeDef {
            name: "sagemaker-k8s-hyperparameter-tuning",
            version: 0i32,
            message: "flyteplugin.sagemaker.HyperparameterTuningJob",
            resources: hyperparameter_tuning_job::RESOURCES,
            outputs: &["model", "best_training_job", "best_objective_value"],
            build: hyperparameter_tuning_job::build,
            interpret: hyperparameter_tuning_job::interpret,
        },
    ],
    settings: &[],
    reads_region: true,
    reads_role: true,
};
