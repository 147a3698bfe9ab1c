//! `notice-check`: read a published notice against the inventory and report where they disagree.
//!
//! Matching is deliberately generous where a miss would be a false accusation (a field counts as
//! mentioned when the notice uses its name or any usual word for its category; a party when any
//! part of its Chinese or English name appears) and strict where the notice is read as claiming
//! something (a collection or a transfer counts only in a sentence that states it, not in one that
//! negates it or makes it conditional: "如需跨境传输，我们将……" announces nothing).

use super::lexicon::{self, LEXICON};
use super::text::{Notice, normalize};
use crate::finding::{Finding, finalize};
use crate::graph::{FlowGraph, FlowKind, Origin};
use crate::model::{Date, Loc, Role};
use crate::rules::notice::*;
use std::collections::{BTreeMap, BTreeSet};

/// Words that make a sentence state a collection.
const COLLECT_VERBS: &[&str] = &[
    "收集",
    "采集",
    "获取",
    "提供",
    "提交",
    "填写",
    "记录",
    "读取",
    "调用",
    "上传",
    "收取",
    "获得",
    "需要您",
    "collect",
    "obtain",
    "gather",
    "record",
    "provide",
    "submit",
    "ask for",
    "ask you",
    "access",
    "receive",
];
/// Words that negate what follows in their clause.
const NEGATIONS: &[&str] = &[
    "不会",
    "不得",
    "不收集",
    "不采集",
    "不获取",
    "不需要",
    "无需",
    "不涉及",
    "并不",
    "不要求",
    "不包括",
    "不包含",
    "没有",
    "绝不",
    "不向",
    "不将",
    "不存在",
    "not",
    "never",
    "no",
    "don't",
    "won't",
    "neither",
    "nor",
    "without",
];
/// Words that make the rest of their sentence a condition, not a statement.
const CONDITIONALS: &[&str] = &[
    "如果",
    "如需",
    "如涉及",
    "如因",
    "如有",
    "如您",
    "如我们",
    "如在",
    "若",
    "假如",
    "一旦",
    "倘若",
    "如发生",
    "if",
    "should",
    "in case",
    "in the event",
    "where we",
    "where it",
];
/// Words that say data goes abroad.
const TRANSFER_TERMS: &[&str] = &[
    "境外",
    "出境",
    "跨境",
    "海外",
    "国外",
    "中国以外",
    "outside china",
    "outside mainland china",
    "outside the prc",
    "outside the people's republic",
    "abroad",
    "cross-border",
    "overseas",
    "international transfer",
];
/// Verbs that make a sentence about abroad a statement about moving data.
const TRANSFER_VERBS: &[&str] = &[
    "传输",
    "传送",
    "提供",
    "转移",
    "存储",
    "存放",
    "储存",
    "保存",
    "发送",
    "访问",
    "出境",
    "共享",
    "处理",
    "transfer",
    "send",
    "store",
    "stored",
    "process",
    "processed",
    "access",
    "share",
    "shared",
    "hosted",
];
/// Places that mean "in China" in a storage statement.
const IN_CHINA: &[&str] = &[
    "境内",
    "中国大陆",
    "中国内地",
    "中华人民共和国",
    "in china",
    "within china",
    "mainland china",
    "in the prc",
    "people's republic of china",
];
const STORE_VERBS: &[&str] = &["存储", "存放", "储存", "保存", "store", "stored", "kept", "hosted", "located"];
/// What a statement about sensitive PI says.
const SENSITIVE_MARKERS: &[&str] = &[
    "敏感个人信息",
    "个人敏感信息",
    "敏感信息",
    "单独同意",
    "单独授权",
    "必要性",
    "对您的影响",
    "个人权益的影响",
    "权益造成",
    "sensitive personal",
    "sensitive data",
    "sensitive information",
    "separate consent",
    "explicit consent",
    "necessity",
    "impact on",
];
const RETENTION_MARKERS: &[&str] = &[
    "保存期限",
    "保留期限",
    "存储期限",
    "储存期限",
    "保存期",
    "保留期",
    "保存时间",
    "保留时间",
    "存储时间",
    "留存",
    "保留您的",
    "保存您的",
    "删除或匿名化",
    "匿名化处理",
    "retention",
    "retain",
    "kept for",
    "stored for",
    "keep your",
    "keep personal",
];
const AFFILIATE_WORDS: &[&str] =
    &["关联公司", "关联方", "关联企业", "关联机构", "affiliate", "affiliates", "affiliated companies"];
