//! Checks that generated validation code calls before an object is created.
//!
//! A request the target would refuse (or, worse, accept and fail hours later) is rejected up
//! front as INVALID_ARGUMENT naming the field, saying what was expected and what was found.
//! Keeping the wording here gives every generated plugin the same messages.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

use regex::Regex;

use crate::cr::format_float;
use crate::plugin::InvalidInput;

type Checked = Result<(), InvalidInput>;

fn fail(field: &str, message: String) -> Checked {
    Err(InvalidInput::new(field, message))
}

fn bounds(min: Option<f64>, max: Option<f64>) -> String {
    match (min, max) {
        (Some(min), Some(max)) => {
            format!("between {} and {}", format_float(min), format_float(max))
        }
        (Some(min), None) => format!("at least {}", format_float(min)),
        (None, Some(max)) => format!("at most {}", format_float(max)),
        (None, None) => "any value".to_string(),
    }
}

fn within(value: f64, min: Option<f64>, max: Option<f64>) -> bool {
    !value.is_nan() && min.is_none_or(|min| value >= min) && max.is_none_or(|max| value <= max)
}

/// A required field must be set.
pub fn required(field: &str, present: bool) -> Checked {
    if present {
        Ok(())
    } else {
        fail(field, "is required but was not set".to_string())
    }
}

/// A required field the backend fills from its context when unset: none gave a value, so the
/// error says every way to give one (`ways`, settled by the generator).
pub fn required_or(field: &str, present: bool, ways: &str) -> Checked {
    if present {
        Ok(())
    } else {
        fail(field, format!("is required but was not set: {ways}"))
    }
}

/// A number within inclusive bounds.
pub fn range(field: &str, value: f64, min: Option<f64>, max: Option<f64>) -> Checked {
    if within(value, min, max) {
        Ok(())
    } else {
        fail(
            field,
            format!(
                "must be {}, found {}",
                bounds(min, max),
                format_float(value)
            ),
        )
    }
}

/// The number of items of a list or map within inclusive bounds.
pub fn count(field: &str, n: usize, min: Option<f64>, max: Option<f64>) -> Checked {
    if within(n as f64, min, max) {
        Ok(())
    } else {
        fail(
            field,
            format!("must have {} items, found {n}", bounds(min, max)),
        )
    }
}

/// A text length in characters (Unicode scalar values, as most APIs count), within inclusive bounds.
pub fn length(field: &str, value: &str, min: Option<u32>, max: Option<u32>) -> Checked {
    let n = value.chars().count();
    let ok = min.is_none_or(|min| n >= min as usize) && max.is_none_or(|max| n <= max as usize);
    if ok {
        Ok(())
    } else {
        let bounds = bounds(min.map(f64::from), max.map(f64::from));
        fail(
            field,
            format!("must be {bounds} characters long, found {n} characters"),
        )
    }
}

/// Compiled patterns, one per distinct pattern text (generated code passes literals).
static PATTERNS: LazyLock<Mutex<HashMap<&'static str, Regex>>> = LazyLock::new(Default::default);

/// Text matching `pattern` (which should be anchored with `^...$`, as the API's patterns are).
pub fn pattern(field: &str, value: &str, pattern: &'static str) -> Checked {
    let matched = {
        let mut cache = PATTERNS
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let regex = match cache.get(pattern) {
            Some(regex) => regex,
            None => match Regex::new(pattern) {
                Ok(regex) => cache.entry(pattern).or_insert(regex),
                Err(e) => {
                    return fail(
                        field,
                        format!("cannot be checked: invalid pattern `{pattern}`: {e}"),
                    );
                }
            },
        };
        regex.is_match(value)
    };
    if matched {
        Ok(())
    } else {
        fail(field, format!("must match `{pattern}`, found `{value}`"))
    }
}

/// One number at least another (`max_wait_time_in_seconds >= max_runtime_in_seconds`).
pub fn at_least(field: &str, value: f64, other_field: &str, other: f64) -> Checked {
    if value >= other {
        Ok(())
    } else {
        fail(
            field,
            format!(
                "must be at least `{other_field}` ({}), found {}",
                format_float(other),
                format_float(value)
            ),
        )
    }
}

