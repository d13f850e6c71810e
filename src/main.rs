//! The `polc` command line: a thin layer over the library. This is the only
//! place that reads files, writes output and chooses exit codes:
//!
//! - 0: success (check clean, run printed a result, all tests passed)
//! - 1: the policy has errors, evaluation failed, or a test failed
//! - 2: the applicant data is bad (every problem listed on stderr)

use clap::{Parser, Subcommand, ValueEnum};
use codespan_reporting::term::termcolor::ColorChoice;
use polc::diagnostics::{self, Diagnostic, Severity};
use polc::driver::{compile, compile_rules, Compiled};
use polc::span::Sources;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "polc",
    version,
    about = "Check, run and test subsidy policies written in the polc language"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Parse, resolve, type-check and lint policy files (directories are searched for *.pol)
    Check {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// `--deny warnings` makes warnings fail the check
        #[arg(long, value_name = "warnings")]
        deny: Option<DenyWhat>,
    },
    /// Evaluate a policy on one applicant's data (JSON). With several policies, the
    /// data is a shared profile (keys a policy does not declare are ignored) and
    /// 从高不重复 groups are applied across them
    Run {
        #[arg(required = true)]
        policies: Vec<PathBuf>,
        /// One applicant's data (JSON)
        #[arg(
            long,
            short,
            required_unless_present = "batch",
            conflicts_with = "batch"
        )]
        input: Option<PathBuf>,
        /// Many applicants: JSON Lines (.jsonl) or CSV (.csv, header row of input names,
        /// dotted names for record fields); results in input order, using every core
        #[arg(long)]
        batch: Option<PathBuf>,
        /// Where batch results go (written atomically); stdout when not given.
        /// .csv writes CSV, anything else JSON Lines
        #[arg(long, short)]
        output: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = Format::Json)]
        format: Format,
        /// Evaluate as of this date (YYYY-MM-DD, e.g. the application date): outside the
        /// policy's effective period the applicant is not eligible and the result says so
        #[arg(long, value_parser = parse_date)]
        on: Option<polc::value::Date>,
        /// The input is a shared applicant profile: ignore top-level keys this policy
        /// does not declare (several policies always read it so)
        #[arg(long)]
        profile: bool,
    },
    /// Explain one applicant's result: why, why not and how much, step by step
    Explain {
        policy: PathBuf,
        #[arg(long, short)]
        input: PathBuf,
        /// Report language: zh (default) or en
        #[arg(long, default_value = "zh", value_parser = ["zh", "en"])]
        lang: String,
        /// text (terminal), markdown, html (one self-contained file) or json (the derivation)
        #[arg(long, default_value = "text", value_parser = ["text", "markdown", "html", "json"])]
        format: String,
        /// Write the report to this file (atomically) instead of stdout
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// Evaluate as of this date (YYYY-MM-DD): outside the effective period the report says so
        #[arg(long, value_parser = parse_date)]
        on: Option<polc::value::Date>,
        /// The input is a shared applicant profile: ignore top-level keys this policy does not declare
        #[arg(long)]
        profile: bool,
    },
    /// Match one enterprise's profile against every policy of a library: the policies it
    /// qualifies for (with amounts, 从高不重复 applied), the ones that need data it did not
    /// give, and the ones it fails with the closest gap
    Match {
        /// The profile (JSON, the shared vocabulary; `project` or a list `projects`)
        profile: PathBuf,
        /// The policy library: directories (searched for *.pol) or files
        #[arg(long, default_value = "policies")]
        policies: Vec<PathBuf>,
        /// Policies in force on this date (YYYY-MM-DD); default: today (China Standard Time)
        #[arg(long, value_parser = parse_date)]
        on: Option<polc::value::Date>,
        /// Report language: zh (default) or en
        #[arg(long, default_value = "zh", value_parser = ["zh", "en"])]
        lang: String,
        /// text (terminal), markdown, html (one self-contained file) or json
        #[arg(long, default_value = "text", value_parser = ["text", "markdown", "html", "json"])]
        format: String,
        /// Write the report to this file (atomically) instead of stdout
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Compare two versions of a policy: what changed in the rules and, over a cohort of
    /// applicants, who gains, who loses, the change in outlay and the largest changes, explained
    Diff {
        old: PathBuf,
        new: PathBuf,
        /// The cohort (JSON Lines or CSV, as for `run --batch`); e.g. from `polc cohort`
        #[arg(long)]
        batch: Option<PathBuf>,
        /// Evaluate as of this date (YYYY-MM-DD)
        #[arg(long, value_parser = parse_date)]
        on: Option<polc::value::Date>,
        /// How many of the largest changes to explain
        #[arg(long, default_value_t = 10)]
        top: usize,
        /// Report language: zh (default) or en
        #[arg(long, default_value = "zh", value_parser = ["zh", "en"])]
        lang: String,
        /// text (terminal), markdown, html (one file, with SVG charts) or json (every changed applicant)
        #[arg(long, default_value = "text", value_parser = ["text", "markdown", "html", "json"])]
        format: String,
        /// Write the report to this file (atomically) instead of stdout
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Run the policies' test cases (default: the policies/ directory)
    Test { paths: Vec<PathBuf> },
    /// Check the coverage table (docs/coverage.md) against the policies: every rule and
    /// case it names exists, and every grant and requirement is named
    Coverage {
        /// The coverage table(s): Markdown files, or directories of them
        #[arg(default_value = "docs/coverage.md")]
        tables: Vec<PathBuf>,
        /// The policies directory
        #[arg(long, default_value = "policies")]
        policies: PathBuf,
    },
    /// Generate a sample cohort of applicants for a policy (JSON Lines), reproducible from a seed
    Cohort {
        policy: PathBuf,
        #[arg(long, default_value_t = 1000)]
        count: u64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Leave out (or null) each optional field this many times in a thousand,
        /// as incomplete applications would (default 0: complete records)
        #[arg(long, default_value_t = 0)]
        missing: u64,
        /// Write to this file (atomically) instead of stdout
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Print the long explanation of a diagnostic code, e.g. E0301
    ExplainCode { code: String },
    /// List the stdlib modules, or print one (e.g. std::liaoning)
    Stdlib { module: Option<String> },
}

#[derive(Clone, Copy, ValueEnum)]
enum DenyWhat {
    Warnings,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Json,
    Text,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Deeply nested policies recurse deeply: give the pipeline a large stack
    // rather than let a hostile file overflow the default one.
    let worker = std::thread::Builder::new()
        .stack_size(256 * 1024 * 1024)
        .spawn(move || run(cli));
    match worker.map(|h| h.join()) {
        Ok(Ok(code)) => code,
        _ => {
            eprintln!("error: polc stopped unexpectedly; please report this with the input that caused it");
            ExitCode::from(101)
        }
    }
}

fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Check { paths, deny } => cmd_check(&paths, deny.is_some()),
        Command::Run {
            policies,
            input,
            batch,
            output,
            format,
            on,
            profile,
        } => match (policies.as_slice(), input, batch) {
            ([one], _, Some(batch)) => cmd_batch(one, &batch, output.as_deref(), on),
            (_, _, Some(_)) => {
                eprintln!("error: a batch runs one policy at a time");
                ExitCode::from(1)
            }
            ([one], Some(input), None) => cmd_run(one, &input, format, on, profile),
            (many, Some(input), None) => cmd_run_many(many, &input, format, on),
            (_, None, None) => {
                eprintln!("error: give --input FILE.json (one applicant) or --batch FILE (many)");
                ExitCode::from(1)
            }
        },
        Command::Test { paths } => cmd_test(&paths),
        Command::Diff {
            old,
            new,
            batch,
            on,
            top,
            lang,
            format,
            output,
        } => cmd_diff(
            &old,
            &new,
            batch.as_deref(),
            on,
            top,
            &lang,
            &format,
            output.as_deref(),
        ),
        Command::Match {
            profile,
            policies,
            on,
            lang,
            format,
            output,
        } => cmd_match(&profile, &policies, on, &lang, &format, output.as_deref()),
        Command::Explain {
            policy,
            input,
            lang,
            format,
            output,
            on,
            profile,
        } => cmd_explain(
            &policy,
            &input,
            &lang,
            &format,
            output.as_deref(),
            on,
            profile,
        ),
        Command::Coverage { tables, policies } => cmd_coverage(&tables, &policies),
        Command::Cohort {
            policy,
            count,
            seed,
            missing,
            output,
        } => cmd_cohort(&policy, count, seed, missing, output.as_deref()),
        Command::ExplainCode { code } => match diagnostics::explain(&code) {
            Some(text) => {
                print!("{text}");
                ExitCode::SUCCESS
            }
            None => {
                eprintln!("error: `{code}` is not a polc diagnostic code");
                eprintln!(
                    "help: the codes are {}",
                    diagnostics::ALL_CODES
                        .iter()
                        .map(|c| c.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                );
                ExitCode::from(1)
            }
        },
        Command::Stdlib { module } => match module {
            None => {
                for (name, _) in polc::stdlib::MODULES {
                    println!("{name}");
                }
                ExitCode::SUCCESS
            }
            Some(m) => match polc::stdlib::module(&m) {
                Some(text) => {
                    print!("{text}");
                    ExitCode::SUCCESS
                }
                None => {
                    eprintln!("error: no stdlib module `{m}`; run `polc stdlib` for the list");
                    ExitCode::from(1)
                }
            },
        },
    }
}

fn color_stderr() -> ColorChoice {
    if std::env::var_os("NO_COLOR").is_some() || !std::io::stderr().is_terminal() {
        ColorChoice::Never
    } else {
        ColorChoice::Auto
    }
}

/// Every `.pol` file under the paths (files as given, directories recursively, sorted).
fn collect_policies(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            walk(p, &mut out).map_err(|e| format!("cannot read directory {}: {e}", p.display()))?;
        } else if p.exists() {
            out.push(p.clone());
        } else {
            return Err(format!("no such file or directory: {}", p.display()));
        }
    }
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(&p, out)?;
        } else if p.extension().is_some_and(|x| x == "pol") {
            out.push(p);
        }
    }
    Ok(())
}

