//! `gfplint.toml`: per-lint levels, include/exclude globs, a project's own API knowledge
//! and the target parameters. Found by walking up from the checked path, or given with
//! `--config`. Every error names the file, the line and the key.
//!
//! In the pipeline (stage *config*, `src/config.rs`): `gfplint.toml` (nearest above the
//! first PATH, or `--config`): lint levels, include/exclude globs, the target, and
//! `[knowledge]`: the same `KnowledgeTables` schema as `lints/api.toml`, added by the
//! same `Knowledge::add` (its item-indexed errors are mapped back to toml spans); the
//! run's `Knowledge` travels in `Options` to every stage. Errors carry file, line,
//! column and dotted key

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::knowledge::{ConfigKnowledge, Knowledge, KnowledgeError, KnowledgeTables};

pub const FILE_NAME: &str = "gfplint.toml";

/// What happens to a lint's findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Dropped.
    Allow,
    /// Reported as warnings; do not fail the run.
    Warn,
    /// Reported as errors (a finding on some paths only stays a warning); fail the run.
    Deny,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Allow => "allow",
            Level::Warn => "warn",
            Level::Deny => "deny",
        }
    }
}

pub use crate::lints::policy::{default_level, level_of};

/// The target parameters (`[target]`): validated here, read by the size lints.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TargetConfig {
    pub page_size: Option<u64>,
    pub max_order: Option<u32>,
    /// `6.1`, `6.12.5`.
    pub kernel_version: Option<String>,
    /// `summaries`: kernel API summaries to use (default: none; `builtin`: those of
    /// the kernel version).
    pub summaries: crate::summaries::Choice,
    /// `kconfig`: a kernel `.config` (relative to the configuration), read when loaded.
    pub kconfig: Option<PathBuf>,
    /// Its text.
    pub kconfig_text: Option<std::sync::Arc<str>>,
}

/// A loaded configuration.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// The file it came from (`None`: defaults).
    pub path: Option<PathBuf>,
    /// The directory globs are relative to (the file's directory).
    pub root: PathBuf,
    /// Levels named in the file; other lints keep [`default_level`].
    pub levels: BTreeMap<String, Level>,
    pub include: Vec<Glob>,
    pub exclude: Vec<Glob>,
    /// `[files] default_exclude`: the walk's excludes, when the file replaces them.
    pub default_exclude: Option<Vec<Glob>>,
    pub knowledge: ConfigKnowledge,
    pub target: TargetConfig,
}

