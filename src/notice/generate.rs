//! `piflow notice`: the sections a PIPL/GDPR notice needs, written from the inventory alone.
//!
//! Every sentence is built from inventory entries (names, bases, retention, recipients, sdks,
//! flows, consents) or states what the law attaches to a fact the inventory records (a sensitive
//! category, a transfer abroad). Nothing is written that the inventory does not support: without
//! a retention there is no retention sentence, without children no children's section.
//! Descriptions and notes are not printed: in an inventory they are modelling notes, not text
//! meant for the public.

use crate::graph::{Edge, FlowGraph, FlowKind, Origin};
use crate::model::{BasisSpec, ConsentKind, Field, Regime, Requirement, Role, taxonomy};
use std::collections::BTreeSet;
use std::fmt::Write as _;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Zh,
    En,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Markdown,
    Html,
}

/// A piece of the notice, with inventory text still raw (renderers escape it).
enum Block {
    Title(String),
    Heading(String),
    Subheading(String),
    Para(String),
    Table(Vec<String>, Vec<Vec<String>>),
}

fn t(lang: Lang, zh: &str, en: &str) -> String {
    match lang {
        Lang::Zh => zh.to_owned(),
        Lang::En => en.to_owned(),
    }
}

fn country(lang: Lang, cc: &str) -> String {
    match super::country_name(cc) {
        Some((zh, en)) => format!("{} ({cc})", if lang == Lang::Zh { zh } else { en }),
        None => cc.to_owned(),
    }
}

fn basis_name(lang: Lang, b: crate::model::Basis) -> String {
    use crate::model::Basis::*;
    let (zh, en) = match b {
        Consent => ("您的同意", "your consent"),
        Contract => ("订立、履行您作为一方的合同所必需", "necessary for a contract with you"),
        LegalObligation => ("履行法定职责或者法定义务所必需", "necessary for a legal obligation"),
        VitalInterests => ("保护生命健康和财产安全所必需", "necessary to protect life, health or property"),
        PublicTask => ("履行公共职责所必需", "necessary for a task in the public interest"),
        LegitimateInterests => ("正当利益", "legitimate interests"),
        NewsReporting => ("为公共利益实施新闻报道、舆论监督", "news reporting in the public interest"),
        PublicInformation => ("处理已合法公开的个人信息", "information already lawfully made public"),
        OtherLaw => ("法律、行政法规规定的其他情形", "another law allows it"),
    };
    t(lang, zh, en)
}

fn basis_text(lang: Lang, spec: &BasisSpec) -> String {
    match spec {
        BasisSpec::All(b) => basis_name(lang, *b),
        BasisSpec::PerRegime(m) => m
            .iter()
            .map(|(r, b)| format!("{}: {}", r.as_str(), basis_name(lang, b)))
            .collect::<Vec<_>>()
            .join(if lang == Lang::Zh { "；" } else { "; " }),
    }
}

fn join(lang: Lang, items: &[String]) -> String {
    items.join(if lang == Lang::Zh { "、" } else { ", " })
}

fn role_name(lang: Lang, role: Role, affiliate: bool) -> String {
    let base = match role {
        Role::Processor => t(lang, "受托处理者", "processor acting on our instructions"),
        Role::Controller => t(lang, "其他个人信息处理者", "independent controller"),
        Role::Authority => t(lang, "国家机关", "public authority"),
        Role::Public => t(lang, "公开", "the public"),
    };
    if affiliate { format!("{base}{}", t(lang, "（关联方）", " (affiliate)")) } else { base }
}

fn category_name(lang: Lang, key: &str) -> String {
    taxonomy::category(key).map_or_else(|| key.to_owned(), |c| if lang == Lang::Zh { c.zh } else { c.en }.to_owned())
}

struct Gen<'a, 'g> {
    g: &'a FlowGraph<'g>,
    lang: Lang,
}

impl Gen<'_, '_> {
    fn t(&self, zh: &str, en: &str) -> String {
        t(self.lang, zh, en)
    }

    fn field_names(&self, fields: impl IntoIterator<Item = u32>) -> String {
        let mut names: Vec<String> = fields.into_iter().map(|f| self.g.inv.fields[f as usize].name.clone()).collect();
        names.sort();
        names.dedup();
        join(self.lang, &names)
    }

