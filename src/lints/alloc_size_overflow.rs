//! `alloc-size-overflow`: an allocation size computed as `n * size` that can overflow
//! given the operand types on the target, and so allocate too little.
//!
//! Products that are open-coded but cannot overflow by their types (a 32-bit count
//! times a `sizeof` in a 64-bit `size_t`), or whose operand types are unknown, are
//! `alloc-size-arith`'s (a style rule, off by default); both share [`classify`].

use super::alloc;
use super::{FunctionCx, LintInfo, short};
use crate::consteval::{looks_like_type, product_factors};
use crate::diagnostic::{Diagnostic, Severity};
use crate::bits::BitsEnv;
use crate::decl_index::FileEnv;
use crate::facts::Call;
use crate::parse::{UPDATED, WRITTEN_THROUGH_POINTER};
use crate::values::Val;

pub const INFO: LintInfo = LintInfo {
    name: "alloc-size-overflow",
    severity: Severity::Warning,
    summary: "allocation size `n * size` whose operand types let the product overflow: use kmalloc_array/kcalloc/array_size",
    doc: include_str!("../../lints/alloc-size-overflow.md"),
    // Opt-in: on the 6.1 census 2 of its 9 findings were real (the others' operands
    // are bounded by checks or values a caller's caller sets, beyond what `bits.rs`
    // follows), below what a default lint must reach.
    enabled_by_default: false,
    check: Some(check),
};

/// The `--fix` of a two-factor product: `n * size` becomes the array variant's two
/// arguments (`crate::fix` checks the text before rewriting).
pub fn array_fix(cx: &FunctionCx, call: &Call, p: &Product) -> Option<crate::diagnostic::Fix> {
    let to = cx
        .knowledge
        .checked_array_form(&call.callee)?
        .variant
        .as_deref()?;
    let size_arg = alloc::allocator(cx, call)?.size_arg?;
    (p.operands.len() == 2).then(|| crate::diagnostic::Fix::ArrayCall {
        from: call.callee.to_string(),
        to: to.to_string(),
        size_arg,
    })
}

/// The size assumed for a `sizeof` the evaluator cannot compute: no real kernel
/// object type is this large.
const MAX_OBJECT_SIZE: u64 = 1 << 24;

/// One factor of a size product, as C sees it.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    /// A constant: its value and the width in bytes of its type (`size_t` for a
    /// `sizeof`, `int` for a literal or a plain macro).
    Constant { value: u64, width: u64 },
    /// A variable of a known integer type: its name, type and width, and the bits
    /// of its values (fewer under a widening cast, `(size_t)u32_count`, or when its
    /// values come from narrower ones: see [`crate::bits`]).
    Typed {
        text: String,
        ty: String,
        width: u64,
        value_bits: u32,
        /// Its values enter the function unbounded: a parameter the run's callers do
        /// not bound, or a local written through a pointer (`kstrtoul(buf, 0, &n)`).
        input: bool,
    },
    /// A variable whose type is not known here (a field, a call, a global).
    Unknown { text: String },
}

/// What the operand types say about a product size.
pub enum Verdict {
    /// The product can exceed its type on some operand values: (the type it is
    /// computed in, its width in bytes).
    CanOverflow { computed_in: String, width: u64 },
    /// Every operand type is known and no value of them overflows.
    TypeSafe,
    /// Some operand type is unknown.
    UnknownTypes,
    /// The types allow an overflow, but every variable factor is computed in the
    /// function from its own state (fields, hardware, constants) rather than taken
    /// as an input: reviews of the 6.1 tree found those bounded in practice (29 of
    /// 31), so they are the style lint's.
    Computed,
}

pub struct Product<'k> {
    pub text: String,
    pub operands: Vec<Operand>,
    pub verdict: Verdict,
    pub instead: &'k str,
}

