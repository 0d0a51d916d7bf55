//! *Tasks*: TodoMVC behaviour (Enter adds, double-click or Enter edits, Escape cancels, blur saves, an emptied
//! title deletes, toggle all, "N items left", clear completed, filters in the URL) plus due date, priority, notes,
//! search and sort. Every change shows at once and is rolled back, with the error shown, if the server refuses.
//!
//! The address is the state of the list: `/tasks/:filter?` with `?q=` (search) and `?sort=`, read through the
//! router's params and query, so back/forward and reloads show the same list. The list is a `<For>` keyed by task
//! id (rows are built once and moved, not rebuilt), so a row's editing state, draft and open details — and the
//! focus of its edit field — survive changes to other tasks.

use chrono::NaiveDate;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use shared::tasks::{CreateTask, Priority, Task, UpdateTask};
use shared::{ApiError, Page};
use uuid::Uuid;

use crate::api::{Api, UiError};
use crate::app::NotFound;
use crate::format::{self, date_near, relative_day};
use crate::optimistic::{self, Undo};
use crate::todo::{self, EditOutcome, Filter, Sort};
use crate::ui::{Ctx, FieldError, FormError, Loading, ctx, date_problem, refocus};

/// Most pages of tasks the list follows (100 each).
const MAX_PAGES: usize = 20;

/// The page: the task list, or "Page not found" for a filter the app does not have (`/tasks/nope`).
#[component]
pub fn Tasks() -> impl IntoView {
    let params = use_params_map();
    // A memo of "is it a filter at all", so moving between filters keeps the page (and its loaded list).
    let known =
        Memo::new(move |_| params.with(|p| Filter::from_param(p.get_str("filter")).is_some()));
    move || {
        if known.get() {
            view! { <TaskPage /> }.into_any()
        } else {
            view! { <NotFound /> }.into_any()
        }
    }
}

/// What the address asks the list to show.
#[derive(Clone, Copy)]
struct Listing {
    filter: Memo<Filter>,
    query: Memo<String>,
    sort: Memo<Sort>,
}

impl Listing {
    /// Reads the filter from the path and the search and sort from the query string.
    fn from_url() -> Listing {
        let params = use_params_map();
        let query = use_query_map();
        Listing {
            filter: Memo::new(move |_| {
                params.with(|p| Filter::from_param(p.get_str("filter")).unwrap_or_default())
            }),
            query: Memo::new(move |_| query.with(|q| q.get("q").unwrap_or_default())),
            sort: Memo::new(move |_| {
                query.with(|q| Sort::parse(q.get_str("sort").unwrap_or_default()))
            }),
        }
    }
}

#[component]
fn TaskPage() -> impl IntoView {
    let ctx = ctx();
    let listing = Listing::from_url();
    let tasks = RwSignal::new(Vec::<Task>::new());
    let loaded = RwSignal::new(false);
    let error = RwSignal::new(None::<UiError>);

    let api = ctx.api;
    let initial = LocalResource::new(move || load_all(api));
    // The list is edited in place from here on (optimistic changes), so the loaded tasks are copied into it once.
    Effect::new(move |_| {
        if let Some((all, failed)) = initial.get() {
            tasks.set(all);
            error.set(failed);
            loaded.set(true);
        }
    });

    let visible = Memo::new(move |_| {
        tasks.with(|t| {
            listing.query.with(|q| {
                todo::visible(t, listing.filter.get(), q, listing.sort.get())
                    .iter()
                    .map(|t| t.id)
                    .collect::<Vec<_>>()
            })
        })
    });
    let any = Memo::new(move |_| tasks.with(|t| !t.is_empty()));
    let trash = Trash(RwSignal::new(None));
    provide_context(trash);

    view! {
        <section class="page todoapp" aria-labelledby="tasks-title">
            <h1 id="tasks-title">"Tasks"</h1>
            <Toolbar listing />
            <NewTask tasks />
            <UndoDelete tasks trash />
            <FormError error />
            <Show when=move || loaded.get() fallback=|| view! { <Loading what="tasks" /> }>
                <Show
                    when=move || any.get()
                    fallback=|| {
                        view! { <p class="empty">"No tasks yet. Type one above and press Enter."</p> }
                    }
                >
                    <TaskMain tasks visible listing />
                    <TaskFooter tasks listing />
                </Show>
            </Show>
        </section>
    }
}

