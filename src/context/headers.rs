//! Constants and types of a kernel tree's own headers, for value dispatch and sizes.
//!
//! A run over `drivers/ net/` does not contain `include/`, yet the constants that
//! decide a callee's branch often live there (`RTM_DELADDR` in a uapi enum,
//! `MSG_ZEROCOPY` in `linux/socket.h`). When a constant name does not resolve in the
//! run, the `#include <…>` closure of the file (read again, breadth first, whole in
//! practice) is searched in the kernel tree around it (each header is read and scanned
//! once per run, for every thread): the top of the tree is the nearest ancestor
//! with `Kbuild` and `include/linux/`; `<x.h>` is looked up in `include/`,
//! `arch/x86/include/` (the target is x86-64), and their `uapi/` and `generated/`
//! directories. Object-like `#define`s and enumerators are read by a byte scan (no
//! preprocessing: a name given different values in the closure, say under `#ifdef`
//! branches, is unknown). Types (`struct foo`, typedefs) that the compiler's table
//! lacks are found the same way: candidates by a byte scan, then the defining header
//! parsed once with the run's declaration collector (two definers in a closure:
//! unknown). Nothing is found outside a kernel tree, and the set of files in the run
//! does not change what is found, so adding files never removes a finding.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError, RwLock};

use crate::cache::FileRecords;

use rustc_hash::FxHashMap as HashMap;

/// Headers read per file of the run (its include closure is cut there, breadth first).
/// Only a bound for a pathological tree: the largest closure of a file of the 6.1
/// `drivers/` tree is 993 headers, and every header is read once per run whichever
/// closures reach it (a cap of 64 missed `RTM_DELADDR` for `net/ipv6/`).
const MAX_HEADERS: usize = 4096;
/// Largest header read.
const MAX_HEADER_BYTES: u64 = 1 << 20;
/// Include directories under the top of the tree, in the compiler's order.
const INCLUDE_DIRS: [&str; 6] = [
    "include",
    "arch/x86/include",
    "arch/x86/include/generated",
    "include/uapi",
    "arch/x86/include/uapi",
    "arch/x86/include/generated/uapi",
];

/// A header's constants and includes.
#[derive(serde::Serialize, serde::Deserialize)]
struct Header {
    constants: Constants,
    /// (`<…>` form, path as written)
    includes: Vec<(bool, String)>,
    /// Types it may define (`struct foo`, `union foo`, typedef names): a byte scan's
    /// candidates, which the header's parse confirms (`Slot::declarations`).
    types: Vec<Box<str>>,
}

/// A header's constants, packed: the texts in one allocation, the index sorted by name
/// (the closures of a `drivers/` run reach ~8,000 headers and ~500,000 constants, all
/// kept for the run).
#[derive(serde::Serialize, serde::Deserialize)]
struct Constants {
    /// Each constant's name, then its value text, one after another.
    text: Box<str>,
    index: Box<[ConstantAt]>,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct ConstantAt {
    start: u32,
    name_len: u32,
    /// `CONFLICTING`: given different values in the header.
    value_len: u32,
}

const CONFLICTING: u32 = u32::MAX;

impl Constants {
    /// From (name, value text or `None` when given different values), in any order.
    fn new(mut constants: Vec<(String, Option<String>)>) -> Constants {
        constants.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let mut text = String::new();
        let mut index = Vec::with_capacity(constants.len());
        for (name, value) in constants {
            let start = text.len() as u32;
            text.push_str(&name);
            text.push_str(value.as_deref().unwrap_or(""));
            index.push(ConstantAt {
                start,
                name_len: name.len() as u32,
                value_len: value.map_or(CONFLICTING, |v| v.len() as u32),
            });
        }
        Constants {
            text: text.into_boxed_str(),
            index: index.into_boxed_slice(),
        }
    }

    fn name(&self, c: &ConstantAt) -> &str {
        &self.text[c.start as usize..(c.start + c.name_len) as usize]
    }

