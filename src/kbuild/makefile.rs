//! A tolerant reader of kbuild `Makefile`/`Kbuild` goal lists: `obj-$(CONFIG_X) += a.o
//! dir/`, `obj-y`, `obj-m`, `lib-y`, composite objects (`foo-y += a.o`, `foo-objs :=`,
//! `foo-$(CONFIG_Y) += b.o`), inside `ifdef CONFIG_X` / `ifeq ($(CONFIG_X),y)` /
//! `ifneq ($(CONFIG_X),)` blocks. Anything else (other variables, functions such as
//! `$(subst …)`, `else` branches) makes that part unknown, never a condition.

/// The condition in a goal's name (`obj-$(CONFIG_X)`, `-y`, `-m`, `-objs`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cond {
    /// `-y` (and a composite's `-objs`): built whenever the list is.
    Yes,
    /// `-m`: a module.
    Module,
    /// `-$(CONFIG_X)`: as the symbol says.
    Symbol(String),
    /// Another variable or function.
    Unknown,
}

/// One assignment to a goal list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Goal {
    /// `obj`, `lib`, or a composite object's name (`snd-hda-codec` for
    /// `snd-hda-codec-y`).
    pub list: String,
    pub cond: Cond,
    /// `.o` objects and `dir/` subdirectories named.
    pub items: Vec<String>,
    /// `CONFIG_` symbols of enclosing `ifdef`/`ifeq` blocks that must be enabled.
    pub guards: Vec<String>,
}

/// The goal assignments of one Makefile.
pub fn parse(text: &str) -> Vec<Goal> {
    let mut out = Vec::new();
    // Enclosing conditionals: the symbol each requires, if it is understood.
    let mut stack: Vec<Option<String>> = Vec::new();
    let mut cur = String::new();
    for raw in text.lines() {
        if let Some(head) = raw.strip_suffix('\\') {
            cur.push_str(head);
            cur.push(' ');
            continue;
        }
        cur.push_str(raw);
        let line = std::mem::take(&mut cur);
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let (word, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        match word {
            "ifdef" | "ifeq" | "ifneq" | "ifndef" => {
                stack.push(required_by(word, rest.trim()));
                continue;
            }
            "else" => {
                if let Some(top) = stack.last_mut() {
                    *top = None;
                }
                continue;
            }
            "endif" => {
                stack.pop();
                continue;
            }
            _ => {}
        }
        if let Some(goal) = assignment(line) {
            let guards = stack.iter().flatten().cloned().collect();
            out.push(Goal { guards, ..goal });
        }
    }
    out
}

/// The symbol a conditional requires: `ifdef CONFIG_X`, `ifeq ($(CONFIG_X),y)` (or
/// `m`), `ifneq ($(CONFIG_X),)`; `None` for anything else.
fn required_by(word: &str, rest: &str) -> Option<String> {
    if word == "ifdef" {
        return rest
            .strip_prefix("CONFIG_")
            .filter(|s| is_name(s))
            .map(str::to_string);
    }
    let inner = rest.strip_prefix('(')?.strip_suffix(')')?;
    let (a, b) = inner.split_once(',')?;
    let sym = a
        .trim()
        .strip_prefix("$(CONFIG_")?
        .strip_suffix(')')
        .filter(|s| is_name(s))?;
    let value = b.trim();
    let enabled = match word {
        "ifeq" => value == "y" || value == "m",
        "ifneq" => value.is_empty() || value == "n",
        _ => false,
    };
    enabled.then(|| sym.to_string())
}

fn is_name(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// `name-cond op items`.
fn assignment(line: &str) -> Option<Goal> {
    let op = ["+=", ":=", "?=", "="]
        .iter()
        .filter_map(|o| line.find(o).map(|i| (i, o.len())))
        .min_by_key(|(i, _)| *i)?;
    let lhs = line[..op.0].trim();
    let rhs = &line[op.0 + op.1..];
    let (list, cond) = if let Some(name) = lhs.strip_suffix("-y") {
        (name, Cond::Yes)
    } else if let Some(name) = lhs.strip_suffix("-objs") {
        (name, Cond::Yes)
    } else if let Some(name) = lhs.strip_suffix("-m") {
        (name, Cond::Module)
    } else if let Some(at) = lhs.rfind("-$(") {
        let var = lhs[at + 3..].strip_suffix(')')?;
        let cond = match var.strip_prefix("CONFIG_") {
            Some(sym) if is_name(sym) => Cond::Symbol(sym.to_string()),
            _ => Cond::Unknown,
        };
        (&lhs[..at], cond)
    } else {
        return None;
    };
    if list.is_empty() || list.contains(char::is_whitespace) || list.contains('$') {
        return None;
    }
    let items = rhs
        .split_whitespace()
        .filter(|w| (w.ends_with(".o") || w.ends_with('/')) && !w.contains('$'))
        .map(str::to_string)
        .collect();
    Some(Goal {
        list: list.to_string(),
        cond,
        items,
        guards: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn goals() {
        let g = parse(
            "obj-$(CONFIG_GPIOLIB)\t+= gpiolib.o gpio/ \\\n  other.o\n\
             ssb-$(CONFIG_SSB_DRIVER_PCICORE) += driver_pcicore.o\n\
             ifeq ($(CONFIG_FOO),y)\nfoo-objs := a.o\nelse\nfoo-y += b.o\nendif\n\
             obj-$(subst m,y,$(CONFIG_X)) += x.o\nccflags-y := -DX\n# obj-y += c.o\n",
        );
        assert_eq!(g[0].list, "obj");
        assert_eq!(g[0].cond, Cond::Symbol("GPIOLIB".into()));
        assert_eq!(g[0].items, ["gpiolib.o", "gpio/", "other.o"]);
        assert_eq!(g[1].list, "ssb");
        assert_eq!(g[2].guards, ["FOO"]);
        assert!(g[3].guards.is_empty());
        assert_eq!(g[4].cond, Cond::Unknown);
        assert!(g[5].items.is_empty());
        assert_eq!(g.len(), 6);
        assert!(parse("endif\nelse\n= x.o\n-y += a.o\nifeq (\n").is_empty());
    }
}