/// The last task deleted from its row, which "Undo" adds back. The server deletes a task at once (a delayed delete
/// would be lost with a closed tab), so Undo creates it again: same title, notes, due date and priority, done if
/// it was done (a new id and creation time).
#[derive(Clone, Copy)]
struct Trash(RwSignal<Option<Task>>);

/// "Deleted “Call the bank”. Undo", after a task is deleted from its row.
#[component]
fn UndoDelete(tasks: RwSignal<Vec<Task>>, trash: Trash) -> impl IntoView {
    let ctx = ctx();
    view! {
        <p class="undo" role="status" hidden=move || trash.0.with(Option::is_none)>
            {move || {
                trash.0.with(|t| t.as_ref().map(|t| format!("Deleted “{}”. ", t.title)))
            }}
            <button type="button" class="link" on:click=move |_| restore(ctx, tasks, trash)>
                "Undo"
            </button>
        </p>
    }
}

/// Adds the task in the trash back: at once under its old id, then the server's new record in its place; if the
/// server refuses, it goes back in the trash and the alert says why.
fn restore(ctx: Ctx, tasks: RwSignal<Vec<Task>>, trash: Trash) {
    let Some(task) = trash.0.try_update(Option::take).flatten() else {
        return;
    };
    // Still listed: the server refused the delete and the row was put back; nothing to add.
    if tasks.with_untracked(|l| l.iter().any(|t| t.id == task.id)) {
        return;
    }
    let undo = tasks
        .try_update(|l| optimistic::prepend(l, task.clone()))
        .unwrap_or(Undo::Nothing);
    refocus_soon(vec!["#new-task".to_owned()]);
    spawn_local(async move {
        let body = CreateTask {
            title: task.title.clone(),
            notes: (!task.notes.is_empty()).then(|| task.notes.clone()),
            due_on: task.due_on,
            priority: Some(task.priority),
        };
        let created = match ctx.api.post::<_, Task>("/api/v1/tasks", &body).await {
            Ok(created) => created,
            Err(e) => {
                tasks.try_update(|l| optimistic::undo(l, undo));
                trash.0.try_set(Some(task));
                ctx.fail(&e);
                return;
            }
        };
        let (new_id, version) = (created.id, created.version);
        tasks.try_update(|l| optimistic::replace(l, task.id, created));
        ctx.saved();
        if task.is_completed() {
            let done = UpdateTask {
                completed: Some(true),
                version: Some(version),
                ..Default::default()
            };
            match ctx
                .api
                .patch::<_, Task>(&format!("/api/v1/tasks/{new_id}"), &done)
                .await
            {
                Ok(saved) => {
                    tasks.try_update(|l| optimistic::upsert(l, saved));
                }
                Err(e) => ctx.fail(&e),
            }
        }
    });
}

/// Every task, page by page; what loaded before an error, and the error.
async fn load_all(api: Api) -> (Vec<Task>, Option<UiError>) {
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
            Err(e) => return (all, Some(e)),
        }
    }
    (all, None)
}

