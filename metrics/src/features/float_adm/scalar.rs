//! Scalar reference kernels of float ADM (libvmaf `adm.c` / `adm_tools.c`, the `_s` single
//! precision functions), written over packed planes with an explicit row stride.
//!
//! Every intermediate is an `f32` where C declares `float`; where C mixes in a `double`
//! literal or option the step is evaluated in `f64` and stored back, exactly as C does. C
//! compiles these files without FMA, so nothing is fused.

// Constants are written as in libvmaf's source.
#![allow(clippy::excessive_precision)]

use super::rcp::divs;

/// db2 low-pass analysis filter (`dwt2_db2_coeffs_lo_s`).
pub const DB2_LO: [f32; 4] = [
    0.482962913144690,
    0.836516303737469,
    0.224143868041857,
    -0.129409522550921,
];
/// db2 high-pass analysis filter (`dwt2_db2_coeffs_hi_s`).
pub const DB2_HI: [f32; 4] = [
    -0.129409522550921,
    -0.224143868041857,
    0.836516303737469,
    -0.482962913144690,
];

/// `FLOAT_ONE_BY_30` (a `double` literal in C).
const ONE_BY_30: f64 = 0.0333333351;
/// `FLOAT_ONE_BY_15` (a `double` literal in C).
pub(super) const ONE_BY_15: f64 = 0.0666666701;

/// One set of DWT sub-bands, each `stride`-pitched (only the `h, v, d` bands for the
/// decoupled / CSF sets).
#[derive(Debug, Clone)]
pub struct Bands {
    /// Low-pass both ways (approximation).
    pub a: Vec<f32>,
    /// High-pass vertically, low-pass horizontally.
    pub h: Vec<f32>,
    /// Low-pass vertically, high-pass horizontally.
    pub v: Vec<f32>,
    /// High-pass both ways.
    pub d: Vec<f32>,
}

impl Bands {
    /// Four bands of `n` samples (`with_a`) or only `h, v, d`.
    pub fn new(n: usize, with_a: bool) -> Self {
        Bands {
            a: vec![0.0; if with_a { n } else { 0 }],
            h: vec![0.0; n],
            v: vec![0.0; n],
            d: vec![0.0; n],
        }
    }
    /// `[h, v, d]` (libvmaf's theta order).
    pub fn hvd(&self) -> [&[f32]; 3] {
        [&self.h, &self.v, &self.d]
    }
}

/// `dwt2_src_indices_filt_s`: the four source rows (or columns) of each output row: index
/// -1 mirrors to 1 (reflect-101) and indices past the end mirror symmetrically (n → n-1).
pub fn dwt_indices(n: usize, out: &mut [[usize; 4]]) {
    let n = n as isize;
    for (i, o) in out.iter_mut().enumerate().take(((n + 1) / 2) as usize) {
        let i = i as isize;
        let m = |k: isize| -> usize {
            let k = if k < 0 { -k } else { k };
            (if k >= n { 2 * n - k - 1 } else { k }) as usize
        };
        *o = [m(2 * i - 1), m(2 * i), m(2 * i + 1), m(2 * i + 2)];
    }
}

#[inline]
pub(super) fn fir4(f: &[f32; 4], s: [f32; 4]) -> f32 {
    let mut acc = 0.0f32;
    acc += f[0] * s[0];
    acc += f[1] * s[1];
    acc += f[2] * s[2];
    acc += f[3] * s[3];
    acc
}

/// `adm_dwt2_s` (or `adm_dwt2_lo_s` with `lo_only`): one level of the db2 DWT of the `w`×`h`
/// plane `src` (pitch `src_stride`) into `dst` (pitch `dst_stride`, `(w+1)/2`×`(h+1)/2`).
/// `tmplo`/`tmphi` are row scratch of at least `w` samples.
#[allow(clippy::too_many_arguments)]
pub fn dwt2(
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
    for (i, iy) in ind_y.iter().enumerate().take(h.div_ceil(2)) {
        let rows = iy.map(|r| &src[r * src_stride..r * src_stride + w]);
        for j in 0..w {
            let s = [rows[0][j], rows[1][j], rows[2][j], rows[3][j]];
            tmplo[j] = fir4(&DB2_LO, s);
            if !lo_only {
                tmphi[j] = fir4(&DB2_HI, s);
            }
        }
        let o = i * dst_stride;
        for (j, ix) in ind_x.iter().enumerate().take(w.div_ceil(2)) {
            let lo = ix.map(|c| tmplo[c]);
            dst.a[o + j] = fir4(&DB2_LO, lo);
            if lo_only {
                continue;
            }
            dst.v[o + j] = fir4(&DB2_HI, lo);
            let hi = ix.map(|c| tmphi[c]);
            dst.h[o + j] = fir4(&DB2_LO, hi);
            dst.d[o + j] = fir4(&DB2_HI, hi);
        }
    }
}

