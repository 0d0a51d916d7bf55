//! The built `lambda` binary, run as a process against a Lambda Runtime API emulator, answers a golden set of API
//! Gateway HTTP API (v2) events the same way the `server` binary answers the same HTTP requests.

use std::collections::VecDeque;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::routing::{get, post};
use base64::Engine as _;
use serde_json::{Value, json};
use tokio::sync::{Notify, oneshot};

/// A minimal Lambda Runtime API: hands out queued events on `/next` and collects responses.
#[derive(Clone, Default)]
struct Runtime {
    queue: Arc<Mutex<VecDeque<(String, Value)>>>,
    waiting: Arc<Mutex<std::collections::HashMap<String, oneshot::Sender<Value>>>>,
    ready: Arc<Notify>,
    first_poll: Arc<Mutex<Option<Instant>>>,
}

async fn next(State(rt): State<Runtime>) -> (HeaderMap, String) {
    rt.first_poll
        .lock()
        .unwrap()
        .get_or_insert_with(Instant::now);
    loop {
        let item = rt.queue.lock().unwrap().pop_front();
        if let Some((id, event)) = item {
            let mut headers = HeaderMap::new();
            headers.insert("lambda-runtime-aws-request-id", id.parse().unwrap());
            let deadline = (chrono::Utc::now().timestamp_millis() + 30_000).to_string();
            headers.insert("lambda-runtime-deadline-ms", deadline.parse().unwrap());
            headers.insert(
                "lambda-runtime-invoked-function-arn",
                "arn:aws:lambda:us-east-1:000000000000:function:payday"
                    .parse()
                    .unwrap(),
            );
            return (headers, event.to_string());
        }
        rt.ready.notified().await;
    }
}

async fn respond(State(rt): State<Runtime>, Path(id): Path<String>, body: String) -> &'static str {
    let value: Value = serde_json::from_str(&body).unwrap_or(json!({"raw": body}));
    if let Some(tx) = rt.waiting.lock().unwrap().remove(&id) {
        let _ = tx.send(value);
    }
    "{}"
}

async fn invocation_error(
    State(rt): State<Runtime>,
    Path(id): Path<String>,
    body: String,
) -> &'static str {
    if let Some(tx) = rt.waiting.lock().unwrap().remove(&id) {
        let _ = tx.send(json!({"invocation_error": body}));
    }
    "{}"
}

