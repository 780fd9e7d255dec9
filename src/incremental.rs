//! The whole-program stage of a run over the same files as a stored full run, when a
//! few files' facts changed (pre-commit mode, a code edit): what a full run leaves for
//! such runs ([`ProgramStore`]: its call graph, registrations and include graph), and
//! the part of the program an edit can affect ([`Slice`]).
//!
//! Which findings can change, and what they read (the reasons, `interproc`):
//! * findings located in the changed files, and in the functions they reach within
//!   the chain depth (a chain through a changed file is evidence there), or that the
//!   changed files register as callbacks;
//! * the may-sleep and gfp-sink summaries of every caller, at any distance, of a
//!   changed function (bottom-up fixpoints): the ancestors;
//! * the atomic reasons of those functions come from their callers within the chain
//!   depth (top-down, breadth-first with at most `MAX_REASONS` per function, so the
//!   reasons of depth `d` of a function depend on its callers within `d`), plus the
//!   callers of those callers (the notes name process-context callers, and a holder's
//!   callers decide whether its section can matter);
//! * per directory: field stores, DMA hand-offs, callback objects (all files of a
//!   directory that holds a function of the slice are in it);
//! * declarations visible through includes (the headers those files see).
//!
//! Everything else is read from the store as the full run left it: a function outside
//! the slice is not an ancestor of a changed function, so nothing it depends on changed.
//!
//! A whole run after edits that only move code (each changed `.c` file keeps its
//! layout-free digest, [`ProgramStore::only_moved`]) takes the same slices, naming the
//! files whose last findings show positions in the moved files (`lib.rs`, `moved_run`):
//! the rest of the program computes the same results up to those positions.
//!
//! In the pipeline (stage *incremental*, `src/incremental.rs`): pre-commit mode when
//! files' facts changed since the last full run over the same files: that run's
//! `ProgramStore` (call graph, per-function lock effects, gfp sinks, may-sleep clauses,
//! registrations, include graph, signatures; `program/` in the cache) gives the *slice*
//! the edit can affect: callers of changed functions at any distance, the named
//! functions and what atomic context reaches through them (the first round loads what
//! the stored call graph and may-sleep summaries say it may reach,
//! `through_candidates`; grown by the slice's own run; one whose sleep sites no chain
//! from the named files can reach (uncapped: `reach_from_files`) and no finding naming
//! a named file is only passed through: loaded, without callers), their callers within
//! the chain depth + 2 (a named file's gfp callees: direct callers only), whole
//! directories of changed and named files, definitions and sinks their calls read, the
//! headers all these see. Other functions are stand-ins (signatures) carrying the full
//! run's results (`interproc::Boundary`); the slice's declaration index takes the
//! stored include graph; the lints run over the files of reported functions;
//! `needless-gfp-atomic`'s any-depth reachability is recomputed over the stored call
//! graph, registrations and held calls with the slice's edges for the changed
//! functions. Headers, changed exported functions/includes/lock-wrapper effects, a
//! slice over half the files: the full stage

use std::sync::{Arc, Mutex};

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use serde::{Deserialize, Serialize};

use crate::context::headers::KernelHeaders;
use crate::context::interproc::{AtomicReason, Boundary, Clause, entry_points};
use crate::context::lockstate::LockEffect;
use crate::context::{Analysis, LockStates};
use crate::facts::{FileFacts, Function};
use crate::program::{FunctionId, Program};

/// The program store's layout (first field of its encoding).
const STORE_FORMAT: u64 = 0x6766_706c_7374_000c;

fn store_format<'de, D: serde::Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    let format = u64::deserialize(d)?;
    if format != STORE_FORMAT {
        return Err(serde::de::Error::custom("another program store layout"));
    }
    Ok(format)
}

/// Arrays of `u32` encoded as their little-endian bytes: the store's call graph and
/// name tables hold millions of them, which a run decodes as one copy instead of
/// varint by varint (90 ms of each pre-commit run on a whole kernel tree).
mod le_u32s {
    use serde::{Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &[u32], s: S) -> Result<S::Ok, S::Error> {
        let bytes: Vec<u8> = v.iter().flat_map(|x| x.to_le_bytes()).collect();
        s.serialize_bytes(&bytes)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u32>, D::Error> {
        let bytes: serde_bytes::ByteBuf = serde::Deserialize::deserialize(d)?;
        if !bytes.len().is_multiple_of(4) {
            return Err(serde::de::Error::custom("a u32 array of odd length"));
        }
        Ok(bytes
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect())
    }
}

/// Arrays of `u64` encoded as their little-endian bytes (as `le_u32s`).
mod le_u64s {
    use serde::{Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &[u64], s: S) -> Result<S::Ok, S::Error> {
        let bytes: Vec<u8> = v.iter().flat_map(|x| x.to_le_bytes()).collect();
        s.serialize_bytes(&bytes)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u64>, D::Error> {
        let bytes: serde_bytes::ByteBuf = serde::Deserialize::deserialize(d)?;
        if !bytes.len().is_multiple_of(8) {
            return Err(serde::de::Error::custom("a u64 array of odd length"));
        }
        Ok(bytes
            .chunks_exact(8)
            .map(|c| u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]))
            .collect())
    }
}

/// Edges from each item to others, compressed (compressed sparse rows).
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct Csr {
    #[serde(with = "le_u32s")]
    start: Vec<u32>,
    #[serde(with = "le_u32s")]
    items: Vec<u32>,
}

impl Csr {
    /// The lists as given (order kept: include order decides what is visible).
    fn from_lists(lists: impl Iterator<Item = Vec<u32>>) -> Csr {
        let mut csr = Csr {
            start: vec![0],
            items: Vec::new(),
        };
        for l in lists {
            csr.items.extend(l);
            csr.start.push(csr.items.len() as u32);
        }
        csr
    }

    pub fn of(&self, i: u32) -> &[u32] {
        let (Some(&a), Some(&b)) = (self.start.get(i as usize), self.start.get(i as usize + 1))
        else {
            return &[];
        };
        &self.items[a as usize..b as usize]
    }
}

/// Which path into a function an atomic reason is, as a whole run after an edit
/// compares the full run's reasons with a slice's (`lib.rs`, `edited_run`): the last
/// hop (caller by the full run's numbers, call index, the callee's known values) and
/// what atomic context it carries, without lines (a changed file's lines move).
pub fn reason_key(global: impl Fn(FunctionId) -> u32, reason: &AtomicReason) -> u64 {
    let text = match reason {
        AtomicReason::Entry {
            context,
            kind,
            registrar,
            file,
            ..
        } => format!("entry {context} {kind:?} {registrar} {file}"),
        AtomicReason::CalledWithHeld {
            caller,
            call,
            section,
            certain,
            bindings,
            ..
        } => format!(
            "held {} {call} {section} {certain} {bindings:?}",
            global(*caller)
        ),
        AtomicReason::CalledFromAtomic {
            caller,
            call,
            bindings,
            ..
        } => format!("from {} {call} {bindings:?}", global(*caller)),
    };
    crate::cache::content_digest(text.as_bytes()) as u64
}

/// One of the reasons a function that kept as many as it may had in the full run
/// (`ProgramStore::capped_chains`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CappedReason {
    pub chain: u64,
    pub depth: u8,
    pub on: Vec<u32>,
}

/// The whole path of an atomic reason, from where atomic context starts: the
/// [`reason_key`]s of its hops. Two reasons with the same digest take the same place
/// among a function's reasons, breadth-first (the same depth, and the same order
/// against every other path that is there before and after an edit).
pub fn chain_digest(
    analysis: &Analysis,
    global: impl Fn(FunctionId) -> u32 + Copy,
    reason: &AtomicReason,
) -> u64 {
    let mut text: Vec<u8> = Vec::new();
    let mut r = reason;
    for _ in 0..=crate::context::interproc::MAX_CHAIN_DEPTH + 1 {
        text.extend_from_slice(&reason_key(global, r).to_le_bytes());
        match r {
            AtomicReason::CalledFromAtomic { caller, via, .. } => {
                match analysis.reasons(*caller).get(*via as usize) {
                    Some(next) => r = next,
                    None => break,
                }
            }
            _ => break,
        }
    }
    crate::cache::content_digest(&text) as u64
}

/// How many calls deep a reason is (from where atomic context started: 0 at an entry
/// point or the callee of a call made with a section held) and the functions on its
/// chain (the holder, and the callers it passes).
pub fn chain_of(analysis: &Analysis, reason: &AtomicReason) -> (u8, Vec<FunctionId>) {
    let mut depth = 0u8;
    let mut on = Vec::new();
    let mut r = reason;
    loop {
        match r {
            AtomicReason::Entry { .. } => break,
            AtomicReason::CalledWithHeld { caller, .. } => {
                on.push(*caller);
                break;
            }
            AtomicReason::CalledFromAtomic { caller, via, .. } => {
                on.push(*caller);
                depth = depth.saturating_add(1);
                let bounded = on.len() <= crate::context::interproc::MAX_CHAIN_DEPTH as usize + 1;
                match analysis.reasons(*caller).get(*via as usize) {
                    Some(next) if bounded => r = next,
                    _ => break,
                }
            }
        }
    }
    (depth, on)
}

