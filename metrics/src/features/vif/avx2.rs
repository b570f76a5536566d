//! AVX2 kernels of integer VIF, bit-exact twins of [`super::scalar`].
//!
//! Every step is exact integer arithmetic or an IEEE-exact double operation done in the
//! scalar order, so the accumulators equal the oracle's bit for bit:
//!
//! * Filters run on `vpmaddwd` (two signed 16×16-bit products summed in 32 bits), pairing two
//!   taps per 32-bit lane. Unsigned 16-bit operands are stored biased by −32768 (`x ^ 0x8000`);
//!   every filter sums to 65536, so the bias adds exactly −2³¹ to a sum, undone modulo 2³².
//!   A tap above 32767 (scale 3's 43728) is applied as `tap − 65536` plus the operand shifted
//!   up 16 bits.
//! * Sums of squares need 48 bits: products are split into 16-bit halves and filtered
//!   separately, Σf·(2¹⁶h + l) = 2¹⁶·Σf·h + Σf·l, and recombined with the exact round-shift.
//!   8-bit scale 0 instead filters `p − 128` (whose squares fit 16 bits) and adds the
//!   expansion terms back.
//! * The horizontal pass computes even and odd output columns separately, so one unaligned
//!   load gives each lane its two neighbouring taps. The statistic only sums over pixels, so
//!   the order of the columns does not matter; decimation keeps the even ones anyway.
//! * The per-pixel term runs on 8 lanes with masks instead of branches. Its double part uses
//!   `vdivpd`/`vmulpd`/`vsubpd` in the oracle's order (never FMA), truncates with `vroundpd`
//!   toward zero (the clamp to ≥ 0 that follows makes the saturating cast and the truncation
//!   agree), and reads the log2 table index and exponent straight from the bits of the exact
//!   doubles.
//! * Lanes past the right edge compute garbage that is masked out of every sum; the vertical
//!   pass re-does an overlapping last block instead of a tail.

// The bodies wrap intrinsic calls in `unsafe` blocks, which the oldest supported compiler
// (MSRV 1.80) needs and newer ones consider unnecessary for value-only intrinsics.
#![allow(unused_unsafe)]

use std::arch::x86_64::*;
use std::ops::Range;

use super::scalar::{self, vertical_shifts, VifAccum, FILTERS, SIGMA_NSQ};
use super::{lane_row_len, PlanePair, RefStats, Scratch};

/// Number of SIMD row buffers (`mu1 mu2 xx_lo xx_hi yy_lo yy_hi xy_lo xy_hi`).
pub const STREAMS: usize = 8;
/// Left padding of a row buffer (the widest half filter).
pub(super) const PAD: usize = 8;

pub(super) const MU1: usize = 0;
pub(super) const MU2: usize = 1;
pub(super) const XXL: usize = 2;
pub(super) const XXH: usize = 3;
pub(super) const YYL: usize = 4;
pub(super) const YYH: usize = 5;
pub(super) const XYL: usize = 6;
pub(super) const XYH: usize = 7;

/// Stream mode of a pass: every stream (the plain statistic).
pub(super) const ALL: u8 = 0;
/// Stream mode: the reference's streams only (`mu1 xx`).
pub(super) const REF: u8 = 1;
/// Stream mode: the streams that depend on the distorted plane (`mu2 yy xy`).
pub(super) const DIS: u8 = 2;

/// Whether stream `s` (see [`MU1`]…) is computed in mode `M`.
#[inline(always)]
pub(super) const fn has(m: u8, s: usize) -> bool {
    match m {
        REF => s == MU1 || s == XXL || s == XXH,
        DIS => !(s == MU1 || s == XXL || s == XXH),
        _ => true,
    }
}

/// Flush the 32-bit per-lane sums of the statistic after this many 8-lane vectors.
///
/// The largest per-pixel term is below 2¹⁶ (log2 differences of numbers below 2⁵³ times
/// 2048), so 4096 terms per lane stay below 2³¹.
pub(super) const FLUSH_VECTORS: usize = 4096;

/// Taps `2p` and `2p + 1` of `filt` as a `vpmaddwd` operand, and whether the second one was
/// wrapped (taps ≥ 32768 are stored as `tap − 65536`). A missing odd tap is zero.
#[inline(always)]
pub(super) fn pair_taps(filt: &[u16], p: usize) -> (i32, bool) {
    let lo = filt[2 * p] as u32;
    let hi = filt.get(2 * p + 1).copied().unwrap_or(0) as u32;
    debug_assert!(lo < 32768, "only the odd tap of a pair may exceed 32767");
    ((lo | (hi << 16)) as i32, hi >= 32768)
}

/// `vpmaddwd` of `x` with a tap pair, adding `x`'s high half × 65536 when the high tap wrapped.
#[inline]
#[target_feature(enable = "avx2")]
unsafe fn madd(x: __m256i, taps: __m256i, wrap_hi: bool) -> __m256i {
    // SAFETY: value-only intrinsics; the caller guarantees AVX2.
    unsafe {
        let m = _mm256_madd_epi16(x, taps);
        if wrap_hi {
            _mm256_add_epi32(
                m,
                _mm256_and_si256(x, _mm256_set1_epi32(0xffff_0000u32 as i32)),
            )
        } else {
            m
        }
    }
}

/// Packs two vectors of 32-bit values (lanes = pixels 0-3,8-11 and 4-7,12-15) to 16 biased
/// 16-bit samples in pixel order and stores them at `dst`.
#[inline]
#[target_feature(enable = "avx2")]
unsafe fn store_biased(dst: *mut u16, lo: __m256i, hi: __m256i) {
    // SAFETY: the caller guarantees AVX2 and 16 writable samples at `dst`.
    unsafe {
        let m = _mm256_set1_epi32(0xffff);
        let v = _mm256_packus_epi32(_mm256_and_si256(lo, m), _mm256_and_si256(hi, m));
        let v = _mm256_xor_si256(v, _mm256_set1_epi16(0x8000u16 as i16));
        _mm256_storeu_si256(dst as *mut __m256i, v);
    }
}

/// Splits two vectors of 32-bit sums of squares into biased low and high 16-bit halves.
#[inline]
#[target_feature(enable = "avx2")]
unsafe fn store_split(lo_dst: *mut u16, hi_dst: *mut u16, lo: __m256i, hi: __m256i) {
    // SAFETY: the caller guarantees AVX2 and 16 writable samples at both destinations.
    unsafe {
        store_biased(lo_dst, lo, hi);
        store_biased(hi_dst, _mm256_srli_epi32(lo, 16), _mm256_srli_epi32(hi, 16));
    }
}

/// One column of the vertical pass in scalar code (planes narrower than a vector): writes
/// the biased stream samples exactly as the vector code would.
#[allow(clippy::too_many_arguments)]
pub(super) fn vertical_column<T: Copy + Into<u32>>(
    rows_r: &[&[T]],
    rows_d: &[&[T]],
    filt: &[u16],
    j: usize,
    shifts: (u32, u32, u64, u32),
    lanes: &mut [u16],
    rs: usize,
) {
    let (mu_add, mu_shift, sq_add, sq_shift) = shifts;
    let (mut a_mu1, mut a_mu2) = (0u32, 0u32);
    let (mut a_xx, mut a_yy, mut a_xy) = (0u64, 0u64, 0u64);
    for (k, &f) in filt.iter().enumerate() {
        let r: u32 = rows_r[k][j].into();
        let d: u32 = rows_d[k][j].into();
        let (fr, fd) = ((f as u32).wrapping_mul(r), (f as u32).wrapping_mul(d));
        a_mu1 = a_mu1.wrapping_add(fr);
        a_mu2 = a_mu2.wrapping_add(fd);
        a_xx += fr as u64 * r as u64;
        a_yy += fd as u64 * d as u64;
        a_xy += fr as u64 * d as u64;
    }
    let o = PAD + j;
    lanes[MU1 * rs + o] = (a_mu1.wrapping_add(mu_add) >> mu_shift) as u16 ^ 0x8000;
    lanes[MU2 * rs + o] = (a_mu2.wrapping_add(mu_add) >> mu_shift) as u16 ^ 0x8000;
    for (s, a) in [(XXL, a_xx), (YYL, a_yy), (XYL, a_xy)] {
        let v = ((a + sq_add) >> sq_shift) as u32;
        lanes[s * rs + o] = v as u16 ^ 0x8000;
        lanes[(s + 1) * rs + o] = (v >> 16) as u16 ^ 0x8000;
    }
}

