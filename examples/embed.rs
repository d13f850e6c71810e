//! Embedding polc: compile a shipped policy once, then evaluate applicants
//! built from typed values, as a service or a spreadsheet plug-in would.
//!
//! Run: cargo run --release --example embed

use polc::{Policy, Value};
use rust_decimal::Decimal;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/policies/000-zhizao-2026/1-01-equipment-renewal.pol"
    );
    let policy = Policy::compile_rules(
        "1-01-equipment-renewal.pol",
        &std::fs::read_to_string(path)?,
    )?;

    for (kind, investment) in [
        ("NewBuild", 8_000_000),
        ("Renovation", 12_000_000),
        ("Renovation", 9_000_000),
    ] {
        let project = policy.record(
            "Project",
            &[
                ("kind", policy.variant("ProjectKind", kind)?),
                ("city", policy.variant("City", "沈阳")?),
                ("in_production", Value::Bool(true)),
                (
                    "started_on",
                    Value::Date(polc::Date::parse("2024-03-01").ok_or("date")?),
                ),
                (
                    "completed_on",
                    Value::Date(polc::Date::parse("2025-10-31").ok_or("date")?),
                ),
                ("permits_complete", Value::Bool(true)),
                (
                    "approved_investment",
                    Value::Money(Decimal::from(investment)),
                ),
            ],
        )?;
        let mut a = policy.applicant();
        a.set("project", project)?;
        let out = policy.evaluate(&a)?;
        println!(
            "{kind} {investment} 元: eligible {}, total {} 元",
            out.eligible, out.total
        );
    }
    Ok(())
}
