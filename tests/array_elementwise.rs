//! Element-wise functions (`abs`, `sgn`, rounding, exponentials and
//! logarithms, trigonometric and hyperbolic functions, bit counts, float
//! tests, `arctan2`) and `where`, end to end through the binary.
//!
//! Transcendental results are compared with NumPy 2's, stored below as bit
//! patterns: bit for bit, except `tanh`, which NumPy computes with its own
//! AVX2 code on x86-64 and which may differ from the C library's by up to
//! 2 ulp (e.g. at 1.5 and -7.25, 1 ulp).

mod common;

use common::vals::*;
use common::*;

// Generated with NumPy 2.4.6: `np.<function>(x).view(np.uint64)`.
const FX: [f64; 19] = [
    0.0,
    -0.0,
    0.5,
    -0.5,
    1.0,
    -1.0,
    0.25,
    0.9,
    1.5,
    2.0,
    3.0,
    -7.25,
    10.0,
    100.0,
    1e-08,
    710.0,
    f64::NAN,
    f64::INFINITY,
    f64::NEG_INFINITY,
];
const IX: [i64; 9] = [
    0,
    1,
    -1,
    2,
    7,
    -100,
    4611686018427387905,
    i64::MIN,
    9223372036854775807,
];
const UX: [u64; 5] = [0, 1, 3, 9223372036854775808, 18446744073709551615];
#[rustfmt::skip]
const F_EXPECTED: [(&str, [u64; 19]); 18] = [
    ("exp", [0x3ff0000000000000, 0x3ff0000000000000, 0x3ffa61298e1e069c, 0x3fe368b2fc6f960a, 0x4005bf0a8b145769, 0x3fd78b56362cef38, 0x3ff48b5e3c3e8186, 0x4003ad44655c78bc, 0x4011ed3fe64fc541, 0x401d8e64b8d4ddae, 0x403415e5bf6fb106, 0x3f47455fe323fafd, 0x40d5829dcf950560, 0x48f3494a9b171bf5, 0x3ff0000002af31dc, 0x7ff0000000000000, 0x7ff8000000000000, 0x7ff0000000000000, 0x0000000000000000]),
    ("expm1", [0x0000000000000000, 0x8000000000000000, 0x3fe4c2531c3c0d38, 0xbfd92e9a0720d3ec, 0x3ffb7e151628aed2, 0xbfe43a54e4e98864, 0x3fd22d78f0fa061a, 0x3ff75a88cab8f178, 0x400bda7fcc9f8a83, 0x40198e64b8d4ddae, 0x403315e5bf6fb106, 0xbfeffa2ea8073701, 0x40d5825dcf950560, 0x48f3494a9b171bf5, 0x3e45798ee3fdb764, 0x7ff0000000000000, 0x7ff8000000000000, 0x7ff0000000000000, 0xbff0000000000000]),
    ("log", [0xfff0000000000000, 0xfff0000000000000, 0xbfe62e42fefa39ef, 0x7ff8000000000000, 0x0000000000000000, 0x7ff8000000000000, 0xbff62e42fefa39ef, 0xbfbaf8e8210a415c, 0x3fd9f323ecbf984c, 0x3fe62e42fefa39ef, 0x3ff193ea7aad030b, 0x7ff8000000000000, 0x40026bb1bbb55516, 0x40126bb1bbb55516, 0xc0326bb1bbb55516, 0x401a42d4d1ff8154, 0x7ff8000000000000, 0x7ff0000000000000, 0x7ff8000000000000]),
    ("log2", [0xfff0000000000000, 0xfff0000000000000, 0xbff0000000000000, 0x7ff8000000000000, 0x0000000000000000, 0x7ff8000000000000, 0xc000000000000000, 0xbfc374d65d9e608d, 0x3fe2b803473f7ad1, 0x3ff0000000000000, 0x3ff95c01a39fbd68, 0x7ff8000000000000, 0x400a934f0979a371, 0x401a934f0979a371, 0xc03a934f0979a371, 0x4022f17f69e84b95, 0x7ff8000000000000, 0x7ff0000000000000, 0x7ff8000000000000]),
    ("log10", [0xfff0000000000000, 0xfff0000000000000, 0xbfd34413509f79ff, 0x7ff8000000000000, 0x0000000000000000, 0x7ff8000000000000, 0xbfe34413509f79ff, 0xbfa76d869b02a02e, 0x3fc68a288b60b7fc, 0x3fd34413509f79ff, 0x3fde8927964fd5fd, 0x7ff8000000000000, 0x3ff0000000000000, 0x4000000000000000, 0xc020000000000000, 0x4006cf608981902a, 0x7ff8000000000000, 0x7ff0000000000000, 0x7ff8000000000000]),
    ("log1p", [0x0000000000000000, 0x8000000000000000, 0x3fd9f323ecbf984c, 0xbfe62e42fefa39ef, 0x3fe62e42fefa39ef, 0xfff0000000000000, 0x3fcc8ff7c79a9a22, 0x3fe48a11293d785c, 0x3fed5240f0e0e078, 0x3ff193ea7aad030a, 0x3ff62e42fefa39ef, 0xfff8000000000000, 0x40032ee3b77f374c, 0x401275e2271bba31, 0x3e45798ee0636111, 0x401a4445c70632f8, 0x7ff8000000000000, 0x7ff0000000000000, 0xfff8000000000000]),
    ("sin", [0x0000000000000000, 0x8000000000000000, 0x3fdeaee8744b05f0, 0xbfdeaee8744b05f0, 0x3feaed548f090cee, 0xbfeaed548f090cee, 0x3fcfaaeed4f31577, 0x3fe91103985da841, 0x3fefeb7a9b2c6d8b, 0x3fed18f6ead1b446, 0x3fc210386db6d55b, 0xbfea56adb62a27b9, 0xbfe1689ef5f34f52, 0xbfe03425b78c4db8, 0x3e45798ee2308c3a, 0x3f0f9bd0303f6faf, 0x7ff8000000000000, 0xfff8000000000000, 0xfff8000000000000]),
    ("cos", [0x3ff0000000000000, 0x3ff0000000000000, 0x3fec1528065b7d50, 0x3fec1528065b7d50, 0x3fe14a280fb5068c, 0x3fe14a280fb5068c, 0x3fef01549f7deea1, 0x3fe3e43a9692e21c, 0x3fb21bd54fc5f9a7, 0xbfdaa22657537205, 0xbfefae04be85e5d2, 0x3fe22c6f50dc3fbe, 0xbfead9ac890c6b1f, 0x3feb981dbf665fdf, 0x3ff0000000000000, 0x3fefffffff063930, 0x7ff8000000000000, 0xfff8000000000000, 0xfff8000000000000]),
    ("tan", [0x0000000000000000, 0x8000000000000000, 0x3fe17b4f5bf3474a, 0xbfe17b4f5bf3474a, 0x3ff8eb245cbee3a6, 0xbff8eb245cbee3a6, 0x3fd05785a43c4c56, 0x3ff4299ba9c2a138, 0x402c33ed50b88777, 0xc0017af62e0950f8, 0xbfc23ef71254b86f, 0xbff7303fbb8a82ea, 0x3fe4bf5f34be3782, 0xbfe2ca74d62b5d38, 0x3e45798ee2308c3a, 0x3f0f9bd03136287d, 0x7ff8000000000000, 0xfff8000000000000, 0xfff8000000000000]),
    ("arcsin", [0x0000000000000000, 0x8000000000000000, 0x3fe0c152382d7366, 0xbfe0c152382d7366, 0x3ff921fb54442d18, 0xbff921fb54442d18, 0x3fd02be9ce0b87cd, 0x3ff1ea93705fa172, 0x7ff8000000000000, 0x7ff8000000000000, 0x7ff8000000000000, 0x7ff8000000000000, 0x7ff8000000000000, 0x7ff8000000000000, 0x3e45798ee2308c3a, 0x7ff8000000000000, 0x7ff8000000000000, 0x7ff8000000000000, 0x7ff8000000000000]),
    ("arccos", [0x3ff921fb54442d18, 0x3ff921fb54442d18, 0x3ff0c152382d7366, 0x4000c152382d7366, 0x0000000000000000, 0x400921fb54442d18, 0x3ff51700e0c14b25, 0x3fdcdd9f8f922e98, 0x7ff8000000000000, 0x7ff8000000000000, 0x7ff8000000000000, 0x7ff8000000000000, 0x7ff8000000000000, 0x7ff8000000000000, 0x3ff921fb5194fb3c, 0x7ff8000000000000, 0x7ff8000000000000, 0x7ff8000000000000, 0x7ff8000000000000]),
    ("arctan", [0x0000000000000000, 0x8000000000000000, 0x3fddac670561bb4f, 0xbfddac670561bb4f, 0x3fe921fb54442d18, 0xbfe921fb54442d18, 0x3fcf5b75f92c80dd, 0x3fe77338a80603be, 0x3fef730bd281f69b, 0x3ff1b6e192ebbe44, 0x3ff3fc176b7a8560, 0xbff6f08f07435fec, 0x3ff789bd2c160054, 0x3ff8f905eb2def22, 0x3e45798ee2308c3a, 0x3ff91c367668c617, 0x7ff8000000000000, 0x3ff921fb54442d18, 0xbff921fb54442d18]),
    ("sinh", [0x0000000000000000, 0x8000000000000000, 0x3fe0acd00fe63b97, 0xbfe0acd00fe63b97, 0x3ff2cd9fc44eb982, 0xbff2cd9fc44eb982, 0x3fd02accd9d08102, 0x3ff06c9ccd5b6af8, 0x400108c3aabd6a60, 0x400d03cf63b6e1a0, 0x40240926e70949ae, 0xc086006aa328e9c0, 0x40c5829dced69992, 0x48e3494a9b171bf5, 0x3e45798ee2308c3b, 0x7fe3e21a464507fa, 0x7ff8000000000000, 0x7ff0000000000000, 0xfff0000000000000]),
    ("cosh", [0x3ff0000000000000, 0x3ff0000000000000, 0x3ff20ac1862ae8d0, 0x3ff20ac1862ae8d0, 0x3ff8b07551d9f550, 0x3ff8b07551d9f550, 0x3ff080ab05ca6146, 0x3ff6edebfd5d8680, 0x4002d1bc21e22022, 0x400e18fa0df2d9bc, 0x402422a497d6185e, 0x4086006c177ee7f2, 0x40c5829dd053712e, 0x48e3494a9b171bf5, 0x3ff0000000000000, 0x7fe3e21a464507fa, 0x7ff8000000000000, 0x7ff0000000000000, 0x7ff0000000000000]),
    ("tanh", [0x0000000000000000, 0x8000000000000000, 0x3fdd9353d7568af3, 0xbfdd9353d7568af3, 0x3fe85efab514f394, 0xbfe85efab514f394, 0x3fcf597ea69a1c86, 0x3fe6ebe982d6605d, 0x3fecf6f9786df578, 0x3feed9505e1bc3d4, 0x3fefd77d111a0b00, 0xbfeffffde2760a42, 0x3feffffffdc96f35, 0x3ff0000000000000, 0x3e45798ee2308c3a, 0x3ff0000000000000, 0x7ff8000000000000, 0x3ff0000000000000, 0xbff0000000000000]),
    ("arcsinh", [0x0000000000000000, 0x8000000000000000, 0x3fdecc2caec5160a, 0xbfdecc2caec5160a, 0x3fec34366179d427, 0xbfec34366179d427, 0x3fcfacfb2399e637, 0x3fe9e23ce96e38d4, 0x3ff31dc0090b63d9, 0x3ff719218313d087, 0x3ffd185b507edc0e, 0xc0056e54154c1c06, 0x4007fc5c506d2bdb, 0x40153180a93d3c2a, 0x3e45798ee2308c39, 0x401d089d5326d8df, 0x7ff8000000000000, 0x7ff0000000000000, 0xfff0000000000000]),
    ("arccosh", [0xfff8000000000000, 0xfff8000000000000, 0xfff8000000000000, 0xfff8000000000000, 0x0000000000000000, 0xfff8000000000000, 0xfff8000000000000, 0xfff8000000000000, 0x3feecc2caec5160a, 0x3ff5124271980434, 0x3ffc34366179d427, 0xfff8000000000000, 0x4007f21ed1ce05d4, 0x401531738dcbc626, 0xfff8000000000000, 0x401d089d1096b506, 0x7ff8000000000000, 0x7ff0000000000000, 0xfff8000000000000]),
    ("arctanh", [0x0000000000000000, 0x8000000000000000, 0x3fe193ea7aad030a, 0xbfe193ea7aad030a, 0x7ff0000000000000, 0xfff0000000000000, 0x3fd058aefa811452, 0x3ff78e360604b32d, 0xfff8000000000000, 0xfff8000000000000, 0xfff8000000000000, 0xfff8000000000000, 0xfff8000000000000, 0xfff8000000000000, 0x3e45798ee2308c3b, 0xfff8000000000000, 0x7ff8000000000000, 0xfff8000000000000, 0xfff8000000000000]),
];
#[rustfmt::skip]
const I_EXPECTED: [(&str, [u64; 9]); 18] = [
    ("exp", [0x3ff0000000000000, 0x4005bf0a8b145769, 0x3fd78b56362cef38, 0x401d8e64b8d4ddae, 0x409122885aaeddaa, 0x36ea8c1f14e2af5d, 0x7ff0000000000000, 0x0000000000000000, 0x7ff0000000000000]),
    ("expm1", [0x0000000000000000, 0x3ffb7e151628aed2, 0xbfe43a54e4e98864, 0x40198e64b8d4ddae, 0x40911e885aaeddaa, 0xbff0000000000000, 0x7ff0000000000000, 0xbff0000000000000, 0x7ff0000000000000]),
    ("log", [0xfff0000000000000, 0x0000000000000000, 0x7ff8000000000000, 0x3fe62e42fefa39ef, 0x3fff2272ae325a57, 0x7ff8000000000000, 0x40457cd0e7026820, 0x7ff8000000000000, 0x4045d589f2fe5107]),
    ("log2", [0xfff0000000000000, 0x0000000000000000, 0x7ff8000000000000, 0x3ff0000000000000, 0x400675767f54042d, 0x7ff8000000000000, 0x404f000000000000, 0x7ff8000000000000, 0x404f800000000000]),
    ("log10", [0xfff0000000000000, 0x0000000000000000, 0x7ff8000000000000, 0x3fd34413509f79ff, 0x3feb0b0b0b78cc3f, 0x7ff8000000000000, 0x4032a9f2b61a7e2f, 0x7ff8000000000000, 0x4032f703035cfc17]),
    ("log1p", [0x0000000000000000, 0x3fe62e42fefa39ef, 0xfff0000000000000, 0x3ff193ea7aad030a, 0x4000a2b23f3bab73, 0xfff8000000000000, 0x40457cd0e7026820, 0xfff8000000000000, 0x4045d589f2fe5107]),
    ("sin", [0x0000000000000000, 0x3feaed548f090cee, 0xbfeaed548f090cee, 0x3fed18f6ead1b446, 0x3fe50608c26d0a08, 0x3fe03425b78c4db8, 0xbfe67e57355f0147, 0xbfefff6dfd42dc54, 0x3fefff6dfd42dc54]),
    ("cos", [0x3ff0000000000000, 0x3fe14a280fb5068c, 0x3fe14a280fb5068c, 0xbfdaa22657537205, 0x3fe81ff79ed92017, 0x3feb981dbf665fdf, 0xbfe6c2b1f820c708, 0x3f882aa375b3c33e, 0x3f882aa375b3c33e]),
    ("tan", [0x0000000000000000, 0x3ff8eb245cbee3a6, 0xbff8eb245cbee3a6, 0xc0017af62e0950f8, 0x3febe2e6e13eea79, 0x3fe2ca74d62b5d38, 0x3fef9fe5be664fa7, 0xc0552f50e757941d, 0x40552f50e757941d]),
    ("arcsin", [0x0000000000000000, 0x3ff921fb54442d18, 0xbff921fb54442d18, 0x7ff8000000000000, 0x7ff8000000000000, 0x7ff8000000000000, 0x7ff8000000000000, 0x7ff8000000000000, 0x7ff8000000000000]),
    ("arccos", [0x3ff921fb54442d18, 0x0000000000000000, 0x400921fb54442d18, 0x7ff8000000000000, 0x7ff8000000000000, 0x7ff8000000000000, 0x7ff8000000000000, 0x7ff8000000000000, 0x7ff8000000000000]),
    ("arctan", [0x0000000000000000, 0x3fe921fb54442d18, 0xbfe921fb54442d18, 0x3ff1b6e192ebbe44, 0x3ff6dcc57bb565fd, 0xbff8f905eb2def22, 0x3ff921fb54442d18, 0xbff921fb54442d18, 0x3ff921fb54442d18]),
    ("sinh", [0x0000000000000000, 0x3ff2cd9fc44eb982, 0xbff2cd9fc44eb982, 0x400d03cf63b6e1a0, 0x408122876ba380c9, 0xc8e3494a9b171bf5, 0x7ff0000000000000, 0xfff0000000000000, 0x7ff0000000000000]),
    ("cosh", [0x3ff0000000000000, 0x3ff8b07551d9f550, 0x3ff8b07551d9f550, 0x400e18fa0df2d9bc, 0x4081228949ba3a8b, 0x48e3494a9b171bf5, 0x7ff0000000000000, 0x7ff0000000000000, 0x7ff0000000000000]),
    ("tanh", [0x0000000000000000, 0x3fe85efab514f394, 0xbfe85efab514f394, 0x3feed9505e1bc3d4, 0x3feffffc832750f2, 0xbff0000000000000, 0x3ff0000000000000, 0xbff0000000000000, 0x3ff0000000000000]),
    ("arcsinh", [0x0000000000000000, 0x3fec34366179d427, 0xbfec34366179d427, 0x3ff719218313d087, 0x40052728c91b5f1d, 0xc0153180a93d3c2a, 0x4045d589f2fe5108, 0xc0462e42fefa39ef, 0x40462e42fefa39ef]),
    ("arccosh", [0xfff8000000000000, 0x0000000000000000, 0xfff8000000000000, 0x3ff5124271980434, 0x4005124271980435, 0xfff8000000000000, 0x4045d589f2fe5108, 0xfff8000000000000, 0x40462e42fefa39ef]),
    ("arctanh", [0x0000000000000000, 0x7ff0000000000000, 0xfff0000000000000, 0xfff8000000000000, 0xfff8000000000000, 0xfff8000000000000, 0xfff8000000000000, 0xfff8000000000000, 0xfff8000000000000]),
];
#[rustfmt::skip]
const U_EXPECTED: [(&str, [u64; 5]); 18] = [
    ("exp", [0x3ff0000000000000, 0x4005bf0a8b145769, 0x403415e5bf6fb106, 0x7ff0000000000000, 0x7ff0000000000000]),
    ("expm1", [0x0000000000000000, 0x3ffb7e151628aed2, 0x403315e5bf6fb106, 0x7ff0000000000000, 0x7ff0000000000000]),
    ("log", [0xfff0000000000000, 0x0000000000000000, 0x3ff193ea7aad030b, 0x4045d589f2fe5107, 0x40462e42fefa39ef]),
    ("log2", [0xfff0000000000000, 0x0000000000000000, 0x3ff95c01a39fbd68, 0x404f800000000000, 0x4050000000000000]),
    ("log10", [0xfff0000000000000, 0x0000000000000000, 0x3fde8927964fd5fd, 0x4032f703035cfc17, 0x40334413509f79ff]),
    ("log1p", [0x0000000000000000, 0x3fe62e42fefa39ef, 0x3ff62e42fefa39ef, 0x4045d589f2fe5107, 0x40462e42fefa39ef]),
    ("sin", [0x0000000000000000, 0x3feaed548f090cee, 0x3fc210386db6d55b, 0x3fefff6dfd42dc54, 0x3f982a353118793d]),
    ("cos", [0x3ff0000000000000, 0x3fe14a280fb5068c, 0xbfefae04be85e5d2, 0x3f882aa375b3c33e, 0xbfeffdb7fa3fe34d]),
    ("tan", [0x0000000000000000, 0x3ff8eb245cbee3a6, 0xbfc23ef71254b86f, 0x40552f50e757941d, 0xbf982bee572e2ac9]),
    ("arcsin", [0x0000000000000000, 0x3ff921fb54442d18, 0x7ff8000000000000, 0x7ff8000000000000, 0x7ff8000000000000]),
    ("arccos", [0x3ff921fb54442d18, 0x0000000000000000, 0x7ff8000000000000, 0x7ff8000000000000, 0x7ff8000000000000]),
    ("arctan", [0x0000000000000000, 0x3fe921fb54442d18, 0x3ff3fc176b7a8560, 0x3ff921fb54442d18, 0x3ff921fb54442d18]),
    ("sinh", [0x0000000000000000, 0x3ff2cd9fc44eb982, 0x40240926e70949ae, 0x7ff0000000000000, 0x7ff0000000000000]),
    ("cosh", [0x3ff0000000000000, 0x3ff8b07551d9f550, 0x402422a497d6185e, 0x7ff0000000000000, 0x7ff0000000000000]),
    ("tanh", [0x0000000000000000, 0x3fe85efab514f394, 0x3fefd77d111a0b00, 0x3ff0000000000000, 0x3ff0000000000000]),
    ("arcsinh", [0x0000000000000000, 0x3fec34366179d427, 0x3ffd185b507edc0e, 0x40462e42fefa39ef, 0x404686fc0af622d7]),
    ("arccosh", [0xfff8000000000000, 0x0000000000000000, 0x3ffc34366179d427, 0x40462e42fefa39ef, 0x404686fc0af622d7]),
    ("arctanh", [0x0000000000000000, 0x7ff0000000000000, 0xfff8000000000000, 0xfff8000000000000, 0xfff8000000000000]),
];
const AT_A: [f64; 9] = [1.0, 1.0, -0.0, 0.0, -3.0, 1.0, 2.0, 1.0, f64::INFINITY];
const AT_B: [f64; 9] = [
    1.0,
    -1.0,
    0.0,
    -0.0,
    2.5,
    f64::INFINITY,
    f64::NEG_INFINITY,
    f64::NAN,
    3.0,
];
const AT_VV: [u64; 9] = [
    0x3fe921fb54442d18,
    0x4002d97c7f3321d2,
    0x8000000000000000,
    0x400921fb54442d18,
    0xbfec08aae496efa6,
    0x0000000000000000,
    0x400921fb54442d18,
    0x7ff8000000000000,
    0x3ff921fb54442d18,
];
/// `np.arctan2(x, np.int64(-2))`.
const AT_VS: [u64; 9] = [
    0x40056c6e7397f5ae,
    0x40056c6e7397f5ae,
    0xc00921fb54442d18,
    0x400921fb54442d18,
    0xc00145385fa3af71,
    0x40056c6e7397f5ae,
    0x4002d97c7f3321d2,
    0x40056c6e7397f5ae,
    0x3ff921fb54442d18,
];
/// `np.arctan2(np.uint64(2**64 - 1), y)`.
const AT_SV: [u64; 9] = [
    0x3ff921fb54442d18,
    0x3ff921fb54442d18,
    0x3ff921fb54442d18,
    0x3ff921fb54442d18,
    0x3ff921fb54442d18,
    0x0000000000000000,
    0x400921fb54442d18,
    0x7ff8000000000000,
    0x3ff921fb54442d18,
];

