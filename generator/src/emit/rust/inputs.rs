//! `apply_inputs`: moving a task's Flyte inputs into its payload.

use proc_macro2::TokenStream;
use quote::quote;

use super::names::{field_ident, lit, type_path};
use crate::model::*;

/// Walks a dotted `into` path through singular sub-messages; returns the place expression.
pub(super) fn place(plugin: &Plugin, message: &str, root: TokenStream, into: &str) -> (TokenStream, Field) {
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

pub(super) fn apply_inputs(plugin: &Plugin, task: &TaskType) -> TokenStream {
    let ty = type_path(plugin, &task.message);
    let mut steps = Vec::new();
    for input in &task.inputs {
        match (&input.name, &input.per_element_of) {
            (None, Some(list)) => {
                let list_field = plugin.message(&task.message).fields.iter().find(|f| &f.name == list).expect("lowered").clone();
                let list_id = field_ident(&list_field);
                let FieldType::Message(element) = &list_field.ty else { unreachable!() };
                let name_field = input.name_field.as_deref().expect("lowered");
                let name_id = field_ident(plugin.message(element).fields.iter().find(|f| f.name == name_field).expect("lowered"));
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

/// `check_bound`, for a task with required inputs per element (one per channel, say): after
/// validation (so a malformed element is reported as such first), every element's input must be
/// bound, or the element would reach the target without its value. `None` for other tasks.
pub(super) fn check_bound(plugin: &Plugin, task: &TaskType) -> Option<TokenStream> {
    let ty = type_path(plugin, &task.message);
    let mut steps = Vec::new();
    for input in task.inputs.iter().filter(|i| i.required) {
        let (None, Some(list)) = (&input.name, &input.per_element_of) else { continue };
        let list_field = plugin.message(&task.message).fields.iter().find(|f| &f.name == list).expect("lowered");
        let list_id = field_ident(list_field);
        let FieldType::Message(element) = &list_field.ty else { unreachable!() };
        let name_field = input.name_field.as_deref().expect("lowered");
        let name_id = field_ident(plugin.message(element).fields.iter().find(|f| f.name == name_field).expect("lowered"));
        steps.push(quote! {
            for item in &job.#list_id {
                if inputs.get(&item.#name_id).is_none() {
                    return Err(InvalidInput::new(format!("inputs.{}", item.#name_id), "required input is not bound"));
                }
            }
        });
    }
    (!steps.is_empty()).then(|| {
        quote! {
            /// Every required input of an element is bound.
            fn check_bound(job: &#ty, inputs: &Inputs) -> Result<(), InvalidInput> {
                #(#steps)*
                Ok(())
            }
        }
    })
}

pub(super) fn input_read(ty: &FlyteType, name: TokenStream) -> TokenStream {
    match ty {
        FlyteType::Blob { .. } => quote! { inputs.blob_uri(#name) },
        FlyteType::Simple { simple: SimpleType::String } => quote! { inputs.string(#name) },
        FlyteType::Simple { simple: SimpleType::Integer } => quote! { inputs.integer(#name) },
        FlyteType::Simple { simple: SimpleType::Float } => quote! { inputs.float(#name) },
        FlyteType::Simple { simple: SimpleType::Boolean } => quote! { inputs.boolean(#name) },
        FlyteType::Simple { simple: SimpleType::Struct } => quote! { inputs.string_map(#name) },
    }
}
