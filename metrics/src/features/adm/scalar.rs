//! Scalar reference kernels of integer ADM (the oracle for any SIMD twin).
//!
//! Each kernel is one stage of libvmaf's scalar C path (integer_adm.c) over explicit buffers:
//! the db2 DWT (scale 0 from pixels into `i16` bands, scales 1–3 from the previous `a` band
//! into `i32` bands), decoupling, CSF weighting, the CSF denominator and contrast masking.
//! Planes are row-major with an explicit stride (`stride >= width`). Band triples are indexed
//! by orientation `theta`: 0 = h (high-pass vertical), 1 = v, 2 = d, as libvmaf's `angles`.
//!
//! Integer widths, rounding adds, shifts and wraps follow the C code; where C overflows a
//! signed type (undefined behaviour) the kernels reproduce x86-64 gcc's two's-complement
//! result with `wrapping_*` operations.

use super::tables::{DWT_HI, DWT_LO, DWT_LO_SUM};

/// The four bands of one DWT level; `hvd` holds h, v, d in that order.
#[derive(Debug, Clone, Default)]
pub struct Bands<T> {
    /// Low-pass vertical + low-pass horizontal (the next scale's input).
    pub a: Vec<T>,
    /// h (high-pass vertical, low-pass horizontal), v, d.
    pub hvd: [Vec<T>; 3],
}

impl<T: Copy + Default> Bands<T> {
    /// Zeroed bands of `len` samples each.
    pub fn new(len: usize) -> Self {
        Bands {
            a: vec![T::default(); len],
            hvd: [
                vec![T::default(); len],
                vec![T::default(); len],
                vec![T::default(); len],
            ],
        }
    }
}

/// Three orientation planes (h, v, d).
pub type Hvd<T> = [Vec<T>; 3];

/// Zeroed h, v, d planes of `len` samples each.
pub fn hvd<T: Copy + Default>(len: usize) -> Hvd<T> {
    [
        vec![T::default(); len],
        vec![T::default(); len],
        vec![T::default(); len],
    ]
}

/// Source indices of the db2 filter taps for each of the `ceil(n/2)` outputs of a line of `n`
/// samples (integer_adm.c: dwt2_src_indices_filt): output `i` reads `2i-1 .. 2i+2`, with index
/// -1 mirrored to 1 and indices `>= n` mirrored to `2n-1-index`. Needs `n >= 5`.
pub fn dwt_indices(n: usize) -> Vec<[usize; 4]> {
    let half = n.div_ceil(2);
    (0..half)
        .map(|i| {
            if i == 0 {
                return [1, 0, 1, 2];
            }
            let m = |k: usize| if k >= n { 2 * n - k - 1 } else { k };
            [m(2 * i - 1), m(2 * i), m(2 * i + 1), m(2 * i + 2)]
        })
        .collect()
}

/// A sample that can feed the scale-0 DWT (`u8` or `u16`).
pub trait Sample: Copy {
    /// The value as `i32`.
    fn get(self) -> i32;
}
impl Sample for u8 {
    #[inline(always)]
    fn get(self) -> i32 {
        self as i32
    }
}
impl Sample for u16 {
    #[inline(always)]
    fn get(self) -> i32 {
        self as i32
    }
}

