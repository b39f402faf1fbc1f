//! Serde mirrors of `proto/flyteplugin/options.proto`.
//!
//! protox has already type-checked every option against the vocabulary, so an option value is
//! read by serializing its `DynamicMessage` to proto3 JSON and deserializing into these structs:
//! no hand-written walking of dynamic messages. Field names follow proto3 JSON (lowerCamelCase).

use prost_reflect::{DynamicMessage, Kind, MessageDescriptor, ReflectMessage, SerializeOptions, Value};
use serde::Deserialize;
use serde::de::DeserializeOwned;

pub const PLUGIN: &str = "flyteplugin.plugin";
pub const TASK: &str = "flyteplugin.task";
pub const FIELD: &str = "flyteplugin.field";
pub const VALUE: &str = "flyteplugin.value";
pub const RULES: &str = "flyteplugin.rules";

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct PluginOpt {
    pub name: String,
    pub title: String,
    pub python_package: String,
    pub python_distribution: String,
    pub targets: Vec<TargetOpt>,
    pub container: Option<ContainerContractOpt>,
    pub settings: Vec<SettingOpt>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SettingOpt {
    pub name: String,
    pub doc: String,
    pub default: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ContainerContractOpt {
    pub root: String,
    pub root_env: String,
    pub parameters_file: String,
    pub hosts_file: String,
    pub current_host_key: String,
    pub hosts_key: String,
    pub failure_file: String,
    pub failure_max_bytes: u32,
    pub model_dir: String,
    pub channel_dir: String,
    pub metric_line: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ContainerParametersOpt {
    pub field: String,
    pub name_field: String,
    #[serde(rename = "type")]
    pub ty: String,
    pub values_field: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct TargetOpt {
    pub id: String,
    pub title: String,
    pub api_version: String,
    pub install: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct TaskOpt {
    pub name: String,
    pub version: i32,
    pub python_class: String,
    pub runs_task_container: bool,
    pub inputs: Vec<InputOpt>,
    pub outputs: Vec<OutputOpt>,
    pub resources: Vec<ResourceOpt>,
    pub container_parameters: Vec<ContainerParametersOpt>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct FlyteTypeOpt {
    pub simple: Option<String>,
    pub blob: Option<BlobOpt>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct BlobOpt {
    pub format: String,
    pub multipart: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct InputOpt {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: Option<FlyteTypeOpt>,
    pub into: String,
    pub per_element_of: String,
    pub name_field: String,
    pub required: bool,
    pub doc: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct OutputOpt {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: Option<FlyteTypeOpt>,
    pub doc: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ResourceOpt {
    pub target: String,
    pub kind: String,
    pub plural: String,
    pub namespaced: bool,
    pub name_rule: Option<NameRuleOpt>,
    pub context: Vec<ContextOpt>,
    pub status: Option<StatusOpt>,
    pub outputs: Vec<OutputSourceOpt>,
    pub log_links: Vec<LogLinkOpt>,
    pub constants: Vec<ConstantOpt>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ConstantOpt {
    pub path: String,
    pub value: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct TextMatchOpt {
    pub path: String,
    pub pattern: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct NameRuleOpt {
    pub max_length: u32,
    pub pattern: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ContextOpt {
    pub source: String,
    pub path: String,
    pub key_prefix: String,
    pub chunk_size: u32,
    pub transform: String,
    pub container_file: String,
    pub max_entries: u32,
    pub resource: String,
    pub allowlist: Option<AllowlistOpt>,
    pub required: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct AllowlistOpt {
    pub name: String,
    #[serde(rename = "match")]
    pub matching: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct StatusOpt {
    pub phase_path: String,
    pub rules: Vec<PhaseRuleOpt>,
    pub otherwise: String,
    pub otherwise_message: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct PhaseRuleOpt {
    pub status_in: Vec<String>,
    pub secondary_path: String,
    pub secondary_in: Vec<String>,
    pub condition: String,
    pub phase: String,
    pub message: String,
    pub latest_condition: String,
    #[serde(rename = "where")]
    pub where_: Vec<TextMatchOpt>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct OutputSourceOpt {
    pub output: String,
    pub value: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct LogLinkOpt {
    pub name: String,
    pub uri: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct FieldOpt {
    pub cr: Vec<PlacementOpt>,
    pub validate: Option<ValidationOpt>,
    pub default: String,
    pub default_from: String,
    pub image_lookup: String,
    pub backend_only: bool,
    pub allowlist: Option<AllowlistOpt>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct PlacementOpt {
    pub target: String,
    pub path: String,
    pub transform: String,
    pub unsupported: bool,
    pub note: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ValidationOpt {
    pub required: bool,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub min_len: Option<u32>,
    pub max_len: Option<u32>,
    pub pattern: String,
    pub at_least_field: String,
    pub keys_not_in: Vec<String>,
    pub kind: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct EnumValueOpt {
    pub api: String,
    pub unsupported_in: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct MessageRulesOpt {
    pub rule: Vec<RuleOpt>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct RuleOpt {
    pub name: String,
    pub when: Vec<ConditionOpt>,
    pub requires: Vec<String>,
    pub excludes: Vec<String>,
    pub exactly_one_of: Vec<String>,
    pub at_least_one_of: Vec<String>,
    pub compare: Option<ComparisonOpt>,
    pub distinct: Vec<String>,
    pub member: Option<MembershipOpt>,
    pub reason: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ConditionOpt {
    pub field: String,
    #[serde(rename = "in")]
    pub in_: Vec<String>,
    pub container: bool,
    pub negate: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ComparisonOpt {
    pub field: String,
    pub op: String,
    pub value: Option<f64>,
    pub other_field: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct MembershipOpt {
    pub field: String,
    pub list: String,
    pub name_field: String,
}

/// Reads extension `name` from an options message, `None` when unset.
///
/// `options` is the `*Options` message of a descriptor; the pool is the one that compiled it, so
/// the extension is always known once the vocabulary is imported.
pub fn read<T: DeserializeOwned>(options: &DynamicMessage, name: &str) -> Option<T> {
    let pool = options.descriptor().parent_pool().clone();
    let ext = pool.get_extension_by_name(name)?;
    if !options.has_extension(&ext) {
        return None;
    }
    let Value::Message(value) = options.get_extension(&ext).into_owned() else {
        panic!("generator bug: option {name} is not a message");
    };
    let mut json = value
        .serialize_with_options(serde_json::value::Serializer, &SerializeOptions::new())
        .expect("generator bug: option message serializes to JSON");
    numbers_as_names(&value.descriptor(), &mut json);
    Some(serde_json::from_value(json).unwrap_or_else(|e| panic!("generator bug: option {name} does not match its mirror: {e}")))
}

/// Proto3 enums are open, so an option may hold a number no value has (`source: 99`); JSON then
/// writes the number. It becomes the text `"99"`, which lowering reports as an unknown value of
/// that enum at the option's token, like any other value it does not know.
fn numbers_as_names(message: &MessageDescriptor, json: &mut serde_json::Value) {
    let serde_json::Value::Object(object) = json else { return };
    for field in message.fields() {
        let Some(value) = object.get_mut(field.json_name()) else { continue };
        let items: Vec<&mut serde_json::Value> = match value {
            serde_json::Value::Array(items) => items.iter_mut().collect(),
            one => vec![one],
        };
        for item in items {
            match field.kind() {
                Kind::Enum(_) if item.is_number() => *item = serde_json::Value::String(item.to_string()),
                Kind::Message(child) => numbers_as_names(&child, item),
                _ => {}
            }
        }
    }
}
