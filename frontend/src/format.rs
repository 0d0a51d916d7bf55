//! Pure formatting and parsing of money, dates and counts. No browser calls, so every rule here is tested on the
//! host with `cargo test -p frontend`; the browser layer ([`crate::intl`]) adds locale-aware money on top.

use chrono::{Datelike, NaiveDate, Weekday};
use shared::Money;

const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
pub const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// `amount` minor units as a plain decimal string with `decimals` places: `-123456, 2` → `"-1234.56"`.
pub fn decimal(amount: Money, decimals: u8) -> String {
    let sign = if amount < 0 { "-" } else { "" };
    let abs = amount.unsigned_abs();
    if decimals == 0 {
        return format!("{sign}{abs}");
    }
    let scale = 10u64.pow(u32::from(decimals));
    format!(
        "{sign}{}.{:0width$}",
        abs / scale,
        abs % scale,
        width = usize::from(decimals)
    )
}

/// A readable amount without the browser's help: `"$1,234.56"` for USD, `"1,234 JPY"` style otherwise.
pub fn money_plain(amount: Money, currency: &str, decimals: u8) -> String {
    let text = decimal(amount.abs(), decimals);
    let (whole, frac) = text
        .split_once('.')
        .map_or((text.as_str(), None), |(w, f)| (w, Some(f)));
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    if let Some(frac) = frac {
        grouped.push('.');
        grouped.push_str(frac);
    }
    let sign = if amount < 0 { "−" } else { "" };
    match currency {
        "USD" => format!("{sign}${grouped}"),
        "EUR" => format!("{sign}€{grouped}"),
        "GBP" => format!("{sign}£{grouped}"),
        _ => format!("{sign}{grouped} {currency}"),
    }
}

/// How the user's locale writes numbers: the mark before the decimals and the one between groups of thousands
/// (read from the browser by `ui::number_style`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NumberStyle {
    pub decimal: char,
    pub group: char,
}

/// `1,234.50` (en-US, the default where the browser cannot say).
pub const POINT: NumberStyle = NumberStyle {
    decimal: '.',
    group: ',',
};

/// `1.234,50` (de-DE); the browser's own style comes from `ui::number_style`.
#[cfg(test)]
pub const COMMA: NumberStyle = NumberStyle {
    decimal: ',',
    group: '.',
};

/// `amount` minor units as the user writes it: [`decimal`] with the locale's decimal mark (`1234,56` in de-DE),
/// without grouping, so an amount put back into a field reads back the same.
pub fn decimal_in(amount: Money, decimals: u8, style: NumberStyle) -> String {
    decimal(amount, decimals).replace('.', &style.decimal.to_string())
}

/// Digits as the locale writes them: `whole` grouped in threes, then `frac` after the decimal mark.
fn written(whole: &str, frac: &str, style: NumberStyle) -> String {
    let whole = whole.trim_start_matches('0');
    let whole = if whole.is_empty() { "0" } else { whole };
    let mut out = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push(style.group);
        }
        out.push(c);
    }
    if !frac.is_empty() {
        out.push(style.decimal);
        out.push_str(frac);
    }
    out
}

/// Why `digits` (with `.` or `,` marks the locale does not read that way) is refused, with how to write what was
/// probably meant: the last mark as the decimal one, and the whole number.
fn unclear(digits: &str, decimals: u8, style: NumberStyle) -> String {
    let all: String = digits.chars().filter(char::is_ascii_digit).collect();
    let whole_number = written(&all, "", style);
    let last = digits.rfind(['.', ',']).map(|i| &digits[i + 1..]);
    match last {
        Some(frac) if decimals > 0 && (1..=usize::from(decimals)).contains(&frac.len()) => {
            let whole: String = all[..all.len() - frac.len()].to_owned();
            format!(
                "unclear: write {}, or {whole_number} for the whole number",
                written(&whole, frac, style)
            )
        }
        _ => format!("unclear: write {whole_number}"),
    }
}

