//! Scalar reference kernels of CAMBI (libvmaf `cambi.c` / `cambi.h`, the C path).
//!
//! Every kernel works on 10-bit planes stored like libvmaf's internal `VmafPicture`s: a
//! zero-initialised buffer whose rows are `stride` samples apart, `stride` being the allocated
//! width rounded up to 32 samples. The buffers persist across scales and frames and the
//! kernels modify them in place exactly as libvmaf does, so that the few places where libvmaf
//! reads samples outside the current scale's width (histogram windows wider than a small
//! scale) see the same stale samples.

use super::lut::RECIPROCAL_LUT;

/// libvmaf's `DATA_ALIGN`: picture rows are padded to a multiple of 32 samples.
pub const DATA_ALIGN: usize = 32;
/// Side of the spatial-mask window (`MASK_FILTER_SIZE`).
pub const MASK_FILTER_SIZE: usize = 7;

/// Row stride (in samples) of a libvmaf picture of width `w`.
pub fn aligned_stride(w: usize) -> usize {
    w.div_ceil(DATA_ALIGN) * DATA_ALIGN
}

// ---------------------------------------------------------------------------------------------
// Preprocessing (cambi.c: cambi_preprocessing and the decimate_generic_* helpers)
// ---------------------------------------------------------------------------------------------

/// How a sample of the input depth becomes a 10-bit sample.
#[derive(Debug, Clone, Copy)]
pub enum To10Bit {
    /// 8-bit (and lower) input: `v << (10 - bpc)`.
    ShiftUp(u32),
    /// Input of 10 bits or more: `(v + round) >> (bpc - 10)`, with round = 2^(shift-1) (0 for 10 bit).
    RoundDown(u32),
}

impl To10Bit {
    /// The conversion libvmaf applies to `bpc`-bit input.
    pub fn for_depth(bpc: u32) -> To10Bit {
        if bpc >= 10 {
            To10Bit::RoundDown(bpc - 10)
        } else {
            To10Bit::ShiftUp(10 - bpc)
        }
    }

    /// Converts one sample (results above 1023 are possible for 12..16-bit full-scale input and
    /// are kept, as in libvmaf).
    #[inline]
    pub fn apply(self, v: u32) -> u16 {
        match self {
            To10Bit::ShiftUp(s) => (v << s) as u16,
            To10Bit::RoundDown(0) => v as u16,
            To10Bit::RoundDown(s) => ((v + (1 << (s - 1))) >> s) as u16,
        }
    }
}

/// Index of the nearest input sample for each output position, as libvmaf's nearest-neighbour
/// resampler computes it: ratio and position in `f32`, `start = f32(ratio / 2 - 0.5)` (the
/// subtraction in double), `index = (int)(pos + 0.5)` (in double), `pos += ratio` (in `f32`).
pub fn nearest_indices(in_len: usize, out_len: usize, out: &mut [usize]) {
    let ratio = in_len as f32 / out_len as f32;
    let start = ((ratio / 2.0) as f64 - 0.5) as f32;
    let mut pos = start;
    for slot in out.iter_mut().take(out_len) {
        let idx = (pos as f64 + 0.5) as i32;
        // Can reach `in_len` (libvmaf then reads past the row: see the caller's sampler).
        *slot = idx.max(0) as usize;
        pos += ratio;
    }
}

/// Resamples (nearest neighbour) a `in_w`×`in_h` plane to `out_w`×`out_h` 10-bit samples in
/// `dst` (row stride `dst_stride`). `sample(x, y)` reads the input. `xs`/`ys` are scratch
/// buffers of at least `out_w`/`out_h` entries.
#[allow(clippy::too_many_arguments)]
pub fn resample_to_10b(
    sample: impl Fn(usize, usize) -> u32,
    conv: To10Bit,
    in_w: usize,
    in_h: usize,
    dst: &mut [u16],
    dst_stride: usize,
    out_w: usize,
    out_h: usize,
    xs: &mut [usize],
    ys: &mut [usize],
) {
    if in_w == out_w && in_h == out_h {
        for i in 0..out_h {
            let row = &mut dst[i * dst_stride..i * dst_stride + out_w];
            for (j, d) in row.iter_mut().enumerate() {
                *d = conv.apply(sample(j, i));
            }
        }
        return;
    }
    nearest_indices(in_w, out_w, xs);
    nearest_indices(in_h, out_h, ys);
    for i in 0..out_h {
        let sy = ys[i];
        let row = &mut dst[i * dst_stride..i * dst_stride + out_w];
        for (j, d) in row.iter_mut().enumerate() {
            *d = conv.apply(sample(xs[j], sy));
        }
    }
}

