//! App store privacy labels from the inventory, for one app system: Google Play's Data safety
//! form (the CSV Play Console imports and exports), Apple's App Privacy answers and a
//! `PrivacyInfo.xcprivacy` draft.
//!
//! What the inventory says is answered; what it cannot say is left blank and listed in the
//! summary as a question for the developer, never guessed:
//! - **collected**: the fields flowing from subjects into the app, and the fields its sdks take;
//! - **shared** (Play: transferred to a third party; service providers acting for the developer
//!   are not third parties): the collected fields that reach, along flows carrying them, a party
//!   that is a `controller` or the public, or an sdk whose vendor is one;
//! - **required or optional**: optional when the purposes collecting it rest on consent and none
//!   is `basic`; required otherwise;
//! - **purposes**: from the words of each purpose's id and name (analytics, advertising, …), else
//!   left for the developer to choose;
//! - **ephemeral processing, deletion requests, account creation**: not in the inventory — blank.

use crate::graph::{Edge, FlowGraph, FlowKind, Node, Origin};
use crate::model::taxonomy::store_types;
use crate::model::{Basis, BasisSpec, Role};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// One Data safety data type: its question (group) and response ids, and its label.
struct PlayType {
    group: &'static str,
    id: &'static str,
    label: &'static str,
}

const fn p(group: &'static str, id: &'static str, label: &'static str) -> PlayType {
    PlayType { group, id, label }
}

/// The 38 data types of Play Console's Data safety template, in its order.
const PLAY_TYPES: [PlayType; 38] = [
    p("PSL_DATA_TYPES_PERSONAL", "PSL_NAME", "Personal info / Name"),
    p("PSL_DATA_TYPES_PERSONAL", "PSL_EMAIL", "Personal info / Email address"),
    p("PSL_DATA_TYPES_PERSONAL", "PSL_USER_ACCOUNT", "Personal info / User IDs"),
    p("PSL_DATA_TYPES_PERSONAL", "PSL_ADDRESS", "Personal info / Address"),
    p("PSL_DATA_TYPES_PERSONAL", "PSL_PHONE", "Personal info / Phone number"),
    p("PSL_DATA_TYPES_PERSONAL", "PSL_RACE_ETHNICITY", "Personal info / Race and ethnicity"),
    p("PSL_DATA_TYPES_PERSONAL", "PSL_POLITICAL_RELIGIOUS", "Personal info / Political or religious beliefs"),
    p("PSL_DATA_TYPES_PERSONAL", "PSL_SEXUAL_ORIENTATION_GENDER_IDENTITY", "Personal info / Sexual orientation"),
    p("PSL_DATA_TYPES_PERSONAL", "PSL_OTHER_PERSONAL", "Personal info / Other info"),
    p("PSL_DATA_TYPES_FINANCIAL", "PSL_CREDIT_DEBIT_BANK_ACCOUNT_NUMBER", "Financial info / User payment info"),
    p("PSL_DATA_TYPES_FINANCIAL", "PSL_PURCHASE_HISTORY", "Financial info / Purchase history"),
    p("PSL_DATA_TYPES_FINANCIAL", "PSL_CREDIT_SCORE", "Financial info / Credit score"),
    p("PSL_DATA_TYPES_FINANCIAL", "PSL_OTHER", "Financial info / Other financial info"),
    p("PSL_DATA_TYPES_LOCATION", "PSL_APPROX_LOCATION", "Location / Approximate location"),
    p("PSL_DATA_TYPES_LOCATION", "PSL_PRECISE_LOCATION", "Location / Precise location"),
    p("PSL_DATA_TYPES_SEARCH_AND_BROWSING", "PSL_WEB_BROWSING_HISTORY", "Web browsing / Web browsing history"),
    p("PSL_DATA_TYPES_EMAIL_AND_TEXT", "PSL_EMAILS", "Messages / Emails"),
    p("PSL_DATA_TYPES_EMAIL_AND_TEXT", "PSL_SMS_CALL_LOG", "Messages / SMS or MMS"),
    p("PSL_DATA_TYPES_EMAIL_AND_TEXT", "PSL_OTHER_MESSAGES", "Messages / Other in-app messages"),
    p("PSL_DATA_TYPES_PHOTOS_AND_VIDEOS", "PSL_PHOTOS", "Photos and videos / Photos"),
    p("PSL_DATA_TYPES_PHOTOS_AND_VIDEOS", "PSL_VIDEOS", "Photos and videos / Videos"),
    p("PSL_DATA_TYPES_AUDIO", "PSL_AUDIO", "Audio files / Voice or sound recordings"),
    p("PSL_DATA_TYPES_AUDIO", "PSL_MUSIC", "Audio files / Music files"),
    p("PSL_DATA_TYPES_AUDIO", "PSL_OTHER_AUDIO", "Audio files / Other audio files"),
    p("PSL_DATA_TYPES_HEALTH_AND_FITNESS", "PSL_HEALTH", "Health and fitness / Health info"),
    p("PSL_DATA_TYPES_HEALTH_AND_FITNESS", "PSL_FITNESS", "Health and fitness / Fitness info"),
    p("PSL_DATA_TYPES_CONTACTS", "PSL_CONTACTS", "Contacts / Contacts"),
    p("PSL_DATA_TYPES_CALENDAR", "PSL_CALENDAR", "Calendar / Calendar events"),
    p("PSL_DATA_TYPES_APP_PERFORMANCE", "PSL_CRASH_LOGS", "App info and performance / Crash logs"),
    p("PSL_DATA_TYPES_APP_PERFORMANCE", "PSL_PERFORMANCE_DIAGNOSTICS", "App info and performance / Diagnostics"),
    p(
        "PSL_DATA_TYPES_APP_PERFORMANCE",
        "PSL_OTHER_PERFORMANCE",
        "App info and performance / Other app performance data",
    ),
    p("PSL_DATA_TYPES_FILES_AND_DOCS", "PSL_FILES_AND_DOCS", "Files and docs / Files and docs"),
    p("PSL_DATA_TYPES_APP_ACTIVITY", "PSL_USER_INTERACTION", "App activity / App interactions"),
    p("PSL_DATA_TYPES_APP_ACTIVITY", "PSL_IN_APP_SEARCH_HISTORY", "App activity / In-app search history"),
    p("PSL_DATA_TYPES_APP_ACTIVITY", "PSL_APPS_ON_DEVICE", "App activity / Installed apps"),
    p("PSL_DATA_TYPES_APP_ACTIVITY", "PSL_USER_GENERATED_CONTENT", "App activity / Other user-generated content"),
    p("PSL_DATA_TYPES_APP_ACTIVITY", "PSL_OTHER_APP_ACTIVITY", "App activity / Other actions"),
    p("PSL_DATA_TYPES_IDENTIFIERS", "PSL_DEVICE_ID", "Device or other IDs / Device or other IDs"),
];

