//! Program-wide pools and quotas over a batch, on cohorts computed by hand.

use polc::batch::{run, Options};
use polc::driver::compile_str;

fn batch(src: &str, records: &[&str]) -> Vec<serde_json::Value> {
    let c = compile_str("pool.pol", src);
    assert!(
        !c.has_errors(),
        "{}",
        polc::diagnostics::render_plain(&c.sources, &c.diagnostics)
    );
    let prog = c.program.expect("program");
    let input = records.join("\n");
    let mut out = Vec::new();
    let summary = run(
        &prog,
        input.as_bytes(),
        &mut out,
        &Options::default(),
        |e| panic!("{e:?}"),
        |_| {},
    )
    .expect("batch");
    assert_eq!(summary.records as usize, records.len());
    String::from_utf8(out)
        .expect("utf8")
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect()
}

const EVENTS: &str = r#"
policy events { title "对接活动" }
input { cost: Money "承办方会议实际费用"  score: Int = 0 "评分" }
grant subsidy "会议费用补助" @"五" { amount = cost * 50% "实际费用 × 50%" }
pool events "全年所有对接活动补助金额合计不超过500万元" @"五" {
  limit 500万元
  grants subsidy
  allocate pro_rata
}
"#;

#[test]
fn a_pool_pays_pro_rata_when_entitlements_exceed_it() {
    // Entitled 300万, 200万, 100万 = 600万 > 500万: each × 5/6, rounded down to 分:
    // 250万; 1,666,666.666… → 1,666,666.66; 833,333.333… → 833,333.33 (total 4,999,999.99).
    let rows = batch(
        EVENTS,
        &[
            r#"{"cost":"600万元"}"#,
            r#"{"cost":"400万元"}"#,
            r#"{"cost":"200万元"}"#,
        ],
    );
    assert_eq!(rows[0]["grants"]["subsidy"], "2500000.00");
    assert_eq!(rows[1]["grants"]["subsidy"], "1666666.66");
    assert_eq!(rows[2]["grants"]["subsidy"], "833333.33");
    assert_eq!(rows[1]["pools"]["events"]["entitled"], "2000000.00");
    assert_eq!(rows[1]["pools"]["events"]["allocated"], "1666666.66");
}

#[test]
fn a_pool_that_is_not_exceeded_changes_nothing() {
    // 100万 + 150万 = 250万 ≤ 500万.
    let rows = batch(EVENTS, &[r#"{"cost":"200万元"}"#, r#"{"cost":"300万元"}"#]);
    assert_eq!(rows[0]["grants"]["subsidy"], "1000000.00");
    assert_eq!(rows[1]["grants"]["subsidy"], "1500000.00");
}

#[test]
fn a_pool_in_key_order_pays_until_the_budget_runs_out() {
    let src = EVENTS
        .replace("allocate pro_rata", "allocate by score desc")
        .replace("500万元", "400万元");
    // Scores 70, 90, 80 with entitlements 100万, 300万, 200万; budget 400万:
    // 90 → 300万, 80 → the remaining 100万, 70 → 0. Output stays in input order.
    let rows = batch(
        &src,
        &[
            r#"{"cost":"200万元","score":70}"#,
            r#"{"cost":"600万元","score":90}"#,
            r#"{"cost":"400万元","score":80}"#,
        ],
    );
    assert_eq!(rows[0]["grants"]["subsidy"], "0.00");
    assert_eq!(rows[1]["grants"]["subsidy"], "3000000.00");
    assert_eq!(rows[2]["grants"]["subsidy"], "1000000.00");
    assert_eq!(rows[2]["pools"]["events"]["entitled"], "2000000.00");
}

#[test]
fn a_quota_keeps_the_top_share_by_rank() {
    // 附件1-11: A/B/C awards to at most 30% of the registered institutions. Ten
    // institutions, all rated (A 50万): ⌊30% × 10⌋ = 3 keep theirs: scores 10, 9, 8.
    let src = r#"
policy quota { title "服务绩效奖励" }
enum Tier { A "A档"  B "B档"  C "C档" }
input { tier: Tier "评价结果"  score: Int "绩效评分" }
grant award "服务绩效奖励" @"五（二）" {
  amount = match tier { A => 50万元, B => 30万元, C => 10万元 }
}
quota share "服务绩效奖励名额比例不超过入库机构总数的30%" @"五（二）" {
  share 30%
  grants award
  rank by score desc
}
"#;
    let recs: Vec<String> = (1..=10)
        .map(|s| format!(r#"{{"tier":"A","score":{s}}}"#))
        .collect();
    let refs: Vec<&str> = recs.iter().map(|s| s.as_str()).collect();
    let rows = batch(src, &refs);
    let paid: Vec<i64> = rows
        .iter()
        .filter(|r| r["grants"]["award"] != "0.00")
        .map(|r| r["line"].as_i64().unwrap_or(0))
        .collect();
    assert_eq!(paid, vec![8, 9, 10]);
    assert_eq!(rows[0]["pools"]["share"]["entitled"], "500000.00");
    assert_eq!(rows[0]["pools"]["share"]["allocated"], "0.00");
}

#[test]
fn malformed_pools_are_reported() {
    let c = compile_str(
        "p.pol",
        "policy p { title \"t\" }\ninput { x: Money \"x\" }\ngrant g \"g\" @\"1\" { amount = x }\n\
         pool p \"合计\" @\"1\" { grants h }\nquota q \"名额\" @\"1\" { share 30% }\n",
    );
    let codes: Vec<&str> = c.diagnostics.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(
        codes.iter().filter(|c| **c == "E0609").count(),
        3,
        "{codes:?}"
    );
}
