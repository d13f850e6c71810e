//! In-process costs, measured with criterion: one evaluation from values
//! already decoded (the embedding API's hot path), with and without the trace
//! reports need, and compiling a policy (parse + check).
//!
//! Run: cargo bench --bench eval

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use polc::driver::compile_str;
use polc::eval::evaluate;

fn load(policy: &str, example: &str) -> (polc::program::Program, Vec<polc::value::Value>, String) {
    let root = env!("CARGO_MANIFEST_DIR");
    let text = std::fs::read_to_string(format!("{root}/policies/{policy}")).unwrap_or_default();
    let c = compile_str(policy, &text);
    let Some(prog) = c.program else {
        panic!("{policy} does not compile");
    };
    let data = std::fs::read_to_string(format!("{root}/examples/{example}")).unwrap_or_default();
    let values = polc::data::decode_applicant(&prog, &data).unwrap_or_default();
    (prog, values, text)
}

fn bench(c: &mut Criterion) {
    for (name, policy, example) in [
        (
            "1-01",
            "000-zhizao-2026/1-01-equipment-renewal.pol",
            "equipment-renewal-applicant.json",
        ),
        (
            "1-04 (largest)",
            "000-zhizao-2026/1-04-industrial-design.pol",
            "industrial-design-applicant.json",
        ),
    ] {
        let (prog, values, text) = load(policy, example);
        assert!(
            evaluate(&prog, &values, false).is_ok(),
            "{name}: the example evaluates"
        );
        c.bench_function(&format!("evaluate {name}"), |b| {
            b.iter(|| evaluate(black_box(&prog), black_box(&values), false))
        });
        c.bench_function(&format!("evaluate {name} with trace"), |b| {
            b.iter(|| evaluate(black_box(&prog), black_box(&values), true))
        });
        c.bench_function(&format!("compile {name}"), |b| {
            b.iter(|| compile_str(policy, black_box(&text)))
        });
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
