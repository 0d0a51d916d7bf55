//! DynamoDB backend (`PAYDAY_STORE=dynamodb`): one table, every user's records in their own partition.
//!
//! Key design (the full table, with the access pattern of every endpoint, is in `docs/storage.md`):
//!
//! | Item | `PK` | `SK` | `LSI1SK` (local index `LSI1`) |
//! |---|---|---|---|
//! | profile | `USER#<sub>` | `PROFILE` | |
//! | task | `USER#<sub>` | `TASK#<id>` | `TASK#<due or ~>#<created µs>#<id>` (list order) |
//! | budget settings | `USER#<sub>` | `SETTINGS` | |
//! | pay schedule / bill | `USER#<sub>` | `SCHEDULE#<id>` / `BILL#<id>` | |
//! | occurrence mark | `USER#<sub>` | `MARK#<due_on>#<bill_id>` (date range) | `MARKBILL#<bill_id>#<due_on>` (by bill) |
//! | refresh-token pointer | `USER#<sub>` | `REFRESH#<family>#<hash>` | |
//! | e-mail claim | `EMAIL#<email>` | `EMAIL` | |
//! | refresh token | `REFRESH#<sha256>` | `REFRESH` | |
//!
//! Every list is a `Query` on one partition (never a `Scan`); every write of an existing record is conditional
//! on its `version`, every create on `attribute_not_exists(PK)`. Items are mapped with `serde_dynamo` from
//! private item structs, so the record types never learn about DynamoDB.
//!
//! Dependency rule: only `store.rs` (`connect`) and the `server init-store` command name this module.

use std::collections::HashMap;
use std::time::Duration;

use async_trait::async_trait;
use aws_config::{BehaviorVersion, ConfigLoader, retry::RetryConfig, timeout::TimeoutConfig};
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::AttributeValue;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, ConditionCheck, DeleteRequest, KeySchemaElement, KeyType,
    LocalSecondaryIndex, Projection, ProjectionType, Put, ScalarAttributeType, TableStatus,
    TimeToLiveSpecification, TransactWriteItem, WriteRequest,
};
use base64::Engine as _;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use serde_dynamo::aws_sdk_dynamodb_1::{from_item, to_item};
use shared::{
    Page,
    budget::{Bill, OccurrenceMark, PaySchedule, Settings as BudgetSettings},
    tasks::Task,
};
use uuid::Uuid;

use super::{
    AccountData, AccountStore, BudgetStore, RefreshToken, RefreshUse, Store, StoreError,
    StoreResult, TaskPosition, TaskQuery, TaskStore, User, UserId, UserStore, task_matches,
};

type Item = HashMap<String, AttributeValue>;

/// The local secondary index that orders tasks and groups marks by bill.
pub const INDEX: &str = "LSI1";
/// AWS's `BatchWriteItem` limit (moto accepts more; AWS does not).
const BATCH: usize = 25;
/// Sorts after every ISO date: undated tasks come last.
const UNDATED: &str = "~";

/// Per-call limits: a dead or hung endpoint surfaces as `Unavailable` well inside the 10 s request timeout.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(1);
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(2);
const OPERATION_TIMEOUT: Duration = Duration::from_secs(3);
const MAX_ATTEMPTS: u32 = 3;

/// The DynamoDB-backed store. Cheap to clone (the SDK client is an `Arc`).
#[derive(Clone)]
pub struct DynamoStore {
    client: Client,
    table: String,
}

impl DynamoStore {
    /// Connects with the standard AWS chain: region, credentials and `AWS_ENDPOINT_URL` (LocalStack, moto)
    /// all come from the environment / profile / instance role. No network call is made here.
    pub async fn connect(table: impl Into<String>) -> Self {
        Self::with_loader(aws_config::defaults(BehaviorVersion::latest()), table).await
    }

    /// As [`connect`](Self::connect), from a caller-prepared config loader (tests point it at their own
    /// endpoint); our timeouts and retry policy are applied on top.
    pub async fn with_loader(loader: ConfigLoader, table: impl Into<String>) -> Self {
        let config = loader
            .timeout_config(
                TimeoutConfig::builder()
                    .connect_timeout(CONNECT_TIMEOUT)
                    .operation_attempt_timeout(ATTEMPT_TIMEOUT)
                    .operation_timeout(OPERATION_TIMEOUT)
                    .build(),
            )
            .retry_config(
                RetryConfig::standard()
                    .with_max_attempts(MAX_ATTEMPTS)
                    .with_initial_backoff(Duration::from_millis(50))
                    .with_max_backoff(Duration::from_millis(500)),
            )
            .load()
            .await;
        DynamoStore {
            client: Client::new(&config),
            table: table.into(),
        }
    }

