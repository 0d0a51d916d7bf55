//! What the record pages (*Bills*, *Pay schedules*) share: the list page shell, a record's row (summary, amount,
//! Edit, Delete with a confirmation and an optimistic removal), and the editor form's skeleton (name and amount
//! fields, Escape, the preview line, Save/Add and Cancel) with its submit flow: check locally, then POST or PATCH
//! and put the saved record in the list, or show the server's field errors. Each page keeps its own parts (the
//! recurrence or frequency picker, the preview's dates, the request bodies).
//!
//! Non-generic on purpose (closures, and the list as `dyn Records`): the wasm holds one copy for both pages; the
//! only code per record type is the small `Records` impl (decoding and the optimistic list changes).

use std::rc::Rc;

use chrono::NaiveDate;
use shared::Money;
use shared::wire::FromJson;
use uuid::Uuid;
use web_sys::Event;

use crate::api::{UiError, json};
use crate::dom::{El, View, el, focus_soon, key, show, show_else};
use crate::format::{date_near, decimal, parse_amount};
use crate::optimistic::{self, Keyed};
use crate::rx::{Memo, RwSignal, Signal, spawn};
use crate::ui::{
    actions, cancel_button, close_editor, ctx, decimals, field, field_message, form_error, input,
    label, loading, money, refocus, submit_button, today,
};

/// The words, ids and API path of one record page.
pub struct Kind {
    /// In "Add bill", "Edit bill", "New bill", "Save bill", "Delete this bill? ", "Your bills", "Loading bills…".
    pub noun: &'static str,
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

/// The page's list of records, as the shared parts handle it (one `impl` per record type).
pub trait Records {
    /// Replaces the list with the JSON array `text`.
    fn load(&self, text: String) -> Result<(), UiError>;
    /// Puts the JSON record `text` (just saved) in the list.
    fn upsert(&self, text: String) -> Result<(), UiError>;
    /// Removes the record `id` at once; the returned function puts it back.
    fn remove(&self, id: Uuid) -> Box<dyn FnOnce()>;
    /// Whether the list is empty (tracked).
    fn is_empty(&self) -> bool;
}

impl<T: Keyed + Clone + FromJson + 'static> Records for RwSignal<Vec<T>> {
    fn load(&self, text: String) -> Result<(), UiError> {
        self.set(json((200, text))?);
        Ok(())
    }

    fn upsert(&self, text: String) -> Result<(), UiError> {
        let saved: T = json((200, text))?;
        self.update(|l| {
            optimistic::upsert(l, saved);
        });
        Ok(())
    }

    fn remove(&self, id: Uuid) -> Box<dyn FnOnce()> {
        let list = *self;
        let undo = list.update(|l| optimistic::remove(l, id));
        Box::new(move || list.update(|l| optimistic::undo(l, undo)))
    }

    fn is_empty(&self) -> bool {
        self.with(Vec::is_empty)
    }
}

/// Builds an editor; gets the function that closes it.
pub type EditorFn = dyn Fn(Rc<dyn Fn()>) -> View;

/// A page's check on submit: given the amount, adds its problems and returns the request body.
pub type Check = Box<dyn Fn(Money, &mut Vec<(String, String)>) -> String>;

/// Which editor is open: `Some(None)` the add form, `Some(Some(id))` that record's.
pub type Editing = RwSignal<Option<Option<Uuid>>>;

