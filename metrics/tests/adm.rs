//! Integer ADM (`adm`) against libvmaf: the whole conformance corpus for every configuration
//! that carries ADM, plus edge cases (sizes, options, depths).

// (the shared helper module trips a clippy lint that is not ours to fix)
#[allow(clippy::nonminimal_bool)]
mod common;

use std::collections::BTreeMap;

use rvmaf::features::{self, FrameInput, FrameScores};
use rvmaf::options::feature_alias;
use rvmaf::{Error, FeatureDict, Geometry, Picture, PixelFormat};

/// Option sets of the golden configurations, and the configs whose goldens they reproduce.
/// The v1.0.16 option sets are the models' `feature_opts_dicts` (shared/models/vmaf_v1.0.16*).
const CONFIGS: &[(&str, &[&str])] = &[
    ("", &["vmaf_v0.6.1", "vmaf_4k_v0.6.1", "vmaf_b_v0.6.3"]),
    ("adm_enhn_gain_limit=1.0", &["vmaf_v0.6.1neg"]),
    (
        "adm_dlm_weight=0.7:adm_enhn_gain_limit=1.0:adm_noise_weight=0.02:\
         adm_norm_view_dist=3.0:adm_ref_display_height=1080:adm_min_val=0.5:adm_csf_mode=2",
        &["vmaf_v1.0.16_3d0h", "vmaf_v1.0.16_hfr_3d0h"],
    ),
    (
        "adm_dlm_weight=0.7:adm_enhn_gain_limit=1.0:adm_noise_weight=0.02:\
         adm_norm_view_dist=5.0:adm_ref_display_height=1080:adm_min_val=0.5:adm_csf_mode=2",
        &["vmaf_v1.0.16_5d0h"],
    ),
    (
        "adm_dlm_weight=0.7:adm_enhn_gain_limit=1.0:adm_noise_weight=0.02:\
         adm_norm_view_dist=1.5:adm_ref_display_height=2160:adm_min_val=0.5:adm_csf_mode=2",
        &["vmaf_v1.0.16_1d5h_2160"],
    ),
    (
        "adm_dlm_weight=0.7:adm_enhn_gain_limit=1.0:adm_noise_weight=0.02:\
         adm_norm_view_dist=3.0:adm_ref_display_height=2160:adm_min_val=0.5:adm_csf_mode=2",
        &["vmaf_v1.0.16_3d0h_2160"],
    ),
];

#[derive(Default)]
struct Stat {
    frames: usize,
    exact: usize,
    max: f64,
    worst: String,
}

fn golden_path(pair: &str, dis: &str, config: &str) -> std::path::PathBuf {
    common::corpus_dir()
        .join(pair)
        .join(format!("dis_{dis}.{config}.full.json"))
}

/// Per-frame metrics of a `.full.json` golden, each number parsed from its `%.17g` text with
/// Rust's correctly rounded `str::parse` (serde_json's default float parser can be one ulp off,
/// which would hide or fake last-bit differences).
fn exact_frames(pair: &str, dis: &str, config: &str) -> Vec<BTreeMap<String, f64>> {
    let text = std::fs::read_to_string(golden_path(pair, dis, config)).unwrap();
    let mut frames: Vec<BTreeMap<String, f64>> = Vec::new();
    for line in text.lines() {
        let t = line.trim().trim_end_matches(',');
        if t.starts_with("\"pooled_metrics\"") {
            break;
        }
        if t.starts_with("\"frameNum\"") {
            frames.push(BTreeMap::new());
            continue;
        }
        let (Some(f), Some((k, v))) = (frames.last_mut(), t.split_once("\": ")) else {
            continue;
        };
        if let Ok(x) = v.trim().parse::<f64>() {
            f.insert(k.trim_start_matches('"').to_string(), x);
        }
    }
    frames
}

