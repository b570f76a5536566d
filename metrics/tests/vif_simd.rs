//! Integer VIF kernels at every CPU level this machine runs (the portable `Scalar` kernels
//! and the SIMD ones), against the readable oracle.
//!
//! Bound: bit-exact. The statistic kernels must return the oracle's four integer accumulators
//! and the decimation kernels its samples, on random planes of every width from the smallest
//! the filter allows to 2×16+40 (every tail length of a 16-lane block, twice), odd strides,
//! max-value and extreme-contrast pixels at 8/9/10/12/16 bits and both gain limits; the whole
//! extractor must print the oracle's numbers on every corpus clip.
//!
//! Levels above what the CPU supports are skipped (the AVX-512 kernels are checked on a machine
//! that has AVX-512).

// the shared helper trips a pedantic lint that is not ours to fix
#[allow(clippy::nonminimal_bool)]
mod common;

use common::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rvmaf::cpu::{available_levels, CpuLevel};
use rvmaf::features::vif::scalar::{VifAccum, FILTERS};
use rvmaf::features::vif::{self, Kernels, PlanePair, RefStats, Scratch};
use rvmaf::features::{self, FrameInput, FrameScores};
use rvmaf::io::open_video;
use rvmaf::{Collector, FeatureDict, Geometry, Picture, PixelFormat};

/// The levels this machine runs, each with its kernels (the oracle is the reference).
fn vector_levels() -> Vec<(CpuLevel, Kernels)> {
    let levels: Vec<_> = available_levels()
        .into_iter()
        .filter_map(|l| match Kernels::new(l) {
            Some(k) => Some((l, k)),
            None => {
                // e.g. AVX-512 on a compiler older than 1.89: the build has no such kernels
                eprintln!("{l:?}: this build has no kernels, skipped");
                None
            }
        })
        .collect();
    assert!(
        levels[0].1.level() == CpuLevel::Scalar,
        "the portable level is always there"
    );
    levels
}

/// Kinds of synthetic content, chosen to visit every branch of the per-pixel term.
#[derive(Debug, Clone, Copy)]
enum Content {
    /// Independent uniform samples (σ₁² large everywhere).
    Uniform,
    /// A nearly flat plane with ±1 noise, distorted by ±2 (σ₁² below the noise floor).
    Flat,
    /// Only 0 and the maximum value (the largest variances and products).
    Extremes,
    /// Every sample at the maximum (16-bit: the u32 mean accumulator at its limit).
    Max,
    /// Smooth gradient plus texture in patches; distorted = reference + noise.
    Natural,
    /// Distorted = max − reference (σ₁₂ < 0).
    Inverted,
    /// Distorted = reference blurred and brightened (0 < gain < 1, and gain clamping).
    Gain,
}

const CONTENTS: [Content; 7] = [
    Content::Uniform,
    Content::Flat,
    Content::Extremes,
    Content::Max,
    Content::Natural,
    Content::Inverted,
    Content::Gain,
];

/// A `w`×`h` reference/distorted pair with rows `stride` apart, samples below `2^bits`.
fn planes(
    rng: &mut StdRng,
    content: Content,
    w: usize,
    h: usize,
    stride: usize,
    bits: u32,
) -> (Vec<u32>, Vec<u32>) {
    let max = (1u32 << bits) - 1;
    let unit = (max / 255).max(1);
    let n = (h - 1) * stride + w;
    // padding between rows gets random junk: kernels must not read it
    let mut r: Vec<u32> = (0..n).map(|_| rng.gen_range(0..=max)).collect();
    let mut d: Vec<u32> = (0..n).map(|_| rng.gen_range(0..=max)).collect();
    let clamp = |v: i64| v.clamp(0, max as i64) as u32;
    for y in 0..h {
        for x in 0..w {
            let i = y * stride + x;
            let (rv, dv) = match content {
                Content::Uniform => (r[i], d[i]),
                Content::Flat => {
                    let base = (max / 3) as i64;
                    let a = clamp(base + rng.gen_range(-1..=1) * unit as i64);
                    (a, clamp(a as i64 + rng.gen_range(-2..=2) * unit as i64))
                }
                Content::Extremes => (
                    if rng.gen_bool(0.5) { max } else { 0 },
                    if rng.gen_bool(0.5) { max } else { 0 },
                ),
                Content::Max => (max, max),
                Content::Natural => {
                    let g = (x * 7 + y * 5) as i64 * unit as i64;
                    let tex = if (x / 8 + y / 8) % 2 == 0 {
                        rng.gen_range(0..40) * unit as i64
                    } else {
                        0
                    };
                    let a = clamp(g % (max as i64 / 2) + tex);
                    (a, clamp(a as i64 + rng.gen_range(-3..=3) * unit as i64))
                }
                Content::Inverted => (r[i], max - r[i]),
                Content::Gain => (r[i], clamp(r[i] as i64 / 3 + (max / 2) as i64)),
            };
            r[i] = rv;
            d[i] = dv;
        }
    }
    (r, d)
}

