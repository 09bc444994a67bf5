//! Deferred `array op scalar` results, and the binary operators that read
//! them in their own pass.
//!
//! The client sends `c = a + b*alpha` as two commands and a delete: `b*alpha`
//! into a temporary, then `a + temporary`. Computed eagerly that writes and
//! rereads a whole temporary array. Instead `binopvs`/`binopsv` store a
//! [`Scaled`] recipe (its memory reserved as usual), and a `binopvv` that
//! reads it computes `a[i] + b[i]*alpha` element by element: a and b are
//! read and c written once, as in STREAM's triad. Anything else that reads
//! the temporary gets it computed first (see `symbol_table::Deferred`).

use std::any::Any;
use std::sync::Arc;

use super::{Plan, compute, is_sqrt};
use crate::commands::{Ctx, check_dtype};
use crate::error::CommandError;
use crate::kernels;
use crate::kernels::arith::{Basic, Op, each, fused_as, scale};
use crate::kernels::elem::{BlockMut, Elem, Fill, Scalar, Side};
use crate::protocol::Args;
use crate::symbol_table::{ArrayData, ArrayEntry, DType, Deferred, Recipe};

/// `array op scalar` (or `scalar op array`) left uncomputed by `binopvs` and
/// `binopsv` until something reads it. A `binopvv` reads it in its own pass:
/// element by element through [`fused`] for `+ - * /` in one type, a block
/// at a time through [`ScaledRead`] otherwise.
pub(super) struct Scaled {
    plan: Plan,
    op: Op,
    scalar: Scalar,
    scalar_first: bool,
}

impl Scaled {
    /// The recipe for `left op right` when deferring it is worth it and
    /// exact: a large array (`n` elements over all ranks, so that every rank
    /// decides alike) that needs no conversion (so a block is computed by the
    /// same element function as the whole array) and an arithmetic plan.
    pub(super) fn of(plan: Plan, op: Op, left: &Side, right: &Side, n: usize) -> Option<Scaled> {
        let (data, scalar, scalar_first) = match (left, right) {
            (Side::Arr(d), Side::Val(s)) => (d, *s, false),
            (Side::Val(s), Side::Arr(d)) => (d, *s, true),
            _ => return None,
        };
        let exact = match plan {
            Plan::Arith(t) => t == data.dtype() && !is_sqrt(plan, op, right),
            Plan::TrueDiv => data.dtype() == DType::Float64,
            _ => false,
        };
        (exact && n >= kernels::PAR_THRESHOLD).then_some(Scaled {
            plan,
            op,
            scalar,
            scalar_first,
        })
    }
}

impl Recipe for Scaled {
    /// What `binopvs`/`binopsv` computes when it does not defer.
    fn compute(&self, source: &ArrayData) -> ArrayData {
        let (arr, val) = (Side::Arr(source), Side::Val(self.scalar));
        let (l, r) = if self.scalar_first {
            (val, arr)
        } else {
            (arr, val)
        };
        compute(self.plan, self.op, source.len(), &l, &r)
    }
}

/// A [`Scaled`] and its source, read a block at a time.
pub(super) struct ScaledRead<'a> {
    recipe: &'a Scaled,
    source: &'a ArrayData,
}

impl Fill for ScaledRead<'_> {
    fn dtype(&self) -> DType {
        self.recipe.plan.out()
    }

    fn fill(&self, start: usize, out: BlockMut<'_>) {
        let r = start..start + out.len();
        let s = self.recipe;
        match (self.source, out) {
            (ArrayData::Float64(v), BlockMut::Float64(o)) if matches!(s.plan, Plan::TrueDiv) => {
                let k = f64::from_scalar(s.scalar);
                each(&v[r], o, k, s.scalar_first, |x: f64, y: f64| x / y);
            }
            (ArrayData::Int64(v), BlockMut::Int64(o)) => {
                scale(s.op, &v[r], o, Elem::from_scalar(s.scalar), s.scalar_first)
            }
            (ArrayData::UInt64(v), BlockMut::UInt64(o)) => {
                scale(s.op, &v[r], o, Elem::from_scalar(s.scalar), s.scalar_first)
            }
            (ArrayData::UInt8(v), BlockMut::UInt8(o)) => {
                scale(s.op, &v[r], o, Elem::from_scalar(s.scalar), s.scalar_first)
            }
            (ArrayData::Float64(v), BlockMut::Float64(o)) => {
                scale(s.op, &v[r], o, Elem::from_scalar(s.scalar), s.scalar_first)
            }
            (ArrayData::Bool(v), BlockMut::Bool(o)) => {
                scale(s.op, &v[r], o, Elem::from_scalar(s.scalar), s.scalar_first)
            }
            _ => unreachable!("a Scaled array has its source's type (Scaled::of)"),
        }
    }
}

