//! MongoDB backend (`PAYDAY_STORE=mongodb`): one collection per aggregate, `owner` in every filter.
//!
//! Documents keep the record under `data` (the source of truth, via serde/BSON) plus the few top-level
//! fields that filters, sort order, uniqueness and version checks need. Indexes — unique where a key must
//! be unique, `owner` + sort keys for every list — are created at start-up ([`MongoStore::connect`]); that
//! is idempotent. Writes of existing records are filtered on `version` (`find_one_and_update`), creates
//! rely on unique indexes (duplicate key 11000 → `Conflict`). The design and the access pattern of every
//! endpoint are in `docs/storage.md`.
//!
//! Dependency rule: only `store.rs` (`connect`) names this module.

use std::time::Duration;

use ::mongodb::bson::{self, Bson, Document, doc};
use ::mongodb::error::{Error as MongoError, ErrorKind, WriteFailure};
use ::mongodb::options::{ClientOptions, IndexOptions, ReturnDocument};
use ::mongodb::{Client, Collection, Database, IndexModel};
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use futures_util::TryStreamExt as _;
use secrecy::{ExposeSecret as _, SecretString};
use serde::{Serialize, de::DeserializeOwned};
use shared::{
    Page,
    budget::{Bill, OccurrenceMark, PaySchedule, Settings as BudgetSettings},
    tasks::{StatusFilter, Task},
};
use uuid::Uuid;

use super::{
    AccountData, AccountStore, BudgetStore, RefreshToken, RefreshUse, Store, StoreError,
    StoreResult, TaskPosition, TaskQuery, TaskStore, User, UserId, UserStore, task_matches,
};

/// Sorts after every ISO date: undated tasks come last.
const UNDATED: &str = "~";
/// No store call may outlive this, whatever the driver does with a hung socket.
const OPERATION_TIMEOUT: Duration = Duration::from_secs(3);

const USERS: &str = "users";
const REFRESH: &str = "refresh_tokens";
const TASKS: &str = "tasks";
const SETTINGS: &str = "settings";
const SCHEDULES: &str = "schedules";
const BILLS: &str = "bills";
const MARKS: &str = "marks";

/// The MongoDB-backed store. Cheap to clone (the driver's client is an `Arc` around its pool).
#[derive(Clone)]
pub struct MongoStore {
    db: Database,
}

impl MongoStore {
    /// Connects (lazily: the driver opens connections on first use) and creates the indexes. Connection
    /// options suit Lambda and containers: a small pool, idle connections closed after a minute, and short
    /// server-selection / connect timeouts so a missing server becomes `Unavailable`, not a hang. Options
    /// given in the URI win over these defaults.
    pub async fn connect(uri: &SecretString, database: &str) -> anyhow::Result<Self> {
        // The parse error is not attached: it could quote the URI, password included.
        let mut options = ClientOptions::parse(uri.expose_secret())
            .await
            .map_err(|_| {
                anyhow::anyhow!("PAYDAY_MONGODB_URI is not a valid MongoDB connection string")
            })?;
        options.app_name.get_or_insert_with(|| "payday".into());
        options.max_pool_size.get_or_insert(10);
        options.min_pool_size.get_or_insert(0);
        options.max_idle_time.get_or_insert(Duration::from_secs(60));
        options
            .server_selection_timeout
            .get_or_insert(Duration::from_secs(2));
        options
            .connect_timeout
            .get_or_insert(Duration::from_secs(1));
        let client = Client::with_options(options)?;
        let store = MongoStore {
            db: client.database(database),
        };
        store.create_indexes().await?;
        Ok(store)
    }

    fn coll(&self, name: &str) -> Collection<Document> {
        self.db.collection(name)
    }

