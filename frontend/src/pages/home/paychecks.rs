//! *Next paychecks*: every pay period of the summary (the current one first) as a row that opens to list the bills
//! that paycheck covers, each with its own controls (paid, skip, paid a different amount, undo), and the paycheck
//! itself (change this one paycheck's amount, skip this payday, restore). Skipped paydays stay listed, inside the
//! period that now runs over them, so they can be restored. "Show more paychecks" asks the summary for more periods.
//!
//! Changes are not optimistic here: each is sent, then the summary (and the schedules, for "changed from") are
//! fetched again, so committed, left over and set aside follow the server's numbers. A refused change keeps its
//! form and typed text, with the reason next to its row.

use std::future::Future;

use chrono::NaiveDate;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::Money;
use shared::budget::{
    BillDue, MarkOccurrence, MarkPayday, OccurrenceStatus, PaySchedule, Paycheck, PaydayStatus,
    Period,
};
use uuid::Uuid;

use super::Dashboard;
use crate::api::UiError;
use crate::format::{NumberStyle, date_near, parse_amount, plural, short_date};
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
    let mut found: Vec<Skipped> = schedules
        .iter()
        .flat_map(|s| {
            s.payday_overrides
                .iter()
                .filter(move |o| o.status == PaydayStatus::Skipped && s.pays_on(o.date))
                .map(move |o| Skipped {
                    schedule_id: s.id,
                    name: s.name.clone(),
                    date: o.date,
                })
        })
        .filter(|s| (from..until).contains(&s.date))
        .collect();
    found.sort_by(|a, b| a.date.cmp(&b.date).then_with(|| a.name.cmp(&b.name)));
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

/// A paycheck's new amount as typed: the locale's number, more than zero (a paycheck of nothing is a skipped one).
fn paycheck_amount(text: &str, places: u8, style: NumberStyle) -> Result<Money, String> {
    match parse_amount(text, places, false, style)? {
        0 => Err("must be more than 0 (or skip this payday)".into()),
        amount => Ok(amount),
    }
}

/// One bill occurrence: its element id and its API address.
#[derive(Clone, Copy, PartialEq)]
struct Occ {
    bill_id: Uuid,
    due_on: NaiveDate,
}

impl Occ {
    fn key(self) -> String {
        format!("occ-{}-{}", self.bill_id, self.due_on)
    }

    fn path(self) -> String {
        format!("/api/v1/bills/{}/occurrences/{}", self.bill_id, self.due_on)
    }
}

/// One payday of one schedule.
#[derive(Clone, Copy, PartialEq)]
struct Pay {
    schedule_id: Uuid,
    date: NaiveDate,
}

impl Pay {
    fn key(self) -> String {
        format!("pay-{}-{}", self.schedule_id, self.date)
    }

    fn path(self) -> String {
        format!(
            "/api/v1/pay-schedules/{}/paydays/{}",
            self.schedule_id, self.date
        )
    }
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
    /// The key of the one inline form open.
    editing: RwSignal<Option<String>>,
}

impl Board {
    async fn load_schedules(self) {
        let listed = self.dash.ctx.api.get("/api/v1/pay-schedules").await;
        match listed {
            Ok(list) => self.schedules.set(list),
            Err(e) => self.dash.ctx.fail(&e),
        }
    }

    /// Sends one change. Saved: the schedules and summary are fetched again, the form closes and focus goes to
    /// `focus` (the row's buttons were rebuilt). Refused: the reason is shown at the row, the form keeps its text;
    /// a 404/409 reloads what is saved.
    fn send(
        self,
        row: RowState,
        focus: String,
        request: impl Future<Output = Result<(), UiError>> + 'static,
    ) {
        row.busy.set(true);
        row.error.set(None);
        spawn_local(async move {
            let result = request.await;
            row.busy.set(false);
            let reload = match &result {
                Ok(()) => true,
                Err(e) => matches!(e.status(), Some(404 | 409)),
            };
            if let Err(e) = result {
                row.error.set(Some(e));
            } else {
                self.dash.ctx.saved();
            }
            if reload {
                self.load_schedules().await;
                self.dash.fetch().await;
            }
            if row.error.with_untracked(Option::is_none) {
                self.editing.set(None);
                request_animation_frame(move || refocus(&focus));
            }
        });
    }

