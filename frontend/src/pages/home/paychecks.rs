//! *Next paychecks*: every pay period of the summary (the current one first) as a row that opens to list the bills
//! that paycheck covers, each with its own controls (paid, skip, paid a different amount, undo), and the paycheck
//! itself (change this one paycheck's amount, skip this payday, restore). Skipped paydays stay listed, inside the
//! period that now runs over them, so they can be restored. "Show more paychecks" asks the summary for more periods.
//!
//! Changes are not optimistic here: each is sent, then the summary (and the schedules, for "changed from") are
//! fetched again, so committed, left over and set aside follow the server's numbers. A refused change keeps its
//! form and typed text, with the reason next to its row.
//!
//! Built for size (issue 16's ratchet): lists are closures over `AnyView`s rather than `<For>`, rows read their
//! numbers from their period's one memo, buttons are hidden rather than swapped, and a row is known by a `Copy`
//! [`Key`] — each generic instance (a keyed list, a memo type, a `Show`) costs hundreds of bytes of wasm.

use chrono::NaiveDate;
use leptos::ev::{KeyboardEvent, SubmitEvent};
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::Money;
use shared::budget::{
    BillDue, MarkOccurrence, MarkPayday, OccurrenceStatus, PaySchedule, Paycheck, PaydayStatus,
    Period,
};
use uuid::Uuid;

use super::Dashboard;
use crate::api::{UiError, to_json};
use crate::format::{NumberStyle, date_near, decimal_in, parse_amount, plural, short_date};
use crate::ui::{AmountEcho, FieldError, decimals, money, number_style, refocus};

/// Paydays shown after the current period: 3 at first, then 6, then 12.
const STEPS: [u32; 3] = [3, 6, 12];

/// The paydays "Show more paychecks" shows after `shown` are listed; `None` at the last step.
fn more_after(shown: u32) -> Option<u32> {
    STEPS.iter().copied().find(|&step| step > shown)
}

/// The schedule's usual amount when its payday on `date` was changed (for "changed from $X").
fn changed_from(schedules: &[PaySchedule], schedule_id: Uuid, date: NaiveDate) -> Option<Money> {
    let schedule = schedules.iter().find(|s| s.id == schedule_id)?;
    schedule
        .payday_overrides
        .iter()
        .any(|o| o.date == date && o.status == PaydayStatus::Changed)
        .then_some(schedule.amount)
}

/// A payday the user skipped.
#[derive(Debug, Clone, PartialEq)]
struct Skipped {
    schedule_id: Uuid,
    name: String,
    date: NaiveDate,
}

/// The skipped paydays in `[from, until)`, by date then name. An override on a date the schedule no longer pays
/// on is left out: it changes nothing (docs/budget.md, "A paycheck that differs").
fn skipped_in(schedules: &[PaySchedule], from: NaiveDate, until: NaiveDate) -> Vec<Skipped> {
    let mut found: Vec<Skipped> = Vec::new();
    for schedule in schedules {
        for over in &schedule.payday_overrides {
            let date = over.date;
            if over.status == PaydayStatus::Skipped
                && (from..until).contains(&date)
                && schedule.pays_on(date)
            {
                // A handful at most: an ordered insert, not a sort (whose generic code is kilobytes of wasm).
                let at = found.partition_point(|s| (s.date, &s.name) <= (date, &schedule.name));
                let name = schedule.name.clone();
                found.insert(
                    at,
                    Skipped {
                        schedule_id: schedule.id,
                        name,
                        date,
                    },
                );
            }
        }
    }
    found
}

/// A period's name: the current one (no paycheck on its first day) runs "Now until" the next payday.
fn period_label(period: &Period, today: NaiveDate) -> String {
    if period.paychecks.is_empty() && period.start == today {
        format!("Now until {}", date_near(period.end, today))
    } else {
        date_near(period.start, today)
    }
}

/// Who pays and how many bills: "Salary · 2 bills".
fn period_meta(period: &Period) -> String {
    let mut parts: Vec<String> = period.paychecks.iter().map(|c| c.name.clone()).collect();
    parts.dedup();
    parts.push(plural(period.bills.len(), "bill"));
    parts.join(" · ")
}

/// Where an occurrence stands: "Due", "Skipped", "Paid", or "Paid $40.00" when another amount was paid.
fn mark_label(bill: &BillDue, fmt: &dyn Fn(Money) -> String) -> String {
    match (bill.status, bill.amount_paid) {
        (OccurrenceStatus::Due, _) => "Due".into(),
        (OccurrenceStatus::Skipped, _) => "Skipped".into(),
        (OccurrenceStatus::Paid, Some(paid)) if paid != bill.amount => {
            format!("Paid {}", fmt(paid))
        }
        (OccurrenceStatus::Paid, _) => "Paid".into(),
    }
}

