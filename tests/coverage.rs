//! The coverage checker finds every kind of drift between a table and the policies.

use polc::coverage::{check, parse};
use polc::driver::compile_str;
use std::collections::BTreeMap;

fn policies() -> BTreeMap<String, polc::program::Program> {
    let mut m = BTreeMap::new();
    for f in ["a", "b"] {
        let path = format!("{}/tests/cli/stacking/{f}.pol", env!("CARGO_MANIFEST_DIR"));
        let c = compile_str(&path, &std::fs::read_to_string(&path).expect("policy"));
        m.insert(format!("stacking/{f}.pol"), c.program.expect("compiles"));
    }
    m
}

const GOOD: &str = "\
| seed | guide | clause | text | policy | rules | cases |
|---|---|---|---|---|---|---|
| 001 | 措施甲 | 五 | 按投资额5% | stacking/a.pol | grant g; effective; exclusive 从高不重复 | c |
| 001 | 措施乙 | 三 | 每项30万元 | stacking/b.pol | grant g | c |
| 001 | 结尾 | — | 按照《某办法》执行 | not computable: 另有办法，无公式 | — | — |
";

#[test]
fn a_complete_table_passes() {
    let rows = parse("coverage.md", GOOD).expect("parses");
    assert_eq!(rows.len(), 3);
    assert_eq!(check(&rows, &policies()), vec![]);
}

#[test]
fn drift_is_reported() {
    let table = "\
| seed | guide | clause | text | policy | rules | cases |
|---|---|---|---|---|---|---|
| 001 | 措施甲 | 五 | 按投资额5% | stacking/a.pol | grant g; grant h; cap g | c; 不存在的案例 |
| 001 | 措施丙 | 五 | ... | stacking/c.pol | grant g | c |
";
    let rows = parse("coverage.md", table).expect("parses");
    let problems = check(&rows, &policies());
    let text: Vec<String> = problems
        .iter()
        .map(|p| format!("{}: {}", p.place, p.message))
        .collect();
    let all = text.join("\n");
    assert!(
        all.contains("coverage.md:3: 措施甲 五: the policy has no `grant h`"),
        "{all}"
    );
    assert!(all.contains("the policy has no `cap g`"), "{all}");
    assert!(all.contains("has no case \"不存在的案例\""), "{all}");
    assert!(
        all.contains("coverage.md:4: no policy `stacking/c.pol`"),
        "{all}"
    );
    assert!(
        all.contains("stacking/b.pol: this policy appears in no row"),
        "{all}"
    );
}

#[test]
fn unnamed_grants_and_malformed_rows_are_reported() {
    let table = "\
| seed | guide | clause | text | policy | rules | cases |
|---|---|---|---|---|---|---|
| 001 | 措施甲 | 五 | 有效期 | stacking/a.pol | effective | — |
| 001 | 措施乙 | 三 | 每项30万元 | stacking/b.pol | grant g | c |
";
    let rows = parse("coverage.md", table).expect("parses");
    let problems = check(&rows, &policies());
    assert!(
        problems
            .iter()
            .any(|p| p.place == "stacking/a.pol"
                && p.message.contains("grant `g` is named by no row"))
    );
    let bad = parse("coverage.md", "| a | b | c |\n");
    assert!(bad.is_err());
}

#[test]
fn the_shipped_coverage_table_matches_the_policies() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("docs/coverage.md")).expect("docs/coverage.md");
    let rows = parse("docs/coverage.md", &text).expect("the table parses");
    let mut policies = BTreeMap::new();
    let mut stack = vec![root.join("policies")];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).expect("policies dir").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "pol") {
                let rel = p
                    .strip_prefix(root.join("policies"))
                    .expect("under policies")
                    .display()
                    .to_string();
                let c = compile_str(&rel, &std::fs::read_to_string(&p).expect("policy"));
                policies.insert(rel, c.program.expect("shipped policies compile"));
            }
        }
    }
    let problems = check(&rows, &policies);
    let text: Vec<String> = problems
        .iter()
        .map(|p| format!("{}: {}", p.place, p.message))
        .collect();
    assert!(problems.is_empty(), "{}", text.join("\n"));
    // Every seed is accounted for.
    for seed in ["000", "001", "002", "003", "004"] {
        assert!(
            rows.iter().any(|r| r.seed == seed),
            "no rows for seed {seed}"
        );
    }
}
