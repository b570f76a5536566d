//! Float ADM (libvmaf `float_adm.c` + `adm.c` + `adm_tools.c`): the detail-loss metric of
//! the `vmaf_float_*` models, in single precision.
//!
//! Per frame the reference and distorted luma are converted to `f32` (minus 128, high depths
//! scaled to the 8-bit range) and decomposed by four levels of the db2 DWT. At each scale the
//! distorted bands are decoupled into restored and additive parts, CSF-weighted, contrast
//! masked and pooled by a p-norm; the ratio of the summed numerators and denominators is
//! `adm2`, the additive part gives `aim`, and `adm3` blends the two.
//!
//! libvmaf's divisions in the decoupling go through the x86 `RCPSS` estimate refined by one
//! Newton step; [`rcp`] models Intel's estimate so results match libvmaf's (Intel-made)
//! goldens on any CPU.

use std::sync::Arc;

use crate::error::{Error, Result};
use crate::features::float_motion::scalar::picture_copy;
use crate::features::{output_names, Extractor, ExtractorDef, FrameInput, FrameScores};
use crate::frame::{Geometry, PictureView, PlaneRef};
use crate::options::{OptKind, OptSpec, Options};

#[cfg(target_arch = "x86_64")]
mod avx2;
pub mod csf;
pub mod rcp;
pub mod scalar;

use scalar::{Bands, CmParams};

const NAME: &str = "float_adm";

/// `ADM_BORDER_FACTOR`: fraction of each side left out of the scores.
pub const BORDER_FACTOR: f64 = 0.1;
/// `DEFAULT_ADM_CSF_LUMINANCE_LEVEL` (cd/m², used by the Barten CSF).
pub const LUMINANCE_LEVEL: f64 = 100.0;
/// Smallest picture side: the coarsest (fourth) band must be at least 2 samples wide for the
/// 3×3 masking window (libvmaf reads outside the band below this).
pub const MIN_SIDE: usize = 17;

const fn dbl(
    name: &'static str,
    alias: &'static str,
    default: f64,
    min: f64,
    max: f64,
    help: &'static str,
) -> OptSpec {
    OptSpec {
        name,
        alias: Some(alias),
        kind: OptKind::Double { default, min, max },
        param: true,
        help,
    }
}

const fn int(
    name: &'static str,
    alias: &'static str,
    default: i32,
    min: i32,
    max: i32,
    help: &'static str,
) -> OptSpec {
    OptSpec {
        name,
        alias: Some(alias),
        kind: OptKind::Int { default, min, max },
        param: true,
        help,
    }
}

