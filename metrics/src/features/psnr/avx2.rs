//! AVX2 twins of the `psnr` row kernels, bit-exact with [`super::scalar`] on every input
//! (parity tests in `metrics/tests/psnr_simd.rs`: every width and tail length, odd strides,
//! full-scale samples at 8..16 bits).
//!
//! * 8-bit: the `i16` differences are squared and pair-summed by `madd` (at most
//!   `2 · 255² < 2^31`), then added lane-wise in wrapping 32-bit lanes; wrapping sums are
//!   associative, so the lanes' wrapping total is the scalar row's wrapping `u32` sum.
//! * 9..16-bit: `|diff|² < 2^32` is exact in a 32-bit lane (`mullo`), widened to 64 bits and
//!   summed in four `u64` lanes: the exact sum, as in the scalar row.

use std::arch::x86_64::*;

use super::scalar;

pub use crate::cpu::Avx2;

impl Avx2 {
    /// [`scalar::sse_row_u8`].
    pub fn sse_row_u8(self, reference: &[u8], distorted: &[u8]) -> u32 {
        // SAFETY: an `Avx2` value exists only when the CPU supports AVX2.
        unsafe { sse_row_u8(reference, distorted) }
    }

    /// [`scalar::sse_row_u16`].
    pub fn sse_row_u16(self, reference: &[u16], distorted: &[u16]) -> u64 {
        // SAFETY: an `Avx2` value exists only when the CPU supports AVX2.
        unsafe { sse_row_u16(reference, distorted) }
    }
}

#[target_feature(enable = "avx2")]
fn sse_row_u8(reference: &[u8], distorted: &[u8]) -> u32 {
    let n = reference.len().min(distorted.len());
    let (r, d) = (&reference[..n], &distorted[..n]);
    let mut acc = _mm256_setzero_si256();
    let mut x = 0;
    while x + 16 <= n {
        // SAFETY: `x + 16 <= n`: both 16-byte loads lie inside `r` and `d`.
        let (a, b) = unsafe {
            (
                _mm_loadu_si128(r.as_ptr().add(x).cast()),
                _mm_loadu_si128(d.as_ptr().add(x).cast()),
            )
        };
        let e = _mm256_sub_epi16(_mm256_cvtepu8_epi16(a), _mm256_cvtepu8_epi16(b));
        acc = _mm256_add_epi32(acc, _mm256_madd_epi16(e, e));
        x += 16;
    }
    let mut lanes = [0u32; 8];
    // SAFETY: `lanes` holds 32 bytes, the size of the unaligned store.
    unsafe { _mm256_storeu_si256(lanes.as_mut_ptr().cast(), acc) };
    let sum = lanes.iter().fold(0u32, |s, &v| s.wrapping_add(v));
    sum.wrapping_add(scalar::sse_row_u8(&r[x..], &d[x..]))
}

#[target_feature(enable = "avx2")]
fn sse_row_u16(reference: &[u16], distorted: &[u16]) -> u64 {
    let n = reference.len().min(distorted.len());
    let (r, d) = (&reference[..n], &distorted[..n]);
    let mut acc = _mm256_setzero_si256();
    let mut x = 0;
    while x + 8 <= n {
        // SAFETY: `x + 8 <= n`: both 8-sample (16-byte) loads lie inside `r` and `d`.
        let (a, b) = unsafe {
            (
                _mm_loadu_si128(r.as_ptr().add(x).cast()),
                _mm_loadu_si128(d.as_ptr().add(x).cast()),
            )
        };
        let e = _mm256_abs_epi32(_mm256_sub_epi32(
            _mm256_cvtepu16_epi32(a),
            _mm256_cvtepu16_epi32(b),
        ));
        let sq = _mm256_mullo_epi32(e, e);
        let lo = _mm256_cvtepu32_epi64(_mm256_castsi256_si128(sq));
        let hi = _mm256_cvtepu32_epi64(_mm256_extracti128_si256::<1>(sq));
        acc = _mm256_add_epi64(acc, _mm256_add_epi64(lo, hi));
        x += 8;
    }
    let mut lanes = [0u64; 4];
    // SAFETY: `lanes` holds 32 bytes, the size of the unaligned store.
    unsafe { _mm256_storeu_si256(lanes.as_mut_ptr().cast(), acc) };
    lanes.iter().sum::<u64>() + scalar::sse_row_u16(&r[x..], &d[x..])
}
