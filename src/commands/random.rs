//! Random arrays: `randint<T,1>` and `randomNormal<1>` (the client's
//! `ak.randint`, `ak.uniform`, `ak.standard_normal`), and the commands behind
//! `ak.random.default_rng(seed)`: `createGenerator<T>`, `uniformGenerator<T,1>`
//! (`integers`, `uniform`, `random`), `standardNormalGenerator<1>` and
//! `delGenerator`.
//!
//! Every value comes from a counter-based stream: word `p` of the stream with
//! key `k` is SplitMix64's output for counter `k + (p + 1) * golden`. Element
//! `i` of an array uses the words at its own positions, so the same seed gives
//! the same values whatever the thread count or chunking. A seed fixes the
//! key; without one the key is drawn from the OS. A Generator's position is
//! the `state` its client sends (it adds the number of words each call used),
//! so successive calls continue the stream instead of repeating it.
//!
//! Bounds follow the client: `randint` gets `[low, high)` for integer types
//! (NumPy's `randint`), `uniformGenerator` gets `[low, high]` (the client has
//! already taken 1 off `high` unless `endpoint=True`). Floats lie in
//! `[low, high)`; integers are drawn without modulo bias (Lemire's method).
//! Normals use the ziggurat method: element `i` owns two stream positions
//! (a Generator's state advances by two per element, as its client counts)
//! and draws from the first, with its retries for the rare rejections.
//!
//! Over several ranks each rank draws its block at the elements' global
//! positions, so a seed gives the same array at any rank count; an unseeded
//! key is rank 0's, sent to the others.

use std::collections::BTreeMap;
use std::sync::{Mutex, PoisonError};

use super::{CommandMap, Ctx, Kind};
use crate::dist::exchange;
use crate::error::CommandError;
use crate::handler;
use crate::kernels;
use crate::kernels::Plain;
use crate::protocol::args::{parse_bool, parse_int};
use crate::protocol::{Args, Reply};
use crate::symbol_table::{ArrayData, DType};

pub fn register(map: &mut CommandMap) {
    const M: &str = "RandMsg";
    for dtype in DType::ALL {
        let d = dtype.name();
        map.add(
            format!("randint<{d},1>"),
            handler!(randint),
            Kind::Tracked,
            M,
        )
        .everywhere();
        map.add(
            format!("createGenerator<{d}>"),
            handler!(create_generator),
            Kind::Tracked,
            M,
        )
        .everywhere();
        map.add(
            format!("uniformGenerator<{d},1>"),
            handler!(uniform_generator),
            Kind::Tracked,
            M,
        )
        .everywhere();
    }
    map.add("randomNormal<1>", handler!(random_normal), Kind::Tracked, M)
        .everywhere();
    map.add(
        "standardNormalGenerator<1>",
        handler!(standard_normal_generator),
        Kind::Tracked,
        M,
    )
    .everywhere();
    map.add("delGenerator", handler!(del_generator), Kind::Tracked, M)
        .everywhere();
}

// ---------------------------------------------------------------------------
// The stream
// ---------------------------------------------------------------------------

const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

/// SplitMix64's finaliser.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[derive(Clone, Copy, Debug)]
struct Stream {
    key: u64,
}

impl Stream {
    /// Nearby seeds give unrelated keys (not the same stream shifted).
    fn seeded(seed: i64) -> Stream {
        Stream {
            key: mix(seed as u64 ^ 0x5EED_5EED_5EED_5EED),
        }
    }

    /// A key from the OS: rank 0's, so that every rank draws one stream.
    fn unseeded(ctx: &Ctx) -> Result<Stream, CommandError> {
        let mine: u64 = if ctx.comm.rank() == 0 {
            rand::random()
        } else {
            0
        };
        let key = exchange::bcast_bytes(ctx.comm, 0, mine.to_le_bytes().to_vec())?;
        let key = key
            .try_into()
            .map_err(|_| CommandError::value("a stream key is 8 bytes"))?;
        Ok(Stream {
            key: u64::from_le_bytes(key),
        })
    }

    fn word(self, pos: u64) -> u64 {
        mix(self
            .key
            .wrapping_add(pos.wrapping_add(1).wrapping_mul(GOLDEN)))
    }

    /// Further words for position `pos` (retries of a rejected draw).
    fn retry(self, pos: u64, attempt: u64) -> u64 {
        mix(self.word(pos) ^ mix(attempt.wrapping_mul(GOLDEN)))
    }