/// Read and compile a policy with its test cases (check, test, coverage).
fn load(path: &Path) -> Result<Compiled, String> {
    load_with(path, true)
}

/// Read and compile a policy's rules only (run, explain, batches, cohorts).
fn load_rules(path: &Path) -> Result<Compiled, String> {
    load_with(path, false)
}

fn load_with(path: &Path, cases: bool) -> Result<Compiled, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        format!(
            "{} is not valid UTF-8 (first bad byte at offset {}); save it as UTF-8",
            path.display(),
            e.utf8_error().valid_up_to()
        )
    })?;
    let mut sources = Sources::new();
    let id = sources.add(path.display().to_string(), text);
    Ok(if cases {
        compile(sources, id)
    } else {
        compile_rules(sources, id)
    })
}

fn report(c: &Compiled, diags: &[Diagnostic]) {
    diagnostics::render_stderr(&c.sources, diags, color_stderr());
}

fn cmd_cohort(
    policy: &Path,
    count: u64,
    seed: u64,
    missing: u64,
    output: Option<&Path>,
) -> ExitCode {
    let c = match load_rules(policy) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    let Some(prog) = &c.program else {
        report(&c, &c.diagnostics);
        return ExitCode::from(1);
    };
    let result = match output {
        Some(path) => {
            let mut buf = std::io::BufWriter::new(Vec::new());
            polc::cohort::generate_with(prog, count, seed, missing, &mut buf)
                .and_then(|_| buf.into_inner().map_err(|e| e.into_error()))
                .and_then(|bytes| write_atomically(path, &bytes))
        }
        None => {
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            polc::cohort::generate_with(prog, count, seed, missing, &mut out)
                .and_then(|_| out.flush())
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: cannot write the cohort: {e}");
            ExitCode::from(1)
        }
    }
}

