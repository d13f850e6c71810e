//! `polc match` on the three shipped sample profiles: each policy it says the
//! enterprise qualifies for gives the same amounts when run alone (`polc run
//! --profile` on that project's data), the 从高不重复 groups agree with
//! `polc run P1 P2 … --input`, and the totals are the ones computed by hand.

use serde_json::{json, Map, Value};
use std::path::Path;
use std::process::Output;

mod common;
use common::*;

fn ok_json(o: &Output) -> Value {
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).expect("json output")
}

fn matched(profile: &str, on: &str) -> Value {
    ok_json(&polc(&["match", profile, "--on", on, "--format", "json"]))
}

/// The data one policy reads for one project of a profile, written the way
/// the profile documents it: the profile less `projects`, with `project` the
/// entry's project fields and the entry's own inputs (`loans`,
/// `project_class`…) over the profile's.
fn view(profile: &Value, project: Option<&str>, own_inputs: &[&str]) -> Value {
    let mut top: Map<String, Value> = profile.as_object().expect("object").clone();
    let Some(projects) = top.remove("projects") else {
        return profile.clone();
    };
    let Some(name) = project else {
        return Value::Object(top);
    };
    let entry = projects
        .as_array()
        .expect("projects")
        .iter()
        .find(|p| p["name"] == name)
        .expect("project by name")
        .as_object()
        .expect("project object")
        .clone();
    let mut fields = Map::new();
    for (k, v) in entry {
        if own_inputs.contains(&k.as_str()) {
            top.insert(k, v);
        } else {
            fields.insert(k, v);
        }
    }
    top.insert("project".into(), Value::Object(fields));
    Value::Object(top)
}