/// Bigrams too common in field names to show that a sentence is about one field.
const STOP_BIGRAMS: &[&str] = &["个人", "人信", "信息", "相关", "您的", "我们", "提供", "使用", "服务"];
const STOP_WORDS: &[&str] =
    &["the", "and", "you", "your", "our", "for", "with", "from", "information", "data", "when", "that"];
const CHILDREN_MARKERS: &[&str] = &[
    "儿童",
    "未成年",
    "不满十四",
    "不满14",
    "14周岁",
    "十四周岁",
    "监护人",
    "child",
    "children",
    "minor",
    "minors",
    "under 14",
    "under the age",
    "guardian",
    "parental",
];

/// Run every `notice-*` rule. `notice_file` is the notice's index among the run's source files.
pub fn check(g: &FlowGraph, notice: &Notice, notice_file: u32, as_of: Date) -> Vec<Finding> {
    let cx = Cx { g, n: notice, file: notice_file };
    let mut out = Vec::new();
    cx.handler(&mut out);
    cx.fields(&mut out);
    cx.extras(&mut out);
    cx.recipients(&mut out);
    cx.sdks(&mut out);
    cx.cross_border(&mut out);
    cx.retention(&mut out);
    cx.children(&mut out);
    let mut found = finalize(out, g.inv, as_of, &crate::rules::integrity::WAIVER_EXPIRED);
    // Expired waivers are `piflow check`'s to report; here they would only repeat it.
    found.retain(|f| f.code.starts_with("notice-"));
    found
}

struct Cx<'a, 'g> {
    g: &'a FlowGraph<'g>,
    n: &'a Notice,
    file: u32,
}

/// The ways a notice may write a name: the whole, without its parenthesis, each part between
/// separators (`/`, `、`, `；`, `及` …), and each without a company-form suffix. All normalized;
/// too-short parts (one Chinese character, two Latin letters) are dropped.
pub fn name_variants(name: &str) -> Vec<String> {
    let (norm, _) = normalize(name);
    // The name without its parentheses, and each parenthesis on its own when it is long enough
    // to be a name (`（北京）` is a place, not a company).
    let mut whole = vec![norm.clone()];
    let mut without_paren = String::new();
    let mut inner = String::new();
    let mut depth = 0;
    for c in norm.chars() {
        match c {
            '(' | '（' | '[' | '【' => depth += 1,
            ')' | '）' | ']' | '】' => {
                depth = (depth - 1).max(0);
                if depth == 0 {
                    if inner.chars().filter(|c| !c.is_ascii()).count() >= 4 || inner.len() >= 5 {
                        whole.push(std::mem::take(&mut inner));
                    }
                    inner.clear();
                }
            }
            _ if depth == 0 => without_paren.push(c),
            _ => inner.push(c),
        }
    }
    // The name as written stays a variant too: a notice that copies the entity's full name,
    // `支付宝（中国）网络技术有限公司`, names it, whatever its parenthesis holds.
    if without_paren != norm {
        whole.push(without_paren);
    }
    let mut out = BTreeSet::new();
    for w in &whole {
        for part in w.split(['/', '、', '<', '>', '"', ',', ';', '|', '及', '或', '：', ':']) {
            for p in part.split(" and ").chain(part.split(" or ")) {
                let p = p.trim_matches(|c: char| c.is_whitespace() || c.is_ascii_punctuation() && c != '@');
                for v in [p, strip_company_form(p)] {
                    let v = v.trim();
                    let wide = v.chars().filter(|c| !c.is_ascii()).count();
                    let narrow = v.chars().filter(char::is_ascii_alphanumeric).count();
                    if wide >= 2 || narrow >= 3 || (wide >= 1 && narrow >= 1) {
                        out.insert(v.to_owned());
                    }
                }
            }
        }
    }
    out.into_iter().collect()
}

/// E-mail addresses, URLs and phone numbers inside a free-text contact: a notice quotes those
/// exactly even when it words the rest differently.
fn contact_tokens(contact: &str) -> Vec<String> {
    contact
        .split(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '@' | '.' | '-' | '_' | '+' | '/' | ':')))
        .map(|t| t.trim_matches(['.', '-', ':', '/']))
        .filter(|t| {
            t.contains('@') || t.contains('.') && t.len() >= 6 || t.chars().filter(char::is_ascii_digit).count() >= 7
        })
        .map(|t| t.to_ascii_lowercase())
        .collect()
}

