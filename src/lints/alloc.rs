//! Shared by the allocation lints (not a lint): the evaluated size, order and flags of
//! an allocator call, and which allocator family a freed pointer came from.

use std::collections::HashMap;

use super::FunctionCx;
use crate::consteval;
use crate::decl_index::{CallEnv, FieldStore, FileEnv, dir_of, field_key, field_key_typed};
use crate::facts::Call;
use crate::gfp::GfpSet;
use crate::knowledge::{Allocator, FamilyId, GfpArg, MemoryKind};

/// Evaluates a size or order expression written in this function's file.
pub fn eval(cx: &FunctionCx, text: &str) -> Option<u64> {
    consteval::eval(text, &size_env(cx))
}

/// The size evaluator's environment in this function's file: the run's declarations,
/// then the kernel tree's headers the file includes.
pub fn size_env<'a>(cx: &FunctionCx<'a>) -> FileEnv<'a> {
    FileEnv::new(
        &cx.program.decls,
        cx.knowledge,
        &cx.settings.target,
        cx.id.0,
    )
    .with_headers(&cx.analysis.headers, cx.id.0, &cx.file.path)
}

/// Evaluates a size argument of `call`, with the calling function's declarations (for
/// `sizeof(*p)`, `sizeof(p->field)`, `struct_size(p, member, n)`).
pub fn eval_at(cx: &FunctionCx, call: &Call, text: &str) -> Option<u64> {
    let env = size_env(cx);
    consteval::eval(text, &CallEnv::new(&env, call))
}

/// Bytes a kmalloc-family allocator asks the slab for: the request, plus devres's
/// header for device-managed allocations (`alloc_dr()` allocates `sizeof(struct
/// devres) + size`).
pub fn served_size(cx: &FunctionCx, alloc: &Allocator, size: u64) -> u64 {
    if cx.knowledge.family(alloc.family).memory == MemoryKind::Devres {
        size.saturating_add(cx.settings.target.devres_header)
    } else {
        size
    }
}

/// The request in a message: "4096 bytes", or for device-managed memory "4096 bytes +
/// 40 (devres header)".
pub fn served_desc(cx: &FunctionCx, alloc: &Allocator, request: u64) -> String {
    if served_size(cx, alloc, request) == request {
        bytes(request)
    } else {
        format!(
            "{} + {} (devres header)",
            bytes(request),
            cx.settings.target.devres_header
        )
    }
}

/// Whether a constant expression has a 64-bit type: it mentions `sizeof`, a target
/// constant (`PAGE_SIZE` is `unsigned long`), or a literal with an `L` suffix,
/// directly or through the macros it names.
pub fn constant_is_long(cx: &FunctionCx, text: &str) -> bool {
    use crate::consteval::Env;
    let env = size_env(cx);
    let mut pending = vec![text.to_string()];
    for _ in 0..16 {
        let Some(t) = pending.pop() else {
            return false;
        };
        for word in t.split(|c: char| !(c.is_alphanumeric() || c == '_')) {
            if word == "sizeof"
                || word.starts_with(|c: char| c.is_ascii_digit())
                    && word.trim_end_matches(['u', 'U']).ends_with(['l', 'L'])
                || !cx.knowledge.constants.contains_key(word) && env.constant(word).is_some()
            {
                return true;
            }
            if let Some(v) = env.define(word) {
                pending.push(v.to_string());
            }
        }
    }
    false
}

/// A direct call to a known allocator.
pub fn allocator<'k>(cx: &FunctionCx<'k>, call: &Call) -> Option<&'k Allocator> {
    if call.indirect {
        return None;
    }
    cx.knowledge.call_allocator(call)
}

/// The size in bytes a call requests (`count * size` for array allocators), when both
/// evaluate.
pub fn request_size(cx: &FunctionCx, call: &Call, alloc: &Allocator) -> Option<u64> {
    let size = eval_at(cx, call, call.args().get(alloc.size_arg?)?)?;
    match alloc.count_arg {
        Some(c) => size.checked_mul(eval_at(cx, call, call.args().get(c)?)?),
        None => Some(size),
    }
}

