//! Scalar port of libvmaf's float VIF toolbox (`vif_tools.c`) and pipeline (`vif.c:
//! compute_vif`).
//!
//! The tools (Gaussian filter tables, separable reflect-101 filters, decimation, frame
//! scalers, the VIF statistic and its polynomial log2) are shared with SpEED and kept as plain
//! `pub(crate)` functions over explicit buffers. Every expression mirrors the C evaluation:
//! `f32` where C computes in `float`, `f64` where a `double` operand promotes it, the same
//! association and summation order, no fused multiply-add.

use std::f64::consts::PI;

// ---------------------------------------------------------------------------------------------
// log2 approximation (VIF_OPT_FAST_LOG2: `log2f` is `log2f_approx` inside vif_tools.c)

/// Polynomial of `log2f_approx` (C `float` array initialised from double literals).
pub(super) const LOG2_POLY: [f32; 9] = [
    -0.012671635276421_f64 as f32,
    0.064841182402670_f64 as f32,
    -0.157048836463065_f64 as f32,
    0.257167726303123_f64 as f32,
    -0.353800560300520_f64 as f32,
    0.480131410397451_f64 as f32,
    -0.721314327952201_f64 as f32,
    1.442694803896991_f64 as f32,
    0.0,
];

/// `log2f_approx`: exponent plus a degree-8 polynomial in the mantissa (all `f32`).
#[inline]
pub(crate) fn log2f_approx(x: f32) -> f32 {
    if x == 0.0 {
        return f32::NEG_INFINITY;
    }
    if x < 0.0 {
        return f32::NAN;
    }
    let u = x.to_bits();
    let exponent = (u & 0x7F80_0000) >> 23;
    let remain = f32::from_bits((u & 0x007F_FFFF) | 0x3F80_0000);
    let log_base = (exponent as i32 - 127) as f32;
    let t = remain - 1.0;
    let mut log_remain = 0.0f32;
    for &c in &LOG2_POLY {
        log_remain = log_remain * t + c;
    }
    log_base + log_remain
}

// ---------------------------------------------------------------------------------------------
// Gaussian filters

