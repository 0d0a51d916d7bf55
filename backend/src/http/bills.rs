//! `/api/v1/bills` and their occurrence marks (`PUT/DELETE /bills/{id}/occurrences/{due_on}`).

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::IntoResponse;
use chrono::NaiveDate;
use shared::budget::{
    Bill, CreateBill, MarkOccurrence, OccurrenceMark, OccurrenceStatus, UpdateBill,
};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::error::AppError;
use super::extract::{AppJson, AppQuery, AuthUser, IfMatch, NoParams, required_version};
use super::tasks::{etag, parse_id};
use crate::metrics::Event;
use crate::store::StoreError;
use crate::{AppState, now};

/// Most bills one user may keep.
pub const MAX_BILLS: usize = 500;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(bills_list, bills_create))
        .routes(routes!(bills_get, bills_update, bills_delete))
        .routes(routes!(occurrences_mark, occurrences_unmark))
}

fn respond(status: StatusCode, bill: Bill) -> impl IntoResponse {
    let mut headers = HeaderMap::new();
    headers.insert(header::ETAG, etag(bill.version));
    if status == StatusCode::CREATED {
        let location = format!("/api/v1/bills/{}", bill.id);
        headers.insert(
            header::LOCATION,
            HeaderValue::from_str(&location).expect("uuid path is a valid header"),
        );
    }
    (status, headers, axum::Json(bill))
}

/// All of the caller's bills, oldest first: one unpaged array (at most 500). Takes no query parameters.
#[utoipa::path(get, path = "/api/v1/bills", tag = "budget",
    responses((status = 200, body = Vec<Bill>), (status = 401, body = shared::ApiError), (status = 422, body = shared::ApiError)),
    security(("bearer" = [])))]
pub async fn bills_list(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    _: AppQuery<NoParams>,
) -> Result<axum::Json<Vec<Bill>>, AppError> {
    Ok(axum::Json(state.store().list_bills(user.user_id).await?))
}

/// Add a bill.
#[utoipa::path(post, path = "/api/v1/bills", tag = "budget", request_body = CreateBill,
    responses((status = 201, body = Bill), (status = 409, body = shared::ApiError), (status = 422, body = shared::ApiError)),
    security(("bearer" = [])))]
pub async fn bills_create(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    AppJson(input): AppJson<CreateBill>,
) -> Result<impl IntoResponse, AppError> {
    let bill = input.into_record(Uuid::new_v4(), now())?;
    // The store counts and inserts as one step, so concurrent requests cannot pass the limit together.
    match state
        .store()
        .create_bill(user.user_id, &bill, MAX_BILLS)
        .await
    {
        Err(StoreError::LimitReached) => Err(AppError::Conflict(
            "You already have the maximum of 500 bills; delete one first.",
        )),
        other => other.map_err(AppError::from),
    }?;
    Ok(respond(StatusCode::CREATED, bill))
}

/// One bill.
#[utoipa::path(get, path = "/api/v1/bills/{id}", tag = "budget", params(("id" = Uuid, Path)),
    responses((status = 200, body = Bill), (status = 404, body = shared::ApiError)), security(("bearer" = [])))]
pub async fn bills_get(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, AppError> {
    Ok(respond(
        StatusCode::OK,
        state.store().get_bill(user.user_id, parse_id(&id)?).await?,
    ))
}

/// Change a bill. Needs the current version.
#[utoipa::path(patch, path = "/api/v1/bills/{id}", tag = "budget", params(("id" = Uuid, Path)), request_body = UpdateBill,
    responses((status = 200, body = Bill), (status = 404, body = shared::ApiError), (status = 409, body = shared::ApiError),
        (status = 422, body = shared::ApiError)),
    security(("bearer" = [])))]
pub async fn bills_update(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    Path(id): Path<String>,
    IfMatch(if_match): IfMatch,
    AppJson(change): AppJson<UpdateBill>,
) -> Result<impl IntoResponse, AppError> {
    let id = parse_id(&id)?;
    let expected = required_version(if_match, change.version)?;
    let current = state.store().get_bill(user.user_id, id).await?;
    if current.version != expected {
        return Err(AppError::VersionConflict);
    }
    let next = change.apply(&current, now())?;
    // A change that changes nothing is not a new version, so other windows holding this one can still save.
    let unchanged = Bill {
        updated_at: current.updated_at,
        ..next.clone()
    } == current;
    if unchanged {
        return Ok(respond(StatusCode::OK, current));
    }
    Ok(respond(
        StatusCode::OK,
        state
            .store()
            .update_bill(user.user_id, &next, expected)
            .await?,
    ))
}

/// Delete a bill and its paid/skipped marks. Honours `If-Match` when sent.
#[utoipa::path(delete, path = "/api/v1/bills/{id}", tag = "budget", params(("id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = shared::ApiError), (status = 409, body = shared::ApiError)),
    security(("bearer" = [])))]
pub async fn bills_delete(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    Path(id): Path<String>,
    IfMatch(if_match): IfMatch,
) -> Result<StatusCode, AppError> {
    state
        .store()
        .delete_bill(user.user_id, parse_id(&id)?, if_match)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

fn parse_due_on(due_on: &str) -> Result<NaiveDate, AppError> {
    shared::validate::parse_date(due_on)
        .ok_or_else(|| AppError::field("due_on", shared::validate::DATE_MESSAGE))
}

/// Mark one occurrence of a bill paid (optionally with the amount actually paid) or skipped.
#[utoipa::path(put, path = "/api/v1/bills/{id}/occurrences/{due_on}", tag = "budget",
    params(("id" = Uuid, Path), ("due_on" = NaiveDate, Path)), request_body = MarkOccurrence,
    responses((status = 200, body = OccurrenceMark), (status = 404, body = shared::ApiError), (status = 422, body = shared::ApiError)),
    security(("bearer" = [])))]
pub async fn occurrences_mark(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    Path((id, due_on)): Path<(String, String)>,
    AppJson(input): AppJson<MarkOccurrence>,
) -> Result<axum::Json<OccurrenceMark>, AppError> {
    let bill = state.store().get_bill(user.user_id, parse_id(&id)?).await?;
    let mark = input.into_mark(&bill, parse_due_on(&due_on)?, now())?;
    state.store().put_mark(user.user_id, &mark).await?;
    if mark.status == OccurrenceStatus::Paid {
        state.metrics().count(Event::BillMarkedPaid);
    }
    Ok(axum::Json(mark))
}

/// Unmark an occurrence: it is due again.
#[utoipa::path(delete, path = "/api/v1/bills/{id}/occurrences/{due_on}", tag = "budget",
    params(("id" = Uuid, Path), ("due_on" = NaiveDate, Path)),
    responses((status = 204), (status = 404, body = shared::ApiError)), security(("bearer" = [])))]
pub async fn occurrences_unmark(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    Path((id, due_on)): Path<(String, String)>,
) -> Result<StatusCode, AppError> {
    let bill = state.store().get_bill(user.user_id, parse_id(&id)?).await?;
    state
        .store()
        .delete_mark(user.user_id, bill.id, parse_due_on(&due_on)?)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
