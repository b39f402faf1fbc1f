//! The flytekit SDK: one installable Python package per plugin, under `python/<python_package>/`.
//!
//! The Python comes from askama templates under `templates/python/`. This module turns the model
//! into view structs whose strings are already valid Python (literals, type hints, docstrings and
//! the one-line checks of `validate`), so the templates only lay code out. It knows no plugin:
//! every name, rule and string in the output comes from the model. Two templates (`_support.py`,
//! `_base.py`) hold the generic runtime every package carries, so a package never depends on
//! another generated package or on this repository.

use askama::Template;

use crate::model::*;
use crate::write::GeneratedFile;

#[derive(Template)]
#[template(path = "python/pyproject.toml", escape = "none")]
struct PyProject<'a> {
    header: String,
    distribution: String,
    description: String,
    entry_point_name: String,
    package: &'a str,
    /// `(script name, module:function)` of the container entrypoint, when the plugin has one.
    script: Option<(String, String)>,
}

#[derive(Template)]
#[template(path = "python/__init__.py", escape = "none")]
struct InitPy {
    header: String,
    docstring: String,
    models: Vec<String>,
    /// Public names of the `container` module, when the plugin has a container contract.
    container: Vec<String>,
    tasks: Vec<String>,
}

#[derive(Template)]
#[template(path = "python/models.py", escape = "none")]
struct ModelsPy {
    header: String,
    docstring: String,
    uses_datetime: bool,
    enums: Vec<EnumView>,
    messages: Vec<MessageView>,
}

struct EnumView {
    name: String,
    docstring: String,
    members: Vec<MemberView>,
    /// Module-level tables behind the `api` and `unsupported_in` properties.
    api_table: String,
    unsupported_table: String,
    unsupported: Vec<(String, String)>,
}

struct MemberView {
    name: String,
    /// The proto value name as a Python literal: the member's value.
    value: String,
    api: String,
    docstring: Option<String>,
}

struct MessageView {
    name: String,
    docstring: String,
    fields: Vec<FieldDecl>,
    /// Body lines of `validate` and `to_dict`, indented for a method body.
    validate: Vec<String>,
    /// The names of the message's cross-field rules, as a Python tuple.
    rules: String,
    to_dict: Vec<String>,
}

struct FieldDecl {
    name: String,
    hint: String,
    /// `None` for a field the user must give: the dataclass then has no default for it.
    default: Option<String>,
}

#[derive(Template)]
#[template(path = "python/tasks.py", escape = "none")]
struct TasksPy {
    header: String,
    docstring: String,
    uses_contract: bool,
    flytekit_imports: Vec<String>,
    base_imports: Vec<&'static str>,
    model_imports: Vec<String>,
    tasks: Vec<TaskView>,
}

struct TaskView {
    class: String,
    base: &'static str,
    config: String,
    docstring: String,
    task_type: String,
    version: i32,
    inputs: Vec<String>,
    outputs: Vec<(String, String)>,
    accepts_container_task: bool,
    runs_task_container: bool,
    /// `ContainerParameters(...)` expressions.
    container_parameters: Vec<String>,
}

#[derive(Template)]
#[template(path = "python/entrypoint.py", escape = "none")]
struct EntrypointPy {
    header: String,
    has_contract: bool,
    prog: String,
    docstring: String,
    /// Python tuples `(key prefix, chunk size, container file)`.
    sources: Vec<String>,
}

#[derive(Template)]
#[template(path = "python/_support.py", escape = "none")]
struct SupportPy {
    header: String,
}

#[derive(Template)]
#[template(path = "python/_base.py", escape = "none")]
struct BasePy {
    header: String,
}

#[derive(Template)]
#[template(path = "python/_job.py", escape = "none")]
struct JobPy {
    header: String,
}

#[derive(Template)]
#[template(path = "python/container.py", escape = "none")]
struct ContainerPy {
    header: String,
    docstring: String,
    /// `(field, Python literal)` of the `Contract`.
    fields: Vec<(String, String)>,
    /// The default absolute paths, for docstrings.
    hosts_file: String,
    model_dir: String,
    channel_dir: String,
}

/// The public names of the `container` module.
const CONTAINER_NAMES: [&str; 6] = ["HostContext", "channel_dir", "host_context", "metric_regex", "model_dir", "report_metric"];

pub fn emit(plugin: &Plugin) -> Vec<GeneratedFile> {
    let header = crate::emit::header(plugin, "# ", "");
    let package = plugin.python_package.as_str();
    let root = format!("python/{package}");
    let sources = command_sources(plugin);
    let prog = format!("{}-entrypoint", plugin.name);
    let mut files = Vec::new();
    let mut push = |path: String, contents: String| files.push(GeneratedFile { path, contents });

    push(
        format!("{root}/pyproject.toml"),
        render(&PyProject {
            header: header.clone(),
            distribution: json_str(&distribution(plugin)),
            description: json_str(&title(plugin)),
            entry_point_name: json_str(&plugin.name),
            package,
            script: (!sources.is_empty()).then(|| (json_str(&prog), json_str(&format!("{package}.entrypoint:main")))),
        }),
    );
    push(format!("{root}/{package}/__init__.py"), render(&init_py(plugin, &header)));
    push(format!("{root}/{package}/models.py"), render(&models_py(plugin, &header)));
    push(format!("{root}/{package}/tasks.py"), render(&tasks_py(plugin, &header)));
    // PEP 561: type checkers read the package's own annotations only when this marker is there.
    push(format!("{root}/{package}/py.typed"), String::new());
    push(format!("{root}/{package}/_support.py"), render(&SupportPy { header: header.clone() }));
    push(format!("{root}/{package}/_base.py"), render(&BasePy { header: header.clone() }));
    push(format!("{root}/{package}/_job.py"), render(&JobPy { header: header.clone() }));
    if let Some(contract) = &plugin.container {
        push(format!("{root}/{package}/container.py"), render(&container_py(plugin, contract, &header)));
    }
    if !sources.is_empty() {
        let docstring = docstring(
            &format!(
                "`{prog}`: runs the Flyte task command inside a job container started from the task's own image.\n\n\
                 The backend hands the command (a JSON list of strings) to the container as data, because not every \
                 target can set a container's command. This program finds it, trying each source in `SOURCES` in \
                 order, runs it to its end (passing on SIGTERM and SIGINT), and exits with its status; any arguments \
                 it is started with (a job runner may pass one such as `train`) are ignored. It exits with status 2 \
                 when no source holds a command.\n\n\
                 The job fails (non-zero status) when the task failed, even though flytekit only recorded the error, \
                 and when the host that writes the outputs ended without writing them. Inside a job the reason is \
                 also written to the container contract's failure file, which the controller reports."
            ),
            0,
        );
        push(format!("{root}/{package}/entrypoint.py"), render(&EntrypointPy { header: header.clone(), has_contract: plugin.container.is_some(), prog, docstring, sources }));
    }
    files
}

