use super::*;
use crate::driver::compile_str;
use crate::explain::Format;

fn json(text: &str) -> JsonValue {
    crate::data::json::parse(text).expect("json")
}

/// A small library compiled from text: (file name, source).
fn compiled(files: &[(&str, &str)]) -> Vec<crate::driver::Compiled> {
    files
        .iter()
        .map(|(name, text)| {
            let c = compile_str(name, text);
            assert!(!c.has_errors(), "{name}: {:?}", c.diagnostics);
            c
        })
        .collect()
}

fn library(cs: &[crate::driver::Compiled]) -> Vec<LibraryPolicy<'_>> {
    cs.iter()
        .enumerate()
        .map(|(i, c)| LibraryPolicy {
            file: format!("p{i}.pol"),
            program: c.program.as_ref().expect("program"),
            sources: &c.sources,
        })
        .collect()
}

const RENEWAL: &str = r#"
policy renewal {
  title "设备更新"
  effective 2026-01-01 .. 2026-12-31
}
use std::project::{Project, investment_threshold, project_in_liaoning}
input {
  project: Project "申报项目"
}
eligible {
  require project_in_liaoning(project) @"一" "项目在辽宁"
  require project.approved_investment >= investment_threshold(project.kind) @"二" "投资达到门槛"
}
grant direct "直接补助" @"三" {
  amount = project.approved_investment * 5%
  cap 1000万元 "上限"
}
"#;

const AWARD: &str = r#"
policy award {
  title "小巨人奖励"
  effective 2026-01-01 .. 2026-12-31
  exclusive "同组"
}
use std::enterprise::{Enterprise}
input {
  enterprise: Enterprise "申报企业"
  recognised_on: Date? "认定日期"
}
eligible {
  require enterprise.little_giant == true @"一" "小巨人企业"
  require recognised_on >= 2025-01-01 @"二" "2025年以来认定"
}
grant award "奖励" @"三" { amount = 100万元 }
"#;

const BIGGER: &str = r#"
policy bigger {
  title "更高的奖励"
  effective 2026-01-01 .. 2026-12-31
  exclusive "同组"
}
use std::enterprise::{Enterprise}
input { enterprise: Enterprise "申报企业" }
eligible { require enterprise.little_giant == true @"一" "小巨人企业" }
grant award "奖励" @"二" { amount = 300万元 }
"#;

const OLD: &str = r#"
policy old_one {
  title "已失效"
  effective 2020-01-01 .. 2020-12-31
}
input { x: Money "金额" }
grant g "补助" { amount = x }
"#;

fn on() -> Date {
    Date::parse("2026-06-30").expect("date")
}

#[test]
fn a_profile_with_several_projects_is_one_application_per_project() {
    let root = json(
        r#"{"enterprise": {"name": "甲"}, "loans": [],
            "projects": [{"name": "A", "city": "沈阳", "loans": [{"amount": "1万元"}], "project_class": "Dian"},
                         {"city": "大连"}]}"#,
    );
    let apps = applications(&root, &["name", "city"], &["project_class", "loans"]).expect("apps");
    assert_eq!(apps.len(), 3, "the enterprise and two projects");
    assert_eq!(apps[0].subject, None);
    assert_eq!(
        apps[1].subject,
        Some(Subject {
            index: Some(0),
            name: Some("A".into())
        })
    );
    // Project A carries its own loans and its own input; B reads the profile's.
    let JsonKind::Object(a) = &apps[1].root.kind else {
        panic!()
    };
    let keys: Vec<&str> = a.iter().map(|(k, _, _)| k.as_str()).collect();
    assert_eq!(keys, ["enterprise", "project", "loans", "project_class"]);
    let Some(JsonKind::Object(p)) = member(a, "project").map(|v| &v.kind) else {
        panic!()
    };
    assert!(member(p, "loans").is_none() && member(p, "project_class").is_none());
    assert_eq!(
        apps[1].profile_path("$.loans[0].amount"),
        "$.projects[0].loans[0].amount"
    );
    assert_eq!(apps[1].profile_path("$.project.city"), "$.projects[0].city");
    assert_eq!(
        apps[1].profile_path("$.project_class"),
        "$.projects[0].project_class"
    );
    assert_eq!(apps[2].profile_path("$.loans"), "$.loans");
    assert_eq!(apps[2].profile_path("$.project.city"), "$.projects[1].city");
}

