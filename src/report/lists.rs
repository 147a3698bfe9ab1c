//! The MIIT "two lists" (《个人信息收集使用清单》 and 《与第三方共享个人信息清单》, MIIT App PI
//! protection rules; GB/T 41391-2022) and the SDK list (第三方SDK清单).

use super::context::{Ctx, from_system, plain_name};
use super::table::{Column, Table, col, join};
use crate::graph::{Edge, FlowKind, Node, Origin};
use crate::model::Regime;
use crate::rules;
use petgraph::graph::NodeIndex;
use rustc_hash::FxHashMap;
use std::collections::{BTreeMap, BTreeSet};

const COLLECTED_COLUMNS: [Column; 10] = [
    col("field", "个人信息", "Personal information", 24),
    col("field_id", "字段", "Field id", 18),
    col("category", "类别", "Category", 20),
    col("sensitive", "是否敏感", "Sensitive", 10),
    col("purpose", "使用目的", "Purpose", 28),
    col("scenario", "使用场景（系统）", "Scenario / system", 28),
    col("source", "来源", "Source", 28),
    col("basis", "处理依据", "Basis", 24),
    col("retention", "保存期限", "Retention", 20),
    col("description", "说明", "Description", 40),
];

/// What an edge's basis cell reads: its basis under each regime that applies (`None`
/// where the regime does not). The lists gather these per edge and word them once per distinct
/// value, since a million flows have a handful.
type Bases = [Option<Option<crate::model::Basis>>; 2];

fn bases_of(ctx: &Ctx, e: &Edge) -> Bases {
    Regime::ALL.map(|r| e.regimes().has(r).then(|| rules::basis(ctx.g, e, r)))
}

/// The basis of an edge under each regime that governs it; one text when they agree.
fn bases_text(ctx: &Ctx, bases: Bases) -> Vec<String> {
    let present: Vec<(Regime, Option<crate::model::Basis>)> =
        Regime::ALL.into_iter().zip(bases).filter_map(|(r, b)| Some((r, b?))).collect();
    if present.windows(2).all(|w| w[0].1 == w[1].1) {
        present.first().map(|&(_, b)| vec![ctx.basis(b)]).unwrap_or_default()
    } else {
        present.into_iter().map(|(r, b)| format!("{r}: {}", ctx.basis(b))).collect()
    }
}

/// Values gathered per edge as numbers, then worded once each: `word` turns each distinct value
/// into its texts, which come out sorted and without repeats, as a set of the texts would give.
fn worded<T: Ord + Copy, I: IntoIterator<Item = String>>(
    values: &BTreeSet<T>,
    mut word: impl FnMut(T) -> I,
) -> BTreeSet<String> {
    values.iter().flat_map(|&v| word(v)).collect()
}

/// 已收集个人信息清单: one row per field and purpose of every collection (direct from people,
/// or indirect from a party).
pub fn collected(ctx: &Ctx) -> Table {
    // Per (field, purpose): the nodes collecting it, the nodes it comes from, the bases — as
    // numbers, worded when the row is written.
    #[derive(Default)]
    struct Acc {
        scenario: BTreeSet<NodeIndex>,
        source: BTreeSet<NodeIndex>,
        basis: BTreeSet<Bases>,
        children: bool,
    }
    let mut acc: BTreeMap<(u32, u32), Acc> = BTreeMap::new();
    for e in &ctx.g.edges {
        if !matches!(e.kind, FlowKind::Collect | FlowKind::Receive) || !matches!(e.origin(), Origin::Flow(_)) {
            continue;
        }
        let bases = bases_of(ctx, e);
        for &f in ctx.g.fields(e) {
            let a = acc.entry((f, e.purpose)).or_default();
            a.scenario.insert(e.to);
            a.source.insert(e.from);
            a.basis.insert(bases);
            a.children |= e.children();
        }
    }
    let source = |n: NodeIndex| match ctx.g.graph[n] {
        Node::Subject(_) => ctx.node_name(n),
        _ => format!("{} ({})", ctx.node_name(n), ctx.t("间接收集", "indirect")),
    };
    let rows = acc
        .into_iter()
        .map(|((f, p), a)| {
            let field = &ctx.g.inv.fields[f as usize];
            let purpose = &ctx.g.inv.purposes[p as usize];
            let retention = field.retention.clone().or_else(|| purpose.retention.clone());
            vec![
                field.name.clone(),
                field.id.clone(),
                ctx.category(&field.category),
                ctx.sensitivity(field, a.children),
                format!("{} ({})", purpose.name, purpose.id),
                join(worded(&a.scenario, |n| [ctx.node_label(n)])),
                join(worded(&a.source, |n| [source(n)])),
                join(worded(&a.basis, |b| bases_text(ctx, b))),
                retention.unwrap_or_else(|| ctx.t("未声明", "not stated")),
                field.description.clone().unwrap_or_default(),
            ]
        })
        .collect();
    Table {
        id: "collected",
        title_zh: "已收集个人信息清单",
        title_en: "List of personal information collected",
        basis: "MIIT App PI rules (工信部“双清单”); GB/T 41391-2022; PIPL Art. 17",
        columns: COLLECTED_COLUMNS.to_vec(),
        rows,
        notes: Vec::new(),
    }
}