/// The functions an edit changed, with their callers in their files
/// (`ProgramStore::edited_functions`).
#[derive(Debug, Default, Clone)]
pub struct EditedFunctions {
    /// As the full run numbers them.
    pub old: Vec<u32>,
    /// As the new facts have them: (file, function index).
    pub new: Vec<(u32, u32)>,
    /// Functions of other files that call an edited function that reads otherwise to
    /// them now (its signature): what they pass on may change.
    pub external: Vec<u32>,
}

impl EditedFunctions {
    pub fn extend(&mut self, other: EditedFunctions) {
        self.old.extend(other.old);
        self.new.extend(other.new);
        self.external.extend(other.external);
    }
}

/// A gfp sink as stored: (parameter, (function number, call index)).
type StoredSink = (u32, (u32, u32));

/// What a full run leaves for later runs over the same files. Functions are numbered
/// over the run: files in run order, then functions in file order.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct ProgramStore {
    /// [`STORE_FORMAT`]: a store of another layout (an older binary sharing a
    /// development engine key) fails to decode rather than decoding as garbage.
    #[serde(deserialize_with = "store_format")]
    format: u64,
    /// Per file, the number of its first function; one more entry at the end.
    #[serde(with = "le_u32s")]
    fn_start: Vec<u32>,
    /// Per function, its direct callers (resolved call edges).
    callers: Csr,
    /// Per function, the functions it calls.
    callees: Csr,
    /// Per file, the functions its registrations make atomic callbacks.
    registered: Csr,
    /// Per file, the files its quoted includes resolve to (`DeclIndex`).
    includes: Csr,
    /// Per file, a digest of its `#include` lines (an edit of them is not sliced).
    include_digests: Vec<u64>,
    /// Per file, its `FileFacts::layout_free_digest` (an edit that keeps it only moved
    /// code: `lib.rs`, `moved_run`).
    layout_free_digests: Vec<u64>,
    /// Per file, its directory, as a number.
    #[serde(with = "le_u32s")]
    dirs: Vec<u32>,
    /// The functions' names, one after another; `name_ends[f]` is where function
    /// `f`'s ends.
    names: String,
    #[serde(with = "le_u32s")]
    name_ends: Vec<u32>,
    /// Function numbers sorted by name.
    #[serde(with = "le_u32s")]
    by_name: Vec<u32>,
    /// Per distinct name, (hash of the name, where its run starts in `by_name`),
    /// flattened, sorted: a slice looks up tens of thousands of names among hundreds of
    /// thousands, and a search by integer is a fraction of one by name (the names
    /// themselves are touched once per look-up, to confirm).
    #[serde(with = "le_u32s")]
    name_hashes: Vec<u32>,
    /// Runs of `by_name` by a hash of their name, made by `index_names` for a
    /// session's slices, edit after edit.
    #[serde(skip)]
    name_runs: std::sync::OnceLock<HashMap<u32, u32>>,
    /// Per file, its functions' [`Signature`]s (postcard of a `Vec`), one after
    /// another; `signature_ends[file]` is where the file's end.
    #[serde(with = "serde_bytes")]
    signatures: Vec<u8>,
    #[serde(with = "le_u32s")]
    signature_ends: Vec<u32>,
    /// Per file, the digest of the other files' lock wrappers it was locked again
    /// with (`wrappers_digest`), if it was.
    file_wrappers: Vec<Option<u128>>,
    /// What each function does to its callers' sections as other files' lock states
    /// see it (before re-locking), where it does something.
    wrapper_effects: Lazy<LockEffect>,
    /// The whole-program results per function (`Analysis`), sparse, sorted.
    lock_effects: Lazy<LockEffect>,
    gfp_sinks: Lazy<Vec<StoredSink>>,
    may_sleep: Lazy<Vec<Clause>>,
    sleeps_dropping: Lazy<(u32, String)>,
    /// Atomic callbacks: (function, its registration; `Entry::file` is the
    /// registering file).
    entries: Vec<(u32, AtomicReason)>,
    /// Functions with a `gfp_t` parameter, sorted.
    #[serde(with = "le_u32s")]
    gfp_params: Vec<u32>,
    /// Calls made with a section held, as (caller, callee), sorted: atomic context
    /// starts at the callee (with `entries`, the roots of `Analysis::atomic_reachable`).
    held_calls: Vec<(u32, u32)>,
    /// Functions whose body returns a value derived from a parameter, or an object
    /// holding stores of one (callers' argument values read their definition), sorted.
    #[serde(with = "le_u32s")]
    has_returns: Vec<u32>,
    /// Per function, `FileFacts::function_digests` (its text without layout).
    #[serde(with = "le_u64s")]
    function_digests: Vec<u64>,
    /// Per file, `FileFacts::outside_functions_digest`.
    #[serde(with = "le_u64s")]
    outside_digests: Vec<u64>,
    /// For each function that kept as many atomic reasons as it may, sorted, and for
    /// each of those reasons: its [`chain_digest`], its depth (calls from where atomic
    /// context started) and the functions on its chain, sorted. An edit that brings
    /// such a function reasons only deeper than these, and through which each of
    /// these that passes an edited function is found again as it was, leaves its
    /// reasons as they were (`lib.rs`, `edited_run`).
    capped_chains: Vec<(u32, Vec<CappedReason>)>,
    /// For each function with atomic reasons, theirs as [`reason_key`]s (at most
    /// `MAX_REASONS`), sorted by function: how many it kept, and what a slice finds
    /// again is not a reason more.
    reason_keys: Vec<(u32, Vec<u64>)>,
}

/// What a long-lived process (the language server) keeps between runs over the same
/// files, so that a run does not read it again (`Options::session`): the kernel build
/// model, the last full run's program store, and the kernel headers a slice read.
/// Each is kept with a key saying what it was made from; a run with another key reads
/// afresh, so a stale one is never used (the build model's key is the file list and
/// configuration: a Kconfig or Makefile edited during a session is seen once the file
/// list changes, or at the next start, as in a `Workspace`).
#[derive(Default)]
pub struct Session {
    build: Mutex<Option<(u128, Arc<crate::kbuild::BuildFacts>)>>,
    program: Mutex<Option<(u128, Arc<ProgramStore>)>>,
    headers: Mutex<Option<(u128, KernelHeaders)>>,
    /// Each file's `stat` as the last run saw it, for runs told that nothing changed
    /// on disk since (`Options::trust_stats`: the editor's file watcher reported
    /// nothing).
    stats: Mutex<Arc<HashMap<String, crate::cache::FileStat>>>,
    /// Per file, what the first pass of a run found in the facts cache (`Known`),
    /// with the cache's identity (its directory, engine and knowledge): while the
    /// file's `stat` is the one kept, a trusted run takes it as it is.
    known: Mutex<Option<(u128, KnownFiles)>>,
    /// The files the last slice read for their declarations only (headers: functions
    /// dropped), by path, with the facts key they were decoded from: lent to the next
    /// slice, which need not decode them again.
    declarations: Mutex<HashMap<String, (crate::cache::Key, FileFacts)>>,
}

/// The files' cache entries a session's earlier run found, by path.
pub type KnownFiles = Arc<HashMap<String, Known>>;

/// A file's cache entry as a session's earlier run found it: its `stat` then (as
/// [`Session::stats`] keeps it), content digest, facts key, and its digest index
/// entry (path relative to the cache's root, `stat` with the digest).
#[derive(Debug, Clone)]
pub struct Known {
    pub stat: crate::cache::FileStat,
    pub digest: u128,
    pub key: crate::cache::Key,
    pub recorded: (String, crate::cache::FileStat),
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Session")
    }
}

fn locked<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Session {
    /// The `stat`s the last run saw.
    pub fn stats(&self) -> Arc<HashMap<String, crate::cache::FileStat>> {
        locked(&self.stats).clone()
    }

    /// Keeps the `stat`s a run saw: all of them (`whole`), or these over the last.
    pub fn keep_stats(&self, seen: Vec<(String, crate::cache::FileStat)>, whole: bool) {
        let mut stats = locked(&self.stats);
        if whole {
            *stats = Arc::new(seen.into_iter().collect());
        } else if !seen.is_empty() {
            Arc::make_mut(&mut stats).extend(seen);
        }
    }

    /// The files' cache entries an earlier run with the cache `identity` found.
    pub fn known(&self, identity: u128) -> Option<KnownFiles> {
        match &*locked(&self.known) {
            Some((i, known)) if *i == identity => Some(known.clone()),
            _ => None,
        }
    }

    /// Keeps the files' cache entries a run found.
    pub fn keep_known(&self, identity: u128, known: HashMap<String, Known>) {
        *locked(&self.known) = Some((identity, Arc::new(known)));
    }

    /// The build model of `key`, kept from an earlier run or `read`.
    pub fn build(
        &self,
        key: u128,
        read: impl FnOnce() -> crate::kbuild::BuildFacts,
    ) -> Arc<crate::kbuild::BuildFacts> {
        if let Some((k, b)) = &*locked(&self.build)
            && *k == key
        {
            return b.clone();
        }
        let b = Arc::new(read());
        *locked(&self.build) = Some((key, b.clone()));
        b
    }

    /// The program store of `key` (the last run's key and its file table: a new full
    /// run over the same files stores another), kept from an earlier run or `read`.
    pub fn program_store(
        &self,
        key: u128,
        read: impl FnOnce() -> Option<ProgramStore>,
    ) -> Option<Arc<ProgramStore>> {
        if let Some((k, store)) = &*locked(&self.program)
            && *k == key
        {
            return Some(store.clone());
        }
        let store = read()?;
        // (Made once for the session's many slices; a one-off run searches instead.)
        store.index_names();
        let store = Arc::new(store);
        *locked(&self.program) = Some((key, store.clone()));
        Some(store)
    }

    /// The kernel headers kept by an earlier run with the same `key` (the digests of
    /// the run's headers and where it runs), taken.
    pub fn take_headers(&self, key: u128) -> Option<KernelHeaders> {
        match locked(&self.headers).take() {
            Some((k, h)) if k == key => Some(h),
            _ => None,
        }
    }

    /// Keeps the kernel headers a run read, for the next run with the same `key`.
    pub fn keep_headers(&self, key: u128, headers: KernelHeaders) {
        *locked(&self.headers) = Some((key, headers));
    }

    pub fn take_declarations(&self) -> HashMap<String, (crate::cache::Key, FileFacts)> {
        std::mem::take(&mut *locked(&self.declarations))
    }

    pub fn keep_declarations(&self, files: HashMap<String, (crate::cache::Key, FileFacts)>) {
        *locked(&self.declarations) = files;
    }
}

