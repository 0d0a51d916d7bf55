//! Optimistic updates with exact rollback, as plain data: a change is applied to a list at once and returns an
//! [`Undo`] that puts back precisely what it replaced — only that item, at its old position — so an error on one
//! request never clobbers other changes that succeeded meanwhile. The reactive glue lives in the pages; this
//! module is tested on the host.

use shared::budget::{BudgetSummary, OccurrenceStatus};
use shared::tasks::Task;
use uuid::Uuid;

/// Something with a stable identity inside a list.
pub trait Keyed {
    fn key(&self) -> Uuid;
}

impl Keyed for Task {
    fn key(&self) -> Uuid {
        self.id
    }
}

impl Keyed for shared::budget::Bill {
    fn key(&self) -> Uuid {
        self.id
    }
}

impl Keyed for shared::budget::PaySchedule {
    fn key(&self) -> Uuid {
        self.id
    }
}

/// How to reverse one applied change.
#[derive(Debug, Clone, PartialEq)]
pub enum Undo<T> {
    /// The change added this key: remove it.
    Remove(Uuid),
    /// The change replaced or removed this item: put it back at `index`.
    Restore { index: usize, item: T },
    /// The change did nothing.
    Nothing,
}

/// Inserts `item` (appended when new) or replaces the item with its key; returns the undo.
pub fn upsert<T: Keyed + Clone>(items: &mut Vec<T>, item: T) -> Undo<T> {
    match items.iter().position(|i| i.key() == item.key()) {
        Some(index) => Undo::Restore {
            index,
            item: std::mem::replace(&mut items[index], item),
        },
        None => {
            let key = item.key();
            items.push(item);
            Undo::Remove(key)
        }
    }
}

/// Inserts `item` at the front (newest first) unless its key exists; returns the undo.
pub fn prepend<T: Keyed + Clone>(items: &mut Vec<T>, item: T) -> Undo<T> {
    if items.iter().any(|i| i.key() == item.key()) {
        return upsert(items, item);
    }
    let key = item.key();
    items.insert(0, item);
    Undo::Remove(key)
}

/// Removes the item with `key`; returns the undo.
pub fn remove<T: Keyed + Clone>(items: &mut Vec<T>, key: Uuid) -> Undo<T> {
    match items.iter().position(|i| i.key() == key) {
        Some(index) => Undo::Restore {
            index,
            item: items.remove(index),
        },
        None => Undo::Nothing,
    }
}

/// Reverses one change. A restored item replaces whatever now has its key (the optimistic value) and goes back
/// to its old position, clamped if the list shrank meanwhile.
pub fn undo<T: Keyed + Clone>(items: &mut Vec<T>, undo: Undo<T>) {
    match undo {
        Undo::Remove(key) => items.retain(|i| i.key() != key),
        Undo::Restore { index, item } => {
            items.retain(|i| i.key() != item.key());
            let index = index.min(items.len());
            items.insert(index, item);
        }
        Undo::Nothing => {}
    }
}

/// Swaps a placeholder (a create in flight under a temporary key) for the server's record, in place.
pub fn replace<T: Keyed + Clone>(items: &mut Vec<T>, key: Uuid, item: T) {
    match items.iter().position(|i| i.key() == key) {
        Some(index) => items[index] = item,
        None => {
            upsert(items, item);
        }
    }
}

