//! Integer motion (`motion`): conformance with libvmaf's goldens over the whole corpus, plus
//! edge cases on synthetic pictures.

#[allow(clippy::nonminimal_bool)] // in the shared helper, not ours
mod common;

use std::collections::BTreeMap;

use common::{corpus_dir, corpus_pairs, load_golden, pair_paths, run_extractor, Golden};
use rvmaf::features::{self, FrameInput, FrameScores};
use rvmaf::options::feature_alias;
use rvmaf::{Collector, FeatureDict, Geometry, Picture, PixelFormat};

/// Worst deviation of one feature over the corpus.
#[derive(Default)]
struct Row {
    frames: usize,
    max: f64,
    worst: String,
}

/// Compares every frame of golden key `alias(key)` with our `key`; every golden frame must
/// carry the key. Returns the number of frames compared.
fn compare(
    table: &mut BTreeMap<String, Row>,
    label: &str,
    col: &Collector,
    key: &str,
    golden: &Golden,
    clip: &str,
    tol: f64,
) -> usize {
    let gkey = feature_alias(key);
    let row = table.entry(format!("{label} {gkey}")).or_default();
    let mut n = 0;
    for (i, f) in golden.frames.iter().enumerate() {
        let g = f
            .get(gkey)
            .unwrap_or_else(|| panic!("{clip}: golden frame {i} lacks {gkey}"))
            .unwrap_or_else(|| panic!("{clip}: golden {gkey} frame {i} is null"));
        let o = col
            .get(key, i)
            .unwrap_or_else(|| panic!("{clip}: we did not write {key} at frame {i}"));
        let d = (g - o).abs();
        assert!(
            d <= tol,
            "{clip} {key} frame {i}: ours {o:.17} golden {g:.17} (|Δ| {d:e})"
        );
        if d > row.max || row.worst.is_empty() {
            row.max = row.max.max(d);
            row.worst = format!("{clip} #{i}");
        }
        row.frames += 1;
        n += 1;
    }
    n
}

fn print_table(title: &str, table: &BTreeMap<String, Row>) {
    println!("\n{title}");
    println!("{:<72} {:>7} {:>10}  worst", "feature", "frames", "max |Δ|");
    for (k, r) in table {
        println!("{k:<72} {:>7} {:>10.3e}  {}", r.frames, r.max, r.worst);
    }
}

/// (label, options, configs whose goldens carry the keys of these options)
const RUNS: &[(&str, &str, &[&str])] = &[
    (
        "v0",
        "",
        &[
            "vmaf_v0.6.1",
            "vmaf_4k_v0.6.1",
            "vmaf_v0.6.1neg",
            "vmaf_b_v0.6.3",
        ],
    ),
    (
        "v1",
        "motion_max_val=18",
        &[
            "vmaf_v1.0.16_3d0h",
            "vmaf_v1.0.16_5d0h",
            "vmaf_v1.0.16_1d5h_2160",
            "vmaf_v1.0.16_3d0h_2160",
        ],
    ),
    (
        "hfr",
        "motion_max_val=18:motion_five_frame_window=true:motion_moving_average=true",
        &["vmaf_v1.0.16_hfr_3d0h"],
    ),
];

#[test]
fn conformance_whole_corpus() {
    let mut table = BTreeMap::new();
    let mut clips = 0;
    for (pair, dists) in corpus_pairs() {
        for dis in dists {
            clips += 1;
            let (r, d) = pair_paths(&pair, &dis);
            let clip = format!("{pair}/{dis}");
            for (label, opts, configs) in RUNS {
                // debug also writes VMAF_integer_feature_motion_score; it never changes names.
                let dbg = if opts.is_empty() {
                    "debug=true".to_string()
                } else {
                    format!("{opts}:debug=true")
                };
                let col = run_extractor("motion", &dbg, &r, &d).expect("motion runs");
                let def = features::by_name("motion").unwrap();
                let o = def
                    .parse_options(&FeatureDict::parse_colon_list(opts).unwrap())
                    .unwrap();
                let names = features::output_names(def, &o);
                // debug output equals the SAD score on every frame
                for i in 0..col.frame_count() {
                    assert_eq!(col.get(&names[0], i), col.get(&names[1], i));
                }
                let mut compared = 0;
                for config in *configs {
                    let f = corpus_dir()
                        .join(&pair)
                        .join(format!("dis_{dis}.{config}.full.json"));
                    if !f.exists() {
                        continue; // libvmaf failed on this pair/config (recorded in the manifest)
                    }
                    let g = load_golden(&pair, &dis, config);
                    for k in [0, 2, 3] {
                        compared += compare(&mut table, label, &col, &names[k], &g, &clip, 0.0);
                    }
                }
                assert!(compared > 0, "{clip}: no golden for {label}");
            }
        }
    }
    print_table(
        &format!("integer motion vs libvmaf ({clips} clips)"),
        &table,
    );
}

fn geometry(w: usize, h: usize, bpc: u32) -> Geometry {
    Geometry {
        format: PixelFormat::Yuv420,
        bit_depth: bpc,
        width: w,
        height: h,
    }
}

fn create(opts: &str, g: Geometry) -> rvmaf::Result<Box<dyn features::Extractor>> {
    let def = features::by_name("motion")?;
    let o = def.parse_options(&FeatureDict::parse_colon_list(opts)?)?;
    (def.create)(&o, g)
}

