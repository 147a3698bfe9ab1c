//! Scanning source trees and captured traffic for third-party code and hosts: the evidence that
//! `check --observed` holds the inventory against.
//!
//! Each manifest format has its own parser module; every observation keeps the file and line it
//! came from (and that line's text, so `observed.json` is self-contained and a later `check` can
//! quote it without the source tree). A file that does not parse becomes a [`Problem`] with its
//! location; the scan goes on. This module never reads the inventory.

mod android;
pub mod apk;
pub mod axml;
pub mod db;
pub mod dex;
mod gradle;
mod har;
mod ipa;
mod js;
mod lang;
mod locate;
mod mobile;
pub mod permissions;
pub mod personal;
pub mod suggest;
mod walk;
pub mod yaml;

pub use db::{Database, Signature};
pub use walk::{ScanOptions, scan};

use crate::load::{SourceFile, Sources};
use crate::model::Loc;
use crate::source::lines::LineIndex;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Version of the `observed.json` format.
pub const OBSERVED_VERSION: u32 = 1;

/// Everything a scan saw, sorted by file and line.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Observed {
    pub piflow: u32,
    /// Package coordinates named by manifests and lockfiles.
    #[serde(default)]
    pub packages: Vec<PackageUse>,
    /// Android manifest entries: components, `meta-data` keys and permissions.
    #[serde(default)]
    pub markers: Vec<Marker>,
    /// Hosts that captured traffic went to.
    #[serde(default)]
    pub hosts: Vec<HostUse>,
    /// Request parameters and bodies whose values look like personal data.
    #[serde(default)]
    pub personal_data: Vec<PersonalData>,
    /// Files that could not be read or parsed.
    #[serde(default)]
    pub problems: Vec<Problem>,
}

/// Where an observation was made: file as the user named it, 1-based line, and that line.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Place {
    pub file: String,
    pub line: u32,
    /// The text of the line (trimmed, at most 200 characters), so reports can quote it.
    #[serde(default)]
    pub text: String,
}

/// A package a manifest or lockfile depends on.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackageUse {
    /// `ecosystem:name`, e.g. `maven:com.umeng.umsdk:common`, `npm:@sentry/browser`.
    pub coordinate: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The signature database entry it matched, if any (informative; `check` matches again,
    /// with the inventory's own `packages` added).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sdk: Option<String>,
    #[serde(flatten)]
    pub place: Place,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MarkerKind {
    Component,
    MetaData,
    /// An Android permission the manifest requests, or an iOS usage-description key
    /// (`NSCameraUsageDescription`): what the app asks the user's device for.
    Permission,
    /// Another app the app asks to see (Android `<queries><package>`, iOS
    /// `LSApplicationQueriesSchemes`): SDKs for login, share and payment need them.
    Query,
    /// A URL scheme an iOS app registers (`CFBundleURLSchemes`: `wx…` for WeChat callbacks).
    UrlScheme,
    /// A data type a privacy manifest (`PrivacyInfo.xcprivacy`) says is collected
    /// (`NSPrivacyCollectedDataTypeDeviceID`); its text says whether linked, used for tracking,
    /// and the purposes.
    CollectedData,
    /// A required-reason API category a privacy manifest declares, with its reasons.
    RequiredReasonApi,
    /// A tracking domain a privacy manifest declares (`NSPrivacyTrackingDomains`).
    TrackingDomain,
    /// A built app whose manifest was read whole (an APK's or AAB module's `AndroidManifest.xml`,
    /// an IPA's `Info.plist`): its package name or bundle identifier, at the manifest's root.
    /// The permissions of the same archive are then everything the app can ask for — a source
    /// tree's manifest is not, the build merges its libraries' permissions into it.
    App,
}

/// An AndroidManifest.xml entry (or, for permissions and queries, its iOS `Info.plist` counterpart).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Marker {
    pub kind: MarkerKind,
    /// Component class, `meta-data` name, permission name or queried package.
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sdk: Option<String>,
    /// For a permission (or a privacy manifest's data type): the taxonomy categories of personal
    /// data it gives access to (`data/android-permissions.json`); `[]` when known to give none,
    /// absent when the map does not know it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub categories: Option<Vec<String>>,
    #[serde(flatten)]
    pub place: Place,
}

/// A host seen in traffic, at its first request.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HostUse {
    pub host: String,
    /// How many requests went to it.
    pub requests: u32,
    /// The host belongs to the site the capture was made on (its page's registrable domain, or
    /// a `--first-party` domain): the organization's own system, not a third party.
    #[serde(default)]
    pub first_party: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sdk: Option<String>,
    #[serde(flatten)]
    pub place: Place,
}

/// A request parameter whose value looks like personal data.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersonalData {
    pub host: String,
    /// The parameter (query, form or JSON key path) that carried it.
    pub parameter: String,
    /// Taxonomy category, e.g. `contact.phone`, `identity.national-id`.
    pub category: String,
    /// Why the value was taken for that (the check it passed), never the value itself.
    pub evidence: String,
    #[serde(flatten)]
    pub place: Place,
}

