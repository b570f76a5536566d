//! AVX2 twins of float ADM's wavelet, decoupling and contrast masking
//! ([`super::scalar::dwt2`], [`super::scalar::decouple`], [`super::scalar::cm`]: libvmaf's
//! `adm_dwt2_s`, `adm_decouple_s`, `adm_cm_s`), bit-exact with them.
//!
//! The wavelet's four-tap sums run lane-wise from 0.0 in tap order: the vertical pass over 8
//! columns (masked tail), the horizontal pass over 8 outputs whose taps `2j-1..=2j+2` are
//! inside the row, read as the even and odd samples of two 16-sample blocks; the mirrored
//! edge outputs take the scalar expression.
//!
//! Decoupling is a per-sample map: 8 samples at a time run the scalar steps lane-wise, the
//! division as `n · rcp_s(d)` with the modelled Intel `RCPSS` estimate (a gather from the
//! same 2048-entry table, the same special cases), the gain limit's comparisons in `f64`
//! and the two clamps as blends in the scalar order; the columns past the last vector take
//! the scalar expression.
//!
//! The interior columns of each row run 8 at a time: every lane builds the masking threshold
//! with the scalar code's operations in its order (per band, the eight neighbours of the
//! masking input summed in `f32` in row-major order with the centre's `|csf|/15` added in
//! `f64` at its turn, the bands summed from 0.0), subtracts it from `|band · rfactor|`, clamps
//! as C's `x < 0 ? 0 : x` and cubes (`x·x·x`). The per-band row sums stay sequential scalar
//! `f32` sums in column order, edge columns and rows keep the scalar expression, and a
//! p-norm other than 3 (which needs `powf`) runs the scalar code.

use std::arch::x86_64::*;

use crate::cpu::f32x8::{load, load_n, pack_mask, store, store_n};

use super::rcp::TABLE32;
use super::scalar::{
    cm_rows, cm_terms, cos_1deg_sq, decouple_at, filter_region, fir4, Bands, CmParams, DB2_HI,
    DB2_LO, DECOUPLE_EPS, ONE_BY_15,
};

pub(crate) use crate::cpu::Avx2;

impl Avx2 {
    /// [`super::scalar::dwt2`].
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn dwt2(
        self,
        src: &[f32],
        src_stride: usize,
        w: usize,
        h: usize,
        ind_y: &[[usize; 4]],
        ind_x: &[[usize; 4]],
        dst: &mut Bands,
        dst_stride: usize,
        tmplo: &mut [f32],
        tmphi: &mut [f32],
        lo_only: bool,
    ) {
        // SAFETY: an `Avx2` value exists only when the CPU supports AVX2.
        unsafe {
            dwt2(
                src, src_stride, w, h, ind_y, ind_x, dst, dst_stride, tmplo, tmphi, lo_only,
            )
        }
    }

    /// [`super::scalar::decouple`].
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn decouple(
        self,
        rf: &Bands,
        ds: &Bands,
        r: &mut Bands,
        a: &mut Bands,
        w: usize,
        h: usize,
        stride: usize,
        border_factor: f64,
        gain_limit: f64,
    ) {
        // SAFETY: an `Avx2` value exists only when the CPU supports AVX2.
        unsafe { decouple(rf, ds, r, a, w, h, stride, border_factor, gain_limit) }
    }

    /// [`super::scalar::cm`]; `terms` is scratch (grown as needed).
    pub(crate) fn cm(
        self,
        src: &Bands,
        csf_f: &Bands,
        csf_a: &Bands,
        rfactor: &[f32; 3],
        p: &CmParams,
        terms: &mut Vec<f32>,
    ) -> f32 {
        if p.p_norm != 3.0 {
            return super::scalar::cm(src, csf_f, csf_a, rfactor, p);
        }
        // SAFETY: an `Avx2` value exists only when the CPU supports AVX2.
        unsafe { cm(src, csf_f, csf_a, rfactor, p, terms) }
    }
}