    /// A float in [0, 1) with 53 random bits.
    fn unit(self, pos: u64) -> f64 {
        (self.word(pos) >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// An integer in `lo..=hi` (`lo <= hi`, span at most 2^64), unbiased.
    fn int_in(self, pos: u64, lo: i128, hi: i128) -> i128 {
        let span = (hi - lo + 1) as u128;
        let mut w = self.word(pos);
        if span > u64::MAX as u128 {
            return lo + w as i128;
        }
        let s = span as u64;
        let mut m = w as u128 * s as u128;
        // A draw is rejected when its low word is below 2^64 mod s, which is
        // below s: only then is the division worth doing (Lemire's method).
        if (m as u64) < s {
            let threshold = s.wrapping_neg() % s;
            let mut attempt = 0;
            while (m as u64) < threshold {
                attempt += 1;
                w = self.retry(pos, attempt);
                m = w as u128 * s as u128;
            }
        }
        lo + (m >> 64) as i128
    }

    /// A standard normal by the ziggurat method (Marsaglia and Tsang, with
    /// Doornik's 256 layers, as NumPy's `Generator.standard_normal`): from
    /// the word at `pos`, nearly always alone; the rare rejections and tail
    /// draws take further words of the same position (`retry`).
    fn normal(self, z: &Ziggurat, pos: u64) -> f64 {
        let mut attempt = 0;
        let mut next = || {
            attempt += 1;
            self.retry(pos, attempt)
        };
        let mut bits = self.word(pos);
        loop {
            // The low 8 bits pick the layer; the top 53 an abscissa in
            // (-1, 1), its sign the normal's.
            let layer = (bits & 0xff) as usize;
            let u = 2.0 * open_unit(bits) - 1.0;
            let x = u * z.x[layer];
            if x.abs() < z.x[layer + 1] {
                return x;
            }
            if layer == 0 {
                return z.tail(u < 0.0, &mut next);
            }
            let y = z.f[layer + 1] + (z.f[layer] - z.f[layer + 1]) * open_unit(next());
            if y < (-0.5 * x * x).exp() {
                return x;
            }
            bits = next();
        }
    }
}

/// A float in (0, 1) from the top 53 bits of `w`.
fn open_unit(w: u64) -> f64 {
    ((w >> 11) as f64 + 0.5) * (1.0 / (1u64 << 53) as f64)
}

/// The ziggurat's layers for the standard normal: layer `i` spans
/// `x[i+1]..x[i]` under density height `f[i]` (unnormalised, `exp(-x²/2)`);
/// `x[1]` is where the tail starts, `x[0]` the width of the base layer.
struct Ziggurat {
    x: [f64; 257],
    f: [f64; 257],
}

/// Start of the tail and area of every layer, for 256 layers.
const ZIG_R: f64 = 3.654_152_885_361_009;
const ZIG_V: f64 = 4.928_673_233_99e-3;

impl Ziggurat {
    fn get() -> &'static Ziggurat {
        static TABLES: std::sync::OnceLock<Ziggurat> = std::sync::OnceLock::new();
        TABLES.get_or_init(|| {
            let pdf = |x: f64| (-0.5 * x * x).exp();
            let mut x = [0.0; 257];
            x[0] = ZIG_V / pdf(ZIG_R);
            x[1] = ZIG_R;
            for i in 1..255 {
                x[i + 1] = (-2.0 * (ZIG_V / x[i] + pdf(x[i])).ln()).sqrt();
            }
            let f = x.map(pdf);
            Ziggurat { x, f }
        })
    }

    /// Beyond `ZIG_R`, by Marsaglia's exponential method.
    fn tail(&self, negative: bool, next: &mut impl FnMut() -> u64) -> f64 {
        loop {
            let x = open_unit(next()).ln() / ZIG_R;
            let y = open_unit(next()).ln();
            if -2.0 * y >= x * x {
                return if negative { x - ZIG_R } else { ZIG_R - x };
            }
        }
    }
}

/// What element `i` of a random array is drawn as.
#[derive(Clone, Copy)]
enum Draw {
    /// Integers in `lo..=hi`, stored as the given type.
    Int {
        lo: i128,
        hi: i128,
    },
    /// Floats from `low` towards `high`, never `high` (just `low` when
    /// they are equal).
    Float {
        low: f64,
        high: f64,
    },
    Normal,
}

/// `n` elements of `dtype` from global index `first` on; element `i` uses
/// stream positions from `offset + i * stride`.
fn fill(
    stream: Stream,
    draw: Draw,
    dtype: DType,
    n: usize,
    first: usize,
    offset: u64,
) -> ArrayData {
    let each = Each { n, first };

    match draw {
        Draw::Int { lo, hi } => {
            let v = move |i: u64| stream.int_in(offset.wrapping_add(i), lo, hi);
            match dtype {
                DType::Int64 => ArrayData::Int64(each.of(|i| v(i) as i64)),
                DType::UInt64 => ArrayData::UInt64(each.of(|i| v(i) as u64)),
                DType::UInt8 => ArrayData::UInt8(each.of(|i| v(i) as u8)),
                DType::Bool => ArrayData::Bool(each.of(|i| v(i) != 0)),
                DType::Float64 => ArrayData::Float64(each.of(|i| v(i) as f64)),
            }
        }
        Draw::Float { low, high } => ArrayData::Float64(each.of(|i| {
            let x = low + (high - low) * stream.unit(offset.wrapping_add(i));
            // Rounding can reach `high`, which the interval leaves out.
            if high > low && x >= high {
                high.next_down()
            } else if high < low && x <= high {
                high.next_up()
            } else {
                x
            }
        })),
        Draw::Normal => {
            let z = Ziggurat::get();
            let pos = |i: u64| offset.wrapping_add(i.wrapping_mul(2));
            ArrayData::Float64(each.of(|i| stream.normal(z, pos(i))))
        }
    }
}

/// The local elements of a block and the global index of its first one.
#[derive(Clone, Copy)]
struct Each {
    n: usize,
    first: usize,
}

impl Each {
    /// `at(i)` for the block's global indices `i`.
    fn of<T: Plain + Send>(self, at: impl Fn(u64) -> T + Sync) -> Vec<T> {
        let stream = kernels::streams::<T>(self.n);
        kernels::build(self.n, |start, chunk| {
            let first = (self.first + start) as u64;
            kernels::write_each(chunk, stream, |k| at(first + k as u64));
        })
    }
}

// ---------------------------------------------------------------------------
// Arguments
// ---------------------------------------------------------------------------

/// A rank-1 shape: an integer or a JSON list of one integer.
fn length(args: &Args, key: &str) -> Result<usize, CommandError> {
    let val = args.str(key)?;
    let dims = match parse_int(val) {
        Some(n) => vec![n],
        None => args.int_list(key)?,
    };
    match dims[..] {
        [n] => usize::try_from(n)
            .map_err(|_| CommandError::value(format!("negative dimension in shape {val}"))),
        _ => Err(CommandError::value(format!(
            "shape {val} does not have 1 dimension(s)"
        ))),
    }
}

/// The range of values `dtype` holds, for integer draws.
fn int_range(dtype: DType) -> (i128, i128) {
    match dtype {
        DType::Int64 => (i64::MIN.into(), i64::MAX.into()),
        DType::UInt64 => (0, u64::MAX.into()),
        DType::UInt8 => (0, u8::MAX.into()),
        _ => (0, 1),
    }
}

/// Integer bound `key`, as an integer of `dtype` (bools also as True/False).
fn int_bound(args: &Args, key: &str, dtype: DType) -> Result<i128, CommandError> {
    let val = args.str(key)?;
    let ty = match dtype {
        DType::Int64 => "int(64)",
        DType::UInt64 => "uint(64)",
        DType::UInt8 => "uint(8)",
        _ => "bool",
    };
    let parsed = val.trim().parse::<i128>().ok().or_else(|| {
        (dtype == DType::Bool)
            .then(|| parse_bool(val).map(i128::from))
            .flatten()
    });
    parsed.ok_or_else(|| CommandError::BadScalar {
        val: val.to_string(),
        ty,
    })
}

/// Integer draws in `lo..=hi`, with NumPy's texts when they cannot be made.
fn int_draw(dtype: DType, lo: i128, hi: i128, empty: &str) -> Result<Draw, CommandError> {
    if lo > hi {
        return Err(CommandError::value(empty));
    }
    let (min, max) = int_range(dtype);
    if lo < min || lo > max {
        return Err(CommandError::value(format!(
            "low is out of bounds for {}",
            dtype.name()
        )));
    }
    if hi > max || hi < min {
        return Err(CommandError::value(format!(
            "high is out of bounds for {}",
            dtype.name()
        )));
    }
    Ok(Draw::Int { lo, hi })
}

/// Float draws in `[low, high)`; with `reversed_ok` (NumPy's
/// `Generator.uniform`) `high < low` gives `(high, low]`.
fn float_draw(args: &Args, reversed_ok: bool) -> Result<Draw, CommandError> {
    let (low, high) = (args.real("low")?, args.real("high")?);
    if high < low && !reversed_ok {
        return Err(CommandError::value("low >= high"));
    }
    if !(high - low).is_finite() {
        return Err(CommandError::value(format!(
            "the range [{low}, {high}) is not finite"
        )));
    }
    Ok(Draw::Float { low, high })
}

fn new_array(
    ctx: &Ctx,
    (stream, draw): (Stream, Draw),
    dtype: DType,
    n: usize,
    offset: u64,
) -> Result<Reply, CommandError> {
    let first = ctx.local_range(n).start;
    let entry = ctx.shared.symbols.new_entry(dtype, vec![n], |len| {
        fill(stream, draw, dtype, len, first, offset)
    })?;
    Ok(ctx.created(entry))
}

// ---------------------------------------------------------------------------
// Legacy functions
// ---------------------------------------------------------------------------

/// `seed` as the client sends it: `-1` (randint) or `None` (randomNormal)
/// for none.
fn seed_stream(args: &Args, ctx: &Ctx) -> Result<Stream, CommandError> {
    let val = args.str("seed")?;
    if val.trim() == "None" {
        return Stream::unseeded(ctx);
    }
    match args.int("seed")? {
        -1 => Stream::unseeded(ctx),
        seed => Ok(Stream::seeded(seed)),
    }
}

/// `ak.randint(low, high, size, dtype, seed)`; `ak.uniform` sends float64.
pub fn randint(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let dtype = ctx.param_type(0)?;
    let n = length(args, "shape")?;
    let draw = match dtype {
        DType::Float64 => float_draw(args, false)?,
        _ => {
            let lo = int_bound(args, "low", dtype)?;
            let high = int_bound(args, "high", dtype)?;
            int_draw(dtype, lo, high - 1, "low >= high")?
        }
    };
    let stream = seed_stream(args, ctx)?;
    new_array(ctx, (stream, draw), dtype, n, 0)
}

/// `ak.standard_normal(size, seed)`.
pub fn random_normal(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let n = length(args, "shape")?;
    let stream = seed_stream(args, ctx)?;
    new_array(ctx, (stream, Draw::Normal), DType::Float64, n, 0)
}

// ---------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------

/// A server-side Generator: the client keeps its position (`state`).
#[derive(Clone, Copy, Debug)]
pub struct Generator {
    dtype: DType,
    stream: Stream,
}

/// Generators by name. They hold no array, so they live outside the symbol
/// table; names come from it, so they never collide with arrays.
#[derive(Default)]
pub struct Generators(Mutex<BTreeMap<String, Generator>>);

impl Generators {
    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, Generator>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Generator `name`, which must produce `dtype`.
fn generator(args: &Args, ctx: &Ctx, dtype: DType) -> Result<Generator, CommandError> {
    let name = args.str("name")?;
    let g = ctx
        .shared
        .generators
        .lock()
        .get(name)
        .copied()
        .ok_or_else(|| CommandError::UnknownSymbol(name.into()))?;
    if g.dtype != dtype {
        return Err(CommandError::value(format!(
            "{name} is a {} generator but {} was called",
            g.dtype.name(),
            ctx.cmd
        )));
    }
    Ok(g)
}

/// The stream position of the client's `state` (1 at the start).
fn position(args: &Args) -> Result<u64, CommandError> {
    let state = args.int("state")?;
    if state < 1 {
        return Err(CommandError::value(format!(
            "generator state {state} is not positive"
        )));
    }
    Ok(state as u64 - 1)
}

/// `default_rng(seed)` sends one per element type; the reply's second word
/// is the name.
///
/// Generators are not arrays, so they are not staged: every rank first
/// agrees that it got this far, and only then takes a name and stores the
/// generator, with nothing left to fail (a failure after `next_name` would
/// leave a generator on some ranks under a name the engine gives out again).
pub fn create_generator(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let dtype = ctx.param_type(0)?;
    let stream = if args.bool("has_seed")? {
        Stream::seeded(args.int("seed")?)
    } else {
        Stream::unseeded(ctx)?
    };
    ctx.comm.agree(Ok(()))?;
    let name = ctx.shared.symbols.next_name();
    let generator = Generator { dtype, stream };
    ctx.shared.generators.lock().insert(name.clone(), generator);
    Ok(Reply::normal(format!("created {name} ")))
}

/// `Generator.integers`, `.uniform` and `.random`: `low`/`high` inclusive
/// for integer types (bools ignore them unless they pin the value).
pub fn uniform_generator(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let dtype = ctx.param_type(0)?;
    let g = generator(args, ctx, dtype)?;
    let n = length(args, "shape")?;
    let pos = position(args)?;
    let draw = match dtype {
        DType::Float64 => float_draw(args, true)?,
        _ => {
            let lo = int_bound(args, "low", dtype)?;
            let hi = int_bound(args, "high", dtype)?;
            int_draw(dtype, lo, hi, "low > high")?
        }
    };
    new_array(ctx, (g.stream, draw), dtype, n, pos)
}

/// `Generator.standard_normal`: two stream words per element.
pub fn standard_normal_generator(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let g = generator(args, ctx, DType::Float64)?;
    let n = length(args, "shape")?;
    let pos = position(args)?;
    let method = args.str("method")?;
    if !matches!(method, "ZIG" | "BOX") {
        return Err(CommandError::value(format!(
            "Only ZIG and BOX are supported for method. Received: {method}"
        )));
    }
    new_array(ctx, (g.stream, Draw::Normal), DType::Float64, n, pos)
}

/// Drops a Generator (the client's `Generator.destructor`), once every rank
/// has found it.
pub fn del_generator(args: &Args, ctx: &Ctx) -> Result<Reply, CommandError> {
    let name = args.str("name")?;
    let generators = &ctx.shared.generators;
    if !generators.lock().contains_key(name) {
        return Err(CommandError::UnknownSymbol(name.into()));
    }
    ctx.comm.agree(Ok(()))?;
    generators.lock().remove(name);
    Ok(Reply::normal(""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_integers_cover_the_range_without_leaving_it() {
        let s = Stream::seeded(7);
        let mut seen = [0usize; 3];
        for p in 0..30_000 {
            let x = s.int_in(p, -1, 1);
            seen[(x + 1) as usize] += 1;
        }
        assert!(seen.iter().all(|c| (9_000..11_000).contains(c)), "{seen:?}");
        // The full 64-bit span needs no rejection.
        let full = s.int_in(3, i64::MIN.into(), i64::MAX.into());
        assert!(full >= i64::MIN.into() && full <= i64::MAX.into());
        assert_eq!(s.int_in(5, 42, 42), 42);
    }

    /// The ziggurat's normals against the normal distribution's CDF at
    /// fixed points and its moments (10^6 draws: each bound is over 5
    /// standard errors), its tail included.
    #[test]
    fn normals_follow_the_normal_distribution() {
        let z = Ziggurat::get();
        assert_eq!(z.x[1], ZIG_R);
        assert!(z.x[255] > 0.0 && z.x[255] < 0.3, "{}", z.x[255]);
        let s = Stream::seeded(11);
        let n = 1_000_000;
        let draws: Vec<f64> = (0..n).map(|i| s.normal(z, 2 * i)).collect();
        let mean = draws.iter().sum::<f64>() / n as f64;
        let var = draws.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n as f64;
        let kurt = draws.iter().map(|x| x.powi(4)).sum::<f64>() / n as f64;
        assert!(mean.abs() < 0.006, "mean {mean}");
        assert!((var - 1.0).abs() < 0.008, "variance {var}");
        assert!((kurt - 3.0).abs() < 0.05, "fourth moment {kurt}");
        // Phi(t) for t = -3, -2, -1, -0.5, 0, 0.5, 1, 2, 3.
        let cdf = [
            (-3.0, 0.001_349_898),
            (-2.0, 0.022_750_132),
            (-1.0, 0.158_655_254),
            (-0.5, 0.308_537_539),
            (0.0, 0.5),
            (0.5, 0.691_462_461),
            (1.0, 0.841_344_746),
            (2.0, 0.977_249_868),
            (3.0, 0.998_650_102),
        ];
        for (t, p) in cdf {
            let got = draws.iter().filter(|x| **x < t).count() as f64 / n as f64;
            let se = (p * (1.0 - p) / n as f64).sqrt();
            assert!(
                (got - p).abs() < 5.0 * se + 1e-6,
                "P(x < {t}) = {got}, not {p}"
            );
        }
        // Beyond the ziggurat's base: 2 * (1 - Phi(R)) = 2.58e-4 of draws.
        let tail = draws.iter().filter(|x| x.abs() > ZIG_R).count();
        assert!((180..340).contains(&tail), "{tail} draws beyond R");
        assert!(draws.iter().all(|x| x.is_finite()));
    }

    #[test]
    fn seeds_fix_streams() {
        assert_eq!(Stream::seeded(1).word(9), Stream::seeded(1).word(9));
        assert_ne!(Stream::seeded(1).word(9), Stream::seeded(2).word(9));
        assert_ne!(Stream::seeded(1).word(9), Stream::seeded(1).word(10));
    }
}