    fn handler(&self, out: &mut Vec<Block>) {
        let org = &self.g.inv.organization;
        out.push(Block::Heading(self.t("个人信息处理者", "Who handles your personal information")));
        let mut p = match self.lang {
            Lang::Zh => format!("个人信息处理者：{}，所在地：{}。", org.name, country(self.lang, &org.country)),
            Lang::En => format!(
                "The handler (controller) is {}, established in {}.",
                org.name,
                country(self.lang, &org.country)
            ),
        };
        if let Some(c) = &org.contact {
            let _ = write!(p, "{}", self.t(&format!("联系方式：{c}。"), &format!(" Contact: {c}.")));
        }
        out.push(Block::Para(p));
        if let Some(o) = &org.officer {
            out.push(Block::Para(self.t(
                &format!("个人信息保护负责人：{o}。"),
                &format!("Personal information protection officer (DPO): {o}."),
            )));
        }
        if let Some(r) = &org.representative {
            out.push(Block::Para(self.t(&format!("指定代表：{r}。"), &format!("Designated representative: {r}."))));
        }
    }

    /// Edge indices of each purpose, in purpose order.
    fn by_purpose(&self) -> Vec<(usize, Vec<&Edge>)> {
        let mut out: Vec<(usize, Vec<&Edge>)> = (0..self.g.inv.purposes.len()).map(|i| (i, Vec::new())).collect();
        for e in &self.g.edges {
            out[e.purpose as usize].1.push(e);
        }
        out.retain(|(_, es)| !es.is_empty());
        out.sort_by(|a, b| self.g.inv.purposes[a.0].id.cmp(&self.g.inv.purposes[b.0].id));
        out
    }

    fn collection(&self, out: &mut Vec<Block>) {
        let inv = self.g.inv;
        out.push(Block::Heading(self.t("我们收集的个人信息及处理目的", "What we collect and why")));
        let any_retention =
            inv.fields.iter().any(|f| f.retention.is_some()) || inv.purposes.iter().any(|p| p.retention.is_some());
        for (pi, edges) in self.by_purpose() {
            let purpose = &inv.purposes[pi];
            out.push(Block::Subheading(purpose.name.clone()));
            let mut p = self.t(
                &format!("处理依据：{}。", basis_text(self.lang, &purpose.basis)),
                &format!("Legal basis: {}.", basis_text(self.lang, &purpose.basis)),
            );
            let places: BTreeSet<&str> =
                edges.iter().filter(|e| e.kind == FlowKind::Collect).map(|e| self.g.node_name(e.to)).collect();
            if !places.is_empty() {
                // 【】 a policy put around a product's name are its typography, not the name.
                let places: Vec<String> = places.into_iter().map(crate::report::context::plain_name).collect();
                let _ = write!(
                    p,
                    "{}",
                    self.t(
                        &format!("收集场景：{}。", join(self.lang, &places)),
                        &format!(" Collected in: {}.", join(self.lang, &places))
                    )
                );
            }
            if purpose.automated_decision {
                let _ = write!(
                    p,
                    "{}",
                    self.t("本目的涉及自动化决策。", " This purpose involves automated decision-making.")
                );
            }
            out.push(Block::Para(p));
            let mut fields: Vec<u32> = edges.iter().flat_map(|e| self.g.fields(e).iter().copied()).collect();
            fields.sort_by(|a, b| inv.fields[*a as usize].id.cmp(&inv.fields[*b as usize].id));
            fields.dedup();
            let mut header = vec![
                self.t("个人信息", "Personal information"),
                self.t("类别", "Category"),
                self.t("敏感", "Sensitive"),
            ];
            if any_retention {
                header.push(self.t("保存期限", "Retention period"));
            }
            let rows = fields
                .iter()
                .map(|&f| {
                    let field = &inv.fields[f as usize];
                    let mut row = vec![
                        field.name.clone(),
                        category_name(self.lang, &field.category),
                        if field.is_sensitive() { self.t("是", "yes") } else { self.t("否", "no") },
                    ];
                    if any_retention {
                        row.push(
                            field
                                .retention
                                .clone()
                                .or_else(|| purpose.retention.clone())
                                .unwrap_or_else(|| "—".to_owned()),
                        );
                    }
                    row
                })
                .collect();
            out.push(Block::Table(header, rows));
            for &f in &fields {
                let field = &inv.fields[f as usize];
                if field.is_sensitive() {
                    out.push(Block::Para(self.sensitive_statement(field, purpose, &edges)));
                }
            }
        }
    }