#[test]
fn malformed_profiles_are_errors_with_their_place() {
    let both = applications(&json(r#"{"project": {}, "projects": []}"#), &[], &[]).unwrap_err();
    assert!(both[0].message.contains("both"), "{both:?}");
    let not_list = applications(&json(r#"{"projects": {}}"#), &[], &[]).unwrap_err();
    assert_eq!(not_list[0].path, "$.projects");
    let bad_entry = applications(&json(r#"{"projects": [{}, 3, "x"]}"#), &[], &[]).unwrap_err();
    assert_eq!(
        bad_entry
            .iter()
            .map(|e| e.path.as_str())
            .collect::<Vec<_>>(),
        ["$.projects[1]", "$.projects[2]"]
    );
    assert!(applications(&json("[1]"), &[], &[]).is_err());
}

#[test]
fn qualified_needs_data_not_met_and_not_in_force() {
    let cs = compiled(&[("r.pol", RENEWAL), ("a.pol", AWARD), ("o.pol", OLD)]);
    let lib = library(&cs);
    // Renovation of 3000万元 in 沈阳: 150万元. The award: little giant, but no date given.
    let root = json(
        r#"{"enterprise": {"little_giant": true},
            "project": {"kind": "Renovation", "city": "沈阳", "approved_investment": "3000万元"}}"#,
    );
    let m = run(&lib, &root, on()).expect("match");
    assert_eq!(m.not_in_force, [2]);
    let renewal = &m.findings[0];
    assert_eq!(renewal.verdict, Verdict::Qualified);
    assert_eq!(renewal.paid, Decimal::from(1_500_000));
    let award = &m.findings[1];
    assert_eq!(award.verdict, Verdict::NeedsData);
    assert_eq!(award.needs.len(), 1);
    assert_eq!(award.needs[0].path, "$.recognised_on");
    assert_eq!(award.needs[0].label.as_deref(), Some("认定日期"));

    // 800万元 renovation: below 1000万元, 200万元 short; the award fails on given data.
    let root = json(
        r#"{"enterprise": {"little_giant": false}, "recognised_on": "2025-03-01",
            "project": {"kind": "Renovation", "city": "沈阳", "approved_investment": "800万元"}}"#,
    );
    let m = run(&lib, &root, on()).expect("match");
    assert_eq!(m.findings[0].verdict, Verdict::NotMet);
    assert_eq!(m.findings[0].failed, [(None, 1)]);
    assert_eq!(m.findings[1].verdict, Verdict::NotMet);
    let r = report(&lib, &m, Lang::Zh);
    assert_eq!(r.not_met.len(), 2);
    let renewal = r
        .not_met
        .iter()
        .find(|n| n.policy.name == "renewal")
        .expect("renewal");
    assert_eq!(renewal.conditions.len(), 1);
    let closest = renewal.closest.as_deref().unwrap_or_default();
    assert!(closest.contains("尚差 200.00 万元"), "{closest}");
    assert_eq!(r.not_in_force.len(), 1);
}

#[test]
fn a_missing_field_read_inside_a_stdlib_function_is_named() {
    // `project_in_liaoning(project)` reads the city inside the stdlib
    // function: the evaluation stops there, and the error names the
    // applicant's field; `investment_threshold(project.kind)` needs the kind.
    let cs = compiled(&[("r.pol", RENEWAL)]);
    let lib = library(&cs);
    let root = json(r#"{"project": {"approved_investment": "3000万元"}}"#);
    let m = run(&lib, &root, on()).expect("match");
    let f = &m.findings[0];
    assert_eq!(f.verdict, Verdict::NeedsData);
    let mut paths: Vec<&str> = f.needs.iter().map(|n| n.path.as_str()).collect();
    paths.sort_unstable();
    assert_eq!(paths, ["$.project.city", "$.project.kind"]);
    // No project at all: the project is needed, then its fields.
    let m = run(&lib, &json("{}"), on()).expect("match");
    let mut paths: Vec<&str> = m.findings[0]
        .needs
        .iter()
        .map(|n| n.path.as_str())
        .collect();
    paths.sort_unstable();
    assert_eq!(
        paths,
        [
            "$.project.approved_investment",
            "$.project.city",
            "$.project.kind"
        ]
    );
}

#[test]
fn a_condition_failing_on_given_data_is_not_met_even_when_data_is_missing() {
    let cs = compiled(&[("r.pol", RENEWAL)]);
    let lib = library(&cs);
    // Outside Liaoning: fails on the city, whatever the investment.
    let root = json(r#"{"project": {"city": "省外", "kind": "NewBuild"}}"#);
    let m = run(&lib, &root, on()).expect("match");
    let f = &m.findings[0];
    assert_eq!(f.verdict, Verdict::NotMet);
    assert_eq!(f.failed, [(None, 0)]);
    assert_eq!(f.needs.len(), 1, "{:?}", f.needs);
    assert_eq!(f.needs[0].path, "$.project.approved_investment");
}

#[test]
fn exclusive_groups_pay_the_highest_and_keep_the_others_figures() {
    let cs = compiled(&[("a.pol", AWARD), ("b.pol", BIGGER)]);
    let lib = library(&cs);
    let root = json(r#"{"enterprise": {"little_giant": true}, "recognised_on": "2025-05-01"}"#);
    let m = run(&lib, &root, on()).expect("match");
    assert_eq!(m.findings[0].computed, Decimal::from(1_000_000));
    assert_eq!(m.findings[0].paid, Decimal::ZERO);
    assert_eq!(m.findings[0].superseded_by, Some(("同组".to_string(), 1)));
    assert_eq!(m.findings[1].paid, Decimal::from(3_000_000));
    assert_eq!(m.groups, [("同组".to_string(), 1, vec![0])]);
    let r = report(&lib, &m, Lang::Zh);
    assert_eq!(r.total.yuan, "3000000.00");
    assert_eq!(r.qualified[0].policy.name, "bigger");
    assert!(r.qualified[1].superseded_by.is_some());
    assert_eq!(r.qualified[1].computed.yuan, "1000000.00");
    assert_eq!(r.stacking.len(), 1);
}

#[test]
fn wrong_data_is_reported_once_with_its_place_and_unknown_keys_are_flagged() {
    let cs = compiled(&[("r.pol", RENEWAL), ("a.pol", AWARD), ("b.pol", BIGGER)]);
    let lib = library(&cs);
    let root = json(r#"{"enterprise": {"little_giant": "yes"}, "recognised_on": "2025-02-30"}"#);
    let errs = run(&lib, &root, on()).unwrap_err();
    let paths: Vec<&str> = errs.iter().map(|e| e.path.as_str()).collect();
    assert_eq!(
        paths,
        ["$.enterprise.little_giant", "$.recognised_on"],
        "{errs:?}"
    );
    let root = json(r#"{"enterprize": {}, "project": {"city": "沈阳"}}"#);
    let m = run(&lib, &root, on()).expect("match");
    assert_eq!(
        m.unread_keys,
        [("enterprize".to_string(), Some("enterprise".to_string()))]
    );
}

#[test]
fn renderers_carry_the_findings() {
    let cs = compiled(&[("r.pol", RENEWAL), ("a.pol", AWARD), ("b.pol", BIGGER)]);
    let lib = library(&cs);
    let root = json(
        r#"{"enterprise": {"little_giant": true, "name": "甲公司"}, "recognised_on": "2025-05-01",
            "project": {"kind": "Renovation", "city": "沈阳", "approved_investment": "800万元"}}"#,
    );
    let m = run(&lib, &root, on()).expect("match");
    for lang in [Lang::Zh, Lang::En] {
        let r = report(&lib, &m, lang);
        let text = render(&r, Format::Text);
        assert!(
            text.contains("甲公司") && text.contains("300.00 万元"),
            "{text}"
        );
        let html = render(&r, Format::Html);
        assert!(html.starts_with("<!DOCTYPE html>") && html.contains("300.00 万元"));
        let md = render(&r, Format::Markdown);
        assert!(md.starts_with("# "));
        let j: serde_json::Value = serde_json::from_str(&render(&r, Format::Json)).expect("json");
        assert_eq!(j["$schema"], SCHEMA);
        assert_eq!(j["total"]["yuan"], "3000000.00");
        assert_eq!(j["not_met"][0]["policy"]["name"], "renewal");
    }
}

#[test]
fn the_dependency_walk_is_not_exponential_in_nested_calls() {
    // f0 calls f1 twice, f1 calls f2 twice, … f39: 2^40 walks without the
    // cache. The condition reads only the project's city, through them all.
    let mut src = String::from(
        "policy chain { title \"链\" }\nuse std::project::{Project}\nuse std::liaoning::{in_liaoning}\ninput { project: Project \"项目\" }\n",
    );
    src.push_str("fn f39(p: Project) -> Bool = in_liaoning(p.city ?? 省外)\n");
    for i in (0..39).rev() {
        src.push_str(&format!(
            "fn f{i}(p: Project) -> Bool = f{}(p) and f{}(p)\n",
            i + 1,
            i + 1
        ));
    }
    src.push_str("eligible { require f0(project) @\"一\" \"在辽宁\" }\ngrant g \"补助\" @\"二\" { amount = project.approved_investment * 5% }\n");
    let cs = compiled(&[("chain.pol", &src)]);
    let lib = library(&cs);
    // The city is 省外 (fails on given data); the investment is missing.
    let root = json(r#"{"project": {"city": "省外"}}"#);
    let m = run(&lib, &root, on()).expect("match");
    assert_eq!(m.findings[0].verdict, Verdict::NotMet);
    let mut deps = Deps::new(lib[0].program);
    let ds = deps.of(&lib[0].program.eligibility[0].cond);
    assert_eq!(ds.len(), 1, "{ds:?}");
}
