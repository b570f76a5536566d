//! Contrast-sensitivity factors of float ADM (adm_tools.h `dwt_quant_step`,
//! barten_csf_tools.h `barten_csf`, adm_csf_tools.h `adm_native_csf`), with libvmaf's
//! float/double evaluation order. Evaluated once per extractor, not per frame.

// Constants are written as in libvmaf's source (rounded to f32 where C declares float).
#![allow(clippy::excessive_precision)]

use std::f64::consts::PI;

/// Watson et al. DWT threshold model parameters for luma (`dwt_7_9_YCbCr_threshold[0]`).
struct DwtModel {
    a: f32,
    k: f32,
    f0: f32,
    g: [f32; 4],
}

const WATSON_Y: DwtModel = DwtModel {
    a: 0.495,
    k: 0.466,
    f0: 0.401,
    g: [1.501, 1.0, 0.534, 1.0],
};

/// DWT basis function amplitudes A(lambda, theta) (`dwt_7_9_basis_function_amplitudes`).
const BASIS_AMPLITUDES: [[f32; 4]; 6] = [
    [0.62171, 0.67234, 0.72709, 0.67234],
    [0.34537, 0.41317, 0.49428, 0.41317],
    [0.18004, 0.22727, 0.28688, 0.22727],
    [0.091401, 0.11792, 0.15214, 0.11792],
    [0.045943, 0.059758, 0.077727, 0.059758],
    [0.023013, 0.030018, 0.039156, 0.030018],
];

/// Display visual resolution in pixels per degree, as the `float r` of the C code.
fn resolution(norm_view_dist: f64, ref_display_height: i32) -> f32 {
    (norm_view_dist * ref_display_height as f64 * PI / 180.0) as f32
}

/// `dwt_quant_step` for luma.
fn dwt_quant_step(lambda: usize, theta: usize, nvd: f64, rdh: i32) -> f32 {
    let p = &WATSON_Y;
    let r = resolution(nvd, rdh);
    let temp =
        (2f64.powi(lambda as i32 + 1) * p.f0 as f64 * p.g[theta] as f64 / r as f64).log10() as f32;
    let q = 2.0 * p.a as f64 * 10f64.powf((p.k * temp * temp) as f64)
        / BASIS_AMPLITUDES[lambda][theta] as f64;
    q as f32
}

/// `adm_native_csf` (theta 0 or 45).
fn adm_native_csf(lambda: usize, nvd: f64, rdh: i32, theta: i32) -> f32 {
    let r = resolution(nvd, rdh);
    let mut sf = (r as f64 / 2f64.powi(lambda as i32 + 1)) as f32;
    if theta == 45 {
        sf = (sf as f64 / 0.7) as f32;
    }
    ((0.31 + 0.69 * sf as f64) * (-0.29 * sf as f64).exp()) as f32
}

const BARTEN_ANCHORS: [f32; 6] = [0.002, 0.02, 0.2, 2.0, 20.0, 150.0];
const BARTEN_PARAMS: [[f32; 5]; 6] = [
    [0.0160737, 0.991265, 3.74038, 0.50722, 4.46044],
    [0.383873, 0.800889, 3.54104, 0.682505, 4.94958],
    [0.929301, 0.476505, 4.37453, 0.750315, 5.28678],
    [1.29776, 0.405782, 4.40602, 0.935314, 5.61425],
    [1.49222, 0.334278, 3.79542, 1.07327, 6.4635],
    [1.46213, 0.394533, 2.7755, 1.16577, 7.45665],
];
const BARTEN_SA: [f32; 4] = [30.162, 4.0627, 1.6596, 0.2712];
const BARTEN_MTF_A: [f32; 4] = [
    0.424838596301290,
    0.572435103936480,
    0.000167576239164937,
    0.00255872352306433,
];
const BARTEN_MTF_B: [f32; 4] = [0.028, 0.37, 37.0, 360.0];

fn linear_interpolate(lp: f32, lv: f32, rp: f32, rv: f32, sp: f32) -> f32 {
    lv + ((rv - lv) / (rp - lp)) * (sp - lp)
}

fn barten_rod_cone_sens(lum: f32) -> f32 {
    let inner = ((BARTEN_SA[1] / lum) as f64).powf(BARTEN_SA[2] as f64) + 1.0;
    (BARTEN_SA[0] as f64 * inner.powf(-BARTEN_SA[3] as f64)) as f32
}

