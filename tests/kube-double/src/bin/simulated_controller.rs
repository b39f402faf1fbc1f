//! `simulated-controller --simulate ack|operator [--step-ms N]`: the simulated ACK or SageMaker
//! operator controller as a kube-rs controller against the Kubernetes API server of `KUBECONFIG`
//! (a real kube-apiserver in the end-to-end tests). It moves every TrainingJob and tuning job of
//! its API group, in every namespace, one status step per `--step-ms` (default 50) along the
//! scenario of the job's `simulate` tag, until SIGTERM or SIGINT.
//!
//! Prints `started` on stdout once it runs; every problem (a status the API server pruned, an
//! unknown scenario, a failed write) is a line on stderr starting with `simulation problem:`.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use kube_test_double::Flavor;
use kube_test_double::controller::live;

const USAGE: &str = "usage: simulated-controller --simulate ack|operator [--step-ms N]";

fn parse(mut args: impl Iterator<Item = String>) -> Result<Option<(Flavor, Duration)>, String> {
    let (mut flavor, mut step) = (None, Duration::from_millis(50));
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "-h" | "--help" => return Ok(None),
            "--simulate" => flavor = Some(value("--simulate")?.parse::<Flavor>()?),
            "--step-ms" => {
                let text = value("--step-ms")?;
                step = Duration::from_millis(text.parse().map_err(|_| format!("--step-ms: not a number of milliseconds: {text:?}"))?);
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(Some((flavor.ok_or("--simulate is required")?, step)))
}

#[tokio::main]
async fn main() -> ExitCode {
    let (flavor, step) = match parse(std::env::args().skip(1)) {
        Ok(Some(options)) => options,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("simulated-controller: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let client = match kube::Client::try_default().await {
        Ok(c) => c,
        Err(e) => {
            eprintln!("simulated-controller: no Kubernetes client (KUBECONFIG): {e}");
            return ExitCode::FAILURE;
        }
    };
    let report: live::Report = Arc::new(|problem| eprintln!("simulation problem: {problem}"));
    let shutdown = async {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).expect("SIGTERM handler");
        tokio::select! {
            _ = term.recv() => {}
            _ = tokio::signal::ctrl_c() => {}
        }
    };
    println!("started");
    live::run(client, flavor, step, report, shutdown).await;
    ExitCode::SUCCESS
}
