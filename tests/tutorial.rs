//! The drafters' tutorial (`docs/tutorial.zh.md`, `docs/tutorial.en.md`) stays true.
//!
//! Every example policy in `docs/tutorial/` checks clean with `--deny warnings` and passes its
//! own cases; every deliberate mistake in `docs/tutorial/mistakes/` reports the code the tutorial
//! quotes; the sample applicant's report states the amount the tutorial gives. And the tutorial
//! shows nothing that is not real: each `pol` or `json` block is a verbatim excerpt of a file in
//! `docs/tutorial/`, and each `console` block is what the binary prints for its `$ polc ...`
//! commands (a line `...` stands for lines left out).

use std::path::{Path, PathBuf};

mod common;
use common::*;

const TUTORIALS: [&str; 2] = ["docs/tutorial.zh.md", "docs/tutorial.en.md"];

/// The sample applicant's grant, as the tutorial states it.
const SAMPLE_AMOUNT: &str = "1,728,394.51";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(root().join(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"))
}

/// `docs/tutorial/*.pol`, as paths relative to the repository root, sorted.
fn tutorial_policies() -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(root().join("docs/tutorial"))
        .expect("docs/tutorial")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "pol"))
        .map(|p| format!("docs/tutorial/{}", p.file_name().unwrap().to_string_lossy()))
        .collect();
    files.sort();
    assert!(
        files.len() >= 5,
        "expected the tutorial's policies, found {files:?}"
    );
    files
}

#[test]
fn every_tutorial_policy_checks_clean_with_deny_warnings() {
    for file in tutorial_policies() {
        let o = polc(&["check", "--deny", "warnings", &file]);
        assert_eq!(o.status.code(), Some(0), "{file}:\n{}", stderr(&o));
        assert!(
            stderr(&o).contains("0 errors, 0 warnings"),
            "{file}:\n{}",
            stderr(&o)
        );
    }
}

#[test]
fn every_tutorial_policy_passes_its_cases() {
    for file in tutorial_policies() {
        let o = polc(&["test", &file]);
        let out = stdout(&o);
        assert_eq!(o.status.code(), Some(0), "{file}:\n{out}{}", stderr(&o));
        let last = out
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("");
        let passed: usize = last
            .strip_suffix(" passed, 0 failed")
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("{file}: last line {last:?}"));
        assert!(passed > 0, "{file} has no cases");
    }
}

/// A deliberate mistake: the command the tutorial runs on it, and the diagnostic code (or, for a
/// wrong hand computation, the summary of `polc test`) the tutorial quotes.
struct Mistake {
    args: &'static [&'static str],
    code: &'static str,
    /// Where it appears: stderr for diagnostics, stdout for a failed case.
    on_stdout: bool,
}

const MISTAKES: &[Mistake] = &[
    Mistake {
        args: &[
            "check",
            "--deny",
            "warnings",
            "docs/tutorial/mistakes/missing-citation.pol",
        ],
        code: "W0004",
        on_stdout: false,
    },
    Mistake {
        args: &[
            "check",
            "--deny",
            "warnings",
            "docs/tutorial/mistakes/cap-never-binds.pol",
        ],
        code: "W0003",
        on_stdout: false,
    },
    Mistake {
        args: &["check", "docs/tutorial/mistakes/threshold-without-unit.pol"],
        code: "E0203",
        on_stdout: false,
    },
    Mistake {
        args: &["check", "docs/tutorial/mistakes/money-times-money.pol"],
        code: "E0301",
        on_stdout: false,
    },
    Mistake {
        args: &[
            "check",
            "--deny",
            "warnings",
            "docs/tutorial/mistakes/money-times-number.pol",
        ],
        code: "W0007",
        on_stdout: false,
    },
    Mistake {
        args: &[
            "run",
            "docs/tutorial/equipment.pol",
            "--input",
            "docs/tutorial/mistakes/applicant-missing-investment.json",
        ],
        code: "E0803",
        on_stdout: false,
    },
    Mistake {
        args: &["test", "docs/tutorial/mistakes/wrong-expectation.pol"],
        code: "0 passed, 1 failed",
        on_stdout: true,
    },
];

