//! Logging setup: pretty lines locally, one JSON object per line when `PAYDAY_LOG_FORMAT=json`.
//!
//! Request spans (request id, method, route) are created by the HTTP layer in `http.rs`; this module only
//! installs the subscriber. Never log tokens, passwords or e-mail addresses.

use tracing_subscriber::{EnvFilter, fmt, prelude::*};

use crate::config::LogFormat;

/// Installs the global subscriber. Safe to call more than once (later calls are ignored), so tests may call it.
pub fn init(format: LogFormat, filter: &str) {
    let filter = EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let registry = tracing_subscriber::registry().with(filter);
    let _ = match format {
        LogFormat::Pretty => registry.with(fmt::layer().compact()).try_init(),
        LogFormat::Json => registry
            .with(
                fmt::layer()
                    .json()
                    .flatten_event(true)
                    .with_current_span(true)
                    .with_span_list(false),
            )
            .try_init(),
    };
}