/// Vertical pass of 8-bit scale 0 for pixels `j..j + 16` of one output row.
///
/// Filters `p' = p − 128`, whose squares and cross products fit 16 signed bits, and folds the
/// symmetric taps first (`f_k = f_{16−k}`): the sums of mirrored rows of `p'`, `p'²` and
/// `r'·d'` still fit 16 bits (the squares' and cross products' sums after a bias), so 9 taps
/// take 5 `vpmaddwd`. The expansion is added back at the end: Σf·p² = Σf·p'² + 256·Σf·p' +
/// 2³⁰ and Σf·r·d = Σf·r'd' + 128·(Σf·r' + Σf·d') + 2³⁰ (mod 2³²); Σf·p = Σf·p' + 2²³.
///
/// In mode `M` (see [`has`]) only that mode's streams are stored; the distorted mode still
/// filters the reference for the cross product's expansion.
#[inline]
#[target_feature(enable = "avx2")]
unsafe fn vertical_u8_s0<const M: u8>(
    rr: &[*const u8; 17],
    rd: &[*const u8; 17],
    j: usize,
    out: *mut u16,
    rs: usize,
) {
    // SAFETY: the caller guarantees AVX2, 16 readable samples at `rr[k] + j`/`rd[k] + j` and
    // 16 writable samples at `out + s * rs + PAD + j` for every stream `s`.
    unsafe {
        let filt = FILTERS[0];
        let off = _mm256_set1_epi16(-128);
        let z = _mm256_setzero_si256();
        let load = |p: *const u8| {
            _mm256_add_epi16(
                _mm256_cvtepu8_epi16(_mm_loadu_si128(p.add(j) as *const __m128i)),
                off,
            )
        };
        // folded rows k and 16 − k (k = 8: the centre alone): p'_r, p'_d, p'_r², p'_d², p'_r·p'_d,
        // the last three biased into 16 signed bits
        let sq_bias = _mm256_set1_epi16(16384);
        let xy_bias = _mm256_set1_epi16(256);
        let fold = |k: usize| -> [__m256i; 5] {
            let (r0, d0) = (load(rr[k]), load(rd[k]));
            if k == 8 {
                return [
                    r0,
                    d0,
                    _mm256_mullo_epi16(r0, r0),
                    _mm256_mullo_epi16(d0, d0),
                    _mm256_mullo_epi16(r0, d0),
                ];
            }
            let (r1, d1) = (load(rr[16 - k]), load(rd[16 - k]));
            let sq = |a: __m256i, b: __m256i| {
                _mm256_sub_epi16(
                    _mm256_add_epi16(_mm256_mullo_epi16(a, a), _mm256_mullo_epi16(b, b)),
                    sq_bias,
                )
            };
            [
                _mm256_add_epi16(r0, r1),
                _mm256_add_epi16(d0, d1),
                sq(r0, r1),
                sq(d0, d1),
                _mm256_sub_epi16(
                    _mm256_add_epi16(_mm256_mullo_epi16(r0, d0), _mm256_mullo_epi16(r1, d1)),
                    xy_bias,
                ),
            ]
        };
        // [quantity][lo, hi]
        let mut acc = [[z; 2]; 5];
        for p in 0..5 {
            // taps f_2p, f_2p+1 of the folded filter (f_9 = 0 pairs with the centre)
            let t = _mm256_set1_epi32(pair_taps(&filt[..9], p).0);
            let a = fold(2 * p);
            let b = if 2 * p + 1 < 9 {
                fold(2 * p + 1)
            } else {
                [z; 5]
            };
            // quantities mr md xx yy xy; the distorted mode needs mr for the cross term
            let mut step = |q: usize| {
                let lo = _mm256_madd_epi16(_mm256_unpacklo_epi16(a[q], b[q]), t);
                let hi = _mm256_madd_epi16(_mm256_unpackhi_epi16(a[q], b[q]), t);
                acc[q][0] = _mm256_add_epi32(acc[q][0], lo);
                acc[q][1] = _mm256_add_epi32(acc[q][1], hi);
            };
            if M == ALL {
                for q in 0..5 {
                    step(q);
                }
            } else {
                // written out so that the accumulators stay in registers
                step(0);
                if M == DIS {
                    step(1);
                    step(3);
                    step(4);
                } else {
                    step(2);
                }
            }
        }
        // the folded biases summed over taps 0..8: 16384·Σf_k (or 256·Σf_k), Σ_{k<8} f_k = 28876
        let tap_sum = (65536 - filt[8] as u32) / 2;
        let cm = _mm256_set1_epi32((1 << 23) + 128);
        let csq = _mm256_set1_epi32((16384 * tap_sum).wrapping_add(1 << 30) as i32);
        let cxy = _mm256_set1_epi32((256 * tap_sum).wrapping_add(1 << 30) as i32);
        let mu = |m: __m256i| _mm256_srli_epi32(_mm256_add_epi32(m, cm), 8);
        let sq = |a: __m256i, m: __m256i| {
            _mm256_add_epi32(_mm256_add_epi32(a, _mm256_slli_epi32(m, 8)), csq)
        };
        let cross = |a: __m256i, m: __m256i, n: __m256i| {
            _mm256_add_epi32(
                _mm256_add_epi32(a, _mm256_slli_epi32(_mm256_add_epi32(m, n), 7)),
                cxy,
            )
        };
        let [mr, md, xx, yy, xy] = acc;
        let o = out.add(PAD + j);
        if has(M, MU1) {
            store_biased(o.add(MU1 * rs), mu(mr[0]), mu(mr[1]));
            store_split(
                o.add(XXL * rs),
                o.add(XXH * rs),
                sq(xx[0], mr[0]),
                sq(xx[1], mr[1]),
            );
        }
        if has(M, MU2) {
            store_biased(o.add(MU2 * rs), mu(md[0]), mu(md[1]));
            store_split(
                o.add(YYL * rs),
                o.add(YYH * rs),
                sq(yy[0], md[0]),
                sq(yy[1], md[1]),
            );
            store_split(
                o.add(XYL * rs),
                o.add(XYH * rs),
                cross(xy[0], mr[0], md[0]),
                cross(xy[1], mr[1], md[1]),
            );
        }
    }
}

/// The distorted streams (`mu2 yy xy`) of the 8-bit scale-0 vertical pass for pixels
/// `j..j + 16` of one output row, without filtering the reference.
///
/// `mu2` and `yy` as in [`vertical_u8_s0`]. The cross product uses `r' = r − 128` against the
/// unbiased `d`: `r'·d` lies in [−32640, 32385], so it fits 16 signed bits and the 17 taps
/// take 9 unfolded `vpmaddwd` pairs (every scale-0 tap is below 32768); then
/// Σf·r·d = Σf·r'·d + 128·Σf·d = Σf·r'·d + 128·Σf·d' + 2³⁰ (mod 2³²), with Σf·d' the
/// distorted mean's sum, which this pass has anyway.
///
/// # Safety
/// AVX2, 16 readable samples at `rr[k] + j`/`rd[k] + j` and 16 writable samples at
/// `out + s * rs + PAD + j` for the distorted streams `s`.
#[inline]
#[target_feature(enable = "avx2")]
unsafe fn vertical_u8_s0_dis(
    rr: &[*const u8; 17],
    rd: &[*const u8; 17],
    j: usize,
    out: *mut u16,
    rs: usize,
) {
    // SAFETY: forwarded from the caller.
    unsafe {
        let filt = FILTERS[0];
        let off = _mm256_set1_epi16(-128);
        let z = _mm256_setzero_si256();
        let raw = |p: *const u8| _mm256_cvtepu8_epi16(_mm_loadu_si128(p.add(j) as *const __m128i));
        // d' of row k
        let dp = |k: usize| _mm256_add_epi16(raw(rd[k]), off);
        // r'·d of row k (row 17 is the missing odd tap: zero)
        let prod = |k: usize| {
            if k < 17 {
                _mm256_mullo_epi16(_mm256_add_epi16(raw(rr[k]), off), raw(rd[k]))
            } else {
                z
            }
        };
        let pairs = const { tap_pairs(17) };
        let mut xy = [z; 2];
        for (p, &(t, _)) in pairs.iter().enumerate() {
            let t = _mm256_set1_epi32(t);
            let (a, b) = (prod(2 * p), prod(2 * p + 1));
            xy[0] = _mm256_add_epi32(xy[0], _mm256_madd_epi16(_mm256_unpacklo_epi16(a, b), t));
            xy[1] = _mm256_add_epi32(xy[1], _mm256_madd_epi16(_mm256_unpackhi_epi16(a, b), t));
        }
        // mean and squares of d', folded as in `vertical_u8_s0`
        let sq_bias = _mm256_set1_epi16(16384);
        let fold = |k: usize| -> [__m256i; 2] {
            let d0 = dp(k);
            if k == 8 {
                return [d0, _mm256_mullo_epi16(d0, d0)];
            }
            let d1 = dp(16 - k);
            [
                _mm256_add_epi16(d0, d1),
                _mm256_sub_epi16(
                    _mm256_add_epi16(_mm256_mullo_epi16(d0, d0), _mm256_mullo_epi16(d1, d1)),
                    sq_bias,
                ),
            ]
        };
        let mut md = [z; 2];
        let mut yy = [z; 2];
        for p in 0..5 {
            let t = _mm256_set1_epi32(pair_taps(&filt[..9], p).0);
            let a = fold(2 * p);
            let b = if 2 * p + 1 < 9 {
                fold(2 * p + 1)
            } else {
                [z; 2]
            };
            let lo = |q: usize| _mm256_madd_epi16(_mm256_unpacklo_epi16(a[q], b[q]), t);
            let hi = |q: usize| _mm256_madd_epi16(_mm256_unpackhi_epi16(a[q], b[q]), t);
            md[0] = _mm256_add_epi32(md[0], lo(0));
            md[1] = _mm256_add_epi32(md[1], hi(0));
            yy[0] = _mm256_add_epi32(yy[0], lo(1));
            yy[1] = _mm256_add_epi32(yy[1], hi(1));
        }
        let tap_sum = (65536 - filt[8] as u32) / 2;
        let cm = _mm256_set1_epi32((1 << 23) + 128);
        let csq = _mm256_set1_epi32((16384 * tap_sum).wrapping_add(1 << 30) as i32);
        let c30 = _mm256_set1_epi32(1 << 30);
        let mu = |m: __m256i| _mm256_srli_epi32(_mm256_add_epi32(m, cm), 8);
        let sq = |a: __m256i, m: __m256i| {
            _mm256_add_epi32(_mm256_add_epi32(a, _mm256_slli_epi32(m, 8)), csq)
        };
        let cross = |a: __m256i, m: __m256i| {
            _mm256_add_epi32(_mm256_add_epi32(a, _mm256_slli_epi32(m, 7)), c30)
        };
        let o = out.add(PAD + j);
        store_biased(o.add(MU2 * rs), mu(md[0]), mu(md[1]));
        store_split(
            o.add(YYL * rs),
            o.add(YYH * rs),
            sq(yy[0], md[0]),
            sq(yy[1], md[1]),
        );
        store_split(
            o.add(XYL * rs),
            o.add(XYH * rs),
            cross(xy[0], md[0]),
            cross(xy[1], md[1]),
        );
    }
}

