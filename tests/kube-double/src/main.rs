//! `kube-test-double --crds DIR... [--listen 127.0.0.1:PORT] [--simulate ack|operator] [--step-ms N]`:
//! runs the Kubernetes API test double until interrupted (SIGINT or SIGTERM), printing the bound
//! address on stdout (logs go nowhere; the double is quiet). `--simulate` starts a simulated
//! controller; the `/test-double/` control endpoints are served either way.

use std::io::Write;
use std::net::SocketAddr;
use std::process::ExitCode;

use std::time::Duration;

use kube_test_double::{Config, Flavor, KubeTestDouble};

const USAGE: &str = "usage: kube-test-double --crds DIR... [--listen 127.0.0.1:PORT] [--history-limit N] [--bookmark-interval-ms N]\n\
\x20                       [--simulate ack|operator]... [--step-ms N]\n\
A Kubernetes API test double serving the custom resources of the given CRDs over plain HTTP.\n\
--simulate starts a simulated SageMaker controller (ACK or the operator) that moves job status one\n\
step every --step-ms milliseconds (default 50); a job's `simulate` tag picks its scenario:\n\
succeed, fail, stop, timeout, reconcile-then-succeed, terminal.\n\
Control endpoints: POST /test-double/unavailable (true|false), GET /test-double/requests,\n\
GET /test-double/simulation, POST /test-double/simulation/paused (true|false).";

/// What the command line asks for.
struct Options {
    config: Config,
    listen: SocketAddr,
    simulate: Vec<Flavor>,
    step: Duration,
}

fn main() -> ExitCode {
    match parse(std::env::args().skip(1)) {
        Ok(Some(options)) => run(options),
        Ok(None) => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("kube-test-double: {e}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn parse(args: impl Iterator<Item = String>) -> Result<Option<Options>, String> {
    let mut config = Config::new(Vec::<String>::new());
    let mut listen = SocketAddr::from(([127, 0, 0, 1], 0));
    let mut simulate = Vec::new();
    let mut step = Duration::from_millis(50);
    let mut args = args.peekable();
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "-h" | "--help" => return Ok(None),
            "--crds" => {
                config.crd_paths.push(value("--crds")?.into());
                while let Some(more) = args.next_if(|a| !a.starts_with("--")) {
                    config.crd_paths.push(more.into());
                }
            }
            "--listen" => listen = value("--listen")?.parse().map_err(|e| format!("--listen: {e}"))?,
            "--history-limit" => config.history_limit = value("--history-limit")?.parse().map_err(|e| format!("--history-limit: {e}"))?,
            "--bookmark-interval-ms" => {
                let ms: u64 = value("--bookmark-interval-ms")?.parse().map_err(|e| format!("--bookmark-interval-ms: {e}"))?;
                config.bookmark_interval = std::time::Duration::from_millis(ms);
            }
            "--simulate" => {
                let flavor: Flavor = value("--simulate")?.parse().map_err(|e| format!("--simulate: {e}"))?;
                if !simulate.contains(&flavor) {
                    simulate.push(flavor);
                }
            }
            "--step-ms" => step = Duration::from_millis(value("--step-ms")?.parse().map_err(|e| format!("--step-ms: {e}"))?),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    if config.crd_paths.is_empty() {
        return Err("--crds is required".into());
    }
    Ok(Some(Options { config, listen, simulate, step }))
}

fn run(Options { config, listen, simulate, step }: Options) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("kube-test-double: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async {
        let double = match KubeTestDouble::start_with(config, listen).await {
            Ok(d) => d,
            Err(e) => {
                eprintln!("kube-test-double: {e}");
                return ExitCode::FAILURE;
            }
        };
        let mut controllers = Vec::new();
        for flavor in simulate {
            match double.simulate(flavor, step) {
                Ok(c) => controllers.push(c),
                Err(e) => {
                    eprintln!("kube-test-double: {e}");
                    return ExitCode::FAILURE;
                }
            }
        }
        let mut out = std::io::stdout();
        let _ = writeln!(out, "{}", double.addr());
        let _ = out.flush();
        // Test harnesses stop children with SIGTERM; both signals end the double cleanly.
        let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("kube-test-double: cannot listen for SIGTERM: {e}");
                return ExitCode::FAILURE;
            }
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
        drop(controllers);
        ExitCode::SUCCESS
    })
}
