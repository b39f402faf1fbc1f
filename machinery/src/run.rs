//! The backend process: configuration, Kubernetes client, agent server, metrics, garbage
//! collection and graceful shutdown. A generated plugin's `main` is one call to [`run`].

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::{Arg, ArgMatches, Command, CommandFactory, FromArgMatches, Parser};

use crate::agent::{PluginBackend, managed_by};
use crate::kube_store::KubeStore;
use crate::metrics::{Metered, Metrics, serve_metrics};
use crate::plugin::PluginDef;
use crate::settings::{Overrides, Settings};

/// Flyte agent backend: serves Flyte's agent (connector) gRPC protocol and drives the plugin's
/// Kubernetes custom resources.
#[derive(Debug, Parser)]
struct Cli {
    /// YAML configuration file. Every key of it can also be given by the flag of the same name
    /// below or by its AGENT_* environment variable, which win over the file.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,

    /// Print the resolved configuration and exit without serving.
    #[arg(long)]
    check_config: bool,

    #[command(flatten, next_help_heading = "Overrides of the configuration file")]
    overrides: Overrides,
}

/// The argument id of the plugin's setting `name`: apart from every id of [`Cli`].
fn setting_id(name: &str) -> String {
    format!("settings.{name}")
}

/// `dashboardBaseUrl` -> `dashboard-base-url` (flag) and `DASHBOARD_BASE_URL` (variable).
fn words(name: &str, separator: char, upper: bool) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_uppercase() && !out.is_empty() {
            out.push(separator);
        }
        out.push(if upper { c.to_ascii_uppercase() } else { c.to_ascii_lowercase() });
    }
    out
}

/// The backend's command line for `plugin`: the machinery's flags, the ones of backend-wide keys
/// the plugin never reads hidden, and one flag per plugin setting (`--settings-<name>`,
/// `AGENT_SETTINGS_<NAME>`). The prefix keeps a plugin's names apart from the machinery's, so no
/// setting name can clash with a flag.
fn command(plugin: &PluginDef) -> Command {
    let name: &'static str = Box::leak(format!("{}-plugin", plugin.name).into_boxed_str());
    let targets: Vec<&str> = plugin.targets.iter().map(|t| t.id).collect();
    let mut cmd = Cli::command().name(name).after_long_help(format!(
        "Targets of this plugin: {} (default {}).\nThe Kubernetes client uses KUBECONFIG / ~/.kube/config, or the in-cluster service account.",
        targets.join(", "),
        targets[0]
    ));
    let unused = [("region", !plugin.reads_region), ("default_role_arn", !plugin.reads_role), ("role_annotation_key", !plugin.reads_role)];
    for (id, hide) in unused {
        if hide {
            cmd = cmd.mut_arg(id, |a| a.hide(true));
        }
    }
    cmd = cmd.next_help_heading("Settings of this plugin (the configuration file's `settings:`)");
    for s in plugin.settings {
        let leak = |text: String| -> &'static str { Box::leak(text.into_boxed_str()) };
        let default = if s.default.is_empty() { String::new() } else { format!(" [default: {}]", s.default) };
        cmd = cmd.arg(
            Arg::new(leak(setting_id(s.name)))
                .long(leak(format!("settings-{}", words(s.name, '-', false))))
                .env(leak(format!("AGENT_SETTINGS_{}", words(s.name, '_', true))))
                .value_name("VALUE")
                .help(leak(format!("{} (`settings.{}`){default}", s.doc.split_whitespace().collect::<Vec<_>>().join(" "), s.name))),
        );
    }
    cmd
}

/// The overrides `matches` hold, the plugin's settings included.
fn overrides(plugin: &PluginDef, matches: &ArgMatches) -> Result<(Overrides, Option<PathBuf>, bool), clap::Error> {
    let cli = Cli::from_arg_matches(matches)?;
    let mut overrides = cli.overrides;
    for s in plugin.settings {
        if let Some(value) = matches.get_one::<String>(&setting_id(s.name)) {
            overrides.settings.insert(s.name.to_string(), value.clone());
        }
    }
    Ok((overrides, cli.config, cli.check_config))
}

/// Runs the backend of `plugin` until SIGTERM or Ctrl-C.
pub fn run(plugin: &'static PluginDef) -> ExitCode {
    let matches = command(plugin).get_matches();
    let (overrides, config, check_config) = match overrides(plugin, &matches) {
        Ok(parsed) => parsed,
        Err(e) => e.exit(),
    };
    let settings = match Settings::load(config.as_deref(), overrides, plugin.targets[0].id).and_then(|s| s.for_plugin(plugin)) {
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
    if check_config {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plugin::{SettingDef, TargetDef};

    const SETTINGS: &[SettingDef] = &[SettingDef { name: "historyUrl", doc: "Base URL of the history\n server.", default: "" }];
    static PLUGIN: PluginDef =
        PluginDef { name: "demo", title: "Demo", targets: &[TargetDef { id: "t", api_version: "example.com/v1" }], task_types: &[], settings: SETTINGS, reads_region: false, reads_role: false };
    static REGION_AND_ROLE: PluginDef = PluginDef { settings: &[], reads_region: true, reads_role: true, ..PLUGIN };

    fn help(plugin: &PluginDef) -> String {
        command(plugin).render_long_help().to_string()
    }

    #[test]
    fn help_lists_every_flag_with_its_variable_and_only_the_keys_the_plugin_reads() {
        let text = help(&PLUGIN);
        for shown in ["--gc-ttl-seconds", "AGENT_GC_TTL_SECONDS", "--listen", "AGENT_LISTEN", "--settings-history-url", "AGENT_SETTINGS_HISTORY_URL", "settings.historyUrl", "Base URL of the history server."] {
            assert!(text.contains(shown), "{shown} missing:\n{text}");
        }
        for hidden in ["AGENT_REGION", "AGENT_DEFAULT_ROLE_ARN", "AGENT_ROLE_ANNOTATION_KEY"] {
            assert!(!text.contains(hidden), "{hidden} shown:\n{text}");
        }
        let text = help(&REGION_AND_ROLE);
        assert!(text.contains("AGENT_REGION") && text.contains("AGENT_DEFAULT_ROLE_ARN") && !text.contains("AGENT_SETTINGS_"), "{text}");
    }

    #[test]
    fn a_plugin_setting_flag_reaches_the_overrides() {
        let matches = command(&PLUGIN).try_get_matches_from(["demo-plugin", "--settings-history-url", "https://h", "--gc-ttl-seconds", "5"]).unwrap();
        let (overrides, config, check) = overrides(&PLUGIN, &matches).unwrap();
        assert_eq!(overrides.settings.get("historyUrl").map(String::as_str), Some("https://h"));
        assert_eq!((overrides.gc_ttl_seconds, config, check), (Some(5), None, false));
        assert!(command(&REGION_AND_ROLE).try_get_matches_from(["x", "--settings-history-url", "h"]).is_err(), "another plugin's setting");
    }

    #[test]
    fn setting_names_become_flag_and_variable_words() {
        assert_eq!(words("dashboardBaseUrl", '-', false), "dashboard-base-url");
        assert_eq!(words("region", '_', true), "REGION");
    }
}
