//! What the record pages (*Bills*, *Pay schedules*) share: the list page shell ([`ListPage`]), a record's row
//! ([`Item`]: its [`Summary`] with amount, Edit, and Delete behind a [`DeleteQuestion`] with an optimistic
//! removal), and the editor form's skeleton ([`EditorForm`]: name and amount fields, Escape, the preview line,
//! Save/Add and Cancel) with its submit flow: check locally, then POST or PATCH and put the saved record in the
//! list, or show the server's field errors. Each page keeps its own parts (the recurrence or frequency picker, the
//! preview's dates, the request bodies) and passes them in as props and children.
//!
//! Non-generic on purpose: the list is a trait object ([`List`], an `Arc<dyn Records>` made from the page's
//! `RwSignal<Vec<T>>`) and the page-specific views are `Callback`s and children, so the wasm holds one copy of
//! these components for both pages; the only code per record type is the small [`Records`] impl.

use std::sync::Arc;

use chrono::NaiveDate;
use leptos::ev::{KeyboardEvent, SubmitEvent};
use leptos::html;
use leptos::prelude::*;
use leptos::tachys::html::element::ElementType;
use leptos::task::spawn_local;
use serde::de::DeserializeOwned;
use shared::Money;
use shared::budget::DayOfMonth;
use uuid::Uuid;
use wasm_bindgen::JsCast;

use crate::api::{UiError, json};
use crate::format::{NumberStyle, date_near, decimal_in, parse_amount};
use crate::optimistic::{self, Keyed};
use crate::recurrence::{day_label, day_value, parse_day};
use crate::ui::{
    AmountEcho, Ctx, FieldError, FormError, Loading, close_editor, ctx, decimals, field_message,
    money, number_style, refocus,
};

/// The words, ids and API path of one record page.
pub struct Kind {
    /// In "Add bill", "Edit bill", "New bill", "Save bill", "Delete this bill? ".
    pub noun: &'static str,
    /// In "Your bills", "Loading bills…".
    pub plural: &'static str,
    /// The page's heading and its id.
    pub title: &'static str,
    pub title_id: &'static str,
    /// Shown when there are no records.
    pub empty: &'static str,
    /// Each row's `data-testid`.
    pub testid: &'static str,
    /// Editor ids start `new-<prefix>-` (adding) or `<prefix>-<id>-` (editing).
    pub prefix: &'static str,
    /// The collection, as in `/api/v1/bills` (a record: `<path>/<id>`).
    pub path: &'static str,
}

/// The page's list of records, as the shared parts handle it (one `impl` per record type). Every method is a
/// no-op once the page is gone: a request may finish after the visitor has moved on.
pub trait Records: Send + Sync {
    /// Replaces the list with the JSON array `text`.
    fn load(&self, text: String) -> Result<(), UiError>;
    /// Puts the JSON record `text` (just saved) in the list.
    fn upsert(&self, text: String) -> Result<(), UiError>;
    /// Removes the record `id` at once; the returned function puts it back.
    fn remove(&self, id: Uuid) -> Box<dyn FnOnce()>;
    /// Whether the list is empty (tracked).
    fn is_empty(&self) -> bool;
}

/// A page's list as a trait object: cheap to clone into closures, and outside the reactive arena, so a request
/// finishing after the page is gone finds no disposed value to trip over.
pub type List = Arc<dyn Records>;

/// The page's `RwSignal<Vec<T>>` as a [`List`].
pub fn records<T: Keyed + Clone + DeserializeOwned + Send + Sync + 'static>(
    list: RwSignal<Vec<T>>,
) -> List {
    Arc::new(list)
}

