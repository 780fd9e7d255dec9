//! Knowledge about kernel APIs, loaded from `lints/api.toml` (embedded at build time).
//!
//! This is the only place that knows names of kernel functions and flags; every other
//! stage asks it questions ("is this call a lock release?", "what does this flag set
//! contain?"). Keeping it data lets users extend it without touching analysis code.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Deserialize;

use crate::gfp::GfpSet;

/// The embedded API description. Editing `lints/api.toml` and rebuilding is all it takes.
pub const API_TOML: &str = include_str!("../lints/api.toml");

#[derive(Debug, Deserialize)]
struct RawApi {
    gfp: RawGfp,
    section: Vec<RawSection>,
    allocator: Vec<RawAllocator>,
    free: Vec<RawFree>,
    #[serde(default)]
    constants: HashMap<String, i64>,
    #[serde(default)]
    type_sizes: HashMap<String, u64>,
}

#[derive(Debug, Deserialize)]
struct RawGfp {
    sleep_bit: String,
    bits: Vec<String>,
    composite: HashMap<String, String>,
    non_allocating: RawNames,
}

#[derive(Debug, Deserialize)]
struct RawNames {
    names: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct RawSection {
    kind: String,
    keyed: bool,
    acquire: Vec<String>,
    release: Vec<String>,
    #[serde(default)]
    try_acquire: Vec<String>,
    #[serde(default)]
    guards: Vec<String>,
    #[serde(default)]
    try_guards: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct RawAllocator {
    family: String,
    names: Vec<String>,
    #[serde(default)]
    size_arg: Option<usize>,
    #[serde(default)]
    count_arg: Option<usize>,
    #[serde(default)]
    order_arg: Option<usize>,
    /// Index of the GFP argument, or -1: "find it by its value among the arguments".
    gfp_arg: Option<i64>,
    #[serde(default)]
    default_gfp: Option<String>,
    #[serde(default)]
    always_sleeps: bool,
}

#[derive(Debug, Deserialize)]
struct RawFree {
    name: String,
    frees: Vec<String>,
    /// Index of the pointer argument (`devm_kfree(dev, p)`: 1).
    #[serde(default)]
    ptr_arg: usize,
}

/// Index of a section kind in [`Knowledge::sections`].
pub type SectionKindId = usize;

#[derive(Debug, Clone)]
pub struct SectionKind {
    /// Human name used in messages ("spinlock", "RCU read-side section").
    pub kind: String,
    /// Whether the section is identified by the lock passed as first argument.
    pub keyed: bool,
}

/// What a call does to atomic sections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockOp {
    Acquire(SectionKindId),
    Release(SectionKindId),
    /// Takes the section only where the call returned true (trylock).
    TryAcquire(SectionKindId),
}

/// What a `guard(class)` / `scoped_guard(class, ...)` does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GuardOp {
    Holds(SectionKindId),
    /// `scoped_guard(spinlock_try, ...)`: the body runs only when the lock was taken,
    /// so inside the body the section is held.
    TryHolds(SectionKindId),
}

#[derive(Debug, Clone)]
pub struct Allocator {
    pub family: String,
    pub size_arg: Option<usize>,
    pub count_arg: Option<usize>,
    pub order_arg: Option<usize>,
    pub gfp_arg: GfpArg,
    pub default_gfp: Option<GfpSet>,
    pub always_sleeps: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GfpArg {
    None,
    At(usize),
    /// Recognise it among the arguments by its value.
    ByValue,
}

#[derive(Debug)]
pub struct Knowledge {
    pub sections: Vec<SectionKind>,
    lock_ops: HashMap<String, LockOp>,
    guard_ops: HashMap<String, GuardOp>,
    gfp_flags: HashMap<String, GfpSet>,
    pub sleep_bit: GfpSet,
    non_allocating: std::collections::HashSet<String>,
    allocators: HashMap<String, Allocator>,
    frees: HashMap<String, Vec<String>>,
    free_ptr_args: HashMap<String, usize>,
    /// Named constants for the size evaluator (`SZ_4K`).
    pub constants: HashMap<String, i64>,
    /// `sizeof` of configuration-independent types on a 64-bit target.
    pub type_sizes: HashMap<String, u64>,
}

impl Knowledge {
    /// The built-in knowledge (parsed once per process).
    pub fn builtin() -> &'static Knowledge {
        static K: OnceLock<Knowledge> = OnceLock::new();
        K.get_or_init(|| {
            Knowledge::from_toml(API_TOML)
                .expect("embedded lints/api.toml is valid (checked by tests)")
        })
    }