/// The page order a call requests, when it evaluates.
pub fn request_order(cx: &FunctionCx, call: &Call, alloc: &Allocator) -> Option<u64> {
    eval_at(cx, call, call.args().get(alloc.order_arg?)?)
}

/// The GFP flags of an allocator call, when known; and their text. The argument was
/// evaluated once, at classification (`Call::gfp_flags`).
pub fn flags(call: &Call, alloc: &Allocator) -> Option<(GfpSet, String)> {
    let GfpArg::At(i) = alloc.gfp_arg else {
        return None;
    };
    match call.args().get(i) {
        Some(text) => call.gfp_flags().map(|set| (set, text.clone())),
        None if call.arg_count as usize <= i => alloc
            .default_gfp
            .map(|g| (g, "GFP_KERNEL (default)".into())),
        None => None,
    }
}

/// "4100 bytes", "65536 bytes (64 KiB)", "8388608 bytes (8 MiB)".
pub fn bytes(n: u64) -> String {
    if n >= 1 << 20 && n.is_multiple_of(1 << 20) {
        format!("{n} bytes ({} MiB)", n >> 20)
    } else if n >= 1 << 10 && n.is_multiple_of(1 << 10) {
        format!("{n} bytes ({} KiB)", n >> 10)
    } else {
        format!("{n} bytes")
    }
}

/// How a size argument reads in a message: `kmalloc(RING_BYTES)` evaluates to ….
pub fn size_desc(call: &Call, alloc: &Allocator) -> String {
    let part = |i: Option<usize>| i.and_then(|i| call.args().get(i)).map(|s| super::short(s));
    match (part(alloc.count_arg), part(alloc.size_arg)) {
        (Some(c), Some(s)) => format!("`{c}` * `{s}`"),
        (_, Some(s)) => format!("`{s}`"),
        _ => String::new(),
    }
}

/// A pointer expression as a tracking key: no spaces, no leading casts or outer parens.
pub fn pointer_key(text: &str) -> String {
    let mut s = text.trim().to_string();
    for _ in 0..8 {
        s = s.trim().to_string();
        if let Some(rest) = s.strip_prefix('(') {
            // A leading cast `(void*)p` or parentheses around the whole `(p)`.
            if let Some(close) = rest.find(')') {
                let inner = &rest[..close];
                let after = &rest[close + 1..];
                if close + 1 == rest.len() {
                    s = inner.to_string();
                    continue;
                }
                if consteval::looks_like_type(inner) || inner.trim_end().ends_with('*') {
                    s = after.to_string();
                    continue;
                }
            }
        }
        break;
    }
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The first call of the function selected by `is_api` with an argument that is the
/// pointer `key` or part of its object (`kfree(buf)`, `list_add(&obj->node, …)`).
pub fn uses<'k>(cx: &FunctionCx<'k>, key: &str, is_api: impl Fn(&str) -> bool) -> Option<&'k Call> {
    let calls: &'k [Call] = &cx.function.calls;
    calls.iter().find(|c| {
        !c.indirect
            && is_api(&c.callee)
            && c.args().iter().any(|arg| {
                let a = pointer_key(arg);
                let a = a.trim_start_matches('&');
                a == key
                    || a.strip_prefix(key)
                        .is_some_and(|rest| rest.starts_with("->") || rest.starts_with('.'))
            })
    })
}

/// Where a freed pointer's memory came from.
pub struct Origin<'k> {
    pub family: FamilyId,
    /// The allocator call, when in this function.
    pub call: Option<&'k Call>,
    /// The struct field, when found through the program's field index.
    pub field: Option<String>,
}

/// Allocator families assigned to each pointer in one function: `None` entries are
/// assignments from other calls (the family is then unknown).
pub struct Tracker<'k> {
    local: HashMap<String, Vec<(Option<FamilyId>, &'k Call)>>,
}

