//! Integer motion: the SIMD SAD kernels against the scalar oracle at every CPU level this
//! machine runs (random planes, every width up to several vectors and so every tail length,
//! odd strides, full-scale differences at 8..16 bits), and the whole extractor at every level
//! against the scalar level on the corpus clips.

mod common;
mod levels;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use common::{corpus_pairs, pair_paths};
use levels::{assert_identical, load_clip, run_frames, simd_levels};
use rvmaf::cpu::CpuLevel;
use rvmaf::features::motion::{self, kernels::SadKernel, scalar};
use rvmaf::features::{self};
use rvmaf::frame::Plane;
use rvmaf::FeatureDict;

/// How the samples of a test plane are drawn.
#[derive(Debug, Clone, Copy)]
enum Fill {
    /// Uniform over the whole range.
    Random,
    /// Only 0 or the maximum (largest differences of both signs).
    Extremes,
    /// Previous at the maximum, current at 0 (or the reverse): the largest sums.
    Saturated(bool),
    /// Small noise around mid grey (many zero rows of the vertical pass).
    Small,
}

fn plane_pair(
    rng: &mut StdRng,
    w: usize,
    h: usize,
    stride: usize,
    bpc: u32,
    fill: Fill,
) -> (Vec<u16>, Vec<u16>) {
    let max = ((1u32 << bpc) - 1) as u16;
    let mut a = vec![0u16; stride * h];
    let mut b = vec![0u16; stride * h];
    for y in 0..h {
        for x in 0..stride {
            let (p, c) = match fill {
                Fill::Random => (rng.gen_range(0..=max), rng.gen_range(0..=max)),
                Fill::Extremes => (
                    if rng.gen() { max } else { 0 },
                    if rng.gen() { max } else { 0 },
                ),
                Fill::Saturated(up) => {
                    if up {
                        (max, 0)
                    } else {
                        (0, max)
                    }
                }
                Fill::Small => {
                    let mid = max / 2;
                    let p = mid + rng.gen_range(0..2);
                    (p, if rng.gen_range(0..8) == 0 { mid } else { p })
                }
            };
            // padding beyond the width holds junk the kernels must ignore
            let junk = x >= w;
            a[y * stride + x] = if junk { rng.gen() } else { p };
            b[y * stride + x] = if junk { rng.gen() } else { c };
        }
    }
    (a, b)
}

fn check(level: CpuLevel, w: usize, h: usize, stride: usize, bpc: u32, fill: Fill, seed: u64) {
    let mut rng = StdRng::seed_from_u64(seed);
    let (a, b) = plane_pair(&mut rng, w, h, stride, bpc, fill);
    let mut k = SadKernel::new(level, w);
    // A level without a twin of its own (AVX-512) runs the best one below it.
    assert!(
        k.level() > CpuLevel::Scalar && k.level() <= level,
        "{level:?} -> {:?}",
        k.level()
    );
    let mut y_row = vec![0i32; w];
    let what = format!("{level:?} {w}x{h} stride {stride} {bpc}-bit {fill:?} seed {seed}");
    if bpc == 8 {
        let a8: Vec<u8> = a.iter().map(|&v| v as u8).collect();
        let b8: Vec<u8> = b.iter().map(|&v| v as u8).collect();
        let (p, c) = (
            Plane::new(&a8, w, h, stride).unwrap(),
            Plane::new(&b8, w, h, stride).unwrap(),
        );
        let want = scalar::motion_sad(&p, &c, bpc, &mut y_row);
        assert_eq!(k.sad_u8(&p, &c, bpc), want, "{what}");
    } else {
        let (p, c) = (
            Plane::new(&a, w, h, stride).unwrap(),
            Plane::new(&b, w, h, stride).unwrap(),
        );
        let want = scalar::motion_sad(&p, &c, bpc, &mut y_row);
        assert_eq!(k.sad_u16(&p, &c, bpc), want, "{what}");
    }
}

#[test]
fn sad_kernel_parity_every_width_and_depth() {
    let levels = simd_levels();
    if levels.is_empty() {
        eprintln!("no SIMD level on this CPU: nothing to compare");
        return;
    }
    for &level in &levels {
        let mut seed = 0;
        for bpc in [8, 9, 10, 12, 14, 15, 16] {
            for w in 3..=80 {
                for fill in [Fill::Random, Fill::Extremes, Fill::Small] {
                    let h = 3 + (w % 6);
                    let stride = w + (w % 3) * 7 + 1;
                    seed += 1;
                    check(level, w, h, stride, bpc, fill, seed);
                }
            }
            for (w, h) in [(3, 3), (17, 5), (64, 7), (97, 11), (333, 9)] {
                for up in [true, false] {
                    check(level, w, h, w, bpc, Fill::Saturated(up), seed);
                    check(level, w, h, w + 5, bpc, Fill::Saturated(up), seed);
                }
            }
        }
    }
}

#[test]
fn sad_kernel_parity_large_planes() {
    for level in simd_levels() {
        for (bpc, seed) in [(8, 1), (10, 2), (16, 3)] {
            check(level, 1920, 36, 1920, bpc, Fill::Random, seed);
            check(level, 1283, 29, 1311, bpc, Fill::Extremes, seed);
        }
    }
}

fn create_at(opts: &str, g: rvmaf::Geometry, level: CpuLevel) -> Box<dyn features::Extractor> {
    let def = features::by_name("motion").unwrap();
    let o = def
        .parse_options(&FeatureDict::parse_colon_list(opts).unwrap())
        .unwrap();
    motion::create_at(&o, g, level).unwrap()
}

#[test]
fn extractor_parity_all_levels_on_corpus() {
    let levels = simd_levels();
    let opts = [
        "debug=true",
        "motion_max_val=18:motion_five_frame_window=true:motion_moving_average=true",
    ];
    for (pair, dists) in corpus_pairs() {
        let Some(dis) = dists.first() else { continue };
        let (r, d) = pair_paths(&pair, dis);
        let (g, frames) = load_clip(&r, &d);
        for o in opts {
            let want = run_frames(&mut *create_at(o, g, CpuLevel::Scalar), &frames);
            for &level in &levels {
                let got = run_frames(&mut *create_at(o, g, level), &frames);
                assert_identical(&want, &got, &format!("{pair} {o} {level:?}"));
            }
        }
    }
}
