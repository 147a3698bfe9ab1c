//! Findings: what a rule says about one target, and the catalogue entry of each rule.
//! This module knows no rule; it only holds, waives and orders what rules produce.

use crate::model::{Date, Inventory, Loc, Name, Regime};
use serde::Serialize;
use serde::ser::SerializeMap;
use serde_json::Value;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, strum::IntoStaticStr)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum Severity {
    Note,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A rule's catalogue entry (rules.md), printed by `piflow explain` and carried into SARIF.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub code: &'static str,
    pub severity: Severity,
    pub regime: Option<Regime>,
    /// One line: what the rule checks.
    pub title: &'static str,
    pub citation: &'static str,
    /// What the law says, in plain words.
    pub law: &'static str,
    /// How to make the finding go away for good.
    pub fix: &'static str,
    /// Data the rule reads from outside the inventory (an adequacy list, a table of the law),
    /// printed with its `explain` entry and in docs/rules.md.
    pub appendix: Option<fn() -> String>,
}

/// Codes are unique in the catalogue (tests/catalogue.rs), so a rule is its code.
impl PartialEq for Rule {
    fn eq(&self, other: &Rule) -> bool {
        self.code == other.code
    }
}

impl Eq for Rule {}

/// One thing wrong with one target.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub code: &'static str,
    pub severity: Severity,
    pub regime: Option<Regime>,
    /// The id the finding is about (flow, sdk, party, field, purpose, consent, mechanism or the
    /// organization).
    pub target: Box<str>,
    pub message: Box<str>,
    pub citation: &'static str,
    pub waived: bool,
    pub location: Loc,
    /// Rule-specific figures (the tier arithmetic, the fields concerned, …).
    pub data: Data,
}

/// A finding's rule-specific figures: a JSON object with keys in order. A few entries in a
/// vector, not a tree map: a large check holds a hundred thousand of them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Data(Vec<(&'static str, Datum)>);

/// One value of a finding's data. Most are ids and fixed words of the catalogue, which a
/// hundred thousand findings would otherwise each copy: those are held by reference (an id by
/// its interned name, which lives as long as the process).
#[derive(Debug, Clone, PartialEq)]
pub enum Datum {
    /// Text that outlives every finding: a fixed word, or an interned id.
    Word(&'static str),
    Text(Box<str>),
    /// Anything else (numbers, lists, objects), as JSON.
    Json(Box<Value>),
}

impl Datum {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Datum::Word(s) => Some(s),
            Datum::Text(s) => Some(s),
            Datum::Json(v) => v.as_str(),
        }
    }
}

impl Serialize for Datum {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Datum::Word(w) => s.serialize_str(w),
            Datum::Text(t) => s.serialize_str(t),
            Datum::Json(v) => v.serialize(s),
        }
    }
}

impl From<&'static str> for Datum {
    fn from(s: &'static str) -> Datum {
        Datum::Word(s)
    }
}

impl From<Name> for Datum {
    fn from(n: Name) -> Datum {
        Datum::Word(n.as_str())
    }
}

impl From<String> for Datum {
    fn from(s: String) -> Datum {
        Datum::Text(s.into())
    }
}

impl From<Value> for Datum {
    fn from(v: Value) -> Datum {
        match v {
            Value::String(s) => Datum::Text(s.into()),
            v => Datum::Json(Box::new(v)),
        }
    }
}

impl From<Option<&'static str>> for Datum {
    fn from(s: Option<&'static str>) -> Datum {
        s.map_or(Datum::Json(Box::new(Value::Null)), Datum::Word)
    }
}

impl From<Option<String>> for Datum {
    fn from(s: Option<String>) -> Datum {
        s.map_or(Datum::Json(Box::new(Value::Null)), Datum::from)
    }
}

macro_rules! numbers {
    ($($t:ty),*) => {$(
        impl From<$t> for Datum {
            fn from(n: $t) -> Datum {
                Datum::Json(Box::new(n.into()))
            }
        }
    )*};
}
numbers!(u32, u64, usize);

impl<T: Into<Value>> From<Vec<T>> for Datum {
    fn from(v: Vec<T>) -> Datum {
        Datum::Json(Box::new(v.into()))
    }
}

impl Data {
    /// Room for `n` entries, allocated once (an edge's findings carry four or five).
    pub fn with_capacity(n: usize) -> Data {
        Data(Vec::with_capacity(n))
    }

    /// Set `key`, replacing its value if it is already there.
    pub fn insert(&mut self, key: &'static str, value: impl Into<Datum>) {
        let value = value.into();
        match self.0.binary_search_by(|(k, _)| (*k).cmp(key)) {
            Ok(i) => self.0[i].1 = value,
            Err(i) => self.0.insert(i, (key, value)),
        }
    }

