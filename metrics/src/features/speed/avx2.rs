//! AVX2 twins of SpEED's heavy loops, bit-exact with the scalar code (parity tests in
//! `metrics/tests/speed_simd.rs`). Every f32/f64 sum keeps its terms and their order; the
//! vectors run across independent outputs:
//!
//! * the vertical pass of the separable filter: 8 columns at a time, each
//!   `0 + f0·s0 + f1·s1 + ...` in tap order (`mul` then `add`, never fused), reading the samples straight from
//!   the picture (`v + (-128)`, or `v / 2^(bpc-8) + (-128)`, or the difference of two such
//!   samples for `speed_temporal`, which is exact and so equals `(a - b) / 2^(bpc-8)`): exactly
//!   the values the scalar path first stores in its f32 planes;
//! * the 25 sub-image means: the lanes of one vector are the five column shifts of one row
//!   shift, each a sequential f32 sum over the sub-image in row-major order;
//! * the 325 covariances: for a pair of row shifts, the 5×5 column-shift pairs are 25
//!   independent sequential f64 sums (four in a vector, one scalar per row) of the same
//!   products `(a - ma)·(b - mb)`;
//! * `matrix_mul`: across output columns, each a sequential f32 sum over k from zero, as
//!   the scalar (i, k, j) loop leaves it.

use std::arch::x86_64::*;

use crate::cpu::f32x8::{load as ldf, store as stf};

use super::filter::reflect101;
use super::source::{Source, OFFSET};

pub(crate) use crate::cpu::Avx2;

impl Avx2 {
    /// Vertical pass of `vif_filter1d_s` for output row `i` of the `w`×`h` plane `src` into
    /// `row[..w]`.
    pub(crate) fn vertical_pass(
        self,
        f: &[f32],
        src: &Source<'_>,
        w: usize,
        h: usize,
        i: usize,
        row: &mut [f32],
    ) {
        // SAFETY: an `Avx2` value exists only when the CPU supports AVX2.
        unsafe { vertical_pass(f, src, w, h, i, row) }
    }

    /// The 25 means and the covariance matrix of `compute_covariance_matrix` (see
    /// [`super::core`]); `data` holds 8 values of slack past the plane.
    pub(crate) fn covariance(
        self,
        data: &[f32],
        stride: usize,
        sub_w: usize,
        sub_h: usize,
        means: &mut [f32; 25],
        cov: &mut [f32],
    ) {
        // SAFETY: as above.
        unsafe { covariance(data, stride, sub_w, sub_h, means, cov) }
    }

    /// `matrix_mul` (see [`super::linalg`]).
    pub(crate) fn matmul(
        self,
        dst: &mut [f32],
        x: &[f32],
        y: &[f32],
        rows: usize,
        inner: usize,
        cols: usize,
    ) {
        // SAFETY: as above.
        unsafe { matmul(dst, x, y, rows, inner, cols) }
    }
}

// ---------------------------------------------------------------------------------------------
// Loads and stores (bounds-checked slices; the only `unsafe` is the unaligned access itself).

#[inline]
#[target_feature(enable = "avx2")]
fn ldf4(s: &[f32], i: usize) -> __m128 {
    let s = &s[i..i + 4];
    // SAFETY: 4 in-bounds f32; unaligned load.
    unsafe { _mm_loadu_ps(s.as_ptr()) }
}

/// 8 samples `row[j..j + 8]` of an 8-bit row as f32 `v + (-128)`.
#[inline]
#[target_feature(enable = "avx2")]
fn conv_u8(row: &[u8], j: usize) -> __m256 {
    _mm256_add_ps(_mm256_cvtepi32_ps(widen_u8(row, j)), _mm256_set1_ps(OFFSET))
}

/// 8 samples of a deeper row as f32 `v / scaler + (-128)`.
#[inline]
#[target_feature(enable = "avx2")]
fn conv_u16(row: &[u16], j: usize, scaler: __m256) -> __m256 {
    _mm256_add_ps(
        _mm256_div_ps(_mm256_cvtepi32_ps(widen_u16(row, j)), scaler),
        _mm256_set1_ps(OFFSET),
    )
}

