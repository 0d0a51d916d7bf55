//! Failure behaviour of the cloud stores, against the real `server` binary and an emulator process each test
//! starts for itself (so stopping it never disturbs other tests):
//!
//! - store hung (SIGSTOP): API calls answer 503 + `Retry-After` + our JSON error well within the 10 s request
//!   timeout, and `/readyz` says not ready;
//! - store back (SIGCONT): the same server process serves again, by itself;
//! - store down (SIGKILL): 503 again, quickly; restarted on the same port: the same server process recovers.
//!
//! All of it under load: background clients list tasks the whole time; every answer they get is a 200 or a 503
//! (never another status, a dropped connection or a hang past the request timeout), and after recovery they are
//! all served again.

mod cloud_env;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

use cloud_env::{Emulator, EmulatorKind, Server, sign_in, start_server, store_env, unique_name};

/// The server's request timeout: a 503 must come before it.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

async fn list_tasks(client: &Client, server: &Server, token: &str) -> reqwest::Response {
    client
        .get(format!("{}/api/v1/tasks", server.base))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

/// Asserts the store-down answer: 503, `Retry-After`, our JSON error shape, in time. Returns the time taken.
async fn assert_unavailable(client: &Client, server: &Server, token: &str, what: &str) -> Duration {
    let started = Instant::now();
    let response = list_tasks(client, server, token).await;
    let elapsed = started.elapsed();
    assert_eq!(
        response.status(),
        StatusCode::SERVICE_UNAVAILABLE,
        "store {what}: after {elapsed:?}"
    );
    assert!(
        response.headers().contains_key("retry-after"),
        "503 carries Retry-After"
    );
    let body: Value = response.json().await.expect("JSON error body");
    assert_eq!(body["code"], "unavailable", "{body}");
    assert!(body["request_id"].is_string(), "{body}");
    assert!(
        elapsed < REQUEST_TIMEOUT - Duration::from_secs(2),
        "store failure took {elapsed:?}: it must surface well before the request timeout"
    );
    let ready = client
        .get(format!("{}/readyz", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status(), StatusCode::SERVICE_UNAVAILABLE, "/readyz");
    elapsed
}

/// Polls until the API answers 200 again (the server recovers by itself); returns the time it took.
async fn assert_recovers(client: &Client, server: &Server, token: &str) -> (Duration, Value) {
    let started = Instant::now();
    loop {
        let response = list_tasks(client, server, token).await;
        if response.status() == StatusCode::OK {
            let ready = client
                .get(format!("{}/readyz", server.base))
                .send()
                .await
                .unwrap();
            assert_eq!(ready.status(), StatusCode::OK, "/readyz after recovery");
            return (started.elapsed(), response.json().await.unwrap());
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the server did not recover; last status {}",
            response.status()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// What the background clients saw.
#[derive(Debug, Default)]
struct LoadReport {
    ok: usize,
    unavailable: usize,
    slowest: Duration,
    /// The status of the most recent answer of each client (all must be 200 at the end).
    last: Vec<StatusCode>,
}

/// `clients` loops of `GET /api/v1/tasks` until `stop` is set. Panics on anything but 200/503 or a hang.
fn start_load(
    clients: usize,
    server: &Server,
    token: &str,
    stop: Arc<AtomicBool>,
) -> tokio::task::JoinHandle<LoadReport> {
    let url = format!("{}/api/v1/tasks", server.base);
    let token = token.to_owned();
    tokio::spawn(async move {
        let client = Client::new();
        let workers: Vec<_> = (0..clients)
            .map(|_| {
                let (client, url, token, stop) =
                    (client.clone(), url.clone(), token.clone(), stop.clone());
                tokio::spawn(async move {
                    let mut report = LoadReport::default();
                    let mut last = StatusCode::OK;
                    while !stop.load(Ordering::Relaxed) {
                        let started = Instant::now();
                        let response = client
                            .get(&url)
                            .bearer_auth(&token)
                            .timeout(REQUEST_TIMEOUT + Duration::from_secs(5))
                            .send()
                            .await
                            .expect("under load the server answers every request");
                        report.slowest = report.slowest.max(started.elapsed());
                        last = response.status();
                        match last {
                            StatusCode::OK => report.ok += 1,
                            StatusCode::SERVICE_UNAVAILABLE => report.unavailable += 1,
                            other => panic!("under load: unexpected {other}"),
                        }
                        tokio::time::sleep(Duration::from_millis(20)).await;
                    }
                    report.last.push(last);
                    report
                })
            })
            .collect();
        let mut total = LoadReport::default();
        for worker in workers {
            let report = worker.await.unwrap();
            total.ok += report.ok;
            total.unavailable += report.unavailable;
            total.slowest = total.slowest.max(report.slowest);
            total.last.extend(report.last);
        }
        total
    })
}

async fn store_outages_are_503_and_the_server_recovers(backend: &str, kind: EmulatorKind) {
    let Some(mut emulator) = Emulator::start(kind) else {
        return;
    };
    let env = store_env(backend, &emulator.endpoint(), &unique_name("payday"));
    let server = start_server(&env).await;
    let client = Client::new();
    let token = sign_in(&client, &server, "fault@example.com").await;
    let created = client
        .post(format!("{}/api/v1/tasks", server.base))
        .bearer_auth(&token)
        .json(&json!({"title": "survives"}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    let stop = Arc::new(AtomicBool::new(false));
    let load = start_load(8, &server, &token, stop.clone());

    // Hung store: connections stay open, nothing answers.
    emulator.freeze();
    let hung = assert_unavailable(&client, &server, &token, "hung").await;
    emulator.thaw();
    let (thawed, page) = assert_recovers(&client, &server, &token).await;
    assert_eq!(page["items"][0]["title"], "survives");

    // Store down: connections refused.
    emulator.kill();
    let down = assert_unavailable(&client, &server, &token, "down").await;
    emulator.restart();
    if kind == EmulatorKind::Moto {
        // moto keeps nothing across a restart; recreate the table as the infrastructure would.
        let data = tempfile::tempdir().unwrap();
        let status = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
            .arg("init-store")
            .env("PAYDAY_DATA_DIR", data.path())
            .env("PAYDAY_LOG", "warn")
            .envs(env.iter().map(|(k, v)| (k, v)))
            .stdout(std::process::Stdio::null())
            .status()
            .unwrap();
        assert!(status.success());
    }
    let (restarted, page) = assert_recovers(&client, &server, &token).await;
    if kind == EmulatorKind::Secantus {
        assert_eq!(page["items"][0]["title"], "survives", "data kept on disk");
    }
    // Let the background clients see the recovered store before they stop.
    tokio::time::sleep(Duration::from_millis(500)).await;
    stop.store(true, Ordering::Relaxed);
    let load = load.await.unwrap();
    assert!(load.ok > 0 && load.unavailable > 0, "{load:?}");
    assert!(
        load.slowest < REQUEST_TIMEOUT,
        "no request hung up to the timeout: {load:?}"
    );
    assert!(
        load.last.iter().all(|status| *status == StatusCode::OK),
        "every client is served after recovery: {load:?}"
    );
    eprintln!(
        "{backend}: hung → 503 in {hung:?}, recovered {thawed:?} after SIGCONT; down → 503 in {down:?}, \
         recovered {restarted:?} after restart; under load: {} × 200, {} × 503, slowest {:?}",
        load.ok, load.unavailable, load.slowest
    );
}

#[cfg(feature = "dynamodb")]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn dynamodb_outages_are_503_within_the_timeout_and_the_server_recovers() {
    store_outages_are_503_and_the_server_recovers("dynamodb", EmulatorKind::Moto).await;
}

#[cfg(feature = "mongodb")]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn mongodb_outages_are_503_within_the_timeout_and_the_server_recovers() {
    store_outages_are_503_and_the_server_recovers("mongodb", EmulatorKind::Secantus).await;
}
