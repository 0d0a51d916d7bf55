//! In-memory backend for fast unit tests and `PAYDAY_STORE=memory`. Loses everything on exit.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
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

#[derive(Default)]
struct Account {
    tasks: HashMap<Uuid, Task>,
    settings: Option<BudgetSettings>,
    schedules: BTreeMap<Uuid, PaySchedule>,
    bills: BTreeMap<Uuid, Bill>,
    marks: BTreeMap<(Uuid, NaiveDate), OccurrenceMark>,
}

#[derive(Default)]
struct State {
    users: HashMap<UserId, User>,
    emails: HashMap<String, UserId>,
    refresh: HashMap<String, RefreshToken>,
    accounts: HashMap<UserId, Account>,
}

#[derive(Default)]
pub struct MemoryStore {
    state: Mutex<State>,
}

impl MemoryStore {
    fn with<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        f(&mut state)
    }

    fn with_account<T>(&self, owner: UserId, f: impl FnOnce(&mut Account) -> T) -> T {
        self.with(|state| f(state.accounts.entry(owner).or_default()))
    }
}

/// Replaces `slot` with `next` (version bumped) when its version is `expected`.
fn versioned_replace<T: Clone>(
    slot: Option<&mut T>,
    next: &T,
    expected: u64,
    version: impl Fn(&T) -> u64,
    set_version: impl Fn(&mut T, u64),
) -> StoreResult<T> {
    let slot = slot.ok_or(StoreError::NotFound)?;
    if version(slot) != expected {
        return Err(StoreError::Conflict);
    }
    let mut stored = next.clone();
    set_version(&mut stored, expected + 1);
    *slot = stored.clone();
    Ok(stored)
}

fn check_delete(found: Option<u64>, expected: Option<u64>) -> StoreResult<()> {
    match (found, expected) {
        (None, _) => Err(StoreError::NotFound),
        (Some(current), Some(expected)) if current != expected => Err(StoreError::Conflict),
        _ => Ok(()),
    }
}

#[async_trait]
impl UserStore for MemoryStore {
    async fn create_user(&self, user: &User) -> StoreResult<()> {
        self.with(|state| {
            if state.emails.contains_key(&user.email) || state.users.contains_key(&user.id) {
                return Err(StoreError::Conflict);
            }
            state.emails.insert(user.email.clone(), user.id);
            state.users.insert(user.id, user.clone());
            Ok(())
        })
    }

    async fn user_by_email(&self, email: &str) -> StoreResult<Option<User>> {
        Ok(self.with(|state| {
            state
                .emails
                .get(email)
                .and_then(|id| state.users.get(id))
                .cloned()
        }))
    }

    async fn user_by_id(&self, owner: UserId) -> StoreResult<Option<User>> {
        Ok(self.with(|state| state.users.get(&owner).cloned()))
    }

    async fn put_refresh_token(&self, token: &RefreshToken) -> StoreResult<()> {
        self.with(|state| state.refresh.insert(token.hash.clone(), token.clone()));
        Ok(())
    }

    async fn use_refresh_token(&self, hash: &str, now: DateTime<Utc>) -> StoreResult<RefreshUse> {
        Ok(self.with(|state| match state.refresh.get_mut(hash) {
            Some(token) if token.expires_at <= now => RefreshUse::Invalid,
            Some(token) if token.used => RefreshUse::Reused(token.clone()),
            Some(token) => {
                token.used = true;
                RefreshUse::Fresh(token.clone())
            }
            None => RefreshUse::Invalid,
        }))
    }

    async fn revoke_refresh_family(&self, owner: UserId, family: Uuid) -> StoreResult<()> {
        self.with(|state| {
            state
                .refresh
                .retain(|_, t| !(t.owner == owner && t.family == family))
        });
        Ok(())
    }
}

#[async_trait]
impl TaskStore for MemoryStore {
    async fn create_task(&self, owner: UserId, task: &Task) -> StoreResult<()> {
        self.with_account(owner, |account| {
            if account.tasks.contains_key(&task.id) {
                return Err(StoreError::Conflict);
            }
            account.tasks.insert(task.id, task.clone());
            Ok(())
        })
    }