    /// Creates the table (and its index and TTL setting) if missing and waits until it is active. Idempotent;
    /// for local use and tests — in AWS the infrastructure templates own the table.
    pub async fn create_table(&self) -> StoreResult<()> {
        let attribute = |name: &str| {
            AttributeDefinition::builder()
                .attribute_name(name)
                .attribute_type(ScalarAttributeType::S)
                .build()
                .map_err(StoreError::backend)
        };
        let key = |name: &str, key_type: KeyType| {
            KeySchemaElement::builder()
                .attribute_name(name)
                .key_type(key_type)
                .build()
                .map_err(StoreError::backend)
        };
        let created = self
            .client
            .create_table()
            .table_name(&self.table)
            .billing_mode(BillingMode::PayPerRequest)
            .attribute_definitions(attribute("PK")?)
            .attribute_definitions(attribute("SK")?)
            .attribute_definitions(attribute("LSI1SK")?)
            .key_schema(key("PK", KeyType::Hash)?)
            .key_schema(key("SK", KeyType::Range)?)
            .local_secondary_indexes(
                LocalSecondaryIndex::builder()
                    .index_name(INDEX)
                    .key_schema(key("PK", KeyType::Hash)?)
                    .key_schema(key("LSI1SK", KeyType::Range)?)
                    .projection(
                        Projection::builder()
                            .projection_type(ProjectionType::All)
                            .build(),
                    )
                    .build()
                    .map_err(StoreError::backend)?,
            )
            .send()
            .await;
        match created {
            Ok(_) => {}
            Err(error) if service_code(&error) == Some("ResourceInUseException") => {}
            Err(error) => return Err(sdk_error(error)),
        }
        for _ in 0..120 {
            let described = self
                .client
                .describe_table()
                .table_name(&self.table)
                .send()
                .await
                .map_err(sdk_error)?;
            if described.table().and_then(|t| t.table_status()) == Some(&TableStatus::Active) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
        let ttl = self
            .client
            .describe_time_to_live()
            .table_name(&self.table)
            .send()
            .await
            .map_err(sdk_error)?;
        let enabled = ttl
            .time_to_live_description()
            .and_then(|d| d.attribute_name())
            .is_some();
        if !enabled {
            self.client
                .update_time_to_live()
                .table_name(&self.table)
                .time_to_live_specification(
                    TimeToLiveSpecification::builder()
                        .attribute_name("expires")
                        .enabled(true)
                        .build()
                        .map_err(StoreError::backend)?,
                )
                .send()
                .await
                .map_err(sdk_error)?;
        }
        Ok(())
    }

    pub fn table(&self) -> &str {
        &self.table
    }
}

// ---- item shapes (private: the wire types never see these) ----------------------------------------------

/// A versioned record in the user's partition: the record itself under `data`, plus the keys and the
/// `version` copy that conditions test.
#[derive(Serialize, Deserialize)]
struct RecordItem<T> {
    #[serde(rename = "PK")]
    pk: String,
    #[serde(rename = "SK")]
    sk: String,
    #[serde(rename = "LSI1SK", default, skip_serializing_if = "Option::is_none")]
    lsi1sk: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    version: Option<u64>,
    data: T,
}

#[derive(Serialize, Deserialize)]
struct EmailItem {
    #[serde(rename = "PK")]
    pk: String,
    #[serde(rename = "SK")]
    sk: String,
    user_id: Uuid,
}

/// The refresh token itself, found by hash alone (the caller does not know the owner yet).
#[derive(Serialize, Deserialize)]
struct RefreshItem {
    #[serde(rename = "PK")]
    pk: String,
    #[serde(rename = "SK")]
    sk: String,
    owner: Uuid,
    family: Uuid,
    /// Microseconds since the epoch.
    expires_at: i64,
    used: bool,
    /// Seconds since the epoch: DynamoDB's TTL removes spent tokens eventually.
    expires: i64,
}

/// A pointer in the owner's partition, so family revocation and account deletion find the tokens.
#[derive(Serialize, Deserialize)]
struct RefreshRefItem {
    #[serde(rename = "PK")]
    pk: String,
    #[serde(rename = "SK")]
    sk: String,
}

fn user_pk(owner: UserId) -> String {
    format!("USER#{owner}")
}

fn email_pk(email: &str) -> String {
    format!("EMAIL#{email}")
}

fn refresh_pk(hash: &str) -> String {
    format!("REFRESH#{hash}")
}

const PROFILE: &str = "PROFILE";
const SETTINGS: &str = "SETTINGS";

fn task_sk(id: Uuid) -> String {
    format!("TASK#{id}")
}

fn schedule_sk(id: Uuid) -> String {
    format!("SCHEDULE#{id}")
}

fn bill_sk(id: Uuid) -> String {
    format!("BILL#{id}")
}

fn mark_sk(due_on: NaiveDate, bill_id: Uuid) -> String {
    format!("MARK#{due_on}#{bill_id}")
}

fn mark_by_bill(bill_id: Uuid, due_on: NaiveDate) -> String {
    format!("MARKBILL#{bill_id}#{due_on}")
}

/// The task's place in list order as a string that sorts like [`TaskPosition`]: due date (undated last),
/// creation time (order-preserving unsigned, zero-padded), id (hyphenated UUIDs sort like their bytes).
fn task_order(position: &TaskPosition) -> String {
    let due = position
        .due_on
        .map_or_else(|| UNDATED.to_owned(), |d| d.to_string());
    let created = (position.created_at as u64) ^ (1 << 63);
    format!("TASK#{due}#{created:020}#{}", position.id)
}

fn s(value: impl Into<String>) -> AttributeValue {
    AttributeValue::S(value.into())
}

fn n(value: u64) -> AttributeValue {
    AttributeValue::N(value.to_string())
}

fn key(pk: String, sk: String) -> Item {
    HashMap::from([("PK".to_owned(), s(pk)), ("SK".to_owned(), s(sk))])
}

fn encode<T: Serialize>(value: &T) -> StoreResult<Item> {
    to_item(value).map_err(StoreError::backend)
}

fn decode<T: DeserializeOwned>(item: Item) -> StoreResult<T> {
    from_item(item).map_err(StoreError::backend)
}

fn string_attr<'a>(item: &'a Item, name: &str) -> Option<&'a str> {
    item.get(name)
        .and_then(|v| v.as_s().ok())
        .map(String::as_str)
}

