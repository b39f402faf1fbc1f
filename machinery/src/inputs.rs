//! Task inputs, decoded once from the request's `LiteralMap` into plain values.
//!
//! Generated `build` code reads inputs by name with typed accessors. Every way flytekit encodes a
//! dict is accepted (a `LiteralMap`, MessagePack bytes tagged `msgpack` since flytekit 1.14, and
//! the older `Struct`), and a dict read as a string map converts numbers and booleans to text and
//! rejects anything else with the key named (defect 3: values used to become `""` silently).
//! Literal kinds the runtime cannot read are rejected up front, naming the input.

use std::collections::BTreeMap;

use crate::cr::{format_float, format_int};
use crate::echo::shown;
use crate::limits::{Budget, Limits};
use crate::plugin::InvalidInput;
use crate::proto::flyteidl::core::{self as idl, literal, primitive, scalar};

/// One decoded input value.
#[derive(Debug, Clone, PartialEq)]
pub enum InputValue {
    Null,
    Bool(bool),
    Integer(i64),
    Float(f64),
    String(String),
    Blob { uri: String, multipart: bool },
    List(Vec<InputValue>),
    Map(BTreeMap<String, InputValue>),
}

impl InputValue {
    /// What kind of value this is, for error messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Null => "none",
            Self::Bool(_) => "a boolean",
            Self::Integer(_) => "an integer",
            Self::Float(_) => "a float",
            Self::String(_) => "a string",
            Self::Blob { .. } => "a file or directory",
            Self::List(_) => "a list",
            Self::Map(_) => "a dict",
        }
    }

    /// A JSON value (numbers as in the input; blobs become their URI).
    fn from_json(value: &serde_json::Value) -> Self {
        use serde_json::Value as J;
        match value {
            J::Null => Self::Null,
            J::Bool(b) => Self::Bool(*b),
            J::Number(n) => match n.as_i64() {
                Some(i) => Self::Integer(i),
                None => Self::Float(n.as_f64().unwrap_or(f64::NAN)),
            },
            J::String(s) => Self::String(s.clone()),
            J::Array(items) => Self::List(items.iter().map(Self::from_json).collect()),
            J::Object(map) => Self::Map(
                map.iter()
                    .map(|(k, v)| (k.clone(), Self::from_json(v)))
                    .collect(),
            ),
        }
    }
}

/// The inputs of one task request.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Inputs {
    values: BTreeMap<String, InputValue>,
}

impl Inputs {
    pub fn new(values: BTreeMap<String, InputValue>) -> Self {
        Self { values }
    }

    /// Decodes every literal within `limits`; the first unsupported or over-limit one is an
    /// error naming it.
    pub fn from_literal_map(map: &idl::LiteralMap, limits: &Limits) -> Result<Self, InvalidInput> {
        let mut budget = Budget::new(limits);
        let mut values = BTreeMap::new();
        for (name, literal) in &map.literals {
            values.insert(
                name.clone(),
                decode_literal(literal, &format!("inputs.{}", shown(name)), 1, &mut budget)?,
            );
        }
        Ok(Self { values })
    }

    pub fn get(&self, name: &str) -> Option<&InputValue> {
        self.values.get(name)
    }

    pub fn names(&self) -> impl Iterator<Item = &String> {
        self.values.keys()
    }

    /// The value of `name`, or `None` when absent or none; `expect` reads a present value.
    fn typed<'a, T>(
        &'a self,
        name: &str,
        expected: &str,
        expect: impl FnOnce(&'a InputValue) -> Option<T>,
    ) -> Result<Option<T>, InvalidInput> {
        match self.values.get(name) {
            None | Some(InputValue::Null) => Ok(None),
            Some(value) => expect(value).map(Some).ok_or_else(|| {
                InvalidInput::new(
                    format!("inputs.{name}"),
                    format!("expected {expected}, found {}", value.kind()),
                )
            }),
        }
    }

    /// The URI of a file or directory input.
    pub fn blob_uri(&self, name: &str) -> Result<Option<String>, InvalidInput> {
        self.typed(name, "a file or directory", |v| match v {
            InputValue::Blob { uri, .. } => Some(uri.clone()),
            _ => None,
        })
    }

    pub fn string(&self, name: &str) -> Result<Option<String>, InvalidInput> {
        self.typed(name, "a string", |v| match v {
            InputValue::String(s) => Some(s.clone()),
            _ => None,
        })
    }

    pub fn integer(&self, name: &str) -> Result<Option<i64>, InvalidInput> {
        self.typed(name, "an integer", |v| match v {
            InputValue::Integer(i) => Some(*i),
            _ => None,
        })
    }

