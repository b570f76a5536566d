//! Parity of the integer ADM SIMD kernels with the scalar oracle, at every CPU level this
//! machine runs (AVX-512 runs only where the CPU has it; it is skipped, and says so,
//! elsewhere): every kernel on random and extreme inputs, every width from the smallest band
//! up to 2 x 32 lanes + 40 (so every tail length of 8-, 16- and 32-lane loops), odd strides,
//! max-value pixels at 8/10/12/16 bits, every option mode that changes a kernel; then the
//! whole extractor at each level against the scalar level.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use rvmaf::cpu::{available_levels, CpuLevel};
use rvmaf::features::adm::kernels::{AdmKernels, BandSrc, Scratch, Src, StageParams};
use rvmaf::features::adm::scalar::{self, Bands, Hvd};
use rvmaf::features::adm::{self, tables};
use rvmaf::features::{self, FrameInput, FrameScores};
use rvmaf::{FeatureDict, Geometry, Picture, PixelFormat};

/// Widest width tested: two AVX-512 vectors of 16-bit lanes plus 40.
const MAX_W: usize = 2 * 32 + 40;

/// The SIMD levels to check (everything above scalar this CPU runs).
fn simd_levels() -> Vec<AdmKernels> {
    let levels: Vec<AdmKernels> = available_levels()
        .into_iter()
        .filter(|&l| l > CpuLevel::Scalar)
        .map(AdmKernels::new)
        .collect();
    eprintln!(
        "SIMD levels checked against scalar: {:?}",
        levels.iter().map(|k| k.level()).collect::<Vec<_>>()
    );
    if !levels.iter().any(|k| k.level() == CpuLevel::Avx512) {
        eprintln!(
            "note: this CPU has no AVX-512; only {:?} checked",
            levels.iter().map(|k| k.level()).collect::<Vec<_>>()
        );
    }
    for k in &levels {
        assert_ne!(k.level(), CpuLevel::Scalar);
    }
    levels
}

/// How band or pixel values are drawn.
#[derive(Debug, Clone, Copy)]
enum Fill {
    /// Uniform over the whole type range.
    Full,
    /// Only the two extremes.
    Extremes,
    /// Small values (as real bands mostly are).
    Small,
    /// The maximum everywhere.
    Max,
    /// The minimum everywhere.
    Min,
}

const FILLS: [Fill; 5] = [
    Fill::Full,
    Fill::Extremes,
    Fill::Small,
    Fill::Max,
    Fill::Min,
];

fn fill_i64(rng: &mut StdRng, fill: Fill, lo: i64, hi: i64, small: i64) -> i64 {
    match fill {
        Fill::Full => rng.gen_range(lo..=hi),
        Fill::Extremes => {
            if rng.gen() {
                lo
            } else {
                hi
            }
        }
        Fill::Small => rng.gen_range(-small..=small).clamp(lo, hi),
        Fill::Max => hi,
        Fill::Min => lo,
    }
}

fn vec_i16(rng: &mut StdRng, n: usize, fill: Fill) -> Vec<i16> {
    (0..n)
        .map(|_| fill_i64(rng, fill, i16::MIN as i64, i16::MAX as i64, 600) as i16)
        .collect()
}

fn vec_i32(rng: &mut StdRng, n: usize, fill: Fill) -> Vec<i32> {
    (0..n)
        .map(|_| fill_i64(rng, fill, i32::MIN as i64, i32::MAX as i64, 70000) as i32)
        .collect()
}

fn hvd_i16(rng: &mut StdRng, n: usize, fill: Fill) -> Hvd<i16> {
    [
        vec_i16(rng, n, fill),
        vec_i16(rng, n, fill),
        vec_i16(rng, n, fill),
    ]
}

fn hvd_i32(rng: &mut StdRng, n: usize, fill: Fill) -> Hvd<i32> {
    [
        vec_i32(rng, n, fill),
        vec_i32(rng, n, fill),
        vec_i32(rng, n, fill),
    ]
}

