//! Writes the flyteidl subset's encoded `FileDescriptorSet` to the path given as the first
//! argument. `tests/python/test_flyteidl_subset.py` runs it to compare the subset, as the Rust
//! code sees it, against the descriptors inside the official flyteidl wheel.

use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(path) = std::env::args_os().nth(1) else {
        eprintln!("usage: dump_flyteidl_descriptors <output-file>");
        return ExitCode::from(2);
    };
    match std::fs::write(&path, machinery::FLYTEIDL_DESCRIPTOR_SET) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("cannot write {}: {err}", path.to_string_lossy());
            ExitCode::FAILURE
        }
    }
}