#[inline]
#[target_feature(enable = "avx2")]
fn abs(v: __m256) -> __m256 {
    _mm256_and_ps(v, _mm256_castsi256_ps(_mm256_set1_epi32(0x7fff_ffff)))
}

/// `fir4` per lane: `0 + f0·s0 + f1·s1 + f2·s2 + f3·s3` in that order.
#[inline]
#[target_feature(enable = "avx2")]
fn fir4x8(f: &[f32; 4], s: [__m256; 4]) -> __m256 {
    let mut acc = _mm256_setzero_ps();
    for (c, x) in f.iter().zip(s) {
        acc = _mm256_add_ps(acc, _mm256_mul_ps(_mm256_set1_ps(*c), x));
    }
    acc
}

/// The even- and odd-indexed samples of `s[at..at + 16]`.
#[inline]
#[target_feature(enable = "avx2")]
fn deinterleave(s: &[f32], at: usize) -> (__m256, __m256) {
    let (a, b) = (load(s, at), load(s, at + 8));
    // per 128-bit half (a0 a2 b0 b2 | a4 a6 b4 b6), then the 64-bit pairs reordered 0 2 1 3
    let fix =
        |v: __m256| _mm256_castpd_ps(_mm256_permute4x64_pd::<0b11_01_10_00>(_mm256_castps_pd(v)));
    (
        fix(_mm256_shuffle_ps::<0b10_00_10_00>(a, b)),
        fix(_mm256_shuffle_ps::<0b11_01_11_01>(a, b)),
    )
}

#[target_feature(enable = "avx2")]
#[allow(clippy::too_many_arguments)]
fn dwt2(
    src: &[f32],
    src_stride: usize,
    w: usize,
    h: usize,
    ind_y: &[[usize; 4]],
    ind_x: &[[usize; 4]],
    dst: &mut Bands,
    dst_stride: usize,
    tmplo: &mut [f32],
    tmphi: &mut [f32],
    lo_only: bool,
) {
    let (tmplo, tmphi) = (&mut tmplo[..w], &mut tmphi[..w]);
    for (i, iy) in ind_y.iter().enumerate().take(h.div_ceil(2)) {
        let rows = iy.map(|r| &src[r * src_stride..r * src_stride + w]);
        for j in (0..w).step_by(8) {
            let n = (w - j).min(8);
            let s = rows.map(|r| load_n(r, j, n));
            store_n(tmplo, j, n, fir4x8(&DB2_LO, s));
            if !lo_only {
                store_n(tmphi, j, n, fir4x8(&DB2_HI, s));
            }
        }
        let o = i * dst_stride;
        let scalar_at = |j: usize, dst: &mut Bands| {
            let lo = ind_x[j].map(|c| tmplo[c]);
            dst.a[o + j] = fir4(&DB2_LO, lo);
            if !lo_only {
                dst.v[o + j] = fir4(&DB2_HI, lo);
                let hi = ind_x[j].map(|c| tmphi[c]);
                dst.h[o + j] = fir4(&DB2_LO, hi);
                dst.d[o + j] = fir4(&DB2_HI, hi);
            }
        };
        let outs = w.div_ceil(2);
        // output 0 mirrors column -1; vectors start at 1 and end where 2j + 2 stays inside
        scalar_at(0, dst);
        let mut j = 1;
        while 2 * (j + 7) + 2 < w {
            let taps = |t: &[f32]| {
                let (s0, s1) = deinterleave(t, 2 * j - 1);
                let (s2, s3) = deinterleave(t, 2 * j + 1);
                [s0, s1, s2, s3]
            };
            let lo = taps(tmplo);
            store(&mut dst.a, o + j, fir4x8(&DB2_LO, lo));
            if !lo_only {
                store(&mut dst.v, o + j, fir4x8(&DB2_HI, lo));
                let hi = taps(tmphi);
                store(&mut dst.h, o + j, fir4x8(&DB2_LO, hi));
                store(&mut dst.d, o + j, fir4x8(&DB2_HI, hi));
            }
            j += 8;
        }
        for j in j.max(1)..outs {
            scalar_at(j, dst);
        }
    }
}

