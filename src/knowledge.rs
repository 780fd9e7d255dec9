//! Knowledge about kernel APIs, loaded from `lints/api.toml` (embedded at build time).
//!
//! This is the only place that knows names of kernel functions and flags; every other
//! stage asks it questions ("is this call a lock release?", "what does this flag set
//! contain?"). Keeping it data lets users extend it without touching analysis code.

use rustc_hash::{FxHashMap as HashMap, FxHashSet};
use std::sync::OnceLock;

use serde::Deserialize;

use crate::gfp::GfpSet;

/// The embedded API description. Editing `lints/api.toml` and rebuilding is all it takes.
pub const API_TOML: &str = include_str!("../lints/api.toml");
/// Layouts of kernel types that drivers embed but do not define (`struct mutex`,
/// `spinlock_t`), for the target configuration; generated from the compiler's BTF
/// by `bench/gen-type-layouts.sh` (see the file's header).
pub const TYPE_LAYOUTS_TOML: &str = include_str!("../lints/types-x86_64-6.1.toml");

#[derive(Debug, Deserialize)]
struct RawTypeLayouts {
    #[serde(default)]
    type_layouts: HashMap<String, (u64, u64)>,
}

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
    entry: Vec<RawEntry>,
    noreturn: RawNames,
    callback_param_types: RawNames,
    #[serde(default)]
    collection_insert: RawNames,
    #[serde(default)]
    dma_handoff: RawNames,
    #[serde(default)]
    memory_family: HashMap<String, Vec<String>>,
    #[serde(default)]
    family_free: HashMap<String, String>,
    #[serde(default)]
    checked_array_form: HashMap<String, CheckedForm>,
    #[serde(default)]
    small_vmalloc_exempt: RawNames,
    #[serde(default)]
    zeroing_allocators: RawNames,
    entry_field: Vec<RawEntryField>,
    sleeping: Vec<RawSleeping>,
    #[serde(default)]
    context_guards: RawContextGuards,
    #[serde(default)]
    pure: Option<RawNames>,
}

