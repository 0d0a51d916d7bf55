//! Typed settings, loaded once in `main` and passed down (no globals, so every test builds its own).
//!
//! Every setting is a `PAYDAY_*` environment variable and a `--flag` of the `server` binary (a flag wins over
//! the variable, which wins over the default). Defaults run with zero setup. The README's configuration table
//! lists them all; keep the two in step.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context as _;
use clap::{Args, ValueEnum};

use crate::auth::TokenUse;
use secrecy::SecretString;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StoreKind {
    /// SQLite file in the data directory (default; crash-safe, no setup).
    Embedded,
    /// In-process only; everything is lost on exit. For tests and demos.
    Memory,
    /// Amazon DynamoDB (one table; region, credentials and `AWS_ENDPOINT_URL` from the standard AWS chain).
    Dynamodb,
    /// MongoDB (or a wire-compatible server) at `PAYDAY_MONGODB_URI`.
    Mongodb,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AuthMode {
    /// Payday issues and verifies its own tokens (sign-up/sign-in endpoints enabled).
    Local,
    /// An Amazon Cognito user pool signs users in; Payday verifies its tokens (see `PAYDAY_COGNITO_*`).
    Cognito,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Pretty,
    Json,
}

/// Where request and business metrics go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MetricsMode {
    /// CloudWatch Embedded Metric Format: one JSON line per metric record on stdout (deployed modes).
    Emf,
    /// A readable `tracing` event per record (local default).
    Log,
    /// No metrics.
    Off,
}

/// All runtime settings. Field docs become `--help` text.
#[derive(Debug, Clone, Args)]
pub struct Settings {
    /// Address to listen on.
    #[arg(long, env = "PAYDAY_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: SocketAddr,

    /// Where the embedded database and the local signing key live.
    #[arg(long, env = "PAYDAY_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,

    /// Storage backend.
    #[arg(long, env = "PAYDAY_STORE", value_enum, default_value = "embedded")]
    pub store: StoreKind,

    /// How users sign in.
    #[arg(long, env = "PAYDAY_AUTH", value_enum, default_value = "local")]
    pub auth: AuthMode,

    /// Log output: human-readable `pretty` or one JSON object per line.
    #[arg(long, env = "PAYDAY_LOG_FORMAT", value_enum, default_value = "pretty")]
    pub log_format: LogFormat,

    /// Log filter in `tracing` syntax, e.g. `info,backend=debug`.
    #[arg(long, env = "PAYDAY_LOG", default_value = "info")]
    pub log: String,

    /// Comma-separated origins allowed to call the API cross-origin, e.g. `https://app.example,http://localhost:8080`
    /// (spaces around commas are ignored; anything that is not an origin stops start-up). Empty (default) = CORS
    /// off.
    #[arg(long, env = "PAYDAY_CORS_ORIGINS", value_delimiter = ',', value_parser = parse_origin)]
    pub cors_origins: Vec<String>,

