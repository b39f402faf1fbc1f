//! Write: the one place that touches the output folder.
//!
//! The generator owns the folder completely: a file it no longer produces is stale and is
//! deleted (or reported under `--check`). A file is rewritten only when its bytes change, and
//! always through a temporary file in the same folder plus a rename, so an interrupted run leaves
//! each file either old or new, never half-written.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use crate::diagnostics::Error;

/// A generated file: its path relative to the output folder (`/`-separated) and its contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    pub path: String,
    pub contents: String,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    /// Produced but not on disk.
    Missing(String),
    /// On disk with other contents.
    Differs(String),
    /// On disk but no longer produced.
    Stale(String),
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Change::Missing(p) => write!(f, "missing  {p}"),
            Change::Differs(p) => write!(f, "differs  {p}"),
            Change::Stale(p) => write!(f, "stale    {p}"),
        }
    }
}

/// Files and folders inside the output that tools create on their own (Python bytecode caches,
/// package build metadata); they are neither compared nor deleted.
fn is_tool_litter(name: &str) -> bool {
    name == "__pycache__" || name.ends_with(".egg-info") || name == ".pytest_cache" || name == ".ruff_cache"
}

/// Compares the produced files with the output folder.
pub fn plan(out: &Path, files: &[GeneratedFile]) -> Result<Vec<Change>, Error> {
    let produced: BTreeMap<&str, &str> = files.iter().map(|f| (f.path.as_str(), f.contents.as_str())).collect();
    let mut changes = Vec::new();
    for (path, contents) in &produced {
        match std::fs::read(out.join(path)) {
            Ok(bytes) if bytes == contents.as_bytes() => {}
            Ok(_) => changes.push(Change::Differs(path.to_string())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => changes.push(Change::Missing(path.to_string())),
            Err(source) => return Err(Error::Io { context: format!("reading {}", out.join(path).display()), source }),
        }
    }
    let mut on_disk = Vec::new();
    walk(out, out, &mut on_disk)?;
    for path in on_disk {
        if !produced.contains_key(path.as_str()) {
            changes.push(Change::Stale(path));
        }
    }
    changes.sort();
    Ok(changes)
}

/// Carries out `changes` (from [`plan`] over the same `files`).
pub fn apply(out: &Path, files: &[GeneratedFile], changes: &[Change]) -> Result<(), Error> {
    let by_path: BTreeMap<&str, &str> = files.iter().map(|f| (f.path.as_str(), f.contents.as_str())).collect();
    for change in changes {
        match change {
            Change::Missing(path) | Change::Differs(path) => write_atomically(&out.join(path), by_path[path.as_str()])?,
            Change::Stale(path) => {
                let full = out.join(path);
                std::fs::remove_file(&full).map_err(|source| Error::Io { context: format!("deleting {}", full.display()), source })?;
                remove_empty_parents(out, &full);
            }
        }
    }
    Ok(())
}

fn write_atomically(path: &Path, contents: &str) -> Result<(), Error> {
    let io = |context: String| move |source| Error::Io { context, source };
    let dir = path.parent().expect("output files live in a folder");
    std::fs::create_dir_all(dir).map_err(io(format!("creating {}", dir.display())))?;
    let file_name = path.file_name().expect("output files have names").to_string_lossy();
    let temp: PathBuf = dir.join(format!(".{file_name}.generator-tmp"));
    std::fs::write(&temp, contents).map_err(io(format!("writing {}", temp.display())))?;
    std::fs::rename(&temp, path).map_err(io(format!("renaming {} to {}", temp.display(), path.display())))
}

fn remove_empty_parents(out: &Path, file: &Path) {
    let mut dir = file.parent();
    while let Some(d) = dir {
        if d == out || std::fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) -> Result<(), Error> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(source) => return Err(Error::Io { context: format!("reading {}", dir.display()), source }),
    };
    for entry in entries {
        let entry = entry.map_err(|source| Error::Io { context: format!("reading {}", dir.display()), source })?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if is_tool_litter(&name) {
            continue;
        }
        let path = entry.path();
        if path.is_dir() {
            walk(root, &path, out)?;
        } else {
            let relative = path.strip_prefix(root).expect("walked from root");
            out.push(relative.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect::<Vec<_>>().join("/"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, contents: &str) -> GeneratedFile {
        GeneratedFile { path: path.into(), contents: contents.into() }
    }

    #[test]
    fn plan_finds_missing_differing_and_stale_files_and_apply_fixes_them() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        std::fs::create_dir_all(out.join("a")).unwrap();
        std::fs::write(out.join("a/same.md"), "same").unwrap();
        std::fs::write(out.join("a/changed.md"), "old").unwrap();
        std::fs::create_dir_all(out.join("old")).unwrap();
        std::fs::write(out.join("old/stale.md"), "x").unwrap();
        std::fs::create_dir_all(out.join("py/__pycache__")).unwrap();
        std::fs::write(out.join("py/__pycache__/m.pyc"), "x").unwrap();
        let files = vec![file("a/same.md", "same"), file("a/changed.md", "new"), file("b/new.md", "n")];
        let changes = plan(out, &files).unwrap();
        assert_eq!(
            changes,
            vec![
                Change::Missing("b/new.md".into()),
                Change::Differs("a/changed.md".into()),
                Change::Stale("old/stale.md".into()),
            ]
        );
        let untouched = std::fs::metadata(out.join("a/same.md")).unwrap().modified().unwrap();
        apply(out, &files, &changes).unwrap();
        assert!(plan(out, &files).unwrap().is_empty());
        assert_eq!(std::fs::read_to_string(out.join("a/changed.md")).unwrap(), "new");
        assert!(!out.join("old").exists(), "emptied folders are removed");
        assert!(out.join("py/__pycache__/m.pyc").exists(), "tool litter is left alone");
        assert_eq!(std::fs::metadata(out.join("a/same.md")).unwrap().modified().unwrap(), untouched);
        let leftovers: Vec<_> = std::fs::read_dir(out.join("a")).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(leftovers.len(), 2, "no temporary files remain: {leftovers:?}");
    }
}
