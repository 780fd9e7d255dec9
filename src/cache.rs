//! The persistent facts cache: each file's result of the parse/local stage (facts and
//! lock states), keyed by its content, so later runs parse only what changed.
//!
//! Layout of the cache directory (default `.gfplint-cache/` at the project root):
//! * `facts.pack`: one file holding many entries behind an index (one open and one
//!   read of the index at start; entries are read on demand with positioned reads, so
//!   memory holds the decoded facts only). Rewritten whole (temp file + rename) when
//!   enough has changed; entries no run uses any more are dropped then.
//! * `shards/xx/<key>`: one file per entry written since the pack was last rewritten
//!   (temp file + rename), so a run that changes a few files writes a few small files.
//!   A run that starts without a pack (a cold cache) appends its entries to one temp
//!   segment file instead, which becomes the pack at its end.
//! * `runs/`, `last/`, `program/`, `kbuild/`, `walks/`: records (`read_record`,
//!   `write_record`), each one checksummed file, the newest few of each kind kept.
//! * `CACHEDIR.TAG` and a `.gitignore` of `*`.
//!
//! An entry is `magic, format, key, path length, payload length, checksum, path,
//! payload`; the checksum (xxh3) covers key, path and payload. A truncated, corrupt or
//! foreign entry fails these checks and is recomputed. Keys are content-addressed:
//! xxh3-128 of the engine (version and binary), the knowledge fingerprint and the
//! file's bytes; the path inside an entry is relative to the project root and is used
//! only to decide which entries to keep.
//!
//! In the pipeline (stage *cache*, `src/cache.rs`): around the parse and local stages:
//! a file whose xxh3-128 digest (with the engine and knowledge fingerprint) is cached
//! is not parsed; its facts and lock states (CFGs already dropped) are decoded from
//! `facts.pack` (index + checksummed postcard entries, positioned reads) or a shard;
//! new entries go to shards (or, on a cold cache, one segment that becomes the pack).
//! Files re-locked with other files' wrappers are keyed by digest + wrappers' digest.
//! Unchanged files (digest index `files.idx`, read when first asked: size, mtime,
//! ctime, inode) are not read; a run whose files and options are unchanged reuses its
//! outcome (`runs/`), which lists the kernel headers outside the run it read, with
//! their `stat` (`Cache::manifest`: reused, or sliced from, only while they hold).
//! `FileRecords` (`records/`): what a run derives from files outside its own (kernel
//! header scans), by root-relative path and `stat`, an index then positioned
//! checksummed reads. Early cutoff: each entry's facts fingerprint (facts and lock
//! states without path and source hash) is kept per file with the last outcome over the
//! same file list and options; when every changed file keeps its fingerprint, that
//! outcome is reused (new source hashes), else the whole-program stage runs from the
//! facts of every file (it is not incremental) Writes: temp + rename; pack rewrites one
//! at a time, pruning entries of edited and deleted files

use std::fs::File;
use std::io::{BufWriter, Write};
use std::os::unix::fs::FileExt;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;
use serde::de::DeserializeOwned;
use xxhash_rust::xxh3::{Xxh3, xxh3_64, xxh3_128};

/// The cache directory's name under the project root.
pub const DIR_NAME: &str = ".gfplint-cache";
const PACK: &str = "facts.pack";
const SHARDS: &str = "shards";
const RUNS: &str = "runs";
const LAST: &str = "last";
/// Whole-program stores of full runs (`incremental::ProgramStore`), by last-run key.
const PROGRAMS: &str = "program";
const STATS: &str = "files.idx";
const BUILDS: &str = "kbuild";
/// Per-file records of files read outside the facts entries (`FileRecords`).
const FILE_RECORDS: &str = "records";
const FILE_RECORDS_KEPT: usize = 4;
/// Stored Kconfig/Makefile models kept (the newest; one per list of files).
const BUILDS_KEPT: usize = 8;
/// Outcomes of whole runs kept (the newest; one per distinct set of inputs), and last
/// outcomes per list of files and options (the early cutoff's; kept apart, so that a
/// burst of runs over other lists, as `pre-commit run --all-files` makes, does not
/// evict them).
const RUNS_KEPT: usize = 16;
const LAST_KEPT: usize = 8;
const ENTRY_MAGIC: &[u8; 8] = b"GFPLENT1";
const PACK_MAGIC: &[u8; 8] = b"GFPLPAK1";
/// The layout of entries and of the pack; bumped by hand when it changes (the engine
/// digest in every key covers changes of the facts themselves).
const FORMAT: u32 = 12;
const ENTRY_HEADER: usize = 8 + 4 + 16 + 4 + 8 + 8;
const PACK_HEADER: usize = 8 + 4 + 8 + 8 + 8 + 8;
/// The signature `CACHEDIR.TAG` must start with (<https://bford.info/cachedir/>).
const TAG: &str = "Signature: 8a477f597d28d172789f06886806bc55\n\
# This file is a cache directory tag created by gfplint.\n\
# For information about cache directory tags see https://bford.info/cachedir/\n";

pub type Key = u128;

/// Lists a session's known digest index entries from a run's files.
pub type KnownEntries = Box<dyn FnOnce(&[String]) -> Vec<(String, FileStat)> + Send>;

/// The digest index entries a session found equal to the index and still holds.
#[derive(Default)]
struct KnownStats {
    /// How many `lister` gives.
    count: usize,
    lister: Option<KnownEntries>,
    listed: Vec<(String, FileStat)>,
}

/// Identifies the analysis code: the version, the cache format and the executable's
/// bytes. Development builds share a version number, and a cache outliving a change
/// in extraction would silently give old facts, so the binary itself is part of it.
fn engine() -> u128 {
    static ENGINE: std::sync::OnceLock<u128> = std::sync::OnceLock::new();
    *ENGINE.get_or_init(|| {
        let mut h = Xxh3::new();
        h.update(env!("CARGO_PKG_VERSION").as_bytes());
        h.update(&FORMAT.to_le_bytes());
        // A development aid: builds that differ only outside the per-file stages
        // (the whole-program stage, the report) can share one cache when told to,
        // instead of each re-parsing a kernel tree. The environment is trusted.
        if let Some(key) = std::env::var_os("GFPLINT_DEV_ENGINE_KEY") {
            h.update(key.as_encoded_bytes());
        } else if let Ok(bytes) = std::env::current_exe().and_then(std::fs::read) {
            h.update(&bytes);
        }
        h.digest128()
    })
}

/// The content digest of a file's bytes.
pub fn content_digest(bytes: &[u8]) -> u128 {
    xxh3_128(bytes)
}