/// A configuration problem, rendered `file:line:col: key: message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub file: String,
    pub line: usize,
    pub column: usize,
    /// The offending key, dotted (`lints.atomic-sleeping-gfp`); empty when unknown.
    pub key: String,
    pub message: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Escaped: the path, the key and parts of the message come from the input.
        use crate::report::escape;
        let file = escape::file_name(&self.file);
        write!(f, "{file}:{}:{}: ", self.line, self.column)?;
        if !self.key.is_empty() {
            write!(f, "`{}`: ", escape::file_name(&self.key))?;
        }
        write!(f, "{}", escape::text(&self.message))
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    lints: BTreeMap<Spanned<String>, Level>,
    #[serde(default)]
    files: RawFiles,
    /// The same schema as `lints/api.toml` (every table may be extended).
    #[serde(default)]
    knowledge: KnowledgeTables,
    #[serde(default)]
    target: RawTarget,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawFiles {
    #[serde(default)]
    include: Vec<Spanned<String>>,
    #[serde(default)]
    exclude: Vec<Spanned<String>>,
    /// Replaces the walk's built-in excludes (`crate::walk::DEFAULT_EXCLUDES`); `[]`
    /// turns them off.
    default_exclude: Option<Vec<Spanned<String>>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawTarget {
    #[serde(default)]
    page_size: Option<Spanned<u64>>,
    #[serde(default)]
    max_order: Option<Spanned<u32>>,
    #[serde(default)]
    kernel_version: Option<Spanned<String>>,
    /// `"builtin"`, `"none"`, or a summary file (relative to the configuration).
    #[serde(default)]
    summaries: Option<Spanned<String>>,
    /// A kernel `.config` (relative to the configuration).
    #[serde(default)]
    kconfig: Option<Spanned<String>>,
}

impl Config {
    /// The analysis settings this configuration gives, with lint `levels` (the
    /// configuration's own, or after command-line selection): knowledge, target, levels,
    /// and the off-by-default lints that a level turns on. Run settings (jobs, root,
    /// cache, overlay) are the caller's.
    pub fn options(&self, levels: BTreeMap<String, Level>) -> crate::Options {
        let mut options = crate::Options {
            knowledge: (self.knowledge != Default::default())
                .then(|| std::sync::Arc::new(self.knowledge())),
            target: crate::target::Target::configured(
                self.target.page_size,
                self.target.max_order,
                self.target.kernel_version.as_deref(),
            ),
            // A lint that is off by default runs when the configuration gives it a level.
            enable: levels
                .iter()
                .filter(|(_, level)| **level != Level::Allow)
                .map(|(name, _)| name.clone())
                .collect(),
            summaries: self
                .target
                .summaries
                .load(&crate::target::Target::configured(
                    None,
                    None,
                    self.target.kernel_version.as_deref(),
                )),
            levels,
            ..Default::default()
        };
        if let Some(text) = &self.target.kconfig_text {
            options.set_kconfig(text);
        }
        options
    }

    /// The nearest `gfplint.toml` in `start` (a file's directory, or a directory) or
    /// any of its ancestors.
    pub fn find(start: &Path) -> Option<PathBuf> {
        let start = std::fs::canonicalize(start).ok()?;
        let dir = if start.is_dir() {
            start.as_path()
        } else {
            start.parent()?
        };
        dir.ancestors()
            .map(|d| d.join(FILE_NAME))
            // Anything by that name, so that one that is not a readable regular file is
            // reported by `load` rather than skipped in silence.
            .find(|p| p.symlink_metadata().is_ok())
    }

    /// Reads and validates the configuration at `path`.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let shown = path.display().to_string();
        let fail = |message: String| ConfigError {
            file: shown.clone(),
            line: 0,
            column: 0,
            key: String::new(),
            message,
        };
        let bytes = crate::bounded::read(path, crate::bounded::MAX_CONFIG_BYTES)
            .map_err(|e| fail(e.to_string()))?;
        let text = String::from_utf8(bytes).map_err(|_| fail("not valid UTF-8".into()))?;
        let root = path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        let mut config = Config::parse_at(&text, &shown, &root)?;
        config.path = Some(path.to_path_buf());
        config.root = root;
        Ok(config)
    }

    /// Parses configuration text; `file` names it in errors.
    pub fn parse(text: &str, file: &str) -> Result<Config, ConfigError> {
        Config::parse_at(text, file, Path::new(""))
    }

    /// [`Config::parse`] for a file in directory `root`, which the files it names
    /// (`[target] kconfig`) are relative to.
    pub fn parse_at(text: &str, file: &str, root: &Path) -> Result<Config, ConfigError> {
        let error = |offset: usize, message: String| {
            let (line, column) = line_col(text, offset);
            ConfigError {
                file: file.to_string(),
                line,
                column,
                key: key_at(text, offset),
                message,
            }
        };
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            let offset = e.span().map_or(0, |s| s.start);
            error(offset, e.message().trim().to_string())
        })?;
        let mut config = Config::default();
        for (name, level) in raw.lints {
            if crate::lints::lint_info(name.get_ref()).is_none() {
                return Err(error(
                    name.span().start,
                    crate::lints::unknown_lint(name.get_ref()),
                ));
            }
            config.levels.insert(name.into_inner(), level);
        }
        for (list, out) in [
            (raw.files.include, &mut config.include),
            (raw.files.exclude, &mut config.exclude),
        ] {
            for g in list {
                let glob = Glob::new(g.get_ref()).map_err(|m| error(g.span().start, m))?;
                out.push(glob);
            }
        }
        if let Some(list) = raw.files.default_exclude {
            let mut globs = Vec::new();
            for g in list {
                globs.push(Glob::new(g.get_ref()).map_err(|m| error(g.span().start, m))?);
            }
            config.default_exclude = Some(globs);
        }
        // Checked against the built-in knowledge; an error names the item, which is
        // found again in the text for its line and key.
        if let Err(e) = Knowledge::builtin().extended(&raw.knowledge) {
            return Err(error(knowledge_error_offset(text, &e), e.message));
        }
        let knowledge = raw.knowledge;
        config.knowledge = knowledge;
        if let Some(p) = raw.target.page_size {
            let v = *p.get_ref();
            if !v.is_power_of_two() || !(4096..=65536).contains(&v) {
                return Err(error(
                    p.span().start,
                    format!("page size {v} is not a power of two from 4096 to 65536"),
                ));
            }
            config.target.page_size = Some(v);
        }
        if let Some(o) = raw.target.max_order {
            let v = *o.get_ref();
            if v > 20 {
                return Err(error(o.span().start, format!("max order {v} is above 20")));
            }
            config.target.max_order = Some(v);
        }
        if let Some(k) = raw.target.kernel_version {
            let v = k.get_ref();
            let parts: Vec<&str> = v.split('.').collect();
            if !(2..=3).contains(&parts.len()) || parts.iter().any(|p| p.parse::<u32>().is_err()) {
                return Err(error(
                    k.span().start,
                    format!("kernel version `{v}` is not MAJOR.MINOR or MAJOR.MINOR.PATCH"),
                ));
            }
            config.target.kernel_version = Some(v.clone());
        }
        if let Some(k) = raw.target.summaries {
            let v = k.get_ref();
            let choice = crate::summaries::Choice::parse(v, &config.root);
            // A file named here must be readable now: a bad one is an error, not
            // silently no summaries.
            choice.check().map_err(|e| error(k.span().start, e))?;
            config.target.summaries = choice;
        }
        if let Some(k) = raw.target.kconfig {
            let path = root.join(k.get_ref());
            let text = crate::bounded::read(&path, crate::parse::MAX_FILE_BYTES)
                .map_err(|e| e.to_string())
                .and_then(|b| String::from_utf8(b).map_err(|_| "not UTF-8 text".to_string()))
                .map_err(|e| error(k.span().start, format!("kconfig {}: {e}", path.display())))?;
            config.target.kconfig_text = Some(text.into());
            config.target.kconfig = Some(path);
        }
        Ok(config)
    }

    /// The run's knowledge: the built-in tables extended with this configuration's.
    #[allow(
        clippy::expect_used,
        reason = "`Config::parse` runs this same extension and rejects the file if it fails"
    )]
    pub fn knowledge(&self) -> Knowledge {
        Knowledge::builtin()
            .extended(&self.knowledge)
            .expect("configuration knowledge was validated when loaded")
    }

    /// Whether `file` is checked: it matches an include glob (or there are none) and
    /// no exclude glob. Globs match the path relative to the configuration's directory.
    pub fn selects(&self, file: &Path) -> bool {
        if self.include.is_empty() && self.exclude.is_empty() {
            return true;
        }
        let rel = relative_to(file, &self.root);
        let rel = rel.to_string_lossy().replace('\\', "/");
        (self.include.is_empty() || Glob::any_matches(&self.include, &rel))
            && !Glob::any_matches(&self.exclude, &rel)
    }
}