/// Scale-0 db2 DWT of a `bpc`-bit plane into `i16` bands (adm_dwt2_8 / adm_dwt2_16, and their
/// `_lo` variants when `lo_only`, which only fill band `a`).
///
/// The vertical pass centres the input (subtracts `46342 * 2^(bpc-1)`) and round-shifts by
/// `bpc` into `tmp_lo`/`tmp_hi` (each at least `w` long); the horizontal pass round-shifts by
/// 16. The vertical low-pass accumulator wraps in `i32` at 16 bits, as in C.
#[allow(clippy::too_many_arguments)]
pub fn dwt_scale0<P: Sample>(
    src: &[P],
    src_stride: usize,
    w: usize,
    bpc: u32,
    ind_y: &[[usize; 4]],
    ind_x: &[[usize; 4]],
    tmp_lo: &mut [i16],
    tmp_hi: &mut [i16],
    out: &mut Bands<i16>,
    out_stride: usize,
    lo_only: bool,
) {
    let shift_v = bpc;
    let add_v = 1i32 << (bpc - 1);
    let dc = DWT_LO_SUM * add_v;
    for (i, iy) in ind_y.iter().enumerate() {
        let rows = iy.map(|r| &src[r * src_stride..r * src_stride + w]);
        for j in 0..w {
            let s = [
                rows[0][j].get(),
                rows[1][j].get(),
                rows[2][j].get(),
                rows[3][j].get(),
            ];
            let mut lo = 0i32;
            for k in 0..4 {
                lo = lo.wrapping_add(DWT_LO[k] * s[k]);
            }
            lo = lo.wrapping_sub(dc);
            tmp_lo[j] = (lo.wrapping_add(add_v) >> shift_v) as i16;
            if !lo_only {
                let mut hi = 0i32;
                for k in 0..4 {
                    hi = hi.wrapping_add(DWT_HI[k] * s[k]);
                }
                tmp_hi[j] = (hi.wrapping_add(add_v) >> shift_v) as i16;
            }
        }
        let o = i * out_stride;
        for (j, ix) in ind_x.iter().enumerate() {
            let lo = ix.map(|c| tmp_lo[c] as i32);
            out.a[o + j] = (filter4(&DWT_LO, &lo).wrapping_add(32768) >> 16) as i16;
            if lo_only {
                continue;
            }
            out.hvd[1][o + j] = (filter4(&DWT_HI, &lo).wrapping_add(32768) >> 16) as i16;
            let hi = ix.map(|c| tmp_hi[c] as i32);
            out.hvd[0][o + j] = (filter4(&DWT_LO, &hi).wrapping_add(32768) >> 16) as i16;
            out.hvd[2][o + j] = (filter4(&DWT_HI, &hi).wrapping_add(32768) >> 16) as i16;
        }
    }
}

#[inline(always)]
fn filter4(taps: &[i32; 4], s: &[i32; 4]) -> i32 {
    let mut acc = 0i32;
    for k in 0..4 {
        acc = acc.wrapping_add(taps[k] * s[k]);
    }
    acc
}

#[inline(always)]
fn filter4_i64(taps: &[i32; 4], s: &[i64; 4]) -> i64 {
    let mut acc = 0i64;
    for k in 0..4 {
        acc = acc.wrapping_add(taps[k] as i64 * s[k]);
    }
    acc
}

/// Rounding (add, shift) of the vertical and horizontal passes at scales 1, 2, 3.
pub(crate) const S123_ROUND: [((i64, u32), (i64, u32)); 3] = [
    ((0, 0), (16384, 15)),
    ((32768, 16), (32768, 16)),
    ((32768, 16), (16384, 15)),
];

/// A band sample that can feed the scale 1–3 DWT (`i16` from scale 0, `i32` after).
pub trait BandSample: Copy {
    /// The value as `i64`.
    fn get(self) -> i64;
}
impl BandSample for i16 {
    #[inline(always)]
    fn get(self) -> i64 {
        self as i64
    }
}
impl BandSample for i32 {
    #[inline(always)]
    fn get(self) -> i64 {
        self as i64
    }
}

