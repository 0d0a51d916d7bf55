//! TodoMVC rules for the task list as plain functions: what a new title or an edit becomes, which tasks a filter,
//! search and sort show, and the footer's wording. Tested on the host.

use shared::tasks::Task;

use crate::format::lower;

/// The three TodoMVC filters; part of the URL (`/tasks`, `/tasks/active`, `/tasks/completed`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Filter {
    #[default]
    All,
    Active,
    Completed,
}

impl Filter {
    pub const ALL: [Filter; 3] = [Filter::All, Filter::Active, Filter::Completed];

    pub fn label(self) -> &'static str {
        match self {
            Filter::All => "All",
            Filter::Active => "Active",
            Filter::Completed => "Completed",
        }
    }

    pub fn path(self) -> &'static str {
        match self {
            Filter::All => "/tasks",
            Filter::Active => "/tasks/active",
            Filter::Completed => "/tasks/completed",
        }
    }

    /// The filter named by the `:filter` path segment (`None`, empty: all); `None` for an unknown name.
    pub fn from_param(segment: Option<&str>) -> Option<Filter> {
        match segment.unwrap_or_default() {
            "" => Some(Filter::All),
            "active" => Some(Filter::Active),
            "completed" => Some(Filter::Completed),
            _ => None,
        }
    }

    pub fn keeps(self, task: &Task) -> bool {
        match self {
            Filter::All => true,
            Filter::Active => !task.is_completed(),
            Filter::Completed => task.is_completed(),
        }
    }
}

/// Sort orders offered next to the search box; part of the URL (`?sort=`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Sort {
    /// Due date (undated last), then creation — the API's order.
    #[default]
    Due,
    /// Most urgent first, then due date.
    Priority,
    /// Newest first.
    Newest,
    /// A to Z.
    Title,
}

impl Sort {
    pub const ALL: [Sort; 4] = [Sort::Due, Sort::Priority, Sort::Newest, Sort::Title];

    pub fn as_str(self) -> &'static str {
        match self {
            Sort::Due => "due",
            Sort::Priority => "priority",
            Sort::Newest => "newest",
            Sort::Title => "title",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Sort::Due => "Due date",
            Sort::Priority => "Priority",
            Sort::Newest => "Newest",
            Sort::Title => "Title",
        }
    }

    pub fn parse(value: &str) -> Sort {
        Sort::ALL
            .into_iter()
            .find(|s| s.as_str() == value)
            .unwrap_or_default()
    }
}

/// The address of the task list: the filter's path, then `q` (percent-encoded; left out when empty) and `sort`
/// (left out when it is the default, due date).
pub fn href(filter: Filter, q: &str, sort: Sort) -> String {
    let mut params = Vec::new();
    if !q.is_empty() {
        params.push(format!("q={}", encode(q)));
    }
    if sort != Sort::Due {
        params.push(format!("sort={}", sort.as_str()));
    }
    if params.is_empty() {
        filter.path().to_owned()
    } else {
        format!("{}?{}", filter.path(), params.join("&"))
    }
}

/// Percent-encodes a query value (everything but unreserved characters).
fn encode(value: &str) -> String {
    let mut out = String::new();
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(byte))
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// The title a new-task input produces: trimmed; `None` when nothing is left (TodoMVC rejects it).
pub fn new_title(input: &str) -> Option<String> {
    let title = input.trim();
    (!title.is_empty()).then(|| title.to_owned())
}

/// What finishing an edit does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditOutcome {
    /// Nothing changed: no request.
    Unchanged,
    Rename(String),
    /// An emptied title deletes the task (TodoMVC).
    Delete,
}

pub fn finish_edit(original: &str, input: &str) -> EditOutcome {
    match new_title(input) {
        None => EditOutcome::Delete,
        Some(title) if title == original => EditOutcome::Unchanged,
        Some(title) => EditOutcome::Rename(title),
    }
}

/// The tasks to show, in order.
pub fn visible(tasks: &[Task], filter: Filter, query: &str, sort: Sort) -> Vec<Task> {
    let needle = lower(query.trim());
    let mut shown: Vec<Task> = tasks
        .iter()
        .filter(|t| filter.keeps(t))
        .filter(|t| {
            needle.is_empty()
                || lower(&t.title).contains(&needle)
                || lower(&t.notes).contains(&needle)
        })
        .cloned()
        .collect();
    let by_due = |a: &Task, b: &Task| match (a.due_on, b.due_on) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    };
    // One stable sort with the order chosen inside: each `sort_by` call site is its own 3.5 kB of wasm.
    shown.sort_by(|a, b| match sort {
        Sort::Due => by_due(a, b).then(a.created_at.cmp(&b.created_at)),
        Sort::Priority => b.priority.cmp(&a.priority).then(by_due(a, b)),
        Sort::Newest => b.created_at.cmp(&a.created_at),
        Sort::Title => lower(&a.title).cmp(&lower(&b.title)),
    });
    shown
}

