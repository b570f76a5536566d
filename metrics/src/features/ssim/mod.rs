//! `float_ssim`: single-scale SSIM on luma (libvmaf `float_ssim.c`, `ssim.c`, `iqa/`).
//!
//! Luma samples are converted to floats on the 8-bit scale, decimated by `scale` (automatic:
//! `round(min(w, h) / 256)`) with a box filter, then compared with the 11×11 Gaussian SSIM
//! window over the valid region. Outputs `float_ssim`, plus `float_ssim_l`, `_c`, `_s` with
//! `enable_lcs`; `enable_db` writes `-10·log10(1 - ssim)` (capped by `clip_db`).

use std::sync::Arc;

use crate::error::{Error, Result};
use crate::features::{output_names, Extractor, ExtractorDef, FrameInput, FrameScores};
use crate::frame::{Geometry, PictureView};
use crate::options::{OptKind, OptSpec, Options};

#[cfg(target_arch = "x86_64")]
mod avx2;
pub(crate) mod iqa;
pub(crate) mod scalar;

use iqa::{SsimScratch, GAUSSIAN_LEN};

const NAME: &str = "float_ssim";

/// Options of `float_ssim` (`float_ssim.c`); none is a FEATURE_PARAM, so names never change.
static OPTIONS: &[OptSpec] = &[
    OptSpec {
        name: "enable_lcs",
        alias: None,
        kind: OptKind::Bool { default: false },
        param: false,
        help: "enable luminance, contrast and structure intermediate output",
    },
    OptSpec {
        name: "enable_db",
        alias: None,
        kind: OptKind::Bool { default: false },
        param: false,
        help: "write SSIM values as dB",
    },
    OptSpec {
        name: "clip_db",
        alias: None,
        kind: OptKind::Bool { default: false },
        param: false,
        help: "clip dB scores",
    },
    OptSpec {
        name: "scale",
        alias: None,
        kind: OptKind::Int {
            default: 0,
            min: 0,
            max: 10,
        },
        param: false,
        help: "decimation scale factor (0=auto, 1=no downscaling, 2-10=explicit)",
    },
];

/// Extractor `float_ssim`.
pub static DEF: ExtractorDef = ExtractorDef {
    name: NAME,
    provided: &["float_ssim"],
    options: OPTIONS,
    temporal: false,
    prev_ref: false,
    create,
};

/// The largest dB value `enable_db` may write (`init` in `float_ssim.c` / `float_ms_ssim.c`):
/// `ceil(10·log10(peak² / (0.5 / (w·h))))` with `clip_db`, else +∞. `peak = 2^bpc - 1`; the
/// products are C `unsigned` arithmetic.
pub(crate) fn max_db(clip_db: bool, bit_depth: u32, w: usize, h: usize) -> f64 {
    if !clip_db {
        return f64::INFINITY;
    }
    let peak = (1u32 << bit_depth) - 1;
    let mse = 0.5 / f64::from((w as u32).wrapping_mul(h as u32));
    (10.0 * (f64::from(peak.wrapping_mul(peak)) / mse).log10()).ceil()
}

/// `convert_to_db`: `min(-10·log10(1 - score), max_db)` with C's `MIN` (a NaN gives `max_db`).
pub(crate) fn convert_to_db(score: f64, max_db: f64) -> f64 {
    let db = -10.0 * (1.0 - score).log10();
    if db < max_db {
        db
    } else {
        max_db
    }
}

/// Refuses bit depths outside 8..=16 (libvmaf's `vmaf_picture_alloc` range).
pub(crate) fn check_depth(extractor: &str, g: &Geometry) -> Result<()> {
    if !(8..=16).contains(&g.bit_depth) {
        return Err(Error::extraction(
            extractor,
            format!("bit depth {} is not in 8..=16", g.bit_depth),
        ));
    }
    Ok(())
}

/// Checks that `pic` has the geometry an instance was created for.
pub(crate) fn check_picture(extractor: &str, g: &Geometry, pic: &PictureView<'_>) -> Result<()> {
    if pic.width() != g.width || pic.height() != g.height || pic.bit_depth() != g.bit_depth {
        return Err(Error::extraction(
            extractor,
            format!(
                "picture is {}x{} {}-bit, the extractor was created for {}x{} {}-bit",
                pic.width(),
                pic.height(),
                pic.bit_depth(),
                g.width,
                g.height,
                g.bit_depth
            ),
        ));
    }
    Ok(())
}

struct FloatSsim {
    geometry: Geometry,
    scale: usize,
    enable_lcs: bool,
    enable_db: bool,
    max_db: f64,
    reference: Vec<f32>,
    distorted: Vec<f32>,
    low_pass: Vec<f32>,
    scratch: SsimScratch,
    name: Arc<str>,
    lcs_names: [Arc<str>; 3],
}

fn create(options: &Options, geometry: Geometry) -> Result<Box<dyn Extractor>> {
    check_depth(NAME, &geometry)?;
    let (w, h) = (geometry.width, geometry.height);
    let scale = match options.int("scale") {
        0 => iqa::auto_scale(w, h),
        s => s as usize,
    };
    let (sw, sh) = if scale > 1 {
        iqa::decimated_size(w, h, scale)
    } else {
        (w, h)
    };
    if sw < GAUSSIAN_LEN || sh < GAUSSIAN_LEN {
        // libvmaf does not check this and averages over an empty or negative-sized window.
        return Err(Error::extraction(
            NAME,
            format!(
                "{w}x{h} decimated by {scale} is {sw}x{sh}, smaller than the {GAUSSIAN_LEN}x{GAUSSIAN_LEN} SSIM window"
            ),
        ));
    }
    let mut low_pass = Vec::new();
    if scale > 1 {
        iqa::box_kernel(scale, &mut low_pass);
    }
    let names = output_names(&DEF, options);
    Ok(Box::new(FloatSsim {
        geometry,
        scale,
        enable_lcs: options.bool("enable_lcs"),
        enable_db: options.bool("enable_db"),
        max_db: max_db(options.bool("clip_db"), geometry.bit_depth, w, h),
        reference: vec![0.0; w * h],
        distorted: vec![0.0; w * h],
        low_pass,
        scratch: SsimScratch::new(sw, sh),
        name: Arc::clone(&names[0]),
        lcs_names: [
            Arc::from("float_ssim_l"),
            Arc::from("float_ssim_c"),
            Arc::from("float_ssim_s"),
        ],
    }))
}

impl Extractor for FloatSsim {
    fn extract(&mut self, input: &FrameInput<'_>, out: &mut FrameScores) -> Result<()> {
        check_picture(NAME, &self.geometry, &input.reference)?;
        check_picture(NAME, &self.geometry, &input.distorted)?;
        let bpc = self.geometry.bit_depth;
        iqa::plane_to_float(input.reference.luma(), bpc, &mut self.reference);
        iqa::plane_to_float(input.distorted.luma(), bpc, &mut self.distorted);
        let m = scalar::compute_ssim(
            &mut self.reference,
            &mut self.distorted,
            self.geometry.width,
            self.geometry.height,
            self.scale,
            &self.low_pass,
            &mut self.scratch,
        );
        let mut score = f64::from(m.ssim);
        if self.enable_db {
            score = convert_to_db(score, self.max_db);
        }
        out.push(&self.name, score);
        if self.enable_lcs {
            out.push(&self.lcs_names[0], f64::from(m.l));
            out.push(&self.lcs_names[1], f64::from(m.c));
            out.push(&self.lcs_names[2], f64::from(m.s));
        }
        Ok(())
    }
}
