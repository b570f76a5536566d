//! Run-time dispatch of the CAMBI kernels: [`CambiKernels`] is resolved once per extractor
//! instance for a [`CpuLevel`] and forwards each call to the scalar oracle
//! ([`super::scalar`]) or to its bit-exact SIMD twin. [`Scratch`] holds the buffers of both.

use super::scalar::{self, CValueParams, To10Bit};
use crate::cpu::CpuLevel;

#[cfg(target_arch = "x86_64")]
use super::avx2::{self, Avx2};

#[derive(Debug, Clone, Copy)]
enum Imp {
    Scalar,
    #[cfg(target_arch = "x86_64")]
    Avx2(Avx2),
}

/// Scratch buffers of the kernels, sized for one (allocated) picture width.
#[derive(Debug, Clone)]
pub struct Scratch {
    mask: scalar::MaskScratch,
    histograms: Vec<u16>,
    mode_buffer: Vec<u16>,
    #[cfg(target_arch = "x86_64")]
    avx2_mask: Option<avx2::MaskScratch>,
    #[cfg(target_arch = "x86_64")]
    avx2_hist: avx2::HistScratch,
}

impl Scratch {
    /// Scratch for scales up to `width` samples wide, histograms of `band_size` values.
    pub fn new(width: usize, band_size: usize) -> Scratch {
        Scratch {
            mask: scalar::MaskScratch::new(width),
            histograms: vec![0; width * band_size],
            mode_buffer: vec![0; 3 * width],
            #[cfg(target_arch = "x86_64")]
            avx2_mask: None,
            #[cfg(target_arch = "x86_64")]
            avx2_hist: avx2::HistScratch::default(),
        }
    }
}

/// The CAMBI kernels of one CPU level. Every method computes exactly what the
/// [`super::scalar`] function of the same name computes.
#[derive(Debug, Clone, Copy)]
pub struct CambiKernels {
    imp: Imp,
}

/// Values a c-value buffer needs beyond `width * height` (SIMD stores of whole vectors).
pub const C_VALUES_SLACK: usize = 16;

impl CambiKernels {
    /// The best implementation at or below `level` that this CPU runs.
    pub fn new(level: CpuLevel) -> CambiKernels {
        #[cfg(target_arch = "x86_64")]
        {
            if level >= CpuLevel::Avx2 {
                if let Some(t) = Avx2::new() {
                    return CambiKernels { imp: Imp::Avx2(t) };
                }
            }
        }
        let _ = level;
        CambiKernels { imp: Imp::Scalar }
    }

    /// The level in use.
    pub fn level(&self) -> CpuLevel {
        match self.imp {
            Imp::Scalar => CpuLevel::Scalar,
            #[cfg(target_arch = "x86_64")]
            Imp::Avx2(_) => CpuLevel::Avx2,
        }
    }

    /// Converts one row of 8-bit samples to 10 bits (`conv` is a shift up).
    pub fn convert_row_u8(&self, src: &[u8], dst: &mut [u16], conv: To10Bit) {
        match (self.imp, conv) {
            #[cfg(target_arch = "x86_64")]
            (Imp::Avx2(t), To10Bit::ShiftUp(s)) => t.shift_up_u8(src, &mut dst[..src.len()], s),
            _ => {
                for (d, &v) in dst.iter_mut().zip(src) {
                    *d = conv.apply(v as u32);
                }
            }
        }
    }

    /// Converts one row of 9..16-bit samples to 10 bits.
    pub fn convert_row_u16(&self, src: &[u16], dst: &mut [u16], conv: To10Bit) {
        match self.imp {
            #[cfg(target_arch = "x86_64")]
            Imp::Avx2(t) => t.convert_u16(src, &mut dst[..src.len()], conv),
            Imp::Scalar => {
                for (d, &v) in dst.iter_mut().zip(src) {
                    *d = conv.apply(v as u32);
                }
            }
        }
    }

    /// Largest sample of a row (0 when empty).
    pub fn max_u16(&self, src: &[u16]) -> u16 {
        match self.imp {
            #[cfg(target_arch = "x86_64")]
            Imp::Avx2(t) => t.max_u16(src),
            Imp::Scalar => src.iter().copied().max().unwrap_or(0),
        }
    }

