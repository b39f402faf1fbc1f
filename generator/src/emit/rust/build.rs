//! `build_<target>`: the payload written onto the target's object field by field.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::checks::{context_expr, is_set};
use super::names::{field_ident, getter, ident, lit, param, segments, type_path, write_call};
use crate::crpath::Segment;
use crate::model::*;

/// Expression for a scalar value of `field` read from `value`, shaped by `transform`.
pub(super) fn scalar(field: &Field, value: TokenStream, transform: Transform) -> TokenStream {
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

pub(super) fn entry_shape(transform: Transform) -> TokenStream {
    match transform {
        Transform::NameValueList => quote! { Shape::NameValue },
        Transform::KeyValueList => quote! { Shape::KeyValue },
        _ => quote! { Shape::Map },
    }
}

/// Statements writing every supported field of message `m` (held in `var`) into `obj`, at
/// `prefix` plus each field's placement path.
pub(super) fn assign(plugin: &Plugin, m: &Message, target: &str, var: &TokenStream, obj: &Ident, prefix: &[Segment], depth: usize) -> Vec<TokenStream> {
    let mut out = Vec::new();
    for f in &m.fields {
        let Some(placement) = f.placements.get(target) else { continue };
        let Some(rel) = &placement.path else { continue };
        let mut path = prefix.to_vec();
        path.extend(segments(rel));
        let id = field_ident(f);
        let value = quote! { #var.#id };
        let transform = placement.transform;
        let entry = matches!(transform, Transform::NameValueList | Transform::KeyValueList) && f.cardinality != Cardinality::Map;
        let (parent, key) = path.split_at(path.len() - 1);
        let write = |v: TokenStream| -> TokenStream {
            if entry {
                let shape = entry_shape(transform);
                let Segment::Key(key) = &key[0] else { unreachable!("lowering: an entry path ends in a key") };
                let key_lit = lit(key);
                let call = write_call(obj, "entry", parent, quote! { #key_lit, #v, #shape });
                quote! { #call; }
            } else {
                let call = write_call(obj, "set", &path, v);
                quote! { #call; }
            }
        };
        let call = |method: &str, args: TokenStream| -> TokenStream { write_call(obj, method, &path, args) };
        let stmt = match (&f.cardinality, &f.ty) {
            (Cardinality::Map, _) => {
                let shape = entry_shape(transform);
                // Entries are strings; numbers and booleans are written as their text.
                if f.ty == FieldType::String {
                    let add = call("entry", quote! { key, value.clone(), #shape });
                    quote! { for (key, value) in &#value { #add; } }
                } else {
                    let text = scalar(f, quote! { value }, Transform::ToString);
                    let add = call("entry", quote! { key, #text, #shape });
                    quote! { for (key, &value) in &#value { #add; } }
                }
            }
            (Cardinality::Repeated, FieldType::Message(child)) => {
                let el = format_ident!("element{}", if depth == 0 { String::new() } else { depth.to_string() });
                let item = format_ident!("item{}", if depth == 0 { String::new() } else { depth.to_string() });
                let item_t = quote! { #item };
                let inner = assign(plugin, plugin.message(child), target, &item_t, &el, &[], depth + 1);
                let push = call("push", quote! { #el.into_value() });
                quote! {
                    for #item in &#value {
                        let mut #el = cr::Object::new();
                        #(#inner)*
                        #push;
                    }
                }
            }
            (Cardinality::Repeated, FieldType::Enum(name)) => {
                let ety = type_path(plugin, name);
                let set = call("set", quote! { #value.iter().filter_map(|v| #ety::try_from(*v).ok().and_then(#ety::api)).collect::<Vec<_>>() });
                quote! {
                    if !#value.is_empty() {
                        #set;
                    }
                }
            }
            (Cardinality::Repeated, FieldType::String) => {
                let set = call("set", quote! { #value.clone() });
                quote! {
                    if !#value.is_empty() {
                        #set;
                    }
                }
            }
            (Cardinality::Repeated, _) => {
                let conv = scalar(f, quote! { v }, transform);
                let item = if matches!(f.ty, FieldType::String) { quote! { v } } else { quote! { &v } };
                let set = call("set", quote! { #value.iter().map(|#item| #conv).collect::<Vec<_>>() });
                quote! {
                    if !#value.is_empty() {
                        #set;
                    }
                }
            }
            (_, FieldType::Message(child)) => {
                let sub = ident(&f.rust_binding);
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
pub(super) fn reject_unsupported(plugin: &Plugin, m: &Message, target: &str, var: &TokenStream, path: &TokenStream, depth: usize) -> Vec<TokenStream> {
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
                    let sub = ident(&f.rust_binding);
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

pub(super) fn build_target(plugin: &Plugin, task: &TaskType, r: &Resource) -> TokenStream {
    let ty = type_path(plugin, &task.message);
    let m = plugin.message(&task.message);
    let f = ident(&plugin.target(&r.target).rust.build_fn);
    let job = quote! { job };
    let object = format_ident!("object");
    let rejects = reject_unsupported(plugin, m, &r.target, &job, &quote! { "" }, 0);
    let assigns = assign(plugin, m, &r.target, &job, &object, &[], 0);
    let context = r.context.iter().map(|c| context_value(plugin, task, c));
    let constants = r.constants.iter().map(constant);
    let doc = format!(" Maps the payload onto `{}` `{}` field by field.", r.target, r.kind);
    let body = quote! {
        #(#rejects)*
        let mut object = cr::Object::new();
        #(#assigns)*
        #(#context)*
        #(#constants)*
        Ok(object.into_value())
    };
    let cx = param(&body, "cx");
    quote! {
        #[doc = #doc]
        fn #f(job: &#ty, #cx: &BuildContext) -> Result<Value, InvalidInput> {
            #body
        }
    }
}

pub(super) fn context_value(plugin: &Plugin, task: &TaskType, c: &ContextValue) -> TokenStream {
    let object = format_ident!("object");
    let path = segments(&c.path);
    let call = |method: &str, args: TokenStream| -> TokenStream { write_call(&object, method, &path, args) };
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
            let set = call("set_if_absent", quote! { image });
            quote! {
                if !job.#alg.is_empty() {
                    let image = cx.prebuilt_image(#alg_name, &job.#alg, #version, #region)?;
                    #set;
                }
            }
        }
        source if !c.key_prefix.is_empty() => {
            let expr = context_expr(source);
            let prefix = lit(&c.key_prefix);
            let shape = entry_shape(c.transform);
            let size = c.chunk_size as usize;
            let add = if size == 0 {
                let add = call("entry", quote! { #prefix, value, #shape });
                quote! { #add; }
            } else {
                let add = call("entry", quote! { &format!("{}{index}", #prefix), chunk, #shape });
                quote! {
                    for (index, chunk) in cr::chunks(&value, #size).into_iter().enumerate() {
                        #add;
                    }
                }
            };
            let limit = c.max_entries.map(|max| {
                let max = max as usize;
                let what = lit(&c.path.to_string());
                let entries = call("entries", quote! {});
                quote! {
                    let entries = #entries;
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
        // Sources that add one entry per variable, label or annotation next to the payload's own.
        ContextSource::ContainerEnv | ContextSource::ExecutionLabels | ContextSource::ExecutionAnnotations => {
            let (entries, shape) = match c.source {
                ContextSource::ContainerEnv if c.transform == Transform::AsIs => (quote! { &cx.container_env }, quote! { Shape::Map }),
                ContextSource::ContainerEnv => (quote! { &cx.container_env }, entry_shape(Transform::NameValueList)),
                ContextSource::ExecutionLabels => (quote! { &cx.labels }, quote! { Shape::Map }),
                _ => (quote! { &cx.annotations }, quote! { Shape::Map }),
            };
            let add = call("entry", quote! { key, value.clone(), #shape });
            quote! { for (key, value) in #entries { #add; } }
        }
        ContextSource::ContainerResource => {
            let Some(resource) = &c.resource else { return quote! {} };
            let (side, name) = (lit(&resource.side), lit(&resource.name));
            let value = if c.transform == Transform::JvmMemory {
                let field = lit(&format!("template.container.resources.{resource}"));
                quote! { machinery::container::jvm_memory(#field, &quantity)? }
            } else {
                quote! { quantity }
            };
            let set = call("set_if_absent", value);
            quote! { if let Some(quantity) = cx.container_resource(#side, #name) { #set; } }
        }
        ContextSource::ContainerCommandLine => {
            let set = call("set_if_absent", quote! { line });
            quote! { if let Some(line) = cx.container_command_line()? { #set; } }
        }
        ContextSource::JobName => {
            let set = call("set_if_absent", quote! { cx.job_name.clone() });
            quote! { #set; }
        }
        source if c.required => {
            let expr = context_expr(source);
            let set = call("set_if_absent", quote! { value });
            let present = call("get", quote! {});
            let field = lit(source.origin());
            let why = lit(&format!("required by task type `{}` but missing", task.name));
            quote! {
                match #expr {
                    Some(value) => { #set; }
                    None if #present.is_none() => return Err(InvalidInput::new(#field, #why)),
                    None => {}
                }
            }
        }
        source => {
            let expr = context_expr(source);
            let set = call("set_if_absent", quote! { value });
            quote! { if let Some(value) = #expr { #set; } }
        }
    }
}

/// `object.set(path, value)` for a constant: the JSON value built in place.
pub(super) fn constant(c: &Constant) -> TokenStream {
    let value = json_tokens(&c.value);
    let set = write_call(&format_ident!("object"), "set", &segments(&c.path), value);
    quote! { #set; }
}

fn json_tokens(value: &serde_json::Value) -> TokenStream {
    use serde_json::Value as J;
    match value {
        J::Null => quote! { Value::Null },
        J::Bool(b) => quote! { Value::Bool(#b) },
        J::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => quote! { Value::from(#i) },
            (None, Some(u)) => quote! { Value::from(#u) },
            _ => {
                let f = n.as_f64().unwrap_or_default();
                quote! { Value::from(#f) }
            }
        },
        J::String(s) => quote! { Value::from(#s) },
        J::Array(items) => {
            let items = items.iter().map(json_tokens);
            quote! { Value::Array(vec![#(#items),*]) }
        }
        J::Object(map) => {
            let entries = map.iter().map(|(k, v)| {
                let v = json_tokens(v);
                quote! { (String::from(#k), #v) }
            });
            quote! { Value::Object(serde_json::Map::from_iter([#(#entries),*])) }
        }
    }
}