/// Runs `motion` over `pics` (as references and distorted) and flushes.
fn run_pics(opts: &str, pics: &[Picture]) -> rvmaf::Result<Collector> {
    let mut ext = create(opts, pics[0].geometry())?;
    let mut col = Collector::new();
    for (i, p) in pics.iter().enumerate() {
        let input = FrameInput {
            index: i,
            reference: p.view(),
            distorted: p.view(),
            prev_ref: i.checked_sub(1).map(|j| pics[j].view()),
            prev_prev_ref: i.checked_sub(2).map(|j| pics[j].view()),
        };
        let mut out = FrameScores::new();
        ext.extract(&input, &mut out)?;
        for (k, v) in out.entries() {
            col.append(k, i, *v)?;
        }
    }
    ext.flush(&mut col)?;
    Ok(col)
}

fn flat(g: Geometry, v: u16) -> Picture {
    let mut p = Picture::new(g).unwrap();
    p.fill_plane(0, v);
    p
}

#[test]
fn too_small_is_a_clear_error() {
    for (w, h) in [(2, 8), (8, 2), (1, 1)] {
        let e = create("", geometry(w, h, 8)).err().expect("refused");
        let msg = e.to_string();
        assert!(msg.contains("too small"), "{msg}");
    }
    assert!(create("", geometry(3, 3, 8)).is_ok());
}

#[test]
fn option_validation() {
    for bad in [
        "motion_blend_factor=1.5",
        "motion_max_val=10001",
        "motion_fps_weight=-1",
        "motion_force_zero=1",
        "motion_blend_offset=abc",
        "no_such_option=1",
    ] {
        assert!(create(bad, geometry(8, 8, 8)).is_err(), "{bad} accepted");
    }
    let def = features::by_name("motion").unwrap();
    let o = def
        .parse_options(
            &FeatureDict::parse_colon_list(
                "motion_max_val=18:motion_five_frame_window=true:motion_moving_average=true",
            )
            .unwrap(),
        )
        .unwrap();
    // libvmaf's key, as printed in the hfr goldens
    assert_eq!(
        features::output_names(def, &o)[0].as_ref(),
        "VMAF_integer_feature_motion_sad_score_mffw_mmxv_18_mma"
    );
    let o = def
        .parse_options(
            &FeatureDict::parse_colon_list("motion_force_zero=true:motion_fps_weight=2.5").unwrap(),
        )
        .unwrap();
    assert_eq!(
        features::output_names(def, &o)[0].as_ref(),
        "VMAF_integer_feature_motion_sad_score_force_0_mfw_2.5"
    );
}

#[test]
fn identical_frames_give_zero() {
    for bpc in [8, 10, 12, 16] {
        let g = geometry(17, 9, bpc);
        let pics: Vec<Picture> = (0..4).map(|_| flat(g, 100)).collect();
        let col = run_pics("", &pics).unwrap();
        for i in 0..4 {
            assert_eq!(
                col.get("VMAF_integer_feature_motion_sad_score", i),
                Some(0.0)
            );
            assert_eq!(col.get("VMAF_integer_feature_motion2_score", i), Some(0.0));
            assert_eq!(col.get("VMAF_integer_feature_motion3_score", i), Some(0.0));
        }
    }
}

/// A flat step of `d` code values between two frames blurs to exactly `d` (taps sum to 2^16)
/// at every depth, scaled back to 8 bits: SAD score = d / 2^(bpc-8) for the whole plane.
#[test]
fn flat_step_at_every_depth_including_16_bit_max() {
    for bpc in [8u32, 10, 12, 16] {
        let g = geometry(16, 8, bpc);
        let max = ((1u32 << bpc) - 1) as u16;
        let pics = [flat(g, 0), flat(g, max), flat(g, max)];
        let col = run_pics("", &pics).unwrap();
        let s1 = col.get("VMAF_integer_feature_motion_sad_score", 1).unwrap();
        // 8-bit: blurred diff of 255 in Q8 is 255·256; depth > 8 rounds (max << 16) >> bpc
        let expect = match bpc {
            8 => 255.0,
            _ => ((((max as i64) << 16) + (1 << (bpc - 1))) >> bpc) as f64 / 256.0,
        };
        assert_eq!(s1, expect, "bpc {bpc}");
        assert_eq!(
            col.get("VMAF_integer_feature_motion_sad_score", 2),
            Some(0.0)
        );
        // motion2 = min(s[i], s[i+1]); motion3 frame 0 = s[1]
        assert_eq!(col.get("VMAF_integer_feature_motion2_score", 1), Some(0.0));
        assert_eq!(col.get("VMAF_integer_feature_motion3_score", 0), Some(s1));
    }
}

#[test]
fn force_zero_and_missing_previous() {
    let g = geometry(8, 8, 8);
    let pics = [flat(g, 0), flat(g, 200), flat(g, 10)];
    let col = run_pics("motion_force_zero=true", &pics).unwrap();
    for i in 0..3 {
        assert_eq!(
            col.get("VMAF_integer_feature_motion_sad_score_force_0", i),
            Some(0.0)
        );
        assert_eq!(col.get("integer_motion3_force_0", i), Some(0.0));
    }
    let mut ext = create("", g).unwrap();
    let input = FrameInput {
        index: 1,
        reference: pics[1].view(),
        distorted: pics[1].view(),
        prev_ref: None,
        prev_prev_ref: None,
    };
    assert!(ext.extract(&input, &mut FrameScores::new()).is_err());
}

#[test]
fn one_frame_flush() {
    let g = geometry(8, 8, 10);
    let col = run_pics("", &[flat(g, 3)]).unwrap();
    assert_eq!(col.get("VMAF_integer_feature_motion2_score", 0), Some(0.0));
    assert_eq!(col.get("VMAF_integer_feature_motion3_score", 0), Some(0.0));
}
