//! The agent logic end to end over an in-memory store: CreateTask, GetTask, DeleteTask,
//! idempotency, outputs, log links and garbage collection.

use conformance::{NAMESPACE, backend, request, request_with, custom};
use machinery::{Backend, admin, core};
use serde_json::json;

fn get(meta: &[u8]) -> admin::GetTaskRequest {
    admin::GetTaskRequest { resource_meta: meta.to_vec(), ..Default::default() }
}

fn phase(r: &admin::Resource) -> core::task_execution::Phase {
    core::task_execution::Phase::try_from(r.phase).unwrap()
}

fn blob_uri(r: &admin::Resource, name: &str) -> String {
    let literal = &r.outputs.as_ref().expect("outputs").literals[name];
    match &literal.value {
        Some(core::literal::Value::Scalar(s)) => match &s.value {
            Some(core::scalar::Value::Blob(b)) => b.uri.clone(),
            other => panic!("{name} is not a blob: {other:?}"),
        },
        other => panic!("{name} is not a scalar: {other:?}"),
    }
}

#[tokio::test]
async fn training_runs_from_queued_to_succeeded_with_the_model_output_and_links_from_the_first_poll() {
    let (backend, store) = backend("ack");
    let created = backend.create_task(request("sagemaker-k8s-builtin-training", "ack")).await.unwrap();
    assert!(created.resource_meta.len() < 512, "resource_meta is {} bytes", created.resource_meta.len());
    let meta = conformance::meta(&created.resource_meta);

    let first = backend.get_task(get(&created.resource_meta)).await.unwrap().resource.unwrap();
    assert_eq!(phase(&first), core::task_execution::Phase::Queued);
    let links: Vec<&str> = first.log_links.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(links.len(), 2, "CloudWatch and console links on the first poll: {links:?}");
    assert!(first.log_links[0].uri.contains("region=us-east-1") && first.log_links[0].uri.contains(&meta.name), "{}", first.log_links[0].uri);

    store.set_status("trainingjobs", NAMESPACE, &meta.name, json!({"trainingJobStatus": "Completed", "secondaryStatus": "Completed", "modelArtifacts": {"s3ModelArtifacts": "s3://bucket/out/job/output/model.tar.gz"}})).await;
    let done = backend.get_task(get(&created.resource_meta)).await.unwrap().resource.unwrap();
    assert_eq!(phase(&done), core::task_execution::Phase::Succeeded);
    assert_eq!(blob_uri(&done, "model"), "s3://bucket/out/job/output/model.tar.gz");
}

#[tokio::test]
async fn operator_model_paths_are_joined_with_exactly_one_slash() {
    for output_path in ["s3://bucket/out", "s3://bucket/out/"] {
        let (backend, store) = backend("operator");
        let custom = {
            let mut c = custom("sagemaker-k8s-builtin-training", "operator");
            c["outputPath"] = json!(output_path);
            c
        };
        let created = backend.create_task(request_with("sagemaker-k8s-builtin-training", custom, 0)).await.unwrap();
        let meta = conformance::meta(&created.resource_meta);
        store.set_status("trainingjobs", NAMESPACE, &meta.name, json!({"trainingJobStatus": "Completed", "sageMakerTrainingJobName": "job-1"})).await;
        let done = backend.get_task(get(&created.resource_meta)).await.unwrap().resource.unwrap();
        assert_eq!(blob_uri(&done, "model"), "s3://bucket/out/job-1/output/model.tar.gz", "from {output_path}");
    }
}

