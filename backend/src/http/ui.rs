//! Serving the web UI from the same origin as the API: `GET /config.json` (runtime configuration the UI reads at
//! start, so one build is promoted unchanged between environments) and, when `PAYDAY_STATIC_DIR` is set, the built
//! files with precompressed `.br`/`.gz`, long caching for content-hashed assets, `no-cache` for `index.html`, and
//! an SPA fallback to `index.html` for client routes (paths without a file extension, outside `/api/`).

use std::path::{Path, PathBuf};

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use tower::ServiceExt as _;
use tower_http::services::{ServeDir, ServeFile};

use crate::AppState;
use crate::config::AuthMode;

/// What the UI needs to know at start-up.
#[derive(Debug, Serialize)]
pub struct UiConfig {
    /// Prefix for API calls; empty = same origin.
    pub api_base_url: String,
    pub auth: UiAuth,
}

#[derive(Debug, Serialize)]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum UiAuth {
    Local,
    /// The UI signs in against the user pool directly (USER_PASSWORD_AUTH / REFRESH_TOKEN_AUTH).
    Cognito {
        region: String,
        user_pool_id: String,
        client_id: String,
        /// The Cognito JSON API endpoint (overridable for emulators).
        endpoint: String,
    },
}

pub fn ui_config(state: &AppState) -> UiConfig {
    let auth = match state.settings().auth {
        AuthMode::Local => UiAuth::Local,
        AuthMode::Cognito => match state.settings().cognito() {
            Ok(c) => UiAuth::Cognito {
                region: c.region,
                user_pool_id: c.user_pool_id,
                client_id: c.client_id,
                endpoint: c.endpoint,
            },
            // AppState::build already refused incomplete Cognito settings, so this is unreachable in practice.
            Err(_) => UiAuth::Local,
        },
    };
    UiConfig {
        api_base_url: String::new(),
        auth,
    }
}

pub async fn config_json(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(header::CACHE_CONTROL, "no-cache")],
        axum::Json(ui_config(&state)),
    )
}

const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const NO_CACHE: &str = "no-cache";

/// True for Trunk's content-hashed names such as `frontend-1a2b3c4d5e6f7a8b_bg.wasm`.
fn is_hashed_asset(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let stem = name
        .split('.')
        .next()
        .unwrap_or(name)
        .trim_end_matches("_bg");
    stem.rsplit_once('-')
        .is_some_and(|(_, hash)| hash.len() >= 8 && hash.chars().all(|c| c.is_ascii_hexdigit()))
}

fn has_extension(path: &str) -> bool {
    path.rsplit('/')
        .next()
        .is_some_and(|segment| segment.contains('.'))
}

/// The fallback for every path no API route matched.
pub async fn static_or_not_found(dir: Option<PathBuf>, request: Request) -> Response {
    let path = request.uri().path().to_owned();
    let Some(dir) =
        dir.filter(|_| !path.starts_with("/api/") && !path.starts_with("/.well-known/"))
    else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let serve = ServeDir::new(&dir).precompressed_br().precompressed_gzip();
    let response = match serve.oneshot(request).await {
        Ok(response) => response.map(axum::body::Body::new),
        Err(never) => match never {},
    };
    if response.status() == StatusCode::NOT_FOUND && !has_extension(&path) {
        return index(&dir).await;
    }
    let mut response = response;
    if response.status().is_success() {
        let policy = if is_hashed_asset(&path) {
            IMMUTABLE
        } else {
            NO_CACHE
        };
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    }
    response
}

async fn index(dir: &Path) -> Response {
    let file = ServeFile::new(dir.join("index.html"))
        .precompressed_br()
        .precompressed_gzip();
    let request = Request::new(axum::body::Body::empty());
    let mut response = match file.oneshot(request).await {
        Ok(response) => response.map(axum::body::Body::new),
        Err(never) => match never {},
    };
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(NO_CACHE));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_trunk_hashed_assets() {
        assert!(is_hashed_asset("/frontend-1a2b3c4d5e6f7a8b_bg.wasm"));
        assert!(is_hashed_asset("/frontend-1a2b3c4d5e6f7a8b.js"));
        assert!(is_hashed_asset("/style-0123456789abcdef.css"));
        assert!(!is_hashed_asset("/index.html"));
        assert!(!is_hashed_asset("/favicon.svg"));
        assert!(!is_hashed_asset("/my-page"));
    }
}
