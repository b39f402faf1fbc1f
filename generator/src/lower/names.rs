//! The names pass: every identifier an emitter writes is computed here, once, into the model
//! (Rust items as prost-build names them, Python classes, attributes and members, module and
//! file names), then checked for validity and uniqueness. A clash is one diagnostic labelling
//! both declarations. Emitters read these names and invent none.

use std::collections::BTreeMap;

use heck::{ToShoutySnakeCase, ToSnakeCase};
use miette::SourceSpan;
use prost_reflect::{DescriptorPool, EnumDescriptor, MessageDescriptor};

use super::{EXT_PLUGIN, EXT_TASK, FILE_OPTIONS, FileCx, MESSAGE_OPTIONS};
use crate::diagnostics::{Locator, ProtoError, Sources};
use crate::idents::{self, *};
use crate::model::*;

/// One namespace of generated names: the first declaration of a name wins, a later one is a
/// diagnostic at both.
struct Namespace {
    /// What the names are, for messages: "Rust type in `model.rs`".
    what: String,
    first: BTreeMap<String, (SourceSpan, String)>,
}

impl Namespace {
    fn new(what: impl Into<String>) -> Self {
        Self { what: what.into(), first: BTreeMap::new() }
    }

    /// Claims `name` for `owner` (a proto element, for the message) declared at `span`.
    fn claim(&mut self, cx: &mut FileCx<'_>, name: &str, owner: &str, span: SourceSpan) {
        match self.first.get(name) {
            Some((first_span, first_owner)) if first_owner != owner => {
                let e = cx
                    .loc
                    .error(span, format!("`{first_owner}` and `{owner}` would both be `{name}`, {}", self.what), "second declaration")
                    .with_also(*first_span, "first declaration")
                    .with_help("rename one of them");
                cx.errors.push(e);
            }
            Some(_) => {}
            None => {
                self.first.insert(name.to_string(), (span, owner.to_string()));
            }
        }
    }
}

/// The message for a Rust name syn refuses. heck drops every `_`, so a proto name of
/// underscores alone (`_`, `__`) gets an empty one; no other proto name gets a name syn refuses
/// (`names::unreachable` proves it), so the second form is defence.
fn rust_name_error(owner: &str, proto_name: &str, kind: &str, rust: &str) -> String {
    if rust.is_empty() {
        format!("{owner} would have an empty name as {kind}: `{proto_name}` has no letter or digit, and prost-build drops every `_`")
    } else {
        format!("{owner} would be {kind} `{rust}`, which is not an identifier")
    }
}

/// `pkg.Outer.Inner` -> `OuterInner`: the Python package has one flat namespace per plugin.
pub(super) fn type_name(full_name: &str, package: &str) -> String {
    relative(full_name, package).split('.').collect()
}

fn relative<'a>(full_name: &'a str, package: &str) -> &'a str {
    full_name.strip_prefix(package).map_or(full_name, |s| s.trim_start_matches('.'))
}

/// `pkg.Outer.Inner` -> `["outer", "Inner"]`: prost-build nests a message's types in a module
/// named after it.
pub(super) fn rust_path(full_name: &str, package: &str) -> Vec<String> {
    let parts: Vec<&str> = relative(full_name, package).split('.').collect();
    let (last, outer) = parts.split_last().expect("a full name has a last part");
    outer.iter().map(|m| idents::rust_snake(m)).chain([idents::rust_camel(last)]).collect()
}

/// The local a set sub-message is bound to in generated Rust: its field name, unless the emitter
/// binds that name itself (`job`, `object`, `item1`, ...).
pub(super) fn rust_binding(rust_name: &str) -> String {
    let plain = rust_name.strip_prefix("r#").unwrap_or(rust_name);
    let numbered = ["item", "element", "i"].iter().any(|p| plain.strip_prefix(p).is_some_and(|d| d.chars().all(|c| c.is_ascii_digit())));
    if RUST_LOCALS.contains(&plain) || numbered { format!("{plain}_field") } else { rust_name.to_string() }
}

