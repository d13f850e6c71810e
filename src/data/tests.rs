use super::json::{parse, JsonKind, MAX_DEPTH};
use super::*;
use crate::program::{EnumDef, Expr, ExprKind, FieldDef, InputDef, RecordDef, VariantDef};
use crate::span::Span;
use std::str::FromStr;

fn dec(s: &str) -> Decimal {
    match Decimal::from_str_exact(s) {
        Ok(d) => d,
        Err(e) => panic!("bad test decimal {s}: {e}"),
    }
}

fn input(name: &str, ty: Type, label: &str) -> InputDef {
    InputDef {
        name: name.to_string(),
        ty,
        label: Some(label.to_string()),
        default: None,
        span: Span::default(),
    }
}

fn field(name: &str, ty: Type, label: &str) -> FieldDef {
    FieldDef {
        name: name.to_string(),
        ty,
        label: Some(label.to_string()),
    }
}

fn opt(t: Type) -> Type {
    Type::Optional(Box::new(t))
}

/// A program with one input of every kind.
fn program() -> Program {
    let mut employees = input("employees", Type::Int, "职工人数");
    employees.default = Some(Expr {
        kind: ExprKind::Lit(Value::Int(0)),
        ty: Type::Int,
        span: Span::default(),
    });
    Program {
        enums: vec![EnumDef {
            name: "ProjectKind".to_string(),
            label: Some("项目类型".to_string()),
            variants: vec![
                VariantDef {
                    name: "NewBuild".to_string(),
                    label: Some("新建项目".to_string()),
                },
                VariantDef {
                    name: "Expansion".to_string(),
                    label: Some("改扩建项目".to_string()),
                },
            ],
            span: Span::default(),
        }],
        records: vec![RecordDef {
            name: "Loan".to_string(),
            label: Some("贷款".to_string()),
            fields: vec![
                field("bank", Type::Text, "贷款银行"),
                field("amount", Type::Money, "贷款金额"),
                field("rate", Type::Rate, "贷款利率"),
                field("due", opt(Type::Date), "到期日"),
            ],
            span: Span::default(),
        }],
        inputs: vec![
            input("approved_investment", Type::Money, "核定总投资"),
            input("kind", Type::Enum(0), "项目类型"),
            input("loans", Type::List(Box::new(Type::Record(0))), "贷款"),
            employees,
            input("high_tech", Type::Bool, "高新技术企业"),
            input("start_date", Type::Date, "开工日期"),
            input("period", opt(Type::Duration), "建设期"),
            input("note", opt(Type::Text), "备注"),
            input("ratio", Type::Decimal, "占比"),
            input("subsidy_rate", Type::Rate, "补贴比例"),
        ],
        ..Program::default()
    }
}

const GOOD: &str = r#"{
  "approved_investment": "800万元",
  "kind": "新建项目",
  "loans": [
    {"bank": "工商银行", "amount": "1.5亿元", "rate": "3.45%", "due": "2028-06-30"},
    {"bank": "建设银行", "amount": 12345678901234567890.12, "rate": "100bp", "due": null}
  ],
  "high_tech": true,
  "start_date": "2024-02-29",
  "period": "1 year 6 months",
  "ratio": 0.125,
  "subsidy_rate": "0.5‰"
}"#;

fn ok(p: &Program, text: &str) -> Vec<Value> {
    match decode_applicant(p, text) {
        Ok(v) => v,
        Err(e) => panic!("unexpected errors: {e:#?}"),
    }
}

fn errs(p: &Program, text: &str) -> Vec<DataError> {
    match decode_applicant(p, text) {
        Ok(v) => panic!("expected errors, got {v:?}"),
        Err(e) => e,
    }
}

/// The single error at `path`, asserting its message contains `fragment`.
fn error_at<'a>(errors: &'a [DataError], path: &str, fragment: &str) -> &'a DataError {
    let found: Vec<&DataError> = errors.iter().filter(|e| e.path == path).collect();
    let [e] = found.as_slice() else {
        panic!("expected one error at {path}, got {errors:#?}");
    };
    assert!(
        e.message.contains(fragment),
        "message {:?} lacks {fragment:?}",
        e.message
    );
    assert!(!e.message.ends_with('.'), "trailing period: {}", e.message);
    e
}

