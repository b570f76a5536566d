//! SpEED: `speed_chroma` and `speed_temporal` at every CPU level this machine runs against the
//! scalar level, bit for bit: on corpus clips with several option sets (prescale and its
//! methods, kernel scales, weight modes, `speed_use_ref_diff`) and on random pictures at
//! 8..16 bits with full-scale samples and odd sizes. (The kernels themselves are compared in
//! the unit tests of `features::speed::avx2`.)

mod common;
mod levels;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use common::{corpus_pairs, pair_paths};
use levels::{assert_identical, load_clip, run_frames, simd_levels};
use rvmaf::cpu::CpuLevel;
use rvmaf::features::speed::{SpeedChroma, SpeedTemporal, SPEED_CHROMA, SPEED_TEMPORAL};
use rvmaf::features::Extractor;
use rvmaf::{FeatureDict, Geometry, Picture, PixelFormat};

const CHROMA: &[&str] = &[
    "",
    "speed_kernelscale=1.0:speed_nn_floor=0.1:speed_sigma_nn=0.19:speed_weight_var_mode=5:speed_max_val=45",
    "speed_nn_floor=0.1:speed_sigma_nn=0.19:speed_weight_var_mode=5:speed_prescale=0.5:speed_prescale_method=bilinear",
    "speed_kernelscale=1.5:speed_weight_var_mode=3",
    "speed_kernelscale=0.5:speed_prescale=1.5:speed_prescale_method=bicubic",
];
const TEMPORAL: &[&str] = &[
    "",
    "speed_use_ref_diff=true",
    "speed_kernelscale=2.0:speed_prescale=0.75:speed_prescale_method=lanczos4",
];

fn chroma_at(opts: &str, g: Geometry, level: CpuLevel) -> Option<Box<dyn Extractor>> {
    let o = SPEED_CHROMA
        .parse_options(&FeatureDict::parse_colon_list(opts).unwrap())
        .unwrap();
    Some(Box::new(SpeedChroma::new_at(&o, g, level).ok()?))
}

fn temporal_at(opts: &str, g: Geometry, level: CpuLevel) -> Option<Box<dyn Extractor>> {
    let o = SPEED_TEMPORAL
        .parse_options(&FeatureDict::parse_colon_list(opts).unwrap())
        .unwrap();
    Some(Box::new(SpeedTemporal::new_at(&o, g, level).ok()?))
}

type Create = fn(&str, Geometry, CpuLevel) -> Option<Box<dyn Extractor>>;

fn compare_all(frames: &[(Picture, Picture)], g: Geometry, what: &str) -> usize {
    let mut compared = 0;
    let runs: [(&[&str], Create); 2] = [(CHROMA, chroma_at), (TEMPORAL, temporal_at)];
    for (set, create) in runs {
        for opts in set {
            let Some(mut scalar) = create(opts, g, CpuLevel::Scalar) else {
                continue; // too small for these options
            };
            let want = run_frames(&mut *scalar, frames);
            for level in simd_levels() {
                let mut ext = create(opts, g, level).unwrap();
                let got = run_frames(&mut *ext, frames);
                assert_identical(&want, &got, &format!("{what} '{opts}' {level:?}"));
                compared += 1;
            }
        }
    }
    compared
}

#[test]
fn extractors_all_levels_on_corpus() {
    let mut compared = 0;
    for (pair, dists) in corpus_pairs() {
        for dis in dists.iter().take(1) {
            let (r, d) = pair_paths(&pair, dis);
            let (g, frames) = load_clip(&r, &d);
            compared += compare_all(&frames, g, &pair);
        }
    }
    if !simd_levels().is_empty() {
        assert!(compared > 20, "only {compared} runs compared");
    }
}

/// Random pictures (with full-scale samples) and a drifting copy as the next frames.
fn random_clip(
    w: usize,
    h: usize,
    bpc: u32,
    format: PixelFormat,
    seed: u64,
) -> Vec<(Picture, Picture)> {
    let g = Geometry {
        format,
        bit_depth: bpc,
        width: w,
        height: h,
    };
    let mut rng = StdRng::seed_from_u64(seed);
    let max = ((1u32 << bpc) - 1) as u16;
    let make = |rng: &mut StdRng| {
        let mut p = Picture::new(g).unwrap();
        for plane in 0..format.num_planes() {
            let (pw, ph) = g.plane_size(plane);
            let v: Vec<u16> = (0..pw * ph)
                .map(|k| match rng.gen_range(0..10) {
                    0 => max,
                    1 => 0,
                    _ => {
                        ((k % pw) as u32 * max as u32 / pw as u32) as u16 / 2
                            + rng.gen_range(0..=max / 2)
                    }
                })
                .collect();
            if bpc == 8 {
                for (o, &s) in p.plane_u8_mut(plane).unwrap().iter_mut().zip(&v) {
                    *o = s as u8;
                }
            } else {
                p.plane_u16_mut(plane).unwrap().copy_from_slice(&v);
            }
        }
        p
    };
    (0..3).map(|_| (make(&mut rng), make(&mut rng))).collect()
}

#[test]
fn extractors_all_levels_on_random_pictures() {
    if simd_levels().is_empty() {
        return;
    }
    let mut seed = 0;
    for bpc in [8, 10, 12, 16] {
        for (w, h, format) in [
            (171, 165, PixelFormat::Yuv420),
            (163, 97, PixelFormat::Yuv444),
            (250, 181, PixelFormat::Yuv422),
        ] {
            seed += 1;
            let frames = random_clip(w, h, bpc, format, seed);
            let g = frames[0].0.geometry();
            let n = compare_all(&frames, g, &format!("{w}x{h} {format:?} {bpc}-bit"));
            assert!(n > 0);
        }
    }
}
