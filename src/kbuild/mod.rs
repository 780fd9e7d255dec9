//! Kconfig and kbuild, without a build: per C file of a kernel tree, how it is built.
//!
//! The file's object (`foo.c` → `foo.o`) is looked up in its directory's `Kbuild` or
//! `Makefile` (`obj-$(CONFIG_X) += foo.o`, or a composite `bar-$(CONFIG_Y) += foo.o`
//! with `bar.o` in turn), and the directory in its parent's (`obj-$(CONFIG_Z) +=
//! dir/`), up to the tree's top-level directories (built in). Each way of building
//! the file gives the `CONFIG_` symbols it needs; those every way needs are closed over
//! the Kconfig `depends on` of their definitions (`kconfig.rs`). From there:
//!
//! * the architecture: a required symbol defined only under `arch/<name>/` (or the
//!   file's own path there), and that architecture's default page size
//!   (`lints/arch-pages.toml`) for the size lints;
//! * built in only: every link of every way is `obj-y` or a `bool` symbol (never a
//!   module), so string literals of the file are in the kernel image's `.rodata`;
//! * with a configuration (`--kconfig`), whether any way of building it is enabled.
//!
//! Unknown (no tree, a file no Makefile names, syntax not understood) gives no facts,
//! and the analysis behaves as without this stage.
//!
//! In the pipeline (stage *kbuild*, `src/kbuild/`): before parsing, for files in a
//! kernel tree (`Kconfig`, `Makefile`, `arch/`): `makefile.rs` reads goal lists
//! (`obj-$(CONFIG_X)`, composites, `ifdef`), `kconfig.rs` symbol types and `depends on`
//! (with enclosing `if`/`menu`, through `source`); `mod.rs` gives per file `FileBuild`:
//! required symbols (closed over `depends on`), the one architecture (page size from
//! `lints/arch-pages.toml`: `AnalysisSettings::for_file` gives that file's lints their
//! target), built in only (string literals in `.rodata`: `Val::RodataStr`), enabled
//! under `--kconfig` (else skipped); `arch_at` answers for `#ifdef` regions
//! (`no_sleep_arches`). Unknown: no facts. In `AnalysisSettings::build`; its digest
//! keys the run cache. Stored in the facts cache (`kbuild/`, keyed by the working
//! directory, file list and configuration) with a `Probe` (length, mtime, inode, kind,
//! or absent) of every Kconfig file, Makefile/Kbuild and directory it read or looked
//! for; reused while all probes hold (trees for `arch_at` are then read again on
//! demand)

pub mod kconfig;
pub mod makefile;

use std::collections::BTreeSet;

use rustc_hash::FxHashMap as HashMap;
use std::path::{Path, PathBuf};

use kconfig::Kconfig;
use makefile::{Cond, Goal};

/// How one C file is built, as far as the tree's Kconfig and Makefiles say.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct FileBuild {
    /// `CONFIG_` symbols (without the prefix) every way of building the file needs,
    /// with what their `depends on` require in turn; sorted.
    pub requires: Vec<String>,
    /// The only architecture the file builds for, when it is one.
    pub arch: Option<String>,
    /// Never a module: built into the kernel image whenever it is built.
    pub builtin_only: bool,
    /// The architecture's default page size and largest order, when not the target's.
    pub page_size: Option<u64>,
    pub max_order: Option<u32>,
    /// With a configuration: whether some way of building the file is enabled in it.
    pub enabled: Option<bool>,
}

/// A path the build facts were read from (or looked for), with its metadata then:
/// length, modification time, inode and kind; `None` when it did not exist. A stored
/// model is reused while every probe gives the same answer again.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Probe {
    path: PathBuf,
    /// (length, mtime seconds, mtime nanoseconds, inode, kind: 0 regular file, 1
    /// directory, 2 anything else).
    stamp: Option<(u64, i64, i64, u64, u8)>,
}

impl Probe {
    pub fn of(path: &Path) -> Probe {
        use std::os::unix::fs::MetadataExt;
        Probe {
            path: path.to_path_buf(),
            stamp: std::fs::metadata(path).ok().map(|m| {
                let kind = match (m.is_file(), m.is_dir()) {
                    (true, _) => 0,
                    (_, true) => 1,
                    _ => 2,
                };
                (m.len(), m.mtime(), m.mtime_nsec(), m.ino(), kind)
            }),
        }
    }