// ---- error mapping -----------------------------------------------------------------------------------

fn service_code<E: ProvideErrorMetadata, R>(error: &SdkError<E, R>) -> Option<&str> {
    error.as_service_error().and_then(|e| e.code())
}

fn is_condition_failure<E: ProvideErrorMetadata, R>(error: &SdkError<E, R>) -> bool {
    service_code(error) == Some("ConditionalCheckFailedException")
}

/// A transaction was cancelled because one of its conditions did not hold.
fn lost_transaction_condition<R>(error: &SdkError<TransactWriteItemsError, R>) -> bool {
    matches!(
        error.as_service_error(),
        Some(TransactWriteItemsError::TransactionCanceledException(cancelled))
            if cancelled.cancellation_reasons().iter()
                .any(|r| r.code() == Some("ConditionalCheckFailed"))
    )
}

/// Transport trouble, throttling, AWS-side faults and a missing table are worth retrying later
/// (`Unavailable` → 503, and `/readyz` fails); the rest is a bug (`Backend` → 500). The SDK error stays the source; nothing is stringified.
fn sdk_error<E, R>(error: SdkError<E, R>) -> StoreError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    let transient = match &error {
        SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) | SdkError::ResponseError(_) => {
            true
        }
        SdkError::ServiceError(_) => matches!(
            service_code(&error),
            Some(
                "ProvisionedThroughputExceededException"
                    | "ThrottlingException"
                    | "RequestLimitExceeded"
                    | "InternalServerError"
                    | "ServiceUnavailable"
                    | "TransactionConflictException"
                    | "TransactionInProgressException"
                    // The table is missing (being created or restored, or a wrong name): the store is not
                    // there to serve, which is an outage for the caller, not a bug in the request.
                    | "ResourceNotFoundException"
            )
        ),
        _ => false,
    };
    if transient {
        StoreError::Unavailable(Box::new(error))
    } else {
        StoreError::backend(error)
    }
}

// ---- the opaque task cursor --------------------------------------------------------------------------

/// The `ExclusiveStartKey` of the next page minus the partition key (which comes from the caller's token, so
/// a cursor can never reach another user's partition).
#[derive(Serialize, Deserialize)]
struct Cursor {
    sk: String,
    lsi: String,
}

impl Cursor {
    fn encode(&self) -> String {
        let json = serde_json::to_vec(self).expect("cursor serializes");
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json)
    }

    fn decode(text: &str) -> StoreResult<Self> {
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(text)
            .map_err(|_| StoreError::BadCursor)?;
        let cursor: Cursor = serde_json::from_slice(&bytes).map_err(|_| StoreError::BadCursor)?;
        if cursor.sk.starts_with("TASK#") && cursor.lsi.starts_with("TASK#") {
            Ok(cursor)
        } else {
            Err(StoreError::BadCursor)
        }
    }
}

// ---- shared operations -------------------------------------------------------------------------------

