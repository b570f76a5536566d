//! Portable fast kernels of integer VIF (the `Scalar` CPU level), bit-exact with the oracle in
//! [`super::scalar`].
//!
//! Same arithmetic and the same integer widths as the oracle, restructured for speed only:
//!
//! * Filters run tap by tap over chunks of [`CHUNK`] columns held in accumulator arrays (the
//!   oracle runs all taps per pixel through slices of row slices), so the inner loops are
//!   straight-line, free of bounds checks and vectorised by the compiler on any target
//!   (SSE2, NEON, ...).
//! * 8-bit samples accumulate their squares in 32 bits (Σf·p² < 2¹⁶·255² < 2³²), the width
//!   libvmaf's 8-bit path uses; deeper samples keep the oracle's 64-bit sums.
//! * The per-pixel term is the oracle's own function.

use super::scalar::{
    den_term, log2_table, num_term, pad_row, pixel_term, vertical_shifts, VifAccum, FILTERS,
    MAX_HALF,
};
use super::{PlanePair, RefStats, Scratch};
use std::ops::Range;

/// Columns filtered per pass: keeps the accumulators in L1 (5 arrays of at most 8 bytes).
pub const CHUNK: usize = 512;

/// Row buffers of the fast kernels.
#[derive(Debug, Clone)]
pub struct FastRows {
    /// Vertical results `mu1 mu2 xx yy xy` with `MAX_HALF` mirrored samples each side.
    rows: [Vec<u32>; 5],
    /// 32-bit accumulators of one chunk.
    acc32: [Vec<u32>; 5],
    /// 64-bit accumulators of one chunk (squares of deep samples, horizontal squares).
    acc64: [Vec<u64>; 3],
}

impl FastRows {
    /// Buffers for rows up to `width` samples.
    pub fn new(width: usize) -> Self {
        let row = || vec![0u32; width + 2 * MAX_HALF];
        FastRows {
            rows: [row(), row(), row(), row(), row()],
            acc32: std::array::from_fn(|_| vec![0u32; CHUNK]),
            acc64: std::array::from_fn(|_| vec![0u64; CHUNK]),
        }
    }
}

/// Sample types: whether squares of a filter's worth of samples fit 32 bits.
pub trait Sample: Copy + Into<u32> {
    /// `true` when Σf·p² < 2³² for every sample value (8-bit samples).
    const NARROW: bool;
}

impl Sample for u8 {
    const NARROW: bool = true;
}

impl Sample for u16 {
    const NARROW: bool = false;
}