    /// A probe that holds for nothing (a placeholder until one is taken).
    pub fn absent() -> Probe {
        Probe {
            path: PathBuf::new(),
            stamp: None,
        }
    }

    /// Whether it was modified at or after `since` (an mtime in the same clock tick as
    /// a later change would not tell the two apart).
    pub fn modified_since(&self, since: std::time::SystemTime) -> bool {
        let Some((_, secs, nanos, ..)) = self.stamp else {
            return false;
        };
        let (Ok(secs), Ok(nanos)) = (u64::try_from(secs), u32::try_from(nanos)) else {
            return true;
        };
        std::time::UNIX_EPOCH + std::time::Duration::new(secs, nanos) >= since
    }

    /// Whether the path is still as it was.
    pub fn holds(&self) -> bool {
        Probe::of(&self.path) == *self
    }

    fn is_file(&self) -> bool {
        self.stamp.is_some_and(|s| s.4 == 0)
    }

    fn is_dir(&self) -> bool {
        self.stamp.is_some_and(|s| s.4 == 1)
    }
}

/// What [`BuildFacts::for_files_cached`] stores: the facts and what they were read
/// from.
#[derive(serde::Serialize, serde::Deserialize)]
struct StoredBuild {
    files: Vec<(String, FileBuild)>,
    roots: Vec<(String, PathBuf)>,
    tree_count: usize,
    kconfig_files: usize,
    makefiles: usize,
    probes: Vec<Probe>,
}

/// The build facts of a run's files.
#[derive(Debug, Default)]
pub struct BuildFacts {
    files: HashMap<String, FileBuild>,
    /// The tree of each file in one, by path as given.
    roots: HashMap<String, PathBuf>,
    /// The trees, for later questions (`arch_at`).
    trees: std::sync::Mutex<HashMap<PathBuf, Tree>>,
    /// Kernel trees found, and Kconfig files and Makefiles read (for timings).
    pub tree_count: usize,
    pub kconfig_files: usize,
    pub makefiles: usize,
    /// `digest_prefixed` by prefix, once computed (a long-lived caller keeps the
    /// facts between runs and asks each run).
    digests: std::sync::Mutex<HashMap<String, u128>>,
}

/// A row of `lints/arch-pages.toml`.
#[derive(Debug, serde::Deserialize)]
struct PageRow {
    arch: String,
    requires: Vec<Vec<String>>,
    bytes: u64,
    max_order: Option<u32>,
}

#[derive(Debug, serde::Deserialize)]
struct PageTable {
    page_size: Vec<PageRow>,
}

pub const ARCH_PAGES_TOML: &str = include_str!("../../lints/arch-pages.toml");

fn page_table() -> &'static [PageRow] {
    static TABLE: std::sync::OnceLock<Vec<PageRow>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        toml::from_str::<PageTable>(ARCH_PAGES_TOML)
            .map(|t| t.page_size)
            .unwrap_or_default()
    })
}

impl BuildFacts {
    /// The facts of `files` (C sources of kernel trees; others get none). `config`:
    /// the enabled symbols of a `.config` (`CONFIG_X`, `CONFIG_X_MODULE`).
    pub fn for_files(files: &[String], config: Option<&BTreeSet<String>>) -> BuildFacts {
        Self::for_files_probed(files, config).0
    }

    /// [`BuildFacts::for_files`], from a stored model when every file and directory it
    /// was read from is unchanged (`cache`: the facts cache, which keys it by the files
    /// and configuration); else computed and stored.
    pub fn for_files_cached(
        files: &[String],
        config: Option<&BTreeSet<String>>,
        cache: Option<&crate::cache::Cache>,
    ) -> BuildFacts {
        let Some(cache) = cache else {
            return Self::for_files(files, config);
        };
        // Paths are relative to the working directory, as the probes' are.
        let cwd = std::env::current_dir().unwrap_or_default();
        let key = cache.build_key(format!("{cwd:?}{files:?}{config:?}").as_bytes());
        if let Some(stored) = cache.get_build::<StoredBuild>(key)
            && stored.probes.iter().all(Probe::holds)
        {
            return BuildFacts {
                files: stored.files.into_iter().collect(),
                roots: stored.roots.into_iter().collect(),
                trees: std::sync::Mutex::new(HashMap::default()),
                tree_count: stored.tree_count,
                kconfig_files: stored.kconfig_files,
                makefiles: stored.makefiles,
                digests: Default::default(),
            };
        }
        let (out, probes) = Self::for_files_probed(files, config);
        let mut stored = StoredBuild {
            files: out
                .files
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            roots: out
                .roots
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            tree_count: out.tree_count,
            kconfig_files: out.kconfig_files,
            makefiles: out.makefiles,
            probes,
        };
        stored.files.sort_by(|a, b| a.0.cmp(&b.0));
        stored.roots.sort();
        cache.put_build(key, &stored);
        out
    }

