//! No input makes the compiler panic: every prefix of every shipped policy
//! and fixture, and many deterministic random mutations of them, must come
//! back as a program or as diagnostics. (Issue-level fuzzing with cargo-fuzz
//! goes further; this keeps the guarantee in every `cargo test`.)

use polc::driver::compile_str;
use std::path::{Path, PathBuf};

fn pol_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            pol_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "pol") {
            out.push(p);
        }
    }
}

fn corpus() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    pol_files(&root.join("policies"), &mut files);
    pol_files(&root.join("tests"), &mut files);
    pol_files(&root.join("stdlib"), &mut files);
    files.sort();
    files
        .iter()
        .filter_map(|f| std::fs::read_to_string(f).ok())
        .collect()
}

/// A small deterministic generator (xorshift), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % (n.max(1) as u64)) as usize
    }
}

fn compile_and_run(text: &str) {
    let c = compile_str("fuzz.pol", text);
    // Rendering must not panic either (spans must fit their files).
    let _ = polc::diagnostics::render_plain(&c.sources, &c.diagnostics);
    if let Some(p) = &c.program {
        let _ = polc::testing::run_cases(p);
    }
}

#[test]
fn every_prefix_compiles_without_panic() {
    for text in corpus() {
        let bounds: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
        let step = (bounds.len() / 60).max(1);
        for &b in bounds.iter().step_by(step) {
            compile_and_run(&text[..b]);
        }
    }
}

#[test]
fn random_mutations_compile_without_panic() {
    const FRAGMENTS: &[&str] = &[
        "(",
        ")",
        "{",
        "}",
        "[",
        "]",
        "\"",
        "@",
        "*",
        "/ 0元",
        "万元",
        "%",
        "::",
        "?",
        "??",
        "=>",
        "_",
        " and ",
        " not ",
        "if ",
        "match x {",
        "let ",
        "grant ",
        "cap ",
        "case \"c\" { given { } expect { } }",
        "9999999999999999999999999999亿元",
        "2026-02-30",
        "0元",
        "-",
        "\u{3000}",
        "（",
        "é",
        "\u{0}",
        "sum(for l in loans => l.amount)",
        "min()",
        "present(1)",
        "3 years",
        "\\",
    ];
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for text in corpus() {
        let chars: Vec<char> = text.chars().collect();
        for _ in 0..25 {
            let mut s: Vec<char> = chars.clone();
            for _ in 0..1 + rng.below(4) {
                let at = rng.below(s.len() + 1);
                match rng.below(3) {
                    0 => {
                        let end = (at + rng.below(12)).min(s.len());
                        s.drain(at..end);
                    }
                    1 => {
                        let frag = FRAGMENTS[rng.below(FRAGMENTS.len())];
                        for (k, c) in frag.chars().enumerate() {
                            s.insert((at + k).min(s.len()), c);
                        }
                    }
                    _ => {
                        if !s.is_empty() {
                            let a = rng.below(s.len());
                            let b = rng.below(s.len());
                            s.swap(a, b);
                        }
                    }
                }
            }
            let mutated: String = s.into_iter().collect();
            compile_and_run(&mutated);
        }
    }
}

/// Replace every amount, number and date in a value by an extreme one.
fn extreme(v: &polc::value::Value, k: usize) -> polc::value::Value {
    use polc::value::{Date, Value};
    use rust_decimal::Decimal;
    match v {
        Value::Money(_) => Value::Money([Decimal::MAX, Decimal::ZERO, Decimal::new(1, 28)][k % 3]),
        Value::Rate(_) => Value::Rate([Decimal::MAX, Decimal::ZERO, Decimal::MIN][k % 3]),
        Value::Decimal(_) => Value::Decimal([Decimal::MAX, Decimal::MIN, Decimal::ZERO][k % 3]),
        Value::Int(_) => Value::Int([i64::MAX, i64::MIN, 0][k % 3]),
        Value::Date(_) => {
            let s = ["9999-12-31", "0001-01-01", "2024-02-29"][k % 3];
            Date::parse(s).map(Value::Date).unwrap_or(Value::Absent)
        }
        Value::Record(fs) => Value::Record(fs.iter().map(|f| extreme(f, k)).collect()),
        Value::List(xs) => Value::List(xs.iter().map(|x| extreme(x, k)).collect()),
        other => other.clone(),
    }
}

#[test]
fn extreme_values_give_results_or_errors_never_panics() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    pol_files(&root.join("policies"), &mut files);
    pol_files(&root.join("tests/fixtures/check/good"), &mut files);
    for f in files {
        let Ok(text) = std::fs::read_to_string(&f) else {
            continue;
        };
        let c = compile_str("x.pol", &text);
        let Some(p) = &c.program else { continue };
        for case in &p.cases {
            for k in 0..3 {
                let mut inputs = vec![polc::value::Value::Absent; p.inputs.len()];
                for (i, v, _) in &case.given {
                    if let Some(slot) = inputs.get_mut(*i as usize) {
                        *slot = extreme(v, k);
                    }
                }
                let _ = polc::eval::evaluate(p, &inputs, true);
            }
        }
    }
}
