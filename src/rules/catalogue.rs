//! The rule catalogue as data: every rule's code, severity, regime, title, citation, what the law
//! says and how to fix it, in one table. The rule families (`integrity`, `pipl`, `gdpr`,
//! `declared`, `notice`) hold only the functions that decide when a rule fires; they re-export
//! their entries from here, so `pipl::BASIS` names the same entry as `catalogue::pipl::BASIS`.
//! `docs/rules.md` and `piflow explain` are generated from [`CATALOGUE`].

use crate::finding::{Rule, Severity};
use crate::model::Regime;

const PIPL: Option<Regime> = Some(Regime::Pipl);
const GDPR: Option<Regime> = Some(Regime::Gdpr);

const fn rule(
    regime: Option<Regime>,
    code: &'static str,
    severity: Severity,
    title: &'static str,
    citation: &'static str,
    law: &'static str,
    fix: &'static str,
) -> Rule {
    Rule { code, severity, regime, title, citation, law, fix, appendix: None }
}

impl Rule {
    /// The entry with data it reads from outside the inventory, shown by `explain`.
    const fn with_appendix(self, appendix: fn() -> String) -> Rule {
        Rule { appendix: Some(appendix), ..self }
    }
}

/// Every rule, in the order the catalogue lists them: integrity, PIPL, GDPR, declared-vs-observed,
/// notice.
pub const CATALOGUE: &[&Rule] = &[
    &integrity::FIELD_FROM_NOWHERE,
    &integrity::UNUSED_FIELD,
    &integrity::ISOLATED_NODE,
    &integrity::NO_RETENTION,
    &integrity::MECHANISM_EXPIRED,
    &integrity::WAIVER_EXPIRED,
    &integrity::CONSENT_UNUSED,
    &pipl::BASIS,
    &pipl::CONSENT,
    &pipl::CONTRACT,
    &pipl::SUBENTRUST,
    &pipl::PROVIDE,
    &pipl::DISCLOSE,
    &pipl::SENSITIVE,
    &pipl::MINOR,
    &pipl::MECHANISM,
    &pipl::EXEMPT,
    &pipl::VOLUME_UNKNOWN,
    &pipl::CROSS_BORDER_CONSENT,
    &pipl::CROSS_BORDER_RECIPIENT,
    &pipl::FOREIGN_AUTHORITY,
    &pipl::OFFICER,
    &pipl::OFFICER_FILING,
    &pipl::REPRESENTATIVE,
    &pipl::AUDIT,
    &pipl::ASSESSMENT,
    &pipl::FACE_FILING,
    &pipl::NECESSARY,
    &gdpr::BASIS,
    &gdpr::CONSENT,
    &gdpr::CHILD,
    &gdpr::SPECIAL,
    &gdpr::CRIMINAL,
    &gdpr::REPRESENTATIVE,
    &gdpr::CONTRACT,
    &gdpr::SUBPROCESSOR,
    &gdpr::ASSESSMENT,
    &gdpr::TRANSFER,
    &gdpr::DEROGATION,
    &declared::UNDECLARED_HOST,
    &declared::UNDECLARED_SDK,
    &declared::UNOBSERVED_SDK,
    &declared::PERMISSION_UNUSED,
    &declared::PERMISSION_MISSING,
    &declared::MANIFEST_DATA_UNDECLARED,
    &notice::CHILDREN_MISSING,
    &notice::CROSS_BORDER_EXTRA,
    &notice::CROSS_BORDER_UNDISCLOSED,
    &notice::FIELD_EXTRA,
    &notice::FIELD_UNMENTIONED,
    &notice::HANDLER,
    &notice::RECIPIENT_UNNAMED,
    &notice::RETENTION_MISSING,
    &notice::SDK_UNNAMED,
    &notice::SENSITIVE_NO_STATEMENT,
];

/// Integrity of the inventory itself (any regime).
pub mod integrity {
    use super::*;