/// No key of the map `field` may be one of `names` (taken from `list_field`): a tuned
/// hyperparameter is never also sent as a static one (defect 6).
pub fn keys_not_in<'a>(
    field: &str,
    keys: impl Iterator<Item = &'a String>,
    names: &[&str],
    list_field: &str,
) -> Checked {
    let clashes: Vec<&str> = keys
        .filter(|k| names.contains(&k.as_str()))
        .map(String::as_str)
        .collect();
    if clashes.is_empty() {
        Ok(())
    } else {
        let listed = clashes
            .iter()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(", ");
        fail(
            field,
            format!("{listed} also named in `{list_field}`; a key may appear in only one of them"),
        )
    }
}

/// A value of the user's schema that the configured target cannot express: always an error.
pub fn unsupported_in_target(field: &str, value_api: &str, target: &str) -> Checked {
    fail(
        field,
        format!("`{value_api}` is not supported by target `{target}`"),
    )
}

/// A field the configured target has no place for: always an error (never silently dropped).
pub fn unsupported_field(field: &str, target: &str, note: &str) -> Checked {
    let note = if note.is_empty() {
        String::new()
    } else {
        format!(": {note}")
    };
    fail(
        field,
        format!("is not supported by target `{target}` and must not be set{note}"),
    )
}

/// A cross-field rule that does not hold: `message` is the rule's text, settled by the generator.
pub fn rule(field: &str, message: &str) -> Checked {
    fail(field, message.to_string())
}

/// A cross-field comparison `left op right` (`op` one of `<`, `<=`, `>`, `>=`); NaN never holds.
pub fn rule_compare(field: &str, left: f64, op: &str, right: f64, message: &str) -> Checked {
    let holds = match op {
        "<" => left < right,
        "<=" => left <= right,
        ">" => left > right,
        ">=" => left >= right,
        _ => false,
    };
    if holds { Ok(()) } else { fail(field, format!("{} is not {op} {}; {message}", format_float(left), format_float(right))) }
}

/// A cross-field rule: no name twice across `sources` (label, names); the error is at the second
/// occurrence and names the first.
pub fn distinct(path: &str, sources: &[(&str, Vec<&str>)], message: &str) -> Checked {
    let mut seen: HashMap<&str, &str> = HashMap::new();
    for (label, names) in sources {
        for name in names {
            if let Some(first) = seen.get(name) {
                return fail(&join(path, label), format!("{name:?} is also in {first}; {message}"));
            }
            seen.insert(name, label);
        }
    }
    Ok(())
}

/// A cross-field rule: `value` must be one of `names`.
pub fn member(field: &str, value: &str, names: &[&str], message: &str) -> Checked {
    if names.contains(&value) {
        return Ok(());
    }
    let known = if names.is_empty() { "none".to_string() } else { names.iter().map(|n| format!("{n:?}")).collect::<Vec<_>>().join(", ") };
    fail(field, format!("{value:?} is not one of {known}; {message}"))
}

/// `parent.name`, or `name` at the root: how generated validation builds field paths.
pub fn join(parent: &str, name: &str) -> String {
    if parent.is_empty() { name.to_string() } else { format!("{parent}.{name}") }
}

/// Kubernetes value types, checked as the API server would before anything is created.
pub mod k8s {
    use std::sync::LazyLock;

    use regex::Regex;

    use super::Checked;
    use crate::plugin::InvalidInput;

    /// A Kubernetes value type a string field holds (`Validation.kind` in the vocabulary).
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Kind {
        /// A resource quantity: `500m`, `2`, `4Gi`, `1e3`.
        Quantity,
        /// A label value: at most 63 characters, alphanumerics with `-`, `_`, `.` inside.
        LabelValue,
        /// An RFC 1123 label (container and port names): at most 63 lower-case alphanumerics or `-`.
        DnsLabel,
        /// An RFC 1123 subdomain (object names): at most 253 characters of dot-separated labels.
        DnsSubdomain,
    }

