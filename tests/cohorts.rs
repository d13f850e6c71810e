//! The program-wide limits of the shipped policies over hand-computed cohorts:
//! 附件1-8's 500万元 pool, 附件1-9's 200万元 pool and 附件1-11's 30% quota.

use polc::batch::{run, Options};
use polc::driver::compile_str;

fn batch(policy: &str, records: &[String]) -> Vec<serde_json::Value> {
    let path = format!(
        "{}/policies/000-zhizao-2026/{policy}",
        env!("CARGO_MANIFEST_DIR")
    );
    let c = compile_str(policy, &std::fs::read_to_string(&path).expect("policy"));
    let prog = c.program.expect("shipped policy compiles");
    let input = records.join("\n");
    let mut out = Vec::new();
    run(
        &prog,
        input.as_bytes(),
        &mut out,
        &Options::default(),
        |e| panic!("bad record {e:?}"),
        |_| {},
    )
    .expect("batch");
    String::from_utf8(out)
        .expect("utf8")
        .lines()
        .map(|l| serde_json::from_str(l).expect("row"))
        .collect()
}

fn event(role: &str, extra: &str) -> String {
    format!(
        r#"{{"docking_role":"{role}","event_held_on":"2026-05-20","cross_regional":true,"docking_event":true,"participating_enterprises":45,"new_orders_in_province":"8000万元"{extra}}}"#
    )
}

#[test]
fn matchmaking_events_share_500_wan_pro_rata() {
    // Organisers' costs 400万, 300万, 200万 → 50%: 200万, 150万, 100万; an enterprise's
    // single 8000万 order → 5%: 400万. Entitled 850万 > 500万: each × 500/850 = 10/17,
    // rounded down to 分: 1,176,470.58; 882,352.94; 588,235.29; 2,352,941.17.
    let rows = batch(
        "1-08-matchmaking-events.pol",
        &[
            event("Organiser", r#","meeting_cost":"400万元""#),
            event("Organiser", r#","meeting_cost":"300万元""#),
            event("Organiser", r#","meeting_cost":"200万元""#),
            event("OrderingEnterprise", r#","sales_orders":["8000万元"]"#),
        ],
    );
    assert_eq!(rows[0]["grants"]["organiser_subsidy"], "1176470.58");
    assert_eq!(rows[1]["grants"]["organiser_subsidy"], "882352.94");
    assert_eq!(rows[2]["grants"]["organiser_subsidy"], "588235.29");
    assert_eq!(rows[3]["grants"]["order_reward"], "2352941.17");
    assert_eq!(rows[3]["pools"]["events"]["entitled"], "4000000.00");
    // The pool is never exceeded: 4,999,999.98 ≤ 5,000,000.
    let sum: rust_decimal::Decimal = rows
        .iter()
        .map(|r| {
            r["total"]
                .as_str()
                .unwrap_or("0")
                .parse::<rust_decimal::Decimal>()
                .unwrap_or_default()
        })
        .sum();
    assert_eq!(sum.to_string(), "4999999.98");
}

#[test]
fn delegations_share_200_wan() {
    let d = |amount: &str| {
        format!(
            r#"{{"cooperation_abroad":true,"in_work_plan":true,"approved_subsidy":"{amount}"}}"#
        )
    };
    // 80万 + 70万 + 50万 = 200万: within the budget, paid as assessed.
    let rows = batch(
        "1-09-international-cooperation.pol",
        &[d("80万元"), d("70万元"), d("50万元")],
    );
    assert_eq!(rows[0]["grants"]["delegation_subsidy"], "800000.00");
    assert_eq!(rows[2]["grants"]["delegation_subsidy"], "500000.00");
    // 100万 + 100万 + 50万 = 250万 > 200万: × 0.8 → 80万, 80万, 40万.
    let rows = batch(
        "1-09-international-cooperation.pol",
        &[d("100万元"), d("100万元"), d("50万元")],
    );
    assert_eq!(rows[0]["grants"]["delegation_subsidy"], "800000.00");
    assert_eq!(rows[1]["grants"]["delegation_subsidy"], "800000.00");
    assert_eq!(rows[2]["grants"]["delegation_subsidy"], "400000.00");
}

#[test]
fn performance_awards_go_to_at_most_30_percent_of_the_library() {
    // Ten institutions of the library: grades A, B, A, C, B, C, C, B, C and one below C.
    // ⌊30% × 10⌋ = 3 awards, by grade then batch order: the two A (lines 1 and 3,
    // 50万 each) and the first B (line 2, 30万); everyone else 0.
    let grades = [
        "GradeA", "GradeB", "GradeA", "GradeC", "GradeB", "GradeC", "GradeC", "GradeB", "GradeC",
        "BelowC",
    ];
    let recs: Vec<String> = grades
        .iter()
        .map(|g| {
            format!(
                r#"{{"service_programme":"SocialInstitution","application_date":"2026-04-15","in_quality_library":true,"institution_kind":"SocialService","annual_service_plan":true,"service_spending":"20万元","quarterly_tracking":true,"performance_grade":"{g}"}}"#
            )
        })
        .collect();
    let rows = batch("1-11-sme-service-system.pol", &recs);
    let awards: Vec<&str> = rows
        .iter()
        .map(|r| r["grants"]["social_institution"].as_str().unwrap_or("?"))
        .collect();
    assert_eq!(
        awards,
        [
            "500000.00",
            "300000.00",
            "500000.00",
            "0.00",
            "0.00",
            "0.00",
            "0.00",
            "0.00",
            "0.00",
            "0.00"
        ]
    );
    // Entitled before the quota, not after: line 4 (C) was entitled to 10万.
    assert_eq!(
        rows[3]["pools"]["performance_awards"]["entitled"],
        "100000.00"
    );
    assert_eq!(rows[3]["pools"]["performance_awards"]["allocated"], "0.00");
}