    pub const FIELD_FROM_NOWHERE: Rule = rule(
        None,
        "inv-field-from-nowhere",
        Severity::Error,
        "A flow carries a field out of a system or party that nothing brings it to",
        "PIPL Art. 51, 55; GDPR Art. 30",
        "A record of processing must show where data comes from. Data that leaves a system without \
         ever arriving there means the map is missing a collection or an internal flow, so every \
         conclusion drawn from the map about that field is unreliable.",
        "Add the flow that brings the field to the source (for example the collection from the subjects \
         who provide it), or, for data a party holds on its own, name the `subjects` on the flow out of it.",
    );
    pub const UNUSED_FIELD: Rule = rule(
        None,
        "inv-unused-field",
        Severity::Warning,
        "A field is in no flow and no sdk",
        "PIPL Art. 6 (minimisation); GDPR Art. 5(1)(c)",
        "Data that is declared but never flows is either not collected (remove it) or collected \
         somewhere the map does not show (add the flow). Either way the inventory is wrong.",
        "Add the flows that carry the field, or delete the field.",
    );
    pub const ISOLATED_NODE: Rule = rule(
        None,
        "inv-isolated-node",
        Severity::Warning,
        "A system or party is in no flow and no sdk",
        "PIPL Art. 51; GDPR Art. 30",
        "A system or recipient that receives and sends nothing is either obsolete or its flows are \
         missing from the map.",
        "Add its flows, or remove it from the inventory.",
    );
    pub const NO_RETENTION: Rule = rule(
        None,
        "inv-no-retention",
        Severity::Warning,
        "A field is kept with no stated retention",
        "PIPL Art. 19; GDPR Art. 5(1)(e), 30(1)(f)",
        "Personal information may be kept only as long as the purpose needs (PIPL Art. 19), and the \
         record of processing states the envisaged time limits for erasure (GDPR Art. 30(1)(f)).",
        "State `retention` on the field, or on each purpose it flows for (free text or ISO 8601, e.g. P3Y).",
    );
    pub const MECHANISM_EXPIRED: Rule = rule(
        None,
        "inv-mechanism-expired",
        Severity::Warning,
        "A cross-border mechanism is past its `valid_until`",
        "PIPL Art. 38; CAC Provisions 2024 Art. 9; GDPR Art. 46",
        "An expired security assessment, standard contract or SCC no longer legitimises a transfer; \
         piflow then treats it as absent.",
        "Renew the mechanism and update `valid_until`, or stop the flows that rely on it.",
    );
    pub const WAIVER_EXPIRED: Rule = rule(
        None,
        "inv-waiver-expired",
        Severity::Warning,
        "A waiver is past its `until` date",
        "piflow waivers",
        "A waiver records an accepted risk for a limited time. Once it expires the finding it hid is \
         reported again, so the planned fix is not forgotten.",
        "Fix the finding and delete the waiver, or renew it with a new `until` and reason.",
    );
    pub const CONSENT_UNUSED: Rule = rule(
        None,
        "inv-consent-unused",
        Severity::Note,
        "A consent is referenced by no flow, purpose or sdk",
        "PIPL Art. 14; GDPR Art. 7",
        "A consent that no processing relies on is either stale or meant to cover flows that do not \
         list it, in which case those flows are judged without it.",
        "Reference the consent from the purposes, flows or sdks it covers, or delete it.",
    );
}

/// PIPL and the CAC cross-border Provisions.
pub mod pipl {
    use super::*;

