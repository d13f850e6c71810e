//! Every shipped policy on arbitrary applicant data: the first byte picks the
//! policy, the rest is the JSON. Decoding, evaluation with the trace, the
//! explanation report in both languages and its JSON must never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn policies() -> &'static Vec<polc::Policy> {
    static P: OnceLock<Vec<polc::Policy>> = OnceLock::new();
    P.get_or_init(|| {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../policies");
        let mut files = Vec::new();
        let mut stack = vec![root];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|x| x == "pol") {
                    files.push(p);
                }
            }
        }
        files.sort();
        files
            .iter()
            .filter_map(|f| {
                let text = std::fs::read_to_string(f).ok()?;
                polc::Policy::compile_rules(&f.display().to_string(), &text).ok()
            })
            .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, json)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(json) else { return };
    let ps = policies();
    let Some(policy) = ps.get(pick as usize % ps.len().max(1)) else { return };
    let Ok(a) = policy.applicant_from_json(text) else { return };
    for lang in [polc::Lang::Zh, polc::Lang::En] {
        if let Ok(report) = policy.explain(&a, lang) {
            let _ = polc::explain::render(&report, polc::explain::Format::Json);
            let _ = polc::explain::render(&report, polc::explain::Format::Html);
        }
    }
});