/// Kernel scales libvmaf accepts (`valid_kernelscales`, `float` values).
pub(crate) const VALID_KERNELSCALES: [f32; 21] = [
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

/// `vif_validate_kernelscale`: within 1e-3 of a listed scale.
pub(crate) fn validate_kernelscale(kernelscale: f32) -> bool {
    VALID_KERNELSCALES
        .iter()
        .any(|&v| (((kernelscale - v).abs()) as f64) < 1e-3)
}

/// `round_up_to_odd`: ceil, then the next odd integer.
fn round_up_to_odd(f: f32) -> i32 {
    let c = (f as f64).ceil() as i32;
    if c % 2 == 0 {
        c + 1
    } else {
        c
    }
}

/// `vif_get_filter_size`: `2^(4-scale) + 1` taps times the kernel scale, odd, at least 3.
pub(crate) fn filter_size(scale: u32, kernelscale: f32) -> usize {
    let n = ((1 << (4 - scale)) + 1) as f32;
    round_up_to_odd(n * kernelscale).max(3) as usize
}

/// `get_gaussian_pdf` (float arguments, double exponent, float result).
fn gaussian_pdf(x: f32, mean: f32, stdev: f32) -> f32 {
    let d = (x - mean) as f64;
    let s = stdev as f64;
    let num = (-0.5 * d / s * d / s).exp() as f32;
    let den = (1.0 / (s * (2.0 * PI).sqrt())) as f32;
    num / den
}

/// `get_1d_gaussian_kernel`: `size` (odd) samples of N(0, stdev²), normalised to sum 1 in `f32`.
fn gaussian_kernel(size: usize, stdev: f32) -> Vec<f32> {
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

/// `vif_get_filter`: the Gaussian of scale `scale` (σ = size / 5).
pub(crate) fn vif_filter(scale: u32, kernelscale: f32) -> Vec<f32> {
    let size = filter_size(scale, kernelscale);
    gaussian_kernel(size, size as f32 / 5.0)
}

/// `speed_get_antialias_filter`: scale-1 size, σ = √scale · size / 5.
#[allow(dead_code)] // used by SpEED (speed.c), not by VIF
pub(crate) fn speed_antialias_filter(scale: u32, kernelscale: f32) -> Vec<f32> {
    let size = filter_size(1, kernelscale);
    let stdev = ((scale as f64).sqrt() * size as f64 / 5.0) as f32;
    gaussian_kernel(size, stdev)
}

// ---------------------------------------------------------------------------------------------
// Separable filters (scalar fall-back of vif_filter1d_s / _sq_s / _xy_s)

/// Reflect-101 index used by the filters: `-i` below 0, `2n - i - 2` from `n` on.
#[inline]
pub(super) fn reflect(i: isize, n: usize) -> usize {
    let n = n as isize;
    (if i < 0 {
        -i
    } else if i >= n {
        2 * n - i - 2
    } else {
        i
    }) as usize
}

/// What the vertical pass sums per tap: the sample, its square, or the product of two planes.
#[derive(Clone, Copy)]
enum Moment<'a> {
    Plain(&'a [f32], usize),
    Square(&'a [f32], usize),
    Product(&'a [f32], usize, &'a [f32], usize),
}

/// Vertical pass of row `i` into `tmp[half..half + w]`, then mirrors `half` entries each side.
fn vertical_row(f: &[f32], src: Moment<'_>, w: usize, h: usize, i: usize, tmp: &mut [f32]) {
    let half = f.len() / 2;
    let row = &mut tmp[half..half + w];
    row.fill(0.0);
    for (k, &c) in f.iter().enumerate() {
        let ii = reflect(i as isize - half as isize + k as isize, h);
        match src {
            Moment::Plain(s, st) => {
                for (a, &x) in row.iter_mut().zip(&s[ii * st..ii * st + w]) {
                    *a += c * x;
                }
            }
            Moment::Square(s, st) => {
                for (a, &x) in row.iter_mut().zip(&s[ii * st..ii * st + w]) {
                    *a += c * (x * x);
                }
            }
            Moment::Product(s1, st1, s2, st2) => {
                let r1 = &s1[ii * st1..ii * st1 + w];
                let r2 = &s2[ii * st2..ii * st2 + w];
                for ((a, &x), &y) in row.iter_mut().zip(r1).zip(r2) {
                    *a += c * (x * y);
                }
            }
        }
    }
    for p in 1..=half {
        tmp[half - p] = tmp[half + reflect(-(p as isize), w)];
        tmp[half + w - 1 + p] = tmp[half + reflect((w - 1 + p) as isize, w)];
    }
}

/// Horizontal pass over the padded row `tmp` into `dst[..w]`.
#[inline]
fn horizontal_row(f: &[f32], tmp: &[f32], w: usize, dst: &mut [f32]) {
    for (j, d) in dst[..w].iter_mut().enumerate() {
        let mut acc = 0.0f32;
        for (k, &c) in f.iter().enumerate() {
            acc += c * tmp[j + k];
        }
        *d = acc;
    }
}

fn filter_moment(
    f: &[f32],
    src: Moment<'_>,
    dst: &mut [f32],
    dst_stride: usize,
    w: usize,
    h: usize,
    tmp: &mut Vec<f32>,
) {
    let need = w + f.len() - 1;
    if tmp.len() < need {
        tmp.resize(need, 0.0);
    }
    for i in 0..h {
        vertical_row(f, src, w, h, i, tmp);
        horizontal_row(f, tmp, w, &mut dst[i * dst_stride..]);
    }
}

/// `vif_filter1d_s`: separable filter `f` with reflect-101 edges, `w`×`h` of `src` → `dst`.
///
/// Each output sums its taps in order in `f32`, vertical pass first; `tmp` is a row buffer
/// (grown to `w + f.len() - 1` if shorter). The planes must be larger than half the filter.
#[allow(clippy::too_many_arguments)]
pub(crate) fn filter1d(
    f: &[f32],
    src: &[f32],
    src_stride: usize,
    dst: &mut [f32],
    dst_stride: usize,
    w: usize,
    h: usize,
    tmp: &mut Vec<f32>,
) {
    filter_moment(
        f,
        Moment::Plain(src, src_stride),
        dst,
        dst_stride,
        w,
        h,
        tmp,
    );
}

/// `vif_filter1d_sq_s`: like [`filter1d`] on the squared samples.
#[allow(clippy::too_many_arguments)]
pub(crate) fn filter1d_sq(
    f: &[f32],
    src: &[f32],
    src_stride: usize,
    dst: &mut [f32],
    dst_stride: usize,
    w: usize,
    h: usize,
    tmp: &mut Vec<f32>,
) {
    filter_moment(
        f,
        Moment::Square(src, src_stride),
        dst,
        dst_stride,
        w,
        h,
        tmp,
    );
}

/// `vif_filter1d_xy_s`: like [`filter1d`] on the product of two planes.
#[allow(clippy::too_many_arguments)]
pub(crate) fn filter1d_xy(
    f: &[f32],
    src1: &[f32],
    src1_stride: usize,
    src2: &[f32],
    src2_stride: usize,
    dst: &mut [f32],
    dst_stride: usize,
    w: usize,
    h: usize,
    tmp: &mut Vec<f32>,
) {
    filter_moment(
        f,
        Moment::Product(src1, src1_stride, src2, src2_stride),
        dst,
        dst_stride,
        w,
        h,
        tmp,
    );
}

/// `vif_dec2_s`: keeps even rows and columns, `src_w/2`×`src_h/2` samples.
pub(crate) fn dec2(
    src: &[f32],
    src_stride: usize,
    src_w: usize,
    src_h: usize,
    dst: &mut [f32],
    dst_stride: usize,
) {
    for i in 0..src_h / 2 {
        for j in 0..src_w / 2 {
            dst[i * dst_stride + j] = src[2 * i * src_stride + 2 * j];
        }
    }
}

/// `vif_dec16_s`: keeps every 16th row and column, `src_w/16`×`src_h/16` samples.
#[allow(dead_code)] // used by SpEED (speed.c), not by VIF
pub(crate) fn dec16(
    src: &[f32],
    src_stride: usize,
    src_w: usize,
    src_h: usize,
    dst: &mut [f32],
    dst_stride: usize,
) {
    for i in 0..src_h / 16 {
        for j in 0..src_w / 16 {
            dst[i * dst_stride + j] = src[16 * i * src_stride + 16 * j];
        }
    }
}

// ---------------------------------------------------------------------------------------------
// VIF statistic (vif_statistic_s, the 'matching_matlab' arrangement)

/// Filtered moments of one scale, all `w`×`h` with rows `stride` apart.
#[derive(Clone, Copy)]
pub(crate) struct Moments<'a> {
    /// Local mean of the reference.
    pub mu1: &'a [f32],
    /// Local mean of the distorted.
    pub mu2: &'a [f32],
    /// Filtered reference².
    pub xx: &'a [f32],
    /// Filtered distorted².
    pub yy: &'a [f32],
    /// Filtered reference × distorted.
    pub xy: &'a [f32],
    /// Row distance of every plane.
    pub stride: usize,
}

/// `eps` of `vif_statistic_s`.
pub(super) const STAT_EPS: f32 = 1.0e-10;

/// `sigma_max_inv` of `vif_statistic_s`: `powf(sigma_nsq, 2) / 255²` (float, double, float).
pub(super) fn sigma_max_inv(sigma_nsq: f64) -> f32 {
    ((sigma_nsq as f32).powf(2.0) as f64 / (255.0 * 255.0)) as f32
}

/// `vif_statistic_s`: numerator and denominator of one scale, summed per row then over rows in
/// `f32`.
pub(crate) fn statistic(
    m: Moments<'_>,
    w: usize,
    h: usize,
    enhn_gain_limit: f64,
    sigma_nsq: f64,
) -> (f32, f32) {
    let sigma_max_inv = sigma_max_inv(sigma_nsq);
    let eps = STAT_EPS;
    let egl = enhn_gain_limit as f32;
    let mut accum_num = 0.0f32;
    let mut accum_den = 0.0f32;
    for i in 0..h {
        let o = i * m.stride;
        let mut inner_num = 0.0f32;
        let mut inner_den = 0.0f32;
        for j in o..o + w {
            let (mu1, mu2) = (m.mu1[j], m.mu2[j]);
            let mut sigma1_sq = m.xx[j] - mu1 * mu1;
            let mut sigma2_sq = m.yy[j] - mu2 * mu2;
            let sigma12 = m.xy[j] - mu1 * mu2;

            // MAX/MIN are C's `a > b ? a : b` / `a < b ? a : b`
            sigma1_sq = if sigma1_sq > 0.0 { sigma1_sq } else { 0.0 };
            sigma2_sq = if sigma2_sq > 0.0 { sigma2_sq } else { 0.0 };

            let mut g = sigma12 / (sigma1_sq + eps);
            let mut sv_sq = sigma2_sq - g * sigma12;
            if sigma1_sq < eps {
                g = 0.0;
                sv_sq = sigma2_sq;
                sigma1_sq = 0.0;
            }
            if sigma2_sq < eps {
                g = 0.0;
                sv_sq = 0.0;
            }
            if g < 0.0 {
                sv_sq = sigma2_sq;
                g = 0.0;
            }
            sv_sq = if sv_sq > eps { sv_sq } else { eps };
            g = if g < egl { g } else { egl };

            let mut num_val = log2f_approx(
                (1.0 + (g * g * sigma1_sq) as f64 / (sv_sq as f64 + sigma_nsq)) as f32,
            );
            let mut den_val = log2f_approx((1.0 + sigma1_sq as f64 / sigma_nsq) as f32);
            if sigma12 < 0.0 {
                num_val = 0.0;
            }
            if (sigma1_sq as f64) < sigma_nsq {
                num_val = 1.0 - sigma2_sq * sigma_max_inv;
                den_val = 1.0;
            }
            inner_num += num_val;
            inner_den += den_val;
        }
        accum_num += inner_num;
        accum_den += inner_den;
    }
    (accum_num, accum_den)
}

// ---------------------------------------------------------------------------------------------
// Frame scalers (vif_scale_frame_s)

/// Prescale methods (`vif_scaling_method`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ScalingMethod {
    /// Nearest neighbour (truncated source coordinate).
    Nearest,
    /// Bicubic, a = -0.75, 4×4 taps.
    Bicubic,
    /// Lanczos, a = 4, 9×9 taps, normalised by the weight sum.
    Lanczos4,
    /// Bilinear.
    Bilinear,
}

/// Widest bilinear output libvmaf supports (`VIF_BILINEAR_MAX_WIDTH`).
pub(crate) const BILINEAR_MAX_WIDTH: usize = 7680;

impl ScalingMethod {
    /// `vif_get_scaling_method`.
    pub(crate) fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "nearest" => ScalingMethod::Nearest,
            "bilinear" => ScalingMethod::Bilinear,
            "bicubic" => ScalingMethod::Bicubic,
            "lanczos4" => ScalingMethod::Lanczos4,
            _ => return None,
        })
    }
    /// Smallest source side the method can resample: its single reflection must stay inside.
    pub(crate) fn min_source_size(self) -> usize {
        match self {
            ScalingMethod::Nearest => 1,
            ScalingMethod::Bilinear => 2,
            ScalingMethod::Bicubic => 3,
            ScalingMethod::Lanczos4 => 6,
        }
    }
}