    /// Creates every index the queries need; a no-op when they exist.
    pub async fn create_indexes(&self) -> anyhow::Result<()> {
        let index = |keys: Document, unique: bool| {
            IndexModel::builder()
                .keys(keys)
                .options(IndexOptions::builder().unique(unique).build())
                .build()
        };
        let wanted = [
            (
                USERS,
                vec![
                    index(doc! {"owner": 1}, true),
                    index(doc! {"email": 1}, true),
                ],
            ),
            (
                REFRESH,
                vec![
                    index(doc! {"hash": 1}, true),
                    index(doc! {"owner": 1, "family": 1}, false),
                ],
            ),
            (
                TASKS,
                vec![
                    index(doc! {"owner": 1, "id": 1}, true),
                    index(
                        doc! {"owner": 1, "due_key": 1, "created_at": 1, "id": 1},
                        false,
                    ),
                ],
            ),
            (SETTINGS, vec![index(doc! {"owner": 1}, true)]),
            (
                SCHEDULES,
                vec![
                    index(doc! {"owner": 1, "id": 1}, true),
                    index(doc! {"owner": 1, "created_at": 1, "id": 1}, false),
                ],
            ),
            (
                BILLS,
                vec![
                    index(doc! {"owner": 1, "id": 1}, true),
                    index(doc! {"owner": 1, "created_at": 1, "id": 1}, false),
                ],
            ),
            (
                MARKS,
                vec![
                    index(doc! {"owner": 1, "bill_id": 1, "due_on": 1}, true),
                    index(doc! {"owner": 1, "due_on": 1, "bill_id": 1}, false),
                ],
            ),
        ];
        for (collection, indexes) in wanted {
            timed(self.coll(collection).create_indexes(indexes)).await?;
        }
        Ok(())
    }

    pub fn database(&self) -> &str {
        self.db.name()
    }
}

// ---- helpers -----------------------------------------------------------------------------------------

/// Runs one driver call under [`OPERATION_TIMEOUT`], mapping its error.
async fn timed<T>(
    call: impl std::future::IntoFuture<Output = Result<T, MongoError>>,
) -> StoreResult<T> {
    match tokio::time::timeout(OPERATION_TIMEOUT, call.into_future()).await {
        Ok(result) => result.map_err(map_error),
        Err(elapsed) => Err(StoreError::Unavailable(Box::new(elapsed))),
    }
}

/// Server error codes that mean "the server is going away / busy / unreachable": worth retrying later.
const TRANSIENT_CODES: &[i32] = &[
    6, 7, 89, 91, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436,
];

fn map_error(error: MongoError) -> StoreError {
    let code = match error.kind.as_ref() {
        ErrorKind::Write(WriteFailure::WriteError(e)) => Some(e.code),
        ErrorKind::Command(e) => Some(e.code),
        _ => None,
    };
    if code == Some(11000) {
        return StoreError::Conflict;
    }
    let transient = matches!(
        error.kind.as_ref(),
        ErrorKind::Io(_)
            | ErrorKind::ServerSelection { .. }
            | ErrorKind::ConnectionPoolCleared { .. }
            | ErrorKind::DnsResolve { .. }
            | ErrorKind::Shutdown
    ) || code.is_some_and(|c| TRANSIENT_CODES.contains(&c))
        || error.contains_label("RetryableWriteError")
        || error.contains_label("TransientTransactionError");
    if transient {
        StoreError::Unavailable(Box::new(error))
    } else {
        StoreError::backend(error)
    }
}

fn to_doc<T: Serialize>(value: &T) -> StoreResult<Document> {
    bson::to_document(value).map_err(StoreError::backend)
}

/// The record stored under `data`.
fn data<T: DeserializeOwned>(document: Document) -> StoreResult<T> {
    let inner = document
        .get_document("data")
        .map_err(StoreError::backend)?
        .clone();
    bson::from_document(inner).map_err(StoreError::backend)
}

fn version(v: u64) -> Bson {
    Bson::Int64(v as i64)
}

fn due_key(due_on: Option<NaiveDate>) -> String {
    due_on.map_or_else(|| UNDATED.to_owned(), |d| d.to_string())
}

fn owner_id(owner: UserId) -> String {
    owner.to_string()
}