/// The page: heading and Add button, the add form, then the list (`list` fills the `<ul>` given) once loaded.
pub fn list_page(
    kind: &'static Kind,
    records: Rc<dyn Records>,
    editing: Editing,
    add_form: Rc<EditorFn>,
    list: Rc<dyn Fn(El) -> El>,
) -> View {
    let ctx = ctx();
    let loaded = RwSignal::new(false);
    let error = RwSignal::new(None::<UiError>);
    {
        let (api, records) = (ctx.api, records.clone());
        spawn(async move {
            match api
                .raw("GET", kind.path, None)
                .await
                .and_then(|(_, text)| records.load(text))
            {
                // Nothing here yet: the add form is what the visitor came for.
                Ok(()) if records.is_empty() && editing.get_untracked().is_none() => {
                    editing.set(Some(None));
                }
                Ok(()) => {}
                Err(e) => error.set(Some(e)),
            }
            loaded.set(true);
        });
    }
    let noun = kind.noun;
    el("section")
        .class("page")
        .attr("aria-labelledby", kind.title_id)
        .child(
            el("div")
                .class("page-head")
                .child(el("h1").id(kind.title_id).text(kind.title))
                .child(
                    el("button")
                        .attr("type", "button")
                        .class("primary")
                        .attr("data-add", kind.prefix)
                        .on("click", move |_| editing.set(Some(None)))
                        .flag_dyn("disabled", move || editing.get() == Some(None))
                        .text(&format!("Add {noun}")),
                ),
        )
        .child(form_error(error))
        .child(show(
            move || editing.get() == Some(None),
            move || {
                add_form(Rc::new(move || {
                    close_editor(editing, None);
                    refocus(&format!("[data-add=\"{}\"]", kind.prefix));
                }))
            },
        ))
        .child(show_else(
            move || loaded.get(),
            move || {
                let (records, list) = (records.clone(), list.clone());
                show_else(
                    move || !records.is_empty(),
                    move || {
                        list(
                            el("ul")
                                .class("cards")
                                .attr("aria-label", &format!("Your {noun}s")),
                        )
                    },
                    move || el("p").class("empty").text(kind.empty),
                )
            },
            move || loading(&format!("{noun}s")),
        ))
        .into()
}

/// One record's `<li>`: its summary, or its editor (`editor` gets the function that closes it).
pub fn item(
    kind: &'static Kind,
    editing: Editing,
    id: Uuid,
    summary: Box<dyn Fn() -> View>,
    editor: Box<EditorFn>,
) -> El {
    let done: Rc<dyn Fn()> = Rc::new(move || {
        close_editor(editing, Some(id));
        refocus(&format!("[data-edit=\"{id}\"]"));
    });
    el("li")
        .class("card item")
        .attr("data-testid", kind.testid)
        .child(show_else(
            move || editing.get() != Some(Some(id)),
            summary,
            move || editor(done.clone()),
        ))
}

/// A record's name and `meta` line, its amount, and its actions (Edit, Delete with a confirmation).
#[allow(clippy::too_many_arguments)]
pub fn summary(
    kind: &'static Kind,
    records: Rc<dyn Records>,
    editing: Editing,
    id: Uuid,
    name: &str,
    meta: El,
    amount: Money,
    currency: Signal<String>,
) -> View {
    let ctx = ctx();
    let confirm = RwSignal::new(false);
    let delete_label = format!("Delete {name}");
    View::List(vec![
        el("div")
            .class("item-main")
            .child(el("h2").class("item-name").text(name))
            .child(meta)
            .into(),
        el("span")
            .class("amount")
            .text_dyn(move || money(amount, &currency.get()))
            .into(),
        el("div")
            .class("item-actions")
            .child(
                el("button")
                    .attr("type", "button")
                    .on("click", move |_| editing.set(Some(Some(id))))
                    .attr("data-edit", &id.to_string())
                    .attr("aria-label", &format!("Edit {name}"))
                    .text("Edit"),
            )
            .child(show_else(
                move || confirm.get(),
                move || {
                    let records = records.clone();
                    el("span")
                        .class("confirm")
                        .attr("role", "group")
                        .attr("aria-label", "Confirm delete")
                        .on("keydown", move |ev| {
                            if key(&ev) == "Escape" {
                                keep(confirm, id);
                            }
                        })
                        .text(&format!("Delete this {}? ", kind.noun))
                        .child(
                            el("button")
                                .attr("type", "button")
                                .class("danger")
                                .on("click", move |_| {
                                    let undo = records.remove(id);
                                    // The row is gone: on to the page's Add button.
                                    refocus(&format!("[data-add=\"{}\"]", kind.prefix));
                                    spawn(async move {
                                        if let Err(e) =
                                            ctx.api.delete(&format!("{}/{id}", kind.path)).await
                                            && e.status() != Some(404)
                                        {
                                            undo();
                                            ctx.fail(&e);
                                        }
                                    });
                                })
                                .text("Yes, delete"),
                        )
                        .child(
                            // Focused when the question appears, so the keyboard is where the choice is and
                            // Enter or Escape keeps the record.
                            el("button")
                                .attr("type", "button")
                                .on("click", move |_| keep(confirm, id))
                                .with_node(focus_soon)
                                .text("Keep"),
                        )
                },
                move || {
                    el("button")
                        .attr("type", "button")
                        .class("danger-link")
                        .on("click", move |_| confirm.set(true))
                        .attr("data-delete", &id.to_string())
                        .attr("aria-label", &delete_label)
                        .text("Delete")
                },
            ))
            .into(),
    ])
}

