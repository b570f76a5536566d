//! The SpEED score of one pair of f32 planes (libvmaf `speed.c`: `speed_init_dimensions`,
//! `filter_and_downscale`, `est_params`, `get_speed_score`, `speed_extract_score`).
//!
//! Shared by `speed_chroma` (once per chroma plane) and `speed_temporal` (once on the frame
//! differences), so the chroma goldens cover the whole numerical path of both.

use crate::cpu::CpuLevel;

#[cfg(target_arch = "x86_64")]
use super::avx2::Avx2;
use super::filter::{
    antialias_filter, filter1d, filter1d_dec16, horizontal_at, local_mean_filter, NUM_SCALES,
};
use super::linalg::{self, EPS};
use super::scale::{scale_frame, BilinearColumns, ScaleGeometry, ScaleMethod};
use super::source::Source;

/// `DEFAULT_BLOCK_SIZE`: SpEED works on 5×5 blocks of the decimated plane.
const BLOCK: usize = 5;
/// Elements of one block (the order of the covariance matrix).
const N: usize = BLOCK * BLOCK;
/// `log2(2·π·e)` (constant-folded by the C compiler; glibc's `log2` gives the same double).
const LOG2_2PI_E: f64 = 4.094_191_170_361_282;

/// SpEED parameters in the types libvmaf's kernels receive them.
#[derive(Debug, Clone)]
pub(crate) struct SpeedParams {
    /// `speed_kernelscale`, as the f32 the filter builders take.
    pub kernelscale: f32,
    /// `speed_prescale_method`.
    pub method: ScaleMethod,
    /// `speed_sigma_nn`, as the f32 `est_params`/`get_speed_score` take.
    pub sigma_nn: f32,
    /// `speed_nn_floor`, as f32.
    pub nn_floor: f32,
    /// `speed_weight_var_mode` (0..=6; speed_temporal always uses 0).
    pub weight_var_mode: i32,
}

/// `SpeedDimensions`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Dims {
    /// Input plane width.
    pub width: usize,
    /// Input plane height.
    pub height: usize,
    /// Width after the prescale: `(int)(width * prescale + 0.5)`.
    pub scaled_w: usize,
    /// Height after the prescale.
    pub scaled_h: usize,
    /// Decimated width (`scaled_w >> 4`).
    pub down_w: usize,
    /// Decimated height.
    pub down_h: usize,
    /// `down_w` truncated to a multiple of 5.
    pub trunc_w: usize,
    /// `down_h` truncated to a multiple of 5.
    pub trunc_h: usize,
    /// Blocks per row.
    pub blocks_h: usize,
    /// Block rows.
    pub blocks_v: usize,
    /// Total blocks.
    pub blocks: usize,
    /// Width of each of the 25 shifted sub-images (`trunc_w - 4`).
    pub sub_w: usize,
    /// Height of each shifted sub-image.
    pub sub_h: usize,
}

impl Dims {
    /// `speed_init_dimensions` for a `width`×`height` plane; `None` when the operating size
    /// leaves no 5×5 block (libvmaf: "SpEED: image too small", then a crash).
    pub(crate) fn new(width: usize, height: usize, prescale: f64) -> Option<Dims> {
        let scaled_h = (height as f64 * prescale + 0.5) as i32 as usize;
        let scaled_w = (width as f64 * prescale + 0.5) as i32 as usize;
        let down_h = scaled_h >> NUM_SCALES;
        let down_w = scaled_w >> NUM_SCALES;
        let trunc_w = down_w / BLOCK * BLOCK;
        let trunc_h = down_h / BLOCK * BLOCK;
        if trunc_w == 0 || trunc_h == 0 {
            return None;
        }
        Some(Dims {
            width,
            height,
            scaled_w,
            scaled_h,
            down_w,
            down_h,
            trunc_w,
            trunc_h,
            blocks_h: trunc_w / BLOCK,
            blocks_v: trunc_h / BLOCK,
            blocks: (trunc_w / BLOCK) * (trunc_h / BLOCK),
            sub_w: trunc_w - BLOCK + 1,
            sub_h: trunc_h - BLOCK + 1,
        })
    }
}

/// Operating size of a `width`×`height` plane under `prescale` (for error messages).
pub(crate) fn operating_size(width: usize, height: usize, prescale: f64) -> (usize, usize) {
    let sh = (height as f64 * prescale + 0.5) as i32 as usize;
    let sw = (width as f64 * prescale + 0.5) as i32 as usize;
    (sw >> NUM_SCALES, sh >> NUM_SCALES)
}

