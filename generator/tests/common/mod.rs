//! Shared helpers of the generator's integration tests (each test binary uses a subset).
#![allow(dead_code)]

use std::path::{Path, PathBuf};

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

pub fn options(proto: PathBuf, out: PathBuf) -> generator::Options {
    generator::Options { proto, out, check: false, crd_schema: Vec::new(), crd_strict: false, breaking_against: None, dump_model: false }
}

/// Sorted sub-folders of `dir`.
pub fn cases(dir: &Path) -> Vec<PathBuf> {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()).collect();
    cases.sort();
    cases
}
