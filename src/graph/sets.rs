//! Sets of subject groups, each stored once and named by a number, with unions remembered.
//!
//! Provenance with thousands of subject groups on long chains gives every node and edge a set
//! of thousands of bits, but few distinct ones: a chain passes one set along unchanged, a field
//! carried by the same flows as another has the same sets. Naming each distinct set once makes
//! passing a set along a copy of a number, and a union of two sets met before a look-up.

use hashbrown::HashTable;
use rustc_hash::{FxHashMap, FxHasher};
use std::hash::Hasher;

/// Sets with fewer non-zero words than a quarter of the width also keep those words apart, so
/// that a union with a small set (a group's own, a flow's named subjects) costs its size, not
/// the width: 8,000 groups each flowing into one system would otherwise cost 8,000 × 125 words.
const SPARSE_SHARE: usize = 4;

/// Distinct subject sets of one width (`words` 64-bit words), numbered from 0 = the empty set.
pub struct SetStore {
    words: usize,
    /// Set `i` is `bits[i * words..(i + 1) * words]`.
    bits: Vec<u64>,
    /// Set `i`'s non-zero words, `(word, bits)`, as a range of `sparse` (empty range: dense).
    sparse_of: Vec<(u32, u32)>,
    sparse: Vec<(u32, u64)>,
    table: HashTable<u32>,
    pairs: FxHashMap<(u32, u32), u32>,
    /// The set of one subject group, by group (`u32::MAX`: not made yet).
    singles: Vec<u32>,
    scratch: Vec<u64>,
}

fn hash(bits: &[u64]) -> u64 {
    let mut h = FxHasher::default();
    for &w in bits {
        h.write_u64(w);
    }
    h.finish()
}

impl SetStore {
    pub const EMPTY: u32 = 0;

    pub fn new(words: usize) -> SetStore {
        let words = words.max(1);
        let mut store = SetStore {
            words,
            bits: Vec::new(),
            sparse_of: Vec::new(),
            sparse: Vec::new(),
            table: HashTable::new(),
            pairs: FxHashMap::default(),
            singles: Vec::new(),
            scratch: vec![0; words],
        };
        let empty = vec![0; words];
        store.intern(&empty);
        store
    }

    /// How many sets are stored (the next new set's number).
    pub fn count(&self) -> usize {
        self.sparse_of.len()
    }

    pub fn get(&self, id: u32) -> &[u64] {
        &self.bits[id as usize * self.words..(id as usize + 1) * self.words]
    }

    /// The number of a set given as bits (`words` long), stored if new.
    pub fn intern(&mut self, set: &[u64]) -> u32 {
        debug_assert_eq!(set.len(), self.words);
        let h = hash(set);
        let (words, bits) = (self.words, &self.bits);
        let same = |&id: &u32| &bits[id as usize * words..(id as usize + 1) * words] == set;
        if let Some(&id) = self.table.find(h, same) {
            return id;
        }
        let id = self.sparse_of.len() as u32;
        self.bits.extend_from_slice(set);
        let non_zero = set.iter().filter(|&&w| w != 0).count();
        let start = self.sparse.len() as u32;
        if non_zero * SPARSE_SHARE < words {
            self.sparse.extend(set.iter().enumerate().filter(|(_, w)| **w != 0).map(|(i, &w)| (i as u32, w)));
        }
        self.sparse_of.push((start, self.sparse.len() as u32));
        let (words, bits) = (self.words, &self.bits);
        self.table.insert_unique(h, id, |&id| hash(&bits[id as usize * words..(id as usize + 1) * words]));
        id
    }

    /// The set of subject group `s` alone.
    pub fn single(&mut self, s: u32) -> u32 {
        let s = s as usize;
        if s >= self.singles.len() {
            self.singles.resize(s + 1, u32::MAX);
        }
        if self.singles[s] == u32::MAX {
            let mut set = std::mem::take(&mut self.scratch);
            set.fill(0);
            set[s / 64] |= 1 << (s % 64);
            self.singles[s] = self.intern(&set);
            self.scratch = set;
        }
        self.singles[s]
    }

