//! Integer VIF benches on synthetic 1920×1080 luma: every kernel (statistic per scale,
//! decimation per target scale) and the whole extractor, per CPU level and bit depth.
//!
//! `cargo bench -p rvmaf-benches --bench vif` (filter with e.g. `-- 'vif/frame'`). Times are per
//! call; a `frame` is one reference/distorted pair through all four scales, a `group4` one
//! reference against four distorted pictures through the group path.

// criterion_group!/criterion_main! expand to undocumented items
#![allow(missing_docs)]

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rvmaf::cpu::{available_levels, CpuLevel};
use rvmaf::features::vif::{self, Kernels, PlanePair, Scratch};
use rvmaf::features::{self, FrameInput, FrameScores};
use rvmaf::{FeatureDict, Geometry, Picture, PixelFormat};
use std::hint::black_box;

const W: usize = 1920;
const H: usize = 1080;

/// A textured reference (smooth gradients, flat patches, noisy patches) and a distorted copy
/// with coding-like noise, with samples below `2^bpc`.
fn content(bpc: u32) -> (Vec<u16>, Vec<u16>) {
    let mut rng = StdRng::seed_from_u64(0x0f1f);
    let max = ((1u32 << bpc) - 1) as f64;
    let mut r = vec![0u16; W * H];
    let mut d = vec![0u16; W * H];
    for y in 0..H {
        for x in 0..W {
            let base = 0.5 + 0.3 * ((x as f64) * 0.013).sin() * ((y as f64) * 0.021).cos();
            let tex = if (x / 200 + y / 150) % 3 == 0 {
                0.0
            } else {
                rng.gen_range(0.0..0.15)
            };
            let v = ((base + tex).clamp(0.0, 1.0) * max) as i64;
            let noise = rng.gen_range(-4i64..=4) * (max as i64 / 255);
            r[y * W + x] = v as u16;
            d[y * W + x] = (v + noise).clamp(0, max as i64) as u16;
        }
    }
    (r, d)
}

fn levels() -> Vec<CpuLevel> {
    available_levels()
}