/// The `f64` widening of the low (`HI == false`) or high four lanes.
#[inline]
#[target_feature(enable = "avx2")]
fn widen<const HI: bool>(v: __m256) -> __m256d {
    if HI {
        _mm256_cvtps_pd(_mm256_extractf128_ps::<1>(v))
    } else {
        _mm256_cvtps_pd(_mm256_castps256_ps128(v))
    }
}

/// Intel's `RCPSS` estimate per lane (see [`super::rcp::rcp_estimate`]).
#[inline]
#[target_feature(enable = "avx2")]
fn rcp_estimate(x: __m256) -> __m256 {
    let bits = _mm256_castps_si256(x);
    let sign = _mm256_and_si256(bits, _mm256_set1_epi32(i32::MIN));
    let exp = _mm256_and_si256(_mm256_srli_epi32::<23>(bits), _mm256_set1_epi32(0xff));
    let frac = _mm256_and_si256(bits, _mm256_set1_epi32(0x7f_ffff));
    let idx = _mm256_srli_epi32::<12>(frac);
    // SAFETY: `idx` is 11 bits wide, every lane reads inside the 2048-entry table.
    let k = unsafe { _mm256_i32gather_epi32::<4>(TABLE32.as_ptr() as *const i32, idx) };
    let rexp = _mm256_sub_epi32(_mm256_set1_epi32(253), exp);
    let mut v = _mm256_or_si256(
        _mm256_or_si256(sign, _mm256_slli_epi32::<23>(rexp)),
        _mm256_slli_epi32::<11>(k),
    );
    let is = |m: __m256i, a: __m256i, b: __m256i| {
        _mm256_castps_si256(_mm256_blendv_ps(
            _mm256_castsi256_ps(a),
            _mm256_castsi256_ps(b),
            _mm256_castsi256_ps(m),
        ))
    };
    // tiny results flush to a signed zero
    v = is(_mm256_cmpgt_epi32(_mm256_set1_epi32(1), rexp), v, sign);
    // infinities give a signed zero, NaNs turn quiet
    let nan = _mm256_or_si256(bits, _mm256_set1_epi32(0x0040_0000));
    let special = is(_mm256_cmpeq_epi32(frac, _mm256_setzero_si256()), nan, sign);
    v = is(_mm256_cmpeq_epi32(exp, _mm256_set1_epi32(0xff)), v, special);
    // zero and denormals give a signed infinity
    v = is(
        _mm256_cmpeq_epi32(exp, _mm256_setzero_si256()),
        v,
        _mm256_or_si256(sign, _mm256_set1_epi32(0x7f80_0000)),
    );
    _mm256_castsi256_ps(v)
}

/// `DIVS(n, d)`: `n · rcp_s(d)`, `rcp_s` one Newton-Raphson step on the estimate.
#[inline]
#[target_feature(enable = "avx2")]
fn divs(n: __m256, d: __m256) -> __m256 {
    let xi = rcp_estimate(d);
    let rcp = _mm256_add_ps(
        xi,
        _mm256_mul_ps(xi, _mm256_sub_ps(_mm256_set1_ps(1.0), _mm256_mul_ps(d, xi))),
    );
    _mm256_mul_ps(n, rcp)
}

/// C's `k < 0 ? 0 : (k > 1 ? 1 : k)` per lane (NaN passes).
#[inline]
#[target_feature(enable = "avx2")]
fn clamp01(k: __m256) -> __m256 {
    let zero = _mm256_setzero_ps();
    let one = _mm256_set1_ps(1.0);
    let k = _mm256_blendv_ps(k, one, _mm256_cmp_ps::<_CMP_GT_OQ>(k, one));
    _mm256_blendv_ps(k, zero, _mm256_cmp_ps::<_CMP_LT_OQ>(k, zero))
}

