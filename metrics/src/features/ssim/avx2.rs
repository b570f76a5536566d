//! AVX2 twin of [`super::iqa::convolve_valid`] (the separable Gaussian window of `float_ssim`
//! and `float_ms_ssim`), bit-exact with it.
//!
//! Each lane computes one output sample with the scalar code's operations in the scalar
//! code's order: the `f32 × f32` tap product (`mulps`, IEEE round to nearest like the scalar
//! multiply), widened to `f64` and added to an `f64` sum that starts at 0.0, tap by tap, then
//! rounded once to `f32` (`cvtpd2ps`). Nothing is reassociated or fused, so every output is
//! the scalar output; columns left over past the last group of 16 run the scalar expression.

use std::arch::x86_64::*;

use super::iqa::{window_sum, GAUSSIAN_LEN, GAUSSIAN_WINDOW};

pub(crate) use crate::cpu::Avx2;

impl Avx2 {
    /// [`super::iqa::convolve_valid`].
    pub(crate) fn convolve_valid(
        self,
        img: &[f32],
        w: usize,
        h: usize,
        cache: &mut [f32],
        dst: &mut [f32],
    ) {
        // SAFETY: an `Avx2` value exists only when the CPU supports AVX2.
        unsafe { convolve_valid(img, w, h, cache, dst) }
    }
}

/// Filters `LANES` outputs (a multiple of 4): `src[i + t·step ..][..LANES]` for the 11 taps,
/// with `LANES / 4` independent `f64` sums so the adds of one tap overlap.
///
/// # Safety
/// AVX2 must be available and `i + 10·step + LANES <= src.len()`, `o + LANES <= out.len()`.
#[target_feature(enable = "avx2")]
unsafe fn filter_group<const LANES: usize>(
    src: &[f32],
    i: usize,
    step: usize,
    taps: &[__m128; GAUSSIAN_LEN],
    out: &mut [f32],
    o: usize,
) {
    let mut acc = [_mm256_setzero_pd(); 4];
    for (t, &k) in taps.iter().enumerate() {
        let at = i + t * step;
        for (j, a) in acc.iter_mut().enumerate().take(LANES / 4) {
            // SAFETY: `at + 4·j + 4 <= i + 10·step + LANES <= src.len()` (caller's contract).
            let p = unsafe { _mm_loadu_ps(src.as_ptr().add(at + 4 * j)) };
            *a = _mm256_add_pd(*a, _mm256_cvtps_pd(_mm_mul_ps(p, k)));
        }
    }
    for (j, a) in acc.iter().enumerate().take(LANES / 4) {
        // SAFETY: `o + 4·j + 4 <= o + LANES <= out.len()` (caller's contract).
        unsafe { _mm_storeu_ps(out.as_mut_ptr().add(o + 4 * j), _mm256_cvtpd_ps(*a)) };
    }
}

#[target_feature(enable = "avx2")]
fn convolve_valid(img: &[f32], w: usize, h: usize, cache: &mut [f32], dst: &mut [f32]) {
    let dw = w + 1 - GAUSSIAN_LEN;
    let dh = h + 1 - GAUSSIAN_LEN;
    let (img, cache, dst) = (&img[..w * h], &mut cache[..dw * h], &mut dst[..dw * dh]);
    let taps = GAUSSIAN_WINDOW.map(|k| _mm_set1_ps(k));
    let full = dw - dw % 16;
    for y in 0..h {
        let row = &img[y * w..(y + 1) * w];
        let crow = &mut cache[y * dw..(y + 1) * dw];
        for x in (0..full).step_by(16) {
            // SAFETY: AVX2 is enabled here; `x + 10 + 16 <= full + 10 <= dw + 10 = w` and
            // `x + 16 <= dw`.
            unsafe { filter_group::<16>(row, x, 1, &taps, crow, x) };
        }
        for (x, c) in crow.iter_mut().enumerate().skip(full) {
            *c = window_sum(row, x, 1);
        }
    }
    for y in 0..dh {
        let drow = &mut dst[y * dw..(y + 1) * dw];
        for x in (0..full).step_by(16) {
            // SAFETY: AVX2 is enabled here; the last load starts at `(y + 10)·dw + x` and
            // ends at `(y + 10)·dw + x + 16 <= (dh + 9)·dw + dw = h·dw`, the cache's length.
            unsafe { filter_group::<16>(cache, y * dw + x, dw, &taps, drow, x) };
        }
        for (x, d) in drow.iter_mut().enumerate().skip(full) {
            *d = window_sum(cache, y * dw + x, dw);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::ssim::iqa::convolve_valid as scalar;
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};

    fn check(w: usize, h: usize, img: &[f32]) {
        let Some(k) = Avx2::new() else { return };
        let (dw, dh) = (w + 1 - GAUSSIAN_LEN, h + 1 - GAUSSIAN_LEN);
        let (mut c1, mut d1) = (vec![0.0; dw * h], vec![0.0; dw * dh]);
        let (mut c2, mut d2) = (vec![1.0; dw * h], vec![1.0; dw * dh]);
        scalar(img, w, h, &mut c1, &mut d1);
        k.convolve_valid(img, w, h, &mut c2, &mut d2);
        let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&c1), bits(&c2), "{w}x{h} horizontal");
        assert_eq!(bits(&d1), bits(&d2), "{w}x{h} vertical");
    }

    #[test]
    fn convolve_matches_scalar_every_width_and_tail() {
        let mut rng = StdRng::seed_from_u64(7);
        for w in GAUSSIAN_LEN..GAUSSIAN_LEN + 40 {
            for h in [GAUSSIAN_LEN, GAUSSIAN_LEN + 3, 29] {
                // samples on libvmaf's float scale (0..255 with 16-bit fractions), products
                // as float_ssim forms them (up to 255²), and extremes
                let img: Vec<f32> = (0..w * h).map(|_| rng.gen_range(0.0..255.0)).collect();
                check(w, h, &img);
                let sq: Vec<f32> = img.iter().map(|v| v * v).collect();
                check(w, h, &sq);
                let ext: Vec<f32> = (0..w * h)
                    .map(|_| if rng.gen() { 65025.0 } else { 0.0 })
                    .collect();
                check(w, h, &ext);
            }
        }
        let big: Vec<f32> = (0..1931 * 23)
            .map(|_| rng.gen_range(-128.0..128.0))
            .collect();
        check(1931, 23, &big);
    }
}
