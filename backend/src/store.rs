//! The storage seam: one async trait per aggregate, an umbrella [`Store`], and [`connect`], the one place a
//! backend is chosen.
//!
//! Dependency rule: handlers and domain code see only these traits and the `shared` record types; each backend
//! maps records to its own rows/items privately, so a storage change never reaches the wire. Every method takes
//! the owner's [`UserId`] (the token's `sub`) — there is no way to ask for another user's data.

use std::sync::Arc;

use async_trait::async_trait;
use base64::Engine as _;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use shared::{
    Page,
    budget::{Bill, OccurrenceMark, PaySchedule, Settings as BudgetSettings},
    tasks::{StatusFilter, Task},
};
use uuid::Uuid;

use crate::config::{Settings, StoreKind};

#[cfg(feature = "dynamodb")]
pub mod dynamodb;
pub mod memory;
#[cfg(feature = "mongodb")]
pub mod mongodb;
#[cfg(feature = "embedded")]
pub mod sqlite;

/// The owner of a record: the verified token's `sub`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct UserId(pub Uuid);

impl std::fmt::Display for UserId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// How a store call failed. Names failure modes, never transport details; the cause stays in `source`.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("record not found")]
    NotFound,
    /// A conditional write lost: stale version, or a unique value (e-mail) already taken.
    #[error("conflicting write")]
    Conflict,
    /// A create would take the owner past the per-user limit for that kind of record; nothing was stored.
    #[error("per-user limit reached")]
    LimitReached,
    /// The cursor did not come from this store or was altered.
    #[error("invalid pagination cursor")]
    BadCursor,
    /// The backend cannot be reached or timed out; worth retrying later.
    #[error("store unavailable")]
    Unavailable(#[source] Box<dyn std::error::Error + Send + Sync>),
    #[error("store failure")]
    Backend(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl StoreError {
    pub fn backend(error: impl std::error::Error + Send + Sync + 'static) -> Self {
        StoreError::Backend(Box::new(error))
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

/// A local account (local sign-in only; in Cognito mode the identity provider keeps these).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: UserId,
    pub email: String,
    pub name: Option<String>,
    /// argon2id PHC string.
    pub password_hash: String,
    pub created_at: DateTime<Utc>,
}

/// A refresh token, stored by the SHA-256 of its value only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefreshToken {
    pub hash: String,
    pub owner: UserId,
    /// Every rotation of one sign-in shares a family; reuse of a spent token revokes the family.
    pub family: Uuid,
    pub expires_at: DateTime<Utc>,
    pub used: bool,
}

/// What happened when a refresh token was presented.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefreshUse {
    /// Valid and now spent; issue a new one in the same family.
    Fresh(RefreshToken),
    /// Already spent once: likely stolen. The caller revokes the family.
    Reused(RefreshToken),
    /// Unknown or expired.
    Invalid,
}

#[async_trait]
pub trait UserStore: Send + Sync {
    /// Creates an account; `Conflict` if the e-mail is taken.
    async fn create_user(&self, user: &User) -> StoreResult<()>;
    async fn user_by_email(&self, email: &str) -> StoreResult<Option<User>>;
    async fn user_by_id(&self, owner: UserId) -> StoreResult<Option<User>>;
    async fn put_refresh_token(&self, token: &RefreshToken) -> StoreResult<()>;
    /// Atomically marks the token spent and reports what it was.
    async fn use_refresh_token(&self, hash: &str, now: DateTime<Utc>) -> StoreResult<RefreshUse>;
    async fn revoke_refresh_family(&self, owner: UserId, family: Uuid) -> StoreResult<()>;
}

/// Filters and paging for a task list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TaskQuery {
    pub status: StatusFilter,
    /// Case-insensitive substring of title or notes.
    pub q: Option<String>,
    /// Only tasks due strictly before this date (tasks without a due date are excluded).
    pub due_before: Option<NaiveDate>,
    pub limit: u32,
    pub cursor: Option<String>,
}

#[async_trait]
pub trait TaskStore: Send + Sync {
    /// Stores a new task; `Conflict` if the id exists.
    async fn create_task(&self, owner: UserId, task: &Task) -> StoreResult<()>;
    async fn get_task(&self, owner: UserId, id: Uuid) -> StoreResult<Task>;
    /// Tasks in stable order: due date (undated last), then creation time, then id.
    async fn list_tasks(&self, owner: UserId, query: &TaskQuery) -> StoreResult<Page<Task>>;
    /// The same page as [`TaskStore::list_tasks`], each task already in its JSON wire form. The list endpoint
    /// sends these bytes as they are; a backend that keeps the wire form (the embedded store does) answers
    /// without decoding and re-encoding every task. The default encodes the typed page.
    async fn list_tasks_json(
        &self,
        owner: UserId,
        query: &TaskQuery,
    ) -> StoreResult<Page<TaskJson>> {
        let page = self.list_tasks(owner, query).await?;
        let items = page
            .items
            .iter()
            .map(TaskJson::encode)
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(Page {
            items,
            next_cursor: page.next_cursor,
        })
    }
    /// Writes `task` if the stored version is `expected_version`; returns it with the version bumped.
    async fn update_task(
        &self,
        owner: UserId,
        task: &Task,
        expected_version: u64,
    ) -> StoreResult<Task>;
    /// Deletes the task; `NotFound` if absent, `Conflict` if `expected_version` is given and stale.
    async fn delete_task(
        &self,
        owner: UserId,
        id: Uuid,
        expected_version: Option<u64>,
    ) -> StoreResult<()>;
}

