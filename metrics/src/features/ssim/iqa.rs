//! Scalar IQA kernels shared by `float_ssim` and `float_ms_ssim`.
//!
//! Port of libvmaf's `feature/iqa/` (Tom Distler's IQA with Netflix's changes):
//! `math_utils.c` (`_round`), `convolve.c` (`KBND_SYMMETRIC`, `_iqa_filter_pixel`, the 1-D
//! separable `_iqa_convolve`), `decimate.c` (`_iqa_decimate`), `ssim_tools.c` (`_iqa_ssim`,
//! default-argument path) and `picture_copy.c` (samples to float 0..255).
//!
//! Evaluation order and precision follow the C code exactly: every filter tap is an
//! `f32 × f32` product (rounded to `f32`), accumulated in `f64` and stored as `f32`; the
//! per-pixel SSIM terms mix `f32` and `f64` as written in `ssim_tools.c`.

use crate::frame::PlaneRef;

/// Length of the Gaussian SSIM window (`GAUSSIAN_LEN`).
pub(crate) const GAUSSIAN_LEN: usize = 11;

/// 1-D taps of the 11×11 circular-symmetric Gaussian window, σ = 1.5
/// (`g_gaussian_window_h` / `g_gaussian_window_v` in `ssim_tools.h`).
pub(crate) const GAUSSIAN_WINDOW: [f32; GAUSSIAN_LEN] = [
    0.001028, 0.007599, 0.036001, 0.109361, 0.213006, 0.266012, 0.213006, 0.109361, 0.036001,
    0.007599, 0.001028,
];

/// IQA's `_round`: half away from zero for positive values (`a - trunc(a) >= 0.5`).
pub(crate) fn iqa_round(a: f32) -> i32 {
    let t = a as i32;
    let sign = if a > 0.0 { 1 } else { -1 };
    if f64::from(a - t as f32) >= 0.5 {
        t + sign
    } else {
        t
    }
}

/// `float_ssim`'s automatic decimation factor: `max(1, round(min(w, h) / 256))`
/// (`ssim.c`, `compute_ssim`).
pub(crate) fn auto_scale(w: usize, h: usize) -> usize {
    let m = w.min(h) as f32;
    iqa_round(m / 256.0f32).max(1) as usize
}

/// Size of an image decimated by `factor` (`_iqa_decimate`): `w / factor + (w & 1)`, so an odd
/// size gains one sample whatever the factor.
pub(crate) fn decimated_size(w: usize, h: usize, factor: usize) -> (usize, usize) {
    (w / factor + (w & 1), h / factor + (h & 1))
}

/// Copies a luma plane into `dst` (stride = width) as floats on the 8-bit scale
/// (`picture_copy.c`): 8-bit samples as they are, deeper samples divided by `2^(bpc - 8)`
/// (4, 16 and 256 for 10, 12 and 16 bits; exact divisions by powers of two).
///
/// libvmaf only handles 8, 10, 12 and 16 bits here (other depths would read the 16-bit
/// buffer as bytes); rvmaf extends the same rule to every depth from 9 to 16.
pub(crate) fn plane_to_float(plane: PlaneRef<'_>, bit_depth: u32, dst: &mut [f32]) {
    let w = plane.width();
    match plane {
        PlaneRef::U8(p) => {
            for (row, out) in p.rows().zip(dst.chunks_exact_mut(w)) {
                for (o, &v) in out.iter_mut().zip(row) {
                    *o = f32::from(v);
                }
            }
        }
        PlaneRef::U16(p) => {
            let scaler = (1u32 << (bit_depth - 8)) as f32;
            for (row, out) in p.rows().zip(dst.chunks_exact_mut(w)) {
                for (o, &v) in out.iter_mut().zip(row) {
                    *o = f32::from(v) / scaler;
                }
            }
        }
    }
}

/// `KBND_SYMMETRIC`: mirrors an out-of-range coordinate once, repeating the edge sample
/// (-1 → 0, n → n - 1).
#[inline]
fn symmetric(i: isize, n: usize) -> usize {
    let n = n as isize;
    let r = if i < 0 {
        -1 - i
    } else if i >= n {
        n - (i - n) - 1
    } else {
        i
    };
    r as usize
}