/// Whether one sentence of the notice is about this field even though it words the name
/// differently ("您停留在页面的时间" for `页面停留时间`): it holds at least 60% (and three) of the
/// name's telling character pairs, or two thirds (and two) of its telling English words.
fn fuzzy_mention(n: &Notice, name: &str) -> Option<usize> {
    let (norm, _) = normalize(name);
    let chars: Vec<char> = norm.chars().collect();
    let bigrams: BTreeSet<String> = chars
        .windows(2)
        .filter(|w| !w[0].is_ascii() && !w[1].is_ascii() && w[0] != '的' && w[1] != '的')
        .map(|w| w.iter().collect::<String>())
        .filter(|b| !STOP_BIGRAMS.contains(&b.as_str()) && b.chars().all(char::is_alphanumeric))
        .collect();
    let words: BTreeSet<&str> =
        norm.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| w.len() >= 3 && !STOP_WORDS.contains(w)).collect();
    let mut start = 0;
    while start < n.norm.len() {
        let s = n.sentence(start);
        if s.end <= start {
            break;
        }
        let text = &n.norm[s.clone()];
        let hits = bigrams.iter().filter(|b| text.contains(b.as_str())).count();
        let word_hits = words.iter().filter(|w| !super::text::find_all(text, w).is_empty()).count();
        if (bigrams.len() >= 3 && hits * 10 >= bigrams.len() * 6)
            || (words.len() >= 2 && word_hits * 3 >= words.len() * 2)
        {
            return Some(s.start);
        }
        start = s.end;
    }
    None
}

/// Company forms that end a legal entity's name, longest first where one ends another.
const COMPANY_FORMS: &[&str] = &[
    "股份有限公司",
    "有限责任公司",
    "有限公司",
    "集团公司",
    "集团",
    "公司",
    "co., ltd.",
    "co.,ltd.",
    "co., ltd",
    "co.,ltd",
    "ltd.",
    "ltd",
    "limited",
    "inc.",
    "inc",
    "llc",
    "gmbh",
    "corporation",
    "corp.",
    "s.a.",
    "b.v.",
    "pte. ltd.",
    "pte ltd",
];

fn strip_company_form(s: &str) -> &str {
    let mut s = s.trim().trim_end_matches([',', '.', ' ']);
    loop {
        let before = s;
        for f in COMPANY_FORMS {
            if let Some(rest) = s.strip_suffix(f) {
                s = rest.trim_end_matches([',', '.', ' ']);
            }
        }
        if s == before {
            return s;
        }
    }
}

/// What, written right after a data term, makes it name something else: a right (肖像权, 姓名权,
/// "portrait right"), a setting (位置设定, 定位开关). A permission (权限) is handled apart: it
/// says where data comes from, so it names the field but claims no collection.
const NOT_DATA_AFTER: &[&str] = &["权", "设定", "设置", "开关", " right", " setting", " toggle"];

/// Whether the term at `at` (of `len` bytes) of `norm` is the first part of a word that names a
/// right or a setting, not a datum.
fn names_right_or_setting(norm: &str, at: usize, len: usize) -> bool {
    let rest = &norm[at + len..];
    NOT_DATA_AFTER.iter().any(|w| rest.starts_with(w) && !(*w == "权" && rest.starts_with("权限")))
}

/// Where a legal entity's name ends: its company form, as [`strip_company_form`] knows them.
fn entity_end(window: &str) -> Option<usize> {
    COMPANY_FORMS.iter().filter_map(|f| super::text::find_all(window, f).first().map(|&p| p + f.len())).min()
}

/// What may stand between a brand and its company form inside one entity's name: a place in
/// parentheses, a line of business (`腾讯科技（北京）有限公司`, `Google Ireland Limited`), but no
/// clause break and none of the words that start the next part of a sentence.
fn entity_window(rest: &str) -> &str {
    const STOPS: &[&str] = &[
        "，", ",", "。", "；", ";", "、", "：", ":", "\n", "和", "与", "及", "或", "的", "将", "向", "给", "对", "等",
        "提供", "收集", " and ", " or ", " to ", " with ", " will ", " may ", " for ", " by ", " is ", " which ",
        " that ",
    ];
    let mut end = rest.len().min(48);
    while !rest.is_char_boundary(end) {
        end -= 1;
    }
    for s in STOPS {
        if let Some(p) = rest[..end].find(s) {
            end = p;
        }
    }
    &rest[..end]
}