/// The gain limit of `adm_decouple_s` where `flag` (see [`decouple_at`]): `rst · limit` and
/// `t` compared in `f64`, positive then (with the updated value) negative `rst`.
#[inline]
#[target_feature(enable = "avx2")]
fn limit(rst: __m256, t: __m256, flag: __m256, gain_limit: __m256d) -> __m256 {
    let zero = _mm256_setzero_ps();
    let step = |rst: __m256, positive: bool| {
        let (glo, ghi) = (
            _mm256_mul_pd(widen::<false>(rst), gain_limit),
            _mm256_mul_pd(widen::<true>(rst), gain_limit),
        );
        let (tlo, thi) = (widen::<false>(t), widen::<true>(t));
        let take_g = if positive {
            pack_mask(
                _mm256_cmp_pd::<_CMP_LT_OQ>(glo, tlo),
                _mm256_cmp_pd::<_CMP_LT_OQ>(ghi, thi),
            )
        } else {
            pack_mask(
                _mm256_cmp_pd::<_CMP_GT_OQ>(glo, tlo),
                _mm256_cmp_pd::<_CMP_GT_OQ>(ghi, thi),
            )
        };
        let g = _mm256_set_m128(_mm256_cvtpd_ps(ghi), _mm256_cvtpd_ps(glo));
        let limited = _mm256_blendv_ps(t, g, take_g);
        let sign = if positive {
            _mm256_cmp_ps::<_CMP_GT_OQ>(rst, zero)
        } else {
            _mm256_cmp_ps::<_CMP_LT_OQ>(rst, zero)
        };
        _mm256_blendv_ps(rst, limited, _mm256_and_ps(flag, sign))
    };
    let rst = step(rst, true);
    step(rst, false)
}

#[target_feature(enable = "avx2")]
#[allow(clippy::too_many_arguments)]
fn decouple(
    rf: &Bands,
    ds: &Bands,
    r: &mut Bands,
    a: &mut Bands,
    w: usize,
    h: usize,
    stride: usize,
    border_factor: f64,
    gain_limit: f64,
) {
    let (left, top, right, bottom) = filter_region(w, h, border_factor);
    let cos_sq = cos_1deg_sq();
    let cos_v = _mm256_set1_ps(cos_sq);
    let gl = _mm256_set1_pd(gain_limit);
    let eps = _mm256_set1_ps(DECOUPLE_EPS);
    let zero = _mm256_setzero_ps();
    for i in top..bottom {
        let mut j = left;
        while j + 8 <= right {
            let o = i * stride + j;
            let (oh, ov, od) = (load(&rf.h, o), load(&rf.v, o), load(&rf.d, o));
            let (th, tv, td) = (load(&ds.h, o), load(&ds.v, o), load(&ds.d, o));
            let kh = clamp01(divs(th, _mm256_add_ps(oh, eps)));
            let kv = clamp01(divs(tv, _mm256_add_ps(ov, eps)));
            let kd = clamp01(divs(td, _mm256_add_ps(od, eps)));
            let ot_dp = _mm256_add_ps(_mm256_mul_ps(oh, th), _mm256_mul_ps(ov, tv));
            let o_mag_sq = _mm256_add_ps(_mm256_mul_ps(oh, oh), _mm256_mul_ps(ov, ov));
            let t_mag_sq = _mm256_add_ps(_mm256_mul_ps(th, th), _mm256_mul_ps(tv, tv));
            let flag = _mm256_and_ps(
                _mm256_cmp_ps::<_CMP_GE_OQ>(ot_dp, zero),
                _mm256_cmp_ps::<_CMP_GE_OQ>(
                    _mm256_mul_ps(ot_dp, ot_dp),
                    _mm256_mul_ps(_mm256_mul_ps(cos_v, o_mag_sq), t_mag_sq),
                ),
            );
            let rst_h = limit(_mm256_mul_ps(kh, oh), th, flag, gl);
            let rst_v = limit(_mm256_mul_ps(kv, ov), tv, flag, gl);
            let rst_d = limit(_mm256_mul_ps(kd, od), td, flag, gl);
            store(&mut r.h, o, rst_h);
            store(&mut r.v, o, rst_v);
            store(&mut r.d, o, rst_d);
            store(&mut a.h, o, _mm256_sub_ps(th, rst_h));
            store(&mut a.v, o, _mm256_sub_ps(tv, rst_v));
            store(&mut a.d, o, _mm256_sub_ps(td, rst_d));
            j += 8;
        }
        for j in j..right {
            decouple_at(rf, ds, r, a, i * stride + j, cos_sq, gain_limit);
        }
    }
}