fn cmd_coverage(tables: &[PathBuf], policies_dir: &Path) -> ExitCode {
    let mut md = Vec::new();
    for t in tables {
        if t.is_dir() {
            let mut files: Vec<PathBuf> = match std::fs::read_dir(t) {
                Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).collect(),
                Err(e) => {
                    eprintln!("error: cannot read {}: {e}", t.display());
                    return ExitCode::from(1);
                }
            };
            files.retain(|p| p.extension().is_some_and(|x| x == "md"));
            files.sort();
            md.extend(files);
        } else {
            md.push(t.clone());
        }
    }
    let mut rows = Vec::new();
    for f in &md {
        let text = match std::fs::read_to_string(f) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("error: cannot read {}: {e}", f.display());
                return ExitCode::from(1);
            }
        };
        match polc::coverage::parse(&f.display().to_string(), &text) {
            Ok(r) => rows.extend(r),
            Err(p) => {
                eprintln!("error: {}: {}", p.place, p.message);
                return ExitCode::from(1);
            }
        }
    }
    let files = match collect_policies(&[policies_dir.to_path_buf()]) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    let mut programs = std::collections::BTreeMap::new();
    for f in &files {
        let rel = f
            .strip_prefix(policies_dir)
            .unwrap_or(f)
            .display()
            .to_string();
        match load(f) {
            Ok(c) => match c.program {
                Some(p) => {
                    programs.insert(rel, p);
                }
                None => eprintln!(
                    "warning: {} does not compile; its rows cannot be checked",
                    f.display()
                ),
            },
            Err(e) => eprintln!("error: {e}"),
        }
    }
    let problems = polc::coverage::check(&rows, &programs);
    for p in &problems {
        eprintln!("error: {}: {}", p.place, p.message);
    }
    let computable = rows
        .iter()
        .filter(|r| !r.policy.starts_with("not computable"))
        .count();
    eprintln!(
        "coverage: {} rows ({} computable, {} not), {} policies, {} problem{}",
        rows.len(),
        computable,
        rows.len() - computable,
        programs.len(),
        problems.len(),
        if problems.len() == 1 { "" } else { "s" }
    );
    if problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn cmd_check(paths: &[PathBuf], deny_warnings: bool) -> ExitCode {
    let files = match collect_policies(paths) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    let (mut errors, mut warnings) = (0usize, 0usize);
    for f in &files {
        match load(f) {
            Ok(c) => {
                report(&c, &c.diagnostics);
                errors += c
                    .diagnostics
                    .iter()
                    .filter(|d| d.severity == Severity::Error)
                    .count();
                warnings += c
                    .diagnostics
                    .iter()
                    .filter(|d| d.severity == Severity::Warning)
                    .count();
            }
            Err(e) => {
                eprintln!("error: {e}");
                errors += 1;
            }
        }
    }
    let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    eprintln!(
        "checked {}: {}, {}",
        plural(files.len(), "file"),
        plural(errors, "error"),
        plural(warnings, "warning")
    );
    if errors > 0 || (deny_warnings && warnings > 0) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Load a policy and an applicant file and evaluate with the trace on: the
/// compiled policy, the decoded values and the outcome, or the exit code.
fn parse_date(s: &str) -> Result<polc::value::Date, String> {
    polc::value::Date::parse(s)
        .ok_or_else(|| format!("`{s}` is not a date: write YYYY-MM-DD, e.g. 2026-03-01"))
}

fn evaluate_files(
    policy: &Path,
    input: &Path,
    on: Option<polc::value::Date>,
    profile: bool,
) -> Result<(Compiled, Vec<polc::value::Value>, polc::eval::Outcome), ExitCode> {
    let c = match load_rules(policy) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return Err(ExitCode::from(1));
        }
    };
    let Some(prog) = &c.program else {
        report(&c, &c.diagnostics);
        eprintln!(
            "error: {} has errors; fix them before running it",
            policy.display()
        );
        return Err(ExitCode::from(1));
    };
    let text = match std::fs::read(input) {
        Ok(b) => match String::from_utf8(b) {
            Ok(t) => t,
            Err(e) => {
                eprintln!(
                    "error: {} is not valid UTF-8 (first bad byte at offset {}); applicant data must be UTF-8 JSON",
                    input.display(),
                    e.utf8_error().valid_up_to()
                );
                return Err(ExitCode::from(2));
            }
        },
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", input.display());
            return Err(ExitCode::from(2));
        }
    };
    let decoded = if profile {
        polc::data::json::parse(&text)
            .map_err(|e| vec![e])
            .and_then(|root| polc::data::decode_profile(prog, &root))
    } else {
        polc::data::decode_applicant(prog, &text)
    };
    let values = match decoded {
        Ok(v) => v,
        Err(errs) => {
            let color = color_stderr() != ColorChoice::Never;
            eprint!(
                "{}",
                polc::data::render_errors(&input.display().to_string(), &text, &errs, color)
            );
            eprintln!(
                "error: {} has {} problem{}; nothing was evaluated",
                input.display(),
                errs.len(),
                if errs.len() == 1 { "" } else { "s" }
            );
            return Err(ExitCode::from(2));
        }
    };
    let result = polc::eval::evaluate_on(prog, &values, on, true);
    if let (Some(d), Ok(out)) = (on, &result) {
        if out.in_force == Some(false) {
            let m = &prog.meta;
            eprintln!(
                "warning: {} is not in force on {d} (effective {} .. {}); the applicant is not eligible",
                policy.display(),
                m.effective_from.map(|x| x.to_string()).unwrap_or_default(),
                m.effective_to.map(|x| x.to_string()).unwrap_or_default()
            );
        }
    }
    match result {
        Ok(out) => Ok((c, values, out)),
        Err(e) => {
            report(&c, &[e.to_diagnostic()]);
            Err(ExitCode::from(1))
        }
    }
}