const SHARED_COLUMNS: [Column; 13] = [
    col("recipient", "第三方名称", "Recipient", 28),
    col("country", "所在国家/地区", "Country", 10),
    col("role", "身份", "Role", 18),
    col("how", "共享方式", "How shared", 18),
    col("purpose", "共享目的", "Purpose", 28),
    col("fields", "共享的个人信息", "Personal information shared", 40),
    col("source", "提供方系统", "From", 24),
    col("cross_border", "是否出境", "Leaves CN / EEA", 12),
    col("contract", "协议", "Agreement", 18),
    col("contact", "联系方式", "Contact", 28),
    col("policy", "隐私政策链接", "Privacy policy", 32),
    col("basis", "处理依据", "Basis", 24),
    col("findings", "问题", "Findings", 30),
];

/// How data reaches a recipient, in the list's words: from whether an embedded SDK shares it
/// and the kind of flow.
fn how(ctx: &Ctx, sdk: bool, kind: FlowKind) -> String {
    match (sdk, kind) {
        (true, FlowKind::Entrust) => ctx.t("SDK（委托处理）", "SDK (entrust)"),
        (true, FlowKind::Provide) => ctx.t("SDK（向第三方提供）", "SDK (provide)"),
        (true, _) => "SDK".into(),
        (_, FlowKind::Entrust) => ctx.t("委托处理", "entrust"),
        (_, FlowKind::Provide) => ctx.t("向第三方提供", "provide"),
        (_, FlowKind::Disclose) => ctx.t("公开披露", "disclose"),
        (_, FlowKind::Authority) => ctx.t("依法向国家机关提供", "to an authority"),
        (_, k) => ctx.flow_kind(k),
    }
}

