//! Lower: descriptors -> the owned model, with every check a plugin author can fail.
//!
//! Each check reports a [`ProtoError`] at the offending token and lowering goes on, so one run
//! lists every mistake. Nothing is written unless the list ends up empty.

use std::collections::{BTreeMap, BTreeSet};

use miette::SourceSpan;
use prost::Message as _;
use prost_reflect::{
    Cardinality as PbCardinality, DescriptorPool, EnumDescriptor, FieldDescriptor, FileDescriptor, Kind,
    MessageDescriptor,
};

use crate::crpath::{CrPath, Template};
use crate::diagnostics::{Error, Locator, ProtoError, Sources};
use crate::idents;
use crate::load::Loaded;
use crate::model::*;
use crate::options::{self, *};

/// Descriptor path tags (field numbers in descriptor.proto) that lead to an element's options.
const FILE_OPTIONS: i32 = 8;
const MESSAGE_OPTIONS: i32 = 7;
const FIELD_OPTIONS: i32 = 8;
const ENUM_VALUE_OPTIONS: i32 = 3;
const EXT_PLUGIN: i32 = 51000;
const EXT_TASK: i32 = 51001;
const EXT_FIELD: i32 = 51002;
const EXT_VALUE: i32 = 51003;

pub fn lower(loaded: &Loaded) -> Result<Model, Error> {
    let mut errors = Vec::new();
    let mut plugins = Vec::new();
    for name in &loaded.files {
        let Some(file) = loaded.pool.get_file_by_name(name) else { continue };
        let Some(opt) = options::read::<PluginOpt>(&file.options(), options::PLUGIN) else { continue };
        let mut cx = FileCx { file: &file, loc: Locator::new(&file, &loaded.sources), errors: &mut errors };
        if let Some(plugin) = cx.plugin(opt) {
            plugins.push(plugin);
        }
    }
    if plugins.is_empty() && errors.is_empty() {
        return Err(Error::Usage(
            "no plugin found: no .proto file sets `option (flyteplugin.plugin) = {...}`".into(),
        ));
    }
    check_unique_across_plugins(&plugins, &loaded.pool, &loaded.sources, &mut errors);
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    plugins.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(Model { plugins })
}

struct FileCx<'a> {
    file: &'a FileDescriptor,
    loc: Locator<'a>,
    errors: &'a mut Vec<ProtoError>,
}

/// Lowered fields keep the span of their option so later checks can point at it.
struct FieldSpans {
    /// `message.full_name/field` -> span of the field's `(flyteplugin.field)` option, or of the
    /// field itself when it has none.
    by_field: BTreeMap<String, SourceSpan>,
}