/// libvmaf's same-size 10-bit path: a `memcpy` of `in_stride * h` samples, i.e. the input rows
/// land `in_stride` samples apart in `dst` whatever `dst`'s own stride is, each followed by the
/// input's zero padding up to `in_stride`. (When the strides differ -- full-reference mode with
/// a source wider than the input -- libvmaf scrambles the rows this way; we do the same.)
pub fn copy_10b_linear(
    sample: impl Fn(usize, usize) -> u32,
    w: usize,
    h: usize,
    in_stride: usize,
    dst: &mut [u16],
) {
    for i in 0..h {
        let row = &mut dst[i * in_stride..(i + 1) * in_stride];
        for (j, d) in row[..w].iter_mut().enumerate() {
            *d = sample(j, i) as u16;
        }
        row[w..].fill(0);
    }
}

/// In-place 2×2 box filter used against dithering when the encode had fewer than 10 bits
/// (cambi.c: anti_dithering_filter). Every output reads unfiltered neighbours; the last column
/// averages vertically, the last row horizontally, the bottom-right corner is left as is.
pub fn anti_dithering_filter(data: &mut [u16], stride: usize, width: usize, height: usize) {
    for i in 0..height - 1 {
        let (top, bottom) = data.split_at_mut((i + 1) * stride);
        let row = &mut top[i * stride..i * stride + width];
        let below = &bottom[..width];
        for j in 0..width - 1 {
            let s = row[j] as u32 + row[j + 1] as u32 + below[j] as u32 + below[j + 1] as u32;
            row[j] = (s >> 2) as u16;
        }
        let j = width - 1;
        row[j] = ((row[j] as u32 + below[j] as u32) >> 1) as u16;
    }
    let i = height - 1;
    let row = &mut data[i * stride..i * stride + width];
    for j in 0..width - 1 {
        row[j] = ((row[j] as u32 + row[j + 1] as u32) >> 1) as u16;
    }
}

// ---------------------------------------------------------------------------------------------
// Spatial mask (cambi.c: get_spatial_mask)
// ---------------------------------------------------------------------------------------------

fn ceil_log2(num: u32) -> i32 {
    if num == 0 {
        return 0;
    }
    let mut tmp = num - 1;
    let mut shift = 0;
    while tmp > 0 {
        tmp >>= 1;
        shift += 1;
    }
    shift
}

/// Threshold on the count of flat pixels in the mask window (cambi.c: get_mask_index).
pub fn mask_index(width: usize, height: usize, filter_size: usize) -> u32 {
    let shifted_wh = ((width >> 6) * (height >> 6)) as u32;
    let fs = filter_size as i32;
    ((fs * fs + 3 * (ceil_log2(shifted_wh) - 11) - 1) >> 1) as u16 as u32
}

/// Scratch rows for [`spatial_mask`].
#[derive(Debug, Clone)]
pub struct MaskScratch {
    /// Ring of `filter_size + 1` rows of horizontal window sums.
    hsum: Vec<u16>,
    /// Running vertical sum of `hsum` rows per column.
    colsum: Vec<u16>,
    /// Zero-derivative flags of one row.
    deriv: Vec<u16>,
    width: usize,
}

impl MaskScratch {
    /// Scratch for rows of up to `width` samples.
    pub fn new(width: usize) -> Self {
        MaskScratch {
            hsum: vec![0; (MASK_FILTER_SIZE + 1) * width],
            colsum: vec![0; width],
            deriv: vec![0; width + MASK_FILTER_SIZE],
            width,
        }
    }
}