/// The items a task module defines for target `id`: `build_ack`, `LOG_LINKS_ACK`, ...
pub(super) fn target_items(id: &str) -> TargetItems {
    let snake = id.to_snake_case();
    let shouty = id.to_shouty_snake_case();
    TargetItems {
        build_fn: format!("build_{snake}"),
        interpret_fn: format!("interpret_{snake}"),
        phase_fn: format!("phase_{snake}"),
        log_links_const: format!("LOG_LINKS_{shouty}"),
        outputs_const: format!("OUTPUTS_{shouty}"),
    }
}

/// The task's module in the generated crate: the payload message's name in snake case.
pub(super) fn task_module(message_full_name: &str) -> String {
    idents::rust_snake(message_full_name.rsplit('.').next().unwrap_or(message_full_name))
}

/// Python members drop the prefix proto style guides put on enum values (`INPUT_MODE_FILE` in
/// `InputMode` becomes `FILE`), unless that would leave a name Python cannot use or two alike.
pub(super) fn python_members(enum_full_name: &str, values: &[&str]) -> Vec<String> {
    let short = enum_full_name.rsplit('.').next().unwrap_or(enum_full_name);
    let prefix = format!("{}_", short.to_shouty_snake_case());
    let stripped: Vec<String> = values.iter().map(|v| v.strip_prefix(&prefix).unwrap_or(v).to_string()).collect();
    let usable = stripped.iter().all(|n| n.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_'));
    let unique = {
        let mut sorted = stripped.clone();
        sorted.sort();
        sorted.dedup();
        sorted.len() == stripped.len()
    };
    let names = if usable && unique { stripped } else { values.iter().map(|v| v.to_string()).collect() };
    names.into_iter().map(|n| idents::python(&n)).collect()
}

/// The Rust getters and setters prost-build adds to a message for `field`: enum fields get
/// `name()` and `set_name()` (`push_name()` when repeated), proto3 `optional` scalars `name()`.
fn prost_methods(field: &Field) -> Vec<String> {
    let plain = field.rust_name.strip_prefix("r#").unwrap_or(&field.rust_name);
    match (&field.ty, &field.cardinality) {
        (FieldType::Enum(_), Cardinality::Repeated) => vec![field.rust_name.clone(), format!("push_{plain}")],
        (FieldType::Enum(_), Cardinality::Map) => Vec::new(),
        (FieldType::Enum(_), _) => vec![field.rust_name.clone(), format!("set_{plain}")],
        (FieldType::Message(_) | FieldType::Duration, _) => Vec::new(),
        (_, Cardinality::Optional) => vec![field.rust_name.clone()],
        _ => Vec::new(),
    }
}

impl FileCx<'_> {
    fn pool(&self) -> DescriptorPool {
        self.file.parent_pool().clone()
    }

    fn message_span(&self, full_name: &str) -> SourceSpan {
        let short = full_name.rsplit('.').next().unwrap_or(full_name);
        match self.pool().get_message_by_name(full_name) {
            Some(m) => self.loc.narrow(self.loc.span(m.path()), short),
            None => self.enum_span(full_name),
        }
    }

    fn enum_span(&self, full_name: &str) -> SourceSpan {
        let short = full_name.rsplit('.').next().unwrap_or(full_name);
        let e: Option<EnumDescriptor> = self.pool().get_enum_by_name(full_name);
        e.map_or(SourceSpan::from(0..0), |e| self.loc.narrow(self.loc.span(e.path()), short))
    }

    fn field_span(&self, message: &str, field: &str) -> SourceSpan {
        let m: Option<MessageDescriptor> = self.pool().get_message_by_name(message);
        match m.and_then(|m| m.get_field_by_name(field)) {
            Some(f) => self.loc.narrow(self.loc.span(f.path()), field),
            None => self.message_span(message),
        }
    }

    fn value_span(&self, enum_name: &str, value: &str) -> SourceSpan {
        match self.pool().get_enum_by_name(enum_name).and_then(|e| e.get_value_by_name(value)) {
            Some(v) => self.loc.narrow(self.loc.span(v.path()), value),
            None => self.enum_span(enum_name),
        }
    }

    fn task_span(&self, task: &TaskType, needle: &str) -> SourceSpan {
        match self.pool().get_message_by_name(&task.message) {
            Some(m) => {
                let mut path = m.path().to_vec();
                path.extend([MESSAGE_OPTIONS, EXT_TASK]);
                self.loc.narrow(self.loc.span(&path), needle)
            }
            None => SourceSpan::from(0..0),
        }
    }

    fn bad_name(&mut self, span: SourceSpan, message: String, label: &str) {
        let e = self.loc.error(span, message, label.to_string()).with_help("rename it in the .proto");
        self.errors.push(e);
    }

    /// Checks every generated name of `plugin` for validity and uniqueness.
    pub(super) fn check_names(&mut self, plugin: &Plugin) {
        self.check_type_names(plugin);
        for m in &plugin.messages {
            self.check_field_names(plugin, m);
        }
        for e in &plugin.enums {
            self.check_member_names(e);
        }
        self.check_task_names(plugin);
        let plugin_span = self.loc.span(&[FILE_OPTIONS, EXT_PLUGIN]);
        if PYTHON_IMPORTED_MODULES.contains(&plugin.python_package.as_str()) || PYTHON_KEYWORDS.contains(&plugin.python_package.as_str()) {
            let s = self.loc.narrow(plugin_span, &format!("\"{}\"", plugin.python_package));
            self.bad_name(s, format!("python_package `{}` is a Python keyword or a module the package imports", plugin.python_package), "shadows a Python module");
        }
        let mut items = Namespace::new("a Rust item of each task module");
        for t in &plugin.targets {
            let s = self.loc.narrow(plugin_span, &format!("\"{}\"", t.id));
            items.claim(self, &t.rust.build_fn, &format!("target {}", t.id), s);
        }
    }

    fn check_type_names(&mut self, plugin: &Plugin) {
        let mut python = Namespace::new("a Python class");
        let mut rust = Namespace::new("a Rust type in `model.rs`");
        let types = plugin
            .messages
            .iter()
            .map(|m| (&m.full_name, &m.type_name, &m.rust_path))
            .chain(plugin.enums.iter().map(|e| (&e.full_name, &e.type_name, &e.rust_path)));
        for (full, py, rs) in types {
            let span = self.message_span(full);
            if !is_python_ident(py) || py.starts_with('_') || PYTHON_MODULE_SCOPE.contains(&py.as_str()) {
                self.bad_name(span, format!("`{full}` would be the Python class `{py}`, a keyword or a name the package uses"), "not a usable Python class name");
                continue;
            }
            // Reached by a nested message or enum named by underscores alone (`message _` in
            // `Job`: Python's `Job_` is fine, Rust's `job::` + empty is not; fixture 139). A
            // top-level one fails the Python check above first. Only the last part is judged
            // here: an outer part is the snake case of an enclosing message, which is empty
            // exactly when that message's own camel-case name is, and that one is reported at
            // its own declaration (`names::unreachable` proves both this and that a non-empty
            // name is always an identifier, so the second branch of `rust_name_error` is defence).
            let (last, outer) = rs.split_last().expect("a Rust path has a last part");
            if !is_rust_ident(last) {
                let proto = full.rsplit('.').next().unwrap_or(full);
                self.bad_name(span, rust_name_error(&format!("`{full}`"), proto, "the Rust type", last), "not a usable Rust name");
                continue;
            }
            if outer.iter().any(|s| !is_rust_ident(s)) {
                continue;
            }
            python.claim(self, py, full, span);
            rust.claim(self, &rs.join("::"), full, span);
        }
    }

    fn check_field_names(&mut self, plugin: &Plugin, m: &Message) {
        let mut python = Namespace::new(format!("a Python attribute of `{}`", m.type_name));
        let mut rust = Namespace::new(format!("a Rust field of `{}`", m.rust_path.join("::")));
        let mut methods = Namespace::new(format!("a Rust method of `{}`", m.rust_path.join("::")));
        let enum_classes: Vec<&str> = plugin.enums.iter().map(|e| e.type_name.as_str()).collect();
        for f in &m.fields {
            let span = self.field_span(&m.full_name, &f.name);
            let owner = format!("{}.{}", m.full_name, f.name);
            // Reached by a field named by underscores alone (`string _ = 2;`, fixture 140).
            if !is_rust_ident(&f.rust_name) {
                self.bad_name(span, rust_name_error(&format!("field `{owner}`"), &f.name, "the Rust field", &f.rust_name), "not a usable Rust name");
                continue;
            }
            let py = f.python_name.as_str();
            if py.starts_with("__") || PYTHON_CLASS_SCOPE.contains(&py) || enum_classes.contains(&py) {
                self.bad_name(
                    span,
                    format!("field `{owner}` would be the Python attribute `{py}`, which the dataclass body uses for itself"),
                    "shadows a name of the generated class",
                );
                continue;
            }
            // No .proto reaches either clash: two field names of a message share a Python
            // attribute only as `k` and `k_` (`k` a keyword), and a Rust field only when they are
            // equal without case and underscores (heck only re-cases and moves `_`); protox
            // refuses every such pair first, as it refuses `zone` beside `Zone` (proto3's
            // camel-case rule, and lowering takes proto3 alone). `names::unreachable` proves
            // this against protox's own checker and pins both diagnostics on a crafted model;
            // the checks stay as defence should naming or protox ever change.
            python.claim(self, py, &owner, span);
            rust.claim(self, &f.rust_name, &owner, span);
            for method in prost_methods(f) {
                if RUST_MESSAGE_METHODS.contains(&method.as_str()) {
                    self.bad_name(span, format!("field `{owner}` gets the prost method `{method}`, which the generated checks define"), "clashes with a generated method");
                }
                methods.claim(self, &method, &owner, span);
            }
        }
    }

    fn check_member_names(&mut self, e: &Enum) {
        let mut rust = Namespace::new(format!("a Rust variant of `{}`", e.rust_path.join("::")));
        let mut python = Namespace::new(format!("a Python member of `{}`", e.type_name));
        for v in &e.values {
            let span = self.value_span(&e.full_name, &v.name);
            let owner = format!("{}.{}", e.full_name, v.name);
            // Reached by a value named by underscores alone (`_ = 1;`, fixture 141).
            if !is_rust_ident(&v.rust_variant) {
                self.bad_name(span, rust_name_error(&format!("`{owner}`"), &v.name, "the Rust variant", &v.rust_variant), "not a usable Rust name");
                continue;
            }
            if v.python_member.starts_with('_') || PYTHON_ENUM_SCOPE.contains(&v.python_member.as_str()) {
                self.bad_name(span, format!("`{owner}` would be the Python member `{}`, which `enum.Enum` or the class reserves", v.python_member), "not a usable member name");
                continue;
            }
            // Python members clash only as `k` and `k_` (`k` a keyword, suffixed): `MODE_None`
            // beside `MODE_None_` (fixture 142); protox has no rule against it. Their Rust
            // variants then clash too (heck drops the `_`), so both diagnostics are reported.
            rust.claim(self, &v.rust_variant, &owner, span);
            python.claim(self, &v.python_member, &owner, span);
        }
    }

    fn check_task_names(&mut self, plugin: &Plugin) {
        let mut modules = Namespace::new("a module of the generated crate");
        let mut classes = Namespace::new("a name the Python package exports");
        for m in &plugin.messages {
            classes.first.insert(m.type_name.clone(), (self.message_span(&m.full_name), format!("message {}", m.full_name)));
        }
        for e in &plugin.enums {
            classes.first.insert(e.type_name.clone(), (self.enum_span(&e.full_name), format!("enum {}", e.full_name)));
        }
        for t in &plugin.task_types {
            let span = self.message_span(&t.message);
            let owner = format!("task type {}", t.name);
            if !is_rust_ident(&t.rust_module) || RUST_CRATE_ROOT.contains(&t.rust_module.as_str()) {
                self.bad_name(
                    span,
                    format!("the payload of {owner} would be the module `{}`, which the generated crate already uses or cannot name", t.rust_module),
                    "module name taken",
                );
            } else {
                modules.claim(self, &t.rust_module, &owner, span);
            }
            let class_span = self.task_span(t, &format!("\"{}\"", t.python_class));
            // A python_class that is no identifier at all is reported where the task type is read.
            if !is_python_ident(&t.python_class) {
                continue;
            }
            if PYTHON_MODULE_SCOPE.contains(&t.python_class.as_str()) {
                self.bad_name(class_span, format!("python_class `{}` is a name the package imports", t.python_class), "not a usable class name");
            } else {
                classes.claim(self, &t.python_class, &owner, class_span);
            }
        }
    }
}