fn to_u8(v: &[u32]) -> Vec<u8> {
    v.iter().map(|&x| x as u8).collect()
}

fn to_u16(v: &[u32]) -> Vec<u16> {
    v.iter().map(|&x| x as u16).collect()
}

/// Widths to test at `scale`: from the smallest the filter allows to 2×16+40.
fn widths(scale: usize) -> std::ops::RangeInclusive<usize> {
    FILTERS[scale].len() / 2 + 1..=2 * 16 + 40
}

const GAINS: [f64; 3] = [100.0, 1.0, 1.7];

/// One statistic case at every vector level against the oracle.
#[allow(clippy::too_many_arguments)]
fn check_statistic(
    levels: &[(CpuLevel, Kernels)],
    r: &[u32],
    d: &[u32],
    w: usize,
    h: usize,
    stride: usize,
    scale: usize,
    bpc: u32,
    egl: f64,
    eight_bit: bool,
    what: &str,
) {
    let oracle = Kernels::oracle();
    let mut scratch = Scratch::new(w);
    if eight_bit {
        let (r, d) = (to_u8(r), to_u8(d));
        let p = PlanePair::new(&r, stride, &d, stride, w, h);
        let want = (oracle.statistic_u8)(&p, scale, bpc, egl, &mut scratch);
        for (level, k) in levels {
            let got = (k.statistic_u8)(&p, scale, bpc, egl, &mut scratch);
            assert_eq!(got, want, "{level:?} u8 {what}");
        }
    } else {
        let (r, d) = (to_u16(r), to_u16(d));
        let p = PlanePair::new(&r, stride, &d, stride, w, h);
        let want = (oracle.statistic_u16)(&p, scale, bpc, egl, &mut scratch);
        for (level, k) in levels {
            let got = (k.statistic_u16)(&p, scale, bpc, egl, &mut scratch);
            assert_eq!(got, want, "{level:?} u16 {what}");
        }
    }
}

/// One decimation case at every vector level against the oracle.
#[allow(clippy::too_many_arguments)]
fn check_decimate(
    levels: &[(CpuLevel, Kernels)],
    r: &[u32],
    d: &[u32],
    w: usize,
    h: usize,
    stride: usize,
    to_scale: usize,
    bpc: u32,
    eight_bit: bool,
    what: &str,
) {
    let oracle = Kernels::oracle();
    let mut scratch = Scratch::new(w);
    let n = (w / 2) * (h / 2);
    let (mut wr, mut wd) = (vec![0u16; n], vec![0u16; n]);
    let (mut gr, mut gd) = (vec![0u16; n], vec![0u16; n]);
    if eight_bit {
        let (r, d) = (to_u8(r), to_u8(d));
        let p = PlanePair::new(&r, stride, &d, stride, w, h);
        (oracle.decimate_u8)(&p, to_scale, bpc, &mut wr, &mut wd, &mut scratch);
        for (level, k) in levels {
            gr.fill(0xdead);
            gd.fill(0xbeef);
            (k.decimate_u8)(&p, to_scale, bpc, &mut gr, &mut gd, &mut scratch);
            assert!(gr == wr && gd == wd, "{level:?} u8 {what}");
        }
    } else {
        let (r, d) = (to_u16(r), to_u16(d));
        let p = PlanePair::new(&r, stride, &d, stride, w, h);
        (oracle.decimate_u16)(&p, to_scale, bpc, &mut wr, &mut wd, &mut scratch);
        for (level, k) in levels {
            gr.fill(0xdead);
            gd.fill(0xbeef);
            (k.decimate_u16)(&p, to_scale, bpc, &mut gr, &mut gd, &mut scratch);
            assert!(gr == wr && gd == wd, "{level:?} u16 {what}");
        }
    }
}