fn render<T: Template>(template: &T) -> String {
    let mut text = template.render().expect("python templates render");
    // askama drops a template's final newline; files end with one.
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

fn distribution(plugin: &Plugin) -> String {
    if plugin.python_distribution.is_empty() { plugin.python_package.replace('_', "-") } else { plugin.python_distribution.clone() }
}

fn title(plugin: &Plugin) -> String {
    if plugin.title.is_empty() { format!("Flyte plugin {}", plugin.name) } else { plugin.title.clone() }
}

// ---------------------------------------------------------------------------------------------
// Python text

/// A Python string literal. JSON string syntax is a subset of Python's.
fn py_str(s: &str) -> String {
    serde_json::to_string(s).expect("strings serialize")
}

/// A TOML basic string; JSON string escapes are all valid TOML escapes.
fn json_str(s: &str) -> String {
    py_str(s)
}

/// A number as Python source: integral bounds read best without a fraction (`>= 1`).
fn py_number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 { format!("{}", x as i64) } else { format!("{x:?}") }
}

fn py_opt_number(x: Option<f64>) -> String {
    x.map_or_else(|| "None".to_string(), py_number)
}

fn py_opt_u32(x: Option<u32>) -> String {
    x.map_or_else(|| "None".to_string(), |n| n.to_string())
}

/// Docstrings are wrapped to this many columns, indentation included.
const WIDTH: usize = 100;

/// Fills `text` into lines of at most `width` columns (a single long word may exceed it), the
/// first starting with `first`, the others with `rest` (prefixes include their trailing space).
fn fill(text: &str, first: &str, rest: &str, width: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = first.to_string();
    let mut empty = true;
    for word in text.split_whitespace() {
        if !empty && current.chars().count() + 1 + word.chars().count() > width {
            out.push(std::mem::replace(&mut current, rest.to_string()));
            empty = true;
        }
        if !empty {
            current.push(' ');
        }
        current.push_str(word);
        empty = false;
    }
    out.push(current);
    out
}

/// Wraps a line longer than `WIDTH` to `width` columns, continuing at the line's own indentation
/// (two columns deeper under a `* ` bullet). Proto comments arrive wrapped and are left as they
/// are; this re-flows generated prose, which comes one paragraph to a line.
fn wrap_line(line: &str, width: usize) -> Vec<String> {
    if line.chars().count() <= WIDTH {
        return vec![line.to_string()];
    }
    let lead: String = line.chars().take_while(|c| *c == ' ').collect();
    let rest = if line[lead.len()..].starts_with("* ") { format!("{lead}  ") } else { lead.clone() };
    fill(&line[lead.len()..], &lead, &rest, width)
}

/// A triple-quoted docstring indented by `indent` spaces. Backslashes are doubled (so a regular
/// expression in a comment never becomes an invalid escape) and quotes that could end the string
/// early are escaped.
fn docstring(text: &str, indent: usize) -> String {
    let pad = " ".repeat(indent);
    let escaped = text.trim().replace('\\', "\\\\").replace("\"\"\"", "\\\"\\\"\\\"");
    // A final quote would merge with the closing ones, unless an odd run of backslashes escapes it.
    let escaped = match escaped.strip_suffix('"') {
        Some(head) if (head.len() - head.trim_end_matches('\\').len()) % 2 == 0 => format!("{head}\\\""),
        _ => escaped,
    };
    let lines: Vec<String> = escaped.lines().flat_map(|l| wrap_line(l.trim_end(), WIDTH - indent - 3)).collect();
    if lines.len() == 1 {
        return format!("{pad}\"\"\"{}\"\"\"", lines[0]);
    }
    let mut out = format!("{pad}\"\"\"{}\n", lines[0]);
    for line in &lines[1..] {
        if line.trim().is_empty() {
            out.push('\n');
        } else {
            out.push_str(&format!("{pad}{line}\n"));
        }
    }
    out.push_str(&format!("{pad}\"\"\""));
    out
}

/// One entry of an `Attributes:` style section, for a docstring indented by 4 (whose first line
/// also holds the opening quotes): `name: text`,
/// each paragraph re-flowed, continuation lines indented under the name.
fn doc_item(name: &str, paragraphs: &[String]) -> String {
    let mut lines = Vec::new();
    for (i, paragraph) in paragraphs.iter().enumerate() {
        let first = if i == 0 { format!("    {name}: ") } else { "        ".to_string() };
        lines.extend(fill(paragraph, &first, "        ", WIDTH - 7));
    }
    lines.join("\n")
}

/// A proto comment split into its paragraphs.
fn paragraphs(text: &str) -> Vec<String> {
    text.split("\n\n").map(|p| p.trim().to_string()).filter(|p| !p.is_empty()).collect()
}

// ---------------------------------------------------------------------------------------------
// __init__.py

