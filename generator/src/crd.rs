//! `--crd-schema DIR`: check every mapped CR path and its type against real CRD schemas.
//!
//! Reads CustomResourceDefinition YAML in both layouts (`apiextensions.k8s.io/v1`: schema per
//! version; `v1beta1`: `spec.validation`), finds the CRD of each resource's group and kind, and
//! walks every path the model writes or reads. Several folders may be given (one per target);
//! every resource whose CRD none of them holds is listed as unchecked, and `--crd-strict` makes
//! that an error.

use std::collections::BTreeMap;
use std::path::Path;

use miette::{NamedSource, SourceSpan};
use serde_json::Value;

use crate::crpath::{CrPath, Segment};
use crate::diagnostics::{Error, ProtoError, Sources};
use crate::model::*;

/// An openAPIV3Schema per (group, version, kind), with the file it came from.
pub struct Schemas {
    by_gvk: BTreeMap<(String, String, String), (String, Value)>,
}

impl Schemas {
    pub fn load(dir: &Path) -> Result<Self, Error> {
        let io = |context: String| move |source| Error::Io { context, source };
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .map_err(io(format!("reading {}", dir.display())))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
            .collect();
        paths.sort();
        let mut by_gvk = BTreeMap::new();
        for path in paths {
            let text = std::fs::read_to_string(&path).map_err(io(format!("reading {}", path.display())))?;
            let file = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            for doc in serde_norway::Deserializer::from_str(&text) {
                let value = serde::Deserialize::deserialize(doc)
                    .map_err(|e| Error::Usage(format!("{}: not valid YAML: {e}", path.display())))?;
                let value: Value = value;
                if value.get("kind").and_then(Value::as_str) != Some("CustomResourceDefinition") {
                    continue;
                }
                for (version, schema) in versions(&value) {
                    let group = value["spec"]["group"].as_str().unwrap_or_default().to_string();
                    let kind = value["spec"]["names"]["kind"].as_str().unwrap_or_default().to_string();
                    by_gvk.insert((group, version, kind), (file.clone(), schema));
                }
            }
        }
        Ok(Self { by_gvk })
    }

    pub fn get(&self, api_version: &str, kind: &str) -> Option<&(String, Value)> {
        let (group, version) = api_version.rsplit_once('/')?;
        self.by_gvk.get(&(group.to_string(), version.to_string(), kind.to_string()))
    }
}

/// `(version, openAPIV3Schema)` pairs of one CRD in either layout.
fn versions(crd: &Value) -> Vec<(String, Value)> {
    let spec = &crd["spec"];
    let mut out = Vec::new();
    let shared = spec["validation"]["openAPIV3Schema"].clone();
    if let Some(versions) = spec["versions"].as_array() {
        for v in versions {
            let name = v["name"].as_str().unwrap_or_default().to_string();
            let schema = v["schema"]["openAPIV3Schema"].clone();
            out.push((name, if schema.is_null() { shared.clone() } else { schema }));
        }
    }
    if out.is_empty()
        && let Some(version) = spec["version"].as_str() {
            out.push((version.to_string(), shared));
        }
    out.retain(|(_, s)| !s.is_null());
    out
}

/// The part of `ObjectMeta` a mapping may write; CRD schemas leave `metadata` opaque because the
/// API server validates it itself.
fn object_meta() -> Value {
    serde_json::json!({
        "type": "object",
        "properties": {
            "name": {"type": "string"},
            "namespace": {"type": "string"},
            "labels": {"type": "object", "additionalProperties": {"type": "string"}},
            "annotations": {"type": "object", "additionalProperties": {"type": "string"}}
        }
    })
}

/// Walks `path` through `schema`; `Err` names the first segment that is not there.
fn lookup<'a>(schema: &'a Value, meta: &'a Value, path: &CrPath) -> Result<&'a Value, String> {
    let mut node = schema;
    for (i, segment) in path.segments.iter().enumerate() {
        let here = CrPath { segments: path.segments[..i].to_vec() };
        node = match segment {
            Segment::Key(k) if i == 0 && k == "metadata" => meta,
            Segment::Key(k) => {
                if let Some(p) = node.get("properties").and_then(|p| p.get(k)) {
                    p
                } else if let Some(a) = node.get("additionalProperties").filter(|a| a.is_object()) {
                    a
                } else {
                    let place = if here.segments.is_empty() { "the object".to_string() } else { format!("`{here}`") };
                    return Err(format!("{place} has no property `{k}`"));
                }
            }
            Segment::Items | Segment::Index(_) | Segment::Match { .. } => match node.get("items") {
                Some(items) => items,
                None => return Err(format!("`{here}` is not a list")),
            },
        };
    }
    Ok(node)
}