/// (scale, bits of the samples, bpc, 8-bit storage) of every statistic the extractor runs,
/// plus 16-bit storage at depth 8.
const STAT_CASES: [(usize, u32, u32, bool); 9] = [
    (0, 8, 8, true),
    (0, 8, 8, false),
    (0, 9, 9, false),
    (0, 10, 10, false),
    (0, 12, 12, false),
    (0, 16, 16, false),
    (1, 16, 10, false),
    (2, 16, 10, false),
    (3, 16, 10, false),
];

#[test]
fn statistic_every_width_and_tail() {
    let levels = vector_levels();
    let mut rng = StdRng::seed_from_u64(0x5eed_0f1f);
    for (scale, bits, bpc, eight) in STAT_CASES {
        for w in widths(scale) {
            let h = FILTERS[scale].len() / 2 + 1 + w % 5;
            let stride = w + [0, 1, 3, 7][w % 4];
            let content = CONTENTS[w % CONTENTS.len()];
            let egl = GAINS[w % GAINS.len()];
            let (r, d) = planes(&mut rng, content, w, h, stride, bits);
            let what =
                format!("scale {scale} bpc {bpc} {w}x{h} stride {stride} {content:?} egl {egl}");
            check_statistic(&levels, &r, &d, w, h, stride, scale, bpc, egl, eight, &what);
        }
    }
}

#[test]
fn statistic_every_content_and_gain() {
    let levels = vector_levels();
    let mut rng = StdRng::seed_from_u64(42);
    for (scale, bits, bpc, eight) in STAT_CASES {
        for content in CONTENTS {
            for egl in GAINS {
                let (w, h) = (37 + 2 * scale, 23);
                let stride = w + 5;
                let (r, d) = planes(&mut rng, content, w, h, stride, bits);
                let what = format!("scale {scale} bpc {bpc} {content:?} egl {egl}");
                check_statistic(&levels, &r, &d, w, h, stride, scale, bpc, egl, eight, &what);
            }
        }
    }
}

#[test]
fn statistic_wide_planes() {
    // rows long enough for many blocks per lane and several partial-sum flushes of narrow
    // kernels; natural content
    let levels = vector_levels();
    let mut rng = StdRng::seed_from_u64(7);
    for (scale, bits, bpc, eight) in STAT_CASES {
        let (w, h) = (1283, 19);
        let (r, d) = planes(&mut rng, Content::Natural, w, h, w, bits);
        let what = format!("scale {scale} bpc {bpc} {w}x{h}");
        check_statistic(&levels, &r, &d, w, h, w, scale, bpc, 100.0, eight, &what);
    }
}

/// (to_scale, bits of the samples, bpc, 8-bit storage) of every decimation.
const DEC_CASES: [(usize, u32, u32, bool); 8] = [
    (1, 8, 8, true),
    (1, 8, 8, false),
    (1, 10, 10, false),
    (1, 12, 12, false),
    (1, 16, 16, false),
    (2, 16, 8, false),
    (3, 16, 8, false),
    (3, 16, 12, true),
];

#[test]
fn decimate_every_width_and_tail() {
    let levels = vector_levels();
    let mut rng = StdRng::seed_from_u64(0xdec1);
    for (to_scale, bits, bpc, eight) in DEC_CASES {
        // 8-bit storage only holds 8-bit samples
        let bits = if eight { 8 } else { bits };
        for w in (FILTERS[to_scale].len() / 2 + 1).max(2)..=2 * 16 + 40 {
            let h = FILTERS[to_scale].len() / 2 + 1 + w % 6;
            let stride = w + [0, 1, 3, 7][w % 4];
            let content = CONTENTS[w % CONTENTS.len()];
            let (r, d) = planes(&mut rng, content, w, h, stride, bits);
            let what = format!("to scale {to_scale} bpc {bpc} {w}x{h} stride {stride} {content:?}");
            check_decimate(&levels, &r, &d, w, h, stride, to_scale, bpc, eight, &what);
        }
    }
}

