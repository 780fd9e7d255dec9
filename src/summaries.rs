//! Kernel API summaries: what each function with external linkage of a kernel tree does
//! (may sleep, under which parameter tests, through which chain; which `gfp_t`
//! parameters reach an allocator; locks taken or released through a parameter; frees
//! of a parameter; the family of the memory it returns, for allocator wrappers),
//! derived by the engine itself over the whole tree (`gfplint
//! summarize`). A run over a driver then knows the kernel's own APIs beyond
//! `lints/api.toml`: a callee that is not defined in the run but is summarised sleeps
//! under its summary's conditions, with the chain inside the kernel as evidence.
//! Facts only (names, parameter tests, file:line in that tree), no kernel code.
//!
//! File: `MAGIC` | format version (u32 LE) | xxh3-64 of the payload (u64 LE) | payload,
//! the payload being raw deflate (miniz_oxide) of the postcard encoding of
//! [`SummaryFile`]. Anything else is refused with a clear error.
//!
//! In the pipeline (stage *summaries*, `src/summaries.rs`): `gfplint summarize TREE`:
//! the stages above over a whole kernel tree (`Options::analysis_only`), then per
//! externally visible function its may-sleep clauses with the shortest chain of
//! unconditional calls (`Call::conditional`), gfp sinks, lock effects and frees, and
//! allocator wrappers (`returns`; parameter names and `return`s read again from each
//! candidate's text, `parse::shape`), written versioned + checksummed (postcard,
//! deflate). At check time the wrappers join the knowledge before extraction
//! (`Knowledge::with_summarised_wrappers`). Built-in 6.1/6.12 files picked
//! by the target with `--summaries builtin` (off by default); `interproc::sleep_sites`
//! makes a call to a summarised callee the run does not define and `api.toml` does not
//! name a sleep site (`SleepSite::when`: its lifted parameter tests; `note`: the kernel
//! chain)

use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::sync::{Arc, OnceLock};

use rustc_hash::FxHashMap as HashMap;
use serde::{Deserialize, Serialize};

use crate::context::interproc::{self, Analysis, SleepKind};
use crate::context::sleep::{FlagSource, OwnSleep};
use crate::program::{FunctionId, Program};
use crate::values::Test;

pub const MAGIC: &[u8; 8] = b"GFPLSUM\0";
/// Bumped whenever [`SummaryFile`]'s encoding changes.
pub const FORMAT_VERSION: u32 = 3;
/// Largest payload accepted once inflated (a whole tree's summaries are a few MB).
const MAX_INFLATED: usize = 256 << 20;
/// Largest summary file read.
const MAX_FILE: u64 = 64 << 20;
/// Longest chain kept: a function that sleeps only through a longer chain is not
/// summarised as sleeping (every link is a chance for a wrong resolution).
pub const MAX_CHAIN: usize = 8;

/// What `gfplint summarize` writes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SummaryFile {
    /// Which tree these summaries describe ("linux-source-6.1").
    pub tree: String,
    /// Sorted by name.
    pub functions: Vec<ApiSummary>,
}

/// One function's facts.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ApiSummary {
    pub name: String,
    /// Where it is defined, relative to the tree's top.
    pub file: String,
    pub line: u32,
    /// Parameter count (`u32::MAX`: variadic); a call with another count is not it.
    pub arity: u32,
    /// May sleep when, for some clause, every parameter test of it comes out as
    /// recorded (an empty clause: always). Empty: not known to sleep.
    pub sleeps: Vec<Vec<Test>>,
    /// The calls from this function to the primitive that sleeps, in order (the last
    /// one is the primitive: `wait_event`, `mutex_lock`, `kmalloc`).
    pub chain: Vec<Link>,
    /// Why the primitive sleeps.
    pub reason: String,
    /// `gfp_t` parameters (by index) that reach an allocator.
    pub gfp_params: Vec<u32>,
    /// Sections taken or released through a parameter.
    pub locks: Vec<LockFact>,
    /// Parameters freed, with the families of the free.
    pub frees: Vec<FreeFact>,
    /// Section kinds it releases and takes again (or releases) not through a
    /// parameter: `cond_resched_rcu()` leaves the RCU read-side section to sleep, so a
    /// caller inside only such sections is not atomic when it sleeps there.
    pub drops: Vec<String>,
    /// The family of the memory it returns, when every `return` gives an allocation of
    /// that family (or `NULL`, an error pointer): an allocator wrapper.
    pub returns: Option<String>,
}

