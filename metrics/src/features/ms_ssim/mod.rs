//! `float_ms_ssim`: multi-scale SSIM on luma (libvmaf `float_ms_ssim.c`, `ms_ssim.c`, `iqa/`).
//!
//! Five scales, each half the previous one (9/7 low-pass, symmetric edges); per scale the
//! default SSIM's mean l, c, s are combined as Π l^α · c^β · s^γ (Wang's weights). Outputs
//! `float_ms_ssim`, plus `float_ms_ssim_{l,c,s}_scale{0..4}` with `enable_lcs`; `enable_db`
//! writes `-10·log10(1 - ms_ssim)` (capped by `clip_db`). Pictures need at least 11 samples
//! at every scale (about 176×176); smaller ones are refused, as libvmaf does.

use std::sync::Arc;

use crate::error::{Error, Result};
use crate::features::ssim::{check_depth, check_picture, convert_to_db, iqa, max_db};
use crate::features::{output_names, Extractor, ExtractorDef, FrameInput, FrameScores};
use crate::frame::Geometry;
use crate::options::{OptKind, OptSpec, Options};

pub(crate) mod scalar;

use scalar::{Pyramids, SCALES};

const NAME: &str = "float_ms_ssim";

/// Options of `float_ms_ssim` (`float_ms_ssim.c`); none is a FEATURE_PARAM.
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
        help: "write MS-SSIM values as dB",
    },
    OptSpec {
        name: "clip_db",
        alias: None,
        kind: OptKind::Bool { default: false },
        param: false,
        help: "clip dB scores",
    },
];

/// Extractor `float_ms_ssim`.
pub static DEF: ExtractorDef = ExtractorDef {
    name: NAME,
    provided: &["float_ms_ssim"],
    options: OPTIONS,
    temporal: false,
    prev_ref: false,
    create,
};

struct FloatMsSsim {
    geometry: Geometry,
    enable_lcs: bool,
    enable_db: bool,
    max_db: f64,
    pyramids: Pyramids,
    name: Arc<str>,
    /// `float_ms_ssim_l_scale0..4`, then `_c_`, then `_s_` (libvmaf's write order).
    lcs_names: Vec<Arc<str>>,
}

fn create(options: &Options, geometry: Geometry) -> Result<Box<dyn Extractor>> {
    check_depth(NAME, &geometry)?;
    let (w, h) = (geometry.width, geometry.height);
    if let Err((idx, cw, ch)) = scalar::check_size(w, h) {
        return Err(Error::extraction(
            NAME,
            format!(
                "{w}x{h} is too small: scale {idx} would be {cw}x{ch}, and each of the \
                 {SCALES} scales needs at least {n}x{n} (libvmaf: \"scale below 1x1\")",
                n = iqa::GAUSSIAN_LEN
            ),
        ));
    }
    let names = output_names(&DEF, options);
    let lcs_names = ["l", "c", "s"]
        .iter()
        .flat_map(|t| (0..SCALES).map(move |i| Arc::from(format!("float_ms_ssim_{t}_scale{i}"))))
        .collect();
    Ok(Box::new(FloatMsSsim {
        geometry,
        enable_lcs: options.bool("enable_lcs"),
        enable_db: options.bool("enable_db"),
        max_db: max_db(options.bool("clip_db"), geometry.bit_depth, w, h),
        pyramids: Pyramids::new(w, h),
        name: Arc::clone(&names[0]),
        lcs_names,
    }))
}

impl Extractor for FloatMsSsim {
    fn extract(&mut self, input: &FrameInput<'_>, out: &mut FrameScores) -> Result<()> {
        check_picture(NAME, &self.geometry, &input.reference)?;
        check_picture(NAME, &self.geometry, &input.distorted)?;
        let bpc = self.geometry.bit_depth;
        let p = &mut self.pyramids;
        iqa::plane_to_float(input.reference.luma(), bpc, &mut p.reference[0]);
        iqa::plane_to_float(input.distorted.luma(), bpc, &mut p.distorted[0]);
        let m = scalar::compute_ms_ssim(p)
            .ok_or_else(|| Error::extraction(NAME, "MS-SSIM is infinite"))?;
        let mut score = m.score;
        if self.enable_db {
            score = convert_to_db(score, self.max_db);
        }
        out.push(&self.name, score);
        if self.enable_lcs {
            let values = m.l.iter().chain(&m.c).chain(&m.s);
            for (name, &v) in self.lcs_names.iter().zip(values) {
                out.push(name, f64::from(v));
            }
        }
        Ok(())
    }
}
