//! Hand-run benchmarks of the generator; `scripts/bench_generator.sh` builds and runs them.
//!
//! * `regen`: full regeneration of `proto/` by the release binary (a spawned process, start-up
//!   included, as a user runs it) next to `protoc --python_out` on the same files, plus the same
//!   work in-process so the process start-up and disk costs show separately.
//! * `scale`: full generation of synthetic plugins of growing size (see [`synthetic`]).
//! * `proto N DIR`: write the synthetic plugin of N items into DIR, to look at or profile.
//!
//! Every figure is the median of `--runs` timed runs after `--warmup` untimed ones.

mod synthetic;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use generator::Options;

const USAGE: &str = "usage:
  generator-bench regen --generator BIN --proto DIR [--protoc BIN] [--runs N] [--warmup N]
  generator-bench scale --generator BIN [--sizes 10,100,1000] [--runs N] [--warmup N]
  generator-bench proto N DIR";

struct Args {
    generator: PathBuf,
    proto: PathBuf,
    protoc: PathBuf,
    sizes: Vec<usize>,
    runs: usize,
    warmup: usize,
}

fn parse(mut rest: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut args = Args {
        generator: PathBuf::from("target/release/generator"),
        proto: PathBuf::from("proto"),
        protoc: PathBuf::from("protoc"),
        sizes: vec![10, 100, 1000],
        runs: 20,
        warmup: 3,
    };
    while let Some(flag) = rest.next() {
        let value = rest.next().ok_or_else(|| format!("{flag} needs a value"))?;
        let number = || value.parse::<usize>().map_err(|e| format!("{flag} {value}: {e}"));
        match flag.as_str() {
            "--generator" => args.generator = value.clone().into(),
            "--proto" => args.proto = value.clone().into(),
            "--protoc" => args.protoc = value.clone().into(),
            "--runs" => args.runs = number()?.max(1),
            "--warmup" => args.warmup = number()?,
            "--sizes" => {
                args.sizes = value.split(',').map(|s| s.trim().parse().map_err(|e| format!("--sizes {s}: {e}"))).collect::<Result<_, _>>()?
            }
            _ => return Err(format!("unknown flag {flag}")),
        }
    }
    Ok(args)
}

