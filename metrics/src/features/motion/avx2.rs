//! AVX2 twin of the integer motion SAD ([`super::scalar::motion_sad`]), bit-exact with it on
//! every input (parity tests in `metrics/tests/motion_simd.rs`: every width and tail length,
//! odd strides, full-scale samples at 8..16 bits).
//!
//! How exactness is kept without the scalar code's `i64` sums:
//! * **Vertical pass** (8..14-bit samples): the sample differences `d` fit `i16` (computed once
//!   per input row into a ring of five rows), and so do the symmetric pair sums `d0 + d4`, `d1 + d3`; `madd` of `(d0 + d4, d1 + d3)` with the tap pair
//!   `(f0, f1)` plus `madd` of `(d2, 1)` with `(f2, 2^(bpc-1))` is the exact rounded sum in
//!   `i32`. 15- and 16-bit samples split `d = 2 h + l` (`l` in {0, 1}); with
//!   `A = Σ f·h` and `B = Σ f·l` (both exact `i32`), `(Σ f·d + R) >> bpc` equals
//!   `(A + ((B + R) >> 1)) >> (bpc - 1)`.
//! * **Horizontal pass**: each vertical result `v` (|v| < 2^16) is stored split as
//!   `v = 256 h + l`, `h` in [-256, 255], `l` in [0, 255], both `i16`; `A = Σ f·h` and
//!   `B = Σ f·l + 2^15` are exact `madd` sums and `(Σ f·v + 2^15) >> 16 = (A + (B >> 8)) >> 8`.
//! * **Row sums** of `|v|` wrap in `u32` like libvmaf's; lane-wise wrapping sums give the same
//!   residue. The two mirrored columns on each side are stored as padding of the split rows,
//!   so every output column runs the same code.

use std::arch::x86_64::*;

use super::kernels::Scratch;
use super::scalar::{mirror, FILTER};
use crate::frame::{Pixel, Plane};

pub use crate::cpu::Avx2;

impl Avx2 {
    /// [`super::scalar::motion_sad`] of 8-bit planes.
    pub fn motion_sad_u8(
        self,
        prev: &Plane<'_, u8>,
        cur: &Plane<'_, u8>,
        bpc: u32,
        scratch: &mut Scratch,
    ) -> u64 {
        // SAFETY: an `Avx2` value exists only when the CPU supports AVX2.
        unsafe { motion_sad(prev, cur, bpc, scratch) }
    }

    /// [`super::scalar::motion_sad`] of 9..16-bit planes.
    pub fn motion_sad_u16(
        self,
        prev: &Plane<'_, u16>,
        cur: &Plane<'_, u16>,
        bpc: u32,
        scratch: &mut Scratch,
    ) -> u64 {
        // SAFETY: an `Avx2` value exists only when the CPU supports AVX2.
        unsafe { motion_sad(prev, cur, bpc, scratch) }
    }
}

/// `i32` lane holding the `madd` multiplier pair (a for the low `i16`, b for the high one).
const fn pair(a: i64, b: i64) -> i32 {
    ((b << 16) | (a & 0xffff)) as i32
}

// ---------------------------------------------------------------------------------------------
// Loads and stores (bounds-checked slices; the only `unsafe` is the unaligned access itself).

/// 16 samples from `row[j..]` widened to `i16` lanes.
#[inline]
#[target_feature(enable = "avx2")]
fn load_px16<T: Pixel>(row: &[T], j: usize) -> __m256i {
    let s = &row[j..j + 16];
    if T::BYTES == 1 {
        // SAFETY: a 1-byte `Pixel` is `u8`, so `s` is 16 in-bounds bytes; `loadu` accepts any
        // alignment.
        _mm256_cvtepu8_epi16(unsafe { _mm_loadu_si128(s.as_ptr().cast()) })
    } else {
        // SAFETY: a 2-byte `Pixel` is `u16`, so `s` is 32 in-bounds bytes; unaligned load.
        unsafe { _mm256_loadu_si256(s.as_ptr().cast()) }
    }
}

