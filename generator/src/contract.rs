//! Lowering of the container contract: `Plugin.container` and `TaskType.container_parameters`.
//!
//! Kept apart from `lower` because it touches nothing else there: it checks the options against
//! the payload descriptors and reports each mistake at its token, like every other lowering step.

use miette::SourceSpan;
use prost_reflect::{Cardinality as PbCardinality, Kind, MessageDescriptor};

use crate::diagnostics::{Locator, ProtoError};
use crate::model::{ContainerContract, ContainerParameters, SimpleType};
use crate::options::{ContainerContractOpt, ContainerParametersOpt};

/// `span` is the plugin option's span.
pub fn contract(opt: ContainerContractOpt, span: SourceSpan, loc: &Locator, errors: &mut Vec<ProtoError>) -> Option<ContainerContract> {
    let before = errors.len();
    let mut err = |needle: &str, message: String, label: &str| errors.push(loc.error(loc.narrow(span, needle), message, label));
    if !opt.root.starts_with('/') {
        err("root", format!("container root `{}` must be an absolute path", opt.root), "not absolute");
    }
    if !opt.root_env.is_empty() && !opt.root_env.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        err("root_env", format!("root_env `{}` is not an environment variable name", opt.root_env), "not a variable name");
    }
    let relative = [
        ("parameters_file", &opt.parameters_file),
        ("hosts_file", &opt.hosts_file),
        ("failure_file", &opt.failure_file),
        ("model_dir", &opt.model_dir),
        ("channel_dir", &opt.channel_dir),
    ];
    for (name, value) in relative {
        if value.is_empty() || value.starts_with('/') || value.split('/').any(|part| part == "..") {
            err(name, format!("container {name} `{value}` must be a non-empty path relative to the root, without `..`"), "not a relative path");
        }
    }
    for (name, value) in [("current_host_key", &opt.current_host_key), ("hosts_key", &opt.hosts_key)] {
        if value.is_empty() {
            err("hosts_file", format!("a container contract with a hosts file needs `{name}`"), "missing key");
        }
    }
    if opt.failure_max_bytes == 0 {
        err("failure_file", "a container contract with a failure file needs `failure_max_bytes` above 0".to_string(), "no size limit");
    }
    if opt.channel_dir.matches("{name}").count() != 1 {
        err("channel_dir", format!("channel_dir `{}` must hold `{{name}}` once", opt.channel_dir), "no `{name}`");
    }
    let metric_line = split_metric_line(&opt.metric_line);
    if metric_line.is_none() {
        err(
            "metric_line",
            format!("metric_line `{}` must hold `{{name}}` and then `{{value}}`, once each, with text between them", opt.metric_line),
            "bad metric line",
        );
    }
    if errors.len() != before {
        return None;
    }
    Some(ContainerContract {
        root: opt.root,
        root_env: opt.root_env,
        parameters_file: opt.parameters_file,
        hosts_file: opt.hosts_file,
        current_host_key: opt.current_host_key,
        hosts_key: opt.hosts_key,
        failure_file: opt.failure_file,
        failure_max_bytes: opt.failure_max_bytes,
        model_dir: opt.model_dir,
        channel_dir: opt.channel_dir,
        metric_line: metric_line?,
    })
}

/// `prefix{name}between{value}suffix` into its three literal parts. Text between the two
/// placeholders keeps the name and the value apart in the generated regular expression.
fn split_metric_line(line: &str) -> Option<(String, String, String)> {
    let (prefix, rest) = line.split_once("{name}")?;
    let (between, suffix) = rest.split_once("{value}")?;
    let once = |s: &str| !s.contains("{name}") && !s.contains("{value}");
    (once(prefix) && once(between) && once(suffix) && !between.is_empty()).then(|| (prefix.into(), between.into(), suffix.into()))
}

/// `span` is the task option's span; `message` the payload.
pub fn parameters(
    opts: Vec<ContainerParametersOpt>,
    message: &MessageDescriptor,
    span: SourceSpan,
    loc: &Locator,
    errors: &mut Vec<ProtoError>,
) -> Vec<ContainerParameters> {
    let mut out = Vec::new();
    for opt in opts {
        let token = loc.narrow(span, &format!("\"{}\"", opt.field));
        let mut err = |message: String, label: &str| errors.push(loc.error(token, message, label));
        let Some(list) = message.get_field_by_name(&opt.field).filter(|f| f.is_list()) else {
            err(format!("container_parameters field `{}` is not a repeated field of `{}`", opt.field, message.full_name()), "not a list");
            continue;
        };
        let Kind::Message(element) = list.kind() else {
            err(format!("container_parameters field `{}` must be a list of messages", opt.field), "not a message list");
            continue;
        };
        let is_string = |name: &str, repeated: bool| {
            element.get_field_by_name(name).is_some_and(|f| {
                f.kind() == Kind::String && !f.is_map() && (f.cardinality() == PbCardinality::Repeated) == repeated
            })
        };
        if !is_string(&opt.name_field, false) {
            err(format!("name_field `{}` is not a string field of `{}`", opt.name_field, element.full_name()), "no such string field");
            continue;
        }
        let ty = match opt.ty.as_str() {
            "FLOAT" => SimpleType::Float,
            "INTEGER" => SimpleType::Integer,
            "STRING" => SimpleType::String,
            other => {
                err(format!("container_parameters type `{other}` must be FLOAT, INTEGER or STRING"), "unsupported type");
                continue;
            }
        };
        let values_field = (!opt.values_field.is_empty()).then_some(opt.values_field);
        match (&ty, &values_field) {
            (SimpleType::String, Some(values)) if is_string(values, true) => {}
            (SimpleType::String, _) => {
                err(format!("STRING container_parameters need `values_field`, a repeated string field of `{}`", element.full_name()), "no values");
                continue;
            }
            (_, Some(_)) => {
                err("only STRING container_parameters take `values_field`".to_string(), "values_field");
                continue;
            }
            _ => {}
        }
        out.push(ContainerParameters { field: opt.field, name_field: opt.name_field, ty, values_field });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::split_metric_line;

    #[test]
    fn metric_lines_split_into_their_literal_parts() {
        assert_eq!(split_metric_line("metric {name}={value};"), Some(("metric ".into(), "=".into(), ";".into())));
        assert_eq!(split_metric_line("{name}{value}"), None, "nothing between name and value");
        assert_eq!(split_metric_line("{value}={name}"), None, "value before name");
        assert_eq!(split_metric_line("{name}={value} {name}"), None, "name twice");
    }
}