/// The purposes Play asks about, with the words in a purpose's id or name that mean each.
const PLAY_PURPOSES: [(&str, &str, &[&str]); 7] = [
    ("PSL_APP_FUNCTIONALITY", "App functionality", &["function", "service", "功能", "服务"]),
    ("PSL_ANALYTICS", "Analytics", &["analytic", "statistic", "metric", "crash", "统计", "分析"]),
    ("PSL_DEVELOPER_COMMUNICATIONS", "Developer communications", &["notif", "push", "newsletter", "通知", "推送"]),
    (
        "PSL_FRAUD_PREVENTION_SECURITY",
        "Fraud prevention, security, and compliance",
        &["fraud", "security", "risk", "complian", "安全", "风控", "合规"],
    ),
    ("PSL_ADVERTISING", "Advertising or marketing", &["advert", "marketing", "ads", "广告", "营销"]),
    ("PSL_PERSONALIZATION", "Personalization", &["personali", "recommend", "个性化", "推荐"]),
    (
        "PSL_ACCOUNT_MANAGEMENT",
        "Account management",
        &["account", "login", "sign-in", "signup", "register", "账号", "账户", "登录", "注册"],
    ),
];

/// What the inventory says about one store data type of the app.
#[derive(Default)]
struct Answer {
    fields: BTreeSet<String>,
    shared: bool,
    /// Some purpose that collects it needs it (not consent-only, or `basic`).
    required: bool,
    play_purposes: BTreeSet<&'static str>,
    /// Purposes whose words matched no Play purpose.
    unmapped: BTreeSet<String>,
}

/// The three store documents, and what is left for the developer to answer.
pub struct StoreLabels {
    pub data_safety_csv: String,
    pub xcprivacy: String,
    pub summary: String,
}

fn play_purposes_of(words: &str) -> Vec<&'static str> {
    let lower = words.to_lowercase();
    PLAY_PURPOSES.iter().filter(|(_, _, keys)| keys.iter().any(|k| lower.contains(k))).map(|(id, _, _)| *id).collect()
}

