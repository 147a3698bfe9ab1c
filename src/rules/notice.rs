//! The `notice-*` rules: where a published privacy notice and the inventory disagree. They judge
//! the notice, not a flow, so they carry no regime; each cites the PIPL and GDPR articles that
//! require the notice to say it.

use crate::finding::{Rule, Severity};

const fn rule(
    code: &'static str,
    severity: Severity,
    title: &'static str,
    citation: &'static str,
    law: &'static str,
    fix: &'static str,
) -> Rule {
    Rule { code, severity, regime: None, title, citation, law, fix }
}

pub const HANDLER: Rule = rule(
    "notice-handler-identity",
    Severity::Warning,
    "The notice does not name the handler or give its contact",
    "PIPL Art. 17(1)(1); GDPR Art. 13(1)(a)",
    "Before processing, the handler must tell individuals its name and how to contact it.",
    "Name the organization as the inventory does (`organization.name`) and give its `contact` in the \
     notice; if the notice uses another name, make the inventory's name the one the notice uses.",
);
pub const FIELD_UNMENTIONED: Rule = rule(
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
    "notice-field-extra",
    Severity::Warning,
    "The notice says something is collected that the inventory lacks",
    "PIPL Art. 7, 17; GDPR Art. 5(1)(a), 30",
    "Notice and practice must match. Either the inventory is incomplete (the map misses a \
     collection, so every other check is blind to it) or the notice overstates what is collected.",
    "Add the field (and the flows that carry it) to the inventory, or take it out of the notice.",
);
pub const RECIPIENT_UNNAMED: Rule = rule(
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
    "notice-retention-missing",
    Severity::Warning,
    "The notice states no retention period",
    "PIPL Art. 17(1)(2), 19; GDPR Art. 13(2)(a)",
    "Individuals must be told how long their PI is kept (or the criteria that decide it).",
    "Say how long each kind of PI is kept (the inventory's `retention` of fields and purposes).",
);
pub const CHILDREN_MISSING: Rule = rule(
    "notice-children-missing",
    Severity::Error,
    "Children's data is processed but the notice has no rules for it",
    "PIPL Art. 31; GDPR Art. 8, 12(1)",
    "A handler processing PI of minors under 14 must have specific processing rules and a \
     guardian's consent, and say so in language a child and parent understand.",
    "Add a section on children (under 14 / 儿童 / 未成年人) and the guardian's consent to the notice.",
);

/// Every `notice-*` rule, in code order.
pub const RULES: &[Rule] = &[
    CHILDREN_MISSING,
    CROSS_BORDER_EXTRA,
    CROSS_BORDER_UNDISCLOSED,
    FIELD_EXTRA,
    FIELD_UNMENTIONED,
    HANDLER,
    RECIPIENT_UNNAMED,
    RETENTION_MISSING,
    SDK_UNNAMED,
    SENSITIVE_NO_STATEMENT,
];
