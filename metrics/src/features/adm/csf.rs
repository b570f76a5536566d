//! Contrast-sensitivity weights of integer ADM and their fixed-point forms.
//!
//! Mirrors `dwt_quant_step` (integer_adm.c) and `barten_csf` / `barten_watson_blend_csf[_mae]`
//! (barten_csf_tools.h) cast for cast: C evaluates `float op float` in `f32` and anything
//! touching a `double` (or a libm call) in `f64`, and every `float` variable rounds.

use std::f64::consts::PI;

use super::tables::{
    BlendTable, BARTEN_ANCHORS, BARTEN_MTF_A, BARTEN_MTF_B, BARTEN_PARAMS, BARTEN_SA, BLENDED_CSF,
    BLENDED_CSF_MAE, WATSON_AMPLITUDES, WATSON_Y,
};

/// libvmaf's `adm_csf_mode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsfMode {
    /// 0: Watson et al. 1997 noise-floor model (default).
    Watson,
    /// 1: Barten's CSF as simplified in HDR-VDP-2, scaled by `adm_csf_scale` / `adm_csf_diag_scale`.
    Barten,
    /// 2: Barten–Watson blend tables (v1.0.16 models).
    Blend,
    /// 3: Barten–Watson blend tables with the v1.0.17 fix ("MAE").
    BlendMae,
}

impl CsfMode {
    /// From the option value 0..=3.
    pub fn from_int(v: i32) -> Option<CsfMode> {
        Some(match v {
            0 => CsfMode::Watson,
            1 => CsfMode::Barten,
            2 => CsfMode::Blend,
            3 => CsfMode::BlendMae,
            _ => return None,
        })
    }
}

/// Viewing parameters that pick the CSF weights.
#[derive(Debug, Clone, Copy)]
pub struct CsfParams {
    /// Which CSF.
    pub mode: CsfMode,
    /// `adm_norm_view_dist`.
    pub nvd: f64,
    /// `adm_ref_display_height`.
    pub rdh: i32,
    /// `adm_csf_scale` (Barten only).
    pub scale: f64,
    /// `adm_csf_diag_scale` (Barten only).
    pub diag_scale: f64,
}

/// Display visual resolution in pixels per degree, stored as `float` as libvmaf does.
fn display_resolution(nvd: f64, rdh: i32) -> f32 {
    (nvd * rdh as f64 * PI / 180.0) as f32
}

/// Watson quantisation step `Q(lambda, theta)` (integer_adm.c: dwt_quant_step, Y channel).
pub fn watson_quant_step(lambda: usize, theta: usize, nvd: f64, rdh: i32) -> f32 {
    let p = &WATSON_Y;
    let r = display_resolution(nvd, rdh);
    let temp = (2f64.powf((lambda + 1) as f64) * p.f0 as f64 * p.g[theta] as f64 / r as f64).log10()
        as f32;
    // k * temp * temp is a float product in C.
    let e = p.k * temp * temp;
    (2.0 * p.a as f64 * 10f64.powf(e as f64) / WATSON_AMPLITUDES[lambda][theta] as f64) as f32
}

fn linear_interpolate(lp: f32, lv: f32, rp: f32, rv: f32, sp: f32) -> f32 {
    lv + ((rv - lv) / (rp - lp)) * (sp - lp)
}

fn barten_rod_cone_sens(lum: f32) -> f32 {
    let drop = BARTEN_SA[1];
    let slope = BARTEN_SA[2];
    let low = BARTEN_SA[3];
    (BARTEN_SA[0] as f64 * (((drop / lum) as f64).powf(slope as f64) + 1.0).powf(-low as f64))
        as f32
}

fn barten_mtf(sf: f32) -> f32 {
    let mut mtf = 0.0f32;
    for i in 0..4 {
        let e = (-BARTEN_MTF_B[i] * sf) as f64;
        mtf = (mtf as f64 + BARTEN_MTF_A[i] as f64 * e.exp()) as f32;
    }
    mtf
}

