//! Geometry of the dashboard chart: income vs. committed bars per pay period on a time axis, and the projected
//! balance as a step line with its lowest point. Pure numbers in, SVG coordinates out — the component only draws.

use chrono::NaiveDate;
use shared::Money;
use shared::budget::BudgetSummary;

use crate::format::coord;

pub const WIDTH: f64 = 640.0;
pub const HEIGHT: f64 = 240.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 28.0;
const SIDE: f64 = 8.0;
/// The least distance between two date labels (a label is about 60 units wide at the phone's larger font).
const TICK_GAP: f64 = 72.0;

#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    pub income: bool,
    pub amount: Money,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    pub zero_y: f64,
    pub bars: Vec<Bar>,
    /// (x, date) of each period start, for axis labels.
    pub ticks: Vec<(f64, NaiveDate)>,
    /// SVG `points` of the balance step line; empty without a balance.
    pub balance: String,
    /// (x, y, date, balance) of the lowest projected balance.
    pub lowest: Option<(f64, f64, NaiveDate, Money)>,
}

pub fn layout(summary: &BudgetSummary) -> Option<Chart> {
    let first = summary.periods.first()?;
    let start = first.start;
    let end = summary.periods.last()?.end;
    let days = (end - start).num_days().max(1) as f64;
    let plot_w = WIDTH - 2.0 * SIDE;
    let x_of =
        |d: NaiveDate| SIDE + plot_w * ((d - start).num_days() as f64 / days).clamp(0.0, 1.0);

    let mut high: Money = 1;
    let mut low: Money = 0;
    for p in &summary.periods {
        high = high.max(p.income).max(p.committed);
    }
    for point in &summary.projected_balance {
        high = high.max(point.balance);
        low = low.min(point.balance);
    }
    let span = (high - low) as f64;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let y_of = |m: Money| TOP + plot_h * ((high - m) as f64 / span);
    let zero_y = y_of(0);

    let mut bars = Vec::new();
    let mut ticks = Vec::new();
    for p in &summary.periods {
        let x0 = x_of(p.start);
        let x1 = x_of(p.end);
        // A date label only where it has room: periods a day or two apart would print on top of each other.
        if ticks.last().is_none_or(|(last, _)| x0 - last >= TICK_GAP) {
            ticks.push((x0, p.start));
        }
        let slot = (x1 - x0).max(1.0);
        let width = (slot * 0.3).min(36.0);
        // At the period's start, where its pay lands and the balance line steps up: the two lines agree.
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

    let mut balance = String::new();
    let points = &summary.projected_balance;
    for (i, point) in points.iter().enumerate() {
        let x = x_of(point.date);
        let y = y_of(point.balance);
        if i > 0 {
            balance.push_str(&format!(
                "{},{} ",
                coord(x),
                coord(y_of(points[i - 1].balance))
            ));
        }
        balance.push_str(&format!("{},{} ", coord(x), coord(y)));
    }
    if let Some(last) = points.last() {
        balance.push_str(&format!(
            "{},{}",
            coord(x_of(end)),
            coord(y_of(last.balance))
        ));
    }
    let lowest = summary
        .lowest_balance
        .map(|p| (x_of(p.date), y_of(p.balance), p.date, p.balance));
    Some(Chart {
        zero_y,
        bars,
        ticks,
        balance: balance.trim_end().to_owned(),
        lowest,
    })
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
            lowest_balance: Some(BalancePoint {
                date: d(12, 5),
                balance: -10_000,
            }),
            projected_balance: vec![
                BalancePoint {
                    date: d(11, 20),
                    balance: 50_000,
                },
                BalancePoint {
                    date: d(11, 28),
                    balance: 220_000,
                },
                BalancePoint {
                    date: d(12, 5),
                    balance: -10_000,
                },
            ],
            reserves: vec![],
            balance: None,
            safe_to_spend: Default::default(),
        }
    }

    #[test]
    fn bars_sit_on_the_zero_line_inside_their_period() {
        let chart = layout(&summary()).unwrap();
        assert_eq!(chart.bars.len(), 4);
        for bar in &chart.bars {
            assert!((bar.y + bar.height - chart.zero_y).abs() < 1e-9);
        }
        assert!(chart.bars[2].x > chart.ticks[1].0);
        // The income bar stands at its payday, where the balance line steps up.
        assert!(chart.bars[2].x - chart.ticks[1].0 <= 2.0);
        // The taller committed bar of period 2 is taller than its income bar.
        assert!(chart.bars[3].height > chart.bars[2].height);
    }

    #[test]
    fn a_negative_low_point_is_below_zero_and_marked() {
        let chart = layout(&summary()).unwrap();
        let (x, y, date, balance) = chart.lowest.unwrap();
        assert!(y > chart.zero_y);
        assert!(y <= HEIGHT - BOTTOM + 1e-9);
        assert_eq!((date, balance), (d(12, 5), -10_000));
        assert!(x > chart.ticks[1].0 && x < WIDTH - SIDE);
    }

    #[test]
    fn date_labels_too_close_together_are_dropped() {
        let mut s = summary();
        // A period of one day: its label would sit on the next one's.
        s.periods[0].end = d(11, 21);
        s.periods[1].start = d(11, 21);
        let chart = layout(&s).unwrap();
        let dates: Vec<NaiveDate> = chart.ticks.iter().map(|(_, date)| *date).collect();
        assert_eq!(dates, [d(11, 20)]);
        assert!(chart.ticks.windows(2).all(|w| w[1].0 - w[0].0 >= TICK_GAP));
        // Far enough apart, both stay.
        assert_eq!(layout(&summary()).unwrap().ticks.len(), 2);
    }

    #[test]
    fn the_balance_is_a_step_line_to_the_horizon() {
        let chart = layout(&summary()).unwrap();
        // 3 points + 2 step corners + the extension to the end.
        assert_eq!(chart.balance.split(' ').count(), 6);
        let mut s = summary();
        s.projected_balance.clear();
        s.lowest_balance = None;
        let chart = layout(&s).unwrap();
        assert!(chart.balance.is_empty() && chart.lowest.is_none());
    }
}
