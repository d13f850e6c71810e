use crate::driver::{compile_str, Compiled};

fn errors(src: &str) -> Vec<String> {
    let Compiled { diagnostics, .. } = compile_str("test.pol", src);
    diagnostics
        .iter()
        .map(|d| d.code.as_str().to_string())
        .collect()
}

#[test]
fn money_times_money_is_e0301() {
    let src = "policy p { title \"t\" }\ninput { a: Money \"a\" }\ngrant g \"g\" @\"1\" { amount = a * a }\n";
    assert!(errors(src).contains(&"E0301".to_string()));
}

#[test]
fn every_error_is_reported_in_one_run() {
    let src = "policy p { title \"t\" }\ninput { a: Money \"a\" }\nlet x = a + 5%\nlet y = a * a\nlet z = nope\ngrant g \"g\" @\"1\" { amount = x + y + z }\n";
    let codes = errors(src);
    for c in ["E0302", "E0301", "E0101"] {
        assert!(codes.contains(&c.to_string()), "{c} missing from {codes:?}");
    }
}
