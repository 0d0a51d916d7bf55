//! A bounded soak: the real `server` binary (embedded store) under a steady mixed load — create, list, read,
//! update and delete tasks, the budget summary — for `PAYDAY_SOAK_SECS` (default 60; longer runs: set it).
//! Every request must succeed, and the server's resident memory after the run may exceed what it was after
//! warm-up by less than 10 %. Signing in (argon2, 19 MiB of working memory) must not leave that memory resident.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

mod cloud_env;

use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

const CLIENTS: usize = 8;
const WARM_UP: Duration = Duration::from_secs(10);

/// Resident set size of a process in KiB, from /proc.
fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|value| value.split_whitespace().next()?.parse().ok())
        .expect("VmRSS in /proc/PID/status")
}

async fn expect(response: reqwest::Response, status: StatusCode, what: &str) -> Value {
    let got = response.status();
    let body = response.text().await.unwrap();
    assert_eq!(got, status, "{what}: {body}");
    serde_json::from_str(&body).unwrap_or(Value::Null)
}

/// One client's loop: a small working set of tasks, so the data stays bounded while every path runs.
async fn client_loop(
    client: Client,
    base: String,
    token: String,
    stop: Arc<AtomicBool>,
    done: Arc<AtomicUsize>,
) {
    let tasks = format!("{base}/api/v1/tasks");
    while !stop.load(Ordering::Relaxed) {
        let created = expect(
            client
                .post(&tasks)
                .bearer_auth(&token)
                .json(&json!({"title": "soak", "priority": "low"}))
                .send()
                .await
                .unwrap(),
            StatusCode::CREATED,
            "create",
        )
        .await;
        let url = format!("{tasks}/{}", created["id"].as_str().unwrap());
        expect(
            client
                .get(&tasks)
                .bearer_auth(&token)
                .query(&[("limit", "50")])
                .send()
                .await
                .unwrap(),
            StatusCode::OK,
            "list",
        )
        .await;
        expect(
            client
                .patch(&url)
                .bearer_auth(&token)
                .json(&json!({"completed": true, "version": created["version"]}))
                .send()
                .await
                .unwrap(),
            StatusCode::OK,
            "update",
        )
        .await;
        expect(
            client.get(&url).bearer_auth(&token).send().await.unwrap(),
            StatusCode::OK,
            "read",
        )
        .await;
        expect(
            client
                .get(format!("{base}/api/v1/budget/summary"))
                .bearer_auth(&token)
                .send()
                .await
                .unwrap(),
            StatusCode::OK,
            "budget summary",
        )
        .await;
        let deleted = client
            .delete(&url)
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(deleted.status(), StatusCode::NO_CONTENT, "delete");
        done.fetch_add(6, Ordering::Relaxed);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn steady_load_has_no_errors_and_memory_stays_flat() {
    let seconds: u64 = std::env::var("PAYDAY_SOAK_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    let server = cloud_env::start_server(&[("PAYDAY_METRICS".into(), "off".into())]).await;
    let (pid, base) = (server.pid(), server.base.clone());
    let client = Client::new();
    let before_sign_in = rss_kib(pid);
    let token = cloud_env::sign_in(&client, &server, "soak@example.com").await;
    // Register and sign-in each hash with argon2 (a 19 MiB block). The server gives that block back to the OS
    // afterwards (glibc's mmap threshold is fixed at start-up); without that, RSS stays ~20 MiB higher.
    let after_sign_in = rss_kib(pid);
    assert!(
        after_sign_in < before_sign_in + 8 * 1024,
        "resident memory grew from {before_sign_in} KiB to {after_sign_in} KiB over a sign-in: \
         argon2's working block was kept instead of returned"
    );
    // A budget to summarise: one pay schedule and a few bills.
    expect(
        client.post(format!("{base}/api/v1/pay-schedules")).bearer_auth(&token)
            .json(&json!({"name": "Job", "amount": 250_000, "frequency": "biweekly", "anchor_date": "2026-01-09"}))
            .send().await.unwrap(),
        StatusCode::CREATED,
        "pay schedule",
    )
    .await;
    for (name, day) in [("Rent", 1), ("Phone", 12), ("Power", 20)] {
        expect(
            client.post(format!("{base}/api/v1/bills")).bearer_auth(&token)
                .json(&json!({"name": name, "amount": 10_000, "recurrence": {"kind": "monthly", "day": day}}))
                .send().await.unwrap(),
            StatusCode::CREATED,
            "bill",
        )
        .await;
    }

    let stop = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicUsize::new(0));
    let workers: Vec<_> = (0..CLIENTS)
        .map(|_| {
            tokio::spawn(client_loop(
                client.clone(),
                base.clone(),
                token.clone(),
                stop.clone(),
                done.clone(),
            ))
        })
        .collect();
    tokio::time::sleep(WARM_UP).await;
    let after_warm_up = rss_kib(pid);
    let started = Instant::now();
    let mut peak = after_warm_up;
    while started.elapsed() < Duration::from_secs(seconds) {
        tokio::time::sleep(Duration::from_secs(1)).await;
        peak = peak.max(rss_kib(pid));
        assert!(
            !workers.iter().any(|w| w.is_finished()),
            "a client stopped early: a request failed"
        );
    }
    let at_end = rss_kib(pid);
    stop.store(true, Ordering::Relaxed);
    for worker in workers {
        worker.await.expect("no request failed");
    }
    let requests = done.load(Ordering::Relaxed);
    let growth = (at_end as f64 - after_warm_up as f64) / after_warm_up as f64 * 100.0;
    eprintln!(
        "soak: {requests} requests in {seconds} s after {WARM_UP:?} warm-up, 0 errors; RSS {after_warm_up} KiB after \
         warm-up, {at_end} KiB at the end ({growth:+.1} %), peak {peak} KiB"
    );
    assert!(growth < 10.0, "RSS grew {growth:.1} % under steady load");
}