/// Outcome of one `est_params` call.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct EstStatus {
    /// The covariance matrix was singular (an eigenvalue < 1e-6 or the QR solve failed):
    /// libvmaf logs "est_params: covariance matrix is singular" and zeroes the solution.
    pub singular: bool,
    /// The eigenvalue iteration hit its 500-step cap (libvmaf logs "max iterations reached").
    pub not_converged: bool,
}

/// Outcome of one [`SpeedCore::score`] call.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct ScoreOutcome {
    /// The SpEED score (0 when exactly one side was singular).
    pub score: f32,
    /// Reference side status.
    pub reference: EstStatus,
    /// Distorted side status.
    pub distorted: EstStatus,
}

impl ScoreOutcome {
    /// libvmaf's `speed_extract_score` return value: either side singular.
    pub(crate) fn failed(&self) -> bool {
        self.reference.singular || self.distorted.singular
    }
}

/// Entropies and variances of every block of one side.
#[derive(Clone)]
struct BlockStats {
    entropies: Vec<f32>,
    variances: Vec<f32>,
}

/// Everything needed to score planes of one size: dimensions, filter taps, scratch buffers.
/// All buffers are allocated here, none per frame.
#[derive(Clone)]
pub(crate) struct SpeedCore {
    dims: Dims,
    params: SpeedParams,
    antialias: Vec<f32>,
    local_mean: Vec<f32>,
    bilinear: Option<BilinearColumns>,
    /// Prescaled plane (scaled_w × scaled_h), used only when the size changes.
    scaled: Vec<f32>,
    /// Row buffer of the separable filter.
    row: Vec<f32>,
    /// Decimated plane (down_w × down_h), then its local-mean-subtracted version.
    down: Vec<f32>,
    /// Local mean of `down`.
    mean: Vec<f32>,
    means: [f32; N],
    cov: Vec<f32>,
    eig: [f32; N],
    independent: Vec<f32>,
    solution: Vec<f32>,
    linalg: linalg::Scratch,
    ref_stats: BlockStats,
    dis_stats: BlockStats,
    #[cfg(target_arch = "x86_64")]
    avx2: Option<Avx2>,
}

impl SpeedCore {
    /// Builds the state for `dims` (see [`Dims::new`]) and `params` (already validated), with
    /// kernels of `level`.
    pub(crate) fn new(dims: Dims, params: SpeedParams, level: CpuLevel) -> Self {
        #[cfg(target_arch = "x86_64")]
        let avx2 = if level >= CpuLevel::Avx2 {
            Avx2::new()
        } else {
            None
        };
        #[cfg(not(target_arch = "x86_64"))]
        let _ = level;
        let resample = dims.scaled_w != dims.width || dims.scaled_h != dims.height;
        let bilinear = (resample && params.method == ScaleMethod::Bilinear)
            .then(|| BilinearColumns::new(dims.width, dims.scaled_w));
        let stats = || BlockStats {
            entropies: vec![0.0; dims.blocks],
            variances: vec![0.0; dims.blocks],
        };
        SpeedCore {
            antialias: antialias_filter(params.kernelscale),
            local_mean: local_mean_filter(params.kernelscale),
            bilinear,
            scaled: if resample {
                vec![0.0; dims.scaled_w * dims.scaled_h]
            } else {
                Vec::new()
            },
            row: vec![0.0; dims.scaled_w.max(dims.down_w)],
            // 8 values of slack for whole-vector loads of the last row
            down: vec![0.0; dims.down_w * dims.down_h + 8],
            mean: vec![0.0; dims.down_w * dims.down_h],
            means: [0.0; N],
            cov: vec![0.0; N * N],
            eig: [0.0; N],
            independent: vec![0.0; N * dims.blocks],
            solution: vec![0.0; N * dims.blocks],
            #[cfg(target_arch = "x86_64")]
            linalg: linalg::Scratch::with_avx2(N, dims.blocks, avx2),
            #[cfg(not(target_arch = "x86_64"))]
            linalg: linalg::Scratch::new(N, dims.blocks),
            ref_stats: stats(),
            dis_stats: stats(),
            dims,
            params,
            #[cfg(target_arch = "x86_64")]
            avx2,
        }
    }