#[tokio::test]
async fn tuning_outputs_the_best_model_its_name_and_metric_and_a_missing_best_job_waits_within_the_grace() {
    for target in ["ack", "operator"] {
        let (backend, store) = backend(target);
        let created = backend.create_task(request("sagemaker-k8s-hyperparameter-tuning", target)).await.unwrap();
        let meta = conformance::meta(&created.resource_meta);
        store.set_status("hyperparametertuningjobs", NAMESPACE, &meta.name, json!({"hyperParameterTuningJobStatus": "Completed"})).await;
        let missing = backend.get_task(get(&created.resource_meta)).await.unwrap().resource.unwrap();
        assert_eq!(phase(&missing), core::task_execution::Phase::Running, "{target}: within the outputs grace");
        assert!(missing.message.starts_with("waiting for outputs") && missing.message.contains("cannot be read"), "{}", missing.message);

        let value = if target == "ack" { json!(0.125) } else { json!("0.125") };
        store
            .set_status("hyperparametertuningjobs", NAMESPACE, &meta.name, json!({"hyperParameterTuningJobStatus": "Completed", "bestTrainingJob": {"trainingJobName": "tune-007-abc", "finalHyperParameterTuningJobObjectiveMetric": {"metricName": "validation:rmse", "value": value}}}))
            .await;
        let done = backend.get_task(get(&created.resource_meta)).await.unwrap().resource.unwrap();
        assert_eq!(phase(&done), core::task_execution::Phase::Succeeded, "{target}: {}", done.message);
        assert!(blob_uri(&done, "model").ends_with("/data/0/tune-007-abc/output/model.tar.gz"), "{target}: {}", blob_uri(&done, "model"));
        let outputs = done.outputs.as_ref().unwrap();
        assert_eq!(outputs.literals.len(), 3, "{target}");
        let float = match &outputs.literals["best_objective_value"].value {
            Some(core::literal::Value::Scalar(s)) => match &s.value {
                Some(core::scalar::Value::Primitive(core::Primitive { value: Some(core::primitive::Value::FloatValue(f)) })) => *f,
                other => panic!("{other:?}"),
            },
            other => panic!("{other:?}"),
        };
        assert_eq!(float, 0.125);
    }
}

#[tokio::test]
async fn a_succeeded_job_whose_outputs_stay_unreadable_fails_after_the_grace_naming_the_output() {
    let mut settings = conformance::settings("ack");
    settings.outputs_grace = std::time::Duration::ZERO;
    let (backend, store) = conformance::backend_with(settings);
    let created = backend.create_task(request("sagemaker-k8s-hyperparameter-tuning", "ack")).await.unwrap();
    let meta = conformance::meta(&created.resource_meta);
    store.set_status("hyperparametertuningjobs", NAMESPACE, &meta.name, json!({"hyperParameterTuningJobStatus": "Completed"})).await;
    let first = backend.get_task(get(&created.resource_meta)).await.unwrap().resource.unwrap();
    assert_eq!(phase(&first), core::task_execution::Phase::Running, "the grace starts at the first such poll");
    let later = backend.get_task(get(&created.resource_meta)).await.unwrap().resource.unwrap();
    assert_eq!(phase(&later), core::task_execution::Phase::Failed);
    assert!(later.message.contains("stayed unreadable") && later.message.contains("output `"), "{}", later.message);
}

#[tokio::test]
async fn create_task_is_idempotent_per_attempt_and_distinct_across_attempts() {
    let (backend, store) = backend("ack");
    let a = backend.create_task(request("sagemaker-k8s-builtin-training", "ack")).await.unwrap();
    let again = backend.create_task(request("sagemaker-k8s-builtin-training", "ack")).await.unwrap();
    assert_eq!(a.resource_meta, again.resource_meta);
    assert_eq!(store.objects.lock().await.len(), 1, "the same attempt creates one object");
    let next = backend.create_task(request_with("sagemaker-k8s-builtin-training", custom("sagemaker-k8s-builtin-training", "ack"), 1)).await.unwrap();
    assert_ne!(a.resource_meta, next.resource_meta);
    assert_eq!(store.objects.lock().await.len(), 2, "a new attempt gets a new job");
}

