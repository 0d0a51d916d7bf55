//! The typed HTTP client over `shared` DTOs: runtime config, JSON requests with the bearer token, errors decoded
//! from the `ApiError` wire format and worded for people, and a session that refreshes itself before it expires.
//!
//! Sign-in lives behind [`AuthBackend`] (an enum, so the wasm binary keeps static dispatch): local mode talks to
//! `/api/v1/auth/*`, Cognito mode to the user pool's own API ([`cognito`]), behind the same screens and session.

use futures::FutureExt;
use futures::future::{LocalBoxFuture, Shared};
use leptos::prelude::{
    Effect, Get, GetUntracked, GetValue, LocalStorage, RwSignal, Set, SetValue, StoredValue,
    set_timeout, window,
};
use leptos::task::spawn_local;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use shared::ApiError;
use shared::auth::{LoginRequest, RefreshRequest, RegisterRequest, TokenResponse};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::format;

pub mod cognito;

/// `/config.json`, written by the server so one build runs anywhere.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct RuntimeConfig {
    /// Prefix for API calls; empty means the page's own origin.
    #[serde(default)]
    pub api_base_url: String,
    #[serde(default)]
    pub auth: AuthConfig,
}

/// `{"mode": "local"}` or `{"mode": "cognito", "region": …, "client_id": …, "user_pool_id"?, "endpoint"?}`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(try_from = "AuthConfigWire")]
pub enum AuthConfig {
    #[default]
    Local,
    /// An Amazon Cognito user pool; the UI calls its API at `endpoint` (empty: the region's public endpoint).
    Cognito {
        region: String,
        user_pool_id: String,
        client_id: String,
        endpoint: String,
    },
    /// A mode this build does not know.
    Unsupported,
}

/// [`AuthConfig`] as written: one flat object, checked against `mode`.
#[derive(Deserialize)]
struct AuthConfigWire {
    mode: String,
    region: Option<String>,
    #[serde(default)]
    user_pool_id: String,
    client_id: Option<String>,
    #[serde(default)]
    endpoint: String,
}

impl TryFrom<AuthConfigWire> for AuthConfig {
    type Error = &'static str;

    fn try_from(wire: AuthConfigWire) -> Result<Self, Self::Error> {
        Ok(match wire.mode.as_str() {
            "local" => AuthConfig::Local,
            "cognito" => AuthConfig::Cognito {
                region: wire.region.ok_or("cognito mode needs a region")?,
                user_pool_id: wire.user_pool_id,
                client_id: wire.client_id.ok_or("cognito mode needs a client_id")?,
                endpoint: wire.endpoint,
            },
            _ => AuthConfig::Unsupported,
        })
    }
}

/// Loads `/config.json`; a missing file (a dev server without it) means the defaults: same origin, local sign-in.
pub async fn load_config() -> RuntimeConfig {
    let default = RuntimeConfig {
        api_base_url: String::new(),
        auth: AuthConfig::Local,
    };
    match fetch("GET", "/config.json", None, None).await {
        Ok((200, body)) => serde_json::from_str(&body).unwrap_or(default),
        _ => default,
    }
}

/// Anything that went wrong talking to the API, ready to show.
#[derive(Debug, Clone, PartialEq)]
pub enum UiError {
    /// The request never got an HTTP answer.
    Network,
    Api {
        status: u16,
        error: ApiError,
    },
    /// The answer was not what this build expects (a server/UI version mismatch).
    Decode,
}

impl UiError {
    /// One sentence for people.
    pub fn message(&self) -> String {
        match self {
            UiError::Network => "Can't reach Payday. Check your connection and try again.".into(),
            UiError::Decode => {
                "Payday sent an answer this page doesn't understand. Reload the page to update it."
                    .into()
            }
            UiError::Api { status, error } => describe(*status, error),
        }
    }

