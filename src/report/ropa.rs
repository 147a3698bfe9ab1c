//! Records of processing: the organization (controller / handler) facts, the GDPR Art. 30(1)
//! record and the PIPL processing record (Art. 55/56), one row per purpose under each regime
//! that governs it (a purpose under both regimes has a row in each, since bases, recipients'
//! status and transfer rules differ).

use super::context::{Ctx, plain_name};
use super::table::{Column, Table, col, join};
use crate::graph::{Edge, FlowKind, Origin};
use crate::model::{Purpose, Regime, adequacy};
use crate::rules::{self, pipl::Tier, pipl::TierKind};
use petgraph::graph::NodeIndex;
use rustc_hash::FxHashMap;
use std::collections::BTreeSet;

/// The organization table: Art. 30(1)(a) and PIPL Art. 17/52/53 facts, and the export tier.
pub fn organization(ctx: &Ctx) -> Table {
    let org = &ctx.g.inv.organization;
    let none = || ctx.t("未指定", "not named");
    let opt = |v: &Option<String>| v.clone().unwrap_or_else(none);
    // Unknown is unknown: an absent officer or CIIO status is "not stated", never "no".
    let not_stated = || ctx.t("未说明", "not stated");
    let regimes: Vec<&str> = Regime::ALL
        .into_iter()
        .filter(|&r| ctx.g.edges.iter().any(|e| e.regimes().has(r)))
        .map(|r| r.as_str())
        .collect();
    let mut rows = vec![
        vec![ctx.t("名称", "Name"), org.name.clone()],
        vec![ctx.t("标识", "Identifier"), org.id.clone()],
        vec![ctx.t("所在国家/地区", "Country"), org.country.clone()],
        vec![ctx.t("联系方式", "Contact"), opt(&org.contact)],
        vec![
            ctx.t("个人信息保护负责人（数据保护官）", "PI protection officer / DPO"),
            org.officer.clone().unwrap_or_else(not_stated),
        ],
        vec![ctx.t("境内代表或欧盟代表", "Representative (PIPL Art. 53 / GDPR Art. 27)"), opt(&org.representative)],
        vec![
            ctx.t("关键信息基础设施运营者", "Critical information infrastructure operator"),
            org.ciio.map_or_else(not_stated, |c| ctx.lang.yes_no(c)),
        ],
        vec![
            ctx.t("适用法规", "Regimes that apply"),
            if regimes.is_empty() { ctx.t("无", "none") } else { join(regimes) },
        ],
    ];
    let total: u64 = ctx.g.inv.subjects.iter().filter_map(|s| s.volume).fold(0, u64::saturating_add);
    // Absent is unknown, never zero: a sum with a missing volume is only a lower bound.
    let subjects = &ctx.g.inv.subjects;
    let total_cell = if !subjects.is_empty() && subjects.iter().all(|s| s.volume.is_none()) {
        ctx.t("未申报", "not declared")
    } else if subjects.iter().any(|s| s.volume.is_none()) {
        format!("≥ {total} ({})", ctx.t("部分未申报", "some not declared"))
    } else {
        total.to_string()
    };
    rows.push(vec![ctx.t("个人信息主体总数（申报）", "Individuals (declared volumes)"), total_cell]);
    if ctx.g.edges.iter().any(|e| e.regimes().pipl && e.cn_export()) {
        rows.push(vec![ctx.t("数据出境档位", "PIPL export tier (CAC 2024)"), tier(ctx, &Tier::count(ctx.g))]);
    }
    Table {
        id: "organization",
        title_zh: "个人信息处理者",
        title_en: "Controller / personal-information handler",
        basis: "GDPR Art. 30(1)(a); PIPL Art. 17, 52, 53",
        columns: vec![col("item", "项目", "Item", 36), col("value", "内容", "Value", 80)],
        rows,
        notes: Vec::new(),
    }
}