/// A complete valid document with `key` replaced by `json` (or removed when `None`).
fn with(key: &str, json: Option<&str>) -> String {
    let mut members = vec![
        ("approved_investment", "\"800万元\""),
        ("kind", "\"NewBuild\""),
        ("loans", "[]"),
        ("high_tech", "false"),
        ("start_date", "\"2026-01-01\""),
        ("ratio", "1"),
        ("subsidy_rate", "\"5%\""),
    ];
    members.retain(|(k, _)| *k != key);
    let mut parts: Vec<String> = members
        .iter()
        .map(|(k, v)| format!("\"{k}\": {v}"))
        .collect();
    if let Some(j) = json {
        parts.push(format!("\"{key}\": {j}"));
    }
    format!("{{{}}}", parts.join(", "))
}

fn single(key: &str, json: &str) -> Vec<DataError> {
    errs(&program(), &with(key, Some(json)))
}

fn money_of(json: &str) -> Value {
    let values = ok(&program(), &with("approved_investment", Some(json)));
    values.first().cloned().unwrap_or(Value::Absent)
}

// ---------------------------------------------------------------------------
// Decoding: accepted forms

#[test]
fn decodes_every_kind_of_input() {
    let p = program();
    let v = ok(&p, GOOD);
    assert_eq!(v.len(), p.inputs.len());
    assert_eq!(v[0], Value::Money(Decimal::from(8_000_000)));
    assert_eq!(v[1], Value::Enum(0, 0));
    let Value::List(loans) = &v[2] else {
        panic!("{:?}", v[2])
    };
    assert_eq!(loans.len(), 2);
    let Value::Record(first) = &loans[0] else {
        panic!()
    };
    assert_eq!(first[0], Value::Text(Arc::from("工商银行")));
    assert_eq!(first[1], Value::Money(Decimal::from(150_000_000)));
    assert_eq!(first[2], Value::Rate(dec("0.0345")));
    assert_eq!(
        first[3],
        Value::Date(Date::from_ymd(2028, 6, 30).unwrap_or_else(|| panic!()))
    );
    let Value::Record(second) = &loans[1] else {
        panic!()
    };
    assert_eq!(second[1], Value::Money(dec("12345678901234567890.12")));
    assert_eq!(second[2], Value::Rate(dec("0.01")));
    assert_eq!(second[3], Value::Absent);
    // Defaulted and absent: the evaluator applies the default.
    assert_eq!(v[3], Value::Absent);
    assert_eq!(v[4], Value::Bool(true));
    assert_eq!(
        v[5],
        Value::Date(Date::from_ymd(2024, 2, 29).unwrap_or_else(|| panic!()))
    );
    assert_eq!(v[6], Value::Duration(Duration::months(18)));
    assert_eq!(v[7], Value::Absent);
    assert_eq!(v[8], Value::Decimal(dec("0.125")));
    assert_eq!(v[9], Value::Rate(dec("0.0005")));
}

#[test]
fn big_json_numbers_are_exact() {
    let v = money_of("12345678901234567890.12");
    assert_eq!(v, Value::Money(dec("12345678901234567890.12")));
    if let Value::Money(d) = v {
        assert_eq!(d.to_string(), "12345678901234567890.12");
    }
    assert_eq!(
        money_of("79228162514264337593543950335"),
        Value::Money(Decimal::MAX)
    );
    assert_eq!(money_of("1.5e3"), Value::Money(Decimal::from(1500)));
    assert_eq!(money_of("15e-1"), Value::Money(dec("1.5")));
    assert_eq!(
        money_of("0e99999999999999999999"),
        Value::Money(Decimal::ZERO)
    );
    assert_eq!(
        money_of("0.1000000000000000000000000000"),
        Value::Money(dec("0.1"))
    );
}

#[test]
fn money_strings_with_units_and_separators() {
    for (text, expect) in [
        ("\"8000000\"", "8000000"),
        ("\"8,000,000\"", "8000000"),
        ("\"800万\"", "8000000"),
        ("\"800万元\"", "8000000"),
        ("\"800 万元\"", "8000000"),
        ("\"1.5亿元\"", "150000000"),
        ("\"1.5亿\"", "150000000"),
        ("\"12,000元\"", "12000"),
        ("\"0.5元\"", "0.5"),
        ("\"0.0001万元\"", "1"),
        ("\"1,234.56万元\"", "12345600"),
        ("\"0\"", "0"),
        ("\"-0\"", "0"),
    ] {
        assert_eq!(money_of(text), Value::Money(dec(expect)), "{text}");
    }
}