/// An amount paid as typed: the locale's number, zero or more.
fn paid_amount(text: &str, places: u8, style: NumberStyle) -> Result<Money, String> {
    parse_amount(text, places, false, style)
}

/// A paycheck's new amount as typed: the locale's number, more than zero (a paycheck of nothing is a skipped one).
fn paycheck_amount(text: &str, places: u8, style: NumberStyle) -> Result<Money, String> {
    match parse_amount(text, places, false, style)? {
        0 => Err("must be more than 0 (or skip this payday)".into()),
        amount => Ok(amount),
    }
}

/// A row: a bill's occurrence (bill id, due date) or a schedule's payday (schedule id, date). `Copy`, so the one
/// form open is known without a stored string.
type Key = (Uuid, NaiveDate);

fn occ_id((bill, due): Key) -> String {
    format!("occ-{bill}-{due}")
}

fn pay_id((schedule, date): Key) -> String {
    format!("pay-{schedule}-{date}")
}

fn bill_in(period: &Option<Period>, key: Key) -> Option<&BillDue> {
    period
        .as_ref()?
        .bills
        .iter()
        .find(|b| (b.bill_id, b.due_on) == key)
}

fn paycheck_in(period: &Option<Period>, key: Key) -> Option<&Paycheck> {
    period
        .as_ref()?
        .paychecks
        .iter()
        .find(|c| (c.schedule_id, c.date) == key)
}

/// A row's request state: busy while a change is sent, the server's refusal after.
#[derive(Clone, Copy)]
struct RowState {
    busy: RwSignal<bool>,
    error: RwSignal<Option<UiError>>,
}

impl RowState {
    fn new() -> Self {
        RowState {
            busy: RwSignal::new(false),
            error: RwSignal::new(None),
        }
    }
}

/// The card's state, `Copy`.
#[derive(Clone, Copy)]
struct Board {
    dash: Dashboard,
    /// The pay schedules with their overrides ("changed from", the skipped paydays).
    schedules: RwSignal<Vec<PaySchedule>>,
    /// Starts of the periods opened (kept across reloads: a period is known by its start).
    open: RwSignal<Vec<NaiveDate>>,
    /// The row whose form is open (one at a time).
    editing: RwSignal<Option<Key>>,
}

impl Board {
    async fn load_schedules(self) {
        let listed = self.dash.ctx.api.get("/api/v1/pay-schedules").await;
        match listed {
            Ok(list) => self.schedules.set(list),
            Err(e) => self.dash.ctx.fail(&e),
        }
    }

    /// Sends one change (`body` `None`: a DELETE). Saved: the schedules and summary are fetched again, the form
    /// closes and focus goes to `focus` (the row's buttons changed). Refused: the reason is shown at the row and
    /// the form keeps its text; a 404/409 reloads what is saved.
    fn send(self, key: Key, row: RowState, path: String, body: Option<String>, focus: String) {
        row.busy.set(true);
        row.error.set(None);
        let api = self.dash.ctx.api;
        spawn_local(async move {
            let method = if body.is_some() { "PUT" } else { "DELETE" };
            let result = api.raw(method, &path, body).await;
            row.busy.set(false);
            let reload = match result {
                Ok(_) => {
                    self.dash.ctx.saved();
                    true
                }
                Err(e) => {
                    let stale = matches!(e.status(), Some(404 | 409));
                    row.error.set(Some(e));
                    stale
                }
            };
            if reload {
                self.load_schedules().await;
                self.dash.fetch().await;
            }
            // The row may be gone by now (a skipped payday's period): a gone row had no error to keep.
            // Another row's form opened meanwhile keeps its text and the keyboard.
            let others = self
                .editing
                .try_get_untracked()
                .flatten()
                .is_some_and(|open| open != key);
            if row.error.try_with_untracked(Option::is_none) != Some(false) && !others {
                self.editing.set(None);
                request_animation_frame(move || refocus(&focus));
            }
        });
    }

    /// Marks an occurrence (`Some`) or makes it due again (`None`); focus goes to the row's first shown button.
    fn mark(self, key: Key, mark: Option<MarkOccurrence>, row: RowState) {
        let (bill, due) = key;
        let path = format!("/api/v1/bills/{bill}/occurrences/{due}");
        let focus = format!("#{} button:not([hidden])", occ_id(key));
        self.send(key, row, path, mark.map(|m| to_json(&m)), focus);
    }

