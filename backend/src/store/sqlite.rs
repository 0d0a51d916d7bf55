//! The embedded default backend: SQLite (bundled build, no setup) in WAL mode with `synchronous=FULL`, so every
//! acknowledged write survives a process crash (`kill -9`) and power loss. Schema changes are versioned
//! migrations keyed on `PRAGMA user_version`.
//!
//! Records are kept as their JSON form in a `data` column (the source of truth) plus the few columns that
//! filtering, ordering and uniqueness need. One writer connection serialises writes, which run on tokio's
//! blocking pool (they wait for `fsync`); a small pool of reader connections serves reads concurrently (WAL
//! allows both), on the calling task (see [`SqliteStore::read`]).

use std::path::Path;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{
    Connection, ErrorCode, OptionalExtension, TransactionBehavior, config::DbConfig, params,
    types::Value,
};
use serde::{Serialize, de::DeserializeOwned};
use shared::{
    Page,
    budget::{Bill, OccurrenceMark, PaySchedule, Settings as BudgetSettings},
    tasks::{StatusFilter, Task},
};
use uuid::Uuid;

use super::{
    AccountData, AccountStore, BudgetStore, RefreshToken, RefreshUse, Store, StoreError,
    StoreResult, TaskJson, TaskPosition, TaskQuery, TaskStore, User, UserId, UserStore,
};

/// Ordered schema migrations; index + 1 is the `user_version` after applying it. Append only.
const MIGRATIONS: &[&str] = &[r#"
CREATE TABLE users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    data TEXT NOT NULL
) STRICT;
CREATE TABLE refresh_tokens (
    hash TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    family TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    used INTEGER NOT NULL
) STRICT;
CREATE INDEX refresh_tokens_owner ON refresh_tokens (owner, family);
CREATE TABLE tasks (
    owner TEXT NOT NULL,
    id TEXT NOT NULL,
    due_key TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    completed INTEGER NOT NULL,
    title TEXT NOT NULL,
    notes TEXT NOT NULL,
    version INTEGER NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (owner, id)
) STRICT;
CREATE INDEX tasks_order ON tasks (owner, due_key, created_at, id);
CREATE TABLE records (
    owner TEXT NOT NULL,
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    version INTEGER NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (owner, kind, id)
) STRICT;
CREATE TABLE marks (
    owner TEXT NOT NULL,
    bill_id TEXT NOT NULL,
    due_on TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (owner, bill_id, due_on)
) STRICT;
CREATE INDEX marks_due ON marks (owner, due_on);
"#];

const READERS: usize = 4;
/// Sorts after every ISO date, so undated tasks come last.
const UNDATED: &str = "~";

const KIND_SETTINGS: &str = "settings";
const KIND_SCHEDULE: &str = "schedule";
const KIND_BILL: &str = "bill";

pub struct SqliteStore {
    writer: Arc<Mutex<Connection>>,
    /// One permit: the writer's turn, taken before a write goes to the blocking pool.
    writer_slot: Arc<tokio::sync::Semaphore>,
    readers: Mutex<Vec<Connection>>,
    /// One permit per reader connection: a read waits its turn instead of finding the pool empty.
    reader_slots: tokio::sync::Semaphore,
    path: String,
}

fn open_connection(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    // Plans never depend on bound values. Without this, SQLite marks a statement whose `LIMIT ?` (or `LIKE ?`)
    // value it inspected for re-preparation at every new binding: each cached list statement was parsed and
    // planned again on every request (16 % of the list endpoint's CPU, docs/benchmarks.md).
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
    register_lower(&conn)?;
    Ok(conn)
}

/// The SQL function `payday_lower(text)`: Rust's full Unicode `to_lowercase`, the rule every other backend
/// searches with (`task_matches`). SQLite's own `lower()` and `LIKE` fold ASCII letters only, so "CAFÉ" never
/// matched "café".
fn register_lower(conn: &Connection) -> rusqlite::Result<()> {
    use rusqlite::functions::FunctionFlags;
    conn.create_scalar_function(
        "payday_lower",
        1,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| {
            let text = ctx
                .get_raw(0)
                .as_str()
                .map_err(|e| rusqlite::Error::UserFunctionError(Box::new(e)))?;
            Ok(text.to_lowercase())
        },
    )
}