/// db2 DWT of the previous scale's `a` band (`w` samples wide) into `i32` bands at `scale`
/// 1..=3 (adm_dwt2_s123_combined, one picture at a time). `i64` accumulators; the per-scale
/// rounding is in `S123_ROUND`.
#[allow(clippy::too_many_arguments)]
pub fn dwt_s123<T: BandSample>(
    src: &[T],
    src_stride: usize,
    w: usize,
    scale: usize,
    ind_y: &[[usize; 4]],
    ind_x: &[[usize; 4]],
    tmp_lo: &mut [i32],
    tmp_hi: &mut [i32],
    out: &mut Bands<i32>,
    out_stride: usize,
) {
    let ((add_v, sh_v), (add_h, sh_h)) = S123_ROUND[scale - 1];
    for (i, iy) in ind_y.iter().enumerate() {
        let rows = iy.map(|r| &src[r * src_stride..r * src_stride + w]);
        for j in 0..w {
            let s = [
                rows[0][j].get(),
                rows[1][j].get(),
                rows[2][j].get(),
                rows[3][j].get(),
            ];
            tmp_lo[j] = (filter4_i64(&DWT_LO, &s).wrapping_add(add_v) >> sh_v) as i32;
            tmp_hi[j] = (filter4_i64(&DWT_HI, &s).wrapping_add(add_v) >> sh_v) as i32;
        }
        let o = i * out_stride;
        for (j, ix) in ind_x.iter().enumerate() {
            let lo = ix.map(|c| tmp_lo[c] as i64);
            let hi = ix.map(|c| tmp_hi[c] as i64);
            out.a[o + j] = (filter4_i64(&DWT_LO, &lo).wrapping_add(add_h) >> sh_h) as i32;
            out.hvd[1][o + j] = (filter4_i64(&DWT_HI, &lo).wrapping_add(add_h) >> sh_h) as i32;
            out.hvd[0][o + j] = (filter4_i64(&DWT_LO, &hi).wrapping_add(add_h) >> sh_h) as i32;
            out.hvd[2][o + j] = (filter4_i64(&DWT_HI, &hi).wrapping_add(add_h) >> sh_h) as i32;
        }
    }
}

/// A rectangle `[top, bottom) x [left, right)` of a band.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region {
    /// First row.
    pub top: usize,
    /// One past the last row.
    pub bottom: usize,
    /// First column.
    pub left: usize,
    /// One past the last column.
    pub right: usize,
}

impl Region {
    /// Number of samples.
    pub fn area(&self) -> usize {
        (self.bottom - self.top) * (self.right - self.left)
    }
}

/// Region of decouple and CSF: the 10% border minus one filter tap, plus two on the far side,
/// clamped to the band (`int left = w * 0.1 - 0.5 - 1; right = w - left + 2`).
pub fn decouple_region(w: usize, h: usize) -> Region {
    let l = (w as f64 * 0.1 - 0.5 - 1.0) as i64;
    let t = (h as f64 * 0.1 - 0.5 - 1.0) as i64;
    let (w, h) = (w as i64, h as i64);
    Region {
        top: t.max(0) as usize,
        bottom: (h - t + 2).min(h) as usize,
        left: l.max(0) as usize,
        right: (w - l + 2).min(w) as usize,
    }
}

/// Region of the CSF denominator and contrast masking (`left = w * 0.1 - 0.5; right = w - left`).
pub fn cm_region(w: usize, h: usize) -> Region {
    let l = (w as f64 * 0.1 - 0.5) as usize;
    let t = (h as f64 * 0.1 - 0.5) as usize;
    Region {
        top: t,
        bottom: h - t,
        left: l,
        right: w - l,
    }
}

/// Whether the angle between (oh, ov) and (th, tv) is under one degree, evaluated as libvmaf
/// does: `i64` dot products converted to `f32`, then divided and multiplied in `f64`. (At
/// scales 1-3 two products of full-range `i32` values can exceed `i64`, UB in C: they wrap.)
#[inline(always)]
pub(crate) fn angle_flag(oh: i64, ov: i64, th: i64, tv: i64, cos1_sq: f32) -> bool {
    let dot = |a: i64, b: i64, c: i64, d: i64| (a * b).wrapping_add(c * d);
    let (ot, oo, tt) = (
        dot(oh, th, ov, tv),
        dot(oh, oh, ov, ov),
        dot(th, th, tv, tv),
    );
    let ot = (ot as f32) as f64 / 4096.0;
    let oo = (oo as f32) as f64 / 4096.0;
    let tt = (tt as f32) as f64 / 4096.0;
    ot >= 0.0 && ot * ot >= cos1_sq as f64 * oo * tt
}

/// `f32(cos(1°)²)` as libvmaf computes it.
pub fn cos_1deg_sq() -> f32 {
    let c = (1.0f64 * std::f64::consts::PI / 180.0).cos();
    (c * c) as f32
}

