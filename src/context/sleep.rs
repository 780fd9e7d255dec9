//! Which calls may sleep, on their own: sleeping GFP flags, always-sleeping allocators,
//! sleeping functions. Calls into other functions of the program are handled by the
//! summaries in `interproc.rs`, which use these per-call facts.

use crate::facts::{Call, Function};
use crate::gfp::{GfpSet, GfpValue, Sleepiness, eval_flags, sleepiness};
use crate::knowledge::{GfpArg, Knowledge};
use crate::values::Val;

/// How sleeping flags reach a call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FlagSource {
    /// Written in the call (the argument text).
    Argument(String),
    /// Left out of a call whose GFP argument defaults to GFP_KERNEL.
    Default,
}

/// What the GFP argument at one position does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FlagUse {
    Sleeps(FlagSource),
    /// Depends on the function's own `gfp_t` parameter with this index.
    Param(u32),
    DoesNotSleep,
    /// Not a GFP argument, or not evaluable.
    Unknown,
}

/// Evaluates one argument text as GFP flags, in `function` (whose `gfp_t` parameters
/// make the value depend on the caller).
pub fn flag_use_of_text(k: &Knowledge, function: &Function, text: &str) -> FlagUse {
    flag_use_of_text_in(k, &|_| None, function, text)
}

/// The file's macros that stand for GFP flags (`#define FOO_GFP GFP_KERNEL`), as the
/// program's declaration index resolves them; `|_| None` where no index exists yet.
pub type MacroFlags<'m> = &'m dyn Fn(&str) -> Option<GfpSet>;

/// [`flag_use_of_text`] with the file's flag macros.
pub fn flag_use_of_text_in(
    k: &Knowledge,
    macros: MacroFlags,
    function: &Function,
    text: &str,
) -> FlagUse {
    // A call of a function-like flag macro that ignores its arguments: `FOO_GFP(dev)`.
    let called = text
        .trim()
        .split_once('(')
        .filter(|(name, rest)| {
            closes_at_end(rest)
                && !name.is_empty()
                && name.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_')
        })
        .and_then(|(name, _)| macros(&format!("{name}()")));
    let value = match called {
        Some(set) => GfpValue::Known(set),
        None => eval_flags(text, &|id| k.gfp_flag(id).or_else(|| macros(id))),
    };
    flag_use_of_value(k, function, text, value)
}

/// What a GFP argument whose value is known does.
fn flag_use_of_value(k: &Knowledge, function: &Function, text: &str, value: GfpValue) -> FlagUse {
    match sleepiness(&value, k.sleep_bit) {
        Sleepiness::Sleeps => match value {
            GfpValue::Known(_) | GfpValue::Partial { .. } => {
                FlagUse::Sleeps(FlagSource::Argument(text.to_string()))
            }
            GfpValue::Opaque => FlagUse::Unknown,
        },
        Sleepiness::DoesNotSleep => FlagUse::DoesNotSleep,
        Sleepiness::Depends(idents) => {
            // Exactly one unknown identifier, and it is a gfp_t parameter.
            match idents.as_slice() {
                [only] => function
                    .params
                    .iter()
                    .find(|p| &p.name == only && p.ty.contains("gfp_t"))
                    .map_or(FlagUse::Unknown, |p| FlagUse::Param(p.index)),
                _ => FlagUse::Unknown,
            }
        }
        Sleepiness::Unknown => FlagUse::Unknown,
    }
}

/// The GFP argument of a call to a known allocator or to an unknown function: its
/// position (if any argument is one) and what it does. Known flag queries
/// (`gfpflags_allow_blocking()`) and lock calls take no GFP argument here.
pub fn gfp_argument(
    k: &Knowledge,
    function: &Function,
    call: &Call,
) -> Option<(Option<usize>, FlagUse)> {
    gfp_argument_in(k, &|_| None, function, call)
}

