//! `GET/PATCH /api/v1/settings`: currency, time zone (IANA, checked here with the tz database) and balance.

use axum::extract::State;
use axum::response::IntoResponse;
use shared::budget::{Settings, UpdateSettings};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::error::AppError;
use super::extract::{AppJson, AuthUser, IfMatch, required_version};
use super::tasks::etag;
use crate::store::UserId;
use crate::{AppState, now};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(settings_get, settings_update))
}

/// The caller's settings, or the defaults (version 0) if never saved.
pub(crate) async fn load(state: &AppState, owner: UserId) -> Result<Settings, AppError> {
    Ok(state
        .store()
        .get_settings(owner)
        .await?
        .unwrap_or_else(|| Settings::initial(now())))
}

/// Parses an IANA time zone name.
pub(crate) fn time_zone(name: &str) -> Option<chrono_tz::Tz> {
    name.parse().ok()
}

fn respond(settings: Settings) -> impl IntoResponse {
    (
        [(axum::http::header::ETAG, etag(settings.version))],
        axum::Json(settings),
    )
}

/// Currency, time zone and current balance. Version 0 means "never saved".
#[utoipa::path(get, path = "/api/v1/settings", tag = "budget",
    responses((status = 200, body = Settings), (status = 401, body = shared::ApiError)), security(("bearer" = [])))]
pub async fn settings_get(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
) -> Result<impl IntoResponse, AppError> {
    Ok(respond(load(&state, user.user_id).await?))
}

/// Change settings. Needs the current version (0 before the first save).
#[utoipa::path(patch, path = "/api/v1/settings", tag = "budget", request_body = UpdateSettings,
    responses((status = 200, body = Settings), (status = 409, body = shared::ApiError), (status = 422, body = shared::ApiError)),
    security(("bearer" = [])))]
pub async fn settings_update(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    IfMatch(if_match): IfMatch,
    AppJson(change): AppJson<UpdateSettings>,
) -> Result<impl IntoResponse, AppError> {
    let expected = required_version(if_match, change.version)?;
    let current = load(&state, user.user_id).await?;
    if current.version != expected {
        return Err(AppError::VersionConflict);
    }
    // "Today" for a newly stated balance, in the zone this patch leaves in place (an invalid new zone is refused
    // below; UTC stands in meanwhile).
    let zone = change
        .time_zone
        .as_deref()
        .map_or(current.time_zone.as_str(), str::trim);
    let zone = time_zone(zone).unwrap_or(chrono_tz::UTC);
    let now = now();
    let today = now.with_timezone(&zone).date_naive();
    let next = match change.apply(&current, now, today) {
        Ok(next) if time_zone(&next.time_zone).is_none() => {
            return Err(AppError::field(
                "time_zone",
                "must be an IANA time zone such as America/New_York",
            ));
        }
        Ok(next) => next,
        Err(mut errors) => {
            if let Some(zone) = &change.time_zone
                && time_zone(zone.trim()).is_none()
            {
                errors.add(
                    "time_zone",
                    "must be an IANA time zone such as America/New_York",
                );
            }
            return Err(errors.into());
        }
    };
    let expected = (expected > 0).then_some(expected);
    Ok(respond(
        state
            .store()
            .put_settings(user.user_id, &next, expected)
            .await?,
    ))
}