fn schema_type(node: &Value) -> &str {
    node.get("type").and_then(Value::as_str).unwrap_or("any")
}

fn is_pair_list(node: &Value, key: &str) -> bool {
    schema_type(node) == "array" && node["items"]["properties"].get(key).is_some() && node["items"]["properties"].get("value").is_some()
}

/// Why the field's value does not fit `node`, if it does not.
fn misfit(field: &MappedField, node: &Value, entry_parent: Option<&Value>, plugin: &Plugin, target: &str) -> Option<String> {
    let want = |t: &str| (schema_type(node) != t && schema_type(node) != "any").then(|| format!("the CRD has {} here, not {t}", schema_type(node)));
    match (field.transform, &field.cardinality) {
        (Transform::NameValueList | Transform::KeyValueList, card) => {
            let key = if field.transform == Transform::NameValueList { "name" } else { "key" };
            let list = if *card == Cardinality::Map { Some(node) } else { entry_parent };
            match list {
                Some(l) if is_pair_list(l, key) => None,
                _ => Some(format!("the CRD has no list of {{{key}, value}} objects here")),
            }
        }
        (Transform::ToString, Cardinality::Repeated) => want("array").or_else(|| scalar_fit("string", &node["items"])),
        (Transform::ToString, _) => want("string"),
        (Transform::Seconds, _) => want("integer"),
        // Lowering keeps JVM_MEMORY off fields; as a text it would be a string.
        (Transform::JvmMemory, _) => want("string"),
        (Transform::AsIs, Cardinality::Map) => {
            want("object").or_else(|| (node.get("additionalProperties").is_none()).then(|| "the CRD has an object with fixed properties here, not a map".to_string()))
        }
        (Transform::AsIs, Cardinality::Repeated) => want("array").or_else(|| element_fit(field, &node["items"], plugin, target)),
        (Transform::AsIs, _) => element_fit(field, node, plugin, target),
    }
}

fn scalar_fit(expected: &str, node: &Value) -> Option<String> {
    let actual = schema_type(node);
    let ok = actual == "any" || actual == expected;
    (!ok).then(|| format!("the CRD has {actual} here, not {expected}"))
}

fn element_fit(field: &MappedField, node: &Value, plugin: &Plugin, target: &str) -> Option<String> {
    let hint = |why: String, fix: &str| Some(if fix.is_empty() { why } else { format!("{why}; {fix}") });
    match &field.ty {
        FieldType::String | FieldType::Bytes => scalar_fit("string", node),
        FieldType::Bool => scalar_fit("boolean", node).and_then(|w| hint(w, if schema_type(node) == "string" { "add transform TO_STRING" } else { "" })),
        t if t.is_integer() && schema_type(node) == "number" => None,
        t if t.is_integer() => scalar_fit("integer", node).and_then(|w| hint(w, if schema_type(node) == "string" { "add transform TO_STRING" } else { "" })),
        FieldType::Float | FieldType::Double => scalar_fit("number", node).and_then(|w| hint(w, if schema_type(node) == "string" { "add transform TO_STRING" } else { "" })),
        FieldType::Duration => hint(format!("a Duration cannot land as {} without a transform", schema_type(node)), "add transform SECONDS"),
        FieldType::Message(_) => scalar_fit("object", node),
        FieldType::Enum(name) => scalar_fit("string", node).or_else(|| {
            let allowed: Vec<&str> = node.get("enum")?.as_array()?.iter().filter_map(Value::as_str).collect();
            let e = plugin.enumeration(name);
            let rejected: Vec<&str> = e
                .values
                .iter()
                .filter(|v| !v.unsupported_in.iter().any(|t| t == target))
                .filter_map(|v| v.api.as_deref())
                .filter(|api| !allowed.contains(api))
                .collect();
            (!rejected.is_empty()).then(|| {
                format!("the CRD accepts only {} here; mark {} `unsupported_in: \"{target}\"`", allowed.join(", "), rejected.join(", "))
            })
        }),
        _ => None,
    }
}

