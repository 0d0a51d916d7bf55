//! Payday's web UI: a Leptos client-side rendered app compiled to WebAssembly. It reads `/config.json` at start
//! (API base URL, sign-in mode), so one build is promoted unchanged from machine to machine, and talks to the JSON
//! API only through the typed client in [`api`], reading responses with serde into the `shared` types the server
//! writes them from.
//!
//! Dependency rule: `frontend → shared`, never the backend. Logic worth testing (formatting, the TodoMVC rules,
//! optimistic rollback, recurrence pickers, chart geometry) lives in plain modules that `cargo test -p frontend`
//! runs on the host; the components wire it to signals and the DOM.
//!
//! Build: `scripts/build-ui.sh` (Trunk, release profile `wasm-release`); run: `make run`.

mod api;
mod app;
mod chart;
mod format;
mod optimistic;
mod pages;
mod recurrence;
#[cfg(all(test, target_arch = "wasm32"))]
mod testing;
mod todo;
mod ui;

fn main() {
    leptos::mount::mount_to_body(app::App);
}