fn migrate(conn: &mut Connection) -> rusqlite::Result<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let current: usize = tx.pragma_query_value(None, "user_version", |row| row.get(0))?;
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(current) {
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", index + 1)?;
    }
    tx.commit()
}

fn map_error(error: rusqlite::Error) -> StoreError {
    match error.sqlite_error_code() {
        Some(ErrorCode::ConstraintViolation) => StoreError::Conflict,
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => {
            StoreError::Unavailable(Box::new(error))
        }
        _ => StoreError::backend(error),
    }
}

fn to_json<T: Serialize>(value: &T) -> StoreResult<String> {
    serde_json::to_string(value).map_err(StoreError::backend)
}

fn from_json<T: DeserializeOwned>(text: &str) -> rusqlite::Result<T> {
    serde_json::from_str(text).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
    })
}

fn due_key(due_on: Option<NaiveDate>) -> String {
    due_on.map_or_else(|| UNDATED.to_owned(), |d| d.to_string())
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `path` and applies pending migrations.
    pub async fn open(path: &Path) -> anyhow::Result<Self> {
        use anyhow::Context as _;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("creating data directory {}", dir.display()))?;
        }
        let path_buf = path.to_path_buf();
        let (writer, readers) = tokio::task::spawn_blocking(move || -> anyhow::Result<_> {
            let mut writer = open_connection(&path_buf)
                .with_context(|| format!("opening database {}", path_buf.display()))?;
            migrate(&mut writer).context("applying database migrations")?;
            let readers = (0..READERS)
                .map(|_| open_connection(&path_buf))
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok((writer, readers))
        })
        .await??;
        Ok(SqliteStore {
            writer: Arc::new(Mutex::new(writer)),
            writer_slot: Arc::new(tokio::sync::Semaphore::new(1)),
            readers: Mutex::new(readers),
            reader_slots: tokio::sync::Semaphore::new(READERS),
            path: path.display().to_string(),
        })
    }

    async fn write<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Connection) -> StoreResult<T> + Send + 'static,
    ) -> StoreResult<T> {
        // Writes wait their turn here, not on the blocking pool: a burst of writes then occupies one pool
        // thread instead of parking a thread (stack, malloc arena) per waiting request on the mutex.
        let permit = self
            .writer_slot
            .clone()
            .acquire_owned()
            .await
            .map_err(StoreError::backend)?;
        let writer = self.writer.clone();
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let mut conn = writer.lock().unwrap_or_else(|p| p.into_inner());
            f(&mut conn)
        })
        .await
        .map_err(StoreError::backend)?
    }

    /// Runs a read on the calling task, not on the blocking pool. A read here is short and local: WAL readers
    /// never wait for the writer, the indexed page reads come from the page cache, and the biggest (a page of
    /// 100 tasks) takes tens of microseconds — less than the two thread switches a `spawn_blocking` hop costs,
    /// which were the largest item in the list endpoint's profile (docs/benchmarks.md). Writes, which wait for
    /// `fsync`, keep the hop.
    async fn read<T>(&self, f: impl FnOnce(&Connection) -> StoreResult<T>) -> StoreResult<T> {
        let _permit = self
            .reader_slots
            .acquire()
            .await
            .map_err(StoreError::backend)?; // released after the connection is back in the pool
        let conn = self.readers.lock().unwrap_or_else(|p| p.into_inner()).pop();
        let Some(conn) = conn else {
            // Unreachable while permits and connections are equal in number.
            return Err(StoreError::Unavailable("no reader connection".into()));
        };
        let result = f(&conn);
        self.readers
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(conn);
        result
    }

    /// Inserts a record unless the owner already has `limit` of that kind: the count and the insert are one
    /// `IMMEDIATE` transaction, so no other writer (another process on the same file included) slips in between.
    #[allow(clippy::too_many_arguments)]
    async fn create_record<T: Serialize>(
        &self,
        owner: UserId,
        kind: &'static str,
        id: Uuid,
        created_at: DateTime<Utc>,
        version: u64,
        record: &T,
        limit: usize,
    ) -> StoreResult<()> {
        let data = to_json(record)?;
        self.write(move |conn| {
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(map_error)?;
            let count: i64 = tx
                .query_row(
                    "SELECT count(*) FROM records WHERE owner = ?1 AND kind = ?2",
                    params![owner.to_string(), kind],
                    |row| row.get(0),
                )
                .map_err(map_error)?;
            if usize::try_from(count).unwrap_or(usize::MAX) >= limit {
                return Err(StoreError::LimitReached);
            }
            tx.execute(
                "INSERT INTO records (owner, kind, id, created_at, version, data) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![owner.to_string(), kind, id.to_string(), created_at.timestamp_micros(), version, data],
            )
            .map_err(map_error)?;
            tx.commit().map_err(map_error)
        })
        .await
    }

    async fn get_record<T: DeserializeOwned + Send + 'static>(
        &self,
        owner: UserId,
        kind: &'static str,
        id: String,
    ) -> StoreResult<Option<T>> {
        self.read(move |conn| {
            conn.query_row(
                "SELECT data FROM records WHERE owner = ?1 AND kind = ?2 AND id = ?3",
                params![owner.to_string(), kind, id],
                |row| from_json(&row.get::<_, String>(0)?),
            )
            .optional()
            .map_err(map_error)
        })
        .await
    }

    async fn list_records<T: DeserializeOwned + Send + 'static>(
        &self,
        owner: UserId,
        kind: &'static str,
    ) -> StoreResult<Vec<T>> {
        self.read(move |conn| list_records_in(conn, owner, kind))
            .await
    }

    /// Replaces a record when its stored version is `expected`; `set_version` stamps the new version into it.
    async fn update_record<T: Serialize + Clone + Send + 'static>(
        &self,
        owner: UserId,
        kind: &'static str,
        id: Uuid,
        record: &T,
        expected: u64,
        set_version: fn(&mut T, u64),
    ) -> StoreResult<T> {
        let mut stored = record.clone();
        set_version(&mut stored, expected + 1);
        let data = to_json(&stored)?;
        self.write(move |conn| {
            let changed = conn
                .execute(
                    "UPDATE records SET data = ?1, version = ?2 WHERE owner = ?3 AND kind = ?4 AND id = ?5 AND version = ?6",
                    params![data, expected + 1, owner.to_string(), kind, id.to_string(), expected],
                )
                .map_err(map_error)?;
            if changed == 1 {
                Ok(stored)
            } else {
                Err(missing_or_conflict(conn, "SELECT 1 FROM records WHERE owner = ?1 AND kind = ?2 AND id = ?3", params![owner.to_string(), kind, id.to_string()]))
            }
        })
        .await
    }

    async fn delete_record(
        &self,
        owner: UserId,
        kind: &'static str,
        id: Uuid,
        expected: Option<u64>,
    ) -> StoreResult<()> {
        self.write(move |conn| {
            let tx = conn.transaction().map_err(map_error)?;
            let version: Option<u64> = tx
                .query_row(
                    "SELECT version FROM records WHERE owner = ?1 AND kind = ?2 AND id = ?3",
                    params![owner.to_string(), kind, id.to_string()],
                    |row| row.get(0),
                )
                .optional()
                .map_err(map_error)?;
            match (version, expected) {
                (None, _) => return Err(StoreError::NotFound),
                (Some(found), Some(expected)) if found != expected => {
                    return Err(StoreError::Conflict);
                }
                _ => {}
            }
            tx.execute(
                "DELETE FROM records WHERE owner = ?1 AND kind = ?2 AND id = ?3",
                params![owner.to_string(), kind, id.to_string()],
            )
            .map_err(map_error)?;
            if kind == KIND_BILL {
                tx.execute(
                    "DELETE FROM marks WHERE owner = ?1 AND bill_id = ?2",
                    params![owner.to_string(), id.to_string()],
                )
                .map_err(map_error)?;
            }
            tx.commit().map_err(map_error)
        })
        .await
    }
}