    /// `Some(None)`: defined with different values.
    fn get(&self, name: &str) -> Option<Option<&str>> {
        let i = self
            .index
            .binary_search_by(|c| self.name(c).cmp(name))
            .ok()?;
        let c = &self.index[i];
        if c.value_len == CONFLICTING {
            return Some(None);
        }
        let from = (c.start + c.name_len) as usize;
        Some(Some(&self.text[from..from + c.value_len as usize]))
    }
}

/// One header of the tree, read and scanned the first time a closure reaches it.
pub struct Slot {
    /// Its number in the run (`KernelHeaders::slots`).
    id: u32,
    path: PathBuf,
    header: OnceLock<Option<Header>>,
    /// Its structs and typedefs, parsed the first time a type it may define is looked
    /// up (boxed: few headers are parsed, and the table holds a slot per header).
    declarations: OnceLock<Option<Box<crate::facts::Decls>>>,
    /// Its constants are in `KernelHeaders::definers` (set under that lock).
    indexed: std::sync::atomic::AtomicBool,
    /// Where scans outlive the run (`KernelHeaders::with_records`).
    records: Option<Arc<FileRecords>>,
}

impl Slot {
    fn header(&self) -> Option<&Header> {
        self.header
            .get_or_init(|| {
                let records = self.records.as_deref();
                if let Some(h) = records
                    .and_then(|r| r.get(&self.path))
                    .and_then(|b| postcard::from_bytes::<Header>(&b).ok())
                {
                    return Some(h);
                }
                let header = scan_header(&crate::bounded::read(&self.path, MAX_HEADER_BYTES).ok()?);
                if let Some(r) = records
                    && let Ok(bytes) = postcard::to_stdvec(&header)
                {
                    r.put(&self.path, bytes);
                }
                Some(header)
            })
            .as_ref()
    }

    fn declarations(&self) -> Option<&crate::facts::Decls> {
        self.declarations
            .get_or_init(|| {
                // Only its types are read (`type_definition`): its defines, variables
                // and the rest would stay for the run unread.
                crate::bounded::read(&self.path, MAX_HEADER_BYTES)
                    .ok()
                    .and_then(|b| crate::parse::declarations_from_bytes(&b))
                    .map(|d| {
                        Box::new(crate::facts::Decls {
                            structs: d.structs,
                            typedefs: d.typedefs,
                            ..Default::default()
                        })
                    })
            })
            .as_deref()
    }
}

/// A type a kernel header defines: a struct or union with its members, or a typedef's
/// type as written.
#[derive(Clone, Copy)]
pub enum HeaderType<'c> {
    Record(&'c crate::facts::StructDef),
    Typedef(&'c str),
}

/// A run file's include closure: its headers (each read and scanned), by id.
pub type Closure = Arc<ClosureSet>;

/// The headers of a closure: the union of what each header the file includes reaches
/// (a constant's definers are found through `KernelHeaders::definers`, then checked
/// for membership here). The parts are shared: a closure as one sorted list of its own
/// cost 12 bytes per header per file, ~65 MB over a `drivers/` run (8,000 closures of
/// ~640 headers), where the shared parts take a twentieth of the members.
#[derive(Default)]
pub struct ClosureSet {
    parts: Box<[Arc<Reach>]>,
}

/// A set of headers by id, a bit each: ~9,400 headers of a `drivers/` run fit in
/// 1.2 KB, where their ids alone took 4 bytes each in ~6,700 sets of ~330 (and a
/// pointer to each one's slot 8 more: 26 MB in all). The slots are in
/// `KernelHeaders::slots`.
#[derive(Default)]
struct Reach {
    bits: Box<[u64]>,
}

impl Reach {
    fn new(ids: &[u32]) -> Reach {
        let words = ids.iter().max().map_or(0, |&m| m as usize / 64 + 1);
        let mut bits = vec![0u64; words];
        for &id in ids {
            bits[id as usize / 64] |= 1 << (id % 64);
        }
        Reach {
            bits: bits.into_boxed_slice(),
        }
    }

    fn contains(&self, id: u32) -> bool {
        self.bits
            .get(id as usize / 64)
            .is_some_and(|w| w & (1 << (id % 64)) != 0)
    }

    /// Its headers, by increasing id.
    fn ids(&self) -> impl Iterator<Item = u32> + '_ {
        self.bits.iter().enumerate().flat_map(|(i, &word)| {
            let mut rest = word;
            std::iter::from_fn(move || {
                (rest != 0).then(|| {
                    let bit = rest.trailing_zeros();
                    rest &= rest - 1;
                    i as u32 * 64 + bit
                })
            })
        })
    }
}

impl ClosureSet {
    pub fn is_empty(&self) -> bool {
        self.parts.iter().all(|p| p.bits.iter().all(|&w| w == 0))
    }

    fn contains(&self, id: u32) -> bool {
        self.parts.iter().any(|p| p.contains(id))
    }

    /// Its headers' ids (one listed more than once when several parts reach it).
    fn ids(&self) -> impl Iterator<Item = u32> + '_ {
        self.parts.iter().flat_map(|p| p.ids())
    }

    /// How many headers it has.
    fn len(&self) -> usize {
        let words = self.parts.iter().map(|p| p.bits.len()).max().unwrap_or(0);
        (0..words)
            .map(|i| {
                let union = self
                    .parts
                    .iter()
                    .fold(0u64, |u, p| u | p.bits.get(i).copied().unwrap_or(0));
                union.count_ones() as usize
            })
            .sum()
    }
}

/// The run's headers by id. A slot, once put, stays where it is for the run, so
/// look-ups reach it through a closure's ids without a lock and hand out references
/// into it: chunks of slots allocated as ids grow, never moved.
struct SlotTable {
    chunks: Box<[OnceLock<Chunk>]>,
}

