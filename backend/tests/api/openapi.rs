use serde_json::Value;

use super::helpers::spawn_app;

/// Every route the API serves, as (method, OpenAPI path). A route added without documentation fails here;
/// the second test fails if a documented path is not actually routed.
const ROUTES: &[(&str, &str)] = &[
    ("post", "/api/v1/auth/register"),
    ("post", "/api/v1/auth/login"),
    ("post", "/api/v1/auth/refresh"),
    ("post", "/api/v1/auth/logout"),
    ("get", "/.well-known/jwks.json"),
    ("get", "/api/v1/tasks"),
    ("post", "/api/v1/tasks"),
    ("get", "/api/v1/tasks/{id}"),
    ("patch", "/api/v1/tasks/{id}"),
    ("delete", "/api/v1/tasks/{id}"),
    ("get", "/api/v1/me"),
    ("delete", "/api/v1/me"),
    ("get", "/api/v1/export"),
    ("get", "/api/v1/settings"),
    ("patch", "/api/v1/settings"),
    ("get", "/api/v1/pay-schedules"),
    ("post", "/api/v1/pay-schedules"),
    ("get", "/api/v1/pay-schedules/{id}"),
    ("patch", "/api/v1/pay-schedules/{id}"),
    ("delete", "/api/v1/pay-schedules/{id}"),
    ("get", "/api/v1/bills"),
    ("post", "/api/v1/bills"),
    ("get", "/api/v1/bills/{id}"),
    ("patch", "/api/v1/bills/{id}"),
    ("delete", "/api/v1/bills/{id}"),
    ("put", "/api/v1/bills/{id}/occurrences/{due_on}"),
    ("delete", "/api/v1/bills/{id}/occurrences/{due_on}"),
    ("get", "/api/v1/budget/summary"),
    ("put", "/api/v1/pay-schedules/{id}/paydays/{date}"),
    ("delete", "/api/v1/pay-schedules/{id}/paydays/{date}"),
    ("get", "/healthz"),
    ("get", "/readyz"),
];

#[tokio::test]
async fn openapi_document_lists_every_route() {
    let app = spawn_app().await;
    let doc: Value = app.openapi().await;
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for (method, path) in ROUTES {
        assert!(
            doc["paths"][path][method].is_object(),
            "{method} {path} missing from openapi.json"
        );
    }
    let documented: usize = doc["paths"]
        .as_object()
        .unwrap()
        .values()
        .map(|ops| ops.as_object().unwrap().len())
        .sum();
    assert_eq!(
        documented,
        ROUTES.len(),
        "openapi.json documents routes this test does not know about"
    );
    assert!(doc["components"]["schemas"]["ApiError"].is_object());
}

#[tokio::test]
async fn every_documented_route_is_served() {
    let app = spawn_app().await;
    let doc: Value = app.openapi().await;
    for (path, operations) in doc["paths"].as_object().unwrap() {
        let concrete = path
            .replace("{id}", &uuid::Uuid::new_v4().to_string())
            .replace("{due_on}", "2026-12-01")
            .replace("{date}", "2026-12-04");
        for method in operations.as_object().unwrap().keys() {
            let response = app
                .client
                .request(method.to_uppercase().parse().unwrap(), app.url(&concrete))
                .send()
                .await
                .unwrap();
            assert_ne!(
                response.status(),
                reqwest::StatusCode::METHOD_NOT_ALLOWED,
                "{method} {path}"
            );
            if response.status() == reqwest::StatusCode::NOT_FOUND {
                let body: Value = response.json().await.unwrap();
                assert_ne!(
                    body["message"], "No such endpoint; see /api/v1/openapi.json.",
                    "{method} {path} not routed"
                );
            }
        }
    }
}

/// Every `$ref` points at a schema the document defines (schemathesis skipped a parameter over one that did
/// not: `StatusFilter`).
#[tokio::test]
async fn every_schema_reference_resolves() {
    fn refs<'a>(node: &'a Value, found: &mut Vec<&'a str>) {
        match node {
            Value::Object(map) => {
                if let Some(Value::String(target)) = map.get("$ref") {
                    found.push(target);
                }
                map.values().for_each(|value| refs(value, found));
            }
            Value::Array(items) => items.iter().for_each(|value| refs(value, found)),
            _ => {}
        }
    }
    let app = spawn_app().await;
    let doc: Value = app.openapi().await;
    let mut found = Vec::new();
    refs(&doc, &mut found);
    assert!(!found.is_empty());
    for target in found {
        let name = target
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("unexpected reference {target}"));
        assert!(
            doc["components"]["schemas"][name].is_object(),
            "{target} does not resolve"
        );
    }
}

/// The summary's dated balance and safe-to-spend, and the settings' balance date, are documented for clients.
#[tokio::test]
async fn the_balance_and_safe_to_spend_are_documented() {
    let app = spawn_app().await;
    let doc: Value = app.openapi().await;
    let schemas = &doc["components"]["schemas"];
    for (schema, property) in [
        ("BudgetSummary", "balance"),
        ("BudgetSummary", "safe_to_spend"),
        ("BalanceNow", "paid_since"),
        ("SafeToSpend", "missing"),
        ("Settings", "balance_on"),
        ("UpdateSettings", "balance_on"),
    ] {
        assert!(
            schemas[schema]["properties"][property].is_object(),
            "{schema}.{property} missing from openapi.json"
        );
    }
    assert_eq!(
        schemas["SafeToSpendMissing"]["enum"],
        serde_json::json!(["no_balance", "no_pay_schedule"])
    );
}

/// The every-N recurrences and the holiday calendars are in the document clients generate from.
#[tokio::test]
async fn schemas_describe_every_n_recurrences_and_holiday_calendars() {
    let app = spawn_app().await;
    let doc: Value = app.openapi().await;
    let schemas = &doc["components"]["schemas"];
    let recurrence = schemas["Recurrence"].to_string();
    for kind in ["\"every_n_months\"", "\"every_n_weeks\"", "\"every\""] {
        assert!(recurrence.contains(kind), "{kind} in {recurrence}");
    }
    let calendar = schemas["HolidayCalendar"].to_string();
    for name in ["\"none\"", "\"us_federal\"", "\"uk_england_wales\""] {
        assert!(calendar.contains(name), "{name} in {calendar}");
    }
    for body in ["PaySchedule", "CreatePaySchedule", "UpdatePaySchedule"] {
        assert!(
            schemas[body]["properties"]["holidays"].is_object(),
            "{body}.holidays"
        );
    }
}
