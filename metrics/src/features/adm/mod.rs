//! Integer ADM (Detail Loss Metric, additive impairment, and their blend `adm3`), a port of
//! libvmaf's `adm` extractor (integer_adm.c, scalar C path).
//!
//! Per frame and for each of 4 scales: db2 DWT of reference and distorted luma, decoupling of
//! the distorted detail bands into restored and additive parts, CSF weighting, contrast
//! masking; `adm2` = masked restored energy / reference energy (DLM), `aim` = masked additive
//! energy / reference energy, `adm3 = max(adm2 * dlmw + (1 - aim) * (1 - dlmw), min_val)`.
//! The kernels live in [`scalar`] (the readable oracle) and its bit-exact SIMD twins
//! ([`avx2`], [`avx512`]), dispatched once per instance through [`kernels::AdmKernels`] at
//! the level of [`crate::cpu::cpu_level`]; this module holds the option table, validation and
//! glue. The reference-only work (DWT of the reference, CSF denominators) is a separate pass
//! ([`AdmReference`]) so it can be shared by several distorted inputs.
//!
//! Only luma is read, so every pixel format (4:0:0 included) and 8–16 bits work.
//!
//! Reproduced libvmaf quirks (see the kernels): the int16 wrap of the scale-0 CM centre term
//! and of the scale-0 CSF output, the `(int32_t)(1u << 31)` = -2^31 "rounding" add before
//! every scale 1–3 `>> 32`, the 2^sq add of the scale 1–3 denominator, the hard-coded scale-0
//! weights at 1080p/3H, x86-64 gcc's results for out-of-range float-to-u16/u32 weight casts
//! (Barten with its default scale) and for signed overflows (wrapping).
//!
//! Divergences from libvmaf, all on inputs where libvmaf misbehaves:
//! * frames narrower or shorter than 33 pixels are rejected at creation (libvmaf reads out of
//!   bounds or crashes on them);
//! * `adm_norm_view_dist * adm_ref_display_height < 3240` is rejected at creation (libvmaf
//!   fails the first `extract` with -EINVAL);
//! * `adm_csf_mode` 2/3 with a viewing pair that has no blend table is rejected at creation
//!   (libvmaf uses -22.0 as the CSF weight and outputs NaN);
//! * when the denominator is 0 (only possible with `adm_noise_weight=0` on flat frames)
//!   libvmaf leaves `aim` uninitialised; rvmaf writes `aim = 0` (so `adm3 = max(1, min_val)`).

use std::sync::Arc;

use crate::cpu::{cpu_level, CpuLevel};
use crate::error::{Error, Result};
use crate::features::{output_names, Extractor, ExtractorDef, FrameInput, FrameScores};
use crate::frame::{Geometry, PictureView, PlaneRef};
use crate::options::{OptKind, OptSpec, Options};

#[cfg(target_arch = "x86_64")]
pub mod avx2;
#[cfg(target_arch = "x86_64")]
pub mod avx512;
pub mod csf;
pub mod kernels;
pub mod scalar;
pub mod tables;

use csf::{CsfMode, CsfParams};
use kernels::{AdmKernels, BandSrc, Scratch, Src, StageParams};
use scalar::Bands;

/// Smallest frame width and height accepted (every scale keeps >= 3 samples per line).
pub const MIN_SIZE: usize = 33;

