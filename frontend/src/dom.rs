//! Building the page: an element builder over web-sys whose dynamic parts (text, attributes, classes, properties,
//! whole child regions) are effects of [`crate::rx`], so a change touches only the nodes that show it.
//!
//! ```ignore
//! el("button").attr("type", "button").bool_attr_dyn("disabled", move || busy.get())
//!     .on("click", move |_| count.update(|n| *n += 1))
//!     .text_dyn(move || format!("Clicked {} times", count.get()))
//! ```
//!
//! Dynamic children: [`dynamic`] re-renders whenever anything it read changes (like a Leptos `move ||` child);
//! [`keyed`] re-renders only when its key changes and builds untracked (like `<Show>`); [`show`] is `keyed` on a
//! bool. Each rendering gets its own [`Scope`], disposed (effects stopped, listeners dropped) when it is replaced.
//!
//! Every public method boxes its closure and calls one non-generic function, so each kind of dynamic part is
//! compiled once for the whole app.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Element, Event, Node};

use crate::rx::{Scope, effect, keep, untrack};

pub fn window() -> web_sys::Window {
    web_sys::window().unwrap_or_else(|| unreachable!("a browser window"))
}

pub fn document() -> web_sys::Document {
    window()
        .document()
        .unwrap_or_else(|| unreachable!("a document"))
}

/// What a builder or region produces: nothing, one node, or several.
pub enum View {
    Empty,
    Node(Node),
    List(Vec<View>),
}

impl View {
    fn into_nodes(self, out: &mut Vec<Node>) {
        match self {
            View::Empty => {}
            View::Node(node) => out.push(node),
            View::List(views) => views.into_iter().for_each(|v| v.into_nodes(out)),
        }
    }
}

impl From<El> for View {
    fn from(el: El) -> View {
        View::Node(el.0.into())
    }
}

impl From<&str> for View {
    fn from(text: &str) -> View {
        View::Node(document().create_text_node(text).into())
    }
}

impl From<String> for View {
    fn from(text: String) -> View {
        View::from(text.as_str())
    }
}

impl From<&String> for View {
    fn from(text: &String) -> View {
        View::from(text.as_str())
    }
}

impl From<()> for View {
    fn from((): ()) -> View {
        View::Empty
    }
}

impl<T: Into<View>> From<Option<T>> for View {
    fn from(view: Option<T>) -> View {
        view.map_or(View::Empty, Into::into)
    }
}

impl<T: Into<View>> From<Vec<T>> for View {
    fn from(views: Vec<T>) -> View {
        View::List(views.into_iter().map(Into::into).collect())
    }
}

/// An element under construction (`Clone`: the handle, not the node).
#[derive(Clone)]
pub struct El(pub Element);

/// A new HTML element.
pub fn el(tag: &str) -> El {
    El(document()
        .create_element(tag)
        .unwrap_or_else(|_| unreachable!("a valid tag")))
}

/// A new SVG element.
pub fn svg(tag: &str) -> El {
    El(document()
        .create_element_ns(Some("http://www.w3.org/2000/svg"), tag)
        .unwrap_or_else(|_| unreachable!("a valid tag")))
}

impl El {
    pub fn attr(self, name: &str, value: &str) -> El {
        self.0.set_attribute(name, value).ok();
        self
    }

    pub fn id(self, value: &str) -> El {
        self.attr("id", value)
    }

    pub fn class(self, value: &str) -> El {
        self.attr("class", value)
    }

    /// A boolean attribute (`required`, `hidden`…) when `on`.
    pub fn flag(self, name: &str, on: bool) -> El {
        if on {
            self.0.set_attribute(name, "").ok();
        }
        self
    }

    /// An attribute that follows `f` (`None` removes it).
    pub fn attr_dyn(self, name: &'static str, f: impl Fn() -> Option<String> + 'static) -> El {
        self.attr_dyn_boxed(name, Box::new(f))
    }

