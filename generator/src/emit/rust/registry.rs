//! The crate around the generated modules: Cargo.toml, the binary, and lib.rs with `PLUGIN`.

use quote::quote;
use proc_macro2::TokenStream;

use super::names::{ident, lit};
use crate::model::*;

pub(super) fn cargo_toml(plugin: &Plugin) -> String {
    format!(
        r#"# @generated from {source} by `cargo run -p generator`. Do not edit: change the .proto and regenerate.
[package]
name = "{name}"
version = "0.1.0"
edition = "2024"
publish = false
description = {description}

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
        name = plugin.rust_crate,
        // A TOML basic string: JSON string escapes are all valid TOML escapes.
        description = serde_json::Value::from(format!(
            "Flyte agent backend for {}: serves the agent gRPC protocol and drives the plugin's custom resources.",
            plugin.title
        )),
    )
}

pub(super) fn main_rs(plugin: &Plugin) -> TokenStream {
    let krate = ident(&plugin.rust_crate_ident);
    let text = format!(" The `{}` backend binary: the machinery's agent server with this plugin.", plugin.rust_crate);
    quote! {
        #![doc = #text]
        fn main() -> std::process::ExitCode {
            machinery::run(&#krate::PLUGIN)
        }
    }
}

pub(super) fn lib_rs(plugin: &Plugin) -> TokenStream {
    let title = format!(" {}: generated plugin crate.", plugin.title);
    let about = " Typed payloads (`model`), their defaults and validation (`checks`), and one module per task type with the mapping onto every target. `PLUGIN` is what the machinery serves.";
    let modules = plugin.task_types.iter().map(|t| {
        let m = ident(&t.rust_module);
        let d = format!(" Task type `{}`.", t.name);
        quote! { #[doc = #d] #[rustfmt::skip] pub mod #m; }
    });
    let name = lit(&plugin.name);
    let ptitle = lit(&plugin.title);
    let targets = plugin.targets.iter().map(|t| {
        let (id, api) = (lit(&t.id), lit(&t.api_version));
        quote! { machinery::plugin::TargetDef { id: #id, api_version: #api } }
    });
    let settings = plugin.settings.iter().map(|s| {
        let (name, doc, default) = (lit(&s.name), lit(&s.doc), lit(&s.default));
        quote! { machinery::plugin::SettingDef { name: #name, doc: #doc, default: #default } }
    });
    let (reads_region, reads_role) = (plugin.reads_region(), plugin.reads_source(ContextSource::IamRole));
    let tasks = plugin.task_types.iter().map(|t| {
        let m = ident(&t.rust_module);
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
            settings: &[#(#settings),*],
            reads_region: #reads_region,
            reads_role: #reads_role,
        };
    }
}