    /// The message for one field (`amount`, `recurrence.day`), from a 422.
    pub fn field(&self, name: &str) -> Option<String> {
        match self {
            UiError::Api { error, .. } => error.fields.as_ref()?.get(name).cloned(),
            _ => None,
        }
    }

    pub fn status(&self) -> Option<u16> {
        match self {
            UiError::Api { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// True when the error carries this `code` (the screens act on a few, e.g. an unconfirmed e-mail).
    pub fn is(&self, code: &str) -> bool {
        matches!(self, UiError::Api { error, .. } if error.code == code)
    }
}

/// Words for an API error: the server's own message for 4xx (it is written for people), a reference for 5xx.
pub fn describe(status: u16, error: &ApiError) -> String {
    let reference = error
        .request_id
        .as_deref()
        .map(|id| format!(" (reference {})", id.get(..8).unwrap_or(id)))
        .unwrap_or_default();
    match (status, error.code.as_str()) {
        (409, "version_conflict") => {
            "Someone changed this in another window first. The latest version is shown; make your change again."
                .into()
        }
        (404, "not_found") => {
            "That was deleted in another window or on another device. What is shown now is what is saved.".into()
        }
        (429, _) => "Too many attempts. Wait a minute, then try again.".into(),
        // Each field's problem in words, so the sentence stands alone where a screen has no place for it (the
        // new-task line); forms show the same message next to the field as well.
        (422, _) if error.fields.as_ref().is_some_and(|f| !f.is_empty()) => {
            let problems: Vec<String> = error
                .fields
                .iter()
                .flatten()
                .map(|(field, message)| {
                    format!("{} {}", field_label(field), message.trim_end_matches('.'))
                })
                .collect();
            if problems.len() == 1 {
                format!("{}.", problems[0])
            } else {
                format!("{} fields need fixing: {}.", problems.len(), problems.join("; "))
            }
        }
        (500.., _) => format!("Something went wrong on our side. Please try again{reference}."),
        _ if !error.message.is_empty() => {
            let mut message = error.message.clone();
            if !message.ends_with('.') {
                message.push('.');
            }
            message
        }
        _ => format!("The request failed with status {status}{reference}."),
    }
}

/// A field path as people say it: `due_on` → "Due on", `recurrence.day` → "Day".
fn field_label(path: &str) -> String {
    // Field names are ASCII; `char::to_uppercase` would link Unicode's case tables (6 kB of the wasm).
    let mut label = path.rsplit('.').next().unwrap_or(path).replace('_', " ");
    if let Some(first) = label.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    label
}

/// A signed-in session as kept in localStorage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Session {
    pub access_token: String,
    pub refresh_token: String,
    /// When the access token expires, in ms since the epoch.
    pub expires_at: f64,
    pub email: String,
}

const SESSION_KEY: &str = "payday.session";
/// Refresh this long before the access token expires.
pub const REFRESH_MARGIN_MS: f64 = 60_000.0;

impl Session {
    fn from_tokens(tokens: TokenResponse, email: String) -> Session {
        Session {
            access_token: tokens.access_token,
            refresh_token: tokens.refresh_token,
            expires_at: now_ms() + tokens.expires_in as f64 * 1000.0,
            email,
        }
    }

    pub fn load() -> Option<Session> {
        let raw = storage()?.get_item(SESSION_KEY).ok()??;
        serde_json::from_str(&raw).ok()
    }

    pub fn save(session: Option<&Session>) {
        let Some(storage) = storage() else { return };
        match session.and_then(|s| serde_json::to_string(s).ok()) {
            Some(json) => storage.set_item(SESSION_KEY, &json).ok(),
            None => storage.remove_item(SESSION_KEY).ok(),
        };
    }

    pub fn needs_refresh(&self, now: f64) -> bool {
        self.expires_at - now < REFRESH_MARGIN_MS
    }
}

fn storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// How this deployment signs people in.
#[derive(Debug, Clone, PartialEq)]
pub enum AuthBackend {
    /// Payday's own accounts: `/api/v1/auth/{register,login,refresh,logout}`.
    Local { base: String },
    /// An Amazon Cognito user pool, called from the browser; the API verifies its access tokens.
    Cognito(cognito::Cognito),
}

/// What signing up led to.
#[derive(Debug, Clone, PartialEq)]
pub enum SignedUp {
    /// Signed in straight away (local accounts, or a pool that confirms users itself).
    In(Session),
    /// The e-mail address must be confirmed with the code sent to `destination` first.
    ConfirmEmail { destination: Option<String> },
}

impl AuthBackend {
    pub fn from_config(config: &RuntimeConfig) -> Result<AuthBackend, String> {
        match &config.auth {
            AuthConfig::Local => Ok(AuthBackend::Local {
                base: config.api_base_url.trim_end_matches('/').to_owned(),
            }),
            AuthConfig::Cognito {
                region,
                client_id,
                endpoint,
                ..
            } if !client_id.is_empty() && (!region.is_empty() || !endpoint.is_empty()) => Ok(
                AuthBackend::Cognito(cognito::Cognito::new(region, endpoint, client_id)),
            ),
            AuthConfig::Cognito { .. } => {
                Err("This Payday server's sign-in is not fully configured (Cognito client or region missing).".into())
            }
            AuthConfig::Unsupported => Err(
                "This Payday server uses a sign-in method this page does not support yet.".into(),
            ),
        }
    }

    /// Whether the sign-up form applies Payday's own password rules before sending (a user pool has its own).
    pub fn checks_passwords(&self) -> bool {
        matches!(self, AuthBackend::Local { .. })
    }

    /// The hint beside the new-password field.
    pub fn password_hint(&self) -> &'static str {
        match self {
            AuthBackend::Local { .. } => "(at least 8 characters)",
            AuthBackend::Cognito(_) => {
                "(long, with upper- and lower-case letters, a number and a symbol)"
            }
        }
    }

    pub async fn sign_up(
        &self,
        email: &str,
        password: &str,
        name: Option<String>,
    ) -> Result<SignedUp, UiError> {
        match self {
            AuthBackend::Local { base } => {
                let body = RegisterRequest {
                    email: email.to_owned(),
                    password: password.to_owned(),
                    name,
                };
                let _: serde_json::Value =
                    json(send(base, "POST", "/api/v1/auth/register", &body, None).await?)?;
                self.sign_in(email, password).await.map(SignedUp::In)
            }
            AuthBackend::Cognito(pool) => {
                let email = format::normalize_email(email);
                let answer = pool
                    .send(pool.sign_up(&email, password, name.as_deref()))
                    .await?;
                if answer["UserConfirmed"].as_bool() == Some(true) {
                    return self.sign_in(&email, password).await.map(SignedUp::In);
                }
                Ok(SignedUp::ConfirmEmail {
                    destination: cognito::destination(&answer),
                })
            }
        }
    }

    /// Confirms the e-mail address with the code sent to it (Cognito; local accounts need none).
    pub async fn confirm(&self, email: &str, code: &str) -> Result<(), UiError> {
        match self {
            AuthBackend::Local { .. } => Ok(()),
            AuthBackend::Cognito(pool) => {
                let email = format::normalize_email(email);
                match pool.send(pool.confirm_sign_up(&email, code.trim())).await {
                    // A retry after a confirmation whose sign-in failed: nothing left to confirm.
                    Err(e) if e.is(cognito::ALREADY_CONFIRMED) => Ok(()),
                    other => other.map(|_| ()),
                }
            }
        }
    }

    /// Sends a new confirmation code; where it went, when the pool says.
    pub async fn resend_code(&self, email: &str) -> Result<Option<String>, UiError> {
        match self {
            AuthBackend::Local { .. } => Ok(None),
            AuthBackend::Cognito(pool) => {
                let email = format::normalize_email(email);
                let answer = pool.send(pool.resend_code(&email)).await?;
                Ok(cognito::destination(&answer))
            }
        }
    }

    pub async fn sign_in(&self, email: &str, password: &str) -> Result<Session, UiError> {
        let normalized = format::normalize_email(email);
        match self {
            AuthBackend::Local { base } => {
                let body = LoginRequest {
                    email: email.to_owned(),
                    password: password.to_owned(),
                };
                let tokens: TokenResponse =
                    json(send(base, "POST", "/api/v1/auth/login", &body, None).await?)?;
                Ok(Session::from_tokens(tokens, normalized))
            }
            AuthBackend::Cognito(pool) => {
                let answer = pool.send(pool.password_auth(&normalized, password)).await?;
                cognito::session(&answer, &normalized, None, now_ms())
            }
        }
    }

    /// Trades the refresh token for new tokens. Local refresh tokens rotate (the old one stops working); Cognito's
    /// are kept until they expire or are revoked.
    pub async fn refresh(&self, session: &Session) -> Result<Session, UiError> {
        match self {
            AuthBackend::Local { base } => {
                let body = RefreshRequest {
                    refresh_token: session.refresh_token.clone(),
                };
                let tokens: TokenResponse =
                    json(send(base, "POST", "/api/v1/auth/refresh", &body, None).await?)?;
                Ok(Session::from_tokens(tokens, session.email.clone()))
            }
            AuthBackend::Cognito(pool) => {
                let answer = pool.send(pool.refresh_auth(&session.refresh_token)).await?;
                cognito::session(
                    &answer,
                    &session.email,
                    Some(&session.refresh_token),
                    now_ms(),
                )
            }
        }
    }

    /// Revokes the refresh token on the server; failures are ignored (the session is dropped locally anyway).
    pub async fn sign_out(&self, session: &Session) {
        match self {
            AuthBackend::Local { base } => {
                let body = RefreshRequest {
                    refresh_token: session.refresh_token.clone(),
                };
                let _ = send(base, "POST", "/api/v1/auth/logout", &body, None).await;
            }
            AuthBackend::Cognito(pool) => {
                let _ = pool.send(pool.revoke(&session.refresh_token)).await;
            }
        }
    }
}

type Refreshing = Shared<LocalBoxFuture<'static, Result<Session, UiError>>>;

/// The API client every page uses. `Copy` (its parts live in the reactive arena), so closures can capture it
/// freely; shared through context.
#[derive(Clone, Copy)]
pub struct Api {
    base: StoredValue<String>,
    auth: StoredValue<AuthBackend>,
    /// `None` when signed out. Saved to localStorage by [`Api::watch_session`].
    pub session: RwSignal<Option<Session>>,
    /// Set when the session ended on its own (refresh refused), to tell the user why they see the sign-in page.
    pub ended: RwSignal<Option<String>>,
    /// The refresh in flight, shared by every caller that needs it (a browser-only value, hence local storage).
    refreshing: StoredValue<Option<Refreshing>, LocalStorage>,
}

impl Api {
    pub fn new(config: &RuntimeConfig, auth: AuthBackend) -> Api {
        Api {
            base: StoredValue::new(config.api_base_url.trim_end_matches('/').to_owned()),
            auth: StoredValue::new(auth),
            session: RwSignal::new(Session::load()),
            ended: RwSignal::new(None),
            refreshing: StoredValue::new_local(None),
        }
    }

