//! AVX-512 (F, BW, DQ, VL) twins of the integer ADM kernels, bit-exact with
//! [`super::scalar`]. Structurally the same as [`super::avx2`] (same functions, same
//! arithmetic, twice the lanes), with AVX-512's mask registers for blends and a few native
//! instructions where AVX2 needed emulation: 64-bit arithmetic shifts, 64-bit min/max and the
//! correctly rounded `i64 -> f32` conversion (`vcvtqq2ps`), which makes the scale 1–3 angle
//! test exact without the AVX2 margin and tie checks.
//!
//! Regions narrower than one 512-bit block fall back to the AVX2 kernels (every AVX-512 CPU
//! has AVX2), which fall back to scalar below their own block size.

use std::arch::x86_64::*;

use super::avx2::{
    block_starts, fused_ok, pad_row, rows, rows_mut, skip_of, slot, split_rows, Avx2, Cm0Shifts,
    Cm123Shifts, RowCache,
};
use super::kernels::{BandSrc, Src};
use super::scalar::{self, Bands, Hvd};
use super::tables::{DWT_HI, DWT_LO, DWT_LO_SUM};

/// Proof that the running CPU supports AVX-512 F/BW/DQ/VL (and AVX2); the only way to reach
/// the kernels below.
#[derive(Debug, Clone, Copy)]
pub struct Avx512 {
    avx2: Avx2,
}

impl Avx512 {
    /// `Some` when the CPU supports AVX-512 F, BW, DQ, VL and AVX2.
    pub fn new() -> Option<Avx512> {
        if is_x86_feature_detected!("avx512f")
            && is_x86_feature_detected!("avx512bw")
            && is_x86_feature_detected!("avx512dq")
            && is_x86_feature_detected!("avx512vl")
        {
            Avx2::new().map(|avx2| Avx512 { avx2 })
        } else {
            None
        }
    }
}

/// `i32` lane holding the `madd` tap pair (a for the even sample, b for the odd one).
const fn pair(a: i32, b: i32) -> i32 {
    (b << 16) | (a & 0xffff)
}
const LO01: i32 = pair(DWT_LO[0], DWT_LO[1]);
const LO23: i32 = pair(DWT_LO[2], DWT_LO[3]);
const HI01: i32 = pair(DWT_HI[0], DWT_HI[1]);
const HI23: i32 = pair(DWT_HI[2], DWT_HI[3]);
const DWT_HI_SUM: i32 = DWT_HI[0] + DWT_HI[1] + DWT_HI[2] + DWT_HI[3];

/// Odd 16-bit lanes (for pair blends).
const ODD16: __mmask32 = 0xAAAA_AAAA;

// ---------------------------------------------------------------------------------------------
// Loads and stores (bounds-checked slices; the only `unsafe` is the unaligned access itself).

#[inline(always)]
fn ld32(s: &[i16], i: usize) -> __m512i {
    let s = &s[i..i + 32];
    // SAFETY: `s` holds exactly 32 i16 (64 bytes); unaligned load. Callers are AVX-512
    // functions (this helper is only used inside this module).
    unsafe { _mm512_loadu_si512(s.as_ptr().cast()) }
}

#[inline(always)]
fn ld32u(s: &[u16], i: usize) -> __m512i {
    let s = &s[i..i + 32];
    // SAFETY: 32 u16 = 64 bytes in bounds; unaligned load; AVX-512 caller.
    unsafe { _mm512_loadu_si512(s.as_ptr().cast()) }
}

#[inline(always)]
fn ld32b(s: &[u8], i: usize) -> __m256i {
    let s = &s[i..i + 32];
    // SAFETY: 32 bytes in bounds; unaligned load; AVX-512 caller.
    unsafe { _mm256_loadu_si256(s.as_ptr().cast()) }
}

#[inline(always)]
fn ld16h(s: &[i16], i: usize) -> __m256i {
    let s = &s[i..i + 16];
    // SAFETY: 16 i16 = 32 bytes in bounds; unaligned load; AVX-512 caller.
    unsafe { _mm256_loadu_si256(s.as_ptr().cast()) }
}

#[inline(always)]
fn ld16(s: &[i32], i: usize) -> __m512i {
    let s = &s[i..i + 16];
    // SAFETY: 16 i32 = 64 bytes in bounds; unaligned load; AVX-512 caller.
    unsafe { _mm512_loadu_si512(s.as_ptr().cast()) }
}

#[inline(always)]
fn st32(s: &mut [i16], i: usize, v: __m512i) {
    let s = &mut s[i..i + 32];
    // SAFETY: 32 i16 = 64 bytes in bounds and exclusively borrowed; unaligned store.
    unsafe { _mm512_storeu_si512(s.as_mut_ptr().cast(), v) }
}

#[inline(always)]
fn st16(s: &mut [i32], i: usize, v: __m512i) {
    let s = &mut s[i..i + 16];
    // SAFETY: 16 i32 = 64 bytes in bounds and exclusively borrowed; unaligned store.
    unsafe { _mm512_storeu_si512(s.as_mut_ptr().cast(), v) }
}

/// `table[idx]` for 16 indices, each in `0..=65536` by the caller's construction.
#[inline(always)]
fn gather(table: &[i32], idx: __m512i) -> __m512i {
    assert!(table.len() >= 65537);
    // SAFETY: every index is in 0..=65536 (callers add 32768 to a value in -32768..=32767)
    // and the table has at least 65537 entries (checked above). AVX-512 caller.
    unsafe { _mm512_i32gather_epi32::<4>(idx, table.as_ptr()) }
}

// ---------------------------------------------------------------------------------------------
// Shared vector helpers.

/// Two natural-order `i32` vectors (lanes 0–15, 16–31) as 32 `i16`, saturating.
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
#[inline]
fn pack_nat(a: __m512i, b: __m512i) -> __m512i {
    _mm512_inserti64x4::<1>(
        _mm512_castsi256_si512(_mm512_cvtsepi32_epi16(a)),
        _mm512_cvtsepi32_epi16(b),
    )
}

/// The low 16 bits of each `i32` lane of two natural-order vectors, as 32 `i16`.
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
#[inline]
fn trunc_pack_nat(a: __m512i, b: __m512i) -> __m512i {
    _mm512_inserti64x4::<1>(
        _mm512_castsi256_si512(_mm512_cvtepi32_epi16(a)),
        _mm512_cvtepi32_epi16(b),
    )
}

/// Sign-extends 32 `i16` to two natural-order `i32` vectors.
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
#[inline]
fn widen(v: __m512i) -> (__m512i, __m512i) {
    (
        _mm512_cvtepi16_epi32(_mm512_castsi512_si256(v)),
        _mm512_cvtepi16_epi32(_mm512_extracti64x4_epi64::<1>(v)),
    )
}

/// The two 8-lane halves of 16 `i32` as sign-extended `i64`.
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
#[inline]
fn widen64(v: __m512i) -> (__m512i, __m512i) {
    (
        _mm512_cvtepi32_epi64(_mm512_castsi512_si256(v)),
        _mm512_cvtepi32_epi64(_mm512_extracti64x4_epi64::<1>(v)),
    )
}

/// The low 32 bits of two 8-lane `i64` vectors as 16 `i32`.
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
#[inline]
fn narrow64(lo: __m512i, hi: __m512i) -> __m512i {
    _mm512_inserti64x4::<1>(
        _mm512_castsi256_si512(_mm512_cvtepi64_epi32(lo)),
        _mm512_cvtepi64_epi32(hi),
    )
}

