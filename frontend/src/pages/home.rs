//! *Before payday*: the set-aside number, the bills and tasks due before the next payday in one list (tick to mark
//! a bill paid or a task done — optimistically, rolled back with a message if the server refuses), the next
//! paychecks with what they must cover, reserves, and a chart of the pay periods and projected balance.

use chrono::NaiveDate;
use leptos::prelude::*;
use shared::budget::{BillDue, BudgetSummary, MarkOccurrence, OccurrenceStatus};
use shared::tasks::{Task, UpdateTask};
use shared::{Money, Page};
use uuid::Uuid;

use crate::api::UiError;
use crate::chart;
use crate::format::{coord, date_near, day_month, plural, relative_day, short_date};
use crate::optimistic;
use crate::route::{Link, Route};
use crate::todo::{Filter, Sort};
use crate::ui::{Loading, ctx, money};

/// Pay periods fetched: the current one and three more.
const PERIODS: u32 = 4;

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

#[component]
pub fn Home() -> impl IntoView {
    let ctx = ctx();
    let summary = RwSignal::new(None::<BudgetSummary>);
    let tasks = RwSignal::new(Vec::<Task>::new());
    let error = RwSignal::new(None::<UiError>);
    let loaded = RwSignal::new(false);
    let has_schedules = RwSignal::new(true);

    let api = ctx.api;
    let load = move || {
        leptos::task::spawn_local(async move {
            let fetched: Result<BudgetSummary, UiError> = api
                .get(&format!("/api/v1/budget/summary?periods={PERIODS}"))
                .await;
            match fetched {
                Ok(s) => {
                    let until = s.next_payday.unwrap_or_else(|| s.periods[0].end);
                    has_schedules.set(s.next_payday.is_some());
                    let listed: Result<Page<Task>, UiError> = api
                        .get(&format!(
                            "/api/v1/tasks?due_before={until}&status=active&limit=100"
                        ))
                        .await;
                    match listed {
                        Ok(page) => tasks.set(page.items),
                        Err(e) => error.set(Some(e)),
                    }
                    summary.set(Some(s));
                }
                Err(e) => error.set(Some(e)),
            }
            loaded.set(true);
        });
    };
    load();

    let rows = Memo::new(move |_| {
        let mut rows: Vec<Row> = summary.with(|s| {
            s.as_ref()
                .and_then(|s| s.periods.first())
                .map(|p| p.bills.iter().cloned().map(Row::Bill).collect())
                .unwrap_or_default()
        });
        rows.extend(tasks.get().into_iter().map(Row::Task));
        rows.sort_by(|a, b| {
            a.date()
                .cmp(&b.date())
                .then(matches!(a, Row::Task(_)).cmp(&matches!(b, Row::Task(_))))
        });
        rows
    });

    // Optimistic tick on a bill: move the number now, undo exactly this change if the server refuses.
    let tick_bill = {
        let refresh = load;
        move |bill: BillDue, paid: bool| {
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
            summary.update(|s| {
                if let Some(s) = s {
                    optimistic::mark_occurrence(s, bill.bill_id, bill.due_on, status);
                }
            });
            leptos::task::spawn_local(async move {
                let path = format!("/api/v1/bills/{}/occurrences/{}", bill.bill_id, bill.due_on);
                let result = if paid {
                    ctx.api
                        .put::<_, serde_json::Value>(
                            &path,
                            &MarkOccurrence {
                                status,
                                amount_paid: None,
                            },
                        )
                        .await
                        .map(|_| ())
                } else {
                    ctx.api.delete(&path).await
                };
                match result {
                    Ok(()) => refresh(),
                    Err(e) => {
                        summary.update(|s| {
                            if let Some(s) = s {
                                optimistic::mark_occurrence(s, bill.bill_id, bill.due_on, before);
                            }
                        });
                        ctx.fail(&e);
                    }
                }
            });
        }
    };

    let tick_task = {
        move |task: Task, done: bool| {
            let mut next = task.clone();
            next.completed_at = done.then(crate::ui::now);
            let undo = tasks.try_update(|list| optimistic::upsert(list, next));
            leptos::task::spawn_local(async move {
                let change = UpdateTask {
                    completed: Some(done),
                    version: Some(task.version),
                    ..Default::default()
                };
                match ctx
                    .api
                    .patch::<_, Task>(&format!("/api/v1/tasks/{}", task.id), &change)
                    .await
                {
                    Ok(saved) => tasks.update(|list| {
                        optimistic::upsert(list, saved);
                    }),
                    Err(e) => {
                        if let Some(undo) = undo {
                            tasks.update(|list| optimistic::undo(list, undo));
                        }
                        ctx.fail(&e);
                    }
                }
            });
        }
    };

    let currency = move || {
        summary
            .with(|s| s.as_ref().map(|s| s.currency.clone()))
            .unwrap_or_else(|| ctx.currency())
    };

    view! {
        <section class="page home" aria-labelledby="home-title">
            <h1 id="home-title" class="visually-hidden">"Before payday"</h1>
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e.message()}</p> })}
            <Show when=move || loaded.get() fallback=|| view! { <Loading what="your budget" /> }>
                {move || summary.get().map(|s| view! { <Hero summary=s /> })}
                <Show when=move || !has_schedules.get()>
                    <div class="card onboarding">
                        <h2>"Start here"</h2>
                        <ol>
                            <li><Link to=Route::Schedules>"Add how you're paid"</Link>" — so Payday knows when payday is."</li>
                            <li><Link to=Route::Bills>"Add your bills"</Link>" — rent, cards, subscriptions."</li>
                        </ol>
                    </div>
                </Show>
                <div class="card">
                    <h2 id="due-title">
                        {move || summary.with(|s| s.as_ref().map(|s| match s.next_payday {
                            Some(p) => format!("Due before {}", short_date(p)),
                            None => "Due this month".to_owned(),
                        }))}
                    </h2>
                    <Show
                        when=move || !rows.with(Vec::is_empty)
                        fallback=|| view! {
                            <p class="empty">"Nothing due before payday. Add "
                                <Link to=Route::Bills>"bills"</Link>" or "
                                <Link to=Route::Tasks { filter: Filter::All, q: String::new(), sort: Sort::Due }>"tasks"</Link>
                                " with due dates to see them here."</p>
                        }
                    >
                        <ul class="due-list" aria-labelledby="due-title">
                            <For each=move || rows.get() key=Row::key let:row>
                                {
                                    let today = summary.with_untracked(|s| s.as_ref().map(|s| s.as_of)).unwrap_or_default();
                                    match row {
                                        Row::Bill(bill) => view! { <BillRow bill summary today on_tick=tick_bill currency=Signal::derive(currency) /> }.into_any(),
                                        Row::Task(task) => view! { <TaskRow task tasks today on_tick=tick_task /> }.into_any(),
                                    }
                                }
                            </For>
                        </ul>
                    </Show>
                </div>
                {move || summary.get().map(|s| view! { <Paychecks summary=s /> })}
                {move || summary.get().map(|s| view! { <Chart summary=s /> })}
                {move || summary.get().map(|s| view! { <Reserves summary=s /> })}
            </Show>
        </section>
    }
}

