//! The server serves the built UI on the same origin as the API.

use reqwest::StatusCode;
use serde_json::Value;

use super::helpers::{assert_error, spawn_app, spawn_with};

fn write_dist(dir: &std::path::Path) {
    std::fs::write(
        dir.join("index.html"),
        "<!doctype html><title>Payday</title>",
    )
    .unwrap();
    std::fs::write(dir.join("frontend-0123456789abcdef_bg.wasm"), b"\0asm").unwrap();
    std::fs::write(dir.join("frontend-0123456789abcdef.js"), "console.log(1)").unwrap();
    std::fs::write(dir.join("frontend-0123456789abcdef.js.br"), b"brotli-bytes").unwrap();
}

#[tokio::test]
async fn config_json_tells_the_ui_how_to_reach_the_api() {
    let app = spawn_app().await;
    let response = app.get("/config.json").send().await.unwrap();
    assert_eq!(response.headers()["cache-control"], "no-cache");
    let config: Value = response.json().await.unwrap();
    assert_eq!(config["api_base_url"], "");
    assert_eq!(config["auth"]["mode"], "local");
}

#[tokio::test]
async fn static_files_spa_fallback_and_cache_headers() {
    let dist = tempfile::tempdir().unwrap();
    write_dist(dist.path());
    let path = dist.path().to_path_buf();
    let app = spawn_with(move |s| s.static_dir = Some(path)).await;

    let index = app.get("/").send().await.unwrap();
    assert_eq!(index.status(), StatusCode::OK);
    assert_eq!(index.headers()["cache-control"], "no-cache");
    assert!(
        index
            .text()
            .await
            .unwrap()
            .contains("<title>Payday</title>")
    );

    let client_route = app.get("/tasks/active").send().await.unwrap();
    assert_eq!(client_route.status(), StatusCode::OK);
    assert_eq!(client_route.headers()["cache-control"], "no-cache");
    assert!(client_route.text().await.unwrap().contains("Payday"));

    let wasm = app
        .get("/frontend-0123456789abcdef_bg.wasm")
        .send()
        .await
        .unwrap();
    assert_eq!(wasm.status(), StatusCode::OK);
    assert_eq!(
        wasm.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(wasm.headers()["content-type"], "application/wasm");

    let brotli = app
        .get("/frontend-0123456789abcdef.js")
        .header("accept-encoding", "br")
        .send()
        .await
        .unwrap();
    assert_eq!(brotli.headers()["content-encoding"], "br");

    assert_eq!(
        app.get("/missing.js").send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    assert_error(
        app.get("/api/v1/nope").send().await.unwrap(),
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}