/// A legal entity's name as compared: normalized, parentheses and spaces dropped when `loose`.
fn entity_key(name: &str, loose: bool) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    for c in name.chars() {
        match c {
            '(' | '（' => {
                depth += 1;
                if !loose {
                    out.push('(');
                }
            }
            ')' | '）' => {
                depth = depth.saturating_sub(1);
                if !loose {
                    out.push(')');
                }
            }
            c if c.is_whitespace() => {}
            _ if loose && depth > 0 => {}
            c => out.push(c),
        }
    }
    out
}

fn contains_any(hay: &str, words: &[&str]) -> bool {
    words.iter().any(|w| !super::text::find_all(hay, w).is_empty())
}

impl Cx<'_, '_> {
    fn loc(&self, at: usize) -> Loc {
        self.loc_of(at, 0)
    }

    /// Where a match of `len` bytes of the normalized text is in the file, to the column.
    fn loc_of(&self, at: usize, len: usize) -> Loc {
        let p = self.n.locate(at, len);
        Loc { file: self.file, offset: p.offset as u32, line: p.line, col: p.col }
    }

    fn top(&self) -> Loc {
        Loc { file: self.file, offset: 0, line: 1, col: 1 }
    }

    /// First position where the notice uses any of these names.
    fn first_of(&self, names: &[String]) -> Option<usize> {
        names.iter().filter_map(|v| self.n.find(v).first().copied()).min()
    }

    /// First position where the notice names this party (or vendor) by any of its name's
    /// variants — except where the words found are the start of a *different* legal entity's
    /// name: a party named as an entity (`腾讯科技（深圳）有限公司`, `Google LLC`) is not named by
    /// `腾讯科技（北京）有限公司` or `Google Ireland Limited`, which share its brand. A brand alone
    /// (`Google`) still counts, as a reader would take it.
    fn names_party(&self, name: &str) -> Option<usize> {
        let ours = normalize(name).0;
        let entity = strip_company_form(&ours).len() < ours.trim_end_matches([',', '.', ' ']).len();
        let (strict, loose) = (entity_key(&ours, false), entity_key(&ours, true));
        let mut best: Option<usize> = None;
        for v in name_variants(name) {
            // A variant that is itself an entity's name (ending in its company form) names ours.
            let whole = strip_company_form(&v).len() < v.len();
            for at in self.n.find(&v) {
                if best.is_some_and(|b| b <= at) {
                    break;
                }
                let found = if entity && !whole {
                    let rest = &self.n.norm[at + v.len()..];
                    let window = entity_window(rest);
                    match entity_end(window) {
                        None => true,
                        Some(end) => {
                            let theirs = &self.n.norm[at..at + v.len() + end];
                            let (ts, tl) = (entity_key(theirs, false), entity_key(theirs, true));
                            // The same entity, written with or without its place in parentheses.
                            ts == strict || (tl == loose && (ts == tl || strict == loose))
                        }
                    }
                } else {
                    true
                };
                if found {
                    best = Some(at);
                    break;
                }
            }
        }
        best
    }

    /// The clause (up to `,` `;` `:` or the sentence start) before `at`, and whether it negates.
    fn negated(&self, at: usize) -> bool {
        let s = self.n.sentence(at);
        let before = &self.n.norm[s.start..at];
        let clause = before.rsplit([',', ';', ':', '，', '；']).next().unwrap_or(before);
        contains_any(clause, NEGATIONS)
    }

    /// Whether the sentence holding `at` puts a condition before it.
    fn conditional(&self, at: usize) -> bool {
        let s = self.n.sentence(at);
        let before = &self.n.norm[s.start..at];
        contains_any(before, CONDITIONALS)
    }

    /// Whether the words at `at` are stated as collected: their sentence says so, or they are a
    /// table cell under a column headed so (an SDK list's "收集个人信息" column).
    fn states_collection(&self, at: usize) -> bool {
        self.sentence_has(at, COLLECT_VERBS) || self.n.column_header(at).is_some_and(|h| contains_any(h, COLLECT_VERBS))
    }

    fn sentence_has(&self, at: usize, words: &[&str]) -> bool {
        let s = self.n.sentence(at);
        contains_any(&self.n.norm[s], words)
    }

