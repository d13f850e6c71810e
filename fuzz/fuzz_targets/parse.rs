//! The parser on arbitrary text: a syntax tree or syntax errors, never a
//! panic, a hang or a stack overflow; rendering the errors must not panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let parsed = polc::syntax::parse(0, text);
    let mut sources = polc::span::Sources::new();
    sources.add("fuzz.pol", text);
    let _ = polc::diagnostics::render_plain(&sources, &parsed.diagnostics);
});
