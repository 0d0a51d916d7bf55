//! Cognito mode: tokens are verified against a remote JWKS exactly the way aws-jwt-verify does.
//!
//! Two real servers: a JWKS issuer started here (an RSA key of our own, so every kind of forged token can be
//! made), and `moto_server`'s Cognito (real RS256 tokens from `InitiateAuth`) when `make test` provides it.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use backend::auth::TokenUse;
use backend::config::{AuthMode, Settings, StoreKind};
use backend::{AppState, app};
use base64::Engine as _;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use rsa::pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding};
use rsa::traits::PublicKeyParts;
use serde_json::{Value, json};

const POOL: &str = "us-east-1_TestPool1";
const CLIENT: &str = "test-client-id";

fn issuer() -> String {
    format!("https://cognito-idp.us-east-1.amazonaws.com/{POOL}")
}

struct Issuer {
    private_pem: String,
    public_pem: String,
    kid: String,
    url: String,
    fetches: Arc<AtomicUsize>,
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Starts a JWKS server for a fresh RSA key; counts how often it is fetched.
async fn start_issuer(kid: &str) -> Issuer {
    let key = rsa::RsaPrivateKey::new(&mut rand::rngs::OsRng, 2048).unwrap();
    let public = key.to_public_key();
    let jwks = json!({"keys": [{
        "kty": "RSA", "alg": "RS256", "use": "sig", "kid": kid,
        "n": b64(&public.n().to_bytes_be()), "e": b64(&public.e().to_bytes_be()),
    }]});
    let fetches = Arc::new(AtomicUsize::new(0));
    let counter = fetches.clone();
    let router = axum::Router::new().route(
        "/jwks.json",
        axum::routing::get(move || {
            counter.fetch_add(1, Ordering::SeqCst);
            let jwks = jwks.clone();
            async move { axum::Json(jwks) }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    Issuer {
        private_pem: key.to_pkcs8_pem(LineEnding::LF).unwrap().to_string(),
        public_pem: public.to_public_key_pem(LineEnding::LF).unwrap(),
        kid: kid.to_owned(),
        url: format!("http://{addr}/jwks.json"),
        fetches,
    }
}

struct TestApp {
    base: String,
    client: reqwest::Client,
    _dir: tempfile::TempDir,
}

async fn spawn_cognito_app(
    jwks_url: &str,
    issuer: &str,
    client_id: &str,
    token_use: TokenUse,
) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = Settings::local(dir.path());
    settings.store = StoreKind::Memory;
    settings.auth = AuthMode::Cognito;
    settings.cognito_region = Some("us-east-1".into());
    settings.cognito_user_pool_id = Some(POOL.into());
    settings.cognito_client_id = Some(client_id.into());
    settings.cognito_token_use = token_use;
    settings.cognito_issuer = Some(issuer.into());
    settings.cognito_jwks_url = Some(jwks_url.into());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let state = AppState::build(&settings).await.unwrap();
    tokio::spawn(async move {
        axum::serve(
            listener,
            app(state).into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap()
    });
    TestApp {
        base: format!("http://{addr}"),
        client: reqwest::Client::new(),
        _dir: dir,
    }
}

impl TestApp {
    async fn me(&self, token: &str) -> reqwest::Response {
        self.client
            .get(format!("{}/api/v1/me", self.base))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
    }
}

fn access_claims(sub: &str) -> Value {
    let now = chrono::Utc::now().timestamp();
    json!({"iss": issuer(), "sub": sub, "client_id": CLIENT, "token_use": "access", "scope": "aws.cognito.signin.user.admin",
           "iat": now, "auth_time": now, "exp": now + 600, "jti": uuid::Uuid::new_v4().to_string()})
}

fn id_claims(sub: &str) -> Value {
    let now = chrono::Utc::now().timestamp();
    json!({"iss": issuer(), "sub": sub, "aud": CLIENT, "token_use": "id", "email": "id@example.com",
           "iat": now, "auth_time": now, "exp": now + 600})
}

fn sign(issuer: &Issuer, claims: &Value) -> String {
    sign_with_header(issuer, claims, |_| {})
}

fn sign_with_header(issuer: &Issuer, claims: &Value, adjust: impl FnOnce(&mut Header)) -> String {
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(issuer.kid.clone());
    adjust(&mut header);
    jsonwebtoken::encode(
        &header,
        claims,
        &EncodingKey::from_rsa_pem(issuer.private_pem.as_bytes()).unwrap(),
    )
    .unwrap()
}

async fn assert_refused(app: &TestApp, token: &str, case: &str) {
    let response = app.me(token).await;
    assert_eq!(response.status(), 401, "{case}");
    let body: Value = response.json().await.unwrap();
    assert!(
        body["code"].is_string() && body["request_id"].is_string(),
        "{case}: {body}"
    );
}

#[tokio::test]
async fn a_valid_access_token_is_accepted_and_every_forgery_is_refused() {
    let good_issuer = start_issuer("key-1").await;
    let app = spawn_cognito_app(&good_issuer.url, &issuer(), CLIENT, TokenUse::Access).await;
    let sub = uuid::Uuid::new_v4().to_string();

    let ok = app.me(&sign(&good_issuer, &access_claims(&sub))).await;
    assert_eq!(ok.status(), 200);
    assert_eq!(ok.json::<Value>().await.unwrap()["id"], sub.as_str());

    // alg none
    let payload = b64(access_claims(&sub).to_string().as_bytes());
    assert_refused(
        &app,
        &format!("{}.{payload}.", b64(br#"{"alg":"none","kid":"key-1"}"#)),
        "alg none",
    )
    .await;
    // HS256 keyed with the RSA public key (the classic algorithm-confusion attack)
    let mut hs = Header::new(Algorithm::HS256);
    hs.kid = Some("key-1".into());
    let confused = jsonwebtoken::encode(
        &hs,
        &access_claims(&sub),
        &EncodingKey::from_secret(good_issuer.public_pem.as_bytes()),
    )
    .unwrap();
    assert_refused(&app, &confused, "HS256 with public key").await;
    // unknown kid
    assert_refused(
        &app,
        &sign_with_header(&good_issuer, &access_claims(&sub), |h| {
            h.kid = Some("nope".into())
        }),
        "unknown kid",
    )
    .await;
    // no kid
    assert_refused(
        &app,
        &sign_with_header(&good_issuer, &access_claims(&sub), |h| h.kid = None),
        "no kid",
    )
    .await;
    let mut claims = access_claims(&sub);
    claims["exp"] = json!(chrono::Utc::now().timestamp() - 1);
    let expired = app.me(&sign(&good_issuer, &claims)).await;
    assert_eq!(
        expired.json::<Value>().await.unwrap()["code"],
        "token_expired"
    );
    let mut claims = access_claims(&sub);
    claims["nbf"] = json!(chrono::Utc::now().timestamp() + 300);
    assert_refused(&app, &sign(&good_issuer, &claims), "nbf in the future").await;
    let mut claims = access_claims(&sub);
    claims["iss"] = json!("https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other");
    assert_refused(&app, &sign(&good_issuer, &claims), "wrong iss").await;
    let mut claims = access_claims(&sub);
    claims["client_id"] = json!("another-client");
    assert_refused(&app, &sign(&good_issuer, &claims), "wrong client id").await;
    assert_refused(
        &app,
        &sign(&good_issuer, &id_claims(&sub)),
        "id token where access is required",
    )
    .await;
    let mut claims = access_claims(&sub);
    claims["exp"] = json!("soon");
    assert_refused(&app, &sign(&good_issuer, &claims), "exp of the wrong type").await;
    // tampered payload
    let good = sign(&good_issuer, &access_claims(&sub));
    let parts: Vec<&str> = good.split('.').collect();
    let forged = b64(access_claims(&uuid::Uuid::new_v4().to_string())
        .to_string()
        .as_bytes());
    assert_refused(
        &app,
        &format!("{}.{forged}.{}", parts[0], parts[2]),
        "tampered payload",
    )
    .await;
    // jku / jwk / x5u pointing at an attacker's key are ignored: same kid, attacker's signature.
    let attacker = start_issuer("key-1").await;
    let with_jku = sign_with_header(&attacker, &access_claims(&sub), |h| {
        h.jku = Some(attacker.url.clone())
    });
    assert_refused(&app, &with_jku, "jku pointing elsewhere").await;
    let with_x5u = sign_with_header(&attacker, &access_claims(&sub), |h| {
        h.x5u = Some(attacker.url.clone())
    });
    assert_refused(&app, &with_x5u, "x5u pointing elsewhere").await;
    assert_eq!(
        attacker.fetches.load(Ordering::SeqCst),
        0,
        "the attacker's JWKS was never fetched"
    );
}

#[tokio::test]
async fn id_token_mode_checks_the_audience_and_refuses_access_tokens() {
    let iss = start_issuer("key-id").await;
    let app = spawn_cognito_app(&iss.url, &issuer(), CLIENT, TokenUse::Id).await;
    let sub = uuid::Uuid::new_v4().to_string();
    let ok = app.me(&sign(&iss, &id_claims(&sub))).await;
    assert_eq!(ok.status(), 200);
    assert_eq!(ok.json::<Value>().await.unwrap()["email"], "id@example.com");
    let mut claims = id_claims(&sub);
    claims["aud"] = json!("another-client");
    assert_refused(&app, &sign(&iss, &claims), "wrong audience").await;
    assert_refused(
        &app,
        &sign(&iss, &access_claims(&sub)),
        "access token where id is required",
    )
    .await;
}

#[tokio::test]
async fn after_deleting_the_account_its_earlier_tokens_are_refused_and_a_new_sign_in_works() {
    let iss = start_issuer("key-id").await;
    let app = spawn_cognito_app(&iss.url, &issuer(), CLIENT, TokenUse::Access).await;
    let sub = uuid::Uuid::new_v4().to_string();
    let mut earlier = access_claims(&sub);
    earlier["iat"] = json!(chrono::Utc::now().timestamp() - 5);
    let token = sign(&iss, &earlier);
    assert_eq!(app.me(&token).await.status(), 200);
    let deleted = app
        .client
        .delete(format!("{}/api/v1/me", app.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 204);

    let me = app.me(&token).await;
    assert_eq!(me.status(), 401);
    assert_eq!(me.json::<Value>().await.unwrap()["code"], "unauthorized");
    let create = app
        .client
        .post(format!("{}/api/v1/tasks", app.base))
        .bearer_auth(&token)
        .json(&json!({"title": "orphan"}))
        .send()
        .await
        .unwrap();
    assert_eq!(create.status(), 401);
    // Signing in again later (the user pool still knows the person) gives a token that works.
    let mut later = access_claims(&sub);
    later["iat"] = json!(chrono::Utc::now().timestamp() + 1);
    assert_eq!(app.me(&sign(&iss, &later)).await.status(), 200);
}

#[tokio::test]
async fn unknown_kids_refetch_the_jwks_at_most_once_per_interval() {
    let iss = start_issuer("key-r").await;
    let app = spawn_cognito_app(&iss.url, &issuer(), CLIENT, TokenUse::Access).await;
    let sub = uuid::Uuid::new_v4().to_string();
    assert_eq!(
        app.me(&sign(&iss, &access_claims(&sub))).await.status(),
        200
    );
    assert_eq!(
        iss.fetches.load(Ordering::SeqCst),
        1,
        "keys fetched on first use"
    );
    for i in 0..10 {
        let token = sign_with_header(&iss, &access_claims(&sub), |h| {
            h.kid = Some(format!("rotated-{i}"))
        });
        assert_eq!(app.me(&token).await.status(), 401);
    }
    assert_eq!(
        iss.fetches.load(Ordering::SeqCst),
        1,
        "unknown kids within 10 s of a download cause no refetch"
    );
    tokio::time::sleep(
        backend::auth::JWKS_REFETCH_INTERVAL + std::time::Duration::from_millis(200),
    )
    .await;
    for i in 0..3 {
        let token = sign_with_header(&iss, &access_claims(&sub), |h| {
            h.kid = Some(format!("later-{i}"))
        });
        assert_eq!(app.me(&token).await.status(), 401);
    }
    assert_eq!(
        iss.fetches.load(Ordering::SeqCst),
        2,
        "after the interval, one refetch for a burst of unknown kids"
    );
    assert_eq!(
        app.me(&sign(&iss, &access_claims(&sub))).await.status(),
        200,
        "known keys keep working"
    );
}

#[tokio::test]
async fn an_unreachable_jwks_is_a_503_not_a_401() {
    let iss = start_issuer("key-x").await;
    let app = spawn_cognito_app(
        "http://127.0.0.1:9/jwks.json",
        &issuer(),
        CLIENT,
        TokenUse::Access,
    )
    .await;
    let response = app
        .me(&sign(
            &iss,
            &access_claims(&uuid::Uuid::new_v4().to_string()),
        ))
        .await;
    assert_eq!(response.status(), 503);
    assert!(response.headers().contains_key("retry-after"));
}

#[tokio::test]
async fn local_sign_in_endpoints_are_off_and_config_json_names_the_pool() {
    let iss = start_issuer("key-c").await;
    let app = spawn_cognito_app(&iss.url, &issuer(), CLIENT, TokenUse::Access).await;
    let register = app
        .client
        .post(format!("{}/api/v1/auth/register", app.base))
        .json(&json!({"email": "a@example.com", "password": "correct horse battery"}))
        .send()
        .await
        .unwrap();
    assert_eq!(register.status(), 404);
    let config: Value = app
        .client
        .get(format!("{}/config.json", app.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        config["auth"],
        json!({"mode": "cognito", "region": "us-east-1", "user_pool_id": POOL, "client_id": CLIENT,
               "endpoint": "https://cognito-idp.us-east-1.amazonaws.com/"})
    );
}

/// Calls moto's Cognito JSON API.
async fn cognito_call(
    client: &reqwest::Client,
    endpoint: &str,
    action: &str,
    body: Value,
) -> Value {
    let response = client
        .post(endpoint)
        .header("x-amz-target", format!("AWSCognitoIdentityProviderService.{action}"))
        .header("content-type", "application/x-amz-json-1.1")
        .header("authorization", "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/cognito-idp/aws4_request, SignedHeaders=host, Signature=x")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let status = response.status();
    let text = response.text().await.unwrap();
    assert!(status.is_success(), "{action}: {status} {text}");
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

#[tokio::test]
async fn real_tokens_from_the_cognito_emulator_reach_the_api() {
    let Ok(endpoint) = std::env::var("PAYDAY_TEST_DYNAMODB_ENDPOINT") else {
        assert!(
            std::env::var_os("PAYDAY_TEST_REQUIRE_CLOUD").is_none(),
            "make test must provide moto_server"
        );
        eprintln!("skipping: moto_server not provided (run `make test`)");
        return;
    };
    let client = reqwest::Client::new();
    let pool = cognito_call(
        &client,
        &endpoint,
        "CreateUserPool",
        json!({"PoolName": format!("payday-{}", uuid::Uuid::new_v4())}),
    )
    .await;
    let pool_id = pool["UserPool"]["Id"].as_str().unwrap().to_owned();
    let app_client = cognito_call(&client, &endpoint, "CreateUserPoolClient", json!({
        "UserPoolId": pool_id, "ClientName": "web", "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    })).await;
    let client_id = app_client["UserPoolClient"]["ClientId"]
        .as_str()
        .unwrap()
        .to_owned();
    cognito_call(
        &client,
        &endpoint,
        "SignUp",
        json!({"ClientId": client_id, "Username": "pat@example.com", "Password": "Correct-Horse-42",
        "UserAttributes": [{"Name": "email", "Value": "pat@example.com"}]}),
    )
    .await;
    cognito_call(
        &client,
        &endpoint,
        "AdminConfirmSignUp",
        json!({"UserPoolId": pool_id, "Username": "pat@example.com"}),
    )
    .await;
    let auth = cognito_call(
        &client,
        &endpoint,
        "InitiateAuth",
        json!({
            "AuthFlow": "USER_PASSWORD_AUTH", "ClientId": client_id,
            "AuthParameters": {"USERNAME": "pat@example.com", "PASSWORD": "Correct-Horse-42"}
        }),
    )
    .await;
    let access = auth["AuthenticationResult"]["AccessToken"]
        .as_str()
        .unwrap()
        .to_owned();
    let id = auth["AuthenticationResult"]["IdToken"]
        .as_str()
        .unwrap()
        .to_owned();

    // The emulator's tokens name the real AWS issuer while its JWKS is served locally.
    let iss = format!("https://cognito-idp.us-east-1.amazonaws.com/{pool_id}");
    let jwks = format!("{endpoint}/{pool_id}/.well-known/jwks.json");
    let app = spawn_cognito_app(&jwks, &iss, &client_id, TokenUse::Access).await;
    let me = app.me(&access).await;
    assert_eq!(me.status(), 200, "{:?}", me.text().await);
    let created = app
        .client
        .post(format!("{}/api/v1/tasks", app.base))
        .bearer_auth(&access)
        .json(&json!({"title": "from Cognito"}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    assert_refused(&app, &id, "id token in access mode").await;

    let id_app = spawn_cognito_app(&jwks, &iss, &client_id, TokenUse::Id).await;
    assert_eq!(id_app.me(&id).await.status(), 200);
    assert_refused(&id_app, &access, "access token in id mode").await;
}