/// libvmaf's option table of `float_adm` (float_adm.c, `options[]`).
pub static OPTIONS: &[OptSpec] = &[
    OptSpec {
        name: "debug",
        alias: None,
        kind: OptKind::Bool { default: false },
        param: false,
        help: "debug mode: enable additional output",
    },
    dbl(
        "adm_enhn_gain_limit",
        "egl",
        100.0,
        1.0,
        100.0,
        "enhancement gain imposed on adm, must be >= 1.0, where 1.0 means the gain is completely disabled",
    ),
    dbl(
        "adm_norm_view_dist",
        "nvd",
        3.0,
        0.75,
        24.0,
        "normalized viewing distance = viewing distance / ref display's physical height",
    ),
    dbl("adm_noise_weight", "nw", 0.03125, 0.0, 1500.0, "noise weight"),
    dbl("adm_csf_scale", "scf", 1.0, 0.0, 50.0, "scale factor for the CSF"),
    dbl("adm_csf_diag_scale", "scfd", 1.0, 0.0, 50.0, "scale factor for the CSF diag"),
    int(
        "adm_ref_display_height",
        "rdf",
        1080,
        1,
        4320,
        "reference display height in pixels",
    ),
    int("adm_csf_mode", "csf", 0, 0, 9, "contrast sensitivity function"),
    int("adm_bypass_cm", "bcm", 0, 0, 1, "bypass contrast masking (CM)"),
    OptSpec {
        name: "adm_adm3_apply_hm",
        alias: Some("aah"),
        kind: OptKind::Bool { default: false },
        param: true,
        help: "apply harmonic mean to combine DLM and AIM",
    },
    dbl("adm_p_norm", "apn", 3.0, 1.0, 20.0, "p-norm for energy vector"),
    dbl(
        "adm_dlm_weight",
        "dlmw",
        0.5,
        0.0,
        1.0,
        "linear weighting between DLM and AIM; 1 corresponds to DLM-only",
    ),
    dbl(
        "adm_min_val",
        "min",
        0.0,
        0.0,
        1.0,
        "minimum value allowed; lower values will be clipped to this value",
    ),
    dbl("adm_f1s0", "f1s0", -1.0, -1.0, 10.0, "factor1 scale0"),
    dbl("adm_f1s1", "f1s1", -1.0, -1.0, 10.0, "factor1 scale1"),
    dbl("adm_f1s2", "f1s2", -1.0, -1.0, 10.0, "factor1 scale2"),
    dbl("adm_f1s3", "f1s3", -1.0, -1.0, 10.0, "factor1 scale3"),
    dbl("adm_f2s0", "f2s0", -1.0, -1.0, 10.0, "factor2 scale0"),
    dbl("adm_f2s1", "f2s1", -1.0, -1.0, 10.0, "factor2 scale1"),
    dbl("adm_f2s2", "f2s2", -1.0, -1.0, 10.0, "factor2 scale2"),
    dbl("adm_f2s3", "f2s3", -1.0, -1.0, 10.0, "factor2 scale3"),
    int(
        "adm_skip_aim_scale",
        "sasc",
        -1,
        0,
        3,
        "when set, skip AIM calculations for that scale",
    ),
    OptSpec {
        name: "adm_skip_scale0",
        alias: Some("ssz"),
        kind: OptKind::Bool { default: false },
        param: true,
        help: "skip the calculation of scale 0",
    },
];

/// Extractor `float_adm`.
pub static DEF: ExtractorDef = ExtractorDef {
    name: NAME,
    provided: &[
        "VMAF_feature_adm2_score",
        "VMAF_feature_aim_score",
        "VMAF_feature_adm3_score",
        "VMAF_feature_adm_scale0_score",
        "VMAF_feature_adm_scale1_score",
        "VMAF_feature_adm_scale2_score",
        "VMAF_feature_adm_scale3_score",
        "adm_num",
        "adm_den",
        "adm_scale0",
        "adm_num_scale0",
        "adm_den_scale0",
        "adm_num_scale1",
        "adm_den_scale1",
        "adm_num_scale2",
        "adm_den_scale2",
        "adm_num_scale3",
        "adm_den_scale3",
    ],
    options: OPTIONS,
    temporal: false,
    prev_ref: false,
    create,
};

/// Everything `compute_adm` needs besides the pictures.
#[derive(Debug, Clone, Copy)]
struct AdmParams {
    gain_limit: f64,
    noise_weight: f64,
    bypass_cm: bool,
    p_norm: f64,
    skip_aim_scale: i32,
    skip_scale0: bool,
    /// CSF factors `[h, v, d]` per scale.
    rfactor: [[f32; 3]; 4],
}

/// What `compute_adm` returns.
#[derive(Debug, Clone, Copy)]
struct AdmResult {
    score: f64,
    num: f64,
    den: f64,
    aim: f64,
    /// num, den per scale.
    scales: [f64; 8],
}

/// Which bands a contrast-masking pass reads: the restored part masked by the CSF-weighted
/// additive part, or the additive part masked by the restored part (adm.c swaps the buffers).
#[derive(Clone, Copy)]
enum CmInput {
    Restored,
    Additive,
}

/// Scratch of one instance: converted planes and every band buffer (pitch `stride`).
struct Buffers {
    stride: usize,
    ref_px: Vec<f32>,
    dis_px: Vec<f32>,
    ref_dwt: Bands,
    dis_dwt: Bands,
    /// Approximation bands of the previous scale (the next scale's input).
    ref_lo: Vec<f32>,
    dis_lo: Vec<f32>,
    r: Bands,
    a: Bands,
    csf_a: Bands,
    csf_f: Bands,
    ind_y: Vec<[usize; 4]>,
    ind_x: Vec<[usize; 4]>,
    tmplo: Vec<f32>,
    tmphi: Vec<f32>,
    /// The AVX2 contrast masking, where the CPU level allows it, and its scratch.
    #[cfg(target_arch = "x86_64")]
    avx2: Option<avx2::Avx2>,
    #[cfg(target_arch = "x86_64")]
    cm_terms: Vec<f32>,
}