    /// True when [`Self::score_sources`] may take the planes straight from the pictures: a
    /// SIMD level is in use and the prescale keeps the size (no f32 plane to resample).
    pub(crate) fn reads_pictures(&self) -> bool {
        let d = &self.dims;
        #[cfg(target_arch = "x86_64")]
        if self.avx2.is_some() {
            return d.scaled_w == d.width && d.scaled_h == d.height;
        }
        let _ = d;
        false
    }

    /// Rows of a `dims().width`×`dims().height` plane the decimating filter reads.
    pub(crate) fn rows_read(&self) -> Vec<bool> {
        super::source::rows_read(self.dims.scaled_h, self.antialias.len())
    }

    /// [`Self::score`] of two sample sources of `dims().width`×`dims().height` (f32 planes,
    /// or picture planes when [`Self::reads_pictures`]).
    pub(crate) fn score_sources(
        &mut self,
        reference: &Source<'_>,
        distorted: &Source<'_>,
    ) -> ScoreOutcome {
        self.filter_and_downscale_src(reference);
        let r = self.est_params(true);
        self.filter_and_downscale_src(distorted);
        let d = self.est_params(false);
        let score = if r.singular != d.singular {
            0.0
        } else {
            self.speed_score()
        };
        ScoreOutcome {
            score,
            reference: r,
            distorted: d,
        }
    }

    /// Dimensions of the planes this core scores.
    pub(crate) fn dims(&self) -> &Dims {
        &self.dims
    }

    /// `speed_extract_score`: scores the `width`×`height` planes `reference` and `distorted`
    /// (f32, already offset by -128, rows `stride` apart).
    pub(crate) fn score(
        &mut self,
        reference: &[f32],
        distorted: &[f32],
        stride: usize,
    ) -> ScoreOutcome {
        self.score_sources(
            &Source::F32(reference, stride),
            &Source::F32(distorted, stride),
        )
    }

    /// `filter_and_downscale`: optional prescale, anti-alias Gaussian + keep every 16th sample,
    /// then subtract the local mean. Leaves the result in `self.down` (stride `down_w`).
    /// [`Self::filter_and_downscale`] from any [`Source`]: the AVX2 vertical pass reads it
    /// directly; otherwise it must be an f32 plane.
    fn filter_and_downscale_src(&mut self, src: &Source<'_>) {
        #[cfg(target_arch = "x86_64")]
        if let Some(t) = self.avx2 {
            let d = self.dims;
            let resampled;
            let src = if d.scaled_w != d.width || d.scaled_h != d.height {
                let Source::F32(plane, stride) = *src else {
                    unreachable!("resampling needs an f32 plane");
                };
                scale_frame(
                    self.params.method,
                    self.bilinear.as_ref(),
                    plane,
                    &mut self.scaled,
                    ScaleGeometry {
                        src_w: d.width,
                        src_h: d.height,
                        src_stride: stride,
                        dst_w: d.scaled_w,
                        dst_h: d.scaled_h,
                        dst_stride: d.scaled_w,
                    },
                );
                resampled = Source::F32(&self.scaled, d.scaled_w);
                &resampled
            } else {
                src
            };
            // vif_filter1d_s + vif_dec16_s: only the kept rows and columns
            let (w, h) = (d.scaled_w, d.scaled_h);
            for i in 0..h / 16 {
                t.vertical_pass(&self.antialias, src, w, h, i * 16, &mut self.row);
                let out = &mut self.down[i * d.down_w..i * d.down_w + w / 16];
                for (j, o) in out.iter_mut().enumerate() {
                    *o = horizontal_at(&self.antialias, &self.row, w, j * 16);
                }
            }
            filter1d(
                &self.local_mean,
                &self.down,
                d.down_w,
                &mut self.mean,
                d.down_w,
                &mut self.row,
                d.down_w,
                d.down_h,
            );
            for (v, m) in self.down.iter_mut().zip(&self.mean) {
                *v -= *m;
            }
            return;
        }
        let Source::F32(plane, stride) = *src else {
            unreachable!("the scalar path reads f32 planes");
        };
        self.filter_and_downscale(plane, stride);
    }