/// Search box and sort picker. Both write the address, replacing the history entry: back/forward steps between
/// lists the user went to, not between keystrokes.
#[component]
fn Toolbar(listing: Listing) -> impl IntoView {
    let navigate = use_navigate();
    let show = move |q: String, sort: Sort| {
        let href = todo::href(listing.filter.get_untracked(), &q, sort);
        // No scroll to the top either: the list is being narrowed, not left.
        navigate(
            &href,
            NavigateOptions {
                replace: true,
                scroll: false,
                ..Default::default()
            },
        );
    };
    let (on_escape, on_sort) = (show.clone(), show.clone());
    view! {
        <div class="toolbar">
            <input
                id="task-search"
                type="search"
                placeholder="Search tasks  ( / )"
                aria-label="Search tasks"
                prop:value=move || listing.query.get()
                on:input=move |ev| show(event_target_value(&ev), listing.sort.get_untracked())
                on:keydown=move |ev| {
                    if ev.key() == "Escape" {
                        on_escape(String::new(), listing.sort.get_untracked());
                    }
                }
            />
            <label class="inline" for="task-sort">
                "Sort "
            </label>
            // The property as well as the `selected` attributes: after a pick, browsers stop following those, and
            // back/forward changes the sort behind the user's back. (The property alone would be set before the
            // options exist on the first render.)
            <select
                id="task-sort"
                on:change=move |ev| {
                    on_sort(listing.query.get_untracked(), Sort::parse(&event_target_value(&ev)))
                }
                prop:value=move || listing.sort.get().as_str()
            >
                {Sort::ALL
                    .map(|s| {
                        view! {
                            <option value=s.as_str() selected=move || listing.sort.get() == s>
                                {s.label()}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </div>
    }
}

/// What the new-task row holds while it is typed.
#[derive(Clone, Copy)]
struct NewDraft {
    title: RwSignal<String>,
    due: RwSignal<String>,
    /// Why the title cannot be saved (too long), shown under the field.
    title_error: RwSignal<Option<String>>,
    /// Why the due date cannot be saved (a date that does not exist, as 02/30/2026).
    due_error: RwSignal<Option<String>>,
    priority: RwSignal<String>,
    /// Numbers the placeholders' temporary ids.
    counter: StoredValue<u128>,
}

/// The new-task field (Enter adds), with an optional due date and priority beside it.
#[component]
fn NewTask(tasks: RwSignal<Vec<Task>>) -> impl IntoView {
    let ctx = ctx();
    let draft = NewDraft {
        title: RwSignal::new(String::new()),
        due: RwSignal::new(String::new()),
        title_error: RwSignal::new(None),
        due_error: RwSignal::new(None),
        priority: RwSignal::new("none".to_owned()),
        counter: StoredValue::new(0),
    };
    view! {
        <div class="new-task">
            <input
                id="new-task"
                class="new-todo"
                placeholder="What needs doing?  ( n )"
                aria-label="New task"
                autocomplete="off"
                bind:value=draft.title
                on:input=move |_| draft.title_error.set(None)
                aria-describedby="new-task-error"
                on:keydown=move |ev| {
                    if ev.key() == "Enter" {
                        ev.prevent_default();
                        add_task(ctx, tasks, draft);
                    }
                }
            />
            <FieldError id="new-task" message=draft.title_error />
            <div class="new-extras">
                <label for="new-due">"Due"</label>
                <input
                    id="new-due"
                    type="date"
                    bind:value=draft.due
                    on:input=move |_| draft.due_error.set(None)
                    aria-describedby="new-due-error"
                />
                <label for="new-priority">"Priority"</label>
                <PrioritySelect id="new-priority" value=draft.priority />
                <button type="button" on:click=move |_| add_task(ctx, tasks, draft)>
                    "Add"
                </button>
            </div>
            <FieldError id="new-due" message=draft.due_error />
        </div>
    }
}

/// Adds the drafted task at once under a temporary id, then swaps in the server's record (or takes the
/// placeholder back and returns the typed title on failure).
fn add_task(ctx: Ctx, tasks: RwSignal<Vec<Task>>, draft: NewDraft) {
    let typed = draft.title.get_untracked();
    let Some(clean) = todo::new_title(&typed) else {
        draft.title.set(String::new());
        return;
    };
    // Checked here, so each message shows under its own field rather than in the alert bar: a title over the
    // limit, and a date the browser holds as invalid (which reads as "", no date, and must not be saved as that).
    let title_problem = (clean.chars().count() > shared::tasks::TITLE_MAX).then(|| {
        format!(
            "Title must be at most {} characters.",
            shared::tasks::TITLE_MAX
        )
    });
    let due_problem = date_problem("new-due");
    let refused = title_problem.is_some() || due_problem.is_some();
    draft.title_error.set(title_problem);
    draft.due_error.set(due_problem);
    if refused {
        return;
    }
    let due_on = format::parse_date(&draft.due.get_untracked());
    let priority = Priority::parse(&draft.priority.get_untracked()).unwrap_or_default();
    draft.counter.update_value(|n| *n += 1);
    // A placeholder under a temporary id until the server answers.
    let temp = Uuid::from_u128((u128::from(u64::MAX) << 64) | draft.counter.get_value());
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
    let undo = tasks
        .try_update(|l| optimistic::prepend(l, placeholder))
        .unwrap_or(Undo::Nothing);
    draft.title.set(String::new());
    draft.due.set(String::new());
    draft.priority.set("none".to_owned());
    spawn_local(async move {
        let body = CreateTask {
            title: clean,
            notes: None,
            due_on,
            priority: Some(priority),
        };
        match ctx.api.post::<_, Task>("/api/v1/tasks", &body).await {
            Ok(saved) => {
                ctx.saved();
                tasks.update(|l| optimistic::replace(l, temp, saved));
            }
            Err(e) => {
                tasks.update(|l| optimistic::undo(l, undo));
                // Give the text back so nothing typed is lost.
                if draft.title.with_untracked(String::is_empty) {
                    draft.title.set(typed);
                }
                ctx.fail(&e);
            }
        }
    });
}

/// A `<select>` of priorities bound to `value` (the wire name).
#[component]
fn PrioritySelect(#[prop(into)] id: String, value: RwSignal<String>) -> impl IntoView {
    view! {
        // `prop:value` too, so resetting the value after a pick shows (see the sort picker).
        <select
            id=id
            on:change=move |ev| value.set(event_target_value(&ev))
            prop:value=move || value.get()
        >
            {Priority::ALL
                .map(|p| {
                    view! {
                        <option value=p.as_str() selected=move || value.with(|v| v == p.as_str())>
                            {priority_label(p)}
                        </option>
                    }
                })
                .collect_view()}
        </select>
    }
}

/// Toggle all, the list, and what to say when the filter or search leaves nothing.
#[component]
fn TaskMain(
    tasks: RwSignal<Vec<Task>>,
    visible: Memo<Vec<Uuid>>,
    listing: Listing,
) -> impl IntoView {
    let ctx = ctx();
    let all_done =
        Memo::new(move |_| tasks.with(|t| !t.is_empty() && t.iter().all(Task::is_completed)));
    let empty = move || {
        listing.query.with(|q| {
            if q.trim().is_empty() {
                format!("No {} tasks.", format::lower(listing.filter.get().label()))
            } else {
                format!("No tasks match “{}”.", q.trim())
            }
        })
    };
    view! {
        <div class="main">
            <input
                id="toggle-all"
                class="toggle-all"
                type="checkbox"
                prop:checked=move || all_done.get()
                on:change=move |ev| toggle_all(ctx, tasks, event_target_checked(&ev))
            />
            <label for="toggle-all">"Mark all as complete"</label>
            <ul class="todo-list" aria-label="Tasks">
                <For
                    each=move || visible.get()
                    key=|id| *id
                    children=move |id| view! { <TaskItem id tasks /> }
                />
            </ul>
            <Show when=move || visible.with(Vec::is_empty)>
                <p class="empty">{empty}</p>
            </Show>
        </div>
    }
}

/// Ticks (or unticks) every task that is not so already.
fn toggle_all(ctx: Ctx, tasks: RwSignal<Vec<Task>>, done: bool) {
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

/// "N items left", the filter links and "Clear completed".
#[component]
fn TaskFooter(tasks: RwSignal<Vec<Task>>, listing: Listing) -> impl IntoView {
    let ctx = ctx();
    let any_done = Memo::new(move |_| tasks.with(|t| t.iter().any(Task::is_completed)));
    let clear_completed = move |_| {
        for task in tasks.get_untracked().into_iter().filter(Task::is_completed) {
            remove(ctx, tasks, task.id);
        }
        // The button goes with the completed tasks.
        refocus_soon(vec!["#new-task".to_owned()]);
    };
    view! {
        <footer class="footer">
            <span class="todo-count" role="status">
                {move || tasks.with(|t| todo::items_left(t))}
            </span>
            <ul class="filters" aria-label="Show">
                {Filter::ALL
                    .map(|filter| view! { <li><FilterLink filter listing /></li> })
                    .collect_view()}
            </ul>
            <Show when=move || any_done.get()>
                <button type="button" class="clear-completed link" on:click=clear_completed>
                    "Clear completed"
                </button>
            </Show>
        </footer>
    }
}

/// A link to one filter that carries the current search and sort; `aria-current="page"` on the one shown. A
/// plain `<a>` (the router follows it): `<A>` would compare paths only, and count `/tasks/active` as in `/tasks`.
#[component]
fn FilterLink(filter: Filter, listing: Listing) -> impl IntoView {
    let href = move || {
        listing
            .query
            .with(|q| todo::href(filter, q, listing.sort.get()))
    };
    let current = move || (listing.filter.get() == filter).then_some("page");
    view! {
        <a href=href aria-current=current>
            {filter.label()}
        </a>
    }
}

/// PATCHes `change` (with `task`'s version), showing `next` meanwhile; rolls back and reports on failure.
fn save(ctx: Ctx, tasks: RwSignal<Vec<Task>>, task: &Task, next: Task, mut change: UpdateTask) {
    if task.version == 0 {
        // Still being created: nothing to send to yet.
        return;
    }
    change.version = Some(task.version);
    let undo = tasks
        .try_update(|l| optimistic::upsert(l, next))
        .unwrap_or(Undo::Nothing);
    let id = task.id;
    spawn_local(async move {
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
    spawn_local(async move {
        match ctx.api.get::<Task>(&format!("/api/v1/tasks/{id}")).await {
            Ok(latest) => tasks.update(|l| {
                optimistic::upsert(l, latest);
            }),
            Err(e) if e.status() == Some(404) => {
                tasks.update(|l| {
                    optimistic::remove(l, id);
                });
                refocus_soon(vec!["#new-task".to_owned()]);
            }
            Err(e) => ctx.fail(&e),
        }
    });
}

/// Deletes the task `id` at once; puts it back where it was if the server refuses.
fn remove(ctx: Ctx, tasks: RwSignal<Vec<Task>>, id: Uuid) {
    let undo = tasks
        .try_update(|l| optimistic::remove(l, id))
        .unwrap_or(Undo::Nothing);
    spawn_local(async move {
        match ctx.api.delete(&format!("/api/v1/tasks/{id}")).await {
            Ok(()) => {}
            // Already gone is what we wanted.
            Err(e) if e.status() == Some(404) => {}
            Err(e) => rollback(&ctx, tasks, undo, &e),
        }
    });
}

fn rollback(ctx: &Ctx, tasks: RwSignal<Vec<Task>>, undo: Undo<Task>, error: &UiError) {
    tasks.try_update(|l| optimistic::undo(l, undo));
    ctx.fail(error);
}

/// [`refocus`] to the first of `selectors` that applies, once the change just made is on the page: Leptos
/// redraws after the event handler returns, and only then has the focused element gone.
fn refocus_soon(selectors: Vec<String>) {
    request_animation_frame(move || {
        for selector in &selectors {
            refocus(selector);
        }
    });
}

/// One row's state, shared by its parts.
#[derive(Clone, Copy)]
struct Row {
    ctx: Ctx,
    id: Uuid,
    tasks: RwSignal<Vec<Task>>,
    task: Memo<Option<Task>>,
    editing: RwSignal<bool>,
    details: RwSignal<bool>,
    draft: RwSignal<String>,
}

impl Row {
    fn title_selector(self) -> String {
        format!("[data-task=\"{}\"] .title", self.id)
    }

    fn start_edit(self) {
        if let Some(t) = self.task.get_untracked() {
            self.draft.set(t.title);
            // The field focuses itself once it is drawn (`EditField`).
            self.editing.set(true);
        }
    }

    fn finish_edit(self) {
        if !self.editing.get_untracked() {
            return;
        }
        self.editing.set(false);
        let Some(t) = self.task.get_untracked() else {
            return;
        };
        match todo::finish_edit(&t.title, &self.draft.get_untracked()) {
            EditOutcome::Unchanged => {}
            EditOutcome::Delete => remove(self.ctx, self.tasks, t.id),
            EditOutcome::Rename(title) => {
                let mut next = t.clone();
                next.title.clone_from(&title);
                let change = UpdateTask {
                    title: Some(title),
                    ..Default::default()
                };
                save(self.ctx, self.tasks, &t, next, change);
            }
        }
    }

    fn toggle(self, done: bool) {
        if let Some(t) = self.task.get_untracked() {
            let mut next = t.clone();
            next.completed_at = done.then(crate::ui::now);
            let change = UpdateTask {
                completed: Some(done),
                ..Default::default()
            };
            save(self.ctx, self.tasks, &t, next, change);
            // Under a filter the row may have just left the list.
            refocus_soon(vec!["#new-task".to_owned()]);
        }
    }
}

/// What the view part of a row shows: it is redrawn when one of these changes (not when the task is ticked, so
/// the checkbox, and its keyboard focus, stays).
#[derive(Clone, PartialEq)]
struct Shown {
    title: String,
    due_on: Option<NaiveDate>,
    priority: Priority,
    notes: String,
}

/// One row. The `<li>` lives as long as the task is shown; its view part follows the task, while the edit field
/// (and its focus) and the details form stay put when other tasks change.
#[component]
fn TaskItem(id: Uuid, tasks: RwSignal<Vec<Task>>) -> impl IntoView {
    let task = Memo::new(move |_| tasks.with(|l| l.iter().find(|t| t.id == id).cloned()));
    let row = Row {
        ctx: ctx(),
        id,
        tasks,
        task,
        editing: RwSignal::new(false),
        details: RwSignal::new(false),
        draft: RwSignal::new(String::new()),
    };
    let done = Memo::new(move |_| task.with(|t| t.as_ref().is_some_and(Task::is_completed)));
    let pending = Memo::new(move |_| task.with(|t| t.as_ref().is_some_and(|t| t.version == 0)));
    let shown = Memo::new(move |_| {
        if row.editing.get() {
            return None;
        }
        task.with(|t| {
            t.as_ref().map(|t| Shown {
                title: t.title.clone(),
                due_on: t.due_on,
                priority: t.priority,
                notes: t.notes.clone(),
            })
        })
    });
    // Built when opened, from the task as it is then (untracked): a change to the task meanwhile (ticking it
    // done, say) keeps what is being typed, and saving applies it to the task as it is at that moment.
    let details = move || {
        row.details
            .get()
            .then(|| task.get_untracked())
            .flatten()
            .map(|task| view! { <DetailsForm task tasks open=row.details /> })
    };
    view! {
        <li
            class="task-item"
            class:completed=move || done.get()
            class:editing=move || row.editing.get()
            class:pending=move || pending.get()
            data-testid="task-item"
            data-task=id.to_string()
        >
            {move || shown.get().map(|shown| view! { <TaskView row shown done /> })}
            <Show when=move || row.editing.get()>
                <EditField row />
            </Show>
            {details}
        </li>
    }
}

/// The row as read: tick box, title (double-click or Enter edits), tags, Details and Delete.
#[component]
fn TaskView(row: Row, shown: Shown, done: Memo<bool>) -> impl IntoView {
    let today = row.ctx.today();
    let Shown {
        title,
        due_on,
        priority,
        notes,
    } = shown;
    let trash = use_context::<Trash>();
    let delete = move |_| {
        if let Some(trash) = trash {
            let task = row
                .tasks
                .with_untracked(|l| l.iter().find(|t| t.id == row.id).cloned());
            trash.0.set(task);
        }
        remove(row.ctx, row.tasks, row.id);
        refocus_soon(vec!["#new-task".to_owned()]);
    };
    view! {
        <div class="view">
            <input
                class="toggle"
                type="checkbox"
                prop:checked=move || done.get()
                aria-label=format!("Done: {title}")
                on:change=move |ev| row.toggle(event_target_checked(&ev))
            />
            <label
                class="title"
                tabindex="0"
                on:dblclick=move |_| row.start_edit()
                on:keydown=move |ev| {
                    if ev.key() == "Enter" {
                        ev.prevent_default();
                        row.start_edit();
                    }
                }
                title="Double-click or press Enter to edit"
            >
                {title.clone()}
            </label>
            <span class="meta">
                {due_on
                    .map(|d| {
                        view! {
                            <span class="tag" class:overdue=move || !done.get() && d < today>
                                {relative_day(d, today)}
                            </span>
                        }
                    })}
                {(priority != Priority::None)
                    .then(|| {
                        view! {
                            <span class=format!("tag prio-{}", priority.as_str())>
                                {priority.as_str()}
                            </span>
                        }
                    })}
                {(!notes.is_empty()).then(|| view! { <span class="tag subtle" title=notes>"notes"</span> })}
            </span>
            <button
                type="button"
                class="link details-toggle"
                aria-expanded=move || row.details.get().to_string()
                aria-label=format!("Details of {title}")
                on:click=move |_| row.details.update(|d| *d = !*d)
            >
                "Details"
            </button>
            <button type="button" class="destroy" aria-label=format!("Delete {title}") on:click=delete>
                "×"
            </button>
        </div>
    }
}

/// The title being edited: Enter or leaving the field saves, Escape cancels.
#[component]
fn EditField(row: Row) -> impl IntoView {
    let input = NodeRef::<leptos::html::Input>::new();
    // Focused as soon as it is on the page, caret at the end, so keys typed right after the double-click land in it.
    input.on_load(|field| {
        field.focus().ok();
        let len = field.value().len() as u32;
        field.set_selection_range(len, len).ok();
    });
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| match ev.key().as_str() {
        "Enter" => {
            ev.prevent_default();
            row.finish_edit();
            // Back to the title the edit started from, or to the new-task field if the edit deleted the task.
            // (Not on blur: focus is already moving to what was clicked.)
            refocus_soon(vec![row.title_selector(), "#new-task".to_owned()]);
        }
        "Escape" => {
            row.editing.set(false);
            refocus_soon(vec![row.title_selector()]);
        }
        _ => {}
    };
    view! {
        <input
            class="edit"
            node_ref=input
            aria-label="Edit task title"
            bind:value=row.draft
            on:keydown=on_keydown
            on:blur=move |_| row.finish_edit()
        />
    }
}

/// The details form's fields while they are typed.
#[derive(Clone, Copy)]
struct DetailsDraft {
    notes: RwSignal<String>,
    due: RwSignal<String>,
    due_error: RwSignal<Option<String>>,
    priority: RwSignal<String>,
}

/// Notes, due date and priority of one task; Escape or Cancel closes without saving.
#[component]
fn DetailsForm(task: Task, tasks: RwSignal<Vec<Task>>, open: RwSignal<bool>) -> impl IntoView {
    let ctx = ctx();
    let draft = DetailsDraft {
        notes: RwSignal::new(task.notes.clone()),
        due: RwSignal::new(task.due_on.map(|d| d.to_string()).unwrap_or_default()),
        due_error: RwSignal::new(None),
        priority: RwSignal::new(task.priority.as_str().to_owned()),
    };
    let id = task.id;
    let (notes_id, due_id, priority_id) = (
        format!("d-{id}-notes"),
        format!("d-{id}-due"),
        format!("d-{id}-priority"),
    );
    let due_id_submit = due_id.clone();
    // Closing gives focus back to the task's Details button.
    let close = move || {
        open.set(false);
        refocus_soon(vec![format!("[data-task=\"{id}\"] .details-toggle")]);
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if save_details(ctx, tasks, id, draft, &due_id_submit) {
            close();
        }
    };
    let hint = task.due_on.map(|d| {
        view! { <p class="hint">{format!("Currently due {}", date_near(d, ctx.today()))}</p> }
    });
    view! {
        <form
            class="details"
            novalidate=true
            on:submit=submit
            on:keydown=move |ev| {
                if ev.key() == "Escape" {
                    close();
                }
            }
        >
            <label for=notes_id.clone()>"Notes"</label>
            <textarea
                id=notes_id
                rows="3"
                prop:value=move || draft.notes.get()
                on:input=move |ev| draft.notes.set(event_target_value(&ev))
            ></textarea>
            <div class="row-fields">
                <span>
                    <label for=due_id.clone()>"Due"</label>
                    <input
                        id=due_id.clone()
                        type="date"
                        bind:value=draft.due
                        on:input=move |_| draft.due_error.set(None)
                        aria-describedby=format!("{due_id}-error")
                    />
                    <FieldError id=due_id message=draft.due_error />
                </span>
                <span>
                    <label for=priority_id.clone()>"Priority"</label>
                    <PrioritySelect id=priority_id value=draft.priority />
                </span>
            </div>
            <div class="actions">
                <button type="submit" class="primary">
                    "Save"
                </button>
                <button type="button" on:click=move |_| close()>
                    "Cancel"
                </button>
            </div>
            {hint}
        </form>
    }
}

/// Saves the details onto the task as it is now (it may have been ticked or renamed since the form opened).
/// Returns whether the form should close: not when the notes are too long (the alert says why).
fn save_details(
    ctx: Ctx,
    tasks: RwSignal<Vec<Task>>,
    id: Uuid,
    draft: DetailsDraft,
    due_id: &str,
) -> bool {
    // A date the browser holds as invalid reads as "" (no date): refuse it next to the field instead.
    let problem = date_problem(due_id);
    let refused = problem.is_some();
    draft.due_error.set(problem);
    if refused {
        return false;
    }
    let due_on = format::parse_date(&draft.due.get_untracked());
    let priority = Priority::parse(&draft.priority.get_untracked()).unwrap_or_default();
    let notes = draft.notes.get_untracked();
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
        return false;
    }
    let Some(task) = tasks.with_untracked(|l| l.iter().find(|t| t.id == id).cloned()) else {
        return true;
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
    true
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
