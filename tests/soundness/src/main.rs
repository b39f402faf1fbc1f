//! The generator's soundness check.
//!
//! Every case (the fixtures under `generator/tests/soundness`, then `--cases` random plugin
//! protos drawn from [`strategy::plugin`] with `--seed`) must either fail lowering with a
//! diagnostic located at `file:line:col`, or generate a tree whose Rust crate compiles without
//! warnings, whose Python package imports and serializes every task type with the real flytekit,
//! and whose kustomize overlays render with the real kubectl. A generator panic is a failure.
//!
//! All accepted crates are checked in ONE scratch cargo workspace that shares the project's
//! target folder, so dependencies build once. A failing case stays under `--work` with its
//! `.proto`; copy it into `generator/tests/soundness/` (or `tests/diagnostics/`) as a fixture.

mod render;
mod sample;
mod strategy;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

use clap::Parser;
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

/// Random plugin protos through the whole generator, its Rust compiler, flytekit and kubectl.
#[derive(Debug, Parser)]
struct Cli {
    /// Random cases to draw (the fixtures always run too).
    #[arg(long, default_value_t = 40)]
    cases: usize,
    /// Seed of the case generator: the same seed draws the same cases.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Scratch folder (emptied first); defaults to `target/soundness` of the repository.
    #[arg(long)]
    work: Option<PathBuf>,
    /// Python with the pinned flytekit; defaults to the repository's `.venv`.
    #[arg(long)]
    python: Option<PathBuf>,
    /// kubectl; defaults to `.venv/bin/kubectl`, then `kubectl` on PATH.
    #[arg(long)]
    kubectl: Option<PathBuf>,
}

/// One generated plugin of an accepted case.
struct Accepted {
    case: String,
    dir: PathBuf,
    model: generator::model::Model,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let started = Instant::now();
    let repo = repo_root();
    let work = cli.work.clone().unwrap_or_else(|| repo.join("target/soundness"));
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(work.join("cases")).expect("creating the scratch folder");

    let mut cases: Vec<(String, PathBuf)> = Vec::new();
    let fixtures = repo.join("generator/tests/soundness");
    let mut fixture_dirs: Vec<PathBuf> = std::fs::read_dir(&fixtures).expect("the soundness fixtures").map(|e| e.unwrap().path()).collect();
    fixture_dirs.sort();
    for dir in fixture_dirs {
        cases.push((format!("fixture-{}", dir.file_name().unwrap().to_string_lossy()), dir.join("proto")));
    }
    let mut seed = [0u8; 32];
    seed[..8].copy_from_slice(&cli.seed.to_le_bytes());
    let mut runner = TestRunner::new_with_rng(Config::default(), TestRng::from_seed(RngAlgorithm::ChaCha, &seed));
    let strategy = strategy::plugin();
    for i in 0..cli.cases {
        let recipe = strategy.new_tree(&mut runner).expect("recipes always draw").current();
        let proto = work.join(format!("cases/case-{i}/proto"));
        std::fs::create_dir_all(proto.join("demo")).unwrap();
        std::fs::write(proto.join("demo/job.proto"), render::render(&recipe, i)).unwrap();
        cases.push((format!("case-{i}"), proto));
    }

    let mut failures: Vec<String> = Vec::new();
    let mut accepted = Vec::new();
    let mut rejected: BTreeMap<String, usize> = BTreeMap::new();
    let location = regex_lite_location();
    for (name, proto) in &cases {
        let out = work.join("cases").join(name).join("generated");
        let options = generator::Options { proto: proto.clone(), out: out.clone(), check: false, crd_schema: Vec::new(), crd_strict: false, breaking_against: None, dump_model: false };
        match std::panic::catch_unwind(|| generator::generate(&options)) {
            Err(_) => failures.push(format!("{name}: the generator panicked on {}", proto.display())),
            Ok(Err(e)) => {
                let rendered = generator::diagnostics::render(&e);
                if !location(&rendered) {
                    failures.push(format!("{name}: diagnostic without a file:line:col:\n{rendered}"));
                }
                let first = rendered.lines().find(|l| l.trim_start().starts_with('×')).unwrap_or("?").trim();
                let reason: String = first.chars().filter(|c| !c.is_ascii_digit()).take(60).collect();
                *rejected.entry(reason).or_default() += 1;
            }
            Ok(Ok((model, files, _))) => {
                let changes = generator::write::plan(&out, &files).expect("planning a fresh folder");
                generator::write::apply(&out, &files, &changes).expect("writing the case");
                accepted.push(Accepted { case: name.clone(), dir: out, model });
            }
        }
    }
    println!(
        "soundness: {} cases (seed {}, {} fixtures): {} generated, {} rejected with a located diagnostic",
        cases.len(),
        cli.seed,
        cases.len() - cli.cases,
        accepted.len(),
        cases.len() - accepted.len()
    );
    for (reason, n) in &rejected {
        println!("  {n:>3} x {reason}");
    }