/// Every qualified policy, run alone on its data, gives the figures the
/// match reports (the amount computed by the policy on its own, and each grant).
fn agrees_with_running_alone(profile_path: &str, on: &str, own_inputs: &[&str]) -> Value {
    let m = matched(profile_path, on);
    let profile: Value =
        serde_json::from_str(&std::fs::read_to_string(profile_path).expect("profile"))
            .expect("json");
    let dir = tmp_dir(
        Path::new(profile_path)
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("p"),
    );
    let qualified = m["qualified"].as_array().expect("qualified");
    assert!(!qualified.is_empty());
    for (i, q) in qualified.iter().enumerate() {
        let data = view(&profile, q["project"].as_str(), own_inputs);
        let file = dir.join(format!("view-{i}.json"));
        std::fs::write(&file, serde_json::to_string(&data).expect("ser")).expect("write");
        let alone = ok_json(&polc(&[
            "run",
            q["policy"]["file"].as_str().expect("file"),
            "--input",
            file.to_str().expect("path"),
            "--profile",
            "--on",
            on,
        ]));
        assert_eq!(alone["eligible"], true, "{}", q["policy"]["file"]);
        assert_eq!(
            alone["total"], q["computed"]["yuan"],
            "{} {:?}",
            q["policy"]["file"], q["project"]
        );
        for g in q["grants"].as_array().expect("grants") {
            let name = g["name"].as_str().expect("name");
            assert_eq!(
                alone["grants"][name]["amount"], g["amount"]["yuan"],
                "{} / {name}",
                q["policy"]["file"]
            );
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    m
}

fn yuan(v: &Value) -> &str {
    v["yuan"].as_str().expect("yuan")
}

#[test]
fn shenyang_two_projects_agree_with_each_policy_alone() {
    let m = agrees_with_running_alone(
        "examples/profiles/shenyang-equipment-maker.json",
        "2026-06-30",
        &["loans", "project_class", "approved", "task_book_signed"],
    );
    // By hand (附件1-1, 五（一）、五（二）; 沈阳试点 第六条（二）1):
    // project A, renovation 2.5亿元: 5% = 1250万元 > cap → 1000万元; loan
    //   8000万元 × min(3.45%, LPR 3.45% on 2024-04-15) × 564 days
    //   (2024-04-15 .. 2025-10-31) ÷ 360 = 4,324,000.00元;
    //   pilot "点": (2.5亿 − 0 − 3000万) × 15% = 3300万元 > cap → 1000万元.
    // project B, new build 600万元 in production: 10% = 60万元; the pilot
    //   fails (not approved, no task book).
    let q = m["qualified"].as_array().expect("q");
    let figures: Vec<(&str, &str, &str)> = q
        .iter()
        .map(|q| {
            (
                q["policy"]["name"].as_str().unwrap_or(""),
                q["project"].as_str().unwrap_or(""),
                yuan(&q["amount"]),
            )
        })
        .collect();
    assert_eq!(
        figures,
        [
            (
                "equipment_renewal",
                "五轴数控机床智能产线技术改造项目",
                "14324000.00"
            ),
            (
                "shenyang_renovation",
                "五轴数控机床智能产线技术改造项目",
                "10000000.00"
            ),
            ("equipment_renewal", "精密减速器新建项目", "600000.00"),
        ]
    );
    assert_eq!(q[0]["grants"][1]["amount"]["yuan"], "4324000.00");
    assert_eq!(yuan(&m["total"]), "24924000.00");
    let pilot_b = m["not_met"]
        .as_array()
        .expect("not met")
        .iter()
        .find(|n| n["policy"]["name"] == "shenyang_renovation")
        .expect("pilot for project B");
    assert_eq!(pilot_b["project"], "精密减速器新建项目");
    assert_eq!(pilot_b["conditions"].as_array().map(Vec::len), Some(2));
    // Data a project policy needs is asked for in the project's own entry.
    let paths: Vec<&str> = m["needs_data"]
        .as_array()
        .expect("needs")
        .iter()
        .flat_map(|n| n["fields"].as_array().into_iter().flatten())
        .filter_map(|f| f["path"].as_str())
        .collect();
    assert!(
        paths.contains(&"$.projects[0].actual_investment"),
        "{paths:?}"
    );
    assert!(
        !paths.iter().any(|p| p.starts_with("$.project.")),
        "{paths:?}"
    );
}

#[test]
fn dalian_exclusive_group_agrees_with_running_the_group_together() {
    let profile = "examples/profiles/dalian-electronics.json";
    let m = agrees_with_running_alone(profile, "2025-06-30", &[]);
    // 措施5: 3000万元 (ceiling); 措施2 top-100 award 100万元; 措施3 little giant
    // 100万元 (the 专精特新 title of 2021 predates the term): one group, the
    // highest is paid.
    assert_eq!(yuan(&m["total"]), "30000000.00");
    let stacking = &m["stacking"][0];
    assert_eq!(
        stacking["group"],
        "辽宁省数字经济核心产业措施（从高不重复）"
    );
    let q = m["qualified"].as_array().expect("q");
    let paid: Vec<(&str, &str, &str)> = q
        .iter()
        .map(|q| {
            (
                q["policy"]["name"].as_str().unwrap_or(""),
                yuan(&q["amount"]),
                yuan(&q["computed"]),
            )
        })
        .collect();
    assert_eq!(
        paid,
        [
            (
                "digital_electronic_components",
                "30000000.00",
                "30000000.00"
            ),
            ("digital_backbone_enterprises", "0.00", "1000000.00"),
            ("digital_specialised_smes", "0.00", "1000000.00"),
        ]
    );
    // The same three run together by `polc run`: the same decision.
    let together = ok_json(&polc(&[
        "run",
        "policies/001-digital-economy/measure-02-backbone-enterprises.pol",
        "policies/001-digital-economy/measure-03-specialised-smes.pol",
        "policies/001-digital-economy/measure-05-electronic-components.pol",
        "--input",
        profile,
        "--on",
        "2025-06-30",
    ]));
    assert_eq!(together["total"], "30000000.00");
    assert_eq!(
        together["stacking"][0]["paid"],
        json!("digital_electronic_components")
    );
    // 2026 guides are not in force on 2025-06-30.
    assert!(m["not_in_force"].as_array().map_or(0, Vec::len) >= 38);
}

#[test]
fn anshan_small_firm_qualifies_once_and_is_told_the_gap() {
    let m = agrees_with_running_alone(
        "examples/profiles/anshan-new-materials.json",
        "2026-06-30",
        &[],
    );
    // 小升规: 10万元 per enterprise.
    assert_eq!(yuan(&m["total"]), "100000.00");
    assert_eq!(
        m["qualified"][0]["policy"]["name"],
        "small_to_large_and_loans"
    );
    // 附件1-1: a renovation of 800万元 is 200万元 short of 1000万元.
    let renewal = m["not_met"]
        .as_array()
        .expect("not met")
        .iter()
        .find(|n| n["policy"]["name"] == "equipment_renewal")
        .expect("1-01");
    assert_eq!(renewal["conditions"].as_array().map(Vec::len), Some(1));
    assert_eq!(renewal["conditions"][0]["cite"], "三（四）");
    let closest = renewal["closest"].as_str().expect("closest gap");
    assert!(closest.contains("尚差 200.00 万元"), "{closest}");
    // Nearest first: a single failed condition with a gap leads the list.
    assert_eq!(
        m["not_met"][0]["conditions"].as_array().map(Vec::len),
        Some(1)
    );
}

#[test]
fn match_writes_html_and_english_and_refuses_bad_profiles() {
    let dir = tmp_dir("match-cli");
    let html = dir.join("match.html");
    let o = polc(&[
        "match",
        "examples/profiles/dalian-electronics.json",
        "--on",
        "2025-06-30",
        "--format",
        "html",
        "-o",
        html.to_str().expect("path"),
    ]);
    assert_eq!(o.status.code(), Some(0));
    let page = std::fs::read_to_string(&html).expect("html");
    assert!(page.contains("从高不重复") && page.contains("3,000.00 万元"));
    let o = polc(&[
        "match",
        "examples/profiles/anshan-new-materials.json",
        "--on",
        "2026-06-30",
        "--lang",
        "en",
    ]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("Policies that pay (1)"), "{text}");
    // A value of the wrong kind: exit 2, the place named, nothing on stdout.
    let bad = dir.join("bad.json");
    std::fs::write(
        &bad,
        r#"{"enterprise": {"city": "Shenyang"}, "project": {"approved_investment": "lots"}}"#,
    )
    .expect("write");
    let o = polc(&["match", bad.to_str().expect("path"), "--on", "2026-06-30"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("$.enterprise.city") && err.contains("$.project.approved_investment"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
