//! *Tasks*: TodoMVC behaviour (Enter adds, double-click or Enter edits, Escape cancels, blur saves, an emptied
//! title deletes, toggle all, "N items left", clear completed, filters in the URL) plus due date, priority, notes,
//! search and sort. Every change shows at once and is rolled back, with the error shown, if the server refuses.
//!
//! The list is keyed by task id (rows are built once and moved, not rebuilt), so a row's editing state, draft
//! and open details — and the focus of its edit field — survive changes to other tasks.

use std::rc::Rc;

use shared::tasks::{CreateTask, Priority, Task, UpdateTask};
use shared::{ApiError, Page};
use uuid::Uuid;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::HtmlInputElement;

use crate::api::UiError;
use crate::dom::{
    El, View, dynamic, each, el, key, keyed, show, show_else, target_checked, target_value,
};
use crate::format::{self, date_near, relative_day};
use crate::optimistic::{self, Undo};
use crate::route::{Route, current_page, link, router};
use crate::rx::{Memo, RwSignal, StoredValue, spawn, untrack};
use crate::todo::{self, EditOutcome, Filter, Sort};
use crate::ui::{
    Ctx, actions, cancel_button, ctx, form_error, input, label, loading, refocus, submit_button,
    today,
};

/// Most pages of tasks the list follows (100 each).
const MAX_PAGES: usize = 20;