#[test]
fn other_accepted_forms() {
    let p = program();
    let v = ok(&p, &with("kind", Some("\"Expansion\"")));
    assert_eq!(v[1], Value::Enum(0, 1));
    let v = ok(&p, &with("ratio", Some("\"1,234.5\"")));
    assert_eq!(v[8], Value::Decimal(dec("1234.5")));
    let v = ok(&p, &with("subsidy_rate", Some("\"-0.25 %\"")));
    assert_eq!(v[9], Value::Rate(dec("-0.0025")));
    for (text, d) in [
        ("\"3 years\"", Duration::months(36)),
        ("\"12 months\"", Duration::months(12)),
        ("\"90 days\"", Duration::days(90)),
        ("\"3年\"", Duration::months(36)),
        ("\"18个月\"", Duration::months(18)),
    ] {
        let v = ok(&p, &with("period", Some(text)));
        assert_eq!(v[6], Value::Duration(d), "{text}");
    }
    let v = ok(&p, &with("note", Some("\"a\\u00e9\\ud83d\\ude00\\n\"")));
    assert_eq!(v[7], Value::Text(Arc::from("aé😀\n")));
    // Defaulted input given explicitly, as an integer string and with an exponent.
    let v = ok(&p, &with("employees", Some("\"120\"")));
    assert_eq!(v[3], Value::Int(120));
    let v = ok(&p, &with("employees", Some("1.2e2")));
    assert_eq!(v[3], Value::Int(120));
    let v = ok(&p, &with("employees", Some("null")));
    assert_eq!(v[3], Value::Absent);
}