    if !accepted.is_empty() {
        check_rust(&repo, &work, &accepted, &mut failures);
        check_python(&repo, &work, &accepted, cli.python.as_deref(), &mut failures);
        check_kustomize(&repo, &accepted, cli.kubectl.as_deref(), &mut failures);
    }
    println!("soundness: {} failures in {:.1} s", failures.len(), started.elapsed().as_secs_f64());
    for f in &failures {
        eprintln!("FAIL {f}");
    }
    if failures.is_empty() { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}

/// The repository: the nearest ancestor of the working directory that holds the soundness
/// fixtures.
fn repo_root() -> PathBuf {
    let cwd = std::env::current_dir().expect("a working directory");
    cwd.ancestors()
        .find(|d| d.join("generator/tests/soundness").is_dir() && d.join("Cargo.toml").is_file())
        .unwrap_or_else(|| panic!("run from inside the repository ({} is not)", cwd.display()))
        .to_path_buf()
}

fn regex_lite_location() -> impl Fn(&str) -> bool {
    |text: &str| {
        text.split(".proto:").skip(1).any(|rest| {
            let mut parts = rest.splitn(3, ':');
            let line = parts.next().unwrap_or("");
            let col: String = parts.next().unwrap_or("").chars().take_while(char::is_ascii_digit).collect();
            !line.is_empty() && line.chars().all(|c| c.is_ascii_digit()) && !col.is_empty()
        })
    }
}

/// One scratch workspace with every accepted crate, the project's dependency versions
/// (`Cargo.lock`), profiles and target folder.
fn check_rust(repo: &Path, work: &Path, accepted: &[Accepted], failures: &mut Vec<String>) {
    let mut members = Vec::new();
    for a in accepted {
        for plugin in &a.model.plugins {
            let dir = a.dir.join("rust").join(&plugin.name);
            members.push(format!("{:?}", dir.strip_prefix(work).unwrap().to_string_lossy()));
        }
    }
    let manifest = std::fs::read_to_string(repo.join("Cargo.toml")).expect("the workspace manifest");
    let mut scratch = String::new();
    for line in manifest.lines() {
        if line.starts_with("members = ") {
            writeln!(scratch, "members = [{}]", members.join(", ")).unwrap();
        } else {
            writeln!(scratch, "{}", line.replace("path = \"", &format!("path = \"{}/", repo.display()))).unwrap();
        }
    }
    std::fs::write(work.join("Cargo.toml"), scratch).unwrap();
    std::fs::copy(repo.join("Cargo.lock"), work.join("Cargo.lock")).unwrap();
    let target = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| repo.join("target"));
    let started = Instant::now();
    let output = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .args(["check", "--workspace", "--all-targets", "--message-format", "short"])
        .current_dir(work)
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .expect("running cargo");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let diagnostics: Vec<&str> = stderr.lines().filter(|l| l.starts_with("cases/") && (l.contains(": warning") || l.contains(": error"))).collect();
    println!("soundness: {} crates checked in one workspace in {:.1} s", members.len(), started.elapsed().as_secs_f64());
    if !output.status.success() || !diagnostics.is_empty() {
        let shown = if diagnostics.is_empty() { stderr.lines().rev().take(30).collect::<Vec<_>>().join("\n") } else { diagnostics.join("\n") };
        failures.push(format!("generated Rust does not build cleanly:\n{shown}"));
    }
}