    async fn get_task(&self, owner: UserId, id: Uuid) -> StoreResult<Task> {
        self.with_account(owner, |account| {
            account.tasks.get(&id).cloned().ok_or(StoreError::NotFound)
        })
    }

    async fn list_tasks(&self, owner: UserId, query: &TaskQuery) -> StoreResult<Page<Task>> {
        let after = query
            .cursor
            .as_deref()
            .map(TaskPosition::decode)
            .transpose()?;
        let mut matching: Vec<Task> = self.with_account(owner, |account| {
            account
                .tasks
                .values()
                .filter(|task| task_matches(task, query))
                .filter(|task| after.is_none_or(|after| TaskPosition::of(task) > after))
                .cloned()
                .collect()
        });
        matching.sort_by_key(TaskPosition::of);
        let limit = query.limit as usize;
        let next_cursor =
            (matching.len() > limit).then(|| TaskPosition::of(&matching[limit - 1]).encode());
        matching.truncate(limit);
        Ok(Page {
            items: matching,
            next_cursor,
        })
    }

    async fn update_task(
        &self,
        owner: UserId,
        task: &Task,
        expected_version: u64,
    ) -> StoreResult<Task> {
        self.with_account(owner, |account| {
            versioned_replace(
                account.tasks.get_mut(&task.id),
                task,
                expected_version,
                |t| t.version,
                |t, v| t.version = v,
            )
        })
    }

    async fn delete_task(
        &self,
        owner: UserId,
        id: Uuid,
        expected_version: Option<u64>,
    ) -> StoreResult<()> {
        self.with_account(owner, |account| {
            check_delete(account.tasks.get(&id).map(|t| t.version), expected_version)?;
            account.tasks.remove(&id);
            Ok(())
        })
    }
}

#[async_trait]
impl BudgetStore for MemoryStore {
    async fn get_settings(&self, owner: UserId) -> StoreResult<Option<BudgetSettings>> {
        Ok(self.with_account(owner, |account| account.settings.clone()))
    }

    async fn put_settings(
        &self,
        owner: UserId,
        settings: &BudgetSettings,
        expected_version: Option<u64>,
    ) -> StoreResult<BudgetSettings> {
        self.with_account(owner, |account| {
            let current = account.settings.as_ref().map(|s| s.version);
            if current != expected_version {
                return Err(StoreError::Conflict);
            }
            let mut stored = settings.clone();
            stored.version = expected_version.map_or(1, |v| v + 1);
            account.settings = Some(stored.clone());
            Ok(stored)
        })
    }

    async fn create_schedule(
        &self,
        owner: UserId,
        schedule: &PaySchedule,
        limit: usize,
    ) -> StoreResult<()> {
        self.with_account(owner, |account| {
            if account.schedules.contains_key(&schedule.id) {
                return Err(StoreError::Conflict);
            }
            if account.schedules.len() >= limit {
                return Err(StoreError::LimitReached);
            }
            account.schedules.insert(schedule.id, schedule.clone());
            Ok(())
        })
    }

    async fn get_schedule(&self, owner: UserId, id: Uuid) -> StoreResult<PaySchedule> {
        self.with_account(owner, |account| {
            account
                .schedules
                .get(&id)
                .cloned()
                .ok_or(StoreError::NotFound)
        })
    }

    async fn list_schedules(&self, owner: UserId) -> StoreResult<Vec<PaySchedule>> {
        let mut all: Vec<PaySchedule> =
            self.with_account(owner, |a| a.schedules.values().cloned().collect());
        all.sort_by_key(|s| (s.created_at, s.id));
        Ok(all)
    }

    async fn update_schedule(
        &self,
        owner: UserId,
        schedule: &PaySchedule,
        expected_version: u64,
    ) -> StoreResult<PaySchedule> {
        self.with_account(owner, |account| {
            versioned_replace(
                account.schedules.get_mut(&schedule.id),
                schedule,
                expected_version,
                |s| s.version,
                |s, v| s.version = v,
            )
        })
    }

    async fn delete_schedule(
        &self,
        owner: UserId,
        id: Uuid,
        expected_version: Option<u64>,
    ) -> StoreResult<()> {
        self.with_account(owner, |account| {
            check_delete(
                account.schedules.get(&id).map(|s| s.version),
                expected_version,
            )?;
            account.schedules.remove(&id);
            Ok(())
        })
    }

