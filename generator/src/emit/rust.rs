//! The Rust plugin crate: typed model (prost-build), defaults and validation per message, and per
//! task type one build function per target with explicit field assignments plus the status
//! mapping. Built with `quote!` and formatted once with prettyplease.

use std::collections::BTreeMap;

use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Ident, Literal, Span, TokenStream};
use prost::Message as _;
use quote::{format_ident, quote};

use crate::crpath::{CrPath, Part, Placeholder, Segment, Template};
use crate::model::*;
use crate::write::GeneratedFile;

pub fn emit(plugin: &Plugin) -> Vec<GeneratedFile> {
    let dir = format!("rust/{}", plugin.name);
    let header = crate::emit::header(plugin, "// ", "");
    let rs = |path: &str, tokens: TokenStream, docs: &str| GeneratedFile {
        path: format!("{dir}/src/{path}"),
        contents: format!("{header}\n{docs}{}", format_tokens(tokens)),
    };
    // Parsing and pretty-printing dominate emission; the files are independent, so the large
    // ones are formatted on threads of their own.
    std::thread::scope(|scope| {
        let model = scope.spawn(|| GeneratedFile { path: format!("{dir}/src/model.rs"), contents: format!("{header}\n{}", model_rs(plugin)) });
        let checks = scope.spawn(|| rs("checks.rs", checks_rs(plugin), ""));
        let tasks: Vec<_> = plugin.task_types.iter().map(|task| scope.spawn(move || rs(&format!("{}.rs", module_name(task)), task_rs(plugin, task), ""))).collect();
        let mut files = vec![
            GeneratedFile { path: format!("{dir}/Cargo.toml"), contents: cargo_toml(plugin) },
            rs("main.rs", main_rs(plugin), ""),
            rs("lib.rs", lib_rs(plugin), ""),
            rs("descriptor.rs", descriptor_rs(plugin), ""),
        ];
        for job in [model, checks].into_iter().chain(tasks) {
            files.push(job.join().expect("generator bug: a Rust emitter panicked"));
        }
        files
    })
}

fn format_tokens(tokens: TokenStream) -> String {
    let file: syn::File = syn::parse2(tokens).unwrap_or_else(|e| panic!("generator bug: emitted Rust does not parse: {e}"));
    space_items(&prettyplease::unparse(&file))
}

/// prettyplease packs top-level items together; a blank line between them reads like
/// hand-written code.
fn space_items(code: &str) -> String {
    let mut out = String::with_capacity(code.len() + code.len() / 20);
    let mut previous = "";
    for line in code.lines() {
        let ends_item = previous == "}" || previous == "};" || (previous.ends_with(';') && !previous.starts_with(' ') && !previous.starts_with("use "));
        let after_uses = previous.starts_with("use ") && !line.starts_with("use ") && !line.starts_with(' ') && !line.starts_with('}');
        let after_inner_docs = previous.starts_with("//!") && !line.starts_with("//!");
        if (ends_item || after_uses || after_inner_docs) && !line.is_empty() && !line.starts_with('}') {
            out.push('\n');
        }
        out.push_str(line);
        out.push('\n');
        previous = line;
    }
    out
}

pub fn crate_name(plugin: &Plugin) -> String {
    format!("{}-plugin", plugin.name)
}

fn module_name(task: &TaskType) -> String {
    task.message.rsplit('.').next().unwrap_or(&task.message).to_snake_case()
}

fn lit(s: &str) -> Literal {
    Literal::string(s)
}

fn cargo_toml(plugin: &Plugin) -> String {
    format!(
        r#"# @generated from {source} by `cargo run -p generator`. Do not edit: change the .proto and regenerate.
[package]
name = "{name}"
version = "0.1.0"
edition = "2024"
publish = false
description = "Flyte agent backend for {title}: serves the agent gRPC protocol and drives the plugin's custom resources."

[dependencies]
machinery.workspace = true
prost.workspace = true
prost-types.workspace = true
prost-reflect.workspace = true
serde_json.workspace = true

[[bin]]
name = "{name}"
path = "src/main.rs"
"#,
        source = plugin.source,
        name = crate_name(plugin),
        title = plugin.title,
    )
}

