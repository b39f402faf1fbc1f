//! `interpret_<target>`: an object's status read as a Flyte phase, log links and outputs.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::crpath::{Part, Placeholder, Template};
use super::names::{ident, keys, lit, path_tokens};
use crate::model::*;

/// The spec and status paths `interpret` reads for `r`, sorted, without paths inside another
/// (metadata is always kept by the caches, so it is not listed).
pub(super) fn reads(r: &Resource) -> Vec<Vec<String>> {
    let mut paths: Vec<Vec<String>> = r.status.phase_path.iter().map(keys).collect();
    for rule in &r.status.rules {
        match &rule.matcher {
            Matcher::Status { secondary: Some((path, _)), .. } => paths.push(keys(path)),
            Matcher::Condition { .. } | Matcher::LatestCondition { .. } => paths.push(vec!["status".into(), "conditions".into()]),
            Matcher::Status { .. } => {}
        }
        for w in &rule.where_ {
            if let Subject::Path(path) = &w.subject {
                paths.push(keys(path));
            }
        }
        paths.extend(rule.message.paths().map(keys));
    }
    paths.extend(r.status.otherwise_message.paths().map(keys));
    paths.extend(r.outputs.iter().flat_map(|o| o.value.paths().map(keys)));
    paths.extend(r.log_links.iter().flat_map(|l| l.uri.paths().map(keys)));
    paths.retain(|p| p.first().is_some_and(|root| root != "metadata"));
    paths.sort();
    paths.dedup();
    let all = paths.clone();
    paths.retain(|p| !all.iter().any(|q| q.len() < p.len() && p.starts_with(q)));
    paths
}