fn cmd_run(
    policy: &Path,
    input: &Path,
    format: Format,
    on: Option<polc::value::Date>,
    profile: bool,
) -> ExitCode {
    let (c, _values, out) = match evaluate_files(policy, input, on, profile) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let Some(prog) = &c.program else {
        return ExitCode::from(1);
    };
    {
        {
            let text = match format {
                Format::Json => {
                    let j = polc::results::to_json(prog, &out);
                    serde_json::to_string_pretty(&j).unwrap_or_default() + "\n"
                }
                Format::Text => polc::results::to_text(prog, &out),
            };
            let mut stdout = std::io::stdout().lock();
            if stdout.write_all(text.as_bytes()).is_err() {
                return ExitCode::from(1);
            }
            ExitCode::SUCCESS
        }
    }
}

fn cmd_batch(
    policy: &Path,
    batch: &Path,
    output: Option<&Path>,
    on: Option<polc::value::Date>,
) -> ExitCode {
    use polc::batch::{InputFormat, Options, OutputFormat};
    let c = match load_rules(policy) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    let Some(prog) = &c.program else {
        report(&c, &c.diagnostics);
        eprintln!(
            "error: {} has errors; fix them before running it",
            policy.display()
        );
        return ExitCode::from(1);
    };
    let file = match std::fs::File::open(batch) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", batch.display());
            return ExitCode::from(2);
        }
    };
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let is_csv = |p: &Path| p.extension().is_some_and(|x| x.eq_ignore_ascii_case("csv"));
    let opts = Options {
        input: if is_csv(batch) {
            InputFormat::Csv
        } else {
            InputFormat::JsonLines
        },
        output: if output.is_some_and(is_csv) {
            OutputFormat::Csv
        } else {
            OutputFormat::JsonLines
        },
        on,
        ..Options::default()
    };
    let reader = std::io::BufReader::with_capacity(1 << 20, file);
    // A progress bar only on a terminal, and only when results go to a file.
    let bar = if std::io::stderr().is_terminal() && output.is_some() {
        let b = indicatif::ProgressBar::new(size);
        b.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:40} {bytes}/{total_bytes} {per_sec} eta {eta}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b
    } else {
        indicatif::ProgressBar::hidden()
    };
    let mut bad = 0u64;
    let report_bad = |e: &polc::batch::RecordError| {
        bad += 1;
        if bad <= 100 {
            eprintln!("error: {}:{}: {}", batch.display(), e.line, e.message);
        } else if bad == 101 {
            eprintln!("error: more bad records; only the first 100 are listed");
        }
    };
    let result = match output {
        Some(path) => {
            let dir = path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
            let r = std::fs::File::create(&tmp)
                .and_then(|f| polc::batch::run(prog, reader, f, &opts, report_bad, |b| bar.inc(b)));
            let r = r.and_then(|s| std::fs::rename(&tmp, path).map(|_| s));
            if r.is_err() {
                let _ = std::fs::remove_file(&tmp);
            }
            r
        }
        None => polc::batch::run(
            prog,
            reader,
            std::io::stdout().lock(),
            &opts,
            report_bad,
            |b| bar.inc(b),
        ),
    };
    bar.finish_and_clear();
    match result {
        Ok(s) => {
            let grants: Vec<String> = prog
                .grants
                .iter()
                .zip(&s.grant_totals)
                .map(|(g, t)| format!("{} {}", g.name, polc::value::money_string(*t)))
                .collect();
            eprintln!(
                "batch: {} records, {} evaluated, {} eligible, {} failed; totals: {}; total {}",
                s.records,
                s.evaluated,
                s.eligible,
                s.failed,
                grants.join(", "),
                polc::value::money_string(s.total)
            );
            if s.failed > 0 {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(e) => {
            eprintln!("error: the batch stopped: {e}; no output file was written");
            ExitCode::from(1)
        }
    }
}

/// Several policies, one profile: evaluate each, then apply 从高不重复.
fn cmd_run_many(
    policies: &[PathBuf],
    input: &Path,
    format: Format,
    on: Option<polc::value::Date>,
) -> ExitCode {
    let text = match std::fs::read_to_string(input) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", input.display());
            return ExitCode::from(2);
        }
    };
    let root = match polc::data::json::parse(&text) {
        Ok(r) => r,
        Err(e) => {
            let color = color_stderr() != ColorChoice::Never;
            eprint!(
                "{}",
                polc::data::render_errors(&input.display().to_string(), &text, &[e], color)
            );
            return ExitCode::from(2);
        }
    };
    let mut compiled = Vec::new();
    for p in policies {
        match load_rules(p) {
            Ok(c) if c.program.is_some() => compiled.push((p.clone(), c)),
            Ok(c) => {
                report(&c, &c.diagnostics);
                eprintln!(
                    "error: {} has errors; fix them before running it",
                    p.display()
                );
                return ExitCode::from(1);
            }
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(1);
            }
        }
    }
    let mut programs = Vec::new();
    let mut outcomes = Vec::new();
    let mut problems: Vec<(usize, String)> = Vec::new();
    let mut code = ExitCode::SUCCESS;
    for (i, (path, c)) in compiled.iter().enumerate() {
        let Some(prog) = &c.program else { continue };
        programs.push(prog);
        let outcome = match polc::data::decode_profile(prog, &root) {
            Ok(values) => match polc::eval::evaluate_on(prog, &values, on, true) {
                Ok(o) => Some(o),
                Err(e) => {
                    problems.push((i, e.message.clone()));
                    None
                }
            },
            Err(errs) => {
                code = ExitCode::from(2);
                let color = color_stderr() != ColorChoice::Never;
                eprintln!("{}:", path.display());
                eprint!(
                    "{}",
                    polc::data::render_errors(&input.display().to_string(), &text, &errs, color)
                );
                problems.push((i, format!("{} problem(s) in the data", errs.len())));
                None
            }
        };
        outcomes.push(outcome);
    }
    // Stack over the policies that could be evaluated.
    let idx: Vec<usize> = (0..outcomes.len())
        .filter(|i| outcomes.get(*i).is_some_and(|o| o.is_some()))
        .collect();
    let progs: Vec<&polc::program::Program> = idx
        .iter()
        .filter_map(|i| programs.get(*i).copied())
        .collect();
    let mut outs: Vec<polc::eval::Outcome> = idx
        .iter()
        .filter_map(|i| outcomes.get(*i).cloned().flatten())
        .collect();
    let decisions = polc::stack::apply(&progs, &mut outs);
    for (k, i) in idx.iter().enumerate() {
        if let (Some(slot), Some(o)) = (outcomes.get_mut(*i), outs.get(k)) {
            *slot = Some(o.clone());
        }
    }
    let total = outcomes
        .iter()
        .flatten()
        .map(|o| o.total)
        .sum::<rust_decimal::Decimal>();
    let text_out = match format {
        Format::Json => {
            let results: Vec<serde_json::Value> = outcomes
                .iter()
                .enumerate()
                .map(|(i, o)| match (o, programs.get(i)) {
                    (Some(o), Some(p)) => polc::results::to_json(p, o),
                    (_, p) => serde_json::json!({
                        "policy": p.map(|p| p.meta.name.clone()),
                        "error": problems.iter().find(|(k, _)| *k == i).map(|(_, m)| m.clone()),
                    }),
                })
                .collect();
            let stacking: Vec<serde_json::Value> = decisions
                .iter()
                .map(|d| {
                    let name = |k: usize| {
                        idx.get(k)
                            .and_then(|i| programs.get(*i))
                            .map(|p| p.meta.name.clone())
                    };
                    serde_json::json!({
                        "group": d.group,
                        "paid": name(d.winner),
                        "superseded": d.superseded.iter().map(|k| name(*k)).collect::<Vec<_>>(),
                    })
                })
                .collect();
            let j = serde_json::json!({
                "results": results,
                "stacking": stacking,
                "total": polc::value::money_string(total),
            });
            serde_json::to_string_pretty(&j).unwrap_or_default() + "\n"
        }
        Format::Text => {
            let mut s = String::new();
            for (i, o) in outcomes.iter().enumerate() {
                if let (Some(o), Some(p)) = (o, programs.get(i)) {
                    s.push_str(&polc::results::to_text(p, o));
                    if let Some(w) = &o.superseded_by {
                        s.push_str(&format!(
                            "按从高不重复原则，本政策不予支持，按较高的 {w} 支持。\n"
                        ));
                    }
                    s.push_str("\n----\n\n");
                }
            }
            s.push_str(&format!(
                "全部政策合计：{} 元\n",
                polc::value::money_grouped(total)
            ));
            s
        }
    };
    if std::io::stdout()
        .lock()
        .write_all(text_out.as_bytes())
        .is_err()
    {
        return ExitCode::from(1);
    }
    code
}

