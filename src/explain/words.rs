//! Every sentence of the reports, in Chinese and English, in one place so a
//! reviewer can read (and correct) the wording as a whole.

use super::GrantLine;
use crate::eval::{GrantStatus, TrancheStatus};
use crate::program::Rounding;
use crate::syntax::ast::{BinOp, RoundMode, RoundUnit};
use crate::value::{money_grouped, rate_string, Date, Duration};
use rust_decimal::Decimal;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Zh,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }

    pub fn parse(s: &str) -> Option<Lang> {
        match s {
            "zh" | "zh-CN" | "cn" => Some(Lang::Zh),
            "en" | "en-US" | "en-GB" => Some(Lang::En),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct W {
    pub lang: Lang,
}

/// Calendar difference between two dates: whole years, months, then days.
fn calendar_diff(start: Date, end: Date) -> (i64, i64, i64) {
    let (a, b, sign) = if end >= start {
        (start, end, 1)
    } else {
        (end, start, -1)
    };
    let mut months = 0i64;
    while let Some(next) = a.add_months(months + 1) {
        if next > b || months > 12 * 10_000 {
            break;
        }
        months += 1;
    }
    let base = a.add_months(months).unwrap_or(a);
    let days = i64::from(b.days_since_epoch()) - i64::from(base.days_since_epoch());
    (sign * (months / 12), sign * (months % 12), sign * days)
}

impl W {
    fn zh(&self) -> bool {
        self.lang == Lang::Zh
    }

    /// An amount: in 万元 when that is exact at two decimals, else in 元.
    pub fn money(&self, d: Decimal) -> String {
        let wan = d / Decimal::from(10_000);
        if wan.normalize().scale() <= 2 {
            let mut w = wan;
            w.rescale(2);
            format!("{} 万元", money_grouped(w))
        } else {
            let yuan = if d.normalize().scale() <= 4 {
                money_grouped(d)
            } else {
                format!(
                    "{}…",
                    money_grouped(
                        d.round_dp_with_strategy(4, rust_decimal::RoundingStrategy::ToZero)
                    )
                )
            };
            format!("{yuan} 元")
        }
    }

    pub fn yes_no(&self, b: bool) -> &'static str {
        match (self.zh(), b) {
            (true, true) => "是",
            (true, false) => "否",
            (false, true) => "yes",
            (false, false) => "no",
        }
    }

    pub fn duration(&self, d: &Duration) -> String {
        let (y, m, days) = match d.anchor {
            Some(a) => match a.plus(Duration { anchor: None, ..*d }) {
                Some(end) => calendar_diff(a, end),
                None => (d.months / 12, d.months % 12, d.days),
            },
            None => (d.months / 12, d.months % 12, d.days),
        };
        let mut parts = Vec::new();
        if self.zh() {
            if y != 0 {
                parts.push(format!("{y} 年"));
            }
            if m != 0 {
                parts.push(format!("{m} 个月"));
            }
            if days != 0 || parts.is_empty() {
                parts.push(format!("{days} 天"));
            }
            parts.join(" ")
        } else {
            let unit = |n: i64, one: &str, many: &str| {
                format!("{n} {}", if n.abs() == 1 { one } else { many })
            };
            if y != 0 {
                parts.push(unit(y, "year", "years"));
            }
            if m != 0 {
                parts.push(unit(m, "month", "months"));
            }
            if days != 0 || parts.is_empty() {
                parts.push(unit(days, "day", "days"));
            }
            parts.join(" ")
        }
    }

    pub fn items(&self, n: usize) -> String {
        if self.zh() {
            format!("{n} 项")
        } else {
            format!("{n} item{}", if n == 1 { "" } else { "s" })
        }
    }

    pub fn not_given(&self) -> &'static str {
        if self.zh() {
            "未提供"
        } else {
            "not given"
        }
    }

    /// A comma between clauses: `，` or `, `.
    pub fn comma(&self) -> &'static str {
        if self.zh() {
            "，"
        } else {
            ", "
        }
    }

    pub fn sep(&self) -> &'static str {
        if self.zh() {
            "；"
        } else {
            "; "
        }
    }

    pub fn the_value(&self) -> String {
        if self.zh() { "该数值" } else { "the value" }.to_string()
    }

    fn operand(name: &str, value: &str) -> String {
        if name.is_empty() || name == value {
            value.to_string()
        } else {
            format!("{name} {value}")
        }
    }

    /// A comparison in words: `核定总投资 800 万元，低于门槛 1,000 万元`.
    #[allow(clippy::too_many_arguments)]
    pub fn comparison(
        &self,
        left: &str,
        lval: &str,
        op: BinOp,
        right: &str,
        rval: &str,
        holds: bool,
        lhs: &crate::value::Value,
    ) -> String {
        use crate::value::Value;
        let l = Self::operand(left, lval);
        let r = Self::operand(right, rval);
        let temporal = matches!(lhs, Value::Date(_));
        let duration = matches!(lhs, Value::Duration(_));
        if self.zh() {
            let word = match (op, holds, temporal, duration) {
                (BinOp::Eq, true, ..) if !right.is_empty() => return format!("{l}，与{r}相同"),
                (BinOp::Eq, true, ..) => return l,
                (BinOp::Eq, false, ..) => return format!("{l}，不是{rval}"),
                (BinOp::Ne, true, ..) => return l,
                (BinOp::Ne, false, ..) => return format!("{l}（不得为{rval}）"),
                (BinOp::Le | BinOp::Lt, true, _, true) => return format!("{l}，在 {r} 以内"),
                (BinOp::Le | BinOp::Lt, false, _, true) => return format!("{l}，超过 {r}"),
                (BinOp::Ge | BinOp::Gt, true, _, true) => return format!("{l}，达到 {r}"),
                (BinOp::Ge | BinOp::Gt, false, _, true) => return format!("{l}，不足 {r}"),
                (BinOp::Ge, true, true, _) => "不早于",
                (BinOp::Ge, false, true, _) => "早于",
                (BinOp::Gt, true, true, _) => "晚于",
                (BinOp::Gt, false, true, _) => "不晚于",
                (BinOp::Le, true, true, _) => "不晚于",
                (BinOp::Le, false, true, _) => "晚于",
                (BinOp::Lt, true, true, _) => "早于",
                (BinOp::Lt, false, true, _) => "不早于",
                (BinOp::Ge, true, ..) => "达到",
                (BinOp::Ge, false, ..) => "低于",
                (BinOp::Gt, true, ..) => "超过",
                (BinOp::Gt, false, ..) => "未超过",
                (BinOp::Le, true, ..) => "未超过",
                (BinOp::Le, false, ..) => "超过",
                (BinOp::Lt, true, ..) => "低于",
                (BinOp::Lt, false, ..) => "未低于",
                _ => "",
            };
            format!("{l}，{word} {r}")
        } else {
            let word = match (op, holds, temporal, duration) {
                (BinOp::Eq, true, ..) if !right.is_empty() => {
                    return format!("{l}, the same as {r}")
                }
                (BinOp::Eq, true, ..) => return l,
                (BinOp::Eq, false, ..) => return format!("{l}, not {rval}"),
                (BinOp::Ne, true, ..) => return l,
                (BinOp::Ne, false, ..) => return format!("{l} (must not be {rval})"),
                (BinOp::Le, true, _, true) => return format!("{l}, within {r}"),
                (BinOp::Le, false, _, true) => return format!("{l}, longer than {r}"),
                (BinOp::Ge, true, true, _) => "is not before",
                (BinOp::Ge, false, true, _) => "is before",
                (BinOp::Gt, true, true, _) => "is after",
                (BinOp::Gt, false, true, _) => "is not after",
                (BinOp::Le, true, true, _) => "is not after",
                (BinOp::Le, false, true, _) => "is after",
                (BinOp::Lt, true, true, _) => "is before",
                (BinOp::Lt, false, true, _) => "is not before",
                (BinOp::Ge, true, ..) => "reaches",
                (BinOp::Ge, false, ..) => "is below",
                (BinOp::Gt, true, ..) => "exceeds",
                (BinOp::Gt, false, ..) => "does not exceed",
                (BinOp::Le, true, ..) => "does not exceed",
                (BinOp::Le, false, ..) => "exceeds",
                (BinOp::Lt, true, ..) => "is below",
                (BinOp::Lt, false, ..) => "is not below",
                _ => "",
            };
            format!("{l} {word} {r}")
        }
    }

    pub fn requirement_line(
        &self,
        passed: bool,
        label: &str,
        cite: Option<&str>,
        detail: &str,
    ) -> String {
        let mark = if passed { "✔" } else { "✘" };
        let cite = match (cite, self.zh()) {
            (Some(c), true) => format!("（{c}）"),
            (Some(c), false) => format!(" ({c})"),
            (None, _) => String::new(),
        };
        let colon = if self.zh() { "：" } else { ": " };
        if detail.is_empty() {
            format!("{mark} {label}{cite}")
        } else {
            format!("{mark} {label}{cite}{colon}{detail}")
        }
    }

    fn need(&self, op: BinOp) -> &'static str {
        match (self.zh(), op) {
            (true, BinOp::Ge) => "需达到",
            (true, BinOp::Gt) => "需超过",
            (true, BinOp::Le) => "需不超过",
            (true, BinOp::Lt) => "需低于",
            (true, _) => "需为",
            (false, BinOp::Ge) => "must reach",
            (false, BinOp::Gt) => "must exceed",
            (false, BinOp::Le) => "must not exceed",
            (false, BinOp::Lt) => "must be below",
            (false, _) => "must be",
        }
    }

    fn gap_word(&self, op: BinOp) -> &'static str {
        match (self.zh(), op) {
            (true, BinOp::Ge | BinOp::Gt) => "尚差",
            (true, _) => "超出",
            (false, BinOp::Ge | BinOp::Gt) => "short by",
            (false, _) => "over by",
        }
    }

    pub fn money_hint(&self, subject: &str, op: BinOp, target: Decimal, gap: Decimal) -> String {
        self.gap_hint(subject, op, &self.money(target), &self.money(gap))
    }

    pub fn rate_hint(&self, subject: &str, op: BinOp, target: Decimal, gap: Decimal) -> String {
        let gap = match gap.checked_mul(Decimal::from(10_000)) {
            Some(bp) if self.zh() => format!("{} 个基点", bp.normalize()),
            Some(bp) => format!("{} bp", bp.normalize()),
            None => rate_string(gap),
        };
        self.gap_hint(subject, op, &rate_string(target), &gap)
    }

    pub fn number_hint(&self, subject: &str, op: BinOp, target: Decimal, gap: Decimal) -> String {
        self.gap_hint(
            subject,
            op,
            &target.normalize().to_string(),
            &gap.normalize().to_string(),
        )
    }

    fn gap_hint(&self, subject: &str, op: BinOp, target: &str, gap: &str) -> String {
        if matches!(op, BinOp::Eq | BinOp::Ne) {
            return if self.zh() {
                format!("{subject}{}{target}", self.need(op))
            } else {
                format!("{subject} {} {target}", self.need(op))
            };
        }
        // At the limit of a strict comparison there is no gap to state.
        let at_limit = gap
            .trim_start_matches(['0', '.', ','])
            .split(' ')
            .next()
            .unwrap_or("")
            .is_empty();
        match (self.zh(), at_limit) {
            (true, true) => format!("{subject}{} {target}", self.need(op)),
            (true, false) => format!(
                "{subject}{} {target}，{} {gap}",
                self.need(op),
                self.gap_word(op)
            ),
            (false, true) => format!("{subject} {} {target}", self.need(op)),
            (false, false) => format!(
                "{subject} {} {target} ({} {gap})",
                self.need(op),
                self.gap_word(op)
            ),
        }
    }

    pub fn date_hint(&self, subject: &str, op: BinOp, target: &str, days: i64) -> String {
        match (self.zh(), op) {
            (true, BinOp::Ge) => format!("{subject}需不早于 {target}（早了 {days} 天）"),
            (true, BinOp::Gt) => format!("{subject}需晚于 {target}"),
            (true, BinOp::Le) => format!("{subject}需不晚于 {target}（晚了 {days} 天）"),
            (true, BinOp::Lt) => format!("{subject}需早于 {target}"),
            (true, _) => format!("{subject}需为 {target}"),
            (false, BinOp::Ge) => {
                format!("{subject} must be on or after {target} ({days} days too early)")
            }
            (false, BinOp::Gt) => format!("{subject} must be after {target}"),
            (false, BinOp::Le) => {
                format!("{subject} must be on or before {target} ({days} days too late)")
            }
            (false, BinOp::Lt) => format!("{subject} must be before {target}"),
            (false, _) => format!("{subject} must be {target}"),
        }
    }

    pub fn duration_hint(
        &self,
        subject: &str,
        op: BinOp,
        limit: &str,
        limit_date: &str,
        days: i64,
    ) -> String {
        match (self.zh(), op) {
            (true, BinOp::Le | BinOp::Lt) => {
                format!("{subject}需在 {limit} 以内，即不晚于 {limit_date}（超出 {days} 天）")
            }
            (true, _) => {
                format!("{subject}需达到 {limit}，即不早于 {limit_date}（尚差 {days} 天）")
            }
            (false, BinOp::Le | BinOp::Lt) => {
                format!(
                    "{subject} must be within {limit}, i.e. by {limit_date} ({} over)",
                    days_en(days)
                )
            }
            (false, _) => format!(
                "{subject} must be at least {limit}, i.e. not before {limit_date} ({} short)",
                days_en(days)
            ),
        }
    }

    pub fn step_line(&self, label: &str, value: &str, figures: &[super::Figure]) -> String {
        let figs: Vec<String> = figures
            .iter()
            .map(|f| {
                if self.zh() {
                    format!("{}：{}", f.label, f.value)
                } else {
                    format!("{}: {}", f.label, f.value)
                }
            })
            .collect();
        match (self.zh(), figs.is_empty()) {
            (true, true) => format!("{label}：{value}"),
            (true, false) => format!("{label}：{value}（{}）", figs.join("；")),
            (false, true) => format!("{label}: {value}"),
            (false, false) => format!("{label}: {value} ({})", figs.join("; ")),
        }
    }

    pub fn cap_word(&self) -> &'static str {
        if self.zh() {
            "上限"
        } else {
            "cap"
        }
    }

    pub fn floor_word(&self) -> &'static str {
        if self.zh() {
            "下限"
        } else {
            "floor"
        }
    }

    fn cite(&self, cite: Option<&str>) -> String {
        match (cite, self.zh()) {
            (Some(c), true) => format!("（{c}）"),
            (Some(c), false) => format!(" ({c})"),
            (None, _) => String::new(),
        }
    }

    pub fn cap_line(
        &self,
        label: &str,
        cite: Option<&str>,
        value: Decimal,
        bound: bool,
        lifted: bool,
        by: Option<&str>,
    ) -> String {
        let c = self.cite(cite);
        let v = self.money(value);
        match (self.zh(), lifted, bound) {
            (true, true, _) => format!("{label} {v}{c}：{}，不受此上限限制", by.unwrap_or("")),
            (true, false, true) => format!("{label} {v}{c}：测算金额超过上限，按上限核定"),
            (true, false, false) => format!("{label} {v}{c}：未超过"),
            (false, true, _) => format!(
                "{label} {v}{c}: lifted ({}), it does not apply",
                by.unwrap_or("")
            ),
            (false, false, true) => {
                format!("{label} {v}{c}: the amount exceeds it, so the cap applies")
            }
            (false, false, false) => format!("{label} {v}{c}: not reached"),
        }
    }

    pub fn floor_line(
        &self,
        label: &str,
        cite: Option<&str>,
        value: Decimal,
        bound: bool,
    ) -> String {
        let c = self.cite(cite);
        let v = self.money(value);
        match (self.zh(), bound) {
            (true, true) => format!("{label} {v}{c}：测算金额低于下限，按下限核定"),
            (true, false) => format!("{label} {v}{c}：未低于"),
            (false, true) => {
                format!("{label} {v}{c}: the amount is below it, so the floor applies")
            }
            (false, false) => format!("{label} {v}{c}: not below"),
        }
    }

    pub fn rounding_line(&self, r: Rounding, before: Decimal, after: Decimal) -> String {
        let unit = match (self.zh(), r.unit) {
            (true, RoundUnit::Fen) => "分",
            (true, RoundUnit::Jiao) => "角",
            (true, RoundUnit::Yuan) => "元",
            (true, RoundUnit::Bai) => "百元",
            (true, RoundUnit::Qian) => "千元",
            (true, RoundUnit::Wan) => "万元",
            (false, RoundUnit::Fen) => "the fen (0.01 元)",
            (false, RoundUnit::Jiao) => "the jiao (0.1 元)",
            (false, RoundUnit::Yuan) => "the yuan",
            (false, RoundUnit::Bai) => "100 元",
            (false, RoundUnit::Qian) => "1,000 元",
            (false, RoundUnit::Wan) => "10,000 元",
            (_, RoundUnit::None) => "",
        };
        let mode = match (self.zh(), r.mode) {
            (true, RoundMode::HalfUp) => "四舍五入",
            (true, RoundMode::HalfEven) => "四舍六入五成双",
            (true, RoundMode::Down) => "舍去",
            (true, RoundMode::Up) => "进位",
            (false, RoundMode::HalfUp) => "half up",
            (false, RoundMode::HalfEven) => "half to even",
            (false, RoundMode::Down) => "down",
            (false, RoundMode::Up) => "up",
        };
        let b = exact_yuan(before);
        let a = money_grouped(after);
        if self.zh() {
            format!("按{unit}{mode}：{b} 元 → {a} 元")
        } else {
            format!("rounded {mode} to {unit}: {b} 元 → {a} 元")
        }
    }

    pub fn tranche_status(&self, s: TrancheStatus) -> &'static str {
        match (self.zh(), s) {
            (true, TrancheStatus::Paid) => "已拨付",
            (true, TrancheStatus::Payable) => "可拨付",
            (true, TrancheStatus::Waiting) => "待拨付（里程碑未达成）",
            (true, TrancheStatus::Cancelled) => "停拨",
            (false, TrancheStatus::Paid) => "paid",
            (false, TrancheStatus::Payable) => "payable now",
            (false, TrancheStatus::Waiting) => "waiting for its milestone",
            (false, TrancheStatus::Cancelled) => "cancelled",
        }
    }

    pub fn schedule_line(
        &self,
        paid: Decimal,
        payable: Decimal,
        waiting: Decimal,
        cancelled: Decimal,
        to_return: Decimal,
    ) -> String {
        let m = |d| self.money(d);
        if self.zh() {
            format!(
                "已拨付 {}，可拨付 {}，待拨付 {}，停拨 {}，应退回 {}",
                m(paid),
                m(payable),
                m(waiting),
                m(cancelled),
                m(to_return)
            )
        } else {
            format!(
                "paid {}, payable now {}, waiting {}, cancelled {}, to be returned {}",
                m(paid),
                m(payable),
                m(waiting),
                m(cancelled),
                m(to_return)
            )
        }
    }

    pub fn capped_note(&self, label: &str, before: Decimal, after: Decimal) -> String {
        if self.zh() {
            format!(
                "测算金额 {} 超过{label}，按 {} 核定",
                self.money(before),
                self.money(after)
            )
        } else {
            format!(
                "the computed {} is above the {label}, so {} is granted",
                self.money(before),
                self.money(after)
            )
        }
    }

    pub fn superseded_note(&self, winner: &str) -> String {
        if self.zh() {
            format!("按从高不重复原则，本项不予支持，按较高的“{winner}”支持")
        } else {
            format!(
                "not paid: only the highest of these grants is paid (从高不重复), here “{winner}”"
            )
        }
    }

    pub fn not_in_force(&self, on: &str, from: &str, to: &str) -> String {
        if self.zh() {
            format!("结论：本政策有效期为 {from} 至 {to}，{on} 不在有效期内，不予支持。")
        } else {
            format!("Conclusion: the policy is in force from {from} to {to}; {on} is outside that period, so nothing is granted.")
        }
    }

    pub fn lookups_omitted(&self, n: u64) -> String {
        if self.zh() {
            format!("（另有 {n} 项利率查询与利息计算未逐项列出，已计入金额。）")
        } else {
            format!("({n} more rate lookups and interest computations are included in the amounts but not listed.)")
        }
    }

    pub fn clamped_note(&self) -> &'static str {
        if self.zh() {
            "测算金额为负，按 0 元计"
        } else {
            "the computed amount is negative and counts as 0"
        }
    }

    pub fn grant_status(&self, s: GrantStatus) -> &'static str {
        match (self.zh(), s) {
            (true, GrantStatus::Granted) => "予以支持",
            (true, GrantStatus::NotApplicable) => "不适用于本申报",
            (true, GrantStatus::Ineligible) => "不符合条件",
            (false, GrantStatus::Granted) => "granted",
            (false, GrantStatus::NotApplicable) => "does not apply to this application",
            (false, GrantStatus::Ineligible) => "not eligible",
        }
    }

    pub fn fixing_line(&self, at: &str, name: &str, value: &str, fixing: &str) -> String {
        // Published rates keep their two decimals: 3.00%, not 3%.
        let value = match value.strip_suffix('%') {
            Some(n) if !n.contains('.') => format!("{n}.00%"),
            _ => value.to_string(),
        };
        if self.zh() {
            format!("{at} 适用的{name}为 {value}（{fixing} 发布）")
        } else {
            format!("{name} in force on {at}: {value} (published {fixing})")
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub fn interest_line(
        &self,
        principal: Decimal,
        rate: Decimal,
        from: &str,
        to: &str,
        days: i64,
        basis: u32,
        amount: Decimal,
    ) -> String {
        let p = money_grouped(principal);
        let r = rate_string(rate);
        let a = exact_yuan(amount);
        if self.zh() {
            format!("利息：{p} 元 × {r} × {days} 天 ÷ {basis} = {a} 元（{from} 至 {to}，按实际天数/{basis}计息）")
        } else {
            format!("interest: {p} 元 × {r} × {days} days ÷ {basis} = {a} 元 ({from} to {to}, actual/{basis})")
        }
    }

    pub fn conclusion(
        &self,
        eligible: bool,
        failed: usize,
        summary: &[GrantLine],
        total: Decimal,
    ) -> String {
        let granted: Vec<&GrantLine> = summary
            .iter()
            .filter(|g| g.status == "granted" && g.amount.yuan != "0.00")
            .collect();
        let wan = |d: Decimal| {
            super::group(crate::value::wan_string(d).trim_end_matches("万元")) + " 万元"
        };
        let total_text = format!("{}（{} 元）", wan(total), money_grouped(total));
        if self.zh() {
            if !eligible {
                return format!("结论：不符合支持条件，{failed} 项条件未满足。");
            }
            if granted.is_empty() {
                return if failed > 0 {
                    format!(
                        "结论：符合总体支持条件，但所申报补助的 {failed} 项条件未满足，补助 0 元。"
                    )
                } else {
                    "结论：符合支持条件，按本政策测算补助 0 元。".to_string()
                };
            }
            let parts: Vec<String> = granted
                .iter()
                .map(|g| format!("{} {} 万元", g.label, super::group(&g.amount.wan)))
                .collect();
            format!(
                "结论：符合支持条件，可获{}，合计 {total_text}。",
                parts.join("、")
            )
        } else {
            let total_text = format!("{} (CNY {})", wan(total), money_grouped(total));
            if !eligible {
                return format!(
                    "Conclusion: not eligible; {failed} condition{} not met.",
                    if failed == 1 { " is" } else { "s are" }
                );
            }
            if granted.is_empty() {
                return if failed > 0 {
                    format!("Conclusion: the general conditions are met, but {failed} condition(s) of the grant applied for are not; nothing is granted.")
                } else {
                    "Conclusion: eligible; the policy gives 0 元 for this application.".to_string()
                };
            }
            let parts: Vec<String> = granted
                .iter()
                .map(|g| format!("{} {} 万元", g.label, super::group(&g.amount.wan)))
                .collect();
            format!(
                "Conclusion: eligible for {}; total {total_text}.",
                parts.join(", ")
            )
        }
    }

    // ---------------------------------------------------------------- headings

    pub fn report_title(&self, title: &str) -> String {
        if self.zh() {
            format!("{title} — 测算说明")
        } else {
            format!("{title} — calculation report")
        }
    }

    /// The colon after a heading word.
    pub fn colon(&self) -> &'static str {
        if self.zh() {
            "："
        } else {
            ": "
        }
    }

    pub fn source(&self) -> &'static str {
        if self.zh() {
            "政策来源"
        } else {
            "Source"
        }
    }

    pub fn issuer(&self) -> &'static str {
        if self.zh() {
            "发布单位"
        } else {
            "Issued by"
        }
    }

    pub fn effective(&self) -> &'static str {
        if self.zh() {
            "有效期"
        } else {
            "In force"
        }
    }

    pub fn conditions(&self) -> &'static str {
        if self.zh() {
            "支持条件"
        } else {
            "Conditions"
        }
    }

    pub fn numbered(&self, n: usize, title: &str) -> String {
        const ZH: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];
        if self.zh() {
            match ZH.get(n.saturating_sub(1)) {
                Some(c) => format!("{c}、{title}"),
                None => format!("{n}. {title}"),
            }
        } else {
            format!("{n}. {title}")
        }
    }

    pub fn computed(&self) -> &'static str {
        if self.zh() {
            "测算金额"
        } else {
            "Computed amount"
        }
    }

    pub fn granted_amount(&self) -> &'static str {
        if self.zh() {
            "补助金额"
        } else {
            "Amount granted"
        }
    }

    pub fn total(&self) -> &'static str {
        if self.zh() {
            "合计"
        } else {
            "Total"
        }
    }

    pub fn tranches(&self) -> &'static str {
        if self.zh() {
            "拨付安排"
        } else {
            "Payments"
        }
    }

    pub fn tranche_header(&self) -> [&'static str; 4] {
        if self.zh() {
            ["分期", "依据", "金额", "状态"]
        } else {
            ["Tranche", "Article", "Amount", "Status"]
        }
    }

    pub fn halted(&self) -> &'static str {
        if self.zh() {
            "停拨"
        } else {
            "Halted"
        }
    }

    pub fn clawed_back(&self) -> &'static str {
        if self.zh() {
            "收回"
        } else {
            "To be returned"
        }
    }

    pub fn source_text(&self) -> &'static str {
        if self.zh() {
            "原文"
        } else {
            "Text"
        }
    }

    pub fn untranslated(&self) -> &'static str {
        "Note: this policy gives its labels in Chinese only; they are shown as written."
    }

    pub fn footer(&self) -> &'static str {
        if self.zh() {
            "本说明由 polc 根据政策文本的编码与申报数据自动生成，金额为精确计算结果，按政策规定取整。"
        } else {
            "Generated by polc from the encoded policy and the application data; amounts are exact and rounded as the policy states."
        }
    }
}

fn days_en(n: i64) -> String {
    format!("{n} day{}", if n == 1 { "" } else { "s" })
}

/// An exact amount in 元 with separators, cut after four decimals.
fn exact_yuan(d: Decimal) -> String {
    if d.normalize().scale() <= 4 {
        money_grouped(d)
    } else {
        format!(
            "{}…",
            money_grouped(d.round_dp_with_strategy(4, rust_decimal::RoundingStrategy::ToZero))
        )
    }
}
