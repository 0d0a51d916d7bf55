//! Local sign-in endpoints (`/api/v1/auth/*`) and the JWKS at `/.well-known/jwks.json`.
//!
//! Only active in `PAYDAY_AUTH=local`; otherwise they answer 404 and the identity provider (Cognito) does the
//! job. Refresh tokens rotate: each works once, and presenting a spent one revokes that whole sign-in.

use std::time::Instant;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use chrono::Duration;
use shared::auth::{
    LoginRequest, Me, NewAccount, RefreshRequest, RegisterRequest, TokenResponse, normalize_email,
};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::error::AppError;
use super::extract::{AppJson, ClientAddr};
use crate::auth::local::{
    LocalIssuer, hash_password, hash_refresh_token, new_refresh_token, verify_password,
};
use crate::metrics::Event;
use crate::store::{RefreshToken, RefreshUse, StoreError, User, UserId};
use crate::{AppState, now};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(auth_register))
        .routes(routes!(auth_login))
        .routes(routes!(auth_refresh))
        .routes(routes!(auth_logout))
        .routes(routes!(jwks))
}

fn local(state: &AppState) -> Result<&LocalIssuer, AppError> {
    state.local_issuer().ok_or(AppError::NotFound)
}

/// Responses carrying tokens or account details must not be kept by browsers or proxies.
const NO_STORE: [(axum::http::HeaderName, &str); 1] =
    [(axum::http::header::CACHE_CONTROL, "no-store")];

/// A hash that never matches, verified when the e-mail is unknown so both paths cost the same.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$WcZ7qTYXoVGbAJz0dqh0C7nqW7ZaYbaAzGL0SG0WhBs";

/// Create a local account.
#[utoipa::path(post, path = "/api/v1/auth/register", tag = "auth", request_body = RegisterRequest,
    responses((status = 201, body = Me), (status = 409, body = shared::ApiError), (status = 422, body = shared::ApiError)))]
pub async fn auth_register(
    State(state): State<AppState>,
    AppJson(input): AppJson<RegisterRequest>,
) -> Result<impl IntoResponse, AppError> {
    local(&state)?;
    let account = NewAccount::try_from(input)?;
    let password = account.password;
    let password_hash = tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| AppError::Internal(e.into()))??;
    let user = User {
        id: UserId(Uuid::new_v4()),
        email: account.email,
        name: account.name,
        password_hash,
        created_at: now(),
    };
    match state.store().create_user(&user).await {
        Ok(()) => {}
        Err(StoreError::Conflict) => {
            return Err(AppError::Conflict(
                "An account with this e-mail already exists; sign in instead.",
            ));
        }
        Err(error) => return Err(error.into()),
    }
    tracing::info!(user_id = %user.id, "account registered");
    state.metrics().count(Event::SignUp);
    Ok((StatusCode::CREATED, NO_STORE, axum::Json(me(&user))))
}

pub(crate) fn me(user: &User) -> Me {
    Me {
        id: user.id.0,
        email: Some(user.email.clone()),
        name: user.name.clone(),
        created_at: Some(user.created_at),
    }
}

async fn issue_tokens(
    state: &AppState,
    user: UserId,
    family: Uuid,
) -> Result<TokenResponse, AppError> {
    let issuer = local(state)?;
    let at = now();
    let access_token = issuer.issue_access_token(user, at)?;
    let (refresh_token, hash) = new_refresh_token();
    let expires_at = at + Duration::days(state.settings().refresh_token_ttl_days as i64);
    state
        .store()
        .put_refresh_token(&RefreshToken {
            hash,
            owner: user,
            family,
            expires_at,
            used: false,
        })
        .await?;
    Ok(TokenResponse {
        access_token,
        token_type: "Bearer".into(),
        expires_in: issuer.ttl().as_secs(),
        refresh_token,
    })
}

