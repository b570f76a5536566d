//! Scalar reference kernels of integer motion (libvmaf `integer_motion.c`, the "v2"
//! pipelined SAD) and the motion2/motion3 post-processing done at flush.

use crate::frame::{Pixel, Plane};

/// The 5-tap Gaussian blur of `integer_motion.h` (Q16: taps sum to 65536).
pub const FILTER: [i64; 5] = [3571, 16004, 26386, 16004, 3571];

/// Reflect-101 mirroring of `idx` into `0..size` (`-1 → 1`, `size → size - 2`); valid for
/// `size >= 3` and indices at most two outside the range.
#[inline]
pub fn mirror(idx: isize, size: usize) -> usize {
    let size = size as isize;
    if idx < 0 {
        (-idx) as usize
    } else if idx >= size {
        (2 * size - idx - 2) as usize
    } else {
        idx as usize
    }
}

/// Vertical pass of one output row: blurs the column-wise difference `prev - cur` over the
/// five mirrored rows `rows` and writes `round_shift(sum, bpc)` per column into `y_row`.
/// Returns true when any value is non-zero.
///
/// libvmaf accumulates 8-bit input in `i32` and deeper input in `i64`; the 8-bit sums fit in
/// `i32` (|sum| ≤ 255·65536), so one `i64` accumulator gives identical results at every depth.
/// `integer_motion.c`: motion_score_pipeline_8 / motion_score_pipeline_16, first loop.
#[inline]
pub fn diff_blur_rows<T: Pixel>(
    prev: [&[T]; 5],
    cur: [&[T]; 5],
    bpc: u32,
    y_row: &mut [i32],
) -> bool {
    let round = 1i64 << (bpc - 1);
    let mut any = 0i32;
    for (j, y) in y_row.iter_mut().enumerate() {
        let mut acc = 0i64;
        for ((f, p), c) in FILTER.iter().zip(&prev).zip(&cur) {
            let (p, c): (u32, u32) = (p[j].into(), c[j].into());
            acc += f * (p as i64 - c as i64);
        }
        let v = ((acc + round) >> bpc) as i32;
        *y = v;
        any |= v;
    }
    any != 0
}

/// Horizontal pass of one row plus the absolute sum: blurs `y_row` with mirrored columns,
/// rounds by 2^16 and sums `|v|` in a wrapping `u32` (as libvmaf's `row_sad`).
#[inline]
pub fn blur_row_sad(y_row: &[i32]) -> u32 {
    let w = y_row.len();
    let tap = |j: usize| -> i32 {
        let mut acc = 0i64;
        if j >= 2 && j + 2 < w {
            for (f, &y) in FILTER.iter().zip(&y_row[j - 2..j + 3]) {
                acc += f * y as i64;
            }
        } else {
            for (k, f) in FILTER.iter().enumerate() {
                let col = mirror(j as isize - 2 + k as isize, w);
                acc += f * y_row[col] as i64;
            }
        }
        ((acc + 32768) >> 16) as i32
    };
    let mut row_sad = 0u32;
    for j in 0..w {
        row_sad = row_sad.wrapping_add(tap(j).unsigned_abs());
    }
    row_sad
}

/// Sum of absolute values of the blurred difference `prev - cur` over the whole plane
/// (`integer_motion.c`: motion_score_pipeline_8/_16). The result is 256× the 8-bit-equivalent
/// sum at every bit depth. `y_row` is scratch of at least `prev.width()` entries; both planes
/// must have the same size, at least 3×3.
pub fn motion_sad<T: Pixel>(
    prev: &Plane<'_, T>,
    cur: &Plane<'_, T>,
    bpc: u32,
    y_row: &mut [i32],
) -> u64 {
    let (w, h) = (prev.width(), prev.height());
    debug_assert!(cur.width() == w && cur.height() == h && w >= 3 && h >= 3);
    let y_row = &mut y_row[..w];
    let mut sad = 0u64;
    for i in 0..h {
        let r = |k: usize| mirror(i as isize - 2 + k as isize, h);
        let rows = [r(0), r(1), r(2), r(3), r(4)];
        let p = rows.map(|y| prev.row(y));
        let c = rows.map(|y| cur.row(y));
        if !diff_blur_rows(p, c, bpc, y_row) {
            continue;
        }
        sad += blur_row_sad(y_row) as u64;
    }
    sad
}

/// The per-frame score from a SAD: `min(sad / 256 / (w·h) · fps_weight, max_val)`, evaluated
/// left to right in `f64` with `w·h` as a (wrapping) unsigned 32-bit product.
pub fn sad_score(sad: u64, w: usize, h: usize, fps_weight: f64, max_val: f64) -> f64 {
    let area = (w as u32).wrapping_mul(h as u32);
    let s = sad as f64 / 256.0 / area as f64 * fps_weight;
    c_min(s, max_val)
}

