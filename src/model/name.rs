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
/// A name is one pointer (8 bytes: a million flows hold several each) to a slot holding the
/// stored text and the name's number; slot and text are kept for the life of the process, and
/// the slot's address makes the name unique.
#[derive(Clone, Copy)]
pub struct Name(&'static Slot);

/// Where a name is held: its text, and its number (names are numbered 0, 1, 2, … as they are
/// first interned), by which a [`NameMap`] finds it.
#[derive(Clone, Copy)]
pub struct Slot {
    text: &'static str,
    number: u32,
}

/// Every name interned so far, found by the hash of its text.
static TABLE: Mutex<Table> =
    Mutex::new(Table { names: hashbrown::HashTable::new(), texts: &mut [], slots: &mut [], count: 0 });

/// The interned names, and room for those to come. Names are stored side by side in blocks of
/// their own, slots in one and texts in another, rather than each in an allocation of its own:
/// those would lie scattered among the millions of other small allocations made while parsing
/// (flow ids above all), and every lookup, which reads a slot and its text, would miss the cache.
struct Table {
    names: hashbrown::HashTable<Name>,
    /// Unused room for texts, taken from the front.
    texts: &'static mut [u8],
    /// Unused slots, taken from the front.
    slots: &'static mut [Slot],
    /// Names stored so far: the next one's number.
    count: u32,
}

impl Table {
    /// Store `s` for the life of the process, in the blocks' room (a new block when it runs out).
    fn store(&mut self, s: &str) -> Name {
        if self.texts.len() < s.len() {
            self.texts = Box::leak(vec![0u8; s.len().max(TEXT_BLOCK)].into_boxed_slice());
        }
        let (bytes, rest) = std::mem::take(&mut self.texts).split_at_mut(s.len());
        self.texts = rest;
        bytes.copy_from_slice(s.as_bytes());
        // The bytes of a `str`, copied: always UTF-8.
        let text: &'static str = std::str::from_utf8(bytes).unwrap_or_default();
        if self.slots.is_empty() {
            self.slots = Box::leak(vec![Slot { text: "", number: 0 }; SLOT_BLOCK].into_boxed_slice());
        }
        let (slot, rest) = std::mem::take(&mut self.slots).split_at_mut(1);
        self.slots = rest;
        slot[0] = Slot { text, number: self.count };
        self.count += 1;
        let slot: &'static Slot = &slot[0];
        Name(slot)
    }
}

/// Bytes of text per block (a longer name gets a block of its own size).
const TEXT_BLOCK: usize = 64 << 10;
/// Slots per block.
const SLOT_BLOCK: usize = 4096;

fn hash_text(s: &str) -> u64 {
    rustc_hash::FxBuildHasher.hash_one(s)
}

/// Whether a stored name's text is `s`. Ids are short (`f-1141`, `purpose-149`): two loads and
/// compares of at most 8 bytes each, instead of a call into `memcmp` for each of the millions of
/// lookups a large inventory makes.
fn same_text(stored: &str, s: &str) -> bool {
    let (a, b) = (stored.as_bytes(), s.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    match a.len() {
        // Two overlapping windows cover the text.
        8..=16 => a.first_chunk::<8>() == b.first_chunk::<8>() && a.last_chunk::<8>() == b.last_chunk::<8>(),
        4..=7 => a.first_chunk::<4>() == b.first_chunk::<4>() && a.last_chunk::<4>() == b.last_chunk::<4>(),
        _ => a == b,
    }
}

/// Intern a name.
pub fn name(s: &str) -> Name {
    CACHE.with(|cache| {
        let mut cache = cache.borrow_mut();
        let hash = hash_text(s);
        let key = Key::of(s);
        if let Some(c) = cache.find(hash, |c: &Cached| c.key == key && (s.len() <= 16 || same_text(c.name.as_str(), s)))
        {
            return c.name;
        }
        let n = Name::intern(s, hash);
        // Bounded: an inventory names a few thousand entities; flow ids, which are unique, are
        // not names. Past the bound, the global table alone answers.
        if cache.len() < 1 << 16 {
            cache.insert_unique(hash, Cached { key, name: n }, |c| hash_text(c.name.as_str()));
        }
        n
    })
}

/// A name in a thread's cache, with its text's length and up to 16 of its bytes beside it: an id
/// of up to 16 bytes (nearly all are) is recognised from the cache entry alone. Reading the
/// name's slot and then its text would be two more cache misses, one after the other, on each
/// of the millions of lookups of a large inventory (they were two thirds of interning's time).
struct Cached {
    key: Key,
    name: Name,
}

/// A text's length, its first 8 bytes and its last 8 (zero-padded when shorter): the whole
/// text when it is at most 16 bytes long.
#[derive(PartialEq, Eq)]
struct Key {
    len: usize,
    first: [u8; 8],
    last: [u8; 8],
}

impl Key {
    fn of(s: &str) -> Key {
        let b = s.as_bytes();
        let (mut first, mut last) = ([0u8; 8], [0u8; 8]);
        if let (Some(f), Some(l)) = (b.first_chunk::<8>(), b.last_chunk::<8>()) {
            (first, last) = (*f, *l);
        } else {
            first[..b.len()].copy_from_slice(b);
        }
        Key { len: b.len(), first, last }
    }
}

thread_local! {
    /// Names this thread has interned. The global table takes a lock per lookup; a million flows
    /// name the same few thousand ids over and over, so each thread asks it once per id. Built
    /// at compile time: no first-use check on each of the millions of lookups.
    static CACHE: std::cell::RefCell<hashbrown::HashTable<Cached>> =
        const { std::cell::RefCell::new(hashbrown::HashTable::new()) };
}

/// Values by interned name (declared entities by id, for a million references to find), held
/// at each name's number: a lookup reads one element, without hashing or probing a table.
/// Its length is the highest number among its keys (names number a few thousand in all).
#[derive(Debug, Clone)]
pub struct NameMap<V> {
    values: Vec<Option<V>>,
}

impl<V> Default for NameMap<V> {
    fn default() -> Self {
        NameMap { values: Vec::new() }
    }
}

impl<V> NameMap<V> {
    pub fn get(&self, name: Name) -> Option<&V> {
        self.values.get(name.number()).and_then(Option::as_ref)
    }

    pub fn contains(&self, name: Name) -> bool {
        self.get(name).is_some()
    }

    /// Set the value of `name`, returning the one it replaces.
    pub fn insert(&mut self, name: Name, value: V) -> Option<V> {
        let i = name.number();
        if self.values.len() <= i {
            self.values.resize_with(i + 1, || None);
        }
        self.values[i].replace(value)
    }

    /// The value of `name`, set to `value` first if it has none.
    pub fn get_or_insert(&mut self, name: Name, value: V) -> &mut V {
        let i = name.number();
        if self.values.len() <= i {
            self.values.resize_with(i + 1, || None);
        }
        self.values[i].get_or_insert(value)
    }
}

impl<V> FromIterator<(Name, V)> for NameMap<V> {
    fn from_iter<I: IntoIterator<Item = (Name, V)>>(items: I) -> Self {
        let mut map = NameMap::default();
        for (name, value) in items {
            map.insert(name, value);
        }
        map
    }
}

/// A set of interned names.
pub type NameSet = NameMap<()>;

impl Name {
    /// The name for `s` (whose [`hash_text`] is `hash`) in the global table, storing `s` if it
    /// is new.
    fn intern(s: &str, hash: u64) -> Name {
        // A poisoned lock means a panic elsewhere while inserting; the table itself is sound
        // (an insert either happened or did not).
        let mut table = TABLE.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(&name) = table.names.find(hash, |n| same_text(n.as_str(), s)) {
            return name;
        }
        let name = table.store(s);
        table.names.insert_unique(hash, name, |n| hash_text(n));
        name
    }

    /// The name for `s` if it was ever interned: looking up an id that names nothing declared
    /// stores nothing.
    pub fn existing(s: &str) -> Option<Name> {
        let table = TABLE.lock().unwrap_or_else(|e| e.into_inner());
        table.names.find(hash_text(s), |n| same_text(n.as_str(), s)).copied()
    }

    pub fn as_str(&self) -> &'static str {
        self.0.text
    }

    /// The order in which the name was first interned: 0, 1, 2, … for the life of the process.
    pub fn number(self) -> usize {
        self.0.number as usize
    }

    /// Where the one copy of the text is held: the same for equal names, different otherwise.
    pub fn address(&self) -> usize {
        std::ptr::from_ref::<Slot>(self.0) as usize
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
        self.0.text
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.text)
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.0.text, f)
    }
}

