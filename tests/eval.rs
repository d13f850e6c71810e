//! Interpreter tests: small policies evaluated on values, checking exact
//! amounts, the trace (which cap bound, which requirement failed) and runtime
//! errors with their spans.

use polc::diagnostics::Code;
use polc::driver::compile_str;
use polc::eval::{evaluate, GrantStatus, Outcome, RuntimeError};
use polc::program::Program;
use polc::value::{Date, Value};
use rust_decimal::Decimal;
use std::str::FromStr;

fn program(src: &str) -> Program {
    let c = compile_str("t.pol", src);
    let errors: Vec<_> = c.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert!(
        errors.is_empty(),
        "{}",
        polc::diagnostics::render_plain(&c.sources, &c.diagnostics)
    );
    c.program.expect("program")
}

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).expect("decimal")
}

fn money(s: &str) -> Value {
    Value::Money(d(s))
}

fn date(s: &str) -> Value {
    Value::Date(Date::parse(s).expect("date"))
}

fn run(p: &Program, inputs: &[Value]) -> Outcome {
    evaluate(p, inputs, true).expect("evaluation")
}

fn run_err(p: &Program, inputs: &[Value]) -> RuntimeError {
    evaluate(p, inputs, false).expect_err("an error")
}

const HEADER: &str = "policy t { title \"t\" }\n";

#[test]
fn rounds_half_up_to_fen_after_caps() {
    let p = program(&format!(
        "{HEADER}input {{ base: Money \"基数\" }}\ngrant g \"g\" @\"1\" {{ amount = base * 5% \n cap 1000万元 \"上限\" }}\n"
    ));
    // 12,345,678.90 × 5% = 617,283.945 → 617,283.95 (half-up at 分)
    let out = run(&p, &[money("12345678.90")]);
    assert_eq!(out.grants[0].amount, d("617283.95"));
    assert_eq!(out.grants[0].before_limits, d("617283.9450"));
    assert!(!out.grants[0].caps[0].bound);
}

#[test]
fn stated_rounding_is_applied() {
    let p = program(&format!(
        "{HEADER}input {{ base: Money \"基数\" }}\ngrant g \"g\" @\"1\" {{ amount = base * 3% \n round 元 down }}\n"
    ));
    // 33,333.33 × 3% = 999.9999 → 999 (down to 元)
    assert_eq!(run(&p, &[money("33333.33")]).grants[0].amount, d("999"));
    let p = program(&format!(
        "{HEADER}input {{ base: Money \"基数\" }}\ngrant g \"g\" @\"1\" {{ amount = base * 3% \n round 万元 half_up }}\n"
    ));
    // 1,850,000 × 3% = 55,500 → 60,000 (half-up to 万元)
    assert_eq!(run(&p, &[money("1850000")]).grants[0].amount, d("60000"));
}

#[test]
fn the_smallest_cap_binds_and_is_recorded() {
    let p = program(&format!(
        "{HEADER}input {{ cost: Money \"费用\" }}\ngrant g \"g\" @\"1\" {{ amount = cost * 40% \n cap cost * 30% \"费用30%\" \n cap 50万元 \"50万元\" }}\n"
    ));
    // 100万 × 40% = 40万; caps 30万 and 50万: the 30% cap binds.
    let out = run(&p, &[money("1000000")]);
    let g = &out.grants[0];
    assert_eq!(g.amount, d("300000"));
    assert!(g.caps[0].bound && !g.caps[1].bound);
    // 500万 × 40% = 200万; caps 150万 and 50万: the 50万 cap binds.
    let out = run(&p, &[money("5000000")]);
    assert_eq!(out.grants[0].amount, d("500000"));
    assert!(!out.grants[0].caps[0].bound && out.grants[0].caps[1].bound);
}

#[test]
fn a_cap_exactly_equal_to_the_amount_does_not_bind() {
    let p = program(&format!(
        "{HEADER}input {{ base: Money \"基数\" }}\ngrant g \"g\" @\"1\" {{ amount = base * 5% \n cap 1000万元 \"上限\" }}\n"
    ));
    let out = run(&p, &[money("200000000")]);
    assert_eq!(out.grants[0].amount, d("10000000"));
    assert!(!out.grants[0].caps[0].bound);
}

#[test]
fn floors_and_negative_amounts() {
    let p = program(&format!(
        "{HEADER}input {{ a: Money \"a\"\n b: Money \"b\" }}\ngrant g \"g\" @\"1\" {{ amount = a - b \n floor 1元 \"下限\" }}\ngrant h \"h\" @\"1\" {{ amount = a - b }}\n"
    ));
    let out = run(&p, &[money("100"), money("300")]);
    assert_eq!(out.grants[0].amount, d("1"));
    assert!(out.grants[0].floors[0].bound);
    assert_eq!(out.grants[1].amount, d("0"));
    assert!(out.grants[1].clamped_to_zero);
}

