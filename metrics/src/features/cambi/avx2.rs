//! AVX2 twins of the CAMBI kernels in [`super::scalar`], bit-exact with them (parity tests in
//! `metrics/tests/cambi_simd.rs`).
//!
//! * Preprocessing, anti-dithering, spatial mask, decimation and the mode filter compute the
//!   same integers per sample, 16 `u16` lanes at a time.
//! * The c-values ([`calculate_c_values`]) keep the scalar function's histogram states (the
//!   counts of each tracked luma value in the window around each column, for each output row)
//!   but reach them differently: a row only changes the histogram where its *runs* of equal
//!   tracked values lie, and a run `[a, b]` adds the trapezoid
//!   `min(b - a, t) - max(0, t - 2 pad) + 1` (t = column - (a - pad)) to its value's row
//!   instead of `b - a + 1` separate boxes. Pixels that enter and leave the window in the same
//!   column with the same value cancel and are skipped. The histogram rows carry `pad + 16`
//!   columns of padding on each side, so clipping at the picture edges needs no code (the
//!   padding absorbs what the scalar code clips away and is never read back as a real column).
//! * The c-value of every pixel of a run uses the same three histogram rows per luma step, so
//!   16 pixels load them contiguously; each pixel's arithmetic (`i32` product, `f32` conversion,
//!   reciprocal from the same table, `f32` product, maximum) is the scalar one. Short runs take
//!   a scalar loop over the same padded histogram.
//! * Geometries where libvmaf's phases overlap or read stale samples (window taller than the
//!   scale, or wider than it) use the scalar function unchanged.

use std::arch::x86_64::*;

use super::lut::{RECIPROCAL_LUT, RECIPROCAL_LUT_SIZE};
use super::scalar::{self, CValueParams};

pub use crate::cpu::Avx2;

impl Avx2 {
    /// `dst[j] = src[j] << shift` (8-bit samples to 10 bits).
    pub fn shift_up_u8(self, src: &[u8], dst: &mut [u16], shift: u32) {
        // SAFETY: an `Avx2` value exists only when the CPU supports AVX2.
        unsafe { shift_up_u8(src, dst, shift) }
    }

    /// [`scalar::To10Bit::apply`] of every sample of a `u16` row.
    pub fn convert_u16(self, src: &[u16], dst: &mut [u16], conv: scalar::To10Bit) {
        // SAFETY: as above.
        unsafe { convert_u16(src, dst, conv) }
    }

    /// Largest sample of a row (0 for an empty row).
    pub fn max_u16(self, src: &[u16]) -> u16 {
        // SAFETY: as above.
        unsafe { max_u16(src) }
    }

    /// [`scalar::anti_dithering_filter`] (samples at most 16383, as 10-bit conversion gives).
    pub fn anti_dithering_filter(
        self,
        data: &mut [u16],
        stride: usize,
        width: usize,
        height: usize,
    ) {
        // SAFETY: as above.
        unsafe { anti_dithering_filter(data, stride, width, height) }
    }

    /// [`scalar::spatial_mask`] (7×7 window).
    pub fn spatial_mask(
        self,
        image: &[u16],
        mask: &mut [u16],
        stride: usize,
        width: usize,
        height: usize,
        scratch: &mut MaskScratch,
    ) {
        // SAFETY: as above.
        unsafe { spatial_mask(image, mask, stride, width, height, scratch) }
    }

    /// [`scalar::decimate`].
    pub fn decimate(self, data: &mut [u16], stride: usize, width: usize, height: usize) {
        // SAFETY: as above.
        unsafe { decimate(data, stride, width, height) }
    }

    /// [`scalar::filter_mode`] (`buffer` holds at least `3 * width` samples).
    pub fn filter_mode(
        self,
        data: &mut [u16],
        stride: usize,
        width: usize,
        height: usize,
        buffer: &mut [u16],
    ) {
        // SAFETY: as above.
        unsafe { filter_mode(data, stride, width, height, buffer) }
    }

    /// [`scalar::calculate_c_values`]; `c_values` holds at least `width * height + 16` values.
    #[allow(clippy::too_many_arguments)]
    pub fn calculate_c_values(
        self,
        image: &[u16],
        mask: &[u16],
        stride: usize,
        c_values: &mut [f32],
        scratch: &mut HistScratch,
        window_size: u16,
        p: &CValueParams,
        width: usize,
        height: usize,
    ) {
        let pad = (window_size >> 1) as usize;
        if p.band_size == 0 || width <= pad || height < 2 * pad + 1 {
            scratch.scalar_hist.resize(width * p.band_size as usize, 0);
            scalar::calculate_c_values(
                image,
                mask,
                stride,
                c_values,
                &mut scratch.scalar_hist,
                window_size,
                p,
                width,
                height,
            );
            return;
        }
        // SAFETY: as above.
        unsafe {
            c_values_runs(
                image, mask, stride, c_values, scratch, pad, p, width, height,
            )
        }
    }
}

impl Avx2 {
    /// [`scalar::spatial_pooling`] (same selection, same order, same sum).
    pub fn spatial_pooling(
        self,
        c_values: &mut [f32],
        topk: f64,
        width: usize,
        height: usize,
    ) -> f64 {
        // SAFETY: an `Avx2` value exists only when the CPU supports AVX2.
        unsafe { spatial_pooling(c_values, topk, width, height) }
    }

    /// [`scalar::quick_select`].
    pub fn quick_select(self, arr: &mut [f32], n: usize, k: usize) {
        // SAFETY: as above.
        unsafe { quick_select(arr, n, k) }
    }
}