/// Vertical pass of one output row over columns `c0..c0 + n`: the oracle's sums and
/// round-shifts, written to `out` at `MAX_HALF + c0`.
#[allow(clippy::too_many_arguments)]
fn vertical_chunk<T: Sample>(
    rows_r: &[&[T]],
    rows_d: &[&[T]],
    filt: &[u16],
    c0: usize,
    n: usize,
    shifts: (u32, u32, u64, u32),
    f: &mut FastRows,
) {
    let (mu_add, mu_shift, sq_add, sq_shift) = shifts;
    let [a_mu1, a_mu2, a_xx, a_yy, a_xy] = &mut f.acc32;
    let (a_mu1, a_mu2) = (&mut a_mu1[..n], &mut a_mu2[..n]);
    a_mu1.fill(0);
    a_mu2.fill(0);
    let o = MAX_HALF + c0;
    let [mu1, mu2, xx, yy, xy] = &mut f.rows;
    if T::NARROW {
        let (a_xx, a_yy, a_xy) = (&mut a_xx[..n], &mut a_yy[..n], &mut a_xy[..n]);
        a_xx.fill(0);
        a_yy.fill(0);
        a_xy.fill(0);
        for (k, &ft) in filt.iter().enumerate() {
            let ft = ft as u32;
            let (r, d) = (&rows_r[k][c0..c0 + n], &rows_d[k][c0..c0 + n]);
            for j in 0..n {
                let (rv, dv): (u32, u32) = (r[j].into(), d[j].into());
                let (fr, fd) = (ft * rv, ft * dv);
                a_mu1[j] = a_mu1[j].wrapping_add(fr);
                a_mu2[j] = a_mu2[j].wrapping_add(fd);
                a_xx[j] += fr * rv;
                a_yy[j] += fd * dv;
                a_xy[j] += fr * dv;
            }
        }
        for j in 0..n {
            xx[o + j] = ((a_xx[j] as u64 + sq_add) >> sq_shift) as u32;
            yy[o + j] = ((a_yy[j] as u64 + sq_add) >> sq_shift) as u32;
            xy[o + j] = ((a_xy[j] as u64 + sq_add) >> sq_shift) as u32;
        }
    } else {
        let [a_xx, a_yy, a_xy] = &mut f.acc64;
        let (a_xx, a_yy, a_xy) = (&mut a_xx[..n], &mut a_yy[..n], &mut a_xy[..n]);
        a_xx.fill(0);
        a_yy.fill(0);
        a_xy.fill(0);
        for (k, &ft) in filt.iter().enumerate() {
            let ft = ft as u32;
            let (r, d) = (&rows_r[k][c0..c0 + n], &rows_d[k][c0..c0 + n]);
            for j in 0..n {
                let (rv, dv): (u32, u32) = (r[j].into(), d[j].into());
                let (fr, fd) = (ft.wrapping_mul(rv), ft.wrapping_mul(dv));
                a_mu1[j] = a_mu1[j].wrapping_add(fr);
                a_mu2[j] = a_mu2[j].wrapping_add(fd);
                a_xx[j] += fr as u64 * rv as u64;
                a_yy[j] += fd as u64 * dv as u64;
                a_xy[j] += fr as u64 * dv as u64;
            }
        }
        for j in 0..n {
            xx[o + j] = ((a_xx[j] + sq_add) >> sq_shift) as u32;
            yy[o + j] = ((a_yy[j] + sq_add) >> sq_shift) as u32;
            xy[o + j] = ((a_xy[j] + sq_add) >> sq_shift) as u32;
        }
    }
    for j in 0..n {
        mu1[o + j] = (a_mu1[j].wrapping_add(mu_add) >> mu_shift) as u16 as u32;
        mu2[o + j] = (a_mu2[j].wrapping_add(mu_add) >> mu_shift) as u16 as u32;
    }
}

/// Horizontal pass and per-pixel terms of columns `c0..c0 + n` of the row in `f.rows`.
#[allow(clippy::too_many_arguments)]
fn horizontal_chunk(
    filt: &[u16],
    c0: usize,
    n: usize,
    table: &[u16],
    egl: f64,
    f: &mut FastRows,
    acc: &mut VifAccum,
) {
    let base = MAX_HALF - filt.len() / 2 + c0;
    let [mu1, mu2, xx, yy, xy] = &f.rows;
    let [a_mu1, a_mu2, ..] = &mut f.acc32;
    let (a_mu1, a_mu2) = (&mut a_mu1[..n], &mut a_mu2[..n]);
    let [a_xx, a_yy, a_xy] = &mut f.acc64;
    let (a_xx, a_yy, a_xy) = (&mut a_xx[..n], &mut a_yy[..n], &mut a_xy[..n]);
    a_mu1.fill(0);
    a_mu2.fill(0);
    a_xx.fill(0);
    a_yy.fill(0);
    a_xy.fill(0);
    for (k, &ft) in filt.iter().enumerate() {
        let (ft, ft64) = (ft as u32, ft as u64);
        let s = base + k;
        let (m1, m2) = (&mu1[s..s + n], &mu2[s..s + n]);
        let (x, y, z) = (&xx[s..s + n], &yy[s..s + n], &xy[s..s + n]);
        for j in 0..n {
            a_mu1[j] = a_mu1[j].wrapping_add(ft.wrapping_mul(m1[j]));
            a_mu2[j] = a_mu2[j].wrapping_add(ft.wrapping_mul(m2[j]));
            a_xx[j] += ft64 * x[j] as u64;
            a_yy[j] += ft64 * y[j] as u64;
            a_xy[j] += ft64 * z[j] as u64;
        }
    }
    for j in 0..n {
        pixel_term(
            acc, table, egl, a_mu1[j], a_mu2[j], a_xx[j], a_yy[j], a_xy[j],
        );
    }
}