/// Runs `func<dtype,1>` on array `name` (argument `key`) and downloads the result.
fn apply(c: &Client, func: &str, dtype: &str, name: &str) -> Vals {
    result_of(
        c,
        &format!("{func}<{dtype},1>"),
        &[(key_of(func), dtype, name)],
    )
}

/// The array argument's key for each function, as the client sends it.
fn key_of(func: &str) -> &'static str {
    match func {
        "exp" | "expm1" | "log" | "log2" | "log10" | "log1p" | "abs" | "sgn" | "popcount"
        | "parity" | "clz" | "ctz" | "isnan" | "isinf" | "isfinite" => "pda",
        _ => "x",
    }
}

fn floats(v: Vals) -> Vec<f64> {
    match v {
        Vals::F(x) => x,
        other => panic!("float64 expected, got {other:?}"),
    }
}

/// Distance in units in the last place; NaNs are equal.
fn ulps(a: f64, b: f64) -> u64 {
    if a.is_nan() && b.is_nan() {
        return 0;
    }
    // Maps the bit patterns onto a line ordered like the values.
    let key = |x: f64| {
        let i = x.to_bits() as i64;
        if i < 0 { i64::MIN - i } else { i }
    };
    key(a).abs_diff(key(b))
}

/// Checks `got` against NumPy's bit patterns: exact, or within 2 ulp for tanh.
fn check_numpy(func: &str, input: &str, got: &[f64], want_bits: &[u64]) {
    assert_eq!(got.len(), want_bits.len(), "{func} of {input}");
    let tolerance = if func == "tanh" { 2 } else { 0 };
    for (i, (g, w)) in got.iter().zip(want_bits).enumerate() {
        let w = f64::from_bits(*w);
        assert!(
            ulps(*g, w) <= tolerance,
            "{func} of {input}[{i}]: got {g:e} ({:#x}), NumPy gives {w:e} ({:#x})",
            g.to_bits(),
            w.to_bits()
        );
    }
}