/// Context queries, by the value they return where sleeping is allowed.
#[derive(Debug, Default, Deserialize)]
struct RawContextGuards {
    #[serde(default)]
    true_when_sleepable: Vec<String>,
    #[serde(default)]
    false_when_sleepable: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct RawEntry {
    context: String,
    registrations: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct RawEntryField {
    context: String,
    fields: Vec<String>,
    #[serde(default)]
    object: Option<String>,
    #[serde(default)]
    initialised_by: Vec<String>,
}

/// A callback field and the context its function runs in.
#[derive(Debug, Clone)]
pub struct EntryField {
    pub context: String,
    /// Text the assigned object or initialised type must contain, for generic names.
    pub object: Option<String>,
    /// Or: calls one of which must initialise the object (first argument) in the file.
    pub initialised_by: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct RawSleeping {
    reason: String,
    names: Vec<String>,
    #[serde(default)]
    outside_interrupt_only: bool,
}

#[derive(Debug, Deserialize)]
struct RawGfp {
    sleep_bit: String,
    bits: Vec<String>,
    composite: HashMap<String, String>,
    non_allocating: RawNames,
}

/// The overflow-checked form of a single-size allocator (`kzalloc` → `kcalloc`).
#[derive(Debug, Clone, Deserialize)]
pub struct CheckedForm {
    /// The array variant taking `(…, n, size, …)` in place of the size, if one exists.
    #[serde(default)]
    pub variant: Option<String>,
    /// How help texts name the checked form.
    pub help: String,
}

#[derive(Debug, Default, Deserialize)]
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
    acquire_wrappers: Vec<String>,
    #[serde(default)]
    release_wrappers: Vec<String>,
    #[serde(default)]
    try_acquire_wrappers: Vec<String>,
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
    #[serde(default)]
    drops_lock_arg: Option<usize>,
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

/// A lock operation and the argument that names the lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockCall {
    pub op: LockOp,
    pub key_arg: usize,
}

/// Where a registration passes its callback, and the context the callback runs in.
#[derive(Debug, Clone)]
pub struct EntryRegistration {
    pub arg: usize,
    pub context: String,
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
    /// The argument naming a lock the call drops while it allocates (`__xa_store`).
    pub drops_lock_arg: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GfpArg {
    None,
    At(usize),
    /// Recognise it among the arguments by its value.
    ByValue,
}

#[derive(Debug, Clone)]
pub struct Knowledge {
    pub sections: Vec<SectionKind>,
    lock_ops: HashMap<String, LockCall>,
    entries: HashMap<String, EntryRegistration>,
    entry_fields: HashMap<String, EntryField>,
    sleeping: HashMap<String, String>,
    noreturn: FxHashSet<String>,
    /// Calls that link an object into a collection (list, hash table, tree, queue).
    collection_insert: FxHashSet<String>,
    /// Calls that hand a buffer to a device for DMA (it must be physically contiguous).
    dma_handoff: FxHashSet<String>,
    /// Functions that are not allocators (no size or GFP argument to judge) but
    /// return memory of an allocator family (`memdup_user` → kmalloc), for free tracking.
    memory_family: HashMap<String, String>,
    /// The free that pairs with each allocator family (`kmalloc` → `kfree()`).
    family_free: HashMap<String, String>,
    /// The overflow-checked form of each single-size allocator.
    checked_array_form: HashMap<String, CheckedForm>,
    /// vmalloc variants used for small sizes on purpose.
    small_vmalloc_exempt: FxHashSet<String>,
    /// Allocators that return zeroed memory.
    zeroing_allocators: FxHashSet<String>,
    /// Context queries (`in_interrupt()`, `preemptible()`) → the value they return
    /// where sleeping is allowed.
    context_guards: HashMap<String, bool>,
    /// Functions without side effects whose result depends only on their arguments.
    pure: FxHashSet<String>,
    /// Calls that initialise a callback object (derived from `entry_fields`).
    initialisers: FxHashSet<String>,
    callback_param_types: Vec<String>,
    sleeps_outside_interrupt_only: FxHashSet<String>,
    guard_ops: HashMap<String, GuardOp>,
    gfp_flags: HashMap<String, GfpSet>,
    pub sleep_bit: GfpSet,
    non_allocating: FxHashSet<String>,
    allocators: HashMap<String, Allocator>,
    frees: HashMap<String, Vec<String>>,
    free_ptr_args: HashMap<String, usize>,
    /// Named constants for the size evaluator (`SZ_4K`).
    pub constants: HashMap<String, i64>,
    /// `sizeof` of configuration-independent types on a 64-bit target.
    pub type_sizes: HashMap<String, u64>,
    /// (size, alignment) of kernel types for the target (`lints/types-*.toml`).
    pub type_layouts: HashMap<String, (u64, u64)>,
    /// A digest of what this knowledge was made from (the API description and any
    /// extensions), so cached per-file results made with other knowledge are not reused.
    fingerprint: u64,
}

impl Knowledge {
    /// The built-in knowledge (parsed once per process).
    #[allow(
        clippy::expect_used,
        reason = "the table is compiled in and parsed by every test run"
    )]
    pub fn builtin() -> &'static Knowledge {
        static K: OnceLock<Knowledge> = OnceLock::new();
        K.get_or_init(|| {
            Knowledge::from_toml(API_TOML)
                .expect("embedded lints/api.toml is valid (checked by tests)")
        })
    }