/// The two halves of 16 `i32` as `f64`.
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
#[inline]
fn to_pd(v: __m512i) -> (__m512d, __m512d) {
    (
        _mm512_cvtepi32_pd(_mm512_castsi512_si256(v)),
        _mm512_cvtepi32_pd(_mm512_extracti64x4_epi64::<1>(v)),
    )
}

/// The two halves of 16 `f32` as `f64`.
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
#[inline]
fn ps_to_pd(v: __m512) -> (__m512d, __m512d) {
    (
        _mm512_cvtps_pd(_mm512_castps512_ps256(v)),
        _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd::<1>(
            _mm512_castps_pd(v),
        ))),
    )
}

/// `ot^2 >= (cos1_sq * oo) * tt` in `f64` for 16 lanes (see [`super::avx2`]).
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
#[inline]
fn angle_ge(ot: __m512, oo: __m512, tt: __m512, c: __m512d) -> __mmask16 {
    let (ot0, ot1) = ps_to_pd(ot);
    let (oo0, oo1) = ps_to_pd(oo);
    let (tt0, tt1) = ps_to_pd(tt);
    let m0 = _mm512_cmp_pd_mask::<_CMP_GE_OQ>(
        _mm512_mul_pd(ot0, ot0),
        _mm512_mul_pd(_mm512_mul_pd(c, oo0), tt0),
    );
    let m1 = _mm512_cmp_pd_mask::<_CMP_GE_OQ>(
        _mm512_mul_pd(ot1, ot1),
        _mm512_mul_pd(_mm512_mul_pd(c, oo1), tt1),
    );
    (m0 as u16) | ((m1 as u16) << 8)
}

/// Sum of the eight `u64` lanes (wrapping).
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
#[inline]
fn hsum64(v: __m512i) -> u64 {
    _mm512_reduce_add_epi64(v) as u64
}

/// `(A << (16 - sh)) + K_hi + ((B + K_lo) >> sh)`, as [`super::avx2`]'s `Recombine`.
#[derive(Clone, Copy)]
struct Recombine {
    up: __m128i,
    sh: __m128i,
    k_hi: __m512i,
    k_lo: __m512i,
}

impl Recombine {
    #[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
    fn new(tap_sum: i32, add: i64, sh: u32) -> Recombine {
        let k = 32768 * tap_sum as i64 + add;
        Recombine {
            up: _mm_cvtsi32_si128(16 - sh as i32),
            sh: _mm_cvtsi32_si128(sh as i32),
            k_hi: _mm512_set1_epi32((k >> sh) as i32),
            k_lo: _mm512_set1_epi32((k & ((1 << sh) - 1)) as i32),
        }
    }
    #[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
    #[inline]
    fn apply(&self, a: __m512i, b: __m512i) -> __m512i {
        let hi = _mm512_add_epi32(_mm512_sll_epi32(a, self.up), self.k_hi);
        _mm512_add_epi32(
            hi,
            _mm512_sra_epi32(_mm512_add_epi32(b, self.k_lo), self.sh),
        )
    }
}

/// Stores 32 `i32` (two natural-order vectors) split into `h = v >> 16` and
/// `l = (v & 0xffff) - 32768` rows at `i`.
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
#[inline]
fn split_store(y0: __m512i, y1: __m512i, th: &mut [i16], tl: &mut [i16], i: usize) {
    st32(
        th,
        i,
        pack_nat(_mm512_srai_epi32::<16>(y0), _mm512_srai_epi32::<16>(y1)),
    );
    let m = _mm512_set1_epi32(0xffff);
    let b = _mm512_set1_epi32(32768);
    st32(
        tl,
        i,
        pack_nat(
            _mm512_sub_epi32(_mm512_and_si512(y0, m), b),
            _mm512_sub_epi32(_mm512_and_si512(y1, m), b),
        ),
    );
}

/// Like [`split_store`] for two vectors in `unpacklo/hi_epi16` order.
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
#[inline]
fn split_store_unpacked(yl: __m512i, yh: __m512i, th: &mut [i16], tl: &mut [i16], i: usize) {
    st32(
        th,
        i,
        _mm512_packs_epi32(_mm512_srai_epi32::<16>(yl), _mm512_srai_epi32::<16>(yh)),
    );
    let m = _mm512_set1_epi32(0xffff);
    let b = _mm512_set1_epi32(32768);
    st32(
        tl,
        i,
        _mm512_packs_epi32(
            _mm512_sub_epi32(_mm512_and_si512(yl, m), b),
            _mm512_sub_epi32(_mm512_and_si512(yh, m), b),
        ),
    );
}

// ---------------------------------------------------------------------------------------------
// Scale-0 DWT.

impl Avx512 {
    /// [`scalar::dwt_scale0`] (`ind_x` implied). `tmp` rows hold at least `w + 3` samples.
    /// Uses the AVX2 kernel when the output is narrower than 32.
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
        if w.div_ceil(2) < 32 {
            return self.avx2.dwt_scale0(
                src, src_stride, w, bpc, ind_y, tmp, out, out_stride, lo_only,
            );
        }
        // SAFETY: `self` proves AVX-512 F/BW/DQ/VL support.
        unsafe {
            dwt_scale0(
                src, src_stride, w, bpc, ind_y, tmp, out, out_stride, lo_only,
            )
        }
    }
}

#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
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
    assert!(w.div_ceil(2) >= 32);
    let w_out = w.div_ceil(2);
    let add_v = 1i32 << (bpc - 1);
    let sh = _mm_cvtsi32_si128(bpc as i32);
    let (lo01, lo23) = (_mm512_set1_epi32(LO01), _mm512_set1_epi32(LO23));
    let (hi01, hi23) = (_mm512_set1_epi32(HI01), _mm512_set1_epi32(HI23));
    let k_hi = _mm512_set1_epi32(add_v);
    let [tlo, thi, ..] = tmp;
    for (i, iy) in ind_y.iter().enumerate() {
        let k_lo = match src {
            Src::U8(_) => add_v.wrapping_sub(DWT_LO_SUM * add_v),
            // u16 samples enter biased by -32768: add 32768 * sum(LO) back (sum(HI) = 0).
            Src::U16(_) => add_v
                .wrapping_sub(DWT_LO_SUM * add_v)
                .wrapping_add(32768 * DWT_LO_SUM),
        };
        let k_lo = _mm512_set1_epi32(k_lo);
        let mut vert = |j: usize, s: [__m512i; 4]| {
            let p01l = _mm512_unpacklo_epi16(s[0], s[1]);
            let p01h = _mm512_unpackhi_epi16(s[0], s[1]);
            let p23l = _mm512_unpacklo_epi16(s[2], s[3]);
            let p23h = _mm512_unpackhi_epi16(s[2], s[3]);
            let fl = |t01, t23, k| {
                let l =
                    _mm512_add_epi32(_mm512_madd_epi16(p01l, t01), _mm512_madd_epi16(p23l, t23));
                let h =
                    _mm512_add_epi32(_mm512_madd_epi16(p01h, t01), _mm512_madd_epi16(p23h, t23));
                _mm512_packs_epi32(
                    _mm512_sra_epi32(_mm512_add_epi32(l, k), sh),
                    _mm512_sra_epi32(_mm512_add_epi32(h, k), sh),
                )
            };
            st32(tlo, j + 1, fl(lo01, lo23, k_lo));
            if !lo_only {
                st32(thi, j + 1, fl(hi01, hi23, k_hi));
            }
        };
        match src {
            Src::U8(p) => {
                let r = iy.map(|r| &p[r * src_stride..r * src_stride + w]);
                for j in block_starts(0, w, 32) {
                    let s = [
                        _mm512_cvtepu8_epi16(ld32b(r[0], j)),
                        _mm512_cvtepu8_epi16(ld32b(r[1], j)),
                        _mm512_cvtepu8_epi16(ld32b(r[2], j)),
                        _mm512_cvtepu8_epi16(ld32b(r[3], j)),
                    ];
                    vert(j, s);
                }
            }
            Src::U16(p) => {
                let r = iy.map(|r| &p[r * src_stride..r * src_stride + w]);
                let bias = _mm512_set1_epi16(i16::MIN);
                for j in block_starts(0, w, 32) {
                    let s = [
                        _mm512_xor_si512(ld32u(r[0], j), bias),
                        _mm512_xor_si512(ld32u(r[1], j), bias),
                        _mm512_xor_si512(ld32u(r[2], j), bias),
                        _mm512_xor_si512(ld32u(r[3], j), bias),
                    ];
                    vert(j, s);
                }
            }
        }
        pad_row(tlo, w);
        if !lo_only {
            pad_row(thi, w);
        }
        dwt0_horiz(tlo, thi, w_out, out, i * out_stride, lo_only);
    }
}

