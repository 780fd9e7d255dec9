//! Context inference: which atomic sections are held at each call, and which
//! functions run in atomic context because of who registers or calls them.
//!
//! `lockstate` is the per-function, flow-sensitive part; `sleep` classifies single
//! calls; `interproc` builds the summaries and fixpoints over the whole run. Results
//! are plain data so lints never walk a CFG or a call graph themselves.

pub mod headers;
pub mod interproc;
pub mod local;
pub mod lockstate;
pub mod sleep;

pub use interproc::{Analysis, AtomicReason, SleepKind, SleepSite};
pub use lockstate::{Held, LockStates, State};
