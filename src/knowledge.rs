//! Knowledge about kernel APIs, loaded from `lints/api.toml` (embedded at build time).
//!
//! This is the only place that knows names of kernel functions and flags; every other
//! stage asks it questions ("is this call a lock release?", "what does this flag set
//! contain?"). Keeping it data lets users extend it without touching analysis code.
//!
//! In the pipeline (stage *knowledge*, `src/knowledge.rs` + `lints/api.toml`): every
//! kernel API name and flag, as data, embedded in the binary. Typed API model: `derive`
//! gathers every name the hot tables describe into one sorted API table (`Api`:
//! allocator, lock operation, sleeping reason); `parse::classify_calls` stamps each
//! `Call` with its `ApiId` once, at the end of extraction, and with its parsed GFP
//! argument (an allocator's constant flags, `Call::gfp_flags`; other texts are
//! evaluated where read); later stages ask
//! `call_allocator(c)`/`call_lock_op(c)`/`call_sleeping(c)`/`call_setup_dependent(c)`
//! (a call whose sleeping depends on its object's setup: no call edge); entry kinds,
//! section flags and callback shapes are declared columns (`EntryKind`, `in_interrupt`,
//! `ambiguous_per_object`, `irq_handler_shape`); memory families are `[[family]]` rows
//! (`FamilyId` → `Family`: `MemoryKind`, `kmalloc_classes`, its free), and lints
//! compare ids and ask columns

use rustc_hash::{FxHashMap as HashMap, FxHashSet};
use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Deserialize;

use crate::facts::{ApiId, Call};
use crate::gfp::{GfpSet, GfpValue};

/// The embedded API description. Editing `lints/api.toml` and rebuilding is all it takes.
pub const API_TOML: &str = include_str!("../lints/api.toml");
/// Layouts of kernel types that drivers embed but do not define (`struct mutex`,
/// `spinlock_t`), per kernel version, for Debian's x86-64 configuration; generated
/// from the compiler's BTF by `bench/gen-type-layouts.sh` (see each file's header).
/// Ascending by version.
pub const TYPE_LAYOUTS_TOML: [((u32, u32), &str, &str); 2] = [
    (
        (6, 1),
        "lints/types-x86_64-6.1.toml",
        include_str!("../lints/types-x86_64-6.1.toml"),
    ),
    (
        (6, 12),
        "lints/types-x86_64-6.12.toml",
        include_str!("../lints/types-x86_64-6.12.toml"),
    ),
];

/// (size, alignment) of the kernel's own types for a target kernel version: the table
/// of the newest version not after it (the oldest table for older kernels). Parsed on
/// first use; the embedded tables are checked by a test.
pub fn type_layouts(version: (u32, u32)) -> &'static HashMap<String, (u64, u64)> {
    static TABLES: [OnceLock<HashMap<String, (u64, u64)>>; 2] = [OnceLock::new(), OnceLock::new()];
    let at = TYPE_LAYOUTS_TOML
        .iter()
        .rposition(|(v, _, _)| *v <= version)
        .unwrap_or(0);
    TABLES[at].get_or_init(|| {
        let (_, name, text) = TYPE_LAYOUTS_TOML[at];
        toml::from_str::<RawTypeLayouts>(text)
            .unwrap_or_else(|e| panic!("embedded {name} is valid (checked by tests): {e}"))
            .type_layouts
    })
}

#[derive(Debug, Deserialize)]
struct RawTypeLayouts {
    #[serde(default)]
    type_layouts: HashMap<String, (u64, u64)>,
}

/// The one schema of API knowledge: `lints/api.toml`, and the `[knowledge]` table of
/// `gfplint.toml`, which may use every table (see [`Knowledge::add`]). Every table is
/// optional; maps are ordered, so the `Debug` text (part of the fingerprint) is stable.
/// A macro that declares a struct member: `DECLARE_BITMAP(name, bits)` is the member
/// `unsigned long name[BITS_TO_LONGS(bits)]` (`field`, with each parameter replaced by
/// its argument's text, whole words only).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct MemberMacro {
    pub name: String,
    pub params: Vec<String>,
    pub field: String,
}

impl MemberMacro {
    /// The member declaration `NAME(args…)` stands for (`None`: another argument
    /// count).
    pub fn expand(&self, args: &[&str]) -> Option<String> {
        if args.len() != self.params.len() {
            return None;
        }
        let mut out = String::new();
        let mut word = String::new();
        let flush = |word: &mut String, out: &mut String| {
            match self.params.iter().position(|p| p == word) {
                Some(i) => out.push_str(args[i].trim()),
                None => out.push_str(word),
            }
            word.clear();
        };
        for c in self.field.chars() {
            if c.is_ascii_alphanumeric() || c == '_' {
                word.push(c);
            } else {
                flush(&mut word, &mut out);
                out.push(c);
            }
        }
        flush(&mut word, &mut out);
        Some(out)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KnowledgeTables {
    #[serde(default)]
    pub gfp: Option<RawGfp>,
    /// Atomic sections; `gfplint.toml` has called them `lock` since its first version.
    #[serde(default, alias = "lock")]
    pub section: Vec<RawSection>,
    #[serde(default)]
    pub allocator: Vec<RawAllocator>,
    #[serde(default)]
    pub free: Vec<RawFree>,
    #[serde(default)]
    pub constants: BTreeMap<String, i64>,
    #[serde(default)]
    pub type_sizes: BTreeMap<String, u64>,
    #[serde(default)]
    pub member_macro: Vec<MemberMacro>,
    #[serde(default)]
    pub entry: Vec<RawEntry>,
    #[serde(default)]
    pub noreturn: RawNames,
    #[serde(default)]
    pub assertions: RawNames,
    #[serde(default)]
    pub error_pointers: RawNames,
    #[serde(default)]
    pub list_empty_tests: RawNames,
    /// List iterator macros → the argument that is the list's head.
    #[serde(default)]
    pub list_iterators: BTreeMap<String, usize>,
    #[serde(default)]
    pub never_sleeps: RawNames,
    #[serde(default)]
    pub dropped_by_allocation: RawNames,
    #[serde(default)]
    pub callback_param_types: RawNames,
    #[serde(default)]
    pub collection_insert: RawNames,
    #[serde(default)]
    pub dma_handoff: RawNames,
    #[serde(default)]
    pub family: Vec<RawFamily>,
    #[serde(default)]
    pub memory_family: BTreeMap<String, Vec<String>>,
    /// The free text of families (`gfplint.toml` has accepted it since before
    /// `[[family]]`; a family's `free` column says the same).
    #[serde(default)]
    pub family_free: BTreeMap<String, String>,
    #[serde(default)]
    pub checked_array_form: BTreeMap<String, CheckedForm>,
    #[serde(default)]
    pub small_vmalloc_exempt: RawNames,
    #[serde(default)]
    pub zeroing_allocators: RawNames,
    #[serde(default)]
    pub entry_field: Vec<RawEntryField>,
    #[serde(default)]
    pub sleeping: Vec<SleepingRow>,
    #[serde(default)]
    pub setup_dependent: Vec<RawSetupDependent>,
    #[serde(default)]
    pub context_guards: RawContextGuards,
    #[serde(default)]
    pub pure: RawNames,
    #[serde(default)]
    pub object_fill: RawNames,
    #[serde(default)]
    pub private_area: RawNames,
    #[serde(default)]
    pub same_object: RawNames,
    #[serde(default)]
    pub bit_test: RawNames,
    #[serde(default)]
    pub irq_handler_shape: Option<IrqHandlerShape>,
    #[serde(default)]
    pub unlocked_argument: BTreeMap<String, [usize; 2]>,
    /// DMA handoff calls → the argument holding the buffer handed to the device.
    #[serde(default)]
    pub dma_buffer_arg: BTreeMap<String, usize>,
    /// Calls → the pointer arguments they only read through.
    #[serde(default)]
    pub read_only_args: BTreeMap<String, Vec<usize>>,
    /// Calls → the first argument from which on they only read every argument.
    #[serde(default)]
    pub read_only_from: BTreeMap<String, usize>,
}

/// The knowledge a configuration adds: the same schema as the built-in tables.
pub type ConfigKnowledge = KnowledgeTables;

/// The parameter list of an IRQ handler (`(int irq, void *data)`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IrqHandlerShape {
    pub params: usize,
    pub first_param: Vec<String>,
}

/// What kind of atomic callback a registration or field sets up (`kind` in
/// `[[entry]]`); it decides the help a finding gets, never its message text.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, serde::Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EntryKind {
    /// A hard-IRQ handler (`request_irq`).
    IrqHandler,
    /// Run from softirq context (tasklet, timer, NAPI poll, RCU callback).
    Softirq,
    /// Another callback that runs in atomic context.
    #[default]
    Callback,
}

