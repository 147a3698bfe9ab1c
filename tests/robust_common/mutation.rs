//! Byte-level mutations of real inputs, for the fuzz-style property tests (`robust_fuzz`,
//! `robust_gen`); each test draws them from its own alphabet of hostile bytes.

/// One change to a file's bytes. Positions are taken modulo the length, so any drawn number
/// applies to any text.
#[derive(Debug, Clone)]
pub enum Mutation {
    Flip { at: usize, byte: u8 },
    Delete { at: usize, len: usize },
    Insert { at: usize, bytes: Vec<u8> },
    Truncate { at: usize },
    Duplicate { at: usize, len: usize },
}

pub fn apply(text: &mut Vec<u8>, m: &Mutation) {
    let n = text.len().max(1);
    match m {
        Mutation::Flip { at, byte } => {
            if !text.is_empty() {
                text[at % n] = *byte;
            }
        }
        Mutation::Delete { at, len } => {
            let at = at % n;
            let end = (at + len).min(text.len());
            text.drain(at.min(end)..end);
        }
        Mutation::Insert { at, bytes } => {
            let at = at % (text.len() + 1);
            text.splice(at..at, bytes.iter().copied());
        }
        Mutation::Truncate { at } => text.truncate(at % n),
        Mutation::Duplicate { at, len } => {
            let at = at % n;
            let end = (at + len).min(text.len());
            let chunk = text[at.min(end)..end].to_vec();
            text.splice(at..at, chunk);
        }
    }
}
