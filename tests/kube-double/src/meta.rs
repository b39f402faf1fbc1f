//! Object metadata rules: names, labels, server-set fields.

use std::hash::{BuildHasher, Hasher};
use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

use regex::Regex;
use serde_json::{Map, Value};

use crate::schema::Cause;

const DNS1123_SUBDOMAIN: &str = r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
const QUALIFIED_NAME: &str = r"([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";

fn anchored(pattern: &'static str, cell: &'static OnceLock<Regex>) -> &'static Regex {
    cell.get_or_init(|| Regex::new(&format!("^(?:{pattern})$")).expect("constant pattern"))
}

fn subdomain_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    anchored(DNS1123_SUBDOMAIN, &RE)
}

fn qualified_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    anchored(QUALIFIED_NAME, &RE)
}

/// Problems with `metadata.name` (a DNS-1123 subdomain of at most 253 characters, as for every
/// custom resource).
pub fn validate_name(name: &str, causes: &mut Vec<Cause>) {
    let value = Value::String(name.to_string());
    if name.len() > 253 {
        causes.push(Cause::invalid("metadata.name", &value, "must be no more than 253 characters"));
    }
    if !subdomain_re().is_match(name) {
        causes.push(Cause::invalid(
            "metadata.name",
            &value,
            &format!(
                "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '{DNS1123_SUBDOMAIN}')"
            ),
        ));
    }
}

/// Problems with `metadata.labels`: keys are `[prefix/]name` (prefix a DNS subdomain, name a
/// qualified name of at most 63 characters); values are empty or qualified names of at most 63.
pub fn validate_labels(labels: &Value, causes: &mut Vec<Cause>) {
    let Some(map) = labels.as_object() else {
        if !labels.is_null() {
            causes.push(Cause::invalid("metadata.labels", labels, "must be a map of strings"));
        }
        return;
    };
    for (key, value) in map {
        let (prefix, name) = key.rsplit_once('/').map_or((None, key.as_str()), |(p, n)| (Some(p), n));
        let key_ok = prefix.is_none_or(|p| p.len() <= 253 && subdomain_re().is_match(p)) && name.len() <= 63 && qualified_re().is_match(name);
        if !key_ok {
            causes.push(Cause::invalid(
                "metadata.labels",
                &Value::String(key.clone()),
                "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character; an optional prefix must be a DNS subdomain",
            ));
        }
        let field = format!("metadata.labels.{key}");
        match value.as_str() {
            None => causes.push(Cause::invalid(&field, value, "label values must be strings")),
            Some(v) if v.len() > 63 => causes.push(Cause::invalid(&field, value, "must be no more than 63 characters")),
            Some(v) if !v.is_empty() && !qualified_re().is_match(v) => causes.push(Cause::invalid(
                &field,
                value,
                &format!("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (regex used for validation is '{QUALIFIED_NAME}')"),
            )),
            Some(_) => {}
        }
    }
}

/// The `metadata` fields the API server knows (it decodes `ObjectMeta` as a typed struct, so any
/// other key is dropped there, whatever the CRD schema says).
const OBJECT_META_FIELDS: &[&str] = &[
    "name",
    "generateName",
    "namespace",
    "selfLink",
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "labels",
    "annotations",
    "ownerReferences",
    "finalizers",
    "managedFields",
];

/// Keeps only `ObjectMeta` fields, recording the dropped ones as `metadata.<key>`.
pub fn prune_metadata(meta: &mut Map<String, Value>, pruned: &mut Vec<String>) {
    let unknown: Vec<String> = meta.keys().filter(|k| !OBJECT_META_FIELDS.contains(&k.as_str())).cloned().collect();
    for key in unknown {
        meta.remove(&key);
        pruned.push(format!("metadata.{key}"));
    }
}

/// RFC 3339 UTC with second precision, as `metav1.Time` serialises.
pub fn now_rfc3339() -> String {
    let secs = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    format_rfc3339(secs)
}

pub fn format_rfc3339(unix_secs: u64) -> String {
    let days = (unix_secs / 86_400) as i64;
    let rem = unix_secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", rem / 3600, rem % 3600 / 60, rem % 60)
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// A random version-4 UUID; randomness from the std hasher's per-instance keys, which is plenty
/// for unique test identifiers.
pub fn new_uid() -> String {
    let mut bytes = [0u8; 16];
    for (i, chunk) in bytes.chunks_mut(8).enumerate() {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_usize(i);
        h.write_u128(SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos()));
        chunk.copy_from_slice(&h.finish().to_le_bytes());
    }
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
}

/// A `generateName` suffix: five characters from the API server's alphabet (no vowels).
pub fn random_suffix() -> String {
    const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos()));
    let mut n = h.finish();
    (0..5)
        .map(|_| {
            let c = ALPHABET[(n % ALPHABET.len() as u64) as usize] as char;
            n /= ALPHABET.len() as u64;
            c
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names() {
        let mut c = Vec::new();
        validate_name("train-1.a", &mut c);
        assert!(c.is_empty());
        validate_name("Train_1", &mut c);
        assert_eq!(c.len(), 1);
        validate_name(&"a".repeat(254), &mut c);
        assert_eq!(c.len(), 2);
    }

    #[test]
    fn labels() {
        let mut c = Vec::new();
        validate_labels(&json!({"app.kubernetes.io/managed-by": "flyte", "empty": ""}), &mut c);
        assert!(c.is_empty(), "{c:?}");
        validate_labels(&json!({"k": "x".repeat(64), "bad key!": "v", "v": "-x"}), &mut c);
        let fields: Vec<&str> = c.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(fields, ["metadata.labels.k", "metadata.labels", "metadata.labels.v"]);
    }

    #[test]
    fn timestamps_and_uids() {
        assert_eq!(format_rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_rfc3339(1_709_210_096), "2024-02-29T12:34:56Z");
        let (a, b) = (new_uid(), new_uid());
        assert_eq!(a.len(), 36);
        assert_ne!(a, b);
    }
}