#[test]
fn every_mistake_reports_the_code_the_tutorial_quotes() {
    let tutorials: Vec<String> = TUTORIALS.iter().map(|t| read(t)).collect();
    for m in MISTAKES {
        let o = polc(m.args);
        let shown = if m.on_stdout { stdout(&o) } else { stderr(&o) };
        assert_eq!(o.status.code(), Some(1), "{:?}:\n{shown}", m.args);
        assert!(
            shown.contains(m.code),
            "{:?}: no {}:\n{shown}",
            m.args,
            m.code
        );
        let file = m.args.iter().find(|a| a.contains("/mistakes/")).unwrap();
        for (t, text) in TUTORIALS.iter().zip(&tutorials) {
            assert!(text.contains(file), "{t} does not show {file}");
            assert!(text.contains(m.code), "{t} does not quote {}", m.code);
        }
    }
    // Every file kept under mistakes/ is one of the mistakes above.
    for e in std::fs::read_dir(root().join("docs/tutorial/mistakes"))
        .expect("mistakes/")
        .flatten()
    {
        let rel = format!("docs/tutorial/mistakes/{}", e.file_name().to_string_lossy());
        assert!(
            MISTAKES.iter().any(|m| m.args.contains(&rel.as_str())),
            "{rel} is not checked by this test"
        );
    }
}