/// `SLOTS_PER_CHUNK` slots, each set once.
type Chunk = Box<[OnceLock<Slot>]>;

const SLOTS_PER_CHUNK: usize = 1024;
/// At most `MAX_CHUNKS * SLOTS_PER_CHUNK` headers in a run (about a million: a whole
/// kernel tree has ~25,000 `.h` files); an include past that is not followed (unknown).
const MAX_CHUNKS: usize = 1024;

impl Default for SlotTable {
    fn default() -> Self {
        SlotTable {
            chunks: (0..MAX_CHUNKS).map(|_| OnceLock::new()).collect(),
        }
    }
}

impl SlotTable {
    fn get(&self, id: u32) -> Option<&Slot> {
        let chunk = self.chunks.get(id as usize / SLOTS_PER_CHUNK)?.get()?;
        chunk[id as usize % SLOTS_PER_CHUNK].get()
    }

    /// Puts `slot` at its id; false when the table is full.
    fn put(&self, slot: Slot) -> bool {
        let id = slot.id as usize;
        let Some(chunk) = self.chunks.get(id / SLOTS_PER_CHUNK) else {
            return false;
        };
        let chunk = chunk.get_or_init(|| (0..SLOTS_PER_CHUNK).map(|_| OnceLock::new()).collect());
        chunk[id % SLOTS_PER_CHUNK].set(slot).is_ok()
    }
}

/// The kernel tree's headers, shared by every thread of a run: each header is read and
/// scanned once, each run file's closure walked once. Locks are held for map look-ups
/// only; reading, scanning and resolving includes happen outside them.
#[derive(Default)]
pub struct KernelHeaders {
    graph: Mutex<Graph>,
    /// Every header met, by id (`Graph::ids`).
    slots: SlotTable,
    closures: RwLock<HashMap<u32, Closure>>,
    /// Which headers define (or give conflicting values to) a constant, by a hash of
    /// its name: a look-up asks the few definers, not every header of a closure (a
    /// closure holds up to ~1,000 headers; profiling a whole-tree run put a fifth of
    /// the whole-program stage in walking them). A collision only adds a candidate,
    /// which the name check in the header itself rejects. Every header of a closure is
    /// in it before the closure is handed out.
    definers: RwLock<Definers>,
}

/// Header ids by a hash of the names they define, in the order they were indexed: the
/// first in a map of its own (half a million names on a `drivers/` run, nearly all
/// defined by one header), the others beside it. A 32-bit hash halves the first map
/// (8 MB on that run) and adds a few candidates by collisions.
#[derive(Default)]
struct Definers {
    first: HashMap<u32, u32>,
    more: HashMap<u32, Vec<u32>>,
}

impl Definers {
    fn push(&mut self, hash: u32, id: u32) {
        match self.first.entry(hash) {
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(id);
            }
            std::collections::hash_map::Entry::Occupied(e) => {
                let more = self.more.entry(hash).or_default();
                if more.last().unwrap_or(e.get()) != &id {
                    more.push(id);
                }
            }
        }
    }

    fn of(&self, hash: u32) -> Option<impl Iterator<Item = u32> + '_> {
        let first = *self.first.get(&hash)?;
        let more = self.more.get(&hash).map(Vec::as_slice).unwrap_or(&[]);
        Some(std::iter::once(first).chain(more.iter().copied()))
    }
}

fn name_hash(name: &str) -> u32 {
    use std::hash::BuildHasher;
    let hash = rustc_hash::FxBuildHasher.hash_one(name);
    // Both halves: the low bits alone of this hash spread short names poorly.
    (hash ^ (hash >> 32)) as u32
}

#[derive(Default)]
struct Graph {
    /// Top of the kernel tree for a directory (`None`: not in one).
    tops: HashMap<PathBuf, Option<PathBuf>>,
    ids: HashMap<PathBuf, u32>,
    /// Where an include leads: (top of the tree, directory of the including file for
    /// the `"…"` form, as written) → header id.
    resolved: HashMap<(PathBuf, Option<PathBuf>, String), Option<u32>>,
    /// Each header's includes, resolved (the closure walk repeats for every file).
    edges: HashMap<u32, Arc<[u32]>>,
    /// What each header reaches (`KernelHeaders::reach`).
    reach: HashMap<u32, Arc<Reach>>,
    /// See `KernelHeaders::with_records`.
    records: Option<Arc<FileRecords>>,
}

impl KernelHeaders {
    /// Headers whose scans are kept in the facts cache between runs: a header whose
    /// `stat` is the one its scan was recorded with is not read and scanned again
    /// (a pre-commit run on a whole kernel tree reads about 2,000).
    pub fn with_records(records: FileRecords) -> KernelHeaders {
        let headers = KernelHeaders::default();
        headers.graph().records = Some(Arc::new(records));
        headers
    }

