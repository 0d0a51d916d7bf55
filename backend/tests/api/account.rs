use reqwest::StatusCode;
use serde_json::{Value, json};

use super::helpers::{assert_error, spawn_app};

#[tokio::test]
async fn export_contains_the_users_data_only() {
    let app = spawn_app().await;
    let alice = app.user("exp-a@example.com").await;
    let bob = app.user("exp-b@example.com").await;
    app.create_task(&alice, json!({"title": "Alice task"}))
        .await;
    app.create_task(&bob, json!({"title": "Bob task"})).await;
    let response = app
        .get("/api/v1/export")
        .bearer_auth(&alice.token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let export: Value = response.json().await.unwrap();
    assert_eq!(export["user"]["email"], "exp-a@example.com");
    assert_eq!(export["tasks"].as_array().unwrap().len(), 1);
    assert_eq!(export["tasks"][0]["title"], "Alice task");
    assert!(export["budget"].is_object());
    assert!(
        !export.to_string().contains("argon2"),
        "password hashes never leave the server"
    );
}

#[tokio::test]
async fn deleting_the_account_removes_it_and_its_data() {
    let app = spawn_app().await;
    let session = app.user("gone@example.com").await;
    app.create_task(&session, json!({"title": "soon gone"}))
        .await;
    assert_eq!(
        app.delete("/api/v1/me")
            .bearer_auth(&session.token)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NO_CONTENT
    );

    let export: Value = app
        .get("/api/v1/export")
        .bearer_auth(&session.token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(export["tasks"], json!([]));
    assert_error(
        app.login("gone@example.com", "correct horse battery").await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
    let refresh = app
        .post("/api/v1/auth/refresh")
        .json(&json!({"refresh_token": session.refresh}))
        .send()
        .await
        .unwrap();
    assert_error(refresh, StatusCode::UNAUTHORIZED, "unauthorized").await;
    // The address can be used again.
    assert_eq!(
        app.register("gone@example.com", "correct horse battery")
            .await
            .status(),
        StatusCode::CREATED
    );
}