const OPTIONS: &[OptSpec] = &[
    OptSpec {
        name: "debug",
        alias: None,
        kind: OptKind::Bool { default: false },
        param: false,
        help: "debug mode: enable additional output",
    },
    OptSpec {
        name: "adm_csf_scale",
        alias: Some("scf"),
        kind: OptKind::Double {
            default: 1.0,
            min: 0.0,
            max: 50.0,
        },
        param: true,
        help: "scale coefficient for the horizontal & vertical direction terms of CSF",
    },
    OptSpec {
        name: "adm_csf_diag_scale",
        alias: Some("scfd"),
        kind: OptKind::Double {
            default: 1.0,
            min: 0.0,
            max: 50.0,
        },
        param: true,
        help: "scale coefficient for the diagonal direction term of CSF",
    },
    OptSpec {
        name: "adm_dlm_weight",
        alias: Some("dlmw"),
        kind: OptKind::Double {
            default: 0.5,
            min: 0.0,
            max: 1.0,
        },
        param: true,
        help: "linear weighting between DLM and AIM; 1 corresponds to DLM-only",
    },
    OptSpec {
        name: "adm_enhn_gain_limit",
        alias: Some("egl"),
        kind: OptKind::Double {
            default: 100.0,
            min: 1.0,
            max: 100.0,
        },
        param: true,
        help: "enhancement gain imposed on adm, must be >= 1.0, \
               where 1.0 means the gain is completely disabled",
    },
    OptSpec {
        name: "adm_norm_view_dist",
        alias: Some("nvd"),
        kind: OptKind::Double {
            default: 3.0,
            min: 0.75,
            max: 24.0,
        },
        param: true,
        help: "normalized viewing distance = viewing distance / ref display's physical height",
    },
    OptSpec {
        name: "adm_ref_display_height",
        alias: Some("rdh"),
        kind: OptKind::Int {
            default: 1080,
            min: 1,
            max: 4320,
        },
        param: true,
        help: "reference display height in pixels",
    },
    OptSpec {
        name: "adm_csf_mode",
        alias: Some("csf"),
        kind: OptKind::Int {
            default: 0,
            min: 0,
            max: 3,
        },
        param: true,
        help: "contrast sensitivity function",
    },
    OptSpec {
        name: "adm_noise_weight",
        alias: Some("nw"),
        kind: OptKind::Double {
            default: 0.03125,
            min: 0.0,
            max: 1500.0,
        },
        param: true,
        help: "noise weight",
    },
    OptSpec {
        name: "adm_skip_aim",
        alias: None,
        kind: OptKind::Bool { default: false },
        param: false,
        help: "skip the calculation of AIM",
    },
    OptSpec {
        name: "adm_skip_scale0",
        alias: Some("ssz"),
        kind: OptKind::Bool { default: false },
        param: true,
        help: "skip the calculation of scale 0",
    },
    OptSpec {
        name: "adm_min_val",
        alias: Some("min"),
        kind: OptKind::Double {
            default: 0.0,
            min: 0.0,
            max: 1.0,
        },
        param: true,
        help: "minimum value allowed; lower values will be clipped to this value",
    },
];

/// Extractor `adm` (integer ADM).
pub static DEF: ExtractorDef = ExtractorDef {
    name: "adm",
    provided: &[
        "VMAF_integer_feature_adm2_score",
        "VMAF_integer_feature_aim_score",
        "VMAF_integer_feature_adm3_score",
        "integer_adm_scale0",
        "integer_adm_scale1",
        "integer_adm_scale2",
        "integer_adm_scale3",
        "integer_adm",
        "integer_adm_num",
        "integer_adm_den",
        "integer_adm_num_scale0",
        "integer_adm_den_scale0",
        "integer_adm_num_scale1",
        "integer_adm_den_scale1",
        "integer_adm_num_scale2",
        "integer_adm_den_scale2",
        "integer_adm_num_scale3",
        "integer_adm_den_scale3",
    ],
    options: OPTIONS,
    temporal: false,
    prev_ref: false,
    create,
};

/// Parsed option values.
#[derive(Debug, Clone, Copy)]
struct Config {
    debug: bool,
    dlm_weight: f64,
    egl: f64,
    noise_weight: f64,
    skip_aim: bool,
    skip_scale0: bool,
    min_val: f64,
    csf: CsfParams,
}

/// Sizes and tap indices of one scale: the DWT reads `w_in` x `h_in`, the bands are `w` x `h`.
#[derive(Debug, Clone)]
struct ScaleGeom {
    w_in: usize,
    w: usize,
    h: usize,
    ind_x: Vec<[usize; 4]>,
    ind_y: Vec<[usize; 4]>,
}

/// Per-scale fixed-point CSF weights.
#[derive(Debug, Clone, Copy)]
struct Weights {
    /// Scale 0 `[h, v, d]` (Q21, Q21, Q23).
    rf0: [u16; 3],
    /// Scales 1–3 `[h, v, d]` (Q32).
    rf: [[u32; 3]; 3],
    /// `pow(factor, 3)` per scale and orientation (denominator).
    cubed: [[f64; 3]; 4],
}

/// Reference-side results of one frame: the reference's DWT bands at every scale and the
/// CSF denominators (`den[scale]`). They depend on the reference picture only, so one
/// `AdmReference` can serve several distorted pictures of the same frame.
pub struct AdmReference {
    ref0: Bands<i16>,
    /// Scales 1..=3 (index scale - 1).
    ref_s: [Bands<i32>; 3],
    den: [f32; 4],
}

/// Scratch buffers, allocated once.
struct Buffers {
    scratch: Scratch,
    dis0: Bands<i16>,
    /// Scales 1..=3 (index scale - 1).
    dis_s: [Bands<i32>; 3],
}