impl<T: Keyed + Clone + DeserializeOwned + Send + Sync + 'static> Records for RwSignal<Vec<T>> {
    fn load(&self, text: String) -> Result<(), UiError> {
        self.try_set(json((200, text))?);
        Ok(())
    }

    fn upsert(&self, text: String) -> Result<(), UiError> {
        let saved: T = json((200, text))?;
        self.try_update(|l| {
            optimistic::upsert(l, saved);
        });
        Ok(())
    }

    fn remove(&self, id: Uuid) -> Box<dyn FnOnce()> {
        let list = *self;
        let undo = list.try_update(|l| optimistic::remove(l, id));
        Box::new(move || {
            if let Some(undo) = undo {
                list.try_update(|l| optimistic::undo(l, undo));
            }
        })
    }

    fn is_empty(&self) -> bool {
        self.try_with(Vec::is_empty).unwrap_or(true)
    }
}

/// Builds an editor form; gets the callback that closes it.
pub type EditorFn = Callback<Callback<()>, AnyView>;

/// Which editor is open: `Some(None)` the add form, `Some(Some(id))` that record's.
pub type Editing = RwSignal<Option<Option<Uuid>>>;

/// [`refocus`] once the page shows the change: Leptos applies a signal change to the DOM in a microtask, so right
/// after closing an editor its (focused) form is still there. An animation frame comes after the microtasks.
pub fn refocus_soon(selector: String) {
    request_animation_frame(move || refocus(&selector));
}

/// Focuses the element of `node` once it is on the page (an editor's first field, a question's safe answer).
pub fn focus_soon<E>(node: NodeRef<E>)
where
    E: ElementType + 'static,
    E::Output: JsCast + Clone + 'static,
{
    node.on_load(|element| {
        request_animation_frame(move || {
            if let Some(element) = element.dyn_ref::<web_sys::HtmlElement>() {
                element.focus().ok();
            }
        })
    });
}

fn add_button(kind: &Kind) -> String {
    format!("[data-add=\"{}\"]", kind.prefix)
}

/// The page: heading and Add button, the add form (`add_form`), then the list (`children`, the `<li>`s) once
/// loaded.
#[component]
pub fn ListPage(
    kind: &'static Kind,
    records: List,
    editing: Editing,
    add_form: EditorFn,
    children: ChildrenFn,
) -> impl IntoView {
    let ctx = ctx();
    let loaded = RwSignal::new(false);
    let error = RwSignal::new(None::<UiError>);
    spawn_local(load(ctx, kind, records.clone(), editing, loaded, error));
    let add_done = Callback::new(move |()| {
        close_editor(editing, None);
        refocus_soon(add_button(kind));
    });
    let list = move || {
        let (records, children) = (records.clone(), children.clone());
        view! {
            <Show
                when=move || !records.is_empty()
                fallback=move || view! { <p class="empty">{kind.empty}</p> }
            >
                <ul class="cards" aria-label=format!("Your {}", kind.plural)>
                    {children()}
                </ul>
            </Show>
        }
    };
    view! {
        <section class="page" aria-labelledby=kind.title_id>
            <div class="page-head">
                <h1 id=kind.title_id>{kind.title}</h1>
                <button
                    type="button"
                    class="primary"
                    data-add=kind.prefix
                    on:click=move |_| editing.set(Some(None))
                    disabled=move || editing.get() == Some(None)
                >
                    {format!("Add {}", kind.noun)}
                </button>
            </div>
            <FormError error />
            <Show when=move || editing.get() == Some(None)>{add_form.run(add_done)}</Show>
            <Show when=move || loaded.get() fallback=move || view! { <Loading what=kind.plural /> }>
                {list()}
            </Show>
        </section>
    }
}

/// Loads the list; with nothing there yet, opens the add form (it is what the visitor came for).
async fn load(
    ctx: Ctx,
    kind: &'static Kind,
    records: List,
    editing: Editing,
    loaded: RwSignal<bool>,
    error: RwSignal<Option<UiError>>,
) {
    match ctx
        .api
        .raw("GET", kind.path, None)
        .await
        .and_then(|(_, text)| records.load(text))
    {
        Ok(()) if untrack(|| records.is_empty()) && editing.try_get_untracked() == Some(None) => {
            editing.try_set(Some(None));
        }
        Ok(()) => {}
        Err(e) => {
            error.try_set(Some(e));
        }
    }
    loaded.try_set(true);
}