impl Runtime {
    async fn start() -> (Runtime, String) {
        let rt = Runtime::default();
        let router = axum::Router::new()
            .route("/2018-06-01/runtime/invocation/next", get(next))
            .route(
                "/2018-06-01/runtime/invocation/{id}/response",
                post(respond),
            )
            .route(
                "/2018-06-01/runtime/invocation/{id}/error",
                post(invocation_error),
            )
            .route(
                "/2018-06-01/runtime/init/error",
                post(|body: String| async move {
                    eprintln!("lambda init error: {body}");
                    "{}"
                }),
            )
            .with_state(rt.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
        (rt, addr.to_string())
    }

    async fn invoke(&self, event: Value) -> Value {
        let id = event["requestContext"]["requestId"]
            .as_str()
            .unwrap()
            .to_owned();
        let (tx, rx) = oneshot::channel();
        self.waiting.lock().unwrap().insert(id.clone(), tx);
        self.queue.lock().unwrap().push_back((id, event));
        self.ready.notify_waiters();
        self.ready.notify_one();
        tokio::time::timeout(Duration::from_secs(20), rx)
            .await
            .expect("lambda answered")
            .unwrap()
    }
}

struct Proc(Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The binary under test: this build's, or another one (`make bench` measures a release build this way).
fn lambda_binary() -> String {
    std::env::var("PAYDAY_TEST_LAMBDA_BIN")
        .unwrap_or_else(|_| env!("CARGO_BIN_EXE_lambda").to_owned())
}

fn start_lambda(runtime_api: &str) -> Proc {
    start_lambda_with(runtime_api, &[("PAYDAY_STORE", "memory")])
}

fn start_lambda_with(runtime_api: &str, env: &[(&str, &str)]) -> Proc {
    Proc(
        Command::new(lambda_binary())
            .env("AWS_LAMBDA_RUNTIME_API", runtime_api)
            .env("AWS_LAMBDA_FUNCTION_NAME", "payday")
            .env("AWS_LAMBDA_FUNCTION_VERSION", "1")
            .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "256")
            .env("AWS_LAMBDA_LOG_STREAM_NAME", "test")
            .env("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/payday")
            .env("AWS_LAMBDA_LOG_FORMAT", "JSON")
            .env("AWS_LAMBDA_LOG_LEVEL", "WARN")
            .env("PAYDAY_ISSUER", "https://payday.test")
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start lambda binary"),
    )
}

async fn start_server() -> (Proc, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(env!("CARGO_BIN_EXE_server"))
        .env("PAYDAY_ADDR", format!("127.0.0.1:{port}"))
        .env("PAYDAY_STORE", "memory")
        .env("PAYDAY_ISSUER", "https://payday.test")
        .env("PAYDAY_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start server binary");
    let base = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(20);
    while reqwest::get(format!("{base}/healthz")).await.is_err() {
        assert!(Instant::now() < deadline, "server did not start");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    (Proc(child), base)
}

/// One request, described once and sent both ways.
struct Golden {
    method: &'static str,
    path: &'static str,
    query: &'static str,
    headers: Vec<(&'static str, String)>,
    body: Option<String>,
    stage: &'static str,
}

impl Golden {
    fn new(method: &'static str, path: &'static str) -> Self {
        Golden {
            method,
            path,
            query: "",
            headers: Vec::new(),
            body: None,
            stage: "$default",
        }
    }

    fn event(&self, request_id: &str) -> Value {
        let raw_path = if self.stage == "$default" {
            self.path.to_owned()
        } else {
            format!("/{}{}", self.stage, self.path)
        };
        let mut headers = serde_json::Map::new();
        headers.insert(
            "host".into(),
            json!("abc123.execute-api.us-east-1.amazonaws.com"),
        );
        for (name, value) in &self.headers {
            headers.insert((*name).to_owned(), json!(value));
        }
        let query: serde_json::Map<String, Value> = url_pairs(self.query)
            .into_iter()
            .map(|(k, v)| (k, json!(v)))
            .collect();
        json!({
            "version": "2.0",
            "routeKey": "$default",
            "rawPath": raw_path,
            "rawQueryString": self.query,
            "cookies": ["theme=dark", "lang=en"],
            "headers": headers,
            "queryStringParameters": if query.is_empty() { Value::Null } else { Value::Object(query) },
            "requestContext": {
                "accountId": "000000000000", "apiId": "abc123", "domainName": "abc123.execute-api.us-east-1.amazonaws.com",
                "domainPrefix": "abc123", "requestId": request_id, "routeKey": "$default", "stage": self.stage,
                "time": "21/Nov/2026:10:00:00 +0000", "timeEpoch": 1_795_000_000_000u64,
                "http": {"method": self.method, "path": raw_path, "protocol": "HTTP/1.1", "sourceIp": "198.51.100.7", "userAgent": "golden"}
            },
            // Bodies travel base64-encoded, as API Gateway sends anything it considers binary.
            "body": self.body.as_ref().map(|b| base64::engine::general_purpose::STANDARD.encode(b)),
            "isBase64Encoded": self.body.is_some(),
        })
    }

    async fn send(&self, client: &reqwest::Client, base: &str) -> (u16, Option<String>, Value) {
        let url = if self.query.is_empty() {
            format!("{base}{}", self.path)
        } else {
            format!("{base}{}?{}", self.path, self.query)
        };
        let mut request = client.request(self.method.parse().unwrap(), url);
        for (name, value) in &self.headers {
            request = request.header(*name, value);
        }
        if let Some(body) = &self.body {
            request = request.body(body.clone());
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_owned());
        let text = response.text().await.unwrap();
        (
            status,
            content_type,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }
}

fn url_pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (k.to_owned(), v.to_owned())
        })
        .collect()
}

/// Decodes a Lambda response into (status, content-type, JSON body, x-request-id).
fn decode(response: &Value) -> (u16, Option<String>, Value, Option<String>) {
    let status = response["statusCode"].as_u64().unwrap() as u16;
    let header = |name: &str| {
        response["headers"][name]
            .as_str()
            .map(str::to_owned)
            .or_else(|| {
                response["multiValueHeaders"][name][0]
                    .as_str()
                    .map(str::to_owned)
            })
    };
    let raw = response["body"].as_str().unwrap_or("");
    let text = if response["isBase64Encoded"].as_bool() == Some(true) {
        String::from_utf8(
            base64::engine::general_purpose::STANDARD
                .decode(raw)
                .unwrap(),
        )
        .unwrap()
    } else {
        raw.to_owned()
    };
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, header("content-type"), body, header("x-request-id"))
}

