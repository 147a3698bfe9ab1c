//! What the DPO reports share: the graph, the findings, the as-of date and the language, and the
//! bilingual vocabulary (kinds, roles, bases, …). `ropa` and `lists` read it; `records` builds
//! the document from them.

use super::table::Lang;
use crate::finding::{Finding, Severity};
use crate::graph::{Edge, FlowGraph, FlowKind, Node, Origin};
use crate::model::{Basis, ConsentKind, Date, Mechanism, MechanismKind, Regime, Role, taxonomy};
use crate::rules::{self, Facts};
use std::collections::BTreeSet;

/// Everything a report builder reads.
pub struct Ctx<'g, 'a> {
    pub g: &'g FlowGraph<'a>,
    pub lang: Lang,
    pub as_of: Date,
    pub mechs: Facts<'a>,
    /// Unwaived findings by target id (looked up once per flow of every row; never iterated).
    pub by_target: rustc_hash::FxHashMap<&'g str, Vec<&'g Finding>>,
    /// Edge indices of each purpose, in declaration order.
    pub purpose_edges: Vec<Vec<u32>>,
    /// The flows the organization's export-exemption note lists (`pipl-38-exempt`'s
    /// `data.flows`, under any reason): read once here, not once per record row.
    pub exempt_flows: rustc_hash::FxHashSet<String>,
}

impl<'g, 'a> Ctx<'g, 'a> {
    pub fn new(g: &'g FlowGraph<'a>, findings: &'g [Finding], as_of: Date, lang: Lang) -> Ctx<'g, 'a> {
        let mut by_target: rustc_hash::FxHashMap<&str, Vec<&Finding>> = rustc_hash::FxHashMap::default();
        for f in findings.iter().filter(|f| !f.waived) {
            by_target.entry(&*f.target).or_default().push(f);
        }
        let mut purpose_edges = vec![Vec::new(); g.inv.purposes.len()];
        for (i, e) in g.edges.iter().enumerate() {
            if let Some(v) = purpose_edges.get_mut(e.purpose as usize) {
                v.push(i as u32);
            }
        }
        let org = g.inv.organization.id.as_str();
        let exempt_flows = by_target
            .get(org)
            .into_iter()
            .flatten()
            .filter(|f| f.code == crate::rules::pipl::EXEMPT.code)
            .filter_map(|f| f.data.get("flows").and_then(|d| serde_json::to_value(d).ok()))
            .flat_map(|by_reason| match by_reason {
                serde_json::Value::Object(m) => m.into_iter().map(|(_, v)| v).collect(),
                _ => Vec::new(),
            })
            .filter_map(|ids| match ids {
                serde_json::Value::Array(a) => Some(a),
                _ => None,
            })
            .flatten()
            .filter_map(|id| id.as_str().map(str::to_owned))
            .collect();
        Ctx { g, lang, as_of, mechs: Facts::new(g), by_target, purpose_edges, exempt_flows }
    }

    pub fn t(&self, zh: &str, en: &str) -> String {
        self.lang.text(zh, en)
    }

    /// The edges of purpose `p` under `regime`.
    pub fn edges_of(&self, p: usize, regime: Regime) -> impl Iterator<Item = &'g Edge> + '_ {
        self.purpose_edges[p].iter().map(|&e| &self.g.edges[e as usize]).filter(move |e| e.regimes().has(regime))
    }

    /// Whether the organization itself falls under `regime` (for purposes with no flow).
    pub fn org_regime(&self, regime: Regime) -> bool {
        let org = &self.g.inv.organization;
        if !org.regimes.is_empty() {
            return org.regimes.contains(&regime);
        }
        match regime {
            Regime::Pipl => org.country == "CN",
            Regime::Gdpr => crate::model::is_eea(&org.country),
        }
    }