/// Round-shift parameters of the generic vertical pass, as vectors.
#[derive(Clone, Copy)]
pub(super) struct VShifts {
    /// 2³¹ (the bias) + the mean's rounding add.
    mu_add: __m256i,
    mu_shift: __m128i,
    /// 2³¹ + the squares' rounding add (applied to the low half).
    sq_add: __m256i,
    sq_shift: __m128i,
    /// 16 − the squares' shift (applied to the high half).
    sq_up: __m128i,
}

impl VShifts {
    #[inline]
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn new(shifts: (u32, u32, u64, u32)) -> Self {
        let (mu_add, mu_shift, sq_add, sq_shift) = shifts;
        debug_assert!(sq_shift <= 16 && sq_add < 1 << 16);
        // SAFETY: value-only intrinsics; the caller guarantees AVX2.
        unsafe {
            VShifts {
                mu_add: _mm256_set1_epi32((mu_add.wrapping_add(1 << 31)) as i32),
                mu_shift: _mm_cvtsi32_si128(mu_shift as i32),
                sq_add: _mm256_set1_epi32((sq_add as u32).wrapping_add(1 << 31) as i32),
                sq_shift: _mm_cvtsi32_si128(sq_shift as i32),
                sq_up: _mm_cvtsi32_si128(16 - sq_shift as i32),
            }
        }
    }
}

/// Vertical pass of 16-bit samples (any scale and depth) for pixels `j..j + 16` of one row.
///
/// Filters the samples biased to signed, `p' = p − 32768`. Squares: p² = p'² + 2¹⁶·p' + 2³⁰,
/// and p'² = 2¹⁶·h + l with `h` (its signed high half, ≤ 2¹⁴) needing no bias, so
/// Σf·p² = 2¹⁶·(Σf·h + Σf·p' + 2³⁰) + Σf·l. The cross product uses the unsigned halves of
/// r·d, both biased. Then `((2¹⁶·H + L + add) >> s) = (H << (16 − s)) + ((L + add) >> s)`
/// modulo 2³², exact because `L + add` < 2³².
///
/// In mode `M` (see [`has`]) only that mode's streams are filtered and stored.
#[inline]
#[target_feature(enable = "avx2")]
unsafe fn vertical_u16<const FW: usize, const M: u8>(
    rr: &[*const u16; FW],
    rd: &[*const u16; FW],
    j: usize,
    out: *mut u16,
    rs: usize,
    sh: &VShifts,
) {
    // SAFETY: the caller guarantees AVX2, 16 readable samples at `rr[k] + j`/`rd[k] + j` and
    // 16 writable samples at `out + s * rs + PAD + j` for every stream `s`.
    unsafe {
        let lo = vertical_u16_half::<FW, false, M>(rr, rd, j, sh);
        let hi = vertical_u16_half::<FW, true, M>(rr, rd, j, sh);
        let o = out.add(PAD + j);
        if has(M, MU1) {
            store_biased(o.add(MU1 * rs), lo[0], hi[0]);
            store_split(o.add(XXL * rs), o.add(XXH * rs), lo[2], hi[2]);
        }
        if has(M, MU2) {
            store_biased(o.add(MU2 * rs), lo[1], hi[1]);
            store_split(o.add(YYL * rs), o.add(YYH * rs), lo[3], hi[3]);
            store_split(o.add(XYL * rs), o.add(XYH * rs), lo[4], hi[4]);
        }
    }
}

/// Whether tap pair `p` of the filter with `fw` taps has a wrapped tap (see [`pair_taps`]):
/// only scale 3's centre tap, 43728, exceeds 32767. A constant once `fw` and `p` are, unlike
/// a flag read from a table.
#[inline(always)]
pub(super) const fn wraps(fw: usize, p: usize) -> bool {
    fw == 3 && p == 0
}

/// Tap pairs of the filter with `fw` taps as `vpmaddwd` operands, with the wrap flag of
/// [`pair_taps`]; entries past ⌈fw/2⌉ are unused.
pub(super) const fn tap_pairs(fw: usize) -> [(i32, bool); 9] {
    let filt = FILTERS[scale_of(fw)];
    let mut out = [(0, false); 9];
    let mut p = 0;
    while 2 * p < fw {
        let lo = filt[2 * p] as u32;
        let hi = if 2 * p + 1 < fw {
            filt[2 * p + 1] as u32
        } else {
            0
        };
        out[p] = ((lo | (hi << 16)) as i32, hi >= 32768);
        p += 1;
    }
    out
}

/// One half of [`vertical_u16`]: the pixels `vpunpcklwd` (`HI` false: 0-3, 8-11) or
/// `vpunpckhwd` (4-7, 12-15) puts in its lanes; returns `mu1 mu2 xx yy xy` as 32-bit values.
///
/// # Safety
/// As [`vertical_u16`] (inlined into it).
#[inline(always)]
unsafe fn vertical_u16_half<const FW: usize, const HI: bool, const M: u8>(
    rr: &[*const u16; FW],
    rd: &[*const u16; FW],
    j: usize,
    sh: &VShifts,
) -> [__m256i; 5] {
    // SAFETY: forwarded from the caller.
    unsafe {
        let pairs = const { tap_pairs(FW) };
        let bias = _mm256_set1_epi16(0x8000u16 as i16);
        let z = _mm256_setzero_si256();
        let load = |p: *const u16| _mm256_loadu_si256(p.add(j) as *const __m256i);
        // mu1 mu2 xx_lo xx_hi yy_lo yy_hi xy_lo xy_hi
        let mut a = [z; 8];
        for (p, &(t, _)) in pairs.iter().enumerate().take(FW.div_ceil(2)) {
            let wrap = wraps(FW, p);
            let t = _mm256_set1_epi32(t);
            let r0 = load(rr[2 * p]);
            let d0 = load(rd[2 * p]);
            // FW is odd: the last pair has one row
            let last = 2 * p + 1 == FW;
            let (r1, d1) = if last {
                (z, z)
            } else {
                (load(rr[2 * p + 1]), load(rd[2 * p + 1]))
            };
            let (r, d) = if HI {
                (_mm256_unpackhi_epi16(r0, r1), _mm256_unpackhi_epi16(d0, d1))
            } else {
                (_mm256_unpacklo_epi16(r0, r1), _mm256_unpacklo_epi16(d0, d1))
            };
            let mut acc = |s: usize, x: __m256i| {
                a[s] = _mm256_add_epi32(a[s], madd(x, t, wrap));
            };
            if has(M, XYL) {
                acc(XYL, _mm256_xor_si256(_mm256_mullo_epi16(r, d), bias));
                acc(XYH, _mm256_xor_si256(_mm256_mulhi_epu16(r, d), bias));
            }
            let (r, d) = (_mm256_xor_si256(r, bias), _mm256_xor_si256(d, bias));
            if has(M, MU1) {
                acc(MU1, r);
                acc(XXL, _mm256_xor_si256(_mm256_mullo_epi16(r, r), bias));
                acc(XXH, _mm256_mulhi_epi16(r, r));
            }
            if has(M, MU2) {
                acc(MU2, d);
                acc(YYL, _mm256_xor_si256(_mm256_mullo_epi16(d, d), bias));
                acc(YYH, _mm256_mulhi_epi16(d, d));
            }
        }
        let mu = |m: __m256i| _mm256_srl_epi32(_mm256_add_epi32(m, sh.mu_add), sh.mu_shift);
        let combine = |l: __m256i, h: __m256i| {
            _mm256_add_epi32(
                _mm256_sll_epi32(h, sh.sq_up),
                _mm256_srl_epi32(_mm256_add_epi32(l, sh.sq_add), sh.sq_shift),
            )
        };
        let c30 = _mm256_set1_epi32(1 << 30);
        // H = Σf·h + Σf·p' + 2³⁰ for the squares; the biased cross high half carries −2³¹
        let sq = |l: __m256i, h: __m256i, m: __m256i| {
            combine(l, _mm256_add_epi32(_mm256_add_epi32(h, m), c30))
        };
        let cross = combine(
            a[XYL],
            _mm256_xor_si256(a[XYH], _mm256_set1_epi32(i32::MIN)),
        );
        [
            mu(a[MU1]),
            mu(a[MU2]),
            sq(a[XXL], a[XXH], a[MU1]),
            sq(a[YYL], a[YYH], a[MU2]),
            cross,
        ]
    }
}