fn tier(ctx: &Ctx, t: &Tier) -> String {
    let kind = match t.kind {
        TierKind::Assessment => ctx.t("申报数据出境安全评估", "security assessment"),
        TierKind::Contract => ctx.t("标准合同、认证或安全评估", "standard contract, certification or assessment"),
        TierKind::None => ctx.t("无需出境机制（第五条第四项）", "no mechanism needed (Art. 5(4))"),
    };
    // With an undeclared volume N and S are lower bounds, and "no mechanism needed" would be a
    // claim resting on a missing number.
    let (eq, kind) = if t.unknown_volume > 0 {
        let kind = match t.kind {
            TierKind::None => ctx.t("无法判定（出境人数未申报）", "cannot be decided (volumes not declared)"),
            _ => format!("{kind} ({})", ctx.t("至少；出境人数部分未申报", "at least; some volumes not declared")),
        };
        ("≥", kind)
    } else {
        ("=", kind)
    };
    let mut s = format!("N {eq} {}, S {eq} {}{}: {kind}", t.n, t.s, if t.ciio { ", CIIO" } else { "" });
    // Art. 5(4) exempts only handlers that are not CIIOs: say what the claim assumes.
    if t.kind == TierKind::None && t.unknown_volume == 0 && t.counted() > 0 && ctx.g.inv.organization.ciio.is_none() {
        s.push_str(&format!(
            " ({})",
            ctx.t("假定非关键信息基础设施运营者：未说明", "assuming the organization is not a CIIO: not stated")
        ));
    }
    let exempt: usize = t.exempt.values().sum();
    if exempt > 0 {
        s.push_str(&format!("; {}: {exempt}", ctx.t("豁免流", "exempt flows")));
    }
    s
}

fn purpose_cell(p: &Purpose) -> String {
    format!("{} ({})", p.name, p.id)
}

/// Names of the subject groups whose data the edges carry, with their declared head-counts
/// (未申报 / not declared when absent: unknown, never 0).
fn subjects(ctx: &Ctx, edges: &[&Edge]) -> String {
    let mut set = BTreeSet::new();
    for e in edges {
        set.extend(ctx.g.subjects_in(e.provenance));
    }
    join(set.into_iter().map(|s| {
        let s = &ctx.g.inv.subjects[s as usize];
        let mut notes = Vec::new();
        if s.children {
            notes.push(ctx.t("含儿童", "incl. children"));
        }
        notes.push(match s.volume {
            Some(v) => format!("{v} {}", ctx.t("人", "individuals")),
            None => ctx.t("人数未申报", "head-count not declared"),
        });
        format!("{} ({})", plain_name(&s.name), notes.join("; "))
    }))
}

/// At most this many descriptions in a record's source cell.
const SOURCES_SHOWN: usize = 40;