    pub fn from_toml(text: &str) -> Result<Knowledge, String> {
        let raw: RawApi = toml::from_str(text).map_err(|e| format!("lints/api.toml: {e}"))?;
        let mut gfp_flags = HashMap::default();
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
        let mut lock_ops = HashMap::default();
        let mut guard_ops = HashMap::default();
        for (id, s) in raw.section.into_iter().enumerate() {
            sections.push(SectionKind {
                kind: s.kind,
                keyed: s.keyed,
            });
            let ops = [
                (s.acquire, LockOp::Acquire(id)),
                (s.release, LockOp::Release(id)),
                (s.try_acquire, LockOp::TryAcquire(id)),
                (s.acquire_wrappers, LockOp::Acquire(id)),
                (s.release_wrappers, LockOp::Release(id)),
                (s.try_acquire_wrappers, LockOp::TryAcquire(id)),
            ];
            for (names, op) in ops {
                for n in names {
                    let (name, key_arg) = name_and_arg(&n, 0)?;
                    lock_ops.insert(name, LockCall { op, key_arg });
                }
            }
            for n in s.guards {
                guard_ops.insert(n, GuardOp::Holds(id));
            }
            for n in s.try_guards {
                guard_ops.insert(n, GuardOp::TryHolds(id));
            }
        }

        let mut allocators = HashMap::default();
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
                drops_lock_arg: a.drops_lock_arg,
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
        let mut entries = HashMap::default();
        for e in raw.entry {
            for r in e.registrations {
                let (name, arg) = name_and_arg(&r, usize::MAX)?;
                if arg == usize::MAX {
                    return Err(format!("entry registration `{r}` needs `:ARG`"));
                }
                entries.insert(
                    name,
                    EntryRegistration {
                        arg,
                        context: e.context.clone(),
                    },
                );
            }
        }
        let mut entry_fields = HashMap::default();
        for e in raw.entry_field {
            for f in e.fields {
                entry_fields.insert(
                    f,
                    EntryField {
                        context: e.context.clone(),
                        object: e.object.clone(),
                        initialised_by: e.initialised_by.clone(),
                    },
                );
            }
        }
        let mut sleeping = HashMap::default();
        let mut sleeps_outside_interrupt_only = FxHashSet::default();
        for g in raw.sleeping {
            for n in g.names {
                if g.outside_interrupt_only {
                    sleeps_outside_interrupt_only.insert(n.clone());
                }
                sleeping.insert(n, g.reason.clone());
            }
        }
        Ok(Knowledge {
            fingerprint: xxhash_rust::xxh3::xxh3_64(text.as_bytes()),
            initialisers: FxHashSet::default(),
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
            type_layouts: toml::from_str::<RawTypeLayouts>(TYPE_LAYOUTS_TOML)
                .map_err(|e| format!("lints/types-x86_64-6.1.toml: {e}"))?
                .type_layouts,
            entries,
            entry_fields,
            sleeping,
            noreturn: raw.noreturn.names.into_iter().collect(),
            collection_insert: raw.collection_insert.names.into_iter().collect(),
            dma_handoff: raw.dma_handoff.names.into_iter().collect(),
            memory_family: raw
                .memory_family
                .into_iter()
                .flat_map(|(family, names)| names.into_iter().map(move |n| (n, family.clone())))
                .collect(),
            family_free: raw.family_free,
            checked_array_form: raw.checked_array_form,
            small_vmalloc_exempt: raw.small_vmalloc_exempt.names.into_iter().collect(),
            zeroing_allocators: raw.zeroing_allocators.names.into_iter().collect(),
            pure: raw
                .pure
                .map(|p| p.names)
                .unwrap_or_default()
                .into_iter()
                .collect(),
            context_guards: raw
                .context_guards
                .true_when_sleepable
                .into_iter()
                .map(|n| (n, true))
                .chain(
                    raw.context_guards
                        .false_when_sleepable
                        .into_iter()
                        .map(|n| (n, false)),
                )
                .collect(),
            callback_param_types: raw.callback_param_types.names,
            sleeps_outside_interrupt_only,
        }
        .derive())
    }

    /// This knowledge plus a project's own APIs (from `gfplint.toml`): lock wrappers,
    /// sleeping functions, allocators and entry-point registrations. An extra lock whose
    /// `kind` names a built-in section kind joins it; another kind is a new section.
    pub fn extended(&self, extra: &ConfigKnowledge) -> Result<Knowledge, String> {
        let mut k = self.clone();
        // The extension's Debug text is deterministic (vectors and options only).
        let mut digest = self.fingerprint.to_le_bytes().to_vec();
        digest.extend_from_slice(format!("{extra:?}").as_bytes());
        k.fingerprint = xxhash_rust::xxh3::xxh3_64(&digest);
        for l in &extra.locks {
            let id = match k.sections.iter().position(|s| s.kind == l.kind) {
                Some(id) => id,
                None => {
                    k.sections.push(SectionKind {
                        kind: l.kind.clone(),
                        keyed: l.keyed.unwrap_or(true),
                    });
                    k.sections.len() - 1
                }
            };
            let ops = [
                (&l.acquire, LockOp::Acquire(id)),
                (&l.release, LockOp::Release(id)),
                (&l.try_acquire, LockOp::TryAcquire(id)),
            ];
            for (names, op) in ops {
                for n in names {
                    let (name, key_arg) = name_and_arg(n, 0)?;
                    k.lock_ops.insert(name, LockCall { op, key_arg });
                }
            }
        }
        for n in &extra.sleeping {
            k.sleeping.insert(
                n.clone(),
                "is listed as sleeping in gfplint.toml".to_string(),
            );
        }
        for a in &extra.allocators {
            let gfp_arg = match a.gfp_arg {
                None => GfpArg::None,
                Some(i) if i < 0 => GfpArg::ByValue,
                Some(i) => GfpArg::At(i as usize),
            };
            let default_gfp = match &a.default_gfp {
                Some(name) => Some(
                    k.gfp_flag(name)
                        .ok_or_else(|| format!("default_gfp `{name}` is not a known flag"))?,
                ),
                None => None,
            };
            if gfp_arg == GfpArg::None && default_gfp.is_none() && !a.always_sleeps {
                return Err(
                    "an allocator needs `gfp_arg`, `default_gfp` or `always_sleeps = true`"
                        .to_string(),
                );
            }
            let alloc = Allocator {
                family: a.family.clone().unwrap_or_else(|| "other".to_string()),
                size_arg: a.size_arg,
                count_arg: a.count_arg,
                order_arg: a.order_arg,
                gfp_arg,
                default_gfp,
                always_sleeps: a.always_sleeps,
                drops_lock_arg: None,
            };
            for n in &a.names {
                k.allocators.insert(n.clone(), alloc.clone());
            }
        }
        for e in &extra.entries {
            for r in &e.registrations {
                let (name, arg) = name_and_arg(r, usize::MAX)?;
                if arg == usize::MAX {
                    return Err(format!(
                        "entry registration `{r}` needs `:ARG` (the callback's 0-based position)"
                    ));
                }
                k.entries.insert(
                    name,
                    EntryRegistration {
                        arg,
                        context: e.context.clone(),
                    },
                );
            }
        }
        Ok(k.derive())
    }

