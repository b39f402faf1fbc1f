//! Allowlists: values a deployment admits per namespace (which IAM roles a team may pass, which
//! registries its images may come from), checked at CreateTask on the object about to be created,
//! so a value from the payload, a default or the backend's context is checked alike.
//!
//! The plugin names the places (an `allowlist` annotation in its `.proto`, emitted as
//! [`AllowlistedPath`]s of each resource); the configuration names the values:
//! `allowlists: {<namespace or "*">: {<list>: [entries]}}`. For each list, the namespace's own
//! entries win over those of `"*"`; a list neither configures is not restricted there.

use std::collections::BTreeMap;

use serde_json::Value;

/// How a value matches an entry of a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AllowlistMatch {
    /// The value equals an entry.
    Exact,
    /// The value is a container image reference whose registry host equals an entry.
    ImageRegistry,
}

/// One place of a resource whose value must be in an allowlist.
#[derive(Debug)]
pub struct AllowlistedPath {
    /// The list's name in the configuration.
    pub list: &'static str,
    pub matching: AllowlistMatch,
    /// Keys from the object's root to the value.
    pub path: &'static [&'static str],
    /// What sets the value, for the error: a payload field (`role_arn`) or a context source.
    pub field: &'static str,
}

/// `allowlists` of the configuration: namespace (or `"*"`) -> list name -> entries.
pub type Allowlists = BTreeMap<String, BTreeMap<String, Vec<String>>>;

/// The key of the entry that applies to every namespace without one of its own.
pub const ANY_NAMESPACE: &str = "*";

/// Longest value echoed in an error, in characters.
const ECHO_MAX: usize = 200;

/// The first value of `object` at one of `paths` that the lists of `namespace` do not admit, as
/// the error text; `Ok` when every value is admitted (or unset, or its list is unrestricted).
pub fn check(lists: &Allowlists, namespace: &str, paths: &[AllowlistedPath], object: &Value) -> Result<(), String> {
    let list = |scope: &str, name: &str| lists.get(scope).and_then(|s| s.get(name));
    for place in paths {
        let Some(entries) = list(namespace, place.list).or_else(|| list(ANY_NAMESPACE, place.list)) else { continue };
        let Some(value) = place.path.iter().try_fold(object, |v, key| v.get(*key)) else { continue };
        let Some(text) = value.as_str() else { continue };
        if !entries.iter().any(|entry| admits(place.matching, entry, text)) {
            let shown: String = text.chars().take(ECHO_MAX).collect();
            let cut = if shown.len() < text.len() { "..." } else { "" };
            let what = match place.matching {
                AllowlistMatch::Exact => String::new(),
                AllowlistMatch::ImageRegistry => format!(" (registry `{}`)", registry(text).chars().take(ECHO_MAX).collect::<String>()),
            };
            return Err(format!(
                "{}: `{shown}{cut}`{what} is not in allowlist `{}` of namespace `{namespace}`",
                place.field, place.list
            ));
        }
    }
    Ok(())
}

fn admits(matching: AllowlistMatch, entry: &str, value: &str) -> bool {
    match matching {
        AllowlistMatch::Exact => entry == value,
        // Registry hosts are case-insensitive DNS names (with an optional port).
        AllowlistMatch::ImageRegistry => registry(value).eq_ignore_ascii_case(entry),
    }
}

/// The registry host of an image reference, as container runtimes read it: the part before the
/// first `/` when it looks like a host (has a `.` or a `:`, or is `localhost`), else Docker Hub.
pub fn registry(image: &str) -> &str {
    match image.split_once('/') {
        Some((host, _)) if host.contains(['.', ':']) || host == "localhost" => host,
        _ => "docker.io",
    }
}