impl FileCx<'_> {
    fn err(&mut self, span: SourceSpan, message: impl Into<String>, label: impl Into<String>) {
        let e = self.loc.error(span, message, label);
        self.errors.push(e);
    }

    fn err_help(&mut self, span: SourceSpan, message: impl Into<String>, label: impl Into<String>, help: impl Into<String>) {
        let e = self.loc.error(span, message, label).with_help(help);
        self.errors.push(e);
    }

    fn origin(&self, span: SourceSpan) -> Origin {
        Origin { file: self.file.name().to_string(), offset: span.offset(), len: span.len() }
    }

    fn plugin(&mut self, opt: PluginOpt) -> Option<Plugin> {
        let before = self.errors.len();
        let span = self.loc.span(&[FILE_OPTIONS, EXT_PLUGIN]);
        if !is_kebab(&opt.name) {
            let s = self.loc.narrow(span, "name");
            self.err(s, format!("plugin name `{}` must be kebab-case (a-z, 0-9, -)", opt.name), "plugin name");
        }
        if !is_python_identifier(&opt.python_package) {
            let s = self.loc.narrow(span, &format!("\"{}\"", opt.python_package));
            self.err(s, format!("python_package `{}` is not a Python identifier", opt.python_package), "not an identifier");
        }
        if opt.targets.is_empty() {
            self.err(span, "a plugin needs at least one target", "no `targets`");
        }
        let mut targets = Vec::new();
        let mut seen = BTreeSet::new();
        for t in opt.targets {
            let s = self.loc.narrow(span, &format!("\"{}\"", t.id));
            if t.id.is_empty() || !seen.insert(t.id.clone()) {
                self.err(s, format!("target id `{}` is empty or declared twice", t.id), "target id");
                continue;
            }
            if !t.api_version.contains('/') {
                let s = self.loc.narrow(span, &format!("\"{}\"", t.api_version));
                self.err(s, format!("api_version `{}` must be `group/version`", t.api_version), "not group/version");
            }
            targets.push(Target { id: t.id, title: t.title, api_version: t.api_version, install: t.install });
        }
        let target_ids: Vec<String> = targets.iter().map(|t| t.id.clone()).collect();

        let mut messages = Vec::new();
        let mut enums = Vec::new();
        let mut spans = FieldSpans { by_field: BTreeMap::new() };
        let all_messages: Vec<MessageDescriptor> = self.file.messages().flat_map(nested_messages).collect();
        let all_enums: Vec<EnumDescriptor> = self
            .file
            .enums()
            .chain(all_messages.iter().flat_map(|m| m.child_enums().collect::<Vec<_>>()))
            .collect();
        for message in &all_messages {
            if message.is_map_entry() {
                continue;
            }
            if let Some(m) = self.message(message, &target_ids, &mut spans) {
                messages.push(m);
            }
        }
        for e in &all_enums {
            enums.push(self.enumeration(e, &target_ids));
        }
        self.check_type_names(&all_messages, &all_enums);
        messages.sort_by(|a, b| a.full_name.cmp(&b.full_name));
        enums.sort_by(|a, b| a.full_name.cmp(&b.full_name));

        let mut plugin = Plugin {
            name: opt.name,
            title: opt.title,
            python_package: opt.python_package,
            python_distribution: opt.python_distribution,
            source: self.file.name().to_string(),
            proto_package: self.file.package_name().to_string(),
            targets,
            messages,
            enums,
            task_types: Vec::new(),
            file_descriptor: self.file.file_descriptor_proto().encode_to_vec(),
            descriptor_set: descriptor_set(self.file),
        };
        for message in &all_messages {
            if let Some(topt) = options::read::<TaskOpt>(&message.options(), options::TASK)
                && let Some(task) = self.task_type(message, topt, &plugin, &spans) {
                    plugin.task_types.push(task);
                }
        }
        if plugin.task_types.is_empty() {
            self.err(span, format!("plugin `{}` declares no task type", plugin.name), "no message sets `(flyteplugin.task)`");
        }
        plugin.task_types.sort_by(|a, b| a.name.cmp(&b.name));
        (self.errors.len() == before).then_some(plugin)
    }

    fn check_type_names(&mut self, messages: &[MessageDescriptor], enums: &[EnumDescriptor]) {
        let mut seen: BTreeMap<String, String> = BTreeMap::new();
        let named = messages
            .iter()
            .filter(|m| !m.is_map_entry())
            .map(|m| (type_name(m.full_name(), m.package_name()), m.full_name().to_string(), m.path().to_vec()))
            .chain(enums.iter().map(|e| (type_name(e.full_name(), e.package_name()), e.full_name().to_string(), e.path().to_vec())));
        for (ty, full, path) in named {
            if let Some(other) = seen.get(&ty) {
                let short = full.rsplit('.').next().unwrap_or(&full).to_string();
                let span = self.loc.narrow(self.loc.span(&path), &short);
                self.err(
                    span,
                    format!("`{full}` and `{other}` both become the type `{ty}` in generated code"),
                    "clashes after flattening nested names",
                );
            } else {
                seen.insert(ty, full);
            }
        }
    }

    fn message(&mut self, message: &MessageDescriptor, targets: &[String], spans: &mut FieldSpans) -> Option<Message> {
        let mut fields = Vec::new();
        let mut python_names: BTreeMap<String, String> = BTreeMap::new();
        let mut rust_names: BTreeMap<String, String> = BTreeMap::new();
        for oneof in message.oneofs() {
            if !oneof.is_synthetic() {
                let span = self.loc.span(oneof.path());
                self.err_help(
                    span,
                    format!("oneof `{}` in `{}` is not supported in a task payload", oneof.name(), message.full_name()),
                    "oneof",
                    "use separate `optional` fields, or separate repeated fields per variant",
                );
            }
        }
        for field in message.fields() {
            let field_span = self.loc.span(field.path());
            let mut option_path = field.path().to_vec();
            option_path.extend([FIELD_OPTIONS, EXT_FIELD]);
            let opt_span = {
                let s = self.loc.span(&option_path);
                if s == self.loc.span(field.path()) { field_span } else { s }
            };
            spans.by_field.insert(format!("{}/{}", message.full_name(), field.name()), opt_span);

            let python_name = idents::python(field.name());
            let rust_name = idents::rust_field(field.name());
            for (names, ident, lang) in [(&mut python_names, &python_name, "Python"), (&mut rust_names, &rust_name, "Rust")] {
                if let Some(other) = names.get(ident) {
                    let msg = format!(
                        "fields `{other}` and `{}` of `{}` are both `{ident}` in generated {lang}",
                        field.name(),
                        message.full_name()
                    );
                    let s = self.loc.narrow(field_span, field.name());
                    self.errors.push(self.loc.error(s, msg, "clashes after escaping").with_help("rename one of the fields"));
                } else {
                    names.insert(ident.clone(), field.name().to_string());
                }
            }

            let Some((ty, cardinality)) = self.field_type(&field, field_span) else { continue };
            let opt: FieldOpt = options::read(&field.options(), options::FIELD).unwrap_or_default();
            let image_lookup = match opt.image_lookup.as_str() {
                "" | "IMAGE_KEY_UNSPECIFIED" => None,
                "ALGORITHM" => Some(ImageKey::Algorithm),
                _ => Some(ImageKey::Version),
            };
            if image_lookup.is_some() && ty != FieldType::String {
                let s = self.loc.narrow(opt_span, "image_lookup");
                self.err(s, format!("image_lookup field `{}` must be a string", field.name()), "not a string");
            }
            let placements = self.placements(&field, &opt, &ty, &cardinality, targets, opt_span, image_lookup.is_some());
            let validation = self.validation(message, &field, &ty, &cardinality, opt.validate.unwrap_or_default(), opt_span);
            let default = (!opt.default.is_empty()).then(|| self.default_value(&field, &ty, &opt.default, opt_span)).flatten();
            let default_from = self.context_source(&opt.default_from, opt_span);
            fields.push(Field {
                name: field.name().to_string(),
                number: field.number(),
                json_name: field.json_name().to_string(),
                python_name,
                rust_name,
                doc: self.doc(field.path()),
                ty,
                cardinality,
                placements,
                validation,
                default,
                default_from,
                image_lookup,
            });
        }
        Some(Message {
            full_name: message.full_name().to_string(),
            type_name: type_name(message.full_name(), message.package_name()),
            doc: self.doc(message.path()),
            fields,
        })
    }

    fn field_type(&mut self, field: &FieldDescriptor, span: SourceSpan) -> Option<(FieldType, Cardinality)> {
        let (kind, cardinality) = if field.is_map() {
            let Kind::Message(entry) = field.kind() else { unreachable!("map fields are entry messages") };
            let key = entry.map_entry_key_field();
            if key.kind() != Kind::String {
                let s = self.loc.narrow(span, "map<");
                self.err(s, format!("map field `{}` must have string keys", field.name()), "non-string key");
                return None;
            }
            (entry.map_entry_value_field().kind(), Cardinality::Map)
        } else if field.cardinality() == PbCardinality::Repeated {
            (field.kind(), Cardinality::Repeated)
        } else if field.field_descriptor_proto().proto3_optional() {
            (field.kind(), Cardinality::Optional)
        } else {
            (field.kind(), Cardinality::Single)
        };
        let ty = match kind {
            Kind::String => FieldType::String,
            Kind::Bool => FieldType::Bool,
            Kind::Int32 | Kind::Sint32 | Kind::Sfixed32 => FieldType::Int32,
            Kind::Int64 | Kind::Sint64 | Kind::Sfixed64 => FieldType::Int64,
            Kind::Uint32 | Kind::Fixed32 => FieldType::Uint32,
            Kind::Uint64 | Kind::Fixed64 => FieldType::Uint64,
            Kind::Float => FieldType::Float,
            Kind::Double => FieldType::Double,
            Kind::Bytes => FieldType::Bytes,
            Kind::Enum(e) => {
                if e.parent_file() != *self.file {
                    self.err(span, format!("enum `{}` must be declared in the plugin's file", e.full_name()), "enum from another file");
                    return None;
                }
                FieldType::Enum(e.full_name().to_string())
            }
            Kind::Message(m) if m.full_name() == "google.protobuf.Duration" => FieldType::Duration,
            Kind::Message(m) => {
                if m.parent_file() != *self.file {
                    self.err(span, format!("message `{}` must be declared in the plugin's file", m.full_name()), "message from another file");
                    return None;
                }
                if cardinality == Cardinality::Map {
                    self.err(span, format!("map field `{}` must have scalar values", field.name()), "message values");
                    return None;
                }
                FieldType::Message(m.full_name().to_string())
            }
        };
        Some((ty, cardinality))
    }

    #[allow(clippy::too_many_arguments)]
    fn placements(
        &mut self,
        field: &FieldDescriptor,
        opt: &FieldOpt,
        ty: &FieldType,
        cardinality: &Cardinality,
        targets: &[String],
        span: SourceSpan,
        consumed: bool,
    ) -> BTreeMap<String, Placement> {
        let mut placements = BTreeMap::new();
        for p in &opt.cr {
            let token = self.loc.narrow(span, &format!("\"{}\"", p.target));
            if !targets.contains(&p.target) {
                self.err_help(
                    token,
                    format!("unknown target `{}` in the placement of `{}`", p.target, field.name()),
                    "not a target of this plugin",
                    format!("the plugin's targets are: {}", targets.join(", ")),
                );
                continue;
            }
            if placements.contains_key(&p.target) {
                self.err(token, format!("`{}` is placed twice in target `{}`", field.name(), p.target), "second placement");
                continue;
            }
            let transform = parse_transform(&p.transform);
            let path = if p.unsupported {
                if !p.path.is_empty() {
                    let s = self.loc.narrow(span, &format!("\"{}\"", p.path));
                    self.err(s, "a placement is either a path or `unsupported`, not both", "path on an unsupported placement");
                }
                None
            } else {
                match CrPath::parse(&p.path) {
                    Ok(path) => Some(path),
                    Err(why) => {
                        let s = if p.path.is_empty() { token } else { self.loc.narrow(span, &format!("\"{}\"", p.path)) };
                        self.err(s, format!("bad CR path for `{}` in target `{}`: {why}", field.name(), p.target), "bad path");
                        None
                    }
                }
            };
            if path.is_some() {
                let fits = match transform {
                    Transform::AsIs => true,
                    Transform::ToString => ty.is_number() || matches!(ty, FieldType::Bool),
                    Transform::NameValueList | Transform::KeyValueList => {
                        *cardinality == Cardinality::Map || !matches!(ty, FieldType::Message(_)) && *cardinality != Cardinality::Repeated
                    }
                    Transform::Seconds => *ty == FieldType::Duration,
                };
                if !fits {
                    let s = self.loc.narrow(span, &p.transform);
                    self.err(
                        s,
                        format!("transform {} cannot apply to `{}` ({})", p.transform, field.name(), ty.describe()),
                        "transform does not fit the field type",
                    );
                }
            }
            placements.insert(p.target.clone(), Placement { path, transform, note: p.note.clone() });
        }
        if !consumed {
            for target in targets {
                if !placements.contains_key(target) {
                    let s = self.loc.narrow(span, field.name());
                    self.err_help(
                        s,
                        format!("field `{}` has no placement for target `{target}`", field.name()),
                        "missing placement",
                        format!("add `cr: {{target: \"{target}\", path: \"...\"}}` or `cr: {{target: \"{target}\", unsupported: true, note: \"...\"}}`"),
                    );
                }
            }
        }
        placements
    }

    fn validation(
        &mut self,
        message: &MessageDescriptor,
        field: &FieldDescriptor,
        ty: &FieldType,
        cardinality: &Cardinality,
        v: ValidationOpt,
        span: SourceSpan,
    ) -> Validation {
        if let (Some(a), Some(b)) = (v.min, v.max)
            && a > b {
                let s = self.loc.narrow(span, "max");
                self.err(s, format!("min {a} is greater than max {b} on `{}`", field.name()), "empty range");
            }
        if let (Some(a), Some(b)) = (v.min_len, v.max_len)
            && a > b {
                let s = self.loc.narrow(span, "max_len");
                self.err(s, format!("min_len {a} is greater than max_len {b} on `{}`", field.name()), "empty range");
            }
        let numeric_ok = ty.is_number() || matches!(cardinality, Cardinality::Repeated | Cardinality::Map);
        if (v.min.is_some() || v.max.is_some()) && !numeric_ok {
            let s = self.loc.narrow(span, "min");
            self.err(s, format!("min/max need a number, list or map; `{}` is {}", field.name(), ty.describe()), "bounds on a non-number");
        }
        if !v.pattern.is_empty()
            && let Err(e) = regex::Regex::new(&v.pattern) {
                let s = self.loc.narrow(span, "pattern");
                self.err(s, format!("pattern of `{}` is not a valid regular expression: {e}", field.name()), "bad pattern");
            }
        if !v.at_least_field.is_empty() {
            match message.get_field_by_name(&v.at_least_field) {
                Some(other) if is_numeric_kind(&other.kind()) && ty.is_number() => {}
                _ => {
                    let s = self.loc.narrow(span, &format!("\"{}\"", v.at_least_field));
                    self.err(
                        s,
                        format!("at_least_field `{}` must name a numeric sibling of numeric field `{}`", v.at_least_field, field.name()),
                        "not a numeric sibling",
                    );
                }
            }
        }
        for name in &v.keys_not_in {
            let ok = cardinality == &Cardinality::Map
                && message.get_field_by_name(name).is_some_and(|f| {
                    f.cardinality() == PbCardinality::Repeated
                        && matches!(f.kind(), Kind::Message(m) if m.get_field_by_name("name").is_some_and(|n| n.kind() == Kind::String))
                });
            if !ok {
                let s = self.loc.narrow(span, &format!("\"{name}\""));
                self.err(
                    s,
                    format!("keys_not_in `{name}` must name a repeated message field with a string `name`, on a map field"),
                    "not a named list",
                );
            }
        }
        Validation {
            required: v.required,
            min: v.min,
            max: v.max,
            min_len: v.min_len,
            max_len: v.max_len,
            pattern: (!v.pattern.is_empty()).then_some(v.pattern),
            at_least_field: (!v.at_least_field.is_empty()).then_some(v.at_least_field),
            keys_not_in: v.keys_not_in,
        }
    }

    fn default_value(&mut self, field: &FieldDescriptor, ty: &FieldType, text: &str, span: SourceSpan) -> Option<serde_json::Value> {
        let value = match ty {
            FieldType::String => Some(serde_json::Value::String(text.to_string())),
            FieldType::Bool => text.parse::<bool>().ok().map(serde_json::Value::Bool),
            t if t.is_integer() => text.parse::<i64>().ok().map(serde_json::Value::from),
            FieldType::Float | FieldType::Double => text.parse::<f64>().ok().map(serde_json::Value::from),
            FieldType::Enum(_) => {
                let Kind::Enum(e) = field.kind() else { unreachable!() };
                let by_api = e.values().find(|v| {
                    options::read::<EnumValueOpt>(&v.options(), options::VALUE).is_some_and(|o| o.api == text)
                });
                by_api
                    .or_else(|| e.get_value_by_name(text))
                    .map(|v| serde_json::Value::String(v.name().to_string()))
            }
            _ => None,
        };
        if value.is_none() {
            let s = self.loc.narrow(span, &format!("\"{text}\""));
            self.err(s, format!("default `{text}` is not a valid {} for `{}`", ty.describe(), field.name()), "bad default");
        }
        value
    }

    fn context_source(&mut self, text: &str, span: SourceSpan) -> Option<ContextSource> {
        match text {
            "" | "CONTEXT_SOURCE_UNSPECIFIED" => None,
            "JOB_NAME" => Some(ContextSource::JobName),
            "CONTAINER_IMAGE" => Some(ContextSource::ContainerImage),
            "CONTAINER_COMMAND" => Some(ContextSource::ContainerCommand),
            "OUTPUT_PREFIX" => Some(ContextSource::OutputPrefix),
            "IAM_ROLE" => Some(ContextSource::IamRole),
            "REGION" => Some(ContextSource::Region),
            "PREBUILT_IMAGE" => Some(ContextSource::PrebuiltImage),
            other => {
                self.err(span, format!("unknown context source `{other}`"), "unknown");
                None
            }
        }
    }

    fn enumeration(&mut self, e: &EnumDescriptor, targets: &[String]) -> Enum {
        let mut values = Vec::new();
        for v in e.values() {
            let opt: Option<EnumValueOpt> = options::read(&v.options(), options::VALUE);
            let span = self.loc.span(v.path());
            let api = opt.as_ref().map(|o| o.api.clone()).filter(|a| !a.is_empty());
            if v.number() != 0 && api.is_none() {
                let s = self.loc.narrow(span, v.name());
                self.err_help(
                    s,
                    format!("enum value `{}` of `{}` has no API string", v.name(), e.full_name()),
                    "no `(flyteplugin.value) = {api: ...}`",
                    "every value but the zero `*_UNSPECIFIED` one says which string the target API expects",
                );
            }
            let unsupported_in = opt.map(|o| o.unsupported_in).unwrap_or_default();
            for t in &unsupported_in {
                if !targets.contains(t) {
                    let mut p = v.path().to_vec();
                    p.extend([ENUM_VALUE_OPTIONS, EXT_VALUE]);
                    let s = self.loc.narrow(self.loc.span(&p), &format!("\"{t}\""));
                    self.err(s, format!("unknown target `{t}` in unsupported_in"), "not a target of this plugin");
                }
            }
            values.push(EnumValue {
                name: v.name().to_string(),
                number: v.number(),
                doc: self.doc(v.path()),
                api,
                unsupported_in,
            });
        }
        Enum {
            full_name: e.full_name().to_string(),
            type_name: type_name(e.full_name(), e.package_name()),
            doc: self.doc(e.path()),
            values,
        }
    }

    fn task_type(&mut self, message: &MessageDescriptor, opt: TaskOpt, plugin: &Plugin, spans: &FieldSpans) -> Option<TaskType> {
        let mut path = message.path().to_vec();
        path.extend([MESSAGE_OPTIONS, EXT_TASK]);
        let span = self.loc.span(&path);
        if !is_task_type_name(&opt.name) {
            let s = self.loc.narrow(span, &format!("\"{}\"", opt.name));
            self.err(s, format!("task type name `{}` must be lower-case letters, digits, `-` or `_`", opt.name), "bad task type name");
        }
        if !is_python_identifier(&opt.python_class) {
            let s = self.loc.narrow(span, "python_class");
            self.err(s, format!("python_class `{}` is not a Python identifier", opt.python_class), "not an identifier");
        }
        let inputs = self.inputs(message, &opt.inputs, span);
        let outputs = self.outputs(&opt.outputs, span);
        if opt.resources.is_empty() {
            let s = self.loc.narrow(span, &format!("\"{}\"", opt.name));
            self.err_help(
                s,
                format!("task type `{}` has no target", opt.name),
                "no `resources`",
                format!("add one `resources: {{target: ..., kind: ..., ...}}` per target ({})", target_list(plugin)),
            );
        }
        let mut resources = Vec::new();
        for r in opt.resources {
            let token = self.loc.narrow(span, &format!("target: \"{}\"", r.target));
            if !plugin.targets.iter().any(|t| t.id == r.target) {
                self.err_help(token, format!("unknown target `{}`", r.target), "not a target of this plugin", format!("targets: {}", target_list(plugin)));
                continue;
            }
            if resources.iter().any(|x: &Resource| x.target == r.target) {
                self.err(token, format!("target `{}` has two resources in task type `{}`", r.target, opt.name), "second resource");
                continue;
            }
            if let Some(res) = self.resource(message, r, &outputs, plugin, spans, token) {
                resources.push(res);
            }
        }
        if !resources.is_empty() {
            for t in &plugin.targets {
                if !resources.iter().any(|r| r.target == t.id) {
                    let s = self.loc.narrow(span, &format!("\"{}\"", opt.name));
                    self.err(s, format!("task type `{}` has no resource for target `{}`", opt.name, t.id), "missing target");
                }
            }
        }
        resources.sort_by(|a, b| a.target.cmp(&b.target));
        Some(TaskType {
            name: opt.name,
            version: opt.version,
            python_class: opt.python_class,
            message: message.full_name().to_string(),
            doc: self.doc(message.path()),
            runs_task_container: opt.runs_task_container,
            inputs,
            outputs,
            resources,
        })
    }

    fn flyte_type(&mut self, t: Option<&FlyteTypeOpt>, span: SourceSpan, what: &str) -> Option<FlyteType> {
        let ty = t.and_then(|t| match (&t.simple, &t.blob) {
            (Some(s), None) => match s.as_str() {
                "STRING" => Some(SimpleType::String),
                "INTEGER" => Some(SimpleType::Integer),
                "FLOAT" => Some(SimpleType::Float),
                "BOOLEAN" => Some(SimpleType::Boolean),
                "STRUCT" => Some(SimpleType::Struct),
                _ => None,
            }
            .map(|simple| FlyteType::Simple { simple }),
            (None, Some(b)) => Some(FlyteType::Blob { format: b.format.clone(), multipart: b.multipart }),
            _ => None,
        });
        if ty.is_none() {
            let s = self.loc.narrow(span, &format!("\"{what}\""));
            self.err(s, format!("`{what}` needs a `type` (simple or blob)"), "no type");
        }
        ty
    }

    fn inputs(&mut self, message: &MessageDescriptor, opts: &[InputOpt], span: SourceSpan) -> Vec<Input> {
        let mut inputs = Vec::new();
        let mut names = BTreeSet::new();
        for i in opts {
            let label = if i.name.is_empty() { i.per_element_of.clone() } else { i.name.clone() };
            let token = self.loc.narrow(span, &format!("\"{label}\""));
            let Some(ty) = self.flyte_type(i.ty.as_ref(), span, &label) else { continue };
            let (target_message, name) = if i.per_element_of.is_empty() {
                if !is_python_identifier(&i.name) || !names.insert(i.name.clone()) {
                    self.err(token, format!("input name `{}` is empty, not an identifier, or declared twice", i.name), "bad input name");
                    continue;
                }
                (message.clone(), Some(i.name.clone()))
            } else {
                match message.get_field_by_name(&i.per_element_of) {
                    Some(f) if f.cardinality() == PbCardinality::Repeated && !f.is_map() => {
                        let Kind::Message(element) = f.kind() else {
                            self.err(token, format!("per_element_of `{}` must be a repeated message field", i.per_element_of), "not a message list");
                            continue;
                        };
                        if !element.get_field_by_name(&i.name_field).is_some_and(|n| n.kind() == Kind::String) {
                            let s = self.loc.narrow(span, &format!("\"{}\"", i.name_field));
                            self.err(s, format!("name_field `{}` must be a string field of `{}`", i.name_field, element.name()), "not a string field");
                            continue;
                        }
                        (element, None)
                    }
                    _ => {
                        self.err(token, format!("per_element_of `{}` must be a repeated message field of `{}`", i.per_element_of, message.name()), "not a message list");
                        continue;
                    }
                }
            };
            match resolve_field(&target_message, &i.into) {
                Some(f) => {
                    let fits = match &ty {
                        FlyteType::Blob { .. } => f.kind() == Kind::String && !f.is_list(),
                        FlyteType::Simple { simple: SimpleType::Struct } => f.is_map(),
                        FlyteType::Simple { simple: SimpleType::String } => f.kind() == Kind::String && !f.is_list(),
                        FlyteType::Simple { simple: SimpleType::Integer } => is_integer_kind(&f.kind()) && !f.is_list(),
                        FlyteType::Simple { simple: SimpleType::Float } => matches!(f.kind(), Kind::Double | Kind::Float) && !f.is_list(),
                        FlyteType::Simple { simple: SimpleType::Boolean } => f.kind() == Kind::Bool && !f.is_list(),
                    };
                    if !fits {
                        let s = self.loc.narrow(span, &format!("\"{}\"", i.into));
                        self.err(s, format!("input `{label}` cannot fill `{}`: types do not fit", i.into), "type mismatch");
                    }
                }
                None => {
                    let s = self.loc.narrow(span, &format!("\"{}\"", i.into));
                    self.err(s, format!("input `{label}`: `into` field `{}` does not exist in `{}`", i.into, target_message.name()), "no such field");
                }
            }
            inputs.push(Input {
                name,
                ty,
                into: i.into.clone(),
                per_element_of: (!i.per_element_of.is_empty()).then(|| i.per_element_of.clone()),
                name_field: (!i.name_field.is_empty()).then(|| i.name_field.clone()),
                required: i.required,
                doc: i.doc.clone(),
            });
        }
        inputs
    }

    fn outputs(&mut self, opts: &[OutputOpt], span: SourceSpan) -> Vec<Output> {
        let mut outputs = Vec::new();
        for o in opts {
            let token = self.loc.narrow(span, &format!("\"{}\"", o.name));
            if !is_python_identifier(&o.name) || outputs.iter().any(|x: &Output| x.name == o.name) {
                self.err(token, format!("output name `{}` is empty, not an identifier, or declared twice", o.name), "bad output name");
                continue;
            }
            let Some(ty) = self.flyte_type(o.ty.as_ref(), span, &o.name) else { continue };
            outputs.push(Output { name: o.name.clone(), ty, doc: o.doc.clone() });
        }
        outputs
    }

    fn template(&mut self, text: &str, span: SourceSpan, what: &str) -> Template {
        match Template::parse(text) {
            Ok(t) => t,
            Err(why) => {
                let s = self.loc.narrow(span, text);
                self.err(s, format!("bad {what} template: {why}"), "bad template");
                Template::default()
            }
        }
    }

    fn path(&mut self, text: &str, span: SourceSpan, what: &str) -> CrPath {
        match CrPath::parse(text) {
            Ok(p) => p,
            Err(why) => {
                let s = if text.is_empty() { span } else { self.loc.narrow(span, &format!("\"{text}\"")) };
                self.err(s, format!("bad {what}: {why}"), "bad path");
                CrPath::default()
            }
        }
    }

    fn resource(
        &mut self,
        message: &MessageDescriptor,
        r: ResourceOpt,
        outputs: &[Output],
        plugin: &Plugin,
        spans: &FieldSpans,
        span: SourceSpan,
    ) -> Option<Resource> {
        let before = self.errors.len();
        if r.kind.is_empty() || r.plural.is_empty() || r.plural != r.plural.to_lowercase() {
            self.err(span, format!("resource of target `{}` needs a kind and a lower-case plural", r.target), "kind / plural");
        }
        let name_rule = r.name_rule.unwrap_or_default();
        if name_rule.max_length == 0 || name_rule.max_length > 253 {
            self.err(span, format!("resource of target `{}` needs name_rule.max_length in 1..=253", r.target), "name rule");
        }
        if let Err(e) = regex::Regex::new(&name_rule.pattern) {
            self.err(span, format!("name_rule.pattern is not a valid regular expression: {e}"), "name rule");
        }
        let mut context = Vec::new();
        for c in &r.context {
            let Some(source) = self.context_source(&c.source, span) else {
                self.err(span, "a context value needs a source", "no source");
                continue;
            };
            let path = self.path(&c.path, span, "context path");
            context.push(ContextValue {
                origin: self.origin(self.loc.narrow(span, &format!("\"{}\"", c.path))),
                source,
                path,
                key_prefix: c.key_prefix.clone(),
                chunk_size: c.chunk_size,
                transform: parse_transform(&c.transform),
                container_file: c.container_file.clone(),
                max_entries: (c.max_entries > 0).then_some(c.max_entries),
            });
        }
        let status = self.status(r.status.unwrap_or_default(), span, &r.target);
        let mut sources = Vec::new();
        for o in &r.outputs {
            if !outputs.iter().any(|x| x.name == o.output) {
                let s = self.loc.narrow(span, &format!("\"{}\"", o.output));
                self.err(s, format!("output source names `{}`, which is not a task output", o.output), "unknown output");
                continue;
            }
            let value = self.template(&o.value, span, "output");
            sources.push(OutputSource { output: o.output.clone(), value });
        }
        for o in outputs {
            if !sources.iter().any(|s| s.output == o.name) {
                self.err_help(
                    span,
                    format!("output `{}` has no status source in target `{}`", o.name, r.target),
                    "no `outputs: {output: ...}` for it",
                    "add `outputs: {output: \"<name>\", value: \"{status....}\"}` to this resource",
                );
            }
        }
        sources.sort_by(|a, b| a.output.cmp(&b.output));
        let mut log_links = Vec::new();
        for l in &r.log_links {
            let uri = self.template(&l.uri, span, "log link");
            log_links.push(LogLink { name: l.name.clone(), uri });
        }
        let mut fields = Vec::new();
        let mut stack = Vec::new();
        self.flatten(message, &r.target, &CrPath::default(), "", spans, plugin, &mut stack, &mut fields);
        self.check_duplicate_paths(&fields, &context);
        (self.errors.len() == before).then(|| Resource {
            origin: self.origin(span),
            target: r.target,
            kind: r.kind,
            plural: r.plural,
            namespaced: r.namespaced,
            name_max_length: name_rule.max_length,
            name_pattern: name_rule.pattern,
            context,
            status,
            outputs: sources,
            log_links,
            fields,
        })
    }

    fn status(&mut self, s: StatusOpt, span: SourceSpan, target: &str) -> Status {
        let phase_path = self.path(&s.phase_path, span, &format!("status.phase_path of target `{target}`"));
        let mut rules = Vec::new();
        for r in s.rules {
            let matcher = match (r.status_in.is_empty(), r.condition.is_empty()) {
                (false, true) => {
                    let secondary = if r.secondary_path.is_empty() {
                        None
                    } else {
                        Some((self.path(&r.secondary_path, span, "secondary_path"), r.secondary_in.clone()))
                    };
                    Matcher::Status { values: r.status_in.clone(), secondary }
                }
                (true, false) => Matcher::Condition { condition_type: r.condition.clone() },
                _ => {
                    let s = self.loc.narrow(span, &r.phase);
                    self.err(s, "a phase rule matches either `status_in` or a `condition`, exactly one", "ambiguous rule");
                    continue;
                }
            };
            let Some(phase) = parse_phase(&r.phase) else {
                self.err(span, "a phase rule needs a phase", "no phase");
                continue;
            };
            let message = self.template(&r.message, span, "phase message");
            if message.uses_condition() && !matches!(matcher, Matcher::Condition { .. }) {
                let s = self.loc.narrow(span, &r.message);
                self.err(s, "{condition.*} is only known in a rule that matches a condition", "no condition here");
            }
            rules.push(PhaseRule { matcher, phase, message });
        }
        let otherwise = parse_phase(&s.otherwise).unwrap_or_else(|| {
            self.err(span, format!("status of target `{target}` needs `otherwise` (the phase of unknown values)"), "no otherwise");
            Phase::Running
        });
        let otherwise_message = self.template(&s.otherwise_message, span, "otherwise message");
        Status { phase_path, rules, otherwise, otherwise_message }
    }

    #[allow(clippy::too_many_arguments)]
    fn flatten(
        &mut self,
        message: &MessageDescriptor,
        target: &str,
        prefix: &CrPath,
        proto_prefix: &str,
        spans: &FieldSpans,
        plugin: &Plugin,
        stack: &mut Vec<String>,
        out: &mut Vec<MappedField>,
    ) {
        if stack.iter().any(|m| m == message.full_name()) {
            let span = self.loc.span(message.path());
            self.err(span, format!("`{}` contains itself; a CR mapping must be finite", message.full_name()), "recursive message");
            return;
        }
        stack.push(message.full_name().to_string());
        let model = plugin.message(message.full_name()).clone();
        for (field, desc) in model.fields.iter().zip(message.fields()) {
            let span = spans.by_field[&format!("{}/{}", message.full_name(), field.name)];
            let proto_path = if proto_prefix.is_empty() { field.name.clone() } else { format!("{proto_prefix}.{}", field.name) };
            let Some(placement) = field.placements.get(target) else {
                if let Some(key) = field.image_lookup {
                    out.push(MappedField {
                        origin: self.origin(span),
                        proto_path,
                        ty: field.ty.clone(),
                        cardinality: field.cardinality.clone(),
                        cr_path: None,
                        transform: Transform::AsIs,
                        note: format!("read by the backend: the {key:?} key of the prebuilt image lookup").to_lowercase(),
                        default: field.default.clone(),
                        default_from: None,
                        validation: field.validation.clone(),
                    });
                }
                continue;
            };
            let cr_path = placement.path.as_ref().map(|p| prefix.join(p));
            let path_token = placement.path.as_ref().map(|p| self.loc.narrow(span, &format!("\"{p}\""))).unwrap_or(span);
            out.push(MappedField {
                origin: self.origin(path_token),
                proto_path: proto_path.clone(),
                ty: field.ty.clone(),
                cardinality: field.cardinality.clone(),
                cr_path: cr_path.clone(),
                transform: placement.transform,
                note: placement.note.clone(),
                default: field.default.clone(),
                default_from: field.default_from,
                validation: field.validation.clone(),
            });
            if let (FieldType::Message(_), Some(cr_path), Kind::Message(child)) = (&field.ty, &cr_path, desc.kind()) {
                match field.cardinality {
                    Cardinality::Repeated => {
                        self.flatten(&child, target, &cr_path.with_items(), &format!("{proto_path}[]"), spans, plugin, stack, out)
                    }
                    _ => self.flatten(&child, target, cr_path, &proto_path, spans, plugin, stack, out),
                }
            }
        }
        stack.pop();
    }

    fn check_duplicate_paths(&mut self, fields: &[MappedField], context: &[ContextValue]) {
        let mut seen: BTreeMap<&CrPath, &str> = BTreeMap::new();
        for f in fields {
            let Some(path) = &f.cr_path else { continue };
            if let Some(first) = seen.get(path) {
                let span = SourceSpan::from(f.origin.offset..f.origin.offset + f.origin.len);
                self.err_help(
                    span,
                    format!("`{}` and `{first}` are both mapped to `{path}`", f.proto_path),
                    "second field at this CR path",
                    "each CR path takes one field; give one of them another path",
                );
            } else {
                seen.insert(path, &f.proto_path);
            }
        }
        // Context values may add entries to a collection a field also fills (a command next to
        // user hyperparameters), but must not take a field's whole place.
        for c in context {
            if c.key_prefix.is_empty() && seen.contains_key(&c.path) && c.source == ContextSource::JobName {
                let span = SourceSpan::from(c.origin.offset..c.origin.offset + c.origin.len);
                self.err(span, format!("context value {:?} and field `{}` are both mapped to `{}`", c.source, seen[&c.path], c.path), "taken by a field");
            }
        }
    }

    /// Leading comment of the element at `path`, trimmed, paragraphs kept.
    fn doc(&self, path: &[i32]) -> String {
        let text = self.loc.leading_comment(path).unwrap_or_default();
        let lines: Vec<&str> = text.lines().map(|l| l.strip_prefix(' ').unwrap_or(l).trim_end()).collect();
        lines.join("\n").trim().to_string()
    }
}