/// How a changed file's functions map to its functions in the full run: by name and
/// linkage, in order (a static function added, removed or renamed has no counterpart).
#[derive(Debug, Clone, Default)]
pub struct Renumbering {
    /// Per old function (index in the file), its index in the new facts.
    pub old_to_new: Vec<Option<u32>>,
    /// Per new function, its old index.
    pub new_to_old: Vec<Option<u32>>,
}

impl Renumbering {
    fn by_name<'a>(
        old: impl Iterator<Item = (&'a str, bool)>,
        new: impl Iterator<Item = (&'a str, bool)>,
    ) -> Renumbering {
        let old: Vec<(&str, bool)> = old.collect();
        let new: Vec<(&str, bool)> = new.collect();
        let mut r = Renumbering {
            old_to_new: vec![None; old.len()],
            new_to_old: vec![None; new.len()],
        };
        // The k-th function of a name and linkage maps to the k-th one (variants of one
        // function under `#ifdef` share a name).
        let mut unused: HashMap<(&str, bool), std::collections::VecDeque<u32>> = HashMap::default();
        for (i, key) in old.iter().enumerate() {
            unused.entry(*key).or_default().push_back(i as u32);
        }
        for (i, key) in new.iter().enumerate() {
            if let Some(o) = unused.get_mut(key).and_then(|q| q.pop_front()) {
                r.old_to_new[o as usize] = Some(i as u32);
                r.new_to_old[i] = Some(o);
            }
        }
        r
    }

    /// Whether every function keeps its place.
    pub fn is_identity(&self) -> bool {
        self.old_to_new.len() == self.new_to_old.len()
            && self
                .new_to_old
                .iter()
                .enumerate()
                .all(|(i, o)| *o == Some(i as u32))
    }
}

/// What a slice's run found where an edit can change the roots and edges of atomic
/// reachability ([`ProgramStore::atomic_reachable_after`]), by function number.
#[derive(Debug, Default)]
pub struct NewEdges {
    /// Callbacks the registering files register.
    pub entries: Vec<u32>,
    /// Functions the changed functions call with a section held.
    pub held: Vec<u32>,
    /// Per changed function, what it calls.
    pub callees: HashMap<u32, Vec<u32>>,
    /// Functions new in changed files (numbered from the full run's function count).
    pub fresh: u32,
    /// (caller, callee) of the calls the changed functions make with a section held,
    /// sorted.
    pub held_pairs: Vec<(u32, u32)>,
}

/// A slice's program: every file of the run (loaded, or with stand-ins for the
/// functions loaded files may call), their lock states, what the stand-ins do, and
/// each stand-in's function number.
pub type Compact = (
    Vec<FileFacts>,
    Vec<Vec<LockStates>>,
    Boundary,
    HashMap<FunctionId, u32>,
);

/// The part of the program an edit of some files can affect, as files.
#[derive(Debug, Default)]
pub struct Slice {
    /// Callers of changed functions, at any distance.
    pub ancestors: usize,
    /// Functions whose findings can change or point into the named files.
    pub reported: usize,
    /// Their callers within [`RING_DEPTH`] that are not already counted.
    pub ring: usize,
    /// Files whose facts are loaded (sorted): those holding the functions above, the
    /// other files of their directories, definitions their callers' argument values
    /// or gfp sinks name, and the headers all these see.
    pub loaded: Vec<u32>,
    /// Files holding reported functions: the lints run over these.
    pub linted: Vec<u32>,
    /// Loaded files of which only declarations are read (headers seen by the others,
    /// holding none of the functions above): their functions stand in.
    pub declarations_only: HashSet<u32>,
    /// Functions whose summaries are computed (the others' are the full run's): the
    /// callers of changed functions, and the functions of the linted files (whose sleep
    /// sites the lints read).
    pub computed: HashSet<u32>,
}

/// How far above a reported function callers are kept: the chain depth, plus the
/// callers of a chain's first holder, plus one for the process-context callers the
/// notes name.
const RING_DEPTH: u32 = crate::context::interproc::MAX_CHAIN_DEPTH + 2;

/// The digest of the lock wrappers a file is locked again with (the cache key's part).
pub fn wrappers_digest(extra: &std::collections::HashMap<String, LockEffect>) -> u128 {
    let sorted: std::collections::BTreeMap<_, _> = extra.iter().collect();
    crate::cache::content_digest(&postcard::to_stdvec(&sorted).unwrap_or_default())
}

/// The digest of a file's `#include` lines.
pub fn include_digest(f: &FileFacts) -> u64 {
    xxhash_rust::xxh3::xxh3_64(f.decls.include_lines.as_bytes())
}

/// Per-function values for some functions, each kept encoded (postcard) until asked
/// for: a slice reads a few thousand of them, the store holds them for every function.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
struct Lazy<T> {
    /// Functions that have a value, sorted.
    #[serde(with = "le_u32s")]
    ids: Vec<u32>,
    /// Where each one's encoding ends in `bytes`.
    #[serde(with = "le_u32s")]
    ends: Vec<u32>,
    #[serde(with = "serde_bytes")]
    bytes: Vec<u8>,
    #[serde(skip)]
    kind: std::marker::PhantomData<T>,
}

impl<T: Serialize + serde::de::DeserializeOwned> Lazy<T> {
    fn new(mut m: Vec<(u32, T)>) -> Lazy<T> {
        m.sort_by_key(|(id, _)| *id);
        let mut lazy = Lazy {
            ids: Vec::with_capacity(m.len()),
            ends: Vec::with_capacity(m.len()),
            bytes: Vec::new(),
            kind: std::marker::PhantomData,
        };
        for (id, v) in m {
            lazy.ids.push(id);
            lazy.bytes
                .extend(postcard::to_stdvec(&v).unwrap_or_default());
            lazy.ends.push(lazy.bytes.len() as u32);
        }
        lazy
    }

    fn contains(&self, f: u32) -> bool {
        self.ids.binary_search(&f).is_ok()
    }

    fn get(&self, f: u32) -> Option<T> {
        let i = self.ids.binary_search(&f).ok()?;
        let start = match i {
            0 => 0,
            _ => self.ends[i - 1] as usize,
        };
        postcard::from_bytes(self.bytes.get(start..*self.ends.get(i)? as usize)?).ok()
    }
}

/// What a caller outside a function's file reads of it besides its name (the rest of
/// a `Function` without its calls and body facts).
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
struct Signature {
    is_static: bool,
    arity: u32,
    params: Vec<crate::facts::Param>,
    returns: Option<(u8, crate::values::Derive)>,
    atomic_signature: bool,
    conditional: bool,
    annotations: Vec<crate::facts::Annotation>,
    truncated: bool,
    writes: crate::facts::ParamWrites,
}

impl Signature {
    fn of(f: &Function) -> Signature {
        Signature {
            is_static: f.is_static,
            arity: f.arity,
            params: f.params.to_vec(),
            returns: f.returns().cloned(),
            atomic_signature: f.atomic_signature,
            conditional: f.conditional,
            annotations: f.annotations.to_vec(),
            truncated: f.truncated,
            writes: f.writes().clone(),
        }
    }

