//! The task's own container and execution as values a plugin places into its object.
//!
//! flytekit puts `@task(requests=..., limits=..., environment=...)` into
//! `TaskTemplate.container`, and propeller puts the execution's service account, labels and
//! annotations into `TaskExecutionMetadata`. A plugin whose object runs the task's container
//! (Ray head and workers, a Spark driver) declares where each lands; this module turns them
//! into Kubernetes shapes and rejects values Kubernetes would reject, naming the field.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::plugin::InvalidInput;
use crate::proto::flyteidl::core as idl;
use crate::validate::k8s;

/// `resources.requests` / `resources.limits` of a Kubernetes container from flytekit's
/// `Resources`, every value checked to be a Kubernetes quantity. `None` when neither is set.
pub fn resources(resources: Option<&idl::Resources>) -> Result<Option<Value>, InvalidInput> {
    let Some(resources) = resources else { return Ok(None) };
    let mut out = Map::new();
    for (key, entries) in [("requests", &resources.requests), ("limits", &resources.limits)] {
        let mut list = Map::new();
        for entry in entries {
            let Some(name) = resource_name(entry.name) else { continue };
            let field = format!("template.container.resources.{key}.{name}");
            k8s::quantity(&field, &entry.value)?;
            list.insert(name.to_string(), Value::String(entry.value.clone()));
        }
        if !list.is_empty() {
            out.insert(key.to_string(), Value::Object(list));
        }
    }
    Ok((!out.is_empty()).then_some(Value::Object(out)))
}

/// The Kubernetes resource name of a flyteidl `Resources.ResourceName` (as propeller's own pod
/// plugins map them); `UNKNOWN` and numbers from newer flyteidl versions are left out.
fn resource_name(number: i32) -> Option<&'static str> {
    use idl::resources::ResourceName;
    Some(match ResourceName::try_from(number).ok()? {
        ResourceName::Cpu => "cpu",
        ResourceName::Gpu => "nvidia.com/gpu",
        ResourceName::Memory => "memory",
        ResourceName::Storage => "storage",
        ResourceName::EphemeralStorage => "ephemeral-storage",
        ResourceName::Unknown => return None,
    })
}

/// The container's environment in declaration order, every name checked to be a valid
/// environment variable name for Kubernetes.
pub fn env(container: &idl::Container) -> Result<Vec<(String, String)>, InvalidInput> {
    container
        .env
        .iter()
        .map(|kv| {
            k8s::env_name(&format!("template.container.env.{}", kv.key), &kv.key)?;
            Ok((kv.key.clone(), kv.value.clone()))
        })
        .collect()
}

/// The command and arguments as one POSIX shell command line, each word quoted only when it
/// needs to be (for CRs that take a command line, like RayJob's `entrypoint`).
pub fn command_line(words: &[String]) -> Result<String, InvalidInput> {
    shlex::try_join(words.iter().map(String::as_str))
        .map_err(|e| InvalidInput::new("template.container.args", format!("cannot be written as a shell command line: {e}")))
}

/// A Kubernetes quantity (already checked to be one) as a JVM memory size in whole mebibytes,
/// rounded up: `4Gi` -> `4096m`, `1G` -> `954m`. Java reads `m` as MiB, and a Kubernetes
/// suffix (`Gi`, `M`) means nothing to it, so a Spark driver given `4Gi` would not start.
pub fn jvm_memory(field: &str, quantity: &str) -> Result<String, InvalidInput> {
    let bad = |why: &str| InvalidInput::new(field, format!("`{quantity}` {why}"));
    let split = quantity.find(|c: char| c.is_ascii_alphabetic() && c != 'e' && c != 'E').unwrap_or(quantity.len());
    let (number, suffix) = quantity.split_at(split);
    let factor: f64 = match suffix {
        "" => 1.0,
        "m" => 1e-3,
        "u" => 1e-6,
        "n" => 1e-9,
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "P" => 1e15,
        "E" => 1e18,
        "Ki" => 1024f64,
        "Mi" => 1024f64.powi(2),
        "Gi" => 1024f64.powi(3),
        "Ti" => 1024f64.powi(4),
        "Pi" => 1024f64.powi(5),
        "Ei" => 1024f64.powi(6),
        _ => return Err(bad("is not a Kubernetes quantity")),
    };
    let value: f64 = number.parse().map_err(|_| bad("is not a Kubernetes quantity"))?;
    let mebibytes = (value * factor / 1024f64.powi(2)).ceil();
    // Far beyond any machine (8 EiB); also keeps the cast below exact.
    if !mebibytes.is_finite() || !(0.0..=2f64.powi(43)).contains(&mebibytes) {
        return Err(bad("is out of range for a memory size"));
    }
    Ok(format!("{}m", mebibytes as u64))
}