/// Horizontal scale-0 pass over padded rows (`lo[k]` = vertical output `k - 1`).
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
fn dwt0_horiz(lo: &[i16], hi: &[i16], w_out: usize, out: &mut Bands<i16>, o: usize, lo_only: bool) {
    let (lo01, lo23) = (_mm512_set1_epi32(LO01), _mm512_set1_epi32(LO23));
    let (hi01, hi23) = (_mm512_set1_epi32(HI01), _mm512_set1_epi32(HI23));
    let rnd = _mm512_set1_epi32(32768);
    let filt = |a0: __m512i, b0: __m512i, a1: __m512i, b1: __m512i, t01, t23| {
        let x0 = _mm512_add_epi32(_mm512_madd_epi16(a0, t01), _mm512_madd_epi16(b0, t23));
        let x1 = _mm512_add_epi32(_mm512_madd_epi16(a1, t01), _mm512_madd_epi16(b1, t23));
        pack_nat(
            _mm512_srai_epi32::<16>(_mm512_add_epi32(x0, rnd)),
            _mm512_srai_epi32::<16>(_mm512_add_epi32(x1, rnd)),
        )
    };
    let Bands { a, hvd: [h, v, d] } = out;
    let (a, h, v, d) = (
        &mut a[o..o + w_out],
        &mut h[o..o + w_out],
        &mut v[o..o + w_out],
        &mut d[o..o + w_out],
    );
    for j in block_starts(0, w_out, 32) {
        let b = 2 * j;
        let (la0, lb0, la1, lb1) = (
            ld32(lo, b),
            ld32(lo, b + 2),
            ld32(lo, b + 32),
            ld32(lo, b + 34),
        );
        st32(a, j, filt(la0, lb0, la1, lb1, lo01, lo23));
        if lo_only {
            continue;
        }
        st32(v, j, filt(la0, lb0, la1, lb1, hi01, hi23));
        let (ha0, hb0, ha1, hb1) = (
            ld32(hi, b),
            ld32(hi, b + 2),
            ld32(hi, b + 32),
            ld32(hi, b + 34),
        );
        st32(h, j, filt(ha0, hb0, ha1, hb1, lo01, lo23));
        st32(d, j, filt(ha0, hb0, ha1, hb1, hi01, hi23));
    }
}

// ---------------------------------------------------------------------------------------------
// Scale 1–3 DWT.

impl Avx512 {
    /// [`scalar::dwt_s123`] (`ind_x` implied). `tmp` rows hold at least `w + 3` samples.
    /// Uses the AVX2 kernel when `w < 32`.
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
        if w < 32 {
            return self.avx2.dwt_s123(
                src, src_stride, w, scale, ind_y, ind_x, tmp, tmp32, out, out_stride,
            );
        }
        // SAFETY: `self` proves AVX-512 F/BW/DQ/VL support.
        unsafe { dwt_s123(src, src_stride, w, scale, ind_y, tmp, out, out_stride) }
    }
}