    pub const BASIS: Rule = rule(
        PIPL,
        "pipl-13-basis",
        Severity::Error,
        "No lawful basis PIPL knows",
        "PIPL Art. 13",
        "Art. 13 allows processing only with consent, when necessary for a contract with the individual \
         or for HR management, for a legal duty, in an emergency to protect life, health or property, \
         for news reporting in the public interest, for information the individual or others lawfully \
         made public, or where another law allows it. There is no legitimate-interests basis.",
        "Give the purpose (or flow) a PIPL basis: `consent`, `contract`, `legal-obligation`, \
         `vital-interests`, `news-reporting`, `public-information` or `other-law`; where the GDPR basis \
         differs, write an object per regime.",
    );
    pub const CONSENT: Rule = rule(
        PIPL,
        "pipl-14-consent",
        Severity::Error,
        "Basis is consent but no consent covers processing of the fields",
        "PIPL Art. 14",
        "Consent must be informed, voluntary and explicit, and given for the processing actually done.",
        "Declare how consent is obtained (`consents`, for `processing`) and reference it from the purpose \
         or flow; limit it with `fields` only to what the consent wording names.",
    );
    pub const SENSITIVE: Rule = rule(
        PIPL,
        "pipl-29-sensitive",
        Severity::Error,
        "Sensitive PI on consent without separate consent",
        "PIPL Art. 28, 29",
        "Sensitive personal information (biometrics, religion, specific identity, medical, financial \
         accounts, whereabouts, …) may be processed on the basis of consent only with the individual's \
         separate consent (单独同意), after telling them why it is necessary and its impact (Art. 30).",
        "Obtain a separate consent for the sensitive fields (`kind: separate`, `for: [sensitive]`) and \
         reference it from the purpose or flow.",
    );
    pub const MINOR: Rule = rule(
        PIPL,
        "pipl-31-minor",
        Severity::Error,
        "Children's data on consent without a guardian's consent",
        "PIPL Art. 28, 31",
        "PI of minors under 14 is sensitive PI; processing it needs the consent of a parent or other \
         guardian, and special processing rules.",
        "Obtain a guardian's consent (`kind: guardian`, `for: [children]`) and reference it.",
    );
    pub const CONTRACT: Rule = rule(
        PIPL,
        "pipl-21-contract",
        Severity::Error,
        "Entrusted processing with no agreement",
        "PIPL Art. 21",
        "A handler that entrusts processing must agree with the entrusted party the purpose, time \
         limit, method, categories, protection measures and both sides' rights and duties, and \
         supervise it.",
        "Sign an entrustment agreement (DPA) with the processor and record its reference in `contract`.",
    );
    pub const SUBENTRUST: Rule = rule(
        PIPL,
        "pipl-21-subentrust",
        Severity::Error,
        "A processor passes data on to a party we did not authorise",
        "PIPL Art. 21",
        "An entrusted party may not re-entrust processing to others without the handler's consent.",
        "Authorise the sub-processor in the processor's `subprocessors` (after vetting it), or stop the flow.",
    );
    pub const PROVIDE: Rule = rule(
        PIPL,
        "pipl-23-provide",
        Severity::Error,
        "Provided to another handler without separate consent",
        "PIPL Art. 23",
        "Providing PI to another handler requires telling individuals the recipient's name, contact, \
         purpose, method and categories, and their separate consent (when consent is the basis).",
        "Obtain a separate consent with `provide` that covers this recipient, and reference it.",
    );
    pub const DISCLOSE: Rule = rule(
        PIPL,
        "pipl-25-disclose",
        Severity::Error,
        "Made public without separate consent",
        "PIPL Art. 25",
        "PI may not be made public unless the individual separately consents, or a law requires it.",
        "Obtain a separate consent with `disclose`, or, where a law requires publication, set the basis \
         to `legal-obligation`.",
    );
    pub const MECHANISM: Rule = rule(
        PIPL,
        "pipl-38-mechanism",
        Severity::Error,
        "Export without the mechanism its volume requires",
        "PIPL Art. 38; CAC Provisions 2024 Art. 5, 7, 8",
        "PI leaving mainland China needs a CAC security assessment, a filed standard contract or a \
         certification. Under the 2024 Provisions, counted from 1 January: a CIIO, 1,000,000+ \
         individuals' non-sensitive PI (N) or 10,000+ individuals' sensitive PI (S) needs a security \
         assessment (Art. 7); 100,000+ (N) or any sensitive PI (S ≥ 1) needs a standard contract or \
         certification (Art. 8); fewer than 100,000 with no sensitive PI is exempt (Art. 5(4)), as are \
         transfers needed for a contract with the individual, cross-border HR management, or an \
         emergency (Art. 5(1)-(3)). A security assessment is valid 3 years (Art. 9). Important data \
         (重要数据: a field marked `important`, notified or published as such by the authorities; \
         Data Security Law Art. 21, 31; Provisions Art. 2) needs a security assessment whatever N and \
         S and whatever the basis: no Art. 5 exemption applies to it, and certification is closed to \
         it and to CIIOs (Provisions Art. 7; Network Data Security Management Regulations, in force \
         2025-01-01, Art. 37; Measures for PI Export Certification, CAC/SAMR Order 20, in force \
         2026-01-01). The finding's `data.reason` is `important-data` or `tier`.",
        "Obtain the mechanism the tier requires for this destination and record it under `mechanisms` \
         (kind, `to` or `recipients`, `valid_until`, `reference`).",
    );
    pub const EXEMPT: Rule = rule(
        PIPL,
        "pipl-38-exempt",
        Severity::Note,
        "Export that needs no mechanism, and why",
        "CAC Provisions 2024 Art. 5",
        "Art. 5 exempts from assessment, standard contract and certification: transfers necessary for \
             a contract with the individual (5(1)), cross-border HR management (5(2)), emergencies (5(3)), \
             and non-CIIO handlers exporting fewer than 100,000 individuals' non-sensitive PI in a year \
             (5(4)). Separate consent (Art. 39) is still needed whenever the basis is consent. piflow \
             gives this note once, for the organization, with N, S and the export flows exempt by each \
             reason in `data`; never while a counted volume is unknown (`pipl-38-volume-unknown`), and \
             never for a flow of important data.",
        "Nothing to fix; check that the exemption really applies (the basis claimed, the volumes).",
    );
    pub const VOLUME_UNKNOWN: Rule = rule(
        PIPL,
        "pipl-38-volume-unknown",
        Severity::Warning,
        "Export whose tier cannot be decided: a volume is not declared",
        "PIPL Art. 38; CAC Provisions 2024 Art. 5, 7, 8",
        "The mechanism an export needs depends on how many individuals' PI leaves China in a year (N \
         non-sensitive, S sensitive). A subject group or flow with no `volume` is unknown, not zero: N \
         and S are then lower bounds (`N ≥ …`), `pipl-38-mechanism` fires only where the lower bounds \
         already require a mechanism the flow lacks, and no exemption under Art. 5(4) is stated.",
        "Declare `volume` on the subject groups (or on the flow) so the tier can be decided.",
    );
    pub const CROSS_BORDER_CONSENT: Rule = rule(
        PIPL,
        "pipl-39-consent",
        Severity::Error,
        "Export on consent without separate consent",
        "PIPL Art. 39",
        "Before PI leaves China the individual must be told the foreign recipient's name, contact, \
         purpose, method, categories and how to exercise their rights against it, and give separate \
         consent (when consent is the basis).",
        "Obtain a separate consent with `cross-border` covering this recipient, and reference it.",
    );
    pub const CROSS_BORDER_RECIPIENT: Rule = rule(
        PIPL,
        "pipl-39-recipient",
        Severity::Warning,
        "A foreign recipient has no contact to tell individuals",
        "PIPL Art. 39",
        "Individuals must be told the foreign recipient's name and contact details.",
        "Record the recipient's `contact` (address, email or phone of its privacy contact).",
    );
    pub const FOREIGN_AUTHORITY: Rule = rule(
        PIPL,
        "pipl-41-foreign-authority",
        Severity::Error,
        "PI given to a foreign authority",
        "PIPL Art. 41",
        "Without the approval of the competent Chinese authorities, PI stored in China may not be \
         provided to foreign judicial or law-enforcement bodies.",
        "Route the request through the competent Chinese authority and record the approval; until then, \
         do not provide the data.",
    );
    pub const OFFICER: Rule = rule(
        PIPL,
        "pipl-52-officer",
        Severity::Warning,
        "1,000,000 individuals or more and no PI protection officer",
        "PIPL Art. 52; CAC Compliance Audit Measures 2025 Art. 12",
        "A handler processing PI of the CAC-set number of individuals (1,000,000) or more (Chinese 以上 \
         includes the number) must appoint \
         a PI protection officer, publish their contact, and file them with the city-level CAC. When \
         the sum of the known volumes does not reach 1,000,000 but some subject group declares no \
         `volume`, a note with this code says the threshold could not be decided.",
        "Appoint an officer and record them in `organization.officer`.",
    );
    pub const OFFICER_FILING: Rule = rule(
        PIPL,
        "pipl-52-filing",
        Severity::Warning,
        "1,000,000 individuals or more and the officer is not filed with the CAC",
        "PIPL Art. 52; CAC announcement of 2025-07-18 on reporting PI protection officers",
        "A handler processing PI of 1,000,000 individuals or more (以上 includes the number) must report \
         its PI protection officer's details to the city-level (设区的市级) CAC within 30 working days of \
         reaching that number; handlers already over it had to report by 2025-08-29. When the sum of the \
         known volumes does not reach 1,000,000 but some subject group declares no `volume`, a note with \
         this code says the threshold could not be decided.",
        "File the officer with the city-level CAC and record it in `organization.filings` \
         (`{\"kind\": \"officer\", \"date\": …, \"reference\": …}`).",
    );
    pub const REPRESENTATIVE: Rule = rule(
        PIPL,
        "pipl-53-representative",
        Severity::Warning,
        "A handler abroad with no representative in China",
        "PIPL Art. 53",
        "A handler outside China that processes PI of people in China (Art. 3(2)) must set up a \
         dedicated entity or appoint a representative in China and report it to the authorities.",
        "Appoint a representative in China and record it in `organization.representative`.",
    );
    pub const AUDIT: Rule = rule(
        PIPL,
        "pipl-54-audit",
        Severity::Warning,
        "More than 10,000,000 individuals and no compliance audit in the last two years",
        "PIPL Art. 54; Measures for PI Protection Compliance Audits (CAC Order 18, in force 2025-05-01) Art. 4",
        "A handler processing PI of more than 10,000,000 individuals (超过 excludes the number) must \
         carry out a PI protection compliance audit at least once every two years. The first two-year \
         cycle runs from the Measures' entry into force, so an inventory with no `last_audit` is \
         reported from 2027-05-01; a `last_audit` more than two years before `--as-of` is reported at \
         once (exactly two years is still in time). When the sum of the known volumes does not exceed \
         10,000,000 but some subject group declares no `volume`, a note with this code says the \
         threshold could not be decided.",
        "Carry out the compliance audit (in-house or by a professional body) and record the date it \
         was completed in `organization.last_audit`.",
    );
    pub const ASSESSMENT: Rule = rule(
        PIPL,
        "pipl-55-assessment",
        Severity::Warning,
        "An activity that needs a PI protection impact assessment has none",
        "PIPL Art. 55, 56",
        "A PIPIA is required before processing sensitive PI, automated decision-making, entrusting, \
         providing to others or making public, exporting, and other high-impact processing; its \
         report is kept at least 3 years.",
        "Carry out the PIPIA and record its reference in the purpose's `assessment`.",
    );
    pub const FACE_FILING: Rule = rule(
        PIPL,
        "cn-face-filing",
        Severity::Warning,
        "Face data of 100,000 individuals or more stored and no face-recognition filing",
        "Security Management Measures for the Application of Face Recognition Technology (CAC/MPS Order 19, in force 2025-06-01) Art. 15",
        "A handler that uses face recognition technology and stores face information of 100,000 \
         individuals or more must file with the provincial-level CAC within 30 working days of \
         reaching that number. piflow counts the individuals whose face data (`biometric.face`) \
         reaches the organization's own systems or its processors (entrusted parties): the summed \
         `volume` of their subject groups, a running total (not per year). When the known volumes do \
         not reach 100,000 but a group whose face data is stored declares no `volume`, a note with \
         this code says the threshold could not be decided.",
        "File with the provincial-level CAC and record it in `organization.filings` \
         (`{\"kind\": \"face-recognition\", \"date\": …, \"reference\": …}`).",
    );