impl DynamoStore {
    async fn get(&self, pk: String, sk: String) -> StoreResult<Option<Item>> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key(pk, sk)))
            .consistent_read(true)
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(out.item)
    }

    async fn get_record<T: DeserializeOwned>(
        &self,
        owner: UserId,
        sk: String,
    ) -> StoreResult<Option<T>> {
        self.get(user_pk(owner), sk)
            .await?
            .map(|item| decode::<RecordItem<T>>(item).map(|r| r.data))
            .transpose()
    }

    /// Puts a new record unless the owner already has `limit` items under `prefix`. Insert-then-count (no
    /// counter item to migrate): after the put, a create that counts more than `limit` (strongly consistent query)
    /// deletes its own item and reports `LimitReached`. The last create to count sees every surviving item, so
    /// survivors never exceed `limit`; near the limit, racing creates may all back out (a spurious 409), and an
    /// item past the limit can be visible between its put and its removal. A create that backed out tries again
    /// after a short random pause (up to [`super::CREATE_ATTEMPTS`] times), so a burst mostly fills up to the limit.
    async fn create_within_limit(
        &self,
        owner: UserId,
        prefix: &str,
        sk: String,
        item: Item,
        limit: usize,
    ) -> StoreResult<()> {
        let count = || async {
            self.query_all(
                None,
                "PK = :pk AND begins_with(SK, :prefix)",
                vec![(":pk", s(user_pk(owner))), (":prefix", s(prefix))],
            )
            .await
            .map(|items| items.len())
        };
        for attempt in 0..super::CREATE_ATTEMPTS {
            if attempt > 0 {
                tokio::time::sleep(super::race_backoff()).await;
            }
            if count().await? >= limit {
                return Err(StoreError::LimitReached);
            }
            self.create(item.clone()).await?;
            if count().await? <= limit {
                return Ok(());
            }
            self.delete_record(owner, sk.clone(), None).await?;
        }
        Err(StoreError::LimitReached)
    }

    /// Puts a new item; `Conflict` if the key exists.
    async fn create(&self, item: Item) -> StoreResult<()> {
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(PK)")
            .send()
            .await
            .map(|_| ())
            .map_err(|error| {
                if is_condition_failure(&error) {
                    StoreError::Conflict
                } else {
                    sdk_error(error)
                }
            })
    }

    /// After a conditional write lost: `Conflict` if the item exists, else `NotFound`.
    async fn missing_or_conflict(&self, pk: String, sk: String) -> StoreError {
        match self.get(pk, sk).await {
            Ok(Some(_)) => StoreError::Conflict,
            Ok(None) => StoreError::NotFound,
            Err(error) => error,
        }
    }

    /// Replaces a record stored at `expected` with `record` at `expected + 1`.
    async fn update_record<T: Serialize + Clone>(
        &self,
        owner: UserId,
        sk: String,
        lsi1sk: Option<String>,
        record: &T,
        expected: u64,
        set_version: fn(&mut T, u64),
    ) -> StoreResult<T> {
        let mut stored = record.clone();
        set_version(&mut stored, expected + 1);
        let item = encode(&RecordItem {
            pk: user_pk(owner),
            sk: sk.clone(),
            lsi1sk,
            version: Some(expected + 1),
            data: &stored,
        })?;
        let written = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_exists(PK) AND version = :expected")
            .expression_attribute_values(":expected", n(expected))
            .send()
            .await;
        match written {
            Ok(_) => Ok(stored),
            Err(error) if is_condition_failure(&error) => {
                Err(self.missing_or_conflict(user_pk(owner), sk).await)
            }
            Err(error) => Err(sdk_error(error)),
        }
    }

    /// Deletes a record; `NotFound` if absent, `Conflict` if `expected` is given and stale.
    async fn delete_record(
        &self,
        owner: UserId,
        sk: String,
        expected: Option<u64>,
    ) -> StoreResult<()> {
        let mut request = self
            .client
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(key(user_pk(owner), sk.clone())));
        request = match expected {
            Some(version) => request
                .condition_expression("attribute_exists(PK) AND version = :expected")
                .expression_attribute_values(":expected", n(version)),
            None => request.condition_expression("attribute_exists(PK)"),
        };
        match request.send().await {
            Ok(_) => Ok(()),
            Err(error) if is_condition_failure(&error) => {
                Err(self.missing_or_conflict(user_pk(owner), sk).await)
            }
            Err(error) => Err(sdk_error(error)),
        }
    }

    /// Every item of one query, following `LastEvaluatedKey` until it is absent (an empty last page, as AWS
    /// returns after an exactly-full page, is fine).
    async fn query_all(
        &self,
        index: Option<&str>,
        condition: &str,
        values: Vec<(&str, AttributeValue)>,
    ) -> StoreResult<Vec<Item>> {
        let mut items = Vec::new();
        let mut start: Option<Item> = None;
        loop {
            let mut request = self
                .client
                .query()
                .table_name(&self.table)
                .set_index_name(index.map(str::to_owned))
                .key_condition_expression(condition)
                .consistent_read(true)
                .set_exclusive_start_key(start.take());
            for (name, value) in &values {
                request = request.expression_attribute_values(*name, value.clone());
            }
            let out = request.send().await.map_err(sdk_error)?;
            items.extend(out.items.unwrap_or_default());
            match out.last_evaluated_key {
                Some(next) if !next.is_empty() => start = Some(next),
                _ => return Ok(items),
            }
        }
    }

    /// Records of one kind in the owner's partition, oldest first.
    async fn list_kind<T: DeserializeOwned>(
        &self,
        owner: UserId,
        prefix: &str,
        order: impl Fn(&T) -> (DateTime<Utc>, Uuid),
    ) -> StoreResult<Vec<T>> {
        let items = self
            .query_all(
                None,
                "PK = :pk AND begins_with(SK, :prefix)",
                vec![(":pk", s(user_pk(owner))), (":prefix", s(prefix))],
            )
            .await?;
        let mut records = items
            .into_iter()
            .map(|item| decode::<RecordItem<T>>(item).map(|r| r.data))
            .collect::<StoreResult<Vec<T>>>()?;
        records.sort_by_key(|r| order(r));
        Ok(records)
    }

    /// Deletes keys in batches of 25, resubmitting `UnprocessedItems` with backoff.
    async fn delete_keys(&self, keys: Vec<Item>) -> StoreResult<()> {
        for chunk in keys.chunks(BATCH) {
            let mut requests = chunk
                .iter()
                .map(|k| {
                    DeleteRequest::builder()
                        .set_key(Some(k.clone()))
                        .build()
                        .map(|d| WriteRequest::builder().delete_request(d).build())
                        .map_err(StoreError::backend)
                })
                .collect::<StoreResult<Vec<_>>>()?;
            let mut attempt = 0u32;
            while !requests.is_empty() {
                let out = self
                    .client
                    .batch_write_item()
                    .request_items(&self.table, requests)
                    .send()
                    .await
                    .map_err(sdk_error)?;
                requests = out
                    .unprocessed_items
                    .and_then(|mut left| left.remove(&self.table))
                    .unwrap_or_default();
                if !requests.is_empty() {
                    attempt += 1;
                    if attempt > 5 {
                        return Err(StoreError::Unavailable(
                            "DynamoDB left batch deletes unprocessed".into(),
                        ));
                    }
                    tokio::time::sleep(Duration::from_millis(50 << attempt)).await;
                }
            }
        }
        Ok(())
    }

    /// Deletes the token and its pointer for each `REFRESH#<family>#<hash>` pointer key given.
    fn refresh_keys(owner: UserId, pointer_sks: impl IntoIterator<Item = String>) -> Vec<Item> {
        let mut keys = Vec::new();
        for sk in pointer_sks {
            if let Some(hash) = sk.rsplit('#').next() {
                keys.push(key(refresh_pk(hash), "REFRESH".into()));
            }
            keys.push(key(user_pk(owner), sk));
        }
        keys
    }
}

