//! *Before payday*: the set-aside number, the bills and tasks due before the next payday in one list (tick to mark
//! a bill paid or a task done — optimistically, rolled back with a message if the server refuses), the next
//! paychecks with what they must cover, reserves, and a chart of the pay periods and projected balance.
//!
//! The state lives in [`Dashboard`] (plain signals rather than a resource: the summary is patched in place by
//! optimistic ticks and refetched quietly after each saved one, without the page going back to "Loading").

use chrono::NaiveDate;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::budget::{
    BalanceNow, BillDue, BudgetSummary, MarkOccurrence, OccurrenceStatus, Reserve, SafeToSpend,
    SafeToSpendMissing,
};
use shared::tasks::{Priority, Task, UpdateTask};
use shared::{Money, Page};
use uuid::Uuid;

use crate::api::UiError;
use crate::chart;
use crate::format::{coord, date_near, plural, relative_day, short_date};
use crate::optimistic;
use crate::todo::Filter;
use crate::ui::{Ctx, FormError, Loading, ctx, decimals, money};

mod paychecks;
use paychecks::Paychecks;

/// Pay periods fetched at first: the current one and three more ("Show more paychecks" asks for more).
const PERIODS: u32 = 4;

/// One line of the "due before payday" list.
#[derive(Clone, PartialEq)]
enum Row {
    Bill(BillDue),
    Task(Task),
}

impl Row {
    fn key(&self) -> String {
        match self {
            Row::Bill(b) => format!("b{}{}", b.bill_id, b.due_on),
            Row::Task(t) => format!("t{}", t.id),
        }
    }

    fn date(&self) -> NaiveDate {
        match self {
            Row::Bill(b) => b.due_on,
            Row::Task(t) => t.due_on.unwrap_or(NaiveDate::MAX),
        }
    }
}

/// The dashboard's state and what changes it; `Copy`, so every component and handler takes it by value.
#[derive(Clone, Copy)]
struct Dashboard {
    ctx: Ctx,
    summary: RwSignal<Option<BudgetSummary>>,
    /// Active tasks due before payday.
    tasks: RwSignal<Vec<Task>>,
    error: RwSignal<Option<UiError>>,
    /// The first load has finished (later reloads keep the page on screen).
    loaded: RwSignal<bool>,
    has_schedules: RwSignal<bool>,
    /// Read from the summary: any bill occurrence or reserve in the horizon means bills exist.
    has_bills: RwSignal<bool>,
    /// Pay periods asked of the summary (the current one included).
    periods: RwSignal<u32>,
    /// Bumped by every fetch and every optimistic change: a fetch applies its answer only if nothing started
    /// after it, so a slow reload from an earlier tick cannot put back a box the user has just changed.
    generation: StoredValue<u64>,
}

impl Dashboard {
    fn new(ctx: Ctx) -> Self {
        Dashboard {
            ctx,
            summary: RwSignal::new(None),
            tasks: RwSignal::new(Vec::new()),
            error: RwSignal::new(None),
            loaded: RwSignal::new(false),
            has_schedules: RwSignal::new(true),
            has_bills: RwSignal::new(true),
            periods: RwSignal::new(PERIODS),
            generation: StoredValue::new(0),
        }
    }

    /// A new generation: answers of fetches started before it are stale. `None` once the page has gone.
    fn bump(self) -> Option<u64> {
        self.generation.try_update_value(|g| {
            *g += 1;
            *g
        })
    }

    /// Whether nothing has started since `generation` (and the page is still there).
    fn is_latest(self, generation: Option<u64>) -> bool {
        generation.is_some() && self.generation.try_get_value() == generation
    }

    /// Fetches the summary, then the tasks due before its payday.
    fn load(self) {
        spawn_local(self.fetch());
    }

    /// [`Dashboard::load`], awaitable: a change can put focus back once the page shows its result.
    async fn fetch(self) {
        let api = self.ctx.api;
        // Called after a change is saved too, when the page may have gone meanwhile (its signals with it).
        let periods = self.periods.try_get_untracked().unwrap_or(PERIODS);
        let generation = self.bump();
        let fetched: Result<BudgetSummary, UiError> = api
            .get(&format!("/api/v1/budget/summary?periods={periods}"))
            .await;
        if !self.is_latest(generation) {
            return;
        }
        match fetched {
            Ok(s) => {
                self.has_schedules.set(s.next_payday.is_some());
                self.has_bills
                    .set(!s.reserves.is_empty() || s.periods.iter().any(|p| !p.bills.is_empty()));
                if let Some(until) = until(&s) {
                    let listed: Result<Page<Task>, UiError> = api
                        .get(&format!(
                            "/api/v1/tasks?due_before={until}&status=active&limit=100"
                        ))
                        .await;
                    if !self.is_latest(generation) {
                        return;
                    }
                    match listed {
                        Ok(page) => self.tasks.set(page.items),
                        Err(e) => self.error.set(Some(e)),
                    }
                }
                self.summary.set(Some(s));
            }
            Err(e) => self.error.set(Some(e)),
        }
        self.loaded.set(true);
    }

