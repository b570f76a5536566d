//! `psnr`: the sum-of-squared-errors kernel (luma plane) per CPU level and bit depth, on
//! synthetic 1920x1080 pictures (see `common`).
//!
//! `cargo bench -p rvmaf-benches --bench psnr`; thread CPU time by default, wall-clock time
//! with `RVMAF_BENCH_WALL=1`.

mod common;

use criterion::measurement::Measurement;
use criterion::{BenchmarkId, Criterion};

use rvmaf::cpu::available_levels;
use rvmaf::features::psnr::SseKernel;
use rvmaf::frame::PlaneRef;

fn bench<M: Measurement>(c: &mut Criterion<M>) {
    for bpc in [8u32, 10] {
        let [(reference, distorted), _] = common::frames(bpc);
        for level in available_levels() {
            let mut g = c.benchmark_group(format!("psnr-{}-{bpc}", level.as_str()));
            g.sample_size(20);
            g.warm_up_time(std::time::Duration::from_millis(300));
            g.measurement_time(std::time::Duration::from_secs(2));
            let k = SseKernel::new(level);
            let id = BenchmarkId::new("psnr/sse", format!("{}/{bpc}bit", level.as_str()));
            g.bench_function(id, |b| {
                b.iter(
                    || match (reference.view().luma(), distorted.view().luma()) {
                        (PlaneRef::U8(r), PlaneRef::U8(d)) => k.sse_u8(&r, &d),
                        (PlaneRef::U16(r), PlaneRef::U16(d)) => k.sse_u16(&r, &d),
                        _ => unreachable!(),
                    },
                )
            });
            g.finish();
        }
    }
}

fn main() {
    common::run(bench, bench);
}
