//! Budget settings: the user's currency, time zone and (optionally) current balance.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{MAX_AMOUNT, currency};
use crate::{FieldErrors, Money, validate};

/// Longest time-zone name accepted; IANA names are far shorter.
pub const TIME_ZONE_MAX: usize = 64;

/// A user's budget settings as the API returns them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Settings {
    /// ISO 4217 code, upper case (`USD`). All amounts are minor units of it.
    pub currency: String,
    /// IANA time zone name (`America/Chicago`); "today" is computed in it.
    pub time_zone: String,
    /// The account balance now, in minor units (may be negative). Enables the projected balance.
    pub current_balance: Option<Money>,
    pub updated_at: DateTime<Utc>,
    /// Optimistic-concurrency version; 0 until the settings are first saved.
    pub version: u64,
}

impl Settings {
    /// What a user who never saved settings sees: USD, UTC, no balance, version 0.
    pub fn initial(now: DateTime<Utc>) -> Settings {
        Settings {
            currency: "USD".to_owned(),
            time_zone: "UTC".to_owned(),
            current_balance: None,
            updated_at: now,
            version: 0,
        }
    }
}

/// `PATCH /api/v1/settings` body; `current_balance: null` clears the balance.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateSettings {
    /// ISO 4217 code; surrounding spaces and lower case are accepted and normalised.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// Checked here only for length; the server checks it is a real IANA name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    #[serde(
        default,
        deserialize_with = "validate::nullable",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub current_balance: Option<Option<Money>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<u64>,
}

impl UpdateSettings {
    /// Merges the patch into `current`, validating what it touches. Keeps `version` (the store bumps it).
    pub fn apply(&self, current: &Settings, now: DateTime<Utc>) -> Result<Settings, FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut next = current.clone();
        if let Some(code) = &self.currency {
            let code = code.trim().to_ascii_uppercase();
            if currency::is_currency(&code) {
                next.currency = code;
            } else {
                errors.add("currency", "must be an ISO 4217 currency code such as USD");
            }
        }
        if let Some(zone) = &self.time_zone
            && let Some(zone) = validate::text(&mut errors, "time_zone", zone, 1, TIME_ZONE_MAX)
        {
            next.time_zone = zone;
        }
        if let Some(balance) = self.current_balance {
            if balance.is_some_and(|b| b.unsigned_abs() > MAX_AMOUNT.unsigned_abs()) {
                errors.add(
                    "current_balance",
                    format!("must be between -{MAX_AMOUNT} and {MAX_AMOUNT}"),
                );
            }
            next.current_balance = balance;
        }
        next.updated_at = now;
        errors.into_result(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2025-11-21T10:00:00Z")
            .unwrap()
            .to_utc()
    }

    #[test]
    fn patch_normalises_currency_and_sets_a_negative_balance() {
        let patch: UpdateSettings = serde_json::from_str(
            r#"{"currency":" eur ","time_zone":"Europe/Paris","current_balance":-500}"#,
        )
        .unwrap();
        let next = patch.apply(&Settings::initial(now()), now()).unwrap();
        assert_eq!(next.currency, "EUR");
        assert_eq!(next.time_zone, "Europe/Paris");
        assert_eq!(next.current_balance, Some(-500));
        assert_eq!(next.version, 0);
    }

    #[test]
    fn patch_rejects_unknown_currency_blank_zone_and_huge_balance() {
        let patch: UpdateSettings = serde_json::from_str(
            r#"{"currency":"ABC","time_zone":" ","current_balance":1000000000001}"#,
        )
        .unwrap();
        let e = patch.apply(&Settings::initial(now()), now()).unwrap_err();
        assert!(e.get("currency").is_some());
        assert_eq!(e.get("time_zone"), Some("must not be empty"));
        assert!(e.get("current_balance").is_some());
    }

    #[test]
    fn patch_null_balance_clears_it_and_absent_keeps_it() {
        let mut settings = Settings::initial(now());
        settings.current_balance = Some(10);
        let keep: UpdateSettings = serde_json::from_str("{}").unwrap();
        assert_eq!(
            keep.apply(&settings, now()).unwrap().current_balance,
            Some(10)
        );
        let clear: UpdateSettings = serde_json::from_str(r#"{"current_balance":null}"#).unwrap();
        assert_eq!(clear.apply(&settings, now()).unwrap().current_balance, None);
        assert!(serde_json::from_str::<UpdateSettings>(r#"{"locale":"en"}"#).is_err());
    }
}