/// One version for `polc diff`: compiled rules, and its syntax tree for the
/// structural comparison.
fn load_version(path: &Path) -> Result<(Compiled, polc::syntax::Parsed, String), ExitCode> {
    let c = match load_rules(path) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return Err(ExitCode::from(1));
        }
    };
    if c.program.is_none() {
        report(&c, &c.diagnostics);
        eprintln!(
            "error: {} has errors; fix them before comparing it",
            path.display()
        );
        return Err(ExitCode::from(1));
    }
    let text = c
        .sources
        .iter()
        .find(|(_, s)| s.name == path.display().to_string())
        .map(|(_, s)| s.text.clone())
        .unwrap_or_default();
    let parsed = polc::syntax::parse(0, &text);
    Ok((c, parsed, text))
}

#[allow(clippy::too_many_arguments)]
fn cmd_diff(
    old: &Path,
    new: &Path,
    batch: Option<&Path>,
    on: Option<polc::value::Date>,
    top: usize,
    lang: &str,
    format: &str,
    output: Option<&Path>,
) -> ExitCode {
    use polc::batch::InputFormat;
    let (co, po, to) = match load_version(old) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let (cn, pn, tn) = match load_version(new) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let (Some(prog_old), Some(prog_new)) = (&co.program, &cn.program) else {
        return ExitCode::from(1);
    };
    let vo = polc::diff::Version {
        file: old.display().to_string(),
        program: prog_old,
        sources: &co.sources,
        ast: &po.file,
        text: &to,
    };
    let vn = polc::diff::Version {
        file: new.display().to_string(),
        program: prog_new,
        sources: &cn.sources,
        ast: &pn.file,
        text: &tn,
    };
    let lang = polc::explain::Lang::parse(lang).unwrap_or(polc::explain::Lang::Zh);
    let format = polc::explain::Format::parse(format).unwrap_or(polc::explain::Format::Text);
    let is_csv = |p: &Path| p.extension().is_some_and(|x| x.eq_ignore_ascii_case("csv"));
    let opts = polc::diff::Options {
        input: if batch.is_some_and(is_csv) {
            InputFormat::Csv
        } else {
            InputFormat::JsonLines
        },
        on,
        top,
    };
    let open = |p: &Path| -> Result<std::io::BufReader<std::fs::File>, ExitCode> {
        std::fs::File::open(p)
            .map(|f| std::io::BufReader::with_capacity(1 << 20, f))
            .map_err(|e| {
                eprintln!("error: cannot read {}: {e}", p.display());
                ExitCode::from(2)
            })
    };
    let report = match batch {
        None => polc::diff::report(
            &vo,
            &vn,
            None::<(&str, &polc::diff::Cohort, std::io::Empty)>,
            &opts,
            lang,
        ),
        Some(b) => {
            let (r1, r2, r3) = match (open(b), open(b), open(b)) {
                (Ok(a), Ok(x), Ok(y)) => (a, x, y),
                (Err(code), _, _) | (_, Err(code), _) | (_, _, Err(code)) => return code,
            };
            let cohort = match polc::diff::evaluate(prog_old, prog_new, r1, r2, &opts) {
                Ok(c) => c,
                Err(e) => {
                    eprintln!("error: cannot read {}: {e}", b.display());
                    return ExitCode::from(2);
                }
            };
            for bad in cohort.bad.iter().take(5) {
                let which = match bad.version {
                    "both" => "both versions",
                    "old" => "the old version",
                    _ => "the new version",
                };
                eprintln!(
                    "warning: {}:{}: not evaluated by {which}: {}",
                    b.display(),
                    bad.line,
                    bad.message
                );
            }
            if cohort.bad.len() > 5 {
                eprintln!(
                    "warning: {} more records not evaluated (the report lists the first 100)",
                    cohort.bad.len() - 5
                );
            }
            polc::diff::report(
                &vo,
                &vn,
                Some((&b.display().to_string(), &cohort, r3)),
                &opts,
                lang,
            )
        }
    };
    // Records the versions could not evaluate are part of the report (and
    // counted), not a failure of the comparison.
    emit(output, &polc::diff::render(&report, format))
}

