//! The RFC 6962 Merkle tree over the log, built on `tlog_tiles`' hashing and proof code.
//!
//! Two shapes: [`RootAccumulator`] keeps only the O(log n) roots of complete subtrees, for
//! streaming verification in constant memory; [`HashStore`] keeps every stored hash in
//! tlog order, so that inclusion and consistency proofs can be served.

use tlog_tiles::{Hash, HashReader, node_hash, record_hash, stored_hash_index, stored_hashes_for_record_hash};

/// Leaf hash of an encoded entry: SHA-256(0x00 ‖ entry).
pub fn leaf_hash(entry_bytes: &[u8]) -> Hash {
    record_hash(entry_bytes)
}

/// Streaming root computation: push leaf hashes in order, read the root at any size.
#[derive(Default, Clone)]
pub struct RootAccumulator {
    /// Roots of the complete subtrees, largest first; their sizes are the set bits of `size`.
    peaks: Vec<Hash>,
    size: u64,
}

impl RootAccumulator {
    pub fn size(&self) -> u64 {
        self.size
    }

    pub fn push(&mut self, leaf: Hash) {
        let mut h = leaf;
        let mut n = self.size;
        // Each trailing one bit of the old size is a subtree the new leaf completes.
        while n & 1 == 1 {
            h = node_hash(self.peaks.pop().expect("peak for each set bit"), h);
            n >>= 1;
        }
        self.peaks.push(h);
        self.size += 1;
    }

    /// The RFC 6962 root of everything pushed so far.
    pub fn root(&self) -> Hash {
        let mut iter = self.peaks.iter().rev();
        match iter.next() {
            None => tlog_tiles::EMPTY_HASH,
            Some(first) => iter.fold(*first, |acc, peak| node_hash(*peak, acc)),
        }
    }
}

/// Every stored hash of the tree, in `tlog_tiles`' stored-hash order.
#[derive(Default, Clone)]
pub struct HashStore {
    hashes: Vec<Hash>,
    size: u64,
}

impl HashReader for HashStore {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, tlog_tiles::Error> {
        indexes
            .iter()
            .map(|&i| self.hashes.get(i as usize).copied().ok_or(tlog_tiles::Error::IndexesNotInTree))
            .collect()
    }
}

impl HashStore {
    /// Every stored hash, in tlog order (the first `stored_hash_count(n)` are the tree of n).
    pub fn stored(&self) -> &[Hash] {
        &self.hashes
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    pub fn push(&mut self, leaf: Hash) {
        debug_assert_eq!(self.hashes.len() as u64, stored_hash_index(0, self.size));
        let new = stored_hashes_for_record_hash(self.size, leaf, self).expect("earlier hashes are stored");
        self.hashes.extend(new);
        self.size += 1;
    }

    /// Forgets everything past `size` leaves (used when an uncommitted tail is dropped).
    pub fn truncate(&mut self, size: u64) {
        if size < self.size {
            self.hashes.truncate(if size == 0 { 0 } else { tlog_tiles::stored_hash_count(size) as usize });
            self.size = size;
        }
    }

    pub fn root(&self) -> Hash {
        self.root_at(self.size).expect("own size is in the tree")
    }

    pub fn root_at(&self, size: u64) -> Result<Hash, tlog_tiles::Error> {
        tlog_tiles::tree_hash(size, self)
    }

    /// Inclusion proof of leaf `index` in the tree of `size` leaves.
    pub fn prove_inclusion(&self, index: u64, size: u64) -> Result<Vec<Hash>, tlog_tiles::Error> {
        tlog_tiles::prove_record(size, index, self)
    }

    /// Consistency proof from the tree of `old_size` leaves to the one of `size`.
    pub fn prove_consistency(&self, old_size: u64, size: u64) -> Result<Vec<Hash>, tlog_tiles::Error> {
        tlog_tiles::prove_tree(size, old_size, self)
    }
}