/// `path` relative to `root` when it is inside it (both canonicalised when possible),
/// else `path` as given.
pub fn relative_to(path: &Path, root: &Path) -> PathBuf {
    let canon = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let (p, r) = (canon(path), canon(root));
    p.strip_prefix(&r)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| path.to_path_buf())
}

/// Where in a configuration's `text` the item a [`KnowledgeError`] names is: its key
/// at fault, else the item (for an array of tables, its `[[…]]` header), else
/// `[knowledge]`.
fn knowledge_error_offset(text: &str, e: &KnowledgeError) -> usize {
    use toml::de::{DeTable, DeValue};
    let Ok(doc) = DeTable::parse(text) else {
        return 0;
    };
    let Some(knowledge) = doc.get_ref().get("knowledge") else {
        return 0;
    };
    let DeValue::Table(tables) = knowledge.get_ref() else {
        return knowledge.span().start;
    };
    // `section` rows are spelt `lock` in configurations.
    let Some(table) = tables
        .get(e.table)
        .or_else(|| (e.table == "section").then(|| tables.get("lock")).flatten())
    else {
        return knowledge.span().start;
    };
    let item = match table.get_ref() {
        DeValue::Array(items) => match items.get(e.index) {
            Some(item) => item,
            None => return table.span().start,
        },
        _ => table,
    };
    if let (Some(key), DeValue::Table(fields)) = (e.key, item.get_ref())
        && let Some(value) = fields.get(key)
    {
        return value.span().start;
    }
    let start = item.span().start;
    // An array-of-tables item starts at its first key; its header is the line above
    // that starts with `[[`.
    match text[..crate::lints::floor_char(text, start)].rfind("[[") {
        Some(header) if matches!(item.get_ref(), DeValue::Table(_)) => header,
        _ => start,
    }
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..crate::lints::floor_char(text, offset)];
    let line = before.matches('\n').count() + 1;
    let column = before.len() - before.rfind('\n').map_or(0, |p| p + 1) + 1;
    (line, column)
}