#[test]
fn every_failed_requirement_is_reported() {
    let p = program(&format!(
        "{HEADER}input {{ inv: Money \"核定总投资\"\n ok: Bool \"手续齐全\" }}\neligible {{\n require inv >= 500万元 @\"三（四）\" \"门槛\"\n require ok @\"三（三）\" \"手续\"\n}}\ngrant g \"g\" @\"1\" {{ amount = inv * 10% }}\n"
    ));
    let out = run(&p, &[money("4999999.99"), Value::Bool(false)]);
    assert!(!out.eligible);
    assert_eq!(
        out.failed_names(&p),
        vec!["门槛（三（四））", "手续（三（三））"]
    );
    assert_eq!(out.grants[0].status, GrantStatus::Ineligible);
    assert_eq!(out.total, d("0"));
    // The comparison's figures are in the trace.
    let fact = &out.requirements[0].facts[0];
    assert_eq!(fact.lhs, money("4999999.99"));
    assert_eq!(fact.rhs, money("5000000"));
    assert!(!fact.holds);
    // At the threshold it passes.
    assert!(run(&p, &[money("5000000"), Value::Bool(true)]).eligible);
}

#[test]
fn three_years_is_read_on_the_calendar() {
    let p = program(&format!(
        "{HEADER}input {{ s: Date \"开工\"\n e: Date \"投产\" }}\neligible {{ require e - s <= 3 years @\"三（二）\" \"3年内\" }}\ngrant g \"g\" @\"1\" {{ amount = 1元 }}\n"
    ));
    assert!(run(&p, &[date("2023-03-01"), date("2026-03-01")]).eligible);
    assert!(!run(&p, &[date("2023-03-01"), date("2026-03-02")]).eligible);
    // Across a leap day: 2024-02-29 + 3 years = 2027-02-28.
    assert!(run(&p, &[date("2024-02-29"), date("2027-02-28")]).eligible);
    assert!(!run(&p, &[date("2024-02-29"), date("2027-03-01")]).eligible);
}

#[test]
fn records_lists_and_comprehensions() {
    let p = program(&format!(
        "{HEADER}record Loan \"贷款\" {{ amount: Money \"金额\"\n on: Date \"发放日\"\n elsewhere: Bool \"已获其他贴息\" }}\n\
         input {{ loans: [Loan] \"贷款\" }}\n\
         let eligible_loans = sum(for l in loans where year(l.on) == 2025 and not l.elsewhere => l.amount) \"合规贷款\"\n\
         let n = count(for l in loans where l.elsewhere)\n\
         grant g \"g\" @\"1\" {{ amount = eligible_loans * 2% \n cap 50万元 \"上限\" }}\n\
         grant h \"h\" @\"1\" {{ amount = n * 1元 }}\n"
    ));
    let loan =
        |a: &str, on: &str, e: bool| Value::Record(vec![money(a), date(on), Value::Bool(e)].into());
    let loans = Value::List(
        vec![
            loan("1000000", "2025-01-01", false),
            loan("2000000", "2024-12-31", false),
            loan("3000000", "2025-12-31", true),
            loan("500000", "2025-06-30", false),
        ]
        .into(),
    );
    let out = run(&p, &[loans]);
    // (100万 + 50万) × 2% = 3万
    assert_eq!(out.grants[0].amount, d("30000"));
    assert_eq!(out.grants[1].amount, d("1"));
    // An empty list sums to zero.
    let out = run(&p, &[Value::List(Vec::new().into())]);
    assert_eq!(out.grants[0].amount, d("0"));
}

#[test]
fn tables_matches_and_defaults() {
    let p = program(&format!(
        "{HEADER}use std::liaoning::{{City}}\n\
         table reward: City -> Money \"季度奖励\" @\"五\" {{ 沈阳, 大连 => 200万元\n 鞍山, 营口, 盘锦 => 150万元\n _ => 100万元 }}\n\
         input {{ city: City \"城市\"\n quarters: Int = 1 \"达标季度数\" }}\n\
         grant g \"g\" @\"五\" {{ amount = reward(city) * quarters }}\n"
    ));
    let city = |name: &str| {
        let e = p.enums.iter().position(|e| e.name == "City").expect("City") as u32;
        let v = p.enums[e as usize]
            .variants
            .iter()
            .position(|v| v.name == name)
            .expect("variant") as u32;
        Value::Enum(e, v)
    };
    assert_eq!(run(&p, &[city("大连"), Value::Absent]).total, d("2000000"));
    assert_eq!(run(&p, &[city("盘锦"), Value::Int(4)]).total, d("6000000"));
    assert_eq!(run(&p, &[city("朝阳"), Value::Int(2)]).total, d("2000000"));
}

