//! The checker (and the stdlib it loads) on whatever parses: a program or
//! diagnostics, never a panic; a program's own cases are run too.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let c = polc::driver::compile_str("fuzz.pol", text);
    let _ = polc::diagnostics::render_plain(&c.sources, &c.diagnostics);
    if let Some(p) = &c.program {
        let _ = polc::testing::run_cases(p);
    }
});
