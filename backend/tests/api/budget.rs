//! Budget API: settings, pay schedules, bills, occurrence marks and the summary — over real HTTP.

use reqwest::StatusCode;
use serde_json::{Value, json};

use super::helpers::{Session, TestApp, assert_error, spawn_app};

async fn create(app: &TestApp, session: &Session, path: &str, body: Value) -> Value {
    let response = app
        .post(path)
        .bearer_auth(&session.token)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        StatusCode::CREATED,
        "{:?}",
        response.text().await
    );
    response.json().await.unwrap()
}

async fn field_error(response: reqwest::Response, field: &str) {
    let body = assert_error(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert!(
        body["fields"][field].is_string(),
        "expected a field error on {field}: {body}"
    );
}

/// The worked example of docs/budget.md, through the API.
async fn worked_example(app: &TestApp, session: &Session) -> Value {
    let settings = app
        .patch("/api/v1/settings")
        .bearer_auth(&session.token)
        .json(&json!({"current_balance": 50000, "version": 0}))
        .send()
        .await
        .unwrap();
    assert_eq!(settings.status(), StatusCode::OK);
    create(app, session, "/api/v1/pay-schedules", json!({"name": "Salary", "amount": 200000, "frequency": "biweekly", "anchor_date": "2025-11-14"})).await;
    for (name, amount, recurrence) in [
        ("Rent", 180000, json!({"kind": "monthly", "day": 1})),
        ("Card", 30000, json!({"kind": "monthly", "day": 5})),
        ("Loan", 30000, json!({"kind": "monthly", "day": 25})),
        (
            "Insurance",
            60000,
            json!({"kind": "yearly", "month": 3, "day": 1}),
        ),
    ] {
        create(
            app,
            session,
            "/api/v1/bills",
            json!({"name": name, "amount": amount, "recurrence": recurrence}),
        )
        .await;
    }
    app.get_json(session, "/api/v1/budget/summary?as_of=2025-11-20&periods=3")
        .await
}

#[tokio::test]
async fn summary_matches_the_documented_worked_example() {
    let app = spawn_app().await;
    let session = app.user("b1@example.com").await;
    let summary = worked_example(&app, &session).await;
    assert_eq!(summary["as_of"], "2025-11-20");
    assert_eq!(summary["currency"], "USD");
    assert_eq!(summary["next_payday"], "2025-11-28");
    assert_eq!(summary["set_aside_now"], 30000);
    let periods = summary["periods"].as_array().unwrap();
    assert_eq!(periods.len(), 3);
    let shape: Vec<(&str, &str, i64, i64)> = periods
        .iter()
        .map(|p| {
            (
                p["start"].as_str().unwrap(),
                p["end"].as_str().unwrap(),
                p["committed"].as_i64().unwrap(),
                p["left_over"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        shape,
        [
            ("2025-11-20", "2025-11-28", 30000, -30000),
            ("2025-11-28", "2025-12-12", 210000, -10000),
            ("2025-12-12", "2025-12-26", 30000, 170000)
        ]
    );
    assert_eq!(periods[1]["paychecks"][0]["amount"], 200000);
    assert_eq!(periods[0]["bills"][0]["name"], "Loan");
    assert_eq!(periods[0]["bills"][0]["status"], "due");
    assert_eq!(
        summary["lowest_balance"],
        json!({"date": "2025-12-05", "balance": 10000})
    );
    let insurance = summary["reserves"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "Insurance")
        .unwrap();
    assert_eq!(insurance["per_paycheck"], 8572);
}

#[tokio::test]
async fn marking_a_bill_paid_lowers_set_aside_and_unmarking_restores_it() {
    let app = spawn_app().await;
    let session = app.user("b2@example.com").await;
    let before = worked_example(&app, &session).await;
    let loan = &before["periods"][0]["bills"][0];
    let url = format!(
        "/api/v1/bills/{}/occurrences/{}",
        loan["bill_id"].as_str().unwrap(),
        loan["due_on"].as_str().unwrap()
    );
    let marked = app
        .put(&url)
        .bearer_auth(&session.token)
        .json(&json!({"status": "paid", "amount_paid": 29000}))
        .send()
        .await
        .unwrap();
    assert_eq!(marked.status(), StatusCode::OK);
    let after = app
        .get_json(&session, "/api/v1/budget/summary?as_of=2025-11-20")
        .await;
    assert_eq!(after["set_aside_now"], 0);
    assert_eq!(after["periods"][0]["bills"][0]["status"], "paid");
    assert_eq!(after["periods"][0]["bills"][0]["amount_paid"], 29000);

    let skipped = app
        .put(&url)
        .bearer_auth(&session.token)
        .json(&json!({"status": "skipped"}))
        .send()
        .await
        .unwrap();
    assert_eq!(skipped.status(), StatusCode::OK);
    assert_eq!(
        app.get_json(&session, "/api/v1/budget/summary?as_of=2025-11-20")
            .await["periods"][0]["bills"][0]["status"],
        "skipped"
    );

    assert_eq!(
        app.delete(&url)
            .bearer_auth(&session.token)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.get_json(&session, "/api/v1/budget/summary?as_of=2025-11-20")
            .await["set_aside_now"],
        30000
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
}

#[tokio::test]
async fn occurrence_marks_are_validated() {
    let app = spawn_app().await;
    let session = app.user("b3@example.com").await;
    let bill = create(
        &app,
        &session,
        "/api/v1/bills",
        json!({"name": "Rent", "amount": 1000, "recurrence": {"kind": "monthly", "day": 1}}),
    )
    .await;
    let base = format!("/api/v1/bills/{}/occurrences", bill["id"].as_str().unwrap());
    let not_due = app
        .put(&format!("{base}/2026-12-02"))
        .bearer_auth(&session.token)
        .json(&json!({"status": "paid"}))
        .send()
        .await
        .unwrap();
    field_error(not_due, "due_on").await;
    let bad_date = app
        .put(&format!("{base}/someday"))
        .bearer_auth(&session.token)
        .json(&json!({"status": "paid"}))
        .send()
        .await
        .unwrap();
    field_error(bad_date, "due_on").await;
    let due_status = app
        .put(&format!("{base}/2026-12-01"))
        .bearer_auth(&session.token)
        .json(&json!({"status": "due"}))
        .send()
        .await
        .unwrap();
    field_error(due_status, "status").await;
    let negative = app
        .put(&format!("{base}/2026-12-01"))
        .bearer_auth(&session.token)
        .json(&json!({"status": "paid", "amount_paid": -5}))
        .send()
        .await
        .unwrap();
    field_error(negative, "amount_paid").await;
    let unknown_bill = format!(
        "/api/v1/bills/{}/occurrences/2026-12-01",
        uuid::Uuid::new_v4()
    );
    let missing = app
        .put(&unknown_bill)
        .bearer_auth(&session.token)
        .json(&json!({"status": "paid"}))
        .send()
        .await
        .unwrap();
    assert_error(missing, StatusCode::NOT_FOUND, "not_found").await;
}

#[tokio::test]
async fn pay_schedules_crud_with_versions() {
    let app = spawn_app().await;
    let session = app.user("b4@example.com").await;
    let created = create(&app, &session, "/api/v1/pay-schedules", json!({"name": "Main", "amount": 250000, "frequency": "semimonthly", "days": [15, "last"], "weekend": "previous_business_day"})).await;
    assert_eq!(created["days"], json!([15, "last"]));
    assert_eq!(created["version"], 1);
    let url = format!("/api/v1/pay-schedules/{}", created["id"].as_str().unwrap());
    assert_eq!(app.get_json(&session, &url).await, created);
    assert_eq!(
        app.get_json(&session, "/api/v1/pay-schedules").await,
        json!([created])
    );

    let patched = app
        .patch(&url)
        .bearer_auth(&session.token)
        .json(&json!({"frequency": "monthly", "day": "last", "version": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(patched.status(), StatusCode::OK);
    let patched: Value = patched.json().await.unwrap();
    assert_eq!(patched["frequency"], "monthly");
    assert_eq!(patched["day"], "last");
    assert_eq!(
        patched["days"],
        Value::Null,
        "fields of the old frequency are cleared"
    );
    assert_eq!(patched["version"], 2);
    let stale = app
        .patch(&url)
        .bearer_auth(&session.token)
        .json(&json!({"amount": 1, "version": 1}))
        .send()
        .await
        .unwrap();
    assert_error(stale, StatusCode::CONFLICT, "version_conflict").await;
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
        app.get(&url)
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
async fn pay_schedule_bad_input_is_422_with_field_errors() {
    let app = spawn_app().await;
    let session = app.user("b5@example.com").await;
    let cases = [
        (
            json!({"name": "x", "amount": 100, "frequency": "monthly", "day": 32}),
            "day",
        ),
        (
            json!({"name": "x", "amount": -100, "frequency": "monthly", "day": 1}),
            "amount",
        ),
        (
            json!({"name": "x", "amount": 100, "frequency": "biweekly"}),
            "anchor_date",
        ),
        (
            json!({"name": "x", "amount": 100, "frequency": "fortnightly"}),
            "frequency",
        ),
        (
            json!({"name": " ", "amount": 100, "frequency": "monthly", "day": 1}),
            "name",
        ),
        (
            json!({"name": "x", "amount": 100, "frequency": "monthly", "day": 1, "days": [1, 15]}),
            "days",
        ),
        (
            json!({"name": "x", "amount": 100, "frequency": "monthly", "day": 1, "colour": "red"}),
            "colour",
        ),
    ];
    for (body, field) in cases {
        field_error(
            app.post("/api/v1/pay-schedules")
                .bearer_auth(&session.token)
                .json(&body)
                .send()
                .await
                .unwrap(),
            field,
        )
        .await;
    }
    assert_eq!(
        app.get_json(&session, "/api/v1/pay-schedules").await,
        json!([]),
        "nothing was stored"
    );
}

#[tokio::test]
async fn bills_crud_with_versions() {
    let app = spawn_app().await;
    let session = app.user("b6@example.com").await;
    let created = create(&app, &session, "/api/v1/bills", json!({"name": "Phone", "amount": 4500, "category": "Utilities", "autopay": true, "recurrence": {"kind": "monthly", "day": 31}})).await;
    assert_eq!(created["recurrence"], json!({"kind": "monthly", "day": 31}));
    let url = format!("/api/v1/bills/{}", created["id"].as_str().unwrap());
    assert_eq!(app.get_json(&session, &url).await, created);
    let patched: Value = app
        .patch(&url)
        .bearer_auth(&session.token)
        .header("if-match", "\"1\"")
        .json(&json!({"amount": 5000, "category": null}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            patched["amount"].as_i64(),
            patched["category"].is_null(),
            patched["version"].as_i64()
        ),
        (Some(5000), true, Some(2))
    );
    assert_eq!(
        app.get_json(&session, "/api/v1/bills")
            .await
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_error(
        app.delete(&url)
            .bearer_auth(&session.token)
            .header("if-match", "1")
            .send()
            .await
            .unwrap(),
        StatusCode::CONFLICT,
        "version_conflict",
    )
    .await;
    assert_eq!(
        app.delete(&url)
            .bearer_auth(&session.token)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(app.get_json(&session, "/api/v1/bills").await, json!([]));
}

#[tokio::test]
async fn bill_bad_input_is_422_with_field_errors() {
    let app = spawn_app().await;
    let session = app.user("b7@example.com").await;
    let cases = [
        (
            json!({"name": "x", "amount": 100, "recurrence": {"kind": "monthly", "day": 32}}),
            "recurrence.day",
        ),
        (
            json!({"name": "x", "amount": -1, "recurrence": {"kind": "monthly", "day": 1}}),
            "amount",
        ),
        (
            json!({"name": "x", "amount": 100, "recurrence": {"kind": "yearly", "month": 13, "day": 1}}),
            "recurrence.month",
        ),
        (
            json!({"name": "x", "amount": 100, "recurrence": {"kind": "hourly"}}),
            "recurrence.kind",
        ),
        (
            json!({"name": "x", "amount": 100, "recurrence": {"kind": "monthly", "day": 1, "extra": 1}}),
            "recurrence.extra",
        ),
        (
            json!({"name": "x", "amount": 100, "recurrence": {"kind": "monthly", "day": 1}, "starts_on": "2026-05-01", "ends_on": "2026-01-01"}),
            "ends_on",
        ),
        (json!({"name": "x", "amount": 100}), "recurrence"),
    ];
    for (body, field) in cases {
        field_error(
            app.post("/api/v1/bills")
                .bearer_auth(&session.token)
                .json(&body)
                .send()
                .await
                .unwrap(),
            field,
        )
        .await;
    }
}

#[tokio::test]
async fn settings_validate_currency_time_zone_and_version() {
    let app = spawn_app().await;
    let session = app.user("b8@example.com").await;
    let initial = app.get_json(&session, "/api/v1/settings").await;
    assert_eq!(
        (
            initial["currency"].as_str(),
            initial["time_zone"].as_str(),
            initial["version"].as_i64()
        ),
        (Some("USD"), Some("UTC"), Some(0))
    );
    let patch = |body: Value| {
        app.patch("/api/v1/settings")
            .bearer_auth(&session.token)
            .json(&body)
            .send()
    };
    field_error(
        patch(json!({"currency": "XYZ", "version": 0}))
            .await
            .unwrap(),
        "currency",
    )
    .await;
    field_error(
        patch(json!({"time_zone": "Mars/Olympus", "version": 0}))
            .await
            .unwrap(),
        "time_zone",
    )
    .await;
    field_error(
        patch(json!({"time_zone": "Mars/Olympus", "currency": "nope", "version": 0}))
            .await
            .unwrap(),
        "time_zone",
    )
    .await;
    field_error(patch(json!({"currency": "EUR"})).await.unwrap(), "version").await;
    let saved = patch(json!({"currency": "eur", "time_zone": "Europe/Berlin", "current_balance": -1250, "version": 0})).await.unwrap();
    assert_eq!(saved.status(), StatusCode::OK);
    let saved: Value = saved.json().await.unwrap();
    assert_eq!(
        (
            saved["currency"].as_str(),
            saved["time_zone"].as_str(),
            saved["current_balance"].as_i64(),
            saved["version"].as_i64()
        ),
        (Some("EUR"), Some("Europe/Berlin"), Some(-1250), Some(1))
    );
    assert_error(
        patch(json!({"currency": "GBP", "version": 0}))
            .await
            .unwrap(),
        StatusCode::CONFLICT,
        "version_conflict",
    )
    .await;
    let cleared: Value = patch(json!({"current_balance": null, "version": 1}))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(cleared["current_balance"], Value::Null);
    assert_eq!(
        app.get_json(&session, "/api/v1/budget/summary").await["currency"],
        "EUR"
    );
}

#[tokio::test]
async fn summary_query_is_validated_and_defaults_to_today() {
    let app = spawn_app().await;
    let session = app.user("b9@example.com").await;
    for (query, field) in [
        ("periods=27", "periods"),
        ("periods=0", "periods"),
        ("as_of=yesterday", "as_of"),
        ("color=red", "color"),
    ] {
        field_error(
            app.get(&format!("/api/v1/budget/summary?{query}"))
                .bearer_auth(&session.token)
                .send()
                .await
                .unwrap(),
            field,
        )
        .await;
    }
    let summary = app.get_json(&session, "/api/v1/budget/summary").await;
    let today = chrono::Utc::now().date_naive().to_string();
    assert_eq!(summary["as_of"], today.as_str());
    assert_eq!(summary["next_payday"], Value::Null, "no schedules yet");
    assert_eq!(summary["set_aside_now"], 0);
    assert_eq!(
        app.get_json(&session, "/api/v1/budget/summary?periods=26")
            .await["periods"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn budget_records_are_scoped_to_their_owner() {
    let app = spawn_app().await;
    let alice = app.user("b10a@example.com").await;
    let bob = app.user("b10b@example.com").await;
    let bill = create(
        &app,
        &alice,
        "/api/v1/bills",
        json!({"name": "Rent", "amount": 1000, "recurrence": {"kind": "monthly", "day": 1}}),
    )
    .await;
    let schedule = create(
        &app,
        &alice,
        "/api/v1/pay-schedules",
        json!({"name": "Pay", "amount": 1000, "frequency": "monthly", "day": 1}),
    )
    .await;
    let bill_url = format!("/api/v1/bills/{}", bill["id"].as_str().unwrap());
    let schedule_url = format!("/api/v1/pay-schedules/{}", schedule["id"].as_str().unwrap());
    for url in [&bill_url, &schedule_url] {
        assert_error(
            app.get(url).bearer_auth(&bob.token).send().await.unwrap(),
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
        let patch = app
            .patch(url)
            .bearer_auth(&bob.token)
            .json(&json!({"name": "pwned", "version": 1}))
            .send()
            .await
            .unwrap();
        assert_error(patch, StatusCode::NOT_FOUND, "not_found").await;
        assert_error(
            app.delete(url)
                .bearer_auth(&bob.token)
                .send()
                .await
                .unwrap(),
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
    }
    let mark = app
        .put(&format!("{bill_url}/occurrences/2026-12-01"))
        .bearer_auth(&bob.token)
        .json(&json!({"status": "paid"}))
        .send()
        .await
        .unwrap();
    assert_error(mark, StatusCode::NOT_FOUND, "not_found").await;
    assert_eq!(app.get_json(&bob, "/api/v1/bills").await, json!([]));
    assert_eq!(app.get_json(&bob, "/api/v1/pay-schedules").await, json!([]));
    assert_eq!(
        app.get_json(&bob, "/api/v1/budget/summary?as_of=2026-11-20")
            .await["set_aside_now"],
        0
    );
    assert_eq!(app.get_json(&alice, &bill_url).await["name"], "Rent");
}

#[tokio::test]
async fn export_and_account_deletion_include_budget_data() {
    let app = spawn_app().await;
    let session = app.user("b11@example.com").await;
    worked_example(&app, &session).await;
    let bills = app.get_json(&session, "/api/v1/bills").await;
    let rent = bills
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["name"] == "Rent")
        .unwrap();
    let url = format!(
        "/api/v1/bills/{}/occurrences/2025-12-01",
        rent["id"].as_str().unwrap()
    );
    assert_eq!(
        app.put(&url)
            .bearer_auth(&session.token)
            .json(&json!({"status": "paid"}))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    let export = app.get_json(&session, "/api/v1/export").await;
    assert_eq!(export["budget"]["settings"]["current_balance"], 50000);
    assert_eq!(
        export["budget"]["pay_schedules"].as_array().unwrap().len(),
        1
    );
    assert_eq!(export["budget"]["bills"].as_array().unwrap().len(), 4);
    assert_eq!(export["budget"]["occurrences"].as_array().unwrap().len(), 1);

    assert_eq!(
        app.delete_account(&session).await.status(),
        StatusCode::NO_CONTENT
    );
    // The budget records go with the account (store contract `export_and_delete_account_cover_everything_of_one_user`
    // checks every backend); the deleted account's token no longer reads anything.
    let after = app
        .get("/api/v1/export")
        .bearer_auth(&session.token)
        .send()
        .await
        .unwrap();
    assert_error(after, StatusCode::UNAUTHORIZED, "unauthorized").await;
}

#[tokio::test]
async fn concurrent_creates_never_pass_the_pay_schedule_limit() {
    let app = spawn_app().await;
    let session = app.user("cap@example.com").await;
    let body = json!({"name": "Pay", "amount": 100, "frequency": "monthly", "day": 1});
    let requests = (0..40).map(|_| {
        app.post("/api/v1/pay-schedules")
            .bearer_auth(&session.token)
            .json(&body)
            .send()
    });
    let responses = futures_util::future::join_all(requests).await;
    let mut created = 0;
    for response in responses {
        let response = response.unwrap();
        match response.status() {
            StatusCode::CREATED => created += 1,
            _ => {
                assert_error(response, StatusCode::CONFLICT, "conflict").await;
            }
        }
    }
    let stored = app.get_json(&session, "/api/v1/pay-schedules").await;
    // The embedded store counts and inserts in one transaction: exactly the limit, never more.
    assert_eq!(created, 20);
    assert_eq!(stored.as_array().unwrap().len(), 20);
}

#[tokio::test]
async fn marking_an_occurrence_of_a_deleted_bill_is_404_and_leaves_no_mark() {
    let app = spawn_app().await;
    let session = app.user("orphan@example.com").await;
    for _ in 0..5 {
        let bill = create(
            &app,
            &session,
            "/api/v1/bills",
            json!({"name": "Rent", "amount": 100, "recurrence": {"kind": "monthly", "day": 1}}),
        )
        .await;
        let id = bill["id"].as_str().unwrap();
        let mark = app
            .put(&format!("/api/v1/bills/{id}/occurrences/2026-12-01"))
            .bearer_auth(&session.token)
            .json(&json!({"status": "paid"}))
            .send();
        let delete = app
            .delete(&format!("/api/v1/bills/{id}"))
            .bearer_auth(&session.token)
            .send();
        let (mark, delete) = tokio::join!(mark, delete);
        assert_eq!(delete.unwrap().status(), StatusCode::NO_CONTENT);
        let status = mark.unwrap().status();
        assert!(
            status == StatusCode::OK || status == StatusCode::NOT_FOUND,
            "{status}"
        );
    }
    let export = app.get_json(&session, "/api/v1/export").await;
    assert_eq!(export["budget"]["occurrences"], json!([]), "{export}");
}

#[tokio::test]
async fn bill_and_schedule_lists_reject_unknown_query_parameters_like_tasks() {
    let app = spawn_app().await;
    let session = app.user("query@example.com").await;
    for (path, param) in [
        ("/api/v1/bills?limit=10", "limit"),
        ("/api/v1/bills?cursor=x", "cursor"),
        ("/api/v1/pay-schedules?sort=name", "sort"),
    ] {
        let body = assert_error(
            app.get(path)
                .bearer_auth(&session.token)
                .send()
                .await
                .unwrap(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(
            body["fields"][param], "is not a known field",
            "{path}: {body}"
        );
    }
    // Without parameters both are still one bare array (the UI reads them that way).
    assert!(app.get_json(&session, "/api/v1/bills").await.is_array());
    assert!(
        app.get_json(&session, "/api/v1/pay-schedules")
            .await
            .is_array()
    );
}

/// docs/budget.md rule 6 over HTTP: unpaid occurrences from before `as_of` (but not before the bill was added) are
/// owed and counted; marking one paid or skipped clears it — including marks dated before `as_of`.
#[tokio::test]
async fn overdue_bills_are_counted_until_marked_and_marks_before_as_of_clear_them() {
    let app = spawn_app().await;
    let session = app.user("overdue@example.com").await;
    let today = chrono::Utc::now().date_naive();
    let bill = create(
        &app,
        &session,
        "/api/v1/bills",
        json!({"name": "Gym", "amount": 1000, "recurrence": {"kind": "weekly", "anchor": today.to_string()}}),
    )
    .await;
    // Ten days on, today's and next week's occurrences have passed unpaid; the next one is due in the period.
    let as_of = today + chrono::TimeDelta::days(10);
    let summary_url = format!("/api/v1/budget/summary?as_of={as_of}&periods=1");
    let summary = app.get_json(&session, &summary_url).await;
    let listed: Vec<&str> = summary["periods"][0]["bills"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["due_on"].as_str().unwrap())
        .collect();
    let week = |n: i64| (today + chrono::TimeDelta::days(7 * n)).to_string();
    assert_eq!(&listed[..3], [week(0), week(1), week(2)]);
    // Every listed occurrence is unpaid and counts: the 2 overdue and the month's.
    let all = 1000 * listed.len() as i64;
    assert_eq!(summary["set_aside_now"], all);

    for (due, status) in [(week(0), "paid"), (week(1), "skipped")] {
        let marked = app
            .put(&format!(
                "/api/v1/bills/{}/occurrences/{due}",
                bill["id"].as_str().unwrap()
            ))
            .bearer_auth(&session.token)
            .json(&json!({"status": status}))
            .send()
            .await
            .unwrap();
        assert_eq!(marked.status(), StatusCode::OK);
    }
    let summary = app.get_json(&session, &summary_url).await;
    assert_eq!(
        summary["set_aside_now"],
        all - 2000,
        "the marked ones no longer count"
    );
    assert_eq!(summary["periods"][0]["bills"][0]["due_on"], week(2));
}

#[tokio::test]
async fn summary_says_safe_to_spend_with_its_parts_or_what_is_missing() {
    let app = spawn_app().await;
    let session = app.user("b-safe@example.com").await;
    let empty = app
        .get_json(&session, "/api/v1/budget/summary?as_of=2025-11-20")
        .await;
    assert_eq!(
        empty["safe_to_spend"],
        json!({"amount": null, "missing": ["no_balance", "no_pay_schedule"], "until": null,
               "balance_now": null, "bills_due": 0, "reserved": 0, "pay_today": 0, "paid_ahead": 0})
    );
    assert!(empty.get("balance").is_none());

    let summary = worked_example(&app, &session).await;

    // docs/budget.md: $500 − Loan $300 before Nov 28 − Insurance's $85.72 share = $114.28.
    assert_eq!(
        summary["safe_to_spend"],
        json!({"amount": 11428, "missing": [], "until": "2025-11-28",
               "balance_now": 50000, "bills_due": 30000, "reserved": 8572, "pay_today": 0,
               "paid_ahead": 0})
    );
    // Ticking the Loan paid ahead of Nov 25 does not make its $300 free to spend: it is still in the balance.
    let loan = &summary["periods"][0]["bills"][0];
    let marked = app
        .put(&format!(
            "/api/v1/bills/{}/occurrences/2025-11-25",
            loan["bill_id"].as_str().unwrap()
        ))
        .bearer_auth(&session.token)
        .json(&json!({"status": "paid"}))
        .send()
        .await
        .unwrap();
    assert_eq!(marked.status(), StatusCode::OK);
    let ticked = app
        .get_json(&session, "/api/v1/budget/summary?as_of=2025-11-20")
        .await;
    assert_eq!(
        (
            &ticked["safe_to_spend"]["bills_due"],
            &ticked["safe_to_spend"]["paid_ahead"],
            &ticked["safe_to_spend"]["amount"]
        ),
        (&json!(0), &json!(30000), &json!(11428))
    );
    // The balance was entered today, after this as_of: it reads as the balance on as_of.
    assert_eq!(
        summary["balance"],
        json!({"stated": 50000, "stated_on": "2025-11-20", "paid_since": [], "now": 50000})
    );
}

#[tokio::test]
async fn a_dated_balance_takes_off_the_bills_paid_since_that_day() {
    let app = spawn_app().await;
    let session = app.user("b-dated@example.com").await;
    let patch = |body: Value| {
        app.patch("/api/v1/settings")
            .bearer_auth(&session.token)
            .json(&body)
            .send()
    };
    let saved: Value =
        patch(json!({"current_balance": 82000, "balance_on": "2025-12-04", "version": 0}))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    assert_eq!(saved["balance_on"], "2025-12-04");
    let card = create(
        &app,
        &session,
        "/api/v1/bills",
        json!({"name": "Credit card", "amount": 4500, "recurrence": {"kind": "monthly", "day": 5}}),
    )
    .await;
    let marked = app
        .put(&format!(
            "/api/v1/bills/{}/occurrences/2025-12-05",
            card["id"].as_str().unwrap()
        ))
        .bearer_auth(&session.token)
        .json(&json!({"status": "paid"}))
        .send()
        .await
        .unwrap();
    assert_eq!(marked.status(), StatusCode::OK);

    let summary = app
        .get_json(&session, "/api/v1/budget/summary?as_of=2025-12-07")
        .await;

    assert_eq!(
        summary["balance"],
        json!({"stated": 82000, "stated_on": "2025-12-04", "now": 77500, "paid_since": [
            {"bill_id": card["id"], "name": "Credit card", "due_on": "2025-12-05", "amount": 4500}]})
    );
    assert_eq!(summary["projected_balance"][0]["balance"], 77500);
    assert_eq!(
        summary["safe_to_spend"]["missing"],
        json!(["no_pay_schedule"])
    );

    // A new balance without a date is dated today (UTC here); a date after today is refused.
    let before = chrono::Utc::now().date_naive();
    let redated: Value = patch(json!({"current_balance": 70000, "version": 1}))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let after = chrono::Utc::now().date_naive();
    let on: chrono::NaiveDate = redated["balance_on"].as_str().unwrap().parse().unwrap();
    assert!((before..=after).contains(&on), "{redated}");
    let tomorrow = (after + chrono::Days::new(1)).to_string();
    field_error(
        patch(json!({"balance_on": tomorrow, "version": 2}))
            .await
            .unwrap(),
        "balance_on",
    )
    .await;
    let cleared: Value = patch(json!({"current_balance": null, "version": 2}))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(cleared["balance_on"], Value::Null);
}

#[tokio::test]
async fn a_payday_can_be_paid_a_different_amount_or_skipped_and_restored() {
    let app = spawn_app().await;
    let session = app.user("b-payday@example.com").await;
    let before = worked_example(&app, &session).await;
    let salary = before["periods"][1]["paychecks"][0]["schedule_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let url = format!("/api/v1/pay-schedules/{salary}/paydays/2025-11-28");
    let put = |body: Value| app.put(&url).bearer_auth(&session.token).json(&body).send();
    let summary = || {
        app.get_json(
            &session,
            "/api/v1/budget/summary?as_of=2025-11-20&periods=3",
        )
    };

    // Overtime on Nov 28: $2,500 instead of $2,000.
    let changed = put(json!({"amount": 250000})).await.unwrap();
    assert_eq!(changed.status(), StatusCode::OK);
    let schedule: Value = changed.json().await.unwrap();
    assert_eq!(
        schedule["payday_overrides"][0]["status"], "changed",
        "{schedule}"
    );
    assert_eq!(schedule["version"], 2);
    let overtime = summary().await;
    assert_eq!(overtime["periods"][1]["income"], 250000);
    assert_eq!(overtime["periods"][1]["left_over"], 40000);

    // Skipped: Nov 28 is no payday, so the first period runs to Dec 12 and the Dec 1 rent and Dec 5 card fall in it.
    assert_eq!(
        put(json!({"status": "skipped"})).await.unwrap().status(),
        StatusCode::OK
    );
    let skipped = summary().await;
    assert_eq!(skipped["next_payday"], "2025-12-12");
    assert_eq!(skipped["periods"][0]["end"], "2025-12-12");
    assert_eq!(skipped["set_aside_now"], 240000);

    field_error(
        put(json!({"status": "skipped", "amount": 1}))
            .await
            .unwrap(),
        "amount",
    )
    .await;
    field_error(
        app.put(&format!(
            "/api/v1/pay-schedules/{salary}/paydays/2025-11-27"
        ))
        .bearer_auth(&session.token)
        .json(&json!({"amount": 1}))
        .send()
        .await
        .unwrap(),
        "date",
    )
    .await;
    assert_error(
        put(json!({"amount": 1, "note": "bonus"})).await.unwrap(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;

    let restore = || app.delete(&url).bearer_auth(&session.token).send();
    assert_eq!(restore().await.unwrap().status(), StatusCode::NO_CONTENT);
    assert_eq!(summary().await["periods"], before["periods"]);
    assert_error(restore().await.unwrap(), StatusCode::NOT_FOUND, "not_found").await;
}

#[tokio::test]
async fn a_payday_change_from_a_stale_window_is_a_conflict_not_an_overwrite() {
    let app = spawn_app().await;
    let session = app.user("b-payday-stale@example.com").await;
    let before = worked_example(&app, &session).await;
    let salary = before["periods"][1]["paychecks"][0]["schedule_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let url = format!("/api/v1/pay-schedules/{salary}/paydays/2025-11-28");
    let put = |body: Value| app.put(&url).bearer_auth(&session.token).json(&body).send();

    // Window A skips Nov 28, seen at version 1; window B, still at version 1, then tries to change its amount.
    let skipped = put(json!({"status": "skipped", "version": 1}))
        .await
        .unwrap();
    assert_eq!(skipped.status(), StatusCode::OK);
    assert_error(
        put(json!({"amount": 190000, "version": 1})).await.unwrap(),
        StatusCode::CONFLICT,
        "version_conflict",
    )
    .await;
    let stale_restore = app
        .delete(&url)
        .bearer_auth(&session.token)
        .header("If-Match", "\"1\"")
        .send()
        .await
        .unwrap();
    assert_error(stale_restore, StatusCode::CONFLICT, "version_conflict").await;
    let schedule = app
        .get_json(&session, &format!("/api/v1/pay-schedules/{salary}"))
        .await;
    assert_eq!(schedule["payday_overrides"][0]["status"], "skipped");

    // With the version it has now (2), or none at all as before versions were sent, the change goes through.
    assert_eq!(
        put(json!({"amount": 190000, "version": 2}))
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        put(json!({"amount": 180000})).await.unwrap().status(),
        StatusCode::OK
    );
    // If-Match and the body must agree.
    let disagree = app
        .put(&url)
        .bearer_auth(&session.token)
        .header("If-Match", "\"3\"")
        .json(&json!({"amount": 1, "version": 2}))
        .send()
        .await
        .unwrap();
    field_error(disagree, "version").await;
}

#[tokio::test]
async fn every_n_months_and_every_n_weeks_bills_are_saved_and_fall_due_in_the_summary() {
    let app = spawn_app().await;
    let session = app.user("every-n@example.com").await;
    create(&app, &session, "/api/v1/pay-schedules", json!({"name": "Salary", "amount": 200000, "frequency": "biweekly", "anchor_date": "2026-03-06"})).await;
    let car = json!({"kind": "every_n_months", "every": 6, "anchor": "2026-03-15"});
    let created = create(
        &app,
        &session,
        "/api/v1/bills",
        json!({"name": "Car insurance", "amount": 45000, "recurrence": car}),
    )
    .await;
    assert_eq!(created["recurrence"], car);
    let haircut = json!({"kind": "every_n_weeks", "every": 3, "anchor": "2026-03-06"});
    create(
        &app,
        &session,
        "/api/v1/bills",
        json!({"name": "Haircut", "amount": 3000, "recurrence": haircut}),
    )
    .await;

    let summary = app
        .get_json(
            &session,
            "/api/v1/budget/summary?as_of=2026-03-10&periods=3",
        )
        .await;

    // Periods: Mar 10 – 19, Mar 20 – Apr 2, Apr 3 – 16.
    let due: Vec<Vec<(String, String)>> = summary["periods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            p["bills"]
                .as_array()
                .unwrap()
                .iter()
                .map(|b| {
                    (
                        b["name"].as_str().unwrap().to_owned(),
                        b["due_on"].as_str().unwrap().to_owned(),
                    )
                })
                .collect()
        })
        .collect();
    let pair = |name: &str, date: &str| (name.to_owned(), date.to_owned());
    assert_eq!(
        due,
        [
            vec![pair("Car insurance", "2026-03-15")],
            vec![pair("Haircut", "2026-03-27")],
            vec![],
        ]
    );
    assert_eq!(summary["set_aside_now"], 45000);
    // Every 6 months is reserved for; every 3 weeks is not (it is more often than a month).
    let reserves = summary["reserves"].as_array().unwrap();
    assert_eq!(reserves.len(), 1);
    assert_eq!(reserves[0]["name"], "Car insurance");

    for (recurrence, field) in [
        (
            json!({"kind": "every_n_months", "every": 13, "anchor": "2026-03-15"}),
            "recurrence.every",
        ),
        (
            json!({"kind": "every_n_weeks", "every": 0, "anchor": "2026-03-06"}),
            "recurrence.every",
        ),
        (
            json!({"kind": "every_n_weeks", "anchor": "2026-03-06"}),
            "recurrence.every",
        ),
        (
            json!({"kind": "every_n_months", "every": 6}),
            "recurrence.anchor",
        ),
        (
            json!({"kind": "every_n_months", "every": 6, "anchor": "2026-02-30"}),
            "recurrence.anchor",
        ),
    ] {
        field_error(
            app.post("/api/v1/bills")
                .bearer_auth(&session.token)
                .json(&json!({"name": "x", "amount": 100, "recurrence": recurrence}))
                .send()
                .await
                .unwrap(),
            field,
        )
        .await;
    }
}

#[tokio::test]
async fn a_payday_on_a_public_holiday_moves_by_the_schedules_calendar() {
    let app = spawn_app().await;
    let session = app.user("holidays@example.com").await;
    let plain = create(&app, &session, "/api/v1/pay-schedules", json!({"name": "Plain", "amount": 100000, "frequency": "biweekly", "anchor_date": "2026-12-11", "weekend": "previous_business_day"})).await;
    assert_eq!(plain["holidays"], "none");
    let summary = app
        .get_json(
            &session,
            "/api/v1/budget/summary?as_of=2026-12-14&periods=2",
        )
        .await;
    assert_eq!(summary["next_payday"], "2026-12-25");

    // Fri 25 Dec 2026 is Christmas Day: with the UK calendar, moving forward passes the weekend and Mon 28 Dec
    // (Boxing Day's substitute) to Tue 29 Dec.
    let url = format!("/api/v1/pay-schedules/{}", plain["id"].as_str().unwrap());
    let patched = app
        .patch(&url)
        .bearer_auth(&session.token)
        .json(
            &json!({"weekend": "next_business_day", "holidays": "uk_england_wales", "version": 1}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(patched.status(), StatusCode::OK);
    let patched: Value = patched.json().await.unwrap();
    assert_eq!(patched["holidays"], "uk_england_wales");
    let summary = app
        .get_json(
            &session,
            "/api/v1/budget/summary?as_of=2026-12-14&periods=2",
        )
        .await;
    assert_eq!(summary["next_payday"], "2026-12-29");
    assert_eq!(summary["periods"][1]["paychecks"][0]["date"], "2026-12-29");

    field_error(
        app.post("/api/v1/pay-schedules")
            .bearer_auth(&session.token)
            .json(&json!({"name": "US", "amount": 1, "frequency": "monthly", "day": 1, "holidays": "us_federal"}))
            .send()
            .await
            .unwrap(),
        "holidays",
    )
    .await;
    field_error(
        app.post("/api/v1/pay-schedules")
            .bearer_auth(&session.token)
            .json(&json!({"name": "FR", "amount": 1, "frequency": "monthly", "day": 1, "weekend": "next_business_day", "holidays": "fr"}))
            .send()
            .await
            .unwrap(),
        "holidays",
    )
    .await;
}
