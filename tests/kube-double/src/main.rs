//! `kube-test-double --crds DIR... [--listen 127.0.0.1:PORT]`: runs the Kubernetes API test double
//! until interrupted, printing the bound address on stdout (logs go nowhere; the double is quiet).

use std::io::Write;
use std::net::SocketAddr;
use std::process::ExitCode;

use kube_test_double::{Config, KubeTestDouble};

const USAGE: &str = "usage: kube-test-double --crds DIR... [--listen 127.0.0.1:PORT] [--history-limit N] [--bookmark-interval-ms N]\n\
A Kubernetes API test double serving the custom resources of the given CRDs over plain HTTP.";

fn main() -> ExitCode {
    match parse(std::env::args().skip(1)) {
        Ok(Some((config, listen))) => run(config, listen),
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

fn parse(args: impl Iterator<Item = String>) -> Result<Option<(Config, SocketAddr)>, String> {
    let mut config = Config::new(Vec::<String>::new());
    let mut listen = SocketAddr::from(([127, 0, 0, 1], 0));
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
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    if config.crd_paths.is_empty() {
        return Err("--crds is required".into());
    }
    Ok(Some((config, listen)))
}

fn run(config: Config, listen: SocketAddr) -> ExitCode {
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
        let mut out = std::io::stdout();
        let _ = writeln!(out, "{}", double.addr());
        let _ = out.flush();
        let _ = tokio::signal::ctrl_c().await;
        ExitCode::SUCCESS
    })
}