    /// The currency amounts are shown in: the summary's, the settings' until it has loaded.
    fn currency(self) -> Signal<String> {
        let (summary, ctx) = (self.summary, self.ctx);
        Signal::derive(move || {
            summary
                .with(|s| s.as_ref().map(|s| s.currency.clone()))
                .unwrap_or_else(|| ctx.currency())
        })
    }

    /// Optimistic tick on a bill: move the number now, undo exactly this change if the server refuses.
    fn tick_bill(self, bill: BillDue, paid: bool) {
        let Dashboard { ctx, summary, .. } = self;
        let status = if paid {
            OccurrenceStatus::Paid
        } else {
            OccurrenceStatus::Due
        };
        let before = summary
            .with_untracked(|s| {
                s.as_ref()
                    .and_then(|s| find_bill(s, bill.bill_id, bill.due_on))
            })
            .map_or(OccurrenceStatus::Due, |b| b.status);
        self.bump();
        summary.update(|s| {
            if let Some(s) = s {
                optimistic::mark_occurrence(s, bill.bill_id, bill.due_on, status);
            }
        });
        spawn_local(async move {
            let path = format!("/api/v1/bills/{}/occurrences/{}", bill.bill_id, bill.due_on);
            let result = if paid {
                let mark = MarkOccurrence {
                    status,
                    amount_paid: None,
                };
                ctx.api
                    .put::<_, serde_json::Value>(&path, &mark)
                    .await
                    .map(|_| ())
            } else {
                ctx.api.delete(&path).await
            };
            match result {
                Ok(()) => {
                    ctx.saved();
                    self.load();
                }
                Err(e) => {
                    summary.update(|s| {
                        if let Some(s) = s {
                            optimistic::mark_occurrence(s, bill.bill_id, bill.due_on, before);
                        }
                    });
                    ctx.fail(&e);
                    // Show what is saved now (changed or deleted elsewhere, or simply refused): the tick started
                    // a new generation, so a reload already on its way was dropped and must be replaced.
                    self.load();
                }
            }
        });
    }

    /// Optimistic tick on a task, rolled back (only this task) if the server refuses.
    fn tick_task(self, task: Task, done: bool) {
        let Dashboard { ctx, tasks, .. } = self;
        let mut next = task.clone();
        next.completed_at = done.then(crate::ui::now);
        // No new generation here: that would drop a summary reload on its way (after a bill tick) with nothing to
        // replace it, and reloading would take the ticked task off the list (it lists active tasks) before Undo.
        let undo = tasks.try_update(|list| optimistic::upsert(list, next));
        spawn_local(async move {
            let change = UpdateTask {
                completed: Some(done),
                version: Some(task.version),
                ..Default::default()
            };
            let path = format!("/api/v1/tasks/{}", task.id);
            match ctx.api.patch::<_, Task>(&path, &change).await {
                Ok(saved) => {
                    ctx.saved();
                    tasks.update(|list| {
                        optimistic::upsert(list, saved);
                    });
                }
                Err(e) => {
                    if let Some(undo) = undo {
                        tasks.update(|list| optimistic::undo(list, undo));
                    }
                    ctx.fail(&e);
                    if matches!(e.status(), Some(404 | 409)) {
                        self.load();
                    }
                }
            }
        });
    }
}

/// The list's rows: the bills (this period's) and the tasks, by date; a bill before a task on the same day, undated
/// tasks last.
fn due_rows(bills: &[BillDue], tasks: &[Task]) -> Vec<Row> {
    let mut rows: Vec<Row> = bills.iter().cloned().map(Row::Bill).collect();
    rows.extend(tasks.iter().cloned().map(Row::Task));
    // Stable: rows on the same day and of the same kind keep the server's order.
    rows.sort_by(|a, b| {
        a.date()
            .cmp(&b.date())
            .then(matches!(a, Row::Task(_)).cmp(&matches!(b, Row::Task(_))))
    });
    rows
}

/// The day the list runs to: the next payday; with no pay schedule, the end of the one month-long period.
fn until(summary: &BudgetSummary) -> Option<NaiveDate> {
    summary
        .next_payday
        .or_else(|| summary.periods.first().map(|p| p.end))
}

fn find_bill(summary: &BudgetSummary, bill_id: Uuid, due_on: NaiveDate) -> Option<BillDue> {
    summary
        .periods
        .iter()
        .flat_map(|p| p.bills.iter())
        .find(|b| b.bill_id == bill_id && b.due_on == due_on)
        .cloned()
}