/// The immutable part of an instance: configuration, geometry, weights, tables, kernels.
struct Core {
    cfg: Config,
    geometry: Geometry,
    scales: Vec<ScaleGeom>,
    weights: Weights,
    div_lookup: Vec<i32>,
    cos1_sq: f32,
    kernels: AdmKernels,
}

/// A running `adm` instance.
struct Adm {
    core: Core,
    names: Vec<Arc<str>>,
    reference: AdmReference,
    buf: Buffers,
}

fn opt_err(msg: impl Into<String>) -> Error {
    Error::FeatureOption {
        extractor: "adm".to_string(),
        message: msg.into(),
    }
}

fn create(options: &Options, geometry: Geometry) -> Result<Box<dyn Extractor>> {
    create_at(options, geometry, cpu_level())
}

/// Creates an `adm` instance whose kernels run at `level` (clamped to what the CPU supports),
/// whatever the process-wide level; for parity tests and benchmarks.
pub fn create_at(
    options: &Options,
    geometry: Geometry,
    level: CpuLevel,
) -> Result<Box<dyn Extractor>> {
    let mode_int = options.int("adm_csf_mode");
    let mode = CsfMode::from_int(mode_int)
        .ok_or_else(|| opt_err(format!("adm_csf_mode {mode_int} is not 0..3")))?;
    let csf = CsfParams {
        mode,
        nvd: options.double("adm_norm_view_dist"),
        rdh: options.int("adm_ref_display_height"),
        scale: options.double("adm_csf_scale"),
        diag_scale: options.double("adm_csf_diag_scale"),
    };
    // libvmaf (extract): the 16-bit pipeline cannot represent angular frequencies below
    // 1080 rows at 3 heights.
    if csf.nvd * (csf.rdh as f64) < 3.0 * 1080.0 {
        return Err(opt_err(format!(
            "adm_norm_view_dist * adm_ref_display_height = {} * {} is below 3240 (1080p at 3H), \
             which integer ADM cannot represent",
            csf.nvd, csf.rdh
        )));
    }
    if matches!(mode, CsfMode::Blend | CsfMode::BlendMae) && !csf::blend_supported(csf.nvd, csf.rdh)
    {
        return Err(opt_err(format!(
            "adm_csf_mode {mode_int} has no blended CSF table for adm_ref_display_height={} \
             adm_norm_view_dist={} (tables exist for 1080 at 3 or 5, 2160 at 1.5, 3 or 5, \
             720 at 5)",
            csf.rdh, csf.nvd
        )));
    }
    let cfg = Config {
        debug: options.bool("debug"),
        dlm_weight: options.double("adm_dlm_weight"),
        egl: options.double("adm_enhn_gain_limit"),
        noise_weight: options.double("adm_noise_weight"),
        skip_aim: options.bool("adm_skip_aim"),
        skip_scale0: options.bool("adm_skip_scale0"),
        min_val: options.double("adm_min_val"),
        csf,
    };

    let (w, h) = (geometry.width, geometry.height);
    if w < MIN_SIZE || h < MIN_SIZE {
        return Err(Error::extraction(
            "adm",
            format!(
                "frame {w}x{h} is too small: integer ADM needs at least {MIN_SIZE}x{MIN_SIZE} \
                 (4 dyadic scales of a 4-tap wavelet)"
            ),
        ));
    }

    let mut weights = Weights {
        rf0: [0; 3],
        rf: [[0; 3]; 3],
        cubed: [[0.0; 3]; 4],
    };
    for scale in 0..4 {
        let f = csf::factors(&cfg.csf, scale).ok_or_else(|| opt_err("no CSF table"))?;
        let f3 = [f[0], f[0], f[1]];
        weights.cubed[scale] = f3.map(|x| (x as f64).powf(3.0));
        if scale == 0 {
            weights.rf0 = csf::rfactor_scale0(&cfg.csf, f);
        } else {
            weights.rf[scale - 1] = csf::rfactor_s123(f);
        }
    }

    let mut scales = Vec::with_capacity(4);
    let (mut wi, mut hi) = (w, h);
    for _ in 0..4 {
        let (wo, ho) = (wi.div_ceil(2), hi.div_ceil(2));
        scales.push(ScaleGeom {
            w_in: wi,
            w: wo,
            h: ho,
            ind_x: scalar::dwt_indices(wi),
            ind_y: scalar::dwt_indices(hi),
        });
        (wi, hi) = (wo, ho);
    }

    let n0 = scales[0].w * scales[0].h;
    let n = |s: usize| scales[s].w * scales[s].h;
    let buf = Buffers {
        scratch: Scratch::new(w),
        dis0: Bands::new(n0),
        dis_s: [Bands::new(n(1)), Bands::new(n(2)), Bands::new(n(3))],
    };

    let reference = AdmReference {
        ref0: Bands::new(n0),
        ref_s: [Bands::new(n(1)), Bands::new(n(2)), Bands::new(n(3))],
        den: [0.0; 4],
    };
    Ok(Box::new(Adm {
        core: Core {
            cfg,
            geometry,
            scales,
            weights,
            div_lookup: tables::div_lookup(),
            cos1_sq: scalar::cos_1deg_sq(),
            kernels: AdmKernels::new(level),
        },
        names: output_names(&DEF, options),
        reference,
        buf,
    }))
}

