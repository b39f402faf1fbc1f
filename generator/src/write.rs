//! Write: the one place that touches the output folder.
//!
//! The generator owns the folder completely: a file it no longer produces is stale and is
//! deleted (or reported under `--check`). A file is rewritten only when its bytes change, and
//! always through a temporary file in the same folder, synced, then renamed over it (and the
//! folder synced), so an interrupted run leaves each file either old or new, never half-written.
//! Temporary names are unique per run; one an interrupted run left behind is removed by the next
//! run that writes, and is never reported as stale.

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

/// Suffix of the temporary files a write goes through.
const TEMP_SUFFIX: &str = ".generator-tmp";

/// Whether `name` is one of this generator's temporary files (of this or an interrupted run).
fn is_temp_file(name: &str) -> bool {
    name.starts_with('.') && name.ends_with(TEMP_SUFFIX)
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
    walk(out, out, &mut on_disk, &mut Vec::new())?;
    for path in on_disk {
        if !produced.contains_key(path.as_str()) {
            changes.push(Change::Stale(path));
        }
    }
    changes.sort();
    Ok(changes)
}

/// Carries out `changes` (from [`plan`] over the same `files`).
/// Carries out `changes` (from [`plan`] over the same `files`), and removes temporary files an
/// interrupted run left behind.
pub fn apply(out: &Path, files: &[GeneratedFile], changes: &[Change]) -> Result<(), Error> {
    let mut leftovers = Vec::new();
    walk(out, out, &mut Vec::new(), &mut leftovers)?;
    for temp in leftovers {
        // Another run may be removing it too; gone is gone.
        let _ = std::fs::remove_file(out.join(&temp));
    }
    let by_path: BTreeMap<&str, &str> = files.iter().map(|f| (f.path.as_str(), f.contents.as_str())).collect();
    let run = RunId::new();
    let mut written_dirs = std::collections::BTreeSet::new();
    for change in changes {
        match change {
            Change::Missing(path) | Change::Differs(path) => {
                let full = out.join(path);
                write_atomically(&full, by_path[path.as_str()], &run)?;
                written_dirs.insert(full.parent().expect("output files live in a folder").to_path_buf());
            }
            Change::Stale(path) => {
                let full = out.join(path);
                match std::fs::remove_file(&full) {
                    Ok(()) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(source) => return Err(Error::Io { context: format!("deleting {}", full.display()), source }),
                }
                remove_empty_parents(out, &full);
            }
        }
    }
    // The renames are durable once their folders are synced; once per folder is enough, as each
    // file is already whole under either name.
    for dir in written_dirs {
        std::fs::File::open(&dir).and_then(|d| d.sync_all()).map_err(|source| Error::Io { context: format!("syncing {}", dir.display()), source })?;
    }
    Ok(())
}

/// Makes this run's temporary names unique: process id, start time, run and file counters.
struct RunId {
    prefix: String,
    next: std::cell::Cell<u64>,
}

impl RunId {
    fn new() -> Self {
        static RUNS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let run = RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        Self { prefix: format!("{}-{nanos:x}-{run}", std::process::id()), next: std::cell::Cell::new(0) }
    }

    fn temp_name(&self, file_name: &str) -> String {
        let n = self.next.get();
        self.next.set(n + 1);
        format!(".{file_name}.{}-{n}{TEMP_SUFFIX}", self.prefix)
    }
}

fn write_atomically(path: &Path, contents: &str, run: &RunId) -> Result<(), Error> {
    use std::io::Write as _;
    let io = |context: String| move |source| Error::Io { context, source };
    let dir = path.parent().expect("output files live in a folder");
    std::fs::create_dir_all(dir).map_err(io(format!("creating {}", dir.display())))?;
    let file_name = path.file_name().expect("output files have names").to_string_lossy();
    let temp: PathBuf = dir.join(run.temp_name(&file_name));
    let written = std::fs::File::create(&temp).and_then(|mut file| {
        file.write_all(contents.as_bytes())?;
        // The bytes reach the disk before the name does, so a crash never shows an empty file.
        file.sync_all()
    });
    if let Err(source) = written {
        let _ = std::fs::remove_file(&temp);
        return Err(Error::Io { context: format!("writing {}", temp.display()), source });
    }
    std::fs::rename(&temp, path).map_err(|source| {
        let _ = std::fs::remove_file(&temp);
        Error::Io { context: format!("renaming {} to {}", temp.display(), path.display()), source }
    })
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

/// Every file under `dir`, relative to `root`: generator temporary files into `temps`, the rest
/// (tool litter aside) into `out`.
fn walk(root: &Path, dir: &Path, out: &mut Vec<String>, temps: &mut Vec<String>) -> Result<(), Error> {
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
            walk(root, &path, out, temps)?;
        } else {
            let relative = path.strip_prefix(root).expect("walked from root");
            let relative = relative.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect::<Vec<_>>().join("/");
            if is_temp_file(&name) { temps.push(relative) } else { out.push(relative) }
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

    #[test]
    fn an_interrupted_runs_temporary_files_are_not_stale_and_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        std::fs::create_dir_all(out.join("a")).unwrap();
        std::fs::write(out.join("a/x.md"), "old").unwrap();
        // What a run killed between writing and renaming leaves, under the old and new schemes.
        std::fs::write(out.join("a/.x.md.generator-tmp"), "half").unwrap();
        std::fs::write(out.join("a/.x.md.123-abc-0.generator-tmp"), "half").unwrap();
        let files = vec![file("a/x.md", "new")];
        let changes = plan(out, &files).unwrap();
        assert_eq!(changes, vec![Change::Differs("a/x.md".into())], "temporary files are not stale");
        apply(out, &files, &changes).unwrap();
        let left: Vec<_> = std::fs::read_dir(out.join("a")).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
        assert_eq!(left, vec!["x.md".to_string()]);
        assert_eq!(std::fs::read_to_string(out.join("a/x.md")).unwrap(), "new");
    }

    #[test]
    fn temporary_names_are_unique_within_and_across_runs() {
        let (a, b) = (RunId::new(), RunId::new());
        let names = [a.temp_name("f"), a.temp_name("f"), b.temp_name("f")];
        assert!(names[0] != names[1] && names[1] != names[2] && names[0] != names[2], "{names:?}");
        assert!(names.iter().all(|n| is_temp_file(n)));
    }
}
