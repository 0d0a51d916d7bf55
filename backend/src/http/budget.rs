//! `GET /api/v1/budget/summary`: the set-aside answer, computed by `shared::budget::summarize` from the
//! caller's settings, schedules, bills and marks.

use axum::extract::State;
use chrono::{Months, NaiveDate, Offset as _, Utc};
use serde::Deserialize;
use shared::budget::{
    BudgetSummary, DEFAULT_PERIODS, MAX_PERIODS, OVERDUE_DAYS, SummaryInput, summarize,
};
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::error::AppError;
use super::extract::{AppQuery, AuthUser};
use crate::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(budget_summary))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SummaryQuery {
    /// The day to compute from (default: today in the user's time zone); `YYYY-MM-DD`, years 1900–2200.
    #[serde(default, deserialize_with = "shared::validate::optional_date")]
    pub as_of: Option<NaiveDate>,
    /// Pay periods including the current one, 1–26 (default 3).
    #[param(minimum = 1, maximum = 26)]
    pub periods: Option<u32>,
}

/// How much to set aside before the next payday, period by period.
#[utoipa::path(get, path = "/api/v1/budget/summary", tag = "budget", params(SummaryQuery),
    responses((status = 200, body = BudgetSummary), (status = 401, body = shared::ApiError), (status = 422, body = shared::ApiError)),
    security(("bearer" = [])))]
pub async fn budget_summary(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    AppQuery(query): AppQuery<SummaryQuery>,
) -> Result<axum::Json<BudgetSummary>, AppError> {
    let periods = query.periods.unwrap_or(DEFAULT_PERIODS);
    if !(1..=MAX_PERIODS).contains(&periods) {
        return Err(AppError::field("periods", "must be between 1 and 26"));
    }
    let owner = user.user_id;
    let settings = super::settings::load(&state, owner).await?;
    let zone = super::settings::time_zone(&settings.time_zone).unwrap_or(chrono_tz::UTC);
    let now = Utc::now().with_timezone(&zone);
    let as_of = query.as_of.unwrap_or_else(|| now.date_naive());
    let store = state.store();
    let (schedules, bills) =
        tokio::try_join!(store.list_schedules(owner), store.list_bills(owner))?;
    // From the oldest day that can be overdue; 26 monthly periods span a little over two years, so three years
    // of marks always covers the horizon.
    // Also from the day the balance was stated: the bills paid since then are taken off it.
    let since =
        (as_of - chrono::TimeDelta::days(OVERDUE_DAYS)).min(settings.balance_on.unwrap_or(as_of));
    let until = as_of
        .checked_add_months(Months::new(36))
        .unwrap_or(NaiveDate::MAX);
    let marks = store.list_marks(owner, since, until).await?;
    let summary = summarize(&SummaryInput {
        as_of,
        periods,
        utc_offset: now.offset().fix(),
        currency: &settings.currency,
        schedules: &schedules,
        bills: &bills,
        marks: &marks,
        balance: settings.current_balance,
        balance_on: settings.balance_on,
    });
    Ok(axum::Json(summary))
}
