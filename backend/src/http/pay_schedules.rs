//! `/api/v1/pay-schedules`: a user's paychecks (several allowed, e.g. two earners). Same conventions as tasks.
//! `PUT/DELETE /pay-schedules/{id}/paydays/{date}` changes or skips one payday (stored inside the schedule).

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::IntoResponse;
use chrono::NaiveDate;
use shared::budget::{CreatePaySchedule, MarkPayday, PaySchedule, UpdatePaySchedule};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::error::AppError;
use super::extract::{
    AppJson, AppQuery, AuthUser, IfMatch, NoParams, optional_version, required_version,
};
use super::tasks::{etag, parse_id};
use crate::store::StoreError;
use crate::{AppState, now};

/// Most pay schedules one user may keep.
pub const MAX_SCHEDULES: usize = 20;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(pay_schedules_list, pay_schedules_create))
        .routes(routes!(
            pay_schedules_get,
            pay_schedules_update,
            pay_schedules_delete
        ))
        .routes(routes!(paydays_override, paydays_restore))
}

fn respond(status: StatusCode, schedule: PaySchedule) -> impl IntoResponse {
    let mut headers = HeaderMap::new();
    headers.insert(header::ETAG, etag(schedule.version));
    if status == StatusCode::CREATED {
        let location = format!("/api/v1/pay-schedules/{}", schedule.id);
        headers.insert(
            header::LOCATION,
            HeaderValue::from_str(&location).expect("uuid path is a valid header"),
        );
    }
    (status, headers, axum::Json(schedule))
}

/// All of the caller's pay schedules, oldest first: one unpaged array (at most 20). Takes no query parameters.
#[utoipa::path(get, path = "/api/v1/pay-schedules", tag = "budget",
    responses((status = 200, body = Vec<PaySchedule>), (status = 401, body = shared::ApiError), (status = 422, body = shared::ApiError)),
    security(("bearer" = [])))]
pub async fn pay_schedules_list(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    _: AppQuery<NoParams>,
) -> Result<axum::Json<Vec<PaySchedule>>, AppError> {
    Ok(axum::Json(
        state.store().list_schedules(user.user_id).await?,
    ))
}

/// Add a pay schedule.
#[utoipa::path(post, path = "/api/v1/pay-schedules", tag = "budget", request_body = CreatePaySchedule,
    responses((status = 201, body = PaySchedule), (status = 409, body = shared::ApiError), (status = 422, body = shared::ApiError)),
    security(("bearer" = [])))]
pub async fn pay_schedules_create(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    AppJson(input): AppJson<CreatePaySchedule>,
) -> Result<impl IntoResponse, AppError> {
    let schedule = input.into_record(Uuid::new_v4(), now())?;
    // The store counts and inserts as one step, so concurrent requests cannot pass the limit together.
    match state
        .store()
        .create_schedule(user.user_id, &schedule, MAX_SCHEDULES)
        .await
    {
        Err(StoreError::LimitReached) => Err(AppError::Conflict(
            "You already have the maximum of 20 pay schedules; delete one first.",
        )),
        other => other.map_err(AppError::from),
    }?;
    Ok(respond(StatusCode::CREATED, schedule))
}

/// One pay schedule.
#[utoipa::path(get, path = "/api/v1/pay-schedules/{id}", tag = "budget", params(("id" = Uuid, Path)),
    responses((status = 200, body = PaySchedule), (status = 404, body = shared::ApiError)), security(("bearer" = [])))]
pub async fn pay_schedules_get(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, AppError> {
    let schedule = state
        .store()
        .get_schedule(user.user_id, parse_id(&id)?)
        .await?;
    Ok(respond(StatusCode::OK, schedule))
}

/// Change a pay schedule. Needs the current version.
#[utoipa::path(patch, path = "/api/v1/pay-schedules/{id}", tag = "budget", params(("id" = Uuid, Path)),
    request_body = UpdatePaySchedule,
    responses((status = 200, body = PaySchedule), (status = 404, body = shared::ApiError), (status = 409, body = shared::ApiError),
        (status = 422, body = shared::ApiError)),
    security(("bearer" = [])))]
pub async fn pay_schedules_update(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    Path(id): Path<String>,
    IfMatch(if_match): IfMatch,
    AppJson(change): AppJson<UpdatePaySchedule>,
) -> Result<impl IntoResponse, AppError> {
    let id = parse_id(&id)?;
    let expected = required_version(if_match, change.version)?;
    let current = state.store().get_schedule(user.user_id, id).await?;
    if current.version != expected {
        return Err(AppError::VersionConflict);
    }
    let next = change.apply(&current, now())?;
    // A change that changes nothing is not a new version, so other windows holding this one can still save.
    let unchanged = PaySchedule {
        updated_at: current.updated_at,
        ..next.clone()
    } == current;
    if unchanged {
        return Ok(respond(StatusCode::OK, current));
    }
    let stored = state
        .store()
        .update_schedule(user.user_id, &next, expected)
        .await?;
    Ok(respond(StatusCode::OK, stored))
}

