//! Decoding `TaskTemplate.custom` (JSON from a protobuf `Struct`) into typed prost messages.
//!
//! flytekit writes `custom` by serialising a dict to JSON, so every number arrives as a double,
//! and a plugin that uses `MessageToDict` also sends camelCase keys, int64 values as decimal
//! strings and enum names. The proto3 JSON mapping of `prost-reflect` accepts all of these and
//! rejects non-integral doubles for integer fields; unknown fields are denied so that a typo is
//! an error, not a silently ignored setting. `serde_path_to_error` tracks where decoding failed,
//! and the path is rewritten to proto field names (`resources.instance_count`,
//! `channels[1].name`) so that the error names the field as the user's schema does. A 64-bit
//! integer field given as a double beyond 2^53 is rejected too: its digits are already lost.

use prost_reflect::{DescriptorPool, DeserializeOptions, DynamicMessage, Kind, MessageDescriptor};
use serde_path_to_error::Segment;

use crate::plugin::InvalidInput;

/// Decodes `json` as the message `full_name` of `pool` into the prost type `T`.
pub fn message<T: prost::Message + Default>(
    pool: &DescriptorPool,
    full_name: &str,
    json: &serde_json::Value,
) -> Result<T, InvalidInput> {
    dynamic(pool, full_name, json)?
        .transcode_to::<T>()
        .map_err(|e| {
            InvalidInput::new(
                full_name,
                format!("cannot convert to the generated type: {e}"),
            )
        })
}

/// Decodes `json` as the message `full_name` of `pool`.
///
/// Errors name the failing field by its proto path; an error about the whole value (not an
/// object, say) names the message type.
pub fn dynamic(
    pool: &DescriptorPool,
    full_name: &str,
    json: &serde_json::Value,
) -> Result<DynamicMessage, InvalidInput> {
    let descriptor = pool.get_message_by_name(full_name).ok_or_else(|| {
        InvalidInput::new(full_name, "message type is not in the descriptor pool")
    })?;
    let options = DeserializeOptions::new().deny_unknown_fields(true);
    let mut track = serde_path_to_error::Track::new();
    let deserializer = serde_path_to_error::Deserializer::new(json, &mut track);
    let message =
        DynamicMessage::deserialize_with_options(descriptor.clone(), deserializer, &options)
            .map_err(|error| {
                let (mut path, at) = proto_path(&descriptor, &track.path());
                let mut message = error.to_string();
                // prost-reflect reports an unknown key at its parent; name the key itself, and list
                // what would have been accepted.
                if let Some(key) = message
                    .strip_prefix("unrecognized field name '")
                    .and_then(|m| m.strip_suffix('\''))
                {
                    let key = key.to_string();
                    push_name(&mut path, &key);
                    message = match at {
                        At::Message(m) => {
                            let known: Vec<String> =
                                m.fields().map(|f| f.name().to_string()).collect();
                            format!("unknown field `{key}`; known fields: {}", known.join(", "))
                        }
                        _ => format!("unknown field `{key}`"),
                    };
                }
                InvalidInput::new(
                    if path.is_empty() {
                        full_name.to_string()
                    } else {
                        path
                    },
                    message,
                )
            })?;
    check_wide_integers(&descriptor, json, "")?;
    Ok(message)
}

/// Largest integer every double below it represents exactly.
const EXACT_DOUBLE: f64 = 9_007_199_254_740_992.0;

