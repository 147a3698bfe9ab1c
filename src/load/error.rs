//! Load errors: what is wrong with an inventory, where, and what to write instead.

use serde::Serialize;
use std::fmt;

/// The `load-*` codes of rules.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum LoadCode {
    #[serde(rename = "load-syntax")]
    Syntax,
    #[serde(rename = "load-version")]
    Version,
    #[serde(rename = "load-unknown-key")]
    UnknownKey,
    #[serde(rename = "load-missing-key")]
    MissingKey,
    #[serde(rename = "load-bad-value")]
    BadValue,
    #[serde(rename = "load-duplicate-id")]
    DuplicateId,
    #[serde(rename = "load-dangling-ref")]
    DanglingRef,
    #[serde(rename = "load-organization")]
    Organization,
    /// Not in the inventory's text: a path that cannot be read, or that holds no parts.
    #[serde(rename = "load-io")]
    Io,
}

impl LoadCode {
    pub fn as_str(self) -> &'static str {
        match self {
            LoadCode::Syntax => "load-syntax",
            LoadCode::Version => "load-version",
            LoadCode::UnknownKey => "load-unknown-key",
            LoadCode::MissingKey => "load-missing-key",
            LoadCode::BadValue => "load-bad-value",
            LoadCode::DuplicateId => "load-duplicate-id",
            LoadCode::DanglingRef => "load-dangling-ref",
            LoadCode::Organization => "load-organization",
            LoadCode::Io => "load-io",
        }
    }
}

impl fmt::Display for LoadCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem with the inventory's files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LoadError {
    pub code: LoadCode,
    /// Display path of the file, when the problem is in one.
    pub file: Option<String>,
    /// Index of the file in [`super::Sources`], for rendering the offending line.
    #[serde(skip)]
    pub file_index: Option<u32>,
    #[serde(skip)]
    pub offset: usize,
    pub line: usize,
    pub column: usize,
    pub message: String,
    /// What to write instead ("did you mean …") or what to do next.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.file {
            Some(file) if self.line > 0 => write!(f, "{file}:{}:{}: ", self.line, self.column)?,
            Some(file) => write!(f, "{file}: ")?,
            None => {}
        }
        write!(f, "{}: {}", self.code, self.message)?;
        if let Some(help) = &self.help {
            write!(f, " ({help})")?;
        }
        Ok(())
    }
}

/// Every problem found while loading, in file and line order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LoadErrors(pub Vec<LoadError>);

impl fmt::Display for LoadErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for e in &self.0 {
            writeln!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for LoadErrors {}

/// Longest input [`did_you_mean`] looks for a spelling of.
const SUGGEST_CHARS: usize = 64;

/// The closest valid spelling of `input` among `candidates`, when one is near enough to be a typo.
pub fn did_you_mean<'a, I>(input: &str, candidates: I) -> Option<String>
where
    I: IntoIterator<Item = &'a str>,
{
    // A typo is in a short word: a long input gets no suggestion, rather than a comparison that
    // costs its length times each candidate's in time and memory (a 32 MB id took 1.8 GB).
    let len = input.chars().count();
    if len > SUGGEST_CHARS {
        return None;
    }
    let lower = input.to_lowercase();
    let mut best: Option<(usize, &str)> = None;
    for cand in candidates {
        if cand == input {
            return None;
        }
        // The distance is at least the difference in length: too far, without comparing.
        let cand_len = cand.chars().count();
        if cand_len.abs_diff(len) > (len.max(cand_len) / 3).max(1) {
            continue;
        }
        // Case slips are the commonest typo in codes ("cn", "Consent").
        let d =
            if cand.to_lowercase() == lower { 0 } else { strsim::damerau_levenshtein(&lower, &cand.to_lowercase()) };
        let limit = (len.max(cand_len) / 3).max(1);
        if d <= limit && best.is_none_or(|(bd, bc)| d < bd || (d == bd && cand < bc)) {
            best = Some((d, cand));
        }
    }
    best.map(|(_, c)| c.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        assert_eq!(did_you_mean("consol", ["console", "crm"]).as_deref(), Some("console"));
        assert_eq!(did_you_mean("cn", ["CN", "CH"]).as_deref(), Some("CN"));
        assert_eq!(did_you_mean("zzzzzz", ["console", "crm"]), None);
        assert_eq!(did_you_mean("fromm", ["from", "to", "fields"]).as_deref(), Some("from"));
    }
}