/// The dotted key an offset belongs to: the nearest `key =` at or above it, under the
/// nearest table header (`lints.atomic-sleeping-gfp`, `knowledge.allocator.gfp_arg`).
fn key_at(text: &str, offset: usize) -> String {
    let offset = crate::lints::floor_char(text, offset.min(text.len()));
    let line_end = text[offset..].find('\n').map_or(text.len(), |p| offset + p);
    let mut key = None;
    let mut table = String::new();
    for line in text[..line_end].lines().rev() {
        let t = line.trim();
        if t.starts_with('[') {
            table = t.trim_matches(|c| c == '[' || c == ']').trim().to_string();
            break;
        }
        if key.is_none()
            && let Some((k, _)) = t.split_once('=')
            && !t.starts_with('#')
        {
            let k = k.trim().trim_matches('"');
            if !k.is_empty() && !k.contains([' ', '{', ',']) {
                key = Some(k.to_string());
            }
        }
    }
    match key {
        Some(k) if table.is_empty() => k,
        Some(k) => format!("{table}.{k}"),
        None => table,
    }
}

/// A file glob: `*` matches within a path component, `**` across components, `?` one
/// character; a pattern without `/` matches the file name at any depth. Matched by
/// `globset` (compiled to a regex automaton: linear time in the path, whatever the
/// pattern; a hand-written backtracking matcher took ~20 s per name on `*a*a*…`).
#[derive(Debug, Clone)]
pub struct Glob {
    pattern: String,
    /// The pattern, and the pattern followed by `/**` (a matched directory matches
    /// everything below it).
    set: globset::GlobSet,
}

impl PartialEq for Glob {
    fn eq(&self, other: &Glob) -> bool {
        self.pattern == other.pattern
    }
}

impl Eq for Glob {}

impl Glob {
    pub fn new(pattern: &str) -> Result<Glob, String> {
        if pattern.is_empty() {
            return Err("empty glob".to_string());
        }
        if pattern.contains(['[', ']', '{', '}']) {
            return Err(format!(
                "glob `{pattern}`: only `*`, `**` and `?` are supported"
            ));
        }
        let pattern = pattern.trim_start_matches("./");
        let pattern = if pattern.contains('/') {
            pattern.trim_end_matches('/').to_string()
        } else {
            format!("**/{pattern}")
        };
        let compile = |p: &str| {
            globset::GlobBuilder::new(p)
                .literal_separator(true)
                .backslash_escape(false)
                .build()
                .map_err(|e| format!("glob `{pattern}`: {e}"))
        };
        let set = globset::GlobSetBuilder::new()
            .add(compile(&pattern)?)
            .add(compile(&format!("{pattern}/**"))?)
            .build()
            .map_err(|e| format!("glob `{pattern}`: {e}"))?;
        Ok(Glob { pattern, set })
    }

    /// Whether the relative path (with `/` separators) matches. A pattern matching a
    /// directory matches everything below it.
    pub fn matches(&self, path: &str) -> bool {
        Glob::any_matches(std::slice::from_ref(self), path)
    }