/// Scale-0 decoupling (adm_decouple) over `decouple_region`: splits the distorted h/v/d bands
/// into a restored part `r` (the reference scaled by `k = clamp(t/o, 0, 1)`, enhanced up to
/// `egl` when the angle test passes) and the additive impairment `a = t - r`.
#[allow(clippy::too_many_arguments)]
pub fn decouple_scale0(
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
    let reg = decouple_region(w, h);
    for i in reg.top..reg.bottom {
        for j in reg.left..reg.right {
            let p = i * stride + j;
            let o = [rf.hvd[0][p], rf.hvd[1][p], rf.hvd[2][p]];
            let t = [df.hvd[0][p], df.hvd[1][p], df.hvd[2][p]];
            let flag = angle_flag(o[0] as i64, o[1] as i64, t[0] as i64, t[1] as i64, cos1_sq);
            for theta in 0..3 {
                let (o, t) = (o[theta] as i32, t[theta] as i32);
                let k = if o == 0 {
                    32768
                } else {
                    ((div_lookup[(o + 32768) as usize] as i64 * t as i64 + 16384) >> 15) as i32
                };
                let k = k.clamp(0, 32768);
                let mut rst = ((k * o + 16384) >> 15) as i16;
                // The sign of libvmaf's float (k / 32768) * (o / 64) is that of k * o (k >= 0).
                if flag && k > 0 && o > 0 {
                    rst = c_min(rst as f64 * egl, t as f64) as i16;
                } else if flag && k > 0 && o < 0 {
                    rst = c_max(rst as f64 * egl, t as f64) as i16;
                }
                r[theta][p] = rst;
                a[theta][p] = (t - rst as i32) as i16;
            }
        }
    }
}

#[inline(always)]
fn c_min(x: f64, y: f64) -> f64 {
    if x < y {
        x
    } else {
        y
    }
}

#[inline(always)]
fn c_max(x: f64, y: f64) -> f64 {
    if x > y {
        x
    } else {
        y
    }
}

/// libvmaf's `get_best15_from32`: `|o| >= 32768` scaled down to 15 bits (rounded), and the shift.
#[inline(always)]
pub(crate) fn best15_from32(v: u32) -> (u32, u32) {
    let k = 17 - v.leading_zeros();
    (((v + (1u32 << (k - 1))) >> k) as u16 as u32, k)
}

/// Scale 1–3 decoupling (adm_decouple_s123): as [`decouple_scale0`] on `i32` bands; reference
/// values of 15 bits or more are normalised with `get_best15_from32` before the table lookup.
#[allow(clippy::too_many_arguments)]
pub fn decouple_s123(
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
    let reg = decouple_region(w, h);
    for i in reg.top..reg.bottom {
        for j in reg.left..reg.right {
            let p = i * stride + j;
            let o = [rf.hvd[0][p], rf.hvd[1][p], rf.hvd[2][p]];
            let t = [df.hvd[0][p], df.hvd[1][p], df.hvd[2][p]];
            let flag = angle_flag(o[0] as i64, o[1] as i64, t[0] as i64, t[1] as i64, cos1_sq);
            for theta in 0..3 {
                let (o, t) = (o[theta], t[theta]);
                let abs_o = o.unsigned_abs();
                let (msb, shift) = if abs_o < 32768 {
                    (abs_o, 0)
                } else {
                    best15_from32(abs_o)
                };
                let sign: i64 = if o < 0 { -1 } else { 1 };
                let k: i64 = if o == 0 {
                    32768
                } else {
                    // `1 << (14 + shift)` is an int in C (it would wrap at shift 17).
                    let round = (1i32 << (14 + shift)) as i64;
                    ((div_lookup[(msb + 32768) as usize] as i64 * t as i64)
                        .wrapping_mul(sign)
                        .wrapping_add(round))
                        >> (15 + shift)
                };
                let k = k.clamp(0, 32768);
                let mut rst = ((k * o as i64 + 16384) >> 15) as i32;
                if flag && k > 0 && o > 0 {
                    rst = c_min(rst as f64 * egl, t as f64) as i32;
                } else if flag && k > 0 && o < 0 {
                    rst = c_max(rst as f64 * egl, t as f64) as i32;
                }
                r[theta][p] = rst;
                a[theta][p] = t.wrapping_sub(rst);
            }
        }
    }
}