#[test]
fn conformance_whole_corpus() {
    let mut stats: BTreeMap<String, Stat> = BTreeMap::new();
    let mut missing = Vec::new();
    for (pair, dists) in common::corpus_pairs() {
        for dis in &dists {
            let (r, d) = common::pair_paths(&pair, dis);
            for (opts, configs) in CONFIGS {
                let col = common::run_extractor("adm", opts, &r, &d)
                    .unwrap_or_else(|e| panic!("{pair}/{dis} [{opts}]: {e}"));
                for config in configs.iter() {
                    if !golden_path(&pair, dis, config).exists() {
                        // libvmaf itself failed on this pair (recorded in the manifest).
                        missing.push(format!("{pair}/{dis}.{config}"));
                        continue;
                    }
                    let golden = exact_frames(&pair, dis, config);
                    // cross-check the line parser against the JSON structure
                    assert_eq!(
                        golden.len(),
                        common::load_golden(&pair, dis, config).frames.len()
                    );
                    for key in col.names() {
                        let gkey = feature_alias(key);
                        let family = format!(
                            "{config}: {}",
                            gkey.split("_csf")
                                .next()
                                .unwrap()
                                .trim_end_matches("_egl_1")
                        );
                        let st = stats.entry(family).or_default();
                        for (i, f) in golden.iter().enumerate() {
                            let g = *f
                                .get(gkey)
                                .unwrap_or_else(|| panic!("{pair}/{dis}.{config}: no {gkey}"));
                            let o = col.get(key, i).expect("our value");
                            let delta = (g - o).abs();
                            st.frames += 1;
                            if g.to_bits() == o.to_bits() {
                                st.exact += 1;
                            }
                            if delta > st.max || st.worst.is_empty() {
                                st.max = st.max.max(delta);
                                st.worst = format!("{pair}/{dis}#{i}");
                            }
                        }
                        assert_eq!(
                            col.series(key).unwrap().len(),
                            golden.len(),
                            "{pair}/{dis}: frame count"
                        );
                    }
                }
            }
        }
    }
    println!(
        "{:<58} {:>6} {:>6} {:>10}  worst",
        "config: feature", "frames", "exact", "max|Δ|"
    );
    for (k, s) in &stats {
        println!(
            "{k:<58} {:>6} {:>6} {:>10.3e}  {}",
            s.frames, s.exact, s.max, s.worst
        );
    }
    println!("goldens libvmaf could not produce: {missing:?}");
    for (k, s) in &stats {
        assert!(s.max <= 1e-6, "{k}: max |Δ| {:e} at {}", s.max, s.worst);
        assert!(s.frames > 0, "{k}: nothing compared");
        // The port is bit-exact; keep it so (a 1e-6 bound alone would let a wrong rounding
        // constant through: one such slip moves adm2 by only 1.6e-6 on this corpus).
        assert_eq!(s.exact, s.frames, "{k}: not bit-exact (worst {})", s.worst);
    }
    // Every configuration that carries ADM was compared.
    for (_, configs) in CONFIGS {
        for c in configs.iter() {
            assert!(
                stats.keys().any(|k| k.starts_with(&format!("{c}: "))),
                "{c}"
            );
        }
    }
}

/// A synthetic picture: a smooth pattern plus a per-pixel hash, `max` the largest sample.
fn picture(w: usize, h: usize, bpc: u32, seed: u32, max: u32) -> Picture {
    let g = Geometry {
        format: PixelFormat::Yuv420,
        bit_depth: bpc,
        width: w,
        height: h,
    };
    let mut p = Picture::new(g).unwrap();
    let val = |x: usize, y: usize| -> u32 {
        let mut v = (x as u32)
            .wrapping_mul(2654435761)
            .wrapping_add((y as u32).wrapping_mul(40503))
            .wrapping_add(seed.wrapping_mul(97));
        v ^= v >> 13;
        let smooth = ((x * 7 + y * 3) % 256) as u32;
        ((smooth << (bpc - 8)) + (v % (4 << (bpc - 8)))).min(max)
    };
    if bpc == 8 {
        let d = p.plane_u8_mut(0).unwrap();
        for y in 0..h {
            for x in 0..w {
                d[y * w + x] = val(x, y) as u8;
            }
        }
    } else {
        let d = p.plane_u16_mut(0).unwrap();
        for y in 0..h {
            for x in 0..w {
                d[y * w + x] = val(x, y) as u16;
            }
        }
    }
    p
}

fn run_pictures(opts: &str, r: &Picture, d: &Picture) -> rvmaf::Result<FrameScores> {
    let def = features::by_name("adm")?;
    let o = def.parse_options(&FeatureDict::parse_colon_list(opts)?)?;
    let mut ext = (def.create)(&o, r.geometry())?;
    let mut out = FrameScores::new();
    ext.extract(
        &FrameInput {
            index: 0,
            reference: r.view(),
            distorted: d.view(),
            prev_ref: None,
            prev_prev_ref: None,
        },
        &mut out,
    )?;
    Ok(out)
}

fn value(out: &FrameScores, name: &str) -> f64 {
    out.entries()
        .iter()
        .find(|(k, _)| &**k == name)
        .unwrap_or_else(|| panic!("no {name}"))
        .1
}

#[test]
fn rejects_frames_too_small() {
    let def = features::by_name("adm").unwrap();
    let o = def.parse_options(&FeatureDict::new()).unwrap();
    for (w, h) in [(32, 64), (64, 32), (16, 16), (1, 1)] {
        let g = Geometry {
            format: PixelFormat::Yuv420,
            bit_depth: 8,
            width: w,
            height: h,
        };
        match (def.create)(&o, g) {
            Err(Error::Extraction { message, .. }) => assert!(message.contains("too small")),
            Err(e) => panic!("{w}x{h}: unexpected error {e}"),
            Ok(_) => panic!("{w}x{h} accepted"),
        }
    }
    // the smallest accepted size runs (every scale keeps 3 samples per line)
    let r = picture(33, 33, 8, 1, 255);
    let d = picture(33, 33, 8, 2, 255);
    let out = run_pictures("debug=true", &r, &d).unwrap();
    assert!(value(&out, "VMAF_integer_feature_adm2_score").is_finite());
}

