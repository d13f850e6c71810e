//! Rendering a `DiffReport`: text for the terminal, Markdown, one
//! self-contained HTML page with the distributions drawn as inline SVG, or
//! JSON.

use super::structural::{Change, Kind};
use super::{Bin, ChangeBin, DiffReport};
use crate::explain::render::{esc, CSS};
use crate::explain::Format;
use rust_decimal::Decimal;

/// The report's words: `Words` (shared with the reasons) and, here, the
/// ones only the renderers need.
type T = super::Words;

impl T {
    fn category(&self, c: &str) -> &'static str {
        match c {
            "gain" => self.t("增加", "gains"),
            "lose" => self.t("减少", "loses"),
            "became_eligible" => self.t("新符合条件", "becomes eligible"),
            "became_ineligible" => self.t("不再符合条件", "becomes ineligible"),
            _ => self.t("变化", "changes"),
        }
    }

    fn version(&self, v: &str) -> &'static str {
        match v {
            "both" => self.t("两个版本均无法评估", "neither version"),
            "old" => self.t("修改前版本无法评估", "the old version"),
            _ => self.t("修改后版本无法评估", "the new version"),
        }
    }

    fn lines(&self, c: &Change) -> String {
        match (c.old_line, c.new_line) {
            (Some(a), Some(b)) => format!("L{a} → L{b}"),
            (Some(a), None) => format!("L{a}"),
            (None, Some(b)) => format!("L{b}"),
            (None, None) => String::new(),
        }
    }

    fn change(&self, c: &Change) -> String {
        let colon = self.t("：", ": ");
        match c.kind {
            Kind::Changed => {
                let body = match &c.detail {
                    Some(d) => format!(
                        "{d}  {}{} {}",
                        self.t("（全文：", "(in full: "),
                        c.old.as_deref().unwrap_or(""),
                        format_args!("→ {}{}", c.new.as_deref().unwrap_or(""), self.t("）", ")"))
                    ),
                    None => format!(
                        "{} → {}",
                        c.old.as_deref().unwrap_or(""),
                        c.new.as_deref().unwrap_or("")
                    ),
                };
                format!("~ {}{colon}{body}", c.place)
            }
            Kind::Added => format!(
                "+ {}{}{colon}{}",
                self.t("新增 ", "added "),
                c.place,
                c.new.as_deref().unwrap_or("")
            ),
            Kind::Removed => format!(
                "- {}{}{colon}{}",
                self.t("删除 ", "removed "),
                c.place,
                c.old.as_deref().unwrap_or("")
            ),
        }
    }
}

pub fn render(r: &DiffReport, format: Format) -> String {
    let t = T { zh: r.lang != "en" };
    match format {
        Format::Text => text(r, &t, false),
        Format::Markdown => text(r, &t, true),
        Format::Html => html(r, &t),
        Format::Json => serde_json::to_string_pretty(r).unwrap_or_default() + "\n",
    }
}

fn signed(yuan: &str) -> String {
    let d: Decimal = yuan.parse().unwrap_or_default();
    super::signed_wan(d)
}

fn title(r: &DiffReport, t: &T) -> String {
    if t.zh {
        format!("政策修改影响：{}", r.new.title)
    } else {
        format!("Effect of a policy change: {}", r.new.title)
    }
}