/// Context queries, by the value they return where sleeping is allowed.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawContextGuards {
    #[serde(default)]
    pub true_when_sleepable: Vec<String>,
    #[serde(default)]
    pub false_when_sleepable: Vec<String>,
}

/// Registrations whose callback (`name:ARG`) runs in atomic `context`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEntry {
    /// How messages name the context ("hard-IRQ handler").
    pub context: String,
    #[serde(default)]
    pub kind: EntryKind,
    /// The callback is set up on an object (the first argument) that may be set up
    /// again with another callback (timers, tasklets).
    #[serde(default)]
    pub ambiguous_per_object: bool,
    pub registrations: Vec<String>,
}

/// Callback fields (`.ndo_start_xmit = f`) whose function runs in atomic `context`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEntryField {
    pub context: String,
    #[serde(default)]
    pub kind: EntryKind,
    pub fields: Vec<String>,
    #[serde(default)]
    pub object: Option<String>,
    #[serde(default)]
    pub initialised_by: Vec<String>,
}

/// A callback field and the context its function runs in.
#[derive(Debug, Clone)]
pub struct EntryField {
    pub context: String,
    pub kind: EntryKind,
    /// Text the assigned object or initialised type must contain, for generic names.
    pub object: Option<String>,
    /// Or: calls one of which must initialise the object (first argument) in the file.
    pub initialised_by: Vec<String>,
}

/// A row of `sleeping`: a group of calls with the reason they sleep, or (the short
/// form `gfplint.toml` has always accepted) one name.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum SleepingRow {
    Name(String),
    Group(RawSleeping),
}

/// A row of `setup_dependent`: calls whose sleeping depends on how their object was
/// set up, with why.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSetupDependent {
    pub reason: String,
    pub names: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSleeping {
    pub reason: String,
    pub names: Vec<String>,
    #[serde(default)]
    pub outside_interrupt_only: bool,
    /// `[argument, bound]`: the call sleeps only when that argument (0-based) is
    /// greater than the bound (`fsleep(usecs)` busy-waits up to 10 µs).
    #[serde(default)]
    pub only_when_arg_above: Option<(usize, i64)>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawGfp {
    /// The bit whose presence means "may sleep"; with `bits` only (the built-in table).
    #[serde(default)]
    pub sleep_bit: Option<String>,
    #[serde(default)]
    pub bits: Vec<String>,
    /// The flag that names the zone modifiers (`GFP_ZONEMASK`): flags with only those
    /// bits (or none) choose a memory zone, not whether the allocation may sleep.
    #[serde(default)]
    pub zone_mask: Option<String>,
    /// The flag that asks for zeroed memory (`__GFP_ZERO`): an allocation passed it
    /// returns an object whose every member is zero.
    #[serde(default)]
    pub zero_flag: Option<String>,
    #[serde(default)]
    pub composite: BTreeMap<String, String>,
    #[serde(default)]
    pub non_allocating: RawNames,
}

/// What an allocator family's memory is: it decides which frees match and which memory
/// lints judge the family (`memory` in `[[family]]`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MemoryKind {
    /// Slab objects (kmalloc, kmem_cache).
    Slab,
    /// Device-managed kmalloc memory: devres frees it when the device detaches.
    Devres,
    /// kvmalloc: slab memory, or a vmalloc area when kmalloc failed.
    SlabOrVmalloc,
    Vmalloc,
    /// The page allocator.
    Pages,
    /// DMA buffers (coherent, noncoherent, managed, pool).
    Dma,
    /// Not judged by the memory lints.
    #[default]
    Other,
}

/// A row of `[[family]]`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFamily {
    pub name: String,
    #[serde(default)]
    pub memory: MemoryKind,
    #[serde(default)]
    pub kmalloc_classes: bool,
    #[serde(default)]
    pub free: Option<String>,
}

/// Index of a memory family in the knowledge's family table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FamilyId(u16);

/// A memory family, as lints see it.
#[derive(Debug, Clone)]
pub struct Family {
    /// How messages name it ("kvmalloc memory").
    pub name: String,
    pub memory: MemoryKind,
    /// Requests are served from kmalloc's size classes.
    pub kmalloc_classes: bool,
    /// The free that pairs with it, for help texts.
    free: Option<String>,
}

impl Family {
    /// The free that pairs with this family, for help texts.
    pub fn free_help(&self) -> &str {
        self.free.as_deref().unwrap_or("the matching free")
    }

    /// Whether it is slab memory served from kmalloc's size classes (what `kfree()` frees).
    pub fn is_kmalloc_slab(&self) -> bool {
        self.memory == MemoryKind::Slab && self.kmalloc_classes
    }
}

/// The overflow-checked form of a single-size allocator (`kzalloc` → `kcalloc`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckedForm {
    /// The array variant taking `(…, n, size, …)` in place of the size, if one exists.
    #[serde(default)]
    pub variant: Option<String>,
    /// How help texts name the checked form.
    pub help: String,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawNames {
    pub names: Vec<String>,
}

/// Calls that open and close an atomic section of one kind (`name:N`: the lock is
/// argument N, default 0). A row whose `kind` is already known joins that kind.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSection {
    pub kind: String,
    /// For a new kind: whether the section is identified by its lock (default true).
    #[serde(default)]
    pub keyed: Option<bool>,
    /// For a new kind: whether `in_interrupt()` is true inside.
    #[serde(default)]
    pub in_interrupt: bool,
    #[serde(default)]
    pub acquire: Vec<String>,
    #[serde(default)]
    pub release: Vec<String>,
    #[serde(default)]
    pub try_acquire: Vec<String>,
    #[serde(default)]
    pub acquire_wrappers: Vec<String>,
    #[serde(default)]
    pub release_wrappers: Vec<String>,
    #[serde(default)]
    pub try_acquire_wrappers: Vec<String>,
    #[serde(default)]
    pub guards: Vec<String>,
    #[serde(default)]
    pub try_guards: Vec<String>,
    /// For an unkeyed kind: releases of other kinds that end one level of this one too
    /// (`spin_unlock_bh()` is `spin_unlock()` then `local_bh_enable()`), unless the lock
    /// they release was taken by one of `also_taken_by`, which brought its own level.
    #[serde(default)]
    pub also_released_by: Vec<String>,
    /// Acquires of other kinds that take their own level of this one (`spin_lock_bh()`).
    #[serde(default)]
    pub also_taken_by: Vec<String>,
    /// For an unkeyed kind: how messages say a call runs inside it ("with IRQs
    /// disabled"), instead of "with <kind> held".
    #[serde(default)]
    pub while_held: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAllocator {
    /// Default `other` (not judged by the family-specific size lints).
    #[serde(default)]
    pub family: Option<String>,
    pub names: Vec<String>,
    #[serde(default)]
    pub size_arg: Option<usize>,
    #[serde(default)]
    pub count_arg: Option<usize>,
    #[serde(default)]
    pub order_arg: Option<usize>,
    /// Index of the GFP argument, or -1: "find it by its value among the arguments".
    #[serde(default)]
    pub gfp_arg: Option<i64>,
    #[serde(default)]
    pub default_gfp: Option<String>,
    #[serde(default)]
    pub always_sleeps: bool,
    #[serde(default)]
    pub drops_lock_arg: Option<usize>,
    /// The string argument the allocator returns as is, without allocating, when it
    /// points into the kernel image's `.rodata` (`kstrdup_const()`: a literal of
    /// built-in code).
    #[serde(default)]
    pub rodata_arg: Option<usize>,
    /// Architectures on which the call does not sleep (the only architecture a file
    /// or `#ifdef` region builds for, `crate::kbuild`).
    #[serde(default)]
    pub no_sleep_arches: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFree {
    pub name: String,
    pub frees: Vec<String>,
    /// Index of the pointer argument (`devm_kfree(dev, p)`: 1).
    #[serde(default)]
    pub ptr_arg: usize,
}

/// What the knowledge says of one called name, from every hot table at once.
#[derive(Debug, Clone, Default)]
pub struct Api {
    pub allocator: Option<Allocator>,
    pub lock: Option<LockCall>,
    /// Why it sleeps (a non-allocating sleeping call).
    pub sleeping: Option<String>,
    /// Why whether it sleeps depends on its object's setup (not followed).
    pub setup_dependent: Option<String>,
}

/// A problem with one item of [`KnowledgeTables`]: the table (as named in
/// `lints/api.toml`), the item's index in it (0 for a table that is not an array),
/// and the item's key at fault when there is one, so a configuration can point at it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnowledgeError {
    pub table: &'static str,
    pub index: usize,
    pub key: Option<&'static str>,
    pub message: String,
}

