//! CLI tests: exit codes, what goes to stdout and what to stderr.

use std::path::Path;

mod common;
use common::*;

/// A frozen copy of 附件1-1 as first encoded (the shipped one evolves).
const POLICY: &str = "tests/cli/equipment.pol";

#[test]
fn check_passes_on_every_shipped_policy() {
    let o = polc(&["check", "--deny", "warnings", "policies"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("0 errors, 0 warnings"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn check_exits_1_on_errors_and_names_the_code() {
    let o = polc(&["check", "tests/cli/broken.pol"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("error[E0301]"), "{err}");
    assert!(err.contains("tests/cli/broken.pol:3:"), "{err}");
    assert!(
        !err.contains('\u{1b}'),
        "NO_COLOR must disable colour: {err}"
    );
    assert!(stdout(&o).is_empty());
}

#[test]
fn warnings_fail_only_with_deny_warnings() {
    let o = polc(&["check", "tests/cli/warns.pol"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("warning[W0001]"), "{}", stderr(&o));
    let o = polc(&["check", "--deny", "warnings", "tests/cli/warns.pol"]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn run_prints_exact_amounts_as_json() {
    let o = polc(&["run", POLICY, "--input", "tests/cli/equipment-ok.json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let j: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json on stdout");
    // New build in production: 800万元 × 10% = 80万元, under the 1000万元 cap.
    assert_eq!(j["eligible"], true);
    assert_eq!(j["grants"]["direct"]["before_caps"], "800000.00");
    assert_eq!(j["grants"]["direct"]["caps"][0]["bound"], false);
    assert_eq!(j["grants"]["direct"]["amount"], "800000.00");
    assert_eq!(j["total"], "800000.00");
}

#[test]
fn run_text_is_a_human_summary() {
    let o = polc(&[
        "run",
        POLICY,
        "--input",
        "tests/cli/equipment-ok.json",
        "--format",
        "text",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    assert!(out.contains("结论：符合支持条件"), "{out}");
    assert!(out.contains("800,000.00 元（80.00万元）"), "{out}");
}

#[test]
fn bad_applicant_data_lists_every_problem_and_exits_2() {
    let o = polc(&["run", POLICY, "--input", "tests/cli/equipment-bad.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stdout(&o).is_empty(), "nothing on stdout: {}", stdout(&o));
    let err = stderr(&o);
    for path in [
        "$.completed_on",
        "$.city",
        "$.in_production",
        "$.started_on",
        "$.approved_investment",
        "$.extra",
    ] {
        assert!(err.contains(path), "{path} missing from:\n{err}");
    }
    assert!(err.contains("6 problems"), "{err}");
}

#[test]
fn run_refuses_a_policy_with_errors() {
    let o = polc(&[
        "run",
        "tests/cli/broken.pol",
        "--input",
        "tests/cli/equipment-ok.json",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).is_empty());
    assert!(stderr(&o).contains("E0301"));
}

#[test]
fn missing_files_are_clear_errors() {
    let o = polc(&["check", "no/such/file.pol"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("no such file or directory: no/such/file.pol"));
    let o = polc(&["run", POLICY, "--input", "no/such.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("cannot read no/such.json"));
}

#[test]
fn non_utf8_policy_is_an_error_not_a_crash() {
    let dir = std::env::temp_dir().join(format!("polc-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let f = dir.join("latin1.pol");
    std::fs::write(&f, b"policy p { title \"\xff\xfe\" }").expect("write");
    let o = polc(&["check", f.to_str().expect("path")]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("not valid UTF-8"), "{}", stderr(&o));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn test_command_ends_with_the_closing_line() {
    let o = polc(&["test", POLICY]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let out = stdout(&o);
    let last = out.lines().last().unwrap_or_default();
    assert!(last.ends_with(" passed, 0 failed"), "{out}");
}

#[test]
fn test_command_reports_expected_versus_actual() {
    let dir = std::env::temp_dir().join(format!("polc-cli-t-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let f = dir.join("wrong.pol");
    std::fs::write(
        &f,
        "policy p { title \"t\" }\ninput { base: Money \"基数\" }\ngrant g \"补助\" @\"一\" { amount = base * 5% }\n\
         case \"wrong on purpose\" { given { base: 100万元 } expect { g: 6万元 } }\n",
    )
    .expect("write");
    let o = polc(&["test", f.to_str().expect("path")]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(
        out.contains("g: expected 60,000.00 元 (6.00 万元), got 50,000.00 元 (5.00 万元)"),
        "{out}"
    );
    assert!(out.trim_end().ends_with("0 passed, 1 failed"), "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn explain_code_prints_the_long_explanation() {
    let o = polc(&["explain-code", "E0301"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("Money × Money"));
    let o = polc(&["explain-code", "e0301"]);
    assert_eq!(o.status.code(), Some(0));
    let o = polc(&["explain-code", "E9999"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("not a polc diagnostic code"));
}

#[test]
fn every_code_has_an_explanation() {
    for c in polc::diagnostics::ALL_CODES {
        let text = polc::diagnostics::explain(c.as_str()).expect("explanation");
        assert!(text.len() > 60, "{} is too short", c.as_str());
    }
    assert!(Path::new(POLICY).exists());
}

/// The shipped sample applicants, with amounts computed by hand from the texts.
#[test]
fn shipped_examples_give_the_hand_computed_amounts() {
    let cases = [
        // 技改 12,345,678.90元 × 5% = 617,283.945 → 617,283.95 (分, half-up)
        (
            "1-01-equipment-renewal",
            "equipment-renewal-applicant",
            "direct",
            "617283.95",
            None,
        ),
        // 3200万元 × 10% = 320万元 < 500万元
        (
            "1-05-service-manufacturing",
            "service-manufacturing-applicant",
            "direct",
            "3200000.00",
            None,
        ),
        // 成果转化 750万元 × 30% = 225万元, capped at 200万元
        (
            "1-04-industrial-design",
            "industrial-design-applicant",
            "transfer",
            "2000000.00",
            Some(0),
        ),
    ];
    for (policy, example, grant, amount, bound_cap) in cases {
        let p = format!("policies/000-zhizao-2026/{policy}.pol");
        let e = format!("examples/{example}.json");
        let o = polc(&["run", &p, "--input", &e]);
        assert_eq!(o.status.code(), Some(0), "{policy}: {}", stderr(&o));
        let j: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
        assert_eq!(j["grants"][grant]["amount"], amount, "{policy}");
        let total = if policy.starts_with("1-01") {
            "963250.62"
        } else {
            amount
        };
        assert_eq!(j["total"], total, "{policy}");
        if let Some(i) = bound_cap {
            assert_eq!(j["grants"][grant]["caps"][i]["bound"], true, "{policy}");
        }
    }
}

#[test]
fn several_policies_share_a_profile_and_only_the_highest_of_a_group_is_paid() {
    // 措施甲: 1000万元 × 5% = 50万元; 措施乙: 1 × 30万元 = 30万元. Same 从高不重复 group:
    // only 甲 is paid.
    let o = polc(&[
        "run",
        "tests/cli/stacking/a.pol",
        "tests/cli/stacking/b.pol",
        "--input",
        "tests/cli/stacking/profile.json",
        "--on",
        "2025-06-01",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let j: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(j["stacking"][0]["paid"], "measure_a");
    assert_eq!(j["stacking"][0]["superseded"][0], "measure_b");
    assert_eq!(j["results"][1]["superseded_by"], "measure_a");
    assert_eq!(j["results"][1]["total"], "0.00");
    assert_eq!(j["total"], "500000.00");
    // In 2026 both are out of force: nothing is paid, and no group decision is needed.
    let o = polc(&[
        "run",
        "tests/cli/stacking/a.pol",
        "tests/cli/stacking/b.pol",
        "--input",
        "tests/cli/stacking/profile.json",
        "--on",
        "2026-03-01",
    ]);
    let j: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(j["total"], "0.00");
    assert_eq!(j["results"][0]["in_force"], false);
}
