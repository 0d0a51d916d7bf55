//! The black-box API end to end with each cloud backend selected by configuration only: the real `server`
//! binary, started with `PAYDAY_STORE=dynamodb|mongodb` and the standard variables (`AWS_ENDPOINT_URL`, …),
//! after `server init-store`; real HTTP in, a real emulator (moto, SecantusDB) behind. Representative flows:
//! sign-up and token rotation, tasks with paging and version conflicts, the budget, export and deletion.

mod cloud_env;

use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

use cloud_env::{Server, start_server, store_env, unique_name};

/// Starts a server on `backend` with a fresh table / database, or `None` without the test servers.
async fn server(backend: &str) -> Option<Server> {
    let endpoint = match backend {
        "dynamodb" => cloud_env::dynamodb_endpoint()?,
        _ => cloud_env::mongodb_uri()?,
    };
    Some(start_server(&store_env(backend, &endpoint, &unique_name("payday"))).await)
}

struct Api<'a> {
    server: &'a Server,
    client: Client,
}

impl Api<'_> {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.server.base)
    }

    async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut request = self.client.request(method, self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// Registers and signs in; returns (access token, refresh token).
    async fn user(&self, email: &str) -> (String, String) {
        let credentials = json!({"email": email, "password": "correct horse battery"});
        let (status, body) = self
            .send(
                reqwest::Method::POST,
                "/api/v1/auth/register",
                None,
                Some(credentials.clone()),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let (status, tokens) = self
            .send(
                reqwest::Method::POST,
                "/api/v1/auth/login",
                None,
                Some(credentials),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{tokens}");
        (
            tokens["access_token"].as_str().unwrap().to_owned(),
            tokens["refresh_token"].as_str().unwrap().to_owned(),
        )
    }
}

async fn sign_up_tokens_and_tasks(server: &Server) {
    use reqwest::Method;
    let api = Api {
        server,
        client: Client::new(),
    };
    let (token, refresh) = api.user("ann@example.com").await;
    let (other, _) = api.user("bob@example.com").await;
    let credentials = json!({"email": "ann@example.com", "password": "correct horse battery"});
    let (status, _) = api
        .send(
            Method::POST,
            "/api/v1/auth/register",
            None,
            Some(credentials),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "e-mail addresses are unique");

    // Refresh rotates; presenting a spent token again is refused.
    let (status, rotated) = api
        .send(
            Method::POST,
            "/api/v1/auth/refresh",
            None,
            Some(json!({"refresh_token": refresh})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{rotated}");
    let (status, _) = api
        .send(
            Method::POST,
            "/api/v1/auth/refresh",
            None,
            Some(json!({"refresh_token": refresh})),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // Twelve tasks, read back in three pages of five in due-date order.
    let mut created = Vec::new();
    for i in 0..12 {
        let due = format!("2026-12-{:02}", 12 - i);
        let (status, task) = api
            .send(
                Method::POST,
                "/api/v1/tasks",
                Some(&token),
                Some(json!({"title": format!("task {i}"), "due_on": due})),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{task}");
        created.push(task);
    }
    let mut seen = Vec::new();
    let mut path = "/api/v1/tasks?limit=5".to_owned();
    let mut pages = 0;
    loop {
        let (status, page) = api.send(Method::GET, &path, Some(&token), None).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        pages += 1;
        seen.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("/api/v1/tasks?limit=5&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    created.reverse();
    assert_eq!(seen, created, "due-date order, every task once");

    // Versioned updates: the current version wins once; the stale one is a 409.
    let id = created[0]["id"].as_str().unwrap();
    let task_path = format!("/api/v1/tasks/{id}");
    let (status, updated) = api
        .send(
            Method::PATCH,
            &task_path,
            Some(&token),
            Some(json!({"title": "renamed", "version": 1})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{updated}");
    assert_eq!(updated["version"], 2);
    let (status, conflict) = api
        .send(
            Method::PATCH,
            &task_path,
            Some(&token),
            Some(json!({"title": "stale", "version": 1})),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(conflict["code"], "version_conflict");

    // Another user sees nothing of it.
    let (status, _) = api.send(Method::GET, &task_path, Some(&other), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = api
        .send(Method::DELETE, &task_path, Some(&other), None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let (status, _) = api
        .send(Method::DELETE, &task_path, Some(&token), None)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = api.send(Method::GET, &task_path, Some(&token), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn budget_export_and_account_deletion(server: &Server) {
    use reqwest::Method;
    let api = Api {
        server,
        client: Client::new(),
    };
    let (token, refresh) = api.user("carol@example.com").await;
    let (status, settings) = api
        .send(Method::GET, "/api/v1/settings", Some(&token), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{settings}");
    let (status, settings) = api
        .send(
            Method::PATCH,
            "/api/v1/settings",
            Some(&token),
            Some(json!({"currency": "EUR", "version": settings["version"]})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{settings}");
    let (status, schedule) = api
        .send(
            Method::POST,
            "/api/v1/pay-schedules",
            Some(&token),
            Some(json!({"name": "Salary", "amount": 250000, "frequency": "biweekly", "anchor_date": "2026-11-20"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{schedule}");
    let (status, bill) = api
        .send(
            Method::POST,
            "/api/v1/bills",
            Some(&token),
            Some(json!({"name": "Rent", "amount": 120000, "recurrence": {"kind": "monthly", "day": 1}})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{bill}");
    let bill_id = bill["id"].as_str().unwrap();
    let (status, mark) = api
        .send(
            Method::PUT,
            &format!("/api/v1/bills/{bill_id}/occurrences/2026-12-01"),
            Some(&token),
            Some(json!({"status": "paid"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{mark}");
    let (status, summary) = api
        .send(
            Method::GET,
            "/api/v1/budget/summary?as_of=2026-11-25",
            Some(&token),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{summary}");
    api.send(
        Method::POST,
        "/api/v1/tasks",
        Some(&token),
        Some(json!({"title": "exported"})),
    )
    .await;

    let (status, export) = api
        .send(Method::GET, "/api/v1/export", Some(&token), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{export}");
    assert_eq!(export["user"]["email"], "carol@example.com");
    assert_eq!(export["tasks"].as_array().unwrap().len(), 1);
    assert!(
        export.to_string().contains("Salary") && export.to_string().contains("Rent"),
        "{export}"
    );
    assert!(!export.to_string().contains("argon2"));

    let (status, _) = api
        .send(Method::DELETE, "/api/v1/me", Some(&token), None)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    // The deleted account's token reads nothing any more (the store contract checks the records are gone).
    let (status, _) = api
        .send(Method::GET, "/api/v1/export", Some(&token), None)
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = api
        .send(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"email": "carol@example.com", "password": "correct horse battery"})),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = api
        .send(
            Method::POST,
            "/api/v1/auth/refresh",
            None,
            Some(json!({"refresh_token": refresh})),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = api
        .send(
            Method::POST,
            "/api/v1/auth/register",
            None,
            Some(json!({"email": "carol@example.com", "password": "correct horse battery"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "the address is free again");
}

macro_rules! end_to_end {
    ($backend:ident) => {
        mod $backend {
            #[tokio::test]
            async fn sign_up_tokens_and_tasks() {
                let Some(server) = super::server(stringify!($backend)).await else {
                    return;
                };
                super::sign_up_tokens_and_tasks(&server).await;
            }

            #[tokio::test]
            async fn budget_export_and_account_deletion() {
                let Some(server) = super::server(stringify!($backend)).await else {
                    return;
                };
                super::budget_export_and_account_deletion(&server).await;
            }
        }
    };
}

#[cfg(feature = "dynamodb")]
end_to_end!(dynamodb);
#[cfg(feature = "mongodb")]
end_to_end!(mongodb);