/// One scale's statistic (see [`super::scalar::vif_statistic`]).
pub fn statistic<T: Sample>(
    p: &PlanePair<'_, T>,
    scale: usize,
    bpc: u32,
    egl: f64,
    s: &mut Scratch,
) -> VifAccum {
    let (w, h) = (p.width(), p.height());
    assert!(w <= s.width(), "scratch narrower than the plane");
    let filt = FILTERS[scale];
    let fw = filt.len();
    let half = fw / 2;
    let shifts = vertical_shifts(scale, bpc);
    // 8-bit squares fit 32 bits only when not shifted (scale 0 at 8 bits: sq_add = 0)
    let table = log2_table();
    let f = &mut s.fast;
    let mut acc = VifAccum::default();
    let mut rows_r: [&[T]; 17] = [&[]; 17];
    let mut rows_d: [&[T]; 17] = [&[]; 17];
    for i in 0..h {
        p.tap_rows(i, fw, &mut rows_r, &mut rows_d);
        for c0 in (0..w).step_by(CHUNK) {
            let n = CHUNK.min(w - c0);
            vertical_chunk(&rows_r[..fw], &rows_d[..fw], filt, c0, n, shifts, f);
        }
        for r in f.rows.iter_mut() {
            pad_row(r, w, half);
        }
        for c0 in (0..w).step_by(CHUNK) {
            let n = CHUNK.min(w - c0);
            horizontal_chunk(filt, c0, n, table, egl, f, &mut acc);
        }
    }
    acc
}

/// Decimation to `to_scale` (see [`super::scalar::decimate`]).
pub fn decimate<T: Sample>(
    p: &PlanePair<'_, T>,
    to_scale: usize,
    bpc: u32,
    dst_ref: &mut [u16],
    dst_dis: &mut [u16],
    s: &mut Scratch,
) {
    decimate_planes::<T, true>(p, to_scale, bpc, dst_ref, dst_dis, s)
}

/// Decimation of the distorted plane of `p` only (the shared-reference path).
pub fn decimate_one<T: Sample>(
    p: &PlanePair<'_, T>,
    to_scale: usize,
    bpc: u32,
    dst: &mut [u16],
    s: &mut Scratch,
) {
    decimate_planes::<T, false>(p, to_scale, bpc, &mut [], dst, s)
}

/// [`decimate`] of both planes (`BOTH`) or of the distorted one (`dst_ref` unused).
fn decimate_planes<T: Sample, const BOTH: bool>(
    p: &PlanePair<'_, T>,
    to_scale: usize,
    bpc: u32,
    dst_ref: &mut [u16],
    dst_dis: &mut [u16],
    s: &mut Scratch,
) {
    let (w, h) = (p.width(), p.height());
    assert!(w <= s.width(), "scratch narrower than the plane");
    let filt = FILTERS[to_scale];
    let fw = filt.len();
    let half = fw / 2;
    let (add, shift) = if to_scale == 1 {
        (1u32 << (bpc - 1), bpc)
    } else {
        (32768, 16)
    };
    let (dw, dh) = (w / 2, h / 2);
    let f = &mut s.fast;
    let mut rows_r: [&[T]; 17] = [&[]; 17];
    let mut rows_d: [&[T]; 17] = [&[]; 17];
    for di in 0..dh {
        p.tap_rows(2 * di, fw, &mut rows_r, &mut rows_d);
        let [vr, vd, ..] = &mut f.rows;
        let [a_r, a_d, ..] = &mut f.acc32;
        for c0 in (0..w).step_by(CHUNK) {
            let n = CHUNK.min(w - c0);
            let (a_r, a_d) = (&mut a_r[..n], &mut a_d[..n]);
            a_r.fill(0);
            a_d.fill(0);
            for (k, &ft) in filt.iter().enumerate() {
                let ft = ft as u32;
                let (r, d) = (&rows_r[k][c0..c0 + n], &rows_d[k][c0..c0 + n]);
                if BOTH {
                    for j in 0..n {
                        a_r[j] = a_r[j].wrapping_add(ft.wrapping_mul(r[j].into()));
                        a_d[j] = a_d[j].wrapping_add(ft.wrapping_mul(d[j].into()));
                    }
                } else {
                    for j in 0..n {
                        a_d[j] = a_d[j].wrapping_add(ft.wrapping_mul(d[j].into()));
                    }
                }
            }
            let o = MAX_HALF + c0;
            for j in 0..n {
                vr[o + j] = (a_r[j].wrapping_add(add) >> shift) as u16 as u32;
                vd[o + j] = (a_d[j].wrapping_add(add) >> shift) as u16 as u32;
            }
        }
        pad_row(vr, w, half);
        pad_row(vd, w, half);
        let base = MAX_HALF - half;
        let planes = [(&*vr, &mut *dst_ref), (&*vd, &mut *dst_dis)];
        for (v, dst) in planes.into_iter().skip(if BOTH { 0 } else { 1 }) {
            let out = &mut dst[di * dw..(di + 1) * dw];
            for (dj, o) in out.iter_mut().enumerate() {
                let src = &v[base + 2 * dj..base + 2 * dj + fw];
                let mut a = 0u32;
                for (&ft, &x) in filt.iter().zip(src) {
                    a = a.wrapping_add((ft as u32).wrapping_mul(x));
                }
                *o = (a.wrapping_add(32768) >> 16) as u16;
            }
        }
    }
}