/// A call on a chain: `callee` called at `file:line`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    pub callee: String,
    pub file: String,
    pub line: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockFact {
    /// Returns holding it (true) or releases one it did not take (false).
    pub acquires: bool,
    /// The section kind (`spinlock`, `mutex`).
    pub kind: String,
    pub param: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FreeFact {
    pub param: u32,
    pub families: Vec<String>,
}

impl ApiSummary {
    /// "free_irq → __free_irq → synchronize_irq → wait_event".
    pub fn chain_names(&self) -> String {
        std::iter::once(self.name.as_str())
            .chain(self.chain.iter().map(|l| l.callee.as_str()))
            .collect::<Vec<_>>()
            .join(" → ")
    }

    /// The primitive's place, `kernel/irq/manage.c:140`.
    pub fn primitive_place(&self) -> String {
        self.chain
            .last()
            .map(|l| format!("{}:{}", l.file, l.line))
            .unwrap_or_else(|| format!("{}:{}", self.file, self.line))
    }
}

/// Summaries loaded for a run, by function name.
#[derive(Debug)]
pub struct Summaries {
    pub tree: String,
    /// The payload's checksum: identifies the summaries (run cache keys).
    pub checksum: u64,
    by_name: HashMap<String, ApiSummary>,
}

impl Summaries {
    pub fn get(&self, name: &str) -> Option<&ApiSummary> {
        self.by_name.get(name)
    }

    pub fn len(&self) -> usize {
        self.by_name.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_name.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &ApiSummary> {
        self.by_name.values()
    }

    pub fn from_file(file: SummaryFile) -> Summaries {
        let checksum = xxhash_rust::xxh3::xxh3_64(&postcard::to_stdvec(&file).unwrap_or_default());
        Summaries {
            tree: file.tree,
            checksum,
            by_name: file
                .functions
                .into_iter()
                .map(|s| (s.name.clone(), s))
                .collect(),
        }
    }

    /// Decodes a summary file's bytes; `what` names it in errors.
    pub fn decode(bytes: &[u8], what: &str) -> Result<Summaries, String> {
        let header = MAGIC.len() + 4 + 8;
        if bytes.len() < header || &bytes[..MAGIC.len()] != MAGIC {
            return Err(format!(
                "{what}: not a gfplint summary file (write one with `gfplint summarize`)"
            ));
        }
        let mut word = [0u8; 4];
        word.copy_from_slice(&bytes[8..12]);
        let version = u32::from_le_bytes(word);
        if version != FORMAT_VERSION {
            return Err(format!(
                "{what}: summary format {version}, this gfplint reads format {FORMAT_VERSION} (regenerate it with `gfplint summarize`)"
            ));
        }
        let mut sum = [0u8; 8];
        sum.copy_from_slice(&bytes[12..20]);
        let payload = &bytes[header..];
        let checksum = u64::from_le_bytes(sum);
        if xxhash_rust::xxh3::xxh3_64(payload) != checksum {
            return Err(format!("{what}: damaged summary file (checksum mismatch)"));
        }
        let raw = miniz_oxide::inflate::decompress_to_vec_with_limit(payload, MAX_INFLATED)
            .map_err(|e| format!("{what}: damaged summary file (cannot inflate: {e:?})"))?;
        let file: SummaryFile = postcard::from_bytes(&raw)
            .map_err(|e| format!("{what}: damaged summary file (cannot decode: {e})"))?;
        let mut s = Summaries::from_file(file);
        s.checksum = checksum;
        Ok(s)
    }

    /// Reads a summary file (`--summaries FILE`).
    pub fn read(path: &Path) -> Result<Summaries, String> {
        let shown = path.display().to_string();
        let meta = std::fs::metadata(path).map_err(|e| format!("{shown}: {e}"))?;
        if !meta.is_file() {
            return Err(format!("{shown}: not a regular file"));
        }
        if meta.len() > MAX_FILE {
            return Err(format!(
                "{shown}: {} bytes, larger than any summary file ({MAX_FILE})",
                meta.len()
            ));
        }
        let bytes = std::fs::read(path).map_err(|e| format!("{shown}: {e}"))?;
        Summaries::decode(&bytes, &shown)
    }

    /// The summaries shipped in the binary for a kernel version, if any.
    pub fn builtin(version: (u32, u32)) -> Option<Arc<Summaries>> {
        static S61: OnceLock<Option<Arc<Summaries>>> = OnceLock::new();
        static S612: OnceLock<Option<Arc<Summaries>>> = OnceLock::new();
        let (cell, bytes, name): (_, &[u8], _) = match version {
            (6, 1) => (&S61, BUILTIN_6_1, "built-in summaries 6.1"),
            (6, 12) => (&S612, BUILTIN_6_12, "built-in summaries 6.12"),
            _ => return None,
        };
        cell.get_or_init(|| Summaries::decode(bytes, name).ok().map(Arc::new))
            .clone()
    }
}

/// Which summaries a run uses (`[target] summaries`, `--summaries`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Choice {
    /// The built-in summaries of the target's kernel version (none for other versions).
    Builtin,
    /// No summaries: the default until reviewed findings through them are as
    /// precise as the rest (README, "Kernel API summaries": on `drivers/` 39 of 43 real,
    /// with `fs/`, `net/` and `sound/` 44 of 56).
    #[default]
    None,
    File(std::path::PathBuf),
}

impl Choice {
    /// `builtin`, `none`, or a file (relative to `base`).
    pub fn parse(text: &str, base: &Path) -> Choice {
        match text {
            "builtin" => Choice::Builtin,
            "none" => Choice::None,
            path => Choice::File(base.join(path)),
        }
    }

    /// Whether the choice can be loaded (a file: read and checked).
    pub fn check(&self) -> Result<(), String> {
        match self {
            Choice::File(p) => Summaries::read(p).map(|_| ()),
            _ => Ok(()),
        }
    }

    /// The summaries chosen, for a target.
    pub fn load_checked(
        &self,
        target: &crate::target::Target,
    ) -> Result<Option<Arc<Summaries>>, String> {
        match self {
            Choice::Builtin => Ok(Summaries::builtin(target.kernel_version)),
            Choice::None => Ok(None),
            Choice::File(p) => Summaries::read(p).map(|s| Some(Arc::new(s))),
        }
    }

    /// [`Choice::load_checked`], a file that became unreadable since it was checked
    /// giving none.
    pub fn load(&self, target: &crate::target::Target) -> Option<Arc<Summaries>> {
        self.load_checked(target).ok().flatten()
    }
}

/// Shipped summaries, generated by `scripts/gen-summaries.sh` from Debian's
/// linux-source packages.
const BUILTIN_6_1: &[u8] = include_bytes!("../summaries/linux-6.1.gfpsum");
const BUILTIN_6_12: &[u8] = include_bytes!("../summaries/linux-6.12.gfpsum");

/// Encodes a summary file (see the module doc).
pub fn encode(file: &SummaryFile) -> Result<Vec<u8>, String> {
    let raw = postcard::to_stdvec(file).map_err(|e| format!("cannot encode summaries: {e}"))?;
    let payload = miniz_oxide::deflate::compress_to_vec(&raw, 9);
    let mut out = Vec::with_capacity(payload.len() + 20);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&xxhash_rust::xxh3::xxh3_64(&payload).to_le_bytes());
    out.extend_from_slice(&payload);
    Ok(out)
}