/// The region (`left, top, right, bottom`) of decouple and CSF: the scoring region grown by
/// one sample for the 3×3 masking window, clipped to the band.
pub fn filter_region(w: usize, h: usize, border_factor: f64) -> (usize, usize, usize, usize) {
    let left = (w as f64 * border_factor - 0.5 - 1.0) as i32;
    let top = (h as f64 * border_factor - 0.5 - 1.0) as i32;
    let right = w as i32 - left + 2;
    let bottom = h as i32 - top + 2;
    (
        left.max(0) as usize,
        top.max(0) as usize,
        right.min(w as i32) as usize,
        bottom.min(h as i32) as usize,
    )
}

/// The scoring region (`left, top, right, bottom`, not clipped) of the denominator and
/// contrast masking: `border_factor` of each side is left out.
pub fn score_region(w: usize, h: usize, border_factor: f64) -> (i32, i32, i32, i32) {
    let left = (w as f64 * border_factor - 0.5) as i32;
    let top = (h as f64 * border_factor - 0.5) as i32;
    (left, top, w as i32 - left, h as i32 - top)
}

/// `adm_decouple_s`: splits the distorted bands into the part explained by the reference
/// (restored, `r`) and the additive impairment (`a`), with the enhancement gain limit.
#[allow(clippy::too_many_arguments)]
pub fn decouple(
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
    for i in top..bottom {
        for j in left..right {
            decouple_at(rf, ds, r, a, i * stride + j, cos_sq, gain_limit);
        }
    }
}

/// `cos(1°)²` of `adm_decouple_s` (a double rounded to `float`).
pub(super) fn cos_1deg_sq() -> f32 {
    let cos_1deg = (1.0 * std::f64::consts::PI / 180.0).cos();
    (cos_1deg * cos_1deg) as f32
}

/// `eps` of `adm_decouple_s`.
pub(super) const DECOUPLE_EPS: f32 = 1e-30;

/// One sample `o` of [`decouple`] (`cos_sq`: [`cos_1deg_sq`]).
#[inline]
pub(super) fn decouple_at(
    rf: &Bands,
    ds: &Bands,
    r: &mut Bands,
    a: &mut Bands,
    o: usize,
    cos_sq: f32,
    gain_limit: f64,
) {
    let eps = DECOUPLE_EPS;
    // rst·limit compared with t in double, as C's MIN/MAX of a double and a float
    let limit = |rst: f32, t: f32, flag: bool| -> f32 {
        let mut rst = rst;
        if flag && rst > 0.0 {
            let g = rst as f64 * gain_limit;
            rst = if g < t as f64 { g as f32 } else { t };
        }
        if flag && rst < 0.0 {
            let g = rst as f64 * gain_limit;
            rst = if g > t as f64 { g as f32 } else { t };
        }
        rst
    };
    // C's nested ternary (NaN passes through, as with f32::clamp)
    #[allow(clippy::manual_clamp)]
    let clamp01 = |k: f32| -> f32 {
        if k < 0.0 {
            0.0
        } else if k > 1.0 {
            1.0
        } else {
            k
        }
    };
    let (oh, ov, od) = (rf.h[o], rf.v[o], rf.d[o]);
    let (th, tv, td) = (ds.h[o], ds.v[o], ds.d[o]);
    let kh = clamp01(divs(th, oh + eps));
    let kv = clamp01(divs(tv, ov + eps));
    let kd = clamp01(divs(td, od + eps));
    let (rst_h, rst_v, rst_d) = (kh * oh, kv * ov, kd * od);
    let ot_dp = oh * th + ov * tv;
    let o_mag_sq = oh * oh + ov * ov;
    let t_mag_sq = th * th + tv * tv;
    let flag = ot_dp >= 0.0 && ot_dp * ot_dp >= cos_sq * o_mag_sq * t_mag_sq;
    let rst_h = limit(rst_h, th, flag);
    let rst_v = limit(rst_v, tv, flag);
    let rst_d = limit(rst_d, td, flag);
    r.h[o] = rst_h;
    r.v[o] = rst_v;
    r.d[o] = rst_d;
    a.h[o] = th - rst_h;
    a.v[o] = tv - rst_v;
    a.d[o] = td - rst_d;
}