impl<'k> Tracker<'k> {
    pub fn new(cx: &FunctionCx<'k>) -> Self {
        let mut local: HashMap<String, Vec<(Option<FamilyId>, &'k Call)>> = HashMap::new();
        for call in &cx.function.calls {
            let Some(lhs) = call.assigned_to() else {
                continue;
            };
            let fam = match allocator(cx, call) {
                // The local also holds other values: its family is not this call's alone.
                _ if call.target_mixed() => None,
                Some(a) => Some(a.family),
                None if !call.indirect => cx.knowledge.memory_family(&call.callee),
                None => None,
            };
            local.entry(pointer_key(lhs)).or_default().push((fam, call));
        }
        Tracker { local }
    }

    /// The family of the memory `arg` points to, when every known store agrees.
    pub fn origin(&self, cx: &FunctionCx<'k>, free: &Call, arg: &str) -> Option<Origin<'k>> {
        let key = pointer_key(arg);
        if let Some(stores) = self.local.get(&key) {
            let first = stores.first()?;
            let fam = first.0?;
            if stores.iter().any(|s| s.0 != Some(fam)) {
                return None;
            }
            return Some(Origin {
                family: fam,
                call: Some(first.1),
                field: None,
            });
        }
        let path = field_key_typed(&key, free.field_base_type())?;
        let shown = field_key(&key)?;
        // `args.value` of a local struct is this function's own: another function's
        // `args.value` is a different object, so the program-wide field index is only
        // consulted for fields reached through a pointer.
        if !path.contains("->") {
            return None;
        }
        match cx
            .program
            .decls
            .field_store(cx.id.0, dir_of(&cx.file.path), &path)?
        {
            FieldStore::Family(f) => Some(Origin {
                family: f,
                call: None,
                field: Some(shown),
            }),
            FieldStore::Mixed => None,
        }
    }
}

/// Whether any call of the function is a free (cheap test before tracking).
pub fn has_free(cx: &FunctionCx) -> bool {
    cx.function
        .calls
        .iter()
        .any(|c| !c.indirect && cx.knowledge.free_families(&c.callee).is_some())
}

/// Whether an allocator's requests are served from kmalloc's size classes (a
/// device-managed one adds the devres header to the size: [`served_size`]).
pub fn is_kmalloc_family(cx: &FunctionCx, alloc: &Allocator) -> bool {
    cx.knowledge.family(alloc.family).kmalloc_classes
}

/// The kmalloc-family calls of the function whose requested size evaluates, with
/// their allocator and the size in bytes.
pub fn kmalloc_requests<'k>(cx: &FunctionCx<'k>) -> Vec<(&'k Call, &'k Allocator, u64)> {
    let calls: &'k [Call] = &cx.function.calls;
    calls
        .iter()
        .filter_map(|call| {
            let a = allocator(cx, call).filter(|a| is_kmalloc_family(cx, a))?;
            Some((call, a, request_size(cx, call, a)?))
        })
        .collect()
}

/// A free call whose pointer's allocation is known.
pub struct Freed<'k> {
    pub call: &'k Call,
    /// The families the free function releases.
    pub accepts: &'k [FamilyId],
    /// The pointer argument as written.
    pub arg: &'k str,
    pub origin: Origin<'k>,
}

/// Every free call of the function whose pointer can be traced to an allocation (a
/// local variable or a struct field assigned an allocator's result).
pub fn freed_pointers<'k>(cx: &FunctionCx<'k>) -> Vec<Freed<'k>> {
    if !has_free(cx) {
        return Vec::new();
    }
    let tracker = Tracker::new(cx);
    let calls: &'k [Call] = &cx.function.calls;
    calls
        .iter()
        .filter(|call| !call.indirect)
        .filter_map(|call| {
            let accepts = cx.knowledge.free_families(&call.callee)?;
            let arg = call.args().get(cx.knowledge.free_ptr_arg(&call.callee))?;
            let origin = tracker.origin(cx, call, arg)?;
            Some(Freed {
                call,
                accepts,
                arg,
                origin,
            })
        })
        .collect()
}