impl MongoStore {
    async fn find_one(&self, collection: &str, filter: Document) -> StoreResult<Option<Document>> {
        timed(self.coll(collection).find_one(filter)).await
    }

    async fn find_all(
        &self,
        collection: &str,
        filter: Document,
        sort: Document,
    ) -> StoreResult<Vec<Document>> {
        let cursor = timed(self.coll(collection).find(filter).sort(sort)).await?;
        timed(cursor.try_collect::<Vec<Document>>()).await
    }

    async fn insert(&self, collection: &str, document: Document) -> StoreResult<()> {
        timed(self.coll(collection).insert_one(document)).await?;
        Ok(())
    }

    /// Sets `fields` (which carry the bumped version) on the document matching `filter` at version `expected`.
    /// `NotFound` if no document matches `filter`, `Conflict` if one does at another version.
    async fn update_versioned(
        &self,
        collection: &str,
        filter: Document,
        expected: u64,
        fields: Document,
    ) -> StoreResult<()> {
        let mut versioned = filter.clone();
        versioned.insert("version", version(expected));
        let updated = timed(
            self.coll(collection)
                .find_one_and_update(versioned, doc! {"$set": fields})
                .return_document(ReturnDocument::After),
        )
        .await?;
        match updated {
            Some(_) => Ok(()),
            None => Err(self.missing_or_conflict(collection, filter).await),
        }
    }

    async fn missing_or_conflict(&self, collection: &str, filter: Document) -> StoreError {
        match self.find_one(collection, filter).await {
            Ok(Some(_)) => StoreError::Conflict,
            Ok(None) => StoreError::NotFound,
            Err(error) => error,
        }
    }

    /// Deletes the document matching `filter` (and `version`, if given).
    async fn delete_versioned(
        &self,
        collection: &str,
        filter: Document,
        expected: Option<u64>,
    ) -> StoreResult<()> {
        let mut versioned = filter.clone();
        if let Some(expected) = expected {
            versioned.insert("version", version(expected));
        }
        let deleted = timed(self.coll(collection).delete_one(versioned)).await?;
        if deleted.deleted_count == 1 {
            Ok(())
        } else {
            Err(self.missing_or_conflict(collection, filter).await)
        }
    }

    /// Inserts a schedule or bill.
    /// Inserts a record unless the owner already has `limit` in `collection`. Without a multi-document
    /// transaction (not every MongoDB deployment has one), the limit holds by insert-then-count: after inserting,
    /// a create that counts more than `limit` removes its own record and reports `LimitReached`. The last create to
    /// count sees every surviving record, so survivors never exceed `limit`; near the limit, racing creates may
    /// all back out (a spurious 409 the client can retry), and a record past the limit can be visible for the
    /// moment between insert and removal. A create that backed out tries again after a short random pause (up to
    /// [`super::CREATE_ATTEMPTS`] times), so a burst mostly fills up to the limit.
    #[allow(clippy::too_many_arguments)]
    async fn create_record<T: Serialize>(
        &self,
        collection: &str,
        owner: UserId,
        id: Uuid,
        created_at: DateTime<Utc>,
        record_version: u64,
        record: &T,
        limit: usize,
    ) -> StoreResult<()> {
        let count = || async {
            let n = timed(
                self.coll(collection)
                    .count_documents(doc! {"owner": owner_id(owner)}),
            )
            .await?;
            Ok::<_, StoreError>(usize::try_from(n).unwrap_or(usize::MAX))
        };
        let document = doc! {
            "owner": owner_id(owner),
            "id": id.to_string(),
            "created_at": created_at.timestamp_micros(),
            "version": version(record_version),
            "data": to_doc(record)?,
        };
        for attempt in 0..super::CREATE_ATTEMPTS {
            if attempt > 0 {
                tokio::time::sleep(super::race_backoff()).await;
            }
            if count().await? >= limit {
                return Err(StoreError::LimitReached);
            }
            self.insert(collection, document.clone()).await?;
            if count().await? <= limit {
                return Ok(());
            }
            timed(
                self.coll(collection)
                    .delete_one(doc! {"owner": owner_id(owner), "id": id.to_string()}),
            )
            .await?;
        }
        Err(StoreError::LimitReached)
    }