/// The store labels of the app system `app` (an index into `systems`).
pub fn labels(g: &FlowGraph, app: usize) -> StoreLabels {
    let inv = g.inv;
    let Some(app_node) = g.node_of(inv.systems[app].id.as_str()) else {
        return build(g, app, BTreeMap::new(), false);
    };
    // Per field index: the purposes collecting it into the app.
    let mut collected: BTreeMap<u32, BTreeSet<u32>> = BTreeMap::new();
    for e in &g.edges {
        let into_app = e.kind == FlowKind::Collect && e.to == app_node;
        let sdk_in_app = matches!(e.origin(), Origin::Sdk(_)) && e.from == app_node;
        if into_app || sdk_in_app {
            for &f in g.fields(e) {
                collected.entry(f).or_default().insert(e.purpose);
            }
        }
    }
    let shared = shared_fields(g, app_node, &collected);
    let mut answers: BTreeMap<&'static str, Answer> = BTreeMap::new();
    let mut tracking = false;
    for (&f, purposes) in &collected {
        let field = &inv.fields[f as usize];
        let (play, _) = store_types(&field.category);
        let a = answers.entry(play).or_default();
        a.fields.insert(field.id.clone());
        a.shared |= shared.contains(&f);
        for &p in purposes {
            let purpose = &inv.purposes[p as usize];
            let consent_only = match &purpose.basis {
                BasisSpec::All(b) => *b == Basis::Consent,
                BasisSpec::PerRegime(r) => r.iter().next().is_some() && r.iter().all(|(_, b)| b == Basis::Consent),
            };
            a.required |= purpose.basic || !consent_only;
            let found = play_purposes_of(&format!("{} {}", purpose.id, purpose.name));
            if found.is_empty() {
                a.unmapped.insert(purpose.id.clone());
            }
            tracking |= found.contains(&"PSL_ADVERTISING");
            a.play_purposes.extend(found);
        }
    }
    build(g, app, answers, tracking)
}

/// Collected fields that reach, along edges carrying them, a controller, the public or a
/// controller's sdk: a walk per field over only the edges that carry it, so the whole costs the
/// size of the flows' field lists.
fn shared_fields(
    g: &FlowGraph,
    app: petgraph::graph::NodeIndex,
    collected: &BTreeMap<u32, BTreeSet<u32>>,
) -> BTreeSet<u32> {
    let mut by_field: BTreeMap<u32, Vec<&Edge>> = BTreeMap::new();
    for e in &g.edges {
        for &f in g.fields(e) {
            if collected.contains_key(&f) {
                by_field.entry(f).or_default().push(e);
            }
        }
    }
    let mut out = BTreeSet::new();
    for (f, edges) in by_field {
        let mut from: BTreeMap<petgraph::graph::NodeIndex, Vec<&Edge>> = BTreeMap::new();
        for e in edges {
            from.entry(e.from).or_default().push(e);
        }
        let mut seen = BTreeSet::from([app]);
        let mut todo = vec![app];
        'walk: while let Some(n) = todo.pop() {
            for e in from.get(&n).map(Vec::as_slice).unwrap_or_default() {
                let third_party = match g.graph[e.to] {
                    Node::Party(p) => matches!(g.inv.parties[p as usize].role, Role::Controller | Role::Public),
                    _ => false,
                };
                if third_party {
                    out.insert(f);
                    break 'walk;
                }
                if seen.insert(e.to) {
                    todo.push(e.to);
                }
            }
        }
    }
    out
}

fn csv_row(w: &mut csv::Writer<Vec<u8>>, cells: [&str; 5]) {
    let _ = w.write_record(cells);
}

fn yes(b: bool) -> &'static str {
    if b { "TRUE" } else { "" }
}

