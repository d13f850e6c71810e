//! The structural diff of two versions of a policy: which declarations,
//! conditions, caps, rates and tables changed, named as the policy names them
//! (labels and citations) and shown in its own text (`1000万元 → 1500万元`).
//!
//! Compared on the syntax trees, text for text: each rule's source with its
//! comments dropped and its spacing normalised, so re-indenting or
//! commenting a policy is not a change, and `1,000万元` against `1000万元` is
//! (a drafter rewrote the figure; the literal values are compared too).

use crate::explain::Lang;
use crate::span::Span;
use crate::syntax::ast::{self, ExprKind, GrantStmt, Text};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Added,
    Removed,
    Changed,
}

/// One change between the two versions.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    pub kind: Kind,
    /// Where, in the policy's terms: `直接补助（五（一））› 上限「单项补助上限」`.
    pub place: String,
    /// The text before and after (as written, comments dropped).
    pub old: Option<String>,
    pub new: Option<String>,
    /// The part that differs, when most of the text is the same: `10% → 12%`.
    pub detail: Option<String>,
    /// 1-based lines in the old and new files.
    pub old_line: Option<usize>,
    pub new_line: Option<usize>,
}

struct Side<'a> {
    text: &'a str,
}

impl Side<'_> {
    fn raw(&self, span: Span) -> &str {
        self.text.get(span.range()).unwrap_or("")
    }

    /// The source of a span, comments dropped and spacing normalised.
    fn canon(&self, span: Span) -> String {
        canonical(self.raw(span))
    }

    fn line(&self, span: Span) -> usize {
        let end = (span.start as usize).min(self.text.len());
        self.text
            .get(..end)
            .map_or(0, |t| t.bytes().filter(|b| *b == b'\n').count())
            + 1
    }
}

/// Drop `//` comments (outside strings) and collapse whitespace.
pub fn canonical(src: &str) -> String {
    let mut out = String::with_capacity(src.len());
    let mut in_str = false;
    let mut chars = src.chars().peekable();
    let mut space = false;
    while let Some(c) = chars.next() {
        if in_str {
            out.push(c);
            if c == '\\' {
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            } else if c == '"' {
                in_str = false;
            }
            continue;
        }
        if c == '/' && chars.peek() == Some(&'/') {
            for n in chars.by_ref() {
                if n == '\n' {
                    break;
                }
            }
            space = true;
            continue;
        }
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        if c == '"' {
            in_str = true;
        }
        out.push(c);
    }
    out
}

/// The differing middle of two texts, by tokens, when the rest is shared.
fn middle(old: &str, new: &str) -> Option<String> {
    let a: Vec<&str> = old.split(' ').collect();
    let b: Vec<&str> = new.split(' ').collect();
    let pre = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let suf = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take(a.len().min(b.len()) - pre)
        .take_while(|(x, y)| x == y)
        .count();
    if pre + suf == 0 {
        return None;
    }
    let x = a
        .get(pre..a.len() - suf)
        .map(|s| s.join(" "))
        .unwrap_or_default();
    let y = b
        .get(pre..b.len() - suf)
        .map(|s| s.join(" "))
        .unwrap_or_default();
    let show = |s: &str| {
        if s.is_empty() {
            "∅".to_string()
        } else {
            s.to_string()
        }
    };
    Some(format!("{} → {}", show(&x), show(&y)))
}

struct Differ<'a> {
    old: Side<'a>,
    new: Side<'a>,
    zh: bool,
    out: Vec<Change>,
}

fn text(t: &Option<Text>) -> Option<&str> {
    t.as_ref().map(|t| t.value.as_str())
}

