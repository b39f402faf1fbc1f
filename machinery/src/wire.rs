//! A protobuf message checked on its wire bytes against [`Limits`] before prost decodes it.
//!
//! prost decodes a whole message eagerly: two bytes on the wire (an empty literal) become a few
//! hundred bytes of structures, so a 16 MiB request could cost gigabytes before any code of the
//! backend runs. This walk follows the message's descriptor over the bytes, keeps nothing, and
//! stops at the first cap exceeded (values, list length, map size, string length, depth), naming
//! the field by its proto path (`inputs.literals.train.collection.literals[3]`). It also checks
//! what prost would reject (truncated fields, groups, invalid UTF-8), so that a malformed message
//! is INVALID_ARGUMENT with a path too. The walk recurses once per nested message, and depth is
//! checked first, so it never nests deeper than [`Limits::max_depth`].

use prost_reflect::{FieldDescriptor, Kind, MessageDescriptor};

use crate::echo::shown;
use crate::limits::{Budget, Limits};
use crate::plugin::InvalidInput;

/// Checks `bytes`, an encoded `message`, against `limits`.
pub fn check(message: &MessageDescriptor, bytes: &[u8], limits: &Limits) -> Result<(), InvalidInput> {
    let mut budget = Budget::new(limits);
    let mut path = String::new();
    walk(message, bytes, 1, &mut path, &mut budget)
}

fn malformed(path: &str, why: &str) -> InvalidInput {
    InvalidInput::new(if path.is_empty() { "request" } else { path }, format!("not a valid protobuf message: {why}"))
}

/// Reads one varint, or `None` when the bytes end inside it or it is longer than 10 bytes.
fn varint(bytes: &mut &[u8]) -> Option<u64> {
    let mut value = 0u64;
    for i in 0..10 {
        let (&b, rest) = bytes.split_first()?;
        *bytes = rest;
        value |= u64::from(b & 0x7f) << (7 * i);
        if b & 0x80 == 0 {
            return Some(value);
        }
    }
    None
}

fn skip(bytes: &mut &[u8], n: usize, path: &str) -> Result<(), InvalidInput> {
    if bytes.len() < n {
        return Err(malformed(path, "truncated field"));
    }
    *bytes = &bytes[n..];
    Ok(())
}

/// How many times each repeated field occurred so far in one message.
#[derive(Default)]
struct Counts(Vec<(u32, usize)>);

impl Counts {
    fn bump(&mut self, number: u32, by: usize) -> usize {
        match self.0.iter_mut().find(|(n, _)| *n == number) {
            Some((_, c)) => {
                *c += by;
                *c
            }
            None => {
                self.0.push((number, by));
                by
            }
        }
    }
}

fn walk(message: &MessageDescriptor, mut bytes: &[u8], depth: usize, path: &mut String, budget: &mut Budget<'_>) -> Result<(), InvalidInput> {
    budget.depth(depth, path)?;
    let mut counts = Counts::default();
    while !bytes.is_empty() {
        let key = varint(&mut bytes).ok_or_else(|| malformed(path, "truncated field key"))?;
        let number = u32::try_from(key >> 3).map_err(|_| malformed(path, "field number out of range"))?;
        let field = message.get_field(number);
        let wire = key & 7;
        if let Some(f) = field.as_ref().filter(|f| !wire_type_fits(f, wire)) {
            push_field(path, f);
            return Err(malformed(path, &format!("wire type {wire} does not fit the field's type")));
        }
        match wire {
            0 => {
                varint(&mut bytes).ok_or_else(|| malformed(path, "truncated varint"))?;
                if let Some(f) = &field {
                    repeated(f, &mut counts, 1, path, budget)?;
                }
            }
            1 => {
                skip(&mut bytes, 8, path)?;
                if let Some(f) = &field {
                    repeated(f, &mut counts, 1, path, budget)?;
                }
            }
            5 => {
                skip(&mut bytes, 4, path)?;
                if let Some(f) = &field {
                    repeated(f, &mut counts, 1, path, budget)?;
                }
            }
            2 => {
                let len = varint(&mut bytes).and_then(|l| usize::try_from(l).ok()).ok_or_else(|| malformed(path, "truncated length"))?;
                if bytes.len() < len {
                    return Err(malformed(path, "a field is longer than the message"));
                }
                let (payload, rest) = bytes.split_at(len);
                bytes = rest;
                // Unknown fields are skipped by prost without being kept.
                if let Some(f) = &field {
                    delimited(f, payload, depth, &mut counts, path, budget)?;
                }
            }
            _ => return Err(malformed(path, "groups are not part of proto3")),
        }
    }
    Ok(())
}

