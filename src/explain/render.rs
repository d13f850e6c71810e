//! Rendering a `Report`: plain text for the terminal, Markdown, one
//! self-contained HTML file that prints well, or the JSON derivation.

use super::words::W;
use super::{amount_text, GrantItem, Lang, Report, RequirementItem};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Markdown,
    Html,
    Json,
}

impl Format {
    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "text" | "txt" => Some(Format::Text),
            "markdown" | "md" => Some(Format::Markdown),
            "html" => Some(Format::Html),
            "json" => Some(Format::Json),
            _ => None,
        }
    }
}

pub fn render(r: &Report, format: Format) -> String {
    let lang = if r.lang == "en" { Lang::En } else { Lang::Zh };
    let w = W { lang };
    match format {
        Format::Text => text(r, w),
        Format::Markdown => markdown(r, w),
        Format::Html => html(r, w),
        Format::Json => serde_json::to_string_pretty(r).unwrap_or_default() + "\n",
    }
}

fn effective(r: &Report) -> Option<String> {
    match (&r.policy.effective_from, &r.policy.effective_to) {
        (Some(f), Some(t)) => Some(format!("{f} — {t}")),
        (Some(f), None) => Some(format!("{f} —")),
        _ => None,
    }
}

fn cite(c: &Option<String>, w: W) -> String {
    match (c, w.lang) {
        (Some(c), Lang::Zh) => format!("（{c}）"),
        (Some(c), Lang::En) => format!(" ({c})"),
        (None, _) => String::new(),
    }
}

/// Requirements that belong to the policy (None) or to one grant.
fn reqs<'a>(r: &'a Report, grant: Option<&'a str>) -> impl Iterator<Item = &'a RequirementItem> {
    r.requirements
        .iter()
        .filter(move |q| q.grant.as_deref() == grant)
}

/// The numbered sections: conditions first (if any), then each grant that
/// concerns the applicant.
fn sections(r: &Report) -> (bool, Vec<&GrantItem>) {
    let has_conditions = reqs(r, None).next().is_some();
    let grants = r
        .grants
        .iter()
        .filter(|g| g.status != "not_applicable")
        .collect();
    (has_conditions, grants)
}

// ---------------------------------------------------------------- text

/// Terminal columns a text takes: CJK and full-width characters take two.
pub(crate) fn display_width(s: &str) -> usize {
    s.chars()
        .map(|c| match u32::from(c) {
            0x1100..=0x115F
            | 0x2E80..=0xA4CF
            | 0xAC00..=0xD7A3
            | 0xF900..=0xFAFF
            | 0xFE30..=0xFE4F
            | 0xFF00..=0xFF60
            | 0xFFE0..=0xFFE6 => 2,
            _ => 1,
        })
        .sum()
}