/// One record's `<li>`: its summary, or its editor (`editor` gets the callback that closes it).
#[component]
pub fn Item(
    kind: &'static Kind,
    editing: Editing,
    id: Uuid,
    summary: ViewFn,
    editor: EditorFn,
) -> impl IntoView {
    let done = Callback::new(move |()| {
        close_editor(editing, Some(id));
        refocus_soon(format!("[data-edit=\"{id}\"]"));
    });
    view! {
        <li class="card item" data-testid=kind.testid>
            <Show when=move || editing.get() != Some(Some(id)) fallback=move || editor.run(done)>
                {summary.run()}
            </Show>
        </li>
    }
}

/// A record's name and meta line (`children`), its amount, and its actions (Edit, Delete with a confirmation).
#[component]
pub fn Summary(
    kind: &'static Kind,
    records: List,
    editing: Editing,
    id: Uuid,
    name: String,
    amount: Money,
    currency: Signal<String>,
    children: Children,
) -> impl IntoView {
    let confirm = RwSignal::new(false);
    let delete_label = format!("Delete {name}");
    view! {
        <div class="item-main">
            <h2 class="item-name">{name.clone()}</h2>
            {children()}
        </div>
        <span class="amount">{move || money(amount, &currency.get())}</span>
        <div class="item-actions">
            <button
                type="button"
                on:click=move |_| editing.set(Some(Some(id)))
                data-edit=id.to_string()
                aria-label=format!("Edit {name}")
            >
                "Edit"
            </button>
            <Show
                when=move || confirm.get()
                fallback=move || {
                    view! {
                        <button
                            type="button"
                            class="danger-link"
                            on:click=move |_| confirm.set(true)
                            data-delete=id.to_string()
                            aria-label=delete_label.clone()
                        >
                            "Delete"
                        </button>
                    }
                }
            >
                <DeleteQuestion kind records=records.clone() id confirm />
            </Show>
        </div>
    }
}

/// "Delete this bill?" with "Yes, delete" (removes the row at once, puts it back if the server refuses) and
/// "Keep", which has the keyboard when the question appears, so Enter or Escape keeps the record.
#[component]
fn DeleteQuestion(
    kind: &'static Kind,
    records: List,
    id: Uuid,
    confirm: RwSignal<bool>,
) -> impl IntoView {
    let ctx = ctx();
    let keep_button = NodeRef::<html::Button>::new();
    focus_soon(keep_button);
    let delete = move |_| {
        let undo = records.remove(id);
        // The row is gone: on to the page's Add button.
        refocus_soon(add_button(kind));
        spawn_local(async move {
            if let Err(e) = ctx.api.delete(&format!("{}/{id}", kind.path)).await
                && e.status() != Some(404)
            {
                undo();
                ctx.fail(&e);
            }
        });
    };
    view! {
        <span
            class="confirm"
            role="group"
            aria-label="Confirm delete"
            on:keydown=move |ev: KeyboardEvent| {
                if ev.key() == "Escape" {
                    keep(confirm, id);
                }
            }
        >
            {format!("Delete this {}? ", kind.noun)}
            <button type="button" class="danger" on:click=delete>
                "Yes, delete"
            </button>
            <button type="button" on:click=move |_| keep(confirm, id) node_ref=keep_button>
                "Keep"
            </button>
        </span>
    }
}

/// Closes a delete question without deleting, and gives focus back to the Delete button it came from.
fn keep(confirm: RwSignal<bool>, id: Uuid) {
    confirm.set(false);
    refocus_soon(format!("[data-delete=\"{id}\"]"));
}

/// What a page's check on submit found, given the amount: its problems (field, sentence) and the request body
/// (a create when adding, an update when editing).
pub type Checked = (Vec<(String, String)>, String);

