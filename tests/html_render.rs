//! The HTML report opens in a real browser: headless Chromium renders each
//! report to a screenshot without error, and the page it built holds the
//! conclusion. `.ci/run` installs Debian's `chromium` (and CJK fonts) when
//! missing; without a browser this test fails under CI and is skipped, with a
//! notice, on a developer machine.

use polc::driver::compile_str;
use polc::eval::evaluate;
use polc::explain::{build, render, Format, Lang};
use std::path::{Path, PathBuf};
use std::process::Command;

fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|name| {
            std::env::var_os("PATH").and_then(|paths| {
                std::env::split_paths(&paths)
                    .map(|d| d.join(name))
                    .find(|p| p.is_file())
            })
        })
}

fn headless(browser: &Path, profile: &Path) -> Command {
    let mut c = Command::new(browser);
    c.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--enable-logging=stderr",
        "--v=0",
    ])
    .arg(format!("--user-data-dir={}", profile.display()));
    c
}

#[test]
fn html_reports_render_in_chromium() {
    let Some(browser) = chromium() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have a browser: .ci/run installs Debian's chromium"
        );
        eprintln!("SKIPPED: no chromium on PATH (apt-get install chromium fonts-noto-cjk)");
        return;
    };
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let tmp = std::env::temp_dir().join(format!("polc-html-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).expect("temp dir");
    let cases = [
        ("1-01-equipment-renewal", "1-01-ineligible"),
        ("1-01-equipment-renewal", "1-01-capped"),
        ("1-05-service-manufacturing", "1-05-normal"),
    ];
    for (policy, fixture) in cases {
        let p = root.join(format!("policies/000-zhizao-2026/{policy}.pol"));
        let c = compile_str(policy, &std::fs::read_to_string(p).expect("policy"));
        let prog = c.program.as_ref().expect("compiles");
        let data =
            std::fs::read_to_string(root.join(format!("tests/fixtures/explain/{fixture}.json")))
                .expect("data");
        let inputs = polc::data::decode_applicant(prog, &data).expect("decodes");
        let out = evaluate(prog, &inputs, true).expect("evaluates");
        for lang in [Lang::Zh, Lang::En] {
            let report = build(prog, &c.sources, &inputs, &out, lang);
            let html = tmp.join(format!("{fixture}.{}.html", lang.code()));
            std::fs::write(&html, render(&report, Format::Html)).expect("write html");
            let png = html.with_extension("png");
            let profile = tmp.join(format!("profile-{fixture}-{}", lang.code()));
            let shot = headless(&browser, &profile)
                .arg("--window-size=1000,1400")
                .arg(format!("--screenshot={}", png.display()))
                .arg(format!("file://{}", html.display()))
                .output()
                .expect("run chromium");
            let stderr = String::from_utf8_lossy(&shot.stderr);
            assert!(
                shot.status.success(),
                "{fixture} {lang:?}: chromium failed:\n{stderr}"
            );
            let console: Vec<&str> = stderr
                .lines()
                .filter(|l| l.contains("CONSOLE") || l.contains("Uncaught"))
                .collect();
            assert!(
                console.is_empty(),
                "{fixture} {lang:?}: console errors:\n{}",
                console.join("\n")
            );
            let size = std::fs::metadata(&png).map(|m| m.len()).unwrap_or(0);
            assert!(
                size > 20_000,
                "{fixture} {lang:?}: screenshot too small ({size} bytes)"
            );
            // The page the browser built holds the report's conclusion.
            let dom = headless(&browser, &profile)
                .arg("--dump-dom")
                .arg(format!("file://{}", html.display()))
                .output()
                .expect("run chromium");
            let dom = String::from_utf8_lossy(&dom.stdout);
            let conclusion = report.conclusion.replace('&', "&amp;");
            assert!(
                dom.contains(&conclusion),
                "{fixture} {lang:?}: conclusion not in the rendered page"
            );
            assert!(dom.contains("<table") || report.grants.iter().all(|g| g.schedule.is_none()));
        }
    }
    let _ = std::fs::remove_dir_all(&tmp);
}
