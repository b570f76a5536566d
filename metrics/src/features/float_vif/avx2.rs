//! AVX2 twin of float VIF's per-scale work ([`super::scalar`]: `vif_filter1d_s`, `_sq_s`,
//! `_xy_s`, `vif_dec2_s`, `vif_statistic_s` and `compute_vif`), bit-exact with it.
//!
//! The vectors run across 8 independent output columns, and every lane performs the scalar
//! code's operations in the scalar code's order: each filter output starts at 0.0 and adds
//! `tap · sample` (or `tap · (x·x)`, `tap · (x·y)`) tap by tap, `mulps` then `addps`, never
//! fused; the statistic's `f32` and `f64` steps, its clamps (`maxps`/`minps` return the
//! second operand on NaN, exactly C's `a > b ? a : b`), its branches (as blends in the same
//! order) and `log2f_approx` are lane-wise copies. Only the two row sums stay sequential
//! scalar `f32` sums, in column order, as in C.
//!
//! What changes is the schedule, never a value: the five moments of a row are filtered in one
//! pass and consumed at once (no full-plane moment buffers), and the low-pass before each
//! decimation computes only the rows and columns that `vif_dec2_s` keeps.

use std::arch::x86_64::*;

use crate::cpu::f32x8::{load_n as load, pack_mask, store};

use super::scalar::{reflect, sigma_max_inv, VifScores, LOG2_POLY, STAT_EPS};

pub(crate) use crate::cpu::Avx2;

impl Avx2 {
    /// `vif_statistic_s` of one scale, filtering the moments of `r` and `d` (`w`×`h`, rows
    /// `stride` apart) with `f` on the fly: the same `(num, den)` as
    /// [`super::scalar::statistic`] over [`super::scalar::filter1d`] & co.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn statistic(
        self,
        f: &[f32],
        r: &[f32],
        d: &[f32],
        stride: usize,
        w: usize,
        h: usize,
        enhn_gain_limit: f64,
        sigma_nsq: f64,
        rows: &mut Rows,
    ) -> (f32, f32) {
        // SAFETY: an `Avx2` value exists only when the CPU supports AVX2.
        unsafe { statistic(f, r, d, stride, w, h, enhn_gain_limit, sigma_nsq, rows) }
    }

    /// `vif_filter1d_s` with `f` followed by `vif_dec2_s`: the `w/2`×`h/2` plane of the
    /// filtered even rows and columns of `src` into `dst` (rows `dst_stride` apart).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn filter_dec2(
        self,
        f: &[f32],
        src: &[f32],
        src_stride: usize,
        w: usize,
        h: usize,
        dst: &mut [f32],
        dst_stride: usize,
        rows: &mut Rows,
    ) {
        // SAFETY: as above.
        unsafe { filter_dec2(f, src, src_stride, w, h, dst, dst_stride, rows) }
    }

    /// `compute_vif` (see [`super::scalar::compute_vif`]) with the kernels above; `planes`
    /// holds the decimated scales.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn compute_vif(
        self,
        reference: &[f32],
        distorted: &[f32],
        stride: usize,
        w: usize,
        h: usize,
        filters: &[Vec<f32>; 4],
        enhn_gain_limit: f64,
        skip_scale0: bool,
        sigma_nsq: f64,
        planes: &mut Planes,
    ) -> VifScores {
        let mut out = VifScores::default();
        let first = if skip_scale0 { 1 } else { 0 };
        let Planes { scaled, rows } = planes;
        let (mut w, mut h) = (w, h);
        for (scale, f) in filters.iter().enumerate().skip(first) {
            if scale > 0 {
                // scale s lives in buffer pair (s - 1) % 2; it reads the other pair
                let (lo, hi) = scaled.split_at_mut(2);
                let (src, dst) = match scale {
                    1 => (None, lo),
                    2 => (Some(&*lo), hi),
                    _ => (Some(&*hi), lo),
                };
                let (sr, sd, ss): (&[f32], &[f32], usize) = match src {
                    None => (reference, distorted, stride),
                    Some(p) => (&p[0], &p[1], w),
                };
                let (dr, dd) = dst.split_at_mut(1);
                self.filter_dec2(f, sr, ss, w, h, &mut dr[0], w / 2, rows);
                self.filter_dec2(f, sd, ss, w, h, &mut dd[0], w / 2, rows);
                w /= 2;
                h /= 2;
            }
            let (cr, cd, cs): (&[f32], &[f32], usize) = match scale {
                0 => (reference, distorted, stride),
                1 | 3 => (&scaled[0], &scaled[1], w),
                _ => (&scaled[2], &scaled[3], w),
            };
            let (num, den) = self.statistic(f, cr, cd, cs, w, h, enhn_gain_limit, sigma_nsq, rows);
            out.scales[2 * scale] = num as f64;
            out.scales[2 * scale + 1] = den as f64;
        }
        out.finish(first);
        out
    }
}

