//! The mapping between piflow's vocabulary and Fides' (fideslang 3.x default taxonomy).
//!
//! Every table here is the single source of truth: export and import read it, and
//! `docs/fides-mapping.md` is generated from it ([`markdown`]; a test keeps the file in step).

use crate::model::{Basis, Role, SystemKind, taxonomy};

/// How a piflow field category is written in Fides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CategoryMap {
    /// A key of the piflow taxonomy.
    pub piflow: &'static str,
    /// The fideslang data category key.
    pub fides: &'static str,
    /// `fides` is not in the fideslang default taxonomy: the export defines it as a custom
    /// `data_category` under its parent, so Fides policies on the parent still match it.
    pub custom: bool,
}

const fn d(piflow: &'static str, fides: &'static str) -> CategoryMap {
    CategoryMap { piflow, fides, custom: false }
}
const fn x(piflow: &'static str, fides: &'static str) -> CategoryMap {
    CategoryMap { piflow, fides, custom: true }
}

/// One row per piflow category, sorted by the piflow key. The map is one-to-one, so an exported
/// category comes back as the same piflow key: where two piflow keys would share one fideslang
/// key (IMEI and OAID are both device ids), the less general one gets a custom child key.
pub const CATEGORIES: &[CategoryMap] = &[
    d("account.credentials", "user.authorization.credentials"),
    d("account.id", "user.unique_id"),
    d("account.nickname", "user.account.username"),
    d("behaviour.browsing", "user.behavior.browsing_history"),
    d("behaviour.purchase", "user.behavior.purchase_history"),
    d("behaviour.usage", "user.behavior"),
    d("belief.political", "user.demographic.political_opinion"),
    d("belief.religion", "user.demographic.religious_belief"),
    x("biometric.face", "user.biometric.face"),
    d("biometric.fingerprint", "user.biometric.fingerprint"),
    x("biometric.iris", "user.biometric.iris"),
    d("biometric.voice", "user.biometric.voice"),
    x("communication.calendar", "user.content.private.calendar"),
    x("communication.call-log", "user.content.private.call_log"),
    x("communication.contacts", "user.content.private.contacts"),
    d("communication.content", "user.content.private"),
    d("contact.address", "user.contact.address"),
    d("contact.email", "user.contact.email"),
    x("contact.im", "user.contact.im_handle"),
    d("contact.phone", "user.contact.phone_number"),
    d("criminal.record", "user.criminal_history"),
    x("device.android-id", "user.device.device_id.android_id"),
    x("device.app-list", "user.device.app_list"),
    d("device.id", "user.device.device_id"),
    x("device.idfa", "user.device.device_id.idfa"),
    x("device.imei", "user.device.device_id.imei"),
    d("device.ip", "user.device.ip_address"),
    x("device.mac", "user.device.device_id.mac_address"),
    x("device.model", "user.device.model"),
    x("device.oaid", "user.device.device_id.oaid"),
    x("education.record", "user.demographic.education"),
    d("employment.record", "user.workplace"),
    d("financial.bank-account", "user.financial.bank_account"),
    x("financial.credit", "user.financial.credit_history"),
    d("financial.payment", "user.payment"),
    x("financial.transactions", "user.financial.transactions"),
    d("genetic", "user.health_and_medical.genetic"),
    d("health.fitness", "user.biometric.health"),
    d("health.medical", "user.health_and_medical"),
    d("identity.birth-date", "user.demographic.date_of_birth"),
    d("identity.driver-license", "user.government_id.drivers_license_number"),
    d("identity.ethnicity", "user.demographic.race_ethnicity"),
    d("identity.gender", "user.demographic.gender"),
    d("identity.name", "user.name"),
    d("identity.national-id", "user.government_id.national_identification_number"),
    d("identity.passport", "user.government_id.passport_number"),
    d("identity.photo", "user.content.self_image"),
    d("location.coarse", "user.location.imprecise"),
    d("location.precise", "user.location.precise"),
    x("location.trajectory", "user.location.precise.trajectory"),
    x("membership.union", "user.demographic.trade_union_membership"),
    d("other", "user"),
    d("sex.orientation", "user.demographic.sexual_orientation"),
];