/// `created <name> <dtype> ...`: the result's type.
fn created_type(reply: &Reply) -> String {
    created(reply).1
}

// ---------------------------------------------------------------------------
// Transcendental functions
// ---------------------------------------------------------------------------

#[test]
fn transcendental_functions_match_numpy() {
    let server = Server::start();
    let c = server.client();
    let f = put(&c, &Vals::F(FX.to_vec()));
    let i = put(&c, &Vals::I(IX.to_vec()));
    let u = put(&c, &Vals::U(UX.to_vec()));
    let check = |table: Vec<(&str, &[u64])>, dtype: &str, name: &str, label: &str| {
        assert_eq!(table.len(), 18);
        for (func, want) in table {
            let got = floats(apply(&c, func, dtype, name));
            check_numpy(func, label, &got, want);
        }
    };
    check(
        F_EXPECTED.iter().map(|(f, w)| (*f, &w[..])).collect(),
        "float64",
        &f,
        "FX",
    );
    check(
        I_EXPECTED.iter().map(|(f, w)| (*f, &w[..])).collect(),
        "int64",
        &i,
        "IX",
    );
    check(
        U_EXPECTED.iter().map(|(f, w)| (*f, &w[..])).collect(),
        "uint64",
        &u,
        "UX",
    );
}