fn list_records_in<T: DeserializeOwned>(
    conn: &Connection,
    owner: UserId,
    kind: &str,
) -> StoreResult<Vec<T>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT data FROM records WHERE owner = ?1 AND kind = ?2 ORDER BY created_at, id",
        )
        .map_err(map_error)?;
    let rows = stmt
        .query_map(params![owner.to_string(), kind], |row| {
            from_json(&row.get::<_, String>(0)?)
        })
        .map_err(map_error)?;
    rows.collect::<rusqlite::Result<Vec<T>>>()
        .map_err(map_error)
}

/// After a conditional write changed nothing: `Conflict` if the row exists, else `NotFound`.
fn missing_or_conflict(
    conn: &Connection,
    exists_sql: &str,
    params: impl rusqlite::Params,
) -> StoreError {
    match conn.query_row(exists_sql, params, |_| Ok(())).optional() {
        Ok(Some(())) => StoreError::Conflict,
        Ok(None) => StoreError::NotFound,
        Err(error) => map_error(error),
    }
}

/// One page of the caller's tasks as stored: each row's `data` (the task's wire form) and the cursor after it.
fn list_tasks_in(conn: &Connection, owner: UserId, query: &TaskQuery) -> StoreResult<Page<String>> {
    let mut sql = String::from("SELECT data, due_key, created_at, id FROM tasks WHERE owner = ?");
    let mut args: Vec<Value> = vec![Value::Text(owner.to_string())];
    match query.status {
        StatusFilter::All => {}
        StatusFilter::Active => sql.push_str(" AND completed = 0"),
        StatusFilter::Completed => sql.push_str(" AND completed = 1"),
    }
    if let Some(before) = query.due_before {
        sql.push_str(" AND due_key < ?");
        args.push(Value::Text(before.to_string()));
    }
    if let Some(q) = query.q.as_deref().filter(|q| !q.is_empty()) {
        // A plain substring test on both sides lower-cased the same way: no LIKE wildcards to escape.
        sql.push_str(
            " AND (instr(payday_lower(title), ?) > 0 OR instr(payday_lower(notes), ?) > 0)",
        );
        let needle = q.to_lowercase();
        args.push(Value::Text(needle.clone()));
        args.push(Value::Text(needle));
    }
    if let Some(cursor) = query.cursor.as_deref() {
        let after = TaskPosition::decode(cursor)?;
        sql.push_str(" AND (due_key, created_at, id) > (?, ?, ?)");
        args.push(Value::Text(due_key(after.due_on)));
        args.push(Value::Integer(after.created_at));
        args.push(Value::Text(after.id.to_string()));
    }
    sql.push_str(" ORDER BY due_key, created_at, id LIMIT ?");
    args.push(Value::Integer(i64::from(query.limit) + 1));
    let limit = query.limit as usize;
    let mut stmt = conn.prepare_cached(&sql).map_err(map_error)?;
    let mut rows = stmt
        .query(rusqlite::params_from_iter(args))
        .map_err(map_error)?;
    let mut items = Vec::with_capacity(limit.min(64));
    let (mut last_kept, mut next_cursor) = (None, None);
    while let Some(row) = rows.next().map_err(map_error)? {
        if items.len() == limit {
            // A row past the page: more follow, so the cursor is the position of the page's last row.
            next_cursor = last_kept
                .take()
                .map(|position: TaskPosition| position.encode());
            break;
        }
        if items.len() + 1 == limit {
            last_kept = Some(position_of_row(row)?);
        }
        items.push(row.get::<_, String>(0).map_err(map_error)?);
    }
    Ok(Page { items, next_cursor })
}

