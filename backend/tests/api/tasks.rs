use reqwest::StatusCode;
use serde_json::{Value, json};

use super::helpers::{assert_error, spawn_app};

#[tokio::test]
async fn create_returns_201_with_location_and_the_task() {
    let app = spawn_app().await;
    let session = app.user("t1@example.com").await;
    let response = app
        .post("/api/v1/tasks")
        .bearer_auth(&session.token)
        .json(&json!({"title": "  Pay rent  ", "due_on": "2026-12-01", "priority": "high", "notes": "online"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(response.headers()["etag"], "\"1\"");
    let task: Value = response.json().await.unwrap();
    assert_eq!(
        location,
        format!("/api/v1/tasks/{}", task["id"].as_str().unwrap())
    );
    assert_eq!(task["title"], "Pay rent");
    assert_eq!(task["priority"], "high");
    assert_eq!(task["due_on"], "2026-12-01");
    assert_eq!(task["version"], 1);
    assert_eq!(task["completed_at"], Value::Null);

    let fetched: Value = app.get_json(&session, &location).await;
    assert_eq!(fetched, task);
}

#[tokio::test]
async fn list_orders_by_due_date_then_creation_and_pages_with_a_cursor() {
    let app = spawn_app().await;
    let session = app.user("t2@example.com").await;
    for (title, due) in [
        ("undated", None),
        ("late", Some("2026-12-20")),
        ("early", Some("2026-12-01")),
        ("early2", Some("2026-12-01")),
    ] {
        app.create_task(&session, json!({"title": title, "due_on": due}))
            .await;
    }
    let page: Value = app.get_json(&session, "/api/v1/tasks?limit=3").await;
    let titles: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["early", "early2", "late"]);
    let cursor = page["next_cursor"].as_str().expect("a next page");
    let next: Value = app
        .get("/api/v1/tasks")
        .query(&[("limit", "3"), ("cursor", cursor)])
        .bearer_auth(&session.token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(next["items"][0]["title"], "undated");
    assert_eq!(next["items"].as_array().unwrap().len(), 1);
    assert_eq!(next["next_cursor"], Value::Null);
}

#[tokio::test]
async fn list_filters_by_status_text_and_due_date() {
    let app = spawn_app().await;
    let session = app.user("t3@example.com").await;
    let done = app
        .create_task(
            &session,
            json!({"title": "Call the BANK", "due_on": "2026-11-25"}),
        )
        .await;
    app.create_task(
        &session,
        json!({"title": "Water plants", "notes": "bank holiday?", "due_on": "2026-12-05"}),
    )
    .await;
    app.create_task(&session, json!({"title": "Read"})).await;
    let response = app
        .patch(&format!("/api/v1/tasks/{}", done["id"].as_str().unwrap()))
        .bearer_auth(&session.token)
        .json(&json!({"completed": true, "version": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);

    let titles = |query: &'static str| {
        let app = &app;
        let token = session.token.clone();
        async move {
            let page: Value = app
                .get(&format!("/api/v1/tasks?{query}"))
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t["title"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(titles("status=active").await, ["Water plants", "Read"]);
    assert_eq!(titles("status=completed").await, ["Call the BANK"]);
    assert_eq!(titles("q=bank").await, ["Call the BANK", "Water plants"]);
    assert_eq!(titles("q=100%25").await, Vec::<String>::new());
    assert_eq!(titles("due_before=2026-12-01").await, ["Call the BANK"]);
    assert_eq!(
        titles("status=all&due_before=2027-01-01&q=water").await,
        ["Water plants"]
    );
}

#[tokio::test]
async fn limit_is_capped_at_100_and_zero_is_rejected() {
    let app = spawn_app().await;
    let session = app.user("t4@example.com").await;
    for i in 0..105 {
        app.create_task(&session, json!({"title": format!("task {i}")}))
            .await;
    }
    let page: Value = app.get_json(&session, "/api/v1/tasks?limit=1000").await;
    assert_eq!(page["items"].as_array().unwrap().len(), 100);
    assert!(page["next_cursor"].is_string());
    let default: Value = app.get_json(&session, "/api/v1/tasks").await;
    assert_eq!(default["items"].as_array().unwrap().len(), 50);
    let zero = app
        .get("/api/v1/tasks?limit=0")
        .bearer_auth(&session.token)
        .send()
        .await
        .unwrap();
    let body = assert_error(zero, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert!(body["fields"]["limit"].is_string());
}

#[tokio::test]
async fn bad_query_values_and_cursors_are_422_naming_the_parameter() {
    let app = spawn_app().await;
    let session = app.user("t5@example.com").await;
    for (query, field) in [
        ("status=done", "status"),
        ("due_before=tomorrow", "due_before"),
        ("limit=-1", "limit"),
        ("cursor=garbage", "cursor"),
        ("sort=x", "sort"),
    ] {
        let response = app
            .get(&format!("/api/v1/tasks?{query}"))
            .bearer_auth(&session.token)
            .send()
            .await
            .unwrap();
        let body = assert_error(
            response,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert!(body["fields"][field].is_string(), "{query}: {body}");
    }
}

#[tokio::test]
async fn patch_updates_fields_and_bumps_version() {
    let app = spawn_app().await;
    let session = app.user("t6@example.com").await;
    let task = app
        .create_task(&session, json!({"title": "Draft", "due_on": "2026-12-01"}))
        .await;
    let url = format!("/api/v1/tasks/{}", task["id"].as_str().unwrap());
    let response = app
        .patch(&url)
        .bearer_auth(&session.token)
        .header("if-match", "\"1\"")
        .json(&json!({"title": "Final", "due_on": null, "priority": "urgent", "completed": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["etag"], "\"2\"");
    let updated: Value = response.json().await.unwrap();
    assert_eq!(updated["title"], "Final");
    assert_eq!(updated["due_on"], Value::Null);
    assert_eq!(updated["priority"], "urgent");
    assert!(updated["completed_at"].is_string());
    assert_eq!(updated["version"], 2);
    assert_eq!(updated["created_at"], task["created_at"]);
}

#[tokio::test]
async fn a_patch_that_changes_nothing_keeps_the_version() {
    let app = spawn_app().await;
    let session = app.user("t6n@example.com").await;
    let task = app
        .create_task(&session, json!({"title": "Draft", "priority": "low"}))
        .await;
    let url = format!("/api/v1/tasks/{}", task["id"].as_str().unwrap());
    for body in [
        json!({"version": 1}),
        json!({"title": "Draft", "priority": "low", "version": 1}),
    ] {
        let response = app
            .patch(&url)
            .bearer_auth(&session.token)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{body}");
        assert_eq!(response.headers()["etag"], "\"1\"");
        let same: Value = response.json().await.unwrap();
        assert_eq!(same, task, "{body}");
    }
    // A real change still bumps it.
    let response = app
        .patch(&url)
        .bearer_auth(&session.token)
        .json(&json!({"title": "Final", "version": 1}))
        .send()
        .await
        .unwrap();
    let changed: Value = response.json().await.unwrap();
    assert_eq!(changed["version"], 2);
}

#[tokio::test]
async fn stale_version_is_rejected_with_409_and_nothing_changes() {
    let app = spawn_app().await;
    let session = app.user("t7@example.com").await;
    let task = app
        .create_task(&session, json!({"title": "Original"}))
        .await;
    let url = format!("/api/v1/tasks/{}", task["id"].as_str().unwrap());
    let first = app
        .patch(&url)
        .bearer_auth(&session.token)
        .json(&json!({"title": "First", "version": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    let stale = app
        .patch(&url)
        .bearer_auth(&session.token)
        .json(&json!({"title": "Second", "version": 1}))
        .send()
        .await
        .unwrap();
    assert_error(stale, StatusCode::CONFLICT, "version_conflict").await;
    let stale_delete = app
        .delete(&url)
        .bearer_auth(&session.token)
        .header("if-match", "1")
        .send()
        .await
        .unwrap();
    assert_error(stale_delete, StatusCode::CONFLICT, "version_conflict").await;
    let current: Value = app.get_json(&session, &url).await;
    assert_eq!(current["title"], "First");
    assert_eq!(current["version"], 2);
}

#[tokio::test]
async fn patch_without_a_version_is_422() {
    let app = spawn_app().await;
    let session = app.user("t8@example.com").await;
    let task = app.create_task(&session, json!({"title": "x"})).await;
    let response = app
        .patch(&format!("/api/v1/tasks/{}", task["id"].as_str().unwrap()))
        .bearer_auth(&session.token)
        .json(&json!({"title": "y"}))
        .send()
        .await
        .unwrap();
    let body = assert_error(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert!(body["fields"]["version"].is_string());
}

#[tokio::test]
async fn delete_returns_204_then_404() {
    let app = spawn_app().await;
    let session = app.user("t9@example.com").await;
    let task = app.create_task(&session, json!({"title": "Temp"})).await;
    let url = format!("/api/v1/tasks/{}", task["id"].as_str().unwrap());
    assert_eq!(
        app.delete(&url)
            .bearer_auth(&session.token)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NO_CONTENT
    );
    assert_error(
        app.delete(&url)
            .bearer_auth(&session.token)
            .send()
            .await
            .unwrap(),
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    assert_error(
        app.get(&url)
            .bearer_auth(&session.token)
            .send()
            .await
            .unwrap(),
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let random = format!("/api/v1/tasks/{}", uuid::Uuid::new_v4());
    assert_error(
        app.delete(&random)
            .bearer_auth(&session.token)
            .send()
            .await
            .unwrap(),
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    assert_error(
        app.get("/api/v1/tasks/not-a-uuid")
            .bearer_auth(&session.token)
            .send()
            .await
            .unwrap(),
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}

#[tokio::test]
async fn another_user_cannot_see_change_or_delete_a_task() {
    let app = spawn_app().await;
    let alice = app.user("alice@example.com").await;
    let bob = app.user("bob@example.com").await;
    let task = app
        .create_task(&alice, json!({"title": "Alice's secret"}))
        .await;
    let url = format!("/api/v1/tasks/{}", task["id"].as_str().unwrap());

    assert_error(
        app.get(&url).bearer_auth(&bob.token).send().await.unwrap(),
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let patch = app
        .patch(&url)
        .bearer_auth(&bob.token)
        .json(&json!({"title": "pwned", "version": 1}))
        .send()
        .await
        .unwrap();
    assert_error(patch, StatusCode::NOT_FOUND, "not_found").await;
    assert_error(
        app.delete(&url)
            .bearer_auth(&bob.token)
            .send()
            .await
            .unwrap(),
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let bobs: Value = app.get_json(&bob, "/api/v1/tasks").await;
    assert_eq!(bobs["items"], json!([]));

    let still: Value = app.get_json(&alice, &url).await;
    assert_eq!(still["title"], "Alice's secret");
    assert_eq!(still["version"], 1);
}

#[tokio::test]
async fn create_validates_fields_with_422() {
    let app = spawn_app().await;
    let session = app.user("t10@example.com").await;
    let response = app
        .post("/api/v1/tasks")
        .bearer_auth(&session.token)
        .json(&json!({"title": "   ", "notes": "x".repeat(4001)}))
        .send()
        .await
        .unwrap();
    let body = assert_error(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(body["fields"]["title"], "must not be empty");
    assert!(body["fields"]["notes"].is_string());
    let long = app
        .post("/api/v1/tasks")
        .bearer_auth(&session.token)
        .json(&json!({"title": "x".repeat(201)}))
        .send()
        .await
        .unwrap();
    assert!(assert_error(long, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await["fields"]["title"].is_string());
    let bad_priority = app
        .post("/api/v1/tasks")
        .bearer_auth(&session.token)
        .json(&json!({"title": "a", "priority": "meh"}))
        .send()
        .await
        .unwrap();
    assert!(
        assert_error(
            bad_priority,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed"
        )
        .await["fields"]["priority"]
            .is_string()
    );
    let bad_date = app
        .post("/api/v1/tasks")
        .bearer_auth(&session.token)
        .json(&json!({"title": "a", "due_on": "2026-02-30"}))
        .send()
        .await
        .unwrap();
    assert!(
        assert_error(
            bad_date,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed"
        )
        .await["fields"]["due_on"]
            .is_string()
    );
}
