//! `--breaking-against`: each kind of break is reported at its token in the current file, and
//! safe changes pass. Every case edits one base model and compares it against the base folder.

mod common;

use generator::breaking::Baseline;

const BASE: &str = r#"syntax = "proto3";
package demo;
import "flyteplugin/options.proto";
option (flyteplugin.plugin) = {name: "demo" python_package: "demo_pkg" targets: {id: "t" api_version: "example.com/v1"}};
enum Mode {
  MODE_UNSPECIFIED = 0;
  MODE_FAST = 1 [(flyteplugin.value) = {api: "fast"}];
}
message Limits {
  int32 cpus = 1 [(flyteplugin.field) = {cr: {target: "t" path: "cpus"} validate: {min: 1 max: 10}}];
}
message Job {
  option (flyteplugin.task) = {
    name: "demo-job" python_class: "DemoTask"
    outputs: {name: "model" type: {simple: STRING}}
    resources: {target: "t" kind: "Widget" plural: "widgets" namespaced: true
      name_rule: {max_length: 63 pattern: "^[a-z0-9-]+$"}
      status: {phase_path: "status.state" otherwise: RUNNING}
      outputs: {output: "model" value: "{status.model}"}}
  };
  string image = 1 [(flyteplugin.field) = {cr: {target: "t" path: "spec.image"} validate: {max_len: 100}}];
  int64 replicas = 2 [(flyteplugin.field) = {cr: {target: "t" path: "spec.replicas"} validate: {min: 1 max: 10}}];
  Mode mode = 3 [(flyteplugin.field) = {cr: {target: "t" path: "spec.mode"}}];
  Limits limits = 4 [(flyteplugin.field) = {cr: {target: "t" path: "spec.limits"}}];
}
"#;

fn folder(text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("demo")).unwrap();
    std::fs::write(dir.path().join("demo/job.proto"), text).unwrap();
    dir
}

/// The breaks of `edited` against the base, rendered; empty when there are none.
fn breaks(edited: &str) -> String {
    let base = folder(BASE);
    let new = folder(edited);
    let mut options = common::options(new.path().to_path_buf(), std::path::PathBuf::new());
    options.breaking_against = Some(Baseline::Folder(base.path().to_path_buf()));
    match generator::generate(&options) {
        Ok(_) => String::new(),
        Err(e) => generator::diagnostics::render(&e),
    }
}

fn edit(from: &str, to: &str) -> String {
    assert!(BASE.contains(from), "the base holds {from:?}");
    BASE.replacen(from, to, 1)
}

/// The edit breaks with `label`, at the line of `token` in the edited file.
fn assert_breaks(edited: &str, token: &str, label: &str) {
    let rendered = breaks(edited);
    assert!(rendered.contains(label), "expected `{label}` in:\n{rendered}");
    let line = edited.lines().position(|l| l.contains(token)).expect("token in the edited file") + 1;
    assert!(rendered.contains(&format!("demo/job.proto:{line}:")), "expected the break at line {line} (`{token}`):\n{rendered}");
}

#[test]
fn the_base_has_no_breaks_against_itself() {
    assert_eq!(breaks(BASE), "");
}

#[test]
fn a_renamed_field_breaks_unless_it_keeps_its_json_name() {
    assert_breaks(&edit("string image = 1", "string picture = 1"), "picture", "renamed: set `json_name` to keep the key");
    assert_eq!(breaks(&edit("string image = 1 [", "string picture = 1 [json_name = \"image\", ")), "");
}

#[test]
fn a_removed_field_breaks() {
    let edited = edit("  Mode mode = 3 [(flyteplugin.field) = {cr: {target: \"t\" path: \"spec.mode\"}}];\n", "");
    assert_breaks(&edited, "message Job", "field removed");
}

#[test]
fn a_changed_type_or_cardinality_breaks() {
    assert_breaks(&edit("int64 replicas", "int32 replicas"), "replicas", "type or cardinality changed");
    assert_breaks(&edit("string image", "repeated string image"), "image", "type or cardinality changed");
}

#[test]
fn a_removed_task_type_or_changed_version_breaks() {
    assert_breaks(&edit("name: \"demo-job\"", "name: \"demo-job-2\""), "option (flyteplugin.plugin)", "task type removed");
    assert_breaks(&edit("name: \"demo-job\"", "name: \"demo-job\" version: 1"), "version: 1", "version changed");
}