/// Sign in with e-mail and password. Repeated failures from one address (for one account, or across accounts)
/// answer 429.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = TokenResponse), (status = 401, body = shared::ApiError), (status = 429, body = shared::ApiError)))]
pub async fn auth_login(
    State(state): State<AppState>,
    ClientAddr(address): ClientAddr,
    AppJson(input): AppJson<LoginRequest>,
) -> Result<impl IntoResponse, AppError> {
    local(&state)?;
    let email = normalize_email(&input.email);
    state
        .throttle()
        .check(&email, address, Instant::now())
        .map_err(|retry_after| AppError::TooManyRequests { retry_after })?;
    let user = state.store().user_by_email(&email).await?;
    let hash = user
        .as_ref()
        .map_or(DUMMY_HASH, |u| u.password_hash.as_str())
        .to_owned();
    let password = input.password;
    let matches = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    let Some(user) = user.filter(|_| matches) else {
        state
            .throttle()
            .record_failure(&email, address, Instant::now());
        return Err(AppError::Unauthorized(
            crate::auth::AuthError::WrongCredentials,
        ));
    };
    state.throttle().record_success(&email, address);
    tracing::info!(user_id = %user.id, "signed in");
    let tokens = issue_tokens(&state, user.id, Uuid::new_v4()).await?;
    state.metrics().count(Event::SignIn);
    Ok((NO_STORE, axum::Json(tokens)))
}

/// Trade a refresh token for new tokens. The old refresh token stops working.
#[utoipa::path(post, path = "/api/v1/auth/refresh", tag = "auth", request_body = RefreshRequest,
    responses((status = 200, body = TokenResponse), (status = 401, body = shared::ApiError)))]
pub async fn auth_refresh(
    State(state): State<AppState>,
    AppJson(input): AppJson<RefreshRequest>,
) -> Result<impl IntoResponse, AppError> {
    local(&state)?;
    let hash = hash_refresh_token(&input.refresh_token);
    match state.store().use_refresh_token(&hash, now()).await? {
        RefreshUse::Fresh(token) => {
            // Deleting an account deletes its refresh tokens; this also holds if one outlived it.
            if state.store().user_by_id(token.owner).await?.is_none() {
                state
                    .store()
                    .revoke_refresh_family(token.owner, token.family)
                    .await?;
                return Err(AppError::Unauthorized(
                    crate::auth::AuthError::AccountDeleted,
                ));
            }
            Ok((
                NO_STORE,
                axum::Json(issue_tokens(&state, token.owner, token.family).await?),
            ))
        }
        RefreshUse::Reused(token) => {
            tracing::warn!(user_id = %token.owner, "refresh token reused; revoking the session");
            state
                .store()
                .revoke_refresh_family(token.owner, token.family)
                .await?;
            Err(AppError::Unauthorized(crate::auth::AuthError::Invalid(
                "refresh token already used",
            )))
        }
        RefreshUse::Invalid => Err(AppError::Unauthorized(crate::auth::AuthError::Invalid(
            "unknown or expired refresh token",
        ))),
    }
}

/// Sign out: revokes the refresh token (and every rotation of it). 204 whether or not the token was valid, so the
/// answer says nothing about it; a body that is not a refresh request is refused like any other (415, 400, 422).
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", request_body = RefreshRequest,
    responses((status = 204), (status = 415), (status = 400, body = shared::ApiError),
        (status = 422, body = shared::ApiError)))]
pub async fn auth_logout(
    State(state): State<AppState>,
    AppJson(input): AppJson<RefreshRequest>,
) -> Result<StatusCode, AppError> {
    local(&state)?;
    let hash = hash_refresh_token(&input.refresh_token);
    if let RefreshUse::Fresh(token) | RefreshUse::Reused(token) =
        state.store().use_refresh_token(&hash, now()).await?
    {
        state
            .store()
            .revoke_refresh_family(token.owner, token.family)
            .await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

/// The public keys local access tokens are signed with.
#[utoipa::path(get, path = "/.well-known/jwks.json", tag = "auth",
    responses((status = 200, description = "JSON Web Key Set")))]
pub async fn jwks(State(state): State<AppState>) -> Result<impl IntoResponse, AppError> {
    let issuer = local(&state)?;
    Ok((
        [(axum::http::header::CACHE_CONTROL, "public, max-age=300")],
        axum::Json(issuer.jwks().clone()),
    ))
}