pub fn tasks() -> View {
    let ctx = ctx();
    let router = router();
    let tasks = RwSignal::new(Vec::<Task>::new());
    let loaded = RwSignal::new(false);
    let error = RwSignal::new(None::<UiError>);

    let state = Memo::new(move |_| match router.route.get() {
        Route::Tasks { filter, q, sort } => (filter, q, sort),
        _ => (Filter::All, String::new(), Sort::Due),
    });
    let filter = move || state.with(|s| s.0);
    let query = move || state.with(|s| s.1.clone());
    let sort = move || state.with(|s| s.2);
    let set_route = move |filter: Filter, q: String, sort: Sort| {
        router.replace(Route::Tasks { filter, q, sort })
    };

    {
        let api = ctx.api;
        spawn(async move {
            let mut all = Vec::new();
            let mut cursor: Option<String> = None;
            for _ in 0..MAX_PAGES {
                let path = match &cursor {
                    Some(c) => format!("/api/v1/tasks?limit=100&cursor={c}"),
                    None => "/api/v1/tasks?limit=100".to_owned(),
                };
                match api.get::<Page<Task>>(&path).await {
                    Ok(page) => {
                        all.extend(page.items);
                        cursor = page.next_cursor;
                        if cursor.is_none() {
                            break;
                        }
                    }
                    Err(e) => {
                        error.set(Some(e));
                        break;
                    }
                }
            }
            tasks.set(all);
            loaded.set(true);
        });
    }

    let visible = Memo::new(move |_| tasks.with(|t| todo::visible(t, filter(), &query(), sort())));
    let any = move || tasks.with(|t| !t.is_empty());
    let all_done = move || tasks.with(|t| !t.is_empty() && t.iter().all(Task::is_completed));
    let any_done = move || tasks.with(|t| t.iter().any(Task::is_completed));

    // New task: title from the main input, optional due date and priority beside it.
    let title = RwSignal::new(String::new());
    let new_due = RwSignal::new(String::new());
    let new_priority = RwSignal::new("none".to_owned());
    let counter = StoredValue::new(0u128);
    let add = move || {
        let Some(clean) = todo::new_title(&title.get_untracked()) else {
            title.set(String::new());
            return;
        };
        let typed = title.get_untracked();
        let due_on = crate::format::parse_date(&new_due.get_untracked());
        let priority = Priority::parse(&new_priority.get_untracked()).unwrap_or_default();
        counter.set_value(counter.get_value() + 1);
        // A placeholder under a temporary id until the server answers.
        let temp = Uuid::from_u128((u128::from(u64::MAX) << 64) | counter.get_value());
        let now = crate::ui::now();
        let placeholder = Task {
            id: temp,
            title: clean.clone(),
            notes: String::new(),
            due_on,
            priority,
            completed_at: None,
            created_at: now,
            updated_at: now,
            version: 0,
        };
        let undo = tasks.update(|l| optimistic::prepend(l, placeholder));
        title.set(String::new());
        new_due.set(String::new());
        new_priority.set("none".to_owned());
        spawn(async move {
            let body = CreateTask {
                title: clean,
                notes: None,
                due_on,
                priority: Some(priority),
            };
            match ctx.api.post::<_, Task>("/api/v1/tasks", &body).await {
                Ok(saved) => {
                    ctx.saved();
                    tasks.update(|l| optimistic::replace(l, temp, saved))
                }
                Err(e) => {
                    tasks.update(|l| optimistic::undo(l, undo));
                    // Give the text back so nothing typed is lost.
                    if title.get_untracked().is_empty() {
                        title.set(typed);
                    }
                    ctx.fail(&e);
                }
            }
        });
    };

    let toggle_all = move |done: bool| {
        for task in tasks.get_untracked() {
            if task.is_completed() != done {
                let mut next = task.clone();
                next.completed_at = done.then(crate::ui::now);
                let change = UpdateTask {
                    completed: Some(done),
                    ..Default::default()
                };
                save(ctx, tasks, &task, next, change);
            }
        }
    };

    let clear_completed = move |_| {
        for task in tasks.get_untracked().into_iter().filter(Task::is_completed) {
            remove(ctx, tasks, task.id);
        }
        // The button goes with the completed tasks.
        refocus("#new-task");
    };

    let toolbar = el("div")
        .class("toolbar")
        .child(
            el("input")
                .id("task-search")
                .attr("type", "search")
                .attr("placeholder", "Search tasks  ( / )")
                .attr("aria-label", "Search tasks")
                .prop_dyn("value", move || JsValue::from_str(&query()))
                .on("input", move |ev| {
                    set_route(filter(), target_value(&ev), sort())
                })
                .on("keydown", move |ev| {
                    if key(&ev) == "Escape" {
                        set_route(filter(), String::new(), sort());
                    }
                }),
        )
        .child(
            el("label")
                .class("inline")
                .attr("for", "task-sort")
                .text("Sort "),
        )
        .child(
            el("select")
                .id("task-sort")
                .on("change", move |ev| {
                    set_route(filter(), query(), Sort::parse(&target_value(&ev)))
                })
                .child(
                    Sort::ALL
                        .map(|s| {
                            el("option")
                                .attr("value", s.as_str())
                                .flag_dyn("selected", move || sort() == s)
                                .text(s.label())
                        })
                        .into_iter()
                        .collect::<Vec<_>>(),
                )
                // The property, not only the `selected` attributes: after a pick, browsers stop following those,
                // and back/forward changes the sort behind the user's back.
                .prop_dyn("value", move || JsValue::from_str(sort().as_str())),
        );

    let new_task = el("div")
        .class("new-task")
        .child(
            el("input")
                .id("new-task")
                .class("new-todo")
                .attr("placeholder", "What needs doing?  ( n )")
                .attr("aria-label", "New task")
                .attr("autocomplete", "off")
                .bind_value(title)
                .on("keydown", move |ev| {
                    if key(&ev) == "Enter" {
                        ev.prevent_default();
                        add();
                    }
                }),
        )
        .child(
            el("div")
                .class("new-extras")
                .child(label("new-due", "Due"))
                .child(input("new-due", "date", &[], new_due))
                .child(label("new-priority", "Priority"))
                .child(priority_select("new-priority", new_priority))
                .child(
                    el("button")
                        .attr("type", "button")
                        .on("click", move |_| add())
                        .text("Add"),
                ),
        );

    let list = move || {
        each(
            el("ul").class("todo-list").attr("aria-label", "Tasks"),
            move || visible.with(|v| v.iter().map(|t| t.id).collect()),
            move |id| task_item(*id, tasks),
        )
    };

    let main = move || {
        el("div")
            .class("main")
            .child(
                el("input")
                    .id("toggle-all")
                    .class("toggle-all")
                    .attr("type", "checkbox")
                    .prop_dyn("checked", move || JsValue::from_bool(all_done()))
                    .on("change", move |ev| toggle_all(target_checked(&ev))),
            )
            .child(
                el("label")
                    .attr("for", "toggle-all")
                    .text("Mark all as complete"),
            )
            .child(list())
            .child(show(
                move || visible.with(Vec::is_empty),
                move || {
                    el("p").class("empty").text_dyn(move || {
                        let q = query();
                        if q.trim().is_empty() {
                            format!("No {} tasks.", format::lower(filter().label()))
                        } else {
                            format!("No tasks match “{}”.", q.trim())
                        }
                    })
                },
            ))
    };

    let footer = move || {
        el("footer")
            .class("footer")
            .child(
                el("span")
                    .class("todo-count")
                    .attr("role", "status")
                    .text_dyn(move || tasks.with(|t| todo::items_left(t))),
            )
            .child(
                el("ul").class("filters").attr("aria-label", "Show").child(
                    Filter::ALL
                        .map(|f| {
                            // The links carry the current search and sort.
                            el("li").child(dynamic(move || {
                                let to = Route::Tasks {
                                    filter: f,
                                    q: query(),
                                    sort: sort(),
                                };
                                current_page(link(to, f.label()), move || filter() == f)
                            }))
                        })
                        .into_iter()
                        .collect::<Vec<_>>(),
                ),
            )
            .child(show(any_done, move || {
                el("button")
                    .attr("type", "button")
                    .class("clear-completed link")
                    .on("click", clear_completed)
                    .text("Clear completed")
            }))
    };

    el("section")
        .class("page todoapp")
        .attr("aria-labelledby", "tasks-title")
        .child(el("h1").id("tasks-title").text("Tasks"))
        .child(toolbar)
        .child(new_task)
        .child(form_error(error))
        .child(show_else(
            move || loaded.get(),
            move || {
                show_else(
                    any,
                    move || View::List(vec![main().into(), footer().into()]),
                    || {
                        el("p")
                            .class("empty")
                            .text("No tasks yet. Type one above and press Enter.")
                    },
                )
            },
            || loading("tasks"),
        ))
        .into()
}