#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
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
    let (lo01, lo23) = (_mm512_set1_epi32(LO01), _mm512_set1_epi32(LO23));
    let (hi01, hi23) = (_mm512_set1_epi32(HI01), _mm512_set1_epi32(HI23));
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
                for j in block_starts(0, w, 32) {
                    let s = [ld32(r[0], j), ld32(r[1], j), ld32(r[2], j), ld32(r[3], j)];
                    let p01l = _mm512_unpacklo_epi16(s[0], s[1]);
                    let p01h = _mm512_unpackhi_epi16(s[0], s[1]);
                    let p23l = _mm512_unpacklo_epi16(s[2], s[3]);
                    let p23h = _mm512_unpackhi_epi16(s[2], s[3]);
                    let f = |t01, t23| {
                        (
                            _mm512_add_epi32(
                                _mm512_madd_epi16(p01l, t01),
                                _mm512_madd_epi16(p23l, t23),
                            ),
                            _mm512_add_epi32(
                                _mm512_madd_epi16(p01h, t01),
                                _mm512_madd_epi16(p23h, t23),
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
                let bias = _mm512_set1_epi32(0x8000_8000u32 as i32);
                for j in block_starts(0, w, 32) {
                    let mut y = [[_mm512_setzero_si512(); 2]; 2];
                    for (half, yh) in y.iter_mut().enumerate() {
                        let c = j + 16 * half;
                        let v = [ld16(r[0], c), ld16(r[1], c), ld16(r[2], c), ld16(r[3], c)];
                        // (h0, h1) and (l0, l1) pairs per column, l biased to i16
                        let h01 =
                            _mm512_mask_blend_epi16(ODD16, _mm512_srli_epi32::<16>(v[0]), v[1]);
                        let h23 =
                            _mm512_mask_blend_epi16(ODD16, _mm512_srli_epi32::<16>(v[2]), v[3]);
                        let l01 = _mm512_xor_si512(
                            _mm512_mask_blend_epi16(ODD16, v[0], _mm512_slli_epi32::<16>(v[1])),
                            bias,
                        );
                        let l23 = _mm512_xor_si512(
                            _mm512_mask_blend_epi16(ODD16, v[2], _mm512_slli_epi32::<16>(v[3])),
                            bias,
                        );
                        let f = |t01, t23, r: &Recombine| {
                            r.apply(
                                _mm512_add_epi32(
                                    _mm512_madd_epi16(h01, t01),
                                    _mm512_madd_epi16(h23, t23),
                                ),
                                _mm512_add_epi32(
                                    _mm512_madd_epi16(l01, t01),
                                    _mm512_madd_epi16(l23, t23),
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
        // horizontal pass: 16 outputs per step
        let o = i * out_stride;
        let Bands { a, hvd: [h, v, d] } = &mut *out;
        let (a, h, v, d) = (
            &mut a[o..o + w_out],
            &mut h[o..o + w_out],
            &mut v[o..o + w_out],
            &mut d[o..o + w_out],
        );
        for j in block_starts(0, w_out, 16) {
            let b = 2 * j;
            let f = |th: &[i16], tl: &[i16], t01, t23, r: &Recombine| {
                r.apply(
                    _mm512_add_epi32(
                        _mm512_madd_epi16(ld32(th, b), t01),
                        _mm512_madd_epi16(ld32(th, b + 2), t23),
                    ),
                    _mm512_add_epi32(
                        _mm512_madd_epi16(ld32(tl, b), t01),
                        _mm512_madd_epi16(ld32(tl, b + 2), t23),
                    ),
                )
            };
            st16(a, j, f(th_lo, tl_lo, lo01, lo23, &rh_lo));
            st16(v, j, f(th_lo, tl_lo, hi01, hi23, &rh_hi));
            st16(h, j, f(th_hi, tl_hi, lo01, lo23, &rh_lo));
            st16(d, j, f(th_hi, tl_hi, hi01, hi23, &rh_hi));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Decoupling.

/// How `rst * egl` is truncated: exactly in integers when `egl` is a small integer.
#[derive(Clone, Copy)]
enum Gain {
    Int(__m512i),
    Float(__m512d),
}

impl Gain {
    #[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
    fn new(egl: f64) -> Gain {
        if egl.fract() == 0.0 && (1.0..=32767.0).contains(&egl) {
            Gain::Int(_mm512_set1_epi32(egl as i32))
        } else {
            Gain::Float(_mm512_set1_pd(egl))
        }
    }

    /// `trunc(rst * egl)` per `i16` lane, saturated to `i16` (32 lanes, natural order).
    #[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
    #[inline]
    fn apply32(self, rst: __m512i) -> __m512i {
        match self {
            Gain::Int(g) => {
                // (rst, 0) pairs times (egl, 0): exact i32 products; packs saturates.
                let z = _mm512_setzero_si512();
                let l = _mm512_madd_epi16(_mm512_unpacklo_epi16(rst, z), g);
                let h = _mm512_madd_epi16(_mm512_unpackhi_epi16(rst, z), g);
                _mm512_packs_epi32(l, h)
            }
            Gain::Float(g) => {
                let (l, h) = widen(rst);
                pack_nat(mul_trunc(l, g), mul_trunc(h, g))
            }
        }
    }
}

/// `trunc(x * g)` for 16 `i32` lanes in `f64`, clamped to +-2^30 (callers saturate to `i16`).
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
#[inline]
fn mul_trunc(x: __m512i, g: __m512d) -> __m512i {
    let lim = _mm512_set1_pd((1 << 30) as f64);
    let nlim = _mm512_set1_pd(-(1 << 30) as f64);
    let f = |v: __m512d| {
        let y = _mm512_mul_pd(v, g);
        _mm512_cvttpd_epi32(_mm512_max_pd(_mm512_min_pd(y, lim), nlim))
    };
    let (l, h) = to_pd(x);
    _mm512_inserti64x4::<1>(_mm512_castsi256_si512(f(l)), f(h))
}

/// Scale-0 decoupling of columns `j0..j1` (`j1 - j0 >= 32`) of one row.
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
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
    let c = _mm512_set1_pd(cos1_sq as f64);
    let gain = Gain::new(egl);
    let min32 = _mm512_set1_epi32(i32::MIN);
    let abs_mask = _mm512_set1_epi32(i32::MAX);
    let off = _mm512_set1_epi32(32768);
    let lo15 = _mm512_set1_epi32(0x7fff);
    let r14 = _mm512_set1_epi32(16384);
    let zero = _mm512_setzero_si512();
    let one16 = _mm512_set1_epi16(1);
    let max16 = _mm512_set1_epi16(i16::MAX);
    for j in block_starts(j0, j1, 32) {
        let ov = [ld32(o[0], j), ld32(o[1], j), ld32(o[2], j)];
        let tv = [ld32(t[0], j), ld32(t[1], j), ld32(t[2], j)];

        // angle flag: exact i32 dot products (only all four = -32768 wraps, to -2^31 for
        // +2^31; oo and tt are never negative, so their f32 is made absolute)
        let ol = _mm512_unpacklo_epi16(ov[0], ov[1]);
        let oh = _mm512_unpackhi_epi16(ov[0], ov[1]);
        let tl = _mm512_unpacklo_epi16(tv[0], tv[1]);
        let th = _mm512_unpackhi_epi16(tv[0], tv[1]);
        let flag16 = |op: __m512i, tp: __m512i| {
            let ot = _mm512_madd_epi16(op, tp);
            let oo = _mm512_madd_epi16(op, op);
            let tt = _mm512_madd_epi16(tp, tp);
            let wrapped = _mm512_cmpeq_epi32_mask(ot, min32);
            let otf = _mm512_castps_si512(_mm512_cvtepi32_ps(ot));
            let ot = _mm512_castsi512_ps(_mm512_mask_xor_epi32(otf, wrapped, otf, min32));
            let oo = _mm512_castsi512_ps(_mm512_and_si512(
                _mm512_castps_si512(_mm512_cvtepi32_ps(oo)),
                abs_mask,
            ));
            let tt = _mm512_castsi512_ps(_mm512_and_si512(
                _mm512_castps_si512(_mm512_cvtepi32_ps(tt)),
                abs_mask,
            ));
            let pos = _mm512_cmp_ps_mask::<_CMP_GE_OQ>(ot, _mm512_setzero_ps());
            _mm512_movm_epi32(pos & angle_ge(ot, oo, tt, c))
        };
        // unpack order in, natural order out
        let flag = _mm512_movepi16_mask(_mm512_packs_epi32(flag16(ol, tl), flag16(oh, th)));

        for th in 0..3 {
            let (o16, t16) = (ov[th], tv[th]);
            let (o0, o1) = widen(o16);
            let (t0, t1) = widen(t16);
            let k = |o32: __m512i, t32: __m512i| {
                let rcp = gather(div_lookup, _mm512_add_epi32(o32, off));
                // (R * t + 2^14) >> 15 = (R >> 15) * t + (((R & 0x7fff) * t + 2^14) >> 15)
                let hi = _mm512_mullo_epi32(_mm512_srai_epi32::<15>(rcp), t32);
                let lo = _mm512_mullo_epi32(_mm512_and_si512(rcp, lo15), t32);
                let k = _mm512_add_epi32(hi, _mm512_srai_epi32::<15>(_mm512_add_epi32(lo, r14)));
                // clamp to [0, 32768], minus one so that it packs to i16 exactly
                _mm512_sub_epi32(
                    _mm512_min_epi32(_mm512_max_epi32(k, zero), off),
                    _mm512_set1_epi32(1),
                )
            };
            let km1 = pack_nat(k(o0, t0), k(o1, t1));
            let full = _mm512_cmpeq_epi16_mask(km1, max16);
            // (k * o + 2^14) >> 15, k = 32768 giving o
            let rst = _mm512_mask_blend_epi16(
                full,
                _mm512_mulhrs_epi16(_mm512_add_epi16(km1, one16), o16),
                o16,
            );
            let en = flag & _mm512_cmpgt_epi16_mask(km1, _mm512_set1_epi16(-1));
            let pos = en & _mm512_cmpgt_epi16_mask(o16, zero);
            let neg = en & _mm512_cmplt_epi16_mask(o16, zero);
            let g = gain.apply32(rst);
            let rst = _mm512_mask_blend_epi16(pos, rst, _mm512_min_epi16(g, t16));
            let rst = _mm512_mask_blend_epi16(neg, rst, _mm512_max_epi16(g, t16));
            st32(r[th], j, rst);
            st32(a[th], j, _mm512_sub_epi16(t16, rst));
        }
    }
}

impl Avx512 {
    /// [`scalar::decouple_scale0`]. Uses the AVX2 kernel when the region is narrower than 32.
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
        if reg.right - reg.left < 32 {
            return self
                .avx2
                .decouple_scale0(rf, df, stride, w, h, egl, cos1_sq, div_lookup, r, a);
        }
        for i in reg.top..reg.bottom {
            let o = i * stride;
            // SAFETY: `self` proves AVX-512 F/BW/DQ/VL support.
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

/// `floor(2^30 / m)` for 16 lanes `m` in `0..=32768` (0 for `m = 0`), as [`super::avx2`]'s
/// `recip30` (same proof).
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
#[inline]
fn recip30(m: __m512i) -> __m512i {
    let mf = _mm512_cvtepi32_ps(m);
    let rcp = _mm512_div_ps(_mm512_set1_ps(1.0), mf);
    let r0 = _mm512_cvttps_epi32(_mm512_mul_ps(rcp, _mm512_set1_ps((1u32 << 30) as f32)));
    let rem = _mm512_sub_epi32(_mm512_set1_epi32(1 << 30), _mm512_mullo_epi32(r0, m));
    // two roundings (no FMA), as in the AVX2 proof
    let q = _mm512_add_ps(
        _mm512_mul_ps(_mm512_cvtepi32_ps(rem), rcp),
        _mm512_set1_ps(2f32.powi(-16)),
    );
    let fix = _mm512_cvttps_epi32(_mm512_roundscale_ps::<
        { _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC },
    >(q));
    let r = _mm512_add_epi32(r0, fix);
    // m = 0: 1/0 = inf gives garbage; the table holds 0
    _mm512_maskz_mov_epi32(_mm512_test_epi32_mask(m, m), r)
}

/// Exact angle flags of 16 pixels at scales 1–3: the wrapping `i64` dot products of
/// [`scalar::angle_flag`], rounded to `f32` once by `vcvtqq2ps`, compared in `f64`.
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
#[inline]
fn angle_s123(o: &[__m512i; 3], t: &[__m512i; 3], c: __m512d) -> __mmask16 {
    let (oh0, oh1) = widen64(o[0]);
    let (ov0, ov1) = widen64(o[1]);
    let (th0, th1) = widen64(t[0]);
    let (tv0, tv1) = widen64(t[1]);
    let half = |oh: __m512i, ov: __m512i, th: __m512i, tv: __m512i| {
        let dot = |a: __m512i, b: __m512i, c: __m512i, d: __m512i| {
            _mm512_cvtps_pd(_mm512_cvtepi64_ps(_mm512_add_epi64(
                _mm512_mul_epi32(a, b),
                _mm512_mul_epi32(c, d),
            )))
        };
        let ot = dot(oh, th, ov, tv);
        let oo = dot(oh, oh, ov, ov);
        let tt = dot(th, th, tv, tv);
        let ge = _mm512_cmp_pd_mask::<_CMP_GE_OQ>(
            _mm512_mul_pd(ot, ot),
            _mm512_mul_pd(_mm512_mul_pd(c, oo), tt),
        );
        ge & _mm512_cmp_pd_mask::<_CMP_GE_OQ>(ot, _mm512_setzero_pd())
    };
    let m0 = half(oh0, ov0, th0, tv0);
    let m1 = half(oh1, ov1, th1, tv1);
    (m0 as u16) | ((m1 as u16) << 8)
}

/// Scale 1–3 decoupling of columns `j0..j1` (`j1 - j0 >= 16`) of one row.
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
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
    let c = _mm512_set1_pd(cos1_sq as f64);
    let g = _mm512_set1_pd(egl);
    let zero = _mm512_setzero_si512();
    let one = _mm512_set1_epi32(1);
    let kmax = _mm512_set1_epi64(32768);
    let r14 = _mm512_set1_epi64(16384);
    let bias127 = _mm512_set1_epi32(127 + 6);
    for j in block_starts(j0, j1, 16) {
        let ov = [ld16(o[0], j), ld16(o[1], j), ld16(o[2], j)];
        let tv = [ld16(t[0], j), ld16(t[1], j), ld16(t[2], j)];
        let flag = angle_s123(&ov, &tv, c);
        for th in 0..3 {
            let (o32, t32) = (ov[th], tv[th]);
            // get_best15_from32 as in the AVX2 kernel
            let abs_o = _mm512_abs_epi32(o32);
            let small = _mm512_cmpeq_epi32_mask(_mm512_srli_epi32::<15>(abs_o), zero);
            let e = _mm512_srli_epi32::<23>(_mm512_castps_si512(_mm512_cvtepi32_ps(
                _mm512_srli_epi32::<8>(abs_o),
            )));
            let shift = _mm512_maskz_sub_epi32(!small, e, bias127);
            let rounded = _mm512_srlv_epi32(
                _mm512_add_epi32(abs_o, _mm512_sllv_epi32(one, _mm512_sub_epi32(shift, one))),
                shift,
            );
            let msb = _mm512_mask_blend_epi32(small, rounded, abs_o);
            let rcp = recip30(msb);
            // k = (R * t * sign + (int)(1 << (14 + shift))) >> (15 + shift), in i64 lanes
            let neg_o = _mm512_cmplt_epi32_mask(o32, zero);
            let round = _mm512_sllv_epi32(_mm512_set1_epi32(1 << 14), shift);
            let n = _mm512_add_epi32(shift, _mm512_set1_epi32(15));
            let (rcp0, rcp1) = widen64(rcp);
            let (t0, t1) = widen64(t32);
            let (o0, o1) = widen64(o32);
            let (rd0, rd1) = widen64(round);
            let (n0, n1) = widen64(n);
            let k64 = |rcp: __m512i, t: __m512i, sg: __mmask8, round: __m512i, n: __m512i| {
                let prod = _mm512_mul_epi32(rcp, t);
                let prod = _mm512_mask_sub_epi64(prod, sg, zero, prod);
                let k = _mm512_srav_epi64(_mm512_add_epi64(prod, round), n);
                _mm512_min_epi64(_mm512_max_epi64(k, zero), kmax)
            };
            let k0 = k64(rcp0, t0, neg_o as u8, rd0, n0);
            let k1 = k64(rcp1, t1, (neg_o >> 8) as u8, rd1, n1);
            // rst = (k * o + 2^14) >> 15 (truncated to i32)
            let rst0 = _mm512_srai_epi64::<15>(_mm512_add_epi64(_mm512_mul_epi32(k0, o0), r14));
            let rst1 = _mm512_srai_epi64::<15>(_mm512_add_epi64(_mm512_mul_epi32(k1, o1), r14));
            let rst = narrow64(rst0, rst1);
            let kpos = (_mm512_cmpgt_epi64_mask(k0, zero) as u16)
                | ((_mm512_cmpgt_epi64_mask(k1, zero) as u16) << 8);
            let en = flag & kpos & _mm512_test_epi32_mask(o32, o32);
            // enhancement (skipped when no lane qualifies): min(rst * egl, t) where o > 0,
            // max where o < 0, in f64 and truncated (the result lies between 0 and t)
            let rst = if en != 0 {
                let (r0, r1) = to_pd(rst);
                let (tt0, tt1) = to_pd(t32);
                let (x0, x1) = (_mm512_mul_pd(r0, g), _mm512_mul_pd(r1, g));
                let join =
                    |l: __m256i, h: __m256i| _mm512_inserti64x4::<1>(_mm512_castsi256_si512(l), h);
                let mn = join(
                    _mm512_cvttpd_epi32(_mm512_min_pd(x0, tt0)),
                    _mm512_cvttpd_epi32(_mm512_min_pd(x1, tt1)),
                );
                let mx = join(
                    _mm512_cvttpd_epi32(_mm512_max_pd(x0, tt0)),
                    _mm512_cvttpd_epi32(_mm512_max_pd(x1, tt1)),
                );
                let rst = _mm512_mask_blend_epi32(en & neg_o, rst, mx);
                _mm512_mask_blend_epi32(en & !neg_o, rst, mn)
            } else {
                rst
            };
            st16(r[th], j, rst);
            st16(a[th], j, _mm512_sub_epi32(t32, rst));
        }
    }
}

impl Avx512 {
    /// [`scalar::decouple_s123`]. Uses the AVX2 kernel when the region is narrower than 16.
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
        if reg.right - reg.left < 16 {
            return self
                .avx2
                .decouple_s123(rf, df, stride, w, h, egl, cos1_sq, div_lookup, r, a);
        }
        for i in reg.top..reg.bottom {
            let o = i * stride;
            // SAFETY: `self` proves AVX-512 F/BW/DQ/VL support.
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

/// `(4369 * |d| + 2048) >> 12` (or with 8738 when `twice`) per `i16` lane, wrapped to `i16`.
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
#[inline]
fn div30_16(d: __m512i, twice: bool) -> __m512i {
    let u = _mm512_abs_epi16(d); // -32768 -> 0x8000 = 32768 as u16
    let c = _mm512_set1_epi16(if twice { 8736 } else { 4368 });
    let lo = _mm512_mullo_epi16(u, c);
    let hi = _mm512_mulhi_epu16(u, c);
    let base = if twice { _mm512_add_epi16(u, u) } else { u };
    _mm512_add_epi16(_mm512_add_epi16(base, hi), _mm512_srli_epi16::<15>(lo))
}

/// Scale-0 CSF of columns `j0..j1` (`>= 32`) of one row: `dst`, and `flt` and/or the
/// orientation sum of `flt` as `i32` (`fsum`).
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
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
    let rf = [
        _mm512_set1_epi32(rfactor[0] as i32),
        _mm512_set1_epi32(rfactor[1] as i32),
        _mm512_set1_epi32(rfactor[2] as i32),
    ];
    for j in block_starts(j0, j1, 32) {
        let mut s0 = _mm512_setzero_si512();
        let mut s1 = _mm512_setzero_si512();
        for th in 0..3 {
            let (x0, x1) = widen(ld32(src[th], j));
            let add = _mm512_set1_epi32(ROUND[th].0);
            let sh = _mm_cvtsi32_si128(ROUND[th].1);
            let f = |s: __m512i| {
                _mm512_sra_epi32(_mm512_add_epi32(_mm512_mullo_epi32(s, rf[th]), add), sh)
            };
            let d = trunc_pack_nat(f(x0), f(x1));
            st32(dst[th], j, d);
            let fl = div30_16(d, false);
            if let Some(flt) = flt.as_mut() {
                st32(flt[th], j, fl);
            }
            let (f0, f1) = widen(fl);
            s0 = _mm512_add_epi32(s0, f0);
            s1 = _mm512_add_epi32(s1, f1);
        }
        if let Some(fs) = fsum.as_mut() {
            st16(fs, j, s0);
            st16(fs, j + 16, s1);
        }
    }
}

impl Avx512 {
    /// [`scalar::csf_scale0`]. Uses the AVX2 kernel when the region is narrower than 32.
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
        if reg.right - reg.left < 32 {
            return self.avx2.csf_scale0(src, stride, w, h, rfactor, dst, flt);
        }
        for i in reg.top..reg.bottom {
            let o = i * stride;
            // SAFETY: `self` proves AVX-512 F/BW/DQ/VL support.
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

/// `(rfactor * v + 2^27) >> 28` truncated to `i32` ([`scalar::weight_s123`]) for 16 lanes.
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
#[inline]
fn weight16(v: __m512i, rf: __m512i) -> __m512i {
    let a = _mm512_abs_epi32(v); // |i32::MIN| = 2^31 as u32
    let neg = _mm512_cmplt_epi32_mask(v, _mm512_setzero_si512());
    let r27 = _mm512_set1_epi64(1 << 27);
    let f = |a: __m256i, neg: __mmask8| {
        let p = _mm512_mul_epu32(_mm512_cvtepu32_epi64(a), rf);
        let p = _mm512_mask_sub_epi64(p, neg, _mm512_setzero_si512(), p);
        _mm512_srai_epi64::<28>(_mm512_add_epi64(p, r27))
    };
    narrow64(
        f(_mm512_castsi512_si256(a), neg as u8),
        f(_mm512_extracti64x4_epi64::<1>(a), (neg >> 8) as u8),
    )
}

/// `(m * wrapping_abs(d) as i64 - 2^31) >> 32` truncated to `i32`, for 16 lanes.
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
#[inline]
fn mul_hi32(d: __m512i, m: __m512i) -> __m512i {
    let (a0, a1) = widen64(_mm512_abs_epi32(d)); // i32::MIN stays i32::MIN, as in C
    let add = _mm512_set1_epi64(i32::MIN as i64);
    narrow64(
        _mm512_srai_epi64::<32>(_mm512_add_epi64(_mm512_mul_epi32(a0, m), add)),
        _mm512_srai_epi64::<32>(_mm512_add_epi64(_mm512_mul_epi32(a1, m), add)),
    )
}

/// Scale 1–3 CSF of columns `j0..j1` (`>= 16`) of one row: `dst`, and `flt` and/or the
/// orientation sum of `flt` (`fsum`, wrapping).
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
fn csf123_row(
    src: [&[i32]; 3],
    j0: usize,
    j1: usize,
    rfactor: [u32; 3],
    dst: [&mut [i32]; 3],
    mut flt: Option<[&mut [i32]; 3]>,
    mut fsum: Option<&mut [i32]>,
) {
    let m30 = _mm512_set1_epi64(143165577);
    let rf = [
        _mm512_set1_epi64(rfactor[0] as i64),
        _mm512_set1_epi64(rfactor[1] as i64),
        _mm512_set1_epi64(rfactor[2] as i64),
    ];
    for j in block_starts(j0, j1, 16) {
        let mut s = _mm512_setzero_si512();
        for th in 0..3 {
            let d = weight16(ld16(src[th], j), rf[th]);
            st16(dst[th], j, d);
            let fl = mul_hi32(d, m30);
            if let Some(flt) = flt.as_mut() {
                st16(flt[th], j, fl);
            }
            s = _mm512_add_epi32(s, fl);
        }
        if let Some(fs) = fsum.as_mut() {
            st16(fs, j, s);
        }
    }
}

impl Avx512 {
    /// [`scalar::csf_s123`]. Uses the AVX2 kernel when the region is narrower than 16.
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
        if reg.right - reg.left < 16 {
            return self.avx2.csf_s123(src, stride, w, h, rfactor, dst, flt);
        }
        for i in reg.top..reg.bottom {
            let o = i * stride;
            // SAFETY: `self` proves AVX-512 F/BW/DQ/VL support.
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

/// Lanes `l >= skip` of `n` (the part of an overlapping last block not yet counted).
fn keep_bits(skip: usize, n: usize) -> u64 {
    let all = if n == 64 { u64::MAX } else { (1u64 << n) - 1 };
    all & !((1u64 << skip) - 1)
}

impl Avx512 {
    /// [`scalar::csf_den_scale0`]. Uses the AVX2 kernel when the region is narrower than 32.
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
        if reg.right - reg.left < 32 {
            return self.avx2.csf_den_scale0(bands, stride, w, h, rf_cubed, nw);
        }
        // SAFETY: `self` proves AVX-512 F/BW/DQ/VL support.
        unsafe { csf_den_scale0(bands, stride, w, h, rf_cubed, nw) }
    }
}

#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
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
            let mut acc = _mm512_setzero_si512();
            for j in block_starts(reg.left, reg.right, 32) {
                let keep = keep_bits(skip_of(j, reg.left, 32), 32) as __mmask32;
                let b = _mm512_maskz_mov_epi16(keep, ld32(&bands[th], i * stride + j));
                let u = _mm512_abs_epi16(b);
                // |b| zero-extended: madd of (u, 0) pairs squares exactly (2^30 max)
                let cube = |u32v: __m512i| {
                    let sq = _mm512_madd_epi16(u32v, u32v);
                    _mm512_add_epi64(
                        _mm512_mul_epu32(sq, u32v),
                        _mm512_mul_epu32(
                            _mm512_srli_epi64::<32>(sq),
                            _mm512_srli_epi64::<32>(u32v),
                        ),
                    )
                };
                let lo = _mm512_cvtepu16_epi32(_mm512_castsi512_si256(u));
                let hi = _mm512_cvtepu16_epi32(_mm512_extracti64x4_epi64::<1>(u));
                acc = _mm512_add_epi64(acc, _mm512_add_epi64(cube(lo), cube(hi)));
            }
            let inner = hsum64(acc);
            accum = accum.wrapping_add(inner.wrapping_add(add) >> shift);
        }
        let div = 2f64.powf((18 - shift as i32) as f64);
        csf[th] = ((accum as f64 / div) * rf_cubed[th]) as f32;
    }
    scalar::cube_root_sum(csf, area, nw)
}

impl Avx512 {
    /// [`scalar::csf_den_s123`]. Uses the AVX2 kernel when the region is narrower than 16.
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
        if reg.right - reg.left < 16 {
            return self
                .avx2
                .csf_den_s123(bands, stride, w, h, scale, rf_cubed, nw);
        }
        // SAFETY: `self` proves AVX-512 F/BW/DQ/VL support.
        unsafe { csf_den_s123(bands, stride, w, h, scale, rf_cubed, nw) }
    }
}

#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
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
    let v_add_sq = _mm512_set1_epi64(1i64 << sq);
    let v_sq = _mm_cvtsi32_si128(sq as i32);
    let v_add_cub = _mm512_set1_epi64(add_cub as i64);
    let v_cub = _mm_cvtsi32_si128(shift_cub as i32);
    let mut csf = [0f32; 3];
    for th in 0..3 {
        let mut accum = 0u64;
        for i in reg.top..reg.bottom {
            let mut acc = _mm512_setzero_si512();
            for j in block_starts(reg.left, reg.right, 16) {
                let keep = keep_bits(skip_of(j, reg.left, 16), 16) as __mmask16;
                let b = ld16(&bands[th], i * stride + j);
                let m = _mm512_maskz_abs_epi32(keep, b);
                // ((m^2 + 2^sq) >> sq) * m + add_cub) >> shift_cub, m <= 2^31, all u64
                let f = |m: __m512i| {
                    let s =
                        _mm512_srl_epi64(_mm512_add_epi64(_mm512_mul_epu32(m, m), v_add_sq), v_sq);
                    // s can reach 2^32 + 1 (m = 2^31, sq = 30): 64 x 32-bit product
                    let p = _mm512_add_epi64(
                        _mm512_mul_epu32(s, m),
                        _mm512_slli_epi64::<32>(_mm512_mul_epu32(_mm512_srli_epi64::<32>(s), m)),
                    );
                    _mm512_srl_epi64(_mm512_add_epi64(p, v_add_cub), v_cub)
                };
                acc = _mm512_add_epi64(acc, _mm512_add_epi64(f(m), f(_mm512_srli_epi64::<32>(m))));
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
/// sh_cub`, summed in `i64` lanes (AVX-512 shifts `i64` arithmetically, so no bias is needed).
#[derive(Clone, Copy)]
struct Cube {
    add_sq: __m512i,
    sh_sq: __m128i,
    add_cub: __m512i,
    sh_cub: __m128i,
}

impl Cube {
    #[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
    fn new(add_sq: i64, sh_sq: u32, add_cub: i64, sh_cub: u32) -> Cube {
        Cube {
            add_sq: _mm512_set1_epi64(add_sq),
            sh_sq: _mm_cvtsi32_si128(sh_sq as i32),
            add_cub: _mm512_set1_epi64(add_cub),
            sh_cub: _mm_cvtsi32_si128(sh_cub as i32),
        }
    }

    /// Adds the cubes of 16 lanes `x` (0 <= x < 2^31) to `acc`.
    #[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
    #[inline]
    fn add(&self, x: __m512i, acc: __m512i) -> __m512i {
        let f = |x: __m512i| {
            let sq = _mm512_srl_epi64(
                _mm512_add_epi64(_mm512_mul_epu32(x, x), self.add_sq),
                self.sh_sq,
            );
            // low 32 bits of sq as i32 (the C narrowing) times x, exact in i64
            let v = _mm512_add_epi64(_mm512_mul_epi32(sq, x), self.add_cub);
            _mm512_sra_epi64(v, self.sh_cub)
        };
        _mm512_add_epi64(acc, _mm512_add_epi64(f(x), f(_mm512_srli_epi64::<32>(x))))
    }

    /// The wrapping sum of the lanes of `acc`.
    #[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
    fn total(&self, acc: __m512i) -> i64 {
        hsum64(acc) as i64
    }
}

/// Vector constants of scale-0 contrast masking.
struct Cm0 {
    cube: [Cube; 3],
    sub: [__m128i; 3],
    rf: [__m512i; 3],
}

impl Cm0 {
    #[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
    fn new(s: &Cm0Shifts, rfactor: [u16; 3]) -> Cm0 {
        const SHIFT_SUB: [i32; 3] = [10, 10, 12];
        const SQ: [(i64, u32); 3] = [(1 << 28, 29), (1 << 28, 29), (1 << 29, 30)];
        Cm0 {
            cube: [
                Cube::new(SQ[0].0, SQ[0].1, s.add_cub[0], s.shift_cub[0]),
                Cube::new(SQ[1].0, SQ[1].1, s.add_cub[1], s.shift_cub[1]),
                Cube::new(SQ[2].0, SQ[2].1, s.add_cub[2], s.shift_cub[2]),
            ],
            sub: [
                _mm_cvtsi32_si128(SHIFT_SUB[0]),
                _mm_cvtsi32_si128(SHIFT_SUB[1]),
                _mm_cvtsi32_si128(SHIFT_SUB[2]),
            ],
            rf: [
                _mm512_set1_epi32(rfactor[0] as i32),
                _mm512_set1_epi32(rfactor[1] as i32),
                _mm512_set1_epi32(rfactor[2] as i32),
            ],
        }
    }
}

/// `srow[c] = ru[c] + ri[c] + rd[c]` for `c` in `c0..c1` (`>= 16` wide).
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
#[inline]
fn sum3_row(r3: [&[i32]; 3], c0: usize, c1: usize, srow: &mut [i32]) {
    for c in block_starts(c0, c1, 16) {
        let s = _mm512_add_epi32(
            _mm512_add_epi32(ld16(r3[0], c), ld16(r3[1], c)),
            ld16(r3[2], c),
        );
        st16(srow, c, s);
    }
}

/// `S[c-1] + S[c] + S[c+1] - R_i[c]` for 16 lanes at `c`.
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
#[inline]
fn ring16(srow: &[i32], ri: &[i32], c: usize) -> __m512i {
    let s3 = _mm512_add_epi32(
        _mm512_add_epi32(ld16(srow, c - 1), ld16(srow, c)),
        ld16(srow, c + 1),
    );
    _mm512_sub_epi32(s3, ld16(ri, c))
}

/// One row of scale-0 contrast masking (see [`super::avx2`]; `j1 - j0 >= 32`).
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
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
    let zero = _mm512_setzero_si512();
    let mut acc = [zero; 3];
    for j in block_starts(j0, j1, 32) {
        let keep = keep_bits(skip_of(j, j0, 32), 32);
        let centre = [
            widen(div30_16(ld32(dst[0], j), true)),
            widen(div30_16(ld32(dst[1], j), true)),
            widen(div30_16(ld32(dst[2], j), true)),
        ];
        let s = [
            widen(ld32(src[0], j)),
            widen(ld32(src[1], j)),
            widen(ld32(src[2], j)),
        ];
        for q in 0..2 {
            let pick = |v: (__m512i, __m512i)| if q == 0 { v.0 } else { v.1 };
            let c = j + 16 * q;
            let kq = (keep >> (16 * q)) as __mmask16;
            let cs = _mm512_add_epi32(
                _mm512_add_epi32(pick(centre[0]), pick(centre[1])),
                pick(centre[2]),
            );
            let thr = _mm512_add_epi32(ring16(srow, r3[1], c), cs);
            for t in 0..3 {
                let x = _mm512_abs_epi32(_mm512_mullo_epi32(pick(s[t]), k.rf[t]));
                let x = _mm512_sub_epi32(x, _mm512_sll_epi32(thr, k.sub[t]));
                let x = _mm512_maskz_max_epi32(kq, x, zero);
                acc[t] = k.cube[t].add(x, acc[t]);
            }
        }
    }
    [
        k.cube[0].total(acc[0]),
        k.cube[1].total(acc[1]),
        k.cube[2].total(acc[2]),
    ]
}

/// Vector constants of scale 1–3 contrast masking.
struct Cm123 {
    cube: Cube,
    rf: [__m512i; 3],
    m15: __m512i,
}

impl Cm123 {
    #[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
    fn new(s: &Cm123Shifts, rfactor: [u32; 3]) -> Cm123 {
        Cm123 {
            cube: Cube::new(1 << 29, 30, s.add_cub, s.shift_cub),
            rf: [
                _mm512_set1_epi64(rfactor[0] as i64),
                _mm512_set1_epi64(rfactor[1] as i64),
                _mm512_set1_epi64(rfactor[2] as i64),
            ],
            m15: _mm512_set1_epi64(286331153),
        }
    }
}

/// One row of scale 1–3 contrast masking (see [`super::avx2`]; `j1 - j0 >= 16`).
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
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
    let zero = _mm512_setzero_si512();
    let mut acc = [zero; 3];
    for j in block_starts(j0, j1, 16) {
        let keep = keep_bits(skip_of(j, j0, 16), 16) as __mmask16;
        let cs = _mm512_add_epi32(
            _mm512_add_epi32(
                mul_hi32(ld16(dst[0], j), k.m15),
                mul_hi32(ld16(dst[1], j), k.m15),
            ),
            mul_hi32(ld16(dst[2], j), k.m15),
        );
        let thr = _mm512_add_epi32(ring16(srow, r3[1], j), cs);
        for t in 0..3 {
            let v = ld16(src[t], j);
            let v = if weighted { v } else { weight16(v, k.rf[t]) };
            let x = _mm512_sub_epi32(_mm512_abs_epi32(v), thr);
            let x = _mm512_maskz_max_epi32(keep, x, zero);
            acc[t] = k.cube.add(x, acc[t]);
        }
    }
    [
        k.cube.total(acc[0]),
        k.cube.total(acc[1]),
        k.cube.total(acc[2]),
    ]
}

impl Avx512 {
    /// [`scalar::cm_scale0`]. Uses the AVX2 kernel when the region touches the band's left or
    /// right column or is narrower than 32.
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
        if reg.left == 0 || reg.right >= w || reg.right - reg.left < 32 {
            return self
                .avx2
                .cm_scale0(src, csf_dst, csf_flt, stride, w, h, rfactor, nw, scratch);
        }
        // SAFETY: `self` proves AVX-512 F/BW/DQ/VL support.
        unsafe { cm_scale0(src, csf_dst, csf_flt, stride, w, h, rfactor, nw, scratch) }
    }
}

#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
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
            for c in block_starts(f0, f1, 16) {
                let p = r * stride + c;
                let f = |t: usize| _mm512_cvtepi16_epi32(ld16h(&csf_flt[t], p));
                st16(out, c, _mm512_add_epi32(_mm512_add_epi32(f(0), f(1)), f(2)));
            }
        });
        let r3 = [
            &*cache.rows[slot[0]],
            &*cache.rows[slot[1]],
            &*cache.rows[slot[2]],
        ];
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

impl Avx512 {
    /// [`scalar::cm_s123`]. Uses the AVX2 kernel when the region touches the band's left or
    /// right column or is narrower than 16.
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
        if reg.left == 0 || reg.right >= w || reg.right - reg.left < 16 {
            return self.avx2.cm_s123(
                src, csf_dst, csf_flt, stride, w, h, scale, rfactor, nw, scratch,
            );
        }
        // SAFETY: `self` proves AVX-512 F/BW/DQ/VL support.
        unsafe {
            cm_s123(
                src, csf_dst, csf_flt, stride, w, h, scale, rfactor, nw, scratch,
            )
        }
    }
}

#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
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
            for c in block_starts(f0, f1, 16) {
                let p = r * stride + c;
                let s = _mm512_add_epi32(
                    _mm512_add_epi32(ld16(&csf_flt[0], p), ld16(&csf_flt[1], p)),
                    ld16(&csf_flt[2], p),
                );
                st16(out, c, s);
            }
        });
        let r3 = [
            &*cache.rows[slot[0]],
            &*cache.rows[slot[1]],
            &*cache.rows[slot[2]],
        ];
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
// Fused decouple + CSF + contrast masking of one scale (see [`super::avx2`]).

impl Avx512 {
    /// Scale 0 after the DWTs, fused (see [`Avx2::stage_scale0`]); falls back to the AVX2
    /// stage for bands too small for 32-lane blocks.
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
        if !fused_ok(w, h, 32) {
            return self.avx2.stage_scale0(
                rf, df, stride, w, h, egl, cos1_sq, div_lookup, rfactor, nw, skip_aim, ring16,
                ring32,
            );
        }
        // SAFETY: `self` proves AVX-512 F/BW/DQ/VL support.
        Some(unsafe {
            stage_scale0(
                rf, df, stride, w, h, egl, cos1_sq, div_lookup, rfactor, nw, skip_aim, ring16,
                ring32,
            )
        })
    }
}

#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
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

impl Avx512 {
    /// Scales 1–3 after the DWTs, fused (see [`Avx2::stage_s123`]); falls back to the AVX2
    /// stage for bands too small for 16-lane blocks.
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
        if !fused_ok(w, h, 16) {
            return self.avx2.stage_s123(
                rf, df, stride, w, h, scale, egl, cos1_sq, rfactor, nw, skip_aim, ring32,
            );
        }
        // SAFETY: `self` proves AVX-512 F/BW/DQ/VL support.
        Some(unsafe {
            stage_s123(
                rf, df, stride, w, h, scale, egl, cos1_sq, rfactor, nw, skip_aim, ring32,
            )
        })
    }
}

#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
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