/// Marks pixels lying in flat areas: a pixel is "zero-derivative" when it equals its right and
/// lower neighbours (the last column/row count as equal); the mask is 1 where more than
/// `mask_index` pixels of the `filter_size`² window around it (zero outside the picture) are.
/// Integer box sums, so any summation order gives libvmaf's prefix-sum result.
#[allow(clippy::too_many_arguments)]
pub fn spatial_mask_for_index(
    image: &[u16],
    mask: &mut [u16],
    stride: usize,
    width: usize,
    height: usize,
    mask_index: u32,
    filter_size: usize,
    scratch: &mut MaskScratch,
) {
    let pad = filter_size / 2;
    let ring = filter_size + 1;
    let sw = scratch.width;
    debug_assert!(width <= sw);
    let MaskScratch {
        hsum,
        colsum,
        deriv,
        ..
    } = scratch;
    colsum[..width].fill(0);

    // Horizontal window sums of zero-derivative flags of image row `r` into ring slot r % ring.
    let mut fill_row = |r: usize, hsum: &mut [u16]| {
        let cur = &image[r * stride..r * stride + width];
        let below = if r + 1 < height {
            Some(&image[(r + 1) * stride..(r + 1) * stride + width])
        } else {
            None
        };
        for c in 0..width {
            let h = c == width - 1 || cur[c] == cur[c + 1];
            let v = match below {
                Some(b) => cur[c] == b[c],
                None => true,
            };
            deriv[c] = (h && v) as u16;
        }
        let out = &mut hsum[(r % ring) * sw..(r % ring) * sw + width];
        let mut run: u16 = deriv[..pad.min(width)].iter().sum();
        for c in 0..width {
            if c + pad < width {
                run += deriv[c + pad];
            }
            out[c] = run;
            if c >= pad {
                run -= deriv[c - pad];
            }
        }
    };

    for r in 0..pad.min(height) {
        fill_row(r, hsum);
        let slot = &hsum[(r % ring) * sw..(r % ring) * sw + width];
        for (cs, &v) in colsum[..width].iter_mut().zip(slot) {
            *cs += v;
        }
    }
    for i in 0..height {
        let add = i + pad;
        if add < height {
            fill_row(add, hsum);
            let slot = &hsum[(add % ring) * sw..(add % ring) * sw + width];
            for (cs, &v) in colsum[..width].iter_mut().zip(slot) {
                *cs += v;
            }
        }
        if i > pad {
            let sub = i - pad - 1;
            let slot = &hsum[(sub % ring) * sw..(sub % ring) * sw + width];
            for (cs, &v) in colsum[..width].iter_mut().zip(slot) {
                *cs -= v;
            }
        }
        let out = &mut mask[i * stride..i * stride + width];
        for (m, &cs) in out.iter_mut().zip(&colsum[..width]) {
            *m = (cs as u32 > mask_index) as u16;
        }
    }
}

/// The spatial mask of CAMBI (7×7 window, threshold from the picture size).
pub fn spatial_mask(
    image: &[u16],
    mask: &mut [u16],
    stride: usize,
    width: usize,
    height: usize,
    scratch: &mut MaskScratch,
) {
    let index = mask_index(width, height, MASK_FILTER_SIZE);
    spatial_mask_for_index(
        image,
        mask,
        stride,
        width,
        height,
        index,
        MASK_FILTER_SIZE,
        scratch,
    );
}

// ---------------------------------------------------------------------------------------------
// Per-scale processing
// ---------------------------------------------------------------------------------------------

/// In-place 2:1 decimation keeping sample (2i, 2j) for the new `width`×`height`.
pub fn decimate(data: &mut [u16], stride: usize, width: usize, height: usize) {
    for i in 0..height {
        for j in 0..width {
            data[i * stride + j] = data[(2 * i) * stride + 2 * j];
        }
    }
}

#[inline]
fn min3(a: u16, b: u16, c: u16) -> u16 {
    if a <= b && a <= c {
        return a;
    }
    if b <= c {
        return b;
    }
    c
}

/// Mode of three values; the minimum when all differ.
#[inline]
pub fn mode3(a: u16, b: u16, c: u16) -> u16 {
    if a == b || a == c {
        return a;
    }
    if b == c {
        return b;
    }
    min3(a, b, c)
}

/// 3×3 separable mode filter (cambi.c: filter_mode): horizontal mode of three (edge columns
/// kept), then vertical mode of three horizontal results written to the middle row; the first
/// and last rows are left untouched. `buffer` holds three rows of `width` samples.
pub fn filter_mode(
    data: &mut [u16],
    stride: usize,
    width: usize,
    height: usize,
    buffer: &mut [u16],
) {
    let mut curr_line = 0;
    for i in 0..height {
        {
            let src = &data[i * stride..i * stride + width];
            let line = &mut buffer[curr_line * width..(curr_line + 1) * width];
            line[0] = src[0];
            for j in 1..width.saturating_sub(1) {
                line[j] = mode3(src[j - 1], src[j], src[j + 1]);
            }
            line[width - 1] = src[width - 1];
        }
        if i > 1 {
            let out = &mut data[(i - 1) * stride..(i - 1) * stride + width];
            for (j, o) in out.iter_mut().enumerate() {
                *o = mode3(buffer[j], buffer[width + j], buffer[2 * width + j]);
            }
        }
        curr_line = if curr_line + 1 == 3 { 0 } else { curr_line + 1 };
    }
}