    pub const NECESSARY: Rule = rule(
        PIPL,
        "cn-app-necessary",
        Severity::Error,
        "An app's basic function collects PI beyond the necessary scope of its type",
        "Provisions on the Scope of Necessary PI for Common Types of Mobile Internet Apps (2021) Art. 4-5; PIPL Art. 6, 16",
        "The CAC, MIIT, MPS and SAMR Provisions (in force 2021-05-01) list, for 39 common types of app, \
         the personal information its basic function service (基本功能服务) needs; an app may not refuse \
         that service to a user who declines to give anything else. They concern consumer-side users \
         (Art. 3): a purpose serving merchants, drivers or other supply-side users is not the basic \
         function. PIPL Art. 6 limits collection to the minimum the purpose needs, and Art. 16 forbids \
         refusing a product or service to an individual who withholds consent not necessary for it.",
        "Move each field listed to a purpose of its own that the user may decline (not `basic`), or, if \
         the app is of another type, correct the system's `app_type`.",
    )
    .with_appendix(crate::rules::necessary::explain);
}

/// The EU GDPR.
pub mod gdpr {
    use super::*;

    pub const BASIS: Rule = rule(
        GDPR,
        "gdpr-6-basis",
        Severity::Error,
        "No lawful basis the GDPR knows",
        "GDPR Art. 6(1)",
        "Processing is lawful only on one of the six bases of Art. 6(1): consent, contract, legal \
         obligation, vital interests, public task, legitimate interests. News reporting, public \
         information and 'other law' are PIPL bases, not GDPR ones.",
        "Give the purpose (or flow) a GDPR basis; where PIPL's differs, write an object per regime.",
    );
    pub const CONSENT: Rule = rule(
        GDPR,
        "gdpr-7-consent",
        Severity::Error,
        "Basis is consent but no consent covers processing of the fields",
        "GDPR Art. 6(1)(a), 7",
        "Consent must be freely given, specific, informed and unambiguous, and the controller must be \
         able to demonstrate it (Art. 7(1)).",
        "Declare the consent (`for: [processing]`) with its `evidence` and reference it from the purpose or flow.",
    );
    pub const CHILD: Rule = rule(
        GDPR,
        "gdpr-8-child",
        Severity::Error,
        "Children's data on consent without a guardian's consent",
        "GDPR Art. 8",
        "For information-society services offered to a child below the national age (16, or as low as \
         13), consent must be given or authorised by the holder of parental responsibility.",
        "Obtain and record a guardian's consent (`kind: guardian`, `for: [children]`).",
    );
    pub const SPECIAL: Rule = rule(
        GDPR,
        "gdpr-9-special",
        Severity::Error,
        "Special-category data without an Art. 9(2) condition",
        "GDPR Art. 9(1)-(2)",
        "Processing health, biometric (for identification), genetic, racial or ethnic, political, \
         religious, union or sex-life data is prohibited unless an Art. 9(2) condition applies; under \
         condition (a) the consent must be explicit.",
        "Set the purpose's `special_condition` (an Art. 9(2) letter); under `a`, obtain an explicit \
         consent with `sensitive` covering these fields.",
    );
    pub const CRIMINAL: Rule = rule(
        GDPR,
        "gdpr-10-criminal",
        Severity::Warning,
        "Criminal-offence data",
        "GDPR Art. 10",
        "Data on criminal convictions and offences may be processed only under official authority or \
         where Union or Member State law authorises it with safeguards.",
        "Record the law that authorises the processing in the purpose's description, or stop it.",
    );
    pub const CONTRACT: Rule = rule(
        GDPR,
        "gdpr-28-contract",
        Severity::Error,
        "A processor with no Art. 28 contract",
        "GDPR Art. 28(3)",
        "Processing by a processor must be governed by a contract setting out its subject matter, \
         duration, nature, purpose, data, subjects and the processor's obligations.",
        "Sign a data processing agreement and record its reference in the party's `contract`.",
    );
    pub const SUBPROCESSOR: Rule = rule(
        GDPR,
        "gdpr-28-subprocessor",
        Severity::Error,
        "A processor engages a sub-processor we did not authorise",
        "GDPR Art. 28(2), 28(4)",
        "A processor may not engage another processor without the controller's prior specific or \
         general written authorisation.",
        "Authorise the sub-processor in the processor's `subprocessors`, or stop the flow.",
    );
    pub const TRANSFER: Rule = rule(
        GDPR,
        "gdpr-44-transfer",
        Severity::Error,
        "Transfer to a third country with no adequacy and no safeguard",
        "GDPR Art. 44-46, 49",
        "Personal data may leave the EEA only to a country with an adequacy decision (Art. 45; for the \
         US, only to organisations certified under the EU-US Data Privacy Framework), under appropriate \
         safeguards such as SCCs or BCRs (Art. 46-47), or under an Art. 49 derogation.",
        "Put SCCs (`eu-scc`) or BCRs (`eu-bcr`) in place for this recipient and record them under \
         `mechanisms`, or rely on a documented Art. 49 derogation.",
    )
    .with_appendix(crate::rules::gdpr::adequacy_list);
    pub const DEROGATION: Rule = rule(
        GDPR,
        "gdpr-49-derogation",
        Severity::Error,
        "Transfer on the consent derogation without explicit consent",
        "GDPR Art. 49(1)(a)",
        "The consent derogation requires the data subject's explicit consent to the proposed \
         transfer, after being informed of its risks in the absence of adequacy and safeguards.",
        "Obtain an explicit consent with `cross-border` covering this recipient, or use SCCs.",
    );
    pub const REPRESENTATIVE: Rule = rule(
        GDPR,
        "gdpr-27-representative",
        Severity::Warning,
        "A controller outside the EEA with no EU representative",
        "GDPR Art. 27",
        "A controller not established in the Union that offers goods or services to, or monitors, \
         people in the Union must designate a representative in the Union (with narrow exceptions).",
        "Designate a representative in the EU and record it in `organization.representative`.",
    );
    pub const ASSESSMENT: Rule = rule(
        GDPR,
        "gdpr-35-assessment",
        Severity::Warning,
        "High-risk processing with no DPIA",
        "GDPR Art. 35(1), 35(3)",
        "A data protection impact assessment is required before processing special categories on a \
         large scale or making automated decisions with legal or similarly significant effects.",
        "Carry out the DPIA and record its reference in the purpose's `assessment`.",
    );
}