    async fn get_record<T: DeserializeOwned>(
        &self,
        collection: &str,
        owner: UserId,
        id: Uuid,
    ) -> StoreResult<T> {
        let found = self
            .find_one(
                collection,
                doc! {"owner": owner_id(owner), "id": id.to_string()},
            )
            .await?;
        data(found.ok_or(StoreError::NotFound)?)
    }

    async fn list_records<T: DeserializeOwned>(
        &self,
        collection: &str,
        owner: UserId,
    ) -> StoreResult<Vec<T>> {
        self.find_all(
            collection,
            doc! {"owner": owner_id(owner)},
            doc! {"created_at": 1, "id": 1},
        )
        .await?
        .into_iter()
        .map(data)
        .collect()
    }

    async fn update_record<T: Serialize + Clone>(
        &self,
        collection: &str,
        owner: UserId,
        id: Uuid,
        record: &T,
        expected: u64,
        set_version: fn(&mut T, u64),
    ) -> StoreResult<T> {
        let mut stored = record.clone();
        set_version(&mut stored, expected + 1);
        self.update_versioned(
            collection,
            doc! {"owner": owner_id(owner), "id": id.to_string()},
            expected,
            doc! {"version": version(expected + 1), "data": to_doc(&stored)?},
        )
        .await?;
        Ok(stored)
    }

    fn task_fields(task: &Task) -> StoreResult<Document> {
        Ok(doc! {
            "due_key": due_key(task.due_on),
            "created_at": task.created_at.timestamp_micros(),
            "completed": task.completed_at.is_some(),
            "version": version(task.version),
            "data": to_doc(task)?,
        })
    }
}

// ---- the traits --------------------------------------------------------------------------------------

#[async_trait]
impl UserStore for MongoStore {
    async fn create_user(&self, user: &User) -> StoreResult<()> {
        // Unique indexes on `owner` and `email` turn a taken e-mail into 11000 → Conflict.
        self.insert(
            USERS,
            doc! {"owner": owner_id(user.id), "email": user.email.as_str(), "data": to_doc(user)?},
        )
        .await
    }

    async fn user_by_email(&self, email: &str) -> StoreResult<Option<User>> {
        self.find_one(USERS, doc! {"email": email})
            .await?
            .map(data)
            .transpose()
    }

    async fn user_by_id(&self, owner: UserId) -> StoreResult<Option<User>> {
        self.find_one(USERS, doc! {"owner": owner_id(owner)})
            .await?
            .map(data)
            .transpose()
    }

    async fn put_refresh_token(&self, token: &RefreshToken) -> StoreResult<()> {
        let document = doc! {
            "hash": token.hash.as_str(),
            "owner": owner_id(token.owner),
            "family": token.family.to_string(),
            "expires_at": token.expires_at.timestamp_micros(),
            "used": token.used,
        };
        timed(
            self.coll(REFRESH)
                .replace_one(doc! {"hash": token.hash.as_str()}, document)
                .upsert(true),
        )
        .await?;
        Ok(())
    }