/// A `<select>` of priorities bound to `value`.
fn priority_select(id: &str, value: RwSignal<String>) -> El {
    el("select")
        .id(id)
        .on("change", move |ev| value.set(target_value(&ev)))
        .child(
            Priority::ALL
                .map(|p| {
                    el("option")
                        .attr("value", p.as_str())
                        .flag_dyn("selected", move || value.get() == p.as_str())
                        .text(priority_label(p))
                })
                .into_iter()
                .collect::<Vec<_>>(),
        )
}

/// PATCHes `change` (with `task`'s version), showing `next` meanwhile; rolls back and reports on failure.
fn save(ctx: Ctx, tasks: RwSignal<Vec<Task>>, task: &Task, next: Task, mut change: UpdateTask) {
    if task.version == 0 {
        // Still being created: nothing to send to yet.
        return;
    }
    change.version = Some(task.version);
    let undo = tasks.update(|l| optimistic::upsert(l, next));
    let id = task.id;
    spawn(async move {
        match ctx
            .api
            .patch::<_, Task>(&format!("/api/v1/tasks/{id}"), &change)
            .await
        {
            Ok(saved) => {
                ctx.saved();
                tasks.update(|l| {
                    optimistic::upsert(l, saved);
                });
            }
            Err(e) => {
                rollback(&ctx, tasks, undo, &e);
                // Changed or deleted elsewhere: show what is saved now, so the next click works.
                if matches!(e.status(), Some(404 | 409)) {
                    refresh(ctx, tasks, id);
                }
            }
        }
    });
}

/// Replaces the task `id` with what the server holds now, or drops it when it is gone.
fn refresh(ctx: Ctx, tasks: RwSignal<Vec<Task>>, id: Uuid) {
    spawn(async move {
        match ctx.api.get::<Task>(&format!("/api/v1/tasks/{id}")).await {
            Ok(latest) => tasks.update(|l| {
                optimistic::upsert(l, latest);
            }),
            Err(e) if e.status() == Some(404) => {
                tasks.update(|l| {
                    optimistic::remove(l, id);
                });
                refocus("#new-task");
            }
            Err(e) => ctx.fail(&e),
        }
    });
}

fn remove(ctx: Ctx, tasks: RwSignal<Vec<Task>>, id: Uuid) {
    let undo = tasks.update(|l| optimistic::remove(l, id));
    spawn(async move {
        match ctx.api.delete(&format!("/api/v1/tasks/{id}")).await {
            Ok(()) => {}
            // Already gone is what we wanted.
            Err(e) if e.status() == Some(404) => {}
            Err(e) => rollback(&ctx, tasks, undo, &e),
        }
    });
}

fn rollback(ctx: &Ctx, tasks: RwSignal<Vec<Task>>, undo: Undo<Task>, error: &UiError) {
    tasks.update(|l| optimistic::undo(l, undo));
    ctx.fail(error);
}

