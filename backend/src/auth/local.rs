//! Local sign-in: Payday as its own identity provider when no Cognito is configured.
//!
//! Issues ES256 access tokens with Cognito-shaped claims, signed by a P-256 key generated on first run and
//! kept in the data directory (never in the repo); publishes the public half as a JWKS; hashes passwords with
//! argon2id; creates rotating refresh tokens stored only as SHA-256 hashes; throttles failed sign-ins.

use std::collections::HashMap;
use std::net::IpAddr;
use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use argon2::{Argon2, PasswordHash, PasswordHasher, PasswordVerifier, password_hash::SaltString};
use base64::Engine as _;
use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, EncodingKey, Header, jwk::JwkSet};
use p256::ecdsa::SigningKey;
use p256::pkcs8::{DecodePrivateKey, EncodePrivateKey, LineEnding};
use rand::RngCore;
use serde::Serialize;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::store::UserId;

/// The client id local tokens carry (`client_id` claim).
pub const LOCAL_CLIENT_ID: &str = "payday-local";
const KEY_FILE: &str = "signing-key.pem";

#[derive(Serialize)]
struct AccessClaims<'a> {
    iss: &'a str,
    sub: String,
    client_id: &'a str,
    token_use: &'static str,
    scope: &'static str,
    iat: i64,
    nbf: i64,
    exp: i64,
    jti: String,
    auth_time: i64,
}

/// Signs local access tokens and serves the matching JWKS.
pub struct LocalIssuer {
    encoding_key: EncodingKey,
    kid: String,
    jwks: JwkSet,
    issuer: String,
    ttl: Duration,
}

impl LocalIssuer {
    /// Loads the signing key from `data_dir`, generating and saving one (mode 0600) on first run.
    pub fn load_or_create(data_dir: &Path, issuer: String, ttl: Duration) -> anyhow::Result<Self> {
        let path = data_dir.join(KEY_FILE);
        let key = if path.exists() {
            let pem = std::fs::read_to_string(&path)
                .with_context(|| format!("reading {}", path.display()))?;
            SigningKey::from_pkcs8_pem(&pem)
                .with_context(|| format!("{} is not a P-256 PKCS#8 key", path.display()))?
        } else {
            std::fs::create_dir_all(data_dir)
                .with_context(|| format!("creating {}", data_dir.display()))?;
            let key = SigningKey::random(&mut rand::rngs::OsRng);
            let pem = key
                .to_pkcs8_pem(LineEnding::LF)
                .context("encoding signing key")?;
            write_private(&path, pem.as_bytes())
                .with_context(|| format!("writing {}", path.display()))?;
            key
        };
        Self::from_key(&key, issuer, ttl)
    }

    /// An issuer with a fresh key that is never saved (memory store, tests).
    pub fn ephemeral(issuer: String, ttl: Duration) -> anyhow::Result<Self> {
        Self::from_key(&SigningKey::random(&mut rand::rngs::OsRng), issuer, ttl)
    }

    fn from_key(key: &SigningKey, issuer: String, ttl: Duration) -> anyhow::Result<Self> {
        let pem = key
            .to_pkcs8_pem(LineEnding::LF)
            .context("encoding signing key")?;
        let encoding_key =
            EncodingKey::from_ec_pem(pem.as_bytes()).context("loading signing key")?;
        let point = key.verifying_key().to_encoded_point(false);
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let (x, y) = (
            b64.encode(point.x().context("key x")?),
            b64.encode(point.y().context("key y")?),
        );
        // The kid is a thumbprint-like digest of the public key, so it changes whenever the key does.
        let kid = b64.encode(&Sha256::digest(format!("{x}.{y}").as_bytes())[..12]);
        let jwks: JwkSet = serde_json::from_value(serde_json::json!({
            "keys": [{ "kty": "EC", "crv": "P-256", "x": x, "y": y, "kid": kid, "alg": "ES256", "use": "sig" }]
        }))
        .context("building JWKS")?;
        Ok(LocalIssuer {
            encoding_key,
            kid,
            jwks,
            issuer,
            ttl,
        })
    }

    pub fn jwks(&self) -> &JwkSet {
        &self.jwks
    }

    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    /// Signs an access token for `user`, valid from `now` for the configured lifetime.
    pub fn issue_access_token(&self, user: UserId, now: DateTime<Utc>) -> anyhow::Result<String> {
        let iat = now.timestamp();
        let claims = AccessClaims {
            iss: &self.issuer,
            sub: user.to_string(),
            client_id: LOCAL_CLIENT_ID,
            token_use: "access",
            scope: "payday/api",
            iat,
            nbf: iat,
            exp: iat + self.ttl.as_secs() as i64,
            jti: Uuid::new_v4().to_string(),
            auth_time: iat,
        };
        let mut header = Header::new(Algorithm::ES256);
        header.kid = Some(self.kid.clone());
        jsonwebtoken::encode(&header, &claims, &self.encoding_key).context("signing access token")
    }
}

#[cfg(unix)]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    use std::os::unix::fs::OpenOptionsExt as _;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

#[cfg(not(unix))]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, bytes)
}

/// argon2id with the crate's defaults (m = 19 MiB, t = 2, p = 1; OWASP's recommended floor).
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| anyhow::anyhow!("hashing password: {e}"))
}

/// Constant-work check; a malformed stored hash counts as a mismatch.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A new opaque refresh token and the hash that is stored for it.
pub fn new_refresh_token() -> (String, String) {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let hash = hash_refresh_token(&token);
    (token, hash)
}

