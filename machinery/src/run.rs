//! The backend process: configuration, Kubernetes client, agent server, metrics, garbage
//! collection and graceful shutdown. A generated plugin's `main` is one call to [`run`].

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::{CommandFactory, FromArgMatches, Parser};

use crate::agent::{PluginBackend, managed_by};
use crate::kube_store::KubeStore;
use crate::metrics::{Metered, Metrics, serve_metrics};
use crate::plugin::PluginDef;
use crate::settings::{ENVIRONMENT, Settings};

/// Flyte agent backend: serves Flyte's agent (connector) gRPC protocol and drives the plugin's
/// Kubernetes custom resources.
#[derive(Debug, Parser)]
struct Cli {
    /// YAML configuration file (target, region, default role, role annotation key, prebuilt
    /// images, namespaces, GC TTL, server and metrics addresses, log format). Environment
    /// variables override it (see below).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,

    /// Print the resolved configuration and exit without serving.
    #[arg(long)]
    check_config: bool,
}

fn environment_help(plugin: &PluginDef) -> String {
    let mut text = String::from("Environment overrides (highest precedence):\n");
    for (var, key) in ENVIRONMENT {
        let unused = match *var {
            "AGENT_REGION" => !plugin.reads_region,
            "AGENT_DEFAULT_ROLE_ARN" | "AGENT_ROLE_ANNOTATION_KEY" => !plugin.reads_role,
            _ => false,
        };
        if !unused {
            text.push_str(&format!("  {var:<26} {key}\n"));
        }
    }
    let targets: Vec<&str> = plugin.targets.iter().map(|t| t.id).collect();
    text.push_str(&format!("\nTargets of this plugin: {} (default {}).\n", targets.join(", "), targets[0]));
    if !plugin.settings.is_empty() {
        text.push_str("\nSettings of this plugin (the config file's `settings:`):\n");
        for s in plugin.settings {
            let default = if s.default.is_empty() { String::new() } else { format!(" (default {})", s.default) };
            text.push_str(&format!("  {:<26} {}{default}\n", s.name, s.doc));
        }
    }
    text.push_str("The Kubernetes client uses KUBECONFIG / ~/.kube/config, or the in-cluster service account.");
    text
}

/// Runs the backend of `plugin` until SIGTERM or Ctrl-C.
pub fn run(plugin: &'static PluginDef) -> ExitCode {
    let name: &'static str = Box::leak(format!("{}-plugin", plugin.name).into_boxed_str());
    let matches = Cli::command().name(name).after_long_help(environment_help(plugin)).get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    let settings = match Settings::load(cli.config.as_deref(), &|k| std::env::var(k).ok(), plugin.targets[0].id).and_then(|s| s.for_plugin(plugin)) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: configuration: {e}");
            return ExitCode::from(2);
        }
    };
    if plugin.target(&settings.agent.target).is_none() {
        let targets: Vec<&str> = plugin.targets.iter().map(|t| t.id).collect();
        eprintln!("error: configuration: target `{}` is not one of {}", settings.agent.target, targets.join(", "));
        return ExitCode::from(2);
    }
    if cli.check_config {
        println!("{settings:#?}");
        return ExitCode::SUCCESS;
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(serve_plugin(plugin, settings)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn serve_plugin(plugin: &'static PluginDef, settings: Settings) -> Result<(), String> {
    crate::logging::init_logging(settings.log_format).map_err(|e| e.to_string())?;
    let client = KubeStore::client_from_env().await.map_err(|e| format!("Kubernetes client: {e}"))?;
    let resources = PluginBackend::<KubeStore>::resources(plugin, &settings.agent.target);
    let store = Arc::new(KubeStore::new(client, &managed_by(plugin), resources, settings.namespaces.clone()));
    let metrics = Arc::new(Metrics::new());
    let backend = Arc::new(PluginBackend::new(plugin, settings.agent.clone(), store, metrics.clone())?);

    // One shutdown signal fans out to the server, the metrics endpoint and the collector.
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        crate::shutdown::shutdown_signal().await;
        tracing::info!("shutting down");
        let _ = stop_tx.send(true);
    });
    let stopped = |mut rx: tokio::sync::watch::Receiver<bool>| async move {
        let _ = rx.wait_for(|stop| *stop).await;
    };

    let metrics_addr = settings.metrics_listen;
    let metrics_task = tokio::spawn(serve_metrics(metrics_addr, metrics.clone(), stopped(stop_rx.clone())));
    let collector = backend.clone();
    let gc_period = (settings.agent.gc_ttl / 4).clamp(Duration::from_secs(5), Duration::from_secs(60));
    let mut gc_stop = stop_rx.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(gc_period);
        loop {
            tokio::select! {
                _ = tick.tick() => {
                    if let Err(e) = collector.collect_garbage().await {
                        tracing::warn!(error = %e, "garbage collection sweep failed; retrying next period");
                    }
                }
                _ = gc_stop.changed() => break,
            }
        }
    });
    tracing::info!(target = %settings.agent.target, listen = %settings.server.listen, metrics = %metrics_addr, "serving {}", plugin.title);
    let served = crate::server::serve(Arc::new(Metered::new(backend, metrics)), settings.server, stopped(stop_rx)).await;
    metrics_task.abort();
    served.map_err(|e| e.to_string())
}
