//! `TaskTemplate.custom` arrives as a protobuf Struct: numbers as doubles, int64 maybe as strings,
//! enums as names or numbers, keys in camelCase or snake_case. Bad input is INVALID_ARGUMENT
//! naming the field; nothing panics on any Struct.

use conformance::{create, custom, request_with};
use proptest::prelude::*;
use serde_json::{Value, json};

const TRAINING: &str = "sagemaker-k8s-builtin-training";

fn with(mut base: Value, patch: Value) -> Value {
    for (k, v) in patch.as_object().unwrap() {
        base[k] = v.clone();
    }
    base
}

async fn build(custom: Value) -> Result<Value, tonic::Status> {
    create("ack", request_with(TRAINING, custom, 0)).await
}

async fn rejected(custom: Value) -> String {
    let status = build(custom).await.expect_err("must be rejected");
    assert_eq!(status.code(), tonic::Code::InvalidArgument, "{status:?}");
    status.message().to_string()
}

#[tokio::test]
async fn doubles_int64_strings_enum_names_and_numbers_decode_alike() {
    let base = custom(TRAINING, "ack");
    let as_doubles = build(with(base.clone(), json!({"resources": {"instanceType": "ml.m5.xlarge", "instanceCount": 2.0, "volumeSizeGb": 40.0}, "inputMode": "INPUT_MODE_PIPE"}))).await.unwrap();
    let as_strings = build(with(base.clone(), json!({"resources": {"instance_type": "ml.m5.xlarge", "instance_count": "2", "volume_size_gb": "40"}, "input_mode": 2.0}))).await.unwrap();
    assert_eq!(as_doubles["spec"], as_strings["spec"], "camelCase/doubles/names and snake_case/strings/numbers give the same object");
    assert_eq!(as_doubles["spec"]["resourceConfig"]["instanceCount"], json!(2));
    assert_eq!(as_doubles["spec"]["algorithmSpecification"]["trainingInputMode"], json!("Pipe"));
}

#[tokio::test]
async fn bad_values_are_invalid_argument_naming_the_field_path() {
    let base = custom(TRAINING, "ack");
    let cases = [
        (json!({"resources": {"instanceType": "ml.m5.xlarge", "instanceCount": 1.5}}), "resources.instance_count"),
        (json!({"resources": {"instanceType": "ml.m5.xlarge", "volumeSizeGb": -5.0}}), "resources.volume_size_gb"),
        (json!({"resources": {"instanceType": "m5.xlarge"}}), "resources.instance_type"),
        (json!({"inputMode": "INPUT_MODE_TURBO"}), "input_mode"),
        (json!({"channels": [{"name": "train"}, {"name": "bad name!"}]}), "channels[1].name"),
        (json!({"stoppingCondition": {"maxRuntimeSeconds": 7200.0, "maxWaitSeconds": 3600.0}}), "stopping_condition.max_wait_seconds"),
        (json!({"resourcez": {}}), "resourcez"),
        (json!({"tags": {"team": 7.0}}), "tags"),
        (json!({"outputPath": "ftp://bucket/out"}), "output_path"),
    ];
    for (patch, field) in cases {
        let message = rejected(with(base.clone(), patch.clone())).await;
        assert!(message.starts_with(field) || message.contains(&format!("{field}:")), "{patch}: `{message}` does not name `{field}`");
    }
}

#[tokio::test]
async fn a_value_the_target_lacks_is_rejected_for_that_target_only() {
    let custom = with(custom(TRAINING, "operator"), json!({"inputMode": "INPUT_MODE_FAST_FILE"}));
    let status = create("operator", request_with(TRAINING, custom.clone(), 0)).await.expect_err("operator has no FastFile");
    assert_eq!(status.code(), tonic::Code::InvalidArgument);
    assert!(status.message().contains("input_mode"), "{}", status.message());
    let ack = create("ack", request_with(TRAINING, custom, 0)).await.expect("ACK takes FastFile");
    assert_eq!(ack["spec"]["algorithmSpecification"]["trainingInputMode"], json!("FastFile"));
}

fn arbitrary_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(Value::from),
        "[a-zA-Z_]{0,12}".prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![Just("resources".to_string()), Just("channels".to_string()), Just("instanceCount".to_string()), Just("tags".to_string()), Just("inputMode".to_string()), "[a-zA-Z_]{1,10}"],
                inner,
                0..5
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    #[test]
    fn any_struct_gives_an_object_or_invalid_argument_never_a_panic(custom in arbitrary_json()) {
        let custom = match custom { Value::Object(_) => custom, other => json!({"resources": other}) };
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        match runtime.block_on(build(custom)) {
            Ok(object) => prop_assert!(object["metadata"]["name"].is_string()),
            Err(status) => prop_assert_eq!(status.code(), tonic::Code::InvalidArgument),
        }
    }
}