/// What one run reads from and writes to the cache directory.
pub struct Cache {
    dir: PathBuf,
    /// Absolute, lexically normal project root (entry paths are relative to it).
    root: PathBuf,
    knowledge: u64,
    pack: Option<Pack>,
    /// Keys this run used (found or stored), with the entry's root-relative path.
    used: Mutex<FxHashMap<Key, String>>,
    /// Entries this run wrote (as shards or to the segment) or found in shards.
    shard_entries: AtomicUsize,
    /// Files' digests by root-relative path and the metadata they were read with (git's
    /// index idea): a file whose metadata is unchanged is not read again. Local only:
    /// the digest, not the metadata, is in every key.
    /// The digest index (`files.idx`), read when first asked (a language server's
    /// trusted runs take most entries from their session instead).
    stats: std::sync::OnceLock<FxHashMap<String, FileStat>>,
    new_stats: Mutex<Vec<(String, FileStat)>>,
    /// Entries a session found equal to the index and still holds (`keep_known`): how
    /// many, and how to list them from the run's files (only done when the index is
    /// written: most runs of a session change no entry).
    known_stats: Mutex<KnownStats>,
    started: std::time::SystemTime,
    cwd: PathBuf,
    /// The working directory is the root.
    cwd_is_root: bool,
    /// Where a run without a pack (a cold cache) appends its entries: one file instead
    /// of tens of thousands of shards, turned into the pack at the end.
    segment: Mutex<Option<Segment>>,
    writable: AtomicBool,
    warning: Mutex<Option<String>>,
    pub hits: AtomicUsize,
    pub misses: AtomicUsize,
}

struct Pack {
    file: File,
    index: FxHashMap<Key, PackEntry>,
}

struct PackEntry {
    offset: u64,
    len: u32,
    path: Box<str>,
}

impl Cache {
    /// Opens (creating if needed) the cache in `dir`. `Err` is the one warning line to
    /// show when the directory cannot be used (read-only, not a directory, full).
    pub fn open(dir: &Path, root: &Path, knowledge_fingerprint: u64) -> Result<Cache, String> {
        let unusable = |e: std::io::Error| {
            format!(
                "cache directory {} cannot be used ({e}); running without the cache",
                dir.display()
            )
        };
        std::fs::create_dir_all(dir.join(SHARDS)).map_err(unusable)?;
        let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/"));
        for (name, text) in [("CACHEDIR.TAG", TAG), (".gitignore", "*\n")] {
            let p = dir.join(name);
            if !p.exists() {
                write_atomically(&p, text.as_bytes()).map_err(unusable)?;
            }
        }
        // Writable? (A directory made read-only after its creation passes the above.)
        let probe = temp_name(&dir.join(".probe"));
        File::create(&probe).map_err(unusable)?;
        let _ = std::fs::remove_file(&probe);
        let pack = Pack::open(&dir.join(PACK));
        Ok(Cache {
            stats: std::sync::OnceLock::new(),
            new_stats: Mutex::new(Vec::new()),
            known_stats: Mutex::new(KnownStats::default()),
            started: std::time::SystemTime::now(),
            cwd: cwd.clone(),
            cwd_is_root: normal(&cwd) == absolute_normal(root),
            dir: dir.to_path_buf(),
            root: absolute_normal(root),
            knowledge: knowledge_fingerprint,
            pack,
            used: Mutex::new(FxHashMap::default()),
            shard_entries: AtomicUsize::new(0),
            segment: Mutex::new(None),
            writable: AtomicBool::new(true),
            warning: Mutex::new(None),
            hits: AtomicUsize::new(0),
            misses: AtomicUsize::new(0),
        })
    }

    /// The digest index, read on first use.
    fn stats(&self) -> &FxHashMap<String, FileStat> {
        self.stats.get_or_init(|| {
            std::fs::read(self.dir.join(STATS))
                .ok()
                .and_then(|bytes| {
                    let payload = check_entry(&bytes, STATS_KEY)?.1;
                    postcard::from_bytes::<Vec<(String, FileStat)>>(payload).ok()
                })
                .map(|v| v.into_iter().collect())
                .unwrap_or_default()
        })
    }

    /// The digest of the file at `path` recorded by an earlier run, when its metadata
    /// `meta` is what it was then.
    pub fn known_digest(&self, path: &str, stat: &FileStat) -> Option<u128> {
        let rel = self.relative(path);
        let old = self.stats().get(&rel)?;
        let now = FileStat {
            digest: old.digest,
            ..*stat
        };
        (now == *old).then(|| {
            self.new_stats
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .push((rel, now));
            old.digest
        })
    }

    /// The cache's identity for what a session keeps of its entries (its directory,
    /// the engine and the knowledge its keys are made with).
    pub fn identity(&self) -> u128 {
        let mut key = self.dir.to_string_lossy().as_bytes().to_vec();
        key.extend_from_slice(&self.file_key(0).to_le_bytes());
        content_digest(&key)
    }

    /// The digest index entry `known_digest` would keep for `path` with `stat`
    /// recorded for `digest` (a session keeps it for its next runs).
    pub fn recorded(&self, path: &str, stat: &FileStat, digest: u128) -> (String, FileStat) {
        (self.relative(path), FileStat { digest, ..*stat })
    }

    /// Keeps the digest index entries of files a session's earlier run recorded and
    /// whose `stat` it still holds (as `known_digest` would have, one by one).
    /// `count` entries, listed by `entries` from the run's files when needed.
    pub fn keep_known(&self, count: usize, entries: KnownEntries) {
        let mut known = self
            .known_stats
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        known.count = count;
        known.lister = Some(entries);
    }

    /// One such entry (an editor buffer's file, as an earlier run found it on disk).
    pub fn keep_known_entry(&self, entry: (String, FileStat)) {
        self.known_stats
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .listed
            .push(entry);
    }

    /// Keeps the digest index's entry of a file this run reads from elsewhere (an
    /// editor buffer): it still describes the file on disk, and a run that changes no
    /// entry does not rewrite the index.
    pub fn keep_recorded(&self, path: &str) {
        let rel = self.relative(path);
        if let Some(old) = self.stats().get(&rel) {
            self.new_stats
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .push((rel, *old));
        }
    }

    /// Records the digest of the file at `path`, read with `stat` `stat`. A file
    /// modified in the last seconds is not recorded: a later change within the same
    /// timestamp tick would go unseen (git's "racily clean" entries).
    pub fn record_digest(&self, path: &str, stat: &FileStat, digest: u128) {
        if self.recent(stat) {
            return;
        }
        let rel = self.relative(path);
        self.new_stats
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push((rel, FileStat { digest, ..*stat }));
    }

    /// Whether a file with this `stat` was modified in the last seconds (see
    /// [`Cache::record_digest`]).
    pub fn recent(&self, stat: &FileStat) -> bool {
        stat.modified_near(self.started)
    }