    /// A stand-in for the function: no calls, no body facts.
    fn function(self, name: &str) -> Function {
        Function {
            name: name.into(),
            is_static: self.is_static,
            params: self.params.into_boxed_slice(),
            values: self.returns.map(|r| {
                Box::new(crate::facts::FunctionValues {
                    returns: Some(Box::new(r)),
                    ..Default::default()
                })
            }),
            arity: self.arity,
            atomic_signature: self.atomic_signature,
            conditional: self.conditional,
            annotations: self.annotations.into_boxed_slice(),
            truncated: self.truncated,
            writes: self.writes.boxed(),
            ..Default::default()
        }
    }
}

impl ProgramStore {
    /// `file_wrappers`: per file, the digest of the wrappers it was locked again with;
    /// `wrapper_effects`: the lock-wrapper effects of the run's functions as the
    /// cross-file stage saw them.
    pub fn build(
        program: &Program,
        analysis: &Analysis,
        file_wrappers: Vec<Option<u128>>,
        wrapper_effects: &HashMap<FunctionId, LockEffect>,
    ) -> ProgramStore {
        let fn_start = program.first_function_numbers();
        let n = fn_start[fn_start.len() - 1];
        let global = |id: FunctionId| fn_start[id.0 as usize] + id.1;
        let mut callers: Vec<Vec<u32>> = vec![Vec::new(); n as usize];
        let mut callees: Vec<Vec<u32>> = vec![Vec::new(); n as usize];
        for (callee, list) in analysis.callers.iter() {
            for (caller, _) in list {
                callers[global(callee) as usize].push(global(*caller));
                callees[global(*caller) as usize].push(global(callee));
            }
        }
        let entries: Vec<(u32, AtomicReason)> = entry_points(program)
            .into_iter()
            .map(|(id, r)| (global(id), r))
            .collect();
        let mut registered: Vec<Vec<u32>> = vec![Vec::new(); program.files.len()];
        for (f, r) in &entries {
            if let AtomicReason::Entry { file, .. } = r {
                registered[*file as usize].push(*f);
            }
        }
        let includes = Csr::from_lists(
            (0..program.files.len() as u32).map(|f| program.decls.includes_of(f).to_vec()),
        );
        let dirs = program.directories().to_vec();
        // The functions (numbers) for which `keep` holds, sorted.
        let functions_where = |keep: fn(&Function) -> bool| -> Vec<u32> {
            program
                .files
                .iter()
                .flat_map(|f| &f.functions)
                .zip(0u32..)
                .filter(|(g, _)| keep(g))
                .map(|(_, n)| n)
                .collect()
        };
        let mut names = String::new();
        let mut name_ends = Vec::with_capacity(n as usize);
        for g in program.files.iter().flat_map(|f| &f.functions) {
            names.push_str(&g.name);
            name_ends.push(names.len() as u32);
        }
        let name = |f: u32| {
            let start = if f == 0 { 0 } else { name_ends[f as usize - 1] };
            &names[start as usize..name_ends[f as usize] as usize]
        };
        let mut by_name: Vec<u32> = (0..n).collect();
        by_name.sort_by(|a, b| name(*a).cmp(name(*b)).then(a.cmp(b)));
        let mut runs: Vec<(u32, u32)> = Vec::new();
        for (i, &f) in by_name.iter().enumerate() {
            if i == 0 || name(by_name[i - 1]) != name(f) {
                runs.push((name_hash(name(f)), i as u32));
            }
        }
        runs.sort_unstable();
        let name_hashes: Vec<u32> = runs.into_iter().flat_map(|(h, lo)| [h, lo]).collect();
        let mut signatures = Vec::new();
        let mut signature_ends = Vec::with_capacity(program.files.len());
        for f in program.files {
            let sigs: Vec<Signature> = f.functions.iter().map(Signature::of).collect();
            signatures.extend(postcard::to_stdvec(&sigs).unwrap_or_default());
            signature_ends.push(signatures.len() as u32);
        }
        let sorted = |mut l: Vec<u32>| {
            l.sort_unstable();
            l.dedup();
            l
        };
        ProgramStore {
            format: STORE_FORMAT,
            callers: Csr::from_lists(callers.into_iter().map(sorted)),
            callees: Csr::from_lists(callees.into_iter().map(sorted)),
            registered: Csr::from_lists(registered.into_iter().map(sorted)),
            includes,
            include_digests: program.files.iter().map(include_digest).collect(),
            layout_free_digests: program.files.iter().map(|f| f.layout_free_digest).collect(),
            function_digests: program
                .files
                .iter()
                .flat_map(|f| {
                    (0..f.functions.len()).map(|i| {
                        f.function_digests
                            .get(i)
                            .copied()
                            .unwrap_or(crate::parse::layout::VOLATILE)
                    })
                })
                .collect(),
            outside_digests: program
                .files
                .iter()
                .map(|f| f.outside_functions_digest)
                .collect(),
            dirs,
            signatures,
            signature_ends,
            name_hashes,
            name_runs: Default::default(),
            file_wrappers,
            wrapper_effects: Lazy::new(
                wrapper_effects
                    .iter()
                    .map(|(id, e)| (global(*id), e.clone()))
                    .collect(),
            ),
            lock_effects: Lazy::new(
                analysis
                    .lock_effects
                    .iter()
                    .map(|(id, e)| (global(*id), e.clone()))
                    .collect(),
            ),
            gfp_sinks: Lazy::new(
                analysis
                    .gfp_sinks
                    .iter()
                    .map(|(id, sinks)| {
                        let sinks = sinks
                            .iter()
                            .map(|(p, (f, c))| (*p, (global(*f), *c)))
                            .collect();
                        (global(*id), sinks)
                    })
                    .collect(),
            ),
            may_sleep: Lazy::new(
                analysis
                    .may_sleep
                    .iter()
                    .map(|(id, c)| (global(*id), c.clone()))
                    .collect(),
            ),
            sleeps_dropping: Lazy::new(
                analysis
                    .sleeps_dropping
                    .iter()
                    .map(|(id, d)| (global(*id), d.clone()))
                    .collect(),
            ),
            entries,
            held_calls: {
                let mut held: Vec<(u32, u32)> = analysis
                    .callers
                    .iter()
                    .flat_map(|(callee, list)| {
                        list.iter()
                            .filter(|(caller, call)| {
                                !analysis.locks_of(*caller).at_call(*call).is_empty()
                            })
                            .map(move |(caller, _)| (global(*caller), global(callee)))
                    })
                    .collect();
                held.sort_unstable();
                held.dedup();
                held
            },
            gfp_params: functions_where(|g| !g.params.is_empty()),
            has_returns: functions_where(|g| {
                g.returns().is_some() || !g.returned_stores().is_empty()
            }),
            capped_chains: {
                let mut capped: Vec<(u32, Vec<CappedReason>)> = analysis
                    .atomic
                    .iter()
                    .filter(|(_, r)| r.len() >= crate::context::interproc::MAX_REASONS)
                    .map(|(id, reasons)| {
                        let kept = reasons
                            .iter()
                            .map(|r| {
                                let (depth, chain) = chain_of(analysis, r);
                                let mut on: Vec<u32> = chain.into_iter().map(global).collect();
                                on.sort_unstable();
                                on.dedup();
                                CappedReason {
                                    chain: chain_digest(analysis, global, r),
                                    depth,
                                    on,
                                }
                            })
                            .collect();
                        (global(*id), kept)
                    })
                    .collect();
                capped.sort_unstable_by_key(|(g, _)| *g);
                capped
            },
            reason_keys: {
                let mut keys: Vec<(u32, Vec<u64>)> = analysis
                    .atomic
                    .iter()
                    .filter(|(_, r)| !r.is_empty())
                    .map(|(id, reasons)| {
                        let keys = reasons.iter().map(|r| reason_key(global, r)).collect();
                        (global(*id), keys)
                    })
                    .collect();
                keys.sort_unstable();
                keys
            },
            names,
            name_ends,
            by_name,
            fn_start,
        }
    }

    /// For a function that kept as many atomic reasons as it may in the full run:
    /// those reasons.
    pub fn capped_chains(&self, f: u32) -> Option<&[CappedReason]> {
        let i = self
            .capped_chains
            .binary_search_by_key(&f, |(g, _)| *g)
            .ok()?;
        Some(&self.capped_chains[i].1)
    }

    /// Function `f`'s atomic reasons in the full run, as [`reason_key`]s.
    pub fn reason_keys(&self, f: u32) -> &[u64] {
        match self.reason_keys.binary_search_by_key(&f, |(g, _)| *g) {
            Ok(i) => &self.reason_keys[i].1,
            Err(_) => &[],
        }
    }

    /// How many atomic reasons function `f` had in the full run (at most
    /// `MAX_REASONS`): a whole run after an edit asks whether one the edit reaches kept
    /// as many as it may (`lib.rs`, `edited_run`).
    pub fn reason_count(&self, f: u32) -> usize {
        self.reason_keys(f).len()
    }

