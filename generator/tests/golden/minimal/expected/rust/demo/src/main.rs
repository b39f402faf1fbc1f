// @generated from demo/job.proto by `cargo run -p generator`. Do not edit: change the .proto and regenerate.
//! The `demo-plugin` backend binary: the machinery's agent server with this plugin.

fn main() -> std::process::ExitCode {
    machinery::run(&demo_plugin::PLUGIN)
}