    async fn use_refresh_token(&self, hash: &str, now: DateTime<Utc>) -> StoreResult<RefreshUse> {
        let Some(found) = self.find_one(REFRESH, doc! {"hash": hash}).await? else {
            return Ok(RefreshUse::Invalid);
        };
        let parsed = (
            found
                .get_str("owner")
                .ok()
                .and_then(|s| Uuid::parse_str(s).ok()),
            found
                .get_str("family")
                .ok()
                .and_then(|s| Uuid::parse_str(s).ok()),
            found
                .get_i64("expires_at")
                .ok()
                .and_then(DateTime::from_timestamp_micros),
        );
        let (Some(owner), Some(family), Some(expires_at)) = parsed else {
            return Ok(RefreshUse::Invalid);
        };
        let token = RefreshToken {
            hash: hash.to_owned(),
            owner: UserId(owner),
            family,
            expires_at,
            used: true,
        };
        if expires_at <= now {
            return Ok(RefreshUse::Invalid);
        }
        if found.get_bool("used").unwrap_or(true) {
            return Ok(RefreshUse::Reused(token));
        }
        // Spend it only if nobody else did in the meantime.
        let spent = timed(
            self.coll(REFRESH)
                .find_one_and_update(
                    doc! {"hash": hash, "used": false},
                    doc! {"$set": {"used": true}},
                )
                .return_document(ReturnDocument::After),
        )
        .await?;
        Ok(match spent {
            Some(_) => RefreshUse::Fresh(token),
            None => match self.find_one(REFRESH, doc! {"hash": hash}).await? {
                Some(_) => RefreshUse::Reused(token),
                None => RefreshUse::Invalid,
            },
        })
    }

    async fn revoke_refresh_family(&self, owner: UserId, family: Uuid) -> StoreResult<()> {
        timed(
            self.coll(REFRESH)
                .delete_many(doc! {"owner": owner_id(owner), "family": family.to_string()}),
        )
        .await?;
        Ok(())
    }
}

#[async_trait]
impl TaskStore for MongoStore {
    async fn create_task(&self, owner: UserId, task: &Task) -> StoreResult<()> {
        let mut document = doc! {"owner": owner_id(owner), "id": task.id.to_string()};
        document.extend(Self::task_fields(task)?);
        self.insert(TASKS, document).await
    }

    async fn get_task(&self, owner: UserId, id: Uuid) -> StoreResult<Task> {
        self.get_record(TASKS, owner, id).await
    }

    async fn list_tasks(&self, owner: UserId, query: &TaskQuery) -> StoreResult<Page<Task>> {
        let mut filter = doc! {"owner": owner_id(owner)};
        match query.status {
            StatusFilter::All => {}
            StatusFilter::Active => {
                filter.insert("completed", false);
            }
            StatusFilter::Completed => {
                filter.insert("completed", true);
            }
        }
        let mut range = Vec::new();
        if let Some(before) = query.due_before {
            range.push(doc! {"due_key": {"$lt": before.to_string()}});
        }
        if let Some(cursor) = query.cursor.as_deref() {
            let after = TaskPosition::decode(cursor)?;
            let (key, created, id) = (
                due_key(after.due_on),
                after.created_at,
                after.id.to_string(),
            );
            range.push(doc! {"$or": [
                {"due_key": {"$gt": key.as_str()}},
                {"due_key": key.as_str(), "created_at": {"$gt": created}},
                {"due_key": key.as_str(), "created_at": created, "id": {"$gt": id.as_str()}},
            ]});
        }
        if !range.is_empty() {
            filter.insert("$and", range);
        }
        let limit = query.limit.max(1) as usize;
        let text_filter = query.q.as_deref().is_some_and(|q| !q.is_empty());
        let tasks = self.coll(TASKS);
        let mut find = tasks
            .find(filter)
            .sort(doc! {"due_key": 1, "created_at": 1, "id": 1});
        if !text_filter {
            find = find.limit(limit as i64 + 1);
        }
        // The case-insensitive text filter runs here (`task_matches`, the rule every backend shares), so
        // user text never becomes a server-side regex; the cursor stops once a page and one more are found.
        let mut cursor = timed(find).await?;
        let mut items = Vec::new();
        while items.len() <= limit {
            let Some(document) = timed(cursor.try_next()).await? else {
                break;
            };
            let task: Task = data(document)?;
            if task_matches(&task, query) {
                items.push(task);
            }
        }
        let next_cursor =
            (items.len() > limit).then(|| TaskPosition::of(&items[limit - 1]).encode());
        items.truncate(limit);
        Ok(Page { items, next_cursor })
    }