/// fideslang default categories with no piflow key of their own, and the piflow key an import
/// gives them (always listed in the import report as approximate). Chosen so that an
/// approximation never makes data look less sensitive than Fides says it is.
pub const APPROXIMATE_CATEGORIES: &[(&str, &str)] = &[
    ("user.account", "account.id"),
    ("user.account.settings", "other"),
    ("user.authorization", "account.credentials"),
    ("user.authorization.biometric", "biometric.fingerprint"),
    ("user.authorization.password", "account.credentials"),
    ("user.behavior.media_consumption", "behaviour.usage"),
    ("user.behavior.search_history", "behaviour.browsing"),
    ("user.biometric", "biometric.face"),
    ("user.biometric.retinal", "biometric.iris"),
    ("user.childrens", "other"),
    ("user.contact", "contact.address"),
    ("user.contact.address.city", "contact.address"),
    ("user.contact.address.country", "contact.address"),
    ("user.contact.address.postal_code", "contact.address"),
    ("user.contact.address.state", "contact.address"),
    ("user.contact.address.street", "contact.address"),
    ("user.contact.fax_number", "contact.phone"),
    ("user.contact.organization", "employment.record"),
    ("user.contact.url", "contact.im"),
    ("user.content", "communication.content"),
    ("user.content.public", "other"),
    ("user.demographic", "other"),
    ("user.demographic.age_range", "identity.birth-date"),
    ("user.demographic.language", "other"),
    ("user.demographic.marital_status", "other"),
    ("user.demographic.profile", "other"),
    ("user.device", "device.id"),
    ("user.device.cookie", "device.id"),
    ("user.device.cookie_id", "device.id"),
    ("user.financial", "financial.transactions"),
    ("user.financial.credit_card", "financial.payment"),
    ("user.government_id", "identity.national-id"),
    ("user.government_id.birth_certificate", "identity.national-id"),
    ("user.government_id.immigration", "identity.passport"),
    ("user.government_id.vehicle_registration", "identity.driver-license"),
    ("user.health_and_medical.insurance_beneficiary_id", "health.medical"),
    ("user.health_and_medical.record_id", "health.medical"),
    ("user.job_title", "employment.record"),
    ("user.location", "location.precise"),
    ("user.name.first", "identity.name"),
    ("user.name.last", "identity.name"),
    ("user.privacy_preferences", "other"),
    ("user.sensor", "other"),
    ("user.social", "communication.contacts"),
    ("user.telemetry", "behaviour.usage"),
    ("user.unique_id.pseudonymous", "account.id"),
    ("user.user_sensor", "other"),
];

/// The Fides category a piflow category exports as.
pub fn category_to_fides(piflow: &str) -> Option<&'static CategoryMap> {
    CATEGORIES.binary_search_by(|c| c.piflow.cmp(piflow)).ok().map(|i| &CATEGORIES[i])
}

/// How a Fides category key imports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CategoryImport {
    /// The key is in [`CATEGORIES`]: the import is exact.
    Exact(&'static str),
    /// The key is in [`APPROXIMATE_CATEGORIES`].
    Approximate(&'static str),
}

/// The piflow category for a Fides key known to the tables (no parent walk: see `import`).
pub fn category_from_fides(fides: &str) -> Option<CategoryImport> {
    if let Some(c) = CATEGORIES.iter().find(|c| c.fides == fides) {
        return Some(CategoryImport::Exact(c.piflow));
    }
    APPROXIMATE_CATEGORIES.iter().find(|(f, _)| *f == fides).map(|(_, p)| CategoryImport::Approximate(p))
}

/// GDPR Art. 6 bases as fideslang writes them (`legal_basis_for_processing`). PIPL-only bases
/// (`news-reporting`, `public-information`, `other-law`) have none.
pub const BASES: &[(Basis, Option<&str>)] = &[
    (Basis::Consent, Some("Consent")),
    (Basis::Contract, Some("Contract")),
    (Basis::LegalObligation, Some("Legal obligations")),
    (Basis::VitalInterests, Some("Vital interests")),
    (Basis::PublicTask, Some("Public interest")),
    (Basis::LegitimateInterests, Some("Legitimate interests")),
    (Basis::NewsReporting, None),
    (Basis::PublicInformation, None),
    (Basis::OtherLaw, None),
];

pub fn basis_to_fides(b: Basis) -> Option<&'static str> {
    BASES.iter().find(|(k, _)| *k == b).and_then(|(_, f)| *f)
}

pub fn basis_from_fides(s: &str) -> Option<Basis> {
    BASES.iter().find(|(_, f)| *f == Some(s)).map(|(b, _)| *b)
}