    /// The `stat` of files a run read besides its own `files` (the kernel headers
    /// outside the run: the run's own are in its key), for a stored outcome to be
    /// reused only while they hold ([`Cache::manifest_holds`]): paths relative to the
    /// root inside it. `None` when one cannot be read: such a run is not stored. (A file modified twice within one timestamp tick, to the same
    /// size, would go unseen; unlike the digest index, whose entries skip reading a
    /// file, a recent file is not refused: right after a checkout every header is.)
    pub fn manifest<'p>(
        &self,
        paths: impl Iterator<Item = &'p Path>,
        files: &[String],
    ) -> Option<Vec<(String, FileStat)>> {
        let paths: Vec<&Path> = paths.collect();
        if paths.is_empty() {
            return Some(Vec::new());
        }
        let in_run: FxHashSet<String> = files.iter().map(|f| self.relative(f)).collect();
        let mut out: Vec<(String, FileStat)> = paths
            .into_iter()
            .filter_map(|p| {
                let abs = absolute_normal(p);
                let rel = abs.strip_prefix(&self.root).ok().and_then(Path::to_str);
                (!rel.is_some_and(|r| in_run.contains(r))).then_some(abs)
            })
            .map(|abs| {
                let stat = FileStat::now(&std::fs::metadata(&abs).ok()?);
                let name = match abs.strip_prefix(&self.root) {
                    Ok(rel) => rel.to_str()?.to_string(),
                    Err(_) => abs.to_str()?.to_string(),
                };
                Some((name, stat))
            })
            .collect::<Option<_>>()?;
        out.sort_by(|a, b| a.0.cmp(&b.0));
        Some(out)
    }

    /// Whether every file of a [`Cache::manifest`] still has its `stat`.
    pub fn manifest_holds(&self, manifest: &[(String, FileStat)]) -> bool {
        manifest.iter().all(|(name, stat)| {
            std::fs::metadata(self.root.join(name)).is_ok_and(|m| FileStat::now(&m) == *stat)
        })
    }

    /// The [`FileRecords`] of kind `kind` (their key holds the engine and knowledge:
    /// what makes a record is the binary's business).
    pub fn file_records(&self, kind: &[u8]) -> FileRecords {
        FileRecords {
            dir: self.dir.clone(),
            key: self.key(b"records", content_digest(kind), 0),
            root: self.root.clone(),
            started: self.started,
            kept: std::sync::OnceLock::new(),
            valid: Mutex::new(FxHashSet::default()),
            made: Mutex::new(FxHashMap::default()),
            added: AtomicUsize::new(0),
            writable: self.writable.load(Ordering::Relaxed),
        }
    }

    /// The key of a file's own result (facts and lock states with same-file wrappers).
    pub fn file_key(&self, content: u128) -> Key {
        self.key(b"file", content, 0)
    }

    /// The key of a file's lock states recomputed with wrappers from other files
    /// (`wrappers`: a digest of those wrappers' names and effects).
    pub fn wrapper_key(&self, content: u128, wrappers: u128) -> Key {
        self.key(b"wrap", content, wrappers)
    }

    fn key(&self, kind: &[u8], content: u128, extra: u128) -> Key {
        let mut h = Xxh3::new();
        h.update(&engine().to_le_bytes());
        h.update(&self.knowledge.to_le_bytes());
        h.update(kind);
        h.update(&content.to_le_bytes());
        h.update(&extra.to_le_bytes());
        h.digest128()
    }

    /// The key of a whole run's outcome: `inputs` must determine it (file paths and
    /// digests, options).
    pub fn run_key(&self, inputs: &[u8]) -> Key {
        self.key(b"run", content_digest(inputs), 0)
    }

    /// The key of the last outcome computed over a run's files and options, whatever
    /// their bytes (`inputs`: the file paths and options, no digests): the early
    /// cutoff of a run whose edits leave every file's facts as they were.
    pub fn last_run_key(&self, inputs: &[u8]) -> Key {
        self.key(b"last", content_digest(inputs), 0)
    }

    /// The key of the build facts (`kbuild`) of a run's files and configuration.
    pub fn build_key(&self, inputs: &[u8]) -> Key {
        self.key(b"kbuild", content_digest(inputs), 0)
    }

    /// The build facts stored under a [`Cache::build_key`].
    pub fn get_build<T: DeserializeOwned>(&self, key: Key) -> Option<T> {
        self.get_record(BUILDS, key)
    }

    /// Stores build facts, keeping the newest [`BUILDS_KEPT`].
    pub fn put_build<T: Serialize>(&self, key: Key, value: &T) {
        self.put_record(BUILDS, BUILDS_KEPT, key, value);
    }

    /// Whether an entry is stored under `key` (not whether it is intact).
    pub fn contains(&self, key: Key) -> bool {
        self.pack
            .as_ref()
            .is_some_and(|p| p.index.contains_key(&key))
            || self.shard_path(key).is_file()
    }

    /// Counts a file whose entry was missing.
    pub fn note_miss(&self) {
        self.misses.fetch_add(1, Ordering::Relaxed);
    }

    /// The outcome of an earlier run with the same inputs.
    pub fn get_run<T: DeserializeOwned>(&self, key: Key) -> Option<T> {
        self.get_record(RUNS, key)
    }

    /// Stores a run's outcome, keeping the newest [`RUNS_KEPT`].
    pub fn put_run<T: Serialize>(&self, key: Key, value: &T) {
        self.put_record(RUNS, RUNS_KEPT, key, value);
    }

    /// The last outcome stored under a [`Cache::last_run_key`].
    pub fn get_last<T: DeserializeOwned>(&self, key: Key) -> Option<T> {
        self.get_record(LAST, key)
    }

    /// Stores the last outcome over a list of files, keeping the newest [`LAST_KEPT`].
    pub fn put_last<T: Serialize>(&self, key: Key, value: &T) {
        self.put_record(LAST, LAST_KEPT, key, value);
    }

    /// The program store of the last full run over a list of files.
    pub fn get_program<T: DeserializeOwned>(&self, key: Key) -> Option<T> {
        self.get_record(PROGRAMS, key)
    }

    /// Stores the program store of a full run, keeping as many as last outcomes.
    pub fn put_program<T: Serialize>(&self, key: Key, value: &T) {
        self.put_record(PROGRAMS, LAST_KEPT, key, value);
    }

    fn get_record<T: DeserializeOwned>(&self, dir: &str, key: Key) -> Option<T> {
        read_record(&self.dir, dir, key)
    }

    fn put_record<T: Serialize>(&self, dir: &str, kept: usize, key: Key, value: &T) {
        if !self.writable.load(Ordering::Relaxed) {
            return;
        }
        if let Err(e) = write_record(&self.dir, dir, kept, key, value) {
            self.stop_writing(&e);
        }
    }

    /// The value stored under `key` for the file at `path`, if present and intact.
    pub fn get<T: DeserializeOwned>(&self, key: Key, path: &str) -> Option<T> {
        self.get_with(key, path, |payload| postcard::from_bytes::<T>(payload).ok())
    }

    /// The payload stored under `key` for the file at `path`, decoded by `decode`
    /// (`None` from it counts as a damaged entry, like a failed checksum).
    pub fn get_with<T>(
        &self,
        key: Key,
        path: &str,
        decode: impl FnOnce(&[u8]) -> Option<T>,
    ) -> Option<T> {
        let found = self.read_entry(key).and_then(|(from_shard, bytes)| {
            let payload = check_entry(&bytes, key)?.1;
            let value = decode(payload)?;
            if from_shard {
                self.shard_entries.fetch_add(1, Ordering::Relaxed);
            }
            Some(value)
        });
        match found {
            Some(v) => {
                self.hits.fetch_add(1, Ordering::Relaxed);
                self.mark_used(key, path);
                Some(v)
            }
            None => {
                self.misses.fetch_add(1, Ordering::Relaxed);
                None
            }
        }
    }

    fn read_entry(&self, key: Key) -> Option<(bool, Vec<u8>)> {
        if let Some(pack) = &self.pack
            && let Some(e) = pack.index.get(&key)
        {
            let mut buf = vec![0; e.len as usize];
            if pack.file.read_exact_at(&mut buf, e.offset).is_ok() {
                return Some((false, buf));
            }
        }
        std::fs::read(self.shard_path(key)).ok().map(|b| (true, b))
    }

    /// Stores `value` under `key` (a shard file, written atomically). A failure turns
    /// writing off for the rest of the run and leaves one warning.
    pub fn put<T: Serialize>(&self, key: Key, path: &str, value: &T) {
        if !self.writable.load(Ordering::Relaxed) {
            return;
        }
        if let Ok(payload) = postcard::to_stdvec(value) {
            self.put_bytes(key, path, &payload);
        }
    }

    /// Stores an encoded payload under `key`, as [`Cache::put`].
    pub fn put_bytes(&self, key: Key, path: &str, payload: &[u8]) {
        if !self.writable.load(Ordering::Relaxed) {
            return;
        }
        let rel = self.relative(path);
        let bytes = encode_entry(key, &rel, payload);
        let written = if self.pack.is_none() {
            self.append_to_segment(key, &bytes)
        } else {
            self.write_shard(key, &bytes)
        };
        match written {
            Ok(()) => {
                self.shard_entries.fetch_add(1, Ordering::Relaxed);
                self.used
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .insert(key, rel);
            }
            Err(e) => self.stop_writing(&e),
        }
    }

    fn write_shard(&self, key: Key, bytes: &[u8]) -> std::io::Result<()> {
        let shard = self.shard_path(key);
        shard
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| write_atomically(&shard, bytes))
    }

    fn append_to_segment(&self, key: Key, bytes: &[u8]) -> std::io::Result<()> {
        let mut slot = self
            .segment
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if slot.is_none() {
            let path = temp_name(&self.dir.join("segment"));
            // Read back at the end: opened for both.
            let file = std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create_new(true)
                .open(&path)?;
            *slot = Some(Segment {
                out: BufWriter::with_capacity(1 << 20, file),
                path,
                len: 0,
                entries: Vec::new(),
            });
        }
        let Some(seg) = slot.as_mut() else {
            return Ok(());
        };
        seg.out.write_all(bytes)?;
        seg.entries.push((key, seg.len, bytes.len() as u32));
        seg.len += bytes.len() as u64;
        Ok(())
    }

    /// The segment's file and entries, flushed; `None` when nothing was appended.
    fn take_segment(&self) -> Option<FinishedSegment> {
        let seg = self
            .segment
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take()?;
        let path = seg.path;
        match seg.out.into_inner() {
            Ok(file) => Some((file, path, seg.entries)),
            Err(_) => {
                let _ = std::fs::remove_file(&path);
                None
            }
        }
    }

    fn stop_writing(&self, e: &std::io::Error) {
        if self.writable.swap(false, Ordering::Relaxed) {
            *self
                .warning
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(format!(
                "cannot write to the cache directory {} ({e}); results of this run are not cached",
                self.dir.display()
            ));
        }
    }

    /// Counts the entry under `key` as live (for pruning) without loading it.
    pub fn mark_used(&self, key: Key, path: &str) {
        let rel = self.relative(path);
        self.used
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(key, rel);
    }

    fn shard_path(&self, key: Key) -> PathBuf {
        let hex = format!("{key:032x}");
        self.dir.join(SHARDS).join(&hex[..2]).join(hex)
    }

    /// `path` (as reached from the current directory) relative to the project root;
    /// empty when it is outside the root.
    fn relative(&self, path: &str) -> String {
        // The usual case, a plain relative path under a working directory that is the
        // root: itself (without a path per file to build and take apart).
        let plain = !path.is_empty()
            && !path.starts_with('/')
            && !path.ends_with('/')
            && path
                .split('/')
                .all(|c| !c.is_empty() && c != "." && c != "..");
        if plain && self.cwd_is_root {
            return path.to_string();
        }
        normal(&self.cwd.join(path))
            .strip_prefix(&self.root)
            .ok()
            .and_then(Path::to_str)
            .unwrap_or("")
            .to_string()
    }

    /// Ends the run: rewrites the pack when enough has changed, keeping the entries
    /// this run used and those of files outside this run that still exist (so checking
    /// a subdirectory does not forget the rest), and dropping the others: entries of
    /// edited and deleted files. `files` are this run's files. Returns the warning to
    /// show, if any.
    ///
    /// `reused`: the run reused a stored outcome and loaded no facts, so it cannot tell
    /// live entries from dead ones; only the digest index is updated.
    pub fn finish(self, files: &[String], reused: bool) -> Option<String> {
        let warning = self.finish_writes(files, reused);
        // (Its indexes hold an entry per file of the run: freeing them is no one's wait.)
        crate::drop_later(self);
        warning
    }

    fn finish_writes(&self, files: &[String], reused: bool) -> Option<String> {
        let warning = self
            .warning
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        let segment = self.take_segment();
        if !self.writable.load(Ordering::Relaxed) || reused {
            if let Some((_, path, _)) = segment {
                let _ = std::fs::remove_file(path);
            }
            if reused && self.writable.load(Ordering::Relaxed) {
                self.write_stats(files);
            }
            return warning;
        }
        self.write_stats(files);
        let used = std::mem::take(
            &mut *self
                .used
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        );
        let in_run: FxHashSet<String> = files
            .iter()
            .map(|f| {
                absolute_normal(Path::new(f))
                    .strip_prefix(&self.root)
                    .ok()
                    .and_then(Path::to_str)
                    .unwrap_or("")
                    .to_string()
            })
            .collect();
        let keep_unused = |path: &str| {
            !path.is_empty() && !in_run.contains(path) && self.root.join(path).is_file()
        };
        let (pack_len, dead) = match &self.pack {
            Some(p) => {
                let dead = p
                    .index
                    .iter()
                    .filter(|(k, e)| !used.contains_key(*k) && !keep_unused(&e.path))
                    .count();
                (p.index.len(), dead)
            }
            None => (0, 0),
        };
        let shards = self.shard_entries.load(Ordering::Relaxed);
        let changed = shards + dead;
        // Few changes stay as shards: rewriting a whole-kernel pack costs about a second.
        // (Tests lower the threshold through the environment.)
        let threshold = std::env::var("GFPLINT_CACHE_REWRITE_AFTER")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or((pack_len / 32).max(64));
        let worth = if self.pack.is_none() {
            shards > 0
        } else {
            changed > threshold
        };
        // One run rewrites the pack at a time; the others leave their shards for later.
        let lock = if worth {
            CompactionLock::take(&self.dir)
        } else {
            None
        };
        let Some(_lock) = lock else {
            if let Some((file, path, entries)) = segment {
                self.spill(&file, &entries);
                let _ = std::fs::remove_file(path);
            }
            return warning;
        };
        let result = self.compact(&used, &keep_unused, segment.as_ref());
        if let Some((_, path, _)) = segment {
            let _ = std::fs::remove_file(path);
        }
        match result {
            Ok(()) => warning,
            Err(e) => warning.or_else(|| {
                Some(format!(
                    "cannot write to the cache directory {} ({e}); results of this run are not cached",
                    self.dir.display()
                ))
            }),
        }
    }

    /// Rewrites the digest index when this run saw a change: this run's files as seen
    /// now, and the entries of other files that still exist.
    fn write_stats(&self, files: &[String]) {
        let new = std::mem::take(
            &mut *self
                .new_stats
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        );
        let known = std::mem::take(
            &mut *self
                .known_stats
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        );
        let unchanged = new.len() + known.count + known.listed.len() == files.len()
            && new.iter().all(|(p, s)| self.stats().get(p) == Some(s));
        if unchanged {
            return;
        }
        let mut new = new;
        new.extend(known.listed);
        if let Some(list) = known.lister {
            new.extend(list(files));
        }
        let in_run: FxHashSet<String> = files.iter().map(|f| self.relative(f)).collect();
        let mut all: Vec<(String, FileStat)> = self
            .stats()
            .iter()
            .filter(|(p, _)| !in_run.contains(*p) && self.root.join(p).is_file())
            .map(|(p, s)| (p.clone(), *s))
            .collect();
        all.extend(new);
        all.sort_by(|a, b| a.0.cmp(&b.0));
        all.dedup_by(|a, b| a.0 == b.0);
        if let Ok(payload) = postcard::to_stdvec(&all) {
            let _ = write_atomically(
                &self.dir.join(STATS),
                &encode_entry(STATS_KEY, "", &payload),
            );
        }
    }

    /// The segment's entries as shards (when another run is rewriting the pack).
    fn spill(&self, file: &File, entries: &[(Key, u64, u32)]) {
        for &(key, offset, len) in entries {
            let mut buf = vec![0; len as usize];
            if file.read_exact_at(&mut buf, offset).is_err() || self.write_shard(key, &buf).is_err()
            {
                return;
            }
        }
    }

    /// Writes a new pack of the live entries (streamed: one entry in memory at a time)
    /// and removes the shards it took in or found dead.
    fn compact(
        &self,
        used: &FxHashMap<Key, String>,
        keep_unused: &dyn Fn(&str) -> bool,
        segment: Option<&FinishedSegment>,
    ) -> std::io::Result<()> {
        let pack_path = self.dir.join(PACK);
        let temp = temp_name(&pack_path);
        let result = (|| {
            let mut out = BufWriter::with_capacity(1 << 20, File::create(&temp)?);
            out.write_all(&[0; PACK_HEADER])?;
            let mut offset = PACK_HEADER as u64;
            let mut index: Vec<(Key, u64, u32, String)> = Vec::new();
            let mut taken = FxHashSet::default();
            let mut add = |key: Key, bytes: &[u8], index: &mut Vec<_>| -> std::io::Result<()> {
                let Some((path, _)) = check_entry(bytes, key) else {
                    return Ok(());
                };
                if !taken.insert(key) {
                    return Ok(());
                }
                let live = used.contains_key(&key) || keep_unused(path);
                if live {
                    out.write_all(bytes)?;
                    index.push((key, offset, bytes.len() as u32, path.to_string()));
                    offset += bytes.len() as u64;
                }
                Ok(())
            };
            if let Some((file, _, entries)) = segment {
                for &(key, off, len) in entries {
                    let mut buf = vec![0; len as usize];
                    file.read_exact_at(&mut buf, off)?;
                    add(key, &buf, &mut index)?;
                }
            }
            // Segments of killed runs.
            for e in std::fs::read_dir(&self.dir)?.flatten() {
                let name = e.file_name();
                let name = name.to_string_lossy();
                if name.starts_with(".segment.") && is_stale_temp(&e) {
                    let _ = std::fs::remove_file(e.path());
                }
            }
            let mut removable = Vec::new();
            for shard in list_shards(&self.dir.join(SHARDS)) {
                let Some(key) = shard
                    .file_name()
                    .and_then(|n| n.to_str())
                    .and_then(|n| Key::from_str_radix(n, 16).ok())
                else {
                    continue;
                };
                if let Ok(bytes) = std::fs::read(&shard) {
                    add(key, &bytes, &mut index)?;
                }
                removable.push(shard);
            }
            // The pack as it is now: another run may have rewritten it since this one
            // opened it.
            let current = Pack::open(&pack_path);
            if let Some(pack) = &current {
                let mut entries: Vec<_> = pack.index.iter().collect();
                entries.sort_by_key(|(_, e)| e.offset);
                for (key, e) in entries {
                    let mut buf = vec![0; e.len as usize];
                    if pack.file.read_exact_at(&mut buf, e.offset).is_ok() {
                        add(*key, &buf, &mut index)?;
                    }
                }
            }
            let index_offset = offset;
            let mut index_bytes = Vec::with_capacity(index.len() * 48);
            for (key, off, len, path) in &index {
                index_bytes.extend_from_slice(&key.to_le_bytes());
                index_bytes.extend_from_slice(&off.to_le_bytes());
                index_bytes.extend_from_slice(&len.to_le_bytes());
                let p = path.as_bytes();
                let p = &p[..p.len().min(u16::MAX as usize)];
                index_bytes.extend_from_slice(&(p.len() as u16).to_le_bytes());
                index_bytes.extend_from_slice(p);
            }
            out.write_all(&index_bytes)?;
            let mut file = out.into_inner().map_err(|e| e.into_error())?;
            let mut header = Vec::with_capacity(PACK_HEADER);
            header.extend_from_slice(PACK_MAGIC);
            header.extend_from_slice(&FORMAT.to_le_bytes());
            header.extend_from_slice(&(index.len() as u64).to_le_bytes());
            header.extend_from_slice(&index_offset.to_le_bytes());
            header.extend_from_slice(&(index_bytes.len() as u64).to_le_bytes());
            header.extend_from_slice(&xxh3_64(&index_bytes).to_le_bytes());
            std::io::Seek::rewind(&mut file)?;
            file.write_all(&header)?;
            // No fsync: a pack lost to a power cut fails its checksums and is rebuilt.
            drop(file);
            std::fs::rename(&temp, &pack_path)?;
            Ok(removable)
        })();
        match result {
            Ok(removable) => {
                for shard in removable {
                    let _ = std::fs::remove_file(shard);
                }
                Ok(())
            }
            Err(e) => {
                let _ = std::fs::remove_file(&temp);
                Err(e)
            }
        }
    }
}