/// A distorted band correlated with `o` (t = o * gain + noise), so decoupling sees every case:
/// 0 < k < 1, k clamped at 0 and 1, angle test passing and failing.
fn correlated<T: Copy + Into<i64>>(rng: &mut StdRng, o: &[T], lo: i64, hi: i64) -> Vec<i64> {
    o.iter()
        .map(|&v| {
            let v: i64 = v.into();
            let g = [0.0, 0.5, 0.9, 1.0, 1.1, 2.0, -1.0][rng.gen_range(0..7)];
            let noise = rng.gen_range(-3..=3);
            ((v as f64 * g) as i64 + noise).clamp(lo, hi)
        })
        .collect()
}

/// Sizes (w, h, stride) covering every width up to `MAX_W` with a few heights and strides.
fn sizes(min_w: usize, min_h: usize) -> Vec<(usize, usize, usize)> {
    let mut v = Vec::new();
    for w in min_w..=MAX_W {
        let h = min_h + w % 4;
        let stride = w + [0, 1, 3, 7][w % 4];
        v.push((w, h, stride));
    }
    v
}

#[test]
fn dwt_scale0_parity() {
    let levels = simd_levels();
    let mut rng = StdRng::seed_from_u64(1);
    for &bpc in &[8u32, 10, 12, 16] {
        let max = (1i64 << bpc) - 1;
        for (w, h, stride) in sizes(33, 5) {
            let h = h + (w % 3) * 5; // 5..=18 rows
            for fill in FILLS.iter().copied().chain([Fill::Extremes]) {
                let n = (h - 1) * stride + w;
                let px: Vec<i64> = (0..n)
                    .map(|_| fill_i64(&mut rng, fill, 0, max, 3))
                    .collect();
                let ind_y = scalar::dwt_indices(h);
                let ind_x = scalar::dwt_indices(w);
                let (wo, ho) = (w.div_ceil(2), h.div_ceil(2));
                for lo_only in [false, true] {
                    let run = |k: AdmKernels| {
                        let mut out = Bands::<i16>::new(wo * ho);
                        let mut scratch = Scratch::new(w);
                        let p8: Vec<u8> = px.iter().map(|&v| v as u8).collect();
                        let p16: Vec<u16> = px.iter().map(|&v| v as u16).collect();
                        let src = if bpc == 8 {
                            Src::U8(&p8)
                        } else {
                            Src::U16(&p16)
                        };
                        k.dwt_scale0(
                            src,
                            stride,
                            w,
                            bpc,
                            &ind_y,
                            &ind_x,
                            &mut scratch,
                            &mut out,
                            wo,
                            lo_only,
                        );
                        out
                    };
                    let want = run(AdmKernels::new(CpuLevel::Scalar));
                    for k in &levels {
                        let got = run(*k);
                        let what = format!(
                            "{:?} bpc {bpc} {w}x{h}/{stride} {fill:?} lo_only {lo_only}",
                            k.level()
                        );
                        assert_eq!(got.a, want.a, "a: {what}");
                        assert_eq!(got.hvd, want.hvd, "hvd: {what}");
                    }
                }
            }
        }
    }
}

#[test]
fn dwt_s123_parity() {
    let levels = simd_levels();
    let mut rng = StdRng::seed_from_u64(2);
    for scale in 1..=3 {
        for (w, h, stride) in sizes(5, 5) {
            for fill in FILLS {
                let n = (h - 1) * stride + w;
                let s16 = vec_i16(&mut rng, n, fill);
                let s32 = vec_i32(&mut rng, n, fill);
                let ind_y = scalar::dwt_indices(h);
                let ind_x = scalar::dwt_indices(w);
                let (wo, ho) = (w.div_ceil(2), h.div_ceil(2));
                let run = |k: AdmKernels| {
                    let mut out = Bands::<i32>::new(wo * ho);
                    let mut scratch = Scratch::new(w);
                    let src = if scale == 1 {
                        BandSrc::I16(&s16)
                    } else {
                        BandSrc::I32(&s32)
                    };
                    k.dwt_s123(
                        src,
                        stride,
                        w,
                        scale,
                        &ind_y,
                        &ind_x,
                        &mut scratch,
                        &mut out,
                        wo,
                    );
                    out
                };
                let want = run(AdmKernels::new(CpuLevel::Scalar));
                for k in &levels {
                    let got = run(*k);
                    let what = format!("{:?} scale {scale} {w}x{h}/{stride} {fill:?}", k.level());
                    assert_eq!(got.a, want.a, "a: {what}");
                    assert_eq!(got.hvd, want.hvd, "hvd: {what}");
                }
            }
        }
    }
}

