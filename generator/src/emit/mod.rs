//! Emit: pure functions from the model to files. No descriptors, no user-input error paths.

mod docs;
pub mod kustomize;
pub mod python;
pub mod rust;

use crate::model::{Model, Plugin};
use crate::write::GeneratedFile;

/// Every file of the output folder, in a defined order.
pub fn all(model: &Model) -> Vec<GeneratedFile> {
    let mut files = Vec::new();
    for plugin in &model.plugins {
        files.extend(docs::emit(plugin));
        files.extend(rust::emit(plugin));
        files.extend(python::emit(plugin));
        files.extend(kustomize::emit(plugin));
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}

/// The first line of every generated file, in the file's comment syntax.
pub fn header(plugin: &Plugin, open: &str, close: &str) -> String {
    format!(
        "{open}@generated from {} by `cargo run -p generator`. Do not edit: change the .proto and regenerate.{close}",
        plugin.source
    )
}