// ---------------------------------------------------------------------------------------------
// Loads and stores (bounds-checked slices; the only `unsafe` is the unaligned access itself).

#[inline]
#[target_feature(enable = "avx2")]
fn ld(s: &[u16], i: usize) -> __m256i {
    let s = &s[i..i + 16];
    // SAFETY: 16 in-bounds u16 (32 bytes); unaligned load.
    unsafe { _mm256_loadu_si256(s.as_ptr().cast()) }
}

#[inline]
#[target_feature(enable = "avx2")]
fn st(s: &mut [u16], i: usize, v: __m256i) {
    let s = &mut s[i..i + 16];
    // SAFETY: 16 in-bounds u16 (32 bytes) of a unique borrow; unaligned store.
    unsafe { _mm256_storeu_si256(s.as_mut_ptr().cast(), v) }
}

#[inline]
#[target_feature(enable = "avx2")]
fn ld8(s: &[u8], i: usize) -> __m256i {
    let s = &s[i..i + 16];
    // SAFETY: 16 in-bounds bytes; unaligned load.
    _mm256_cvtepu8_epi16(unsafe { _mm_loadu_si128(s.as_ptr().cast()) })
}

#[inline]
#[target_feature(enable = "avx2")]
fn stf(s: &mut [f32], i: usize, v: __m256) {
    let s = &mut s[i..i + 8];
    // SAFETY: 8 in-bounds f32 (32 bytes) of a unique borrow; unaligned store.
    unsafe { _mm256_storeu_ps(s.as_mut_ptr(), v) }
}