const EGLS: [f64; 4] = [1.0, 100.0, 1.7, 37.25];

#[test]
fn decouple_scale0_parity() {
    let levels = simd_levels();
    let mut rng = StdRng::seed_from_u64(3);
    let div = tables::div_lookup();
    let cos1 = scalar::cos_1deg_sq();
    for (w, h, stride) in sizes(3, 3) {
        for fill in FILLS {
            let n = (h - 1) * stride + w;
            let mut rf = Bands::<i16>::new(n);
            let mut df = Bands::<i16>::new(n);
            rf.hvd = hvd_i16(&mut rng, n, fill);
            for t in 0..3 {
                df.hvd[t] = if rng.gen_bool(0.5) {
                    correlated(&mut rng, &rf.hvd[t], i16::MIN as i64, i16::MAX as i64)
                        .into_iter()
                        .map(|v| v as i16)
                        .collect()
                } else {
                    vec_i16(&mut rng, n, fill)
                };
            }
            for egl in EGLS {
                let run = |k: AdmKernels| {
                    let mut r = scalar::hvd::<i16>(n);
                    let mut a = scalar::hvd::<i16>(n);
                    k.decouple_scale0(&rf, &df, stride, w, h, egl, cos1, &div, &mut r, &mut a);
                    (r, a)
                };
                let want = run(AdmKernels::new(CpuLevel::Scalar));
                for k in &levels {
                    let got = run(*k);
                    assert_eq!(
                        got,
                        want,
                        "{:?} {w}x{h}/{stride} {fill:?} egl {egl}",
                        k.level()
                    );
                }
            }
        }
    }
}

#[test]
fn decouple_s123_parity() {
    let levels = simd_levels();
    let mut rng = StdRng::seed_from_u64(4);
    let div = tables::div_lookup();
    let cos1 = scalar::cos_1deg_sq();
    for (w, h, stride) in sizes(3, 3) {
        for fill in FILLS {
            let n = (h - 1) * stride + w;
            let mut rf = Bands::<i32>::new(n);
            let mut df = Bands::<i32>::new(n);
            rf.hvd = hvd_i32(&mut rng, n, fill);
            for t in 0..3 {
                df.hvd[t] = if rng.gen_bool(0.5) {
                    correlated(&mut rng, &rf.hvd[t], i32::MIN as i64, i32::MAX as i64)
                        .into_iter()
                        .map(|v| v as i32)
                        .collect()
                } else {
                    vec_i32(&mut rng, n, fill)
                };
            }
            for egl in EGLS {
                let run = |k: AdmKernels| {
                    let mut r = scalar::hvd::<i32>(n);
                    let mut a = scalar::hvd::<i32>(n);
                    k.decouple_s123(&rf, &df, stride, w, h, egl, cos1, &div, &mut r, &mut a);
                    (r, a)
                };
                let want = run(AdmKernels::new(CpuLevel::Scalar));
                for k in &levels {
                    let got = run(*k);
                    assert_eq!(
                        got,
                        want,
                        "{:?} {w}x{h}/{stride} {fill:?} egl {egl}",
                        k.level()
                    );
                }
            }
        }
    }
}

