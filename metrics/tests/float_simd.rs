//! Float extractors with SIMD twins (`float_ssim`, `float_ms_ssim`, `float_vif`, `float_adm`,
//! `float_motion`): the whole extractor at every CPU level this machine runs against the
//! scalar level on the corpus clips, bit for bit (the kernels' own parity tests, every width,
//! tail and branch, are unit tests beside them).

mod common;
mod levels;

use common::{corpus_pairs, pair_paths, run_extractor};
use levels::{assert_identical, simd_levels};
use rvmaf::cpu::{set_cpu_level, CpuLevel};

#[test]
fn extractors_every_level_equal_scalar_on_corpus() {
    const RUNS: [(&str, &str); 14] = [
        ("float_ssim", "enable_lcs=true"),
        ("float_ssim", "scale=1"),
        ("float_ms_ssim", "enable_lcs=true"),
        ("float_vif", "debug=true"),
        ("float_vif", "vif_kernelscale=0.5:vif_enhn_gain_limit=1.0"),
        ("float_vif", "vif_skip_scale0=true:vif_sigma_nsq=0.5"),
        ("float_vif", "vif_prescale=0.5:vif_prescale_method=bicubic"),
        ("float_adm", "debug=true"),
        ("float_adm", "adm_enhn_gain_limit=1.0:adm_csf_mode=0"),
        ("float_adm", "adm_bypass_cm=1"),
        ("float_adm", "adm_p_norm=2.5:adm_noise_weight=0.0625"),
        ("float_motion", "debug=true"),
        ("float_motion", "motion_filter_size=3:motion_add_uv=true"),
        (
            "float_motion",
            "motion_add_scale1=true:motion_filter_size=1",
        ),
    ];
    // per run, how many clip pairs were compared: every run must compare somewhere
    let mut compared = [0usize; RUNS.len()];
    for (pair, distortions) in corpus_pairs() {
        let Some(dis) = distortions.first() else {
            continue;
        };
        let (r, d) = pair_paths(&pair, dis);
        for (n, &(name, opts)) in RUNS.iter().enumerate() {
            set_cpu_level(CpuLevel::Scalar);
            let Ok(want) = run_extractor(name, opts, &r, &d) else {
                // sizes the extractor refuses are refused at every level
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
                compared[n] += 1;
            }
        }
    }
    set_cpu_level(CpuLevel::Avx512);
    if !simd_levels().is_empty() {
        for (run, c) in RUNS.iter().zip(compared) {
            assert!(c > 0, "{run:?}: no clip compared");
        }
    }
}
