//! `psnr`: peak signal-to-noise ratio per plane (libvmaf `integer_psnr.c`).
//!
//! Writes `psnr_y`, `psnr_cb`, `psnr_cr` (and `mse_y/cb/cr` with `enable_mse`) per frame.
//! With `enable_apsnr` it also sums the squared errors of every frame and writes the
//! aggregates `apsnr_y/cb/cr` at flush, which is why libvmaf marks it TEMPORAL.
//!
//! Numbers follow libvmaf exactly:
//! * peak = `2^bpc − 1`, or `255 · 2^(bpc−8)` with `reduced_hbd_peak` (the 8-bit path always
//!   uses 255);
//! * psnr = `min(10·log10(peak² / max(mse, 1e−16)), cap)` with cap `6·bpc + 12` dB (60, 72,
//!   84, 108), or with `min_sse > 0` cap = `ceil(10·log10(peak² / (min_sse / pixels)))`;
//! * apsnr = `min(10·(log10(peak²) + log10(N) − log10(SSE)), ceil(10·log10(peak²·N·2)))`
//!   over all frames; planes never measured (chroma off, 4:0:0) give `−inf`, as in libvmaf.
//!
//! 4:0:0 input is measured on luma only. Depths other than 8, 10, 12 and 16 are refused,
//! as libvmaf does. `pixels` is the size of the plane being measured: for odd sizes rvmaf
//! keeps `ceil(w/2)` chroma samples where libvmaf's picture keeps `floor(w/2)`, and the cap
//! uses the plane rvmaf actually measured (identical to libvmaf for every even size).

#[cfg(target_arch = "x86_64")]
pub mod avx2;
pub mod scalar;

use std::sync::Arc;

use crate::cpu::{cpu_level, CpuLevel};
use crate::frame::Plane;

use crate::collector::Collector;
use crate::error::{Error, Result};
use crate::features::{
    check_geometry, output_names, Extractor, ExtractorDef, FrameInput, FrameScores,
};
use crate::frame::{Geometry, PixelFormat, PlaneRef};
use crate::options::{OptKind, OptSpec, Options};

/// libvmaf's option table of `psnr` (none is a FEATURE_PARAM, so names never change).
pub static OPTIONS: &[OptSpec] = &[
    OptSpec {
        name: "enable_chroma",
        alias: None,
        kind: OptKind::Bool { default: true },
        param: false,
        help: "enable calculation for chroma channels",
    },
    OptSpec {
        name: "enable_mse",
        alias: None,
        kind: OptKind::Bool { default: false },
        param: false,
        help: "enable MSE calculation",
    },
    OptSpec {
        name: "enable_apsnr",
        alias: None,
        kind: OptKind::Bool { default: false },
        param: false,
        help: "enable APSNR calculation",
    },
    OptSpec {
        name: "reduced_hbd_peak",
        alias: None,
        kind: OptKind::Bool { default: false },
        param: false,
        help: "reduce hbd peak value to align with scaled 8-bit content",
    },
    OptSpec {
        name: "min_sse",
        alias: None,
        kind: OptKind::Double {
            default: 0.0,
            min: 0.0,
            max: f64::MAX,
        },
        param: false,
        help: "constrain the minimum possible sse",
    },
];

/// Extractor `psnr`.
pub static DEF: ExtractorDef = ExtractorDef {
    name: "psnr",
    provided: &["psnr_y", "psnr_cb", "psnr_cr"],
    options: OPTIONS,
    temporal: true,
    prev_ref: false,
    create,
};

const NAME: &str = "psnr";
const MSE_NAMES: [&str; 3] = ["mse_y", "mse_cb", "mse_cr"];
const APSNR_NAMES: [&str; 3] = ["apsnr_y", "apsnr_cb", "apsnr_cr"];

/// C's `MIN(x, y)` macro: `x < y ? x : y` (NaN picks `y`).
#[inline]
fn c_min(x: f64, y: f64) -> f64 {
    if x < y {
        x
    } else {
        y
    }
}