    /// The headers read so far (for their constants or their types).
    pub fn read_paths(&self) -> Vec<PathBuf> {
        let count = self.graph().ids.len() as u32;
        (0..count)
            .filter_map(|id| self.slots.get(id))
            .filter(|s| s.header.get().is_some() || s.declarations.get().is_some())
            .map(|s| s.path.clone())
            .collect()
    }

    /// Writes the scans this run made to the cache (see [`FileRecords::save`]).
    pub fn save_records(&self) {
        if let Some(r) = self.graph().records.clone() {
            r.save();
        }
    }

    /// The maps only ever gain entries, so a thread that panicked holding the lock left
    /// them usable.
    fn graph(&self) -> MutexGuard<'_, Graph> {
        self.graph.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The include closure of run file `file` at `path`, whose `#include` lines are
    /// `includes` ([`include_lines`]), computed once.
    pub fn closure(&self, file: u32, path: &str, includes: &str) -> Closure {
        if let Some(c) = self
            .closures
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&file)
        {
            return c.clone();
        }
        let c = self.compute_closure(Path::new(path), includes);
        self.index(&c);
        // Another thread may have walked it meanwhile: the same headers.
        self.closures
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(file)
            .or_insert(c)
            .clone()
    }

    /// Puts the constants of `closure`'s headers that are not yet in `definers` there.
    fn index(&self, closure: &ClosureSet) {
        use std::sync::atomic::Ordering;
        let slots = || closure.ids().filter_map(|id| self.slots.get(id));
        if slots().all(|s| s.indexed.load(Ordering::Acquire)) {
            return;
        }
        let mut definers = self
            .definers
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        for slot in slots() {
            if slot.indexed.load(Ordering::Acquire) {
                continue;
            }
            if let Some(h) = slot.header() {
                let names = h.constants.index.iter().map(|c| h.constants.name(c));
                for name in names.chain(h.types.iter().map(|t| &**t)) {
                    definers.push(name_hash(name), slot.id);
                }
            }
            slot.indexed.store(true, Ordering::Release);
        }
    }

    /// The value text of constant `name` in the headers of `closure`, when every
    /// header that defines it agrees.
    pub fn lookup<'h>(&'h self, closure: &ClosureSet, name: &str) -> Option<&'h str> {
        let definers = self.definers.read().unwrap_or_else(PoisonError::into_inner);
        let mut agreed: Option<&str> = None;
        for id in definers.of(name_hash(name))? {
            if !closure.contains(id) {
                continue;
            }
            let Some(header) = self.slots.get(id).and_then(Slot::header) else {
                continue;
            };
            match header.constants.get(name) {
                None => {}
                Some(None) => return None,
                Some(Some(v)) => match agreed {
                    Some(f) if f != v => return None,
                    _ => agreed = Some(v),
                },
            }
        }
        agreed
    }

    /// The definition of type `name` (`struct foo`, `union foo`, a typedef name) in the
    /// headers of `closure`: a struct or union with its members, else a typedef; unknown
    /// when two headers of the closure define it (architecture or configuration
    /// variants the closure cannot tell apart).
    pub fn type_definition<'h>(
        &'h self,
        closure: &ClosureSet,
        name: &str,
    ) -> Option<HeaderType<'h>> {
        let candidates: Vec<u32> = self
            .definers
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .of(name_hash(name))?
            .collect();
        let mut found: Option<HeaderType<'h>> = None;
        for id in candidates {
            let Some(slot) = self.slots.get(id).filter(|_| closure.contains(id)) else {
                continue;
            };
            if !slot
                .header()
                .is_some_and(|h| h.types.iter().any(|t| &**t == name))
            {
                continue;
            }
            let Some(decls) = slot.declarations() else {
                continue;
            };
            let record = decls
                .structs
                .iter()
                .find(|s| s.name == name && s.fields.is_some())
                .map(HeaderType::Record);
            let typedef = || {
                decls
                    .typedefs
                    .iter()
                    .find(|(n, _)| n == name)
                    .map(|(_, t)| HeaderType::Typedef(t))
            };
            if let Some(t) = record.or_else(typedef) {
                if found.is_some() {
                    return None;
                }
                found = Some(t);
            }
        }
        found
    }

    fn compute_closure(&self, path: &Path, includes: &str) -> Closure {
        let Some(dir) = path.parent() else {
            return Closure::default();
        };
        let Some(top) = self.top_of(dir) else {
            return Closure::default();
        };
        let first: Vec<u32> = parse_include_lines(includes)
            .filter_map(|(angle, inc)| self.resolve_id(&top, dir, angle, inc.to_string()))
            .collect();
        // The union of what each included header reaches (each computed once per run,
        // where walking every file's closure anew cost more than the rest of the
        // whole-program stage's header work); breadth first from the file only when the
        // union is over the bound, so that the bound cuts the same headers as always.
        let mut roots = first.clone();
        roots.sort_unstable();
        roots.dedup();
        let parts: Vec<Arc<Reach>> = roots.iter().map(|&id| self.reach(&top, id)).collect();
        let closure = ClosureSet {
            parts: parts.into_boxed_slice(),
        };
        if closure.len() > MAX_HEADERS {
            let members = self.breadth_first(&top, first);
            return Arc::new(ClosureSet {
                parts: Box::new([Arc::new(Reach::new(&members))]),
            });
        }
        Arc::new(closure)
    }

    /// Every header that header `id` reaches through its includes, itself first
    /// (computed once per run: a header's includes resolve the same way from every file
    /// of the tree).
    fn reach(&self, top: &Path, id: u32) -> Arc<Reach> {
        if let Some(r) = self.graph().reach.get(&id) {
            return r.clone();
        }
        let r = Arc::new(Reach::new(&self.breadth_first(top, vec![id])));
        self.graph().reach.entry(id).or_insert(r).clone()
    }

    /// The headers reached from `first`, breadth first, up to `MAX_HEADERS`.
    fn breadth_first(&self, top: &Path, first: Vec<u32>) -> Vec<u32> {
        let mut out: Vec<u32> = Vec::new();
        let mut seen: rustc_hash::FxHashSet<u32> = Default::default();
        let mut queue: std::collections::VecDeque<u32> = first.into_iter().collect();
        while let Some(id) = queue.pop_front() {
            if out.len() >= MAX_HEADERS {
                break;
            }
            if !seen.insert(id) {
                continue;
            }
            out.push(id);
            for &next in self.edges_of(top, id).iter() {
                if !seen.contains(&next) {
                    queue.push_back(next);
                }
            }
        }
        out
    }

    /// The headers header `id` includes, resolved (once).
    fn edges_of(&self, top: &Path, id: u32) -> Arc<[u32]> {
        if let Some(e) = self.graph().edges.get(&id) {
            return e.clone();
        }
        let Some(slot) = self.slots.get(id) else {
            return Arc::new([]);
        };
        let dir = slot.path.parent().unwrap_or(Path::new(""));
        let includes = slot.header().map_or(&[][..], |h| &h.includes[..]);
        let e: Arc<[u32]> = includes
            .iter()
            .filter_map(|(angle, inc)| self.resolve_id(top, dir, *angle, inc.clone()))
            .collect();
        self.graph().edges.entry(id).or_insert(e).clone()
    }

    fn resolve_id(&self, top: &Path, from: &Path, angle: bool, inc: String) -> Option<u32> {
        let key = (top.to_path_buf(), (!angle).then(|| from.to_path_buf()), inc);
        if let Some(r) = self.graph().resolved.get(&key) {
            return *r;
        }
        let path = resolve(top, from, angle, &key.2);
        let mut graph = self.graph();
        let r = path.and_then(|p| graph.id(p, &self.slots));
        *graph.resolved.entry(key).or_insert(r)
    }

    /// Whether `#include <inc>` in the file at `path` names a header of its kernel
    /// tree's include directories (which come before a driver's own `-I` ones).
    pub fn is_kernel_header(&self, path: &Path, inc: &str) -> bool {
        let Some(dir) = path.parent() else {
            return false;
        };
        self.top_of(dir)
            .is_some_and(|top| self.resolve_id(&top, dir, true, inc.to_string()).is_some())
    }

    fn top_of(&self, dir: &Path) -> Option<PathBuf> {
        if let Some(t) = self.graph().tops.get(dir) {
            return t.clone();
        }
        let abs = std::path::absolute(dir).ok();
        let top = abs.as_deref().and_then(|d| {
            d.ancestors()
                .find(|a| a.join("Kbuild").is_file() && a.join("include/linux").is_dir())
                .map(Path::to_path_buf)
        });
        self.graph().tops.insert(dir.to_path_buf(), top.clone());
        top
    }
}

