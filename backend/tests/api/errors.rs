//! Every failure is JSON `{code, message, request_id, fields?}` with the right status.

use reqwest::StatusCode;
use serde_json::{Value, json};

use super::helpers::{assert_error, spawn_app, spawn_with};

#[tokio::test]
async fn unknown_route_is_404_json() {
    let app = spawn_app().await;
    assert_error(
        app.get("/api/v1/nope").send().await.unwrap(),
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}

#[tokio::test]
async fn wrong_method_is_405_json() {
    let app = spawn_app().await;
    assert_error(
        app.put("/api/v1/tasks").send().await.unwrap(),
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
    )
    .await;
}

#[tokio::test]
async fn wrong_content_type_is_415_json() {
    let app = spawn_app().await;
    let session = app.user("e1@example.com").await;
    let response = app
        .post("/api/v1/tasks")
        .bearer_auth(&session.token)
        .header("content-type", "text/plain")
        .body(r#"{"title":"x"}"#)
        .send()
        .await
        .unwrap();
    assert_error(
        response,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    )
    .await;
}

#[tokio::test]
async fn malformed_json_is_400_json() {
    let app = spawn_app().await;
    let session = app.user("e2@example.com").await;
    let response = app
        .post("/api/v1/tasks")
        .bearer_auth(&session.token)
        .header("content-type", "application/json")
        .body(r#"{"title": "x""#)
        .send()
        .await
        .unwrap();
    assert_error(response, StatusCode::BAD_REQUEST, "malformed_json").await;
}

#[tokio::test]
async fn oversized_body_is_413_json_and_nothing_is_stored() {
    let app = spawn_app().await;
    let session = app.user("e3@example.com").await;
    let body = json!({"title": "big", "notes": "x".repeat(70 * 1024)});
    let response = app
        .post("/api/v1/tasks")
        .bearer_auth(&session.token)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_error(response, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;
    // Chunked (no Content-Length) is refused too.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = vec![
        Ok(b"{\"title\":\"".to_vec()),
        Ok(vec![b'x'; 70 * 1024]),
        Ok(b"\"}".to_vec()),
    ];
    let stream = reqwest::Body::wrap_stream(futures_util::stream::iter(chunks));
    let response = app
        .post("/api/v1/tasks")
        .bearer_auth(&session.token)
        .header("content-type", "application/json")
        .body(stream)
        .send()
        .await
        .unwrap();
    assert_error(response, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;
    let list: Value = app
        .get("/api/v1/tasks")
        .bearer_auth(&session.token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"], json!([]));
}

#[tokio::test]
async fn unknown_json_field_is_rejected_with_422_naming_it() {
    let app = spawn_app().await;
    let session = app.user("e4@example.com").await;
    let response = app
        .post("/api/v1/tasks")
        .bearer_auth(&session.token)
        .json(&json!({"title": "x", "owner": "someone-else"}))
        .send()
        .await
        .unwrap();
    let body = assert_error(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(body["fields"]["owner"], "is not a known field");
}

#[tokio::test]
async fn request_id_from_the_client_is_echoed() {
    let app = spawn_app().await;
    let response = app
        .get("/api/v1/nope")
        .header("x-request-id", "trace-me-123")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["x-request-id"], "trace-me-123");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["request_id"], "trace-me-123");
}

#[tokio::test]
async fn successful_responses_carry_a_request_id_and_compress() {
    let app = spawn_app().await;
    let response = app
        .get("/api/v1/openapi.json")
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers().contains_key("x-request-id"));
    assert_eq!(response.headers()["content-encoding"], "gzip");
}

#[tokio::test]
async fn cors_is_off_by_default_and_follows_the_allow_list() {
    let app = spawn_app().await;
    let response = app
        .get("/healthz")
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert!(
        !response
            .headers()
            .contains_key("access-control-allow-origin")
    );

    let app = spawn_with(|s| s.cors_origins = vec!["https://app.example".into()]).await;
    let allowed = app
        .client
        .request(reqwest::Method::OPTIONS, app.url("/api/v1/tasks"))
        .header("origin", "https://app.example")
        .header("access-control-request-method", "POST")
        .send()
        .await
        .unwrap();
    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        "https://app.example"
    );
    let denied = app
        .get("/healthz")
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert!(!denied.headers().contains_key("access-control-allow-origin"));
}