/// Reference/distorted (h, v) pairs whose angle is within a hair of 1 degree, at magnitudes
/// up to `max`: the angle test then hinges on the exact f32 rounding of the dot products.
fn near_threshold(rng: &mut StdRng, n: usize, max: f64) -> [Vec<i64>; 4] {
    let mut out: [Vec<i64>; 4] = Default::default();
    for _ in 0..n {
        let mag = max * rng.gen_range(0.05..1.0f64).powi(3).max(1e-4);
        let phi = rng.gen_range(0.0..std::f64::consts::TAU);
        let dphi =
            (1.0f64 + rng.gen_range(-1e-6..1e-6)).to_radians() * if rng.gen() { 1.0 } else { -1.0 };
        let scale = rng.gen_range(0.5..1.5);
        let o = (mag * phi.cos(), mag * phi.sin());
        let t = (
            mag * scale * (phi + dphi).cos(),
            mag * scale * (phi + dphi).sin(),
        );
        for (k, v) in [o.0, o.1, t.0, t.1].into_iter().enumerate() {
            out[k].push(v.round().clamp(-max, max) as i64);
        }
    }
    out
}

#[test]
fn decouple_angle_threshold_parity() {
    let levels = simd_levels();
    let mut rng = StdRng::seed_from_u64(8);
    let div = tables::div_lookup();
    let cos1 = scalar::cos_1deg_sq();
    let (w, h) = (61, 40);
    let n = w * h;
    for round in 0..40 {
        // scale 0 (i16)
        let [oh, ov, th, tv] = near_threshold(&mut rng, n, 32767.0);
        let b16 = |v: &Vec<i64>| v.iter().map(|&x| x as i16).collect::<Vec<_>>();
        let mut rf = Bands::<i16>::new(n);
        let mut df = Bands::<i16>::new(n);
        rf.hvd = [b16(&oh), b16(&ov), vec_i16(&mut rng, n, Fill::Small)];
        df.hvd = [b16(&th), b16(&tv), vec_i16(&mut rng, n, Fill::Small)];
        for egl in [100.0, 1.0] {
            let run = |k: AdmKernels| {
                let (mut r, mut a) = (scalar::hvd::<i16>(n), scalar::hvd::<i16>(n));
                k.decouple_scale0(&rf, &df, w, w, h, egl, cos1, &div, &mut r, &mut a);
                (r, a)
            };
            let want = run(AdmKernels::new(CpuLevel::Scalar));
            for k in &levels {
                assert_eq!(
                    run(*k),
                    want,
                    "{:?} scale 0 round {round} egl {egl}",
                    k.level()
                );
            }
        }
        // scales 1-3 (i32), magnitudes from small to 2^30
        let max = [1e4, 1e6, 6.7e7, 1.0e9][round % 4];
        let [oh, ov, th, tv] = near_threshold(&mut rng, n, max);
        let b32 = |v: &Vec<i64>| v.iter().map(|&x| x as i32).collect::<Vec<_>>();
        let mut rf = Bands::<i32>::new(n);
        let mut df = Bands::<i32>::new(n);
        rf.hvd = [b32(&oh), b32(&ov), vec_i32(&mut rng, n, Fill::Small)];
        df.hvd = [b32(&th), b32(&tv), vec_i32(&mut rng, n, Fill::Small)];
        for egl in [100.0, 1.0] {
            let run = |k: AdmKernels| {
                let (mut r, mut a) = (scalar::hvd::<i32>(n), scalar::hvd::<i32>(n));
                k.decouple_s123(&rf, &df, w, w, h, egl, cos1, &div, &mut r, &mut a);
                (r, a)
            };
            let want = run(AdmKernels::new(CpuLevel::Scalar));
            for k in &levels {
                assert_eq!(
                    run(*k),
                    want,
                    "{:?} scales 1-3 max {max} round {round} egl {egl}",
                    k.level()
                );
            }
        }
    }
}

/// Scale-0 weights: the three libvmaf defaults, random, and the u16 extremes.
fn rf16(rng: &mut StdRng, i: usize) -> [u16; 3] {
    match i % 4 {
        0 => [36453, 36453, 49417],
        1 => [rng.gen(), rng.gen(), rng.gen()],
        2 => [u16::MAX, 32768, 32767],
        _ => [0, 1, u16::MAX],
    }
}

