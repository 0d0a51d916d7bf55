use reqwest::StatusCode;
use serde_json::Value;

use super::helpers::spawn_app;

#[tokio::test]
async fn healthz_and_readyz_answer_ok() {
    let app = spawn_app().await;
    let health: Value = app
        .get("/healthz")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["status"], "ok");
    let ready = app.get("/readyz").send().await.unwrap();
    assert_eq!(ready.status(), StatusCode::OK);
}
