//! AVX2 twins of the integer ADM kernels in [`super::scalar`], bit-exact with them on every
//! input (the parity tests in `metrics/tests/adm_simd.rs` compare them at every width, tail
//! length and extreme value).
//!
//! How exactness is kept with 16- and 32-bit lanes where the scalar code uses `i64`:
//! * **DWT.** Scale 0: `madd` of sample pairs with tap pairs (every product and pair sum fits
//!   `i32`; wider sums wrap exactly as the scalar `wrapping_add`s do; 16-bit samples are biased
//!   by -32768 and the bias is folded into the rounding constant). Scales 1–3: an `i32` value
//!   `v` is split into `h = v >> 16` and `l = (v & 0xffff) - 32768`, both `i16`, so
//!   `sum(T * v) = 65536 * A + B + 32768 * sum(T)` with `A = sum(T * h)`, `B = sum(T * l)`
//!   exact `madd`s; `(sum + add) >> sh` (sh <= 16) is then `(A << (16 - sh)) + K_hi +
//!   ((B + K_lo) >> sh)` in wrapping `i32`, which is the low 32 bits of the `i64` result,
//!   i.e. the scalar `as i32`. The vertical pass stores its rows already split.
//! * **Decouple.** The angle test is evaluated in `f64` from exactly rounded `f32` dot products
//!   (scale 0: `madd`, exact; scales 1–3: `f64` products, exact while every band value is below
//!   2^26 in magnitude, otherwise that group of 8 pixels takes the scalar test). The reciprocal
//!   comes from the same `div_lookup` table (gathered); `k = (R * t + 2^14) >> 15` is computed
//!   exactly as `(R >> 15) * t + (((R & 0x7fff) * t + 2^14) >> 15)` at scale 0 and in `i64`
//!   lanes at scales 1–3. The enhancement `min(rst * egl, t)` truncates in `f64` like C, or
//!   in saturating integer arithmetic when `egl` is an integer (same result: truncation is
//!   monotone and the bound `t` fits `i16`).
//! * **CM / CSF denominator.** Cubes are formed in 64-bit lanes; the arithmetic right shift
//!   AVX2 lacks is `srli(v + 2^63, s) - 2^(63 - s)`, the constant being removed once per row.
//!   Row sums wrap like the scalar ones.
//!
//! Regions narrower than one vector fall back to the scalar kernel for that call; the last
//! vector of a row overlaps the previous one (map kernels recompute, reductions mask).

use std::arch::x86_64::*;

use super::kernels::{BandSrc, Src};
use super::scalar::{self, Bands, Hvd};
use super::tables::{DWT_HI, DWT_LO, DWT_LO_SUM};

pub use crate::cpu::Avx2;

/// `i32` lane holding the `madd` tap pair (a for the even sample, b for the odd one).
const fn pair(a: i32, b: i32) -> i32 {
    (b << 16) | (a & 0xffff)
}
const LO01: i32 = pair(DWT_LO[0], DWT_LO[1]);
const LO23: i32 = pair(DWT_LO[2], DWT_LO[3]);
const HI01: i32 = pair(DWT_HI[0], DWT_HI[1]);
const HI23: i32 = pair(DWT_HI[2], DWT_HI[3]);
const DWT_HI_SUM: i32 = DWT_HI[0] + DWT_HI[1] + DWT_HI[2] + DWT_HI[3];

// ---------------------------------------------------------------------------------------------
// Loads and stores (bounds-checked slices; the only `unsafe` is the unaligned access itself).

#[inline(always)]
fn ld16(s: &[i16], i: usize) -> __m256i {
    let s = &s[i..i + 16];
    // SAFETY: `s` holds exactly 16 i16 (32 bytes); `loadu` accepts any alignment. The caller
    // is an AVX2-enabled function (this helper is only used inside this module).
    unsafe { _mm256_loadu_si256(s.as_ptr().cast()) }
}

#[inline(always)]
fn ld16u(s: &[u16], i: usize) -> __m256i {
    let s = &s[i..i + 16];
    // SAFETY: 16 u16 = 32 bytes in bounds; unaligned load; AVX2 caller.
    unsafe { _mm256_loadu_si256(s.as_ptr().cast()) }
}

#[inline(always)]
fn ld16b(s: &[u8], i: usize) -> __m128i {
    let s = &s[i..i + 16];
    // SAFETY: 16 bytes in bounds; unaligned load; AVX2 caller.
    unsafe { _mm_loadu_si128(s.as_ptr().cast()) }
}

#[inline(always)]
fn ld8h(s: &[i16], i: usize) -> __m128i {
    let s = &s[i..i + 8];
    // SAFETY: 8 i16 = 16 bytes in bounds; unaligned load; AVX2 caller.
    unsafe { _mm_loadu_si128(s.as_ptr().cast()) }
}

#[inline(always)]
fn ld8(s: &[i32], i: usize) -> __m256i {
    let s = &s[i..i + 8];
    // SAFETY: 8 i32 = 32 bytes in bounds; unaligned load; AVX2 caller.
    unsafe { _mm256_loadu_si256(s.as_ptr().cast()) }
}

#[inline(always)]
fn st16(s: &mut [i16], i: usize, v: __m256i) {
    let s = &mut s[i..i + 16];
    // SAFETY: 16 i16 = 32 bytes in bounds and exclusively borrowed; unaligned store.
    unsafe { _mm256_storeu_si256(s.as_mut_ptr().cast(), v) }
}

#[inline(always)]
fn st8(s: &mut [i32], i: usize, v: __m256i) {
    let s = &mut s[i..i + 8];
    // SAFETY: 8 i32 = 32 bytes in bounds and exclusively borrowed; unaligned store.
    unsafe { _mm256_storeu_si256(s.as_mut_ptr().cast(), v) }
}

/// `table[idx]` for 8 indices, each checked to lie in the table by the caller's construction.
#[inline(always)]
fn gather(table: &[i32], idx: __m256i) -> __m256i {
    assert!(table.len() >= 65537);
    // SAFETY: every index is in 0..=65536 (callers add 32768 to a value in -32768..=32768),
    // and the table has at least 65537 entries (checked above). AVX2 caller.
    unsafe { _mm256_i32gather_epi32::<4>(table.as_ptr(), idx) }
}

/// `floor(2^30 / m)` for 8 lanes `m` in `0..=32768` (0 for `m = 0`): `div_lookup`'s entries
/// without a gather (slow on many x86 cores). `R0 = trunc(2^30 * fl(1/m))` is within 65 of
/// the true `R`; with `r = 2^30 - R0 * m` (exact in `i32`), `R = R0 + floor(r / m)`, and
/// `floor(r * fl(1/m) + 2^-16)` is that floor: `|r / m| <= 66`, so the product is within
/// 2^-16.9 of `r / m`, whose fractional part is 0 or lies in `[1/m, 1 - 1/m]`, at least 2^-15
/// from the next integer.
#[target_feature(enable = "avx2")]
#[inline]
fn recip30(m: __m256i) -> __m256i {
    let mf = _mm256_cvtepi32_ps(m);
    let rcp = _mm256_div_ps(_mm256_set1_ps(1.0), mf);
    let r0 = _mm256_cvttps_epi32(_mm256_mul_ps(rcp, _mm256_set1_ps((1u32 << 30) as f32)));
    let rem = _mm256_sub_epi32(_mm256_set1_epi32(1 << 30), _mm256_mullo_epi32(r0, m));
    let q = _mm256_fmadd_ps_free(_mm256_cvtepi32_ps(rem), rcp, _mm256_set1_ps(2f32.powi(-16)));
    let fix = _mm256_cvttps_epi32(_mm256_floor_ps(q));
    let r = _mm256_add_epi32(r0, fix);
    // m = 0: 1/0 = inf gives garbage; the table holds 0
    _mm256_andnot_si256(_mm256_cmpeq_epi32(m, _mm256_setzero_si256()), r)
}

/// `a * b + c` with two roundings (no FMA: the bound in [`recip30`] allows for both).
#[target_feature(enable = "avx2")]
#[inline]
fn _mm256_fmadd_ps_free(a: __m256, b: __m256, c: __m256) -> __m256 {
    _mm256_add_ps(_mm256_mul_ps(a, b), c)
}

/// Steps over `[start, end)` in blocks of `n`, the last block ending at `end` (it may overlap
/// the previous one). Returns the block starts; `end - start >= n` is required.
#[inline(always)]
pub(super) fn block_starts(start: usize, end: usize, n: usize) -> impl Iterator<Item = usize> {
    debug_assert!(end - start >= n);
    let full = (end - start) / n;
    let tail = !(end - start).is_multiple_of(n);
    (0..full)
        .map(move |b| start + b * n)
        .chain(tail.then_some(end - n))
}

// ---------------------------------------------------------------------------------------------
// Shared vector helpers.

/// Packs two `i32` vectors (lanes 0–7 and 8–15, natural order) to 16 `i16` (saturating).
#[target_feature(enable = "avx2")]
#[inline]
fn pack_nat(a: __m256i, b: __m256i) -> __m256i {
    _mm256_permute4x64_epi64::<0xD8>(_mm256_packs_epi32(a, b))
}

/// Low 16 bits of each `i32` lane of two natural-order vectors, as 16 `i16`.
#[target_feature(enable = "avx2")]
#[inline]
fn trunc_pack_nat(a: __m256i, b: __m256i) -> __m256i {
    let m = _mm256_set1_epi32(0xffff);
    _mm256_permute4x64_epi64::<0xD8>(_mm256_packus_epi32(
        _mm256_and_si256(a, m),
        _mm256_and_si256(b, m),
    ))
}

/// Sign-extends 16 `i16` to two natural-order `i32` vectors.
#[target_feature(enable = "avx2")]
#[inline]
fn widen(v: __m256i) -> (__m256i, __m256i) {
    (
        _mm256_cvtepi16_epi32(_mm256_castsi256_si128(v)),
        _mm256_cvtepi16_epi32(_mm256_extracti128_si256::<1>(v)),
    )
}

/// Combines two 4 x f64 comparison masks (lanes 0–3, 4–7) into one 8 x i32 mask.
#[target_feature(enable = "avx2")]
#[inline]
fn narrow_mask(lo: __m256d, hi: __m256d) -> __m256i {
    let s = _mm256_shuffle_ps::<0x88>(_mm256_castpd_ps(lo), _mm256_castpd_ps(hi));
    _mm256_permute4x64_epi64::<0xD8>(_mm256_castps_si256(s))
}

/// The two 4-lane halves of 8 `f32` as `f64`.
#[target_feature(enable = "avx2")]
#[inline]
fn ps_to_pd(v: __m256) -> (__m256d, __m256d) {
    (
        _mm256_cvtps_pd(_mm256_castps256_ps128(v)),
        _mm256_cvtps_pd(_mm256_extractf128_ps::<1>(v)),
    )
}

/// `ot^2 >= (cos1_sq * oo) * tt` in `f64` for 8 lanes (the angle test without its `ot >= 0`
/// part). libvmaf divides each of ot, oo, tt by 4096 first; scaling by powers of two commutes
/// with every rounding here (no overflow or underflow is possible), so it is left out.
#[target_feature(enable = "avx2")]
#[inline]
fn angle_ge(ot: __m256, oo: __m256, tt: __m256, c: __m256d) -> __m256i {
    let (ot0, ot1) = ps_to_pd(ot);
    let (oo0, oo1) = ps_to_pd(oo);
    let (tt0, tt1) = ps_to_pd(tt);
    let m0 = _mm256_cmp_pd::<_CMP_GE_OQ>(
        _mm256_mul_pd(ot0, ot0),
        _mm256_mul_pd(_mm256_mul_pd(c, oo0), tt0),
    );
    let m1 = _mm256_cmp_pd::<_CMP_GE_OQ>(
        _mm256_mul_pd(ot1, ot1),
        _mm256_mul_pd(_mm256_mul_pd(c, oo1), tt1),
    );
    narrow_mask(m0, m1)
}

/// Sign-extends the even `i32` lanes to `i64`.
#[target_feature(enable = "avx2")]
#[inline]
fn sext_even(x: __m256i) -> __m256i {
    let s = _mm256_srai_epi32::<31>(x);
    _mm256_blend_epi32::<0xAA>(x, _mm256_shuffle_epi32::<0xA0>(s))
}

/// Sign-extends the odd `i32` lanes to `i64`.
#[target_feature(enable = "avx2")]
#[inline]
fn sext_odd(x: __m256i) -> __m256i {
    let s = _mm256_srai_epi32::<31>(x);
    _mm256_blend_epi32::<0xAA>(_mm256_srli_epi64::<32>(x), _mm256_shuffle_epi32::<0xF5>(s))
}