    /// [`scalar::anti_dithering_filter`].
    pub fn anti_dithering_filter(&self, data: &mut [u16], stride: usize, w: usize, h: usize) {
        match self.imp {
            #[cfg(target_arch = "x86_64")]
            Imp::Avx2(t) => t.anti_dithering_filter(data, stride, w, h),
            Imp::Scalar => scalar::anti_dithering_filter(data, stride, w, h),
        }
    }

    /// [`scalar::spatial_mask`].
    pub fn spatial_mask(
        &self,
        image: &[u16],
        mask: &mut [u16],
        stride: usize,
        w: usize,
        h: usize,
        scratch: &mut Scratch,
    ) {
        match self.imp {
            #[cfg(target_arch = "x86_64")]
            Imp::Avx2(t) => {
                let s = scratch
                    .avx2_mask
                    .get_or_insert_with(|| avx2::MaskScratch::new(w));
                t.spatial_mask(image, mask, stride, w, h, s)
            }
            Imp::Scalar => scalar::spatial_mask(image, mask, stride, w, h, &mut scratch.mask),
        }
    }

    /// [`scalar::decimate`].
    pub fn decimate(&self, data: &mut [u16], stride: usize, w: usize, h: usize) {
        match self.imp {
            #[cfg(target_arch = "x86_64")]
            Imp::Avx2(t) => t.decimate(data, stride, w, h),
            Imp::Scalar => scalar::decimate(data, stride, w, h),
        }
    }

    /// [`scalar::filter_mode`].
    pub fn filter_mode(
        &self,
        data: &mut [u16],
        stride: usize,
        w: usize,
        h: usize,
        scratch: &mut Scratch,
    ) {
        if scratch.mode_buffer.len() < 3 * w {
            scratch.mode_buffer.resize(3 * w, 0);
        }
        match self.imp {
            #[cfg(target_arch = "x86_64")]
            Imp::Avx2(t) => t.filter_mode(data, stride, w, h, &mut scratch.mode_buffer),
            Imp::Scalar => scalar::filter_mode(data, stride, w, h, &mut scratch.mode_buffer),
        }
    }

    /// [`scalar::spatial_pooling`]: mean of the top-k c-values (reorders `c_values`).
    pub fn spatial_pooling(&self, c_values: &mut [f32], topk: f64, w: usize, h: usize) -> f64 {
        match self.imp {
            #[cfg(target_arch = "x86_64")]
            Imp::Avx2(t) => t.spatial_pooling(c_values, topk, w, h),
            Imp::Scalar => scalar::spatial_pooling(c_values, topk, w, h),
        }
    }

    /// [`scalar::quick_select`] (moves the `k` largest of `arr[..n]` to the front, in the
    /// same order).
    pub fn quick_select(&self, arr: &mut [f32], n: usize, k: usize) {
        match self.imp {
            #[cfg(target_arch = "x86_64")]
            Imp::Avx2(t) => t.quick_select(arr, n, k),
            Imp::Scalar => scalar::quick_select(arr, n, k),
        }
    }

    /// [`scalar::calculate_c_values`]; `c_values` holds at least
    /// `w * h + C_VALUES_SLACK` values.
    #[allow(clippy::too_many_arguments)]
    pub fn calculate_c_values(
        &self,
        image: &[u16],
        mask: &[u16],
        stride: usize,
        c_values: &mut [f32],
        scratch: &mut Scratch,
        window_size: u16,
        p: &CValueParams,
        w: usize,
        h: usize,
    ) {
        match self.imp {
            #[cfg(target_arch = "x86_64")]
            Imp::Avx2(t) => t.calculate_c_values(
                image,
                mask,
                stride,
                c_values,
                &mut scratch.avx2_hist,
                window_size,
                p,
                w,
                h,
            ),
            Imp::Scalar => {
                let need = w * p.band_size as usize;
                if scratch.histograms.len() < need {
                    scratch.histograms.resize(need, 0);
                }
                scalar::calculate_c_values(
                    image,
                    mask,
                    stride,
                    c_values,
                    &mut scratch.histograms,
                    window_size,
                    p,
                    w,
                    h,
                )
            }
        }
    }
}
