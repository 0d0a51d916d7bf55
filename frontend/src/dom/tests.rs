//! The DOM builder in a real browser (headless Chromium through `wasm-bindgen-test-runner`; scripts/test-e2e.sh
//! runs them): regions swap their nodes in place and dispose what they replaced, `each` keeps its rows, the
//! bindings go both ways. The plain `#[test]`s of the other modules are compiled for wasm32 too, but the runner only
//! runs `#[wasm_bindgen_test]`s; `cargo test -p frontend` runs those on the host.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Element, Event, HtmlElement, HtmlInputElement, Node};

use super::{View, document, dynamic, each, el, keyed, show, show_else};
use crate::rx::{RwSignal, Scope};

wasm_bindgen_test_configure!(run_in_browser);

/// Builds `view` inside a fresh `<div>` in the page, in a scope of its own, and runs `check` on the div; then
/// removes the div and disposes the scope. No event listener may throw: errors thrown there (a dropped closure
/// called, say) are reported to `window`'s `error` event, not to whoever fired the event.
fn mounted(view: impl FnOnce() -> View, check: impl FnOnce(&Element)) {
    let errors = mounted_errors(view, check);
    assert_eq!(errors, Vec::<String>::new(), "errors in event listeners");
}

/// [`mounted`], returning the errors thrown in event listeners meanwhile.
fn mounted_errors(view: impl FnOnce() -> View, check: impl FnOnce(&Element)) -> Vec<String> {
    let errors = Rc::new(RefCell::new(Vec::<String>::new()));
    let seen = errors.clone();
    let on_error = Closure::<dyn FnMut(Event)>::new(move |ev: Event| {
        seen.borrow_mut()
            .push(prop(&ev, "message").as_string().unwrap_or_default());
    });
    let window = super::window();
    window
        .add_event_listener_with_callback("error", on_error.as_ref().unchecked_ref())
        .unwrap();
    let scope = Scope::child();
    let root = scope.run(|| el("div").child(view()));
    document().body().unwrap().append_child(&root.0).unwrap();
    check(&root.0);
    root.0.remove();
    scope.dispose();
    window
        .remove_event_listener_with_callback("error", on_error.as_ref().unchecked_ref())
        .unwrap();
    errors.take()
}

/// The element children of `parent` as `tag:text`, in order (the regions' comment markers left out).
fn shape(parent: &Element) -> Vec<String> {
    elements(parent)
        .map(|e| {
            format!(
                "{}:{}",
                e.tag_name().to_lowercase(),
                e.text_content().unwrap_or_default()
            )
        })
        .collect()
}

fn elements(parent: &Element) -> impl Iterator<Item = Element> {
    std::iter::successors(parent.first_element_child(), Element::next_element_sibling)
}

fn find(root: &Element, selector: &str) -> Element {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no {selector} in {}", root.outer_html()))
}

fn input(root: &Element, selector: &str) -> HtmlInputElement {
    find(root, selector).dyn_into().unwrap()
}

fn prop(object: &JsValue, name: &str) -> JsValue {
    js_sys::Reflect::get(object, &JsValue::from_str(name)).unwrap()
}

/// Sets `value` as typing would, and fires `input`.
fn type_into(field: &HtmlInputElement, value: &str) {
    field.set_value(value);
    field.dispatch_event(&Event::new("input").unwrap()).unwrap();
}

#[wasm_bindgen_test]
fn show_swaps_its_nodes_in_place_and_disposes_the_branch_it_replaced() {
    let on = RwSignal::new(true);
    let label = RwSignal::new("a".to_string());
    mounted(
        || {
            el("p")
                .child(el("span").text("before"))
                .child(show_else(
                    move || on.get(),
                    move || el("b").text_dyn(move || label.get()),
                    || vec![el("i").text("off"), el("u").text("2nd")],
                ))
                .child(el("span").text("after"))
                .into()
        },
        |root| {
            let p = find(root, "p");
            assert_eq!(shape(&p), ["span:before", "b:a", "span:after"]);
            let b = find(root, "b");
            label.set("x".into());
            assert_eq!(shape(&p), ["span:before", "b:x", "span:after"]);

            on.set(false);
            assert_eq!(shape(&p), ["span:before", "i:off", "u:2nd", "span:after"]);
            assert!(!b.is_connected());
            label.set("y".into());
            assert_eq!(
                b.text_content().unwrap(),
                "x",
                "a removed branch's effect still ran"
            );

            on.set(true);
            assert_eq!(shape(&p), ["span:before", "b:y", "span:after"]);
            let again = find(root, "b");
            assert!(
                !Node::is_same_node(&again, Some(&b)),
                "a branch is built anew"
            );
            assert!(!b.is_connected());
        },
    );
}