    /// Whether one of `globs` matches the relative path: [`Glob::matches`] with the
    /// path normalised and split for matching once, not once per glob (the walk asks
    /// this of every entry of a kernel tree).
    pub fn any_matches(globs: &[Glob], path: &str) -> bool {
        if globs.is_empty() {
            return false;
        }
        let normal = |p: &str| {
            !p.is_empty()
                && !p.starts_with('/')
                && !p.ends_with('/')
                && p.split('/').all(|c| !c.is_empty() && c != ".")
        };
        let joined;
        let path = if normal(path) {
            path
        } else {
            joined = path
                .split('/')
                .filter(|c| !c.is_empty() && *c != ".")
                .collect::<Vec<&str>>()
                .join("/");
            &joined
        };
        let candidate = globset::Candidate::new(path);
        globs.iter().any(|g| g.set.is_match_candidate(&candidate))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        let g = Glob::new("drivers/net/**").unwrap();
        assert!(g.matches("drivers/net/a/b.c"));
        assert!(!g.matches("drivers/usb/a.c"));
        let g = Glob::new("*_test.c").unwrap();
        assert!(g.matches("a/b/x_test.c"));
        assert!(!g.matches("a/b/x_test.h"));
        let g = Glob::new("drivers/*.c").unwrap();
        assert!(g.matches("drivers/a.c"));
        assert!(!g.matches("drivers/x/a.c"));
        let g = Glob::new("vendor").unwrap();
        assert!(g.matches("vendor/a.c"));
        assert!(g.matches("x/vendor/a.c"));
        assert!(Glob::new("[ab].c").is_err());
        let g = Glob::new("drivers/**/x_*.c").unwrap();
        assert!(g.matches("./drivers/x_a.c"));
        assert!(g.matches("drivers/a/b/x_a.c"));
        assert!(!g.matches("drivers/a/b/y_a.c"));
        assert!(Glob::new("a?c").unwrap().matches("d/abc"));
        assert!(!Glob::new("a?c").unwrap().matches("a/c"));
    }

    #[test]
    fn globs_match_in_linear_time() {
        // Backtracking took ~20 s per name on this pattern (issue 9).
        let g = Glob::new(&format!("{}b", "*a".repeat(11))).unwrap();
        let name = "a".repeat(200);
        let started = std::time::Instant::now();
        for _ in 0..100 {
            assert!(!g.matches(&name));
        }
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }

    #[test]
    fn key_of_an_error() {
        let text = "[lints]\natomic-sleeping-gfp = \"maybe\"\n";
        assert_eq!(key_at(text, 30), "lints.atomic-sleeping-gfp");
    }

    fn err(text: &str) -> ConfigError {
        Config::parse(text, "dir/gfplint.toml").expect_err(text)
    }

