//! Log setup: human-readable text at a terminal, one JSON object per line in a cluster, where a
//! log collector parses the fields. The level filter follows `RUST_LOG` (default `info`).

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

/// How log lines are written to stdout.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Plain text; coloured only when stdout is a terminal.
    #[default]
    Text,
    /// One JSON object per line.
    Json,
}

/// The global subscriber could not be installed (one is already set, e.g. by another test).
#[derive(Debug, thiserror::Error)]
#[error("cannot install the log subscriber: {0}")]
pub struct LoggingError(String);

/// Installs the global tracing subscriber. Call once, early in `main`.
pub fn init_logging(format: LogFormat) -> Result<(), LoggingError> {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    let result = match format {
        LogFormat::Text => builder
            .with_ansi(std::io::stdout().is_terminal())
            .try_init(),
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .with_ansi(false)
            .try_init(),
    };
    result.map_err(|err| LoggingError(err.to_string()))
}