/// Scale-0 CSF weighting (adm_csf) over `decouple_region`: `dst = (rfactor * src + add) >> sh`
/// with (16384, 15) for h, v and (65535, 17) for d, and the masking filter input
/// `flt = (4369 * |dst| + 2048) >> 12` (about |dst| / 30 in the Q of the CM threshold).
pub fn csf_scale0(
    src: &Hvd<i16>,
    stride: usize,
    w: usize,
    h: usize,
    rfactor: [u16; 3],
    dst: &mut Hvd<i16>,
    flt: &mut Hvd<i16>,
) {
    const ROUND: [(i32, u32); 3] = [(16384, 15), (16384, 15), (65535, 17)];
    let reg = decouple_region(w, h);
    for theta in 0..3 {
        let (add, sh) = ROUND[theta];
        let rf = rfactor[theta] as i32;
        for i in reg.top..reg.bottom {
            let row = i * stride;
            for j in reg.left..reg.right {
                let v = rf * src[theta][row + j] as i32;
                let d = (v.wrapping_add(add) >> sh) as i16;
                dst[theta][row + j] = d;
                flt[theta][row + j] = ((4369 * (d as i32).abs() + 2048) >> 12) as i16;
            }
        }
    }
}

/// libvmaf's scale 1–3 rounding add before `>> 32`: `(int32_t)(1u << 31)`, i.e. -2^31, so
/// these "rounded" divisions by 2^32 actually floor `x / 2^32 - 1/2`.
pub(crate) const ADD_SHIFT_32: i64 = i32::MIN as i64;

/// `(rfactor * v + 2^27) >> 28` in `i64`, narrowed to `i32` (scale 1–3 CSF weighting).
#[inline(always)]
pub(crate) fn weight_s123(v: i32, rfactor: u32) -> i32 {
    ((rfactor as i64 * v as i64).wrapping_add(1 << 27) >> 28) as i32
}

/// Scale 1–3 CSF weighting (i4_adm_csf): `dst = (rfactor * src + 2^27) >> 28` and
/// `flt = (143165577 * |dst| - 2^31) >> 32` (143165577 = 2^32 / 30).
#[allow(clippy::too_many_arguments)]
pub fn csf_s123(
    src: &Hvd<i32>,
    stride: usize,
    w: usize,
    h: usize,
    rfactor: [u32; 3],
    dst: &mut Hvd<i32>,
    flt: &mut Hvd<i32>,
) {
    let reg = decouple_region(w, h);
    for theta in 0..3 {
        let rf = rfactor[theta];
        for i in reg.top..reg.bottom {
            let row = i * stride;
            for j in reg.left..reg.right {
                let d = weight_s123(src[theta][row + j], rf);
                dst[theta][row + j] = d;
                flt[theta][row + j] = ((143165577i64 * d.wrapping_abs() as i64)
                    .wrapping_add(ADD_SHIFT_32)
                    >> 32) as i32;
            }
        }
    }
}

/// `ceil(log2(x))` as libvmaf computes it (in `f64`).
#[inline]
pub(crate) fn ceil_log2(x: f64) -> f64 {
    x.log2().ceil()
}

/// libvmaf's `(uint32_t)pow(2, shift - 1)` rounding add for a `uint32_t` shift.
#[inline]
pub(crate) fn pow2_add(shift: u32) -> u32 {
    2f64.powf(shift.wrapping_sub(1) as f64) as u32
}

/// Sum of powf(x, 1/3) + powf(area * nw, 1/3) over h, v, d, in `f32` as libvmaf adds it.
pub(crate) fn cube_root_sum(vals: [f32; 3], area: usize, nw: f64) -> f32 {
    let add = ((area as f64 * nw) as f32).powf(1.0f32 / 3.0);
    let h = vals[0].powf(1.0f32 / 3.0) + add;
    let v = vals[1].powf(1.0f32 / 3.0) + add;
    let d = vals[2].powf(1.0f32 / 3.0) + add;
    h + v + d
}