fn text(r: &Report, w: W) -> String {
    let mut s = String::new();
    let title = w.report_title(&r.policy.title);
    s.push_str(&format!(
        "{title}\n{}\n",
        "=".repeat(display_width(&title).min(100))
    ));
    if let Some(src) = &r.policy.source {
        s.push_str(&format!("{}{}{src}\n", w.source(), w.colon()));
    }
    if let Some(i) = &r.policy.issuer {
        s.push_str(&format!("{}{}{i}\n", w.issuer(), w.colon()));
    }
    if let Some(e) = effective(r) {
        s.push_str(&format!("{}{}{e}\n", w.effective(), w.colon()));
    }
    if r.labels_untranslated {
        s.push_str(&format!("{}\n", w.untranslated()));
    }
    s.push_str(&format!("\n{}\n", r.conclusion));
    let (has_conditions, grants) = sections(r);
    let mut n = 0;
    if has_conditions {
        n += 1;
        s.push_str(&format!("\n{}\n", w.numbered(n, w.conditions())));
        for q in reqs(r, None) {
            requirement_text(&mut s, q, w);
        }
    }
    for g in grants {
        n += 1;
        s.push_str(&format!(
            "\n{}\n",
            w.numbered(n, &format!("{}{}", g.label, cite(&g.cite, w)))
        ));
        if let (Some(q), "granted") = (&g.quote, g.status) {
            s.push_str(&format!("  {}{}“{q}”\n", w.source_text(), w.colon()));
        }
        for q in reqs(r, Some(&g.name)) {
            requirement_text(&mut s, q, w);
        }
        if g.status != "granted" {
            s.push_str(&format!("  {}\n", g.status_text));
            continue;
        }
        for st in &g.steps {
            s.push_str(&format!("  {}\n", st.text));
        }
        for l in &g.lookups {
            s.push_str(&format!("  {l}\n"));
        }
        match &g.formula {
            Some(f) => s.push_str(&format!("  {}{}{f}\n", w.computed(), w.colon())),
            None => s.push_str(&format!(
                "  {}{}{}\n",
                w.computed(),
                w.colon(),
                amount_text(&g.before_caps, w.lang)
            )),
        }
        for c in g.caps.iter().chain(&g.floors) {
            s.push_str(&format!("  {}\n", c.text));
        }
        for note in &g.notes {
            s.push_str(&format!("  {note}\n"));
        }
        if let Some(rd) = &g.rounding {
            s.push_str(&format!("  {rd}\n"));
        }
        s.push_str(&format!(
            "  {}{}{}\n",
            w.granted_amount(),
            w.colon(),
            amount_text(&g.amount, w.lang)
        ));
        if let Some(sc) = &g.schedule {
            s.push_str(&format!("  {}{}\n", w.tranches(), w.colon().trim_end()));
            for t in &sc.tranches {
                s.push_str(&format!(
                    "    · {}{}{}{}{}{}\n",
                    t.label,
                    cite(&t.cite, w),
                    w.colon(),
                    amount_text(&t.amount, w.lang),
                    w.comma(),
                    t.status_text
                ));
            }
            for h in &sc.halts {
                s.push_str(&format!(
                    "    {}{}{}{}\n",
                    w.halted(),
                    w.colon(),
                    h.label,
                    cite(&h.cite, w)
                ));
            }
            for c in &sc.clawbacks {
                let a = c
                    .amount
                    .as_ref()
                    .map(|a| amount_text(a, w.lang))
                    .unwrap_or_default();
                s.push_str(&format!(
                    "    {}{}{}{}{}{a}\n",
                    w.clawed_back(),
                    w.colon(),
                    c.label,
                    cite(&c.cite, w),
                    w.comma()
                ));
            }
            s.push_str(&format!("    {}\n", sc.text));
        }
    }
    if r.lookups_omitted > 0 {
        s.push_str(&format!("\n{}\n", w.lookups_omitted(r.lookups_omitted)));
    }
    s.push_str(&format!(
        "\n{}{}{}\n",
        w.total(),
        w.colon(),
        amount_text(&r.total, w.lang)
    ));
    s.push_str(&format!("\n{}\n", w.footer()));
    s
}

fn requirement_text(s: &mut String, q: &RequirementItem, w: W) {
    s.push_str(&format!("  {}\n", q.text));
    for h in &q.hints {
        s.push_str(&format!("      → {h}\n"));
    }
    if !q.passed {
        if let Some(quote) = &q.quote {
            s.push_str(&format!(
                "      {}{}“{quote}”\n",
                w.source_text(),
                w.colon()
            ));
        }
    }
}

// ---------------------------------------------------------------- markdown

fn md_escape(s: &str) -> String {
    s.replace('|', "\\|")
        .replace('*', "\\*")
        .replace('_', "\\_")
}