/// The scale whose filter has `fw` taps.
#[inline(always)]
pub(super) const fn scale_of(fw: usize) -> usize {
    match fw {
        17 => 0,
        9 => 1,
        5 => 2,
        _ => 3,
    }
}

/// Mirrors `half` samples on each side of every stream's row (`PADDING_SQ_DATA`).
pub(super) fn pad_streams(lanes: &mut [u16], rs: usize, streams: usize, w: usize, half: usize) {
    for s in 0..streams {
        let b = &mut lanes[s * rs..(s + 1) * rs];
        for f in 1..=half {
            b[PAD - f] = b[PAD + f];
            b[PAD + w - 1 + f] = b[PAD + w - 1 - f];
        }
    }
}

/// Per-lane partial sums of the per-pixel terms.
struct TermSums {
    num_log: __m256i,
    den_log: __m256i,
    den_non_log: __m256i,
    /// Low and high 16-bit halves of σ₂² (which can reach 2³¹), summed separately.
    num_non_log: [__m256i; 2],
}

impl TermSums {
    #[inline]
    #[target_feature(enable = "avx2")]
    unsafe fn new() -> Self {
        // SAFETY: value-only intrinsic; the caller guarantees AVX2.
        let z = unsafe { _mm256_setzero_si256() };
        TermSums {
            num_log: z,
            den_log: z,
            den_non_log: z,
            num_non_log: [z, z],
        }
    }

    /// Adds the lane sums to `acc` and clears them.
    #[inline]
    #[target_feature(enable = "avx2")]
    unsafe fn flush(&mut self, acc: &mut VifAccum) {
        let sum32 = |v: __m256i| {
            let mut a = [0i32; 8];
            // SAFETY: `a` holds 8 i32; the caller guarantees AVX2.
            unsafe { _mm256_storeu_si256(a.as_mut_ptr() as *mut __m256i, v) };
            a.iter().map(|&x| x as i64).sum::<i64>()
        };
        acc.num_log += sum32(self.num_log);
        acc.den_log += sum32(self.den_log);
        acc.den_non_log += sum32(self.den_non_log);
        acc.num_non_log += sum32(self.num_non_log[0]) + (sum32(self.num_non_log[1]) << 16);
        // SAFETY: the caller guarantees AVX2.
        *self = unsafe { TermSums::new() };
    }
}

/// `(a·b + 2³¹) >> 32` per unsigned 32-bit lane.
#[inline]
#[target_feature(enable = "avx2")]
unsafe fn mul_round32(a: __m256i, b: __m256i) -> __m256i {
    // SAFETY: value-only intrinsics; the caller guarantees AVX2.
    unsafe {
        let r = _mm256_set1_epi64x(1 << 31);
        let even = _mm256_add_epi64(_mm256_mul_epu32(a, b), r);
        let odd = _mm256_add_epi64(
            _mm256_mul_epu32(_mm256_srli_epi64(a, 32), _mm256_srli_epi64(b, 32)),
            r,
        );
        _mm256_blend_epi32::<0b1010_1010>(_mm256_srli_epi64(even, 32), odd)
    }
}

/// libvmaf's log2 table from index 32768 on (the only entries read: every index has its top
/// bit set), widened to 32 bits so a gather needs no masking.
pub(super) fn log2_table32() -> &'static [u32] {
    static TABLE: std::sync::OnceLock<Vec<u32>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        scalar::log2_table()[32768..65536]
            .iter()
            .map(|&v| v as u32)
            .collect()
    })
}

/// `table32[idx]` per 32-bit lane, `idx` below 32768.
#[inline]
#[target_feature(enable = "avx2")]
unsafe fn lookup(table32: &[u32], idx: __m256i) -> __m256i {
    debug_assert!(table32.len() == 32768);
    // SAFETY: every lane reads 4 bytes at `table32 + 4·idx` with idx < 32768 (the caller's
    // contract), inside the table; the caller guarantees AVX2.
    unsafe { _mm256_i32gather_epi32::<4>(table32.as_ptr() as *const i32, idx) }
}

/// High 32 bits of the doubles of `lo` (pixels 0-3) and `hi` (pixels 4-7), in the pixel order
/// 0,1,4,5,2,3,6,7.
#[inline]
#[target_feature(enable = "avx2")]
unsafe fn high_words(lo: __m256d, hi: __m256d) -> __m256i {
    // SAFETY: value-only intrinsics; the caller guarantees AVX2.
    unsafe {
        _mm256_castps_si256(_mm256_shuffle_ps::<0b1101_1101>(
            _mm256_castpd_ps(lo),
            _mm256_castpd_ps(hi),
        ))
    }
}

/// The per-pixel VIF terms of 8 pixels (`pixel_term` of the oracle) from σ₁², σ₂² (already
/// clamped at 0) and σ₁₂, added to `sums` where `valid`: the denominator terms (σ₁² only)
/// if `DEN`, the numerator terms if `NUM`.
#[inline]
#[target_feature(enable = "avx2")]
#[allow(clippy::too_many_arguments)]
unsafe fn pixel_terms<const DEN: bool, const NUM: bool>(
    sums: &mut TermSums,
    table32: &[u32],
    egl: __m256d,
    sigma1: __m256i,
    sigma2: __m256i,
    sigma12: __m256i,
    valid: __m256i,
) {
    // SAFETY: value-only intrinsics and in-bounds table gathers; the caller guarantees AVX2.
    unsafe {
        let z = _mm256_setzero_si256();
        let big = _mm256_cmpgt_epi32(sigma1, _mm256_set1_epi32(SIGMA_NSQ - 1));
        let log = _mm256_and_si256(big, valid);
        let non_log = _mm256_andnot_si256(big, valid);

        // σ₁² < σ²ₙ: count and sum σ₂² (as two 16-bit halves, exact in 32-bit lanes)
        if DEN {
            sums.den_non_log = _mm256_sub_epi32(sums.den_non_log, non_log);
        }
        if NUM {
            let s2 = _mm256_and_si256(sigma2, non_log);
            sums.num_non_log[0] = _mm256_add_epi32(
                sums.num_non_log[0],
                _mm256_and_si256(s2, _mm256_set1_epi32(0xffff)),
            );
            sums.num_non_log[1] = _mm256_add_epi32(sums.num_non_log[1], _mm256_srli_epi32(s2, 16));
        }

        if _mm256_testz_si256(log, log) != 0 {
            return;
        }
        if DEN {
            // den_log: log2_32(σ²ₙ + σ₁²) − 17·2048; floor(log2 x) from the float exponent
            // of x >> 8 (exact: below 2²⁴)
            let x = _mm256_add_epi32(sigma1, _mm256_set1_epi32(SIGMA_NSQ));
            let e = _mm256_srli_epi32(
                _mm256_castps_si256(_mm256_cvtepi32_ps(_mm256_srli_epi32(x, 8))),
                23,
            );
            let k = _mm256_sub_epi32(e, _mm256_set1_epi32(127 - 8 + 15));
            // the 16 top bits of x: 32768..=65535 in `log` lanes, anything elsewhere
            let idx = _mm256_srlv_epi32(x, k);
            // SAFETY (gather): only `log` lanes are read, at table32[idx − 32768], in bounds;
            // the base pointer itself is never dereferenced.
            let t = _mm256_mask_i32gather_epi32::<4>(
                z,
                table32.as_ptr().wrapping_sub(32768) as *const i32,
                idx,
                log,
            );
            let den = _mm256_add_epi32(
                t,
                _mm256_slli_epi32(_mm256_sub_epi32(k, _mm256_set1_epi32(17)), 11),
            );
            sums.den_log = _mm256_add_epi32(sums.den_log, _mm256_and_si256(den, log));
        }
        if !NUM {
            return;
        }

        // num_log where also σ₁₂ > 0 and σ₂² > 0
        let cond = _mm256_and_si256(
            log,
            _mm256_and_si256(
                _mm256_cmpgt_epi32(sigma12, z),
                _mm256_cmpgt_epi32(sigma2, z),
            ),
        );
        if _mm256_testz_si256(cond, cond) != 0 {
            return;
        }
        let eps = _mm256_set1_pd(65536.0 * 1.0e-10);
        let zero = _mm256_setzero_pd();
        let nsq = _mm256_set1_pd(SIGMA_NSQ as f64);
        let half = |v: __m256i, h: usize| {
            if h == 0 {
                _mm256_cvtepi32_pd(_mm256_castsi256_si128(v))
            } else {
                _mm256_cvtepi32_pd(_mm256_extracti128_si256::<1>(v))
            }
        };
        let mut tt = [zero; 2];
        let mut nn = [zero; 2];
        for h in 0..2 {
            let s1 = half(sigma1, h);
            let s2 = half(sigma2, h);
            let s12 = half(sigma12, h);
            let g = _mm256_div_pd(s12, _mm256_add_pd(s1, eps));
            let sv = _mm256_round_pd::<{ _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC }>(_mm256_sub_pd(
                s2,
                _mm256_mul_pd(g, s12),
            ));
            let sv = _mm256_max_pd(sv, zero);
            let g = _mm256_min_pd(g, egl);
            let n1 = _mm256_add_pd(sv, nsq);
            let gg = _mm256_round_pd::<{ _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC }>(_mm256_mul_pd(
                _mm256_mul_pd(g, g),
                s1,
            ));
            tt[h] = _mm256_add_pd(gg, n1);
            nn[h] = n1;
        }
        // log2_64 of an exact double v ≥ 2¹⁷: table[top 16 bits] + 2048·(exponent − 15)
        let th = high_words(tt[0], tt[1]);
        let nh = high_words(nn[0], nn[1]);
        // the 15 mantissa bits below the leading one: the table index less 32768
        let m15 = _mm256_set1_epi32(0x7fff);
        let it = _mm256_and_si256(_mm256_srli_epi32(th, 5), m15);
        let in_ = _mm256_and_si256(_mm256_srli_epi32(nh, 5), m15);
        let de = _mm256_sub_epi32(_mm256_srli_epi32(th, 20), _mm256_srli_epi32(nh, 20));
        let num = _mm256_add_epi32(
            _mm256_sub_epi32(lookup(table32, it), lookup(table32, in_)),
            _mm256_slli_epi32(de, 11),
        );
        // th/nh are in the pixel order 0,1,4,5,2,3,6,7: reorder the mask the same way
        let cond = _mm256_permute4x64_epi64::<0b11_01_10_00>(cond);
        sums.num_log = _mm256_add_epi32(sums.num_log, _mm256_and_si256(num, cond));
    }
}