/// Writes a summary file through a temporary file and a rename.
pub fn write(path: &Path, file: &SummaryFile) -> Result<usize, String> {
    let bytes = encode(file)?;
    let shown = path.display().to_string();
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(format!(".tmp{}", std::process::id()));
    let tmp = std::path::PathBuf::from(tmp);
    std::fs::write(&tmp, &bytes).map_err(|e| format!("{shown}: cannot write: {e}"))?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        format!("{shown}: cannot write: {e}")
    })?;
    Ok(bytes.len())
}

/// Which functions of a tree have external linkage: names exported with
/// `EXPORT_SYMBOL*()`, and names declared (appearing as `name(`) in headers under
/// `include/`.
#[derive(Debug, Default)]
pub struct Linkage {
    pub exported: HashSet<String>,
    pub declared: HashSet<String>,
}

impl Linkage {
    /// Reads the names from the files' text (a byte scan, no parse).
    pub fn scan(root: &Path, files: &[String]) -> Linkage {
        use rayon::prelude::*;
        let per_file: Vec<(Vec<String>, Vec<String>)> = files
            .par_iter()
            .map(|path| {
                let Ok(bytes) = std::fs::read(path) else {
                    return (Vec::new(), Vec::new());
                };
                let rel = relative(root, path);
                let exported = exported_names(&bytes);
                let declared = if is_api_header(&rel) {
                    called_names(&bytes)
                } else {
                    Vec::new()
                };
                (exported, declared)
            })
            .collect();
        let mut l = Linkage::default();
        for (e, d) in per_file {
            l.exported.extend(e);
            l.declared.extend(d);
        }
        l
    }
}

