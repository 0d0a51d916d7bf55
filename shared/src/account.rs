//! Whole-account views: the data export.

use serde::{Deserialize, Serialize};

use crate::{auth::Me, budget::BudgetExport, tasks::Task};

/// `GET /api/v1/export`: everything Payday holds about the signed-in user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Export {
    pub user: Me,
    pub tasks: Vec<Task>,
    pub budget: BudgetExport,
}