/// Scale 1–3 weights: random, and the u32 extremes.
fn rf32(rng: &mut StdRng, i: usize) -> [u32; 3] {
    match i % 3 {
        0 => [
            rng.gen_range(0..1 << 31),
            rng.gen_range(0..1 << 31),
            rng.gen_range(0..1 << 31),
        ],
        1 => [rng.gen(), rng.gen(), rng.gen()],
        _ => [u32::MAX, 1 << 31, 0],
    }
}

#[test]
fn csf_parity() {
    let levels = simd_levels();
    let mut rng = StdRng::seed_from_u64(5);
    for (idx, (w, h, stride)) in sizes(3, 3).into_iter().enumerate() {
        for fill in FILLS {
            let n = (h - 1) * stride + w;
            let s16 = hvd_i16(&mut rng, n, fill);
            let s32 = hvd_i32(&mut rng, n, fill);
            let r16 = rf16(&mut rng, idx + fill as usize);
            let r32 = rf32(&mut rng, idx + fill as usize);
            let run16 = |k: AdmKernels| {
                let (mut d, mut f) = (scalar::hvd::<i16>(n), scalar::hvd::<i16>(n));
                k.csf_scale0(&s16, stride, w, h, r16, &mut d, &mut f);
                (d, f)
            };
            let run32 = |k: AdmKernels| {
                let (mut d, mut f) = (scalar::hvd::<i32>(n), scalar::hvd::<i32>(n));
                k.csf_s123(&s32, stride, w, h, r32, &mut d, &mut f);
                (d, f)
            };
            let (w16, w32) = (
                run16(AdmKernels::new(CpuLevel::Scalar)),
                run32(AdmKernels::new(CpuLevel::Scalar)),
            );
            for k in &levels {
                let what = format!("{:?} {w}x{h}/{stride} {fill:?}", k.level());
                assert_eq!(run16(*k), w16, "scale 0 rf {r16:?} {what}");
                assert_eq!(run32(*k), w32, "scales 1-3 rf {r32:?} {what}");
            }
        }
    }
}