/// Constants of the c-value computation for one extractor configuration.
#[derive(Debug, Clone)]
pub struct CValueParams {
    /// Number of luma differences considered (2^max_log_contrast).
    pub num_diffs: u16,
    /// Per difference d (1-based, index d-1): highest shifted value (luma + num_diffs) at which
    /// a step of d is visible.
    pub tvi_for_diff: Vec<u16>,
    /// Visibility threshold in luma (0 = off).
    pub vlt_luma: u16,
    /// Contrast weight per difference.
    pub diff_weights: Vec<i32>,
    /// First luma value tracked by the histograms.
    pub band_base: u16,
    /// Number of luma values tracked (0 when no c-value can be non-zero).
    pub band_size: u16,
}

/// Suprathreshold contrast response weights (`g_contrast_weights`).
pub const CONTRAST_WEIGHTS: [i32; 32] = [
    1, 2, 3, 4, 4, 5, 5, 6, 6, 6, 6, 7, 7, 7, 7, 8, 8, 8, 8, 8, 8, 8, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9,
];

impl CValueParams {
    /// Builds the parameters; `tvi_for_diff` is already shifted by `num_diffs`.
    pub fn new(num_diffs: u16, tvi_for_diff: Vec<u16>, vlt_luma: u16) -> Self {
        let diff_weights = CONTRAST_WEIGHTS[..num_diffs as usize].to_vec();
        let lo = vlt_luma as i32 - 3 * num_diffs as i32 + 1;
        let band_base = lo.max(0) as u16;
        let last = tvi_for_diff[num_diffs as usize - 1] as i32;
        // libvmaf stores `last + 1 - base` in a u16; when negative it wraps to a huge band in
        // which no c-value can ever be non-zero. An empty band gives the same (all-zero) result.
        let band_size = (last + 1 - band_base as i32).max(0) as u16;
        CValueParams {
            num_diffs,
            tvi_for_diff,
            vlt_luma,
            diff_weights,
            band_base,
            band_size,
        }
    }
}

/// c-value of one pixel (cambi.c: c_value_pixel). `value` is the pixel plus `num_diffs`,
/// `band_offset` the band base plus `num_diffs`; `hist` holds the window counts of each tracked
/// luma value for this column (`hist[(v - base) * hw + col]`).
#[inline]
pub fn c_value_pixel(
    hist: &[u16],
    value: u16,
    p: &CValueParams,
    band_offset: u16,
    col: usize,
    hw: usize,
) -> f32 {
    let compact = value as i32 - band_offset as i32;
    if compact < 0 || compact >= p.band_size as i32 {
        return 0.0;
    }
    let p0 = hist[compact as usize * hw + col];
    let mut c_value = 0.0f32;
    for d in 0..p.num_diffs as usize {
        let step = d as i32 + 1;
        if value <= p.tvi_for_diff[d] && value as i32 + step > p.vlt_luma as i32 {
            let idx1 = compact + step;
            let idx2 = compact - step;
            let p1 = hist[idx1 as usize * hw + col];
            let p2 = if idx2 >= 0 {
                hist[idx2 as usize * hw + col]
            } else {
                0
            };
            let pm = if p1 > p2 { p1 } else { p2 };
            let prod = p.diff_weights[d] * p0 as i32 * pm as i32;
            let val = prod as f32 * RECIPROCAL_LUT[pm as usize + p0 as usize];
            if val > c_value {
                c_value = val;
            }
        }
    }
    c_value
}

/// Adds `delta` (+1/-1, wrapping like libvmaf's uint16 counters) to the histograms for every
/// masked, in-band pixel of image row `row`: each pixel at column j counts for the columns
/// [j - pad, j + pad] clipped to the width. Columns j run over [0, max(pad, width)): libvmaf's
/// first column loop reaches `pad` even when the scale is narrower, reading the stale samples
/// that lie beyond the width in the buffer.
#[allow(clippy::too_many_arguments)]
fn update_histogram_row(
    hist: &mut [u16],
    image: &[u16],
    mask: &[u16],
    stride: usize,
    row: usize,
    width: usize,
    pad: usize,
    p: &CValueParams,
    increment: bool,
) {
    let base = row * stride;
    for j in 0..pad.max(width) {
        if mask[base + j] == 0 {
            continue;
        }
        let band_row = image[base + j].wrapping_sub(p.band_base);
        if band_row >= p.band_size {
            continue;
        }
        let left = j.saturating_sub(pad);
        let right = (j + pad + 1).min(width);
        if left >= right {
            continue;
        }
        let cells = &mut hist[band_row as usize * width + left..band_row as usize * width + right];
        if increment {
            for c in cells {
                *c = c.wrapping_add(1);
            }
        } else {
            for c in cells {
                *c = c.wrapping_sub(1);
            }
        }
    }
}

