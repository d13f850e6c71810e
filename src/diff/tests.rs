use super::structural::{canonical, diff, Kind};
use super::*;
use crate::driver::compile_str;
use crate::explain::Format;

const BASE: &str = r#"
policy demo {
  title "示例政策"
  effective 2026-01-01 .. 2026-12-31
  exclusive "组一"
  article "一" "条文一"
}

enum Grade "等级" {
  A "甲"
  B "乙"
}

input {
  investment: Money "核定总投资"
  grade: Grade "等级"
  new_build: Bool = false "新建项目"
}

let rate = if new_build then 10% else 5% "补助比例" @"二"

table bonus: Grade -> Money "等级奖励" {
  A => 50万元
  B => 20万元
}

eligible "支持条件" {
  require investment >= 1000万元 @"一" "核定总投资达到1000万元"
}

grant direct "直接补助" @"二" {
  amount = investment * rate "核定总投资 × 补助比例"
  cap 1000万元 "单项补助上限" @"二"
}

grant award "等级奖励" @"三" {
  amount = bonus(grade)
}
"#;

fn changes(old: &str, new: &str) -> Vec<structural::Change> {
    let a = crate::syntax::parse(0, old);
    let b = crate::syntax::parse(1, new);
    assert!(a.diagnostics.is_empty() && b.diagnostics.is_empty());
    diff(&a.file, old, &b.file, new, Lang::Zh)
}

#[test]
fn canonical_text_ignores_comments_and_spacing_but_not_strings() {
    assert_eq!(canonical("a  *\n  b // note\n  + c"), "a * b + c");
    assert_eq!(canonical("\"x  // y\""), "\"x  // y\"");
}

#[test]
fn the_same_policy_reformatted_and_commented_has_no_change() {
    let re = BASE
        .replace(
            "amount = investment * rate",
            "amount = investment\n      * rate // by the rate",
        )
        .replace("cap 1000万元", "cap 10,000,000元");
    assert!(changes(BASE, &re).is_empty(), "{:?}", changes(BASE, &re));
}

#[test]
fn a_cap_change_is_named_by_its_grant_label_and_citation() {
    let c = changes(BASE, &BASE.replace("cap 1000万元", "cap 1500万元"));
    assert_eq!(c.len(), 1);
    assert_eq!(c[0].kind, Kind::Changed);
    assert_eq!(
        c[0].place,
        "补助 直接补助（二） › 上限「单项补助上限」（二）"
    );
    assert_eq!(c[0].old.as_deref(), Some("1000万元"));
    assert_eq!(c[0].new.as_deref(), Some("1500万元"));
    assert_eq!(c[0].old_line, c[0].new_line);
}

#[test]
fn rates_conditions_tables_inputs_and_grants() {
    let new = BASE
        .replace("then 10% else 5%", "then 12% else 5%")
        .replace("investment >= 1000万元", "investment >= 800万元")
        .replace("B => 20万元", "B => 30万元\n  C => 10万元")
        .replace("  B \"乙\"", "  B \"乙\"\n  C \"丙\"")
        .replace(
            "new_build: Bool = false \"新建项目\"",
            "new_build: Bool = false \"新建项目\"\n  in_production: Bool = true \"已投产\"",
        )
        .replace(
            "grant award \"等级奖励\" @\"三\" {\n  amount = bonus(grade)\n}\n",
            "",
        )
        .replace("exclusive \"组一\"", "exclusive \"组二\"");
    let c = changes(BASE, &new);
    let find = |place: &str| {
        c.iter()
            .find(|x| x.place == place)
            .unwrap_or_else(|| panic!("no change at {place}: {c:#?}"))
    };
    let rate = find("定义 rate 补助比例（二）");
    assert_eq!(rate.detail.as_deref(), Some("10% → 12%"));
    let cond = find("支持条件 › 条件「核定总投资达到1000万元」（一）");
    assert_eq!(cond.detail.as_deref(), Some("1000万元 → 800万元"));
    assert_eq!(find("表 等级奖励 › 行 B").new.as_deref(), Some("30万元"));
    assert_eq!(find("表 等级奖励 › 行 C").kind, Kind::Added);
    assert_eq!(find("枚举 Grade").kind, Kind::Changed);
    assert_eq!(find("输入 in_production").kind, Kind::Added);
    assert_eq!(find("补助 等级奖励（三）").kind, Kind::Removed);
    assert_eq!(find("从高不重复组「组一」").kind, Kind::Removed);
    assert_eq!(find("从高不重复组「组二」").kind, Kind::Added);
}

#[test]
fn a_relabelled_condition_is_paired_by_its_text() {
    let new = BASE.replace("\"核定总投资达到1000万元\"", "\"投资达到门槛\"");
    let c = changes(BASE, &new);
    assert_eq!(c.len(), 1, "{c:#?}");
    assert_eq!(c[0].old.as_deref(), Some("核定总投资达到1000万元"));
    assert_eq!(c[0].new.as_deref(), Some("投资达到门槛"));
}