/// Interleaves the low 32 bits of the `i64` lanes of `even` and `odd` back to 8 `i32`.
#[target_feature(enable = "avx2")]
#[inline]
fn join_lo32(even: __m256i, odd: __m256i) -> __m256i {
    _mm256_blend_epi32::<0xAA>(even, _mm256_slli_epi64::<32>(odd))
}

/// Interleaves the high 32 bits of the `i64` lanes of `even` and `odd` back to 8 `i32`.
#[target_feature(enable = "avx2")]
#[inline]
fn join_hi32(even: __m256i, odd: __m256i) -> __m256i {
    _mm256_blend_epi32::<0xAA>(_mm256_srli_epi64::<32>(even), odd)
}

/// Arithmetic right shift of `i64` lanes by per-lane counts (0..=63).
#[target_feature(enable = "avx2")]
#[inline]
fn srav64(v: __m256i, n: __m256i) -> __m256i {
    let m = _mm256_cmpgt_epi64(_mm256_setzero_si256(), v);
    _mm256_xor_si256(_mm256_srlv_epi64(_mm256_xor_si256(v, m), n), m)
}

/// Sum of the four `u64` lanes (wrapping).
#[target_feature(enable = "avx2")]
#[inline]
fn hsum64(v: __m256i) -> u64 {
    let s = _mm_add_epi64(_mm256_castsi256_si128(v), _mm256_extracti128_si256::<1>(v));
    (_mm_cvtsi128_si64(s) as u64).wrapping_add(_mm_extract_epi64::<1>(s) as u64)
}

/// `(A << (16 - sh)) + K_hi + ((B + K_lo) >> sh)`: the low 32 bits of `(65536 A + B + K) >> sh`
/// (see the module notes), `K = K_hi * 2^sh + K_lo`.
#[derive(Clone, Copy)]
struct Recombine {
    up: __m128i,
    sh: __m128i,
    k_hi: __m256i,
    k_lo: __m256i,
}

impl Recombine {
    /// For taps summing to `tap_sum`, rounding add `add` and shift `sh` (<= 16).
    #[target_feature(enable = "avx2")]
    fn new(tap_sum: i32, add: i64, sh: u32) -> Recombine {
        let k = 32768 * tap_sum as i64 + add;
        Recombine {
            up: _mm_cvtsi32_si128(16 - sh as i32),
            sh: _mm_cvtsi32_si128(sh as i32),
            k_hi: _mm256_set1_epi32((k >> sh) as i32),
            k_lo: _mm256_set1_epi32((k & ((1 << sh) - 1)) as i32),
        }
    }
    #[target_feature(enable = "avx2")]
    #[inline]
    fn apply(&self, a: __m256i, b: __m256i) -> __m256i {
        let hi = _mm256_add_epi32(_mm256_sll_epi32(a, self.up), self.k_hi);
        _mm256_add_epi32(
            hi,
            _mm256_sra_epi32(_mm256_add_epi32(b, self.k_lo), self.sh),
        )
    }
}

/// Stores 16 `i32` (two natural-order vectors) split into `h = v >> 16` and
/// `l = (v & 0xffff) - 32768` rows at `i`.
#[target_feature(enable = "avx2")]
#[inline]
fn split_store(y0: __m256i, y1: __m256i, th: &mut [i16], tl: &mut [i16], i: usize) {
    st16(
        th,
        i,
        pack_nat(_mm256_srai_epi32::<16>(y0), _mm256_srai_epi32::<16>(y1)),
    );
    let m = _mm256_set1_epi32(0xffff);
    let b = _mm256_set1_epi32(32768);
    st16(
        tl,
        i,
        pack_nat(
            _mm256_sub_epi32(_mm256_and_si256(y0, m), b),
            _mm256_sub_epi32(_mm256_and_si256(y1, m), b),
        ),
    );
}

/// Like [`split_store`] for two vectors in `unpacklo/hi_epi16` order (no lane fix-up).
#[target_feature(enable = "avx2")]
#[inline]
fn split_store_unpacked(yl: __m256i, yh: __m256i, th: &mut [i16], tl: &mut [i16], i: usize) {
    st16(
        th,
        i,
        _mm256_packs_epi32(_mm256_srai_epi32::<16>(yl), _mm256_srai_epi32::<16>(yh)),
    );
    let m = _mm256_set1_epi32(0xffff);
    let b = _mm256_set1_epi32(32768);
    st16(
        tl,
        i,
        _mm256_packs_epi32(
            _mm256_sub_epi32(_mm256_and_si256(yl, m), b),
            _mm256_sub_epi32(_mm256_and_si256(yh, m), b),
        ),
    );
}

/// Mirrors a row stored at offset 1 (`row[1..=n]`) into its pads: `row[0]` = sample 1,
/// `row[n + 1]` = sample n - 1, `row[n + 2]` = sample n - 2 (dwt_indices' mirroring).
pub(super) fn pad_row(row: &mut [i16], n: usize) {
    row[0] = row[2];
    row[n + 1] = row[n];
    row[n + 2] = row[n - 1];
}

// ---------------------------------------------------------------------------------------------
// Scale-0 DWT.

impl Avx2 {
    /// [`scalar::dwt_scale0`] (`ind_x` implied: `dwt_indices(w)`). `tmp` rows hold at least
    /// `w + 3` samples; `w >= 32`.
    #[allow(clippy::too_many_arguments)]
    pub fn dwt_scale0(
        self,
        src: Src<'_>,
        src_stride: usize,
        w: usize,
        bpc: u32,
        ind_y: &[[usize; 4]],
        tmp: &mut [Vec<i16>; 4],
        out: &mut Bands<i16>,
        out_stride: usize,
        lo_only: bool,
    ) {
        // SAFETY: `self` proves AVX2 support.
        unsafe {
            dwt_scale0(
                src, src_stride, w, bpc, ind_y, tmp, out, out_stride, lo_only,
            )
        }
    }
}

#[target_feature(enable = "avx2")]
#[allow(clippy::too_many_arguments)]
fn dwt_scale0(
    src: Src<'_>,
    src_stride: usize,
    w: usize,
    bpc: u32,
    ind_y: &[[usize; 4]],
    tmp: &mut [Vec<i16>; 4],
    out: &mut Bands<i16>,
    out_stride: usize,
    lo_only: bool,
) {
    assert!(w >= 32);
    let w_out = w.div_ceil(2);
    let add_v = 1i32 << (bpc - 1);
    let sh = _mm_cvtsi32_si128(bpc as i32);
    let (lo01, lo23) = (_mm256_set1_epi32(LO01), _mm256_set1_epi32(LO23));
    let (hi01, hi23) = (_mm256_set1_epi32(HI01), _mm256_set1_epi32(HI23));
    let k_hi = _mm256_set1_epi32(add_v);
    let [tlo, thi, ..] = tmp;
    for (i, iy) in ind_y.iter().enumerate() {
        // vertical pass into tlo/thi[1..=w]
        let k_lo = match src {
            Src::U8(_) => add_v.wrapping_sub(DWT_LO_SUM * add_v),
            // u16 samples enter biased by -32768: add 32768 * sum(LO) back (sum(HI) = 0).
            Src::U16(_) => add_v
                .wrapping_sub(DWT_LO_SUM * add_v)
                .wrapping_add(32768 * DWT_LO_SUM),
        };
        let k_lo = _mm256_set1_epi32(k_lo);
        let mut vert = |j: usize, s: [__m256i; 4]| {
            let p01l = _mm256_unpacklo_epi16(s[0], s[1]);
            let p01h = _mm256_unpackhi_epi16(s[0], s[1]);
            let p23l = _mm256_unpacklo_epi16(s[2], s[3]);
            let p23h = _mm256_unpackhi_epi16(s[2], s[3]);
            let fl = |t01, t23, k| {
                let l =
                    _mm256_add_epi32(_mm256_madd_epi16(p01l, t01), _mm256_madd_epi16(p23l, t23));
                let h =
                    _mm256_add_epi32(_mm256_madd_epi16(p01h, t01), _mm256_madd_epi16(p23h, t23));
                _mm256_packs_epi32(
                    _mm256_sra_epi32(_mm256_add_epi32(l, k), sh),
                    _mm256_sra_epi32(_mm256_add_epi32(h, k), sh),
                )
            };
            st16(tlo, j + 1, fl(lo01, lo23, k_lo));
            if !lo_only {
                st16(thi, j + 1, fl(hi01, hi23, k_hi));
            }
        };
        match src {
            Src::U8(p) => {
                let r = iy.map(|r| &p[r * src_stride..r * src_stride + w]);
                for j in block_starts(0, w, 16) {
                    let s = [
                        _mm256_cvtepu8_epi16(ld16b(r[0], j)),
                        _mm256_cvtepu8_epi16(ld16b(r[1], j)),
                        _mm256_cvtepu8_epi16(ld16b(r[2], j)),
                        _mm256_cvtepu8_epi16(ld16b(r[3], j)),
                    ];
                    vert(j, s);
                }
            }
            Src::U16(p) => {
                let r = iy.map(|r| &p[r * src_stride..r * src_stride + w]);
                let bias = _mm256_set1_epi16(i16::MIN);
                for j in block_starts(0, w, 16) {
                    let s = [
                        _mm256_xor_si256(ld16u(r[0], j), bias),
                        _mm256_xor_si256(ld16u(r[1], j), bias),
                        _mm256_xor_si256(ld16u(r[2], j), bias),
                        _mm256_xor_si256(ld16u(r[3], j), bias),
                    ];
                    vert(j, s);
                }
            }
        }
        pad_row(tlo, w);
        if !lo_only {
            pad_row(thi, w);
        }
        // horizontal pass
        let o = i * out_stride;
        dwt0_horiz(tlo, thi, w_out, out, o, lo_only);
    }
}

/// Horizontal scale-0 pass over padded rows (`lo[k]` = vertical output `k - 1`).
#[target_feature(enable = "avx2")]
fn dwt0_horiz(lo: &[i16], hi: &[i16], w_out: usize, out: &mut Bands<i16>, o: usize, lo_only: bool) {
    let (lo01, lo23) = (_mm256_set1_epi32(LO01), _mm256_set1_epi32(LO23));
    let (hi01, hi23) = (_mm256_set1_epi32(HI01), _mm256_set1_epi32(HI23));
    let rnd = _mm256_set1_epi32(32768);
    let filt = |a0: __m256i, b0: __m256i, a1: __m256i, b1: __m256i, t01, t23| {
        let x0 = _mm256_add_epi32(_mm256_madd_epi16(a0, t01), _mm256_madd_epi16(b0, t23));
        let x1 = _mm256_add_epi32(_mm256_madd_epi16(a1, t01), _mm256_madd_epi16(b1, t23));
        pack_nat(
            _mm256_srai_epi32::<16>(_mm256_add_epi32(x0, rnd)),
            _mm256_srai_epi32::<16>(_mm256_add_epi32(x1, rnd)),
        )
    };
    let [a, h, v, d] = {
        let Bands { a, hvd: [h, v, d] } = out;
        [a, h, v, d].map(|b| &mut b[o..o + w_out])
    };
    for j in block_starts(0, w_out, 16) {
        let b = 2 * j;
        let (la0, lb0, la1, lb1) = (
            ld16(lo, b),
            ld16(lo, b + 2),
            ld16(lo, b + 16),
            ld16(lo, b + 18),
        );
        st16(a, j, filt(la0, lb0, la1, lb1, lo01, lo23));
        if lo_only {
            continue;
        }
        st16(v, j, filt(la0, lb0, la1, lb1, hi01, hi23));
        let (ha0, hb0, ha1, hb1) = (
            ld16(hi, b),
            ld16(hi, b + 2),
            ld16(hi, b + 16),
            ld16(hi, b + 18),
        );
        st16(h, j, filt(ha0, hb0, ha1, hb1, lo01, lo23));
        st16(d, j, filt(ha0, hb0, ha1, hb1, hi01, hi23));
    }
}

// ---------------------------------------------------------------------------------------------
// Scale 1–3 DWT.

impl Avx2 {
    /// [`scalar::dwt_s123`] (`ind_x` implied). `tmp` rows hold at least `w + 3` samples.
    /// Falls back to the scalar kernel when `w < 16`.
    #[allow(clippy::too_many_arguments)]
    pub fn dwt_s123(
        self,
        src: BandSrc<'_>,
        src_stride: usize,
        w: usize,
        scale: usize,
        ind_y: &[[usize; 4]],
        ind_x: &[[usize; 4]],
        tmp: &mut [Vec<i16>; 4],
        tmp32: &mut [Vec<i32>; 2],
        out: &mut Bands<i32>,
        out_stride: usize,
    ) {
        if w < 16 {
            let [lo, hi] = tmp32;
            match src {
                BandSrc::I16(s) => scalar::dwt_s123(
                    s, src_stride, w, scale, ind_y, ind_x, lo, hi, out, out_stride,
                ),
                BandSrc::I32(s) => scalar::dwt_s123(
                    s, src_stride, w, scale, ind_y, ind_x, lo, hi, out, out_stride,
                ),
            }
            return;
        }
        // SAFETY: `self` proves AVX2 support.
        unsafe { dwt_s123(src, src_stride, w, scale, ind_y, tmp, out, out_stride) }
    }
}

