//! One module per task type: `RESOURCES`, `build`, `interpret` and their per-target parts.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::build::build_target;
use super::inputs::{apply_inputs, check_bound};
use super::interpret::{interpret_target, reads};
use super::names::{ident, lit, path_tokens, type_path};
use crate::model::*;

pub(super) fn task_rs(plugin: &Plugin, task: &TaskType) -> TokenStream {
    let ty = type_path(plugin, &task.message);
    let full_name = lit(&task.message);
    let resources = task.resources.iter().map(|r| {
        let target = plugin.targets.iter().find(|t| t.id == r.target).expect("lowered");
        let (t, api, kind, plural, pattern) = (lit(&r.target), lit(&target.api_version), lit(&r.kind), lit(&r.plural), lit(&r.name_pattern));
        let (ns, max) = (r.namespaced, Literal::usize_unsuffixed(r.name_max_length as usize));
        let shape = match r.name_shape {
            NameShape::Plain => quote! { machinery::naming::NameShape::Plain },
            NameShape::LetterFirst => quote! { machinery::naming::NameShape::LetterFirst },
        };
        let reads = reads(r).into_iter().map(|path| path_tokens(&path));
        let allowlisted = r.allowlisted.iter().map(|a| {
            let (list, path, label) = (lit(&a.list), path_tokens(&a.path), lit(&a.label));
            let matching = match a.matching {
                AllowlistMatch::Exact => quote! { AllowlistMatch::Exact },
                AllowlistMatch::ImageRegistry => quote! { AllowlistMatch::ImageRegistry },
            };
            quote! { AllowlistedPath { list: #list, matching: #matching, path: #path, field: #label } }
        });
        quote! {
            ResourceDef {
                target: #t,
                api_version: #api,
                kind: #kind,
                plural: #plural,
                namespaced: #ns,
                name_max_length: #max,
                name_pattern: #pattern,
                name_shape: #shape,
                reads: &[#(#reads),*],
                allowlisted: &[#(#allowlisted),*],
            }
        }
    });
    let build_arms = task.resources.iter().map(|r| {
        let t = lit(&r.target);
        let f = ident(&plugin.target(&r.target).rust.build_fn);
        quote! { #t => #f(&job, request.context), }
    });
    let interpret_arms = task.resources.iter().map(|r| {
        let t = lit(&r.target);
        let f = ident(&plugin.target(&r.target).rust.interpret_fn);
        quote! { #t => #f(object, settings), }
    });
    let builders = task.resources.iter().map(|r| build_target(plugin, task, r));
    let interpreters = task.resources.iter().map(|r| interpret_target(plugin, task, r));
    let inputs = apply_inputs(plugin, task);
    let bound = check_bound(plugin, task);
    let bound_call = bound.as_ref().map(|_| quote! { check_bound(&job, request.inputs)?; });
    let module_doc = format!(" Task type `{}` (payload `{}`): decoding, inputs, and the mapping onto every target.", task.name, task.message);
    let build_doc = " Decodes `TaskTemplate.custom`, applies task inputs, defaults and validation, and builds the object for the configured target (without `apiVersion`, `kind`, name and namespace, which the machinery sets).";
    let body = quote! {
        /// The object this task type creates in each target.
        pub const RESOURCES: &[ResourceDef] = &[#(#resources),*];

        #[doc = #build_doc]
        pub fn build(request: &BuildRequest<'_>) -> Result<Value, InvalidInput> {
            let mut job: #ty = machinery::decode::message(&crate::descriptor::POOL, #full_name, request.custom)?;
            apply_inputs(&mut job, request.inputs)?;
            job.apply_defaults(request.context);
            let container = request.context.container_image.is_some() || request.context.container_command.is_some();
            job.validate("", request.target, container)?;
            #bound_call
            match request.target {
                #(#build_arms)*
                other => Err(InvalidInput::new("target", format!("unknown target `{other}`"))),
            }
        }

        /// Reads a watched object of `target`: phase, message, log links and, on success, outputs.
        pub fn interpret(target: &str, object: &Value, settings: &PluginSettings) -> Interpretation {
            match target {
                #(#interpret_arms)*
                other => Interpretation {
                    phase: Phase::PermanentFailure,
                    message: format!("unknown target `{other}`"),
                    log_links: Vec::new(),
                    outputs: Vec::new(),
                },
            }
        }

        #inputs

        #bound
        #(#builders)*
        #(#interpreters)*
    };
    // Import only what the body uses, so generated crates build without unused-import warnings.
    // By token, not by text: `NameShape::Plain` is no use of `Shape`.
    let text = body.to_string();
    let cr_items: Vec<TokenStream> = ["Part", "Seg", "Shape"]
        .iter()
        .filter(|name| super::names::uses(&body, name))
        .map(|name| {
            let id = format_ident!("{}", name);
            quote! { #id }
        })
        .collect();
    let validate_use = text.contains("validate ::").then(|| quote! { use machinery::validate; });
    let allowlist_use = text.contains("AllowlistedPath").then(|| quote! { use machinery::allowlist::{AllowlistMatch, AllowlistedPath}; });
    quote! {
        #![doc = #module_doc]
        // One `if` per field keeps each assignment readable on its own.
        #![allow(clippy::collapsible_if, reason = "one `if` per field keeps each assignment readable on its own")]

        use machinery::cr::{self, #(#cr_items),*};
        use machinery::inputs::Inputs;
        use machinery::plugin::{read_output, BuildContext, BuildRequest, Interpretation, InvalidInput, LogLink, OutputKind, Phase, PluginSettings, ResourceDef};
        #allowlist_use
        #validate_use
        use serde_json::Value;

        #body
    }
}