#[wasm_bindgen_test]
fn show_without_else_shows_nothing_while_false() {
    let on = RwSignal::new(false);
    mounted(
        || {
            el("p")
                .child(show(move || on.get(), || el("b").text("shown")))
                .child(el("span").text("after"))
                .into()
        },
        |root| {
            let p = find(root, "p");
            assert_eq!(shape(&p), ["span:after"]);
            on.set(true);
            assert_eq!(shape(&p), ["b:shown", "span:after"]);
            on.set(false);
            assert_eq!(shape(&p), ["span:after"]);
        },
    );
}

#[wasm_bindgen_test]
fn keyed_re_renders_only_when_the_key_changes() {
    let n = RwSignal::new(1_u32);
    let other = RwSignal::new(0_u32);
    let renders = Rc::new(Cell::new(0));
    let count = renders.clone();
    mounted(
        move || {
            keyed(
                move || n.get() / 10,
                move |tens| {
                    count.set(count.get() + 1);
                    // Read in the render, untracked: changing it re-renders nothing.
                    el("b").text(&format!("{tens}:{}", other.get()))
                },
            )
        },
        |root| {
            let first = find(root, "b");
            assert_eq!(first.text_content().unwrap(), "0:0");
            n.set(5);
            other.set(7);
            assert_eq!(renders.get(), 1, "re-rendered with an unchanged key");
            assert!(first.is_connected());
            n.set(12);
            assert_eq!(renders.get(), 2);
            assert!(!first.is_connected());
            assert_eq!(find(root, "b").text_content().unwrap(), "1:7");
        },
    );
}

#[wasm_bindgen_test]
fn dynamic_re_renders_on_whatever_it_read() {
    let n = RwSignal::new(1_u32);
    mounted(
        move || {
            el("p")
                .child(dynamic(move || {
                    (0..n.get())
                        .map(|i| el("i").text(&i.to_string()))
                        .collect::<Vec<_>>()
                }))
                .child(el("span").text("end"))
                .into()
        },
        |root| {
            let p = find(root, "p");
            assert_eq!(shape(&p), ["i:0", "span:end"]);
            n.set(3);
            assert_eq!(shape(&p), ["i:0", "i:1", "i:2", "span:end"]);
            n.set(0);
            assert_eq!(shape(&p), ["span:end"]);
        },
    );
}

#[wasm_bindgen_test]
fn each_keeps_its_rows_and_what_is_typed_in_them() {
    let items = RwSignal::new(vec![1_u32, 2, 3]);
    let suffix = RwSignal::new(String::new());
    let built = Rc::new(Cell::new(0));
    let count = built.clone();
    mounted(
        move || {
            each(
                el("ul"),
                move || items.get(),
                move |id| {
                    count.set(count.get() + 1);
                    let id = *id;
                    el("li")
                        .attr("id", &format!("row{id}"))
                        .child(el("span").text_dyn(move || format!("{id}{}", suffix.get())))
                        .child(el("input"))
                },
            )
            .into()
        },
        |root| {
            let ul = find(root, "ul");
            let order = || {
                elements(&ul)
                    .map(|row| row.text_content().unwrap())
                    .collect::<Vec<_>>()
            };
            let row = |id: u32| find(root, &format!("#row{id}"));
            let (one, two, three) = (row(1), row(2), row(3));
            assert_eq!(order(), ["1", "2", "3"]);
            input(root, "#row2 input").set_value("typed in two");

            items.set(vec![3, 1, 2, 4]);
            assert_eq!(order(), ["3", "1", "2", "4"]);
            assert_eq!(built.get(), 4, "only the new row is built");
            for (id, node) in [(1, &one), (2, &two), (3, &three)] {
                assert!(
                    Node::is_same_node(&row(id), Some(node)),
                    "row {id} was rebuilt"
                );
            }
            assert_eq!(input(root, "#row2 input").value(), "typed in two");

            items.set(vec![4, 2, 3]);
            assert_eq!(order(), ["4", "2", "3"]);
            assert!(!one.is_connected());
            assert!(Node::is_same_node(&row(2), Some(&two)));
            assert_eq!(input(root, "#row2 input").value(), "typed in two");

            // The rows that stay follow signals; the removed row's effects are gone with it.
            suffix.set("!".into());
            assert_eq!(order(), ["4!", "2!", "3!"]);
            assert_eq!(
                one.text_content().unwrap(),
                "1",
                "a removed row's effect still ran"
            );

            items.set(vec![]);
            assert_eq!(order(), Vec::<String>::new());
            items.set(vec![2]);
            assert_eq!(order(), ["2!"]);
            assert_eq!(
                input(root, "#row2 input").value(),
                "",
                "a row that went and came back is new"
            );
            assert_eq!(built.get(), 5);
        },
    );
}