/// Scale-0 CSF denominator (adm_csf_den_scale) of the reference bands over `cm_region`:
/// per orientation the sum of |b|^3 (rows round-shifted to fit `u64`), times `factor^3`
/// (`rf_cubed[theta]` = `pow(factor, 3)`), turned into a cube-root sum with the noise floor.
pub fn csf_den_scale0(
    bands: &Hvd<i16>,
    stride: usize,
    w: usize,
    h: usize,
    rf_cubed: [f64; 3],
    nw: f64,
) -> f32 {
    let reg = cm_region(w, h);
    let area = reg.area();
    let shift = ((area as f64).log2() - 20.0).ceil() as i32;
    let shift = shift.max(0) as u32;
    let add: u64 = if shift > 0 { 1 << (shift - 1) } else { 0 };
    let mut csf = [0f32; 3];
    for theta in 0..3 {
        let mut accum = 0u64;
        for i in reg.top..reg.bottom {
            let row = &bands[theta][i * stride + reg.left..i * stride + reg.right];
            let mut inner = 0u64;
            for &b in row {
                let m = (b as i32).unsigned_abs() as u64;
                inner = inner.wrapping_add(m * m * m);
            }
            accum = accum.wrapping_add(inner.wrapping_add(add) >> shift);
        }
        let div = 2f64.powf((18 - shift as i32) as f64);
        csf[theta] = ((accum as f64 / div) * rf_cubed[theta]) as f32;
    }
    cube_root_sum(csf, area, nw)
}

/// Scale 1–3 CSF denominator (adm_csf_den_s123): per pixel `((|b|^2 + 2^sq) >> sq) * |b|`
/// round-shifted by `ceil(log2(region width))` (sq = 31, 30, 31; the add is 2^sq, not
/// 2^(sq-1), as in libvmaf), rows round-shifted by `ceil(log2(region height))`.
pub fn csf_den_s123(
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
    let add_sq = 1u64 << sq;
    let reg = cm_region(w, h);
    let shift_cub = ceil_log2((reg.right - reg.left) as f64) as u32;
    let add_cub = pow2_add(shift_cub) as u64;
    let shift_acc = ceil_log2((reg.bottom - reg.top) as f64) as u32;
    let add_acc = pow2_add(shift_acc) as u64;
    let mut csf = [0f32; 3];
    for theta in 0..3 {
        let mut accum = 0u64;
        for i in reg.top..reg.bottom {
            let row = &bands[theta][i * stride + reg.left..i * stride + reg.right];
            let mut inner = 0u64;
            for &b in row {
                let m = b.unsigned_abs() as u64;
                let v = (((m * m).wrapping_add(add_sq) >> sq).wrapping_mul(m))
                    .wrapping_add(add_cub)
                    >> shift_cub;
                inner = inner.wrapping_add(v);
            }
            accum = accum.wrapping_add(inner.wrapping_add(add_acc) >> shift_acc);
        }
        let e = CONVERT[scale - 1]
            .wrapping_sub(shift_acc)
            .wrapping_sub(shift_cub);
        let div = 2f64.powf(e as f64);
        csf[theta] = ((accum as f64 / div) * rf_cubed[theta]) as f32;
    }
    cube_root_sum(csf, reg.area(), nw)
}

/// Neighbour rows or columns of `i` in a line of `n`: mirrored to index 1 before the start
/// and repeated at the end (the asymmetry of libvmaf's ADM_CM_THRESH_* macros).
#[inline(always)]
pub(crate) fn neighbours(i: usize, n: usize) -> (usize, usize) {
    let lo = if i == 0 { 1 } else { i - 1 };
    let hi = if i == n - 1 { n - 1 } else { i + 1 };
    (lo, hi)
}