    fn filter_and_downscale(&mut self, plane: &[f32], stride: usize) {
        let d = self.dims;
        // libvmaf skips the prescale when it is within 1e-3 of 1; every scaler copies when the
        // size does not change, so resampling exactly when the size changes is the same thing
        // (and avoids libvmaf's read of unset samples when a near-1 factor changes the size).
        let (src, src_stride): (&[f32], usize) = if d.scaled_w != d.width || d.scaled_h != d.height
        {
            scale_frame(
                self.params.method,
                self.bilinear.as_ref(),
                plane,
                &mut self.scaled,
                ScaleGeometry {
                    src_w: d.width,
                    src_h: d.height,
                    src_stride: stride,
                    dst_w: d.scaled_w,
                    dst_h: d.scaled_h,
                    dst_stride: d.scaled_w,
                },
            );
            (&self.scaled, d.scaled_w)
        } else {
            (plane, stride)
        };
        filter1d_dec16(
            &self.antialias,
            src,
            src_stride,
            &mut self.down,
            d.down_w,
            &mut self.row,
            d.scaled_w,
            d.scaled_h,
        );
        filter1d(
            &self.local_mean,
            &self.down,
            d.down_w,
            &mut self.mean,
            d.down_w,
            &mut self.row,
            d.down_w,
            d.down_h,
        );
        for (v, m) in self.down.iter_mut().zip(&self.mean) {
            *v -= *m;
        }
    }

    /// `est_params` on `self.down`: covariance of the 25 shifted sub-images, its eigenvalues,
    /// the per-block variance `S` from `K X = Y`, and the per-block entropy. Writes the
    /// reference or distorted block statistics.
    fn est_params(&mut self, reference: bool) -> EstStatus {
        let d = self.dims;
        let data = &self.down;
        let stride = d.down_w;

        #[cfg(target_arch = "x86_64")]
        let simd = self.avx2;
        #[cfg(not(target_arch = "x86_64"))]
        let simd: Option<()> = None;
        match simd {
            #[cfg(target_arch = "x86_64")]
            Some(t) => t.covariance(
                data,
                stride,
                d.sub_w,
                d.sub_h,
                &mut self.means,
                &mut self.cov,
            ),
            _ => self.covariance_scalar(),
        }
        self.est_params_rest(reference)
    }

    /// `compute_covariance_matrix`: means in f32, products summed in f64, stored in f32.
    fn covariance_scalar(&mut self) {
        let d = self.dims;
        let data = &self.down;
        let stride = d.down_w;
        let count = (d.sub_w * d.sub_h) as f32;
        for r in 0..BLOCK {
            for c in 0..BLOCK {
                let mut sum = 0.0f32;
                for i in 0..d.sub_h {
                    let row = &data[(r + i) * stride + c..(r + i) * stride + c + d.sub_w];
                    for &v in row {
                        sum += v;
                    }
                }
                self.means[r * BLOCK + c] = sum / count;
            }
        }
        let count_f64 = (d.sub_w * d.sub_h) as f64;
        for xi in 0..N {
            for yi in 0..=xi {
                let (rx, cx) = (xi / BLOCK, xi % BLOCK);
                let (ry, cy) = (yi / BLOCK, yi % BLOCK);
                let mx = self.means[xi] as f64;
                let my = self.means[yi] as f64;
                let mut acc = 0.0f64;
                for i in 0..d.sub_h {
                    let a = &data[(rx + i) * stride + cx..(rx + i) * stride + cx + d.sub_w];
                    let b = &data[(ry + i) * stride + cy..(ry + i) * stride + cy + d.sub_w];
                    for (&va, &vb) in a.iter().zip(b) {
                        acc += (va as f64 - mx) * (vb as f64 - my);
                    }
                }
                let cov = (acc / count_f64) as f32;
                self.cov[xi * N + yi] = cov;
                self.cov[yi * N + xi] = cov;
            }
        }
    }