#[test]
fn transcendental_functions_on_large_arrays() {
    let server = Server::start();
    let c = server.client();
    // 19 * 4000 = 76000 elements: past the parallel threshold (65536).
    let reps = 4000;
    let big: Vec<f64> = (0..reps).flat_map(|_| FX).collect();
    let name = put(&c, &Vals::F(big));
    for (func, want) in F_EXPECTED {
        let got = floats(apply(&c, func, "float64", &name));
        assert_eq!(got.len(), FX.len() * reps);
        for (k, chunk) in got.chunks(FX.len()).enumerate() {
            check_numpy(func, &format!("repeat {k}"), chunk, &want);
        }
    }
    let ints: Vec<i64> = (0..70_001).map(|k| k - 35_000).collect();
    let name = put(&c, &Vals::I(ints.clone()));
    let got = floats(apply(&c, "arctan", "int64", &name));
    // arctan is odd and increasing: checks every element without a libm.
    let mid = 35_000;
    assert_eq!(got[mid].to_bits(), 0);
    for k in 1..=35_000 {
        assert_eq!(got[mid + k], -got[mid - k], "arctan(-{k})");
        assert!(got[mid + k] > got[mid + k - 1], "arctan increasing at {k}");
    }
    // np.arctan(35000).view(np.uint64)
    assert_eq!(got[70_000].to_bits(), 0x3ff921dd5eae8e40);
}

