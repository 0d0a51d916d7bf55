//! Token verification and local sign-in.
//!
//! Every request's bearer token goes through [`Verifier`], which checks it the way aws-jwt-verify does:
//! asymmetric algorithms only, key chosen by `kid` from a JWKS, the key's type consistent with the algorithm,
//! `exp`/`nbf`, exact `iss`, `token_use`, and the client id. In local mode the JWKS is Payday's own
//! ([`local::LocalIssuer`]); the Cognito mode points the same verifier at the user pool's JWKS.
//!
//! Dependency rule: no HTTP types here; `http::extract` turns [`AuthError`] into 401s.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use jsonwebtoken::{Algorithm, DecodingKey, Validation, jwk::JwkSet};
use serde::Deserialize;
use uuid::Uuid;

use crate::store::UserId;

pub mod local;

/// Why a token was refused. The message is safe to show the client.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    #[error("missing bearer token")]
    Missing,
    #[error("invalid token: {0}")]
    Invalid(&'static str),
    #[error("token expired")]
    Expired,
    /// A local sign-in with an unknown e-mail or the wrong password (not a token problem: worded for people).
    #[error("wrong e-mail or password")]
    WrongCredentials,
    /// The identity provider's keys could not be fetched: not the caller's fault (503).
    #[error("signing keys unavailable")]
    KeysUnavailable,
    /// The token belongs to an account deleted after it was issued.
    #[error("this account was deleted")]
    AccountDeleted,
}

/// Which kind of Cognito token the API accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TokenUse {
    Access,
    Id,
}

impl TokenUse {
    fn as_str(self) -> &'static str {
        match self {
            TokenUse::Access => "access",
            TokenUse::Id => "id",
        }
    }
}

/// The claims Payday reads. Types are checked by serde: a number where a string belongs is a refusal.
#[derive(Debug, Clone, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub iss: String,
    pub exp: i64,
    #[serde(default)]
    pub nbf: Option<i64>,
    #[serde(default)]
    pub iat: Option<i64>,
    pub token_use: String,
    #[serde(default)]
    pub client_id: Option<String>,
    #[serde(default)]
    pub aud: Option<Audience>,
    #[serde(default)]
    pub email: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Audience {
    One(String),
    Many(Vec<String>),
}

impl Audience {
    fn contains(&self, value: &str) -> bool {
        match self {
            Audience::One(aud) => aud == value,
            Audience::Many(list) => list.iter().any(|aud| aud == value),
        }
    }
}

/// A verified caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub user_id: UserId,
    pub email: Option<String>,
}

struct VerificationKey {
    algorithm: Algorithm,
    key: DecodingKey,
}

/// Verifies bearer tokens against a key set: a fixed one (local mode) or a remote JWKS (Cognito), cached and
/// refetched when a token names an unknown `kid` — at most once per [`JWKS_REFETCH_INTERVAL`], so a flood of
/// forged `kid`s cannot turn into a flood of requests to the identity provider.
pub struct Verifier {
    keys: RwLock<Arc<HashMap<String, VerificationKey>>>,
    /// Tokens already verified, so a client's repeated requests don't pay for the signature check again.
    verified: VerifiedTokens,
    /// Accounts deleted while this process runs, with when: tokens issued up to then are refused.
    deleted: DeletedAccounts,
    remote: Option<RemoteJwks>,
    issuer: String,
    client_id: String,
    token_use: TokenUse,
}

/// The shortest time between two JWKS downloads.
pub const JWKS_REFETCH_INTERVAL: Duration = Duration::from_secs(10);

/// How many verified tokens are remembered (about 1 KiB each), and for how long at most. An entry never outlives
/// its token's `exp` (checked on every hit), so the cache can only skip work, never accept a token the full
/// check would refuse at that moment. A key removed from the JWKS stops being trusted after at most
/// [`VERIFIED_TOKEN_TTL`].
pub const VERIFIED_TOKEN_CAPACITY: u64 = 1024;
pub const VERIFIED_TOKEN_TTL: Duration = Duration::from_secs(60);