    /// A float; integer inputs are accepted too.
    pub fn float(&self, name: &str) -> Result<Option<f64>, InvalidInput> {
        self.typed(name, "a float", |v| match v {
            InputValue::Float(f) => Some(*f),
            InputValue::Integer(i) => Some(*i as f64),
            _ => None,
        })
    }

    pub fn boolean(&self, name: &str) -> Result<Option<bool>, InvalidInput> {
        self.typed(name, "a boolean", |v| match v {
            InputValue::Bool(b) => Some(*b),
            _ => None,
        })
    }

    /// A dict input as strings: strings as they are, numbers as text (whole floats without
    /// `.0`), booleans as `true` / `false`. Any other value is an error naming its key.
    pub fn string_map(&self, name: &str) -> Result<Option<BTreeMap<String, String>>, InvalidInput> {
        let Some(map) = self.typed(name, "a dict", |v| match v {
            InputValue::Map(m) => Some(m),
            _ => None,
        })?
        else {
            return Ok(None);
        };
        map.iter()
            .map(|(key, value)| {
                let text = match value {
                    InputValue::String(s) => s.clone(),
                    InputValue::Integer(i) => format_int(*i),
                    InputValue::Float(f) => format_float(*f),
                    InputValue::Bool(b) => b.to_string(),
                    other => {
                        return Err(InvalidInput::new(
                            format!("inputs.{name}.{key}"),
                            format!(
                                "expected a string, number or boolean value, found {}",
                                other.kind()
                            ),
                        ));
                    }
                };
                Ok((key.clone(), text))
            })
            .collect::<Result<_, _>>()
            .map(Some)
    }
}

fn unsupported(field: &str, what: &str) -> InvalidInput {
    InvalidInput::new(
        field,
        format!("{what} inputs are not supported by this backend"),
    )
}

/// Collections and maps nest literals: `depth` is checked before each level, so a request that
/// did not pass the server's wire check (a direct call) cannot recurse without bound either.
fn decode_literal(literal: &idl::Literal, field: &str, depth: usize, budget: &mut Budget<'_>) -> Result<InputValue, InvalidInput> {
    budget.depth(depth, field)?;
    budget.value(field)?;
    match &literal.value {
        None => Ok(InputValue::Null),
        Some(literal::Value::Scalar(s)) => decode_scalar(s, field, depth, budget),
        Some(literal::Value::Collection(c)) => {
            budget.list(c.literals.len(), field)?;
            c.literals
                .iter()
                .enumerate()
                .map(|(i, l)| decode_literal(l, &format!("{field}[{i}]"), depth + 1, budget))
                .collect::<Result<_, _>>()
                .map(InputValue::List)
        }
        Some(literal::Value::Map(m)) => {
            budget.map(m.literals.len(), field)?;
            m.literals
                .iter()
                .map(|(k, l)| Ok((k.clone(), decode_literal(l, &format!("{field}.{}", shown(k)), depth + 1, budget)?)))
                .collect::<Result<_, _>>()
                .map(InputValue::Map)
        }
        Some(literal::Value::OffloadedMetadata(_)) => Err(unsupported(field, "offloaded literal")),
    }
}

