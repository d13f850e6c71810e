//! Series (LPR), interest, tranches, halts, clawbacks and cap overrides,
//! on small policies with hand-computed figures.

use polc::diagnostics::Code;
use polc::driver::compile_str;
use polc::eval::{evaluate, Event, Outcome, TrancheStatus};
use polc::program::Program;
use polc::value::{Date, Value};
use rust_decimal::Decimal;
use std::str::FromStr;

fn program(src: &str) -> Program {
    let c = compile_str("t.pol", src);
    assert!(
        !c.has_errors(),
        "{}",
        polc::diagnostics::render_plain(&c.sources, &c.diagnostics)
    );
    c.program.expect("program")
}

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).expect("decimal")
}

fn date(s: &str) -> Value {
    Value::Date(Date::parse(s).expect("date"))
}

fn money(s: &str) -> Value {
    Value::Money(d(s))
}

fn run(p: &Program, inputs: &[Value]) -> Outcome {
    evaluate(p, inputs, true).expect("evaluation")
}

const LPR_POLICY: &str = r#"
policy t { title "t" }
use std::lpr
input { principal: Money "本金"  on: Date "放款日" }
let rate = lpr::one_year(on) "一年期LPR"
grant year "全年贴息" @"五" {
  amount = interest(principal, rate, 2026-01-01, 2027-01-01)
}
grant capped "LPR×70%且不超过2%" @"七" {
  amount = interest(principal, min(rate * 70%, 2%), 2026-01-01, 2027-01-01, basis: 365)
}
grant plus "不高于LPR+100BP" @"十" {
  require 3.5% <= rate + 100bp @"十" "合同利率不高于LPR+100BP"
  amount = principal * 2%
}
"#;

#[test]
fn loans_either_side_of_an_lpr_change_use_their_own_fixing() {
    let p = program(LPR_POLICY);
    // Disbursed 2024-10-20: the 2024-07-22 fixing (3.35%) is still in force.
    let out = run(&p, &[money("10000000"), date("2024-10-20")]);
    // 1000万 × 3.35% × 365 ÷ 360 = 339,652.777… → 339,652.78
    assert_eq!(out.grants[0].amount, d("339652.78"));
    let fixing = out.grants[0].events.iter().find_map(|e| match e {
        Event::Fixing { fixing, value, .. } => Some((fixing.to_string(), value.clone())),
        _ => None,
    });
    assert_eq!(
        fixing,
        Some(("2024-07-22".to_string(), Value::Rate(d("0.0335"))))
    );
    // Disbursed 2024-10-21: the new 3.10% fixing applies that very day.
    let out = run(&p, &[money("10000000"), date("2024-10-21")]);
    // 1000万 × 3.10% × 365 ÷ 360 = 314,305.555… → 314,305.56
    assert_eq!(out.grants[0].amount, d("314305.56"));
}

#[test]
fn seventy_percent_of_the_lpr_is_capped_at_two_percent() {
    let p = program(LPR_POLICY);
    // 2025-06-01: LPR 3.00% × 70% = 2.10% > 2% → 2%; 1000万 × 2% × 365/365 = 20万
    let out = run(&p, &[money("10000000"), date("2025-06-01")]);
    assert_eq!(out.grants[1].amount, d("200000"));
    // 2019-09-01: LPR 4.25% × 70% = 2.975% → 2% as well; 2020-05-01: 3.85% × 70% = 2.695% → 2%.
    // None below 2% in the series: 3.00% is the lowest, 2.1%.
    let interest = out.grants[1].events.iter().find_map(|e| match e {
        Event::Interest {
            days, basis, rate, ..
        } => Some((*days, *basis, *rate)),
        _ => None,
    });
    assert_eq!(interest, Some((365, 365, d("0.02"))));
}

#[test]
fn basis_points_add_to_a_rate() {
    let p = program(LPR_POLICY);
    // 2024-10-21: 3.10% + 100bp = 4.10% ≥ 3.5%: eligible; 1000万 × 2% = 20万
    assert_eq!(
        run(&p, &[money("10000000"), date("2024-10-21")]).grants[2].amount,
        d("200000")
    );
    // 2025-06-01: 3.00% + 1.00% = 4.00% ≥ 3.5% too. A contract above is tested in the policies.
}

#[test]
fn a_lookup_before_the_first_fixing_is_a_runtime_error_with_the_span() {
    let p = program(LPR_POLICY);
    let e = evaluate(&p, &[money("1"), date("2019-08-19")], false).expect_err("error");
    assert_eq!(e.code, Code::SeriesBefore);
    assert!(e.message.contains("2019-08-20"), "{}", e.message);
}