fn init_py(plugin: &Plugin, header: &str) -> InitPy {
    let mut models: Vec<String> = plugin.enums.iter().map(|e| e.type_name.clone()).collect();
    models.extend(plugin.messages.iter().map(|m| m.type_name.clone()));
    models.sort();
    let mut tasks: Vec<String> = plugin.task_types.iter().map(|t| t.python_class.clone()).collect();
    tasks.sort();
    let mut text = format!(
        "{}: the flytekit SDK of the `{}` Flyte backend plugin.\n\n\
         `models` holds one dataclass per message and one enum per enum of `{}`; `tasks` holds one task \
         class per task type. Every config is validated when its task is defined, and its `to_dict()` is \
         the task template's `custom` payload.\n\nTask types:\n",
        title(plugin),
        plugin.name,
        plugin.source
    );
    for t in &plugin.task_types {
        let config = &plugin.message(&t.message).type_name;
        let usage = if t.runs_task_container {
            format!("`@task(task_config={config}(...))` on a function")
        } else {
            format!("`{}(name=..., config={config}(...))`", t.python_class)
        };
        text.push_str(&format!("\n* `{}` (version {}): {usage}", t.name, t.version));
    }
    let container = if plugin.container.is_some() { CONTAINER_NAMES.iter().map(|n| n.to_string()).collect() } else { Vec::new() };
    InitPy { header: header.to_string(), docstring: docstring(&text, 0), models, container, tasks }
}

// ---------------------------------------------------------------------------------------------
// container.py

fn container_py(plugin: &Plugin, c: &ContainerContract, header: &str) -> ContainerPy {
    let (prefix, between, suffix) = &c.metric_line;
    let fields = [
        ("root", py_str(&c.root)),
        ("root_env", py_str(&c.root_env)),
        ("parameters_file", py_str(&c.parameters_file)),
        ("hosts_file", py_str(&c.hosts_file)),
        ("current_host_key", py_str(&c.current_host_key)),
        ("hosts_key", py_str(&c.hosts_key)),
        ("failure_file", py_str(&c.failure_file)),
        ("failure_max_bytes", c.failure_max_bytes.to_string()),
        ("model_dir", py_str(&c.model_dir)),
        ("channel_dir", py_str(&c.channel_dir)),
        ("metric_prefix", py_str(prefix)),
        ("metric_between", py_str(between)),
        ("metric_suffix", py_str(suffix)),
    ];
    let absolute = |relative: &str| format!("`{}/{relative}`", c.root.trim_end_matches('/'));
    let moved = if c.root_env.is_empty() { String::new() } else { format!(" (or under `${}` when it is set)", c.root_env) };
    let text = format!(
        "Helpers for a task function running inside a job container of the `{}` plugin.\n\n\
         The controller and the container share files under `{}`{moved}: the job's parameters in {}, its hosts in {}, \
         the failure reason in {}. The task class reads them itself (a parameter named like an input sets it; only \
         the first host writes outputs); these helpers give the function what it may want besides: its host, the \
         model and channel directories, and metric reporting.",
        plugin.name,
        c.root,
        absolute(&c.parameters_file),
        absolute(&c.hosts_file),
        absolute(&c.failure_file),
    );
    ContainerPy {
        header: header.to_string(),
        docstring: docstring(&text, 0),
        fields: fields.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
        hosts_file: absolute(&c.hosts_file),
        model_dir: absolute(&c.model_dir),
        channel_dir: absolute(&c.channel_dir),
    }
}

// ---------------------------------------------------------------------------------------------
// models.py

fn models_py(plugin: &Plugin, header: &str) -> ModelsPy {
    let uses_datetime = plugin.messages.iter().flat_map(|m| &m.fields).any(|f| f.ty == FieldType::Duration);
    let text = format!(
        "Payload models of the `{}` plugin, from `{}`.\n\n\
         Every dataclass takes keyword arguments only, one per field in proto declaration order; a field \
         whose rules say required and that nothing fills by default has no default, so leaving it out \
         is a `TypeError` (and a type checker's error). `validate()` applies the declared rules and \
         raises `ValueError` naming the dotted path of the first offending field; `to_dict()` gives the \
         proto3 JSON form the backend decodes (lowerCamelCase keys, unset and zero values left out, enums \
         by proto value name).",
        plugin.name, plugin.source
    );
    ModelsPy {
        header: header.to_string(),
        docstring: docstring(&text, 0),
        uses_datetime,
        enums: plugin.enums.iter().map(enum_view).collect(),
        messages: plugin.messages.iter().map(|m| message_view(plugin, m)).collect(),
    }
}

fn enum_view(e: &Enum) -> EnumView {
    let mut text = if e.doc.is_empty() { format!("`{}`.", e.full_name) } else { e.doc.clone() };
    text.push_str(
        "\n\nA member's value is its proto value name, which is what proto3 JSON carries; `api` is the string \
         the target APIs expect.",
    );
    EnumView {
        name: e.type_name.clone(),
        docstring: docstring(&text, 4),
        members: e
            .values
            .iter()
            .map(|v| MemberView {
                name: v.python_member.clone(),
                value: py_str(&v.name),
                api: v.api.as_deref().map_or_else(|| "None".to_string(), py_str),
                docstring: (!v.doc.is_empty()).then(|| docstring(&v.doc, 4)),
            })
            .collect(),
        api_table: e.python_api_table.clone(),
        unsupported_table: e.python_unsupported_table.clone(),
        unsupported: e
            .values
            .iter()
            .filter(|v| !v.unsupported_in.is_empty())
            .map(|v| {
                let targets: Vec<String> = v.unsupported_in.iter().map(|t| py_str(t)).collect();
                (py_str(&v.name), format!("({},)", targets.join(", ")))
            })
            .collect(),
    }
}

fn zero_member(plugin: &Plugin, enum_name: &str) -> String {
    let e = plugin.enumeration(enum_name);
    format!("{}.{}", e.type_name, e.values[0].python_member)
}

