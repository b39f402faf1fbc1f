//! Deterministic object and job names for one task attempt.
//!
//! The name is used both as `metadata.name` and as the job name the controller passes on, so it
//! must satisfy the resource's `name_rule`: at most `max_length` characters and a match of its
//! pattern. The maker writes one of two shapes ([`NameShape`]), and the generator proves at
//! lowering that the declared pattern accepts every name of the shape it records for the
//! resource; [`fitted_name`] checks the pattern again and fails clearly rather than send a name
//! the API server or an admission webhook would refuse. The name must be the same for every
//! propeller retry of one attempt, so that a repeated `CreateTask` finds the existing object,
//! and differ between attempts and executions, because a job name may never be reused. A
//! readable prefix comes from the execution, node and attempt; a hash over every key field keeps
//! names distinct after sanitising and truncation.

use sha2::{Digest, Sha256};

/// The names the maker writes. Both are lower-case ASCII letters and digits in runs joined by
/// single `-` (a DNS label's characters, no `-` at either end).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameShape {
    /// The first character may be a digit.
    Plain,
    /// The first character is a letter (patterns such as `^[a-z]...`): a readable prefix
    /// starting with a digit is led by [`LEAD`]; a name that is the hash alone has its first
    /// hex digit moved to a letter (`0`-`9` to `g`-`p`), which keeps distinct hashes distinct.
    LetterFirst,
}

/// Put before a readable prefix that starts with a digit, for [`NameShape::LetterFirst`].
const LEAD: char = 'x';

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

/// The name of the attempt `key` under `shape`, checked against `pattern` (a pattern that
/// does not compile, or rejects the name, is an error naming both; lowering rules both out).
pub fn fitted_name(key: &ExecutionKey, max_len: usize, shape: NameShape, pattern: &str) -> Result<String, String> {
    let name = object_name(key, max_len, shape);
    let regex = regex::Regex::new(pattern).map_err(|e| format!("name_rule.pattern {pattern:?} does not compile: {e}"))?;
    if regex.is_match(&name) {
        Ok(name)
    } else {
        Err(format!("the object name {name:?} does not match name_rule.pattern {pattern:?} (the generator should have refused this pattern)"))
    }
}

