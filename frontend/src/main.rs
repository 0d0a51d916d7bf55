//! Payday's web UI: a client-side app compiled to WebAssembly, on a small reactive core of its own ([`rx`],
//! [`dom`]) instead of a framework, for size (docs/benchmarks.md, "Web UI"). It reads `/config.json` at start (API base
//! URL, sign-in mode), so one build is promoted unchanged from machine to machine, and talks to the JSON API only
//! through the typed client in [`api`].
//!
//! Dependency rule: `frontend → shared`, never the backend. Logic worth testing (formatting, the TodoMVC rules,
//! optimistic rollback, recurrence pickers, chart geometry) lives in plain modules that `cargo test -p frontend`
//! runs on the host; the pages only wire it to signals and the DOM.
//!
//! Build: `scripts/build-ui.sh` (Trunk, release profile `wasm-release`); run: `make run`.

mod api;
mod app;
mod chart;
mod dom;
mod format;
mod optimistic;
mod pages;
mod recurrence;
mod route;
mod rx;
mod todo;
mod ui;

fn main() {
    dom::mount_to_body(app::app());
}