    /// The union of two sets.
    pub fn union(&mut self, a: u32, b: u32) -> u32 {
        let (a, b) = (a.min(b), a.max(b));
        if a == b || a == Self::EMPTY {
            return b;
        }
        if let Some(&u) = self.pairs.get(&(a, b)) {
            return u;
        }
        let mut set = std::mem::take(&mut self.scratch);
        set.copy_from_slice(self.get(b));
        self.or_into(&mut set, a);
        let u = self.intern(&set);
        self.scratch = set;
        self.pairs.insert((a, b), u);
        u
    }

    /// The union of all the sets in `ids` (which it sorts and may shorten).
    pub fn union_all(&mut self, ids: &mut Vec<u32>) -> u32 {
        ids.sort_unstable();
        ids.dedup();
        if ids.first() == Some(&Self::EMPTY) {
            ids.remove(0);
        }
        match ids.as_slice() {
            [] => Self::EMPTY,
            &[a] => a,
            &[a, b] => self.union(a, b),
            many => {
                let mut set = std::mem::take(&mut self.scratch);
                set.fill(0);
                for &id in many {
                    self.or_into(&mut set, id);
                }
                let u = self.intern(&set);
                self.scratch = set;
                u
            }
        }
    }

    fn or_into(&self, set: &mut [u64], id: u32) {
        let (start, end) = self.sparse_of[id as usize];
        if start < end {
            for &(w, bits) in &self.sparse[start as usize..end as usize] {
                set[w as usize] |= bits;
            }
        } else {
            for (s, &w) in set.iter_mut().zip(self.get(id)) {
                *s |= w;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeSet;

    fn bits(words: usize, members: &BTreeSet<u32>) -> Vec<u64> {
        let mut b = vec![0; words];
        for &m in members {
            b[m as usize / 64] |= 1 << (m % 64);
        }
        b
    }

    proptest! {
        // Unions by number, of sparse and dense sets alike, give what unions of the members give.
        #[test]
        fn unions_are_unions_of_members(
            groups in 1u32..400,
            sets in proptest::collection::vec(proptest::collection::btree_set(0u32..400, 0..40), 1..12),
        ) {
            let words = groups.div_ceil(64) as usize;
            let sets: Vec<BTreeSet<u32>> =
                sets.into_iter().map(|s| s.into_iter().filter(|&m| m < groups).collect()).collect();
            let mut store = SetStore::new(words);
            let ids: Vec<u32> = sets.iter().map(|s| store.intern(&bits(words, s))).collect();
            for (s, &id) in sets.iter().zip(&ids) {
                prop_assert_eq!(store.get(id).to_vec(), bits(words, s));
                prop_assert_eq!(store.intern(&bits(words, s)), id);
            }
            for (i, a) in sets.iter().enumerate() {
                for (j, b) in sets.iter().enumerate() {
                    let u = store.union(ids[i], ids[j]);
                    prop_assert_eq!(store.get(u).to_vec(), bits(words, &(a | b)));
                }
            }
            let all: BTreeSet<u32> = sets.iter().flatten().copied().collect();
            let mut list = ids.clone();
            let u = store.union_all(&mut list);
            prop_assert_eq!(store.get(u).to_vec(), bits(words, &all));
            if let Some(&m) = all.iter().next() {
                let single = store.single(m);
                prop_assert_eq!(store.get(single).to_vec(), bits(words, &BTreeSet::from([m])));
            }
        }
    }

    #[test]
    fn the_empty_set_is_zero() {
        let mut store = SetStore::new(2);
        assert_eq!(store.intern(&[0, 0]), SetStore::EMPTY);
        let mut none = vec![];
        assert_eq!(store.union_all(&mut none), SetStore::EMPTY);
        let one = store.single(70);
        assert_eq!(store.union(SetStore::EMPTY, one), one);
        assert_eq!(store.get(one), &[0, 1 << 6]);
    }
}