fn member_for(plugin: &Plugin, enum_name: &str, value_name: &str) -> String {
    let e = plugin.enumeration(enum_name);
    let value = e.values.iter().find(|v| v.name == value_name).expect("lowering resolved enum defaults");
    format!("{}.{}", e.type_name, value.python_member)
}

fn scalar_hint(plugin: &Plugin, ty: &FieldType) -> String {
    match ty {
        FieldType::String => "str".into(),
        FieldType::Bool => "bool".into(),
        FieldType::Int32 | FieldType::Int64 | FieldType::Uint32 | FieldType::Uint64 => "int".into(),
        FieldType::Float | FieldType::Double => "float".into(),
        FieldType::Bytes => "bytes".into(),
        FieldType::Duration => "datetime.timedelta".into(),
        FieldType::Enum(n) => plugin.enumeration(n).type_name.clone(),
        FieldType::Message(n) => plugin.message(n).type_name.clone(),
    }
}

/// Messages and durations are proto messages: they have presence, so unset is `None`.
fn has_presence(f: &Field) -> bool {
    f.cardinality == Cardinality::Optional
        || (f.cardinality == Cardinality::Single && matches!(f.ty, FieldType::Message(_) | FieldType::Duration))
}

/// Whether the user must give the field: it is required and neither a default nor the backend's
/// context fills it. Such a field is a keyword argument without a default, so leaving it out is
/// a `TypeError` at construction (and a type checker's error) instead of a `""` or `None`.
fn user_required(f: &Field) -> bool {
    f.validation.required && f.default.is_none() && f.default_from.is_none()
}

fn field_decl(plugin: &Plugin, f: &Field) -> FieldDecl {
    let base = scalar_hint(plugin, &f.ty);
    let required = user_required(f);
    let hint = match f.cardinality {
        Cardinality::Repeated => format!("list[{base}]"),
        Cardinality::Map => format!("dict[str, {base}]"),
        _ if has_presence(f) && !required => format!("{base} | None"),
        _ => base,
    };
    let default = match (&f.cardinality, &f.default) {
        _ if required => None,
        (Cardinality::Repeated, _) => Some("dataclasses.field(default_factory=list)".to_string()),
        (Cardinality::Map, _) => Some("dataclasses.field(default_factory=dict)".to_string()),
        (_, Some(value)) => Some(default_literal(plugin, &f.ty, value)),
        _ if has_presence(f) => Some("None".to_string()),
        _ => Some(zero_literal(plugin, &f.ty)),
    };
    FieldDecl { name: f.python_name.clone(), hint, default }
}

fn zero_literal(plugin: &Plugin, ty: &FieldType) -> String {
    match ty {
        FieldType::String => "\"\"".into(),
        FieldType::Bool => "False".into(),
        FieldType::Float | FieldType::Double => "0.0".into(),
        FieldType::Bytes => "b\"\"".into(),
        FieldType::Enum(n) => zero_member(plugin, n),
        FieldType::Message(_) | FieldType::Duration => "None".into(),
        _ => "0".into(),
    }
}

fn default_literal(plugin: &Plugin, ty: &FieldType, value: &serde_json::Value) -> String {
    match (ty, value) {
        (FieldType::Enum(n), serde_json::Value::String(v)) => member_for(plugin, n, v),
        (_, serde_json::Value::String(s)) => py_str(s),
        (_, serde_json::Value::Bool(b)) => if *b { "True" } else { "False" }.to_string(),
        (FieldType::Float | FieldType::Double, serde_json::Value::Number(n)) => {
            let x = n.as_f64().unwrap_or_default();
            if x.fract() == 0.0 && x.abs() < 1e15 { format!("{x:.1}") } else { format!("{x:?}") }
        }
        (_, other) => other.to_string(),
    }
}

/// Whether a single (non-presence) value counts as set, as a Python condition.
fn set_condition(plugin: &Plugin, f: &Field, value: &str) -> String {
    match (&f.cardinality, &f.ty) {
        (Cardinality::Repeated | Cardinality::Map, _) => value.to_string(),
        _ if has_presence(f) => format!("{value} is not None"),
        (_, FieldType::Enum(n)) => format!("{value} is not {}", zero_member(plugin, n)),
        _ => value.to_string(),
    }
}

fn as_bool(condition: &str) -> String {
    if condition.contains(" is ") { condition.to_string() } else { format!("bool({condition})") }
}

/// The type check of one value: what `validate` runs before any rule, so a wrong type is reported
/// at its field instead of failing later inside `to_dict` or on the backend.
fn expect(plugin: &Plugin, ty: &FieldType, value: &str, path: &str, optional: bool) -> String {
    let opt = if optional { ", optional=True" } else { "" };
    match ty {
        FieldType::Int32 => format!("_support.expect_int({path}, {value}, \"int32\"{opt})"),
        FieldType::Int64 => format!("_support.expect_int({path}, {value}, \"int64\"{opt})"),
        FieldType::Uint32 => format!("_support.expect_int({path}, {value}, \"uint32\"{opt})"),
        FieldType::Uint64 => format!("_support.expect_int({path}, {value}, \"uint64\"{opt})"),
        FieldType::Float | FieldType::Double => format!("_support.expect_float({path}, {value}{opt})"),
        other => format!("_support.expect({path}, {value}, {}{opt})", scalar_hint(plugin, other)),
    }
}

/// Checks of one string: length bounds, pattern and Kubernetes value type.
fn string_rules(v: &Validation, value: &str, path: &str) -> Vec<String> {
    let mut out = key_rules(v, value, path);
    out.extend(kind_rule(v, value, path));
    out
}