/// The open-coded product size of an allocator call, if it has one with a
/// non-constant factor, and what its operand types allow.
pub fn classify<'k>(cx: &FunctionCx<'k>, call: &Call) -> Option<Product<'k>> {
    let a = alloc::allocator(cx, call)?;
    if a.count_arg.is_some() {
        return None;
    }
    let instead = cx.knowledge.checked_array_form(&call.callee)?.help.as_str();
    let text = a.size_arg.and_then(|i| call.args().get(i))?;
    let factors = product_factors(text)?;
    let leading_cast = leading_cast(text);
    let operands: Vec<Operand> = factors
        .iter()
        .enumerate()
        .map(|(i, f)| operand(cx, call, f, if i == 0 { leading_cast } else { None }))
        .collect();
    if operands
        .iter()
        .all(|o| matches!(o, Operand::Constant { .. }))
    {
        return None;
    }
    // `n * sizeof(u8)`: multiplying one variable by 1 cannot overflow.
    let constant_product = operands.iter().try_fold(1u64, |acc, o| match o {
        Operand::Constant { value, .. } => acc.checked_mul(*value),
        _ => Some(acc),
    });
    let variables = operands
        .iter()
        .filter(|o| !matches!(o, Operand::Constant { .. }))
        .count();
    if variables == 1 && constant_product == Some(1) {
        return None;
    }
    let verdict = match verdict(&operands) {
        Verdict::CanOverflow { .. }
            if !operands
                .iter()
                .any(|o| matches!(o, Operand::Typed { input: true, .. })) =>
        {
            Verdict::Computed
        }
        v => v,
    };
    Some(Product {
        text: text.clone(),
        operands,
        verdict,
        instead,
    })
}

/// `(size_t)n * m`: the cast applies to the first factor only.
fn leading_cast(text: &str) -> Option<&str> {
    let t = text.trim_start().strip_prefix('(')?;
    let close = t.find(')')?;
    let inner = &t[..close];
    (looks_like_type(inner) && !t[close + 1..].trim().is_empty()).then_some(inner.trim())
}

fn operand(cx: &FunctionCx, call: &Call, factor: &str, cast: Option<&str>) -> Operand {
    let f = factor.trim();
    let size_t = cx.settings.target.pointer_size;
    if f.starts_with("sizeof") {
        return match alloc::eval(cx, f) {
            Some(value) => Operand::Constant {
                value,
                width: size_t,
            },
            // An object's size: below 16 MiB on any real kernel type.
            None => Operand::Constant {
                value: MAX_OBJECT_SIZE,
                width: size_t,
            },
        };
    }
    if let Some(value) = alloc::eval(cx, f) {
        // A macro that expands to a `sizeof`, an `UL` constant or `PAGE_SIZE` has type
        // `size_t`/`unsigned long`.
        let width = if alloc::constant_is_long(cx, f) || value > i32::MAX as u64 {
            size_t
        } else {
            4
        };
        return Operand::Constant { value, width };
    }
    // `(n + 1)`, `n - 1`: the type of `n` (promoted to at least `int`).
    let inner = f.trim_start_matches('(').trim_end_matches(')').trim();
    let base = inner
        .split(['+', '-'])
        .next()
        .map(str::trim)
        .filter(|b| b.chars().all(|c| c.is_alphanumeric() || c == '_') && !b.is_empty());
    let rest_constant = inner
        .split(['+', '-'])
        .skip(1)
        .all(|r| alloc::eval(cx, r.trim()).is_some());
    // A local assigned only constants before the call (`size = ARRAY_SIZE(tbl);`)
    // is bounded by the largest of them.
    if let Some(b) = base.filter(|_| rest_constant && cast.is_none()) {
        let mut values = call.operand_values(b).peekable();
        if values.peek().is_some() {
            let bound = values.try_fold(0u64, |max, v| alloc::eval(cx, v).map(|n| max.max(n)));
            if let (Some(value), Some(width)) = (
                bound,
                call.operand_type(b).and_then(|t| integer_width(cx, t)),
            ) {
                return Operand::Constant {
                    value: value.saturating_add(1),
                    width,
                };
            }
        }
    }
    let declared = base
        .filter(|_| rest_constant)
        .and_then(|b| call.operand_type(b))
        .map(str::to_string);
    let value_width = declared.as_deref().and_then(|t| integer_width(cx, t));
    let ty = cast.map(str::to_string).or(declared);
    let sources = Provenance::new(cx, call);
    let provenance = crate::bits::value_bits(f, &sources);
    match ty.and_then(|t| integer_width(cx, &t).map(|w| (t, w))) {
        Some((ty, width)) => Operand::Typed {
            value_bits: [Some(width), value_width]
                .into_iter()
                .flatten()
                .map(|w| (w * 8) as u32)
                .chain(provenance)
                .min()
                .unwrap_or(64),
            input: sources.input.get(),
            text: match cast {
                Some(c) => format!("({c}){f}"),
                None => f.to_string(),
            },
            ty,
            width,
        },
        None => Operand::Unknown {
            text: f.to_string(),
        },
    }
}

