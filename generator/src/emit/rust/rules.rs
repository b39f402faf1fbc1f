//! The cross-field rules of a message as statements at the end of its `validate` (backend).
//!
//! Lowering settled every rule and its error text; this spells the tests in Rust with the same
//! meaning of "set" as the field checks (`checks::is_set`) and the SDK.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::checks::{as_f64, is_set, is_unset};
use super::names::{field_ident, lit, type_path, variant};
use crate::model::*;

/// `test` applied to the leaf of `r`, reached from `self` through the messages of the path
/// (`false` when one of them is absent).
fn through(r: &FieldRef, test: &dyn Fn(&Field, TokenStream) -> TokenStream) -> TokenStream {
    fn go(fields: &[Field], base: TokenStream, depth: usize, test: &dyn Fn(&Field, TokenStream) -> TokenStream) -> TokenStream {
        let id = field_ident(&fields[0]);
        if fields.len() == 1 {
            return test(&fields[0], quote! { #base.#id });
        }
        let v = format_ident!("m{}", depth);
        let inner = go(&fields[1..], quote! { #v }, depth + 1, test);
        quote! { #base.#id.as_ref().is_some_and(|#v| #inner) }
    }
    go(&r.fields, quote! { self }, 0, test)
}

fn set(r: &FieldRef) -> TokenStream {
    through(r, &|f, value| is_set(f, value))
}

/// The negation of [`set`], written directly (so no `!(x != 0)` or `!opt.is_some_and(..)`): an
/// absent message on the path leaves the field unset.
fn unset(r: &FieldRef) -> TokenStream {
    fn go(fields: &[Field], base: TokenStream, depth: usize) -> TokenStream {
        let id = field_ident(&fields[0]);
        if fields.len() == 1 {
            return is_unset(&fields[0], quote! { #base.#id });
        }
        let v = format_ident!("m{}", depth);
        let inner = go(&fields[1..], quote! { #v }, depth + 1);
        quote! { #base.#id.as_ref().is_none_or(|#v| #inner) }
    }
    go(&r.fields, quote! { self }, 0)
}

/// The number at `r`, read once the path is known to be set.
fn number(r: &FieldRef) -> TokenStream {
    fn go(fields: &[Field], base: TokenStream, depth: usize) -> TokenStream {
        let f = &fields[0];
        let id = field_ident(f);
        if fields.len() == 1 {
            let value = if f.cardinality == Cardinality::Optional { quote! { #base.#id.unwrap_or_default() } } else { quote! { #base.#id } };
            return as_f64(&f.ty, value);
        }
        let v = format_ident!("m{}", depth);
        let inner = go(&fields[1..], quote! { #v }, depth + 1);
        quote! { #base.#id.as_ref().map_or(0.0, |#v| #inner) }
    }
    go(&r.fields, quote! { self }, 0)
}

/// The string at `r`, read once the path is known to be set.
fn text(r: &FieldRef) -> TokenStream {
    fn go(fields: &[Field], base: TokenStream, depth: usize) -> TokenStream {
        let f = &fields[0];
        let id = field_ident(f);
        if fields.len() == 1 {
            return if f.cardinality == Cardinality::Optional { quote! { #base.#id.as_deref().unwrap_or_default() } } else { quote! { #base.#id.as_str() } };
        }
        let v = format_ident!("m{}", depth);
        let inner = go(&fields[1..], quote! { #v }, depth + 1);
        quote! { #base.#id.as_ref().map_or("", |#v| #inner) }
    }
    go(&r.fields, quote! { self }, 0)
}

fn condition(plugin: &Plugin, c: &Condition) -> TokenStream {
    let test = match &c.test {
        ConditionTest::Container if c.negate => return quote! { !container },
        ConditionTest::Container => quote! { container },
        ConditionTest::Field { field, values } if values.is_empty() && c.negate => return unset(field),
        ConditionTest::Field { field, values } if values.is_empty() => set(field),
        ConditionTest::Field { field, values } => {
            let FieldType::Enum(name) = &field.leaf().ty else { unreachable!("lowering allows `in` on enums only") };
            let e = plugin.enumeration(name);
            let ty = type_path(plugin, name);
            let variants: Vec<TokenStream> = values
                .iter()
                .map(|v| {
                    let var = variant(e.values.iter().find(|x| &x.name == v).expect("lowering resolved the values"));
                    quote! { #ty::#var }
                })
                .collect();
            through(field, &|f, value| {
                let value = if f.cardinality == Cardinality::Optional { quote! { #value.unwrap_or_default() } } else { value };
                quote! { matches!(#ty::try_from(#value), Ok(#(#variants)|*)) }
            })
        }
    };
    if c.negate { quote! { !#test } } else { test }
}

fn names(s: &NameSource) -> TokenStream {
    let id = field_ident(&s.field);
    match &s.name_field {
        Some(n) => {
            let n = field_ident(n);
            quote! { self.#id.iter().map(|e| e.#n.as_str()).collect::<Vec<_>>() }
        }
        None => quote! { self.#id.keys().map(String::as_str).collect::<Vec<_>>() },
    }
}

/// The statements of every rule of `m`, for the end of `validate`.
pub(super) fn rule_checks(plugin: &Plugin, m: &Message) -> Vec<TokenStream> {
    let mut out = Vec::new();
    for rule in &m.rules {
        let message = lit(&rule.message);
        let fail = |field: &str| {
            let f = lit(field);
            quote! { validate::rule(&validate::join(path, #f), #message)?; }
        };
        let first = rule.fields.first().cloned().unwrap_or_default();
        let body = match &rule.check {
            RuleCheck::Forbidden => fail(&first),
            RuleCheck::Requires(refs) => {
                let checks = refs.iter().map(|r| {
                    let s = unset(r);
                    let f = fail(&r.dotted());
                    quote! { if #s { #f } }
                });
                quote! { #(#checks)* }
            }
            RuleCheck::Excludes(refs) => {
                let checks = refs.iter().map(|r| {
                    let s = set(r);
                    let f = fail(&r.dotted());
                    quote! { if #s { #f } }
                });
                quote! { #(#checks)* }
            }
            RuleCheck::ExactlyOneOf(refs) | RuleCheck::AtLeastOneOf(refs) => {
                let sets = refs.iter().map(set);
                let f = fail(&first);
                let test = if matches!(rule.check, RuleCheck::ExactlyOneOf(_)) { quote! { != 1 } } else { quote! { == 0 } };
                quote! { if [#(#sets),*].iter().filter(|s| **s).count() #test { #f } }
            }
            RuleCheck::Compare { field, op, value, other } => {
                let mut test = set(field);
                let right = match (other, value) {
                    (Some(o), _) => {
                        let s = set(o);
                        test = quote! { #test && #s };
                        number(o)
                    }
                    (None, Some(v)) => {
                        let l = proc_macro2::Literal::f64_unsuffixed(*v);
                        quote! { #l }
                    }
                    (None, None) => unreachable!("lowering requires a side"),
                };
                let left = number(field);
                let (f, op) = (lit(&field.dotted()), lit(op.symbol()));
                quote! { if #test { validate::rule_compare(&validate::join(path, #f), #left, #op, #right, #message)?; } }
            }
            RuleCheck::Distinct(sources) => {
                let parts = sources.iter().map(|s| {
                    let label = lit(&s.label());
                    let n = names(s);
                    quote! { (#label, #n) }
                });
                quote! { validate::distinct(path, &[#(#parts),*], #message)?; }
            }
            RuleCheck::Member { field, source } => {
                let (s, value, n, f) = (set(field), text(field), names(source), lit(&field.dotted()));
                quote! { if #s { validate::member(&validate::join(path, #f), #value, &#n, #message)?; } }
            }
        };
        let when: Vec<TokenStream> = rule.when.iter().map(|c| condition(plugin, c)).collect();
        out.push(if when.is_empty() { body } else { quote! { if #(#when)&&* { #body } } });
    }
    out
}
