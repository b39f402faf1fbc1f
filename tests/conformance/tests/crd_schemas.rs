//! Every golden object validates against the real CRD schema of its target (`../shared/crds`:
//! ACK in the apiextensions v1 layout, the operator in v1beta1), with the same validator the
//! Kubernetes API test double applies, and declares nothing the schema would prune.


use conformance::{targets, task_types, create, request};
use kube_test_double::crd;
use kube_test_double::schema;


#[tokio::test]
async fn golden_objects_validate_against_the_real_crds_with_nothing_pruned() {
    let crds = crd::load_dirs(&[conformance::shared_dir().join("crds/ack"), conformance::shared_dir().join("crds/operator")]).expect("the real CRDs load");
    let mut checked = 0;
    for task_type in task_types() {
        for target in targets() {
            let object = create(target, request(task_type, target)).await.unwrap();
            let (group, version) = object["apiVersion"].as_str().unwrap().rsplit_once('/').unwrap();
            let kind = object["kind"].as_str().unwrap();
            let crd = crds.iter().find(|c| c.group == group && c.kind == kind).unwrap_or_else(|| panic!("no CRD for {group} {kind}"));
            let version = crd.served_version(version).unwrap_or_else(|| panic!("{kind} does not serve {version}"));
            let schema = version.schema.as_ref().expect("the CRD has a schema");
            let body = serde_json::json!({"spec": object["spec"].clone()});
            let mut causes = Vec::new();
            schema::validate(schema, &body, "", &mut causes);
            assert!(causes.is_empty(), "{task_type} {target}: {causes:#?}");
            let mut pruned_copy = body.clone();
            let mut pruned = Vec::new();
            schema::prune(schema, &mut pruned_copy, "", &mut pruned);
            assert!(pruned.is_empty(), "{task_type} {target}: fields not in the schema: {pruned:?}");
            checked += 1;
        }
    }
    assert_eq!(checked, 6);
}

#[tokio::test]
async fn the_validator_does_reject_a_broken_object() {
    let crds = crd::load_dirs(&[conformance::shared_dir().join("crds/operator")]).unwrap();
    let crd = crds.iter().find(|c| c.kind == "TrainingJob").unwrap();
    let schema = crd.served_version("v1").unwrap().schema.as_ref().unwrap();
    let mut object = create("operator", request("sagemaker-k8s-builtin-training", "operator")).await.unwrap();
    object["spec"]["resourceConfig"]["instanceCount"] = serde_json::json!("two");
    let mut causes = Vec::new();
    schema::validate(schema, &serde_json::json!({"spec": object["spec"].clone()}), "", &mut causes);
    assert!(causes.iter().any(|c| c.field.contains("spec.resourceConfig.instanceCount")), "{causes:#?}");
}