fn build(g: &FlowGraph, app: usize, answers: BTreeMap<&'static str, Answer>, tracking: bool) -> StoreLabels {
    let system = &g.inv.systems[app];
    let mut open: Vec<String> = Vec::new();
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    csv_row(
        &mut w,
        [
            "Question ID (machine readable)",
            "Response ID (machine readable)",
            "Response value",
            "Answer requirement",
            "Human-friendly question label",
        ],
    );
    let any = !answers.is_empty();
    csv_row(
        &mut w,
        [
            "PSL_DATA_COLLECTION_COLLECTS_PERSONAL_DATA",
            "",
            if any { "TRUE" } else { "FALSE" },
            "REQUIRED",
            "Does your app collect or share any of the required user data types?",
        ],
    );
    let tls = system.security.iter().any(|m| {
        let m = m.to_lowercase();
        ["tls", "https", "in transit", "传输加密", "加密传输"].iter().any(|k| m.contains(k))
    });
    csv_row(
        &mut w,
        [
            "PSL_DATA_COLLECTION_ENCRYPTED_IN_TRANSIT",
            "",
            yes(tls),
            "MAYBE_REQUIRED",
            "Is all of the user data collected by your app encrypted in transit?",
        ],
    );
    if !tls {
        open.push("Encrypted in transit: the system's `security` names no TLS / HTTPS measure.".into());
    }
    open.push("Account creation methods, account and data deletion links, and whether users can ask for deletion: not in the inventory.".into());
    if any {
        open.push(
            "App Privacy: whether each data type is linked to the user's identity. The draft \
             PrivacyInfo.xcprivacy says linked for every type (the inventory does not say); change it \
             where the data is not linked."
                .into(),
        );
    }
    for t in &PLAY_TYPES {
        csv_row(&mut w, [t.group, t.id, yes(answers.contains_key(t.id)), "MULTIPLE_CHOICE", t.label]);
    }
    for t in &PLAY_TYPES {
        let a = answers.get(t.id);
        let name = t.label.rsplit(" / ").next().unwrap_or(t.label);
        let q = |suffix: &str| format!("PSL_DATA_USAGE_RESPONSES:{}:{suffix}", t.id);
        let label = |rest: &str| format!("Data usage and handling ({name}) / {rest}");
        let collecting = q("PSL_DATA_USAGE_COLLECTION_AND_SHARING");
        csv_row(
            &mut w,
            [&collecting, "PSL_DATA_USAGE_ONLY_COLLECTED", yes(a.is_some()), "MULTIPLE_CHOICE", &label("Collected")],
        );
        csv_row(
            &mut w,
            [
                &collecting,
                "PSL_DATA_USAGE_ONLY_SHARED",
                yes(a.is_some_and(|a| a.shared)),
                "MULTIPLE_CHOICE",
                &label("Shared"),
            ],
        );
        csv_row(
            &mut w,
            [&q("PSL_DATA_USAGE_EPHEMERAL"), "", "", "MAYBE_REQUIRED", &label("Is this data processed ephemerally?")],
        );
        let control = q("DATA_USAGE_USER_CONTROL");
        csv_row(
            &mut w,
            [
                &control,
                "PSL_DATA_USAGE_USER_CONTROL_OPTIONAL",
                yes(a.is_some_and(|a| !a.required)),
                "SINGLE_CHOICE",
                &label("Users can choose whether this data is collected"),
            ],
        );
        csv_row(
            &mut w,
            [
                &control,
                "PSL_DATA_USAGE_USER_CONTROL_REQUIRED",
                yes(a.is_some_and(|a| a.required)),
                "SINGLE_CHOICE",
                &label("Data collection is required"),
            ],
        );
        for (question, why, shared_only) in [
            ("DATA_USAGE_COLLECTION_PURPOSE", "Why is this user data collected?", false),
            ("DATA_USAGE_SHARING_PURPOSE", "Why is this user data shared?", true),
        ] {
            for (id, purpose, _) in &PLAY_PURPOSES {
                let on = a.is_some_and(|a| (!shared_only || a.shared) && a.play_purposes.contains(id));
                csv_row(&mut w, [&q(question), id, yes(on), "MULTIPLE_CHOICE", &label(&format!("{why} / {purpose}"))]);
            }
        }
        if let Some(a) = a {
            open.push(format!("{name}: whether it is processed ephemerally."));
            if !a.unmapped.is_empty() {
                let list: Vec<&str> = a.unmapped.iter().map(String::as_str).collect();
                open.push(format!("{name}: the Play purpose of `{}` (no purpose word matched).", list.join("`, `")));
            }
        }
    }
    let data_safety_csv = String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default();
    StoreLabels {
        xcprivacy: xcprivacy(g, &answers, tracking),
        summary: summary(system, &answers, &open),
        data_safety_csv,
    }
}