/// Closes a delete question without deleting, and gives focus back to the Delete button it came from.
fn keep(confirm: RwSignal<bool>, id: Uuid) {
    confirm.set(false);
    refocus(&format!("[data-delete=\"{id}\"]"));
}

/// A page's own parts of its editor form.
pub struct Form {
    /// The name field's placeholder ("Rent").
    pub placeholder: &'static str,
    /// The amount field's label, with the currency.
    pub amount_label: String,
    /// Stands in for an amount that does not parse while the page's rules are checked.
    pub fallback: Money,
    /// Adds the page's problems and returns the request body: a create when adding, an update when editing.
    pub check: Check,
    /// More fields in the grid, after name and amount.
    pub grid: View,
    /// What comes between the grid and the preview (the picker).
    pub body: View,
    /// The preview line: its label, its dates, and its text when there are none.
    pub preview_label: &'static str,
    pub preview: Memo<Vec<NaiveDate>>,
    pub none: &'static str,
}

/// An editor's own state: the name and amount as typed, the errors (the server's and the form's own), busy.
#[derive(Clone, Copy)]
pub struct Editor {
    pub kind: &'static Kind,
    /// The record edited (`None`: adding).
    pub id: Option<Uuid>,
    pub today: NaiveDate,
    pub places: u8,
    pub name: RwSignal<String>,
    pub amount: RwSignal<String>,
    pub error: RwSignal<Option<UiError>>,
    pub local: RwSignal<Vec<(String, String)>>,
    pub busy: RwSignal<bool>,
}

impl Editor {
    /// For `existing` (id, name, amount), or a new record.
    pub fn new(kind: &'static Kind, existing: Option<(Uuid, &str, Money)>) -> Editor {
        let places = decimals(&ctx().currency());
        Editor {
            kind,
            id: existing.map(|e| e.0),
            today: today(),
            places,
            name: RwSignal::new(existing.map(|e| e.1.to_owned()).unwrap_or_default()),
            amount: RwSignal::new(existing.map(|e| decimal(e.2, places)).unwrap_or_default()),
            error: RwSignal::new(None),
            local: RwSignal::new(Vec::new()),
            busy: RwSignal::new(false),
        }
    }

    /// The id of this editor's field `suffix` (`new-bill-name`, `bill-<id>-name`).
    pub fn id(&self, suffix: &str) -> String {
        match self.id {
            None => format!("new-{}-{suffix}", self.kind.prefix),
            Some(id) => format!("{}-{id}-{suffix}", self.kind.prefix),
        }
    }

    /// The error for `field` (the server's, or the form's own).
    pub fn message(&self, field: &'static str) -> Signal<Option<String>> {
        field_message(self.error, self.local, field)
    }