/// An editor's own state: the name and amount as typed, the errors (the server's and the form's own), busy.
#[derive(Clone, Copy)]
pub struct Editor {
    pub kind: &'static Kind,
    /// The record edited (`None`: adding).
    pub record: Option<Uuid>,
    pub today: NaiveDate,
    pub places: u8,
    /// The locale's decimal and grouping marks, which amounts are read and shown in.
    pub style: NumberStyle,
    pub name: RwSignal<String>,
    pub amount: RwSignal<String>,
    pub error: RwSignal<Option<UiError>>,
    pub local: RwSignal<Vec<(String, String)>>,
    pub busy: RwSignal<bool>,
}

impl Editor {
    /// For `existing` (id, name, amount), or a new record. Call it while the page's editor is built.
    pub fn new(kind: &'static Kind, existing: Option<(Uuid, &str, Money)>) -> Editor {
        let ctx = ctx();
        let places = decimals(&ctx.currency());
        let style = number_style();
        Editor {
            kind,
            record: existing.map(|e| e.0),
            today: ctx.today(),
            places,
            style,
            name: RwSignal::new(existing.map(|e| e.1.to_owned()).unwrap_or_default()),
            amount: RwSignal::new(
                existing
                    .map(|e| decimal_in(e.2, places, style))
                    .unwrap_or_default(),
            ),
            error: RwSignal::new(None),
            local: RwSignal::new(Vec::new()),
            busy: RwSignal::new(false),
        }
    }

    /// The id of this editor's field `suffix` (`new-bill-name`, `bill-<id>-name`).
    pub fn id(&self, suffix: &str) -> String {
        match self.record {
            None => format!("new-{}-{suffix}", self.kind.prefix),
            Some(id) => format!("{}-{id}-{suffix}", self.kind.prefix),
        }
    }

    /// The error for `field` (the server's, or the form's own).
    pub fn message(&self, field: &'static str) -> Signal<Option<String>> {
        field_message(self.error, self.local, field)
    }
}

/// The form; Escape or Cancel closes it (`on_done`). On submit: the amount is parsed, the page's `check` runs;
/// with no problems the body is sent (POST to add, PATCH to edit) and the saved record goes into `records` before
/// `on_done`; the server's errors show by their fields. `grid` holds the page's fields after name and amount;
/// `children` (the picker) comes between the grid and the preview line.
#[component]
pub fn EditorForm(
    ed: Editor,
    records: List,
    on_done: Callback<()>,
    /// The name field's placeholder ("Rent").
    placeholder: &'static str,
    /// The amount field's label, with the currency.
    amount_label: String,
    /// Stands in for an amount that does not parse while the page's rules are checked.
    fallback: Money,
    check: Callback<Money, Checked>,
    #[prop(optional, into)] grid: ViewFnOnce,
    /// The preview line: its label, its dates, and its text when there are none.
    preview_label: &'static str,
    preview: Memo<Vec<NaiveDate>>,
    none: &'static str,
    children: Children,
) -> impl IntoView {
    let ctx = ctx();
    let noun = ed.kind.noun;
    let is_edit = ed.record.is_some();
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let mut problems = Vec::new();
        let parsed = parse_amount(&ed.amount.get_untracked(), ed.places, false, ed.style);
        if let Err(m) = &parsed {
            problems.push(("amount".to_owned(), m.clone()));
        }
        let (found, body) = check.run(*parsed.as_ref().unwrap_or(&fallback));
        problems.extend(found);
        let ok = problems.is_empty();
        ed.local.set(problems);
        ed.error.set(None);
        if ok {
            ed.busy.set(true);
            spawn_local(save(ctx, ed, records.clone(), on_done, body));
        }
    };
    view! {
        <form
            id=ed.id("form")
            class="card editor"
            on:submit=submit
            novalidate=true
            aria-label=format!("{} {noun}", if is_edit { "Edit" } else { "New" })
            on:keydown=move |ev: KeyboardEvent| {
                if ev.key() == "Escape" {
                    on_done.run(());
                }
            }
        >
            <div class="grid">
                <NameField ed placeholder />
                <AmountField ed label=amount_label />
                {grid.run()}
            </div>
            {children()}
            <Preview label=preview_label preview none today=ed.today />
            <FormError error=ed.error />
            <div class="actions">
                <button type="submit" class="primary" disabled=move || ed.busy.get()>
                    {format!("{} {noun}", if is_edit { "Save" } else { "Add" })}
                </button>
                <button type="button" on:click=move |_| on_done.run(())>
                    "Cancel"
                </button>
            </div>
        </form>
    }
}

