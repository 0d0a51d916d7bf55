//! *Tasks*: TodoMVC behaviour (Enter adds, double-click or Enter edits, Escape cancels, blur saves, an emptied
//! title deletes, toggle all, "N items left", clear completed, filters in the URL) plus due date, priority, notes,
//! search and sort. Every change shows at once and is rolled back, with the error shown, if the server refuses.

use leptos::prelude::*;
use shared::tasks::{CreateTask, Priority, Task, UpdateTask};
use shared::{ApiError, Page};
use uuid::Uuid;

use crate::api::UiError;
use crate::format::{date_near, relative_day};
use crate::optimistic::{self, Undo};
use crate::route::{Link, Route, Router};
use crate::todo::{self, EditOutcome, Filter, Sort};
use crate::ui::{Ctx, Loading, ctx, today};

/// Most pages of tasks the list follows (100 each).
const MAX_PAGES: usize = 20;

#[component]
pub fn Tasks() -> impl IntoView {
    let ctx = ctx();
    let router = expect_context::<Router>();
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
        leptos::task::spawn_local(async move {
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
    let add = {
        move || {
            let Some(clean) = todo::new_title(&title.get_untracked()) else {
                title.set(String::new());
                return;
            };
            let typed = title.get_untracked();
            let due_on = crate::format::parse_date(&new_due.get_untracked());
            let priority = Priority::parse(&new_priority.get_untracked()).unwrap_or_default();
            counter.update_value(|c| *c += 1);
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
            let undo = tasks.try_update(|l| optimistic::prepend(l, placeholder));
            title.set(String::new());
            leptos::task::spawn_local(async move {
                let body = CreateTask {
                    title: clean,
                    notes: None,
                    due_on,
                    priority: Some(priority),
                };
                match ctx.api.post::<_, Task>("/api/v1/tasks", &body).await {
                    Ok(saved) => tasks.update(|l| optimistic::replace(l, temp, saved)),
                    Err(e) => {
                        if let Some(undo) = undo {
                            tasks.update(|l| optimistic::undo(l, undo));
                        }
                        // Give the text back so nothing typed is lost.
                        if title.get_untracked().is_empty() {
                            title.set(typed);
                        }
                        ctx.fail(&e);
                    }
                }
            });
        }
    };

    let toggle_all = {
        move |done: bool| {
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
        }
    };

    let clear_completed = {
        move |_| {
            for task in tasks.get_untracked().into_iter().filter(Task::is_completed) {
                remove(ctx, tasks, task.id);
            }
        }
    };

    view! {
        <section class="page todoapp" aria-labelledby="tasks-title">
            <h1 id="tasks-title">"Tasks"</h1>
            <div class="toolbar">
                <input id="task-search" type="search" placeholder="Search tasks  ( / )" aria-label="Search tasks"
                    prop:value=query
                    on:input=move |ev| set_route(filter(), event_target_value(&ev), sort())
                    on:keydown=move |ev| if ev.key() == "Escape" {
                        set_route(filter(), String::new(), sort());
                    } />
                <label class="inline" for="task-sort">"Sort "</label>
                <select id="task-sort" on:change=move |ev| set_route(filter(), query(), Sort::parse(&event_target_value(&ev)))>
                    {Sort::ALL.map(|s| view! { <option value=s.as_str() selected=move || sort() == s>{s.label()}</option> }).collect_view()}
                </select>
            </div>
            <div class="new-task">
                <input id="new-task" class="new-todo" placeholder="What needs doing?  ( n )" aria-label="New task"
                    autocomplete="off" bind:value=title
                    on:keydown={
                        move |ev| if ev.key() == "Enter" { ev.prevent_default(); add(); }
                    } />
                <div class="new-extras">
                    <label for="new-due">"Due"</label>
                    <input id="new-due" type="date" bind:value=new_due />
                    <label for="new-priority">"Priority"</label>
                    <select id="new-priority" on:change=move |ev| new_priority.set(event_target_value(&ev))>
                        {Priority::ALL.map(|p| view! { <option value=p.as_str() selected=move || new_priority.get() == p.as_str()>{p.as_str()}</option> }).collect_view()}
                    </select>
                    <button type="button" on:click=move |_| add()>"Add"</button>
                </div>
            </div>
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e.message()}</p> })}
            <Show when=move || loaded.get() fallback=|| view! { <Loading what="tasks" /> }>
                <Show when=any fallback=|| view! { <p class="empty">"No tasks yet. Type one above and press Enter."</p> }>
                    <div class="main">
                        <input id="toggle-all" class="toggle-all" type="checkbox" prop:checked=all_done
                            on:change={
                                move |ev| toggle_all(event_target_checked(&ev))
                            } />
                        <label for="toggle-all">"Mark all as complete"</label>
                        <ul class="todo-list" aria-label="Tasks">
                            <For each=move || visible.get() key=|t| t.id let:task>
                                <TaskItem id=task.id tasks />
                            </For>
                        </ul>
                        <Show when=move || visible.with(Vec::is_empty)>
                            <p class="empty">{move || if query().trim().is_empty() {
                                format!("No {} tasks.", filter().label().to_lowercase())
                            } else {
                                format!("No tasks match “{}”.", query().trim())
                            }}</p>
                        </Show>
                    </div>
                    <footer class="footer">
                        <span class="todo-count" role="status">{move || tasks.with(|t| todo::items_left(t))}</span>
                        <ul class="filters" aria-label="Show">
                            {Filter::ALL.map(|f| view! {
                                <li>
                                    <Link to=Route::Tasks { filter: f, q: query(), sort: sort() }
                                        current=Signal::derive(move || filter() == f)>{f.label()}</Link>
                                </li>
                            }).collect_view()}
                        </ul>
                        <Show when=any_done>
                            <button type="button" class="clear-completed link" on:click=clear_completed>"Clear completed"</button>
                        </Show>
                    </footer>
                </Show>
            </Show>
        </section>
    }
}