    /// Codes of the unwaived findings on these targets, with severity, deduplicated.
    pub fn findings_on<'x>(&self, targets: impl IntoIterator<Item = &'x str>, regime: Option<Regime>) -> String {
        let mut codes: BTreeSet<(std::cmp::Reverse<Severity>, &str)> = BTreeSet::new();
        for t in targets {
            for f in self.by_target.get(t).into_iter().flatten() {
                if regime.is_none() || f.regime.is_none() || f.regime == regime {
                    codes.insert((std::cmp::Reverse(f.severity), f.code));
                }
            }
        }
        super::table::join(codes.into_iter().map(|(s, c)| format!("{c} ({})", s.0.as_str())))
    }

    pub fn node_label(&self, n: petgraph::graph::NodeIndex) -> String {
        format!("{} ({})", self.node_name(n), self.g.node_countries(n).join(", "))
    }

    /// A node's name as a list prints it ([`plain_name`]).
    pub fn node_name(&self, n: petgraph::graph::NodeIndex) -> String {
        plain_name(self.g.node_name(n))
    }

    pub fn field_names(&self, fields: impl IntoIterator<Item = u32>) -> String {
        super::table::join(fields.into_iter().map(|f| self.g.inv.fields[f as usize].name.as_str()))
    }

    pub fn category(&self, key: &str) -> String {
        match taxonomy::category(key) {
            Some(c) => self.t(c.zh, c.en),
            None => key.to_owned(),
        }
    }

    /// Whether a field is sensitive, in words that never hide a departure from the category's
    /// default: a field that sets `sensitive: false` on a category sensitive by default reads
    /// "否（已覆盖默认：敏感）", so a reviewer sees the override; `children` (the data is of
    /// children under 14) makes it sensitive whatever the field says (PIPL Art. 28).
    pub fn sensitivity(&self, f: &crate::model::Field, children: bool) -> String {
        let default = taxonomy::category(&f.category).is_some_and(|c| c.sensitive);
        if children && !f.is_sensitive() {
            return self.t("是（含不满十四周岁未成年人信息）", "yes (includes data of children under 14)");
        }
        match (f.sensitive, default) {
            (Some(false), true) => self.t("否（已覆盖默认：敏感）", "no (overrides the default: sensitive)"),
            (Some(true), false) => self.t(
                "是（字段声明；类别默认不敏感）",
                "yes (declared on the field; the category's default: not sensitive)",
            ),
            _ => self.lang.yes_no(f.is_sensitive()),
        }
    }

    /// Whether a field overrides its category's sensitive default to "not sensitive".
    pub fn overrides_sensitive(f: &crate::model::Field) -> bool {
        f.sensitive == Some(false) && taxonomy::category(&f.category).is_some_and(|c| c.sensitive)
    }

    pub fn kind(&self, e: &Edge) -> String {
        if matches!(e.origin(), Origin::Sdk(_)) {
            return "SDK".into();
        }
        self.flow_kind(e.kind)
    }

    pub fn flow_kind(&self, k: FlowKind) -> String {
        match k {
            FlowKind::Collect => self.t("收集", "collect"),
            FlowKind::Internal => self.t("内部传输", "internal transfer"),
            FlowKind::Entrust => self.t("委托处理", "entrust"),
            FlowKind::Provide => self.t("向其他处理者提供", "provide"),
            FlowKind::Authority => self.t("向国家机关提供", "to an authority"),
            FlowKind::Disclose => self.t("公开", "disclose"),
            FlowKind::Receive => self.t("间接收集", "indirect collection"),
            FlowKind::Onward => self.t("第三方转交", "onward transfer"),
        }
    }

    pub fn role(&self, r: Role) -> String {
        match r {
            Role::Processor => self.t("受托人", "processor"),
            Role::Controller => self.t("其他个人信息处理者", "controller"),
            Role::Authority => self.t("国家机关", "authority"),
            Role::Public => self.t("公众", "public"),
        }
    }

    pub fn basis(&self, b: Option<Basis>) -> String {
        let Some(b) = b else { return self.t("未声明", "none declared") };
        let (zh, en) = match b {
            Basis::Consent => ("个人同意", "consent"),
            Basis::Contract => ("订立、履行合同或人力资源管理所必需", "contract"),
            Basis::LegalObligation => ("履行法定职责或法定义务所必需", "legal obligation"),
            Basis::VitalInterests => ("应对突发事件或保护生命健康财产安全所必需", "vital interests"),
            Basis::PublicTask => ("公共利益或职权", "public task"),
            Basis::LegitimateInterests => ("正当利益", "legitimate interests"),
            Basis::NewsReporting => ("新闻报道、舆论监督", "news reporting"),
            Basis::PublicInformation => ("处理已合法公开的个人信息", "lawfully public information"),
            Basis::OtherLaw => ("法律、行政法规规定的其他情形", "other law"),
        };
        self.t(zh, en)
    }

    pub fn consent_kind(&self, k: ConsentKind) -> String {
        match k {
            ConsentKind::General => self.t("一般同意", "general"),
            ConsentKind::Separate => self.t("单独同意", "separate"),
            ConsentKind::Explicit => self.t("明示同意", "explicit"),
            ConsentKind::Guardian => self.t("监护人同意", "guardian"),
        }
    }

    pub fn mechanism_kind(&self, k: MechanismKind) -> String {
        match k {
            MechanismKind::CnSecurityAssessment => self.t("数据出境安全评估", "CAC security assessment"),
            MechanismKind::CnStandardContract => self.t("个人信息出境标准合同", "CN standard contract"),
            MechanismKind::CnCertification => self.t("个人信息保护认证", "CN certification"),
            MechanismKind::EuScc => self.t("欧盟标准合同条款", "EU SCC"),
            MechanismKind::EuBcr => self.t("约束性公司规则", "BCR"),
            MechanismKind::EuDerogation => self.t("第49条特定情形", "Art. 49 derogation"),
        }
    }

    pub fn mechanism(&self, m: &Mechanism) -> String {
        let mut s = format!("{} `{}`", self.mechanism_kind(m.kind), m.id);
        if let Some(r) = &m.reference {
            s.push_str(&format!(" ({r})"));
        }
        if let Some(d) = m.valid_until {
            let word = if rules::valid(m, self.as_of) {
                self.t("有效至", "valid until")
            } else {
                self.t("已过期", "expired")
            };
            s.push_str(&format!(" [{word} {d}]"));
        }
        s
    }

    /// The valid mechanisms of `regime` covering an edge.
    pub fn mechanisms(&self, e: &Edge, regime: Regime) -> Vec<&'a Mechanism> {
        self.mechs
            .mechanisms_for(self.g, e)
            .into_iter()
            .filter(|m| rules::is_cn_kind(m.kind) == (regime == Regime::Pipl))
            .collect()
    }

    /// The own systems an edge touches.
    pub fn systems_of(&self, e: &Edge) -> impl Iterator<Item = u32> {
        let ends = [self.g.graph[e.from], self.g.graph[e.to]];
        ends.into_iter().filter_map(|n| if let Node::System(i) = n { Some(i) } else { None })
    }

    /// The findings' targets of an edge: its flow or sdk id.
    pub fn target(&self, e: &Edge) -> &'a str {
        self.g.edge_target(e)
    }
}