/// A segment after the run: its file (readable), temp path, and (key, offset, length)
/// of each entry.
type FinishedSegment = (File, PathBuf, Vec<(Key, u64, u32)>);

struct Segment {
    out: BufWriter<File>,
    path: PathBuf,
    len: u64,
    entries: Vec<(Key, u64, u32)>,
}

/// The fixed key of the digest index (its entry's checksum guards it like any other).
const STATS_KEY: Key = u128::from_le_bytes(*b"gfplint filestat");

/// What a file's digest was recorded with (its `stat`, and the digest).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct FileStat {
    size: u64,
    mtime: (i64, i64),
    ctime: (i64, i64),
    inode: (u64, u64),
    digest: u128,
}

impl FileStat {
    /// A file's `stat` now (the digest is not known yet: 0).
    pub fn now(meta: &std::fs::Metadata) -> FileStat {
        FileStat::of(meta, 0)
    }

    /// Modified within two seconds of `time` (or at an unknown time): a later change
    /// within the same timestamp tick would leave the `stat` as it is (git's "racily
    /// clean" entries), so nothing is recorded against it.
    fn modified_near(&self, time: std::time::SystemTime) -> bool {
        let modified = u64::try_from(self.mtime.0).ok().and_then(|secs| {
            std::time::UNIX_EPOCH.checked_add(std::time::Duration::new(
                secs,
                u32::try_from(self.mtime.1).unwrap_or(0),
            ))
        });
        match modified {
            Some(m) => time.duration_since(m).map_or(true, |age| age.as_secs() < 2),
            None => true,
        }
    }