impl std::fmt::Display for KnowledgeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.table)?;
        if let Some(key) = self.key {
            write!(f, ".{key}")?;
        }
        write!(f, " (item {}): {}", self.index + 1, self.message)
    }
}

/// Index of a section kind in [`Knowledge::sections`].
pub type SectionKindId = usize;

#[derive(Debug, Clone)]
pub struct SectionKind {
    /// Human name used in messages ("spinlock", "RCU read-side section").
    pub kind: String,
    /// Whether the section is identified by the lock passed as first argument.
    pub keyed: bool,
    /// Whether `in_interrupt()` is true inside (bottom halves disabled).
    pub in_interrupt: bool,
    /// How messages say a call runs inside it, for a state rather than a lock ("with
    /// IRQs disabled"); `None`: "with <kind> held".
    pub while_held: Option<String>,
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
    /// The unkeyed section a release also ends one level of, or an acquire also takes
    /// one level of (`[[section]] also_released_by`, `also_taken_by`).
    pub also: Option<SectionKindId>,
}

/// Where a registration passes its callback, and the context the callback runs in.
#[derive(Debug, Clone)]
pub struct EntryRegistration {
    pub arg: usize,
    pub context: String,
    pub kind: EntryKind,
    /// The callback is set up on an object (the first argument) that can be set up
    /// again with another one (timers, tasklets).
    pub ambiguous_per_object: bool,
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
    pub family: FamilyId,
    pub size_arg: Option<usize>,
    pub count_arg: Option<usize>,
    pub order_arg: Option<usize>,
    pub gfp_arg: GfpArg,
    pub default_gfp: Option<GfpSet>,
    pub always_sleeps: bool,
    /// The argument naming a lock the call drops while it allocates (`__xa_store`).
    pub drops_lock_arg: Option<usize>,
    /// See [`RawAllocator::rodata_arg`].
    pub rodata_arg: Option<usize>,
    /// See [`RawAllocator::no_sleep_arches`].
    pub no_sleep_arches: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GfpArg {
    None,
    At(usize),
    /// Recognise it among the arguments by its value.
    ByValue,
}

#[derive(Debug, Clone, Default)]
pub struct Knowledge {
    pub sections: Vec<SectionKind>,
    lock_ops: HashMap<String, LockCall>,
    /// `also_released_by`/`also_taken_by` names, with the section they also end or take:
    /// applied to `lock_ops` whatever the order of the rows that declare them.
    also_ops: HashMap<String, SectionKindId>,
    entries: HashMap<String, EntryRegistration>,
    entry_fields: HashMap<String, EntryField>,
    sleeping: HashMap<String, String>,
    /// Calls whose sleeping depends on their object's setup, with why.
    setup_dependent: HashMap<String, String>,
    noreturn: FxHashSet<String>,
    /// `WARN_ON()`-like: their condition is a bug the kernel warns about.
    assertions: FxHashSet<String>,
    /// `ERR_PTR()`-like: an error code as a pointer, no memory.
    error_pointers: FxHashSet<String>,
    /// `list_empty()`-like: whether the list their argument heads is empty.
    list_empty_tests: FxHashSet<String>,
    /// `list_for_each_entry()`-like: name → the argument that heads the list walked.
    list_iterators: HashMap<String, usize>,
    /// Functions callable in any context: their in-tree bodies are not taken to sleep.
    never_sleeps: FxHashSet<String>,
    /// Lock operations whose lock an allocator with `drops_lock_arg` drops (xa_lock).
    dropped_by_allocation: FxHashSet<String>,
    /// Calls that link an object into a collection (list, hash table, tree, queue).
    collection_insert: FxHashSet<String>,
    /// Calls that hand a buffer to a device for DMA (it must be physically contiguous).
    dma_handoff: FxHashSet<String>,
    /// Of those, the argument that is the buffer (`sdio_readsb(func, buf, …)`: 1).
    dma_buffer_arg: HashMap<String, usize>,
    /// Kernel functions that only read through some of their pointer arguments
    /// (`memcpy()`'s source): bit i for argument i (first 64).
    read_only_args: HashMap<String, u64>,
    /// Allocator wrappers that kernel summaries describe (`returns`: the family of the
    /// memory a function returns), for names no table of this knowledge names. Kept
    /// apart from `memory_family`: a name here is still looked up in the summaries for
    /// whether it sleeps, as a name of `lints/api.toml` is not.
    summarised_families: HashMap<String, FamilyId>,
    /// Free wrappers that kernel summaries describe: the families a function frees and
    /// the parameter it frees them through.
    summarised_frees: HashMap<String, (Vec<FamilyId>, usize)>,
    /// Where the summaries found each of those wrappers (`mm/util.c:42 in Linux 6.1.…`).
    summarised_places: HashMap<String, String>,
    /// Memory families (`[[family]]`, and names used elsewhere declared as `other`).
    families: Vec<Family>,
    family_ids: HashMap<String, FamilyId>,
    /// Functions that are not allocators (no size or GFP argument to judge) but
    /// return memory of an allocator family (`memdup_user` → kmalloc), for free tracking.
    memory_family: HashMap<String, FamilyId>,
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
    /// `memset()`-like: fill the object their first argument points to with the
    /// byte their second argument is.
    object_fill: FxHashSet<String>,
    /// `netdev_priv()`-like: the driver's private struct of the object their argument
    /// points to, at a fixed place.
    private_area: FxHashSet<String>,
    /// `tcp_sk()`-like: their argument pointer, as another type of the same object.
    same_object: FxHashSet<String>,
    /// `test_bit()`-like: (bit number, address of the word).
    bit_test: FxHashSet<String>,
    /// Wait macros that run one argument with another argument's lock released:
    /// name → (lock argument, argument run unlocked).
    unlocked_argument: HashMap<String, [usize; 2]>,
    /// Calls that initialise a callback object (derived from `entry_fields`).
    initialisers: FxHashSet<String>,
    callback_param_types: Vec<String>,
    /// (parameter count, names the first parameter of an IRQ handler has).
    irq_handler_shape: Option<(usize, Vec<String>)>,
    sleeps_outside_interrupt_only: FxHashSet<String>,
    /// Sleeping calls that sleep only when an argument is above a bound (`fsleep()`).
    sleeps_above: HashMap<String, (usize, i64)>,
    guard_ops: HashMap<String, GuardOp>,
    gfp_flags: HashMap<String, GfpSet>,
    pub sleep_bit: GfpSet,
    /// The zone modifier bits (`[gfp] zone_mask`).
    pub zone_mask: GfpSet,
    /// The bit that asks for zeroed memory (`[gfp] zero_flag`; empty: none known).
    pub zero_flag: GfpSet,
    non_allocating: FxHashSet<String>,
    allocators: HashMap<String, Allocator>,
    frees: HashMap<String, Vec<FamilyId>>,
    free_ptr_args: HashMap<String, usize>,
    /// Named constants for the size evaluator (`SZ_4K`).
    pub constants: HashMap<String, i64>,
    /// `sizeof` of configuration-independent types on a 64-bit target.
    pub type_sizes: HashMap<String, u64>,
    /// Macros that declare a struct member (`DECLARE_BITMAP(name, bits)`), by name.
    pub member_macros: HashMap<String, MemberMacro>,
    /// Every name the hot tables describe (allocators, lock operations, sleeping calls),
    /// sorted, with what they say: the API table calls are classified against once
    /// (`Call::api`). Derived from the tables after each `add`.
    api_ids: HashMap<String, ApiId>,
    apis: Vec<Api>,
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
        let tables: KnowledgeTables =
            toml::from_str(text).map_err(|e| format!("lints/api.toml: {e}"))?;
        let mut k = Knowledge::default();
        k.add(&tables).map_err(|e| format!("lints/api.toml: {e}"))?;
        k.fingerprint = xxhash_rust::xxh3::xxh3_64(text.as_bytes());
        Ok(k)
    }

