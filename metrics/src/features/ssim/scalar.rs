//! Scalar `compute_ssim` (libvmaf `ssim.c`): optional box decimation, then `_iqa_ssim`.

use super::iqa::{self, Kernel2d, SsimMeans, SsimScratch};

/// SSIM of two float luma images (`w × h`, stride `w`, 0..255 scale). With `scale > 1` both
/// images are first decimated in place by `scale` with the box kernel `low_pass`
/// (`scale × scale` taps), as `compute_ssim` does; `scratch` must fit the decimated size.
pub(crate) fn compute_ssim(
    reference: &mut [f32],
    distorted: &mut [f32],
    w: usize,
    h: usize,
    scale: usize,
    low_pass: &[f32],
    scratch: &mut SsimScratch,
) -> SsimMeans {
    let (mut w, mut h) = (w, h);
    if scale > 1 {
        let k = Kernel2d {
            taps: low_pass,
            len: scale,
        };
        iqa::decimate_in_place(reference, w, h, scale, k);
        (w, h) = iqa::decimate_in_place(distorted, w, h, scale, k);
    }
    iqa::iqa_ssim(reference, distorted, w, h, scratch)
}