/// Moments filtered per row: μ₁, μ₂, x², y², xy.
const MOMENTS: usize = 5;

/// Row buffers of the kernels for planes up to a given width and filter length.
#[derive(Debug, Clone)]
pub(crate) struct Rows {
    /// Width rounded up to 8 (the vector outputs of a row).
    w8: usize,
    /// Length of one padded vertical-pass row: `w8`, the filter and a vector of slack.
    len: usize,
    /// Vertical-pass rows with mirrored edges, [`MOMENTS`] of `len`.
    tmp: Vec<f32>,
    /// Filtered rows, [`MOMENTS`] of `w8`.
    out: Vec<f32>,
    /// Per-pixel numerator and denominator terms, 2 of `w8`.
    vals: Vec<f32>,
    /// Sample offsets of the vertical taps of the current row.
    offs: Vec<usize>,
}

impl Rows {
    /// Buffers for planes up to `w` samples wide and filters up to `max_taps` taps.
    pub(crate) fn new(w: usize, max_taps: usize) -> Self {
        let w8 = w.next_multiple_of(8);
        let len = w8 + max_taps + 8;
        Rows {
            w8,
            len,
            tmp: vec![0.0; MOMENTS * len],
            out: vec![0.0; MOMENTS * w8],
            vals: vec![0.0; 2 * w8],
            offs: Vec::with_capacity(max_taps),
        }
    }
}

/// The decimated planes of scales 1 to 3 and the row buffers.
#[derive(Debug, Clone)]
pub(crate) struct Planes {
    /// Reference and distorted of scales 1 and 3 (`w/2`×`h/2` room), then of scale 2.
    scaled: [Vec<f32>; 4],
    rows: Rows,
}

