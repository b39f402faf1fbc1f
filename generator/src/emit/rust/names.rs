//! Names of prost-generated items and of the generated crate's modules.

use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::{format_ident, quote};

use crate::crpath::{CrPath, Segment};
use crate::model::*;

pub fn crate_name(plugin: &Plugin) -> String {
    format!("{}-plugin", plugin.name)
}

pub(super) fn module_name(task: &TaskType) -> String {
    task.message.rsplit('.').next().unwrap_or(&task.message).to_snake_case()
}

pub(super) fn lit(s: &str) -> Literal {
    Literal::string(s)
}

/// `pkg.Outer.Inner` -> `crate::model::outer::Inner`, as prost-build names it.
pub(super) fn type_path(plugin: &Plugin, full_name: &str) -> TokenStream {
    let relative = full_name.strip_prefix(&plugin.proto_package).map_or(full_name, |s| s.trim_start_matches('.'));
    let parts: Vec<&str> = relative.split('.').collect();
    let (last, outer) = parts.split_last().expect("non-empty name");
    let modules = outer.iter().map(|m| format_ident!("{}", m.to_snake_case()));
    let ty = format_ident!("{}", last.to_upper_camel_case());
    quote! { crate::model:: #(#modules ::)* #ty }
}

pub(super) fn variant(e: &Enum, value: &EnumValue) -> Ident {
    let prefix = e.full_name.rsplit('.').next().unwrap_or(&e.full_name).to_upper_camel_case();
    let name = value.name.to_upper_camel_case();
    let stripped = name.strip_prefix(&prefix).filter(|s| s.chars().next().is_some_and(char::is_uppercase)).unwrap_or(&name);
    format_ident!("{}", stripped)
}

pub(super) fn field_ident(field: &Field) -> Ident {
    match field.rust_name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => format_ident!("{}", field.rust_name),
    }
}

/// prost's getter of an enum field returns the enum (the default for unknown numbers).
pub(super) fn getter(field: &Field) -> Ident {
    field_ident(field)
}

pub(super) fn path_tokens(path: &[String]) -> TokenStream {
    let parts = path.iter().map(|p| lit(p));
    quote! { &[#(#parts),*] }
}

pub(super) fn keys(path: &CrPath) -> Vec<String> {
    path.segments
        .iter()
        .map(|s| match s {
            Segment::Key(k) => k.clone(),
            Segment::Items => panic!("generator bug: `[]` in a placement path"),
        })
        .collect()
}