/// The page: a loading placeholder until the first load, then the dashboard.
#[component]
pub fn Home() -> impl IntoView {
    let dash = Dashboard::new(ctx());
    dash.load();
    view! {
        <section class="page home" aria-labelledby="home-title">
            <h1 id="home-title" class="visually-hidden">
                "Before payday"
            </h1>
            <FormError error=dash.error />
            <Show
                when=move || dash.loaded.get()
                fallback=|| view! { <Loading what="your budget" /> }
            >
                <Body dash />
            </Show>
        </section>
    }
}

/// Every card of the loaded dashboard, each following the summary.
#[component]
fn Body(dash: Dashboard) -> impl IntoView {
    let summary = dash.summary;
    view! {
        {move || summary.get().map(|summary| view! { <Hero summary /> })}
        // Until both steps are done; a done step says so.
        <Show when=move || !dash.has_schedules.get() || !dash.has_bills.get()>
            <StartHere dash />
        </Show>
        <DueCard dash />
        <Paychecks dash />
        // Nothing to draw before any pay or bill: no empty chart for a new user.
        {move || {
            summary
                .get()
                .filter(|s| s.periods.iter().any(|p| p.income > 0 || !p.bills.is_empty()))
                .map(|summary| view! { <PeriodsChart summary /> })
        }}
        {move || summary.get().map(|summary| view! { <Reserves summary /> })}
    }
}

/// The set-aside number and what it covers; a warning when the balance is projected to go below zero.
#[component]
fn Hero(summary: BudgetSummary) -> impl IntoView {
    let currency = summary.currency.clone();
    let amount = money(summary.set_aside_now, &currency);
    let count = summary.periods.first().map_or(0, |p| {
        p.bills
            .iter()
            .filter(|b| b.status == OccurrenceStatus::Due)
            .count()
    });
    let listed = summary.periods.first().map_or(0, |p| p.bills.len());
    let sub = if listed == 0 {
        "No bills are due before then.".to_owned()
    } else if count == 0 {
        "Every bill before then is paid. Nice.".to_owned()
    } else {
        format!("Covers {} still to pay.", plural(count, "bill"))
    };
    let low = summary.lowest_balance;
    let balance_line = low.filter(|l| l.balance >= 0).map(|low| {
        let text = format!(
            "Lowest projected balance: {} on {}.",
            money(low.balance, &currency),
            short_date(low.date)
        );
        view! { <p class="hero-sub">{text}</p> }
    });
    let warning = low.filter(|l| l.balance < 0).map(|low| {
        let text = format!(
            "Heads up: your balance is projected to dip to {} on {}.",
            money(low.balance, &currency),
            short_date(low.date)
        );
        view! { <p class="warning">{text}</p> }
    });
    // Only a real payday is a deadline: without a pay schedule there is none to invent.
    let before = summary.next_payday.map(|day| {
        view! { " before " <time datetime=day.to_string()>{short_date(day)}</time> }
    });
    let sub = if summary.next_payday.is_none() {
        "Add a pay schedule on the Pay page to see what to set aside before payday.".to_owned()
    } else {
        sub
    };
    let safe = safe_to_spend(&summary);
    let balance_now = summary.balance.as_ref().map(|b| {
        let text = balance_words(b, summary.as_of, &|m| money(m, &currency));
        view! { <p class="hero-sub" data-testid="balance-now" data-amount=b.now.to_string()>{text}</p> }
    });
    view! {
        <div class="hero card" aria-live="polite">
            <p class="hero-line">
                "Set aside "
                <strong
                    class="big"
                    data-testid="set-aside"
                    data-amount=summary.set_aside_now.to_string()
                >
                    {amount}
                </strong>
                {before}
            </p>
            <p class="hero-sub">{sub}</p>
            {balance_now}
            {safe}
            {balance_line}
            {warning}
        </div>
    }
}

/// "Safe to spend until payday": the balance now less the bills still due before payday and this paycheck's share
/// of the reserves, with its parts; without a balance or a pay schedule, what to add instead of a number.
fn safe_to_spend(summary: &BudgetSummary) -> impl IntoView + use<> {
    let currency = &summary.currency;
    let safe = &summary.safe_to_spend;
    let (amount, text) = match (safe.amount, safe.balance_now, safe.until) {
        (Some(amount), Some(now), Some(until)) => (
            amount.to_string(),
            format!(
                "Safe to spend until {}: {} ({}).",
                short_date(until),
                money(amount, currency),
                safe_parts(safe, now, &|m| money(m, currency)),
            ),
        ),
        _ if safe.missing.contains(&SafeToSpendMissing::NoPaySchedule) => (
            String::new(),
            "Add a pay schedule to see what is safe to spend until payday.".to_owned(),
        ),
        _ => (
            String::new(),
            "Add your balance in Settings to see what is safe to spend until payday.".to_owned(),
        ),
    };
    view! {
        <p class="hero-sub" data-testid="safe-to-spend" data-amount=amount>
            {text}
        </p>
    }
}