/// The terms of [`cm_terms`] for the interior columns `j..j + 8` of row `i`, into
/// `out[t·n + o..]` for band `t`.
#[inline]
#[target_feature(enable = "avx2")]
#[allow(clippy::too_many_arguments)]
fn terms8(
    src: &Bands,
    csf_f: &Bands,
    csf_a: &Bands,
    rfactor: &[f32; 3],
    p: &CmParams,
    i: usize,
    rows: [usize; 3],
    j: usize,
    out: &mut [f32],
    n: usize,
    o: usize,
) {
    let stride = p.stride;
    let zero = _mm256_setzero_ps();
    let mut thr = zero;
    if !p.bypass {
        let third = _mm256_set1_pd(ONE_BY_15);
        for (c, f) in csf_a.hvd().iter().zip(csf_f.hvd()) {
            let mut sum = zero;
            for (ri, &r) in rows.iter().enumerate() {
                for ci in 0..3 {
                    let at = r * stride + j + ci - 1;
                    if ri == 1 && ci == 1 {
                        let cc = abs(load(c, at));
                        let half = |s: __m128, c: __m128| {
                            _mm256_cvtpd_ps(_mm256_add_pd(
                                _mm256_cvtps_pd(s),
                                _mm256_mul_pd(third, _mm256_cvtps_pd(c)),
                            ))
                        };
                        sum = _mm256_set_m128(
                            half(
                                _mm256_extractf128_ps::<1>(sum),
                                _mm256_extractf128_ps::<1>(cc),
                            ),
                            half(_mm256_castps256_ps128(sum), _mm256_castps256_ps128(cc)),
                        );
                    } else {
                        sum = _mm256_add_ps(sum, load(f, at));
                    }
                }
            }
            thr = _mm256_add_ps(thr, sum);
        }
    }
    for (t, band) in src.hvd().iter().enumerate() {
        let x = abs(_mm256_mul_ps(
            load(band, i * stride + j),
            _mm256_set1_ps(rfactor[t]),
        ));
        let x = _mm256_sub_ps(x, thr);
        let x = _mm256_blendv_ps(x, zero, _mm256_cmp_ps::<_CMP_LT_OQ>(x, zero));
        store(out, t * n + o, _mm256_mul_ps(_mm256_mul_ps(x, x), x));
    }
}

