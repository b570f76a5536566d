//! Float VIF (libvmaf extractor `float_vif`, `float_vif.c` + `vif.c` + `vif_tools.c`): visual
//! information fidelity on the luma plane at four scales in single precision.
//!
//! Outputs `VMAF_feature_vif_scale{0..3}_score` (printed `vif_scaleN`) and, with `debug=true`,
//! `vif`, `vif_num`, `vif_den` and the per-scale numerators and denominators.
//!
//! Luma samples become `f32` as `sample / 2^(bpc-8) - 128` (libvmaf's `picture_copy`). libvmaf
//! only divides for 10, 12 and 16 bits and reads 9, 11, 13, 14 and 15-bit planes as bytes; here
//! every depth is divided by `2^(bpc-8)`, which equals libvmaf wherever libvmaf is meaningful.

#[cfg(target_arch = "x86_64")]
mod avx2;
pub(crate) mod scalar;

use std::sync::Arc;

use crate::error::{Error, Result};
use crate::features::{output_names, Extractor, ExtractorDef, FrameInput, FrameScores};
use crate::frame::{Geometry, PlaneRef};
use crate::options::{format_g, OptKind, OptSpec, Options};

use scalar::{Scaler, ScalingMethod, VifBuffers, BILINEAR_MAX_WIDTH};

/// Option table of `float_vif` (float_vif.c `options`, same order).
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
        name: "vif_kernelscale",
        alias: Some("ks"),
        kind: OptKind::Double {
            default: 1.0,
            min: 0.1,
            max: 4.0,
        },
        param: true,
        help: "scaling factor for the gaussian kernel (2.0 means multiplying the standard \
               deviation by 2 and enlarge the kernel size accordingly",
    },
    OptSpec {
        name: "vif_prescale",
        alias: Some("ps"),
        kind: OptKind::Double {
            default: 1.0,
            min: 0.1,
            max: 4.0,
        },
        param: true,
        help: "scaling factor for the frame (2.0 means making the image twice as large on each \
               dimension)",
    },
    OptSpec {
        name: "vif_scale1_min_val",
        alias: Some("s1miv"),
        kind: OptKind::Double {
            default: 0.0,
            min: 0.0,
            max: 1.0,
        },
        param: true,
        help: "minimum value allowed; smaller values will be set to this value",
    },
    OptSpec {
        name: "vif_scale2_min_val",
        alias: Some("s2miv"),
        kind: OptKind::Double {
            default: 0.0,
            min: 0.0,
            max: 1.0,
        },
        param: true,
        help: "minimum value allowed; smaller values will be set to this value",
    },
    OptSpec {
        name: "vif_scale3_min_val",
        alias: Some("s3miv"),
        kind: OptKind::Double {
            default: 0.0,
            min: 0.0,
            max: 1.0,
        },
        param: true,
        help: "minimum value allowed; smaller values will be set to this value",
    },
    OptSpec {
        name: "vif_prescale_method",
        alias: Some("pm"),
        kind: OptKind::Str { default: "nearest" },
        param: true,
        help: "scaling method for the frame, supported options: [nearest, bilinear, bicubic, \
               lanczos4]",
    },
    OptSpec {
        name: "vif_sigma_nsq",
        alias: Some("snsq"),
        kind: OptKind::Double {
            default: 2.0,
            min: 0.0,
            max: 5.0,
        },
        param: true,
        help: "neural noise variance",
    },
    OptSpec {
        name: "vif_skip_scale0",
        alias: Some("ssclz"),
        kind: OptKind::Bool { default: false },
        param: true,
        help: "when set, skip scale 0 calculations",
    },
];

/// Extractor `float_vif` (float VIF).
pub static DEF: ExtractorDef = ExtractorDef {
    name: "float_vif",
    provided: &[
        "VMAF_feature_vif_scale0_score",
        "VMAF_feature_vif_scale1_score",
        "VMAF_feature_vif_scale2_score",
        "VMAF_feature_vif_scale3_score",
        "vif",
        "vif_num",
        "vif_den",
        "vif_num_scale0",
        "vif_den_scale0",
        "vif_num_scale1",
        "vif_den_scale1",
        "vif_num_scale2",
        "vif_den_scale2",
        "vif_num_scale3",
        "vif_den_scale3",
    ],
    options: OPTIONS,
    temporal: false,
    prev_ref: false,
    create,
};

fn err(msg: String) -> Error {
    Error::extraction("float_vif", msg)
}