fn markdown(r: &Report, w: W) -> String {
    let mut s = String::new();
    s.push_str(&format!(
        "# {}\n\n",
        md_escape(&w.report_title(&r.policy.title))
    ));
    if let Some(src) = &r.policy.source {
        s.push_str(&format!(
            "- **{}**{}{}\n",
            w.source(),
            w.colon(),
            md_escape(src)
        ));
    }
    if let Some(i) = &r.policy.issuer {
        s.push_str(&format!(
            "- **{}**{}{}\n",
            w.issuer(),
            w.colon(),
            md_escape(i)
        ));
    }
    if let Some(e) = effective(r) {
        s.push_str(&format!("- **{}**{}{e}\n", w.effective(), w.colon()));
    }
    if r.labels_untranslated {
        s.push_str(&format!("\n> {}\n", w.untranslated()));
    }
    s.push_str(&format!("\n**{}**\n", md_escape(&r.conclusion)));
    let (has_conditions, grants) = sections(r);
    let mut n = 0;
    if has_conditions {
        n += 1;
        s.push_str(&format!("\n## {}\n\n", w.numbered(n, w.conditions())));
        for q in reqs(r, None) {
            requirement_md(&mut s, q, w);
        }
    }
    for g in grants {
        n += 1;
        s.push_str(&format!(
            "\n## {}\n\n",
            md_escape(&w.numbered(n, &format!("{}{}", g.label, cite(&g.cite, w))))
        ));
        if let (Some(q), "granted") = (&g.quote, g.status) {
            s.push_str(&format!("> {}\n\n", md_escape(q)));
        }
        for q in reqs(r, Some(&g.name)) {
            requirement_md(&mut s, q, w);
        }
        if g.status != "granted" {
            s.push_str(&format!("{}\n", md_escape(&g.status_text)));
            continue;
        }
        for st in &g.steps {
            s.push_str(&format!("- {}\n", md_escape(&st.text)));
        }
        for l in &g.lookups {
            s.push_str(&format!("- {}\n", md_escape(l)));
        }
        match &g.formula {
            Some(f) => s.push_str(&format!(
                "- {}{}{}\n",
                w.computed(),
                w.colon(),
                md_escape(f)
            )),
            None => s.push_str(&format!(
                "- {}{}{}\n",
                w.computed(),
                w.colon(),
                amount_text(&g.before_caps, w.lang)
            )),
        }
        for c in g.caps.iter().chain(&g.floors) {
            s.push_str(&format!("- {}\n", md_escape(&c.text)));
        }
        for note in &g.notes {
            s.push_str(&format!("- {}\n", md_escape(note)));
        }
        if let Some(rd) = &g.rounding {
            s.push_str(&format!("- {}\n", md_escape(rd)));
        }
        s.push_str(&format!(
            "- **{}{}{}**\n",
            w.granted_amount(),
            w.colon(),
            amount_text(&g.amount, w.lang)
        ));
        if let Some(sc) = &g.schedule {
            let h = w.tranche_header();
            s.push_str(&format!(
                "\n**{}**\n\n| {} | {} | {} | {} |\n|---|---|---:|---|\n",
                w.tranches(),
                h[0],
                h[1],
                h[2],
                h[3]
            ));
            for t in &sc.tranches {
                s.push_str(&format!(
                    "| {} | {} | {} | {} |\n",
                    md_escape(&t.label),
                    md_escape(t.cite.as_deref().unwrap_or("")),
                    amount_text(&t.amount, w.lang),
                    t.status_text
                ));
            }
            for hh in &sc.halts {
                s.push_str(&format!(
                    "\n- {}{}{}{}\n",
                    w.halted(),
                    w.colon(),
                    md_escape(&hh.label),
                    cite(&hh.cite, w)
                ));
            }
            for c in &sc.clawbacks {
                let a = c
                    .amount
                    .as_ref()
                    .map(|a| amount_text(a, w.lang))
                    .unwrap_or_default();
                s.push_str(&format!(
                    "\n- {}{}{}{}{}{a}\n",
                    w.clawed_back(),
                    w.colon(),
                    md_escape(&c.label),
                    cite(&c.cite, w),
                    w.comma()
                ));
            }
            s.push_str(&format!("\n{}\n", md_escape(&sc.text)));
        }
    }
    s.push_str(&format!(
        "\n**{}{}{}**\n\n---\n\n_{}_\n",
        w.total(),
        w.colon(),
        amount_text(&r.total, w.lang),
        w.footer()
    ));
    s
}

fn requirement_md(s: &mut String, q: &RequirementItem, w: W) {
    s.push_str(&format!("- {}\n", md_escape(&q.text)));
    for h in &q.hints {
        s.push_str(&format!("  - → {}\n", md_escape(h)));
    }
    if !q.passed {
        if let Some(quote) = &q.quote {
            s.push_str(&format!(
                "  - {}{}“{}”\n",
                w.source_text(),
                w.colon(),
                md_escape(quote)
            ));
        }
    }
}

// ---------------------------------------------------------------- html

pub(crate) fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