    /// Keeps localStorage in step with the session, follows sign-in/out in other tabs, and refreshes the access
    /// token shortly before it expires even when the page is idle.
    pub fn watch_session(&self) {
        let session = self.session;
        Effect::new(move |_| Session::save(session.get().as_ref()));
        let on_storage = wasm_bindgen::closure::Closure::<dyn Fn(web_sys::Event)>::new(move |_| {
            let stored = Session::load();
            if stored != session.get_untracked() {
                session.set(stored);
            }
        });
        window()
            .add_event_listener_with_callback("storage", on_storage.as_ref().unchecked_ref())
            .ok();
        on_storage.forget();
        let api = *self;
        Effect::new(move |_| {
            let Some(current) = session.get() else { return };
            let delay = (current.expires_at - REFRESH_MARGIN_MS - now_ms()).max(0.0) + 1000.0;
            set_timeout(
                move || {
                    spawn_local(async move {
                        let _ = api.token(None).await;
                    })
                },
                std::time::Duration::from_millis(delay.min(f64::from(i32::MAX)) as u64),
            );
        });
    }

    /// How this deployment signs people in.
    pub fn auth(&self) -> AuthBackend {
        self.auth.get_value()
    }

    /// A usable access token: refreshed first when it is about to expire, or when `rejected` (a token the server
    /// just refused with 401) is still the current one. Concurrent callers share one refresh, because each refresh
    /// token works only once.
    async fn token(&self, rejected: Option<&str>) -> Result<String, UiError> {
        // Another tab may have rotated the tokens already.
        let mut current = self.session.get_untracked();
        if let Some(stored) = Session::load()
            && current
                .as_ref()
                .is_some_and(|c| c.refresh_token != stored.refresh_token)
        {
            self.session.set(Some(stored.clone()));
            current = Some(stored);
        }
        let Some(current) = current else {
            return Err(signed_out());
        };
        let stale = rejected.is_some_and(|t| t == current.access_token);
        if !stale && !current.needs_refresh(now_ms()) {
            return Ok(current.access_token);
        }
        let pending = self.refreshing.get_value();
        let pending = match pending {
            Some(pending) => pending,
            None => {
                let auth = self.auth();
                let future: Refreshing = async move { auth.refresh(&current).await }
                    .boxed_local()
                    .shared();
                self.refreshing.set_value(Some(future.clone()));
                future
            }
        };
        let result = pending.await;
        self.refreshing.set_value(None);
        match result {
            Ok(fresh) => {
                if self.session.get_untracked().as_ref() != Some(&fresh) {
                    self.session.set(Some(fresh.clone()));
                }
                Ok(fresh.access_token)
            }
            Err(error)
                if error
                    .status()
                    .is_some_and(|s| s == 401 || s == 400 || s == 422) =>
            {
                self.end_session("Your session has ended. Please sign in again.");
                Err(error)
            }
            Err(error) => Err(error),
        }
    }