impl serde::Serialize for Name {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_texts_are_one_name_and_lookups_store_nothing() {
        let a = name("name-test-a");
        let b = name(&String::from("name-test-a"));
        assert_eq!(a, b);
        assert_eq!(a.address(), b.address());
        assert_ne!(a, name("name-test-b"));
        assert_eq!(a, "name-test-a");
        assert_eq!(Name::existing("name-test-a"), Some(a));
        assert_eq!(Name::existing("name-test-never-interned"), None);
        assert_eq!(Name::existing("name-test-never-interned"), None);
    }

    /// Names are interned into one process-wide table through per-thread caches: threads that
    /// intern the same texts at once, in different orders, past the cache's bound and across the
    /// table's blocks, must all get the same name for the same text and different names for
    /// different texts, with numbers that are unique.
    #[test]
    fn threads_interning_at_once_agree_on_every_name() {
        const THREADS: usize = 8;
        // A prime, so every stride below visits each text once.
        const TEXTS: usize = 20_011;
        let texts: Vec<String> = (0..TEXTS).map(|i| format!("name-thread-{i}-{}", "x".repeat(i % 40))).collect();
        let start = std::sync::Barrier::new(THREADS);
        let per_thread: Vec<Vec<(usize, usize, &'static str)>> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..THREADS)
                .map(|t| {
                    let (texts, start) = (&texts, &start);
                    scope.spawn(move || {
                        start.wait();
                        // Each thread walks the texts from its own offset and stride.
                        let mut seen = vec![(0, 0, ""); TEXTS];
                        for k in 0..TEXTS {
                            let i = (k * (2 * t + 1) + t * 997) % TEXTS;
                            let n = name(&texts[i]);
                            seen[i] = (n.address(), n.number(), n.as_str());
                        }
                        seen
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().expect("thread")).collect()
        });
        for (i, text) in texts.iter().enumerate() {
            let first = per_thread[0][i];
            assert_eq!(first.2, text);
            for seen in &per_thread[1..] {
                assert_eq!(seen[i], first, "{text}: threads disagree");
            }
        }
        let mut numbers: Vec<usize> = per_thread[0].iter().map(|s| s.1).collect();
        numbers.sort_unstable();
        numbers.dedup();
        assert_eq!(numbers.len(), TEXTS, "two texts share a number");
    }

    #[test]
    fn order_and_hash_follow_the_text() {
        let (x, y) = (name("name-test-y"), name("name-test-x"));
        assert!(y < x);
        let mut names = [x, y, name("name-test-z")];
        names.sort();
        assert_eq!(names.iter().map(|n| n.as_str()).collect::<Vec<_>>(), ["name-test-x", "name-test-y", "name-test-z"]);
        assert_eq!(rustc_hash::FxBuildHasher.hash_one(x), rustc_hash::FxBuildHasher.hash_one("name-test-y"));
    }

    #[test]
    fn names_past_a_block_and_longer_than_one_are_stored_whole() {
        // More names than a block of slots holds, and texts that fill several text blocks.
        let texts: Vec<String> =
            (0..SLOT_BLOCK + 10).map(|i| format!("name-test-block-{i}-{}", "x".repeat(i % 40))).collect();
        let names: Vec<Name> = texts.iter().map(|t| name(t)).collect();
        let long = "name-test-long-".to_owned() + &"y".repeat(TEXT_BLOCK * 2);
        let n = name(&long);
        assert_eq!(n.as_str(), long);
        for (t, n) in texts.iter().zip(&names) {
            assert_eq!(n.as_str(), t);
            assert_eq!(name(t), *n);
        }
        let mut addresses: Vec<usize> = names.iter().map(Name::address).collect();
        addresses.sort_unstable();
        addresses.dedup();
        assert_eq!(addresses.len(), texts.len());
    }

    #[test]
    fn texts_compare_whole_at_every_length() {
        let long = "abcdefghijklmnopqrstuvwxyz";
        for n in 0..=long.len() {
            let a = &long[..n];
            assert!(same_text(a, &String::from(a)));
            for i in 0..n {
                // A difference at any one place, the middle of a 9..15-byte text included.
                let mut b = a.as_bytes().to_vec();
                b[i] = b'_';
                let b = String::from_utf8(b).unwrap();
                assert!(!same_text(a, &b), "{a} vs {b}");
            }
            assert!(!same_text(a, &long[..n.saturating_sub(1)]) || n == 0);
        }
    }

    #[test]
    fn texts_differing_in_one_byte_or_in_length_are_different_names_at_every_length() {
        // The cache recognises texts of up to 16 bytes by length and first and last 8 bytes:
        // every byte and the length must count, below, at and past that size.
        let base = "name-test-key-abcdefghijklmnop";
        let mut seen = std::collections::HashMap::new();
        for n in 0..=base.len() {
            let mut texts = vec![base[..n].to_owned(), format!("{}\0", &base[..n])];
            for i in 0..n {
                let mut b = base.as_bytes()[..n].to_vec();
                b[i] = b'#';
                texts.push(String::from_utf8(b).unwrap());
            }
            for t in texts {
                let a = name(&t);
                assert_eq!(a.as_str(), t);
                assert_eq!(name(&t), a);
                assert_eq!(*seen.entry(a.address()).or_insert_with(|| t.clone()), t);
            }
        }
    }

    #[test]
    fn a_name_map_finds_by_name_and_grows_to_its_highest_number() {
        let (a, b, c) = (name("name-test-map-a"), name("name-test-map-b"), name("name-test-map-c"));
        let mut map: NameMap<u32> = [(b, 2)].into_iter().collect();
        assert_eq!(map.get(b), Some(&2));
        assert_eq!(map.get(a), None);
        assert_eq!(map.get(c), None, "a name past the map's end is not in it");
        assert_eq!(map.insert(b, 3), Some(2));
        assert_eq!(*map.get_or_insert(c, 7), 7);
        assert_eq!(*map.get_or_insert(c, 8), 7, "an existing value is kept");
        assert!(map.contains(c) && !map.contains(a));
        assert_ne!(a.number(), b.number());
    }

    #[test]
    fn the_empty_name_is_a_name() {
        let e = name("");
        assert_eq!(e, name(""));
        assert!(e.is_empty());
    }
}