/// How safe-to-spend is made (docs/budget.md rule 13): "$455.00 − $60.00 still due − $100.00 put aside for later
/// bills", with today's pay and the bills ticked paid ahead only when there are any.
fn safe_parts(safe: &SafeToSpend, now: Money, fmt: &dyn Fn(Money) -> String) -> String {
    let mut text = fmt(now);
    if safe.pay_today != 0 {
        text.push_str(&format!(" + {} pay today", fmt(safe.pay_today)));
    }
    text.push_str(&format!(" − {} still due", fmt(safe.bills_due)));
    if safe.paid_ahead != 0 {
        text.push_str(&format!(
            " − {} ticked paid, not yet out",
            fmt(safe.paid_ahead)
        ));
    }
    text.push_str(&format!(
        " − {} put aside for later bills",
        fmt(safe.reserved)
    ));
    text
}

/// "Balance: $820.00 on Fri 4 Dec − Credit card $45.00 paid = $775.00": the balance as stated, less each bill
/// ticked paid since (docs/budget.md rule 10); just "Balance: $820.00 on Fri 4 Dec" with none.
fn balance_words(balance: &BalanceNow, as_of: NaiveDate, fmt: &dyn Fn(Money) -> String) -> String {
    let mut text = format!(
        "Balance: {} on {}",
        fmt(balance.stated),
        date_near(balance.stated_on, as_of)
    );
    for paid in &balance.paid_since {
        text.push_str(&format!(" − {} {} paid", paid.name, fmt(paid.amount)));
    }
    if !balance.paid_since.is_empty() {
        text.push_str(&format!(" = {}", fmt(balance.now)));
    }
    text
}

/// The first steps for a new user, shown until both are done.
#[component]
fn StartHere(dash: Dashboard) -> impl IntoView {
    view! {
        <div class="card onboarding">
            <h2>"Start here"</h2>
            <ol>
                <Step
                    done=dash.has_schedules
                    href="/pay-schedules"
                    what="Add how you're paid"
                    why=" — so Payday knows when payday is. "
                />
                <Step
                    done=dash.has_bills
                    href="/bills"
                    what="Add your bills"
                    why=" — rent, cards, subscriptions. "
                />
            </ol>
        </div>
    }
}

/// One onboarding step: a link to where it is done, why, and "Done" once it is.
#[component]
fn Step(
    done: RwSignal<bool>,
    href: &'static str,
    what: &'static str,
    why: &'static str,
) -> impl IntoView {
    view! {
        <li class:done=move || done.get()>
            <a href=href>{what}</a>
            {why}
            {move || done.get().then(|| view! { <span class="tag">"Done"</span> })}
        </li>
    }
}

/// "Due before <payday>": the bills and tasks due by then, or a hint where to add some.
#[component]
fn DueCard(dash: Dashboard) -> impl IntoView {
    let (summary, tasks) = (dash.summary, dash.tasks);
    let rows = Memo::new(move |_| {
        summary.with(|s| {
            let bills = s
                .as_ref()
                .and_then(|s| s.periods.first())
                .map(|p| p.bills.as_slice())
                .unwrap_or_default();
            tasks.with(|tasks| due_rows(bills, tasks))
        })
    });
    // Without a pay schedule the period's end is no deadline of the user's: no date is invented.
    let title = move || {
        summary.with(|s| match s.as_ref() {
            Some(s) if s.next_payday.is_some() => {
                until(s).map_or_else(String::new, |d| format!("Due before {}", short_date(d)))
            }
            Some(_) => "Due soon".to_owned(),
            None => String::new(),
        })
    };
    view! {
        <div class="card">
            <h2 id="due-title">{title}</h2>
            <Show when=move || !rows.with(Vec::is_empty) fallback=move || view! { <NothingDue dash /> }>
                <DueList dash rows />
            </Show>
        </div>
    }
}

/// The due rows. Keyed: a row is built once and follows its own status, so a ticked checkbox keeps focus.
#[component]
fn DueList(dash: Dashboard, rows: Memo<Vec<Row>>) -> impl IntoView {
    let currency = dash.currency();
    let today = move || {
        dash.summary
            .with_untracked(|s| s.as_ref().map(|s| s.as_of))
            .unwrap_or_default()
    };
    view! {
        <ul class="due-list" aria-labelledby="due-title">
            <For
                each=move || rows.get()
                key=Row::key
                children=move |row| match row {
                    Row::Bill(bill) => view! { <BillRow bill dash today=today() currency /> }.into_any(),
                    Row::Task(task) => view! { <TaskRow task dash today=today() /> }.into_any(),
                }
            />
        </ul>
    }
}