#[test]
fn when_selects_and_grant_requirements_fail_alone() {
    let p = program(&format!(
        "{HEADER}enum Kind {{ A \"甲\"\n B \"乙\" }}\ninput {{ k: Kind \"申报类别\"\n fee: Money \"服务费\" }}\n\
         grant a \"甲类\" @\"1\" {{ when k == A \n require fee >= 10万元 @\"三\" \"服务费不少于10万元\"\n amount = fee * 30% \n cap 30万元 \"上限\" }}\n\
         grant b \"乙类\" @\"2\" {{ when k == B \n amount = 1万元 }}\n"
    ));
    let out = run(&p, &[Value::Enum(0, 0), money("99999.99")]);
    assert!(out.eligible);
    assert_eq!(out.grants[0].status, GrantStatus::Ineligible);
    assert_eq!(out.grants[1].status, GrantStatus::NotApplicable);
    assert_eq!(out.failed_names(&p), vec!["服务费不少于10万元（三）"]);
    let out = run(&p, &[Value::Enum(0, 0), money("100000")]);
    assert_eq!(out.grants[0].amount, d("30000"));
}

#[test]
fn overflow_is_an_error_with_a_span() {
    let p = program(&format!(
        "{HEADER}input {{ a: Money \"a\" }}\ngrant g \"g\" @\"1\" {{ amount = a * 1000000000000 }}\n"
    ));
    let e = run_err(&p, &[money("79228162514264337593543950")]);
    assert_eq!(e.code, Code::Overflow);
    assert!(e.span.end > e.span.start);
}

#[test]
fn division_by_zero_is_an_error() {
    let p = program(&format!(
        "{HEADER}input {{ a: Money \"a\"\n b: Money \"b\" }}\nlet ratio = a / b\ngrant g \"g\" @\"1\" {{ amount = a * ratio }}\n"
    ));
    let e = run_err(&p, &[money("1"), money("0")]);
    assert_eq!(e.code, Code::DivZero);
}

#[test]
fn a_missing_optional_is_an_error_unless_handled() {
    let p = program(&format!(
        "{HEADER}input {{ loan: Money? \"贷款\" }}\ngrant g \"g\" @\"1\" {{ amount = loan * 2% }}\ngrant h \"h\" @\"1\" {{ amount = (loan ?? 0元) * 2% }}\n"
    ));
    let e = run_err(&p, &[Value::Absent]);
    assert_eq!(e.code, Code::MissingValue);
    assert!(e.message.contains("`loan` (贷款)"), "{}", e.message);
    let out = run(&p, &[money("100")]);
    assert_eq!(out.total, d("4"));
}

#[test]
fn min_of_an_empty_list_is_an_error() {
    let p = program(&format!(
        "{HEADER}input {{ xs: [Money] \"金额\" }}\ngrant g \"g\" @\"1\" {{ amount = min(xs) }}\n"
    ));
    assert_eq!(
        run_err(&p, &[Value::List(Vec::new().into())]).code,
        Code::EmptyList
    );
}

#[test]
fn date_arithmetic_out_of_range_is_an_error() {
    let p = program(&format!(
        "{HEADER}input {{ s: Date \"日期\" }}\neligible {{ require s + 3 years > 2026-01-01 @\"1\" \"x\" }}\ngrant g \"g\" @\"1\" {{ amount = 1元 }}\n"
    ));
    assert_eq!(run_err(&p, &[date("9998-06-01")]).code, Code::DateRange);
}

#[test]
fn definitions_are_evaluated_once_and_shared() {
    let p = program(&format!(
        "{HEADER}input {{ a: Money \"a\" }}\nlet half = a * 50% \"一半\"\ngrant g \"g\" @\"1\" {{ amount = half }}\ngrant h \"h\" @\"1\" {{ amount = half + half }}\n"
    ));
    let out = run(&p, &[money("10.01")]);
    // 5.005 → 5.01 (g); 10.01 (h): each grant rounds its own exact amount.
    assert_eq!(out.grants[0].amount, d("5.01"));
    assert_eq!(out.grants[1].amount, d("10.01"));
    assert_eq!(out.total, d("15.02"));
}