/// An array operand of a binary operator: a stored array, or (for
/// `binopvv`) a deferred `array op scalar` computed in the operator's own
/// pass.
pub(super) enum VvOperand {
    Array(Arc<ArrayEntry>),
    Scaled(Arc<Deferred>, Arc<ArrayEntry>),
}

impl VvOperand {
    /// The array named by argument `key`, which must hold `dtype`; left
    /// deferred when `fuse` allows and it is a [`Scaled`].
    pub(super) fn get(
        args: &Args,
        ctx: &Ctx,
        key: &str,
        dtype: DType,
        fuse: bool,
    ) -> Result<VvOperand, CommandError> {
        let name = args.str(key)?;
        let deferred = fuse
            .then(|| ctx.shared.symbols.get_deferred(name))
            .flatten()
            .filter(|(d, _)| (d.recipe() as &dyn Any).is::<Scaled>());
        if let Some((d, source)) = deferred {
            check_dtype(name, d.dtype(), dtype, ctx.cmd)?;
            return Ok(VvOperand::Scaled(d, source));
        }
        Ok(VvOperand::Array(ctx.typed_array(args, key, dtype)?))
    }

    /// The stored array read (the source, for a deferred one): its size is
    /// the operand's.
    pub(super) fn entry(&self) -> &ArrayEntry {
        match self {
            VvOperand::Array(e) | VvOperand::Scaled(_, e) => e,
        }
    }

    pub(super) fn reader(&self) -> Reader<'_> {
        match self {
            VvOperand::Array(e) => Reader::Data(&e.data),
            VvOperand::Scaled(d, source) => Reader::Scaled(ScaledRead {
                recipe: (d.recipe() as &dyn Any)
                    .downcast_ref()
                    .expect("checked in VvOperand::get"),
                source: &source.data,
            }),
        }
    }
}

/// What a [`Side`] borrows from.
pub(super) enum Reader<'a> {
    Data(&'a ArrayData),
    Scaled(ScaledRead<'a>),
}

impl Reader<'_> {
    pub(super) fn side(&self) -> Side<'_> {
        match self {
            Reader::Data(d) => Side::Arr(d),
            Reader::Scaled(s) => Side::Lazy(s),
        }
    }
}

// ---------------------------------------------------------------------------
// Element-by-element fusion
// ---------------------------------------------------------------------------

/// `op` under `plan` as a [`Basic`] operator, when it computes in `t` itself,
/// with no conversion.
fn basic(plan: Plan, op: Op, t: DType, swapped: bool) -> Option<Basic> {
    match (plan, op) {
        (Plan::Arith(p), Op::Add) if p == t => Some(Basic::Add),
        (Plan::Arith(p), Op::Mul) if p == t => Some(Basic::Mul),
        (Plan::Arith(p), Op::Sub) if p == t => Some(Basic::Sub { swapped }),
        (Plan::TrueDiv, _) if t == DType::Float64 => Some(Basic::Div { swapped }),
        _ => None,
    }
}

/// `a op b`, one of them deferred, computed element by element when both
/// operators are [`Basic`] in one type shared by both arrays; `None`
/// otherwise (the caller then reads the deferred one a block at a time).
pub(super) fn fused(plan: Plan, op: Op, a: &Reader, b: &Reader) -> Option<ArrayData> {
    let (other, lazy, lazy_left) = match (a, b) {
        (Reader::Data(x), Reader::Scaled(y)) => (*x, y, false),
        (Reader::Scaled(x), Reader::Data(y)) => (*y, x, true),
        _ => return None,
    };
    let s = lazy.recipe;
    let t = other.dtype();
    let outer = basic(plan, op, t, lazy_left)?;
    let inner = basic(s.plan, s.op, lazy.source.dtype(), s.scalar_first)?;
    Some(match (other, lazy.source) {
        (ArrayData::Float64(x), ArrayData::Float64(y)) => {
            ArrayData::Float64(fused_as(x, y, f64::from_scalar(s.scalar), inner, outer))
        }
        (ArrayData::Int64(x), ArrayData::Int64(y)) => {
            ArrayData::Int64(fused_as(x, y, i64::from_scalar(s.scalar), inner, outer))
        }
        (ArrayData::UInt64(x), ArrayData::UInt64(y)) => {
            ArrayData::UInt64(fused_as(x, y, u64::from_scalar(s.scalar), inner, outer))
        }
        _ => return None,
    })
}