/// 与第三方共享个人信息清单: one row per recipient, way of sharing and purpose, from our own
/// systems (flows and embedded SDKs) and onward from our recipients.
pub fn shared(ctx: &Ctx) -> Table {
    // Per row, gathered as numbers and worded when the row is written.
    #[derive(Default)]
    struct Acc<'t> {
        fields: BTreeSet<u32>,
        from: BTreeSet<NodeIndex>,
        cross: bool,
        basis: BTreeSet<Bases>,
        targets: BTreeSet<&'t str>,
    }
    impl<'t> Acc<'t> {
        fn merge(&mut self, other: Acc<'t>) {
            self.fields.extend(other.fields);
            self.from.extend(other.from);
            self.cross |= other.cross;
            self.basis.extend(other.basis);
            self.targets.extend(other.targets);
        }
    }
    // The way of sharing: onward from a node, or how our own system or SDK shares.
    #[derive(Clone, Copy, PartialEq, Eq, Hash)]
    enum Way {
        Onward(NodeIndex),
        How(bool, FlowKind),
    }
    let mut by_way: FxHashMap<(NodeIndex, Way, u32), Acc> = FxHashMap::default();
    for e in &ctx.g.edges {
        let Some(_) = ctx.g.party(e.to) else { continue };
        let onward = e.kind == FlowKind::Onward;
        if !from_system(ctx, e) && !onward {
            continue;
        }
        let way = if onward { Way::Onward(e.from) } else { Way::How(matches!(e.origin(), Origin::Sdk(_)), e.kind) };
        let key = (e.to, way, e.purpose);
        let a = by_way.entry(key).or_default();
        a.fields.extend(ctx.g.fields(e).iter().copied());
        a.from.insert(e.from);
        a.cross |= e.cn_export() || e.eea_transfer();
        a.basis.insert(bases_of(ctx, e));
        a.targets.insert(ctx.target(e));
    }
    // Key: (party node, way, purpose); the way's text keeps the order stable and readable (two
    // ways worded alike — onward from two systems of one name — are one row).
    let mut acc: BTreeMap<(usize, String, u32), Acc> = BTreeMap::new();
    for ((to, way, purpose), a) in by_way {
        let way = match way {
            Way::Onward(from) => format!("{} {}", ctx.t("转交自", "onward from"), ctx.node_name(from)),
            Way::How(sdk, kind) => how(ctx, sdk, kind),
        };
        acc.entry((to.index(), way, purpose)).or_default().merge(a);
    }
    let rows = acc
        .into_iter()
        .filter_map(|((node, way, p), a)| {
            let party = ctx.g.party(petgraph::graph::NodeIndex::new(node))?;
            let purpose = &ctx.g.inv.purposes[p as usize];
            let none = ctx.t("未提供", "not given");
            Some(vec![
                plain_name(&party.name),
                party.country.clone(),
                ctx.role(party.role),
                way,
                format!("{} ({})", purpose.name, purpose.id),
                ctx.field_names(a.fields),
                join(worded(&a.from, |n| [ctx.node_label(n)])),
                ctx.lang.yes_no(a.cross),
                party.contract.clone().unwrap_or_else(|| none.clone()),
                party.contact.clone().unwrap_or_else(|| none.clone()),
                party.policy.clone().unwrap_or(none),
                join(worded(&a.basis, |b| bases_text(ctx, b))),
                ctx.findings_on(a.targets.iter().copied().chain([party.id.as_str()]), None),
            ])
        })
        .collect();
    Table {
        id: "shared",
        title_zh: "与第三方共享个人信息清单",
        title_en: "List of personal information shared with third parties",
        basis: "MIIT App PI rules (工信部“双清单”); PIPL Art. 21, 23, 25, 39",
        columns: SHARED_COLUMNS.to_vec(),
        rows,
        notes: Vec::new(),
    }
}

const SDK_COLUMNS: [Column; 12] = [
    col("sdk", "SDK名称", "SDK", 24),
    col("vendor", "第三方主体", "Vendor (legal entity)", 28),
    col("purpose", "使用目的", "Purpose", 28),
    col("fields", "收集的个人信息", "Personal information collected", 36),
    col("permissions", "申请的系统权限", "System permissions", 30),
    col("cross_border", "是否出境", "Leaves CN / EEA", 22),
    col("contact", "第三方联系方式", "Vendor contact", 28),
    col("policy", "隐私政策链接", "Vendor privacy policy", 32),
    col("systems", "所在产品", "Embedded in", 22),
    col("country", "第三方所在国家/地区", "Vendor country", 10),
    col("packages", "组件标识", "Packages", 28),
    col("findings", "问题", "Findings", 28),
];

/// The bundled SDK database's entry for a declared sdk, by its package coordinates, else by
/// its hosts: the source of facts the inventory does not record (the permissions it asks for)
/// and of the vendor's published contact and policy when the party lacks them.
fn known_sdk(s: &crate::model::Sdk) -> Option<&'static crate::scan::db::Signature> {
    let db = crate::scan::db::Database::bundled();
    s.packages
        .iter()
        .find_map(|p| db.by_package(p).into_iter().next())
        .or_else(|| s.hosts.iter().find_map(|h| db.by_host(h.trim_start_matches("*.")).into_iter().next()))
}