    /// PIPL Art. 30: the necessity and the impact, and how separate consent is asked (when the
    /// inventory records such a consent).
    fn sensitive_statement(&self, field: &Field, purpose: &crate::model::Purpose, edges: &[&Edge]) -> String {
        let consents: BTreeSet<String> = edges
            .iter()
            .filter(|e| self.g.fields(e).iter().any(|&f| self.g.inv.fields[f as usize].id == field.id))
            .flat_map(|e| self.g.edge_consent_indices(e))
            .map(|c| &self.g.inv.consents[c as usize])
            .filter(|c| {
                matches!(c.kind, ConsentKind::Separate | ConsentKind::Explicit | ConsentKind::Guardian)
                    && c.covers.contains(&Requirement::Sensitive)
                    && (c.fields.is_empty() || c.fields.iter().any(|f| *f == field.id))
            })
            .map(|c| c.name.clone())
            .collect();
        let consents: Vec<String> = consents.into_iter().collect();
        let mut s = self.t(
            &format!(
                "{}属于敏感个人信息。必要性：仅用于“{}”。对您的影响：敏感个人信息一旦泄露或者被非法使用，容易导致您的人格尊严受到侵害或者人身、财产安全受到危害。",
                field.name, purpose.name
            ),
            &format!(
                "{} is sensitive personal information. Necessity: it is used only for \"{}\". Impact on you: if leaked or misused, sensitive personal information can easily harm your dignity or the safety of your person or property.",
                field.name, purpose.name
            ),
        );
        if !consents.is_empty() {
            let names = join(self.lang, &consents);
            let _ = write!(
                s,
                "{}",
                self.t(
                    &format!("我们通过“{names}”取得您的单独同意。"),
                    &format!(" We ask for your separate consent through \"{names}\".")
                )
            );
        }
        s
    }

    fn recipients(&self, out: &mut Vec<Block>) {
        let g = self.g;
        let mut rows = Vec::new();
        let mut parties: Vec<u32> = Vec::new();
        for (i, p) in g.inv.parties.iter().enumerate() {
            if g.edges.iter().any(|e| matches!(e.origin(), Origin::Flow(_)) && g.node_id(e.to) == p.id) {
                parties.push(i as u32);
            }
        }
        parties.sort_by(|a, b| g.inv.parties[*a as usize].id.cmp(&g.inv.parties[*b as usize].id));
        for i in parties {
            let p = &g.inv.parties[i as usize];
            let edges: Vec<&Edge> =
                g.edges.iter().filter(|e| matches!(e.origin(), Origin::Flow(_)) && g.node_id(e.to) == p.id).collect();
            let purposes: BTreeSet<String> =
                edges.iter().map(|e| g.inv.purposes[e.purpose as usize].name.clone()).collect();
            rows.push(vec![
                p.name.clone(),
                role_name(self.lang, p.role, p.affiliate),
                country(self.lang, &p.country),
                p.contact.clone().or_else(|| p.policy.clone()).unwrap_or_else(|| "—".to_owned()),
                join(self.lang, &purposes.into_iter().collect::<Vec<_>>()),
                self.field_names(edges.iter().flat_map(|e| g.fields(e).iter().copied())),
            ]);
        }
        if rows.is_empty() {
            return;
        }
        out.push(Block::Heading(self.t("委托处理、对外提供与公开", "Who receives your personal information")));
        let header = vec![
            self.t("接收方", "Recipient"),
            self.t("身份", "Role"),
            self.t("国家或地区", "Country"),
            self.t("联系方式", "Contact"),
            self.t("目的", "Purpose"),
            self.t("个人信息", "Personal information"),
        ];
        out.push(Block::Table(header, rows));
    }