/// Per-frame totals: `num`/`den` per scale (as libvmaf's `scores[8]`) and the AIM numerator.
#[derive(Debug, Default, Clone, Copy)]
struct ScaleScores {
    num: [f32; 4],
    den: [f32; 4],
    aim: [f32; 4],
}

impl Core {
    /// DWT of `plane` at every scale into `b0` (scale 0) and `bs` (scales 1–3).
    fn dwt_all(
        &self,
        plane: PlaneRef<'_>,
        scratch: &mut Scratch,
        b0: &mut Bands<i16>,
        bs: &mut [Bands<i32>; 3],
    ) {
        let k = &self.kernels;
        let g = &self.scales[0];
        let bpc = self.geometry.bit_depth;
        let lo_only = self.cfg.skip_scale0;
        let (src, stride) = match plane {
            PlaneRef::U8(p) => (Src::U8(p.data()), p.stride()),
            PlaneRef::U16(p) => (Src::U16(p.data()), p.stride()),
        };
        k.dwt_scale0(
            src, stride, g.w_in, bpc, &g.ind_y, &g.ind_x, scratch, b0, g.w, lo_only,
        );
        for scale in 1..4 {
            let g = &self.scales[scale];
            let src_stride = self.scales[scale - 1].w;
            let (prev, cur) = bs.split_at_mut(scale - 1);
            let src = if scale == 1 {
                BandSrc::I16(&b0.a)
            } else {
                BandSrc::I32(&prev[scale - 2].a)
            };
            k.dwt_s123(
                src,
                src_stride,
                g.w_in,
                scale,
                &g.ind_y,
                &g.ind_x,
                scratch,
                &mut cur[0],
                g.w,
            );
        }
    }

    /// The reference-side pass: DWT of the reference and the CSF denominators.
    fn compute_reference(
        &self,
        plane: PlaneRef<'_>,
        scratch: &mut Scratch,
        out: &mut AdmReference,
    ) {
        let cfg = &self.cfg;
        let k = &self.kernels;
        self.dwt_all(plane, scratch, &mut out.ref0, &mut out.ref_s);
        out.den[0] = if cfg.skip_scale0 {
            1e-10
        } else {
            let (w, h) = (self.scales[0].w, self.scales[0].h);
            k.csf_den_scale0(
                &out.ref0.hvd,
                w,
                w,
                h,
                self.weights.cubed[0],
                cfg.noise_weight,
            )
        };
        for scale in 1..4 {
            let (w, h) = (self.scales[scale].w, self.scales[scale].h);
            out.den[scale] = k.csf_den_s123(
                &out.ref_s[scale - 1].hvd,
                w,
                w,
                h,
                scale,
                self.weights.cubed[scale],
                cfg.noise_weight,
            );
        }
    }

    /// The distorted-side pass against a computed reference.
    fn compute_distorted(
        &self,
        rf: &AdmReference,
        plane: PlaneRef<'_>,
        b: &mut Buffers,
    ) -> ScaleScores {
        let cfg = self.cfg;
        let k = &self.kernels;
        let mut sc = ScaleScores {
            den: rf.den,
            ..Default::default()
        };
        self.dwt_all(plane, &mut b.scratch, &mut b.dis0, &mut b.dis_s);
        if !cfg.skip_scale0 {
            let (w, h) = (self.scales[0].w, self.scales[0].h);
            let p = StageParams {
                egl: cfg.egl,
                cos1_sq: self.cos1_sq,
                div_lookup: &self.div_lookup,
                rfactor: self.weights.rf0,
                nw: cfg.noise_weight,
                skip_aim: cfg.skip_aim,
            };
            (sc.num[0], sc.aim[0]) = k.stage_scale0(&rf.ref0, &b.dis0, w, w, h, &p, &mut b.scratch);
        }
        for scale in 1..4 {
            let (w, h) = (self.scales[scale].w, self.scales[scale].h);
            let p = StageParams {
                egl: cfg.egl,
                cos1_sq: self.cos1_sq,
                div_lookup: &self.div_lookup,
                rfactor: self.weights.rf[scale - 1],
                nw: cfg.noise_weight,
                skip_aim: cfg.skip_aim,
            };
            (sc.num[scale], sc.aim[scale]) = k.stage_s123(
                &rf.ref_s[scale - 1],
                &b.dis_s[scale - 1],
                w,
                w,
                h,
                scale,
                &p,
                &mut b.scratch,
            );
        }
        sc
    }
}