    /// Seconds a request may take before it is answered with 503 (at least 1).
    #[arg(long, env = "PAYDAY_REQUEST_TIMEOUT_SECS", default_value_t = 10,
        value_parser = clap::value_parser!(u64).range(1..))]
    pub request_timeout_secs: u64,

    /// Seconds in-flight requests get to finish after SIGTERM/SIGINT.
    #[arg(long, env = "PAYDAY_SHUTDOWN_GRACE_SECS", default_value_t = 20)]
    pub shutdown_grace_secs: u64,

    /// Lifetime of local access tokens in seconds (1 to 86400, a day).
    #[arg(long, env = "PAYDAY_ACCESS_TOKEN_TTL_SECS", default_value_t = 900,
        value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub access_token_ttl_secs: u64,

    /// Lifetime of local refresh tokens in days (1 to 3650).
    #[arg(long, env = "PAYDAY_REFRESH_TOKEN_TTL_DAYS", default_value_t = 30,
        value_parser = clap::value_parser!(u64).range(1..=3650))]
    pub refresh_token_ttl_days: u64,

    /// `iss` of locally issued tokens. Defaults to `http://<addr>`.
    #[arg(long, env = "PAYDAY_ISSUER")]
    pub issuer: Option<String>,

    /// Directory of the built web UI to serve at `/` (with SPA fallback). Unset = API only.
    #[arg(long, env = "PAYDAY_STATIC_DIR")]
    pub static_dir: Option<PathBuf>,

    /// Take the client address from `X-Forwarded-For` (only behind trusted proxies that append to it, e.g. an
    /// ALB): the address the farthest trusted proxy saw, `--trusted-proxy-hops` entries from the right.
    #[arg(long, env = "PAYDAY_TRUST_FORWARDED_FOR", default_value_t = false)]
    pub trust_forwarded_for: bool,

    /// How many trusted proxies append to `X-Forwarded-For` in front of the server (with
    /// `--trust-forwarded-for`): 1 for an ALB alone, 2 for CloudFront in front of an ALB. Entries left of those
    /// come from the client and are ignored.
    #[arg(long, env = "PAYDAY_TRUSTED_PROXY_HOPS", default_value_t = 1,
        value_parser = clap::value_parser!(u8).range(1..))]
    pub trusted_proxy_hops: u8,

    /// DynamoDB table name (with `--store dynamodb`).
    #[arg(long, env = "PAYDAY_DYNAMODB_TABLE", default_value = "payday")]
    pub dynamodb_table: String,

    /// MongoDB connection string (with `--store mongodb`). A secret: it may hold a password; never logged.
    #[arg(long, env = "PAYDAY_MONGODB_URI", value_parser = parse_secret, hide_env_values = true)]
    pub mongodb_uri: Option<SecretString>,

    /// MongoDB database name (with `--store mongodb`).
    #[arg(long, env = "PAYDAY_MONGODB_DATABASE", default_value = "payday")]
    pub mongodb_database: String,

    /// AWS region of the Cognito user pool (with `--auth cognito`).
    #[arg(long, env = "PAYDAY_COGNITO_REGION")]
    pub cognito_region: Option<String>,

    /// Cognito user pool id, e.g. `eu-west-1_AbCdEf123`.
    #[arg(long, env = "PAYDAY_COGNITO_USER_POOL_ID")]
    pub cognito_user_pool_id: Option<String>,

    /// Cognito app client id the tokens must be issued to.
    #[arg(long, env = "PAYDAY_COGNITO_CLIENT_ID")]
    pub cognito_client_id: Option<String>,

    /// Which Cognito token the API accepts: `access` (checks `client_id`) or `id` (checks `aud`).
    #[arg(
        long,
        env = "PAYDAY_COGNITO_TOKEN_USE",
        value_enum,
        default_value = "access"
    )]
    pub cognito_token_use: TokenUse,

    /// Expected `iss`; default `https://cognito-idp.<region>.amazonaws.com/<pool id>`.
    #[arg(long, env = "PAYDAY_COGNITO_ISSUER")]
    pub cognito_issuer: Option<String>,

    /// Where the pool's keys are; default `<issuer>/.well-known/jwks.json`. Emulators serve it elsewhere.
    #[arg(long, env = "PAYDAY_COGNITO_JWKS_URL")]
    pub cognito_jwks_url: Option<String>,

    /// Cognito API endpoint the web UI signs in against; default `https://cognito-idp.<region>.amazonaws.com/`.
    /// Emulators (moto) serve it elsewhere.
    #[arg(long, env = "PAYDAY_COGNITO_ENDPOINT")]
    pub cognito_endpoint: Option<String>,

    /// Metrics output: `emf` (CloudWatch Embedded Metric Format on stdout), `log`, or `off`.
    #[arg(long, env = "PAYDAY_METRICS", value_enum, default_value = "log")]
    pub metrics: MetricsMode,

    /// The metrics' `Service` dimension; deployments name the stage in it (`payday-api-dev`), so stages sharing
    /// an account and region keep apart.
    #[arg(long, env = "PAYDAY_METRICS_SERVICE", default_value = crate::metrics::SERVICE)]
    pub metrics_service: String,
}

