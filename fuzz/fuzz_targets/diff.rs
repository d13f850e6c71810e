//! The structural diff of two arbitrary texts (split at the first NUL byte):
//! parsing both and comparing them rule by rule must never panic, whatever
//! the two parse into.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (old, new) = text.split_once('\0').unwrap_or((text, ""));
    let a = polc::syntax::parse(0, old);
    let b = polc::syntax::parse(1, new);
    for lang in [polc::Lang::Zh, polc::Lang::En] {
        let _ = polc::diff::structural::diff(&a.file, old, &b.file, new, lang);
    }
});