    fn sdks(&self, out: &mut Vec<Block>) {
        let g = self.g;
        let mut sdks: Vec<_> = g.inv.sdks.iter().collect();
        if sdks.is_empty() {
            return;
        }
        sdks.sort_by(|a, b| a.id.cmp(&b.id));
        out.push(Block::Heading(self.t("第三方 SDK", "Third-party SDKs")));
        let rows = sdks
            .iter()
            .map(|s| {
                let vendor = g.node_of(&s.vendor).and_then(|n| g.party(n));
                let hosts: Vec<String> = s
                    .in_systems
                    .iter()
                    .filter_map(|id| g.inv.systems.iter().find(|x| &x.id == id).map(|x| x.name.clone()))
                    .collect();
                let purpose = g.purpose_of(&s.purpose).map(|p| g.inv.purposes[p as usize].name.clone());
                vec![
                    s.name.clone(),
                    vendor.map_or_else(|| s.vendor.to_string(), |v| v.name.clone()),
                    join(self.lang, &hosts),
                    purpose.unwrap_or_default(),
                    self.field_names(s.fields.iter().filter_map(|f| g.field_of(f))),
                    vendor
                        .and_then(|v| v.contact.clone().or_else(|| v.policy.clone()))
                        .unwrap_or_else(|| "—".to_owned()),
                ]
            })
            .collect();
        let header = vec![
            self.t("SDK 名称", "SDK"),
            self.t("提供方", "Provider"),
            self.t("所在产品", "Embedded in"),
            self.t("目的", "Purpose"),
            self.t("个人信息", "Personal information"),
            self.t("联系方式或隐私政策", "Contact or privacy policy"),
        ];
        out.push(Block::Table(header, rows));
    }

    fn cross_border(&self, out: &mut Vec<Block>) {
        let g = self.g;
        let inv = g.inv;
        let exports: Vec<&Edge> = g.edges.iter().filter(|e| e.cn_export() || e.eea_transfer()).collect();
        if exports.is_empty() {
            // A heading is a sentence to `notice-check`: "跨境提供" alone announces a transfer, so
            // the section says where the data stays instead.
            out.push(Block::Heading(self.t("个人信息的存储地点", "Where your personal information is kept")));
            out.push(Block::Para(self.t(
                "我们不向境外提供您的个人信息。",
                "We do not transfer your personal information to other countries.",
            )));
            return;
        }
        out.push(Block::Heading(self.t("跨境提供", "Transfers abroad")));
        let from = if exports.iter().any(|e| e.cn_export()) {
            self.t("中国大陆", "mainland China")
        } else {
            self.t("欧洲经济区", "the EEA")
        };
        out.push(Block::Para(self.t(
            &format!("我们向{from}境外的以下接收方提供个人信息："),
            &format!("We transfer personal information outside {from} to the following recipients:"),
        )));
        let mut rows: Vec<Vec<String>> = exports
            .iter()
            .map(|e| {
                let party = g.party(e.to);
                let method = match (e.origin(), e.kind) {
                    (Origin::Sdk(_), _) => self.t("第三方 SDK 直接收集", "collected directly by an embedded SDK"),
                    (_, FlowKind::Internal) => self.t("存储于我们位于境外的系统", "stored in our own systems abroad"),
                    (_, FlowKind::Entrust) => self.t("委托处理", "processing on our instructions"),
                    (_, FlowKind::Provide) => self.t("向其提供", "provided for its own purposes"),
                    (_, k) => k.as_str().to_owned(),
                };
                let mechanisms: Vec<String> = crate::rules::Facts::new(g)
                    .mechanisms_for(g, e)
                    .iter()
                    .map(|m| {
                        m.reference
                            .clone()
                            .map_or_else(|| m.kind.as_str().to_owned(), |r| format!("{} ({r})", m.kind.as_str()))
                    })
                    .collect();
                vec![
                    g.node_name(e.to).to_owned(),
                    join(self.lang, &g.node_countries(e.to).iter().map(|c| country(self.lang, c)).collect::<Vec<_>>()),
                    // The recipient's own contact (PIPL Art. 39), never ours in its place.
                    party
                        .and_then(|p| p.contact.clone().or_else(|| p.policy.clone()))
                        .unwrap_or_else(|| self.t("未说明", "not stated")),
                    inv.purposes[e.purpose as usize].name.clone(),
                    method,
                    self.field_names(g.fields(e).iter().copied()),
                    if mechanisms.is_empty() { "—".to_owned() } else { join(self.lang, &mechanisms) },
                ]
            })
            .collect();
        rows.sort();
        rows.dedup();
        out.push(Block::Table(
            vec![
                self.t("境外接收方", "Recipient abroad"),
                self.t("国家或地区", "Country"),
                self.t("联系方式", "Contact"),
                self.t("目的", "Purpose"),
                self.t("方式", "Method"),
                self.t("个人信息", "Personal information"),
                self.t("保障措施", "Safeguard"),
            ],
            rows,
        ));
        if let Some(c) = &inv.organization.contact {
            out.push(Block::Para(self.t(
                &format!("您可以通过上表所列联系方式，或通过我们（{c}），向境外接收方行使查阅、复制、更正、删除等权利。"),
                &format!("You can exercise your rights (access, copy, correction, deletion) against a recipient abroad through the contact listed above, or through us ({c})."),
            )));
        }
    }