/// Splits a number without its sign into the whole part's digits and the decimals, by `style`: at most one decimal
/// mark; grouping marks only before it and only in threes (`1,234` in en-US, `1.234` in de-DE). Anything else
/// (`12,34` in en-US, `1.234,50` there, `1.5` in de-DE) is unclear and refused with how to write it.
fn split_number(
    digits: &str,
    decimals: u8,
    style: NumberStyle,
) -> Result<(String, String), String> {
    let refuse = || unclear(digits, decimals, style);
    let group = matches!(style.group, '.' | ',').then_some(style.group);
    let (whole, frac) = digits.split_once(style.decimal).unwrap_or((digits, ""));
    if frac.contains(['.', ','])
        || whole
            .chars()
            .any(|c| matches!(c, '.' | ',') && Some(c) != group)
    {
        return Err(refuse());
    }
    if let Some(g) = group
        && whole.contains(g)
    {
        let mut parts = whole.split(g);
        let first = parts.next().unwrap_or_default();
        if first.is_empty() || first.len() > 3 || parts.any(|p| p.len() != 3) {
            return Err(refuse());
        }
    }
    Ok((
        whole.chars().filter(|c| *c != style.group).collect(),
        frac.to_owned(),
    ))
}

/// Parses what a person types as an amount into minor units, reading `.` and `,` as the user's locale does
/// (`style`): `"1,234.5"` → 123450 with 2 decimals in en-US, `"1.234,5"` in de-DE. Currency symbols and spaces are
/// ignored; more decimals than the currency has is an error, not a rounding; a mark the locale would not put there
/// (`"12,34"` in en-US: a comma there groups thousands, in threes) is refused with how to write it, never read as
/// 1,234.00.
pub fn parse_amount(
    input: &str,
    decimals: u8,
    allow_negative: bool,
    style: NumberStyle,
) -> Result<Money, String> {
    // Spaces (the grouping of fr-FR and others), a grouping mark that is neither a point nor a comma (de-CH's
    // apostrophe) and currency symbols are decoration; any other letter is a mistake.
    let cleaned: String = input
        .chars()
        .filter(|c| {
            !c.is_whitespace()
                && !matches!(c, '_' | '$' | '€' | '£' | '¥')
                && (*c != style.group || matches!(c, '.' | ','))
        })
        .collect();
    let example = || {
        let frac: String = "3456".chars().take(usize::from(decimals)).collect();
        format!("must be a number like {}", written("12", &frac, style))
    };
    if cleaned.is_empty() {
        return Err("enter an amount".into());
    }
    if !cleaned
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | '-' | '−'))
    {
        return Err(example());
    }
    let (negative, digits) = match cleaned.strip_prefix(['-', '−']) {
        Some(rest) => (true, rest),
        None => (false, cleaned.as_str()),
    };
    if negative && !allow_negative {
        return Err("must not be negative".into());
    }
    let (whole, frac) = split_number(digits, decimals, style)?;
    if whole.is_empty() && frac.is_empty()
        || !whole.chars().all(|c| c.is_ascii_digit())
        || !frac.chars().all(|c| c.is_ascii_digit())
    {
        return Err(example());
    }
    if frac.len() > usize::from(decimals) {
        return Err(match decimals {
            0 => "this currency has no decimals".into(),
            d if frac.len() == 3 && matches!(style.group, '.' | ',') => format!(
                "at most {d} decimal places (a thousand or more is written like {})",
                written(&format!("{whole}{frac}"), "", style)
            ),
            d => format!("at most {d} decimal places"),
        });
    }
    let scale = 10i64.pow(u32::from(decimals));
    // The limit as the user writes numbers ("10,000,000,000.00", "10.000.000.000,00"), not as JSON does.
    let too_large = || {
        let limit = decimal(shared::budget::MAX_AMOUNT, decimals);
        let (whole, frac) = limit.split_once('.').unwrap_or((&limit, ""));
        format!("must be at most {}", written(whole, frac, style))
    };
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| too_large())?
    };
    let frac_value: i64 = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<width$}", width = usize::from(decimals))
            .parse()
            .map_err(|_| example())?
    };
    let value = whole
        .checked_mul(scale)
        .and_then(|w| w.checked_add(frac_value))
        .filter(|v| *v <= shared::budget::MAX_AMOUNT)
        .ok_or_else(too_large)?;
    Ok(if negative { -value } else { value })
}

