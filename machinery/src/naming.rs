//! Deterministic object and job names for one task attempt.
//!
//! The name is used both as `metadata.name` and as the SageMaker job name, so it must satisfy
//! both: lower-case (Kubernetes), `^[a-z0-9](-*[a-z0-9])*$` (a subset of SageMaker's pattern) and
//! at most 63 (training) / 32 (tuning) characters (defect 4). It must be the same for every
//! propeller retry of one attempt, so that a repeated `CreateTask` finds the existing object, and
//! differ between attempts and executions, because SageMaker never reuses a job name. A readable
//! prefix comes from the execution, node and attempt; a hash over every key field keeps names
//! distinct after sanitising and truncation.

use sha2::{Digest, Sha256};

/// The identity of one task attempt (`TaskExecutionIdentifier`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct ExecutionKey {
    pub org: String,
    pub project: String,
    pub domain: String,
    pub execution: String,
    pub node_id: String,
    pub task: String,
    pub retry_attempt: u32,
}

/// Hex characters of the hash suffix: 40 bits, so a 50% chance of one collision needs about
/// 1.2 million attempts that also share the readable prefix (the birthday bound,
/// sqrt(2 ln 2 * 2^40)). Lowering refuses name rules shorter than this (`NAME_HASH_LEN` in
/// `generator/src/lower/resources.rs`, kept equal by a generator test), so the hash is never cut.
pub const HASH_LEN: usize = 10;

/// The name of the attempt `key`, at most `max_len` characters (`max_len` is raised to 1 if 0;
/// below `HASH_LEN + 2` the name is the (possibly truncated) hash alone).
pub fn object_name(key: &ExecutionKey, max_len: usize) -> String {
    let max_len = max_len.max(1);
    let hash = hash(key);
    if max_len < HASH_LEN + 2 {
        return hash[..max_len.min(HASH_LEN)].to_string();
    }
    let readable = sanitize(&format!(
        "{}-{}-{}",
        key.execution, key.node_id, key.retry_attempt
    ));
    let budget = max_len - HASH_LEN - 1;
    let prefix: String = readable.chars().take(budget).collect();
    let prefix = prefix.trim_end_matches('-');
    if prefix.is_empty() {
        hash
    } else {
        format!("{prefix}-{hash}")
    }
}

/// Lower-case ASCII letters and digits kept, every run of other characters one `-`, no `-` at
/// either end.
fn sanitize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// The first `HASH_LEN` hex digits of SHA-256 over every key field, each length-prefixed so that
/// no two different keys encode alike.
fn hash(key: &ExecutionKey) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"flyte-task-attempt/v1");
    for field in [
        &key.org,
        &key.project,
        &key.domain,
        &key.execution,
        &key.node_id,
        &key.task,
    ] {
        hasher.update((field.len() as u64).to_le_bytes());
        hasher.update(field.as_bytes());
    }
    hasher.update(key.retry_attempt.to_le_bytes());
    hasher
        .finalize()
        .iter()
        .flat_map(|b| [b >> 4, b & 0xf])
        .take(HASH_LEN)
        .map(|n| char::from_digit(u32::from(n), 16).unwrap_or('0'))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use regex::Regex;

    fn valid(name: &str) -> bool {
        Regex::new("^[a-z0-9](-*[a-z0-9])*$")
            .unwrap()
            .is_match(name)
    }

    fn key(execution: &str, node: &str, attempt: u32) -> ExecutionKey {
        ExecutionKey {
            org: String::new(),
            project: "flytesnacks".into(),
            domain: "development".into(),
            execution: execution.into(),
            node_id: node.into(),
            task: "wf.train".into(),
            retry_attempt: attempt,
        }
    }

    #[test]
    fn readable_and_hashed() {
        let name = object_name(&key("f8a3b2c1d0e9", "n0", 0), 63);
        assert!(name.starts_with("f8a3b2c1d0e9-n0-0-"), "{name}");
        assert_eq!(name.len(), "f8a3b2c1d0e9-n0-0-".len() + HASH_LEN);
        assert!(valid(&name));
    }

    #[test]
    fn sanitises_and_truncates() {
        let name = object_name(&key("My_Execution.Name--x", "Node.Ä_1", 2), 63);
        assert!(name.starts_with("my-execution-name-x-node-1-2-"), "{name}");
        assert!(valid(&name));
        let long = object_name(&key(&"a".repeat(100), "n", 0), 32);
        assert_eq!(long.len(), 32);
        assert!(valid(&long));
        let symbols = object_name(&key("___", "...", 0), 63);
        assert!(valid(&symbols), "{symbols}");
        assert!(symbols.starts_with("0-"), "{symbols}");
    }

    #[test]
    fn every_field_counts() {
        let base = key("e", "n", 0);
        let names: std::collections::HashSet<String> = [
            base.clone(),
            ExecutionKey {
                org: "o".into(),
                ..base.clone()
            },
            ExecutionKey {
                project: "p".into(),
                ..base.clone()
            },
            ExecutionKey {
                domain: "d".into(),
                ..base.clone()
            },
            ExecutionKey {
                task: "t".into(),
                ..base.clone()
            },
            ExecutionKey {
                execution: "e2".into(),
                ..base.clone()
            },
            ExecutionKey {
                node_id: "n2".into(),
                ..base.clone()
            },
            ExecutionKey {
                retry_attempt: 1,
                ..base.clone()
            },
            // Same concatenation, different split.
            ExecutionKey {
                project: "flytesnacksdevelopment".into(),
                domain: String::new(),
                ..base.clone()
            },
        ]
        .iter()
        .map(|k| object_name(k, 32))
        .collect();
        assert_eq!(names.len(), 9);
    }

    #[test]
    fn tiny_limits_still_give_valid_names() {
        for max in 0..16 {
            let name = object_name(&key("exec", "node", 3), max);
            assert!(
                !name.is_empty() && name.len() <= max.max(1),
                "{max}: {name}"
            );
            assert!(valid(&name), "{name}");
        }
    }

    fn arbitrary_key() -> impl Strategy<Value = ExecutionKey> {
        let text = prop_oneof![any::<String>(), "[A-Za-z0-9._-]{0,80}", "[._ -]{0,5}"];
        (
            text.clone(),
            text.clone(),
            text.clone(),
            text.clone(),
            text.clone(),
            text,
            any::<u32>(),
        )
            .prop_map(
                |(org, project, domain, execution, node_id, task, retry_attempt)| ExecutionKey {
                    org,
                    project,
                    domain,
                    execution,
                    node_id,
                    task,
                    retry_attempt,
                },
            )
    }

    proptest! {
        #[test]
        fn names_fit_every_limit(key in arbitrary_key(), max_len in 16usize..=253) {
            let name = object_name(&key, max_len);
            prop_assert!(name.len() <= max_len);
            prop_assert!(valid(&name), "{}", name);
            prop_assert_eq!(&name, &object_name(&key.clone(), max_len));
        }

        #[test]
        fn attempts_get_distinct_names(key in arbitrary_key(), other in any::<u32>(), max_len in 16usize..=63) {
            prop_assume!(other != key.retry_attempt);
            let next = ExecutionKey { retry_attempt: other, ..key.clone() };
            prop_assert_ne!(object_name(&key, max_len), object_name(&next, max_len));
        }

        #[test]
        fn executions_get_distinct_names(key in arbitrary_key(), execution in any::<String>(), max_len in 16usize..=63) {
            prop_assume!(execution != key.execution);
            let other = ExecutionKey { execution, ..key.clone() };
            prop_assert_ne!(object_name(&key, max_len), object_name(&other, max_len));
        }
    }
}