/// Why a context value's shape does not fit `node`, if it does not.
fn context_misfit(c: &ContextValue, node: &Value) -> Option<String> {
    let collection = || {
        (schema_type(node) != "object" && !is_pair_list(node, "name") && !is_pair_list(node, "key"))
            .then(|| "entries need a map or a list of name/value objects here".to_string())
    };
    match c.source {
        _ if !c.key_prefix.is_empty() => collection(),
        ContextSource::ContainerArgs => scalar_fit("array", node).or_else(|| scalar_fit("string", &node["items"])),
        ContextSource::ContainerResources => {
            let fits = |key: &str| node.get("properties").and_then(|p| p.get(key)).is_some();
            scalar_fit("object", node).or_else(|| (!(fits("requests") && fits("limits"))).then(|| "the CRD has no `requests` and `limits` here".to_string()))
        }
        ContextSource::ContainerEnv if c.transform == Transform::AsIs => scalar_fit("object", node),
        ContextSource::ContainerEnv => (!is_pair_list(node, "name")).then(|| "the CRD has no list of {name, value} objects here".to_string()),
        ContextSource::ExecutionLabels | ContextSource::ExecutionAnnotations => scalar_fit("object", node),
        _ => scalar_fit("string", node),
    }
}

/// Why a constant does not fit `node` (its JSON type against the schema's), if it does not.
fn constant_misfit(value: &Value, node: &Value) -> Option<String> {
    let actual = match value {
        Value::Null => return None,
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => return (!matches!(schema_type(node), "integer" | "number" | "any")).then(|| format!("the CRD has {} here, not integer", schema_type(node))),
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    };
    scalar_fit(actual, node)
}

/// Checks every resource whose CRD is in `dir`; returns one line per resource checked.
/// What the CRD schema checks covered.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct CrdReport {
    /// `task target Kind against file`, one per resource checked.
    pub checked: Vec<String>,
    /// `task target Kind (apiVersion)`, one per resource no folder had a CRD for.
    pub unchecked: Vec<String>,
}

/// Checks `model` against the CRDs of every folder in `dirs`.
pub fn check_all(model: &Model, dirs: &[std::path::PathBuf], sources: &Sources) -> Result<CrdReport, Error> {
    let mut report = CrdReport::default();
    if dirs.is_empty() {
        return Ok(report);
    }
    let mut schemas = Vec::new();
    for dir in dirs {
        report.checked.extend(check(model, dir, sources)?);
        schemas.push(Schemas::load(dir)?);
    }
    for plugin in &model.plugins {
        for task in &plugin.task_types {
            for resource in &task.resources {
                let target = plugin.target(&resource.target);
                if !schemas.iter().any(|s| s.get(&target.api_version, &resource.kind).is_some()) {
                    report.unchecked.push(format!("{} {} {} ({})", task.name, target.id, resource.kind, target.api_version));
                }
            }
        }
    }
    Ok(report)
}