impl Adm {
    fn check(&self, what: &str, pic: &PictureView<'_>) -> Result<()> {
        let geometry = self.core.geometry;
        let g = pic.geometry();
        if g.width != geometry.width
            || g.height != geometry.height
            || g.bit_depth != geometry.bit_depth
        {
            return Err(Error::extraction(
                "adm",
                format!(
                    "{what} picture is {}x{} at {} bits, the extractor was created for \
                     {}x{} at {} bits",
                    g.width,
                    g.height,
                    g.bit_depth,
                    geometry.width,
                    geometry.height,
                    geometry.bit_depth
                ),
            ));
        }
        Ok(())
    }

    /// The distorted-side pass against `self.reference` and the scores.
    fn finish(&mut self, dis_plane: PlaneRef<'_>, out: &mut FrameScores) {
        let sc = self
            .core
            .compute_distorted(&self.reference, dis_plane, &mut self.buf);
        let geometry = self.core.geometry;
        let (w, h) = (geometry.width, geometry.height);
        let numden_limit = 1e-10 * (w * h) as f64 / (1920.0 * 1080.0);
        let mut num = 0f64;
        let mut den = 0f64;
        let mut aim_num = 0f64;
        for s in 0..4 {
            num += sc.num[s] as f64;
            den += sc.den[s] as f64;
            aim_num += sc.aim[s] as f64;
        }
        if num < numden_limit {
            num = 0.0;
        }
        if den < numden_limit {
            den = 0.0;
        }
        let (adm2, aim) = if den == 0.0 {
            // libvmaf leaves aim uninitialised here.
            (1.0, 0.0)
        } else {
            (num / den, aim_num / den)
        };
        let dlmw = self.core.cfg.dlm_weight;
        let adm3 = c_max(
            adm2 * dlmw + (1.0 - aim) * (1.0 - dlmw),
            self.core.cfg.min_val,
        );

        let n = &self.names;
        out.push(&n[0], adm2);
        out.push(&n[1], aim);
        out.push(&n[2], adm3);
        for s in 0..4 {
            out.push(&n[3 + s], sc.num[s] as f64 / sc.den[s] as f64);
        }
        if self.core.cfg.debug {
            out.push(&n[7], adm2);
            out.push(&n[8], num);
            out.push(&n[9], den);
            for s in 0..4 {
                out.push(&n[10 + 2 * s], sc.num[s] as f64);
                out.push(&n[11 + 2 * s], sc.den[s] as f64);
            }
        }
    }
}

impl Extractor for Adm {
    fn extract(&mut self, input: &FrameInput<'_>, out: &mut FrameScores) -> Result<()> {
        self.check("reference", &input.reference)?;
        self.check("distorted", &input.distorted)?;
        self.core.compute_reference(
            input.reference.luma(),
            &mut self.buf.scratch,
            &mut self.reference,
        );
        self.finish(input.distorted.luma(), out);
        Ok(())
    }

    /// Computes the reference DWT and CSF denominators once, then the distorted side of each
    /// input.
    fn extract_group(
        &mut self,
        inputs: &[FrameInput<'_>],
        outs: &mut [FrameScores],
    ) -> Result<bool> {
        let Some(first) = inputs.first() else {
            return Ok(true);
        };
        self.check("reference", &first.reference)?;
        for input in inputs {
            self.check("distorted", &input.distorted)?;
        }
        self.core.compute_reference(
            first.reference.luma(),
            &mut self.buf.scratch,
            &mut self.reference,
        );
        for (input, out) in inputs.iter().zip(outs.iter_mut()) {
            self.finish(input.distorted.luma(), out);
        }
        Ok(true)
    }
}

#[inline]
fn c_max(x: f64, y: f64) -> f64 {
    if x > y {
        x
    } else {
        y
    }
}