    /// Drops the session locally and says why.
    pub fn end_session(&self, why: &str) {
        self.ended.set(Some(why.to_owned()));
        self.session.set(None);
    }

    /// Signs out: revokes the refresh token, then forgets the session.
    pub async fn sign_out(&self) {
        if let Some(session) = self.session.get_untracked() {
            self.auth().sign_out(&session).await;
        }
        self.ended.set(None);
        self.session.set(None);
    }

    /// An authorised request with a JSON body; retried once with fresh tokens after a 401.
    pub async fn raw(
        &self,
        method: &str,
        path: &str,
        body: Option<String>,
    ) -> Result<(u16, String), UiError> {
        let url = format!("{}{path}", self.base.get_value());
        let token = self.token(None).await?;
        let (status, text) = fetch(method, &url, body.clone(), Some(&token)).await?;
        if status != 401 {
            return check(status, text);
        }
        let token = self.token(Some(&token)).await?;
        let (status, text) = fetch(method, &url, body, Some(&token)).await?;
        if status == 401 {
            self.end_session("Your session has ended. Please sign in again.");
        }
        check(status, text)
    }

    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, UiError> {
        json(self.raw("GET", path, None).await?)
    }

    pub async fn post<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, UiError> {
        json(self.raw("POST", path, Some(to_json(body))).await?)
    }

