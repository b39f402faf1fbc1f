//! Golden trees: each fixture's whole output is committed under `tests/golden/<case>/expected`
//! and must match byte for byte. `UPDATE_GOLDEN=1 cargo test -p generator --test golden`
//! rewrites them after an intended change (review the diff).

mod common;

use std::path::PathBuf;

use generator::write;

/// `(case, proto folder)`: every folder under `tests/golden`, plus the batch Job example plugin,
/// which keeps the generator honest about not being SageMaker-specific.
fn fixtures() -> Vec<(String, PathBuf, PathBuf)> {
    let golden = common::repo().join("generator/tests/golden");
    common::cases(&golden)
        .into_iter()
        .map(|case| {
            let name = case.file_name().unwrap().to_string_lossy().into_owned();
            let proto = if case.join("proto").is_dir() { case.join("proto") } else { common::repo().join("examples").join(&name).join("proto") };
            (name, proto, case.join("expected"))
        })
        .collect()
}

#[test]
fn generated_trees_match_their_goldens() {
    let fixtures = fixtures();
    assert!(fixtures.iter().any(|(name, ..)| name == "batch-job"), "the batch/v1 Job fixture is present");
    for (name, proto, expected) in fixtures {
        let options = common::options(proto, expected.clone());
        let (_, files, _) = generator::generate(&options).unwrap_or_else(|e| panic!("{name}: {}", generator::diagnostics::render(&e)));
        let changes = write::plan(&expected, &files).unwrap();
        if std::env::var_os("UPDATE_GOLDEN").is_some() {
            write::apply(&expected, &files, &changes).unwrap();
            continue;
        }
        assert!(changes.is_empty(), "{name}: output differs from tests/golden/{name}/expected: {changes:?}");
    }
}

#[test]
fn lowered_models_are_stable() {
    for (name, proto, _) in fixtures() {
        let (model, ..) = generator::generate(&common::options(proto, PathBuf::new())).unwrap();
        insta::assert_json_snapshot!(format!("model-{name}"), model);
    }
}

#[test]
fn the_minimal_fixture_passes_its_crd_schema() {
    let case = common::repo().join("generator/tests/golden/minimal");
    let mut options = common::options(case.join("proto"), case.join("expected"));
    options.crd_schema.push(case.join("crds"));
    options.crd_strict = true;
    let (.., checks) = generator::generate(&options).unwrap();
    assert_eq!(checks.checked, vec!["demo-job t Widget against widgets.yaml"]);
    assert!(checks.unchecked.is_empty());
}

/// A resource whose CRD no folder holds is listed, and `crd_strict` fails on it instead of
/// passing a check that never ran.
#[test]
fn a_resource_without_a_crd_is_listed_and_strict_fails() {
    let minimal = common::repo().join("generator/tests/golden/minimal");
    // The minimal plugin with a second target, `u`, whose CRD is in no folder.
    let proto = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(minimal.join("proto/demo/job.proto"))
        .unwrap()
        .replace(r#"targets: {id: "t" api_version: "example.com/v1"}"#, r#"targets: {id: "t" api_version: "example.com/v1"} targets: {id: "u" api_version: "other.example/v1"}"#)
        .replace(r#"{target: "t" path: "spec.image"}"#, r#"{target: "t" path: "spec.image"} cr: {target: "u" path: "spec.image"}"#)
        .replace(r#"{target: "t" path: "spec.replicas" transform: TO_STRING}"#, r#"{target: "t" path: "spec.replicas" transform: TO_STRING} cr: {target: "u" path: "spec.replicas"}"#)
        .replace("    resources: {target: \"t\"", "    resources: {target: \"u\" kind: \"Gadget\" plural: \"gadgets\" name_rule: {max_length: 63} status: {phase_path: \"status.state\" otherwise: RUNNING}}\n    resources: {target: \"t\"");
    std::fs::create_dir_all(proto.path().join("demo")).unwrap();
    std::fs::write(proto.path().join("demo/job.proto"), text).unwrap();
    let mut options = common::options(proto.path().to_path_buf(), std::path::PathBuf::new());
    options.crd_schema.push(minimal.join("crds"));
    let (.., checks) = generator::generate(&options).unwrap_or_else(|e| panic!("{}", generator::diagnostics::render(&e)));
    assert_eq!(checks.checked, vec!["demo-job t Widget against widgets.yaml"]);
    assert_eq!(checks.unchecked, vec!["demo-job u Gadget (other.example/v1)"]);
    options.crd_strict = true;
    let error = generator::generate(&options).expect_err("strict fails on an unchecked resource");
    assert!(error.to_string().contains("demo-job u Gadget"), "{error}");
}

/// The KubeRay example is written against the real RayJob CRD of KubeRay v1.4.0: every field,
/// context value, constant and status path must be in it, with a type that fits.
#[test]
fn the_ray_example_passes_the_real_kuberay_crd() {
    let example = common::repo().join("examples/ray");
    let mut options = common::options(example.join("proto"), std::path::PathBuf::new());
    options.crd_schema.push(example.join("crds"));
    options.crd_strict = true;
    let (.., checks) = generator::generate(&options).unwrap_or_else(|e| panic!("{}", generator::diagnostics::render(&e)));
    assert_eq!(checks.checked, vec!["kuberay-ray-job kuberay RayJob against ray.io_rayjobs.yaml"]);
}

/// The Spark example is written against the real SparkApplication CRD of spark-operator v2.4.0:
/// every field, context value, constant and status path must be in it, with a type that fits.
#[test]
fn the_spark_example_passes_the_real_spark_operator_crd() {
    let example = common::repo().join("examples/spark");
    let mut options = common::options(example.join("proto"), std::path::PathBuf::new());
    options.crd_schema.push(example.join("crds"));
    options.crd_strict = true;
    let (.., checks) = generator::generate(&options).unwrap_or_else(|e| panic!("{}", generator::diagnostics::render(&e)));
    assert_eq!(checks.checked, vec!["spark-on-k8s-application spark-operator SparkApplication against sparkoperator.k8s.io_sparkapplications.yaml"]);
}
