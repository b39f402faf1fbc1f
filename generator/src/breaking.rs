//! `--breaking-against <git ref | folder>`: what a model change breaks for tasks already
//! registered with Flyte, in the manner of `buf breaking`.
//!
//! A registered task carries its payload as proto3 JSON in `TaskTemplate.custom`, keyed by JSON
//! name, and propeller routes it by task type name and version. So the earlier model (lowered by
//! this generator from the earlier `.proto` files) and the current one are compared by what those
//! payloads and routes depend on: task types and their versions, outputs, and, from each payload
//! message down, every JSON name with its type and cardinality, every enum value name and API
//! string, and validation that would now reject a payload the earlier model accepted. Each break
//! is a diagnostic at the current file's span. Added fields, values, task types, outputs and
//! looser validation are safe; so is renaming a field that keeps its JSON name (`json_name`).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use miette::SourceSpan;
use prost_reflect::DescriptorPool;

use crate::diagnostics::{Error, Locator, ProtoError};
use crate::load::Loaded;
use crate::model::*;

/// Where the earlier `.proto` files come from.
#[derive(Debug, Clone)]
pub enum Baseline {
    /// A folder holding them (as `--proto` would).
    Folder(PathBuf),
    /// A git revision of the repository holding `--proto`; its files at the same relative path.
    Revision(String),
}

impl Baseline {
    /// A folder that exists is a folder; anything else is a git revision.
    pub fn parse(text: &str) -> Self {
        if Path::new(text).is_dir() { Self::Folder(text.into()) } else { Self::Revision(text.to_string()) }
    }
}

/// The earlier model: the baseline's `.proto` files lowered by this generator.
pub fn earlier_model(baseline: &Baseline, proto: &Path) -> Result<Model, Error> {
    match baseline {
        Baseline::Folder(dir) => lower_folder(dir),
        Baseline::Revision(rev) => {
            let scratch = Scratch::new()?;
            checkout_folder(rev, proto, &scratch.0)?;
            lower_folder(&scratch.0)
        }
    }
}

fn lower_folder(dir: &Path) -> Result<Model, Error> {
    let loaded = crate::load::load(dir)?;
    crate::lower::lower(&loaded).map_err(|e| {
        Error::Usage(format!("the earlier model in {} does not lower with this generator:\n{}", dir.display(), crate::diagnostics::render(&e)))
    })
}

/// A temporary folder, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Result<Self, Error> {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        let dir = std::env::temp_dir().join(format!("generator-baseline-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).map_err(|source| Error::Io { context: format!("creating {}", dir.display()), source })?;
        Ok(Self(dir))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>, Error> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|source| Error::Io { context: "running git".into(), source })?;
    if !output.status.success() {
        return Err(Error::Usage(format!("git {}: {}", args.join(" "), String::from_utf8_lossy(&output.stderr).trim())));
    }
    Ok(output.stdout)
}

/// Writes the `.proto` files under `proto`'s path at revision `rev` into `into`.
fn checkout_folder(rev: &str, proto: &Path, into: &Path) -> Result<(), Error> {
    let proto = proto.canonicalize().map_err(|source| Error::Io { context: format!("resolving {}", proto.display()), source })?;
    let top = String::from_utf8_lossy(&git(&proto, &["rev-parse", "--show-toplevel"])?).trim().to_string();
    let relative = proto.strip_prefix(&top).unwrap_or(Path::new("")).to_string_lossy().replace('\\', "/");
    let spec = if relative.is_empty() { ".".to_string() } else { relative.clone() };
    let commit = format!("{rev}^{{commit}}");
    git(&proto, &["rev-parse", "--verify", "--quiet", &commit]).map_err(|_| Error::Usage(format!("--breaking-against {rev}: no such commit in {top}")))?;
    let listing = git(Path::new(&top), &["ls-tree", "-r", "--name-only", rev, "--", &spec])?;
    for path in String::from_utf8_lossy(&listing).lines().filter(|p| p.ends_with(".proto")) {
        let text = git(Path::new(&top), &["show", &format!("{rev}:{path}")])?;
        let inside = path.strip_prefix(&relative).unwrap_or(path).trim_start_matches('/');
        let target = into.join(inside);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|source| Error::Io { context: format!("creating {}", parent.display()), source })?;
        }
        std::fs::write(&target, text).map_err(|source| Error::Io { context: format!("writing {}", target.display()), source })?;
    }
    Ok(())
}