/// 16 lanes `0, 1, ..., 15`.
#[inline]
#[target_feature(enable = "avx2")]
fn iota16() -> __m256i {
    _mm256_setr_epi16(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
}

// ---------------------------------------------------------------------------------------------
// Preprocessing

#[target_feature(enable = "avx2")]
fn shift_up_u8(src: &[u8], dst: &mut [u16], shift: u32) {
    let w = src.len();
    let sh = _mm_cvtsi32_si128(shift as i32);
    let mut j = 0;
    while j + 16 <= w {
        st(dst, j, _mm256_sll_epi16(ld8(src, j), sh));
        j += 16;
    }
    for j in j..w {
        dst[j] = (src[j] as u16) << shift;
    }
}

#[target_feature(enable = "avx2")]
fn convert_u16(src: &[u16], dst: &mut [u16], conv: scalar::To10Bit) {
    let w = src.len();
    let mut j = 0;
    match conv {
        scalar::To10Bit::ShiftUp(s) => {
            let sh = _mm_cvtsi32_si128(s as i32);
            while j + 16 <= w {
                st(dst, j, _mm256_sll_epi16(ld(src, j), sh));
                j += 16;
            }
        }
        scalar::To10Bit::RoundDown(0) => {
            dst[..w].copy_from_slice(src);
            j = w;
        }
        scalar::To10Bit::RoundDown(s) => {
            // (v + 2^(s-1)) >> s in 32 bits (v + round can exceed 16 bits)
            let sh = _mm_cvtsi32_si128(s as i32);
            let round = _mm256_set1_epi32(1 << (s - 1));
            while j + 16 <= w {
                let v = ld(src, j);
                let z = _mm256_setzero_si256();
                let lo = _mm256_srl_epi32(_mm256_add_epi32(_mm256_unpacklo_epi16(v, z), round), sh);
                let hi = _mm256_srl_epi32(_mm256_add_epi32(_mm256_unpackhi_epi16(v, z), round), sh);
                // values <= 65535 >> 1: packus keeps them, per-lane order is restored
                st(dst, j, _mm256_packus_epi32(lo, hi));
                j += 16;
            }
        }
    }
    for j in j..w {
        dst[j] = conv.apply(src[j] as u32);
    }
}

#[target_feature(enable = "avx2")]
fn max_u16(src: &[u16]) -> u16 {
    let w = src.len();
    let mut m = _mm256_setzero_si256();
    let mut j = 0;
    while j + 16 <= w {
        m = _mm256_max_epu16(m, ld(src, j));
        j += 16;
    }
    let m = _mm_max_epu16(_mm256_castsi256_si128(m), _mm256_extracti128_si256::<1>(m));
    // minpos on the complement finds the maximum
    let inv = _mm_xor_si128(m, _mm_set1_epi16(-1));
    let mut best = !(_mm_cvtsi128_si32(_mm_minpos_epu16(inv)) as u16);
    for &v in &src[j..] {
        best = best.max(v);
    }
    best
}

#[target_feature(enable = "avx2")]
fn anti_dithering_filter(data: &mut [u16], stride: usize, width: usize, height: usize) {
    for i in 0..height - 1 {
        let (top, bottom) = data.split_at_mut((i + 1) * stride);
        let row = &mut top[i * stride..i * stride + width];
        let below = &bottom[..width];
        let mut j = 0;
        // row[j] uses row[j + 1] before it is rewritten: each vector reads ahead of its store
        while j + 17 <= width {
            let s = _mm256_add_epi16(
                _mm256_add_epi16(ld(row, j), ld(row, j + 1)),
                _mm256_add_epi16(ld(below, j), ld(below, j + 1)),
            );
            st(row, j, _mm256_srli_epi16::<2>(s));
            j += 16;
        }
        for j in j..width - 1 {
            let s = row[j] as u32 + row[j + 1] as u32 + below[j] as u32 + below[j + 1] as u32;
            row[j] = (s >> 2) as u16;
        }
        let j = width - 1;
        row[j] = ((row[j] as u32 + below[j] as u32) >> 1) as u16;
    }
    let i = height - 1;
    let row = &mut data[i * stride..i * stride + width];
    let mut j = 0;
    while j + 17 <= width {
        let s = _mm256_add_epi16(ld(row, j), ld(row, j + 1));
        st(row, j, _mm256_srli_epi16::<1>(s));
        j += 16;
    }
    for j in j..width - 1 {
        row[j] = ((row[j] as u32 + row[j + 1] as u32) >> 1) as u16;
    }
}

// ---------------------------------------------------------------------------------------------
// Spatial mask

/// Scratch of [`spatial_mask`], sized for one width.
#[derive(Debug, Clone)]
pub struct MaskScratch {
    /// Zero-derivative flags of one row, `PAD` zero columns on each side (+16 slack).
    deriv: Vec<u16>,
    /// Ring of `FS + 1` rows of horizontal window sums.
    hsum: Vec<u16>,
    /// Running vertical sums.
    colsum: Vec<u16>,
    width: usize,
}

const FS: usize = scalar::MASK_FILTER_SIZE;
const PAD: usize = FS / 2;

impl MaskScratch {
    /// Scratch for rows of up to `width` samples.
    pub fn new(width: usize) -> MaskScratch {
        MaskScratch {
            deriv: vec![0; width + 2 * PAD + 16],
            hsum: vec![0; (FS + 1) * (width + 16)],
            colsum: vec![0; width + 16],
            width,
        }
    }
}

#[target_feature(enable = "avx2")]
fn spatial_mask(
    image: &[u16],
    mask: &mut [u16],
    stride: usize,
    width: usize,
    height: usize,
    scratch: &mut MaskScratch,
) {
    if scratch.width < width {
        *scratch = MaskScratch::new(width);
    }
    let index = scalar::mask_index(width, height, FS);
    let sw = scratch.width + 16;
    let MaskScratch {
        deriv,
        hsum,
        colsum,
        ..
    } = scratch;
    let ring = FS + 1;
    let one = _mm256_set1_epi16(1);
    colsum[..width].fill(0);
    deriv.fill(0);

    // Horizontal window sums of the zero-derivative flags of row `r` into ring slot r % ring.
    let fill_row = |r: usize, deriv: &mut [u16], hsum: &mut [u16]| {
        let cur = &image[r * stride..r * stride + width];
        let d = &mut deriv[PAD..PAD + width];
        let mut c = 0;
        if r + 1 < height {
            let below = &image[(r + 1) * stride..(r + 1) * stride + width];
            while c + 17 <= width {
                let x = ld(cur, c);
                let h = _mm256_cmpeq_epi16(x, ld(cur, c + 1));
                let v = _mm256_cmpeq_epi16(x, ld(below, c));
                st(d, c, _mm256_and_si256(_mm256_and_si256(h, v), one));
                c += 16;
            }
            for c in c..width {
                let h = c == width - 1 || cur[c] == cur[c + 1];
                d[c] = (h && cur[c] == below[c]) as u16;
            }
        } else {
            while c + 17 <= width {
                let h = _mm256_cmpeq_epi16(ld(cur, c), ld(cur, c + 1));
                st(d, c, _mm256_and_si256(h, one));
                c += 16;
            }
            for c in c..width {
                d[c] = (c == width - 1 || cur[c] == cur[c + 1]) as u16;
            }
        }
        let out = &mut hsum[(r % ring) * sw..(r % ring) * sw + sw];
        let mut c = 0;
        // out[c] = sum of deriv[c - PAD ..= c + PAD] (zeros outside the row)
        while c < width {
            let mut s = ld(deriv, c);
            for k in 1..FS {
                s = _mm256_add_epi16(s, ld(deriv, c + k));
            }
            st(out, c, s);
            c += 16;
        }
    };

    for r in 0..PAD.min(height) {
        fill_row(r, deriv, hsum);
        add_rows(colsum, &hsum[(r % ring) * sw..], width, true);
    }
    let idx = _mm256_set1_epi16(index as i16);
    for i in 0..height {
        let add = i + PAD;
        if add < height {
            fill_row(add, deriv, hsum);
            add_rows(colsum, &hsum[(add % ring) * sw..], width, true);
        }
        if i > PAD {
            let sub = i - PAD - 1;
            add_rows(colsum, &hsum[(sub % ring) * sw..], width, false);
        }
        let out = &mut mask[i * stride..i * stride + width];
        let mut c = 0;
        while c + 16 <= width {
            let m = _mm256_cmpgt_epi16(ld(colsum, c), idx);
            st(out, c, _mm256_and_si256(m, one));
            c += 16;
        }
        for c in c..width {
            out[c] = (colsum[c] as u32 > index) as u16;
        }
    }
}

/// `acc[c] += row[c]` (or `-=`) for `c < width` (in 16-lane steps; `acc` and `row` hold
/// `width` rounded up to 16).
#[inline]
#[target_feature(enable = "avx2")]
fn add_rows(acc: &mut [u16], row: &[u16], width: usize, add: bool) {
    let mut c = 0;
    while c < width {
        let (a, r) = (ld(acc, c), ld(row, c));
        let v = if add {
            _mm256_add_epi16(a, r)
        } else {
            _mm256_sub_epi16(a, r)
        };
        st(acc, c, v);
        c += 16;
    }
}

// ---------------------------------------------------------------------------------------------
// Decimation and mode filter

#[target_feature(enable = "avx2")]
fn decimate(data: &mut [u16], stride: usize, width: usize, height: usize) {
    let keep = _mm256_set1_epi32(0xffff);
    for i in 0..height {
        let (src, dst) = (2 * i * stride, i * stride);
        let mut j = 0;
        // reads (2j..2j+32) stay ahead of writes (j..j+16) within row 0; other rows are apart
        while j + 16 <= width && 2 * j + 32 <= stride {
            let a = _mm256_and_si256(ld(data, src + 2 * j), keep);
            let b = _mm256_and_si256(ld(data, src + 2 * j + 16), keep);
            let v = _mm256_permute4x64_epi64::<0b11_01_10_00>(_mm256_packus_epi32(a, b));
            st(data, dst + j, v);
            j += 16;
        }
        for j in j..width {
            data[dst + j] = data[src + 2 * j];
        }
    }
}

/// [`scalar::mode3`] of 16 lanes.
#[inline]
#[target_feature(enable = "avx2")]
fn mode3(a: __m256i, b: __m256i, c: __m256i) -> __m256i {
    let a_dup = _mm256_or_si256(_mm256_cmpeq_epi16(a, b), _mm256_cmpeq_epi16(a, c));
    let bc = _mm256_cmpeq_epi16(b, c);
    let min = _mm256_min_epu16(_mm256_min_epu16(a, b), c);
    _mm256_blendv_epi8(_mm256_blendv_epi8(min, b, bc), a, a_dup)
}

#[target_feature(enable = "avx2")]
fn filter_mode(data: &mut [u16], stride: usize, width: usize, height: usize, buffer: &mut [u16]) {
    let mut curr_line = 0;
    for i in 0..height {
        {
            let src = &data[i * stride..i * stride + width];
            let line = &mut buffer[curr_line * width..(curr_line + 1) * width];
            line[0] = src[0];
            let mut j = 1;
            while j + 17 <= width {
                let v = mode3(ld(src, j - 1), ld(src, j), ld(src, j + 1));
                st(line, j, v);
                j += 16;
            }
            for j in j..width.saturating_sub(1) {
                line[j] = scalar::mode3(src[j - 1], src[j], src[j + 1]);
            }
            line[width - 1] = src[width - 1];
        }
        if i > 1 {
            let out = &mut data[(i - 1) * stride..(i - 1) * stride + width];
            let (l0, rest) = buffer.split_at(width);
            let (l1, l2) = rest.split_at(width);
            let mut j = 0;
            while j + 16 <= width {
                st(out, j, mode3(ld(l0, j), ld(l1, j), ld(l2, j)));
                j += 16;
            }
            for j in j..width {
                out[j] = scalar::mode3(l0[j], l1[j], l2[j]);
            }
        }
        curr_line = if curr_line + 1 == 3 { 0 } else { curr_line + 1 };
    }
}

// ---------------------------------------------------------------------------------------------
// c-values

/// Key of a pixel that is not tracked (masked out or outside the band).
const NONE: u16 = u16::MAX;

/// Histogram and row scratch of [`calculate_c_values`].
#[derive(Debug, Clone, Default)]
pub struct HistScratch {
    /// Padded histograms: `band_size` rows of `hs` columns, column c at `hp + c`.
    hist: Vec<u16>,
    /// Per row of the scale: the band index of each tracked pixel, [`NONE`] elsewhere
    /// (`height` rows of `width + 16`).
    keys: Vec<u16>,
    /// The entering and leaving rows' keys after cancelling.
    enter: Vec<u16>,
    leave: Vec<u16>,
    /// Histograms of the scalar fallback.
    pub scalar_hist: Vec<u16>,
}

/// Geometry of the padded histograms.
#[derive(Debug, Clone, Copy)]
struct Layout {
    /// Row length.
    hs: usize,
    /// Offset of column 0 in a row.
    hp: usize,
    pad: usize,
}

#[allow(clippy::too_many_arguments)]
#[target_feature(enable = "avx2")]
fn c_values_runs(
    image: &[u16],
    mask: &[u16],
    stride: usize,
    c_values: &mut [f32],
    s: &mut HistScratch,
    pad: usize,
    p: &CValueParams,
    width: usize,
    height: usize,
) {
    let band = p.band_size as usize;
    let hp = pad + 16;
    let lay = Layout {
        hs: width + 2 * hp,
        hp,
        pad,
    };
    let kw = width + 16;
    resize_fill(&mut s.hist, band * lay.hs);
    resize_fill(&mut s.keys, height * kw);
    resize_fill(&mut s.enter, kw);
    resize_fill(&mut s.leave, kw);

    // keys: band index of masked in-band pixels
    let base = _mm256_set1_epi16(p.band_base as i16);
    let size = _mm256_set1_epi16(p.band_size as i16);
    let sign = _mm256_set1_epi16(i16::MIN);
    for i in 0..height {
        let img = &image[i * stride..i * stride + width];
        let msk = &mask[i * stride..i * stride + width];
        let out = &mut s.keys[i * kw..i * kw + kw];
        let mut j = 0;
        while j + 16 <= width {
            let rel = _mm256_sub_epi16(ld(img, j), base);
            // unsigned rel < size
            let inband =
                _mm256_cmpgt_epi16(_mm256_xor_si256(size, sign), _mm256_xor_si256(rel, sign));
            let on = _mm256_andnot_si256(
                _mm256_cmpeq_epi16(ld(msk, j), _mm256_setzero_si256()),
                inband,
            );
            st(
                out,
                j,
                _mm256_or_si256(
                    _mm256_and_si256(on, rel),
                    _mm256_andnot_si256(on, _mm256_set1_epi16(-1)),
                ),
            );
            j += 16;
        }
        for j in j..width {
            let rel = img[j].wrapping_sub(p.band_base);
            out[j] = if msk[j] != 0 && rel < p.band_size {
                rel
            } else {
                NONE
            };
        }
        // a sentinel column ends the last run
        out[width..].fill(NONE);
    }

    let params = CParams::new(p);
    // window of row 0: rows 0..=pad
    for r in 0..=pad {
        let keys = &s.keys[r * kw..(r + 1) * kw];
        for_runs(keys, width, |a, b, k| {
            hist_run(&mut s.hist, &lay, k, a, b, true)
        });
    }
    for i in 0..height {
        if i > 0 {
            let enter = (i + pad < height).then(|| i + pad);
            let leave = i.checked_sub(pad + 1);
            match (enter, leave) {
                (Some(e), Some(l)) => {
                    cancel(
                        &s.keys[e * kw..(e + 1) * kw],
                        &s.keys[l * kw..(l + 1) * kw],
                        &mut s.enter,
                        &mut s.leave,
                        width,
                    );
                    for_runs(&s.enter, width, |a, b, k| {
                        hist_run(&mut s.hist, &lay, k, a, b, true)
                    });
                    for_runs(&s.leave, width, |a, b, k| {
                        hist_run(&mut s.hist, &lay, k, a, b, false)
                    });
                }
                (Some(e), None) => {
                    let keys = &s.keys[e * kw..(e + 1) * kw];
                    for_runs(keys, width, |a, b, k| {
                        hist_run(&mut s.hist, &lay, k, a, b, true)
                    });
                }
                (None, Some(l)) => {
                    let keys = &s.keys[l * kw..(l + 1) * kw];
                    for_runs(keys, width, |a, b, k| {
                        hist_run(&mut s.hist, &lay, k, a, b, false)
                    });
                }
                (None, None) => {}
            }
        }
        let out = &mut c_values[i * width..];
        // zero the row, then write the runs' c-values
        let z = _mm256_setzero_ps();
        let mut j = 0;
        while j < width {
            stf(out, j, z);
            j += 8;
        }
        let keys = &s.keys[i * kw..(i + 1) * kw];
        for_runs(keys, width, |a, b, k| {
            c_values_run(&s.hist, &lay, &params, k, a, b, out)
        });
    }
}

fn resize_fill(v: &mut Vec<u16>, n: usize) {
    v.clear();
    v.resize(n, 0);
}

/// `enter`/`leave` = the two key rows with the columns where both hold the same key set to
/// [`NONE`] (a pixel entering and one leaving with the same value leave the histogram as is).
#[target_feature(enable = "avx2")]
fn cancel(e: &[u16], l: &[u16], enter: &mut [u16], leave: &mut [u16], width: usize) {
    let mut j = 0;
    while j < width {
        let (a, b) = (ld(e, j), ld(l, j));
        let same = _mm256_cmpeq_epi16(a, b);
        st(enter, j, _mm256_or_si256(a, same));
        st(leave, j, _mm256_or_si256(b, same));
        j += 16;
    }
    enter[width..width + 16].fill(NONE);
    leave[width..width + 16].fill(NONE);
}

/// Calls `f(a, b, key)` for every maximal run `[a, b]` of equal keys other than [`NONE`] in
/// `keys[..width]` (`keys[width]` must be [`NONE`]).
#[target_feature(enable = "avx2")]
fn for_runs(keys: &[u16], width: usize, mut f: impl FnMut(usize, usize, u16)) {
    let mut start = 0;
    while start < width {
        // the first column after `start` holding another key
        let mut j = start + 1;
        let k = keys[start];
        let kv = _mm256_set1_epi16(k as i16);
        let end = loop {
            if j + 16 <= keys.len() {
                let ne = _mm256_cmpeq_epi16(ld(keys, j), kv);
                let m = !(_mm256_movemask_epi8(ne) as u32);
                if m != 0 {
                    break j + (m.trailing_zeros() as usize) / 2;
                }
                j += 16;
            } else {
                while j < keys.len() && keys[j] == k {
                    j += 1;
                }
                break j;
            }
        };
        let end = end.min(width);
        if k != NONE {
            f(start, end - 1, k);
        }
        start = end;
    }
}

/// Adds (or removes) the run `[a, b]` of band row `k` to the histograms: column c gains the
/// number of run pixels within `pad` of it.
#[target_feature(enable = "avx2")]
fn hist_run(hist: &mut [u16], lay: &Layout, k: u16, a: usize, b: usize, add: bool) {
    let row = &mut hist[k as usize * lay.hs..(k as usize + 1) * lay.hs];
    let start = lay.hp + a - lay.pad;
    let span = b - a + 2 * lay.pad + 1;
    let len = _mm256_set1_epi16((b - a) as i16);
    let two_pad = _mm256_set1_epi16((2 * lay.pad) as i16);
    let one = _mm256_set1_epi16(1);
    let zero = _mm256_setzero_si256();
    let step = _mm256_set1_epi16(16);
    let mut t = iota16();
    let mut off = 0;
    while off < span {
        let inc = _mm256_max_epi16(
            zero,
            _mm256_add_epi16(
                _mm256_sub_epi16(
                    _mm256_min_epi16(len, t),
                    _mm256_max_epi16(zero, _mm256_sub_epi16(t, two_pad)),
                ),
                one,
            ),
        );
        let cur = ld(row, start + off);
        let v = if add {
            _mm256_add_epi16(cur, inc)
        } else {
            _mm256_sub_epi16(cur, inc)
        };
        st(row, start + off, v);
        t = _mm256_add_epi16(t, step);
        off += 16;
    }
}

/// The constants of [`scalar::c_value_pixel`] for one configuration.
struct CParams {
    /// Per band index (value - band_base): bit d set when luma step d + 1 passes its
    /// visibility conditions.
    steps: Vec<u32>,
    weights: [i32; 32],
}

impl CParams {
    fn new(p: &CValueParams) -> CParams {
        let nd = p.num_diffs as usize;
        let steps = (0..p.band_size)
            .map(|k| {
                // the value c_value_pixel tests: sample + num_diffs
                let value = (p.band_base + k) as i32 + nd as i32;
                (0..nd)
                    .filter(|&d| {
                        value <= p.tvi_for_diff[d] as i32
                            && value + d as i32 + 1 > p.vlt_luma as i32
                    })
                    .fold(0u32, |m, d| m | 1 << d)
            })
            .collect();
        let mut weights = [0; 32];
        weights[..nd].copy_from_slice(&p.diff_weights[..nd]);
        CParams { steps, weights }
    }
}

/// The set bits of `m`, lowest first.
#[inline]
fn bits(mut m: u32) -> impl Iterator<Item = usize> {
    std::iter::from_fn(move || {
        (m != 0).then(|| {
            let d = m.trailing_zeros() as usize;
            m &= m - 1;
            d
        })
    })
}

/// c-values of the run `[a, b]` (band index `k`) into `out[a..=b]`; `out` holds 16 values of
/// slack past the row.
#[inline]
#[target_feature(enable = "avx2")]
fn c_values_run(
    hist: &[u16],
    lay: &Layout,
    cp: &CParams,
    k: u16,
    a: usize,
    b: usize,
    out: &mut [f32],
) {
    let steps = cp.steps[k as usize];
    if steps == 0 {
        return; // every step fails its condition: c-value 0 (already written)
    }
    let k = k as usize;
    let hs = lay.hs;
    let col0 = lay.hp;
    if b - a < 3 {
        for (col, o) in out.iter_mut().enumerate().take(b + 1).skip(a) {
            let c = col0 + col;
            let p0 = hist[k * hs + c];
            let mut cv = 0.0f32;
            for d in bits(steps) {
                let step = d + 1;
                let p1 = hist[(k + step) * hs + c];
                let p2 = if k >= step {
                    hist[(k - step) * hs + c]
                } else {
                    0
                };
                let pm = if p1 > p2 { p1 } else { p2 };
                let prod = cp.weights[d] * p0 as i32 * pm as i32;
                let val = prod as f32 * RECIPROCAL_LUT[pm as usize + p0 as usize];
                if val > cv {
                    cv = val;
                }
            }
            *o = cv;
        }
        return;
    }
    let zero = _mm256_setzero_si256();
    let lut_max = _mm256_set1_epi32(RECIPROCAL_LUT_SIZE as i32 - 1);
    let mut col = a;
    while col <= b {
        let c = col0 + col;
        let p0 = ld(hist, k * hs + c);
        let mut c_lo = _mm256_setzero_ps();
        let mut c_hi = _mm256_setzero_ps();
        for d in bits(steps) {
            let step = d + 1;
            let p1 = ld(hist, (k + step) * hs + c);
            let p2 = if k >= step {
                ld(hist, (k - step) * hs + c)
            } else {
                zero
            };
            let pm = _mm256_max_epu16(p1, p2);
            // p0 * pm as exact 32-bit products (lanes in unpack order)
            let pl = _mm256_mullo_epi16(p0, pm);
            let ph = _mm256_mulhi_epu16(p0, pm);
            let w = _mm256_set1_epi32(cp.weights[d]);
            let prod_lo = _mm256_mullo_epi32(_mm256_unpacklo_epi16(pl, ph), w);
            let prod_hi = _mm256_mullo_epi32(_mm256_unpackhi_epi16(pl, ph), w);
            let sum = _mm256_add_epi16(p0, pm);
            let i_lo = _mm256_min_epi32(_mm256_unpacklo_epi16(sum, zero), lut_max);
            let i_hi = _mm256_min_epi32(_mm256_unpackhi_epi16(sum, zero), lut_max);
            // SAFETY: indices are clamped to the table's last entry.
            let (r_lo, r_hi) = unsafe {
                (
                    _mm256_i32gather_ps::<4>(RECIPROCAL_LUT.as_ptr(), i_lo),
                    _mm256_i32gather_ps::<4>(RECIPROCAL_LUT.as_ptr(), i_hi),
                )
            };
            let v_lo = _mm256_mul_ps(_mm256_cvtepi32_ps(prod_lo), r_lo);
            let v_hi = _mm256_mul_ps(_mm256_cvtepi32_ps(prod_hi), r_hi);
            // scalar: if val > c { c = val }
            c_lo = _mm256_max_ps(v_lo, c_lo);
            c_hi = _mm256_max_ps(v_hi, c_hi);
        }
        // back to column order: unpacklo holds columns 0-3 | 8-11, unpackhi 4-7 | 12-15
        let first = _mm256_permute2f128_ps::<0x20>(c_lo, c_hi);
        let second = _mm256_permute2f128_ps::<0x31>(c_lo, c_hi);
        let n = b + 1 - col;
        if n >= 16 {
            stf(out, col, first);
            stf(out, col + 8, second);
        } else {
            // the last vector: lanes past the run are written as 0 (their own run, if any,
            // comes later and rewrites them)
            let keep = _mm256_cmpgt_epi32(
                _mm256_set1_epi32(n as i32),
                _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7),
            );
            let keep2 = _mm256_cmpgt_epi32(
                _mm256_set1_epi32(n as i32 - 8),
                _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7),
            );
            stf(out, col, _mm256_and_ps(first, _mm256_castsi256_ps(keep)));
            stf(
                out,
                col + 8,
                _mm256_and_ps(second, _mm256_castsi256_ps(keep2)),
            );
        }
        col += 16;
    }
}

