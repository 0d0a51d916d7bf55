//! `spawn_app` and typed helpers shared by the API tests.

use std::net::SocketAddr;

use backend::config::{Settings, StoreKind};
use backend::{AppState, app};
use reqwest::{Client, RequestBuilder, Response, StatusCode};
use serde_json::{Value, json};

pub struct TestApp {
    pub addr: SocketAddr,
    pub client: Client,
    pub settings: Settings,
    _dir: tempfile::TempDir,
}

/// Starts Payday on a free port with the embedded store in a fresh directory.
pub async fn spawn_app() -> TestApp {
    spawn_with(|_| {}).await
}

/// Starts Payday with adjusted settings.
pub async fn spawn_with(adjust: impl FnOnce(&mut Settings)) -> TestApp {
    if std::env::var_os("TEST_LOG").is_some() {
        backend::telemetry::init(backend::config::LogFormat::Pretty, "info");
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let mut settings = Settings::local(dir.path());
    settings.store = StoreKind::Embedded;
    adjust(&mut settings);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().unwrap();
    settings.addr = addr;
    let state = AppState::build(&settings).await.expect("state");
    tokio::spawn(async move {
        axum::serve(
            listener,
            app(state).into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
    TestApp {
        addr,
        client: Client::new(),
        settings,
        _dir: dir,
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    pub fn get(&self, path: &str) -> RequestBuilder {
        self.client.get(self.url(path))
    }

    pub fn post(&self, path: &str) -> RequestBuilder {
        self.client.post(self.url(path))
    }

    pub fn patch(&self, path: &str) -> RequestBuilder {
        self.client.patch(self.url(path))
    }

    pub fn put(&self, path: &str) -> RequestBuilder {
        self.client.put(self.url(path))
    }

    pub fn delete(&self, path: &str) -> RequestBuilder {
        self.client.delete(self.url(path))
    }

    /// The OpenAPI document the server publishes (no session needed).
    pub async fn openapi(&self) -> Value {
        let response = self.get("/api/v1/openapi.json").send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        response.json().await.unwrap()
    }

    /// `GET path` as `session`, expecting 200; the body as JSON.
    pub async fn get_json(&self, session: &Session, path: &str) -> Value {
        let response = self
            .get(path)
            .bearer_auth(&session.token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "GET {path}");
        response.json().await.unwrap()
    }

    /// `POST /auth/refresh` with `refresh_token`.
    pub async fn refresh(&self, refresh_token: &str) -> Response {
        self.post("/api/v1/auth/refresh")
            .json(&json!({ "refresh_token": refresh_token }))
            .send()
            .await
            .unwrap()
    }

    /// `DELETE /me` as `session`.
    pub async fn delete_account(&self, session: &Session) -> Response {
        self.delete("/api/v1/me")
            .bearer_auth(&session.token)
            .send()
            .await
            .unwrap()
    }

    pub async fn register(&self, email: &str, password: &str) -> Response {
        self.post("/api/v1/auth/register")
            .json(&json!({"email": email, "password": password}))
            .send()
            .await
            .unwrap()
    }

    pub async fn login(&self, email: &str, password: &str) -> Response {
        self.post("/api/v1/auth/login")
            .json(&json!({"email": email, "password": password}))
            .send()
            .await
            .unwrap()
    }

    /// Registers a fresh user and returns a signed-in session.
    pub async fn user(&self, email: &str) -> Session {
        assert_eq!(
            self.register(email, "correct horse battery").await.status(),
            StatusCode::CREATED
        );
        let tokens: Value = self
            .login(email, "correct horse battery")
            .await
            .json()
            .await
            .unwrap();
        Session {
            token: tokens["access_token"].as_str().unwrap().to_owned(),
            refresh: tokens["refresh_token"].as_str().unwrap().to_owned(),
        }
    }

    /// Creates a task for `session` and returns its JSON.
    pub async fn create_task(&self, session: &Session, body: Value) -> Value {
        let response = self
            .post("/api/v1/tasks")
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
}

pub struct Session {
    pub token: String,
    pub refresh: String,
}

/// Asserts an error response has our JSON shape and the expected status and code; returns the body.
pub async fn assert_error(response: Response, status: StatusCode, code: &str) -> Value {
    assert_eq!(response.status(), status);
    let header_id = response
        .headers()
        .get("x-request-id")
        .map(|v| v.to_str().unwrap().to_owned())
        .expect("x-request-id header");
    let body: Value = response.json().await.expect("JSON error body");
    assert_eq!(body["code"], code, "{body}");
    assert!(
        body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    assert_eq!(
        body["request_id"].as_str(),
        Some(header_id.as_str()),
        "{body}"
    );
    body
}
