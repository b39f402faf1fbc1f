//! The Rust plugin crate: typed model (prost-build), defaults and validation per message, and per
//! task type one build function per target with explicit field assignments plus the status
//! mapping. Built with `quote!` and formatted once with prettyplease.
//!
//! One job per file: [`registry`] (Cargo.toml, main.rs, lib.rs with `PLUGIN`), [`model`]
//! (prost types and the embedded descriptors), [`checks`] (enum API strings, defaults,
//! validation), [`task`] (one module per task type) with [`inputs`], [`build`] (payload -> object)
//! and [`interpret`] (object -> phase, links, outputs); [`names`] holds the names of
//! prost-generated items.

mod build;
mod checks;
mod inputs;
mod interpret;
mod model;
mod names;
mod registry;
mod rules;
mod task;

use proc_macro2::TokenStream;

use crate::model::*;
use crate::write::GeneratedFile;

use checks::checks_rs;
use model::{descriptor_rs, model_rs};
use registry::{cargo_toml, lib_rs, main_rs};
use task::task_rs;

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
        let tasks: Vec<_> = plugin.task_types.iter().map(|task| scope.spawn(move || rs(&format!("{}.rs", task.rust_module.trim_start_matches("r#")), task_rs(plugin, task), ""))).collect();
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