/// Horizontal pass of one row whose streams are in `lanes`: writes σ₁², σ₂² (clamped at 0)
/// and σ₁₂ of every 8-lane vector (even then odd columns of each 16-column block) to `sig`
/// (three runs of `n` values, `n` = 16·⌈w/16⌉).
#[inline]
#[target_feature(enable = "avx2")]
unsafe fn horizontal_row<const FW: usize>(lanes: &[u16], rs: usize, w: usize, sig: &mut [i32]) {
    let half = FW / 2;
    let np = FW.div_ceil(2);
    let n = w.next_multiple_of(16);
    assert!(lanes.len() >= STREAMS * rs && PAD + n + FW + 16 <= rs && sig.len() >= 3 * n);
    // SAFETY: the caller guarantees AVX2. Every load reads 16 samples starting at
    // `s·rs + PAD + j0 + par − half + 2p` with j0 + par < n, 2p ≤ FW and half ≤ PAD, so inside
    // stream `s`'s row of `rs` samples; stores write 8 values at `v·8 < n` of each run of
    // `sig` (both checked above).
    unsafe {
        let filt = FILTERS[scale_of(FW)];
        let mut taps = [_mm256_setzero_si256(); 9];
        for (p, t) in taps.iter_mut().enumerate().take(np) {
            *t = _mm256_set1_epi32(pair_taps(filt, p).0);
        }
        let src = lanes.as_ptr();
        let dst = sig.as_mut_ptr();
        let s31 = _mm256_set1_epi32(i32::MIN);
        let r16 = _mm256_set1_epi32(i32::MIN.wrapping_add(32768));
        let z = _mm256_setzero_si256();
        let mut v = 0;
        while v * 8 < n {
            let row = src.add(PAD + (v / 2) * 16 + (v & 1) - half);
            let mut a = [z; STREAMS];
            for (s, a) in a.iter_mut().enumerate() {
                *a = filter_pairs::<FW>(row.add(s * rs), &taps);
            }
            let sq = |l: __m256i, h: __m256i| {
                _mm256_add_epi32(
                    _mm256_xor_si256(h, s31),
                    _mm256_srli_epi32(_mm256_add_epi32(l, r16), 16),
                )
            };
            let mu1 = _mm256_xor_si256(a[MU1], s31);
            let mu2 = _mm256_xor_si256(a[MU2], s31);
            let sigma1 = _mm256_sub_epi32(sq(a[XXL], a[XXH]), mul_round32(mu1, mu1));
            let sigma2 = _mm256_sub_epi32(sq(a[YYL], a[YYH]), mul_round32(mu2, mu2));
            let sigma12 = _mm256_sub_epi32(sq(a[XYL], a[XYH]), mul_round32(mu1, mu2));
            _mm256_storeu_si256(dst.add(8 * v) as *mut __m256i, sigma1);
            _mm256_storeu_si256(
                dst.add(n + 8 * v) as *mut __m256i,
                _mm256_max_epi32(sigma2, z),
            );
            _mm256_storeu_si256(dst.add(2 * n + 8 * v) as *mut __m256i, sigma12);
            v += 1;
        }
    }
}

/// Σ over tap pairs of `vpmaddwd(load(row + 2p), taps[p])`: one horizontal filter of 8
/// even-or-odd columns.
///
/// # Safety
/// AVX2 (inlined into AVX2 code) and 16 + 2·⌈FW/2⌉ readable samples at `row`.
#[inline(always)]
unsafe fn filter_pairs<const FW: usize>(row: *const u16, taps: &[__m256i; 9]) -> __m256i {
    // SAFETY: forwarded from the caller.
    unsafe {
        let mut acc = _mm256_setzero_si256();
        for (p, t) in taps.iter().enumerate().take(FW.div_ceil(2)) {
            let x = _mm256_loadu_si256(row.add(2 * p) as *const __m256i);
            acc = _mm256_add_epi32(acc, madd(x, *t, wraps(FW, p)));
        }
        acc
    }
}

/// Per-pixel terms of one row from the σ₁², σ₂², σ₁₂ values [`horizontal_row`] left in
/// `s1`, `s2`, `s12`: the denominator terms if `DEN`, the numerator terms if `NUM` (`s2` and
/// `s12` are not read without `NUM`).
#[inline]
#[target_feature(enable = "avx2")]
#[allow(clippy::too_many_arguments)]
unsafe fn terms_row<const DEN: bool, const NUM: bool>(
    s1: &[i32],
    s2: &[i32],
    s12: &[i32],
    w: usize,
    table32: &[u32],
    egl: __m256d,
    acc: &mut VifAccum,
) {
    let n = w.next_multiple_of(16);
    assert!(s1.len() >= n && (!NUM || (s2.len() >= n && s12.len() >= n)));
    // SAFETY: the caller guarantees AVX2; loads read 8 values at `8·v < n` of each run.
    unsafe {
        let src = [s1.as_ptr(), s2.as_ptr(), s12.as_ptr()];
        let ramp = _mm256_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14);
        let wv = _mm256_set1_epi32(w as i32);
        let all = _mm256_set1_epi32(-1);
        let mut sums = TermSums::new();
        for v in 0..n / 8 {
            let j0 = (v / 2) * 16;
            let valid = if j0 + 16 <= w {
                all
            } else {
                _mm256_cmpgt_epi32(
                    wv,
                    _mm256_add_epi32(ramp, _mm256_set1_epi32((j0 + (v & 1)) as i32)),
                )
            };
            let ld = |r: usize| _mm256_loadu_si256(src[r].add(8 * v) as *const __m256i);
            let (s2, s12) = if NUM {
                (ld(1), ld(2))
            } else {
                (_mm256_setzero_si256(), _mm256_setzero_si256())
            };
            pixel_terms::<DEN, NUM>(&mut sums, table32, egl, ld(0), s2, s12, valid);
            if v % FLUSH_VECTORS == FLUSH_VECTORS - 1 {
                sums.flush(acc);
            }
        }
        sums.flush(acc);
    }
}

/// Horizontal pass of the reference streams of one row (`mu1 xx`, see [`horizontal_row`]):
/// writes the filtered mean and σ₁² of every 8-lane vector to `mu1`/`sigma1` (`n` values each,
/// `n` = 16·⌈w/16⌉, in [`horizontal_row`]'s order).
#[inline]
#[target_feature(enable = "avx2")]
unsafe fn horizontal_ref<const FW: usize>(
    lanes: &[u16],
    rs: usize,
    w: usize,
    mu1: &mut [u32],
    sigma1: &mut [i32],
) {
    let half = FW / 2;
    let np = FW.div_ceil(2);
    let n = w.next_multiple_of(16);
    assert!(lanes.len() >= STREAMS * rs && PAD + n + FW + 16 <= rs);
    assert!(mu1.len() >= n && sigma1.len() >= n);
    // SAFETY: the caller guarantees AVX2. Loads as in `horizontal_row`; stores write 8 values
    // at `8·v < n` of `mu1` and `sigma1` (checked above).
    unsafe {
        let filt = FILTERS[scale_of(FW)];
        let mut taps = [_mm256_setzero_si256(); 9];
        for (p, t) in taps.iter_mut().enumerate().take(np) {
            *t = _mm256_set1_epi32(pair_taps(filt, p).0);
        }
        let src = lanes.as_ptr();
        let s31 = _mm256_set1_epi32(i32::MIN);
        let r16 = _mm256_set1_epi32(i32::MIN.wrapping_add(32768));
        let mut v = 0;
        while v * 8 < n {
            let row = src.add(PAD + (v / 2) * 16 + (v & 1) - half);
            let m = filter_pairs::<FW>(row.add(MU1 * rs), &taps);
            let l = filter_pairs::<FW>(row.add(XXL * rs), &taps);
            let h = filter_pairs::<FW>(row.add(XXH * rs), &taps);
            let xx = _mm256_add_epi32(
                _mm256_xor_si256(h, s31),
                _mm256_srli_epi32(_mm256_add_epi32(l, r16), 16),
            );
            let m = _mm256_xor_si256(m, s31);
            let s1 = _mm256_sub_epi32(xx, mul_round32(m, m));
            _mm256_storeu_si256(mu1.as_mut_ptr().add(8 * v) as *mut __m256i, m);
            _mm256_storeu_si256(sigma1.as_mut_ptr().add(8 * v) as *mut __m256i, s1);
            v += 1;
        }
    }
}

