//! Integer ADM: every kernel and the whole extractor, per CPU level and bit depth, on a
//! synthetic 1920x1080 frame pair (a smooth pattern with texture; the distorted picture is a
//! blurred, requantised and noisier copy, so decoupling and masking see realistic bands).
//!
//! `cargo bench -p rvmaf-benches --bench adm` (add a filter such as `adm/frame` to run part).

// criterion's macros generate undocumented items
#![allow(missing_docs)]

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use rvmaf::cpu::{available_levels, CpuLevel};
use rvmaf::features::adm::kernels::{AdmKernels, BandSrc, Scratch, Src};
use rvmaf::features::adm::scalar::{self, Bands, Hvd};
use rvmaf::features::adm::{self, tables};
use rvmaf::features::{self, FrameInput, FrameScores};
use rvmaf::{FeatureDict, Geometry, Picture, PixelFormat};

const W: usize = 1920;
const H: usize = 1080;

/// Reference and distorted luma samples at `bpc` bits.
fn frames(bpc: u32) -> (Vec<u16>, Vec<u16>) {
    let mut rng = StdRng::seed_from_u64(42);
    let max = ((1u32 << bpc) - 1) as f64;
    let mut r = vec![0u16; W * H];
    for y in 0..H {
        for x in 0..W {
            let (fx, fy) = (x as f64, y as f64);
            let v = 0.5
                + 0.25 * (fx * 0.011 + fy * 0.007).sin()
                + 0.15 * (fx * 0.13).sin() * (fy * 0.09).cos()
                + rng.gen_range(-0.04..0.04);
            r[y * W + x] = (v.clamp(0.0, 1.0) * max).round() as u16;
        }
    }
    let q = (max / 64.0).max(1.0);
    let mut d = vec![0u16; W * H];
    for y in 0..H {
        for x in 0..W {
            let xl = x.saturating_sub(1);
            let xr = (x + 1).min(W - 1);
            let b = (r[y * W + xl] as f64 + 2.0 * r[y * W + x] as f64 + r[y * W + xr] as f64) / 4.0;
            let v = (b / q).round() * q + rng.gen_range(-1.5..1.5) * q;
            d[y * W + x] = v.clamp(0.0, max).round() as u16;
        }
    }
    (r, d)
}

fn picture(samples: &[u16], bpc: u32) -> Picture {
    let g = Geometry {
        format: PixelFormat::Yuv400,
        bit_depth: bpc,
        width: W,
        height: H,
    };
    let mut p = Picture::new(g).unwrap();
    if bpc == 8 {
        for (o, &v) in p.plane_u8_mut(0).unwrap().iter_mut().zip(samples) {
            *o = v as u8;
        }
    } else {
        p.plane_u16_mut(0).unwrap().copy_from_slice(samples);
    }
    p
}

/// Band data of one frame pair, computed with the scalar kernels (inputs of the later stages).
struct Stages {
    w0: usize,
    h0: usize,
    w1: usize,
    h1: usize,
    ref0: Bands<i16>,
    dis0: Bands<i16>,
    ref1: Bands<i32>,
    dis1: Bands<i32>,
    r16: Hvd<i16>,
    a16: Hvd<i16>,
    dst16: Hvd<i16>,
    flt16: Hvd<i16>,
    r32: Hvd<i32>,
    a32: Hvd<i32>,
    dst32: Hvd<i32>,
    flt32: Hvd<i32>,
}

const RF0: [u16; 3] = [36453, 36453, 49417];
const RF1: [u32; 3] = [2_800_000_000, 2_800_000_000, 2_100_000_000];

fn stages(r: &[u16], d: &[u16], bpc: u32) -> Stages {
    let k = AdmKernels::new(CpuLevel::Scalar);
    let (w0, h0) = (W.div_ceil(2), H.div_ceil(2));
    let (w1, h1) = (w0.div_ceil(2), h0.div_ceil(2));
    let mut scratch = Scratch::new(W);
    let dwt = |p: &[u16], scratch: &mut Scratch| {
        let mut b0 = Bands::<i16>::new(w0 * h0);
        let mut b1 = Bands::<i32>::new(w1 * h1);
        let p8: Vec<u8> = p.iter().map(|&v| v as u8).collect();
        let src = if bpc == 8 { Src::U8(&p8) } else { Src::U16(p) };
        let (iy, ix) = (scalar::dwt_indices(H), scalar::dwt_indices(W));
        k.dwt_scale0(src, W, W, bpc, &iy, &ix, scratch, &mut b0, w0, false);
        let (iy, ix) = (scalar::dwt_indices(h0), scalar::dwt_indices(w0));
        k.dwt_s123(
            BandSrc::I16(&b0.a),
            w0,
            w0,
            1,
            &iy,
            &ix,
            scratch,
            &mut b1,
            w1,
        );
        (b0, b1)
    };
    let (ref0, ref1) = dwt(r, &mut scratch);
    let (dis0, dis1) = dwt(d, &mut scratch);
    let div = tables::div_lookup();
    let cos1 = scalar::cos_1deg_sq();
    let (n0, n1) = (w0 * h0, w1 * h1);
    let (mut r16, mut a16) = (scalar::hvd(n0), scalar::hvd(n0));
    k.decouple_scale0(
        &ref0, &dis0, w0, w0, h0, 100.0, cos1, &div, &mut r16, &mut a16,
    );
    let (mut dst16, mut flt16) = (scalar::hvd(n0), scalar::hvd(n0));
    k.csf_scale0(&a16, w0, w0, h0, RF0, &mut dst16, &mut flt16);
    let (mut r32, mut a32) = (scalar::hvd(n1), scalar::hvd(n1));
    k.decouple_s123(
        &ref1, &dis1, w1, w1, h1, 100.0, cos1, &div, &mut r32, &mut a32,
    );
    let (mut dst32, mut flt32) = (scalar::hvd(n1), scalar::hvd(n1));
    k.csf_s123(&a32, w1, w1, h1, RF1, &mut dst32, &mut flt32);
    Stages {
        w0,
        h0,
        w1,
        h1,
        ref0,
        dis0,
        ref1,
        dis1,
        r16,
        a16,
        dst16,
        flt16,
        r32,
        a32,
        dst32,
        flt32,
    }
}

