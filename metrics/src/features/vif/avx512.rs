//! AVX-512 (F, BW, DQ, VL) kernels of integer VIF: the method of [`super::avx2`] on 512-bit
//! vectors (32-column blocks, 16-lane per-pixel terms with mask registers), bit-exact with
//! [`super::scalar`].
//!
//! Planes narrower than a 512-bit block run the AVX2 vertical blocks (AVX-512 implies AVX2);
//! the row buffers have the same layout at both levels.

// Same reason as in avx2.rs: value intrinsics are safe on new compilers only.
#![allow(unused_unsafe)]
// This module is only built by compilers that have the AVX-512 intrinsics (cfg(rvmaf_avx512),
// set by build.rs for Rust ≥ 1.89); the crate's MSRV does not apply to it.
#![allow(clippy::incompatible_msrv)]

use std::arch::x86_64::*;

use std::ops::Range;

use super::avx2::{
    self, for_blocks, has, log2_table32, pad_streams, pair_taps, scale_of, tap_pairs,
    vertical_column, wraps, Sample, VShifts, ALL, DIS, FLUSH_VECTORS, MU1, MU2, PAD, REF, STREAMS,
    XXH, XXL, XYH, XYL, YYH, YYL,
};
use super::scalar::{vertical_shifts, VifAccum, FILTERS, SIGMA_NSQ};
use super::{lane_row_len, PlanePair, RefStats, Scratch};

/// `vpmaddwd` of `x` with a tap pair, adding `x`'s high half × 65536 when the high tap wrapped.
#[inline]
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
unsafe fn madd(x: __m512i, taps: __m512i, wrap_hi: bool) -> __m512i {
    // SAFETY: value-only intrinsics; the caller guarantees AVX-512.
    unsafe {
        let m = _mm512_madd_epi16(x, taps);
        if wrap_hi {
            _mm512_add_epi32(
                m,
                _mm512_and_si512(x, _mm512_set1_epi32(0xffff_0000u32 as i32)),
            )
        } else {
            m
        }
    }
}

/// Packs two vectors of 32-bit values (per 128-bit lane: pixels 0-3 and 4-7 of its 8) to 32
/// biased 16-bit samples in pixel order and stores them at `dst`.
#[inline]
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
unsafe fn store_biased(dst: *mut u16, lo: __m512i, hi: __m512i) {
    // SAFETY: the caller guarantees AVX-512 and 32 writable samples at `dst`.
    unsafe {
        let m = _mm512_set1_epi32(0xffff);
        let v = _mm512_packus_epi32(_mm512_and_si512(lo, m), _mm512_and_si512(hi, m));
        let v = _mm512_xor_si512(v, _mm512_set1_epi16(0x8000u16 as i16));
        _mm512_storeu_si512(dst as *mut _, v);
    }
}

/// Splits two vectors of 32-bit sums of squares into biased low and high 16-bit halves.
#[inline]
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
unsafe fn store_split(lo_dst: *mut u16, hi_dst: *mut u16, lo: __m512i, hi: __m512i) {
    // SAFETY: the caller guarantees AVX-512 and 32 writable samples at both destinations.
    unsafe {
        store_biased(lo_dst, lo, hi);
        store_biased(hi_dst, _mm512_srli_epi32(lo, 16), _mm512_srli_epi32(hi, 16));
    }
}

/// Vertical pass of 8-bit scale 0 for pixels `j..j + 32`: filters `p − 128` as
/// `avx2::vertical_u8_s0` does, without its folding of symmetric taps.
///
/// Mode `M` is [`ALL`] or [`REF`] (the reference's streams only, the distorted rows unread);
/// the distorted mode is [`vertical_u8_s0_dis`].
#[inline]
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
unsafe fn vertical_u8_s0<const M: u8>(
    rr: &[*const u8; 17],
    rd: &[*const u8; 17],
    j: usize,
    out: *mut u16,
    rs: usize,
) {
    debug_assert!(M != DIS);
    // SAFETY: the caller guarantees AVX-512, 32 readable samples at `rr[k] + j`/`rd[k] + j` and
    // 32 writable samples at `out + s * rs + PAD + j` for every stream `s` of mode `M`.
    unsafe {
        let filt = FILTERS[0];
        let off = _mm512_set1_epi16(128);
        let z = _mm512_setzero_si512();
        let (mut mr0, mut mr1, mut md0, mut md1) = (z, z, z, z);
        let (mut xx0, mut xx1, mut yy0, mut yy1, mut xy0, mut xy1) = (z, z, z, z, z, z);
        let load = |p: *const u8| {
            _mm512_sub_epi16(
                _mm512_cvtepu8_epi16(_mm256_loadu_si256(p.add(j) as *const __m256i)),
                off,
            )
        };
        for p in 0..9 {
            let t = _mm512_set1_epi32(pair_taps(filt, p).0);
            let r0 = load(rr[2 * p]);
            let r1 = if 2 * p + 1 < 17 {
                load(rr[2 * p + 1])
            } else {
                z
            };
            let rl = _mm512_unpacklo_epi16(r0, r1);
            let rh = _mm512_unpackhi_epi16(r0, r1);
            mr0 = _mm512_add_epi32(mr0, _mm512_madd_epi16(rl, t));
            mr1 = _mm512_add_epi32(mr1, _mm512_madd_epi16(rh, t));
            xx0 = _mm512_add_epi32(xx0, _mm512_madd_epi16(_mm512_mullo_epi16(rl, rl), t));
            xx1 = _mm512_add_epi32(xx1, _mm512_madd_epi16(_mm512_mullo_epi16(rh, rh), t));
            if has(M, MU2) {
                let d0 = load(rd[2 * p]);
                let d1 = if 2 * p + 1 < 17 {
                    load(rd[2 * p + 1])
                } else {
                    z
                };
                let dl = _mm512_unpacklo_epi16(d0, d1);
                let dh = _mm512_unpackhi_epi16(d0, d1);
                md0 = _mm512_add_epi32(md0, _mm512_madd_epi16(dl, t));
                md1 = _mm512_add_epi32(md1, _mm512_madd_epi16(dh, t));
                yy0 = _mm512_add_epi32(yy0, _mm512_madd_epi16(_mm512_mullo_epi16(dl, dl), t));
                yy1 = _mm512_add_epi32(yy1, _mm512_madd_epi16(_mm512_mullo_epi16(dh, dh), t));
                xy0 = _mm512_add_epi32(xy0, _mm512_madd_epi16(_mm512_mullo_epi16(rl, dl), t));
                xy1 = _mm512_add_epi32(xy1, _mm512_madd_epi16(_mm512_mullo_epi16(rh, dh), t));
            }
        }
        let cm = _mm512_set1_epi32((1 << 23) + 128);
        let c30 = _mm512_set1_epi32(1 << 30);
        let mu = |m: __m512i| _mm512_srli_epi32(_mm512_add_epi32(m, cm), 8);
        let sq = |a: __m512i, m: __m512i| {
            _mm512_add_epi32(_mm512_add_epi32(a, _mm512_slli_epi32(m, 8)), c30)
        };
        let cross = |a: __m512i, m: __m512i, n: __m512i| {
            _mm512_add_epi32(
                _mm512_add_epi32(a, _mm512_slli_epi32(_mm512_add_epi32(m, n), 7)),
                c30,
            )
        };
        let o = out.add(PAD + j);
        store_biased(o.add(MU1 * rs), mu(mr0), mu(mr1));
        store_split(o.add(XXL * rs), o.add(XXH * rs), sq(xx0, mr0), sq(xx1, mr1));
        if has(M, MU2) {
            store_biased(o.add(MU2 * rs), mu(md0), mu(md1));
            store_split(o.add(YYL * rs), o.add(YYH * rs), sq(yy0, md0), sq(yy1, md1));
            store_split(
                o.add(XYL * rs),
                o.add(XYH * rs),
                cross(xy0, mr0, md0),
                cross(xy1, mr1, md1),
            );
        }
    }
}

