//! Scalar `compute_ms_ssim` (libvmaf `ms_ssim.c`, Wang's MS-SSIM with default arguments).

use crate::features::ssim::iqa::{self, Kernel2d, SsimScratch, GAUSSIAN_LEN};

/// Number of scales (`SCALES`).
pub(crate) const SCALES: usize = 5;

/// Length of the 9/7 biorthogonal low-pass (`LPF_LEN`).
const LPF_LEN: usize = 9;

/// The 9×9 low-pass used for down-sampling (`g_lpf` in `ms_ssim.c`), verbatim: it is applied
/// as a 2-D kernel and its values are rounded independently, so it is not the outer product
/// of the 1-D taps.
#[rustfmt::skip]
static LPF: [f32; LPF_LEN * LPF_LEN] = [
     0.000714, -0.000450, -0.002090,  0.007132,  0.016114,  0.007132, -0.002090, -0.000450,  0.000714,
    -0.000450,  0.000283,  0.001316, -0.004490, -0.010146, -0.004490,  0.001316,  0.000283, -0.000450,
    -0.002090,  0.001316,  0.006115, -0.020867, -0.047149, -0.020867,  0.006115,  0.001316, -0.002090,
     0.007132, -0.004490, -0.020867,  0.071207,  0.160885,  0.071207, -0.020867, -0.004490,  0.007132,
     0.016114, -0.010146, -0.047149,  0.160885,  0.363505,  0.160885, -0.047149, -0.010146,  0.016114,
     0.007132, -0.004490, -0.020867,  0.071207,  0.160885,  0.071207, -0.020867, -0.004490,  0.007132,
    -0.002090,  0.001316,  0.006115, -0.020867, -0.047149, -0.020867,  0.006115,  0.001316, -0.002090,
    -0.000450,  0.000283,  0.001316, -0.004490, -0.010146, -0.004490,  0.001316,  0.000283, -0.000450,
     0.000714, -0.000450, -0.002090,  0.007132,  0.016114,  0.007132, -0.002090, -0.000450,  0.000714,
];

/// Exponent of the luminance term per scale (`g_alphas`).
const ALPHAS: [f32; SCALES] = [0.0000, 0.0000, 0.0000, 0.0000, 0.1333];
/// Exponent of the contrast term per scale (`g_betas`).
const BETAS: [f32; SCALES] = [0.0448, 0.2856, 0.3001, 0.2363, 0.1333];
/// Exponent of the structure term per scale (`g_gammas`).
const GAMMAS: [f32; SCALES] = [0.0448, 0.2856, 0.3001, 0.2363, 0.1333];

/// libvmaf's size check (`compute_ms_ssim`, "scale below 1x1"): every scale needs both sides
/// at least [`GAUSSIAN_LEN`], where the check halves the size with floor division (the
/// buffers themselves use `w / 2 + (w & 1)`). Returns the first failing scale and its size.
pub(crate) fn check_size(w: usize, h: usize) -> Result<(), (usize, usize, usize)> {
    let (mut cw, mut ch) = (w, h);
    for idx in 0..SCALES {
        if cw < GAUSSIAN_LEN || ch < GAUSSIAN_LEN {
            return Err((idx, cw, ch));
        }
        cw /= 2;
        ch /= 2;
    }
    Ok(())
}

/// Sizes of the five scale images (`_alloc_buffers`).
pub(crate) fn scale_sizes(w: usize, h: usize) -> [(usize, usize); SCALES] {
    let mut sizes = [(w, h); SCALES];
    for idx in 1..SCALES {
        let (pw, ph) = sizes[idx - 1];
        sizes[idx] = iqa::decimated_size(pw, ph, 2);
    }
    sizes
}

/// Per-frame MS-SSIM result: the combined score (`f64`, as libvmaf keeps it) and the mean
/// l, c, s of every scale.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct MsSsim {
    /// Π l^α · c^β · s^γ over the scales.
    pub score: f64,
    /// Mean luminance term per scale.
    pub l: [f32; SCALES],
    /// Mean contrast term per scale.
    pub c: [f32; SCALES],
    /// Mean structure term per scale.
    pub s: [f32; SCALES],
}

/// Image pyramids and SSIM scratch of one instance.
#[derive(Debug, Clone)]
pub(crate) struct Pyramids {
    sizes: [(usize, usize); SCALES],
    /// Reference image per scale; scale 0 is filled by the caller.
    pub reference: [Vec<f32>; SCALES],
    /// Distorted image per scale; scale 0 is filled by the caller.
    pub distorted: [Vec<f32>; SCALES],
    scratch: SsimScratch,
}

impl Pyramids {
    /// Buffers for a `w × h` image (which must pass [`check_size`]).
    pub(crate) fn new(w: usize, h: usize) -> Self {
        let sizes = scale_sizes(w, h);
        let bufs = || sizes.map(|(sw, sh)| vec![0.0f32; sw * sh]);
        Pyramids {
            sizes,
            reference: bufs(),
            distorted: bufs(),
            scratch: SsimScratch::new(w, h),
        }
    }
}

/// `compute_ms_ssim`: builds scales 1..4 from scale 0 with the 9/7 low-pass (factor 2,
/// symmetric edges), computes the default SSIM means at every scale and combines them.
/// Returns `None` where libvmaf fails ("ms_ssim is INFINITY").
pub(crate) fn compute_ms_ssim(p: &mut Pyramids) -> Option<MsSsim> {
    let lpf = Kernel2d {
        taps: &LPF,
        len: LPF_LEN,
    };
    for idx in 1..SCALES {
        let (w, h) = p.sizes[idx - 1];
        let (lo, hi) = p.reference.split_at_mut(idx);
        iqa::decimate(&lo[idx - 1], w, h, 2, lpf, &mut hi[0]);
        let (lo, hi) = p.distorted.split_at_mut(idx);
        iqa::decimate(&lo[idx - 1], w, h, 2, lpf, &mut hi[0]);
    }

    let mut out = MsSsim::default();
    let mut msssim = 1.0f64;
    for idx in 0..SCALES {
        let (w, h) = p.sizes[idx];
        let m = iqa::iqa_ssim(&p.reference[idx], &p.distorted[idx], w, h, &mut p.scratch);
        msssim *= f64::from(m.l).powf(f64::from(ALPHAS[idx]))
            * f64::from(m.c).powf(f64::from(BETAS[idx]))
            * f64::from(m.s).powf(f64::from(GAMMAS[idx]));
        out.l[idx] = m.l;
        out.c[idx] = m.c;
        out.s[idx] = m.s;
        if msssim == f64::INFINITY {
            return None;
        }
    }
    out.score = msssim;
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn size_check_uses_floor_halving() {
        assert!(check_size(176, 176).is_ok());
        assert_eq!(check_size(175, 176), Err((4, 10, 11)));
        assert_eq!(check_size(176, 144), Err((4, 11, 9)));
        assert_eq!(check_size(10, 300), Err((0, 10, 300)));
    }

    #[test]
    fn pyramid_sizes_round_odd_sizes_up() {
        assert_eq!(
            scale_sizes(481, 271),
            [(481, 271), (241, 136), (121, 68), (61, 34), (31, 17)]
        );
    }
}