/// Checks of a map key: length bounds and pattern.
fn key_rules(v: &Validation, value: &str, path: &str) -> Vec<String> {
    let mut out = Vec::new();
    if v.min_len.is_some() || v.max_len.is_some() {
        out.push(format!("_support.length({path}, {value}, {}, {})", py_opt_u32(v.min_len), py_opt_u32(v.max_len)));
    }
    if let Some(p) = &v.pattern {
        out.push(format!("_support.pattern({path}, {value}, {})", py_str(p)));
    }
    out
}

/// The Kubernetes value type check, as the backend's `validate::k8s`.
fn kind_rule(v: &Validation, value: &str, path: &str) -> Option<String> {
    let kind = serde_json::to_value(v.kind?).ok()?;
    Some(format!("_support.k8s_value({path}, {value}, {kind})"))
}

fn indent(lines: Vec<String>, by: usize) -> Vec<String> {
    let pad = " ".repeat(by);
    lines.into_iter().map(|l| format!("{pad}{l}")).collect()
}

fn block(head: String, body: Vec<String>) -> Vec<String> {
    if body.is_empty() {
        return Vec::new();
    }
    let mut out = vec![head];
    out.extend(indent(body, 4));
    out
}

/// The statements `validate` runs for one field, mirroring the backend's checks: rules apply only
/// to set values, except that a number with a declared default is checked even at zero (zero can
/// then only be the user's explicit choice, which the backend would silently replace).
fn field_checks(plugin: &Plugin, m: &Message, f: &Field) -> Vec<String> {
    let v = &f.validation;
    let value = format!("self.{}", f.python_name);
    let set = set_condition(plugin, f, &value);
    let mut out = vec![format!("p = _support.join(path, {})", py_str(&f.python_name))];
    let mut gated = Vec::new();
    let mut items = Vec::new();

    match f.cardinality {
        Cardinality::Repeated => out.push(format!("_support.expect_list(p, {value})")),
        Cardinality::Map => out.push(format!("_support.expect_map(p, {value})")),
        _ => out.push(expect(plugin, &f.ty, &value, "p", has_presence(f))),
    }
    // A field the backend fills from its context (`default_from`) may be left unset here: only
    // the backend knows whether the context holds a value.
    if v.required && f.default_from.is_none() {
        out.push(format!("_support.required(p, {})", as_bool(&set)));
    }

    match f.cardinality {
        Cardinality::Repeated | Cardinality::Map => {
            if v.min.is_some() || v.max.is_some() {
                gated.push(format!("_support.count(p, {value}, {}, {})", py_opt_number(v.min), py_opt_number(v.max)));
            }
        }
        _ => match &f.ty {
            FieldType::String => gated.extend(string_rules(v, &value, "p")),
            t if t.is_number() => {
                if v.min.is_some() || v.max.is_some() {
                    let check = format!("_support.number_range(p, {value}, {}, {})", py_opt_number(v.min), py_opt_number(v.max));
                    if f.default.is_some() && f.cardinality == Cardinality::Single { out.push(check) } else { gated.push(check) }
                }
                if let Some(other) = &v.at_least_field {
                    let o = m.fields.iter().find(|x| &x.name == other).expect("lowering checked at_least_field");
                    let ov = format!("self.{}", o.python_name);
                    gated.extend(block(
                        format!("if {}:", set_condition(plugin, o, &ov)),
                        vec![format!("_support.at_least(p, {value}, {}, {ov})", py_str(&o.python_name))],
                    ));
                }
            }
            FieldType::Enum(_) => out.push(format!("_support.enum_target(p, {value}, target)")),
            FieldType::Message(_) => gated.push(format!("{value}.validate(p, target, container)")),
            _ => {}
        },
    }

    let unsupported: Vec<String> = f
        .placements
        .iter()
        .filter(|(_, p)| p.path.is_none())
        .map(|(target, p)| format!("{}: {}", py_str(target), py_str(&p.note)))
        .collect();
    if !unsupported.is_empty() {
        // A field no target takes is refused even when the config is checked for no target in particular.
        let everywhere = if unsupported.len() == plugin.targets.len() { ", everywhere=True" } else { "" };
        gated.push(format!("_support.unsupported_field(p, target, {{{}}}{everywhere})", unsupported.join(", ")));
    }

    // Each loop has its own element name: a type checker gives one name one type per function.
    let item = format!("{}_item", f.python_name);
    match f.cardinality {
        Cardinality::Repeated => {
            items.push("q = f\"{p}[{i}]\"".to_string());
            items.push(expect(plugin, &f.ty, &item, "q", false));
            match &f.ty {
                FieldType::String => items.extend(string_rules(v, &item, "q")),
                FieldType::Enum(_) => items.push(format!("_support.enum_target(q, {item}, target)")),
                FieldType::Message(_) => items.push(format!("{item}.validate(q, target, container)")),
                _ => {}
            }
        }
        Cardinality::Map => {
            items.push("q = f\"{p}[{key!r}]\"".to_string());
            items.push("_support.expect(q, key, str)".to_string());
            items.push(expect(plugin, &f.ty, &item, "q", false));
            // Length bounds apply to keys and values, a pattern to keys only and a Kubernetes
            // value type to values only (as on the backend).
            items.extend(key_rules(v, "key", "q"));
            if f.ty == FieldType::String {
                items.extend(kind_rule(v, &item, "q"));
            }
            match &f.ty {
                FieldType::String if v.min_len.is_some() || v.max_len.is_some() => items.push(format!(
                    "_support.length(q, {item}, {}, {})",
                    py_opt_u32(v.min_len),
                    py_opt_u32(v.max_len)
                )),
                FieldType::Enum(_) => items.push(format!("_support.enum_target(q, {item}, target)")),
                FieldType::Message(_) => items.push(format!("{item}.validate(q, target, container)")),
                _ => {}
            }
        }
        _ => {}
    }

    out.extend(block(format!("if {set}:"), gated));
    match f.cardinality {
        Cardinality::Repeated => out.extend(block(format!("for i, {item} in enumerate({value}):"), items)),
        Cardinality::Map => out.extend(block(format!("for key, {item} in {value}.items():"), items)),
        _ => {}
    }
    for list in &v.keys_not_in {
        let l = m.fields.iter().find(|x| &x.name == list).expect("lowering checked keys_not_in");
        out.push(format!("_support.keys_not_in(p, {value}, self.{}, {})", l.python_name, py_str(&l.python_name)));
    }
    out
}