    /// This knowledge plus a project's own tables (`gfplint.toml` `[knowledge]`), with
    /// a fingerprint of both.
    pub fn extended(&self, extra: &KnowledgeTables) -> Result<Knowledge, KnowledgeError> {
        let mut k = self.clone();
        // The tables' Debug text is deterministic (vectors, options and ordered maps).
        let mut digest = self.fingerprint.to_le_bytes().to_vec();
        digest.extend_from_slice(format!("{extra:?}").as_bytes());
        k.fingerprint = xxhash_rust::xxh3::xxh3_64(&digest);
        k.add(extra)?;
        Ok(k)
    }

    /// Adds `tables` to this knowledge: the one way the built-in tables and a
    /// configuration's become rows of the same lookups. Later rows win for the same
    /// name; a section row whose `kind` is known joins it. Every item is validated, and
    /// the first bad one is named by table and index. On an error the knowledge is
    /// partly extended: use [`Knowledge::extended`], which works on a copy.
    pub fn add(&mut self, t: &KnowledgeTables) -> Result<(), KnowledgeError> {
        let err = |table: &'static str, index: usize, key: Option<&'static str>, m: String| {
            KnowledgeError {
                table,
                index,
                key,
                message: m,
            }
        };
        if let Some(g) = &t.gfp {
            let gfp_err = |key, m: String| err("gfp", 0, Some(key), m);
            if !g.bits.is_empty() {
                if !self.gfp_flags.is_empty() {
                    return Err(gfp_err(
                        "bits",
                        "the GFP bits are built in; define `composite` flags instead".into(),
                    ));
                }
                for (i, bit) in g.bits.iter().enumerate() {
                    let set = GfpSet::bit(i as u32);
                    self.gfp_flags.insert(bit.clone(), set);
                    // The kernel spells the raw bit values with three underscores.
                    self.gfp_flags.insert(format!("_{bit}"), set);
                }
                let sleep_bit = g.sleep_bit.as_deref().unwrap_or_default();
                self.sleep_bit = *self.gfp_flags.get(sleep_bit).ok_or_else(|| {
                    gfp_err(
                        "sleep_bit",
                        format!("gfp.sleep_bit `{sleep_bit}` is not a known bit"),
                    )
                })?;
            } else if g.sleep_bit.is_some() {
                return Err(gfp_err("sleep_bit", "`sleep_bit` goes with `bits`".into()));
            }
            resolve_composites(&g.composite, &mut self.gfp_flags)
                .map_err(|m| gfp_err("composite", m))?;
            if let Some(name) = &g.zone_mask {
                self.zone_mask = *self.gfp_flags.get(name).ok_or_else(|| {
                    gfp_err(
                        "zone_mask",
                        format!("gfp.zone_mask `{name}` is not a known flag"),
                    )
                })?;
            }
            if let Some(name) = &g.zero_flag {
                self.zero_flag = *self.gfp_flags.get(name).ok_or_else(|| {
                    gfp_err(
                        "zero_flag",
                        format!("gfp.zero_flag `{name}` is not a known flag"),
                    )
                })?;
            }
            self.non_allocating
                .extend(g.non_allocating.names.iter().cloned());
        }

        for (index, f) in t.family.iter().enumerate() {
            let id = self
                .family_id_or_declare(&f.name)
                .map_err(|m| err("family", index, Some("name"), m))?;
            self.families[id.0 as usize] = Family {
                name: f.name.clone(),
                memory: f.memory,
                kmalloc_classes: f.kmalloc_classes,
                free: f.free.clone(),
            };
        }
        for (index, (name, free)) in t.family_free.iter().enumerate() {
            let id = self
                .family_id_or_declare(name)
                .map_err(|m| err("family_free", index, None, m))?;
            self.families[id.0 as usize].free = Some(free.clone());
        }

        for (index, s) in t.section.iter().enumerate() {
            let section_err = |key, m: String| err("section", index, key, m);
            let names = [
                &s.acquire,
                &s.release,
                &s.try_acquire,
                &s.acquire_wrappers,
                &s.release_wrappers,
                &s.try_acquire_wrappers,
                &s.guards,
                &s.try_guards,
            ];
            if names.iter().all(|n| n.is_empty()) {
                return Err(section_err(
                    None,
                    "a lock needs `acquire`, `release`, `try_acquire` or `guards` names".into(),
                ));
            }
            let id = match self.sections.iter().position(|k| k.kind == s.kind) {
                Some(id) => id,
                None => {
                    self.sections.push(SectionKind {
                        kind: s.kind.clone(),
                        keyed: s.keyed.unwrap_or(true),
                        in_interrupt: s.in_interrupt,
                        while_held: None,
                    });
                    self.sections.len() - 1
                }
            };
            if let Some(phrase) = &s.while_held {
                if self.sections[id].keyed {
                    return Err(section_err(
                        None,
                        "`while_held` is for a section that is not a lock (`keyed = false`)".into(),
                    ));
                }
                self.sections[id].while_held = Some(phrase.clone());
            }
            let ops = [
                ("acquire", &s.acquire, LockOp::Acquire(id)),
                ("release", &s.release, LockOp::Release(id)),
                ("try_acquire", &s.try_acquire, LockOp::TryAcquire(id)),
                ("acquire_wrappers", &s.acquire_wrappers, LockOp::Acquire(id)),
                ("release_wrappers", &s.release_wrappers, LockOp::Release(id)),
                (
                    "try_acquire_wrappers",
                    &s.try_acquire_wrappers,
                    LockOp::TryAcquire(id),
                ),
            ];
            for (key, names, op) in ops {
                for n in names {
                    let (name, key_arg) =
                        name_and_arg(n, 0).map_err(|m| section_err(Some(key), m))?;
                    self.lock_ops.insert(
                        name,
                        LockCall {
                            op,
                            key_arg,
                            also: None,
                        },
                    );
                }
            }
            if (!s.also_released_by.is_empty() || !s.also_taken_by.is_empty())
                && self.sections[id].keyed
            {
                return Err(section_err(
                    Some("also_released_by"),
                    "only an unkeyed section can be ended or taken along with a lock".into(),
                ));
            }
            for n in s.also_released_by.iter().chain(&s.also_taken_by) {
                self.also_ops.insert(n.clone(), id);
            }
            for n in &s.guards {
                self.guard_ops.insert(n.clone(), GuardOp::Holds(id));
            }
            for n in &s.try_guards {
                self.guard_ops.insert(n.clone(), GuardOp::TryHolds(id));
            }
        }

        for (index, a) in t.allocator.iter().enumerate() {
            let alloc_err = |key, m: String| err("allocator", index, key, m);
            if a.names.is_empty() {
                return Err(alloc_err(None, "an allocator needs `names`".into()));
            }
            let gfp_arg = match a.gfp_arg {
                None => GfpArg::None,
                Some(i) if i < 0 => GfpArg::ByValue,
                Some(i) => GfpArg::At(i as usize),
            };
            let default_gfp = match &a.default_gfp {
                Some(name) => Some(self.gfp_flag(name).ok_or_else(|| {
                    alloc_err(
                        Some("default_gfp"),
                        format!("default_gfp `{name}` is not a known flag"),
                    )
                })?),
                None => None,
            };
            if gfp_arg == GfpArg::None && default_gfp.is_none() && !a.always_sleeps {
                return Err(alloc_err(
                    None,
                    "an allocator needs `gfp_arg`, `default_gfp` or `always_sleeps = true`".into(),
                ));
            }
            let family = self
                .family_id_or_declare(a.family.as_deref().unwrap_or(DEFAULT_FAMILY))
                .map_err(|m| alloc_err(Some("family"), m))?;
            let alloc = Allocator {
                family,
                size_arg: a.size_arg,
                count_arg: a.count_arg,
                order_arg: a.order_arg,
                gfp_arg,
                default_gfp,
                always_sleeps: a.always_sleeps,
                drops_lock_arg: a.drops_lock_arg,
                rodata_arg: a.rodata_arg,
                no_sleep_arches: a.no_sleep_arches.clone(),
            };
            for n in &a.names {
                self.allocators.insert(n.clone(), alloc.clone());
            }
        }
        for (index, f) in t.free.iter().enumerate() {
            let frees = f
                .frees
                .iter()
                .map(|n| self.family_id_or_declare(n))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|m| err("free", index, Some("frees"), m))?;
            self.free_ptr_args.insert(f.name.clone(), f.ptr_arg);
            self.frees.insert(f.name.clone(), frees);
        }
        for (index, e) in t.entry.iter().enumerate() {
            for r in &e.registrations {
                let (name, arg) = name_and_arg(r, usize::MAX)
                    .map_err(|m| err("entry", index, Some("registrations"), m))?;
                if arg == usize::MAX {
                    return Err(err(
                        "entry",
                        index,
                        Some("registrations"),
                        format!(
                            "entry registration `{r}` needs `:ARG` (the callback's 0-based position)"
                        ),
                    ));
                }
                self.entries.insert(
                    name,
                    EntryRegistration {
                        arg,
                        context: e.context.clone(),
                        kind: e.kind,
                        ambiguous_per_object: e.ambiguous_per_object,
                    },
                );
            }
        }
        for e in &t.entry_field {
            for f in &e.fields {
                self.entry_fields.insert(
                    f.clone(),
                    EntryField {
                        context: e.context.clone(),
                        kind: e.kind,
                        object: e.object.clone(),
                        initialised_by: e.initialised_by.clone(),
                    },
                );
            }
        }
        for (index, row) in t.sleeping.iter().enumerate() {
            let (names, reason, outside_interrupt_only, above) = match row {
                SleepingRow::Name(n) => (
                    std::slice::from_ref(n),
                    "is listed as sleeping in gfplint.toml",
                    false,
                    None,
                ),
                SleepingRow::Group(g) => (
                    g.names.as_slice(),
                    g.reason.as_str(),
                    g.outside_interrupt_only,
                    g.only_when_arg_above,
                ),
            };
            for n in names {
                if !crate::ctoken::is_identifier(n) {
                    return Err(err(
                        "sleeping",
                        index,
                        None,
                        format!("`{n}` is not a function name"),
                    ));
                }
                if outside_interrupt_only {
                    self.sleeps_outside_interrupt_only.insert(n.clone());
                }
                match above {
                    Some(a) => self.sleeps_above.insert(n.clone(), a),
                    None => self.sleeps_above.remove(n),
                };
                self.sleeping.insert(n.clone(), reason.to_string());
            }
        }
        for (index, row) in t.setup_dependent.iter().enumerate() {
            for n in &row.names {
                if !crate::ctoken::is_identifier(n) {
                    return Err(err(
                        "setup_dependent",
                        index,
                        Some("names"),
                        format!("`{n}` is not a function name"),
                    ));
                }
                self.setup_dependent.insert(n.clone(), row.reason.clone());
            }
        }
        self.constants
            .extend(t.constants.iter().map(|(n, v)| (n.clone(), *v)));
        self.type_sizes
            .extend(t.type_sizes.iter().map(|(n, v)| (n.clone(), *v)));
        for m in &t.member_macro {
            self.member_macros.insert(m.name.clone(), m.clone());
        }
        let names = |set: &mut FxHashSet<String>, names: &RawNames| {
            set.extend(names.names.iter().cloned());
        };
        names(&mut self.noreturn, &t.noreturn);
        names(&mut self.assertions, &t.assertions);
        names(&mut self.error_pointers, &t.error_pointers);
        names(&mut self.list_empty_tests, &t.list_empty_tests);
        self.list_iterators
            .extend(t.list_iterators.iter().map(|(n, a)| (n.clone(), *a)));
        names(&mut self.never_sleeps, &t.never_sleeps);
        names(&mut self.dropped_by_allocation, &t.dropped_by_allocation);
        names(&mut self.collection_insert, &t.collection_insert);
        names(&mut self.dma_handoff, &t.dma_handoff);
        self.dma_handoff.extend(t.dma_buffer_arg.keys().cloned());
        self.dma_buffer_arg
            .extend(t.dma_buffer_arg.iter().map(|(n, a)| (n.clone(), *a)));
        for (name, args) in &t.read_only_args {
            let mask = args
                .iter()
                .filter(|&&a| a < 64)
                .fold(0u64, |m, &a| m | 1 << a);
            *self.read_only_args.entry(name.clone()).or_default() |= mask;
        }
        for (name, &from) in &t.read_only_from {
            let mask = u64::MAX.checked_shl(from as u32).unwrap_or(0);
            *self.read_only_args.entry(name.clone()).or_default() |= mask;
        }
        names(&mut self.small_vmalloc_exempt, &t.small_vmalloc_exempt);
        names(&mut self.zeroing_allocators, &t.zeroing_allocators);
        names(&mut self.pure, &t.pure);
        names(&mut self.object_fill, &t.object_fill);
        names(&mut self.private_area, &t.private_area);
        names(&mut self.same_object, &t.same_object);
        names(&mut self.bit_test, &t.bit_test);
        self.unlocked_argument
            .extend(t.unlocked_argument.iter().map(|(n, a)| (n.clone(), *a)));
        self.callback_param_types
            .extend(t.callback_param_types.names.iter().cloned());
        for (index, (family, names)) in t.memory_family.iter().enumerate() {
            let id = self
                .family_id_or_declare(family)
                .map_err(|m| err("memory_family", index, None, m))?;
            for n in names {
                self.memory_family.insert(n.clone(), id);
            }
        }
        self.checked_array_form.extend(
            t.checked_array_form
                .iter()
                .map(|(n, c)| (n.clone(), c.clone())),
        );
        let guards = &t.context_guards;
        for (names, value) in [
            (&guards.true_when_sleepable, true),
            (&guards.false_when_sleepable, false),
        ] {
            for n in names {
                self.context_guards.insert(n.clone(), value);
            }
        }
        if let Some(shape) = &t.irq_handler_shape {
            self.irq_handler_shape = Some((shape.params, shape.first_param.clone()));
        }
        for (name, &also) in &self.also_ops {
            if let Some(call) = self.lock_ops.get_mut(name) {
                call.also = Some(also);
            }
        }
        self.derive();
        Ok(())
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
    fn derive(&mut self) {
        self.initialisers = self
            .entry_fields
            .values()
            .flat_map(|e| e.initialised_by.iter().cloned())
            .collect();
        let names: std::collections::BTreeSet<&String> = self
            .allocators
            .keys()
            .chain(self.lock_ops.keys())
            .chain(self.sleeping.keys())
            .chain(self.setup_dependent.keys())
            .collect();
        self.apis = names
            .iter()
            .map(|n| Api {
                allocator: self.allocators.get(*n).cloned(),
                lock: self.lock_ops.get(*n).copied(),
                sleeping: self.sleeping.get(*n).cloned(),
                setup_dependent: self.setup_dependent.get(*n).cloned(),
            })
            .collect();
        self.api_ids = names
            .into_iter()
            .enumerate()
            .filter_map(|(i, n)| Some((n.clone(), ApiId::new(i)?)))
            .collect();
    }