    /// The functions of a changed file whose code an edit changed (a function's text
    /// without layout: `FileFacts::function_digests`), and the callers in the file of
    /// those that now read otherwise to them (signature: parameters, returned values,
    /// writes through parameters; effect on their callers' sections; gone or new), as
    /// the full run numbers them and as the new facts do (`effects`: the new facts'
    /// effects on callers' sections, by function index), and in `external` the callers
    /// in other files of those that read otherwise. When the text outside the
    /// functions changed (declarations, macros, initialisers), or an edited function
    /// has a directive that outlasts it or a `__LINE__`, every function of the file is
    /// edited.
    pub fn edited_functions(
        &self,
        file: u32,
        facts: &FileFacts,
        effects: &HashMap<u32, LockEffect>,
    ) -> Result<EditedFunctions, String> {
        let old = self.signatures_of(file).ok_or("no signatures")?;
        let start = self.fn_start[file as usize];
        let renumbering = Renumbering::by_name(
            old.iter()
                .enumerate()
                .map(|(i, s)| (self.name(start + i as u32), s.is_static)),
            facts
                .functions
                .iter()
                .map(|f| (f.name.as_str(), f.is_static)),
        );
        use crate::parse::layout::VOLATILE;
        let volatile = |d: u64| d & VOLATILE != 0;
        let old_digest = |o: u32| {
            self.function_digests
                .get((start + o) as usize)
                .copied()
                .unwrap_or(VOLATILE)
        };
        let new_digest = |i: usize| facts.function_digests.get(i).copied().unwrap_or(VOLATILE);
        // (A digest without a hash is of text the digests could not delimit: unknown.)
        let text_changed = |i: usize| match renumbering.new_to_old[i] {
            Some(o) => new_digest(i) != old_digest(o) || new_digest(i) == VOLATILE,
            None => true,
        };
        // Text outside the functions (declarations, macros, initialisers, prototypes'
        // annotations) may change what any function of the file does without changing
        // its text, and so may an edited function's directive that outlasts it
        // (`#define`, `#undef`, `#include`, `#line`) or a `__LINE__`: then every
        // function of the file is edited. What other files read of it (its interface,
        // include lines) the slice checks; its registrations are compared there.
        let whole_file = self.outside_digests.get(file as usize)
            != Some(&facts.outside_functions_digest)
            || (0..facts.functions.len()).any(|i| {
                text_changed(i)
                    && (volatile(new_digest(i))
                        || renumbering.new_to_old[i].is_some_and(|o| volatile(old_digest(o))))
            })
            || (0..old.len() as u32)
                .any(|o| renumbering.old_to_new[o as usize].is_none() && volatile(old_digest(o)));
        let mut changed_new: Vec<u32> = Vec::new();
        // Edited functions that read otherwise to their callers: their callers in the
        // file are edited too, in effect.
        let mut read_otherwise: Vec<u32> = Vec::new();
        // Their callers in other files (by the full run's call graph).
        let mut external: Vec<u32> = Vec::new();
        for (i, f) in facts.functions.iter().enumerate() {
            if !whole_file && !text_changed(i) {
                continue;
            }
            match renumbering.new_to_old[i] {
                Some(o) => {
                    let g = start + o;
                    let otherwise = postcard::to_stdvec(&Signature::of(f)).ok()
                        != postcard::to_stdvec(&old[o as usize]).ok()
                        || self.wrapper_effects.get(g).as_ref() != effects.get(&(i as u32));
                    if otherwise {
                        external.extend(
                            self.callers
                                .of(g)
                                .iter()
                                .filter(|&&c| self.file_of(c) != file),
                        );
                        read_otherwise.push(i as u32);
                    }
                }
                None => read_otherwise.push(i as u32),
            }
            changed_new.push(i as u32);
        }
        let mut changed_old: Vec<u32> = (0..old.len() as u32)
            .filter(|&o| match renumbering.old_to_new[o as usize] {
                None => true,
                Some(n) => changed_new.contains(&n),
            })
            .map(|o| start + o)
            .collect();
        // Their callers in the file, at any distance, by the new facts' calls and the
        // full run's call graph.
        let mut index_of: HashMap<&str, Vec<u32>> = HashMap::default();
        for (i, f) in facts.functions.iter().enumerate() {
            index_of.entry(f.name.as_str()).or_default().push(i as u32);
        }
        let mut callers_in_file: Vec<Vec<u32>> = vec![Vec::new(); facts.functions.len()];
        for (i, f) in facts.functions.iter().enumerate() {
            for c in &f.calls {
                for &callee in index_of.get(c.callee.as_str()).into_iter().flatten() {
                    callers_in_file[callee as usize].push(i as u32);
                }
            }
        }
        let mut seen: HashSet<u32> = changed_new.iter().copied().collect();
        // (Function, how many calls from an edited one.) Every edited function's
        // callers within two calls: whether a same-file helper sleeps on every path is
        // read by its callers' lock states, in two rounds (`context::local`); further
        // callers of those that read otherwise.
        let mut queue: std::collections::VecDeque<(u32, u32)> =
            changed_new.iter().map(|&f| (f, 0)).collect();
        queue.extend(read_otherwise.iter().map(|&f| (f, 0)));
        for &g in changed_old
            .iter()
            .filter(|&&g| renumbering.old_to_new[(g - start) as usize].is_none())
        {
            for &c in self.callers.of(g) {
                if self.file_of(c) == file
                    && let Some(n) = renumbering.old_to_new[(c - start) as usize]
                    && seen.insert(n)
                {
                    queue.push_back((n, 1));
                }
            }
        }
        // (A caller reached is edited in effect; beyond two calls it reads otherwise to
        // its own callers only if its effect on their sections does: its text is the
        // same.)
        let mut expanded: HashSet<u32> = HashSet::default();
        // (Breadth-first: a function is expanded at its least depth.)
        while let Some((f, depth)) = queue.pop_front() {
            if !expanded.insert(f) {
                continue;
            }
            for &c in &callers_in_file[f as usize] {
                seen.insert(c);
                let Some(o) = renumbering.new_to_old[c as usize] else {
                    continue;
                };
                let g = start + o;
                let effect_changed = self.wrapper_effects.get(g).as_ref() != effects.get(&c);
                if effect_changed && self.callers.of(g).iter().any(|&x| self.file_of(x) != file) {
                    return Err(format!(
                        "`{}()` acts otherwise on the sections of its callers in other files",
                        crate::report::escape::text(&facts.functions[c as usize].name)
                    ));
                }
                if effect_changed || depth < 1 {
                    queue.push_back((c, depth + 1));
                }
            }
        }
        let mut new: Vec<u32> = seen.into_iter().collect();
        new.sort_unstable();
        for &n in &new {
            if let Some(o) = renumbering.new_to_old[n as usize] {
                changed_old.push(start + o);
            }
        }
        changed_old.sort_unstable();
        changed_old.dedup();
        external.sort_unstable();
        external.dedup();
        Ok(EditedFunctions {
            old: changed_old,
            new: new.into_iter().map(|n| (file, n)).collect(),
            external,
        })
    }

    /// The full run's callees of function `f` called with a section held.
    pub fn held_callees_of(&self, f: u32) -> Vec<u32> {
        let lo = self.held_calls.partition_point(|&(c, _)| c < f);
        self.held_calls[lo..]
            .iter()
            .take_while(|&&(c, _)| c == f)
            .map(|&(_, callee)| callee)
            .collect()
    }

    /// The atomic callbacks of the full run, with their registrations.
    pub fn entries(&self) -> &[(u32, AtomicReason)] {
        &self.entries
    }

    /// The full run's direct callers of function `f`.
    pub fn callers_of(&self, f: u32) -> &[u32] {
        self.callers.of(f)
    }

    /// The full run's direct callees of function `f`.
    pub fn callees_of(&self, f: u32) -> &[u32] {
        self.callees.of(f)
    }

    /// The file holding function `f`.
    pub fn file_of_function(&self, f: u32) -> u32 {
        self.file_of(f)
    }

    /// The name of function `f`.
    pub fn function_name(&self, f: u32) -> &str {
        self.name(f)
    }

    /// Function `f`'s gfp sinks in the full run: (parameter, (function, call)).
    pub fn stored_gfp_sinks(&self, f: u32) -> Vec<(u32, (u32, u32))> {
        self.gfp_sinks.get(f).unwrap_or_default()
    }

    /// Function `f`'s may-sleep clauses in the full run (`None`: it may not sleep).
    pub fn stored_may_sleep(&self, f: u32) -> Option<Vec<Clause>> {
        self.may_sleep.get(f)
    }

    pub fn file_count(&self) -> usize {
        self.dirs.len()
    }

    /// How many functions the full run had.
    pub fn function_count(&self) -> u32 {
        self.name_ends.len() as u32
    }

    /// The numbers of a file's functions in the full run.
    pub fn functions_in(&self, file: u32) -> std::ops::Range<u32> {
        self.functions_of(file)
    }

    /// Whether a file's new facts are of a version that only moves code from the one
    /// the full run had (the same layout-free digest).
    pub fn only_moved(&self, file: u32, layout_free_digest: u64) -> bool {
        self.layout_free_digests.get(file as usize) == Some(&layout_free_digest)
    }

    /// The digest of the other files' wrappers a file was locked again with.
    pub fn wrappers_of(&self, file: u32) -> Option<u128> {
        self.file_wrappers.get(file as usize).copied().flatten()
    }

    /// A function's effect on its callers' sections as other files see it.
    pub fn wrapper_effect(&self, f: u32) -> Option<LockEffect> {
        self.wrapper_effects.get(f)
    }

    /// The number of a function of a loaded file.
    /// The (file, index in the file) of function `f` of the numbering.
    pub fn function_id(&self, f: u32) -> FunctionId {
        let file = self.file_of(f);
        (file, f - self.fn_start[file as usize])
    }

    pub fn global(&self, id: FunctionId) -> u32 {
        self.fn_start[id.0 as usize] + id.1
    }

    /// The files of the directories of `files`.
    pub fn directories_of(&self, files: &[u32]) -> HashSet<u32> {
        let dirs: HashSet<u32> = files.iter().map(|&f| self.dirs[f as usize]).collect();
        (0..self.dirs.len() as u32)
            .filter(|&f| dirs.contains(&self.dirs[f as usize]))
            .collect()
    }

    /// The file of a function of the numbering.
    fn file_of(&self, f: u32) -> u32 {
        (self.fn_start.partition_point(|&s| s <= f) - 1) as u32
    }

    fn functions_of(&self, file: u32) -> std::ops::Range<u32> {
        self.fn_start[file as usize]..self.fn_start[file as usize + 1]
    }

    /// Whether a function has a `gfp_t` parameter (signatures keep only those).
    fn takes_gfp(&self, f: u32) -> bool {
        self.gfp_params.binary_search(&f).is_ok()
    }