/// The scalers' `mirror` (in `float`): one reflection about `left` and `right`.
#[inline]
fn mirror(i: f32, left: f32, right: f32) -> f32 {
    if i < left {
        -i
    } else if i > right {
        2.0 * right - i
    } else {
        i
    }
}

/// Source coordinate of output sample `x` (`(x + 0.5) * ratio - 0.5`, computed in double).
#[inline]
fn source_coord(x: usize, ratio: f32) -> f32 {
    ((x as f64 + 0.5) * ratio as f64 - 0.5) as f32
}

fn bicubic_kernel(t: f32) -> f32 {
    let a = -0.75f32;
    let t = if t < 0.0 { -t } else { t };
    if t < 1.0 {
        return ((a + 2.0) * t - (a + 3.0)) * t * t + 1.0;
    }
    if t < 2.0 {
        return (((t - 5.0) * t + 8.0) * t - 4.0) * a;
    }
    0.0
}

fn bicubic_at(src: &[f32], w: usize, h: usize, stride: usize, x: f32, y: f32) -> f32 {
    let x0 = (x as f64).floor() as i32;
    let y0 = (y as f64).floor() as i32;
    let dx = x - x0 as f32;
    let dy = y - y0 as f32;
    let mut wx = [0.0f32; 4];
    let mut wy = [0.0f32; 4];
    for i in -1..=2i32 {
        wx[(i + 1) as usize] = bicubic_kernel(i as f32 - dx);
        wy[(i + 1) as usize] = bicubic_kernel(i as f32 - dy);
    }
    let mut v = 0.0f32;
    for j in -1..=2i32 {
        for i in -1..=2i32 {
            let xi = mirror((x0 + i) as f32, 0.0, (w - 1) as f32) as usize;
            let yi = mirror((y0 + j) as f32, 0.0, (h - 1) as f32) as usize;
            let weight = wx[(i + 1) as usize] * wy[(j + 1) as usize];
            v += src[yi * stride + xi] * weight;
        }
    }
    v
}