/// Whether a field of `field`'s type may arrive with wire type `wire` (packed repeated scalars
/// arrive length-delimited).
fn wire_type_fits(field: &FieldDescriptor, wire: u64) -> bool {
    let scalar = match field.kind() {
        Kind::Message(_) | Kind::String | Kind::Bytes => return wire == 2,
        Kind::Double | Kind::Fixed64 | Kind::Sfixed64 => 1,
        Kind::Float | Kind::Fixed32 | Kind::Sfixed32 => 5,
        _ => 0,
    };
    wire == scalar || (wire == 2 && field.is_list())
}

/// Counts `by` more items of a repeated field and checks its cap.
fn repeated(field: &FieldDescriptor, counts: &mut Counts, by: usize, path: &mut String, budget: &Budget<'_>) -> Result<usize, InvalidInput> {
    if !field.is_list() && !field.is_map() {
        return Ok(0);
    }
    let n = counts.bump(field.number(), by);
    let at = path.len();
    push_field(path, field);
    let checked = if field.is_map() { budget.map(n, path) } else { budget.list(n, path) };
    path.truncate(at);
    checked.map(|()| n)
}

/// A field's name onto the path; the value of a map entry is named by its key alone.
fn push_field(path: &mut String, field: &FieldDescriptor) {
    if !(field.parent_message().is_map_entry() && field.number() == 2) {
        push(path, field.name());
    }
}

fn push(path: &mut String, name: &str) {
    if !path.is_empty() {
        path.push('.');
    }
    path.push_str(name);
}

fn delimited(field: &FieldDescriptor, payload: &[u8], depth: usize, counts: &mut Counts, path: &mut String, budget: &mut Budget<'_>) -> Result<(), InvalidInput> {
    let at = path.len();
    let result = match field.kind() {
        Kind::Message(inner) => {
            let n = repeated(field, counts, 1, path, budget)?;
            push_field(path, field);
            if field.is_map() {
                path.push('.');
                path.push_str(&map_key(&inner, payload).unwrap_or_else(|| format!("<entry {n}>")));
            } else if field.is_list() {
                path.push_str(&format!("[{}]", n - 1));
            }
            budget.value(path).and_then(|()| walk(&inner, payload, depth + 1, path, budget))
        }
        Kind::String | Kind::Bytes => {
            repeated(field, counts, 1, path, budget)?;
            push_field(path, field);
            budget.string(payload.len(), path).and_then(|()| match field.kind() {
                Kind::String if std::str::from_utf8(payload).is_err() => Err(malformed(path, "a string is not valid UTF-8")),
                _ => Ok(()),
            })
        }
        // Packed scalars: one item per varint, or per 4 or 8 bytes.
        kind => {
            let items = match kind {
                Kind::Double | Kind::Fixed64 | Kind::Sfixed64 => payload.len() / 8,
                Kind::Float | Kind::Fixed32 | Kind::Sfixed32 => payload.len() / 4,
                _ => payload.iter().filter(|b| **b & 0x80 == 0).count(),
            };
            repeated(field, counts, items, path, budget).map(|_| ())
        }
    };
    path.truncate(at);
    result
}