fn program(text: &str) -> crate::driver::Compiled {
    let c = compile_str("p.pol", text);
    assert!(!c.has_errors(), "{:?}", c.diagnostics);
    c
}

#[test]
fn a_cohort_is_compared_record_by_record() {
    let old = program(BASE);
    let new_text = BASE.replace("cap 1000万元", "cap 1500万元");
    let new = program(&new_text);
    // 3亿 × 5% = 1500万: capped at 1000万 before, 1500万 after; 1.2亿 ×
    // 10% = 1200万: capped before, 1200万 after; 2000万 × 5% = 100万: the
    // same; 500万: not eligible either way; line 5 is not JSON.
    let cohort = "{\"investment\": \"3亿元\", \"grade\": \"B\"}\n\
                  {\"investment\": \"1.2亿元\", \"grade\": \"A\", \"new_build\": true}\n\
                  {\"investment\": \"2000万元\", \"grade\": \"A\"}\n\
                  {\"investment\": \"500万元\", \"grade\": \"A\"}\n\
                  not json\n";
    let (po, pn) = (
        old.program.as_ref().expect("old"),
        new.program.as_ref().expect("new"),
    );
    let c = evaluate(
        po,
        pn,
        cohort.as_bytes(),
        cohort.as_bytes(),
        &Options::default(),
    )
    .expect("cohort");
    assert_eq!(c.records.len(), 4);
    assert_eq!(c.bad.len(), 1);
    assert_eq!((c.bad[0].line, c.bad[0].version), (5, "both"));
    let ast_old = crate::syntax::parse(0, BASE);
    let ast_new = crate::syntax::parse(0, &new_text);
    let vo = Version {
        file: "old.pol".into(),
        program: po,
        sources: &old.sources,
        ast: &ast_old.file,
        text: BASE,
    };
    let vn = Version {
        file: "new.pol".into(),
        program: pn,
        sources: &new.sources,
        ast: &ast_new.file,
        text: &new_text,
    };
    let r = report(
        &vo,
        &vn,
        Some(("cohort.jsonl", &c, cohort.as_bytes())),
        &Options::default(),
        Lang::Zh,
    );
    assert_eq!(r.counts.records, 5);
    assert_eq!(r.counts.compared, 4);
    assert_eq!(
        (r.counts.gain, r.counts.lose, r.counts.unchanged),
        (2, 0, 2)
    );
    assert_eq!((r.counts.eligible_old, r.counts.eligible_new), (3, 3));
    let lines: Vec<(u64, &str)> = r
        .changes
        .iter()
        .map(|x| (x.line, x.change.as_str()))
        .collect();
    assert_eq!(lines, [(1, "5000000.00"), (2, "2000000.00")]);
    assert_eq!(r.total_change, "7000000.00");
    assert_eq!(r.grants[0].change, "7000000.00");
    assert_eq!(r.grants[1].change, "0.00");
    // The largest change first, explained by the cap.
    assert_eq!(r.largest[0].line, 1);
    let why = r.largest[0].reasons.join(" / ");
    assert!(
        why.contains("单项补助上限") && why.contains("1,500.00 万元"),
        "{why}"
    );
    for f in [Format::Text, Format::Html, Format::Markdown] {
        let out = render(&r, f);
        assert!(out.contains("+700.00 万元"), "{out}");
    }
    let html = render(&r, Format::Html);
    assert_eq!(html.matches("<svg").count(), 3);
}

#[test]
fn a_condition_that_flips_is_the_reason() {
    let old = program(BASE);
    let new_text = BASE.replace("investment >= 1000万元", "investment >= 800万元");
    let new = program(&new_text);
    let cohort = "{\"investment\": \"900万元\", \"grade\": \"A\"}\n";
    let (po, pn) = (
        old.program.as_ref().expect("old"),
        new.program.as_ref().expect("new"),
    );
    let c = evaluate(
        po,
        pn,
        cohort.as_bytes(),
        cohort.as_bytes(),
        &Options::default(),
    )
    .expect("cohort");
    let ast_old = crate::syntax::parse(0, BASE);
    let ast_new = crate::syntax::parse(0, &new_text);
    let vo = Version {
        file: "old.pol".into(),
        program: po,
        sources: &old.sources,
        ast: &ast_old.file,
        text: BASE,
    };
    let vn = Version {
        file: "new.pol".into(),
        program: pn,
        sources: &new.sources,
        ast: &ast_new.file,
        text: &new_text,
    };
    let r = report(
        &vo,
        &vn,
        Some(("c", &c, cohort.as_bytes())),
        &Options::default(),
        Lang::Zh,
    );
    assert_eq!(r.counts.became_eligible, 1);
    assert_eq!(r.changes[0].category, "became_eligible");
    // 900万 × 5% = 45万 + 等级奖励 50万 = 95万.
    assert_eq!(r.changes[0].change, "950000.00");
    let why = r.largest[0].reasons.join(" / ");
    assert!(why.contains("条件由不满足变为满足"), "{why}");
}
