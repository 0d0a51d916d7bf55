//! Sign-up, sign-in and session types for local sign-in (the app acting as its own identity provider).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{FieldErrors, validate};

pub const PASSWORD_MIN: usize = 8;
pub const PASSWORD_MAX: usize = 128;
pub const EMAIL_MAX: usize = 254;
pub const NAME_MAX: usize = 100;

/// `POST /api/v1/auth/register` body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    pub email: String,
    pub password: String,
    #[serde(default)]
    pub name: Option<String>,
}

/// A registration that passed validation: email normalised to lower case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAccount {
    pub email: String,
    pub password: String,
    pub name: Option<String>,
}

impl TryFrom<RegisterRequest> for NewAccount {
    type Error = FieldErrors;

    fn try_from(input: RegisterRequest) -> Result<Self, Self::Error> {
        NewAccount::check(input, str::to_lowercase)
    }
}

impl NewAccount {
    /// [`NewAccount::try_from`] with the lower-casing passed in. The web UI passes the browser's (the same Unicode
    /// mapping), so its wasm carries no case tables of its own.
    pub fn check(
        input: RegisterRequest,
        lower: impl Fn(&str) -> String,
    ) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let email = lower(input.email.trim());
        if let Err(message) = check_email(&email) {
            errors.add("email", message);
        }
        let length = input.password.chars().count();
        if length < PASSWORD_MIN {
            errors.add(
                "password",
                format!("must be at least {PASSWORD_MIN} characters"),
            );
        } else if length > PASSWORD_MAX {
            errors.add(
                "password",
                format!("must be at most {PASSWORD_MAX} characters"),
            );
        }
        let name = match input.name.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(name) => validate::text(&mut errors, "name", name, 1, NAME_MAX),
        };
        errors.into_result(NewAccount {
            email,
            password: input.password,
            name,
        })
    }
}

/// Lower-cases and trims an e-mail address so sign-in is case-insensitive.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

fn check_email(email: &str) -> Result<(), &'static str> {
    if email.is_empty() {
        return Err("must not be empty");
    }
    if email.chars().count() > EMAIL_MAX {
        return Err("must be at most 254 characters");
    }
    let valid = match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !email.chars().any(char::is_whitespace)
        }
        None => false,
    };
    if valid {
        Ok(())
    } else {
        Err("must be an e-mail address like name@example.com")
    }
}

/// `POST /api/v1/auth/login` body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

/// `POST /api/v1/auth/refresh` and `/logout` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

/// Tokens returned by login and refresh. The refresh token rotates: each one works once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenResponse {
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: u64,
    pub refresh_token: String,
}

/// The signed-in user (`GET /api/v1/me`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Me {
    /// The token's `sub`.
    pub id: Uuid,
    pub email: Option<String>,
    pub name: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn register(email: &str, password: &str) -> Result<NewAccount, FieldErrors> {
        NewAccount::try_from(RegisterRequest {
            email: email.into(),
            password: password.into(),
            name: None,
        })
    }

    #[test]
    fn register_normalises_email() {
        assert_eq!(
            register(" Ann@Example.COM ", "correct horse")
                .unwrap()
                .email,
            "ann@example.com"
        );
    }

    #[test]
    fn register_enforces_password_length_bounds() {
        assert!(
            register("a@b.co", "short")
                .unwrap_err()
                .get("password")
                .is_some()
        );
        assert!(
            register("a@b.co", &"x".repeat(129))
                .unwrap_err()
                .get("password")
                .is_some()
        );
        assert!(register("a@b.co", &"x".repeat(128)).is_ok());
    }

    #[test]
    fn register_rejects_malformed_email() {
        for bad in ["", "no-at", "a@b", "a@@b.co", "a b@c.co", "@b.co"] {
            assert!(
                register(bad, "long enough")
                    .unwrap_err()
                    .get("email")
                    .is_some(),
                "{bad}"
            );
        }
    }
}