    async fn update_task(
        &self,
        owner: UserId,
        task: &Task,
        expected_version: u64,
    ) -> StoreResult<Task> {
        let mut stored = task.clone();
        stored.version = expected_version + 1;
        self.update_versioned(
            TASKS,
            doc! {"owner": owner_id(owner), "id": task.id.to_string()},
            expected_version,
            Self::task_fields(&stored)?,
        )
        .await?;
        Ok(stored)
    }

    async fn delete_task(
        &self,
        owner: UserId,
        id: Uuid,
        expected_version: Option<u64>,
    ) -> StoreResult<()> {
        self.delete_versioned(
            TASKS,
            doc! {"owner": owner_id(owner), "id": id.to_string()},
            expected_version,
        )
        .await
    }
}

#[async_trait]
impl BudgetStore for MongoStore {
    async fn get_settings(&self, owner: UserId) -> StoreResult<Option<BudgetSettings>> {
        self.find_one(SETTINGS, doc! {"owner": owner_id(owner)})
            .await?
            .map(data)
            .transpose()
    }

    async fn put_settings(
        &self,
        owner: UserId,
        settings: &BudgetSettings,
        expected_version: Option<u64>,
    ) -> StoreResult<BudgetSettings> {
        let mut stored = settings.clone();
        stored.version = expected_version.map_or(1, |v| v + 1);
        let fields = doc! {"version": version(stored.version), "data": to_doc(&stored)?};
        match expected_version {
            None => {
                let mut document = doc! {"owner": owner_id(owner)};
                document.extend(fields);
                self.insert(SETTINGS, document).await?;
            }
            Some(expected) => {
                match self
                    .update_versioned(SETTINGS, doc! {"owner": owner_id(owner)}, expected, fields)
                    .await
                {
                    Err(StoreError::NotFound) => return Err(StoreError::Conflict),
                    other => other?,
                }
            }
        }
        Ok(stored)
    }

    async fn create_schedule(
        &self,
        owner: UserId,
        schedule: &PaySchedule,
        limit: usize,
    ) -> StoreResult<()> {
        self.create_record(
            SCHEDULES,
            owner,
            schedule.id,
            schedule.created_at,
            schedule.version,
            schedule,
            limit,
        )
        .await
    }

    async fn get_schedule(&self, owner: UserId, id: Uuid) -> StoreResult<PaySchedule> {
        self.get_record(SCHEDULES, owner, id).await
    }

    async fn list_schedules(&self, owner: UserId) -> StoreResult<Vec<PaySchedule>> {
        self.list_records(SCHEDULES, owner).await
    }