impl Buffers {
    fn new(w: usize, h: usize) -> Self {
        let (bw, bh) = (w.div_ceil(2), h.div_ceil(2));
        let n = bw * bh;
        Buffers {
            stride: bw,
            ref_px: vec![0.0; w * h],
            dis_px: vec![0.0; w * h],
            ref_dwt: Bands::new(n, true),
            dis_dwt: Bands::new(n, true),
            ref_lo: vec![0.0; n],
            dis_lo: vec![0.0; n],
            r: Bands::new(n, false),
            a: Bands::new(n, false),
            csf_a: Bands::new(n, false),
            csf_f: Bands::new(n, false),
            ind_y: vec![[0; 4]; bh],
            ind_x: vec![[0; 4]; bw],
            tmplo: vec![0.0; w],
            tmphi: vec![0.0; w],
            #[cfg(target_arch = "x86_64")]
            avx2: avx2::Avx2::at_level(),
            #[cfg(target_arch = "x86_64")]
            cm_terms: Vec::new(),
        }
    }

    /// `adm_decouple_s` of the current scale's DWT bands into `r` and `a`, at the CPU
    /// level's kernel.
    fn decouple(&mut self, w: usize, h: usize, gain_limit: f64) {
        let (rf, ds, r, a) = (&self.ref_dwt, &self.dis_dwt, &mut self.r, &mut self.a);
        let (stride, bf) = (self.stride, BORDER_FACTOR);
        #[cfg(target_arch = "x86_64")]
        if let Some(k) = self.avx2 {
            return k.decouple(rf, ds, r, a, w, h, stride, bf, gain_limit);
        }
        scalar::decouple(rf, ds, r, a, w, h, stride, bf, gain_limit)
    }

    /// `adm_cm_s` of `src` masked by `csf_f`/`csf_a` (the buffers named by `which`) at the
    /// CPU level's kernel.
    fn cm(&mut self, which: CmInput, rfactor: &[f32; 3], p: &CmParams) -> f32 {
        let (src, csf_f, csf_a) = match which {
            CmInput::Restored => (&self.r, &self.csf_f, &self.csf_a),
            CmInput::Additive => (&self.a, &self.csf_a, &self.csf_f),
        };
        #[cfg(target_arch = "x86_64")]
        if let Some(k) = self.avx2 {
            return k.cm(src, csf_f, csf_a, rfactor, p, &mut self.cm_terms);
        }
        scalar::cm(src, csf_f, csf_a, rfactor, p)
    }

