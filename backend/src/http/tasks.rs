//! `/api/v1/tasks`: list, create, get, patch, delete — always scoped to the caller.
//!
//! Concurrency: PATCH needs the current `version` (body or `If-Match`); a stale one is **409
//! `version_conflict`**. DELETE honours `If-Match` when sent. Responses carry `ETag: "<version>"`.

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::IntoResponse;
use chrono::NaiveDate;
use serde::Deserialize;
use shared::Page;
use shared::tasks::{CreateTask, NewTask, StatusFilter, Task, UpdateTask};
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::error::AppError;
use super::extract::{AppJson, AppQuery, AuthUser, IfMatch, required_version};
use crate::metrics::Event;
use crate::store::{TaskJson, TaskQuery};
use crate::{AppState, now};

pub const DEFAULT_LIMIT: u32 = 50;
pub const MAX_LIMIT: u32 = 100;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(tasks_list, tasks_create))
        .routes(routes!(tasks_get, tasks_update, tasks_delete))
}

/// Query parameters of `GET /api/v1/tasks`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListTasks {
    /// `active`, `completed` or `all` (default).
    pub status: Option<StatusFilter>,
    /// Case-insensitive text search in title and notes.
    pub q: Option<String>,
    /// Only tasks due strictly before this date (`YYYY-MM-DD`, years 1900–2200).
    #[serde(default, deserialize_with = "shared::validate::optional_date")]
    pub due_before: Option<NaiveDate>,
    /// Page size, 1–100 (larger values are capped at 100); default 50.
    #[param(minimum = 1)]
    pub limit: Option<u32>,
    /// `next_cursor` from the previous page.
    pub cursor: Option<String>,
}

pub(crate) fn etag(version: u64) -> HeaderValue {
    HeaderValue::from_str(&format!("\"{version}\"")).expect("digits are a valid header")
}

fn with_etag(task: &Task) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(header::ETAG, etag(task.version));
    headers
}

/// Parses a path id; anything that is not a UUID cannot name a record, so it is a 404.
pub(crate) fn parse_id(id: &str) -> Result<Uuid, AppError> {
    Uuid::parse_str(id).map_err(|_| AppError::NotFound)
}

/// List the caller's tasks in stable order: due date (undated last), then creation.
#[utoipa::path(get, path = "/api/v1/tasks", tag = "tasks", params(ListTasks),
    responses((status = 200, body = Page<Task>), (status = 401, body = shared::ApiError), (status = 422, body = shared::ApiError)),
    security(("bearer" = [])))]
pub async fn tasks_list(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    AppQuery(params): AppQuery<ListTasks>,
) -> Result<impl IntoResponse, AppError> {
    let limit = params.limit.unwrap_or(DEFAULT_LIMIT);
    if limit == 0 {
        return Err(AppError::field("limit", "must be at least 1"));
    }
    let q = params
        .q
        .map(|q| q.trim().to_owned())
        .filter(|q| !q.is_empty());
    if q.as_ref().is_some_and(|q| q.chars().count() > 200) {
        return Err(AppError::field("q", "must be at most 200 characters"));
    }
    let query = TaskQuery {
        status: params.status.unwrap_or_default(),
        q,
        due_before: params.due_before,
        limit: limit.min(MAX_LIMIT),
        cursor: params.cursor,
    };
    let page = state.store().list_tasks_json(user.user_id, &query).await?;
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        page_body(&page),
    ))
}

/// The JSON of a `Page<Task>` put together from tasks already in wire form: the same bytes `serde_json` writes
/// for the typed page, without decoding and re-encoding each task (the list is the API's hottest path).
fn page_body(page: &Page<TaskJson>) -> Vec<u8> {
    let items: usize = page.items.iter().map(|task| task.as_str().len() + 1).sum();
    let mut body = Vec::with_capacity(items + 64);
    body.extend_from_slice(b"{\"items\":[");
    for (i, task) in page.items.iter().enumerate() {
        if i > 0 {
            body.push(b',');
        }
        body.extend_from_slice(task.as_str().as_bytes());
    }
    body.extend_from_slice(b"],\"next_cursor\":");
    serde_json::to_writer(&mut body, &page.next_cursor).expect("an optional string serializes");
    body.push(b'}');
    body
}

/// Create a task.
#[utoipa::path(post, path = "/api/v1/tasks", tag = "tasks", request_body = CreateTask,
    responses((status = 201, body = Task), (status = 400, body = shared::ApiError), (status = 401, body = shared::ApiError),
        (status = 413, body = shared::ApiError), (status = 415, body = shared::ApiError), (status = 422, body = shared::ApiError)),
    security(("bearer" = [])))]
