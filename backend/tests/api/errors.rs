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

/// A body that is not JSON text as sent: the wrong content type, or compressed (`identity` is no encoding at all).
#[tokio::test]
async fn wrong_content_type_or_a_compressed_body_is_415_json() {
    let app = spawn_app().await;
    let session = app.user("e1@example.com").await;
    let send = |content_type: &'static str, encoding: Option<&'static str>, body: Vec<u8>| {
        let mut request = app
            .post("/api/v1/tasks")
            .bearer_auth(&session.token)
            .header("content-type", content_type);
        if let Some(encoding) = encoding {
            request = request.header("content-encoding", encoding);
        }
        async move { request.body(body).send().await.unwrap() }
    };
    let json = br#"{"title":"x"}"#.to_vec();
    for (content_type, encoding, body) in [
        ("text/plain", None, json.clone()),
        (
            "application/json",
            Some("gzip"),
            vec![0x1f, 0x8b, 0x08, 0x00],
        ),
        ("application/json", Some("br"), json.clone()),
    ] {
        assert_error(
            send(content_type, encoding, body).await,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        )
        .await;
    }
    let plain = send("application/json", Some("identity"), json).await;
    assert_eq!(plain.status(), StatusCode::CREATED);
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
    let list: Value = app.get_json(&session, "/api/v1/tasks").await;
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

/// Asserts a 422 naming `field` with a message for people (no parser positions or Rust type names); returns it.
async fn people_field_error(response: reqwest::Response, field: &str) -> String {
    let body = assert_error(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let message = body["fields"][field]
        .as_str()
        .unwrap_or_else(|| panic!("expected a field error on {field}: {body}"))
        .to_owned();
    for leak in [
        " line ",
        "column",
        "struct",
        "u8",
        "u64",
        "i64",
        "usize",
        "sequence",
        "identifier",
        "map",
    ] {
        assert!(!message.contains(leak), "{field}: {message:?}");
    }
    message
}

#[tokio::test]
async fn a_wrong_json_type_for_an_enum_is_422_listing_the_choices() {
    let app = spawn_app().await;
    let session = app.user("enum@example.com").await;
    for priority in [json!(1), json!(true), json!({}), json!([]), json!(1.5)] {
        let response = app
            .post("/api/v1/tasks")
            .bearer_auth(&session.token)
            .json(&json!({"title": "p", "priority": priority}))
            .send()
            .await
            .unwrap();
        let message = people_field_error(response, "priority").await;
        assert_eq!(
            message, "must be one of: none, low, medium, high, urgent",
            "{priority}"
        );
    }
    let response = app
        .post("/api/v1/pay-schedules")
        .bearer_auth(&session.token)
        .json(&json!({"name": "Pay", "amount": 100, "frequency": 2, "anchor_date": "2025-11-14"}))
        .send()
        .await
        .unwrap();
    let message = people_field_error(response, "frequency").await;
    assert_eq!(
        message,
        "must be one of: weekly, biweekly, semimonthly, monthly"
    );
    let response = app
        .post("/api/v1/pay-schedules")
        .bearer_auth(&session.token)
        .json(&json!({"name": "Pay", "amount": 100, "frequency": "monthly", "day": 1, "weekend": false}))
        .send()
        .await
        .unwrap();
    people_field_error(response, "weekend").await;
    let response = app
        .post("/api/v1/bills")
        .bearer_auth(&session.token)
        .json(&json!({"name": "Rent", "amount": 100, "recurrence": {"kind": 1, "day": 1}}))
        .send()
        .await
        .unwrap();
    people_field_error(response, "recurrence.kind").await;
}

#[tokio::test]
async fn a_well_formed_body_of_the_wrong_shape_is_422_not_malformed() {
    let app = spawn_app().await;
    let session = app.user("shape@example.com").await;
    let response = app
        .post("/api/v1/pay-schedules")
        .bearer_auth(&session.token)
        .json(
            &json!({"name": "Pay", "amount": 100, "frequency": "semimonthly", "days": [1, 10, 20]}),
        )
        .send()
        .await
        .unwrap();
    people_field_error(response, "days").await;
    let response = app
        .post("/api/v1/tasks")
        .bearer_auth(&session.token)
        .json(&json!({"title": 5}))
        .send()
        .await
        .unwrap();
    people_field_error(response, "title").await;
    let response = app
        .post("/api/v1/tasks")
        .bearer_auth(&session.token)
        .json(&json!({"title": "n", "priority": "meh"}))
        .send()
        .await
        .unwrap();
    let message = people_field_error(response, "priority").await;
    assert_eq!(message, "must be one of: none, low, medium, high, urgent");
}

#[tokio::test]
async fn request_bodies_must_be_json_objects() {
    let app = spawn_app().await;
    let response = app
        .post("/api/v1/auth/register")
        .json(&json!(["array@example.com", "correct horse battery"]))
        .send()
        .await
        .unwrap();
    let message = people_field_error(response, "body").await;
    assert_eq!(message, "must be a JSON object");
    let session = app.user("array@example.com").await;
    for body in [
        json!(["arr task", null, null, null]),
        json!("title"),
        json!(3),
        json!(null),
    ] {
        let response = app
            .post("/api/v1/tasks")
            .bearer_auth(&session.token)
            .json(&body)
            .send()
            .await
            .unwrap();
        people_field_error(response, "body").await;
    }
    let list: Value = app.get_json(&session, "/api/v1/tasks").await;
    assert_eq!(list["items"], json!([]));
}

#[tokio::test]
async fn every_listed_cors_origin_is_allowed_even_with_spaces_after_commas() {
    let app = spawn_with(|s| {
        s.cors_origins = vec!["http://app.example".into(), " https://b.example".into()]
    })
    .await;
    for origin in ["http://app.example", "https://b.example"] {
        let preflight = app
            .client
            .request(reqwest::Method::OPTIONS, app.url("/api/v1/tasks"))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .send()
            .await
            .unwrap();
        assert_eq!(
            preflight.headers()["access-control-allow-origin"],
            origin,
            "{origin}"
        );
    }
}

#[tokio::test]
async fn an_invalid_cors_origin_stops_start_up_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = backend::config::Settings::local(dir.path());
    settings.cors_origins = vec!["https://ok.example".into(), "app.example/".into()];
    let error = backend::AppState::build(&settings)
        .await
        .err()
        .expect("refused")
        .to_string();
    assert!(
        error.contains("PAYDAY_CORS_ORIGINS")
            && error.contains("\"app.example/\" is not a CORS origin"),
        "{error}"
    );
}

#[tokio::test]
async fn a_long_or_unusual_client_request_id_is_replaced_by_a_generated_one() {
    let app = spawn_app().await;
    let kept = "a".repeat(128);
    for (sent, keep) in [
        (kept.as_str(), true),
        ("Root=1-abc.def_ghi", true),
        ("JqJ9TiZvoAMEPdw=", true),
        (&*"a".repeat(129), false),
        ("has space", false),
        ("<script>", false),
        ("id\"quote", false),
        ("ünïcode", false),
    ] {
        let response = app
            .get("/api/v1/nope")
            .header("x-request-id", sent)
            .send()
            .await
            .unwrap();
        let echoed = response.headers()["x-request-id"]
            .to_str()
            .unwrap()
            .to_owned();
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["request_id"], echoed.as_str());
        if keep {
            assert_eq!(echoed, sent);
        } else {
            assert_ne!(echoed, sent);
            assert!(uuid::Uuid::parse_str(&echoed).is_ok(), "{echoed}");
        }
    }
}

#[tokio::test]
async fn query_parameters_get_worded_errors_on_the_parameter() {
    let app = spawn_app().await;
    let session = app.user("eq@example.com").await;
    for (query, field, message) in [
        ("limit=abc", "limit", "must be a whole number"),
        ("limit=99999999999", "limit", "is out of range"),
        ("limit=1&limit=2", "limit", "is given more than once"),
    ] {
        let response = app
            .get(&format!("/api/v1/tasks?{query}"))
            .bearer_auth(&session.token)
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{query}"
        );
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["fields"][field], message, "{query}: {body}");
    }
    // A JSON key given twice is named too.
    let response = app
        .post("/api/v1/tasks")
        .bearer_auth(&session.token)
        .header("content-type", "application/json")
        .body(r#"{"title":"a","title":"b"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["fields"]["title"], "is given more than once", "{body}");
}