    /// Overrides a payday (`Some`) or pays it as the schedule says again (`None`); focus goes to `focus`.
    fn payday(self, key: Key, mark: Option<MarkPayday>, row: RowState, focus: String) {
        let (schedule, date) = key;
        let path = format!("/api/v1/pay-schedules/{schedule}/paydays/{date}");
        self.send(key, row, path, mark.map(|m| to_json(&m)), focus);
    }

    /// What "Change this paycheck…" does: pay another amount (focus stays on the row) or skip the payday (its period
    /// goes; focus goes to the skipped payday's Restore, listed in the period before).
    fn paycheck_changes(self, key: Key, row: RowState) -> (Callback<Money>, Callback<()>) {
        // The schedule as this page last saw it: changed meanwhile (another window), the server says so (409)
        // instead of overwriting that change.
        let version = move || {
            self.schedules
                .with_untracked(|all| all.iter().find(|s| s.id == key.0).map(|s| s.version))
        };
        let change = Callback::new(move |amount| {
            let mark = MarkPayday {
                status: None,
                amount: Some(amount),
                version: version(),
            };
            self.payday(key, Some(mark), row, format!("#{} button", pay_id(key)));
        });
        let skip = Callback::new(move |()| {
            let mark = MarkPayday {
                status: Some(PaydayStatus::Skipped),
                amount: None,
                version: version(),
            };
            self.payday(
                key,
                Some(mark),
                row,
                format!("#skip-{}-{} button", key.0, key.1),
            );
        });
        (change, skip)
    }

    fn editing(self, key: Key) -> impl Fn() -> bool + Copy + 'static {
        move || self.editing.get() == Some(key)
    }

    /// Closes the open form; focus goes back to its row (`row_id`), whose form held it.
    fn cancel(self, row_id: String) {
        self.editing.set(None);
        request_animation_frame(move || refocus(&format!("#{row_id} button:not([hidden])")));
    }

    fn today(self) -> NaiveDate {
        self.dash
            .summary
            .with_untracked(|s| s.as_ref().map(|s| s.as_of))
            .unwrap_or_default()
    }
}

/// The card: one row per pay period while there is a pay schedule, then "Show more paychecks".
#[component]
pub(super) fn Paychecks(dash: Dashboard) -> impl IntoView {
    let board = Board {
        dash,
        schedules: RwSignal::new(Vec::new()),
        open: RwSignal::new(Vec::new()),
        editing: RwSignal::new(None),
    };
    spawn_local(board.load_schedules());
    let starts = Memo::new(move |_| {
        dash.summary.with(|s| {
            s.as_ref()
                .filter(|s| s.next_payday.is_some())
                .map(|s| s.periods.iter().map(|p| p.start).collect::<Vec<_>>())
                .unwrap_or_default()
        })
    });
    view! {
        <div class="card" data-testid="paychecks" hidden=move || starts.with(Vec::is_empty)>
            <h2 id="paychecks-title">"Next paychecks"</h2>
            <p class="hint">"Open a payday to see the bills its paycheck covers."</p>
            <ul class="periods" aria-labelledby="paychecks-title">
                {move || {
                    starts
                        .get()
                        .into_iter()
                        .map(|start| view! { <PeriodItem board start /> }.into_any())
                        .collect::<Vec<_>>()
                }}
            </ul>
            <MorePaychecks dash />
        </div>
    }
}

/// "Showing the next 3 paydays" and the button that asks for more (3 → 6 → 12).
#[component]
fn MorePaychecks(dash: Dashboard) -> impl IntoView {
    let busy = RwSignal::new(false);
    let shown = move || dash.periods.get().saturating_sub(1);
    let more = move |_| {
        let Some(next) = more_after(dash.periods.get_untracked().saturating_sub(1)) else {
            return;
        };
        dash.periods.set(next + 1);
        busy.set(true);
        spawn_local(async move {
            dash.fetch().await;
            busy.set(false);
        });
    };
    view! {
        <div class="actions">
            <span class="hint" role="status">
                {move || format!("Showing the next {}.", plural(shown() as usize, "payday"))}
            </span>
            <button
                type="button"
                on:click=more
                disabled=move || busy.get()
                hidden=move || more_after(shown()).is_none()
            >
                "Show more paychecks"
            </button>
        </div>
    }
}