    /// Every kind of configuration error names the file, the line and the key.
    #[test]
    fn every_error_names_file_line_and_key() {
        let cases: &[(&str, usize, &str, &str)] = &[
            // (text, line, key, part of the message)
            (
                "[lints]\natomic-sleeping-gfp = \"maybe\"\n",
                2,
                "lints.atomic-sleeping-gfp",
                "unknown variant `maybe`",
            ),
            (
                "[lints]\natomic-sleeping-gfp = 1\n",
                2,
                "lints.atomic-sleeping-gfp",
                "wanted string",
            ),
            (
                "\n[lints]\nno-such-lint = \"deny\"\n",
                3,
                "lints.no-such-lint",
                "unknown lint `no-such-lint`",
            ),
            ("colour = true\n", 1, "colour", "unknown field `colour`"),
            (
                "[files]\nincludes = [\"a\"]\n",
                2,
                "files.includes",
                "unknown field `includes`",
            ),
            (
                "[files]\nexclude = [\"[ab].c\"]\n",
                2,
                "files.exclude",
                "only `*`, `**` and `?`",
            ),
            (
                "[files]\ninclude = [\"\"]\n",
                2,
                "files.include",
                "empty glob",
            ),
            (
                "[target]\npage_size = 5000\n",
                2,
                "target.page_size",
                "not a power of two",
            ),
            (
                "[target]\nmax_order = 99\n",
                2,
                "target.max_order",
                "above 20",
            ),
            (
                "[target]\nkernel_version = \"six\"\n",
                2,
                "target.kernel_version",
                "MAJOR.MINOR",
            ),
            (
                "[target]\npagesize = 4096\n",
                2,
                "target.pagesize",
                "unknown field",
            ),
            (
                "[knowledge]\nsleeping = [\"foo bar\"]\n",
                2,
                "knowledge.sleeping",
                "not a function name",
            ),
            (
                "[[knowledge.entry]]\ncontext = \"hard-IRQ handler\"\nregistrations = [\"foo_register_irq\"]\n",
                3,
                "knowledge.entry.registrations",
                "needs `:ARG`",
            ),
            (
                "[[knowledge.entry]]\ncontext = \"x\"\nregistrations = [\"foo:x\"]\n",
                3,
                "knowledge.entry.registrations",
                "argument index",
            ),
            (
                "[[knowledge.allocator]]\nnames = [\"foo_alloc\"]\n",
                1,
                "knowledge.allocator",
                "needs `gfp_arg`",
            ),
            (
                "[[knowledge.allocator]]\nnames = [\"a\"]\ndefault_gfp = \"GFP_NOPE\"\n",
                3,
                "knowledge.allocator.default_gfp",
                "not a known flag",
            ),
            (
                "[[knowledge.lock]]\nkind = \"spinlock\"\n",
                1,
                "knowledge.lock",
                "needs `acquire`",
            ),
            (
                "[[knowledge.lock]]\nkind = \"spinlock\"\nacquire = [\"foo_lock:first\"]\n",
                3,
                "knowledge.lock.acquire",
                "argument index",
            ),
            (
                "[[knowledge.lock]]\nkind = \"spinlock\"\nacquire = [\"a\"]\nrelease = [\"b\"]\nunlock = [\"c\"]\n",
                5,
                "knowledge.lock.unlock",
                "unknown field `unlock`",
            ),
            ("[lints\n", 1, "lints", "unclosed table"),
        ];
        for (text, line, key, message) in cases {
            let e = err(text);
            assert_eq!(e.file, "dir/gfplint.toml", "{text}");
            assert_eq!(e.line, *line, "{text}: {e}");
            assert_eq!(e.key, *key, "{text}: {e}");
            assert!(e.message.contains(message), "{text}: {e}");
            let shown = e.to_string();
            assert!(
                shown.starts_with(&format!("dir/gfplint.toml:{line}:")),
                "{shown}"
            );
        }
    }

    /// `[knowledge]` has the schema of lints/api.toml: a configuration gains every table.
    #[test]
    fn knowledge_takes_every_api_table() {
        let text = r#"
[knowledge]
noreturn = { names = ["foo_die"] }

[[knowledge.free]]
name = "foo_free"
frees = ["kmalloc"]
ptr_arg = 1

[[knowledge.entry_field]]
context = "foo callback"
fields = ["on_foo"]

[[knowledge.section]]
kind = "foo section"
keyed = false
guards = ["foo_guard"]

[[knowledge.sleeping]]
reason = "waits for the foo firmware"
names = ["foo_fw_wait"]
"#;
        let c = Config::parse(text, "gfplint.toml").unwrap();
        let k = c.knowledge();
        assert_eq!(
            k.free_families("foo_free").unwrap(),
            [k.family_id("kmalloc").unwrap()]
        );
        assert_eq!(k.free_ptr_arg("foo_free"), 1);
        assert_eq!(k.entry_field("on_foo").unwrap().context, "foo callback");
        assert!(k.is_noreturn("foo_die"));
        assert!(k.guard_op("foo_guard").is_some());
        assert_eq!(
            k.sleeping_call("foo_fw_wait"),
            Some("waits for the foo firmware")
        );
        assert!(Knowledge::builtin().free_families("foo_free").is_none());
        // The item at fault is found again for the error's line and key.
        let e = err(
            "[knowledge]\nsleeping = [\"a\"]\n\n[[knowledge.entry]]\ncontext = \"x\"\nregistrations = [\"ok:1\"]\n\n[[knowledge.entry]]\ncontext = \"y\"\nregistrations = [\"bad\"]\n",
        );
        assert_eq!(
            (e.line, e.key.as_str()),
            (10, "knowledge.entry.registrations"),
            "{e}"
        );
        let e = err("[knowledge]\ngfp = { bits = [\"__GFP_X\"] }\n");
        assert!(e.message.contains("built in"), "{e}");
    }

