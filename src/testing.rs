//! Running a policy's own test cases (`case` blocks): evaluate each case's
//! inputs and compare every expectation, reporting expected vs actual.

use crate::eval::{evaluate_on, Outcome};
use crate::program::{Expectation, Program, ScheduleField};
use crate::value::Value;

#[derive(Debug, Clone, PartialEq)]
pub struct CaseResult {
    pub name: String,
    /// Empty when the case passed: otherwise one line per mismatch.
    pub mismatches: Vec<String>,
}

impl CaseResult {
    pub fn passed(&self) -> bool {
        self.mismatches.is_empty()
    }
}

/// Run every case of a program.
pub fn run_cases(prog: &Program) -> Vec<CaseResult> {
    prog.cases
        .iter()
        .map(|case| {
            let mut inputs = vec![Value::Absent; prog.inputs.len()];
            for (i, v, _) in &case.given {
                if let Some(slot) = inputs.get_mut(*i as usize) {
                    *slot = v.clone();
                }
            }
            let mismatches = match evaluate_on(prog, &inputs, case.on, false) {
                Ok(out) => compare(prog, &out, &case.expect),
                Err(e) => vec![format!("evaluation failed: {}", e.message)],
            };
            CaseResult {
                name: case.name.clone(),
                mismatches,
            }
        })
        .collect()
}

fn compare(
    prog: &Program,
    out: &Outcome,
    expect: &[(Expectation, crate::span::Span)],
) -> Vec<String> {
    let mut bad = Vec::new();
    for (x, _) in expect {
        match x {
            Expectation::InForce(b) => {
                if out.in_force != Some(*b) {
                    let got = match out.in_force {
                        Some(x) => x.to_string(),
                        None => "unknown (give the case a date: `case \"...\" on 2026-03-01`)"
                            .to_string(),
                    };
                    bad.push(format!("in_force: expected {b}, got {got}"));
                }
            }
            Expectation::Eligible(b) => {
                if out.eligible != *b {
                    bad.push(format!("eligible: expected {b}, got {}", out.eligible));
                }
            }
            Expectation::Total(m) => {
                if out.total != *m {
                    bad.push(format!(
                        "total: expected {}, got {}",
                        amount(*m),
                        amount(out.total)
                    ));
                }
            }
            Expectation::Grant(g, m) => {
                let got = out
                    .grants
                    .get(*g as usize)
                    .map(|r| r.amount)
                    .unwrap_or_default();
                if got != *m {
                    let name = prog
                        .grants
                        .get(*g as usize)
                        .map(|g| g.name.as_str())
                        .unwrap_or("?");
                    bad.push(format!(
                        "{name}: expected {}, got {}",
                        amount(*m),
                        amount(got)
                    ));
                }
            }
            Expectation::TrancheAmount(g, t, m) => {
                let got = tranche(out, *g, *t).map(|r| r.amount);
                if got != Some(*m) {
                    bad.push(format!(
                        "{}: expected {}, got {}",
                        tranche_name(prog, *g, *t),
                        amount(*m),
                        got.map(amount).unwrap_or_else(|| "no schedule".into())
                    ));
                }
            }
            Expectation::TrancheStatus(g, t, status) => {
                let got = tranche(out, *g, *t).map(|r| status_word(r.status));
                if got != Some(status.as_str()) {
                    bad.push(format!(
                        "{}.status: expected {status}, got {}",
                        tranche_name(prog, *g, *t),
                        got.unwrap_or("no schedule")
                    ));
                }
            }
            Expectation::ScheduleTotal(g, f, m) => {
                let got = out
                    .grants
                    .get(*g as usize)
                    .and_then(|r| r.schedule.as_ref())
                    .map(|s| match f {
                        ScheduleField::Paid => s.paid,
                        ScheduleField::Payable => s.payable,
                        ScheduleField::Waiting => s.waiting,
                        ScheduleField::Cancelled => s.cancelled,
                        ScheduleField::ToReturn => s.to_return,
                    });
                if got != Some(*m) {
                    let name = prog
                        .grants
                        .get(*g as usize)
                        .map(|g| g.name.as_str())
                        .unwrap_or("?");
                    bad.push(format!(
                        "{name}.{}: expected {}, got {}",
                        f.as_str(),
                        amount(*m),
                        got.map(amount).unwrap_or_else(|| "no schedule".into())
                    ));
                }
            }
            Expectation::Failed(keys) => {
                let failed = failed_requirements(prog, out);
                let mut missing = Vec::new();
                for k in keys {
                    if !failed.iter().any(|r| Outcome::failed_matches(r, k)) {
                        missing.push(k.clone());
                    }
                }
                let unexpected: Vec<String> = failed
                    .iter()
                    .filter(|r| !keys.iter().any(|k| Outcome::failed_matches(r, k)))
                    .map(|r| r.display_name())
                    .collect();
                if !missing.is_empty() || !unexpected.is_empty() {
                    let got: Vec<String> = failed.iter().map(|r| r.display_name()).collect();
                    bad.push(format!(
                        "failed: expected [{}], got [{}]",
                        keys.join(", "),
                        got.join(", ")
                    ));
                }
            }
        }
    }
    bad
}

fn tranche(out: &Outcome, g: u32, t: u32) -> Option<&crate::eval::TrancheResult> {
    out.grants
        .get(g as usize)
        .and_then(|r| r.schedule.as_ref())
        .and_then(|s| s.tranches.get(t as usize))
}

fn tranche_name(prog: &Program, g: u32, t: u32) -> String {
    let grant = prog.grants.get(g as usize);
    let gname = grant.map(|g| g.name.as_str()).unwrap_or("?");
    let tname = grant
        .and_then(|g| g.tranches.get(t as usize))
        .map(|t| t.name.as_str())
        .unwrap_or("?");
    format!("{gname}.{tname}")
}

fn status_word(s: crate::eval::TrancheStatus) -> &'static str {
    match s {
        crate::eval::TrancheStatus::Paid => "paid",
        crate::eval::TrancheStatus::Payable => "payable",
        crate::eval::TrancheStatus::Waiting => "waiting",
        crate::eval::TrancheStatus::Cancelled => "cancelled",
    }
}

fn failed_requirements<'p>(
    prog: &'p Program,
    out: &Outcome,
) -> Vec<&'p crate::program::Requirement> {
    let mut v = Vec::new();
    for (r, res) in prog.eligibility.iter().zip(&out.requirements) {
        if !res.passed {
            v.push(r);
        }
    }
    for (g, gres) in prog.grants.iter().zip(&out.grants) {
        for (r, res) in g.requires.iter().zip(&gres.requirements) {
            if !res.passed {
                v.push(r);
            }
        }
    }
    v
}

/// An amount as a mismatch shows it: exact, grouped, and in 万元
/// (`3,000,000.00 元 (300.00 万元)`).
fn amount(d: rust_decimal::Decimal) -> String {
    format!(
        "{} 元 ({} 万元)",
        crate::value::money_grouped(d),
        crate::explain::group(crate::value::wan_string(d).trim_end_matches("万元"))
    )
}
