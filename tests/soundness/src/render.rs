//! Recipe -> `.proto` text. Deterministic: one recipe always renders the same file.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use crate::strategy::*;

/// Scalar types the recipes pick from.
pub const SCALARS: &[&str] = &["string", "bool", "int32", "int64", "uint32", "uint64", "float", "double", "bytes", "sint32", "fixed64"];

/// A proto string literal.
fn q(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn comment(doc: &str, indent: &str) -> String {
    doc.lines().map(|l| format!("{indent}// {l}\n")).collect()
}

/// `name`, or `name<n>` when taken, so recipes mostly declare distinct elements (clashes that
/// remain are the generator's to report).
fn unique(name: &str, taken: &mut BTreeSet<String>) -> String {
    let mut candidate = name.to_string();
    let mut n = 2;
    while !taken.insert(candidate.clone()) {
        candidate = format!("{name}{n}");
        n += 1;
    }
    candidate
}

fn shouty(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_uppercase() && i > 0 && !out.ends_with('_') {
            out.push('_');
        }
        out.push(c.to_ascii_uppercase());
    }
    out
}

struct Declared {
    enums: Vec<(String, Vec<String>)>,
    /// Per message: its name and its single string fields (input targets).
    messages: Vec<(String, Vec<String>)>,
}

pub fn render(r: &PluginRecipe, case: usize) -> String {
    let targets: Vec<&str> = r.targets.clone();
    let mut out = String::from("syntax = \"proto3\";\npackage demo;\n\nimport \"google/protobuf/duration.proto\";\nimport \"flyteplugin/options.proto\";\n\n");
    let target_list: String = targets
        .iter()
        .map(|t| format!(" targets: {{id: {} api_version: \"example.com/v1\" title: {}}}", q(t), q(&format!("Target {t} ✓"))))
        .collect();
    writeln!(
        out,
        "option (flyteplugin.plugin) = {{name: \"case-{case}\" title: {} python_package: \"case_{case}\"{target_list}}};\n",
        q(DOCS[r.title].lines().next().unwrap_or("Case"))
    )
    .unwrap();

    let mut names = BTreeSet::new();
    let mut values_taken = BTreeSet::new();
    let mut declared = Declared { enums: Vec::new(), messages: Vec::new() };
    for e in &r.enums {
        let name = unique(e.name, &mut names);
        let prefix = shouty(&name);
        out.push_str(&comment(DOCS[e.doc], ""));
        writeln!(out, "enum {name} {{\n  {}_UNSPECIFIED = 0;", unique(&prefix, &mut values_taken)).unwrap();
        let mut values = Vec::new();
        for (i, (value, api, unsupported)) in e.values.iter().enumerate() {
            let raw = if e.prefixed { format!("{prefix}_{}", value) } else { value.to_string() };
            let value_name = unique(&raw, &mut values_taken);
            let unsupported = if *unsupported { format!(" unsupported_in: {}", q(targets[0])) } else { String::new() };
            writeln!(out, "  {value_name} = {} [(flyteplugin.value) = {{api: {}{unsupported}}}];", i + 1, q(API_STRINGS[*api])).unwrap();
            values.push(value_name);
        }
        out.push_str("}\n\n");
        declared.enums.push((name, values));
    }

    let mut task_names = BTreeSet::new();
    let task_messages: BTreeSet<usize> = r.tasks.iter().map(|t| t.message % r.messages.len()).collect();
    for (index, m) in r.messages.iter().enumerate() {
        let name = unique(m.name, &mut names);
        out.push_str(&comment(DOCS[m.doc], ""));
        writeln!(out, "message {name} {{").unwrap();
        if task_messages.contains(&index) {
            // Each message is the payload of at most one task type: the first that picked it.
            let task = r.tasks.iter().find(|t| t.message % r.messages.len() == index).expect("picked");
            let task_name = unique(task.name, &mut task_names);
            out.push_str(&task_option(task, &task_name, &targets, &string_fields(m, &declared, index)));
        }
        let mut field_names = BTreeSet::new();
        let mut strings = Vec::new();
        for (number, f) in m.fields.iter().enumerate() {
            let field_name = unique(f.name, &mut field_names);
            let line = field_line(f, &field_name, number + 1, index, &declared, &targets);
            if line.starts_with("string ") {
                strings.push(field_name.clone());
            }
            out.push_str(&comment(DOCS[f.doc], "  "));
            writeln!(out, "  {line}").unwrap();
        }
        out.push_str("}\n\n");
        declared.messages.push((name, strings));
    }
    out
}