#[test]
fn a_removed_enum_value_or_changed_api_string_breaks() {
    assert_breaks(&edit("api: \"fast\"", "api: \"FAST\""), "MODE_FAST", "API string changed");
    let edited = edit("  MODE_FAST = 1 [(flyteplugin.value) = {api: \"fast\"}];\n", "  MODE_QUICK = 1 [(flyteplugin.value) = {api: \"fast\"}];\n");
    assert_breaks(&edited, "enum Mode", "value removed");
}

#[test]
fn tightened_validation_breaks_also_in_nested_messages() {
    assert_breaks(&edit("validate: {min: 1 max: 10}}];\n  Mode", "validate: {min: 1 max: 5}}];\n  Mode"), "replicas", "validation tightened");
    assert_breaks(&edit("validate: {max_len: 100}", "validate: {max_len: 100 required: true}"), "image", "validation tightened");
    assert_breaks(&edit("validate: {max_len: 100}", "validate: {max_len: 100 pattern: \"^[a-z]+$\"}"), "image", "validation tightened");
    assert_breaks(&edit("path: \"cpus\"} validate: {min: 1 max: 10}", "path: \"cpus\"} validate: {min: 2 max: 10}"), "cpus", "validation tightened");
}

#[test]
fn a_removed_output_breaks() {
    let edited = edit("    outputs: {name: \"model\" type: {simple: STRING}}\n", "").replace("\n      outputs: {output: \"model\" value: \"{status.model}\"}", "");
    assert_breaks(&edited, "option (flyteplugin.task)", "output removed");
}

#[test]
fn safe_changes_pass() {
    let safe = [
        // A new field, enum value, output and task type.
        edit("  Limits limits = 4", "  string tag = 5 [(flyteplugin.field) = {cr: {target: \"t\" path: \"spec.tag\"}}];\n  Limits limits = 4"),
        edit("  MODE_FAST = 1", "  MODE_SLOW = 2 [(flyteplugin.value) = {api: \"slow\"}];\n  MODE_FAST = 1"),
        edit("outputs: {name: \"model\" type: {simple: STRING}}", "outputs: {name: \"model\" type: {simple: STRING}} outputs: {name: \"log\" type: {simple: STRING}}")
            .replace("outputs: {output: \"model\" value: \"{status.model}\"}", "outputs: {output: \"model\" value: \"{status.model}\"} outputs: {output: \"log\" value: \"{status.log}\"}"),
        format!(
            "{BASE}message Other {{\n  option (flyteplugin.task) = {{name: \"other\" python_class: \"OtherTask\" resources: {{target: \"t\" kind: \"Widget\" plural: \"widgets\" name_rule: {{max_length: 63}} status: {{phase_path: \"status.state\" otherwise: RUNNING}}}}}};\n  string image = 1 [(flyteplugin.field) = {{cr: {{target: \"t\" path: \"spec.image\"}}}}];\n}}\n"
        ),
        // Looser validation, a renamed message type, new docs, a changed CR path.
        edit("validate: {min: 1 max: 10}}];\n  Mode", "validate: {min: 0 max: 20}}];\n  Mode"),
        edit("validate: {max_len: 100}", "validate: {max_len: 200}"),
        BASE.replace("Limits", "Quota"),
        edit("message Job {", "// The job.\nmessage Job {"),
        edit("path: \"spec.image\"", "path: \"spec.container.image\""),
    ];
    for (i, text) in safe.iter().enumerate() {
        assert_eq!(breaks(text), "", "safe change {i} was reported:\n{text}");
    }
}

/// A git revision works as the baseline: the repository's own HEAD has no breaks against itself.
#[test]
fn a_git_revision_is_a_baseline() {
    let mut options = common::options(common::repo().join("proto"), std::path::PathBuf::new());
    options.breaking_against = Some(Baseline::parse("HEAD"));
    generator::generate(&options).unwrap_or_else(|e| panic!("{}", generator::diagnostics::render(&e)));
    options.breaking_against = Some(Baseline::parse("no-such-revision"));
    let error = generator::generate(&options).expect_err("an unknown revision is an error");
    assert!(error.to_string().contains("no such commit"), "{error}");
}