/// Removes values that legitimately differ between two processes (ids, times).
fn normalise(mut body: Value) -> Value {
    if let Some(object) = body.as_object_mut() {
        for volatile in ["request_id", "id", "created_at", "updated_at"] {
            if object.contains_key(volatile) {
                object.insert(volatile.into(), json!("<volatile>"));
            }
        }
    }
    body
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lambda_answers_golden_events_like_the_server() {
    let (runtime, api) = Runtime::start().await;
    let _lambda = start_lambda(&api);
    let (_server, base) = start_server().await;
    let client = reqwest::Client::new();

    let json_header = ("content-type", "application/json".to_owned());
    let mut cases = vec![
        Golden::new("GET", "/healthz"),
        Golden {
            stage: "prod",
            ..Golden::new("GET", "/healthz")
        },
        Golden::new("GET", "/api/v1/nope"),
        Golden::new("GET", "/api/v1/tasks"),
        Golden::new("PUT", "/api/v1/tasks"),
        Golden {
            headers: vec![("content-type", "text/plain".into())],
            body: Some("hi".into()),
            ..Golden::new("POST", "/api/v1/auth/register")
        },
        Golden {
            headers: vec![json_header.clone()],
            body: Some("{\"email\":".into()),
            ..Golden::new("POST", "/api/v1/auth/register")
        },
        Golden {
            headers: vec![json_header.clone()],
            body: Some(json!({"email": "bad", "password": "x"}).to_string()),
            ..Golden::new("POST", "/api/v1/auth/register")
        },
        Golden {
            headers: vec![json_header.clone()],
            body: Some(
                json!({"email": "gold@example.com", "password": "correct horse battery"})
                    .to_string(),
            ),
            ..Golden::new("POST", "/api/v1/auth/register")
        },
        Golden {
            stage: "prod",
            query: "limit=5&status=active",
            ..Golden::new("GET", "/api/v1/tasks")
        },
        Golden::new("GET", "/config.json"),
    ];
    for (i, case) in cases.drain(..).enumerate() {
        let request_id = format!("golden-{i}-{}", uuid::Uuid::new_v4());
        let from_lambda = runtime.invoke(case.event(&request_id)).await;
        let (status, content_type, body, header_id) = decode(&from_lambda);
        let (server_status, server_type, server_body) = case.send(&client, &base).await;
        let what = format!("{} {} (stage {})", case.method, case.path, case.stage);
        assert_eq!(status, server_status, "{what}: {body}");
        assert_eq!(content_type, server_type, "{what}");
        assert_eq!(normalise(body.clone()), normalise(server_body), "{what}");
        assert_eq!(
            header_id.as_deref(),
            Some(request_id.as_str()),
            "{what}: API Gateway's request id is ours"
        );
        if status >= 400 {
            assert_eq!(
                body["request_id"],
                request_id.as_str(),
                "{what}: error body carries the gateway's id"
            );
        }
    }

    // A signed-in round trip through Lambda: login, create (base64 JSON body), list with a query string.
    let login = Golden {
        headers: vec![json_header.clone()],
        body: Some(
            json!({"email": "gold@example.com", "password": "correct horse battery"}).to_string(),
        ),
        ..Golden::new("POST", "/api/v1/auth/login")
    };
    let (status, _, tokens, _) = decode(&runtime.invoke(login.event("login-1")).await);
    assert_eq!(status, 200, "{tokens}");
    let bearer = format!("Bearer {}", tokens["access_token"].as_str().unwrap());
    let create = Golden {
        headers: vec![json_header.clone(), ("authorization", bearer.clone())],
        body: Some(json!({"title": "Pay rent ✓", "due_on": "2026-12-01"}).to_string()),
        stage: "prod",
        ..Golden::new("POST", "/api/v1/tasks")
    };
    let (status, _, task, _) = decode(&runtime.invoke(create.event("create-1")).await);
    assert_eq!(status, 201, "{task}");
    assert_eq!(task["title"], "Pay rent ✓");
    let list = Golden {
        headers: vec![("authorization", bearer)],
        query: "q=rent&limit=0",
        ..Golden::new("GET", "/api/v1/tasks")
    };
    let (status, _, body, _) = decode(&runtime.invoke(list.event("list-1")).await);
    assert_eq!(
        (status, body["fields"]["limit"].is_string()),
        (422, true),
        "query strings reach the handler"
    );
}

/// Process start → first poll of the Runtime API, median of `runs`.
async fn median_cold_start(runs: usize, env: &[(&str, &str)]) -> Duration {
    let mut inits = Vec::new();
    for _ in 0..runs {
        let (runtime, api) = Runtime::start().await;
        let started = Instant::now();
        let _lambda = start_lambda_with(&api, env);
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(at) = *runtime.first_poll.lock().unwrap() {
                inits.push(at.duration_since(started));
                break;
            }
            assert!(
                Instant::now() < deadline,
                "the lambda never polled for an event"
            );
            tokio::time::sleep(Duration::from_micros(200)).await;
        }
    }
    inits.sort();
    inits[runs / 2]
}

