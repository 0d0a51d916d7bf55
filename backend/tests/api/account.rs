use reqwest::StatusCode;
use serde_json::{Value, json};

use super::helpers::{assert_error, spawn_app, spawn_with};

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
        app.delete_account(&session).await.status(),
        StatusCode::NO_CONTENT
    );

    // The records themselves are gone (store contract: `delete_account`); the old token cannot read anything.
    let export = app
        .get("/api/v1/export")
        .bearer_auth(&session.token)
        .send()
        .await
        .unwrap();
    assert_error(export, StatusCode::UNAUTHORIZED, "unauthorized").await;
    assert_error(
        app.login("gone@example.com", "correct horse battery").await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
    let refresh = app.refresh(&session.refresh).await;
    assert_error(refresh, StatusCode::UNAUTHORIZED, "unauthorized").await;
    // The address can be used again.
    assert_eq!(
        app.register("gone@example.com", "correct horse battery")
            .await
            .status(),
        StatusCode::CREATED
    );
}

#[tokio::test]
async fn a_deleted_accounts_access_token_stops_working_at_once() {
    let app = spawn_app().await;
    let session = app.user("leaving@example.com").await;
    // Used once before deletion, so the token sits in the verified-token cache.
    app.create_task(&session, json!({"title": "before"})).await;
    let deleted = app.delete_account(&session).await;
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);

    let me = app
        .get("/api/v1/me")
        .bearer_auth(&session.token)
        .send()
        .await
        .unwrap();
    assert_error(me, StatusCode::UNAUTHORIZED, "unauthorized").await;
    let create = app
        .post("/api/v1/tasks")
        .bearer_auth(&session.token)
        .json(&json!({"title": "orphan"}))
        .send()
        .await
        .unwrap();
    assert_error(create, StatusCode::UNAUTHORIZED, "unauthorized").await;
    let refresh = app.refresh(&session.refresh).await;
    assert_error(refresh, StatusCode::UNAUTHORIZED, "unauthorized").await;
}

#[tokio::test]
async fn a_deleted_accounts_token_stays_refused_after_a_restart() {
    // A second app over the same data directory is the server after a restart: its token cache is empty.
    let app = spawn_app().await;
    let session = app.user("restart@example.com").await;
    let deleted = app.delete_account(&session).await;
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);

    let fresh = spawn_with({
        let data_dir = app.settings.data_dir.clone();
        let issuer = app.settings.local_issuer();
        move |s| {
            s.data_dir = data_dir;
            s.issuer = Some(issuer);
        }
    })
    .await;
    let me = fresh
        .get("/api/v1/me")
        .bearer_auth(&session.token)
        .send()
        .await
        .unwrap();
    assert_error(me, StatusCode::UNAUTHORIZED, "unauthorized").await;
}
