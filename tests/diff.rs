//! `polc diff` on the acceptance case: 附件1-1's 单项补助上限 for 直接补助 raised
//! from 1000万元 to 1500万元, over a generated cohort. The applicants it
//! reports as changed must be exactly those whose direct grant was capped,
//! each by min(5% or 10% of the approved investment, 1500万元) − 1000万元,
//! computed here from the cohort's own figures.

use rust_decimal::Decimal;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::PathBuf;

mod common;
use common::*;
use std::str::FromStr;

const POLICY: &str = "policies/000-zhizao-2026/1-01-equipment-renewal.pol";

/// The shipped policy with the direct grant's cap raised to 1500万元.
fn raised_cap(dir: &std::path::Path) -> PathBuf {
    let text = std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(POLICY))
        .expect("policy");
    let old = "amount = project.approved_investment * rate  \"核定项目总投资 × 补助比例\"\n  cap 1000万元 \"单项补助上限\" @\"五（一）\"";
    assert_eq!(
        text.matches(old).count(),
        1,
        "the shipped 附件1-1 changed shape"
    );
    let new = old.replace("cap 1000万元", "cap 1500万元");
    let path = dir.join("1-01-cap-1500.pol");
    std::fs::write(&path, text.replace(old, &new)).expect("write");
    path
}

/// `"2030.00万元"` → 20,300,000.
fn yuan(s: &str) -> Decimal {
    let t = s.trim_end_matches('元');
    match t.strip_suffix('万') {
        Some(w) => Decimal::from_str(w).expect("wan") * Decimal::from(10_000),
        None => Decimal::from_str(t).expect("yuan"),
    }
}

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).expect("decimal")
}

#[test]
fn raising_the_cap_changes_exactly_the_capped_applicants() {
    let dir = tmp_dir("diff-cap");
    let cohort = dir.join("cohort.jsonl");
    let o = polc(&[
        "cohort",
        POLICY,
        "--count",
        "3000",
        "--seed",
        "2026",
        "-o",
        cohort.to_str().expect("path"),
    ]);
    assert_eq!(o.status.code(), Some(0));
    let new = raised_cap(&dir);
    let o = polc(&[
        "diff",
        POLICY,
        new.to_str().expect("path"),
        "--batch",
        cohort.to_str().expect("path"),
        "--on",
        "2026-06-30",
        "--format",
        "json",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let r: Value = serde_json::from_slice(&o.stdout).expect("json");

    // The same cohort through `polc run --batch` on the old policy says who
    // was eligible; the direct grant before its cap is computed here.
    let o = polc(&[
        "run",
        POLICY,
        "--batch",
        cohort.to_str().expect("path"),
        "--on",
        "2026-06-30",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let eligible: BTreeMap<u64, Decimal> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).expect("row"))
        .filter(|row| row["eligible"] == true)
        .map(|row| {
            (
                row["line"].as_u64().expect("line"),
                d(row["grants"]["direct"].as_str().expect("direct")),
            )
        })
        .collect();
    let text = std::fs::read_to_string(&cohort).expect("cohort");
    let cap_old = d("10000000");
    let cap_new = d("15000000");
    let mut expected: BTreeMap<u64, Decimal> = BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        let n = i as u64 + 1;
        let Some(direct) = eligible.get(&n) else {
            continue;
        };
        let rec: Value = serde_json::from_str(line).expect("record");
        let p = &rec["project"];
        // 五（一）: 10% for a new build in production, else 5%.
        let rate = if p["kind"] == "NewBuild" && p["in_production"] == true {
            d("0.10")
        } else {
            d("0.05")
        };
        let computed = yuan(p["approved_investment"].as_str().expect("investment")) * rate;
        assert_eq!(*direct, computed.min(cap_old), "line {n}: the old grant");
        if computed > cap_old {
            expected.insert(n, computed.min(cap_new) - cap_old);
        }
    }
    assert!(
        expected.len() > 100,
        "the cohort should hold many capped applicants ({})",
        expected.len()
    );

    let reported: BTreeMap<u64, Decimal> = r["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .map(|c| {
            (
                c["line"].as_u64().expect("line"),
                d(c["change"].as_str().expect("change")),
            )
        })
        .collect();
    assert_eq!(
        reported, expected,
        "exactly the capped applicants, each by its own gain"
    );
    let total: Decimal = expected.values().copied().sum();
    assert_eq!(d(r["total_change"].as_str().expect("total")), total);
    assert_eq!(r["grants"][0]["name"], "direct");
    assert_eq!(d(r["grants"][0]["change"].as_str().expect("direct")), total);
    assert_eq!(r["grants"][1]["change"], "0.00");
    let c = &r["counts"];
    assert_eq!(c["gain"].as_u64(), Some(expected.len() as u64));
    assert_eq!(c["lose"], 0);
    assert_eq!(c["became_eligible"], 0);
    assert_eq!(c["became_ineligible"], 0);
    assert_eq!(c["compared"], 3000);
    // One structural change, in the policy's own terms.
    let s = r["structural"].as_array().expect("structural");
    assert_eq!(s.len(), 1);
    assert_eq!(s[0]["old"], "1000万元");
    assert_eq!(s[0]["new"], "1500万元");
    assert!(s[0]["place"]
        .as_str()
        .unwrap_or("")
        .contains("单项补助上限"));
    // The largest changes are explained by the cap.
    let why = r["largest"][0]["reasons"][0].as_str().expect("reason");
    assert!(
        why.contains("单项补助上限") && why.contains("1,500.00 万元"),
        "{why}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn structural_diff_alone_and_bad_input() {
    let dir = tmp_dir("diff-cli");
    let new = raised_cap(&dir);
    let o = polc(&["diff", POLICY, new.to_str().expect("path")]);
    assert_eq!(o.status.code(), Some(0));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("1000万元 → 1500万元"), "{text}");
    let o = polc(&["diff", POLICY, POLICY, "--lang", "en"]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("(no change to the rules)"));
    // A version with errors is refused with its diagnostics.
    let broken = dir.join("broken.pol");
    std::fs::write(
        &broken,
        "policy x {\n  title \"x\"\n}\ngrant g { amount = nothing }\n",
    )
    .expect("write");
    let o = polc(&["diff", POLICY, broken.to_str().expect("path")]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("has errors"));
    // A missing cohort file is a clear error.
    let o = polc(&["diff", POLICY, POLICY, "--batch", "no/such.jsonl"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("cannot read no/such.jsonl"));
    let _ = std::fs::remove_dir_all(&dir);
}