/// c-values of the masked pixels of one row (cambi.c: calculate_c_values_row).
#[allow(clippy::too_many_arguments)]
fn c_values_row(
    c_values: &mut [f32],
    hist: &[u16],
    image: &[u16],
    mask: &[u16],
    stride: usize,
    row: usize,
    width: usize,
    p: &CValueParams,
) {
    let img = &image[row * stride..row * stride + width];
    let msk = &mask[row * stride..row * stride + width];
    let out = &mut c_values[row * width..(row + 1) * width];
    let band_offset = p.band_base + p.num_diffs;
    for col in 0..width {
        if msk[col] != 0 {
            out[col] = c_value_pixel(hist, img[col] + p.num_diffs, p, band_offset, col, width);
        }
    }
}

/// c-values of a `width`×`height` scale (cambi.c: calculate_c_values): per output row, the
/// histograms hold the counts of masked pixel values in the window_size² window around each
/// column, clipped to the picture; they slide down row by row. `c_values` receives
/// `width * height` values (row-major, stride = width).
///
/// The row loop keeps libvmaf's four-phase structure, because when the scale is barely taller
/// than the window some rows are computed twice with different histogram states and the last
/// one wins. Callers must guarantee `height > pad`, or `height == pad` with a buffer of more
/// than `height` rows (libvmaf reads outside its buffers otherwise).
#[allow(clippy::too_many_arguments)]
pub fn calculate_c_values(
    image: &[u16],
    mask: &[u16],
    stride: usize,
    c_values: &mut [f32],
    hist: &mut [u16],
    window_size: u16,
    p: &CValueParams,
    width: usize,
    height: usize,
) {
    let pad = (window_size >> 1) as usize;
    c_values[..width * height].fill(0.0);
    hist[..width * p.band_size as usize].fill(0);
    if p.band_size == 0 {
        return;
    }
    let (w, h) = (width, height);
    let compute_row = |hist: &[u16], c_values: &mut [f32], i: usize| {
        // Rows at or below `height` are written by libvmaf to a part of the c-value buffer that
        // is never read back; skip them.
        if i < h {
            c_values_row(c_values, hist, image, mask, stride, i, w, p);
        }
    };

    for i in 0..pad {
        update_histogram_row(hist, image, mask, stride, i, w, pad, p, true);
    }
    for i in 0..=pad {
        if i + pad < h {
            update_histogram_row(hist, image, mask, stride, i + pad, w, pad, p, true);
        }
        compute_row(hist, c_values, i);
    }
    for i in pad + 1..h.saturating_sub(pad) {
        update_histogram_row(hist, image, mask, stride, i - pad - 1, w, pad, p, false);
        update_histogram_row(hist, image, mask, stride, i + pad, w, pad, p, true);
        compute_row(hist, c_values, i);
    }
    for i in h - pad..h {
        if i > pad {
            update_histogram_row(hist, image, mask, stride, i - pad - 1, w, pad, p, false);
        }
        compute_row(hist, c_values, i);
    }
}

// ---------------------------------------------------------------------------------------------
// Pooling
// ---------------------------------------------------------------------------------------------

/// libvmaf's `quick_select`: Hoare-partition selection that moves the `k` largest values to
/// the front (in an order the pooled f64 sum depends on, so the algorithm is kept verbatim).
pub fn quick_select(arr: &mut [f32], n: usize, k: usize) {
    if n == k {
        return;
    }
    let k = k as isize;
    let mut left: isize = 0;
    let mut right: isize = n as isize - 1;
    while left < right {
        let pivot = arr[k as usize];
        let mut i = left;
        let mut j = right;
        loop {
            while arr[i as usize] > pivot {
                i += 1;
            }
            while arr[j as usize] < pivot {
                j -= 1;
            }
            if i <= j {
                arr.swap(i as usize, j as usize);
                i += 1;
                j -= 1;
            }
            if i > j {
                break;
            }
        }
        if j < k {
            left = i;
        }
        if k < i {
            right = j;
        }
    }
}

