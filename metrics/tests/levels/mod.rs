//! Shared by the SIMD parity tests of motion, CAMBI and SpEED: run an extractor created at a
//! given CPU level over a clip and compare two runs bit for bit.
#![allow(dead_code)] // each parity test binary uses part of these helpers

use std::path::Path;

use rvmaf::cpu::{available_levels, CpuLevel};
use rvmaf::features::{Extractor, FrameInput, FrameScores};
use rvmaf::io::open_video;
use rvmaf::{Collector, Geometry, Picture};

/// Every level this CPU runs above scalar.
pub fn simd_levels() -> Vec<CpuLevel> {
    available_levels()
        .into_iter()
        .filter(|&l| l > CpuLevel::Scalar)
        .collect()
}

/// The distinct SIMD kernel sets of this CPU, made by `new` per level: a level without twins of
/// its own (AVX-512 for some kernels) resolves to the best one below it, tested once.
pub fn distinct_kernels<K>(new: impl Fn(CpuLevel) -> K, level: impl Fn(&K) -> CpuLevel) -> Vec<K> {
    let mut out: Vec<K> = Vec::new();
    for l in simd_levels() {
        let k = new(l);
        let got = level(&k);
        assert!(got > CpuLevel::Scalar && got <= l, "{l:?} -> {got:?}");
        if !out.iter().any(|o| level(o) == got) {
            out.push(k);
        }
    }
    out
}

/// Runs `ext` over `frames` (reference, distorted) in order, with the previous references,
/// and flushes.
pub fn run_frames(ext: &mut dyn Extractor, frames: &[(Picture, Picture)]) -> Collector {
    let mut col = Collector::new();
    for (index, (r, d)) in frames.iter().enumerate() {
        let input = FrameInput {
            index,
            reference: r.view(),
            distorted: d.view(),
            prev_ref: index.checked_sub(1).map(|j| frames[j].0.view()),
            prev_prev_ref: index.checked_sub(2).map(|j| frames[j].0.view()),
        };
        let mut out = FrameScores::new();
        ext.extract(&input, &mut out).expect("extract");
        for (k, v) in out.entries() {
            col.append(k, index, *v).unwrap();
        }
        for (k, at, v) in out.earlier_entries() {
            col.append(k, *at, *v).unwrap();
        }
    }
    ext.flush(&mut col).expect("flush");
    col
}

/// Every frame pair of a clip.
pub fn load_clip(reference: &Path, distorted: &Path) -> (Geometry, Vec<(Picture, Picture)>) {
    let mut r = open_video(reference, None).expect("open reference");
    let mut d = open_video(distorted, None).expect("open distorted");
    let g = r.geometry();
    let mut frames = Vec::new();
    loop {
        let mut rp = Picture::new(g).unwrap();
        let mut dp = Picture::new(d.geometry()).unwrap();
        if !r.read_frame(&mut rp).unwrap() || !d.read_frame(&mut dp).unwrap() {
            break;
        }
        frames.push((rp, dp));
    }
    (g, frames)
}

/// Asserts that two runs wrote the same keys with bit-identical values on every frame.
pub fn assert_identical(a: &Collector, b: &Collector, what: &str) {
    assert_eq!(a.names(), b.names(), "{what}: different keys");
    assert_eq!(a.frame_count(), b.frame_count(), "{what}: frame count");
    let mut n = 0;
    for k in a.names() {
        let (sa, sb) = (a.series(k).unwrap(), b.series(k).unwrap());
        assert_eq!(sa.len(), sb.len(), "{what} {k}: length");
        for (i, (x, y)) in sa.iter().zip(sb).enumerate() {
            assert_eq!(
                x.map(f64::to_bits),
                y.map(f64::to_bits),
                "{what} {k} frame {i}: {x:?} vs {y:?}"
            );
            n += 1;
        }
    }
    assert!(n > 0, "{what}: nothing compared");
}
