//! Interned ids.
//!
//! A million flows name a few thousand entities over and over: each distinct id is stored once,
//! for the life of the process, and a [`Name`] is a reference to that one copy. Two names are
//! equal exactly when they are the same copy, so comparing them compares two addresses.
//!
//! The table grows with the names it holds (a few thousand), rather than starting with room for
//! a million: memory that is first read and then written is faulted in twice, and with several
//! threads running every such page costs a TLB shootdown on all cores.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{BuildHasher, Hash, Hasher};
use std::sync::Mutex;

/// An interned id: a reference from one entity to another (a flow's ends, fields and purpose, an
/// sdk's vendor, a consent's fields, …). Equality is a pointer comparison; hash and order are
/// those of the text, so maps and sorts keyed by names do not depend on where they were stored.
///
/// A name is one pointer (8 bytes: a million flows hold several each) to the stored text, a
/// `String` kept for the life of the process, whose address makes the name unique.
#[derive(Clone, Copy)]
pub struct Name(&'static String);

/// Every name interned so far, found by the hash of its text.
static TABLE: Mutex<hashbrown::HashTable<&'static String>> = Mutex::new(hashbrown::HashTable::new());

fn hash_text(s: &str) -> u64 {
    rustc_hash::FxBuildHasher.hash_one(s)
}

impl Name {
    /// The name for `s`, storing `s` if it is new.
    pub fn intern_global(s: &str) -> Name {
        let hash = hash_text(s);
        // A poisoned lock means a panic elsewhere while inserting; the table itself is sound
        // (an insert either happened or did not).
        let mut table = TABLE.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(&text) = table.find(hash, |t| t.as_str() == s) {
            return Name(text);
        }
        let text: &'static String = Box::leak(Box::new(s.to_owned()));
        table.insert_unique(hash, text, |t| hash_text(t));
        Name(text)
    }

    /// The name for `s` if it was ever interned: looking up an id that names nothing declared
    /// stores nothing.
    pub fn existing(s: &str) -> Option<Name> {
        let table = TABLE.lock().unwrap_or_else(|e| e.into_inner());
        table.find(hash_text(s), |t| t.as_str() == s).map(|&t| Name(t))
    }

    pub fn as_str(&self) -> &'static str {
        self.0
    }

    /// Where the one copy of the text is held: the same for equal names, different otherwise.
    pub fn address(&self) -> usize {
        std::ptr::from_ref::<String>(self.0) as usize
    }
}

impl PartialEq for Name {
    fn eq(&self, other: &Name) -> bool {
        std::ptr::eq(self.0, other.0)
    }
}

impl Eq for Name {}

impl PartialEq<str> for Name {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Name {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Name {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other.as_str()
    }
}

impl PartialEq<Name> for str {
    fn eq(&self, other: &Name) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<Name> for &str {
    fn eq(&self, other: &Name) -> bool {
        *self == other.as_str()
    }
}

impl PartialEq<Name> for String {
    fn eq(&self, other: &Name) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Hash for Name {
    fn hash<H: Hasher>(&self, h: &mut H) {
        self.as_str().hash(h)
    }
}

impl PartialOrd for Name {
    fn partial_cmp(&self, other: &Name) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Name {
    fn cmp(&self, other: &Name) -> Ordering {
        if self == other { Ordering::Equal } else { self.as_str().cmp(other.as_str()) }
    }
}

impl std::ops::Deref for Name {
    type Target = str;
    fn deref(&self) -> &str {
        self.0
    }
}

impl AsRef<str> for Name {
    fn as_ref(&self) -> &str {
        self.0
    }
}

impl std::borrow::Borrow<str> for Name {
    fn borrow(&self) -> &str {
        self.0
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.0, f)
    }
}

impl serde::Serialize for Name {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_texts_are_one_name_and_lookups_store_nothing() {
        let a = Name::intern_global("name-test-a");
        let b = Name::intern_global(&String::from("name-test-a"));
        assert_eq!(a, b);
        assert_eq!(a.address(), b.address());
        assert_ne!(a, Name::intern_global("name-test-b"));
        assert_eq!(a, "name-test-a");
        assert_eq!(Name::existing("name-test-a"), Some(a));
        assert_eq!(Name::existing("name-test-never-interned"), None);
        assert_eq!(Name::existing("name-test-never-interned"), None);
    }

    #[test]
    fn order_and_hash_follow_the_text() {
        let (x, y) = (Name::intern_global("name-test-y"), Name::intern_global("name-test-x"));
        assert!(y < x);
        let mut names = [x, y, Name::intern_global("name-test-z")];
        names.sort();
        assert_eq!(names.iter().map(|n| n.as_str()).collect::<Vec<_>>(), ["name-test-x", "name-test-y", "name-test-z"]);
        assert_eq!(rustc_hash::FxBuildHasher.hash_one(x), rustc_hash::FxBuildHasher.hash_one("name-test-y"));
    }

    #[test]
    fn the_empty_name_is_a_name() {
        let e = Name::intern_global("");
        assert_eq!(e, Name::intern_global(""));
        assert!(e.is_empty());
    }
}