impl Differ<'_> {
    fn w(&self, zh: &'static str, en: &'static str) -> &'static str {
        if self.zh {
            zh
        } else {
            en
        }
    }

    /// `label（cite）` or the fallback.
    fn named(&self, label: Option<&str>, cite: Option<&str>, fallback: &str) -> String {
        let base = label.unwrap_or(fallback);
        match (cite, self.zh) {
            (Some(c), true) => format!("{base}（{c}）"),
            (Some(c), false) => format!("{base} ({c})"),
            (None, _) => base.to_string(),
        }
    }

    fn join(&self, parent: &str, child: &str) -> String {
        if parent.is_empty() {
            child.to_string()
        } else {
            format!("{parent} › {child}")
        }
    }

    fn push(
        &mut self,
        kind: Kind,
        place: String,
        old: Option<(String, Span)>,
        new: Option<(String, Span)>,
    ) {
        let detail = match (&old, &new) {
            (Some((a, _)), Some((b, _))) => middle(a, b).filter(|d| d.len() < a.len() + b.len()),
            _ => None,
        };
        self.out.push(Change {
            kind,
            place,
            old_line: old.as_ref().map(|(_, s)| self.old.line(*s)),
            new_line: new.as_ref().map(|(_, s)| self.new.line(*s)),
            old: old.map(|(t, _)| t),
            new: new.map(|(t, _)| t),
            detail,
        });
    }

    /// Compare two optional pieces of text (labels, titles).
    fn texts(&mut self, place: String, a: Option<&Text>, b: Option<&Text>) {
        match (a, b) {
            (Some(x), Some(y)) if x.value == y.value => {}
            (Some(x), Some(y)) => self.push(
                Kind::Changed,
                place,
                Some((x.value.clone(), x.span)),
                Some((y.value.clone(), y.span)),
            ),
            (Some(x), None) => {
                self.push(Kind::Removed, place, Some((x.value.clone(), x.span)), None)
            }
            (None, Some(y)) => self.push(Kind::Added, place, None, Some((y.value.clone(), y.span))),
            (None, None) => {}
        }
    }

    /// Compare two optional spans of source (expressions, whole rules).
    fn spans(&mut self, place: String, a: Option<Span>, b: Option<Span>) {
        match (a, b) {
            (Some(x), Some(y)) => {
                let (ta, tb) = (self.old.canon(x), self.new.canon(y));
                if ta != tb {
                    self.push(Kind::Changed, place, Some((ta, x)), Some((tb, y)));
                }
            }
            (Some(x), None) => {
                let t = self.old.canon(x);
                self.push(Kind::Removed, place, Some((t, x)), None);
            }
            (None, Some(y)) => {
                let t = self.new.canon(y);
                self.push(Kind::Added, place, None, Some((t, y)));
            }
            (None, None) => {}
        }
    }

    /// Pair items by key (then by their text, for those left), and compare
    /// each pair with `each`; unpaired ones are added or removed. (Each
    /// closure answers one question about an item: its key, its name in
    /// the report, its source; a struct of them would only rename them.)
    #[allow(clippy::too_many_arguments)]
    fn pair<'t, T>(
        &mut self,
        parent: &str,
        old: &'t [T],
        new: &'t [T],
        key: impl Fn(&T) -> String,
        place: impl Fn(&Self, &T) -> String,
        span: impl Fn(&T) -> Span,
        mut each: impl FnMut(&mut Self, &str, &'t T, &'t T),
    ) {
        let mut used = vec![false; new.len()];
        let mut unpaired_old = Vec::new();
        for a in old {
            let k = key(a);
            let found = new
                .iter()
                .enumerate()
                .position(|(j, b)| !used.get(j).copied().unwrap_or(true) && key(b) == k);
            match found {
                Some(j) => {
                    if let (Some(u), Some(b)) = (used.get_mut(j), new.get(j)) {
                        *u = true;
                        let p = self.join(parent, &place(self, a));
                        each(self, &p, a, b);
                    }
                }
                None => unpaired_old.push(a),
            }
        }
        // Second chance: the same text under a new key (a label rewritten).
        let mut removed = Vec::new();
        for a in unpaired_old {
            let ta = self.old.canon(span(a));
            let found = new.iter().enumerate().position(|(j, b)| {
                !used.get(j).copied().unwrap_or(true) && self.new.canon(span(b)) == ta
            });
            match found {
                Some(j) => {
                    if let (Some(u), Some(b)) = (used.get_mut(j), new.get(j)) {
                        *u = true;
                        let p = self.join(parent, &place(self, b));
                        each(self, &p, a, b);
                    }
                }
                None => removed.push(a),
            }
        }
        for a in removed {
            let p = self.join(parent, &place(self, a));
            self.spans(p, Some(span(a)), None);
        }
        for (j, b) in new.iter().enumerate() {
            if !used.get(j).copied().unwrap_or(true) {
                let p = self.join(parent, &place(self, b));
                self.spans(p, None, Some(span(b)));
            }
        }
    }

    /// Pair top-level declarations by key and compare each as a whole.
    fn whole<T>(
        &mut self,
        a: &[T],
        b: &[T],
        key: impl Fn(&T) -> String,
        name: impl Fn(&T) -> String,
        span: impl Fn(&T) -> Span + Copy,
    ) {
        self.pair(
            "",
            a,
            b,
            key,
            |_, x| name(x),
            span,
            |d, p, x, y| d.spans(p.to_string(), Some(span(x)), Some(span(y))),
        );
    }

    fn meta(&mut self, a: Option<&ast::PolicyMeta>, b: Option<&ast::PolicyMeta>) {
        let (Some(a), Some(b)) = (a, b) else {
            let p = self.w("政策声明", "policy header").to_string();
            self.spans(p, a.map(|m| m.span), b.map(|m| m.span));
            return;
        };
        if a.name.name != b.name.name {
            let p = self.w("政策名", "policy name").to_string();
            self.push(
                Kind::Changed,
                p,
                Some((a.name.name.clone(), a.name.span)),
                Some((b.name.name.clone(), b.name.span)),
            );
        }
        let p = self.w("标题", "title").to_string();
        self.texts(p, a.title.as_ref(), b.title.as_ref());
        let p = self.w("来源", "source").to_string();
        self.texts(p, a.source.as_ref(), b.source.as_ref());
        let p = self.w("发布单位", "issuer").to_string();
        self.texts(p, a.issuer.as_ref(), b.issuer.as_ref());
        let p = self.w("有效期", "effective period").to_string();
        self.spans(p, a.effective.map(|e| e.2), b.effective.map(|e| e.2));
        let p = self.w("从高不重复组", "exclusive group").to_string();
        self.pair(
            "",
            &a.exclusive,
            &b.exclusive,
            |t| t.value.clone(),
            |_, t| format!("{p}「{}」", t.value),
            |t| t.span,
            |_, _, _, _| {},
        );
        let art = self.w("条文", "article");
        self.pair(
            "",
            &a.articles,
            &b.articles,
            |(c, _)| c.value.clone(),
            |_, (c, _)| format!("{art} {}", c.value),
            |(_, t)| t.span,
            |d, p, (_, x), (_, y)| d.texts(p.to_string(), Some(x), Some(y)),
        );
    }

    fn require(&mut self, parent: &str, a: &[ast::Require], b: &[ast::Require]) {
        let cond = self.w("条件", "condition");
        self.pair(
            parent,
            a,
            b,
            |r| format!("{:?}|{:?}", text(&r.cite), text(&r.label)),
            |d, r| {
                let l = text(&r.label).map(|l| format!("「{l}」"));
                format!("{cond}{}", d.named(l.as_deref(), text(&r.cite), ""))
            },
            |r| r.cond.span,
            |d, p, x, y| {
                d.spans(p.to_string(), Some(x.cond.span), Some(y.cond.span));
                d.texts(
                    format!("{p} › {}", d.w("说明", "label")),
                    x.label.as_ref(),
                    y.label.as_ref(),
                );
            },
        );
    }

    fn grant(&mut self, parent: &str, a: &ast::GrantDecl, b: &ast::GrantDecl) {
        self.texts(
            format!("{parent} › {}", self.w("名称", "label")),
            a.label.as_ref(),
            b.label.as_ref(),
        );
        self.texts(
            format!("{parent} › {}", self.w("依据", "citation")),
            a.cite.as_ref(),
            b.cite.as_ref(),
        );
        let pick = |g: &ast::GrantDecl, f: &dyn Fn(&GrantStmt) -> bool| -> Vec<GrantStmt> {
            g.body.iter().filter(|s| f(s)).cloned().collect()
        };
        // `when` and `amount` (one each).
        let when = |g: &ast::GrantDecl| {
            g.body.iter().find_map(|s| match s {
                GrantStmt::When(e) => Some(e.span),
                _ => None,
            })
        };
        let p = self.join(parent, self.w("适用情形", "applies when"));
        self.spans(p, when(a), when(b));
        let amount = |g: &ast::GrantDecl| {
            g.body.iter().find_map(|s| match s {
                GrantStmt::Amount { value, .. } => Some(value.span),
                _ => None,
            })
        };
        let p = self.join(parent, self.w("金额", "amount"));
        self.spans(p, amount(a), amount(b));
        // Conditions.
        let reqs = |g: &ast::GrantDecl| -> Vec<ast::Require> {
            g.body
                .iter()
                .filter_map(|s| match s {
                    GrantStmt::Require(r) => Some(r.clone()),
                    _ => None,
                })
                .collect()
        };
        self.require(parent, &reqs(a), &reqs(b));
        // Steps.
        let lets = |g: &ast::GrantDecl| -> Vec<ast::LetDecl> {
            g.body
                .iter()
                .filter_map(|s| match s {
                    GrantStmt::Let(l) => Some(l.clone()),
                    _ => None,
                })
                .collect()
        };
        self.lets(parent, &lets(a), &lets(b), self.w("计算步骤", "step"));
        // Caps and floors, by label (else in order).
        for (is_cap, word) in [
            (true, self.w("上限", "cap")),
            (false, self.w("下限", "floor")),
        ] {
            let f = |s: &GrantStmt| {
                if is_cap {
                    matches!(s, GrantStmt::Cap { .. })
                } else {
                    matches!(s, GrantStmt::Floor { .. })
                }
            };
            let (xa, xb) = (pick(a, &f), pick(b, &f));
            let limit = |s: &GrantStmt| match s {
                GrantStmt::Cap { limit, .. } | GrantStmt::Floor { limit, .. } => limit.span,
                _ => Span::default(),
            };
            let meta = |s: &GrantStmt| match s {
                GrantStmt::Cap { label, cite, .. } | GrantStmt::Floor { label, cite, .. } => (
                    text(label).map(str::to_string),
                    text(cite).map(str::to_string),
                ),
                _ => (None, None),
            };
            let keyed: Vec<(usize, &GrantStmt)> = xa.iter().enumerate().collect();
            let keyed_b: Vec<(usize, &GrantStmt)> = xb.iter().enumerate().collect();
            self.pair(
                parent,
                &keyed,
                &keyed_b,
                |(i, s)| match meta(s) {
                    (Some(l), _) => l,
                    (None, _) => format!("#{i}"),
                },
                |d, (_, s)| {
                    let (l, c) = meta(s);
                    let l = l.map(|l| format!("「{l}」"));
                    format!("{word}{}", d.named(l.as_deref(), c.as_deref(), ""))
                },
                |(_, s)| limit(s),
                |d, p, (_, x), (_, y)| {
                    d.spans(p.to_string(), Some(limit(x)), Some(limit(y)));
                    let unless = |s: &GrantStmt| match s {
                        GrantStmt::Cap {
                            unless: Some(u), ..
                        } => Some(u.cond.span),
                        _ => None,
                    };
                    let q = format!("{p} › {}", d.w("除外情形", "unless"));
                    d.spans(q, unless(x), unless(y));
                },
            );
        }
        // Rounding, exclusive group: one each.
        let round = |g: &ast::GrantDecl| {
            g.body.iter().find_map(|s| match s {
                GrantStmt::Round { span, .. } => Some(*span),
                _ => None,
            })
        };
        let p = self.join(parent, self.w("取整", "rounding"));
        self.spans(p, round(a), round(b));
        let excl = |g: &ast::GrantDecl| {
            g.body.iter().find_map(|s| match s {
                GrantStmt::Exclusive(t) => Some(t.clone()),
                _ => None,
            })
        };
        let p = self.join(parent, self.w("从高不重复组", "exclusive group"));
        self.texts(p, excl(a).as_ref(), excl(b).as_ref());
        // Tranches by name; halts and clawbacks by label (else order).
        let tranches = |g: &ast::GrantDecl| -> Vec<ast::TrancheDecl> {
            g.body
                .iter()
                .filter_map(|s| match s {
                    GrantStmt::Tranche(t) => Some(t.clone()),
                    _ => None,
                })
                .collect()
        };
        let word = self.w("分期", "tranche");
        self.pair(
            parent,
            &tranches(a),
            &tranches(b),
            |t| t.name.name.clone(),
            |d, t| {
                format!(
                    "{word} {}",
                    d.named(text(&t.label), text(&t.cite), &t.name.name)
                )
            },
            |t| t.span,
            |d, p, x, y| d.spans(p.to_string(), Some(x.span), Some(y.span)),
        );
        for (halt, word) in [
            (true, self.w("暂停", "halt")),
            (false, self.w("追回", "clawback")),
        ] {
            let f = |s: &GrantStmt| {
                if halt {
                    matches!(s, GrantStmt::Halt { .. })
                } else {
                    matches!(s, GrantStmt::Clawback { .. })
                }
            };
            let (xa, xb) = (pick(a, &f), pick(b, &f));
            let meta = |s: &GrantStmt| match s {
                GrantStmt::Halt {
                    label, cite, span, ..
                }
                | GrantStmt::Clawback {
                    label, cite, span, ..
                } => (
                    text(label).map(str::to_string),
                    text(cite).map(str::to_string),
                    *span,
                ),
                _ => (None, None, Span::default()),
            };
            let keyed: Vec<(usize, &GrantStmt)> = xa.iter().enumerate().collect();
            let keyed_b: Vec<(usize, &GrantStmt)> = xb.iter().enumerate().collect();
            self.pair(
                parent,
                &keyed,
                &keyed_b,
                |(i, s)| meta(s).0.unwrap_or_else(|| format!("#{i}")),
                |d, (_, s)| {
                    let (l, c, _) = meta(s);
                    format!("{word}{}", d.named(l.as_deref(), c.as_deref(), ""))
                },
                |(_, s)| meta(s).2,
                |d, p, (_, x), (_, y)| d.spans(p.to_string(), Some(meta(x).2), Some(meta(y).2)),
            );
        }
    }

    fn lets(&mut self, parent: &str, a: &[ast::LetDecl], b: &[ast::LetDecl], word: &str) {
        self.pair(
            parent,
            a,
            b,
            |l| l.name.name.clone(),
            |d, l| {
                let name = match text(&l.label) {
                    Some(lb) => format!("{} {}", l.name.name, lb),
                    None => l.name.name.clone(),
                };
                format!("{word} {}", d.named(Some(&name), text(&l.cite), ""))
            },
            |l| l.span,
            |d, p, x, y| {
                d.spans(p.to_string(), Some(x.value.span), Some(y.value.span));
                d.texts(
                    format!("{p} › {}", d.w("说明", "label")),
                    x.label.as_ref(),
                    y.label.as_ref(),
                );
            },
        );
    }

    fn file(&mut self, a: &ast::File, b: &ast::File) {
        self.meta(a.policy.as_ref(), b.policy.as_ref());
        let word = self.w("引用", "use");
        self.whole(
            &a.uses,
            &b.uses,
            self_canon_use,
            |u| format!("{word} {}", u.path.text()),
            |u| u.span,
        );
        let word = self.w("枚举", "enum");
        self.whole(
            &a.enums,
            &b.enums,
            |e| e.name.name.clone(),
            |e| format!("{word} {}", e.name.name),
            |e| e.span,
        );
        let word = self.w("记录", "record");
        self.whole(
            &a.records,
            &b.records,
            |r| r.name.name.clone(),
            |r| format!("{word} {}", r.name.name),
            |r| r.span,
        );
        let word = self.w("输入", "input");
        self.pair(
            "",
            &a.inputs,
            &b.inputs,
            |i| i.name.name.clone(),
            |d, i| format!("{word} {}", d.named(Some(&i.name.name), None, "")),
            |i| i.span,
            |d, p, x, y| {
                d.spans(
                    format!("{p} › {}", d.w("类型", "type")),
                    Some(x.ty.span),
                    Some(y.ty.span),
                );
                d.spans(
                    format!("{p} › {}", d.w("默认值", "default")),
                    x.default.as_ref().map(|e| e.span),
                    y.default.as_ref().map(|e| e.span),
                );
                d.texts(
                    format!("{p} › {}", d.w("说明", "label")),
                    x.label.as_ref(),
                    y.label.as_ref(),
                );
            },
        );
        let word = self.w("定义", "definition");
        self.lets("", &a.lets, &b.lets, word);
        let word = self.w("函数", "function");
        self.whole(
            &a.fns,
            &b.fns,
            |f| f.name.name.clone(),
            |f| format!("{word} {}", f.name.name),
            |f| f.span,
        );
        let word = self.w("表", "table");
        let row = self.w("行", "row");
        self.pair(
            "",
            &a.tables,
            &b.tables,
            |t| t.name.name.clone(),
            |d, t| {
                format!(
                    "{word} {}",
                    d.named(text(&t.label).or(Some(&t.name.name)), text(&t.cite), "")
                )
            },
            |t| t.span,
            |d, p, x, y| {
                let pats = |side: &Side<'_>, arm: &ast::Arm| {
                    arm.patterns
                        .iter()
                        .map(|pt| side.canon(pt.span()))
                        .collect::<Vec<_>>()
                        .join(" | ")
                };
                let ka: Vec<(String, &ast::Arm)> =
                    x.arms.iter().map(|r| (pats(&d.old, r), r)).collect();
                let kb: Vec<(String, &ast::Arm)> =
                    y.arms.iter().map(|r| (pats(&d.new, r), r)).collect();
                d.pair(
                    p,
                    &ka,
                    &kb,
                    |(k, _)| k.clone(),
                    |_, (k, _)| format!("{row} {k}"),
                    |(_, r)| r.body.span,
                    |d, p, (_, r1), (_, r2)| {
                        d.spans(p.to_string(), Some(r1.body.span), Some(r2.body.span))
                    },
                );
            },
        );
        let word = self.w("序列", "series");
        self.pair(
            "",
            &a.series,
            &b.series,
            |s| s.name.name.clone(),
            |_, s| format!("{word} {}", s.name.name),
            |s| s.span,
            |d, p, x, y| {
                let ka: Vec<(String, Span)> = x
                    .entries
                    .iter()
                    .map(|(dt, _, e)| (dt.to_string(), e.span))
                    .collect();
                let kb: Vec<(String, Span)> = y
                    .entries
                    .iter()
                    .map(|(dt, _, e)| (dt.to_string(), e.span))
                    .collect();
                d.pair(
                    p,
                    &ka,
                    &kb,
                    |(k, _)| k.clone(),
                    |_, (k, _)| k.clone(),
                    |(_, s)| *s,
                    |d, p, (_, s1), (_, s2)| d.spans(p.to_string(), Some(*s1), Some(*s2)),
                );
            },
        );
        // Eligibility: all blocks' conditions together (blocks only group them).
        let ra: Vec<ast::Require> = a.eligible.iter().flat_map(|e| e.requires.clone()).collect();
        let rb: Vec<ast::Require> = b.eligible.iter().flat_map(|e| e.requires.clone()).collect();
        let p = self.w("支持条件", "eligibility").to_string();
        self.require(&p, &ra, &rb);
        let word = self.w("补助", "grant");
        self.pair(
            "",
            &a.grants,
            &b.grants,
            |g| g.name.name.clone(),
            |d, g| {
                format!(
                    "{word} {}",
                    d.named(text(&g.label).or(Some(&g.name.name)), text(&g.cite), "")
                )
            },
            |g| g.span,
            |d, p, x, y| d.grant(p, x, y),
        );
        let word = self.w("资金池/名额", "pool/quota");
        self.pair(
            "",
            &a.pools,
            &b.pools,
            |p| p.name.name.clone(),
            |d, p| {
                format!(
                    "{word} {}",
                    d.named(text(&p.label).or(Some(&p.name.name)), text(&p.cite), "")
                )
            },
            |p| p.span,
            |d, p, x, y| {
                d.spans(
                    format!("{p} › {}", d.w("额度/比例", "limit/share")),
                    x.limit.as_ref().map(|e| e.span),
                    y.limit.as_ref().map(|e| e.span),
                );
                let names = |v: &[ast::Ident]| {
                    v.iter()
                        .map(|i| i.name.clone())
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                if names(&x.grants) != names(&y.grants) {
                    d.push(
                        Kind::Changed,
                        format!("{p} › {}", d.w("涉及补助", "grants")),
                        Some((names(&x.grants), x.span)),
                        Some((names(&y.grants), y.span)),
                    );
                }
                d.spans(
                    format!("{p} › {}", d.w("排序", "ranking")),
                    x.key.as_ref().map(|(e, _)| e.span),
                    y.key.as_ref().map(|(e, _)| e.span),
                );
            },
        );
    }
}