/// Horizontal pass of the distorted streams of one row (`mu2 yy xy`, see
/// [`horizontal_row`]) with the reference's filtered means `mu1` from [`horizontal_ref`]:
/// writes σ₂² (clamped at 0) and σ₁₂ to `sig` (two runs of `n` values).
#[inline]
#[target_feature(enable = "avx2")]
unsafe fn horizontal_dis<const FW: usize>(
    lanes: &[u16],
    rs: usize,
    w: usize,
    mu1: &[u32],
    sig: &mut [i32],
) {
    let half = FW / 2;
    let np = FW.div_ceil(2);
    let n = w.next_multiple_of(16);
    assert!(lanes.len() >= STREAMS * rs && PAD + n + FW + 16 <= rs);
    assert!(mu1.len() >= n && sig.len() >= 2 * n);
    // SAFETY: the caller guarantees AVX2. Loads as in `horizontal_row`, plus 8 values at
    // `8·v < n` of `mu1`; stores write 8 values at `8·v < n` of both runs of `sig`.
    unsafe {
        let filt = FILTERS[scale_of(FW)];
        let mut taps = [_mm256_setzero_si256(); 9];
        for (p, t) in taps.iter_mut().enumerate().take(np) {
            *t = _mm256_set1_epi32(pair_taps(filt, p).0);
        }
        let src = lanes.as_ptr();
        let dst = sig.as_mut_ptr();
        let s31 = _mm256_set1_epi32(i32::MIN);
        let r16 = _mm256_set1_epi32(i32::MIN.wrapping_add(32768));
        let z = _mm256_setzero_si256();
        let sq = |l: __m256i, h: __m256i| {
            _mm256_add_epi32(
                _mm256_xor_si256(h, s31),
                _mm256_srli_epi32(_mm256_add_epi32(l, r16), 16),
            )
        };
        let mut v = 0;
        while v * 8 < n {
            let row = src.add(PAD + (v / 2) * 16 + (v & 1) - half);
            let f = |s: usize| filter_pairs::<FW>(row.add(s * rs), &taps);
            let mu2 = _mm256_xor_si256(f(MU2), s31);
            let yy = sq(f(YYL), f(YYH));
            let xy = sq(f(XYL), f(XYH));
            let mu1 = _mm256_loadu_si256(mu1.as_ptr().add(8 * v) as *const __m256i);
            let sigma2 = _mm256_sub_epi32(yy, mul_round32(mu2, mu2));
            let sigma12 = _mm256_sub_epi32(xy, mul_round32(mu1, mu2));
            _mm256_storeu_si256(dst.add(8 * v) as *mut __m256i, _mm256_max_epi32(sigma2, z));
            _mm256_storeu_si256(dst.add(n + 8 * v) as *mut __m256i, sigma12);
            v += 1;
        }
    }
}

/// The vertical pass of row `i` in mode `M` into `lanes` (see [`statistic`]).
///
/// # Safety
/// AVX2; for `u8`, `FW == 17` and `bpc == 8`; `lanes` holds [`STREAMS`] rows of `rs` ≥
/// [`lane_row_len`]`(w)` samples.
#[inline]
#[target_feature(enable = "avx2")]
unsafe fn vertical_row<T: Sample, const FW: usize, const M: u8>(
    p: &PlanePair<'_, T>,
    i: usize,
    shifts: (u32, u32, u64, u32),
    vsh: &VShifts,
    lanes: &mut [u16],
    rs: usize,
) {
    let w = p.width();
    assert!(lanes.len() >= STREAMS * rs && rs >= lane_row_len(w));
    let mut rows_r: [&[T]; FW] = [&[]; FW];
    let mut rows_d: [&[T]; FW] = [&[]; FW];
    p.tap_rows(i, FW, &mut rows_r, &mut rows_d);
    if w >= 16 {
        let out = lanes.as_mut_ptr();
        let pr: [*const T; FW] = rows_r.map(|r| r.as_ptr());
        let pd: [*const T; FW] = rows_d.map(|r| r.as_ptr());
        // the blocks of `for_blocks` (0, 16, …, then w − 16), with one call site
        let last = w - 16;
        let mut j = 0;
        loop {
            let b = j.min(last);
            // SAFETY: blocks read samples `b..b + 16 ≤ w` of the rows and write samples
            // `PAD + b..PAD + b + 16 < rs` of each stream; AVX2 and the u8 contract come from
            // the caller.
            unsafe { T::stat_vertical::<FW, M>(&pr, &pd, b, out, rs, vsh) };
            if b == last {
                break;
            }
            j += 16;
        }
    } else {
        for j in 0..w {
            vertical_column(
                &rows_r,
                &rows_d,
                FILTERS[scale_of(FW)],
                j,
                shifts,
                lanes,
                rs,
            );
        }
    }
}

/// Reference half of the statistic of one scale over `rows` (see [`super::StatRefFn`]).
///
/// # Safety
/// AVX2; for `u8`, `FW == 17` and `bpc == 8`.
#[target_feature(enable = "avx2")]
unsafe fn stat_ref<T: Sample, const FW: usize>(
    p: &PlanePair<'_, T>,
    bpc: u32,
    rows: Range<usize>,
    st: &mut RefStats,
    s: &mut Scratch,
) -> VifAccum {
    let (w, h) = (p.width(), p.height());
    let half = FW / 2;
    let rs = lane_row_len(s.width);
    super::check_band(p, &rows, st, s);
    assert!(w > half && h > half, "plane smaller than the filter");
    let n = w.next_multiple_of(16);
    let table32 = log2_table32();
    let shifts = vertical_shifts(scale_of(FW), bpc);
    let lanes = &mut s.lanes[..STREAMS * rs];
    let mut den = VifAccum::default();
    // SAFETY: AVX2 (and the u8 contract) come from the caller; the callees check their
    // buffers.
    unsafe {
        let vsh = VShifts::new(shifts);
        let egl = _mm256_setzero_pd();
        for (b, i) in rows.enumerate() {
            vertical_row::<T, FW, REF>(p, i, shifts, &vsh, lanes, rs);
            for k in [MU1, XXL, XXH] {
                pad_streams(&mut lanes[k * rs..], rs, 1, w, half);
            }
            let row = b * st.stride..b * st.stride + n;
            let (mu1, sigma1) = (&mut st.mu1[row.clone()], &mut st.sigma1[row]);
            horizontal_ref::<FW>(lanes, rs, w, mu1, sigma1);
            terms_row::<true, false>(sigma1, &[], &[], w, table32, egl, &mut den);
        }
    }
    den
}

/// Distorted half of the statistic of one scale over `rows` (see [`super::StatDisFn`]).
///
/// # Safety
/// AVX2; for `u8`, `FW == 17` and `bpc == 8`.
#[target_feature(enable = "avx2")]
unsafe fn stat_dis<T: Sample, const FW: usize>(
    p: &PlanePair<'_, T>,
    bpc: u32,
    egl: f64,
    rows: Range<usize>,
    st: &RefStats,
    s: &mut Scratch,
) -> VifAccum {
    let (w, h) = (p.width(), p.height());
    let half = FW / 2;
    let rs = lane_row_len(s.width);
    super::check_band(p, &rows, st, s);
    assert!(w > half && h > half, "plane smaller than the filter");
    let n = w.next_multiple_of(16);
    let table32 = log2_table32();
    let shifts = vertical_shifts(scale_of(FW), bpc);
    let lanes = &mut s.lanes[..STREAMS * rs];
    let sig = &mut s.sigma[..2 * n];
    let mut acc = VifAccum::default();
    // SAFETY: AVX2 (and the u8 contract) come from the caller; the callees check their
    // buffers.
    unsafe {
        let vsh = VShifts::new(shifts);
        let egl_v = _mm256_set1_pd(egl);
        for (b, i) in rows.enumerate() {
            vertical_row::<T, FW, DIS>(p, i, shifts, &vsh, lanes, rs);
            for k in [MU2, YYL, YYH, XYL, XYH] {
                pad_streams(&mut lanes[k * rs..], rs, 1, w, half);
            }
            let row = b * st.stride..b * st.stride + n;
            horizontal_dis::<FW>(lanes, rs, w, &st.mu1[row.clone()], sig);
            let (s2, s12) = sig.split_at(n);
            terms_row::<false, true>(&st.sigma1[row], s2, s12, w, table32, egl_v, &mut acc);
        }
    }
    acc
}

/// Sample types the vector kernels read.
pub(super) trait Sample: Copy + Into<u32> {
    /// 16 samples at `p` as 16-bit lanes, and whether they are biased by −32768.
    ///
    /// # Safety
    /// AVX2 and 16 readable samples at `p`.
    unsafe fn load16(p: *const Self) -> (__m256i, bool);

    /// Vertical pass of the statistic for pixels `j..j + 16` (see [`vertical_u8_s0`] and
    /// [`vertical_u16`]).
    ///
    /// # Safety
    /// AVX2, 16 readable samples at `rr[k] + j`/`rd[k] + j`, 16 writable samples at
    /// `out + s·rs + PAD + j` for every stream `s`; for `u8`, `FW == 17` and `bpc == 8`.
    unsafe fn stat_vertical<const FW: usize, const M: u8>(
        rr: &[*const Self; FW],
        rd: &[*const Self; FW],
        j: usize,
        out: *mut u16,
        rs: usize,
        sh: &VShifts,
    );
}