    fn retention(&self, out: &mut Vec<Block>) {
        let inv = self.g.inv;
        let mut items: Vec<String> =
            inv.purposes.iter().filter_map(|p| p.retention.as_ref().map(|r| format!("{}: {r}", p.name))).collect();
        items.sort();
        if items.is_empty() {
            return;
        }
        out.push(Block::Heading(self.t("保存期限", "Retention period")));
        out.push(Block::Para(self.t(
            &format!("除上表按个人信息列明的保存期限外，各处理目的的保存期限为：{}。", join(self.lang, &items)),
            &format!("Besides the retention period of each field in the tables above, data kept for each purpose is retained as follows: {}.", items.join("; ")),
        )));
    }

    fn children(&self, out: &mut Vec<Block>) {
        let inv = self.g.inv;
        let kids: Vec<String> = inv.subjects.iter().filter(|s| s.children).map(|s| s.name.clone()).collect();
        if kids.is_empty() {
            return;
        }
        out.push(Block::Heading(self.t("儿童个人信息", "Children's personal information")));
        let mut p = self.t(
            &format!("{}中包括不满十四周岁的儿童。", join(self.lang, &kids)),
            &format!("{} include children under 14.", join(self.lang, &kids)),
        );
        let guardians: BTreeSet<String> = inv
            .consents
            .iter()
            .filter(|c| c.kind == ConsentKind::Guardian && c.covers.contains(&Requirement::Children))
            .map(|c| c.name.clone())
            .collect();
        if !guardians.is_empty() {
            let names = join(self.lang, &guardians.into_iter().collect::<Vec<_>>());
            let _ = write!(
                p,
                "{}",
                self.t(
                    &format!("处理儿童个人信息前，我们通过“{names}”取得其父母或其他监护人的同意。"),
                    &format!(" Before processing a child's personal information we obtain a parent's or guardian's consent through \"{names}\"."),
                )
            );
        }
        out.push(Block::Para(p));
    }

    /// Where to reach us, for the sections on rights, consent and complaints.
    fn reach_us(&self) -> String {
        let org = &self.g.inv.organization;
        match org.contact.as_deref().or(org.officer.as_deref()) {
            Some(c) => self.t(&format!("通过{c}联系我们"), &format!("by contacting us at {c}")),
            None => self.t("通过本政策第一节所列方式联系我们", "by contacting us as set out in section 1"),
        }
    }

    fn gdpr(&self) -> bool {
        self.g.edges.iter().any(|e| e.regimes().has(Regime::Gdpr))
    }

