//! Compiles the hand-written flyteidl subset (`../proto/flyteidl`, include root `../proto`, so
//! files are named `flyteidl/core/...` as upstream) in-process with protox, so no
//! `protoc` is needed on any machine, and generates prost messages plus tonic clients and servers.
//! The encoded descriptor set is written next to the code: the crate exposes it so that a test
//! can compare the subset against the descriptors inside the real flyteidl wheel.

use std::path::{Path, PathBuf};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?).join("../proto");
    let subset = root.join("flyteidl");
    println!("cargo:rerun-if-changed={}", subset.display());

    let mut files = Vec::new();
    collect_protos(&root, &subset, &mut files)?;
    // A stable order keeps the descriptor set (and so the generated code) byte-for-byte stable.
    files.sort();

    let mut compiler = protox::Compiler::new([&root])?;
    compiler.include_imports(true).include_source_info(true);
    compiler.open_files(&files)?;

    let out_dir = PathBuf::from(std::env::var("OUT_DIR")?);
    std::fs::write(
        out_dir.join("flyteidl_descriptor_set.bin"),
        compiler.encode_file_descriptor_set(),
    )?;

    tonic_prost_build::configure()
        .build_client(true)
        .build_server(true)
        .include_file("flyteidl_include.rs")
        .compile_fds(compiler.file_descriptor_set())?;
    Ok(())
}

/// Every `.proto` below `dir`, as a path relative to the include root (how protox names files).
fn collect_protos(
    root: &Path,
    dir: &Path,
    out: &mut Vec<PathBuf>,
) -> Result<(), Box<dyn std::error::Error>> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect_protos(root, &path, out)?;
        } else if path.extension().is_some_and(|ext| ext == "proto") {
            out.push(path.strip_prefix(root)?.to_path_buf());
        }
    }
    Ok(())
}
