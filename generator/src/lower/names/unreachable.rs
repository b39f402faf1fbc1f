//! The names-pass sites no .proto reaches, and the guarantees that make it so.
//!
//! Two checks of `check_field_names` (a Python attribute and a Rust field claimed twice) cannot
//! fire on a file protox accepts; the property tests below prove it against protox itself, over
//! arbitrary proto identifiers and pairs built to look alike, and the crafted-model fixtures pin
//! what the checks say should naming or protox ever change. The same properties show which proto
//! names get an unusable Rust name (those of underscores alone, reached by fixtures 139-141).

use std::path::Path;

use proptest::prelude::*;
use protox::file::{File, FileResolver};

use crate::diagnostics::{Error, Locator};
use crate::idents::{self, PYTHON_KEYWORDS, is_python_ident, is_rust_ident};
use crate::lower::FileCx;

/// Keywords of both languages and the names prost-build or PEP 8 rewrite, so that strategies
/// hit every escaping rule, not only what a random string rarely is.
const SPECIAL: &[&str] = &["type", "self", "Self", "super", "crate", "match", "case", "async", "gen", "fn", "_", "__", "None", "r"];

/// A name the protobuf grammar accepts: `[A-Za-z_][A-Za-z0-9_]*` (protox's lexer, ASCII only).
fn proto_ident() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[A-Za-z_][A-Za-z0-9_]{0,10}",
        1 => proptest::sample::select(PYTHON_KEYWORDS.iter().chain(SPECIAL).copied().collect::<Vec<_>>()).prop_map(str::to_string),
    ]
}

/// `name` re-cased and with underscores added or dropped here and there, a `_` suffix maybe:
/// the edits under which generated names could coincide.
fn alike(name: String) -> impl Strategy<Value = String> {
    let n = name.len();
    (proptest::collection::vec((any::<bool>(), 0u8..4), n), any::<bool>()).prop_map(move |(edits, suffix)| {
        let mut out = String::new();
        for (i, (c, (flip, edit))) in name.chars().zip(edits).enumerate() {
            match edit {
                // Drop an underscore unless it is the first character (a digit could follow).
                0 if c == '_' && i > 0 => continue,
                1 if i > 0 => out.push('_'),
                _ => {}
            }
            out.push(if flip { flip_case(c) } else { c });
        }
        if suffix {
            out.push('_');
        }
        out
    })
}

fn flip_case(c: char) -> char {
    if c.is_ascii_uppercase() { c.to_ascii_lowercase() } else { c.to_ascii_uppercase() }
}

fn pair() -> impl Strategy<Value = (String, String)> {
    proto_ident().prop_flat_map(|a| {
        let b = prop_oneof![1 => proto_ident().boxed(), 3 => alike(a.clone()).boxed()];
        (Just(a), b)
    })
}

/// One in-memory file, so protox parses and checks exactly what a user would write.
struct OneFile(String);

impl FileResolver for OneFile {
    fn open_file(&self, name: &str) -> Result<File, protox::Error> {
        if name == "t.proto" { File::from_source(name, &self.0) } else { Err(protox::Error::file_not_found(name)) }
    }
}

/// protox's verdict on a proto3 message with fields `a` and `b`.
fn compile_fields(a: &str, b: &str) -> Result<(), String> {
    let source = format!("syntax = \"proto3\";\npackage t;\nmessage M {{\n  string {a} = 1;\n  string {b} = 2;\n}}\n");
    let mut compiler = protox::Compiler::with_file_resolver(OneFile(source));
    compiler.open_file("t.proto").map(|_| ()).map_err(|e| e.to_string())
}