/// Whether the sdk's data leaves China (or the EEA), from its flows: where to, and under which
/// mechanism.
fn sdk_export(ctx: &Ctx, i: usize) -> String {
    let mut out = BTreeSet::new();
    for e in ctx.g.edges.iter().filter(|e| matches!(e.origin(), Origin::Sdk(s) if s as usize == i)) {
        if !(e.cn_export() || e.eea_transfer()) {
            continue;
        }
        let regime = if e.cn_export() { Regime::Pipl } else { Regime::Gdpr };
        let m: Vec<String> = ctx.mechanisms(e, regime).into_iter().map(|m| ctx.mechanism(m)).collect();
        let m = if m.is_empty() { ctx.t("无出境机制", "no mechanism") } else { join(m) };
        out.insert(format!("{} ({m})", ctx.g.node_countries(e.to).join(", ")));
    }
    if out.is_empty() { ctx.lang.yes_no(false) } else { format!("{}: {}", ctx.lang.yes_no(true), join(out)) }
}

/// 第三方SDK清单 (MIIT style): one row per declared SDK — its name, the vendor's legal entity,
/// purpose, the data it collects, the permissions it asks for, whether the data leaves the
/// country, and the vendor's contact and privacy policy.
pub fn sdks(ctx: &Ctx) -> Table {
    let inv = ctx.g.inv;
    let from_db = ctx.t("（据内置SDK库）", " (bundled SDK database)");
    let rows = inv
        .sdks
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let vendor = ctx.g.node_of(&s.vendor).and_then(|n| ctx.g.party(n));
            let known = known_sdk(s);
            let purpose = ctx.g.purpose_of(&s.purpose).map(|p| &inv.purposes[p as usize]);
            let fields: Vec<u32> = s.fields.iter().filter_map(|f| ctx.g.field_of(f)).collect();
            let systems =
                s.in_systems.iter().map(|id| ctx.g.node_of(id).map_or_else(|| id.to_string(), |n| ctx.node_name(n)));
            let mut sdk = plain_name(&s.name);
            if let Some(v) = &s.version {
                sdk.push_str(&format!(" {v}"));
            }
            // The inventory's own facts first; the database's only where the inventory is silent,
            // and marked as such. Unknown stays unknown.
            let not_stated = ctx.t("未说明", "not stated");
            let permissions = match known.filter(|k| !k.permissions.is_empty()) {
                Some(k) => {
                    let short = k.permissions.iter().map(|p| p.strip_prefix("android.permission.").unwrap_or(p));
                    format!("{}{from_db}", join(short))
                }
                None => not_stated.clone(),
            };
            let vendor_fact = |own: Option<&String>, db: Option<&String>| match (own, db) {
                (Some(v), _) => v.clone(),
                (None, Some(v)) => format!("{v}{from_db}"),
                (None, None) => ctx.t("未提供", "not given"),
            };
            vec![
                sdk,
                vendor.map_or_else(|| s.vendor.to_string(), |v| plain_name(&v.name)),
                purpose.map_or_else(|| s.purpose.to_string(), |p| format!("{} ({})", p.name, p.id)),
                ctx.field_names(fields),
                permissions,
                sdk_export(ctx, i),
                vendor_fact(vendor.and_then(|v| v.contact.as_ref()), known.and_then(|k| k.vendor.contact.as_ref())),
                vendor_fact(vendor.and_then(|v| v.policy.as_ref()), known.and_then(|k| k.vendor.policy.as_ref())),
                join(systems),
                vendor.map(|v| v.country.clone()).unwrap_or_default(),
                join(&s.packages),
                ctx.findings_on([s.id.as_str(), s.vendor.as_str()], None),
            ]
        })
        .collect();
    Table {
        id: "sdks",
        title_zh: "第三方SDK清单",
        title_en: "Third-party SDK list",
        basis: "MIIT App PI rules; TC260 SDK guide (网络安全标准实践指南)",
        columns: SDK_COLUMNS.to_vec(),
        rows,
        notes: Vec::new(),
    }
}