fn self_canon_use(u: &ast::Use) -> String {
    let items: Vec<&str> = u.items.iter().map(|i| i.name.as_str()).collect();
    format!("{}::{{{}}}", u.path.text(), items.join(","))
}

/// Every change from `old` to `new`, in the order of the new file's
/// declarations (removals where the old one stood).
pub fn diff(
    old: &ast::File,
    old_text: &str,
    new: &ast::File,
    new_text: &str,
    lang: Lang,
) -> Vec<Change> {
    let mut d = Differ {
        old: Side { text: old_text },
        new: Side { text: new_text },
        zh: lang == Lang::Zh,
        out: Vec::new(),
    };
    d.file(old, new);
    // A literal rewritten to the same value is not a change.
    d.out.retain(|c| {
        !(c.kind == Kind::Changed
            && c.old.is_some()
            && literal_value(c.old.as_deref()).is_some()
            && literal_value(c.old.as_deref()) == literal_value(c.new.as_deref()))
    });
    d.out
}

/// The value of a text that is a single literal (`1000万元`), if it is one.
fn literal_value(t: Option<&str>) -> Option<ast::Lit> {
    let t = t?;
    let src = format!("let x = {t}\n");
    let parsed = crate::syntax::parse(crate::span::FileId::MAX, &src);
    if parsed.diagnostics.iter().any(|d| d.is_error()) {
        return None;
    }
    match parsed.file.lets.first().map(|l| &l.value.kind) {
        Some(ExprKind::Lit(l)) => Some(l.clone()),
        _ => None,
    }
}