#[test]
fn interest_over_an_empty_or_reversed_period_is_zero() {
    let p = program(
        r#"policy t { title "t" }
input { from: Date "起"  to: Date "止" }
grant g "g" @"1" { amount = interest(100万元, 2%, from, to) }"#,
    );
    assert_eq!(
        run(&p, &[date("2026-05-01"), date("2026-04-01")]).total,
        d("0")
    );
    // 100万 × 2% × 30 ÷ 360 = 1,666.666… → 1,666.67
    assert_eq!(
        run(&p, &[date("2026-04-01"), date("2026-05-01")]).total,
        d("1666.67")
    );
}

const STAGED: &str = r#"
policy t { title "t" }
input {
  cost:         Money          "研制开发支出"
  signed:       Bool           "合同书签订生效"
  midterm_ok:   Bool = false   "中期评估合格"
  midterm_late: Bool = false   "中期目标未按时达成"
  concluded:    Bool = true    "按期结项"
  first_paid:   Bool = false   "首期已拨付"
  second_paid:  Bool = false   "二期已拨付"
  approved:     Bool = false   "经请示省政府同意"
}
grant g "攻关补助" @"五" {
  amount = cost * 20%
  cap 1000万元 "补助上限" @"五" unless approved "经请示省政府同意，可突破资金支持上限"
  tranche first  "合同书签订生效后拨付50%" @"五" on signed     pay 50%  paid first_paid
  tranche second "中期评估合格后拨付50%"   @"五" on midterm_ok pay rest paid second_paid
  halt when midterm_late "中期目标未按时达成，停拨剩余补助资金" @"五"
  clawback when not concluded return paid "揭榜任务未能按期结项，全额返还" @"五"
}
"#;

fn staged(inputs: &[(&str, Value)]) -> Outcome {
    let p = program(STAGED);
    let mut v = vec![Value::Absent; p.inputs.len()];
    for (name, val) in inputs {
        let i = p.input_index(name).expect("input");
        v[i] = val.clone();
    }
    run(&p, &v)
}

#[test]
fn tranches_split_the_grant_and_follow_their_milestones() {
    // 3000万 × 20% = 600万: 300万 on signing, the rest (300万) after the review.
    let out = staged(&[("cost", money("30000000")), ("signed", Value::Bool(true))]);
    let s = out.grants[0].schedule.as_ref().expect("schedule");
    assert_eq!(s.tranches[0].amount, d("3000000"));
    assert_eq!(s.tranches[0].status, TrancheStatus::Payable);
    assert_eq!(s.tranches[1].amount, d("3000000"));
    assert_eq!(s.tranches[1].status, TrancheStatus::Waiting);
    assert_eq!(
        (s.payable, s.waiting, s.to_return),
        (d("3000000"), d("3000000"), d("0"))
    );
}

#[test]
fn a_halt_cancels_what_is_not_paid() {
    let out = staged(&[
        ("cost", money("30000000")),
        ("signed", Value::Bool(true)),
        ("first_paid", Value::Bool(true)),
        ("midterm_late", Value::Bool(true)),
    ]);
    let s = out.grants[0].schedule.as_ref().expect("schedule");
    assert_eq!(s.tranches[0].status, TrancheStatus::Paid);
    assert_eq!(s.tranches[1].status, TrancheStatus::Cancelled);
    assert_eq!(
        (s.paid, s.cancelled, s.to_return),
        (d("3000000"), d("3000000"), d("0"))
    );
    assert_eq!(s.halted_by, vec![0]);
}

#[test]
fn a_clawback_returns_everything_paid() {
    let out = staged(&[
        ("cost", money("30000000")),
        ("signed", Value::Bool(true)),
        ("midterm_ok", Value::Bool(true)),
        ("first_paid", Value::Bool(true)),
        ("second_paid", Value::Bool(true)),
        ("concluded", Value::Bool(false)),
    ]);
    let s = out.grants[0].schedule.as_ref().expect("schedule");
    assert_eq!(s.paid, d("6000000"));
    assert_eq!(s.to_return, d("6000000"));
    assert_eq!(s.clawed_back_by, vec![(0, d("6000000"))]);
}

#[test]
fn an_override_lifts_the_cap_and_says_so() {
    // 8000万 × 20% = 1600万: capped at 1000万, unless the province approved.
    let out = staged(&[("cost", money("80000000")), ("signed", Value::Bool(true))]);
    assert_eq!(out.grants[0].amount, d("10000000"));
    assert!(out.grants[0].caps[0].bound && !out.grants[0].caps[0].lifted);
    let out = staged(&[
        ("cost", money("80000000")),
        ("signed", Value::Bool(true)),
        ("approved", Value::Bool(true)),
    ]);
    assert_eq!(out.grants[0].amount, d("16000000"));
    assert!(out.grants[0].caps[0].lifted && !out.grants[0].caps[0].bound);
}

