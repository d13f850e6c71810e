//! Properties of every shipped policy on generated applicants (proptest):
//! nothing panics; every grant is ≥ 0 and within each cap that applies (a floor
//! aside); tranches add up; evaluation is deterministic; the batch path agrees
//! with the single one; every amount printed parses back to itself.
//!
//! Cases per policy: PROPTEST_CASES (default 12, so `cargo test` stays quick;
//! raise it for a longer run).

use polc::driver::compile_str;
use polc::eval::{evaluate, GrantStatus, Outcome};
use polc::program::{Pay, Program};
use polc::value::money_string;
use proptest::prelude::*;
use rust_decimal::Decimal;
use std::path::PathBuf;
use std::sync::OnceLock;

fn programs() -> &'static Vec<(String, Program)> {
    static P: OnceLock<Vec<(String, Program)>> = OnceLock::new();
    P.get_or_init(|| {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("policies");
        let mut files = Vec::new();
        let mut stack = vec![root.clone()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|x| x == "pol") {
                    files.push(p);
                }
            }
        }
        files.sort();
        files
            .iter()
            .filter_map(|f| {
                let name = f.strip_prefix(&root).ok()?.display().to_string();
                let c = compile_str(&name, &std::fs::read_to_string(f).ok()?);
                c.program.map(|p| (name, p))
            })
            .collect()
    })
}

fn applicant(p: &Program, seed: u64) -> String {
    let mut out = Vec::new();
    polc::cohort::generate_with(p, 1, seed, 5, &mut out).expect("generate");
    String::from_utf8(out).expect("utf8").trim().to_string()
}

fn round_like(r: polc::program::Rounding, d: Decimal) -> Decimal {
    polc::eval::round(d, r)
}

fn check_outcome(p: &Program, out: &Outcome) -> Result<(), TestCaseError> {
    let mut total = Decimal::ZERO;
    for (g, r) in p.grants.iter().zip(&out.grants) {
        prop_assert!(
            r.amount >= Decimal::ZERO,
            "{}: negative amount {}",
            g.name,
            r.amount
        );
        total += r.amount;
        if r.status != GrantStatus::Granted || r.superseded_by.is_some() {
            continue;
        }
        let floor = r.floors.iter().map(|f| f.value).max();
        for (c, cr) in g.caps.iter().zip(&r.caps) {
            let _ = c;
            if cr.lifted {
                continue;
            }
            let limit = round_like(g.rounding, cr.value.max(floor.unwrap_or(Decimal::MIN)));
            prop_assert!(
                r.amount <= limit.max(Decimal::ZERO),
                "{}: {} above cap {}",
                g.name,
                r.amount,
                cr.value
            );
        }
        if let Some(s) = &r.schedule {
            let sum: Decimal = s.tranches.iter().map(|t| t.amount).sum();
            prop_assert_eq!(
                s.paid + s.payable + s.waiting + s.cancelled,
                sum,
                "{}: tranche totals",
                g.name
            );
            let last_rest = matches!(g.tranches.last().map(|t| &t.pay), Some(Pay::Rest));
            if last_rest && s.overpaid.is_zero() && !g.tranches.is_empty() {
                prop_assert_eq!(
                    sum,
                    r.amount,
                    "{}: tranches with `rest` add up to the grant",
                    g.name
                );
            }
        }
        let printed = money_string(r.amount);
        prop_assert_eq!(
            printed.parse::<Decimal>().ok(),
            Some(r.amount),
            "{}: {} does not parse back",
            g.name,
            printed
        );
    }
    prop_assert_eq!(total, out.total);
    Ok(())
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(12)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn shipped_policies_hold_their_properties(seed in any::<u64>()) {
        for (name, p) in programs() {
            let line = applicant(p, seed);
            let Ok(values) = polc::data::decode_applicant(p, &line) else { continue };
            let first = evaluate(p, &values, true);
            let again = evaluate(p, &values, true);
            prop_assert_eq!(&first, &again, "{}: not deterministic", name);
            let Ok(out) = first else { continue };
            check_outcome(p, &out).map_err(|e| TestCaseError::fail(format!("{name}: {e}")))?;
            // The batch path gives the same figures.
            let mut rows = Vec::new();
            let opts = polc::batch::Options::default();
            polc::batch::run(p, line.as_bytes(), &mut rows, &opts, |_| {}, |_| {}).expect("batch");
            if p.pools.is_empty() {
                let row: serde_json::Value = serde_json::from_slice(&rows).expect("row");
                let expected = money_string(out.total);
                prop_assert_eq!(row["total"].as_str(), Some(expected.as_str()), "{}: batch total", name);
            }
        }
    }
}

/// The generated applicants really exercise the policies: most policies get
/// evaluations that succeed, and many get eligible ones.
#[test]
fn generated_applicants_reach_most_policies() {
    let mut evaluated = 0;
    let mut eligible = 0;
    for (_, p) in programs() {
        let mut ok = false;
        let mut el = false;
        for seed in 0..40 {
            let line = applicant(p, seed);
            if let Ok(v) = polc::data::decode_applicant(p, &line) {
                if let Ok(out) = evaluate(p, &v, false) {
                    ok = true;
                    el |= out.eligible && !out.total.is_zero();
                }
            }
        }
        evaluated += usize::from(ok);
        eligible += usize::from(el);
    }
    let n = programs().len();
    eprintln!(
        "{evaluated}/{n} policies evaluated, {eligible}/{n} with a paying applicant in 40 seeds"
    );
    assert!(
        evaluated * 10 >= n * 9,
        "{evaluated}/{n} policies evaluated"
    );
    assert!(
        eligible * 2 >= n,
        "{eligible}/{n} policies with a paying applicant"
    );
}
