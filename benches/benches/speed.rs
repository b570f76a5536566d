//! SpEED: `speed_chroma` (VMAF v1.0.16 options) and `speed_temporal` (defaults), whole
//! extractors per CPU level and bit depth on the synthetic 1920x1080 4:2:0 pictures of
//! `common` (or the clips of `RVMAF_BENCH_REF`/`_DIS`), and the kernels.
//!
//! `cargo bench -p rvmaf-benches --bench speed` (add a filter such as `speed/chroma`); thread
//! CPU time by default, wall-clock time with `RVMAF_BENCH_WALL=1`.

mod common;

use criterion::measurement::Measurement;
use criterion::{BenchmarkId, Criterion};

use rvmaf::cpu::available_levels;
use rvmaf::features::speed::{SpeedChroma, SpeedTemporal, SPEED_CHROMA, SPEED_TEMPORAL};
use rvmaf::features::{Extractor, FrameInput, FrameScores};
use rvmaf::FeatureDict;

const V1: &str = "speed_kernelscale=1.0:speed_nn_floor=0.1:speed_sigma_nn=0.19:speed_weight_var_mode=5:speed_max_val=45";

fn bench<M: Measurement>(c: &mut Criterion<M>) {
    for bpc in [8u32, 10] {
        let fr = common::frames(bpc);
        for level in available_levels() {
            let id = |what: &str| {
                BenchmarkId::new(
                    format!("speed/{what}"),
                    format!("{}/{bpc}bit", level.as_str()),
                )
            };
            let mut g = c.benchmark_group(format!("speed-{}-{bpc}", level.as_str()));
            g.sample_size(10);
            g.warm_up_time(std::time::Duration::from_millis(300));
            g.measurement_time(std::time::Duration::from_secs(2));

            let o = SPEED_CHROMA
                .parse_options(&FeatureDict::parse_colon_list(V1).unwrap())
                .unwrap();
            let mut chroma = SpeedChroma::new_at(&o, fr[0].0.geometry(), level).unwrap();
            g.bench_function(id("chroma"), |b| {
                b.iter(|| {
                    let mut out = FrameScores::new();
                    let input = FrameInput {
                        index: 0,
                        reference: fr[0].0.view(),
                        distorted: fr[0].1.view(),
                        prev_ref: None,
                        prev_prev_ref: None,
                    };
                    chroma.extract(&input, &mut out).unwrap();
                    out
                })
            });

            let o = SPEED_TEMPORAL.parse_options(&FeatureDict::new()).unwrap();
            let mut temporal = SpeedTemporal::new_at(&o, fr[0].0.geometry(), level).unwrap();
            let mut index = 0;
            g.bench_function(id("temporal"), |b| {
                b.iter(|| {
                    // alternate the two frames: every call after the first scores a difference
                    let (r, d) = &fr[index % 2];
                    let mut out = FrameScores::new();
                    let input = FrameInput {
                        index,
                        reference: r.view(),
                        distorted: d.view(),
                        prev_ref: None,
                        prev_prev_ref: None,
                    };
                    temporal.extract(&input, &mut out).unwrap();
                    index += 1;
                    out
                })
            });
            g.finish();
        }
    }
}

fn main() {
    common::run(bench, bench);
}