pub(super) fn parts(t: &Template) -> TokenStream {
    let ps = t.parts.iter().map(|p| match p {
        Part::Literal(s) => {
            let s = lit(s);
            quote! { Part::Lit(#s) }
        }
        Part::Placeholder(Placeholder::Path(path)) => {
            let p = path_tokens(&keys(path));
            quote! { Part::Path(#p) }
        }
        Part::Placeholder(Placeholder::PathOr { path, fallback }) => {
            let p = path_tokens(&keys(path));
            let fallback = lit(fallback);
            quote! { Part::PathOr(#p, #fallback) }
        }
        Part::Placeholder(Placeholder::Condition(which)) if which == "reason" => quote! { Part::ConditionReason },
        Part::Placeholder(Placeholder::Condition(_)) => quote! { Part::ConditionMessage },
        Part::Placeholder(Placeholder::Setting(name)) => {
            let name = lit(name);
            quote! { Part::Setting(#name) }
        }
    });
    quote! { &[#(#ps),*] }
}

pub(super) fn phase_tokens(p: Phase) -> TokenStream {
    match p {
        Phase::Queued => quote! { Phase::Queued },
        Phase::Initializing => quote! { Phase::Initializing },
        Phase::WaitingForResources => quote! { Phase::WaitingForResources },
        Phase::Running => quote! { Phase::Running },
        Phase::Succeeded => quote! { Phase::Succeeded },
        Phase::RetryableFailure => quote! { Phase::RetryableFailure },
        Phase::PermanentFailure => quote! { Phase::PermanentFailure },
        Phase::Aborted => quote! { Phase::Aborted },
    }
}

pub(super) fn interpret_target(plugin: &Plugin, task: &TaskType, r: &Resource) -> TokenStream {
    let items = &plugin.target(&r.target).rust;
    let f = ident(&items.interpret_fn);
    let phase_fn = ident(&items.phase_fn);
    let rules = r.status.rules.iter().enumerate().map(|(index, rule)| {
        let phase = phase_tokens(rule.phase);
        let msg = parts(&rule.message);
        // Each pattern is a static compiled once, on the first poll that reaches its rule.
        let (statics, tests): (Vec<_>, Vec<_>) = rule
            .where_
            .iter()
            .enumerate()
            .map(|(i, w)| {
                let name = format_ident!("RULE_{}_PATTERN_{}", index, i);
                let pattern = lit(&w.pattern);
                let subject = match &w.subject {
                    Subject::Path(path) => {
                        let p = path_tokens(&keys(path));
                        quote! { &cr::text(object, #p) }
                    }
                    Subject::ConditionReason => quote! { &condition.reason },
                    Subject::ConditionMessage => quote! { &condition.message },
                };
                (quote! { static #name: cr::Pattern = cr::Pattern::new(#pattern); }, quote! { && #name.is_match(#subject) })
            })
            .unzip();
        match &rule.matcher {
            Matcher::Condition { condition_type } => {
                let ct = lit(condition_type);
                let filter = (!tests.is_empty()).then(|| quote! { .filter(|condition| true #(#tests)*) });
                quote! {
                    #(#statics)*
                    if let Some(condition) = cr::condition_true(object, #ct) #filter {
                        return (#phase, cr::render_lossy(object, Some(&condition), #msg));
                    }
                }
            }
            Matcher::LatestCondition { condition_type } => {
                let ct = lit(condition_type);
                quote! {
                    #(#statics)*
                    if let Some((_, condition)) = latest.as_ref().filter(|(kind, condition)| kind == #ct #(#tests)*) {
                        return (#phase, cr::render_lossy(object, Some(condition), #msg));
                    }
                }
            }
            Matcher::Status { values, secondary } => {
                let vs = values.iter().map(|v| lit(v));
                let secondary_check = secondary.as_ref().map(|(path, allowed)| {
                    let p = path_tokens(&keys(path));
                    let a = allowed.iter().map(|v| lit(v));
                    quote! { && matches!(cr::text(object, #p).as_str(), #(#a)|*) }
                });
                quote! {
                    #(#statics)*
                    if matches!(status.as_str(), #(#vs)|*) #secondary_check #(#tests)* {
                        return (#phase, cr::render_lossy(object, None, #msg));
                    }
                }
            }
        }
    });
    let uses_status = r.status.rules.iter().any(|rule| matches!(rule.matcher, Matcher::Status { .. }));
    let status_binding = r.status.phase_path.as_ref().filter(|_| uses_status).map(|path| {
        let status_path = path_tokens(&keys(path));
        quote! { let status = cr::text(object, #status_path); }
    });
    let latest_binding = r
        .status
        .rules
        .iter()
        .any(|rule| matches!(rule.matcher, Matcher::LatestCondition { .. }))
        .then(|| quote! { let latest = cr::latest_condition(object); });
    let otherwise = phase_tokens(r.status.otherwise);
    let otherwise_msg = parts(&r.status.otherwise_message);
    let links = r.log_links.iter().map(|l| {
        let name = lit(&l.name);
        let p = parts(&l.uri);
        quote! { (#name, #p) }
    });
    let outputs = r.outputs.iter().map(|o| {
        let output = task.outputs.iter().find(|x| x.name == o.output).expect("lowered");
        let name = lit(&o.output);
        let p = parts(&o.value);
        let kind = match &output.ty {
            FlyteType::Blob { format, multipart } => {
                let format = lit(format);
                quote! { OutputKind::Blob { format: #format, multipart: #multipart } }
            }
            FlyteType::Simple { simple: SimpleType::String } => quote! { OutputKind::String },
            FlyteType::Simple { simple: SimpleType::Integer } => quote! { OutputKind::Integer },
            FlyteType::Simple { simple: SimpleType::Float } => quote! { OutputKind::Float },
            FlyteType::Simple { simple: SimpleType::Boolean } => quote! { OutputKind::Boolean },
            FlyteType::Simple { simple: SimpleType::Struct } => quote! { OutputKind::String },
        };
        quote! { (#name, #kind, #p) }
    });
    let doc = format!(" Status of `{}` `{}` as a Flyte phase, per the declared rules (first match wins).", r.target, r.kind);
    let links_doc = format!(" Log links of `{}` `{}`, rendered from the object.", r.target, r.kind);
    let links_name = ident(&items.log_links_const);
    let outputs_name = ident(&items.outputs_const);
    let outputs_doc = format!(" Task outputs read from a succeeded `{}` `{}`.", r.target, r.kind);
    quote! {
        #[doc = #links_doc]
        const #links_name: &[(&str, &[Part])] = &[#(#links),*];

        #[doc = #outputs_doc]
        const #outputs_name: &[(&str, OutputKind, &[Part])] = &[#(#outputs),*];

        #[doc = #doc]
        fn #phase_fn(object: &Value) -> (Phase, String) {
            #status_binding
            #latest_binding
            #(#rules)*
            (#otherwise, cr::render_lossy(object, None, #otherwise_msg))
        }

        fn #f(object: &Value, settings: &PluginSettings) -> Interpretation {
            let (phase, message) = #phase_fn(object);
            let log_links = #links_name
                .iter()
                .filter_map(|(name, parts)| cr::render_in(object, None, settings, parts).map(|uri| LogLink { name: name.to_string(), uri }))
                .collect();
            let outputs = if phase == Phase::Succeeded {
                #outputs_name.iter().map(|(name, kind, parts)| (name.to_string(), read_output(object, parts, *kind))).collect()
            } else {
                Vec::new()
            };
            Interpretation { phase, message, log_links, outputs }
        }
    }
}
