//! The UI's reactive core, written for size: `Copy` signal handles in a thread-local arena, effects that re-run
//! when a signal they read changes, memos, derived signals, and scopes that stop a part of the page's effects and
//! drop its event listeners when that part is replaced (see [`crate::dom`]).
//!
//! Why not Leptos: its renderer and reactive graph are generic over every view and signal type, and compiled to
//! about 60 % of the UI's 250 kB (brotli) against a 120 kB budget. Here every closure is boxed once (`dyn Fn`), so
//! the machinery is compiled once, not once per view (docs/benchmarks.md, "Web UI").
//!
//! Semantics (the subset of Leptos' the pages use): reading a signal with `get`/`with` inside an effect subscribes
//! the effect; `set`/`update` re-runs subscribers after the current batch, each at most once per batch; the
//! `_untracked` forms never subscribe. Signal values live as long as the page (a few bytes each, never freed),
//! so a handle held by a finished async task is always safe to use; effects and listeners are disposed with
//! their scope. The arena slots of disposed effects and scopes are not reused either (a stale subscriber id
//! must never wake a different effect): each re-rendering of a region leaves some tens of bytes behind, which a
//! page session does not notice; a long-lived page that re-renders constantly would want slot reuse with
//! generations.

use std::any::Any;
use std::cell::RefCell;
use std::marker::PhantomData;
use std::rc::Rc;

type Value = Rc<dyn Any>;
type EffectFn = Rc<RefCell<Box<dyn FnMut()>>>;

#[derive(Default)]
struct Runtime {
    values: Vec<Value>,
    /// Per value: the effects that read it since they last ran.
    subscribers: Vec<Vec<usize>>,
    /// `None` once disposed.
    effects: Vec<Option<(EffectFn, usize)>>,
    scopes: Vec<ScopeData>,
    /// The running effect (reads subscribe it).
    observer: Option<usize>,
    /// The scope new effects and listeners belong to.
    scope: usize,
    queue: Vec<usize>,
    flushing: bool,
}

#[derive(Default)]
struct ScopeData {
    effects: Vec<usize>,
    keep: Vec<Box<dyn Any>>,
    children: Vec<usize>,
}

thread_local! {
    static RT: RefCell<Runtime> = RefCell::new(Runtime {
        scopes: vec![ScopeData::default()],
        ..Runtime::default()
    });
}

fn rt<R>(f: impl FnOnce(&mut Runtime) -> R) -> R {
    RT.with(|rt| f(&mut rt.borrow_mut()))
}

fn alloc(value: Value) -> usize {
    rt(|rt| {
        rt.values.push(value);
        rt.subscribers.push(Vec::new());
        rt.values.len() - 1
    })
}

fn value(id: usize, track: bool) -> Value {
    rt(|rt| {
        if track && let Some(observer) = rt.observer {
            let subs = &mut rt.subscribers[id];
            if !subs.contains(&observer) {
                subs.push(observer);
            }
        }
        rt.values[id].clone()
    })
}

/// Queues the subscribers of value `id` and runs the queue unless a run is already under way.
fn notify(id: usize) {
    let start = rt(|rt| {
        for effect in std::mem::take(&mut rt.subscribers[id]) {
            if !rt.queue.contains(&effect) {
                rt.queue.push(effect);
            }
        }
        !std::mem::replace(&mut rt.flushing, true)
    });
    if start {
        while let Some(effect) = rt(|rt| (!rt.queue.is_empty()).then(|| rt.queue.remove(0))) {
            run_effect(effect);
        }
        rt(|rt| rt.flushing = false);
    }
}

fn run_effect(id: usize) {
    let Some((f, scope)) = rt(|rt| rt.effects[id].clone()) else {
        return;
    };
    // A re-entrant run (an effect setting a signal it reads) is skipped; the value it set is already current.
    let Ok(mut run) = f.try_borrow_mut() else {
        return;
    };
    let saved = rt(|rt| {
        (
            rt.observer.replace(id),
            std::mem::replace(&mut rt.scope, scope),
        )
    });
    run();
    rt(|rt| (rt.observer, rt.scope) = saved);
}

/// Runs `f` without subscribing the running effect to what it reads.
pub fn untrack<R>(f: impl FnOnce() -> R) -> R {
    let saved = rt(|rt| rt.observer.take());
    let out = f();
    rt(|rt| rt.observer = saved);
    out
}