#[async_trait]
pub trait BudgetStore: Send + Sync {
    async fn get_settings(&self, owner: UserId) -> StoreResult<Option<BudgetSettings>>;
    /// Creates (`expected_version` = None, `Conflict` if present) or replaces settings at a version; returns
    /// them with the version set.
    async fn put_settings(
        &self,
        owner: UserId,
        settings: &BudgetSettings,
        expected_version: Option<u64>,
    ) -> StoreResult<BudgetSettings>;

    /// Stores a new schedule unless the owner already has `limit` of them (`LimitReached`); `Conflict` if the id
    /// exists. Concurrent creates never leave more than `limit` (see docs/storage.md for each backend's rule).
    async fn create_schedule(
        &self,
        owner: UserId,
        schedule: &PaySchedule,
        limit: usize,
    ) -> StoreResult<()>;
    async fn get_schedule(&self, owner: UserId, id: Uuid) -> StoreResult<PaySchedule>;
    /// All of the owner's schedules, oldest first (bounded by the per-user limit the API enforces).
    async fn list_schedules(&self, owner: UserId) -> StoreResult<Vec<PaySchedule>>;
    async fn update_schedule(
        &self,
        owner: UserId,
        schedule: &PaySchedule,
        expected_version: u64,
    ) -> StoreResult<PaySchedule>;
    async fn delete_schedule(
        &self,
        owner: UserId,
        id: Uuid,
        expected_version: Option<u64>,
    ) -> StoreResult<()>;

    /// Stores a new bill unless the owner already has `limit` of them (`LimitReached`); as [`Self::create_schedule`].
    async fn create_bill(&self, owner: UserId, bill: &Bill, limit: usize) -> StoreResult<()>;
    async fn get_bill(&self, owner: UserId, id: Uuid) -> StoreResult<Bill>;
    /// All of the owner's bills, oldest first.
    async fn list_bills(&self, owner: UserId) -> StoreResult<Vec<Bill>>;
    async fn update_bill(
        &self,
        owner: UserId,
        bill: &Bill,
        expected_version: u64,
    ) -> StoreResult<Bill>;
    /// Deletes the bill and its occurrence marks.
    async fn delete_bill(
        &self,
        owner: UserId,
        id: Uuid,
        expected_version: Option<u64>,
    ) -> StoreResult<()>;

    /// Creates or replaces the mark for one occurrence; `NotFound` if the bill does not exist. A mark never
    /// outlives its bill: racing [`Self::delete_bill`], either the mark is stored first and deleted with the bill,
    /// or it is refused.
    async fn put_mark(&self, owner: UserId, mark: &OccurrenceMark) -> StoreResult<()>;
    /// Removes a mark; `NotFound` if there was none.
    async fn delete_mark(&self, owner: UserId, bill_id: Uuid, due_on: NaiveDate)
    -> StoreResult<()>;
    /// Marks with `from <= due_on < until`.
    async fn list_marks(
        &self,
        owner: UserId,
        from: NaiveDate,
        until: NaiveDate,
    ) -> StoreResult<Vec<OccurrenceMark>>;
}

/// Everything held for one user, for export.
#[derive(Debug, Clone, PartialEq)]
pub struct AccountData {
    pub user: Option<User>,
    pub tasks: Vec<Task>,
    pub settings: Option<BudgetSettings>,
    pub schedules: Vec<PaySchedule>,
    pub bills: Vec<Bill>,
    pub marks: Vec<OccurrenceMark>,
}

#[async_trait]
pub trait AccountStore: Send + Sync {
    /// Walks every record the user owns.
    async fn export_account(&self, owner: UserId) -> StoreResult<AccountData>;
    /// Deletes the user and every record they own. Idempotent.
    async fn delete_account(&self, owner: UserId) -> StoreResult<()>;
}

/// The umbrella trait the app state holds as `Arc<dyn Store>`.
#[async_trait]
pub trait Store: UserStore + TaskStore + BudgetStore + AccountStore {
    /// Cheap reachability check for `/readyz`.
    async fn ping(&self) -> StoreResult<()>;
    /// A short name for logs (`embedded`, `memory`, …).
    fn describe(&self) -> String;
}