/// Sum of the 8 neighbours of (i, j) in `flt` (rows `rows`, columns `cols`).
#[inline(always)]
fn ring_sum<T: Copy + Into<i32>>(
    flt: &[T],
    stride: usize,
    rows: [usize; 3],
    cols: [usize; 3],
) -> i32 {
    let at = |r: usize, c: usize| -> i32 { flt[r * stride + c].into() };
    let mut s = 0i32;
    for (ri, &r) in rows.iter().enumerate() {
        for (ci, &c) in cols.iter().enumerate() {
            if ri == 1 && ci == 1 {
                continue;
            }
            s = s.wrapping_add(at(r, c));
        }
    }
    s
}

/// Scale-0 contrast masking (adm_cm) over `cm_region`.
///
/// The masking threshold at (i, j) is, summed over h, v, d, the 8 neighbours of `csf_flt` plus
/// the centre term `i16((8738 * |csf_dst| + 2048) >> 12)` (narrowed through int16, so it wraps
/// for |csf_dst| >= 15360, as libvmaf's scalar C does). Each orientation's `src * rfactor`
/// loses `thr << 10` (h, v) or `thr << 12` (d), is clipped at 0, cubed with round-shifts and
/// summed; `nw` is the noise weight (0 for AIM).
#[allow(clippy::too_many_arguments)]
pub fn cm_scale0(
    src: &Hvd<i16>,
    csf_dst: &Hvd<i16>,
    csf_flt: &Hvd<i16>,
    stride: usize,
    w: usize,
    h: usize,
    rfactor: [u16; 3],
    nw: f64,
) -> f32 {
    let reg = cm_region(w, h);
    let shift_cub_hv = ((w as f64).log2() - 4.0).ceil() as u32;
    let shift_cub_d = ((w as f64).log2() - 3.0).ceil() as u32;
    let shift_cub = [shift_cub_hv, shift_cub_hv, shift_cub_d];
    let add_cub = shift_cub.map(|s| pow2_add(s) as i64);
    let shift_inner = ceil_log2(h as f64) as u32;
    let add_inner = pow2_add(shift_inner) as i64;
    const SHIFT_SUB: [u32; 3] = [10, 10, 12];
    const SQ: [(i64, u32); 3] = [(1 << 28, 29), (1 << 28, 29), (1 << 29, 30)];

    let mut accum = [0i64; 3];
    for i in reg.top..reg.bottom {
        let (up, dn) = neighbours(i, h);
        let mut inner = [0i64; 3];
        for j in reg.left..reg.right {
            let (jl, jr) = neighbours(j, w);
            let p = i * stride + j;
            let mut thr = 0i32;
            for theta in 0..3 {
                let centre = ((8738 * (csf_dst[theta][p] as i32).abs() + 2048) >> 12) as i16;
                let ring = ring_sum(&csf_flt[theta], stride, [up, i, dn], [jl, j, jr]);
                thr = thr.wrapping_add(ring.wrapping_add(centre as i32));
            }
            for theta in 0..3 {
                let x = src[theta][p] as i32 * rfactor[theta] as i32;
                let x = x
                    .abs()
                    .wrapping_sub(thr.wrapping_shl(SHIFT_SUB[theta]))
                    .max(0);
                let (add_sq, sh_sq) = SQ[theta];
                let x_sq = ((x as i64 * x as i64 + add_sq) >> sh_sq) as i32;
                let val = (x_sq as i64 * x as i64 + add_cub[theta]) >> shift_cub[theta];
                inner[theta] = inner[theta].wrapping_add(val);
            }
        }
        for theta in 0..3 {
            accum[theta] =
                accum[theta].wrapping_add(inner[theta].wrapping_add(add_inner) >> shift_inner);
        }
    }
    const CONVERT: [u32; 3] = [52, 52, 57];
    let f = [0, 1, 2].map(|t| {
        let e = CONVERT[t]
            .wrapping_sub(shift_cub[t])
            .wrapping_sub(shift_inner);
        (accum[t] as f64 / 2f64.powf(e as f64)) as f32
    });
    cube_root_sum(f, reg.area(), nw)
}

