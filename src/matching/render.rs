//! Rendering a `MatchReport`: text for the terminal, Markdown, one
//! self-contained HTML page (the explanation reports' style), or JSON.

use super::{MatchReport, NeedItem, PolicyRef};
use crate::explain::render::{esc, CSS};
use crate::explain::Format;

struct T {
    zh: bool,
}

impl T {
    fn t(&self, zh: &'static str, en: &'static str) -> &'static str {
        if self.zh {
            zh
        } else {
            en
        }
    }

    fn count(&self, n: usize) -> String {
        if self.zh {
            format!("{n} 项")
        } else {
            format!("{n}")
        }
    }

    fn title(&self, r: &MatchReport) -> String {
        match (&r.enterprise, self.zh) {
            (Some(e), true) => format!("政策匹配：{e}"),
            (Some(e), false) => format!("Policy match: {e}"),
            (None, true) => "政策匹配".to_string(),
            (None, false) => "Policy match".to_string(),
        }
    }

    fn for_project(&self, p: &Option<String>) -> String {
        match (p, self.zh) {
            (Some(p), true) => format!("〔{p}〕"),
            (Some(p), false) => format!(" [{p}]"),
            (None, _) => String::new(),
        }
    }

    fn need(&self, n: &NeedItem) -> String {
        if self.zh {
            format!("{}：{}，如 {}", n.label, n.path, n.example)
        } else {
            format!("{}: {}, e.g. {}", n.label, n.path, n.example)
        }
    }

    fn superseded_note(&self, n: usize) -> String {
        if self.zh {
            format!("另有 {n} 项符合条件，但按从高不重复原则不再支持（列在最后）。")
        } else {
            format!("{n} more qualify but are not paid under 从高不重复 (listed last).")
        }
    }

    fn period(&self, p: &PolicyRef) -> String {
        let f = p.effective_from.as_deref().unwrap_or("…");
        let t = p.effective_to.as_deref().unwrap_or("…");
        if self.zh {
            format!("有效期 {f} — {t}")
        } else {
            format!("in force {f} — {t}")
        }
    }

    fn heading(&self, n: usize, zh: &str, en: &str, count: usize) -> String {
        const NUM: [&str; 8] = ["一", "二", "三", "四", "五", "六", "七", "八"];
        if self.zh {
            let k = NUM.get(n).copied().unwrap_or("");
            format!("{k}、{zh}（{}）", self.count(count))
        } else {
            format!("{}. {en} ({count})", n + 1)
        }
    }
}

pub fn render(r: &MatchReport, format: Format) -> String {
    let t = T { zh: r.lang != "en" };
    match format {
        Format::Text => text(r, &t, false),
        Format::Markdown => text(r, &t, true),
        Format::Html => html(r, &t),
        Format::Json => serde_json::to_string_pretty(r).unwrap_or_default() + "\n",
    }
}

fn source_line(p: &PolicyRef) -> String {
    match &p.source {
        Some(s) => format!("{s} · {}", p.file),
        None => p.file.clone(),
    }
}