pub fn hash_refresh_token(token: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(token.as_bytes()))
}

/// Counts failed sign-ins per (account, client address) and per client address in a sliding window; past a
/// limit, further attempts from that address are refused until the window ends. There is deliberately no limit
/// per account alone: anyone could then lock the owner out by failing on purpose from elsewhere. Guessing one
/// password from many addresses stays slow (argon2id, and each address gets few tries). In memory: per process,
/// which is enough to blunt guessing.
pub struct LoginThrottle {
    window: Duration,
    per_account: u32,
    per_address: u32,
    failures: Mutex<HashMap<String, (Instant, u32)>>,
}

const THROTTLE_MAX_KEYS: usize = 100_000;

impl Default for LoginThrottle {
    fn default() -> Self {
        LoginThrottle::new(Duration::from_secs(15 * 60), 5, 20)
    }
}

impl LoginThrottle {
    pub fn new(window: Duration, per_account: u32, per_address: u32) -> Self {
        LoginThrottle {
            window,
            per_account,
            per_address,
            failures: Mutex::new(HashMap::new()),
        }
    }

    fn keys(email: &str, address: Option<IpAddr>) -> [(String, bool); 2] {
        let address = address.map_or_else(|| "unknown".into(), |a| a.to_string());
        [
            (Self::account_key(email, &address), true),
            (format!("address:{address}"), false),
        ]
    }

    fn account_key(email: &str, address: &str) -> String {
        format!("account:{email} from:{address}")
    }

    /// `Err(wait)` when this address must wait before trying again, for this account or for any.
    pub fn check(
        &self,
        email: &str,
        address: Option<IpAddr>,
        now: Instant,
    ) -> Result<(), Duration> {
        let failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let mut wait = Duration::ZERO;
        for (key, is_account) in Self::keys(email, address) {
            let limit = if is_account {
                self.per_account
            } else {
                self.per_address
            };
            if let Some((started, count)) = failures.get(&key)
                && *count >= limit
                && now.duration_since(*started) < self.window
            {
                wait = wait.max(self.window - now.duration_since(*started));
            }
        }
        if wait.is_zero() { Ok(()) } else { Err(wait) }
    }

    pub fn record_failure(&self, email: &str, address: Option<IpAddr>, now: Instant) {
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if failures.len() >= THROTTLE_MAX_KEYS {
            let window = self.window;
            failures.retain(|_, (started, _)| now.duration_since(*started) < window);
        }
        for (key, _) in Self::keys(email, address) {
            let entry = failures.entry(key).or_insert((now, 0));
            if now.duration_since(entry.0) >= self.window {
                *entry = (now, 0);
            }
            entry.1 += 1;
        }
    }

    /// Forgets this address's failures for this account (not its failures across accounts).
    pub fn record_success(&self, email: &str, address: Option<IpAddr>) {
        let [(key, _), _] = Self::keys(email, address);
        self.failures
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttle_blocks_after_limit_and_releases_after_window() {
        let throttle = LoginThrottle::new(Duration::from_secs(60), 3, 100);
        let start = Instant::now();
        for _ in 0..3 {
            assert!(throttle.check("a@b.co", None, start).is_ok());
            throttle.record_failure("a@b.co", None, start);
        }
        let wait = throttle
            .check("a@b.co", None, start + Duration::from_secs(10))
            .unwrap_err();
        assert_eq!(wait, Duration::from_secs(50));
        assert!(throttle.check("other@b.co", None, start).is_ok());
        assert!(
            throttle
                .check("a@b.co", None, start + Duration::from_secs(61))
                .is_ok()
        );
    }

    #[test]
    fn failures_from_one_address_do_not_block_the_account_elsewhere() {
        let throttle = LoginThrottle::new(Duration::from_secs(60), 3, 100);
        let (attacker, owner) = (
            Some(IpAddr::from([198, 51, 100, 1])),
            Some(IpAddr::from([203, 0, 113, 1])),
        );
        let start = Instant::now();
        for _ in 0..10 {
            throttle.record_failure("a@b.co", attacker, start);
        }
        assert!(throttle.check("a@b.co", attacker, start).is_err());
        assert!(throttle.check("a@b.co", owner, start).is_ok());
    }

    #[test]
    fn password_hash_round_trips_and_rejects_wrong_password() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("wrong horse battery", &hash));
        assert!(!verify_password("anything", "not a hash"));
    }

    #[tokio::test]
    async fn issued_tokens_verify_through_the_jwks() {
        let issuer =
            LocalIssuer::ephemeral("http://local".into(), Duration::from_secs(60)).unwrap();
        let verifier = super::super::Verifier::new(
            issuer.jwks(),
            "http://local".into(),
            LOCAL_CLIENT_ID.into(),
            super::super::TokenUse::Access,
        );
        let user = UserId(Uuid::new_v4());
        let token = issuer.issue_access_token(user, Utc::now()).unwrap();
        assert_eq!(verifier.verify(&token).await.unwrap().user_id, user);
    }

    #[test]
    fn signing_key_persists_across_loads() {
        let dir = tempfile::tempdir().unwrap();
        let a =
            LocalIssuer::load_or_create(dir.path(), "i".into(), Duration::from_secs(60)).unwrap();
        let b =
            LocalIssuer::load_or_create(dir.path(), "i".into(), Duration::from_secs(60)).unwrap();
        assert_eq!(a.kid, b.kid);
    }
}