/// The distorted streams (`mu2 yy xy`) of the 8-bit scale-0 vertical pass for pixels
/// `j..j + 32`, without filtering the reference: `avx2::vertical_u8_s0_dis` on 512-bit
/// vectors (the cross product as `r'·d`, the distorted mean and square folded over the
/// symmetric taps).
///
/// # Safety
/// AVX-512, 32 readable samples at `rr[k] + j`/`rd[k] + j` and 32 writable samples at
/// `out + s * rs + PAD + j` for the distorted streams `s`.
#[inline]
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
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
        let off = _mm512_set1_epi16(-128);
        let z = _mm512_setzero_si512();
        let raw =
            |p: *const u8| _mm512_cvtepu8_epi16(_mm256_loadu_si256(p.add(j) as *const __m256i));
        // d' of row k
        let dp = |k: usize| _mm512_add_epi16(raw(rd[k]), off);
        // r'·d of row k (row 17 is the missing odd tap: zero)
        let prod = |k: usize| {
            if k < 17 {
                _mm512_mullo_epi16(_mm512_add_epi16(raw(rr[k]), off), raw(rd[k]))
            } else {
                z
            }
        };
        let pairs = const { tap_pairs(17) };
        let mut xy = [z; 2];
        for (p, &(t, _)) in pairs.iter().enumerate() {
            let t = _mm512_set1_epi32(t);
            let (a, b) = (prod(2 * p), prod(2 * p + 1));
            xy[0] = _mm512_add_epi32(xy[0], _mm512_madd_epi16(_mm512_unpacklo_epi16(a, b), t));
            xy[1] = _mm512_add_epi32(xy[1], _mm512_madd_epi16(_mm512_unpackhi_epi16(a, b), t));
        }
        // mean and squares of d', folded over the symmetric taps
        let sq_bias = _mm512_set1_epi16(16384);
        let fold = |k: usize| -> [__m512i; 2] {
            let d0 = dp(k);
            if k == 8 {
                return [d0, _mm512_mullo_epi16(d0, d0)];
            }
            let d1 = dp(16 - k);
            [
                _mm512_add_epi16(d0, d1),
                _mm512_sub_epi16(
                    _mm512_add_epi16(_mm512_mullo_epi16(d0, d0), _mm512_mullo_epi16(d1, d1)),
                    sq_bias,
                ),
            ]
        };
        let mut md = [z; 2];
        let mut yy = [z; 2];
        for p in 0..5 {
            let t = _mm512_set1_epi32(pair_taps(&filt[..9], p).0);
            let a = fold(2 * p);
            let b = if 2 * p + 1 < 9 {
                fold(2 * p + 1)
            } else {
                [z; 2]
            };
            let lo = |q: usize| _mm512_madd_epi16(_mm512_unpacklo_epi16(a[q], b[q]), t);
            let hi = |q: usize| _mm512_madd_epi16(_mm512_unpackhi_epi16(a[q], b[q]), t);
            md[0] = _mm512_add_epi32(md[0], lo(0));
            md[1] = _mm512_add_epi32(md[1], hi(0));
            yy[0] = _mm512_add_epi32(yy[0], lo(1));
            yy[1] = _mm512_add_epi32(yy[1], hi(1));
        }
        let tap_sum = (65536 - filt[8] as u32) / 2;
        let cm = _mm512_set1_epi32((1 << 23) + 128);
        let csq = _mm512_set1_epi32((16384 * tap_sum).wrapping_add(1 << 30) as i32);
        let c30 = _mm512_set1_epi32(1 << 30);
        let mu = |m: __m512i| _mm512_srli_epi32(_mm512_add_epi32(m, cm), 8);
        let sq = |a: __m512i, m: __m512i| {
            _mm512_add_epi32(_mm512_add_epi32(a, _mm512_slli_epi32(m, 8)), csq)
        };
        let cross = |a: __m512i, m: __m512i| {
            _mm512_add_epi32(_mm512_add_epi32(a, _mm512_slli_epi32(m, 7)), c30)
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

/// Round-shift parameters of the generic vertical pass (see `avx2::VShifts`).
#[derive(Clone, Copy)]
struct Shifts512 {
    mu_add: __m512i,
    mu_shift: __m128i,
    sq_add: __m512i,
    sq_shift: __m128i,
    sq_up: __m128i,
}

impl Shifts512 {
    #[inline]
    #[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
    unsafe fn new(shifts: (u32, u32, u64, u32)) -> Self {
        let (mu_add, mu_shift, sq_add, sq_shift) = shifts;
        debug_assert!(sq_shift <= 16 && sq_add < 1 << 16);
        // SAFETY: value-only intrinsics; the caller guarantees AVX-512.
        unsafe {
            Shifts512 {
                mu_add: _mm512_set1_epi32((mu_add.wrapping_add(1 << 31)) as i32),
                mu_shift: _mm_cvtsi32_si128(mu_shift as i32),
                sq_add: _mm512_set1_epi32((sq_add as u32).wrapping_add(1 << 31) as i32),
                sq_shift: _mm_cvtsi32_si128(sq_shift as i32),
                sq_up: _mm_cvtsi32_si128(16 - sq_shift as i32),
            }
        }
    }
}

/// Vertical pass of 16-bit samples for pixels `j..j + 32` (see `avx2::vertical_u16`): in
/// mode `M` (see `avx2::has`) only that mode's streams are filtered and stored.
#[inline]
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
unsafe fn vertical_u16<const FW: usize, const M: u8>(
    rr: &[*const u16; FW],
    rd: &[*const u16; FW],
    j: usize,
    out: *mut u16,
    rs: usize,
    sh: &Shifts512,
) {
    // SAFETY: the caller guarantees AVX-512, 32 readable samples at `rr[k] + j`/`rd[k] + j` and
    // 32 writable samples at `out + s * rs + PAD + j` for every stream `s` of mode `M`.
    unsafe {
        let bias = _mm512_set1_epi16(0x8000u16 as i16);
        let z = _mm512_setzero_si512();
        let load = |p: *const u16| _mm512_loadu_si512(p.add(j) as *const _);
        let mut res = [[z; 5]; 2];
        for (half, res) in res.iter_mut().enumerate() {
            let mut a = [z; 8];
            for p in 0..FW.div_ceil(2) {
                let (t, wrap) = (const { tap_pairs(FW) }[p].0, wraps(FW, p));
                let t = _mm512_set1_epi32(t);
                let pair = |rows: &[*const u16; FW]| {
                    let x0 = load(rows[2 * p]);
                    let x1 = if 2 * p + 1 < FW {
                        load(rows[2 * p + 1])
                    } else {
                        z
                    };
                    if half == 0 {
                        _mm512_unpacklo_epi16(x0, x1)
                    } else {
                        _mm512_unpackhi_epi16(x0, x1)
                    }
                };
                // the reference feeds every mode (the cross product in the distorted one)
                let r = pair(rr);
                let d = if has(M, MU2) { pair(rd) } else { z };
                let mut acc = |s: usize, x: __m512i| {
                    a[s] = _mm512_add_epi32(a[s], madd(_mm512_xor_si512(x, bias), t, wrap));
                };
                if has(M, MU1) {
                    acc(MU1, r);
                    acc(XXL, _mm512_mullo_epi16(r, r));
                    acc(XXH, _mm512_mulhi_epu16(r, r));
                }
                if has(M, MU2) {
                    acc(MU2, d);
                    acc(YYL, _mm512_mullo_epi16(d, d));
                    acc(YYH, _mm512_mulhi_epu16(d, d));
                    acc(XYL, _mm512_mullo_epi16(r, d));
                    acc(XYH, _mm512_mulhi_epu16(r, d));
                }
            }
            let mu = |m: __m512i| _mm512_srl_epi32(_mm512_add_epi32(m, sh.mu_add), sh.mu_shift);
            let sq = |l: __m512i, h: __m512i| {
                let h = _mm512_xor_si512(h, _mm512_set1_epi32(i32::MIN));
                _mm512_add_epi32(
                    _mm512_sll_epi32(h, sh.sq_up),
                    _mm512_srl_epi32(_mm512_add_epi32(l, sh.sq_add), sh.sq_shift),
                )
            };
            *res = [
                mu(a[MU1]),
                mu(a[MU2]),
                sq(a[XXL], a[XXH]),
                sq(a[YYL], a[YYH]),
                sq(a[XYL], a[XYH]),
            ];
        }
        let o = out.add(PAD + j);
        if has(M, MU1) {
            store_biased(o.add(MU1 * rs), res[0][0], res[1][0]);
            store_split(o.add(XXL * rs), o.add(XXH * rs), res[0][2], res[1][2]);
        }
        if has(M, MU2) {
            store_biased(o.add(MU2 * rs), res[0][1], res[1][1]);
            store_split(o.add(YYL * rs), o.add(YYH * rs), res[0][3], res[1][3]);
            store_split(o.add(XYL * rs), o.add(XYH * rs), res[0][4], res[1][4]);
        }
    }
}

/// `(a·b + 2³¹) >> 32` per unsigned 32-bit lane.
#[inline]
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
unsafe fn mul_round32(a: __m512i, b: __m512i) -> __m512i {
    // SAFETY: value-only intrinsics; the caller guarantees AVX-512.
    unsafe {
        let r = _mm512_set1_epi64(1 << 31);
        let even = _mm512_add_epi64(_mm512_mul_epu32(a, b), r);
        let odd = _mm512_add_epi64(
            _mm512_mul_epu32(_mm512_srli_epi64(a, 32), _mm512_srli_epi64(b, 32)),
            r,
        );
        _mm512_mask_blend_epi32(0xaaaa, _mm512_srli_epi64(even, 32), odd)
    }
}

/// Horizontal pass of one row (see `avx2::horizontal_row`): σ values of every 16-lane vector
/// (even then odd columns of each 32-column block) to `sig`, three runs of `n` = 32·⌈w/32⌉.
#[inline]
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
unsafe fn horizontal_row<const FW: usize>(lanes: &[u16], rs: usize, w: usize, sig: &mut [i32]) {
    let half = FW / 2;
    let n = w.next_multiple_of(32);
    assert!(lanes.len() >= STREAMS * rs && PAD + n + FW + 32 <= rs && sig.len() >= 3 * n);
    // SAFETY: the caller guarantees AVX-512. Every load reads 32 samples starting at
    // `s·rs + PAD + j0 + par − half + 2p` with j0 + par < n, 2p ≤ FW and half ≤ PAD, so inside
    // stream `s`'s row of `rs` samples; stores write 16 values at `16·v < n` of each run of
    // `sig` (both checked above).
    unsafe {
        let taps = filter_taps::<FW>();
        let src = lanes.as_ptr();
        let dst = sig.as_mut_ptr();
        let s31 = _mm512_set1_epi32(i32::MIN);
        let r16 = _mm512_set1_epi32(i32::MIN.wrapping_add(32768));
        let z = _mm512_setzero_si512();
        let mut v = 0;
        while v * 16 < n {
            let row = src.add(PAD + (v / 2) * 32 + (v & 1) - half);
            let mut a = [z; STREAMS];
            for (s, a) in a.iter_mut().enumerate() {
                *a = filter_pairs::<FW>(row.add(s * rs), &taps);
            }
            let sq = |l: __m512i, h: __m512i| {
                _mm512_add_epi32(
                    _mm512_xor_si512(h, s31),
                    _mm512_srli_epi32(_mm512_add_epi32(l, r16), 16),
                )
            };
            let mu1 = _mm512_xor_si512(a[MU1], s31);
            let mu2 = _mm512_xor_si512(a[MU2], s31);
            let sigma1 = _mm512_sub_epi32(sq(a[XXL], a[XXH]), mul_round32(mu1, mu1));
            let sigma2 = _mm512_sub_epi32(sq(a[YYL], a[YYH]), mul_round32(mu2, mu2));
            let sigma12 = _mm512_sub_epi32(sq(a[XYL], a[XYH]), mul_round32(mu1, mu2));
            _mm512_storeu_si512(dst.add(16 * v) as *mut _, sigma1);
            _mm512_storeu_si512(dst.add(n + 16 * v) as *mut _, _mm512_max_epi32(sigma2, z));
            _mm512_storeu_si512(dst.add(2 * n + 16 * v) as *mut _, sigma12);
            v += 1;
        }
    }
}

/// The tap-pair operands of `FW`'s filter as 512-bit vectors (entries past ⌈FW/2⌉ zero).
#[inline]
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
unsafe fn filter_taps<const FW: usize>() -> [__m512i; 9] {
    // SAFETY: value-only intrinsics; the caller guarantees AVX-512.
    unsafe {
        let mut taps = [_mm512_setzero_si512(); 9];
        for (p, t) in taps.iter_mut().enumerate().take(FW.div_ceil(2)) {
            *t = _mm512_set1_epi32(const { tap_pairs(FW) }[p].0);
        }
        taps
    }
}

/// Horizontal pass of the reference streams of one row (`mu1 xx`, see [`horizontal_row`]):
/// writes the filtered mean and σ₁² of every 16-lane vector to `mu1`/`sigma1` (`n` values
/// each, `n` = 32·⌈w/32⌉, in [`horizontal_row`]'s order).
#[inline]
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
unsafe fn horizontal_ref<const FW: usize>(
    lanes: &[u16],
    rs: usize,
    w: usize,
    mu1: &mut [u32],
    sigma1: &mut [i32],
) {
    let half = FW / 2;
    let n = w.next_multiple_of(32);
    assert!(lanes.len() >= STREAMS * rs && PAD + n + FW + 32 <= rs);
    assert!(mu1.len() >= n && sigma1.len() >= n);
    // SAFETY: the caller guarantees AVX-512. Loads as in `horizontal_row`; stores write 16
    // values at `16·v < n` of `mu1` and `sigma1` (checked above).
    unsafe {
        let taps = filter_taps::<FW>();
        let src = lanes.as_ptr();
        let s31 = _mm512_set1_epi32(i32::MIN);
        let r16 = _mm512_set1_epi32(i32::MIN.wrapping_add(32768));
        let mut v = 0;
        while v * 16 < n {
            let row = src.add(PAD + (v / 2) * 32 + (v & 1) - half);
            let m = filter_pairs::<FW>(row.add(MU1 * rs), &taps);
            let l = filter_pairs::<FW>(row.add(XXL * rs), &taps);
            let h = filter_pairs::<FW>(row.add(XXH * rs), &taps);
            let xx = _mm512_add_epi32(
                _mm512_xor_si512(h, s31),
                _mm512_srli_epi32(_mm512_add_epi32(l, r16), 16),
            );
            let m = _mm512_xor_si512(m, s31);
            let s1 = _mm512_sub_epi32(xx, mul_round32(m, m));
            _mm512_storeu_si512(mu1.as_mut_ptr().add(16 * v) as *mut _, m);
            _mm512_storeu_si512(sigma1.as_mut_ptr().add(16 * v) as *mut _, s1);
            v += 1;
        }
    }
}

/// Horizontal pass of the distorted streams of one row (`mu2 yy xy`, see [`horizontal_row`])
/// with the reference's filtered means `mu1` from [`horizontal_ref`]: writes σ₂² (clamped at
/// 0) and σ₁₂ to `sig` (two runs of `n` values).
#[inline]
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
unsafe fn horizontal_dis<const FW: usize>(
    lanes: &[u16],
    rs: usize,
    w: usize,
    mu1: &[u32],
    sig: &mut [i32],
) {
    let half = FW / 2;
    let n = w.next_multiple_of(32);
    assert!(lanes.len() >= STREAMS * rs && PAD + n + FW + 32 <= rs);
    assert!(mu1.len() >= n && sig.len() >= 2 * n);
    // SAFETY: the caller guarantees AVX-512. Loads as in `horizontal_row`, plus 16 values at
    // `16·v < n` of `mu1`; stores write 16 values at `16·v < n` of both runs of `sig`.
    unsafe {
        let taps = filter_taps::<FW>();
        let src = lanes.as_ptr();
        let dst = sig.as_mut_ptr();
        let s31 = _mm512_set1_epi32(i32::MIN);
        let r16 = _mm512_set1_epi32(i32::MIN.wrapping_add(32768));
        let z = _mm512_setzero_si512();
        let sq = |l: __m512i, h: __m512i| {
            _mm512_add_epi32(
                _mm512_xor_si512(h, s31),
                _mm512_srli_epi32(_mm512_add_epi32(l, r16), 16),
            )
        };
        let mut v = 0;
        while v * 16 < n {
            let row = src.add(PAD + (v / 2) * 32 + (v & 1) - half);
            let f = |s: usize| filter_pairs::<FW>(row.add(s * rs), &taps);
            let mu2 = _mm512_xor_si512(f(MU2), s31);
            let yy = sq(f(YYL), f(YYH));
            let xy = sq(f(XYL), f(XYH));
            let mu1 = _mm512_loadu_si512(mu1.as_ptr().add(16 * v) as *const _);
            let sigma2 = _mm512_sub_epi32(yy, mul_round32(mu2, mu2));
            let sigma12 = _mm512_sub_epi32(xy, mul_round32(mu1, mu2));
            _mm512_storeu_si512(dst.add(16 * v) as *mut _, _mm512_max_epi32(sigma2, z));
            _mm512_storeu_si512(dst.add(n + 16 * v) as *mut _, sigma12);
            v += 1;
        }
    }
}

/// Σ over tap pairs of `vpmaddwd(load(row + 2p), taps[p])` on 16 even-or-odd columns.
///
/// # Safety
/// AVX-512 (inlined into AVX-512 code) and 32 + 2·⌈FW/2⌉ readable samples at `row`.
#[inline(always)]
unsafe fn filter_pairs<const FW: usize>(row: *const u16, taps: &[__m512i; 9]) -> __m512i {
    // SAFETY: forwarded from the caller.
    unsafe {
        let mut acc = _mm512_setzero_si512();
        for (p, t) in taps.iter().enumerate().take(FW.div_ceil(2)) {
            let x = _mm512_loadu_si512(row.add(2 * p) as *const _);
            acc = _mm512_add_epi32(acc, madd(x, *t, wraps(FW, p)));
        }
        acc
    }
}

/// Per-lane partial sums of the per-pixel terms.
struct TermSums {
    num_log: __m512i,
    den_log: __m512i,
    den_non_log: __m512i,
    num_non_log: [__m512i; 2],
}

impl TermSums {
    #[inline]
    #[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
    unsafe fn new() -> Self {
        // SAFETY: value-only intrinsic; the caller guarantees AVX-512.
        let z = unsafe { _mm512_setzero_si512() };
        TermSums {
            num_log: z,
            den_log: z,
            den_non_log: z,
            num_non_log: [z, z],
        }
    }

    /// Adds the lane sums to `acc` and clears them.
    #[inline]
    #[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
    unsafe fn flush(&mut self, acc: &mut VifAccum) {
        let sum32 = |v: __m512i| {
            let mut a = [0i32; 16];
            // SAFETY: `a` holds 16 i32; the caller guarantees AVX-512.
            unsafe { _mm512_storeu_si512(a.as_mut_ptr() as *mut _, v) };
            a.iter().map(|&x| x as i64).sum::<i64>()
        };
        acc.num_log += sum32(self.num_log);
        acc.den_log += sum32(self.den_log);
        acc.den_non_log += sum32(self.den_non_log);
        acc.num_non_log += sum32(self.num_non_log[0]) + (sum32(self.num_non_log[1]) << 16);
        // SAFETY: the caller guarantees AVX-512.
        *self = unsafe { TermSums::new() };
    }
}

/// `table32[idx]` per 32-bit lane, `idx` below 32768 (see `avx2::log2_table32`).
#[inline]
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
unsafe fn lookup(table32: &[u32], idx: __m512i) -> __m512i {
    debug_assert!(table32.len() == 32768);
    // SAFETY: every lane reads 4 bytes at `table32 + 4·idx` with idx < 32768 (the caller's
    // contract), inside the table; the caller guarantees AVX-512.
    unsafe { _mm512_i32gather_epi32::<4>(idx, table32.as_ptr() as *const i32) }
}

/// The per-pixel VIF terms of 16 pixels (see `avx2::pixel_terms`), added to `sums` where
/// `valid`: the denominator terms (σ₁² only) if `DEN`, the numerator terms if `NUM`.
#[inline]
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
unsafe fn pixel_terms<const DEN: bool, const NUM: bool>(
    sums: &mut TermSums,
    table32: &[u32],
    egl: __m512d,
    sigma1: __m512i,
    sigma2: __m512i,
    sigma12: __m512i,
    valid: __mmask16,
) {
    // SAFETY: value-only intrinsics and in-bounds table gathers; the caller guarantees AVX-512.
    unsafe {
        let z = _mm512_setzero_si512();
        let big = _mm512_cmpgt_epi32_mask(sigma1, _mm512_set1_epi32(SIGMA_NSQ - 1));
        let log = big & valid;
        let non_log = !big & valid;

        if DEN {
            sums.den_non_log = _mm512_mask_add_epi32(
                sums.den_non_log,
                non_log,
                sums.den_non_log,
                _mm512_set1_epi32(1),
            );
        }
        if NUM {
            // σ₂² as two 16-bit halves, exact in 32-bit lanes
            let s2 = _mm512_maskz_mov_epi32(non_log, sigma2);
            sums.num_non_log[0] = _mm512_add_epi32(
                sums.num_non_log[0],
                _mm512_and_si512(s2, _mm512_set1_epi32(0xffff)),
            );
            sums.num_non_log[1] = _mm512_add_epi32(sums.num_non_log[1], _mm512_srli_epi32(s2, 16));
        }
        if log == 0 {
            return;
        }
        if DEN {
            let x = _mm512_add_epi32(sigma1, _mm512_set1_epi32(SIGMA_NSQ));
            let e = _mm512_srli_epi32(
                _mm512_castps_si512(_mm512_cvtepi32_ps(_mm512_srli_epi32(x, 8))),
                23,
            );
            let k = _mm512_sub_epi32(e, _mm512_set1_epi32(127 - 8 + 15));
            // the 16 top bits of x: 32768..=65535 in `log` lanes, anything elsewhere
            let idx = _mm512_srlv_epi32(x, k);
            // SAFETY (gather): only `log` lanes are read, at table32[idx − 32768], in bounds;
            // the base pointer itself is never dereferenced.
            let t = _mm512_mask_i32gather_epi32::<4>(
                z,
                log,
                idx,
                table32.as_ptr().wrapping_sub(32768) as *const i32,
            );
            let den = _mm512_add_epi32(
                t,
                _mm512_slli_epi32(_mm512_sub_epi32(k, _mm512_set1_epi32(17)), 11),
            );
            sums.den_log = _mm512_mask_add_epi32(sums.den_log, log, sums.den_log, den);
        }
        if !NUM {
            return;
        }

        let cond = log & _mm512_cmpgt_epi32_mask(sigma12, z) & _mm512_cmpgt_epi32_mask(sigma2, z);
        if cond == 0 {
            return;
        }
        let eps = _mm512_set1_pd(65536.0 * 1.0e-10);
        let zero = _mm512_setzero_pd();
        let nsq = _mm512_set1_pd(SIGMA_NSQ as f64);
        let half = |v: __m512i, h: usize| {
            if h == 0 {
                _mm512_cvtepi32_pd(_mm512_castsi512_si256(v))
            } else {
                _mm512_cvtepi32_pd(_mm512_extracti64x4_epi64::<1>(v))
            }
        };
        let mut tt = [zero; 2];
        let mut nn = [zero; 2];
        for h in 0..2 {
            let s1 = half(sigma1, h);
            let s2 = half(sigma2, h);
            let s12 = half(sigma12, h);
            let g = _mm512_div_pd(s12, _mm512_add_pd(s1, eps));
            let sv = _mm512_roundscale_pd::<{ _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC }>(
                _mm512_sub_pd(s2, _mm512_mul_pd(g, s12)),
            );
            let sv = _mm512_max_pd(sv, zero);
            let g = _mm512_min_pd(g, egl);
            let n1 = _mm512_add_pd(sv, nsq);
            let gg = _mm512_roundscale_pd::<{ _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC }>(
                _mm512_mul_pd(_mm512_mul_pd(g, g), s1),
            );
            tt[h] = _mm512_add_pd(gg, n1);
            nn[h] = n1;
        }
        // high 32 bits of the 16 doubles, in pixel order
        let odd = _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
        let hw = |lo: __m512d, hi: __m512d| {
            _mm512_permutex2var_epi32(_mm512_castpd_si512(lo), odd, _mm512_castpd_si512(hi))
        };
        let th = hw(tt[0], tt[1]);
        let nh = hw(nn[0], nn[1]);
        // the 15 mantissa bits below the leading one: the table index less 32768
        let m15 = _mm512_set1_epi32(0x7fff);
        let it = _mm512_and_si512(_mm512_srli_epi32(th, 5), m15);
        let in_ = _mm512_and_si512(_mm512_srli_epi32(nh, 5), m15);
        let de = _mm512_sub_epi32(_mm512_srli_epi32(th, 20), _mm512_srli_epi32(nh, 20));
        let num = _mm512_add_epi32(
            _mm512_sub_epi32(lookup(table32, it), lookup(table32, in_)),
            _mm512_slli_epi32(de, 11),
        );
        sums.num_log = _mm512_mask_add_epi32(sums.num_log, cond, sums.num_log, num);
    }
}

/// Per-pixel terms of one row from the σ₁², σ₂², σ₁₂ values in `s1`, `s2`, `s12` (the
/// order of [`horizontal_row`], `n` = 32·⌈w/32⌉ values each): the denominator terms if `DEN`,
/// the numerator terms if `NUM` (`s2` and `s12` are not read without `NUM`).
#[inline]
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
#[allow(clippy::too_many_arguments)]
unsafe fn terms_row<const DEN: bool, const NUM: bool>(
    s1: &[i32],
    s2: &[i32],
    s12: &[i32],
    w: usize,
    table32: &[u32],
    egl: __m512d,
    acc: &mut VifAccum,
) {
    let n = w.next_multiple_of(32);
    assert!(s1.len() >= n && (!NUM || (s2.len() >= n && s12.len() >= n)));
    // SAFETY: the caller guarantees AVX-512; loads read 16 values at `16·v < n` of each slice
    // (checked above).
    unsafe {
        let ramp = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
        let wv = _mm512_set1_epi32(w as i32);
        let z = _mm512_setzero_si512();
        let mut sums = TermSums::new();
        for v in 0..n / 16 {
            let j0 = (v / 2) * 32;
            let valid = if j0 + 32 <= w {
                0xffff
            } else {
                let col = _mm512_add_epi32(ramp, _mm512_set1_epi32((j0 + (v & 1)) as i32));
                _mm512_cmpgt_epi32_mask(wv, col)
            };
            let ld = |s: &[i32]| _mm512_loadu_si512(s.as_ptr().add(16 * v) as *const _);
            let (sigma2, sigma12) = if NUM { (ld(s2), ld(s12)) } else { (z, z) };
            pixel_terms::<DEN, NUM>(&mut sums, table32, egl, ld(s1), sigma2, sigma12, valid);
            // each lane takes one term per vector; the AVX2 bound holds per lane
            if v % FLUSH_VECTORS == FLUSH_VECTORS - 1 {
                sums.flush(acc);
            }
        }
        sums.flush(acc);
    }
}

/// Sample types with 32-wide vector blocks.
trait Sample512: Sample {
    /// Vertical pass of the statistic for pixels `j..j + 32`, of mode `M`'s streams (see
    /// `avx2::has`).
    ///
    /// # Safety
    /// AVX-512, 32 readable samples at `rr[k] + j`/`rd[k] + j`, 32 writable samples at
    /// `out + s·rs + PAD + j` for every stream `s`; for `u8`, `FW == 17` and `bpc == 8`.
    unsafe fn stat_vertical32<const FW: usize, const M: u8>(
        rr: &[*const Self; FW],
        rd: &[*const Self; FW],
        j: usize,
        out: *mut u16,
        rs: usize,
        sh: &Shifts512,
    );

    /// 32 samples at `p` as 16-bit lanes, and whether they are biased by −32768.
    ///
    /// # Safety
    /// AVX-512 and 32 readable samples at `p`.
    unsafe fn load32(p: *const Self) -> (__m512i, bool);
}

impl Sample512 for u8 {
    #[inline]
    #[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
    unsafe fn stat_vertical32<const FW: usize, const M: u8>(
        rr: &[*const u8; FW],
        rd: &[*const u8; FW],
        j: usize,
        out: *mut u16,
        rs: usize,
        _sh: &Shifts512,
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

    #[inline]
    #[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
    unsafe fn load32(p: *const u8) -> (__m512i, bool) {
        // SAFETY: forwarded from the caller.
        unsafe {
            let v = _mm256_loadu_si256(p as *const __m256i);
            (_mm512_cvtepu8_epi16(v), false)
        }
    }
}

impl Sample512 for u16 {
    #[inline]
    #[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
    unsafe fn stat_vertical32<const FW: usize, const M: u8>(
        rr: &[*const u16; FW],
        rd: &[*const u16; FW],
        j: usize,
        out: *mut u16,
        rs: usize,
        sh: &Shifts512,
    ) {
        // SAFETY: forwarded from the caller.
        unsafe { vertical_u16::<FW, M>(rr, rd, j, out, rs, sh) }
    }

    #[inline]
    #[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
    unsafe fn load32(p: *const u16) -> (__m512i, bool) {
        // SAFETY: forwarded from the caller.
        unsafe {
            let v = _mm512_loadu_si512(p as *const _);
            (
                _mm512_xor_si512(v, _mm512_set1_epi16(0x8000u16 as i16)),
                true,
            )
        }
    }
}

/// Runs `block(j)` over `j = 0, 32, 64, …` and once more at `w − 32` for a partial tail.
/// Needs `w ≥ 32`.
#[inline(always)]
fn for_blocks32(w: usize, mut block: impl FnMut(usize)) {
    debug_assert!(w >= 32);
    let mut j = 0;
    while j + 32 <= w {
        block(j);
        j += 32;
    }
    if j < w {
        block(w - 32);
    }
}

/// The vertical pass of row `i` in mode `M` into `lanes`: 32-column blocks, 16-column AVX2
/// blocks for planes 16 to 31 samples wide, single columns below.
///
/// # Safety
/// AVX-512; for `u8`, `FW == 17` and `bpc == 8`.
#[inline]
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
unsafe fn vertical_row<T: Sample512, const FW: usize, const M: u8>(
    p: &PlanePair<'_, T>,
    i: usize,
    shifts: (u32, u32, u64, u32),
    (sh512, sh256): &(Shifts512, VShifts),
    lanes: &mut [u16],
    rs: usize,
) {
    let w = p.width();
    assert!(lanes.len() >= STREAMS * rs && rs >= lane_row_len(w));
    let mut rows_r: [&[T]; FW] = [&[]; FW];
    let mut rows_d: [&[T]; FW] = [&[]; FW];
    p.tap_rows(i, FW, &mut rows_r, &mut rows_d);
    let out = lanes.as_mut_ptr();
    let pr: [*const T; FW] = rows_r.map(|r| r.as_ptr());
    let pd: [*const T; FW] = rows_d.map(|r| r.as_ptr());
    // SAFETY: blocks read samples `j..j + 32` (or 16) of rows of `w` samples, inside them;
    // stream stores write samples `PAD + j..` of the block, below `PAD + w < rs` of each
    // stream's row (checked above). AVX-512 (hence AVX2) and the u8 contract come from the
    // caller.
    unsafe {
        if w >= 32 {
            for_blocks32(w, |j| {
                T::stat_vertical32::<FW, M>(&pr, &pd, j, out, rs, sh512)
            });
        } else if w >= 16 {
            for_blocks(w, |j| {
                T::stat_vertical::<FW, M>(&pr, &pd, j, out, rs, sh256)
            });
        } else {
            for j in 0..w {
                let filt = FILTERS[scale_of(FW)];
                vertical_column(&rows_r, &rows_d, filt, j, shifts, lanes, rs);
            }
        }
    }
}

/// The statistic of one scale (see [`super::scalar::vif_statistic`]).
///
/// # Safety
/// AVX-512; for `u8`, `FW == 17` and `bpc == 8`.
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
unsafe fn statistic<T: Sample512, const FW: usize>(
    p: &PlanePair<'_, T>,
    bpc: u32,
    egl: f64,
    s: &mut Scratch,
) -> VifAccum {
    let (w, h) = (p.width(), p.height());
    let half = FW / 2;
    let rs = lane_row_len(s.width);
    assert!(w <= s.width, "scratch narrower than the plane");
    assert!(w > half && h > half, "plane smaller than the filter");
    let table32 = log2_table32();
    let shifts = vertical_shifts(scale_of(FW), bpc);
    let lanes = &mut s.lanes[..STREAMS * rs];
    let sig = &mut s.sigma[..];
    let mut acc = VifAccum::default();
    // SAFETY: AVX-512 (and the u8 contract) come from the caller; the callees check their
    // buffers.
    unsafe {
        let egl_v = _mm512_set1_pd(egl);
        let sh = (Shifts512::new(shifts), VShifts::new(shifts));
        for i in 0..h {
            vertical_row::<T, FW, ALL>(p, i, shifts, &sh, lanes, rs);
            pad_streams(lanes, rs, STREAMS, w, half);
            horizontal_row::<FW>(lanes, rs, w, sig);
            let n = w.next_multiple_of(32);
            let (s1, rest) = sig.split_at(n);
            let (s2, s12) = rest.split_at(n);
            terms_row::<true, true>(s1, s2, s12, w, table32, egl_v, &mut acc);
        }
    }
    acc
}

/// Reference half of the statistic of one scale over `rows` (see [`super::StatRefFn`]); the
/// store holds [`horizontal_ref`]'s order.
///
/// # Safety
/// AVX-512; for `u8`, `FW == 17` and `bpc == 8`.
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
unsafe fn stat_ref<T: Sample512, const FW: usize>(
    p: &PlanePair<'_, T>,
    bpc: u32,
    rows: Range<usize>,
    st: &mut RefStats,
    s: &mut Scratch,
) -> VifAccum {
    let (w, h) = (p.width(), p.height());
    let half = FW / 2;
    let rs = lane_row_len(s.width);
    // the store's rows hold the width rounded up to 32 (`RefStats::holds`), the 512-bit order
    super::check_band(p, &rows, st, s);
    assert!(w > half && h > half, "plane smaller than the filter");
    let n = w.next_multiple_of(32);
    let table32 = log2_table32();
    let shifts = vertical_shifts(scale_of(FW), bpc);
    let lanes = &mut s.lanes[..STREAMS * rs];
    let mut den = VifAccum::default();
    // SAFETY: AVX-512 (and the u8 contract) come from the caller; the callees check their
    // buffers.
    unsafe {
        let sh = (Shifts512::new(shifts), VShifts::new(shifts));
        let egl = _mm512_setzero_pd();
        for (b, i) in rows.enumerate() {
            vertical_row::<T, FW, REF>(p, i, shifts, &sh, lanes, rs);
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

/// Distorted half of the statistic of one scale over `rows` (see [`super::StatDisFn`]),
/// given the store [`stat_ref`] wrote for the same band.
///
/// # Safety
/// AVX-512; for `u8`, `FW == 17` and `bpc == 8`.
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
unsafe fn stat_dis<T: Sample512, const FW: usize>(
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
    // the store's rows hold the width rounded up to 32 (`RefStats::holds`), the 512-bit order
    super::check_band(p, &rows, st, s);
    assert!(w > half && h > half, "plane smaller than the filter");
    let n = w.next_multiple_of(32);
    let table32 = log2_table32();
    let shifts = vertical_shifts(scale_of(FW), bpc);
    let lanes = &mut s.lanes[..STREAMS * rs];
    let sig = &mut s.sigma[..2 * n];
    let mut acc = VifAccum::default();
    // SAFETY: AVX-512 (and the u8 contract) come from the caller; the callees check their
    // buffers.
    unsafe {
        let sh = (Shifts512::new(shifts), VShifts::new(shifts));
        let egl_v = _mm512_set1_pd(egl);
        for (b, i) in rows.enumerate() {
            vertical_row::<T, FW, DIS>(p, i, shifts, &sh, lanes, rs);
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

/// Vertical pass of the decimation for pixels `j..j + 32` (see `avx2::decimate_vertical_m`), of
/// both planes (`BOTH`) or of the distorted one only (stream 1; `rr` unread).
///
/// # Safety
/// AVX-512, 32 readable samples at `rr[k] + j`/`rd[k] + j`, 32 writable samples at
/// `out + s·rs + PAD + j` for `s` in 0..2.
#[inline]
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
unsafe fn decimate_vertical<T: Sample512, const FW: usize, const BOTH: bool>(
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
        let z = _mm512_setzero_si512();
        let mut a = [z; 4];
        let mut biased = false;
        for p in 0..FW.div_ceil(2) {
            let (t, wrap) = (const { tap_pairs(FW) }[p].0, wraps(FW, p));
            let t = _mm512_set1_epi32(t);
            let (d0, b) = T::load32(rd[2 * p].add(j));
            biased = b;
            let d1 = if 2 * p + 1 < FW {
                T::load32(rd[2 * p + 1].add(j)).0
            } else {
                z
            };
            if BOTH {
                let r0 = T::load32(rr[2 * p].add(j)).0;
                let r1 = if 2 * p + 1 < FW {
                    T::load32(rr[2 * p + 1].add(j)).0
                } else {
                    z
                };
                a[0] = _mm512_add_epi32(a[0], madd(_mm512_unpacklo_epi16(r0, r1), t, wrap));
                a[1] = _mm512_add_epi32(a[1], madd(_mm512_unpackhi_epi16(r0, r1), t, wrap));
            }
            a[2] = _mm512_add_epi32(a[2], madd(_mm512_unpacklo_epi16(d0, d1), t, wrap));
            a[3] = _mm512_add_epi32(a[3], madd(_mm512_unpackhi_epi16(d0, d1), t, wrap));
        }
        let c = add.wrapping_add(if biased { 1 << 31 } else { 0 });
        let c = _mm512_set1_epi32(c as i32);
        let sh = _mm_cvtsi32_si128(shift as i32);
        let f = |v: __m512i| _mm512_srl_epi32(_mm512_add_epi32(v, c), sh);
        let o = out.add(PAD + j);
        if BOTH {
            store_biased(o, f(a[0]), f(a[1]));
        }
        store_biased(o.add(rs), f(a[2]), f(a[3]));
    }
}

/// Horizontal pass of the decimation at even columns (see `avx2::decimate_horizontal`), of
/// both planes (`BOTH`) or of the distorted one (`dst_r` untouched).
///
/// # Safety
/// AVX-512.
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
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
    assert!(lanes.len() >= 2 * rs && PAD + 2 * dw.next_multiple_of(32) + FW + 32 <= rs);
    // SAFETY: AVX-512 is guaranteed by the caller. Loads read 32 samples from
    // `s·rs + PAD + 2·(dj + 16·b) − half + 2p` with dj + 16·b < 32·⌈dw/32⌉ and 2p ≤ FW, so
    // inside stream `s`'s row (checked above); stores write 32 samples at `dj` when
    // `dj + 32 ≤ dw`, else go through `tmp`.
    unsafe {
        let src = lanes.as_ptr();
        let c = _mm512_set1_epi32(i32::MIN.wrapping_add(32768));
        let order = _mm512_setr_epi64(0, 2, 4, 6, 1, 3, 5, 7);
        let mut dj = 0;
        while dj < dw {
            let planes = [&mut *dst_r, &mut *dst_d].into_iter().enumerate();
            for (s, dst) in planes.skip(if BOTH { 0 } else { 1 }) {
                let mut v = [_mm512_setzero_si512(); 2];
                for (b, v) in v.iter_mut().enumerate() {
                    let base = s * rs + PAD + 2 * (dj + 16 * b) - half;
                    let mut acc = _mm512_setzero_si512();
                    for p in 0..FW.div_ceil(2) {
                        let (t, wrap) = (const { tap_pairs(FW) }[p].0, wraps(FW, p));
                        let x = _mm512_loadu_si512(src.add(base + 2 * p) as *const _);
                        acc = _mm512_add_epi32(acc, madd(x, _mm512_set1_epi32(t), wrap));
                    }
                    *v = _mm512_srli_epi32(_mm512_add_epi32(acc, c), 16);
                }
                // packus interleaves the two vectors per 128-bit lane; put them back in order
                let packed = _mm512_permutexvar_epi64(order, _mm512_packus_epi32(v[0], v[1]));
                if dj + 32 <= dw {
                    _mm512_storeu_si512(dst.as_mut_ptr().add(dj) as *mut _, packed);
                } else {
                    let mut tmp = [0u16; 32];
                    _mm512_storeu_si512(tmp.as_mut_ptr() as *mut _, packed);
                    dst[dj..dw].copy_from_slice(&tmp[..dw - dj]);
                }
            }
            dj += 32;
        }
    }
}

/// Decimation to `FW`'s scale (see [`super::scalar::decimate`]) of both planes (`BOTH`) or of
/// the distorted one only (`dst_ref` untouched).
///
/// # Safety
/// AVX-512.
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
unsafe fn decimate<T: Sample512, const FW: usize, const BOTH: bool>(
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
        let out = lanes.as_mut_ptr();
        let pr: [*const T; FW] = rows_r.map(|r| r.as_ptr());
        let pd: [*const T; FW] = rows_d.map(|r| r.as_ptr());
        if w >= 32 {
            // SAFETY: AVX-512 is guaranteed by the caller; blocks read samples `j..j + 32 ≤ w`
            // of the rows and write samples `PAD + j..PAD + j + 32 < rs` of streams 0 and 1.
            for_blocks32(w, |j| unsafe {
                decimate_vertical::<T, FW, BOTH>(&pr, &pd, j, out, rs, add, shift)
            });
        } else if w >= 16 {
            // SAFETY: as above with 16-sample blocks; AVX-512 implies AVX2.
            for_blocks(w, |j| unsafe {
                avx2::decimate_vertical_m::<T, FW, BOTH>(&pr, &pd, j, out, rs, add, shift)
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
        // SAFETY: AVX-512 is guaranteed by the caller.
        unsafe { decimate_horizontal::<FW, BOTH>(lanes, rs, w, row_r, row_d) };
    }
}

/// Whether this CPU runs the AVX-512 kernels (F, BW, DQ, VL).
pub fn supported() -> bool {
    is_x86_feature_detected!("avx512f")
        && is_x86_feature_detected!("avx512bw")
        && is_x86_feature_detected!("avx512dq")
        && is_x86_feature_detected!("avx512vl")
}

fn check() {
    assert!(supported(), "AVX-512 kernel on a CPU without AVX-512");
}

/// AVX-512 statistic of 8-bit planes (8-bit scale 0; anything else runs the portable kernels).
pub fn statistic_u8(
    p: &PlanePair<'_, u8>,
    scale: usize,
    bpc: u32,
    egl: f64,
    s: &mut Scratch,
) -> VifAccum {
    check();
    if scale != 0 || bpc != 8 {
        return (super::Kernels::portable().statistic_u8)(p, scale, bpc, egl, s);
    }
    // SAFETY: AVX-512 is present (checked above); u8 runs with FW = 17 and bpc = 8.
    unsafe { statistic::<u8, 17>(p, bpc, egl, s) }
}

/// AVX-512 statistic of 16-bit planes at any scale and depth.
pub fn statistic_u16(
    p: &PlanePair<'_, u16>,
    scale: usize,
    bpc: u32,
    egl: f64,
    s: &mut Scratch,
) -> VifAccum {
    check();
    // SAFETY: AVX-512 is present (checked above).
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

/// AVX-512 decimation of 8-bit planes.
pub fn decimate_u8(
    p: &PlanePair<'_, u8>,
    to_scale: usize,
    bpc: u32,
    dst_ref: &mut [u16],
    dst_dis: &mut [u16],
    s: &mut Scratch,
) {
    check();
    // SAFETY: AVX-512 is present (checked above).
    unsafe { decimate_dispatch(p, to_scale, bpc, dst_ref, dst_dis, s) }
}

/// AVX-512 decimation of 16-bit planes.
pub fn decimate_u16(
    p: &PlanePair<'_, u16>,
    to_scale: usize,
    bpc: u32,
    dst_ref: &mut [u16],
    dst_dis: &mut [u16],
    s: &mut Scratch,
) {
    check();
    // SAFETY: AVX-512 is present (checked above).
    unsafe { decimate_dispatch(p, to_scale, bpc, dst_ref, dst_dis, s) }
}

/// # Safety
/// AVX-512.
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl")]
unsafe fn decimate_dispatch<T: Sample512>(
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

shared_entry_points!(
    "AVX-512",
    check,
    Sample512,
    "avx512f,avx512bw,avx512dq,avx512vl"
);