// ---- the traits --------------------------------------------------------------------------------------

#[async_trait]
impl UserStore for DynamoStore {
    async fn create_user(&self, user: &User) -> StoreResult<()> {
        // The profile and the e-mail claim are written together or not at all.
        let put = |item: Item| {
            Put::builder()
                .table_name(&self.table)
                .set_item(Some(item))
                .condition_expression("attribute_not_exists(PK)")
                .build()
                .map(|p| TransactWriteItem::builder().put(p).build())
                .map_err(StoreError::backend)
        };
        let profile = encode(&RecordItem {
            pk: user_pk(user.id),
            sk: PROFILE.into(),
            lsi1sk: None,
            version: None,
            data: user,
        })?;
        let claim = encode(&EmailItem {
            pk: email_pk(&user.email),
            sk: "EMAIL".into(),
            user_id: user.id.0,
        })?;
        let written = self
            .client
            .transact_write_items()
            .transact_items(put(profile)?)
            .transact_items(put(claim)?)
            .send()
            .await;
        match written {
            Ok(_) => Ok(()),
            Err(error) => {
                let lost_condition = matches!(
                    error.as_service_error(),
                    Some(TransactWriteItemsError::TransactionCanceledException(cancelled))
                        if cancelled.cancellation_reasons().iter()
                            .any(|r| r.code() == Some("ConditionalCheckFailed"))
                );
                Err(if lost_condition {
                    StoreError::Conflict
                } else {
                    sdk_error(error)
                })
            }
        }
    }

    async fn user_by_email(&self, email: &str) -> StoreResult<Option<User>> {
        let Some(claim) = self.get(email_pk(email), "EMAIL".into()).await? else {
            return Ok(None);
        };
        let claim: EmailItem = decode(claim)?;
        self.user_by_id(UserId(claim.user_id)).await
    }

    async fn user_by_id(&self, owner: UserId) -> StoreResult<Option<User>> {
        self.get_record(owner, PROFILE.into()).await
    }

    async fn put_refresh_token(&self, token: &RefreshToken) -> StoreResult<()> {
        let item = encode(&RefreshItem {
            pk: refresh_pk(&token.hash),
            sk: "REFRESH".into(),
            owner: token.owner.0,
            family: token.family,
            expires_at: token.expires_at.timestamp_micros(),
            used: token.used,
            expires: token.expires_at.timestamp(),
        })?;
        let pointer = encode(&RefreshRefItem {
            pk: user_pk(token.owner),
            sk: format!("REFRESH#{}#{}", token.family, token.hash),
        })?;
        let put = |item: Item| {
            Put::builder()
                .table_name(&self.table)
                .set_item(Some(item))
                .build()
                .map(|p| TransactWriteItem::builder().put(p).build())
                .map_err(StoreError::backend)
        };
        self.client
            .transact_write_items()
            .transact_items(put(item)?)
            .transact_items(put(pointer)?)
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(())
    }

    async fn use_refresh_token(&self, hash: &str, now: DateTime<Utc>) -> StoreResult<RefreshUse> {
        let Some(item) = self.get(refresh_pk(hash), "REFRESH".into()).await? else {
            return Ok(RefreshUse::Invalid);
        };
        let item: RefreshItem = decode(item)?;
        let Some(expires_at) = DateTime::from_timestamp_micros(item.expires_at) else {
            return Ok(RefreshUse::Invalid);
        };
        let token = RefreshToken {
            hash: hash.to_owned(),
            owner: UserId(item.owner),
            family: item.family,
            expires_at,
            used: true,
        };
        if expires_at <= now {
            return Ok(RefreshUse::Invalid);
        }
        if item.used {
            return Ok(RefreshUse::Reused(token));
        }
        // Spend it only if nobody else did in the meantime.
        let spent = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(refresh_pk(hash), "REFRESH".into())))
            .update_expression("SET used = :true")
            .condition_expression("used = :false")
            .expression_attribute_values(":true", AttributeValue::Bool(true))
            .expression_attribute_values(":false", AttributeValue::Bool(false))
            .send()
            .await;
        match spent {
            Ok(_) => Ok(RefreshUse::Fresh(token)),
            Err(error) if is_condition_failure(&error) => {
                // Spent concurrently, or revoked (deleted) in between.
                match self.get(refresh_pk(hash), "REFRESH".into()).await? {
                    Some(_) => Ok(RefreshUse::Reused(token)),
                    None => Ok(RefreshUse::Invalid),
                }
            }
            Err(error) => Err(sdk_error(error)),
        }
    }

    async fn revoke_refresh_family(&self, owner: UserId, family: Uuid) -> StoreResult<()> {
        let pointers = self
            .query_all(
                None,
                "PK = :pk AND begins_with(SK, :prefix)",
                vec![
                    (":pk", s(user_pk(owner))),
                    (":prefix", s(format!("REFRESH#{family}#"))),
                ],
            )
            .await?;
        let sks = pointers
            .iter()
            .filter_map(|item| string_attr(item, "SK").map(str::to_owned));
        self.delete_keys(Self::refresh_keys(owner, sks)).await
    }
}

