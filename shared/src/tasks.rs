//! Tasks: the to-do half of Payday. Wire types plus the rules that turn a request into a valid change.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{FieldErrors, validate};

pub const TITLE_MAX: usize = 200;
pub const NOTES_MAX: usize = 4000;

/// How urgent a task is. Ordered from `none` to `urgent`.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    #[default]
    None,
    Low,
    Medium,
    High,
    Urgent,
}

impl Priority {
    pub const ALL: [Priority; 5] = [
        Priority::None,
        Priority::Low,
        Priority::Medium,
        Priority::High,
        Priority::Urgent,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Priority::None => "none",
            Priority::Low => "low",
            Priority::Medium => "medium",
            Priority::High => "high",
            Priority::Urgent => "urgent",
        }
    }

    pub fn parse(value: &str) -> Option<Priority> {
        Priority::ALL.into_iter().find(|p| p.as_str() == value)
    }
}

/// A task as the API returns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Task {
    pub id: Uuid,
    pub title: String,
    pub notes: String,
    pub due_on: Option<NaiveDate>,
    pub priority: Priority,
    pub completed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Optimistic-concurrency version; send it back (or as `If-Match`) when updating.
    pub version: u64,
}

impl Task {
    pub fn is_completed(&self) -> bool {
        self.completed_at.is_some()
    }
}

/// `POST /api/v1/tasks` body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateTask {
    pub title: String,
    #[serde(default)]
    pub notes: Option<String>,
    #[serde(default, deserialize_with = "validate::optional_date")]
    pub due_on: Option<NaiveDate>,
    #[serde(default)]
    pub priority: Option<Priority>,
}

/// A create request that passed validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTask {
    pub title: String,
    pub notes: String,
    pub due_on: Option<NaiveDate>,
    pub priority: Priority,
}

impl TryFrom<CreateTask> for NewTask {
    type Error = FieldErrors;

    fn try_from(input: CreateTask) -> Result<Self, Self::Error> {
        let mut errors = FieldErrors::new();
        let title = validate::text(&mut errors, "title", &input.title, 1, TITLE_MAX);
        let notes = validate::text(
            &mut errors,
            "notes",
            input.notes.as_deref().unwrap_or(""),
            0,
            NOTES_MAX,
        );
        match (title, notes) {
            (Some(title), Some(notes)) if errors.is_empty() => Ok(NewTask {
                title,
                notes,
                due_on: input.due_on,
                priority: input.priority.unwrap_or_default(),
            }),
            _ => Err(errors),
        }
    }
}

/// `PATCH /api/v1/tasks/{id}` body: every field optional; `due_on: null` clears the date.
/// The current `version` is required here or in an `If-Match` header.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateTask {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    #[serde(
        default,
        deserialize_with = "validate::nullable_date",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<NaiveDate>))]
    pub due_on: Option<Option<NaiveDate>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<Priority>,
    /// `true` marks the task done (now), `false` re-opens it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<u64>,
}

impl UpdateTask {
    /// Applies the change to `task` as of `now`, validating every field it touches.
    pub fn apply(&self, task: &Task, now: DateTime<Utc>) -> Result<Task, FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut next = task.clone();
        if let Some(title) = &self.title
            && let Some(title) = validate::text(&mut errors, "title", title, 1, TITLE_MAX)
        {
            next.title = title;
        }
        if let Some(notes) = &self.notes
            && let Some(notes) = validate::text(&mut errors, "notes", notes, 0, NOTES_MAX)
        {
            next.notes = notes;
        }
        if let Some(due_on) = self.due_on {
            next.due_on = due_on;
        }
        if let Some(priority) = self.priority {
            next.priority = priority;
        }
        match self.completed {
            Some(true) if task.completed_at.is_none() => next.completed_at = Some(now),
            Some(false) => next.completed_at = None,
            _ => {}
        }
        next.updated_at = now;
        errors.into_result(next)
    }
}

/// Which tasks a list returns.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum StatusFilter {
    #[default]
    All,
    Active,
    Completed,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn task() -> Task {
        let at = DateTime::parse_from_rfc3339("2026-11-21T10:00:00Z")
            .unwrap()
            .to_utc();
        Task {
            id: Uuid::nil(),
            title: "Pay rent".into(),
            notes: String::new(),
            due_on: None,
            priority: Priority::None,
            completed_at: None,
            created_at: at,
            updated_at: at,
            version: 1,
        }
    }

    #[test]
    fn create_trims_title_and_defaults_priority() {
        let new = NewTask::try_from(CreateTask {
            title: "  Call bank ".into(),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(new.title, "Call bank");
        assert_eq!(new.priority, Priority::None);
    }

    #[test]
    fn create_reports_every_bad_field() {
        let errors = NewTask::try_from(CreateTask {
            title: " ".into(),
            notes: Some("x".repeat(NOTES_MAX + 1)),
            ..Default::default()
        })
        .unwrap_err();
        assert_eq!(errors.get("title"), Some("must not be empty"));
        assert!(errors.get("notes").is_some());
    }

    #[test]
    fn create_rejects_unknown_fields() {
        let result: Result<CreateTask, _> = serde_json::from_str(r#"{"title":"a","colour":"red"}"#);
        assert!(result.is_err());
    }

    #[test]
    fn patch_distinguishes_null_from_absent_due_date() {
        let absent: UpdateTask = serde_json::from_str(r#"{}"#).unwrap();
        let null: UpdateTask = serde_json::from_str(r#"{"due_on":null}"#).unwrap();
        assert_eq!(absent.due_on, None);
        assert_eq!(null.due_on, Some(None));
    }

    #[test]
    fn patch_completing_keeps_first_completion_time() {
        let now = task().created_at + chrono::Duration::hours(1);
        let done = UpdateTask {
            completed: Some(true),
            ..Default::default()
        }
        .apply(&task(), now)
        .unwrap();
        assert_eq!(done.completed_at, Some(now));
        let later = now + chrono::Duration::hours(1);
        let again = UpdateTask {
            completed: Some(true),
            ..Default::default()
        }
        .apply(&done, later)
        .unwrap();
        assert_eq!(again.completed_at, Some(now));
        let reopened = UpdateTask {
            completed: Some(false),
            ..Default::default()
        }
        .apply(&again, later)
        .unwrap();
        assert_eq!(reopened.completed_at, None);
    }
}