    /// See the field: equal fingerprints mean equal knowledge.
    pub fn fingerprint(&self) -> u64 {
        self.fingerprint
    }

    pub fn lock_op(&self, callee: &str) -> Option<LockOp> {
        self.lock_ops.get(callee).map(|c| c.op)
    }

    pub fn lock_call(&self, callee: &str) -> Option<LockCall> {
        self.lock_ops.get(callee).copied()
    }

    /// A registration whose callback runs in atomic context (`request_irq`, ...).
    pub fn entry_registration(&self, callee: &str) -> Option<&EntryRegistration> {
        self.entries.get(callee)
    }

    /// The context of a callback stored in this field (`ndo_start_xmit`, ...).
    pub fn entry_field(&self, field: &str) -> Option<&EntryField> {
        self.entry_fields.get(field)
    }

    /// Whether a call initialises objects whose callback fields we read (hrtimer_init).
    pub fn initialises_callback_object(&self, callee: &str) -> bool {
        self.initialisers.contains(callee)
    }

    /// Recomputes the tables derived from others (after loading or extending).
    fn derive(mut self) -> Knowledge {
        self.initialisers = self
            .entry_fields
            .values()
            .flat_map(|e| e.initialised_by.iter().cloned())
            .collect();
        self
    }

    /// Whether a sleeping call is fine in interrupt context (it checks in_interrupt()).
    pub fn sleeps_outside_interrupt_only(&self, callee: &str) -> bool {
        self.sleeps_outside_interrupt_only.contains(callee)
    }

    /// Whether a parameter type marks an atomic callback (`struct timer_list *`).
    pub fn is_callback_param_type(&self, ty: &str) -> bool {
        self.callback_param_types
            .iter()
            .any(|t| ty.contains(t.as_str()))
    }

    /// For a context query (`in_interrupt()`, `gfpflags_allow_blocking()`): the value it
    /// returns on the branch where the code may sleep.
    pub fn sleepable_when(&self, callee: &str) -> Option<bool> {
        self.context_guards.get(callee).copied()
    }

    /// Whether a function is a pure query (`strcmp`): a condition calling only such
    /// functions has the same value when its text is tested again.
    pub fn is_pure(&self, callee: &str) -> bool {
        self.pure.contains(callee)
    }

    /// Whether a call never returns (`panic`, `BUG`): the path ends there.
    pub fn is_noreturn(&self, callee: &str) -> bool {
        self.noreturn.contains(callee)
    }

    /// Whether a call links its argument into a collection (`list_add_tail`).
    pub fn is_collection_insert(&self, callee: &str) -> bool {
        self.collection_insert.contains(callee)
    }

    /// The allocator family of the memory a non-allocator returns (`memdup_user`).
    pub fn memory_family(&self, callee: &str) -> Option<&str> {
        self.memory_family.get(callee).map(String::as_str)
    }

