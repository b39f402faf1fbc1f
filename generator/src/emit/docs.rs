//! Reference docs: per plugin an index, per task type the full mapping onto each target.

use askama::Template;

use crate::model::*;
use crate::write::GeneratedFile;

#[derive(Template)]
#[template(path = "docs/index.md")]
struct IndexDoc<'a> {
    header: String,
    name: &'a str,
    title: &'a str,
    source: &'a str,
    python_package: &'a str,
    python_distribution: &'a str,
    targets: &'a [Target],
    tasks: Vec<TaskRow<'a>>,
    settings: &'a [Setting],
}

struct TaskRow<'a> {
    name: &'a str,
    version: i32,
    python_class: &'a str,
    message: &'a str,
    kinds: String,
}

#[derive(Template)]
#[template(path = "docs/task_type.md")]
struct TaskDoc<'a> {
    header: String,
    name: &'a str,
    doc: String,
    version: i32,
    python_class: &'a str,
    message: &'a str,
    runs_task_container: &'static str,
    interface: Vec<InterfaceRow>,
    resources: Vec<ResourceView>,
}

struct InterfaceRow {
    direction: &'static str,
    name: String,
    ty: String,
    lands: String,
    doc: String,
}

struct ResourceView {
    target: String,
    api_version: String,
    kind: String,
    plural: String,
    scope: &'static str,
    name_max_length: u32,
    name_pattern: String,
    fields: Vec<FieldRow>,
    context: Vec<ContextRow>,
    phase_path: String,
    rules: Vec<RuleRow>,
    outputs: Vec<(String, String)>,
    log_links: Vec<(String, String)>,
}

struct FieldRow {
    proto_path: String,
    ty: String,
    cr_path: String,
    transform: &'static str,
    default: String,
    validation: String,
}

struct ContextRow {
    source: String,
    path: String,
    shape: String,
}

struct RuleRow {
    matches: String,
    phase: &'static str,
    message: String,
}

/// Markdown table cells cannot hold `|` or line breaks.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

pub fn emit(plugin: &Plugin) -> Vec<GeneratedFile> {
    let header = crate::emit::header(plugin, "<!-- ", " -->");
    let dir = format!("docs/{}", plugin.name);
    let mut files = Vec::new();
    let index = IndexDoc {
        header: header.clone(),
        name: &plugin.name,
        title: &plugin.title,
        source: &plugin.source,
        python_package: &plugin.python_package,
        python_distribution: &plugin.python_distribution,
        targets: &plugin.targets,
        settings: &plugin.settings,
        tasks: plugin
            .task_types
            .iter()
            .map(|t| TaskRow {
                name: &t.name,
                version: t.version,
                python_class: &t.python_class,
                message: &t.message,
                kinds: t.resources.iter().map(|r| format!("{}: `{}`", r.target, r.kind)).collect::<Vec<_>>().join(", "),
            })
            .collect(),
    };
    files.push(GeneratedFile { path: format!("{dir}/README.md"), contents: index.render().expect("docs template renders") });
    for task in &plugin.task_types {
        let doc = TaskDoc {
            header: header.clone(),
            name: &task.name,
            doc: task.doc.clone(),
            version: task.version,
            python_class: &task.python_class,
            message: &task.message,
            runs_task_container: if task.runs_task_container { "yes" } else { "no" },
            interface: interface_rows(task),
            resources: task.resources.iter().map(|r| resource_view(plugin, r)).collect(),
        };
        files.push(GeneratedFile { path: format!("{dir}/{}.md", task.name), contents: doc.render().expect("docs template renders") });
    }
    files
}

fn flyte_type(t: &FlyteType) -> String {
    match t {
        FlyteType::Simple { simple } => format!("{simple:?}").to_lowercase(),
        FlyteType::Blob { format, multipart } => {
            let kind = if *multipart { "directory" } else { "file" };
            if format.is_empty() { kind.to_string() } else { format!("{kind} ({format})") }
        }
    }
}

fn interface_rows(task: &TaskType) -> Vec<InterfaceRow> {
    let inputs = task.inputs.iter().map(|i| InterfaceRow {
        direction: "input",
        name: match (&i.name, &i.per_element_of, &i.name_field) {
            (Some(n), _, _) => format!("`{n}`"),
            (None, Some(list), Some(field)) => format!("one per `{list}` element, named by its `{field}`"),
            _ => String::new(),
        },
        ty: flyte_type(&i.ty),
        lands: match &i.per_element_of {
            Some(list) => format!("`{list}[].{}`", i.into),
            None => format!("`{}`", i.into),
        },
        doc: cell(&i.doc),
    });
    let outputs = task.outputs.iter().map(|o| InterfaceRow {
        direction: "output",
        name: format!("`{}`", o.name),
        ty: flyte_type(&o.ty),
        lands: "read from status (per target, below)".into(),
        doc: cell(&o.doc),
    });
    inputs.chain(outputs).collect()
}