/// 8 `u16` samples from `row[j..]` widened to `i32` lanes.
#[inline]
#[target_feature(enable = "avx2")]
fn load_u16x8(row: &[u16], j: usize) -> __m256i {
    let s = &row[j..j + 8];
    // SAFETY: 8 in-bounds u16 (16 bytes); unaligned load.
    _mm256_cvtepu16_epi32(unsafe { _mm_loadu_si128(s.as_ptr().cast()) })
}

#[inline]
#[target_feature(enable = "avx2")]
fn load_i16x16(s: &[i16], i: usize) -> __m256i {
    let s = &s[i..i + 16];
    // SAFETY: 16 in-bounds i16 (32 bytes); unaligned load.
    unsafe { _mm256_loadu_si256(s.as_ptr().cast()) }
}

#[inline]
#[target_feature(enable = "avx2")]
fn store_i16x16(s: &mut [i16], i: usize, v: __m256i) {
    let s = &mut s[i..i + 16];
    // SAFETY: 16 in-bounds i16 (32 bytes) of a unique borrow; unaligned store.
    unsafe { _mm256_storeu_si256(s.as_mut_ptr().cast(), v) }
}

#[inline]
#[target_feature(enable = "avx2")]
fn store_i16x8(s: &mut [i16], i: usize, v: __m128i) {
    let s = &mut s[i..i + 8];
    // SAFETY: 8 in-bounds i16 (16 bytes) of a unique borrow; unaligned store.
    unsafe { _mm_storeu_si128(s.as_mut_ptr().cast(), v) }
}

// ---------------------------------------------------------------------------------------------
// Kernels

/// Scalar vertical tap of column `j` (the oracle's formula), for the tails.
#[inline]
fn vertical_at<T: Pixel>(p: &[&[T]; 5], c: &[&[T]; 5], bpc: u32, j: usize) -> i32 {
    let mut acc = 0i64;
    for k in 0..5 {
        let (a, b): (u32, u32) = (p[k][j].into(), c[k][j].into());
        acc += FILTER[k] * (a as i64 - b as i64);
    }
    ((acc + (1i64 << (bpc - 1))) >> bpc) as i32
}

/// Splits two vectors of vertical results `v` (`i32` lanes, |v| < 2^16) into packed `i16`
/// vectors of `v >> 8` and `v & 255` (`packs` order: per 128-bit lane, `v_a` then `v_b`).
#[inline]
#[target_feature(enable = "avx2")]
fn split_pack(v_a: __m256i, v_b: __m256i) -> (__m256i, __m256i) {
    let m = _mm256_set1_epi32(255);
    let h = _mm256_packs_epi32(_mm256_srai_epi32::<8>(v_a), _mm256_srai_epi32::<8>(v_b));
    let l = _mm256_packs_epi32(_mm256_and_si256(v_a, m), _mm256_and_si256(v_b, m));
    (h, l)
}

/// `out[j] = row_a[j] - row_b[j]` for `j < w` (8..14-bit samples: the difference fits `i16`).
#[target_feature(enable = "avx2")]
fn diff_row<T: Pixel>(a: &[T], b: &[T], out: &mut [i16]) {
    let w = a.len();
    let mut j = 0;
    while j + 16 <= w {
        store_i16x16(out, j, _mm256_sub_epi16(load_px16(a, j), load_px16(b, j)));
        j += 16;
    }
    for j in j..w {
        let (x, y): (u32, u32) = (a[j].into(), b[j].into());
        out[j] = (x as i32 - y as i32) as i16;
    }
}

