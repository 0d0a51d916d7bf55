//! `AppError`: every way a request can fail, mapped to a status and a stable code in one table
//! ([`AppError::parts`]). 4xx carry a human message (and field errors on 422); 5xx carry only a code and the
//! request id — the cause goes to the log, never to the client.

use std::time::Duration;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use shared::{ApiError, FieldErrors};

use crate::auth::AuthError;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("validation failed")]
    Validation(FieldErrors),
    #[error("{message}")]
    BadRequest { code: &'static str, message: String },
    #[error("unauthorized: {0}")]
    Unauthorized(AuthError),
    #[error("not found")]
    NotFound,
    #[error("version conflict")]
    VersionConflict,
    #[error("{0}")]
    Conflict(&'static str),
    #[error("too many requests")]
    TooManyRequests { retry_after: Duration },
    #[error("store unavailable")]
    Unavailable(#[source] StoreError),
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

/// Attached to error responses so the envelope middleware can add the request id and log the cause once.
#[derive(Clone)]
pub struct ErrorReport {
    pub body: ApiError,
    /// The full cause chain, for the log only.
    pub cause: Option<String>,
}

impl AppError {
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        AppError::BadRequest {
            code,
            message: message.into(),
        }
    }

    pub fn field(field: &str, message: &str) -> Self {
        let mut errors = FieldErrors::new();
        errors.add(field, message);
        AppError::Validation(errors)
    }

    /// The one status/code/message table.
    fn parts(&self) -> (StatusCode, &'static str, String) {
        match self {
            AppError::Validation(_) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation_failed",
                "Some fields are invalid; see `fields`.".into(),
            ),
            AppError::BadRequest { code, message } => {
                (StatusCode::BAD_REQUEST, code, message.clone())
            }
            AppError::Unauthorized(AuthError::Missing) => (
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "Sign in first: send `Authorization: Bearer <access token>`.".into(),
            ),
            AppError::Unauthorized(AuthError::Expired) => (
                StatusCode::UNAUTHORIZED,
                "token_expired",
                "Your session expired; refresh the token or sign in again.".into(),
            ),
            AppError::Unauthorized(AuthError::WrongCredentials) => (
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "Wrong e-mail or password. Check both and try again.".into(),
            ),
            AppError::Unauthorized(AuthError::KeysUnavailable) => (
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "Sign-in cannot be checked right now; try again shortly.".into(),
            ),
            AppError::Unauthorized(error) => (
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                format!("{error}; sign in again."),
            ),
            AppError::NotFound => (StatusCode::NOT_FOUND, "not_found", "No such record.".into()),
            AppError::VersionConflict => (
                StatusCode::CONFLICT,
                "version_conflict",
                "The record changed since you read it; fetch it again and retry.".into(),
            ),
            AppError::Conflict(message) => (StatusCode::CONFLICT, "conflict", (*message).into()),
            AppError::TooManyRequests { retry_after } => (
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_requests",
                format!(
                    "Too many attempts; try again in {} seconds.",
                    retry_after.as_secs().max(1)
                ),
            ),
            AppError::Unavailable(_) => (
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "The service is temporarily unavailable; try again shortly.".into(),
            ),
            AppError::Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "Something went wrong on our side.".into(),
            ),
        }
    }
}

impl From<StoreError> for AppError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Conflict => AppError::VersionConflict,
            // Handlers name the kind of record; this is the fallback.
            StoreError::LimitReached => AppError::Conflict(
                "You already have the maximum number of these records; delete one first.",
            ),
            StoreError::BadCursor => AppError::field("cursor", "is not a cursor this API returned"),
            StoreError::Unavailable(_) => AppError::Unavailable(error),
            StoreError::Backend(_) => AppError::Internal(error.into()),
        }
    }
}

impl From<FieldErrors> for AppError {
    fn from(errors: FieldErrors) -> Self {
        AppError::Validation(errors)
    }
}

impl From<anyhow::Error> for AppError {
    fn from(error: anyhow::Error) -> Self {
        AppError::Internal(error)
    }
}

/// Seconds a client should wait before retrying a 503.
pub const RETRY_AFTER_UNAVAILABLE: u64 = 5;

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, code, message) = self.parts();
        let fields = match &self {
            AppError::Validation(errors) => Some(errors.clone().into_map()),
            _ => None,
        };
        let cause = match &self {
            AppError::Internal(error) => Some(format!("{error:#}")),
            AppError::Unavailable(error) => Some(error_chain(error)),
            _ => None,
        };
        let retry_after = match &self {
            AppError::TooManyRequests { retry_after } => Some(retry_after.as_secs().max(1)),
            AppError::Unavailable(_) | AppError::Unauthorized(AuthError::KeysUnavailable) => {
                Some(RETRY_AFTER_UNAVAILABLE)
            }
            _ => None,
        };
        let report = ErrorReport {
            body: ApiError {
                code: code.into(),
                message,
                request_id: None,
                fields,
            },
            cause,
        };
        let mut response = error_response(status, report);
        if let Some(seconds) = retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        if status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// A response that the envelope middleware completes (request id) and logs.
pub fn error_response(status: StatusCode, report: ErrorReport) -> Response {
    let mut response = status.into_response();
    response.extensions_mut().insert(report);
    response
}

/// The error body for a status produced outside our handlers (router 404/405, body limit, timeout).
pub fn generic_report(status: StatusCode) -> ErrorReport {
    let (code, message) = match status {
        StatusCode::NOT_FOUND => ("not_found", "No such endpoint; see /api/v1/openapi.json."),
        StatusCode::METHOD_NOT_ALLOWED => (
            "method_not_allowed",
            "This endpoint does not accept that method.",
        ),
        StatusCode::PAYLOAD_TOO_LARGE => (
            "payload_too_large",
            "The request body is larger than 64 KiB.",
        ),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (
            "unsupported_media_type",
            "Send the body as uncompressed JSON with `Content-Type: application/json`.",
        ),
        StatusCode::REQUEST_TIMEOUT
        | StatusCode::SERVICE_UNAVAILABLE
        | StatusCode::GATEWAY_TIMEOUT => (
            "unavailable",
            "The request took too long; try again shortly.",
        ),
        status if status.is_server_error() => ("internal", "Something went wrong on our side."),
        _ => ("bad_request", "The request could not be processed."),
    };
    ErrorReport {
        body: ApiError {
            code: code.into(),
            message: message.into(),
            request_id: None,
            fields: None,
        },
        cause: None,
    }
}