/// A square 2-D kernel (`struct _kernel` with `kernel`, `w == h`, `KBND_SYMMETRIC`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Kernel2d<'a> {
    /// Taps, row-major, `len × len`.
    pub taps: &'a [f32],
    /// Width and height.
    pub len: usize,
}

/// `_iqa_filter_pixel` with a `KBND_SYMMETRIC` kernel and `kscale = 1`: the kernel centred on
/// (`x`, `y`) (offsets `-len/2 ..= len/2`, one fewer on the right for even lengths), rows
/// outer, columns inner, `f32` products summed in `f64`.
#[inline]
fn filter_pixel(img: &[f32], w: usize, h: usize, x: usize, y: usize, k: Kernel2d<'_>) -> f32 {
    let c = (k.len / 2) as isize;
    let hi = c - isize::from(k.len & 1 == 0);
    let (xi, yi) = (x as isize, y as isize);
    let mut sum = 0.0f64;
    let inside = xi - c >= 0 && yi - c >= 0 && xi + hi < w as isize && yi + hi < h as isize;
    if inside {
        let x0 = x - c as usize;
        for (v, krow) in k.taps.chunks_exact(k.len).enumerate() {
            let start = (y - c as usize + v) * w + x0;
            let row = &img[start..start + k.len];
            for (&p, &t) in row.iter().zip(krow) {
                sum += f64::from(p * t);
            }
        }
    } else {
        let mut taps = k.taps.iter();
        for v in -c..=hi {
            let yy = symmetric(yi + v, h);
            for u in -c..=hi {
                let xx = symmetric(xi + u, w);
                let t = *taps.next().expect("kernel has len*len taps");
                sum += f64::from(img[yy * w + xx] * t);
            }
        }
    }
    sum as f32
}

/// `_iqa_decimate` into a separate buffer: filters `src` (`w × h`) with `k` at every
/// (`x·factor`, `y·factor`) and writes the `decimated_size` result to `dst`.
/// Returns the new size.
pub(crate) fn decimate(
    src: &[f32],
    w: usize,
    h: usize,
    factor: usize,
    k: Kernel2d<'_>,
    dst: &mut [f32],
) -> (usize, usize) {
    let (sw, sh) = decimated_size(w, h, factor);
    for (y, out) in dst[..sw * sh].chunks_exact_mut(sw).enumerate() {
        for (x, o) in out.iter_mut().enumerate() {
            *o = filter_pixel(src, w, h, x * factor, y * factor, k);
        }
    }
    (sw, sh)
}

/// `_iqa_decimate` in place, as `float_ssim` calls it (`result = NULL`): each output sample is
/// written over the input buffer, in raster order, right after it is computed (later windows
/// read the buffer as it is then). Returns the new size.
pub(crate) fn decimate_in_place(
    img: &mut [f32],
    w: usize,
    h: usize,
    factor: usize,
    k: Kernel2d<'_>,
) -> (usize, usize) {
    let (sw, sh) = decimated_size(w, h, factor);
    for y in 0..sh {
        for x in 0..sw {
            let v = filter_pixel(img, w, h, x * factor, y * factor, k);
            img[y * sw + x] = v;
        }
    }
    (sw, sh)
}

/// `float_ssim`'s box low-pass for decimation by `scale`: `scale × scale` taps of
/// `1.0f / (scale·scale)`, written into `taps`.
pub(crate) fn box_kernel(scale: usize, taps: &mut Vec<f32>) {
    taps.clear();
    let t = 1.0f32 / ((scale * scale) as i32) as f32;
    taps.resize(scale * scale, t);
}

/// One output of a Gaussian pass: `Σ f64(src[i + t·step] × k[t])` over the 11 taps in order,
/// rounded once to `f32` (`step` 1: horizontal, the row stride: vertical).
#[inline]
pub(crate) fn window_sum(src: &[f32], i: usize, step: usize) -> f32 {
    let mut sum = 0.0f64;
    for (t, &k) in GAUSSIAN_WINDOW.iter().enumerate() {
        sum += f64::from(src[i + t * step] * k);
    }
    sum as f32
}