/// A readable and writable signal. `Copy`: capture it in as many closures as needed.
pub struct RwSignal<T> {
    id: usize,
    _t: PhantomData<fn() -> T>,
}

impl<T> Clone for RwSignal<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for RwSignal<T> {}

impl<T: 'static> RwSignal<T> {
    pub fn new(initial: T) -> Self {
        RwSignal {
            id: alloc(Rc::new(RefCell::new(initial))),
            _t: PhantomData,
        }
    }

    fn cell(&self, track: bool) -> Rc<RefCell<T>> {
        value(self.id, track)
            .downcast::<RefCell<T>>()
            .unwrap_or_else(|_| unreachable!("signal type"))
    }

    pub fn with<R>(&self, f: impl FnOnce(&T) -> R) -> R {
        f(&self.cell(true).borrow())
    }

    pub fn with_untracked<R>(&self, f: impl FnOnce(&T) -> R) -> R {
        f(&self.cell(false).borrow())
    }

    pub fn get(&self) -> T
    where
        T: Clone,
    {
        self.with(T::clone)
    }

    pub fn get_untracked(&self) -> T
    where
        T: Clone,
    {
        self.with_untracked(T::clone)
    }

    pub fn update<R>(&self, f: impl FnOnce(&mut T) -> R) -> R {
        let out = f(&mut self.cell(false).borrow_mut());
        notify(self.id);
        out
    }

    pub fn set(&self, value: T) {
        self.update(|v| *v = value);
    }
}

/// A value kept for the page's lifetime without reactivity (`Copy` handle).
pub struct StoredValue<T> {
    id: usize,
    _t: PhantomData<fn() -> T>,
}

impl<T> Clone for StoredValue<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for StoredValue<T> {}

impl<T: 'static> StoredValue<T> {
    pub fn new(initial: T) -> Self {
        StoredValue {
            id: alloc(Rc::new(RefCell::new(initial))),
            _t: PhantomData,
        }
    }

    fn cell(&self) -> Rc<RefCell<T>> {
        value(self.id, false)
            .downcast::<RefCell<T>>()
            .unwrap_or_else(|_| unreachable!("stored value type"))
    }

    pub fn with_value<R>(&self, f: impl FnOnce(&T) -> R) -> R {
        f(&self.cell().borrow())
    }

    pub fn get_value(&self) -> T
    where
        T: Clone,
    {
        self.with_value(T::clone)
    }

    pub fn set_value(&self, value: T) {
        *self.cell().borrow_mut() = value;
    }
}

/// A read-only signal computed from others (recomputed on each read; wrap it in a [`Memo`] to cache).
pub struct Signal<T> {
    id: usize,
    _t: PhantomData<fn() -> T>,
}

impl<T> Clone for Signal<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Signal<T> {}

impl<T: 'static> Signal<T> {
    pub fn derive(f: impl Fn() -> T + 'static) -> Self {
        let f: Rc<dyn Fn() -> T> = Rc::new(f);
        Signal {
            id: alloc(Rc::new(f)),
            _t: PhantomData,
        }
    }

    pub fn get(&self) -> T {
        let f = value(self.id, false)
            .downcast::<Rc<dyn Fn() -> T>>()
            .unwrap_or_else(|_| unreachable!("derived signal type"));
        f()
    }
}

impl<T: Clone + 'static> From<RwSignal<T>> for Signal<T> {
    fn from(signal: RwSignal<T>) -> Self {
        Signal::derive(move || signal.get())
    }
}

impl<T: Clone + PartialEq + 'static> From<Memo<T>> for Signal<T> {
    fn from(memo: Memo<T>) -> Self {
        Signal::derive(move || memo.get())
    }
}

/// A cached computation: re-runs when what it read changes, and notifies its readers only when the result differs.
pub struct Memo<T> {
    slot: RwSignal<Option<T>>,
}

impl<T> Clone for Memo<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Memo<T> {}

impl<T: Clone + PartialEq + 'static> Memo<T> {
    pub fn new(f: impl Fn(Option<&T>) -> T + 'static) -> Self {
        let slot = RwSignal::new(None::<T>);
        effect(move || {
            let previous = slot.get_untracked();
            let next = f(previous.as_ref());
            if previous.as_ref() != Some(&next) {
                slot.set(Some(next));
            }
        });
        Memo { slot }
    }

    pub fn get(&self) -> T {
        self.slot
            .with(|v| v.clone())
            .unwrap_or_else(|| unreachable!("memo computed at creation"))
    }

    pub fn with<R>(&self, f: impl FnOnce(&T) -> R) -> R {
        f(&self.get())
    }
}