impl Settings {
    /// Defaults with the data directory set: what tests and tools start from.
    pub fn local(data_dir: impl Into<PathBuf>) -> Self {
        Settings {
            addr: SocketAddr::from(([127, 0, 0, 1], 3000)),
            data_dir: data_dir.into(),
            store: StoreKind::Embedded,
            auth: AuthMode::Local,
            log_format: LogFormat::Pretty,
            log: "info".into(),
            cors_origins: Vec::new(),
            request_timeout_secs: 10,
            shutdown_grace_secs: 20,
            access_token_ttl_secs: 900,
            refresh_token_ttl_days: 30,
            issuer: None,
            static_dir: None,
            trust_forwarded_for: false,
            trusted_proxy_hops: 1,
            dynamodb_table: "payday".into(),
            mongodb_uri: None,
            mongodb_database: "payday".into(),
            cognito_region: None,
            cognito_user_pool_id: None,
            cognito_client_id: None,
            cognito_token_use: TokenUse::Access,
            cognito_issuer: None,
            cognito_jwks_url: None,
            cognito_endpoint: None,
            metrics: MetricsMode::Log,
            metrics_service: crate::metrics::SERVICE.into(),
        }
    }

    pub fn request_timeout(&self) -> Duration {
        Duration::from_secs(self.request_timeout_secs)
    }

    pub fn shutdown_grace(&self) -> Duration {
        Duration::from_secs(self.shutdown_grace_secs)
    }

    /// The allowed CORS origins (trimmed, empty entries dropped), or a message naming the first one that is not
    /// an origin. Checked when the state is built, so settings made in code fail at start-up like flags do.
    pub fn cors_allowed_origins(&self) -> anyhow::Result<Vec<axum::http::HeaderValue>> {
        self.cors_origins
            .iter()
            .map(|origin| origin.trim())
            .filter(|origin| !origin.is_empty())
            .map(|origin| {
                check_origin(origin)
                    .map_err(|message| anyhow::anyhow!("PAYDAY_CORS_ORIGINS: {message}"))
            })
            .collect()
    }

    /// The `iss` claim of locally issued tokens.
    pub fn local_issuer(&self) -> String {
        self.issuer
            .clone()
            .unwrap_or_else(|| format!("http://{}", self.addr))
    }
}

/// Clap value parser for one CORS origin: trimmed, and refused with a message unless it is an origin.
fn parse_origin(value: &str) -> Result<String, String> {
    let value = value.trim();
    if !value.is_empty() {
        check_origin(value)?;
    }
    Ok(value.to_owned())
}

/// An origin is `scheme://host[:port]`, exactly as browsers send it in `Origin`: http or https, no path, no
/// trailing slash, no wildcard.
fn check_origin(origin: &str) -> Result<axum::http::HeaderValue, String> {
    let explain = |why: &str| {
        format!(
            "{origin:?} is not a CORS origin ({why}); write it like https://app.example or http://localhost:8080"
        )
    };
    let uri: axum::http::Uri = origin.parse().map_err(|_| explain("not a URL"))?;
    let scheme = uri.scheme_str().unwrap_or("");
    if scheme != "http" && scheme != "https" {
        return Err(explain("it needs http:// or https://"));
    }
    let authority = uri.authority().ok_or_else(|| explain("it has no host"))?;
    if authority.as_str().contains('@') || authority.host().is_empty() {
        return Err(explain("it has no plain host"));
    }
    if origin != format!("{scheme}://{authority}") {
        return Err(explain("an origin has no path, query or trailing slash"));
    }
    origin.parse().map_err(|_| explain("not a header value"))
}

/// Clap value parser for secrets: the value goes straight into a [`SecretString`] (redacted in `Debug`).
fn parse_secret(value: &str) -> Result<SecretString, std::convert::Infallible> {
    Ok(SecretString::from(value))
}

/// Resolved Cognito settings: what the verifier and the UI need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cognito {
    pub region: String,
    pub user_pool_id: String,
    pub client_id: String,
    pub token_use: TokenUse,
    pub issuer: String,
    pub jwks_url: String,
    /// The Cognito JSON API the browser calls (`InitiateAuth`, `SignUp`, ...).
    pub endpoint: String,
}