/// GDPR Art. 9(2) letters (`special_condition`) and fideslang's `special_category_legal_basis`.
pub const SPECIAL_CONDITIONS: &[(&str, &str)] = &[
    ("a", "Explicit consent"),
    ("b", "Employment, social security and social protection"),
    ("c", "Vital interests"),
    ("d", "Not-for-profit bodies"),
    ("e", "Made public by the data subject"),
    ("f", "Legal claims or judicial acts"),
    ("g", "Reasons of substantial public interest (with a basis in law)"),
    ("h", "Health or social care (with a basis in law)"),
    ("i", "Public health (with a basis in law)"),
    ("j", "Archiving, research and statistics (with a basis in law)"),
];

/// Transfer mechanisms as fideslang's `legal_basis_for_transfers` values.
pub const TRANSFERS: &[(&str, &str)] = &[
    ("eu-scc", "SCCs"),
    ("eu-bcr", "BCRs"),
    ("eu-derogation", "Other"),
    ("cn-security-assessment", "Other"),
    ("cn-standard-contract", "Other"),
    ("cn-certification", "Other"),
];

/// Our own systems' kinds as Fides `system_type`.
pub const SYSTEM_TYPES: &[(SystemKind, &str)] = &[
    (SystemKind::Web, "Application"),
    (SystemKind::App, "Application"),
    (SystemKind::MiniProgram, "Application"),
    (SystemKind::Service, "Service"),
    (SystemKind::Database, "Database"),
    (SystemKind::Saas, "SaaS"),
    (SystemKind::File, "File Storage"),
    (SystemKind::Other, "Service"),
];

pub fn system_type(kind: Option<SystemKind>) -> &'static str {
    kind.and_then(|k| SYSTEM_TYPES.iter().find(|(s, _)| *s == k)).map_or("Service", |(_, t)| t)
}

/// Outside parties are Fides systems too (Fides models a vendor as a system). `system_type`
/// tells them from our own systems; `responsibility` carries the GDPR role.
pub const ROLES: &[(Role, &str, Option<&str>)] = &[
    (Role::Processor, "Third Party", Some("Processor")),
    (Role::Controller, "Third Party", Some("Controller")),
    (Role::Authority, "Authority", None),
    (Role::Public, "Public", None),
];

/// The `system_type` values an import treats as an outside party (case-insensitive substrings).
pub const PARTY_SYSTEM_TYPES: &[&str] = &["third party", "third-party", "vendor", "processor", "authority", "public"];

/// A rule of the data-use heuristic: a purpose whose id, name or description contains one of
/// `words` (case-insensitive; English and Chinese) gets `use_key`. Rules are tried in order.
pub struct UseRule {
    pub words: &'static [&'static str],
    pub use_key: &'static str,
}

pub const DATA_USE_RULES: &[UseRule] = &[
    UseRule {
        words: &[
            "legal obligation",
            "law enforcement",
            "authorit",
            "regulator",
            "filing",
            "监管",
            "司法",
            "有权机关",
            "备案",
            "依法",
            "法律法规",
        ],
        use_key: "essential.legal_obligation",
    },
    UseRule {
        words: &["fraud", "risk control", "反欺诈", "诈骗", "风控"], use_key: "essential.fraud_detection"
    },
    UseRule {
        words: &["email marketing", "sms marketing", "newsletter", "营销短信", "营销邮件"],
        use_key: "marketing.communications",
    },
    UseRule {
        words: &["advertis", "marketing", "promotion", "广告", "营销", "推广"],
        use_key: "marketing.advertising",
    },
    UseRule { words: &["personali", "recommend", "个性化", "推荐", "定制"], use_key: "personalize.content" },
    UseRule { words: &["analytic", "statistic", "reporting", "统计", "分析"], use_key: "analytics.reporting" },
    UseRule { words: &["recruit", "applicant", "hiring", "招聘", "应聘"], use_key: "employment.recruitment" },
    UseRule {
        words: &["employee", "payroll", "human resource", "personnel", "员工", "人事", "人力资源", "薪酬"],
        use_key: "employment",
    },
    UseRule {
        words: &["payment", "billing", "invoice", "支付", "结算", "账单", "发票"],
        use_key: "essential.service.payment_processing",
    },
    UseRule { words: &["security", "安全"], use_key: "essential.service.security" },
    UseRule {
        words: &[
            "login",
            "log-in",
            "sign-in",
            "authenticat",
            "account",
            "identity verification",
            "kyc",
            "登录",
            "认证",
            "账户",
            "账号",
            "实名",
        ],
        use_key: "essential.service.authentication",
    },
    UseRule {
        words: &["notification", "notify", "sms", "通知", "短信"], use_key: "essential.service.notifications"
    },
    UseRule {
        words: &["customer service", "support", "complaint", "客服", "投诉", "售后"],
        use_key: "essential.service.operations.support",
    },
    UseRule {
        words: &["improve", "optimi", "research", "优化", "改进", "研发"],
        use_key: "functional.service.improve",
    },
];