    /// The facts, and every path they were read from or looked for.
    fn for_files_probed(
        files: &[String],
        config: Option<&BTreeSet<String>>,
    ) -> (BuildFacts, Vec<Probe>) {
        let mut out = BuildFacts::default();
        let mut roots: HashMap<PathBuf, Option<PathBuf>> = HashMap::default();
        let mut trees: HashMap<PathBuf, Tree> = HashMap::default();
        let mut probes = Vec::new();
        for path in files {
            if !path.ends_with(".c") {
                continue;
            }
            let p = Path::new(path);
            let Some(root) = tree_root(p, &mut roots, &mut probes) else {
                continue;
            };
            let Ok(rel) = p.strip_prefix(&root) else {
                continue;
            };
            out.roots.insert(path.clone(), root.clone());
            let tree = trees.entry(root.clone()).or_insert_with(|| Tree::new(root));
            if let Some(fb) = tree.file(rel, config) {
                out.files.insert(path.clone(), fb);
            }
        }
        out.tree_count = trees.len();
        for t in trees.values_mut() {
            out.kconfig_files += t.kconfig.as_ref().map_or(0, |k| k.files);
            out.makefiles += t.makefiles.len();
            probes.append(&mut t.probes);
            if let Some(k) = &mut t.kconfig {
                probes.append(&mut k.probes);
            }
        }
        // `arch_at` reads only the Kconfig model: the Makefiles' goals, the ways and
        // the closures computed for the files go now (20 of the 31 MiB the model of
        // the 6.1 tree takes for `drivers/`, else kept for the whole run).
        for t in trees.values_mut() {
            t.makefiles = HashMap::default();
            t.ways = HashMap::default();
            t.closures = HashMap::default();
        }
        out.trees = std::sync::Mutex::new(trees);
        (out, probes)
    }

    /// The only architecture the code at `line` of `path` builds for: the file's, or
    /// the one the `CONFIG_` symbols of the `#ifdef`/`#if defined()`/`#if
    /// IS_ENABLED()` branches around the line require (through `depends on`).
    pub fn arch_at(&self, path: &str, line: u32) -> Option<String> {
        if let Some(arch) = self.files.get(path).and_then(|b| b.arch.clone()) {
            return Some(arch);
        }
        let root = self.roots.get(path)?;
        let bytes = crate::bounded::read(Path::new(path), crate::parse::MAX_FILE_BYTES).ok()?;
        let symbols = region_symbols(&String::from_utf8_lossy(&bytes), line);
        if symbols.is_empty() {
            return None;
        }
        let mut trees = self.trees.lock().ok()?;
        // A stored model has no trees: the one asked about is read again, once.
        let tree = trees
            .entry(root.clone())
            .or_insert_with(|| Tree::new(root.clone()));
        let mut requires: BTreeSet<String> = self
            .files
            .get(path)
            .map(|b| b.requires.iter().cloned().collect())
            .unwrap_or_default();
        for s in symbols {
            requires.extend(tree.closure(&s, 0));
        }
        tree.arch_of(&requires)
    }