/// Plain text, or Markdown (`md`): the same content, the same order.
fn text(r: &MatchReport, t: &T, md: bool) -> String {
    let mut s = String::new();
    let h1 = if md { "# " } else { "" };
    let h2 = if md { "## " } else { "" };
    let li = if md { "- " } else { "  " };
    s.push_str(&format!("{h1}{}\n\n", t.title(r)));
    s.push_str(&format!(
        "{}{}{}\n",
        if md { "- " } else { "" },
        t.t("评估日期：", "Evaluated on: "),
        r.evaluated_on
    ));
    if !r.projects.is_empty() {
        s.push_str(&format!(
            "{}{}{}\n",
            if md { "- " } else { "" },
            t.t("项目：", "Projects: "),
            r.projects.join(t.t("、", ", "))
        ));
    }
    s.push_str(&format!("\n{}\n", r.summary));
    for k in &r.unread_keys {
        let hint = match (&k.suggestion, t.zh) {
            (Some(x), true) => format!("，是否应为 `{x}`？"),
            (Some(x), false) => format!("; did you mean `{x}`?"),
            (None, _) => String::new(),
        };
        s.push_str(&format!(
            "\n{}{}{hint}\n",
            t.t(
                "注意：政策库中没有政策读取字段 ",
                "Note: no policy in the library reads the key "
            ),
            format_args!("`{}`", k.key)
        ));
    }
    let mut n = 0;
    let paid = r
        .qualified
        .iter()
        .filter(|q| q.superseded_by.is_none())
        .count();
    s.push_str(&format!(
        "\n{h2}{}\n\n",
        t.heading(n, "可享受的政策", "Policies that pay", paid)
    ));
    if paid < r.qualified.len() {
        s.push_str(&format!(
            "{li}{}\n\n",
            t.superseded_note(r.qualified.len() - paid)
        ));
    }
    n += 1;
    if r.qualified.is_empty() {
        s.push_str(&format!("{li}{}\n", t.t("（无）", "(none)")));
    }
    for (i, q) in r.qualified.iter().enumerate() {
        let amount = if q.superseded_by.is_some() {
            format!(
                "{} {}",
                q.amount.wan_text(),
                t.t("（从高不重复，不再支持）", "(not paid: 从高不重复)")
            )
        } else {
            q.amount.wan_text()
        };
        s.push_str(&format!(
            "{li}{}. {}{}{}{amount}\n",
            i + 1,
            q.policy.title,
            t.for_project(&q.project),
            t.t("：", ": ")
        ));
        s.push_str(&format!("{li}   {}\n", source_line(&q.policy)));
        if q.superseded_by.is_some() {
            s.push_str(&format!("{li}   {}\n", q.text));
            continue;
        }
        for g in q.grants.iter().filter(|g| g.amount.yuan != "0.00") {
            s.push_str(&format!("{li}   {} {}\n", g.label, g.amount.wan_text()));
            for note in &g.notes {
                s.push_str(&format!("{li}     {note}\n"));
            }
        }
    }
    if !r.stacking.is_empty() {
        s.push_str(&format!(
            "\n{h2}{}\n\n",
            t.heading(
                n,
                "从高不重复",
                "Exclusive groups (从高不重复)",
                r.stacking.len()
            )
        ));
        n += 1;
        for g in &r.stacking {
            s.push_str(&format!("{li}{}\n", g.text));
        }
    }
    s.push_str(&format!(
        "\n{h2}{}\n\n",
        t.heading(
            n,
            "需补充数据的政策",
            "Policies that need more data",
            r.needs_data.len()
        )
    ));
    n += 1;
    if r.needs_data.is_empty() {
        s.push_str(&format!("{li}{}\n", t.t("（无）", "(none)")));
    }
    for (i, q) in r.needs_data.iter().enumerate() {
        s.push_str(&format!(
            "{li}{}. {}{}\n",
            i + 1,
            q.policy.title,
            t.for_project(&q.project)
        ));
        s.push_str(&format!("{li}   {}\n", source_line(&q.policy)));
        s.push_str(&format!(
            "{li}   {}\n",
            t.t(
                "按已给数据未见不符合的条件；需补充：",
                "No condition fails on the data given; add:"
            )
        ));
        for f in &q.fields {
            s.push_str(&format!("{li}     + {}\n", t.need(f)));
        }
    }
    s.push_str(&format!(
        "\n{h2}{}\n\n",
        t.heading(
            n,
            "不符合条件的政策（差距小的在前）",
            "Policies whose conditions are not met (closest first)",
            r.not_met.len()
        )
    ));
    n += 1;
    if r.not_met.is_empty() {
        s.push_str(&format!("{li}{}\n", t.t("（无）", "(none)")));
    }
    for (i, q) in r.not_met.iter().enumerate() {
        s.push_str(&format!(
            "{li}{}. {}{}\n",
            i + 1,
            q.policy.title,
            t.for_project(&q.project)
        ));
        s.push_str(&format!("{li}   {}\n", source_line(&q.policy)));
        for c in &q.conditions {
            s.push_str(&format!("{li}   {}\n", c.text));
            for h in &c.hints {
                s.push_str(&format!("{li}       → {h}\n"));
            }
        }
        if !q.also_needs.is_empty() {
            let list: Vec<String> = q.also_needs.iter().map(|f| f.label.clone()).collect();
            s.push_str(&format!(
                "{li}   {}{}\n",
                t.t("另需补充：", "Also missing: "),
                list.join(t.t("、", ", "))
            ));
        }
    }
    if !r.errors.is_empty() {
        s.push_str(&format!(
            "\n{h2}{}\n\n",
            t.heading(
                n,
                "无法评估的政策",
                "Policies that could not be evaluated",
                r.errors.len()
            )
        ));
        n += 1;
        for e in &r.errors {
            s.push_str(&format!(
                "{li}{}{}: {}\n",
                e.policy.title,
                t.for_project(&e.project),
                e.message
            ));
        }
    }
    if !r.not_in_force.is_empty() {
        s.push_str(&format!(
            "\n{h2}{}\n\n",
            t.heading(
                n,
                &format!("{} 不在施行期的政策", r.evaluated_on),
                &format!("Policies not in force on {}", r.evaluated_on),
                r.not_in_force.len()
            )
        ));
        for p in &r.not_in_force {
            s.push_str(&format!("{li}{}（{}）\n", p.title, t.period(p)));
        }
    }
    s.push_str(&format!(
        "\n{}\n",
        t.t(
            "本报告由 polc 按政策文件逐条计算生成；金额为按所给数据测算的可支持上限或应得额，最终以主管部门审核为准。逐项计算过程见 `polc explain`。",
            "Generated by polc from the policies' rules; amounts are computed from the data given, subject to the authorities' review. See `polc explain` for each step."
        )
    ));
    s
}