    fn name(&self, f: u32) -> &str {
        let start = match f {
            0 => 0,
            _ => self.name_ends[f as usize - 1],
        };
        self.names
            .get(start as usize..self.name_ends[f as usize] as usize)
            .unwrap_or("")
    }

    /// A file's functions' signatures.
    fn signatures_of(&self, file: u32) -> Option<Vec<Signature>> {
        let end = *self.signature_ends.get(file as usize)? as usize;
        let start = match file {
            0 => 0,
            _ => self.signature_ends[file as usize - 1] as usize,
        };
        postcard::from_bytes(self.signatures.get(start..end)?).ok()
    }

    /// Indexes the names (`name_runs`), unless done already.
    pub fn index_names(&self) {
        self.name_runs.get_or_init(|| {
            let mut runs: HashMap<u32, u32> = HashMap::default();
            let mut i = 0;
            while i < self.by_name.len() {
                let name = self.name(self.by_name[i]);
                let len = self.by_name[i..]
                    .iter()
                    .take_while(|&&f| self.name(f) == name)
                    .count();
                // (On a hash collision the first name keeps the entry; the other is
                // found by a search.)
                runs.entry(name_hash(name)).or_insert(i as u32);
                i += len;
            }
            runs
        });
    }

    /// Every function of the run named `name`.
    fn named(&self, name: &str) -> &[u32] {
        let run_at = |lo: usize| {
            let len = self.by_name[lo..]
                .iter()
                .take_while(|&&f| self.name(f) == name)
                .count();
            &self.by_name[lo..lo + len]
        };
        let search = || run_at(self.by_name.partition_point(|&f| self.name(f) < name));
        let by_hash = || {
            let hash = name_hash(name);
            let (pairs, _) = self.name_hashes.as_chunks::<2>();
            pairs[pairs.partition_point(|p| p[0] < hash)..]
                .iter()
                .take_while(|p| p[0] == hash)
                .map(|p| p[1] as usize)
                .find(|&lo| self.by_name.get(lo).is_some_and(|&f| self.name(f) == name))
                .map_or(&[][..], run_at)
        };
        match self.name_runs.get().map(|runs| runs.get(&name_hash(name))) {
            None if !self.name_hashes.is_empty() => by_hash(),
            None => search(),
            Some(None) => &[],
            Some(Some(&lo)) if self.name(self.by_name[lo as usize]) == name => run_at(lo as usize),
            Some(Some(_)) => search(),
        }
    }

    /// Whether a file's new facts keep what other files of the run read of it: the
    /// names, arity and order of its functions with external linkage, its include lines,
    /// and the effects of its lock wrappers with external linkage (`effects`: the new
    /// ones, by function index). Otherwise the edit is not sliced (other files' call
    /// resolution, declarations or lock states would change). Static functions may come
    /// and go: only the file sees them. `Some`: how its functions map to the old ones.
    pub fn keeps_interface(
        &self,
        file: u32,
        facts: &FileFacts,
        effects: &HashMap<u32, LockEffect>,
    ) -> Option<Renumbering> {
        let old = self.signatures_of(file)?;
        if include_digest(facts) != self.include_digests[file as usize]
            || facts.path.ends_with(".h")
        {
            return None;
        }
        let start = self.fn_start[file as usize];
        let old_names: Vec<&str> = (0..old.len() as u32)
            .map(|i| self.name(start + i))
            .collect();
        let renumbering = Renumbering::by_name(
            old.iter().zip(&old_names).map(|(s, n)| (*n, s.is_static)),
            facts
                .functions
                .iter()
                .map(|f| (f.name.as_str(), f.is_static)),
        );
        let exported = |names: &[&str],
                        statics: &mut dyn Iterator<Item = bool>,
                        arity: &mut dyn Iterator<Item = u32>| {
            names
                .iter()
                .zip(statics.zip(arity))
                .filter(|(_, (is_static, _))| !is_static)
                .map(|(n, (_, a))| (n.to_string(), a))
                .collect::<Vec<_>>()
        };
        let new_names: Vec<&str> = facts.functions.iter().map(|f| f.name.as_str()).collect();
        let same_exported = exported(
            &old_names,
            &mut old.iter().map(|s| s.is_static),
            &mut old.iter().map(|s| s.arity),
        ) == exported(
            &new_names,
            &mut facts.functions.iter().map(|f| f.is_static),
            &mut facts.functions.iter().map(|f| f.arity),
        );
        let same_effects = (0..old.len() as u32)
            .filter(|&i| !old[i as usize].is_static)
            .all(|i| {
                let new = renumbering.old_to_new[i as usize].and_then(|n| effects.get(&n));
                self.wrapper_effects.get(start + i).as_ref() == new
            });
        (same_exported && same_effects).then_some(renumbering)
    }

    /// The slice of the program that an edit can affect: `changed`, the files whose
    /// facts changed; `named`, the files to report on; `new_callees`, per changed file,
    /// the functions its new facts may call or register (by name); `reached`, functions
    /// whose findings may point into the named files (their callers are loaded too, so
    /// that their atomic reasons are exact); `passed`, functions that atomic context only
    /// passes through on its way from the named files (loaded, callers not needed).
    pub fn slice(
        &self,
        changed: &[u32],
        named: &[u32],
        reached: &[u32],
        passed: &[u32],
        new_callees: &HashMap<u32, Vec<u32>>,
    ) -> Slice {
        let changed_fns: Vec<u32> = changed.iter().flat_map(|&f| self.functions_of(f)).collect();
        let changed_set: HashSet<u32> = changed.iter().copied().collect();
        let callees = |f: u32, out: &mut Vec<u32>| {
            let file = self.file_of(f);
            match new_callees.get(&file) {
                Some(list) if changed_set.contains(&file) => out.extend(list),
                _ => out.extend(self.callees.of(f)),
            }
        };
        // Every caller, at any distance, of a changed function: their summaries change.
        let ancestors = reach(&changed_fns, u32::MAX, |f, out| {
            out.extend(self.callers.of(f))
        });
        // The named functions, the functions `reached` from them (see `reached_from`),
        // and their direct callees with a gfp parameter (a callee's finding that it
        // ignores the parameter names its caller).
        let mut reported: HashSet<u32> = named.iter().flat_map(|&f| self.functions_of(f)).collect();
        reported.extend(&changed_fns);
        reported.extend(reached);
        // (Such a finding, `gfp-param-ignored`, reads only the callee's direct callers:
        // the first that passes flags that cannot sleep. Its atomic reasons matter
        // only where they come through a named file, which the rounds see to.)
        let mut reasons_from_callers: Vec<u32> = reported.iter().copied().collect();
        reasons_from_callers.sort_unstable();
        let mut gfp_callees: Vec<u32> = Vec::new();
        for &f in &reasons_from_callers {
            let mut all = Vec::new();
            callees(f, &mut all);
            gfp_callees.extend(
                all.into_iter()
                    .filter(|&g| self.takes_gfp(g) && !reported.contains(&g)),
            );
        }
        gfp_callees.sort_unstable();
        gfp_callees.dedup();
        reported.extend(&gfp_callees);
        let mut reported: Vec<u32> = reported.into_iter().collect();
        reported.sort_unstable();
        let mut ring = reach(&reasons_from_callers, RING_DEPTH, |f, out| {
            out.extend(self.callers.of(f))
        });
        ring.extend(reach(&gfp_callees, 1, |f, out| {
            out.extend(self.callers.of(f))
        }));
        let full: HashSet<u32> = ring.union(&ancestors).copied().collect();
        if std::env::var_os("GFPLINT_TIMINGS").is_some() {
            let own: HashSet<u32> = full.iter().map(|&f| self.file_of(f)).collect();
            eprintln!(
                "gfplint: timing: slice: {} files hold its functions",
                own.len()
            );
        }
        // Whole directories where per-directory facts decide: the changed files'
        // (their registrations decide which callback objects are ambiguous) and the
        // named files' (field stores and DMA hand-offs seen from them; other linted
        // files can only give findings that point into named files, atomic context
        // and gfp parameters, which read neither).
        let mut linted: Vec<u32> = reported.iter().map(|&f| self.file_of(f)).collect();
        linted.sort_unstable();
        linted.dedup();
        let dirs: HashSet<u32> = changed
            .iter()
            .chain(named)
            .map(|&f| self.dirs[f as usize])
            .collect();
        let mut files: HashSet<u32> = (0..self.dirs.len() as u32)
            .filter(|&f| dirs.contains(&self.dirs[f as usize]))
            .collect();
        files.extend(full.iter().chain(passed).map(|&f| self.file_of(f)));
        // Definitions that callers' argument values read, and the allocations that
        // gfp sinks name (a finding names them).
        let mut returns: HashSet<u32> = HashSet::default();
        let mut sinks: HashSet<u32> = HashSet::default();
        let linted_fns: Vec<u32> = linted.iter().flat_map(|&f| self.functions_of(f)).collect();
        for &f in full.iter().chain(&linted_fns).chain(passed) {
            for (_, (sink, _)) in self.gfp_sinks.get(f).into_iter().flatten() {
                sinks.insert(self.file_of(sink));
            }
            let mut all = Vec::new();
            callees(f, &mut all);
            for g in all {
                if self.has_returns.binary_search(&g).is_ok() {
                    returns.insert(self.file_of(g));
                }
                for (_, (sink, _)) in self.gfp_sinks.get(g).into_iter().flatten() {
                    sinks.insert(self.file_of(sink));
                }
            }
        }
        if std::env::var_os("GFPLINT_TIMINGS").is_some() {
            eprintln!(
                "gfplint: timing: slice: {} files with the directories, {} for callees' returns, {} for gfp sinks",
                files.len(),
                returns.difference(&files).count(),
                sinks.difference(&files).count()
            );
        }
        files.extend(returns);
        files.extend(sinks);
        let mut headers: HashSet<u32> = HashSet::default();
        for &f in &files {
            headers.extend(self.visible(f));
        }
        let declarations_only: HashSet<u32> = headers.difference(&files).copied().collect();
        if std::env::var_os("GFPLINT_TIMINGS").is_some() {
            eprintln!(
                "gfplint: timing: slice: {} more headers",
                headers.difference(&files).count()
            );
        }
        files.extend(headers);
        let mut loaded: Vec<u32> = files.into_iter().collect();
        loaded.sort_unstable();
        Slice {
            ancestors: ancestors.len(),
            reported: reported.len(),
            ring: full.len() - reported.len(),
            // (A function passed through has its sleep sites computed: whether it
            // has a finding is asked of it.)
            computed: ancestors
                .iter()
                .copied()
                .chain(linted.iter().flat_map(|&f| self.functions_of(f)))
                .chain(passed.iter().copied())
                .collect(),
            loaded,
            linted,
            declarations_only,
        }
    }

