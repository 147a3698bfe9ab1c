//! Privacy notices: generate one from the inventory ([`generate`]), and check a published one
//! against it ([`check`]), with a zh/en [`lexicon`] of how notices name each field category.
//! The notice is read as text ([`text`]); findings carry the `notice-*` codes of [`rules`].

pub mod check;
pub mod generate;
pub mod lexicon;
pub mod rules;
pub mod text;

pub use rules::RULES;