#[test]
fn error_type_accepts_anything() {
    let p = Program {
        inputs: vec![input("x", Type::Error, "坏")],
        ..Program::default()
    };
    assert_eq!(ok(&p, r#"{"x": [1, {"a": null}]}"#), vec![Value::Absent]);
    assert_eq!(ok(&p, "{}"), vec![Value::Absent]);
}

// ---------------------------------------------------------------------------
// Decoding: every kind of error

#[test]
fn missing_required_input() {
    let text = with("approved_investment", None);
    let e = errs(&program(), &text);
    let e = error_at(
        &e,
        "$.approved_investment",
        "missing input `approved_investment` (核定总投资)",
    );
    assert_eq!(e.span, Some((0, text.len())));
    assert_eq!(
        e.help.as_deref(),
        Some("add \"approved_investment\": \"800万元\"")
    );
    // A missing record list shows the shape to add.
    let e = errs(&program(), &with("loans", None));
    let e = error_at(&e, "$.loans", "missing input `loans` (贷款)");
    assert_eq!(
        e.help.as_deref(),
        Some("add \"loans\": [{\"bank\": \"…\", \"amount\": \"800万元\", \"rate\": \"3.45%\"}]")
    );
}

#[test]
fn unknown_keys_suggest_the_declared_name() {
    let text = with("ratio", Some("1")).replace("\"high_tech\"", "\"hightech\"");
    let e = errs(&program(), &text);
    let u = error_at(&e, "$.hightech", "unknown input \"hightech\"");
    assert_eq!(
        u.help.as_deref(),
        Some("did you mean `high_tech` (高新技术企业)?")
    );
    let start = text.find("\"hightech\"").unwrap_or(usize::MAX);
    assert_eq!(u.span, Some((start, start + 10)));
    // ...and the real input is then missing.
    error_at(&e, "$.high_tech", "missing input `high_tech`");

    // A Chinese label used as the key.
    let e = single("高新技术企业", "true");
    let u = error_at(&e, "$[\"高新技术企业\"]", "unknown input \"高新技术企业\"");
    assert_eq!(
        u.help.as_deref(),
        Some("did you mean `high_tech` (高新技术企业)?")
    );

    // Nothing close: the declared names are listed.
    let e = single("zzzzzz", "1");
    let u = error_at(&e, "$.zzzzzz", "unknown input");
    assert!(u
        .help
        .as_deref()
        .unwrap_or("")
        .contains("`approved_investment`"));
}

#[test]
fn duplicate_keys_are_reported_at_the_second_occurrence() {
    let text = r#"{"approved_investment": "1万", "approved_investment": "2万", "kind": "NewBuild", "loans": [], "high_tech": true, "start_date": "2026-01-01", "ratio": 1, "subsidy_rate": "5%"}"#;
    let e = errs(&program(), text);
    let d = error_at(
        &e,
        "$.approved_investment",
        "duplicate key \"approved_investment\"",
    );
    let second = text.rfind("\"approved_investment\"").unwrap_or(0);
    assert_eq!(d.span, Some((second, second + 21)));
    // Inside a record too.
    let e = single(
        "loans",
        r#"[{"bank": "a", "bank": "b", "amount": 1, "rate": "1%"}]"#,
    );
    error_at(&e, "$.loans[0].bank", "duplicate key \"bank\"");
}

#[test]
fn wrong_kinds_of_value() {
    let e = single("approved_investment", "true");
    let m = error_at(&e, "$.approved_investment", "");
    assert_eq!(
        m.message,
        "input `approved_investment` (核定总投资) expects an amount such as \"800万元\", found true"
    );
    let e = single("high_tech", "\"true\"");
    let b = error_at(
        &e,
        "$.high_tech",
        "input `high_tech` (高新技术企业) expects true or false, found \"true\"",
    );
    assert_eq!(b.help.as_deref(), Some("write JSON true without quotes"));
    let e = single("high_tech", "\"否\"");
    let b = error_at(&e, "$.high_tech", "found \"否\"");
    assert_eq!(b.help.as_deref(), Some("write JSON false without quotes"));
    let e = single("note", "12");
    let t = error_at(&e, "$.note", "expects a string, found 12");
    assert_eq!(t.help.as_deref(), Some("write it in quotes: \"12\""));
    let e = single("loans", "{}");
    error_at(
        &e,
        "$.loans",
        "expects an array, each element an object with the fields of `Loan` (贷款)",
    );
    let e = single("kind", "null");
    let n = error_at(&e, "$.kind", "found null");
    assert_eq!(
        n.help.as_deref(),
        Some("a value is required here, e.g. \"NewBuild\"")
    );
    let e = single("period", "3");
    error_at(
        &e,
        "$.period",
        "expects a duration such as \"3 years\", found 3",
    );
    let e = single("period", "\"3 fortnights\"");
    error_at(&e, "$.period", "found \"3 fortnights\"");
}

#[test]
fn money_errors() {
    let e = single("approved_investment", "\"-5万元\"");
    let n = error_at(&e, "$.approved_investment", "amount must not be negative");
    assert!(n
        .help
        .as_deref()
        .unwrap_or("")
        .contains("cannot be below zero"));
    let e = single("approved_investment", "-1");
    error_at(
        &e,
        "$.approved_investment",
        "amount must not be negative, found -1",
    );
    let e = single("approved_investment", "1e400");
    error_at(
        &e,
        "$.approved_investment",
        "found 1e400, which is out of range",
    );
    let e = single("approved_investment", "79228162514264337593543950336");
    error_at(&e, "$.approved_investment", "out of range");
    let e = single("approved_investment", "\"900000000000000000000000亿元\"");
    error_at(&e, "$.approved_investment", "out of range");
    let e = single("approved_investment", "1e-400");
    error_at(
        &e,
        "$.approved_investment",
        "more digits than can be kept exactly",
    );
    let e = single("approved_investment", "0.12345678901234567890123456789");
    error_at(
        &e,
        "$.approved_investment",
        "more digits than can be kept exactly",
    );
    for bad in [
        "\"800美元\"",
        "\"80,00\"",
        "\"NaN\"",
        "\"万元\"",
        "\"1.5e3\"",
        "\"\"",
    ] {
        let e = single("approved_investment", bad);
        let m = error_at(
            &e,
            "$.approved_investment",
            "expects an amount such as \"800万元\", found",
        );
        assert!(m.help.as_deref().unwrap_or("").contains("万"), "{bad}");
    }
}

#[test]
fn rate_errors() {
    let e = single("subsidy_rate", "0.05");
    let r = error_at(&e, "$.subsidy_rate", "found the bare number 0.05");
    assert_eq!(
        r.help.as_deref(),
        Some("write the rate as a string with its unit, e.g. \"3.45%\"")
    );
    let e = single("subsidy_rate", "\"0.05\"");
    error_at(&e, "$.subsidy_rate", "without a unit");
    let e = single("subsidy_rate", "\"five percent\"");
    error_at(&e, "$.subsidy_rate", "expects a rate such as \"3.45%\"");
    let e = single("subsidy_rate", "\"0.000000000000000000000000001%\"");
    error_at(&e, "$.subsidy_rate", "more digits than can be kept exactly");
}

#[test]
fn int_and_decimal_errors() {
    let e = single("employees", "2.5");
    error_at(&e, "$.employees", "found 2.5, which is not a whole number");
    let e = single("employees", "9223372036854775808");
    error_at(&e, "$.employees", "out of range for a whole number");
    let e = single("employees", "\"十\"");
    error_at(&e, "$.employees", "expects a whole number such as 10");
    let e = single("ratio", "\"1/2\"");
    error_at(&e, "$.ratio", "expects a number such as 1.5, found \"1/2\"");
    let e = single("ratio", "[]");
    error_at(&e, "$.ratio", "found an empty array");
}

#[test]
fn date_errors() {
    let e = single("start_date", "\"2026-02-30\"");
    error_at(&e, "$.start_date", "2026-02-30 is not a calendar date");
    let e = single("start_date", "\"2026年3月1日\"");
    let d = error_at(&e, "$.start_date", "expects a date such as \"2026-03-31\"");
    assert_eq!(d.help.as_deref(), Some("write \"2026-03-01\""));
    let e = single("start_date", "\"2026/3/1\"");
    let d = error_at(&e, "$.start_date", "found \"2026/3/1\"");
    assert_eq!(d.help.as_deref(), Some("write \"2026-03-01\""));
    let e = single("start_date", "20260301");
    error_at(&e, "$.start_date", "found 20260301");
}

#[test]
fn enum_errors_list_the_accepted_values() {
    let e = single("kind", "\"新建项\"");
    let k = error_at(&e, "$.kind", "input `kind` (项目类型) expects one of the values of `ProjectKind` (项目类型), found \"新建项\"");
    assert_eq!(
        k.help.as_deref(),
        Some("did you mean \"新建项目\"? accepted values: \"NewBuild\" (新建项目), \"Expansion\" (改扩建项目)")
    );
    let e = single("kind", "\"Expanson\"");
    let k = error_at(&e, "$.kind", "found \"Expanson\"");
    assert!(k
        .help
        .as_deref()
        .unwrap_or("")
        .starts_with("did you mean \"Expansion\"?"));
    let e = single("kind", "\"Other\"");
    let k = error_at(&e, "$.kind", "found \"Other\"");
    assert!(k
        .help
        .as_deref()
        .unwrap_or("")
        .starts_with("accepted values:"));
    let e = single("kind", "1");
    error_at(&e, "$.kind", "found 1");
}

#[test]
fn record_errors_carry_the_full_path() {
    let loans = r#"[
        {"bank": "a", "amount": "1万元", "rate": "1%"},
        {"bank": "b", "amont": "2万元", "rate": 0.01, "due": "2026-02-30"},
        {"bank": "c", "amount": true, "rate": "1%"},
        7
    ]"#;
    let e = single("loans", loans);
    let u = error_at(
        &e,
        "$.loans[1].amont",
        "unknown field \"amont\" in `Loan` (贷款)",
    );
    assert_eq!(u.help.as_deref(), Some("did you mean `amount` (贷款金额)?"));
    let m = error_at(
        &e,
        "$.loans[1].amount",
        "missing field `amount` (贷款金额) of `Loan` (贷款)",
    );
    assert_eq!(
        m.help.as_deref(),
        Some("add \"amount\": \"800万元\" to this object")
    );
    error_at(
        &e,
        "$.loans[1].rate",
        "field `rate` (贷款利率) of `Loan` (贷款) expects a rate",
    );
    error_at(&e, "$.loans[1].due", "2026-02-30 is not a calendar date");
    error_at(
        &e,
        "$.loans[2].amount",
        "field `amount` (贷款金额) of `Loan` (贷款) expects an amount such as \"800万元\", found true",
    );
    error_at(
        &e,
        "$.loans[3]",
        "each element of input `loans` (贷款) expects an object with the fields of `Loan` (贷款), found 7",
    );
    assert_eq!(e.len(), 6, "{e:#?}");
}

#[test]
fn all_errors_are_collected_and_sorted_by_position() {
    let text = r#"{"kind": "X", "approved_investment": -1, "extra": 1, "high_tech": "yes", "loans": [], "start_date": "2026-13-01", "ratio": 1, "subsidy_rate": 5}"#;
    let e = errs(&program(), text);
    let paths: Vec<&str> = e.iter().map(|e| e.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "$.kind",
            "$.approved_investment",
            "$.extra",
            "$.high_tech",
            "$.start_date",
            "$.subsidy_rate"
        ]
    );
    let starts: Vec<usize> = e.iter().filter_map(|e| e.span.map(|s| s.0)).collect();
    assert!(starts.windows(2).all(|w| w[0] <= w[1]));
}

