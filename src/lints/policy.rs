//! Lint policy: which lints run and at which level, decided once per run from the
//! configured levels and the lints enabled by name. Every stage that asks "does this
//! lint run?" or "what level has this finding?" asks this, so the rule lives here only.

use std::collections::BTreeMap;

use super::{LINTS, LintInfo};
use crate::config::Level;
use crate::diagnostic::{Diagnostic, Severity};

/// A lint's level when neither the configuration nor the command line names it:
/// `allow` for off-by-default lints, `deny` for lints whose findings are errors (the
/// atomic-context lints), `warn` for the others.
pub fn default_level(info: &LintInfo) -> Level {
    if !info.enabled_by_default {
        return Level::Allow;
    }
    match info.severity {
        Severity::Error => Level::Deny,
        Severity::Warning => Level::Warn,
    }
}

/// The level of `lint` given explicit `levels`, when `enabled_by_name` (a lint enabled
/// by name without a level runs at least as a warning). An unknown name is `deny`: a
/// finding of a lint outside the registry is never dropped silently.
fn resolve(levels: &BTreeMap<String, Level>, enabled_by_name: bool, lint: &str) -> Level {
    match levels.get(lint) {
        Some(level) => *level,
        None if enabled_by_name => Level::Warn,
        None => super::lint_info(lint).map_or(Level::Deny, default_level),
    }
}

/// The level of `lint` given explicit `levels` (from the configuration, after any
/// command-line selection).
pub fn level_of(levels: &BTreeMap<String, Level>, lint: &str) -> Level {
    resolve(levels, false, lint)
}

/// What the analysis and the lints read of a run: the target of the checked code and
/// the lint policy, computed once per run (`Options::settings`). Run settings (worker
/// threads, cache, progress display, overlay, root) are not part of it.
#[derive(Debug, Clone, Default)]
pub struct AnalysisSettings {
    /// Page size, page orders, kmalloc classes and kernel version of the checked code.
    pub target: crate::target::Target,
    pub lints: LintPolicy,
    /// How each file is built (`crate::kbuild`): its architecture's page size, built
    /// in only; empty outside kernel trees.
    pub build: std::sync::Arc<crate::kbuild::BuildFacts>,
}

impl AnalysisSettings {
    /// The settings for the lints of one file: the target with the page size of the
    /// only architecture the file builds for, when that differs.
    pub fn for_file(&self, path: &str) -> Option<AnalysisSettings> {
        let b = self.build.get(path)?;
        if b.page_size.is_none() && b.max_order.is_none() {
            return None;
        }
        Some(AnalysisSettings {
            target: self.target.with_pages(b.page_size, b.max_order),
            lints: self.lints.clone(),
            build: self.build.clone(),
        })
    }
}

/// Each registered lint's decision for one run, in registry order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LintPolicy {
    /// `(runs, level)` per entry of [`LINTS`].
    lints: Vec<(bool, Level)>,
}

impl Default for LintPolicy {
    /// Every lint at its default level; off-by-default lints do not run.
    fn default() -> Self {
        LintPolicy::new(&BTreeMap::new(), &[])
    }
}

impl LintPolicy {
    /// The policy for configured `levels` and lints `enabled` by name (which run even
    /// when off by default, at least as warnings).
    pub fn new(levels: &BTreeMap<String, Level>, enabled: &[String]) -> LintPolicy {
        let lints = LINTS
            .iter()
            .map(|info| {
                let by_name = enabled.iter().any(|n| n == info.name);
                (
                    info.enabled_by_default || by_name,
                    resolve(levels, by_name, info.name),
                )
            })
            .collect();
        LintPolicy { lints }
    }

    fn decision(&self, lint: &str) -> Option<(bool, Level)> {
        LINTS
            .iter()
            .position(|l| l.name == lint)
            .and_then(|i| self.lints.get(i).copied())
    }

    /// Whether the lint's check runs. A lint at level `allow` that is on by default
    /// still runs: its findings are dropped after suppressions are matched, so a
    /// suppression comment for it is not reported as unused.
    pub fn runs(&self, info: &LintInfo) -> bool {
        self.decision(info.name).is_some_and(|(runs, _)| runs)
    }

    /// The level findings of `lint` are reported at.
    pub fn level(&self, lint: &str) -> Level {
        self.decision(lint).map_or(Level::Deny, |(_, level)| level)
    }

    /// Applies levels: `allow` drops a finding, `warn` makes it a warning, `deny` keeps
    /// the severity the lint gave (error, or warning for a finding on some paths only).
    pub fn apply(&self, diagnostics: &mut Vec<Diagnostic>) {
        diagnostics.retain_mut(|d| match self.level(d.lint) {
            Level::Allow => false,
            Level::Warn => {
                d.severity = Severity::Warning;
                true
            }
            Level::Deny => true,
        });
    }

    /// Whether a reported finding fails the run: an error, or a finding of a `deny`
    /// lint shown as a warning because its section is held on some paths only.
    pub fn fails_run(&self, d: &Diagnostic) -> bool {
        d.severity == Severity::Error || self.level(d.lint) == Level::Deny
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn off_lint() -> &'static LintInfo {
        LINTS.iter().find(|l| !l.enabled_by_default).unwrap()
    }

    #[test]
    fn defaults_follow_the_registry() {
        let p = LintPolicy::default();
        for l in LINTS {
            assert_eq!(p.runs(l), l.enabled_by_default, "{}", l.name);
            assert_eq!(p.level(l.name), default_level(l), "{}", l.name);
        }
    }

    #[test]
    fn enabled_by_name_runs_as_warning_unless_levelled() {
        let off = off_lint();
        let p = LintPolicy::new(&BTreeMap::new(), &[off.name.to_string()]);
        assert!(p.runs(off));
        assert_eq!(p.level(off.name), Level::Warn);
        let levels = BTreeMap::from([(off.name.to_string(), Level::Deny)]);
        let p = LintPolicy::new(&levels, &[off.name.to_string()]);
        assert_eq!(p.level(off.name), Level::Deny);
    }

    #[test]
    fn allowed_default_lint_still_runs_but_is_dropped() {
        let on = LINTS.iter().find(|l| l.enabled_by_default).unwrap();
        let levels = BTreeMap::from([(on.name.to_string(), Level::Allow)]);
        let p = LintPolicy::new(&levels, &[]);
        assert!(p.runs(on));
        assert_eq!(p.level(on.name), Level::Allow);
        assert_eq!(level_of(&levels, on.name), Level::Allow);
    }

    #[test]
    fn unknown_lint_is_deny() {
        assert_eq!(LintPolicy::default().level("no-such-lint"), Level::Deny);
        assert_eq!(level_of(&BTreeMap::new(), "no-such-lint"), Level::Deny);
    }
}