/// One pay period: a disclosure button with its date, who pays and its numbers; opened, its paychecks and bills.
#[component]
fn PeriodItem(board: Board, start: NaiveDate) -> impl IntoView {
    let summary = board.dash.summary;
    let period = Memo::new(move |_| {
        summary.with(|s| {
            s.as_ref()?
                .periods
                .iter()
                .find(|p| p.start == start)
                .cloned()
        })
    });
    let today = board.today();
    let is_open = move || board.open.with(|o| o.contains(&start));
    let toggle = move |_| {
        board
            .open
            .update(|o| match o.iter().position(|d| *d == start) {
                Some(at) => drop(o.remove(at)),
                None => o.push(start),
            })
    };
    let panel = format!("period-{start}");
    let currency = board.dash.currency();
    view! {
        <li class="period" data-testid="period" data-start=start.to_string()>
            <div class="period-head">
                <button
                    type="button"
                    class="period-toggle"
                    id=format!("{panel}-toggle")
                    aria-expanded=move || if is_open() { "true" } else { "false" }
                    aria-controls=panel.clone()
                    on:click=toggle
                >
                    <span class="chev" aria-hidden="true"></span>
                    <span class="when">
                        {move || period.with(|p| p.as_ref().map(|p| period_label(p, today)))}
                    </span>
                    <span class="meta">{move || period.with(|p| p.as_ref().map(period_meta))}</span>
                </button>
                <PeriodNumbers period currency />
            </div>
            <SkippedPaydays board period />
            <div id=panel class="period-panel" hidden=move || !is_open()>
                {move || is_open().then(|| view! { <PeriodDetails board period /> })}
            </div>
        </li>
    }
}

/// Pay, bills still due and left over (a period without a paycheck shows its bills only).
#[component]
fn PeriodNumbers(period: Memo<Option<Period>>, currency: Signal<String>) -> impl IntoView {
    let unpaid = move || period.with(|p| p.as_ref().is_none_or(|p| p.paychecks.is_empty()));
    view! {
        <span class="period-nums">
            <span hidden=unpaid>
                "Pay " <Amount testid="period-income" of=|p| p.income period currency />
            </span>
            <span>"Bills " <Amount testid="period-committed" of=|p| p.committed period currency /></span>
            <span hidden=unpaid>
                "Left over " <Amount testid="period-left" of=|p| p.left_over period currency />
            </span>
        </span>
    }
}

/// One of a period's numbers, with its minor units in `data-amount` (for the browser tests); red below zero.
#[component]
fn Amount(
    testid: &'static str,
    of: fn(&Period) -> Money,
    period: Memo<Option<Period>>,
    currency: Signal<String>,
) -> impl IntoView {
    let amount = move || period.with(|p| p.as_ref().map_or(0, of));
    view! {
        <strong
            data-testid=testid
            data-amount=move || amount().to_string()
            class:negative=move || amount() < 0
        >
            {move || money(amount(), &currency.get())}
        </strong>
    }
}

/// The (id, date) keys of a period's paychecks or bills: the rows change only when these do.
fn keys(period: Memo<Option<Period>>, of: fn(&Period) -> Vec<Key>) -> Memo<Vec<Key>> {
    Memo::new(move |_| period.with(|p| p.as_ref().map(of).unwrap_or_default()))
}

/// An opened period: its paychecks, then its bills.
#[component]
fn PeriodDetails(board: Board, period: Memo<Option<Period>>) -> impl IntoView {
    let paychecks = keys(period, |p| {
        p.paychecks
            .iter()
            .map(|c| (c.schedule_id, c.date))
            .collect()
    });
    let bills = keys(period, |p| {
        p.bills.iter().map(|b| (b.bill_id, b.due_on)).collect()
    });
    view! {
        <ul class="plain paycheck-list">
            {move || {
                paychecks
                    .get()
                    .into_iter()
                    .map(|key| view! { <PaycheckRow board period key /> }.into_any())
                    .collect::<Vec<_>>()
            }}
        </ul>
        <p class="empty" hidden=move || !bills.with(Vec::is_empty)>
            "No bills are due in this pay period."
        </p>
        <ul class="plain occurrences">
            {move || {
                bills
                    .get()
                    .into_iter()
                    .map(|key| view! { <OccurrenceRow board period key /> }.into_any())
                    .collect::<Vec<_>>()
            }}
        </ul>
    }
}