/// A token that passed the full check and is not cached yet; [`Verifier::remember`] caches it.
#[derive(Debug, Clone)]
pub struct VerifiedToken {
    pub principal: Principal,
    /// The token's `exp` (seconds since the Unix epoch).
    expires_at: i64,
    /// The token's `iat` (or `nbf`; `i64::MIN` if it has neither), compared with account deletions.
    issued_at: i64,
}

/// What [`Verifier::verify_token`] found.
#[derive(Debug)]
pub enum Verification {
    /// Verified recently (answered from the cache).
    Known(Principal),
    /// Verified now; the caller may confirm more (e.g. that the account exists) before [`Verifier::remember`].
    New(VerifiedToken),
}

/// How long a deletion is remembered: longer than any access token lives (Cognito allows at most one day;
/// local tokens live `PAYDAY_ACCESS_TOKEN_TTL_SECS`), so every token issued before it expires first.
pub const DELETED_ACCOUNT_MEMORY: Duration = Duration::from_secs(24 * 60 * 60 + 60);

/// Deleted accounts and the second they were deleted, bounded and expiring after [`DELETED_ACCOUNT_MEMORY`].
/// Checked on every request, cached or not: a hash lookup.
struct DeletedAccounts(moka::sync::Cache<UserId, i64>);

impl DeletedAccounts {
    fn new() -> Self {
        DeletedAccounts(
            moka::sync::Cache::builder()
                .max_capacity(100_000)
                .time_to_live(DELETED_ACCOUNT_MEMORY)
                .build(),
        )
    }

    fn check(&self, user: UserId, issued_at: i64) -> Result<(), AuthError> {
        match self.0.get(&user) {
            Some(deleted_at) if issued_at <= deleted_at => Err(AuthError::AccountDeleted),
            _ => Ok(()),
        }
    }
}

/// A small bounded cache from the exact token string to what verifying it produced.
struct VerifiedTokens(moka::sync::Cache<String, VerifiedToken>);

impl VerifiedTokens {
    fn new() -> Self {
        VerifiedTokens(
            moka::sync::Cache::builder()
                .max_capacity(VERIFIED_TOKEN_CAPACITY)
                .time_to_live(VERIFIED_TOKEN_TTL)
                .build(),
        )
    }

    /// `None` when the token has not been verified recently; `Some(Err(Expired))` once it has expired.
    fn get(&self, token: &str) -> Option<Result<VerifiedToken, AuthError>> {
        let hit = self.0.get(token)?;
        if unix_now() >= hit.expires_at {
            self.0.invalidate(token);
            return Some(Err(AuthError::Expired));
        }
        Some(Ok(hit))
    }

    fn insert(&self, token: &str, verified: VerifiedToken) {
        self.0.insert(token.to_owned(), verified);
    }
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since| since.as_secs() as i64)
}

struct RemoteJwks {
    url: String,
    client: reqwest::Client,
    /// When the last download was attempted; the lock also makes concurrent misses wait for one download.
    last_fetch: tokio::sync::Mutex<Option<Instant>>,
    min_interval: Duration,
}

impl RemoteJwks {
    async fn fetch(&self) -> Result<JwkSet, AuthError> {
        let response = self.client.get(&self.url).send().await.map_err(|error| {
            tracing::warn!(error = %error, url = %self.url, "JWKS download failed");
            AuthError::KeysUnavailable
        })?;
        if !response.status().is_success() {
            tracing::warn!(status = response.status().as_u16(), url = %self.url, "JWKS download refused");
            return Err(AuthError::KeysUnavailable);
        }
        response.json::<JwkSet>().await.map_err(|error| {
            tracing::warn!(error = %error, url = %self.url, "JWKS is not a key set");
            AuthError::KeysUnavailable
        })
    }
}

const ASYMMETRIC: &[Algorithm] = &[
    Algorithm::RS256,
    Algorithm::RS384,
    Algorithm::RS512,
    Algorithm::PS256,
    Algorithm::PS384,
    Algorithm::PS512,
    Algorithm::ES256,
    Algorithm::ES384,
];