fn bench(c: &mut Criterion) {
    let levels = available_levels();
    for bpc in [8u32, 10] {
        let (r, d) = frames(bpc);
        let (rp, dp) = (picture(&r, bpc), picture(&d, bpc));
        let st = stages(&r, &d, bpc);
        let div = tables::div_lookup();
        let cos1 = scalar::cos_1deg_sq();
        let r8: Vec<u8> = r.iter().map(|&v| v as u8).collect();
        for &level in &levels {
            let id = |what: &str| {
                BenchmarkId::new(
                    format!("adm/{what}"),
                    format!("{}/{bpc}bit", level.as_str()),
                )
            };
            let mut g = c.benchmark_group(format!("adm-{}-{bpc}", level.as_str()));
            g.sample_size(10);
            g.warm_up_time(std::time::Duration::from_millis(300));
            g.measurement_time(std::time::Duration::from_secs(2));

            // the whole extractor (one frame: both DWTs, every stage, every scale)
            let def = features::by_name("adm").unwrap();
            let o = def.parse_options(&FeatureDict::new()).unwrap();
            let mut ext = adm::create_at(&o, rp.geometry(), level).unwrap();
            g.bench_function(id("frame"), |b| {
                b.iter(|| {
                    let mut out = FrameScores::new();
                    ext.extract(
                        &FrameInput {
                            index: 0,
                            reference: rp.view(),
                            distorted: dp.view(),
                            prev_ref: None,
                            prev_prev_ref: None,
                        },
                        &mut out,
                    )
                    .unwrap();
                    out
                })
            });

            let k = AdmKernels::new(level);
            let mut scratch = Scratch::new(W);
            let (w0, h0, w1, h1) = (st.w0, st.h0, st.w1, st.h1);
            let (n0, n1) = (w0 * h0, w1 * h1);
            let (iy, ix) = (scalar::dwt_indices(H), scalar::dwt_indices(W));
            let mut b0 = Bands::<i16>::new(n0);
            g.bench_function(id("dwt_scale0"), |b| {
                b.iter(|| {
                    let src = if bpc == 8 { Src::U8(&r8) } else { Src::U16(&r) };
                    k.dwt_scale0(src, W, W, bpc, &iy, &ix, &mut scratch, &mut b0, w0, false)
                })
            });
            let (iy1, ix1) = (scalar::dwt_indices(h0), scalar::dwt_indices(w0));
            let mut b1 = Bands::<i32>::new(n1);
            g.bench_function(id("dwt_s123 (scale 1)"), |b| {
                b.iter(|| {
                    k.dwt_s123(
                        BandSrc::I16(&st.ref0.a),
                        w0,
                        w0,
                        1,
                        &iy1,
                        &ix1,
                        &mut scratch,
                        &mut b1,
                        w1,
                    )
                })
            });
            let (mut x16, mut y16) = (scalar::hvd::<i16>(n0), scalar::hvd::<i16>(n0));
            g.bench_function(id("decouple_scale0"), |b| {
                b.iter(|| {
                    k.decouple_scale0(
                        &st.ref0, &st.dis0, w0, w0, h0, 100.0, cos1, &div, &mut x16, &mut y16,
                    )
                })
            });
            let (mut x32, mut y32) = (scalar::hvd::<i32>(n1), scalar::hvd::<i32>(n1));
            g.bench_function(id("decouple_s123 (scale 1)"), |b| {
                b.iter(|| {
                    k.decouple_s123(
                        &st.ref1, &st.dis1, w1, w1, h1, 100.0, cos1, &div, &mut x32, &mut y32,
                    )
                })
            });
            g.bench_function(id("csf_scale0"), |b| {
                b.iter(|| k.csf_scale0(&st.a16, w0, w0, h0, RF0, &mut x16, &mut y16))
            });
            g.bench_function(id("csf_s123 (scale 1)"), |b| {
                b.iter(|| k.csf_s123(&st.a32, w1, w1, h1, RF1, &mut x32, &mut y32))
            });
            let cubed = [0.1, 0.1, 0.05];
            g.bench_function(id("csf_den_scale0"), |b| {
                b.iter(|| k.csf_den_scale0(&st.ref0.hvd, w0, w0, h0, cubed, 0.03125))
            });
            g.bench_function(id("csf_den_s123 (scale 1)"), |b| {
                b.iter(|| k.csf_den_s123(&st.ref1.hvd, w1, w1, h1, 1, cubed, 0.03125))
            });
            g.bench_function(id("cm_scale0"), |b| {
                b.iter(|| {
                    k.cm_scale0(
                        &st.r16,
                        &st.dst16,
                        &st.flt16,
                        w0,
                        w0,
                        h0,
                        RF0,
                        0.03125,
                        &mut scratch,
                    )
                })
            });
            g.bench_function(id("cm_s123 (scale 1)"), |b| {
                b.iter(|| {
                    k.cm_s123(
                        &st.r32,
                        &st.dst32,
                        &st.flt32,
                        w1,
                        w1,
                        h1,
                        1,
                        RF1,
                        0.03125,
                        &mut scratch,
                    )
                })
            });
            g.finish();
        }
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