    async fn create_bill(&self, owner: UserId, bill: &Bill, limit: usize) -> StoreResult<()> {
        self.with_account(owner, |account| {
            if account.bills.contains_key(&bill.id) {
                return Err(StoreError::Conflict);
            }
            if account.bills.len() >= limit {
                return Err(StoreError::LimitReached);
            }
            account.bills.insert(bill.id, bill.clone());
            Ok(())
        })
    }

    async fn get_bill(&self, owner: UserId, id: Uuid) -> StoreResult<Bill> {
        self.with_account(owner, |account| {
            account.bills.get(&id).cloned().ok_or(StoreError::NotFound)
        })
    }

    async fn list_bills(&self, owner: UserId) -> StoreResult<Vec<Bill>> {
        let mut all: Vec<Bill> = self.with_account(owner, |a| a.bills.values().cloned().collect());
        all.sort_by_key(|b| (b.created_at, b.id));
        Ok(all)
    }

    async fn update_bill(
        &self,
        owner: UserId,
        bill: &Bill,
        expected_version: u64,
    ) -> StoreResult<Bill> {
        self.with_account(owner, |account| {
            versioned_replace(
                account.bills.get_mut(&bill.id),
                bill,
                expected_version,
                |b| b.version,
                |b, v| b.version = v,
            )
        })
    }

    async fn delete_bill(
        &self,
        owner: UserId,
        id: Uuid,
        expected_version: Option<u64>,
    ) -> StoreResult<()> {
        self.with_account(owner, |account| {
            check_delete(account.bills.get(&id).map(|b| b.version), expected_version)?;
            account.bills.remove(&id);
            account.marks.retain(|(bill_id, _), _| *bill_id != id);
            Ok(())
        })
    }

    async fn put_mark(&self, owner: UserId, mark: &OccurrenceMark) -> StoreResult<()> {
        self.with_account(owner, |account| {
            if !account.bills.contains_key(&mark.bill_id) {
                return Err(StoreError::NotFound);
            }
            account
                .marks
                .insert((mark.bill_id, mark.due_on), mark.clone());
            Ok(())
        })
    }

    async fn delete_mark(
        &self,
        owner: UserId,
        bill_id: Uuid,
        due_on: NaiveDate,
    ) -> StoreResult<()> {
        self.with_account(owner, |account| {
            account
                .marks
                .remove(&(bill_id, due_on))
                .map(|_| ())
                .ok_or(StoreError::NotFound)
        })
    }

    async fn list_marks(
        &self,
        owner: UserId,
        from: NaiveDate,
        until: NaiveDate,
    ) -> StoreResult<Vec<OccurrenceMark>> {
        Ok(self.with_account(owner, |account| {
            let mut marks: Vec<OccurrenceMark> = account
                .marks
                .values()
                .filter(|m| m.due_on >= from && m.due_on < until)
                .cloned()
                .collect();
            marks.sort_by_key(|m| (m.due_on, m.bill_id));
            marks
        }))
    }
}

#[async_trait]
impl AccountStore for MemoryStore {
    async fn export_account(&self, owner: UserId) -> StoreResult<AccountData> {
        Ok(self.with(|state| {
            let user = state.users.get(&owner).cloned();
            let account = state.accounts.entry(owner).or_default();
            let mut tasks: Vec<Task> = account.tasks.values().cloned().collect();
            tasks.sort_by_key(TaskPosition::of);
            AccountData {
                user,
                tasks,
                settings: account.settings.clone(),
                schedules: account.schedules.values().cloned().collect(),
                bills: account.bills.values().cloned().collect(),
                marks: account.marks.values().cloned().collect(),
            }
        }))
    }

    async fn delete_account(&self, owner: UserId) -> StoreResult<()> {
        self.with(|state| {
            if let Some(user) = state.users.remove(&owner) {
                state.emails.remove(&user.email);
            }
            state.refresh.retain(|_, t| t.owner != owner);
            state.accounts.remove(&owner);
        });
        Ok(())
    }
}

#[async_trait]
impl Store for MemoryStore {
    async fn ping(&self) -> StoreResult<()> {
        Ok(())
    }

    fn describe(&self) -> String {
        "memory (data is lost on exit)".into()
    }
}