    /// `est_params` after the covariance: eigenvalues, the solve, variances and entropies.
    fn est_params_rest(&mut self, reference: bool) -> EstStatus {
        let d = self.dims;
        let data = &self.down;
        let stride = d.down_w;

        let converged = linalg::eigenvalues(&self.cov, &mut self.eig, &mut self.linalg);

        // compute_independent_term: Y[(si, sj)][block] = data[block row * 5 + si][block col * 5 + sj]
        for si in 0..BLOCK {
            for sj in 0..BLOCK {
                let out = &mut self.independent[(si * BLOCK + sj) * d.blocks..][..d.blocks];
                for bi in 0..d.blocks_v {
                    for bj in 0..d.blocks_h {
                        out[bi * d.blocks_h + bj] =
                            data[(bi * BLOCK + si) * stride + bj * BLOCK + sj];
                    }
                }
            }
        }

        // is_matrix_regular: no eigenvalue below eps (a NaN does not count as below)
        let regular = !self.eig.iter().any(|&e| (e as f64) < EPS);
        let solved = regular
            && linalg::solve(
                &self.cov,
                &self.independent,
                d.blocks,
                &mut self.solution,
                &mut self.linalg,
            );
        let singular = !solved;
        if singular {
            self.solution.fill(0.0);
        }

        // Z = X .* Y / 25, then S = column sums of Z (into row 0)
        let denom = N as f32;
        for (x, &y) in self.solution.iter_mut().zip(&self.independent) {
            *x = (*x * y) / denom;
        }
        let (first, rest) = self.solution.split_at_mut(d.blocks);
        for row in rest.chunks_exact(d.blocks) {
            for (s, &z) in first.iter_mut().zip(row) {
                *s += z;
            }
        }

        let stats = if reference {
            &mut self.ref_stats
        } else {
            &mut self.dis_stats
        };
        stats.entropies.fill(0.0);
        let sigma_nn = self.params.sigma_nn;
        for &e in &self.eig {
            let l = if e < 0.0 { 0.0 } else { e };
            for (ent, &s) in stats.entropies.iter_mut().zip(first.iter()) {
                *ent = (*ent as f64 + (((l * s + sigma_nn) as f64).log2() + LOG2_2PI_E)) as f32;
            }
        }
        stats.variances.copy_from_slice(first);

        EstStatus {
            singular,
            not_converged: !converged,
        }
    }

    /// `get_speed_score`: mean over blocks of |spatial_ref - spatial_dis|, skipping blocks whose
    /// entropies are both below the noise-floor entropy.
    fn speed_score(&self) -> f32 {
        let p = &self.params;
        let base =
            (N as f64 * ((((1.0 + p.nn_floor) * p.sigma_nn) as f64).log2() + LOG2_2PI_E)) as f32;
        let (r, d) = (&self.ref_stats, &self.dis_stats);
        let lg = |v: f32| ((1.0 + v) as f64).log2();
        let mut score = 0.0f32;
        for i in 0..self.dims.blocks {
            let (er, ed) = (r.entropies[i], d.entropies[i]);
            if er < base && ed < base {
                continue;
            }
            let (vr, vd) = (r.variances[i], d.variances[i]);
            let (wr, wd) = match p.weight_var_mode {
                0 => (lg(vr), lg(vd)),
                1 => (lg(vr), lg(vr)),
                2 => (lg(vd), lg(vd)),
                3 => {
                    let w = (1.0 + (vr + vd) as f64 / 2.0).log2();
                    (w, w)
                }
                4 => (lg(vr), (1.0 + (vr + vd) as f64 / 2.0).log2()),
                5 => (lg(vr), (1.0 + (0.75 * vr as f64 + 0.25 * vd as f64)).log2()),
                6 => (lg(vr), (1.0 + (0.25 * vr as f64 + 0.75 * vd as f64)).log2()),
                // validated at creation; libvmaf would return -EINVAL as the score
                _ => return -22.0,
            };
            let spatial_ref = (er as f64 * wr) as f32;
            let spatial_dis = (ed as f64 * wd) as f32;
            score += (spatial_ref - spatial_dis).abs();
        }
        score / self.dims.blocks as f32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log2_2pi_e_matches_libm() {
        let c = (2.0 * std::f64::consts::PI * std::f64::consts::E).log2();
        assert_eq!(c.to_bits(), LOG2_2PI_E.to_bits());
    }

    #[test]
    fn dims_follow_libvmaf() {
        let d = Dims::new(960, 540, 1.0).unwrap();
        assert_eq!((d.down_w, d.down_h, d.trunc_w, d.trunc_h), (60, 33, 60, 30));
        assert_eq!((d.blocks_h, d.blocks_v, d.blocks), (12, 6, 72));
        assert_eq!((d.sub_w, d.sub_h), (56, 26));
        let d = Dims::new(960, 540, 0.6).unwrap();
        assert_eq!((d.scaled_w, d.scaled_h), (576, 324));
        // 481x271 4:2:0 chroma at prescale 0.5 is too small (libvmaf aborts)
        assert!(Dims::new(240, 135, 0.5).is_none());
        assert!(Dims::new(241, 136, 0.5).is_none());
        assert!(Dims::new(79, 200, 1.0).is_none());
        assert!(Dims::new(80, 80, 1.0).is_some());
    }
}