#[async_trait]
impl TaskStore for DynamoStore {
    async fn create_task(&self, owner: UserId, task: &Task) -> StoreResult<()> {
        self.create(encode(&RecordItem {
            pk: user_pk(owner),
            sk: task_sk(task.id),
            lsi1sk: Some(task_order(&TaskPosition::of(task))),
            version: Some(task.version),
            data: task,
        })?)
        .await
    }

    async fn get_task(&self, owner: UserId, id: Uuid) -> StoreResult<Task> {
        self.get_record(owner, task_sk(id))
            .await?
            .ok_or(StoreError::NotFound)
    }

    async fn list_tasks(&self, owner: UserId, query: &TaskQuery) -> StoreResult<Page<Task>> {
        let after = query.cursor.as_deref().map(Cursor::decode).transpose()?;
        // Key condition on the order index: all tasks, or (due_before) only those dated strictly earlier —
        // "TASK#<date>" sorts before every key of a task due on that date, and undated ("~") after all dates.
        let (condition, upper) = match query.due_before {
            Some(before) => (
                "PK = :pk AND LSI1SK BETWEEN :lo AND :hi",
                Some(format!("TASK#{before}")),
            ),
            None => ("PK = :pk AND begins_with(LSI1SK, :lo)", None),
        };
        if let (Some(after), Some(upper)) = (&after, &upper)
            && after.lsi >= *upper
        {
            return Ok(Page {
                items: Vec::new(),
                next_cursor: None,
            });
        }
        let limit = query.limit.max(1) as usize;
        // Status and text filters run here, on each page, with the same rules as every other backend
        // (`task_matches`); a DynamoDB FilterExpression would cost the same reads and could not lowercase.
        let page_size = (limit as i32 + 1).clamp(25, 100);
        let mut start = after.map(|cursor| {
            let mut start = key(user_pk(owner), cursor.sk);
            start.insert("LSI1SK".into(), s(cursor.lsi));
            start
        });
        let mut found: Vec<Task> = Vec::new();
        loop {
            let mut request = self
                .client
                .query()
                .table_name(&self.table)
                .index_name(INDEX)
                .key_condition_expression(condition)
                .expression_attribute_values(":pk", s(user_pk(owner)))
                .expression_attribute_values(":lo", s("TASK#"))
                .consistent_read(true)
                .limit(page_size)
                .set_exclusive_start_key(start.take());
            if let Some(upper) = &upper {
                request = request.expression_attribute_values(":hi", s(upper.clone()));
            }
            let out = request.send().await.map_err(sdk_error)?;
            for item in out.items.unwrap_or_default() {
                let task = decode::<RecordItem<Task>>(item)?.data;
                if task_matches(&task, query) {
                    found.push(task);
                }
            }
            if found.len() > limit {
                break;
            }
            match out.last_evaluated_key {
                Some(next) if !next.is_empty() => start = Some(next),
                _ => break,
            }
        }
        // One item beyond the page proves there is a next page; its cursor is the key of the last item shown.
        let next_cursor = (found.len() > limit).then(|| {
            let last = &found[limit - 1];
            Cursor {
                sk: task_sk(last.id),
                lsi: task_order(&TaskPosition::of(last)),
            }
            .encode()
        });
        found.truncate(limit);
        Ok(Page {
            items: found,
            next_cursor,
        })
    }

    async fn update_task(
        &self,
        owner: UserId,
        task: &Task,
        expected_version: u64,
    ) -> StoreResult<Task> {
        self.update_record(
            owner,
            task_sk(task.id),
            Some(task_order(&TaskPosition::of(task))),
            task,
            expected_version,
            |t, v| t.version = v,
        )
        .await
    }

    async fn delete_task(
        &self,
        owner: UserId,
        id: Uuid,
        expected_version: Option<u64>,
    ) -> StoreResult<()> {
        self.delete_record(owner, task_sk(id), expected_version)
            .await
    }
}

#[async_trait]
impl BudgetStore for DynamoStore {
    async fn get_settings(&self, owner: UserId) -> StoreResult<Option<BudgetSettings>> {
        self.get_record(owner, SETTINGS.into()).await
    }

