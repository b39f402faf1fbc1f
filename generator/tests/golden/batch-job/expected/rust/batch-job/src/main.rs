// @generated from batchjob/batch_job.proto by `cargo run -p generator`. Do not edit: change the .proto and regenerate.
//! The `batch-job-plugin` backend binary: the machinery's agent server with this plugin.

fn main() -> std::process::ExitCode {
    machinery::run(&batch_job_plugin::PLUGIN)
}