/// The single string fields message `index` will declare (rendered names), for task inputs.
fn string_fields(m: &MessageRecipe, declared: &Declared, index: usize) -> Vec<String> {
    let mut taken = BTreeSet::new();
    m.fields
        .iter()
        .filter_map(|f| {
            let name = unique(f.name, &mut taken);
            let (ty, _) = field_type(f, index, declared);
            (ty == "string" && f.cardinality == 0).then_some(name)
        })
        .collect()
}

/// The proto type of a field and whether it is a scalar (`Ty::Message` without an earlier message
/// and `Ty::Enum` without enums fall back to scalars).
fn field_type(f: &FieldRecipe, index: usize, declared: &Declared) -> (String, &'static str) {
    match f.ty {
        Ty::Scalar(i) => (SCALARS[i].to_string(), "scalar"),
        Ty::Enum(i) if !declared.enums.is_empty() => (declared.enums[i % declared.enums.len()].0.clone(), "enum"),
        // Maps of messages are rejected by lowering; draw them rarely.
        Ty::Message(i) if index > 0 && (f.cardinality != 3 || (f.transform == 3 && f.doc == 0)) => (declared.messages[i % index].0.clone(), "message"),
        Ty::Duration => ("google.protobuf.Duration".into(), "duration"),
        _ => ("int32".into(), "scalar"),
    }
}

fn field_line(f: &FieldRecipe, name: &str, number: usize, index: usize, declared: &Declared, targets: &[&str]) -> String {
    let (ty, kind) = field_type(f, index, declared);
    let numeric = kind == "scalar" && !matches!(ty.as_str(), "string" | "bool" | "bytes");
    let declared_type = match f.cardinality {
        1 => format!("optional {ty}"),
        2 => format!("repeated {ty}"),
        3 => format!("map<string, {ty}>"),
        _ => ty.clone(),
    };
    let transform = match (f.cardinality, kind, ty.as_str(), f.transform) {
        (3, _, _, 1) => " transform: NAME_VALUE_LIST",
        (3, _, _, 2) => " transform: KEY_VALUE_LIST",
        (0 | 1, "scalar", "bool", 1) => " transform: TO_STRING",
        (0 | 1, "scalar", _, 1) if numeric => " transform: TO_STRING",
        (0, "scalar", "string", 3) => " transform: KEY_VALUE_LIST",
        (_, "duration", _, t) if t > 0 => " transform: SECONDS",
        _ => "",
    };
    let key: String = name.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-').collect();
    let mut option = String::new();
    for (i, t) in targets.iter().enumerate() {
        if f.unsupported.get(i).copied().unwrap_or(false) {
            write!(option, "cr: {{target: {} unsupported: true note: {}}} ", q(t), q(&format!("{t} has no such field — ünï"))).unwrap();
        } else {
            write!(option, "cr: {{target: {} path: \"spec.{key}\"{transform}}} ", q(t)).unwrap();
        }
    }
    let mut rules = Vec::new();
    if f.required {
        rules.push("required: true".to_string());
    }
    if let Some((a, b)) = f.bounds
        && (numeric || f.cardinality >= 2)
    {
        let low = if f.cardinality >= 2 { a.max(0) } else { a };
        rules.push(format!("min: {low} max: {}", b.max(low)));
    }
    let string = ty == "string";
    if let Some((a, b)) = f.lengths
        && string
    {
        rules.push(format!("min_len: {a} max_len: {b}"));
    }
    if f.pattern && string {
        rules.push("pattern: \"^[a-z]*$\"".into());
    }
    if let Some(kind) = f.kind
        && string
        && f.cardinality != 2
    {
        // Strings and maps of strings take a Kubernetes value type.
        rules.push(format!("kind: {}", ["QUANTITY", "LABEL_VALUE", "DNS_LABEL", "DNS_SUBDOMAIN"][kind as usize % 4]));
    }
    if !rules.is_empty() {
        write!(option, "validate: {{{}}} ", rules.join(" ")).unwrap();
    }
    if f.default && f.cardinality <= 1 {
        let default = match kind {
            "enum" => declared.enums.iter().find(|(n, _)| *n == ty).and_then(|(_, v)| v.first().cloned()),
            "scalar" if string => Some("aaa".into()),
            "scalar" if ty == "bool" => Some("true".into()),
            "scalar" if numeric => Some("2".into()),
            _ => None,
        };
        if let Some(d) = default {
            write!(option, "default: {} ", q(&d)).unwrap();
        }
    }
    if let Some(source) = f.default_from
        && string
        && f.cardinality == 0
    {
        let source = ["JOB_NAME", "CONTAINER_IMAGE", "OUTPUT_PREFIX", "IAM_ROLE", "REGION"][source as usize % 5];
        write!(option, "default_from: {source} ").unwrap();
    }
    if f.backend_only {
        option.push_str("backend_only: true ");
    }
        format!("{declared_type} {name} = {number} [(flyteplugin.field) = {{{}}}];", option.trim_end())
}