/// proto3 JSON of one value of a field's type.
fn encode(ty: &FieldType, value: &str) -> String {
    match ty {
        FieldType::Float | FieldType::Double => format!("_support.double({value})"),
        FieldType::Bytes => format!("_support.base64_text({value})"),
        FieldType::Duration => format!("_support.duration_text({value})"),
        FieldType::Enum(_) => format!("{value}.value"),
        FieldType::Message(_) => format!("{value}.to_dict()"),
        FieldType::Int32 | FieldType::Int64 | FieldType::Uint32 | FieldType::Uint64 => format!("int({value})"),
        FieldType::String | FieldType::Bool => value.to_string(),
    }
}

fn to_dict_lines(plugin: &Plugin, f: &Field) -> Vec<String> {
    let value = format!("self.{}", f.python_name);
    let key = py_str(&f.json_name);
    let plain = matches!(f.ty, FieldType::String | FieldType::Bool);
    let expr = match f.cardinality {
        Cardinality::Repeated if plain => format!("list({value})"),
        Cardinality::Repeated => format!("[{} for item in {value}]", encode(&f.ty, "item")),
        Cardinality::Map if plain => format!("dict({value})"),
        Cardinality::Map => format!("{{key: {} for key, item in {value}.items()}}", encode(&f.ty, "item")),
        _ => encode(&f.ty, &value),
    };
    vec![format!("if {}:", set_condition(plugin, f, &value)), format!("    out[{key}] = {expr}")]
}

/// The declared rules of a field in words, for its docstring entry.
fn rules_text(f: &Field) -> String {
    let v = &f.validation;
    let collection = matches!(f.cardinality, Cardinality::Repeated | Cardinality::Map);
    let mut parts = Vec::new();
    if v.required && f.default_from.is_some() {
        parts.push("required: when it is unset the backend fills it, or fails naming the other ways to give it".to_string());
    } else if v.required {
        parts.push("required".to_string());
    }
    // `unit` is (singular, plural), chosen by the number it follows.
    let span = |low: Option<String>, high: Option<String>, unit: (&str, &str)| {
        let unit = |n: &str| if n == "1" { unit.0.to_string() } else { unit.1.to_string() };
        match (low, high) {
            (Some(a), Some(b)) => Some(format!("{a} to {b}{}", unit(&b))),
            (Some(a), None) => Some(format!("at least {a}{}", unit(&a))),
            (None, Some(b)) => Some(format!("at most {b}{}", unit(&b))),
            (None, None) => None,
        }
    };
    let entries = if collection { (" entry", " entries") } else { ("", "") };
    parts.extend(span(v.min.map(py_number), v.max.map(py_number), entries));
    let whose = match f.cardinality {
        Cardinality::Map => "keys and values of ",
        Cardinality::Repeated => "each ",
        _ => "",
    };
    parts.extend(
        span(v.min_len.map(|n| n.to_string()), v.max_len.map(|n| n.to_string()), (" character", " characters"))
            .map(|s| format!("{whose}{s}")),
    );
    if let Some(p) = &v.pattern {
        let what = match f.cardinality {
            Cardinality::Map => "keys match",
            Cardinality::Repeated => "each matches",
            _ => "matches",
        };
        parts.push(format!("{what} `{p}`"));
    }
    if let Some(other) = &v.at_least_field {
        parts.push(format!("at least `{other}`"));
    }
    if let Some(kind) = v.kind {
        let whose = if f.cardinality == Cardinality::Map { "values are " } else { "" };
        parts.push(format!("{whose}{}", kind.describe()));
    }
    if !v.keys_not_in.is_empty() {
        let lists: Vec<String> = v.keys_not_in.iter().map(|l| format!("`{l}`")).collect();
        parts.push(format!("keys not named in {}", lists.join(", ")));
    }
    parts.join("; ")
}

fn message_view(plugin: &Plugin, m: &Message) -> MessageView {
    let mut text = if m.doc.is_empty() { format!("`{}`.", m.full_name) } else { m.doc.clone() };
    // Backend-only fields are not part of the SDK: the backend fills them.
    let fields: Vec<&Field> = m.fields.iter().filter(|f| !f.backend_only).collect();
    if !fields.is_empty() {
        text.push_str("\n\nAttributes:");
        for f in &fields {
            let mut doc = paragraphs(&f.doc);
            if doc.is_empty() {
                doc.push("(undocumented)".to_string());
            }
            let rules = rules_text(f);
            if !rules.is_empty() {
                doc.push(format!("Rules: {rules}."));
            }
            for (target, p) in &f.placements {
                if p.path.is_none() {
                    let note = if p.note.is_empty() { String::new() } else { format!(": {}", p.note.trim_end_matches('.')) };
                    doc.push(format!("Not supported by target `{target}`{note}."));
                }
            }
            text.push('\n');
            text.push_str(&doc_item(&f.python_name, &doc));
        }
    }
    if !m.rules.is_empty() {
        text.push_str("\n\nRules between fields (checked by `validate`, and by the backend):");
        for rule in &m.rules {
            text.push('\n');
            text.push_str(&doc_item(&rule.name, std::slice::from_ref(&rule.message)));
        }
    }
    let mut validate = Vec::new();
    let mut to_dict = Vec::new();
    for f in &fields {
        validate.extend(field_checks(plugin, m, f));
        to_dict.extend(to_dict_lines(plugin, f));
    }
    // After the fields' own checks, so every value a rule reads has its declared type.
    validate.extend(super::python_rules::rule_checks(plugin, m));
    MessageView {
        name: m.type_name.clone(),
        docstring: docstring(&text, 4),
        fields: fields.iter().map(|f| field_decl(plugin, f)).collect(),
        validate: indent(validate, 8),
        to_dict: indent(to_dict, 8),
        rules: format!("({})", m.rules.iter().map(|r| format!("{}, ", py_str(&r.name))).collect::<String>().trim_end()),
    }
}