/// Sends the editor's `body`, then puts the saved record in the list and closes the editor, or shows why not.
async fn save(ctx: Ctx, ed: Editor, records: List, on_done: Callback<()>, body: String) {
    let path = match ed.record {
        None => ed.kind.path.to_owned(),
        Some(id) => format!("{}/{id}", ed.kind.path),
    };
    let method = if ed.record.is_some() { "PATCH" } else { "POST" };
    let result = ctx.api.raw(method, &path, Some(body)).await;
    // The editor may be gone by now (the visitor moved on): hence the `try_` calls on its parts.
    ed.busy.try_set(false);
    // The button was disabled while saving, which dropped its focus: give it back (a form that closes on success
    // hands focus to its Edit or Add button instead).
    refocus_soon(format!("#{} [type=submit]", ed.id("form")));
    match (result.and_then(|(_, text)| records.upsert(text)), ed.record) {
        (Ok(()), _) => {
            ctx.saved();
            on_done.try_run(());
        }
        // Changed or deleted elsewhere: this form holds a stale version, so close it, show the record as saved
        // now (or drop it) and say why; Edit starts again from the latest.
        (Err(e), Some(id)) if matches!(e.status(), Some(404 | 409)) => {
            ctx.fail(&e);
            on_done.try_run(());
            match ctx.api.raw("GET", &path, None).await {
                Ok((_, text)) => records.upsert(text).unwrap_or_else(|e| ctx.fail(&e)),
                Err(e) if e.status() == Some(404) => drop(records.remove(id)),
                Err(e) => ctx.fail(&e),
            }
        }
        (Err(e), _) => {
            ed.error.try_set(Some(e));
        }
    }
}

/// The name field, focused when the editor opens (adding or editing alike).
#[component]
fn NameField(ed: Editor, placeholder: &'static str) -> impl IntoView {
    let id = ed.id("name");
    let input = NodeRef::<html::Input>::new();
    focus_soon(input);
    view! {
        <span>
            <label for=id.clone()>"Name"</label>
            <input
                id=id.clone()
                type="text"
                placeholder=placeholder
                bind:value=ed.name
                node_ref=input
                aria-describedby=format!("{id}-error")
            />
            <FieldError id=id message=ed.message("name") />
        </span>
    }
}

/// The amount field, in the currency's own decimals and the locale's marks (its placeholder shows them: "0.00",
/// "0,00" in de-DE, "0" for yen), with what it reads as beside it ("= €12.34").
#[component]
fn AmountField(ed: Editor, label: String) -> impl IntoView {
    let id = ed.id("amount");
    let ctx = ctx();
    view! {
        <span>
            <label for=id.clone()>{label}</label>
            <input
                id=id.clone()
                type="text"
                inputmode="decimal"
                placeholder=decimal_in(0, ed.places, ed.style)
                bind:value=ed.amount
                aria-describedby=format!("{id}-error {id}-echo")
            />
            <AmountEcho
                id=id.clone()
                text=ed.amount
                currency=Signal::derive(move || ctx.currency())
                allow_negative=false
            />
            <FieldError id=id message=ed.message("amount") />
        </span>
    }
}

/// The next dates as the form stands, announced as they change.
#[component]
fn Preview(
    label: &'static str,
    preview: Memo<Vec<NaiveDate>>,
    none: &'static str,
    today: NaiveDate,
) -> impl IntoView {
    let text = move || {
        preview.with(|dates| {
            if dates.is_empty() {
                none.to_owned()
            } else {
                dates
                    .iter()
                    .map(|d| date_near(*d, today))
                    .collect::<Vec<_>>()
                    .join(" · ")
            }
        })
    };
    view! {
        <div class="preview" aria-live="polite">
            <span class="hint">{label}</span>
            {text}
        </div>
    }
}