/// The empty list: where to add something with a due date.
#[component]
fn NothingDue(dash: Dashboard) -> impl IntoView {
    let lead = move || {
        if dash
            .summary
            .with(|s| s.as_ref().and_then(|s| s.next_payday))
            .is_some()
        {
            "Nothing due before payday. Add "
        } else {
            "Nothing due before then. Add "
        }
    };
    view! {
        <p class="empty">
            {lead} <a href="/bills">"bills"</a> " or " <a href=Filter::All.path()>"tasks"</a>
            " with due dates to see them here."
        </p>
    }
}

/// A bill occurrence: tick when paid; overdue while still owed from before today.
#[component]
fn BillRow(
    bill: BillDue,
    dash: Dashboard,
    today: NaiveDate,
    currency: Signal<String>,
) -> impl IntoView {
    let id = format!("bill-{}-{}", bill.bill_id, bill.due_on);
    let (bill_id, due_on, amount) = (bill.bill_id, bill.due_on, bill.amount);
    let summary = dash.summary;
    let status = Memo::new(move |_| {
        summary.with(|s| {
            s.as_ref()
                .and_then(|s| find_bill(s, bill_id, due_on))
                .map(|b| b.status)
        })
    });
    let settled = move || status.get().is_some_and(|s| s != OccurrenceStatus::Due);
    let skipped = move || {
        (status.get() == Some(OccurrenceStatus::Skipped))
            .then(|| view! { <span class="tag">"Skipped"</span> })
    };
    let autopay = bill
        .autopay
        .then(|| view! { <span class="tag">"Autopay"</span> });
    let category = bill
        .category
        .clone()
        .map(|c| view! { <span class="tag subtle">{c}</span> });
    let name = bill.name.clone();
    view! {
        <li
            class="row bill"
            class:done=settled
            // Still owed from before today (the engine's overdue rule).
            class:overdue=move || !settled() && due_on < today
        >
            <input
                type="checkbox"
                id=id.clone()
                aria-label=format!("{name} paid")
                prop:checked=settled
                on:change=move |ev| dash.tick_bill(bill.clone(), event_target_checked(&ev))
            />
            <label for=id class="what">
                <span class="name">{name}</span>
                <span class="meta">
                    <span class="tag">"Bill"</span>
                    {autopay}
                    {category}
                    {skipped}
                </span>
            </label>
            <span class="when">{relative_day(due_on, today)}</span>
            <span class="amount">{move || money(amount, &currency.get())}</span>
        </li>
    }
}

/// A task due before payday: tick when done.
#[component]
fn TaskRow(task: Task, dash: Dashboard, today: NaiveDate) -> impl IntoView {
    let task_id = task.id;
    let id = format!("home-task-{task_id}");
    let tasks = dash.tasks;
    let current = Memo::new(move |_| tasks.with(|l| l.iter().find(|t| t.id == task_id).cloned()));
    let done = move || current.with(|t| t.as_ref().is_some_and(Task::is_completed));
    let overdue = task.due_on.is_some_and(|d| d < today);
    let when = task
        .due_on
        .map(|d| relative_day(d, today))
        .unwrap_or_default();
    let priority = (task.priority >= Priority::High).then(|| {
        let p = task.priority.as_str();
        view! { <span class=format!("tag prio-{p}")>{p}</span> }
    });
    let on_change = move |ev: leptos::ev::Event| {
        // The task as it is now (its version may have moved since the row was built).
        if let Some(t) = current.get_untracked() {
            dash.tick_task(t, event_target_checked(&ev));
        }
    };
    view! {
        <li class=if overdue { "row task overdue" } else { "row task" } class:done=done>
            <input
                type="checkbox"
                id=id.clone()
                aria-label=format!("{} done", task.title)
                prop:checked=done
                on:change=on_change
            />
            <label for=id class="what">
                <span class="name">{task.title.clone()}</span>
                <span class="meta">
                    <span class="tag task-tag">"Task"</span>
                    {priority}
                </span>
            </label>
            <span class="when">{when}</span>
            <span class="amount"></span>
        </li>
    }
}

/// The reserves worth a "per paycheck" line: those due on or after the next payday (the ones safe to spend holds
/// back). One due sooner is already in "Set aside" in full, and without a payday there is no paycheck to split by.
fn reserves_to_show(summary: &BudgetSummary) -> impl Iterator<Item = &Reserve> {
    let next = summary.next_payday;
    summary
        .reserves
        .iter()
        .filter(move |r| next.is_some_and(|payday| r.due_on >= payday))
}

/// Amounts to put aside each payday for bills further out than the next one.
#[component]
fn Reserves(summary: BudgetSummary) -> impl IntoView {
    let currency = summary.currency.clone();
    let items: Vec<_> = reserves_to_show(&summary)
        .map(|r| {
            let rest = format!(
                " per paycheck for {} ({} due {})",
                r.name,
                money(r.amount, &currency),
                date_near(r.due_on, summary.as_of)
            );
            view! { <li><strong>{money(r.per_paycheck, &currency)}</strong>{rest}</li> }
        })
        .collect();
    (!items.is_empty()).then(|| {
        view! {
            <div class="card">
                <h2>"Put a little aside each payday"</h2>
                <ul class="plain">{items}</ul>
            </div>
        }
    })
}