/// A name as a list prints it: 【】 that a policy puts around a product's name as typographic
/// quotes (`【弹性定价开源共创】平台`) are dropped, as a DPO writes the name in a table. Only a
/// balanced pair is dropped; anything else is kept as written.
pub fn plain_name(name: &str) -> String {
    let open = name.matches('【').count();
    if open == 0 || open != name.matches('】').count() {
        return name.to_owned();
    }
    let mut depth = 0usize;
    for c in name.chars() {
        match c {
            '【' => depth += 1,
            '】' if depth == 0 => return name.to_owned(),
            '】' => depth -= 1,
            _ => {}
        }
    }
    name.replace(['【', '】'], "")
}

/// Whether an edge starts at an own system (used by the lists).
pub fn from_system(ctx: &Ctx, e: &Edge) -> bool {
    matches!(ctx.g.graph[e.from], Node::System(_))
}

#[cfg(test)]
mod tests {
    use super::plain_name;

    #[test]
    fn typographic_brackets_are_dropped_only_when_balanced() {
        assert_eq!(plain_name("【弹性定价开源共创】平台（含后台与数据库）"), "弹性定价开源共创平台（含后台与数据库）");
        assert_eq!(plain_name("【A】与【B】"), "A与B");
        assert_eq!(plain_name("】A【"), "】A【");
        assert_eq!(plain_name("【A"), "【A");
        assert_eq!(plain_name("Plain name"), "Plain name");
    }
}
