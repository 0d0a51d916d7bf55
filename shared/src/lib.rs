//! Payday's shared vocabulary: the JSON types that cross the wire, the validation rules both sides apply, and
//! pure domain logic (the pay-period / set-aside engine lives in [`budget`]).
//!
//! Dependency rule: this crate must build for `wasm32-unknown-unknown`, so it depends on serde, chrono and uuid
//! only — never on tokio, axum, database drivers or the AWS SDK. It has no I/O and no clock: "today" is always an
//! input.

pub mod account;
pub mod auth;
pub mod budget;
pub mod error;
pub mod tasks;
pub mod validate;

pub use error::{ApiError, FieldErrors};

/// An amount of money in integer minor units of the user's currency (cents for USD). Never a float.
pub type Money = i64;

/// A page of results with an opaque cursor for the next page (`None` on the last page).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass back as `cursor` to fetch the next page; absent on the last page.
    pub next_cursor: Option<String>,
}