    pub async fn patch<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, UiError> {
        json(self.raw("PATCH", path, Some(to_json(body))).await?)
    }

    pub async fn put<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, UiError> {
        json(self.raw("PUT", path, Some(to_json(body))).await?)
    }

    pub async fn delete(&self, path: &str) -> Result<(), UiError> {
        self.raw("DELETE", path, None).await.map(|_| ())
    }
}

fn signed_out() -> UiError {
    UiError::Api {
        status: 401,
        error: ApiError {
            code: "unauthorized".into(),
            message: "Please sign in".into(),
            request_id: None,
            fields: None,
        },
    }
}

/// `body` as JSON text.
pub fn to_json<B: Serialize>(body: &B) -> String {
    serde_json::to_string(body).unwrap_or_default()
}

/// A response body as `T` (an empty body reads as `null`).
pub fn json<T: DeserializeOwned>((_, text): (u16, String)) -> Result<T, UiError> {
    let text = if text.is_empty() { "null" } else { &text };
    serde_json::from_str(text).map_err(|_| UiError::Decode)
}

/// 2xx passes; anything else becomes an [`UiError::Api`] decoded from the body.
fn check(status: u16, text: String) -> Result<(u16, String), UiError> {
    if (200..300).contains(&status) {
        return Ok((status, text));
    }
    let error = serde_json::from_str::<ApiError>(&text).unwrap_or_else(|_| ApiError {
        code: "http_error".into(),
        message: String::new(),
        request_id: None,
        fields: None,
    });
    Err(UiError::Api { status, error })
}

async fn send<B: Serialize>(
    base: &str,
    method: &str,
    path: &str,
    body: &B,
    token: Option<&str>,
) -> Result<(u16, String), UiError> {
    let (status, text) =
        fetch(method, &format!("{base}{path}"), Some(to_json(body)), token).await?;
    check(status, text)
}

/// One `fetch` to Payday's API: JSON body, bearer token; status and body text, or [`UiError::Network`].
pub async fn fetch(
    method: &str,
    url: &str,
    body: Option<String>,
    token: Option<&str>,
) -> Result<(u16, String), UiError> {
    let bearer = token.map(|token| format!("Bearer {token}"));
    let mut headers = vec![("accept", "application/json")];
    if body.is_some() {
        headers.push(("content-type", "application/json"));
    }
    if let Some(bearer) = &bearer {
        headers.push(("authorization", bearer));
    }
    request(method, url, body, &headers).await
}

/// One `fetch` with the given headers: status and body text, or [`UiError::Network`].
pub async fn request(
    method: &str,
    url: &str,
    body: Option<String>,
    headers: &[(&str, &str)],
) -> Result<(u16, String), UiError> {
    let init = web_sys::RequestInit::new();
    init.set_method(method);
    let set = web_sys::Headers::new().map_err(|_| UiError::Network)?;
    for (name, value) in headers {
        set.set(name, value).ok();
    }
    if let Some(body) = body {
        init.set_body(&JsValue::from_str(&body));
    }
    init.set_headers(&set);
    let request =
        web_sys::Request::new_with_str_and_init(url, &init).map_err(|_| UiError::Network)?;
    let response: web_sys::Response = JsFuture::from(window().fetch_with_request(&request))
        .await
        .map_err(|_| UiError::Network)?
        .dyn_into()
        .map_err(|_| UiError::Network)?;
    let text = JsFuture::from(response.text().map_err(|_| UiError::Network)?)
        .await
        .map_err(|_| UiError::Network)?
        .as_string()
        .unwrap_or_default();
    Ok((response.status(), text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn error(code: &str, message: &str, fields: &[(&str, &str)]) -> ApiError {
        ApiError {
            code: code.into(),
            message: message.into(),
            request_id: Some("0123456789abcdef".into()),
            fields: (!fields.is_empty()).then(|| {
                fields
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect::<BTreeMap<_, _>>()
            }),
        }
    }

    #[test]
    fn every_api_error_reads_as_a_sentence() {
        assert_eq!(
            describe(
                401,
                &error("invalid_credentials", "Wrong email or password", &[])
            ),
            "Wrong email or password."
        );
        assert!(describe(409, &error("version_conflict", "stale", &[])).contains("another window"));
        assert!(describe(429, &error("too_many_attempts", "x", &[])).starts_with("Too many"));
        let server = describe(500, &error("internal", "boom", &[]));
        assert!(
            server.contains("our side") && server.contains("01234567") && !server.contains("boom")
        );
        assert_eq!(
            describe(
                422,
                &error(
                    "validation_failed",
                    "x",
                    &[("title", "must be at most 200 characters")]
                )
            ),
            "Title must be at most 200 characters."
        );
        assert_eq!(
            describe(
                422,
                &error(
                    "validation_failed",
                    "x",
                    &[
                        ("due_on", "must be a date"),
                        ("recurrence.day", "must be 1–31")
                    ]
                )
            ),
            "2 fields need fixing: Due on must be a date; Day must be 1–31."
        );
        assert!(describe(404, &error("not_found", "", &[])).contains("deleted"));
        assert!(describe(404, &error("route_missing", "", &[])).contains("404"));
    }

    #[test]
    fn field_errors_are_found_by_name() {
        let e = UiError::Api {
            status: 422,
            error: error(
                "validation_failed",
                "x",
                &[("recurrence.day", "must be 1–31")],
            ),
        };
        assert_eq!(e.field("recurrence.day").as_deref(), Some("must be 1–31"));
        assert_eq!(e.field("name"), None);
        assert_eq!(UiError::Network.field("name"), None);
    }

    #[test]
    fn config_defaults_and_unknown_modes_are_understood() {
        let local: RuntimeConfig =
            serde_json::from_str::<RuntimeConfig>(r#"{"api_base_url":"","auth":{"mode":"local"}}"#)
                .unwrap();
        assert_eq!(local.auth, AuthConfig::Local);
        assert!(AuthBackend::from_config(&local).unwrap().checks_passwords());
        let future: RuntimeConfig = serde_json::from_str::<RuntimeConfig>(
            r#"{"api_base_url":"https://api.example.com","auth":{"mode":"saml"}}"#,
        )
        .unwrap();
        assert_eq!(future.auth, AuthConfig::Unsupported);
        assert!(AuthBackend::from_config(&future).is_err());
    }

    #[test]
    fn cognito_config_picks_the_cognito_backend() {
        let config: RuntimeConfig = serde_json::from_str::<RuntimeConfig>(
            r#"{"api_base_url":"","auth":{"mode":"cognito","region":"eu-west-1",
                "user_pool_id":"eu-west-1_abc","client_id":"c1","endpoint":"http://127.0.0.1:5000/"}}"#,
        )
        .unwrap();
        let AuthBackend::Cognito(pool) = AuthBackend::from_config(&config).unwrap() else {
            panic!("expected the Cognito backend");
        };
        assert_eq!(pool.endpoint, "http://127.0.0.1:5000/");
        assert_eq!(pool.client_id, "c1");
        let incomplete: RuntimeConfig = serde_json::from_str::<RuntimeConfig>(
            r#"{"auth":{"mode":"cognito","region":"eu-west-1","client_id":""}}"#,
        )
        .unwrap();
        assert!(AuthBackend::from_config(&incomplete).is_err());
    }

    #[test]
    fn a_session_refreshes_a_minute_before_expiry() {
        let s = Session {
            access_token: "a".into(),
            refresh_token: "r".into(),
            expires_at: 1_000_000.0,
            email: "e".into(),
        };
        assert!(!s.needs_refresh(1_000_000.0 - REFRESH_MARGIN_MS - 1.0));
        assert!(s.needs_refresh(1_000_000.0 - REFRESH_MARGIN_MS + 1.0));
    }
}