/// `_iqa_convolve` with the separable Gaussian window, valid region only: `img` (`w × h`) →
/// `dst` (`(w - 10) × (h - 10)`, stride `w - 10`). Horizontal pass over every row into
/// `cache`, then vertical pass; each pass sums `f32` products in `f64` and stores `f32`.
/// `w` and `h` must be at least [`GAUSSIAN_LEN`].
pub(crate) fn convolve_valid(img: &[f32], w: usize, h: usize, cache: &mut [f32], dst: &mut [f32]) {
    let dw = w + 1 - GAUSSIAN_LEN;
    let dh = h + 1 - GAUSSIAN_LEN;
    for (row, crow) in img[..w * h]
        .chunks_exact(w)
        .zip(cache[..dw * h].chunks_exact_mut(dw))
    {
        for (x, c) in crow.iter_mut().enumerate() {
            *c = window_sum(row, x, 1);
        }
    }
    for (y, drow) in dst[..dw * dh].chunks_exact_mut(dw).enumerate() {
        for (x, d) in drow.iter_mut().enumerate() {
            *d = window_sum(cache, y * dw + x, dw);
        }
    }
}

/// Mean SSIM and mean luminance, contrast and structure terms of one image pair
/// (`_iqa_ssim` with default arguments), each rounded to `f32` as libvmaf returns them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct SsimMeans {
    /// Mean of l·c·s.
    pub ssim: f32,
    /// Mean luminance term.
    pub l: f32,
    /// Mean contrast term.
    pub c: f32,
    /// Mean structure term.
    pub s: f32,
}

/// Scratch buffers of [`iqa_ssim`], sized for images up to `w × h`.
#[derive(Debug, Clone, Default)]
pub(crate) struct SsimScratch {
    mu1: Vec<f32>,
    mu2: Vec<f32>,
    s11: Vec<f32>,
    s22: Vec<f32>,
    s12: Vec<f32>,
    prod: Vec<f32>,
    cache: Vec<f32>,
    /// AVX2 convolution when the CPU level in effect at creation allows it.
    #[cfg(target_arch = "x86_64")]
    avx2: Option<super::avx2::Avx2>,
}

impl SsimScratch {
    /// Buffers for images of at most `w × h` (both at least [`GAUSSIAN_LEN`]).
    pub(crate) fn new(w: usize, h: usize) -> Self {
        let dw = w + 1 - GAUSSIAN_LEN;
        let dh = h + 1 - GAUSSIAN_LEN;
        let out = vec![0.0f32; dw * dh];
        SsimScratch {
            mu1: out.clone(),
            mu2: out.clone(),
            s11: out.clone(),
            s22: out.clone(),
            s12: out,
            prod: vec![0.0; w * h],
            cache: vec![0.0; dw * h],
            #[cfg(target_arch = "x86_64")]
            avx2: super::avx2::Avx2::at_level(),
        }
    }
}

/// `f32(a × b)` for every sample pair into `out`.
fn products(a: &[f32], b: &[f32], out: &mut [f32]) {
    for ((o, &x), &y) in out.iter_mut().zip(a).zip(b) {
        *o = x * y;
    }
}

