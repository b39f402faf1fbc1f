//! What the API server does to a custom object with the CRD's `openAPIV3Schema`: prune unknown
//! fields, apply defaults, validate.
//!
//! Written here rather than taken from a JSON-Schema crate because the API server's rules are not
//! plain JSON Schema: `nullable`, `x-kubernetes-preserve-unknown-fields`,
//! `x-kubernetes-int-or-string`, structural pruning, null-dropping, and error causes with
//! Kubernetes field paths (`spec.inputDataConfig[0].channelName`) and reasons
//! (`FieldValueRequired`, ...). Messages follow the API server's wording closely enough that a
//! client sees what it would see from a real cluster.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use regex::Regex;
use serde_json::{Map, Value};

/// One entry of a 422 `Status`'s `details.causes`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cause {
    /// `FieldValueRequired`, `FieldValueInvalid`, `FieldValueTypeInvalid`,
    /// `FieldValueNotSupported`, `FieldValueTooLong`, `FieldValueTooMany`, `FieldValueForbidden`.
    pub reason: String,
    /// Kubernetes field path: `spec.resourceConfig.instanceCount`, `spec.channels[0].name`.
    pub field: String,
    /// The message without the field path, as the API server puts it in the cause.
    pub message: String,
}

impl Cause {
    pub fn required(field: &str) -> Self {
        Self { reason: "FieldValueRequired".into(), field: field.into(), message: "Required value".into() }
    }

    pub fn invalid(field: &str, value: &Value, detail: &str) -> Self {
        Self { reason: "FieldValueInvalid".into(), field: field.into(), message: format!("Invalid value: {}: {detail}", render(value)) }
    }

    pub fn forbidden(field: &str, detail: &str) -> Self {
        Self { reason: "FieldValueForbidden".into(), field: field.into(), message: format!("Forbidden: {detail}") }
    }

    fn type_invalid(field: &str, value: &Value, detail: &str) -> Self {
        Self { reason: "FieldValueTypeInvalid".into(), field: field.into(), message: format!("Invalid value: {}: {detail}", render(value)) }
    }
}

/// Values appear in messages the way the API server prints them: strings quoted, numbers bare,
/// containers by their type name.
fn render(value: &Value) -> String {
    match value {
        Value::String(s) => format!("{s:?}"),
        Value::Object(_) => "\"object\"".into(),
        Value::Array(_) => "\"array\"".into(),
        Value::Null => "\"null\"".into(),
        other => other.to_string(),
    }
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_f64() => "number",
        Value::Number(_) => "integer",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() { key.to_string() } else { format!("{path}.{key}") }
}

fn truthy(schema: &Value, key: &str) -> bool {
    schema.get(key).and_then(Value::as_bool).unwrap_or(false)
}

/// The schema of field `key` of an object with `schema`, if the schema knows it.
fn field_schema<'s>(schema: &'s Value, key: &str) -> Option<&'s Value> {
    schema.get("properties").and_then(|p| p.get(key)).or_else(|| schema.get("additionalProperties").filter(|a| a.is_object()))
}

/// Drops what a structural schema does not declare, recording each dropped field's path in
/// `pruned` (for `fieldValidation=Strict|Warn`). Also drops `null` values of non-nullable
/// fields without a default, as the API server does before defaulting.
///
/// `apiVersion`, `kind` and `metadata` of the root (and of embedded resources) are left to the
/// caller: the API server treats them as typed metadata, not schema.
pub fn prune(schema: &Value, value: &mut Value, path: &str, pruned: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            let preserve = truthy(schema, "x-kubernetes-preserve-unknown-fields");
            let embedded = truthy(schema, "x-kubernetes-embedded-resource");
            let allow_additional = schema.get("additionalProperties").is_some_and(|a| a.is_object() || a == &Value::Bool(true));
            let keys: Vec<String> = map.keys().cloned().collect();
            for key in keys {
                let child_path = join(path, &key);
                if embedded && matches!(key.as_str(), "apiVersion" | "kind" | "metadata") {
                    continue;
                }
                match field_schema(schema, &key) {
                    Some(child) => {
                        if map[&key].is_null() && !truthy(child, "nullable") && child.get("default").is_none() {
                            map.remove(&key);
                        } else if let Some(v) = map.get_mut(&key) {
                            prune(child, v, &child_path, pruned);
                        }
                    }
                    None if preserve || allow_additional => {}
                    None => {
                        map.remove(&key);
                        pruned.push(child_path);
                    }
                }
            }
        }
        Value::Array(items) => {
            if let Some(item_schema) = schema.get("items") {
                for (i, item) in items.iter_mut().enumerate() {
                    prune(item_schema, item, &format!("{path}[{i}]"), pruned);
                }
            }
        }
        _ => {}
    }
}

