//! Geometry of the dashboard chart: income vs. committed bars per pay period on a time axis, the projected balance
//! as a step line with its lowest point, money gridlines on the left and dates below the plot. Pure numbers in, SVG
//! coordinates and label boxes out ([`layout`]), and the SVG's content as markup ([`markup`]) — the component only
//! puts it in the page. Markup rather than a `view!` per element: the chart is redrawn whole when the screen's
//! width changes, and Leptos' view code for it was 6 kB of the compressed wasm; this is a few hundred bytes.
//!
//! Readable on a phone: the chart's width in SVG units follows the screen ([`width_for`]), so the SVG is drawn at
//! about one unit per CSS pixel and the labels' [`FONT`] is their size on screen, instead of a 640-unit chart
//! squeezed onto a 390 px phone (labels at 6 px). Every label has a box estimated from its length; the layout keeps
//! the boxes apart from each other and from the bars: date labels without room are left out, and the lowest point's
//! label goes above the plot (with a line down to its dot) when it has no room beside it.

use chrono::NaiveDate;
use shared::Money;
use shared::budget::BudgetSummary;

use crate::format::coord;

/// The widest the chart gets, in SVG units (the desktop card is wider still, so it only scales up there).
pub const WIDTH: f64 = 640.0;
pub const HEIGHT: f64 = 240.0;
/// Label size in SVG units — on screen in px at most screen widths (see [`width_for`]), 11 px or more at 390 px.
pub const FONT: f64 = 12.0;
/// A conservative glyph width for the estimated label boxes (system sans digits are about 0.55 em, bold 0.6).
const CHAR_W: f64 = 0.62 * FONT;
/// Above the plot: a free band for the lowest point's label when it has no room beside its dot.
const TOP: f64 = FONT + 2.0 * PAD;
/// Below the plot: the date labels' band.
const BOTTOM: f64 = 26.0;
const SIDE: f64 = 8.0;
/// Space kept between two labels, and between a label and what it names.
const PAD: f64 = 4.0;

/// The chart's width in SVG units for a screen `screen` CSS px wide: the card's inner width on a phone (its margins
/// and paddings are 56 px together in style.css under 560 px), else [`WIDTH`].
pub fn width_for(screen: f64) -> f64 {
    if screen > 0.0 && screen <= 560.0 {
        (screen - 56.0).clamp(260.0, WIDTH)
    } else {
        WIDTH
    }
}

/// An axis-aligned box in SVG units (`y` down).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    /// True when the two boxes share some area (touching edges do not count).
    pub fn overlaps(&self, other: &Rect) -> bool {
        self.x < other.x + other.w
            && other.x < self.x + self.w
            && self.y < other.y + other.h
            && other.y < self.y + self.h
    }

    fn inside(&self, outer: &Rect) -> bool {
        self.x >= outer.x
            && self.y >= outer.y
            && self.x + self.w <= outer.x + outer.w
            && self.y + self.h <= outer.y + outer.h
    }
}

/// A text label: drawn at (`x`, `y` baseline), starting at `x` or (`end`) ending there.
#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    pub x: f64,
    pub y: f64,
    pub end: bool,
    pub text: String,
}