/// Checks that every scale of a `w`×`h` (prescaled) plane is larger than half its filter,
/// the condition for libvmaf's single-reflection edge handling to stay inside the plane.
fn check_scale_sizes(w: usize, h: usize, filters: &[Vec<f32>; 4], skip0: bool) -> Result<()> {
    let first = if skip0 { 1 } else { 0 };
    for (s, f) in filters.iter().enumerate().skip(first) {
        let (sw, sh) = (w >> s, h >> s);
        let half = f.len() / 2;
        if sw <= half || sh <= half {
            return Err(err(format!(
                "frame {w}x{h} is too small: scale {s} is {sw}x{sh}, its {}-tap filter needs \
                 more than {half} samples each way",
                f.len()
            )));
        }
    }
    Ok(())
}

fn create(options: &Options, geometry: Geometry) -> Result<Box<dyn Extractor>> {
    let (w, h) = (geometry.width, geometry.height);
    let method_name = options.string("vif_prescale_method");
    let method = ScalingMethod::parse(method_name).ok_or_else(|| {
        err(format!(
            "invalid vif_prescale_method \"{method_name}\" (supported: nearest, bilinear, \
             bicubic, lanczos4)"
        ))
    })?;
    let prescale = options.double("vif_prescale");
    let sw = (w as f64 * prescale + 0.5) as i32 as usize;
    let sh = (h as f64 * prescale + 0.5) as i32 as usize;
    if method == ScalingMethod::Bilinear && sw > BILINEAR_MAX_WIDTH {
        return Err(err(format!(
            "bilinear prescaling supports at most {BILINEAR_MAX_WIDTH} output columns, got {sw}"
        )));
    }
    let kernelscale = options.double("vif_kernelscale");
    if !scalar::validate_kernelscale(kernelscale as f32) {
        return Err(err(format!(
            "invalid vif_kernelscale {} (accepted: 1, 0.5, 1.5, 2, 2/3, 2.4, 360/97, 4/3, 3.5/3, \
             3.75/3, 4.25/3, 5/3, 3, 1/2.25, 1.4746, 1.54, 1.6, 1.06667, 0.711111, 0.74074, \
             1.111111)",
            format_g(kernelscale)
        )));
    }
    let skip_scale0 = options.bool("vif_skip_scale0");
    let filters: [Vec<f32>; 4] =
        std::array::from_fn(|s| scalar::vif_filter(s as u32, kernelscale as f32));
    let scaler = Scaler::new(method, w, h, sw, sh);
    if !scaler.is_identity() && w.min(h) < method.min_source_size() {
        return Err(err(format!(
            "frame {w}x{h} is too small for {method_name} prescaling (needs at least {0}x{0})",
            method.min_source_size()
        )));
    }
    check_scale_sizes(sw, sh, &filters, skip_scale0)?;
    let max_taps = filters.iter().map(|f| f.len()).max().unwrap_or(0);
    let scaled = if scaler.is_identity() { 0 } else { sw * sh };
    Ok(Box::new(FloatVif {
        names: output_names(&DEF, options),
        debug: options.bool("debug"),
        enhn_gain_limit: options.double("vif_enhn_gain_limit"),
        min_val: [
            options.double("vif_scale1_min_val"),
            options.double("vif_scale2_min_val"),
            options.double("vif_scale3_min_val"),
        ],
        sigma_nsq: options.double("vif_sigma_nsq"),
        skip_scale0,
        geometry,
        filters,
        scaler,
        ref_f: vec![0.0; w * h],
        dis_f: vec![0.0; w * h],
        ref_scaled: vec![0.0; scaled],
        dis_scaled: vec![0.0; scaled],
        kernels: Kernels::new(sw, sh, max_taps),
        scaled_size: (sw, sh),
    }))
}

/// A running float VIF instance with its scratch buffers.
struct FloatVif {
    names: Vec<Arc<str>>,
    debug: bool,
    enhn_gain_limit: f64,
    min_val: [f64; 3],
    sigma_nsq: f64,
    skip_scale0: bool,
    geometry: Geometry,
    filters: [Vec<f32>; 4],
    scaler: Scaler,
    ref_f: Vec<f32>,
    dis_f: Vec<f32>,
    ref_scaled: Vec<f32>,
    dis_scaled: Vec<f32>,
    kernels: Kernels,
    scaled_size: (usize, usize),
}