/// C's `MAX(x, y)` macro: `x > y ? x : y`.
#[inline]
fn c_max(x: f64, y: f64) -> f64 {
    if x > y {
        x
    } else {
        y
    }
}

/// Peak sample value used by libvmaf (`PsnrState.peak`).
pub fn peak(bit_depth: u32, reduced_hbd_peak: bool) -> u32 {
    if reduced_hbd_peak {
        255 << (bit_depth - 8)
    } else {
        (1 << bit_depth) - 1
    }
}

/// The per-plane PSNR cap (`psnr_max` in integer_psnr.c `init`) for a plane of `pixels`
/// samples.
pub fn psnr_cap(bit_depth: u32, peak: u32, min_sse: f64, pixels: u32) -> f64 {
    if min_sse != 0.0 {
        let mse = min_sse / pixels as f64;
        (10.0 * (peak.wrapping_mul(peak) as f64 / mse).log10()).ceil()
    } else {
        (6 * bit_depth + 12) as f64
    }
}

/// PSNR of one plane from its squared-error sum (integer_psnr.c `psnr`/`psnr_hbd`).
///
/// `peak` is 255 on the 8-bit path whatever the options say, as in libvmaf.
pub fn psnr_from_sse(sse: u64, pixels: u32, peak: u32, cap: f64) -> (f64, f64) {
    let mse = sse as f64 / pixels as f64;
    let peak2 = peak.wrapping_mul(peak) as f64;
    let psnr = c_min(10.0 * (peak2 / c_max(mse, 1e-16)).log10(), cap);
    (psnr, mse)
}

/// Aggregate PSNR over a whole run (integer_psnr.c `flush`).
pub fn apsnr(sse: u64, pixels: u64, peak: u32) -> f64 {
    let peak2 = peak.wrapping_mul(peak);
    let value = 10.0 * ((peak2 as f64).log10() + (pixels as f64).log10() - (sse as f64).log10());
    let max = (10.0 * ((peak2 as u64).wrapping_mul(pixels).wrapping_mul(2) as f64).log10()).ceil();
    c_min(value, max)
}

fn create(options: &Options, geometry: Geometry) -> Result<Box<dyn Extractor>> {
    let bpc = geometry.bit_depth;
    if !matches!(bpc, 8 | 10 | 12 | 16) {
        return Err(Error::extraction(
            NAME,
            format!("bit depth {bpc} is not supported (8, 10, 12 or 16)"),
        ));
    }
    let reduced = options.bool("reduced_hbd_peak");
    let min_sse = options.double("min_sse");
    let peak = peak(bpc, reduced);
    let enable_chroma = options.bool("enable_chroma") && geometry.format != PixelFormat::Yuv400;
    let mut cap = [0.0; 3];
    for (p, c) in cap.iter_mut().enumerate() {
        let (w, h) = geometry.plane_size(p);
        *c = psnr_cap(bpc, peak, min_sse, (w as u32).wrapping_mul(h as u32));
    }
    Ok(Box::new(Psnr {
        kernel: SseKernel::new(cpu_level()),
        geometry,
        planes: if enable_chroma { 3 } else { 1 },
        peak,
        cap,
        enable_mse: options.bool("enable_mse"),
        enable_apsnr: options.bool("enable_apsnr"),
        apsnr_sse: [0; 3],
        apsnr_pixels: [0; 3],
        names: output_names(&DEF, options),
        mse_names: MSE_NAMES.map(Arc::from),
    }))
}

/// The sum-of-squared-errors kernels of one CPU level (AVX2 where available, else the scalar
/// reference), bit-exact with [`scalar::sse_u8`] / [`scalar::sse_u16`].
#[derive(Debug, Clone, Copy)]
pub struct SseKernel {
    #[cfg(target_arch = "x86_64")]
    avx2: Option<avx2::Avx2>,
}