/// When no rule matches: a contract purpose is taken as the service itself; anything else as
/// `collect` ("a purpose not yet expressly defined"), which claims nothing a policy would wave
/// through as essential, so a reviewer sees it and picks a precise key.
pub const DEFAULT_USE_CONTRACT: &str = "essential.service";
pub const DEFAULT_USE: &str = "collect";

/// A rule of the subject heuristic: a subject group whose id or name contains one of `words`
/// is also declared as this fideslang data subject.
pub const SUBJECT_RULES: &[(&[&str], &str)] = &[
    (&["applicant", "candidate", "求职", "应聘"], "job_applicant"),
    (&["employee", "staff", "worker", "员工", "职工", "雇员"], "employee"),
    (&["patient", "患者", "病人"], "patient"),
    (&["passenger", "乘客", "旅客"], "passenger"),
    (&["visitor", "访客", "来访"], "visitor"),
    (&["supplier", "vendor", "partner", "供应商", "合作伙伴", "服务商"], "supplier_vendor"),
    (&["prospect", "lead", "潜在"], "prospect"),
    (&["shareholder", "股东"], "shareholder"),
    (&["consultant", "contractor", "顾问"], "consultant"),
    (&["trainee", "intern", "student", "实习", "学员", "学生"], "trainee"),
    (&["next of kin", "emergency contact", "family", "家属", "亲属", "紧急联系人"], "next_of_kin"),
    (&["voter", "citizen", "选民", "公民"], "citizen_voter"),
    (&["commuter", "通勤"], "commuter"),
];

/// When no subject rule matches.
pub const DEFAULT_SUBJECT: &str = "customer";

/// The fideslang default data subjects.
pub const FIDES_SUBJECTS: &[&str] = &[
    "anonymous_user",
    "citizen_voter",
    "commuter",
    "consultant",
    "customer",
    "employee",
    "job_applicant",
    "next_of_kin",
    "passenger",
    "patient",
    "prospect",
    "shareholder",
    "supplier_vendor",
    "trainee",
    "visitor",
];