fn text(r: &DiffReport, t: &T, md: bool) -> String {
    let mut s = String::new();
    let h1 = if md { "# " } else { "" };
    let h2 = if md { "## " } else { "" };
    let li = if md { "- " } else { "  " };
    s.push_str(&format!("{h1}{}\n\n", title(r, t)));
    s.push_str(&format!(
        "{}{}{} → {}\n",
        if md { "- " } else { "" },
        t.t("版本：", "Versions: "),
        r.old.file,
        r.new.file
    ));
    if let Some(c) = &r.cohort {
        s.push_str(&format!(
            "{}{}{c}{}\n",
            if md { "- " } else { "" },
            t.t("测算样本：", "Cohort: "),
            r.evaluated_on
                .as_deref()
                .map(|d| format!("{}{d}", t.t("，评估日期 ", ", evaluated on ")))
                .unwrap_or_default()
        ));
    }
    s.push_str(&format!("\n{}\n", r.summary));
    s.push_str(&format!(
        "\n{h2}{}\n\n",
        t.t("一、政策文本的变化", "1. What changed in the policy")
    ));
    if r.structural.is_empty() {
        s.push_str(&format!(
            "{li}{}\n",
            t.t("（规则没有变化）", "(no change to the rules)")
        ));
    }
    for c in &r.structural {
        let lines = t.lines(c);
        let lines = if lines.is_empty() {
            lines
        } else {
            format!("  [{lines}]")
        };
        s.push_str(&format!("{li}{}{lines}\n", t.change(c)));
    }
    if r.cohort.is_none() {
        return s;
    }
    s.push_str(&format!(
        "\n{h2}{}\n\n",
        t.t("二、对申请人的影响", "2. Effect on the applicants")
    ));
    let c = &r.counts;
    let rows: [(&str, u64); 7] = [
        (t.t("比较的申请人", "applicants compared"), c.compared),
        (t.t("金额增加", "paid more"), c.gain),
        (t.t("金额减少", "paid less"), c.lose),
        (t.t("不变", "unchanged"), c.unchanged),
        (t.t("新符合条件", "become eligible"), c.became_eligible),
        (
            t.t("不再符合条件", "become ineligible"),
            c.became_ineligible,
        ),
        (t.t("无法评估的记录", "records not evaluated"), c.bad),
    ];
    for (k, v) in rows {
        s.push_str(&format!("{li}{k}{}{v}\n", t.t("：", ": ")));
    }
    s.push_str(&format!(
        "{li}{}{} → {}{}\n",
        t.t("符合条件的申请人：", "eligible applicants: "),
        c.eligible_old,
        c.eligible_new,
        t.paren(&format!(
            "{:+}",
            c.eligible_new as i64 - c.eligible_old as i64
        ))
    ));
    s.push_str(&format!(
        "\n{h2}{}\n\n",
        t.t("三、各项补助的总支出", "3. Total outlay per grant")
    ));
    for g in &r.grants {
        s.push_str(&format!("{li}{}\n", g.text));
    }
    s.push_str(&format!(
        "{li}{}{} → {}{}\n",
        t.t("合计：", "Total: "),
        r.total_old.wan_text(),
        r.total_new.wan_text(),
        t.paren(&signed(&r.total_change))
    ));
    s.push_str(&format!(
        "\n{h2}{}\n\n",
        t.t("四、变化最大的申请人", "4. The largest individual changes")
    ));
    if r.largest.is_empty() {
        s.push_str(&format!("{li}{}\n", t.t("（无）", "(none)")));
    }
    for (i, e) in r.largest.iter().enumerate() {
        let who =
            e.id.as_deref()
                .map(|id| format!(" {id}"))
                .unwrap_or_default();
        s.push_str(&format!(
            "{li}{}. {}{}{}{who}{}{} → {}{}\n",
            i + 1,
            t.t("第 ", "line "),
            e.line,
            t.t(" 行", ""),
            t.t("：", ": "),
            e.old.wan_text(),
            e.new.wan_text(),
            t.paren(&format!(
                "{}{}{}",
                signed(&e.change),
                t.t("，", ", "),
                t.category(e.category)
            ))
        ));
        for why in &e.reasons {
            s.push_str(&format!("{li}     {why}\n"));
        }
    }
    s.push_str(&format!(
        "\n{h2}{}\n\n",
        t.t("五、分布", "5. Distributions")
    ));
    s.push_str(&format!(
        "{li}{}\n",
        t.t(
            "获补助金额（人数，旧 / 新）：",
            "Amount paid (applicants, old / new):"
        )
    ));
    let max = r
        .distribution
        .iter()
        .map(|b| b.old.max(b.new))
        .max()
        .unwrap_or(0);
    for b in &r.distribution {
        s.push_str(&format!(
            "{li}  {:>12}  {:>7} {:<20} {:>7} {}\n",
            b.label,
            b.old,
            bar(b.old, max, 20, '░'),
            b.new,
            bar(b.new, max, 20, '█')
        ));
    }
    if r.percentiles
        .iter()
        .any(|p| p.old.is_some() || p.new.is_some())
    {
        s.push_str(&format!(
            "\n{li}{}\n",
            t.t(
                "获补助者的金额分位数（旧 → 新）：",
                "Percentiles of the amounts paid (old → new):"
            )
        ));
        for q in r
            .percentiles
            .iter()
            .filter(|q| [10, 25, 50, 75, 90, 100].contains(&q.p))
        {
            let show = |v: &Option<String>| {
                v.as_deref()
                    .and_then(|y| y.parse::<Decimal>().ok())
                    .map(super::wan)
                    .unwrap_or_else(|| "—".to_string())
            };
            let name = if q.p == 100 {
                t.t("最高", "max").to_string()
            } else {
                format!("P{}", q.p)
            };
            s.push_str(&format!(
                "{li}  {name:>5}  {:>16} → {}\n",
                show(&q.old),
                show(&q.new)
            ));
        }
    }
    let cmax = r
        .change_distribution
        .iter()
        .map(|b| b.count)
        .max()
        .unwrap_or(0);
    if cmax > 0 {
        s.push_str(&format!(
            "\n{li}{}\n",
            t.t("个人金额变化（人数）：", "Individual changes (applicants):")
        ));
        for b in r.change_distribution.iter().filter(|b| b.count > 0) {
            s.push_str(&format!(
                "{li}  {:>14}  {:>7} {}\n",
                b.label,
                b.count,
                bar(b.count, cmax, 30, if b.gain { '+' } else { '-' })
            ));
        }
    }
    if r.bad_count > 0 {
        s.push_str(&format!(
            "\n{h2}{}\n\n",
            t.t("六、无法评估的记录", "6. Records not evaluated")
        ));
        for b in r.bad.iter().take(10) {
            s.push_str(&format!(
                "{li}{}{}{}{}{}{}\n",
                t.t("第 ", "line "),
                b.line,
                t.t(" 行", ""),
                t.paren(t.version(b.version)),
                t.t("：", ": "),
                b.message
            ));
        }
        let shown = r.bad.len().min(10) as u64;
        if r.bad_count > shown {
            s.push_str(&format!(
                "{li}{}\n",
                if t.zh {
                    format!(
                        "……另有 {} 条（JSON 输出列出前 100 条）",
                        r.bad_count - shown
                    )
                } else {
                    format!(
                        "… {} more (the JSON output lists the first 100)",
                        r.bad_count - shown
                    )
                }
            ));
        }
    }
    s.push_str(&format!(
        "\n{}\n",
        t.t(
            "完整的逐人变化列表见 --format json 的 changes 字段。",
            "Every changed applicant is listed in the `changes` field of --format json."
        )
    ));
    s
}