/// Where the row's facts come from: the `description` of the purpose and of every entity its
/// flows touch (flows' `note`), each named by kind and id, so a reviewer can check the record
/// against the cited policy or assumption.
fn sources(ctx: &Ctx, p: &Purpose, edges: &[&Edge]) -> String {
    let inv = ctx.g.inv;
    let mut out: Vec<String> = Vec::new();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut add = |kind: &'static str, id: &str, d: Option<&str>| {
        if let Some(d) = d.map(str::trim).filter(|d| !d.is_empty())
            && seen.insert(format!("{kind} {id}"))
        {
            out.push(format!("{kind} {id}: {d}"));
        }
    };
    add("purpose", &p.id, p.description.as_deref());
    let mut nodes = BTreeSet::new();
    let mut fields = BTreeSet::new();
    let mut consents = BTreeSet::new();
    for e in edges {
        match e.origin() {
            Origin::Flow(i) => {
                let f = &inv.flows[i as usize];
                add("flow", ctx.target(e), f.note.as_deref().map(|n| &**n));
            }
            Origin::Sdk(i) => {
                let s = &inv.sdks[i as usize];
                add("sdk", &s.id, s.description.as_deref());
            }
        }
        nodes.extend([e.from, e.to]);
        fields.extend(ctx.g.fields(e).iter().copied());
        consents.extend(ctx.g.edge_consent_indices(e));
    }
    for n in nodes {
        use crate::graph::Node;
        match ctx.g.graph[n] {
            Node::Subject(i) => {
                add("subject", &inv.subjects[i as usize].id, inv.subjects[i as usize].description.as_deref())
            }
            Node::System(i) => {
                add("system", &inv.systems[i as usize].id, inv.systems[i as usize].description.as_deref())
            }
            Node::Party(i) => add("party", &inv.parties[i as usize].id, inv.parties[i as usize].description.as_deref()),
        }
    }
    for f in fields {
        add("field", &inv.fields[f as usize].id, inv.fields[f as usize].description.as_deref());
    }
    for c in consents {
        add("consent", &inv.consents[c as usize].id, inv.consents[c as usize].description.as_deref());
    }
    if out.is_empty() {
        return ctx.t("未说明", "not stated");
    }
    // The purpose first, then by kind and id: the same whatever order the inventory lists them.
    let purpose_first = usize::from(p.description.as_deref().is_some_and(|d| !d.trim().is_empty()));
    out[purpose_first..].sort_unstable();
    let more = out.len().saturating_sub(SOURCES_SHOWN);
    let mut cell = join(out.into_iter().take(SOURCES_SHOWN));
    if more > 0 {
        cell.push_str(&format!("; … (+{more} {})", ctx.t("条", "more")));
    }
    cell
}

/// The purpose's fields, in inventory order.
fn fields(ctx: &Ctx, edges: &[&Edge]) -> Vec<u32> {
    let set: BTreeSet<u32> = edges.iter().flat_map(|e| ctx.g.fields(e).iter().copied()).collect();
    set.into_iter().collect()
}

fn field_with_category(ctx: &Ctx, f: u32) -> String {
    let f = &ctx.g.inv.fields[f as usize];
    format!("{} [{}]", f.name, ctx.category(&f.category))
}

fn bases(ctx: &Ctx, edges: &[&Edge], p: &Purpose, regime: Regime) -> String {
    let mut set: BTreeSet<Option<crate::model::Basis>> = edges.iter().map(|e| rules::basis(ctx.g, e, regime)).collect();
    if set.is_empty() {
        set.insert(p.basis.for_regime(regime));
    }
    join(set.into_iter().map(|b| ctx.basis(b)))
}

fn retention(ctx: &Ctx, p: &Purpose, fields: &[u32]) -> String {
    let mut parts = Vec::new();
    if let Some(r) = &p.retention {
        parts.push(r.clone());
    }
    for &f in fields {
        let f = &ctx.g.inv.fields[f as usize];
        if let Some(r) = &f.retention {
            parts.push(format!("{}: {r}", f.name));
        }
    }
    if parts.is_empty() { ctx.t("未声明", "not stated") } else { join(parts) }
}

fn security(ctx: &Ctx, edges: &[&Edge]) -> String {
    let mut systems = BTreeSet::new();
    for e in edges {
        systems.extend(ctx.systems_of(e));
    }
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for s in systems {
        for m in &ctx.g.inv.systems[s as usize].security {
            if seen.insert(m.as_str()) {
                out.push(m.as_str());
            }
        }
    }
    if out.is_empty() { ctx.t("未声明", "not stated") } else { join(out) }
}

/// Recipient edges: to a party (flows and sdks).
fn to_party<'e>(ctx: &Ctx, edges: &[&'e Edge]) -> Vec<&'e Edge> {
    edges.iter().copied().filter(|e| ctx.g.party(e.to).is_some()).collect()
}

/// At most this many flow ids in a record's cell: a purpose of a large inventory has thousands,
/// which help no reader (the full list is one `piflow check --format json` away).
const FLOWS_SHOWN: usize = 40;