/// Fills in `default` values of absent properties (recursively), as v1 CRDs do on every write.
pub fn apply_defaults(schema: &Value, value: &mut Value) {
    match value {
        Value::Object(map) => {
            if let Some(Value::Object(props)) = schema.get("properties") {
                for (key, child) in props {
                    if let Some(default) = child.get("default")
                        && map.get(key).is_none_or(Value::is_null)
                    {
                        map.insert(key.clone(), default.clone());
                    }
                }
            }
            for (key, v) in map.iter_mut() {
                if let Some(child) = field_schema(schema, key) {
                    apply_defaults(child, v);
                }
            }
        }
        Value::Array(items) => {
            if let Some(item_schema) = schema.get("items") {
                items.iter_mut().for_each(|item| apply_defaults(item_schema, item));
            }
        }
        _ => {}
    }
}

/// Every way `value` at `path` breaks `schema`, appended to `causes`.
pub fn validate(schema: &Value, value: &Value, path: &str, causes: &mut Vec<Cause>) {
    if value.is_null() {
        if schema.get("type").is_some() && !truthy(schema, "nullable") {
            let ty = schema["type"].as_str().unwrap_or("object");
            causes.push(Cause::type_invalid(path, value, &format!("{path} in body must be of type {ty}: \"null\"")));
        }
        return;
    }
    if truthy(schema, "x-kubernetes-int-or-string") {
        if !(value.is_string() || is_integer(value)) {
            causes.push(Cause::type_invalid(path, value, &format!("{path} in body must be of type integer or string: \"{}\"", type_name(value))));
            return;
        }
    } else if let Some(ty) = schema.get("type").and_then(Value::as_str)
        && !type_matches(ty, value)
    {
        causes.push(Cause::type_invalid(path, value, &format!("{path} in body must be of type {ty}: \"{}\"", type_name(value))));
        return;
    }

    if let Some(Value::Array(allowed)) = schema.get("enum")
        && !allowed.contains(value)
    {
        let list = allowed.iter().map(|v| v.to_string()).collect::<Vec<_>>().join(", ");
        causes.push(Cause { reason: "FieldValueNotSupported".into(), field: path.into(), message: format!("Unsupported value: {}: supported values: {list}", render(value)) });
    }

    match value {
        Value::String(s) => validate_string(schema, s, value, path, causes),
        Value::Number(_) => validate_number(schema, value, path, causes),
        Value::Array(items) => validate_array(schema, items, value, path, causes),
        Value::Object(map) => validate_object(schema, map, value, path, causes),
        _ => {}
    }
    validate_combinators(schema, value, path, causes);
}

fn is_integer(value: &Value) -> bool {
    // JSON has one number type; the API server accepts `2.0` where an integer is declared.
    value.is_i64() || value.is_u64() || value.as_f64().is_some_and(|f| f.fract() == 0.0 && f.is_finite())
}

fn type_matches(ty: &str, value: &Value) -> bool {
    match ty {
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "boolean" => value.is_boolean(),
        "number" => value.is_number(),
        "integer" => is_integer(value),
        _ => true,
    }
}

fn validate_string(schema: &Value, s: &str, value: &Value, path: &str, causes: &mut Vec<Cause>) {
    let chars = s.chars().count() as u64;
    if let Some(min) = schema.get("minLength").and_then(Value::as_u64)
        && chars < min
    {
        causes.push(Cause::invalid(path, value, &format!("{path} in body should be at least {min} chars long")));
    }
    if let Some(max) = schema.get("maxLength").and_then(Value::as_u64)
        && chars > max
    {
        causes.push(Cause { reason: "FieldValueTooLong".into(), field: path.into(), message: format!("Too long: may not be more than {max} bytes") });
    }
    if let Some(pattern) = schema.get("pattern").and_then(Value::as_str)
        && let Some(re) = compiled(pattern)
        && !re.is_match(s)
    {
        causes.push(Cause::invalid(path, value, &format!("{path} in body should match '{pattern}'")));
    }
    if let Some(format) = schema.get("format").and_then(Value::as_str)
        && let Some(re) = format_regex(format)
        && !re.is_match(s)
    {
        causes.push(Cause::invalid(path, value, &format!("{path} in body must be of type {format}: {value}")));
    }
}

