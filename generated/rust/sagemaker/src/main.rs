// @generated from sagemaker/sagemaker.proto by `cargo run -p generator`. Do not edit: change the .proto and regenerate.
//! The `sagemaker-plugin` backend binary: the machinery's agent server with this plugin.

fn main() -> std::process::ExitCode {
    machinery::run(&sagemaker_plugin::PLUGIN)
}
