//! Metrics and trace ids, end to end: the real `server` binary runs with `PAYDAY_METRICS=emf` and JSON logs, a
//! client drives requests through it, and the CloudWatch Embedded Metric Format lines on its stdout are checked
//! for shape, units, dimension sets, values and bounded cardinality (no raw paths, ids or e-mails).

use std::io::{BufRead as _, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const TRACE_ROOT: &str = "1-6745a1b2-0123456789abcdef01234567";
const EMAIL: &str = "metrics-user@example.com";
const PASSWORD: &str = "correct horse battery";

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The server process and every line it has written to stdout so far.
struct Server {
    child: Child,
    base: String,
    stdout: Arc<Mutex<Vec<String>>>,
    _dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    async fn start() -> Server {
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let mut child = Command::new(env!("CARGO_BIN_EXE_server"))
            .env("PAYDAY_ADDR", format!("127.0.0.1:{port}"))
            .env("PAYDAY_DATA_DIR", dir.path())
            .env("PAYDAY_STORE", "embedded")
            .env("PAYDAY_METRICS", "emf")
            .env("PAYDAY_METRICS_SERVICE", "payday-api-test")
            .env("PAYDAY_LOG_FORMAT", "json")
            .env("PAYDAY_LOG", "info")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start server binary");
        let stdout = Arc::new(Mutex::new(Vec::new()));
        let pipe = child.stdout.take().unwrap();
        let lines = stdout.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines() {
                match line {
                    Ok(line) => lines.lock().unwrap().push(line),
                    Err(_) => return,
                }
            }
        });
        let server = Server {
            child,
            base: format!("http://127.0.0.1:{port}"),
            stdout,
            _dir: dir,
        };
        let client = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(response) = client.get(server.url("/readyz")).send().await
                && response.status().is_success()
            {
                break;
            }
            assert!(Instant::now() < deadline, "server did not become ready");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        server
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Every stdout line that parses as JSON.
    fn json_lines(&self) -> Vec<Value> {
        self.stdout
            .lock()
            .unwrap()
            .iter()
            .filter_map(|line| serde_json::from_str(line).ok())
            .collect()
    }

    /// The EMF records of requests to `route` (the metrics middleware writes each before the response leaves,
    /// so they are on the pipe once the response is in; the reader thread may still be a moment behind).
    async fn emf_for(&self, route: &str, expected: usize) -> Vec<Value> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let found: Vec<Value> = emf(&self.json_lines())
                .into_iter()
                .filter(|line| line["Route"] == route)
                .collect();
            if found.len() >= expected || Instant::now() > deadline {
                return found;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

fn emf(lines: &[Value]) -> Vec<Value> {
    lines
        .iter()
        .filter(|line| line.get("_aws").is_some())
        .cloned()
        .collect()
}

/// Asserts the parts every request record shares: one directive for the request metrics with the documented
/// dimension sets and units, values for each metric, and bounded dimension values.
fn assert_request_record(line: &Value, method: &str, status: u16) {
    let aws = &line["_aws"];
    assert!(
        aws["Timestamp"].as_i64().unwrap() > 1_600_000_000_000,
        "Timestamp is epoch milliseconds: {line}"
    );
    let directive = &aws["CloudWatchMetrics"][0];
    assert_eq!(directive["Namespace"], "Payday");
    assert_eq!(
        directive["Dimensions"],
        json!([["Service", "Route", "Method"], ["Service"]])
    );
    assert_eq!(
        directive["Metrics"],
        json!([
            {"Name": "Requests", "Unit": "Count"},
            {"Name": "Latency", "Unit": "Milliseconds"},
            {"Name": "Errors4xx", "Unit": "Count"},
            {"Name": "Errors5xx", "Unit": "Count"},
        ])
    );
    assert_eq!(
        line["Service"], "payday-api-test",
        "PAYDAY_METRICS_SERVICE names the service"
    );
    assert_eq!(line["Method"], method);
    assert_eq!(line["Status"], status);
    assert_eq!(line["StatusClass"], format!("{}xx", status / 100));
    assert_eq!(line["Requests"], 1);
    assert_eq!(line["Errors4xx"], u8::from((400..500).contains(&status)));
    assert_eq!(line["Errors5xx"], u8::from(status >= 500));
    let latency = line["Latency"].as_f64().expect("Latency is a number");
    assert!((0.0..10_000.0).contains(&latency), "latency {latency}");
    assert!(
        line["request_id"].as_str().is_some_and(|id| id.len() == 36),
        "request id property: {line}"
    );
}

/// The business-counter directive of a record: `[["Service"]]`, counts only.
fn business_counts(line: &Value) -> Vec<(String, u64)> {
    let Some(directive) = line["_aws"]["CloudWatchMetrics"].get(1) else {
        return Vec::new();
    };
    assert_eq!(directive["Namespace"], "Payday");
    assert_eq!(directive["Dimensions"], json!([["Service"]]));
    directive["Metrics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|metric| {
            assert_eq!(metric["Unit"], "Count");
            let name = metric["Name"].as_str().unwrap().to_owned();
            let value = line[&name].as_u64().expect("business metric has a value");
            (name, value)
        })
        .collect()
}

fn counts(pairs: &[(&str, u64)]) -> Vec<(String, u64)> {
    pairs.iter().map(|(n, v)| ((*n).to_owned(), *v)).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_through_the_server_emit_emf_lines_with_bounded_dimensions() {
    // Arrange
    let server = Server::start().await;
    let client = reqwest::Client::new();
    let trace_header = format!("Root={TRACE_ROOT};Parent=53995c3f42cd8ad8;Sampled=1");

    // Act: sign up, sign in, create a task (traced), read it, miss one, send a bad one (traced), mark a bill paid
    // and another skipped, hit an unknown path and use a made-up method.
    let credentials = json!({"email": EMAIL, "password": PASSWORD});
    let signed_up = client
        .post(server.url("/api/v1/auth/register"))
        .json(&credentials)
        .send()
        .await
        .unwrap();
    assert_eq!(signed_up.status(), 201);
    let user_id = signed_up.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let tokens: Value = client
        .post(server.url("/api/v1/auth/login"))
        .json(&credentials)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = tokens["access_token"].as_str().unwrap().to_owned();

    let created = client
        .post(server.url("/api/v1/tasks"))
        .bearer_auth(&token)
        .header("x-amzn-trace-id", &trace_header)
        .json(&json!({"title": "Pay rent"}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let task_id = created.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let fetched = client
        .get(server.url(&format!("/api/v1/tasks/{task_id}")))
        .bearer_auth(&token)
        .header("x-amzn-trace-id", "Root=1-junk;Sampled=1")
        .send()
        .await
        .unwrap();
    assert_eq!(fetched.status(), 200);
    let missing_id = "00000000-0000-4000-8000-000000000000";
    let missing = client
        .get(server.url(&format!("/api/v1/tasks/{missing_id}")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    let invalid = client
        .post(server.url("/api/v1/tasks"))
        .bearer_auth(&token)
        .header("x-amzn-trace-id", &trace_header)
        .json(&json!({"title": "   "}))
        .send()
        .await
        .unwrap();
    assert_eq!(invalid.status(), 422);

    let bill: Value = client
        .post(server.url("/api/v1/bills"))
        .bearer_auth(&token)
        .json(
            &json!({"name": "Rent", "amount": 120000, "recurrence": {"kind": "monthly", "day": 1}}),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let bill_id = bill["id"].as_str().unwrap().to_owned();
    for (due_on, status) in [("2026-12-01", "paid"), ("2027-01-01", "skipped")] {
        let marked = client
            .put(server.url(&format!("/api/v1/bills/{bill_id}/occurrences/{due_on}")))
            .bearer_auth(&token)
            .json(&json!({"status": status}))
            .send()
            .await
            .unwrap();
        assert_eq!(marked.status(), 200, "marking {status}");
    }

    let unknown = client
        .get(server.url(&format!("/api/v1/users/{EMAIL}/secrets")))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404);
    let brewed = client
        .request(
            reqwest::Method::from_bytes(b"BREW").unwrap(),
            server.url("/api/v1/tasks"),
        )
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(brewed.status(), 405);

    // Assert: one record per request, with the route template and the right class.
    let register = server.emf_for("/api/v1/auth/register", 1).await;
    assert_eq!(register.len(), 1);
    assert_request_record(&register[0], "POST", 201);
    assert_eq!(business_counts(&register[0]), counts(&[("SignUps", 1)]));

    let login = server.emf_for("/api/v1/auth/login", 1).await;
    assert_eq!(login.len(), 1);
    assert_request_record(&login[0], "POST", 200);
    assert_eq!(business_counts(&login[0]), counts(&[("SignIns", 1)]));

    let tasks = server.emf_for("/api/v1/tasks", 3).await;
    assert_eq!(tasks.len(), 3, "create, invalid create, BREW: {tasks:?}");
    let create = tasks.iter().find(|l| l["Status"] == 201).unwrap();
    assert_request_record(create, "POST", 201);
    assert_eq!(business_counts(create), counts(&[("TasksCreated", 1)]));
    assert_eq!(create["trace_id"], TRACE_ROOT);
    let refused = tasks.iter().find(|l| l["Status"] == 422).unwrap();
    assert_request_record(refused, "POST", 422);
    assert_eq!(business_counts(refused), counts(&[]));
    assert_eq!(refused["trace_id"], TRACE_ROOT);
    let other = tasks.iter().find(|l| l["Method"] == "OTHER").unwrap();
    assert_request_record(other, "OTHER", 405);

    let task = server.emf_for("/api/v1/tasks/{id}", 2).await;
    assert_eq!(task.len(), 2);
    let found = task.iter().find(|l| l["Status"] == 200).unwrap();
    assert_request_record(found, "GET", 200);
    assert!(found.get("trace_id").is_none(), "junk trace header ignored");
    assert_request_record(
        task.iter().find(|l| l["Status"] == 404).unwrap(),
        "GET",
        404,
    );

    let marks = server
        .emf_for("/api/v1/bills/{id}/occurrences/{due_on}", 2)
        .await;
    assert_eq!(marks.len(), 2);
    for mark in &marks {
        assert_request_record(mark, "PUT", 200);
    }
    let paid: Vec<_> = marks.iter().flat_map(business_counts).collect();
    assert_eq!(
        paid,
        counts(&[("BillsMarkedPaid", 1)]),
        "skipping is not paying"
    );

    let unmatched = server.emf_for("unmatched", 1).await;
    assert_eq!(unmatched.len(), 1);
    assert_request_record(&unmatched[0], "GET", 404);

    // No raw path, id or e-mail anywhere in the metrics.
    let lines = server.json_lines();
    for line in emf(&lines) {
        let text = line.to_string();
        for secret in [
            &task_id,
            &bill_id,
            &user_id,
            missing_id,
            EMAIL,
            "metrics-user",
            "2026-12-01",
            "BREW",
        ] {
            assert!(!text.contains(secret), "{secret} leaked into {text}");
        }
    }

    // The trace id also reaches the JSON log line of the refused request, on its span.
    let traced_logs: Vec<&Value> = lines
        .iter()
        .filter(|line| line.get("_aws").is_none())
        .filter(|line| line["span"]["trace_id"] == TRACE_ROOT)
        .collect();
    assert!(
        traced_logs
            .iter()
            .any(|line| line["message"] == "request refused" && line["status"] == 422),
        "no log line carries the trace id: {lines:?}"
    );
}