#[target_feature(enable = "avx2")]
fn cm(
    src: &Bands,
    csf_f: &Bands,
    csf_a: &Bands,
    rfactor: &[f32; 3],
    p: &CmParams,
    terms: &mut Vec<f32>,
) -> f32 {
    cm_rows(src, csf_f, csf_a, rfactor, p, |i, rows, cols, inner| {
        let n = cols.len();
        if terms.len() < 3 * n {
            terms.resize(3 * n, 0.0);
        }
        let mut j = cols.start;
        while j + 8 <= cols.end {
            terms8(
                src,
                csf_f,
                csf_a,
                rfactor,
                p,
                i,
                rows,
                j,
                terms,
                n,
                j - cols.start,
            );
            j += 8;
        }
        for j in j..cols.end {
            let v = cm_terms(src, csf_f, csf_a, rfactor, p, i, rows, j);
            for (t, v) in v.into_iter().enumerate() {
                terms[t * n + j - cols.start] = v;
            }
        }
        for k in 0..n {
            for t in 0..3 {
                inner[t] += terms[t * n + k];
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::super::scalar;
    use super::*;

    /// Asserts every pair of planes equal bit for bit.
    fn same_bits<const N: usize>(pairs: [(&Vec<f32>, &Vec<f32>); N], what: &str) {
        for (p, (x, y)) in pairs.into_iter().enumerate() {
            assert_eq!(x.len(), y.len(), "{what} plane {p}");
            for (q, (u, v)) in x.iter().zip(y).enumerate() {
                assert_eq!(
                    u.to_bits(),
                    v.to_bits(),
                    "{what} plane {p} @{q}: {u} vs {v}"
                );
            }
        }
    }

    fn bands(n: usize, seed: &mut u64, scale: f32) -> Bands {
        let mut b = Bands::new(n, false);
        // exact zeros: where h and v both vanish (k % 7 == 0) d often does not, so the
        // decoupling's angle test meets zero magnitudes next to a live diagonal band
        for (band, zeros) in [(&mut b.h, 7), (&mut b.v, 7), (&mut b.d, 5)] {
            for (k, v) in band.iter_mut().enumerate() {
                *seed ^= *seed << 13;
                *seed ^= *seed >> 7;
                *seed ^= *seed << 17;
                let u = (*seed >> 40) as f32 / (1u64 << 24) as f32 - 0.5;
                *v = if k % zeros == 0 { 0.0 } else { u * scale };
            }
        }
        b
    }

    #[test]
    fn rcp_estimate_matches_the_model_on_special_and_random_values() {
        let Some(_) = Avx2::new() else { return };
        let mut xs: Vec<f32> = vec![
            0.0,
            -0.0,
            1.0,
            -2.0,
            f32::from_bits(1),
            -f32::from_bits(0x7f_ffff),
            f32::MIN_POSITIVE,
            f32::INFINITY,
            f32::NEG_INFINITY,
            f32::NAN,
            -f32::NAN,
            f32::MAX,
            f32::from_bits(0x7e80_0000),
            f32::from_bits(0x7e7f_ffff),
            f32::from_bits(0x7f00_0000),
            1e-30,
        ];
        let mut seed = 0x1234_5678_9abc_def1u64;
        for _ in 0..20000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            xs.push(f32::from_bits((seed >> 32) as u32));
        }
        // every mantissa interval once
        xs.extend((0..2048u32).map(|i| f32::from_bits(0x3f80_0000 | (i << 12) | 0x5a5)));
        xs.resize(xs.len().next_multiple_of(8), 1.0);
        for c in xs.chunks_exact(8) {
            let mut got = [0.0f32; 8];
            // SAFETY: AVX2 checked above.
            unsafe { store(&mut got, 0, rcp_estimate(load(c, 0))) };
            for (x, g) in c.iter().zip(got) {
                let want = super::super::rcp::rcp_estimate(*x);
                assert_eq!(
                    want.to_bits(),
                    g.to_bits(),
                    "rcp({x:e} = {:#x})",
                    x.to_bits()
                );
            }
        }
    }

    #[test]
    fn dwt2_matches_scalar_every_size() {
        let Some(k) = Avx2::new() else { return };
        let mut seed = 0xC0FF_EE00_D15E_A5E5u64;
        for w in 2..45usize {
            for h in [2usize, 3, 6, 9] {
                let stride = w + 5;
                let src: Vec<f32> = (0..stride * h)
                    .map(|q| {
                        seed ^= seed << 13;
                        seed ^= seed >> 7;
                        seed ^= seed << 17;
                        // converted 8-16-bit samples, full scale every 9th
                        if q % 9 == 0 {
                            127.0
                        } else {
                            (seed % 65536) as f32 / 256.0 + -128.0
                        }
                    })
                    .collect();
                let (bw, bh) = (w.div_ceil(2), h.div_ceil(2));
                let mut iy = vec![[0usize; 4]; bh];
                let mut ix = vec![[0usize; 4]; bw];
                scalar::dwt_indices(h, &mut iy);
                scalar::dwt_indices(w, &mut ix);
                for lo_only in [false, true] {
                    let n = bw * bh;
                    let (mut want, mut got) = (Bands::new(n, true), Bands::new(n, true));
                    let (mut l1, mut h1) = (vec![0.0; w], vec![0.0; w]);
                    let (mut l2, mut h2) = (vec![0.0; w], vec![0.0; w]);
                    scalar::dwt2(
                        &src, stride, w, h, &iy, &ix, &mut want, bw, &mut l1, &mut h1, lo_only,
                    );
                    k.dwt2(
                        &src, stride, w, h, &iy, &ix, &mut got, bw, &mut l2, &mut h2, lo_only,
                    );
                    same_bits(
                        [
                            (&want.a, &got.a),
                            (&want.h, &got.h),
                            (&want.v, &got.v),
                            (&want.d, &got.d),
                        ],
                        &format!("{w}x{h} lo_only {lo_only}"),
                    );
                }
            }
        }
    }

    #[test]
    fn decouple_matches_scalar_every_size() {
        let Some(k) = Avx2::new() else { return };
        let mut seed = 0x0DDB_1A5E_5BAD_5EEDu64;
        for w in 1..40 {
            for h in [1, 2, 5, 11] {
                let stride = w + 3;
                let n = stride * h;
                let rf = bands(n, &mut seed, 300.0);
                let mut ds = bands(n, &mut seed, 300.0);
                // restored-like samples: scaled copies of the reference (k in and out of
                // [0, 1], angle flag set), sign flips, and zeros
                for (t, (d, o)) in [(&mut ds.h, &rf.h), (&mut ds.v, &rf.v), (&mut ds.d, &rf.d)]
                    .into_iter()
                    .enumerate()
                {
                    for (q, (x, &y)) in d.iter_mut().zip(o).enumerate() {
                        match (q + t) % 5 {
                            0 => *x = y * 0.75,
                            1 => *x = y * 1.5,
                            2 => *x = -y,
                            _ => {}
                        }
                    }
                }
                for (border, gain) in [(0.1, 100.0), (0.0, 1.0), (0.2, 1.5)] {
                    let (mut r1, mut a1) = (Bands::new(n, false), Bands::new(n, false));
                    let (mut r2, mut a2) = (Bands::new(n, false), Bands::new(n, false));
                    scalar::decouple(&rf, &ds, &mut r1, &mut a1, w, h, stride, border, gain);
                    k.decouple(&rf, &ds, &mut r2, &mut a2, w, h, stride, border, gain);
                    same_bits(
                        [
                            (&r1.h, &r2.h),
                            (&r1.v, &r2.v),
                            (&r1.d, &r2.d),
                            (&a1.h, &a2.h),
                            (&a1.v, &a2.v),
                            (&a1.d, &a2.d),
                        ],
                        &format!("{w}x{h} {border} {gain}"),
                    );
                }
            }
        }
    }

    #[test]
    fn cm_matches_scalar_every_size_and_option() {
        let Some(k) = Avx2::new() else { return };
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        let mut terms = Vec::new();
        for w in 3..42 {
            for h in [3, 4, 9, 20] {
                let stride = w + 2;
                let n = stride * h;
                let src = bands(n, &mut seed, 400.0);
                // masking inputs small and large against the bands: both threshold branches
                let csf_a = bands(n, &mut seed, 60.0);
                let csf_f = bands(n, &mut seed, 8.0);
                let rf = [0.01f32, 0.02, 0.05];
                for (bypass, noise_weight, border, p_norm) in [
                    (false, 0.03125, 0.1, 3.0),
                    (false, 0.0, 0.0, 3.0),
                    (true, 0.03125, 0.1, 3.0),
                    (false, 0.03125, 0.3, 2.5),
                ] {
                    let p = CmParams {
                        w,
                        h,
                        stride,
                        border_factor: border,
                        noise_weight,
                        bypass,
                        p_norm,
                    };
                    let want = scalar::cm(&src, &csf_f, &csf_a, &rf, &p);
                    let got = k.cm(&src, &csf_f, &csf_a, &rf, &p, &mut terms);
                    assert_eq!(
                        want.to_bits(),
                        got.to_bits(),
                        "{w}x{h} {p:?}: {want} vs {got}"
                    );
                }
            }
        }
    }
}