/// Vertical pass of one output row from the five (mirrored) difference rows `d` of 8..14-bit
/// samples (`madd` in `i16` pairs). Writes the split results of columns `0..w` at
/// `hi[2..w + 2]`/`lo[2..w + 2]`; returns whether any is non-zero.
#[target_feature(enable = "avx2")]
fn vertical_madd(d: &[&[i16]; 5], w: usize, bpc: u32, hi: &mut [i16], lo: &mut [i16]) -> bool {
    debug_assert!(bpc <= 14);
    let f01 = _mm256_set1_epi32(pair(FILTER[0], FILTER[1]));
    let f2r = _mm256_set1_epi32(pair(FILTER[2], 1 << (bpc - 1)));
    let one = _mm256_set1_epi16(1);
    let shift = _mm_cvtsi32_si128(bpc as i32);
    let mut nz = _mm256_setzero_si256();
    let mut j = 0;
    while j + 16 <= w {
        let s04 = _mm256_add_epi16(load_i16x16(d[0], j), load_i16x16(d[4], j));
        let s13 = _mm256_add_epi16(load_i16x16(d[1], j), load_i16x16(d[3], j));
        let d2 = load_i16x16(d[2], j);
        let a = _mm256_add_epi32(
            _mm256_madd_epi16(_mm256_unpacklo_epi16(s04, s13), f01),
            _mm256_madd_epi16(_mm256_unpacklo_epi16(d2, one), f2r),
        );
        let b = _mm256_add_epi32(
            _mm256_madd_epi16(_mm256_unpackhi_epi16(s04, s13), f01),
            _mm256_madd_epi16(_mm256_unpackhi_epi16(d2, one), f2r),
        );
        let a = _mm256_sra_epi32(a, shift);
        let b = _mm256_sra_epi32(b, shift);
        nz = _mm256_or_si256(nz, _mm256_or_si256(a, b));
        // unpacklo/hi then packs, both per 128-bit lane: the column order is restored
        let (h, l) = split_pack(a, b);
        store_i16x16(hi, j + 2, h);
        store_i16x16(lo, j + 2, l);
        j += 16;
    }
    let mut any = _mm256_testz_si256(nz, nz) == 0;
    for j in j..w {
        let mut acc = 0i64;
        for (f, r) in FILTER.iter().zip(d) {
            acc += f * r[j] as i64;
        }
        let v = ((acc + (1i64 << (bpc - 1))) >> bpc) as i32;
        hi[j + 2] = (v >> 8) as i16;
        lo[j + 2] = (v & 255) as i16;
        any |= v != 0;
    }
    any
}

/// Vertical pass for 15- and 16-bit samples (`i32` lanes, differences split in two).
#[target_feature(enable = "avx2")]
fn vertical_wide(
    p: &[&[u16]; 5],
    c: &[&[u16]; 5],
    bpc: u32,
    hi: &mut [i16],
    lo: &mut [i16],
) -> bool {
    let w = p[0].len();
    let f0 = _mm256_set1_epi32(FILTER[0] as i32);
    let f1 = _mm256_set1_epi32(FILTER[1] as i32);
    let f2 = _mm256_set1_epi32(FILTER[2] as i32);
    let one = _mm256_set1_epi32(1);
    let round = _mm256_set1_epi32(1 << (bpc - 1));
    let shift = _mm_cvtsi32_si128(bpc as i32 - 1);
    let mut nz = _mm256_setzero_si256();
    let mut j = 0;
    while j + 8 <= w {
        let d0 = _mm256_sub_epi32(load_u16x8(p[0], j), load_u16x8(c[0], j));
        let d1 = _mm256_sub_epi32(load_u16x8(p[1], j), load_u16x8(c[1], j));
        let d2 = _mm256_sub_epi32(load_u16x8(p[2], j), load_u16x8(c[2], j));
        let d3 = _mm256_sub_epi32(load_u16x8(p[3], j), load_u16x8(c[3], j));
        let d4 = _mm256_sub_epi32(load_u16x8(p[4], j), load_u16x8(c[4], j));
        let h = |d: __m256i| _mm256_srai_epi32::<1>(d);
        let a = _mm256_add_epi32(
            _mm256_add_epi32(
                _mm256_mullo_epi32(f0, _mm256_add_epi32(h(d0), h(d4))),
                _mm256_mullo_epi32(f1, _mm256_add_epi32(h(d1), h(d3))),
            ),
            _mm256_mullo_epi32(f2, h(d2)),
        );
        let l = |d: __m256i| _mm256_and_si256(d, one);
        let b = _mm256_add_epi32(
            _mm256_add_epi32(
                _mm256_mullo_epi32(f0, _mm256_add_epi32(l(d0), l(d4))),
                _mm256_mullo_epi32(f1, _mm256_add_epi32(l(d1), l(d3))),
            ),
            _mm256_mullo_epi32(f2, l(d2)),
        );
        let half = _mm256_srai_epi32::<1>(_mm256_add_epi32(b, round));
        let v = _mm256_sra_epi32(_mm256_add_epi32(a, half), shift);
        nz = _mm256_or_si256(nz, v);
        let (h, l) = split_pack(v, v);
        // packs of (v, v): lanes [v0-3, v0-3 | v4-7, v4-7]; quadwords 0 and 2 hold v0-7
        let h = _mm256_castsi256_si128(_mm256_permute4x64_epi64::<0b1000>(h));
        let l = _mm256_castsi256_si128(_mm256_permute4x64_epi64::<0b1000>(l));
        store_i16x8(hi, j + 2, h);
        store_i16x8(lo, j + 2, l);
        j += 8;
    }
    let mut any = _mm256_testz_si256(nz, nz) == 0;
    for j in j..w {
        let v = vertical_at(p, c, bpc, j);
        hi[j + 2] = (v >> 8) as i16;
        lo[j + 2] = (v & 255) as i16;
        any |= v != 0;
    }
    any
}