    /// `compute_adm` (adm.c) on the converted planes of a `w`×`h` picture.
    fn compute(&mut self, w: usize, h: usize, p: &AdmParams) -> AdmResult {
        let numden_limit = 1e-10 * (w * h) as f64 / (1920.0 * 1080.0);
        let stride = self.stride;
        let (mut w, mut h) = (w, h);
        let (mut num, mut den, mut aim_num, mut aim_den) = (0.0f64, 0.0f64, 0.0f64, 0.0f64);
        let mut scales = [0.0f64; 8];
        for scale in 0..4 {
            let (src_stride, lo_only) = if scale == 0 {
                (w, p.skip_scale0)
            } else {
                (stride, false)
            };
            scalar::dwt_indices(h, &mut self.ind_y);
            scalar::dwt_indices(w, &mut self.ind_x);
            for (src, dst) in [
                (
                    if scale == 0 {
                        &self.ref_px
                    } else {
                        &self.ref_lo
                    },
                    &mut self.ref_dwt,
                ),
                (
                    if scale == 0 {
                        &self.dis_px
                    } else {
                        &self.dis_lo
                    },
                    &mut self.dis_dwt,
                ),
            ] {
                let (iy, ix) = (&self.ind_y, &self.ind_x);
                let (tl, th) = (&mut self.tmplo, &mut self.tmphi);
                #[cfg(target_arch = "x86_64")]
                if let Some(k) = self.avx2 {
                    k.dwt2(src, src_stride, w, h, iy, ix, dst, stride, tl, th, lo_only);
                    continue;
                }
                scalar::dwt2(src, src_stride, w, h, iy, ix, dst, stride, tl, th, lo_only);
            }
            w = w.div_ceil(2);
            h = h.div_ceil(2);

            let (num_scale, den_scale, aim_num_scale) = if lo_only {
                (0.0f32, 1e-10f32, 0.0f32)
            } else {
                let rf = &p.rfactor[scale];
                self.decouple(w, h, p.gain_limit);
                let den_scale = scalar::csf_den_scale(
                    &self.ref_dwt,
                    rf,
                    w,
                    h,
                    stride,
                    BORDER_FACTOR,
                    p.noise_weight,
                    p.p_norm,
                );
                let cm = CmParams {
                    w,
                    h,
                    stride,
                    border_factor: BORDER_FACTOR,
                    noise_weight: p.noise_weight,
                    bypass: p.bypass_cm,
                    p_norm: p.p_norm,
                };
                // Masking of the restored part by the CSF-weighted additive part...
                scalar::csf(
                    &self.a,
                    &mut self.csf_a,
                    &mut self.csf_f,
                    rf,
                    w,
                    h,
                    stride,
                    BORDER_FACTOR,
                );
                let num_scale = self.cm(CmInput::Restored, rf, &cm);
                // ...and of the additive part by the CSF-weighted restored part (buffers swap
                // roles as in adm.c), without the noise floor.
                scalar::csf(
                    &self.r,
                    &mut self.csf_f,
                    &mut self.csf_a,
                    rf,
                    w,
                    h,
                    stride,
                    BORDER_FACTOR,
                );
                let aim_cm = CmParams {
                    noise_weight: 0.0,
                    ..cm
                };
                let aim_num_scale = self.cm(CmInput::Additive, rf, &aim_cm);
                (num_scale, den_scale, aim_num_scale)
            };

            num += num_scale as f64;
            den += den_scale as f64;
            if p.skip_aim_scale != scale as i32 {
                aim_den += den_scale as f64;
                aim_num += aim_num_scale as f64;
            }
            std::mem::swap(&mut self.ref_lo, &mut self.ref_dwt.a);
            std::mem::swap(&mut self.dis_lo, &mut self.dis_dwt.a);
            scales[2 * scale] = num_scale as f64;
            scales[2 * scale + 1] = den_scale as f64;
        }
        let num = if num < numden_limit { 0.0 } else { num };
        let den = if den < numden_limit { 0.0 } else { den };
        let (score, aim) = if den == 0.0 {
            // libvmaf leaves the AIM score uninitialised here; 0 (no additive impairment)
            // is the value consistent with the perfect DLM score.
            (1.0, 0.0)
        } else {
            let r = aim_num / aim_den;
            (num / den, if r < 1.0 { r } else { 1.0 })
        };
        AdmResult {
            score,
            num,
            den,
            aim,
            scales,
        }
    }
}

/// A `float_adm` instance.
struct FloatAdm {
    geometry: Geometry,
    debug: bool,
    apply_hm: bool,
    dlm_weight: f64,
    min_val: f64,
    params: AdmParams,
    bufs: Buffers,
    names: Vec<Arc<str>>,
    /// `adm` (debug output that is not a provided feature, so never renamed).
    adm_name: Arc<str>,
}