/// The list position of a `SELECT data, due_key, created_at, id` row, read from its key columns.
fn position_of_row(row: &rusqlite::Row<'_>) -> StoreResult<TaskPosition> {
    let due_key: String = row.get(1).map_err(map_error)?;
    let due_on = if due_key == UNDATED {
        None
    } else {
        Some(due_key.parse().map_err(StoreError::backend)?)
    };
    let id: String = row.get(3).map_err(map_error)?;
    Ok(TaskPosition {
        undated: due_on.is_none(),
        due_on,
        created_at: row.get(2).map_err(map_error)?,
        id: id.parse().map_err(StoreError::backend)?,
    })
}

#[async_trait]
impl UserStore for SqliteStore {
    async fn create_user(&self, user: &User) -> StoreResult<()> {
        let data = to_json(user)?;
        let (id, email) = (user.id.to_string(), user.email.clone());
        self.write(move |conn| {
            conn.execute(
                "INSERT INTO users (id, email, data) VALUES (?1, ?2, ?3)",
                params![id, email, data],
            )
            .map_err(map_error)?;
            Ok(())
        })
        .await
    }

    async fn user_by_email(&self, email: &str) -> StoreResult<Option<User>> {
        let email = email.to_owned();
        self.read(move |conn| {
            conn.query_row(
                "SELECT data FROM users WHERE email = ?1",
                params![email],
                |row| from_json(&row.get::<_, String>(0)?),
            )
            .optional()
            .map_err(map_error)
        })
        .await
    }