/// The chart card: income and bills per pay period, the projected balance and its lowest point, with a legend and
/// the lowest point in words. Laid out again when the screen's width changes, so its labels keep their size on a
/// phone (see `chart::width_for`); the geometry and the SVG's markup are `chart`'s, this only puts them in the page.
#[component]
fn PeriodsChart(summary: BudgetSummary) -> impl IntoView {
    let currency = summary.currency.clone();
    let description = describe(&summary, &|m| money(m, &currency));
    let words = lowest_words(&summary, &|m| money(m, &currency)).map(|words| {
        view! { <p class="lowest-words" data-testid="lowest-words">{words}</p> }
    });
    let projected = !summary.projected_balance.is_empty();
    let screen = RwSignal::new(screen_width());
    let handle = window_event_listener(leptos::ev::resize, move |_| screen.set(screen_width()));
    on_cleanup(move || handle.remove());
    let width = move || chart::width_for(screen.get());
    let places = decimals(&currency);
    let unit = 10_i64.pow(u32::from(places));
    let markup = move || {
        let whole = |m| without_zero_decimals(&money(m, &currency), places);
        chart::layout(&summary, width(), unit, &whole)
            .map(|layout| chart::markup(&layout, &|m| money(m, &currency)))
            .unwrap_or_default()
    };
    view! {
        <div class="card">
            <h2>"Pay periods at a glance"</h2>
            <svg
                class="chart"
                viewBox=move || format!("0 0 {} {}", coord(width()), coord(chart::HEIGHT))
                role="img"
                aria-label=description
                inner_html=markup
            ></svg>
            {words}
            <Legend projected />
        </div>
    }
}

/// The screen's width in CSS px (0 where the browser cannot say: the chart's widest layout).
fn screen_width() -> f64 {
    window()
        .inner_width()
        .ok()
        .and_then(|w| w.as_f64())
        .unwrap_or(0.0)
}

/// The chart's key; the balance line's only when there is one.
#[component]
fn Legend(projected: bool) -> impl IntoView {
    let balance =
        projected.then(|| view! { <span class="key balance"></span> "Projected balance" });
    view! {
        <p class="legend">
            <span class="key income"></span> "Income " <span class="key committed"></span> "Bills "
            {balance}
        </p>
    }
}

/// The chart's text alternative: each period's income and bills, and the lowest projected balance.
fn describe(summary: &BudgetSummary, fmt: &dyn Fn(Money) -> String) -> String {
    let mut parts: Vec<String> = summary
        .periods
        .iter()
        .map(|p| {
            format!(
                "from {}: income {}, bills {}",
                short_date(p.start),
                fmt(p.income),
                fmt(p.committed)
            )
        })
        .collect();
    if let Some(low) = summary.lowest_balance {
        parts.push(format!(
            "lowest projected balance {} on {}",
            fmt(low.balance),
            short_date(low.date)
        ));
    }
    format!("Pay periods {}.", parts.join("; "))
}

/// "Lowest point: $310.00 on Fri 18 Dec, after Rent is paid." — the chart's low point in words, with the bills that
/// take the balance there (those leaving that day, as the engine projects them: still due, overdue ones on
/// `as_of`, or paid ahead of their due date). `None` without a projection.
fn lowest_words(summary: &BudgetSummary, fmt: &dyn Fn(Money) -> String) -> Option<String> {
    let low = summary.lowest_balance?;
    let as_of = summary.as_of;
    let stated_on = summary.balance.as_ref().map_or(as_of, |b| b.stated_on);
    let names: Vec<&str> = summary
        .periods
        .iter()
        .flat_map(|p| &p.bills)
        .filter(|b| match b.status {
            OccurrenceStatus::Due => b.due_on.max(as_of) == low.date,
            OccurrenceStatus::Paid => {
                b.due_on > as_of && b.due_on >= stated_on && b.due_on == low.date
            }
            _ => false,
        })
        .map(|b| b.name.as_str())
        .collect();
    let when = if low.date == as_of {
        "today".to_owned()
    } else {
        format!("on {}", date_near(low.date, as_of))
    };
    let after = match names.as_slice() {
        [] => String::new(),
        [one] => format!(", after {one} is paid"),
        [a, b] => format!(", after {a} and {b} are paid"),
        [a, b, rest @ ..] => format!(
            ", after {a}, {b} and {} are paid",
            plural(rest.len(), "more bill")
        ),
    };
    let below = if low.balance < 0 {
        " That is below zero."
    } else {
        ""
    };
    Some(format!(
        "Lowest point: {} {when}{after}.{below}",
        fmt(low.balance)
    ))
}

