//! Context inference: which atomic sections are held at each call, and which
//! functions run in atomic context because of who registers or calls them.
//!
//! `lockstate` is the per-function, flow-sensitive part; `sleep` classifies single
//! calls; `interproc` builds the summaries and fixpoints over the whole run. Results
//! are plain data so lints never walk a CFG or a call graph themselves.
//!
//! In the pipeline (stage *context*, `src/context/interproc.rs`, `sleep.rs`,
//! `headers.rs`): `Analysis::run`, one function per phase: lock effects and call graph;
//! gfp sinks (which `gfp_t` parameters reach an allocator), may-sleep summaries as
//! clauses over parameter tests (arguments: literals, constants, parameters and values
//! derived from them), lazy initialisation (`once.rs`: fields a function only sets,
//! guarding a call, in functions process context reaches too), atomic reasons
//! top-down from entry points
//! (`[[entry]]`/`[[entry_field]]` registrations) and from calls made with a section
//! held (dropped when the sleep needs values of the holder's parameters that no direct
//! caller passes) (depth ≤ 4, argument values respected); constants and types the run
//! lacks are read from the kernel tree's headers (`headers.rs`: defines under a
//! `CONFIG_` conditional unknown; the `#include <…>` closure from the file's include
//! lines in its facts, as the union of each header's reach; lazily; one cache per run,
//! shared by all threads: each header scanned once, or its scan taken from the facts
//! cache's `records/`, a name found through an index of the headers defining it)

pub mod headers;
pub mod interproc;
pub mod local;
pub mod lockstate;
pub mod once;
pub mod per_function;
pub mod sleep;

pub use interproc::{Analysis, AtomicReason, SleepKind, SleepSite};
pub use lockstate::{Held, LockStates, State};