fn find_bill(summary: &BudgetSummary, bill_id: Uuid, due_on: NaiveDate) -> Option<BillDue> {
    summary
        .periods
        .iter()
        .flat_map(|p| p.bills.iter())
        .find(|b| b.bill_id == bill_id && b.due_on == due_on)
        .cloned()
}

#[component]
fn Hero(summary: BudgetSummary) -> impl IntoView {
    let amount = money(summary.set_aside_now, &summary.currency);
    let count = summary.periods.first().map_or(0, |p| {
        p.bills
            .iter()
            .filter(|b| b.status == OccurrenceStatus::Due)
            .count()
    });
    let until = summary.next_payday.map(short_date);
    let warning = summary.lowest_balance.filter(|l| l.balance < 0).map(|low| {
        format!(
            "Heads up: your balance is projected to dip to {} on {}.",
            money(low.balance, &summary.currency),
            short_date(low.date)
        )
    });
    let balance_line = summary
        .lowest_balance
        .filter(|l| l.balance >= 0)
        .map(|low| {
            format!(
                "Lowest projected balance: {} on {}.",
                money(low.balance, &summary.currency),
                short_date(low.date)
            )
        });
    view! {
        <div class="hero card" aria-live="polite">
            <p class="hero-line">
                "Set aside "
                <strong class="big" data-testid="set-aside" data-amount=summary.set_aside_now.to_string()>{amount}</strong>
                {match until {
                    Some(day) => view! { " before " <time datetime=summary.next_payday.map(|d| d.to_string())>{day}</time> }.into_any(),
                    None => view! { " for the bills due this month" }.into_any(),
                }}
            </p>
            <p class="hero-sub">
                {if count == 0 {
                    "Every bill before then is paid. Nice.".to_owned()
                } else {
                    format!("Covers {} still to pay.", plural(count, "bill"))
                }}
            </p>
            {balance_line.map(|l| view! { <p class="hero-sub">{l}</p> })}
            {warning.map(|w| view! { <p class="warning">{w}</p> })}
        </div>
    }
}

