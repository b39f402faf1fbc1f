//! Lower: descriptors -> the owned model, with every check a plugin author can fail.
//!
//! Each check reports a [`ProtoError`] at the offending token and lowering goes on, so one run
//! lists every mistake. Nothing is written unless the list ends up empty.
//!
//! One job per file: [`fields`] (payload messages and their placements), [`validation`],
//! [`enums`], [`task_types`] (inputs, outputs), [`resources`] (the objects per target and the
//! fields flattened onto them), [`name_rule`] (object names against their pattern), [`status`]
//! (phase rules and templates), [`names`] (identifiers and their uniqueness), [`rules`]
//! (cross-field rules of a message) and [`descriptors`] (what the backend embeds).

mod descriptors;
mod enums;
mod fields;
mod name_rule;
mod names;
mod resources;
mod rules;
mod status;
mod task_types;
mod validation;

pub use resources::NAME_HASH_LEN;

use std::collections::{BTreeMap, BTreeSet};

use miette::SourceSpan;
use prost::Message as _;
use prost_reflect::{EnumDescriptor, FileDescriptor, MessageDescriptor, Syntax};

use descriptors::{descriptor_set, nested_messages};
use names::{check_unique_across_plugins, is_kebab, is_python_identifier, is_target_id, target_items};
use crate::diagnostics::{Error, Locator, ProtoError};
use crate::load::Loaded;
use crate::model::*;
use crate::options::{self, *};

/// Descriptor path tags (field numbers in descriptor.proto) that lead to an element's options.
const FILE_OPTIONS: i32 = 8;
const FILE_SYNTAX: i32 = 12;
const MESSAGE_OPTIONS: i32 = 7;
const FIELD_OPTIONS: i32 = 8;
const ENUM_VALUE_OPTIONS: i32 = 3;
const EXT_PLUGIN: i32 = 51000;
const EXT_TASK: i32 = 51001;
const EXT_FIELD: i32 = 51002;
const EXT_VALUE: i32 = 51003;
const EXT_RULES: i32 = 51004;

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
    crate::diagnostics::dedup(&mut errors);
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
    pub(super) fn err(&mut self, span: SourceSpan, message: impl Into<String>, label: impl Into<String>) {
        let e = self.loc.error(span, message, label);
        self.errors.push(e);
    }

    pub(super) fn err_help(&mut self, span: SourceSpan, message: impl Into<String>, label: impl Into<String>, help: impl Into<String>) {
        let e = self.loc.error(span, message, label).with_help(help);
        self.errors.push(e);
    }

    pub(super) fn origin(&self, span: SourceSpan) -> Origin {
        Origin { file: self.file.name().to_string(), offset: span.offset(), len: span.len() }
    }

    pub(super) fn plugin(&mut self, opt: PluginOpt) -> Option<Plugin> {
        let before = self.errors.len();
        let span = self.loc.span(&[FILE_OPTIONS, EXT_PLUGIN]);
        if self.file.syntax() != Syntax::Proto3 {
            let s = self.loc.span(&[FILE_SYNTAX]);
            let s = if s.is_empty() { span } else { s };
            self.err_help(
                s,
                "a plugin's .proto must use `syntax = \"proto3\";`",
                "not proto3",
                "task payloads travel as proto3 JSON (`TaskTemplate.custom`); proto2 defaults and required fields have no place there",
            );
            return None;
        }
        if !is_kebab(&opt.name) {
            let s = self.loc.narrow(span, &format!("name: \"{}\"", opt.name));
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
            if !seen.insert(t.id.clone()) {
                self.err(s, format!("target id `{}` is declared twice", t.id), "second declaration");
                continue;
            }
            if !is_target_id(&t.id) {
                self.err_help(
                    s,
                    format!("target id `{}` is not a lower-case name", t.id),
                    "bad target id",
                    "a target id names a folder and Rust items: a-z, 0-9, `-` and `_`, starting with a letter",
                );
            }
            if !t.api_version.contains('/') {
                let s = self.loc.narrow(span, &format!("\"{}\"", t.api_version));
                self.err(s, format!("api_version `{}` must be `group/version`", t.api_version), "not group/version");
            }
            targets.push(Target { rust: target_items(&t.id), id: t.id, title: t.title, api_version: t.api_version, install: t.install });
        }
        let target_ids: Vec<String> = targets.iter().map(|t| t.id.clone()).collect();
        let mut settings: Vec<Setting> = Vec::new();
        for s in opt.settings {
            let token = self.loc.narrow(span, &format!("\"{}\"", s.name));
            let camel = s.name.chars().next().is_some_and(|c| c.is_ascii_lowercase()) && s.name.chars().all(|c| c.is_ascii_alphanumeric());
            if !camel {
                self.err(token, format!("setting name `{}` must be lowerCamelCase (a config key: letters and digits, starting lower-case)", s.name), "setting name");
            } else if settings.iter().any(|x| x.name == s.name) {
                self.err(token, format!("setting `{}` is declared twice", s.name), "second declaration");
            } else {
                settings.push(Setting { name: s.name, doc: s.doc, default: s.default });
            }
        }

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
        // Rules name fields of nested messages and enum values, so they resolve once all are lowered.
        let resolved: Vec<(String, Vec<Rule>)> = {
            let scope = rules::Scope { messages: &messages, enums: &enums };
            all_messages.iter().map(|d| (d.full_name().to_string(), self.rules(d, &scope))).collect()
        };
        for (name, rules) in resolved {
            if let Some(m) = messages.iter_mut().find(|m| m.full_name == name) {
                m.rules = rules;
            }
        }
        messages.sort_by(|a, b| a.full_name.cmp(&b.full_name));
        enums.sort_by(|a, b| a.full_name.cmp(&b.full_name));

        let mut plugin = Plugin {
            rust_crate: format!("{}-plugin", opt.name),
            rust_crate_ident: format!("{}_plugin", opt.name.replace('-', "_")),
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
            container: opt.container.and_then(|c| crate::contract::contract(c, span, &self.loc, self.errors)),
            settings,
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
        self.check_names(&plugin);
        (self.errors.len() == before).then_some(plugin)
    }

    /// Leading comment of the element at `path`, trimmed, paragraphs kept.
    pub(super) fn doc(&self, path: &[i32]) -> String {
        let text = self.loc.leading_comment(path).unwrap_or_default();
        let lines: Vec<&str> = text.lines().map(|l| l.strip_prefix(' ').unwrap_or(l).trim_end()).collect();
        lines.join("\n").trim().to_string()
    }
}