/// One bill occurrence: name, due date, amount, where it stands, its controls and its "Paid a different amount…"
/// form.
#[component]
fn OccurrenceRow(board: Board, period: Memo<Option<Period>>, key: Key) -> impl IntoView {
    let currency = board.dash.currency();
    let row = RowState::new();
    let (name, amount) = period
        .with_untracked(|p| bill_in(p, key).map(|b| (b.name.clone(), b.amount)))
        .unwrap_or_default();
    let status =
        move || period.with(|p| bill_in(p, key).map_or(OccurrenceStatus::Due, |b| b.status));
    let label = move || {
        let currency = currency.get();
        period.with(|p| bill_in(p, key).map(|b| mark_label(b, &|m| money(m, &currency))))
    };
    // Buttons say "Paid"; their names say which ("Paid Phone, Fri 11 Dec"), beginning with what they show.
    let what = format!(" {name}, {}", short_date(key.1));
    let (id, error_id, data_name) = (occ_id(key), occ_id(key), name.clone());
    let editing = board.editing(key);
    let on_save = Callback::new(move |paid| {
        let mark = MarkOccurrence {
            status: OccurrenceStatus::Paid,
            amount_paid: Some(paid),
        };
        board.mark(key, Some(mark), row);
    });
    let save = format!("Save amount paid{what}");
    view! {
        <li
            class="occurrence"
            id=id
            data-testid="occurrence"
            data-name=data_name
            data-due=key.1.to_string()
            class:done=move || status() != OccurrenceStatus::Due
        >
            <span class="name">{name}</span>
            <span class="when">{date_near(key.1, board.today())}</span>
            <span class="amount">{move || money(amount, &currency.get())}</span>
            <span class="occ-actions">
                <span class="tag" data-testid="occurrence-status">{label}</span>
                <OccurrenceButtons board period key row what />
            </span>
            {move || {
                editing()
                    .then(|| {
                        view! {
                            <AmountForm
                                board
                                row_id=occ_id(key)
                                label="Amount paid"
                                save=save.clone()
                                field="amount_paid"
                                row
                                read=paid_amount
                                on_save
                                initial=amount
                            />
                        }
                    })
            }}
            <RowError id=error_id error=row.error field="amount_paid" />
        </li>
    }
}

/// Due: Paid, Skip, Paid a different amount…; marked: Undo. All four stay in the page, hidden by status.
#[component]
fn OccurrenceButtons(
    board: Board,
    period: Memo<Option<Period>>,
    key: Key,
    row: RowState,
    what: String,
) -> impl IntoView {
    let busy = move || row.busy.get();
    let editing = board.editing(key);
    let marked =
        move || period.with(|p| bill_in(p, key).is_some_and(|b| b.status != OccurrenceStatus::Due));
    let mark = move |status| {
        let mark = MarkOccurrence {
            status,
            amount_paid: None,
        };
        board.mark(key, Some(mark), row);
    };
    view! {
        <button
            type="button"
            disabled=busy
            hidden=marked
            aria-label=format!("Paid{what}")
            on:click=move |_| mark(OccurrenceStatus::Paid)
        >
            "Paid"
        </button>
        <button
            type="button"
            disabled=busy
            hidden=marked
            aria-label=format!("Skip{what}")
            on:click=move |_| mark(OccurrenceStatus::Skipped)
        >
            "Skip"
        </button>
        <button
            type="button"
            disabled=busy
            hidden=marked
            aria-label=format!("Paid a different amount…{what}")
            aria-expanded=move || editing().to_string()
            on:click=move |_| board.editing.set(Some(key))
        >
            "Paid a different amount…"
        </button>
        <button
            type="button"
            disabled=busy
            hidden=move || !marked()
            aria-label=format!("Undo{what}")
            on:click=move |_| board.mark(key, None, row)
        >
            "Undo"
        </button>
    }
}

/// An error from the API beside its row, unless it belongs to the open form's `field` (shown there instead).
#[component]
fn RowError(id: String, error: RwSignal<Option<UiError>>, field: &'static str) -> impl IntoView {
    let message = move || {
        error.with(|e| {
            e.as_ref()
                .filter(|e| e.field(field).is_none())
                .map(UiError::message)
        })
    };
    view! {
        <p
            class="field-error row-error"
            id=format!("{id}-row-error")
            role="alert"
            hidden=move || message().is_none()
        >
            {move || message().unwrap_or_default()}
        </p>
    }
}