#[test]
fn a_fixed_first_tranche_above_the_final_grant_is_returned() {
    // 附件1-12: 10% of the approved investment up front, then up to 20% of the
    // actual investment in total. Approved 1亿 (1000万 paid), actual 4000万:
    // total 20% × 4000万 = 800万, so 200万 was overpaid and the rest is 0.
    let p = program(
        r#"policy t { title "t" }
input {
  approved: Money "核定投资额"
  actual: Money? "项目实际投资额"
  issued: Bool "任务书下发"
  accepted: Bool = false "通过验收"
}
grant g "协同攻关补助" @"五" {
  let first = approved * 10% "先行补助"
  amount = if present(actual) then min(first + actual * 10%, actual * 20%) else first
  tranche upfront "任务书下发后先行补助" @"五" on issued pay first paid issued
  tranche top_up "通过验收后补足剩余部分" @"五" on accepted pay rest
}"#,
    );
    let out = run(
        &p,
        &[
            money("100000000"),
            money("40000000"),
            Value::Bool(true),
            Value::Bool(true),
        ],
    );
    assert_eq!(out.grants[0].amount, d("8000000"));
    let s = out.grants[0].schedule.as_ref().expect("schedule");
    assert_eq!(s.tranches[0].amount, d("10000000"));
    assert_eq!(s.tranches[1].amount, d("0"));
    assert_eq!((s.overpaid, s.to_return), (d("2000000"), d("2000000")));
    // Before acceptance only the first tranche is known.
    let out = run(
        &p,
        &[
            money("100000000"),
            Value::Absent,
            Value::Bool(true),
            Value::Bool(false),
        ],
    );
    assert_eq!(out.grants[0].amount, d("10000000"));
}

#[test]
fn a_tranche_can_record_the_amount_actually_paid() {
    // Grant 20% of cost; first tranche 50% computed, but 350万 was actually
    // disbursed before the cost figure was revised down to 3000万 (grant 600万):
    // the rest is 600万 − 350万 = 250万.
    let p = program(
        r#"policy t { title "t" }
input { cost: Money "支出"  first_amount: Money? "首期实际拨付"  accepted: Bool "验收" }
grant g "g" @"五" {
  amount = cost * 20%
  tranche first "首期" @"五" on true pay 50% paid first_amount
  tranche second "二期" @"五" on accepted pay rest
}"#,
    );
    let out = run(
        &p,
        &[money("30000000"), money("3500000"), Value::Bool(true)],
    );
    let s = out.grants[0].schedule.as_ref().expect("schedule");
    assert_eq!(
        (s.tranches[0].amount, s.tranches[0].status),
        (d("3500000"), TrancheStatus::Paid)
    );
    assert_eq!(
        (s.tranches[1].amount, s.tranches[1].status),
        (d("2500000"), TrancheStatus::Payable)
    );
    // Revised down to 1000万 (grant 200万): 150万 overpaid must come back.
    let out = run(
        &p,
        &[money("10000000"), money("3500000"), Value::Bool(true)],
    );
    let s = out.grants[0].schedule.as_ref().expect("schedule");
    assert_eq!(
        (s.tranches[1].amount, s.overpaid, s.to_return),
        (d("0"), d("1500000"), d("1500000"))
    );
    // Not paid yet: the computed 50%.
    let out = run(&p, &[money("30000000"), Value::Absent, Value::Bool(false)]);
    let s = out.grants[0].schedule.as_ref().expect("schedule");
    assert_eq!(
        (s.tranches[0].amount, s.tranches[0].status),
        (d("3000000"), TrancheStatus::Payable)
    );
}

/// Found by the property tests: a fixed tranche not yet paid could exceed a
/// smaller final grant. It is cut to what is left of the grant; only a tranche
/// already paid can be overpaid.
#[test]
fn an_unpaid_fixed_tranche_is_cut_to_what_is_left_of_the_grant() {
    let p = program(
        r#"policy t { title "t" }
input { advance: Money "首批"  investment: Money "投资"  first_paid: Bool = false "首批已拨付" }
grant g "g" @"十二" {
  amount = investment * 10%
  tranche first "首批" @"十二" on true pay advance paid first_paid
  tranche rest "其余" @"十二" on false pay rest
}"#,
    );
    // Grant 10% × 100万 = 10万; the first batch would be 30万 but is not paid yet: 10万, nothing left.
    let out = run(&p, &[money("300000"), money("1000000"), Value::Bool(false)]);
    let s = out.grants[0].schedule.as_ref().expect("schedule");
    assert_eq!(
        (s.tranches[0].amount, s.tranches[1].amount),
        (d("100000"), d("0"))
    );
    assert_eq!(
        (s.payable, s.overpaid, s.to_return),
        (d("100000"), d("0"), d("0"))
    );
    // Already paid: 30万 paid against a 10万 grant, 20万 overpaid and to be returned.
    let out = run(&p, &[money("300000"), money("1000000"), Value::Bool(true)]);
    let s = out.grants[0].schedule.as_ref().expect("schedule");
    assert_eq!(
        (s.paid, s.overpaid, s.to_return),
        (d("300000"), d("200000"), d("200000"))
    );
}