fn html(r: &MatchReport, t: &T) -> String {
    let mut s = String::new();
    let title = t.title(r);
    s.push_str(&format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{CSS}\n.sub{{color:var(--muted);font-size:.88rem}}\nol.policies>li{{margin:.7rem 0}}\n.need{{margin-left:1.5rem}}
table.match th,table.match td{{white-space:normal}}
table.match td.num{{white-space:nowrap}}
table.match td:first-child{{width:40%}}\n</style>\n</head>\n<body>\n",
        if t.zh { "zh-CN" } else { "en" },
        esc(&title)
    ));
    s.push_str(&format!("<h1>{}</h1>\n<ul class=\"meta\">\n", esc(&title)));
    s.push_str(&format!(
        "<li>{}{}</li>\n",
        t.t("评估日期：", "Evaluated on: "),
        esc(&r.evaluated_on)
    ));
    if !r.projects.is_empty() {
        s.push_str(&format!(
            "<li>{}{}</li>\n",
            t.t("项目：", "Projects: "),
            esc(&r.projects.join(t.t("、", ", ")))
        ));
    }
    s.push_str("</ul>\n");
    let cls = if r.qualified.is_empty() {
        "conclusion no"
    } else {
        "conclusion"
    };
    s.push_str(&format!("<p class=\"{cls}\">{}</p>\n", esc(&r.summary)));
    for k in &r.unread_keys {
        let hint = match &k.suggestion {
            Some(x) => format!(
                "{}<code>{}</code>",
                t.t("，是否应为 ", "; did you mean "),
                esc(x)
            ),
            None => String::new(),
        };
        s.push_str(&format!(
            "<p class=\"hint\">{}<code>{}</code>{hint}</p>\n",
            t.t(
                "注意：政策库中没有政策读取字段 ",
                "Note: no policy in the library reads the key "
            ),
            esc(&k.key)
        ));
    }
    let mut n = 0;
    let paid = r
        .qualified
        .iter()
        .filter(|q| q.superseded_by.is_none())
        .count();
    s.push_str(&format!(
        "<h2>{}</h2>\n",
        esc(&t.heading(n, "可享受的政策", "Policies that pay", paid))
    ));
    if paid < r.qualified.len() {
        s.push_str(&format!(
            "<p class=\"sub\">{}</p>\n",
            esc(&t.superseded_note(r.qualified.len() - paid))
        ));
    }
    n += 1;
    if !r.qualified.is_empty() {
        s.push_str(&format!(
            "<table class=\"match\">\n<tr><th>{}</th><th>{}</th><th>{}</th></tr>\n",
            t.t("政策", "Policy"),
            t.t("补助", "Grants"),
            t.t("金额", "Amount")
        ));
        for q in &r.qualified {
            let mut grants = String::new();
            for g in q
                .grants
                .iter()
                .filter(|g| g.amount.yuan != "0.00" && q.superseded_by.is_none())
            {
                grants.push_str(&format!(
                    "<div>{} {}</div>",
                    esc(&g.label),
                    esc(&g.amount.wan_text())
                ));
                for note in &g.notes {
                    grants.push_str(&format!("<div class=\"sub\">{}</div>", esc(note)));
                }
            }
            if q.superseded_by.is_some() {
                grants.push_str(&format!("<div class=\"fail\">{}</div>", esc(&q.text)));
            }
            s.push_str(&format!(
                "<tr><td>{}{}<div class=\"sub\">{}</div></td><td>{grants}</td><td class=\"num amount\">{}</td></tr>\n",
                esc(&q.policy.title),
                esc(&t.for_project(&q.project)),
                esc(&source_line(&q.policy)),
                esc(&q.amount.wan_text())
            ));
        }
        s.push_str(&format!(
            "<tr><td colspan=\"2\"><b>{}</b></td><td class=\"num amount\">{}</td></tr>\n</table>\n",
            t.t("合计", "Total"),
            esc(&r.total.wan_text())
        ));
    } else {
        s.push_str(&format!("<p>{}</p>\n", t.t("（无）", "(none)")));
    }
    if !r.stacking.is_empty() {
        s.push_str(&format!(
            "<h2>{}</h2>\n<ul>\n",
            esc(&t.heading(
                n,
                "从高不重复",
                "Exclusive groups (从高不重复)",
                r.stacking.len()
            ))
        ));
        n += 1;
        for g in &r.stacking {
            s.push_str(&format!("<li>{}</li>\n", esc(&g.text)));
        }
        s.push_str("</ul>\n");
    }
    s.push_str(&format!(
        "<h2>{}</h2>\n",
        esc(&t.heading(
            n,
            "需补充数据的政策",
            "Policies that need more data",
            r.needs_data.len()
        ))
    ));
    n += 1;
    s.push_str("<ol class=\"policies\">\n");
    for q in &r.needs_data {
        s.push_str(&format!(
            "<li><b>{}</b>{}<div class=\"sub\">{}</div><div>{}</div><ul>",
            esc(&q.policy.title),
            esc(&t.for_project(&q.project)),
            esc(&source_line(&q.policy)),
            t.t(
                "按已给数据未见不符合的条件；需补充：",
                "No condition fails on the data given; add:"
            )
        ));
        for f in &q.fields {
            s.push_str(&format!(
                "<li>{} <code>{}</code> <span class=\"sub\">{}{}</span></li>",
                esc(&f.label),
                esc(&f.path),
                t.t("如 ", "e.g. "),
                esc(&f.example)
            ));
        }
        s.push_str("</ul></li>\n");
    }
    s.push_str("</ol>\n");
    s.push_str(&format!(
        "<h2>{}</h2>\n<ol class=\"policies\">\n",
        esc(&t.heading(
            n,
            "不符合条件的政策（差距小的在前）",
            "Policies whose conditions are not met (closest first)",
            r.not_met.len()
        ))
    ));
    n += 1;
    for q in &r.not_met {
        s.push_str(&format!(
            "<li><b>{}</b>{}<div class=\"sub\">{}</div><ul class=\"reqs\">",
            esc(&q.policy.title),
            esc(&t.for_project(&q.project)),
            esc(&source_line(&q.policy))
        ));
        for c in &q.conditions {
            s.push_str(&format!("<li class=\"fail\">{}", esc(&c.text)));
            for h in &c.hints {
                s.push_str(&format!("<div class=\"hint\">→ {}</div>", esc(h)));
            }
            s.push_str("</li>");
        }
        if !q.also_needs.is_empty() {
            let list: Vec<String> = q.also_needs.iter().map(|f| esc(&f.label)).collect();
            s.push_str(&format!(
                "<li class=\"sub\">{}{}</li>",
                t.t("另需补充：", "Also missing: "),
                list.join(t.t("、", ", "))
            ));
        }
        s.push_str("</ul></li>\n");
    }
    s.push_str("</ol>\n");
    if !r.errors.is_empty() {
        s.push_str(&format!(
            "<h2>{}</h2>\n<ul>\n",
            esc(&t.heading(
                n,
                "无法评估的政策",
                "Policies that could not be evaluated",
                r.errors.len()
            ))
        ));
        n += 1;
        for e in &r.errors {
            s.push_str(&format!(
                "<li>{}{}: {}</li>\n",
                esc(&e.policy.title),
                esc(&t.for_project(&e.project)),
                esc(&e.message)
            ));
        }
        s.push_str("</ul>\n");
    }
    if !r.not_in_force.is_empty() {
        s.push_str(&format!(
            "<h2>{}</h2>\n<ul>\n",
            esc(&t.heading(
                n,
                &format!("{} 不在施行期的政策", r.evaluated_on),
                &format!("Policies not in force on {}", r.evaluated_on),
                r.not_in_force.len()
            ))
        ));
        for p in &r.not_in_force {
            s.push_str(&format!(
                "<li>{} <span class=\"sub\">{}</span></li>\n",
                esc(&p.title),
                esc(&t.period(p))
            ));
        }
        s.push_str("</ul>\n");
    }
    s.push_str(&format!(
        "<footer>{}</footer>\n</body>\n</html>\n",
        t.t(
            "本报告由 polc 按政策文件逐条计算生成；金额为按所给数据测算的可支持上限或应得额，最终以主管部门审核为准。逐项计算过程见 polc explain。",
            "Generated by polc from the policies' rules; amounts are computed from the data given, subject to the authorities' review. See polc explain for each step."
        )
    ));
    s
}
