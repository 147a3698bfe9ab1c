//! The binary's one error type and its exit codes. Every command returns [`Result`]`<`[`Outcome`]`>`;
//! `main` prints an [`Error`] (the only place that does) and exits with its code.

use super::{ColorChoice, Format, use_color};
use piflow::load;
use piflow::source::escape::{sanitize, shorten_quoted};
use std::io::{IsTerminal, Write};
use std::path::Path;

/// Exit codes (rules.md): 0 clean, 1 findings at or above `--fail-on`, 2 invalid input or usage.
pub const EXIT_OK: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_INVALID: i32 = 2;

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What a command that ran to the end found: the exit code is 0 or 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Clean,
    /// Findings at or above the threshold the user set (or, for `import`, items not mapped exactly).
    Findings,
}

impl Outcome {
    pub fn findings_if(found: bool) -> Outcome {
        if found { Outcome::Findings } else { Outcome::Clean }
    }

    pub fn code(self) -> i32 {
        match self {
            Outcome::Clean => EXIT_OK,
            Outcome::Findings => EXIT_FINDINGS,
        }
    }
}

/// Why a command stopped (exit 2).
#[derive(Debug)]
pub enum Error {
    /// A sentence for the user, printed as `piflow: …`; it says what to do next.
    Message(String),
    /// The inventory did not load: every problem, shown as `format` asks (JSON on standard
    /// output, since CI parses it; else for a person on standard error), after `preface` if any.
    Load { failed: Box<load::Failed>, format: Format, preface: Option<&'static str> },
}

impl Error {
    pub fn msg(message: impl Into<String>) -> Error {
        Error::Message(message.into())
    }

    pub fn load(failed: load::Failed, format: Format) -> Error {
        Error::Load { failed: Box::new(failed), format, preface: None }
    }

    /// For `map_err` on a failed write of `path`.
    pub fn cannot_write(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
        move |e| Error::Message(format!("cannot write {}: {e}", path.display()))
    }

    /// For `map_err` on a failed serialisation of the inventory (a bug, not bad input).
    pub fn cannot_serialize(e: impl std::fmt::Display) -> Error {
        Error::Message(format!("cannot serialize the inventory: {e}"))
    }

    /// Print the error where it belongs. Untrusted text in messages (ids, paths) is escaped for
    /// the terminal.
    pub fn print(&self) {
        match self {
            // Values from the command line or the inventory, escaped and shortened.
            Error::Message(m) => eprintln!("piflow: {}", sanitize(&shorten_quoted(m))),
            Error::Load { failed, format: Format::Json, .. } => {
                let doc = serde_json::json!({"piflow": 1, "errors": failed.errors.0});
                match serde_json::to_string_pretty(&doc) {
                    Ok(mut text) => {
                        text.push('\n');
                        let _ = std::io::stdout().write_all(text.as_bytes());
                    }
                    Err(e) => eprintln!("piflow: cannot write the load errors as JSON: {e}"),
                }
            }
            Error::Load { failed, preface, .. } => {
                if let Some(p) = preface {
                    eprintln!("piflow: {p}");
                }
                let color = use_color(ColorChoice::Auto, std::io::stderr().is_terminal());
                let text = piflow::report::human::render_load_errors(&failed.errors.0, &failed.sources, color);
                let _ = std::io::stderr().write_all(&text);
            }
        }
    }
}

impl From<String> for Error {
    fn from(message: String) -> Error {
        Error::Message(message)
    }
}