/// The fideslang default data uses, with their names.
pub const FIDES_USES: &[(&str, &str)] = &[
    ("analytics", "Analytics"),
    ("analytics.reporting", "Analytics for Reporting"),
    ("analytics.reporting.ad_performance", "Analytics for Advertising Performance"),
    ("analytics.reporting.campaign_insights", "Analytics for Insights"),
    ("analytics.reporting.content_performance", "Analytics for Content Performance"),
    ("analytics.reporting.system", "Analytics for System Activity"),
    ("analytics.reporting.system.performance", "Analytics for System Performance"),
    ("collect", "Collect"),
    ("employment", "Employment"),
    ("employment.recruitment", "Employment Recruitment"),
    ("essential", "Essential"),
    ("essential.fraud_detection", "Essential Fraud Detection"),
    ("essential.legal_obligation", "Essential Legal Obligation"),
    ("essential.service", "Essential for Service"),
    ("essential.service.authentication", "Essential Service Authentication"),
    ("essential.service.notifications", "Essential Service Notifications"),
    ("essential.service.notifications.email", "Essential Email Service Notifications"),
    ("essential.service.notifications.sms", "Essential SMS Service Notifications"),
    ("essential.service.operations", "Essential for Operations"),
    ("essential.service.operations.improve", "Essential for Support Improvement"),
    ("essential.service.operations.support", "Essential for Operations Support"),
    ("essential.service.payment_processing", "Essential for Payment Processing"),
    ("essential.service.security", "Essential for Security"),
    ("essential.service.upgrades", "Essential for Service Upgrades"),
    ("finance", "Finance"),
    ("functional", "Functional"),
    ("functional.service", "Service"),
    ("functional.service.improve", "Improve Service"),
    ("functional.storage", "Local Data Storage"),
    ("functional.storage.privacy_preferences", "Local Data Storage for Privacy Preferences"),
    ("marketing", "Marketing"),
    ("marketing.advertising", "Advertising, Marketing or Promotion"),
    ("marketing.advertising.first_party", "First Party Advertising"),
    ("marketing.advertising.first_party.contextual", "First Party Contextual Advertising"),
    ("marketing.advertising.first_party.targeted", "First Party Personalized Advertising"),
    ("marketing.advertising.frequency_capping", "Frequency Capping"),
    ("marketing.advertising.negative_targeting", "Negative Targeting"),
    ("marketing.advertising.profiling", "Profiling for Advertising"),
    ("marketing.advertising.serving", "Essential for Serving Ads"),
    ("marketing.advertising.third_party", "Third Party Advertising"),
    ("marketing.advertising.third_party.targeted", "Third Party Targeted Advertising"),
    ("marketing.communications", "Marketing Communications"),
    ("marketing.communications.email", "Marketing Email Communications"),
    ("marketing.communications.sms", "Marketing SMS Communications"),
    ("operations", "Operations"),
    ("personalize", "Personalize"),
    ("personalize.content", "Content Personalization"),
    ("personalize.content.limited", "Limited Content Personalization"),
    ("personalize.content.profiled", "Targeted Content Personalization"),
    ("personalize.content.profiling", "Profiling for Personalization"),
    ("personalize.profiling", "Personalized Profiling"),
    ("personalize.system", "System Personalization"),
    ("sales", "Sales"),
    ("third_party_sharing", "Third Party Sharing"),
    ("third_party_sharing.legal_obligation", "Sharing for Legal Obligation"),
    ("train_ai_system", "Train AI System"),
];

pub fn is_fides_use(key: &str) -> bool {
    FIDES_USES.binary_search_by(|(k, _)| (*k).cmp(key)).is_ok()
}

/// The fideslang default data category keys (for telling a custom key from a default one).
pub const FIDES_CATEGORIES: &[&str] = &[
    "system",
    "system.authentication",
    "system.operations",
    "user",
    "user.account",
    "user.account.settings",
    "user.account.username",
    "user.authorization",
    "user.authorization.biometric",
    "user.authorization.credentials",
    "user.authorization.password",
    "user.behavior",
    "user.behavior.browsing_history",
    "user.behavior.media_consumption",
    "user.behavior.purchase_history",
    "user.behavior.search_history",
    "user.biometric",
    "user.biometric.fingerprint",
    "user.biometric.health",
    "user.biometric.retinal",
    "user.biometric.voice",
    "user.childrens",
    "user.contact",
    "user.contact.address",
    "user.contact.address.city",
    "user.contact.address.country",
    "user.contact.address.postal_code",
    "user.contact.address.state",
    "user.contact.address.street",
    "user.contact.email",
    "user.contact.fax_number",
    "user.contact.organization",
    "user.contact.phone_number",
    "user.contact.url",
    "user.content",
    "user.content.private",
    "user.content.public",
    "user.content.self_image",
    "user.criminal_history",
    "user.demographic",
    "user.demographic.age_range",
    "user.demographic.date_of_birth",
    "user.demographic.gender",
    "user.demographic.language",
    "user.demographic.marital_status",
    "user.demographic.political_opinion",
    "user.demographic.profile",
    "user.demographic.race_ethnicity",
    "user.demographic.religious_belief",
    "user.demographic.sexual_orientation",
    "user.device",
    "user.device.cookie",
    "user.device.cookie_id",
    "user.device.device_id",
    "user.device.ip_address",
    "user.financial",
    "user.financial.bank_account",
    "user.financial.credit_card",
    "user.government_id",
    "user.government_id.birth_certificate",
    "user.government_id.drivers_license_number",
    "user.government_id.immigration",
    "user.government_id.national_identification_number",
    "user.government_id.passport_number",
    "user.government_id.vehicle_registration",
    "user.health_and_medical",
    "user.health_and_medical.genetic",
    "user.health_and_medical.insurance_beneficiary_id",
    "user.health_and_medical.record_id",
    "user.job_title",
    "user.location",
    "user.location.imprecise",
    "user.location.precise",
    "user.name",
    "user.name.first",
    "user.name.last",
    "user.payment",
    "user.privacy_preferences",
    "user.sensor",
    "user.social",
    "user.telemetry",
    "user.unique_id",
    "user.unique_id.pseudonymous",
    "user.user_sensor",
    "user.workplace",
];