// ---------------------------------------------------------------------------------------------
// tasks.py

/// The flytekit type of an interface variable.
fn flyte_type(t: &FlyteType) -> String {
    match t {
        FlyteType::Simple { simple } => match simple {
            SimpleType::String => "str",
            SimpleType::Integer => "int",
            SimpleType::Float => "float",
            SimpleType::Boolean => "bool",
            SimpleType::Struct => "dict",
        }
        .to_string(),
        FlyteType::Blob { format, multipart } => {
            let class = if *multipart { "FlyteDirectory" } else { "FlyteFile" };
            if format.is_empty() { class.to_string() } else { format!("{class}[{}]", py_str(format)) }
        }
    }
}

/// The flytekit type as a Python expression: a blob format goes through `_base.with_format`, since
/// `FlyteFile["csv"]` reads to a type checker as a forward reference to a name `csv`.
fn flyte_type_expr(t: &FlyteType) -> String {
    match t {
        FlyteType::Blob { format, multipart } if !format.is_empty() => {
            let class = if *multipart { "FlyteDirectory" } else { "FlyteFile" };
            format!("with_format({class}, {})", py_str(format))
        }
        other => flyte_type(other),
    }
}

fn describe_flyte_type(t: &FlyteType) -> String {
    match t {
        FlyteType::Blob { format, .. } if !format.is_empty() => format!("{}, format `{format}`", flyte_type(&strip_format(t))),
        other => flyte_type(other),
    }
}

fn strip_format(t: &FlyteType) -> FlyteType {
    match t {
        FlyteType::Blob { multipart, .. } => FlyteType::Blob { format: String::new(), multipart: *multipart },
        other => other.clone(),
    }
}

/// Context values that need the task's container (image or command) make a task type able to run
/// another task's container, when it does not run its own.
fn accepts_container_task(t: &TaskType) -> bool {
    !t.runs_task_container
        && t.resources.iter().flat_map(|r| &r.context).any(|c| c.source == ContextSource::ContainerImage)
}

fn python_field<'a>(plugin: &'a Plugin, message: &str, proto_name: &str) -> &'a Field {
    plugin
        .message(message)
        .fields
        .iter()
        .find(|f| f.name == proto_name)
        .unwrap_or_else(|| panic!("generator bug: field {proto_name} not in {message}"))
}

