//! The one replay core: records in, state, Merkle tree and signature checks out. Opening a
//! ledger, rebuilding its state, `ledger verify`, the client's replica and the simulator all
//! advance a [`Replay`] one entry at a time; they differ only in where the records come from,
//! which tree they keep (every hash, or just the root) and how signatures are checked.
//!
//! Each step decodes the record, checks that genesis is signed by the expected authority,
//! checks (or queues) the signature, applies the economy's rules to the state
//! ([`LedgerState::apply`]) and pushes the leaf. An error names the entry; with batched
//! signatures, an earlier bad signature is always reported before any later error.

use std::sync::Arc;

use tlog_tiles::Hash;

use super::entry::{Entry, PublicKey};
use super::error::LedgerError;
use super::merkle::{HashStore, RootAccumulator, leaf_hash};
use super::signatures::{KeyCache, PendingSignatures, signature_is_valid};
use crate::economy::EconomyTables;

// The state and its rules, at their old paths.
pub use super::state::{DAILY_KM_CAP, DAY_MS, Deposit, LedgerState, PlayerState, Supply, Violation, Voucher, voucher_id};

/// Signatures checked together. Large enough to reach the batch speed-up, small enough that
/// the pending bytes stay a few hundred kilobytes.
pub const SIGNATURE_BATCH: usize = 256;

/// How a step checks the entry's signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Signatures {
    /// Not at all: the caller checked it already, or a signed checkpoint's root covers the
    /// entry (opening checks the root against the checkpoint).
    Trusted,
    /// At once, strictly (RFC 8032 and no small-order keys).
    Strict,
    /// Queued and checked in batches of [`SIGNATURE_BATCH`] (call [`Replay::settle`] at the
    /// end).
    Batched,
}

/// A Merkle tree a replay pushes leaves onto: every hash ([`HashStore`], for proofs and
/// tiles) or only what the root needs ([`RootAccumulator`], for streaming verification).
pub trait Tree {
    fn push(&mut self, leaf: Hash);
    fn root(&self) -> Hash;
    fn size(&self) -> u64;
}

impl Tree for HashStore {
    fn push(&mut self, leaf: Hash) {
        HashStore::push(self, leaf)
    }
    fn root(&self) -> Hash {
        HashStore::root(self)
    }
    fn size(&self) -> u64 {
        HashStore::size(self)
    }
}

impl Tree for RootAccumulator {
    fn push(&mut self, leaf: Hash) {
        RootAccumulator::push(self, leaf)
    }
    fn root(&self) -> Hash {
        RootAccumulator::root(self)
    }
    fn size(&self) -> u64 {
        RootAccumulator::size(self)
    }
}

/// A replay in progress: the state and tree of the entries so far.
pub struct Replay<T> {
    state: LedgerState,
    tree: T,
    tables: Arc<EconomyTables>,
    /// The key genesis must be signed by (the checkpoint's), if known.
    authority: Option<PublicKey>,
    keys: KeyCache,
    pending: PendingSignatures,
}

impl<T: Tree + Default> Replay<T> {
    /// A replay from the first entry, under the economy `tables`. `authority`, if given, is
    /// the key genesis must be signed by.
    pub fn new(tables: Arc<EconomyTables>, authority: Option<PublicKey>) -> Self {
        Replay::resume(tables, authority, LedgerState::default(), T::default())
    }
}

impl<T: Tree> Replay<T> {
    /// A replay that goes on from `state` and `tree` (of the same entries).
    pub fn resume(tables: Arc<EconomyTables>, authority: Option<PublicKey>, state: LedgerState, tree: T) -> Self {
        Replay { state, tree, tables, authority, keys: KeyCache::default(), pending: PendingSignatures::default() }
    }

    /// The index of the next entry.
    pub fn index(&self) -> u64 {
        self.tree.size()
    }

    pub fn state(&self) -> &LedgerState {
        &self.state
    }

    pub fn tree(&self) -> &T {
        &self.tree
    }

    /// The tree, to cut it back (the caller keeps state and tree in step).
    pub fn tree_mut(&mut self) -> &mut T {
        &mut self.tree
    }

    pub fn tables(&self) -> &Arc<EconomyTables> {
        &self.tables
    }

    /// Splits the replay into its state and tree.
    pub fn into_parts(self) -> (LedgerState, T) {
        (self.state, self.tree)
    }

    /// Replaces the state (after a rebuild).
    pub fn set_state(&mut self, state: LedgerState) {
        self.state = state;
    }

    /// Decodes the record of the next entry, checks it and applies it. Returns the entry.
    pub fn step(&mut self, bytes: &[u8], signatures: Signatures) -> Result<Entry, LedgerError> {
        let index = self.index();
        match Entry::from_bytes(bytes) {
            Ok(entry) => self.step_entry(&entry, bytes, signatures).map(|()| entry),
            Err(source) => Err(self.first_error(LedgerError::Malformed { index, source })),
        }
    }

    /// Checks and applies the next entry, given with its stored bytes.
    pub fn step_entry(&mut self, entry: &Entry, bytes: &[u8], signatures: Signatures) -> Result<(), LedgerError> {
        let index = self.index();
        if index == 0
            && let Some(expected) = self.authority
            && entry.actor != expected
        {
            return Err(self.first_error(LedgerError::WrongAuthority { expected, found: entry.actor }));
        }
        let bad_signature = LedgerError::BadSignature { index, actor: entry.actor };
        match signatures {
            Signatures::Trusted => {}
            Signatures::Strict if signature_is_valid(entry, bytes, &mut self.keys) => {}
            Signatures::Strict => return Err(bad_signature),
            Signatures::Batched => match self.keys.get(&entry.actor) {
                Some(key) => self.pending.push(index, entry.actor, bytes, key),
                None => return Err(self.first_error(bad_signature)),
            },
        }
        let tree = &self.tree;
        if let Err(violation) = self.state.apply(&self.tables, index, entry, || tree.root().0) {
            return Err(self.first_error(LedgerError::Rule { index, violation }));
        }
        self.tree.push(leaf_hash(bytes));
        if self.pending.len() >= SIGNATURE_BATCH {
            self.settle()?;
        }
        Ok(())
    }

    /// Checks the signatures still queued.
    pub fn settle(&mut self) -> Result<(), LedgerError> {
        Ok(self.pending.check()?)
    }

    /// `error`, unless a queued signature of an earlier entry is bad: that one comes first.
    fn first_error(&mut self, error: LedgerError) -> LedgerError {
        match self.pending.check() {
            Ok(()) => error,
            Err(bad) => bad.into(),
        }
    }
}

impl<T: Tree + Clone> Clone for Replay<T> {
    /// A copy of the state and tree (signatures still queued are not copied: settle first).
    fn clone(&self) -> Self {
        Replay::resume(self.tables.clone(), self.authority, self.state.clone(), self.tree.clone())
    }
}