fn bar(n: u64, max: u64, width: u64, c: char) -> String {
    if max == 0 || n == 0 {
        return String::new();
    }
    let len = (n * width).div_ceil(max).max(1);
    std::iter::repeat_n(c, len as usize).collect()
}

// ------------------------------------------------------------------ SVG

const OLD_FILL: &str = "#afb8c1";
const NEW_FILL: &str = "#0969da";
const GAIN_FILL: &str = "#1a7f37";
const LOSS_FILL: &str = "#cf222e";

/// Grouped bars: each bin's old and new counts.
fn svg_distribution(bins: &[Bin], t: &T) -> String {
    let n = bins.len().max(1) as f64;
    let (w, h, left, bottom, top) = (720.0, 280.0, 56.0, 56.0, 28.0);
    let plot_w = w - left - 16.0;
    let plot_h = h - bottom - top;
    let max = bins
        .iter()
        .map(|b| b.old.max(b.new))
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let slot = plot_w / n;
    let bw = (slot * 0.36).min(34.0);
    let mut s = svg_open(w, h, t.t("获补助金额分布", "Distribution of amounts paid"));
    s.push_str(&axes(left, top, plot_w, plot_h, max));
    for (i, b) in bins.iter().enumerate() {
        let x0 = left + slot * i as f64 + slot / 2.0;
        for (k, (count, fill)) in [(b.old, OLD_FILL), (b.new, NEW_FILL)].iter().enumerate() {
            let bh = plot_h * (*count as f64) / max;
            let x = x0 - bw + bw * k as f64;
            s.push_str(&format!(
                "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{bh:.1}\" fill=\"{fill}\"><title>{} {}: {count}</title></rect>\n",
                top + plot_h - bh,
                bw - 1.0,
                esc(&b.label),
                if k == 0 { t.t("旧", "old") } else { t.t("新", "new") }
            ));
        }
        s.push_str(&format!(
            "<text x=\"{x0:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#57606a\">{}</text>\n",
            top + plot_h + 16.0,
            esc(&b.label)
        ));
    }
    s.push_str(&legend(
        left,
        h - 14.0,
        &[
            (OLD_FILL, t.t("修改前", "before")),
            (NEW_FILL, t.t("修改后", "after")),
        ],
    ));
    s.push_str(&svg_close(
        w,
        h,
        t.t("每人获补助金额（元）", "amount paid per applicant (yuan)"),
    ));
    s
}