/// The `compute_vif` of the CPU level and its buffers.
enum Kernels {
    /// The scalar reference.
    Scalar(Box<VifBuffers>),
    /// The AVX2 twin (also at the AVX-512 level).
    #[cfg(target_arch = "x86_64")]
    Avx2(avx2::Avx2, Box<avx2::Planes>),
}

impl Kernels {
    fn new(w: usize, h: usize, max_taps: usize) -> Self {
        #[cfg(target_arch = "x86_64")]
        if let Some(k) = avx2::Avx2::at_level() {
            return Kernels::Avx2(k, Box::new(avx2::Planes::new(w, h, max_taps)));
        }
        Kernels::Scalar(Box::new(VifBuffers::new(w, h, max_taps)))
    }
}

/// `picture_copy` of the luma plane: `sample / 2^(bpc-8) - 128` in `f32`, rows `w` apart.
fn luma_to_float(plane: PlaneRef<'_>, bpc: u32, dst: &mut [f32]) {
    let w = plane.width();
    match plane {
        PlaneRef::U8(p) => {
            for (drow, srow) in dst.chunks_exact_mut(w).zip(p.rows()) {
                for (d, &s) in drow.iter_mut().zip(srow) {
                    *d = s as f32 + -128.0;
                }
            }
        }
        PlaneRef::U16(p) => {
            let scaler = (1u32 << (bpc - 8)) as f32;
            for (drow, srow) in dst.chunks_exact_mut(w).zip(p.rows()) {
                for (d, &s) in drow.iter_mut().zip(srow) {
                    *d = s as f32 / scaler + -128.0;
                }
            }
        }
    }
}

impl Extractor for FloatVif {
    fn extract(&mut self, input: &FrameInput<'_>, out: &mut FrameScores) -> Result<()> {
        let (rg, dg) = (input.reference.geometry(), input.distorted.geometry());
        if rg != self.geometry || dg != self.geometry {
            return Err(err(format!(
                "pictures are {}x{} {}-bit / {}x{} {}-bit, the extractor was created for {}x{} \
                 {}-bit",
                rg.width,
                rg.height,
                rg.bit_depth,
                dg.width,
                dg.height,
                dg.bit_depth,
                self.geometry.width,
                self.geometry.height,
                self.geometry.bit_depth
            )));
        }
        let bpc = self.geometry.bit_depth;
        luma_to_float(input.reference.luma(), bpc, &mut self.ref_f);
        luma_to_float(input.distorted.luma(), bpc, &mut self.dis_f);

        let (sw, sh) = self.scaled_size;
        let (r, d): (&[f32], &[f32]) = if self.scaler.is_identity() {
            (&self.ref_f, &self.dis_f)
        } else {
            let w = self.geometry.width;
            self.scaler.apply(&self.ref_f, w, &mut self.ref_scaled, sw);
            self.scaler.apply(&self.dis_f, w, &mut self.dis_scaled, sw);
            (&self.ref_scaled, &self.dis_scaled)
        };
        let (filters, egl, skip, nsq) = (
            &self.filters,
            self.enhn_gain_limit,
            self.skip_scale0,
            self.sigma_nsq,
        );
        let v = match &mut self.kernels {
            Kernels::Scalar(b) => scalar::compute_vif(r, d, sw, sw, sh, filters, egl, skip, nsq, b),
            #[cfg(target_arch = "x86_64")]
            Kernels::Avx2(k, p) => k.compute_vif(r, d, sw, sw, sh, filters, egl, skip, nsq, p),
        };

        let sc = &v.scales;
        let n = &self.names;
        // C's MAX(a, b): a > b ? a : b (a NaN ratio yields the minimum)
        let at_least = |x: f64, m: f64| if x > m { x } else { m };
        out.push(&n[0], if self.skip_scale0 { 0.0 } else { sc[0] / sc[1] });
        for s in 1..4 {
            out.push(
                &n[s],
                at_least(sc[2 * s] / sc[2 * s + 1], self.min_val[s - 1]),
            );
        }
        if !self.debug {
            return Ok(());
        }
        out.push(&n[4], v.score);
        out.push(&n[5], v.num);
        out.push(&n[6], v.den);
        for s in 0..4 {
            let (num, den) = if s == 0 && self.skip_scale0 {
                (0.0, -1.0)
            } else {
                (sc[2 * s], sc[2 * s + 1])
            };
            out.push(&n[7 + 2 * s], num);
            out.push(&n[8 + 2 * s], den);
        }
        Ok(())
    }
}
