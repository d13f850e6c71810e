//! `polc match` on arbitrary profiles against the whole shipped library:
//! splitting into applications, decoding, evaluation with stand-ins for
//! missing values, the dependency walk, 从高不重复 and every rendering must
//! never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn library() -> &'static Vec<(String, polc::driver::Compiled)> {
    static L: OnceLock<Vec<(String, polc::driver::Compiled)>> = OnceLock::new();
    L.get_or_init(|| {
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
                let name = f.display().to_string();
                let c = polc::driver::compile_str(&name, &text);
                c.program.is_some().then_some((name, c))
            })
            .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(root) = polc::data::json::parse(text) else { return };
    let lib: Vec<polc::matching::LibraryPolicy<'_>> = library()
        .iter()
        .filter_map(|(name, c)| {
            Some(polc::matching::LibraryPolicy {
                file: name.clone(),
                program: c.program.as_ref()?,
                sources: &c.sources,
            })
        })
        .collect();
    let Some(on) = polc::value::Date::parse("2026-06-30") else { return };
    let Ok(m) = polc::matching::run(&lib, &root, on) else { return };
    for lang in [polc::Lang::Zh, polc::Lang::En] {
        let r = polc::matching::report(&lib, &m, lang);
        for f in [
            polc::explain::Format::Text,
            polc::explain::Format::Html,
            polc::explain::Format::Json,
        ] {
            let _ = polc::matching::render(&r, f);
        }
    }
});