    async fn user_by_id(&self, owner: UserId) -> StoreResult<Option<User>> {
        self.read(move |conn| {
            conn.query_row(
                "SELECT data FROM users WHERE id = ?1",
                params![owner.to_string()],
                |row| from_json(&row.get::<_, String>(0)?),
            )
            .optional()
            .map_err(map_error)
        })
        .await
    }

    async fn put_refresh_token(&self, token: &RefreshToken) -> StoreResult<()> {
        let token = token.clone();
        self.write(move |conn| {
            conn.execute(
                "INSERT OR REPLACE INTO refresh_tokens (hash, owner, family, expires_at, used) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    token.hash,
                    token.owner.to_string(),
                    token.family.to_string(),
                    token.expires_at.timestamp_micros(),
                    token.used
                ],
            )
            .map_err(map_error)?;
            Ok(())
        })
        .await
    }

    async fn use_refresh_token(&self, hash: &str, now: DateTime<Utc>) -> StoreResult<RefreshUse> {
        let hash = hash.to_owned();
        self.write(move |conn| {
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(map_error)?;
            let row = tx
                .query_row(
                    "SELECT owner, family, expires_at, used FROM refresh_tokens WHERE hash = ?1",
                    params![hash],
                    |row| {
                        Ok((
                            row.get::<_, String>(0)?,
                            row.get::<_, String>(1)?,
                            row.get::<_, i64>(2)?,
                            row.get::<_, bool>(3)?,
                        ))
                    },
                )
                .optional()
                .map_err(map_error)?;
            let Some((owner, family, expires_at, used)) = row else {
                return Ok(RefreshUse::Invalid);
            };
            let (Ok(owner), Ok(family), Some(expires_at)) = (
                Uuid::parse_str(&owner),
                Uuid::parse_str(&family),
                DateTime::from_timestamp_micros(expires_at),
            ) else {
                return Ok(RefreshUse::Invalid);
            };
            let token = RefreshToken {
                hash: hash.clone(),
                owner: UserId(owner),
                family,
                expires_at,
                used: true,
            };
            if expires_at <= now {
                return Ok(RefreshUse::Invalid);
            }
            if used {
                return Ok(RefreshUse::Reused(token));
            }
            tx.execute(
                "UPDATE refresh_tokens SET used = 1 WHERE hash = ?1",
                params![hash],
            )
            .map_err(map_error)?;
            tx.commit().map_err(map_error)?;
            Ok(RefreshUse::Fresh(token))
        })
        .await
    }

    async fn revoke_refresh_family(&self, owner: UserId, family: Uuid) -> StoreResult<()> {
        self.write(move |conn| {
            conn.execute(
                "DELETE FROM refresh_tokens WHERE owner = ?1 AND family = ?2",
                params![owner.to_string(), family.to_string()],
            )
            .map_err(map_error)?;
            Ok(())
        })
        .await
    }
}

