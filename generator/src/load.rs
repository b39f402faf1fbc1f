//! Load: compile every `.proto` under the proto root in-process (protox, no `protoc`).

use std::path::{Path, PathBuf};

use prost_reflect::DescriptorPool;
use protox::file::{ChainFileResolver, File, FileResolver, GoogleFileResolver, IncludeFileResolver};

use crate::diagnostics::{Error, Sources};

pub struct Loaded {
    /// Built by protox directly: a pool built from `prost_types` would drop extension options.
    pub pool: DescriptorPool,
    pub sources: Sources,
    /// Every file found under the root, relative to it, `/`-separated, sorted.
    pub files: Vec<String>,
}

pub fn load(root: &Path) -> Result<Loaded, Error> {
    let mut files = Vec::new();
    collect(root, root, &mut files)?;
    files.sort();
    if files.is_empty() {
        return Err(Error::Usage(format!("no .proto files under {}", root.display())));
    }
    let mut resolver = ChainFileResolver::new();
    resolver.add(IncludeFileResolver::new(root.to_path_buf()));
    resolver.add(Vocabulary);
    resolver.add(GoogleFileResolver::new());
    let mut compiler = protox::Compiler::with_file_resolver(resolver);
    compiler.include_imports(true).include_source_info(true);
    compiler.open_files(&files)?;
    // Files on disk are read back for diagnostics; the built-in vocabulary has no path.
    let sources = compiler
        .files()
        .filter_map(|f| {
            let text = match f.path() {
                Some(path) => std::fs::read_to_string(path).ok()?,
                None if f.name() == VOCABULARY_NAME => VOCABULARY.to_string(),
                None => return None,
            };
            Some((f.name().to_string(), text))
        })
        .collect();
    Ok(Loaded { pool: compiler.descriptor_pool(), sources, files })
}

/// The annotation vocabulary, built into the generator so that any proto folder (examples,
/// fixtures) can import `flyteplugin/options.proto` without a copy. A folder that has its own
/// copy on disk uses that one.
const VOCABULARY_NAME: &str = "flyteplugin/options.proto";
const VOCABULARY: &str = include_str!("../../proto/flyteplugin/options.proto");

struct Vocabulary;

impl FileResolver for Vocabulary {
    fn open_file(&self, name: &str) -> Result<File, protox::Error> {
        if name == VOCABULARY_NAME {
            File::from_source(name, VOCABULARY)
        } else {
            Err(protox::Error::file_not_found(name))
        }
    }
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<String>) -> Result<(), Error> {
    let entries = std::fs::read_dir(dir).map_err(|source| Error::Io {
        context: format!("reading directory {}", dir.display()),
        source,
    })?;
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            collect(root, &path, out)?;
        } else if path.extension().is_some_and(|e| e == "proto") {
            let relative = path.strip_prefix(root).expect("walked from root");
            let name = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            out.push(name);
        }
    }
    Ok(())
}