// ---------------------------------------------------------------------------------------------
// Filter

/// Most taps a SpEED filter has (kernel scale 360/97 at scale 1: 35).
const MAX_TAPS: usize = 64;

#[target_feature(enable = "avx2")]
fn vertical_pass(f: &[f32], src: &Source<'_>, w: usize, h: usize, i: usize, row: &mut [f32]) {
    let taps = f.len();
    assert!(taps <= MAX_TAPS);
    let half = (taps / 2) as isize;
    let mut rows = [0usize; MAX_TAPS];
    for (k, r) in rows[..taps].iter_mut().enumerate() {
        *r = reflect101(i as isize - half + k as isize, h as isize);
    }
    let rows = &rows[..taps];
    let fv: [__m256; MAX_TAPS] =
        std::array::from_fn(|k| _mm256_set1_ps(f.get(k).copied().unwrap_or(0.0)));
    let mut j = 0;
    // one loop per source kind; `$load(k, j)` gives the samples of tap k at columns j..j + 8
    macro_rules! run {
        ($load:expr) => {
            while j + 8 <= w {
                let mut acc = _mm256_setzero_ps();
                for (k, fk) in fv.iter().enumerate().take(taps) {
                    acc = _mm256_add_ps(acc, _mm256_mul_ps(*fk, $load(k, j)));
                }
                stf(row, j, acc);
                j += 8;
            }
        };
    }
    let empty8: &[u8] = &[];
    let empty16: &[u16] = &[];
    match *src {
        Source::F32(d, stride) => run!(|k: usize, j: usize| ldf(d, rows[k] * stride + j)),
        Source::U8(p) => {
            let pr: [&[u8]; MAX_TAPS] =
                std::array::from_fn(|k| rows.get(k).map_or(empty8, |&r| p.row(r)));
            run!(|k: usize, j: usize| conv_u8(pr[k], j))
        }
        Source::U16(p, s) => {
            let sv = _mm256_set1_ps(s);
            let pr: [&[u16]; MAX_TAPS] =
                std::array::from_fn(|k| rows.get(k).map_or(empty16, |&r| p.row(r)));
            run!(|k: usize, j: usize| conv_u16(pr[k], j, sv))
        }
        // (a + (-128)) - (b + (-128)) is exact in f32 for these samples, so it equals the
        // exact integer difference converted (and divided by the power of two): one
        // conversion instead of two, the same values
        Source::DiffU8(a, b) => {
            let ar: [&[u8]; MAX_TAPS] =
                std::array::from_fn(|k| rows.get(k).map_or(empty8, |&r| a.row(r)));
            let br: [&[u8]; MAX_TAPS] =
                std::array::from_fn(|k| rows.get(k).map_or(empty8, |&r| b.row(r)));
            run!(|k: usize, j: usize| _mm256_cvtepi32_ps(_mm256_sub_epi32(
                widen_u8(ar[k], j),
                widen_u8(br[k], j)
            )))
        }
        Source::DiffU16(a, b, s) => {
            let sv = _mm256_set1_ps(s);
            let ar: [&[u16]; MAX_TAPS] =
                std::array::from_fn(|k| rows.get(k).map_or(empty16, |&r| a.row(r)));
            let br: [&[u16]; MAX_TAPS] =
                std::array::from_fn(|k| rows.get(k).map_or(empty16, |&r| b.row(r)));
            run!(|k: usize, j: usize| _mm256_div_ps(
                _mm256_cvtepi32_ps(_mm256_sub_epi32(widen_u16(ar[k], j), widen_u16(br[k], j))),
                sv
            ))
        }
    }
    for (j, out) in row.iter_mut().enumerate().take(w).skip(j) {
        let mut accum = 0.0f32;
        for (&c, &r) in f.iter().zip(rows) {
            accum += c * src.at(r, j);
        }
        *out = accum;
    }
}

/// 8 samples of an 8-bit row as `i32` lanes.
#[inline]
#[target_feature(enable = "avx2")]
fn widen_u8(row: &[u8], j: usize) -> __m256i {
    let s = &row[j..j + 8];
    // SAFETY: 8 in-bounds bytes; unaligned 64-bit load.
    _mm256_cvtepu8_epi32(unsafe { _mm_loadl_epi64(s.as_ptr().cast()) })
}