/// Applies a paid / due tick on the dashboard summary at once: the occurrence's status changes and the period's
/// `committed`, `left_over` and `set_aside_now` move by its amount. Returns `false` when the occurrence is not in
/// the summary. The caller keeps the previous summary to roll back and refetches on success (the projection
/// depends on every day after, so it is not patched here).
pub fn mark_occurrence(
    summary: &mut BudgetSummary,
    bill_id: Uuid,
    due_on: chrono::NaiveDate,
    status: OccurrenceStatus,
) -> bool {
    for (index, period) in summary.periods.iter_mut().enumerate() {
        let Some(bill) = period
            .bills
            .iter_mut()
            .find(|b| b.bill_id == bill_id && b.due_on == due_on)
        else {
            continue;
        };
        let was_due = bill.status == OccurrenceStatus::Due;
        let is_due = status == OccurrenceStatus::Due;
        bill.status = status;
        let delta = match (was_due, is_due) {
            (true, false) => -bill.amount,
            (false, true) => bill.amount,
            _ => 0,
        };
        period.committed += delta;
        period.left_over -= delta;
        if index == 0 {
            summary.set_aside_now = period.committed;
        }
        return true;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, NaiveDate, Utc};
    use shared::budget::{BillDue, Period};
    use shared::tasks::Priority;

    fn task(n: u128, title: &str) -> Task {
        Task {
            id: Uuid::from_u128(n),
            title: title.into(),
            notes: String::new(),
            due_on: None,
            priority: Priority::None,
            completed_at: None,
            created_at: DateTime::<Utc>::default(),
            updated_at: DateTime::<Utc>::default(),
            version: 1,
        }
    }

    fn titles(items: &[Task]) -> Vec<&str> {
        items.iter().map(|t| t.title.as_str()).collect()
    }

    #[test]
    fn a_failed_edit_restores_the_old_item_in_place() {
        let mut items = vec![task(1, "a"), task(2, "b"), task(3, "c")];
        let back = upsert(&mut items, task(2, "B"));
        assert_eq!(titles(&items), ["a", "B", "c"]);
        undo(&mut items, back);
        assert_eq!(titles(&items), ["a", "b", "c"]);
    }

    #[test]
    fn a_failed_delete_puts_the_item_back_where_it_was() {
        let mut items = vec![task(1, "a"), task(2, "b"), task(3, "c")];
        let back = remove(&mut items, Uuid::from_u128(2));
        assert_eq!(titles(&items), ["a", "c"]);
        undo(&mut items, back);
        assert_eq!(titles(&items), ["a", "b", "c"]);
    }

    #[test]
    fn a_failed_create_disappears() {
        let mut items = vec![task(1, "a")];
        let back = prepend(&mut items, task(9, "new"));
        assert_eq!(titles(&items), ["new", "a"]);
        undo(&mut items, back);
        assert_eq!(titles(&items), ["a"]);
    }

    #[test]
    fn rolling_back_one_change_keeps_another_that_succeeded() {
        let mut items = vec![task(1, "a"), task(2, "b")];
        let failed = upsert(&mut items, task(1, "A?"));
        let _succeeded = upsert(&mut items, task(2, "B!"));
        undo(&mut items, failed);
        assert_eq!(titles(&items), ["a", "B!"]);
    }

    #[test]
    fn rollbacks_in_reverse_order_restore_a_batch_exactly() {
        let mut items = vec![task(1, "a"), task(2, "b"), task(3, "c")];
        let undos = vec![
            remove(&mut items, Uuid::from_u128(1)),
            remove(&mut items, Uuid::from_u128(3)),
        ];
        assert_eq!(titles(&items), ["b"]);
        for u in undos.into_iter().rev() {
            undo(&mut items, u);
        }
        assert_eq!(titles(&items), ["a", "b", "c"]);
    }

    #[test]
    fn restore_is_clamped_when_the_list_shrank_meanwhile() {
        let mut items = vec![task(1, "a"), task(2, "b"), task(3, "c")];
        let back = remove(&mut items, Uuid::from_u128(3));
        remove(&mut items, Uuid::from_u128(1));
        undo(&mut items, back);
        assert_eq!(titles(&items), ["b", "c"]);
    }

    #[test]
    fn a_placeholder_is_replaced_by_the_server_record() {
        let mut items = vec![task(9, "tmp"), task(1, "a")];
        replace(&mut items, Uuid::from_u128(9), task(5, "real"));
        assert_eq!(titles(&items), ["real", "a"]);
        assert_eq!(items[0].id, Uuid::from_u128(5));
    }

    fn summary() -> BudgetSummary {
        let d = |day| NaiveDate::from_ymd_opt(2025, 11, day).unwrap();
        let due = |n: u128, day, amount| BillDue {
            bill_id: Uuid::from_u128(n),
            name: format!("bill {n}"),
            due_on: d(day),
            amount,
            status: OccurrenceStatus::Due,
            amount_paid: None,
            autopay: false,
            category: None,
        };
        BudgetSummary {
            as_of: d(20),
            currency: "USD".into(),
            next_payday: Some(d(28)),
            set_aside_now: 50_000,
            periods: vec![Period {
                start: d(20),
                end: d(28),
                income: 0,
                paychecks: vec![],
                bills: vec![due(1, 21, 30_000), due(2, 25, 20_000)],
                committed: 50_000,
                left_over: -50_000,
            }],
            lowest_balance: None,
            projected_balance: vec![],
            reserves: vec![],
            balance: None,
            safe_to_spend: Default::default(),
        }
    }

    #[test]
    fn ticking_a_bill_paid_lowers_the_set_aside_number_and_unticking_restores_it() {
        let mut s = summary();
        let due_on = s.periods[0].bills[0].due_on;
        assert!(mark_occurrence(
            &mut s,
            Uuid::from_u128(1),
            due_on,
            OccurrenceStatus::Paid
        ));
        assert_eq!(s.set_aside_now, 20_000);
        assert_eq!(s.periods[0].left_over, -20_000);
        mark_occurrence(&mut s, Uuid::from_u128(1), due_on, OccurrenceStatus::Due);
        assert_eq!(s, summary());
    }

    #[test]
    fn ticking_twice_counts_once_and_unknown_occurrences_are_reported() {
        let mut s = summary();
        let due_on = s.periods[0].bills[0].due_on;
        mark_occurrence(&mut s, Uuid::from_u128(1), due_on, OccurrenceStatus::Paid);
        mark_occurrence(
            &mut s,
            Uuid::from_u128(1),
            due_on,
            OccurrenceStatus::Skipped,
        );
        assert_eq!(s.set_aside_now, 20_000);
        assert!(!mark_occurrence(
            &mut s,
            Uuid::from_u128(7),
            due_on,
            OccurrenceStatus::Paid
        ));
    }
}