#[tokio::test]
async fn cold_start_is_measured() {
    let runs = 11;
    // Reported, not asserted: timing belongs in benchmarks (docs/benchmarks.md), not in flaky unit tests.
    let memory = median_cold_start(runs, &[("PAYDAY_STORE", "memory")]).await;
    eprintln!(
        "lambda cold start [memory store, local auth] (process start → first /next), median of {runs}: {memory:?}"
    );
    // As deployed: DynamoDB (the SDK's config is loaded at start) and Cognito (keys fetched on first use).
    let deployed = [
        ("PAYDAY_STORE", "dynamodb"),
        ("PAYDAY_DYNAMODB_TABLE", "payday"),
        ("AWS_REGION", "us-east-1"),
        ("AWS_ACCESS_KEY_ID", "test"),
        ("AWS_SECRET_ACCESS_KEY", "test"),
        ("AWS_ENDPOINT_URL", "http://127.0.0.1:9"),
        ("PAYDAY_AUTH", "cognito"),
        ("PAYDAY_COGNITO_REGION", "us-east-1"),
        ("PAYDAY_COGNITO_USER_POOL_ID", "us-east-1_Example"),
        ("PAYDAY_COGNITO_CLIENT_ID", "client"),
    ];
    let deployed = median_cold_start(runs, &deployed).await;
    eprintln!(
        "lambda cold start [dynamodb store, cognito auth] (process start → first /next), median of {runs}: {deployed:?}"
    );
}