/// Horizontal pass and wrapping absolute row sum over the split row (`hi`/`lo`, `w + 4`
/// entries with the mirrored columns in place).
#[target_feature(enable = "avx2")]
fn horizontal_sad(hi: &[i16], lo: &[i16], w: usize) -> u32 {
    let f01 = _mm256_set1_epi32(pair(FILTER[0], FILTER[1]));
    let f2z = _mm256_set1_epi32(pair(FILTER[2], 0));
    // (l2, 2) x (f2, 2^14): the 2^15 of the final rounding folded into B
    let f2r = _mm256_set1_epi32(pair(FILTER[2], 1 << 14));
    let two = _mm256_set1_epi16(2);
    let zero = _mm256_setzero_si256();
    let mut acc = _mm256_setzero_si256();
    let mut j = 0;
    while j + 16 <= w {
        let h04 = _mm256_add_epi16(load_i16x16(hi, j), load_i16x16(hi, j + 4));
        let h13 = _mm256_add_epi16(load_i16x16(hi, j + 1), load_i16x16(hi, j + 3));
        let h2 = load_i16x16(hi, j + 2);
        let l04 = _mm256_add_epi16(load_i16x16(lo, j), load_i16x16(lo, j + 4));
        let l13 = _mm256_add_epi16(load_i16x16(lo, j + 1), load_i16x16(lo, j + 3));
        let l2 = load_i16x16(lo, j + 2);
        let a0 = _mm256_add_epi32(
            _mm256_madd_epi16(_mm256_unpacklo_epi16(h04, h13), f01),
            _mm256_madd_epi16(_mm256_unpacklo_epi16(h2, zero), f2z),
        );
        let a1 = _mm256_add_epi32(
            _mm256_madd_epi16(_mm256_unpackhi_epi16(h04, h13), f01),
            _mm256_madd_epi16(_mm256_unpackhi_epi16(h2, zero), f2z),
        );
        let b0 = _mm256_add_epi32(
            _mm256_madd_epi16(_mm256_unpacklo_epi16(l04, l13), f01),
            _mm256_madd_epi16(_mm256_unpacklo_epi16(l2, two), f2r),
        );
        let b1 = _mm256_add_epi32(
            _mm256_madd_epi16(_mm256_unpackhi_epi16(l04, l13), f01),
            _mm256_madd_epi16(_mm256_unpackhi_epi16(l2, two), f2r),
        );
        let r0 = _mm256_srai_epi32::<8>(_mm256_add_epi32(a0, _mm256_srai_epi32::<8>(b0)));
        let r1 = _mm256_srai_epi32::<8>(_mm256_add_epi32(a1, _mm256_srai_epi32::<8>(b1)));
        acc = _mm256_add_epi32(
            acc,
            _mm256_add_epi32(_mm256_abs_epi32(r0), _mm256_abs_epi32(r1)),
        );
        j += 16;
    }
    let s = _mm_add_epi32(
        _mm256_castsi256_si128(acc),
        _mm256_extracti128_si256::<1>(acc),
    );
    let s = _mm_add_epi32(s, _mm_shuffle_epi32::<0b01_00_11_10>(s));
    let s = _mm_add_epi32(s, _mm_shuffle_epi32::<0b10_11_00_01>(s));
    let mut row_sad = _mm_cvtsi128_si32(s) as u32;
    for j in j..w {
        let mut a = 0i64;
        for (k, f) in FILTER.iter().enumerate() {
            let v = 256 * hi[j + k] as i64 + lo[j + k] as i64;
            a += f * v;
        }
        let r = ((a + 32768) >> 16) as i32;
        row_sad = row_sad.wrapping_add(r.unsigned_abs());
    }
    row_sad
}