    #[test]
    fn full_configuration_loads() {
        let text = r#"
[lints]
atomic-sleeping-gfp = "warn"
gfp-param-ignored = "allow"
unused-suppression = "deny"

[files]
include = ["drivers/**"]
exclude = ["**/*_test.c"]

[knowledge]
sleeping = ["foo_wait_hw"]

[[knowledge.lock]]
kind = "spinlock"
acquire = ["foo_lock"]
release = ["foo_unlock"]

[[knowledge.allocator]]
names = ["foo_alloc"]
size_arg = 0
gfp_arg = 1

[[knowledge.entry]]
context = "hard-IRQ handler"
kind = "irq-handler"
registrations = ["foo_register_irq:1"]

[target]
page_size = 16384
max_order = 10
kernel_version = "6.1"
"#;
        let c = Config::parse(text, "gfplint.toml").unwrap();
        assert_eq!(level_of(&c.levels, "atomic-sleeping-gfp"), Level::Warn);
        assert_eq!(level_of(&c.levels, "atomic-sleeping-call"), Level::Deny);
        assert_eq!(level_of(&c.levels, "unused-suppression"), Level::Deny);
        assert_eq!(level_of(&c.levels, "gfp-param-ignored"), Level::Allow);
        assert_eq!(c.target.page_size, Some(16384));
        assert_eq!(c.target.kernel_version.as_deref(), Some("6.1"));
        let k = c.knowledge();
        assert!(k.lock_op("foo_lock").is_some());
        assert!(k.sleeping_call("foo_wait_hw").is_some());
        assert!(k.allocator("foo_alloc").is_some());
        let entry = k.entry_registration("foo_register_irq").unwrap();
        assert_eq!(entry.arg, 1);
        assert_eq!(entry.kind, crate::knowledge::EntryKind::IrqHandler);
        assert!(Knowledge::builtin().lock_op("foo_lock").is_none());
        let root = Path::new("/r");
        let c = Config {
            root: root.to_path_buf(),
            ..c
        };
        assert!(c.selects(Path::new("/r/drivers/a.c")));
        assert!(!c.selects(Path::new("/r/drivers/a_test.c")));
        assert!(!c.selects(Path::new("/r/fs/a.c")));
    }

    #[test]
    fn kconfig_is_read_relative_to_the_configuration() {
        let dir = std::env::temp_dir().join(format!("gfplint-kconfig-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("dot-config"), "CONFIG_A=y\nCONFIG_B=m\n").unwrap();
        let c =
            Config::parse_at("[target]\nkconfig = \"dot-config\"\n", "gfplint.toml", &dir).unwrap();
        let options = c.options(BTreeMap::new());
        let set = options.target.kconfig.unwrap();
        assert!(set.contains("CONFIG_A") && set.contains("CONFIG_B_MODULE"));
        assert_eq!(options.config.unwrap().is_defined("CONFIG_C"), Some(false));
        let e = Config::parse_at("[target]\nkconfig = \"missing\"\n", "gfplint.toml", &dir)
            .unwrap_err();
        assert_eq!((e.line, e.key.as_str()), (2, "target.kconfig"));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn default_levels() {
        for l in crate::lints::LINTS {
            // The atomic-context lints deny; lints off by default are allowed.
            let expected = if !l.enabled_by_default {
                Level::Allow
            } else if l.severity == crate::diagnostic::Severity::Error {
                Level::Deny
            } else {
                Level::Warn
            };
            if l.name.starts_with("atomic-") {
                assert_eq!(expected, Level::Deny, "{}", l.name);
            }
            assert_eq!(default_level(l), expected, "{}", l.name);
            // Documented in the lint's page.
            let doc_line = format!("**Default level:** {}", expected.as_str());
            assert!(l.doc.contains(&doc_line), "{}: {doc_line}", l.name);
        }
    }
}
