//! The caller's account: `GET /api/v1/me`, `GET /api/v1/export`, `DELETE /api/v1/me`.

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::IntoResponse;
use shared::account::Export;
use shared::auth::Me;
use shared::budget::BudgetExport;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::error::AppError;
use super::extract::AuthUser;
use crate::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(me_get, me_delete))
        .routes(routes!(export_get))
}

/// Who is signed in.
#[utoipa::path(get, path = "/api/v1/me", tag = "account",
    responses((status = 200, body = Me), (status = 401, body = shared::ApiError)), security(("bearer" = [])))]
pub async fn me_get(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
) -> Result<axum::Json<Me>, AppError> {
    let stored = state.store().user_by_id(user.user_id).await?;
    Ok(axum::Json(match stored {
        Some(stored) => super::auth::me(&stored),
        // Cognito users have no local record; the token is the account.
        None => Me {
            id: user.user_id.0,
            email: user.email,
            name: None,
            created_at: None,
        },
    }))
}

/// Everything Payday holds about the caller, as one JSON document.
#[utoipa::path(get, path = "/api/v1/export", tag = "account",
    responses((status = 200, body = Export), (status = 401, body = shared::ApiError)), security(("bearer" = [])))]
pub async fn export_get(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
) -> Result<impl IntoResponse, AppError> {
    let data = state.store().export_account(user.user_id).await?;
    let me = match &data.user {
        Some(stored) => super::auth::me(stored),
        None => Me {
            id: user.user_id.0,
            email: user.email,
            name: None,
            created_at: None,
        },
    };
    let export = Export {
        user: me,
        tasks: data.tasks,
        budget: BudgetExport {
            settings: data.settings,
            pay_schedules: data.schedules,
            bills: data.bills,
            occurrences: data.marks,
        },
    };
    let disposition = HeaderValue::from_static("attachment; filename=\"payday-export.json\"");
    // Everything the user has: no cache along the way may keep a copy.
    Ok((
        [
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        axum::Json(export),
    ))
}

/// Delete the account and everything in it. Irreversible. The account's tokens stop working at once: refresh
/// tokens are deleted with it, and access tokens issued before the deletion answer 401.
#[utoipa::path(delete, path = "/api/v1/me", tag = "account",
    responses((status = 204), (status = 401, body = shared::ApiError)), security(("bearer" = [])))]
pub async fn me_delete(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
) -> Result<StatusCode, AppError> {
    // Refuse the account's tokens first, so no request can add to the account while it is being deleted.
    let deleted_at = crate::now().timestamp();
    state.verifier().account_deleted(user.user_id, deleted_at);
    state.store().delete_account(user.user_id).await?;
    tracing::info!(user_id = %user.user_id, "account deleted");
    Ok(StatusCode::NO_CONTENT)
}