/// `$2,000.00` → `$2,000`, `2.000,00 €` → `2.000 €`: a whole amount without its zero decimals, whichever mark the
/// locale writes before them (the chart's gridline labels, which are whole amounts).
fn without_zero_decimals(text: &str, places: u8) -> String {
    let chars: Vec<char> = text.chars().collect();
    let n = usize::from(places);
    let found = (1..chars.len()).rev().find(|&i| {
        matches!(chars[i], '.' | ',' | '٫')
            && chars[i - 1].is_ascii_digit()
            && chars
                .get(i + 1..=i + n)
                .is_some_and(|z| z.iter().all(|c| *c == '0'))
            && chars.get(i + n + 1).is_none_or(|c| !c.is_ascii_digit())
    });
    match found {
        Some(i) if n > 0 => chars[..i].iter().chain(&chars[i + n + 1..]).collect(),
        _ => text.to_owned(),
    }
}

/// The dashboard's words for the balance and the chart (rule 10's worked example in docs/budget.md).
#[cfg(test)]
mod words_tests {
    use super::*;
    use shared::budget::{BalancePoint, PaidBill, Period};

    #[test]
    fn only_reserves_due_from_the_next_payday_on_get_a_per_paycheck_line() {
        let reserve = |name: &str, due_on: NaiveDate| Reserve {
            bill_id: Uuid::nil(),
            name: name.to_owned(),
            due_on,
            amount: 45_000,
            per_paycheck: 45_000,
            paychecks_until_due: 0,
        };
        let mut summary = BudgetSummary {
            as_of: day(12, 4),
            currency: "USD".to_owned(),
            next_payday: Some(day(12, 25)),
            set_aside_now: 0,
            periods: Vec::new(),
            lowest_balance: None,
            projected_balance: Vec::new(),
            reserves: vec![
                reserve("Car insurance", day(12, 20)),
                reserve("Domain", day(12, 25)),
            ],
            balance: None,
            safe_to_spend: SafeToSpend::default(),
        };
        let names = |s: &BudgetSummary| {
            reserves_to_show(s)
                .map(|r| r.name.clone())
                .collect::<Vec<_>>()
        };

        assert_eq!(names(&summary), ["Domain"]);
        summary.next_payday = None;
        assert!(names(&summary).is_empty());
    }