/// The cumulative distribution of the amounts paid, before and after, on a
/// logarithmic scale of yuan: where a cap binds, a curve steps.
fn svg_cdf(pcts: &[super::Percentile], t: &T) -> String {
    let parse = |v: &Option<String>| v.as_deref().and_then(|x| x.parse::<f64>().ok());
    let values: Vec<f64> = pcts
        .iter()
        .flat_map(|p| [parse(&p.old), parse(&p.new)])
        .flatten()
        .filter(|v| *v > 0.0)
        .collect();
    let (Some(lo), Some(hi)) = (
        values.iter().copied().reduce(f64::min),
        values.iter().copied().reduce(f64::max),
    ) else {
        return String::new();
    };
    let (lx, hx) = (
        lo.log10().floor(),
        hi.log10().ceil().max(lo.log10().floor() + 1.0),
    );
    let (w, h, left, bottom, top) = (720.0, 280.0, 56.0, 56.0, 20.0);
    let plot_w = w - left - 16.0;
    let plot_h = h - bottom - top;
    let x = |v: f64| left + plot_w * (v.log10() - lx) / (hx - lx);
    let y = |p: f64| top + plot_h - plot_h * p / 100.0;
    let mut s = svg_open(
        w,
        h,
        t.t(
            "获补助金额累积分布",
            "Cumulative distribution of amounts paid",
        ),
    );
    for k in 0..=4 {
        let p = 25.0 * f64::from(k);
        s.push_str(&format!(
            "<line x1=\"{left}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#d0d7de\"/>\n<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\" fill=\"#57606a\">{p}%</text>\n",
            y(p),
            left + plot_w,
            y(p),
            left - 6.0,
            y(p) + 4.0
        ));
    }
    let mut e = lx;
    while e <= hx + 1e-9 {
        let v = 10f64.powf(e);
        let label = if v >= 1e8 {
            format!("{}亿", v / 1e8)
        } else {
            format!("{}万", v / 1e4)
        };
        s.push_str(&format!(
            "<line x1=\"{0:.1}\" y1=\"{top}\" x2=\"{0:.1}\" y2=\"{1:.1}\" stroke=\"#eaeef2\"/>\n<text x=\"{0:.1}\" y=\"{2:.1}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#57606a\">{3}</text>\n",
            x(v),
            top + plot_h,
            top + plot_h + 16.0,
            esc(&label)
        ));
        e += 1.0;
    }
    for (pick, fill, width) in [(0, OLD_FILL, 4.0), (1, NEW_FILL, 2.0)] {
        let mut pts = Vec::new();
        let mut prev: Option<f64> = None;
        for p in pcts {
            let v = if pick == 0 {
                parse(&p.old)
            } else {
                parse(&p.new)
            };
            let Some(v) = v.filter(|v| *v > 0.0) else {
                continue;
            };
            // Steps: horizontal to the new value, then up.
            if let Some(pv) = prev {
                pts.push(format!(
                    "{:.1},{:.1}",
                    x(v),
                    y(f64::from(p.p.saturating_sub(1)).max(0.0))
                ));
                let _ = pv;
            }
            pts.push(format!("{:.1},{:.1}", x(v), y(f64::from(p.p))));
            prev = Some(v);
        }
        if !pts.is_empty() {
            s.push_str(&format!(
                "<polyline points=\"{}\" fill=\"none\" stroke=\"{fill}\" stroke-width=\"{width}\"/>\n",
                pts.join(" ")
            ));
        }
    }
    s.push_str(&legend(
        left,
        h - 14.0,
        &[
            (OLD_FILL, t.t("修改前", "before")),
            (NEW_FILL, t.t("修改后", "after")),
        ],
    ));
    s.push_str(&svg_close(
        w,
        h,
        t.t(
            "每人获补助金额（对数刻度），纵轴为不超过该金额的获补助者占比",
            "amount per applicant (log scale); share of those paid at or below it",
        ),
    ));
    s
}

