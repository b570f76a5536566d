//! Integer VIF (libvmaf extractor `vif`, `integer_vif.c`): visual information fidelity on the
//! luma plane at four scales, in fixed point, bit-exact with libvmaf's scalar C path.
//!
//! Outputs `VMAF_integer_feature_vif_scale{0..3}_score` (printed `integer_vif_scaleN`) and, with
//! `debug=true`, `integer_vif`, `integer_vif_num`, `integer_vif_den` and the per-scale
//! numerators and denominators.

pub mod scalar;

use std::sync::Arc;

use crate::error::{Error, Result};
use crate::features::{output_names, Extractor, ExtractorDef, FrameInput, FrameScores};
use crate::frame::{Geometry, Plane, PlaneRef};
use crate::options::{OptKind, OptSpec, Options};

use scalar::{DecimateRows, StatRows};

/// Option table of `vif` (integer_vif.c `options`).
pub static OPTIONS: &[OptSpec] = &[
    OptSpec {
        name: "debug",
        alias: None,
        kind: OptKind::Bool { default: false },
        param: false,
        help: "debug mode: enable additional output",
    },
    OptSpec {
        name: "vif_enhn_gain_limit",
        alias: Some("egl"),
        kind: OptKind::Double {
            default: 100.0,
            min: 1.0,
            max: 100.0,
        },
        param: true,
        help: "enhancement gain imposed on vif, must be >= 1.0, where 1.0 means the gain is \
               completely disabled",
    },
    OptSpec {
        name: "vif_skip_scale0",
        alias: Some("ssclz"),
        kind: OptKind::Bool { default: false },
        param: true,
        help: "when set, skip scale 0 calculations",
    },
];

/// Extractor `vif` (integer VIF).
pub static DEF: ExtractorDef = ExtractorDef {
    name: "vif",
    provided: &[
        "VMAF_integer_feature_vif_scale0_score",
        "VMAF_integer_feature_vif_scale1_score",
        "VMAF_integer_feature_vif_scale2_score",
        "VMAF_integer_feature_vif_scale3_score",
        "integer_vif",
        "integer_vif_num",
        "integer_vif_den",
        "integer_vif_num_scale0",
        "integer_vif_den_scale0",
        "integer_vif_num_scale1",
        "integer_vif_den_scale1",
        "integer_vif_num_scale2",
        "integer_vif_den_scale2",
        "integer_vif_num_scale3",
        "integer_vif_den_scale3",
    ],
    options: OPTIONS,
    temporal: false,
    prev_ref: false,
    create,
};

/// Smallest luma width and height integer VIF accepts.
///
/// Each scale needs its plane to be wider and taller than half its filter (8, 4, 2, 1 samples at
/// scales 0..3 of sizes w, w/2, w/4, w/8) for libvmaf's mirrored padding to be a true
/// reflection; below that libvmaf reads stale or out-of-frame rows (libvmaf-map §3.8). The
/// binding limit is scale 3: w/8 ≥ 2.
pub const MIN_SIZE: usize = 16;

fn create(options: &Options, geometry: Geometry) -> Result<Box<dyn Extractor>> {
    let (w, h) = (geometry.width, geometry.height);
    if w < MIN_SIZE || h < MIN_SIZE {
        return Err(Error::extraction(
            "vif",
            format!(
                "luma plane {w}x{h} is too small: integer VIF needs at least \
                 {MIN_SIZE}x{MIN_SIZE} (every scale must be larger than half its filter)"
            ),
        ));
    }
    if !(8..=16).contains(&geometry.bit_depth) {
        return Err(Error::extraction(
            "vif",
            format!("bit depth {} is not supported", geometry.bit_depth),
        ));
    }
    let scaled = |s: usize| vec![0u16; (w >> s) * (h >> s)];
    Ok(Box::new(IntegerVif {
        names: output_names(&DEF, options),
        debug: options.bool("debug"),
        egl: options.double("vif_enhn_gain_limit"),
        skip_scale0: options.bool("vif_skip_scale0"),
        geometry,
        table: scalar::log2_table(),
        scaled_ref: [scaled(1), scaled(2), scaled(3)],
        scaled_dis: [scaled(1), scaled(2), scaled(3)],
        stat_rows: StatRows::new(w),
        dec_rows: DecimateRows::new(w),
    }))
}

/// A running integer VIF instance with its scratch buffers.
struct IntegerVif {
    names: Vec<Arc<str>>,
    debug: bool,
    egl: f64,
    skip_scale0: bool,
    geometry: Geometry,
    table: &'static [u16],
    /// Decimated planes of scales 1..3 (rows `w >> s` apart).
    scaled_ref: [Vec<u16>; 3],
    scaled_dis: [Vec<u16>; 3],
    stat_rows: StatRows,
    dec_rows: DecimateRows,
}