fn resource_view(plugin: &Plugin, r: &Resource) -> ResourceView {
    let target = plugin.targets.iter().find(|t| t.id == r.target).expect("lowered");
    ResourceView {
        target: r.target.clone(),
        api_version: target.api_version.clone(),
        kind: r.kind.clone(),
        plural: r.plural.clone(),
        scope: if r.namespaced { "namespaced (created in the task's execution namespace)" } else { "cluster-scoped" },
        name_max_length: r.name_max_length,
        name_pattern: r.name_pattern.clone(),
        fields: r
            .fields
            .iter()
            .map(|f| FieldRow {
                proto_path: f.proto_path.clone(),
                ty: cell(&field_type(plugin, f)),
                cr_path: match &f.cr_path {
                    Some(p) => format!("`{}`", cell(&p.to_string())),
                    None if f.note.is_empty() => "unsupported".into(),
                    None if f.note.starts_with("read by the backend") => cell(&f.note),
                    None => format!("unsupported: {}", cell(&f.note)),
                },
                transform: f.transform.describe(),
                default: match (&f.default, f.default_from) {
                    (Some(v), _) => format!("`{}`", cell(&display_default(plugin, &f.ty, v))),
                    (None, Some(src)) => format!("from {src:?}"),
                    (None, None) => String::new(),
                },
                validation: cell(&f.validation.describe()),
            })
            .collect(),
        context: r
            .context
            .iter()
            .map(|c| ContextRow {
                source: format!("{:?}", c.source),
                path: cell(&c.path.to_string()),
                shape: {
                    let shape = match (c.key_prefix.is_empty(), c.chunk_size) {
                        (true, _) => "value".to_string(),
                        (false, 0) => format!("entry `{}`", c.key_prefix),
                        (false, n) => format!("entries `{}0`, `{}1`, ... of at most {n} characters", c.key_prefix, c.key_prefix),
                    };
                    match (c.source, c.container_file.is_empty()) {
                        (ContextSource::ContainerCommand, true) => format!("{shape}; the container reads it from its environment"),
                        (ContextSource::ContainerCommand, false) => format!("{shape}; the container reads it from `{}`", c.container_file),
                        (ContextSource::ContainerResource, _) => {
                            let which = c.resource.as_ref().map(ToString::to_string).unwrap_or_default();
                            if c.transform == Transform::JvmMemory { format!("`{which}` as a JVM memory size") } else { format!("`{which}`") }
                        }
                        _ => shape,
                    }
                },
            })
            .collect(),
        phase_path: r.status.phase_path.as_ref().map(ToString::to_string).unwrap_or_default(),
        rules: r
            .status
            .rules
            .iter()
            .map(|rule| RuleRow {
                matches: cell(&describe_rule(rule)),
                phase: rule.phase.describe(),
                message: cell(&rule.message.text),
            })
            .chain(std::iter::once(RuleRow {
                matches: "any other value".into(),
                phase: r.status.otherwise.describe(),
                message: cell(&r.status.otherwise_message.text),
            }))
            .collect(),
        outputs: r.outputs.iter().map(|o| (o.output.clone(), cell(&o.value.text))).collect(),
        log_links: r.log_links.iter().map(|l| (cell(&l.name), cell(&l.uri.text))).collect(),
    }
}

fn field_type(plugin: &Plugin, f: &MappedField) -> String {
    let base = match &f.ty {
        FieldType::Enum(name) => {
            let e = plugin.enumeration(name);
            let apis: Vec<&str> = e.values.iter().filter_map(|v| v.api.as_deref()).collect();
            format!("enum: {}", apis.join(", "))
        }
        other => other.describe(),
    };
    match f.cardinality {
        Cardinality::Single => base,
        Cardinality::Optional => format!("optional {base}"),
        Cardinality::Repeated => format!("list of {base}"),
        Cardinality::Map => format!("map of string to {base}"),
    }
}

fn describe_rule(rule: &PhaseRule) -> String {
    let mut text = describe_matcher(&rule.matcher);
    for w in &rule.where_ {
        let subject = match &w.subject {
            Subject::Path(path) => path.to_string(),
            Subject::ConditionReason => "condition.reason".into(),
            Subject::ConditionMessage => "condition.message".into(),
        };
        text.push_str(&format!(" and `{subject}` matches `{}`", w.pattern));
    }
    text
}

fn describe_matcher(m: &Matcher) -> String {
    match m {
        Matcher::Condition { condition_type } => format!("condition `{condition_type}` is True"),
        Matcher::LatestCondition { condition_type } => format!("the latest true condition is `{condition_type}`"),
        Matcher::Status { values, secondary } => {
            let values: Vec<String> = values.iter().map(|v| if v.is_empty() { "(absent)".into() } else { format!("`{v}`") }).collect();
            let mut text = format!("status {}", values.join(" or "));
            if let Some((path, secondary)) = secondary {
                let s: Vec<String> = secondary.iter().map(|v| format!("`{v}`")).collect();
                text.push_str(&format!(" and `{path}` is {}", s.join(" or ")));
            }
            text
        }
    }
}

/// Enum defaults read best as the API string users see in the target's docs.
fn display_default(plugin: &Plugin, ty: &FieldType, value: &serde_json::Value) -> String {
    match (ty, value) {
        (FieldType::Enum(name), serde_json::Value::String(v)) => plugin
            .enumeration(name)
            .values
            .iter()
            .find(|e| &e.name == v)
            .and_then(|e| e.api.clone())
            .unwrap_or_else(|| v.clone()),
        (_, serde_json::Value::String(v)) => v.clone(),
        (_, other) => other.to_string(),
    }
}