/// The name of the attempt `key` of `shape`, at most `max_len` characters (`max_len` is raised
/// to 1 if 0; below `HASH_LEN + 2` the name is the (possibly truncated) hash alone).
pub fn object_name(key: &ExecutionKey, max_len: usize, shape: NameShape) -> String {
    let max_len = max_len.max(1);
    let hash = hash(key);
    let hash_alone = |len: usize| {
        let mut name = hash[..len.min(HASH_LEN)].to_string();
        if shape == NameShape::LetterFirst && name.starts_with(|c: char| c.is_ascii_digit()) {
            let digit = name.remove(0);
            name.insert(0, char::from(b'g' + (digit as u8 - b'0')));
        }
        name
    };
    if max_len < HASH_LEN + 2 {
        return hash_alone(max_len);
    }
    let mut readable = sanitize(&format!(
        "{}-{}-{}",
        key.execution, key.node_id, key.retry_attempt
    ));
    if shape == NameShape::LetterFirst && readable.starts_with(|c: char| c.is_ascii_digit()) {
        readable.insert(0, LEAD);
    }
    let budget = max_len - HASH_LEN - 1;
    let prefix: String = readable.chars().take(budget).collect();
    let prefix = prefix.trim_end_matches('-');
    if prefix.is_empty() {
        hash_alone(HASH_LEN)
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

    /// The shapes as patterns: what lowering proves a declared pattern accepts.
    const PLAIN: &str = "^[a-z0-9]+(-[a-z0-9]+)*$";
    const LETTER_FIRST: &str = "^[a-z][a-z0-9]*(-[a-z0-9]+)*$";

    fn valid(name: &str) -> bool {
        Regex::new(PLAIN).unwrap().is_match(name)
    }

    /// Name rules as plugins declare them (63 and 32 characters with a pattern, a Kubernetes
    /// Job, a KubeRay RayJob), with the shape lowering picks for each.
    const RULES: &[(&str, usize, NameShape)] = &[
        ("^[a-z0-9](-*[a-z0-9])*$", 63, NameShape::Plain),
        ("^[a-z0-9](-*[a-z0-9])*$", 32, NameShape::Plain),
        ("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", 63, NameShape::Plain),
        ("^[a-z]([-a-z0-9]*[a-z0-9])?$", 47, NameShape::LetterFirst),
    ];

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
        let name = object_name(&key("f8a3b2c1d0e9", "n0", 0), 63, NameShape::Plain);
        assert!(name.starts_with("f8a3b2c1d0e9-n0-0-"), "{name}");
        assert_eq!(name.len(), "f8a3b2c1d0e9-n0-0-".len() + HASH_LEN);
        assert!(valid(&name));
    }

    #[test]
    fn sanitises_and_truncates() {
        let name = object_name(&key("My_Execution.Name--x", "Node.Ä_1", 2), 63, NameShape::Plain);
        assert!(name.starts_with("my-execution-name-x-node-1-2-"), "{name}");
        assert!(valid(&name));
        let long = object_name(&key(&"a".repeat(100), "n", 0), 32, NameShape::Plain);
        assert_eq!(long.len(), 32);
        assert!(valid(&long));
        let symbols = object_name(&key("___", "...", 0), 63, NameShape::Plain);
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
        .map(|k| object_name(k, 32, NameShape::Plain))
        .collect();
        assert_eq!(names.len(), 9);
    }

    #[test]
    fn tiny_limits_still_give_valid_names() {
        for max in 0..16 {
            let name = object_name(&key("exec", "node", 3), max, NameShape::Plain);
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

    #[test]
    fn letter_first_names_lead_with_a_letter() {
        let name = object_name(&key("9abc", "n0", 0), 47, NameShape::LetterFirst);
        assert!(name.starts_with("x9abc-n0-0-"), "{name}");
        assert_eq!(object_name(&key("abc", "n0", 0), 47, NameShape::LetterFirst), object_name(&key("abc", "n0", 0), 47, NameShape::Plain));
        // The hash alone: its first digit becomes a letter, and distinct hashes stay distinct.
        let names: std::collections::HashSet<String> =
            (0..200).map(|i| object_name(&key(&format!("e{i}"), "n", 0), 8, NameShape::LetterFirst)).collect();
        assert_eq!(names.len(), 200);
        assert!(names.iter().all(|n| n.len() == 8 && n.starts_with(|c: char| c.is_ascii_lowercase())), "{names:?}");
        // A declared pattern the name cannot fit is an error naming both.
        let refused = fitted_name(&key("9abc", "n0", 0), 47, NameShape::Plain, "^[a-z]").unwrap_err();
        assert!(refused.contains("\"9abc-n0-0-") && refused.contains("^[a-z]"), "{refused}");
    }

    proptest! {
        /// Every name fits its shape and the rule it was chosen for, at the rule's length and
        /// below, whatever the execution id.
        #[test]
        fn names_match_the_declared_pattern(key in arbitrary_key(), rule in 0..RULES.len(), cut in 0usize..40) {
            let (pattern, max_len, shape) = RULES[rule];
            let max_len = max_len.saturating_sub(cut).max(1);
            let name = fitted_name(&key, max_len, shape, pattern).map_err(TestCaseError::fail)?;
            let shape_pattern = match shape { NameShape::Plain => PLAIN, NameShape::LetterFirst => LETTER_FIRST };
            prop_assert!(Regex::new(shape_pattern).unwrap().is_match(&name), "{} is not {:?}", name, shape);
            prop_assert!(name.len() <= max_len);
        }

        #[test]
        fn executions_starting_with_a_digit_fit_a_letter_first_rule(execution in "[0-9][a-z0-9._-]{0,60}", node in "[a-z0-9-]{0,20}", attempt in any::<u32>()) {
            let key = key(&execution, &node, attempt);
            prop_assert!(fitted_name(&key, 47, NameShape::LetterFirst, "^[a-z]([-a-z0-9]*[a-z0-9])?$").is_ok());
        }

        #[test]
        fn names_fit_every_limit(key in arbitrary_key(), max_len in 16usize..=253) {
            let name = object_name(&key, max_len, NameShape::Plain);
            prop_assert!(name.len() <= max_len);
            prop_assert!(valid(&name), "{}", name);
            prop_assert_eq!(&name, &object_name(&key.clone(), max_len, NameShape::Plain));
        }

        #[test]
        fn attempts_get_distinct_names(key in arbitrary_key(), other in any::<u32>(), max_len in 16usize..=63) {
            prop_assume!(other != key.retry_attempt);
            let next = ExecutionKey { retry_attempt: other, ..key.clone() };
            prop_assert_ne!(object_name(&key, max_len, NameShape::Plain), object_name(&next, max_len, NameShape::Plain));
        }

        #[test]
        fn executions_get_distinct_names(key in arbitrary_key(), execution in any::<String>(), max_len in 16usize..=63) {
            prop_assume!(execution != key.execution);
            let other = ExecutionKey { execution, ..key.clone() };
            prop_assert_ne!(object_name(&key, max_len, NameShape::Plain), object_name(&other, max_len, NameShape::Plain));
        }
    }
}