impl IntegerVif {
    /// Numerator/denominator of every scale (scale 0 left at zero when skipped).
    fn compute<T: Copy + Into<u32>>(
        &mut self,
        r: Plane<'_, T>,
        d: Plane<'_, T>,
    ) -> [(f32, f32); 4] {
        let (w, h) = (self.geometry.width, self.geometry.height);
        let bpc = self.geometry.bit_depth;
        let mut out = [(0.0f32, 0.0f32); 4];
        if !self.skip_scale0 {
            out[0] = scalar::vif_statistic(
                r.data(),
                r.stride(),
                d.data(),
                d.stride(),
                w,
                h,
                0,
                bpc,
                self.egl,
                self.table,
                &mut self.stat_rows,
            )
            .num_den();
        }
        let [r1, ..] = &mut self.scaled_ref;
        let [d1, ..] = &mut self.scaled_dis;
        scalar::decimate(
            r.data(),
            r.stride(),
            d.data(),
            d.stride(),
            w,
            h,
            1,
            bpc,
            r1,
            d1,
            &mut self.dec_rows,
        );
        self.upper_scales(&mut out);
        out
    }

    /// Scales 1..3: statistic on the decimated planes, decimating further in between.
    fn upper_scales(&mut self, out: &mut [(f32, f32); 4]) {
        let bpc = self.geometry.bit_depth;
        for scale in 1..4 {
            let (w, h) = (self.geometry.width >> scale, self.geometry.height >> scale);
            let (lo_r, hi_r) = self.scaled_ref.split_at_mut(scale);
            let (lo_d, hi_d) = self.scaled_dis.split_at_mut(scale);
            let (sr, sd) = (&lo_r[scale - 1], &lo_d[scale - 1]);
            out[scale] = scalar::vif_statistic(
                sr,
                w,
                sd,
                w,
                w,
                h,
                scale,
                bpc,
                self.egl,
                self.table,
                &mut self.stat_rows,
            )
            .num_den();
            if scale < 3 {
                scalar::decimate(
                    sr,
                    w,
                    sd,
                    w,
                    w,
                    h,
                    scale + 1,
                    bpc,
                    &mut hi_r[0],
                    &mut hi_d[0],
                    &mut self.dec_rows,
                );
            }
        }
    }
}

impl Extractor for IntegerVif {
    fn extract(&mut self, input: &FrameInput<'_>, out: &mut FrameScores) -> Result<()> {
        let (rg, dg) = (input.reference.geometry(), input.distorted.geometry());
        if rg != self.geometry || dg != self.geometry {
            return Err(Error::extraction(
                "vif",
                format!(
                    "pictures are {}x{} {}-bit / {}x{} {}-bit, the extractor was created for \
                     {}x{} {}-bit",
                    rg.width,
                    rg.height,
                    rg.bit_depth,
                    dg.width,
                    dg.height,
                    dg.bit_depth,
                    self.geometry.width,
                    self.geometry.height,
                    self.geometry.bit_depth
                ),
            ));
        }
        let nd = match (input.reference.luma(), input.distorted.luma()) {
            (PlaneRef::U8(r), PlaneRef::U8(d)) => self.compute(r, d),
            (PlaneRef::U16(r), PlaneRef::U16(d)) => self.compute(r, d),
            _ => {
                return Err(Error::extraction(
                    "vif",
                    "reference and distorted sample types differ",
                ))
            }
        };
        write_scores(&self.names, self.skip_scale0, self.debug, &nd, out);
        Ok(())
    }
}

/// Writes the scores in libvmaf's order (`write_scores`).
fn write_scores(
    names: &[Arc<str>],
    skip_scale0: bool,
    debug: bool,
    nd: &[(f32, f32); 4],
    out: &mut FrameScores,
) {
    // per-scale ratio is a float division
    for (s, &(num, den)) in nd.iter().enumerate() {
        let v = if s == 0 && skip_scale0 {
            0.0
        } else {
            (num / den) as f64
        };
        out.push(&names[s], v);
    }
    if !debug {
        return;
    }
    let first = if skip_scale0 { 1 } else { 0 };
    let mut score_num = 0.0f64;
    let mut score_den = 0.0f64;
    for &(num, den) in &nd[first..] {
        score_num += num as f64;
        score_den += den as f64;
    }
    let score = if score_den == 0.0 {
        1.0
    } else {
        score_num / score_den
    };
    out.push(&names[4], score);
    out.push(&names[5], score_num);
    out.push(&names[6], score_den);
    for (s, &(num, den)) in nd.iter().enumerate() {
        let (n, d) = if s == 0 && skip_scale0 {
            (0.0, -1.0)
        } else {
            (num as f64, den as f64)
        };
        out.push(&names[7 + 2 * s], n);
        out.push(&names[8 + 2 * s], d);
    }
}