/// Reads the usable keys of a JWKS: each needs a `kid`, an `alg` we accept, a `kty` matching that `alg`, and
/// `use` absent or `sig`. Anything else is skipped.
fn keys_from_jwks(jwks: &JwkSet) -> HashMap<String, VerificationKey> {
    use jsonwebtoken::jwk::{AlgorithmParameters, KeyAlgorithm, PublicKeyUse};
    let mut keys = HashMap::new();
    for jwk in &jwks.keys {
        let Some(kid) = jwk.common.key_id.clone() else {
            continue;
        };
        if matches!(&jwk.common.public_key_use, Some(usage) if *usage != PublicKeyUse::Signature) {
            continue;
        }
        let algorithm = match (&jwk.algorithm, jwk.common.key_algorithm) {
            (AlgorithmParameters::RSA(_), Some(KeyAlgorithm::RS256) | None) => Algorithm::RS256,
            (AlgorithmParameters::RSA(_), Some(KeyAlgorithm::RS384)) => Algorithm::RS384,
            (AlgorithmParameters::RSA(_), Some(KeyAlgorithm::RS512)) => Algorithm::RS512,
            (AlgorithmParameters::EllipticCurve(_), Some(KeyAlgorithm::ES256) | None) => {
                Algorithm::ES256
            }
            (AlgorithmParameters::EllipticCurve(_), Some(KeyAlgorithm::ES384)) => Algorithm::ES384,
            _ => continue,
        };
        let Ok(key) = DecodingKey::from_jwk(jwk) else {
            continue;
        };
        keys.insert(kid, VerificationKey { algorithm, key });
    }
    keys
}

impl Verifier {
    /// A verifier over a fixed key set (local mode: Payday's own JWKS).
    pub fn new(jwks: &JwkSet, issuer: String, client_id: String, token_use: TokenUse) -> Self {
        Verifier {
            keys: RwLock::new(Arc::new(keys_from_jwks(jwks))),
            verified: VerifiedTokens::new(),
            deleted: DeletedAccounts::new(),
            remote: None,
            issuer,
            client_id,
            token_use,
        }
    }

    /// A verifier over a remote JWKS (Cognito). Keys are downloaded on first use, not at start-up, so a cold
    /// start never waits on the identity provider.
    pub fn remote(
        jwks_url: String,
        issuer: String,
        client_id: String,
        token_use: TokenUse,
    ) -> Self {
        Self::remote_with_interval(
            jwks_url,
            issuer,
            client_id,
            token_use,
            JWKS_REFETCH_INTERVAL,
        )
    }