/// Rejects 64-bit integer fields given as doubles beyond 2^53: flytekit's `Struct` carries every
/// number as a double, so such a value has already lost digits (send it as a decimal string).
fn check_wide_integers(
    message: &MessageDescriptor,
    json: &serde_json::Value,
    path: &str,
) -> Result<(), InvalidInput> {
    let serde_json::Value::Object(map) = json else {
        return Ok(());
    };
    if message.full_name().starts_with("google.protobuf.") {
        return Ok(());
    }
    for (key, value) in map {
        let Some(field) = message
            .get_field_by_json_name(key)
            .or_else(|| message.get_field_by_name(key))
        else {
            continue;
        };
        let mut field_path = path.to_string();
        push_name(&mut field_path, field.name());
        match (value, field.kind()) {
            (serde_json::Value::Object(entries), Kind::Message(entry)) if field.is_map() => {
                let kind = entry.map_entry_value_field().kind();
                for (k, v) in entries {
                    check_wide_value(&kind, v, &format!("{field_path}.{k}"))?;
                }
            }
            (serde_json::Value::Array(items), kind) if field.is_list() => {
                for (i, v) in items.iter().enumerate() {
                    check_wide_value(&kind, v, &format!("{field_path}[{i}]"))?;
                }
            }
            (value, kind) => check_wide_value(&kind, value, &field_path)?,
        }
    }
    Ok(())
}

fn check_wide_value(
    kind: &Kind,
    value: &serde_json::Value,
    path: &str,
) -> Result<(), InvalidInput> {
    match (kind, value) {
        (
            Kind::Int64 | Kind::Sint64 | Kind::Sfixed64 | Kind::Uint64 | Kind::Fixed64,
            serde_json::Value::Number(n),
        ) if n.is_f64() => {
            let v = n.as_f64().unwrap_or_default();
            if v.abs() > EXACT_DOUBLE {
                return Err(InvalidInput::new(
                    path,
                    format!(
                        "{} is beyond 2^53 and cannot be exact as a double; send it as a decimal string",
                        crate::cr::format_float(v)
                    ),
                ));
            }
            Ok(())
        }
        (Kind::Message(m), value) => check_wide_integers(m, value, path),
        _ => Ok(()),
    }
}

fn push_name(out: &mut String, name: &str) {
    if !out.is_empty() {
        out.push('.');
    }
    out.push_str(name);
}

/// Where decoding stands while the JSON path is mapped onto the message schema.
enum At {
    Message(MessageDescriptor),
    List(Kind),
    Map(Kind),
    /// Well-known types with their own JSON form, scalars, or keys not in the schema: keys are
    /// copied as written.
    Opaque,
}

fn at_kind(kind: Kind) -> At {
    match kind {
        Kind::Message(m) if !m.full_name().starts_with("google.protobuf.") => At::Message(m),
        _ => At::Opaque,
    }
}

/// The JSON path rewritten to proto field names: `resourceConfig.instanceCount` becomes
/// `resource_config.instance_count`, list items `[i]`, map entries `.key`.
fn proto_path(root: &MessageDescriptor, path: &serde_path_to_error::Path) -> (String, At) {
    let mut out = String::new();
    let mut at = At::Message(root.clone());
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => {
                out.push_str(&format!("[{index}]"));
                at = match at {
                    At::List(kind) => at_kind(kind),
                    _ => At::Opaque,
                };
            }
            Segment::Map { key } => match at {
                At::Message(message) => {
                    let field = message
                        .get_field_by_json_name(key)
                        .or_else(|| message.get_field_by_name(key));
                    match field {
                        Some(field) => {
                            push_name(&mut out, field.name());
                            at = if field.is_map() {
                                match field.kind() {
                                    Kind::Message(entry) => {
                                        At::Map(entry.map_entry_value_field().kind())
                                    }
                                    _ => At::Opaque,
                                }
                            } else if field.is_list() {
                                At::List(field.kind())
                            } else {
                                at_kind(field.kind())
                            };
                        }
                        None => {
                            push_name(&mut out, key);
                            at = At::Opaque;
                        }
                    }
                }
                At::Map(kind) => {
                    push_name(&mut out, key);
                    at = at_kind(kind);
                }
                At::List(_) | At::Opaque => {
                    push_name(&mut out, key);
                    at = At::Opaque;
                }
            },
            Segment::Enum { variant } => push_name(&mut out, variant),
            Segment::Unknown => push_name(&mut out, "?"),
        }
    }
    (out, at)
}

