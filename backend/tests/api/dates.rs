//! Every date a request carries — body, query string or path — is strict `YYYY-MM-DD` within 1900–2200, else a
//! 422 naming the field with one message. Out-of-range years (chrono allows ±262143) used to be stored and then
//! ordered as text by the embedded store.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{Session, TestApp, assert_error, spawn_app};

const MESSAGE: &str = "must be a date like 2026-12-01";
const BAD: [&str; 8] = [
    "+10000-01-01",
    "-9999-06-01",
    " 2026-01-01",
    "2026-1-5",
    "2026-02-30",
    "1899-12-31",
    "2201-01-01",
    "+262142-12-31",
];

async fn expect_date_error(response: reqwest::Response, field: &str, what: &str) {
    let body = assert_error(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(body["fields"][field], MESSAGE, "{what}: {body}");
}

async fn create(app: &TestApp, session: &Session, path: &str, body: Value) -> Value {
    let response = app
        .post(path)
        .bearer_auth(&session.token)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED, "{path} {body}");
    response.json().await.unwrap()
}

#[tokio::test]
async fn impossible_or_loose_dates_are_422_in_bodies_queries_and_paths() {
    let app = spawn_app().await;
    let session = app.user("dates@example.com").await;
    let task = app.create_task(&session, json!({"title": "t"})).await;
    let schedule = create(
        &app,
        &session,
        "/api/v1/pay-schedules",
        json!({"name": "Pay", "amount": 100, "frequency": "weekly", "anchor_date": "2026-01-02"}),
    )
    .await;
    let bill = create(
        &app,
        &session,
        "/api/v1/bills",
        json!({"name": "Rent", "amount": 100, "recurrence": {"kind": "monthly", "day": 1}}),
    )
    .await;
    for bad in BAD {
        let send = |request: reqwest::RequestBuilder| async {
            request.bearer_auth(&session.token).send().await.unwrap()
        };
        let cases: Vec<(reqwest::RequestBuilder, &str)> = vec![
            (
                app.post("/api/v1/tasks")
                    .json(&json!({"title": "x", "due_on": bad})),
                "due_on",
            ),
            (
                app.patch(&format!("/api/v1/tasks/{}", task["id"].as_str().unwrap()))
                    .json(&json!({"due_on": bad, "version": 1})),
                "due_on",
            ),
            (
                app.get("/api/v1/tasks").query(&[("due_before", bad)]),
                "due_before",
            ),
            (
                app.get("/api/v1/budget/summary").query(&[("as_of", bad)]),
                "as_of",
            ),
            (
                app.post("/api/v1/pay-schedules").json(
                    &json!({"name": "P", "amount": 1, "frequency": "biweekly", "anchor_date": bad}),
                ),
                "anchor_date",
            ),
            (
                app.patch(&format!(
                    "/api/v1/pay-schedules/{}",
                    schedule["id"].as_str().unwrap()
                ))
                .json(&json!({"anchor_date": bad, "version": 1})),
                "anchor_date",
            ),
            (
                app.post("/api/v1/bills")
                    .json(&json!({"name": "B", "amount": 1,
                    "recurrence": {"kind": "monthly", "day": 1}, "starts_on": bad})),
                "starts_on",
            ),
            (
                app.post("/api/v1/bills").json(
                    &json!({"name": "B", "amount": 1, "recurrence": {"kind": "once", "date": bad}}),
                ),
                "recurrence.date",
            ),
            (
                app.patch(&format!("/api/v1/bills/{}", bill["id"].as_str().unwrap()))
                    .json(
                        &json!({"recurrence": {"kind": "quarterly", "anchor": bad}, "version": 1}),
                    ),
                "recurrence.anchor",
            ),
            (
                app.patch(&format!("/api/v1/bills/{}", bill["id"].as_str().unwrap()))
                    .json(&json!({"ends_on": bad, "version": 1})),
                "ends_on",
            ),
            (
                app.put(&format!(
                    "/api/v1/bills/{}/occurrences/{}",
                    bill["id"].as_str().unwrap(),
                    bad.replace('+', "%2B").replace(' ', "%20")
                ))
                .json(&json!({"status": "paid"})),
                "due_on",
            ),
        ];
        for (request, field) in cases {
            expect_date_error(send(request).await, field, bad).await;
        }
    }
    // Nothing above was stored: the task list and the bill are as created.
    let list: Value = app.get_json(&session, "/api/v1/tasks").await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn the_first_and_last_supported_days_are_accepted_and_ordered() {
    let app = spawn_app().await;
    let session = app.user("dates2@example.com").await;
    for (title, due_on) in [
        ("late", "2200-12-31"),
        ("mid", "2026-01-05"),
        ("early", "1900-01-01"),
    ] {
        app.create_task(&session, json!({"title": title, "due_on": due_on}))
            .await;
    }
    let list: Value = app
        .get_json(&session, "/api/v1/tasks?due_before=2200-12-31")
        .await;
    let titles: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["early", "mid"]);
    let summary = app
        .get("/api/v1/budget/summary?as_of=2200-12-31&periods=26")
        .bearer_auth(&session.token)
        .send()
        .await
        .unwrap();
    assert_eq!(summary.status(), StatusCode::OK);
}