/// Runs `f` now and again whenever a signal it read changes, until its scope is disposed.
pub fn effect(f: impl FnMut() + 'static) {
    effect_boxed(Box::new(f));
}

fn effect_boxed(f: Box<dyn FnMut()>) {
    let id = rt(|rt| {
        let scope = rt.scope;
        rt.effects.push(Some((Rc::new(RefCell::new(f)), scope)));
        let id = rt.effects.len() - 1;
        rt.scopes[scope].effects.push(id);
        id
    });
    run_effect(id);
}

/// Keeps `value` (an event listener's closure, say) alive until the current scope is disposed.
pub fn keep(value: impl Any) {
    let value: Box<dyn Any> = Box::new(value);
    rt(|rt| {
        let scope = rt.scope;
        rt.scopes[scope].keep.push(value);
    });
}

/// A part of the page whose effects and listeners go away together.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Scope(usize);

impl Scope {
    /// A new scope inside the current one (disposed with it).
    pub fn child() -> Scope {
        rt(|rt| {
            rt.scopes.push(ScopeData::default());
            let id = rt.scopes.len() - 1;
            let parent = rt.scope;
            rt.scopes[parent].children.push(id);
            Scope(id)
        })
    }

    /// Runs `f` with this as the current scope.
    pub fn run<R>(self, f: impl FnOnce() -> R) -> R {
        let saved = rt(|rt| std::mem::replace(&mut rt.scope, self.0));
        let out = f();
        rt(|rt| rt.scope = saved);
        out
    }

    /// Stops this scope's effects (and its children's) and drops what it kept.
    pub fn dispose(self) {
        let mut dropped = Vec::new();
        rt(|rt| {
            let mut stack = vec![self.0];
            while let Some(scope) = stack.pop() {
                let data = std::mem::take(&mut rt.scopes[scope]);
                for effect in data.effects {
                    dropped.push(Box::new(rt.effects[effect].take()) as Box<dyn Any>);
                }
                dropped.extend(data.keep);
                stack.extend(data.children);
            }
        });
        // Dropped outside the runtime borrow: a closure's drop may touch signals.
        drop(dropped);
    }
}

/// Runs a future on the browser's event loop.
pub fn spawn(future: impl Future<Output = ()> + 'static) {
    wasm_bindgen_futures::spawn_local(future);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn effects_follow_what_they_read_and_stop_with_their_scope() {
        let a = RwSignal::new(1);
        let b = RwSignal::new(10);
        let seen = Rc::new(RefCell::new(Vec::new()));
        let scope = Scope::child();
        let log = seen.clone();
        scope.run(|| effect(move || log.borrow_mut().push(a.get() + b.with_untracked(|b| *b))));
        a.set(2);
        b.set(20); // untracked: no run
        a.update(|a| *a += 1);
        assert_eq!(*seen.borrow(), vec![11, 12, 23]);
        scope.dispose();
        a.set(5);
        assert_eq!(seen.borrow().len(), 3);
    }

    #[test]
    fn memos_notify_only_on_change() {
        let n = RwSignal::new(1);
        let parity = Memo::new(move |_| n.get() % 2);
        let runs = Rc::new(RefCell::new(0));
        let count = runs.clone();
        effect(move || {
            parity.get();
            *count.borrow_mut() += 1;
        });
        n.set(3);
        assert_eq!(*runs.borrow(), 1);
        n.set(4);
        assert_eq!(*runs.borrow(), 2);
        let twice = Signal::derive(move || n.get() * 2);
        assert_eq!(twice.get(), 8);
    }

    #[test]
    fn an_effect_setting_a_signal_runs_the_readers_after_it() {
        let source = RwSignal::new(1);
        let copy = RwSignal::new(0);
        effect(move || copy.set(source.get() * 10));
        let seen = Rc::new(RefCell::new(0));
        let out = seen.clone();
        effect(move || *out.borrow_mut() = copy.get());
        source.set(2);
        assert_eq!(*seen.borrow(), 20);
    }
}