/// Horizontal pass of the reference streams (`mu1`, `xx`) of columns `c0..c0 + n`: stores the
/// filtered mean and σ₁² at `mu1`/`sigma1` and adds the denominator terms to `acc`.
#[allow(clippy::too_many_arguments)]
fn horizontal_ref_chunk(
    filt: &[u16],
    c0: usize,
    n: usize,
    table: &[u16],
    f: &mut FastRows,
    mu1_out: &mut [u32],
    sigma1_out: &mut [i32],
    acc: &mut VifAccum,
) {
    let base = MAX_HALF - filt.len() / 2 + c0;
    let [mu1, _, xx, ..] = &f.rows;
    let a_mu1 = &mut f.acc32[0][..n];
    let a_xx = &mut f.acc64[0][..n];
    a_mu1.fill(0);
    a_xx.fill(0);
    for (k, &ft) in filt.iter().enumerate() {
        let (ft, ft64) = (ft as u32, ft as u64);
        let s = base + k;
        let (m1, x) = (&mu1[s..s + n], &xx[s..s + n]);
        for j in 0..n {
            a_mu1[j] = a_mu1[j].wrapping_add(ft.wrapping_mul(m1[j]));
            a_xx[j] += ft64 * x[j] as u64;
        }
    }
    let (mu1_out, sigma1_out) = (&mut mu1_out[c0..c0 + n], &mut sigma1_out[c0..c0 + n]);
    for j in 0..n {
        let m = a_mu1[j];
        let mu1_sq = ((m as u64 * m as u64 + (1 << 31)) >> 32) as u32;
        let xx = ((a_xx[j] + 32768) >> 16) as u32;
        let sigma1 = xx.wrapping_sub(mu1_sq) as i32;
        mu1_out[j] = m;
        sigma1_out[j] = sigma1;
        den_term(acc, table, sigma1);
    }
}

/// Horizontal pass of the distorted streams (`mu2`, `yy`, `xy`) of columns `c0..c0 + n` and
/// the numerator terms, with the reference's `mu1`/`sigma1` of [`horizontal_ref_chunk`].
#[allow(clippy::too_many_arguments)]
fn horizontal_dis_chunk(
    filt: &[u16],
    c0: usize,
    n: usize,
    table: &[u16],
    egl: f64,
    f: &mut FastRows,
    mu1_in: &[u32],
    sigma1_in: &[i32],
    acc: &mut VifAccum,
) {
    let base = MAX_HALF - filt.len() / 2 + c0;
    let [_, mu2, _, yy, xy] = &f.rows;
    let a_mu2 = &mut f.acc32[1][..n];
    let [_, a_yy, a_xy] = &mut f.acc64;
    let (a_yy, a_xy) = (&mut a_yy[..n], &mut a_xy[..n]);
    a_mu2.fill(0);
    a_yy.fill(0);
    a_xy.fill(0);
    for (k, &ft) in filt.iter().enumerate() {
        let (ft, ft64) = (ft as u32, ft as u64);
        let s = base + k;
        let (m2, y, z) = (&mu2[s..s + n], &yy[s..s + n], &xy[s..s + n]);
        for j in 0..n {
            a_mu2[j] = a_mu2[j].wrapping_add(ft.wrapping_mul(m2[j]));
            a_yy[j] += ft64 * y[j] as u64;
            a_xy[j] += ft64 * z[j] as u64;
        }
    }
    let (mu1_in, sigma1_in) = (&mu1_in[c0..c0 + n], &sigma1_in[c0..c0 + n]);
    const ROUND32: u64 = 1 << 31;
    for j in 0..n {
        let (m1, m2) = (mu1_in[j] as u64, a_mu2[j] as u64);
        let mu2_sq = ((m2 * m2 + ROUND32) >> 32) as u32;
        let mu1_mu2 = ((m1 * m2 + ROUND32) >> 32) as u32;
        let yy = ((a_yy[j] + 32768) >> 16) as u32;
        let xy = ((a_xy[j] + 32768) >> 16) as u32;
        let sigma2 = (yy.wrapping_sub(mu2_sq) as i32).max(0);
        let sigma12 = xy.wrapping_sub(mu1_mu2) as i32;
        num_term(acc, table, egl, sigma1_in[j], sigma2, sigma12);
    }
}