/// Whether the `(` just before `rest` is closed by its last character.
fn closes_at_end(rest: &str) -> bool {
    crate::parse::text::closing_paren(rest).is_some_and(|i| i + 1 == rest.len())
}

/// [`gfp_argument`] with the file's flag macros.
pub fn gfp_argument_in(
    k: &Knowledge,
    macros: MacroFlags,
    function: &Function,
    call: &Call,
) -> Option<(Option<usize>, FlagUse)> {
    if call.indirect {
        return None;
    }
    if let Some(alloc) = k.call_allocator(call)
        && let GfpArg::At(idx) = alloc.gfp_arg
    {
        return match call.args().get(idx) {
            // A constant of known flags was evaluated at classification (`FOO(dev)`, a
            // flag macro called, is never one).
            Some(arg) => Some((
                Some(idx),
                match call.gfp_flags() {
                    Some(set) => flag_use_of_value(k, function, arg, GfpValue::Known(set)),
                    None => flag_use_of_text_in(k, macros, function, arg),
                },
            )),
            None if call.arg_count as usize <= idx => alloc
                .default_gfp
                .filter(|g| g.contains(k.sleep_bit))
                .map(|_| (None, FlagUse::Sleeps(FlagSource::Default))),
            None => None,
        };
    }
    if k.is_non_allocating_gfp_user(&call.callee) || k.call_lock_op(call).is_some() {
        return None;
    }
    // Recognise a GFP argument by its flags, or by being the function's gfp parameter.
    call.args().iter().enumerate().find_map(|(i, arg)| {
        let mentions_flag = arg.contains("GFP_");
        let mentions_param = function
            .params
            .iter()
            .any(|p| p.ty.contains("gfp_t") && arg.contains(p.name.as_str()));
        if !mentions_flag && !mentions_param {
            return None;
        }
        match flag_use_of_text_in(k, macros, function, arg) {
            FlagUse::Unknown => None,
            u => Some((Some(i), u)),
        }
    })
}

/// Why a call sleeps by itself, when it does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OwnSleep {
    /// A sleeping GFP argument to an allocator (or to a function we cannot see).
    Gfp(FlagSource),
    /// An allocator that always may sleep.
    Allocator,
    /// A function that sleeps (mutex_lock, msleep, ...), with the reason.
    Call(String),
}

/// Classifies a call on its own (without looking into program functions).
pub fn own_sleep(k: &Knowledge, function: &Function, call: &Call) -> Option<OwnSleep> {
    own_sleep_in(k, &|_| None, function, call)
}

/// [`own_sleep`] with the file's flag macros.
pub fn own_sleep_in(
    k: &Knowledge,
    macros: MacroFlags,
    function: &Function,
    call: &Call,
) -> Option<OwnSleep> {
    if call.indirect {
        return None;
    }
    if let Some(alloc) = k.call_allocator(call)
        && alloc.always_sleeps
    {
        return Some(OwnSleep::Allocator);
    }
    if let Some(reason) = k.call_sleeping(call) {
        // `fsleep(5)`: a literal at most the bound does not sleep (a named constant or
        // a parameter is decided where values resolve: `interproc::own_sleep_condition`).
        if literal_bound_decides(k, call) == Some(false) {
            return None;
        }
        return Some(OwnSleep::Call(reason.to_string()));
    }
    match gfp_argument_in(k, macros, function, call) {
        Some((_, FlagUse::Sleeps(source))) => Some(OwnSleep::Gfp(source)),
        _ => None,
    }
}

/// For a call that sleeps only when an argument is above a bound (`fsleep()`, the iopoll
/// macros), what its argument says when it is an integer literal: whether it is above
/// the bound. `None`: another call, or an argument that is not a literal.
pub fn literal_bound_decides(k: &Knowledge, call: &Call) -> Option<bool> {
    let (arg, bound) = k.sleeps_only_above(&call.callee)?;
    let n = call.args().get(arg).and_then(|a| Val::parse(a))?.int_of()?;
    Some(n > bound)
}