#[test]
fn max_value_pixels_every_depth() {
    let levels = vector_levels();
    let mut rng = StdRng::seed_from_u64(1);
    for bits in [8, 10, 12, 16] {
        for content in [Content::Max, Content::Extremes] {
            let (w, h) = (53, 29);
            let (r, d) = planes(&mut rng, content, w, h, w, bits);
            for scale in 0..4 {
                // scales above 0 hold 16-bit-normalised samples
                let (rs, ds): (Vec<u32>, Vec<u32>) = if scale == 0 {
                    (r.clone(), d.clone())
                } else {
                    (
                        r.iter().map(|&v| v << (16 - bits)).collect(),
                        d.iter().map(|&v| v << (16 - bits)).collect(),
                    )
                };
                for eight in [false, bits == 8 && scale == 0] {
                    let what = format!("{content:?} {bits} bits scale {scale}");
                    check_statistic(&levels, &rs, &ds, w, h, w, scale, bits, 100.0, eight, &what);
                }
            }
            for to_scale in 1..4 {
                for eight in [false, bits == 8] {
                    let what = format!("{content:?} {bits} bits to scale {to_scale}");
                    check_decimate(&levels, &r, &d, w, h, w, to_scale, bits, eight, &what);
                }
            }
        }
    }
}

/// Runs `vif` with `opts` over every frame of a clip pair with `kernels`.
fn run_with(kernels: Kernels, opts: &str, r: &std::path::Path, d: &std::path::Path) -> Collector {
    let def = features::by_name("vif").unwrap();
    let options = def
        .parse_options(&FeatureDict::parse_colon_list(opts).unwrap())
        .unwrap();
    let mut rr = open_video(r, None).unwrap();
    let mut dd = open_video(d, None).unwrap();
    let g = rr.geometry();
    let mut ext = vif::create_with(&options, g, kernels).unwrap();
    let mut col = Collector::new();
    let mut index = 0;
    loop {
        let mut rp = Picture::new(g).unwrap();
        let mut dp = Picture::new(dd.geometry()).unwrap();
        if !rr.read_frame(&mut rp).unwrap() || !dd.read_frame(&mut dp).unwrap() {
            break;
        }
        let input = FrameInput {
            index,
            reference: rp.view(),
            distorted: dp.view(),
            prev_ref: None,
            prev_prev_ref: None,
        };
        let mut out = FrameScores::new();
        ext.extract(&input, &mut out).unwrap();
        for (k, v) in out.entries() {
            col.append(k, index, *v).unwrap();
        }
        index += 1;
    }
    col
}

#[test]
fn extractor_corpus_every_level_equals_oracle() {
    let levels = vector_levels();
    let mut compared = 0;
    for (pair, dists) in corpus_pairs() {
        for (n, dis) in dists.iter().enumerate() {
            let (r, d) = pair_paths(&pair, dis);
            // debug adds every scale's numerator and denominator; alternate the options
            let opts = [
                "debug=true",
                "debug=true:vif_enhn_gain_limit=1.0:vif_skip_scale0=true",
            ][n % 2];
            let want = run_with(Kernels::oracle(), opts, &r, &d);
            for (level, kernels) in &levels {
                let got = run_with(*kernels, opts, &r, &d);
                assert_eq!(got.names(), want.names(), "{pair}/{dis} {level:?}");
                for k in want.names() {
                    let (a, b) = (got.series(k).unwrap(), want.series(k).unwrap());
                    assert_eq!(a.len(), b.len());
                    for (i, (a, b)) in a.iter().zip(b).enumerate() {
                        assert!(
                            a.map(f64::to_bits) == b.map(f64::to_bits),
                            "{pair}/{dis} {level:?} {k} frame {i}: {a:?} vs oracle {b:?}"
                        );
                        compared += 1;
                    }
                }
            }
        }
    }
    assert!(compared > 0);
}

#[test]
fn kernels_resolve_per_level() {
    assert_eq!(Kernels::oracle().level(), CpuLevel::Scalar);
    assert_eq!(Kernels::portable().level(), CpuLevel::Scalar);
    assert_eq!(Kernels::best(CpuLevel::Scalar).level(), CpuLevel::Scalar);
    for l in available_levels() {
        assert!(Kernels::best(l).level() <= l);
    }
    let best = *available_levels().last().unwrap();
    assert!(Kernels::new(CpuLevel::Avx512).is_none() || best == CpuLevel::Avx512);
}

