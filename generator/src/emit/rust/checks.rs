//! checks.rs: enum API strings, defaults, validation.

use std::collections::BTreeMap;

use proc_macro2::{Ident, Literal, TokenStream};
use quote::quote;

use super::names::{field_ident, lit, param, type_path, variant};
use crate::model::*;

pub(super) fn checks_rs(plugin: &Plugin) -> TokenStream {
    let enums = plugin.enums.iter().map(|e| enum_impl(plugin, e));
    let has_defaults = defaults_table(plugin);
    let messages: Vec<TokenStream> = plugin.messages.iter().map(|m| message_checks(plugin, m, &has_defaults)).collect();
    // Import only what the checks use, so a plugin without validation builds without warnings.
    let validate_use = messages.iter().any(|m| m.to_string().contains("validate ::")).then(|| quote! { use machinery::validate; });
    let rules = plugin.messages.iter().flat_map(|m| m.rules.iter().map(move |r| {
        let (message, name) = (lit(&m.full_name), lit(&r.name));
        quote! { (#message, #name) }
    }));
    quote! {
        //! Enum API strings, defaults and validation of every payload message, as the
        //! annotations declare them. Validation errors name the field path.
        // One `if` per check keeps each rule readable on its own.
        #![allow(clippy::collapsible_if, reason = "one `if` per check keeps each rule readable on its own")]

        use machinery::plugin::{BuildContext, InvalidInput};
        #validate_use

        /// Every cross-field rule (`flyteplugin.rules`) as (message full name, rule name), in
        /// message order: what tests enumerate so that no rule goes unchecked.
        pub const RULES: &[(&str, &str)] = &[#(#rules),*];

        #(#enums)*
        #(#messages)*
    }
}

pub(super) fn enum_impl(plugin: &Plugin, e: &Enum) -> TokenStream {
    let ty = type_path(plugin, &e.full_name);
    let api_arms = e.values.iter().map(|v| {
        let var = variant(v);
        match &v.api {
            Some(api) => quote! { Self::#var => Some(#api), },
            None => quote! { Self::#var => None, },
        }
    });
    let mut by_target: BTreeMap<&str, Vec<Ident>> = BTreeMap::new();
    for v in &e.values {
        for t in &v.unsupported_in {
            by_target.entry(t).or_default().push(variant(v));
        }
    }
    let unsupported_arms = by_target.iter().map(|(t, vars)| {
        let t = lit(t);
        quote! { #t => matches!(self, #(Self::#vars)|*), }
    });
    let unsupported_body = if by_target.is_empty() {
        quote! { false }
    } else {
        quote! { match target { #(#unsupported_arms)* _ => false, } }
    };
    let target = param(&unsupported_body, "target");
    let name = e.full_name.rsplit('.').next().unwrap_or(&e.full_name);
    let api_doc = format!(" The string the target APIs expect for this `{name}` value (`None` for \"not set\").");
    quote! {
        impl #ty {
            #[doc = #api_doc]
            pub fn api(self) -> Option<&'static str> {
                match self { #(#api_arms)* }
            }

            /// Whether `target` rejects this value.
            pub fn unsupported_in(self, #target: &str) -> bool {
                #unsupported_body
            }
        }
    }
}

/// Which messages carry defaults (directly or in singular sub-messages), and may therefore be
/// created when absent: only those without required fields, so creating one never fails.
pub(super) fn defaults_table(plugin: &Plugin) -> BTreeMap<String, bool> {
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

pub(super) fn is_set(field: &Field, value: TokenStream) -> TokenStream {
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
pub(super) fn is_unset(field: &Field, value: TokenStream) -> TokenStream {
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
pub(super) fn as_f64(ty: &FieldType, value: TokenStream) -> TokenStream {
    if *ty == FieldType::Double { value } else { quote! { #value as f64 } }
}

pub(super) fn context_expr(source: ContextSource) -> TokenStream {
    match source {
        ContextSource::JobName => quote! { Some(cx.job_name.clone()) },
        ContextSource::ContainerImage => quote! { cx.container_image.clone() },
        ContextSource::ContainerCommand => quote! { cx.container_command.as_ref().map(|c| serde_json::to_string(c).unwrap_or_default()) },
        ContextSource::OutputPrefix => quote! { Some(cx.output_prefix.clone()).filter(|p| !p.is_empty()) },
        ContextSource::IamRole => quote! { cx.iam_role.clone() },
        ContextSource::Region => quote! { cx.region.clone() },
        ContextSource::PrebuiltImage => quote! { None::<String> },
        ContextSource::ContainerArgs => quote! { cx.container_command.clone() },
        ContextSource::ContainerCommandLine => quote! { cx.container_command.as_deref().and_then(|c| machinery::container::command_line(c).ok()) },
        ContextSource::ContainerResources => quote! { cx.container_resources.clone() },
        // Written by `build::context_value`, which knows the resource; lowering lets no other use
        // (default_from, key_prefix) reach here.
        ContextSource::ContainerResource => quote! { None::<String> },
        ContextSource::ServiceAccount => quote! { cx.service_account.clone() },
        // Entry sources are written entry by entry (see `build::context_value`); as one value
        // they are the JSON text of the collection.
        ContextSource::ContainerEnv => quote! { Some(serde_json::to_string(&cx.container_env).unwrap_or_default()) },
        ContextSource::ExecutionLabels => quote! { Some(serde_json::to_string(&cx.labels).unwrap_or_default()) },
        ContextSource::ExecutionAnnotations => quote! { Some(serde_json::to_string(&cx.annotations).unwrap_or_default()) },
    }
}

pub(super) fn default_literal(plugin: &Plugin, field: &Field, value: &serde_json::Value) -> TokenStream {
    match (&field.ty, value) {
        (FieldType::String, serde_json::Value::String(s)) => quote! { #s.to_string() },
        (FieldType::Bool, serde_json::Value::Bool(b)) => quote! { #b },
        (FieldType::Enum(name), serde_json::Value::String(v)) => {
            let e = plugin.enumeration(name);
            let value = e.values.iter().find(|x| &x.name == v).expect("lowering checked the default");
            let ty = type_path(plugin, name);
            let var = variant(value);
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

pub(super) fn message_checks(plugin: &Plugin, m: &Message, creatable: &BTreeMap<String, bool>) -> TokenStream {
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
    // After the fields' own checks, as in the SDK.
    checks.extend(super::rules::rule_checks(plugin, m));
    let short = m.full_name.rsplit('.').next().unwrap_or(&m.full_name);
    let d_doc = format!(" Fills unset fields of this `{short}` with their declared defaults and context values.");
    let v_doc = format!(
        " Checks this `{short}` against its declared validation and rules for `target`; `path` prefixes field names in errors, `container` says whether the task template carries a container."
    );
    let defaults = quote! { #(#defaults)* };
    let checks = quote! { #(#checks)* };
    let cx = param(&defaults, "cx");
    let (path, target, container) = (param(&checks, "path"), param(&checks, "target"), param(&checks, "container"));
    quote! {
        impl #ty {
            #[doc = #d_doc]
            pub fn apply_defaults(&mut self, #cx: &BuildContext) {
                #defaults
            }

            #[doc = #v_doc]
            pub fn validate(&self, #path: &str, #target: &str, #container: bool) -> Result<(), InvalidInput> {
                #checks
                Ok(())
            }
        }
    }
}

pub(super) fn opt_f64(v: Option<f64>) -> TokenStream {
    match v {
        Some(x) => {
            let l = Literal::f64_unsuffixed(x);
            quote! { Some(#l) }
        }
        None => quote! { None },
    }
}

pub(super) fn opt_u32(v: Option<u32>) -> TokenStream {
    match v {
        Some(x) => quote! { Some(#x) },
        None => quote! { None },
    }
}

/// `validate::k8s::value(...)` when the field declares a Kubernetes value type.
fn kind_check(v: &Validation, item: &TokenStream) -> Option<TokenStream> {
    let kind = match v.kind? {
        K8sValue::Quantity => quote! { Quantity },
        K8sValue::LabelValue => quote! { LabelValue },
        K8sValue::DnsLabel => quote! { DnsLabel },
        K8sValue::DnsSubdomain => quote! { DnsSubdomain },
    };
    Some(quote! { validate::k8s::value(&field, #item, validate::k8s::Kind::#kind)?; })
}

pub(super) fn field_validation(plugin: &Plugin, m: &Message, f: &Field) -> Vec<TokenStream> {
    let id = field_ident(f);
    let v = &f.validation;
    let mut out = Vec::new();
    let value = quote! { self.#id };
    if v.required {
        let set = is_set(f, value.clone());
        out.push(match &v.required_from {
            Some(ways) => quote! { validate::required_or(&field, #set, #ways)?; },
            None => quote! { validate::required(&field, #set)?; },
        });
    }
    let (min, max) = (opt_f64(v.min), opt_f64(v.max));
    let (min_len, max_len) = (opt_u32(v.min_len), opt_u32(v.max_len));
    // Length bounds and pattern; `kind` also checks the Kubernetes value type (values, not keys).
    let string_checks = |item: TokenStream, kind: bool| -> Vec<TokenStream> {
        let mut c = Vec::new();
        if v.min_len.is_some() || v.max_len.is_some() {
            c.push(quote! { validate::length(&field, #item, #min_len, #max_len)?; });
        }
        if let Some(p) = &v.pattern {
            c.push(quote! { validate::pattern(&field, #item, #p)?; });
        }
        if kind {
            c.extend(kind_check(v, &item));
        }
        c
    };
    match (&f.cardinality, &f.ty) {
        (Cardinality::Map, _) => {
            if v.min.is_some() || v.max.is_some() {
                out.push(quote! { if !self.#id.is_empty() { validate::count(&field, self.#id.len(), #min, #max)?; } });
            }
            let key_checks = string_checks(quote! { key }, false);
            let mut value_checks: Vec<TokenStream> = if v.min_len.is_some() || v.max_len.is_some() {
                vec![quote! { validate::length(&field, value, #min_len, #max_len)?; }]
            } else {
                Vec::new()
            };
            // The Kubernetes value type is the values' (a node selector's label values).
            value_checks.extend(kind_check(v, &quote! { value }));
            if !key_checks.is_empty() || !value_checks.is_empty() {
                let value_binding = if value_checks.is_empty() { quote! { _value } } else { quote! { value } };
                out.push(if key_checks.is_empty() {
                    quote! { for value in self.#id.values() { #(#value_checks)* } }
                } else {
                    quote! { for (key, #value_binding) in &self.#id { #(#key_checks)* #(#value_checks)* } }
                });
            }
            for list in &v.keys_not_in {
                let list_field = m.fields.iter().find(|x| &x.name == list).expect("lowering checked keys_not_in");
                let list_id = field_ident(list_field);
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
                    let c = string_checks(quote! { item }, true);
                    if !c.is_empty() {
                        out.push(quote! { for item in &self.#id { #(#c)* } });
                    }
                }
                FieldType::Message(_) => {
                    out.push(quote! { for (i, item) in self.#id.iter().enumerate() { item.validate(&format!("{field}[{i}]"), target, container)?; } });
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
                FieldType::String => c.extend(string_checks(if optional { quote! { value } } else { quote! { &self.#id } }, true)),
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
                    out.push(quote! { if let Some(child) = &self.#id { child.validate(&field, target, container)?; } });
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