impl Graph {
    /// The id of the header at `path` (not read yet), its slot put in `slots`; `None`
    /// when the table is full.
    fn id(&mut self, path: PathBuf, slots: &SlotTable) -> Option<u32> {
        if let Some(&id) = self.ids.get(&path) {
            return Some(id);
        }
        let id = self.ids.len() as u32;
        let slot = Slot {
            id,
            path: path.clone(),
            header: OnceLock::new(),
            declarations: OnceLock::new(),
            indexed: Default::default(),
            records: self.records.clone(),
        };
        if !slots.put(slot) {
            return None;
        }
        self.ids.insert(path, id);
        Some(id)
    }
}

/// Where `#include <inc>` (or `"inc"`, first next to the including file) is.
fn resolve(top: &Path, from: &Path, angle: bool, inc: &str) -> Option<PathBuf> {
    if inc.contains("..") && angle {
        return None;
    }
    if !angle {
        let p = from.join(inc);
        if p.is_file() {
            return Some(p);
        }
    }
    INCLUDE_DIRS
        .iter()
        .map(|d| top.join(d).join(inc))
        .find(|p| p.is_file())
}

/// A file's `#include` targets for its facts, one per line: `<` (the `<…>` form) or
/// `"`, then the path as written. The include closure starts from these, so it needs
/// no second read of the file.
pub fn include_lines(bytes: &[u8]) -> Box<str> {
    let mut out = String::new();
    for (angle, path) in includes_of(bytes) {
        if path.contains('\n') {
            continue;
        }
        out.push(if angle { '<' } else { '"' });
        out.push_str(&path);
        out.push('\n');
    }
    out.into_boxed_str()
}