    /// Marks an occurrence (`Some`) or makes it due again (`None`).
    fn mark(self, occ: Occ, mark: Option<MarkOccurrence>, row: RowState) {
        let api = self.dash.ctx.api;
        let focus = format!("#{} button", occ.key());
        self.send(row, focus, async move {
            match mark {
                Some(mark) => api
                    .put::<_, serde_json::Value>(&occ.path(), &mark)
                    .await
                    .map(drop),
                None => api.delete(&occ.path()).await,
            }
        });
    }

    /// Overrides a payday (`Some`) or pays it as the schedule says again (`None`); focus goes to `focus`.
    fn payday(self, pay: Pay, mark: Option<MarkPayday>, row: RowState, focus: String) {
        let api = self.dash.ctx.api;
        self.send(row, focus, async move {
            match mark {
                Some(mark) => api
                    .put::<_, serde_json::Value>(&pay.path(), &mark)
                    .await
                    .map(drop),
                None => api.delete(&pay.path()).await,
            }
        });
    }

    fn editing(self, key: String) -> impl Fn() -> bool + Copy + 'static {
        let key = StoredValue::new(key);
        move || {
            self.editing
                .with(|e| e.as_deref() == Some(key.read_value().as_str()))
        }
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
        <Show when=move || !starts.with(Vec::is_empty)>
            <div class="card" data-testid="paychecks">
                <h2 id="paychecks-title">"Next paychecks"</h2>
                <p class="hint">"Open a payday to see the bills its paycheck covers."</p>
                <ul class="periods" aria-labelledby="paychecks-title">
                    <For
                        each=move || starts.get()
                        key=|start| *start
                        children=move |start| view! { <PeriodItem board start /> }
                    />
                </ul>
                <MorePaychecks dash />
            </div>
        </Show>
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
            <Show when=move || more_after(shown()).is_some()>
                <button type="button" on:click=more disabled=move || busy.get()>
                    "Show more paychecks"
                </button>
            </Show>
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
                <PeriodNumbers period currency=board.dash.currency() />
            </div>
            <SkippedPaydays board period />
            <div id=panel class="period-panel" hidden=move || !is_open()>
                <Show when=is_open>
                    <PeriodDetails board period />
                </Show>
            </div>
        </li>
    }
}

/// Pay, bills still due and left over (a period without a paycheck shows its bills only).
#[component]
fn PeriodNumbers(period: Memo<Option<Period>>, currency: Signal<String>) -> impl IntoView {
    let of = move |f: fn(&Period) -> Money| {
        Signal::derive(move || period.with(|p| p.as_ref().map_or(0, f)))
    };
    let paid = move || period.with(|p| p.as_ref().is_some_and(|p| !p.paychecks.is_empty()));
    view! {
        <span class="period-nums">
            <Show when=paid>
                <span>"Pay " <Amount testid="period-income" amount=of(|p| p.income) currency /></span>
            </Show>
            <span>"Bills " <Amount testid="period-committed" amount=of(|p| p.committed) currency /></span>
            <Show when=paid>
                <span>
                    "Left over " <Amount testid="period-left" amount=of(|p| p.left_over) currency />
                </span>
            </Show>
        </span>
    }
}

/// An amount with its minor units in `data-amount` (for the browser tests); red below zero.
#[component]
fn Amount(testid: &'static str, amount: Signal<Money>, currency: Signal<String>) -> impl IntoView {
    view! {
        <strong
            data-testid=testid
            data-amount=move || amount.get().to_string()
            class:negative=move || amount.get() < 0
        >
            {move || money(amount.get(), &currency.get())}
        </strong>
    }
}

/// Text for screen readers only, after a short visible button label ("Paid" → "Paid Phone, Fri 11 Dec").
#[component]
fn Sr(text: StoredValue<String>) -> impl IntoView {
    view! { <span class="visually-hidden">{move || text.get_value()}</span> }
}