    /// The form; Escape or Cancel closes it (`on_done`). On submit: the amount is parsed, the page's `check`
    /// runs; with no problems the body is sent (POST to add, PATCH to edit) and the saved record goes into
    /// `records` before `on_done`; the server's errors show by their fields.
    pub fn form(self, records: Rc<dyn Records>, on_done: Rc<dyn Fn()>, parts: Form) -> View {
        let ctx = ctx();
        let Form {
            placeholder,
            amount_label,
            fallback,
            check,
            grid,
            body,
            preview_label,
            preview,
            none,
        } = parts;
        let Editor {
            kind,
            today,
            places,
            name,
            amount,
            error,
            local,
            busy,
            ..
        } = self;
        let noun = kind.noun;
        let is_edit = self.id.is_some();
        let form_id = self.id("form");
        let submit = {
            let (on_done, form_id) = (on_done.clone(), form_id.clone());
            move |ev: Event| {
                ev.prevent_default();
                let mut problems = Vec::new();
                let parsed = parse_amount(&amount.get_untracked(), places, false);
                if let Err(m) = &parsed {
                    problems.push(("amount".to_owned(), m.clone()));
                }
                let body = check(*parsed.as_ref().unwrap_or(&fallback), &mut problems);
                let ok = problems.is_empty();
                local.set(problems);
                error.set(None);
                if !ok {
                    return;
                }
                busy.set(true);
                let (method, path) = match self.id {
                    None => ("POST", kind.path.to_owned()),
                    Some(id) => ("PATCH", format!("{}/{id}", kind.path)),
                };
                let (records, on_done, form_id) =
                    (records.clone(), on_done.clone(), form_id.clone());
                let id = self.id;
                spawn(async move {
                    let result = ctx.api.raw(method, &path, Some(body)).await;
                    busy.set(false);
                    // The button was disabled while saving, which dropped its focus: give it back (a form that
                    // closes on success hands focus to its Edit or Add button instead).
                    refocus(&format!("#{form_id} [type=submit]"));
                    match (result.and_then(|(_, text)| records.upsert(text)), id) {
                        (Ok(()), _) => {
                            ctx.saved();
                            on_done();
                        }
                        // Changed or deleted elsewhere: this form holds a stale version, so close it, show the
                        // record as saved now (or drop it) and say why; Edit starts again from the latest.
                        (Err(e), Some(id)) if matches!(e.status(), Some(404 | 409)) => {
                            ctx.fail(&e);
                            on_done();
                            match ctx.api.raw("GET", &path, None).await {
                                Ok((_, text)) => {
                                    records.upsert(text).unwrap_or_else(|e| ctx.fail(&e))
                                }
                                Err(e) if e.status() == Some(404) => drop(records.remove(id)),
                                Err(e) => ctx.fail(&e),
                            }
                        }
                        (Err(e), _) => error.set(Some(e)),
                    }
                });
            }
        };
        let (name_id, amount_id) = (self.id("name"), self.id("amount"));
        let escape = on_done.clone();
        el("form")
            .id(&form_id)
            .class("card editor")
            .on("submit", submit)
            .flag("novalidate", true)
            .attr(
                "aria-label",
                &format!("{} {noun}", if is_edit { "Edit" } else { "New" }),
            )
            .on("keydown", move |ev| {
                if key(&ev) == "Escape" {
                    escape();
                }
            })
            .child(
                el("div")
                    .class("grid")
                    .child(
                        el("span").child(field(
                            &name_id,
                            label(&name_id, "Name"),
                            input(&name_id, "text", &[("placeholder", placeholder)], name)
                                .with_node(focus_soon),
                            self.message("name"),
                        )),
                    )
                    .child(el("span").child(field(
                        &amount_id,
                        label(&amount_id, &amount_label),
                        input(
                            &amount_id,
                            "text",
                            &[
                                ("inputmode", "decimal"),
                                ("placeholder", &decimal(0, places)),
                            ],
                            amount,
                        ),
                        self.message("amount"),
                    )))
                    .child(grid),
            )
            .child(body)
            .child(
                el("div")
                    .class("preview")
                    .attr("aria-live", "polite")
                    .child(el("span").class("hint").text(preview_label))
                    .text_dyn(move || {
                        let dates = preview.get();
                        if dates.is_empty() {
                            none.to_owned()
                        } else {
                            dates
                                .iter()
                                .map(|d| date_near(*d, today))
                                .collect::<Vec<_>>()
                                .join(" · ")
                        }
                    }),
            )
            .child(form_error(error))
            .child(actions(
                submit_button("primary")
                    .flag_dyn("disabled", move || busy.get())
                    .text(&format!("{} {noun}", if is_edit { "Save" } else { "Add" })),
                cancel_button(on_done),
            ))
            .into()
    }
}