pub async fn tasks_create(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    AppJson(input): AppJson<CreateTask>,
) -> Result<impl IntoResponse, AppError> {
    let new = NewTask::try_from(input)?;
    let at = now();
    let task = Task {
        id: Uuid::new_v4(),
        title: new.title,
        notes: new.notes,
        due_on: new.due_on,
        priority: new.priority,
        completed_at: None,
        created_at: at,
        updated_at: at,
        version: 1,
    };
    state.store().create_task(user.user_id, &task).await?;
    state.metrics().count(Event::TaskCreated);
    let mut headers = with_etag(&task);
    let location = format!("/api/v1/tasks/{}", task.id);
    headers.insert(
        header::LOCATION,
        HeaderValue::from_str(&location).expect("uuid path is a valid header"),
    );
    Ok((StatusCode::CREATED, headers, axum::Json(task)))
}

/// Get one task.
#[utoipa::path(get, path = "/api/v1/tasks/{id}", tag = "tasks", params(("id" = Uuid, Path)),
    responses((status = 200, body = Task), (status = 401, body = shared::ApiError), (status = 404, body = shared::ApiError)),
    security(("bearer" = [])))]
pub async fn tasks_get(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> Result<impl IntoResponse, AppError> {
    let task = state.store().get_task(user.user_id, parse_id(&id)?).await?;
    Ok((with_etag(&task), axum::Json(task)))
}

/// Change some fields of a task. Needs the current version (body `version` or `If-Match`).
#[utoipa::path(patch, path = "/api/v1/tasks/{id}", tag = "tasks", params(("id" = Uuid, Path)), request_body = UpdateTask,
    responses((status = 200, body = Task), (status = 404, body = shared::ApiError), (status = 409, body = shared::ApiError),
        (status = 422, body = shared::ApiError)),
    security(("bearer" = [])))]
pub async fn tasks_update(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    axum::extract::Path(id): axum::extract::Path<String>,
    IfMatch(if_match): IfMatch,
    AppJson(change): AppJson<UpdateTask>,
) -> Result<impl IntoResponse, AppError> {
    let id = parse_id(&id)?;
    let expected = required_version(if_match, change.version)?;
    let current = state.store().get_task(user.user_id, id).await?;
    if current.version != expected {
        return Err(AppError::VersionConflict);
    }
    let next = change.apply(&current, now())?;
    // A change that changes nothing is not a new version, so other windows holding this one can still save.
    let unchanged = Task {
        updated_at: current.updated_at,
        ..next.clone()
    } == current;
    if unchanged {
        return Ok((with_etag(&current), axum::Json(current)));
    }
    let stored = state
        .store()
        .update_task(user.user_id, &next, expected)
        .await?;
    Ok((with_etag(&stored), axum::Json(stored)))
}

/// Delete a task. Honours `If-Match` when sent.
#[utoipa::path(delete, path = "/api/v1/tasks/{id}", tag = "tasks", params(("id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = shared::ApiError), (status = 409, body = shared::ApiError)),
    security(("bearer" = [])))]
pub async fn tasks_delete(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    axum::extract::Path(id): axum::extract::Path<String>,
    IfMatch(if_match): IfMatch,
) -> Result<StatusCode, AppError> {
    state
        .store()
        .delete_task(user.user_id, parse_id(&id)?, if_match)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, TimeZone, Utc};
    use shared::Page;
    use shared::tasks::{Priority, Task};
    use uuid::Uuid;

    use super::page_body;
    use crate::store::TaskJson;

    fn task(title: &str, due_on: Option<NaiveDate>) -> Task {
        let at = Utc.with_ymd_and_hms(2026, 11, 22, 9, 30, 0).unwrap();
        Task {
            id: Uuid::new_v4(),
            title: title.into(),
            notes: "quote \" and \\ and \u{e9}".into(),
            due_on,
            priority: Priority::High,
            completed_at: Some(at),
            created_at: at,
            updated_at: at,
            version: 3,
        }
    }

    #[test]
    fn page_body_is_the_json_of_the_typed_page() {
        let tasks = vec![
            task("Pay rent", NaiveDate::from_ymd_opt(2026, 12, 1)),
            task("Call", None),
        ];
        for (items, next_cursor) in [
            (tasks.clone(), Some("eyJ1bmRhdGVkIjp0cnVlfQ".to_owned())),
            (tasks.clone(), None),
            (Vec::new(), None),
        ] {
            let typed = Page { items, next_cursor };
            let raw = Page {
                items: typed
                    .items
                    .iter()
                    .map(|t| TaskJson::encode(t).unwrap())
                    .collect(),
                next_cursor: typed.next_cursor.clone(),
            };
            assert_eq!(page_body(&raw), serde_json::to_vec(&typed).unwrap());
        }
    }
}