/// A day-of-month `<select>` (1st … 31st, "Last day"), showing `value` and reporting each pick to `on_pick`;
/// `describedby` links it to its error message. Used by both pickers.
#[component]
pub fn DaySelect(
    id: String,
    #[prop(into)] options: Signal<Vec<DayOfMonth>>,
    #[prop(into)] value: Signal<DayOfMonth>,
    on_pick: Callback<DayOfMonth>,
    #[prop(optional)] describedby: Option<String>,
) -> impl IntoView {
    let option = move |day: DayOfMonth| {
        let text = match day {
            DayOfMonth::Last => "Last day".to_owned(),
            d => day_label(d),
        };
        view! {
            <option value=day_value(day) selected=move || value.get() == day>
                {text}
            </option>
        }
    };
    view! {
        <select
            id=id
            on:change=move |ev| on_pick.run(parse_day(&event_target_value(&ev)))
            aria-describedby=describedby
        >
            {move || options.get().into_iter().map(option).collect_view()}
        </select>
    }
}

#[cfg(test)]
mod tests {
    use chrono::DateTime;
    use shared::budget::{Bill, DayOfMonth, Recurrence};

    use super::*;

    fn bill(n: u128, name: &str, version: u64) -> Bill {
        Bill {
            id: Uuid::from_u128(n),
            name: name.into(),
            amount: 100,
            category: None,
            autopay: false,
            recurrence: Recurrence::Monthly {
                day: DayOfMonth::Day(1),
            },
            starts_on: None,
            ends_on: None,
            created_at: DateTime::default(),
            updated_at: DateTime::default(),
            version,
        }
    }

    fn names(list: RwSignal<Vec<Bill>>) -> Vec<String> {
        list.with_untracked(|l| {
            l.iter()
                .map(|b| format!("{} v{}", b.name, b.version))
                .collect()
        })
    }

    #[test]
    fn the_list_loads_takes_saved_records_and_puts_a_removed_one_back() {
        let list = RwSignal::new(Vec::<Bill>::new());
        let records = records(list);
        assert!(records.is_empty());
        let loaded = vec![bill(1, "Rent", 1), bill(2, "Phone", 1), bill(3, "Gym", 1)];
        records.load(crate::api::to_json(&loaded)).unwrap();
        // A saved record replaces its old version in place; a new one goes last.
        records
            .upsert(crate::api::to_json(&bill(2, "Phone", 2)))
            .unwrap();
        records
            .upsert(crate::api::to_json(&bill(4, "Water", 1)))
            .unwrap();
        assert_eq!(names(list), ["Rent v1", "Phone v2", "Gym v1", "Water v1"]);
        // A refused delete puts the record back where it was.
        let undo = records.remove(Uuid::from_u128(2));
        assert_eq!(names(list), ["Rent v1", "Gym v1", "Water v1"]);
        undo();
        assert_eq!(names(list), ["Rent v1", "Phone v2", "Gym v1", "Water v1"]);
        assert!(!records.is_empty());
    }

    #[test]
    fn an_answer_that_is_not_a_record_leaves_the_list_alone() {
        let list = RwSignal::new(vec![bill(1, "Rent", 1)]);
        let records = records(list);
        assert_eq!(records.upsert("{}".into()), Err(UiError::Decode));
        assert_eq!(records.load("[1]".into()), Err(UiError::Decode));
        assert_eq!(names(list), ["Rent v1"]);
    }

    #[test]
    fn a_request_finishing_after_the_page_is_gone_changes_nothing() {
        let list = RwSignal::new(vec![bill(1, "Rent", 1)]);
        let records = records(list);
        list.dispose();
        // No panic from a disposed signal: every part is a no-op.
        records
            .load(crate::api::to_json(&vec![bill(2, "Phone", 1)]))
            .unwrap();
        records
            .upsert(crate::api::to_json(&bill(2, "Phone", 2)))
            .unwrap();
        records.remove(Uuid::from_u128(1))();
        assert!(records.is_empty());
    }
}