fn barten_mtf(sf: f32) -> f32 {
    let mut mtf = 0.0f32;
    for (a, b) in BARTEN_MTF_A.iter().zip(&BARTEN_MTF_B) {
        mtf = (mtf as f64 + *a as f64 * ((-b * sf) as f64).exp()) as f32;
    }
    mtf
}

/// `barten_csf` at luminance `lum` scaled by `scale`.
fn barten_csf(lambda: usize, nvd: f64, rdh: i32, lum: f64, scale: f64) -> f32 {
    let r = resolution(nvd, rdh);
    let sf = (r as f64 / 2f64.powi(lambda as i32 + 1)) as f32;
    let (lo, hi) = (BARTEN_ANCHORS[0] as f64, BARTEN_ANCHORS[5] as f64);
    let clamped = if lum > hi {
        hi
    } else if lum < lo {
        lo
    } else {
        lum
    };
    let (mut li, mut ri) = (0, 0);
    for i in 0..5 {
        if clamped >= BARTEN_ANCHORS[i] as f64 && clamped <= BARTEN_ANCHORS[i + 1] as f64 {
            li = i;
            ri = i + 1;
            break;
        }
    }
    let lp = (BARTEN_ANCHORS[li] as f64).log10() as f32;
    let rp = (BARTEN_ANCHORS[ri] as f64).log10() as f32;
    let sp = clamped.log10() as f32;
    let p = |k: usize| linear_interpolate(lp, BARTEN_PARAMS[li][k], rp, BARTEN_PARAMS[ri][k], sp);
    let (p0, p1, p2, p3) = (p(1), p(2), p(3), p(4));
    let a = (1.0 + ((p0 * sf) as f64).powf(p1 as f64)) as f32;
    let e = (-((sf / 7.0) as f64).powf(2.0)).exp();
    let b = (1.0 / (1.0 - e).powf(p2 as f64)) as f32;
    let csf = (p3 as f64 / ((a * b) as f64).powf(0.5)) as f32;
    ((csf * barten_mtf(sf) * barten_rod_cone_sens(lum as f32)) as f64 * scale) as f32
}

/// Options that decide the CSF factors.
#[derive(Debug, Clone, Copy)]
pub struct CsfParams {
    /// `adm_csf_mode`: 1 Barten, 2 ADM native, anything else Watson.
    pub mode: i32,
    /// `adm_norm_view_dist`.
    pub norm_view_dist: f64,
    /// `adm_ref_display_height`.
    pub ref_display_height: i32,
    /// Luminance level for Barten (libvmaf passes 100 cd/m²).
    pub luminance_level: f64,
    /// `adm_csf_scale`.
    pub csf_scale: f64,
    /// `adm_csf_diag_scale`.
    pub csf_diag_scale: f64,
    /// `adm_f1s0..3`: override of factor 1 per scale when ≥ 0.
    pub f1: [f64; 4],
    /// `adm_f2s0..3`: override of factor 2 per scale when ≥ 0.
    pub f2: [f64; 4],
}

/// `rfactor` of scale `scale` as `[h, v, d]`: factor 1 for h and v, factor 2 for d.
pub fn rfactor(p: &CsfParams, scale: usize) -> [f32; 3] {
    let (mut f1, mut f2) = match p.mode {
        1 => (
            barten_csf(
                scale,
                p.norm_view_dist,
                p.ref_display_height,
                p.luminance_level,
                p.csf_scale,
            ),
            barten_csf(
                scale,
                p.norm_view_dist,
                p.ref_display_height,
                p.luminance_level,
                p.csf_diag_scale,
            ),
        ),
        2 => (
            adm_native_csf(scale, p.norm_view_dist, p.ref_display_height, 0),
            adm_native_csf(scale, p.norm_view_dist, p.ref_display_height, 45),
        ),
        _ => (
            1.0 / dwt_quant_step(scale, 1, p.norm_view_dist, p.ref_display_height),
            1.0 / dwt_quant_step(scale, 2, p.norm_view_dist, p.ref_display_height),
        ),
    };
    if p.f1[scale] >= 0.0 {
        f1 = p.f1[scale] as f32;
    }
    if p.f2[scale] >= 0.0 {
        f2 = p.f2[scale] as f32;
    }
    [f1, f1, f2]
}