/// Reference half of one scale's statistic over `rows` (see [`super::StatRefFn`]): σ₁² and
/// the mean per pixel in natural order, and the denominator accumulators.
pub fn stat_ref<T: Sample>(
    p: &PlanePair<'_, T>,
    scale: usize,
    bpc: u32,
    rows: Range<usize>,
    st: &mut RefStats,
    s: &mut Scratch,
) -> VifAccum {
    super::check_band(p, &rows, st, s);
    let w = p.width();
    let filt = FILTERS[scale];
    let fw = filt.len();
    let half = fw / 2;
    let shifts = vertical_shifts(scale, bpc);
    let table = log2_table();
    let f = &mut s.fast;
    let mut den = VifAccum::default();
    let mut rows_r: [&[T]; 17] = [&[]; 17];
    let mut rows_d: [&[T]; 17] = [&[]; 17];
    for (b, i) in rows.enumerate() {
        p.tap_rows(i, fw, &mut rows_r, &mut rows_d);
        // the distorted streams are computed from the reference too, and ignored
        for c0 in (0..w).step_by(CHUNK) {
            let n = CHUNK.min(w - c0);
            vertical_chunk(&rows_r[..fw], &rows_r[..fw], filt, c0, n, shifts, f);
        }
        pad_row(&mut f.rows[0], w, half);
        pad_row(&mut f.rows[2], w, half);
        let row = b * st.stride..b * st.stride + w;
        let (mu1, sigma1) = (&mut st.mu1[row.clone()], &mut st.sigma1[row]);
        for c0 in (0..w).step_by(CHUNK) {
            let n = CHUNK.min(w - c0);
            horizontal_ref_chunk(filt, c0, n, table, f, mu1, sigma1, &mut den);
        }
    }
    den
}

/// Distorted half of one scale's statistic over `rows` (see [`super::StatDisFn`]), given the
/// reference's [`stat_ref`] of the same rows.
#[allow(clippy::too_many_arguments)]
pub fn stat_dis<T: Sample>(
    p: &PlanePair<'_, T>,
    scale: usize,
    bpc: u32,
    egl: f64,
    rows: Range<usize>,
    st: &RefStats,
    s: &mut Scratch,
) -> VifAccum {
    super::check_band(p, &rows, st, s);
    let w = p.width();
    let filt = FILTERS[scale];
    let fw = filt.len();
    let half = fw / 2;
    let shifts = vertical_shifts(scale, bpc);
    let table = log2_table();
    let f = &mut s.fast;
    let mut acc = VifAccum::default();
    let mut rows_r: [&[T]; 17] = [&[]; 17];
    let mut rows_d: [&[T]; 17] = [&[]; 17];
    for (b, i) in rows.enumerate() {
        p.tap_rows(i, fw, &mut rows_r, &mut rows_d);
        for c0 in (0..w).step_by(CHUNK) {
            let n = CHUNK.min(w - c0);
            vertical_chunk(&rows_r[..fw], &rows_d[..fw], filt, c0, n, shifts, f);
        }
        for r in [1, 3, 4] {
            pad_row(&mut f.rows[r], w, half);
        }
        let row = b * st.stride..b * st.stride + w;
        let (mu1, sigma1) = (&st.mu1[row.clone()], &st.sigma1[row]);
        for c0 in (0..w).step_by(CHUNK) {
            let n = CHUNK.min(w - c0);
            horizontal_dis_chunk(filt, c0, n, table, egl, f, mu1, sigma1, &mut acc);
        }
    }
    acc
}
