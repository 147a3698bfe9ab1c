//! The texts piflow reads, before any meaning is given to them: reading a file whole
//! ([`read`]), the line index every location is computed with ([`lines`]), paths as users see
//! them ([`path`]), and escaping untrusted text for the terminal ([`escape`]). `load`, `scan`,
//! `notice` and `report` all go through here, so a line or a column means the same everywhere.

pub mod escape;
pub mod lines;
pub mod path;
pub mod read;