    /// The API row of a called name, if the knowledge describes it (for
    /// `parse::classify_calls`; later stages use [`Knowledge::api_of`]).
    pub fn api_id(&self, callee: &str) -> Option<ApiId> {
        self.api_ids.get(callee).copied()
    }

    /// What the knowledge says of a classified call.
    pub fn api_of(&self, call: &Call) -> Option<&Api> {
        call.api.and_then(|id| self.apis.get(id.index()))
    }

    /// The allocator a classified call is (`allocator(&call.callee)`, without the lookup).
    pub fn call_allocator(&self, call: &Call) -> Option<&Allocator> {
        self.api_of(call).and_then(|a| a.allocator.as_ref())
    }

    /// The lock operation a classified call is.
    pub fn call_lock_op(&self, call: &Call) -> Option<LockOp> {
        self.api_of(call).and_then(|a| a.lock).map(|l| l.op)
    }

    /// Why a classified (non-allocating) call may sleep, if it does.
    pub fn call_sleeping(&self, call: &Call) -> Option<&str> {
        self.api_of(call).and_then(|a| a.sleeping.as_deref())
    }

    /// Whether a classified call is one whose sleeping depends on its object's setup
    /// (a regmap's bus, a mailbox client's `tx_block`): its body is not followed.
    pub fn call_setup_dependent(&self, call: &Call) -> bool {
        self.api_of(call)
            .is_some_and(|a| a.setup_dependent.is_some())
    }