/// What the inventory declares against what `piflow scan` observed.
pub mod declared {
    use super::*;

    const TRANSPARENCY: &str = "The handler must tell individuals about every recipient of their data and \
         obtain the consent each transfer needs; an SDK or host the inventory does not know is a flow \
         nobody assessed. The MIIT requires apps to list every embedded third-party SDK with its \
         purpose and the data it collects.";

    pub const UNDECLARED_SDK: Rule = rule(
        None,
        "decl-undeclared-sdk",
        Severity::Error,
        "A manifest or lockfile names a third-party SDK the inventory does not declare",
        "PIPL Art. 17, 23; GB/T 35273-2020 §9.7; MIIT 2021 No. 164 (SDK list); GDPR Art. 13(1)(e), 30(1)(d)",
        TRANSPARENCY,
        "Declare the SDK in the inventory (`sdks`, with its vendor in `parties`, the fields it collects \
         and the purpose) — `piflow scan --suggest` prints entries ready to paste — or remove the \
         dependency. If the inventory already has it under another id, add the coordinate to its `packages`.",
    );
    pub const UNDECLARED_HOST: Rule = rule(
        None,
        "decl-undeclared-host",
        Severity::Error,
        "Traffic goes to a host no sdk or party of the inventory declares",
        "PIPL Art. 17, 23, 38; GDPR Art. 13(1)(e), 30(1)(d), 44",
        TRANSPARENCY,
        "Add the host to the `hosts` of the party or sdk that receives the data (`*.example.com` covers \
         the domain and its subdomains), declaring that recipient first if it is new; or stop the \
         request. Hosts of the site itself are first party: pass `--first-party DOMAIN` to `piflow scan`.",
    );
    pub const UNOBSERVED_SDK: Rule = rule(
        None,
        "decl-unobserved-sdk",
        Severity::Note,
        "A declared sdk was not found by the scan",
        "PIPL Art. 7 (openness); GDPR Art. 5(1)(d) (accuracy), 30",
        "Records of processing must be accurate: an sdk that is no longer shipped should leave the \
         inventory and the privacy notice's SDK list, or the scan missed the file that brings it in.",
        "Remove the sdk if the app no longer ships it; else give it the `packages` (e.g. \
         `maven:group:artifact`, `npm:name`) or `hosts` that reveal it, and scan the tree that holds it.",
    );
    pub const PERMISSION_UNUSED: Rule = rule(
        None,
        "decl-permission-unused",
        Severity::Warning,
        "The app requests a permission to personal data that no flow or sdk of the inventory collects",
        "PIPL Art. 6; Methods for Identifying Illegal Collection and Use of PI by Apps (2019) 4(1)",
        "Collection must be limited to the minimum the purpose needs (PIPL Art. 6), and requesting a \
         permission that can collect personal information unrelated to the app's functions is \
         collection beyond what is necessary (《App违法违规收集使用个人信息行为认定方法》 4(1)): the \
         超范围申请权限 that MIIT and CAC inspections of built apps report first. Either the app asks \
         for more than it uses, or the inventory misses the collection the permission serves.",
        "Remove the permission from the app (or the SDK that brings it); else declare the field and the \
         flow (or the sdk's `fields`) that the permission collects.",
    );
    pub const PERMISSION_MISSING: Rule = rule(
        None,
        "decl-permission-missing",
        Severity::Note,
        "The app collects a field that only a device permission gives, and the built app requests none that gives it",
        "PIPL Art. 7, 17; GB/T 35273-2020 §5.3; GDPR Art. 5(1)(d), 30(1)(c)",
        "Records of processing and the notice must say truly what is collected and how (PIPL Art. 7, 17; \
         GDPR Art. 5(1)(d), 30). Android and iOS let an app read location, the address book, the call \
         log, the calendar, the camera and microphone, the IMEI or the IDFA only through a permission \
         the user grants; a built app that requests none of them cannot read that data from the device. \
         Either the inventory says the app collects what it does not (or collects it some other way: \
         typed by the user, sent by a server), or the scanned build is not the one that ships.",
        "If the app reads the data from the device, scan the build that ships (its manifest must request the \
         permission); if the user enters it or a server supplies it, say so in the flow (or waive this note \
         with that reason); if the app does not collect it, remove the field from the flow.",
    );
    pub const MANIFEST_DATA_UNDECLARED: Rule = rule(
        None,
        "decl-manifest-data-undeclared",
        Severity::Warning,
        "A privacy manifest in the built app declares a data type the inventory does not collect there",
        "PIPL Art. 17, 23; GB/T 35273-2020 §9.7; MIIT 2021 No. 164 (SDK list); GDPR Art. 13(1)(c), 30(1)(c)",
        "A privacy manifest (`PrivacyInfo.xcprivacy`) is the SDK vendor's own statement, to Apple, of \
         the data its code collects; the app's is the developer's. Data an embedded SDK collects is data \
         the handler lets a third party collect: the notice and the SDK list must name it with its \
         purpose (PIPL Art. 17, 23; the MIIT SDK list), and the records of processing must list its \
         categories (GDPR Art. 30(1)(c)). A type the manifest declares and the inventory lacks is a \
         collection nobody assessed.",
        "Add a field of a category the type stands for (the finding's `categories`) to \
         the sdk's `fields` — or, for the app's own manifest or an SDK the database does not know, to a flow \
         of the app; if the app keeps the SDK's feature that collects it switched off, record that with a waiver.",
    );
}