/// `Fri 28 Nov`.
pub fn short_date(date: NaiveDate) -> String {
    format!(
        "{} {} {}",
        WEEKDAYS[date.weekday().num_days_from_monday() as usize],
        date.day(),
        MONTHS[date.month0() as usize]
    )
}

/// `28 Nov` — for chart axes and compact lists.
pub fn day_month(date: NaiveDate) -> String {
    format!("{} {}", date.day(), MONTHS[date.month0() as usize])
}

/// `Fri 28 Nov`, with the year added when it differs from `today`'s.
pub fn date_near(date: NaiveDate, today: NaiveDate) -> String {
    if date.year() == today.year() {
        short_date(date)
    } else {
        format!("{} {}", short_date(date), date.year())
    }
}

/// How a due date reads next to a list item, relative to today.
pub fn relative_day(date: NaiveDate, today: NaiveDate) -> String {
    match (date - today).num_days() {
        d if d < 0 => format!("Overdue · {}", date_near(date, today)),
        0 => "Today".into(),
        1 => "Tomorrow".into(),
        2..=6 => {
            WEEKDAYS[date.weekday().num_days_from_monday() as usize].to_string()
                + &format!(" {}", date.day())
        }
        _ => date_near(date, today),
    }
}

/// `text` in lower case, by Unicode's default case mapping, as Rust's `to_lowercase` does. In the browser this is
/// JavaScript's `toLowerCase`: the browser's case tables instead of Rust's, which are 6 kB of the compressed wasm.
/// Host builds (the unit tests) use Rust's.
pub fn lower(text: &str) -> String {
    #[cfg(target_arch = "wasm32")]
    return js_sys::JsString::from(text).to_lower_case().into();
    #[cfg(not(target_arch = "wasm32"))]
    return text.to_lowercase();
}

/// An e-mail address as the server normalises it ([`shared::auth::normalize_email`]: trimmed, lower case).
pub fn normalize_email(email: &str) -> String {
    lower(email.trim())
}

/// A date field's value (`2025-11-28`), read like the API's dates ([`shared::validate::read_date`]).
pub fn parse_date(input: &str) -> Option<NaiveDate> {
    shared::validate::read_date(input)
}

/// `v` rounded to one decimal (`12.5`, `-3`), for SVG coordinates. Integer formatting only: Rust's float
/// formatting is 11 kB of wasm that nothing else needs.
pub fn coord(v: f64) -> String {
    let tenths = (v * 10.0).round() as i64;
    let sign = if tenths < 0 { "-" } else { "" };
    let (whole, frac) = (tenths.unsigned_abs() / 10, tenths.unsigned_abs() % 10);
    if frac == 0 {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{frac}")
    }
}

/// `1 item`, `2 items`.
pub fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

