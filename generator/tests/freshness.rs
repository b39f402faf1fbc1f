//! The committed `generated/` tree is exactly what the generator produces, and `--check` notices
//! any hand edit, extra file or deleted file. Runs the real binary, as a user would.

mod common;

use std::path::Path;
use std::process::Command;

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn check(out: &Path) -> (bool, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_generator")).arg("--check").arg("--out").arg(out).output().unwrap();
    (output.status.success(), String::from_utf8_lossy(&output.stdout).into_owned() + &String::from_utf8_lossy(&output.stderr))
}

/// A copy of the committed tree, so the tests never touch the real one.
fn committed_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&common::repo().join("generated"), dir.path());
    dir
}

fn first_file(dir: &Path) -> std::path::PathBuf {
    let mut files = Vec::new();
    fn walk(d: &Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() { walk(&p, out) } else { out.push(p) }
        }
    }
    walk(dir, &mut files);
    files.sort();
    files.into_iter().next().expect("generated/ is not empty")
}

#[test]
fn check_passes_on_the_committed_tree() {
    let copy = committed_copy();
    let (ok, text) = check(copy.path());
    assert!(ok, "generated/ is stale; run `cargo run -p generator`:\n{text}");
}

#[test]
fn check_fails_after_a_hand_edit() {
    let copy = committed_copy();
    let file = first_file(copy.path());
    let mut text = std::fs::read_to_string(&file).unwrap();
    text.push_str("hand edit\n");
    std::fs::write(&file, text).unwrap();
    let (ok, out) = check(copy.path());
    assert!(!ok);
    assert!(out.contains("differs"), "{out}");
}

#[test]
fn check_fails_on_an_extra_file() {
    let copy = committed_copy();
    std::fs::write(copy.path().join("docs/extra.md"), "x").unwrap();
    let (ok, out) = check(copy.path());
    assert!(!ok);
    assert!(out.contains("stale    docs/extra.md"), "{out}");
}

#[test]
fn check_fails_on_a_deleted_file() {
    let copy = committed_copy();
    let file = first_file(copy.path());
    std::fs::remove_file(&file).unwrap();
    let (ok, out) = check(copy.path());
    assert!(!ok);
    assert!(out.contains("missing"), "{out}");
}

#[test]
fn two_runs_from_different_directories_give_identical_trees() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    for (cwd, out) in [(a.path(), a.path().join("out")), (b.path(), b.path().join("deeper/out"))] {
        let proto = common::repo().join("proto");
        let status = Command::new(env!("CARGO_BIN_EXE_generator")).current_dir(cwd).arg("--proto").arg(&proto).arg("--out").arg(&out).status().unwrap();
        assert!(status.success());
    }
    let tree = |root: &Path| {
        let mut files = Vec::new();
        fn walk(root: &Path, d: &Path, out: &mut Vec<(String, Vec<u8>)>) {
            for e in std::fs::read_dir(d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() { walk(root, &p, out) } else { out.push((p.strip_prefix(root).unwrap().display().to_string(), std::fs::read(&p).unwrap())) }
            }
        }
        walk(root, root, &mut files);
        files.sort();
        files
    };
    let (ta, tb) = (tree(&a.path().join("out")), tree(&b.path().join("deeper/out")));
    assert!(!ta.is_empty());
    assert_eq!(ta, tb);
}

#[test]
fn a_failed_run_leaves_the_output_untouched() {
    let copy = committed_copy();
    let before = std::fs::read_dir(copy.path()).unwrap().count();
    let bad = common::repo().join("generator/tests/diagnostics/08_two_fields_one_cr_path/proto");
    let output = Command::new(env!("CARGO_BIN_EXE_generator")).arg("--proto").arg(bad).arg("--out").arg(copy.path()).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(std::fs::read_dir(copy.path()).unwrap().count(), before);
    assert!(check(copy.path()).0, "the committed copy is still intact");
}

