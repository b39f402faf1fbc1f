// @generated from ray/ray_job.proto by `cargo run -p generator`. Do not edit: change the .proto and regenerate.
//! The `kuberay-plugin` backend binary: the machinery's agent server with this plugin.

fn main() -> std::process::ExitCode {
    machinery::run(&kuberay_plugin::PLUGIN)
}
