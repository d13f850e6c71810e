//! Explanation reports: the JSON derivation validates against
//! docs/report-schema.json and agrees with the evaluation for every case of
//! every shipped policy, in both languages; and the rendered reports of the
//! fixtures under tests/fixtures/explain are reviewed as snapshots in all four
//! formats.

use polc::driver::compile_str;
use polc::eval::evaluate;
use polc::explain::{build, render, Format, Lang};
use polc::value::{money_string, Value};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn policies(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            policies(&p, out);
        } else if p.extension().is_some_and(|x| x == "pol") {
            out.push(p);
        }
    }
}

fn schema() -> (boon::Schemas, boon::SchemaIndex) {
    let text =
        std::fs::read_to_string(root().join("docs/report-schema.json")).expect("schema file");
    let json: serde_json::Value = serde_json::from_str(&text).expect("schema is JSON");
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    compiler
        .add_resource("report-schema.json", json)
        .expect("add schema");
    let idx = compiler
        .compile("report-schema.json", &mut schemas)
        .expect("schema compiles");
    (schemas, idx)
}

#[test]
fn every_case_report_is_valid_and_agrees_with_the_evaluation() {
    let (schemas, idx) = schema();
    let mut files = Vec::new();
    policies(&root().join("policies"), &mut files);
    let mut problems = Vec::new();
    let mut reports = 0;
    for f in &files {
        let text = std::fs::read_to_string(f).expect("policy");
        let name = f.display().to_string();
        let c = compile_str(&name, &text);
        let Some(p) = &c.program else { continue };
        for case in &p.cases {
            let mut inputs = vec![Value::Absent; p.inputs.len()];
            for (i, v, _) in &case.given {
                inputs[*i as usize] = v.clone();
            }
            let Ok(out) = evaluate(p, &inputs, true) else {
                continue;
            };
            for lang in [Lang::Zh, Lang::En] {
                let report = build(p, &c.sources, &inputs, &out, lang);
                reports += 1;
                let json: serde_json::Value = serde_json::from_str(&render(&report, Format::Json))
                    .expect("report JSON parses");
                if let Err(e) = schemas.validate(&json, idx) {
                    problems.push(format!("{name} :: {} ({:?}): {e:#}", case.name, lang));
                }
                // Every figure in the report is the evaluation's.
                if report.total.yuan != money_string(out.total) {
                    problems.push(format!("{name} :: {}: total differs", case.name));
                }
                for (g, r) in report.grants.iter().zip(&out.grants) {
                    if g.amount.yuan != money_string(r.amount)
                        || g.before_caps.yuan != money_string(r.before_limits)
                    {
                        problems.push(format!("{name} :: {}: grant {} differs", case.name, g.name));
                    }
                }
                let failed_report = report.requirements.iter().filter(|q| !q.passed).count();
                if failed_report != out.failed_names(p).len() {
                    problems.push(format!(
                        "{name} :: {}: failed requirements differ",
                        case.name
                    ));
                }
                if report.eligible != out.eligible {
                    problems.push(format!("{name} :: {}: eligibility differs", case.name));
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
    assert!(reports > 100, "only {reports} reports built");
}

/// The policy file a fixture belongs to: `1-01-capped.json` → policies/000-zhizao-2026/1-01-*.pol.
fn policy_for(fixture: &Path) -> Option<PathBuf> {
    let stem = fixture.file_stem()?.to_str()?;
    let prefix: String = stem.splitn(3, '-').take(2).collect::<Vec<_>>().join("-");
    let mut files = Vec::new();
    policies(&root().join("policies"), &mut files);
    files.into_iter().find(|p| {
        p.file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with(&format!("{prefix}-")))
    })
}

#[test]
fn report_snapshots() {
    let dir = root().join("tests/fixtures/explain");
    let mut fixtures: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("fixtures")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    fixtures.sort();
    assert!(fixtures.len() >= 9);
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(dir.join("snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        for fx in &fixtures {
            let policy = policy_for(fx).expect("policy for fixture");
            let text = std::fs::read_to_string(&policy).expect("policy");
            let rel = policy
                .strip_prefix(root())
                .unwrap_or(&policy)
                .display()
                .to_string();
            let c = compile_str(&rel, &text);
            let p = c.program.as_ref().expect("policy compiles");
            let data = std::fs::read_to_string(fx).expect("fixture");
            let inputs = polc::data::decode_applicant(p, &data).expect("fixture decodes");
            let out = evaluate(p, &inputs, true).expect("evaluates");
            let stem = fx
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or("x")
                .to_string();
            for lang in [Lang::Zh, Lang::En] {
                let report = build(p, &c.sources, &inputs, &out, lang);
                for (fmt, ext) in [
                    (Format::Text, "txt"),
                    (Format::Markdown, "md"),
                    (Format::Html, "html"),
                    (Format::Json, "json"),
                ] {
                    let name = format!("{stem}.{}.{ext}", lang.code());
                    insta::assert_snapshot!(name, render(&report, fmt));
                }
            }
        }
    });
}

#[test]
fn why_not_hints_state_the_gap() {
    let policy = root().join("policies/000-zhizao-2026/1-01-equipment-renewal.pol");
    let c = compile_str(
        "1-01.pol",
        &std::fs::read_to_string(policy).expect("policy"),
    );
    let p = c.program.as_ref().expect("compiles");
    let data = std::fs::read_to_string(root().join("tests/fixtures/explain/1-01-ineligible.json"))
        .expect("data");
    let inputs = polc::data::decode_applicant(p, &data).expect("decodes");
    let out = evaluate(p, &inputs, true).expect("evaluates");
    let zh = render(&build(p, &c.sources, &inputs, &out, Lang::Zh), Format::Text);
    // Renovation: 800万元 against the 1000万元 threshold.
    assert!(
        zh.contains("核定总投资 800.00 万元，低于 1,000.00 万元"),
        "{zh}"
    );
    assert!(
        zh.contains("需达到 1,000.00 万元，尚差 200.00 万元"),
        "{zh}"
    );
    // 2022-03-01 + 3 years = 2025-03-01; completed 2025-10-31: 244 days over.
    assert!(zh.contains("即不晚于 2025-03-01（超出 244 天）"), "{zh}");
    assert!(zh.starts_with("2026年设备更新和技术改造支持政策指南 — 测算说明"));
    let en = render(&build(p, &c.sources, &inputs, &out, Lang::En), Format::Text);
    assert!(en.contains("short by 200.00 万元"), "{en}");
    assert!(en.contains("labels in Chinese only"), "{en}");
}

#[test]
fn a_capped_grant_says_so() {
    let policy = root().join("policies/000-zhizao-2026/1-01-equipment-renewal.pol");
    let c = compile_str(
        "1-01.pol",
        &std::fs::read_to_string(policy).expect("policy"),
    );
    let p = c.program.as_ref().expect("compiles");
    let data = std::fs::read_to_string(root().join("tests/fixtures/explain/1-01-capped.json"))
        .expect("data");
    let inputs = polc::data::decode_applicant(p, &data).expect("decodes");
    let out = evaluate(p, &inputs, true).expect("evaluates");
    let zh = render(&build(p, &c.sources, &inputs, &out, Lang::Zh), Format::Text);
    // New build in production: 2亿元 × 10% = 2,000万元, capped at 1,000万元.
    assert!(zh.contains("20,000.00 万元 × 10% = 2,000.00 万元"), "{zh}");
    assert!(zh.contains("测算金额超过上限，按上限核定"), "{zh}");
    assert!(
        zh.contains("合计 1,000.00 万元（10,000,000.00 元）"),
        "{zh}"
    );
}

/// For every shipped policy: the zh text reports of a normal case, a capped
/// case and an ineligible case with two or more failed conditions, picked
/// from its hand-computed cases, as snapshots to review against the text.
#[test]
fn every_policy_has_reviewed_reports() {
    let mut files = Vec::new();
    policies(&root().join("policies"), &mut files);
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(root().join("tests/fixtures/explain/policies"));
    settings.set_prepend_module_to_snapshot(false);
    let mut missing = Vec::new();
    settings.bind(|| {
        for f in &files {
            let rel = f.strip_prefix(root()).unwrap_or(f).display().to_string();
            let c = compile_str(&rel, &std::fs::read_to_string(f).expect("policy"));
            let Some(p) = &c.program else { continue };
            let stem = f
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or("x")
                .to_string();
            let mut found = [None, None, None];
            let mut most_failed = 0usize;
            for case in &p.cases {
                let mut inputs = vec![Value::Absent; p.inputs.len()];
                for (i, v, _) in &case.given {
                    inputs[*i as usize] = v.clone();
                }
                let Ok(out) = evaluate(p, &inputs, true) else {
                    continue;
                };
                let capped = out.grants.iter().any(|g| g.caps.iter().any(|c| c.bound));
                let failed = out.failed_names(p).len();
                // The ineligible report: two or more failed conditions, or the
                // most a policy with fewer conditions can show.
                if failed > most_failed
                    && (failed >= 2
                        || p.eligibility.len()
                            + p.grants.iter().map(|g| g.requires.len()).sum::<usize>()
                            < 2
                        || found[1].is_none())
                {
                    most_failed = failed;
                    found[1] = Some((case.name.clone(), inputs.clone(), out.clone()));
                    continue;
                }
                let kind = if failed >= 2 {
                    continue;
                } else if capped && out.eligible {
                    2
                } else if out.eligible && failed == 0 && !out.total.is_zero() {
                    0
                } else {
                    continue;
                };
                if found[kind].is_none() {
                    found[kind] = Some((case.name.clone(), inputs, out));
                }
            }
            for (kind, slot) in ["normal", "ineligible", "capped"].iter().zip(found) {
                match slot {
                    Some((case, inputs, out)) => {
                        let report = build(p, &c.sources, &inputs, &out, Lang::Zh);
                        let text = format!("case: {case}\n\n{}", render(&report, Format::Text));
                        insta::assert_snapshot!(format!("{stem}.{kind}"), text);
                    }
                    None => missing.push(format!("{rel}: no {kind} case")),
                }
            }
        }
    });
    // A policy without caps cannot have a capped case; everything else must.
    let real: Vec<&String> = missing
        .iter()
        .filter(|m| !m.ends_with("no capped case"))
        .collect();
    assert!(real.is_empty(), "{real:?}");
}