/// Mean of the first `k` values, summed in `f64` in array order.
pub fn average_topk_elements(arr: &[f32], k: usize) -> f64 {
    let mut sum = 0.0f64;
    for &v in &arr[..k] {
        sum += v as f64;
    }
    sum / k as f64
}

/// Mean of the `topk` fraction of largest c-values (at least one) of a `width`×`height` scale;
/// reorders `c_values`.
pub fn spatial_pooling(c_values: &mut [f32], topk: f64, width: usize, height: usize) -> f64 {
    let n = width * height;
    let k = ((topk * n as f64) as i32).clamp(1, n as i32) as usize;
    quick_select(c_values, n, k);
    average_topk_elements(c_values, k)
}

/// Weights of the five scales (`g_scale_weights`).
pub const SCALE_WEIGHTS: [i32; 5] = [16, 8, 4, 2, 1];

/// Number of pixels of the (odd) window (cambi.c: get_pixels_in_window).
pub fn pixels_in_window(window_size: u16) -> u16 {
    let odd = 2 * (window_size as u32 >> 1) + 1;
    (odd * odd) as u16
}

/// Weighted sum of the per-scale scores divided by `normalization`.
pub fn weight_scores_per_scale(scores: &[f64; 5], normalization: u16) -> f64 {
    let mut score = 0.0f64;
    for (s, w) in scores.iter().zip(SCALE_WEIGHTS) {
        score += s * w as f64;
    }
    score / normalization as f64
}

#[cfg(test)]
mod tests {
    //! Expected values come from libvmaf's own unit tests (libvmaf/test/test_cambi.c).
    use super::*;

    const STRIDE: usize = 32;

    const SAMPLES: [[u16; 16]; 9] = [
        [1, 2, 0, 100, 0, 2, 0, 100, 0, 2, 0, 100, 4, 2, 0, 100],
        [1, 1, 50, 100, 1, 1, 50, 100, 2, 1, 50, 100, 3, 1, 50, 100],
        [4, 8, 0, 400, 0, 8, 0, 400, 0, 8, 0, 400, 16, 8, 0, 400],
        [0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1],
        [1, 1, 0, 1, 1, 0, 0, 1, 1, 1, 1, 0, 1, 1, 0, 1],
        [1, 2, 1, 1, 1, 0, 1, 5, 0, 0, 1, 0, 0, 0, 1, 1],
        [1, 2, 0, 1, 1, 0, 0, 5, 0, 0, 1, 0, 0, 0, 0, 1],
        [6, 7, 5, 1, 6, 5, 5, 5, 0, 0, 1, 0, 0, 0, 0, 1],
        [1, 1, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1],
    ];

    fn pic4(index: usize) -> Vec<u16> {
        let mut v = vec![0u16; STRIDE * 4];
        for i in 0..4 {
            for j in 0..4 {
                v[i * STRIDE + j] = SAMPLES[index][i * 4 + j];
            }
        }
        v
    }

    fn sum4(v: &[u16]) -> u32 {
        (0..4)
            .flat_map(|i| (0..4).map(move |j| (i, j)))
            .map(|(i, j)| v[i * STRIDE + j] as u32)
            .sum()
    }

    #[test]
    fn anti_dithering() {
        let mut p = pic4(0);
        anti_dithering_filter(&mut p, STRIDE, 4, 4);
        assert_eq!(p, pic4(1));
    }

    #[test]
    fn decimation() {
        let mut p = pic4(0);
        decimate(&mut p, STRIDE, 2, 2);
        assert_eq!([p[0], p[1], p[STRIDE], p[STRIDE + 1]], [1, 0, 0, 0]);
    }