/// A protobuf `Struct` as JSON; `field` names it in errors (`template.custom`). Numbers are
/// doubles. A NaN or infinite number (which no JSON source can produce) is an error naming its
/// key: read as "unset" it would let defaults apply (`maxRuntimeSeconds = NaN` ran for a day).
/// Nesting deeper than `max_depth` objects and lists is an error too, before the recursion
/// below could exhaust the stack.
pub fn struct_to_json(s: &prost_types::Struct, field: &str, max_depth: usize) -> Result<serde_json::Value, InvalidInput> {
    fields_to_json(s, field, 1, max_depth)
}

fn fields_to_json(s: &prost_types::Struct, path: &str, depth: usize, max_depth: usize) -> Result<serde_json::Value, InvalidInput> {
    if depth > max_depth {
        return Err(InvalidInput::new(path, format!("nested deeper than {max_depth} levels (limits.maxDepth)")));
    }
    let mut out = serde_json::Map::new();
    for (k, v) in &s.fields {
        let value = value_to_json(v, &format!("{path}.{}", crate::echo::shown(k)), depth, max_depth)?;
        out.insert(k.clone(), value);
    }
    Ok(serde_json::Value::Object(out))
}

/// 2^53: every integer up to this magnitude is exact in a double.
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_992.0;

fn value_to_json(v: &prost_types::Value, path: &str, depth: usize, max_depth: usize) -> Result<serde_json::Value, InvalidInput> {
    use prost_types::value::Kind as K;
    use serde_json::Value as J;
    Ok(match &v.kind {
        None | Some(K::NullValue(_)) => J::Null,
        // Struct numbers are all doubles. A whole one within the exactly-representable range is
        // written as an integer, as flytekit's JSON had it, so enum numbers (`2.0`) and integer
        // fields decode; a double field takes an integer just as well.
        Some(K::NumberValue(n)) if n.fract() == 0.0 && n.abs() <= MAX_SAFE_INTEGER => J::from(*n as i64),
        Some(K::NumberValue(n)) => match serde_json::Number::from_f64(*n) {
            Some(n) => J::Number(n),
            None => return Err(InvalidInput::new(path, format!("{n} is not a number a task can use (NaN and infinities are refused)"))),
        },
        Some(K::StringValue(s)) => J::String(s.clone()),
        Some(K::BoolValue(b)) => J::Bool(*b),
        Some(K::StructValue(s)) => fields_to_json(s, path, depth + 1, max_depth)?,
        Some(K::ListValue(l)) => {
            if depth + 1 > max_depth {
                return Err(InvalidInput::new(path, format!("nested deeper than {max_depth} levels (limits.maxDepth)")));
            }
            let items = l.values.iter().enumerate().map(|(i, v)| value_to_json(v, &format!("{path}[{i}]"), depth + 1, max_depth));
            J::Array(items.collect::<Result<_, _>>()?)
        }
    })
}

/// JSON as a protobuf `Struct`; `None` when `v` is not an object. Numbers become doubles.
pub fn json_to_struct(v: &serde_json::Value) -> Option<prost_types::Struct> {
    match v {
        serde_json::Value::Object(map) => Some(prost_types::Struct {
            fields: map
                .iter()
                .map(|(k, v)| (k.clone(), json_to_value(v)))
                .collect(),
        }),
        _ => None,
    }
}