/// The delete question in a real browser: focus on "Keep", back to Delete on Escape, and an optimistic removal
/// that the refused request puts back, with the reason in the alert bar.
#[cfg(all(test, target_arch = "wasm32"))]
mod browser_tests {
    use leptos::prelude::*;
    use shared::budget::Bill;
    use uuid::Uuid;
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::{Kind, Summary, records};
    use crate::testing::{eventually, exists, find, focused, mount, press, settle};

    wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

    static KIND: Kind = Kind {
        noun: "bill",
        plural: "bills",
        title: "Bills",
        title_id: "bills-title",
        empty: "No bills yet.",
        testid: "bill",
        prefix: "bill",
        path: "/api/v1/bills",
    };

    fn bill(id: Uuid, name: &str) -> Bill {
        serde_json::from_value(serde_json::json!({
            "id": id, "name": name, "amount": 4550, "recurrence": {"kind": "monthly", "day": 5},
            "category": null, "autopay": false, "starts_on": null, "ends_on": null, "version": 1,
            "created_at": "2026-11-01T10:00:00Z", "updated_at": "2026-11-01T10:00:00Z"
        }))
        .expect("a bill")
    }

    /// Mounts the summary row of "Phone" beside another bill; returns the row, the list and the context.
    fn phone_row() -> (
        web_sys::HtmlElement,
        RwSignal<Vec<Bill>>,
        Uuid,
        crate::ui::Ctx,
    ) {
        let id = Uuid::from_u128(7);
        let bills = RwSignal::new(vec![bill(Uuid::from_u128(1), "Rent"), bill(id, "Phone")]);
        let (root, ctx) = mount(move || {
            view! {
                <Summary
                    kind=&KIND
                    records=records(bills)
                    editing=RwSignal::new(None)
                    id
                    name="Phone".into()
                    amount=4550
                    currency=Signal::derive(|| "USD".to_owned())
                >
                    <p>"monthly"</p>
                </Summary>
            }
        });
        (root, bills, id, ctx)
    }

    #[wasm_bindgen_test]
    async fn the_delete_question_opens_on_keep_and_escape_gives_focus_back_to_delete() {
        let (root, bills, _, _) = phone_row();
        find(&root, "[aria-label='Delete Phone']").click();
        settle().await;
        let keep = focused().expect("something has focus");
        assert_eq!(
            keep.text_content().as_deref(),
            Some("Keep"),
            "the safe answer has the keyboard"
        );

        press(
            &find(&root, "[aria-label='Confirm delete'] button"),
            "Escape",
        );
        settle().await;
        assert!(
            !exists(&root, "[aria-label='Confirm delete']"),
            "Escape closes the question"
        );
        let delete = focused().expect("something has focus");
        assert_eq!(
            delete.get_attribute("aria-label").as_deref(),
            Some("Delete Phone")
        );
        assert_eq!(bills.get_untracked().len(), 2, "nothing was deleted");
    }

    #[wasm_bindgen_test]
    async fn a_delete_the_server_refuses_is_put_back_in_place_with_the_reason() {
        let (root, bills, id, ctx) = phone_row();
        find(&root, "[aria-label='Delete Phone']").click();
        settle().await;
        find(&root, "button.danger").click();
        // At once, before any answer: the row is gone.
        let names =
            || bills.with_untracked(|b| b.iter().map(|b| b.name.clone()).collect::<Vec<_>>());
        assert_eq!(names(), ["Rent"]);

        // The request cannot reach the server: the bill comes back at its old place, and the alert says why.
        eventually("the refused delete is rolled back", || {
            names() == ["Rent", "Phone"]
        })
        .await;
        assert_eq!(bills.with_untracked(|b| b[1].id), id);
        let notice = ctx.notice.get_untracked().expect("an alert");
        assert!(notice.contains("Can't reach Payday"), "{notice}");
    }
}