/// Every break from `old` to `new`, located in the current sources of `loaded`.
pub fn compare(old: &Model, new: &Model, loaded: &Loaded) -> Vec<ProtoError> {
    let mut out = Vec::new();
    for old_plugin in &old.plugins {
        let Some(new_plugin) = new.plugins.iter().find(|p| p.name == old_plugin.name) else {
            if let Some(file) = new.plugins.first().and_then(|p| loaded.pool.get_file_by_name(&p.source)) {
                let at = At { loc: Locator::new(&file, &loaded.sources), pool: &loaded.pool };
                out.push(at.error(at.plugin(), format!("plugin `{}` was removed: its registered tasks have no backend", old_plugin.name), "plugin removed"));
            }
            continue;
        };
        let Some(file) = loaded.pool.get_file_by_name(&new_plugin.source) else { continue };
        let at = At { loc: Locator::new(&file, &loaded.sources), pool: &loaded.pool };
        for old_task in &old_plugin.task_types {
            let Some(new_task) = new_plugin.task_types.iter().find(|t| t.name == old_task.name) else {
                out.push(at.error(
                    at.plugin(),
                    format!("task type `{}` was removed: tasks registered with it can no longer run", old_task.name),
                    "task type removed",
                ));
                continue;
            };
            if new_task.version != old_task.version {
                out.push(at.error(
                    at.task(new_task, "version"),
                    format!("task type `{}` changed version {} -> {}: propeller routes registered tasks by the old one", old_task.name, old_task.version, new_task.version),
                    "version changed",
                ));
            }
            for o in &old_task.outputs {
                match new_task.outputs.iter().find(|n| n.name == o.name) {
                    None => out.push(at.error(at.task(new_task, "outputs"), format!("output `{}` of task type `{}` was removed", o.name, old_task.name), "output removed")),
                    Some(n) if n.ty != o.ty => out.push(at.error(
                        at.task(new_task, &format!("\"{}\"", o.name)),
                        format!("output `{}` of task type `{}` changed type", o.name, old_task.name),
                        "output type changed",
                    )),
                    Some(_) => {}
                }
            }
            let mut seen = BTreeSet::new();
            compare_message(old_plugin, &old_task.message, new_plugin, &new_task.message, &at, &mut seen, &mut out);
        }
    }
    out
}

fn compare_message(
    old_plugin: &Plugin,
    old_name: &str,
    new_plugin: &Plugin,
    new_name: &str,
    at: &At<'_>,
    seen: &mut BTreeSet<(String, String)>,
    out: &mut Vec<ProtoError>,
) {
    if !seen.insert((old_name.to_string(), new_name.to_string())) {
        return;
    }
    let (old, new) = (old_plugin.message(old_name), new_plugin.message(new_name));
    for f in &old.fields {
        let Some(n) = new.fields.iter().find(|n| n.json_name == f.json_name) else {
            // A field with the same number was renamed; otherwise the field was removed.
            let (span, label) = match new.fields.iter().find(|n| n.number == f.number) {
                Some(renamed) => (at.field(new_name, &renamed.name), "renamed: set `json_name` to keep the key"),
                None => (at.message(new_name), "field removed"),
            };
            out.push(at.error(
                span,
                format!("JSON name `{}` of `{}` is gone: registered payloads that set it no longer decode", f.json_name, old_name),
                label,
            ));
            continue;
        };
        let span = at.field(new_name, &n.name);
        if !same_type(old_plugin, &f.ty, new_plugin, &n.ty) || f.cardinality != n.cardinality {
            out.push(at.error(
                span,
                format!("`{}` changed from {} {} to {} {}", f.json_name, f.cardinality.describe(), f.ty.describe(), n.cardinality.describe(), n.ty.describe()),
                "type or cardinality changed",
            ));
            continue;
        }
        if let Some(why) = tightened(&f.validation, &n.validation) {
            out.push(at.error(span, format!("validation of `{}` is tighter: {why}; registered payloads may now be rejected", f.json_name), "validation tightened"));
        }
        match (&f.ty, &n.ty) {
            (FieldType::Message(a), FieldType::Message(b)) => compare_message(old_plugin, a, new_plugin, b, at, seen, out),
            (FieldType::Enum(a), FieldType::Enum(b)) => compare_enum(old_plugin.enumeration(a), new_plugin.enumeration(b), at, out),
            _ => {}
        }
    }
}

/// Same JSON shape: equal scalars, or messages / enums (compared on their own).
fn same_type(_old: &Plugin, a: &FieldType, _new: &Plugin, b: &FieldType) -> bool {
    match (a, b) {
        (FieldType::Message(_), FieldType::Message(_)) | (FieldType::Enum(_), FieldType::Enum(_)) => true,
        _ => a == b,
    }
}