/// A privacy notice against the inventory (`piflow notice-check`).
pub mod notice {
    use super::*;

    pub const HANDLER: Rule = rule(
        None,
        "notice-handler-identity",
        Severity::Warning,
        "The notice does not name the handler or give its contact",
        "PIPL Art. 17(1)(1); GDPR Art. 13(1)(a)",
        "Before processing, the handler must tell individuals its name and how to contact it.",
        "Name the organization as the inventory does (`organization.name`) and give its `contact` in the \
         notice; if the notice uses another name, make the inventory's name the one the notice uses.",
    );
    pub const FIELD_UNMENTIONED: Rule = rule(
        None,
        "notice-field-unmentioned",
        Severity::Error,
        "A field the inventory processes is not mentioned in the notice",
        "PIPL Art. 14, 17(1)(2); GDPR Art. 13(1)(c), 14(1)(d)",
        "Individuals must be told the categories of personal information processed; consent to \
         processing they were never told about is not informed consent. Regulators' app campaigns (MIIT) \
         treat collecting what the notice does not list as the first violation to look for.",
        "List the field in the notice's collection section (any usual name works: 手机号, 电话号码, \
         mobile number …), or remove it from the flows if it is not collected.",
    );
    pub const FIELD_EXTRA: Rule = rule(
        None,
        "notice-field-extra",
        Severity::Warning,
        "The notice says something is collected that the inventory lacks",
        "PIPL Art. 7, 17; GDPR Art. 5(1)(a), 30",
        "Notice and practice must match. Either the inventory is incomplete (the map misses a \
         collection, so every other check is blind to it) or the notice overstates what is collected.",
        "Add the field (and the flows that carry it) to the inventory, or take it out of the notice.",
    );
    pub const RECIPIENT_UNNAMED: Rule = rule(
        None,
        "notice-recipient-unnamed",
        Severity::Error,
        "A recipient of personal information is not named in the notice",
        "PIPL Art. 23; GB/T 35273-2020 §9.2; GDPR Art. 13(1)(e)",
        "When PI is provided to another handler, individuals must be told the recipient's name, contact, \
         purpose, method and categories (Art. 23); entrusted processors belong in the third-party \
         sharing list regulators expect (MIIT). Authorities and the public are not checked: a notice may \
         describe them by category.",
        "Name the party in the notice (its Chinese or English name, as the inventory spells it), with its \
         contact and what it receives; or correct the party's `name` in the inventory to the one the \
         notice uses.",
    );
    pub const SDK_UNNAMED: Rule = rule(
        None,
        "notice-sdk-unnamed",
        Severity::Error,
        "An embedded SDK is not named in the notice",
        "PIPL Art. 17, 21, 23; MIIT third-party SDK list (GB/T 41391-2022 §5.2)",
        "Third-party code that collects PI inside an app or site must be disclosed with its provider, \
         purpose and the PI it collects (the third-party SDK list).",
        "Add the SDK (its name or its vendor's) with its purpose and fields to the notice's third-party \
         list, or remove it from the inventory if it is no longer embedded.",
    );
    pub const CROSS_BORDER_UNDISCLOSED: Rule = rule(
        None,
        "notice-cross-border-undisclosed",
        Severity::Error,
        "Data leaves the country but the notice does not say so (or says it stays)",
        "PIPL Art. 39; GDPR Art. 13(1)(f)",
        "Before PI leaves mainland China, individuals must be told the foreign recipient's name and \
         contact, the purpose, method and categories, and how to exercise their rights against it. A \
         notice that says data is stored in China, or only promises to ask if it ever leaves, discloses \
         no actual transfer. Under the GDPR the notice must state the transfer and its safeguards.",
        "State the transfer in the notice (recipient, country, purpose, fields, how to exercise rights), \
         and remove any statement that all data stays in China.",
    );
    pub const CROSS_BORDER_EXTRA: Rule = rule(
        None,
        "notice-cross-border-extra",
        Severity::Warning,
        "The notice says data is transferred abroad but the inventory has no such flow",
        "PIPL Art. 38, 39; GDPR Art. 30(1)(e)",
        "A notice that announces a transfer the inventory does not model means the inventory misses a \
         flow (and with it the Art. 38 mechanism check), or the notice is out of date.",
        "Model the transfer (the foreign party, the flow, its mechanism) in the inventory, or correct \
         the notice.",
    );
    pub const SENSITIVE_NO_STATEMENT: Rule = rule(
        None,
        "notice-sensitive-no-statement",
        Severity::Error,
        "Sensitive PI is named without saying it is sensitive, why it is needed and its impact",
        "PIPL Art. 17, 29, 30",
        "When processing sensitive PI the handler must also tell the individual why it is necessary and \
         how it affects their rights, and ask for separate consent where consent is the basis. \
         The check looks for such a statement (敏感个人信息, 单独同意, 必要性, 影响; sensitive, separate \
         consent, necessity, impact) in the paragraph that names the field. A sensitive field the notice \
         never names is `notice-field-unmentioned`'s concern.",
        "Next to the field, say that it is sensitive personal information, why it is necessary, what \
         refusing means, and how separate consent is asked.",
    );
    pub const RETENTION_MISSING: Rule = rule(
        None,
        "notice-retention-missing",
        Severity::Warning,
        "The notice states no retention period",
        "PIPL Art. 17(1)(2), 19; GDPR Art. 13(2)(a)",
        "Individuals must be told how long their PI is kept (or the criteria that decide it).",
        "Say how long each kind of PI is kept (the inventory's `retention` of fields and purposes).",
    );
    pub const CHILDREN_MISSING: Rule = rule(
        None,
        "notice-children-missing",
        Severity::Error,
        "Children's data is processed but the notice has no rules for it",
        "PIPL Art. 31; GDPR Art. 8, 12(1)",
        "A handler processing PI of minors under 14 must have specific processing rules and a \
         guardian's consent, and say so in language a child and parent understand.",
        "Add a section on children (under 14 / 儿童 / 未成年人) and the guardian's consent to the notice.",
    );
}