fn create(options: &Options, geometry: Geometry) -> Result<Box<dyn Extractor>> {
    if !matches!(geometry.bit_depth, 8 | 10 | 12 | 16) {
        // libvmaf's picture_copy only scales 10/12/16 bits and reads other depths as bytes.
        return Err(Error::extraction(
            NAME,
            format!(
                "bit depth {} is not supported (8, 10, 12 or 16)",
                geometry.bit_depth
            ),
        ));
    }
    if geometry.width < MIN_SIDE || geometry.height < MIN_SIDE {
        return Err(Error::extraction(
            NAME,
            format!(
                "picture {}x{} is too small: ADM needs at least {MIN_SIDE}x{MIN_SIDE}",
                geometry.width, geometry.height
            ),
        ));
    }
    let d = |n: &str| options.double(n);
    let csf_params = csf::CsfParams {
        mode: options.int("adm_csf_mode"),
        norm_view_dist: d("adm_norm_view_dist"),
        ref_display_height: options.int("adm_ref_display_height"),
        luminance_level: LUMINANCE_LEVEL,
        csf_scale: d("adm_csf_scale"),
        csf_diag_scale: d("adm_csf_diag_scale"),
        f1: [d("adm_f1s0"), d("adm_f1s1"), d("adm_f1s2"), d("adm_f1s3")],
        f2: [d("adm_f2s0"), d("adm_f2s1"), d("adm_f2s2"), d("adm_f2s3")],
    };
    let params = AdmParams {
        gain_limit: d("adm_enhn_gain_limit"),
        noise_weight: d("adm_noise_weight"),
        bypass_cm: options.int("adm_bypass_cm") != 0,
        p_norm: d("adm_p_norm"),
        skip_aim_scale: options.int("adm_skip_aim_scale"),
        skip_scale0: options.bool("adm_skip_scale0"),
        rfactor: [0, 1, 2, 3].map(|s| csf::rfactor(&csf_params, s)),
    };
    Ok(Box::new(FloatAdm {
        geometry,
        debug: options.bool("debug"),
        apply_hm: options.bool("adm_adm3_apply_hm"),
        dlm_weight: d("adm_dlm_weight"),
        min_val: d("adm_min_val"),
        params,
        bufs: Buffers::new(geometry.width, geometry.height),
        names: output_names(&DEF, options),
        adm_name: Arc::from("adm"),
    }))
}

impl FloatAdm {
    fn load(&mut self, pic: &PictureView<'_>, dis: bool) -> Result<()> {
        let g = pic.geometry();
        if g.width != self.geometry.width
            || g.height != self.geometry.height
            || g.bit_depth != self.geometry.bit_depth
        {
            return Err(Error::extraction(
                NAME,
                format!(
                    "picture is {}x{} at {} bits, expected {}x{} at {} bits",
                    g.width,
                    g.height,
                    g.bit_depth,
                    self.geometry.width,
                    self.geometry.height,
                    self.geometry.bit_depth
                ),
            ));
        }
        let dst = if dis {
            &mut self.bufs.dis_px
        } else {
            &mut self.bufs.ref_px
        };
        match pic.luma() {
            PlaneRef::U8(p) => picture_copy(&p, g.bit_depth, -128, dst),
            PlaneRef::U16(p) => picture_copy(&p, g.bit_depth, -128, dst),
        }
        Ok(())
    }
}

impl Extractor for FloatAdm {
    fn extract(&mut self, input: &FrameInput<'_>, out: &mut FrameScores) -> Result<()> {
        self.load(&input.reference, false)?;
        self.load(&input.distorted, true)?;
        let r = self
            .bufs
            .compute(self.geometry.width, self.geometry.height, &self.params);
        let n = &self.names;
        out.push(&n[0], r.score);
        out.push(&n[1], r.aim);
        let adm3 = if self.apply_hm {
            2.0 * r.score * r.aim / (r.score + r.aim)
        } else {
            r.score * self.dlm_weight + (1.0 - r.aim) * (1.0 - self.dlm_weight)
        };
        out.push(
            &n[2],
            if adm3 > self.min_val {
                adm3
            } else {
                self.min_val
            },
        );
        for s in 0..4 {
            out.push(&n[3 + s], r.scales[2 * s] / r.scales[2 * s + 1]);
        }
        if !self.debug {
            return Ok(());
        }
        out.push(&self.adm_name, r.score);
        out.push(&n[7], r.num);
        out.push(&n[8], r.den);
        // n[9] is "adm_scale0", provided but never written by libvmaf
        for k in 0..8 {
            out.push(&n[10 + k], r.scales[k]);
        }
        Ok(())
    }
}