fn lanczos4_kernel(x: f32, a: f32) -> f32 {
    if x == 0.0 {
        return 1.0;
    }
    if x > -a && x < a {
        let (x, a) = (x as f64, a as f64);
        return (a * (PI * x).sin() * (PI * x / a).sin() / (PI * PI * x * x)) as f32;
    }
    0.0
}

fn lanczos4_at(src: &[f32], w: usize, h: usize, stride: usize, x: f32, y: f32) -> f32 {
    const A: i32 = 4;
    let x0 = (x as f64).floor() as i32;
    let y0 = (y as f64).floor() as i32;
    let dx = x - x0 as f32;
    let dy = y - y0 as f32;
    let mut wx = [0.0f32; 9];
    let mut wy = [0.0f32; 9];
    for i in -A..=A {
        wx[(i + A) as usize] = lanczos4_kernel(i as f32 - dx, A as f32);
        wy[(i + A) as usize] = lanczos4_kernel(i as f32 - dy, A as f32);
    }
    let mut value = 0.0f32;
    let mut weight_sum = 0.0f32;
    for iy in -A..=A {
        for ix in -A..=A {
            let weight = wx[(ix + A) as usize] * wy[(iy + A) as usize];
            weight_sum += weight;
            let xi = mirror((x0 + ix) as f32, 0.0, (w - 1) as f32) as usize;
            let yi = mirror((y0 + iy) as f32, 0.0, (h - 1) as f32) as usize;
            value += src[yi * stride + xi] * weight;
        }
    }
    value / weight_sum
}