pub fn check(model: &Model, dir: &Path, sources: &Sources) -> Result<Vec<String>, Error> {
    let schemas = Schemas::load(dir)?;
    let meta = object_meta();
    let mut errors = Vec::new();
    let mut checked = Vec::new();
    for plugin in &model.plugins {
        for task in &plugin.task_types {
            for resource in &task.resources {
                let target = plugin.targets.iter().find(|t| t.id == resource.target).expect("lowered");
                let Some((file, schema)) = schemas.get(&target.api_version, &resource.kind) else { continue };
                let before = errors.len();
                let mut err = |origin: &Origin, needle: &str, message: String, label: &str| {
                    errors.push(error_at(sources, origin, needle, message, label));
                };
                for field in &resource.fields {
                    let Some(path) = &field.cr_path else { continue };
                    let entry = matches!(field.transform, Transform::NameValueList | Transform::KeyValueList) && field.cardinality != Cardinality::Map;
                    let (lookup_path, parent) = if entry {
                        let (parent, _) = path.split_last_key().expect("entry paths end in a key");
                        (parent.clone(), Some(parent))
                    } else {
                        (path.clone(), None)
                    };
                    match lookup(schema, &meta, &lookup_path) {
                        Err(why) => err(&field.origin, "", format!("CR path `{path}` of `{}` is not in {} {} ({file}): {why}", field.proto_path, target.id, resource.kind), "not in the CRD schema"),
                        Ok(node) => {
                            let parent_node = parent.as_ref().map(|_| node);
                            let node = if entry { &Value::Null } else { node };
                            if let Some(why) = misfit(field, node, parent_node, plugin, &target.id) {
                                err(&field.origin, "", format!("CR path `{path}` cannot take `{}` ({}) as is: {why}", field.proto_path, field.ty.describe()), "type does not fit");
                            }
                        }
                    }
                }
                for c in &resource.context {
                    let found = lookup(schema, &meta, &c.path);
                    let bad = match &found {
                        Err(why) => Some(why.clone()),
                        Ok(node) => context_misfit(c, node),
                    };
                    if let Some(why) = bad {
                        err(&c.origin, "", format!("context path `{}` ({:?}) does not fit {} {}: {why}", c.path, c.source, target.id, resource.kind), "not in the CRD schema");
                    }
                }
                for c in &resource.constants {
                    let bad = match lookup(schema, &meta, &c.path) {
                        Err(why) => Some(why),
                        Ok(node) => constant_misfit(&c.value, node),
                    };
                    if let Some(why) = bad {
                        err(&c.origin, "", format!("constant at `{}` does not fit {} {}: {why}", c.path, target.id, resource.kind), "not in the CRD schema");
                    }
                }
                let mut read_paths: Vec<(CrPath, String)> = resource.status.phase_path.iter().map(|p| (p.clone(), "status.phase_path".into())).collect();
                for rule in &resource.status.rules {
                    if let Matcher::Status { secondary: Some((p, _)), .. } = &rule.matcher {
                        read_paths.push((p.clone(), "secondary_path".into()));
                    }
                    for w in &rule.where_ {
                        if let Subject::Path(p) = &w.subject {
                            read_paths.push((p.clone(), "where path".into()));
                        }
                    }
                    read_paths.extend(rule.message.paths().map(|p| (p.clone(), "phase message".into())));
                }
                for o in &resource.outputs {
                    read_paths.extend(o.value.paths().map(|p| (p.clone(), format!("output `{}`", o.output))));
                }
                for l in &resource.log_links {
                    read_paths.extend(l.uri.paths().map(|p| (p.clone(), format!("log link `{}`", l.name))));
                }
                if resource.status.rules.iter().any(|r| r.matcher.has_condition()) {
                    read_paths.push((CrPath::parse("status.conditions[].type").expect("literal"), "condition rule".into()));
                }
                for (path, what) in read_paths {
                    if let Err(why) = lookup(schema, &meta, &path) {
                        err(&resource.origin, &format!("{path}"), format!("{what} reads `{path}`, which is not in {} {} ({file}): {why}", target.id, resource.kind), "not in the CRD schema");
                    }
                }
                if errors.len() == before {
                    checked.push(format!("{} {} {} against {file}", task.name, target.id, resource.kind));
                }
            }
        }
    }
    crate::diagnostics::dedup(&mut errors);
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    if checked.is_empty() {
        return Err(Error::Usage(format!("no CRD in {} matches a resource of the model", dir.display())));
    }
    Ok(checked)
}

fn error_at(sources: &Sources, origin: &Origin, needle: &str, message: String, label: &str) -> ProtoError {
    let text = sources.get(&origin.file).cloned().unwrap_or_default();
    let mut span = SourceSpan::from(origin.offset..origin.offset + origin.len);
    if !needle.is_empty() {
        let within = text.get(origin.offset..origin.offset + origin.len).unwrap_or_default();
        // A path the entry does not write out (the conditions a condition rule reads) is
        // labelled at the entry's `target: "..."`, where it begins.
        let target = within.find('"').and_then(|a| within[a + 1..].find('"').map(|b| a + b + 2)).unwrap_or(within.len());
        let at = within.find(needle).map(|i| (i, needle.len())).unwrap_or((0, target));
        span = SourceSpan::from(origin.offset + at.0..origin.offset + at.0 + at.1);
    }
    ProtoError { message, source_code: NamedSource::new(&origin.file, text), span, label: label.into(), also: Vec::new(), help: None }
}
