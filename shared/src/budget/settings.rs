//! Budget settings: the user's currency, time zone and (optionally) current balance.

use chrono::{DateTime, NaiveDate, Utc};
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
    /// The account balance on `balance_on`, in minor units (may be negative). Enables the projected balance and
    /// safe-to-spend.
    pub current_balance: Option<Money>,
    /// The day the user stated `current_balance` (the balance at the start of that day, before anything dated
    /// that day). Set to the user's today when the balance changes without a date; `None` with no balance, and
    /// in records saved before balances had dates (the engine then reads the balance as today's).
    #[serde(default)]
    pub balance_on: Option<NaiveDate>,
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
            balance_on: None,
            updated_at: now,
            version: 0,
        }
    }
}

/// `PATCH /api/v1/settings` body; `current_balance: null` clears the balance (and its date).
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
    /// The day the balance was that much (`YYYY-MM-DD`, not after today). Absent: today when `current_balance`
    /// changes, else the stored date is kept. Needs a balance (in this patch or stored).
    #[serde(
        default,
        deserialize_with = "validate::optional_date",
        skip_serializing_if = "Option::is_none"
    )]
    pub balance_on: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<u64>,
}

impl UpdateSettings {
    /// Merges the patch into `current`, validating what it touches. Keeps `version` (the store bumps it).
    ///
    /// `today` is the user's today (in the time zone the patch leaves in place): a balance that changes without a
    /// `balance_on` is dated today, and `balance_on` may not be later than today.
    pub fn apply(
        &self,
        current: &Settings,
        now: DateTime<Utc>,
        today: NaiveDate,
    ) -> Result<Settings, FieldErrors> {
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
            if balance != current.current_balance {
                next.balance_on = balance.map(|_| today);
            }
            next.current_balance = balance;
        }
        if let Some(on) = self.balance_on {
            if next.current_balance.is_none() {
                errors.add("balance_on", "needs a current_balance");
            } else if on > today {
                errors.add("balance_on", format!("must not be after today ({today})"));
            } else {
                next.balance_on = Some(on);
            }
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

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 11, 21).unwrap()
    }

    #[test]
    fn patch_normalises_currency_and_sets_a_negative_balance() {
        let patch: UpdateSettings = serde_json::from_str(
            r#"{"currency":" eur ","time_zone":"Europe/Paris","current_balance":-500}"#,
        )
        .unwrap();
        let next = patch
            .apply(&Settings::initial(now()), now(), today())
            .unwrap();
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
        let e = patch
            .apply(&Settings::initial(now()), now(), today())
            .unwrap_err();
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
            keep.apply(&settings, now(), today())
                .unwrap()
                .current_balance,
            Some(10)
        );
        let clear: UpdateSettings = serde_json::from_str(r#"{"current_balance":null}"#).unwrap();
        assert_eq!(
            clear
                .apply(&settings, now(), today())
                .unwrap()
                .current_balance,
            None
        );
        assert!(serde_json::from_str::<UpdateSettings>(r#"{"locale":"en"}"#).is_err());
    }

    #[test]
    fn a_balance_changed_without_a_date_is_dated_today_and_an_unchanged_one_keeps_its_date() {
        let mut settings = Settings::initial(now());
        settings.current_balance = Some(10);
        settings.balance_on = NaiveDate::from_ymd_opt(2025, 11, 1);
        let same: UpdateSettings = serde_json::from_str(r#"{"current_balance":10}"#).unwrap();
        assert_eq!(
            same.apply(&settings, now(), today()).unwrap().balance_on,
            NaiveDate::from_ymd_opt(2025, 11, 1)
        );
        let changed: UpdateSettings = serde_json::from_str(r#"{"current_balance":20}"#).unwrap();
        assert_eq!(
            changed.apply(&settings, now(), today()).unwrap().balance_on,
            Some(today())
        );
        let cleared: UpdateSettings = serde_json::from_str(r#"{"current_balance":null}"#).unwrap();
        assert_eq!(
            cleared.apply(&settings, now(), today()).unwrap().balance_on,
            None
        );
    }

    #[test]
    fn a_balance_date_is_accepted_up_to_today_and_needs_a_balance() {
        let dated: UpdateSettings =
            serde_json::from_str(r#"{"current_balance":82000,"balance_on":"2025-11-04"}"#).unwrap();
        let next = dated
            .apply(&Settings::initial(now()), now(), today())
            .unwrap();
        assert_eq!(
            (next.current_balance, next.balance_on),
            (Some(82000), NaiveDate::from_ymd_opt(2025, 11, 4))
        );
        let future: UpdateSettings =
            serde_json::from_str(r#"{"current_balance":1,"balance_on":"2025-11-22"}"#).unwrap();
        let e = future
            .apply(&Settings::initial(now()), now(), today())
            .unwrap_err();
        assert_eq!(
            e.get("balance_on"),
            Some("must not be after today (2025-11-21)")
        );
        let alone: UpdateSettings = serde_json::from_str(r#"{"balance_on":"2025-11-04"}"#).unwrap();
        let e = alone
            .apply(&Settings::initial(now()), now(), today())
            .unwrap_err();
        assert_eq!(e.get("balance_on"), Some("needs a current_balance"));
        assert!(serde_json::from_str::<UpdateSettings>(r#"{"balance_on":"2025-02-30"}"#).is_err());
    }

    #[test]
    fn settings_saved_before_balances_had_dates_still_read() {
        let old = r#"{"currency":"USD","time_zone":"UTC","current_balance":5,"updated_at":"2025-11-21T10:00:00Z","version":3}"#;
        let settings: Settings = serde_json::from_str(old).unwrap();
        assert_eq!(
            (settings.current_balance, settings.balance_on),
            (Some(5), None)
        );
    }
}