/// `adm_csf_s`: weights each band by its CSF factor into `dst` and writes `|dst|/30` into
/// `flt` (the masking filter input), over the filter region.
#[allow(clippy::too_many_arguments)]
pub fn csf(
    src: &Bands,
    dst: &mut Bands,
    flt: &mut Bands,
    rfactor: &[f32; 3],
    w: usize,
    h: usize,
    stride: usize,
    border_factor: f64,
) {
    let (left, top, right, bottom) = filter_region(w, h, border_factor);
    let srcs = src.hvd();
    let dsts = [&mut dst.h, &mut dst.v, &mut dst.d];
    let flts = [&mut flt.h, &mut flt.v, &mut flt.d];
    for (((s, d), f), rf) in srcs.iter().zip(dsts).zip(flts).zip(rfactor) {
        for i in top..bottom {
            for j in left..right {
                let o = i * stride + j;
                let v = rf * s[o];
                d[o] = v;
                f[o] = (ONE_BY_30 * v.abs() as f64) as f32;
            }
        }
    }
}

/// `x^p` as libvmaf accumulates it: `x·x·x` for p = 3, else `powf(x, (float)p)`.
#[inline]
fn pnorm_term(x: f32, p_norm: f64) -> f32 {
    if p_norm == 3.0 {
        x * x * x
    } else {
        x.powf(p_norm as f32)
    }
}

/// `get_noise_constant`: `powf(w·h·weight, 1/p)`.
fn noise_constant(w: i32, h: i32, weight: f64, p_norm: f64) -> f32 {
    (((w * h) as f64 * weight) as f32).powf((1.0 / p_norm) as f32)
}

/// `adm_csf_den_scale_s`: the denominator of one scale, from the CSF-weighted reference bands.
#[allow(clippy::too_many_arguments)]
pub fn csf_den_scale(
    src: &Bands,
    rfactor: &[f32; 3],
    w: usize,
    h: usize,
    stride: usize,
    border_factor: f64,
    noise_weight: f64,
    p_norm: f64,
) -> f32 {
    let (left, top, right, bottom) = score_region(w, h, border_factor);
    let mut acc = [0.0f32; 3];
    for i in top..bottom {
        let mut inner = [0.0f32; 3];
        for j in left..right {
            let o = i as usize * stride + j as usize;
            for (t, band) in src.hvd().iter().enumerate() {
                let x = (rfactor[t] * band[o]).abs();
                inner[t] += pnorm_term(x, p_norm);
            }
        }
        for t in 0..3 {
            acc[t] += inner[t];
        }
    }
    let inv_p = (1.0 / p_norm) as f32;
    let noise = || noise_constant(right - left, bottom - top, noise_weight, p_norm);
    let dh = acc[0].powf(inv_p) + noise();
    let dv = acc[1].powf(inv_p) + noise();
    let dd = acc[2].powf(inv_p) + noise();
    dh + dv + dd
}

/// The three rows (or columns) of the 3×3 masking window around `i` in `0..n`: neighbours
/// mirror to `1` at the start and repeat `n-1` at the end (adm_tools.h ADM_CM_THRESH_S_*).
#[inline]
fn window(i: usize, n: usize) -> [usize; 3] {
    if i == 0 {
        [1, 0, 1]
    } else if i == n - 1 {
        [n - 2, n - 1, n - 1]
    } else {
        [i - 1, i, i + 1]
    }
}

/// Masking threshold at (i, j): per band, the sum in `f32` of the eight neighbours of `flt`
/// and `|csf|/15` (a double product) at the centre, in row-major order; summed over bands.
#[inline]
fn cm_threshold(
    csf: [&[f32]; 3],
    flt: [&[f32]; 3],
    stride: usize,
    rows: [usize; 3],
    cols: [usize; 3],
) -> f32 {
    let mut thr = 0.0f32;
    for (c, f) in csf.iter().zip(flt) {
        let mut sum = 0.0f32;
        for (ri, &r) in rows.iter().enumerate() {
            for (ci, &col) in cols.iter().enumerate() {
                if ri == 1 && ci == 1 {
                    sum = (sum as f64 + ONE_BY_15 * c[r * stride + col].abs() as f64) as f32;
                } else {
                    sum += f[r * stride + col];
                }
            }
        }
        thr += sum;
    }
    thr
}

/// Parameters of one contrast-masking pass.
#[derive(Debug, Clone, Copy)]
pub struct CmParams {
    /// Band width and height at this scale.
    pub w: usize,
    /// Band height.
    pub h: usize,
    /// Row pitch of every band buffer.
    pub stride: usize,
    /// `ADM_BORDER_FACTOR`.
    pub border_factor: f64,
    /// `adm_noise_weight` (0 for the AIM pass).
    pub noise_weight: f64,
    /// `adm_bypass_cm`: no masking threshold.
    pub bypass: bool,
    /// `adm_p_norm`.
    pub p_norm: f64,
}