fn has_letter_or_digit(name: &str) -> bool {
    name.chars().any(|c| c.is_ascii_alphanumeric())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2048, ..ProptestConfig::default() })]

    /// Two field names protox accepts side by side never share a Python attribute or a Rust
    /// field: every pair that would is refused by protox's camel-case rule (and every pair that
    /// differs without case and underscores is accepted, so the harness refuses not everything).
    #[test]
    fn field_names_protox_accepts_are_distinct_in_python_and_rust((a, b) in pair()) {
        prop_assume!(a != b);
        let verdict = compile_fields(&a, &b);
        let clash = idents::python(&a) == idents::python(&b) || idents::rust_snake(&a) == idents::rust_snake(&b);
        if clash {
            let refused_alike = verdict.as_ref().is_err_and(|e| e.contains("camel-case name of field"));
            prop_assert!(refused_alike, "`{a}`, `{b}` share a generated name, and protox said {verdict:?}");
        }
        let squash = |s: &str| s.replace('_', "").to_ascii_lowercase();
        if squash(&a) != squash(&b) {
            prop_assert!(verdict.is_ok(), "`{a}`, `{b}`: {verdict:?}");
            prop_assert!(!clash);
        }
    }

    /// Every proto name gets a Python name Python accepts, and a Rust name syn accepts unless it
    /// is made of underscores alone (then an empty one, which fixtures 139-141 reach). Snake and
    /// camel case are empty together, so an enclosing message's module is judged by the
    /// message's own type name.
    #[test]
    fn generated_names_are_identifiers_unless_underscores_alone(name in proto_ident(), enum_name in proto_ident()) {
        let usable = has_letter_or_digit(&name);
        prop_assert!(is_python_ident(&idents::python(&name)), "{name}");
        prop_assert_eq!(is_rust_ident(&idents::rust_snake(&name)), usable, "snake of {}", name);
        prop_assert_eq!(is_rust_ident(&idents::rust_camel(&name)), usable, "camel of {}", name);
        prop_assert_eq!(idents::rust_snake(&name).is_empty(), !usable);
        prop_assert_eq!(idents::rust_camel(&name).is_empty(), !usable);
        prop_assert_eq!(is_rust_ident(&idents::rust_variant(&enum_name, &name)), usable, "variant {} of {}", name, enum_name);
    }
}

#[test]
fn the_pairs_the_guarantee_covers_are_refused_by_protox() {
    for (a, b) in [("zone", "Zone"), ("class", "class_"), ("type", "type_"), ("a_b", "a__b"), ("ab_", "ab"), ("imageRef", "image_ref"), ("self", "self_"), ("HTTPServer", "http_server")] {
        assert!(idents::python(a) == idents::python(b) || idents::rust_snake(a) == idents::rust_snake(b), "{a}, {b}: no clash");
        let error = compile_fields(a, b).expect_err(a);
        assert!(error.contains("camel-case name of field"), "{a}, {b}: {error}");
    }
}

/// A plugin whose `Job` has fields `zone` and `region`, lowered without error.
const JOB: &str = r#"syntax = "proto3";
package demo;
import "flyteplugin/options.proto";
option (flyteplugin.plugin) = {name: "demo" python_package: "demo_pkg" targets: {id: "t" api_version: "example.com/v1"}};
message Job {
  option (flyteplugin.task) = {
    name: "demo-job" python_class: "DemoTask"
    resources: {target: "t" kind: "Widget" plural: "widgets" namespaced: true
      name_rule: {max_length: 63 pattern: "^[a-z0-9-]+$"}
      status: {phase_path: "status.state" otherwise: RUNNING}}
  };
  string image = 1 [(flyteplugin.field) = {cr: {target: "t" path: "spec.image"}}];
  string zone = 2 [(flyteplugin.field) = {cr: {target: "t" unsupported: true}}];
  string region = 3 [(flyteplugin.field) = {cr: {target: "t" unsupported: true}}];
}
"#;

/// Runs `check_field_names` on `Job` after `craft` has changed the lowered `region` field, as a
/// naming rule mapping two proto names to one would, and renders what it reports.
fn field_names_diagnostic(craft: impl FnOnce(&mut crate::model::Field)) -> String {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("demo")).unwrap();
    std::fs::write(dir.path().join("demo/job.proto"), JOB).unwrap();
    let loaded = crate::load::load(Path::new(dir.path())).unwrap();
    let mut model = crate::lower::lower(&loaded).unwrap_or_else(|e| panic!("{}", crate::diagnostics::render(&e)));
    let mut plugin = model.plugins.remove(0);
    let job = plugin.messages.iter_mut().find(|m| m.full_name == "demo.Job").unwrap();
    craft(job.fields.iter_mut().find(|f| f.name == "region").unwrap());
    let file = loaded.pool.get_file_by_name("demo/job.proto").unwrap();
    let mut errors = Vec::new();
    let mut cx = FileCx { file: &file, loc: Locator::new(&file, &loaded.sources), errors: &mut errors };
    let job = plugin.messages.iter().find(|m| m.full_name == "demo.Job").unwrap();
    cx.check_field_names(&plugin, job);
    assert_eq!(errors.len(), 1, "exactly the crafted clash");
    crate::diagnostics::render(&Error::Invalid(errors))
}

#[test]
fn a_python_attribute_claimed_twice_labels_both_fields() {
    insta::assert_snapshot!(field_names_diagnostic(|region| region.python_name = "zone".into()));
}

#[test]
fn a_rust_field_claimed_twice_labels_both_fields() {
    insta::assert_snapshot!(field_names_diagnostic(|region| region.rust_name = "zone".into()));
}