fn validate_number(schema: &Value, value: &Value, path: &str, causes: &mut Vec<Cause>) {
    let n = value.as_f64().unwrap_or_default();
    let exclusive = |k: &str| truthy(schema, k);
    if let Some(min) = schema.get("minimum").and_then(Value::as_f64) {
        let bad = if exclusive("exclusiveMinimum") { n <= min } else { n < min };
        if bad {
            let op = if exclusive("exclusiveMinimum") { "greater than" } else { "greater than or equal to" };
            causes.push(Cause::invalid(path, value, &format!("{path} in body should be {op} {}", schema["minimum"])));
        }
    }
    if let Some(max) = schema.get("maximum").and_then(Value::as_f64) {
        let bad = if exclusive("exclusiveMaximum") { n >= max } else { n > max };
        if bad {
            let op = if exclusive("exclusiveMaximum") { "less than" } else { "less than or equal to" };
            causes.push(Cause::invalid(path, value, &format!("{path} in body should be {op} {}", schema["maximum"])));
        }
    }
    if let Some(m) = schema.get("multipleOf").and_then(Value::as_f64)
        && m > 0.0
        && (n / m).fract() != 0.0
    {
        causes.push(Cause::invalid(path, value, &format!("{path} in body should be a multiple of {}", schema["multipleOf"])));
    }
    // `format: int32` / `int64` bound what a typed client can decode; a value outside is invalid.
    let range = match schema.get("format").and_then(Value::as_str) {
        Some("int32") => Some((i32::MIN as f64, i32::MAX as f64)),
        Some("int64") => Some((i64::MIN as f64, i64::MAX as f64)),
        _ => None,
    };
    if let Some((lo, hi)) = range {
        let out = match (value.as_i64(), value.as_u64()) {
            (Some(i), _) => (i as f64) < lo || (i as f64) > hi,
            (None, Some(_)) => true, // larger than i64::MAX
            _ => n < lo || n > hi,
        };
        if out {
            let format = schema["format"].as_str().unwrap_or_default();
            causes.push(Cause::invalid(path, value, &format!("{path} in body must be of type {format}: {value}")));
        }
    }
}

fn validate_array(schema: &Value, items: &[Value], value: &Value, path: &str, causes: &mut Vec<Cause>) {
    let len = items.len() as u64;
    if let Some(min) = schema.get("minItems").and_then(Value::as_u64)
        && len < min
    {
        causes.push(Cause::invalid(path, value, &format!("{path} in body should have at least {min} items")));
    }
    if let Some(max) = schema.get("maxItems").and_then(Value::as_u64)
        && len > max
    {
        causes.push(Cause { reason: "FieldValueTooMany".into(), field: path.into(), message: format!("Too many: {len}: must have at most {max} items") });
    }
    if truthy(schema, "uniqueItems") {
        for (i, item) in items.iter().enumerate() {
            if items[..i].contains(item) {
                causes.push(Cause { reason: "FieldValueDuplicate".into(), field: format!("{path}[{i}]"), message: format!("Duplicate value: {}", render(item)) });
            }
        }
    }
    if let Some(item_schema) = schema.get("items") {
        for (i, item) in items.iter().enumerate() {
            validate(item_schema, item, &format!("{path}[{i}]"), causes);
        }
    }
}

fn validate_object(schema: &Value, map: &Map<String, Value>, value: &Value, path: &str, causes: &mut Vec<Cause>) {
    if let Some(Value::Array(required)) = schema.get("required") {
        for key in required.iter().filter_map(Value::as_str) {
            if map.get(key).is_none_or(Value::is_null) {
                causes.push(Cause::required(&join(path, key)));
            }
        }
    }
    let count = map.len() as u64;
    if let Some(min) = schema.get("minProperties").and_then(Value::as_u64)
        && count < min
    {
        causes.push(Cause::invalid(path, value, &format!("{path} in body should have at least {min} properties")));
    }
    if let Some(max) = schema.get("maxProperties").and_then(Value::as_u64)
        && count > max
    {
        causes.push(Cause { reason: "FieldValueTooMany".into(), field: path.into(), message: format!("Too many: {count}: must have at most {max} items") });
    }
    let props = schema.get("properties").and_then(Value::as_object);
    for (key, child) in map {
        let child_path = join(path, key);
        if let Some(s) = props.and_then(|p| p.get(key)) {
            validate(s, child, &child_path, causes);
        } else {
            match schema.get("additionalProperties") {
                Some(s @ Value::Object(_)) => validate(s, child, &child_path, causes),
                // Reached only where pruning is off (v1beta1 with preserved unknown fields).
                Some(Value::Bool(false)) => causes.push(Cause::forbidden(&child_path, "additional properties are not allowed")),
                _ => {}
            }
        }
    }
}

