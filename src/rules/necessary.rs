//! `cn-app-necessary`: what an app's basic function may collect. The Provisions on the Scope of
//! Necessary Personal Information for Common Types of Mobile Internet Applications (2021) list,
//! for 39 types of app, the personal information the basic function service needs; an app may not
//! refuse that service to a user who declines anything else (Art. 4–5; PIPL Art. 6, 16). The
//! table is data (`data/app-necessary.json`): each type's items in the Provisions' wording, each
//! mapped to taxonomy categories, with the conditions and judgement calls of the mapping.

use super::edge_finding;
use super::{edge_label, field_ids, list};
use crate::finding::Finding;
use crate::graph::{Edge, FlowGraph, FlowKind, Node};
use crate::model::SystemKind;
use serde::Deserialize;
use std::fmt::Write as _;
use std::sync::OnceLock;

pub use super::catalogue::pipl::NECESSARY;

const TABLE: &str = include_str!("../../data/app-necessary.json");

#[derive(Debug, Deserialize)]
pub struct Text {
    pub zh: String,
    pub en: String,
}

/// The Provisions' table: the 39 types, in their order.
#[derive(Debug, Deserialize)]
pub struct Table {
    pub types: Vec<Scope>,
}

/// One app type's basic function and the PI it needs.
#[derive(Debug, Deserialize)]
pub struct Scope {
    pub key: String,
    pub number: u32,
    pub name: Text,
    pub basic_function: Text,
    /// Empty for the types whose basic function needs no PI.
    pub items: Vec<Item>,
}

/// One item of necessary PI, as the Provisions word it, and the categories it is read as.
#[derive(Debug, Deserialize)]
pub struct Item {
    pub zh: String,
    pub categories: Vec<String>,
    /// The sub-service the Provisions limit the item to (mapped at type level).
    #[serde(default)]
    pub condition: Option<String>,
    /// Why the item maps to these categories, where that is a reading, not the words.
    #[serde(default)]
    pub judgement: Option<String>,
}

impl Scope {
    /// Whether a field of `category` is necessary PI of this type.
    pub fn allows(&self, category: &str) -> bool {
        self.items.iter().any(|i| i.categories.iter().any(|c| c == category))
    }
}

/// The table compiled into the binary. `tests/app_necessary_data.rs` and the tests below hold it
/// to the 39 keys and the taxonomy; were it ever unreadable, those tests fail on the empty table
/// this falls back to, rather than every check panicking.
pub fn table() -> &'static Table {
    static PARSED: OnceLock<Table> = OnceLock::new();
    PARSED.get_or_init(|| serde_json::from_str(TABLE).unwrap_or(Table { types: Vec::new() }))
}

/// The scope of the app type `key`.
pub fn scope(key: &str) -> Option<&'static Scope> {
    table().types.iter().find(|t| t.key == key)
}

/// `cn-app-necessary` on one PIPL edge: a collection from subjects into an app or mini-program
/// with an `app_type`, for a `basic` purpose, that carries fields outside the type's scope.
pub fn edge(g: &FlowGraph, e: &Edge, out: &mut Vec<Finding>) {
    if e.kind != FlowKind::Collect {
        return;
    }
    let Node::System(s) = g.graph[e.to] else { return };
    let system = &g.inv.systems[s as usize];
    if !matches!(system.kind, Some(SystemKind::App | SystemKind::MiniProgram)) {
        return;
    }
    let purpose = &g.inv.purposes[e.purpose as usize];
    let (Some(key), true) = (system.app_type.as_deref(), purpose.basic) else { return };
    // The loader accepts only the 39 keys, so a scope is always found.
    let Some(scope) = scope(key) else { return };
    let extra: Vec<u32> =
        g.fields(e).iter().copied().filter(|&f| !scope.allows(&g.inv.fields[f as usize].category)).collect();
    if extra.is_empty() {
        return;
    }
    let ids = field_ids(g, &extra);
    let mut categories: Vec<String> = extra.iter().map(|&f| g.inv.fields[f as usize].category.clone()).collect();
    categories.sort_unstable();
    categories.dedup();
    let needs = if scope.items.is_empty() {
        "whose basic function needs no personal information".to_owned()
    } else {
        format!(
            "whose basic function ({}) needs only the items `piflow explain cn-app-necessary` lists",
            scope.basic_function.zh
        )
    };
    out.push(
        edge_finding(
            g,
            e,
            &NECESSARY,
            format_args!(
                "{} collects {} for the basic function `{}` of `{}`, a {} app ({}) {needs}: a user who declines them must still get the service",
                edge_label(g, e),
                list(&ids),
                purpose.id,
                system.id,
                scope.name.zh,
                scope.key,
            ),
        )
        .with("app_type", scope.key.clone())
        .with("fields", ids)
        .with("categories", categories),
    );
}

/// The table as `piflow explain cn-app-necessary` prints it: each type, its basic function, and
/// each item in the Provisions' words beside the categories it is read as.
pub fn explain() -> String {
    let mut out = String::from(
        "Necessary PI by app type (常见类型移动互联网应用程序必要个人信息范围规定, 2021, Art. 5;\n\
         `systems[].app_type` names the type):\n",
    );
    for t in &table().types {
        let _ = write!(
            out,
            "\n{:>2}. {} `{}` — {} / {}\n",
            t.number, t.name.zh, t.key, t.basic_function.zh, t.basic_function.en
        );
        if t.items.is_empty() {
            out.push_str("    (no personal information is necessary: 无须个人信息)\n");
        }
        for i in &t.items {
            let _ = writeln!(out, "    {} → {}", i.zh, i.categories.join(", "));
            if let Some(c) = &i.condition {
                let _ = writeln!(out, "      condition: {c}");
            }
            if let Some(j) = &i.judgement {
                let _ = writeln!(out, "      judgement: {j}");
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_has_the_39_types_in_order_with_known_categories() {
        let keys: Vec<&str> = table().types.iter().map(|t| t.key.as_str()).collect();
        let expected: Vec<&str> = crate::model::APP_TYPES.iter().map(|t| t.key).collect();
        assert_eq!(keys, expected);
        for t in &table().types {
            for i in &t.items {
                for c in &i.categories {
                    assert!(crate::model::taxonomy::category(c).is_some(), "{}: {c}", t.key);
                }
            }
        }
        assert_eq!(table().types.iter().filter(|t| t.items.is_empty()).count(), 13);
    }

    #[test]
    fn scopes_allow_their_items_only() {
        let ride = scope("ride-hailing").unwrap();
        assert!(ride.allows("contact.phone") && ride.allows("location.trajectory") && ride.allows("financial.payment"));
        assert!(!ride.allows("identity.national-id") && !ride.allows("communication.contacts"));
        assert!(!scope("browser").unwrap().allows("contact.phone"));
        assert!(scope("no-such-type").is_none());
    }
}