impl Planes {
    /// Buffers for `w`×`h` input and filters up to `max_taps` taps.
    pub(crate) fn new(w: usize, h: usize, max_taps: usize) -> Self {
        let s1 = (w / 2) * (h / 2);
        let s2 = (w / 4) * (h / 4);
        Planes {
            scaled: [vec![0.0; s1], vec![0.0; s1], vec![0.0; s2], vec![0.0; s2]],
            rows: Rows::new(w, max_taps),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Loads and stores (bounds-checked slices; the only `unsafe` is the access itself).

// ---------------------------------------------------------------------------------------------
// Filter passes

/// Sample offsets in the plane (rows `stride` apart) of the `taps` vertical taps of output
/// row `i`, reflect-101 at the plane's edges, into `offs`.
fn tap_offsets(offs: &mut Vec<usize>, taps: usize, i: usize, h: usize, stride: usize) {
    let half = (taps / 2) as isize;
    offs.clear();
    offs.extend((0..taps).map(|k| reflect(i as isize - half + k as isize, h) * stride));
}

/// Mirrors `half` entries on each side of the row `tmp[half..half + w]`, as `filter_moment`.
fn mirror_edges(tmp: &mut [f32], half: usize, w: usize) {
    for p in 1..=half {
        tmp[half - p] = tmp[half + p];
        tmp[half + w - 1 + p] = tmp[half + w - 1 - p];
    }
}

/// The filter taps broadcast to vectors.
#[inline]
#[target_feature(enable = "avx2")]
fn broadcast(f: &[f32]) -> Vec<__m256> {
    f.iter().map(|&c| _mm256_set1_ps(c)).collect()
}

/// Horizontal pass of one padded row `tmp` into `out[..w8]` (lanes past `w` are junk), with
/// the taps of [`broadcast`]. Four vectors of outputs advance together so their sums overlap;
/// each lane still adds its taps in order.
#[inline]
#[target_feature(enable = "avx2")]
fn horizontal(taps: &[__m256], tmp: &[f32], w: usize, out: &mut [f32]) {
    const GROUP: usize = 4;
    let mut j = 0;
    while j < w {
        let g = (w - j).div_ceil(8).min(GROUP);
        let mut acc = [_mm256_setzero_ps(); GROUP];
        for (k, &c) in taps.iter().enumerate() {
            for (v, a) in acc.iter_mut().enumerate().take(g) {
                *a = _mm256_add_ps(*a, _mm256_mul_ps(c, load(tmp, j + 8 * v + k, 8)));
            }
        }
        for (v, &a) in acc.iter().enumerate().take(g) {
            store(out, j + 8 * v, a);
        }
        j += 8 * g;
    }
}

/// Vertical pass (taps of [`broadcast`]) of the five moments of row `i` into the padded rows
/// of `rows.tmp`, edges mirrored.
#[target_feature(enable = "avx2")]
#[allow(clippy::too_many_arguments)]
fn vertical_moments(
    taps: &[__m256],
    r: &[f32],
    d: &[f32],
    stride: usize,
    w: usize,
    h: usize,
    i: usize,
    rows: &mut Rows,
) {
    let half = taps.len() / 2;
    let len = rows.len;
    tap_offsets(&mut rows.offs, taps.len(), i, h, stride);
    for j in (0..w).step_by(8) {
        let n = (w - j).min(8);
        let mut acc = [_mm256_setzero_ps(); MOMENTS];
        for (&c, &o) in taps.iter().zip(&rows.offs) {
            let x = load(r, o + j, n);
            let y = load(d, o + j, n);
            acc[0] = _mm256_add_ps(acc[0], _mm256_mul_ps(c, x));
            acc[1] = _mm256_add_ps(acc[1], _mm256_mul_ps(c, y));
            acc[2] = _mm256_add_ps(acc[2], _mm256_mul_ps(c, _mm256_mul_ps(x, x)));
            acc[3] = _mm256_add_ps(acc[3], _mm256_mul_ps(c, _mm256_mul_ps(y, y)));
            acc[4] = _mm256_add_ps(acc[4], _mm256_mul_ps(c, _mm256_mul_ps(x, y)));
        }
        for (m, a) in acc.into_iter().enumerate() {
            store(&mut rows.tmp, m * len + half + j, a);
        }
    }
    for m in 0..MOMENTS {
        mirror_edges(&mut rows.tmp[m * len..(m + 1) * len], half, w);
    }
}

#[target_feature(enable = "avx2")]
#[allow(clippy::too_many_arguments)]
fn filter_dec2(
    f: &[f32],
    src: &[f32],
    src_stride: usize,
    w: usize,
    h: usize,
    dst: &mut [f32],
    dst_stride: usize,
    rows: &mut Rows,
) {
    assert!(w <= rows.w8 && f.len() + rows.w8 + 8 <= rows.len);
    let half = f.len() / 2;
    let tmp = &mut rows.tmp[..rows.len];
    let out = &mut rows.out[..rows.w8];
    let offs = &mut rows.offs;
    let taps = broadcast(f);
    for q in 0..h / 2 {
        tap_offsets(offs, f.len(), 2 * q, h, src_stride);
        for j in (0..w).step_by(8) {
            let n = (w - j).min(8);
            let mut acc = _mm256_setzero_ps();
            for (&c, &o) in taps.iter().zip(offs.iter()) {
                acc = _mm256_add_ps(acc, _mm256_mul_ps(c, load(src, o + j, n)));
            }
            store(tmp, half + j, acc);
        }
        mirror_edges(tmp, half, w);
        horizontal(&taps, tmp, w, out);
        let drow = &mut dst[q * dst_stride..q * dst_stride + w / 2];
        for (p, v) in drow.iter_mut().enumerate() {
            *v = out[2 * p];
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Statistic

/// `log2f_approx` per lane (see [`super::scalar::log2f_approx`]).
#[inline]
#[target_feature(enable = "avx2")]
fn log2f_approx(x: __m256) -> __m256 {
    let u = _mm256_castps_si256(x);
    let exponent = _mm256_srli_epi32::<23>(_mm256_and_si256(u, _mm256_set1_epi32(0x7F80_0000)));
    let remain = _mm256_castsi256_ps(_mm256_or_si256(
        _mm256_and_si256(u, _mm256_set1_epi32(0x007F_FFFF)),
        _mm256_set1_epi32(0x3F80_0000),
    ));
    let log_base = _mm256_cvtepi32_ps(_mm256_sub_epi32(exponent, _mm256_set1_epi32(127)));
    let t = _mm256_sub_ps(remain, _mm256_set1_ps(1.0));
    let mut log_remain = _mm256_setzero_ps();
    for &c in &LOG2_POLY {
        log_remain = _mm256_add_ps(_mm256_mul_ps(log_remain, t), _mm256_set1_ps(c));
    }
    let v = _mm256_add_ps(log_base, log_remain);
    let zero = _mm256_setzero_ps();
    let v = _mm256_blendv_ps(
        v,
        _mm256_set1_ps(f32::NEG_INFINITY),
        _mm256_cmp_ps::<_CMP_EQ_OQ>(x, zero),
    );
    _mm256_blendv_ps(
        v,
        _mm256_set1_ps(f32::NAN),
        _mm256_cmp_ps::<_CMP_LT_OQ>(x, zero),
    )
}

/// `(f32)(1.0 + (f64)a / ((f64)b + c))` per lane (`b` absent: `/ c`).
#[inline]
#[target_feature(enable = "avx2")]
fn one_plus_ratio(a: __m256, b: Option<__m256>, c: f64) -> __m256 {
    let c = _mm256_set1_pd(c);
    let one = _mm256_set1_pd(1.0);
    let half = |lo: bool| {
        let pick = |v: __m256| {
            if lo {
                _mm256_cvtps_pd(_mm256_castps256_ps128(v))
            } else {
                _mm256_cvtps_pd(_mm256_extractf128_ps::<1>(v))
            }
        };
        let den = match b {
            Some(b) => _mm256_add_pd(pick(b), c),
            None => c,
        };
        _mm256_cvtpd_ps(_mm256_add_pd(one, _mm256_div_pd(pick(a), den)))
    };
    _mm256_set_m128(half(false), half(true))
}

/// Lanes where `(f64)a < c`, as a 32-bit lane mask.
#[inline]
#[target_feature(enable = "avx2")]
fn lt_f64(a: __m256, c: f64) -> __m256 {
    let c = _mm256_set1_pd(c);
    let lo = _mm256_cmp_pd::<_CMP_LT_OQ>(_mm256_cvtps_pd(_mm256_castps256_ps128(a)), c);
    let hi = _mm256_cmp_pd::<_CMP_LT_OQ>(_mm256_cvtps_pd(_mm256_extractf128_ps::<1>(a)), c);
    pack_mask(lo, hi)
}

/// The per-pixel terms of `vif_statistic_s` for the 8 pixels of the moment vectors.
#[inline]
#[target_feature(enable = "avx2")]
#[allow(clippy::too_many_arguments)]
fn pixel_terms(
    mu1: __m256,
    mu2: __m256,
    xx: __m256,
    yy: __m256,
    xy: __m256,
    egl: __m256,
    sigma_nsq: f64,
    sigma_max_inv: __m256,
) -> (__m256, __m256) {
    let zero = _mm256_setzero_ps();
    let eps = _mm256_set1_ps(STAT_EPS);
    let mut sigma1_sq = _mm256_sub_ps(xx, _mm256_mul_ps(mu1, mu1));
    let mut sigma2_sq = _mm256_sub_ps(yy, _mm256_mul_ps(mu2, mu2));
    let sigma12 = _mm256_sub_ps(xy, _mm256_mul_ps(mu1, mu2));
    sigma1_sq = _mm256_max_ps(sigma1_sq, zero);
    sigma2_sq = _mm256_max_ps(sigma2_sq, zero);

    let mut g = _mm256_div_ps(sigma12, _mm256_add_ps(sigma1_sq, eps));
    let mut sv_sq = _mm256_sub_ps(sigma2_sq, _mm256_mul_ps(g, sigma12));
    let m = _mm256_cmp_ps::<_CMP_LT_OQ>(sigma1_sq, eps);
    g = _mm256_blendv_ps(g, zero, m);
    sv_sq = _mm256_blendv_ps(sv_sq, sigma2_sq, m);
    sigma1_sq = _mm256_blendv_ps(sigma1_sq, zero, m);
    let m = _mm256_cmp_ps::<_CMP_LT_OQ>(sigma2_sq, eps);
    g = _mm256_blendv_ps(g, zero, m);
    sv_sq = _mm256_blendv_ps(sv_sq, zero, m);
    let m = _mm256_cmp_ps::<_CMP_LT_OQ>(g, zero);
    sv_sq = _mm256_blendv_ps(sv_sq, sigma2_sq, m);
    g = _mm256_blendv_ps(g, zero, m);
    sv_sq = _mm256_max_ps(sv_sq, eps);
    g = _mm256_min_ps(g, egl);

    let gg_s1 = _mm256_mul_ps(_mm256_mul_ps(g, g), sigma1_sq);
    let mut num = log2f_approx(one_plus_ratio(gg_s1, Some(sv_sq), sigma_nsq));
    let mut den = log2f_approx(one_plus_ratio(sigma1_sq, None, sigma_nsq));
    num = _mm256_blendv_ps(num, zero, _mm256_cmp_ps::<_CMP_LT_OQ>(sigma12, zero));
    let m = lt_f64(sigma1_sq, sigma_nsq);
    num = _mm256_blendv_ps(
        num,
        _mm256_sub_ps(_mm256_set1_ps(1.0), _mm256_mul_ps(sigma2_sq, sigma_max_inv)),
        m,
    );
    den = _mm256_blendv_ps(den, _mm256_set1_ps(1.0), m);
    (num, den)
}

#[target_feature(enable = "avx2")]
#[allow(clippy::too_many_arguments)]
fn statistic(
    f: &[f32],
    r: &[f32],
    d: &[f32],
    stride: usize,
    w: usize,
    h: usize,
    enhn_gain_limit: f64,
    sigma_nsq: f64,
    rows: &mut Rows,
) -> (f32, f32) {
    assert!(w <= rows.w8 && f.len() + rows.w8 + 8 <= rows.len);
    let egl = _mm256_set1_ps(enhn_gain_limit as f32);
    let smi = _mm256_set1_ps(sigma_max_inv(sigma_nsq));
    let (w8, len) = (rows.w8, rows.len);
    let taps = broadcast(f);
    let mut accum_num = 0.0f32;
    let mut accum_den = 0.0f32;
    for i in 0..h {
        vertical_moments(&taps, r, d, stride, w, h, i, rows);
        for m in 0..MOMENTS {
            horizontal(
                &taps,
                &rows.tmp[m * len..(m + 1) * len],
                w,
                &mut rows.out[m * w8..(m + 1) * w8],
            );
        }
        let (out, vals) = (&rows.out, &mut rows.vals);
        for j in (0..w).step_by(8) {
            let at = |m: usize| load(out, m * w8 + j, 8);
            let (num, den) = pixel_terms(at(0), at(1), at(2), at(3), at(4), egl, sigma_nsq, smi);
            store(vals, j, num);
            store(vals, w8 + j, den);
        }
        let mut inner_num = 0.0f32;
        let mut inner_den = 0.0f32;
        for (&n, &d) in vals[..w].iter().zip(&vals[w8..w8 + w]) {
            inner_num += n;
            inner_den += d;
        }
        accum_num += inner_num;
        accum_den += inner_den;
    }
    (accum_num, accum_den)
}

#[cfg(test)]
mod tests {
    use super::super::scalar;
    use super::*;

    /// Deterministic pseudo-random samples in `[lo, hi)` (LCG).
    fn noise(n: usize, seed: u64, lo: f32, hi: f32) -> Vec<f32> {
        let mut s = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        (0..n)
            .map(|_| {
                s = s
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                lo + (hi - lo) * ((s >> 40) as f32 / (1u64 << 24) as f32)
            })
            .collect()
    }

    /// Planes as the extractor makes them: `sample / 2^(bpc-8) - 128` of random samples
    /// (every `period`-th one at the maximum), smoothed by a column drift so the statistic
    /// takes its log branch as well as its flat branch.
    fn plane(w: usize, h: usize, bpc: u32, seed: u64, period: usize) -> Vec<f32> {
        let max = ((1u32 << bpc) - 1) as f32;
        let scaler = (1u32 << (bpc - 8)) as f32;
        noise(w * h, seed, 0.0, max + 1.0)
            .into_iter()
            .enumerate()
            .map(|(k, v)| {
                let s = if k.is_multiple_of(period) {
                    max
                } else if (k / w).is_multiple_of(5) {
                    ((k % w) as f32 * 3.0).min(max)
                } else {
                    v.floor()
                };
                s / scaler + -128.0
            })
            .collect()
    }

    /// Reference/distorted pairs of every kind the statistic branches on, from `r`: a noisy
    /// copy, the negative (σ₁₂ < 0), an independent plane, a flat distorted (σ₂² ≈ 0), an
    /// exact copy, and flat references (σ₁² ≈ 0: negative before the clamp, or below `eps`).
    fn pairs(r: &[f32], w: usize, h: usize, bpc: u32, seed: u64) -> Vec<(Vec<f32>, Vec<f32>)> {
        let other = plane(w, h, bpc, seed, 13);
        let noisy = r
            .iter()
            .zip(&other)
            .enumerate()
            .map(|(k, (&a, &b))| if k % 3 == 0 { b } else { a })
            .collect();
        let negative = r.iter().map(|&a| -1.0 - a).collect();
        let flat = vec![r[r.len() / 2]; r.len()];
        vec![
            (r.to_vec(), noisy),
            (r.to_vec(), negative),
            (r.to_vec(), other),
            (r.to_vec(), flat.clone()),
            (r.to_vec(), r.to_vec()),
            (flat, r.to_vec()),
            // σ₁² in (0, eps): what the `sigma1_sq < eps` branch zeroes (seen with σ²ₙ = 0)
            (vec![1.0 / 256.0; r.len()], r.to_vec()),
        ]
    }

    fn same(a: &[f32], b: &[f32], what: &str) {
        assert_eq!(a.len(), b.len(), "{what}");
        for (k, (x, y)) in a.iter().zip(b).enumerate() {
            assert_eq!(x.to_bits(), y.to_bits(), "{what} at {k}: {x} vs {y}");
        }
    }

    #[test]
    fn log2_matches_scalar_on_special_and_random_values() {
        let Some(_) = Avx2::new() else { return };
        let mut xs = vec![
            0.0f32,
            -0.0,
            -1.0,
            1.0,
            2.0,
            1.5,
            f32::MIN_POSITIVE,
            1e-40,
            f32::MAX,
            f32::INFINITY,
            f32::NAN,
            3.0e7,
        ];
        xs.extend(noise(4096, 7, 0.0, 4.0));
        xs.extend(noise(4096, 8, 1.0, 1e6));
        xs.resize(xs.len().next_multiple_of(8), 1.0);
        for c in xs.chunks_exact(8) {
            // SAFETY: AVX2 checked above.
            let got = unsafe { log2f_approx(load(c, 0, 8)) };
            let mut g = [0.0f32; 8];
            // SAFETY: AVX2 checked above.
            unsafe { store(&mut g, 0, got) };
            for (x, v) in c.iter().zip(g) {
                let want = scalar::log2f_approx(*x);
                assert!(
                    want.to_bits() == v.to_bits() || (want.is_nan() && v.is_nan()),
                    "log2f_approx({x}) = {want} vs {v}"
                );
            }
        }
    }

    #[test]
    fn statistic_matches_filters_then_scalar_statistic() {
        let Some(k) = Avx2::new() else { return };
        for (scale, ks) in [
            (0u32, 1.0f32),
            (1, 1.0),
            (2, 1.0),
            (3, 1.0),
            (0, 0.5),
            (1, 1.5),
        ] {
            let f = scalar::vif_filter(scale, ks);
            let half = f.len() / 2;
            // every tail length, odd sizes, and the smallest sizes the filter allows
            for w in (half + 1..half + 3)
                .chain(8..26)
                .chain([61, 67])
                .filter(|&w| w > half)
            {
                for (h, bpc) in [(half + 1, 8), (9, 10), (12, 12), (7, 16)] {
                    let h = h.max(half + 1);
                    let stride = w + 3;
                    let r = plane(stride, h, bpc, (w * 31 + h) as u64, 11);
                    for (r, dis) in pairs(&r, stride, h, bpc, (w * 7 + h) as u64) {
                        let mut tmp = Vec::new();
                        let mut m = vec![vec![0.0f32; w * h]; 5];
                        let [mu1, mu2, xx, yy, xy] = &mut m[..] else {
                            unreachable!()
                        };
                        scalar::filter1d(&f, &r, stride, mu1, w, w, h, &mut tmp);
                        scalar::filter1d(&f, &dis, stride, mu2, w, w, h, &mut tmp);
                        scalar::filter1d_sq(&f, &r, stride, xx, w, w, h, &mut tmp);
                        scalar::filter1d_sq(&f, &dis, stride, yy, w, w, h, &mut tmp);
                        scalar::filter1d_xy(&f, &r, stride, &dis, stride, xy, w, w, h, &mut tmp);
                        let mm = scalar::Moments {
                            mu1,
                            mu2,
                            xx,
                            yy,
                            xy,
                            stride: w,
                        };
                        for (egl, nsq) in [(100.0, 2.0), (1.0, 2.0), (100.0, 0.0), (3.5, 0.7)] {
                            let want = scalar::statistic(mm, w, h, egl, nsq);
                            let mut rows = Rows::new(w + 5, f.len() + 2);
                            let got = k.statistic(&f, &r, &dis, stride, w, h, egl, nsq, &mut rows);
                            let what =
                                format!("scale {scale} ks {ks} {w}x{h} {bpc}-bit {egl} {nsq}");
                            assert_eq!(want.0.to_bits(), got.0.to_bits(), "num {what}");
                            assert_eq!(want.1.to_bits(), got.1.to_bits(), "den {what}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn filter_dec2_matches_filter_then_dec2() {
        let Some(k) = Avx2::new() else { return };
        for scale in 1..4u32 {
            let f = scalar::vif_filter(scale, 1.0);
            let half = f.len() / 2;
            for w in (half + 1..half + 4)
                .chain(8..26)
                .chain([63, 64])
                .filter(|&w| w > half)
            {
                for h in [half + 1, half + 2, 10, 17] {
                    let stride = w + 1;
                    let src = plane(stride, h, 10, (w * 5 + h) as u64, 9);
                    let mut full = vec![0.0f32; w * h];
                    let mut tmp = Vec::new();
                    scalar::filter1d(&f, &src, stride, &mut full, w, w, h, &mut tmp);
                    let mut want = vec![0.0f32; (w / 2) * (h / 2)];
                    scalar::dec2(&full, w, w, h, &mut want, w / 2);
                    let mut got = vec![0.0f32; (w / 2) * (h / 2)];
                    let mut rows = Rows::new(w, f.len());
                    k.filter_dec2(&f, &src, stride, w, h, &mut got, w / 2, &mut rows);
                    same(&want, &got, &format!("scale {scale} {w}x{h}"));
                }
            }
        }
    }

    #[test]
    fn compute_vif_matches_scalar() {
        let Some(k) = Avx2::new() else { return };
        for ks in [1.0f32, 0.5, 2.0] {
            let filters: [Vec<f32>; 4] = std::array::from_fn(|s| scalar::vif_filter(s as u32, ks));
            let taps = filters.iter().map(Vec::len).max().unwrap_or(0);
            for (w, h) in [(133, 101), (128, 72), (257, 150)] {
                let r = plane(w, h, 8, (w + h) as u64, 17);
                let d: Vec<f32> = r
                    .iter()
                    .zip(noise(w * h, 3, -6.0, 6.0))
                    .map(|(&a, n)| (a + n.round()).clamp(-128.0, 127.0))
                    .collect();
                for skip in [false, true] {
                    let mut b = scalar::VifBuffers::new(w, h, taps);
                    let want =
                        scalar::compute_vif(&r, &d, w, w, h, &filters, 100.0, skip, 2.0, &mut b);
                    let mut p = Planes::new(w, h, taps);
                    let got = k.compute_vif(&r, &d, w, w, h, &filters, 100.0, skip, 2.0, &mut p);
                    assert_eq!(want, got, "ks {ks} {w}x{h} skip {skip}");
                }
            }
        }
    }
}