pub(crate) const CSS: &str = "
:root{--ink:#1b1f24;--muted:#57606a;--ok:#1a7f37;--bad:#cf222e;--line:#d0d7de;--bg:#f6f8fa}
*{box-sizing:border-box}
body{font-family:'Noto Sans CJK SC','PingFang SC','Microsoft YaHei','Source Han Sans SC',system-ui,sans-serif;color:var(--ink);max-width:52rem;margin:2rem auto;padding:0 1.25rem;line-height:1.65}
h1{font-size:1.45rem;margin:0 0 .5rem}
h2{font-size:1.1rem;border-bottom:1px solid var(--line);padding-bottom:.25rem;margin-top:1.8rem}
.meta{color:var(--muted);font-size:.92rem;margin:0;padding:0;list-style:none}
.conclusion{background:var(--bg);border-left:4px solid var(--ok);padding:.75rem 1rem;font-weight:600;margin:1.25rem 0}
.conclusion.no{border-left-color:var(--bad)}
ul.reqs{list-style:none;padding-left:0}
ul.reqs li{margin:.3rem 0}
.pass{color:var(--ok)} .fail{color:var(--bad)}
.hint{color:var(--bad);margin-left:1.5rem;font-size:.95rem}
blockquote{color:var(--muted);border-left:3px solid var(--line);margin:.5rem 0;padding:.1rem .8rem;font-size:.92rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0}
th,td{border:1px solid var(--line);padding:.35rem .55rem;text-align:left}
th,td:nth-child(2),td:last-child{white-space:nowrap}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.amount{font-weight:700}
.total{font-size:1.15rem;font-weight:700;margin-top:1.5rem}
footer{color:var(--muted);font-size:.85rem;margin-top:2rem;border-top:1px solid var(--line);padding-top:.5rem}
@media print{body{margin:0;max-width:none;font-size:11pt}.conclusion{-webkit-print-color-adjust:exact;print-color-adjust:exact}h2{page-break-after:avoid}table,li{page-break-inside:avoid}}
";

fn html(r: &Report, w: W) -> String {
    let mut s = String::new();
    let title = w.report_title(&r.policy.title);
    s.push_str(&format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
        if w.lang == Lang::Zh { "zh-CN" } else { "en" },
        esc(&title)
    ));
    s.push_str(&format!("<h1>{}</h1>\n<ul class=\"meta\">\n", esc(&title)));
    if let Some(src) = &r.policy.source {
        s.push_str(&format!(
            "<li>{}{}{}</li>\n",
            w.source(),
            w.colon(),
            esc(src)
        ));
    }
    if let Some(i) = &r.policy.issuer {
        s.push_str(&format!("<li>{}{}{}</li>\n", w.issuer(), w.colon(), esc(i)));
    }
    if let Some(e) = effective(r) {
        s.push_str(&format!(
            "<li>{}{}{}</li>\n",
            w.effective(),
            w.colon(),
            esc(&e)
        ));
    }
    s.push_str("</ul>\n");
    if r.labels_untranslated {
        s.push_str(&format!(
            "<p class=\"meta\">{}</p>\n",
            esc(w.untranslated())
        ));
    }
    let cls = if r.eligible && r.total.yuan != "0.00" {
        "conclusion"
    } else {
        "conclusion no"
    };
    s.push_str(&format!("<p class=\"{cls}\">{}</p>\n", esc(&r.conclusion)));
    let (has_conditions, grants) = sections(r);
    let mut n = 0;
    if has_conditions {
        n += 1;
        s.push_str(&format!(
            "<h2>{}</h2>\n<ul class=\"reqs\">\n",
            esc(&w.numbered(n, w.conditions()))
        ));
        for q in reqs(r, None) {
            requirement_html(&mut s, q, w);
        }
        s.push_str("</ul>\n");
    }
    for g in grants {
        n += 1;
        s.push_str(&format!(
            "<h2>{}</h2>\n",
            esc(&w.numbered(n, &format!("{}{}", g.label, cite(&g.cite, w))))
        ));
        if let (Some(q), "granted") = (&g.quote, g.status) {
            s.push_str(&format!("<blockquote>{}</blockquote>\n", esc(q)));
        }
        let own: Vec<&RequirementItem> = reqs(r, Some(&g.name)).collect();
        if !own.is_empty() {
            s.push_str("<ul class=\"reqs\">\n");
            for q in own {
                requirement_html(&mut s, q, w);
            }
            s.push_str("</ul>\n");
        }
        if g.status != "granted" {
            s.push_str(&format!("<p>{}</p>\n", esc(&g.status_text)));
            continue;
        }
        s.push_str("<ul>\n");
        for st in &g.steps {
            s.push_str(&format!("<li>{}</li>\n", esc(&st.text)));
        }
        for l in &g.lookups {
            s.push_str(&format!("<li>{}</li>\n", esc(l)));
        }
        match &g.formula {
            Some(f) => s.push_str(&format!(
                "<li>{}{}{}</li>\n",
                w.computed(),
                w.colon(),
                esc(f)
            )),
            None => s.push_str(&format!(
                "<li>{}{}{}</li>\n",
                w.computed(),
                w.colon(),
                esc(&amount_text(&g.before_caps, w.lang))
            )),
        }
        for c in g.caps.iter().chain(&g.floors) {
            s.push_str(&format!("<li>{}</li>\n", esc(&c.text)));
        }
        for note in &g.notes {
            s.push_str(&format!("<li>{}</li>\n", esc(note)));
        }
        if let Some(rd) = &g.rounding {
            s.push_str(&format!("<li>{}</li>\n", esc(rd)));
        }
        s.push_str(&format!(
            "<li class=\"amount\">{}{}{}</li>\n</ul>\n",
            w.granted_amount(),
            w.colon(),
            esc(&amount_text(&g.amount, w.lang))
        ));
        if let Some(sc) = &g.schedule {
            let h = w.tranche_header();
            s.push_str(&format!(
                "<h3>{}</h3>\n<table>\n<thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>\n<tbody>\n",
                w.tranches(),
                h[0],
                h[1],
                h[2],
                h[3]
            ));
            for t in &sc.tranches {
                s.push_str(&format!(
                    "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td>{}</td></tr>\n",
                    esc(&t.label),
                    esc(t.cite.as_deref().unwrap_or("")),
                    esc(&amount_text(&t.amount, w.lang)),
                    esc(&t.status_text)
                ));
            }
            s.push_str("</tbody>\n</table>\n");
            for hh in &sc.halts {
                s.push_str(&format!(
                    "<p class=\"fail\">{}{}{}{}</p>\n",
                    w.halted(),
                    w.colon(),
                    esc(&hh.label),
                    esc(&cite(&hh.cite, w))
                ));
            }
            for c in &sc.clawbacks {
                let a = c
                    .amount
                    .as_ref()
                    .map(|a| amount_text(a, w.lang))
                    .unwrap_or_default();
                s.push_str(&format!(
                    "<p class=\"fail\">{}{}{}{}{}{}</p>\n",
                    w.clawed_back(),
                    w.colon(),
                    esc(&c.label),
                    esc(&cite(&c.cite, w)),
                    w.comma(),
                    esc(&a)
                ));
            }
            s.push_str(&format!("<p>{}</p>\n", esc(&sc.text)));
        }
    }
    s.push_str(&format!(
        "<p class=\"total\">{}{}{}</p>\n<footer>{}</footer>\n</body>\n</html>\n",
        w.total(),
        w.colon(),
        esc(&amount_text(&r.total, w.lang)),
        esc(w.footer())
    ));
    s
}

fn requirement_html(s: &mut String, q: &RequirementItem, w: W) {
    let cls = if q.passed { "pass" } else { "fail" };
    s.push_str(&format!("<li class=\"{cls}\">{}", esc(&q.text)));
    for h in &q.hints {
        s.push_str(&format!("<div class=\"hint\">→ {}</div>", esc(h)));
    }
    if !q.passed {
        if let Some(quote) = &q.quote {
            s.push_str(&format!(
                "<blockquote>{}{}“{}”</blockquote>",
                w.source_text(),
                w.colon(),
                esc(quote)
            ));
        }
    }
    s.push_str("</li>\n");
}

#[cfg(test)]
mod tests {
    #[test]
    fn wide_characters_take_two_columns() {
        assert_eq!(super::display_width("abc"), 3);
        assert_eq!(super::display_width("测算说明"), 8);
        assert_eq!(super::display_width("附件1-1（修订）"), 15);
    }
}