fn compare_enum(old: &Enum, new: &Enum, at: &At<'_>, out: &mut Vec<ProtoError>) {
    for v in &old.values {
        match new.values.iter().find(|n| n.name == v.name) {
            None => out.push(at.error(
                at.message(&new.full_name),
                format!("enum value `{}` of `{}` was removed: payloads carry enum values by name", v.name, old.full_name),
                "value removed",
            )),
            Some(n) if n.api != v.api => out.push(at.error(
                at.value(&new.full_name, &n.name),
                format!("API string of `{}` changed from {:?} to {:?}: registered tasks would now send another value", v.name, v.api, n.api),
                "API string changed",
            )),
            Some(_) => {}
        }
    }
}

/// Why `new` rejects something `old` accepted, if it does.
fn tightened(old: &Validation, new: &Validation) -> Option<String> {
    let lower_raised = |a: Option<f64>, b: Option<f64>| b.is_some_and(|b| a.is_none_or(|a| b > a));
    let upper_lowered = |a: Option<f64>, b: Option<f64>| b.is_some_and(|b| a.is_none_or(|a| b < a));
    let len = |x: Option<u32>| x.map(f64::from);
    if new.required && !old.required {
        return Some("now required".into());
    }
    let show = |x: Option<f64>| x.map_or_else(|| "any".to_string(), |x| x.to_string());
    if lower_raised(old.min, new.min) || upper_lowered(old.max, new.max) {
        return Some(format!("range {}..={} -> {}..={}", show(old.min), show(old.max), show(new.min), show(new.max)));
    }
    if lower_raised(len(old.min_len), len(new.min_len)) || upper_lowered(len(old.max_len), len(new.max_len)) {
        let (a, b, c, d) = (len(old.min_len), len(old.max_len), len(new.min_len), len(new.max_len));
        return Some(format!("length {}..={} -> {}..={}", show(a), show(b), show(c), show(d)));
    }
    if new.pattern.is_some() && new.pattern != old.pattern {
        return Some(format!("pattern {:?} -> {:?}", old.pattern, new.pattern));
    }
    if new.at_least_field.is_some() && new.at_least_field != old.at_least_field {
        return Some(format!("now at least `{}`", new.at_least_field.as_deref().unwrap_or_default()));
    }
    if let Some(list) = new.keys_not_in.iter().find(|k| !old.keys_not_in.contains(k)) {
        return Some(format!("keys may no longer be named in `{list}`"));
    }
    None
}

/// Spans in the current file of one plugin.
struct At<'a> {
    loc: Locator<'a>,
    pool: &'a DescriptorPool,
}

impl<'a> At<'a> {
    fn error(&self, span: SourceSpan, message: String, label: &str) -> ProtoError {
        self.loc.error(span, message, label.to_string()).with_help("keep the earlier shape, or register the change as a new task type")
    }

    fn plugin(&self) -> SourceSpan {
        self.loc.span(&[8, 51000])
    }

    fn message(&self, full_name: &str) -> SourceSpan {
        let short = full_name.rsplit('.').next().unwrap_or(full_name);
        match (self.pool.get_message_by_name(full_name), self.pool.get_enum_by_name(full_name)) {
            (Some(m), _) => self.loc.narrow(self.loc.span(m.path()), short),
            (None, Some(e)) => self.loc.narrow(self.loc.span(e.path()), short),
            _ => self.plugin(),
        }
    }

    fn field(&self, message: &str, field: &str) -> SourceSpan {
        match self.pool.get_message_by_name(message).and_then(|m| m.get_field_by_name(field)) {
            Some(f) => self.loc.narrow(self.loc.span(f.path()), field),
            None => self.message(message),
        }
    }

    fn value(&self, enum_name: &str, value: &str) -> SourceSpan {
        match self.pool.get_enum_by_name(enum_name).and_then(|e| e.get_value_by_name(value)) {
            Some(v) => self.loc.narrow(self.loc.span(v.path()), value),
            None => self.message(enum_name),
        }
    }

    fn task(&self, task: &TaskType, needle: &str) -> SourceSpan {
        match self.pool.get_message_by_name(&task.message) {
            Some(m) => {
                let mut path = m.path().to_vec();
                path.extend([7, 51001]);
                self.loc.narrow(self.loc.span(&path), needle)
            }
            None => self.plugin(),
        }
    }
}