    pub fn from_toml(text: &str) -> Result<Knowledge, String> {
        let raw: RawApi = toml::from_str(text).map_err(|e| format!("lints/api.toml: {e}"))?;
        let mut gfp_flags = HashMap::new();
        for (i, bit) in raw.gfp.bits.iter().enumerate() {
            let set = GfpSet::bit(i as u32);
            gfp_flags.insert(bit.clone(), set);
            // The kernel spells the raw bit values with three underscores.
            gfp_flags.insert(format!("_{bit}"), set);
        }
        resolve_composites(&raw.gfp.composite, &mut gfp_flags)?;
        let sleep_bit = *gfp_flags
            .get(&raw.gfp.sleep_bit)
            .ok_or_else(|| format!("gfp.sleep_bit `{}` is not a known bit", raw.gfp.sleep_bit))?;

        let mut sections = Vec::new();
        let mut lock_ops = HashMap::new();
        let mut guard_ops = HashMap::new();
        for (id, s) in raw.section.into_iter().enumerate() {
            sections.push(SectionKind {
                kind: s.kind,
                keyed: s.keyed,
            });
            for n in s.acquire {
                lock_ops.insert(n, LockOp::Acquire(id));
            }
            for n in s.release {
                lock_ops.insert(n, LockOp::Release(id));
            }
            for n in s.try_acquire {
                lock_ops.insert(n, LockOp::TryAcquire(id));
            }
            for n in s.guards {
                guard_ops.insert(n, GuardOp::Holds(id));
            }
            for n in s.try_guards {
                guard_ops.insert(n, GuardOp::TryHolds(id));
            }
        }

        let mut allocators = HashMap::new();
        for a in raw.allocator {
            let gfp_arg = match a.gfp_arg {
                None => GfpArg::None,
                Some(i) if i < 0 => GfpArg::ByValue,
                Some(i) => GfpArg::At(i as usize),
            };
            let default_gfp = match &a.default_gfp {
                Some(name) => Some(
                    *gfp_flags
                        .get(name)
                        .ok_or_else(|| format!("default_gfp `{name}` is not a known flag"))?,
                ),
                None => None,
            };
            let alloc = Allocator {
                family: a.family,
                size_arg: a.size_arg,
                count_arg: a.count_arg,
                order_arg: a.order_arg,
                gfp_arg,
                default_gfp,
                always_sleeps: a.always_sleeps,
            };
            for n in a.names {
                allocators.insert(n, alloc.clone());
            }
        }
        let free_ptr_args = raw
            .free
            .iter()
            .map(|f| (f.name.clone(), f.ptr_arg))
            .collect();
        let frees = raw.free.into_iter().map(|f| (f.name, f.frees)).collect();
        Ok(Knowledge {
            sections,
            lock_ops,
            guard_ops,
            gfp_flags,
            sleep_bit,
            non_allocating: raw.gfp.non_allocating.names.into_iter().collect(),
            allocators,
            frees,
            free_ptr_args,
            constants: raw.constants,
            type_sizes: raw.type_sizes,
        })
    }

    pub fn lock_op(&self, callee: &str) -> Option<LockOp> {
        self.lock_ops.get(callee).copied()
    }

    pub fn guard_op(&self, class: &str) -> Option<GuardOp> {
        self.guard_ops.get(class).copied()
    }

    pub fn gfp_flag(&self, name: &str) -> Option<GfpSet> {
        self.gfp_flags.get(name).copied()
    }

    pub fn is_gfp_flag(&self, name: &str) -> bool {
        self.gfp_flags.contains_key(name)
    }

    pub fn allocator(&self, callee: &str) -> Option<&Allocator> {
        self.allocators.get(callee)
    }

    /// Whether a call with a GFP argument is known not to allocate (a flag query).
    pub fn is_non_allocating_gfp_user(&self, callee: &str) -> bool {
        self.non_allocating.contains(callee)
    }

    /// Families of memory a free function releases, if it is one.
    pub fn free_families(&self, callee: &str) -> Option<&[String]> {
        self.frees.get(callee).map(Vec::as_slice)
    }

    /// Which argument of a free function is the pointer freed.
    pub fn free_ptr_arg(&self, callee: &str) -> usize {
        self.free_ptr_args.get(callee).copied().unwrap_or(0)
    }
}

/// Evaluates the composite flag definitions in dependency order.
fn resolve_composites(
    composite: &HashMap<String, String>,
    flags: &mut HashMap<String, GfpSet>,
) -> Result<(), String> {
    let mut pending: Vec<(&String, &String)> = composite.iter().collect();
    pending.sort();
    // Each round resolves at least one definition or the table has a cycle/unknown name.
    while !pending.is_empty() {
        let before = pending.len();
        pending.retain(|(name, expr)| {
            match crate::gfp::eval_flags(expr, &|id| flags.get(id).copied()) {
                crate::gfp::GfpValue::Known(set) => {
                    flags.insert((*name).clone(), set);
                    false
                }
                _ => true,
            }
        });
        if pending.len() == before {
            let names: Vec<_> = pending.iter().map(|(n, _)| n.as_str()).collect();
            return Err(format!(
                "gfp.composite: cannot resolve {}",
                names.join(", ")
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_api_loads() {
        let k = Knowledge::from_toml(API_TOML).unwrap();
        assert!(k.gfp_flag("GFP_KERNEL").unwrap().contains(k.sleep_bit));
        assert!(!k.gfp_flag("GFP_ATOMIC").unwrap().contains(k.sleep_bit));
        assert!(!k.gfp_flag("GFP_NOWAIT").unwrap().contains(k.sleep_bit));
        assert!(
            !k.gfp_flag("GFP_TRANSHUGE_LIGHT")
                .unwrap()
                .contains(k.sleep_bit)
        );
        assert!(k.gfp_flag("GFP_TRANSHUGE").unwrap().contains(k.sleep_bit));
        assert!(matches!(
            k.lock_op("spin_lock_irqsave"),
            Some(LockOp::Acquire(_))
        ));
        assert!(k.lock_op("spin_lock_init").is_none());
        assert!(k.allocator("vmalloc").unwrap().always_sleeps);
        assert_eq!(k.constants.get("SZ_4K"), Some(&4096));
        assert_eq!(k.constants.get("SZ_2G"), Some(&(2 << 30)));
        assert_eq!(k.type_sizes.get("struct list_head"), Some(&16));
    }
}