#[test]
fn a_wrong_path_in_the_sagemaker_model_is_caught_by_the_real_ack_crd() {
    let shared = std::env::var("SHARED_DIR").map(std::path::PathBuf::from).unwrap_or_else(|_| common::repo().join("../shared"));
    let proto = tempfile::tempdir().unwrap();
    copy_tree(&common::repo().join("proto"), proto.path());
    let file = proto.path().join("sagemaker/sagemaker.proto");
    let text = std::fs::read_to_string(&file).unwrap();
    // ACK spells it `s3URI`; the operator's `s3Uri` must not pass the ACK schema.
    assert!(text.contains("path: \"dataSource.s3DataSource.s3URI\""), "fixture assumption");
    std::fs::write(&file, text.replacen("path: \"dataSource.s3DataSource.s3URI\"", "path: \"dataSource.s3DataSource.s3Uri\"", 1)).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_generator"))
        .arg("--proto").arg(proto.path())
        .arg("--check")
        .arg("--crd-schema").arg(shared.join("crds/ack"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("has no property `s3Uri`"), "{stderr}");
    assert!(stderr.contains("sagemaker/sagemaker.proto:"), "{stderr}");
}

/// A copied checkout with a copied `target/` regenerates itself, not the checkout the binary was
/// built in: the default paths come from the working directory (any folder inside the copy).
#[test]
fn a_copied_checkout_regenerates_itself() {
    let repo = common::repo();
    let copy = tempfile::tempdir().unwrap();
    std::fs::copy(repo.join("Cargo.toml"), copy.path().join("Cargo.toml")).unwrap();
    copy_tree(&repo.join("proto"), &copy.path().join("proto"));
    copy_tree(&repo.join("generated"), &copy.path().join("generated"));
    let binary = copy.path().join("target/debug/generator");
    std::fs::create_dir_all(binary.parent().unwrap()).unwrap();
    std::fs::copy(env!("CARGO_BIN_EXE_generator"), &binary).unwrap();

    let edited = first_file(&copy.path().join("generated"));
    let original = std::fs::read_to_string(&edited).unwrap();
    std::fs::write(&edited, format!("{original}hand edit\n")).unwrap();
    let output = Command::new(&binary).current_dir(copy.path().join("generated/docs")).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("updated 1 files"), "the copy's own generated/ was regenerated:\n{stdout}");
    assert_eq!(std::fs::read_to_string(&edited).unwrap(), original, "the hand edit in the copy is undone");

    let help = Command::new(&binary).arg("--help").current_dir(copy.path()).output().unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    let resolved = copy.path().join("proto").canonicalize().unwrap();
    assert!(
        help.contains(&resolved.display().to_string()) || help.contains(&copy.path().join("proto").display().to_string()),
        "--help shows the resolved default:\n{help}"
    );
}

/// Every file of `dir`, relative, sorted.
fn files_of(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    fn walk(root: &Path, d: &Path, out: &mut Vec<String>) {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() { walk(root, &p, out) } else { out.push(p.strip_prefix(root).unwrap().display().to_string()) }
        }
    }
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// A run killed with SIGKILL at any point (here: after 0, 4, 8, ... 28 ms) never breaks the
/// next one: it succeeds, leaves the tree complete and equal to the committed one, and no
/// temporary file behind.
#[test]
fn a_run_after_a_killed_run_leaves_the_tree_complete() {
    let copy = committed_copy();
    let out = copy.path();
    let expected = files_of(out);
    let proto = common::repo().join("proto");
    for delay_ms in (0..8u64).map(|i| i * 4) {
        // Make every file differ, so the killed run has the whole tree to rewrite.
        for f in &expected {
            std::fs::write(out.join(f), format!("stale {delay_ms}\n")).unwrap();
        }
        let mut child = Command::new(env!("CARGO_BIN_EXE_generator")).arg("--proto").arg(&proto).arg("--out").arg(out).spawn().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        child.wait().unwrap();
        let status = Command::new(env!("CARGO_BIN_EXE_generator")).arg("--proto").arg(&proto).arg("--out").arg(out).output().unwrap();
        assert!(status.status.success(), "the run after a kill at {delay_ms} ms failed: {}", String::from_utf8_lossy(&status.stderr));
        assert_eq!(files_of(out), expected, "after a kill at {delay_ms} ms the tree is complete, without temporary files");
        let (ok, text) = check(out);
        assert!(ok, "after a kill at {delay_ms} ms:\n{text}");
    }
}