fn main_rs(plugin: &Plugin) -> TokenStream {
    let krate = format_ident!("{}", crate_name(plugin).replace('-', "_"));
    let text = format!(" The `{}` backend binary: the machinery's agent server with this plugin.", crate_name(plugin));
    quote! {
        #![doc = #text]
        fn main() -> std::process::ExitCode {
            machinery::run(&#krate::PLUGIN)
        }
    }
}

fn lib_rs(plugin: &Plugin) -> TokenStream {
    let title = format!(" {}: generated plugin crate.", plugin.title);
    let about = " Typed payloads (`model`), their defaults and validation (`checks`), and one module per task type with the mapping onto every target. `PLUGIN` is what the machinery serves.";
    let modules = plugin.task_types.iter().map(|t| {
        let m = format_ident!("{}", module_name(t));
        let d = format!(" Task type `{}`.", t.name);
        quote! { #[doc = #d] #[rustfmt::skip] pub mod #m; }
    });
    let name = lit(&plugin.name);
    let ptitle = lit(&plugin.title);
    let targets = plugin.targets.iter().map(|t| {
        let (id, api) = (lit(&t.id), lit(&t.api_version));
        quote! { machinery::plugin::TargetDef { id: #id, api_version: #api } }
    });
    let tasks = plugin.task_types.iter().map(|t| {
        let m = format_ident!("{}", module_name(t));
        let (n, v, message) = (lit(&t.name), t.version, lit(&t.message));
        let outputs = t.outputs.iter().map(|o| lit(&o.name));
        quote! {
            machinery::plugin::TaskTypeDef {
                name: #n,
                version: #v,
                message: #message,
                resources: #m::RESOURCES,
                outputs: &[#(#outputs),*],
                build: #m::build,
                interpret: #m::interpret,
            }
        }
    });
    quote! {
        #![doc = #title]
        #![doc = ""]
        #![doc = #about]
        #![cfg_attr(rustfmt, rustfmt::skip)]

        #[rustfmt::skip]
        pub mod model;
        #[rustfmt::skip]
        pub mod descriptor;
        #[rustfmt::skip]
        pub mod checks;
        #(#modules)*

        /// The plugin as the machinery serves it.
        pub static PLUGIN: machinery::plugin::PluginDef = machinery::plugin::PluginDef {
            name: #name,
            title: #ptitle,
            targets: &[#(#targets),*],
            task_types: &[#(#tasks),*],
        };
    }
}

fn model_rs(plugin: &Plugin) -> String {
    let file = prost_types::FileDescriptorProto::decode(plugin.file_descriptor.as_slice()).expect("lowering encoded it");
    let module = prost_build::Module::from_protobuf_package_name(file.package());
    let mut config = prost_build::Config::new();
    config.btree_map(["."]).format(true);
    let mut generated = config.generate(vec![(module.clone(), file)]).expect("prost-build generates from a checked descriptor");
    let code = generated.remove(&module).unwrap_or_default();
    format!("//! Payload types of every task type, generated by prost-build from the plugin's messages.\n#![allow(clippy::all)]\n\n{code}")
}

fn descriptor_rs(plugin: &Plugin) -> TokenStream {
    let bytes = plugin.descriptor_set.iter().map(|b| Literal::u8_unsuffixed(*b));
    quote! {
        //! The encoded descriptors of the payload messages: how the backend decodes
        //! `TaskTemplate.custom` (proto3 JSON) into the typed model.

        /// `FileDescriptorSet` of the plugin's file and its imports.
        pub const DESCRIPTOR_SET: &[u8] = &[#(#bytes),*];

        /// Decoded once, on first use.
        pub static POOL: std::sync::LazyLock<prost_reflect::DescriptorPool> = std::sync::LazyLock::new(|| {
            prost_reflect::DescriptorPool::decode(DESCRIPTOR_SET).expect("the generator encoded a valid descriptor set")
        });
    }
}

// ---------------------------------------------------------------------------------------------
// Names of prost-generated items.

/// `pkg.Outer.Inner` -> `crate::model::outer::Inner`, as prost-build names it.
fn type_path(plugin: &Plugin, full_name: &str) -> TokenStream {
    let relative = full_name.strip_prefix(&plugin.proto_package).map_or(full_name, |s| s.trim_start_matches('.'));
    let parts: Vec<&str> = relative.split('.').collect();
    let (last, outer) = parts.split_last().expect("non-empty name");
    let modules = outer.iter().map(|m| format_ident!("{}", m.to_snake_case()));
    let ty = format_ident!("{}", last.to_upper_camel_case());
    quote! { crate::model:: #(#modules ::)* #ty }
}

fn variant(e: &Enum, value: &EnumValue) -> Ident {
    let prefix = e.full_name.rsplit('.').next().unwrap_or(&e.full_name).to_upper_camel_case();
    let name = value.name.to_upper_camel_case();
    let stripped = name.strip_prefix(&prefix).filter(|s| s.chars().next().is_some_and(char::is_uppercase)).unwrap_or(&name);
    format_ident!("{}", stripped)
}

fn field_ident(field: &Field) -> Ident {
    match field.rust_name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => format_ident!("{}", field.rust_name),
    }
}

/// prost's getter of an enum field returns the enum (the default for unknown numbers).
fn getter(field: &Field) -> Ident {
    field_ident(field)
}

fn path_tokens(path: &[String]) -> TokenStream {
    let parts = path.iter().map(|p| lit(p));
    quote! { &[#(#parts),*] }
}

fn keys(path: &CrPath) -> Vec<String> {
    path.segments
        .iter()
        .map(|s| match s {
            Segment::Key(k) => k.clone(),
            Segment::Items => panic!("generator bug: `[]` in a placement path"),
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// checks.rs: enum API strings, defaults, validation.

fn checks_rs(plugin: &Plugin) -> TokenStream {
    let enums = plugin.enums.iter().map(|e| enum_impl(plugin, e));
    let has_defaults = defaults_table(plugin);
    let messages = plugin.messages.iter().map(|m| message_checks(plugin, m, &has_defaults));
    quote! {
        //! Enum API strings, defaults and validation of every payload message, as the
        //! annotations declare them. Validation errors name the field path.
        // One `if` per check keeps each rule readable on its own.
        #![allow(clippy::collapsible_if)]

        use machinery::plugin::{BuildContext, InvalidInput};
        use machinery::validate;

        #(#enums)*
        #(#messages)*
    }
}

fn enum_impl(plugin: &Plugin, e: &Enum) -> TokenStream {
    let ty = type_path(plugin, &e.full_name);
    let api_arms = e.values.iter().map(|v| {
        let var = variant(e, v);
        match &v.api {
            Some(api) => quote! { Self::#var => Some(#api), },
            None => quote! { Self::#var => None, },
        }
    });
    let mut by_target: BTreeMap<&str, Vec<Ident>> = BTreeMap::new();
    for v in &e.values {
        for t in &v.unsupported_in {
            by_target.entry(t).or_default().push(variant(e, v));
        }
    }
    let unsupported_arms = by_target.iter().map(|(t, vars)| {
        let t = lit(t);
        quote! { #t => matches!(self, #(Self::#vars)|*), }
    });
    let unsupported_body = if by_target.is_empty() {
        quote! { let _ = (self, target); false }
    } else {
        quote! { match target { #(#unsupported_arms)* _ => false, } }
    };
    let name = e.full_name.rsplit('.').next().unwrap_or(&e.full_name);
    let api_doc = format!(" The string the target APIs expect for this `{name}` value (`None` for \"not set\").");
    quote! {
        impl #ty {
            #[doc = #api_doc]
            pub fn api(self) -> Option<&'static str> {
                match self { #(#api_arms)* }
            }

            /// Whether `target` rejects this value.
            pub fn unsupported_in(self, target: &str) -> bool {
                #unsupported_body
            }
        }
    }
}

/// Which messages carry defaults (directly or in singular sub-messages), and may therefore be
/// created when absent: only those without required fields, so creating one never fails.
fn defaults_table(plugin: &Plugin) -> BTreeMap<String, bool> {
    fn has(plugin: &Plugin, name: &str, stack: &mut Vec<String>) -> bool {
        if stack.iter().any(|s| s == name) {
            return false;
        }
        stack.push(name.to_string());
        let m = plugin.message(name);
        let result = m.fields.iter().any(|f| {
            f.default.is_some()
                || f.default_from.is_some()
                || matches!((&f.ty, &f.cardinality), (FieldType::Message(c), Cardinality::Single) if has(plugin, c, stack))
        });
        stack.pop();
        result
    }
    plugin
        .messages
        .iter()
        .map(|m| {
            let creatable = has(plugin, &m.full_name, &mut Vec::new()) && !m.fields.iter().any(|f| f.validation.required);
            (m.full_name.clone(), creatable)
        })
        .collect()
}

fn is_set(field: &Field, value: TokenStream) -> TokenStream {
    match (&field.cardinality, &field.ty) {
        (Cardinality::Repeated | Cardinality::Map, _) => quote! { !#value.is_empty() },
        (Cardinality::Optional, _) | (_, FieldType::Message(_) | FieldType::Duration) => quote! { #value.is_some() },
        (_, FieldType::String | FieldType::Bytes) => quote! { !#value.is_empty() },
        (_, FieldType::Bool) => quote! { #value },
        (_, FieldType::Float | FieldType::Double) => quote! { #value != 0.0 },
        _ => quote! { #value != 0 },
    }
}

/// The negation of [`is_set`], written directly (so no `!(x != 0)` reaches the output).
fn is_unset(field: &Field, value: TokenStream) -> TokenStream {
    match (&field.cardinality, &field.ty) {
        (Cardinality::Repeated | Cardinality::Map, _) => quote! { #value.is_empty() },
        (Cardinality::Optional, _) | (_, FieldType::Message(_) | FieldType::Duration) => quote! { #value.is_none() },
        (_, FieldType::String | FieldType::Bytes) => quote! { #value.is_empty() },
        (_, FieldType::Bool) => quote! { !#value },
        (_, FieldType::Float | FieldType::Double) => quote! { #value == 0.0 },
        _ => quote! { #value == 0 },
    }
}

/// `value` as an f64 expression, without a cast when it already is one.
fn as_f64(ty: &FieldType, value: TokenStream) -> TokenStream {
    if *ty == FieldType::Double { value } else { quote! { #value as f64 } }
}

fn context_expr(source: ContextSource) -> TokenStream {
    match source {
        ContextSource::JobName => quote! { Some(cx.job_name.clone()) },
        ContextSource::ContainerImage => quote! { cx.container_image.clone() },
        ContextSource::ContainerCommand => quote! { cx.container_command.as_ref().map(|c| serde_json::to_string(c).unwrap_or_default()) },
        ContextSource::OutputPrefix => quote! { Some(cx.output_prefix.clone()).filter(|p| !p.is_empty()) },
        ContextSource::IamRole => quote! { cx.iam_role.clone() },
        ContextSource::Region => quote! { cx.region.clone() },
        ContextSource::PrebuiltImage => quote! { None::<String> },
    }
}

fn default_literal(plugin: &Plugin, field: &Field, value: &serde_json::Value) -> TokenStream {
    match (&field.ty, value) {
        (FieldType::String, serde_json::Value::String(s)) => quote! { #s.to_string() },
        (FieldType::Bool, serde_json::Value::Bool(b)) => quote! { #b },
        (FieldType::Enum(name), serde_json::Value::String(v)) => {
            let e = plugin.enumeration(name);
            let value = e.values.iter().find(|x| &x.name == v).expect("lowering checked the default");
            let ty = type_path(plugin, name);
            let var = variant(e, value);
            quote! { #ty::#var as i32 }
        }
        (FieldType::Float | FieldType::Double, v) => {
            let f = v.as_f64().expect("lowering checked the default");
            let l = if field.ty == FieldType::Float { Literal::f32_unsuffixed(f as f32) } else { Literal::f64_unsuffixed(f) };
            quote! { #l }
        }
        (_, v) => {
            let i = v.as_i64().expect("lowering checked the default");
            let l = Literal::i64_unsuffixed(i);
            quote! { #l }
        }
    }
}

fn message_checks(plugin: &Plugin, m: &Message, creatable: &BTreeMap<String, bool>) -> TokenStream {
    let ty = type_path(plugin, &m.full_name);
    let mut defaults = Vec::new();
    let mut checks = Vec::new();
    for f in &m.fields {
        let id = field_ident(f);
        let name = lit(&f.name);
        let value = quote! { self.#id };
        if let Some(d) = &f.default {
            let lit = default_literal(plugin, f, d);
            let unset = is_unset(f, value.clone());
            defaults.push(match f.cardinality {
                Cardinality::Optional => quote! { if self.#id.is_none() { self.#id = Some(#lit); } },
                _ => quote! { if #unset { self.#id = #lit; } },
            });
        }
        if let Some(src) = f.default_from {
            let expr = context_expr(src);
            defaults.push(quote! { if self.#id.is_empty() { if let Some(value) = #expr { self.#id = value; } } });
        }
        match (&f.ty, &f.cardinality) {
            (FieldType::Message(child), Cardinality::Single | Cardinality::Optional) => {
                if creatable.get(child).copied().unwrap_or(false) {
                    defaults.push(quote! { self.#id.get_or_insert_with(Default::default).apply_defaults(cx); });
                } else {
                    defaults.push(quote! { if let Some(child) = &mut self.#id { child.apply_defaults(cx); } });
                }
            }
            (FieldType::Message(_), Cardinality::Repeated) => {
                defaults.push(quote! { for child in &mut self.#id { child.apply_defaults(cx); } });
            }
            _ => {}
        }
        let field_checks = field_validation(plugin, m, f);
        if !field_checks.is_empty() {
            checks.push(quote! {
                {
                    let field = validate::join(path, #name);
                    #(#field_checks)*
                }
            });
        }
    }
    let short = m.full_name.rsplit('.').next().unwrap_or(&m.full_name);
    let d_doc = format!(" Fills unset fields of this `{short}` with their declared defaults and context values.");
    let v_doc = format!(" Checks this `{short}` against its declared validation for `target`; `path` prefixes field names in errors.");
    quote! {
        impl #ty {
            #[doc = #d_doc]
            pub fn apply_defaults(&mut self, cx: &BuildContext) {
                let _ = cx;
                #(#defaults)*
            }

            #[doc = #v_doc]
            pub fn validate(&self, path: &str, target: &str) -> Result<(), InvalidInput> {
                let _ = (path, target);
                #(#checks)*
                Ok(())
            }
        }
    }
}

fn opt_f64(v: Option<f64>) -> TokenStream {
    match v {
        Some(x) => {
            let l = Literal::f64_unsuffixed(x);
            quote! { Some(#l) }
        }
        None => quote! { None },
    }
}

fn opt_u32(v: Option<u32>) -> TokenStream {
    match v {
        Some(x) => quote! { Some(#x) },
        None => quote! { None },
    }
}

fn field_validation(plugin: &Plugin, m: &Message, f: &Field) -> Vec<TokenStream> {
    let id = field_ident(f);
    let v = &f.validation;
    let mut out = Vec::new();
    let value = quote! { self.#id };
    if v.required {
        let set = is_set(f, value.clone());
        out.push(quote! { validate::required(&field, #set)?; });
    }
    let (min, max) = (opt_f64(v.min), opt_f64(v.max));
    let (min_len, max_len) = (opt_u32(v.min_len), opt_u32(v.max_len));
    let string_checks = |item: TokenStream| -> Vec<TokenStream> {
        let mut c = Vec::new();
        if v.min_len.is_some() || v.max_len.is_some() {
            c.push(quote! { validate::length(&field, #item, #min_len, #max_len)?; });
        }
        if let Some(p) = &v.pattern {
            c.push(quote! { validate::pattern(&field, #item, #p)?; });
        }
        c
    };
    match (&f.cardinality, &f.ty) {
        (Cardinality::Map, _) => {
            if v.min.is_some() || v.max.is_some() {
                out.push(quote! { if !self.#id.is_empty() { validate::count(&field, self.#id.len(), #min, #max)?; } });
            }
            let key_checks = string_checks(quote! { key });
            let value_checks: Vec<TokenStream> = if v.min_len.is_some() || v.max_len.is_some() {
                vec![quote! { validate::length(&field, value, #min_len, #max_len)?; }]
            } else {
                Vec::new()
            };
            if !key_checks.is_empty() || !value_checks.is_empty() {
                let value_binding = if value_checks.is_empty() { quote! { _value } } else { quote! { value } };
                out.push(quote! { for (key, #value_binding) in &self.#id { #(#key_checks)* #(#value_checks)* } });
            }
            for list in &v.keys_not_in {
                let list_id = format_ident!("{}", list);
                let list_name = lit(list);
                out.push(quote! {
                    validate::keys_not_in(&field, self.#id.keys(), &self.#list_id.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(), #list_name)?;
                });
            }
        }
        (Cardinality::Repeated, ty) => {
            if v.min.is_some() || v.max.is_some() {
                out.push(quote! { if !self.#id.is_empty() { validate::count(&field, self.#id.len(), #min, #max)?; } });
            }
            match ty {
                FieldType::String => {
                    let c = string_checks(quote! { item });
                    if !c.is_empty() {
                        out.push(quote! { for item in &self.#id { #(#c)* } });
                    }
                }
                FieldType::Message(_) => {
                    out.push(quote! { for (i, item) in self.#id.iter().enumerate() { item.validate(&format!("{field}[{i}]"), target)?; } });
                }
                FieldType::Enum(name) => {
                    let ety = type_path(plugin, name);
                    out.push(quote! {
                        for item in &self.#id {
                            match #ety::try_from(*item) {
                                Ok(e) if e.unsupported_in(target) => validate::unsupported_in_target(&field, e.api().unwrap_or_default(), target)?,
                                Ok(_) => {}
                                Err(_) => return Err(InvalidInput::new(field.clone(), format!("unknown value {item}"))),
                            }
                        }
                    });
                }
                _ => {}
            }
        }
        (card, ty) => {
            let optional = *card == Cardinality::Optional;
            let scalar = if optional { quote! { value } } else { quote! { self.#id } };
            let mut c = Vec::new();
            match ty {
                FieldType::String => c.extend(string_checks(if optional { quote! { value } } else { quote! { &self.#id } })),
                t if t.is_number() => {
                    if v.min.is_some() || v.max.is_some() {
                        let v = as_f64(ty, scalar.clone());
                        c.push(quote! { validate::range(&field, #v, #min, #max)?; });
                    }
                    if let Some(other) = &v.at_least_field {
                        let other_field = m.fields.iter().find(|x| &x.name == other).expect("lowering checked at_least_field");
                        let oid = field_ident(other_field);
                        let other_name = lit(other);
                        let other_value = if other_field.cardinality == Cardinality::Optional { quote! { self.#oid } } else { {
                            let set = is_set(other_field, quote! { self.#oid });
                            quote! { Some(self.#oid).filter(|_| #set) }
                        } };
                        let v = as_f64(ty, scalar.clone());
                        let o = as_f64(&other_field.ty, quote! { other });
                        c.push(quote! {
                            if let Some(other) = #other_value { validate::at_least(&field, #v, #other_name, #o)?; }
                        });
                    }
                }
                FieldType::Enum(name) => {
                    let ety = type_path(plugin, name);
                    c.push(quote! {
                        match #ety::try_from(#scalar) {
                            Ok(e) if e.unsupported_in(target) => validate::unsupported_in_target(&field, e.api().unwrap_or_default(), target)?,
                            Ok(_) => {}
                            Err(_) => return Err(InvalidInput::new(field.clone(), format!("unknown value {}", #scalar))),
                        }
                    });
                }
                FieldType::Message(_) => {
                    out.push(quote! { if let Some(child) = &self.#id { child.validate(&field, target)?; } });
                }
                _ => {}
            }
            if !c.is_empty() {
                if optional {
                    let bind = if matches!(ty, FieldType::String) { quote! { Some(value) = &self.#id } } else { quote! { Some(value) = self.#id } };
                    out.push(quote! { if let #bind { #(#c)* } });
                } else {
                    let set = is_set(f, quote! { self.#id });
                    out.push(quote! { if #set { #(#c)* } });
                }
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// One module per task type.

fn task_rs(plugin: &Plugin, task: &TaskType) -> TokenStream {
    let ty = type_path(plugin, &task.message);
    let full_name = lit(&task.message);
    let resources = task.resources.iter().map(|r| {
        let target = plugin.targets.iter().find(|t| t.id == r.target).expect("lowered");
        let (t, api, kind, plural, pattern) = (lit(&r.target), lit(&target.api_version), lit(&r.kind), lit(&r.plural), lit(&r.name_pattern));
        let (ns, max) = (r.namespaced, Literal::usize_unsuffixed(r.name_max_length as usize));
        let reads = reads(r).into_iter().map(|path| path_tokens(&path));
        quote! {
            ResourceDef {
                target: #t,
                api_version: #api,
                kind: #kind,
                plural: #plural,
                namespaced: #ns,
                name_max_length: #max,
                name_pattern: #pattern,
                reads: &[#(#reads),*],
            }
        }
    });
    let build_arms = task.resources.iter().map(|r| {
        let t = lit(&r.target);
        let f = format_ident!("build_{}", r.target.to_snake_case());
        quote! { #t => #f(&job, request.context), }
    });
    let interpret_arms = task.resources.iter().map(|r| {
        let t = lit(&r.target);
        let f = format_ident!("interpret_{}", r.target.to_snake_case());
        quote! { #t => #f(object), }
    });
    let builders = task.resources.iter().map(|r| build_target(plugin, task, r));
    let interpreters = task.resources.iter().map(|r| interpret_target(plugin, task, r));
    let inputs = apply_inputs(plugin, task);
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
            job.validate("", request.target)?;
            match request.target {
                #(#build_arms)*
                other => Err(InvalidInput::new("target", format!("unknown target `{other}`"))),
            }
        }

        /// Reads a watched object of `target`: phase, message, log links and, on success, outputs.
        pub fn interpret(target: &str, object: &Value) -> Interpretation {
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
        #(#builders)*
        #(#interpreters)*
    };
    // Import only what the body uses, so generated crates build without unused-import warnings.
    let text = body.to_string();
    let cr_items: Vec<TokenStream> = [("Part", "Part"), ("Shape", "Shape ::")]
        .iter()
        .filter(|(_, needle)| text.contains(needle))
        .map(|(name, _)| {
            let id = format_ident!("{}", name);
            quote! { #id }
        })
        .collect();
    let validate_use = text.contains("validate ::").then(|| quote! { use machinery::validate; });
    quote! {
        #![doc = #module_doc]
        // One `if` per field keeps each assignment readable on its own.
        #![allow(clippy::collapsible_if)]

        use machinery::cr::{self, #(#cr_items),*};
        use machinery::inputs::Inputs;
        use machinery::plugin::{read_output, BuildContext, BuildRequest, Interpretation, InvalidInput, LogLink, OutputKind, Phase, ResourceDef};
        #validate_use
        use serde_json::Value;

        #body
    }
}

/// Walks a dotted `into` path through singular sub-messages; returns the place expression.
fn place(plugin: &Plugin, message: &str, root: TokenStream, into: &str) -> (TokenStream, Field) {
    let mut expr = root;
    let mut current = plugin.message(message);
    let parts: Vec<&str> = into.split('.').collect();
    for (i, part) in parts.iter().enumerate() {
        let field = current.fields.iter().find(|f| f.name == *part).expect("lowering resolved `into`").clone();
        let id = field_ident(&field);
        if i + 1 == parts.len() {
            return (quote! { #expr.#id }, field);
        }
        expr = quote! { #expr.#id.get_or_insert_with(Default::default) };
        let FieldType::Message(child) = &field.ty else { unreachable!("lowering resolved `into`") };
        current = plugin.message(child);
    }
    unreachable!("non-empty path")
}

fn apply_inputs(plugin: &Plugin, task: &TaskType) -> TokenStream {
    let ty = type_path(plugin, &task.message);
    let mut steps = Vec::new();
    for input in &task.inputs {
        match (&input.name, &input.per_element_of) {
            (None, Some(list)) => {
                let list_field = plugin.message(&task.message).fields.iter().find(|f| &f.name == list).expect("lowered").clone();
                let list_id = field_ident(&list_field);
                let FieldType::Message(element) = &list_field.ty else { unreachable!() };
                let name_field = input.name_field.as_deref().expect("lowered");
                let name_id = format_ident!("{}", name_field);
                let (target, _) = place(plugin, element, quote! { item }, &input.into);
                let read = input_read(&input.ty, quote! { &item.#name_id });
                steps.push(quote! {
                    for item in &mut job.#list_id {
                        if let Some(value) = #read? {
                            #target = value;
                        }
                    }
                });
            }
            (Some(name), _) => {
                let (target, field) = place(plugin, &task.message, quote! { job }, &input.into);
                let n = lit(name);
                if input.required {
                    steps.push(quote! {
                        if inputs.get(#n).is_none() {
                            return Err(InvalidInput::new(concat!("inputs.", #n), "required input is not bound"));
                        }
                    });
                }
                let key_path = lit(&format!("inputs.{name}.{{key}}"));
                let step = match (&input.ty, &field.cardinality) {
                    (FlyteType::Simple { simple: SimpleType::Struct }, _) => quote! {
                        if let Some(extra) = inputs.string_map(#n)? {
                            for (key, value) in extra {
                                if #target.contains_key(&key) {
                                    return Err(InvalidInput::new(format!(#key_path), "also set on the task; set each key in one place"));
                                }
                                #target.insert(key, value);
                            }
                        }
                    },
                    (ty, _) => {
                        let read = input_read(ty, quote! { #n });
                        let convert = match &field.ty {
                            FieldType::Int32 => quote! { i32::try_from(value).map_err(|_| InvalidInput::new(concat!("inputs.", #n), "out of range"))? },
                            FieldType::Uint32 => quote! { u32::try_from(value).map_err(|_| InvalidInput::new(concat!("inputs.", #n), "out of range"))? },
                            FieldType::Uint64 => quote! { u64::try_from(value).map_err(|_| InvalidInput::new(concat!("inputs.", #n), "out of range"))? },
                            FieldType::Float => quote! { value as f32 },
                            _ => quote! { value },
                        };
                        let wrapped = if field.cardinality == Cardinality::Optional { quote! { Some(#convert) } } else { convert };
                        quote! { if let Some(value) = #read? { #target = #wrapped; } }
                    }
                };
                steps.push(step);
            }
            _ => unreachable!("lowering checked inputs"),
        }
    }
    let inputs_binding = if steps.is_empty() { quote! { _inputs } } else { quote! { inputs } };
    let job_binding = if steps.is_empty() { quote! { _job } } else { quote! { job } };
    quote! {
        /// Moves the task's inputs into the payload, where the annotations say they land.
        fn apply_inputs(#job_binding: &mut #ty, #inputs_binding: &Inputs) -> Result<(), InvalidInput> {
            #(#steps)*
            Ok(())
        }
    }
}

fn input_read(ty: &FlyteType, name: TokenStream) -> TokenStream {
    match ty {
        FlyteType::Blob { .. } => quote! { inputs.blob_uri(#name) },
        FlyteType::Simple { simple: SimpleType::String } => quote! { inputs.string(#name) },
        FlyteType::Simple { simple: SimpleType::Integer } => quote! { inputs.integer(#name) },
        FlyteType::Simple { simple: SimpleType::Float } => quote! { inputs.float(#name) },
        FlyteType::Simple { simple: SimpleType::Boolean } => quote! { inputs.boolean(#name) },
        FlyteType::Simple { simple: SimpleType::Struct } => quote! { inputs.string_map(#name) },
    }
}

/// Expression for a scalar value of `field` read from `value`, shaped by `transform`.
fn scalar(field: &Field, value: TokenStream, transform: Transform) -> TokenStream {
    match (&field.ty, transform) {
        (FieldType::String, _) => quote! { #value.clone() },
        (FieldType::Bool, Transform::ToString) => quote! { #value.to_string() },
        (FieldType::Bool, _) => quote! { #value },
        (FieldType::Double, Transform::ToString) => quote! { cr::format_float(#value) },
        (FieldType::Float, Transform::ToString) => quote! { cr::format_float(#value as f64) },
        (FieldType::Float, _) => quote! { #value as f64 },
        (FieldType::Int64, Transform::ToString) => quote! { cr::format_int(#value) },
        (t, Transform::ToString) if t.is_integer() => quote! { cr::format_int(#value as i64) },
        (FieldType::Duration, _) => quote! { #value.seconds },
        _ => quote! { #value },
    }
}

fn entry_shape(transform: Transform) -> TokenStream {
    match transform {
        Transform::NameValueList => quote! { Shape::NameValue },
        Transform::KeyValueList => quote! { Shape::KeyValue },
        _ => quote! { Shape::Map },
    }
}

/// Statements writing every supported field of message `m` (held in `var`) into `obj`, at
/// `prefix` plus each field's placement path.
fn assign(plugin: &Plugin, m: &Message, target: &str, var: &TokenStream, obj: &Ident, prefix: &[String], depth: usize) -> Vec<TokenStream> {
    let mut out = Vec::new();
    for f in &m.fields {
        let Some(placement) = f.placements.get(target) else { continue };
        let Some(rel) = &placement.path else { continue };
        let mut path = prefix.to_vec();
        path.extend(keys(rel));
        let id = field_ident(f);
        let value = quote! { #var.#id };
        let transform = placement.transform;
        let entry = matches!(transform, Transform::NameValueList | Transform::KeyValueList) && f.cardinality != Cardinality::Map;
        let (parent, key) = path.split_at(path.len() - 1);
        let parent_tokens = path_tokens(parent);
        let key_lit = lit(&key[0]);
        let path_t = path_tokens(&path);
        let write = |v: TokenStream| -> TokenStream {
            if entry {
                let shape = entry_shape(transform);
                quote! { #obj.entry(#parent_tokens, #key_lit, #v, #shape); }
            } else {
                quote! { #obj.set(#path_t, #v); }
            }
        };
        let stmt = match (&f.cardinality, &f.ty) {
            (Cardinality::Map, _) => {
                let shape = entry_shape(transform);
                quote! { for (key, value) in &#value { #obj.entry(#path_t, key, value.clone(), #shape); } }
            }
            (Cardinality::Repeated, FieldType::Message(child)) => {
                let el = format_ident!("element{}", if depth == 0 { String::new() } else { depth.to_string() });
                let item = format_ident!("item{}", if depth == 0 { String::new() } else { depth.to_string() });
                let item_t = quote! { #item };
                let inner = assign(plugin, plugin.message(child), target, &item_t, &el, &[], depth + 1);
                quote! {
                    for #item in &#value {
                        let mut #el = cr::Object::new();
                        #(#inner)*
                        #obj.push(#path_t, #el.into_value());
                    }
                }
            }
            (Cardinality::Repeated, FieldType::Enum(name)) => {
                let ety = type_path(plugin, name);
                quote! {
                    if !#value.is_empty() {
                        #obj.set(#path_t, #value.iter().filter_map(|v| #ety::try_from(*v).ok().and_then(#ety::api)).collect::<Vec<_>>());
                    }
                }
            }
            (Cardinality::Repeated, FieldType::String) => quote! {
                if !#value.is_empty() {
                    #obj.set(#path_t, #value.clone());
                }
            },
            (Cardinality::Repeated, _) => {
                let conv = scalar(f, quote! { v }, transform);
                let item = if matches!(f.ty, FieldType::String) { quote! { v } } else { quote! { &v } };
                quote! {
                    if !#value.is_empty() {
                        #obj.set(#path_t, #value.iter().map(|#item| #conv).collect::<Vec<_>>());
                    }
                }
            }
            (_, FieldType::Message(child)) => {
                let sub = format_ident!("{}", f.name.to_snake_case());
                let sub_t = quote! { #sub };
                let inner = assign(plugin, plugin.message(child), target, &sub_t, obj, &path, depth);
                if inner.is_empty() {
                    continue;
                }
                quote! { if let Some(#sub) = &#value { #(#inner)* } }
            }
            (_, FieldType::Duration) => {
                let w = write(quote! { d.seconds });
                quote! { if let Some(d) = &#value { #w } }
            }
            (Cardinality::Optional, FieldType::Enum(name)) => {
                let ety = type_path(plugin, name);
                let w = write(quote! { api });
                quote! { if let Some(api) = #value.and_then(|v| #ety::try_from(v).ok()).and_then(#ety::api) { #w } }
            }
            (_, FieldType::Enum(_)) => {
                let g = getter(f);
                let w = write(quote! { api });
                quote! { if let Some(api) = #var.#g().api() { #w } }
            }
            (Cardinality::Optional, _) => {
                let conv = scalar(f, quote! { v }, transform);
                let binding = if matches!(f.ty, FieldType::String) { quote! { Some(v) = &#value } } else { quote! { Some(v) = #value } };
                let w = write(conv);
                quote! { if let #binding { #w } }
            }
            _ => {
                let set = is_set(f, value.clone());
                let conv = scalar(f, value.clone(), transform);
                let conv = if entry && !matches!(transform, Transform::ToString) && !matches!(f.ty, FieldType::String) { quote! { #conv.to_string() } } else { conv };
                let w = write(conv);
                quote! { if #set { #w } }
            }
        };
        out.push(stmt);
    }
    out
}

/// Statements rejecting fields that are set but that `target` cannot take.
fn reject_unsupported(plugin: &Plugin, m: &Message, target: &str, var: &TokenStream, path: &TokenStream, depth: usize) -> Vec<TokenStream> {
    let mut out = Vec::new();
    for f in &m.fields {
        let Some(placement) = f.placements.get(target) else { continue };
        let id = field_ident(f);
        let name = lit(&f.name);
        let field_path = if depth == 0 { quote! { String::from(#name) } } else { quote! { validate::join(#path, #name) } };
        match &placement.path {
            None => {
                let set = is_set(f, quote! { #var.#id });
                let t = lit(target);
                let note = lit(&placement.note);
                out.push(quote! { if #set { validate::unsupported_field(&#field_path, #t, #note)?; } });
            }
            Some(_) => match (&f.cardinality, &f.ty) {
                (Cardinality::Repeated, FieldType::Message(child)) => {
                    let item = format_ident!("item{}", depth);
                    let i = format_ident!("i{}", depth);
                    let item_t = quote! { #item };
                    let sub_path = quote! { &format!("{}[{}]", #field_path, #i) };
                    let inner = reject_unsupported(plugin, plugin.message(child), target, &item_t, &sub_path, depth + 1);
                    if !inner.is_empty() {
                        out.push(quote! { for (#i, #item) in #var.#id.iter().enumerate() { #(#inner)* } });
                    }
                }
                (Cardinality::Single | Cardinality::Optional, FieldType::Message(child)) => {
                    let sub = format_ident!("{}", f.name.to_snake_case());
                    let sub_t = quote! { #sub };
                    let sub_path = quote! { &#field_path };
                    let inner = reject_unsupported(plugin, plugin.message(child), target, &sub_t, &sub_path, depth + 1);
                    if !inner.is_empty() {
                        out.push(quote! { if let Some(#sub) = &#var.#id { #(#inner)* } });
                    }
                }
                _ => {}
            },
        }
    }
    out
}

fn build_target(plugin: &Plugin, task: &TaskType, r: &Resource) -> TokenStream {
    let ty = type_path(plugin, &task.message);
    let m = plugin.message(&task.message);
    let f = format_ident!("build_{}", r.target.to_snake_case());
    let job = quote! { job };
    let object = format_ident!("object");
    let rejects = reject_unsupported(plugin, m, &r.target, &job, &quote! { "" }, 0);
    let assigns = assign(plugin, m, &r.target, &job, &object, &[], 0);
    let context = r.context.iter().map(|c| context_value(plugin, task, c));
    let doc = format!(" Maps the payload onto `{}` `{}` field by field.", r.target, r.kind);
    quote! {
        #[doc = #doc]
        fn #f(job: &#ty, cx: &BuildContext) -> Result<Value, InvalidInput> {
            let _ = cx;
            #(#rejects)*
            let mut object = cr::Object::new();
            #(#assigns)*
            #(#context)*
            Ok(object.into_value())
        }
    }
}

fn context_value(plugin: &Plugin, task: &TaskType, c: &ContextValue) -> TokenStream {
    let path = path_tokens(&keys(&c.path));
    match c.source {
        ContextSource::PrebuiltImage => {
            let m = plugin.message(&task.message);
            let key = |k: ImageKey| m.fields.iter().find(|f| f.image_lookup == Some(k)).map(|f| (field_ident(f), lit(&f.name)));
            let Some((alg, alg_name)) = key(ImageKey::Algorithm) else {
                return quote! {};
            };
            let version = key(ImageKey::Version).map(|(v, _)| quote! { &job.#v }).unwrap_or(quote! { "" });
            let region = m
                .fields
                .iter()
                .find(|f| f.default_from == Some(ContextSource::Region))
                .map(|f| {
                    let id = field_ident(f);
                    quote! { &job.#id }
                })
                .unwrap_or(quote! { cx.region.as_deref().unwrap_or_default() });
            quote! {
                if !job.#alg.is_empty() {
                    let image = cx.prebuilt_image(#alg_name, &job.#alg, #version, #region)?;
                    object.set_if_absent(#path, image);
                }
            }
        }
        source if !c.key_prefix.is_empty() => {
            let expr = context_expr(source);
            let prefix = lit(&c.key_prefix);
            let shape = entry_shape(c.transform);
            let size = c.chunk_size as usize;
            let add = if size == 0 {
                quote! { object.entry(#path, #prefix, value, #shape); }
            } else {
                quote! {
                    for (index, chunk) in cr::chunks(&value, #size).into_iter().enumerate() {
                        object.entry(#path, &format!("{}{index}", #prefix), chunk, #shape);
                    }
                }
            };
            let limit = c.max_entries.map(|max| {
                let max = max as usize;
                let what = lit(&c.path.to_string());
                quote! {
                    let entries = object.entries(#path);
                    if entries > #max {
                        return Err(InvalidInput::new(
                            #what,
                            format!("holds {entries} entries with the task's command added, more than the {} the target accepts; shorten the command or use fewer entries", #max),
                        ));
                    }
                }
            });
            quote! { if let Some(value) = #expr { #add #limit } }
        }
        ContextSource::JobName => quote! { object.set_if_absent(#path, cx.job_name.clone()); },
        source => {
            let expr = context_expr(source);
            quote! { if let Some(value) = #expr { object.set_if_absent(#path, value); } }
        }
    }
}

/// The spec and status paths `interpret` reads for `r`, sorted, without paths inside another
/// (metadata is always kept by the caches, so it is not listed).
fn reads(r: &Resource) -> Vec<Vec<String>> {
    let mut paths: Vec<Vec<String>> = vec![keys(&r.status.phase_path)];
    for rule in &r.status.rules {
        match &rule.matcher {
            Matcher::Status { secondary: Some((path, _)), .. } => paths.push(keys(path)),
            Matcher::Condition { .. } => paths.push(vec!["status".into(), "conditions".into()]),
            Matcher::Status { .. } => {}
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

fn parts(t: &Template) -> TokenStream {
    let ps = t.parts.iter().map(|p| match p {
        Part::Literal(s) => {
            let s = lit(s);
            quote! { Part::Lit(#s) }
        }
        Part::Placeholder(Placeholder::Path(path)) => {
            let p = path_tokens(&keys(path));
            quote! { Part::Path(#p) }
        }
        Part::Placeholder(Placeholder::Condition(which)) if which == "reason" => quote! { Part::ConditionReason },
        Part::Placeholder(Placeholder::Condition(_)) => quote! { Part::ConditionMessage },
    });
    quote! { &[#(#ps),*] }
}

fn phase_tokens(p: Phase) -> TokenStream {
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

fn interpret_target(plugin: &Plugin, task: &TaskType, r: &Resource) -> TokenStream {
    let _ = plugin;
    let f = format_ident!("interpret_{}", r.target.to_snake_case());
    let phase_fn = format_ident!("phase_{}", r.target.to_snake_case());
    let status_path = path_tokens(&keys(&r.status.phase_path));
    let rules = r.status.rules.iter().map(|rule| {
        let phase = phase_tokens(rule.phase);
        let msg = parts(&rule.message);
        match &rule.matcher {
            Matcher::Condition { condition_type } => {
                let ct = lit(condition_type);
                quote! {
                    if let Some(condition) = cr::condition_true(object, #ct) {
                        return (#phase, cr::render_lossy(object, Some(&condition), #msg));
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
                    if matches!(status.as_str(), #(#vs)|*) #secondary_check {
                        return (#phase, cr::render_lossy(object, None, #msg));
                    }
                }
            }
        }
    });
    let uses_status = r.status.rules.iter().any(|rule| matches!(rule.matcher, Matcher::Status { .. }));
    let status_binding = uses_status.then(|| quote! { let status = cr::text(object, #status_path); });
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
    let links_name = format_ident!("LOG_LINKS_{}", r.target.to_uppercase().replace('-', "_"));
    let outputs_name = format_ident!("OUTPUTS_{}", r.target.to_uppercase().replace('-', "_"));
    let outputs_doc = format!(" Task outputs read from a succeeded `{}` `{}`.", r.target, r.kind);
    quote! {
        #[doc = #links_doc]
        const #links_name: &[(&str, &[Part])] = &[#(#links),*];

        #[doc = #outputs_doc]
        const #outputs_name: &[(&str, OutputKind, &[Part])] = &[#(#outputs),*];

        #[doc = #doc]
        fn #phase_fn(object: &Value) -> (Phase, String) {
            #status_binding
            #(#rules)*
            (#otherwise, cr::render_lossy(object, None, #otherwise_msg))
        }

        fn #f(object: &Value) -> Interpretation {
            let (phase, message) = #phase_fn(object);
            let log_links = #links_name
                .iter()
                .filter_map(|(name, parts)| cr::render(object, None, parts).map(|uri| LogLink { name: name.to_string(), uri }))
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