// ---------------------------------------------------------------------------------------------
// Pooling

/// Elements per block of the partition scans.
const QB: usize = 32;

/// Bit t set when `arr[at + t]` stops an i-scan (`!(v > pivot)`, with `LE`) or a j-scan
/// (`!(v < pivot)`), t < 32. Folds the largest bit pattern seen (as `u32`) into `maxbits`.
#[inline]
#[target_feature(enable = "avx2")]
fn stops<const LE: bool>(arr: &[f32], at: usize, pv: __m256, maxbits: &mut __m256i) -> u32 {
    let s = &arr[at..at + QB];
    let mut m = 0u32;
    for (q, c) in s.chunks_exact(8).enumerate() {
        // SAFETY: `c` is 8 in-bounds f32; unaligned load.
        let v = unsafe { _mm256_loadu_ps(c.as_ptr()) };
        *maxbits = _mm256_max_epu32(*maxbits, _mm256_castps_si256(v));
        let stop = if LE {
            _mm256_cmp_ps::<_CMP_NGT_UQ>(v, pv)
        } else {
            _mm256_cmp_ps::<_CMP_NLT_UQ>(v, pv)
        };
        m |= (_mm256_movemask_ps(stop) as u32) << (8 * q);
    }
    m
}

/// Set-bit positions of every byte value, lowest first (`.0`) and highest first (`.1`),
/// with the count (`.2`).
const fn bit_lists() -> ([[u8; 8]; 256], [[u8; 8]; 256], [u8; 256]) {
    let mut up = [[0u8; 8]; 256];
    let mut down = [[0u8; 8]; 256];
    let mut count = [0u8; 256];
    let mut m = 0;
    while m < 256 {
        let mut n = 0;
        let mut b = 0;
        while b < 8 {
            if m & (1 << b) != 0 {
                up[m][n] = b as u8;
                n += 1;
            }
            b += 1;
        }
        let mut t = 0;
        while t < n {
            down[m][t] = up[m][n - 1 - t];
            t += 1;
        }
        count[m] = n as u8;
        m += 1;
    }
    (up, down, count)
}