/// One checker module per accepted plugin: imports the package, builds a valid config for each
/// task type from the model, defines the task at module level (as flytekit's resolver wants) and
/// lists what `check_python.py` serializes.
fn check_python(repo: &Path, work: &Path, accepted: &[Accepted], python: Option<&Path>, failures: &mut Vec<String>) {
    let py = work.join("py");
    std::fs::create_dir_all(&py).unwrap();
    let mut path = vec![py.clone()];
    let mut modules = Vec::new();
    for a in accepted {
        for plugin in &a.model.plugins {
            path.push(a.dir.join("python").join(&plugin.python_package));
            let module = format!("check_{}", plugin.python_package);
            let mut text = format!(
                "# Soundness check of {} ({}).\nimport datetime\nimport typing\n\nimport flytekit\nimport flytekit.types.directory\nimport flytekit.types.file\n\nimport {pkg} as pkg\nfrom {pkg} import models as m\n\nCHECKS = []\n",
                a.case,
                plugin.name,
                pkg = plugin.python_package
            );
            for (i, t) in plugin.task_types.iter().enumerate() {
                let config = sample::config(plugin, &t.message);
                if t.runs_task_container {
                    // The function returns every declared output, as the task class requires.
                    // flytekit reads the function's source and wants a `return` of every output.
                    let fields: Vec<String> = t.outputs.iter().map(|o| format!("({:?}, {})", o.name, python_type(&o.ty).0)).collect();
                    let values: Vec<String> = t.outputs.iter().map(|o| format!("{}={}", o.name, python_type(&o.ty).1)).collect();
                    let (returns, body) = if fields.is_empty() {
                        ("None".to_string(), "return None".to_string())
                    } else {
                        writeln!(text, "\nOutputs{i} = typing.NamedTuple(\"Outputs{i}\", [{}])", fields.join(", ")).unwrap();
                        (format!("Outputs{i}"), format!("return Outputs{i}({})", values.join(", ")))
                    };
                    writeln!(text, "\n\n@flytekit.task(task_config={config})\ndef task_{i}() -> {returns}:\n    {body}\n\n\nCHECKS.append(({:?}, task_{i}, task_{i}.task_config))", t.name).unwrap();
                } else {
                    writeln!(text, "\nCONFIG_{i} = {config}\nCHECKS.append(({:?}, pkg.{}(name=\"soundness_{i}\", config=CONFIG_{i}), CONFIG_{i}))", t.name, t.python_class).unwrap();
                }
            }
            std::fs::write(py.join(format!("{module}.py")), text).unwrap();
            modules.push(module);
        }
    }
    let python = python.map(Path::to_path_buf).unwrap_or_else(|| repo.join(".venv/bin/python"));
    let started = Instant::now();
    let joined = std::env::join_paths(&path).unwrap();
    let output = Command::new(&python)
        .arg(repo.join("tests/soundness/check_python.py"))
        .args(&modules)
        .env("PYTHONPATH", joined)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .unwrap_or_else(|e| panic!("running {}: {e} (create the venv with scripts/venv.sh)", python.display()));
    println!("soundness: {} Python packages imported and serialized in {:.1} s", modules.len(), started.elapsed().as_secs_f64());
    if !output.status.success() {
        failures.push(format!("Python:\n{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr)));
    }
}

/// The Python type flytekit maps to a declared Flyte type, and a value of it.
fn python_type(ty: &generator::model::FlyteType) -> (&'static str, &'static str) {
    use generator::model::{FlyteType, SimpleType};
    match ty {
        FlyteType::Simple { simple: SimpleType::String } => ("str", "\"\""),
        FlyteType::Simple { simple: SimpleType::Integer } => ("int", "0"),
        FlyteType::Simple { simple: SimpleType::Float } => ("float", "0.0"),
        FlyteType::Simple { simple: SimpleType::Boolean } => ("bool", "False"),
        FlyteType::Simple { simple: SimpleType::Struct } => ("dict", "{}"),
        FlyteType::Blob { multipart: true, .. } => ("flytekit.types.directory.FlyteDirectory", "flytekit.types.directory.FlyteDirectory(\"s3://b/d\")"),
        FlyteType::Blob { .. } => ("flytekit.types.file.FlyteFile", "flytekit.types.file.FlyteFile(\"s3://b/f\")"),
    }
}

fn check_kustomize(repo: &Path, accepted: &[Accepted], kubectl: Option<&Path>, failures: &mut Vec<String>) {
    let kubectl = kubectl.map(Path::to_path_buf).unwrap_or_else(|| {
        let venv = repo.join(".venv/bin/kubectl");
        if venv.exists() { venv } else { PathBuf::from("kubectl") }
    });
    let started = Instant::now();
    let mut overlays = 0;
    for a in accepted {
        for plugin in &a.model.plugins {
            for target in &plugin.targets {
                let dir = a.dir.join("kustomize").join(&plugin.name).join("overlays").join(&target.id);
                overlays += 1;
                match Command::new(&kubectl).arg("kustomize").arg(&dir).output() {
                    Ok(o) if o.status.success() && String::from_utf8_lossy(&o.stdout).contains("kind: Deployment") => {}
                    Ok(o) => failures.push(format!("{}: kubectl kustomize {}:\n{}", a.case, dir.display(), String::from_utf8_lossy(&o.stderr))),
                    Err(e) => failures.push(format!("running {}: {e}", kubectl.display())),
                }
            }
        }
    }
    println!("soundness: {overlays} kustomize overlays rendered in {:.1} s", started.elapsed().as_secs_f64());
}
