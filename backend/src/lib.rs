//! Payday's backend as a library: [`app`] builds the whole HTTP API as one axum `Router`, which the `server`
//! binary serves (container, local) and the tests drive directly.
//!
//! Layers and their dependency rule: `http` (axum handlers, extractors, errors) → `auth` and `store` traits →
//! `shared` types. Nothing below `http` knows about HTTP; `store` backends are chosen only in `store::connect`.

use std::sync::Arc;

use anyhow::Context as _;
use chrono::{DateTime, SubsecRound, Utc};

pub mod auth;
pub mod config;
pub mod http;
pub mod metrics;
pub mod store;
pub mod telemetry;

pub use http::app;

use auth::local::{LOCAL_CLIENT_ID, LocalIssuer, LoginThrottle};
use auth::{TokenUse, Verifier};
use config::{AuthMode, Settings, StoreKind};
use metrics::Metrics;
use store::Store;

/// Everything a request handler needs, cheap to clone.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<StateInner>,
}

struct StateInner {
    settings: Settings,
    store: Arc<dyn Store>,
    verifier: Verifier,
    local: Option<LocalIssuer>,
    throttle: LoginThrottle,
    metrics: Metrics,
}

impl AppState {
    /// Builds state from settings: connects the store and sets up sign-in. Used by every entry point.
    pub async fn build(settings: &Settings) -> anyhow::Result<Self> {
        let store = store::connect(settings)
            .await
            .context("connecting to the store")?;
        Self::with_store(settings, store)
    }

    /// Builds state around an existing store (tests use this to share one store between app instances).
    pub fn with_store(settings: &Settings, store: Arc<dyn Store>) -> anyhow::Result<Self> {
        settings.cors_allowed_origins()?;
        let (verifier, local) = match settings.auth {
            AuthMode::Local => {
                let ttl = std::time::Duration::from_secs(settings.access_token_ttl_secs);
                let issuer = match settings.store {
                    StoreKind::Memory => LocalIssuer::ephemeral(settings.local_issuer(), ttl)?,
                    StoreKind::Embedded | StoreKind::Dynamodb | StoreKind::Mongodb => {
                        LocalIssuer::load_or_create(
                            &settings.data_dir,
                            settings.local_issuer(),
                            ttl,
                        )
                        .context("loading the local signing key")?
                    }
                };
                let verifier = Verifier::new(
                    issuer.jwks(),
                    issuer.issuer().to_owned(),
                    LOCAL_CLIENT_ID.to_owned(),
                    TokenUse::Access,
                );
                (verifier, Some(issuer))
            }
            AuthMode::Cognito => {
                let cognito = settings.cognito()?;
                tracing::info!(issuer = %cognito.issuer, jwks = %cognito.jwks_url, "verifying Cognito tokens");
                let verifier = Verifier::remote(
                    cognito.jwks_url,
                    cognito.issuer,
                    cognito.client_id,
                    cognito.token_use,
                );
                (verifier, None)
            }
        };
        Ok(AppState {
            inner: Arc::new(StateInner {
                settings: settings.clone(),
                store,
                verifier,
                local,
                throttle: LoginThrottle::default(),
                metrics: Metrics::new(settings.metrics, &settings.metrics_service),
            }),
        })
    }

    pub fn settings(&self) -> &Settings {
        &self.inner.settings
    }

    pub fn store(&self) -> &dyn Store {
        self.inner.store.as_ref()
    }

    pub fn verifier(&self) -> &Verifier {
        &self.inner.verifier
    }

    /// The local identity provider, when `PAYDAY_AUTH=local`.
    pub fn local_issuer(&self) -> Option<&LocalIssuer> {
        self.inner.local.as_ref()
    }

    pub fn throttle(&self) -> &LoginThrottle {
        &self.inner.throttle
    }

    /// Request and business metrics (`state.metrics().count(Event::SignIn)`).
    pub fn metrics(&self) -> &Metrics {
        &self.inner.metrics
    }
}

/// The current time at the precision every store keeps (microseconds), so records round-trip unchanged.
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}
