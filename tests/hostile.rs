//! Hostile input: malformed applicant data, limits of size and depth,
//! containment, and batch integrity under a kill. Every input gets a result
//! or a clear error naming its place, never a crash, a hang or a lost record.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::{Command, Stdio};

mod common;
use common::*;

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("polc-hostile-{}", std::process::id()));
    std::fs::create_dir_all(&d).expect("temp dir");
    d.join(name)
}

fn run_data(bytes: &[u8]) -> (i32, String, String) {
    let f = tmp(&format!("d{}.json", bytes.len()));
    std::fs::write(&f, bytes).expect("write");
    let o = polc(&[
        "run",
        "tests/cli/hostile.pol",
        "--input",
        f.to_str().expect("path"),
    ]);
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

const GOOD: &str = r#"{"amount":"100万元","count":2,"on":"2026-03-01","flag":true}"#;

#[test]
fn malformed_data_is_named_field_by_field() {
    let (code, out, _) = run_data(GOOD.as_bytes());
    assert_eq!(code, 0);
    assert!(out.contains("\"total\": \"50002.00\""), "{out}"); // 100万 × 5% + 2 × 1元
    for (data, path, words) in [
        (
            r#"{"amount":"1元","amount":"2元","count":1,"on":"2026-03-01","flag":true}"#,
            "$.amount",
            "duplicate key",
        ),
        (
            r#"{"amount":NaN,"count":1,"on":"2026-03-01","flag":true}"#,
            "$.amount",
            "NaN",
        ),
        (
            r#"{"amount":1e400,"count":1,"on":"2026-03-01","flag":true}"#,
            "$.amount",
            "1e400",
        ),
        (
            r#"{"amount":"-5元","count":1,"on":"2026-03-01","flag":true}"#,
            "$.amount",
            "negative",
        ),
        (
            r#"{"amount":"5元","count":"many","on":"2026-03-01","flag":true}"#,
            "$.count",
            "whole number",
        ),
        (
            r#"{"amount":"5元","count":1,"on":"2026-02-30","flag":true}"#,
            "$.on",
            "not a calendar date",
        ),
        (
            r#"{"amount":"5元","count":1,"on":"2026-03-01","flag":"true"}"#,
            "$.flag",
            "true or false",
        ),
        (
            r#"{"amount":"5元","count":1,"on":"2026-03-01"}"#,
            "$.flag",
            "missing",
        ),
    ] {
        let (code, out, err) = run_data(data.as_bytes());
        assert_eq!(code, 2, "{data}\n{err}");
        assert!(out.is_empty(), "{data}: nothing on stdout");
        assert!(err.contains(path), "{data}: no {path} in\n{err}");
        assert!(err.contains(words), "{data}: no “{words}” in\n{err}");
    }
    // Numbers given as strings and amounts as numbers are read exactly.
    let (code, out, err) =
        run_data(br#"{"amount":1000000,"count":"2","on":"2026-03-01","flag":true}"#);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("\"total\": \"50002.00\""), "{out}");
    // A byte-order mark is accepted; invalid UTF-8 is a clear error.
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(GOOD.as_bytes());
    assert_eq!(run_data(&bom).0, 0);
    let (code, _, err) = run_data(b"{\"amount\":\"\xff\xfe\"}");
    assert_eq!(code, 2);
    assert!(err.contains("not valid UTF-8"), "{err}");
}

#[test]
fn limits_give_errors_or_answers_not_crashes() {
    let cases: Vec<(String, &str)> = vec![
        // 10,000 levels of brackets, 100,000 chained operators, 20,000 `not`s.
        (
            format!(
                "policy p {{ title \"t\" }}\nlet x = {}1{}\n",
                "(".repeat(10_000),
                ")".repeat(10_000)
            ),
            "E0001",
        ),
        (
            format!(
                "policy p {{ title \"t\" }}\nlet x = {}\n",
                vec!["1"; 100_000].join(" + ")
            ),
            "E0001",
        ),
        (
            format!(
                "policy p {{ title \"t\" }}\nlet x = {}true\n",
                "not ".repeat(20_000)
            ),
            "E0001",
        ),
        // Amounts beyond what can be held exactly.
        (
            "policy p { title \"t\" }\nlet x = 99999999999999999999999999999亿元\n".to_string(),
            "E0002",
        ),
        (
            "policy p { title \"t\" }\nlet x = 99999999999999999999999\n".to_string(),
            "E0002",
        ),
    ];
    for (i, (text, code)) in cases.iter().enumerate() {
        let f = tmp(&format!("limit{i}.pol"));
        std::fs::write(&f, text).expect("write");
        let o = polc(&["check", f.to_str().expect("path")]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "case {i}: {err}");
        assert!(
            err.contains(code),
            "case {i}: no {code} in {}",
            err.chars().take(400).collect::<String>()
        );
    }
    // A very long file (20,000 definitions) checks in one piece.
    let mut long = String::from("policy p { title \"t\" }\ninput { a: Money \"a\" }\n");
    for i in 0..20_000 {
        long.push_str(&format!("let _d{i} = a * {}% \"第{i}项\"\n", i % 100));
    }
    long.push_str("grant g \"g\" @\"1\" { amount = _d1 }\n");
    let f = tmp("long.pol");
    std::fs::write(&f, &long).expect("write");
    let o = polc(&["check", f.to_str().expect("path")]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn policies_cannot_reach_outside_the_language() {
    // No file, environment, clock or network access exists to call, and `use`
    // reaches only the embedded stdlib.
    for (text, code) in [
        ("policy p { title \"t\" }\nuse std::fs\n", "E0104"),
        ("policy p { title \"t\" }\nuse ../secret\n", "E0001"),
        ("policy p { title \"t\" }\nuse \"/etc/passwd\"\n", "E0001"),
        ("policy p { title \"t\" }\nlet x = now()\n", "E0101"),
        ("policy p { title \"t\" }\nlet x = env(\"HOME\")\n", "E0101"),
        (
            "policy p { title \"t\" }\nlet x = read_file(\"/etc/passwd\")\n",
            "E0101",
        ),
    ] {
        let f = tmp("contain.pol");
        std::fs::write(&f, text).expect("write");
        let o = polc(&["check", f.to_str().expect("path")]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{text}");
        assert!(err.contains(code), "{text}: {err}");
    }
}

#[test]
fn a_killed_batch_leaves_no_output_and_a_rerun_gives_the_same_bytes() {
    let policy = "policies/000-zhizao-2026/1-01-equipment-renewal.pol";
    let input = tmp("cohort.jsonl");
    let o = polc(&[
        "cohort",
        policy,
        "--count",
        "20000",
        "--seed",
        "3",
        "-o",
        input.to_str().expect("path"),
    ]);
    assert!(o.status.success());
    // Append records that cannot be read, to check the accounting.
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&input)
        .expect("open");
    writeln!(f, "{{\"project\": 1}}").expect("write");
    writeln!(f, "not json").expect("write");
    drop(f);
    let lines = std::fs::read_to_string(&input)
        .expect("read")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .count();

    // Killed part-way: the output file does not exist.
    let out = tmp("killed.jsonl");
    let mut child = Command::new(env!("CARGO_BIN_EXE_polc"))
        .args([
            "run",
            policy,
            "--batch",
            input.to_str().expect("path"),
            "-o",
            out.to_str().expect("path"),
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    std::thread::sleep(std::time::Duration::from_millis(150));
    let _ = child.kill();
    let _ = child.wait();
    assert!(!out.exists(), "a killed batch left {}", out.display());

    // Two complete runs: the same bytes, and every line is a row or a reported bad record.
    let (a, b) = (tmp("a.jsonl"), tmp("b.jsonl"));
    let ra = polc(&[
        "run",
        policy,
        "--batch",
        input.to_str().expect("path"),
        "-o",
        a.to_str().expect("path"),
    ]);
    let rb = polc(&[
        "run",
        policy,
        "--batch",
        input.to_str().expect("path"),
        "-o",
        b.to_str().expect("path"),
    ]);
    assert_eq!(ra.status.code(), Some(2)); // some records were bad
    assert_eq!(std::fs::read(&a).expect("a"), std::fs::read(&b).expect("b"));
    let rows = std::fs::read_to_string(&a).expect("a").lines().count();
    let summary = String::from_utf8_lossy(&rb.stderr);
    // "batch: N records, M evaluated, E eligible, F failed; totals: …"
    let words: Vec<&str> = summary
        .lines()
        .find(|l| l.starts_with("batch:"))
        .unwrap_or("")
        .split_whitespace()
        .collect();
    let failed: usize = words
        .windows(2)
        .find(|w| w[1] == "failed;")
        .and_then(|w| w[0].parse().ok())
        .expect("summary line");
    assert_eq!(rows + failed, lines, "{summary}");
    assert!(summary.contains(&format!("{lines} records")), "{summary}");
}

/// `polc match` on malformed profiles: a clear error with the place, exit 2,
/// nothing matched; never a crash.
#[test]
fn hostile_profiles_are_refused_with_their_place() {
    let match_on = |name: &str, bytes: &[u8]| {
        let f = tmp(name);
        std::fs::write(&f, bytes).expect("write");
        let o = polc(&[
            "match",
            f.to_str().expect("path"),
            "--policies",
            "policies/000-zhizao-2026",
            "--on",
            "2026-06-30",
        ]);
        (
            o.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&o.stdout).into_owned(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    };
    let deep = format!("{}{}", "[".repeat(300), "]".repeat(300));
    let many = format!("{{\"projects\": [{}]}}", vec!["{}"; 1001].join(","));
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("array.json", b"[1, 2]".to_vec(), "$"),
        ("deep.json", deep.into_bytes(), "nested"),
        (
            "projects-not-list.json",
            br#"{"projects": 5}"#.to_vec(),
            "$.projects",
        ),
        (
            "project-and-projects.json",
            br#"{"project": {}, "projects": []}"#.to_vec(),
            "both",
        ),
        (
            "bad-entry.json",
            br#"{"projects": [{}, "x"]}"#.to_vec(),
            "$.projects[1]",
        ),
        ("many.json", many.into_bytes(), "at most 1000"),
        (
            "utf8.json",
            b"{\"enterprise\": {\"name\": \"\xff\"}}".to_vec(),
            "UTF-8",
        ),
        (
            "types.json",
            br#"{"enterprise": {"city": 3}, "projects": [{"approved_investment": "lots"}]}"#
                .to_vec(),
            "$.projects[0].approved_investment",
        ),
    ];
    for (name, bytes, expect) in cases {
        let (code, out, err) = match_on(name, &bytes);
        assert_eq!(code, 2, "{name}: {err}");
        assert!(out.is_empty(), "{name}: {out}");
        assert!(err.contains(expect), "{name}: expected {expect:?} in {err}");
    }
    // An empty profile is valid: everything needs data, nothing is paid.
    let (code, out, _) = match_on("empty.json", b"{}");
    assert_eq!(code, 0);
    assert!(out.contains("可享受 0 项"), "{out}");
}

/// `polc diff` over a cohort of garbage and of data for another policy: every
/// record reported, the rest compared, never a crash.
#[test]
fn diff_survives_a_hostile_cohort() {
    let cohort = tmp("hostile-cohort.jsonl");
    std::fs::write(
        &cohort,
        "not json\n{}\n[1]\n{\"project\": {\"approved_investment\": \"1e400\"}}\n\
         {\"project\": {\"kind\": \"Renovation\", \"city\": \"沈阳\", \"in_production\": true, \"started_on\": \"2024-03-01\", \"completed_on\": \"2025-10-31\", \"permits_complete\": true, \"approved_investment\": \"3亿元\"}}\n",
    )
    .expect("write");
    let o = polc(&[
        "diff",
        "policies/000-zhizao-2026/1-01-equipment-renewal.pol",
        "policies/000-zhizao-2026/1-21-green-low-carbon.pol",
        "--batch",
        cohort.to_str().expect("path"),
        "--format",
        "json",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(r["counts"]["records"], 5);
    assert_eq!(r["counts"]["compared"], 1);
    assert_eq!(r["counts"]["bad"], 4);
    // 3亿 × 5% = 1500万 → 1000万 under 1-01; 1-21 pays nothing without a green project.
    assert_eq!(r["changes"][0]["change"], "-10000000.00");
}