/// An opened period: its paychecks, then its bills.
#[component]
fn PeriodDetails(board: Board, period: Memo<Option<Period>>) -> impl IntoView {
    let paychecks =
        move || period.with(|p| p.as_ref().map(|p| p.paychecks.clone()).unwrap_or_default());
    let bills = Memo::new(move |_| {
        period.with(|p| {
            p.as_ref()
                .map(|p| {
                    p.bills
                        .iter()
                        .map(|b| Occ {
                            bill_id: b.bill_id,
                            due_on: b.due_on,
                        })
                        .collect()
                })
                .unwrap_or_default()
        })
    });
    view! {
        <ul class="plain paycheck-list">
            <For
                each=paychecks
                key=|c| (c.schedule_id, c.date, c.amount)
                children=move |paycheck| view! { <PaycheckRow board paycheck /> }
            />
        </ul>
        <Show
            when=move || !bills.with(Vec::is_empty)
            fallback=|| view! { <p class="empty">"No bills are due in this pay period."</p> }
        >
            <ul class="plain occurrences">
                <For
                    each=move || bills.get()
                    key=|occ: &Occ| (occ.bill_id, occ.due_on)
                    children=move |occ| view! { <OccurrenceRow board period occ /> }
                />
            </ul>
        </Show>
    }
}

/// One bill occurrence: name, due date, amount, where it stands, and its controls.
#[component]
fn OccurrenceRow(board: Board, period: Memo<Option<Period>>, occ: Occ) -> impl IntoView {
    let bill = Memo::new(move |_| {
        period.with(|p| {
            p.as_ref()?
                .bills
                .iter()
                .find(|b| b.bill_id == occ.bill_id && b.due_on == occ.due_on)
                .cloned()
        })
    });
    let currency = board.dash.currency();
    let row = RowState::new();
    let (name, amount) = bill
        .with_untracked(|b| b.as_ref().map(|b| (b.name.clone(), b.amount)))
        .unwrap_or_default();
    let status = Signal::derive(move || {
        bill.with(|b| b.as_ref().map_or(OccurrenceStatus::Due, |b| b.status))
    });
    let label = move || {
        bill.with(|b| {
            b.as_ref()
                .map(|b| mark_label(b, &|m| money(m, &currency.get())))
        })
    };
    let what = StoredValue::new(format!(" {name}, {}", short_date(occ.due_on)));
    let (key, data_name) = (occ.key(), name.clone());
    view! {
        <li
            class="occurrence"
            id=key.clone()
            data-testid="occurrence"
            data-name=data_name
            data-due=occ.due_on.to_string()
            class:done=move || status.get() != OccurrenceStatus::Due
        >
            <span class="name">{name}</span>
            <span class="when">{date_near(occ.due_on, board.today())}</span>
            <span class="amount">{move || money(amount, &currency.get())}</span>
            <span class="occ-actions">
                <span class="tag" data-testid="occurrence-status">{label}</span>
                <OccurrenceButtons board occ status row what />
            </span>
            <Show when=board.editing(key.clone())>
                <PaidForm board occ row what />
            </Show>
            <RowError id=key.clone() error=row.error field="amount_paid" />
        </li>
    }
}

/// Due: Paid, Skip, Paid a different amount…; marked: Undo.
#[component]
fn OccurrenceButtons(
    board: Board,
    occ: Occ,
    status: Signal<OccurrenceStatus>,
    row: RowState,
    what: StoredValue<String>,
) -> impl IntoView {
    let busy = move || row.busy.get();
    let mark = move |status| {
        let mark = MarkOccurrence {
            status,
            amount_paid: None,
        };
        board.mark(occ, Some(mark), row);
    };
    let undo = move || {
        view! {
            <button type="button" disabled=busy on:click=move |_| board.mark(occ, None, row)>
                "Undo" <Sr text=what />
            </button>
        }
    };
    view! {
        <Show when=move || status.get() == OccurrenceStatus::Due fallback=undo>
            <button type="button" disabled=busy on:click=move |_| mark(OccurrenceStatus::Paid)>
                "Paid" <Sr text=what />
            </button>
            <button type="button" disabled=busy on:click=move |_| mark(OccurrenceStatus::Skipped)>
                "Skip" <Sr text=what />
            </button>
            <button
                type="button"
                disabled=busy
                aria-expanded=move || board.editing(occ.key())().to_string()
                on:click=move |_| board.editing.set(Some(occ.key()))
            >
                "Paid a different amount…" <Sr text=what />
            </button>
        </Show>
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
        <p class="field-error row-error" id=format!("{id}-row-error") role="alert" hidden=move || message().is_none()>
            {move || message().unwrap_or_default()}
        </p>
    }
}