/// 8 samples of a deeper row as `i32` lanes.
#[inline]
#[target_feature(enable = "avx2")]
fn widen_u16(row: &[u16], j: usize) -> __m256i {
    let s = &row[j..j + 8];
    // SAFETY: 8 in-bounds u16; unaligned 128-bit load.
    _mm256_cvtepu16_epi32(unsafe { _mm_loadu_si128(s.as_ptr().cast()) })
}

// ---------------------------------------------------------------------------------------------
// Covariance

#[target_feature(enable = "avx2")]
fn covariance(
    data: &[f32],
    stride: usize,
    sub_w: usize,
    sub_h: usize,
    means: &mut [f32; 25],
    cov: &mut [f32],
) {
    const B: usize = 5;
    const N: usize = 25;
    // means: lane c of acc[r] sums data[r + i][c + j] over (i, j) in row-major order
    let count = (sub_w * sub_h) as f32;
    let mut acc = [_mm256_setzero_ps(); B];
    for i in 0..sub_h {
        for j in 0..sub_w {
            for (r, a) in acc.iter_mut().enumerate() {
                *a = _mm256_add_ps(*a, ldf(data, (r + i) * stride + j));
            }
        }
    }
    for (r, a) in acc.iter().enumerate() {
        let mut lanes = [0f32; 8];
        stf(&mut lanes, 0, *a);
        for c in 0..B {
            means[r * B + c] = lanes[c] / count;
        }
    }

    // covariances of every (rx, cx) x (ry, cy) with ry <= rx: for each row pair, 25 sums
    let count_f64 = (sub_w * sub_h) as f64;
    let m64: [f64; N] = std::array::from_fn(|x| means[x] as f64);
    for rx in 0..B {
        for ry in 0..=rx {
            let mx: [f64; B] = std::array::from_fn(|c| m64[rx * B + c]);
            let my = _mm256_setr_pd(
                m64[ry * B],
                m64[ry * B + 1],
                m64[ry * B + 2],
                m64[ry * B + 3],
            );
            let my4 = m64[ry * B + 4];
            let mut v = [_mm256_setzero_pd(); B];
            let mut s4 = [0f64; B];
            for i in 0..sub_h {
                let ra = (rx + i) * stride;
                let rb = (ry + i) * stride;
                for j in 0..sub_w {
                    let b = _mm256_sub_pd(_mm256_cvtps_pd(ldf4(data, rb + j)), my);
                    let b4 = data[rb + j + 4] as f64 - my4;
                    for cx in 0..B {
                        let a = data[ra + cx + j] as f64 - mx[cx];
                        v[cx] = _mm256_add_pd(v[cx], _mm256_mul_pd(_mm256_set1_pd(a), b));
                        s4[cx] += a * b4;
                    }
                }
            }
            for cx in 0..B {
                let mut lanes = [0f64; 5];
                // SAFETY: `lanes` holds at least 4 f64; unaligned store.
                unsafe { _mm256_storeu_pd(lanes.as_mut_ptr(), v[cx]) };
                lanes[4] = s4[cx];
                let xi = rx * B + cx;
                for (cy, &sum) in lanes.iter().enumerate() {
                    let yi = ry * B + cy;
                    // (a - ma)(b - mb) = (b - mb)(a - ma) exactly: either triangle holds the
                    // scalar value
                    let c = (sum / count_f64) as f32;
                    cov[xi * N + yi] = c;
                    cov[yi * N + xi] = c;
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Linear algebra

#[target_feature(enable = "avx2")]
fn matmul(dst: &mut [f32], x: &[f32], y: &[f32], rows: usize, inner: usize, cols: usize) {
    // dst[i][j] = ((0 + x[i][0] y[0][j]) + x[i][1] y[1][j]) + ..., as the scalar (i, k, j)
    // loop leaves it; up to 32 columns of a row stay in registers across k
    let full = cols / 8 * 8;
    for i in 0..rows {
        let xr = &x[i * inner..(i + 1) * inner];
        let mut j0 = 0;
        while j0 < full {
            let nv = ((full - j0) / 8).min(4);
            let mut acc = [_mm256_setzero_ps(); 4];
            for (k, &xik) in xr.iter().enumerate() {
                let xb = _mm256_set1_ps(xik);
                for (v, a) in acc.iter_mut().enumerate().take(nv) {
                    *a = _mm256_add_ps(*a, _mm256_mul_ps(xb, ldf(y, k * cols + j0 + 8 * v)));
                }
            }
            for (v, a) in acc.iter().enumerate().take(nv) {
                stf(dst, i * cols + j0 + 8 * v, *a);
            }
            j0 += 8 * nv;
        }
        for j in full..cols {
            let mut d = 0.0f32;
            for (k, &xik) in xr.iter().enumerate() {
                d += xik * y[k * cols + j];
            }
            dst[i * cols + j] = d;
        }
    }
}

#[cfg(test)]
mod tests {
    //! Kernel parity with the scalar code (the whole extractors are compared in
    //! `metrics/tests/speed_simd.rs`).
    use super::*;
    use crate::features::speed::filter::{antialias_filter, horizontal_at, local_mean_filter};
    use crate::frame::Plane;

    fn lcg(seed: &mut u64) -> u32 {
        *seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (*seed >> 33) as u32
    }

    /// The scalar vertical pass of `filter.rs` on the f32 values of `src`.
    fn vertical_scalar(f: &[f32], src: &Source<'_>, w: usize, h: usize, i: usize) -> Vec<f32> {
        let half = (f.len() / 2) as isize;
        (0..w)
            .map(|j| {
                let mut accum = 0.0f32;
                for (fi, &c) in f.iter().enumerate() {
                    let ii = reflect101(i as isize - half + fi as isize, h as isize);
                    accum += c * src.at(ii, j);
                }
                accum
            })
            .collect()
    }

    #[test]
    fn vertical_pass_parity() {
        let Some(t) = Avx2::new() else { return };
        let mut seed = 1;
        for ks in [1.0f32, 0.5, 1.5, 360.0 / 97.0] {
            for f in [antialias_filter(ks), local_mean_filter(ks)] {
                for w in (1..=40).chain([63, 64, 65, 961]) {
                    let h = f.len() + 3;
                    for bpc in [8u32, 10, 12, 16] {
                        let max = (1u32 << bpc) - 1;
                        let stride = w + 3;
                        let gen = |seed: &mut u64| -> Vec<u16> {
                            (0..stride * h)
                                .map(|k| {
                                    if k % 7 == 0 {
                                        max as u16
                                    } else {
                                        (lcg(seed) % (max + 1)) as u16
                                    }
                                })
                                .collect()
                        };
                        let (a, b) = (gen(&mut seed), gen(&mut seed));
                        let a8: Vec<u8> = a.iter().map(|&v| v as u8).collect();
                        let b8: Vec<u8> = b.iter().map(|&v| v as u8).collect();
                        let fl: Vec<f32> = a.iter().map(|&v| v as f32 * 0.37 - 99.0).collect();
                        let scaler = (1u32 << (bpc - 8)) as f32;
                        let pa = Plane::new(&a[..], w, h, stride).unwrap();
                        let pb = Plane::new(&b[..], w, h, stride).unwrap();
                        let pa8 = Plane::new(&a8[..], w, h, stride).unwrap();
                        let pb8 = Plane::new(&b8[..], w, h, stride).unwrap();
                        let sources = [
                            Source::F32(&fl, stride),
                            Source::U8(pa8),
                            Source::U16(pa, scaler),
                            Source::DiffU8(pa8, pb8),
                            Source::DiffU16(pa, pb, scaler),
                        ];
                        for src in &sources {
                            for i in [0, 1, h / 2, h - 1] {
                                let mut row = vec![f32::NAN; w];
                                t.vertical_pass(&f, src, w, h, i, &mut row);
                                let want = vertical_scalar(&f, src, w, h, i);
                                let bits =
                                    |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                                assert_eq!(
                                    bits(&row),
                                    bits(&want),
                                    "ks {ks} w {w} {bpc}-bit row {i} {src:?}"
                                );
                                // the horizontal pass reads the row the same way either way
                                if w > f.len() {
                                    assert_eq!(
                                        horizontal_at(&f, &row, w, w / 2).to_bits(),
                                        horizontal_at(&f, &want, w, w / 2).to_bits()
                                    );
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// `compute_covariance_matrix` as `core.rs` computes it.
    fn covariance_scalar(
        data: &[f32],
        stride: usize,
        sub_w: usize,
        sub_h: usize,
    ) -> ([f32; 25], Vec<f32>) {
        let mut means = [0f32; 25];
        let count = (sub_w * sub_h) as f32;
        for r in 0..5 {
            for c in 0..5 {
                let mut sum = 0.0f32;
                for i in 0..sub_h {
                    for &v in &data[(r + i) * stride + c..(r + i) * stride + c + sub_w] {
                        sum += v;
                    }
                }
                means[r * 5 + c] = sum / count;
            }
        }
        let mut cov = vec![0f32; 625];
        let count_f64 = (sub_w * sub_h) as f64;
        for xi in 0..25 {
            for yi in 0..=xi {
                let (rx, cx, ry, cy) = (xi / 5, xi % 5, yi / 5, yi % 5);
                let (mx, my) = (means[xi] as f64, means[yi] as f64);
                let mut acc = 0.0f64;
                for i in 0..sub_h {
                    let a = &data[(rx + i) * stride + cx..(rx + i) * stride + cx + sub_w];
                    let b = &data[(ry + i) * stride + cy..(ry + i) * stride + cy + sub_w];
                    for (&va, &vb) in a.iter().zip(b) {
                        acc += (va as f64 - mx) * (vb as f64 - my);
                    }
                }
                cov[xi * 25 + yi] = (acc / count_f64) as f32;
                cov[yi * 25 + xi] = (acc / count_f64) as f32;
            }
        }
        (means, cov)
    }

    #[test]
    fn covariance_parity() {
        let Some(t) = Avx2::new() else { return };
        let mut seed = 7;
        for (tw, th) in [(5, 5), (10, 5), (60, 30), (120, 65), (35, 40)] {
            for extra in [0, 3] {
                let stride = tw + extra;
                let n = stride * (th + extra);
                for scale in [1.0f32, 1e-3, 300.0] {
                    let data: Vec<f32> = (0..n + 8)
                        .map(|_| (lcg(&mut seed) % 20001) as f32 * 0.01 * scale - 100.0 * scale)
                        .collect();
                    let (sub_w, sub_h) = (tw - 4, th - 4);
                    let (m0, c0) = covariance_scalar(&data, stride, sub_w, sub_h);
                    let mut m1 = [0f32; 25];
                    let mut c1 = vec![f32::NAN; 625];
                    t.covariance(&data, stride, sub_w, sub_h, &mut m1, &mut c1);
                    let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                    assert_eq!(bits(&m1), bits(&m0), "means {tw}x{th}");
                    assert_eq!(bits(&c1), bits(&c0), "cov {tw}x{th} scale {scale}");
                }
            }
        }
    }

    #[test]
    fn matmul_parity() {
        let Some(t) = Avx2::new() else { return };
        let mut seed = 9;
        for (rows, inner, cols) in [(25, 25, 25), (25, 25, 312), (3, 7, 13), (25, 25, 1)] {
            let x: Vec<f32> = (0..rows * inner)
                .map(|_| lcg(&mut seed) as f32 / 1e9 - 2.0)
                .collect();
            let y: Vec<f32> = (0..inner * cols)
                .map(|_| lcg(&mut seed) as f32 / 1e9 - 2.0)
                .collect();
            let mut want = vec![0f32; rows * cols];
            for i in 0..rows {
                for k in 0..inner {
                    for j in 0..cols {
                        want[i * cols + j] += x[i * inner + k] * y[k * cols + j];
                    }
                }
            }
            let mut got = vec![f32::NAN; rows * cols];
            t.matmul(&mut got, &x, &y, rows, inner, cols);
            let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&got), bits(&want), "{rows}x{inner}x{cols}");
        }
    }
}
