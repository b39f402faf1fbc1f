//! Task types: name, version, Python class, inputs and outputs, and one resource per target.

use std::collections::BTreeSet;

use miette::SourceSpan;
use prost_reflect::{Cardinality as PbCardinality, Kind, MessageDescriptor};

use super::fields::{is_integer_kind, resolve_field};
use super::names::{is_python_identifier, is_task_type_name, task_module};
use super::{EXT_TASK, FieldSpans, FileCx, MESSAGE_OPTIONS};
use crate::model::*;
use crate::options::*;

impl FileCx<'_> {
    pub(super) fn task_type(&mut self, message: &MessageDescriptor, opt: TaskOpt, plugin: &Plugin, spans: &FieldSpans) -> Option<TaskType> {
        let mut path = message.path().to_vec();
        path.extend([MESSAGE_OPTIONS, EXT_TASK]);
        let span = self.loc.span(&path);
        if !is_task_type_name(&opt.name) {
            let s = self.loc.narrow(span, &format!("\"{}\"", opt.name));
            self.err(s, format!("task type name `{}` must be lower-case letters, digits, `-` or `_`", opt.name), "bad task type name");
        }
        if !is_python_identifier(&opt.python_class) {
            let s = self.loc.narrow(span, &format!("python_class: \"{}\"", opt.python_class));
            self.err(s, format!("python_class `{}` is not a Python identifier", opt.python_class), "not an identifier");
        }
        let inputs = self.inputs(message, &opt.inputs, span);
        let outputs = self.outputs(&opt.outputs, span);
        let container_parameters = crate::contract::parameters(opt.container_parameters, message, span, &self.loc, self.errors);
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
        let mut entries = std::collections::BTreeMap::<String, usize>::new();
        for r in opt.resources {
            // This entry's own `target: "..."`: the nth for the nth resource naming that target.
            let twins = entries.entry(r.target.clone()).or_default();
            let token = self.loc.narrow_nth(span, &format!("target: \"{}\"", r.target), *twins);
            *twins += 1;
            if !plugin.targets.iter().any(|t| t.id == r.target) {
                self.err_help(token, format!("unknown target `{}`", r.target), "not a target of this plugin", format!("targets: {}", target_list(plugin)));
                continue;
            }
            if resources.iter().any(|x: &Resource| x.target == r.target) {
                self.err(token, format!("target `{}` has two resources in task type `{}`", r.target, opt.name), "second resource");
                continue;
            }
            let block = self.loc.block(span, token, "resources:");
            if let Some(res) = self.resource(message, r, &outputs, plugin, spans, block) {
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
            rust_module: task_module(message.full_name()),
            message: message.full_name().to_string(),
            doc: self.doc(message.path()),
            runs_task_container: opt.runs_task_container,
            inputs,
            outputs,
            resources,
            container_parameters,
        })
    }

    pub(super) fn flyte_type(&mut self, t: Option<&FlyteTypeOpt>, span: SourceSpan, what: &str) -> Option<FlyteType> {
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

    pub(super) fn inputs(&mut self, message: &MessageDescriptor, opts: &[InputOpt], span: SourceSpan) -> Vec<Input> {
        let mut inputs = Vec::new();
        let mut names = BTreeSet::new();
        for (n, i) in opts.iter().enumerate() {
            let label = if i.name.is_empty() { i.per_element_of.clone() } else { i.name.clone() };
            let twins = opts[..n].iter().filter(|x| x.name == i.name && x.per_element_of == i.per_element_of).count();
            let token = self.loc.narrow_nth(span, &format!("\"{label}\""), twins);
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

    pub(super) fn outputs(&mut self, opts: &[OutputOpt], span: SourceSpan) -> Vec<Output> {
        let mut outputs = Vec::new();
        for (i, o) in opts.iter().enumerate() {
            let twins = opts[..i].iter().filter(|x| x.name == o.name).count();
            let token = self.loc.narrow_nth(span, &format!("\"{}\"", o.name), twins);
            if !is_python_identifier(&o.name) || outputs.iter().any(|x: &Output| x.name == o.name) {
                self.err(token, format!("output name `{}` is empty, not an identifier, or declared twice", o.name), "bad output name");
                continue;
            }
            let Some(ty) = self.flyte_type(o.ty.as_ref(), span, &o.name) else { continue };
            outputs.push(Output { name: o.name.clone(), ty, doc: o.doc.clone() });
        }
        outputs
    }

}

pub(super) fn target_list(plugin: &Plugin) -> String {
    plugin.targets.iter().map(|t| t.id.as_str()).collect::<Vec<_>>().join(", ")
}