/// Delete a pay schedule. Honours `If-Match` when sent.
#[utoipa::path(delete, path = "/api/v1/pay-schedules/{id}", tag = "budget", params(("id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = shared::ApiError), (status = 409, body = shared::ApiError)),
    security(("bearer" = [])))]
pub async fn pay_schedules_delete(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    Path(id): Path<String>,
    IfMatch(if_match): IfMatch,
) -> Result<StatusCode, AppError> {
    state
        .store()
        .delete_schedule(user.user_id, parse_id(&id)?, if_match)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

fn parse_payday(date: &str) -> Result<NaiveDate, AppError> {
    shared::validate::parse_date(date)
        .ok_or_else(|| AppError::field("date", shared::validate::DATE_MESSAGE))
}

/// Read-modify-write of one schedule's overrides. The override lives in the schedule record, so a concurrent
/// edit of the schedule bumps its version; a few retries absorb that without asking the client for a version.
/// With `expected` (the version the client last saw), a schedule changed since is a 409 instead.
async fn change_overrides(
    state: &AppState,
    user: crate::store::UserId,
    id: Uuid,
    expected: Option<u64>,
    change: impl Fn(&PaySchedule) -> Result<Option<PaySchedule>, AppError>,
) -> Result<Option<PaySchedule>, AppError> {
    let mut attempts = 0;
    loop {
        let current = state.store().get_schedule(user, id).await?;
        if expected.is_some_and(|v| v != current.version) {
            return Err(StoreError::Conflict.into());
        }
        let Some(next) = change(&current)? else {
            return Ok(None);
        };
        match state
            .store()
            .update_schedule(
                user,
                &PaySchedule {
                    updated_at: now(),
                    ..next
                },
                current.version,
            )
            .await
        {
            Err(StoreError::Conflict) if attempts < 3 => attempts += 1,
            other => return Ok(Some(other?)),
        }
    }
}

/// Pay one payday a different amount (`{"amount": 123400}`) or skip it (`{"status": "skipped"}`). `date` is the
/// payday as the summary shows it (after the weekend rule). Returns the schedule with the new version. With the
/// schedule's `version` (body or `If-Match`), a schedule changed since is a 409, not overwritten.
#[utoipa::path(put, path = "/api/v1/pay-schedules/{id}/paydays/{date}", tag = "budget",
    params(("id" = Uuid, Path), ("date" = NaiveDate, Path)), request_body = MarkPayday,
    responses((status = 200, body = PaySchedule), (status = 404, body = shared::ApiError), (status = 409, body = shared::ApiError), (status = 422, body = shared::ApiError)),
    security(("bearer" = [])))]
pub async fn paydays_override(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    Path((id, date)): Path<(String, String)>,
    IfMatch(if_match): IfMatch,
    AppJson(input): AppJson<MarkPayday>,
) -> Result<impl IntoResponse, AppError> {
    let (id, date) = (parse_id(&id)?, parse_payday(&date)?);
    let expected = optional_version(if_match, input.version)?;
    let stored = change_overrides(&state, user.user_id, id, expected, |current| {
        let over = input.clone().into_override(current, date, now())?;
        Ok(Some(current.with_override(over)?))
    })
    .await?
    .expect("an override always changes the schedule");
    Ok(respond(StatusCode::OK, stored))
}

/// Pay the payday as the schedule says again; 404 if it had no override; with `If-Match`, 409 if the schedule
/// changed since.
#[utoipa::path(delete, path = "/api/v1/pay-schedules/{id}/paydays/{date}", tag = "budget",
    params(("id" = Uuid, Path), ("date" = NaiveDate, Path)),
    responses((status = 204), (status = 404, body = shared::ApiError), (status = 409, body = shared::ApiError)), security(("bearer" = [])))]
pub async fn paydays_restore(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    Path((id, date)): Path<(String, String)>,
    IfMatch(if_match): IfMatch,
) -> Result<StatusCode, AppError> {
    let (id, date) = (parse_id(&id)?, parse_payday(&date)?);
    match change_overrides(&state, user.user_id, id, if_match, |current| {
        Ok(current.without_override(date))
    })
    .await?
    {
        Some(_) => Ok(StatusCode::NO_CONTENT),
        None => Err(StoreError::NotFound.into()),
    }
}