#[target_feature(enable = "avx2")]
#[allow(clippy::too_many_arguments)]
fn dwt_s123(
    src: BandSrc<'_>,
    src_stride: usize,
    w: usize,
    scale: usize,
    ind_y: &[[usize; 4]],
    tmp: &mut [Vec<i16>; 4],
    out: &mut Bands<i32>,
    out_stride: usize,
) {
    let ((add_v, sh_v), (add_h, sh_h)) = scalar::S123_ROUND[scale - 1];
    let w_out = w.div_ceil(2);
    let (lo01, lo23) = (_mm256_set1_epi32(LO01), _mm256_set1_epi32(LO23));
    let (hi01, hi23) = (_mm256_set1_epi32(HI01), _mm256_set1_epi32(HI23));
    let rv_lo = Recombine::new(DWT_LO_SUM, add_v, sh_v);
    let rv_hi = Recombine::new(DWT_HI_SUM, add_v, sh_v);
    let rh_lo = Recombine::new(DWT_LO_SUM, add_h, sh_h);
    let rh_hi = Recombine::new(DWT_HI_SUM, add_h, sh_h);
    let [th_lo, tl_lo, th_hi, tl_hi] = tmp;
    for (i, iy) in ind_y.iter().enumerate() {
        match src {
            BandSrc::I16(p) => {
                // i16 input, no rounding (scale 1): the sums are exact in i32.
                debug_assert_eq!((add_v, sh_v), (0, 0));
                let r = iy.map(|r| &p[r * src_stride..r * src_stride + w]);
                for j in block_starts(0, w, 16) {
                    let s = [ld16(r[0], j), ld16(r[1], j), ld16(r[2], j), ld16(r[3], j)];
                    let p01l = _mm256_unpacklo_epi16(s[0], s[1]);
                    let p01h = _mm256_unpackhi_epi16(s[0], s[1]);
                    let p23l = _mm256_unpacklo_epi16(s[2], s[3]);
                    let p23h = _mm256_unpackhi_epi16(s[2], s[3]);
                    let f = |t01, t23| {
                        (
                            _mm256_add_epi32(
                                _mm256_madd_epi16(p01l, t01),
                                _mm256_madd_epi16(p23l, t23),
                            ),
                            _mm256_add_epi32(
                                _mm256_madd_epi16(p01h, t01),
                                _mm256_madd_epi16(p23h, t23),
                            ),
                        )
                    };
                    let (yl, yh) = f(lo01, lo23);
                    split_store_unpacked(yl, yh, th_lo, tl_lo, j + 1);
                    let (yl, yh) = f(hi01, hi23);
                    split_store_unpacked(yl, yh, th_hi, tl_hi, j + 1);
                }
            }
            BandSrc::I32(p) => {
                let r = iy.map(|r| &p[r * src_stride..r * src_stride + w]);
                let bias = _mm256_set1_epi32(0x8000_8000u32 as i32);
                for j in block_starts(0, w, 16) {
                    let mut y = [[_mm256_setzero_si256(); 2]; 2];
                    for (half, yh) in y.iter_mut().enumerate() {
                        let c = j + 8 * half;
                        let v = [ld8(r[0], c), ld8(r[1], c), ld8(r[2], c), ld8(r[3], c)];
                        // (h0, h1) and (l0, l1) pairs per column, l biased to i16
                        let h01 = _mm256_blend_epi16::<0xAA>(_mm256_srli_epi32::<16>(v[0]), v[1]);
                        let h23 = _mm256_blend_epi16::<0xAA>(_mm256_srli_epi32::<16>(v[2]), v[3]);
                        let l01 = _mm256_xor_si256(
                            _mm256_blend_epi16::<0xAA>(v[0], _mm256_slli_epi32::<16>(v[1])),
                            bias,
                        );
                        let l23 = _mm256_xor_si256(
                            _mm256_blend_epi16::<0xAA>(v[2], _mm256_slli_epi32::<16>(v[3])),
                            bias,
                        );
                        let f = |t01, t23, r: &Recombine| {
                            r.apply(
                                _mm256_add_epi32(
                                    _mm256_madd_epi16(h01, t01),
                                    _mm256_madd_epi16(h23, t23),
                                ),
                                _mm256_add_epi32(
                                    _mm256_madd_epi16(l01, t01),
                                    _mm256_madd_epi16(l23, t23),
                                ),
                            )
                        };
                        yh[0] = f(lo01, lo23, &rv_lo);
                        yh[1] = f(hi01, hi23, &rv_hi);
                    }
                    split_store(y[0][0], y[1][0], th_lo, tl_lo, j + 1);
                    split_store(y[0][1], y[1][1], th_hi, tl_hi, j + 1);
                }
            }
        }
        for r in [&mut *th_lo, &mut *tl_lo, &mut *th_hi, &mut *tl_hi] {
            pad_row(r, w);
        }
        // horizontal pass: 8 outputs per step
        let o = i * out_stride;
        let Bands { a, hvd: [h, v, d] } = &mut *out;
        let (a, h, v, d) = (
            &mut a[o..o + w_out],
            &mut h[o..o + w_out],
            &mut v[o..o + w_out],
            &mut d[o..o + w_out],
        );
        for j in block_starts(0, w_out, 8) {
            let b = 2 * j;
            let f = |th: &[i16], tl: &[i16], t01, t23, r: &Recombine| {
                r.apply(
                    _mm256_add_epi32(
                        _mm256_madd_epi16(ld16(th, b), t01),
                        _mm256_madd_epi16(ld16(th, b + 2), t23),
                    ),
                    _mm256_add_epi32(
                        _mm256_madd_epi16(ld16(tl, b), t01),
                        _mm256_madd_epi16(ld16(tl, b + 2), t23),
                    ),
                )
            };
            st8(a, j, f(th_lo, tl_lo, lo01, lo23, &rh_lo));
            st8(v, j, f(th_lo, tl_lo, hi01, hi23, &rh_hi));
            st8(h, j, f(th_hi, tl_hi, lo01, lo23, &rh_lo));
            st8(d, j, f(th_hi, tl_hi, hi01, hi23, &rh_hi));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Row helpers. Kernels work on rows of `w` samples indexed by column; a band row `i` of a plane
// with stride `s` is `plane[i * s..i * s + w]`.

pub(super) fn rows<T>(p: &Hvd<T>, o: usize, w: usize) -> [&[T]; 3] {
    [&p[0][o..o + w], &p[1][o..o + w], &p[2][o..o + w]]
}

pub(super) fn rows_mut<T>(p: &mut Hvd<T>, o: usize, w: usize) -> [&mut [T]; 3] {
    let [a, b, c] = p;
    [&mut a[o..o + w], &mut b[o..o + w], &mut c[o..o + w]]
}

/// Splits `buf` into `N` rows of `w`.
pub(super) fn split_rows<T, const N: usize>(buf: &mut [T], w: usize) -> [&mut [T]; N] {
    let mut it = buf.chunks_exact_mut(w);
    std::array::from_fn(|_| it.next().expect("buffer holds N rows"))
}

// ---------------------------------------------------------------------------------------------
// Decoupling.

/// How `rst * egl` is truncated: exactly in integers when `egl` is a small integer.
#[derive(Clone, Copy)]
enum Gain {
    Int(__m256i),
    Float(__m256d),
}

impl Gain {
    #[target_feature(enable = "avx2")]
    fn new(egl: f64) -> Gain {
        if egl.fract() == 0.0 && (1.0..=32767.0).contains(&egl) {
            Gain::Int(_mm256_set1_epi32(egl as i32))
        } else {
            Gain::Float(_mm256_set1_pd(egl))
        }
    }

    /// `trunc(rst * egl)` per `i16` lane, saturated to `i16` (16 lanes, natural order).
    #[target_feature(enable = "avx2")]
    #[inline]
    fn apply16(self, rst: __m256i) -> __m256i {
        match self {
            Gain::Int(g) => {
                // (rst, 0) pairs times (egl, 0): exact i32 products; packs saturates.
                let z = _mm256_setzero_si256();
                let l = _mm256_madd_epi16(_mm256_unpacklo_epi16(rst, z), g);
                let h = _mm256_madd_epi16(_mm256_unpackhi_epi16(rst, z), g);
                _mm256_packs_epi32(l, h)
            }
            Gain::Float(g) => {
                let (l, h) = widen(rst);
                pack_nat(mul_trunc(l, g), mul_trunc(h, g))
            }
        }
    }
}

/// `trunc(x * g)` for 8 `i32` lanes in `f64`, clamped to +-2^30 (callers saturate to `i16`).
#[target_feature(enable = "avx2")]
#[inline]
fn mul_trunc(x: __m256i, g: __m256d) -> __m256i {
    let lim = _mm256_set1_pd((1 << 30) as f64);
    let nlim = _mm256_set1_pd(-(1 << 30) as f64);
    let f = |v: __m128i| {
        let y = _mm256_mul_pd(_mm256_cvtepi32_pd(v), g);
        _mm256_cvttpd_epi32(_mm256_max_pd(_mm256_min_pd(y, lim), nlim))
    };
    _mm256_set_m128i(
        f(_mm256_extracti128_si256::<1>(x)),
        f(_mm256_castsi256_si128(x)),
    )
}

/// Scale-0 decoupling of columns `j0..j1` (`j1 - j0 >= 16`) of one row.
#[target_feature(enable = "avx2")]
#[allow(clippy::too_many_arguments)]
fn decouple0_row(
    o: [&[i16]; 3],
    t: [&[i16]; 3],
    j0: usize,
    j1: usize,
    egl: f64,
    cos1_sq: f32,
    div_lookup: &[i32],
    r: [&mut [i16]; 3],
    a: [&mut [i16]; 3],
) {
    let c = _mm256_set1_pd(cos1_sq as f64);
    let gain = Gain::new(egl);
    let min32 = _mm256_set1_epi32(i32::MIN);
    let sign_ps = _mm256_castsi256_ps(min32);
    let off = _mm256_set1_epi32(32768);
    let lo15 = _mm256_set1_epi32(0x7fff);
    let r14 = _mm256_set1_epi32(16384);
    let zero = _mm256_setzero_si256();
    let one16 = _mm256_set1_epi16(1);
    let max16 = _mm256_set1_epi16(i16::MAX);
    for j in block_starts(j0, j1, 16) {
        let ov = [ld16(o[0], j), ld16(o[1], j), ld16(o[2], j)];
        let tv = [ld16(t[0], j), ld16(t[1], j), ld16(t[2], j)];

        // angle flag: exact i32 dot products (only all four = -32768 wraps, to -2^31 for
        // +2^31; oo and tt are never negative, so their f32 is made absolute)
        let ol = _mm256_unpacklo_epi16(ov[0], ov[1]);
        let oh = _mm256_unpackhi_epi16(ov[0], ov[1]);
        let tl = _mm256_unpacklo_epi16(tv[0], tv[1]);
        let th = _mm256_unpackhi_epi16(tv[0], tv[1]);
        let flag8 = |op: __m256i, tp: __m256i| {
            let ot = _mm256_madd_epi16(op, tp);
            let oo = _mm256_madd_epi16(op, op);
            let tt = _mm256_madd_epi16(tp, tp);
            let fix = _mm256_and_ps(_mm256_castsi256_ps(_mm256_cmpeq_epi32(ot, min32)), sign_ps);
            let ot = _mm256_xor_ps(_mm256_cvtepi32_ps(ot), fix);
            let oo = _mm256_andnot_ps(sign_ps, _mm256_cvtepi32_ps(oo));
            let tt = _mm256_andnot_ps(sign_ps, _mm256_cvtepi32_ps(tt));
            let pos = _mm256_castps_si256(_mm256_cmp_ps::<_CMP_GE_OQ>(ot, _mm256_setzero_ps()));
            _mm256_and_si256(pos, angle_ge(ot, oo, tt, c))
        };
        // unpack order in, natural order out
        let flag = _mm256_packs_epi32(flag8(ol, tl), flag8(oh, th));

        for th in 0..3 {
            let (o16, t16) = (ov[th], tv[th]);
            let (o0, o1) = widen(o16);
            let (t0, t1) = widen(t16);
            let k = |o32: __m256i, t32: __m256i| {
                let rcp = gather(div_lookup, _mm256_add_epi32(o32, off));
                // (R * t + 2^14) >> 15 = (R >> 15) * t + (((R & 0x7fff) * t + 2^14) >> 15)
                let hi = _mm256_mullo_epi32(_mm256_srai_epi32::<15>(rcp), t32);
                let lo = _mm256_mullo_epi32(_mm256_and_si256(rcp, lo15), t32);
                let k = _mm256_add_epi32(hi, _mm256_srai_epi32::<15>(_mm256_add_epi32(lo, r14)));
                // clamp to [0, 32768], minus one so that it packs to i16 exactly
                _mm256_sub_epi32(
                    _mm256_min_epi32(_mm256_max_epi32(k, zero), off),
                    _mm256_set1_epi32(1),
                )
            };
            let km1 = pack_nat(k(o0, t0), k(o1, t1));
            let full = _mm256_cmpeq_epi16(km1, max16);
            // (k * o + 2^14) >> 15, k = 32768 giving o
            let rst = _mm256_blendv_epi8(
                _mm256_mulhrs_epi16(_mm256_add_epi16(km1, one16), o16),
                o16,
                full,
            );
            let en = _mm256_and_si256(flag, _mm256_cmpgt_epi16(km1, _mm256_set1_epi16(-1)));
            let pos = _mm256_and_si256(en, _mm256_cmpgt_epi16(o16, zero));
            let neg = _mm256_and_si256(en, _mm256_cmpgt_epi16(zero, o16));
            let g = gain.apply16(rst);
            let rst = _mm256_blendv_epi8(rst, _mm256_min_epi16(g, t16), pos);
            let rst = _mm256_blendv_epi8(rst, _mm256_max_epi16(g, t16), neg);
            st16(r[th], j, rst);
            st16(a[th], j, _mm256_sub_epi16(t16, rst));
        }
    }
}

impl Avx2 {
    /// [`scalar::decouple_scale0`]. Falls back to the scalar kernel when the region is
    /// narrower than 16.
    #[allow(clippy::too_many_arguments)]
    pub fn decouple_scale0(
        self,
        rf: &Bands<i16>,
        df: &Bands<i16>,
        stride: usize,
        w: usize,
        h: usize,
        egl: f64,
        cos1_sq: f32,
        div_lookup: &[i32],
        r: &mut Hvd<i16>,
        a: &mut Hvd<i16>,
    ) {
        let reg = scalar::decouple_region(w, h);
        if reg.right - reg.left < 16 {
            return scalar::decouple_scale0(rf, df, stride, w, h, egl, cos1_sq, div_lookup, r, a);
        }
        for i in reg.top..reg.bottom {
            let o = i * stride;
            // SAFETY: `self` proves AVX2 support.
            unsafe {
                decouple0_row(
                    rows(&rf.hvd, o, w),
                    rows(&df.hvd, o, w),
                    reg.left,
                    reg.right,
                    egl,
                    cos1_sq,
                    div_lookup,
                    rows_mut(r, o, w),
                    rows_mut(a, o, w),
                )
            }
        }
    }
}

/// `x` (full-range `i64` lanes) as the nearest `f64` (one rounding): the high 16 bits are
/// placed in the mantissa of `3 * 2^67`, the low 48 in that of `2^52`, and the two exact
/// doubles are added.
#[target_feature(enable = "avx2")]
#[inline]
fn i64_to_f64(x: __m256i) -> __m256d {
    let magic_hi = _mm256_set1_pd(442_721_857_769_029_238_784.0); // 3 * 2^67
    let magic_all = _mm256_set1_pd(442_726_361_368_656_609_280.0); // 3 * 2^67 + 2^52
    let magic_lo = _mm256_set1_pd(4_503_599_627_370_496.0); // 2^52
    let hi = _mm256_blend_epi16::<0x33>(_mm256_srai_epi32::<16>(x), _mm256_setzero_si256());
    let hi = _mm256_add_epi64(hi, _mm256_castpd_si256(magic_hi));
    let lo = _mm256_blend_epi16::<0x88>(x, _mm256_castpd_si256(magic_lo));
    _mm256_add_pd(
        _mm256_sub_pd(_mm256_castsi256_pd(hi), magic_all),
        _mm256_castsi256_pd(lo),
    )
}

/// The `f32` rounding of `i64` lanes, widened back to `f64`, and a mask of the lanes where the
/// `f64` conversion was inexact (|x| >= 2^53) and landed exactly halfway between two `f32`:
/// only there can rounding twice differ from rounding once (every `f32` midpoint is a `f64`,
/// and rounding to `f64` cannot cross one).
#[target_feature(enable = "avx2")]
#[inline]
fn i64_to_f32_as_f64(x: __m256i) -> (__m256d, __m256i) {
    let d = i64_to_f64(x);
    let bits = _mm256_castpd_si256(d);
    let low = _mm256_and_si256(bits, _mm256_set1_epi64x(0x1fff_ffff));
    let tie = _mm256_cmpeq_epi64(low, _mm256_set1_epi64x(0x1000_0000));
    // below 2^53 the conversion was exact, and then one rounding is all there is
    let abs = _mm256_and_si256(bits, _mm256_set1_epi64x(i64::MAX));
    let inexact = _mm256_cmpgt_epi64(abs, _mm256_set1_epi64x(2f64.powi(53).to_bits() as i64 - 1));
    (
        _mm256_cvtps_pd(_mm256_cvtpd_ps(d)),
        _mm256_and_si256(tie, inexact),
    )
}

/// Exact angle flags of 8 pixels at scales 1–3 as an `i32` mask: the `i64` dot products of
/// [`scalar::angle_flag`] (wrapping), rounded to `f32` exactly, compared in `f64`. A group in
/// which some value rounds through an `f64` tie (about one in 2^29) takes the scalar test.
#[target_feature(enable = "avx2")]
fn angle_s123_exact(o: &[__m256i; 3], t: &[__m256i; 3], c: __m256d, cos1_sq: f32) -> __m256i {
    let dot = |a: __m256i, b: __m256i, c: __m256i, d: __m256i| {
        _mm256_add_epi64(_mm256_mul_epi32(a, b), _mm256_mul_epi32(c, d))
    };
    let mut m = [_mm256_setzero_pd(); 2];
    let mut ties = _mm256_setzero_si256();
    for (q, mq) in m.iter_mut().enumerate() {
        // q = 0: even lanes, q = 1: odd lanes (in the low halves of the i64 lanes)
        let sel = |v: __m256i| {
            if q == 0 {
                v
            } else {
                _mm256_srli_epi64::<32>(v)
            }
        };
        let (oh, ov, th, tv) = (sel(o[0]), sel(o[1]), sel(t[0]), sel(t[1]));
        let (ot, t0) = i64_to_f32_as_f64(dot(oh, th, ov, tv));
        let (oo, t1) = i64_to_f32_as_f64(dot(oh, oh, ov, ov));
        let (tt, t2) = i64_to_f32_as_f64(dot(th, th, tv, tv));
        ties = _mm256_or_si256(ties, _mm256_or_si256(t0, _mm256_or_si256(t1, t2)));
        let ge = _mm256_cmp_pd::<_CMP_GE_OQ>(
            _mm256_mul_pd(ot, ot),
            _mm256_mul_pd(_mm256_mul_pd(c, oo), tt),
        );
        *mq = _mm256_and_pd(ge, _mm256_cmp_pd::<_CMP_GE_OQ>(ot, _mm256_setzero_pd()));
    }
    if _mm256_testz_si256(ties, ties) == 0 {
        let mut oh = [0i32; 8];
        let mut ov = [0i32; 8];
        let mut th = [0i32; 8];
        let mut tv = [0i32; 8];
        for (dst, v) in [
            (&mut oh, o[0]),
            (&mut ov, o[1]),
            (&mut th, t[0]),
            (&mut tv, t[1]),
        ] {
            st8(dst, 0, v);
        }
        let f: [i32; 8] = std::array::from_fn(|l| {
            -(scalar::angle_flag(
                oh[l] as i64,
                ov[l] as i64,
                th[l] as i64,
                tv[l] as i64,
                cos1_sq,
            ) as i32)
        });
        return ld8(&f, 0);
    }
    join_lo32(_mm256_castpd_si256(m[0]), _mm256_castpd_si256(m[1]))
}

/// Angle flags of 8 pixels at scales 1–3. Fast path: with every value below 2^30 in magnitude
/// (no `i64` wrap), the dot products are formed in `f64` (relative error < 2^-50) and
/// `ot^2` is compared with `cos^2 * oo * tt` with a relative margin of 2^-20, far more than
/// the `f32` roundings of the exact test can move either side (< 2^-21); only a group with a
/// lane inside the margin (an angle within about 0.002 degree of 1 degree) or a larger value
/// takes [`angle_s123_exact`]. Zero vectors give `0 >= 0`, decided exactly like the test.
#[target_feature(enable = "avx2")]
#[inline]
fn angle_s123(o: &[__m256i; 3], t: &[__m256i; 3], c: __m256d, cos1_sq: f32) -> __m256i {
    let lim = _mm256_set1_epi32(1 << 30);
    let big = _mm256_or_si256(
        _mm256_or_si256(_mm256_add_epi32(o[0], lim), _mm256_add_epi32(o[1], lim)),
        _mm256_or_si256(_mm256_add_epi32(t[0], lim), _mm256_add_epi32(t[1], lim)),
    );
    // v + 2^30 has its top bit set (as u32) exactly when v is outside [-2^30, 2^30)
    if _mm256_movemask_ps(_mm256_castsi256_ps(big)) != 0 {
        return angle_s123_exact(o, t, c, cos1_sq);
    }
    let hi_m = _mm256_set1_pd(1.0 + 2f64.powi(-20));
    let lo_m = _mm256_set1_pd(1.0 - 2f64.powi(-20));
    let half = |x: __m256i, q: usize| {
        _mm256_cvtepi32_pd(if q == 1 {
            _mm256_extracti128_si256::<1>(x)
        } else {
            _mm256_castsi256_si128(x)
        })
    };
    let mut m = [_mm256_setzero_pd(); 2];
    let mut amb = _mm256_setzero_pd();
    for (q, mq) in m.iter_mut().enumerate() {
        let (oh, ov, th, tv) = (half(o[0], q), half(o[1], q), half(t[0], q), half(t[1], q));
        let ot = _mm256_add_pd(_mm256_mul_pd(oh, th), _mm256_mul_pd(ov, tv));
        let oo = _mm256_add_pd(_mm256_mul_pd(oh, oh), _mm256_mul_pd(ov, ov));
        let tt = _mm256_add_pd(_mm256_mul_pd(th, th), _mm256_mul_pd(tv, tv));
        let a = _mm256_mul_pd(ot, ot);
        let b = _mm256_mul_pd(_mm256_mul_pd(c, oo), tt);
        let yes = _mm256_cmp_pd::<_CMP_GE_OQ>(a, _mm256_mul_pd(b, hi_m));
        let no = _mm256_cmp_pd::<_CMP_LT_OQ>(a, _mm256_mul_pd(b, lo_m));
        amb = _mm256_or_pd(
            amb,
            _mm256_xor_pd(
                _mm256_or_pd(yes, no),
                _mm256_castsi256_pd(_mm256_set1_epi32(-1)),
            ),
        );
        *mq = _mm256_and_pd(yes, _mm256_cmp_pd::<_CMP_GE_OQ>(ot, _mm256_setzero_pd()));
    }
    if _mm256_movemask_pd(amb) != 0 {
        return angle_s123_exact(o, t, c, cos1_sq);
    }
    narrow_mask(m[0], m[1])
}

/// Scale 1–3 decoupling of columns `j0..j1` (`j1 - j0 >= 8`) of one row. The reciprocals
/// come from [`recip30`] (the table's values, without its gather).
#[target_feature(enable = "avx2")]
#[allow(clippy::too_many_arguments)]
fn decouple123_row(
    o: [&[i32]; 3],
    t: [&[i32]; 3],
    j0: usize,
    j1: usize,
    egl: f64,
    cos1_sq: f32,
    r: [&mut [i32]; 3],
    a: [&mut [i32]; 3],
) {
    let c = _mm256_set1_pd(cos1_sq as f64);
    let g = _mm256_set1_pd(egl);
    let zero = _mm256_setzero_si256();
    let one = _mm256_set1_epi32(1);
    let kmax = _mm256_set1_epi64x(32768);
    let r14 = _mm256_set1_epi64x(16384);
    let bias127 = _mm256_set1_epi32(127 + 6);
    let lo32 = _mm256_set1_epi64x(0xffff_ffff);
    for j in block_starts(j0, j1, 8) {
        let ov = [ld8(o[0], j), ld8(o[1], j), ld8(o[2], j)];
        let tv = [ld8(t[0], j), ld8(t[1], j), ld8(t[2], j)];
        let flag = angle_s123(&ov, &tv, c, cos1_sq);
        for th in 0..3 {
            let (o32, t32) = (ov[th], tv[th]);
            // |o| as u32 (i32::MIN -> 2^31) and get_best15_from32 for |o| >= 32768:
            // shift = bit_length(|o|) - 15, taken from the f32 exponent of |o| >> 8
            // (exact: at most 24 bits)
            let abs_o = _mm256_abs_epi32(o32);
            let small = _mm256_cmpeq_epi32(_mm256_srli_epi32::<15>(abs_o), zero);
            let e = _mm256_srli_epi32::<23>(_mm256_castps_si256(_mm256_cvtepi32_ps(
                _mm256_srli_epi32::<8>(abs_o),
            )));
            let shift = _mm256_andnot_si256(small, _mm256_sub_epi32(e, bias127));
            let rounded = _mm256_srlv_epi32(
                _mm256_add_epi32(abs_o, _mm256_sllv_epi32(one, _mm256_sub_epi32(shift, one))),
                shift,
            );
            let msb = _mm256_blendv_epi8(rounded, abs_o, small);
            let rcp = recip30(msb);
            // k = (R * t * sign + (int)(1 << (14 + shift))) >> (15 + shift), in i64 lanes
            let sgn = _mm256_cmpgt_epi32(zero, o32);
            let round = _mm256_sllv_epi32(_mm256_set1_epi32(1 << 14), shift);
            let n = _mm256_add_epi32(shift, _mm256_set1_epi32(15));
            let k64 = |rcp: __m256i, t: __m256i, sg: __m256i, round: __m256i, n: __m256i| {
                let prod = _mm256_mul_epi32(rcp, t);
                let prod = _mm256_sub_epi64(_mm256_xor_si256(prod, sg), sg);
                let k = srav64(_mm256_add_epi64(prod, round), n);
                let k = _mm256_andnot_si256(_mm256_cmpgt_epi64(zero, k), k);
                _mm256_blendv_epi8(k, kmax, _mm256_cmpgt_epi64(k, kmax))
            };
            let k_even = k64(
                rcp,
                t32,
                _mm256_shuffle_epi32::<0xA0>(sgn),
                sext_even(round),
                _mm256_and_si256(n, lo32),
            );
            let k_odd = k64(
                _mm256_srli_epi64::<32>(rcp),
                _mm256_srli_epi64::<32>(t32),
                _mm256_shuffle_epi32::<0xF5>(sgn),
                sext_odd(round),
                _mm256_srli_epi64::<32>(n),
            );
            // rst = (k * o + 2^14) >> 15 (truncated to i32)
            let rst_even =
                _mm256_srli_epi64::<15>(_mm256_add_epi64(_mm256_mul_epi32(k_even, o32), r14));
            let rst_odd = _mm256_srli_epi64::<15>(_mm256_add_epi64(
                _mm256_mul_epi32(k_odd, _mm256_srli_epi64::<32>(o32)),
                r14,
            ));
            let rst = join_lo32(rst_even, rst_odd);
            let kpos = _mm256_cmpgt_epi32(join_lo32(k_even, k_odd), zero);
            let en =
                _mm256_andnot_si256(_mm256_cmpeq_epi32(o32, zero), _mm256_and_si256(flag, kpos));
            // enhancement (skipped when no lane qualifies): min(rst * egl, t) where o > 0,
            // max where o < 0, in f64 and truncated (the result lies between 0 and t)
            let rst = if _mm256_testz_si256(en, en) == 0 {
                let half = |x: __m256i, hi: bool| {
                    _mm256_cvtepi32_pd(if hi {
                        _mm256_extracti128_si256::<1>(x)
                    } else {
                        _mm256_castsi256_si128(x)
                    })
                };
                let mut mn = [_mm_setzero_si128(); 2];
                let mut mx = [_mm_setzero_si128(); 2];
                for q in 0..2 {
                    let x = _mm256_mul_pd(half(rst, q == 1), g);
                    let tt = half(t32, q == 1);
                    mn[q] = _mm256_cvttpd_epi32(_mm256_min_pd(x, tt));
                    mx[q] = _mm256_cvttpd_epi32(_mm256_max_pd(x, tt));
                }
                let rst = _mm256_blendv_epi8(
                    rst,
                    _mm256_set_m128i(mx[1], mx[0]),
                    _mm256_and_si256(en, sgn),
                );
                _mm256_blendv_epi8(
                    rst,
                    _mm256_set_m128i(mn[1], mn[0]),
                    _mm256_andnot_si256(sgn, en),
                )
            } else {
                rst
            };
            st8(r[th], j, rst);
            st8(a[th], j, _mm256_sub_epi32(t32, rst));
        }
    }
}

impl Avx2 {
    /// [`scalar::decouple_s123`]. Falls back to the scalar kernel when the region is
    /// narrower than 8.
    #[allow(clippy::too_many_arguments)]
    pub fn decouple_s123(
        self,
        rf: &Bands<i32>,
        df: &Bands<i32>,
        stride: usize,
        w: usize,
        h: usize,
        egl: f64,
        cos1_sq: f32,
        div_lookup: &[i32],
        r: &mut Hvd<i32>,
        a: &mut Hvd<i32>,
    ) {
        let reg = scalar::decouple_region(w, h);
        if reg.right - reg.left < 8 {
            return scalar::decouple_s123(rf, df, stride, w, h, egl, cos1_sq, div_lookup, r, a);
        }
        for i in reg.top..reg.bottom {
            let o = i * stride;
            // SAFETY: `self` proves AVX2 support.
            unsafe {
                decouple123_row(
                    rows(&rf.hvd, o, w),
                    rows(&df.hvd, o, w),
                    reg.left,
                    reg.right,
                    egl,
                    cos1_sq,
                    rows_mut(r, o, w),
                    rows_mut(a, o, w),
                )
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// CSF weighting.

/// `(4369 * |d| + 2048) >> 12` (or with `m = 8738` when `twice`) per `i16` lane, wrapped to
/// `i16` like the C cast: `u + hi(c*u) + carry` with `c = 4368` (`2u + ...` with 8736).
#[target_feature(enable = "avx2")]
#[inline]
fn div30_16(d: __m256i, twice: bool) -> __m256i {
    let u = _mm256_abs_epi16(d); // -32768 -> 0x8000 = 32768 as u16
    let c = _mm256_set1_epi16(if twice { 8736 } else { 4368 });
    let lo = _mm256_mullo_epi16(u, c);
    let hi = _mm256_mulhi_epu16(u, c);
    let base = if twice { _mm256_add_epi16(u, u) } else { u };
    _mm256_add_epi16(_mm256_add_epi16(base, hi), _mm256_srli_epi16::<15>(lo))
}

/// Scale-0 CSF of columns `j0..j1` (`>= 16`) of one row: `dst`, and `flt` and/or the
/// orientation sum of `flt` as `i32` (`fsum`, the contrast-masking row sum).
#[target_feature(enable = "avx2")]
fn csf0_row(
    src: [&[i16]; 3],
    j0: usize,
    j1: usize,
    rfactor: [u16; 3],
    dst: [&mut [i16]; 3],
    mut flt: Option<[&mut [i16]; 3]>,
    mut fsum: Option<&mut [i32]>,
) {
    const ROUND: [(i32, i32); 3] = [(16384, 15), (16384, 15), (65535, 17)];
    let rf = rfactor.map(|r| _mm256_set1_epi32(r as i32));
    let add = ROUND.map(|r| _mm256_set1_epi32(r.0));
    let sh = ROUND.map(|r| _mm_cvtsi32_si128(r.1));
    for j in block_starts(j0, j1, 16) {
        let mut s0 = _mm256_setzero_si256();
        let mut s1 = _mm256_setzero_si256();
        for th in 0..3 {
            let (x0, x1) = widen(ld16(src[th], j));
            let f = |s: __m256i| {
                _mm256_sra_epi32(
                    _mm256_add_epi32(_mm256_mullo_epi32(s, rf[th]), add[th]),
                    sh[th],
                )
            };
            let d = trunc_pack_nat(f(x0), f(x1));
            st16(dst[th], j, d);
            let fl = div30_16(d, false);
            if let Some(flt) = flt.as_mut() {
                st16(flt[th], j, fl);
            }
            let (f0, f1) = widen(fl);
            s0 = _mm256_add_epi32(s0, f0);
            s1 = _mm256_add_epi32(s1, f1);
        }
        if let Some(fs) = fsum.as_mut() {
            st8(fs, j, s0);
            st8(fs, j + 8, s1);
        }
    }
}

impl Avx2 {
    /// [`scalar::csf_scale0`]. Falls back to the scalar kernel when the region is narrower
    /// than 16.
    #[allow(clippy::too_many_arguments)]
    pub fn csf_scale0(
        self,
        src: &Hvd<i16>,
        stride: usize,
        w: usize,
        h: usize,
        rfactor: [u16; 3],
        dst: &mut Hvd<i16>,
        flt: &mut Hvd<i16>,
    ) {
        let reg = scalar::decouple_region(w, h);
        if reg.right - reg.left < 16 {
            return scalar::csf_scale0(src, stride, w, h, rfactor, dst, flt);
        }
        for i in reg.top..reg.bottom {
            let o = i * stride;
            // SAFETY: `self` proves AVX2 support.
            unsafe {
                csf0_row(
                    rows(src, o, w),
                    reg.left,
                    reg.right,
                    rfactor,
                    rows_mut(dst, o, w),
                    Some(rows_mut(flt, o, w)),
                    None,
                )
            }
        }
    }
}

/// `(rfactor * v + 2^27) >> 28` truncated to `i32` ([`scalar::weight_s123`]) for 8 lanes.
#[target_feature(enable = "avx2")]
#[inline]
fn weight8(v: __m256i, rf: __m256i) -> __m256i {
    let a = _mm256_abs_epi32(v); // |i32::MIN| = 2^31 as u32
    let s = _mm256_srai_epi32::<31>(v);
    let r27 = _mm256_set1_epi64x(1 << 27);
    let f = |a: __m256i, s: __m256i| {
        let p = _mm256_mul_epu32(a, rf);
        let p = _mm256_sub_epi64(_mm256_xor_si256(p, s), s);
        _mm256_srli_epi64::<28>(_mm256_add_epi64(p, r27))
    };
    join_lo32(
        f(a, _mm256_shuffle_epi32::<0xA0>(s)),
        f(_mm256_srli_epi64::<32>(a), _mm256_shuffle_epi32::<0xF5>(s)),
    )
}

/// `(m * wrapping_abs(d) as i64 - 2^31) >> 32` truncated to `i32`, for 8 lanes.
#[target_feature(enable = "avx2")]
#[inline]
fn mul_hi32(d: __m256i, m: __m256i) -> __m256i {
    let a = _mm256_abs_epi32(d); // i32::MIN stays i32::MIN (sign-extended), as in C
    let add = _mm256_set1_epi64x(i32::MIN as i64);
    join_hi32(
        _mm256_add_epi64(_mm256_mul_epi32(a, m), add),
        _mm256_add_epi64(_mm256_mul_epi32(_mm256_srli_epi64::<32>(a), m), add),
    )
}

/// Scale 1–3 CSF of columns `j0..j1` (`>= 8`) of one row: `dst`, and `flt` and/or the
/// orientation sum of `flt` (`fsum`, wrapping).
#[target_feature(enable = "avx2")]
fn csf123_row(
    src: [&[i32]; 3],
    j0: usize,
    j1: usize,
    rfactor: [u32; 3],
    dst: [&mut [i32]; 3],
    mut flt: Option<[&mut [i32]; 3]>,
    mut fsum: Option<&mut [i32]>,
) {
    let m30 = _mm256_set1_epi64x(143165577);
    let rf = rfactor.map(|r| _mm256_set1_epi64x(r as i64));
    for j in block_starts(j0, j1, 8) {
        let mut s = _mm256_setzero_si256();
        for th in 0..3 {
            let d = weight8(ld8(src[th], j), rf[th]);
            st8(dst[th], j, d);
            let fl = mul_hi32(d, m30);
            if let Some(flt) = flt.as_mut() {
                st8(flt[th], j, fl);
            }
            s = _mm256_add_epi32(s, fl);
        }
        if let Some(fs) = fsum.as_mut() {
            st8(fs, j, s);
        }
    }
}

impl Avx2 {
    /// [`scalar::csf_s123`]. Falls back to the scalar kernel when the region is narrower
    /// than 8.
    #[allow(clippy::too_many_arguments)]
    pub fn csf_s123(
        self,
        src: &Hvd<i32>,
        stride: usize,
        w: usize,
        h: usize,
        rfactor: [u32; 3],
        dst: &mut Hvd<i32>,
        flt: &mut Hvd<i32>,
    ) {
        let reg = scalar::decouple_region(w, h);
        if reg.right - reg.left < 8 {
            return scalar::csf_s123(src, stride, w, h, rfactor, dst, flt);
        }
        for i in reg.top..reg.bottom {
            let o = i * stride;
            // SAFETY: `self` proves AVX2 support.
            unsafe {
                csf123_row(
                    rows(src, o, w),
                    reg.left,
                    reg.right,
                    rfactor,
                    rows_mut(dst, o, w),
                    Some(rows_mut(flt, o, w)),
                    None,
                )
            }
        }
    }
}
// ---------------------------------------------------------------------------------------------
// CSF denominator (reference only).

impl Avx2 {
    /// [`scalar::csf_den_scale0`]. Falls back to the scalar kernel when the region is
    /// narrower than 16.
    pub fn csf_den_scale0(
        self,
        bands: &Hvd<i16>,
        stride: usize,
        w: usize,
        h: usize,
        rf_cubed: [f64; 3],
        nw: f64,
    ) -> f32 {
        let reg = scalar::cm_region(w, h);
        if reg.right - reg.left < 16 {
            return scalar::csf_den_scale0(bands, stride, w, h, rf_cubed, nw);
        }
        // SAFETY: `self` proves AVX2 support.
        unsafe { csf_den_scale0(bands, stride, w, h, rf_cubed, nw) }
    }
}

/// Lane `l` of 16 is kept when `l >= skip` (all ones), else zero.
#[target_feature(enable = "avx2")]
#[inline]
fn keep_mask16(skip: usize) -> __m256i {
    let idx = _mm256_setr_epi16(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    _mm256_cmpgt_epi16(idx, _mm256_set1_epi16(skip as i16 - 1))
}

/// Lane `l` of 8 is kept when `l >= skip` (all ones), else zero.
#[target_feature(enable = "avx2")]
#[inline]
fn keep_mask8(skip: usize) -> __m256i {
    let idx = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    _mm256_cmpgt_epi32(idx, _mm256_set1_epi32(skip as i32 - 1))
}

/// Per-block mask for a row walked by `block_starts(left, right, n)`: the overlapping last
/// block skips the lanes the previous block already covered.
#[inline(always)]
pub(super) fn skip_of(j: usize, left: usize, n: usize) -> usize {
    let k = (j - left) % n;
    if k == 0 {
        0
    } else {
        n - k
    }
}

#[target_feature(enable = "avx2")]
fn csf_den_scale0(
    bands: &Hvd<i16>,
    stride: usize,
    w: usize,
    h: usize,
    rf_cubed: [f64; 3],
    nw: f64,
) -> f32 {
    let reg = scalar::cm_region(w, h);
    let area = reg.area();
    let shift = ((area as f64).log2() - 20.0).ceil() as i32;
    let shift = shift.max(0) as u32;
    let add: u64 = if shift > 0 { 1 << (shift - 1) } else { 0 };
    let mut csf = [0f32; 3];
    for th in 0..3 {
        let mut accum = 0u64;
        for i in reg.top..reg.bottom {
            let mut acc = _mm256_setzero_si256();
            for j in block_starts(reg.left, reg.right, 16) {
                let b = ld16(&bands[th], i * stride + j);
                let b = _mm256_and_si256(b, keep_mask16(skip_of(j, reg.left, 16)));
                let u = _mm256_abs_epi16(b);
                // |b| zero-extended: madd of (u, 0) pairs squares exactly (2^30 max)
                let cube = |u32v: __m256i| {
                    let sq = _mm256_madd_epi16(u32v, u32v);
                    _mm256_add_epi64(
                        _mm256_mul_epu32(sq, u32v),
                        _mm256_mul_epu32(
                            _mm256_srli_epi64::<32>(sq),
                            _mm256_srli_epi64::<32>(u32v),
                        ),
                    )
                };
                let lo = _mm256_cvtepu16_epi32(_mm256_castsi256_si128(u));
                let hi = _mm256_cvtepu16_epi32(_mm256_extracti128_si256::<1>(u));
                acc = _mm256_add_epi64(acc, _mm256_add_epi64(cube(lo), cube(hi)));
            }
            let inner = hsum64(acc);
            accum = accum.wrapping_add(inner.wrapping_add(add) >> shift);
        }
        let div = 2f64.powf((18 - shift as i32) as f64);
        csf[th] = ((accum as f64 / div) * rf_cubed[th]) as f32;
    }
    scalar::cube_root_sum(csf, area, nw)
}

impl Avx2 {
    /// [`scalar::csf_den_s123`]. Falls back to the scalar kernel when the region is narrower
    /// than 8.
    #[allow(clippy::too_many_arguments)]
    pub fn csf_den_s123(
        self,
        bands: &Hvd<i32>,
        stride: usize,
        w: usize,
        h: usize,
        scale: usize,
        rf_cubed: [f64; 3],
        nw: f64,
    ) -> f32 {
        let reg = scalar::cm_region(w, h);
        if reg.right - reg.left < 8 {
            return scalar::csf_den_s123(bands, stride, w, h, scale, rf_cubed, nw);
        }
        // SAFETY: `self` proves AVX2 support.
        unsafe { csf_den_s123(bands, stride, w, h, scale, rf_cubed, nw) }
    }
}

#[target_feature(enable = "avx2")]
fn csf_den_s123(
    bands: &Hvd<i32>,
    stride: usize,
    w: usize,
    h: usize,
    scale: usize,
    rf_cubed: [f64; 3],
    nw: f64,
) -> f32 {
    const SHIFT_SQ: [u32; 3] = [31, 30, 31];
    const CONVERT: [u32; 3] = [32, 27, 23];
    let sq = SHIFT_SQ[scale - 1];
    let reg = scalar::cm_region(w, h);
    let shift_cub = scalar::ceil_log2((reg.right - reg.left) as f64) as u32;
    let add_cub = scalar::pow2_add(shift_cub) as u64;
    let shift_acc = scalar::ceil_log2((reg.bottom - reg.top) as f64) as u32;
    let add_acc = scalar::pow2_add(shift_acc) as u64;
    let v_add_sq = _mm256_set1_epi64x(1i64 << sq);
    let v_sq = _mm_cvtsi32_si128(sq as i32);
    let v_add_cub = _mm256_set1_epi64x(add_cub as i64);
    let v_cub = _mm_cvtsi32_si128(shift_cub as i32);
    let mut csf = [0f32; 3];
    for th in 0..3 {
        let mut accum = 0u64;
        for i in reg.top..reg.bottom {
            let mut acc = _mm256_setzero_si256();
            for j in block_starts(reg.left, reg.right, 8) {
                let b = ld8(&bands[th], i * stride + j);
                let m = _mm256_and_si256(_mm256_abs_epi32(b), keep_mask8(skip_of(j, reg.left, 8)));
                // ((m^2 + 2^sq) >> sq) * m + add_cub) >> shift_cub, m <= 2^31, all u64
                let f = |m: __m256i| {
                    let s =
                        _mm256_srl_epi64(_mm256_add_epi64(_mm256_mul_epu32(m, m), v_add_sq), v_sq);
                    // s can reach 2^32 + 1 (m = 2^31, sq = 30): 64 x 32-bit product
                    let p = _mm256_add_epi64(
                        _mm256_mul_epu32(s, m),
                        _mm256_slli_epi64::<32>(_mm256_mul_epu32(_mm256_srli_epi64::<32>(s), m)),
                    );
                    _mm256_srl_epi64(_mm256_add_epi64(p, v_add_cub), v_cub)
                };
                acc = _mm256_add_epi64(acc, _mm256_add_epi64(f(m), f(_mm256_srli_epi64::<32>(m))));
            }
            let inner = hsum64(acc);
            accum = accum.wrapping_add(inner.wrapping_add(add_acc) >> shift_acc);
        }
        let e = CONVERT[scale - 1]
            .wrapping_sub(shift_acc)
            .wrapping_sub(shift_cub);
        let div = 2f64.powf(e as f64);
        csf[th] = ((accum as f64 / div) * rf_cubed[th]) as f32;
    }
    scalar::cube_root_sum(csf, reg.area(), nw)
}

// ---------------------------------------------------------------------------------------------
// Contrast masking.

/// Per-orientation constants of the cube `((x^2 + add_sq) >> sh_sq) as i32 * x + add_cub) >>
/// sh_cub` summed in biased `u64` lanes (see the module notes).
#[derive(Clone, Copy)]
struct Cube {
    add_sq: __m256i,
    sh_sq: __m128i,
    /// `add_cub + 2^63`.
    add_cub: __m256i,
    sh_cub: __m128i,
    /// `2^(63 - sh_cub)`, removed once per lane from the row total.
    bias: u64,
}

impl Cube {
    #[target_feature(enable = "avx2")]
    fn new(add_sq: i64, sh_sq: u32, add_cub: i64, sh_cub: u32) -> Cube {
        Cube {
            add_sq: _mm256_set1_epi64x(add_sq),
            sh_sq: _mm_cvtsi32_si128(sh_sq as i32),
            add_cub: _mm256_set1_epi64x(add_cub.wrapping_add(i64::MIN)),
            sh_cub: _mm_cvtsi32_si128(sh_cub as i32),
            bias: 1u64.wrapping_shl(63 - sh_cub.min(63)),
        }
    }

    /// Adds the biased cubes of 8 lanes `x` (0 <= x < 2^31) to `acc`.
    #[target_feature(enable = "avx2")]
    #[inline]
    fn add(&self, x: __m256i, acc: __m256i) -> __m256i {
        let f = |x: __m256i| {
            let sq = _mm256_srl_epi64(
                _mm256_add_epi64(_mm256_mul_epu32(x, x), self.add_sq),
                self.sh_sq,
            );
            // low 32 bits of sq as i32 (the C narrowing) times x, exact in i64
            let v = _mm256_add_epi64(_mm256_mul_epi32(sq, x), self.add_cub);
            _mm256_srl_epi64(v, self.sh_cub)
        };
        _mm256_add_epi64(acc, _mm256_add_epi64(f(x), f(_mm256_srli_epi64::<32>(x))))
    }

    /// The exact wrapping sum of the unbiased values behind `acc` (`lanes` values added).
    #[target_feature(enable = "avx2")]
    fn total(&self, acc: __m256i, lanes: u64) -> i64 {
        hsum64(acc).wrapping_sub(lanes.wrapping_mul(self.bias)) as i64
    }
}

/// Shifts of [`scalar::cm_scale0`] for a `w` x `h` band.
pub(super) struct Cm0Shifts {
    pub(super) shift_cub: [u32; 3],
    pub(super) add_cub: [i64; 3],
    shift_inner: u32,
    add_inner: i64,
}

impl Cm0Shifts {
    pub(super) fn new(w: usize, h: usize) -> Cm0Shifts {
        let shift_cub_hv = ((w as f64).log2() - 4.0).ceil() as u32;
        let shift_cub_d = ((w as f64).log2() - 3.0).ceil() as u32;
        let shift_cub = [shift_cub_hv, shift_cub_hv, shift_cub_d];
        let shift_inner = scalar::ceil_log2(h as f64) as u32;
        Cm0Shifts {
            shift_cub,
            add_cub: shift_cub.map(|s| scalar::pow2_add(s) as i64),
            shift_inner,
            add_inner: scalar::pow2_add(shift_inner) as i64,
        }
    }

    /// Adds one row's totals to the running sums.
    pub(super) fn add_row(&self, accum: &mut [i64; 3], inner: [i64; 3]) {
        for t in 0..3 {
            accum[t] =
                accum[t].wrapping_add(inner[t].wrapping_add(self.add_inner) >> self.shift_inner);
        }
    }

    /// The final value of [`scalar::cm_scale0`].
    pub(super) fn finish(&self, accum: [i64; 3], area: usize, nw: f64) -> f32 {
        const CONVERT: [u32; 3] = [52, 52, 57];
        let f = [0, 1, 2].map(|t| {
            let e = CONVERT[t]
                .wrapping_sub(self.shift_cub[t])
                .wrapping_sub(self.shift_inner);
            (accum[t] as f64 / 2f64.powf(e as f64)) as f32
        });
        scalar::cube_root_sum(f, area, nw)
    }
}

/// Vector constants of scale-0 contrast masking.
struct Cm0 {
    cube: [Cube; 3],
    sub: [__m128i; 3],
    rf: [__m256i; 3],
}

impl Cm0 {
    #[target_feature(enable = "avx2")]
    fn new(s: &Cm0Shifts, rfactor: [u16; 3]) -> Cm0 {
        const SHIFT_SUB: [i32; 3] = [10, 10, 12];
        const SQ: [(i64, u32); 3] = [(1 << 28, 29), (1 << 28, 29), (1 << 29, 30)];
        Cm0 {
            cube: [0, 1, 2].map(|t| Cube::new(SQ[t].0, SQ[t].1, s.add_cub[t], s.shift_cub[t])),
            sub: SHIFT_SUB.map(|s| _mm_cvtsi32_si128(s)),
            rf: rfactor.map(|r| _mm256_set1_epi32(r as i32)),
        }
    }
}

/// `srow[c] = ru[c] + ri[c] + rd[c]` for `c` in `c0..c1` (`>= 8` wide).
#[target_feature(enable = "avx2")]
#[inline]
fn sum3_row(r3: [&[i32]; 3], c0: usize, c1: usize, srow: &mut [i32]) {
    for c in block_starts(c0, c1, 8) {
        let s = _mm256_add_epi32(
            _mm256_add_epi32(ld8(r3[0], c), ld8(r3[1], c)),
            ld8(r3[2], c),
        );
        st8(srow, c, s);
    }
}

/// `S[c-1] + S[c] + S[c+1] - R_i[c]` for 8 lanes at `c`: the 3x3 neighbourhood sum of the
/// three orientations' `flt` minus their centres.
#[target_feature(enable = "avx2")]
#[inline]
fn ring8(srow: &[i32], ri: &[i32], c: usize) -> __m256i {
    let s3 = _mm256_add_epi32(
        _mm256_add_epi32(ld8(srow, c - 1), ld8(srow, c)),
        ld8(srow, c + 1),
    );
    _mm256_sub_epi32(s3, ld8(ri, c))
}

/// One row (columns `j0..j1`, `j0 >= 1`, `j1 < w`, `j1 - j0 >= 16`) of scale-0 contrast
/// masking: per orientation the exact wrapping sum of the cubes. `r3` are the orientation sums
/// of `flt` on rows up, i, down (columns `j0 - 1..=j1`); `srow` is scratch.
#[target_feature(enable = "avx2")]
#[allow(clippy::too_many_arguments)]
fn cm0_row(
    k: &Cm0,
    src: [&[i16]; 3],
    dst: [&[i16]; 3],
    r3: [&[i32]; 3],
    srow: &mut [i32],
    j0: usize,
    j1: usize,
) -> [i64; 3] {
    sum3_row(r3, j0 - 1, j1 + 1, srow);
    let zero = _mm256_setzero_si256();
    let mut acc = [zero; 3];
    let mut lanes = 0u64;
    for j in block_starts(j0, j1, 16) {
        let keep = widen(keep_mask16(skip_of(j, j0, 16)));
        let centre = [
            widen(div30_16(ld16(dst[0], j), true)),
            widen(div30_16(ld16(dst[1], j), true)),
            widen(div30_16(ld16(dst[2], j), true)),
        ];
        let s = [
            widen(ld16(src[0], j)),
            widen(ld16(src[1], j)),
            widen(ld16(src[2], j)),
        ];
        for q in 0..2 {
            let pick = |v: (__m256i, __m256i)| if q == 0 { v.0 } else { v.1 };
            let c = j + 8 * q;
            let cs = _mm256_add_epi32(
                _mm256_add_epi32(pick(centre[0]), pick(centre[1])),
                pick(centre[2]),
            );
            let thr = _mm256_add_epi32(ring8(srow, r3[1], c), cs);
            for t in 0..3 {
                let x = _mm256_abs_epi32(_mm256_mullo_epi32(pick(s[t]), k.rf[t]));
                let x = _mm256_sub_epi32(x, _mm256_sll_epi32(thr, k.sub[t]));
                let x = _mm256_and_si256(_mm256_max_epi32(x, zero), pick(keep));
                acc[t] = k.cube[t].add(x, acc[t]);
            }
            lanes += 8;
        }
    }
    [0, 1, 2].map(|t| k.cube[t].total(acc[t], lanes))
}

/// Shifts of [`scalar::cm_s123`] for a `w` x `h` band at `scale`.
pub(super) struct Cm123Shifts {
    pub(super) shift_cub: u32,
    pub(super) add_cub: i64,
    shift_inner: u32,
    add_inner: i64,
    final_shift: f32,
}

impl Cm123Shifts {
    pub(super) fn new(w: usize, h: usize, scale: usize) -> Cm123Shifts {
        let shift_cub = scalar::ceil_log2(w as f64) as u32;
        let shift_inner = scalar::ceil_log2(h as f64) as u32;
        const CONVERT: [u32; 3] = [45, 39, 36];
        let e = CONVERT[scale - 1]
            .wrapping_sub(shift_cub)
            .wrapping_sub(shift_inner);
        Cm123Shifts {
            shift_cub,
            add_cub: scalar::pow2_add(shift_cub) as i64,
            shift_inner,
            add_inner: scalar::pow2_add(shift_inner) as i64,
            final_shift: 2f64.powf(e as f64) as f32,
        }
    }

    pub(super) fn add_row(&self, accum: &mut [i64; 3], inner: [i64; 3]) {
        for t in 0..3 {
            accum[t] =
                accum[t].wrapping_add(inner[t].wrapping_add(self.add_inner) >> self.shift_inner);
        }
    }

    /// The final value of [`scalar::cm_s123`].
    pub(super) fn finish(&self, accum: [i64; 3], area: usize, nw: f64) -> f32 {
        let f = accum.map(|a| a as f32 / self.final_shift);
        scalar::cube_root_sum(f, area, nw)
    }
}

/// Vector constants of scale 1–3 contrast masking.
struct Cm123 {
    cube: Cube,
    rf: [__m256i; 3],
    m15: __m256i,
}

impl Cm123 {
    #[target_feature(enable = "avx2")]
    fn new(s: &Cm123Shifts, rfactor: [u32; 3]) -> Cm123 {
        Cm123 {
            cube: Cube::new(1 << 29, 30, s.add_cub, s.shift_cub),
            rf: rfactor.map(|r| _mm256_set1_epi64x(r as i64)),
            m15: _mm256_set1_epi64x(286331153),
        }
    }
}

/// One row of scale 1–3 contrast masking (as [`cm0_row`]; `j1 - j0 >= 8`). With `weighted`,
/// `src` already holds `weight_s123(src, rfactor)` (the CSF output of the same band).
#[target_feature(enable = "avx2")]
#[allow(clippy::too_many_arguments)]
fn cm123_row(
    k: &Cm123,
    src: [&[i32]; 3],
    weighted: bool,
    dst: [&[i32]; 3],
    r3: [&[i32]; 3],
    srow: &mut [i32],
    j0: usize,
    j1: usize,
) -> [i64; 3] {
    sum3_row(r3, j0 - 1, j1 + 1, srow);
    let zero = _mm256_setzero_si256();
    let mut acc = [zero; 3];
    let mut lanes = 0u64;
    for j in block_starts(j0, j1, 8) {
        let keep = keep_mask8(skip_of(j, j0, 8));
        let cs = _mm256_add_epi32(
            _mm256_add_epi32(
                mul_hi32(ld8(dst[0], j), k.m15),
                mul_hi32(ld8(dst[1], j), k.m15),
            ),
            mul_hi32(ld8(dst[2], j), k.m15),
        );
        let thr = _mm256_add_epi32(ring8(srow, r3[1], j), cs);
        for t in 0..3 {
            let v = ld8(src[t], j);
            let v = if weighted { v } else { weight8(v, k.rf[t]) };
            let x = _mm256_sub_epi32(_mm256_abs_epi32(v), thr);
            let x = _mm256_and_si256(_mm256_max_epi32(x, zero), keep);
            acc[t] = k.cube.add(x, acc[t]);
        }
        lanes += 8;
    }
    [0, 1, 2].map(|t| k.cube.total(acc[t], lanes))
}

/// Orientation sums of `flt` for the three rows a contrast-masking row reads, computed once
/// per row and kept while needed.
pub(super) struct RowCache<'a> {
    pub(super) ids: [usize; 3],
    pub(super) rows: [&'a mut [i32]; 3],
}

impl<'a> RowCache<'a> {
    /// Makes sure rows `want` are cached (computing missing ones with `fill`) and returns
    /// their slots.
    pub(super) fn get(
        &mut self,
        want: [usize; 3],
        mut fill: impl FnMut(usize, &mut [i32]),
    ) -> [usize; 3] {
        let mut slot = [0usize; 3];
        for (k, r) in want.into_iter().enumerate() {
            if let Some(s) = self.ids.iter().position(|&x| x == r) {
                slot[k] = s;
                continue;
            }
            let s = (0..3)
                .find(|&s| !want.contains(&self.ids[s]))
                .expect("three slots for three rows");
            self.ids[s] = r;
            fill(r, self.rows[s]);
            slot[k] = s;
        }
        slot
    }
}

impl Avx2 {
    /// [`scalar::cm_scale0`]. `scratch` is resized as needed. Falls back to the scalar kernel
    /// when the region touches the band's left or right column or is narrower than 16.
    #[allow(clippy::too_many_arguments)]
    pub fn cm_scale0(
        self,
        src: &Hvd<i16>,
        csf_dst: &Hvd<i16>,
        csf_flt: &Hvd<i16>,
        stride: usize,
        w: usize,
        h: usize,
        rfactor: [u16; 3],
        nw: f64,
        scratch: &mut Vec<i32>,
    ) -> f32 {
        let reg = scalar::cm_region(w, h);
        if reg.left == 0 || reg.right >= w || reg.right - reg.left < 16 {
            return scalar::cm_scale0(src, csf_dst, csf_flt, stride, w, h, rfactor, nw);
        }
        // SAFETY: `self` proves AVX2 support.
        unsafe { cm_scale0(src, csf_dst, csf_flt, stride, w, h, rfactor, nw, scratch) }
    }
}

#[target_feature(enable = "avx2")]
#[allow(clippy::too_many_arguments)]
fn cm_scale0(
    src: &Hvd<i16>,
    csf_dst: &Hvd<i16>,
    csf_flt: &Hvd<i16>,
    stride: usize,
    w: usize,
    h: usize,
    rfactor: [u16; 3],
    nw: f64,
    scratch: &mut Vec<i32>,
) -> f32 {
    let reg = scalar::cm_region(w, h);
    let sh = Cm0Shifts::new(w, h);
    let k = Cm0::new(&sh, rfactor);
    scratch.resize(4 * w, 0);
    let [c0, c1, c2, srow] = split_rows::<_, 4>(scratch, w);
    let mut cache = RowCache {
        ids: [usize::MAX; 3],
        rows: [c0, c1, c2],
    };
    let (f0, f1) = (reg.left - 1, reg.right + 1);
    let mut accum = [0i64; 3];
    for i in reg.top..reg.bottom {
        let (up, dn) = scalar::neighbours(i, h);
        let slot = cache.get([up, i, dn], |r, out| {
            for c in block_starts(f0, f1, 8) {
                let p = r * stride + c;
                let f = |t: usize| _mm256_cvtepi16_epi32(ld8h(&csf_flt[t], p));
                st8(out, c, _mm256_add_epi32(_mm256_add_epi32(f(0), f(1)), f(2)));
            }
        });
        let r3 = slot.map(|s| &*cache.rows[s]);
        let o = i * stride;
        let inner = cm0_row(
            &k,
            rows(src, o, w),
            rows(csf_dst, o, w),
            r3,
            srow,
            reg.left,
            reg.right,
        );
        sh.add_row(&mut accum, inner);
    }
    sh.finish(accum, reg.area(), nw)
}

impl Avx2 {
    /// [`scalar::cm_s123`]. `scratch` is resized as needed. Falls back to the scalar kernel
    /// when the region touches the band's left or right column or is narrower than 8.
    #[allow(clippy::too_many_arguments)]
    pub fn cm_s123(
        self,
        src: &Hvd<i32>,
        csf_dst: &Hvd<i32>,
        csf_flt: &Hvd<i32>,
        stride: usize,
        w: usize,
        h: usize,
        scale: usize,
        rfactor: [u32; 3],
        nw: f64,
        scratch: &mut Vec<i32>,
    ) -> f32 {
        let reg = scalar::cm_region(w, h);
        if reg.left == 0 || reg.right >= w || reg.right - reg.left < 8 {
            return scalar::cm_s123(src, csf_dst, csf_flt, stride, w, h, scale, rfactor, nw);
        }
        // SAFETY: `self` proves AVX2 support.
        unsafe {
            cm_s123(
                src, csf_dst, csf_flt, stride, w, h, scale, rfactor, nw, scratch,
            )
        }
    }
}

#[target_feature(enable = "avx2")]
#[allow(clippy::too_many_arguments)]
fn cm_s123(
    src: &Hvd<i32>,
    csf_dst: &Hvd<i32>,
    csf_flt: &Hvd<i32>,
    stride: usize,
    w: usize,
    h: usize,
    scale: usize,
    rfactor: [u32; 3],
    nw: f64,
    scratch: &mut Vec<i32>,
) -> f32 {
    let reg = scalar::cm_region(w, h);
    let sh = Cm123Shifts::new(w, h, scale);
    let k = Cm123::new(&sh, rfactor);
    scratch.resize(4 * w, 0);
    let [c0, c1, c2, srow] = split_rows::<_, 4>(scratch, w);
    let mut cache = RowCache {
        ids: [usize::MAX; 3],
        rows: [c0, c1, c2],
    };
    let (f0, f1) = (reg.left - 1, reg.right + 1);
    let mut accum = [0i64; 3];
    for i in reg.top..reg.bottom {
        let (up, dn) = scalar::neighbours(i, h);
        let slot = cache.get([up, i, dn], |r, out| {
            for c in block_starts(f0, f1, 8) {
                let p = r * stride + c;
                let s = _mm256_add_epi32(
                    _mm256_add_epi32(ld8(&csf_flt[0], p), ld8(&csf_flt[1], p)),
                    ld8(&csf_flt[2], p),
                );
                st8(out, c, s);
            }
        });
        let r3 = slot.map(|s| &*cache.rows[s]);
        let o = i * stride;
        let inner = cm123_row(
            &k,
            rows(src, o, w),
            false,
            rows(csf_dst, o, w),
            r3,
            srow,
            reg.left,
            reg.right,
        );
        sh.add_row(&mut accum, inner);
    }
    sh.finish(accum, reg.area(), nw)
}

// ---------------------------------------------------------------------------------------------
// Fused decouple + CSF + contrast masking of one scale, streamed row by row.
//
// Row y of the decoupled bands (r, a), their CSF outputs and the orientation sums of the CSF
// `flt` live in a ring of three slots; contrast-masking row i runs once row i + 1 exists. Only
// the rows and columns the masking reads are computed (the contrast-masking region plus one
// on each side), which lie inside the decoupling region whenever the masking region does not
// touch the band's border (otherwise the caller composes the separate kernels).

/// Whether the fused stage applies to a `w` x `h` band with vector blocks of `lanes`.
pub(super) fn fused_ok(w: usize, h: usize, lanes: usize) -> bool {
    let reg = scalar::cm_region(w, h);
    reg.top >= 1
        && reg.bottom < h
        && reg.left >= 1
        && reg.right < w
        && reg.right - reg.left >= lanes
}

/// The ring slot of row `y`.
pub(super) fn slot(y: usize) -> usize {
    y % 3
}

impl Avx2 {
    /// Scale 0 after the DWTs: decoupling, CSF and contrast masking fused; returns
    /// `(num, aim)` as the scalar kernels compose them (`aim` = 0 when `skip_aim`), or `None`
    /// when the band is too small for the fused path.
    #[allow(clippy::too_many_arguments)]
    pub fn stage_scale0(
        self,
        rf: &Bands<i16>,
        df: &Bands<i16>,
        stride: usize,
        w: usize,
        h: usize,
        egl: f64,
        cos1_sq: f32,
        div_lookup: &[i32],
        rfactor: [u16; 3],
        nw: f64,
        skip_aim: bool,
        ring16: &mut Vec<i16>,
        ring32: &mut Vec<i32>,
    ) -> Option<(f32, f32)> {
        if !fused_ok(w, h, 16) {
            return None;
        }
        // SAFETY: `self` proves AVX2 support.
        Some(unsafe {
            stage_scale0(
                rf, df, stride, w, h, egl, cos1_sq, div_lookup, rfactor, nw, skip_aim, ring16,
                ring32,
            )
        })
    }
}

#[target_feature(enable = "avx2")]
#[allow(clippy::too_many_arguments)]
fn stage_scale0(
    rf: &Bands<i16>,
    df: &Bands<i16>,
    stride: usize,
    w: usize,
    h: usize,
    egl: f64,
    cos1_sq: f32,
    div_lookup: &[i32],
    rfactor: [u16; 3],
    nw: f64,
    skip_aim: bool,
    ring16: &mut Vec<i16>,
    ring32: &mut Vec<i32>,
) -> (f32, f32) {
    let reg = scalar::cm_region(w, h);
    let (j0, j1) = (reg.left - 1, reg.right + 1);
    let sh = Cm0Shifts::new(w, h);
    let k = Cm0::new(&sh, rfactor);
    // per slot: r (3), a (3), csf(a).dst (3), csf(r).dst (3); sums of csf(a).flt, csf(r).flt
    ring16.resize(36 * w, 0);
    ring32.resize(7 * w, 0);
    let mut it16 = ring16.chunks_exact_mut(w);
    let mut ring: [[&mut [i16]; 12]; 3] =
        std::array::from_fn(|_| std::array::from_fn(|_| it16.next().expect("36 rows")));
    let (sums, srow) = ring32.split_at_mut(6 * w);
    let mut it32 = sums.chunks_exact_mut(w);
    let mut fsum: [[&mut [i32]; 2]; 3] =
        std::array::from_fn(|_| std::array::from_fn(|_| it32.next().expect("6 rows")));
    let srow = &mut srow[..w];
    let (mut acc_dlm, mut acc_aim) = ([0i64; 3], [0i64; 3]);
    for y in reg.top - 1..=reg.bottom {
        {
            let o = y * stride;
            let [r0, r1, r2, a0, a1, a2, da0, da1, da2, dr0, dr1, dr2] = &mut ring[slot(y)];
            let [fa, fr] = &mut fsum[slot(y)];
            decouple0_row(
                rows(&rf.hvd, o, w),
                rows(&df.hvd, o, w),
                j0,
                j1,
                egl,
                cos1_sq,
                div_lookup,
                [&mut **r0, &mut **r1, &mut **r2],
                [&mut **a0, &mut **a1, &mut **a2],
            );
            csf0_row(
                [&**a0, &**a1, &**a2],
                j0,
                j1,
                rfactor,
                [&mut **da0, &mut **da1, &mut **da2],
                None,
                Some(&mut **fa),
            );
            if !skip_aim {
                csf0_row(
                    [&**r0, &**r1, &**r2],
                    j0,
                    j1,
                    rfactor,
                    [&mut **dr0, &mut **dr1, &mut **dr2],
                    None,
                    Some(&mut **fr),
                );
            }
        }
        if y <= reg.top {
            continue;
        }
        let i = y - 1;
        let (su, si, sd) = (slot(i - 1), slot(i), slot(i + 1));
        let row = |s: usize, p: usize| &*ring[s][p];
        let sum = |s: usize, which: usize| &*fsum[s][which];
        // DLM: restored part masked by the additive part's CSF
        let inner = cm0_row(
            &k,
            [row(si, 0), row(si, 1), row(si, 2)],
            [row(si, 6), row(si, 7), row(si, 8)],
            [sum(su, 0), sum(si, 0), sum(sd, 0)],
            srow,
            reg.left,
            reg.right,
        );
        sh.add_row(&mut acc_dlm, inner);
        if !skip_aim {
            // AIM: additive part masked by the restored part's CSF
            let inner = cm0_row(
                &k,
                [row(si, 3), row(si, 4), row(si, 5)],
                [row(si, 9), row(si, 10), row(si, 11)],
                [sum(su, 1), sum(si, 1), sum(sd, 1)],
                srow,
                reg.left,
                reg.right,
            );
            sh.add_row(&mut acc_aim, inner);
        }
    }
    let area = reg.area();
    let aim = if skip_aim {
        0.0
    } else {
        sh.finish(acc_aim, area, 0.0)
    };
    (sh.finish(acc_dlm, area, nw), aim)
}

impl Avx2 {
    /// Scales 1–3 after the DWTs, fused like [`Avx2::stage_scale0`] (the reciprocal table's
    /// values come from [`recip30`]).
    #[allow(clippy::too_many_arguments)]
    pub fn stage_s123(
        self,
        rf: &Bands<i32>,
        df: &Bands<i32>,
        stride: usize,
        w: usize,
        h: usize,
        scale: usize,
        egl: f64,
        cos1_sq: f32,
        rfactor: [u32; 3],
        nw: f64,
        skip_aim: bool,
        ring32: &mut Vec<i32>,
    ) -> Option<(f32, f32)> {
        if !fused_ok(w, h, 8) {
            return None;
        }
        // SAFETY: `self` proves AVX2 support.
        Some(unsafe {
            stage_s123(
                rf, df, stride, w, h, scale, egl, cos1_sq, rfactor, nw, skip_aim, ring32,
            )
        })
    }
}

#[target_feature(enable = "avx2")]
#[allow(clippy::too_many_arguments)]
fn stage_s123(
    rf: &Bands<i32>,
    df: &Bands<i32>,
    stride: usize,
    w: usize,
    h: usize,
    scale: usize,
    egl: f64,
    cos1_sq: f32,
    rfactor: [u32; 3],
    nw: f64,
    skip_aim: bool,
    ring32: &mut Vec<i32>,
) -> (f32, f32) {
    let reg = scalar::cm_region(w, h);
    let (j0, j1) = (reg.left - 1, reg.right + 1);
    let sh = Cm123Shifts::new(w, h, scale);
    let k = Cm123::new(&sh, rfactor);
    // per slot: r (3), a (3), csf(a).dst (3), csf(r).dst (3), sums of csf(a).flt, csf(r).flt
    ring32.resize(43 * w, 0);
    let (slots, srow) = ring32.split_at_mut(42 * w);
    let mut it = slots.chunks_exact_mut(w);
    let mut ring: [[&mut [i32]; 14]; 3] =
        std::array::from_fn(|_| std::array::from_fn(|_| it.next().expect("42 rows")));
    let srow = &mut srow[..w];
    let (mut acc_dlm, mut acc_aim) = ([0i64; 3], [0i64; 3]);
    for y in reg.top - 1..=reg.bottom {
        {
            let o = y * stride;
            let [r0, r1, r2, a0, a1, a2, da0, da1, da2, dr0, dr1, dr2, fa, fr] = &mut ring[slot(y)];
            decouple123_row(
                rows(&rf.hvd, o, w),
                rows(&df.hvd, o, w),
                j0,
                j1,
                egl,
                cos1_sq,
                [&mut **r0, &mut **r1, &mut **r2],
                [&mut **a0, &mut **a1, &mut **a2],
            );
            csf123_row(
                [&**a0, &**a1, &**a2],
                j0,
                j1,
                rfactor,
                [&mut **da0, &mut **da1, &mut **da2],
                None,
                Some(&mut **fa),
            );
            if !skip_aim {
                csf123_row(
                    [&**r0, &**r1, &**r2],
                    j0,
                    j1,
                    rfactor,
                    [&mut **dr0, &mut **dr1, &mut **dr2],
                    None,
                    Some(&mut **fr),
                );
            }
        }
        if y <= reg.top {
            continue;
        }
        let i = y - 1;
        let (su, si, sd) = (slot(i - 1), slot(i), slot(i + 1));
        let row = |s: usize, p: usize| &*ring[s][p];
        // DLM: x = |weight(r)|, which is csf(r).dst when AIM computed it
        let (src, weighted) = if skip_aim {
            ([row(si, 0), row(si, 1), row(si, 2)], false)
        } else {
            ([row(si, 9), row(si, 10), row(si, 11)], true)
        };
        let inner = cm123_row(
            &k,
            src,
            weighted,
            [row(si, 6), row(si, 7), row(si, 8)],
            [row(su, 12), row(si, 12), row(sd, 12)],
            srow,
            reg.left,
            reg.right,
        );
        sh.add_row(&mut acc_dlm, inner);
        if !skip_aim {
            // AIM: x = |weight(a)| = |csf(a).dst|
            let inner = cm123_row(
                &k,
                [row(si, 6), row(si, 7), row(si, 8)],
                true,
                [row(si, 9), row(si, 10), row(si, 11)],
                [row(su, 13), row(si, 13), row(sd, 13)],
                srow,
                reg.left,
                reg.right,
            );
            sh.add_row(&mut acc_aim, inner);
        }
    }
    let area = reg.area();
    let aim = if skip_aim {
        0.0
    } else {
        sh.finish(acc_aim, area, 0.0)
    };
    (sh.finish(acc_dlm, area, nw), aim)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `recip30` equals libvmaf's reciprocal table on its whole domain.
    #[test]
    fn recip30_matches_div_lookup() {
        let Some(_) = Avx2::new() else {
            eprintln!("no AVX2: skipped");
            return;
        };
        let table = super::super::tables::div_lookup();
        let mut got = [0i32; 8];
        for base in (0..=32768).step_by(8) {
            let m: [i32; 8] = std::array::from_fn(|l| (base + l as i32).min(32768));
            // SAFETY: AVX2 checked above.
            unsafe { recip30_to(&m, &mut got) };
            for l in 0..8 {
                assert_eq!(got[l], table[(m[l] + 32768) as usize], "m = {}", m[l]);
            }
        }
    }

    #[target_feature(enable = "avx2")]
    fn recip30_to(m: &[i32; 8], out: &mut [i32; 8]) {
        st8(out, 0, recip30(ld8(m, 0)));
    }
}