/// Scale 1–3 contrast masking (i4_adm_cm) over `cm_region`: as [`cm_scale0`] on `i32` bands,
/// with `x = (src * rfactor + 2^27) >> 28`, centre term `(286331153 * |c| - 2^31) >> 32`
/// (286331153 = 2^32 / 15), no threshold shift, `x^2` round-shifted by 30, the cube by
/// `ceil(log2(w))`, and the `i64` totals converted to `f32` before dividing by the `f32`
/// `2^({45, 39, 36}[scale-1] - shifts)`.
#[allow(clippy::too_many_arguments)]
pub fn cm_s123(
    src: &Hvd<i32>,
    csf_dst: &Hvd<i32>,
    csf_flt: &Hvd<i32>,
    stride: usize,
    w: usize,
    h: usize,
    scale: usize,
    rfactor: [u32; 3],
    nw: f64,
) -> f32 {
    let reg = cm_region(w, h);
    let shift_cub = ceil_log2(w as f64) as u32;
    let add_cub = pow2_add(shift_cub) as i64;
    let shift_inner = ceil_log2(h as f64) as u32;
    let add_inner = pow2_add(shift_inner) as i64;
    const CONVERT: [u32; 3] = [45, 39, 36];
    let e = CONVERT[scale - 1]
        .wrapping_sub(shift_cub)
        .wrapping_sub(shift_inner);
    let final_shift = 2f64.powf(e as f64) as f32;

    let mut accum = [0i64; 3];
    for i in reg.top..reg.bottom {
        let (up, dn) = neighbours(i, h);
        let mut inner = [0i64; 3];
        for j in reg.left..reg.right {
            let (jl, jr) = neighbours(j, w);
            let p = i * stride + j;
            let mut thr = 0i32;
            for theta in 0..3 {
                let c = csf_dst[theta][p].wrapping_abs() as i64;
                let centre = ((286331153i64 * c).wrapping_add(ADD_SHIFT_32) >> 32) as i32;
                let ring = ring_sum(&csf_flt[theta], stride, [up, i, dn], [jl, j, jr]);
                thr = thr.wrapping_add(ring.wrapping_add(centre));
            }
            for theta in 0..3 {
                let x = weight_s123(src[theta][p], rfactor[theta]);
                let x = x.wrapping_abs().wrapping_sub(thr).max(0);
                let x_sq = ((x as i64 * x as i64 + (1 << 29)) >> 30) as i32;
                let val = (x_sq as i64 * x as i64 + add_cub) >> shift_cub;
                inner[theta] = inner[theta].wrapping_add(val);
            }
        }
        for theta in 0..3 {
            accum[theta] =
                accum[theta].wrapping_add(inner[theta].wrapping_add(add_inner) >> shift_inner);
        }
    }
    let f = accum.map(|a| a as f32 / final_shift);
    cube_root_sum(f, reg.area(), nw)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indices_mirror() {
        assert_eq!(
            dwt_indices(6),
            vec![[1, 0, 1, 2], [1, 2, 3, 4], [3, 4, 5, 5]]
        );
        assert_eq!(
            dwt_indices(5),
            vec![[1, 0, 1, 2], [1, 2, 3, 4], [3, 4, 4, 3]]
        );
    }

    #[test]
    fn regions() {
        // 288-wide band: cm left = int(28.3) = 28, decouple left = 27
        assert_eq!(
            cm_region(288, 162),
            Region {
                top: 15,
                bottom: 147,
                left: 28,
                right: 260
            }
        );
        assert_eq!(
            decouple_region(288, 162),
            Region {
                top: 14,
                bottom: 150,
                left: 27,
                right: 263
            }
        );
        assert_eq!(
            cm_region(3, 3),
            Region {
                top: 0,
                bottom: 3,
                left: 0,
                right: 3
            }
        );
        assert_eq!(
            decouple_region(3, 3),
            Region {
                top: 0,
                bottom: 3,
                left: 0,
                right: 3
            }
        );
    }

    #[test]
    fn best15() {
        assert_eq!(best15_from32(32768), (16384, 1));
        assert_eq!(best15_from32(65535), (32768, 1));
        assert_eq!(best15_from32(1 << 31), (16384, 17));
    }
}