#[test]
fn option_validation_and_names() {
    let def = features::by_name("adm").unwrap();
    let g = Geometry {
        format: PixelFormat::Yuv420,
        bit_depth: 8,
        width: 64,
        height: 64,
    };
    let parse = |s: &str| def.parse_options(&FeatureDict::parse_colon_list(s).unwrap());
    // out of libvmaf's ranges
    for bad in [
        "adm_enhn_gain_limit=0.5",
        "adm_norm_view_dist=0.5",
        "adm_ref_display_height=5000",
        "adm_csf_mode=4",
        "adm_dlm_weight=1.5",
        "adm_noise_weight=2000",
        "adm_min_val=-0.1",
        "adm_csf_scale=51",
        "adm_skip_aim=1",
    ] {
        assert!(parse(bad).is_err(), "{bad} accepted");
    }
    // nvd * rdh below 1080p at 3H (libvmaf's extract returns -EINVAL)
    for low in [
        "adm_norm_view_dist=2.9",
        "adm_ref_display_height=720",
        "adm_norm_view_dist=1.5",
    ] {
        let o = parse(low).unwrap();
        assert!(
            matches!((def.create)(&o, g), Err(Error::FeatureOption { .. })),
            "{low}"
        );
    }
    assert!((def.create)(
        &parse("adm_norm_view_dist=1.5:adm_ref_display_height=2160").unwrap(),
        g
    )
    .is_ok());
    // blend modes without a table (libvmaf would use -22.0 as the CSF weight)
    for mode in [2, 3] {
        let o = parse(&format!("adm_csf_mode={mode}:adm_norm_view_dist=4")).unwrap();
        match (def.create)(&o, g) {
            Err(Error::FeatureOption { message, .. }) => assert!(message.contains("table")),
            other => panic!("mode {mode}: {:?}", other.err()),
        }
        let o = parse(&format!(
            "adm_csf_mode={mode}:adm_norm_view_dist=5:adm_ref_display_height=720"
        ))
        .unwrap();
        assert!((def.create)(&o, g).is_ok());
    }
    // libvmaf's naming rule: FEATURE_PARAM options only, sorted by option name
    let o = parse(
        "adm_dlm_weight=0.7:adm_enhn_gain_limit=1.0:adm_noise_weight=0.02:adm_norm_view_dist=1.5:\
         adm_ref_display_height=2160:adm_min_val=0.5:adm_csf_mode=2:debug=true:adm_skip_aim=true",
    )
    .unwrap();
    let names = features::output_names(def, &o);
    assert_eq!(
        &*names[2],
        "integer_adm3_csf_2_dlmw_0.7_egl_1_min_0.5_nw_0.02_nvd_1.5_rdh_2160"
    );
    let o = parse("adm_skip_scale0=true:adm_csf_scale=0.5:adm_csf_diag_scale=2").unwrap();
    assert_eq!(
        &*features::output_names(def, &o)[3],
        "integer_adm_scale0_scfd_2_scf_0.5_ssz"
    );
    let o = parse("adm_skip_aim=true:debug=true").unwrap();
    assert_eq!(
        &*features::output_names(def, &o)[0],
        "VMAF_integer_feature_adm2_score"
    );
}

#[test]
fn identical_inputs_match_libvmaf() {
    // black/x264_crf35 is bit-identical to its reference: libvmaf reports adm2 = 1 exactly.
    let golden = exact_frames("black", "x264_crf35", "vmaf_v0.6.1");
    let (r, d) = common::pair_paths("black", "x264_crf35");
    let col = common::run_extractor("adm", "", &r, &d).unwrap();
    assert_eq!(golden.len(), 3);
    for (i, f) in golden.iter().enumerate() {
        assert_eq!(f["integer_adm2"], 1.0);
        for k in [
            "integer_adm2",
            "integer_aim",
            "integer_adm3",
            "integer_adm_scale0",
        ] {
            let g = f[k];
            let o = col.get(rvmaf::options::feature_unalias(k), i).unwrap();
            assert_eq!(g.to_bits(), o.to_bits(), "{k} frame {i}: {o} vs {g}");
        }
    }
}

#[test]
fn writes_debug_features_in_libvmaf_order() {
    let r = picture(96, 64, 10, 1, 1023);
    let d = picture(96, 64, 10, 2, 1023);
    let out = run_pictures("debug=true", &r, &d).unwrap();
    let names: Vec<&str> = out.entries().iter().map(|(k, _)| &**k).collect();
    let def = features::by_name("adm").unwrap();
    assert_eq!(names, def.provided.to_vec());
    let out = run_pictures("", &r, &d).unwrap();
    assert_eq!(out.entries().len(), 7);
}

#[test]
fn max_value_16_bit_does_not_panic() {
    for (rv, dv) in [(65535u32, 65535u32), (65535, 0), (0, 65535)] {
        let r = picture(80, 48, 16, 3, rv);
        let mut d = picture(80, 48, 16, 4, dv);
        if dv == 0 {
            d.fill_plane(0, 0);
        }
        let mut r2 = r.clone();
        r2.fill_plane(0, rv as u16);
        for (a, b) in [(&r, &d), (&r2, &d), (&r2, &r2)] {
            let out = run_pictures("debug=true", a, b).unwrap();
            assert_eq!(out.entries().len(), 18);
        }
    }
}