impl Sample for u8 {
    #[inline]
    #[target_feature(enable = "avx2")]
    unsafe fn load16(p: *const u8) -> (__m256i, bool) {
        // SAFETY: forwarded from the caller.
        unsafe {
            (
                _mm256_cvtepu8_epi16(_mm_loadu_si128(p as *const __m128i)),
                false,
            )
        }
    }

    #[inline]
    #[target_feature(enable = "avx2")]
    unsafe fn stat_vertical<const FW: usize, const M: u8>(
        rr: &[*const u8; FW],
        rd: &[*const u8; FW],
        j: usize,
        out: *mut u16,
        rs: usize,
        _sh: &VShifts,
    ) {
        let rr: &[*const u8; 17] = rr
            .as_slice()
            .try_into()
            .expect("8-bit vector path is scale 0");
        let rd: &[*const u8; 17] = rd
            .as_slice()
            .try_into()
            .expect("8-bit vector path is scale 0");
        // SAFETY: forwarded from the caller.
        unsafe {
            if M == DIS {
                vertical_u8_s0_dis(rr, rd, j, out, rs)
            } else {
                vertical_u8_s0::<M>(rr, rd, j, out, rs)
            }
        }
    }
}

impl Sample for u16 {
    #[inline]
    #[target_feature(enable = "avx2")]
    unsafe fn load16(p: *const u16) -> (__m256i, bool) {
        // SAFETY: forwarded from the caller.
        unsafe {
            let v = _mm256_loadu_si256(p as *const __m256i);
            (
                _mm256_xor_si256(v, _mm256_set1_epi16(0x8000u16 as i16)),
                true,
            )
        }
    }

    #[inline]
    #[target_feature(enable = "avx2")]
    unsafe fn stat_vertical<const FW: usize, const M: u8>(
        rr: &[*const u16; FW],
        rd: &[*const u16; FW],
        j: usize,
        out: *mut u16,
        rs: usize,
        sh: &VShifts,
    ) {
        // SAFETY: forwarded from the caller.
        unsafe { vertical_u16::<FW, M>(rr, rd, j, out, rs, sh) }
    }
}

/// Runs `block(j)` over `j = 0, 16, 32, …` and once more at `w − 16` for a partial tail
/// (blocks write independent columns, so the overlap rewrites equal values). Needs `w ≥ 16`.
#[inline(always)]
pub(super) fn for_blocks(w: usize, mut block: impl FnMut(usize)) {
    debug_assert!(w >= 16);
    let mut j = 0;
    while j + 16 <= w {
        block(j);
        j += 16;
    }
    if j < w {
        block(w - 16);
    }
}

/// The statistic of one scale (see [`scalar::vif_statistic`]).
///
/// # Safety
/// AVX2; for `u8`, `FW == 17` and `bpc == 8`.
#[target_feature(enable = "avx2")]
unsafe fn statistic<T: Sample, const FW: usize>(
    p: &PlanePair<'_, T>,
    bpc: u32,
    egl: f64,
    s: &mut Scratch,
) -> VifAccum {
    let (w, h) = (p.width(), p.height());
    let half = FW / 2;
    let scale = scale_of(FW);
    let rs = lane_row_len(s.width);
    assert!(w <= s.width, "scratch narrower than the plane");
    assert!(w > half && h > half, "plane smaller than the filter");
    let table32 = log2_table32();
    let shifts = vertical_shifts(scale, bpc);
    let lanes = &mut s.lanes[..STREAMS * rs];
    let sig = &mut s.sigma[..];
    let mut acc = VifAccum::default();
    // SAFETY: AVX2 is guaranteed by the caller. Row pointers come from rows of `w` samples
    // and every vector block reads samples `j..j + 16` with `j + 16 ≤ w`; stream stores write
    // samples `PAD + j..PAD + j + 16 ≤ PAD + w < rs` of each stream's row.
    unsafe {
        let egl_v = _mm256_set1_pd(egl);
        let vsh = VShifts::new(shifts);
        let mut rows_r: [&[T]; FW] = [&[]; FW];
        let mut rows_d: [&[T]; FW] = [&[]; FW];
        for i in 0..h {
            p.tap_rows(i, FW, &mut rows_r, &mut rows_d);
            if w >= 16 {
                let out = lanes.as_mut_ptr();
                let pr: [*const T; FW] = rows_r.map(|r| r.as_ptr());
                let pd: [*const T; FW] = rows_d.map(|r| r.as_ptr());
                for_blocks(w, |j| {
                    T::stat_vertical::<FW, ALL>(&pr, &pd, j, out, rs, &vsh)
                });
            } else {
                for j in 0..w {
                    vertical_column(&rows_r, &rows_d, FILTERS[scale], j, shifts, lanes, rs);
                }
            }
            pad_streams(lanes, rs, STREAMS, w, half);
            horizontal_row::<FW>(lanes, rs, w, sig);
            let n = w.next_multiple_of(16);
            let (s1, rest) = sig.split_at(n);
            let (s2, s12) = rest.split_at(n);
            terms_row::<true, true>(s1, s2, s12, w, table32, egl_v, &mut acc);
        }
    }
    acc
}

/// Vertical pass of the decimation for pixels `j..j + 16`: the biased filtered samples of
/// both planes (`BOTH`) go to streams 0 and 1, or of the distorted one only to stream 1 (`rr`
/// unread).
///
/// # Safety
/// AVX2, 16 readable samples at `rr[k] + j`/`rd[k] + j`, 16 writable samples at
/// `out + s·rs + PAD + j` for `s` in 0..2.
#[inline]
#[target_feature(enable = "avx2")]
#[allow(clippy::too_many_arguments)]
pub(super) unsafe fn decimate_vertical_m<T: Sample, const FW: usize, const BOTH: bool>(
    rr: &[*const T; FW],
    rd: &[*const T; FW],
    j: usize,
    out: *mut u16,
    rs: usize,
    add: u32,
    shift: u32,
) {
    // SAFETY: forwarded from the caller.
    unsafe {
        let z = _mm256_setzero_si256();
        let mut a = [z; 4];
        let mut biased = false;
        for p in 0..FW.div_ceil(2) {
            let (t, wrap) = (const { tap_pairs(FW) }[p].0, wraps(FW, p));
            let t = _mm256_set1_epi32(t);
            if BOTH {
                // the two-plane code as it was before the one-plane variant
                let (r0, b) = T::load16(rr[2 * p].add(j));
                let (d0, _) = T::load16(rd[2 * p].add(j));
                biased = b;
                let (r1, d1) = if 2 * p + 1 < FW {
                    (
                        T::load16(rr[2 * p + 1].add(j)).0,
                        T::load16(rd[2 * p + 1].add(j)).0,
                    )
                } else {
                    (z, z)
                };
                a[0] = _mm256_add_epi32(a[0], madd(_mm256_unpacklo_epi16(r0, r1), t, wrap));
                a[1] = _mm256_add_epi32(a[1], madd(_mm256_unpackhi_epi16(r0, r1), t, wrap));
                a[2] = _mm256_add_epi32(a[2], madd(_mm256_unpacklo_epi16(d0, d1), t, wrap));
                a[3] = _mm256_add_epi32(a[3], madd(_mm256_unpackhi_epi16(d0, d1), t, wrap));
            } else {
                let (d0, b) = T::load16(rd[2 * p].add(j));
                biased = b;
                let d1 = if 2 * p + 1 < FW {
                    T::load16(rd[2 * p + 1].add(j)).0
                } else {
                    z
                };
                a[2] = _mm256_add_epi32(a[2], madd(_mm256_unpacklo_epi16(d0, d1), t, wrap));
                a[3] = _mm256_add_epi32(a[3], madd(_mm256_unpackhi_epi16(d0, d1), t, wrap));
            }
        }
        let c = add.wrapping_add(if biased { 1 << 31 } else { 0 });
        let c = _mm256_set1_epi32(c as i32);
        let sh = _mm_cvtsi32_si128(shift as i32);
        let f = |v: __m256i| _mm256_srl_epi32(_mm256_add_epi32(v, c), sh);
        let o = out.add(PAD + j);
        if BOTH {
            store_biased(o, f(a[0]), f(a[1]));
        }
        store_biased(o.add(rs), f(a[2]), f(a[3]));
    }
}