    fn of(meta: &std::fs::Metadata, digest: u128) -> FileStat {
        use std::os::unix::fs::MetadataExt;
        FileStat {
            size: meta.size(),
            mtime: (meta.mtime(), meta.mtime_nsec()),
            ctime: (meta.ctime(), meta.ctime_nsec()),
            inode: (meta.dev(), meta.ino()),
            digest,
        }
    }
}

/// Something derived from a file's bytes alone, kept between runs by the file's path
/// under the project root and its `stat` (as the digest index keeps digests): what a
/// run needs of files it reads besides its own (the kernel headers' constants), which
/// it need not read and derive again while the `stat` holds. One file per kind
/// (`records/`): an index (path, `stat`, where the bytes are, their checksum) read on
/// first use, then each record read where it is asked for; written (temp file +
/// rename) by [`FileRecords::save`] when the run derived something new: the records
/// the run used or made, and the others whose file still has its `stat`. Outside the
/// root: nothing kept. A damaged index or record is not used.
pub struct FileRecords {
    dir: PathBuf,
    key: Key,
    root: PathBuf,
    started: std::time::SystemTime,
    kept: std::sync::OnceLock<Option<KeptRecords>>,
    /// Paths whose kept record this process found valid.
    valid: Mutex<FxHashSet<String>>,
    /// Records this process made, by root-relative path.
    made: Mutex<FxHashMap<String, (FileStat, Vec<u8>)>>,
    /// How many of `made` are new since the last save.
    added: AtomicUsize,
    writable: bool,
}