fn tasks_py(plugin: &Plugin, header: &str) -> TasksPy {
    let mut tasks = Vec::new();
    let mut model_imports = Vec::new();
    let mut types_used = Vec::new();
    for t in &plugin.task_types {
        let config = plugin.message(&t.message).type_name.clone();
        model_imports.push(config.clone());
        let mut inputs = Vec::new();
        let mut doc_inputs = Vec::new();
        for i in &t.inputs {
            let ty = flyte_type_expr(&i.ty);
            types_used.push(flyte_type(&i.ty));
            let required = if i.required { "True" } else { "False" };
            let optional = if i.required { "" } else { ", optional" };
            match (&i.name, &i.per_element_of, &i.name_field) {
                (Some(name), _, _) => {
                    inputs.push(format!("Input({}, {ty}, required={required})", py_str(name)));
                    doc_inputs.push(doc_item(&format!("{name} ({}{optional})", describe_flyte_type(&i.ty)), &paragraphs(&i.doc)));
                }
                (None, Some(list), Some(name_field)) => {
                    let list_field = python_field(plugin, &t.message, list);
                    let FieldType::Message(element) = &list_field.ty else { panic!("generator bug: per_element_of {list} is not a message list") };
                    let name_field = python_field(plugin, element, name_field);
                    inputs.push(format!(
                        "ElementInputs({}, {}, {ty}, required={required})",
                        py_str(&list_field.python_name),
                        py_str(&name_field.python_name)
                    ));
                    doc_inputs.push(doc_item(
                        &format!(
                            "<one per element of `config.{}`, named by its `{}`> ({}{optional})",
                            list_field.python_name,
                            name_field.python_name,
                            describe_flyte_type(&i.ty)
                        ),
                        &paragraphs(&i.doc),
                    ));
                }
                _ => panic!("generator bug: input without a name or element list"),
            }
        }
        let outputs: Vec<(String, String)> = t.outputs.iter().map(|o| (py_str(&o.name), flyte_type_expr(&o.ty))).collect();
        types_used.extend(t.outputs.iter().map(|o| flyte_type(&o.ty)));
        let accepts = accepts_container_task(t);
        let container_parameters: Vec<String> = t
            .container_parameters
            .iter()
            .map(|p| {
                let list = python_field(plugin, &t.message, &p.field);
                let FieldType::Message(element) = &list.ty else { panic!("generator bug: container_parameters {} is not a message list", p.field) };
                let name = python_field(plugin, element, &p.name_field);
                let kind = match p.ty {
                    SimpleType::Float => "float",
                    SimpleType::Integer => "int",
                    _ => "str",
                };
                let values = p.values_field.as_ref().map_or_else(String::new, |v| format!(", {}", py_str(&python_field(plugin, element, v).python_name)));
                format!("ContainerParameters({}, {}, {kind}{values})", py_str(&list.python_name), py_str(&name.python_name))
            })
            .collect();

        let mut text = if t.doc.is_empty() { format!("Task type `{}`.", t.name) } else { t.doc.clone() };
        if t.runs_task_container {
            text.push_str(&format!(
                "\n\nDeclare it on a function with `@task(task_config={config}(...))`. The function runs in the task's \
                 own container inside the job; its inputs and outputs are the function's, plus any inputs listed below \
                 that it does not take itself (those only feed the job's configuration). The task template carries \
                 task type `{}` (version {}), the config's `to_dict()` as `custom` and the usual container.",
                t.name, t.version
            ));
        } else {
            text.push_str(&format!(
                "\n\nThe backend runs it from its config alone: the task template carries task type `{}` (version {}) \
                 and the config's `to_dict()` as `custom`. It cannot run locally; mock it in local tests \
                 (`flytekit.testing.task_mock`).",
                t.name, t.version
            ));
        }
        if accepts {
            text.push_str(
                "\n\nPass `container_task=` a task declared with the config of a task type that runs its own container \
                 to have the job run that task's image and command: the template then carries that task's container, \
                 and this task also takes that task's inputs.",
            );
        }
        if !doc_inputs.is_empty() {
            text.push_str("\n\nInputs:\n");
            text.push_str(&doc_inputs.join("\n"));
        }
        if !t.outputs.is_empty() {
            text.push_str("\n\nOutputs:\n");
            let lines: Vec<String> =
                t.outputs.iter().map(|o| doc_item(&format!("{} ({})", o.name, describe_flyte_type(&o.ty)), &paragraphs(&o.doc))).collect();
            text.push_str(&lines.join("\n"));
        }
        tasks.push(TaskView {
            class: t.python_class.clone(),
            base: if t.runs_task_container { "ContainerPayloadTask" } else { "PayloadTask" },
            config,
            docstring: docstring(&text, 4),
            task_type: py_str(&t.name),
            version: t.version,
            inputs,
            outputs,
            accepts_container_task: accepts,
            runs_task_container: t.runs_task_container,
            container_parameters,
        });
    }
    model_imports.sort();
    model_imports.dedup();

    let mut flytekit_imports = Vec::new();
    if types_used.iter().any(|t| t.starts_with("FlyteDirectory")) {
        flytekit_imports.push("from flytekit.types.directory import FlyteDirectory".to_string());
    }
    if types_used.iter().any(|t| t.starts_with("FlyteFile")) {
        flytekit_imports.push("from flytekit.types.file import FlyteFile".to_string());
    }
    if tasks.iter().any(|t| t.runs_task_container) {
        flytekit_imports.insert(0, "from flytekit.core.task import TaskPlugins".to_string());
    }
    // Sorted as isort wants: `python_function_task` before `task`.
    if tasks.iter().any(|t| t.accepts_container_task) {
        flytekit_imports.insert(0, "from flytekit.core.python_function_task import PythonFunctionTask".to_string());
    }
    let mut base_imports = Vec::new();
    if tasks.iter().any(|t| !t.container_parameters.is_empty()) {
        base_imports.push("ContainerParameters");
    }
    if tasks.iter().any(|t| t.runs_task_container) {
        base_imports.push("ContainerPayloadTask");
    }
    if tasks.iter().flat_map(|t| &t.inputs).any(|i| i.starts_with("ElementInputs(")) {
        base_imports.push("ElementInputs");
    }
    if tasks.iter().flat_map(|t| &t.inputs).any(|i| i.starts_with("Input(")) {
        base_imports.push("Input");
    }
    if tasks.iter().any(|t| !t.runs_task_container) {
        base_imports.push("PayloadTask");
    }
    if types_used.iter().any(|t| t.contains('[')) {
        base_imports.push("with_format");
    }
    let text = format!(
        "Flyte task classes of the `{}` plugin: one per task type of `{}`.\n\n\
         Each class declares its interface (`INPUTS`, `OUTPUTS`) as the model does; the generic behaviour lives \
         in `_base`.",
        plugin.name, plugin.source
    );
    let uses_contract = plugin.container.is_some() && tasks.iter().any(|t| t.runs_task_container);
    TasksPy { header: header.to_string(), docstring: docstring(&text, 0), uses_contract, flytekit_imports, base_imports, model_imports, tasks }
}

// ---------------------------------------------------------------------------------------------
// entrypoint.py

/// Every distinct way a job container receives the task command, in model order.
fn command_sources(plugin: &Plugin) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for c in plugin.task_types.iter().flat_map(|t| &t.resources).flat_map(|r| &r.context) {
        if c.source != ContextSource::ContainerCommand {
            continue;
        }
        let tuple = format!("({}, {}, {})", py_str(&c.key_prefix), c.chunk_size, py_str(&c.container_file));
        if !out.contains(&tuple) {
            out.push(tuple);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docstrings_escape_what_would_end_or_break_them() {
        assert_eq!(docstring(r"matches `\d+`", 0), r#""""matches `\\d+`""""#);
        assert_eq!(docstring(r#"say """hi""""#, 4), r#"    """say \"\"\"hi\"\"\"""""#);
        assert_eq!(docstring(r#"ends in \""#, 0), r#""""ends in \\\"""""#);
        assert_eq!(docstring("quoted \"x\"", 0), r#""""quoted "x\"""""#);
    }

    #[test]
    fn long_generated_lines_wrap_at_their_indentation() {
        let line = format!("* {}", "word ".repeat(30));
        let wrapped = wrap_line(&line, 40);
        assert!(wrapped.len() > 1);
        assert!(wrapped.iter().all(|l| l.chars().count() <= 40));
        assert!(wrapped[1..].iter().all(|l| l.starts_with("  word")));
        // Lines that fit (proto comments arrive wrapped) are left as they are.
        assert_eq!(wrap_line("short", 3), vec!["short".to_string()]);
    }

    #[test]
    fn python_literals() {
        assert_eq!(py_str("a\"b\\c\n"), r#""a\"b\\c\n""#);
        assert_eq!(py_number(1.0), "1");
        assert_eq!(py_number(1e-7), "1e-7");
        assert_eq!(py_number(0.3), "0.3");
    }
}