/// The list names `lists` configures that no resource of `known` uses: a typo there would
/// silently restrict nothing, so the backend refuses to start with one.
pub fn unknown_lists<'a>(lists: &'a Allowlists, known: &[&str]) -> Vec<&'a str> {
    let mut unknown: Vec<&str> = lists.values().flat_map(|l| l.keys()).map(String::as_str).filter(|l| !known.contains(l)).collect();
    unknown.sort_unstable();
    unknown.dedup();
    unknown
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const PATHS: &[AllowlistedPath] = &[
        AllowlistedPath { list: "roles", matching: AllowlistMatch::Exact, path: &["spec", "roleArn"], field: "role_arn" },
        AllowlistedPath { list: "registries", matching: AllowlistMatch::ImageRegistry, path: &["spec", "image"], field: "image" },
    ];

    fn lists(yaml: serde_json::Value) -> Allowlists {
        serde_json::from_value(yaml).unwrap()
    }

    #[test]
    fn registries_are_read_as_container_runtimes_do() {
        assert_eq!(registry("123.dkr.ecr.us-east-1.amazonaws.com/repo:1"), "123.dkr.ecr.us-east-1.amazonaws.com");
        assert_eq!(registry("localhost:5000/x"), "localhost:5000");
        assert_eq!(registry("localhost/x"), "localhost");
        assert_eq!(registry("library/ubuntu"), "docker.io", "a first part without `.` or `:` is a Docker Hub user");
        assert_eq!(registry("ubuntu:22.04"), "docker.io");
        // A registry-looking prefix in the repository does not count.
        assert_eq!(registry("evil/123.dkr.ecr.us-east-1.amazonaws.com/x"), "docker.io");
    }

    #[test]
    fn a_namespaces_own_lists_win_over_the_wildcards_and_unconfigured_lists_are_unrestricted() {
        let lists = lists(json!({
            "*": {"roles": ["arn:default"]},
            "team-a": {"roles": ["arn:a"], "registries": ["reg.example.com"]},
            "team-c": {"registries": ["reg.example.com"]},
        }));
        let object = |role: &str, image: &str| json!({"spec": {"roleArn": role, "image": image}});
        assert!(check(&lists, "team-a", PATHS, &object("arn:a", "reg.example.com/x:1")).is_ok());
        let err = check(&lists, "team-a", PATHS, &object("arn:default", "reg.example.com/x")).unwrap_err();
        assert_eq!(err, "role_arn: `arn:default` is not in allowlist `roles` of namespace `team-a`");
        let err = check(&lists, "team-a", PATHS, &object("arn:a", "REG.example.com.evil.io/x")).unwrap_err();
        assert!(err.contains("(registry `REG.example.com.evil.io`)") && err.starts_with("image: "), "{err}");
        assert!(check(&lists, "team-a", PATHS, &object("arn:a", "REG.EXAMPLE.COM/x")).is_ok(), "hosts compare without case");
        // Other namespaces get "*": its roles, and no registry list, so any image.
        assert!(check(&lists, "team-b", PATHS, &object("arn:default", "anything/at:all")).is_ok());
        assert!(check(&lists, "team-b", PATHS, &object("arn:a", "x")).unwrap_err().contains("namespace `team-b`"));
        // Per list: team-c's own registries, and the roles of "*".
        assert!(check(&lists, "team-c", PATHS, &object("arn:default", "reg.example.com/x")).is_ok());
        assert!(check(&lists, "team-c", PATHS, &object("arn:a", "reg.example.com/x")).is_err());
        // Without any configuration nothing is restricted; an unset value is not checked.
        assert!(check(&Allowlists::new(), "team-a", PATHS, &object("arn:x", "y")).is_ok());
        assert!(check(&lists, "team-a", PATHS, &json!({"spec": {}})).is_ok());
    }

    #[test]
    fn an_empty_list_admits_nothing_and_long_values_are_cut() {
        let lists = lists(json!({"*": {"roles": []}}));
        let long = "a".repeat(100_000);
        let err = check(&lists, "ns", PATHS, &json!({"spec": {"roleArn": long}})).unwrap_err();
        assert!(err.len() < 400 && err.contains("..."), "{}", err.len());
    }

    #[test]
    fn list_names_no_resource_uses_are_reported() {
        let lists = lists(json!({"*": {"roles": [], "rolez": []}, "a": {"registries": [], "x": []}}));
        assert_eq!(unknown_lists(&lists, &["roles", "registries"]), vec!["rolez", "x"]);
    }
}