static BIT_LISTS: ([[u8; 8]; 256], [[u8; 8]; 256], [u8; 256]) = bit_lists();

/// Offsets of the set bits of `m` into `out`, increasing (or decreasing with `down`); returns
/// their number.
#[inline]
fn list_bits(m: u32, out: &mut [u8; 40], down: bool) -> usize {
    let (up_t, down_t, count) = &BIT_LISTS;
    let mut n = 0;
    for q in 0..4 {
        let q = if down { 3 - q } else { q };
        let byte = ((m >> (8 * q)) & 0xff) as usize;
        let src = if down { &down_t[byte] } else { &up_t[byte] };
        for (o, &b) in out[n..n + 8].iter_mut().zip(src) {
            *o = b + 8 * q as u8;
        }
        n += count[byte] as usize;
    }
    n
}

/// One Hoare partition pass of [`scalar::quick_select`] over `arr[left..=right]` around
/// `pivot`; returns the final `(i, j)`.
///
/// The scalar loop alternates an i-scan (skip `> pivot`), a j-scan (skip `< pivot`) and a swap.
/// While the scans are far apart, 32-element blocks are classified at once: the m-th i-stop
/// of the left blocks pairs with the m-th j-stop of the right blocks, exactly as the scalar
/// loop pairs them, because a swap only changes the two positions it consumes. Near the
/// crossing point the scalar loop finishes from the same state.
///
/// `maxbits` receives the largest bit pattern (as `u32`) of `arr[left..=right]`: every sample
/// of the range is either loaded by a block or lies in the scalar part, which is checked whole.
#[target_feature(enable = "avx2")]
fn partition(
    arr: &mut [f32],
    left: usize,
    right: usize,
    pivot: f32,
    maxbits: &mut u32,
) -> (isize, isize) {
    let pv = _mm256_set1_ps(pivot);
    let mut mb = _mm256_setzero_si256();
    let (mut i, mut j) = (left as isize, right as isize);
    let b = QB as isize;
    // pending stops of the current blocks: offsets from the block start
    let (mut lpos, mut lh, mut ln, mut lbase) = ([0u8; 40], 0usize, 0usize, 0isize);
    let (mut rpos, mut rh, mut rn, mut rbase) = ([0u8; 40], 0usize, 0usize, 0isize);
    loop {
        if lh == ln {
            // the next left block [i, i + B) must stay left of the right block
            let limit = if rh < rn { rbase } else { j - b + 1 };
            if i + b > limit {
                break;
            }
            let m = stops::<true>(arr, i as usize, pv, &mut mb);
            if m == 0 {
                i += b;
                continue;
            }
            ln = list_bits(m, &mut lpos, false);
            lh = 0;
            lbase = i;
        }
        if rh == rn {
            let start = j - b + 1;
            if start < lbase + b {
                break;
            }
            let m = stops::<false>(arr, start as usize, pv, &mut mb);
            if m == 0 {
                j -= b;
                continue;
            }
            rn = list_bits(m, &mut rpos, true);
            rh = 0;
            rbase = start;
        }
        let cnt = (ln - lh).min(rn - rh);
        let (lb, rb) = (lbase as usize, rbase as usize);
        if cnt == QB {
            // two full blocks: the left one takes the right one reversed, and vice versa
            let (lo, hi) = arr.split_at_mut(rb);
            let l = &mut lo[lb..lb + QB];
            let r = &mut hi[..QB];
            let rev = _mm256_setr_epi32(7, 6, 5, 4, 3, 2, 1, 0);
            for q in 0..4 {
                let (lc, rc) = (&mut l[8 * q..8 * q + 8], &mut r[24 - 8 * q..32 - 8 * q]);
                // SAFETY: `lc` and `rc` are 8 in-bounds f32 each, disjoint; unaligned access.
                unsafe {
                    let x = _mm256_loadu_ps(lc.as_ptr());
                    let y = _mm256_loadu_ps(rc.as_ptr());
                    _mm256_storeu_ps(lc.as_mut_ptr(), _mm256_permutevar8x32_ps(y, rev));
                    _mm256_storeu_ps(rc.as_mut_ptr(), _mm256_permutevar8x32_ps(x, rev));
                }
            }
        } else {
            for t in 0..cnt {
                arr.swap(lb + lpos[lh + t] as usize, rb + rpos[rh + t] as usize);
            }
        }
        let p = lbase + lpos[lh + cnt - 1] as isize;
        let q = rbase + rpos[rh + cnt - 1] as isize;
        i = p + 1;
        j = q - 1;
        if i > j {
            // blocks are only loaded whole and left of each other: all of the range was seen
            *maxbits = (*maxbits).max(hmax_u32(mb));
            return (i, j);
        }
        lh += cnt;
        rh += cnt;
        if lh == ln {
            i = lbase + b;
        }
        if rh == rn {
            j = rbase - 1;
        }
    }
    // scalar finish from the same state (the scans resume where they are); the unseen part
    // of the range lies between the two scans
    *maxbits = (*maxbits).max(hmax_u32(mb));
    for v in &arr[i as usize..=j as usize] {
        *maxbits = (*maxbits).max(v.to_bits());
    }
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
            return (i, j);
        }
    }
}