fn parse_include_lines(lines: &str) -> impl Iterator<Item = (bool, &str)> {
    lines.lines().filter_map(|l| {
        let angle = l.starts_with('<');
        let path = l.strip_prefix('<').or_else(|| l.strip_prefix('"'))?;
        Some((angle, path))
    })
}

/// `#include <…>` and `#include "…"` lines of a file.
fn includes_of(bytes: &[u8]) -> Vec<(bool, String)> {
    let mut out = Vec::new();
    for line in bytes.split(|&b| b == b'\n') {
        let l = line.trim_ascii_start();
        let Some(rest) = l.strip_prefix(b"#") else {
            continue;
        };
        let Some(rest) = rest.trim_ascii_start().strip_prefix(b"include") else {
            continue;
        };
        let rest = rest.trim_ascii_start();
        let (angle, close) = match rest.first() {
            Some(b'<') => (true, b'>'),
            Some(b'"') => (false, b'"'),
            _ => continue,
        };
        let inner = &rest[1..];
        if let Some(end) = inner.iter().position(|&b| b == close)
            && let Ok(path) = std::str::from_utf8(&inner[..end])
        {
            out.push((angle, path.trim().to_string()));
        }
    }
    out
}

fn scan_header(bytes: &[u8]) -> Header {
    let mut constants: HashMap<String, Option<String>> = HashMap::default();
    let mut add = |name: String, value: String| {
        constants
            .entry(name)
            .and_modify(|old| {
                if old.as_deref() != Some(value.as_str()) {
                    *old = None;
                }
            })
            .or_insert(Some(value));
    };
    for (name, value) in crate::parse::decls::scan_defines(&without_configured_defines(bytes)) {
        // `#define RTM_NEWADDR RTM_NEWADDR` (uapi enumerators announce themselves).
        if name != value.trim() {
            add(name, value);
        }
    }
    for block in enum_blocks(bytes) {
        for (name, value) in enumerators(&code_only(block)) {
            add(name, value);
        }
    }
    Header {
        constants: Constants::new(constants.into_iter().collect()),
        includes: includes_of(bytes),
        types: type_names(bytes),
    }
}

/// The header with its `#define` lines blanked where an enclosing `#if`/`#ifdef`/
/// `#ifndef` (or a branch of its chain) tests a `CONFIG_` symbol: those values hold
/// for some configurations only (`#ifndef CONFIG_NR_CPUS` / `#define CONFIG_NR_CPUS
/// 1` is a fallback the configuration overrides; `nr_cpu_ids` is a constant only
/// when `NR_CPUS == 1`), so they are unknown rather than read as always true.
fn without_configured_defines(bytes: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    if memchr::memmem::find(bytes, b"CONFIG_").is_none() {
        return std::borrow::Cow::Borrowed(bytes);
    }
    let mut out = bytes.to_vec();
    // Per open conditional: whether its chain so far tests a `CONFIG_` symbol.
    let mut stack: Vec<bool> = Vec::new();
    let mut start = 0;
    while start < bytes.len() {
        // One logical line (continuations joined).
        let mut end = start;
        while end < bytes.len() && !(bytes[end] == b'\n' && (end == 0 || bytes[end - 1] != b'\\')) {
            end += 1;
        }
        let line = bytes[start..end].trim_ascii_start();
        if let Some(rest) = line.strip_prefix(b"#") {
            let rest = rest.trim_ascii_start();
            let configured = memchr::memmem::find(rest, b"CONFIG_").is_some();
            let word_end = rest.iter().take_while(|b| b.is_ascii_alphabetic()).count();
            match &rest[..word_end] {
                b"if" | b"ifdef" | b"ifndef" => stack.push(configured),
                b"elif" | b"elifdef" | b"elifndef" => {
                    if let Some(top) = stack.last_mut() {
                        *top |= configured;
                    }
                }
                b"endif" => {
                    stack.pop();
                }
                b"define" if stack.iter().any(|&c| c) => {
                    for b in &mut out[start..end] {
                        if *b != b'\n' {
                            *b = b' ';
                        }
                    }
                }
                _ => {}
            }
        }
        start = end + 1;
    }
    std::borrow::Cow::Owned(out)
}