/// A records file as read: its index, and the file for the records themselves.
struct KeptRecords {
    file: File,
    /// Where the records start in the file.
    base: u64,
    index: FxHashMap<String, RecordAt>,
}

#[derive(Clone, Copy, Serialize, serde::Deserialize)]
struct RecordAt {
    stat: FileStat,
    offset: u64,
    len: u32,
    checksum: u64,
}

const RECORDS_MAGIC: &[u8; 8] = b"GFPLREC1";
/// Magic, key, index length, index checksum.
const RECORDS_HEADER: usize = 8 + 16 + 8 + 8;

impl FileRecords {
    fn path(&self) -> PathBuf {
        self.dir
            .join(FILE_RECORDS)
            .join(format!("{:032x}", self.key))
    }

    fn kept(&self) -> Option<&KeptRecords> {
        self.kept
            .get_or_init(|| {
                let file = File::open(self.path()).ok()?;
                let mut head = [0u8; RECORDS_HEADER];
                file.read_exact_at(&mut head, 0).ok()?;
                let field =
                    |at: usize| u64::from_le_bytes(head[at..at + 8].try_into().unwrap_or_default());
                if &head[..8] != RECORDS_MAGIC || head[8..24] != self.key.to_le_bytes() {
                    return None;
                }
                let len = usize::try_from(field(24)).ok().filter(|&l| l < 1 << 30)?;
                let mut index = vec![0u8; len];
                file.read_exact_at(&mut index, RECORDS_HEADER as u64).ok()?;
                if xxh3_64(&index) != field(32) {
                    return None;
                }
                let index: Vec<(String, RecordAt)> = postcard::from_bytes(&index).ok()?;
                Some(KeptRecords {
                    file,
                    base: (RECORDS_HEADER + len) as u64,
                    index: index.into_iter().collect(),
                })
            })
            .as_ref()
    }

    fn read(kept: &KeptRecords, at: &RecordAt) -> Option<Vec<u8>> {
        let mut bytes = vec![0u8; at.len as usize];
        kept.file
            .read_exact_at(&mut bytes, kept.base + at.offset)
            .ok()?;
        (xxh3_64(&bytes) == at.checksum).then_some(bytes)
    }

    /// The file's root-relative path and its `stat` now.
    fn locate(&self, path: &Path) -> Option<(String, FileStat)> {
        let rel = absolute_normal(path)
            .strip_prefix(&self.root)
            .ok()?
            .to_str()?
            .to_string();
        let stat = FileStat::now(&std::fs::metadata(path).ok()?);
        Some((rel, stat))
    }

    /// The record kept for the file at `path`, while its `stat` is the recorded one.
    pub fn get(&self, path: &Path) -> Option<Vec<u8>> {
        let kept = self.kept()?;
        let (rel, stat) = self.locate(path)?;
        let at = kept.index.get(&rel).filter(|r| r.stat == stat)?;
        let bytes = Self::read(kept, at)?;
        self.valid
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(rel);
        Some(bytes)
    }

    /// Keeps `bytes`, derived from the file at `path` as it is now (not when the file
    /// changed in the last seconds).
    pub fn put(&self, path: &Path, bytes: Vec<u8>) {
        let Some((rel, stat)) = self.locate(path) else {
            return;
        };
        if stat.modified_near(self.started) {
            return;
        }
        self.made
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(rel, (stat, bytes));
        self.added.fetch_add(1, Ordering::Relaxed);
    }