/// Largest `u32` lane.
#[inline]
#[target_feature(enable = "avx2")]
fn hmax_u32(v: __m256i) -> u32 {
    let m = _mm_max_epu32(_mm256_castsi256_si128(v), _mm256_extracti128_si256::<1>(v));
    let m = _mm_max_epu32(m, _mm_shuffle_epi32::<0b01_00_11_10>(m));
    let m = _mm_max_epu32(m, _mm_shuffle_epi32::<0b10_11_00_01>(m));
    _mm_cvtsi128_si32(m) as u32
}

/// [`scalar::quick_select`].
///
/// Besides the block partition, one shortcut: when every value is `+0.0` or positive (bit
/// patterns up to `+inf`, as c-values are) and a pass pivots on `+0.0` and continues right of
/// its final `j`, that part holds only `+0.0` (a pass leaves values `<= pivot` there). Every
/// later scalar pass then swaps `+0.0` with `+0.0`: the array is already final.
#[target_feature(enable = "avx2")]
fn quick_select(arr: &mut [f32], n: usize, k: usize) {
    if n == k {
        return;
    }
    let ki = k as isize;
    let (mut left, mut right) = (0isize, n as isize - 1);
    // set by the first pass, which sees every value
    let mut nonnegative = None;
    while left < right {
        let pivot = arr[k];
        let mut maxbits = 0u32;
        let (i, j) = partition(arr, left as usize, right as usize, pivot, &mut maxbits);
        let nonnegative = *nonnegative.get_or_insert(maxbits <= f32::INFINITY.to_bits());
        if j < ki {
            left = i;
            if nonnegative && pivot.to_bits() == 0 {
                return;
            }
        }
        if ki < i {
            right = j;
        }
    }
}