    /// PIPL Art. 44-50 (GDPR Art. 13(2)(b), 15-22): the rights and how to exercise them.
    fn rights(&self, out: &mut Vec<Block>) {
        out.push(Block::Heading(self.t("您的权利及行使方式", "Your rights and how to exercise them")));
        out.push(Block::Para(self.t(
            "依据《个人信息保护法》第四十四条至第五十条，您有权知悉、决定、限制或者拒绝对您个人信息的处理，有权查阅、复制、更正、补充、删除您的个人信息，有权请求将其转移至您指定的个人信息处理者，并有权要求我们对本政策作出解释说明。",
            "Under PIPL Art. 44-50 you have the right to know about and decide on the handling of your personal information, to restrict or refuse it, to access, copy, correct, complete and delete your personal information, to have it moved to another handler you name, and to ask us to explain this notice.",
        )));
        if self.gdpr() {
            out.push(Block::Para(self.t(
                "适用 GDPR 时，您还享有 GDPR 第十五条至第二十二条规定的权利，包括限制处理、数据可携带和反对处理的权利。",
                "Where the GDPR applies you also have the rights of GDPR Art. 15-22, including restriction of processing, data portability and the right to object.",
            )));
        }
        let reach = self.reach_us();
        out.push(Block::Para(self.t(
            &format!("您可以{reach}行使上述权利；我们将依法及时答复。"),
            &format!("You can exercise these rights {reach}; we will answer in the time the law sets."),
        )));
    }

    /// PIPL Art. 15 (GDPR Art. 7(3), 13(2)(c)): withdrawing consent, where anything rests on it.
    fn withdrawal(&self, out: &mut Vec<Block>) {
        let g = self.g;
        let on_consent = g.edges.iter().any(|e| {
            Regime::ALL
                .into_iter()
                .filter(|&r| e.regimes().has(r))
                .any(|r| crate::rules::basis(g, e, r) == Some(crate::model::Basis::Consent))
        });
        if !on_consent {
            return;
        }
        out.push(Block::Heading(self.t("撤回同意", "Withdrawing consent")));
        let reach = self.reach_us();
        out.push(Block::Para(self.t(
            &format!("对基于您的同意进行的处理，您可以随时{reach}撤回同意。撤回同意不影响撤回前基于您的同意已进行的处理活动的效力。"),
            &format!("Where we rely on your consent you can withdraw it at any time {reach}. Withdrawing consent does not affect processing carried out on your consent before you withdrew it."),
        )));
    }

    /// PIPL Art. 65 (GDPR Art. 13(2)(d), 77): complaints.
    fn complaints(&self, out: &mut Vec<Block>) {
        out.push(Block::Heading(self.t("投诉与举报", "Complaints")));
        let reach = self.reach_us();
        let mut p = self.t(
            &format!("如您认为我们的处理侵害了您的权益，可以{reach}；您也可以向网信部门等履行个人信息保护职责的部门投诉、举报（《个人信息保护法》第六十五条）。"),
            &format!("If you think our handling harms your rights you can complain {reach}; you can also complain to the Cyberspace Administration or another authority responsible for personal information protection (PIPL Art. 65)."),
        );
        if self.gdpr() {
            p.push_str(&self.t(
                "适用 GDPR 时，您有权向数据保护监管机构投诉（GDPR 第七十七条）。",
                " Where the GDPR applies you have the right to lodge a complaint with a supervisory authority (GDPR Art. 77).",
            ));
        }
        out.push(Block::Para(p));
    }

    /// PIPL Art. 14, 17 (second paragraph): how changes to the notice are made known.
    fn changes(&self, out: &mut Vec<Block>) {
        out.push(Block::Heading(self.t("本政策的变更", "Changes to this notice")));
        out.push(Block::Para(self.t(
            "本政策所列事项发生变更时，我们将更新本政策并将变更部分告知您；处理目的、处理方式或者个人信息种类的变更依法需要取得您的同意的，我们将重新取得您的同意。",
            "When anything this notice describes changes, we will update the notice and tell you what changed; where a change of purpose, method or kind of personal information needs your consent by law, we will ask for it again.",
        )));
    }

    /// Section numbers in order, whatever sections the inventory leaves out.
    fn number(&self, blocks: &mut [Block]) {
        const ZH: [&str; 20] = [
            "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四", "十五", "十六",
            "十七", "十八", "十九", "二十",
        ];
        let mut n = 0;
        for b in blocks {
            if let Block::Heading(s) = b {
                *s = match self.lang {
                    Lang::Zh => match ZH.get(n) {
                        Some(z) => format!("{z}、{s}"),
                        None => format!("{}、{s}", n + 1),
                    },
                    Lang::En => format!("{}. {s}", n + 1),
                };
                n += 1;
            }
        }
    }