/// A file the scan could not use.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Problem {
    pub message: String,
    #[serde(flatten)]
    pub place: Place,
}

/// Why an `observed.json` cannot be used.
#[derive(Debug)]
pub struct ObservedError {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl std::fmt::Display for ObservedError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}: {}", self.file, self.line, self.column, self.message)
    }
}

/// The largest line number an `observed.json` place may carry (scanned files are far shorter).
pub const MAX_OBSERVED_LINE: u32 = 10_000_000;

impl Observed {
    /// Put every list in its stable order (file, line, then content), so output is deterministic.
    pub fn sort(&mut self) {
        // One file may carry several SDKs (a vendor's combined jar): one entry per SDK it carries.
        self.packages.sort_by(|a, b| (&a.place, &a.coordinate, &a.sdk).cmp(&(&b.place, &b.coordinate, &b.sdk)));
        self.packages.dedup_by(|b, a| a.place == b.place && a.coordinate == b.coordinate && a.sdk == b.sdk);
        self.markers.sort_by(|a, b| (&a.place, a.kind, &a.name).cmp(&(&b.place, b.kind, &b.name)));
        self.markers.dedup();
        self.hosts.sort_by(|a, b| (&a.host, &a.place).cmp(&(&b.host, &b.place)));
        self.personal_data.sort();
        self.personal_data.dedup();
        self.problems.sort();
    }

    /// Parse an `observed.json` written by `piflow scan`.
    pub fn from_json(file: &str, text: &str) -> Result<Observed, ObservedError> {
        let obs: Observed = serde_json::from_str(text).map_err(|e| ObservedError {
            file: file.to_owned(),
            line: e.line(),
            column: e.column(),
            message: format!("{e} (write this file with `piflow scan -o {file}`)"),
        })?;
        if obs.piflow != OBSERVED_VERSION {
            return Err(ObservedError {
                file: file.to_owned(),
                line: 1,
                column: 1,
                message: format!(
                    "observed format version {} is not supported (this piflow reads version {OBSERVED_VERSION}); \
                     re-run `piflow scan`",
                    obs.piflow
                ),
            });
        }
        // The evidence quotes each place on its own line of a synthetic source (`Evidence::attach`),
        // so a line number costs memory: one far beyond any scanned file is refused, not allocated.
        if let Some(p) = obs.places().find(|p| p.line > MAX_OBSERVED_LINE) {
            return Err(ObservedError {
                file: file.to_owned(),
                line: 1,
                column: 1,
                message: format!(
                    "{}: line {} is beyond the {MAX_OBSERVED_LINE} lines a scanned file can have; \
                     re-run `piflow scan` to write this file afresh",
                    p.file, p.line
                ),
            });
        }
        Ok(obs)
    }

    pub fn to_json(&self) -> serde_json::Result<String> {
        let mut s = serde_json::to_string_pretty(self)?;
        s.push('\n');
        Ok(s)
    }

    fn places(&self) -> impl Iterator<Item = &Place> {
        self.packages
            .iter()
            .map(|p| &p.place)
            .chain(self.markers.iter().map(|m| &m.place))
            .chain(self.hosts.iter().map(|h| &h.place))
            .chain(self.personal_data.iter().map(|p| &p.place))
    }
}

/// Observations made ready for rules: each scanned file is added to the run's [`Sources`] so a
/// finding about it carries an ordinary [`Loc`] and every output format shows it like an
/// inventory location. The file's text is rebuilt from the lines the scan quoted (other lines
/// empty), so `check --observed` needs only `observed.json`, not the scanned tree.
#[derive(Debug, Clone)]
pub struct Evidence {
    pub observed: Observed,
    files: BTreeMap<String, (u32, LineIndex)>,
}

impl Evidence {
    pub fn attach(observed: Observed, sources: &mut Sources) -> Evidence {
        let mut lines: BTreeMap<&str, BTreeMap<u32, &str>> = BTreeMap::new();
        for p in observed.places() {
            lines.entry(&p.file).or_default().entry(p.line).or_insert(&p.text);
        }
        let mut files = BTreeMap::new();
        for (file, quoted) in lines {
            let last = quoted.keys().next_back().copied().unwrap_or(1);
            let mut text = String::new();
            for n in 1..=last {
                if let Some(t) = quoted.get(&n) {
                    text.push_str(t);
                }
                text.push('\n');
            }
            let index = sources.files.len() as u32;
            let src = SourceFile::new(file.to_owned(), text);
            files.insert(file.to_owned(), (index, src.lines.clone()));
            sources.files.push(src);
        }
        Evidence { observed, files }
    }

    /// The location of an observation, pointing at the start of its quoted line.
    pub fn loc(&self, place: &Place) -> Loc {
        match self.files.get(&place.file) {
            Some((file, lines)) => {
                let offset = lines.line_start(place.line as usize).unwrap_or(0);
                // Point at the first non-blank character so the quote is underlined, not indent.
                Loc { file: *file, offset: offset as u32, line: place.line, col: 1 }
            }
            None => Loc::default(),
        }
    }
}