/// An amount typed in the user's locale, echoed ("= $12.34"), read by `read` before `on_save` gets it; the field's
/// error (ours or the API's `field`) beside it. Focused when it opens; Cancel or Escape gives focus back to the row.
#[component]
fn AmountForm(
    board: Board,
    /// The row's element id.
    row_id: String,
    label: &'static str,
    /// The Save button's accessible name (it shows "Save").
    save: String,
    field: &'static str,
    row: RowState,
    read: fn(&str, u8, NumberStyle) -> Result<Money, String>,
    on_save: Callback<Money>,
    /// What the field starts with (the bill's or paycheck's amount now), selected so typing replaces it.
    initial: Money,
    /// "Skip this payday" beside Save (paychecks only): its accessible name and what it does.
    #[prop(optional)]
    skip: Option<(String, Callback<()>)>,
) -> impl IntoView {
    let currency = board.dash.currency();
    let style = number_style();
    let text = RwSignal::new(decimal_in(
        initial,
        decimals(&currency.get_untracked()),
        style,
    ));
    let local = RwSignal::new(None::<String>);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let places = decimals(&currency.get_untracked());
        match text.with_untracked(|t| read(t, places, style)) {
            Err(problem) => local.set(Some(problem)),
            Ok(amount) => {
                local.set(None);
                on_save.run(amount);
            }
        }
    };
    let message = Signal::derive(move || {
        local
            .get()
            .or_else(|| row.error.with(|e| e.as_ref()?.field(field)))
    });
    let input = NodeRef::<leptos::html::Input>::new();
    input.on_load(|input| {
        request_animation_frame(move || {
            drop(input.focus());
            input.select();
        })
    });
    let id = format!("{row_id}-amount");
    let busy = move || row.busy.get();
    let skip = skip.map(|(name, skip)| {
        view! {
            <button type="button" disabled=busy aria-label=name on:click=move |_| skip.run(())>
                "Skip this payday"
            </button>
        }
    });
    let escape = {
        let row_id = row_id.clone();
        move |ev: KeyboardEvent| {
            if ev.key() == "Escape" {
                ev.prevent_default();
                board.cancel(row_id.clone());
            }
        }
    };
    view! {
        <form class="inline-form" on:submit=submit on:keydown=escape novalidate>
            <label for=id.clone()>{label}</label>
            <input
                id=id.clone()
                type="text"
                inputmode="decimal"
                autocomplete="off"
                bind:value=text
                node_ref=input
                aria-describedby=format!("{id}-error {id}-echo")
            />
            <AmountEcho id=id.clone() text currency allow_negative=false />
            <FieldError id message />
            <div class="actions">
                <button type="submit" class="primary" disabled=busy aria-label=save>"Save"</button>
                {skip}
                <button type="button" on:click=move |_| board.cancel(row_id.clone())>"Cancel"</button>
            </div>
        </form>
    }
}

/// One paycheck of an opened period: its amount ("changed from $X" when overridden), "Change this paycheck…"
/// (another amount, or skip this payday) and, when changed, Restore.
#[component]
fn PaycheckRow(board: Board, period: Memo<Option<Period>>, key: Key) -> impl IntoView {
    let currency = board.dash.currency();
    let row = RowState::new();
    let name = period
        .with_untracked(|p| paycheck_in(p, key).map(|c| c.name.clone()))
        .unwrap_or_default();
    let amount = move || period.with(|p| paycheck_in(p, key).map_or(0, |c| c.amount));
    let amount_untracked =
        move || period.with_untracked(|p| paycheck_in(p, key).map_or(0, |c| c.amount));
    let usual = move || board.schedules.with(|s| changed_from(s, key.0, key.1));
    let what = format!(" {name}, {}", short_date(key.1));
    let (id, error_id) = (pay_id(key), pay_id(key));
    let editing = board.editing(key);
    let focus = move || format!("#{} button", pay_id(key));
    let (on_save, on_skip) = board.paycheck_changes(key, row);
    let (save, skip) = (
        format!("Save amount{what}"),
        format!("Skip this payday{what}"),
    );
    view! {
        <li class="paycheck" id=id data-testid="paycheck">
            <span class="name">{name}</span>
            <span class="meta" data-testid="paycheck-usual">
                {move || usual().map(|u| format!("(changed from {})", money(u, &currency.get())))}
            </span>
            <span class="amount" data-testid="paycheck-amount" data-amount=move || amount().to_string()>
                {move || money(amount(), &currency.get())}
            </span>
            <span class="occ-actions">
                <button
                    type="button"
                    aria-label=format!("Change this paycheck…{what}")
                    aria-expanded=move || editing().to_string()
                    on:click=move |_| board.editing.set(Some(key))
                >
                    "Change this paycheck…"
                </button>
                <button
                    type="button"
                    disabled=move || row.busy.get()
                    hidden=move || usual().is_none()
                    aria-label=format!("Restore{what}")
                    on:click=move |_| board.payday(key, None, row, focus())
                >
                    "Restore"
                </button>
            </span>
            {move || {
                editing()
                    .then(|| {
                        view! {
                            <AmountForm
                                board
                                row_id=pay_id(key)
                                label="This paycheck's amount"
                                save=save.clone()
                                field="amount"
                                row
                                read=paycheck_amount
                                on_save
                                initial=amount_untracked()
                                skip=(skip.clone(), on_skip)
                            />
                        }
                    })
            }}
            <RowError id=error_id error=row.error field="amount" />
        </li>
    }
}