/// An amount field with its echo and error, focused when it opens.
#[component]
fn AmountField(
    id: String,
    label: &'static str,
    text: RwSignal<String>,
    currency: Signal<String>,
    message: Signal<Option<String>>,
) -> impl IntoView {
    let field = NodeRef::<leptos::html::Input>::new();
    field.on_load(|input| request_animation_frame(move || drop(input.focus())));
    view! {
        <label for=id.clone()>{label}</label>
        <input
            id=id.clone()
            type="text"
            inputmode="decimal"
            autocomplete="off"
            bind:value=text
            node_ref=field
            aria-describedby=format!("{id}-error {id}-echo")
        />
        <AmountEcho id=id.clone() text currency allow_negative=false />
        <FieldError id message />
    }
}

/// "Paid a different amount…": the amount typed in the user's locale, echoed, checked before it is sent.
#[component]
fn PaidForm(board: Board, occ: Occ, row: RowState, what: StoredValue<String>) -> impl IntoView {
    let currency = board.dash.currency();
    let text = RwSignal::new(String::new());
    let local = RwSignal::new(None::<String>);
    let style = number_style();
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let places = decimals(&currency.get_untracked());
        match text.with_untracked(|t| parse_amount(t, places, false, style)) {
            Err(problem) => local.set(Some(problem)),
            Ok(paid) => {
                local.set(None);
                let mark = MarkOccurrence {
                    status: OccurrenceStatus::Paid,
                    amount_paid: Some(paid),
                };
                board.mark(occ, Some(mark), row);
            }
        }
    };
    let message = Signal::derive(move || {
        local
            .get()
            .or_else(|| row.error.with(|e| e.as_ref()?.field("amount_paid")))
    });
    view! {
        <form class="inline-form" on:submit=submit novalidate>
            <AmountField id=format!("{}-paid", occ.key()) label="Amount paid" text currency message />
            <div class="actions">
                <button type="submit" class="primary" disabled=move || row.busy.get()>
                    "Save amount paid" <Sr text=what />
                </button>
                <button type="button" on:click=move |_| board.editing.set(None)>"Cancel"</button>
            </div>
        </form>
    }
}

/// One paycheck of an opened period: its amount ("changed from $X" when overridden) and its controls.
#[component]
fn PaycheckRow(board: Board, paycheck: Paycheck) -> impl IntoView {
    let pay = Pay {
        schedule_id: paycheck.schedule_id,
        date: paycheck.date,
    };
    let currency = board.dash.currency();
    let row = RowState::new();
    let usual = Memo::new(move |_| {
        board
            .schedules
            .with(|s| changed_from(s, pay.schedule_id, pay.date))
    });
    let amount = paycheck.amount;
    let what = StoredValue::new(format!(" {}, {}", paycheck.name, short_date(pay.date)));
    let key = pay.key();
    let restore = move |_| board.payday(pay, None, row, format!("#{} button", pay.key()));
    view! {
        <li class="paycheck" id=key.clone() data-testid="paycheck">
            <span class="name">{paycheck.name.clone()}</span>
            <span class="meta" data-testid="paycheck-usual">
                {move || usual.get().map(|u| format!("(changed from {})", money(u, &currency.get())))}
            </span>
            <span class="amount" data-testid="paycheck-amount" data-amount=amount.to_string()>
                {move || money(amount, &currency.get())}
            </span>
            <span class="occ-actions">
                <button
                    type="button"
                    aria-expanded=move || board.editing(pay.key())().to_string()
                    on:click=move |_| board.editing.set(Some(pay.key()))
                >
                    "Change this paycheck…" <Sr text=what />
                </button>
                <Show when=move || usual.get().is_some()>
                    <button type="button" disabled=move || row.busy.get() on:click=restore>
                        "Restore" <Sr text=what />
                    </button>
                </Show>
            </span>
            <Show when=board.editing(key.clone())>
                <PaycheckForm board pay row what />
            </Show>
            <RowError id=key.clone() error=row.error field="amount" />
        </li>
    }
}