fn validate_combinators(schema: &Value, value: &Value, path: &str, causes: &mut Vec<Cause>) {
    let passes = |s: &Value| {
        let mut c = Vec::new();
        validate(s, value, path, &mut c);
        c.is_empty()
    };
    if let Some(Value::Array(all)) = schema.get("allOf") {
        all.iter().for_each(|s| validate(s, value, path, causes));
    }
    if let Some(Value::Array(any)) = schema.get("anyOf")
        && !any.iter().any(passes)
    {
        causes.push(Cause::invalid(path, value, &format!("{path} in body must validate at least one schema (anyOf)")));
    }
    if let Some(Value::Array(one)) = schema.get("oneOf")
        && one.iter().filter(|s| passes(s)).count() != 1
    {
        causes.push(Cause::invalid(path, value, &format!("{path} in body must validate one and only one schema (oneOf)")));
    }
    if let Some(not) = schema.get("not")
        && passes(not)
    {
        causes.push(Cause::invalid(path, value, &format!("{path} in body must not validate the schema (not)")));
    }
}

/// Patterns are compiled once per process: the same CRDs are validated against many times.
fn compiled(pattern: &str) -> Option<Regex> {
    static CACHE: OnceLock<Mutex<HashMap<String, Option<Regex>>>> = OnceLock::new();
    let mut cache = CACHE.get_or_init(Default::default).lock().unwrap_or_else(|e| e.into_inner());
    cache.entry(pattern.to_string()).or_insert_with(|| Regex::new(pattern).ok()).clone()
}

/// The string formats the API server checks; unknown formats are ignored, as there.
fn format_regex(format: &str) -> Option<Regex> {
    let pattern = match format {
        "date-time" => r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$",
        "date" => r"^\d{4}-\d{2}-\d{2}$",
        "byte" => r"^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$",
        "uuid" => r"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$",
        _ => return None,
    };
    compiled(pattern)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema() -> Value {
        json!({
            "type": "object",
            "required": ["name"],
            "properties": {
                "name": {"type": "string", "minLength": 2, "pattern": "^[a-z]+$"},
                "count": {"type": "integer", "format": "int32", "minimum": 1},
                "mode": {"type": "string", "enum": ["File", "Pipe"]},
                "tags": {"type": "array", "maxItems": 1, "items": {"type": "object", "properties": {"k": {"type": "string"}}}},
                "params": {"type": "object", "additionalProperties": {"type": "string"}},
                "free": {"type": "object", "x-kubernetes-preserve-unknown-fields": true},
                "opt": {"type": "string", "nullable": true},
                "dflt": {"type": "string", "default": "d"}
            }
        })
    }

    #[test]
    fn prunes_unknown_fields_and_non_nullable_nulls() {
        let mut v = json!({"name": "ab", "zzz": 1, "tags": [{"k": "a", "x": 1}], "params": {"a": "b"}, "free": {"any": 1}, "count": null, "opt": null});
        let mut pruned = Vec::new();
        prune(&schema(), &mut v, "spec", &mut pruned);
        assert_eq!(pruned, ["spec.zzz", "spec.tags[0].x"]);
        assert_eq!(v, json!({"name": "ab", "tags": [{"k": "a"}], "params": {"a": "b"}, "free": {"any": 1}, "opt": null}));
    }

    #[test]
    fn defaults_absent_fields() {
        let mut v = json!({"name": "ab"});
        apply_defaults(&schema(), &mut v);
        assert_eq!(v["dflt"], "d");
    }

    #[test]
    fn reports_causes_with_paths_and_reasons() {
        let v = json!({"count": 3_000_000_000u64, "mode": "Stream", "tags": [{"k": 1}, {}], "params": {"p": 2}, "opt": null});
        let mut causes = Vec::new();
        validate(&schema(), &v, "spec", &mut causes);
        let got: Vec<(&str, &str)> = causes.iter().map(|c| (c.reason.as_str(), c.field.as_str())).collect();
        assert_eq!(
            got,
            [
                ("FieldValueRequired", "spec.name"),
                ("FieldValueInvalid", "spec.count"),
                ("FieldValueNotSupported", "spec.mode"),
                ("FieldValueTooMany", "spec.tags"),
                ("FieldValueTypeInvalid", "spec.tags[0].k"),
                ("FieldValueTypeInvalid", "spec.params.p"),
            ]
        );
        assert_eq!(causes[0].message, "Required value");
        assert!(causes[4].message.contains("spec.tags[0].k in body must be of type string"), "{}", causes[4].message);
    }

    #[test]
    fn string_limits_and_integral_doubles() {
        let mut causes = Vec::new();
        validate(&schema(), &json!({"name": "A", "count": 2.0}), "spec", &mut causes);
        let fields: Vec<&str> = causes.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(fields, ["spec.name", "spec.name"]);
        causes.clear();
        validate(&schema(), &json!({"name": "ab", "count": 2.5}), "spec", &mut causes);
        assert_eq!(causes.len(), 1);
        assert_eq!(causes[0].reason, "FieldValueTypeInvalid");
    }
}
