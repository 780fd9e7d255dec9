//! Command-line conventions shared with other linters, kept apart from `main.rs`:
//! lint selection flags (ruff's `--select`/`--ignore`, clippy's `-A/-W/-D`), the summary
//! line, `--statistics`, and the colour decision.

pub mod checker;

use std::collections::BTreeMap;

use gfplint::config::{Level, default_level, level_of};
use gfplint::diagnostic::Diagnostic;
use gfplint::lints::{LINTS, LintPolicy, lint_info, unknown_lint};

/// Lint selection from the command line, applied over the configuration's levels.
#[derive(Debug, Default)]
pub struct Selection {
    /// `--select`: only these lints run (an off-by-default one is turned on).
    pub select: Vec<String>,
    /// `--ignore`: these lints do not run.
    pub ignore: Vec<String>,
    /// `-A/-W/-D LINT`, in command-line order (a later flag wins).
    pub levels: Vec<(usize, Level, String)>,
}

impl Selection {
    /// The configuration's levels with the command line's applied: `--select`, then
    /// `--ignore`, then `-A/-W/-D` in order. An unknown lint name is an error (with a
    /// suggestion).
    pub fn apply(
        &self,
        mut levels: BTreeMap<String, Level>,
    ) -> Result<BTreeMap<String, Level>, String> {
        let named = self
            .select
            .iter()
            .chain(&self.ignore)
            .chain(self.levels.iter().map(|(_, _, n)| n));
        for name in named {
            if lint_info(name).is_none() {
                return Err(unknown_lint(name));
            }
        }
        if !self.select.is_empty() {
            for l in LINTS {
                if self.select.iter().any(|s| s == l.name) {
                    if level_of(&levels, l.name) == Level::Allow {
                        // Selected by name: at its default level, at least `warn`.
                        levels.insert(l.name.to_string(), default_level(l).max(Level::Warn));
                    }
                } else {
                    levels.insert(l.name.to_string(), Level::Allow);
                }
            }
        }
        for name in &self.ignore {
            levels.insert(name.clone(), Level::Allow);
        }
        let mut ordered: Vec<&(usize, Level, String)> = self.levels.iter().collect();
        ordered.sort_by_key(|(index, _, _)| *index);
        for (_, level, name) in ordered {
            levels.insert(name.clone(), *level);
        }
        Ok(levels)
    }
}

/// `1 file`, `2 files`.
pub fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else if what.ends_with(['s', 'x']) {
        format!("{n} {what}es")
    } else {
        format!("{n} {what}s")
    }
}

/// `--statistics`: one line per lint with findings, most frequent first.
pub fn statistics(diagnostics: &[Diagnostic], policy: &LintPolicy) -> String {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for d in diagnostics {
        *counts.entry(d.lint).or_default() += 1;
    }
    let mut rows: Vec<(&str, usize)> = counts.into_iter().collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let mut out = String::new();
    for (lint, n) in rows {
        out.push_str(&format!(
            "{n:>7}  {lint:<24} {}\n",
            policy.level(lint).as_str()
        ));
    }
    out
}

/// Colour for `--color auto` on stdout, as anstream decides it: `NO_COLOR` (non-empty)
/// disables, `CLICOLOR_FORCE` forces, `CLICOLOR=0` disables, `TERM=dumb` and a
/// non-terminal disable.
pub fn auto_color() -> bool {
    matches!(
        anstream::AutoStream::choice(&std::io::stdout()),
        anstream::ColorChoice::Always | anstream::ColorChoice::AlwaysAnsi
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sel(select: &[&str], ignore: &[&str], levels: &[(Level, &str)]) -> Selection {
        Selection {
            select: select.iter().map(|s| s.to_string()).collect(),
            ignore: ignore.iter().map(|s| s.to_string()).collect(),
            levels: levels
                .iter()
                .enumerate()
                .map(|(i, (l, n))| (i, *l, n.to_string()))
                .collect(),
        }
    }

    #[test]
    fn selection_overrides_configuration() {
        let mut config = BTreeMap::new();
        config.insert("slab-waste".to_string(), Level::Deny);
        config.insert("needless-gfp-atomic".to_string(), Level::Allow);
        let s = sel(
            &["slab-waste", "needless-gfp-atomic", "devm-free"],
            &["devm-free"],
            &[],
        );
        let l = s.apply(config.clone()).unwrap();
        assert_eq!(level_of(&l, "slab-waste"), Level::Deny);
        assert_eq!(level_of(&l, "needless-gfp-atomic"), Level::Warn);
        assert_eq!(level_of(&l, "devm-free"), Level::Allow);
        assert_eq!(level_of(&l, "atomic-sleeping-gfp"), Level::Allow);
        // A later flag wins.
        let s = sel(
            &[],
            &[],
            &[(Level::Allow, "slab-waste"), (Level::Warn, "slab-waste")],
        );
        assert_eq!(
            level_of(&s.apply(config.clone()).unwrap(), "slab-waste"),
            Level::Warn
        );
        let s = sel(&[], &[], &[(Level::Deny, "atomic-sleeping-gfpp")]);
        let e = s.apply(config).unwrap_err();
        assert!(e.contains("did you mean `atomic-sleeping-gfp`"), "{e}");
    }

    #[test]
    fn plurals() {
        assert_eq!(count(1, "file"), "1 file");
        assert_eq!(count(0, "error"), "0 errors");
        assert_eq!(count(2, "fix"), "2 fixes");
    }
}