#[wasm_bindgen_test]
fn bind_value_goes_both_ways_and_keeps_the_caret() {
    let text = RwSignal::new("hello".to_string());
    mounted(
        move || el("input").bind_value(text).into(),
        |root| {
            let field = input(root, "input");
            assert_eq!(field.value(), "hello");
            text.set("from the signal".into());
            assert_eq!(field.value(), "from the signal");
            type_into(&field, "typed");
            assert_eq!(text.get_untracked(), "typed");

            // Typing sets the signal, which writes the same value back; the caret stays where it was. (Chromium keeps
            // it even if an unchanged value is assigned, so this does not pin prop_dyn's "only if changed" check.)
            field.set_selection_range(2, 2).unwrap();
            type_into(&field, "typed");
            assert_eq!(field.selection_start().unwrap(), Some(2));
        },
    );
}

#[wasm_bindgen_test]
fn a_select_value_follows_a_signal() {
    let sort = RwSignal::new("b".to_string());
    mounted(
        move || {
            el("select")
                .child(
                    ["a", "b", "c"]
                        .iter()
                        .map(|v| el("option").attr("value", v).text(v))
                        .collect::<Vec<_>>(),
                )
                .on("change", move |ev| sort.set(super::target_value(&ev)))
                .prop_dyn("value", move || JsValue::from_str(&sort.get()))
                .into()
        },
        |root| {
            let select = find(root, "select");
            assert_eq!(prop(&select, "value"), "b");
            sort.set("c".into());
            assert_eq!(prop(&select, "value"), "c");
            // The user picks "a" (after which browsers stop following `selected` attributes)…
            js_sys::Reflect::set(&select, &"value".into(), &"a".into()).unwrap();
            select
                .dispatch_event(&Event::new("change").unwrap())
                .unwrap();
            assert_eq!(sort.get_untracked(), "a");
            // …and back/forward changes the signal behind their back.
            sort.set("b".into());
            assert_eq!(prop(&select, "value"), "b");
        },
    );
}

#[wasm_bindgen_test]
fn dynamic_attributes_classes_and_flags_follow_signals() {
    let on = RwSignal::new(false);
    mounted(
        move || {
            el("button")
                .class("btn")
                .attr_dyn("title", move || on.get().then(|| "on".to_string()))
                .class_dyn("active", move || on.get())
                .flag_dyn("disabled", move || on.get())
                .into()
        },
        |root| {
            let button = find(root, "button");
            assert_eq!(button.get_attribute("title"), None);
            assert_eq!(button.class_name(), "btn");
            assert!(!button.has_attribute("disabled"));
            on.set(true);
            assert_eq!(button.get_attribute("title").as_deref(), Some("on"));
            assert_eq!(button.class_name(), "btn active");
            assert_eq!(button.get_attribute("disabled").as_deref(), Some(""));
            on.set(false);
            assert_eq!(button.get_attribute("title"), None);
            assert_eq!(button.class_name(), "btn");
            assert!(!button.has_attribute("disabled"));
        },
    );
}

#[wasm_bindgen_test]
fn listeners_live_as_long_as_their_region() {
    let on = RwSignal::new(true);
    let clicks = Rc::new(Cell::new(0));
    let count = clicks.clone();
    let errors = mounted_errors(
        move || {
            show(
                move || on.get(),
                move || {
                    let count = count.clone();
                    el("button").on("click", move |_| count.set(count.get() + 1))
                },
            )
        },
        |root| {
            let button: HtmlElement = find(root, "button").dyn_into().unwrap();
            button.click();
            assert_eq!(clicks.get(), 1);
            on.set(false);
            button.click();
            assert_eq!(clicks.get(), 1, "a removed region's listener was called");
        },
    );
    // Disposing unregisters the listener: the detached button's click reaches no dropped closure.
    assert!(errors.is_empty(), "{errors:?}");
}

#[wasm_bindgen_test]
fn removing_a_focused_field_runs_its_blur_listener_before_disposing_it() {
    let on = RwSignal::new(true);
    let blurs = Rc::new(Cell::new(0));
    let count = blurs.clone();
    mounted(
        move || {
            show(
                move || on.get(),
                move || {
                    let count = count.clone();
                    el("input").on("blur", move |_| count.set(count.get() + 1))
                },
            )
        },
        |root| {
            let field = input(root, "input");
            field.focus().unwrap();
            assert!(Node::is_same_node(
                &document().active_element().unwrap(),
                Some(&field)
            ));
            on.set(false);
            assert!(!field.is_connected());
            assert_eq!(
                blurs.get(),
                1,
                "removing the focused field fired no blur to its listener"
            );
        },
    );
}
