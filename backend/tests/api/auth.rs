use reqwest::StatusCode;
use serde_json::{Value, json};

use super::helpers::{TestApp, assert_error, spawn_app, spawn_with};

/// Signs `claims` with the app's own key (read from its data directory), as an attacker who stole it could.
async fn sign_with_app_key(app: &TestApp, claims: &Value) -> String {
    let pem = std::fs::read(app.settings.data_dir.join("signing-key.pem")).unwrap();
    let jwks: Value = app
        .get("/.well-known/jwks.json")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::ES256);
    header.kid = Some(jwks["keys"][0]["kid"].as_str().unwrap().to_owned());
    jsonwebtoken::encode(
        &header,
        claims,
        &jsonwebtoken::EncodingKey::from_ec_pem(&pem).unwrap(),
    )
    .unwrap()
}

fn claims(app: &TestApp, sub: &str) -> Value {
    let now = chrono::Utc::now().timestamp();
    json!({
        "iss": format!("http://{}", app.addr), "sub": sub, "client_id": "payday-local",
        "token_use": "access", "iat": now, "nbf": now, "exp": now + 300
    })
}

async fn me_status(app: &TestApp, token: &str) -> reqwest::Response {
    app.get("/api/v1/me")
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn register_login_and_me_round_trip() {
    let app = spawn_app().await;
    let response = app
        .post("/api/v1/auth/register")
        .json(&json!({"email": " Ann@Example.com ", "password": "correct horse battery", "name": "Ann"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let created: Value = response.json().await.unwrap();
    assert_eq!(created["email"], "ann@example.com");
    assert!(created.get("password_hash").is_none());

    let tokens: Value = app
        .login("ANN@example.com", "correct horse battery")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(tokens["token_type"], "Bearer");
    assert_eq!(tokens["expires_in"], 900);
    let me: Value = me_status(&app, tokens["access_token"].as_str().unwrap())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["id"], created["id"]);
    assert_eq!(me["name"], "Ann");
}

#[tokio::test]
async fn access_token_has_cognito_shaped_claims() {
    let app = spawn_app().await;
    let session = app.user("claims@example.com").await;
    let payload = session.token.split('.').nth(1).unwrap();
    use base64::Engine as _;
    let claims: Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .unwrap(),
    )
    .unwrap();
    assert_eq!(claims["token_use"], "access");
    assert_eq!(claims["client_id"], "payday-local");
    assert_eq!(claims["iss"], format!("http://{}", app.addr));
    assert!(uuid::Uuid::parse_str(claims["sub"].as_str().unwrap()).is_ok());
    assert!(claims["jti"].is_string());
    let lifetime = claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap();
    assert_eq!(lifetime, 900);
    let header = jsonwebtoken::decode_header(&session.token).unwrap();
    assert_eq!(header.alg, jsonwebtoken::Algorithm::ES256);
    let jwks: Value = app
        .get("/.well-known/jwks.json")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(jwks["keys"][0]["kid"].as_str(), header.kid.as_deref());
    assert!(
        jwks["keys"][0].get("d").is_none(),
        "private key material must never be published"
    );
}

#[tokio::test]
async fn responses_with_tokens_are_not_stored_by_caches() {
    let app = spawn_app().await;
    let register = app
        .register("nostore@example.com", "correct horse battery")
        .await;
    assert_eq!(register.status(), StatusCode::CREATED);
    assert_eq!(register.headers()["cache-control"], "no-store");
    let login = app
        .login("nostore@example.com", "correct horse battery")
        .await;
    assert_eq!(login.status(), StatusCode::OK);
    assert_eq!(login.headers()["cache-control"], "no-store");
    let tokens: Value = login.json().await.unwrap();
    let refresh = app.refresh(tokens["refresh_token"].as_str().unwrap()).await;
    assert_eq!(refresh.status(), StatusCode::OK);
    assert_eq!(refresh.headers()["cache-control"], "no-store");
}

#[tokio::test]
async fn register_rejects_duplicate_email_with_409() {
    let app = spawn_app().await;
    assert_eq!(
        app.register("dup@example.com", "correct horse battery")
            .await
            .status(),
        StatusCode::CREATED
    );
    assert_error(
        app.register("DUP@example.com", "another password").await,
        StatusCode::CONFLICT,
        "conflict",
    )
    .await;
}

#[tokio::test]
async fn register_validates_fields_with_422() {
    let app = spawn_app().await;
    let body = assert_error(
        app.register("not-an-email", "short").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert!(body["fields"]["email"].is_string());
    assert!(body["fields"]["password"].is_string());
}

#[tokio::test]
async fn login_with_wrong_password_or_unknown_user_is_401() {
    let app = spawn_app().await;
    app.user("who@example.com").await;
    let body = assert_error(
        app.login("who@example.com", "wrong password!").await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
    // Worded for the person at the sign-in form, not as a token problem.
    assert_eq!(
        body["message"],
        "Wrong e-mail or password. Check both and try again."
    );
    assert_error(
        app.login("nobody@example.com", "wrong password!").await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
}

#[tokio::test]
async fn repeated_failed_logins_are_throttled_with_429_and_retry_after() {
    let app = spawn_app().await;
    app.user("target@example.com").await;
    for _ in 0..5 {
        assert_eq!(
            app.login("target@example.com", "bad guess 123")
                .await
                .status(),
            StatusCode::UNAUTHORIZED
        );
    }
    let response = app
        .login("target@example.com", "correct horse battery")
        .await;
    assert!(response.headers().get("retry-after").is_some());
    assert_error(response, StatusCode::TOO_MANY_REQUESTS, "too_many_requests").await;
}

#[tokio::test]
async fn failed_logins_from_one_address_across_accounts_are_throttled() {
    let app = spawn_app().await;
    for i in 0..20 {
        let status = app
            .login(&format!("spray{i}@example.com"), "bad guess 123")
            .await
            .status();
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    assert_error(
        app.login("fresh@example.com", "bad guess 123").await,
        StatusCode::TOO_MANY_REQUESTS,
        "too_many_requests",
    )
    .await;
}

/// Signs in with `X-Forwarded-For: <forwarded>`, as if through proxies.
async fn login_via(app: &TestApp, email: &str, password: &str, forwarded: &str) -> StatusCode {
    app.post("/api/v1/auth/login")
        .header("x-forwarded-for", forwarded)
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn a_client_rotating_the_first_forwarded_for_entry_is_still_throttled_by_its_real_address() {
    let app = spawn_with(|s| s.trust_forwarded_for = true).await;
    for i in 0..20 {
        // The left entry is the client's own invention; the ALB appended the right one.
        let forwarded = format!("10.0.0.{i}, 203.0.113.7");
        let status = login_via(
            &app,
            &format!("spray{i}@example.com"),
            "bad guess 123",
            &forwarded,
        )
        .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let status = login_via(
        &app,
        "fresh@example.com",
        "bad guess 123",
        "10.0.0.99, 203.0.113.7",
    )
    .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    // Another real address is not affected.
    let status = login_via(&app, "fresh@example.com", "bad guess 123", "203.0.113.8").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn with_two_trusted_hops_the_viewer_address_is_second_from_the_right() {
    let app = spawn_with(|s| {
        s.trust_forwarded_for = true;
        s.trusted_proxy_hops = 2;
    })
    .await;
    for i in 0..20 {
        // Forged entry, viewer (appended by CloudFront), edge (appended by the ALB; varies per request).
        let forwarded = format!("10.0.0.{i}, 198.51.100.4, 130.176.0.{i}");
        let status = login_via(
            &app,
            &format!("spray{i}@example.com"),
            "bad guess 123",
            &forwarded,
        )
        .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let status = login_via(
        &app,
        "fresh@example.com",
        "bad guess 123",
        "198.51.100.4, 130.176.0.1",
    )
    .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    let status = login_via(
        &app,
        "fresh@example.com",
        "bad guess 123",
        "198.51.100.5, 130.176.0.1",
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn wrong_passwords_from_elsewhere_do_not_lock_the_owner_out() {
    let app = spawn_with(|s| s.trust_forwarded_for = true).await;
    app.user("owner@example.com").await;
    for _ in 0..6 {
        login_via(&app, "owner@example.com", "bad guess 123", "198.51.100.66").await;
    }
    // The attacker's address is throttled for this account...
    let status = login_via(
        &app,
        "owner@example.com",
        "correct horse battery",
        "198.51.100.66",
    )
    .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    // ...but the owner, signing in from their own address, is not.
    let status = login_via(
        &app,
        "owner@example.com",
        "correct horse battery",
        "203.0.113.20",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn refresh_rotates_and_a_reused_refresh_token_revokes_the_session() {
    let app = spawn_app().await;
    let session = app.user("rot@example.com").await;
    let first: Value = app.refresh(&session.refresh).await.json().await.unwrap();
    let second_refresh = first["refresh_token"].as_str().unwrap();
    assert_ne!(second_refresh, session.refresh);
    assert_eq!(
        me_status(&app, first["access_token"].as_str().unwrap())
            .await
            .status(),
        StatusCode::OK
    );

    // Replaying the spent token is refused and kills the rotated one too.
    let replay = app.refresh(&session.refresh).await;
    assert_error(replay, StatusCode::UNAUTHORIZED, "unauthorized").await;
    let after = app.refresh(second_refresh).await;
    assert_error(after, StatusCode::UNAUTHORIZED, "unauthorized").await;
}

#[tokio::test]
async fn logout_revokes_the_refresh_token() {
    let app = spawn_app().await;
    let session = app.user("bye@example.com").await;
    let response = app
        .post("/api/v1/auth/logout")
        .json(&json!({"refresh_token": session.refresh}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let refresh = app.refresh(&session.refresh).await;
    assert_error(refresh, StatusCode::UNAUTHORIZED, "unauthorized").await;
}

#[tokio::test]
async fn requests_without_or_with_a_bad_token_get_401() {
    let app = spawn_app().await;
    let missing = app.get("/api/v1/tasks").send().await.unwrap();
    assert_eq!(missing.headers().get("www-authenticate").unwrap(), "Bearer");
    assert_error(missing, StatusCode::UNAUTHORIZED, "unauthorized").await;
    assert_error(
        me_status(&app, "not.a.jwt").await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
    let basic = app
        .get("/api/v1/me")
        .header("authorization", "Basic dXNlcjpwYXNz")
        .send()
        .await
        .unwrap();
    assert_error(basic, StatusCode::UNAUTHORIZED, "unauthorized").await;
}

#[tokio::test]
async fn expired_token_gets_401_token_expired() {
    let app = spawn_app().await;
    let session = app.user("late@example.com").await;
    let sub = me_status(&app, &session.token)
        .await
        .json::<Value>()
        .await
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut expired = claims(&app, &sub);
    expired["exp"] = json!(chrono::Utc::now().timestamp() - 10);
    let token = sign_with_app_key(&app, &expired).await;
    assert_error(
        me_status(&app, &token).await,
        StatusCode::UNAUTHORIZED,
        "token_expired",
    )
    .await;
}

#[tokio::test]
async fn tokens_with_wrong_claims_or_algorithms_are_refused() {
    let app = spawn_app().await;
    // Local tokens are accepted only for accounts that exist.
    let registered: Value = app
        .register("claims@example.com", "correct horse battery")
        .await
        .json()
        .await
        .unwrap();
    let sub = registered["id"].as_str().unwrap().to_owned();
    let good = sign_with_app_key(&app, &claims(&app, &sub)).await;
    assert_eq!(
        me_status(&app, &good).await.status(),
        StatusCode::OK,
        "control: a well-formed token passes"
    );

    let mut cases = Vec::new();
    let mut wrong_iss = claims(&app, &sub);
    wrong_iss["iss"] = json!("https://evil.example");
    cases.push(("wrong iss", wrong_iss));
    let mut future = claims(&app, &sub);
    future["nbf"] = json!(chrono::Utc::now().timestamp() + 600);
    cases.push(("nbf in future", future));
    let mut wrong_client = claims(&app, &sub);
    wrong_client["client_id"] = json!("someone-else");
    cases.push(("wrong client", wrong_client));
    let mut id_token = claims(&app, &sub);
    id_token["token_use"] = json!("id");
    cases.push(("id token", id_token));
    let mut bad_type = claims(&app, &sub);
    bad_type["exp"] = json!("tomorrow");
    cases.push(("exp as string", bad_type));
    cases.push(("sub not a uuid", claims(&app, "admin")));
    for (name, claims) in cases {
        let token = sign_with_app_key(&app, &claims).await;
        assert_eq!(
            me_status(&app, &token).await.status(),
            StatusCode::UNAUTHORIZED,
            "{name}"
        );
    }

    // alg none: header {"alg":"none"} with the good payload and no signature.
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let payload = good.split('.').nth(1).unwrap();
    let none = format!(
        "{}.{}.",
        b64.encode(br#"{"alg":"none","typ":"JWT"}"#),
        payload
    );
    assert_eq!(
        me_status(&app, &none).await.status(),
        StatusCode::UNAUTHORIZED,
        "alg none"
    );

    // HS256 "signed" with the public key material as the secret.
    let jwks: Value = app
        .get("/.well-known/jwks.json")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
    header.kid = jwks["keys"][0]["kid"].as_str().map(str::to_owned);
    let secret = jwks["keys"][0].to_string();
    let hs = jsonwebtoken::encode(
        &header,
        &claims(&app, &sub),
        &jsonwebtoken::EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap();
    assert_eq!(
        me_status(&app, &hs).await.status(),
        StatusCode::UNAUTHORIZED,
        "HS256"
    );

    // Tampered payload: swap in another (existing) account's subject, keep the signature.
    let victim: Value = app
        .register("victim@example.com", "correct horse battery")
        .await
        .json()
        .await
        .unwrap();
    let parts: Vec<&str> = good.split('.').collect();
    let other = b64.encode(claims(&app, victim["id"].as_str().unwrap()).to_string());
    let tampered = format!("{}.{}.{}", parts[0], other, parts[2]);
    assert_eq!(
        me_status(&app, &tampered).await.status(),
        StatusCode::UNAUTHORIZED,
        "tampered"
    );

    // A token from another server's key (same kid) fails the signature check.
    let other_app = spawn_app().await;
    let foreign = sign_with_app_key(&other_app, &claims(&app, &sub)).await;
    assert_eq!(
        me_status(&app, &foreign).await.status(),
        StatusCode::UNAUTHORIZED,
        "foreign key"
    );
}