#[tokio::test]
async fn delete_task_removes_the_object_and_is_idempotent() {
    let (backend, store) = backend("operator");
    let created = backend.create_task(request("sagemaker-k8s-custom-training", "operator")).await.unwrap();
    let delete = admin::DeleteTaskRequest { resource_meta: created.resource_meta.clone(), ..Default::default() };
    backend.delete_task(delete.clone()).await.unwrap();
    assert!(store.objects.lock().await.is_empty());
    backend.delete_task(delete).await.expect("deleting twice is fine");
    let gone = backend.get_task(get(&created.resource_meta)).await.unwrap().resource.unwrap();
    assert_eq!(phase(&gone), core::task_execution::Phase::RetryableFailed);
    assert!(gone.message.contains("no longer exists"), "{}", gone.message);
}

#[tokio::test]
async fn garbage_collection_deletes_finished_objects_only_after_their_result_was_reported() {
    let store = std::sync::Arc::new(conformance::MemoryStore::default());
    let mut settings = conformance::settings("ack");
    settings.gc_ttl = std::time::Duration::ZERO;
    let backend = machinery::agent::PluginBackend::new(&sagemaker_plugin::PLUGIN, settings, store.clone(), std::sync::Arc::new(machinery::metrics::Metrics::new())).unwrap();
    let done = backend.create_task(request_with("sagemaker-k8s-builtin-training", custom("sagemaker-k8s-builtin-training", "ack"), 0)).await.unwrap();
    let running = backend.create_task(request_with("sagemaker-k8s-builtin-training", custom("sagemaker-k8s-builtin-training", "ack"), 1)).await.unwrap();
    let (done_bytes, running_bytes) = (done.resource_meta.clone(), running.resource_meta.clone());
    let done = conformance::meta(&done.resource_meta);
    let running = conformance::meta(&running.resource_meta);
    store.set_status("trainingjobs", NAMESPACE, &done.name, json!({"trainingJobStatus": "Completed", "modelArtifacts": {"s3ModelArtifacts": "s3://b/model.tar.gz"}})).await;
    store.set_status("trainingjobs", NAMESPACE, &running.name, json!({"trainingJobStatus": "InProgress", "secondaryStatus": "Training"})).await;
    assert_eq!(backend.collect_garbage().await.unwrap(), 0, "no GetTask has reported the result yet");
    let reported = backend.get_task(get(&done_bytes)).await.unwrap().resource.unwrap();
    assert_eq!(phase(&reported), core::task_execution::Phase::Succeeded);
    assert!(backend.get_task(get(&running_bytes)).await.is_ok());
    assert_eq!(backend.collect_garbage().await.unwrap(), 1, "reported, and the TTL (zero) has passed");
    let names: Vec<String> = store.objects.lock().await.keys().map(|(_, _, n)| n.clone()).collect();
    assert_eq!(names, vec![running.name]);
}

#[tokio::test]
async fn unknown_task_types_versions_and_foreign_resource_meta_are_invalid_argument() {
    let (backend, _) = backend("ack");
    let mut r = request("sagemaker-k8s-builtin-training", "ack");
    r.template.as_mut().unwrap().r#type = "sagemaker-training-job".into();
    let e = backend.create_task(r).await.unwrap_err();
    assert_eq!(e.code(), tonic::Code::InvalidArgument);
    assert!(e.message().starts_with("template.type"), "{}", e.message());
    let mut r = request("sagemaker-k8s-builtin-training", "ack");
    r.template.as_mut().unwrap().task_type_version = 3;
    assert!(backend.create_task(r).await.unwrap_err().message().starts_with("template.task_type_version"));
    let mut r = request("sagemaker-k8s-builtin-training", "ack");
    r.task_execution_metadata = None;
    assert!(backend.create_task(r).await.unwrap_err().message().starts_with("task_execution_metadata"));
    let e = backend.get_task(get(b"{\"something\": 1}")).await.unwrap_err();
    assert_eq!(e.code(), tonic::Code::InvalidArgument);
}