/// The whole SAD (see the module notes). `ring` holds at least `5 * width` samples.
#[target_feature(enable = "avx2")]
fn motion_sad<T: Pixel>(prev: &Plane<'_, T>, cur: &Plane<'_, T>, bpc: u32, s: &mut Scratch) -> u64 {
    let (w, h) = (prev.width(), prev.height());
    debug_assert!(cur.width() == w && cur.height() == h && w >= 3 && h >= 3);
    let (hi, lo) = (&mut s.hi[..w + 4], &mut s.lo[..w + 4]);
    let ring = &mut s.ring[..5 * w];
    let mut sad = 0u64;
    let mut next_diff = 0;
    for i in 0..h {
        let r = |k: usize| mirror(i as isize - 2 + k as isize, h);
        let rows = [r(0), r(1), r(2), r(3), r(4)];
        let any = if bpc <= 14 {
            // difference rows i-2..=i+2 (clipped) live in slot `row % 5`
            while next_diff < h && next_diff <= i + 2 {
                let slot = &mut ring[(next_diff % 5) * w..(next_diff % 5 + 1) * w];
                diff_row(prev.row(next_diff), cur.row(next_diff), slot);
                next_diff += 1;
            }
            let d = rows.map(|y| &ring[(y % 5) * w..(y % 5 + 1) * w]);
            vertical_madd(&d, w, bpc, hi, lo)
        } else {
            let p = rows.map(|y| prev.row(y));
            let c = rows.map(|y| cur.row(y));
            vertical_wide_px(&p, &c, bpc, hi, lo)
        };
        if !any {
            continue;
        }
        for (a, b) in [(0, 4), (1, 3), (w + 2, w), (w + 3, w - 1)] {
            hi[a] = hi[b];
            lo[a] = lo[b];
        }
        sad += horizontal_sad(hi, lo, w) as u64;
    }
    sad
}

/// [`vertical_wide`] for 15/16-bit `u16` planes; any other sample type takes the scalar taps
/// (8-bit planes never get here: their depth is 8).
#[inline]
#[target_feature(enable = "avx2")]
fn vertical_wide_px<T: Pixel>(
    p: &[&[T]; 5],
    c: &[&[T]; 5],
    bpc: u32,
    hi: &mut [i16],
    lo: &mut [i16],
) -> bool {
    if T::BYTES == 2 {
        let cast = |r: &[&[T]; 5]| {
            r.map(|row| {
                // SAFETY: a 2-byte `Pixel` is `u16`: same size, alignment and validity.
                unsafe { std::slice::from_raw_parts(row.as_ptr().cast::<u16>(), row.len()) }
            })
        };
        return vertical_wide(&cast(p), &cast(c), bpc, hi, lo);
    }
    let w = p[0].len();
    let mut any = false;
    for j in 0..w {
        let v = vertical_at(p, c, bpc, j);
        hi[j + 2] = (v >> 8) as i16;
        lo[j + 2] = (v & 255) as i16;
        any |= v != 0;
    }
    any
}
