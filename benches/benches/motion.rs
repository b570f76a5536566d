//! Integer motion: the SAD kernel and the whole extractor, per CPU level and bit depth, on two
//! consecutive synthetic 1920x1080 frames (see `common`).
//!
//! `cargo bench -p rvmaf-benches --bench motion` (add a filter such as `motion/frame`); thread
//! CPU time by default, wall-clock time with `RVMAF_BENCH_WALL=1`.

mod common;

use criterion::measurement::Measurement;
use criterion::{BenchmarkId, Criterion};

use rvmaf::cpu::available_levels;
use rvmaf::features::motion::{self, kernels::SadKernel};
use rvmaf::features::{self, FrameInput, FrameScores};
use rvmaf::frame::PlaneRef;
use rvmaf::FeatureDict;

fn bench<M: Measurement>(c: &mut Criterion<M>) {
    for bpc in [8u32, 10] {
        let [(prev, _), (cur, _)] = common::frames(bpc);
        for level in available_levels() {
            let id = |what: &str| {
                BenchmarkId::new(
                    format!("motion/{what}"),
                    format!("{}/{bpc}bit", level.as_str()),
                )
            };
            let mut g = c.benchmark_group(format!("motion-{}-{bpc}", level.as_str()));
            g.sample_size(20);
            g.warm_up_time(std::time::Duration::from_millis(300));
            g.measurement_time(std::time::Duration::from_secs(2));

            let mut k = SadKernel::new(level, common::W);
            g.bench_function(id("sad"), |b| {
                b.iter(|| match (prev.view().luma(), cur.view().luma()) {
                    (PlaneRef::U8(p), PlaneRef::U8(q)) => k.sad_u8(&p, &q, bpc),
                    (PlaneRef::U16(p), PlaneRef::U16(q)) => k.sad_u16(&p, &q, bpc),
                    _ => unreachable!(),
                })
            });

            let def = features::by_name("motion").unwrap();
            let o = def.parse_options(&FeatureDict::new()).unwrap();
            let mut ext = motion::create_at(&o, prev.geometry(), level).unwrap();
            g.bench_function(id("frame"), |b| {
                b.iter(|| {
                    let mut out = FrameScores::new();
                    ext.extract(
                        &FrameInput {
                            index: 1,
                            reference: cur.view(),
                            distorted: cur.view(),
                            prev_ref: Some(prev.view()),
                            prev_prev_ref: None,
                        },
                        &mut out,
                    )
                    .unwrap();
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