impl SseKernel {
    /// The best kernels at or below `level` that this CPU runs.
    pub fn new(level: CpuLevel) -> SseKernel {
        let _ = level;
        SseKernel {
            #[cfg(target_arch = "x86_64")]
            avx2: if level >= CpuLevel::Avx2 {
                avx2::Avx2::new()
            } else {
                None
            },
        }
    }

    /// The level these kernels run at.
    pub fn level(&self) -> CpuLevel {
        #[cfg(target_arch = "x86_64")]
        if self.avx2.is_some() {
            return CpuLevel::Avx2;
        }
        CpuLevel::Scalar
    }

    /// [`scalar::sse_u8`]: rows summed in wrapping `u32`, added to a `u64` total.
    pub fn sse_u8(&self, reference: &Plane<'_, u8>, distorted: &Plane<'_, u8>) -> u64 {
        #[cfg(target_arch = "x86_64")]
        if let Some(k) = self.avx2 {
            return (0..reference.height())
                .map(|y| u64::from(k.sse_row_u8(reference.row(y), distorted.row(y))))
                .sum();
        }
        scalar::sse_u8(reference, distorted)
    }

    /// [`scalar::sse_u16`]: exact row sums added in a wrapping `u64` total.
    pub fn sse_u16(&self, reference: &Plane<'_, u16>, distorted: &Plane<'_, u16>) -> u64 {
        #[cfg(target_arch = "x86_64")]
        if let Some(k) = self.avx2 {
            return (0..reference.height()).fold(0u64, |s, y| {
                s.wrapping_add(k.sse_row_u16(reference.row(y), distorted.row(y)))
            });
        }
        scalar::sse_u16(reference, distorted)
    }
}

/// A running `psnr` instance.
struct Psnr {
    kernel: SseKernel,
    geometry: Geometry,
    planes: usize,
    peak: u32,
    cap: [f64; 3],
    enable_mse: bool,
    enable_apsnr: bool,
    apsnr_sse: [u64; 3],
    apsnr_pixels: [u64; 3],
    names: Vec<Arc<str>>,
    mse_names: [Arc<str>; 3],
}

impl Extractor for Psnr {
    fn extract(&mut self, input: &FrameInput<'_>, out: &mut FrameScores) -> Result<()> {
        check_geometry(NAME, self.geometry, &input.reference)?;
        check_geometry(NAME, self.geometry, &input.distorted)?;
        let peak = if self.geometry.bit_depth == 8 {
            255
        } else {
            self.peak
        };
        for p in 0..self.planes {
            let sse = match (input.reference.plane(p), input.distorted.plane(p)) {
                (PlaneRef::U8(r), PlaneRef::U8(d)) => self.kernel.sse_u8(&r, &d),
                (PlaneRef::U16(r), PlaneRef::U16(d)) => self.kernel.sse_u16(&r, &d),
                _ => return Err(Error::Mismatch(format!("{NAME}: sample types differ"))),
            };
            let (w, h) = self.geometry.plane_size(p);
            let pixels = (w as u32).wrapping_mul(h as u32);
            if self.enable_apsnr {
                self.apsnr_sse[p] = self.apsnr_sse[p].wrapping_add(sse);
                self.apsnr_pixels[p] = self.apsnr_pixels[p].wrapping_add(pixels as u64);
            }
            let (psnr, mse) = psnr_from_sse(sse, pixels, peak, self.cap[p]);
            out.push(&self.names[p], psnr);
            if self.enable_mse {
                out.push(&self.mse_names[p], mse);
            }
        }
        Ok(())
    }

    fn flush(&mut self, collector: &mut Collector) -> Result<()> {
        if self.enable_apsnr {
            for (p, name) in APSNR_NAMES.iter().enumerate() {
                let v = apsnr(self.apsnr_sse[p], self.apsnr_pixels[p], self.peak);
                collector.set_aggregate(name, v)?;
            }
        }
        Ok(())
    }
}