    fn handler(&self, out: &mut Vec<Finding>) {
        let org = &self.g.inv.organization;
        // Named as itself, not as another entity of its group.
        let named = self.names_party(&org.name).is_some();
        let contact = org.contact.as_deref().map(|c| {
            let mut v: Vec<String> = c
                .split(['；', ';', ',', '，', '、', '\n'])
                .flat_map(name_variants)
                .filter(|v| v.chars().count() >= 4)
                .collect();
            v.extend(contact_tokens(c));
            v
        });
        let reachable = contact.as_ref().is_none_or(|v| self.first_of(v).is_some());
        let mut missing = Vec::new();
        if !named {
            missing.push(format!("its name `{}`", org.name));
        }
        if !reachable {
            missing.push(format!("its contact `{}`", org.contact.as_deref().unwrap_or_default()));
        }
        if !missing.is_empty() {
            out.push(
                Finding::new(
                    &HANDLER,
                    org.id.clone(),
                    self.top(),
                    format!("the notice never gives the handler's {}", missing.join(" or ")),
                )
                .with("missing", missing),
            );
        }
    }

    /// Every way the notice may name a field: its own name's variants, then its category's words.
    fn field_terms(&self, field: &crate::model::Field) -> Vec<String> {
        let mut terms = name_variants(&field.name);
        if let Some(e) = lexicon::entry(&field.category) {
            terms.extend(e.terms.iter().map(|t| lexicon::term(t).0.to_owned()));
        }
        terms
    }

    fn fields(&self, out: &mut Vec<Finding>) {
        let inv = self.g.inv;
        for (i, field) in inv.fields.iter().enumerate() {
            if !self.g.field_used[i] {
                continue;
            }
            let terms = self.field_terms(field);
            let norm = &self.n.norm;
            let mut mentions: Vec<usize> = terms
                .iter()
                .flat_map(|t| self.n.find(t).into_iter().filter(|&at| !names_right_or_setting(norm, at, t.len())))
                .collect();
            if mentions.is_empty() {
                mentions.extend(fuzzy_mention(self.n, &field.name));
            }
            let Some(&first) = mentions.iter().min() else {
                out.push(
                    Finding::new(
                        &FIELD_UNMENTIONED,
                        field.id.clone(),
                        field.loc,
                        format!(
                            "`{}` ({}) is processed but the notice never names it, nor any usual word for {}",
                            field.name, field.category, field.category
                        ),
                    )
                    .with("category", field.category.clone()),
                );
                continue;
            };
            if !field.is_sensitive() {
                continue;
            }
            let stated = mentions.iter().any(|&at| {
                let p = self.n.paragraph(at);
                contains_any(&self.n.norm[p], SENSITIVE_MARKERS)
            });
            if !stated {
                let line = self.n.position(first).line;
                out.push(
                    Finding::new(
                        &SENSITIVE_NO_STATEMENT,
                        field.id.clone(),
                        self.loc(first),
                        format!(
                            "the notice names sensitive `{}` (line {line}) without saying it is sensitive, why it is necessary or how separate consent is asked",
                            field.name
                        ),
                    )
                    .with("line", line),
                );
            }
        }
    }

