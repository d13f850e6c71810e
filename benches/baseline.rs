//! The yardstick for batch speed: 附件1-1 (policies/000-zhizao-2026/1-01-
//! equipment-renewal.pol) written by hand in Rust. It reads the same JSON
//! Lines file as `polc run --batch`, applies the same rules with rust_decimal
//! in the same order, and writes the same rows, on one thread. The output is
//! compared byte for byte with polc's (benches/batch.sh), so it also checks
//! polc's results.
//!
//! Run: BASELINE_INPUT=in.jsonl BASELINE_OUTPUT=out.jsonl cargo bench --bench baseline

use rust_decimal::{Decimal, RoundingStrategy};
use serde::Deserialize;
use std::io::{BufRead, BufWriter, Write};

#[derive(Deserialize)]
struct Applicant {
    project: Project,
    meets_fund_rules: Option<bool>,
    #[serde(default)]
    loans: Option<Vec<Loan>>,
}

#[derive(Deserialize)]
struct Project {
    kind: Option<String>,
    city: Option<String>,
    in_production: Option<bool>,
    started_on: Option<String>,
    completed_on: Option<String>,
    permits_complete: Option<bool>,
    approved_investment: Option<String>,
}

#[derive(Deserialize)]
struct Loan {
    amount: String,
    disbursed_on: String,
    repaid_on: String,
    rate: String,
}