#[async_trait]
impl TaskStore for SqliteStore {
    async fn create_task(&self, owner: UserId, task: &Task) -> StoreResult<()> {
        let data = to_json(task)?;
        let task = task.clone();
        self.write(move |conn| {
            conn.execute(
                "INSERT INTO tasks (owner, id, due_key, created_at, completed, title, notes, version, data)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    owner.to_string(),
                    task.id.to_string(),
                    due_key(task.due_on),
                    task.created_at.timestamp_micros(),
                    task.completed_at.is_some(),
                    task.title,
                    task.notes,
                    task.version,
                    data
                ],
            )
            .map_err(map_error)?;
            Ok(())
        })
        .await
    }

    async fn get_task(&self, owner: UserId, id: Uuid) -> StoreResult<Task> {
        self.read(move |conn| {
            conn.query_row(
                "SELECT data FROM tasks WHERE owner = ?1 AND id = ?2",
                params![owner.to_string(), id.to_string()],
                |row| from_json(&row.get::<_, String>(0)?),
            )
            .optional()
            .map_err(map_error)?
            .ok_or(StoreError::NotFound)
        })
        .await
    }

    async fn list_tasks(&self, owner: UserId, query: &TaskQuery) -> StoreResult<Page<Task>> {
        let page = self.list_tasks_json(owner, query).await?;
        let items = page
            .items
            .iter()
            .map(|task| serde_json::from_str(task.as_str()).map_err(StoreError::backend))
            .collect::<StoreResult<Vec<Task>>>()?;
        Ok(Page {
            items,
            next_cursor: page.next_cursor,
        })
    }

    /// The stored `data` is the task's wire form (written by `to_json(&Task)`), sent without re-encoding.
    async fn list_tasks_json(
        &self,
        owner: UserId,
        query: &TaskQuery,
    ) -> StoreResult<Page<TaskJson>> {
        let query = query.clone();
        let page = self
            .read(move |conn| list_tasks_in(conn, owner, &query))
            .await?;
        Ok(Page {
            items: page.items.into_iter().map(TaskJson::from_stored).collect(),
            next_cursor: page.next_cursor,
        })
    }

    async fn update_task(
        &self,
        owner: UserId,
        task: &Task,
        expected_version: u64,
    ) -> StoreResult<Task> {
        let mut stored = task.clone();
        stored.version = expected_version + 1;
        let data = to_json(&stored)?;
        self.write(move |conn| {
            let changed = conn
                .execute(
                    "UPDATE tasks SET due_key = ?1, completed = ?2, title = ?3, notes = ?4, version = ?5, data = ?6
                     WHERE owner = ?7 AND id = ?8 AND version = ?9",
                    params![
                        due_key(stored.due_on),
                        stored.completed_at.is_some(),
                        stored.title,
                        stored.notes,
                        stored.version,
                        data,
                        owner.to_string(),
                        stored.id.to_string(),
                        expected_version
                    ],
                )
                .map_err(map_error)?;
            if changed == 1 {
                Ok(stored)
            } else {
                Err(missing_or_conflict(
                    conn,
                    "SELECT 1 FROM tasks WHERE owner = ?1 AND id = ?2",
                    params![owner.to_string(), stored.id.to_string()],
                ))
            }
        })
        .await
    }

    async fn delete_task(
        &self,
        owner: UserId,
        id: Uuid,
        expected_version: Option<u64>,
    ) -> StoreResult<()> {
        self.write(move |conn| {
            let changed = match expected_version {
                Some(version) => conn.execute(
                    "DELETE FROM tasks WHERE owner = ?1 AND id = ?2 AND version = ?3",
                    params![owner.to_string(), id.to_string(), version],
                ),
                None => conn.execute(
                    "DELETE FROM tasks WHERE owner = ?1 AND id = ?2",
                    params![owner.to_string(), id.to_string()],
                ),
            }
            .map_err(map_error)?;
            if changed == 1 {
                Ok(())
            } else {
                Err(missing_or_conflict(
                    conn,
                    "SELECT 1 FROM tasks WHERE owner = ?1 AND id = ?2",
                    params![owner.to_string(), id.to_string()],
                ))
            }
        })
        .await
    }
}

#[async_trait]
impl BudgetStore for SqliteStore {
    async fn get_settings(&self, owner: UserId) -> StoreResult<Option<BudgetSettings>> {
        self.get_record(owner, KIND_SETTINGS, String::new()).await
    }

    async fn put_settings(
        &self,
        owner: UserId,
        settings: &BudgetSettings,
        expected_version: Option<u64>,
    ) -> StoreResult<BudgetSettings> {
        let mut stored = settings.clone();
        stored.version = expected_version.map_or(1, |v| v + 1);
        let data = to_json(&stored)?;
        self.write(move |conn| {
            let changed = match expected_version {
                None => conn.execute(
                    "INSERT INTO records (owner, kind, id, created_at, version, data) VALUES (?1, ?2, '', 0, 1, ?3)",
                    params![owner.to_string(), KIND_SETTINGS, data],
                ),
                Some(expected) => conn.execute(
                    "UPDATE records SET data = ?1, version = ?2 WHERE owner = ?3 AND kind = ?4 AND id = '' AND version = ?5",
                    params![data, expected + 1, owner.to_string(), KIND_SETTINGS, expected],
                ),
            }
            .map_err(map_error)?;
            if changed == 1 { Ok(stored) } else { Err(StoreError::Conflict) }
        })
        .await
    }

    async fn create_schedule(
        &self,
        owner: UserId,
        schedule: &PaySchedule,
        limit: usize,
    ) -> StoreResult<()> {
        self.create_record(
            owner,
            KIND_SCHEDULE,
            schedule.id,
            schedule.created_at,
            schedule.version,
            schedule,
            limit,
        )
        .await
    }