/// Per-output-column source columns and weight of bilinear scaling
/// (`vif_scale_frame_bilinear_precompute_columns_s`).
#[derive(Debug, Clone, Default)]
pub(crate) struct BilinearColumns {
    x1: Vec<usize>,
    x2: Vec<usize>,
    dx: Vec<f32>,
}

impl BilinearColumns {
    /// Tables for scaling `src_w` columns to `dst_w`.
    pub(crate) fn new(src_w: usize, dst_w: usize) -> Self {
        let ratio = src_w as f32 / dst_w as f32;
        let right = (src_w - 1) as f32;
        let mut c = BilinearColumns::default();
        for x in 0..dst_w {
            let xx = source_coord(x, ratio);
            let x1 = mirror((xx as f64).floor() as f32, 0.0, right) as i32;
            let x2 = mirror((xx as f64).ceil() as f32, 0.0, right) as i32;
            c.x1.push(x1 as usize);
            c.x2.push(x2 as usize);
            c.dx.push(xx - x1 as f32);
        }
        c
    }
}

/// A frame scaler for fixed source and destination sizes (`vif_scale_frame_s`).
#[derive(Debug, Clone)]
pub(crate) struct Scaler {
    method: ScalingMethod,
    src_w: usize,
    src_h: usize,
    dst_w: usize,
    dst_h: usize,
    columns: Option<BilinearColumns>,
}