/// Barten CSF at DWT level `lambda` (barten_csf_tools.h: barten_csf), times `csf_scale`.
pub fn barten_csf(lambda: usize, nvd: f64, rdh: i32, lum: f64, csf_scale: f64) -> f32 {
    let r = display_resolution(nvd, rdh);
    let sf = (r as f64 / 2f64.powf((lambda + 1) as f64)) as f32;
    let lo = BARTEN_ANCHORS[0] as f64;
    let hi = BARTEN_ANCHORS[5] as f64;
    let clamped = if lum > hi {
        hi
    } else if lum < lo {
        lo
    } else {
        lum
    };
    let (mut li, mut ri) = (0usize, 0usize);
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
    let par = |k: usize| linear_interpolate(lp, BARTEN_PARAMS[li][k], rp, BARTEN_PARAMS[ri][k], sp);
    let (p0, p1, p2, p3) = (par(1), par(2), par(3), par(4));

    let a = (1.0 + ((p0 * sf) as f64).powf(p1 as f64)) as f32;
    let e = -((sf / 7.0) as f64).powf(2.0);
    let b = (1.0 / (1.0 - e.exp()).powf(p2 as f64)) as f32;
    let csf = (p3 as f64 / ((a * b) as f64).powf(0.5)) as f32;
    let prod = csf * barten_mtf(sf) * barten_rod_cone_sens(lum as f32);
    (prod as f64 * csf_scale) as f32
}

fn blend_lookup(
    tables: &[(i32, f64, BlendTable)],
    scale: usize,
    theta: usize,
    nvd: f64,
    rdh: i32,
) -> Option<f32> {
    tables
        .iter()
        .find(|(h, d, _)| *h == rdh && *d == nvd)
        .map(|(_, _, t)| t[theta][scale])
}

/// True when the blend tables of `mode` (2 or 3) have an entry for (`rdh`, `nvd`).
pub fn blend_supported(nvd: f64, rdh: i32) -> bool {
    blend_lookup(&BLENDED_CSF, 0, 0, nvd, rdh).is_some()
}

/// The two CSF factors of `scale`: `[h/v, d]`.
///
/// For the blend modes libvmaf returns `-EINVAL` as a float (-22.0) when the viewing pair has
/// no table; rvmaf rejects such options at creation, so this returns `None` there.
pub fn factors(p: &CsfParams, scale: usize) -> Option<[f32; 2]> {
    Some(match p.mode {
        CsfMode::Barten => [
            barten_csf(scale, p.nvd, p.rdh, 100.0, p.scale),
            barten_csf(scale, p.nvd, p.rdh, 100.0, p.diag_scale),
        ],
        CsfMode::Blend => [
            blend_lookup(&BLENDED_CSF, scale, 0, p.nvd, p.rdh)?,
            blend_lookup(&BLENDED_CSF, scale, 1, p.nvd, p.rdh)?,
        ],
        CsfMode::BlendMae => [
            blend_lookup(&BLENDED_CSF_MAE, scale, 0, p.nvd, p.rdh)?,
            blend_lookup(&BLENDED_CSF_MAE, scale, 1, p.nvd, p.rdh)?,
        ],
        CsfMode::Watson => [
            1.0f32 / watson_quant_step(scale, 1, p.nvd, p.rdh),
            1.0f32 / watson_quant_step(scale, 2, p.nvd, p.rdh),
        ],
    })
}

/// x86-64 gcc's `(uint16_t)double`: a truncating conversion to int32 (`cvttsd2si`, which gives
/// `INT32_MIN` out of range) keeping the low 16 bits.
fn c_double_to_u16(v: f64) -> u16 {
    let i = if v > -2147483649.0 && v < 2147483648.0 {
        v as i32
    } else {
        i32::MIN
    };
    i as u16
}

/// x86-64 gcc's `(uint32_t)double`: a truncating conversion to int64 (`cvttsd2si` on 64 bits,
/// `INT64_MIN` out of range) keeping the low 32 bits.
fn c_double_to_u32(v: f64) -> u32 {
    let i = if v > -9223372036854775808.0 - 1.0 && v < 9223372036854775808.0 {
        v as i64
    } else {
        i64::MIN
    };
    i as u32
}

/// Scale-0 fixed-point weights `[h, v, d]` (Q21, Q21, Q23).
///
/// At 1080p/3H with the Watson CSF libvmaf uses hard-coded constants (36453, 36453, 49417)
/// that are not what its own formula gives (about 36451/49414).
pub fn rfactor_scale0(p: &CsfParams, f: [f32; 2]) -> [u16; 3] {
    if (p.nvd * p.rdh as f64 - 3.0 * 1080.0).abs() < 1.0e-8 && p.mode == CsfMode::Watson {
        return [36453, 36453, 49417];
    }
    let p21 = 2f64.powf(21.0);
    let p23 = 2f64.powf(23.0);
    [
        c_double_to_u16(f[0] as f64 * p21),
        c_double_to_u16(f[0] as f64 * p21),
        c_double_to_u16(f[1] as f64 * p23),
    ]
}