fn main() -> ExitCode {
    let mut argv = std::env::args().skip(1);
    let result = match argv.next().as_deref() {
        Some("regen") => parse(argv).and_then(|a| regen(&a)),
        Some("scale") => parse(argv).and_then(|a| scale(&a)),
        Some("proto") => match (argv.next().and_then(|n| n.parse().ok()), argv.next()) {
            (Some(n), Some(dir)) => synthetic::write(Path::new(&dir), n).map(|_| ()).map_err(|e| e.to_string()),
            _ => Err(USAGE.to_string()),
        },
        _ => Err(USAGE.to_string()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("generator-bench: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Median, min and max of the timed runs.
#[derive(Clone, Copy)]
struct Stats {
    median: Duration,
    min: Duration,
    max: Duration,
}

impl Stats {
    fn of(mut samples: Vec<Duration>) -> Stats {
        samples.sort();
        let n = samples.len();
        let median = if n % 2 == 1 { samples[n / 2] } else { (samples[n / 2 - 1] + samples[n / 2]) / 2 };
        Stats { median, min: samples[0], max: samples[n - 1] }
    }

    fn ms(&self) -> f64 {
        ms(self.median)
    }
}

impl std::fmt::Display for Stats {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:8.2} ms  (min {:.2}, max {:.2})", ms(self.median), ms(self.min), ms(self.max))
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// Runs `one` `warmup + runs` times; each call does its own setup and returns the time of the
/// part being measured.
fn sample(runs: usize, warmup: usize, mut one: impl FnMut() -> Result<Duration, String>) -> Result<Stats, String> {
    for _ in 0..warmup {
        one()?;
    }
    Ok(Stats::of((0..runs).map(|_| one()).collect::<Result<_, _>>()?))
}

/// Like [`sample`] for several phases timed in the same run; one [`Stats`] per phase.
fn sample_phases<const K: usize>(
    runs: usize,
    warmup: usize,
    mut one: impl FnMut() -> Result<[Duration; K], String>,
) -> Result<[Stats; K], String> {
    for _ in 0..warmup {
        one()?;
    }
    let mut per_phase: [Vec<Duration>; K] = std::array::from_fn(|_| Vec::with_capacity(runs));
    for _ in 0..runs {
        for (phase, d) in one()?.into_iter().enumerate() {
            per_phase[phase].push(d);
        }
    }
    Ok(per_phase.map(Stats::of))
}

fn tempdir() -> Result<tempfile::TempDir, String> {
    tempfile::tempdir().map_err(|e| format!("creating a temporary folder: {e}"))
}

/// Spawns `command` to completion with its output discarded; the wall time includes process
/// start-up and exit, as a user's run does.
fn spawn(command: &mut Command) -> Result<Duration, String> {
    let start = Instant::now();
    let output = command.stdout(Stdio::null()).stderr(Stdio::piped()).output();
    let elapsed = start.elapsed();
    let output = output.map_err(|e| format!("running {command:?}: {e}"))?;
    if !output.status.success() {
        return Err(format!("{command:?} failed: {}\n{}", output.status, String::from_utf8_lossy(&output.stderr)));
    }
    Ok(elapsed)
}

fn generator_into(args: &Args, proto: &Path, out: &Path) -> Command {
    let mut c = Command::new(&args.generator);
    c.arg("--proto").arg(proto).arg("--out").arg(out);
    c
}

fn options(proto: &Path, out: &Path) -> Options {
    Options { proto: proto.to_path_buf(), out: out.to_path_buf(), check: false, crd_schema: Vec::new(), crd_strict: false, breaking_against: None, dump_model: false }
}

/// load, lower and emit (the whole of `generator::generate` without CRD checks), each timed.
fn phases(proto: &Path) -> Result<[Duration; 3], String> {
    let render = |e: generator::Error| generator::diagnostics::render(&e);
    let t0 = Instant::now();
    let loaded = generator::load::load(proto).map_err(render)?;
    let t1 = Instant::now();
    let model = generator::lower::lower(&loaded).map_err(render)?;
    let t2 = Instant::now();
    let files = generator::emit::all(&model);
    let t3 = Instant::now();
    std::hint::black_box(files);
    Ok([t1 - t0, t2 - t1, t3 - t2])
}

/// Every `.proto` under `dir`, relative to it, sorted.
fn proto_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
        for entry in std::fs::read_dir(dir)? {
            let path = entry?.path();
            if path.is_dir() {
                walk(root, &path, out)?;
            } else if path.extension().is_some_and(|e| e == "proto") {
                out.push(path.strip_prefix(root).expect("walked from root").to_path_buf());
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out).map_err(|e| format!("reading {}: {e}", dir.display()))?;
    out.sort();
    Ok(out)
}

fn count_files(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries.filter_map(Result::ok).map(|e| if e.path().is_dir() { count_files(&e.path()) } else { 1 }).sum()
        })
        .unwrap_or(0)
}

fn regen(args: &Args) -> Result<(), String> {
    let (runs, warmup) = (args.runs, args.warmup);
    let protos = proto_files(&args.proto)?;
    let generated = generator::generate(&options(&args.proto, Path::new("")))
        .map_err(|e| generator::diagnostics::render(&e))?
        .1
        .len();
    println!(
        "== Full regeneration of {} ({} .proto files -> {generated} generated files)",
        args.proto.display(),
        protos.len()
    );
    println!("   median of {runs} runs after {warmup} warm-up runs; min and max in brackets\n");

    let fresh = sample(runs, warmup, || {
        let out = tempdir()?;
        spawn(&mut generator_into(args, &args.proto, out.path()))
    })?;
    let up_to_date_dir = tempdir()?;
    let up_to_date = sample(runs, warmup, || spawn(&mut generator_into(args, &args.proto, up_to_date_dir.path())))?;
    let start_up = sample(runs, warmup, || spawn(Command::new(&args.generator).arg("--version")))?;
    let in_process_run = sample(runs, warmup, || {
        let out = tempdir()?;
        let start = Instant::now();
        generator::run(&options(&args.proto, out.path())).map_err(|e| generator::diagnostics::render(&e))?;
        Ok(start.elapsed())
    })?;
    let [load, lower, emit] = sample_phases(runs, warmup, || phases(&args.proto))?;

    // protoc finds google/protobuf/descriptor.proto (imported by the vocabulary) in /usr/include,
    // where Debian's libprotobuf-dev puts it.
    let protoc_python = |out: &Path| {
        let mut c = Command::new(&args.protoc);
        c.arg(format!("--python_out={}", out.display())).arg("-I").arg(&args.proto);
        if Path::new("/usr/include/google/protobuf/descriptor.proto").exists() {
            c.arg("-I/usr/include");
        }
        c.args(&protos).current_dir(std::env::current_dir().unwrap_or_default());
        c
    };
    let probe = tempdir()?;
    spawn(&mut protoc_python(probe.path()))?;
    let protoc_files = count_files(probe.path());
    let protoc = sample(runs, warmup, || {
        let out = tempdir()?;
        spawn(&mut protoc_python(out.path()))
    })?;
    let protoc_start_up = sample(runs, warmup, || spawn(Command::new(&args.protoc).arg("--version")))?;

    println!("generator binary, empty output folder      {fresh}   <- full regeneration");
    println!("generator binary, output already current   {up_to_date}");
    println!("generator --version (process start only)   {start_up}");
    println!("in-process generator::run, empty folder    {in_process_run}");
    println!("  load  (protox compile)                   {load}");
    println!("  lower (model + checks)                   {lower}");
    println!("  emit  (every output file, in memory)     {emit}");
    println!("protoc --python_out, empty output folder   {protoc}   ({protoc_files} files)");
    println!("protoc --version (process start only)      {protoc_start_up}");
    println!();
    println!(
        "ratio generator / protoc (full regeneration, process start included): {:.2}x",
        fresh.ms() / protoc.ms()
    );
    println!(
        "process start + exit of the generator: ~{:.2} ms of {:.2} ms (binary minus in-process run)",
        fresh.ms() - in_process_run.ms(),
        fresh.ms()
    );
    println!(
        "target: full regeneration under 50 ms: {}",
        if fresh.ms() < 50.0 { "met" } else { "NOT met" }
    );
    Ok(())
}

fn scale(args: &Args) -> Result<(), String> {
    let (runs, warmup) = (args.runs, args.warmup);
    println!("== Scaling: synthetic plugin of N item messages (+{} fixed messages), 9 annotated fields each", synthetic::FIXED_MESSAGES);
    println!("   full generation `generator --proto DIR --out EMPTY_DIR`; median of {runs} runs after {warmup} warm-up runs\n");
    println!(
        "{:>8} {:>8} {:>6} {:>12} {:>12} {:>12} {:>9} {:>9} {:>9}",
        "messages", "lines", "files", "binary ms", "ms/message", "in-proc ms", "load", "lower", "emit"
    );
    let mut rows = Vec::new();
    for &n in &args.sizes {
        let proto = tempdir()?;
        let lines = synthetic::write(proto.path(), n).map_err(|e| e.to_string())?;
        let probe = tempdir()?;
        spawn(&mut generator_into(args, proto.path(), probe.path()))?;
        let files = count_files(probe.path());
        let binary = sample(runs, warmup, || {
            let out = tempdir()?;
            spawn(&mut generator_into(args, proto.path(), out.path()))
        })?;
        let [load, lower, emit] = sample_phases(runs, warmup, || phases(proto.path()))?;
        let in_process = load.ms() + lower.ms() + emit.ms();
        println!(
            "{n:>8} {lines:>8} {files:>6} {:>12.2} {:>12.3} {:>12.2} {:>9.2} {:>9.2} {:>9.2}",
            binary.ms(),
            binary.ms() / n as f64,
            in_process,
            load.ms(),
            lower.ms(),
            emit.ms()
        );
        rows.push((n, binary.ms(), in_process));
    }
    println!();
    for pair in rows.windows(2) {
        let ((n0, b0, i0), (n1, b1, i1)) = (pair[0], pair[1]);
        println!(
            "{n1}/{n0}: time ratio {:.1}x binary, {:.1}x in-process, for {:.0}x the messages; marginal {:.3} ms per added message",
            b1 / b0,
            i1 / i0,
            n1 as f64 / n0 as f64,
            (b1 - b0) / (n1 - n0) as f64
        );
    }
    if let (Some(&(n0, b0, i0)), Some(&(n1, b1, i1))) = (rows.first(), rows.last())
        && rows.len() > 2 {
            println!(
                "{n1}/{n0}: time ratio {:.1}x binary, {:.1}x in-process, for {:.0}x the messages",
                b1 / b0,
                i1 / i0,
                n1 as f64 / n0 as f64
            );
        }
    if let Some(&(_, b, _)) = rows.iter().find(|r| r.0 == 1000) {
        println!("target: 1,000 messages under 1 s: {} ({b:.0} ms)", if b < 1000.0 { "met" } else { "NOT met" });
    }
    Ok(())
}
