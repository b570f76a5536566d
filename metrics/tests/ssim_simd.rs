//! `float_ssim` and `float_ms_ssim`: the whole extractors at every CPU level this machine runs
//! against the scalar level on the corpus clips, bit for bit (the AVX2 convolution's own
//! parity tests, every width and tail, are unit tests beside it in `ssim/avx2.rs`).

mod common;
mod levels;

use common::{corpus_pairs, pair_paths, run_extractor};
use levels::{assert_identical, simd_levels};
use rvmaf::cpu::{set_cpu_level, CpuLevel};

#[test]
fn extractors_every_level_equal_scalar_on_corpus() {
    let mut compared = 0;
    for (pair, distortions) in corpus_pairs() {
        let Some(dis) = distortions.first() else {
            continue;
        };
        let (r, d) = pair_paths(&pair, dis);
        for (name, opts) in [
            ("float_ssim", "enable_lcs=true"),
            ("float_ssim", "scale=1"),
            ("float_ms_ssim", "enable_lcs=true"),
        ] {
            set_cpu_level(CpuLevel::Scalar);
            let Ok(want) = run_extractor(name, opts, &r, &d) else {
                // sizes the extractor refuses (below its window) are refused at every level
                for level in simd_levels() {
                    set_cpu_level(level);
                    assert!(run_extractor(name, opts, &r, &d).is_err(), "{pair} {name}");
                }
                continue;
            };
            for level in simd_levels() {
                set_cpu_level(level);
                let got = run_extractor(name, opts, &r, &d).expect("simd run");
                assert_identical(
                    &want,
                    &got,
                    &format!("{pair}/{dis} {name} {opts} {level:?}"),
                );
                compared += 1;
            }
        }
    }
    set_cpu_level(CpuLevel::Avx512);
    if !simd_levels().is_empty() {
        assert!(compared > 0, "nothing compared");
    }
}