/// `adm_cm_s`: p-norm of the CSF-weighted `src` bands after subtracting the masking threshold
/// computed from `csf_a` (centre) and `csf_f` (neighbours), over the scoring region.
pub fn cm(src: &Bands, csf_f: &Bands, csf_a: &Bands, rfactor: &[f32; 3], p: &CmParams) -> f32 {
    cm_rows(
        src,
        csf_f,
        csf_a,
        rfactor,
        p,
        |i, rows, cols, inner: &mut [f32; 3]| {
            for j in cols {
                let terms = cm_terms(src, csf_f, csf_a, rfactor, p, i, rows, j);
                for t in 0..3 {
                    inner[t] += terms[t];
                }
            }
        },
    )
}

/// The three per-band p-norm terms of `adm_cm_s` at (i, j) (`rows`: the masking window's rows
/// around `i`).
#[inline]
#[allow(clippy::too_many_arguments)]
pub(super) fn cm_terms(
    src: &Bands,
    csf_f: &Bands,
    csf_a: &Bands,
    rfactor: &[f32; 3],
    p: &CmParams,
    i: usize,
    rows: [usize; 3],
    j: usize,
) -> [f32; 3] {
    let o = i * p.stride + j;
    let thr = if p.bypass {
        0.0
    } else {
        cm_threshold(csf_a.hvd(), csf_f.hvd(), p.stride, rows, window(j, p.w))
    };
    let bands = src.hvd();
    std::array::from_fn(|t| {
        let x = (bands[t][o] * rfactor[t]).abs() - thr;
        let x = if x < 0.0 { 0.0 } else { x };
        pnorm_term(x, p.p_norm)
    })
}

/// The row and column walk of `adm_cm_s` and its pooling: for every row `i` of the scoring
/// region (edge rows with their mirrored masking window), the per-band row sums start at 0,
/// take the left edge column's terms, then `interior(i, rows, cols, sums)` adds the interior
/// columns' terms in column order, then the right edge column's; the row sums add up per band
/// and the p-th roots plus the noise floor give the result.
pub(super) fn cm_rows(
    src: &Bands,
    csf_f: &Bands,
    csf_a: &Bands,
    rfactor: &[f32; 3],
    p: &CmParams,
    mut interior: impl FnMut(usize, [usize; 3], std::ops::Range<usize>, &mut [f32; 3]),
) -> f32 {
    let (w, h) = (p.w, p.h);
    let (left, top, right, bottom) = score_region(w, h, p.border_factor);
    let (wi, hi) = (w as i32, h as i32);
    let start_col = left.max(1) as usize;
    let end_col = right.min(wi - 1) as usize;
    let start_row = top.max(1) as usize;
    let end_row = bottom.min(hi - 1) as usize;
    // Columns in libvmaf's order: the left edge, the interior, the right edge.
    let first_col = left <= 0;
    let last_col = right > wi - 1;
    let mut acc = [0.0f32; 3];
    let mut row = |i: usize, acc: &mut [f32; 3]| {
        let rows = window(i, h);
        let mut inner = [0.0f32; 3];
        let edge = |j: usize, inner: &mut [f32; 3]| {
            let terms = cm_terms(src, csf_f, csf_a, rfactor, p, i, rows, j);
            for t in 0..3 {
                inner[t] += terms[t];
            }
        };
        if first_col {
            edge(0, &mut inner);
        }
        interior(i, rows, start_col..end_col.max(start_col), &mut inner);
        if last_col {
            edge(w - 1, &mut inner);
        }
        for t in 0..3 {
            acc[t] += inner[t];
        }
    };
    if top <= 0 {
        row(0, &mut acc);
    }
    for i in start_row..end_row {
        row(i, &mut acc);
    }
    if bottom > hi - 1 {
        row(h - 1, &mut acc);
    }
    let inv_p = (1.0 / p.p_norm) as f32;
    let noise = || noise_constant(right - left, bottom - top, p.noise_weight, p.p_norm);
    let nh = acc[0].powf(inv_p) + noise();
    let nv = acc[1].powf(inv_p) + noise();
    let nd = acc[2].powf(inv_p) + noise();
    nh + nv + nd
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dwt_index_mirroring() {
        let mut ind = vec![[0usize; 4]; 3];
        dwt_indices(5, &mut ind);
        assert_eq!(ind[0], [1, 0, 1, 2]);
        assert_eq!(ind[1], [1, 2, 3, 4]);
        assert_eq!(ind[2], [3, 4, 4, 3]);
        let mut ind = vec![[0usize; 4]; 2];
        dwt_indices(4, &mut ind);
        assert_eq!(ind[1], [1, 2, 3, 3]);
    }

    #[test]
    fn masking_window() {
        assert_eq!(window(0, 5), [1, 0, 1]);
        assert_eq!(window(4, 5), [3, 4, 4]);
        assert_eq!(window(2, 5), [1, 2, 3]);
    }
}