    #[test]
    fn resampling_and_conversion() {
        let src = SAMPLES[0];
        let read = |x: usize, y: usize| src[y * 4 + x] as u32;
        let mut out = vec![0u16; STRIDE * 2];
        let (mut xs, mut ys) = (vec![0; 2], vec![0; 2]);
        let check = |out: &[u16], e: [u16; 4]| {
            assert_eq!([out[0], out[1], out[STRIDE], out[STRIDE + 1]], e);
        };
        for (bpc, e) in [
            (10, [2, 100, 2, 100]),
            (16, [0, 2, 0, 2]),
            (12, [1, 25, 1, 25]),
            (9, [4, 200, 4, 200]),
        ] {
            resample_to_10b(
                read,
                To10Bit::for_depth(bpc),
                4,
                4,
                &mut out,
                STRIDE,
                2,
                2,
                &mut xs,
                &mut ys,
            );
            check(&out, e);
        }
        resample_to_10b(
            read,
            To10Bit::for_depth(8),
            4,
            4,
            &mut out,
            STRIDE,
            2,
            2,
            &mut xs,
            &mut ys,
        );
        check(&out, [8, 400, 8, 400]);
        let mut same = vec![0u16; STRIDE * 4];
        copy_10b_linear(read, 4, 4, STRIDE, &mut same);
        assert_eq!(same, pic4(0));
    }

    #[test]
    fn mode_filter() {
        let (w, h) = (5usize, 5usize);
        let mut data = vec![0u16; STRIDE * h];
        let mut buf = vec![0u16; 3 * w];
        let run = |data: &[u16], buf: &mut [u16]| {
            let mut f = data.to_vec();
            filter_mode(&mut f, STRIDE, w, h, buf);
            f
        };
        let sum = |f: &[u16]| -> u32 {
            (0..h)
                .flat_map(|i| (0..w).map(move |j| f[i * STRIDE + j] as u32))
                .sum()
        };
        data[STRIDE + 2] = 1;
        data[2 * STRIDE + 2] = 1;
        data[STRIDE + 3] = 1;
        data[3 * STRIDE + 3] = 1;
        assert_eq!(sum(&run(&data, &mut buf)), 0);
        data[3 * STRIDE + 4] = 1;
        let f = run(&data, &mut buf);
        assert_eq!(sum(&f), 1);
        assert_eq!(f[3 * STRIDE + 3], 0);
        assert_eq!(f[2 * STRIDE + 3], 1);
        data[0] = 2;
        data[1] = 1;
        assert_eq!(run(&data, &mut buf)[0], 2);
        data[STRIDE] = 1;
        assert_eq!(run(&data, &mut buf)[1], 1);
        data[2 * STRIDE] = 2;
        assert_eq!(run(&data, &mut buf)[STRIDE], 2);
    }

    #[test]
    fn mask_indices() {
        let cases = [
            (3840, 2160, 7, 24),
            (2560, 1440, 7, 22),
            (1980, 1080, 7, 21),
            (1280, 720, 7, 19),
            (960, 540, 7, 18),
            (640, 360, 7, 16),
            (480, 270, 7, 15),
            (320, 180, 7, 13),
            (6000, 4000, 7, 27),
            (960, 540, 5, 6),
        ];
        for (w, h, fs, e) in cases {
            assert_eq!(mask_index(w, h, fs), e, "{w}x{h} fs {fs}");
        }
    }

    #[test]
    fn spatial_mask_sums() {
        let mut scratch = MaskScratch::new(4);
        for (img, idx, expected) in [
            (3, 2, 14),
            (3, 1, 16),
            (3, 0, 16),
            (4, 3, 0),
            (4, 2, 6),
            (4, 1, 9),
        ] {
            let image = pic4(img);
            let mut mask = pic4(3);
            spatial_mask_for_index(&image, &mut mask, STRIDE, 4, 4, idx, 3, &mut scratch);
            assert_eq!(sum4(&mask), expected, "image {img} index {idx}");
        }
    }

    fn test_params() -> CValueParams {
        CValueParams::new(4, vec![178, 305, 432, 559], 0)
    }

    #[test]
    fn c_values_4x4_ws3() {
        let expected = [
            0.6666667, 2.0, 0.0, 0.0, 2.4, 3.4285715, 2.4, 0.0, 2.6666667, 3.75, 3.0, 0.0, 2.0,
            2.4, 2.0, 0.0,
        ];
        let p = test_params();
        let image = pic4(0);
        let mask = pic4(8);
        let mut c = vec![0f32; 16];
        let mut hist = vec![0u16; 4 * p.band_size as usize];
        calculate_c_values(&image, &mask, STRIDE, &mut c, &mut hist, 3, &p, 4, 4);
        for (a, b) in c.iter().zip(expected) {
            assert!((a - b).abs() < 1e-5, "{c:?}");
        }
    }