    fn extras(&self, out: &mut Vec<Finding>) {
        let inv = self.g.inv;
        let used: BTreeSet<&str> = inv
            .fields
            .iter()
            .enumerate()
            .filter(|(i, _)| self.g.field_used[*i])
            .map(|(_, f)| f.category.as_str())
            .collect();
        let field_names: Vec<String> = inv.fields.iter().map(|f| normalize(&f.name).0).collect();
        // Every lexicon match in the notice; overlapping matches keep the longest (IP地址 over 地址).
        let mut matches: Vec<(usize, usize, &str, bool, &str, bool)> = Vec::new();
        for e in LEXICON {
            for raw in e.terms {
                let (t, strong) = lexicon::term(raw);
                for at in self.n.find(t) {
                    matches.push((at, at + t.len(), e.key, strong, t, lexicon::exact(raw)));
                }
            }
        }
        matches.sort_by(|a, b| a.0.cmp(&b.0).then((b.1 - b.0).cmp(&(a.1 - a.0))).then(b.3.cmp(&a.3)));
        let mut kept = Vec::new();
        let mut end = 0;
        for m in matches {
            if m.0 >= end {
                end = m.1;
                kept.push(m);
            }
        }
        let mut claims: BTreeMap<&str, Vec<(usize, &str)>> = BTreeMap::new();
        for (at, _, key, strong, term, exact) in kept {
            if !strong || key == "other" {
                continue;
            }
            let has = used.contains(key)
                || (!exact && lexicon::family(key).iter().any(|k| used.contains(k)))
                || field_names.iter().any(|n| n.contains(term));
            // "开启通讯录权限" asks for a permission; what it yields is said elsewhere. "肖像权" is
            // a right and "位置设定" a setting: neither is a datum.
            let permission = ["权限", " permission"].iter().any(|p| self.n.norm[at + term.len()..].starts_with(p));
            let not_data = names_right_or_setting(&self.n.norm, at, term.len());
            if has || permission || not_data || !self.states_collection(at) || self.negated(at) {
                continue;
            }
            claims.entry(key).or_default().push((at, term));
        }
        for (key, list) in claims {
            let (at, term) = list[0];
            let lines: BTreeSet<u32> = list.iter().map(|(a, _)| self.n.position(*a).line).collect();
            let line = self.n.position(at).line;
            out.push(
                Finding::new(
                    &FIELD_EXTRA,
                    key,
                    self.loc_of(at, term.len()),
                    format!(
                        "the notice says `{term}` is collected (line {line}) but the inventory has no field of category {key}"
                    ),
                )
                .with("term", term)
                .with("lines", lines.into_iter().collect::<Vec<_>>()),
            );
        }
    }

    fn recipients(&self, out: &mut Vec<Finding>) {
        let g = self.g;
        let mut seen = BTreeSet::new();
        for e in &g.edges {
            let Origin::Flow(_) = e.origin() else { continue };
            if !matches!(e.kind, FlowKind::Entrust | FlowKind::Provide | FlowKind::Onward) {
                continue;
            }
            let Some(party) = g.party(e.to) else { continue };
            if matches!(party.role, Role::Authority | Role::Public) || !seen.insert(party.id.as_str()) {
                continue;
            }
            let mut names: Vec<String> = party.hosts.iter().map(|h| normalize(h.trim_start_matches("*.")).0).collect();
            // An inventory that models "our affiliates" as one party (its name says so) is matched
            // by a notice that names them the same collective way; a named affiliate company is not.
            let collective = normalize(&party.name).0;
            if party.affiliate && AFFILIATE_WORDS.iter().any(|w| collective.contains(w)) {
                names.extend(AFFILIATE_WORDS.iter().map(|w| (*w).to_owned()));
            }
            if self.names_party(&party.name).is_none() && self.first_of(&names).is_none() {
                let role = match party.role {
                    Role::Processor => "entrusted processor",
                    _ => "recipient handler",
                };
                out.push(
                    Finding::new(
                        &RECIPIENT_UNNAMED,
                        party.id.clone(),
                        party.loc,
                        format!("{role} `{}` receives personal information but the notice never names it", party.name),
                    )
                    .with("role", party.role.as_str()),
                );
            }
        }
    }

    fn sdks(&self, out: &mut Vec<Finding>) {
        let inv = self.g.inv;
        for sdk in &inv.sdks {
            let mut names = name_variants(&sdk.name);
            let vendor_named = self
                .g
                .node_of(&sdk.vendor)
                .and_then(|node| self.g.party(node))
                .is_some_and(|vendor| self.names_party(&vendor.name).is_some());
            for p in &sdk.packages {
                let coord = p.split_once(':').map_or(p.as_str(), |(_, c)| c);
                names.push(normalize(coord).0);
                // A Maven group (`com.umeng.umsdk`) names the vendor; an artifact (`common`) may not.
                if let Some((group, _)) = coord.split_once(':').filter(|(g, _)| g.contains('.')) {
                    names.push(normalize(group).0);
                }
            }
            names.extend(sdk.hosts.iter().map(|h| normalize(h.trim_start_matches("*.")).0));
            if !vendor_named && self.first_of(&names).is_none() {
                out.push(Finding::new(
                    &SDK_UNNAMED,
                    sdk.id.clone(),
                    sdk.loc,
                    format!(
                        "sdk `{}` (vendor `{}`) collects personal information but the notice never names it",
                        sdk.name, sdk.vendor
                    ),
                ));
            }
        }
    }