impl Label {
    /// The box the text is estimated to fill: as high as the browser's own text box (ascent and descent, about
    /// 1.2 em), so the browser test's boxes agree with these.
    pub fn rect(&self) -> Rect {
        let w = self.text.chars().count() as f64 * CHAR_W;
        Rect {
            x: if self.end { self.x - w } else { self.x },
            y: self.y - 0.95 * FONT,
            w,
            h: 1.2 * FONT,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    pub income: bool,
    pub amount: Money,
}

impl Bar {
    pub fn rect(&self) -> Rect {
        Rect {
            x: self.x,
            y: self.y,
            w: self.width,
            h: self.height,
        }
    }
}

/// The lowest projected balance: its dot and its label.
#[derive(Debug, Clone, PartialEq)]
pub struct Lowest {
    pub x: f64,
    pub y: f64,
    pub date: NaiveDate,
    pub balance: Money,
    pub label: Label,
    /// The label is above the plot, not beside the dot: draw a line from it down to the dot.
    pub leader: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    pub width: f64,
    /// The plot area (bars, gridlines, balance line); labels for money sit left of it, dates below it.
    pub plot: Rect,
    pub zero_y: f64,
    /// (y, label) of each money gridline, 0 among them.
    pub grid: Vec<(f64, Label)>,
    pub bars: Vec<Bar>,
    /// Period starts that have room for their date.
    pub dates: Vec<(NaiveDate, Label)>,
    /// SVG `points` of the balance step line; empty without a balance.
    pub balance: String,
    pub lowest: Option<Lowest>,
}

impl Chart {
    /// Every label's box: gridlines', dates', and the lowest point's.
    pub fn label_boxes(&self) -> Vec<Rect> {
        let grid = self.grid.iter().map(|(_, l)| l.rect());
        let dates = self.dates.iter().map(|(_, l)| l.rect());
        let low = self.lowest.iter().map(|l| l.label.rect());
        grid.chain(dates).chain(low).collect()
    }
}

/// A round step for about `count` gridlines over `span` minor units: 1, 2 or 5 times a power of ten, at least
/// `unit` (one whole unit of the currency), so the labels are whole amounts.
fn nice_step(span: Money, count: i64, unit: Money) -> Money {
    let raw = (span + count - 1) / count.max(1);
    let mut magnitude = unit.max(1);
    while magnitude.saturating_mul(10) <= raw {
        magnitude *= 10;
    }
    [1, 2, 5, 10]
        .into_iter()
        .map(|m| magnitude.saturating_mul(m))
        .find(|step| *step >= raw)
        .unwrap_or(magnitude.saturating_mul(10))
}

/// The chart for `width` SVG units (see [`width_for`]); `money` writes a gridline's amount (a whole one, in the
/// currency's minor units `unit` = one whole unit). `None` without periods.
pub fn layout(
    summary: &BudgetSummary,
    width: f64,
    unit: Money,
    money: &dyn Fn(Money) -> String,
) -> Option<Chart> {
    let start = summary.periods.first()?.start;
    let end = summary.periods.last()?.end;

    // The money scale: from the lowest value (0 at most) to the highest, widened to round gridlines.
    let mut high: Money = 1;
    let mut low: Money = 0;
    for p in &summary.periods {
        high = high.max(p.income).max(p.committed);
    }
    for point in &summary.projected_balance {
        high = high.max(point.balance);
        low = low.min(point.balance);
    }
    let plot_h = HEIGHT - TOP - BOTTOM;
    // Gridlines at least two label heights apart.
    let count = ((plot_h / (2.2 * FONT)) as i64).clamp(2, 5);
    let step = nice_step(high - low, count, unit);
    let low = low.div_euclid(step) * step;
    let high = (high + step - 1).div_euclid(step) * step;
    let span = (high - low).max(1) as f64;
    let y_of = |m: Money| TOP + plot_h * ((high - m) as f64 / span);

    let grid_text: Vec<(Money, String)> = (0..)
        .map(|i| low + i * step)
        .take_while(|m| *m <= high)
        .map(|m| (m, money(m)))
        .collect();
    let label_w = grid_text
        .iter()
        .map(|(_, t)| t.chars().count() as f64 * CHAR_W)
        .fold(0.0, f64::max);
    let left = SIDE + label_w + 2.0 * PAD;
    let plot = Rect {
        x: left,
        y: TOP,
        w: width - left - SIDE,
        h: plot_h,
    };
    let grid = grid_text
        .into_iter()
        .map(|(m, text)| {
            let y = y_of(m);
            // Centred on its line: a digit's middle is about 0.35 em above the baseline.
            let label = Label {
                x: left - PAD,
                y: y + 0.35 * FONT,
                end: true,
                text,
            };
            (y, label)
        })
        .collect();

    let days = (end - start).num_days().max(1) as f64;
    let x_of =
        |d: NaiveDate| plot.x + plot.w * ((d - start).num_days() as f64 / days).clamp(0.0, 1.0);
    let zero_y = y_of(0);
    let bars = bars(summary, &x_of, &y_of, zero_y);
    let dates = dates(summary, &x_of, &plot, width);
    let balance = balance_line(summary, &x_of, &y_of, end);
    let mut chart = Chart {
        width,
        plot,
        zero_y,
        grid,
        bars,
        dates,
        balance,
        lowest: None,
    };
    chart.lowest = summary.lowest_balance.map(|p| {
        let (x, y) = (x_of(p.date), y_of(p.balance));
        let text = format!("Lowest {}", money(p.balance));
        let (label, leader) = place_lowest(&chart, x, y, text);
        Lowest {
            x,
            y,
            date: p.date,
            balance: p.balance,
            label,
            leader,
        }
    });
    Some(chart)
}

/// Income and committed bars side by side at each period's start, where its pay lands and the balance line steps
/// up, so the two agree.
fn bars(
    summary: &BudgetSummary,
    x_of: &dyn Fn(NaiveDate) -> f64,
    y_of: &dyn Fn(Money) -> f64,
    zero_y: f64,
) -> Vec<Bar> {
    let mut bars = Vec::new();
    for p in &summary.periods {
        let (x0, x1) = (x_of(p.start), x_of(p.end));
        let slot = (x1 - x0).max(1.0);
        let width = (slot * 0.3).min(36.0);
        let gap = 2.0_f64.min(slot * 0.05);
        for (i, (amount, income)) in [(p.income, true), (p.committed, false)]
            .into_iter()
            .enumerate()
        {
            let top = y_of(amount.max(0));
            bars.push(Bar {
                x: x0 + gap + i as f64 * (width + gap),
                y: top,
                width,
                height: (zero_y - top).max(0.0),
                income,
                amount,
            });
        }
    }
    bars
}

/// A date under each period start that has room: periods a day or two apart would print on top of each other, and
/// the last one is pulled in so it ends inside the chart.
fn dates(
    summary: &BudgetSummary,
    x_of: &dyn Fn(NaiveDate) -> f64,
    plot: &Rect,
    width: f64,
) -> Vec<(NaiveDate, Label)> {
    let mut out: Vec<(NaiveDate, Label)> = Vec::new();
    for p in &summary.periods {
        let mut label = Label {
            x: x_of(p.start),
            y: plot.y + plot.h + PAD + FONT,
            end: false,
            text: crate::format::day_month(p.start),
        };
        label.x = label.x.min(width - SIDE - label.rect().w);
        let room = out.last().is_none_or(|(_, last)| {
            let last = last.rect();
            label.rect().x >= last.x + last.w + 2.0 * PAD
        });
        if room {
            out.push((p.start, label));
        }
    }
    out
}

fn balance_line(
    summary: &BudgetSummary,
    x_of: &dyn Fn(NaiveDate) -> f64,
    y_of: &dyn Fn(Money) -> f64,
    end: NaiveDate,
) -> String {
    let mut line = String::new();
    let points = &summary.projected_balance;
    for (i, point) in points.iter().enumerate() {
        let x = x_of(point.date);
        if i > 0 {
            let before = y_of(points[i - 1].balance);
            line.push_str(&format!("{},{} ", coord(x), coord(before)));
        }
        line.push_str(&format!("{},{} ", coord(x), coord(y_of(point.balance))));
    }
    if let Some(last) = points.last() {
        line.push_str(&format!(
            "{},{}",
            coord(x_of(end)),
            coord(y_of(last.balance))
        ));
    }
    line.trim_end().to_owned()
}

/// Where the lowest point's label goes: beside the dot (right, then left; above, then below) — the first place
/// inside the plot that touches no bar, no other label and not the dot — else in the free band above the plot,
/// over the dot, with a leader line down to it (`Lowest::leader`).
fn place_lowest(chart: &Chart, x: f64, y: f64, text: String) -> (Label, bool) {
    let dot = Rect {
        x: x - 6.0,
        y: y - 6.0,
        w: 12.0,
        h: 12.0,
    };
    let taken: Vec<Rect> = chart
        .bars
        .iter()
        .map(Bar::rect)
        .chain(chart.label_boxes())
        .chain([dot])
        .collect();
    let area = Rect {
        x: chart.plot.x,
        y: 0.0,
        w: chart.width - chart.plot.x,
        h: chart.plot.y + chart.plot.h,
    };
    let beside = [y - 8.0, y + 8.0 + 0.95 * FONT]
        .into_iter()
        .flat_map(|baseline| {
            [(x + 8.0, false), (x - 8.0, true)].map(|(at, end)| Label {
                x: at,
                y: baseline,
                end,
                text: text.clone(),
            })
        })
        .find(|label| {
            let r = label.rect();
            r.inside(&area) && taken.iter().all(|t| !t.overlaps(&r))
        });
    if let Some(label) = beside {
        return (label, false);
    }
    // The band above the plot holds nothing else: the money scale ends at its top.
    let mut above = Label {
        x: 0.0,
        y: chart.plot.y - PAD - 0.25 * FONT,
        end: false,
        text,
    };
    let w = above.rect().w;
    // `max(min(..))` rather than `clamp`: clamp's panic message formats floats, 11 kB of wasm (see `coord`).
    above.x = (x - w / 2.0).min(chart.width - SIDE - w).max(chart.plot.x);
    (above, true)
}

/// `text` safe inside SVG markup, as element text or a double-quoted attribute.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

fn text(out: &mut String, label: &Label, class: &str) {
    let anchor = if label.end { "end" } else { "start" };
    out.push_str(&format!(
        r#"<text x="{}" y="{}" text-anchor="{anchor}" class="{class}">{}</text>"#,
        coord(label.x),
        coord(label.y),
        escape(&label.text)
    ));
}

fn line(out: &mut String, (x1, y1): (f64, f64), (x2, y2): (f64, f64), class: &str) {
    out.push_str(&format!(
        r#"<line x1="{}" y1="{}" x2="{}" y2="{}" class="{class}"></line>"#,
        coord(x1),
        coord(y1),
        coord(x2),
        coord(y2)
    ));
}

/// The SVG's content for `chart`: gridlines with their amounts, the zero line, the bars (each with its amount as a
/// tooltip, written by `money`), the dates, the balance line, and the lowest point (`data-testid="lowest-point"`)
/// with its label (and leader line).
pub fn markup(chart: &Chart, money: &dyn Fn(Money) -> String) -> String {
    let mut out = String::new();
    let (left, right) = (chart.plot.x, chart.plot.x + chart.plot.w);
    for (y, label) in &chart.grid {
        line(&mut out, (left, *y), (right, *y), "gridline");
        text(&mut out, label, "tick");
    }
    line(
        &mut out,
        (left, chart.zero_y),
        (right, chart.zero_y),
        "axis",
    );
    for bar in &chart.bars {
        let (class, what) = if bar.income {
            ("income", "Income")
        } else {
            ("committed", "Bills")
        };
        out.push_str(&format!(
            r#"<rect x="{}" y="{}" width="{}" height="{}" class="bar {class}"><title>{what} {}</title></rect>"#,
            coord(bar.x),
            coord(bar.y),
            coord(bar.width),
            coord(bar.height),
            escape(&money(bar.amount))
        ));
    }
    for (_, label) in &chart.dates {
        text(&mut out, label, "tick");
    }
    if !chart.balance.is_empty() {
        out.push_str(&format!(
            r#"<polyline points="{}" class="balance"></polyline>"#,
            chart.balance
        ));
    }
    if let Some(low) = &chart.lowest {
        if low.leader {
            let r = low.label.rect();
            line(
                &mut out,
                (low.x, r.y + r.h + 1.0),
                (low.x, low.y - 5.0),
                "leader",
            );
        }
        out.push_str(&format!(
            r#"<circle cx="{}" cy="{}" r="5" class="lowest" data-testid="lowest-point"><title>Lowest: {} on {}</title></circle>"#,
            coord(low.x),
            coord(low.y),
            escape(&money(low.balance)),
            crate::format::short_date(low.date)
        ));
        text(&mut out, &low.label, "lowest-label");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::budget::{BalancePoint, Period};

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, m, day).unwrap()
    }

    fn period(start: NaiveDate, end: NaiveDate, income: Money, committed: Money) -> Period {
        Period {
            start,
            end,
            income,
            paychecks: vec![],
            bills: vec![],
            committed,
            left_over: income - committed,
        }
    }

    fn point(date: NaiveDate, balance: Money) -> BalancePoint {
        BalancePoint { date, balance }
    }

    fn summary() -> BudgetSummary {
        BudgetSummary {
            as_of: d(11, 20),
            currency: "USD".into(),
            next_payday: Some(d(11, 28)),
            set_aside_now: 30_000,
            periods: vec![
                period(d(11, 20), d(11, 28), 0, 30_000),
                period(d(11, 28), d(12, 12), 200_000, 210_000),
            ],
            lowest_balance: Some(point(d(12, 5), -10_000)),
            projected_balance: vec![
                point(d(11, 20), 50_000),
                point(d(11, 28), 220_000),
                point(d(12, 5), -10_000),
            ],
            reserves: vec![],
            balance: None,
            safe_to_spend: Default::default(),
        }
    }

    /// Four bi-weekly periods with a low point at the start, where the first bars stand.
    fn crowded() -> BudgetSummary {
        let starts = [d(12, 4), d(12, 11), d(12, 25), d(1, 8), d(1, 22)];
        BudgetSummary {
            periods: starts
                .windows(2)
                .enumerate()
                .map(|(i, w)| period(w[0], w[1], 150_000 + i as Money * 10_000, 140_000))
                .collect(),
            lowest_balance: Some(point(d(12, 4), 3_100)),
            projected_balance: vec![
                point(d(12, 4), 3_100),
                point(d(12, 11), 160_000),
                point(d(12, 25), 175_000),
            ],
            ..summary()
        }
    }

    /// Small amounts, all positive, many short periods (dates dropped for room).
    fn weekly() -> BudgetSummary {
        let starts: Vec<NaiveDate> = (0..9)
            .map(|i| d(11, 1) + chrono::Days::new(i * 3))
            .collect();
        BudgetSummary {
            periods: starts
                .windows(2)
                .map(|w| period(w[0], w[1], 4_000, 3_500))
                .collect(),
            lowest_balance: Some(point(d(11, 13), 950)),
            projected_balance: vec![point(d(11, 1), 2_000), point(d(11, 13), 950)],
            ..summary()
        }
    }

    fn usd(m: Money) -> String {
        crate::format::money_plain(m, "USD", 2).replace(".00", "")
    }

    fn charts() -> Vec<Chart> {
        let mut out = Vec::new();
        for s in [summary(), crowded(), weekly()] {
            for width in [WIDTH, width_for(390.0), width_for(320.0)] {
                out.extend(layout(&s, width, 100, &usd));
            }
        }
        out
    }

    #[test]
    fn no_label_overlaps_another_label_or_a_bar_and_all_stay_inside_the_chart() {
        let whole = Rect {
            x: 0.0,
            y: 0.0,
            w: 0.0,
            h: HEIGHT,
        };
        for chart in charts() {
            let labels = chart.label_boxes();
            let inside = Rect {
                w: chart.width,
                ..whole
            };
            for (i, a) in labels.iter().enumerate() {
                assert!(a.inside(&inside), "{a:?} outside {}", chart.width);
                for b in &labels[i + 1..] {
                    assert!(!a.overlaps(b), "{a:?} overlaps {b:?}");
                }
                for bar in &chart.bars {
                    assert!(!a.overlaps(&bar.rect()), "{a:?} overlaps {bar:?}");
                }
            }
        }
    }

    #[test]
    fn the_lowest_point_is_labelled_beside_its_dot_or_above_the_plot_with_a_leader() {
        let leaders: Vec<bool> = [summary(), crowded(), weekly()]
            .iter()
            .map(|s| {
                let low = layout(s, WIDTH, 100, &usd).unwrap().lowest.unwrap();
                assert_eq!(
                    low.label.text,
                    format!("Lowest {}", usd(s.lowest_balance.unwrap().balance))
                );
                let r = low.label.rect();
                if !low.leader {
                    // Beside the dot: within a label's height of it.
                    assert!((r.y - low.y).abs() <= 2.0 * FONT, "{r:?} {low:?}");
                } else {
                    assert!(r.x <= low.x && low.x <= r.x + r.w, "{r:?} {low:?}");
                }
                low.leader
            })
            .collect();
        // Crowded: the low is today, at the plot's left edge beside the first bars; weekly: bars stand shoulder to
        // shoulder at full height. No room beside the dot in either.
        assert_eq!(leaders, [false, true, true]);
    }

    #[test]
    fn a_phone_gets_a_chart_as_wide_as_its_card_so_labels_keep_their_size() {
        // 390 px screen: the card's inside is 390 − 2 × 11.2 (main) − 2 × 16 (card) − 2 (border) ≈ 334 px.
        let w = width_for(390.0);
        assert!((330.0..=340.0).contains(&w), "{w}");
        // Drawn 334 px wide, a label of FONT units is at least 11 px on screen.
        assert!(FONT * 333.0 / w >= 11.0);
        assert_eq!(width_for(1280.0), WIDTH);
        assert_eq!(width_for(0.0), WIDTH);
    }

    #[test]
    fn gridlines_are_round_amounts_with_zero_among_them_when_the_balance_goes_below() {
        let chart = layout(&summary(), WIDTH, 100, &usd).unwrap();
        let texts: Vec<&str> = chart.grid.iter().map(|(_, l)| l.text.as_str()).collect();
        assert!(texts.contains(&"$0"), "{texts:?}");
        assert!(texts.iter().any(|t| t.starts_with('−')), "{texts:?}");
        assert!((3..=7).contains(&texts.len()), "{texts:?}");
        // The zero gridline is the bars' base line; the top one is at or above the highest value.
        let zero = chart.grid.iter().find(|(_, l)| l.text == "$0").unwrap().0;
        assert!((zero - chart.zero_y).abs() < 1e-9);
        assert!((chart.grid.last().unwrap().0 - chart.plot.y).abs() < 1e-9);
        assert_eq!(nice_step(230_000, 5, 100), 50_000);
        assert_eq!(nice_step(3, 5, 100), 100);
        assert_eq!(nice_step(1_100, 5, 1), 500);
    }

    #[test]
    fn the_markup_draws_every_part_and_escapes_text() {
        let chart = layout(&summary(), WIDTH, 100, &|_| "<€ & co>".to_owned()).unwrap();
        let svg = markup(&chart, &usd);
        assert_eq!(svg.matches("<rect ").count(), chart.bars.len());
        assert_eq!(svg.matches(r#"class="gridline""#).count(), chart.grid.len());
        assert_eq!(
            svg.matches(r#"class="tick""#).count(),
            chart.grid.len() + chart.dates.len()
        );
        assert_eq!(svg.matches(r#"data-testid="lowest-point""#).count(), 1);
        assert!(
            svg.contains("<title>Lowest: −$100 on Fri 5 Dec</title>"),
            "{svg}"
        );
        assert!(svg.contains(">&lt;€ &amp; co&gt;</text>"), "{svg}");
        assert!(!svg.contains("<€"));
    }

    #[test]
    fn bars_sit_on_the_zero_line_inside_their_period() {
        let chart = layout(&summary(), WIDTH, 100, &usd).unwrap();
        assert_eq!(chart.bars.len(), 4);
        for bar in &chart.bars {
            assert!((bar.y + bar.height - chart.zero_y).abs() < 1e-9);
            assert!(bar.rect().inside(&chart.plot));
        }
        let second = chart.dates[1].1.x;
        assert!(chart.bars[2].x > second);
        // The income bar stands at its payday, where the balance line steps up.
        assert!(chart.bars[2].x - second <= 2.0);
        assert!(chart.bars[3].height > chart.bars[2].height);
    }

    #[test]
    fn a_negative_low_point_is_below_zero_and_marked() {
        let chart = layout(&summary(), WIDTH, 100, &usd).unwrap();
        let low = chart.lowest.unwrap();
        assert!(low.y > chart.zero_y);
        assert!(low.y <= chart.plot.y + chart.plot.h + 1e-9);
        assert_eq!((low.date, low.balance), (d(12, 5), -10_000));
        assert!(low.x > chart.dates[1].1.x && low.x < WIDTH - SIDE);
    }

    #[test]
    fn date_labels_too_close_together_are_dropped() {
        let mut s = summary();
        // A period of one day: its label would sit on the next one's.
        s.periods[0].end = d(11, 21);
        s.periods[1].start = d(11, 21);
        let chart = layout(&s, WIDTH, 100, &usd).unwrap();
        let dates: Vec<NaiveDate> = chart.dates.iter().map(|(date, _)| *date).collect();
        assert_eq!(dates, [d(11, 20)]);
        // Far enough apart, both stay.
        assert_eq!(layout(&summary(), WIDTH, 100, &usd).unwrap().dates.len(), 2);
        // Below the plot, never on it.
        for chart in charts() {
            for (_, label) in &chart.dates {
                assert!(label.rect().y >= chart.plot.y + chart.plot.h);
            }
        }
    }

    #[test]
    fn the_balance_is_a_step_line_to_the_horizon() {
        let chart = layout(&summary(), WIDTH, 100, &usd).unwrap();
        // 3 points + 2 step corners + the extension to the end.
        assert_eq!(chart.balance.split(' ').count(), 6);
        let mut s = summary();
        s.projected_balance.clear();
        s.lowest_balance = None;
        let chart = layout(&s, WIDTH, 100, &usd).unwrap();
        assert!(chart.balance.is_empty() && chart.lowest.is_none());
    }
}
