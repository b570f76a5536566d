//! Scalar reference kernels of float motion (libvmaf `float_motion.c`, `motion.c`,
//! `common/convolution.c`, `picture_copy.c` and the bilinear scaler of `vif_tools.c`).
//!
//! Every value is an `f32` as in C, accumulated in the same order; C compiles these files
//! without FMA, so no operation is fused.

// Filter taps are written exactly as in libvmaf's source (rounded to f32 by the compiler).
#![allow(clippy::excessive_precision)]

use crate::frame::{Pixel, Plane};

/// 5-tap Gaussian of `motion_tools.h` (the default, `motion_filter_size` 5).
pub const FILTER_5: [f32; 5] = [
    0.054488685,
    0.244201342,
    0.402619947,
    0.244201342,
    0.054488685,
];
/// 3-tap filter of `motion_tools.h` (`motion_filter_size` 3).
pub const FILTER_3: [f32; 3] = [0.166378498, 0.667243004, 0.166378498];
/// Identity 5-tap filter of `motion_tools.h` (`motion_filter_size` 1).
pub const FILTER_5_NO_OP: [f32; 5] = [0.0, 0.0, 1.0, 0.0, 0.0];

/// `picture_copy.c`: samples to `f32` plus `offset`; 10/12/16-bit samples are first divided
/// by 4/16/256 (scaled to the 8-bit range). `dst` is packed (`width` per row).
pub fn picture_copy<T: Pixel>(src: &Plane<'_, T>, bpc: u32, offset: i32, dst: &mut [f32]) {
    let w = src.width();
    let off = offset as f32;
    let scaler = match bpc {
        10 => Some(4.0f32),
        12 => Some(16.0),
        16 => Some(256.0),
        _ => None,
    };
    for (y, row) in src.rows().enumerate() {
        let out = &mut dst[y * w..(y + 1) * w];
        for (d, &s) in out.iter_mut().zip(row) {
            let v: u32 = s.into();
            *d = match scaler {
                Some(sc) => v as f32 / sc + off,
                None => v as f32 + off,
            };
        }
    }
}

/// Reflect-101 index (`convolution_edge_s`): `-i` below 0, `2(size-1) - i` at or past `size`.
#[inline]
pub(super) fn mirror(i: isize, size: usize) -> usize {
    let n = size as isize;
    if i < 0 {
        (-i) as usize
    } else if i >= n {
        (2 * n - i - 2) as usize
    } else {
        i as usize
    }
}

/// One filtered sample: `acc = 0; acc += f[k]·x[k]` in `f32`, taps at `idx(k)`.
#[inline]
pub(super) fn taps(filter: &[f32], get: impl Fn(usize) -> f32) -> f32 {
    let mut acc = 0.0f32;
    for (k, f) in filter.iter().enumerate() {
        acc += f * get(k);
    }
    acc
}

/// `convolution_f32_c_s`: separable filter with reflect-101 edges, vertical pass into `tmp`
/// then horizontal pass into `dst`. All buffers are packed `w`×`h`.
pub fn convolve(filter: &[f32], src: &[f32], dst: &mut [f32], tmp: &mut [f32], w: usize, h: usize) {
    let r = filter.len() / 2;
    for i in 0..h {
        let row = &mut tmp[i * w..(i + 1) * w];
        if i >= r && i + r < h {
            for (j, t) in row.iter_mut().enumerate() {
                *t = taps(filter, |k| src[(i + k - r) * w + j]);
            }
        } else {
            for (j, t) in row.iter_mut().enumerate() {
                *t = taps(filter, |k| {
                    src[mirror(i as isize + k as isize - r as isize, h) * w + j]
                });
            }
        }
    }
    for i in 0..h {
        let src_row = &tmp[i * w..(i + 1) * w];
        let row = &mut dst[i * w..(i + 1) * w];
        for (j, d) in row.iter_mut().enumerate() {
            *d = if j >= r && j + r < w {
                taps(filter, |k| src_row[j + k - r])
            } else {
                taps(filter, |k| {
                    src_row[mirror(j as isize + k as isize - r as isize, w)]
                })
            };
        }
    }
}

/// `motion.c`: mean absolute difference of two packed `w`×`h` planes: per-row `f32` sums,
/// added into an `f32` total, divided by `w·h` converted to `f32`.
pub fn mean_abs_diff(a: &[f32], b: &[f32], w: usize, h: usize) -> f32 {
    let mut accum = 0.0f32;
    for (ra, rb) in a[..w * h].chunks_exact(w).zip(b[..w * h].chunks_exact(w)) {
        let mut line = 0.0f32;
        for (&x, &y) in ra.iter().zip(rb) {
            line += (x - y).abs();
        }
        accum += line;
    }
    accum / ((w as i32).wrapping_mul(h as i32)) as f32
}

