//! `cargo run -p generator`: regenerate `generated/` from every annotated `.proto` under `proto/`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

use generator::{Options, run};

/// Turns annotated .proto files into a complete Flyte backend plugin.
///
/// With no arguments, reads every .proto under the checkout's proto/ folder and rewrites
/// generated/ to match: files whose contents changed are replaced atomically, files no longer
/// produced are deleted, nothing else is touched. If any .proto has a mistake, every mistake is
/// reported with its file, line and column, and nothing is written.
#[derive(Debug, Parser)]
#[command(name = "generator", version, about, long_about)]
struct Cli {
    /// Folder of .proto files to read (every file under it is compiled; files that set
    /// `option (flyteplugin.plugin)` are plugins). Defaults to `proto/` of the checkout that
    /// holds the working directory.
    #[arg(long, value_name = "DIR", default_value_os_t = default_dir("proto"))]
    proto: PathBuf,

    /// Folder the generator owns and writes. Defaults to `generated/` of the checkout that holds
    /// the working directory.
    #[arg(long, value_name = "DIR", default_value_os_t = default_dir("generated"))]
    out: PathBuf,

    /// Write nothing; exit with status 1 and list every file that differs from, is missing
    /// from, or is stale in the output folder.
    #[arg(long)]
    check: bool,

    /// Also check every mapped CR path and its type against the CustomResourceDefinition YAML
    /// files in DIR (apiextensions.k8s.io/v1 or v1beta1); repeat for one folder per target.
    /// Resources with no CRD in any folder are listed as not checked.
    #[arg(long, value_name = "DIR")]
    crd_schema: Vec<PathBuf>,

    /// Fail, writing nothing, on changes that break tasks already registered with the model in
    /// REV (a git revision of the repository holding --proto, e.g. `main` or a tag) or DIR (a
    /// folder of earlier .proto files): removed or renamed JSON names, changed types, removed
    /// task types, outputs or enum values, changed versions or API strings, tighter validation.
    #[arg(long, value_name = "REV|DIR")]
    breaking_against: Option<String>,

    /// With --crd-schema: fail (and write nothing) when any resource has no CRD in the folders.
    #[arg(long, requires = "crd_schema")]
    crd_strict: bool,

    /// Print the lowered model as JSON to standard output and write nothing.
    #[arg(long)]
    dump_model: bool,
}

/// Paths default to the checkout that holds the working directory: its nearest ancestor with a
/// workspace `Cargo.toml` and a `proto/` folder. Not the checkout the binary was built in, so a
/// copied checkout (with a copied `target/`) regenerates itself. Outside any checkout the
/// defaults are relative to the working directory, and `--help` shows what they resolved to.
fn default_dir(name: &str) -> PathBuf {
    let cwd = std::env::current_dir().unwrap_or_default();
    let root = cwd.ancestors().find(|dir| {
        dir.join("proto").is_dir()
            && std::fs::read_to_string(dir.join("Cargo.toml")).is_ok_and(|manifest| manifest.lines().any(|l| l.trim() == "[workspace]"))
    });
    root.unwrap_or(&cwd).join(name)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let options = Options {
        proto: cli.proto,
        out: cli.out,
        check: cli.check,
        crd_schema: cli.crd_schema,
        crd_strict: cli.crd_strict,
        breaking_against: cli.breaking_against.as_deref().map(generator::breaking::Baseline::parse),
        dump_model: cli.dump_model,
    };
    match run(&options) {
        Ok(report) => {
            print!("{report}");
            if report.is_clean() || !options.check { ExitCode::SUCCESS } else { ExitCode::FAILURE }
        }
        Err(e) => {
            eprint!("{}", generator::diagnostics::render(&e));
            ExitCode::FAILURE
        }
    }
}