/// The skipped paydays inside a period (it runs over them), each with Restore; shown whether or not it is open.
#[component]
fn SkippedPaydays(board: Board, period: Memo<Option<Period>>) -> impl IntoView {
    let rows = move || {
        let range = period.with(|p| p.as_ref().map(|p| (p.start, p.end)));
        let skipped = board.schedules.with(|s| {
            range
                .map(|(from, until)| skipped_in(s, from, until))
                .unwrap_or_default()
        });
        skipped
            .into_iter()
            .map(|skipped| view! { <SkippedRow board skipped /> }.into_any())
            .collect::<Vec<_>>()
    };
    view! { <ul class="plain skipped">{rows}</ul> }
}

/// "Salary on Fri 25 Dec is skipped." and Restore (focus then goes to the period that starts there again).
#[component]
fn SkippedRow(board: Board, skipped: Skipped) -> impl IntoView {
    let key = (skipped.schedule_id, skipped.date);
    let row = RowState::new();
    let id = format!("skip-{}-{}", key.0, key.1);
    let error_id = id.clone();
    let text = format!(
        "{} on {} is skipped.",
        skipped.name,
        date_near(key.1, board.today())
    );
    let name = format!("Restore {}, {}", skipped.name, short_date(key.1));
    let restore = move |_| board.payday(key, None, row, format!("#period-{}-toggle", key.1));
    view! {
        <li class="skipped-payday" id=id.clone() data-testid="skipped-payday" data-date=key.1.to_string()>
            <span class="meta">{text}</span>
            <button type="button" disabled=move || row.busy.get() aria-label=name on:click=restore>
                "Restore"
            </button>
            <RowError id=error_id error=row.error field="" />
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::{COMMA, POINT};
    use shared::budget::{CreatePaySchedule, PaydayOverride};

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap_or_default()
    }

    /// Bi-weekly Fridays from 2026-12-11, $2,000.00.
    fn salary(overrides: &[(&str, PaydayStatus, Option<Money>)]) -> PaySchedule {
        let mut schedule = serde_json::from_str::<CreatePaySchedule>(
            r#"{"name":"Salary","amount":200000,"frequency":"biweekly","anchor_date":"2026-12-11"}"#,
        )
        .ok()
        .and_then(|c| c.into_record(Uuid::from_u128(1), Default::default()).ok())
        .expect("a valid schedule");
        schedule.payday_overrides = overrides
            .iter()
            .map(|&(date, status, amount)| PaydayOverride {
                date: day(date),
                status,
                amount,
                updated_at: Default::default(),
            })
            .collect();
        schedule
    }

    fn bill(status: OccurrenceStatus, amount_paid: Option<Money>) -> BillDue {
        BillDue {
            bill_id: Uuid::from_u128(7),
            name: "Phone".into(),
            due_on: day("2026-12-14"),
            amount: 4550,
            status,
            amount_paid,
            autopay: false,
            category: None,
        }
    }

    fn period(start: &str, end: &str, paychecks: &[&str], bills: usize) -> Period {
        Period {
            start: day(start),
            end: day(end),
            income: 0,
            paychecks: paychecks
                .iter()
                .map(|name| Paycheck {
                    schedule_id: Uuid::nil(),
                    name: (*name).into(),
                    date: day(start),
                    amount: 1,
                })
                .collect(),
            bills: vec![bill(OccurrenceStatus::Due, None); bills],
            committed: 0,
            left_over: 0,
        }
    }

    #[test]
    fn show_more_goes_from_3_to_6_to_12_paydays_and_stops() {
        assert_eq!(more_after(3), Some(6));
        assert_eq!(more_after(6), Some(12));
        assert_eq!(more_after(12), None);
        assert_eq!(more_after(0), Some(3));
    }

    #[test]
    fn only_a_changed_payday_says_what_it_was_changed_from() {
        let schedules = [salary(&[
            ("2026-12-25", PaydayStatus::Changed, Some(150_000)),
            ("2027-01-08", PaydayStatus::Skipped, None),
        ])];
        let id = Uuid::from_u128(1);
        assert_eq!(
            changed_from(&schedules, id, day("2026-12-25")),
            Some(200_000)
        );
        assert_eq!(changed_from(&schedules, id, day("2027-01-08")), None);
        assert_eq!(changed_from(&schedules, id, day("2026-12-11")), None);
        assert_eq!(
            changed_from(&schedules, Uuid::nil(), day("2026-12-25")),
            None
        );
    }

    #[test]
    fn skipped_paydays_are_listed_within_the_range_and_only_on_real_paydays() {
        let schedules = [salary(&[
            ("2027-01-08", PaydayStatus::Skipped, None),
            ("2026-12-25", PaydayStatus::Skipped, None),
            ("2026-12-11", PaydayStatus::Changed, Some(1)),
            // Not a payday of this schedule (kept but never used): not listed.
            ("2026-12-18", PaydayStatus::Skipped, None),
            ("2027-02-05", PaydayStatus::Skipped, None),
        ])];
        let found = skipped_in(&schedules, day("2026-12-04"), day("2027-01-22"));
        let dates: Vec<_> = found.iter().map(|s| s.date).collect();
        assert_eq!(dates, [day("2026-12-25"), day("2027-01-08")]);
        assert_eq!(found[0].name, "Salary");
        // Two schedules skipping the same day: by name.
        let mut side = salary(&[("2026-12-25", PaydayStatus::Skipped, None)]);
        side.name = "Bonus".into();
        let both = skipped_in(
            &[schedules[0].clone(), side],
            day("2026-12-04"),
            day("2027-01-22"),
        );
        let names: Vec<_> = both.iter().map(|s| (s.date, s.name.as_str())).collect();
        assert_eq!(
            names,
            [
                (day("2026-12-25"), "Bonus"),
                (day("2026-12-25"), "Salary"),
                (day("2027-01-08"), "Salary")
            ]
        );
        // The end is exclusive, as a period's is.
        assert!(skipped_in(&schedules, day("2026-12-04"), day("2026-12-25")).is_empty());
    }

    #[test]
    fn the_current_period_runs_now_until_payday_and_others_are_named_by_their_payday() {
        let today = day("2026-12-04");
        let current = period("2026-12-04", "2026-12-11", &[], 2);
        assert_eq!(period_label(&current, today), "Now until Fri 11 Dec");
        let next = period("2026-12-11", "2026-12-25", &["Salary"], 1);
        assert_eq!(period_label(&next, today), "Fri 11 Dec");
        let next_year = period("2027-01-08", "2027-01-22", &["Salary"], 0);
        assert_eq!(period_label(&next_year, today), "Fri 8 Jan 2027");
        assert_eq!(period_meta(&next), "Salary · 1 bill");
        assert_eq!(period_meta(&current), "2 bills");
        let both = period("2026-12-11", "2026-12-25", &["Salary", "Side job"], 0);
        assert_eq!(period_meta(&both), "Salary · Side job · 0 bills");
    }

    #[test]
    fn a_mark_says_paid_skipped_or_the_different_amount_paid() {
        let fmt = |m: Money| format!("${m}");
        assert_eq!(mark_label(&bill(OccurrenceStatus::Due, None), &fmt), "Due");
        assert_eq!(
            mark_label(&bill(OccurrenceStatus::Skipped, None), &fmt),
            "Skipped"
        );
        assert_eq!(
            mark_label(&bill(OccurrenceStatus::Paid, None), &fmt),
            "Paid"
        );
        assert_eq!(
            mark_label(&bill(OccurrenceStatus::Paid, Some(4550)), &fmt),
            "Paid"
        );
        assert_eq!(
            mark_label(&bill(OccurrenceStatus::Paid, Some(4000)), &fmt),
            "Paid $4000"
        );
    }

    #[test]
    fn a_paycheck_amount_is_read_in_the_locale_and_must_be_more_than_zero() {
        assert_eq!(paycheck_amount("1,234.50", 2, POINT), Ok(123_450));
        assert_eq!(paycheck_amount("1.234,50", 2, COMMA), Ok(123_450));
        assert_eq!(
            paycheck_amount("12,34", 2, POINT),
            Err("unclear: write 12.34, or 1,234 for the whole number".into())
        );
        assert_eq!(
            paycheck_amount("0", 2, POINT),
            Err("must be more than 0 (or skip this payday)".into())
        );
        assert_eq!(paycheck_amount("", 2, POINT), Err("enter an amount".into()));
    }
}