fn flow_list(ctx: &Ctx, edges: &[&Edge]) -> String {
    let mut ids: Vec<&str> = edges.iter().map(|e| ctx.target(e)).collect();
    ids.sort_unstable();
    ids.dedup();
    let more = ids.len().saturating_sub(FLOWS_SHOWN);
    let mut cell = join(ids.into_iter().take(FLOWS_SHOWN));
    if more > 0 {
        cell.push_str(&format!("; … (+{more} {})", ctx.t("条", "more")));
    }
    cell
}

fn recipients(ctx: &Ctx, edges: &[&Edge]) -> String {
    // Keyed by recipient id and how it receives, so the row does not depend on flow order.
    // Worded once per (recipient, way), not once per flow.
    let ways: BTreeSet<(NodeIndex, bool, crate::graph::FlowKind)> =
        to_party(ctx, edges).into_iter().map(|e| (e.to, matches!(e.origin(), Origin::Sdk(_)), e.kind)).collect();
    let mut out = BTreeSet::new();
    for (to, sdk, kind) in ways {
        let Some(p) = ctx.g.party(to) else { continue };
        let how = if sdk { "SDK".into() } else { ctx.flow_kind(kind) };
        out.insert((p.id.as_str(), format!("{} — {}, {how} ({})", plain_name(&p.name), ctx.role(p.role), p.country)));
    }
    if out.is_empty() { ctx.t("无", "none") } else { join(out.into_iter().map(|(_, line)| line)) }
}

fn targets<'a>(ctx: &Ctx<'_, 'a>, p: &'a Purpose, edges: &[&Edge]) -> Vec<&'a str> {
    let mut t: Vec<&str> = edges.iter().map(|e| ctx.target(e)).collect();
    t.push(p.id.as_str());
    t.sort_unstable();
    t.dedup();
    t
}

/// A row's findings: those on its flows and purpose, and the organization's — except the one
/// export-exemption note, which belongs only to the rows whose flows it lists (elsewhere it
/// would read as an exemption of processing that does not leave China at all).
fn row_findings(ctx: &Ctx, p: &Purpose, edges: &[&Edge], regime: Regime) -> String {
    let own = targets(ctx, p, edges);
    let org = ctx.g.inv.organization.id.as_str();
    let listed = own.iter().any(|id| ctx.exempt_flows.contains(*id));
    let mut codes: BTreeSet<(std::cmp::Reverse<crate::finding::Severity>, &str)> = BTreeSet::new();
    let on_org = ctx.by_target.get(org).into_iter().flatten().filter(|f| f.code != rules::pipl::EXEMPT.code || listed);
    let on_row = own.iter().flat_map(|t| ctx.by_target.get(t).into_iter().flatten());
    for f in on_row.chain(on_org) {
        if f.regime.is_none() || f.regime == Some(regime) {
            codes.insert((std::cmp::Reverse(f.severity), f.code));
        }
    }
    join(codes.into_iter().map(|(s, c)| format!("{c} ({})", s.0.as_str())))
}

/// The purposes that have a row under `regime`, with their edges under it.
fn purposes<'g, 'a>(ctx: &Ctx<'g, 'a>, regime: Regime) -> Vec<(&'a Purpose, Vec<&'g Edge>)> {
    let mut out = Vec::new();
    for (i, p) in ctx.g.inv.purposes.iter().enumerate() {
        let edges: Vec<&Edge> = ctx.edges_of(i, regime).collect();
        if !edges.is_empty() || (ctx.purpose_edges[i].is_empty() && ctx.org_regime(regime)) {
            out.push((p, edges));
        }
    }
    out
}