/// C's `MIN(x, y)`: `x < y ? x : y`.
#[inline]
pub fn c_min(x: f64, y: f64) -> f64 {
    if x < y {
        x
    } else {
        y
    }
}

/// `motion_blend_tools.h`: `x·factor + (1 − factor)·min(offset, x)`.
#[inline]
pub fn motion_blend(x: f64, factor: f64, offset: f64) -> f64 {
    x * factor + (1.0 - factor) * c_min(offset, x)
}

/// Parameters of the motion2/motion3 post-processing.
#[derive(Debug, Clone, Copy)]
pub struct PostParams {
    /// Five-frame window (`motion_five_frame_window`).
    pub five_frame_window: bool,
    /// Moving average of motion3 (`motion_moving_average`).
    pub moving_average: bool,
    /// `motion_blend_factor`.
    pub blend_factor: f64,
    /// `motion_blend_offset`.
    pub blend_offset: f64,
    /// `motion_max_val`.
    pub max_val: f64,
}

/// motion2 and motion3 for every frame of the SAD series `sad` (indices `0..sad.len()`, all
/// present), as `integer_motion.c`'s flush computes them. Returns `(motion2, motion3)` pairs.
pub fn motion2_motion3(sad: &[f64], p: &PostParams) -> Vec<(f64, f64)> {
    let n = sad.len();
    let (stride, min_idx) = if p.five_frame_window { (2, 2) } else { (1, 1) };
    let process = |x: f64| c_min(motion_blend(x, p.blend_factor, p.blend_offset), p.max_val);
    let stamp = if n > min_idx {
        process(sad[min_idx])
    } else {
        0.0
    };
    let mut out = Vec::with_capacity(n);
    let mut prev_processed = 0.0;
    for i in 0..n {
        let motion2 = if i < min_idx {
            0.0
        } else {
            let lo = i + 1 - stride;
            match sad.get(i + 1) {
                None => sad[i],
                Some(&hi) if lo >= min_idx => {
                    let lo = sad[lo];
                    if lo < hi {
                        lo
                    } else {
                        hi
                    }
                }
                Some(&hi) => hi,
            }
        };
        let motion3 = if i < min_idx {
            prev_processed = stamp;
            stamp
        } else {
            let processed = process(motion2);
            let m3 = if p.moving_average {
                (processed + prev_processed) / 2.0
            } else {
                processed
            };
            prev_processed = processed;
            m3
        };
        out.push((motion2, motion3));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mirror_is_reflect101() {
        assert_eq!(mirror(-1, 5), 1);
        assert_eq!(mirror(-2, 5), 2);
        assert_eq!(mirror(5, 5), 3);
        assert_eq!(mirror(6, 5), 2);
        assert_eq!(mirror(0, 3), 0);
        assert_eq!(mirror(4, 3), 0);
    }

    #[test]
    fn post_processing_windows() {
        let s = [0.0, 2.0, 5.0, 3.0, 4.0];
        let p = PostParams {
            five_frame_window: false,
            moving_average: false,
            blend_factor: 1.0,
            blend_offset: 40.0,
            max_val: 10000.0,
        };
        let r = motion2_motion3(&s, &p);
        let m2: Vec<f64> = r.iter().map(|x| x.0).collect();
        let m3: Vec<f64> = r.iter().map(|x| x.1).collect();
        assert_eq!(m2, [0.0, 2.0, 3.0, 3.0, 4.0]);
        assert_eq!(m3, [2.0, 2.0, 3.0, 3.0, 4.0]);
        let s = [0.0, 0.0, 6.0, 2.0, 8.0, 1.0];
        let p = PostParams {
            five_frame_window: true,
            moving_average: true,
            ..p
        };
        let r = motion2_motion3(&s, &p);
        let m2: Vec<f64> = r.iter().map(|x| x.0).collect();
        let m3: Vec<f64> = r.iter().map(|x| x.1).collect();
        // i=2: only hi (s3); i=3: min(s2, s4); i=4: min(s3, s5); i=5: last → s5
        assert_eq!(m2, [0.0, 0.0, 2.0, 6.0, 1.0, 1.0]);
        assert_eq!(m3, [6.0, 6.0, 4.0, 4.0, 3.5, 1.0]);
        assert!(motion2_motion3(&[0.0], &p).iter().all(|x| *x == (0.0, 0.0)));
    }
}
