// @generated from spark/spark_application.proto by `cargo run -p generator`. Do not edit: change the .proto and regenerate.
//! The `spark-on-k8s-plugin` backend binary: the machinery's agent server with this plugin.

fn main() -> std::process::ExitCode {
    machinery::run(&spark_on_k8s_plugin::PLUGIN)
}