fn task_option(t: &TaskRecipe, name: &str, targets: &[&str], strings: &[String]) -> String {
    let mut out = String::new();
    for line in DOCS[t.doc].lines() {
        writeln!(out, "  // {line}").unwrap();
    }
    writeln!(out, "  option (flyteplugin.task) = {{").unwrap();
    write!(out, "    name: {} version: {} python_class: {}", q(name), t.version, q(t.class)).unwrap();
    if t.runs_task_container {
        out.push_str(" runs_task_container: true");
    }
    out.push('\n');
    if t.input
        && let Some(field) = strings.first()
    {
        writeln!(out, "    inputs: {{name: \"text\" type: {{simple: STRING}} into: {} doc: \"Fills the field — ✓.\"}}", q(field)).unwrap();
    }
    if t.output {
        writeln!(out, "    outputs: {{name: \"result\" type: {{simple: STRING}} doc: \"The result.\"}}").unwrap();
    }
    let contexts = [
        "{source: JOB_NAME path: \"spec.ctx.jobName\"}",
        "{source: CONTAINER_IMAGE path: \"spec.ctx.image\"}",
        "{source: IAM_ROLE path: \"spec.ctx.role\"}",
        "{source: REGION path: \"spec.ctx.region\"}",
        "{source: OUTPUT_PREFIX path: \"spec.ctx.output\"}",
        "{source: CONTAINER_COMMAND path: \"spec.ctx.env\" key_prefix: \"CMD_\" chunk_size: 64 transform: NAME_VALUE_LIST max_entries: 20}",
        "{source: CONTAINER_ARGS path: \"spec.ctx.containers[name=\\\"main ✓\\\"].args\"}",
        "{source: CONTAINER_COMMAND_LINE path: \"spec.ctx.commandLine\"}",
        "{source: CONTAINER_RESOURCES path: \"spec.ctx.containers[1].resources\"}",
        "{source: CONTAINER_ENV path: \"spec.ctx.containers[name=\\\"main ✓\\\"].env\" transform: NAME_VALUE_LIST}",
        "{source: CONTAINER_ENV path: \"spec.ctx.envMap\"}",
        "{source: SERVICE_ACCOUNT path: \"spec.ctx.pod.serviceAccountName\"}",
        "{source: EXECUTION_LABELS path: \"spec.ctx.pod.labels\"}",
        "{source: EXECUTION_ANNOTATIONS path: \"spec.ctx.pod.annotations\"}",
    ];
    let constants = [
        "{path: \"spec.ctx.containers[name=\\\"main ✓\\\"].workingDir\" value: \"\\\"/ünï\\\"\"}",
        "{path: \"spec.ctx.fixed\" value: \"{\\\"replicas\\\": 1, \\\"list\\\": [true, null, 1.5, \\\"x\\\"]}\"}",
    ];
    let name_rule = if t.name_rule { "{max_length: 63 pattern: \"^[a-z0-9-]+$\"}" } else { "{max_length: 253 pattern: \"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$\"}" };
    for target in targets {
        writeln!(out, "    resources: {{target: {} kind: \"Widget\" plural: \"widgets\" namespaced: true", q(target)).unwrap();
        writeln!(out, "      name_rule: {name_rule}").unwrap();
        for (bit, context) in contexts.iter().enumerate() {
            if t.context & (1 << bit) != 0 {
                writeln!(out, "      context: {context}").unwrap();
            }
        }
        for (bit, constant) in constants.iter().enumerate() {
            if t.context & (1 << (contexts.len() + bit)) != 0 {
                writeln!(out, "      constants: {constant}").unwrap();
            }
        }
        // Conditions-only statuses have no phase_path (a status_in rule then is a diagnostic).
        // Conditions-only statuses (no rule reads a status value) may leave out the phase_path.
        let conditions_only = t.rules & 64 != 0 && t.rules & (1 | 4 | 16) == 0;
        let mut status = String::from(if conditions_only { "" } else { "phase_path: \"status.phase\"" });
        if t.rules & 1 != 0 {
            write!(status, " rules: {{status_in: [\"Done\", \"Fertig ✓\"] phase: SUCCEEDED message: {}}}", q(MESSAGES[t.message_template])).unwrap();
        }
        if t.rules & 2 != 0 {
            status.push_str(" rules: {condition: \"Failed\" phase: PERMANENT_FAILURE message: \"{condition.reason}: {condition.message}\"}");
        }
        if t.rules & 4 != 0 {
            status.push_str(" rules: {status_in: \"Queued\" secondary_path: \"status.secondary\" secondary_in: \"Starting\" phase: INITIALIZING}");
        }
        if t.rules & 8 != 0 {
            status.push_str(" rules: {latest_condition: \"Restarting ✓\" where: {path: \"condition.reason\" pattern: \"^(Evicted|Preempted)$\"} phase: RETRYABLE_FAILURE message: \"{condition.message} ({status.phase|ünï})\"}");
        }
        if t.rules & 16 != 0 {
            status.push_str(" rules: {status_in: \"Failed\" where: {path: \"status.reason\" pattern: \"(?i)transient\"} where: {path: \"status.items[0].name\" pattern: \".\"} phase: RETRYABLE_FAILURE message: \"{status.reason|?}\"}");
        }
        if t.rules & 32 != 0 {
            status.push_str(" rules: {condition: \"Done\" where: {path: \"condition.message\" pattern: \"ok\"} phase: SUCCEEDED}");
        }
        write!(status, " otherwise: RUNNING otherwise_message: {}", q(MESSAGES[(t.message_template + 1) % MESSAGES.len()])).unwrap();
        writeln!(out, "      status: {{{status}}}").unwrap();
        if t.output {
            writeln!(out, "      outputs: {{output: \"result\" value: \"{{status.result}}\"}}").unwrap();
        }
        if t.log_link {
            writeln!(out, "      log_links: {{name: \"console ✓\" uri: \"https://example.com/{{metadata.namespace}}/{{metadata.name}}?q=ünï\"}}").unwrap();
        }
        writeln!(out, "    }}").unwrap();
    }
    writeln!(out, "  }};").unwrap();
    out
}
