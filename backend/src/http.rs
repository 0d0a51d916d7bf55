//! The HTTP layer: routes (one file per resource), the middleware stack, and the OpenAPI document.
//!
//! Middleware, outermost first: request id (a client's kept only if short and plain, else generated; echoed in
//! `x-request-id`) → AWS trace id (validated from
//! `X-Amzn-Trace-Id`) → trace span per request (request id, trace id, method, route) → request metrics →
//! error envelope (every non-2xx becomes `{code, message, request_id, fields?}` and is logged once) →
//! compression → timeout (→ 503) → CORS (only when origins are configured) → routes, whose body extractors
//! refuse more than 64 KiB with 413.

use std::time::Duration;

use axum::Router;
use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::request_id::{
    MakeRequestUuid, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use crate::AppState;
use trace_id::TraceId;

pub mod account;
pub mod auth;
pub mod bills;
pub mod budget;
pub mod error;
pub mod extract;
pub mod health;
pub mod pay_schedules;
pub mod settings;
pub mod tasks;
pub mod trace_id;
pub mod ui;

use error::{ErrorReport, error_response, generic_report};

/// Request bodies above this are refused with 413.
pub const BODY_LIMIT: usize = 64 * 1024;
const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

#[derive(OpenApi)]
#[openapi(
    info(title = "Payday API", description = "How much to set aside before payday, and the tasks to do before then."),
    components(schemas(shared::ApiError, shared::tasks::StatusFilter)),
    modifiers(&BearerAuth),
)]
struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

/// All API routes with their OpenAPI document.
pub fn api() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(auth::routes())
        .merge(tasks::routes())
        .merge(settings::routes())
        .merge(pay_schedules::routes())
        .merge(bills::routes())
        .merge(budget::routes())
        .merge(account::routes())
        .merge(health::routes())
        .split_for_parts()
}

/// The whole application: API, health checks, OpenAPI document and middleware.
pub fn app(state: AppState) -> Router {
    let (api, openapi) = api();
    let openapi_json = serde_json::to_string(&openapi).expect("OpenAPI document serializes");
    let settings = state.settings().clone();
    let metrics = state.metrics().clone();
    let router = api
        .route(
            "/api/v1/openapi.json",
            axum::routing::get(move || async move {
                (
                    [(header::CONTENT_TYPE, "application/json")],
                    openapi_json.clone(),
                )
            }),
        )
        .route("/config.json", axum::routing::get(ui::config_json))
        .fallback({
            let dir = settings.static_dir.clone();
            move |request: Request| ui::static_or_not_found(dir.clone(), request)
        })
        .with_state(state);

    // Checked when the state was built (`AppState::with_store`), so nothing is dropped silently here.
    let origins: Vec<HeaderValue> = settings
        .cors_allowed_origins()
        .expect("CORS origins were checked at start-up");
    let cors = (!origins.is_empty()).then(|| {
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(origins))
            .allow_methods([
                Method::GET,
                Method::POST,
                Method::PUT,
                Method::PATCH,
                Method::DELETE,
            ])
            .allow_headers([
                header::AUTHORIZATION,
                header::CONTENT_TYPE,
                header::IF_MATCH,
            ])
            .expose_headers([header::ETAG, header::LOCATION, REQUEST_ID])
            .max_age(Duration::from_secs(600))
    });

    router.layer(
        ServiceBuilder::new()
            .map_request(drop_unsafe_request_id)
            .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
            .map_request(trace_id::tag)
            .layer(TraceLayer::new_for_http().make_span_with(|request: &Request| {
                let request_id = request
                    .extensions()
                    .get::<RequestId>()
                    .and_then(|id| id.header_value().to_str().ok())
                    .unwrap_or("-");
                let route = request.extensions().get::<MatchedPath>().map_or("-", |p| p.as_str());
                let trace_id = request.extensions().get::<TraceId>().map(TraceId::as_str);
                tracing::info_span!("request", request_id, trace_id, method = %request.method(), route)
            }))
            .layer(middleware::from_fn_with_state(metrics, crate::metrics::track))
            .layer(PropagateRequestIdLayer::new(REQUEST_ID))
            .layer(middleware::from_fn(error_envelope))
            // A bug that panics answers 500 in our error format instead of dropping the connection.
            .layer(CatchPanicLayer::new())
            .layer(CompressionLayer::new())
            .layer(TimeoutLayer::with_status_code(StatusCode::SERVICE_UNAVAILABLE, settings.request_timeout()))
            .option_layer(cors),
    )
    .layer(axum::extract::DefaultBodyLimit::max(BODY_LIMIT))
}