pub(super) fn check_unique_across_plugins(plugins: &[Plugin], pool: &DescriptorPool, sources: &Sources, errors: &mut Vec<ProtoError>) {
    let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
    let mut plugin_names: BTreeMap<&str, &str> = BTreeMap::new();
    let mut packages: BTreeMap<&str, &str> = BTreeMap::new();
    for plugin in plugins {
        let Some(file) = pool.get_file_by_name(&plugin.source) else { continue };
        let loc = Locator::new(&file, sources);
        if let Some(first) = plugin_names.insert(&plugin.name, &plugin.source) {
            let span = loc.narrow(loc.span(&[FILE_OPTIONS, EXT_PLUGIN]), &format!("\"{}\"", plugin.name));
            errors.push(loc.error(span, format!("plugin name `{}` is also used by {first}", plugin.name), "duplicate plugin"));
        }
        if let Some(first) = packages.insert(&plugin.python_package, &plugin.source) {
            let span = loc.narrow(loc.span(&[FILE_OPTIONS, EXT_PLUGIN]), &format!("\"{}\"", plugin.python_package));
            errors.push(loc.error(span, format!("python_package `{}` is also used by {first}", plugin.python_package), "duplicate package"));
        }
        for task in &plugin.task_types {
            if let Some(first) = seen.get(task.name.as_str()) {
                let message = pool.get_message_by_name(&task.message).expect("lowered from this pool");
                let mut path = message.path().to_vec();
                path.extend([MESSAGE_OPTIONS, EXT_TASK]);
                let span = loc.narrow(loc.span(&path), &format!("\"{}\"", task.name));
                errors.push(
                    loc.error(span, format!("task type `{}` is declared twice (first by `{first}`)", task.name), "duplicate task type")
                        .with_help("propeller routes by task type name; each must be unique"),
                );
            } else {
                seen.insert(&task.name, &task.message);
            }
        }
    }
}