/// One row. The `<li>` lives as long as the task is shown; its view part follows the task, while the edit field
/// (and its focus) and the details form stay put when other tasks change.
fn task_item(id: Uuid, tasks: RwSignal<Vec<Task>>) -> El {
    let ctx = ctx();
    let task = Memo::new(move |_| tasks.with(|l| l.iter().find(|t| t.id == id).cloned()));
    let editing = RwSignal::new(false);
    let details = RwSignal::new(false);
    let draft = RwSignal::new(String::new());
    let edit_ref = StoredValue::new(None::<HtmlInputElement>);
    let today = today();

    let start_edit = move || {
        if let Some(t) = untrack(|| task.get()) {
            draft.set(t.title);
            // The field is built by this `set` (regions render synchronously): focus it now, so the first keys
            // typed after a double-click land in it.
            editing.set(true);
            if let Some(input) = edit_ref.get_value() {
                input.focus().ok();
                let len = input.value().len() as u32;
                input.set_selection_range(len, len).ok();
            }
        }
    };
    let finish = move || {
        if !editing.get_untracked() {
            return;
        }
        editing.set(false);
        let Some(t) = untrack(|| task.get()) else {
            return;
        };
        match todo::finish_edit(&t.title, &draft.get_untracked()) {
            EditOutcome::Unchanged => {}
            EditOutcome::Delete => remove(ctx, tasks, t.id),
            EditOutcome::Rename(title) => {
                let mut next = t.clone();
                next.title.clone_from(&title);
                let change = UpdateTask {
                    title: Some(title),
                    ..Default::default()
                };
                save(ctx, tasks, &t, next, change);
            }
        }
    };
    let toggle = move |done: bool| {
        if let Some(t) = untrack(|| task.get()) {
            let mut next = t.clone();
            next.completed_at = done.then(crate::ui::now);
            let change = UpdateTask {
                completed: Some(done),
                ..Default::default()
            };
            save(ctx, tasks, &t, next, change);
            // Under a filter the row may have just left the list.
            refocus("#new-task");
        }
    };

    // Rebuilt when what it shows changes, but not when the task is ticked: the checkbox (and its keyboard
    // focus) stays, and only its state and the overdue tag follow.
    let done = move || task.with(|t| t.as_ref().is_some_and(Task::is_completed));
    let view = keyed(
        move || {
            if editing.get() {
                return None;
            }
            task.with(|t| {
                t.as_ref()
                    .map(|t| (t.title.clone(), t.due_on, t.priority, t.notes.clone()))
            })
        },
        move |shown| {
            let (title, due_on, priority, notes) = shown.clone()?;
            let meta = el("span")
                .class("meta")
                .child(due_on.map(|d| {
                    el("span")
                        .class("tag")
                        .class_dyn("overdue", move || !done() && d < today)
                        .text(&relative_day(d, today))
                }))
                .child((priority != Priority::None).then(|| {
                    el("span")
                        .class(&format!("tag prio-{}", priority.as_str()))
                        .text(priority.as_str())
                }))
                .child((!notes.is_empty()).then(|| {
                    el("span")
                        .class("tag subtle")
                        .attr("title", &notes)
                        .text("notes")
                }));
            Some(
                el("div")
                    .class("view")
                    .child(
                        el("input")
                            .class("toggle")
                            .attr("type", "checkbox")
                            .prop_dyn("checked", move || JsValue::from_bool(done()))
                            .attr("aria-label", &format!("Done: {title}"))
                            .on("change", move |ev| toggle(target_checked(&ev))),
                    )
                    .child(
                        el("label")
                            .class("title")
                            .attr("tabindex", "0")
                            .on("dblclick", move |_| start_edit())
                            .on("keydown", move |ev| {
                                if key(&ev) == "Enter" {
                                    ev.prevent_default();
                                    start_edit();
                                }
                            })
                            .attr("title", "Double-click or press Enter to edit")
                            .text(&title),
                    )
                    .child(meta)
                    .child(
                        el("button")
                            .attr("type", "button")
                            .class("link details-toggle")
                            .attr_dyn("aria-expanded", move || Some(details.get().to_string()))
                            .attr("aria-label", &format!("Details of {title}"))
                            .on("click", move |_| details.update(|d| *d = !*d))
                            .text("Details"),
                    )
                    .child(
                        el("button")
                            .attr("type", "button")
                            .class("destroy")
                            .attr("aria-label", &format!("Delete {title}"))
                            .on("click", move |_| {
                                remove(ctx, tasks, id);
                                refocus("#new-task");
                            })
                            .text("×"),
                    ),
            )
        },
    );

    let edit = show(
        move || editing.get(),
        move || {
            el("input")
                .class("edit")
                .with_node(|e| edit_ref.set_value(e.dyn_ref::<HtmlInputElement>().cloned()))
                .attr("aria-label", "Edit task title")
                .prop_dyn("value", move || JsValue::from_str(&draft.get()))
                .on("input", move |ev| draft.set(target_value(&ev)))
                .on("keydown", move |ev| match key(&ev).as_str() {
                    "Enter" => {
                        ev.prevent_default();
                        finish();
                        // Back to the title the edit started from, or to the new-task field if the edit deleted
                        // the task. (Not on blur: focus is already moving to what was clicked.)
                        refocus(&format!("[data-task=\"{id}\"] .title"));
                        refocus("#new-task");
                    }
                    "Escape" => {
                        editing.set(false);
                        refocus(&format!("[data-task=\"{id}\"] .title"));
                    }
                    _ => {}
                })
                .on("blur", move |_| finish())
        },
    );

    // Built when opened, from the task as it is then; a change to the task meanwhile (ticking it done, say)
    // keeps what is being typed, and saving applies it to the task as it is at that moment.
    let open = keyed(
        move || details.get(),
        move |open: &bool| {
            let current = if *open { untrack(|| task.get()) } else { None };
            current.map(|t| details_form(t, tasks, details))
        },
    );

    el("li")
        .class("task-item")
        .class_dyn("completed", move || {
            task.with(|t| t.as_ref().is_some_and(Task::is_completed))
        })
        .class_dyn("editing", move || editing.get())
        .class_dyn("pending", move || {
            task.with(|t| t.as_ref().is_some_and(|t| t.version == 0))
        })
        .attr("data-testid", "task-item")
        .attr("data-task", &id.to_string())
        .child(view)
        .child(edit)
        .child(open)
}