    /// Writes the records when this process made new ones since the last save (a
    /// failure leaves the old file: a cache is never required).
    pub fn save(&self) {
        if !self.writable || self.added.swap(0, Ordering::Relaxed) == 0 {
            return;
        }
        let valid = self
            .valid
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let made = self
            .made
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut all: Vec<(&str, FileStat, std::borrow::Cow<'_, [u8]>)> = Vec::new();
        if let Some(kept) = self.kept() {
            for (p, at) in &kept.index {
                let holds = valid.contains(p)
                    || std::fs::metadata(self.root.join(p))
                        .is_ok_and(|m| FileStat::now(&m) == at.stat);
                if !made.contains_key(p)
                    && holds
                    && let Some(bytes) = Self::read(kept, at)
                {
                    all.push((p, at.stat, bytes.into()));
                }
            }
        }
        all.extend(
            made.iter()
                .map(|(p, (stat, b))| (p.as_str(), *stat, b[..].into())),
        );
        all.sort_by(|a, b| a.0.cmp(b.0));
        let mut offset = 0u64;
        let index: Vec<(&str, RecordAt)> = all
            .iter()
            .map(|(p, stat, b)| {
                let at = RecordAt {
                    stat: *stat,
                    offset,
                    len: b.len() as u32,
                    checksum: xxh3_64(b),
                };
                offset += b.len() as u64;
                (*p, at)
            })
            .collect();
        let Ok(index) = postcard::to_stdvec(&index) else {
            return;
        };
        let mut out = Vec::with_capacity(RECORDS_HEADER + index.len() + offset as usize);
        out.extend_from_slice(RECORDS_MAGIC);
        out.extend_from_slice(&self.key.to_le_bytes());
        out.extend_from_slice(&(index.len() as u64).to_le_bytes());
        out.extend_from_slice(&xxh3_64(&index).to_le_bytes());
        out.extend_from_slice(&index);
        for (_, _, b) in &all {
            out.extend_from_slice(b);
        }
        let dir = self.dir.join(FILE_RECORDS);
        if std::fs::create_dir_all(&dir)
            .and_then(|()| write_atomically(&self.path(), &out))
            .is_ok()
        {
            keep_newest(&dir, FILE_RECORDS_KEPT);
        }
    }
}

/// `compact.lock` in the cache directory, held while a run rewrites the pack; a lock
/// older than ten minutes is taken for one left by a killed run.
struct CompactionLock(PathBuf);

impl CompactionLock {
    fn take(dir: &Path) -> Option<CompactionLock> {
        let path = dir.join("compact.lock");
        for _ in 0..2 {
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(_) => return Some(CompactionLock(path)),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let stale = std::fs::metadata(&path)
                        .and_then(|m| m.modified())
                        .ok()
                        .and_then(|t| t.elapsed().ok())
                        .is_some_and(|age| age.as_secs() > 600);
                    if !stale {
                        return None;
                    }
                    let _ = std::fs::remove_file(&path);
                }
                Err(_) => return None,
            }
        }
        None
    }
}

impl Drop for CompactionLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

impl Pack {
    /// The pack at `path`, or `None` when it is missing, foreign or damaged (it is then
    /// rebuilt by the next compaction).
    fn open(path: &Path) -> Option<Pack> {
        let file = File::open(path).ok()?;
        let mut header = [0; PACK_HEADER];
        file.read_exact_at(&mut header, 0).ok()?;
        if &header[..8] != PACK_MAGIC || u32_at(&header, 8) != FORMAT {
            return None;
        }
        let count = u64_at(&header, 12);
        let index_offset = u64_at(&header, 20);
        let index_len = u64_at(&header, 28);
        let checksum = u64_at(&header, 36);
        let file_len = file.metadata().ok()?.len();
        if index_offset.checked_add(index_len)? != file_len || index_len > (1 << 32) {
            return None;
        }
        let mut bytes = vec![0; index_len as usize];
        file.read_exact_at(&mut bytes, index_offset).ok()?;
        if xxh3_64(&bytes) != checksum {
            return None;
        }
        let mut index = FxHashMap::default();
        index.reserve(count.min(1 << 24) as usize);
        let mut at = 0;
        while at < bytes.len() {
            let fixed = bytes.get(at..at + 30)?;
            let key = u128::from_le_bytes(fixed[..16].try_into().ok()?);
            let offset = u64_at(fixed, 16);
            let len = u32_at(fixed, 24);
            let path_len = u16::from_le_bytes(fixed[28..30].try_into().ok()?) as usize;
            let path = std::str::from_utf8(bytes.get(at + 30..at + 30 + path_len)?).ok()?;
            if offset.checked_add(u64::from(len))? > index_offset {
                return None;
            }
            index.insert(
                key,
                PackEntry {
                    offset,
                    len,
                    path: path.into(),
                },
            );
            at += 30 + path_len;
        }
        (index.len() as u64 == count).then_some(Pack { file, index })
    }
}

/// Little-endian integers at offsets the callers have checked to be in range.
fn u32_at(b: &[u8], at: usize) -> u32 {
    let mut a = [0; 4];
    a.copy_from_slice(&b[at..at + 4]);
    u32::from_le_bytes(a)
}

fn u64_at(b: &[u8], at: usize) -> u64 {
    let mut a = [0; 8];
    a.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(a)
}

fn encode_entry(key: Key, path: &str, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(ENTRY_HEADER + path.len() + payload.len());
    out.extend_from_slice(ENTRY_MAGIC);
    out.extend_from_slice(&FORMAT.to_le_bytes());
    out.extend_from_slice(&key.to_le_bytes());
    out.extend_from_slice(&(path.len() as u32).to_le_bytes());
    out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    out.extend_from_slice(&entry_checksum(key, path.as_bytes(), payload).to_le_bytes());
    out.extend_from_slice(path.as_bytes());
    out.extend_from_slice(payload);
    out
}

/// A digest of a list of paths and a configuration text, without building one string
/// of them (a kernel tree's file list is megabytes: the language server asks per run).
pub fn list_digest(paths: &[String], tail: &str) -> u128 {
    let mut h = Xxh3::new();
    for p in paths {
        h.update(p.as_bytes());
        h.update(&[0]);
    }
    h.update(tail.as_bytes());
    h.digest128()
}

fn entry_checksum(key: Key, path: &[u8], payload: &[u8]) -> u64 {
    let mut h = Xxh3::new();
    h.update(&key.to_le_bytes());
    h.update(path);
    h.update(payload);
    h.digest()
}