#[component]
fn BillRow(
    bill: BillDue,
    summary: RwSignal<Option<BudgetSummary>>,
    today: NaiveDate,
    on_tick: impl Fn(BillDue, bool) + 'static,
    currency: Signal<String>,
) -> impl IntoView {
    let id = format!("bill-{}-{}", bill.bill_id, bill.due_on);
    let (bill_id, due_on) = (bill.bill_id, bill.due_on);
    let status = Memo::new(move |_| {
        summary.with(|s| {
            s.as_ref()
                .and_then(|s| find_bill(s, bill_id, due_on))
                .map(|b| b.status)
        })
    });
    let settled = move || status.get().is_some_and(|s| s != OccurrenceStatus::Due);
    let label = format!("{} paid", bill.name);
    let amount = bill.amount;
    let clicked = bill.clone();
    view! {
        <li class="row bill" class:done=settled>
            <input type="checkbox" id=id.clone() aria-label=label prop:checked=settled
                on:change=move |ev| on_tick(clicked.clone(), event_target_checked(&ev)) />
            <label for=id class="what">
                <span class="name">{bill.name.clone()}</span>
                <span class="meta">
                    <span class="tag">"Bill"</span>
                    {bill.autopay.then(|| view! { <span class="tag">"Autopay"</span> })}
                    {bill.category.clone().map(|c| view! { <span class="tag subtle">{c}</span> })}
                    {move || (status.get() == Some(OccurrenceStatus::Skipped)).then(|| view! { <span class="tag">"Skipped"</span> })}
                </span>
            </label>
            <span class="when">{relative_day(bill.due_on, today)}</span>
            <span class="amount">{move || money(amount, &currency.get())}</span>
        </li>
    }
}

#[component]
fn TaskRow(
    task: Task,
    tasks: RwSignal<Vec<Task>>,
    today: NaiveDate,
    on_tick: impl Fn(Task, bool) + 'static,
) -> impl IntoView {
    let task_id = task.id;
    let id = format!("home-task-{task_id}");
    let current = Memo::new(move |_| tasks.with(|l| l.iter().find(|t| t.id == task_id).cloned()));
    let done = move || current.with(|t| t.as_ref().is_some_and(Task::is_completed));
    let overdue = task.due_on.is_some_and(|d| d < today);
    let when = task
        .due_on
        .map(|d| relative_day(d, today))
        .unwrap_or_default();
    let priority = (task.priority >= shared::tasks::Priority::High).then(|| task.priority.as_str());
    view! {
        <li class="row task" class:done=done class:overdue=overdue>
            <input type="checkbox" id=id.clone() aria-label=format!("{} done", task.title) prop:checked=done
                on:change=move |ev| {
                    if let Some(t) = current.get_untracked() {
                        on_tick(t, event_target_checked(&ev));
                    }
                } />
            <label for=id class="what">
                <span class="name">{task.title.clone()}</span>
                <span class="meta">
                    <span class="tag task-tag">"Task"</span>
                    {priority.map(|p| view! { <span class=format!("tag prio-{p}")>{p}</span> })}
                </span>
            </label>
            <span class="when">{when}</span>
            <span class="amount"></span>
        </li>
    }
}