impl Scaler {
    /// A scaler from `src_w`×`src_h` to `dst_w`×`dst_h` (bilinear column tables built here).
    pub(crate) fn new(
        method: ScalingMethod,
        src_w: usize,
        src_h: usize,
        dst_w: usize,
        dst_h: usize,
    ) -> Self {
        let columns = (method == ScalingMethod::Bilinear && (src_w, src_h) != (dst_w, dst_h))
            .then(|| BilinearColumns::new(src_w, dst_w));
        Scaler {
            method,
            src_w,
            src_h,
            dst_w,
            dst_h,
            columns,
        }
    }

    /// True when source and destination sizes are equal (the scaler then copies).
    pub(crate) fn is_identity(&self) -> bool {
        (self.src_w, self.src_h) == (self.dst_w, self.dst_h)
    }

    /// Scales `src` (rows `src_stride` apart) into `dst` (rows `dst_stride` apart).
    pub(crate) fn apply(&self, src: &[f32], src_stride: usize, dst: &mut [f32], dst_stride: usize) {
        let (sw, sh, dw, dh) = (self.src_w, self.src_h, self.dst_w, self.dst_h);
        if self.is_identity() {
            for y in 0..dh {
                dst[y * dst_stride..y * dst_stride + dw]
                    .copy_from_slice(&src[y * src_stride..y * src_stride + sw]);
            }
            return;
        }
        let ratio_x = sw as f32 / dw as f32;
        let ratio_y = sh as f32 / dh as f32;
        match self.method {
            ScalingMethod::Nearest => {
                for y in 0..dh {
                    let sy = (y as f32 * ratio_y) as usize;
                    for x in 0..dw {
                        let sx = (x as f32 * ratio_x) as usize;
                        dst[y * dst_stride + x] = src[sy * src_stride + sx];
                    }
                }
            }
            ScalingMethod::Bilinear => {
                let c = self.columns.as_ref().expect("bilinear tables");
                let bottom = (sh - 1) as f32;
                for y in 0..dh {
                    let yy = source_coord(y, ratio_y);
                    let y1 = mirror((yy as f64).floor() as f32, 0.0, bottom) as i32;
                    let y2 = mirror((yy as f64).ceil() as f32, 0.0, bottom) as i32;
                    let dy = yy - y1 as f32;
                    let r1 = &src[y1 as usize * src_stride..];
                    let r2 = &src[y2 as usize * src_stride..];
                    let drow = &mut dst[y * dst_stride..y * dst_stride + dw];
                    for (x, d) in drow.iter_mut().enumerate() {
                        let (x1, x2, dx) = (c.x1[x], c.x2[x], c.dx[x]);
                        *d = (1.0 - dy) * (1.0 - dx) * r1[x1]
                            + (1.0 - dy) * dx * r1[x2]
                            + dy * (1.0 - dx) * r2[x1]
                            + dy * dx * r2[x2];
                    }
                }
            }
            ScalingMethod::Bicubic => {
                for y in 0..dh {
                    let yy = source_coord(y, ratio_y);
                    for x in 0..dw {
                        let xx = source_coord(x, ratio_x);
                        dst[y * dst_stride + x] = bicubic_at(src, sw, sh, src_stride, xx, yy);
                    }
                }
            }
            ScalingMethod::Lanczos4 => {
                for y in 0..dh {
                    let yy = source_coord(y, ratio_y);
                    for x in 0..dw {
                        let xx = source_coord(x, ratio_x);
                        dst[y * dst_stride + x] = lanczos4_at(src, sw, sh, src_stride, xx, yy);
                    }
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// compute_vif (vif.c)

/// Scratch planes of [`compute_vif`], each `w`×`h` of the scale-0 size with rows `w` apart.
#[derive(Debug, Clone)]
pub(crate) struct VifBuffers {
    stride: usize,
    ref_scale: Vec<f32>,
    dis_scale: Vec<f32>,
    mu1: Vec<f32>,
    mu2: Vec<f32>,
    xx: Vec<f32>,
    yy: Vec<f32>,
    xy: Vec<f32>,
    tmp: Vec<f32>,
}

impl VifBuffers {
    /// Buffers for `w`×`h` inputs filtered with filters of at most `max_taps` taps.
    pub(crate) fn new(w: usize, h: usize, max_taps: usize) -> Self {
        let plane = || vec![0.0f32; w * h];
        VifBuffers {
            stride: w,
            ref_scale: plane(),
            dis_scale: plane(),
            mu1: plane(),
            mu2: plane(),
            xx: plane(),
            yy: plane(),
            xy: plane(),
            tmp: vec![0.0; w + max_taps],
        }
    }
}

/// Result of [`compute_vif`]: per-scale `(num, den)` (as doubles of `f32` values; scale 0 is
/// zero when skipped) and the overall ratio.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct VifScores {
    /// `num0, den0, num1, den1, ...`.
    pub scales: [f64; 8],
    /// Σ num over the computed scales.
    pub num: f64,
    /// Σ den over the computed scales.
    pub den: f64,
    /// `num / den` (1 when `den` is 0).
    pub score: f64,
}

impl VifScores {
    /// Sums the scales from `first` on into `num` and `den` and sets `score` (`compute_vif`'s
    /// tail).
    pub(super) fn finish(&mut self, first: usize) {
        for scale in first..4 {
            self.num += self.scales[2 * scale];
            self.den += self.scales[2 * scale + 1];
        }
        self.score = if self.den == 0.0 {
            1.0
        } else {
            self.num / self.den
        };
    }
}

/// `compute_vif`: the four-scale VIF of a `w`×`h` float pair (rows `stride` apart) with the
/// per-scale `filters`; scale `s > 0` low-passes scale `s-1` with `filters[s]` and decimates.
#[allow(clippy::too_many_arguments)]
pub(crate) fn compute_vif(
    reference: &[f32],
    distorted: &[f32],
    stride: usize,
    w: usize,
    h: usize,
    filters: &[Vec<f32>; 4],
    enhn_gain_limit: f64,
    skip_scale0: bool,
    sigma_nsq: f64,
    b: &mut VifBuffers,
) -> VifScores {
    let bs = b.stride;
    let mut out = VifScores::default();
    let (mut w, mut h) = (w, h);
    let first = if skip_scale0 { 1 } else { 0 };
    for (scale, f) in filters.iter().enumerate().skip(first) {
        if scale > 0 {
            // low-pass the previous scale (the input at scale 1) and keep even rows/columns
            {
                let (cr, cd, cs) = if scale == 1 {
                    (reference, distorted, stride)
                } else {
                    (&b.ref_scale[..], &b.dis_scale[..], bs)
                };
                filter1d(f, cr, cs, &mut b.mu1, bs, w, h, &mut b.tmp);
                filter1d(f, cd, cs, &mut b.mu2, bs, w, h, &mut b.tmp);
            }
            dec2(&b.mu1, bs, w, h, &mut b.ref_scale, bs);
            dec2(&b.mu2, bs, w, h, &mut b.dis_scale, bs);
            w /= 2;
            h /= 2;
        }
        let (cr, cd, cs) = if scale == 0 {
            (reference, distorted, stride)
        } else {
            (&b.ref_scale[..], &b.dis_scale[..], bs)
        };
        filter1d(f, cr, cs, &mut b.mu1, bs, w, h, &mut b.tmp);
        filter1d(f, cd, cs, &mut b.mu2, bs, w, h, &mut b.tmp);
        filter1d_sq(f, cr, cs, &mut b.xx, bs, w, h, &mut b.tmp);
        filter1d_sq(f, cd, cs, &mut b.yy, bs, w, h, &mut b.tmp);
        filter1d_xy(f, cr, cs, cd, cs, &mut b.xy, bs, w, h, &mut b.tmp);
        let m = Moments {
            mu1: &b.mu1,
            mu2: &b.mu2,
            xx: &b.xx,
            yy: &b.yy,
            xy: &b.xy,
            stride: bs,
        };
        let (num, den) = statistic(m, w, h, enhn_gain_limit, sigma_nsq);
        out.scales[2 * scale] = num as f64;
        out.scales[2 * scale + 1] = den as f64;
    }
    out.finish(first);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filter_sizes() {
        assert_eq!(
            (0..4).map(|s| filter_size(s, 1.0)).collect::<Vec<_>>(),
            [17, 9, 5, 3]
        );
        assert_eq!(filter_size(3, 0.5), 3);
        assert_eq!(filter_size(0, 360.0 / 97.0), 65);
    }

    #[test]
    fn filters_are_normalised_symmetric_gaussians() {
        for ks in [1.0f32, 0.5, 1.5, 2.0] {
            for s in 0..4 {
                let f = vif_filter(s, ks);
                assert_eq!(f.len() % 2, 1);
                assert!((f.iter().sum::<f32>() - 1.0).abs() < 1e-6);
                for k in 0..f.len() / 2 {
                    assert_eq!(f[k], f[f.len() - 1 - k]);
                    assert!(f[k] < f[k + 1]);
                }
            }
        }
        let a = speed_antialias_filter(4, 1.0);
        assert_eq!(a.len(), 9);
        assert!((a.iter().sum::<f32>() - 1.0).abs() < 1e-6);
    }

    #[test]
    fn kernelscale_validation() {
        assert!(validate_kernelscale(1.0));
        assert!(validate_kernelscale(1.5));
        assert!(validate_kernelscale(0.7111));
        assert!(!validate_kernelscale(1.2));
        assert!(!validate_kernelscale(4.0));
    }

    #[test]
    fn log2_approx() {
        assert_eq!(log2f_approx(1.0), 0.0);
        assert_eq!(log2f_approx(8.0), 3.0);
        assert!((log2f_approx(3.0) - 3.0f32.log2()).abs() < 1e-4);
        assert_eq!(log2f_approx(0.0), f32::NEG_INFINITY);
    }

    #[test]
    fn scalers_keep_constant_planes() {
        let src = vec![7.0f32; 20 * 12];
        for m in [
            ScalingMethod::Nearest,
            ScalingMethod::Bilinear,
            ScalingMethod::Bicubic,
            ScalingMethod::Lanczos4,
        ] {
            for (dw, dh) in [(40, 24), (10, 6), (20, 12), (33, 7)] {
                let s = Scaler::new(m, 20, 12, dw, dh);
                let mut dst = vec![0.0f32; dw * dh];
                s.apply(&src, 20, &mut dst, dw);
                for v in dst {
                    assert!((v - 7.0).abs() < 1e-4, "{m:?} {dw}x{dh}: {v}");
                }
            }
        }
    }
}