    async fn get_schedule(&self, owner: UserId, id: Uuid) -> StoreResult<PaySchedule> {
        self.get_record(owner, KIND_SCHEDULE, id.to_string())
            .await?
            .ok_or(StoreError::NotFound)
    }

    async fn list_schedules(&self, owner: UserId) -> StoreResult<Vec<PaySchedule>> {
        self.list_records(owner, KIND_SCHEDULE).await
    }

    async fn update_schedule(
        &self,
        owner: UserId,
        schedule: &PaySchedule,
        expected_version: u64,
    ) -> StoreResult<PaySchedule> {
        self.update_record(
            owner,
            KIND_SCHEDULE,
            schedule.id,
            schedule,
            expected_version,
            |s, v| s.version = v,
        )
        .await
    }

    async fn delete_schedule(
        &self,
        owner: UserId,
        id: Uuid,
        expected_version: Option<u64>,
    ) -> StoreResult<()> {
        self.delete_record(owner, KIND_SCHEDULE, id, expected_version)
            .await
    }

    async fn create_bill(&self, owner: UserId, bill: &Bill, limit: usize) -> StoreResult<()> {
        self.create_record(
            owner,
            KIND_BILL,
            bill.id,
            bill.created_at,
            bill.version,
            bill,
            limit,
        )
        .await
    }

    async fn get_bill(&self, owner: UserId, id: Uuid) -> StoreResult<Bill> {
        self.get_record(owner, KIND_BILL, id.to_string())
            .await?
            .ok_or(StoreError::NotFound)
    }

    async fn list_bills(&self, owner: UserId) -> StoreResult<Vec<Bill>> {
        self.list_records(owner, KIND_BILL).await
    }

    async fn update_bill(
        &self,
        owner: UserId,
        bill: &Bill,
        expected_version: u64,
    ) -> StoreResult<Bill> {
        self.update_record(owner, KIND_BILL, bill.id, bill, expected_version, |b, v| {
            b.version = v
        })
        .await
    }

    async fn delete_bill(
        &self,
        owner: UserId,
        id: Uuid,
        expected_version: Option<u64>,
    ) -> StoreResult<()> {
        self.delete_record(owner, KIND_BILL, id, expected_version)
            .await
    }

    async fn put_mark(&self, owner: UserId, mark: &OccurrenceMark) -> StoreResult<()> {
        let data = to_json(mark)?;
        let (bill_id, due_on) = (mark.bill_id.to_string(), mark.due_on.to_string());
        self.write(move |conn| {
            // The bill's existence and the mark are checked and written in one transaction: `delete_bill` (which
            // removes the bill and its marks in one transaction too) either runs before — no bill, no mark — or
            // after, taking this mark with it.
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(map_error)?;
            let bill_exists = tx
                .query_row(
                    "SELECT 1 FROM records WHERE owner = ?1 AND kind = ?2 AND id = ?3",
                    params![owner.to_string(), KIND_BILL, bill_id],
                    |_| Ok(()),
                )
                .optional()
                .map_err(map_error)?
                .is_some();
            if !bill_exists {
                return Err(StoreError::NotFound);
            }
            tx.execute(
                "INSERT OR REPLACE INTO marks (owner, bill_id, due_on, data) VALUES (?1, ?2, ?3, ?4)",
                params![owner.to_string(), bill_id, due_on, data],
            )
            .map_err(map_error)?;
            tx.commit().map_err(map_error)
        })
        .await
    }

    async fn delete_mark(
        &self,
        owner: UserId,
        bill_id: Uuid,
        due_on: NaiveDate,
    ) -> StoreResult<()> {
        self.write(move |conn| {
            let changed = conn
                .execute(
                    "DELETE FROM marks WHERE owner = ?1 AND bill_id = ?2 AND due_on = ?3",
                    params![owner.to_string(), bill_id.to_string(), due_on.to_string()],
                )
                .map_err(map_error)?;
            if changed == 1 {
                Ok(())
            } else {
                Err(StoreError::NotFound)
            }
        })
        .await
    }

    async fn list_marks(
        &self,
        owner: UserId,
        from: NaiveDate,
        until: NaiveDate,
    ) -> StoreResult<Vec<OccurrenceMark>> {
        self.read(move |conn| {
            let mut stmt = conn
                .prepare_cached(
                    "SELECT data FROM marks WHERE owner = ?1 AND due_on >= ?2 AND due_on < ?3 ORDER BY due_on, bill_id",
                )
                .map_err(map_error)?;
            let rows = stmt
                .query_map(params![owner.to_string(), from.to_string(), until.to_string()], |row| {
                    from_json(&row.get::<_, String>(0)?)
                })
                .map_err(map_error)?;
            rows.collect::<rusqlite::Result<Vec<_>>>().map_err(map_error)
        })
        .await
    }
}