    pub fn get(&self, key: &str) -> Option<&Datum> {
        self.0.binary_search_by(|(k, _)| (*k).cmp(key)).ok().map(|i| &self.0[i].1)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &Datum)> {
        self.0.iter().map(|(k, v)| (*k, v))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Serialize for Data {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl Finding {
    pub fn new(rule: &Rule, target: impl AsRef<str>, location: Loc, message: String) -> Finding {
        // `format!` leaves up to twice the room a message needs, and a large check holds a
        // hundred thousand messages to the end: each is copied into a block of its own size
        // (shrinking in place, as `into_boxed_str` does, would keep the block).
        let message = if message.capacity() > message.len() { message.as_str().into() } else { message.into() };
        Finding::with_message(rule, target, location, message)
    }

    /// A finding whose message is already in a block of its size (see [`message`]).
    pub fn with_message(rule: &Rule, target: impl AsRef<str>, location: Loc, message: Box<str>) -> Finding {
        Finding {
            code: rule.code,
            severity: rule.severity,
            regime: rule.regime,
            target: target.as_ref().into(),
            message,
            citation: rule.citation,
            waived: false,
            location,
            data: Data::default(),
        }
    }

    pub fn with(mut self, key: &'static str, value: impl Into<Datum>) -> Finding {
        self.data.insert(key, value);
        self
    }

    /// The stable order of findings: code, target, regime, then message and location to break
    /// ties.
    fn order(&self, other: &Finding) -> std::cmp::Ordering {
        self.code.cmp(other.code).then_with(|| {
            (&self.target, self.regime, &self.message, self.location).cmp(&(
                &other.target,
                other.regime,
                &other.message,
                other.location,
            ))
        })
    }
}

/// A message from its format arguments, held in a block of exactly its size.
pub fn message(args: fmt::Arguments<'_>) -> Box<str> {
    fmt::format(args).into_boxed_str()
}

/// Apply waivers, report expired ones, and put findings in their stable order
/// (code, then target), one finding per code, target and regime.
pub fn finalize(mut findings: Vec<Finding>, inv: &Inventory, as_of: Date, expired_rule: &Rule) -> Vec<Finding> {
    // Waivers by (rule, target), so applying them is one pass over the findings, not one per
    // waiver (an inventory may waive thousands of findings among a million).
    let mut active: rustc_hash::FxHashMap<(&str, &str), &str> = Default::default();
    for w in &inv.waivers {
        let expired = w.until.is_some_and(|until| until < as_of);
        if expired {
            let until = w.until.map(|d| d.to_string()).unwrap_or_default();
            findings.push(
                Finding::new(
                    expired_rule,
                    w.target.clone(),
                    w.loc,
                    format!(
                        "the waiver of `{}` for `{}` expired on {until}; the finding it hid is reported again",
                        w.rule, w.target
                    ),
                )
                .with("rule", w.rule.clone())
                .with("until", until),
            );
        } else {
            active.insert((&w.rule, &w.target), &w.reason);
        }
    }
    if !active.is_empty() {
        for f in findings.iter_mut() {
            if let Some(reason) = active.get(&(f.code, &*f.target)) {
                f.waived = true;
                f.data.insert("waiver", (*reason).to_owned());
            }
        }
    }
    // In place, without the scratch copy of half the list a stable sort makes (8 MB at a million
    // flows); the location breaks ties between otherwise equal findings.
    crate::parallel::sort_unstable_by(&mut findings, Finding::order);
    // An sdk in several systems yields the same finding once per system: keep one.
    findings.dedup_by(|b, a| a.code == b.code && a.target == b.target && a.regime == b.regime);
    findings
}

/// Counts by severity, not counting waived findings (counted apart).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub error: usize,
    pub warning: usize,
    pub note: usize,
    pub waived: usize,
}

impl Summary {
    pub fn of(findings: &[Finding]) -> Summary {
        let mut s = Summary::default();
        for f in findings {
            match (f.waived, f.severity) {
                (true, _) => s.waived += 1,
                (false, Severity::Error) => s.error += 1,
                (false, Severity::Warning) => s.warning += 1,
                (false, Severity::Note) => s.note += 1,
            }
        }
        s
    }

    /// Whether any unwaived finding is at or above `level`.
    pub fn fails(&self, level: Severity) -> bool {
        match level {
            Severity::Error => self.error > 0,
            Severity::Warning => self.error + self.warning > 0,
            Severity::Note => self.error + self.warning + self.note > 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_keeps_keys_in_order_and_replaces_a_repeated_key() {
        let mut d = Data::default();
        for (k, v) in [("to", 1), ("from", 2), ("kind", 3), ("from", 4)] {
            d.insert(k, Value::from(v));
        }
        assert_eq!(d.iter().map(|(k, _)| k).collect::<Vec<_>>(), ["from", "kind", "to"]);
        assert_eq!(d.get("from"), Some(&Datum::from(Value::from(4))));
        assert_eq!(d.get("nope"), None);
        assert_eq!(serde_json::to_string(&d).expect("serializes"), r#"{"from":4,"kind":3,"to":1}"#);
    }

    #[test]
    fn data_values_serialize_as_the_json_they_stand_for() {
        let mut d = Data::default();
        d.insert("word", "fixed");
        d.insert("name", crate::model::name("party-1"));
        d.insert("text", String::from("built \"here\""));
        d.insert("none", None::<&'static str>);
        d.insert("list", vec!["a", "b"]);
        d.insert("count", 3usize);
        d.insert("string_value", Value::from("s"));
        assert_eq!(
            serde_json::to_string(&d).expect("serializes"),
            r#"{"count":3,"list":["a","b"],"name":"party-1","none":null,"string_value":"s","text":"built \"here\"","word":"fixed"}"#
        );
        assert_eq!(d.get("text").and_then(Datum::as_str), Some("built \"here\""));
        assert_eq!(d.get("name").and_then(Datum::as_str), Some("party-1"));
        assert_eq!(d.get("count").and_then(Datum::as_str), None);
    }

    #[test]
    fn a_message_is_kept_as_written() {
        let rule = Rule {
            code: "x",
            severity: Severity::Note,
            regime: None,
            title: "",
            citation: "",
            law: "",
            fix: "",
            appendix: None,
        };
        let f = Finding::new(&rule, "t", Loc::default(), format!("{} and {}", "some", "words"));
        assert_eq!(&*f.message, "some and words");
    }
}
