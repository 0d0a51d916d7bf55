//! Optimistic concurrency under contention, black-box: 50 clients send the same PATCH precondition (the same
//! `version`) for one task at the same moment, through the real `server` binary, on each store. Exactly one
//! write may win; every other client gets 409 `version_conflict`; the stored task is the winner's write.

mod cloud_env;

use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

use cloud_env::{Server, sign_in, start_server, store_env, unique_name};

const WRITERS: usize = 50;

async fn one_writer_wins(server: Server, store: &str) {
    let client = Client::builder()
        .pool_max_idle_per_host(WRITERS)
        .build()
        .unwrap();
    let token = sign_in(&client, &server, "race@example.com").await;
    let created: Value = client
        .post(format!("{}/api/v1/tasks", server.base))
        .bearer_auth(&token)
        .json(&json!({"title": "contended"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let url = format!(
        "{}/api/v1/tasks/{}",
        server.base,
        created["id"].as_str().unwrap()
    );
    let version = created["version"].as_i64().unwrap();

    // Every writer waits at the barrier, then all send at once.
    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(WRITERS));
    let writers: Vec<_> = (0..WRITERS)
        .map(|writer| {
            let (client, url, token, barrier) =
                (client.clone(), url.clone(), token.clone(), barrier.clone());
            tokio::spawn(async move {
                let title = format!("written by {writer}");
                barrier.wait().await;
                let response = client
                    .patch(&url)
                    .bearer_auth(&token)
                    .json(&json!({"title": title, "priority": "high", "version": version}))
                    .send()
                    .await
                    .unwrap();
                let status = response.status();
                let body: Value = response.json().await.unwrap();
                (title, status, body)
            })
        })
        .collect();
    let mut winners = Vec::new();
    let mut conflicts = 0;
    for writer in writers {
        let (title, status, body) = writer.await.unwrap();
        match status {
            StatusCode::OK => winners.push((title, body)),
            StatusCode::CONFLICT => {
                assert_eq!(body["code"], "version_conflict", "{store}: {body}");
                conflicts += 1;
            }
            other => panic!("{store}: unexpected {other}: {body}"),
        }
    }
    assert_eq!(
        winners.len(),
        1,
        "{store}: exactly one write wins: {winners:?}"
    );
    assert_eq!(conflicts, WRITERS - 1, "{store}");
    let (title, answer) = &winners[0];
    assert_eq!(answer["version"], version + 1, "{store}");

    let stored: Value = client
        .get(&url)
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        stored["title"],
        title.as_str(),
        "{store}: the winner's write is stored"
    );
    assert_eq!(stored["priority"], "high", "{store}");
    assert_eq!(
        stored["version"],
        version + 1,
        "{store}: one write, one version bump"
    );
    eprintln!(
        "{store}: {WRITERS} concurrent updates with version {version}: 1 × 200 ({title}), {conflicts} × 409, \
         stored = the winner's write"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_updates_one_winner_on_the_embedded_store() {
    let env = vec![("PAYDAY_STORE".to_owned(), "embedded".to_owned())];
    one_writer_wins(start_server(&env).await, "embedded").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_updates_one_winner_on_dynamodb() {
    let Some(endpoint) = cloud_env::dynamodb_endpoint() else {
        return; // cloud_env panics instead when PAYDAY_TEST_REQUIRE_CLOUD=1 (make test)
    };
    let env = store_env("dynamodb", &endpoint, &unique_name("race"));
    one_writer_wins(start_server(&env).await, "dynamodb").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_updates_one_winner_on_mongodb() {
    let Some(uri) = cloud_env::mongodb_uri() else {
        return;
    };
    let env = store_env("mongodb", &uri, &unique_name("race"));
    one_writer_wins(start_server(&env).await, "mongodb").await;
}