#[test]
fn csf_den_parity() {
    let levels = simd_levels();
    let mut rng = StdRng::seed_from_u64(6);
    for (w, h, stride) in sizes(3, 3) {
        for fill in FILLS {
            let n = (h - 1) * stride + w;
            let b16 = hvd_i16(&mut rng, n, fill);
            let b32 = hvd_i32(&mut rng, n, fill);
            let cubed = [
                rng.gen_range(0.0..3.0),
                rng.gen_range(0.0..3.0),
                rng.gen_range(0.0..3.0),
            ];
            for nw in [0.0, 0.03125] {
                let s = AdmKernels::new(CpuLevel::Scalar);
                let want0 = s.csf_den_scale0(&b16, stride, w, h, cubed, nw);
                let want = [1, 2, 3].map(|sc| s.csf_den_s123(&b32, stride, w, h, sc, cubed, nw));
                for k in &levels {
                    let what = format!("{:?} {w}x{h}/{stride} {fill:?} nw {nw}", k.level());
                    let got0 = k.csf_den_scale0(&b16, stride, w, h, cubed, nw);
                    assert_eq!(
                        got0.to_bits(),
                        want0.to_bits(),
                        "scale 0 {what}: {got0} vs {want0}"
                    );
                    for sc in 1..=3 {
                        let got = k.csf_den_s123(&b32, stride, w, h, sc, cubed, nw);
                        let want = want[sc - 1];
                        assert_eq!(
                            got.to_bits(),
                            want.to_bits(),
                            "scale {sc} {what}: {got} vs {want}"
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn cm_parity() {
    let levels = simd_levels();
    let mut rng = StdRng::seed_from_u64(7);
    for (idx, (w, h, stride)) in sizes(3, 3).into_iter().enumerate() {
        let h = h + (idx % 3) * 6; // up to 20 rows: interior rows, not only mirrored ones
        for fill in FILLS {
            let n = (h - 1) * stride + w;
            let r16 = rf16(&mut rng, idx + fill as usize);
            let r32 = rf32(&mut rng, idx + fill as usize);
            // scale 0: independent random inputs, and CSF outputs of a random band
            let src16 = hvd_i16(&mut rng, n, fill);
            let (dst16, flt16) = if rng.gen_bool(0.5) {
                (hvd_i16(&mut rng, n, fill), hvd_i16(&mut rng, n, fill))
            } else {
                let a = hvd_i16(&mut rng, n, fill);
                let (mut d, mut f) = (scalar::hvd::<i16>(n), scalar::hvd::<i16>(n));
                scalar::csf_scale0(&a, stride, w, h, r16, &mut d, &mut f);
                (d, f)
            };
            let src32 = hvd_i32(&mut rng, n, fill);
            let (dst32, flt32) = if rng.gen_bool(0.5) {
                (hvd_i32(&mut rng, n, fill), hvd_i32(&mut rng, n, fill))
            } else {
                let a = hvd_i32(&mut rng, n, fill);
                let (mut d, mut f) = (scalar::hvd::<i32>(n), scalar::hvd::<i32>(n));
                scalar::csf_s123(&a, stride, w, h, r32, &mut d, &mut f);
                (d, f)
            };
            for nw in [0.0, 0.03125] {
                let s = AdmKernels::new(CpuLevel::Scalar);
                let mut scratch = Scratch::new(w);
                let want0 =
                    s.cm_scale0(&src16, &dst16, &flt16, stride, w, h, r16, nw, &mut scratch);
                let want = [1, 2, 3].map(|sc| {
                    s.cm_s123(
                        &src32,
                        &dst32,
                        &flt32,
                        stride,
                        w,
                        h,
                        sc,
                        r32,
                        nw,
                        &mut scratch,
                    )
                });
                for k in &levels {
                    let what = format!("{:?} {w}x{h}/{stride} {fill:?} nw {nw}", k.level());
                    let got0 =
                        k.cm_scale0(&src16, &dst16, &flt16, stride, w, h, r16, nw, &mut scratch);
                    assert_eq!(
                        got0.to_bits(),
                        want0.to_bits(),
                        "scale 0 rf {r16:?} {what}: {got0} vs {want0}"
                    );
                    for sc in 1..=3 {
                        let got = k.cm_s123(
                            &src32,
                            &dst32,
                            &flt32,
                            stride,
                            w,
                            h,
                            sc,
                            r32,
                            nw,
                            &mut scratch,
                        );
                        let want = want[sc - 1];
                        assert_eq!(
                            got.to_bits(),
                            want.to_bits(),
                            "scale {sc} rf {r32:?} {what}: {got} vs {want}"
                        );
                    }
                }
            }
        }
    }
}

/// The fused per-scale stages (decouple + CSF + both maskings, row-streamed at SIMD levels)
/// against the scalar kernels composed, on correlated and random bands of every size.
#[test]
fn stage_parity() {
    let levels = simd_levels();
    let mut rng = StdRng::seed_from_u64(9);
    let div = tables::div_lookup();
    let cos1 = scalar::cos_1deg_sq();
    for (idx, (w, h, stride)) in sizes(3, 3).into_iter().enumerate() {
        let h = h + (idx % 4) * 7; // up to 27 rows
        let fill = FILLS[idx % FILLS.len()];
        let n = (h - 1) * stride + w;
        let mut rb16 = Bands::<i16>::new(n);
        let mut df16 = Bands::<i16>::new(n);
        let mut rb32 = Bands::<i32>::new(n);
        let mut df32 = Bands::<i32>::new(n);
        rb16.hvd = hvd_i16(&mut rng, n, fill);
        rb32.hvd = hvd_i32(&mut rng, n, fill);
        for t in 0..3 {
            df16.hvd[t] = correlated(&mut rng, &rb16.hvd[t], i16::MIN as i64, i16::MAX as i64)
                .into_iter()
                .map(|v| v as i16)
                .collect();
            df32.hvd[t] = correlated(&mut rng, &rb32.hvd[t], i32::MIN as i64, i32::MAX as i64)
                .into_iter()
                .map(|v| v as i32)
                .collect();
        }
        let egl = EGLS[idx % EGLS.len()];
        let skip_aim = idx % 5 == 0;
        let nw = if idx % 2 == 0 { 0.03125 } else { 0.0 };
        let p0 = StageParams {
            egl,
            cos1_sq: cos1,
            div_lookup: &div,
            rfactor: rf16(&mut rng, idx),
            nw,
            skip_aim,
        };
        let p1 = StageParams {
            egl,
            cos1_sq: cos1,
            div_lookup: &div,
            rfactor: rf32(&mut rng, idx),
            nw,
            skip_aim,
        };
        let run = |k: AdmKernels| {
            let mut scratch = Scratch::new(w);
            let s0 = k.stage_scale0(&rb16, &df16, stride, w, h, &p0, &mut scratch);
            let s =
                [1, 2, 3].map(|sc| k.stage_s123(&rb32, &df32, stride, w, h, sc, &p1, &mut scratch));
            [s0, s[0], s[1], s[2]].map(|(a, b)| (a.to_bits(), b.to_bits()))
        };
        let want = run(AdmKernels::new(CpuLevel::Scalar));
        for k in &levels {
            assert_eq!(
                run(*k),
                want,
                "{:?} {w}x{h}/{stride} {fill:?} egl {egl} nw {nw} skip_aim {skip_aim}",
                k.level()
            );
        }
    }
}

/// A picture with a smooth pattern plus noise (or `max` everywhere when `flat`).
fn picture(w: usize, h: usize, bpc: u32, seed: u64, flat: bool) -> Picture {
    let g = Geometry {
        format: PixelFormat::Yuv420,
        bit_depth: bpc,
        width: w,
        height: h,
    };
    let mut p = Picture::new(g).unwrap();
    let mut rng = StdRng::seed_from_u64(seed);
    let max = (1u32 << bpc) - 1;
    let val = |x: usize, y: usize, rng: &mut StdRng| -> u32 {
        if flat {
            return max;
        }
        let smooth = (((x * 5 + y * 3) % 97) as u32 * max) / 97;
        let noise = rng.gen_range(0..=max / 8);
        if rng.gen_ratio(1, 50) {
            return if rng.gen() { max } else { 0 };
        }
        (smooth + noise).min(max)
    };
    if bpc == 8 {
        let d = p.plane_u8_mut(0).unwrap();
        for y in 0..h {
            for x in 0..w {
                d[y * w + x] = val(x, y, &mut rng) as u8;
            }
        }
    } else {
        let d = p.plane_u16_mut(0).unwrap();
        for y in 0..h {
            for x in 0..w {
                d[y * w + x] = val(x, y, &mut rng) as u16;
            }
        }
    }
    p
}

fn run_at(level: CpuLevel, opts: &str, r: &Picture, d: &Picture) -> Vec<(String, u64)> {
    let def = features::by_name("adm").unwrap();
    let o = def
        .parse_options(&FeatureDict::parse_colon_list(opts).unwrap())
        .unwrap();
    let mut ext = adm::create_at(&o, r.geometry(), level).unwrap();
    let mut out = FrameScores::new();
    ext.extract(
        &FrameInput {
            index: 0,
            reference: r.view(),
            distorted: d.view(),
            prev_ref: None,
            prev_prev_ref: None,
        },
        &mut out,
    )
    .unwrap();
    out.entries()
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_bits()))
        .collect()
}

#[test]
fn extractor_parity_all_levels() {
    let levels: Vec<CpuLevel> = simd_levels().iter().map(|k| k.level()).collect();
    let option_sets = [
        "debug=true",
        "debug=true:adm_enhn_gain_limit=1.0",
        "debug=true:adm_enhn_gain_limit=1.3",
        "debug=true:adm_skip_aim=true",
        "debug=true:adm_skip_scale0=true",
        "debug=true:adm_csf_mode=1",
        "debug=true:adm_csf_mode=2:adm_dlm_weight=0.7:adm_noise_weight=0.02:adm_min_val=0.5",
        "debug=true:adm_csf_mode=3",
        "debug=true:adm_norm_view_dist=1.5:adm_ref_display_height=2160:adm_csf_mode=2",
        "debug=true:adm_csf_scale=0.5:adm_csf_diag_scale=2",
    ];
    let sizes = [(33, 33), (64, 48), (97, 71), (176, 144)];
    for (si, &(w, h)) in sizes.iter().enumerate() {
        for bpc in [8, 10, 12, 16] {
            for (pi, (rs, ds, flat_d)) in [(1u64, 2u64, false), (3, 3, false), (5, 6, true)]
                .into_iter()
                .enumerate()
            {
                let r = picture(w, h, bpc, rs + 100 * si as u64, false);
                let d = picture(w, h, bpc, ds + 100 * si as u64, flat_d);
                for (oi, opts) in option_sets.iter().enumerate() {
                    // every option set on the first size; a rotating subset after that
                    if si > 0 && !(oi + pi + bpc as usize).is_multiple_of(3) {
                        continue;
                    }
                    let want = run_at(CpuLevel::Scalar, opts, &r, &d);
                    for &l in &levels {
                        let got = run_at(l, opts, &r, &d);
                        assert_eq!(got, want, "{l:?} {w}x{h} {bpc}-bit pair {pi} [{opts}]");
                    }
                }
            }
        }
    }
}

/// One reference against several distorted pictures through `extract_group` gives exactly the
/// scores of separate `extract` runs, at every level, with groups of changing size on the same
/// instance and plain extracts in between.
#[test]
fn extractor_group_equals_separate_runs() {
    let mut levels = vec![CpuLevel::Scalar];
    levels.extend(simd_levels().iter().map(|k| k.level()));
    let def = features::by_name("adm").unwrap();
    let bits = |s: &FrameScores| -> Vec<(String, u64)> {
        s.entries()
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_bits()))
            .collect()
    };
    for (si, &(w, h, bpc, opts)) in [
        (33usize, 33usize, 8u32, "debug=true"),
        (
            97,
            71,
            10,
            "debug=true:adm_enhn_gain_limit=1.3:adm_csf_mode=2",
        ),
        (
            64,
            48,
            12,
            "debug=true:adm_skip_scale0=true:adm_skip_aim=true",
        ),
    ]
    .iter()
    .enumerate()
    {
        let o = def
            .parse_options(&FeatureDict::parse_colon_list(opts).unwrap())
            .unwrap();
        for &level in &levels {
            let g = picture(w, h, bpc, 0, false).geometry();
            let mut grouped = adm::create_at(&o, g, level).unwrap();
            let mut separate = adm::create_at(&o, g, level).unwrap();
            // groups of 3, 1 and 4 distorted pictures (the last one flat)
            for (f, n) in [3usize, 1, 4].into_iter().enumerate() {
                let seed = 1000 * si as u64 + 10 * f as u64;
                let r = picture(w, h, bpc, seed, false);
                let ds: Vec<Picture> = (0..n)
                    .map(|k| picture(w, h, bpc, seed + 1 + k as u64, k == 3))
                    .collect();
                let inputs: Vec<FrameInput<'_>> = ds
                    .iter()
                    .map(|d| FrameInput {
                        index: f,
                        reference: r.view(),
                        distorted: d.view(),
                        prev_ref: None,
                        prev_prev_ref: None,
                    })
                    .collect();
                let mut got = vec![FrameScores::new(); n];
                assert!(grouped.extract_group(&inputs, &mut got).unwrap());
                for (k, inp) in inputs.iter().enumerate() {
                    let mut want = FrameScores::new();
                    separate.extract(inp, &mut want).unwrap();
                    assert!(!want.entries().is_empty());
                    assert_eq!(
                        bits(&got[k]),
                        bits(&want),
                        "{level:?} {w}x{h} {bpc}-bit [{opts}] frame {f} input {k}"
                    );
                }
                // a plain extract on the grouped instance between groups
                let mut plain = FrameScores::new();
                grouped.extract(&inputs[0], &mut plain).unwrap();
                assert_eq!(bits(&plain), bits(&got[0]), "{level:?} plain after group");
            }
        }
    }
}