/// Labels or annotations of the execution, sorted (stable objects for stable input).
pub fn sorted(map: &std::collections::HashMap<String, String>) -> BTreeMap<String, String> {
    map.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn entry(name: idl::resources::ResourceName, value: &str) -> idl::resources::ResourceEntry {
        idl::resources::ResourceEntry { name: name as i32, value: value.into() }
    }

    #[test]
    fn flytekit_resources_become_requests_and_limits() {
        use idl::resources::ResourceName::*;
        let r = idl::Resources {
            requests: vec![entry(Cpu, "2"), entry(Memory, "4Gi"), entry(Unknown, "x")],
            limits: vec![entry(Gpu, "1"), entry(EphemeralStorage, "10G")],
        };
        assert_eq!(
            resources(Some(&r)).unwrap(),
            Some(json!({"requests": {"cpu": "2", "memory": "4Gi"}, "limits": {"nvidia.com/gpu": "1", "ephemeral-storage": "10G"}}))
        );
        assert_eq!(resources(None).unwrap(), None);
        assert_eq!(resources(Some(&idl::Resources::default())).unwrap(), None);
        let bad = idl::Resources { requests: vec![entry(Cpu, "two")], limits: vec![] };
        let e = resources(Some(&bad)).unwrap_err();
        assert_eq!(e.field, "template.container.resources.requests.cpu");
        assert!(e.message.contains("quantity"), "{e}");
    }

    #[test]
    fn memory_quantities_become_jvm_sizes() {
        for (quantity, jvm) in [("4Gi", "4096m"), ("512Mi", "512m"), ("1G", "954m"), ("1", "1m"), ("1.5Gi", "1536m"), ("2e9", "1908m"), ("0", "0m"), ("100M", "96m")] {
            assert_eq!(jvm_memory("f", quantity).unwrap(), jvm, "{quantity}");
        }
        for bad in ["1e300Ei", "4Gb", "x"] {
            let e = jvm_memory("template.container.resources.requests.memory", bad).unwrap_err();
            assert_eq!(e.field, "template.container.resources.requests.memory");
            assert!(e.message.contains(bad), "{e}");
        }
    }

    #[test]
    fn command_lines_quote_only_what_needs_it() {
        let words: Vec<String> = ["pyflyte-execute", "--inputs", "s3://b/in put", "it's"].map(String::from).into();
        let line = command_line(&words).unwrap();
        assert_eq!(line, r#"pyflyte-execute --inputs 's3://b/in put' "it's""#);
        assert_eq!(shlex::split(&line).unwrap(), words);
        assert!(command_line(&["a\0b".to_string()]).is_err());
    }

    #[test]
    fn env_names_are_checked() {
        let c = idl::Container {
            env: vec![idl::KeyValuePair { key: "A_1".into(), value: "x".into() }],
            ..Default::default()
        };
        assert_eq!(env(&c).unwrap(), [("A_1".to_string(), "x".to_string())]);
        let bad = idl::Container { env: vec![idl::KeyValuePair { key: "".into(), value: "x".into() }], ..Default::default() };
        assert!(env(&bad).is_err());
    }
}