const GDPR_COLUMNS: [Column; 14] = [
    col("purpose", "处理目的", "Purpose", 28),
    col("description", "说明", "Description", 40),
    col("basis", "合法性基础（第6条）", "Lawful basis (Art. 6)", 22),
    col("subjects", "数据主体类别", "Categories of data subjects", 28),
    col("data", "个人数据类别", "Categories of personal data", 40),
    col("special", "特殊类别及刑事数据（第9、10条）", "Special categories / criminal data (Art. 9, 10)", 28),
    col("recipients", "接收方类别", "Categories of recipients", 40),
    col("transfers", "向第三国的转移及保障措施", "Transfers to third countries and safeguards", 40),
    col("retention", "删除期限", "Time limits for erasure", 28),
    col("security", "技术和组织安全措施", "Technical and organisational security measures", 36),
    col("automated", "自动化决策", "Automated decision-making", 12),
    col("dpia", "数据保护影响评估", "DPIA", 20),
    col("flows", "数据流", "Flows", 28),
    col("findings", "问题", "Findings", 30),
];

/// GDPR Art. 30(1): the controller's record, one row per purpose under the GDPR.
pub fn gdpr(ctx: &Ctx) -> Table {
    let mut rows = Vec::new();
    for (p, edges) in purposes(ctx, Regime::Gdpr) {
        let fields = fields(ctx, &edges);
        let special: Vec<String> = fields
            .iter()
            .filter(|&&f| ctx.g.inv.fields[f as usize].is_special() || ctx.g.inv.fields[f as usize].is_criminal())
            .map(|&f| field_with_category(ctx, f))
            .collect();
        let special = if special.is_empty() {
            ctx.t("无", "none")
        } else {
            let cond = match &p.special_condition {
                Some(c) => format!("GDPR Art. 9(2)({c})"),
                None => ctx.t("未声明第9(2)条条件", "no Art. 9(2) condition stated"),
            };
            format!("{}; {cond}", join(special))
        };
        let transfers: Vec<String> = edges
            .iter()
            .filter(|e| e.eea_transfer())
            .map(|e| {
                let party = ctx.g.party(e.to);
                let country = ctx.g.node_countries(e.to).join(", ");
                let adequate = adequacy(&country).filter(|a| {
                    a.needs_certification.is_none_or(|c| party.is_some_and(|p| p.certifications.iter().any(|x| x == c)))
                });
                let safeguard = match adequate {
                    Some(a) => format!("{}: {}", ctx.t("充分性认定", "adequacy"), a.decision),
                    None => {
                        let m: Vec<String> = ctx
                            .mechanisms(e, Regime::Gdpr)
                            .into_iter()
                            .filter(|m| rules::valid(m, ctx.as_of))
                            .map(|m| ctx.mechanism(m))
                            .collect();
                        if m.is_empty() { ctx.t("无保障措施", "no safeguard") } else { join(m) }
                    }
                };
                format!("{} ({country}): {safeguard}", ctx.node_name(e.to))
            })
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        rows.push(vec![
            purpose_cell(p),
            p.description.clone().unwrap_or_default(),
            bases(ctx, &edges, p, Regime::Gdpr),
            subjects(ctx, &edges),
            join(fields.iter().map(|&f| field_with_category(ctx, f))),
            special,
            recipients(ctx, &edges),
            if transfers.is_empty() { ctx.t("无", "none") } else { join(transfers) },
            retention(ctx, p, &fields),
            security(ctx, &edges),
            ctx.lang.yes_no(p.automated_decision),
            p.assessment.clone().unwrap_or_else(|| ctx.t("无", "none")),
            flow_list(ctx, &edges),
            row_findings(ctx, p, &edges, Regime::Gdpr),
        ]);
    }
    let mut notes = Vec::new();
    if rows.is_empty() {
        notes.push(ctx.t("没有受GDPR管辖的处理活动。", "No processing falls under the GDPR."));
    }
    Table {
        id: "ropa-gdpr",
        title_zh: "处理活动记录（GDPR 第30条第1款）",
        title_en: "Record of processing activities (GDPR Art. 30(1))",
        basis: "GDPR Art. 30(1)",
        columns: GDPR_COLUMNS.to_vec(),
        rows,
        notes,
    }
}