/// Scale 1–3 fixed-point weights `[h, v, d]` (Q32, truncated).
pub fn rfactor_s123(f: [f32; 2]) -> [u32; 3] {
    let p32 = 2f64.powf(32.0);
    [
        c_double_to_u32(f[0] as f64 * p32),
        c_double_to_u32(f[0] as f64 * p32),
        c_double_to_u32(f[1] as f64 * p32),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn watson(nvd: f64, rdh: i32) -> CsfParams {
        CsfParams {
            mode: CsfMode::Watson,
            nvd,
            rdh,
            scale: 1.0,
            diag_scale: 1.0,
        }
    }

    #[test]
    fn scale0_special_case() {
        let p = watson(3.0, 1080);
        let f = factors(&p, 0).unwrap();
        assert_eq!(rfactor_scale0(&p, f), [36453, 36453, 49417]);
        // the formula itself lands a few units lower
        let q = watson(3.0000001, 1080);
        let r = rfactor_scale0(&q, factors(&q, 0).unwrap());
        assert!(r[0] < 36453 && r[2] < 49417, "{r:?}");
    }

    /// Fixed-point weights as libvmaf computes them: values printed by its own
    /// `dwt_quant_step` / `barten_csf` (integer_adm.c / barten_csf_tools.h at f85a853, built
    /// with gcc 12 -O3 -std=c11 on x86-64, run-time arguments), cast as in adm_csf/i4_adm_csf.
    #[test]
    fn fixed_point_weights_match_libvmaf() {
        // (nvd, rdh, scale-0 [hv, d], scales 1-3 [hv, d], Barten scale 0 as u16 and u32)
        type Case = (f64, i32, [u16; 2], [[u32; 2]; 3], u16, u32);
        let cases: [Case; 3] = [
            (
                3.0,
                1080,
                [36451, 49414],
                [
                    [137373792, 61414028],
                    [186284160, 104783920],
                    [196165808, 134487184],
                ],
                48227,
                904075776,
            ),
            (
                5.0,
                1080,
                [14342, 17077],
                [
                    [62382256, 24495736],
                    [97628224, 48234700],
                    [118649120, 71447608],
                ],
                44232,
                1432764928,
            ),
            (
                3.0,
                2160,
                [10021, 11393],
                [
                    [45876252, 17199296],
                    [75564400, 35644684],
                    [96654312, 55569672],
                ],
                16275,
                838637696,
            ),
        ];
        for (nvd, rdh, s0, s123, barten_u16, barten_u32) in cases {
            // nvd 3.0000001 escapes the hard-coded 1080p/3H constants but rounds to the same
            // f32 display resolution, so the formula's own values show.
            let p = watson(
                if nvd == 3.0 && rdh == 1080 {
                    3.0000001
                } else {
                    nvd
                },
                rdh,
            );
            let r0 = rfactor_scale0(&p, factors(&p, 0).unwrap());
            assert_eq!([r0[0], r0[2]], s0, "{nvd} {rdh}");
            assert_eq!(r0[0], r0[1]);
            for s in 1..4 {
                let r = rfactor_s123(factors(&p, s).unwrap());
                assert_eq!([r[0], r[2]], s123[s - 1], "{nvd} {rdh} scale {s}");
            }
            // Barten at scale 0 with adm_csf_scale 1 overflows both casts (x86-64 behaviour).
            let b = barten_csf(0, nvd, rdh, 100.0, 1.0) as f64;
            assert_eq!(c_double_to_u16(b * 2f64.powi(21)), barten_u16);
            assert_eq!(c_double_to_u32(b * 2f64.powi(32)), barten_u32);
        }
    }

    #[test]
    fn blend_tables() {
        let p = CsfParams {
            mode: CsfMode::Blend,
            nvd: 1.5,
            rdh: 2160,
            scale: 1.0,
            diag_scale: 1.0,
        };
        assert_eq!(factors(&p, 3).unwrap(), [0.058621f32, 0.035901f32]);
        let q = CsfParams { nvd: 4.0, ..p };
        assert!(factors(&q, 0).is_none());
        assert!(blend_supported(5.0, 720));
        assert!(!blend_supported(4.0, 1080));
    }

    #[test]
    fn c_conversions() {
        assert_eq!(c_double_to_u16(65536.0 + 7.9), 7);
        assert_eq!(c_double_to_u16(-1.0), 65535);
        assert_eq!(c_double_to_u16(3.0e9), 0);
        assert_eq!(c_double_to_u32(4294967296.0 * 3.0 + 5.5), 5);
        assert_eq!(c_double_to_u32(1.0e300), 0);
    }
}
