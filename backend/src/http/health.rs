//! `GET /healthz` (the process is up) and `GET /readyz` (the store answers → 200, else 503).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(healthz))
        .routes(routes!(readyz))
}

#[derive(Serialize, ToSchema)]
pub struct Health {
    pub status: &'static str,
}

/// Liveness: answers while the process runs.
#[utoipa::path(get, path = "/healthz", tag = "health", responses((status = 200, body = Health)))]
pub async fn healthz() -> axum::Json<Health> {
    axum::Json(Health { status: "ok" })
}

/// Readiness: 200 when the store answers within 2 s, else 503.
#[utoipa::path(get, path = "/readyz", tag = "health",
    responses((status = 200, body = Health), (status = 503, body = shared::ApiError)))]
pub async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    let ping = tokio::time::timeout(std::time::Duration::from_secs(2), state.store().ping()).await;
    match ping {
        Ok(Ok(())) => axum::Json(Health { status: "ok" }).into_response(),
        Ok(Err(error)) => {
            tracing::warn!(error = %error, "store not ready");
            super::status_error(StatusCode::SERVICE_UNAVAILABLE)
        }
        Err(_) => super::status_error(StatusCode::SERVICE_UNAVAILABLE),
    }
}