fn check_unique_across_plugins(plugins: &[Plugin], pool: &DescriptorPool, sources: &Sources, errors: &mut Vec<ProtoError>) {
    let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
    let mut plugin_names: BTreeMap<&str, &str> = BTreeMap::new();
    for plugin in plugins {
        let Some(file) = pool.get_file_by_name(&plugin.source) else { continue };
        let loc = Locator::new(&file, sources);
        if let Some(first) = plugin_names.insert(&plugin.name, &plugin.source) {
            let span = loc.narrow(loc.span(&[FILE_OPTIONS, EXT_PLUGIN]), &format!("\"{}\"", plugin.name));
            errors.push(loc.error(span, format!("plugin name `{}` is also used by {first}", plugin.name), "duplicate plugin"));
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

/// The plugin's file and the files whose types its fields use (transitively), dependencies
/// first, stripped of comments. Imports used only for options (the annotation vocabulary and
/// `descriptor.proto` behind it) are left out: the backend never reads options at run time.
fn descriptor_set(file: &FileDescriptor) -> Vec<u8> {
    fn used_files(file: &FileDescriptor) -> BTreeSet<String> {
        let mut used = BTreeSet::new();
        for message in file.messages().flat_map(nested_messages) {
            for field in message.fields() {
                match field.kind() {
                    Kind::Message(m) => used.insert(m.parent_file().name().to_string()),
                    Kind::Enum(e) => used.insert(e.parent_file().name().to_string()),
                    _ => false,
                };
            }
        }
        used.remove(file.name());
        used
    }
    fn visit(file: &FileDescriptor, seen: &mut BTreeSet<String>, out: &mut Vec<prost_types::FileDescriptorProto>) {
        if !seen.insert(file.name().to_string()) {
            return;
        }
        let used = used_files(file);
        for dep in file.dependencies().filter(|d| used.contains(d.name())) {
            visit(&dep, seen, out);
        }
        let mut proto = file.file_descriptor_proto().clone();
        proto.source_code_info = None;
        // prost-types keeps no extension options, so nothing refers to the dropped imports.
        proto.dependency.retain(|d| used.contains(d));
        proto.public_dependency.clear();
        proto.weak_dependency.clear();
        out.push(proto);
    }
    let mut files = Vec::new();
    visit(file, &mut BTreeSet::new(), &mut files);
    prost_types::FileDescriptorSet { file: files }.encode_to_vec()
}

fn nested_messages(m: MessageDescriptor) -> Vec<MessageDescriptor> {
    let mut out = vec![m.clone()];
    for child in m.child_messages() {
        out.extend(nested_messages(child));
    }
    out
}

/// `pkg.Outer.Inner` -> `OuterInner`: generated code has one flat namespace per plugin.
fn type_name(full_name: &str, package: &str) -> String {
    let relative = full_name.strip_prefix(package).map_or(full_name, |s| s.trim_start_matches('.'));
    relative.split('.').collect()
}

fn resolve_field(message: &MessageDescriptor, path: &str) -> Option<FieldDescriptor> {
    let mut current = message.clone();
    let mut parts = path.split('.').peekable();
    while let Some(part) = parts.next() {
        let field = current.get_field_by_name(part)?;
        if parts.peek().is_none() {
            return Some(field);
        }
        match field.kind() {
            Kind::Message(m) if !field.is_list() => current = m,
            _ => return None,
        }
    }
    None
}

fn parse_transform(text: &str) -> Transform {
    match text {
        "TO_STRING" => Transform::ToString,
        "NAME_VALUE_LIST" => Transform::NameValueList,
        "KEY_VALUE_LIST" => Transform::KeyValueList,
        "SECONDS" => Transform::Seconds,
        _ => Transform::AsIs,
    }
}

fn parse_phase(text: &str) -> Option<Phase> {
    Some(match text {
        "QUEUED" => Phase::Queued,
        "INITIALIZING" => Phase::Initializing,
        "WAITING_FOR_RESOURCES" => Phase::WaitingForResources,
        "RUNNING" => Phase::Running,
        "SUCCEEDED" => Phase::Succeeded,
        "RETRYABLE_FAILURE" => Phase::RetryableFailure,
        "PERMANENT_FAILURE" => Phase::PermanentFailure,
        "ABORTED" => Phase::Aborted,
        _ => return None,
    })
}

fn is_numeric_kind(kind: &Kind) -> bool {
    is_integer_kind(kind) || matches!(kind, Kind::Double | Kind::Float)
}

fn is_integer_kind(kind: &Kind) -> bool {
    matches!(
        kind,
        Kind::Int32 | Kind::Int64 | Kind::Uint32 | Kind::Uint64 | Kind::Sint32 | Kind::Sint64 | Kind::Fixed32 | Kind::Fixed64 | Kind::Sfixed32 | Kind::Sfixed64
    )
}

fn is_kebab(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') && !s.starts_with('-')
}

fn is_task_type_name(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

fn is_python_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_') && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn target_list(plugin: &Plugin) -> String {
    plugin.targets.iter().map(|t| t.id.as_str()).collect::<Vec<_>>().join(", ")
}