const PIPL_COLUMNS: [Column; 17] = [
    col("purpose", "处理目的", "Purpose", 28),
    col("method", "处理方式", "Method", 24),
    col("systems", "处理系统", "Systems", 28),
    col("fields", "个人信息种类", "Personal information", 40),
    col("sensitive", "敏感个人信息", "Sensitive PI", 28),
    col("basis", "处理依据（第13条）", "Legal basis (Art. 13)", 24),
    col("consent", "同意方式", "Consent", 28),
    col("recipients", "接收方及身份", "Recipients and their role", 40),
    col("cross_border", "出境（国家/地区、机制）", "Cross-border (country, mechanism)", 40),
    col("tier", "出境档位", "Export tier", 24),
    col("pipia", "个人信息保护影响评估", "PIPIA reference", 20),
    col("retention", "保存期限", "Retention", 28),
    col("security", "安全保护措施", "Security measures", 36),
    col("subjects", "个人信息主体", "Individuals", 28),
    col("flows", "数据流", "Flows", 28),
    col("findings", "问题", "Findings", 30),
    col("source", "来源", "Source", 40),
];

/// PIPL processing record (Art. 55/56 PIPIA content; Art. 51 management), one row per purpose
/// under the PIPL.
pub fn pipl(ctx: &Ctx) -> Table {
    let tier_all = Tier::count(ctx.g);
    let mut rows = Vec::new();
    for (p, edges) in purposes(ctx, Regime::Pipl) {
        let fields = fields(ctx, &edges);
        let kinds: BTreeSet<FlowKind> =
            edges.iter().filter(|e| matches!(e.origin(), Origin::Flow(_))).map(|e| e.kind).collect();
        let mut method: Vec<String> = kinds.into_iter().map(|k| ctx.flow_kind(k)).collect();
        if edges.iter().any(|e| matches!(e.origin(), Origin::Sdk(_))) {
            method.push("SDK".into());
        }
        let systems: BTreeSet<u32> = edges.iter().flat_map(|e| ctx.systems_of(e)).collect();
        let systems = join(systems.into_iter().map(|s| {
            let s = &ctx.g.inv.systems[s as usize];
            format!("{} ({})", plain_name(&s.name), s.country)
        }));
        let sensitive: Vec<String> = fields
            .iter()
            .filter(|&&f| ctx.g.inv.fields[f as usize].is_sensitive())
            .map(|&f| ctx.g.inv.fields[f as usize].name.clone())
            .collect();
        let children = edges.iter().any(|e| e.children());
        let mut sens = if sensitive.is_empty() {
            ctx.lang.yes_no(false)
        } else {
            format!("{}: {}", ctx.lang.yes_no(true), join(sensitive))
        };
        // A field that overrides its category's sensitive default is named, so the row's 否
        // never stands unexplained beside a category sensitive by default.
        for &f in &fields {
            let field = &ctx.g.inv.fields[f as usize];
            if Ctx::overrides_sensitive(field) {
                sens.push_str(&format!("; {}: {}", field.name, ctx.sensitivity(field, false)));
            }
        }
        if children {
            sens.push_str(&format!("; {}", ctx.t("含不满十四周岁未成年人信息", "includes data of children under 14")));
        }
        let mut consent_ids: BTreeSet<&str> = BTreeSet::new();
        for e in &edges {
            consent_ids.extend(ctx.g.edge_consents(e).map(|n| n.as_str()));
        }
        consent_ids.extend(p.consents.iter().map(|n| n.as_str()));
        let consents: Vec<String> = consent_ids
            .into_iter()
            .filter_map(|id| ctx.g.consent_of(id).map(|c| &ctx.g.inv.consents[c as usize]))
            .map(|c| {
                let covers: Vec<&str> = c.covers.iter().map(|r| r.as_str()).collect();
                format!("{} ({}; {})", c.name, ctx.consent_kind(c.kind), covers.join(", "))
            })
            .collect();
        let exports: Vec<&&Edge> = edges.iter().filter(|e| e.cn_export()).collect();
        // Worded once per (recipient, mechanisms), not once per export.
        let mut by_recipient: FxHashMap<(NodeIndex, Vec<&str>), Vec<&crate::model::Mechanism>> = FxHashMap::default();
        for e in &exports {
            let mechanisms = ctx.mechanisms(e, Regime::Pipl);
            let ids = mechanisms.iter().map(|m| m.id.as_str()).collect();
            by_recipient.entry((e.to, ids)).or_insert(mechanisms);
        }
        let cross: BTreeSet<String> = by_recipient
            .into_iter()
            .map(|((to, _), mechanisms)| {
                let m: Vec<String> = mechanisms.into_iter().map(|m| ctx.mechanism(m)).collect();
                let m = if m.is_empty() { ctx.t("无出境机制", "no mechanism") } else { join(m) };
                format!("{} ({}): {m}", ctx.node_name(to), ctx.g.node_countries(to).join(", "))
            })
            .collect();
        // Important data needs a security assessment whatever the tier and basis: never exempt.
        let important = |e: &Edge| ctx.g.fields(e).iter().any(|&f| ctx.g.inv.fields[f as usize].important);
        let (vital, ordinary): (Vec<&&Edge>, Vec<&&Edge>) = exports.iter().partition(|e| important(e));
        let ordinary_cell = if ordinary.is_empty() {
            None
        } else if ordinary.iter().all(|e| {
            matches!(
                rules::basis(ctx.g, e, Regime::Pipl),
                Some(crate::model::Basis::Contract | crate::model::Basis::VitalInterests)
            )
        }) {
            Some(ctx.t("豁免（第五条第一至三项）", "exempt (Art. 5(1)-(3))"))
        } else {
            Some(tier(ctx, &tier_all))
        };
        let important_cell = (!vital.is_empty())
            .then(|| ctx.t("重要数据：须申报数据出境安全评估", "important data: security assessment required"));
        let tier_cell = match (important_cell, ordinary_cell) {
            (None, None) => ctx.t("不出境", "no export"),
            (Some(a), None) | (None, Some(a)) => a,
            (Some(a), Some(b)) => format!("{a}; {b}"),
        };
        rows.push(vec![
            purpose_cell(p),
            if method.is_empty() { ctx.t("无数据流", "no flow") } else { join(method) },
            systems,
            join(fields.iter().map(|&f| field_with_category(ctx, f))),
            sens,
            bases(ctx, &edges, p, Regime::Pipl),
            if consents.is_empty() { ctx.t("无", "none") } else { join(consents) },
            recipients(ctx, &edges),
            if cross.is_empty() { ctx.t("无", "none") } else { join(cross) },
            tier_cell,
            p.assessment.clone().unwrap_or_else(|| ctx.t("无", "none")),
            retention(ctx, p, &fields),
            security(ctx, &edges),
            subjects(ctx, &edges),
            flow_list(ctx, &edges),
            row_findings(ctx, p, &edges, Regime::Pipl),
            sources(ctx, p, &edges),
        ]);
    }
    let mut notes = Vec::new();
    if rows.is_empty() {
        notes.push(ctx.t("没有受《个人信息保护法》管辖的处理活动。", "No processing falls under the PIPL."));
    }
    Table {
        id: "ropa-pipl",
        title_zh: "个人信息处理活动记录（《个人信息保护法》第55、56条）",
        title_en: "Personal-information processing record (PIPL Art. 55/56)",
        basis: "PIPL Art. 51, 55, 56",
        columns: PIPL_COLUMNS.to_vec(),
        rows,
        notes,
    }
}
