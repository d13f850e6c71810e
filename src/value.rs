//! Runtime values and the calendar. Money is a `Decimal` count of yuan, a rate
//! a `Decimal` fraction (5% is 0.05). Dates are day numbers in the proleptic
//! Gregorian calendar, limited to years 1..=9999 so that no arithmetic on them
//! can overflow; every operation that could leave that range returns `None`.

use rust_decimal::Decimal;
use std::fmt;
use std::sync::Arc;

/// A calendar date, stored as days since 1970-01-01.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(i32);

const MIN_YEAR: i32 = 1;
const MAX_YEAR: i32 = 9999;

fn is_leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

pub fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(y) => 29,
        2 => 28,
        _ => 0,
    }
}

impl Date {
    /// A valid date, or `None` (month 13, 2026-02-30, year 0 or 10000...).
    pub fn from_ymd(y: i32, m: u32, d: u32) -> Option<Date> {
        if !(MIN_YEAR..=MAX_YEAR).contains(&y) || !(1..=12).contains(&m) {
            return None;
        }
        if d == 0 || d > days_in_month(y, m) {
            return None;
        }
        // Days from civil (H. Hinnant), exact for the range above.
        let y = if m <= 2 { y - 1 } else { y };
        let era = if y >= 0 { y } else { y - 399 } / 400;
        let yoe = y - era * 400;
        let m = m as i32;
        let mp = if m > 2 { m - 3 } else { m + 9 };
        let doy = (153 * mp + 2) / 5 + d as i32 - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        Some(Date(era * 146097 + doe - 719468))
    }

    pub fn ymd(self) -> (i32, u32, u32) {
        let z = self.0 + 719468;
        let era = if z >= 0 { z } else { z - 146096 } / 146097;
        let doe = z - era * 146097;
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        let y = yoe + era * 400;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        (if m <= 2 { y + 1 } else { y }, m, d)
    }

    /// Parse `YYYY-MM-DD` exactly (no other form is accepted).
    pub fn parse(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        if b.len() != 10 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
            return None;
        }
        let y: i32 = s.get(0..4)?.parse().ok()?;
        let m: u32 = s.get(5..7)?.parse().ok()?;
        let d: u32 = s.get(8..10)?.parse().ok()?;
        if !s.get(0..4)?.bytes().all(|c| c.is_ascii_digit())
            || !s.get(5..7)?.bytes().all(|c| c.is_ascii_digit())
            || !s.get(8..10)?.bytes().all(|c| c.is_ascii_digit())
        {
            return None;
        }
        Date::from_ymd(y, m, d)
    }

    pub fn days_since_epoch(self) -> i32 {
        self.0
    }

    pub fn add_days(self, days: i64) -> Option<Date> {
        let n = i64::from(self.0).checked_add(days)?;
        let n = i32::try_from(n).ok()?;
        let d = Date(n);
        let (y, _, _) = d.ymd();
        (MIN_YEAR..=MAX_YEAR).contains(&y).then_some(d)
    }

    /// Add calendar months; the day is clamped to the month's end
    /// (2024-01-31 + 1 month = 2024-02-29).
    pub fn add_months(self, months: i64) -> Option<Date> {
        let (y, m, d) = self.ymd();
        let total = i64::from(y)
            .checked_mul(12)?
            .checked_add(i64::from(m) - 1)?
            .checked_add(months)?;
        let ny = i32::try_from(total.div_euclid(12)).ok()?;
        let nm = u32::try_from(total.rem_euclid(12) + 1).ok()?;
        if !(MIN_YEAR..=MAX_YEAR).contains(&ny) {
            return None;
        }
        let nd = d.min(days_in_month(ny, nm));
        Date::from_ymd(ny, nm, nd)
    }

    pub fn plus(self, d: Duration) -> Option<Date> {
        self.add_months(d.months)?.add_days(d.days)
    }

    pub fn minus(self, d: Duration) -> Option<Date> {
        self.add_months(d.months.checked_neg()?)?
            .add_days(d.days.checked_neg()?)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

/// A length of time: calendar months plus days. A duration that comes from
/// subtracting two dates remembers its start (`anchor`), so that comparing it
/// with `3 years` means "the end date is no later than start + 3 years",
/// exactly as a drafter reads 开工建设至竣工投产时间在3年以内.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Duration {
    pub months: i64,
    pub days: i64,
    pub anchor: Option<Date>,
}

impl Duration {
    pub fn days(days: i64) -> Duration {
        Duration {
            months: 0,
            days,
            anchor: None,
        }
    }

    pub fn months(months: i64) -> Duration {
        Duration {
            months,
            days: 0,
            anchor: None,
        }
    }

    /// Compare two durations. With an anchor on either side, both are laid
    /// from that date; otherwise months compare with months and days with
    /// days. `None` when they cannot be compared (1 month vs 30 days, no anchor).
    pub fn compare(self, other: Duration) -> Option<std::cmp::Ordering> {
        if let Some(a) = self.anchor.or(other.anchor) {
            let x = a.plus(Duration {
                anchor: None,
                ..self
            })?;
            let y = a.plus(Duration {
                anchor: None,
                ..other
            })?;
            return Some(x.cmp(&y));
        }
        if self.months == other.months {
            return Some(self.days.cmp(&other.days));
        }
        if self.days == other.days {
            return Some(self.months.cmp(&other.months));
        }
        None
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        let (y, m) = (self.months / 12, self.months % 12);
        if y != 0 {
            parts.push(format!(
                "{y} {}",
                if y.abs() == 1 { "year" } else { "years" }
            ));
        }
        if m != 0 {
            parts.push(format!(
                "{m} {}",
                if m.abs() == 1 { "month" } else { "months" }
            ));
        }
        if self.days != 0 || parts.is_empty() {
            let d = self.days;
            parts.push(format!("{d} {}", if d.abs() == 1 { "day" } else { "days" }));
        }
        write!(f, "{}", parts.join(" "))
    }
}

