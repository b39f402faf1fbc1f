//! Hostile callers: anyone who reaches the agent's port can send any request. Forged, altered,
//! replayed or foreign `resource_meta`, squatted object names and requests outside the served
//! namespaces must be refused with a clear code, and must neither read nor delete anything.

use conformance::{NAMESPACE, backend, backend_with, request, request_with, custom, settings};
use machinery::resource_meta::{ResourceMeta, Signer, execution_digest};
use machinery::{Backend, admin};
use serde_json::json;
use tonic::Code;

const TRAINING: &str = "sagemaker-k8s-builtin-training";

fn get(meta: &[u8]) -> admin::GetTaskRequest {
    admin::GetTaskRequest { resource_meta: meta.to_vec(), ..Default::default() }
}

fn delete(meta: &[u8]) -> admin::DeleteTaskRequest {
    admin::DeleteTaskRequest { resource_meta: meta.to_vec(), ..Default::default() }
}

/// Every way to hand-make a `resource_meta` for an object the caller did not create.
fn forgeries(genuine: &ResourceMeta) -> Vec<(&'static str, Vec<u8>)> {
    let other_key = Signer::new(b"some-other-deployment-key-32-byt".to_vec(), None).unwrap();
    let mut altered = String::from_utf8(conformance::signer().seal(genuine)).unwrap();
    altered = altered.replacen(&genuine.name[..8], "zzzzzzzz", 1);
    vec![
        ("the unsigned format of the issue", format!(r#"{{"v":1,"ns":"{}","name":"{}","type":"{TRAINING}","target":"ack"}}"#, genuine.ns, genuine.name).into_bytes()),
        ("an unknown version", br#"{"v":3}"#.to_vec()),
        ("another deployment's key", other_key.seal(genuine)),
        ("an altered name", altered.into_bytes()),
        ("a missing signature", serde_json::to_vec(&json!({"v": 2, "ns": genuine.ns, "name": genuine.name, "type": TRAINING, "target": "ack", "x": genuine.x})).unwrap()),
        ("garbage", vec![0xff; 40]),
        ("an oversized blob", vec![b'{'; 100_000]),
    ]
}

#[tokio::test]
async fn forged_resource_meta_neither_reads_nor_deletes() {
    let (backend, store) = backend("ack");
    let created = backend.create_task(request(TRAINING, "ack")).await.unwrap();
    let genuine = conformance::meta(&created.resource_meta);
    for (what, forged) in forgeries(&genuine) {
        let e = backend.get_task(get(&forged)).await.expect_err(what);
        assert!(matches!(e.code(), Code::InvalidArgument | Code::PermissionDenied), "{what}: {e:?}");
        assert!(e.message().starts_with("resource_meta"), "{what}: {}", e.message());
        assert!(e.message().len() < 300, "{what}: the error does not echo the input");
        let e = backend.delete_task(delete(&forged)).await.expect_err(what);
        assert!(matches!(e.code(), Code::InvalidArgument | Code::PermissionDenied), "{what}: {e:?}");
    }
    assert_eq!(store.objects.lock().await.len(), 1, "nothing was deleted");
    assert!(backend.get_task(get(&created.resource_meta)).await.is_ok(), "the genuine meta still works");
}

#[tokio::test]
async fn a_replayed_meta_does_not_apply_to_another_object_that_took_the_name() {
    let (backend, store) = backend("ack");
    let created = backend.create_task(request(TRAINING, "ack")).await.unwrap();
    let meta = conformance::meta(&created.resource_meta);
    // The object is deleted and someone else's object takes its name.
    let key = ("trainingjobs".to_string(), NAMESPACE.to_string(), meta.name.clone());
    {
        let mut objects = store.objects.lock().await;
        let mut squatter = objects[&key].clone();
        squatter["metadata"]["annotations"]["flyte.org/task-execution"] = json!("other/project/exec/n0/t/0");
        objects.insert(key.clone(), squatter);
    }
    let e = backend.get_task(get(&created.resource_meta)).await.unwrap_err();
    assert_eq!(e.code(), Code::PermissionDenied, "{e:?}");
    let e = backend.delete_task(delete(&created.resource_meta)).await.unwrap_err();
    assert_eq!(e.code(), Code::PermissionDenied, "{e:?}");
    assert!(store.objects.lock().await.contains_key(&key), "the other object is left alone");
}

#[tokio::test]
async fn an_object_squatting_the_name_of_an_attempt_is_not_adopted() {
    let (backend, store) = backend("ack");
    // Whoever creates the attempt's object first (here: with another execution's annotation, or
    // without this backend's label) must not decide what runs for it.
    for (what, tamper) in [
        ("another execution", &(|o: &mut serde_json::Value| o["metadata"]["annotations"]["flyte.org/task-execution"] = json!("x/y/z/n0/t/0")) as &dyn Fn(&mut serde_json::Value)),
        ("not this backend's", &|o: &mut serde_json::Value| o["metadata"]["labels"]["app.kubernetes.io/managed-by"] = json!("someone-else")),
    ] {
        store.objects.lock().await.clear();
        let created = backend.create_task(request(TRAINING, "ack")).await.unwrap();
        let mut objects = store.objects.lock().await;
        let object = objects.values_mut().next().unwrap();
        tamper(object);
        let squatted = object.clone();
        drop(objects);
        let e = backend.create_task(request(TRAINING, "ack")).await.unwrap_err();
        assert_eq!(e.code(), Code::AlreadyExists, "{what}: {e:?}");
        assert!(e.message().contains("not created by this backend for this task execution"), "{what}: {}", e.message());
        assert_eq!(store.objects.lock().await.values().next().unwrap(), &squatted, "{what}: left alone");
        drop(created);
    }
    // The genuine repeat of the same attempt is still adopted.
    store.objects.lock().await.clear();
    let first = backend.create_task(request(TRAINING, "ack")).await.unwrap();
    assert_eq!(backend.create_task(request(TRAINING, "ack")).await.unwrap().resource_meta, first.resource_meta);
}

#[tokio::test]
async fn namespaces_outside_the_served_ones_are_refused_on_every_rpc() {
    let mut settings = settings("ack");
    settings.namespaces = Some(vec![NAMESPACE.to_string()]);
    let (backend, store) = backend_with(settings);
    let mut r = request(TRAINING, "ack");
    r.task_execution_metadata.as_mut().unwrap().namespace = "kube-system".into();
    let e = backend.create_task(r).await.unwrap_err();
    assert_eq!(e.code(), Code::PermissionDenied);
    assert!(e.message().starts_with("task_execution_metadata.namespace") && e.message().contains("kube-system"), "{}", e.message());
    assert!(store.objects.lock().await.is_empty());
    // Even a correctly signed meta (a replica configured with more namespaces wrote it).
    let outside = ResourceMeta { ns: "team-b".into(), name: "team-b-prod-job".into(), task_type: TRAINING.into(), target: "ack".into(), x: execution_digest("a/b/c/d/e/0") };
    let sealed = conformance::signer().seal(&outside);
    assert_eq!(backend.get_task(get(&sealed)).await.unwrap_err().code(), Code::PermissionDenied);
    assert_eq!(backend.delete_task(delete(&sealed)).await.unwrap_err().code(), Code::PermissionDenied);
    backend.create_task(request_with(TRAINING, custom(TRAINING, "ack"), 0)).await.expect("the served namespace works");
}

#[tokio::test]
async fn a_namespace_that_is_not_a_dns_label_is_invalid_argument_with_a_capped_echo() {
    let (backend, _) = backend("ack");
    for bad in ["Team_B", "-x", "a.b", "", &"n".repeat(64), &"ü".repeat(100_000)] {
        let mut r = request(TRAINING, "ack");
        r.task_execution_metadata.as_mut().unwrap().namespace = bad.to_string();
        let e = backend.create_task(r).await.unwrap_err();
        assert_eq!(e.code(), Code::InvalidArgument, "{bad:.20}");
        assert!(e.message().starts_with("task_execution_metadata.namespace"), "{}", e.message());
        assert!(e.message().len() < 600, "capped echo: {} bytes", e.message().len());
    }
}

#[tokio::test]
async fn an_input_the_task_does_not_declare_is_refused_before_it_is_decoded() {
    let (backend, store) = backend("ack");
    let mut r = request(TRAINING, "ack");
    // A collection that would be expensive to decode, under a name the interface lacks.
    let big = machinery::core::Literal {
        value: Some(machinery::core::literal::Value::Collection(machinery::core::LiteralCollection { literals: vec![Default::default(); 1000] })),
        ..Default::default()
    };
    r.inputs.as_mut().unwrap().literals.insert("smuggled".into(), big);
    let e = backend.create_task(r).await.unwrap_err();
    assert_eq!(e.code(), Code::InvalidArgument);
    assert!(e.message().starts_with("inputs.smuggled: not an input of the task"), "{}", e.message());
    assert!(e.message().contains("static_hyperparameters, train, validation"), "{}", e.message());
    assert!(store.objects.lock().await.is_empty());
}

#[tokio::test]
async fn nan_and_infinities_are_invalid_argument_naming_the_field_not_unset() {
    let (backend, store) = backend("ack");
    for value in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let mut r = request(TRAINING, "ack");
        let custom = r.template.as_mut().unwrap().custom.as_mut().unwrap();
        let Some(prost_types::value::Kind::StructValue(stopping)) = &mut custom.fields.get_mut("stoppingCondition").unwrap().kind else { panic!() };
        stopping.fields.insert("maxRuntimeSeconds".into(), prost_types::Value { kind: Some(prost_types::value::Kind::NumberValue(value)) });
        let e = backend.create_task(r).await.unwrap_err();
        assert_eq!(e.code(), Code::InvalidArgument, "{value}");
        assert!(e.message().starts_with("template.custom.stoppingCondition.maxRuntimeSeconds:"), "{}", e.message());
        // And as a float input.
        let mut r = request(TRAINING, "ack");
        let hp = machinery::core::Literal {
            value: Some(machinery::core::literal::Value::Map(machinery::core::LiteralMap {
                literals: [("eta".to_string(), float(value))].into_iter().collect(),
            })),
            ..Default::default()
        };
        r.inputs.as_mut().unwrap().literals.insert("static_hyperparameters".into(), hp);
        let e = backend.create_task(r).await.unwrap_err();
        assert_eq!(e.code(), Code::InvalidArgument, "{value}");
        assert!(e.message().starts_with("inputs.static_hyperparameters.eta:"), "{}", e.message());
    }
    assert!(store.objects.lock().await.is_empty());
}

fn float(value: f64) -> machinery::core::Literal {
    use machinery::core::{literal, primitive, scalar, Primitive, Scalar};
    machinery::core::Literal {
        value: Some(literal::Value::Scalar(Box::new(Scalar { value: Some(scalar::Value::Primitive(Primitive { value: Some(primitive::Value::FloatValue(value)) })) }))),
        ..Default::default()
    }
}

#[tokio::test]
async fn deep_message_pack_and_structs_are_refused_with_a_path_without_overflowing_the_stack() {
    use machinery::core::{literal, scalar, Binary, Scalar};
    let (backend, _) = backend("ack");
    // 100,000 nested arrays in 100 KB: about 495 levels overflowed a debug build inside rmpv.
    let mut bytes = vec![0x91u8; 100_000];
    bytes.push(0xc0);
    let mut r = request(TRAINING, "ack");
    r.inputs.as_mut().unwrap().literals.insert(
        "static_hyperparameters".into(),
        machinery::core::Literal {
            value: Some(literal::Value::Scalar(Box::new(Scalar { value: Some(scalar::Value::Binary(Binary { value: bytes, tag: "msgpack".into() })) }))),
            ..Default::default()
        },
    );
    let e = backend.create_task(r).await.unwrap_err();
    assert_eq!(e.code(), Code::InvalidArgument);
    assert!(e.message().starts_with("inputs.static_hyperparameters[0][0]") && e.message().contains("deeper than 64 levels"), "{:.300}", e.message());
    let mut deep = json!(1);
    for _ in 0..300 {
        deep = json!({"k": deep});
    }
    let mut r = request(TRAINING, "ack");
    r.template.as_mut().unwrap().custom.as_mut().unwrap().fields.insert("deep".into(), machinery::decode::json_to_struct(&json!({"x": deep})).map(|s| prost_types::Value { kind: Some(prost_types::value::Kind::StructValue(s)) }).unwrap());
    let e = backend.create_task(r).await.unwrap_err();
    assert_eq!(e.code(), Code::InvalidArgument);
    assert!(e.message().starts_with("template.custom.deep.x.k.k") && e.message().contains("deeper than 64 levels"), "{:.300}", e.message());
}

#[tokio::test]
async fn an_empty_output_prefix_or_channel_uri_is_invalid_argument_naming_the_field() {
    let (backend, store) = backend("ack");
    for task_type in conformance::task_types() {
        let mut r = request(task_type, "ack");
        r.output_prefix = String::new();
        let e = backend.create_task(r).await.unwrap_err();
        assert_eq!(e.code(), Code::InvalidArgument, "{task_type}");
        assert!(e.message().starts_with("output_prefix: missing"), "{task_type}: {}", e.message());
        let mut r = request(task_type, "ack");
        r.inputs.as_mut().unwrap().literals.insert("train".into(), conformance::blob("", true));
        let e = backend.create_task(r).await.unwrap_err();
        assert_eq!(e.code(), Code::InvalidArgument, "{task_type}");
        assert!(e.message().starts_with("inputs.train: a file or directory without a URI"), "{task_type}: {}", e.message());
    }
    assert!(store.objects.lock().await.is_empty());
}

#[tokio::test]
async fn custom_training_without_a_container_image_is_invalid_argument_naming_the_field() {
    let task_type = "sagemaker-k8s-custom-training";
    for target in conformance::targets() {
        let (backend, store) = backend(target);
        for template_target in [None, Some(machinery::core::task_template::Target::Container(machinery::core::Container::default()))] {
            let mut r = request(task_type, target);
            r.template.as_mut().unwrap().target = template_target;
            let e = backend.create_task(r).await.unwrap_err();
            assert_eq!(e.code(), Code::InvalidArgument, "{target}");
            assert!(e.message().starts_with("template.container.image: required"), "{target}: {}", e.message());
        }
        assert!(store.objects.lock().await.is_empty());
        backend.create_task(request(task_type, target)).await.expect("with an image it works");
    }
}

#[tokio::test]
async fn a_channel_whose_input_is_not_bound_is_invalid_argument_naming_the_input() {
    for task_type in conformance::task_types() {
        for target in conformance::targets() {
            let (backend, store) = backend(target);
            let mut r = request(task_type, target);
            r.inputs.as_mut().unwrap().literals.remove("validation");
            let e = backend.create_task(r).await.unwrap_err();
            assert_eq!(e.code(), Code::InvalidArgument, "{task_type} {target}");
            assert_eq!(e.message(), "inputs.validation: required input is not bound", "{task_type} {target}");
            assert!(store.objects.lock().await.is_empty());
        }
    }
}