/// [`scalar::average_topk_elements`]: the same `f64` sum in the same order, skipping zeros
/// (adding ±0 leaves a sum unchanged).
#[target_feature(enable = "avx2")]
fn average_topk(arr: &[f32], k: usize) -> f64 {
    let zero = _mm256_setzero_ps();
    let mut sum = 0.0f64;
    let mut chunks = arr[..k].chunks_exact(8);
    for c in &mut chunks {
        // SAFETY: `c` is 8 in-bounds f32; unaligned load.
        let v = unsafe { _mm256_loadu_ps(c.as_ptr()) };
        let mut nz = !(_mm256_movemask_ps(_mm256_cmp_ps::<_CMP_EQ_OQ>(v, zero)) as u32) & 0xff;
        while nz != 0 {
            sum += c[nz.trailing_zeros() as usize] as f64;
            nz &= nz - 1;
        }
    }
    for &v in chunks.remainder() {
        sum += v as f64;
    }
    sum / k as f64
}

#[target_feature(enable = "avx2")]
fn spatial_pooling(c_values: &mut [f32], topk: f64, width: usize, height: usize) -> f64 {
    let n = width * height;
    let k = ((topk * n as f64) as i32).clamp(1, n as i32) as usize;
    quick_select(c_values, n, k);
    average_topk(c_values, k)
}
