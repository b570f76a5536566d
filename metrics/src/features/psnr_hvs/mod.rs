//! `psnr_hvs`: PSNR-HVS (libvmaf `third_party/xiph/psnr_hvs.c`, from Daala's tools).
//!
//! Per plane, 8×8 blocks every 7 samples are transformed with Daala's integer DCT, the
//! coefficient errors are masked by the contrast-sensitivity tables and summed; the plane
//! score is `−10·log10(error)` (`+inf` for identical planes). Writes `psnr_hvs_y`,
//! `psnr_hvs_cb`, `psnr_hvs_cr` and `psnr_hvs = −10·log10(0.8·Y + 0.1·(Cb + Cr))`.
//! The chroma tables are libvmaf's 4:2:0 ones whatever the pixel format, as in libvmaf.
//!
//! Input rules:
//! * more than 12 bits per sample is refused, as libvmaf does;
//! * 4:0:0, which libvmaf refuses, is scored as if both chroma planes held the neutral value
//!   `128 << (bpc − 8)` in reference and distorted alike (what libvmaf computes on the same
//!   luma given as 4:2:0 with flat grey chroma): `psnr_hvs_cb/cr` are `+inf` and
//!   `psnr_hvs = −10·log10(0.8·Y)`;
//! * a plane smaller than 8×8 is refused: libvmaf would divide 0 by 0 and print NaN.

pub mod scalar;

use std::sync::Arc;

use crate::error::{Error, Result};
use crate::features::{
    check_geometry, output_names, Extractor, ExtractorDef, FrameInput, FrameScores,
};
use crate::frame::{Geometry, PixelFormat, PlaneRef};
use crate::options::Options;

/// Extractor `psnr_hvs` (no options).
pub static DEF: ExtractorDef = ExtractorDef {
    name: "psnr_hvs",
    provided: &["psnr_hvs_y", "psnr_hvs_cb", "psnr_hvs_cr", "psnr_hvs"],
    options: &[],
    temporal: false,
    prev_ref: false,
    create,
};

const NAME: &str = "psnr_hvs";

fn create(options: &Options, geometry: Geometry) -> Result<Box<dyn Extractor>> {
    let bpc = geometry.bit_depth;
    if bpc > 12 {
        return Err(Error::extraction(
            NAME,
            format!("invalid bit depth {bpc}: psnr_hvs needs 12 bits per sample or fewer"),
        ));
    }
    let planes = geometry.format.num_planes();
    for p in 0..planes {
        let (w, h) = geometry.plane_size(p);
        if w < 8 || h < 8 {
            return Err(Error::extraction(
                NAME,
                format!(
                    "plane {p} is {w}x{h}: psnr_hvs needs every plane to be at least 8x8 \
                     (libvmaf would output NaN)"
                ),
            ));
        }
    }
    Ok(Box::new(PsnrHvs {
        geometry,
        planes,
        masks: [
            scalar::mask_table(&scalar::CSF_Y),
            scalar::mask_table(&scalar::CSF_CB420),
            scalar::mask_table(&scalar::CSF_CR420),
        ],
        names: output_names(&DEF, options),
    }))
}

/// A running `psnr_hvs` instance.
struct PsnrHvs {
    geometry: Geometry,
    planes: usize,
    masks: [[[f32; 8]; 8]; 3],
    names: Vec<Arc<str>>,
}

const CSF: [&[[f32; 8]; 8]; 3] = [&scalar::CSF_Y, &scalar::CSF_CB420, &scalar::CSF_CR420];

impl Extractor for PsnrHvs {
    fn extract(&mut self, input: &FrameInput<'_>, out: &mut FrameScores) -> Result<()> {
        let (r, d) = (&input.reference, &input.distorted);
        check_geometry(NAME, self.geometry, r)?;
        check_geometry(NAME, self.geometry, d)?;
        let bpc = self.geometry.bit_depth;
        // Neutral chroma of 4:0:0 is identical in both pictures: error 0.
        let mut score = [0.0f64; 3];
        for (p, s) in score.iter_mut().enumerate().take(self.planes) {
            *s = match (r.plane(p), d.plane(p)) {
                (PlaneRef::U8(a), PlaneRef::U8(b)) => {
                    scalar::plane_score(&a, &b, bpc, CSF[p], &self.masks[p])
                }
                (PlaneRef::U16(a), PlaneRef::U16(b)) => {
                    scalar::plane_score(&a, &b, bpc, CSF[p], &self.masks[p])
                }
                _ => return Err(Error::Mismatch(format!("{NAME}: sample types differ"))),
            };
        }
        debug_assert!(self.planes == 3 || self.geometry.format == PixelFormat::Yuv400);
        for (name, &s) in self.names.iter().zip(&score) {
            out.push(name, scalar::to_db(s));
        }
        let combined = score[0] * 0.8 + 0.1 * (score[1] + score[2]);
        out.push(&self.names[3], scalar::to_db(combined));
        Ok(())
    }
}