/// Where a size factor's values come from, for [`crate::bits`]: its declared type,
/// the values assigned to it before the call, what the callers pass for a parameter,
/// and the types of the fields it is read from.
struct Provenance<'c, 'k> {
    cx: &'c FunctionCx<'k>,
    call: &'c Call,
    /// Names being resolved (an assignment chain that loops back is unbounded).
    visiting: std::cell::RefCell<Vec<String>>,
    /// Whether some name's values enter the function unbounded (see `Operand::Typed`).
    input: std::cell::Cell<bool>,
}

impl<'c, 'k> Provenance<'c, 'k> {
    fn new(cx: &'c FunctionCx<'k>, call: &'c Call) -> Self {
        Provenance {
            cx,
            call,
            visiting: Default::default(),
            input: Default::default(),
        }
    }

    /// The largest value the run's callers pass as parameter `param`, when every
    /// caller passes a constant (`nand_readid_op(chip, 0, id, 8)`).
    fn callers_bound(&self, param: u32) -> Option<u32> {
        let callers = self.cx.analysis.callers.of(self.cx.id);
        let mut bits = None;
        for &(caller, at) in callers {
            let f = self.cx.program.function(caller);
            let value = match f.arg_value(at, param)? {
                Val::Int(n) | Val::Const(_, n) => u64::try_from(n).ok()?,
                Val::Name(t) | Val::Expr(t) => {
                    let env = FileEnv::new(
                        &self.cx.program.decls,
                        self.cx.knowledge,
                        &self.cx.settings.target,
                        caller.0,
                    );
                    match crate::consteval::eval(&t, &env) {
                        Some(v) => v,
                        // `sizeof(id)` of the caller's local array: an object's size.
                        None => {
                            let b = crate::bits::value_bits(&t, &ConstantsOf(&env))?;
                            bits = bits.max(Some(b));
                            continue;
                        }
                    }
                }
                Val::NonZero
                | Val::HasBits(_)
                | Val::Str
                | Val::RodataStr
                | Val::Text(_)
                | Val::Fields(..) => {
                    return None;
                }
            };
            bits = bits.max(Some(crate::bits::bits_of(value)));
        }
        bits
    }
}

/// A caller's argument: only its constants are known here.
struct ConstantsOf<'e>(&'e FileEnv<'e>);

impl BitsEnv for ConstantsOf<'_> {
    fn constant(&self, text: &str) -> Option<u64> {
        crate::consteval::eval(text, self.0)
    }
    fn name_bits(&self, _: &str) -> Option<u32> {
        None
    }
    fn access_bits(&self, _: &str) -> Option<u32> {
        None
    }
    fn type_bits(&self, _: &str) -> Option<u32> {
        None
    }
}

impl BitsEnv for Provenance<'_, '_> {
    fn constant(&self, text: &str) -> Option<u64> {
        alloc::eval_at(self.cx, self.call, text)
    }