/// The levels with a shared-reference path, plus the oracle (which has none).
fn shared_levels() -> Vec<(CpuLevel, Kernels)> {
    let levels = vector_levels();
    for (l, k) in &levels {
        assert!(k.shared.is_some(), "{l:?} has no shared-reference kernels");
    }
    levels
}

/// One reference against several distorted planes through the shared-reference kernels of
/// every level, band by band of `band` rows (the last band shorter): the reference half of a
/// band once, the distorted half per plane, summed over the bands and compared with the
/// oracle's statistic of each pair.
#[allow(clippy::too_many_arguments)]
fn check_shared(
    levels: &[(CpuLevel, Kernels)],
    r: &[u32],
    ds: &[Vec<u32>],
    w: usize,
    h: usize,
    stride: usize,
    scale: usize,
    bpc: u32,
    egl: f64,
    eight: bool,
    band: usize,
    what: &str,
) {
    let oracle = Kernels::oracle();
    let mut scratch = Scratch::new(w);
    let (r8, r16) = (to_u8(r), to_u16(r));
    let (d8, d16): (Vec<_>, Vec<_>) = ds.iter().map(|d| (to_u8(d), to_u16(d))).unzip();
    let want: Vec<VifAccum> = (0..ds.len())
        .map(|n| {
            if eight {
                let p = PlanePair::new(&r8, stride, &d8[n], stride, w, h);
                (oracle.statistic_u8)(&p, scale, bpc, egl, &mut scratch)
            } else {
                let p = PlanePair::new(&r16, stride, &d16[n], stride, w, h);
                (oracle.statistic_u16)(&p, scale, bpc, egl, &mut scratch)
            }
        })
        .collect();
    for (level, k) in levels {
        let sk = k.shared.unwrap();
        // room for more rows than a band uses
        let mut st = RefStats::new(w, band + 2);
        let mut den = VifAccum::default();
        let mut nums = vec![VifAccum::default(); ds.len()];
        let mut start = 0;
        while start < h {
            let rows = start..(start + band).min(h);
            // junk from the previous band must not leak into the results
            st.mu1.fill(0x1234_5678);
            st.sigma1.fill(-7);
            den += if eight {
                let rp = PlanePair::new(&r8, stride, &r8, stride, w, h);
                (sk.stat_ref_u8)(&rp, scale, bpc, rows.clone(), &mut st, &mut scratch)
            } else {
                let rp = PlanePair::new(&r16, stride, &r16, stride, w, h);
                (sk.stat_ref_u16)(&rp, scale, bpc, rows.clone(), &mut st, &mut scratch)
            };
            for (n, num) in nums.iter_mut().enumerate() {
                *num += if eight {
                    let p = PlanePair::new(&r8, stride, &d8[n], stride, w, h);
                    (sk.stat_dis_u8)(&p, scale, bpc, egl, rows.clone(), &st, &mut scratch)
                } else {
                    let p = PlanePair::new(&r16, stride, &d16[n], stride, w, h);
                    (sk.stat_dis_u16)(&p, scale, bpc, egl, rows.clone(), &st, &mut scratch)
                };
            }
            start = rows.end;
        }
        assert_eq!(
            (den.num_log, den.num_non_log),
            (0, 0),
            "{level:?} {what}: the reference half wrote numerator terms"
        );
        for (n, (num, want)) in nums.iter().zip(&want).enumerate() {
            assert_eq!(
                (num.den_log, num.den_non_log),
                (0, 0),
                "{level:?} {what}: the distorted half wrote denominator terms"
            );
            let got = VifAccum {
                den_log: den.den_log,
                den_non_log: den.den_non_log,
                ..*num
            };
            assert_eq!(
                got, *want,
                "{level:?} shared {what} band {band} distorted {n}"
            );
        }
    }
}

