//! The `server` binary: serves Payday over HTTP (locally, or as the container entrypoint behind an ALB).
//!
//! Run: `cargo run -p backend --bin server` (or `make run`), configured by `PAYDAY_*` variables or flags —
//! see `server --help`. On SIGTERM/SIGINT it stops accepting connections and gives in-flight requests
//! `PAYDAY_SHUTDOWN_GRACE_SECS` to finish before exiting. `server init-store` creates the configured store's
//! DynamoDB table or MongoDB indexes (idempotent) and exits.

use std::net::SocketAddr;

use anyhow::Context as _;
use backend::{AppState, app, config::Settings, telemetry};
use clap::Parser;

#[derive(Parser)]
#[command(name = "server", version, about = "Payday API server")]
struct Cli {
    #[command(flatten)]
    settings: Settings,
    /// What to do; with none, serve.
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(clap::Subcommand)]
enum Command {
    /// Serve the API (the default).
    Serve,
    /// Create the configured store's table / indexes for local use (idempotent), then exit. In AWS the
    /// infrastructure templates create them.
    InitStore,
    /// Exit 0 if the server at `PAYDAY_ADDR` answers `GET /healthz` with 200 within 3 s, else 1. For container
    /// health checks: needs no shell or curl in the image.
    Healthcheck,
}

/// glibc raises its mmap threshold to the size of each large block it frees, so after the first sign-in
/// argon2's 19 MiB working block is served from, and kept in, the heap: +20 MiB RSS for the life of the
/// process (docs/benchmarks.md). A fixed threshold keeps large blocks in their own mappings, returned to the
/// OS when freed. musl (the container's static build) already does that.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn tune_allocator() {
    #[allow(unsafe_code)]
    // SAFETY: mallopt only sets allocator parameters; called once, before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024);
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn tune_allocator() {}

fn main() -> anyhow::Result<()> {
    tune_allocator();
    serve_or_run()
}

#[tokio::main]
async fn serve_or_run() -> anyhow::Result<()> {
    let Cli { settings, command } = Cli::parse();
    telemetry::init(settings.log_format, &settings.log);
    if let Some(Command::Healthcheck) = command {
        std::process::exit(if healthy(settings.addr).await { 0 } else { 1 });
    }
    if let Some(Command::InitStore) = command {
        let described = backend::store::init(&settings)
            .await
            .context("initialising the store")?;
        println!("Store ready: {described}");
        return Ok(());
    }

    let state = AppState::build(&settings).await?;
    let listener = tokio::net::TcpListener::bind(settings.addr)
        .await
        .with_context(|| {
            format!(
                "binding {} (is another Payday already running? set PAYDAY_ADDR)",
                settings.addr
            )
        })?;
    let local = listener.local_addr()?;
    tracing::info!(url = %format!("http://{local}"), store = %state.store().describe(), "Payday is listening");
    println!("Payday is running at http://{local}");
    println!("Data: {}", state.store().describe());

    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = axum::serve(
        listener,
        app(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        let _ = stop_rx.await;
    });
    let mut server = tokio::spawn(async move { server.await });

    tokio::select! {
        result = &mut server => return result.context("server task")?.context("serving HTTP"),
        signal = shutdown_signal() => tracing::info!(signal, "shutting down; draining in-flight requests"),
    }
    let _ = stop_tx.send(());
    match tokio::time::timeout(settings.shutdown_grace(), server).await {
        Ok(result) => result.context("server task")?.context("serving HTTP")?,
        Err(_) => tracing::warn!(
            grace_secs = settings.shutdown_grace_secs,
            "grace period over; exiting with requests in flight"
        ),
    }
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown_signal() -> &'static str {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
        "SIGINT"
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut stream) => {
                stream.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
        "SIGTERM"
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<&'static str>();
    tokio::select! {
        name = interrupt => name,
        name = terminate => name,
    }
}

/// Probes `/healthz` on the configured address (an unspecified bind address is probed on loopback).
async fn healthy(addr: SocketAddr) -> bool {
    let mut target = addr;
    if target.ip().is_unspecified() {
        target.set_ip(if addr.is_ipv4() {
            std::net::Ipv4Addr::LOCALHOST.into()
        } else {
            std::net::Ipv6Addr::LOCALHOST.into()
        });
    }
    let client = match reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(3))
        .build()
    {
        Ok(client) => client,
        Err(_) => return false,
    };
    matches!(client.get(format!("http://{target}/healthz")).send().await, Ok(r) if r.status().is_success())
}
