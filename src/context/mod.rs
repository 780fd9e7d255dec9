//! Context inference: which atomic sections are held at each call.
//!
//! `lockstate` is the per-function, flow-sensitive part. Its results are plain data
//! (indexed like the function's calls) so lints never walk the CFG themselves.

pub mod lockstate;

pub use lockstate::{Held, LockStates, State};

use crate::facts::Function;
use crate::knowledge::Knowledge;

/// Lock state of one function entered with nothing held.
pub fn function_locks(function: &Function, knowledge: &Knowledge) -> LockStates {
    lockstate::analyse(function, knowledge, &Vec::new())
}