#[test]
fn explain_prints_the_amount_the_tutorial_states() {
    let input = "docs/tutorial/applicant.json";
    for lang in ["zh", "en"] {
        let o = polc(&[
            "explain",
            "docs/tutorial/equipment.pol",
            "--input",
            input,
            "--lang",
            lang,
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert!(
            stdout(&o).contains(SAMPLE_AMOUNT),
            "{lang}:\n{}",
            stdout(&o)
        );
    }
    let html = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("tutorial-report.html");
    let o = polc(&[
        "explain",
        "docs/tutorial/equipment.pol",
        "--input",
        input,
        "--format",
        "html",
        "-o",
        html.to_str().expect("utf-8 path"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let page = std::fs::read_to_string(&html).expect("the HTML report");
    assert!(page.contains(SAMPLE_AMOUNT), "{page}");
    for t in TUTORIALS {
        assert!(
            read(t).contains(SAMPLE_AMOUNT),
            "{t} does not state {SAMPLE_AMOUNT}"
        );
    }
}

/// A fenced block of a tutorial: its info string, its lines and the line it starts on.
struct Block {
    info: String,
    lines: Vec<String>,
    line: usize,
}

fn blocks(markdown: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut open: Option<Block> = None;
    for (i, line) in markdown.lines().enumerate() {
        match open.take() {
            None => {
                if let Some(info) = line.strip_prefix("```") {
                    open = Some(Block {
                        info: info.trim().to_string(),
                        lines: Vec::new(),
                        line: i + 1,
                    });
                }
            }
            Some(mut b) => {
                if line.trim_end() == "```" {
                    out.push(b);
                } else {
                    b.lines.push(line.trim_end().to_string());
                    open = Some(b);
                }
            }
        }
    }
    assert!(open.is_none(), "a fenced block is not closed");
    out
}

/// Whether `needle` appears as consecutive lines of `hay` (trailing spaces ignored).
fn contains_lines(hay: &[String], needle: &[String]) -> bool {
    needle.is_empty() || hay.windows(needle.len()).any(|w| w == needle)
}

fn files_under(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).expect("read dir").flatten() {
        let p = e.path();
        if p.is_dir() {
            files_under(&p, ext, out);
        } else if p.extension().is_some_and(|x| x == ext) {
            out.push(p);
        }
    }
}

#[test]
fn policy_and_json_blocks_are_excerpts_of_the_tutorial_files() {
    for ext in ["pol", "json"] {
        let mut files = Vec::new();
        files_under(&root().join("docs/tutorial"), ext, &mut files);
        let texts: Vec<Vec<String>> = files
            .iter()
            .map(|f| {
                let text = std::fs::read_to_string(f).expect("read");
                text.lines().map(|l| l.trim_end().to_string()).collect()
            })
            .collect();
        for t in TUTORIALS {
            for b in blocks(&read(t)).iter().filter(|b| b.info == ext) {
                assert!(
                    texts.iter().any(|lines| contains_lines(lines, &b.lines)),
                    "{t}:{}: this {ext} block is not an excerpt of any file in docs/tutorial/",
                    b.line
                );
            }
        }
    }
}

/// Whether `expected` (with `...` lines standing for any number of lines) matches `actual`.
fn matches_excerpt(expected: &[String], actual: &[String]) -> bool {
    let parts: Vec<&[String]> = expected.split(|l| l == "...").collect();
    let mut at = 0;
    for (i, part) in parts.iter().enumerate() {
        let first = i == 0;
        let last = i + 1 == parts.len();
        if first && last {
            return *part == actual;
        }
        if first {
            if !actual.starts_with(part) {
                return false;
            }
            at = part.len();
        } else if last {
            return actual.len() >= at + part.len() && actual.ends_with(part);
        } else {
            match (at..=actual.len().saturating_sub(part.len()))
                .find(|&s| actual[s..].starts_with(part))
            {
                Some(s) => at = s + part.len(),
                None => return false,
            }
        }
    }
    true
}

/// Runs one command of a console block and compares what it prints (stdout, then stderr).
fn check_command(place: &str, command: &str, expected: &[String]) {
    let args: Vec<&str> = command.split_whitespace().collect();
    assert_eq!(args.first(), Some(&"polc"), "{place}: not a polc command");
    let o = polc(&args[1..]);
    let mut actual: Vec<String> = stdout(&o)
        .lines()
        .chain(stderr(&o).lines())
        .map(|l| l.trim_end().to_string())
        .collect();
    while actual.last().is_some_and(|l| l.is_empty()) {
        actual.pop();
    }
    assert!(
        matches_excerpt(expected, &actual),
        "{place}: `{command}` no longer prints what the tutorial shows.\n\
         --- shown:\n{}\n--- printed:\n{}",
        expected.join("\n"),
        actual.join("\n")
    );
}

/// Runs every `console` block of one tutorial.
fn check_console_blocks(t: &str) {
    // The diff example writes its cohort under target/ (atomically: the two tutorials may
    // write it at the same time).
    std::fs::create_dir_all(root().join("target")).expect("target/");
    let mut commands = 0;
    for b in blocks(&read(t)).iter().filter(|b| b.info == "console") {
        let place = format!("{t}:{}", b.line);
        let mut current: Option<(String, Vec<String>)> = None;
        for line in &b.lines {
            if let Some(cmd) = line.strip_prefix("$ ") {
                if let Some((c, exp)) = current.take() {
                    check_command(&place, &c, &exp);
                    commands += 1;
                }
                current = Some((cmd.to_string(), Vec::new()));
            } else {
                let (_, exp) = current
                    .as_mut()
                    .unwrap_or_else(|| panic!("{place}: output before a command"));
                exp.push(line.clone());
            }
        }
        let (c, exp) = current.unwrap_or_else(|| panic!("{place}: no command"));
        check_command(&place, &c, &exp);
        commands += 1;
    }
    assert!(commands >= 20, "{t}: only {commands} commands found");
}

#[test]
fn console_blocks_of_the_chinese_tutorial_show_what_polc_prints() {
    check_console_blocks(TUTORIALS[0]);
}

#[test]
fn console_blocks_of_the_english_tutorial_show_what_polc_prints() {
    check_console_blocks(TUTORIALS[1]);
}