/// `1st`, `2nd`, `23rd`, `11th`.
pub fn ordinal(day: u8) -> String {
    let suffix = match (day % 10, day % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{day}{suffix}")
}

pub fn weekday_name(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "Monday",
        Weekday::Tue => "Tuesday",
        Weekday::Wed => "Wednesday",
        Weekday::Thu => "Thursday",
        Weekday::Fri => "Friday",
        Weekday::Sat => "Saturday",
        Weekday::Sun => "Sunday",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coordinates_are_rounded_to_one_decimal() {
        assert_eq!(coord(12.0), "12");
        assert_eq!(coord(12.34), "12.3");
        assert_eq!(coord(12.35 + 1e-9), "12.4");
        assert_eq!(coord(-0.04), "0");
        assert_eq!(coord(-3.25), "-3.3");
        assert_eq!(coord(-0.5), "-0.5");
    }

    #[test]
    fn date_fields_parse_iso_dates_only() {
        assert_eq!(
            parse_date("2025-11-28"),
            NaiveDate::from_ymd_opt(2025, 11, 28)
        );
        assert_eq!(parse_date(""), None);
        assert_eq!(parse_date("28/11/2025"), None);
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn decimal_places_follow_the_currency() {
        assert_eq!(decimal(123_456, 2), "1234.56");
        assert_eq!(decimal(-5, 2), "-0.05");
        assert_eq!(decimal(1234, 0), "1234");
        assert_eq!(decimal(1, 3), "0.001");
    }

    #[test]
    fn plain_money_groups_thousands_and_signs_negatives() {
        assert_eq!(money_plain(123_456_789, "USD", 2), "$1,234,567.89");
        assert_eq!(money_plain(-10_000, "USD", 2), "−$100.00");
        assert_eq!(money_plain(1500, "JPY", 0), "1,500 JPY");
    }

    #[test]
    fn amounts_parse_to_exact_minor_units() {
        assert_eq!(parse_amount("1,234.5", 2, false, POINT), Ok(123_450));
        assert_eq!(parse_amount("$ 12", 2, false, POINT), Ok(1200));
        assert_eq!(parse_amount(".99", 2, false, POINT), Ok(99));
        assert_eq!(parse_amount("-20", 2, true, POINT), Ok(-2000));
        assert_eq!(parse_amount("1500", 0, false, POINT), Ok(1500));
    }

    #[test]
    fn amounts_reject_what_would_need_rounding_or_is_not_a_number() {
        assert!(parse_amount("1.234", 2, false, POINT).is_err());
        assert!(parse_amount("1.5", 0, false, POINT).is_err());
        assert!(parse_amount("", 2, false, POINT).is_err());
        assert!(parse_amount("abc", 2, false, POINT).is_err());
        assert!(parse_amount(".", 2, false, POINT).is_err());
        assert!(parse_amount("-1", 2, false, POINT).is_err());
        assert!(parse_amount("1.2.3", 2, false, POINT).is_err());
        assert!(parse_amount("99999999999999999999", 2, false, POINT).is_err());
        // Too large says the limit, in the currency's own decimals and the locale's marks.
        let limit = decimal(shared::budget::MAX_AMOUNT, 2);
        assert_eq!(
            parse_amount("99999999999999999999", 2, false, POINT),
            Err("must be at most 10,000,000,000.00".to_owned())
        );
        assert_eq!(
            parse_amount(&format!("{limit}1"), 3, false, POINT),
            Err("must be at most 1,000,000,000.000".to_owned())
        );
        assert_eq!(
            parse_amount("99999999999999999999", 2, false, COMMA),
            Err("must be at most 10.000.000.000,00".to_owned())
        );
    }

    #[test]
    fn amounts_read_marks_as_the_locale_does() {
        // en-US: a point before the decimals, commas between thousands.
        assert_eq!(parse_amount("1,234.50", 2, false, POINT), Ok(123_450));
        assert_eq!(parse_amount("1,234,567", 2, false, POINT), Ok(123_456_700));
        assert_eq!(parse_amount("12.34", 2, false, POINT), Ok(1234));
        assert_eq!(parse_amount("€ 12.34", 2, false, POINT), Ok(1234));
        // de-DE: a comma before the decimals, points between thousands.
        assert_eq!(parse_amount("12,34", 2, false, COMMA), Ok(1234));
        assert_eq!(parse_amount("1.234,50", 2, false, COMMA), Ok(123_450));
        assert_eq!(parse_amount("1.234", 2, false, COMMA), Ok(123_400));
        assert_eq!(parse_amount("12,34 €", 2, false, COMMA), Ok(1234));
        assert_eq!(parse_amount("-0,5", 2, true, COMMA), Ok(-50));
        // A space or a narrow no-break space groups in many locales; a de-CH apostrophe where it is the group.
        assert_eq!(parse_amount("1 234,50", 2, false, COMMA), Ok(123_450));
        assert_eq!(
            parse_amount("1\u{202f}234,50", 2, false, COMMA),
            Ok(123_450)
        );
        let swiss = NumberStyle {
            decimal: '.',
            group: '’',
        };
        assert_eq!(parse_amount("1’234.50", 2, false, swiss), Ok(123_450));
    }

    #[test]
    fn an_amount_the_locale_would_not_write_is_refused_with_how_to_write_it() {
        // The case: "12,34" in en-US is never 1,234.00 — not with EUR's two decimals, not with USD's.
        assert_eq!(
            parse_amount("12,34", 2, false, POINT),
            Err("unclear: write 12.34, or 1,234 for the whole number".into())
        );
        // German marks in an en-US browser, and the other way round.
        assert_eq!(
            parse_amount("1.234,50", 2, false, POINT),
            Err("unclear: write 1,234.50, or 123,450 for the whole number".into())
        );
        assert_eq!(
            parse_amount("1,234.50", 2, false, COMMA),
            Err("unclear: write 1.234,50, or 123.450 for the whole number".into())
        );
        assert_eq!(
            parse_amount("12.34", 2, false, COMMA),
            Err("unclear: write 12,34, or 1.234 for the whole number".into())
        );
        // Grouping only in threes, and only before the decimals.
        assert!(parse_amount("1,2345", 2, false, POINT).is_err());
        assert!(parse_amount(",123", 2, false, POINT).is_err());
        assert!(parse_amount("1234,567", 2, false, POINT).is_err());
        assert!(parse_amount("1.5", 2, false, COMMA).is_err());
        assert!(parse_amount("1,2,3", 2, false, COMMA).is_err());
        // Three decimals in a two-decimal currency may be a thousand in the other notation: say how to write that.
        assert_eq!(
            parse_amount("1.234", 2, false, POINT),
            Err("at most 2 decimal places (a thousand or more is written like 1,234)".into())
        );
        // No decimals at all (yen): "12,34" has no decimal reading to offer.
        assert_eq!(
            parse_amount("12,34", 0, false, POINT),
            Err("unclear: write 1,234".into())
        );
        assert_eq!(parse_amount("12,345", 0, false, POINT), Ok(12_345));
    }

    #[test]
    fn amounts_are_put_back_in_the_locale_s_own_marks() {
        assert_eq!(decimal_in(123_456, 2, COMMA), "1234,56");
        assert_eq!(decimal_in(123_456, 2, POINT), "1234.56");
        for style in [POINT, COMMA] {
            for amount in [0, 5, 123_456, 99_999_999] {
                assert_eq!(
                    parse_amount(&decimal_in(amount, 2, style), 2, false, style),
                    Ok(amount)
                );
            }
        }
    }

    #[test]
    fn dates_read_like_the_spec() {
        assert_eq!(short_date(date(2025, 11, 28)), "Fri 28 Nov");
        assert_eq!(
            date_near(date(2026, 1, 2), date(2025, 11, 28)),
            "Fri 2 Jan 2026"
        );
        assert_eq!(
            relative_day(date(2025, 11, 28), date(2025, 11, 28)),
            "Today"
        );
        assert_eq!(
            relative_day(date(2025, 11, 29), date(2025, 11, 28)),
            "Tomorrow"
        );
        assert!(relative_day(date(2025, 11, 27), date(2025, 11, 28)).starts_with("Overdue"));
    }

    #[test]
    fn counts_are_pluralised() {
        assert_eq!(plural(0, "item"), "0 items");
        assert_eq!(plural(1, "item"), "1 item");
        assert_eq!(plural(2, "item"), "2 items");
    }

    #[test]
    fn ordinals_handle_the_teens() {
        let got: Vec<String> = [1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 31].map(ordinal).into();
        assert_eq!(
            got,
            [
                "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "23rd", "31st"
            ]
        );
    }
}

/// [`lower`] in the browser, against Rust's `to_lowercase` (run by scripts/test-e2e.sh in headless Chromium).
#[cfg(all(test, target_arch = "wasm32"))]
mod browser_tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::{lower, normalize_email};

    #[wasm_bindgen_test]
    fn the_browser_lower_cases_like_rust() {
        for text in [
            "Pay RENT",
            "ÉCOLE Straße",
            "ΟΔΟΣ Σ",
            "İstanbul",
            "ǅemal",
            "ＦＵＬＬ width",
            "Ω K Å",
            "emoji 🎉 and 日本語",
        ] {
            assert_eq!(lower(text), text.to_lowercase(), "{text}");
        }
        assert_eq!(normalize_email("  Ana@Example.COM "), "ana@example.com");
    }
}
