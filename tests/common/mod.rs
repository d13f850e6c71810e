//! Helpers shared by the integration tests that run the `polc` binary.
#![allow(dead_code)] // each test crate uses some of them

use std::path::PathBuf;
use std::process::{Command, Output};

/// Run `polc` from the repository root, without colours.
pub fn polc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_polc"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .output()
        .expect("run polc")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A fresh directory under the system's temporary directory, per test
/// process and name.
pub fn tmp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("polc-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&d).expect("tmp dir");
    d
}