    struct Rule {
        regex: LazyLock<Regex>,
        max_len: usize,
        what: &'static str,
    }

    // The expressions of k8s.io/apimachinery (resource.Quantity, validation.IsValidLabelValue,
    // IsDNS1123Label, IsDNS1123Subdomain).
    static QUANTITY: Rule = Rule {
        regex: LazyLock::new(|| Regex::new(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?$").expect("literal")),
        max_len: 64,
        what: "a Kubernetes quantity such as `500m`, `2`, `4Gi` or `1e3`",
    };
    static LABEL_VALUE: Rule = Rule {
        regex: LazyLock::new(|| Regex::new(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$").expect("literal")),
        max_len: 63,
        what: "a label value (at most 63 characters: letters, digits, `-`, `_` and `.`, starting and ending with a letter or digit)",
    };
    static DNS_LABEL: Rule = Rule {
        regex: LazyLock::new(|| Regex::new(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$").expect("literal")),
        max_len: 63,
        what: "a DNS label (at most 63 lower-case letters, digits and `-`, starting and ending with a letter or digit)",
    };
    static DNS_SUBDOMAIN: Rule = Rule {
        regex: LazyLock::new(|| Regex::new(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$").expect("literal")),
        max_len: 253,
        what: "a DNS subdomain (at most 253 characters of lower-case letters, digits, `-` and `.`)",
    };
    static ENV_NAME: Rule = Rule {
        regex: LazyLock::new(|| Regex::new(r"^[-._a-zA-Z][-._a-zA-Z0-9]*$").expect("literal")),
        max_len: 4096,
        what: "an environment variable name (letters, digits, `_`, `-` and `.`, not starting with a digit)",
    };

    fn check(rule: &Rule, field: &str, value: &str) -> Checked {
        if value.len() > rule.max_len || !rule.regex.is_match(value) {
            let shown: String = value.chars().take(80).collect();
            return Err(InvalidInput::new(field, format!("`{shown}` is not {}", rule.what)));
        }
        Ok(())
    }

    /// Checks a set string field against `kind`.
    pub fn value(field: &str, value: &str, kind: Kind) -> Checked {
        match kind {
            Kind::Quantity => quantity(field, value),
            Kind::LabelValue => check(&LABEL_VALUE, field, value),
            Kind::DnsLabel => check(&DNS_LABEL, field, value),
            Kind::DnsSubdomain => check(&DNS_SUBDOMAIN, field, value),
        }
    }

    pub fn quantity(field: &str, value: &str) -> Checked {
        check(&QUANTITY, field, value)
    }

    pub fn env_name(field: &str, value: &str) -> Checked {
        check(&ENV_NAME, field, value)
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn kubernetes_value_types() {
            for ok in ["2", "500m", "4Gi", "1.5", ".5", "1e3", "1E-2", "+1", "0", "100Mi", "2k"] {
                quantity("q", ok).unwrap_or_else(|e| panic!("{ok}: {e}"));
            }
            for bad in ["two", "", "4GB", "1.2.3", "Gi", "1 Gi", "-", "1e", "4gi"] {
                assert!(quantity("q", bad).is_err(), "{bad}");
            }
            assert!(value("l", "team-a_1.x", Kind::LabelValue).is_ok());
            assert!(value("l", "", Kind::LabelValue).is_ok(), "an empty label value is valid");
            assert!(value("l", "-a", Kind::LabelValue).is_err());
            assert!(value("l", &"a".repeat(64), Kind::LabelValue).is_err());
            assert!(value("d", "ray-head", Kind::DnsLabel).is_ok());
            assert!(value("d", "Ray", Kind::DnsLabel).is_err());
            assert!(value("d", "a.b", Kind::DnsLabel).is_err());
            assert!(value("d", "a.b-c", Kind::DnsSubdomain).is_ok());
            assert!(value("d", "a..b", Kind::DnsSubdomain).is_err());
            let e = value("spec.cpu", "two", Kind::Quantity).unwrap_err();
            assert_eq!(e.field, "spec.cpu");
            assert!(e.message.contains("`two` is not a Kubernetes quantity"), "{e}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(r: Checked) -> String {
        r.unwrap_err().message
    }

    #[test]
    fn required_fields() {
        assert_eq!(required("role_arn", true), Ok(()));
        let e = required("role_arn", false).unwrap_err();
        assert_eq!(e.field, "role_arn");
        assert!(e.message.contains("required"));
    }

    #[test]
    fn ranges_say_expected_and_found() {
        assert_eq!(range("x", 1.0, Some(1.0), Some(5.0)), Ok(()));
        assert_eq!(range("x", 5.0, None, Some(5.0)), Ok(()));
        assert_eq!(range("x", -3.0, None, None), Ok(()));
        assert_eq!(
            message(range("x", 0.5, Some(1.0), Some(5.0))),
            "must be between 1 and 5, found 0.5"
        );
        assert_eq!(
            message(range("x", 1e-7, Some(1e-6), None)),
            "must be at least 1e-6, found 1e-7"
        );
        assert_eq!(
            message(range("x", 6.0, None, Some(5.0))),
            "must be at most 5, found 6"
        );
        assert!(range("x", f64::NAN, Some(0.0), None).is_err());
    }

    #[test]
    fn counts_and_lengths() {
        assert_eq!(count("channels", 2, Some(1.0), Some(20.0)), Ok(()));
        assert_eq!(
            message(count("channels", 0, Some(1.0), Some(20.0))),
            "must have between 1 and 20 items, found 0"
        );
        assert_eq!(length("name", "äbc", Some(1), Some(3)), Ok(()));
        assert_eq!(
            message(length("name", "abcd", Some(1), Some(3))),
            "must be between 1 and 3 characters long, found 4 characters"
        );
        assert!(length("name", "", Some(1), None).is_err());
    }

    #[test]
    fn patterns_are_cached_and_checked() {
        const NAME: &str = "^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$";
        assert_eq!(pattern("job", "my-job-1", NAME), Ok(()));
        assert_eq!(pattern("job", "Other--Job", NAME), Ok(()));
        let e = pattern("job", "my_job", NAME).unwrap_err();
        assert_eq!(e.field, "job");
        assert!(
            e.message.contains(NAME) && e.message.contains("my_job"),
            "{}",
            e.message
        );
        assert!(
            pattern("job", "x", "(")
                .unwrap_err()
                .message
                .contains("invalid pattern")
        );
        assert!(PATTERNS.lock().unwrap().contains_key(NAME));
    }

    #[test]
    fn at_least_compares_two_fields() {
        assert_eq!(at_least("max_wait", 10.0, "max_runtime", 10.0), Ok(()));
        assert_eq!(
            message(at_least("max_wait", 5.0, "max_runtime", 10.0)),
            "must be at least `max_runtime` (10), found 5"
        );
    }

    #[test]
    fn keys_not_in_names_the_clash() {
        let keys = ["eta".to_string(), "depth".to_string()];
        assert_eq!(
            keys_not_in("static", keys.iter(), &["alpha"], "ranges"),
            Ok(())
        );
        let e = keys_not_in("static", keys.iter(), &["eta", "alpha"], "ranges").unwrap_err();
        assert_eq!(e.field, "static");
        assert!(
            e.message.contains("`eta`") && e.message.contains("`ranges`"),
            "{}",
            e.message
        );
    }

    #[test]
    fn unsupported_is_always_an_error() {
        let e = unsupported_in_target("input_mode", "FastFile", "operator").unwrap_err();
        assert_eq!(e.field, "input_mode");
        assert_eq!(
            e.message,
            "`FastFile` is not supported by target `operator`"
        );
        assert_eq!(
            message(unsupported_field("debug_hook", "operator", "")),
            "is not supported by target `operator` and must not be set"
        );
        assert!(
            message(unsupported_field("debug_hook", "operator", "use ACK")).ends_with(": use ACK")
        );
    }
}
