//! The batch path gives the same results as evaluating each applicant alone,
//! in input order, with bad records reported by line and counted.

use polc::batch::{run, InputFormat, Options, OutputFormat};
use polc::driver::compile_str;

fn policy(path: &str) -> polc::program::Program {
    let full = format!("{}/policies/{path}", env!("CARGO_MANIFEST_DIR"));
    compile_str(path, &std::fs::read_to_string(full).expect("policy"))
        .program
        .expect("compiles")
}

#[test]
fn batch_rows_equal_single_evaluations_on_a_generated_cohort() {
    for path in [
        "000-zhizao-2026/1-01-equipment-renewal.pol",
        "000-zhizao-2026/1-12-chain-collaboration.pol",
        "001-digital-economy/measure-07-e-commerce.pol",
    ] {
        let prog = policy(path);
        let mut cohort = Vec::new();
        polc::cohort::generate_with(&prog, 400, 7, 5, &mut cohort).expect("cohort");
        let text = String::from_utf8(cohort).expect("utf8");
        let mut out = Vec::new();
        let mut bad = Vec::new();
        let summary = run(
            &prog,
            text.as_bytes(),
            &mut out,
            &Options::default(),
            |e| bad.push(e.line),
            |_| {},
        )
        .expect("batch");
        let rows: Vec<serde_json::Value> = String::from_utf8(out)
            .expect("utf8")
            .lines()
            .map(|l| serde_json::from_str(l).expect("row"))
            .collect();
        // Every line is a result or a reported bad record, in order.
        assert_eq!(rows.len() + bad.len(), 400, "{path}");
        assert_eq!(summary.evaluated as usize, rows.len());
        let mut rows = rows.iter();
        for (i, line) in text.lines().enumerate() {
            let single = polc::data::decode_applicant(&prog, line)
                .ok()
                .and_then(|v| polc::eval::evaluate(&prog, &v, false).ok());
            match single {
                None => assert!(
                    bad.contains(&(i as u64 + 1)),
                    "{path}: line {} should be reported",
                    i + 1
                ),
                Some(out) => {
                    let row = rows.next().expect("a row");
                    assert_eq!(row["line"], i + 1);
                    assert_eq!(
                        row["total"],
                        polc::value::money_string(out.total),
                        "{path}: line {}",
                        i + 1
                    );
                    for (g, r) in prog.grants.iter().zip(&out.grants) {
                        assert_eq!(row["grants"][&g.name], polc::value::money_string(r.amount));
                    }
                }
            }
        }
    }
}

#[test]
fn csv_in_and_out() {
    let prog = policy("000-zhizao-2026/1-01-equipment-renewal.pol");
    // 技改 1200万元 × 5% = 60万元; new build 800万元 × 10% = 80万元; a bad amount on line 4.
    let csv = "project.kind,project.city,project.in_production,project.started_on,project.completed_on,project.permits_complete,project.approved_investment\n\
Renovation,沈阳,true,2024-03-01,2025-10-31,true,1200万元\n\
NewBuild,大连,true,2024-03-01,2025-10-31,true,800万元\n\
NewBuild,大连,true,2024-03-01,2025-10-31,true,lots\n";
    let opts = Options {
        input: InputFormat::Csv,
        output: OutputFormat::Csv,
        ..Options::default()
    };
    let mut out = Vec::new();
    let mut bad = Vec::new();
    run(
        &prog,
        csv.as_bytes(),
        &mut out,
        &opts,
        |e| bad.push(e.line),
        |_| {},
    )
    .expect("batch");
    let text = String::from_utf8(out).expect("utf8");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "line,eligible,direct,interest_subsidy,total");
    assert_eq!(lines[1], "2,true,600000.00,0.00,600000.00");
    assert_eq!(lines[2], "3,true,800000.00,0.00,800000.00");
    assert_eq!(bad, vec![4]);
}
