//! Emit: pure functions from the model to files. No descriptors, no user-input error paths.

mod docs;
pub mod kustomize;
pub mod python;
mod python_rules;
pub mod rust;

use crate::model::{Model, Plugin};
use crate::write::GeneratedFile;

/// One emitter: a pure function from a plugin to its files.
type Emitter = fn(&Plugin) -> Vec<GeneratedFile>;

const EMITTERS: [Emitter; 4] = [docs::emit, rust::emit, python::emit, kustomize::emit];

/// Every file of the output folder, in a defined order.
///
/// Emitters are independent pure functions, so each (plugin, emitter) pair runs on its own
/// thread; the result is sorted, so the order of completion never shows in the output.
pub fn all(model: &Model) -> Vec<GeneratedFile> {
    let mut files: Vec<GeneratedFile> = std::thread::scope(|scope| {
        let jobs: Vec<_> = model
            .plugins
            .iter()
            .flat_map(|plugin| EMITTERS.iter().map(move |emit| scope.spawn(move || emit(plugin))))
            .collect();
        jobs.into_iter().flat_map(|job| job.join().expect("generator bug: an emitter panicked")).collect()
    });
    files.sort_by(|a, b| a.path.cmp(&b.path));
    // The names pass made every output path unique; two files at one path would lose one.
    if let Some(pair) = files.windows(2).find(|w| w[0].path == w[1].path) {
        panic!("generator bug: two generated files at {}", pair[0].path);
    }
    files
}

/// The first line of every generated file, in the file's comment syntax.
pub fn header(plugin: &Plugin, open: &str, close: &str) -> String {
    format!(
        "{open}@generated from {} by `cargo run -p generator`. Do not edit: change the .proto and regenerate.{close}",
        plugin.source
    )
}
