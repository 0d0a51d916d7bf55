//! Small validation helpers shared by every input type, so the browser and the server agree on the rules.

use crate::FieldErrors;

/// Trims `value` and checks its length in characters is within `min..=max`.
/// Returns the trimmed text, or records a message for `field`.
pub fn text(
    errors: &mut FieldErrors,
    field: &str,
    value: &str,
    min: usize,
    max: usize,
) -> Option<String> {
    let trimmed = value.trim();
    let len = trimmed.chars().count();
    if len < min {
        if min == 1 {
            errors.add(field, "must not be empty");
        } else {
            errors.add(field, format!("must be at least {min} characters"));
        }
        None
    } else if len > max {
        errors.add(field, format!("must be at most {max} characters"));
        None
    } else {
        Some(trimmed.to_owned())
    }
}

/// Deserializes a field that distinguishes "absent" (`None`) from "null" (`Some(None)`), for PATCH bodies.
/// Use with `#[serde(default, deserialize_with = "crate::validate::nullable")]`.
pub fn nullable<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    serde::Deserialize::deserialize(deserializer).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_trims_and_counts_characters_not_bytes() {
        let mut errors = FieldErrors::new();
        assert_eq!(
            text(&mut errors, "t", "  héllo ", 1, 5).as_deref(),
            Some("héllo")
        );
        assert!(errors.is_empty());
    }

    #[test]
    fn text_rejects_blank_and_too_long() {
        let mut errors = FieldErrors::new();
        assert!(text(&mut errors, "a", "   ", 1, 5).is_none());
        assert!(text(&mut errors, "b", "abcdef", 1, 5).is_none());
        assert_eq!(errors.get("a"), Some("must not be empty"));
        assert_eq!(errors.get("b"), Some("must be at most 5 characters"));
    }
}