#[test]
fn top_level_must_be_an_object() {
    let e = errs(&program(), "[1, 2]");
    let t = error_at(
        &e,
        "$",
        "must be a JSON object with one key per input, found an array",
    );
    assert_eq!(t.span, Some((0, 6)));
    assert!(t
        .help
        .as_deref()
        .unwrap_or("")
        .starts_with("write {\"approved_investment\": \"800万元\""));
    // A program without inputs accepts the empty object.
    assert_eq!(ok(&Program::default(), "{}"), Vec::<Value>::new());
}

#[test]
fn decode_value_works_on_a_parsed_tree() {
    let root = match parse(GOOD) {
        Ok(r) => r,
        Err(e) => panic!("{e:?}"),
    };
    let p = program();
    assert_eq!(
        decode_value(&p, &root).ok(),
        decode_applicant(&p, GOOD).ok()
    );
}

// ---------------------------------------------------------------------------
// The JSON parser

fn parse_err(text: &str) -> DataError {
    match parse(text) {
        Ok(v) => panic!("expected a syntax error for {text:?}, got {v:?}"),
        Err(e) => e,
    }
}

#[test]
fn parser_keeps_spans_and_exact_numbers() {
    let text = r#" {"a": [1.50, -0, 2E+3], "b": "x"} "#;
    let v = match parse(text) {
        Ok(v) => v,
        Err(e) => panic!("{e:?}"),
    };
    assert_eq!(v.span, (1, text.len() - 1));
    let JsonKind::Object(members) = &v.kind else {
        panic!()
    };
    let (key, key_span, a) = &members[0];
    assert_eq!(key, "a");
    assert_eq!(text.get(key_span.0..key_span.1), Some("\"a\""));
    let JsonKind::Array(items) = &a.kind else {
        panic!()
    };
    let nums: Vec<&str> = items
        .iter()
        .map(|i| match &i.kind {
            JsonKind::Number(n) => n.as_str(),
            _ => "",
        })
        .collect();
    assert_eq!(nums, ["1.50", "-0", "2E+3"]);
    assert_eq!(text.get(items[2].span.0..items[2].span.1), Some("2E+3"));
    // Duplicates are kept for the decoder to report.
    let Ok(JsonValue {
        kind: JsonKind::Object(m),
        ..
    }) = parse(r#"{"a": 1, "a": 2}"#)
    else {
        panic!()
    };
    assert_eq!(m.len(), 2);
}

#[test]
fn string_escapes() {
    let v = parse(r#""\" \\ \/ \b \f \n \r \t \u0041 \u4e2d \uD834\uDD1E""#).map(|v| v.kind);
    assert_eq!(
        v,
        Ok(JsonKind::String(
            "\" \\ / \u{8} \u{c} \n \r \t A 中 𝄞".to_string()
        ))
    );
    let e = parse_err(r#""\x41""#);
    assert!(e.message.contains("invalid escape `\\x`"), "{}", e.message);
    assert_eq!(e.span, Some((1, 3)));
    let e = parse_err(r#""\u12G4""#);
    assert!(e.message.contains("four hex digits"), "{}", e.message);
    let e = parse_err(r#""\uD834x""#);
    assert!(
        e.message.contains("unpaired surrogate \\uD834"),
        "{}",
        e.message
    );
    let e = parse_err(r#""\uDD1E""#);
    assert!(e.message.contains("unpaired surrogate"), "{}", e.message);
    let e = parse_err(r#""\uD834\u0041""#);
    assert!(e.message.contains("unpaired surrogate"), "{}", e.message);
    let e = parse_err("\"a\tb\"");
    assert!(
        e.message.contains("control character U+0009"),
        "{}",
        e.message
    );
    let e = parse_err("{\"a\": \"abc\n\"}");
    assert!(
        e.message.contains("line break inside a string"),
        "{}",
        e.message
    );
    assert_eq!(e.path, "$.a");
    let e = parse_err("\"abc");
    assert!(e.message.contains("unterminated string"), "{}", e.message);
    let e = parse_err("\"\\");
    assert!(e.message.contains("invalid escape"), "{}", e.message);
}

#[test]
fn byte_order_mark_is_skipped() {
    let text = "\u{feff}{\"a\": 1}";
    let v = match parse(text) {
        Ok(v) => v,
        Err(e) => panic!("{e:?}"),
    };
    assert_eq!(v.span, (3, text.len()));
    let p = Program {
        inputs: vec![input("a", Type::Int, "甲")],
        ..Program::default()
    };
    assert_eq!(ok(&p, text), vec![Value::Int(1)]);
    // A BOM anywhere else is an error.
    let e = parse_err("{\"a\": \u{feff}1}");
    assert!(e.message.contains("U+FEFF"), "{}", e.message);
}

#[test]
fn non_finite_numbers_are_rejected() {
    for (text, word) in [
        ("{\"a\": NaN}", "NaN"),
        ("{\"a\": Infinity}", "Infinity"),
        ("{\"a\": -Infinity}", "-Infinity"),
    ] {
        let e = parse_err(text);
        assert!(
            e.message.contains(&format!(
                "`{word}` is not allowed: JSON numbers must be finite"
            )),
            "{}",
            e.message
        );
        assert_eq!(e.path, "$.a");
        let start = text.find(word).unwrap_or(0);
        assert_eq!(e.span, Some((start, start + word.len())));
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let deep = "[".repeat(10_000) + &"]".repeat(10_000);
    let e = parse_err(&deep);
    assert!(e.message.contains("too deeply nested"), "{}", e.message);
    assert_eq!(e.span, Some((MAX_DEPTH, MAX_DEPTH + 1)));
    let deep_objects = "{\"a\":".repeat(10_000);
    let e = parse_err(&deep_objects);
    assert!(e.message.contains("too deeply nested"), "{}", e.message);
    // Exactly the limit is fine.
    let limit = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
    assert!(parse(&limit).is_ok());
    let over = "[".repeat(MAX_DEPTH + 1) + &"]".repeat(MAX_DEPTH + 1);
    assert!(parse(&over).is_err());
    // The decoder reports it like any other problem.
    let e = errs(&program(), &deep);
    assert_eq!(e.len(), 1);
}

#[test]
fn syntax_errors_say_where_and_what() {
    let cases: &[(&str, &str, &str)] = &[
        ("", "$", "the file is empty"),
        ("{\"a\": 1,}", "$", "trailing comma"),
        ("[1, 2,]", "$", "trailing comma"),
        ("{'a': 1}", "$", "JSON strings use double quotes"),
        (
            "{a: 1}",
            "$",
            "object keys must be strings in double quotes, found `a`",
        ),
        ("{\"a\": 1 // note\n}", "$", "comments are not allowed"),
        ("{\"a\": 01}", "$.a", "leading zeros"),
        ("{\"a\": 1.}", "$.a", "a digit after the decimal point"),
        ("{\"a\": 1e}", "$.a", "a digit in the exponent"),
        ("{\"a\": .5}", "$.a", "`.5` is not a valid JSON number"),
        ("{\"a\": +1}", "$.a", "`+1` is not a valid JSON number"),
        ("{\"a\": 1} x", "$", "after the end of the JSON value"),
        (
            "{\"a\": 1",
            "$",
            "the object opened at line 1, column 1 is not closed",
        ),
        (
            "[1, [2",
            "$[1]",
            "the array opened at line 1, column 5 is not closed",
        ),
        ("{\"a\" 1}", "$", "expected `:` after the key \"a\""),
        ("{\"a\": 1 \"b\": 2}", "$", "found the start of another key"),
        ("{\"a\"：1}", "$", "full-width `：`"),
        ("{\"a\": [1，2]}", "$.a", "full-width `，`"),
        ("{\"a\": True}", "$.a", "`True` is not a JSON value"),
        ("{\"a\": None}", "$.a", "`None` is not a JSON value"),
        ("{\"a\": abc}", "$.a", "`abc` is not a JSON value"),
        ("{\"a\": -}", "$.a", "a digit after `-`"),
        ("{\"a\": }", "$.a", "expected a value"),
    ];
    for (text, path, fragment) in cases {
        let e = parse_err(text);
        assert!(e.message.contains(fragment), "{text:?}: {}", e.message);
        assert!(e.message.contains("(line "), "{text:?}: {}", e.message);
        assert_eq!(&e.path, path, "{text:?}");
        let (s, end) = e.span.unwrap_or((usize::MAX, 0));
        assert!(s <= end && end <= text.len(), "{text:?}: {:?}", e.span);
    }
    let e = parse_err("{\n  \"a\": 1,\n  \"b\": [1, 2,]\n}");
    assert!(e.message.contains("(line 3, column 13)"), "{}", e.message);
    assert_eq!(e.path, "$.b");
}

#[test]
fn parser_never_panics() {
    // Every prefix of a valid document, and pseudo-random mutations of it.
    for (i, _) in GOOD.char_indices() {
        let _ = parse(GOOD.get(..i).unwrap_or(""));
        let _ = decode_applicant(&program(), GOOD.get(..i).unwrap_or(""));
    }
    let alphabet: Vec<char> = "{}[]\":,\\u0123456789abcdefnrtlsEe+-.NaI \n\t万😀\u{feff}"
        .chars()
        .collect();
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for _ in 0..20_000 {
        let len = (next() % 24) as usize;
        let s: String = (0..len)
            .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
            .collect();
        if let Err(e) = parse(&s) {
            let (a, b) = e.span.unwrap_or((0, 0));
            assert!(
                a <= b && b <= s.len() && s.is_char_boundary(a) && s.is_char_boundary(b),
                "{s:?}"
            );
        }
        let _ = decode_applicant(&program(), &s);
    }
}

// ---------------------------------------------------------------------------
// Exact number reading

#[test]
fn number_parts_never_round() {
    let exact = |s: &str| parse_number(s, true, true).and_then(|p| p.to_decimal());
    assert_eq!(
        exact("12345678901234567890.12"),
        Ok(dec("12345678901234567890.12"))
    );
    assert_eq!(exact("1,234,567.5"), Ok(dec("1234567.5")));
    assert_eq!(
        exact("-0.0000000000000000000000000001"),
        Ok(dec("-0.0000000000000000000000000001"))
    );
    assert_eq!(
        exact("0.00000000000000000000000000001"),
        Err(NumError::TooPrecise)
    );
    assert_eq!(
        exact("1e28"),
        Ok(Decimal::from_str("10000000000000000000000000000").unwrap_or_default())
    );
    assert_eq!(exact("1e29"), Err(NumError::OutOfRange));
    assert_eq!(
        exact("1.00000000000000000000000000001e1"),
        Err(NumError::TooPrecise)
    );
    assert_eq!(
        exact("1e-99999999999999999999999"),
        Err(NumError::TooPrecise)
    );
    assert_eq!(exact("123,45"), Err(NumError::Invalid));
    assert_eq!(exact("1234,567"), Err(NumError::Invalid));
    assert_eq!(exact(",123"), Err(NumError::Invalid));
    assert_eq!(exact("1."), Err(NumError::Invalid));
    assert_eq!(exact("--1"), Err(NumError::Invalid));
    assert_eq!(exact("1 "), Err(NumError::Invalid));
}

// ---------------------------------------------------------------------------
// Rendering

#[test]
fn render_errors_shows_path_message_label_and_help() {
    let text = "{\n  \"approved_investment\": true\n}\n";
    let p = Program {
        inputs: vec![input("approved_investment", Type::Money, "核定总投资")],
        ..Program::default()
    };
    let e = errs(&p, text);
    let out = render_errors("applicant.json", text, &e, false);
    assert!(
        out.contains(
            "$.approved_investment: input `approved_investment` (核定总投资) expects an amount"
        ),
        "{out}"
    );
    assert!(out.contains("applicant.json:2:26"), "{out}");
    assert!(out.contains("help: write a number of yuan"), "{out}");
    assert!(!out.contains('\u{1b}'), "{out}");
    let coloured = render_errors("applicant.json", text, &e, true);
    assert!(coloured.contains('\u{1b}'));
    // Several errors, one report each; a span past the end does not break rendering.
    let mut many = e.clone();
    many.push(DataError {
        path: "$".to_string(),
        span: Some((1000, 2000)),
        message: "out of bounds".to_string(),
        help: None,
        missing: false,
    });
    many.push(DataError {
        path: "$".to_string(),
        span: None,
        message: "no span".to_string(),
        help: None,
        missing: false,
    });
    let out = render_errors("applicant.json", text, &many, false);
    assert!(
        out.contains("out of bounds") && out.contains("no span"),
        "{out}"
    );
}

#[test]
fn render_points_at_the_start_of_an_object_that_lacks_a_key() {
    let text = "{\n  \"a\": 1,\n  \"b\": 2,\n  \"c\": 3,\n  \"d\": 4\n}\n";
    let p = Program {
        inputs: vec![input("zz", Type::Int, "乙")],
        ..Program::default()
    };
    let e = errs(&p, text);
    let missing = error_at(&e, "$.zz", "missing input `zz` (乙)");
    assert_eq!(missing.span, Some((0, text.len() - 1)));
    let out = render_errors("a.json", text, std::slice::from_ref(missing), false);
    assert!(out.contains("a.json:1:1"), "{out}");
    assert!(
        !out.contains("\"d\": 4"),
        "the whole object is reprinted: {out}"
    );
    // Four unknown keys and the missing one: five reports, separated by blank lines.
    assert_eq!(e.len(), 5);
    let out = render_errors("a.json", text, &e, false);
    assert_eq!(out.matches("\n\n  ×").count(), 4, "{out}");
}