    fn cross_border(&self, out: &mut Vec<Finding>) {
        let g = self.g;
        // Statements in the notice: transfers it announces, and storage in China it promises.
        let mut announced: Vec<usize> = Vec::new();
        let mut stays: Vec<usize> = Vec::new();
        for t in TRANSFER_TERMS {
            for at in self.n.find(t) {
                if !self.sentence_has(at, TRANSFER_VERBS) {
                    continue;
                }
                if self.negated(at) {
                    stays.push(at);
                } else if !self.conditional(at) {
                    announced.push(at);
                }
            }
        }
        for t in IN_CHINA {
            for at in self.n.find(t) {
                if self.sentence_has(at, STORE_VERBS) && !self.conditional(at) {
                    stays.push(at);
                }
            }
        }
        announced.sort_unstable();
        stays.sort_unstable();
        let exports: Vec<_> = g.edges.iter().filter(|e| e.cn_export() || e.eea_transfer()).collect();
        if exports.is_empty() {
            if let Some(&at) = announced.first() {
                let line = self.n.position(at).line;
                let lines: BTreeSet<u32> = announced.iter().map(|&a| self.n.position(a).line).collect();
                out.push(
                    Finding::new(
                        &CROSS_BORDER_EXTRA,
                        g.inv.organization.id.clone(),
                        self.loc(at),
                        format!("the notice announces a transfer abroad (line {line}) but no flow of the inventory leaves the country"),
                    )
                    .with("lines", lines.into_iter().collect::<Vec<_>>()),
                );
            }
            return;
        }
        if !announced.is_empty() {
            return;
        }
        for e in exports {
            // A sentence that sends data to the destination country by name discloses it too.
            let named = g.node_countries(e.to).iter().filter_map(|c| super::country_name(c)).any(|(zh, en)| {
                let en = normalize(en.trim_start_matches("the ")).0;
                [zh, en.as_str()].iter().any(|name| {
                    self.n
                        .find(name)
                        .into_iter()
                        .any(|at| self.sentence_has(at, TRANSFER_VERBS) && !self.negated(at) && !self.conditional(at))
                })
            });
            if named {
                continue;
            }
            let dest = g.node_id(e.to);
            let countries = g.node_countries(e.to).join(", ");
            let f = match stays.first() {
                Some(&at) => {
                    let line = self.n.position(at).line;
                    Finding::new(
                        &CROSS_BORDER_UNDISCLOSED,
                        g.edge_target(e),
                        self.loc(at),
                        format!(
                            "the notice says data stays in the country (line {line}), but {} sends {} to `{dest}` in {countries}",
                            crate::rules::edge_label(g, e),
                            crate::rules::list(&crate::rules::field_ids(g, g.fields(e)))
                        ),
                    )
                    .with("line", line)
                }
                None => Finding::new(
                    &CROSS_BORDER_UNDISCLOSED,
                    g.edge_target(e),
                    crate::rules::edge_loc(g, e),
                    format!(
                        "{} sends data to `{dest}` in {countries} but the notice never mentions a transfer abroad",
                        crate::rules::edge_label(g, e)
                    ),
                ),
            };
            out.push(f.with("to", g.node_name_id(e.to)).with("country", countries));
        }
    }

    fn retention(&self, out: &mut Vec<Finding>) {
        if !contains_any(&self.n.norm, RETENTION_MARKERS) {
            out.push(Finding::new(
                &RETENTION_MISSING,
                self.g.inv.organization.id.clone(),
                self.top(),
                "the notice never says how long personal information is kept".to_owned(),
            ));
        }
    }

    fn children(&self, out: &mut Vec<Finding>) {
        let kids: Vec<&str> = self.g.inv.subjects.iter().filter(|s| s.children).map(|s| s.id.as_str()).collect();
        if !kids.is_empty() && !contains_any(&self.n.norm, CHILDREN_MARKERS) {
            let inv = self.g.inv;
            let first = inv.subjects.iter().find(|s| s.children).map_or(inv.organization.loc, |s| s.loc);
            out.push(
                Finding::new(
                    &CHILDREN_MISSING,
                    kids[0],
                    first,
                    format!(
                        "subject group{} {} include{} children, but the notice has no rules for children's data",
                        if kids.len() == 1 { "" } else { "s" },
                        crate::rules::list(&kids.iter().map(|s| s.to_string()).collect::<Vec<_>>()),
                        if kids.len() == 1 { "s" } else { "" }
                    ),
                )
                .with("subjects", kids),
            );
        }
    }
}