fn picture(bpc: u32, samples: &[u16]) -> Picture {
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

/// The whole extractor: ms/frame at 1080p.
fn bench_frame(c: &mut Criterion) {
    let mut g = c.benchmark_group("vif/frame");
    g.sample_size(10);
    for bpc in [8u32, 10] {
        let (r, d) = content(bpc);
        let (rp, dp) = (picture(bpc, &r), picture(bpc, &d));
        let def = features::by_name("vif").unwrap();
        let opts = def.parse_options(&FeatureDict::new()).unwrap();
        for level in levels() {
            let mut ext = vif::create_at(&opts, rp.geometry(), level).unwrap();
            let mut out = FrameScores::new();
            let id = BenchmarkId::new(format!("{bpc}bit"), level.as_str());
            g.bench_function(id, |b| {
                b.iter(|| {
                    out.clear();
                    let input = FrameInput {
                        index: 0,
                        reference: rp.view(),
                        distorted: dp.view(),
                        prev_ref: None,
                        prev_prev_ref: None,
                    };
                    ext.extract(&input, &mut out).unwrap();
                    black_box(&out);
                })
            });
        }
    }
    g.finish();
}

/// One reference against 4 distorted pictures through the extractor's group path (ms per
/// group; compare with 4 × `vif/frame`).
fn bench_group(c: &mut Criterion) {
    let mut g = c.benchmark_group("vif/group4");
    g.sample_size(10);
    for bpc in [8u32, 10] {
        let (r, d) = content(bpc);
        let rp = picture(bpc, &r);
        // four encodes: the distorted content shifted by a few samples each
        let dps: Vec<Picture> = (0..4)
            .map(|k| {
                let mut dk = d.clone();
                dk.rotate_left(k);
                picture(bpc, &dk)
            })
            .collect();
        let def = features::by_name("vif").unwrap();
        let opts = def.parse_options(&FeatureDict::new()).unwrap();
        for level in levels() {
            let mut ext = vif::create_at(&opts, rp.geometry(), level).unwrap();
            let mut outs = vec![FrameScores::new(); dps.len()];
            let id = BenchmarkId::new(format!("{bpc}bit"), level.as_str());
            g.bench_function(id, |b| {
                b.iter(|| {
                    outs.iter_mut().for_each(FrameScores::clear);
                    let inputs: Vec<FrameInput<'_>> = dps
                        .iter()
                        .map(|dp| FrameInput {
                            index: 0,
                            reference: rp.view(),
                            distorted: dp.view(),
                            prev_ref: None,
                            prev_prev_ref: None,
                        })
                        .collect();
                    assert!(ext.extract_group(&inputs, &mut outs).unwrap());
                    black_box(&outs);
                })
            });
        }
    }
    g.finish();
}

/// Every kernel on the planes the extractor would hand it.
fn bench_kernels(c: &mut Criterion) {
    let mut g = c.benchmark_group("vif/kernel");
    g.sample_size(10);
    for bpc in [8u32, 10] {
        let (r, d) = content(bpc);
        let (r8, d8): (Vec<u8>, Vec<u8>) = (
            r.iter().map(|&v| v as u8).collect(),
            d.iter().map(|&v| v as u8).collect(),
        );
        // decimated planes of scales 1..3 (identical at every level: the kernels are exact)
        let mut scaled: Vec<(Vec<u16>, Vec<u16>)> = Vec::new();
        {
            let k = Kernels::oracle();
            let mut s = Scratch::new(W);
            for scale in 1..4 {
                let n = (W >> scale) * (H >> scale);
                let (mut a, mut b) = (vec![0u16; n], vec![0u16; n]);
                if scale == 1 {
                    if bpc == 8 {
                        let p = PlanePair::new(&r8, W, &d8, W, W, H);
                        (k.decimate_u8)(&p, 1, bpc, &mut a, &mut b, &mut s);
                    } else {
                        let p = PlanePair::new(&r, W, &d, W, W, H);
                        (k.decimate_u16)(&p, 1, bpc, &mut a, &mut b, &mut s);
                    }
                } else {
                    let (pr, pd) = &scaled[scale - 2];
                    let w = W >> (scale - 1);
                    let p = PlanePair::new(pr, w, pd, w, w, H >> (scale - 1));
                    (k.decimate_u16)(&p, scale, bpc, &mut a, &mut b, &mut s);
                }
                scaled.push((a, b));
            }
        }
        for level in levels() {
            let k = Kernels::new(level).unwrap();
            let mut s = Scratch::new(W);
            let lv = level.as_str();
            // scale 0 statistic and the decimation to scale 1 read the input plane
            let id = |what: &str| BenchmarkId::new(format!("{what}/{bpc}bit"), lv);
            if bpc == 8 {
                let p = PlanePair::new(&r8, W, &d8, W, W, H);
                g.bench_function(id("statistic_s0"), |b| {
                    b.iter(|| black_box((k.statistic_u8)(&p, 0, bpc, 100.0, &mut s)))
                });
                let (mut a, mut bb) = (vec![0u16; W * H / 4], vec![0u16; W * H / 4]);
                g.bench_function(id("decimate_to_s1"), |b| {
                    b.iter(|| (k.decimate_u8)(&p, 1, bpc, &mut a, &mut bb, &mut s))
                });
            } else {
                let p = PlanePair::new(&r, W, &d, W, W, H);
                g.bench_function(id("statistic_s0"), |b| {
                    b.iter(|| black_box((k.statistic_u16)(&p, 0, bpc, 100.0, &mut s)))
                });
                let (mut a, mut bb) = (vec![0u16; W * H / 4], vec![0u16; W * H / 4]);
                g.bench_function(id("decimate_to_s1"), |b| {
                    b.iter(|| (k.decimate_u16)(&p, 1, bpc, &mut a, &mut bb, &mut s))
                });
            }
            for scale in 1..4 {
                let (pr, pd) = &scaled[scale - 1];
                let (w, h) = (W >> scale, H >> scale);
                let p = PlanePair::new(pr, w, pd, w, w, h);
                g.bench_function(id(&format!("statistic_s{scale}")), |b| {
                    b.iter(|| black_box((k.statistic_u16)(&p, scale, bpc, 100.0, &mut s)))
                });
                if scale < 3 {
                    let n = (w / 2) * (h / 2);
                    let (mut a, mut bb) = (vec![0u16; n], vec![0u16; n]);
                    g.bench_function(id(&format!("decimate_to_s{}", scale + 1)), |b| {
                        b.iter(|| (k.decimate_u16)(&p, scale + 1, bpc, &mut a, &mut bb, &mut s))
                    });
                }
            }
        }
    }
    g.finish();
}

criterion_group!(benches, bench_frame, bench_group, bench_kernels);
criterion_main!(benches);