/// One-plane decimation of every level against the oracle's decimation of the pair.
#[allow(clippy::too_many_arguments)]
fn check_decimate_one(
    levels: &[(CpuLevel, Kernels)],
    r: &[u32],
    d: &[u32],
    w: usize,
    h: usize,
    stride: usize,
    to_scale: usize,
    bpc: u32,
    eight: bool,
    what: &str,
) {
    let oracle = Kernels::oracle();
    let mut scratch = Scratch::new(w);
    let n = (w / 2) * (h / 2);
    let (mut wr, mut wd, mut got) = (vec![0u16; n], vec![0u16; n], vec![0u16; n]);
    for (level, k) in levels {
        let sk = k.shared.unwrap();
        got.fill(0xdead);
        if eight {
            let (r, d) = (to_u8(r), to_u8(d));
            let p = PlanePair::new(&r, stride, &d, stride, w, h);
            (oracle.decimate_u8)(&p, to_scale, bpc, &mut wr, &mut wd, &mut scratch);
            (sk.decimate_one_u8)(&p, to_scale, bpc, &mut got, &mut scratch);
        } else {
            let (r, d) = (to_u16(r), to_u16(d));
            let p = PlanePair::new(&r, stride, &d, stride, w, h);
            (oracle.decimate_u16)(&p, to_scale, bpc, &mut wr, &mut wd, &mut scratch);
            (sk.decimate_one_u16)(&p, to_scale, bpc, &mut got, &mut scratch);
        }
        assert!(got == wd, "{level:?} one-plane {what}");
    }
}

#[test]
fn shared_statistic_every_width_content_and_depth() {
    let levels = shared_levels();
    let mut rng = StdRng::seed_from_u64(0x5aa4ed);
    for (scale, bits, bpc, eight) in STAT_CASES {
        for w in widths(scale).chain([1283]) {
            let h = FILTERS[scale].len() / 2 + 1 + w % 5;
            let stride = w + [0, 1, 3, 7][w % 4];
            let content = CONTENTS[w % CONTENTS.len()];
            let egl = GAINS[w % GAINS.len()];
            let (r, d0) = planes(&mut rng, content, w, h, stride, bits);
            // more distorted planes of other contents against the same reference
            let (_, d1) = planes(&mut rng, CONTENTS[(w + 1) % 7], w, h, stride, bits);
            let (_, d2) = planes(&mut rng, CONTENTS[(w + 3) % 7], w, h, stride, bits);
            let ds = [d0, d1, d2, r.clone()];
            let band = [1, 3, 8, h][w % 4];
            let what =
                format!("scale {scale} bpc {bpc} {w}x{h} stride {stride} {content:?} egl {egl}");
            check_shared(
                &levels, &r, &ds, w, h, stride, scale, bpc, egl, eight, band, &what,
            );
        }
    }
}

#[test]
fn shared_max_value_pixels_and_decimation() {
    let levels = shared_levels();
    let mut rng = StdRng::seed_from_u64(3);
    for bits in [8, 10, 12, 16] {
        for content in [Content::Max, Content::Extremes, Content::Inverted] {
            let (w, h) = (53, 29);
            let (r, d) = planes(&mut rng, content, w, h, w, bits);
            let (_, d2) = planes(&mut rng, Content::Extremes, w, h, w, bits);
            for scale in 0..4 {
                let up = |v: &Vec<u32>| -> Vec<u32> {
                    if scale == 0 {
                        v.clone()
                    } else {
                        v.iter().map(|&x| x << (16 - bits)).collect()
                    }
                };
                let ds = [up(&d), up(&d2), up(&r)];
                for eight in [false, bits == 8 && scale == 0] {
                    let what = format!("{content:?} {bits} bits scale {scale}");
                    check_shared(
                        &levels,
                        &up(&r),
                        &ds,
                        w,
                        h,
                        w,
                        scale,
                        bits,
                        100.0,
                        eight,
                        [h, 4, 7, 1][scale],
                        &what,
                    );
                }
            }
        }
    }
    let mut rng = StdRng::seed_from_u64(0xdec2);
    for (to_scale, bits, bpc, eight) in DEC_CASES {
        let bits = if eight { 8 } else { bits };
        for w in (FILTERS[to_scale].len() / 2 + 1).max(2)..=2 * 16 + 40 {
            let h = FILTERS[to_scale].len() / 2 + 1 + w % 6;
            let stride = w + [0, 1, 3, 7][w % 4];
            let content = CONTENTS[w % CONTENTS.len()];
            let (r, d) = planes(&mut rng, content, w, h, stride, bits);
            let what = format!("to scale {to_scale} bpc {bpc} {w}x{h} stride {stride} {content:?}");
            check_decimate_one(&levels, &r, &d, w, h, stride, to_scale, bpc, eight, &what);
        }
    }
}