    fn attr_dyn_boxed(self, name: &'static str, f: Box<dyn Fn() -> Option<String>>) -> El {
        let node = self.0.clone();
        effect(move || match f() {
            Some(v) => drop(node.set_attribute(name, &v)),
            None => drop(node.remove_attribute(name)),
        });
        self
    }

    /// A boolean attribute (`disabled`, `hidden`, `aria-*` as "true") that follows `f`.
    pub fn flag_dyn(self, name: &'static str, f: impl Fn() -> bool + 'static) -> El {
        self.flag_dyn_boxed(name, Box::new(f))
    }

    fn flag_dyn_boxed(self, name: &'static str, f: Box<dyn Fn() -> bool>) -> El {
        self.attr_dyn_boxed(name, Box::new(move || f().then(String::new)))
    }

    /// A class present while `f` is true.
    pub fn class_dyn(self, name: &'static str, f: impl Fn() -> bool + 'static) -> El {
        self.class_dyn_boxed(name, Box::new(f))
    }

    fn class_dyn_boxed(self, name: &'static str, f: Box<dyn Fn() -> bool>) -> El {
        let list = self.0.class_list();
        effect(move || drop(list.toggle_with_force(name, f())));
        self
    }

    /// A DOM property (`value`, `checked`) that follows `f`.
    pub fn prop_dyn(self, name: &'static str, f: impl Fn() -> JsValue + 'static) -> El {
        self.prop_dyn_boxed(name, Box::new(f))
    }

    fn prop_dyn_boxed(self, name: &'static str, f: Box<dyn Fn() -> JsValue>) -> El {
        let node = self.0.clone();
        let key = JsValue::from_str(name);
        effect(move || {
            let value = f();
            // Writing an unchanged `value` would move the caret to the end.
            if js_sys::Reflect::get(&node, &key).ok().as_ref() != Some(&value) {
                js_sys::Reflect::set(&node, &key, &value).ok();
            }
        });
        self
    }

    /// Two-way binding of a text field's `value` to `signal`.
    pub fn bind_value(self, signal: crate::rx::RwSignal<String>) -> El {
        self.on("input", move |ev| signal.set(target_value(&ev)))
            .prop_dyn("value", move || JsValue::from_str(&signal.get()))
    }

    /// Two-way binding of a checkbox's `checked` to `signal`.
    pub fn bind_checked(self, signal: crate::rx::RwSignal<bool>) -> El {
        self.on("change", move |ev| signal.set(target_checked(&ev)))
            .prop_dyn("checked", move || JsValue::from_bool(signal.get()))
    }

    pub fn text(self, text: &str) -> El {
        self.0.append_child(&document().create_text_node(text)).ok();
        self
    }

    /// A text node that follows `f`.
    pub fn text_dyn(self, f: impl Fn() -> String + 'static) -> El {
        self.child(text_dyn(f))
    }

    pub fn child(self, child: impl Into<View>) -> El {
        self.child_view(child.into())
    }

    fn child_view(self, child: View) -> El {
        let mut nodes = Vec::new();
        child.into_nodes(&mut nodes);
        for node in nodes {
            self.0.append_child(&node).ok();
        }
        self
    }

    /// Listens for `event` while the current scope lives.
    pub fn on(self, event: &str, f: impl FnMut(Event) + 'static) -> El {
        self.on_boxed(event, Box::new(f))
    }

    fn on_boxed(self, event: &str, f: Box<dyn FnMut(Event)>) -> El {
        let closure = Closure::wrap(f);
        self.0
            .add_event_listener_with_callback(event, closure.as_ref().unchecked_ref())
            .ok();
        keep(Listener {
            node: self.0.clone(),
            event: event.to_owned(),
            closure,
        });
        self
    }

    /// Runs `f` with the element (to keep a handle for focusing, say).
    pub fn with_node(self, f: impl FnOnce(&Element)) -> El {
        f(&self.0);
        self
    }
}

