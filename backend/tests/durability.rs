//! Crash safety of the embedded store: the real `server` binary is SIGKILLed while clients write, 20 times
//! (`PAYDAY_CRASH_ROUNDS` to change); after every restart on the same data directory the server opens the
//! database and becomes ready, and every acknowledged write is there; at the end SQLite's own integrity check
//! passes.

#![cfg(feature = "embedded")]

use std::collections::HashSet;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn start(data_dir: &std::path::Path, port: u16) -> Server {
    let child = Command::new(env!("CARGO_BIN_EXE_server"))
        .env("PAYDAY_ADDR", format!("127.0.0.1:{port}"))
        .env("PAYDAY_DATA_DIR", data_dir)
        .env("PAYDAY_STORE", "embedded")
        .env("PAYDAY_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start server binary");
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Ok(response) = client.get(format!("{base}/readyz")).send().await
            && response.status().is_success()
        {
            break;
        }
        assert!(Instant::now() < deadline, "server did not become ready");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Server { child, base }
}

async fn all_task_ids(client: &reqwest::Client, base: &str, token: &str) -> HashSet<String> {
    let mut ids = HashSet::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut request = client
            .get(format!("{base}/api/v1/tasks"))
            .bearer_auth(token)
            .query(&[("limit", "100")]);
        if let Some(c) = &cursor {
            request = request.query(&[("cursor", c)]);
        }
        let page: Value = request.send().await.unwrap().json().await.unwrap();
        for item in page["items"].as_array().unwrap() {
            ids.insert(item["id"].as_str().unwrap().to_owned());
        }
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return ids,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acknowledged_writes_survive_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let client = reqwest::Client::new();
    let mut server = start(dir.path(), port).await;
    let base = server.base.clone();
    let registered = client
        .post(format!("{base}/api/v1/auth/register"))
        .json(&json!({"email": "crash@example.com", "password": "correct horse battery"}))
        .send()
        .await
        .unwrap();
    assert_eq!(registered.status(), 201);
    let tokens: Value = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"email": "crash@example.com", "password": "correct horse battery"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = tokens["access_token"].as_str().unwrap().to_owned();
    let acknowledged: Arc<Mutex<HashSet<String>>> = Arc::default();

    let rounds: usize = std::env::var("PAYDAY_CRASH_ROUNDS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(20);
    for round in 0..rounds {
        let writers: Vec<_> = (0..4)
            .map(|w| {
                let (client, base, token, acknowledged) = (
                    client.clone(),
                    base.clone(),
                    token.clone(),
                    acknowledged.clone(),
                );
                tokio::spawn(async move {
                    for i in 0.. {
                        let sent = client
                            .post(format!("{base}/api/v1/tasks"))
                            .bearer_auth(&token)
                            .json(&json!({"title": format!("round {round} writer {w} #{i}")}))
                            .send()
                            .await;
                        match sent {
                            Ok(response) if response.status() == 201 => {
                                let task: Value = response.json().await.unwrap();
                                acknowledged
                                    .lock()
                                    .unwrap()
                                    .insert(task["id"].as_str().unwrap().to_owned());
                            }
                            _ => return, // the server is gone
                        }
                    }
                })
            })
            .collect();
        // Kill at a different point of the write stream each round.
        tokio::time::sleep(Duration::from_millis(150 + 37 * (round as u64 % 7))).await;
        server.child.kill().unwrap(); // SIGKILL on Unix
        server.child.wait().unwrap();
        for writer in writers {
            writer.await.unwrap();
        }
        server = start(dir.path(), port).await;
        // The signing key survived too: the old token still verifies.
        let stored = all_task_ids(&client, &base, &token).await;
        let acknowledged = acknowledged.lock().unwrap().clone();
        assert!(
            !acknowledged.is_empty(),
            "round {round}: no writes were acknowledged"
        );
        let missing: Vec<_> = acknowledged.difference(&stored).collect();
        assert!(
            missing.is_empty(),
            "round {round}: {} acknowledged writes lost",
            missing.len()
        );
    }
    drop(server);
    let db = rusqlite::Connection::open(dir.path().join("payday.db")).unwrap();
    let integrity: String = db
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .unwrap();
    assert_eq!(integrity, "ok");
    eprintln!(
        "crash safety: {rounds} SIGKILL rounds, {} acknowledged writes, all present after every restart; \
         PRAGMA integrity_check: ok",
        acknowledged.lock().unwrap().len()
    );
}