pub fn is_fides_category(key: &str) -> bool {
    FIDES_CATEGORIES.binary_search(&key).is_ok()
}

/// The fideslang data use for a purpose: its id when that is already a fideslang key (as
/// `piflow import fides` names purposes), else the first [`DATA_USE_RULES`] match on its id and
/// name, else the
/// default for its basis.
pub fn data_use_for(id: &str, name: &str, contract: bool) -> &'static str {
    if let Some((k, _)) = FIDES_USES.iter().find(|(k, _)| *k == id) {
        return k;
    }
    // Not the description: it tends to mention neighbouring purposes.
    let text = format!("{id} {name}").to_lowercase();
    for rule in DATA_USE_RULES {
        if rule.words.iter().any(|w| text.contains(w)) {
            return rule.use_key;
        }
    }
    if contract { DEFAULT_USE_CONTRACT } else { DEFAULT_USE }
}

/// The fideslang data subject a subject group is declared as besides itself.
pub fn subject_for(id: &str, name: &str) -> &'static str {
    if let Ok(i) = FIDES_SUBJECTS.binary_search(&id) {
        return FIDES_SUBJECTS[i];
    }
    let text = format!("{id} {name}").to_lowercase();
    SUBJECT_RULES.iter().find(|(words, _)| words.iter().any(|w| text.contains(w))).map_or(DEFAULT_SUBJECT, |(_, s)| s)
}