/// An event listener, unregistered when its scope is disposed (a detached node that still got an event would
/// otherwise call a dropped closure).
struct Listener {
    node: Element,
    event: String,
    closure: Closure<dyn FnMut(Event)>,
}

impl Drop for Listener {
    fn drop(&mut self) {
        self.node
            .remove_event_listener_with_callback(&self.event, self.closure.as_ref().unchecked_ref())
            .ok();
    }
}

/// A text node that follows `f`.
pub fn text_dyn(f: impl Fn() -> String + 'static) -> View {
    text_dyn_boxed(Box::new(f))
}

fn text_dyn_boxed(f: Box<dyn Fn() -> String>) -> View {
    let node = document().create_text_node("");
    let text = node.clone();
    effect(move || text.set_data(&f()));
    View::Node(node.into())
}

/// A region re-rendered whenever a signal `render` read changes.
pub fn dynamic<V: Into<View>>(render: impl Fn() -> V + 'static) -> View {
    region(Box::new(move || Some(render().into())))
}

/// A region re-rendered (untracked) only when `key` changes.
pub fn keyed<K: PartialEq + 'static, V: Into<View>>(
    key: impl Fn() -> K + 'static,
    render: impl Fn(&K) -> V + 'static,
) -> View {
    keyed_boxed::<K>(Box::new(key), Box::new(move |k| render(k).into()))
}

fn keyed_boxed<K: PartialEq + 'static>(
    key: Box<dyn Fn() -> K>,
    render: Box<dyn Fn(&K) -> View>,
) -> View {
    let last = RefCell::new(None::<K>);
    region(Box::new(move || {
        let key = key();
        if last.borrow().as_ref() == Some(&key) {
            return None;
        }
        let view = untrack(|| render(&key));
        *last.borrow_mut() = Some(key);
        Some(view)
    }))
}

/// `then` while `when` is true, `otherwise` while it is false.
pub fn show_else<A: Into<View>, B: Into<View>>(
    when: impl Fn() -> bool + 'static,
    then: impl Fn() -> A + 'static,
    otherwise: impl Fn() -> B + 'static,
) -> View {
    show_else_boxed(
        Box::new(when),
        Box::new(move || then().into()),
        Box::new(move || otherwise().into()),
    )
}

fn show_else_boxed(
    when: Box<dyn Fn() -> bool>,
    then: Box<dyn Fn() -> View>,
    otherwise: Box<dyn Fn() -> View>,
) -> View {
    keyed_boxed::<bool>(
        when,
        Box::new(move |on| if *on { then() } else { otherwise() }),
    )
}

/// `then` while `when` is true.
pub fn show<A: Into<View>>(
    when: impl Fn() -> bool + 'static,
    then: impl Fn() -> A + 'static,
) -> View {
    show_else_boxed(
        Box::new(when),
        Box::new(move || then().into()),
        Box::new(|| View::Empty),
    )
}

/// The region machinery: `render` returns `None` to keep what is shown. Each rendering runs in a fresh scope;
/// the nodes sit before a comment marker, so a region can be one of several children of an element.
fn region(render: Box<dyn Fn() -> Option<View>>) -> View {
    let marker: Node = document().create_comment("").into();
    let shown = Rc::new(RefCell::new(Vec::<Node>::new()));
    let scope = Rc::new(RefCell::new(None::<Scope>));
    let first = Rc::new(RefCell::new(None::<Vec<Node>>));
    {
        let (marker, shown, first) = (marker.clone(), shown.clone(), first.clone());
        effect(move || {
            let child = Scope::child();
            let Some(view) = child.run(&render) else {
                child.dispose();
                return;
            };
            let mut nodes = Vec::new();
            view.into_nodes(&mut nodes);
            let old = std::mem::replace(&mut *shown.borrow_mut(), nodes.clone());
            match marker.parent_node() {
                Some(parent) => {
                    for node in &old {
                        parent.remove_child(node).ok();
                    }
                    for node in &nodes {
                        parent.insert_before(node, Some(&marker)).ok();
                    }
                }
                None => *first.borrow_mut() = Some(nodes),
            }
            // Only now: removing a focused field fires `blur`, whose listener belongs to the old scope.
            if let Some(old) = scope.borrow_mut().replace(child) {
                old.dispose();
            }
        });
    }
    let mut nodes: Vec<View> = first
        .borrow_mut()
        .take()
        .unwrap_or_default()
        .into_iter()
        .map(View::Node)
        .collect();
    nodes.push(View::Node(marker));
    View::List(nodes)
}