/// `3 items left`.
pub fn items_left(tasks: &[Task]) -> String {
    let active = tasks.iter().filter(|t| !t.is_completed()).count();
    format!("{} left", crate::format::plural(active, "item"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Duration, NaiveDate, Utc};
    use shared::tasks::Priority;
    use uuid::Uuid;

    fn task(n: u128, title: &str) -> Task {
        let at = DateTime::<Utc>::default() + Duration::minutes(n as i64);
        Task {
            id: Uuid::from_u128(n),
            title: title.into(),
            notes: String::new(),
            due_on: None,
            priority: Priority::None,
            completed_at: None,
            created_at: at,
            updated_at: at,
            version: 1,
        }
    }

    fn titles(tasks: &[Task]) -> Vec<&str> {
        tasks.iter().map(|t| t.title.as_str()).collect()
    }

    #[test]
    fn new_titles_are_trimmed_and_blank_ones_rejected() {
        assert_eq!(new_title("  Pay rent  "), Some("Pay rent".into()));
        assert_eq!(new_title("   "), None);
        assert_eq!(new_title(""), None);
    }

    #[test]
    fn an_emptied_edit_deletes_and_an_untouched_one_sends_nothing() {
        assert_eq!(finish_edit("a", "  "), EditOutcome::Delete);
        assert_eq!(finish_edit("a", " a "), EditOutcome::Unchanged);
        assert_eq!(finish_edit("a", " b "), EditOutcome::Rename("b".into()));
    }

    #[test]
    fn filters_search_and_sorts_combine() {
        let mut done = task(1, "Call bank");
        done.completed_at = Some(DateTime::<Utc>::default());
        let mut rent = task(2, "Pay rent");
        rent.due_on = NaiveDate::from_ymd_opt(2025, 12, 1);
        rent.priority = Priority::High;
        let mut water = task(3, "water plants");
        water.notes = "the BANK of the river".into();
        let tasks = vec![done, rent, water];
        assert_eq!(
            titles(&visible(&tasks, Filter::Active, "", Sort::Due)),
            ["Pay rent", "water plants"]
        );
        assert_eq!(
            titles(&visible(&tasks, Filter::Completed, "", Sort::Due)),
            ["Call bank"]
        );
        assert_eq!(
            titles(&visible(&tasks, Filter::All, "bank", Sort::Title)),
            ["Call bank", "water plants"]
        );
        assert_eq!(
            titles(&visible(&tasks, Filter::All, "", Sort::Newest)),
            ["water plants", "Pay rent", "Call bank"]
        );
        assert_eq!(
            titles(&visible(&tasks, Filter::All, "", Sort::Priority))[0],
            "Pay rent"
        );
    }

    #[test]
    fn filters_and_sorts_map_to_addresses_and_back() {
        assert_eq!(href(Filter::All, "", Sort::Due), "/tasks");
        assert_eq!(href(Filter::Active, "", Sort::Due), "/tasks/active");
        assert_eq!(
            href(Filter::Completed, "", Sort::Priority),
            "/tasks/completed?sort=priority"
        );
        assert_eq!(
            href(Filter::All, "rent & café 100%", Sort::Title),
            "/tasks?q=rent%20%26%20caf%C3%A9%20100%25&sort=title"
        );
        for f in Filter::ALL {
            let segment = f.path().strip_prefix("/tasks").unwrap_or_default();
            assert_eq!(Filter::from_param(segment.strip_prefix('/')), Some(f));
        }
        assert_eq!(Filter::from_param(Some("")), Some(Filter::All));
        assert_eq!(Filter::from_param(Some("nope")), None);
        assert_eq!(Sort::parse("title"), Sort::Title);
        assert_eq!(Sort::parse(""), Sort::Due);
    }

    #[test]
    fn the_footer_counts_active_items_with_the_right_plural() {
        let mut a = task(1, "a");
        assert_eq!(items_left(std::slice::from_ref(&a)), "1 item left");
        a.completed_at = Some(DateTime::<Utc>::default());
        assert_eq!(items_left(&[a, task(2, "b"), task(3, "c")]), "2 items left");
        assert_eq!(items_left(&[]), "0 items left");
    }
}