/// Days since 1970-01-01 (proleptic Gregorian).
fn days(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn ymd(s: &str) -> Option<(i64, i64, i64)> {
    let y = s.get(0..4)?.parse().ok()?;
    let m = s.get(5..7)?.parse().ok()?;
    let d = s.get(8..10)?.parse().ok()?;
    Some((y, m, d))
}

fn month_len(y: i64, m: i64) -> i64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The date plus whole months, the day clamped to the month's end.
fn add_months((y, m, d): (i64, i64, i64), n: i64) -> i64 {
    let t = y * 12 + (m - 1) + n;
    let (ny, nm) = (t.div_euclid(12), t.rem_euclid(12) + 1);
    days(ny, nm, d.min(month_len(ny, nm)))
}

fn money(s: &str) -> Option<Decimal> {
    let (num, factor) = if let Some(n) = s.strip_suffix("万元") {
        (n, Decimal::from(10_000))
    } else if let Some(n) = s.strip_suffix("亿元") {
        (n, Decimal::from(100_000_000))
    } else {
        (s.strip_suffix('元').unwrap_or(s), Decimal::ONE)
    };
    Decimal::from_str_exact(num).ok()?.checked_mul(factor)
}

fn rate(s: &str) -> Option<Decimal> {
    Decimal::from_str_exact(s.strip_suffix('%')?)
        .ok()?
        .checked_div(Decimal::ONE_HUNDRED)
}

/// The one-year LPR in force on a day (std::lpr).
fn lpr(day: i64) -> Option<Decimal> {
    const FIXINGS: [((i64, i64, i64), i64); 13] = [
        ((2019, 8, 20), 425),
        ((2019, 9, 20), 420),
        ((2019, 11, 20), 415),
        ((2020, 2, 20), 405),
        ((2020, 4, 20), 385),
        ((2021, 12, 20), 380),
        ((2022, 1, 20), 370),
        ((2022, 8, 22), 365),
        ((2023, 6, 20), 355),
        ((2023, 8, 21), 345),
        ((2024, 7, 22), 335),
        ((2024, 10, 21), 310),
        ((2025, 5, 20), 300),
    ];
    FIXINGS
        .iter()
        .rev()
        .find(|((y, m, d), _)| days(*y, *m, *d) <= day)
        .map(|(_, bp)| Decimal::new(*bp, 4))
}

fn money_string(d: Decimal) -> String {
    let mut r = d.normalize();
    if r.scale() < 2 {
        r.rescale(2);
    }
    r.to_string()
}

/// `None`: the record cannot be evaluated (a field the rules read is missing).
fn evaluate(a: &Applicant) -> Option<(bool, Decimal, Decimal)> {
    let p = &a.project;
    let cap = Decimal::from(10_000_000);
    // 三 支持条件 (every condition reads its fields: a missing one stops the record)
    let city = p.city.as_deref()?;
    let in_production = p.in_production?;
    let started = ymd(p.started_on.as_deref()?)?;
    let completed = ymd(p.completed_on.as_deref()?)?;
    let permits = p.permits_complete?;
    let approved = money(p.approved_investment.as_deref()?)?;
    let kind = p.kind.as_deref()?;
    let threshold = if kind == "NewBuild" {
        Decimal::from(5_000_000)
    } else {
        Decimal::from(10_000_000)
    };
    let within_3_years = days(completed.0, completed.1, completed.2) <= add_months(started, 36);
    let eligible = city != "省外"
        && in_production
        && within_3_years
        && permits
        && approved >= threshold
        && a.meets_fund_rules.unwrap_or(true);
    if !eligible {
        return Some((false, Decimal::ZERO, Decimal::ZERO));
    }
    // 五（一）直接补助
    let r = if kind == "NewBuild" && in_production {
        Decimal::new(10, 2)
    } else {
        Decimal::new(5, 2)
    };
    let direct = approved
        .checked_mul(r)?
        .min(cap)
        .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    // 五（二）贷款贴息
    let (s, c) = (
        days(started.0, started.1, started.2),
        days(completed.0, completed.1, completed.2),
    );
    let mut sum = Decimal::ZERO;
    for l in a.loans.as_deref().unwrap_or(&[]) {
        let disbursed = ymd(&l.disbursed_on)?;
        let repaid = ymd(&l.repaid_on)?;
        let d = days(disbursed.0, disbursed.1, disbursed.2);
        let rate = rate(&l.rate)?.min(lpr(d)?);
        let from = d.max(s);
        let to = days(repaid.0, repaid.1, repaid.2).min(c);
        let n = (to - from).max(0);
        let interest = money(&l.amount)?
            .checked_mul(rate)?
            .checked_mul(Decimal::from(n))?
            .checked_div(Decimal::from(360))?;
        sum = sum.checked_add(interest)?;
    }
    let interest = sum
        .min(cap)
        .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    Some((true, direct, interest))
}

fn main() {
    let (Ok(input), Ok(output)) = (
        std::env::var("BASELINE_INPUT"),
        std::env::var("BASELINE_OUTPUT"),
    ) else {
        eprintln!("set BASELINE_INPUT and BASELINE_OUTPUT (see benches/batch.sh)");
        return;
    };
    let Ok(file) = std::fs::File::open(&input) else {
        eprintln!("cannot read {input}");
        return;
    };
    let Ok(out) = std::fs::File::create(&output) else {
        eprintln!("cannot write {output}");
        return;
    };
    let reader = std::io::BufReader::with_capacity(1 << 20, file);
    let mut w = BufWriter::with_capacity(1 << 20, out);
    let (mut n, mut failed) = (0u64, 0u64);
    for (i, line) in reader.lines().enumerate() {
        let Ok(line) = line else { break };
        if line.trim().is_empty() {
            continue;
        }
        n += 1;
        let result = serde_json::from_str::<Applicant>(&line)
            .ok()
            .and_then(|a| evaluate(&a));
        match result {
            Some((eligible, direct, interest)) => {
                let total = direct + interest;
                let _ = writeln!(
                    w,
                    "{{\"line\":{},\"eligible\":{eligible},\"grants\":{{\"direct\":\"{}\",\"interest_subsidy\":\"{}\"}},\"total\":\"{}\"}}",
                    i + 1,
                    money_string(direct),
                    money_string(interest),
                    money_string(total)
                );
            }
            None => failed += 1,
        }
    }
    let _ = w.flush();
    eprintln!("baseline: {n} records, {failed} failed");
}
