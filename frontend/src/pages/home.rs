//! *Before payday*: the set-aside number, the bills and tasks due before the next payday in one list (tick to mark
//! a bill paid or a task done — optimistically, rolled back with a message if the server refuses), the next
//! paychecks with what they must cover, reserves, and a chart of the pay periods and projected balance.

use std::rc::Rc;

use chrono::NaiveDate;
use shared::budget::{BillDue, BudgetSummary, MarkOccurrence, OccurrenceStatus};
use shared::tasks::{Task, UpdateTask};
use shared::{Money, Page};
use uuid::Uuid;
use wasm_bindgen::JsValue;

use crate::api::UiError;
use crate::chart;
use crate::dom::{El, View, dynamic, el, keyed, show, show_else, svg, target_checked};
use crate::format::{coord, date_near, day_month, plural, relative_day, short_date};
use crate::optimistic;
use crate::route::{Route, link};
use crate::rx::{Memo, RwSignal, Signal, spawn};
use crate::todo::{Filter, Sort};
use crate::ui::{ctx, loading, money};

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

pub fn home() -> View {
    let ctx = ctx();
    let summary = RwSignal::new(None::<BudgetSummary>);
    let tasks = RwSignal::new(Vec::<Task>::new());
    let error = RwSignal::new(None::<UiError>);
    let loaded = RwSignal::new(false);
    let has_schedules = RwSignal::new(true);
    // Read from the summary: any bill occurrence or reserve in the horizon means bills exist.
    let has_bills = RwSignal::new(true);

    let api = ctx.api;
    let load = move || {
        spawn(async move {
            let fetched: Result<BudgetSummary, UiError> = api
                .get(&format!("/api/v1/budget/summary?periods={PERIODS}"))
                .await;
            match fetched {
                Ok(s) => {
                    let until = s.next_payday.unwrap_or_else(|| s.periods[0].end);
                    has_schedules.set(s.next_payday.is_some());
                    has_bills.set(
                        !s.reserves.is_empty() || s.periods.iter().any(|p| !p.bills.is_empty()),
                    );
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
    let tick_bill: Rc<dyn Fn(BillDue, bool)> = Rc::new(move |bill: BillDue, paid: bool| {
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
        spawn(async move {
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
                Ok(()) => {
                    ctx.saved();
                    load();
                }
                Err(e) => {
                    summary.update(|s| {
                        if let Some(s) = s {
                            optimistic::mark_occurrence(s, bill.bill_id, bill.due_on, before);
                        }
                    });
                    ctx.fail(&e);
                    // Changed or deleted elsewhere: show what is saved now.
                    if matches!(e.status(), Some(404 | 409)) {
                        load();
                    }
                }
            }
        });
    });

    let tick_task: Rc<dyn Fn(Task, bool)> = Rc::new(move |task: Task, done: bool| {
        let mut next = task.clone();
        next.completed_at = done.then(crate::ui::now);
        let undo = tasks.update(|list| optimistic::upsert(list, next));
        spawn(async move {
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
                Ok(saved) => {
                    ctx.saved();
                    tasks.update(|list| {
                        optimistic::upsert(list, saved);
                    });
                }
                Err(e) => {
                    tasks.update(|list| optimistic::undo(list, undo));
                    ctx.fail(&e);
                    if matches!(e.status(), Some(404 | 409)) {
                        load();
                    }
                }
            }
        });
    });

    let currency = Signal::derive(move || {
        summary
            .with(|s| s.as_ref().map(|s| s.currency.clone()))
            .unwrap_or_else(|| ctx.currency())
    });

    let body = move || {
        let (tick_bill, tick_task) = (tick_bill.clone(), tick_task.clone());
        let list = show_else(
            move || !rows.with(Vec::is_empty),
            move || {
                let (tick_bill, tick_task) = (tick_bill.clone(), tick_task.clone());
                // Like a keyed list: rows are rebuilt when the set of rows changes, not when a status does
                // (each row follows its own status), so a ticked checkbox keeps focus.
                el("ul")
                    .class("due-list")
                    .attr("aria-labelledby", "due-title")
                    .child(keyed(
                        move || rows.with(|r| r.iter().map(Row::key).collect::<Vec<_>>()),
                        move |_| {
                            let today = summary
                                .with_untracked(|s| s.as_ref().map(|s| s.as_of))
                                .unwrap_or_default();
                            rows.get()
                                .into_iter()
                                .map(|row| match row {
                                    Row::Bill(bill) => {
                                        bill_row(bill, summary, today, tick_bill.clone(), currency)
                                    }
                                    Row::Task(task) => {
                                        task_row(task, tasks, today, tick_task.clone())
                                    }
                                })
                                .collect::<Vec<View>>()
                        },
                    ))
            },
            move || {
                el("p")
                    .class("empty")
                    .text_dyn(move || {
                        let payday = summary.with(|s| s.as_ref().and_then(|s| s.next_payday));
                        if payday.is_some() {
                            "Nothing due before payday. Add "
                        } else {
                            "Nothing due before then. Add "
                        }
                        .to_owned()
                    })
                    .child(link(Route::Bills, "bills"))
                    .text(" or ")
                    .child(link(
                        Route::Tasks {
                            filter: Filter::All,
                            q: String::new(),
                            sort: Sort::Due,
                        },
                        "tasks",
                    ))
                    .text(" with due dates to see them here.")
            },
        );
        View::List(vec![
            dynamic(move || summary.get().map(hero)),
            // Until both steps are done; a done step says so.
            show(
                move || !has_schedules.get() || !has_bills.get(),
                move || {
                    let step = |done: RwSignal<bool>, route: Route, what: &str, why: &str| {
                        el("li")
                            .class_dyn("done", move || done.get())
                            .child(link(route, what))
                            .text(why)
                            .child(dynamic(move || {
                                done.get().then(|| el("span").class("tag").text("Done"))
                            }))
                    };
                    el("div")
                        .class("card onboarding")
                        .child(el("h2").text("Start here"))
                        .child(
                            el("ol")
                                .child(step(
                                    has_schedules,
                                    Route::Schedules,
                                    "Add how you're paid",
                                    " — so Payday knows when payday is. ",
                                ))
                                .child(step(
                                    has_bills,
                                    Route::Bills,
                                    "Add your bills",
                                    " — rent, cards, subscriptions. ",
                                )),
                        )
                },
            ),
            el("div")
                .class("card")
                .child(el("h2").id("due-title").text_dyn(move || {
                    summary.with(|s| {
                        s.as_ref()
                            .map(|s| {
                                let until =
                                    s.next_payday.or_else(|| s.periods.first().map(|p| p.end));
                                until.map_or_else(String::new, |d| {
                                    format!("Due before {}", short_date(d))
                                })
                            })
                            .unwrap_or_default()
                    })
                }))
                .child(list)
                .into(),
            dynamic(move || summary.get().map(paychecks)),
            // Nothing to draw before any pay or bill: no empty chart for a new user.
            dynamic(move || {
                summary
                    .get()
                    .filter(|s| {
                        s.periods
                            .iter()
                            .any(|p| p.income > 0 || !p.bills.is_empty())
                    })
                    .and_then(chart)
            }),
            dynamic(move || summary.get().map(reserves)),
        ])
    };

    el("section")
        .class("page home")
        .attr("aria-labelledby", "home-title")
        .child(
            el("h1")
                .id("home-title")
                .class("visually-hidden")
                .text("Before payday"),
        )
        .child(dynamic(move || {
            error.get().map(|e| {
                el("p")
                    .class("form-error")
                    .attr("role", "alert")
                    .text(&e.message())
            })
        }))
        .child(show_else(
            move || loaded.get(),
            body,
            || loading("your budget"),
        ))
        .into()
}

fn find_bill(summary: &BudgetSummary, bill_id: Uuid, due_on: NaiveDate) -> Option<BillDue> {
    summary
        .periods
        .iter()
        .flat_map(|p| p.bills.iter())
        .find(|b| b.bill_id == bill_id && b.due_on == due_on)
        .cloned()
}

fn hero(summary: BudgetSummary) -> View {
    let amount = money(summary.set_aside_now, &summary.currency);
    let count = summary.periods.first().map_or(0, |p| {
        p.bills
            .iter()
            .filter(|b| b.status == OccurrenceStatus::Due)
            .count()
    });
    let warning = summary.lowest_balance.filter(|l| l.balance < 0).map(|low| {
        el("p").class("warning").text(&format!(
            "Heads up: your balance is projected to dip to {} on {}.",
            money(low.balance, &summary.currency),
            short_date(low.date)
        ))
    });
    let balance_line = summary
        .lowest_balance
        .filter(|l| l.balance >= 0)
        .map(|low| {
            el("p").class("hero-sub").text(&format!(
                "Lowest projected balance: {} on {}.",
                money(low.balance, &summary.currency),
                short_date(low.date)
            ))
        });
    let line = el("p").class("hero-line").text("Set aside ").child(
        el("strong")
            .class("big")
            .attr("data-testid", "set-aside")
            .attr("data-amount", &summary.set_aside_now.to_string())
            .text(&amount),
    );
    // Before the next payday; with no pay schedule, before the end of the one month-long period.
    let until = summary
        .next_payday
        .or_else(|| summary.periods.first().map(|p| p.end));
    let line = match until {
        Some(day) => line.text(" before ").child(
            el("time")
                .attr("datetime", &day.to_string())
                .text(&short_date(day)),
        ),
        None => line,
    };
    let listed = summary.periods.first().map_or(0, |p| p.bills.len());
    let sub = if listed == 0 {
        "No bills are due before then.".to_owned()
    } else if count == 0 {
        "Every bill before then is paid. Nice.".to_owned()
    } else {
        format!("Covers {} still to pay.", plural(count, "bill"))
    };
    el("div")
        .class("hero card")
        .attr("aria-live", "polite")
        .child(line)
        .child(el("p").class("hero-sub").text(&sub))
        .child(balance_line)
        .child(warning)
        .into()
}

fn bill_row(
    bill: BillDue,
    summary: RwSignal<Option<BudgetSummary>>,
    today: NaiveDate,
    on_tick: Rc<dyn Fn(BillDue, bool)>,
    currency: Signal<String>,
) -> View {
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
    let amount = bill.amount;
    let mut meta = el("span")
        .class("meta")
        .child(el("span").class("tag").text("Bill"));
    if bill.autopay {
        meta = meta.child(el("span").class("tag").text("Autopay"));
    }
    if let Some(c) = &bill.category {
        meta = meta.child(el("span").class("tag subtle").text(c));
    }
    let meta = meta.child(dynamic(move || {
        (status.get() == Some(OccurrenceStatus::Skipped))
            .then(|| el("span").class("tag").text("Skipped"))
    }));
    let name = bill.name.clone();
    el("li")
        .class("row bill")
        .class_dyn("done", settled)
        // Still owed from before today (the engine's overdue rule).
        .class_dyn("overdue", move || !settled() && due_on < today)
        .child(
            el("input")
                .attr("type", "checkbox")
                .id(&id)
                .attr("aria-label", &format!("{name} paid"))
                .prop_dyn("checked", move || JsValue::from_bool(settled()))
                .on("change", move |ev| {
                    on_tick(bill.clone(), target_checked(&ev))
                }),
        )
        .child(
            el("label")
                .attr("for", &id)
                .class("what")
                .child(el("span").class("name").text(&name))
                .child(meta),
        )
        .child(el("span").class("when").text(&relative_day(due_on, today)))
        .child(
            el("span")
                .class("amount")
                .text_dyn(move || money(amount, &currency.get())),
        )
        .into()
}

fn task_row(
    task: Task,
    tasks: RwSignal<Vec<Task>>,
    today: NaiveDate,
    on_tick: Rc<dyn Fn(Task, bool)>,
) -> View {
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
    el("li")
        .class(if overdue {
            "row task overdue"
        } else {
            "row task"
        })
        .class_dyn("done", done)
        .child(
            el("input")
                .attr("type", "checkbox")
                .id(&id)
                .attr("aria-label", &format!("{} done", task.title))
                .prop_dyn("checked", move || JsValue::from_bool(done()))
                .on("change", move |ev| {
                    if let Some(t) = current.with(Clone::clone) {
                        on_tick(t, target_checked(&ev));
                    }
                }),
        )
        .child(
            el("label")
                .attr("for", &id)
                .class("what")
                .child(el("span").class("name").text(&task.title))
                .child(
                    el("span")
                        .class("meta")
                        .child(el("span").class("tag task-tag").text("Task"))
                        .child(
                            priority.map(|p| el("span").class(&format!("tag prio-{p}")).text(p)),
                        ),
                ),
        )
        .child(el("span").class("when").text(&when))
        .child(el("span").class("amount"))
        .into()
}

fn paychecks(summary: BudgetSummary) -> Option<El> {
    let currency = &summary.currency;
    let today = summary.as_of;
    let rows: Vec<View> = summary
        .periods
        .iter()
        .skip(1)
        .map(|p| {
            let names = p
                .paychecks
                .iter()
                .map(|c| c.name.clone())
                .collect::<Vec<_>>()
                .join(", ");
            el("tr")
                .child(
                    el("th")
                        .attr("scope", "row")
                        .text(&date_near(p.start, today))
                        .child(el("span").class("meta").text(&names)),
                )
                .child(el("td").class("num").text(&money(p.income, currency)))
                .child(
                    el("td")
                        .class("num")
                        .attr("title", &plural(p.bills.len(), "bill"))
                        .text(&money(p.committed, currency)),
                )
                .child(
                    el("td")
                        .class(if p.left_over < 0 {
                            "num negative"
                        } else {
                            "num"
                        })
                        .text(&money(p.left_over, currency)),
                )
                .into()
        })
        .collect();
    (!rows.is_empty()).then(|| {
        let head = |label: &str, class: Option<&str>| {
            let th = el("th").attr("scope", "col");
            let th = match class {
                Some(c) => th.class(c),
                None => th,
            };
            th.text(label)
        };
        el("div")
            .class("card")
            .child(el("h2").text("Next paychecks"))
            .child(
                el("div").class("table-scroll").child(
                    el("table")
                        .class("paychecks")
                        .child(
                            el("thead").child(
                                el("tr")
                                    .child(head("Payday", None))
                                    .child(head("Pay", Some("num")))
                                    .child(head("Bills", Some("num")))
                                    .child(head("Left over", Some("num"))),
                            ),
                        )
                        .child(el("tbody").child(rows)),
                ),
            )
    })
}

fn reserves(summary: BudgetSummary) -> Option<El> {
    let currency = &summary.currency;
    (!summary.reserves.is_empty()).then(|| {
        let items: Vec<El> = summary
            .reserves
            .iter()
            .map(|r| {
                el("li")
                    .child(el("strong").text(&money(r.per_paycheck, currency)))
                    .text(&format!(
                        " per paycheck for {} ({} due {})",
                        r.name,
                        money(r.amount, currency),
                        date_near(r.due_on, summary.as_of)
                    ))
            })
            .collect();
        el("div")
            .class("card")
            .child(el("h2").text("Put a little aside each payday"))
            .child(el("ul").class("plain").child(items))
    })
}

fn chart(summary: BudgetSummary) -> Option<El> {
    let layout = chart::layout(&summary)?;
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
    let mut graph = svg("svg")
        .class("chart")
        .attr(
            "viewBox",
            &format!("0 0 {} {}", coord(chart::WIDTH), coord(chart::HEIGHT)),
        )
        .attr("role", "img")
        .attr("aria-label", &description)
        .child(
            svg("line")
                .attr("x1", "0")
                .attr("x2", &coord(chart::WIDTH))
                .attr("y1", &coord(layout.zero_y))
                .attr("y2", &coord(layout.zero_y))
                .class("axis"),
        );
    for b in &layout.bars {
        graph = graph.child(
            svg("rect")
                .attr("x", &coord(b.x))
                .attr("y", &coord(b.y))
                .attr("width", &coord(b.width))
                .attr("height", &coord(b.height))
                .class(if b.income {
                    "bar income"
                } else {
                    "bar committed"
                })
                .child(svg("title").text(&format!(
                    "{} {}",
                    if b.income { "Income" } else { "Bills" },
                    fmt(b.amount)
                ))),
        );
    }
    for (x, d) in &layout.ticks {
        graph = graph.child(
            svg("text")
                .attr("x", &coord(x + 4.0))
                .attr("y", &coord(chart::HEIGHT - 8.0))
                .class("tick")
                .text(&day_month(*d)),
        );
    }
    if !layout.balance.is_empty() {
        graph = graph.child(
            svg("polyline")
                .attr("points", &layout.balance)
                .class("balance"),
        );
    }
    if let Some((x, y, d, m)) = layout.lowest {
        graph = graph
            .child(
                svg("circle")
                    .attr("cx", &coord(x))
                    .attr("cy", &coord(y))
                    .attr("r", "5")
                    .class("lowest")
                    .attr("data-testid", "lowest-point")
                    .child(svg("title").text(&format!("Lowest: {} on {}", fmt(m), short_date(d)))),
            )
            .child(
                svg("text")
                    .attr("x", &coord((x + 8.0).min(chart::WIDTH - 120.0)))
                    .attr("y", &coord((y - 8.0).max(12.0)))
                    .class("lowest-label")
                    .text(&format!("Lowest {}", fmt(m))),
            );
    }
    let mut legend = el("p")
        .class("legend")
        .child(el("span").class("key income"))
        .text("Income ")
        .child(el("span").class("key committed"))
        .text("Bills ");
    if !summary.projected_balance.is_empty() {
        legend = legend
            .child(el("span").class("key balance"))
            .text("Projected balance");
    }
    Some(
        el("div")
            .class("card")
            .child(el("h2").text("Pay periods at a glance"))
            .child(graph)
            .child(legend),
    )
}