/// The longest client-supplied `x-request-id` that is kept.
pub const REQUEST_ID_MAX: usize = 128;

/// Drops a client's `x-request-id` unless it is one short, plain value (`A-Z a-z 0-9 . _ -`, plus `+ / =` so
/// API Gateway's base64 ids survive on Lambda): it is echoed in headers and error bodies and written to every
/// log line. A dropped id is replaced by a generated one.
fn drop_unsafe_request_id(mut request: Request) -> Request {
    let values: Vec<&HeaderValue> = request.headers().get_all(REQUEST_ID).iter().collect();
    let safe = match values.as_slice() {
        [] => return request,
        [value] => {
            let bytes = value.as_bytes();
            !bytes.is_empty()
                && bytes.len() <= REQUEST_ID_MAX
                && bytes
                    .iter()
                    .all(|b| b.is_ascii_alphanumeric() || b".-_+/=".contains(b))
        }
        _ => false,
    };
    if !safe {
        request.headers_mut().remove(REQUEST_ID);
    }
    request
}

/// Completes every error response: our own errors get the request id; bare statuses from the router or
/// middleware get a JSON body. Errors are logged here, once: 5xx with their cause, 4xx briefly.
async fn error_envelope(request: Request, next: Next) -> Response {
    let request_id = request
        .headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let response = next.run(request).await;
    let status = response.status();
    if status.is_success() || status.is_redirection() || status.is_informational() {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let report = match parts.extensions.remove::<ErrorReport>() {
        Some(report) => report,
        None if is_json(&parts.headers) => return Response::from_parts(parts, body),
        None => generic_report(status),
    };
    if status.is_server_error() {
        tracing::error!(status = status.as_u16(), code = %report.body.code, cause = report.cause.as_deref().unwrap_or("-"), "request failed");
    } else {
        tracing::info!(status = status.as_u16(), code = %report.body.code, "request refused");
    }
    let mut body = report.body;
    body.request_id = request_id;
    let mut response = (status, axum::Json(body)).into_response();
    for (name, value) in parts.headers.iter() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            response.headers_mut().insert(name.clone(), value.clone());
        }
    }
    if status == StatusCode::SERVICE_UNAVAILABLE
        && !response.headers().contains_key(header::RETRY_AFTER)
    {
        response.headers_mut().insert(
            header::RETRY_AFTER,
            HeaderValue::from(error::RETRY_AFTER_UNAVAILABLE),
        );
    }
    response
}

fn is_json(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"))
}

/// Marks a response as an error for the envelope (used by handlers that build responses by hand).
pub fn status_error(status: StatusCode) -> Response {
    error_response(status, generic_report(status))
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use tower::ServiceExt as _;

    use super::*;

    async fn boom() -> &'static str {
        panic!("secret detail")
    }

    /// The two layers as `app` stacks them: a handler that panics answers 500 in the error format, and the panic's
    /// message stays in the log.
    #[tokio::test]
    async fn a_panicking_handler_answers_500_in_the_error_format() {
        let router = Router::new()
            .route("/boom", axum::routing::get(boom))
            .layer(
                ServiceBuilder::new()
                    .layer(middleware::from_fn(error_envelope))
                    .layer(CatchPanicLayer::new()),
            );
        let response = router
            .oneshot(Request::get("/boom").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let body = axum::body::to_bytes(response.into_body(), 1 << 16)
            .await
            .unwrap();
        let error: shared::ApiError = serde_json::from_slice(&body).unwrap();
        assert_eq!(error.code, "internal");
        assert!(!String::from_utf8_lossy(&body).contains("secret"));
    }
}