/// A picture of `g` (4:2:0, chroma left at zero) with luma `luma`.
fn picture(g: Geometry, luma: &[u32]) -> Picture {
    let mut p = Picture::new(g).unwrap();
    if g.bit_depth == 8 {
        let y = p.plane_u8_mut(0).unwrap();
        for (o, &v) in y.iter_mut().zip(luma) {
            *o = v as u8;
        }
    } else {
        let y = p.plane_u16_mut(0).unwrap();
        for (o, &v) in y.iter_mut().zip(luma) {
            *o = v as u16;
        }
    }
    p
}

/// The input of frame `index` scoring `d` against `r`.
fn frame_input<'a>(index: usize, r: &'a Picture, d: &'a Picture) -> FrameInput<'a> {
    FrameInput {
        index,
        reference: r.view(),
        distorted: d.view(),
        prev_ref: None,
        prev_prev_ref: None,
    }
}

/// Every entry of `got` equals `want` bit for bit.
fn same_scores(got: &FrameScores, want: &FrameScores, what: &str) {
    let g: Vec<_> = got
        .entries()
        .iter()
        .map(|(k, v)| (k.clone(), v.to_bits()))
        .collect();
    let w: Vec<_> = want
        .entries()
        .iter()
        .map(|(k, v)| (k.clone(), v.to_bits()))
        .collect();
    assert_eq!(g, w, "{what}");
}

/// Groups (one reference against several distorted pictures in one `extract_group` call)
/// give exactly the scores of separate `extract` runs, at every level and with the oracle
/// (which has no group path and says so); group sizes change between frames, and plain
/// extracts on the same instance in between change nothing.
#[test]
fn extractor_group_equals_separate_runs() {
    let mut kernels = vec![(CpuLevel::Scalar, Kernels::oracle())];
    kernels.extend(vector_levels());
    let def = features::by_name("vif").unwrap();
    let mut rng = StdRng::seed_from_u64(0xf00d);
    // 520x70 runs scale 0 in several bands of rows
    let sizes = [(16, 16), (37, 21), (67, 45), (129, 33), (520, 70)];
    let opts = [
        "",
        "debug=true",
        "debug=true:vif_enhn_gain_limit=1.0:vif_skip_scale0=true",
        "vif_enhn_gain_limit=1.3",
    ];
    // distorted pictures per frame: a group of 4, a smaller one, a larger one again
    let group_sizes = [4, 2, 4];
    for bits in [8, 10, 12, 16] {
        for (si, &(w, h)) in sizes.iter().enumerate() {
            let g = Geometry {
                format: PixelFormat::Yuv420,
                bit_depth: bits,
                width: w,
                height: h,
            };
            let o = opts[(si + bits as usize) % opts.len()];
            let options = def
                .parse_options(&FeatureDict::parse_colon_list(o).unwrap())
                .unwrap();
            let frames: Vec<(Picture, Vec<Picture>)> = group_sizes
                .iter()
                .enumerate()
                .map(|(f, &n)| {
                    let c = CONTENTS[(si + f + bits as usize) % CONTENTS.len()];
                    let (r, d0) = planes(&mut rng, c, w, h, w, bits);
                    let (_, d1) = planes(&mut rng, Content::Extremes, w, h, w, bits);
                    let (_, d2) = planes(&mut rng, Content::Max, w, h, w, bits);
                    let d3: Vec<u32> = r.iter().map(|&v| v ^ 1).collect();
                    let ds = [d0, d1, d2, d3][..n]
                        .iter()
                        .map(|d| picture(g, d))
                        .collect();
                    (picture(g, &r), ds)
                })
                .collect();
            let mut oracle_scores = Vec::new();
            for (level, k) in &kernels {
                let mut separate = vif::create_with(&options, g, *k).unwrap();
                let mut grouped = vif::create_with(&options, g, *k).unwrap();
                for (f, (r, ds)) in frames.iter().enumerate() {
                    let inputs: Vec<FrameInput<'_>> =
                        ds.iter().map(|d| frame_input(f, r, d)).collect();
                    let mut got: Vec<FrameScores> = ds.iter().map(|_| FrameScores::new()).collect();
                    let has_group = grouped.extract_group(&inputs, &mut got).unwrap();
                    assert_eq!(has_group, k.shared.is_some(), "{level:?}");
                    for (n, input) in inputs.iter().enumerate() {
                        let what = format!("{level:?} {bits} bits {w}x{h} '{o}' frame {f} dis {n}");
                        let mut want = FrameScores::new();
                        separate.extract(input, &mut want).unwrap();
                        if has_group {
                            same_scores(&got[n], &want, &what);
                        } else {
                            assert!(
                                got[n].entries().is_empty(),
                                "{what}: wrote without a group path"
                            );
                        }
                        if k.shared.is_none() {
                            oracle_scores.push(want);
                        } else {
                            let i = group_sizes[..f].iter().sum::<usize>() + n;
                            same_scores(&got[n], &oracle_scores[i], &format!("{what} vs oracle"));
                        }
                    }
                    // a plain extract on the grouped instance between groups
                    let mut a = FrameScores::new();
                    grouped.extract(&inputs[1], &mut a).unwrap();
                    let mut want = FrameScores::new();
                    separate.extract(&inputs[1], &mut want).unwrap();
                    same_scores(
                        &a,
                        &want,
                        &format!("{level:?} a plain extract after a group"),
                    );
                }
            }
        }
    }
}