    pub fn remote_with_interval(
        jwks_url: String,
        issuer: String,
        client_id: String,
        token_use: TokenUse,
        min_interval: Duration,
    ) -> Self {
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(2))
            .timeout(Duration::from_secs(4))
            .build()
            .expect("HTTP client builds");
        Verifier {
            keys: RwLock::new(Arc::new(HashMap::new())),
            verified: VerifiedTokens::new(),
            deleted: DeletedAccounts::new(),
            remote: Some(RemoteJwks {
                url: jwks_url,
                client,
                last_fetch: tokio::sync::Mutex::new(None),
                min_interval,
            }),
            issuer,
            client_id,
            token_use,
        }
    }

    fn current_keys(&self) -> Arc<HashMap<String, VerificationKey>> {
        self.keys.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Refreshes the remote key set if allowed by the rate limit. Returns whether a download happened.
    async fn refresh(&self, kid: &str) -> Result<bool, AuthError> {
        let Some(remote) = &self.remote else {
            return Ok(false);
        };
        let mut last = remote.last_fetch.lock().await;
        // Another request may have refreshed while this one waited for the lock.
        if self.current_keys().contains_key(kid) {
            return Ok(true);
        }
        if last.is_some_and(|at| at.elapsed() < remote.min_interval) {
            return Ok(false);
        }
        *last = Some(Instant::now());
        let jwks = remote.fetch().await?;
        *self.keys.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(keys_from_jwks(&jwks));
        Ok(true)
    }

    /// Checks `token` and returns who it belongs to.
    pub async fn verify(&self, token: &str) -> Result<Principal, AuthError> {
        match self.verify_token(token).await? {
            Verification::Known(principal) => Ok(principal),
            Verification::New(verified) => Ok(self.remember(token, verified)),
        }
    }

    /// Refuses every token of `user` issued up to `deleted_at` (Unix seconds) from now on, cached or not.
    pub fn account_deleted(&self, user: UserId, deleted_at: i64) {
        self.deleted.0.insert(user, deleted_at);
    }

    /// Caches a token that [`Verifier::verify_token`] found new, once the caller is satisfied with it.
    pub fn remember(&self, token: &str, verified: VerifiedToken) -> Principal {
        let principal = verified.principal.clone();
        self.verified.insert(token, verified);
        principal
    }

    /// Checks `token` like [`Verifier::verify`] but leaves caching a newly verified one to the caller.
    pub async fn verify_token(&self, token: &str) -> Result<Verification, AuthError> {
        if let Some(known) = self.verified.get(token) {
            let known = known?;
            self.deleted
                .check(known.principal.user_id, known.issued_at)?;
            return Ok(Verification::Known(known.principal));
        }
        // The header is read only for `alg` and `kid`; `jku`, `jwk` and `x5u` are never followed.
        let header = jsonwebtoken::decode_header(token)
            .map_err(|_| AuthError::Invalid("malformed token"))?;
        if !ASYMMETRIC.contains(&header.alg) {
            return Err(AuthError::Invalid("algorithm not allowed"));
        }
        let kid = header
            .kid
            .as_deref()
            .ok_or(AuthError::Invalid("token has no kid"))?;
        let mut keys = self.current_keys();
        if !keys.contains_key(kid) && self.refresh(kid).await? {
            keys = self.current_keys();
        }
        let key = keys
            .get(kid)
            .ok_or(AuthError::Invalid("unknown signing key"))?;
        if key.algorithm != header.alg {
            return Err(AuthError::Invalid("algorithm does not match the key"));
        }
        let verified = self.check(token, key)?;
        self.deleted
            .check(verified.principal.user_id, verified.issued_at)?;
        Ok(Verification::New(verified))
    }

    /// The full check; returns the caller and the token's `exp` and `iat`.
    fn check(&self, token: &str, key: &VerificationKey) -> Result<VerifiedToken, AuthError> {
        let mut validation = Validation::new(key.algorithm);
        validation.leeway = 0;
        validation.validate_nbf = true;
        validation.validate_aud = false; // checked below, per token_use
        validation.set_issuer(&[&self.issuer]);
        validation.set_required_spec_claims(&["exp", "iss", "sub"]);
        let data =
            jsonwebtoken::decode::<Claims>(token, &key.key, &validation).map_err(|error| {
                use jsonwebtoken::errors::ErrorKind;
                match error.kind() {
                    ErrorKind::ExpiredSignature => AuthError::Expired,
                    ErrorKind::ImmatureSignature => AuthError::Invalid("token not valid yet"),
                    ErrorKind::InvalidIssuer => AuthError::Invalid("wrong issuer"),
                    ErrorKind::InvalidSignature => AuthError::Invalid("bad signature"),
                    _ => AuthError::Invalid("malformed claims"),
                }
            })?;
        let claims = data.claims;
        if claims.token_use != self.token_use.as_str() {
            return Err(AuthError::Invalid("wrong token_use"));
        }
        let client_ok = match self.token_use {
            TokenUse::Access => claims.client_id.as_deref() == Some(self.client_id.as_str()),
            TokenUse::Id => claims
                .aud
                .as_ref()
                .is_some_and(|aud| aud.contains(&self.client_id)),
        };
        if !client_ok {
            return Err(AuthError::Invalid("wrong client"));
        }
        let user_id = Uuid::parse_str(&claims.sub)
            .map_err(|_| AuthError::Invalid("subject is not a user id"))?;
        Ok(VerifiedToken {
            principal: Principal {
                user_id: UserId(user_id),
                email: claims.email,
            },
            expires_at: claims.exp,
            issued_at: claims.iat.or(claims.nbf).unwrap_or(i64::MIN),
        })
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use chrono::Utc;

    use super::local::{LOCAL_CLIENT_ID, LocalIssuer};
    use super::*;

    fn local_verifier(ttl: Duration) -> (LocalIssuer, Verifier) {
        let issuer = LocalIssuer::ephemeral("http://local".into(), ttl).unwrap();
        let verifier = Verifier::new(
            issuer.jwks(),
            "http://local".into(),
            LOCAL_CLIENT_ID.into(),
            TokenUse::Access,
        );
        (issuer, verifier)
    }

    fn forget_keys(verifier: &Verifier) {
        *verifier.keys.write().unwrap() = Arc::new(HashMap::new());
    }

    #[tokio::test]
    async fn a_verified_token_is_answered_from_the_cache_and_others_are_not() {
        let (issuer, verifier) = local_verifier(Duration::from_secs(60));
        let user = UserId(Uuid::new_v4());
        let token = issuer.issue_access_token(user, Utc::now()).unwrap();
        assert_eq!(verifier.verify(&token).await.unwrap().user_id, user);
        // Without keys only a cache hit can succeed.
        forget_keys(&verifier);
        assert_eq!(verifier.verify(&token).await.unwrap().user_id, user);
        let other = issuer
            .issue_access_token(UserId(Uuid::new_v4()), Utc::now())
            .unwrap();
        assert_eq!(
            verifier.verify(&other).await,
            Err(AuthError::Invalid("unknown signing key"))
        );
        // A token that differs in one character is a different key, checked in full.
        let mut tampered = token.clone();
        let last = tampered.pop().unwrap();
        tampered.push(if last == 'A' { 'B' } else { 'A' });
        assert!(verifier.verify(&tampered).await.is_err());
    }

    #[tokio::test]
    async fn a_cached_token_still_expires_at_its_exp() {
        let (issuer, verifier) = local_verifier(Duration::from_secs(1));
        let user = UserId(Uuid::new_v4());
        let token = issuer.issue_access_token(user, Utc::now()).unwrap();
        assert!(verifier.verify(&token).await.is_ok());
        tokio::time::sleep(Duration::from_millis(2100)).await;
        assert_eq!(verifier.verify(&token).await, Err(AuthError::Expired));
    }

    #[tokio::test]
    async fn tokens_issued_before_an_account_was_deleted_are_refused_cached_or_not() {
        let (issuer, verifier) = local_verifier(Duration::from_secs(60));
        let user = UserId(Uuid::new_v4());
        let cached = issuer.issue_access_token(user, Utc::now()).unwrap();
        let uncached = issuer
            .issue_access_token(user, Utc::now() - chrono::Duration::seconds(5))
            .unwrap();
        assert!(verifier.verify(&cached).await.is_ok());
        verifier.account_deleted(user, unix_now());
        assert_eq!(
            verifier.verify(&cached).await,
            Err(AuthError::AccountDeleted)
        );
        assert_eq!(
            verifier.verify(&uncached).await,
            Err(AuthError::AccountDeleted)
        );
        // A token issued after the deletion (Cognito: the same person signing in again) is accepted.
        let returning = UserId(Uuid::new_v4());
        verifier.account_deleted(returning, unix_now() - 10);
        let later = issuer.issue_access_token(returning, Utc::now()).unwrap();
        assert_eq!(verifier.verify(&later).await.unwrap().user_id, returning);
    }

    #[tokio::test]
    async fn refused_tokens_are_not_cached() {
        let (issuer, verifier) = local_verifier(Duration::from_secs(60));
        let token = issuer
            .issue_access_token(UserId(Uuid::new_v4()), Utc::now())
            .unwrap();
        let (_, stranger) = local_verifier(Duration::from_secs(60));
        // Signed by another key with the same kid format: refused, and refused again (nothing cached).
        for _ in 0..2 {
            assert!(stranger.verify(&token).await.is_err());
        }
        assert!(verifier.verify(&token).await.is_ok());
    }
}