    #[test]
    fn c_values_8x8_ws9() {
        #[rustfmt::skip]
        let input: [u16; 64] = [
            1, 2, 0, 100, 101, 100, 0, 1, 0, 2, 0, 100, 101, 100, 1, 0,
            1, 2, 0, 100, 101, 100, 0, 1, 0, 2, 0, 100, 101, 100, 1, 0,
            0, 2, 0, 100, 101, 100, 1, 0, 4, 2, 0, 100, 101, 100, 0, 0,
            1, 2, 0, 100, 101, 100, 1, 0, 0, 2, 0, 100, 101, 100, 0, 0,
        ];
        #[rustfmt::skip]
        let mask_v: [u16; 64] = [
            1, 1, 0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 0, 1, 0, 0,
            1, 1, 0, 0, 0, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1,
            1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
            1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1,
        ];
        let lay = |v: &[u16; 64]| {
            let mut o = vec![0u16; STRIDE * 8];
            for i in 0..8 {
                o[i * STRIDE..i * STRIDE + 8].copy_from_slice(&v[i * 8..i * 8 + 8]);
            }
            o
        };
        let p = test_params();
        let mut c = vec![0f32; 64];
        let mut hist = vec![0u16; 8 * p.band_size as usize];
        calculate_c_values(
            &lay(&input),
            &lay(&mask_v),
            STRIDE,
            &mut c,
            &mut hist,
            9,
            &p,
            8,
            8,
        );
        let sum: f64 = c.iter().map(|&v| v as f64).sum();
        assert!((sum - 195.382527).abs() < 1e-5, "{sum}");
    }

    #[test]
    fn c_value_of_one_pixel() {
        let hist: [u16; 10] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
        let mk = |w: [i32; 2], vlt: u16| CValueParams {
            num_diffs: 2,
            tvi_for_diff: vec![2, 3],
            vlt_luma: vlt,
            diff_weights: w.to_vec(),
            band_base: 0,
            band_size: 10,
        };
        let c = |p: &CValueParams, v: u16| c_value_pixel(&hist, v, p, 0, 0, 1);
        assert!((c(&mk([1, 2], 0), 2) - 2.6666667).abs() < 1e-5);
        assert!((c(&mk([4, 5], 0), 2) - 6.6666667).abs() < 1e-5);
        assert_eq!(c(&mk([4, 5], 0), 4), 0.0);
        assert_eq!(c(&mk([4, 5], 5), 2), 0.0);
    }

    #[test]
    fn pooling() {
        let base = [0f32, 1., 2., 3., 4., 5., 10., 7., 8., 9., 6., 11.];
        for (topk, e) in [(0.0, 11.0), (0.1, 11.0), (0.2, 10.5), (1.0, 5.5)] {
            let mut a = base;
            assert_eq!(spatial_pooling(&mut a, topk, 4, 3), e);
        }
        let mut a = base;
        quick_select(&mut a, 12, 5);
        assert_eq!(a[5], 6.0);
        assert!(a[..5].iter().all(|&v| v >= 6.0));
        assert!(a[6..].iter().all(|&v| v <= 6.0));
        let sorted = [11f32, 10., 9., 8., 7., 6., 1., 2., 3., 4., 5., 0.];
        assert_eq!(average_topk_elements(&sorted, 1), 11.0);
        assert_eq!(average_topk_elements(&sorted, 2), 10.5);
        assert_eq!(average_topk_elements(&sorted, 12), 5.5);
    }

    #[test]
    fn window_helpers() {
        assert_eq!(pixels_in_window(62), 3969);
        assert_eq!(pixels_in_window(63), 3969);
        assert_eq!(pixels_in_window(65), 4225);
        let s = weight_scores_per_scale(&[10000.0, 1000.0, 100.0, 10.0, 1.0], 10);
        assert!((s - 16842.1).abs() < 1e-5);
    }

    #[test]
    fn lut_is_verbatim() {
        // The 42 entries that are not the correctly rounded 1/i (libvmaf-map.md §6.5).
        let odd: Vec<usize> = (1..RECIPROCAL_LUT.len())
            .filter(|&i| RECIPROCAL_LUT[i] != 1.0f32 / i as f32)
            .collect();
        assert_eq!(
            odd,
            [
                82, 83, 244, 488, 504, 510, 528, 564, 614, 664, 749, 760, 892, 1419, 1699, 1906,
                2040, 2071, 2112, 2223, 2443, 2555, 2740, 2927, 3285, 3515, 3525, 3705, 3795, 3797,
                3812, 3837, 3885, 4033, 4080, 4091, 4095, 4130, 4142, 4203, 4218, 4224
            ]
        );
        assert_eq!(RECIPROCAL_LUT[0], 0.0);
    }
}
