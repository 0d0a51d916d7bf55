//! The `lambda` binary: the very same `app(state)` Router, run by `lambda_http` behind API Gateway HTTP API
//! (payload v2). State is built once per cold start and reused by every invocation.
//!
//! Build for AWS: `cargo lambda build --release --arm64 --bin lambda --output-format zip` (the zip's `bootstrap`
//! is this binary). Configuration is the same `PAYDAY_*` environment as the server; logs follow Lambda's own
//! `AWS_LAMBDA_LOG_FORMAT` (`JSON`/`Text`) and `AWS_LAMBDA_LOG_LEVEL` when set.

use axum::http::{HeaderValue, Uri};
use backend::config::{LogFormat, Settings};
use backend::http::trace_id::AMZN_TRACE_ID;
use backend::{AppState, app, telemetry};
use clap::Parser;
use lambda_http::request::RequestContext;
use lambda_http::{Request, RequestExt};

#[derive(Parser)]
#[command(name = "lambda", about = "Payday API on AWS Lambda")]
struct Cli {
    #[command(flatten)]
    settings: Settings,
}

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    let Cli { mut settings } = Cli::parse();
    if let Ok(format) = std::env::var("AWS_LAMBDA_LOG_FORMAT") {
        settings.log_format = if format.eq_ignore_ascii_case("json") {
            LogFormat::Json
        } else {
            LogFormat::Pretty
        };
    }
    if let Ok(level) = std::env::var("AWS_LAMBDA_LOG_LEVEL") {
        settings.log = level.to_ascii_lowercase();
    }
    telemetry::init(settings.log_format, &settings.log);
    let state = AppState::build(&settings).await?;
    let service = tower::ServiceBuilder::new()
        .map_request(from_api_gateway)
        .service(app(state));
    lambda_http::run(service).await
}

/// Adapts an API Gateway request to what the Router expects: the gateway's request id becomes ours (so the
/// gateway's access log, our log line and the error body share one id), the invocation's X-Ray trace id fills
/// `X-Amzn-Trace-Id` when the gateway did not send one (the Router validates and logs it like the container's),
/// and a named stage's path prefix is removed.
fn from_api_gateway(mut request: Request) -> Request {
    if !request.headers().contains_key(AMZN_TRACE_ID)
        && let Some(trace) = request
            .lambda_context_ref()
            .and_then(|context| context.xray_trace_id.as_deref())
            .and_then(|trace| HeaderValue::from_str(trace).ok())
    {
        request.headers_mut().insert(AMZN_TRACE_ID, trace);
    }
    let (request_id, stage) = match request.request_context_ref() {
        Some(RequestContext::ApiGatewayV2(context)) => {
            (context.request_id.clone(), context.stage.clone())
        }
        _ => (None, None),
    };
    if let Some(id) = request_id.and_then(|id| HeaderValue::from_str(&id).ok()) {
        request.headers_mut().insert("x-request-id", id);
    }
    if let Some(stage) = stage.filter(|stage| stage != "$default") {
        let prefix = format!("/{stage}");
        let path = request.uri().path();
        if path == prefix || path.starts_with(&format!("{prefix}/")) {
            let rest = &path[prefix.len()..];
            let rest = if rest.is_empty() { "/" } else { rest };
            let rewritten = match request.uri().query() {
                Some(query) => format!("{rest}?{query}"),
                None => rest.to_owned(),
            };
            if let Ok(uri) = rewritten.parse::<Uri>() {
                *request.uri_mut() = uri;
            }
        }
    }
    request
}

#[cfg(test)]
mod tests {
    use super::*;
    use backend::http::trace_id::TraceId;
    use lambda_http::{Body, Context};

    const ROOT: &str = "1-5759e988-bd862e3fe1be46a994272793";

    fn with_xray(request: Request, trace: &str) -> Request {
        let mut context = Context::default();
        context.xray_trace_id = Some(trace.to_owned());
        request.with_lambda_context(context)
    }

    #[test]
    fn the_invocation_trace_id_fills_a_missing_header() {
        let request = with_xray(
            Request::new(Body::Empty),
            &format!("Root={ROOT};Parent=53995c3f42cd8ad8;Sampled=1"),
        );

        let request = from_api_gateway(request);

        assert_eq!(
            TraceId::from_headers(request.headers()).unwrap().as_str(),
            ROOT
        );
    }

    #[test]
    fn a_trace_id_header_from_the_gateway_is_kept() {
        let mut request = Request::new(Body::Empty);
        let sent = "Root=1-00000000-000000000000000000000001";
        request
            .headers_mut()
            .insert(AMZN_TRACE_ID, HeaderValue::from_static(sent));
        let request = with_xray(request, &format!("Root={ROOT}"));

        let request = from_api_gateway(request);

        assert_eq!(request.headers()[AMZN_TRACE_ID], sent);
    }
}