/// Notes, due date and priority of one task; Escape or Cancel closes without saving.
fn details_form(task: Task, tasks: RwSignal<Vec<Task>>, open: RwSignal<bool>) -> El {
    let ctx = ctx();
    let notes = RwSignal::new(task.notes.clone());
    let due = RwSignal::new(task.due_on.map(|d| d.to_string()).unwrap_or_default());
    let priority = RwSignal::new(task.priority.as_str().to_owned());
    let prefix = format!("d-{}", task.id);
    let (notes_id, due_id, priority_id) = (
        format!("{prefix}-notes"),
        format!("{prefix}-due"),
        format!("{prefix}-priority"),
    );
    let due_hint = task.due_on;
    let id = task.id;
    // Closing gives focus back to the task's Details button.
    let close = move || {
        open.set(false);
        refocus(&format!("[data-task=\"{id}\"] .details-toggle"));
    };
    let submit = move |ev: web_sys::Event| {
        ev.prevent_default();
        let due_on = crate::format::parse_date(&due.get_untracked());
        let priority = Priority::parse(&priority.get_untracked()).unwrap_or_default();
        let notes = notes.get_untracked();
        if notes.chars().count() > shared::tasks::NOTES_MAX {
            ctx.fail(&UiError::Api {
                status: 422,
                error: ApiError {
                    code: "validation_failed".into(),
                    message: format!(
                        "Notes can be at most {} characters",
                        shared::tasks::NOTES_MAX
                    ),
                    request_id: None,
                    fields: None,
                },
            });
            return;
        }
        // The task as it is now (it may have been ticked or renamed since the form opened).
        let Some(task) = tasks.with_untracked(|l| l.iter().find(|t| t.id == id).cloned()) else {
            close();
            return;
        };
        let mut next = task.clone();
        next.notes.clone_from(&notes);
        next.due_on = due_on;
        next.priority = priority;
        let change = UpdateTask {
            notes: Some(notes),
            due_on: Some(due_on),
            priority: Some(priority),
            ..Default::default()
        };
        save(ctx, tasks, &task, next, change);
        close();
    };
    el("form")
        .class("details")
        .on("submit", submit)
        .on("keydown", move |ev| {
            if key(&ev) == "Escape" {
                close();
            }
        })
        .child(label(&notes_id, "Notes"))
        .child(
            el("textarea")
                .id(&notes_id)
                .attr("rows", "3")
                .prop_dyn("value", move || JsValue::from_str(&notes.get()))
                .on("input", move |ev| notes.set(target_value(&ev))),
        )
        .child(
            el("div")
                .class("row-fields")
                .child(el("span").child(label(&due_id, "Due")).child(input(
                    &due_id,
                    "date",
                    &[],
                    due,
                )))
                .child(
                    el("span")
                        .child(label(&priority_id, "Priority"))
                        .child(priority_select(&priority_id, priority)),
                ),
        )
        .child(actions(
            submit_button("primary").text("Save"),
            cancel_button(Rc::new(close)),
        ))
        .child(due_hint.map(|d| {
            el("p")
                .class("hint")
                .text(&format!("Currently due {}", date_near(d, today())))
        }))
}

/// A priority as the picker shows it ("High"); the value stays the wire name.
fn priority_label(priority: Priority) -> &'static str {
    match priority {
        Priority::None => "None",
        Priority::Low => "Low",
        Priority::Medium => "Medium",
        Priority::High => "High",
        Priority::Urgent => "Urgent",
    }
}