/// NumPy gives float16 for uint8 and bool; Arkouda has no float16, so the
/// float64 values (what NumPy computes before rounding) come back.
#[test]
fn transcendental_functions_of_small_types_give_float64() {
    let server = Server::start();
    let c = server.client();
    let u8s = put(&c, &Vals::U8(vec![0, 1, 2, 255]));
    let bools = put(&c, &Vals::B(vec![true, false]));
    let f = |x: f64| -> [f64; 5] { [x.exp(), x.ln_1p(), x.sin(), x.ln(), x.tanh()] };
    for (dtype, name, xs) in [
        ("uint8", &u8s, vec![0.0, 1.0, 2.0, 255.0]),
        ("bool", &bools, vec![1.0, 0.0]),
    ] {
        for (k, func) in ["exp", "log1p", "sin", "log", "tanh"]
            .into_iter()
            .enumerate()
        {
            let got = result_of(
                &c,
                &format!("{func}<{dtype},1>"),
                &[(key_of(func), dtype, name)],
            );
            let want: Vec<f64> = xs.iter().map(|x| f(*x)[k]).collect();
            // exp, log1p, sin and log of these small values are exact in
            // both libms; tanh within 2 ulp (see above).
            let Vals::F(got) = got else {
                panic!("{func}<{dtype}> is not float64")
            };
            for (g, w) in got.iter().zip(&want) {
                let ulps = (g.to_bits() as i64 - w.to_bits() as i64).abs();
                assert!(g == w || ulps <= 2, "{func}<{dtype}>: {g} vs {w}");
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Functions that keep the type
// ---------------------------------------------------------------------------

const NAN: f64 = f64::NAN;
/// 2**63 as a float.
const TWO63: f64 = 9_223_372_036_854_775_808.0;
const INF: f64 = f64::INFINITY;

#[test]
fn abs_sign_square_keep_numpy_types() {
    let server = Server::start();
    let c = server.client();
    let fx = vec![
        -1.5, -0.5, -0.0, 0.0, 0.5, 1.5, 2.5, -2.7, NAN, INF, -INF, 1e300,
    ];
    let f = put(&c, &Vals::F(fx));
    let want_f = [
        (
            "abs",
            vec![1.5, 0.5, 0.0, 0.0, 0.5, 1.5, 2.5, 2.7, NAN, INF, INF, 1e300],
        ),
        (
            "sgn",
            vec![
                -1.0, -1.0, 0.0, 0.0, 1.0, 1.0, 1.0, -1.0, NAN, 1.0, -1.0, 1.0,
            ],
        ),
        (
            "square",
            vec![
                2.25,
                0.25,
                0.0,
                0.0,
                0.25,
                2.25,
                6.25,
                7.290000000000001,
                NAN,
                INF,
                INF,
                INF,
            ],
        ),
    ];
    for (func, want) in want_f {
        let got = apply(&c, func, "float64", &f);
        assert!(same(&got, &Vals::F(want.clone())), "{func}: {got:?}");
    }

    let ix = vec![i64::MIN, -5, -1, 0, 1, 3, (1 << 32) + 1, i64::MAX];
    let i = put(&c, &Vals::I(ix));
    assert_eq!(
        apply(&c, "abs", "int64", &i),
        Vals::I(vec![i64::MIN, 5, 1, 0, 1, 3, (1 << 32) + 1, i64::MAX])
    );
    assert_eq!(
        apply(&c, "sgn", "int64", &i),
        Vals::I(vec![-1, -1, -1, 0, 1, 1, 1, 1])
    );
    assert_eq!(
        apply(&c, "square", "int64", &i),
        Vals::I(vec![0, 25, 1, 0, 1, 9, (1 << 33) + 1, 1])
    );

    let u = put(&c, &Vals::U(vec![0, 1, 3, (1 << 32) + 1, u64::MAX]));
    assert_eq!(
        apply(&c, "abs", "uint64", &u),
        Vals::U(vec![0, 1, 3, (1 << 32) + 1, u64::MAX])
    );
    assert_eq!(apply(&c, "sgn", "uint64", &u), Vals::U(vec![0, 1, 1, 1, 1]));
    assert_eq!(
        apply(&c, "square", "uint64", &u),
        Vals::U(vec![0, 1, 9, (1 << 33) + 1, 1])
    );

    let u8s = put(&c, &Vals::U8(vec![0, 1, 3, 16, 255]));
    assert_eq!(
        apply(&c, "abs", "uint8", &u8s),
        Vals::U8(vec![0, 1, 3, 16, 255])
    );
    assert_eq!(
        apply(&c, "sgn", "uint8", &u8s),
        Vals::U8(vec![0, 1, 1, 1, 1])
    );
    assert_eq!(
        apply(&c, "square", "uint8", &u8s),
        Vals::U8(vec![0, 1, 9, 0, 1])
    );

    let b = put(&c, &Vals::B(vec![true, false]));
    assert_eq!(apply(&c, "abs", "bool", &b), Vals::B(vec![true, false]));
}

#[test]
fn floor_ceil_trunc_follow_numpy() {
    let server = Server::start();
    let c = server.client();
    let f = put(
        &c,
        &Vals::F(vec![
            -1.5, -0.5, -0.0, 0.0, 0.5, 1.5, 2.5, -2.7, NAN, INF, -INF, 1e300,
        ]),
    );
    for (func, want) in [
        (
            "floor",
            vec![
                -2.0, -1.0, -0.0, 0.0, 0.0, 1.0, 2.0, -3.0, NAN, INF, -INF, 1e300,
            ],
        ),
        (
            "ceil",
            vec![
                -1.0, -0.0, -0.0, 0.0, 1.0, 2.0, 3.0, -2.0, NAN, INF, -INF, 1e300,
            ],
        ),
        (
            "trunc",
            vec![
                -1.0, -0.0, -0.0, 0.0, 0.0, 1.0, 2.0, -2.0, NAN, INF, -INF, 1e300,
            ],
        ),
    ] {
        let got = apply(&c, func, "float64", &f);
        assert!(same(&got, &Vals::F(want)), "{func}: {got:?}");
    }
    // NumPy 2 keeps integer and bool types and values.
    let inputs = [
        Vals::I(vec![i64::MIN, -3, 0, i64::MAX]),
        Vals::U(vec![0, 7, u64::MAX]),
        Vals::U8(vec![0, 200, 255]),
        Vals::B(vec![true, false]),
    ];
    for v in inputs {
        let name = put(&c, &v);
        for func in ["floor", "ceil", "trunc"] {
            assert_eq!(apply(&c, func, v.dtype(), &name), v, "{func}");
        }
    }
}

fn round(c: &Client, dtype: &str, name: &str, n: i64) -> Vals {
    result_of(
        c,
        &format!("round<{dtype},1>"),
        &[("x", dtype, name), ("n", "int64", &n.to_string())],
    )
}

#[test]
fn round_follows_numpy() {
    let server = Server::start();
    let c = server.client();
    let rx = vec![
        1.5, 2.5, -0.5, 0.5, -0.4, 2.675, 1.234567, -143.1, 279.8, 1e300, NAN, -INF,
    ];
    let f = put(&c, &Vals::F(rx));
    // np.round(x, n) with NumPy 2.
    for (n, want) in [
        (
            0,
            vec![
                2.0, 2.0, -0.0, 0.0, -0.0, 3.0, 1.0, -143.0, 280.0, 1e300, NAN, -INF,
            ],
        ),
        (
            2,
            vec![
                1.5, 2.5, -0.5, 0.5, -0.4, 2.68, 1.23, -143.1, 279.8, 1e300, NAN, -INF,
            ],
        ),
        (
            -1,
            vec![
                0.0, 0.0, -0.0, 0.0, -0.0, 0.0, 0.0, -140.0, 280.0, 1e300, NAN, -INF,
            ],
        ),
        (
            -2,
            vec![
                0.0, 0.0, -0.0, 0.0, -0.0, 0.0, 0.0, -100.0, 300.0, 1e300, NAN, -INF,
            ],
        ),
        (400, vec![NAN; 12]),
    ] {
        let got = round(&c, "float64", &f, n);
        assert!(same(&got, &Vals::F(want)), "round(x, {n}): {got:?}");
    }
    let big = 9_007_199_254_740_993; // 2**53 + 1
    let i = put(
        &c,
        &Vals::I(vec![15, 25, -15, -25, 14, i64::MAX, i64::MIN, big]),
    );
    assert_eq!(
        round(&c, "int64", &i, 0),
        Vals::I(vec![15, 25, -15, -25, 14, i64::MAX, i64::MIN, big])
    );
    // Negative decimals go through float64, as in NumPy (2**63 - 1 becomes
    // 2**63, out of range: -2**63).
    assert_eq!(
        round(&c, "int64", &i, -1),
        Vals::I(vec![20, 20, -20, -20, 10, i64::MIN, i64::MIN, big - 3])
    );
    let u = put(&c, &Vals::U(vec![15, 25, 35, u64::MAX]));
    assert_eq!(round(&c, "uint64", &u, -1), Vals::U(vec![20, 20, 40, 0]));
    assert_eq!(round(&c, "uint64", &u, -25), Vals::U(vec![0, 0, 0, 0]));
    let u8s = put(&c, &Vals::U8(vec![15, 255]));
    assert_eq!(round(&c, "uint8", &u8s, 3), Vals::U8(vec![15, 255]));
    // Large enough for the parallel path.
    let n = 100_000;
    let xs: Vec<f64> = (0..n).map(|k| k as f64 + 0.5).collect();
    let Vals::F(got) = round(&c, "float64", &put(&c, &Vals::F(xs)), 0) else {
        panic!("float64 expected")
    };
    for (k, g) in got.iter().enumerate() {
        // Half-way cases go to the even neighbour.
        let want = if k % 2 == 0 { k } else { k + 1 };
        assert_eq!(*g, want as f64, "round({k}.5)");
    }
}

// ---------------------------------------------------------------------------
// Bit counts and float tests
// ---------------------------------------------------------------------------

#[test]
fn bit_functions_follow_arkouda() {
    let server = Server::start();
    let c = server.client();
    let i = put(
        &c,
        &Vals::I(vec![i64::MIN, -1, i64::MAX, 0, 1, 2, 3, 8, 12]),
    );
    let u = put(&c, &Vals::U(vec![0, 1, u64::MAX, 1 << 63, 12]));
    for (func, want_i, want_u) in [
        (
            "popcount",
            vec![1, 64, 63, 0, 1, 1, 2, 1, 2],
            vec![0, 1, 64, 1, 2],
        ),
        (
            "parity",
            vec![1, 0, 1, 0, 1, 1, 0, 1, 0],
            vec![0, 1, 0, 1, 0],
        ),
        (
            "clz",
            vec![0, 0, 1, 64, 63, 62, 62, 60, 60],
            vec![64, 63, 0, 0, 60],
        ),
        // ctz(0) is 0 by Arkouda's definition.
        (
            "ctz",
            vec![63, 0, 0, 0, 0, 1, 0, 3, 2],
            vec![0, 0, 0, 63, 2],
        ),
    ] {
        assert_eq!(apply(&c, func, "int64", &i), Vals::I(want_i), "{func}");
        assert_eq!(apply(&c, func, "uint64", &u), Vals::U(want_u), "{func}");
    }
    // Parallel path: popcount of 0..n against a plain bit loop.
    let n = 100_000u64;
    let name = put(&c, &Vals::U((0..n).collect()));
    let Vals::U(got) = apply(&c, "popcount", "uint64", &name) else {
        panic!("uint64 expected")
    };
    for (k, g) in got.iter().enumerate() {
        let mut x = k as u64;
        let mut bits = 0;
        while x != 0 {
            bits += x & 1;
            x >>= 1;
        }
        assert_eq!(*g, bits, "popcount({k})");
    }
}

#[test]
fn isnan_isinf_isfinite() {
    let server = Server::start();
    let c = server.client();
    let f = put(
        &c,
        &Vals::F(vec![0.0, -1.5, NAN, INF, -INF, f64::MAX, -0.0]),
    );
    let t = |cmd: &str, name: &str, dtype: &str| result_of(&c, cmd, &[("pda", dtype, name)]);
    assert_eq!(
        t("isnan<1>", &f, "float64"),
        Vals::B(vec![false, false, true, false, false, false, false])
    );
    assert_eq!(
        t("isinf<1>", &f, "float64"),
        Vals::B(vec![false, false, false, true, true, false, false])
    );
    assert_eq!(
        t("isfinite<1>", &f, "float64"),
        Vals::B(vec![true, true, false, false, false, true, true])
    );
    // Integers and bools are finite, as in NumPy.
    for v in [
        Vals::I(vec![i64::MIN, 0]),
        Vals::U(vec![u64::MAX, 0]),
        Vals::U8(vec![255, 0]),
        Vals::B(vec![true, false]),
    ] {
        let name = put(&c, &v);
        assert_eq!(t("isnan<1>", &name, v.dtype()), Vals::B(vec![false, false]));
        assert_eq!(t("isinf<1>", &name, v.dtype()), Vals::B(vec![false, false]));
        assert_eq!(
            t("isfinite<1>", &name, v.dtype()),
            Vals::B(vec![true, true])
        );
    }
    let n = 70_000;
    let xs: Vec<f64> = (0..n)
        .map(|k| match k % 3 {
            0 => NAN,
            1 => INF,
            _ => k as f64,
        })
        .collect();
    let name = put(&c, &Vals::F(xs));
    let want: Vec<bool> = (0..n).map(|k| k % 3 == 0).collect();
    assert_eq!(t("isnan<1>", &name, "float64"), Vals::B(want));
}

// ---------------------------------------------------------------------------
// arctan2
// ---------------------------------------------------------------------------

fn bits(v: Vals) -> Vec<u64> {
    floats(v).iter().map(|x| x.to_bits()).collect()
}

#[test]
fn arctan2_forms_match_numpy() {
    let server = Server::start();
    let c = server.client();
    let a = put(&c, &Vals::F(AT_A.to_vec()));
    let b = put(&c, &Vals::F(AT_B.to_vec()));
    let vv = result_of(
        &c,
        "arctan2vv<float64,1,float64>",
        &[("a", "float64", &a), ("b", "float64", &b)],
    );
    assert_eq!(bits(vv), AT_VV);
    let vs = result_of(
        &c,
        "arctan2vs_int64<float64,1>",
        &[("a", "float64", &a), ("b", "int64", "-2")],
    );
    assert_eq!(bits(vs), AT_VS);
    let sv = result_of(
        &c,
        "arctan2sv_uint64<float64,1>",
        &[
            ("a", "uint64", "18446744073709551615"),
            ("b", "float64", &b),
        ],
    );
    assert_eq!(bits(sv), AT_SV);
    // Mixed array types convert to float64 first: atan2(k, 1) with k in
    // int64 and 1 in uint8 equals arctan of int64 k.
    let n = 70_000;
    let ks: Vec<i64> = (0..n).map(|k| k - n / 2).collect();
    let k = put(&c, &Vals::I(ks));
    let ones = put(&c, &Vals::U8(vec![1; n as usize]));
    let got = result_of(
        &c,
        "arctan2vv<int64,1,uint8>",
        &[("a", "int64", &k), ("b", "uint8", &ones)],
    );
    assert_eq!(got, apply(&c, "arctan", "int64", &k));
}

// ---------------------------------------------------------------------------
// where
// ---------------------------------------------------------------------------

fn pick<T: Copy>(cond: &[bool], a: &[T], b: &[T]) -> Vec<T> {
    cond.iter()
        .enumerate()
        .map(|(i, c)| if *c { a[i] } else { b[i] })
        .collect()
}

#[test]
fn where_array_array_promotes_like_numpy() {
    let server = Server::start();
    let c = server.client();
    let cond = vec![true, false, true, false];
    let cn = put(&c, &Vals::B(cond.clone()));
    let ia = vec![-1i64, -2, i64::MIN, 4];
    let ub = vec![u64::MAX, 7, 8, 1 << 63];
    let i = put(&c, &Vals::I(ia.clone()));
    let u = put(&c, &Vals::U(ub.clone()));
    let u8s = put(&c, &Vals::U8(vec![200, 201, 202, 203]));
    let b = put(&c, &Vals::B(vec![false, true, true, false]));
    let f = put(&c, &Vals::F(vec![0.5, -0.0, NAN, INF]));
    let vv = |ta: &str, tb: &str, a: &str, b: &str| {
        result_of(
            &c,
            &format!("wherevv<1,{ta},{tb}>"),
            &[("condition", "bool", &cn), ("a", ta, a), ("b", tb, b)],
        )
    };
    // int64 with uint64 gives float64.
    assert_eq!(
        vv("int64", "uint64", &i, &u),
        Vals::F(vec![-1.0, 7.0, -TWO63, TWO63])
    );
    assert_eq!(
        vv("int64", "uint8", &i, &u8s),
        Vals::I(vec![-1, 201, i64::MIN, 203])
    );
    assert_eq!(
        vv("uint8", "uint64", &u8s, &u),
        Vals::U(vec![200, 7, 202, 1 << 63])
    );
    assert_eq!(
        vv("uint8", "bool", &u8s, &b),
        Vals::U8(vec![200, 1, 202, 0])
    );
    assert_eq!(
        vv("bool", "bool", &b, &b),
        Vals::B(vec![false, true, true, false])
    );
    assert!(same(
        &vv("float64", "bool", &f, &b),
        &Vals::F(vec![0.5, 1.0, NAN, 0.0])
    ));
    assert!(same(
        &vv("uint8", "float64", &u8s, &f),
        &Vals::F(vec![200.0, -0.0, 202.0, INF])
    ));
    assert_eq!(vv("int64", "int64", &i, &i), Vals::I(ia.clone()));
    assert_eq!(vv("uint64", "uint64", &u, &u), Vals::U(ub.clone()));

    // Parallel path.
    let n = 100_003usize;
    let cond: Vec<bool> = (0..n).map(|k| k % 3 != 1).collect();
    let xs: Vec<i64> = (0..n as i64).collect();
    let ys: Vec<i64> = (0..n as i64).map(|k| -k).collect();
    let (cn, x, y) = (
        put(&c, &Vals::B(cond.clone())),
        put(&c, &Vals::I(xs.clone())),
        put(&c, &Vals::I(ys.clone())),
    );
    let got = result_of(
        &c,
        "wherevv<1,int64,int64>",
        &[
            ("condition", "bool", &cn),
            ("a", "int64", &x),
            ("b", "int64", &y),
        ],
    );
    assert_eq!(got, Vals::I(pick(&cond, &xs, &ys)));
}

#[test]
fn where_with_scalars() {
    let server = Server::start();
    let c = server.client();
    let cond = vec![true, false, false, true];
    let cn = put(&c, &Vals::B(cond.clone()));
    let i = put(&c, &Vals::I(vec![1, 2, 3, 4]));
    let u8s = put(&c, &Vals::U8(vec![10, 20, 30, 40]));
    let run = |cmd: &str, a: (&str, &str), b: (&str, &str)| {
        result_of(
            &c,
            cmd,
            &[("condition", "bool", &cn), ("a", a.0, a.1), ("b", b.0, b.1)],
        )
    };
    assert_eq!(
        run("wherevs_int64<1,int64>", ("int64", &i), ("int64", "-7")),
        Vals::I(vec![1, -7, -7, 4])
    );
    assert_eq!(
        run(
            "wherevs_float64<1,int64>",
            ("int64", &i),
            ("float64", "2.5")
        ),
        Vals::F(vec![1.0, 2.5, 2.5, 4.0])
    );
    assert_eq!(
        run(
            "wherevs_uint64<1,uint8>",
            ("uint8", &u8s),
            ("uint64", "18446744073709551615")
        ),
        Vals::U(vec![10, u64::MAX, u64::MAX, 40])
    );
    assert_eq!(
        run("wherevs_bool<1,uint8>", ("uint8", &u8s), ("bool", "True")),
        Vals::U8(vec![10, 1, 1, 40])
    );
    assert_eq!(
        run("wheresv_int64<1,uint8>", ("int64", "-1"), ("uint8", &u8s)),
        Vals::I(vec![-1, 20, 30, -1])
    );
    assert_eq!(
        run("wheresv_uint64<1,int64>", ("uint64", "5"), ("int64", &i)),
        Vals::F(vec![5.0, 2.0, 3.0, 5.0])
    );
    assert!(same(
        &run(
            "wheresv_float64<1,int64>",
            ("float64", "nan"),
            ("int64", &i)
        ),
        &Vals::F(vec![NAN, 2.0, 3.0, NAN])
    ));
    assert_eq!(
        run("wheress_int64_int64<1>", ("int64", "1"), ("int64", "2")),
        Vals::I(vec![1, 2, 2, 1])
    );
    assert_eq!(
        run(
            "wheress_int64_float64<1>",
            ("int64", "1"),
            ("float64", "2.5")
        ),
        Vals::F(vec![1.0, 2.5, 2.5, 1.0])
    );
    assert_eq!(
        run(
            "wheress_int64_uint64<1>",
            ("int64", "-1"),
            ("uint64", "9223372036854775808")
        ),
        Vals::F(vec![-1.0, TWO63, TWO63, -1.0])
    );
    assert_eq!(
        run("wheress_bool_uint64<1>", ("bool", "True"), ("uint64", "3")),
        Vals::U(vec![1, 3, 3, 1])
    );
    assert_eq!(
        run("wheress_bool_bool<1>", ("bool", "False"), ("bool", "True")),
        Vals::B(vec![false, true, true, false])
    );
    // Parallel path with a scalar.
    let n = 80_000usize;
    let cond: Vec<bool> = (0..n).map(|k| k % 5 == 0).collect();
    let cn = put(&c, &Vals::B(cond.clone()));
    let got = result_of(
        &c,
        "wheress_float64_float64<1>",
        &[
            ("condition", "bool", &cn),
            ("a", "float64", "1.5"),
            ("b", "float64", "-2"),
        ],
    );
    let want: Vec<f64> = cond.iter().map(|c| if *c { 1.5 } else { -2.0 }).collect();
    assert_eq!(got, Vals::F(want));
}

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

#[test]
fn errors_name_the_problem_and_change_nothing() {
    let server = Server::start();
    let c = server.client();
    let i = put(&c, &Vals::I(vec![1, 2, 3]));
    let f = put(&c, &Vals::F(vec![1.0, 2.0, 3.0]));
    let b = put(&c, &Vals::B(vec![true, false, true]));
    let b2 = put(&c, &Vals::B(vec![true, false]));
    let before = info_all(&c);
    let err = |cmd: &str, args: &[(&str, &str, &str)], msg: &str| {
        c.cmd(cmd, args)
            .expect_error(&format!("Error executing command {cmd}: {msg}"));
    };
    // Unsupported types name the function and type.
    for (cmd, key, name, msg) in [
        (
            "square<bool,1>",
            "x",
            &b,
            "square is not supported for bool (NumPy gives int8)",
        ),
        (
            "sgn<bool,1>",
            "pda",
            &b,
            "sign is not supported for bool (NumPy has no sign for bool)",
        ),
        (
            "round<bool,1>",
            "x",
            &b,
            "round is not supported for bool (NumPy gives float16)",
        ),
        (
            "popcount<float64,1>",
            "pda",
            &f,
            "popcount is not supported for float64 (only int64 and uint64)",
        ),
        (
            "ctz<bool,1>",
            "pda",
            &b,
            "ctz is not supported for bool (only int64 and uint64)",
        ),
    ] {
        let dtype = if name == &f { "float64" } else { "bool" };
        let mut args = vec![(key, dtype, name.as_str())];
        if cmd.starts_with("round") {
            args.push(("n", "int64", "0"));
        }
        err(cmd, &args, &format!("TypeError: {cmd}: {msg}"));
    }
    let u8s = put(&c, &Vals::U8(vec![1, 2, 3]));
    err(
        "round<uint8,1>",
        &[("x", "uint8", &u8s), ("n", "int64", "-1")],
        "TypeError: round<uint8,1>: round is not supported for uint8 with negative decimals (NumPy computes in float16)",
    );
    c.cmd("delete", &[("name", "str", &u8s)]).normal();
    err(
        "arctan2vv<bool,1,bool>",
        &[("a", "bool", &b), ("b", "bool", &b)],
        "TypeError: arctan2vv<bool,1,bool>: arctan2 is not supported for bool and bool (NumPy gives float16)",
    );
    // The array must hold the type the command names.
    err(
        "sin<float64,1>",
        &[("x", "float64", &i)],
        &format!("ValueError: {i} holds int64 but sin<float64,1> was called"),
    );
    err(
        "abs<int64,1>",
        &[("pda", "int64", "nope")],
        "UnknownSymbolError: unknown symbol: nope",
    );
    err(
        "isnan<1>",
        &[("pda", "float64", "nope")],
        "UnknownSymbolError: unknown symbol: nope",
    );
    err(
        "exp<float64,1>",
        &[("x", "float64", &f)],
        "KeyNotFound: JSON argument key Not Found: pda",
    );
    err(
        "round<float64,1>",
        &[("x", "float64", &f)],
        "KeyNotFound: JSON argument key Not Found: n",
    );
    err(
        "arctan2vv<float64,1,float64>",
        &[("a", "float64", &f), ("b", "float64", &b2)],
        &format!("ValueError: {b2} holds bool but arctan2vv<float64,1,float64> was called"),
    );
    err(
        "arctan2vs_int64<float64,1>",
        &[("a", "float64", &f), ("b", "int64", "x")],
        "TypeError: Json Argument 'x' cannot be cast as a scalar int(64)",
    );
    // where: sizes, scalars.
    err(
        "wherevv<1,int64,float64>",
        &[
            ("condition", "bool", &b2),
            ("a", "int64", &i),
            ("b", "float64", &f),
        ],
        &format!("ValueError: size mismatch: condition {b2} has 2 elements but {i} has 3"),
    );
    err(
        "wherevs_uint64<1,int64>",
        &[
            ("condition", "bool", &b),
            ("a", "int64", &i),
            ("b", "uint64", "-1"),
        ],
        "TypeError: Json Argument '-1' cannot be cast as a scalar uint(64)",
    );
    err(
        "wheress_bool_bool<1>",
        &[
            ("condition", "bool", &b),
            ("a", "bool", "maybe"),
            ("b", "bool", "True"),
        ],
        "TypeError: Json Argument 'maybe' cannot be cast as a scalar bool",
    );
    err(
        "wheresv_int64<1,float64>",
        &[
            ("condition", "bool", &b),
            ("a", "int64", "1"),
            ("b", "float64", "nope"),
        ],
        "UnknownSymbolError: unknown symbol: nope",
    );
    assert_eq!(info_all(&c), before);
    // Not registered: other ranks and scalar types.
    for cmd in [
        "sin<float64,2>",
        "wherevs_uint8<1,int64>",
        "isnan<float64,1>",
    ] {
        c.cmd(cmd, &[])
            .expect_error(&format!("Unrecognized command: {cmd}"));
    }
}

#[test]
fn result_types_are_numpy_types() {
    let server = Server::start();
    let c = server.client();
    let arrays = [
        ("int64", put(&c, &Vals::I(vec![1]))),
        ("uint64", put(&c, &Vals::U(vec![1]))),
        ("uint8", put(&c, &Vals::U8(vec![1]))),
        ("float64", put(&c, &Vals::F(vec![1.0]))),
        ("bool", put(&c, &Vals::B(vec![true]))),
    ];
    // (function, result type per input type in the order above; "" = refused)
    let table: [(&str, [&str; 5]); 9] = [
        ("abs", ["int64", "uint64", "uint8", "float64", "bool"]),
        ("sgn", ["int64", "uint64", "uint8", "float64", ""]),
        ("square", ["int64", "uint64", "uint8", "float64", ""]),
        ("floor", ["int64", "uint64", "uint8", "float64", "bool"]),
        ("ceil", ["int64", "uint64", "uint8", "float64", "bool"]),
        ("trunc", ["int64", "uint64", "uint8", "float64", "bool"]),
        ("exp", ["float64"; 5]),
        ("arctanh", ["float64"; 5]),
        ("clz", ["int64", "uint64", "", "", ""]),
    ];
    for (func, types) in table {
        for ((dtype, name), want) in arrays.iter().zip(types) {
            let reply = c.cmd(
                &format!("{func}<{dtype},1>"),
                &[(key_of(func), dtype, name)],
            );
            if want.is_empty() {
                assert!(reply.error().contains("is not supported"), "{func} {dtype}");
            } else {
                assert_eq!(created_type(&reply), want, "{func} of {dtype}");
            }
        }
    }
}

/// A numeric condition means nonzero, as in NumPy's `where`.
#[test]
fn where_reads_a_numeric_condition_as_nonzero() {
    let server = Server::start();
    let c = server.client();
    let a = put(&c, &Vals::I(vec![1, 2, 3, 4]));
    for cond in [
        Vals::I(vec![0, 5, -1, 0]),
        Vals::U8(vec![0, 255, 1, 0]),
        Vals::F(vec![0.0, f64::NAN, -0.5, -0.0]),
    ] {
        let name = put(&c, &cond);
        let got = result_of(
            &c,
            "wherevs_int64<1,int64>",
            &[
                ("condition", cond.dtype(), &name),
                ("a", "int64", &a),
                ("b", "int64", "0"),
            ],
        );
        assert_eq!(got, Vals::I(vec![0, 2, 3, 0]), "{}", cond.dtype());
    }
}
