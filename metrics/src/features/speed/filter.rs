//! Gaussian kernels and the separable f32 filter SpEED uses (libvmaf `vif_tools.c`, scalar path).
//!
//! Taps are built exactly as libvmaf builds them (`get_gaussian_pdf` evaluated in f64, stored in
//! f32, normalised by an f32 sum), and the filter is the plain C fallback of `vif_filter1d_s`:
//! per output row a vertical pass into a row buffer, then a horizontal pass, both accumulating
//! `tap * sample` in f32 in tap order, with reflect101 edges.

/// libvmaf's `valid_kernelscales` (vif_tools.h), as f32 expressions.
const VALID_KERNELSCALES: [f32; 21] = [
    1.0,
    1.0 / 2.0,
    3.0 / 2.0,
    2.0,
    2.0 / 3.0,
    24.0 / 10.0,
    360.0 / 97.0,
    4.0 / 3.0,
    3.5 / 3.0,
    3.75 / 3.0,
    4.25 / 3.0,
    5.0 / 3.0,
    3.0,
    1.0 / 2.25,
    1.4746,
    1.54,
    1.6,
    1.06667,
    0.711111,
    0.740740,
    1.111111,
];

/// Number of dyadic scales SpEED decimates by (`NUM_SCALES`: 2^4 = 16).
pub(crate) const NUM_SCALES: i32 = 4;

/// `vif_validate_kernelscale`: `ks` (as f32) is within 1e-3 of one of the 21 allowed values.
pub(crate) fn validate_kernelscale(ks: f32) -> bool {
    VALID_KERNELSCALES
        .iter()
        .any(|&v| ((ks - v).abs() as f64) < 1e-3)
}