    #[test]
    fn safe_to_spend_names_todays_pay_and_bills_ticked_paid_ahead_only_when_there_are_any() {
        let plain = SafeToSpend {
            amount: Some(29_500),
            balance_now: Some(45_500),
            bills_due: 6_000,
            reserved: 10_000,
            ..SafeToSpend::default()
        };
        assert_eq!(
            safe_parts(&plain, 45_500, &usd),
            "$455.00 − $60.00 still due − $100.00 put aside for later bills"
        );
        let full = SafeToSpend {
            pay_today: 200_000,
            paid_ahead: 4_550,
            ..plain
        };
        assert_eq!(
            safe_parts(&full, 45_500, &usd),
            "$455.00 + $2,000.00 pay today − $60.00 still due − $45.50 ticked paid, not yet out − $100.00 put \
             aside for later bills"
        );
    }

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, d).unwrap_or_default()
    }

    fn usd(m: Money) -> String {
        crate::format::money_plain(m, "USD", 2)
    }

    fn paid(name: &str, d: u32, amount: Money) -> PaidBill {
        PaidBill {
            bill_id: Uuid::nil(),
            name: name.to_owned(),
            due_on: day(12, d),
            amount,
        }
    }

    #[test]
    fn the_balance_line_reads_as_the_worked_example() {
        let mut balance = BalanceNow {
            stated: 82_000,
            stated_on: day(12, 4),
            paid_since: vec![paid("Credit card", 5, 4_500)],
            now: 77_500,
        };
        assert_eq!(
            balance_words(&balance, day(12, 7), &usd),
            "Balance: $820.00 on Fri 4 Dec − Credit card $45.00 paid = $775.00"
        );
        balance.paid_since.push(paid("Phone", 6, 2_000));
        balance.now = 75_500;
        assert_eq!(
            balance_words(&balance, day(12, 7), &usd),
            "Balance: $820.00 on Fri 4 Dec − Credit card $45.00 paid − Phone $20.00 paid = $755.00"
        );
        balance.paid_since.clear();
        balance.now = 82_000;
        assert_eq!(
            balance_words(&balance, day(12, 7), &usd),
            "Balance: $820.00 on Fri 4 Dec"
        );
        // Stated last year: the year is said.
        balance.stated_on = NaiveDate::from_ymd_opt(2025, 12, 30).unwrap_or_default();
        assert_eq!(
            balance_words(&balance, day(1, 2), &usd),
            "Balance: $820.00 on Tue 30 Dec 2025"
        );
    }

    fn due(name: &str, due_on: NaiveDate, status: OccurrenceStatus) -> BillDue {
        BillDue {
            bill_id: Uuid::nil(),
            name: name.to_owned(),
            due_on,
            amount: 10_000,
            status,
            amount_paid: None,
            autopay: false,
            category: None,
        }
    }

    fn with_low(bills: Vec<BillDue>, date: NaiveDate, balance: Money) -> BudgetSummary {
        BudgetSummary {
            as_of: day(12, 4),
            currency: "USD".into(),
            next_payday: Some(day(12, 11)),
            set_aside_now: 0,
            periods: vec![Period {
                start: day(12, 4),
                end: day(12, 31),
                income: 0,
                paychecks: vec![],
                bills,
                committed: 0,
                left_over: 0,
            }],
            lowest_balance: Some(BalancePoint { date, balance }),
            projected_balance: vec![],
            reserves: vec![],
            balance: None,
            safe_to_spend: Default::default(),
        }
    }

    #[test]
    fn the_lowest_point_in_words_names_the_bills_that_take_the_balance_there() {
        use OccurrenceStatus::{Due, Paid, Skipped};
        let bills = vec![
            due("Rent", day(12, 18), Due),
            due("Gym", day(12, 18), Skipped),
            due("Phone", day(12, 20), Due),
        ];
        assert_eq!(
            lowest_words(&with_low(bills.clone(), day(12, 18), 31_000), &usd).as_deref(),
            Some("Lowest point: $310.00 on Fri 18 Dec, after Rent is paid.")
        );
        // Paid ahead still leaves on its due date (rule 12); an overdue bill leaves today.
        let mut more = bills;
        more.push(due("Water", day(12, 18), Paid));
        more.push(due("Power", day(12, 18), Due));
        assert_eq!(
            lowest_words(&with_low(more.clone(), day(12, 18), -500), &usd).as_deref(),
            Some(
                "Lowest point: −$5.00 on Fri 18 Dec, after Rent, Water and 1 more bill are paid. \
                 That is below zero."
            )
        );
        let overdue = vec![due("Card", day(12, 1), Due), due("Rent", day(12, 4), Paid)];
        assert_eq!(
            lowest_words(&with_low(overdue, day(12, 4), 100), &usd).as_deref(),
            Some("Lowest point: $1.00 today, after Card is paid.")
        );
        let mut none = with_low(more, day(12, 25), 100);
        assert_eq!(
            lowest_words(&none, &usd).as_deref(),
            Some("Lowest point: $1.00 on Fri 25 Dec.")
        );
        none.lowest_balance = None;
        assert_eq!(lowest_words(&none, &usd), None);
    }

    #[test]
    fn gridline_amounts_drop_only_zero_decimals_in_any_locale() {
        assert_eq!(without_zero_decimals("$2,000.00", 2), "$2,000");
        assert_eq!(without_zero_decimals("2.000,00 €", 2), "2.000 €");
        assert_eq!(without_zero_decimals("−$500.00", 2), "−$500");
        assert_eq!(without_zero_decimals("$0.00", 2), "$0");
        assert_eq!(without_zero_decimals("1.000,000 KWD", 3), "1.000 KWD");
        assert_eq!(without_zero_decimals("¥1,000", 0), "¥1,000");
        assert_eq!(without_zero_decimals("$12.50", 2), "$12.50");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, d).unwrap_or_default()
    }

    fn task(n: u128, due_on: Option<NaiveDate>) -> Task {
        Task {
            id: Uuid::from_u128(n),
            title: format!("task {n}"),
            notes: String::new(),
            due_on,
            priority: Priority::default(),
            completed_at: None,
            created_at: Default::default(),
            updated_at: Default::default(),
            version: 1,
        }
    }

    fn bill(n: u128, due_on: NaiveDate) -> BillDue {
        BillDue {
            bill_id: Uuid::from_u128(n),
            name: format!("bill {n}"),
            due_on,
            amount: 100,
            status: OccurrenceStatus::Due,
            amount_paid: None,
            autopay: false,
            category: None,
        }
    }

    #[test]
    fn rows_go_by_date_with_bills_first_on_a_day_and_undated_tasks_last() {
        let bills = [bill(7, day(5)), bill(8, day(1))];
        let tasks = [task(1, None), task(2, Some(day(5))), task(3, Some(day(2)))];
        let keys: Vec<String> = due_rows(&bills, &tasks).iter().map(Row::key).collect();
        let id = Uuid::from_u128;
        assert_eq!(
            keys,
            [
                format!("b{}{}", id(8), day(1)),
                format!("t{}", id(3)),
                format!("b{}{}", id(7), day(5)),
                format!("t{}", id(2)),
                format!("t{}", id(1)),
            ]
        );
    }
}
