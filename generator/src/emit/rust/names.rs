//! Tokens for the names lowering settled: prost-generated items, the crate's modules, literals.

use proc_macro2::{Ident, Literal, Span, TokenStream, TokenTree};
use quote::quote;

use crate::crpath::{CrPath, Segment};
use crate::model::*;

/// An identifier from the model (raw identifiers included).
pub(super) fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// Whether `tokens` use the identifier `name` anywhere: a parameter the body does not use is
/// written `_name`, so no placeholder statement is needed to silence the compiler.
/// A field access (`self.cx`) is not a use of the local `cx`.
pub(super) fn uses(tokens: &TokenStream, name: &str) -> bool {
    let mut after_dot = false;
    tokens.clone().into_iter().any(|t| {
        let used = match &t {
            TokenTree::Ident(i) => !after_dot && i == name,
            TokenTree::Group(g) => uses(&g.stream(), name),
            _ => false,
        };
        after_dot = matches!(&t, TokenTree::Punct(p) if p.as_char() == '.');
        used
    })
}

/// `name`, or `_name` when `body` does not use it.
pub(super) fn param(body: &TokenStream, name: &str) -> Ident {
    if uses(body, name) { ident(name) } else { ident(&format!("_{name}")) }
}

pub(super) fn lit(s: &str) -> Literal {
    Literal::string(s)
}

/// `crate::model::outer::Inner`: the prost-generated type of message or enum `full_name`.
pub(super) fn type_path(plugin: &Plugin, full_name: &str) -> TokenStream {
    let path = match plugin.messages.iter().find(|m| m.full_name == full_name) {
        Some(m) => &m.rust_path,
        None => &plugin.enumeration(full_name).rust_path,
    };
    let parts = path.iter().map(|p| ident(p));
    quote! { crate::model:: #(#parts)::* }
}

pub(super) fn variant(value: &EnumValue) -> Ident {
    ident(&value.rust_variant)
}

pub(super) fn field_ident(field: &Field) -> Ident {
    ident(&field.rust_name)
}

/// prost's getter of an enum field returns the enum (the default for unknown numbers).
pub(super) fn getter(field: &Field) -> Ident {
    field_ident(field)
}

pub(super) fn path_tokens(path: &[String]) -> TokenStream {
    let parts = path.iter().map(|p| lit(p));
    quote! { &[#(#parts),*] }
}

/// The keys of a path the backend reads (status, templates): list items by position, as
/// `cr::text` takes them. Lowering rejects `[]` and keyed items wherever such a path is written.
pub(super) fn keys(path: &CrPath) -> Vec<String> {
    path.segments
        .iter()
        .filter_map(|s| match s {
            Segment::Key(k) => Some(k.clone()),
            Segment::Index(i) => Some(i.to_string()),
            Segment::Items | Segment::Match { .. } => None,
        })
        .collect()
}

/// The segments of a path the backend writes (everything but `[]`, which lowering rejects).
pub(super) fn segments(path: &CrPath) -> Vec<Segment> {
    path.segments.iter().filter(|s| **s != Segment::Items).cloned().collect()
}

/// `obj.method(path, args)`: a path of keys only takes `cr::Object`'s `&[&str]` methods (most
/// paths, and the shortest code); one that reaches into list items takes the `_at` twin with
/// `cr::Seg`s.
pub(super) fn write_call(obj: &Ident, method: &str, path: &[Segment], args: TokenStream) -> TokenStream {
    let plain: Option<Vec<&String>> = path.iter().map(|s| if let Segment::Key(k) = s { Some(k) } else { None }).collect();
    match plain {
        Some(keys) => {
            let m = ident(method);
            let parts = keys.iter().map(|k| lit(k));
            quote! { #obj.#m(&[#(#parts),*], #args) }
        }
        None => {
            let m = ident(&format!("{method}_at"));
            let parts = path.iter().map(|s| match s {
                Segment::Key(k) => {
                    let k = lit(k);
                    quote! { Seg::Key(#k) }
                }
                Segment::Index(i) => quote! { Seg::Index(#i) },
                Segment::Match { key, value } => {
                    let (k, v) = (lit(key), lit(value));
                    quote! { Seg::Match(#k, #v) }
                }
                Segment::Items => unreachable!("lowering rejects [] in written paths"),
            });
            quote! { #obj.#m(&[#(#parts),*], #args) }
        }
    }
}
