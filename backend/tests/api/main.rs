//! Black-box API tests: a real server on a loopback port, real HTTP via reqwest. One binary, one module per
//! resource. Every test gets its own data directory, so tests run in parallel.

mod account;
mod auth;
mod budget;
mod dates;
mod errors;
mod health;
mod helpers;
mod openapi;
mod tasks;
mod ui;