/// Size of the half-scale image used by `motion_add_scale1`: `(int)(n·0.5 + 0.5)`.
pub fn half_size(n: usize) -> usize {
    (n as f64 * 0.5 + 0.5) as usize
}

/// Largest destination width of libvmaf's bilinear scaler (`VIF_BILINEAR_MAX_WIDTH`).
pub const BILINEAR_MAX_WIDTH: usize = 7680;

/// `vif_tools.c`'s float `mirror(i, 0, right)`.
#[inline]
fn mirror_f(i: f32, right: f32) -> f32 {
    if i < 0.0 {
        -i
    } else if i > right {
        2.0 * right - i
    } else {
        i
    }
}

/// Source index pair and weight for one output coordinate of the bilinear scaler.
#[inline]
fn bilinear_coord(x: usize, ratio: f32, src_n: usize) -> (usize, usize, f32) {
    let xx = ((x as f64 + 0.5) * ratio as f64 - 0.5) as f32;
    let right = (src_n - 1) as f32;
    let x1 = mirror_f(xx.floor(), right) as i32;
    let x2 = mirror_f(xx.ceil(), right) as i32;
    (x1 as usize, x2 as usize, xx - x1 as f32)
}

/// `vif_scale_frame_s(vif_scale_bilinear, ...)` on packed planes: `src` is `sw`×`sh`, `dst`
/// `dw`×`dh` (`dw` ≤ [`BILINEAR_MAX_WIDTH`]); same size copies.
pub fn scale_bilinear(src: &[f32], sw: usize, sh: usize, dst: &mut [f32], dw: usize, dh: usize) {
    if sw == dw && sh == dh {
        dst[..dw * dh].copy_from_slice(&src[..sw * sh]);
        return;
    }
    let ratio_x = sw as f32 / dw as f32;
    let ratio_y = sh as f32 / dh as f32;
    for y in 0..dh {
        let (y1, y2, dy) = bilinear_coord(y, ratio_y, sh);
        let r1 = &src[y1 * sw..(y1 + 1) * sw];
        let r2 = &src[y2 * sw..(y2 + 1) * sw];
        for (x, d) in dst[y * dw..(y + 1) * dw].iter_mut().enumerate() {
            let (x1, x2, dx) = bilinear_coord(x, ratio_x, sw);
            *d = (1.0 - dy) * (1.0 - dx) * r1[x1]
                + (1.0 - dy) * dx * r1[x2]
                + dy * (1.0 - dx) * r2[x1]
                + dy * dx * r2[x2];
        }
    }
}

/// `vmaf_image_sad_c`: mean absolute difference at full size, plus (with `add_scale1`) the
/// same at half size after bilinear down-scaling into `s1`/`s2` (scratch of at least
/// `half_size(w)·half_size(h)` each), summed in `f32`.
#[allow(clippy::too_many_arguments)]
pub fn image_sad(
    a: &[f32],
    b: &[f32],
    w: usize,
    h: usize,
    add_scale1: bool,
    s1: &mut [f32],
    s2: &mut [f32],
) -> f32 {
    let m0 = mean_abs_diff(a, b, w, h);
    if !add_scale1 {
        return m0;
    }
    let (sw, sh) = (half_size(w), half_size(h));
    scale_bilinear(a, w, h, s1, sw, sh);
    scale_bilinear(b, w, h, s2, sw, sh);
    let m1 = mean_abs_diff(s1, s2, sw, sh);
    m0 + m1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn convolution_keeps_flat_planes_flat_enough() {
        let (w, h) = (7, 5);
        let src = vec![10.0f32; w * h];
        let mut dst = vec![0.0; w * h];
        let mut tmp = vec![0.0; w * h];
        convolve(&FILTER_5_NO_OP, &src, &mut dst, &mut tmp, w, h);
        assert_eq!(dst, src);
        convolve(&FILTER_5, &src, &mut dst, &mut tmp, w, h);
        assert!(dst.iter().all(|v| (v - 10.0).abs() < 1e-5));
    }

    #[test]
    fn half_sizes_round_up() {
        assert_eq!(half_size(481), 241);
        assert_eq!(half_size(3), 2);
        assert_eq!(half_size(4), 2);
    }
}