/// PATCHes `change` (with `task`'s version), showing `next` meanwhile; rolls back and reports on failure.
fn save(ctx: Ctx, tasks: RwSignal<Vec<Task>>, task: &Task, next: Task, mut change: UpdateTask) {
    if task.version == 0 {
        // Still being created: nothing to send to yet.
        return;
    }
    change.version = Some(task.version);
    let undo = tasks.try_update(|l| optimistic::upsert(l, next));
    let (ctx, id) = (ctx, task.id);
    leptos::task::spawn_local(async move {
        match ctx
            .api
            .patch::<_, Task>(&format!("/api/v1/tasks/{id}"), &change)
            .await
        {
            Ok(saved) => tasks.update(|l| {
                optimistic::upsert(l, saved);
            }),
            Err(e) => rollback(&ctx, tasks, undo, &e),
        }
    });
}

fn remove(ctx: Ctx, tasks: RwSignal<Vec<Task>>, id: Uuid) {
    let undo = tasks.try_update(|l| optimistic::remove(l, id));
    leptos::task::spawn_local(async move {
        match ctx.api.delete(&format!("/api/v1/tasks/{id}")).await {
            Ok(()) => {}
            // Already gone is what we wanted.
            Err(e) if e.status() == Some(404) => {}
            Err(e) => rollback(&ctx, tasks, undo, &e),
        }
    });
}

fn rollback(ctx: &Ctx, tasks: RwSignal<Vec<Task>>, undo: Option<Undo<Task>>, error: &UiError) {
    if let Some(undo) = undo {
        tasks.update(|l| optimistic::undo(l, undo));
    }
    ctx.fail(error);
}