/// "Change this paycheck…": a different amount (locale-parsed, echoed) or skip this payday.
#[component]
fn PaycheckForm(board: Board, pay: Pay, row: RowState, what: StoredValue<String>) -> impl IntoView {
    let currency = board.dash.currency();
    let text = RwSignal::new(String::new());
    let local = RwSignal::new(None::<String>);
    let style = number_style();
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let places = decimals(&currency.get_untracked());
        match text.with_untracked(|t| paycheck_amount(t, places, style)) {
            Err(problem) => local.set(Some(problem)),
            Ok(amount) => {
                local.set(None);
                let mark = MarkPayday {
                    status: None,
                    amount: Some(amount),
                };
                board.payday(pay, Some(mark), row, format!("#{} button", pay.key()));
            }
        }
    };
    // The period goes: focus goes to the skipped payday's Restore, listed in the period before.
    let skip = move |_| {
        let mark = MarkPayday {
            status: Some(PaydayStatus::Skipped),
            amount: None,
        };
        let focus = format!("#skip-{}-{} button", pay.schedule_id, pay.date);
        board.payday(pay, Some(mark), row, focus);
    };
    let message = Signal::derive(move || {
        local
            .get()
            .or_else(|| row.error.with(|e| e.as_ref()?.field("amount")))
    });
    view! {
        <form class="inline-form" on:submit=submit novalidate>
            <AmountField id=format!("{}-amount", pay.key()) label="This paycheck's amount" text currency message />
            <div class="actions">
                <button type="submit" class="primary" disabled=move || row.busy.get()>
                    "Save amount" <Sr text=what />
                </button>
                <button type="button" disabled=move || row.busy.get() on:click=skip>
                    "Skip this payday" <Sr text=what />
                </button>
                <button type="button" on:click=move |_| board.editing.set(None)>"Cancel"</button>
            </div>
        </form>
    }
}

/// The skipped paydays inside a period (it runs over them), each with Restore; shown whether or not it is open.
#[component]
fn SkippedPaydays(board: Board, period: Memo<Option<Period>>) -> impl IntoView {
    let skipped = Memo::new(move |_| {
        let range = period.with(|p| p.as_ref().map(|p| (p.start, p.end)));
        board.schedules.with(|s| {
            range
                .map(|(from, until)| skipped_in(s, from, until))
                .unwrap_or_default()
        })
    });
    view! {
        <ul class="plain skipped">
            <For
                each=move || skipped.get()
                key=|s| (s.schedule_id, s.date)
                children=move |skipped| view! { <SkippedRow board skipped /> }
            />
        </ul>
    }
}

/// "Salary on Fri 25 Dec is skipped" and Restore (focus then goes to the period that starts there again).
#[component]
fn SkippedRow(board: Board, skipped: Skipped) -> impl IntoView {
    let pay = Pay {
        schedule_id: skipped.schedule_id,
        date: skipped.date,
    };
    let row = RowState::new();
    let key = format!("skip-{}-{}", pay.schedule_id, pay.date);
    let error_id = key.clone();
    let text = format!(
        "{} on {} is skipped.",
        skipped.name,
        date_near(pay.date, board.today())
    );
    let what = StoredValue::new(format!(" {}, {}", skipped.name, short_date(pay.date)));
    let restore = move |_| board.payday(pay, None, row, format!("#period-{}-toggle", pay.date));
    view! {
        <li class="skipped-payday" id=key.clone() data-testid="skipped-payday" data-date=pay.date.to_string()>
            <span class="meta">{text}</span>
            <button type="button" disabled=move || row.busy.get() on:click=restore>
                "Restore" <Sr text=what />
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