/// Bars of the changes: losses left (red), gains right (green).
fn svg_changes(bins: &[ChangeBin], t: &T) -> String {
    let n = bins.len().max(1) as f64;
    let (w, h, left, bottom, top) = (720.0, 240.0, 56.0, 56.0, 20.0);
    let plot_w = w - left - 16.0;
    let plot_h = h - bottom - top;
    let max = bins.iter().map(|b| b.count).max().unwrap_or(0).max(1) as f64;
    let slot = plot_w / n;
    let mut s = svg_open(
        w,
        h,
        t.t("个人金额变化分布", "Distribution of individual changes"),
    );
    s.push_str(&axes(left, top, plot_w, plot_h, max));
    for (i, b) in bins.iter().enumerate() {
        let x0 = left + slot * i as f64;
        let bh = plot_h * (b.count as f64) / max;
        let fill = if b.gain { GAIN_FILL } else { LOSS_FILL };
        s.push_str(&format!(
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{bh:.1}\" fill=\"{fill}\"><title>{}: {}</title></rect>\n",
            x0 + slot * 0.15,
            top + plot_h - bh,
            slot * 0.7,
            esc(&b.label),
            b.count
        ));
        s.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\" text-anchor=\"middle\" fill=\"#57606a\">{}</text>\n",
            x0 + slot / 2.0,
            top + plot_h + 16.0,
            esc(&b.label)
        ));
    }
    s.push_str(&legend(
        left,
        h - 14.0,
        &[
            (LOSS_FILL, t.t("减少", "paid less")),
            (GAIN_FILL, t.t("增加", "paid more")),
        ],
    ));
    s.push_str(&svg_close(
        w,
        h,
        t.t("每人金额变化（元）", "change per applicant (yuan)"),
    ));
    s
}

/// The `<svg>` element of a chart `w` × `h`, labelled for screen readers.
fn svg_open(w: f64, h: f64, label: &str) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" width=\"100%\" role=\"img\" aria-label=\"{}\">\n",
        esc(label)
    )
}

/// The axis caption at the bottom right, and the end of the chart.
fn svg_close(w: f64, h: f64, caption: &str) -> String {
    format!(
        "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\" fill=\"#57606a\">{}</text>\n</svg>\n",
        w - 16.0,
        h - 14.0,
        esc(caption)
    )
}

fn axes(left: f64, top: f64, plot_w: f64, plot_h: f64, max: f64) -> String {
    let mut s = String::new();
    // Four gridlines with counts.
    for k in 0..=4 {
        let v = max * f64::from(k) / 4.0;
        let y = top + plot_h - plot_h * f64::from(k) / 4.0;
        s.push_str(&format!(
            "<line x1=\"{left}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"#d0d7de\" stroke-width=\"1\"/>\n<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\" fill=\"#57606a\">{}</text>\n",
            left + plot_w,
            left - 6.0,
            y + 4.0,
            v.round()
        ));
    }
    s
}

fn legend(x: f64, y: f64, items: &[(&str, &str)]) -> String {
    let mut s = String::new();
    let mut at = x;
    for (fill, label) in items {
        s.push_str(&format!(
            "<rect x=\"{at:.1}\" y=\"{:.1}\" width=\"12\" height=\"12\" fill=\"{fill}\"/><text x=\"{:.1}\" y=\"{y:.1}\" font-size=\"12\" fill=\"#1b1f24\">{}</text>\n",
            y - 10.0,
            at + 16.0,
            esc(label)
        ));
        at += 24.0 + 13.0 * label.chars().count() as f64;
    }
    s
}