/// Horizontal pass of the decimation at even columns: writes the `w / 2` samples of both
/// planes' output rows (`BOTH`) or of the distorted one (`dst_r` untouched).
///
/// # Safety
/// AVX2.
#[target_feature(enable = "avx2")]
unsafe fn decimate_horizontal<const FW: usize, const BOTH: bool>(
    lanes: &[u16],
    rs: usize,
    w: usize,
    dst_r: &mut [u16],
    dst_d: &mut [u16],
) {
    let half = FW / 2;
    let dw = w / 2;
    assert!((!BOTH || dst_r.len() >= dw) && dst_d.len() >= dw);
    debug_assert!(lanes.len() >= 2 * rs && PAD + w + 16 + FW + 16 <= rs);
    // SAFETY: AVX2 is guaranteed by the caller. Loads read 16 samples from
    // `s·rs + PAD + 2·(dj + 8·b) − half + 2p` with dj < dw, b ≤ 1, 2p ≤ FW, so below
    // `s·rs + PAD + w + 16 + FW + 16 ≤ (s + 1)·rs` (checked above); stores write 16 samples at
    // `dj` when `dj + 16 ≤ dw`, else go through `tmp`.
    unsafe {
        let src = lanes.as_ptr();
        let c = _mm256_set1_epi32(i32::MIN.wrapping_add(32768));
        let mut dj = 0;
        while dj < dw {
            let planes = [&mut *dst_r, &mut *dst_d].into_iter().enumerate();
            for (s, dst) in planes.skip(if BOTH { 0 } else { 1 }) {
                let mut v = [_mm256_setzero_si256(); 2];
                for (b, v) in v.iter_mut().enumerate() {
                    let base = s * rs + PAD + 2 * (dj + 8 * b) - half;
                    let mut acc = _mm256_setzero_si256();
                    for p in 0..FW.div_ceil(2) {
                        let (t, wrap) = (const { tap_pairs(FW) }[p].0, wraps(FW, p));
                        let x = _mm256_loadu_si256(src.add(base + 2 * p) as *const __m256i);
                        acc = _mm256_add_epi32(acc, madd(x, _mm256_set1_epi32(t), wrap));
                    }
                    *v = _mm256_srli_epi32(_mm256_add_epi32(acc, c), 16);
                }
                let packed =
                    _mm256_permute4x64_epi64::<0b11_01_10_00>(_mm256_packus_epi32(v[0], v[1]));
                if dj + 16 <= dw {
                    _mm256_storeu_si256(dst.as_mut_ptr().add(dj) as *mut __m256i, packed);
                } else {
                    let mut tmp = [0u16; 16];
                    _mm256_storeu_si256(tmp.as_mut_ptr() as *mut __m256i, packed);
                    dst[dj..dw].copy_from_slice(&tmp[..dw - dj]);
                }
            }
            dj += 16;
        }
    }
}

/// Decimation to `FW`'s scale (see [`scalar::decimate`]) of both planes (`BOTH`) or of the
/// distorted one only (`dst_ref` untouched).
///
/// # Safety
/// AVX2.
#[target_feature(enable = "avx2")]
unsafe fn decimate<T: Sample, const FW: usize, const BOTH: bool>(
    p: &PlanePair<'_, T>,
    bpc: u32,
    dst_ref: &mut [u16],
    dst_dis: &mut [u16],
    s: &mut Scratch,
) {
    let (w, h) = (p.width(), p.height());
    let half = FW / 2;
    let to_scale = scale_of(FW);
    let (add, shift) = if to_scale == 1 {
        (1u32 << (bpc - 1), bpc)
    } else {
        (32768, 16)
    };
    let rs = lane_row_len(s.width);
    assert!(w <= s.width, "scratch narrower than the plane");
    assert!(w > half && h > half, "plane smaller than the filter");
    let (dw, dh) = (w / 2, h / 2);
    assert!(
        (!BOTH || dst_ref.len() >= dw * dh) && dst_dis.len() >= dw * dh,
        "destination too small"
    );
    let lanes = &mut s.lanes[..2 * rs];
    let mut rows_r: [&[T]; FW] = [&[]; FW];
    let mut rows_d: [&[T]; FW] = [&[]; FW];
    for di in 0..dh {
        p.tap_rows(2 * di, FW, &mut rows_r, &mut rows_d);
        if w >= 16 {
            let out = lanes.as_mut_ptr();
            let pr: [*const T; FW] = rows_r.map(|r| r.as_ptr());
            let pd: [*const T; FW] = rows_d.map(|r| r.as_ptr());
            // SAFETY: AVX2 is guaranteed by the caller; blocks read samples `j..j + 16 ≤ w` of
            // the rows and write samples `PAD + j..PAD + j + 16 < rs` of streams 0 and 1.
            for_blocks(w, |j| unsafe {
                decimate_vertical_m::<T, FW, BOTH>(&pr, &pd, j, out, rs, add, shift)
            });
        } else {
            let filt = FILTERS[to_scale];
            for j in 0..w {
                let (mut a_r, mut a_d) = (0u32, 0u32);
                for (k, &f) in filt.iter().enumerate() {
                    a_r = a_r.wrapping_add((f as u32).wrapping_mul(rows_r[k][j].into()));
                    a_d = a_d.wrapping_add((f as u32).wrapping_mul(rows_d[k][j].into()));
                }
                lanes[PAD + j] = (a_r.wrapping_add(add) >> shift) as u16 ^ 0x8000;
                lanes[rs + PAD + j] = (a_d.wrapping_add(add) >> shift) as u16 ^ 0x8000;
            }
        }
        pad_streams(lanes, rs, 2, w, half);
        let row_r = if BOTH {
            &mut dst_ref[di * dw..(di + 1) * dw]
        } else {
            &mut []
        };
        let row_d = &mut dst_dis[di * dw..(di + 1) * dw];
        // SAFETY: AVX2 is guaranteed by the caller.
        unsafe { decimate_horizontal::<FW, BOTH>(lanes, rs, w, row_r, row_d) };
    }
}

fn check_avx2() {
    assert!(
        is_x86_feature_detected!("avx2"),
        "AVX2 kernel on a CPU without AVX2"
    );
}

/// AVX2 statistic of 8-bit planes.
///
/// Only 8-bit scale 0 has a vector path (decimated scales are 16-bit); other scales or depths
/// run the portable kernels.
pub fn statistic_u8(
    p: &PlanePair<'_, u8>,
    scale: usize,
    bpc: u32,
    egl: f64,
    s: &mut Scratch,
) -> VifAccum {
    check_avx2();
    if scale != 0 || bpc != 8 {
        return (super::Kernels::portable().statistic_u8)(p, scale, bpc, egl, s);
    }
    // SAFETY: AVX2 is present (checked above); u8 runs with FW = 17 and bpc = 8.
    unsafe { statistic::<u8, 17>(p, bpc, egl, s) }
}

/// AVX2 statistic of 16-bit planes at any scale and depth.
pub fn statistic_u16(
    p: &PlanePair<'_, u16>,
    scale: usize,
    bpc: u32,
    egl: f64,
    s: &mut Scratch,
) -> VifAccum {
    check_avx2();
    // SAFETY: AVX2 is present (checked above).
    unsafe {
        match scale {
            0 => statistic::<u16, 17>(p, bpc, egl, s),
            1 => statistic::<u16, 9>(p, bpc, egl, s),
            2 => statistic::<u16, 5>(p, bpc, egl, s),
            3 => statistic::<u16, 3>(p, bpc, egl, s),
            _ => panic!("integer VIF has scales 0..=3, not {scale}"),
        }
    }
}

/// AVX2 decimation of 8-bit planes.
pub fn decimate_u8(
    p: &PlanePair<'_, u8>,
    to_scale: usize,
    bpc: u32,
    dst_ref: &mut [u16],
    dst_dis: &mut [u16],
    s: &mut Scratch,
) {
    check_avx2();
    // SAFETY: AVX2 is present (checked above).
    unsafe { decimate_dispatch(p, to_scale, bpc, dst_ref, dst_dis, s) }
}

/// AVX2 decimation of 16-bit planes.
pub fn decimate_u16(
    p: &PlanePair<'_, u16>,
    to_scale: usize,
    bpc: u32,
    dst_ref: &mut [u16],
    dst_dis: &mut [u16],
    s: &mut Scratch,
) {
    check_avx2();
    // SAFETY: AVX2 is present (checked above).
    unsafe { decimate_dispatch(p, to_scale, bpc, dst_ref, dst_dis, s) }
}

/// # Safety
/// AVX2.
#[target_feature(enable = "avx2")]
unsafe fn decimate_dispatch<T: Sample>(
    p: &PlanePair<'_, T>,
    to_scale: usize,
    bpc: u32,
    dst_ref: &mut [u16],
    dst_dis: &mut [u16],
    s: &mut Scratch,
) {
    // SAFETY: forwarded from the caller.
    unsafe {
        match to_scale {
            1 => decimate::<T, 9, true>(p, bpc, dst_ref, dst_dis, s),
            2 => decimate::<T, 5, true>(p, bpc, dst_ref, dst_dis, s),
            3 => decimate::<T, 3, true>(p, bpc, dst_ref, dst_dis, s),
            _ => panic!("integer VIF decimates to scales 1..=3, not {to_scale}"),
        }
    }
}

shared_entry_points!("AVX2", check_avx2, Sample, "avx2");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tap_pairs_and_wrap_flags() {
        for fw in [17, 9, 5, 3] {
            let filt = FILTERS[scale_of(fw)];
            assert_eq!(filt.len(), fw);
            let pairs = tap_pairs(fw);
            for p in 0..fw.div_ceil(2) {
                assert_eq!(pairs[p], pair_taps(filt, p), "fw {fw} pair {p}");
                // the flag the kernels use is the table's
                assert_eq!(wraps(fw, p), pairs[p].1, "fw {fw} pair {p}");
                // a pair's taps, read back as signed halves (+65536 where wrapped)
                let lo = pairs[p].0 as u32 & 0xffff;
                let hi = (pairs[p].0 as u32 >> 16) as u16 as i16 as i32;
                let hi = if pairs[p].1 { hi + 65536 } else { hi };
                assert_eq!(lo, filt[2 * p] as u32);
                assert_eq!(hi, filt.get(2 * p + 1).map_or(0, |&t| t as i32));
            }
        }
    }
}