    async fn update_schedule(
        &self,
        owner: UserId,
        schedule: &PaySchedule,
        expected_version: u64,
    ) -> StoreResult<PaySchedule> {
        self.update_record(
            SCHEDULES,
            owner,
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
        self.delete_versioned(
            SCHEDULES,
            doc! {"owner": owner_id(owner), "id": id.to_string()},
            expected_version,
        )
        .await
    }

    async fn create_bill(&self, owner: UserId, bill: &Bill, limit: usize) -> StoreResult<()> {
        self.create_record(
            BILLS,
            owner,
            bill.id,
            bill.created_at,
            bill.version,
            bill,
            limit,
        )
        .await
    }

    async fn get_bill(&self, owner: UserId, id: Uuid) -> StoreResult<Bill> {
        self.get_record(BILLS, owner, id).await
    }

    async fn list_bills(&self, owner: UserId) -> StoreResult<Vec<Bill>> {
        self.list_records(BILLS, owner).await
    }

    async fn update_bill(
        &self,
        owner: UserId,
        bill: &Bill,
        expected_version: u64,
    ) -> StoreResult<Bill> {
        self.update_record(BILLS, owner, bill.id, bill, expected_version, |b, v| {
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
        // The bill first (conditionally), then its marks; leftovers of an interrupted run name a bill that
        // no longer exists (the budget engine ignores them) and go with the account.
        self.delete_versioned(
            BILLS,
            doc! {"owner": owner_id(owner), "id": id.to_string()},
            expected_version,
        )
        .await?;
        timed(
            self.coll(MARKS)
                .delete_many(doc! {"owner": owner_id(owner), "bill_id": id.to_string()}),
        )
        .await?;
        Ok(())
    }

    async fn put_mark(&self, owner: UserId, mark: &OccurrenceMark) -> StoreResult<()> {
        let filter = doc! {
            "owner": owner_id(owner),
            "bill_id": mark.bill_id.to_string(),
            "due_on": mark.due_on.to_string(),
        };
        let mut document = filter.clone();
        document.insert("data", to_doc(mark)?);
        timed(
            self.coll(MARKS)
                .replace_one(filter.clone(), document)
                .upsert(true),
        )
        .await?;
        // Write, then check the bill is still there. `delete_bill` removes the bill before its marks, so either
        // this check sees the bill (and that later sweep takes the mark), or it does not and the mark goes here.
        let bill = timed(
            self.coll(BILLS)
                .find_one(doc! {"owner": owner_id(owner), "id": mark.bill_id.to_string()}),
        )
        .await?;
        if bill.is_none() {
            timed(self.coll(MARKS).delete_one(filter)).await?;
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    async fn delete_mark(
        &self,
        owner: UserId,
        bill_id: Uuid,
        due_on: NaiveDate,
    ) -> StoreResult<()> {
        let deleted = timed(self.coll(MARKS).delete_one(doc! {
            "owner": owner_id(owner),
            "bill_id": bill_id.to_string(),
            "due_on": due_on.to_string(),
        }))
        .await?;
        if deleted.deleted_count == 1 {
            Ok(())
        } else {
            Err(StoreError::NotFound)
        }
    }

    async fn list_marks(
        &self,
        owner: UserId,
        from: NaiveDate,
        until: NaiveDate,
    ) -> StoreResult<Vec<OccurrenceMark>> {
        self.find_all(
            MARKS,
            doc! {
                "owner": owner_id(owner),
                "due_on": {"$gte": from.to_string(), "$lt": until.to_string()},
            },
            doc! {"due_on": 1, "bill_id": 1},
        )
        .await?
        .into_iter()
        .map(data)
        .collect()
    }
}

#[async_trait]
impl AccountStore for MongoStore {
    async fn export_account(&self, owner: UserId) -> StoreResult<AccountData> {
        let tasks = self
            .find_all(
                TASKS,
                doc! {"owner": owner_id(owner)},
                doc! {"due_key": 1, "created_at": 1, "id": 1},
            )
            .await?
            .into_iter()
            .map(data)
            .collect::<StoreResult<Vec<Task>>>()?;
        let marks = self
            .find_all(
                MARKS,
                doc! {"owner": owner_id(owner)},
                doc! {"due_on": 1, "bill_id": 1},
            )
            .await?
            .into_iter()
            .map(data)
            .collect::<StoreResult<Vec<OccurrenceMark>>>()?;
        Ok(AccountData {
            user: self.user_by_id(owner).await?,
            tasks,
            settings: self.get_settings(owner).await?,
            schedules: self.list_schedules(owner).await?,
            bills: self.list_bills(owner).await?,
            marks,
        })
    }

    async fn delete_account(&self, owner: UserId) -> StoreResult<()> {
        // The user document goes last, so an interrupted deletion can simply be run again.
        for collection in [TASKS, SETTINGS, SCHEDULES, BILLS, MARKS, REFRESH, USERS] {
            timed(
                self.coll(collection)
                    .delete_many(doc! {"owner": owner_id(owner)}),
            )
            .await?;
        }
        Ok(())
    }
}

#[async_trait]
impl Store for MongoStore {
    async fn ping(&self) -> StoreResult<()> {
        timed(self.db.run_command(doc! {"ping": 1})).await?;
        Ok(())
    }

    fn describe(&self) -> String {
        format!("MongoDB database {}", self.db.name())
    }
}