    async fn put_settings(
        &self,
        owner: UserId,
        settings: &BudgetSettings,
        expected_version: Option<u64>,
    ) -> StoreResult<BudgetSettings> {
        let mut stored = settings.clone();
        stored.version = expected_version.map_or(1, |v| v + 1);
        let item = encode(&RecordItem {
            pk: user_pk(owner),
            sk: SETTINGS.into(),
            lsi1sk: None,
            version: Some(stored.version),
            data: &stored,
        })?;
        let request = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item));
        let request = match expected_version {
            None => request.condition_expression("attribute_not_exists(PK)"),
            Some(expected) => request
                .condition_expression("version = :expected")
                .expression_attribute_values(":expected", n(expected)),
        };
        match request.send().await {
            Ok(_) => Ok(stored),
            Err(error) if is_condition_failure(&error) => Err(StoreError::Conflict),
            Err(error) => Err(sdk_error(error)),
        }
    }

    async fn create_schedule(
        &self,
        owner: UserId,
        schedule: &PaySchedule,
        limit: usize,
    ) -> StoreResult<()> {
        let item = encode(&RecordItem {
            pk: user_pk(owner),
            sk: schedule_sk(schedule.id),
            lsi1sk: None,
            version: Some(schedule.version),
            data: schedule,
        })?;
        self.create_within_limit(owner, "SCHEDULE#", schedule_sk(schedule.id), item, limit)
            .await
    }

    async fn get_schedule(&self, owner: UserId, id: Uuid) -> StoreResult<PaySchedule> {
        self.get_record(owner, schedule_sk(id))
            .await?
            .ok_or(StoreError::NotFound)
    }

    async fn list_schedules(&self, owner: UserId) -> StoreResult<Vec<PaySchedule>> {
        self.list_kind(owner, "SCHEDULE#", |s: &PaySchedule| (s.created_at, s.id))
            .await
    }

    async fn update_schedule(
        &self,
        owner: UserId,
        schedule: &PaySchedule,
        expected_version: u64,
    ) -> StoreResult<PaySchedule> {
        self.update_record(
            owner,
            schedule_sk(schedule.id),
            None,
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
        self.delete_record(owner, schedule_sk(id), expected_version)
            .await
    }

    async fn create_bill(&self, owner: UserId, bill: &Bill, limit: usize) -> StoreResult<()> {
        let item = encode(&RecordItem {
            pk: user_pk(owner),
            sk: bill_sk(bill.id),
            lsi1sk: None,
            version: Some(bill.version),
            data: bill,
        })?;
        self.create_within_limit(owner, "BILL#", bill_sk(bill.id), item, limit)
            .await
    }

    async fn get_bill(&self, owner: UserId, id: Uuid) -> StoreResult<Bill> {
        self.get_record(owner, bill_sk(id))
            .await?
            .ok_or(StoreError::NotFound)
    }

    async fn list_bills(&self, owner: UserId) -> StoreResult<Vec<Bill>> {
        self.list_kind(owner, "BILL#", |b: &Bill| (b.created_at, b.id))
            .await
    }

    async fn update_bill(
        &self,
        owner: UserId,
        bill: &Bill,
        expected_version: u64,
    ) -> StoreResult<Bill> {
        self.update_record(
            owner,
            bill_sk(bill.id),
            None,
            bill,
            expected_version,
            |b, v| b.version = v,
        )
        .await
    }

    async fn delete_bill(
        &self,
        owner: UserId,
        id: Uuid,
        expected_version: Option<u64>,
    ) -> StoreResult<()> {
        // The bill goes first (conditionally); its marks follow. If the marks' deletion is interrupted, the
        // leftovers name a bill that no longer exists and the budget engine ignores them; deleting the
        // account removes them.
        self.delete_record(owner, bill_sk(id), expected_version)
            .await?;
        let marks = self
            .query_all(
                Some(INDEX),
                "PK = :pk AND begins_with(LSI1SK, :prefix)",
                vec![
                    (":pk", s(user_pk(owner))),
                    (":prefix", s(format!("MARKBILL#{id}#"))),
                ],
            )
            .await?;
        let keys = marks
            .iter()
            .filter_map(|item| string_attr(item, "SK"))
            .map(|sk| key(user_pk(owner), sk.to_owned()))
            .collect();
        self.delete_keys(keys).await
    }

    async fn put_mark(&self, owner: UserId, mark: &OccurrenceMark) -> StoreResult<()> {
        let item = encode(&RecordItem {
            pk: user_pk(owner),
            sk: mark_sk(mark.due_on, mark.bill_id),
            lsi1sk: Some(mark_by_bill(mark.bill_id, mark.due_on)),
            version: None,
            data: mark,
        })?;
        // One transaction: the bill must exist when the mark is written. `delete_bill` deletes the bill and then
        // (consistently) queries its marks, so a mark written before the bill's deletion is swept with it and one
        // written after is refused here.
        let bill_exists = ConditionCheck::builder()
            .table_name(&self.table)
            .set_key(Some(key(user_pk(owner), bill_sk(mark.bill_id))))
            .condition_expression("attribute_exists(PK)")
            .build()
            .map_err(StoreError::backend)?;
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(item))
            .build()
            .map_err(StoreError::backend)?;
        let written = self
            .client
            .transact_write_items()
            .transact_items(
                TransactWriteItem::builder()
                    .condition_check(bill_exists)
                    .build(),
            )
            .transact_items(TransactWriteItem::builder().put(put).build())
            .send()
            .await;
        match written {
            Ok(_) => Ok(()),
            Err(error) if lost_transaction_condition(&error) => Err(StoreError::NotFound),
            Err(error) => Err(sdk_error(error)),
        }
    }

    async fn delete_mark(
        &self,
        owner: UserId,
        bill_id: Uuid,
        due_on: NaiveDate,
    ) -> StoreResult<()> {
        match self
            .client
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(key(user_pk(owner), mark_sk(due_on, bill_id))))
            .condition_expression("attribute_exists(PK)")
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(error) if is_condition_failure(&error) => Err(StoreError::NotFound),
            Err(error) => Err(sdk_error(error)),
        }
    }

    async fn list_marks(
        &self,
        owner: UserId,
        from: NaiveDate,
        until: NaiveDate,
    ) -> StoreResult<Vec<OccurrenceMark>> {
        if from >= until {
            return Ok(Vec::new());
        }
        // BETWEEN is inclusive, but "MARK#<until>" sorts before every mark due on `until`: exclusive end.
        let items = self
            .query_all(
                None,
                "PK = :pk AND SK BETWEEN :from AND :until",
                vec![
                    (":pk", s(user_pk(owner))),
                    (":from", s(format!("MARK#{from}"))),
                    (":until", s(format!("MARK#{until}"))),
                ],
            )
            .await?;
        items
            .into_iter()
            .map(|item| decode::<RecordItem<OccurrenceMark>>(item).map(|r| r.data))
            .collect()
    }
}

