//! `psnr`: the SIMD sum-of-squared-errors kernels against the scalar reference at every CPU
//! level this machine runs (random planes, every width and tail length up to 80, odd strides,
//! full-scale differences at 8, 10, 12 and 16 bits, an 8-bit row long enough to wrap libvmaf's
//! `u32` row sum), and the whole extractor at every level on the corpus.

mod common;
mod levels;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use common::{corpus_pairs, pair_paths, run_extractor};
use levels::{assert_identical, distinct_kernels, simd_levels};
use rvmaf::cpu::{set_cpu_level, CpuLevel};
use rvmaf::features::psnr::{scalar, SseKernel};
use rvmaf::frame::Plane;

/// The distinct SIMD kernels of this CPU.
fn kernels() -> Vec<SseKernel> {
    distinct_kernels(SseKernel::new, SseKernel::level)
}

/// Two `stride`×`h` planes: random samples, or only 0 / max (`extremes`), with junk past `w`.
fn planes(
    rng: &mut StdRng,
    w: usize,
    h: usize,
    stride: usize,
    bpc: u32,
    extremes: bool,
) -> (Vec<u16>, Vec<u16>) {
    let max = ((1u32 << bpc) - 1) as u16;
    let mut draw = |x: usize| -> u16 {
        if x >= w {
            rng.gen()
        } else if extremes {
            if rng.gen() {
                max
            } else {
                0
            }
        } else {
            rng.gen_range(0..=max)
        }
    };
    let a: Vec<u16> = (0..stride * h).map(|i| draw(i % stride)).collect();
    let b: Vec<u16> = (0..stride * h).map(|i| draw(i % stride)).collect();
    (a, b)
}

fn check(k: &SseKernel, w: usize, h: usize, stride: usize, bpc: u32, extremes: bool, seed: u64) {
    let mut rng = StdRng::seed_from_u64(seed);
    let (a, b) = planes(&mut rng, w, h, stride, bpc, extremes);
    let what = format!(
        "{:?} {w}x{h} stride {stride} {bpc}-bit extremes {extremes}",
        k.level()
    );
    if bpc == 8 {
        let (a8, b8): (Vec<u8>, Vec<u8>) = (
            a.iter().map(|&v| v as u8).collect(),
            b.iter().map(|&v| v as u8).collect(),
        );
        let (pa, pb) = (
            Plane::new(&a8, w, h, stride).unwrap(),
            Plane::new(&b8, w, h, stride).unwrap(),
        );
        assert_eq!(k.sse_u8(&pa, &pb), scalar::sse_u8(&pa, &pb), "{what}");
    } else {
        let (pa, pb) = (
            Plane::new(&a, w, h, stride).unwrap(),
            Plane::new(&b, w, h, stride).unwrap(),
        );
        assert_eq!(k.sse_u16(&pa, &pb), scalar::sse_u16(&pa, &pb), "{what}");
    }
}

#[test]
fn sse_kernels_every_width_depth_and_tail() {
    let ks = kernels();
    if ks.is_empty() {
        eprintln!("no SIMD level on this CPU: nothing to compare");
        return;
    }
    for k in &ks {
        for bpc in [8, 10, 12, 16] {
            for w in 1..=80 {
                for (i, stride) in [w, w + 3].into_iter().enumerate() {
                    let seed = (w * 7 + i) as u64 + u64::from(bpc) * 1000;
                    check(k, w, 3, stride, bpc, false, seed);
                    check(k, w, 2, stride, bpc, true, seed + 1);
                }
            }
            check(k, 1920, 8, 1920, bpc, false, 1);
            check(k, 1283, 5, 1301, bpc, true, 2);
        }
    }
}

#[test]
fn sse_u8_row_sum_wraps_like_libvmaf() {
    // 66052 squares of 255 exceed u32 within one row.
    let r = vec![0u8; 66053];
    let d = vec![255u8; 66053];
    let (pr, pd) = (
        Plane::new(&r, 66053, 1, 66053).unwrap(),
        Plane::new(&d, 66053, 1, 66053).unwrap(),
    );
    let want = u64::from((66053u64 * 65025) as u32);
    assert_eq!(scalar::sse_u8(&pr, &pd), want);
    for k in kernels() {
        assert_eq!(k.sse_u8(&pr, &pd), want, "{:?}", k.level());
    }
}

#[test]
fn extractor_every_level_equals_scalar_on_corpus() {
    let mut pairs = 0;
    for (pair, distortions) in corpus_pairs() {
        let Some(dis) = distortions.first() else {
            continue;
        };
        let (r, d) = pair_paths(&pair, dis);
        for opts in ["", "enable_mse=true:enable_apsnr=true"] {
            set_cpu_level(CpuLevel::Scalar);
            let want = run_extractor("psnr", opts, &r, &d).expect("scalar psnr");
            for level in simd_levels() {
                set_cpu_level(level);
                let got = run_extractor("psnr", opts, &r, &d).expect("simd psnr");
                assert_identical(&want, &got, &format!("{pair}/{dis} {opts} {level:?}"));
            }
            set_cpu_level(CpuLevel::Avx512);
        }
        pairs += 1;
    }
    assert!(pairs > 0, "no corpus pairs");
}