pub(super) fn is_kebab(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') && !s.starts_with('-')
}

pub(super) fn is_task_type_name(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

/// A target id names overlay folders and Rust items: lower-case letters, digits, `-` and `_`,
/// starting with a letter.
pub(super) fn is_target_id(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_lowercase()) && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

pub(super) fn is_python_identifier(s: &str) -> bool {
    idents::is_python_ident(s)
}

#[cfg(test)]
mod unreachable;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enum_members_drop_the_value_prefix_only_when_safe() {
        assert_eq!(python_members("p.S3DataType", &["S3_DATA_TYPE_UNSPECIFIED", "S3_DATA_TYPE_S3_PREFIX"]), ["UNSPECIFIED", "S3_PREFIX"]);
        assert_eq!(python_members("p.Pull", &["PULL_UNSPECIFIED", "ALWAYS"]), ["UNSPECIFIED", "ALWAYS"]);
        // `1X` is no identifier, so every member keeps its full name.
        assert_eq!(python_members("p.Size", &["SIZE_UNSPECIFIED", "SIZE_1X"]), ["SIZE_UNSPECIFIED", "SIZE_1X"]);
        // Keywords are suffixed.
        assert_eq!(python_members("p.Flag", &["FLAG_None", "FLAG_X"]), ["None_", "X"]);
    }

    #[test]
    fn target_items_and_bindings() {
        assert_eq!(target_items("a-b").build_fn, target_items("a_b").build_fn);
        assert_eq!(target_items("ack").log_links_const, "LOG_LINKS_ACK");
        assert_eq!(rust_binding("object"), "object_field");
        assert_eq!(rust_binding("item2"), "item2_field");
        assert_eq!(rust_binding("r#type"), "r#type");
        assert_eq!(rust_path("p.Outer.Inner", "p"), ["outer", "Inner"]);
        assert_eq!(task_module("p.Model"), "model");
    }
}