    fn blocks(&self) -> Vec<Block> {
        let org = &self.g.inv.organization;
        let mut out = vec![Block::Title(
            self.t(&format!("{} 个人信息保护政策", org.name), &format!("{} privacy notice", org.name)),
        )];
        let regimes: Vec<&str> = Regime::ALL
            .iter()
            .filter(|r| self.g.edges.iter().any(|e| e.regimes().has(**r)))
            .map(|r| r.as_str())
            .collect();
        if !regimes.is_empty() {
            out.push(Block::Para(self.t(
                &format!("本政策依据 {} 的告知要求编写，内容来自我们的个人信息处理清单。", regimes.join("、")),
                &format!("This notice follows the information duties of the {} and is generated from our record of processing.", regimes.join(" and ")),
            )));
        }
        self.handler(&mut out);
        self.collection(&mut out);
        self.recipients(&mut out);
        self.sdks(&mut out);
        self.cross_border(&mut out);
        self.retention(&mut out);
        self.children(&mut out);
        self.rights(&mut out);
        self.withdrawal(&mut out);
        self.complaints(&mut out);
        self.changes(&mut out);
        self.number(&mut out);
        out
    }
}

/// Escape Markdown so inventory text stays text (a name cannot become a link or a heading).
fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '~' | '!' | '{' | '}' | '(' | ')' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

fn render_md(blocks: &[Block]) -> String {
    let mut out = String::new();
    for b in blocks {
        match b {
            Block::Title(s) => {
                let _ = writeln!(out, "# {}\n", md(s));
            }
            Block::Heading(s) => {
                let _ = writeln!(out, "## {}\n", md(s));
            }
            Block::Subheading(s) => {
                let _ = writeln!(out, "### {}\n", md(s));
            }
            Block::Para(s) => {
                let _ = writeln!(out, "{}\n", md(s));
            }
            Block::Table(h, rows) => {
                let _ = writeln!(out, "| {} |", h.iter().map(|c| md(c)).collect::<Vec<_>>().join(" | "));
                let _ = writeln!(out, "|{}", "---|".repeat(h.len()));
                for r in rows {
                    let _ = writeln!(out, "| {} |", r.iter().map(|c| md(c)).collect::<Vec<_>>().join(" | "));
                }
                out.push('\n');
            }
        }
    }
    out
}

fn render_html(blocks: &[Block], lang: Lang) -> String {
    use crate::report::table_html::escape as html;
    let title = blocks.iter().find_map(|b| if let Block::Title(s) = b { Some(s.as_str()) } else { None }).unwrap_or("");
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n</head>\n<body>\n",
        if lang == Lang::Zh { "zh-CN" } else { "en" },
        html(title)
    );
    for b in blocks {
        match b {
            Block::Title(s) => {
                let _ = writeln!(out, "<h1>{}</h1>", html(s));
            }
            Block::Heading(s) => {
                let _ = writeln!(out, "<h2>{}</h2>", html(s));
            }
            Block::Subheading(s) => {
                let _ = writeln!(out, "<h3>{}</h3>", html(s));
            }
            Block::Para(s) => {
                let _ = writeln!(out, "<p>{}</p>", html(s));
            }
            Block::Table(h, rows) => {
                out.push_str("<table>\n<thead><tr>");
                for c in h {
                    let _ = write!(out, "<th>{}</th>", html(c));
                }
                out.push_str("</tr></thead>\n<tbody>\n");
                for r in rows {
                    out.push_str("<tr>");
                    for c in r {
                        let _ = write!(out, "<td>{}</td>", html(c));
                    }
                    out.push_str("</tr>\n");
                }
                out.push_str("</tbody>\n</table>\n");
            }
        }
    }
    out.push_str("</body>\n</html>\n");
    out
}

/// The notice of an inventory, in one language and format.
pub fn generate(g: &FlowGraph, lang: Lang, format: Format) -> String {
    let blocks = Gen { g, lang }.blocks();
    match format {
        Format::Markdown => render_md(&blocks),
        Format::Html => render_html(&blocks, lang),
    }
}
