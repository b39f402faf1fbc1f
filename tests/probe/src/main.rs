//! `plugin-probe build --target <id> --request <CreateTaskRequest.pb>`
//!
//! Decodes a request exactly as the backend would and prints
//! `{"payload": <the decoded payload as proto3 JSON>, "object": <the object CreateTask creates>}`.
//! A request the backend rejects prints `{"error": {"code", "message"}}` and exits 1. Used by the
//! Python tests to prove that what flytekit serializes is what the Rust backend reads.

use std::process::ExitCode;

use machinery::Backend;
use prost::Message;
use serde_json::json;

fn usage() -> ExitCode {
    eprintln!("usage: plugin-probe build --target <ack|operator> --request <CreateTaskRequest.pb>");
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some("build"), Some(target), Some(path)) = (args.first().map(String::as_str), flag(&args, "--target"), flag(&args, "--request")) else {
        return usage();
    };
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{path}: {e}");
            return ExitCode::from(2);
        }
    };
    let request = match machinery::admin::CreateTaskRequest::decode(bytes.as_slice()) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{path}: not a CreateTaskRequest: {e}");
            return ExitCode::from(2);
        }
    };
    // Timers: the agent bounds its Kubernetes calls with deadlines (machinery::retry).
    let runtime = tokio::runtime::Builder::new_current_thread().enable_time().build().expect("a runtime");
    match runtime.block_on(probe(&target, request)) {
        Ok(out) => {
            println!("{out}");
            ExitCode::SUCCESS
        }
        Err(status) => {
            println!("{}", json!({"error": {"code": format!("{:?}", status.code()), "message": status.message()}}));
            ExitCode::FAILURE
        }
    }
}

fn flag(args: &[String], name: &str) -> Option<String> {
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned()
}

async fn probe(target: &str, request: machinery::admin::CreateTaskRequest) -> Result<serde_json::Value, tonic::Status> {
    let template = request.template.clone().unwrap_or_default();
    let task = sagemaker_plugin::PLUGIN
        .task_type(&template.r#type)
        .ok_or_else(|| tonic::Status::invalid_argument(format!("unknown task type {}", template.r#type)))?;
    let custom = match &template.custom {
        Some(custom) => machinery::decode::struct_to_json(custom, "template.custom", machinery::limits::DEFAULT_MAX_DEPTH).map_err(|e| tonic::Status::invalid_argument(e.to_string()))?,
        None => json!({}),
    };
    let payload = machinery::decode::dynamic(&sagemaker_plugin::descriptor::POOL, task.message, &custom)
        .map_err(|e| tonic::Status::invalid_argument(e.to_string()))?;
    let payload = serde_json::to_value(&payload).expect("a decoded message serializes");

    let (backend, store) = conformance::backend(target);
    backend.create_task(request).await?;
    let object = store.objects.lock().await.values().next().cloned().expect("one object");
    Ok(json!({"payload": payload, "object": object}))
}