/// Groups over every corpus pair: each reference frame scored against every distorted clip of
/// its pair in one `extract_group` call, at every level, against the oracle's separate runs.
#[test]
fn extractor_group_corpus_equals_oracle() {
    let levels = vector_levels();
    let def = features::by_name("vif").unwrap();
    let mut compared = 0;
    for (pi, (pair, dists)) in corpus_pairs().into_iter().enumerate() {
        let opts = [
            "debug=true",
            "debug=true:vif_enhn_gain_limit=1.0:vif_skip_scale0=true",
        ][pi % 2];
        let paths: Vec<_> = dists.iter().map(|d| pair_paths(&pair, d)).collect();
        let want: Vec<Collector> = paths
            .iter()
            .map(|(r, d)| run_with(Kernels::oracle(), opts, r, d))
            .collect();
        let options = def
            .parse_options(&FeatureDict::parse_colon_list(opts).unwrap())
            .unwrap();
        for (level, k) in &levels {
            let mut rr = open_video(&paths[0].0, None).unwrap();
            let g = rr.geometry();
            let mut dd: Vec<_> = paths
                .iter()
                .map(|(_, d)| open_video(d, None).unwrap())
                .collect();
            let mut ext = vif::create_with(&options, g, *k).unwrap();
            let mut cols: Vec<Collector> = (0..dd.len()).map(|_| Collector::new()).collect();
            let mut index = 0;
            loop {
                let mut rp = Picture::new(g).unwrap();
                if !rr.read_frame(&mut rp).unwrap() {
                    break;
                }
                let mut dps = Vec::new();
                for (n, d) in dd.iter_mut().enumerate() {
                    let mut dp = Picture::new(d.geometry()).unwrap();
                    if d.read_frame(&mut dp).unwrap() {
                        dps.push((n, dp));
                    }
                }
                if dps.is_empty() {
                    break;
                }
                let inputs: Vec<FrameInput<'_>> = dps
                    .iter()
                    .map(|(_, d)| frame_input(index, &rp, d))
                    .collect();
                let mut outs: Vec<FrameScores> = dps.iter().map(|_| FrameScores::new()).collect();
                assert!(ext.extract_group(&inputs, &mut outs).unwrap(), "{level:?}");
                for ((n, _), out) in dps.iter().zip(&outs) {
                    for (key, v) in out.entries() {
                        cols[*n].append(key, index, *v).unwrap();
                    }
                }
                index += 1;
            }
            for (n, (got, want)) in cols.iter().zip(&want).enumerate() {
                let what = format!("{pair}/{} {level:?}", dists[n]);
                assert_eq!(got.names(), want.names(), "{what}");
                for key in want.names() {
                    let (a, b) = (got.series(key).unwrap(), want.series(key).unwrap());
                    assert_eq!(a.len(), b.len(), "{what} {key}");
                    for (i, (a, b)) in a.iter().zip(b).enumerate() {
                        assert!(
                            a.map(f64::to_bits) == b.map(f64::to_bits),
                            "{what} {key} frame {i}: {a:?} vs oracle {b:?}"
                        );
                        compared += 1;
                    }
                }
            }
        }
    }
    assert!(compared > 0);
}