    /// The functions that atomic context may reach through the `named` files, within
    /// the chain depth, as the full run's call graph and may-sleep summaries say (a
    /// reason only enters a function that may sleep): loaded with the first round of a
    /// slice, they are what the rounds would otherwise find one call deeper each. The
    /// changed files' functions call what their new facts name (`new_callees`).
    pub fn through_candidates(
        &self,
        changed: &[u32],
        named: &[u32],
        new_callees: &HashMap<u32, Vec<u32>>,
    ) -> Vec<u32> {
        let changed: HashSet<u32> = changed.iter().copied().collect();
        let roots: Vec<u32> = named.iter().flat_map(|&f| self.functions_of(f)).collect();
        let own: HashSet<u32> = roots.iter().copied().collect();
        let seen = reach(
            &roots,
            crate::context::interproc::MAX_CHAIN_DEPTH,
            |f, out| {
                let file = self.file_of(f);
                let all = match new_callees.get(&file) {
                    Some(list) if changed.contains(&file) => list.as_slice(),
                    _ => self.callees.of(f),
                };
                out.extend(all.iter().filter(|&&g| self.may_sleep.contains(g)));
            },
        );
        let mut out: Vec<u32> = seen
            .into_iter()
            .filter(|f| !own.contains(f) && !changed.contains(&self.file_of(*f)))
            .collect();
        out.sort_unstable();
        out
    }

    /// Where atomic context that starts at or passes `roots` may go within the chain
    /// depth (a reason only enters a function that may sleep): the roots and what they
    /// reach by the full run's call graph and by `new_edges` (the changed files'
    /// functions' calls now, to functions that may sleep); without the `changed` files'
    /// own functions.
    pub fn reach_from(
        &self,
        roots: &[u32],
        changed: &[u32],
        new_edges: &HashMap<u32, Vec<u32>>,
    ) -> Vec<(u32, u32)> {
        let changed: HashSet<u32> = changed.iter().copied().collect();
        // (Breadth-first: each function with its least distance from a root.)
        let mut distance: HashMap<u32, u32> = roots.iter().map(|&r| (r, 0)).collect();
        let mut level: Vec<u32> = distance.keys().copied().collect();
        let mut d = 0;
        while !level.is_empty() && d < crate::context::interproc::MAX_CHAIN_DEPTH {
            d += 1;
            let mut next = Vec::new();
            for f in level {
                let new = new_edges.get(&f).into_iter().flatten().copied();
                let old: &[u32] = match f < self.function_count() {
                    true => self.callees.of(f),
                    false => &[],
                };
                for g in new.chain(old.iter().copied().filter(|&g| self.may_sleep.contains(g))) {
                    if let std::collections::hash_map::Entry::Vacant(e) = distance.entry(g) {
                        e.insert(d);
                        next.push(g);
                    }
                }
            }
            level = next;
        }
        let mut out: Vec<(u32, u32)> = distance
            .into_iter()
            .filter(|&(f, _)| f < self.function_count() && !changed.contains(&self.file_of(f)))
            .collect();
        out.sort_unstable();
        out
    }

    /// The full run's callees of `functions` called with a section held, and the
    /// functions the `files` registered as atomic callbacks: where atomic context
    /// started because of them.
    pub fn atomic_starts(&self, functions: &HashSet<u32>, files: &HashSet<u32>) -> Vec<u32> {
        let held = self
            .held_calls
            .iter()
            .filter(|(caller, _)| functions.contains(caller))
            .map(|&(_, callee)| callee);
        let registered = self.entries.iter().filter_map(|(f, r)| match r {
            AtomicReason::Entry { file, .. } if files.contains(file) => Some(*f),
            _ => None,
        });
        held.chain(registered).collect()
    }

    /// What atomic context reaches at any depth (`Analysis::atomic_reachable`, by
    /// function number) after an edit: the full run's registrations, calls made with a
    /// section held and call graph, with those of the `changed` functions and the
    /// registrations of the `registering` files replaced by the slice's (`new`).
    pub fn atomic_reachable_after(
        &self,
        changed: &HashSet<u32>,
        registering: &HashSet<u32>,
        new: &NewEdges,
    ) -> Vec<bool> {
        let mut seen = vec![false; self.name_ends.len() + new.fresh as usize];
        let mut queue: Vec<u32> = Vec::new();
        let mut push = |f: u32, queue: &mut Vec<u32>| {
            if let Some(s) = seen.get_mut(f as usize)
                && !*s
            {
                *s = true;
                queue.push(f);
            }
        };
        for (f, reason) in &self.entries {
            if !matches!(reason, AtomicReason::Entry { file, .. } if registering.contains(file)) {
                push(*f, &mut queue);
            }
        }
        for &(caller, callee) in &self.held_calls {
            if !changed.contains(&caller) {
                push(callee, &mut queue);
            }
        }
        for &f in new.entries.iter().chain(&new.held) {
            push(f, &mut queue);
        }
        while let Some(f) = queue.pop() {
            let next = match changed.contains(&f) || f >= self.function_count() {
                true => new.callees.get(&f).map_or(&[][..], Vec::as_slice),
                false => self.callees.of(f),
            };
            for &g in next {
                push(g, &mut queue);
            }
        }
        seen
    }

    /// What function `f` calls after an edit (the slice's edges for the `changed`
    /// functions).
    pub fn callees_after(&self, f: u32, changed: &HashSet<u32>, new: &NewEdges) -> Vec<u32> {
        match changed.contains(&f) || f >= self.function_count() {
            true => new.callees.get(&f).cloned().unwrap_or_default(),
            false => self.callees.of(f).to_vec(),
        }
    }

    /// `context::once::process_reached` after an edit, over the full run's callers,
    /// calls made with a section held and registrations, with those of the `changed`
    /// functions and the `registering` files' registrations replaced by the slice's.
    pub fn process_reached_after(
        &self,
        start: u32,
        changed: &HashSet<u32>,
        registering: &HashSet<u32>,
        new: &NewEdges,
    ) -> bool {
        let mut added: HashMap<u32, Vec<u32>> = HashMap::default();
        for (&c, list) in &new.callees {
            for &g in list {
                added.entry(g).or_default().push(c);
            }
        }
        let stored_entry: HashSet<u32> = self
            .entries
            .iter()
            .filter(|(_, r)| {
                !matches!(r, AtomicReason::Entry { file, .. } if registering.contains(file))
            })
            .map(|(f, _)| *f)
            .collect();
        crate::context::once::process_reached(
            start,
            |f| {
                let mut up: Vec<u32> = if f < self.function_count() {
                    self.callers_of(f)
                        .iter()
                        .copied()
                        .filter(|c| !changed.contains(c))
                        .collect()
                } else {
                    Vec::new()
                };
                up.extend(added.get(&f).into_iter().flatten().copied());
                up.sort_unstable();
                up.dedup();
                up
            },
            |c, f| match changed.contains(&c) || c >= self.function_count() {
                true => new.held_pairs.binary_search(&(c, f)).is_ok(),
                false => self.held_calls.binary_search(&(c, f)).is_ok(),
            },
            |f| stored_entry.contains(&f) || new.entries.contains(&f),
        )
    }

    /// The functions a changed file's new facts may call or register, by name (every
    /// function of the run with that name).
    pub fn callees_by_name(&self, facts: &FileFacts) -> Vec<u32> {
        self.callees_of_files(std::iter::once(facts))
    }

