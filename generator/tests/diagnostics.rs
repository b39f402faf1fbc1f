//! Every kind of user mistake is a diagnostic at its file, line and column, and writes nothing.
//! One snapshot per bad input under `tests/diagnostics/<case>/proto` (with `crds/` when the case
//! needs a CRD schema); `glob!` runs every case, so one failure does not hide the rest.

mod common;

#[test]
fn every_bad_input_is_a_located_diagnostic_and_writes_nothing() {
    let location = regex::Regex::new(r"demo/job\.proto:\d+:\d+").unwrap();
    let cases = common::cases(&common::repo().join("generator/tests/diagnostics"));
    assert!(cases.len() >= 167, "expected at least 167 bad inputs (one per diagnostic site), found {}", cases.len());
    insta::glob!("diagnostics/*/proto", |proto| {
        let case = proto.parent().unwrap();
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let out = tempfile::tempdir().unwrap();
        let mut options = common::options(proto.to_path_buf(), out.path().join("generated"));
        if case.join("crds").is_dir() {
            options.crd_schema.push(case.join("crds"));
        }
        let error = generator::run(&options).expect_err(&format!("{name} must be rejected"));
        let rendered = generator::diagnostics::render(&error);
        assert!(location.is_match(&rendered), "{name}: no file:line:column in\n{rendered}");
        assert!(!out.path().join("generated").exists(), "{name}: a failed run wrote files");
        insta::assert_snapshot!(rendered);
    });
}

/// The inputs that once crashed an emitter or produced code that did not build are accepted and
/// generate a whole tree; `tests/soundness` then builds, imports and renders it.
#[test]
fn every_soundness_fixture_generates() {
    let cases = common::cases(&common::repo().join("generator/tests/soundness"));
    assert!(cases.len() >= 3, "expected the soundness fixtures, found {}", cases.len());
    for case in cases {
        let options = common::options(case.join("proto"), std::path::PathBuf::new());
        let (_, files, _) = generator::generate(&options)
            .unwrap_or_else(|e| panic!("{}: {}", case.display(), generator::diagnostics::render(&e)));
        assert!(files.iter().any(|f| f.path.ends_with("/src/model.rs")), "{}: no Rust model", case.display());
    }
}

/// The collision bound lowering enforces is the runtime's: `NAME_HASH_LEN` must equal
/// `machinery::naming::HASH_LEN` (the generator does not link the runtime, so its source is read).
#[test]
fn the_name_rule_bound_is_the_runtime_hash_length() {
    let naming = std::fs::read_to_string(common::repo().join("machinery/src/naming.rs")).unwrap();
    let declared = format!("pub const HASH_LEN: usize = {};", generator::lower::NAME_HASH_LEN);
    assert!(naming.contains(&declared), "machinery/src/naming.rs must declare `{declared}`");
}
