//! Every kind of user mistake is a diagnostic at its file, line and column, and writes nothing.
//! One snapshot per bad input under `tests/diagnostics/<case>/proto` (with `crds/` when the case
//! needs a CRD schema).

mod common;

#[test]
fn every_bad_input_is_a_located_diagnostic_and_writes_nothing() {
    let location = regex::Regex::new(r"demo/job\.proto:\d+:\d+").unwrap();
    let cases = common::cases(&common::repo().join("generator/tests/diagnostics"));
    assert!(cases.len() >= 12, "expected at least 12 bad inputs, found {}", cases.len());
    for case in cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let out = tempfile::tempdir().unwrap();
        let mut options = common::options(case.join("proto"), out.path().join("generated"));
        if case.join("crds").is_dir() {
            options.crd_schema.push(case.join("crds"));
        }
        let error = generator::run(&options).expect_err(&format!("{name} must be rejected"));
        let rendered = generator::diagnostics::render(&error);
        assert!(location.is_match(&rendered), "{name}: no file:line:column in\n{rendered}");
        assert!(!out.path().join("generated").exists(), "{name}: a failed run wrote files");
        insta::assert_snapshot!(name, rendered);
    }
}