#[async_trait]
impl AccountStore for DynamoStore {
    async fn export_account(&self, owner: UserId) -> StoreResult<AccountData> {
        let items = self
            .query_all(None, "PK = :pk", vec![(":pk", s(user_pk(owner)))])
            .await?;
        let mut data = AccountData {
            user: None,
            tasks: Vec::new(),
            settings: None,
            schedules: Vec::new(),
            bills: Vec::new(),
            marks: Vec::new(),
        };
        for item in items {
            let sk = string_attr(&item, "SK").unwrap_or_default().to_owned();
            let kind = sk.split('#').next().unwrap_or_default();
            match kind {
                PROFILE => data.user = Some(decode::<RecordItem<User>>(item)?.data),
                SETTINGS => data.settings = Some(decode::<RecordItem<BudgetSettings>>(item)?.data),
                "TASK" => data.tasks.push(decode::<RecordItem<Task>>(item)?.data),
                "SCHEDULE" => data
                    .schedules
                    .push(decode::<RecordItem<PaySchedule>>(item)?.data),
                "BILL" => data.bills.push(decode::<RecordItem<Bill>>(item)?.data),
                "MARK" => data
                    .marks
                    .push(decode::<RecordItem<OccurrenceMark>>(item)?.data),
                _ => {} // refresh-token pointers are not exported
            }
        }
        data.tasks.sort_by_key(TaskPosition::of);
        data.schedules.sort_by_key(|s| (s.created_at, s.id));
        data.bills.sort_by_key(|b| (b.created_at, b.id));
        Ok(data)
    }

    async fn delete_account(&self, owner: UserId) -> StoreResult<()> {
        // Walk the whole partition first; the profile and e-mail claim go last so that an interrupted
        // deletion can simply be run again.
        let items = self
            .query_all(None, "PK = :pk", vec![(":pk", s(user_pk(owner)))])
            .await?;
        let mut keys = Vec::new();
        let mut pointers = Vec::new();
        let mut last = Vec::new();
        for item in &items {
            let Some(sk) = string_attr(item, "SK") else {
                continue;
            };
            if sk == PROFILE {
                if let Ok(profile) = decode::<RecordItem<User>>(item.clone()) {
                    last.push(key(email_pk(&profile.data.email), "EMAIL".into()));
                }
                last.push(key(user_pk(owner), PROFILE.into()));
            } else if sk.starts_with("REFRESH#") {
                pointers.push(sk.to_owned());
            } else {
                keys.push(key(user_pk(owner), sk.to_owned()));
            }
        }
        keys.extend(Self::refresh_keys(owner, pointers));
        self.delete_keys(keys).await?;
        self.delete_keys(last).await
    }
}

#[async_trait]
impl Store for DynamoStore {
    async fn ping(&self) -> StoreResult<()> {
        // A data-plane read of a key that never exists: proves endpoint, credentials and table, costs 0.5 RCU.
        self.get("PING".into(), "PING".into()).await.map(|_| ())
    }

    fn describe(&self) -> String {
        format!("DynamoDB table {}", self.table)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn position(due: Option<&str>, created: i64) -> TaskPosition {
        TaskPosition {
            undated: due.is_none(),
            due_on: due.map(|d| d.parse().unwrap()),
            created_at: created,
            id: Uuid::nil(),
        }
    }

    #[test]
    fn task_order_keys_sort_like_task_positions() {
        let mut positions = vec![
            position(None, 5),
            position(Some("2026-12-01"), 7),
            position(Some("2026-11-25"), 9),
            position(Some("2026-12-01"), -3),
            position(None, -1),
        ];
        let mut by_key = positions.clone();
        positions.sort();
        by_key.sort_by_key(task_order);
        assert_eq!(positions, by_key);
    }

    #[test]
    fn cursors_from_elsewhere_are_rejected() {
        assert!(matches!(
            Cursor::decode("bogus"),
            Err(StoreError::BadCursor)
        ));
        let foreign = Cursor {
            sk: "BILL#x".into(),
            lsi: "TASK#x".into(),
        }
        .encode();
        assert!(matches!(
            Cursor::decode(&foreign),
            Err(StoreError::BadCursor)
        ));
    }
}