    /// How a message says a call runs inside a section described as `section`
    /// ([`crate::context::interproc::describe_section`]): "with spinlock `l` held", or
    /// a state's own phrase ("with IRQs disabled").
    pub fn held_phrase(&self, section: &str) -> String {
        match self.state_phrase(section) {
            Some(phrase) => phrase.to_string(),
            None => format!("with {section} held"),
        }
    }

    /// [`Knowledge::held_phrase`] with where it started: "(taken at line 9)" for a lock,
    /// "(since line 9)" for a state.
    pub fn held_since(&self, section: &str, line: u32) -> String {
        match self.state_phrase(section) {
            Some(phrase) => format!("{phrase} (since line {line})"),
            None => format!("with {section} held (taken at line {line})"),
        }
    }

    /// The phrase of an unkeyed section whose kind is `section`, when it has one.
    pub fn state_phrase(&self, section: &str) -> Option<&str> {
        self.sections
            .iter()
            .find(|k| !k.keyed && k.kind == section)
            .and_then(|k| k.while_held.as_deref())
    }

    /// For a sleeping call that sleeps only when an argument is above a bound
    /// (`fsleep()`): (argument, bound).
    pub fn sleeps_only_above(&self, callee: &str) -> Option<(usize, i64)> {
        self.sleeps_above.get(callee).copied()
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

    /// Whether a parameter list (every parameter's name) has an IRQ handler's shape.
    pub fn has_irq_handler_shape(&self, param_names: &[String]) -> bool {
        self.irq_handler_shape.as_ref().is_some_and(|(n, first)| {
            param_names.len() == *n && param_names.first().is_some_and(|p| first.contains(p))
        })
    }

    /// For a context query (`in_interrupt()`, `gfpflags_allow_blocking()`): the value it
    /// returns on the branch where the code may sleep.
    pub fn sleepable_when(&self, callee: &str) -> Option<bool> {
        self.context_guards.get(callee).copied()
    }

    /// For a wait macro that runs an argument with a lock released
    /// (`wait_event_lock_irq_cmd(wq, cond, lock, cmd)`): (lock argument, that argument).
    pub fn unlocked_argument(&self, callee: &str) -> Option<(usize, usize)> {
        self.unlocked_argument.get(callee).map(|&[l, a]| (l, a))
    }

    /// Whether a function is a pure query (`strcmp`): a condition calling only such
    /// functions has the same value when its text is tested again.
    pub fn is_pure(&self, callee: &str) -> bool {
        self.pure.contains(callee)
    }

    /// Whether a call fills the object its first argument points to with the byte its
    /// second argument is (`memset(&cmd, 0, sizeof(cmd))`).
    pub fn fills_object(&self, callee: &str) -> bool {
        self.object_fill.contains(callee)
    }

    /// Whether a call gives the driver's private struct of the object its argument
    /// points to (`netdev_priv(dev)`).
    pub fn is_private_area(&self, callee: &str) -> bool {
        self.private_area.contains(callee)
    }

    /// Whether a call returns its (one) argument pointer as another type of the same
    /// object (`tcp_sk(sk)`: a `container_of()` of the struct's first member). The
    /// call writes nothing; what is done through its result is done to the argument.
    pub fn is_same_object(&self, callee: &str) -> bool {
        self.same_object.contains(callee)
    }

    /// Whether a call tests bit `arg 0` of the word `arg 1` points to (`test_bit`).
    pub fn is_bit_test(&self, callee: &str) -> bool {
        self.bit_test.contains(callee)
    }

    /// Whether a call never returns (`panic`, `BUG`): the path ends there.
    /// Whether the lock this operation takes is one that allocators with a
    /// `drops_lock_arg` release around a blocking allocation (`xa_lock_irq()`).
    pub fn lock_dropped_by_allocation(&self, callee: &str) -> bool {
        self.dropped_by_allocation.contains(callee)
    }

    pub fn is_noreturn(&self, callee: &str) -> bool {
        self.noreturn.contains(callee)
    }

    /// Whether `callee` asserts its condition is false (`WARN_ON(c)`).
    pub fn is_assertion(&self, callee: &str) -> bool {
        self.assertions.contains(callee)
    }

    /// Whether `callee` makes an error code a pointer (`ERR_PTR(-ENOMEM)`).
    pub fn is_error_pointer(&self, callee: &str) -> bool {
        self.error_pointers.contains(callee)
    }

    /// Whether `callee` tests a list for emptiness (`list_empty(head)`).
    pub fn is_list_empty_test(&self, callee: &str) -> bool {
        self.list_empty_tests.contains(callee)
    }

    /// The argument of iterator macro `name` that heads the list it walks.
    pub fn list_iterator_head(&self, name: &str) -> Option<usize> {
        self.list_iterators.get(name).copied()
    }

    /// Whether a function never sleeps, whatever its in-tree body seems to do
    /// (`kfree()`: a destructor or debug hook the run resolves inside it does not
    /// make it sleep).
    pub fn never_sleeps(&self, name: &str) -> bool {
        self.never_sleeps.contains(name)
    }

    /// Whether a call links its argument into a collection (`list_add_tail`).
    pub fn is_collection_insert(&self, callee: &str) -> bool {
        self.collection_insert.contains(callee)
    }

    /// The allocator family of the memory a non-allocator returns (`memdup_user`).
    pub fn memory_family(&self, callee: &str) -> Option<FamilyId> {
        self.memory_family
            .get(callee)
            .or_else(|| self.summarised_families.get(callee))
            .copied()
    }

    /// Where the kernel summaries found `name`, when it is an allocator or free wrapper
    /// known only through them.
    pub fn summarised_wrapper(&self, name: &str) -> Option<&str> {
        self.summarised_places.get(name).map(String::as_str)
    }

    /// This knowledge with the allocator and free wrappers kernel summaries describe,
    /// for names none of its tables names (what `lints/api.toml` says wins). Extraction
    /// reads them (a wrapper's call keeps its arguments and result), so the
    /// fingerprint follows the summaries.
    pub fn with_summarised_wrappers(&self, summaries: &crate::summaries::Summaries) -> Knowledge {
        let mut k = self.clone();
        for s in summaries.iter() {
            if self.names_api(&s.name) || self.allocators.contains_key(&s.name) {
                continue;
            }
            let place = format!("{}:{} in {}", s.file, s.line, summaries.tree);
            if let Some(id) = s.returns.as_ref().and_then(|f| self.family_ids.get(f)) {
                k.summarised_families.insert(s.name.clone(), *id);
                k.summarised_places.insert(s.name.clone(), place.clone());
            }
            // One freed parameter per name (the first a summary lists).
            if let Some(free) = s.frees.first() {
                let families: Vec<FamilyId> = free
                    .families
                    .iter()
                    .filter_map(|f| self.family_ids.get(f).copied())
                    .collect();
                if !families.is_empty() {
                    k.summarised_frees
                        .insert(s.name.clone(), (families, free.param as usize));
                    k.summarised_places.insert(s.name.clone(), place);
                }
            }
        }
        if k.summarised_families.len() != self.summarised_families.len()
            || k.summarised_frees.len() != self.summarised_frees.len()
        {
            let mut digest = self.fingerprint.to_le_bytes().to_vec();
            digest.extend_from_slice(&summaries.checksum.to_le_bytes());
            k.fingerprint = xxhash_rust::xxh3::xxh3_64(&digest);
        }
        k
    }

    /// A family's row. Ids come from this knowledge's tables, so the index is valid;
    /// a foreign id (a bug) gets the undeclared family's answers, never a panic.
    pub fn family(&self, id: FamilyId) -> &Family {
        static UNKNOWN: OnceLock<Family> = OnceLock::new();
        self.families.get(id.0 as usize).unwrap_or_else(|| {
            UNKNOWN.get_or_init(|| Family {
                name: DEFAULT_FAMILY.to_string(),
                memory: MemoryKind::Other,
                kmalloc_classes: false,
                free: None,
            })
        })
    }

    /// The id of a family by name (for tests and configuration checks).
    pub fn family_id(&self, name: &str) -> Option<FamilyId> {
        self.family_ids.get(name).copied()
    }

    /// The id of the family `name`, declaring it (`other` memory, no free) when no
    /// table has.
    fn family_id_or_declare(&mut self, name: &str) -> Result<FamilyId, String> {
        if let Some(&id) = self.family_ids.get(name) {
            return Ok(id);
        }
        if name.is_empty() {
            return Err("a family needs a name".into());
        }
        let id = u16::try_from(self.families.len())
            .map(FamilyId)
            .map_err(|_| "too many allocator families".to_string())?;
        self.families.push(Family {
            name: name.to_string(),
            memory: MemoryKind::Other,
            kmalloc_classes: false,
            free: None,
        });
        self.family_ids.insert(name.to_string(), id);
        Ok(id)
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

    /// Whether a call with these argument texts returns zeroed memory: a zeroing
    /// allocator, or an allocator given GFP flags that must hold the zeroing bit
    /// (`GFP_KERNEL | __GFP_ZERO`).
    pub fn allocates_zeroed(&self, callee: &str, args: &[&str]) -> bool {
        if self.is_zeroing(callee) {
            return true;
        }
        let Some(a) = self.allocator(callee) else {
            return false;
        };
        if self.zero_flag.0 == 0 {
            return false;
        }
        let zeroes = |text: &&str| match crate::gfp::eval_flags(text, &|id| self.gfp_flag(id)) {
            GfpValue::Known(set) => set.contains(self.zero_flag),
            GfpValue::Partial { must, .. } => must.contains(self.zero_flag),
            _ => false,
        };
        match a.gfp_arg {
            GfpArg::At(i) => args.get(i).is_some_and(zeroes),
            GfpArg::ByValue => args
                .iter()
                .filter(|t| crate::gfp::mentions_gfp_flag(t))
                .any(zeroes),
            GfpArg::None => false,
        }
    }

    /// Whether a call hands a buffer to a device for DMA (`usb_fill_bulk_urb`).
    pub fn is_dma_handoff(&self, callee: &str) -> bool {
        self.dma_handoff.contains(callee)
    }

    /// The argument of a DMA handoff call that holds the buffer, when the knowledge says.
    /// Whether `callee` only reads through its argument `arg` (`memcpy()`'s source):
    /// handing it a pointer leaves the object as it was.
    /// Whether a call can change nothing a caller's object holds: a pure query, or a
    /// function that only reads through every argument (a message: `[read_only_from]`
    /// from the first).
    pub fn changes_nothing(&self, callee: &str) -> bool {
        self.is_pure(callee) || self.read_only_args.get(callee) == Some(&u64::MAX)
    }

    pub fn reads_only_through(&self, callee: &str, arg: usize) -> bool {
        arg < 64
            && self
                .read_only_args
                .get(callee)
                .is_some_and(|m| m & (1 << arg) != 0)
    }

    pub fn dma_buffer_arg(&self, callee: &str) -> Option<usize> {
        self.dma_buffer_arg.get(callee).copied()
    }

    /// Whether the knowledge says what calling `name` does (it allocates, sleeps, is a
    /// lock primitive, or sleeps depending on its object's setup). Such knowledge outranks an in-tree body of that name: the
    /// body of `cancel_work_sync()` releasing a pool lock it did not take must not make
    /// its callers lose their findings when the workqueue code is part of the run.
    pub fn describes_api(&self, name: &str) -> bool {
        self.lock_ops.contains_key(name)
            || self.sleeping.contains_key(name)
            || self.allocators.contains_key(name)
            || self.setup_dependent.contains_key(name)
    }

    /// Whether any table of the knowledge names `name` (lock, sleeping call, allocator,
    /// free, flag query, context guard, pure query, noreturn, memory family). Such a
    /// name is never looked up in kernel summaries: what `lints/api.toml` says about
    /// an API always wins (issue 10's invariant). Entry registrations are not in the
    /// list: `request_threaded_irq()` registers a handler and also sleeps.
    pub fn names_api(&self, name: &str) -> bool {
        self.describes_api(name)
            || self.frees.contains_key(name)
            || self.non_allocating.contains(name)
            || self.context_guards.contains_key(name)
            || self.pure.contains(name)
            || self.object_fill.contains(name)
            || self.private_area.contains(name)
            || self.same_object.contains(name)
            || self.bit_test.contains(name)
            || self.noreturn.contains(name)
            || self.never_sleeps.contains(name)
            || self.memory_family.contains_key(name)
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

    /// Which argument of a free function is the pointer freed.
    pub fn free_ptr_arg(&self, callee: &str) -> usize {
        self.free_ptr_args
            .get(callee)
            .copied()
            .or_else(|| self.summarised_frees.get(callee).map(|(_, arg)| *arg))
            .unwrap_or(0)
    }

    /// Families of memory a free function releases, if it is one.
    pub fn free_families(&self, callee: &str) -> Option<&[FamilyId]> {
        self.frees
            .get(callee)
            .or_else(|| self.summarised_frees.get(callee).map(|(f, _)| f))
            .map(Vec::as_slice)
    }
}

/// The family of allocators whose row names none: not judged by the memory lints.
const DEFAULT_FAMILY: &str = "other";

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
    composite: &BTreeMap<String, String>,
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

    /// Each kernel version gets the compiler's layouts of its own build: the newest
    /// table not after the target, the oldest one for older kernels.
    #[test]
    fn type_layouts_follow_the_target_version() {
        let scsi_host = |v| type_layouts(v).get("struct Scsi_Host").copied();
        assert_eq!(scsi_host((6, 1)), Some((2144, 8)));
        assert_eq!(scsi_host((5, 15)), Some((2144, 8)));
        assert_eq!(scsi_host((6, 11)), Some((2144, 8)));
        assert_eq!(scsi_host((6, 12)), Some((2168, 8)));
        assert_eq!(scsi_host((6, 13)), Some((2168, 8)));
        for (version, _, _) in TYPE_LAYOUTS_TOML {
            assert!(type_layouts(version).len() > 10_000);
        }
    }

    /// Behaviour hangs on declared kinds and flags, not on how messages name things.
    #[test]
    fn contexts_are_declared_not_spelt() {
        let k = Knowledge::from_toml(API_TOML).unwrap();
        let irq = k.entry_registration("request_irq").unwrap();
        assert_eq!(
            (irq.kind, irq.ambiguous_per_object),
            (EntryKind::IrqHandler, false)
        );
        let timer = k.entry_registration("timer_setup").unwrap();
        assert_eq!(
            (timer.kind, timer.ambiguous_per_object),
            (EntryKind::Softirq, true)
        );
        assert!(
            k.entry_registration("hrtimer_setup")
                .unwrap()
                .ambiguous_per_object
        );
        assert!(
            !k.entry_registration("netif_napi_add")
                .unwrap()
                .ambiguous_per_object
        );
        let in_interrupt: Vec<&str> = k
            .sections
            .iter()
            .filter(|s| s.in_interrupt)
            .map(|s| s.kind.as_str())
            .collect();
        assert_eq!(in_interrupt, ["bottom halves disabled"]);
        // `_bh` unlocks also end a level of bottom halves disabled; `_bh` locks take one.
        let bh = k
            .sections
            .iter()
            .position(|s| s.kind == "bottom halves disabled");
        assert!(bh.is_some());
        for (name, also) in [
            ("spin_unlock_bh", bh),
            ("read_unlock_bh", bh),
            ("spin_lock_bh", bh),
            ("spin_trylock_bh", bh),
            ("spin_unlock", None),
            ("spin_lock", None),
            ("local_bh_enable", None),
            ("bh_unlock_sock", None),
        ] {
            assert_eq!(k.lock_call(name).and_then(|c| c.also), also, "{name}");
        }
        let names = |n: &[&str]| n.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(k.has_irq_handler_shape(&names(&["irq", "data"])));
        assert!(!k.has_irq_handler_shape(&names(&["irq"])));
        assert!(!k.has_irq_handler_shape(&names(&["dev", "data"])));
    }

    /// `also_released_by` names what a release of *another* section also ends: only an
    /// unkeyed section (one level of it, whatever lock) can be ended that way.
    #[test]
    fn only_an_unkeyed_section_is_ended_along_with_a_lock() {
        let keyed = "[[section]]\nkind = \"x lock\"\nacquire = [\"x_lock\"]\nrelease = [\"x_unlock\"]\nalso_released_by = [\"y_unlock\"]\n";
        let err = Knowledge::from_toml(keyed).unwrap_err();
        assert!(err.contains("only an unkeyed section"), "{err}");
        let unkeyed = "[[section]]\nkind = \"y lock\"\nacquire = [\"y_lock\"]\nrelease = [\"y_unlock\"]\n[[section]]\nkind = \"x off\"\nkeyed = false\nacquire = [\"x_off\"]\nrelease = [\"x_on\"]\nalso_released_by = [\"y_unlock\"]\n";
        let k = Knowledge::from_toml(unkeyed).unwrap();
        assert_eq!(k.lock_call("y_unlock").and_then(|c| c.also), Some(1));
        assert_eq!(k.lock_call("y_lock").and_then(|c| c.also), None);
    }

    /// A state (IRQs disabled) reads "with IRQs disabled", a lock "with … held"; only an
    /// unkeyed section may have its own phrase.
    #[test]
    fn states_have_their_own_phrase() {
        let k = Knowledge::builtin();
        assert_eq!(k.held_phrase("IRQs disabled"), "with IRQs disabled");
        assert_eq!(
            k.held_since("RCU read-side section", 4),
            "inside an RCU read-side section (since line 4)"
        );
        assert_eq!(
            k.held_since("spinlock `d->lock`", 4),
            "with spinlock `d->lock` held (taken at line 4)"
        );
        let keyed = "[[section]]\nkind = \"x lock\"\nacquire = [\"x_lock\"]\nrelease = [\"x_unlock\"]\nwhile_held = \"with x\"\n";
        let err = Knowledge::from_toml(keyed).unwrap_err();
        assert!(err.contains("not a lock"), "{err}");
    }

    /// `fsleep()` sleeps only above 10 µs: its bound is data.
    #[test]
    fn a_short_fsleep_is_data() {
        let k = Knowledge::builtin();
        assert_eq!(k.sleeps_only_above("fsleep"), Some((0, 10)));
        assert_eq!(k.sleeps_only_above("msleep"), None);
        assert!(k.sleeping_call("fsleep").is_some());
    }

    /// An allocator's GFP argument is evaluated once, at classification, when the
    /// knowledge's flags make it a constant; other texts are left to their readers.
    #[test]
    fn gfp_arguments_are_evaluated_at_classification() {
        let k = Knowledge::builtin();
        let facts = crate::parse::facts_from_bytes(
            "t.c",
            b"void f(void *p, gfp_t gfp)\n{\n\tkmalloc(8, GFP_KERNEL /* sleeps */ | __GFP_ZERO);\n\tkmalloc(8, gfp);\n\tkmalloc(8, MY_GFP);\n\tkmalloc(8, (__force gfp_t)GFP_ATOMIC);\n\tkvmalloc_array(4, 8, GFP_NOWAIT);\n\tg(GFP_KERNEL);\n}\n".to_vec(),
            k,
        )
        .unwrap();
        let got: Vec<Option<GfpSet>> = facts.functions[0]
            .calls
            .iter()
            .map(|c| c.gfp_flags())
            .collect();
        let flag = |n: &str| k.gfp_flag(n).unwrap();
        let zeroed = GfpSet(flag("GFP_KERNEL").0 | flag("__GFP_ZERO").0);
        assert_eq!(
            got,
            [
                Some(zeroed),
                None,
                None,
                Some(flag("GFP_ATOMIC")),
                Some(flag("GFP_NOWAIT")),
                None
            ]
        );
    }

    /// Memory families are declared rows with typed columns; every family a table
    /// names is declared in `lints/api.toml`, and a configuration may add its own.
    #[test]
    fn families_are_declared_data() {
        let t: KnowledgeTables = toml::from_str(API_TOML).unwrap();
        let declared: Vec<&str> = t.family.iter().map(|f| f.name.as_str()).collect();
        let used = t
            .allocator
            .iter()
            .filter_map(|a| a.family.as_deref())
            .chain(
                t.free
                    .iter()
                    .flat_map(|f| f.frees.iter().map(String::as_str)),
            )
            .chain(t.memory_family.keys().map(String::as_str))
            .chain([DEFAULT_FAMILY]);
        for name in used {
            assert!(declared.contains(&name), "family `{name}` is not declared");
        }
        let k = Knowledge::builtin();
        let of = |callee: &str| k.family(k.allocator(callee).unwrap().family);
        assert!(of("kmalloc").is_kmalloc_slab());
        assert_eq!(of("kmalloc").free_help(), "kfree()");
        assert_eq!(of("kvmalloc").memory, MemoryKind::SlabOrVmalloc);
        assert_eq!(of("vmalloc").memory, MemoryKind::Vmalloc);
        assert_eq!(
            (
                of("devm_kmalloc").memory,
                of("devm_kmalloc").kmalloc_classes
            ),
            (MemoryKind::Devres, true)
        );
        assert!(!of("kmem_cache_alloc").kmalloc_classes);
        assert_eq!(of("dma_pool_alloc").memory, MemoryKind::Dma);
        assert_eq!(of("alloc_skb").memory, MemoryKind::Other);
        let kv = k.allocator("kvmalloc").unwrap().family;
        assert!(k.free_families("kvfree").unwrap().contains(&kv));
        assert!(!k.free_families("kfree").unwrap().contains(&kv));
        assert_eq!(k.memory_family("vmemdup_user"), Some(kv));

        let extra: KnowledgeTables = toml::from_str(
            "[[family]]\nname = \"foo\"\nmemory = \"vmalloc\"\nfree = \"foo_free()\"\n\n\
             [[allocator]]\nfamily = \"bar\"\nnames = [\"bar_alloc\"]\ngfp_arg = 0\n\n\
             [family_free]\nbar = \"bar_free()\"\n",
        )
        .unwrap();
        let k2 = k.extended(&extra).unwrap();
        let foo = k2.family(k2.family_id("foo").unwrap());
        assert_eq!(
            (foo.memory, foo.free_help()),
            (MemoryKind::Vmalloc, "foo_free()")
        );
        let bar = k2.family(k2.allocator("bar_alloc").unwrap().family);
        assert_eq!(
            (bar.memory, bar.free_help()),
            (MemoryKind::Other, "bar_free()")
        );
        assert_eq!(k2.family_id("kmalloc"), k.family_id("kmalloc"));
        assert!(k.family_id("foo").is_none());
    }

    /// Each call is classified once against the knowledge; the typed questions answer
    /// what the name lookups answer.
    #[test]
    fn calls_are_classified_once() {
        let k = Knowledge::builtin();
        let facts = crate::parse::facts_from_bytes(
            "t.c",
            b"void f(void *p)\n{\n\tspin_lock(p);\n\tkmalloc(8, GFP_KERNEL);\n\tmsleep(1);\n\tg(p);\n\tspin_unlock(p);\n}\n".to_vec(),
            k,
        )
        .unwrap();
        let calls = &facts.functions[0].calls;
        assert_eq!(calls.len(), 5);
        for c in calls {
            assert_eq!(c.api, k.api_id(&c.callee), "{}", c.callee);
            assert_eq!(
                k.call_allocator(c).is_some(),
                k.allocator(&c.callee).is_some()
            );
            assert_eq!(k.call_lock_op(c), k.lock_op(&c.callee));
            assert_eq!(k.call_sleeping(c), k.sleeping_call(&c.callee));
        }
        assert!(calls[3].api.is_none(), "an unknown callee has no API row");
        assert_eq!(std::mem::size_of::<Option<ApiId>>(), 4);
        // A configuration's names join the table; ids stay valid for their knowledge.
        let extra = KnowledgeTables {
            sleeping: vec![SleepingRow::Name("g".into())],
            ..Default::default()
        };
        let k2 = k.extended(&extra).unwrap();
        let g = k2.api_id("g").unwrap();
        assert_eq!(
            k2.apis[g.index()].sleeping.as_deref(),
            k2.sleeping_call("g")
        );
    }
}
