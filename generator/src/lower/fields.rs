//! Payload messages: each field's type, cardinality, default and placement in every target.

use std::collections::BTreeMap;

use miette::SourceSpan;
use prost_reflect::{Cardinality as PbCardinality, FieldDescriptor, Kind, MessageDescriptor};

use super::{EXT_FIELD, FIELD_OPTIONS, FieldSpans, FileCx, names::{rust_binding, rust_path, type_name}};
use crate::crpath::CrPath;
use crate::idents;
use crate::model::*;
use crate::options::{self, *};

impl FileCx<'_> {
    pub(super) fn message(&mut self, message: &MessageDescriptor, targets: &[String], spans: &mut FieldSpans) -> Option<Message> {
        let mut fields = Vec::new();
        for oneof in message.oneofs() {
            if !oneof.is_synthetic() {
                let span = self.loc.span(oneof.path());
                self.err_help(
                    self.loc.narrow(span, oneof.name()),
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
            let rust_name = idents::rust_snake(field.name());
            let rust_binding = rust_binding(&rust_name);

            let Some((ty, cardinality)) = self.field_type(&field, field_span) else { continue };
            let opt: FieldOpt = options::read(&field.options(), options::FIELD).unwrap_or_default();
            let image_lookup = match opt.image_lookup.as_str() {
                "" | "IMAGE_KEY_UNSPECIFIED" => None,
                "ALGORITHM" => Some(ImageKey::Algorithm),
                "VERSION" => Some(ImageKey::Version),
                other => {
                    let s = self.loc.narrow(opt_span, "image_lookup");
                    self.err(s, format!("unknown image_lookup key `{other}`"), "unknown key");
                    None
                }
            };
            if image_lookup.is_some() && ty != FieldType::String {
                let s = self.loc.narrow(opt_span, "image_lookup");
                self.err(s, format!("image_lookup field `{}` must be a string", field.name()), "not a string");
            }
            let placements = self.placements(&field, &opt, &ty, &cardinality, targets, opt_span, image_lookup.is_some());
            let validation = self.validation(message, &field, &ty, &cardinality, opt.validate.unwrap_or_default(), opt_span);
            let default = (!opt.default.is_empty()).then(|| self.default_value(&field, &ty, &opt.default, opt_span)).flatten();
            if let Some(value) = &default {
                self.check_default_fits(field.name(), value, &validation, opt_span);
            }
            let default_from = self.context_source(&opt.default_from, self.loc.narrow(opt_span, "default_from"));
            let mut validation = validation;
            if validation.required
                && let Some(source) = default_from {
                    let ways = source.alternatives().map_or_else(|| "the backend's context".to_string(), str::to_string);
                    validation.required_from = Some(format!("set `{}`, or give it through {ways}", field.name()));
                }
            if let Some(source) = default_from.filter(|s| !s.is_text()) {
                let s = self.loc.narrow(opt_span, "default_from");
                self.err(
                    s,
                    format!("default_from {source:?} is not one text value; place it with a resource `context` entry instead"),
                    "not a text source",
                );
            }
            // A field no target takes must stay unset, so a default would make every task invalid.
            if (default.is_some() || default_from.is_some()) && !placements.is_empty() && placements.values().all(|p| p.path.is_none()) {
                let s = self.loc.narrow(opt_span, if default.is_some() { "default" } else { "default_from" });
                self.err(s, format!("`{}` has a default but no target takes it, so every task would be rejected", field.name()), "default of an unsupported field");
            }
            if opt.backend_only && default.is_none() && default_from.is_none() {
                let s = self.loc.narrow(opt_span, "backend_only");
                self.err_help(
                    s,
                    format!("`{}` is hidden from the SDK, so nothing could ever set it", field.name()),
                    "backend_only without a value",
                    "give it a `default` or a `default_from`",
                );
            }
            if default_from.is_some() && (ty != FieldType::String || cardinality != Cardinality::Single) {
                let s = self.loc.narrow(opt_span, "default_from");
                self.err_help(
                    s,
                    format!("default_from fills `{}`, which is {} {}; context values are strings", field.name(), cardinality.describe(), ty.describe()),
                    "needs a plain string field",
                    "use default_from on a `string` field that is neither repeated, a map nor `optional`",
                );
            }
            let allowlist = self.allowlist(opt.allowlist.as_ref(), opt_span);
            if allowlist.is_some() && (ty != FieldType::String || !matches!(cardinality, Cardinality::Single | Cardinality::Optional)) {
                let s = self.loc.narrow(opt_span, "allowlist");
                self.err(
                    s,
                    format!("allowlist on `{}`, which is {} {}; an allowlist admits one text value", field.name(), cardinality.describe(), ty.describe()),
                    "needs a string field",
                );
            }
            fields.push(Field {
                name: field.name().to_string(),
                number: field.number(),
                json_name: field.json_name().to_string(),
                python_name,
                rust_name,
                rust_binding,
                doc: self.doc(field.path()),
                ty,
                cardinality,
                placements,
                validation,
                default,
                default_from,
                image_lookup,
                backend_only: opt.backend_only,
                allowlist,
            });
        }
        // The SDK's checks of a visible field cannot read a hidden sibling.
        for f in fields.iter().filter(|f| !f.backend_only) {
            let named = f.validation.at_least_field.iter().chain(&f.validation.keys_not_in);
            for other in named {
                if fields.iter().any(|x| &x.name == other && x.backend_only) {
                    let span = spans.by_field[&format!("{}/{}", message.full_name(), f.name)];
                    let s = self.loc.narrow(span, &format!("\"{other}\""));
                    self.err(s, format!("`{}` is checked against `{other}`, which is backend_only and hidden from the SDK", f.name), "hidden sibling");
                }
            }
        }
        Some(Message {
            full_name: message.full_name().to_string(),
            type_name: type_name(message.full_name(), message.package_name()),
            rust_path: rust_path(message.full_name(), message.package_name()),
            doc: self.doc(message.path()),
            fields,
            rules: Vec::new(),
        })
    }

    /// A declared default must pass the field's own rules: it is what the SDK and the backend
    /// fill in, and neither could then build a task that leaves the field unset.
    fn check_default_fits(&mut self, field: &str, value: &serde_json::Value, v: &Validation, span: SourceSpan) {
        let why = match value {
            serde_json::Value::Number(n) => {
                let x = n.as_f64().unwrap_or_default();
                (v.min.is_some_and(|min| x < min) || v.max.is_some_and(|max| x > max)).then(|| "outside min..max".to_string())
            }
            serde_json::Value::String(text) if v.min_len.is_some() || v.max_len.is_some() || v.pattern.is_some() => {
                let len = text.chars().count() as u32;
                if v.min_len.is_some_and(|min| len < min) || v.max_len.is_some_and(|max| len > max) {
                    Some("outside min_len..max_len".to_string())
                } else {
                    v.pattern
                        .as_deref()
                        .and_then(|p| regex::Regex::new(p).ok())
                        .filter(|re| !re.is_match(text))
                        .map(|_| "not matched by its pattern".to_string())
                }
            }
            _ => None,
        };
        if let Some(why) = why {
            let s = self.loc.narrow(span, "default");
            self.err(s, format!("the default of `{field}` breaks its own validation: {why}"), "default fails validation");
        }
    }

    pub(super) fn field_type(&mut self, field: &FieldDescriptor, span: SourceSpan) -> Option<(FieldType, Cardinality)> {
        let (kind, cardinality) = if field.is_map() {
            let Kind::Message(entry) = field.kind() else { unreachable!("map fields are entry messages") };
            let key = entry.map_entry_key_field();
            if key.kind() != Kind::String {
                let s = self.loc.narrow(span, "map<");
                self.err(s, format!("map field `{}` must have string keys", field.name()), "non-string key");
                return None;
            }
            let value = entry.map_entry_value_field().kind();
            if matches!(value, Kind::Enum(_) | Kind::Bytes) {
                let s = self.loc.narrow(span, "map<");
                self.err(
                    s,
                    format!("map field `{}` must have string, number or bool values", field.name()),
                    "enum or bytes values",
                );
                return None;
            }
            (value, Cardinality::Map)
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
                    let s = self.loc.narrow(span, e.name());
                    self.err(s, format!("enum `{}` must be declared in the plugin's file", e.full_name()), "enum from another file");
                    return None;
                }
                FieldType::Enum(e.full_name().to_string())
            }
            Kind::Message(m) if m.full_name() == "google.protobuf.Duration" => {
                if cardinality == Cardinality::Map {
                    self.err(span, format!("map field `{}` must have scalar values", field.name()), "Duration values");
                    return None;
                }
                FieldType::Duration
            }
            Kind::Message(m) => {
                if m.parent_file() != *self.file {
                    let s = self.loc.narrow(span, m.name());
                    self.err(s, format!("message `{}` must be declared in the plugin's file", m.full_name()), "message from another file");
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
    pub(super) fn placements(
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
        for (i, p) in opt.cr.iter().enumerate() {
            let twins = opt.cr[..i].iter().filter(|o| o.target == p.target).count();
            let token = self.loc.narrow_nth(span, &format!("\"{}\"", p.target), twins);
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
            let transform = self.transform(&p.transform, span);
            // This placement's own path, also when an earlier one writes the same.
            let path_twins = opt.cr[..i].iter().filter(|o| o.path == p.path).count();
            let path_token = self.loc.narrow_nth(span, &format!("\"{}\"", p.path), path_twins);
            let path = if p.unsupported {
                if !p.path.is_empty() {
                    let s = path_token;
                    self.err(s, "a placement is either a path or `unsupported`, not both", "path on an unsupported placement");
                }
                None
            } else {
                match CrPath::parse_written(&p.path) {
                    Ok(path) => Some(path),
                    Err(why) => {
                        let s = if p.path.is_empty() { token } else { path_token };
                        self.err(s, format!("bad CR path for `{}` in target `{}`: {why}", field.name(), p.target), "bad path");
                        None
                    }
                }
            };
            if path.is_some() && *ty == FieldType::Bytes {
                let s = path_token;
                self.err(s, format!("bytes field `{}` has no CR encoding; it can only be `unsupported` in a target", field.name()), "bytes in a CR");
            }
            if path.is_some() {
                let fits = match transform {
                    Transform::AsIs => true,
                    Transform::ToString => ty.is_number() || matches!(ty, FieldType::Bool),
                    Transform::NameValueList | Transform::KeyValueList => {
                        *cardinality == Cardinality::Map || !matches!(ty, FieldType::Message(_)) && *cardinality != Cardinality::Repeated
                    }
                    Transform::Seconds => *ty == FieldType::Duration,
                    // A quantity of the task container, never a payload field.
                    Transform::JvmMemory => false,
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

    pub(super) fn default_value(&mut self, field: &FieldDescriptor, ty: &FieldType, text: &str, span: SourceSpan) -> Option<serde_json::Value> {
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

}

pub(super) fn resolve_field(message: &MessageDescriptor, path: &str) -> Option<FieldDescriptor> {
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

/// A transform by its name; `None` for a number no value has (an open enum's unknown value).
pub(super) fn parse_transform(text: &str) -> Option<Transform> {
    Some(match text {
        "" | "AS_IS" => Transform::AsIs,
        "TO_STRING" => Transform::ToString,
        "NAME_VALUE_LIST" => Transform::NameValueList,
        "KEY_VALUE_LIST" => Transform::KeyValueList,
        "SECONDS" => Transform::Seconds,
        "JVM_MEMORY" => Transform::JvmMemory,
        _ => return None,
    })
}

impl FileCx<'_> {
    /// The transform `text` names, or a diagnostic at `transform` inside `span`.
    pub(super) fn transform(&mut self, text: &str, span: SourceSpan) -> Transform {
        parse_transform(text).unwrap_or_else(|| {
            let s = self.loc.narrow(span, "transform");
            self.err(s, format!("unknown transform `{text}`"), "unknown transform");
            Transform::AsIs
        })
    }
}

pub(super) fn is_numeric_kind(kind: &Kind) -> bool {
    is_integer_kind(kind) || matches!(kind, Kind::Double | Kind::Float)
}

pub(super) fn is_integer_kind(kind: &Kind) -> bool {
    matches!(
        kind,
        Kind::Int32 | Kind::Int64 | Kind::Uint32 | Kind::Uint64 | Kind::Sint32 | Kind::Sint64 | Kind::Fixed32 | Kind::Fixed64 | Kind::Sfixed32 | Kind::Sfixed64
    )
}

impl FileCx<'_> {
    /// An `allowlist` option, checked: its name is lower snake case (a configuration key).
    pub(super) fn allowlist(&mut self, opt: Option<&AllowlistOpt>, span: SourceSpan) -> Option<Allowlist> {
        let opt = opt?;
        let valid = opt.name.starts_with(|c: char| c.is_ascii_lowercase())
            && opt.name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !valid {
            let s = if opt.name.is_empty() { self.loc.narrow(span, "allowlist") } else { self.loc.narrow(span, &format!("\"{}\"", opt.name)) };
            self.err_help(
                s,
                format!("allowlist name `{}` is not lower snake case", opt.name),
                "bad allowlist name",
                "name the configuration's list like `roles` or `image_registries`",
            );
            return None;
        }
        let matching = match opt.matching.as_str() {
            "IMAGE_REGISTRY" => AllowlistMatch::ImageRegistry,
            _ => AllowlistMatch::Exact,
        };
        Some(Allowlist { name: opt.name.clone(), matching })
    }
}