/// Opens the configured backend. The only place that knows which backends exist.
pub async fn connect(settings: &Settings) -> anyhow::Result<Arc<dyn Store>> {
    Ok(match settings.store {
        StoreKind::Memory => Arc::new(memory::MemoryStore::default()),
        #[cfg(feature = "embedded")]
        StoreKind::Embedded => {
            let path = settings.data_dir.join("payday.db");
            Arc::new(sqlite::SqliteStore::open(&path).await?)
        }
        #[cfg(feature = "dynamodb")]
        StoreKind::Dynamodb => {
            Arc::new(dynamodb::DynamoStore::connect(settings.dynamodb_table.clone()).await)
        }
        #[cfg(feature = "mongodb")]
        StoreKind::Mongodb => {
            use anyhow::Context as _;
            let uri = settings
                .mongodb_uri
                .as_ref()
                .context("PAYDAY_MONGODB_URI is required with PAYDAY_STORE=mongodb")?;
            Arc::new(mongodb::MongoStore::connect(uri, &settings.mongodb_database).await?)
        }
        #[allow(unreachable_patterns)]
        other => anyhow::bail!(
            "this build has no {other:?} store: enable the cargo feature named after it"
        ),
    })
}

/// Creates what the configured store needs before first use (DynamoDB table, MongoDB indexes); idempotent.
/// For local use and tests — in AWS the infrastructure creates them. The embedded store migrates itself.
pub async fn init(settings: &Settings) -> anyhow::Result<String> {
    Ok(match settings.store {
        #[cfg(feature = "dynamodb")]
        StoreKind::Dynamodb => {
            let store = dynamodb::DynamoStore::connect(settings.dynamodb_table.clone()).await;
            store.create_table().await?;
            store.describe()
        }
        // Connecting creates the indexes (and, for the embedded store, applies migrations).
        _ => connect(settings).await?.describe(),
    })
}

/// How often a limited create backs out and retries on a backend that enforces limits by insert-then-count
/// (DynamoDB, MongoDB): racing creates near the limit may all back out, and a retry after a random pause
/// usually lands.
#[cfg(any(feature = "dynamodb", feature = "mongodb"))]
pub(crate) const CREATE_ATTEMPTS: usize = 4;

/// A random 5–50 ms pause between such attempts, so racing creates spread out.
#[cfg(any(feature = "dynamodb", feature = "mongodb"))]
pub(crate) fn race_backoff() -> std::time::Duration {
    let random = Uuid::new_v4().as_u128() % 46;
    std::time::Duration::from_millis(5 + random as u64)
}

/// The position of a task in list order; encoded as the opaque cursor by the embedded and memory stores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub(crate) struct TaskPosition {
    /// `(false, date)` sorts before `(true, _)`: undated tasks come last.
    pub undated: bool,
    pub due_on: Option<NaiveDate>,
    pub created_at: i64,
    pub id: Uuid,
}

/// One task as JSON text in the API's wire form (what `serde_json` writes for [`Task`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskJson(String);

impl TaskJson {
    pub fn encode(task: &Task) -> StoreResult<Self> {
        serde_json::to_string(task)
            .map(TaskJson)
            .map_err(StoreError::backend)
    }

    /// Wraps text that this program wrote with [`TaskJson::encode`] (or `serde_json` for a `Task`) earlier.
    #[cfg(feature = "embedded")]
    pub(crate) fn from_stored(text: String) -> Self {
        TaskJson(text)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TaskPosition {
    pub fn of(task: &Task) -> Self {
        TaskPosition {
            undated: task.due_on.is_none(),
            due_on: task.due_on,
            created_at: task.created_at.timestamp_micros(),
            id: task.id,
        }
    }

    pub fn encode(&self) -> String {
        let json = serde_json::to_vec(self).expect("position serializes");
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json)
    }

    pub fn decode(cursor: &str) -> StoreResult<Self> {
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(cursor)
            .map_err(|_| StoreError::BadCursor)?;
        serde_json::from_slice(&bytes).map_err(|_| StoreError::BadCursor)
    }
}

/// True when `task` passes the query's filters (not the cursor). Shared by stores that filter in memory.
pub(crate) fn task_matches(task: &Task, query: &TaskQuery) -> bool {
    let status_ok = match query.status {
        StatusFilter::All => true,
        StatusFilter::Active => task.completed_at.is_none(),
        StatusFilter::Completed => task.completed_at.is_some(),
    };
    let due_ok = match query.due_before {
        Some(before) => task.due_on.is_some_and(|due| due < before),
        None => true,
    };
    let q_ok = match query.q.as_deref() {
        Some(q) if !q.is_empty() => {
            let needle = q.to_lowercase();
            task.title.to_lowercase().contains(&needle)
                || task.notes.to_lowercase().contains(&needle)
        }
        _ => true,
    };
    status_ok && due_ok && q_ok
}