/// A value during evaluation. Enum values are (enum id, variant index) into
/// the checked program's enum table.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Money(Decimal),
    Rate(Decimal),
    Decimal(Decimal),
    Int(i64),
    Bool(bool),
    Date(Date),
    Duration(Duration),
    Text(Arc<str>),
    Enum(u32, u32),
    Record(Arc<[Value]>),
    List(Arc<[Value]>),
    /// An optional input that was not given.
    Absent,
}

/// Format a yuan amount exactly, with at least two decimals (`1234.5` →
/// `1234.50`, `617283.945` stays `617283.945`). Never rounds: intermediate
/// amounts print as computed; grants are already rounded where the policy says.
pub fn money_string(d: Decimal) -> String {
    let mut r = d.normalize();
    if r.scale() < 2 {
        r.rescale(2);
    }
    r.to_string()
}

/// Format a yuan amount with thousands separators and two decimals
/// (`8000000` → `8,000,000.00`), as reports print amounts.
pub fn money_grouped(d: Decimal) -> String {
    let plain = money_string(d);
    let (sign, digits) = match plain.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", plain.as_str()),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, "00"));
    let mut grouped = String::with_capacity(int.len() + int.len() / 3);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{sign}{grouped}.{frac}")
}

/// Format a rate as a percentage without trailing zeros (0.05 → `5%`).
/// Whole percentages print bare (`5%`), others with at least two decimals,
/// as rates are published (`3.10%`, `0.05%`).
pub fn rate_string(d: Decimal) -> String {
    match d.checked_mul(Decimal::ONE_HUNDRED) {
        Some(p) => {
            let mut p = p.normalize();
            if p.scale() > 0 && p.scale() < 2 {
                p.rescale(2);
            }
            format!("{p}%")
        }
        None => format!("{d}"),
    }
}

/// Format a yuan amount in 万元 with two decimals, as the reports do.
pub fn wan_string(d: Decimal) -> String {
    let mut w = (d / Decimal::from(10_000))
        .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    w.rescale(2);
    format!("{w}万元")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip_and_reject_impossible_days() {
        for s in [
            "2026-03-31",
            "2024-02-29",
            "0001-01-01",
            "9999-12-31",
            "1970-01-01",
        ] {
            let d = Date::parse(s);
            assert_eq!(d.map(|d| d.to_string()).as_deref(), Some(s));
        }
        for s in [
            "2026-02-30",
            "2025-02-29",
            "2026-13-01",
            "0000-01-01",
            "2026-1-01",
            "abcd-ef-gh",
        ] {
            assert_eq!(Date::parse(s), None, "{s}");
        }
    }

    #[test]
    fn month_arithmetic_clamps_to_month_end() {
        let d = Date::parse("2024-01-31").and_then(|d| d.add_months(1));
        assert_eq!(d.map(|d| d.to_string()).as_deref(), Some("2024-02-29"));
        let d = Date::parse("9999-12-31").and_then(|d| d.add_days(1));
        assert_eq!(d, None);
        let d = Date::parse("0001-01-01").and_then(|d| d.add_months(-1));
        assert_eq!(d, None);
    }

    #[test]
    fn anchored_durations_compare_by_calendar() {
        let start = Date::parse("2023-03-01");
        let Some(start) = start else { panic!() };
        let within = Duration {
            months: 0,
            days: 1096,
            anchor: Some(start),
        };
        // 2023-03-01 + 3 years = 2026-03-01, which is 1096 days later.
        assert_eq!(
            within.compare(Duration::months(36)),
            Some(std::cmp::Ordering::Equal)
        );
        assert_eq!(Duration::months(1).compare(Duration::days(30)), None);
    }

    #[test]
    fn money_formats_with_two_decimals() {
        assert_eq!(money_string(Decimal::new(12345, 1)), "1234.50");
        assert_eq!(money_string(Decimal::new(617283945, 3)), "617283.945");
        assert_eq!(money_string(Decimal::new(5000000, 0)), "5000000.00");
        assert_eq!(wan_string(Decimal::new(12345, 0)), "1.23万元");
        assert_eq!(wan_string(Decimal::new(12350, 0)), "1.24万元");
        assert_eq!(wan_string(Decimal::from(8_000_000)), "800.00万元");
        assert_eq!(rate_string(Decimal::new(5, 2)), "5%");
        assert_eq!(rate_string(Decimal::new(31, 3)), "3.10%");
        assert_eq!(rate_string(Decimal::new(335, 4)), "3.35%");
        assert_eq!(rate_string(Decimal::new(5, 5)), "0.005%");
        assert_eq!(money_grouped(Decimal::new(499999999, 2)), "4,999,999.99");
        assert_eq!(money_grouped(Decimal::new(-1234567, 0)), "-1,234,567.00");
        assert_eq!(money_grouped(Decimal::new(5, 1)), "0.50");
    }
}