/// `_iqa_ssim` with default arguments (Gaussian window, K1 = 0.01, K2 = 0.03, L = 255,
/// α = β = γ = 1) over `reference` and `distorted` (`w × h`, stride `w`), including
/// Netflix's clamps (σ² ≥ 0, σ12 → 0 when negative and σ1σ2 = 0).
pub(crate) fn iqa_ssim(
    reference: &[f32],
    distorted: &[f32],
    w: usize,
    h: usize,
    scratch: &mut SsimScratch,
) -> SsimMeans {
    let k1 = 0.01f32;
    let k2 = 0.03f32;
    let big_l = 255.0f32;
    let c1 = (k1 * big_l) * (k1 * big_l);
    let c2 = (k2 * big_l) * (k2 * big_l);
    let c3 = c2 / 2.0f32;

    let n = w * h;
    let (reference, distorted) = (&reference[..n], &distorted[..n]);
    let SsimScratch {
        mu1,
        mu2,
        s11,
        s22,
        s12,
        prod,
        cache,
        #[cfg(target_arch = "x86_64")]
        avx2,
    } = scratch;
    let prod = &mut prod[..n];
    #[cfg(target_arch = "x86_64")]
    let simd = *avx2;
    let conv = |img: &[f32], cache: &mut [f32], dst: &mut [f32]| {
        #[cfg(target_arch = "x86_64")]
        if let Some(k) = simd {
            return k.convolve_valid(img, w, h, cache, dst);
        }
        convolve_valid(img, w, h, cache, dst)
    };

    conv(reference, cache, mu1);
    conv(distorted, cache, mu2);
    products(reference, reference, prod);
    conv(prod, cache, s11);
    products(distorted, distorted, prod);
    conv(prod, cache, s22);
    products(reference, distorted, prod);
    conv(prod, cache, s12);

    let dw = w + 1 - GAUSSIAN_LEN;
    let dh = h + 1 - GAUSSIAN_LEN;
    let m = dw * dh;
    let (c1d, c2d) = (f64::from(c1), f64::from(c2));
    let mut ssim_sum = 0.0f64;
    let mut l_sum = 0.0f64;
    let mut c_sum = 0.0f64;
    let mut s_sum = 0.0f64;
    for i in 0..m {
        let (m1, m2) = (mu1[i], mu2[i]);
        let v1 = s11[i] - m1 * m1;
        let v2 = s22[i] - m2 * m2;
        // MAX(0.0, v): the comparison keeps v when it is NaN or -0.0.
        let v1 = if 0.0 > v1 { 0.0 } else { v1 };
        let v2 = if 0.0 > v2 { 0.0 } else { v2 };
        let v12 = s12[i] - m1 * m2;

        let sr = f64::from(v1 * v2).sqrt() as f32;
        let l = (2.0 * f64::from(m1) * f64::from(m2) + c1d) / f64::from(m1 * m1 + m2 * m2 + c1);
        let c = (2.0 * f64::from(sr) + c2d) / f64::from(v1 + v2 + c2);
        let v12 = if v12 < 0.0 && sr <= 0.0 { 0.0 } else { v12 };
        let s = f64::from((v12 + c3) / (sr + c3));

        ssim_sum += l * c * s;
        l_sum += l;
        c_sum += c;
        s_sum += s;
    }
    let count = (dw * dh) as i32 as f64;
    SsimMeans {
        ssim: (ssim_sum / count) as f32,
        l: (l_sum / count) as f32,
        c: (c_sum / count) as f32,
        s: (s_sum / count) as f32,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_is_half_away_from_zero() {
        assert_eq!(iqa_round(0.49), 0);
        assert_eq!(iqa_round(0.5), 1);
        assert_eq!(iqa_round(1.5), 2);
        assert_eq!(iqa_round(2.5), 3);
        assert_eq!(iqa_round(4.21875), 4);
    }

    #[test]
    fn auto_scale_matches_ssim_c() {
        assert_eq!(auto_scale(576, 324), 1);
        assert_eq!(auto_scale(176, 144), 1);
        assert_eq!(auto_scale(1280, 720), 3);
        assert_eq!(auto_scale(1920, 1080), 4);
        assert_eq!(auto_scale(3840, 2160), 8);
        // 384 / 256 = 1.5 rounds up.
        assert_eq!(auto_scale(384, 400), 2);
        assert_eq!(auto_scale(10, 10), 1);
    }

    #[test]
    fn symmetric_edges() {
        assert_eq!(symmetric(-1, 5), 0);
        assert_eq!(symmetric(-2, 5), 1);
        assert_eq!(symmetric(5, 5), 4);
        assert_eq!(symmetric(6, 5), 3);
        assert_eq!(symmetric(3, 5), 3);
    }

    #[test]
    fn decimated_sizes() {
        assert_eq!(decimated_size(1920, 1080, 4), (480, 270));
        assert_eq!(decimated_size(481, 271, 2), (241, 136));
        assert_eq!(decimated_size(33, 30, 3), (12, 10));
    }
}