fn html(r: &DiffReport, t: &T) -> String {
    let mut s = String::new();
    let title = title(r, t);
    s.push_str(&format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{CSS}\n.sub{{color:var(--muted);font-size:.88rem}}\ncode.change{{white-space:pre-wrap}}\n.added{{color:var(--ok)}} .removed{{color:var(--bad)}}\ntable.diff th,table.diff td{{white-space:normal}}\nfigure{{margin:1rem 0}} figcaption{{color:var(--muted);font-size:.9rem}}\n</style>\n</head>\n<body>\n",
        if t.zh { "zh-CN" } else { "en" },
        esc(&title)
    ));
    s.push_str(&format!("<h1>{}</h1>\n<ul class=\"meta\">\n", esc(&title)));
    s.push_str(&format!(
        "<li>{}<code>{}</code> → <code>{}</code></li>\n",
        t.t("版本：", "Versions: "),
        esc(&r.old.file),
        esc(&r.new.file)
    ));
    if let Some(c) = &r.cohort {
        s.push_str(&format!(
            "<li>{}<code>{}</code>{}</li>\n",
            t.t("测算样本：", "Cohort: "),
            esc(c),
            r.evaluated_on
                .as_deref()
                .map(|d| format!("{}{}", t.t("，评估日期 ", ", evaluated on "), esc(d)))
                .unwrap_or_default()
        ));
    }
    s.push_str("</ul>\n");
    s.push_str(&format!(
        "<p class=\"conclusion\">{}</p>\n",
        esc(&r.summary)
    ));
    s.push_str(&format!(
        "<h2>{}</h2>\n",
        t.t("一、政策文本的变化", "1. What changed in the policy")
    ));
    if r.structural.is_empty() {
        s.push_str(&format!(
            "<p>{}</p>\n",
            t.t("（规则没有变化）", "(no change to the rules)")
        ));
    } else {
        s.push_str(&format!(
            "<table class=\"diff\">\n<tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>\n",
            t.t("位置", "Where"),
            t.t("修改前", "Before"),
            t.t("修改后", "After"),
            t.t("行", "Lines")
        ));
        for c in &r.structural {
            let cls = match c.kind {
                Kind::Added => " class=\"added\"",
                Kind::Removed => " class=\"removed\"",
                Kind::Changed => "",
            };
            s.push_str(&format!(
                "<tr{cls}><td>{}{}</td><td><code class=\"change\">{}</code></td><td><code class=\"change\">{}</code></td><td class=\"sub\">{}</td></tr>\n",
                esc(&c.place),
                c.detail
                    .as_deref()
                    .map(|d| format!("<div class=\"sub\">{}</div>", esc(d)))
                    .unwrap_or_default(),
                esc(c.old.as_deref().unwrap_or("—")),
                esc(c.new.as_deref().unwrap_or("—")),
                esc(&t.lines(c))
            ));
        }
        s.push_str("</table>\n");
    }
    if r.cohort.is_none() {
        s.push_str("</body>\n</html>\n");
        return s;
    }
    let c = &r.counts;
    s.push_str(&format!(
        "<h2>{}</h2>\n<table class=\"diff\">\n",
        t.t("二、对申请人的影响", "2. Effect on the applicants")
    ));
    let rows: [(&str, String); 8] = [
        (
            t.t("比较的申请人", "applicants compared"),
            c.compared.to_string(),
        ),
        (t.t("金额增加", "paid more"), c.gain.to_string()),
        (t.t("金额减少", "paid less"), c.lose.to_string()),
        (t.t("不变", "unchanged"), c.unchanged.to_string()),
        (
            t.t("新符合条件", "become eligible"),
            c.became_eligible.to_string(),
        ),
        (
            t.t("不再符合条件", "become ineligible"),
            c.became_ineligible.to_string(),
        ),
        (
            t.t("符合条件的申请人", "eligible applicants"),
            format!("{} → {}", c.eligible_old, c.eligible_new),
        ),
        (
            t.t("无法评估的记录", "records not evaluated"),
            c.bad.to_string(),
        ),
    ];
    for (k, v) in rows {
        s.push_str(&format!(
            "<tr><td>{}</td><td class=\"num\">{}</td></tr>\n",
            esc(k),
            esc(&v)
        ));
    }
    s.push_str("</table>\n");
    s.push_str(&format!(
        "<h2>{}</h2>\n<table class=\"diff\">\n<tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>\n",
        t.t("三、各项补助的总支出", "3. Total outlay per grant"),
        t.t("补助", "Grant"),
        t.t("修改前", "Before"),
        t.t("修改后", "After"),
        t.t("变化", "Change")
    ));
    for g in &r.grants {
        s.push_str(&format!(
            "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num amount\">{}</td></tr>\n",
            esc(&g.label),
            g.old.as_ref().map(|a| esc(&a.wan_text())).unwrap_or_else(|| "—".into()),
            g.new.as_ref().map(|a| esc(&a.wan_text())).unwrap_or_else(|| "—".into()),
            esc(&signed(&g.change))
        ));
    }
    s.push_str(&format!(
        "<tr><td><b>{}</b></td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num amount\">{}</td></tr>\n</table>\n",
        t.t("合计", "Total"),
        esc(&r.total_old.wan_text()),
        esc(&r.total_new.wan_text()),
        esc(&signed(&r.total_change))
    ));
    s.push_str(&format!(
        "<h2>{}</h2>\n",
        t.t("四、分布", "4. Distributions")
    ));
    s.push_str(&format!(
        "<figure>\n{}<figcaption>{}</figcaption>\n</figure>\n",
        svg_distribution(&r.distribution, t),
        esc(t.t(
            "获得补助的申请人按每人金额分组的人数，修改前（灰）与修改后（蓝）。",
            "Applicants paid, by amount per applicant: before (grey) and after (blue)."
        ))
    ));
    let cdf = svg_cdf(&r.percentiles, t);
    if !cdf.is_empty() {
        s.push_str(&format!(
            "<figure>\n{cdf}<figcaption>{}</figcaption>\n</figure>\n",
            esc(t.t(
                "累积分布：上限起作用处曲线出现台阶；两条曲线的水平距离即同一分位上的金额变化。",
                "Cumulative distribution: a cap that binds shows as a step; the horizontal gap between the curves is the change at that percentile."
            ))
        ));
    }
    if r.change_distribution.iter().any(|b| b.count > 0) {
        s.push_str(&format!(
            "<figure>\n{}<figcaption>{}</figcaption>\n</figure>\n",
            svg_changes(&r.change_distribution, t),
            esc(t.t(
                "金额有变化的申请人按变化额分组的人数。",
                "Applicants whose amount changed, by the size of the change."
            ))
        ));
    }
    s.push_str(&format!(
        "<h2>{}</h2>\n<ol>\n",
        t.t("五、变化最大的申请人", "5. The largest individual changes")
    ));
    for e in &r.largest {
        s.push_str(&format!(
            "<li><b>{}{}{}</b>{}{}{} → {} <span class=\"amount\">{}</span>{}<ul>",
            t.t("第 ", "line "),
            e.line,
            t.t(" 行", ""),
            e.id.as_deref()
                .map(|i| format!(" {}", esc(i)))
                .unwrap_or_default(),
            t.t("：", ": "),
            esc(&e.old.wan_text()),
            esc(&e.new.wan_text()),
            esc(&signed(&e.change)),
            esc(&t.paren(t.category(e.category)))
        ));
        for why in &e.reasons {
            s.push_str(&format!("<li class=\"sub\">{}</li>", esc(why)));
        }
        s.push_str("</ul></li>\n");
    }
    s.push_str("</ol>\n");
    if r.bad_count > 0 {
        s.push_str(&format!(
            "<h2>{}</h2>\n<ul>\n",
            t.t("六、无法评估的记录", "6. Records not evaluated")
        ));
        for b in &r.bad {
            s.push_str(&format!(
                "<li>{}{}{} ({}): {}</li>\n",
                t.t("第 ", "line "),
                b.line,
                t.t(" 行", ""),
                esc(t.version(b.version)),
                esc(&b.message)
            ));
        }
        s.push_str("</ul>\n");
    }
    s.push_str(&format!(
        "<footer>{}</footer>\n</body>\n</html>\n",
        esc(t.t(
            "本报告由 polc 对两个版本逐人精确计算生成；完整的逐人变化列表见 JSON 输出的 changes 字段。",
            "Generated by polc, evaluating both versions exactly for every applicant; every changed applicant is listed in the JSON output's `changes`."
        ))
    ));
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_and_never_vanish() {
        assert_eq!(bar(0, 10, 20, '#'), "");
        assert_eq!(bar(1, 1000, 20, '#'), "#");
        assert_eq!(bar(10, 10, 20, '#').chars().count(), 20);
    }
}