fn json_to_value(v: &serde_json::Value) -> prost_types::Value {
    use prost_types::value::Kind as K;
    use serde_json::Value as J;
    let kind = match v {
        J::Null => K::NullValue(prost_types::NullValue::NullValue as i32),
        J::Bool(b) => K::BoolValue(*b),
        J::Number(n) => K::NumberValue(n.as_f64().unwrap_or(f64::NAN)),
        J::String(s) => K::StringValue(s.clone()),
        J::Array(items) => K::ListValue(prost_types::ListValue {
            values: items.iter().map(json_to_value).collect(),
        }),
        J::Object(_) => K::StructValue(json_to_struct(v).unwrap_or_default()),
    };
    prost_types::Value { kind: Some(kind) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use prost_reflect::Value;
    use serde_json::json;
    use std::sync::LazyLock;

    const PROTO: &str = r#"
        syntax = "proto3";
        package test;
        import "google/protobuf/struct.proto";

        enum Mode { MODE_UNSPECIFIED = 0; FILE = 1; PIPE = 2; }

        message Resources {
          int32 instance_count = 1;
          string instance_type = 2;
        }

        message Channel {
          string name = 1;
          Mode mode = 2;
        }

        message Job {
          int32 count = 1;
          int64 max_runtime_in_seconds = 2;
          Mode mode = 3;
          Resources resources = 4;
          repeated Channel channels = 5;
          map<string, string> hyperparameters = 6;
          optional double learning_rate = 7;
          map<string, Resources> named = 8;
          google.protobuf.Struct extra = 9;
          uint32 small = 10;
        }
    "#;

    struct Inline;

    impl protox::file::FileResolver for Inline {
        fn open_file(&self, name: &str) -> Result<protox::file::File, protox::Error> {
            if name == "test.proto" {
                protox::file::File::from_source(name, PROTO)
            } else {
                protox::file::GoogleFileResolver::new().open_file(name)
            }
        }
    }

    static POOL: LazyLock<DescriptorPool> = LazyLock::new(|| {
        let mut compiler = protox::Compiler::with_file_resolver(Inline);
        compiler
            .open_file("test.proto")
            .expect("test proto compiles");
        compiler.descriptor_pool()
    });

    /// The generated type of `test.Resources`, written by hand.
    #[derive(Clone, PartialEq, prost::Message)]
    struct Resources {
        #[prost(int32, tag = "1")]
        instance_count: i32,
        #[prost(string, tag = "2")]
        instance_type: String,
    }

    fn job(json: serde_json::Value) -> Result<DynamicMessage, InvalidInput> {
        dynamic(&POOL, "test.Job", &json)
    }

    fn field(m: &DynamicMessage, name: &str) -> Value {
        m.get_field_by_name(name).unwrap().into_owned()
    }

    #[test]
    fn flytekit_style_json_decodes() {
        let m = job(json!({
            "count": 3.0,
            "maxRuntimeInSeconds": "86400",
            "mode": "PIPE",
            "resources": {"instanceCount": 2.0, "instance_type": "ml.m5.large"},
            "channels": [{"name": "train", "mode": 1}, {"name": "validation"}],
            "hyperparameters": {"eta": "0.1"},
            "learningRate": 1e-7,
            "extra": {"anything": [1, {"x": null}]},
        }))
        .unwrap();
        assert_eq!(field(&m, "count"), Value::I32(3));
        assert_eq!(field(&m, "max_runtime_in_seconds"), Value::I64(86400));
        assert_eq!(field(&m, "mode"), Value::EnumNumber(2));
        assert_eq!(field(&m, "learning_rate"), Value::F64(1e-7));
        let resources = field(&m, "resources");
        let resources = resources.as_message().unwrap();
        assert_eq!(field(resources, "instance_count"), Value::I32(2));
        let channels = field(&m, "channels");
        let channels = channels.as_list().unwrap();
        assert_eq!(channels.len(), 2);
        assert_eq!(
            field(channels[0].as_message().unwrap(), "mode"),
            Value::EnumNumber(1)
        );
        assert!(m.has_field_by_name("extra"));
    }

    #[test]
    fn snake_case_keys_and_numbers_as_json_integers() {
        let m = job(
            json!({"max_runtime_in_seconds": 5, "mode": 1, "learning_rate": 0.1, "small": 7.0}),
        )
        .unwrap();
        assert_eq!(field(&m, "max_runtime_in_seconds"), Value::I64(5));
        assert_eq!(field(&m, "mode"), Value::EnumNumber(1));
        assert_eq!(field(&m, "learning_rate"), Value::F64(0.1));
        assert_eq!(field(&m, "small"), Value::U32(7));
        assert!(!m.has_field_by_name("resources"));
    }

    #[test]
    fn typed_decoding_through_transcoding() {
        let r: Resources = message(
            &POOL,
            "test.Resources",
            &json!({"instanceCount": 4.0, "instanceType": "ml.c5.xlarge"}),
        )
        .unwrap();
        assert_eq!(
            r,
            Resources {
                instance_count: 4,
                instance_type: "ml.c5.xlarge".into()
            }
        );
        let extra = json!({"a": [1.0, "x", null], "b": {"c": true}});
        let s: prost_types::Struct = message(&POOL, "google.protobuf.Struct", &extra).unwrap();
        assert_eq!(Some(s), json_to_struct(&extra));
    }

    fn error(json: serde_json::Value) -> InvalidInput {
        job(json).expect_err("must be rejected")
    }

    #[test]
    fn non_integral_doubles_are_rejected_with_the_path() {
        let e = error(json!({"resources": {"instanceCount": 1.5}}));
        assert_eq!(e.field, "resources.instance_count");
        assert!(e.message.contains("integer"), "{}", e.message);
        assert_eq!(error(json!({"count": 0.5})).field, "count");
        assert_eq!(
            error(json!({"maxRuntimeInSeconds": 2.5})).field,
            "max_runtime_in_seconds"
        );
    }

    #[test]
    fn errors_carry_paths_through_lists_and_maps() {
        let e = error(json!({"channels": [{"name": "a"}, {"name": 5}]}));
        assert_eq!(e.field, "channels[1].name");
        let e = error(json!({"channels": [{"name": "a"}, {"mode": "SOCKET"}]}));
        assert_eq!(e.field, "channels[1].mode");
        let e = error(json!({"named": {"big": {"instanceCount": "many"}}}));
        assert_eq!(e.field, "named.big.instance_count");
        let e = error(json!({"hyperparameters": {"eta": 0.1}}));
        assert_eq!(e.field, "hyperparameters.eta");
        assert_eq!(error(json!({"small": -1})).field, "small");
    }

    #[test]
    fn unknown_fields_are_rejected() {
        let e = error(json!({"resources": {"instanceCount": 1, "instanceKount": 2}}));
        assert_eq!(e.field, "resources.instanceKount");
        assert_eq!(
            e.message,
            "unknown field `instanceKount`; known fields: instance_count, instance_type"
        );
        let e = error(json!({"channels": [{"name": "a"}, {"nam": "b"}]}));
        assert_eq!(e.field, "channels[1].nam");
        let e = error(json!({"typo": 1}));
        assert_eq!(e.field, "typo");
        assert!(e.message.starts_with("unknown field `typo`"), "{e}");
    }

    #[test]
    fn wide_integers_sent_as_doubles_are_rejected() {
        assert_eq!(
            error(json!({"maxRuntimeInSeconds": 1e17})).field,
            "max_runtime_in_seconds"
        );
        assert_eq!(
            error(json!({"maxRuntimeInSeconds": 1e300})).field,
            "max_runtime_in_seconds"
        );
        let m = job(json!({"maxRuntimeInSeconds": "100000000000000001"})).unwrap();
        assert_eq!(
            field(&m, "max_runtime_in_seconds"),
            Value::I64(100_000_000_000_000_001)
        );
        let m = job(json!({"maxRuntimeInSeconds": 9_007_199_254_740_992.0_f64})).unwrap();
        assert_eq!(
            field(&m, "max_runtime_in_seconds"),
            Value::I64(9_007_199_254_740_992)
        );
    }

    #[test]
    fn wrong_shape_names_the_message() {
        assert_eq!(error(json!("text")).field, "test.Job");
        assert_eq!(
            dynamic(&POOL, "test.Missing", &json!({}))
                .unwrap_err()
                .field,
            "test.Missing"
        );
    }

    #[test]
    fn struct_json_round_trip() {
        let v = json!({"a": 1.5, "b": "x", "c": [true, null, {"d": 0.1}], "e": {}});
        let s = json_to_struct(&v).unwrap();
        assert_eq!(struct_to_json(&s, "custom", 64).unwrap(), v);
        // Whole doubles come back as integers (enum numbers and integer fields decode), beyond
        // 2^53 they stay doubles (their digits are already lost).
        let ints = json!({"n": 3.0, "big": 1e300});
        assert_eq!(struct_to_json(&json_to_struct(&ints).unwrap(), "custom", 64).unwrap(), json!({"n": 3, "big": 1e300}));
        assert_eq!(json_to_struct(&json!([1])), None);
    }

    #[test]
    fn nan_and_infinities_name_their_key_instead_of_becoming_unset() {
        for n in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            let number = prost_types::Value { kind: Some(prost_types::value::Kind::NumberValue(n)) };
            let inner = prost_types::Struct { fields: [("maxRuntimeSeconds".to_string(), number)].into_iter().collect() };
            let outer = prost_types::Struct {
                fields: [("stoppingCondition".to_string(), prost_types::Value { kind: Some(prost_types::value::Kind::StructValue(inner)) })].into_iter().collect(),
            };
            let e = struct_to_json(&outer, "template.custom", 64).unwrap_err();
            assert_eq!(e.field, "template.custom.stoppingCondition.maxRuntimeSeconds");
            assert!(e.message.contains("NaN and infinities are refused"), "{e}");
        }
    }

    #[test]
    fn deep_structs_are_refused_with_a_path() {
        let mut v = json!(1);
        for _ in 0..200 {
            v = json!({"a": [v]});
        }
        let e = struct_to_json(&json_to_struct(&v).unwrap(), "template.custom", 64).unwrap_err();
        assert!(e.field.starts_with("template.custom.a[0].a[0]"), "{e}");
        assert!(e.message.contains("deeper than 64"), "{e}");
    }

    fn arbitrary_json() -> impl Strategy<Value = serde_json::Value> {
        let keys = prop_oneof![
            Just("count".to_string()),
            Just("maxRuntimeInSeconds".to_string()),
            Just("mode".to_string()),
            Just("resources".to_string()),
            Just("instanceCount".to_string()),
            Just("channels".to_string()),
            Just("name".to_string()),
            Just("hyperparameters".to_string()),
            Just("named".to_string()),
            Just("learningRate".to_string()),
            Just("extra".to_string()),
            Just("small".to_string()),
            any::<String>(),
        ]
        .boxed();
        let leaf = prop_oneof![
            Just(serde_json::Value::Null),
            any::<bool>().prop_map(serde_json::Value::Bool),
            any::<i64>().prop_map(|i| json!(i)),
            any::<u64>().prop_map(|u| json!(u)),
            any::<f64>().prop_map(|f| serde_json::Number::from_f64(f)
                .map_or(serde_json::Value::Null, serde_json::Value::Number)),
            any::<String>().prop_map(serde_json::Value::String),
            prop_oneof![Just("PIPE"), Just("FILE"), Just("1.5s"), Just("123")]
                .prop_map(|s| json!(s)),
        ];
        leaf.prop_recursive(4, 48, 6, move |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::Array),
                prop::collection::vec((keys.clone(), inner), 0..5)
                    .prop_map(|entries| serde_json::Value::Object(entries.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn decoding_arbitrary_json_never_panics(value in arbitrary_json()) {
            let _ = job(value.clone());
            let _ = message::<Resources>(&POOL, "test.Resources", &value);
        }
    }
}