#[component]
fn Paychecks(summary: BudgetSummary) -> impl IntoView {
    let currency = summary.currency.clone();
    let rows: Vec<_> = summary.periods.iter().skip(1).cloned().collect();
    (!rows.is_empty()).then(|| {
        let today = summary.as_of;
        view! {
            <div class="card">
                <h2>"Next paychecks"</h2>
                <table class="paychecks">
                    <thead>
                        <tr>
                            <th scope="col">"Payday"</th>
                            <th scope="col" class="num">"Pay"</th>
                            <th scope="col" class="num">"Bills"</th>
                            <th scope="col" class="num">"Left over"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {rows
                            .into_iter()
                            .map(|p| {
                                let names = p.paychecks.iter().map(|c| c.name.clone()).collect::<Vec<_>>().join(", ");
                                let negative = p.left_over < 0;
                                view! {
                                    <tr>
                                        <th scope="row">
                                            {date_near(p.start, today)}
                                            <span class="meta">{names}</span>
                                        </th>
                                        <td class="num">{money(p.income, &currency)}</td>
                                        <td class="num" title=plural(p.bills.len(), "bill")>{money(p.committed, &currency)}</td>
                                        <td class="num" class:negative=negative>{money(p.left_over, &currency)}</td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
        }
    })
}

#[component]
fn Reserves(summary: BudgetSummary) -> impl IntoView {
    let currency = summary.currency.clone();
    (!summary.reserves.is_empty()).then(|| {
        view! {
            <div class="card">
                <h2>"Put a little aside each payday"</h2>
                <ul class="plain">
                    {summary
                        .reserves
                        .iter()
                        .map(|r| {
                            view! {
                                <li>
                                    <strong>{money(r.per_paycheck, &currency)}</strong>
                                    {format!(" per paycheck for {} ({} due {})", r.name, money(r.amount, &currency), date_near(r.due_on, summary.as_of))}
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </div>
        }
    })
}

#[component]
fn Chart(summary: BudgetSummary) -> impl IntoView {
    let Some(layout) = chart::layout(&summary) else {
        return ().into_any();
    };
    let currency = summary.currency.clone();
    let fmt = |m: Money| money(m, &currency);
    let description = {
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
    };
    view! {
        <div class="card">
            <h2>"Pay periods at a glance"</h2>
            <svg class="chart" viewBox=format!("0 0 {} {}", coord(chart::WIDTH), coord(chart::HEIGHT)) role="img" aria-label=description>
                <line x1="0" x2=coord(chart::WIDTH) y1=coord(layout.zero_y) y2=coord(layout.zero_y) class="axis" />
                {layout.bars.iter().map(|b| view! {
                    <rect x=coord(b.x) y=coord(b.y) width=coord(b.width) height=coord(b.height) class=if b.income { "bar income" } else { "bar committed" }>
                        <title>{format!("{} {}", if b.income { "Income" } else { "Bills" }, fmt(b.amount))}</title>
                    </rect>
                }).collect_view()}
                {layout.ticks.iter().map(|(x, d)| view! {
                    <text x=coord(x + 4.0) y=coord(chart::HEIGHT - 8.0) class="tick">{day_month(*d)}</text>
                }).collect_view()}
                {(!layout.balance.is_empty()).then(|| view! { <polyline points=layout.balance.clone() class="balance" /> })}
                {layout.lowest.map(|(x, y, d, m)| view! {
                    <circle cx=coord(x) cy=coord(y) r="5" class="lowest" data-testid="lowest-point">
                        <title>{format!("Lowest: {} on {}", fmt(m), short_date(d))}</title>
                    </circle>
                    <text x=coord((x + 8.0).min(chart::WIDTH - 120.0)) y=coord((y - 8.0).max(12.0)) class="lowest-label">{format!("Lowest {}", fmt(m))}</text>
                })}
            </svg>
            <p class="legend">
                <span class="key income"></span>"Income "
                <span class="key committed"></span>"Bills "
                {(!summary.projected_balance.is_empty()).then(|| view! { <span class="key balance"></span>"Projected balance" })}
            </p>
        </div>
    }
    .into_any()
}