#[async_trait]
impl AccountStore for SqliteStore {
    async fn export_account(&self, owner: UserId) -> StoreResult<AccountData> {
        self.read(move |conn| {
            let user: Option<User> = conn
                .query_row(
                    "SELECT data FROM users WHERE id = ?1",
                    params![owner.to_string()],
                    |row| from_json(&row.get::<_, String>(0)?),
                )
                .optional()
                .map_err(map_error)?;
            let mut stmt = conn
                .prepare_cached(
                    "SELECT data FROM tasks WHERE owner = ?1 ORDER BY due_key, created_at, id",
                )
                .map_err(map_error)?;
            let tasks = stmt
                .query_map(params![owner.to_string()], |row| {
                    from_json(&row.get::<_, String>(0)?)
                })
                .map_err(map_error)?
                .collect::<rusqlite::Result<Vec<Task>>>()
                .map_err(map_error)?;
            let settings = list_records_in::<BudgetSettings>(conn, owner, KIND_SETTINGS)?.pop();
            let mut stmt = conn
                .prepare_cached("SELECT data FROM marks WHERE owner = ?1 ORDER BY due_on, bill_id")
                .map_err(map_error)?;
            let marks = stmt
                .query_map(params![owner.to_string()], |row| {
                    from_json(&row.get::<_, String>(0)?)
                })
                .map_err(map_error)?
                .collect::<rusqlite::Result<Vec<OccurrenceMark>>>()
                .map_err(map_error)?;
            Ok(AccountData {
                user,
                tasks,
                settings,
                schedules: list_records_in(conn, owner, KIND_SCHEDULE)?,
                bills: list_records_in(conn, owner, KIND_BILL)?,
                marks,
            })
        })
        .await
    }

    async fn delete_account(&self, owner: UserId) -> StoreResult<()> {
        self.write(move |conn| {
            let tx = conn.transaction().map_err(map_error)?;
            let owner = owner.to_string();
            for sql in [
                "DELETE FROM tasks WHERE owner = ?1",
                "DELETE FROM records WHERE owner = ?1",
                "DELETE FROM marks WHERE owner = ?1",
                "DELETE FROM refresh_tokens WHERE owner = ?1",
                "DELETE FROM users WHERE id = ?1",
            ] {
                tx.execute(sql, params![owner]).map_err(map_error)?;
            }
            tx.commit().map_err(map_error)
        })
        .await
    }
}

#[async_trait]
impl Store for SqliteStore {
    async fn ping(&self) -> StoreResult<()> {
        self.read(|conn| {
            conn.query_row("SELECT 1", [], |_| Ok(()))
                .map_err(map_error)
        })
        .await
    }

    fn describe(&self) -> String {
        format!("embedded SQLite at {}", self.path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payday_lower_folds_every_letter_like_rust() {
        let dir = tempfile::tempdir().unwrap();
        let conn = open_connection(&dir.path().join("t.db")).unwrap();
        let lowered: String = conn
            .query_row(
                "SELECT payday_lower('Straße Ünïcode CAFÉ ΣΑΣ')",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(lowered, "Straße Ünïcode CAFÉ ΣΑΣ".to_lowercase());
    }

    #[test]
    fn migrations_are_idempotent() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let mut conn = open_connection(&path).unwrap();
        migrate(&mut conn).unwrap();
        migrate(&mut conn).unwrap();
        let version: usize = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(version, MIGRATIONS.len());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn more_concurrent_reads_than_connections_wait_their_turn() {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(SqliteStore::open(&dir.path().join("t.db")).await.unwrap());
        let owner = UserId(Uuid::new_v4());
        let reads: Vec<_> = (0..READERS * 16)
            .map(|_| {
                let store = store.clone();
                tokio::spawn(async move {
                    store
                        .get_record::<serde_json::Value>(owner, "task", Uuid::new_v4().to_string())
                        .await
                })
            })
            .collect();
        for read in reads {
            assert!(matches!(read.await.unwrap(), Ok(None)));
        }
    }
}