/// The allowed kernel scales, for error messages.
pub(crate) fn kernelscale_list() -> String {
    VALID_KERNELSCALES
        .iter()
        .map(|v| format!("{v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `round_up_to_odd`: `ceil` in f64, then the next odd integer.
fn round_up_to_odd(f: f32) -> i32 {
    let ceiling = (f as f64).ceil() as i32;
    if ceiling % 2 == 0 {
        ceiling + 1
    } else {
        ceiling
    }
}

/// `vif_get_filter_size`: taps of the Gaussian at `scale` (0..=4) for kernel scale `ks`.
pub(crate) fn filter_size(scale: i32, ks: f32) -> usize {
    let n = (1 << (4 - scale)) + 1;
    round_up_to_odd(n as f32 * ks).max(3) as usize
}

/// `get_gaussian_pdf`: exponent and normaliser in f64, each stored in f32, divided in f32.
fn gaussian_pdf(x: f32, mean: f32, stdev: f32) -> f32 {
    let d = (x - mean) as f64;
    let s = stdev as f64;
    let num = ((-0.5 * d / s * d / s).exp()) as f32;
    let den = (1.0 / (s * (2.0 * std::f64::consts::PI).sqrt())) as f32;
    num / den
}

/// `get_1d_gaussian_kernel`: `size` (odd) taps of N(0, stdev), normalised by their f32 sum.
fn gaussian_kernel(size: usize, stdev: f32) -> Vec<f32> {
    debug_assert!(size % 2 == 1);
    let k = (size as i32 - 1) / 2;
    let mut out: Vec<f32> = (0..size as i32)
        .map(|i| gaussian_pdf((i - k) as f32, 0.0, stdev))
        .collect();
    let mut sum = 0.0f32;
    for &v in &out {
        sum += v;
    }
    for v in &mut out {
        *v /= sum;
    }
    out
}

/// `vif_get_filter(out, NUM_SCALES, ks)`: the local-mean filter applied after decimation
/// (3 taps, sigma 0.6 at ks 1).
pub(crate) fn local_mean_filter(ks: f32) -> Vec<f32> {
    let size = filter_size(NUM_SCALES, ks);
    gaussian_kernel(size, size as f32 / 5.0)
}

/// `speed_get_antialias_filter(out, NUM_SCALES, ks)`: the scale-1 size with sigma
/// `sqrt(16 >> 2) * size / 5` (9 taps, sigma 3.6 at ks 1).
pub(crate) fn antialias_filter(ks: f32) -> Vec<f32> {
    let size = filter_size(1, ks);
    let stdev = (NUM_SCALES as f64).sqrt() * size as f64 / 5.0f32 as f64;
    gaussian_kernel(size, stdev as f32)
}

/// reflect101 index: -1 → 1, n → n-2.
#[inline]
pub(crate) fn reflect101(i: isize, n: isize) -> usize {
    let r = if i < 0 {
        -i
    } else if i >= n {
        2 * n - i - 2
    } else {
        i
    };
    r as usize
}

/// Vertical pass of `vif_filter1d_s` for output row `i`: `row[j] = Σ f[k]·src[ii(k)][j]`.
#[inline]
fn vertical_pass(
    f: &[f32],
    src: &[f32],
    src_stride: usize,
    w: usize,
    h: usize,
    i: usize,
    row: &mut [f32],
) {
    let half = (f.len() / 2) as isize;
    for (j, out) in row[..w].iter_mut().enumerate() {
        let mut accum = 0.0f32;
        for (fi, &c) in f.iter().enumerate() {
            let ii = reflect101(i as isize - half + fi as isize, h as isize);
            accum += c * src[ii * src_stride + j];
        }
        *out = accum;
    }
}

/// Horizontal pass of `vif_filter1d_s` at column `j` of the row buffer.
#[inline]
pub(crate) fn horizontal_at(f: &[f32], row: &[f32], w: usize, j: usize) -> f32 {
    let half = (f.len() / 2) as isize;
    let mut accum = 0.0f32;
    for (fj, &c) in f.iter().enumerate() {
        let jj = reflect101(j as isize - half + fj as isize, w as isize);
        accum += c * row[jj];
    }
    accum
}

/// `vif_filter1d_s` (C fallback): separable filter of the `w`×`h` plane `src` into `dst`.
/// `row` is scratch of at least `w` samples. Needs `f.len() / 2 < min(w, h)`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn filter1d(
    f: &[f32],
    src: &[f32],
    src_stride: usize,
    dst: &mut [f32],
    dst_stride: usize,
    row: &mut [f32],
    w: usize,
    h: usize,
) {
    for i in 0..h {
        vertical_pass(f, src, src_stride, w, h, i, row);
        let out = &mut dst[i * dst_stride..i * dst_stride + w];
        for (j, o) in out.iter_mut().enumerate() {
            *o = horizontal_at(f, row, w, j);
        }
    }
}

/// `vif_filter1d_s` followed by `vif_dec16_s`, computing only the samples the decimation keeps:
/// `dst[i][j] = filtered[16 i][16 j]` for `i < h/16`, `j < w/16`. Every kept sample goes
/// through exactly the operations of the full filter, so the result is bit-identical.
#[allow(clippy::too_many_arguments)]
pub(crate) fn filter1d_dec16(
    f: &[f32],
    src: &[f32],
    src_stride: usize,
    dst: &mut [f32],
    dst_stride: usize,
    row: &mut [f32],
    w: usize,
    h: usize,
) {
    for i in 0..h / 16 {
        vertical_pass(f, src, src_stride, w, h, i * 16, row);
        let out = &mut dst[i * dst_stride..i * dst_stride + w / 16];
        for (j, o) in out.iter_mut().enumerate() {
            *o = horizontal_at(f, row, w, j * 16);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_match_libvmaf() {
        assert_eq!(filter_size(1, 1.0), 9);
        assert_eq!(filter_size(4, 1.0), 3);
        assert_eq!(filter_size(1, 0.5), 5);
        assert_eq!(filter_size(4, 2.0), 5);
        assert_eq!(filter_size(1, 360.0 / 97.0), 35);
        assert_eq!(antialias_filter(1.0).len(), 9);
        assert_eq!(local_mean_filter(1.0).len(), 3);
    }

    #[test]
    fn kernelscales() {
        assert!(validate_kernelscale(1.0));
        assert!(validate_kernelscale(0.5));
        assert!(validate_kernelscale(1.0005));
        assert!(validate_kernelscale(0.444444));
        assert!(!validate_kernelscale(1.2));
        assert!(!validate_kernelscale(4.0));
    }

    #[test]
    fn taps_are_normalised_and_symmetric() {
        for ks in VALID_KERNELSCALES {
            for f in [antialias_filter(ks), local_mean_filter(ks)] {
                let s: f32 = f.iter().sum();
                assert!((s - 1.0).abs() < 1e-5);
                let n = f.len();
                for i in 0..n / 2 {
                    assert_eq!(f[i], f[n - 1 - i]);
                }
            }
        }
    }

    #[test]
    fn fused_decimation_equals_filter_then_decimate() {
        let (w, h) = (83, 50);
        let src: Vec<f32> = (0..w * h)
            .map(|k| ((k * 7919) % 251) as f32 - 128.0 + (k % 3) as f32 * 0.37)
            .collect();
        let f = antialias_filter(1.0);
        let mut full = vec![0.0f32; w * h];
        let mut row = vec![0.0f32; w];
        filter1d(&f, &src, w, &mut full, w, &mut row, w, h);
        let mut dec = vec![0.0f32; (w / 16) * (h / 16)];
        filter1d_dec16(&f, &src, w, &mut dec, w / 16, &mut row, w, h);
        for i in 0..h / 16 {
            for j in 0..w / 16 {
                assert_eq!(
                    dec[i * (w / 16) + j].to_bits(),
                    full[16 * i * w + 16 * j].to_bits()
                );
            }
        }
    }
}
