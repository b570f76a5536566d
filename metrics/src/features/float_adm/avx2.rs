//! AVX2 twin of float ADM's contrast masking ([`super::scalar::cm`], libvmaf's `adm_cm_s`),
//! bit-exact with it.
//!
//! The interior columns of each row run 8 at a time: every lane builds the masking threshold
//! with the scalar code's operations in its order (per band, the eight neighbours of the
//! masking input summed in `f32` in row-major order with the centre's `|csf|/15` added in
//! `f64` at its turn, the bands summed from 0.0), subtracts it from `|band · rfactor|`, clamps
//! as C's `x < 0 ? 0 : x` and cubes (`x·x·x`). The per-band row sums stay sequential scalar
//! `f32` sums in column order, edge columns and rows keep the scalar expression, and a
//! p-norm other than 3 (which needs `powf`) runs the scalar code.

use std::arch::x86_64::*;

use super::scalar::{cm_rows, cm_terms, Bands, CmParams, ONE_BY_15};

/// Proof that the running CPU supports AVX2; the only way to reach the kernel below.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Avx2(());

impl Avx2 {
    /// `Some` when the CPU supports AVX2.
    pub(crate) fn new() -> Option<Avx2> {
        if is_x86_feature_detected!("avx2") {
            Some(Avx2(()))
        } else {
            None
        }
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
fn load(s: &[f32], i: usize) -> __m256 {
    let s = &s[i..i + 8];
    // SAFETY: 8 in-bounds f32; unaligned load.
    unsafe { _mm256_loadu_ps(s.as_ptr()) }
}

#[inline]
#[target_feature(enable = "avx2")]
fn store(s: &mut [f32], i: usize, v: __m256) {
    let s = &mut s[i..i + 8];
    // SAFETY: 8 in-bounds f32 of a unique borrow; unaligned store.
    unsafe { _mm256_storeu_ps(s.as_mut_ptr(), v) }
}

#[inline]
#[target_feature(enable = "avx2")]
fn abs(v: __m256) -> __m256 {
    _mm256_and_ps(v, _mm256_castsi256_ps(_mm256_set1_epi32(0x7fff_ffff)))
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

    fn bands(n: usize, seed: &mut u64, scale: f32) -> Bands {
        let mut b = Bands::new(n, false);
        for band in [&mut b.h, &mut b.v, &mut b.d] {
            for (k, v) in band.iter_mut().enumerate() {
                *seed ^= *seed << 13;
                *seed ^= *seed >> 7;
                *seed ^= *seed << 17;
                let u = (*seed >> 40) as f32 / (1u64 << 24) as f32 - 0.5;
                // some exact zeros and flat runs next to the noise
                *v = if k % 7 == 0 { 0.0 } else { u * scale };
            }
        }
        b
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