/// The mapping as Markdown: `docs/fides-mapping.md`.
pub fn markdown() -> String {
    let mut s = String::new();
    s.push_str("# piflow ↔ Fides mapping\n\n");
    s.push_str(
        "Generated from `src/fides/mapping.rs` (a test fails when this file is stale; \
         `PIFLOW_BLESS=1 cargo test --test fides` rewrites it). Fides keys are those of the \
         fideslang 3.x default taxonomy. `piflow convert INV OUT.yml --to fides` writes a \
         manifest; `piflow import fides FILE… -o DIR` reads one back.\n\n",
    );
    s.push_str(
        "## Field categories\n\nOne-to-one, so a category survives a round trip. *custom* keys are not in the \
                fideslang default taxonomy: the export defines them as `data_category` resources under \
                their parent key, so a Fides policy on the parent still matches them.\n\n",
    );
    s.push_str("| piflow category | name | Fides data category | custom |\n|---|---|---|---|\n");
    for c in CATEGORIES {
        let name = taxonomy::category(c.piflow).map_or("", |t| t.en);
        s.push_str(&format!("| `{}` | {} | `{}` | {} |\n", c.piflow, name, c.fides, if c.custom { "yes" } else { "" }));
    }
    s.push_str("\n## Fides categories without a piflow key (import only, reported as approximate)\n\n");
    s.push_str(
        "A custom Fides category not listed here imports as its nearest listed ancestor. \
                `system.*` categories are not personal information and are reported as not mapped.\n\n",
    );
    s.push_str("| Fides data category | piflow category |\n|---|---|\n");
    for (f, p) in APPROXIMATE_CATEGORIES {
        s.push_str(&format!("| `{f}` | `{p}` |\n"));
    }
    s.push_str(
        "\n## Lawful bases\n\n`legal_basis_for_processing` of a privacy declaration carries the purpose's GDPR basis \
                (its only basis when it has one for every regime, else its `GDPR` one, else its `PIPL` one). \
                PIPL-only bases have no Fides value; the exact basis travels in the data use's \
                `piflow:basis=` tag. An import of a declaration without a legal basis assumes `consent` \
                (the basis that asks most of the inventory) and reports it.\n\n",
    );
    s.push_str("| piflow basis | Fides legal_basis_for_processing |\n|---|---|\n");
    for (b, f) in BASES {
        s.push_str(&format!("| `{}` | {} |\n", b.as_str(), f.map_or("— (PIPL only)".to_owned(), |f| format!("`{f}`"))));
    }
    s.push_str("\n## GDPR Art. 9(2) conditions\n\n| piflow special_condition | Fides special_category_legal_basis |\n|---|---|\n");
    for (l, f) in SPECIAL_CONDITIONS {
        s.push_str(&format!("| `{l}` | `{f}` |\n"));
    }
    s.push_str(
        "\n## Systems and parties\n\nEach own system and each outside party is a Fides `system` \
                (Fides models a vendor as a system). Our systems have `responsibility: [Controller]` and a \
                `system_type` from their kind; parties have the type and responsibility of their role (a \
                processor that another party lists as a subprocessor is a `Sub-Processor`). On import, a \
                system whose `system_type` contains one of *third party, vendor, processor, authority, public* \
                is a party; its role comes from `responsibility` (Processor/Sub-Processor → processor, \
                Controller → controller), else from the type, else `controller` (reported).\n\n",
    );
    s.push_str("| piflow | Fides system_type | responsibility |\n|---|---|---|\n");
    for (k, t) in SYSTEM_TYPES {
        let kind = serde_json::to_value(k).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
        s.push_str(&format!("| system, kind `{kind}` | `{t}` | `Controller` |\n"));
    }
    for (r, t, resp) in ROLES {
        s.push_str(&format!(
            "| party, role `{}` | `{t}` | {} |\n",
            r.as_str(),
            resp.map_or("—".to_owned(), |x| format!("`{x}`"))
        ));
    }
    s.push_str(
        "\nOther system attributes: `owner` → `administrating_department`; `security` → \
                `data_security_practices`; party `contract` → `dpa_location`; `policy` (an http(s) URL) → \
                `privacy_policy`; `contact` → `dpo`. A system with a flow to another country has \
                `does_international_transfers: true` and `legal_basis_for_transfers` from the flows' \
                mechanisms:\n\n| piflow mechanism | Fides legal_basis_for_transfers |\n|---|---|\n",
    );
    for (m, f) in TRANSFERS {
        s.push_str(&format!("| `{m}` | `{f}` |\n"));
    }
    s.push_str(
        "\n## Purposes → data uses\n\nEach purpose becomes a custom `data_use` whose parent is the \
                fideslang use below (so policies on the parent match it) and a privacy declaration on every \
                system its flows touch. A purpose whose id is a fideslang key, or a child of one (as `import` names them), keeps it as its key. Otherwise the parent is \
                the first rule whose words occur in the purpose's id or name (case-insensitive):\n\n",
    );
    s.push_str("| words | Fides data use |\n|---|---|\n");
    for r in DATA_USE_RULES {
        s.push_str(&format!("| {} | `{}` |\n", r.words.join(", "), r.use_key));
    }
    s.push_str(&format!(
        "| (none; basis `contract`) | `{DEFAULT_USE_CONTRACT}` |\n| (none; other basis) | `{DEFAULT_USE}` (not yet expressly defined: review it) |\n"
    ));
    s.push_str(
        "\n## Subjects → data subjects\n\nEach subject group becomes a custom `data_subject`; declarations \
                list it together with the fideslang subject of the first rule matching its id or name:\n\n",
    );
    s.push_str("| words | Fides data subject |\n|---|---|\n");
    for (w, k) in SUBJECT_RULES {
        s.push_str(&format!("| {} | `{k}` |\n", w.join(", ")));
    }
    s.push_str(&format!("| (none) | `{DEFAULT_SUBJECT}` |\n"));
    s.push_str(
        "\n## Flows\n\nA flow from system A to node B for purpose P is an `egress` of A (type `system`, with the \
                flow's data categories) named by A's declaration for P, and an `ingress` of B named by B's \
                declaration for P; a flow from a subject group is an `ingress` of type `user`. SDKs export as \
                the flows they imply. Flows with the same source, destination and purpose merge into one \
                Fides edge; flow ids, volumes, consents, mechanisms and notes have no Fides place. Databases \
                (kind `database` or `file`) also get a `dataset` listing the fields they receive.\n\n",
    );
    s.push_str(
        "## What only piflow knows\n\nFides has no place for countries, subject volumes or the exact piflow \
                records. The export keeps them so that `import` gives back the same inventory: in `meta.piflow` \
                of each system (the system or party record, the fields it is first to receive, the flows into \
                it) and in `piflow:key=value` tags of the organization, data subjects and data uses. Fides \
                ignores both. Consents, mechanisms, waivers and SDK records are not exported; `convert` says so.\n\n",
    );
    s.push_str(
        "## Rules 1.1 keys\n\nThe 1.1 keys are Chinese legal facts that fideslang has no term for, so no Fides \
                policy can act on them; the export keeps each one for the round trip and `convert` lists what \
                Fides cannot see:\n\n\
                | piflow key | in the manifest | what Fides sees |\n|---|---|---|\n\
                | field `important` (重要数据) | the field record in `meta.piflow` | nothing: important data is a \
                PRC notion (Data Security Law Art. 21); its data category is the field's category as usual |\n\
                | system `app_type` | the system record in `meta.piflow` | nothing: fideslang has no app type |\n\
                | purpose `basic` (基本功能服务) | tag `piflow:basic=true` of the data use | nothing: the basic \
                function service of the 2021 Provisions has no fideslang term |\n\
                | organization `last_audit` | tag `piflow:last_audit=DATE` | nothing: Fides has no audit record |\n\
                | organization `filings` | one tag `piflow:filing=KIND\\|DATE\\|REFERENCE` each | nothing: Fides \
                has no CAC filing |\n\
                | `description` of systems, parties, purposes, subjects, the organization | the Fides \
                `description` | the text |\n\
                | `description` of fields | the field record in `meta.piflow` | the field's name on a dataset field |\n\n\
                Flows' `volume`, `subjects`, `basis`, `consents` and `note` are **lost**: Fides edges join \
                every flow with the same source, destination and purpose and have no head-count, and adding \
                the volumes of merged flows would count the same people twice. After `import` those volumes \
                are absent, which piflow reads as unknown, never zero: the export tier becomes a lower bound \
                and `pipl-38-volume-unknown` asks for them again. Subject groups' `volume` survives (a tag).\n\n",
    );
    s.push_str(
        "The exported manifest also holds one policy, `piflow_sensitive_data`, so `fides evaluate` has a \
                rule to judge: sensitive or special-category data (biometric, government id, health, financial, \
                precise location, criminal history, beliefs, ethnicity, sexual orientation, children's data) \
                must not serve marketing or personalization.\n",
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_piflow_category_once_and_one_to_one() {
        let keys: Vec<&str> = CATEGORIES.iter().map(|c| c.piflow).collect();
        let tax: Vec<&str> = taxonomy::CATEGORIES.iter().map(|c| c.key).collect();
        assert_eq!(keys, tax);
        let mut fides: Vec<&str> = CATEGORIES.iter().map(|c| c.fides).collect();
        fides.sort_unstable();
        fides.dedup();
        assert_eq!(fides.len(), CATEGORIES.len());
    }

    #[test]
    fn custom_flags_match_the_default_taxonomy() {
        for c in CATEGORIES {
            assert_eq!(c.custom, !is_fides_category(c.fides), "{}", c.fides);
            if c.custom {
                let parent = c.fides.rsplit_once('.').map(|(p, _)| p).unwrap_or("");
                assert!(is_fides_category(parent), "custom {} needs a default parent", c.fides);
            }
        }
        for (f, p) in APPROXIMATE_CATEGORIES {
            assert!(is_fides_category(f), "{f}");
            assert!(taxonomy::category(p).is_some(), "{p}");
            assert!(CATEGORIES.iter().all(|c| c.fides != *f), "{f} is exact");
        }
    }

    #[test]
    fn tables_sorted() {
        assert!(FIDES_CATEGORIES.windows(2).all(|w| w[0] < w[1]));
        assert!(FIDES_USES.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(FIDES_SUBJECTS.windows(2).all(|w| w[0] < w[1]));
        assert!(DATA_USE_RULES.iter().all(|r| is_fides_use(r.use_key)));
    }

    #[test]
    fn heuristics() {
        assert_eq!(data_use_for("ads", "Targeted advertising", false), "marketing.advertising");
        assert_eq!(data_use_for("login", "Account login", true), "essential.service.authentication");
        assert_eq!(data_use_for("x", "依法向监管部门报送", false), "essential.legal_obligation");
        assert_eq!(data_use_for("x", "Something", true), "essential.service");
        assert_eq!(data_use_for("x", "Something", false), "collect");
        assert_eq!(data_use_for("marketing.advertising", "whatever", false), "marketing.advertising");
        assert_eq!(subject_for("staff", "Employees"), "employee");
        assert_eq!(subject_for("users", "Registered users"), "customer");
        assert_eq!(subject_for("patient", "x"), "patient");
    }
}