fn xml(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// The `PrivacyInfo.xcprivacy` draft: the collected data types with linked (assumed: every
/// type here is collected by an app that knows its user) and tracking (advertising purposes)
/// flags and purposes; the tracking domains are the hosts of sdks whose purpose is advertising.
fn xcprivacy(g: &FlowGraph, answers: &BTreeMap<&'static str, Answer>, tracking: bool) -> String {
    let mut apple: BTreeMap<&'static str, (bool, BTreeSet<&'static str>)> = BTreeMap::new();
    for f in &g.inv.fields {
        let (play, kind) = store_types(&f.category);
        if let Some(a) = answers.get(play).filter(|a| a.fields.contains(&f.id)) {
            let entry = apple.entry(kind).or_default();
            entry.0 |= a.play_purposes.contains("PSL_ADVERTISING");
            for p in &a.play_purposes {
                entry.1.insert(match *p {
                    "PSL_ANALYTICS" => "Analytics",
                    "PSL_ADVERTISING" => "ThirdPartyAdvertising",
                    "PSL_PERSONALIZATION" => "ProductPersonalization",
                    "PSL_APP_FUNCTIONALITY" | "PSL_ACCOUNT_MANAGEMENT" | "PSL_FRAUD_PREVENTION_SECURITY" => {
                        "AppFunctionality"
                    }
                    _ => "Other",
                });
            }
        }
    }
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" \"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n\
         <!-- Draft written by piflow store-labels from the inventory: review every entry. The inventory does not\n     \
         say which required-reason APIs the app calls, so NSPrivacyAccessedAPITypes is empty. -->\n\
         <plist version=\"1.0\">\n<dict>\n",
    );
    let _ = writeln!(out, "\t<key>NSPrivacyTracking</key>\n\t<{}/>", if tracking { "true" } else { "false" });
    out.push_str("\t<key>NSPrivacyTrackingDomains</key>\n\t<array>\n");
    let mut domains = BTreeSet::new();
    if tracking {
        for s in &g.inv.sdks {
            let purpose = g.inv.purposes.iter().find(|p| p.id == s.purpose.as_str());
            if purpose.is_some_and(|p| play_purposes_of(&format!("{} {}", p.id, p.name)).contains(&"PSL_ADVERTISING")) {
                domains.extend(s.hosts.iter().map(|h| h.trim_start_matches("*.").to_owned()));
            }
        }
    }
    for d in &domains {
        let _ = writeln!(out, "\t\t<string>{}</string>", xml(d));
    }
    out.push_str("\t</array>\n\t<key>NSPrivacyCollectedDataTypes</key>\n\t<array>\n");
    for (kind, (tracks, purposes)) in &apple {
        let _ = write!(
            out,
            "\t\t<dict>\n\t\t\t<key>NSPrivacyCollectedDataType</key>\n\t\t\t<string>NSPrivacyCollectedDataType{kind}</string>\n\
             \t\t\t<key>NSPrivacyCollectedDataTypeLinked</key>\n\t\t\t<true/>\n\
             \t\t\t<key>NSPrivacyCollectedDataTypeTracking</key>\n\t\t\t<{}/>\n\
             \t\t\t<key>NSPrivacyCollectedDataTypePurposes</key>\n\t\t\t<array>\n",
            if *tracks { "true" } else { "false" }
        );
        for p in purposes {
            let _ = writeln!(out, "\t\t\t\t<string>NSPrivacyCollectedDataTypePurpose{p}</string>");
        }
        out.push_str("\t\t\t</array>\n\t\t</dict>\n");
    }
    out.push_str("\t</array>\n\t<key>NSPrivacyAccessedAPITypes</key>\n\t<array/>\n</dict>\n</plist>\n");
    out
}

/// The Markdown summary: each store data type with the inventory's fields behind it, then the
/// questions the inventory cannot answer.
fn summary(system: &crate::model::System, answers: &BTreeMap<&'static str, Answer>, open: &[String]) -> String {
    let md = |s: &str| s.replace('|', "\\|").replace(['\n', '\r'], " ");
    let mut out = format!(
        "# Store privacy labels: {} (`{}`)\n\nWritten by `piflow store-labels` from the inventory: \
         `data-safety.csv` (Google Play Data safety, import it in Play Console), \
         `PrivacyInfo.xcprivacy` (a draft for Xcode) and this summary (the answers for App Store \
         Connect's App Privacy). Review them before you publish.\n\n\
         | Play data type | collected | shared | required | purposes | fields |\n|---|---|---|---|---|---|\n",
        md(&system.name),
        md(&system.id)
    );
    for t in &PLAY_TYPES {
        if let Some(a) = answers.get(t.id) {
            let purposes: Vec<&str> =
                PLAY_PURPOSES.iter().filter(|(id, _, _)| a.play_purposes.contains(id)).map(|(_, l, _)| *l).collect();
            let fields: Vec<String> = a.fields.iter().map(|f| format!("`{}`", md(f))).collect();
            let _ = writeln!(
                out,
                "| {} | yes | {} | {} | {} | {} |",
                t.label,
                if a.shared { "yes" } else { "no" },
                if a.required { "required" } else { "optional" },
                if purposes.is_empty() { "(to answer)".to_owned() } else { purposes.join(", ") },
                fields.join(", ")
            );
        }
    }
    if answers.is_empty() {
        out.push_str("| (none: no flow collects data into this app) | | | | | |\n");
    }
    out.push_str("\n## Left for you to answer\n\n");
    for q in open {
        let _ = writeln!(out, "- {}", md(q));
    }
    out
}