/// Today in China Standard Time (UTC+8): the default evaluation date of `polc match`.
fn today() -> Option<polc::value::Date> {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_secs();
    let days = (secs + 8 * 3600) / 86_400;
    polc::value::Date::from_ymd(1970, 1, 1)?.add_days(i64::try_from(days).ok()?)
}

fn cmd_match(
    profile: &Path,
    libraries: &[PathBuf],
    on: Option<polc::value::Date>,
    lang: &str,
    format: &str,
    output: Option<&Path>,
) -> ExitCode {
    use rayon::prelude::*;
    let text = match std::fs::read(profile) {
        Ok(b) => match String::from_utf8(b) {
            Ok(t) => t,
            Err(e) => {
                eprintln!(
                    "error: {} is not valid UTF-8 (first bad byte at offset {}); a profile must be UTF-8 JSON",
                    profile.display(),
                    e.utf8_error().valid_up_to()
                );
                return ExitCode::from(2);
            }
        },
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", profile.display());
            return ExitCode::from(2);
        }
    };
    let color = color_stderr() != ColorChoice::Never;
    let root = match polc::data::json::parse(&text) {
        Ok(r) => r,
        Err(e) => {
            eprint!(
                "{}",
                polc::data::render_errors(&profile.display().to_string(), &text, &[e], color)
            );
            return ExitCode::from(2);
        }
    };
    let files = match collect_policies(libraries) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    if files.is_empty() {
        eprintln!("error: no .pol files found; give the library with --policies DIR");
        return ExitCode::from(1);
    }
    let compiled: Vec<(PathBuf, Result<Compiled, String>)> = files
        .par_iter()
        .map(|f| (f.clone(), load_rules(f)))
        .collect();
    let mut broken = 0;
    for (f, c) in &compiled {
        match c {
            Ok(c) if c.program.is_some() => {}
            Ok(c) => {
                report(c, &c.diagnostics);
                eprintln!("error: {} has errors", f.display());
                broken += 1;
            }
            Err(e) => {
                eprintln!("error: {e}");
                broken += 1;
            }
        }
    }
    if broken > 0 {
        eprintln!(
            "error: {broken} polic{} of the library could not be compiled; fix them (polc check) before matching",
            if broken == 1 { "y" } else { "ies" }
        );
        return ExitCode::from(1);
    }
    let library: Vec<polc::matching::LibraryPolicy<'_>> = compiled
        .iter()
        .filter_map(|(f, c)| {
            let c = c.as_ref().ok()?;
            Some(polc::matching::LibraryPolicy {
                file: f.display().to_string(),
                program: c.program.as_ref()?,
                sources: &c.sources,
            })
        })
        .collect();
    let Some(on) = on.or_else(today) else {
        eprintln!("error: cannot read today's date from the system clock; give --on YYYY-MM-DD");
        return ExitCode::from(1);
    };
    let matches = match polc::matching::run(&library, &root, on) {
        Ok(m) => m,
        Err(errs) => {
            eprint!(
                "{}",
                polc::data::render_errors(&profile.display().to_string(), &text, &errs, color)
            );
            eprintln!(
                "error: {} has {} problem{}; nothing was matched",
                profile.display(),
                errs.len(),
                if errs.len() == 1 { "" } else { "s" }
            );
            return ExitCode::from(2);
        }
    };
    let lang = polc::explain::Lang::parse(lang).unwrap_or(polc::explain::Lang::Zh);
    let format = polc::explain::Format::parse(format).unwrap_or(polc::explain::Format::Text);
    let report = polc::matching::report(&library, &matches, lang);
    emit(output, &polc::matching::render(&report, format))
}