fn decode_scalar(scalar: &idl::Scalar, field: &str, depth: usize, budget: &mut Budget<'_>) -> Result<InputValue, InvalidInput> {
    match &scalar.value {
        None | Some(scalar::Value::NoneType(_)) => Ok(InputValue::Null),
        Some(scalar::Value::Primitive(p)) => Ok(match &p.value {
            None => InputValue::Null,
            Some(primitive::Value::Integer(i)) => InputValue::Integer(*i),
            Some(primitive::Value::FloatValue(f)) => InputValue::Float(finite(*f, field)?),
            Some(primitive::Value::StringValue(s)) => InputValue::String(s.clone()),
            Some(primitive::Value::Boolean(b)) => InputValue::Bool(*b),
            Some(primitive::Value::Datetime(t)) => InputValue::String(t.to_string()),
            Some(primitive::Value::Duration(d)) => {
                InputValue::String(d.to_string().trim_end_matches('s').to_string())
            }
        }),
        Some(scalar::Value::Blob(b)) => {
            let multipart = b
                .metadata
                .as_ref()
                .and_then(|m| m.r#type.as_ref())
                .is_some_and(|t| {
                    t.dimensionality == idl::blob_type::BlobDimensionality::Multipart as i32
                });
            // A file or directory literal always has a URI; an empty one would become an empty
            // location in the object (a channel without data, say).
            if b.uri.trim().is_empty() {
                return Err(InvalidInput::new(field, "a file or directory without a URI"));
            }
            Ok(InputValue::Blob {
                uri: b.uri.clone(),
                multipart,
            })
        }
        Some(scalar::Value::Binary(b)) if b.tag == "msgpack" => decode_msgpack(&b.value, field, budget),
        Some(scalar::Value::Binary(b)) => {
            Err(unsupported(field, &format!("binary (tag `{}`)", b.tag)))
        }
        Some(scalar::Value::Generic(s)) => {
            let depth_left = budget.limits.max_depth.saturating_sub(depth).max(1);
            Ok(InputValue::from_json(&crate::decode::struct_to_json(s, field, depth_left)?))
        }
        Some(scalar::Value::Union(u)) => match &u.value {
            Some(l) => decode_literal(l, field, depth + 1, budget),
            None => Ok(InputValue::Null),
        },
        Some(scalar::Value::Schema(_)) => Err(unsupported(field, "schema")),
        Some(scalar::Value::StructuredDataset(_)) => Err(unsupported(field, "structured dataset")),
        Some(scalar::Value::Error(e)) => Err(InvalidInput::new(
            field,
            format!(
                "error inputs are not supported by this backend (upstream error: {})",
                shown(&e.message)
            ),
        )),
    }
}

/// NaN and infinities are refused: no task parameter means them, and serialised into an object
/// they would become `null`, that is, unset.
fn finite(f: f64, field: &str) -> Result<f64, InvalidInput> {
    if f.is_finite() {
        return Ok(f);
    }
    Err(InvalidInput::new(field, format!("{f} is not a number a task can use (NaN and infinities are refused)")))
}

/// MessagePack bytes (flytekit's encoding of dicts and dataclasses) as a value. The bytes are
/// walked first ([`crate::msgpack_check`]) so that rmpv's recursive decoder only ever sees
/// nesting and sizes within the limits.
fn decode_msgpack(bytes: &[u8], field: &str, budget: &mut Budget<'_>) -> Result<InputValue, InvalidInput> {
    crate::msgpack_check::check(bytes, field, budget)?;
    let mut reader = bytes;
    // rmpv counts two levels per container; the walk above already enforced the real bound.
    let depth = budget.limits.max_depth.saturating_mul(2).saturating_add(4);
    let value = rmpv::decode::read_value_with_max_depth(&mut reader, depth)
        .map_err(|e| InvalidInput::new(field, format!("invalid MessagePack: {e}")))?;
    if !reader.is_empty() {
        return Err(InvalidInput::new(
            field,
            "invalid MessagePack: trailing bytes after the value",
        ));
    }
    from_msgpack(&value, field)
}

fn from_msgpack(value: &rmpv::Value, field: &str) -> Result<InputValue, InvalidInput> {
    use rmpv::Value as M;
    Ok(match value {
        M::Nil => InputValue::Null,
        M::Boolean(b) => InputValue::Bool(*b),
        M::Integer(i) => match i.as_i64() {
            Some(i) => InputValue::Integer(i),
            None => {
                return Err(InvalidInput::new(
                    field,
                    format!("integer {i} does not fit in 64 signed bits"),
                ));
            }
        },
        M::F32(f) => InputValue::Float(finite(f64::from(*f), field)?),
        M::F64(f) => InputValue::Float(finite(*f, field)?),
        M::String(s) => match s.as_str() {
            Some(s) => InputValue::String(s.to_string()),
            None => return Err(InvalidInput::new(field, "string is not valid UTF-8")),
        },
        M::Array(items) => InputValue::List(
            items
                .iter()
                .enumerate()
                .map(|(i, v)| from_msgpack(v, &format!("{field}[{i}]")))
                .collect::<Result<_, _>>()?,
        ),
        M::Map(entries) => {
            let mut map = BTreeMap::new();
            for (k, v) in entries {
                let Some(key) = k.as_str() else {
                    return Err(InvalidInput::new(
                        field,
                        format!("dict keys must be strings, found `{}`", shown(&k.to_string())),
                    ));
                };
                map.insert(key.to_string(), from_msgpack(v, &format!("{field}.{}", shown(key)))?);
            }
            InputValue::Map(map)
        }
        M::Binary(_) => return Err(unsupported(field, "MessagePack binary")),
        M::Ext(..) => return Err(unsupported(field, "MessagePack extension")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::flyteidl::core::{
        Binary, Blob, BlobMetadata, BlobType, Literal, LiteralCollection, LiteralMap, Primitive,
        Scalar,
    };

    fn from_map(map: &LiteralMap) -> Result<Inputs, InvalidInput> {
        Inputs::from_literal_map(map, &Limits::default())
    }

    fn scalar(v: scalar::Value) -> Literal {
        Literal {
            value: Some(literal::Value::Scalar(Box::new(Scalar { value: Some(v) }))),
            ..Default::default()
        }
    }

    fn prim(v: primitive::Value) -> Literal {
        scalar(scalar::Value::Primitive(Primitive { value: Some(v) }))
    }

    fn map(entries: Vec<(&str, Literal)>) -> LiteralMap {
        LiteralMap {
            literals: entries
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
        }
    }

    fn msgpack(value: &rmpv::Value) -> Literal {
        let mut bytes = Vec::new();
        rmpv::encode::write_value(&mut bytes, value).unwrap();
        scalar(scalar::Value::Binary(Binary {
            value: bytes,
            tag: "msgpack".into(),
        }))
    }

    fn blob(uri: &str, dimensionality: idl::blob_type::BlobDimensionality) -> Literal {
        scalar(scalar::Value::Blob(Blob {
            metadata: Some(BlobMetadata {
                r#type: Some(BlobType {
                    format: String::new(),
                    dimensionality: dimensionality as i32,
                }),
            }),
            uri: uri.into(),
        }))
    }

    #[test]
    fn primitives_and_blobs() {
        use idl::blob_type::BlobDimensionality::{Multipart, Single};
        let inputs = from_map(&map(vec![
            ("i", prim(primitive::Value::Integer(3))),
            ("f", prim(primitive::Value::FloatValue(0.5))),
            ("s", prim(primitive::Value::StringValue("x".into()))),
            ("b", prim(primitive::Value::Boolean(true))),
            (
                "d",
                prim(primitive::Value::Duration(prost_types::Duration {
                    seconds: 90,
                    nanos: 500_000_000,
                })),
            ),
            (
                "t",
                prim(primitive::Value::Datetime(prost_types::Timestamp {
                    seconds: 0,
                    nanos: 0,
                })),
            ),
            ("file", blob("s3://b/f.csv", Single)),
            ("dir", blob("s3://b/d/", Multipart)),
            ("none", scalar(scalar::Value::NoneType(idl::Void {}))),
            (
                "list",
                Literal {
                    value: Some(literal::Value::Collection(LiteralCollection {
                        literals: vec![prim(primitive::Value::Integer(1))],
                    })),
                    ..Default::default()
                },
            ),
        ]))
        .unwrap();
        assert_eq!(inputs.integer("i"), Ok(Some(3)));
        assert_eq!(inputs.float("f"), Ok(Some(0.5)));
        assert_eq!(inputs.float("i"), Ok(Some(3.0)));
        assert_eq!(inputs.string("s"), Ok(Some("x".into())));
        assert_eq!(inputs.boolean("b"), Ok(Some(true)));
        assert_eq!(inputs.string("d"), Ok(Some("90.500".into())));
        assert_eq!(inputs.string("t"), Ok(Some("1970-01-01T00:00:00Z".into())));
        assert_eq!(inputs.blob_uri("file"), Ok(Some("s3://b/f.csv".into())));
        assert_eq!(
            inputs.get("dir"),
            Some(&InputValue::Blob {
                uri: "s3://b/d/".into(),
                multipart: true
            })
        );
        assert_eq!(
            inputs.get("file"),
            Some(&InputValue::Blob {
                uri: "s3://b/f.csv".into(),
                multipart: false
            })
        );
        assert_eq!(inputs.string("none"), Ok(None));
        assert_eq!(inputs.string("absent"), Ok(None));
        assert_eq!(
            inputs.get("list"),
            Some(&InputValue::List(vec![InputValue::Integer(1)]))
        );
        let err = inputs.integer("s").unwrap_err();
        assert_eq!(err.field, "inputs.s");
        assert_eq!(err.message, "expected an integer, found a string");
        assert_eq!(inputs.blob_uri("s").unwrap_err().field, "inputs.s");
    }

    #[test]
    fn string_map_converts_scalars_without_losing_them() {
        use rmpv::Value as M;
        let hp = M::Map(vec![
            (M::from("eta"), M::F64(0.1)),
            (M::from("alpha"), M::F64(1e-7)),
            (M::from("num_round"), M::F64(100.0)),
            (M::from("max_depth"), M::from(5)),
            (M::from("objective"), M::from("reg:squarederror")),
            (M::from("verbose"), M::from(true)),
        ]);
        let inputs = from_map(&map(vec![("hp", msgpack(&hp))])).unwrap();
        let expected: BTreeMap<String, String> = [
            ("eta", "0.1"),
            ("alpha", "1e-7"),
            ("num_round", "100"),
            ("max_depth", "5"),
            ("objective", "reg:squarederror"),
            ("verbose", "true"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        assert_eq!(inputs.string_map("hp"), Ok(Some(expected)));
        assert_eq!(inputs.string_map("absent"), Ok(None));
    }

    #[test]
    fn string_map_rejects_nested_values_naming_the_key() {
        use rmpv::Value as M;
        let hp = M::Map(vec![
            (M::from("ok"), M::from(1)),
            (M::from("nested"), M::Array(vec![M::from(1)])),
        ]);
        let inputs = from_map(&map(vec![("hp", msgpack(&hp))])).unwrap();
        let err = inputs.string_map("hp").unwrap_err();
        assert_eq!(err.field, "inputs.hp.nested");
        assert!(err.message.contains("found a list"), "{}", err.message);
        let null = M::Map(vec![(M::from("n"), M::Nil)]);
        let inputs = from_map(&map(vec![("hp", msgpack(&null))])).unwrap();
        assert_eq!(inputs.string_map("hp").unwrap_err().field, "inputs.hp.n");
    }

    #[test]
    fn dicts_in_every_encoding() {
        let literal_map = Literal {
            value: Some(literal::Value::Map(map(vec![
                ("a", prim(primitive::Value::StringValue("1".into()))),
                ("b", prim(primitive::Value::Integer(2))),
            ]))),
            ..Default::default()
        };
        let generic = crate::decode::json_to_struct(
            &serde_json::json!({"a": "1", "b": 2.0, "c": {"d": [true]}}),
        )
        .unwrap();
        let inputs = from_map(&map(vec![
            ("m", literal_map),
            ("g", scalar(scalar::Value::Generic(generic))),
        ]))
        .unwrap();
        let want: BTreeMap<String, String> = [("a", "1"), ("b", "2")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        assert_eq!(inputs.string_map("m"), Ok(Some(want)));
        let Some(InputValue::Map(g)) = inputs.get("g") else {
            panic!("not a map")
        };
        // A Struct carries numbers as doubles; a whole one reads back as an integer.
        assert_eq!(g["b"], InputValue::Integer(2));
        assert_eq!(
            g["c"],
            InputValue::Map(
                [(
                    "d".to_string(),
                    InputValue::List(vec![InputValue::Bool(true)])
                )]
                .into()
            )
        );
        assert_eq!(inputs.string_map("g").unwrap_err().field, "inputs.g.c");
    }

    #[test]
    fn unions_unwrap() {
        let union = scalar(scalar::Value::Union(Box::new(idl::Union {
            value: Some(Box::new(prim(primitive::Value::Integer(7)))),
            r#type: None,
        })));
        let inputs = from_map(&map(vec![("u", union)])).unwrap();
        assert_eq!(inputs.integer("u"), Ok(Some(7)));
    }

    #[test]
    fn unsupported_literals_name_the_input() {
        let cases = vec![
            scalar(scalar::Value::Binary(Binary {
                value: vec![1],
                tag: "pickle".into(),
            })),
            scalar(scalar::Value::Schema(idl::Schema::default())),
            scalar(scalar::Value::StructuredDataset(
                idl::StructuredDataset::default(),
            )),
            scalar(scalar::Value::Error(idl::Error::default())),
            Literal {
                value: Some(literal::Value::OffloadedMetadata(
                    idl::LiteralOffloadedMetadata::default(),
                )),
                ..Default::default()
            },
            scalar(scalar::Value::Binary(Binary {
                value: vec![0x92, 0x01],
                tag: "msgpack".into(),
            })),
            scalar(scalar::Value::Binary(Binary {
                value: vec![1, 2],
                tag: "msgpack".into(),
            })),
        ];
        for literal in cases {
            let err = from_map(&map(vec![("x", literal.clone())])).unwrap_err();
            assert_eq!(err.field, "inputs.x", "{literal:?}");
        }
        let nested = Literal {
            value: Some(literal::Value::Map(map(vec![(
                "k",
                scalar(scalar::Value::Schema(idl::Schema::default())),
            )]))),
            ..Default::default()
        };
        let err = from_map(&map(vec![("x", nested)])).unwrap_err();
        assert_eq!(err.field, "inputs.x.k");
        assert!(err.message.contains("not supported"));
    }
}