/// Names of the types a header may define, found on its raw bytes: `struct foo {`,
/// `union foo {`, and the last word of a one-line `typedef … name;` or of a `} name;`
/// closing a typedef'd body. Over-inclusive on purpose (a name in a comment, a
/// variable after a struct body): only candidates for the parse to confirm.
fn type_names(bytes: &[u8]) -> Vec<Box<str>> {
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let ident = |from: usize| {
        let len = bytes[from..].iter().take_while(|&&b| word(b)).count();
        std::str::from_utf8(&bytes[from..from + len])
            .ok()
            .filter(|s| !s.is_empty())
    };
    let skip_space = |mut i: usize| {
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        i
    };
    let mut out: Vec<Box<str>> = Vec::new();
    for kw in ["struct", "union"] {
        let finder = memchr::memmem::Finder::new(kw.as_bytes());
        for at in finder.find_iter(bytes) {
            let after = at + kw.len();
            if at > 0 && word(bytes[at - 1]) || bytes.get(after).is_none_or(|&b| word(b)) {
                continue;
            }
            let name_at = skip_space(after);
            let Some(name) = ident(name_at) else {
                continue;
            };
            if bytes.get(skip_space(name_at + name.len())) == Some(&b'{') {
                out.push(format!("{kw} {name}").into_boxed_str());
            }
        }
    }
    for line in bytes.split(|&b| b == b'\n') {
        let line = line.trim_ascii();
        // `typedef int (*name_fn)(…`: a function pointer type.
        if line.starts_with(b"typedef")
            && let Some(at) = memchr::memmem::find(line, b"(*")
        {
            let rest = line[at + 2..].trim_ascii_start();
            let len = rest.iter().take_while(|&&b| word(b)).count();
            if len > 0
                && let Ok(name) = std::str::from_utf8(&rest[..len])
            {
                out.push(name.into());
            }
            continue;
        }
        let typedef_line = line.starts_with(b"typedef") || line.starts_with(b"}");
        if !typedef_line || !line.ends_with(b";") || line.contains(&b'(') {
            continue;
        }
        let body = line[..line.len() - 1].trim_ascii_end();
        let body = match body.iter().rposition(|&b| b == b'[') {
            Some(at) if body.ends_with(b"]") => body[..at].trim_ascii_end(),
            _ => body,
        };
        let len = body.iter().rev().take_while(|&&b| word(b)).count();
        if let Ok(name) = std::str::from_utf8(&body[body.len() - len..])
            && !name.is_empty()
            && !name.as_bytes()[0].is_ascii_digit()
        {
            out.push(name.into());
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// The `enum [tag] { … }` texts of a header (from `enum` to the closing brace), found
/// on the raw bytes so that only these are cleaned of comments.
fn enum_blocks(bytes: &[u8]) -> Vec<&[u8]> {
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut out = Vec::new();
    let mut from = 0;
    let finder = memchr::memmem::Finder::new(b"enum");
    while let Some(at) = finder.find(&bytes[from..]) {
        let start = from + at;
        from = start + 4;
        if start > 0 && word(bytes[start - 1]) || bytes.get(start + 4).is_some_and(|&b| word(b)) {
            continue;
        }
        let mut i = start + 4;
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || word(bytes[i])) {
            i += 1;
        }
        if bytes.get(i) != Some(&b'{') {
            continue;
        }
        let mut depth = 0i32;
        let end = bytes[i..].iter().position(|&b| {
            match b {
                b'{' => depth += 1,
                b'}' => depth -= 1,
                _ => {}
            }
            depth == 0
        });
        let Some(end) = end else {
            break;
        };
        out.push(&bytes[start..=i + end]);
        from = i + end;
    }
    out
}

/// The text without comments and preprocessor lines.
fn code_only(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let mut out = String::with_capacity(text.len());
    let b = text.as_bytes();
    let mut i = 0;
    let mut line_start = true;
    while i < b.len() {
        if b[i..].starts_with(b"/*") {
            match text[i + 2..].find("*/") {
                Some(e) => i += e + 4,
                None => break,
            }
            out.push(' ');
            continue;
        }
        if b[i..].starts_with(b"//") || (line_start && b[i] == b'#') {
            // To the end of the line, with its continuations.
            while i < b.len() && !(b[i] == b'\n' && (i == 0 || b[i - 1] != b'\\')) {
                i += 1;
            }
            continue;
        }
        let c = b[i];
        if c == b'\n' {
            line_start = true;
        } else if !c.is_ascii_whitespace() {
            line_start = false;
        }
        // Copy one whole character (the text may hold non-ASCII in strings).
        let ch_len = text[i..].chars().next().map_or(1, char::len_utf8);
        out.push_str(&text[i..i + ch_len]);
        i += ch_len;
    }
    out
}

/// The enumerators of every `enum … { … }` of code text: an explicit value as
/// written, an implicit one as the last explicit value plus its distance.
fn enumerators(code: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let b = code.as_bytes();
    let mut from = 0;
    while let Some(at) = code[from..].find("enum") {
        let start = from + at;
        from = start + 4;
        let word_before =
            start > 0 && (b[start - 1].is_ascii_alphanumeric() || b[start - 1] == b'_');
        let word_after = b
            .get(start + 4)
            .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_');
        if word_before || word_after {
            continue;
        }
        // `enum [tag] {`
        let rest = code[from..].trim_start();
        let rest = rest.trim_start_matches(|c: char| c.is_ascii_alphanumeric() || c == '_');
        let rest = rest.trim_start();
        if !rest.starts_with('{') {
            continue;
        }
        let open = code.len() - rest.len();
        let mut depth = 0i32;
        let mut close = None;
        for (k, &c) in b[open..].iter().enumerate() {
            match c {
                b'{' | b'(' => depth += 1,
                b'}' | b')' => {
                    depth -= 1;
                    if depth == 0 {
                        close = Some(open + k);
                        break;
                    }
                }
                _ => {}
            }
        }
        let Some(close) = close else {
            break;
        };
        let (mut base, mut offset) = ("0".to_string(), 0u32);
        for item in split_top(&code[open + 1..close]) {
            let (name, value) = match item.split_once('=') {
                Some((n, v)) => (n.trim(), Some(v.trim())),
                None => (item.trim(), None),
            };
            if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                // Something this scan does not read (attributes, macros): stop here,
                // later implicit values would be wrong.
                break;
            }
            if let Some(v) = value {
                base = v.to_string();
                offset = 0;
            }
            let v = if offset == 0 {
                base.clone()
            } else {
                format!("({base}) + {offset}")
            };
            out.push((name.to_string(), v));
            offset += 1;
        }
        from = close;
    }
    out
}

/// Top-level comma-separated items.
fn split_top(body: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (0i32, 0);
    for (i, c) in body.bytes().enumerate() {
        match c {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth -= 1,
            b',' if depth == 0 => {
                out.push(&body[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    if !body[start..].trim().is_empty() {
        out.push(&body[start..]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enumerators_and_defines() {
        let h = scan_header(
            b"/* c */\nenum {\n\tRTM_BASE = 16,\n#define RTM_BASE RTM_BASE\n\tRTM_NEWLINK = 16,\n\
              \tRTM_DELLINK, // x\n\tRTM_GETLINK,\n};\n#define MSG_X 0x40\n#define F(x) x\n",
        );
        let get = |n: &str| h.constants.get(n).flatten().map(str::to_string);
        assert_eq!(get("RTM_BASE").as_deref(), Some("16"));
        assert_eq!(get("RTM_DELLINK").as_deref(), Some("(16) + 1"));
        assert_eq!(get("RTM_GETLINK").as_deref(), Some("(16) + 2"));
        assert_eq!(get("MSG_X").as_deref(), Some("0x40"));
        assert_eq!(
            includes_of(b"#include <linux/a.h>\n# include \"b.h\"\n").len(),
            2
        );
    }

    #[test]
    fn configured_defines_are_unknown() {
        let h = scan_header(
            b"#ifndef _H\n#define _H\n#define ALWAYS 4\n#ifndef CONFIG_NR_CPUS\n\
              #define CONFIG_NR_CPUS 1\n#endif\n#if NR_CPUS == 1 || defined(CONFIG_F)\n\
              #define nr_ids 1U\n#else\n#define OTHER 2\n#endif\n#define AFTER 8\n#endif\n",
        );
        let get = |n: &str| h.constants.get(n).flatten().map(str::to_string);
        assert_eq!(get("ALWAYS").as_deref(), Some("4"));
        assert_eq!(get("AFTER").as_deref(), Some("8"));
        assert_eq!(get("CONFIG_NR_CPUS"), None);
        assert_eq!(get("nr_ids"), None);
        assert_eq!(get("OTHER"), None);
        assert_eq!(get("_H"), None);
    }

    #[test]
    fn type_name_candidates() {
        let names = type_names(
            b"struct a {\n\tint x;\n};\nstruct b;\nunion  c\n{\n};\ntypedef struct a a_t;\n\
              typedef struct {\n\tint y;\n} d_t;\ntypedef u8 arr_t[4];\nstatic struct a inst = {\n\
              typedef void (*fn_t)(int);\nstruct_group(e, {\n",
        );
        let names: Vec<&str> = names.iter().map(|n| &**n).collect();
        assert_eq!(
            names,
            ["a_t", "arr_t", "d_t", "fn_t", "struct a", "union c"]
        );
    }
}
