//! AVX2 twin of float motion's blur ([`super::scalar::convolve`], libvmaf's
//! `convolution_f32_c_s`), bit-exact with it.
//!
//! The vectors run across 8 neighbouring output columns; each lane starts at 0.0 and adds
//! `tap · sample` tap by tap (`mulps` then `addps`, never fused), exactly the scalar sum. The
//! vertical pass covers every column (the tail with masked loads and stores); the horizontal
//! pass vectorises the columns whose taps stay inside the row and leaves the mirrored edge
//! columns to the scalar expression.

use std::arch::x86_64::*;

use crate::cpu::f32x8::{load_n as load, store_n as store};

use super::scalar::{mirror, taps};

pub(crate) use crate::cpu::Avx2;

impl Avx2 {
    /// [`super::scalar::convolve`]: `filter` vertically (into `tmp`) then horizontally (into
    /// `dst`) over the `w`×`h` plane `src`, reflect-101 at the edges.
    pub(crate) fn convolve(
        self,
        filter: &[f32],
        src: &[f32],
        dst: &mut [f32],
        tmp: &mut [f32],
        w: usize,
        h: usize,
    ) {
        // SAFETY: an `Avx2` value exists only when the CPU supports AVX2.
        unsafe { convolve(filter, src, dst, tmp, w, h) }
    }
}

#[target_feature(enable = "avx2")]
fn convolve(filter: &[f32], src: &[f32], dst: &mut [f32], tmp: &mut [f32], w: usize, h: usize) {
    let r = filter.len() / 2;
    assert!(w > r && h > r, "plane smaller than the filter");
    let (src, dst, tmp) = (&src[..w * h], &mut dst[..w * h], &mut tmp[..w * h]);
    let coef: Vec<__m256> = filter.iter().map(|&c| _mm256_set1_ps(c)).collect();
    let mut rows = Vec::with_capacity(filter.len());
    for i in 0..h {
        rows.clear();
        rows.extend((0..filter.len()).map(|k| mirror(i as isize + k as isize - r as isize, h) * w));
        for j in (0..w).step_by(8) {
            let n = (w - j).min(8);
            let mut acc = _mm256_setzero_ps();
            for (&c, &o) in coef.iter().zip(&rows) {
                acc = _mm256_add_ps(acc, _mm256_mul_ps(c, load(src, o + j, n)));
            }
            store(tmp, i * w + j, n, acc);
        }
    }
    for i in 0..h {
        let row = &tmp[i * w..(i + 1) * w];
        let out = &mut dst[i * w..(i + 1) * w];
        let edge = |j: usize| {
            taps(filter, |k| {
                row[mirror(j as isize + k as isize - r as isize, w)]
            })
        };
        for (j, o) in out.iter_mut().enumerate().take(r) {
            *o = edge(j);
        }
        // columns r..w-r read taps j-r..=j+r, inside the row
        let mut j = r;
        while j + 8 + r <= w {
            let mut acc = _mm256_setzero_ps();
            for (k, &c) in coef.iter().enumerate() {
                acc = _mm256_add_ps(acc, _mm256_mul_ps(c, load(row, j + k - r, 8)));
            }
            store(out, j, 8, acc);
            j += 8;
        }
        for (j, o) in out.iter_mut().enumerate().skip(j) {
            *o = edge(j);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::scalar::{convolve as scalar_convolve, FILTER_3, FILTER_5, FILTER_5_NO_OP};
    use super::*;

    #[test]
    fn convolve_matches_scalar_every_width_and_tail() {
        let Some(k) = Avx2::new() else { return };
        let mut s = 0x2545_F491_4F6C_DD1Du64;
        for filter in [&FILTER_5[..], &FILTER_3[..], &FILTER_5_NO_OP[..]] {
            let r = filter.len() / 2;
            for w in r + 1..40 {
                for h in [r + 1, r + 2, 7, 13] {
                    for bpc in [8u32, 10, 12, 16] {
                        let max = ((1u32 << bpc) - 1) as f32;
                        let scaler = (1u32 << (bpc - 8)) as f32;
                        let src: Vec<f32> = (0..w * h)
                            .map(|i| {
                                s ^= s << 13;
                                s ^= s >> 7;
                                s ^= s << 17;
                                let v = if i % 5 == 0 {
                                    max
                                } else {
                                    (s % (max as u64 + 1)) as f32
                                };
                                v / scaler + -128.0
                            })
                            .collect();
                        let (mut want, mut got) = (vec![0.0; w * h], vec![0.0; w * h]);
                        let (mut t1, mut t2) = (vec![0.0; w * h], vec![0.0; w * h]);
                        scalar_convolve(filter, &src, &mut want, &mut t1, w, h);
                        k.convolve(filter, &src, &mut got, &mut t2, w, h);
                        for (i, (a, b)) in want.iter().zip(&got).enumerate() {
                            assert_eq!(
                                a.to_bits(),
                                b.to_bits(),
                                "{}-tap {w}x{h} {bpc}-bit at {i}: {a} vs {b}",
                                filter.len()
                            );
                        }
                    }
                }
            }
        }
    }
}