/// Headers whose declarations are the kernel's API (`include/`, and x86's own).
fn is_api_header(rel: &str) -> bool {
    rel.ends_with(".h") && (rel.starts_with("include/") || rel.starts_with("arch/x86/include/"))
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// The names in `EXPORT_SYMBOL(name)`, `EXPORT_SYMBOL_GPL(name)`, `EXPORT_SYMBOL_NS*(name, ns)`.
fn exported_names(text: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    let needle = b"EXPORT_SYMBOL";
    let mut at = 0;
    while let Some(pos) = memchr::memmem::find(&text[at..], needle) {
        let mut i = at + pos + needle.len();
        at = i;
        while i < text.len() && is_ident(text[i]) {
            i += 1;
        }
        while i < text.len() && text[i].is_ascii_whitespace() {
            i += 1;
        }
        if text.get(i) != Some(&b'(') {
            continue;
        }
        i += 1;
        while i < text.len() && text[i].is_ascii_whitespace() {
            i += 1;
        }
        let start = i;
        while i < text.len() && is_ident(text[i]) {
            i += 1;
        }
        if i > start {
            out.push(String::from_utf8_lossy(&text[start..i]).into_owned());
        }
    }
    out
}

/// Every identifier directly followed by `(` (declarations, and calls in inline bodies:
/// a superset of the declared names, which only widens "declared in include/").
fn called_names(text: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < text.len() {
        if is_ident(text[i]) && (i == 0 || !is_ident(text[i - 1])) {
            let start = i;
            while i < text.len() && is_ident(text[i]) {
                i += 1;
            }
            let mut j = i;
            while j < text.len() && (text[j] == b' ' || text[j] == b'\t') {
                j += 1;
            }
            if text.get(j) == Some(&b'(') && !text[start].is_ascii_digit() {
                out.push(String::from_utf8_lossy(&text[start..i]).into_owned());
            }
        } else {
            i += 1;
        }
    }
    out.sort();
    out.dedup();
    out
}

/// `path` relative to the tree's top, with `/` separators.
pub fn relative(root: &Path, path: &str) -> String {
    Path::new(path)
        .strip_prefix(root)
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_else(|_| path.trim_start_matches("./").to_string())
}

/// The facts of every function of the tree with external linkage, from the run's
/// program and context.
pub fn derive(
    program: &Program,
    analysis: &Analysis,
    root: &Path,
    linkage: &Linkage,
    tree: &str,
) -> SummaryFile {
    let mut by_name: BTreeMap<&str, Vec<FunctionId>> = BTreeMap::new();
    for (fi, file) in program.files.iter().enumerate() {
        let rel = relative(root, &file.path);
        let header = rel.ends_with(".h");
        for (i, f) in file.functions.iter().enumerate() {
            let external = if header {
                is_api_header(&rel)
            } else {
                !f.is_static
                    && (linkage.exported.contains(f.name.as_str())
                        || linkage.declared.contains(f.name.as_str()))
            };
            if external {
                by_name
                    .entry(f.name.as_str())
                    .or_default()
                    .push((fi as u32, i as u32));
            }
        }
    }
    let wrappers = Wrappers::find(program, analysis, &by_name);
    let functions = by_name
        .into_iter()
        .filter_map(|(name, ids)| {
            // A header's static inline of a name a .c file also defines is the
            // configuration's stub (`#else static inline ... {}`): the .c body is the
            // one a configured kernel has.
            let defs: Vec<FunctionId> =
                if ids.iter().any(|id| !program.file(*id).path.ends_with(".h")) {
                    ids.into_iter()
                        .filter(|id| !program.file(*id).path.ends_with(".h"))
                        .collect()
                } else {
                    ids
                };
            let summaries: Vec<ApiSummary> = defs
                .iter()
                .map(|&id| summarise(program, analysis, root, &wrappers, id))
                .collect();
            merge(name, summaries)
        })
        .collect();
    SummaryFile {
        tree: tree.to_string(),
        functions,
    }
}

/// One summary for a name defined several times (per-architecture or per-config
/// variants): it sleeps only if every variant does, a parameter is a gfp sink only if
/// it is in every variant, and so on (unknown means silent).
fn merge(name: &str, mut all: Vec<ApiSummary>) -> Option<ApiSummary> {
    let mut first = all.pop()?;
    for other in &all {
        if other.sleeps.is_empty() {
            first.sleeps.clear();
            first.chain.clear();
            first.reason.clear();
        }
        first.gfp_params.retain(|p| other.gfp_params.contains(p));
        first.locks.retain(|l| other.locks.contains(l));
        first.frees.retain(|f| other.frees.contains(f));
        if other.returns != first.returns {
            first.returns = None;
        }
        if other.arity != first.arity {
            first.arity = u32::MAX - 1;
        }
    }
    debug_assert_eq!(first.name, name);
    Some(first)
}

fn summarise(
    program: &Program,
    analysis: &Analysis,
    root: &Path,
    wrappers: &Wrappers,
    id: FunctionId,
) -> ApiSummary {
    let k = program.knowledge;
    let f = program.function(id);
    let file = relative(root, &program.file(id).path);
    let mut s = ApiSummary {
        name: f.name.to_string(),
        file,
        line: f.name_span.line,
        arity: f.arity,
        returns: wrappers
            .families
            .get(&id)
            .map(|&fam| k.family(fam).name.clone()),
        ..ApiSummary::default()
    };
    let params = wrappers.params.get(&id).map(Vec::as_slice).unwrap_or(&[]);
    if let Some(clauses) = analysis.may_sleep.get(&id)
        && let Some((chain, reason)) = sleep_chain(program, analysis, root, id)
    {
        // Tests of a parameter's fields are not part of the summary format (format 2
        // readers do not know them): without them a clause is weaker, never wrong.
        let mut clauses: Vec<Vec<crate::values::Test>> = clauses
            .iter()
            .map(|c| {
                c.iter()
                    .filter(|t| !matches!(t.pred, crate::values::Pred::Field(..)))
                    .cloned()
                    .collect()
            })
            .collect();
        clauses.sort_by_key(Vec::len);
        clauses.dedup();
        s.sleeps = clauses;
        s.chain = chain;
        s.reason = reason;
    }
    // A name lints/api.toml lists as sleeping sleeps, whatever its body shows the
    // engine (`synchronize_rcu()` waits through a macro): the file says what gfplint
    // knows; a run never looks such a name up in summaries anyway.
    if s.sleeps.is_empty()
        && let Some(reason) = k.sleeping_call(&f.name)
    {
        s.sleeps = vec![Vec::new()];
        s.reason = format!("{reason} (lints/api.toml)");
    }
    if let Some(sinks) = analysis.gfp_sinks.get(&id) {
        s.gfp_params = sinks.iter().map(|(p, _)| *p).collect();
        s.gfp_params.sort_unstable();
        s.gfp_params.dedup();
    }
    let param_of = |key: &str| {
        let root_ident: String = key
            .trim_start_matches(['&', '*', '('])
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        params
            .iter()
            .position(|p| *p == root_ident && !p.is_empty())
            .map(|i| i as u32)
    };
    if let Some(e) = analysis.lock_effects.get(&id) {
        for (kind, key) in e.drops.iter().chain(e.releases.iter()) {
            let name = &k.sections[*kind].kind;
            if param_of(key).is_none() && !s.drops.contains(name) {
                s.drops.push(name.clone());
            }
        }
        for (acquires, list) in [(true, &e.acquires), (false, &e.releases)] {
            for (kind, key) in list {
                if let Some(param) = param_of(key) {
                    s.locks.push(LockFact {
                        acquires,
                        kind: k.sections[*kind].kind.clone(),
                        param,
                    });
                }
            }
        }
    }
    let ls = analysis.locks_of(id);
    for (ci, c) in f.calls.iter().enumerate() {
        if !ls.is_reachable(ci as u32) {
            continue;
        }
        let Some(families) = k.free_families(&c.callee) else {
            continue;
        };
        let Some(arg) = c.args().get(k.free_ptr_arg(&c.callee)) else {
            continue;
        };
        if let Some(param) = freed_parameter(arg, params) {
            let fact = FreeFact {
                param,
                families: families
                    .iter()
                    .map(|&id| k.family(id).name.clone())
                    .collect(),
            };
            if !s.frees.contains(&fact) {
                s.frees.push(fact);
            }
        }
    }
    s
}

/// A free's pointer argument that is one of the parameters, as is or cast
/// (`kfree(p)`, `kfree((void *)p)`; not `kfree(p->buf)`).
fn freed_parameter(arg: &str, params: &[String]) -> Option<u32> {
    let mut a = arg.trim();
    // A leading cast: `(void *)p`.
    if a.starts_with('(')
        && let Some(close) = a.find(')')
        && a[close + 1..]
            .trim_start()
            .starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
    {
        a = a[close + 1..].trim();
    }
    let a = a.trim_start_matches('(').trim_end_matches(')').trim();
    params
        .iter()
        .position(|p| p == a && !p.is_empty())
        .map(|i| i as u32)
}

/// What `summarize` reads again from functions' own text ([`crate::parse::shape`]):
/// parameter names, for the functions whose lock effects or frees name them, and which
/// functions are allocator wrappers (a fixpoint: a function returning a wrapper's
/// result is one too, up to [`MAX_CHAIN`] levels).
struct Wrappers {
    params: HashMap<FunctionId, Vec<String>>,
    families: HashMap<FunctionId, crate::knowledge::FamilyId>,
}

impl Wrappers {
    fn find(
        program: &Program,
        analysis: &Analysis,
        external: &BTreeMap<&str, Vec<FunctionId>>,
    ) -> Wrappers {
        let k = program.knowledge;
        let mut shapes: HashMap<FunctionId, Option<crate::parse::shape::Shape>> =
            HashMap::default();
        // Parameter names where a lock key or a freed pointer may be a parameter.
        let named = external.values().flatten().copied().filter(|id| {
            let locks = analysis
                .lock_effects
                .get(id)
                .is_some_and(|e| !e.is_empty() || !e.drops.is_empty());
            locks
                || program
                    .function(*id)
                    .calls
                    .iter()
                    .any(|c| !c.indirect && k.free_families(&c.callee).is_some())
        });
        read_shapes(program, named, false, &mut shapes);
        // Allocator wrappers, level by level.
        let mut families: HashMap<FunctionId, crate::knowledge::FamilyId> = HashMap::default();
        let direct = |c: &crate::facts::Call| {
            k.allocator(&c.callee)
                .map(|a| a.family)
                .or_else(|| k.memory_family(&c.callee))
        };
        let mut candidates: Vec<FunctionId> = program
            .function_ids()
            .filter(|&id| {
                program
                    .function(id)
                    .calls
                    .iter()
                    .any(|c| !c.indirect && direct(c).is_some())
            })
            .collect();
        for _ in 0..MAX_CHAIN {
            read_shapes(program, candidates.iter().copied(), true, &mut shapes);
            let mut added = Vec::new();
            for &id in &candidates {
                if families.contains_key(&id) {
                    continue;
                }
                let Some(Some(returned)) = shapes
                    .get(&id)
                    .map(|s| s.as_ref().and_then(|s| s.returned_calls.as_ref()))
                else {
                    continue;
                };
                let file = id.0;
                let family_of = |name: &str| {
                    k.allocator(name)
                        .map(|a| a.family)
                        .or_else(|| k.memory_family(name))
                        .or_else(|| families.get(&program.resolve(file, name)?).copied())
                };
                let mut fams = returned.iter().map(|c| family_of(c));
                if let Some(Some(first)) = fams.next()
                    && fams.all(|f| f == Some(first))
                {
                    added.push((id, first));
                }
            }
            if added.is_empty() {
                break;
            }
            let new: HashSet<FunctionId> = added.iter().map(|(id, _)| *id).collect();
            families.extend(added);
            // Callers of the new wrappers may return their results.
            candidates = program
                .function_ids()
                .filter(|&id| !families.contains_key(&id))
                .filter(|&id| {
                    program.function(id).calls.iter().any(|c| {
                        !c.indirect
                            && program
                                .resolve_call(id.0, c)
                                .is_some_and(|callee| new.contains(&callee))
                    })
                })
                .collect();
        }
        let params = shapes
            .into_iter()
            .filter_map(|(id, s)| Some((id, s?.params)))
            .collect();
        Wrappers { params, families }
    }
}

/// Reads the shapes of the functions `ids` that `shapes` lacks, in parallel, each file
/// once. With `pointers_only` (allocator wrappers), a function whose declared return
/// type has no `*` is not parsed (it returns no memory).
fn read_shapes(
    program: &Program,
    ids: impl Iterator<Item = FunctionId>,
    pointers_only: bool,
    shapes: &mut HashMap<FunctionId, Option<crate::parse::shape::Shape>>,
) {
    use rayon::prelude::*;
    let k = program.knowledge;
    let mut by_file: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    for id in ids.filter(|id| !shapes.contains_key(id)) {
        by_file.entry(id.0).or_default().push(id.1);
    }
    let groups: Vec<(u32, Vec<u32>)> = by_file.into_iter().collect();
    let read: Vec<Vec<(FunctionId, Option<crate::parse::shape::Shape>)>> = groups
        .par_iter()
        .map(|(file, functions)| {
            let bytes = std::fs::read(&program.files[*file as usize].path).ok();
            functions
                .iter()
                .map(|&i| {
                    let id = (*file, i);
                    let f = program.function(id);
                    let text = bytes
                        .as_deref()
                        .and_then(|b| b.get(f.extent.start as usize..f.extent.end as usize));
                    let head = bytes
                        .as_deref()
                        .and_then(|b| b.get(f.extent.start as usize..f.name_span.start as usize));
                    let shape = text
                        .filter(|_| !pointers_only || head.is_some_and(|h| h.contains(&b'*')))
                        .and_then(|t| crate::parse::shape::shape_of(t, &|n| k.is_error_pointer(n)));
                    (id, shape)
                })
                .collect()
        })
        .collect();
    shapes.extend(read.into_iter().flatten());
}

/// The shortest chain of calls (outside the functions' own atomic sections) from `id`
/// to a call that sleeps by itself, and why that call sleeps.
fn sleep_chain(
    program: &Program,
    analysis: &Analysis,
    root: &Path,
    id: FunctionId,
) -> Option<(Vec<Link>, String)> {
    let k = program.knowledge;
    let mut parent: HashMap<FunctionId, (FunctionId, u32)> = HashMap::default();
    let mut frontier = vec![id];
    let mut seen: HashSet<FunctionId> = HashSet::from([id]);
    for _ in 0..MAX_CHAIN {
        let mut next = Vec::new();
        for &fid in &frontier {
            let ls = analysis.locks_of(fid);
            let f = program.function(fid);
            // A sleep site of this function ends the chain. Only calls made on the
            // normal path count (not under a condition on state the summary cannot
            // express): `if (!__disable_irq_nosync(irq)) synchronize_irq(irq);` does
            // not make `disable_irq()` a sleeping API, and a chain that sleeps only
            // sometimes would be a false finding in every driver that calls it.
            let usable = |s: &&interproc::SleepSite| {
                ls.at_call(s.call).is_empty() && !f.calls[s.call as usize].conditional
            };
            let site = analysis
                .sites_of(fid)
                .iter()
                .filter(usable)
                .find(|s| s.when.is_empty())
                .or_else(|| analysis.sites_of(fid).iter().find(usable));
            if let Some(site) = site {
                let c = &f.calls[site.call as usize];
                let reason = match &site.kind {
                    SleepKind::Own(OwnSleep::Call(r)) => r.clone(),
                    SleepKind::Own(OwnSleep::Allocator) => "allocates and may sleep".into(),
                    SleepKind::Own(OwnSleep::Gfp(FlagSource::Argument(a))) => {
                        format!("allocates with `{a}`")
                    }
                    SleepKind::Own(OwnSleep::Gfp(FlagSource::Default)) => {
                        "allocates with its default GFP_KERNEL".into()
                    }
                    SleepKind::PassesGfp { flags, .. } => format!("allocates with `{flags}`"),
                };
                let mut links = vec![Link {
                    callee: c.callee.to_string(),
                    file: relative(root, &program.file(fid).path),
                    line: c.span.line,
                }];
                let mut at = fid;
                while let Some(&(caller, call)) = parent.get(&at) {
                    let cf = program.function(caller);
                    links.push(Link {
                        callee: program.function(at).name.to_string(),
                        file: relative(root, &program.file(caller).path),
                        line: cf.calls[call as usize].span.line,
                    });
                    at = caller;
                }
                links.reverse();
                return Some((links, reason));
            }
            for (ci, c) in f.calls.iter().enumerate() {
                let ci = ci as u32;
                if !ls.is_reachable(ci)
                    || c.indirect
                    || c.conditional
                    || interproc::guarded_context(ls, ci)
                    || k.names_api(&c.callee)
                {
                    continue;
                }
                let Some(callee) = program.resolve_call(fid.0, c) else {
                    continue;
                };
                if !interproc::sleeps_through(ls, ci, analysis.lock_effects.get(&callee)) {
                    continue;
                }
                if analysis.may_sleep.contains_key(&callee) && seen.insert(callee) {
                    parent.insert(callee, (fid, ci));
                    next.push(callee);
                }
            }
        }
        if next.is_empty() {
            return None;
        }
        frontier = next;
    }
    None
}

/// What `summarize_tree` saw.
#[derive(Debug, Default)]
pub struct TreeStats {
    pub files: usize,
    pub files_with_parse_errors: usize,
    pub unreadable: usize,
}

/// Runs the engine over a whole kernel tree (x86 only among the architectures: the
/// shipped summaries are for Debian's amd64 kernels; `samples/` and the default excludes
/// left out) and derives the summaries of its functions with external linkage.
pub fn summarize_tree(
    root: &Path,
    jobs: usize,
    tree: &str,
) -> Result<(SummaryFile, TreeStats), String> {
    let shown = root.display().to_string();
    if !root.is_dir() {
        return Err(format!("{shown}: not a directory"));
    }
    // Ignore files are not read: Debian's linux-source packages ship a `.gitignore`
    // that starts with `/*` (everything), for its own packaging.
    let mut walk = crate::walk::WalkOptions::new(root);
    walk.respect_ignore = false;
    let mut excluded: Vec<String> = crate::walk::DEFAULT_EXCLUDES
        .iter()
        .map(|g| g.to_string())
        .chain(["samples/".to_string()])
        .collect();
    if let Ok(dir) = std::fs::read_dir(root.join("arch")) {
        for e in dir.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name != "x86" && e.path().is_dir() {
                excluded.push(format!("arch/{name}/"));
            }
        }
    }
    let globs = excluded
        .iter()
        .map(|g| crate::config::Glob::new(g))
        .collect::<Result<Vec<_>, _>>()?;
    let (files, errors) = crate::walk::discover(&[root.to_string_lossy().into_owned()], &walk);
    let files: Vec<String> = files
        .into_iter()
        .filter(|f| {
            let rel = relative(root, f);
            !crate::config::Glob::any_matches(&globs, &rel)
        })
        .collect();
    if files.is_empty() {
        let why = errors
            .first()
            .map(|e| format!(" ({}: {})", e.path, e.message))
            .unwrap_or_default();
        return Err(format!("{shown}: no C files{why}"));
    }
    let linkage = Linkage::scan(root, &files);
    let options = crate::Options {
        jobs,
        analysis_only: true,
        ..Default::default()
    };
    let (outcome, derived) = crate::check_files_with(&files, errors, &options, None, |p, a| {
        derive(p, a, root, &linkage, tree)
    });
    if let Some(f) = outcome.fatal {
        return Err(f);
    }
    let derived = derived.ok_or_else(|| format!("{shown}: nothing analysed"))?;
    Ok((
        derived,
        TreeStats {
            files: outcome.files_scanned,
            files_with_parse_errors: outcome.files_with_parse_errors,
            unreadable: outcome.errors.len(),
        },
    ))
}