impl Settings {
    /// The Cognito settings, with issuer and JWKS URL derived unless overridden. Errors name what is missing.
    pub fn cognito(&self) -> anyhow::Result<Cognito> {
        let region = self
            .cognito_region
            .clone()
            .context("PAYDAY_COGNITO_REGION is required with PAYDAY_AUTH=cognito")?;
        let user_pool_id = self
            .cognito_user_pool_id
            .clone()
            .context("PAYDAY_COGNITO_USER_POOL_ID is required with PAYDAY_AUTH=cognito")?;
        let client_id = self
            .cognito_client_id
            .clone()
            .context("PAYDAY_COGNITO_CLIENT_ID is required with PAYDAY_AUTH=cognito")?;
        let issuer = self.cognito_issuer.clone().unwrap_or_else(|| {
            format!("https://cognito-idp.{region}.amazonaws.com/{user_pool_id}")
        });
        let jwks_url = self
            .cognito_jwks_url
            .clone()
            .unwrap_or_else(|| format!("{issuer}/.well-known/jwks.json"));
        let endpoint = self
            .cognito_endpoint
            .clone()
            .unwrap_or_else(|| format!("https://cognito-idp.{region}.amazonaws.com/"));
        Ok(Cognito {
            region,
            user_pool_id,
            client_id,
            token_use: self.cognito_token_use,
            issuer,
            jwks_url,
            endpoint,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cors_origins_are_trimmed_and_anything_else_is_refused() {
        let mut settings = Settings::local("data");
        settings.cors_origins = vec![
            "http://app.example".into(),
            " https://b.example:8443 ".into(),
            "".into(),
        ];
        let origins = settings.cors_allowed_origins().unwrap();
        assert_eq!(origins, ["http://app.example", "https://b.example:8443"]);
        for bad in [
            "app.example",
            "https://app.example/",
            "https://app.example/path",
            "*",
            "ftp://app.example",
            "https://user@app.example",
            "not an origin",
        ] {
            settings.cors_origins = vec![bad.into()];
            let error = settings.cors_allowed_origins().unwrap_err().to_string();
            assert!(error.contains("is not a CORS origin"), "{bad}: {error}");
        }
    }

    #[test]
    fn zero_timeouts_and_out_of_range_lifetimes_are_refused() {
        #[derive(clap::Parser)]
        struct Cli {
            #[command(flatten)]
            settings: Settings,
        }
        use clap::Parser as _;
        for flag in [
            "--request-timeout-secs",
            "--access-token-ttl-secs",
            "--refresh-token-ttl-days",
        ] {
            assert!(
                Cli::try_parse_from(["server", flag, "0"]).is_err(),
                "{flag} 0"
            );
            let one = Cli::try_parse_from(["server", flag, "1"]);
            assert!(one.is_ok(), "{flag} 1");
        }
        // Lifetimes so long that `iat + ttl` would overflow are refused too.
        for (flag, too_long) in [
            ("--access-token-ttl-secs", "86401"),
            ("--access-token-ttl-secs", "9223372036854775807"),
            ("--refresh-token-ttl-days", "3651"),
        ] {
            let parsed = Cli::try_parse_from(["server", flag, too_long]);
            assert!(parsed.is_err(), "{flag} {too_long}");
        }
    }

    #[test]
    fn cognito_issuer_and_jwks_are_derived_and_overridable() {
        let mut settings = Settings::local("data");
        assert!(
            settings
                .cognito()
                .unwrap_err()
                .to_string()
                .contains("PAYDAY_COGNITO_REGION")
        );
        settings.cognito_region = Some("eu-west-1".into());
        settings.cognito_user_pool_id = Some("eu-west-1_abc".into());
        settings.cognito_client_id = Some("client".into());
        let cognito = settings.cognito().unwrap();
        assert_eq!(
            cognito.issuer,
            "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc"
        );
        assert_eq!(
            cognito.jwks_url,
            "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc/.well-known/jwks.json"
        );
        settings.cognito_jwks_url =
            Some("http://127.0.0.1:5000/eu-west-1_abc/.well-known/jwks.json".into());
        assert_eq!(
            settings.cognito().unwrap().jwks_url,
            "http://127.0.0.1:5000/eu-west-1_abc/.well-known/jwks.json"
        );
        assert_eq!(
            cognito.endpoint,
            "https://cognito-idp.eu-west-1.amazonaws.com/"
        );
        settings.cognito_endpoint = Some("http://127.0.0.1:5000/".into());
        assert_eq!(
            settings.cognito().unwrap().endpoint,
            "http://127.0.0.1:5000/"
        );
    }
}