/// The children of `parent`, kept in step with `items` like Leptos' `<For>`: one row per item (compared with
/// `==`, so pass ids, or whole records to rebuild a row when its record changes), built in its own scope when it
/// first appears, moved when the order changes, disposed when it goes. Other rows, and what is typed in them,
/// are left alone.
pub fn each<K: PartialEq + 'static>(
    parent: El,
    items: impl Fn() -> Vec<K> + 'static,
    row: impl Fn(&K) -> El + 'static,
) -> El {
    let node = parent.0.clone();
    let mut rows: Vec<(K, Scope, Node)> = Vec::new();
    effect(move || {
        let wanted = items();
        untrack(|| {
            rows.retain(|(key, scope, row)| {
                let keep = wanted.contains(key);
                if !keep {
                    node.remove_child(row).ok();
                    scope.dispose();
                }
                keep
            });
            let mut cursor = node.first_child();
            for key in wanted {
                let row = match rows.iter().find(|r| r.0 == key) {
                    Some(existing) => existing.2.clone(),
                    None => {
                        let scope = Scope::child();
                        let built: Node = scope.run(|| row(&key)).0.into();
                        rows.push((key, scope, built.clone()));
                        built
                    }
                };
                if cursor.as_ref() == Some(&row) {
                    cursor = row.next_sibling();
                } else {
                    node.insert_before(&row, cursor.as_ref()).ok();
                }
            }
        });
    });
    parent
}

/// Mounts `view` at the end of `<body>`.
pub fn mount_to_body(view: impl Into<View>) {
    if let Some(body) = document().body() {
        El(body.into()).child(view);
    }
}

/// The `value` of the element an event came from (input, select, textarea).
pub fn target_value(ev: &Event) -> String {
    ev.target()
        .and_then(|t| js_sys::Reflect::get(&t, &JsValue::from_str("value")).ok())
        .and_then(|v| v.as_string())
        .unwrap_or_default()
}

/// Whether the checkbox an event came from is checked.
pub fn target_checked(ev: &Event) -> bool {
    ev.target()
        .and_then(|t| js_sys::Reflect::get(&t, &JsValue::from_str("checked")).ok())
        .and_then(|v| v.as_bool())
        .unwrap_or(false)
}

/// The key of a keyboard event (`""` for other events).
pub fn key(ev: &Event) -> String {
    ev.dyn_ref::<web_sys::KeyboardEvent>()
        .map(web_sys::KeyboardEvent::key)
        .unwrap_or_default()
}

/// Focuses `element` once it is in the page (the `autofocus` attribute only works once per page load).
pub fn focus_soon(element: &Element) {
    if let Some(element) = element.dyn_ref::<web_sys::HtmlElement>().cloned() {
        request_animation_frame(move || drop(element.focus()));
    }
}

/// Runs `f` once before the next repaint.
pub fn request_animation_frame(f: impl FnOnce() + 'static) {
    let closure = Closure::once_into_js(f);
    window()
        .request_animation_frame(closure.unchecked_ref())
        .ok();
}

/// Runs `f` once after `ms` milliseconds.
pub fn set_timeout(f: impl FnOnce() + 'static, ms: i32) {
    let closure = Closure::once_into_js(f);
    window()
        .set_timeout_with_callback_and_timeout_and_arguments_0(closure.unchecked_ref(), ms)
        .ok();
}

#[cfg(all(test, target_arch = "wasm32"))]
mod tests;