/// The (path, payload) of an intact entry stored under `key`; `None` for anything
/// truncated, corrupt, of another format or another key.
fn check_entry(bytes: &[u8], key: Key) -> Option<(&str, &[u8])> {
    let header = bytes.get(..ENTRY_HEADER)?;
    if &header[..8] != ENTRY_MAGIC || u32_at(header, 8) != FORMAT {
        return None;
    }
    if u128::from_le_bytes(header[12..28].try_into().ok()?) != key {
        return None;
    }
    let path_len = u32_at(header, 28) as usize;
    let payload_len = usize::try_from(u64_at(header, 32)).ok()?;
    let checksum = u64_at(header, 40);
    if ENTRY_HEADER
        .checked_add(path_len)?
        .checked_add(payload_len)?
        != bytes.len()
    {
        return None;
    }
    let path = &bytes[ENTRY_HEADER..ENTRY_HEADER + path_len];
    let payload = &bytes[ENTRY_HEADER + path_len..];
    if entry_checksum(key, path, payload) != checksum {
        return None;
    }
    Some((std::str::from_utf8(path).ok()?, payload))
}

fn list_shards(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(subdirs) = std::fs::read_dir(dir) else {
        return out;
    };
    for sub in subdirs.flatten() {
        if let Ok(entries) = std::fs::read_dir(sub.path()) {
            for e in entries.flatten() {
                let name = e.file_name();
                // Temp files of runs in progress (or killed) are not entries.
                if name.to_str().is_some_and(|n| !n.starts_with('.')) {
                    out.push(e.path());
                } else if is_stale_temp(&e) {
                    let _ = std::fs::remove_file(e.path());
                }
            }
        }
    }
    out.sort();
    out
}

/// A temp file left by a run that was killed (older than an hour).
fn is_stale_temp(e: &std::fs::DirEntry) -> bool {
    e.metadata()
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok())
        .is_some_and(|age| age.as_secs() > 3600)
}

/// A unique temp name beside `path` (dot-prefixed: never taken for an entry).
fn temp_name(path: &Path) -> PathBuf {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("entry");
    path.with_file_name(format!(
        ".{name}.{}.{}.tmp",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ))
}

/// A record stored under `key` in the subdirectory `sub` of the cache directory `dir`
/// (a run's outcome, build facts, a walk), if present and intact.
pub fn read_record<T: DeserializeOwned>(dir: &Path, sub: &str, key: Key) -> Option<T> {
    let bytes = std::fs::read(dir.join(sub).join(format!("{key:032x}"))).ok()?;
    postcard::from_bytes(check_entry(&bytes, key)?.1).ok()
}

/// Stores a record (checksummed, temp file + rename), keeping the newest `kept` of
/// `sub`.
pub fn write_record<T: Serialize>(
    dir: &Path,
    sub: &str,
    kept: usize,
    key: Key,
    value: &T,
) -> std::io::Result<()> {
    let payload = postcard::to_stdvec(value).map_err(std::io::Error::other)?;
    let path = dir.join(sub).join(format!("{key:032x}"));
    std::fs::create_dir_all(dir.join(sub))?;
    write_atomically(&path, &encode_entry(key, "", &payload))?;
    keep_newest(&dir.join(sub), kept);
    Ok(())
}

/// Removes all but the newest `kept` files of `dir`.
fn keep_newest(dir: &Path, kept: usize) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut records: Vec<(std::time::SystemTime, PathBuf)> = entries
        .flatten()
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .collect();
    records.sort();
    let excess = records.len().saturating_sub(kept);
    for (_, old) in records.into_iter().take(excess) {
        let _ = std::fs::remove_file(old);
    }
}

/// Removes the record stored under `key` in `sub`, if any.
pub fn remove_record(dir: &Path, sub: &str, key: Key) {
    let _ = std::fs::remove_file(dir.join(sub).join(format!("{key:032x}")));
}

/// Whether `dir` is a gfplint cache directory (it holds gfplint's `CACHEDIR.TAG`).
pub fn is_cache_dir(dir: &Path) -> bool {
    std::fs::read_to_string(dir.join("CACHEDIR.TAG"))
        .is_ok_and(|t| t.contains("created by gfplint"))
}

/// Writes `bytes` to a temp file beside `path` and renames it into place, so readers
/// see the old file or the new one, never a part.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let temp = temp_name(path);
    let result = std::fs::write(&temp, bytes).and_then(|()| std::fs::rename(&temp, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

/// `path` made absolute (against the current directory) with `.` and `..` resolved
/// lexically (symbolic links are not followed: this only names cache entries).
pub fn absolute_normal(path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .unwrap_or_else(|_| PathBuf::from("/"))
            .join(path)
    };
    normal(&joined)
}

/// `path` with `.` and `..` resolved lexically.
fn normal(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Removes the cache directory `dir`, if it is one (it holds gfplint's `CACHEDIR.TAG`):
/// `Ok(false)` when there is none.
pub fn clean(dir: &Path) -> Result<bool, String> {
    if !dir.exists() {
        return Ok(false);
    }
    let tag = std::fs::read_to_string(dir.join("CACHEDIR.TAG")).unwrap_or_default();
    if !tag.contains("created by gfplint") {
        return Err(format!(
            "{} is not a gfplint cache directory (no CACHEDIR.TAG of gfplint); not removed",
            dir.display()
        ));
    }
    std::fs::remove_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_round_trip_and_reject_damage() {
        let key = 0x1234_5678_9abc_def0_u128 << 3;
        let bytes = encode_entry(key, "drivers/a.c", b"payload");
        assert_eq!(
            check_entry(&bytes, key),
            Some(("drivers/a.c", &b"payload"[..]))
        );
        assert_eq!(check_entry(&bytes, key + 1), None, "another key");
        for cut in 0..bytes.len() {
            assert_eq!(check_entry(&bytes[..cut], key), None, "truncated at {cut}");
        }
        for i in 0..bytes.len() {
            let mut damaged = bytes.clone();
            damaged[i] ^= 0x40;
            assert_eq!(check_entry(&damaged, key), None, "flipped byte {i}");
        }
    }

    #[test]
    fn knowledge_fingerprint_follows_its_sources() {
        use crate::knowledge::{API_TOML, Knowledge, KnowledgeTables, SleepingRow};
        let base = Knowledge::builtin();
        let extra = KnowledgeTables {
            sleeping: vec![SleepingRow::Name("my_sleep".into())],
            ..Default::default()
        };
        let k = base.extended(&extra).unwrap();
        assert_ne!(k.fingerprint(), base.fingerprint());
        assert_eq!(
            base.extended(&extra).unwrap().fingerprint(),
            k.fingerprint()
        );
        // An edit of lints/api.toml (even one that changes no table) is new knowledge.
        let edited = Knowledge::from_toml(&format!("{API_TOML}\n# edited\n")).unwrap();
        assert_ne!(edited.fingerprint(), base.fingerprint());
    }

    #[test]
    fn lexical_paths() {
        assert_eq!(
            absolute_normal(Path::new("/a/./b/../c")),
            PathBuf::from("/a/c")
        );
    }
}