    /// `callees_by_name` of several files at once: each name is looked up once (a
    /// slice's files call the same kernel APIs over and over).
    fn callees_of_files<'a>(&self, files: impl Iterator<Item = &'a FileFacts>) -> Vec<u32> {
        let mut names: HashSet<&str> = HashSet::default();
        for facts in files {
            for c in facts
                .functions
                .iter()
                .flat_map(|f| f.calls.iter())
                .chain(&facts.file_calls)
            {
                names.insert(&c.callee);
                // (Only an identifier can name a function: `foo_done`, `&foo_ops`.)
                for a in c.args() {
                    let a = a.trim_start_matches('&').trim();
                    if crate::ctoken::is_identifier(a) {
                        names.insert(a);
                    }
                }
            }
            for cb in &facts.field_callbacks {
                names.insert(&cb.function);
            }
        }
        let mut out: Vec<u32> = names
            .into_iter()
            .flat_map(|n| self.named(n).iter().copied())
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The files a file's includes resolve to, in the full run (`DeclIndex`).
    pub fn includes_of(&self, file: u32) -> &[u32] {
        self.includes.of(file)
    }

    /// `DeclIndex::visible`, over the stored include graph.
    fn visible(&self, file: u32) -> Vec<u32> {
        crate::decl_index::visible_in(file, |f| self.includes.of(f))
    }

    /// The program of a slice: `loaded` files (index, facts, lock states) as they are,
    /// every other file of the run (`paths`) with only the signatures of the functions
    /// the loaded files may call or register; and what those stand-ins do, from the
    /// store. `None` when something the slice needs is not where it should be.
    /// `registrations`: files whose registrations are taken from their facts (the
    /// changed files' directories); the others' are the full run's.
    /// `declarations_only`: loaded files whose functions stand in.
    #[allow(clippy::too_many_arguments)]
    pub fn compact(
        &self,
        paths: &[String],
        loaded: Vec<(u32, FileFacts, Vec<LockStates>)>,
        registrations: HashSet<u32>,
        declarations_only: &HashSet<u32>,
        computed: &HashSet<u32>,
        renumbered: &HashMap<u32, Renumbering>,
    ) -> Option<Compact> {
        if paths.len() != self.file_count() {
            return None;
        }
        // Names the loaded files may call or register.
        let wanted = self.callees_of_files(
            loaded
                .iter()
                .filter(|(fi, _, _)| !declarations_only.contains(fi))
                .map(|(_, facts, _)| facts),
        );
        // (Every file of the run has an entry, by number: absent ones are empty.)
        let mut files: Vec<FileFacts> = paths
            .iter()
            .map(|p| FileFacts {
                path: p.clone(),
                ..Default::default()
            })
            .collect();
        let mut present = vec![false; paths.len()];
        let mut locks: Vec<Vec<LockStates>> = vec![Vec::new(); paths.len()];
        let loaded_files: HashSet<u32> = loaded
            .iter()
            .map(|(fi, _, _)| *fi)
            .filter(|fi| !declarations_only.contains(fi))
            .collect();
        let mut declarations: HashMap<u32, FileFacts> = HashMap::default();
        for (fi, facts, l) in loaded {
            if facts.functions.len() != l.len() {
                return None;
            }
            if declarations_only.contains(&fi) {
                declarations.insert(
                    fi,
                    FileFacts {
                        functions: Vec::new(),
                        file_calls: Vec::new(),
                        field_callbacks: Vec::new(),
                        ..facts
                    },
                );
                continue;
            }
            locks[fi as usize] = l;
            files[fi as usize] = facts;
            present[fi as usize] = true;
        }
        // Global number → compact id, for every function present.
        let mut ids: HashMap<u32, FunctionId> = HashMap::default();
        let mut stand_ins: Vec<u32> = Vec::new();
        let mut by_file: HashMap<u32, Vec<u32>> = HashMap::default();
        for g in wanted {
            let file = self.file_of(g);
            if !present[file as usize] {
                by_file.entry(file).or_default().push(g);
            }
        }
        for (fi, facts) in declarations {
            by_file.entry(fi).or_default();
            files[fi as usize] = facts;
        }
        for (file, mut gs) in by_file {
            gs.sort_unstable();
            let sigs = self.signatures_of(file)?;
            let start = self.fn_start[file as usize];
            let mut functions = Vec::with_capacity(gs.len());
            for g in &gs {
                functions.push(
                    sigs.get((g - start) as usize)?
                        .clone()
                        .function(self.name(*g)),
                );
                ids.insert(*g, (file, functions.len() as u32 - 1));
                stand_ins.push(*g);
            }
            locks[file as usize] = vec![LockStates::default(); functions.len()];
            files[file as usize].functions = functions;
        }
        // Loaded files keep their function indices.
        let compact = |g: u32, ids: &HashMap<u32, FunctionId>| -> Option<FunctionId> {
            if let Some(id) = ids.get(&g) {
                return Some(*id);
            }
            let file = self.file_of(g);
            let mut i = g - self.fn_start[file as usize];
            if let Some(r) = renumbered.get(&file) {
                i = (*r.old_to_new.get(i as usize)?)?;
            }
            (loaded_files.contains(&file) && (i as usize) < files[file as usize].functions.len())
                .then_some((file, i))
        };
        let mut boundary = Boundary::default();
        // Loaded functions that no change can affect keep the full run's summaries.
        let mut given: Vec<(u32, FunctionId)> = Vec::new();
        for &fi in loaded_files
            .iter()
            .filter(|fi| !renumbered.contains_key(fi))
        {
            let start = self.fn_start[fi as usize];
            for i in 0..files[fi as usize].functions.len() as u32 {
                if !computed.contains(&(start + i)) {
                    given.push((start + i, (fi, i)));
                }
            }
        }
        given.extend(stand_ins.iter().map(|g| (*g, ids[g])));
        for &(g, id) in &given {
            boundary.given.insert(id);
            // (A loaded function's lock effect comes from its lock states.)
            if ids.contains_key(&g)
                && let Some(e) = self.lock_effects.get(g)
            {
                boundary.lock_effects.insert(id, e);
            }
            // A sink outside the slice belongs to a stand-in that no call of the
            // slice's callers resolves to (stand-ins are chosen by name; the slice
            // loads the sinks of its callers' callees).
            if let Some(sinks) = self.gfp_sinks.get(g) {
                let mapped: Vec<_> = sinks
                    .iter()
                    .filter_map(|(p, (f, c))| Some((*p, (compact(*f, &ids)?, *c))))
                    .collect();
                if !mapped.is_empty() {
                    boundary.gfp_sinks.insert(id, mapped);
                }
            }
            if let Some(c) = self.may_sleep.get(g) {
                boundary.may_sleep.insert(id, c);
            }
            if let Some(d) = self.sleeps_dropping.get(g) {
                boundary.sleeps_dropping.insert(id, d);
            }
        }
        // The full run's registrations, but in the files whose own are computed, of
        // functions that are present.
        for (g, r) in &self.entries {
            let AtomicReason::Entry { file, .. } = r else {
                continue;
            };
            if registrations.contains(file) {
                continue;
            }
            if let Some(id) = compact(*g, &ids) {
                boundary.entries.push((id, r.clone()));
            }
        }
        boundary.registrations = Some(registrations);
        let stand_ins = ids.into_iter().map(|(g, id)| (id, g)).collect();
        Some((files, locks, boundary, stand_ins))
    }
}

/// (32 bits: a collision costs a search, and the index half the memory.)
fn name_hash(name: &str) -> u32 {
    use std::hash::BuildHasher;
    rustc_hash::FxBuildHasher.hash_one(name) as u32
}

/// Everything reachable from `roots` through `next` (which pushes a function's
/// successors) within `depth` steps, roots included.
fn reach(roots: &[u32], depth: u32, mut next: impl FnMut(u32, &mut Vec<u32>)) -> HashSet<u32> {
    let mut seen: HashSet<u32> = roots.iter().copied().collect();
    let mut level: Vec<u32> = seen.iter().copied().collect();
    let mut d = 0;
    let mut succ = Vec::new();
    while !level.is_empty() && d < depth {
        let mut more = Vec::new();
        for f in level {
            succ.clear();
            next(f, &mut succ);
            for &g in &succ {
                if seen.insert(g) {
                    more.push(g);
                }
            }
        }
        level = more;
        d += 1;
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lazy_values_decode_on_demand() {
        let lazy = Lazy::new(vec![
            (7, (1u32, "b".to_string())),
            (2, (0u32, "a".to_string())),
        ]);
        assert_eq!(lazy.get(2), Some((0, "a".to_string())));
        assert_eq!(lazy.get(7), Some((1, "b".to_string())));
        assert_eq!(lazy.get(3), None);
        let bytes = postcard::to_stdvec(&lazy).unwrap();
        let back: Lazy<(u32, String)> = postcard::from_bytes(&bytes).unwrap();
        assert_eq!(back.get(7), Some((1, "b".to_string())));
    }

    #[test]
    fn reach_stops_at_the_depth() {
        // 0 → 1 → 2 → 3, and 0 → 3.
        let edges: Vec<Vec<u32>> = vec![vec![1, 3], vec![2], vec![3], vec![]];
        let next = |f: u32, out: &mut Vec<u32>| out.extend(&edges[f as usize]);
        let mut one: Vec<u32> = reach(&[0], 1, next).into_iter().collect();
        one.sort_unstable();
        assert_eq!(one, [0, 1, 3]);
        let mut all: Vec<u32> = reach(&[0], u32::MAX, next).into_iter().collect();
        all.sort_unstable();
        assert_eq!(all, [0, 1, 2, 3]);
        let none: Vec<u32> = reach(&[2], 0, next).into_iter().collect();
        assert_eq!(none, [2]);
    }
}