/// The key of a map entry with string keys, shortened for the path; `None` for other keys.
fn map_key(entry: &MessageDescriptor, mut bytes: &[u8]) -> Option<String> {
    if !matches!(entry.map_entry_key_field().kind(), Kind::String) {
        return None;
    }
    while !bytes.is_empty() {
        let key = varint(&mut bytes)?;
        match key & 7 {
            0 => {
                varint(&mut bytes)?;
            }
            1 => bytes = bytes.get(8..)?,
            5 => bytes = bytes.get(4..)?,
            2 => {
                let len = usize::try_from(varint(&mut bytes)?).ok()?;
                let value = bytes.get(..len)?;
                bytes = &bytes[len..];
                if key >> 3 == 1 {
                    return Some(shown(&String::from_utf8_lossy(value)));
                }
            }
            _ => return None,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::flyteidl::{admin, core};
    use prost::Message;

    fn descriptor() -> MessageDescriptor {
        let pool = prost_reflect::DescriptorPool::decode(crate::FLYTEIDL_DESCRIPTOR_SET).unwrap();
        pool.get_message_by_name("flyteidl.admin.CreateTaskRequest").unwrap()
    }

    fn with_input(name: &str, literal: core::Literal) -> Vec<u8> {
        admin::CreateTaskRequest { inputs: Some(core::LiteralMap { literals: [(name.to_string(), literal)].into_iter().collect() }), ..Default::default() }.encode_to_vec()
    }

    fn collection(literals: Vec<core::Literal>) -> core::Literal {
        core::Literal { value: Some(core::literal::Value::Collection(core::LiteralCollection { literals })), ..Default::default() }
    }

    #[test]
    fn a_normal_request_passes() {
        let bytes = with_input("x", collection(vec![core::Literal::default(); 3]));
        check(&descriptor(), &bytes, &Limits::default()).unwrap();
    }

    #[test]
    fn a_long_collection_is_stopped_at_its_path() {
        let bytes = with_input("train", collection(vec![core::Literal::default(); 11]));
        let limits = Limits { max_list_length: 10, ..Limits::default() };
        let e = check(&descriptor(), &bytes, &limits).unwrap_err();
        assert_eq!(e.field, "inputs.literals.train.collection.literals");
        assert!(e.message.contains("more than 10 items"), "{e}");
    }

    #[test]
    fn too_many_values_in_all_are_stopped() {
        let bytes = with_input("x", collection(vec![core::Literal::default(); 100]));
        let limits = Limits { max_values: 50, ..Limits::default() };
        let e = check(&descriptor(), &bytes, &limits).unwrap_err();
        assert!(e.message.contains("more than 50 values"), "{e}");
    }

    #[test]
    fn deep_nesting_is_stopped_with_a_path() {
        let mut literal = core::Literal::default();
        for _ in 0..100 {
            literal = collection(vec![literal]);
        }
        let e = check(&descriptor(), &with_input("deep", literal), &Limits::default()).unwrap_err();
        assert!(e.field.starts_with("inputs.literals.deep.collection.literals[0].collection"), "{e}");
        assert!(e.message.contains("deeper than 64 levels"), "{e}");
    }

    #[test]
    fn long_strings_and_bad_utf8_are_refused() {
        let mut r = admin::CreateTaskRequest { output_prefix: "s".repeat(100), ..Default::default() };
        let limits = Limits { max_string_bytes: 10, ..Limits::default() };
        let e = check(&descriptor(), &r.encode_to_vec(), &limits).unwrap_err();
        assert_eq!(e.field, "output_prefix");
        r.output_prefix = "ok".into();
        let mut bytes = r.encode_to_vec();
        let last = bytes.len() - 1;
        bytes[last] = 0xff;
        let e = check(&descriptor(), &bytes, &Limits::default()).unwrap_err();
        assert!(e.message.contains("UTF-8"), "{e}");
        let e = check(&descriptor(), &bytes[..last], &Limits::default()).unwrap_err();
        assert!(e.message.contains("longer than the message"), "{e}");
    }

    #[test]
    fn a_field_of_the_wrong_wire_type_is_named() {
        // Field 1 (`inputs`, a message) sent as a varint.
        let e = check(&descriptor(), &[0x08, 0x01], &Limits::default()).unwrap_err();
        assert_eq!(e.field, "inputs");
        assert!(e.message.contains("wire type 0"), "{e}");
    }

    #[test]
    fn arbitrary_bytes_never_panic() {
        let d = descriptor();
        let mut seed = 7u64;
        for len in 0..2000 {
            let bytes: Vec<u8> = (0..len % 97)
                .map(|_| {
                    seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                    (seed >> 33) as u8
                })
                .collect();
            let _ = check(&d, &bytes, &Limits::default());
        }
    }
}