#[component]
fn TaskItem(id: Uuid, tasks: RwSignal<Vec<Task>>) -> impl IntoView {
    let ctx = ctx();
    let task = Memo::new(move |_| tasks.with(|l| l.iter().find(|t| t.id == id).cloned()));
    let editing = RwSignal::new(false);
    let details = RwSignal::new(false);
    let draft = RwSignal::new(String::new());
    let edit_ref = NodeRef::<leptos::html::Input>::new();
    let today = today();

    let start_edit = move || {
        if let Some(t) = task.get_untracked() {
            draft.set(t.title);
            editing.set(true);
            request_animation_frame(move || {
                if let Some(input) = edit_ref.get_untracked() {
                    input.focus().ok();
                    let len = input.value().len() as u32;
                    input.set_selection_range(len, len).ok();
                }
            });
        }
    };
    let finish = {
        move || {
            if !editing.get_untracked() {
                return;
            }
            editing.set(false);
            let Some(t) = task.get_untracked() else {
                return;
            };
            match todo::finish_edit(&t.title, &draft.get_untracked()) {
                EditOutcome::Unchanged => {}
                EditOutcome::Delete => remove(ctx, tasks, t.id),
                EditOutcome::Rename(title) => {
                    let mut next = t.clone();
                    next.title.clone_from(&title);
                    save(
                        ctx,
                        tasks,
                        &t,
                        next,
                        UpdateTask {
                            title: Some(title),
                            ..Default::default()
                        },
                    );
                }
            }
        }
    };
    let toggle = {
        move |done: bool| {
            if let Some(t) = task.get_untracked() {
                let mut next = t.clone();
                next.completed_at = done.then(crate::ui::now);
                save(
                    ctx,
                    tasks,
                    &t,
                    next,
                    UpdateTask {
                        completed: Some(done),
                        ..Default::default()
                    },
                );
            }
        }
    };
    let destroy = { move |_| remove(ctx, tasks, id) };

    move || {
        let Some(t) = task.get() else {
            return ().into_any();
        };
        let done = t.is_completed();
        let title = t.title.clone();
        let finish_key = finish;
        let finish_blur = finish;
        let pending = t.version == 0;
        let (priority, notes) = (t.priority, t.notes.clone());
        let due = t
            .due_on
            .map(|d| (relative_day(d, today), !done && d < today));
        view! {
            <li class="task-item" class:completed=done class:editing=move || editing.get() class:pending=pending
                data-testid="task-item">
                <Show when=move || !editing.get()>
                    <div class="view">
                        <input class="toggle" type="checkbox" prop:checked=done aria-label=format!("Done: {}", title)
                            on:change=move |ev| toggle(event_target_checked(&ev)) />
                        <label class="title" tabindex="0" on:dblclick=move |_| start_edit()
                            on:keydown=move |ev| if ev.key() == "Enter" { ev.prevent_default(); start_edit(); }
                            title="Double-click or press Enter to edit">
                            {title.clone()}
                        </label>
                        <span class="meta">
                            {due.clone().map(|(text, overdue)| view! { <span class="tag" class:overdue=overdue>{text}</span> })}
                            {(priority != Priority::None).then(|| view! {
                                <span class=format!("tag prio-{}", priority.as_str())>{priority.as_str()}</span>
                            })}
                            {(!notes.is_empty()).then(|| view! { <span class="tag subtle" title=notes.clone()>"notes"</span> })}
                        </span>
                        <button type="button" class="link details-toggle" aria-expanded=move || details.get().to_string()
                            aria-label=format!("Details of {}", title) on:click=move |_| details.update(|d| *d = !*d)>
                            "Details"
                        </button>
                        <button type="button" class="destroy" aria-label=format!("Delete {}", title) on:click=destroy>
                            "×"
                        </button>
                    </div>
                </Show>
                <Show when=move || editing.get()>
                    <input class="edit" node_ref=edit_ref aria-label="Edit task title" prop:value=move || draft.get()
                        on:input=move |ev| draft.set(event_target_value(&ev))
                        on:keydown={
                            let finish = finish_key;
                            move |ev| match ev.key().as_str() {
                                "Enter" => { ev.prevent_default(); finish(); }
                                "Escape" => { editing.set(false); }
                                _ => {}
                            }
                        }
                        on:blur={ let finish = finish_blur; move |_| finish() } />
                </Show>
                <Show when=move || details.get()>
                    <Details task=t.clone() tasks open=details />
                </Show>
            </li>
        }
        .into_any()
    }
}

/// Notes, due date and priority of one task; Escape or Cancel closes without saving.
#[component]
fn Details(task: Task, tasks: RwSignal<Vec<Task>>, open: RwSignal<bool>) -> impl IntoView {
    let ctx = ctx();
    let notes = RwSignal::new(task.notes.clone());
    let due = RwSignal::new(task.due_on.map(|d| d.to_string()).unwrap_or_default());
    let priority = RwSignal::new(task.priority.as_str().to_owned());
    let prefix = format!("d-{}", task.id);
    let due_hint = task.due_on;
    let submit = move |ev: leptos::ev::SubmitEvent| {
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
        open.set(false);
    };
    view! {
        <form class="details" on:submit=submit on:keydown=move |ev| if ev.key() == "Escape" { open.set(false); }>
            <label for=format!("{prefix}-notes")>"Notes"</label>
            <textarea id=format!("{prefix}-notes") rows="3" prop:value=move || notes.get()
                on:input=move |ev| notes.set(event_target_value(&ev))></textarea>
            <div class="row-fields">
                <span>
                    <label for=format!("{prefix}-due")>"Due"</label>
                    <input id=format!("{prefix}-due") type="date" bind:value=due />
                </span>
                <span>
                    <label for=format!("{prefix}-priority")>"Priority"</label>
                    <select id=format!("{prefix}-priority") on:change=move |ev| priority.set(event_target_value(&ev))>
                        {Priority::ALL.map(|p| view! { <option value=p.as_str() selected=move || priority.get() == p.as_str()>{p.as_str()}</option> }).collect_view()}
                    </select>
                </span>
            </div>
            <div class="actions">
                <button type="submit" class="primary">"Save"</button>
                <button type="button" on:click=move |_| open.set(false)>"Cancel"</button>
            </div>
            {due_hint.map(|d| view! { <p class="hint">{format!("Currently due {}", date_near(d, today()))}</p> })}
        </form>
    }
}
