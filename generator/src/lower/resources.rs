//! Resources: the object a task type creates in one target, its context values, and the payload
//! fields flattened onto its CR paths.

use std::collections::BTreeMap;

use miette::SourceSpan;
use prost_reflect::{Kind, MessageDescriptor};

use super::{FieldSpans, FileCx};
use crate::crpath::{CrPath, Segment};
use crate::model::*;
use crate::options::*;

/// Hex characters of the hash every object name ends with (`HASH_LEN` in the runtime's
/// `machinery/src/naming.rs`; a test in `tests/diagnostics.rs` keeps the two equal). 40 bits: by the
/// birthday bound, 50% odds of one collision take sqrt(2 ln 2 * 2^40), about 1.2 million
/// executions that also share the readable prefix. A shorter name rule would truncate the hash
/// (at `max_length: 5`, 20 bits, two executions collided after 469 runs).
pub const NAME_HASH_LEN: u32 = 10;

impl FileCx<'_> {
    pub(super) fn path(&mut self, text: &str, span: SourceSpan, what: &str) -> CrPath {
        match CrPath::parse_written(text) {
            Ok(p) => p,
            Err(why) => {
                let s = if text.is_empty() { span } else { self.loc.narrow(span, &format!("\"{text}\"")) };
                self.err(s, format!("bad {what}: {why}"), "bad path");
                CrPath::default()
            }
        }
    }

    pub(super) fn resource(
        &mut self,
        message: &MessageDescriptor,
        r: ResourceOpt,
        outputs: &[Output],
        plugin: &Plugin,
        spans: &FieldSpans,
        span: SourceSpan,
    ) -> Option<Resource> {
        let before = self.errors.len();
        // `span` is this resource's entry; errors about the entry as a whole point at its target.
        let token = self.loc.narrow(span, &format!("target: \"{}\"", r.target));
        if r.kind.is_empty() || r.plural.is_empty() || r.plural != r.plural.to_lowercase() {
            let s = if r.kind.is_empty() || r.plural.is_empty() { token } else { self.loc.narrow(span, &format!("\"{}\"", r.plural)) };
            self.err(s, format!("resource of target `{}` needs a kind and a lower-case plural", r.target), "kind / plural");
        }
        let name_rule = r.name_rule.unwrap_or_default();
        let length_token = match self.loc.narrow(span, &format!("max_length: {}", name_rule.max_length)) {
            s if s == span => token,
            s => s,
        };
        if name_rule.max_length > 253 {
            self.err(length_token, format!("resource of target `{}` needs name_rule.max_length in {NAME_HASH_LEN}..=253", r.target), "name rule");
        } else if name_rule.max_length < NAME_HASH_LEN {
            self.err_help(
                length_token,
                format!(
                    "name_rule.max_length {} of target `{}` leaves room for fewer than {NAME_HASH_LEN} hash characters, so two executions' names may collide",
                    name_rule.max_length, r.target
                ),
                "too short for the name's hash",
                format!("use at least {NAME_HASH_LEN}: {NAME_HASH_LEN} hex characters (40 bits) need about 1.2 million executions with the same readable prefix for a 50% chance of one collision"),
            );
        }
        let name_shape = self.name_rule(&name_rule, &r.target, span, token);
        let mut context = Vec::new();
        for c in &r.context {
            let path_token = self.loc.narrow(span, &format!("\"{}\"", c.path));
            let Some(source) = self.context_source(&c.source, path_token) else {
                // An unknown source is reported by `context_source` already.
                if matches!(c.source.as_str(), "" | "CONTEXT_SOURCE_UNSPECIFIED") {
                    self.err(path_token, "a context value needs a source", "no source");
                }
                continue;
            };
            let path = self.path(&c.path, span, "context path");
            if !c.key_prefix.is_empty() && source.adds_entries() {
                let s = self.loc.narrow(span, &format!("key_prefix: \"{}\"", c.key_prefix));
                self.err(s, format!("{source:?} adds one entry per variable, label or annotation; it takes no key_prefix"), "key_prefix");
            }
            if c.max_entries > 0 && path.segments.iter().any(|s| !matches!(s, Segment::Key(_))) {
                self.err(path_token, "max_entries counts a collection named by keys only; this path reaches into a list item", "max_entries");
            }
            let transform = self.transform(&c.transform, path_token);
            let resource = self.context_resource(source, c, transform, span, path_token);
            let allowlist = self.allowlist(c.allowlist.as_ref(), span);
            let many = source.adds_entries() || !c.key_prefix.is_empty();
            if c.required && (many || matches!(source, ContextSource::PrebuiltImage | ContextSource::JobName | ContextSource::ContainerResource | ContextSource::ContainerCommandLine)) {
                self.err(path_token, format!("`required` applies to a source that is one value which can be missing; {source:?} here is not"), "required");
            }
            if allowlist.is_some() && !source.is_text() {
                self.err(path_token, format!("an allowlist admits one text value; {source:?} is not one"), "not a text source");
            }
            context.push(ContextValue {
                allowlist,
                origin: self.origin(self.loc.narrow(span, &format!("\"{}\"", c.path))),
                source,
                path,
                key_prefix: c.key_prefix.clone(),
                chunk_size: c.chunk_size,
                transform,
                container_file: c.container_file.clone(),
                max_entries: (c.max_entries > 0).then_some(c.max_entries),
                resource,
                required: c.required,
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
                    token,
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
            for name in uri.settings() {
                if !plugin.settings.iter().any(|s| s.name == name) {
                    let within = self.loc.narrow(span, &l.uri);
                    let s = self.loc.narrow(within, &format!("{{config.{name}}}"));
                    let declared: Vec<&str> = plugin.settings.iter().map(|s| s.name.as_str()).collect();
                    let known = if declared.is_empty() { "it declares none".to_string() } else { format!("its settings: {}", declared.join(", ")) };
                    self.err_help(
                        s,
                        format!("log link `{}` reads the setting `{name}`, which the plugin does not declare ({known})", l.name),
                        "undeclared setting",
                        format!("add `settings: {{name: \"{name}\" doc: \"...\"}}` to `option (flyteplugin.plugin)`"),
                    );
                }
            }
            log_links.push(LogLink { name: l.name.clone(), uri });
        }
        let mut constants = Vec::new();
        for (i, c) in r.constants.iter().enumerate() {
            // The constant's own entry, also when an earlier one names the same path.
            let twins = r.constants[..i].iter().filter(|o| o.path == c.path).count();
            let token = self.loc.narrow_nth(span, &format!("\"{}\"", c.path), twins);
            let path = self.path(&c.path, span, "constant path");
            match serde_json::from_str::<serde_json::Value>(&c.value) {
                Ok(value) => constants.push(Constant { origin: self.origin(token), path, value }),
                Err(e) => {
                    let s = if c.value.is_empty() { token } else { self.loc.narrow(span, &c.value) };
                    self.err(s, format!("constant at `{}` is not JSON text: {e} (a string is written with its quotes: `value: \"\\\"x\\\"\"`)", c.path), "not JSON");
                }
            }
        }
        let mut fields = Vec::new();
        let mut stack = Vec::new();
        self.flatten(message, &r.target, &CrPath::default(), "", spans, plugin, &mut stack, &mut fields);
        self.check_duplicate_paths(&fields, &context);
        self.check_constants(&fields, &constants);
        let allowlisted = self.allowlisted(&fields, &context);
        (self.errors.len() == before).then(|| Resource {
            // The whole entry, so that a later check can point at any path written inside it.
            origin: self.origin(span),
            target: r.target,
            kind: r.kind,
            plural: r.plural,
            namespaced: r.namespaced,
            name_max_length: name_rule.max_length,
            name_pattern: name_rule.pattern,
            name_shape,
            context,
            status,
            outputs: sources,
            log_links,
            constants,
            fields,
            allowlisted,
        })
    }

    /// The places the backend checks against allowlists: every allowlisted field and context
    /// value, one entry per list and path (a field and a context value that fill the same place
    /// share it). The backend reads them by keys, so a path into a list item is refused here.
    fn allowlisted(&mut self, fields: &[MappedField], context: &[ContextValue]) -> Vec<AllowlistedPlace> {
        let fields = fields.iter().filter_map(|f| Some((f.allowlist.as_ref()?, f.cr_path.as_ref()?, f.proto_path.as_str(), &f.origin)));
        let context = context.iter().filter_map(|c| Some((c.allowlist.as_ref()?, &c.path, c.source.origin(), &c.origin)));
        let mut places: Vec<AllowlistedPlace> = Vec::new();
        for (list, path, label, origin) in fields.chain(context) {
            let span = SourceSpan::from(origin.offset..origin.offset + origin.len);
            let keys: Option<Vec<String>> = path.segments.iter().map(|s| if let Segment::Key(k) = s { Some(k.clone()) } else { None }).collect();
            let Some(keys) = keys else {
                self.err(span, format!("`{label}` is allowlisted, but `{path}` reaches into a list item; allowlisted values need a path of keys"), "not a path of keys");
                continue;
            };
            match places.iter_mut().find(|p| p.list == list.name && p.path == keys) {
                Some(place) if place.matching != list.matching => {
                    self.err(span, format!("`{path}` is in allowlist `{}` with two different match kinds", list.name), "other match kind");
                }
                Some(place) => place.label = format!("{} or {label}", place.label),
                None => places.push(AllowlistedPlace { list: list.name.clone(), matching: list.matching, path: keys, label: label.to_string() }),
            }
        }
        places.sort_by(|a, b| (&a.list, &a.path).cmp(&(&b.list, &b.path)));
        places
    }

    /// A constant takes a place no field fills: users could set the field, then never see it.
    fn check_constants(&mut self, fields: &[MappedField], constants: &[Constant]) {
        for (i, c) in constants.iter().enumerate() {
            let span = SourceSpan::from(c.origin.offset..c.origin.offset + c.origin.len);
            let clash = fields.iter().find(|f| f.cr_path.as_ref().is_some_and(|p| p.starts_with(&c.path) || c.path.starts_with(p)));
            if let Some(f) = clash {
                self.err(span, format!("constant at `{}` overlaps field `{}` (mapped to `{}`)", c.path, f.proto_path, f.cr_path.as_ref().expect("found by path")), "taken by a field");
            } else if constants[..i].iter().any(|o| o.path == c.path) {
                self.err(span, format!("two constants at `{}`", c.path), "second constant");
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn flatten(
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
        stack.push(message.full_name().to_string());
        let model = plugin.message(message.full_name()).clone();
        for field in &model.fields {
            // By name: a field that failed lowering is missing from the model.
            let Some(desc) = message.get_field_by_name(&field.name) else { continue };
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
                        allowlist: None,
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
                allowlist: field.allowlist.clone(),
            });
            if let (FieldType::Message(_), Some(cr_path), Kind::Message(child)) = (&field.ty, &cr_path, desc.kind()) {
                // Labelled at the field that closes the cycle.
                if stack.iter().any(|m| m == child.full_name()) {
                    self.err(path_token, format!("`{proto_path}` holds a `{}` again; a CR mapping must be finite", child.full_name()), "recursive message");
                    continue;
                }
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

    pub(super) fn check_duplicate_paths(&mut self, fields: &[MappedField], context: &[ContextValue]) {
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
        // A context value names one place; inside a list it would have to say which items.
        for c in context {
            let list = fields.iter().filter_map(|f| f.cr_path.as_ref()).find_map(|p| {
                let items = p.segments.iter().position(|s| *s == Segment::Items)?;
                let list = CrPath { segments: p.segments[..items].to_vec() };
                c.path.starts_with(&list).then_some(list)
            });
            if let Some(list) = list {
                let span = SourceSpan::from(c.origin.offset..c.origin.offset + c.origin.len);
                self.err(
                    span,
                    format!("context value {:?} at `{}` lands inside the list `{list}`, which a repeated field fills", c.source, c.path),
                    "inside a list",
                );
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

    /// The resource a CONTAINER_RESOURCE value names, checked; the `resource` selector and the
    /// JVM_MEMORY transform belong to that source only.
    fn context_resource(&mut self, source: ContextSource, c: &ContextOpt, transform: Transform, span: SourceSpan, path_token: SourceSpan) -> Option<ResourceRef> {
        if source != ContextSource::ContainerResource {
            if !c.resource.is_empty() {
                let s = self.loc.narrow(span, &format!("\"{}\"", c.resource));
                self.err(s, format!("`resource` names one resource of a CONTAINER_RESOURCE value; {source:?} takes none"), "resource");
            }
            if transform == Transform::JvmMemory {
                let s = self.loc.narrow(span, "JVM_MEMORY");
                self.err(s, format!("transform JVM_MEMORY converts a CONTAINER_RESOURCE quantity; {source:?} is not one"), "transform");
            }
            return None;
        }
        if !c.key_prefix.is_empty() {
            let s = self.loc.narrow(span, &format!("key_prefix: \"{}\"", c.key_prefix));
            self.err(s, "CONTAINER_RESOURCE is one value; it takes no key_prefix", "key_prefix");
        }
        if !matches!(transform, Transform::AsIs | Transform::JvmMemory) {
            let s = self.loc.narrow(span, &c.transform);
            self.err(s, format!("transform {} cannot apply to a CONTAINER_RESOURCE quantity (AS_IS or JVM_MEMORY)", c.transform), "transform");
        }
        let names = ResourceRef::NAMES.join(", ");
        let Some(resource) = ResourceRef::parse(&c.resource) else {
            let s = if c.resource.is_empty() { path_token } else { self.loc.narrow(span, &format!("\"{}\"", c.resource)) };
            self.err_help(
                s,
                format!("CONTAINER_RESOURCE needs `resource: \"requests.<name>\"` or `\"limits.<name>\"`, not `{}`", c.resource),
                "which resource",
                format!("the name is one of {names}"),
            );
            return None;
        };
        if transform == Transform::JvmMemory && matches!(resource.name.as_str(), "cpu" | "nvidia.com/gpu") {
            let s = self.loc.narrow(span, "JVM_MEMORY");
            self.err(s, format!("transform JVM_MEMORY converts a size in bytes; `{resource}` is not one"), "transform");
        }
        Some(resource)
    }

    pub(super) fn context_source(&mut self, text: &str, span: SourceSpan) -> Option<ContextSource> {
        match text {
            "" | "CONTEXT_SOURCE_UNSPECIFIED" => None,
            "JOB_NAME" => Some(ContextSource::JobName),
            "CONTAINER_IMAGE" => Some(ContextSource::ContainerImage),
            "CONTAINER_COMMAND" => Some(ContextSource::ContainerCommand),
            "OUTPUT_PREFIX" => Some(ContextSource::OutputPrefix),
            "IAM_ROLE" => Some(ContextSource::IamRole),
            "REGION" => Some(ContextSource::Region),
            "PREBUILT_IMAGE" => Some(ContextSource::PrebuiltImage),
            "CONTAINER_ARGS" => Some(ContextSource::ContainerArgs),
            "CONTAINER_COMMAND_LINE" => Some(ContextSource::ContainerCommandLine),
            "CONTAINER_RESOURCES" => Some(ContextSource::ContainerResources),
            "CONTAINER_ENV" => Some(ContextSource::ContainerEnv),
            "SERVICE_ACCOUNT" => Some(ContextSource::ServiceAccount),
            "EXECUTION_LABELS" => Some(ContextSource::ExecutionLabels),
            "EXECUTION_ANNOTATIONS" => Some(ContextSource::ExecutionAnnotations),
            "CONTAINER_RESOURCE" => Some(ContextSource::ContainerResource),
            other => {
                self.err(span, format!("unknown context source `{other}`"), "unknown");
                None
            }
        }
    }

}