    /// The overflow-checked form of a single-size allocator (`kzalloc` → `kcalloc`).
    pub fn checked_array_form(&self, callee: &str) -> Option<&CheckedForm> {
        self.checked_array_form.get(callee)
    }

    /// Whether a vmalloc variant is used for small sizes on purpose (`vmalloc_user`).
    pub fn is_small_vmalloc_exempt(&self, callee: &str) -> bool {
        self.small_vmalloc_exempt.contains(callee)
    }

    /// Whether an allocator returns zeroed memory (`vzalloc`).
    pub fn is_zeroing(&self, callee: &str) -> bool {
        self.zeroing_allocators.contains(callee)
    }

    /// The free that pairs with an allocator family, for help texts.
    pub fn family_free(&self, family: &str) -> &str {
        self.family_free
            .get(family)
            .map_or("the matching free", String::as_str)
    }

    /// Whether a call hands a buffer to a device for DMA (`usb_fill_bulk_urb`).
    pub fn is_dma_handoff(&self, callee: &str) -> bool {
        self.dma_handoff.contains(callee)
    }

    /// Whether the knowledge says what calling `name` does (it allocates, sleeps or
    /// is a lock primitive). Such knowledge outranks an in-tree body of that name: the
    /// body of `cancel_work_sync()` releasing a pool lock it did not take must not make
    /// its callers lose their findings when the workqueue code is part of the run.
    pub fn describes_api(&self, name: &str) -> bool {
        self.lock_ops.contains_key(name)
            || self.sleeping.contains_key(name)
            || self.allocators.contains_key(name)
    }

    /// Why a (non-allocating) call may sleep, if it does.
    pub fn sleeping_call(&self, callee: &str) -> Option<&str> {
        self.sleeping.get(callee).map(String::as_str)
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
    /// Which argument of a free function is the pointer freed.
    pub fn free_ptr_arg(&self, callee: &str) -> usize {
        self.free_ptr_args.get(callee).copied().unwrap_or(0)
    }

    pub fn free_families(&self, callee: &str) -> Option<&[String]> {
        self.frees.get(callee).map(Vec::as_slice)
    }
}

/// A project's own API knowledge, from `gfplint.toml` `[knowledge]` (see
/// [`Knowledge::extended`]). Plain data; validated where it is read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConfigKnowledge {
    pub locks: Vec<ExtraLock>,
    /// Functions that may sleep (like `mutex_lock`).
    pub sleeping: Vec<String>,
    pub allocators: Vec<ExtraAllocator>,
    pub entries: Vec<ExtraEntry>,
}

/// Lock and unlock functions (`name` or `name:ARG` for the argument naming the lock).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExtraLock {
    /// A built-in section kind (`spinlock`, `IRQs disabled`, ...) or a new one.
    pub kind: String,
    /// For a new kind: whether the lock is identified by its argument (default true).
    pub keyed: Option<bool>,
    pub acquire: Vec<String>,
    pub release: Vec<String>,
    pub try_acquire: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExtraAllocator {
    pub names: Vec<String>,
    pub family: Option<String>,
    pub size_arg: Option<usize>,
    pub count_arg: Option<usize>,
    pub order_arg: Option<usize>,
    /// 0-based position of the GFP argument, or -1: find it by its value.
    pub gfp_arg: Option<i64>,
    pub default_gfp: Option<String>,
    pub always_sleeps: bool,
}

/// Registrations whose callback (`name:ARG`) runs in atomic `context`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExtraEntry {
    pub context: String,
    pub registrations: Vec<String>,
}

/// Splits `name:N` into the name and argument index N (`default` without a suffix).
fn name_and_arg(entry: &str, default: usize) -> Result<(String, usize), String> {
    match entry.split_once(':') {
        Some((name, n)) => n
            .parse()
            .map(|n| (name.to_string(), n))
            .map_err(|_| format!("`{entry}`: the part after `:` must be an argument index")),
        None => Ok((entry.to_string(), default)),
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
    fn embedded_api_loads_constants() {
        let k = Knowledge::from_toml(API_TOML).unwrap();
        assert_eq!(k.constants.get("SZ_4K"), Some(&4096));
        assert_eq!(k.constants.get("SZ_2G"), Some(&(2 << 30)));
        assert_eq!(k.type_sizes.get("struct list_head"), Some(&16));
    }

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
    }
}