fn cmd_explain(
    policy: &Path,
    input: &Path,
    lang: &str,
    format: &str,
    output: Option<&Path>,
    on: Option<polc::value::Date>,
    profile: bool,
) -> ExitCode {
    let (c, values, out) = match evaluate_files(policy, input, on, profile) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let Some(prog) = &c.program else {
        return ExitCode::from(1);
    };
    let lang = polc::explain::Lang::parse(lang).unwrap_or(polc::explain::Lang::Zh);
    let format = polc::explain::Format::parse(format).unwrap_or(polc::explain::Format::Text);
    let report = polc::explain::build_on(prog, &c.sources, &values, &out, lang, on);
    emit(output, &polc::explain::render(&report, format))
}

/// Write a report to `output` (atomically) or to stdout.
fn emit(output: Option<&Path>, text: &str) -> ExitCode {
    match output {
        Some(path) => match write_atomically(path, text.as_bytes()) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: cannot write {}: {e}", path.display());
                ExitCode::from(1)
            }
        },
        None => {
            if std::io::stdout().lock().write_all(text.as_bytes()).is_err() {
                return ExitCode::from(1);
            }
            ExitCode::SUCCESS
        }
    }
}

/// Write to a temporary file beside `path`, then rename: a reader never sees
/// half a report.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

fn cmd_test(paths: &[PathBuf]) -> ExitCode {
    let paths = if paths.is_empty() {
        vec![PathBuf::from("policies")]
    } else {
        paths.to_vec()
    };
    let files = match collect_policies(&paths) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    let (mut passed, mut failed) = (0usize, 0usize);
    for f in &files {
        let c = match load(f) {
            Ok(c) => c,
            Err(e) => {
                eprintln!("error: {e}");
                failed += 1;
                continue;
            }
        };
        let Some(prog) = &c.program else {
            report(&c, &c.diagnostics);
            println!("test {} ... FAILED (the policy has errors)", f.display());
            failed += 1;
            continue;
        };
        for r in polc::testing::run_cases(prog) {
            if r.passed() {
                println!("test {} :: {} ... ok", f.display(), r.name);
                passed += 1;
            } else {
                println!("test {} :: {} ... FAILED", f.display(), r.name);
                for m in &r.mismatches {
                    println!("    {m}");
                }
                failed += 1;
            }
        }
    }
    println!();
    println!("{passed} passed, {failed} failed");
    if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