    pub fn get(&self, path: &str) -> Option<&FileBuild> {
        self.files.get(path)
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Files with facts.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// The facts in path order, for a run's identity (the outcome cache).
    pub fn digest(&self) -> u128 {
        self.digest_prefixed("")
    }

    /// The digest of the same facts with every path spelt with `prefix` in front (the
    /// same files as `gfplint check .` spells them: `./x.c`).
    pub fn digest_prefixed(&self, prefix: &str) -> u128 {
        let mut digests = self
            .digests
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *digests
            .entry(prefix.to_string())
            .or_insert_with(|| self.compute_digest(prefix))
    }

    fn compute_digest(&self, prefix: &str) -> u128 {
        use std::hash::Hash;
        // (Hashed field by field: formatting 28,000 rows as text cost 20 ms a run.)
        let mut rows: Vec<(&String, &FileBuild)> = self.files.iter().collect();
        rows.sort_by(|a, b| a.0.cmp(b.0));
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        for (path, build) in rows {
            // (The path as spelt with the prefix: `./x.c` hashes the same either way.)
            h.update(prefix.as_bytes());
            h.update(path.as_bytes());
            h.update(&[0xff]);
            build.hash(&mut h);
        }
        h.digest128()
    }
}

/// `MAJOR.MINOR` of the kernel tree whose top is `dir`, from its Makefile's first
/// lines (`VERSION = 6`, `PATCHLEVEL = 12`); None for any other directory.
pub fn tree_version(dir: &Path) -> Option<String> {
    if !dir.join("Kconfig").is_file() || !dir.join("arch").is_dir() {
        return None;
    }
    let bytes = crate::bounded::read(&dir.join("Makefile"), 1 << 20).ok()?;
    let text = String::from_utf8_lossy(&bytes);
    let value = |key: &str| {
        text.lines().take(20).find_map(|l| {
            let (k, v) = l.split_once('=')?;
            (k.trim() == key)
                .then(|| v.trim().parse::<u32>().ok())
                .flatten()
        })
    };
    Some(format!("{}.{}", value("VERSION")?, value("PATCHLEVEL")?))
}

/// The top of the kernel tree holding `path` (a directory with `Kconfig`, `Makefile`
/// and `arch/`), memoised per directory.
fn tree_root(
    path: &Path,
    memo: &mut HashMap<PathBuf, Option<PathBuf>>,
    probes: &mut Vec<Probe>,
) -> Option<PathBuf> {
    let mut visited = Vec::new();
    let mut dir = path.parent();
    let found = loop {
        let Some(d) = dir else { break None };
        if let Some(known) = memo.get(d) {
            break known.clone();
        }
        visited.push(d.to_path_buf());
        let here = if d.as_os_str().is_empty() {
            Path::new(".")
        } else {
            d
        };
        let mut probe = |name: &str| {
            let p = Probe::of(&here.join(name));
            probes.push(p.clone());
            p
        };
        if probe("Kconfig").is_file() && probe("Makefile").is_file() && probe("arch").is_dir() {
            break Some(d.to_path_buf());
        }
        dir = d.parent();
    };
    for v in visited {
        memo.insert(v, found.clone());
    }
    found
}

/// The `CONFIG_` symbols that the preprocessor branches enclosing line `line` (1-based)
/// of `text` require: `#ifdef CONFIG_X`, `#if defined(CONFIG_X)`, `#if
/// IS_ENABLED(CONFIG_X)`, `#if CONFIG_X`, also joined by `&&`; `#else`/`#elif`
/// branches and anything else require nothing known.
fn region_symbols(text: &str, line: u32) -> Vec<String> {
    let mut stack: Vec<Vec<String>> = Vec::new();
    for (i, l) in text.lines().enumerate() {
        if i + 1 >= line as usize {
            break;
        }
        let t = l.trim_start();
        let Some(d) = t.strip_prefix('#') else {
            continue;
        };
        let d = d.trim_start();
        let (word, rest) = d
            .split_once(|c: char| c.is_whitespace() || c == '(')
            .map(|(w, _)| (w, &d[w.len()..]))
            .unwrap_or((d, ""));
        let rest = rest
            .split("/*")
            .next()
            .unwrap_or("")
            .split("//")
            .next()
            .unwrap_or("");
        match word {
            "ifdef" => stack.push(config_name(rest.trim()).into_iter().collect()),
            "if" => {
                let mut syms = Vec::new();
                // `a && b || c`: nothing is required.
                let parts = if rest.contains("||") { "" } else { rest };
                for part in parts.split("&&") {
                    let p = part.trim().trim_start_matches('(').trim_end_matches(')');
                    let p = ["defined", "IS_ENABLED", "IS_BUILTIN", "IS_REACHABLE"]
                        .iter()
                        .find_map(|w| p.strip_prefix(w))
                        .unwrap_or(p)
                        .trim()
                        .trim_matches(|c| c == '(' || c == ')' || c == ' ');
                    if let Some(n) = config_name(p) {
                        syms.push(n);
                    }
                }
                stack.push(syms);
            }
            "ifndef" => stack.push(Vec::new()),
            "elif" | "else" | "elifdef" | "elifndef" => {
                if let Some(top) = stack.last_mut() {
                    top.clear();
                }
            }
            "endif" => {
                stack.pop();
            }
            _ => {}
        }
    }
    stack.into_iter().flatten().collect()
}

/// `CONFIG_X` → `X` (a plain name only).
fn config_name(s: &str) -> Option<String> {
    s.strip_prefix("CONFIG_")
        .filter(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .map(str::to_string)
}

/// One way of building an object: the symbols it needs, whether every link is built
/// in, and whether the chain of Makefiles reached the tree's top.
#[derive(Debug, Clone, Default)]
struct Way {
    requires: BTreeSet<String>,
    builtin: bool,
    complete: bool,
}

/// At most this many ways per object (more: unknown) and this many links deep.
const MAX_WAYS: usize = 16;
const MAX_LINKS: usize = 16;

#[derive(Debug)]
struct Tree {
    root: PathBuf,
    kconfig: Option<Kconfig>,
    makefiles: HashMap<PathBuf, Vec<Goal>>,
    ways: HashMap<(PathBuf, String), Vec<Way>>,
    closures: HashMap<String, BTreeSet<String>>,
    /// The Makefiles read and looked for.
    probes: Vec<Probe>,
}

impl Tree {
    fn new(root: PathBuf) -> Tree {
        Tree {
            root,
            kconfig: None,
            makefiles: HashMap::default(),
            ways: HashMap::default(),
            closures: HashMap::default(),
            probes: Vec::new(),
        }
    }

    fn kconfig(&mut self) -> &Kconfig {
        let root = &self.root;
        self.kconfig.get_or_insert_with(|| Kconfig::read(root))
    }

    fn file(&mut self, rel: &Path, config: Option<&BTreeSet<String>>) -> Option<FileBuild> {
        let dir = rel.parent()?.to_path_buf();
        let object = format!("{}.o", rel.file_stem()?.to_str()?);
        let ways = self.object_ways(&dir, &object, 0);
        let path_arch = kconfig::arch_of_path(rel);
        if ways.iter().all(|w| !w.complete && w.requires.is_empty()) && path_arch.is_none() {
            return None;
        }
        let mut direct: Option<BTreeSet<String>> = None;
        for w in &ways {
            direct = Some(match direct {
                None => w.requires.clone(),
                Some(d) => d.intersection(&w.requires).cloned().collect(),
            });
        }
        let mut requires = BTreeSet::new();
        for s in direct.unwrap_or_default() {
            requires.extend(self.closure(&s, 0));
        }
        let arch = path_arch.or_else(|| self.arch_of(&requires));
        let builtin_only = !ways.is_empty() && ways.iter().all(|w| w.complete && w.builtin);
        let enabled = config.map(|c| {
            let on = |s: &String| {
                c.contains(&format!("CONFIG_{s}")) || c.contains(&format!("CONFIG_{s}_MODULE"))
            };
            ways.iter().any(|w| w.requires.iter().all(on))
        });
        let row = arch.as_deref().and_then(|a| {
            page_table().iter().find(|r| {
                r.arch == a
                    && r.requires
                        .iter()
                        .any(|set| set.iter().all(|s| requires.contains(s)))
            })
        });
        Some(FileBuild {
            requires: requires.into_iter().collect(),
            arch,
            builtin_only,
            page_size: row.map(|r| r.bytes),
            max_order: row.and_then(|r| r.max_order),
            enabled,
        })
    }

    /// The goals of a directory's `Kbuild` (else `Makefile`), read once.
    fn goals(&mut self, dir: &Path) -> &[Goal] {
        let root = &self.root;
        let probes = &mut self.probes;
        self.makefiles.entry(dir.to_path_buf()).or_insert_with(|| {
            ["Kbuild", "Makefile"]
                .iter()
                .find_map(|name| {
                    let path = root.join(dir).join(name);
                    probes.push(Probe::of(&path));
                    crate::bounded::read(&path, crate::parse::MAX_FILE_BYTES).ok()
                })
                .map(|b| makefile::parse(&String::from_utf8_lossy(&b)))
                .unwrap_or_default()
        })
    }

    /// Whether `sym` is `bool` only (never a module).
    fn bool_only(&mut self, sym: &str) -> bool {
        self.kconfig()
            .symbols
            .get(sym)
            .is_some_and(|s| s.bool && !s.tristate)
    }

    /// The ways `object` (an `.o` or a `dir/`) of `dir` is built.
    fn object_ways(&mut self, dir: &Path, object: &str, depth: usize) -> Vec<Way> {
        let unknown = vec![Way::default()];
        if depth > MAX_LINKS {
            return unknown;
        }
        let key = (dir.to_path_buf(), object.to_string());
        if let Some(w) = self.ways.get(&key) {
            return w.clone();
        }
        let goals: Vec<Goal> = self
            .goals(dir)
            .iter()
            .filter(|g| g.items.iter().any(|i| i == object))
            .cloned()
            .collect();
        let mut out = Vec::new();
        for g in &goals {
            let mut link = Way {
                requires: g.guards.iter().cloned().collect(),
                builtin: false,
                complete: true,
            };
            match &g.cond {
                Cond::Yes => link.builtin = true,
                Cond::Module => {}
                Cond::Symbol(s) => {
                    link.builtin = self.bool_only(s);
                    link.requires.insert(s.clone());
                }
                Cond::Unknown => {}
            }
            let parents = if g.list == "obj" || g.list == "lib" {
                self.dir_ways(dir, depth + 1)
            } else {
                // A part of a composite object: `-y`/`-objs` parts follow it.
                self.object_ways(dir, &format!("{}.o", g.list), depth + 1)
            };
            for p in parents {
                out.push(Way {
                    requires: link.requires.union(&p.requires).cloned().collect(),
                    builtin: link.builtin && p.builtin,
                    complete: p.complete,
                });
            }
        }
        if out.is_empty() || out.len() > MAX_WAYS {
            out = unknown;
        }
        self.ways.insert(key, out.clone());
        out
    }

    /// The ways directory `dir` is descended into: a top-level directory always
    /// (built in); else as its parent's Makefile names it.
    fn dir_ways(&mut self, dir: &Path, depth: usize) -> Vec<Way> {
        let Some(parent) = dir.parent() else {
            return vec![Way::default()];
        };
        if parent.as_os_str().is_empty() {
            return vec![Way {
                builtin: true,
                complete: true,
                ..Way::default()
            }];
        }
        let Some(name) = dir.file_name().and_then(|n| n.to_str()) else {
            return vec![Way::default()];
        };
        self.object_ways(parent, &format!("{name}/"), depth)
    }

    /// `sym` and what the `depends on` of all its definitions require, transitively.
    fn closure(&mut self, sym: &str, depth: usize) -> BTreeSet<String> {
        if let Some(c) = self.closures.get(sym) {
            return c.clone();
        }
        let mut out = BTreeSet::from([sym.to_string()]);
        if depth > 32 {
            return out;
        }
        // Cycle guard: while computing, the symbol alone.
        self.closures.insert(sym.to_string(), out.clone());
        let defs = self
            .kconfig()
            .symbols
            .get(sym)
            .map(|s| s.definitions.clone())
            .unwrap_or_default();
        let mut common: Option<BTreeSet<String>> = None;
        for d in &defs {
            let mut req = BTreeSet::new();
            for e in &d.depends {
                e.required(&mut req);
            }
            let mut all = BTreeSet::new();
            for r in req {
                if r != sym {
                    all.extend(self.closure(&r, depth + 1));
                }
            }
            common = Some(match common {
                None => all,
                Some(c) => c.intersection(&all).cloned().collect(),
            });
        }
        out.extend(common.unwrap_or_default());
        self.closures.insert(sym.to_string(), out.clone());
        out
    }

    /// The architecture the required symbols confine a file to: a symbol whose
    /// every definition is under `arch/<name>/`; none when they disagree.
    fn arch_of(&mut self, requires: &BTreeSet<String>) -> Option<String> {
        let k = self.kconfig();
        let mut found: Option<&str> = None;
        for s in requires {
            let Some(sym) = k.symbols.get(s) else {
                continue;
            };
            let mut arches = sym.definitions.iter().map(|d| d.arch.as_deref());
            let Some(Some(first)) = arches.next() else {
                continue;
            };
            if !arches.all(|a| a == Some(first)) {
                continue;
            }
            match found {
                Some(f) if f != first => return None,
                _ => found = Some(first),
            }
        }
        found.map(str::to_string)
    }
}

#[cfg(test)]
mod tests {
    /// A copy of `testdata/kconfig` in a fresh directory.
    fn kernel_tree(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("gfplint-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let from = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/kconfig");
        for e in walkdir::WalkDir::new(&from) {
            let e = e.unwrap();
            let to = dir.join(e.path().strip_prefix(&from).unwrap());
            if e.file_type().is_dir() {
                std::fs::create_dir_all(&to).unwrap();
            } else {
                std::fs::copy(e.path(), &to).unwrap();
            }
        }
        dir
    }

    #[test]
    fn a_stored_model_is_used_until_what_it_was_read_from_changes() {
        let tree = kernel_tree("kbuild-cache");
        let cache_dir = tree.join(".gfplint-cache");
        let cache = crate::cache::Cache::open(&cache_dir, &tree, 0).unwrap();
        let main = tree.join("drivers/demo/demo_main.c").display().to_string();
        let extra = tree.join("drivers/demo/demo_extra.c").display().to_string();
        let files = [main.clone(), extra.clone()];
        let fresh = super::BuildFacts::for_files(&files, None);
        let first = super::BuildFacts::for_files_cached(&files, None, Some(&cache));
        assert_eq!(first.digest(), fresh.digest());
        assert_eq!(first.get(&main).unwrap().requires, ["DEMO"]);
        // The second run reads no Kconfig or Makefile: its trees are empty.
        let second = super::BuildFacts::for_files_cached(&files, None, Some(&cache));
        assert_eq!(second.digest(), fresh.digest());
        assert!(second.trees.lock().unwrap().is_empty());
        // A question about an `#ifdef` region reads the tree again, lazily.
        assert_eq!(second.arch_at(&main, 1), None);
        // An edited Makefile (same length: the time or inode tells) is read again.
        std::thread::sleep(std::time::Duration::from_millis(20));
        let makefile = tree.join("drivers/demo/Makefile");
        let text = std::fs::read_to_string(&makefile).unwrap();
        std::fs::write(&makefile, text.replace("CONFIG_DEMO)\t", "CONFIG_DEMX)\t")).unwrap();
        let edited = super::BuildFacts::for_files_cached(&files, None, Some(&cache));
        assert_eq!(edited.get(&main).unwrap().requires, ["DEMO", "DEMX"]);
        assert_eq!(
            edited.digest(),
            super::BuildFacts::for_files(&files, None).digest()
        );
        // A Kbuild file that did not exist takes precedence over the Makefile.
        std::fs::write(tree.join("drivers/demo/Kbuild"), "obj-y += demo_main.o\n").unwrap();
        let kbuild = super::BuildFacts::for_files_cached(&files, None, Some(&cache));
        assert_eq!(
            kbuild.digest(),
            super::BuildFacts::for_files(&files, None).digest()
        );
        assert_ne!(kbuild.digest(), edited.digest());
        let _ = std::fs::remove_dir_all(&tree);
    }

    #[test]
    fn tree_version_from_the_makefile() {
        let dir = std::env::temp_dir().join(format!("gfplint-version-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("arch/x86")).unwrap();
        std::fs::write(dir.join("Kconfig"), "mainmenu \"Linux\"\n").unwrap();
        std::fs::write(
            dir.join("Makefile"),
            "# SPDX-License-Identifier: GPL-2.0\nVERSION = 6\nPATCHLEVEL = 12\nSUBLEVEL = 118\n",
        )
        .unwrap();
        assert_eq!(super::tree_version(&dir).as_deref(), Some("6.12"));
        std::fs::write(dir.join("Makefile"), "obj-y += foo.o\n").unwrap();
        assert_eq!(super::tree_version(&dir), None);
        std::fs::remove_dir_all(dir.join("arch")).unwrap();
        assert_eq!(super::tree_version(&dir), None);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn regions() {
        let text = "#ifdef CONFIG_A\n#if defined(CONFIG_B) && IS_ENABLED(CONFIG_C)\nx\n#else\ny\n#endif\nz\n#endif\n";
        assert_eq!(super::region_symbols(text, 3), ["A", "B", "C"]);
        assert_eq!(super::region_symbols(text, 5), ["A"]);
        assert_eq!(super::region_symbols(text, 7), ["A"]);
        assert!(super::region_symbols(text, 9).is_empty());
        assert!(super::region_symbols("#endif\n#else\n#if\n", 9).is_empty());
    }

    #[test]
    fn page_table_parses() {
        assert!(super::page_table().iter().any(|r| r.arch == "powerpc"));
    }
}