    fn name_bits(&self, name: &str) -> Option<u32> {
        let declared = self
            .call
            .operand_type(name)
            .and_then(|t| integer_width(self.cx, t))
            .map(|w| (w * 8) as u32)?;
        if self.visiting.borrow().iter().any(|n| n == name) || self.visiting.borrow().len() > 8 {
            return Some(declared);
        }
        self.visiting.borrow_mut().push(name.to_string());
        let values: Vec<&str> = self.call.operand_values(name).collect();
        let narrowed = if !values.is_empty() {
            if values.contains(&WRITTEN_THROUGH_POINTER) {
                self.input.set(true);
            }
            values
                .iter()
                .map(|v| {
                    (*v != WRITTEN_THROUGH_POINTER && *v != UPDATED)
                        .then(|| crate::bits::value_bits(v, self))
                        .flatten()
                })
                .try_fold(0, |max, b| b.map(|b| max.max(b)))
        } else if let Some(k) = self.call.operand_param(name) {
            let bound = self.callers_bound(k);
            if bound.is_none() {
                self.input.set(true);
            }
            bound
        } else {
            None
        };
        self.visiting.borrow_mut().pop();
        Some(narrowed.map_or(declared, |n| n.min(declared)))
    }

    fn access_bits(&self, text: &str) -> Option<u32> {
        alloc::eval_at(self.cx, self.call, &format!("sizeof({text})"))
            .filter(|w| matches!(w, 1 | 2 | 4 | 8))
            .map(|w| (w * 8) as u32)
    }

    fn type_bits(&self, ty: &str) -> Option<u32> {
        integer_width(self.cx, ty).map(|w| (w * 8) as u32)
    }
}

/// The width in bytes of an integer type as written (pointers, arrays and structs are
/// not integers).
fn integer_width(cx: &FunctionCx, ty: &str) -> Option<u64> {
    if ty.contains(['*', '[', '?']) || ty.starts_with("struct ") || ty.starts_with("union ") {
        return None;
    }
    alloc::eval(cx, &format!("sizeof({ty})")).filter(|w| matches!(w, 1 | 2 | 4 | 8))
}

/// Follows C's evaluation: left to right, each step in the wider of the two operand
/// types (at least `int`), with every variable at the maximum of its type.
fn verdict(operands: &[Operand]) -> Verdict {
    let mut width = 4u64;
    let mut max: u128 = 1;
    let mut step_type = String::from("int");
    for o in operands {
        let (w, m, name) = match o {
            Operand::Constant { value, width } => (*width, u128::from(*value), None),
            Operand::Typed {
                ty,
                width,
                value_bits,
                ..
            } => (*width, (1u128 << value_bits) - 1, Some(ty)),
            Operand::Unknown { .. } => return Verdict::UnknownTypes,
        };
        if w > width {
            width = w;
            step_type = name.cloned().unwrap_or_else(|| "size_t".into());
        } else if w == width
            && let Some(n) = name
            && step_type == "int"
        {
            step_type = n.clone();
        }
        max = max.saturating_mul(m);
        let limit = (1u128 << (8 * width)) - 1;
        if max > limit {
            return Verdict::CanOverflow {
                computed_in: step_type,
                width,
            };
        }
    }
    Verdict::TypeSafe
}

pub fn check(cx: &FunctionCx, out: &mut Vec<Diagnostic>) {
    for call in &cx.function.calls {
        let Some(p) = classify(cx, call) else {
            continue;
        };
        let Verdict::CanOverflow { computed_in, width } = &p.verdict else {
            continue;
        };
        let why = p
            .operands
            .iter()
            .filter_map(|o| match o {
                Operand::Typed {
                    text,
                    ty,
                    width,
                    value_bits,
                    ..
                } => Some(if u64::from(*value_bits) < width * 8 {
                    format!(
                        "`{}` is `{ty}` (values of at most {value_bits} bits)",
                        short(text)
                    )
                } else {
                    format!("`{}` is `{ty}` ({value_bits} bits)", short(text))
                }),
                _ => None,
            })
            .collect::<Vec<_>>()
            .join(", ");
        out.push(Diagnostic {
            message: format!(
                "`{}()` size `{}` can overflow: {why}, and the product is computed in `{computed_in}` ({} bits), so large values wrap and allocate too little",
                call.callee,
                short(&p.text),
                width * 8
            ),
            labels: Vec::new(),
            notes: Vec::new(),
            help: Some(format!(
                "use {}, which fails on overflow (or size_mul() from <linux/overflow.h>)",
                p.instead
            )),
            fix: array_fix(cx, call, &p),
            ..cx.finding(&INFO, call)
        });
    }
}
