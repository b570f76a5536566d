//! Float extractors ported with motion: `float_motion` and `float_adm`. Conformance with
//! libvmaf's `vmaf_float_v0.6.1` goldens over the whole corpus, plus synthetic edge cases.

#[allow(clippy::nonminimal_bool)] // in the shared helper, not ours
mod common;

use std::collections::BTreeMap;

use common::{corpus_pairs, load_golden, pair_paths, run_extractor, Golden};
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

/// Compares every frame of golden key `alias(key)` with our `key`.
fn compare(
    table: &mut BTreeMap<String, Row>,
    col: &Collector,
    key: &str,
    golden: &Golden,
    clip: &str,
    tol: f64,
) {
    let gkey = feature_alias(key);
    let row = table.entry(gkey.to_string()).or_default();
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
    }
}

fn print_table(title: &str, table: &BTreeMap<String, Row>) {
    println!("\n{title}");
    println!("{:<32} {:>7} {:>10}  worst", "feature", "frames", "max |Δ|");
    for (k, r) in table {
        println!("{k:<32} {:>7} {:>10.3e}  {}", r.frames, r.max, r.worst);
    }
}

/// Runs `name` over every corpus clip and compares `keys` with the float goldens.
fn conformance(name: &str, keys: &[&str], tol: f64) {
    let mut table = BTreeMap::new();
    let mut clips = 0;
    for (pair, dists) in corpus_pairs() {
        for dis in dists {
            clips += 1;
            let (r, d) = pair_paths(&pair, &dis);
            let clip = format!("{pair}/{dis}");
            let col = run_extractor(name, "", &r, &d)
                .unwrap_or_else(|e| panic!("{clip}: {name} failed: {e}"));
            let g = load_golden(&pair, &dis, "vmaf_float_v0.6.1");
            for k in keys {
                compare(&mut table, &col, k, &g, &clip, tol);
            }
        }
    }
    print_table(
        &format!("{name} vs libvmaf vmaf_float_v0.6.1 ({clips} clips)"),
        &table,
    );
}

#[test]
fn float_motion_conformance() {
    conformance(
        "float_motion",
        &[
            "VMAF_feature_motion_score",
            "VMAF_feature_motion2_score",
            "VMAF_feature_motion3_score",
        ],
        1e-5,
    );
}

#[test]
fn float_adm_conformance() {
    conformance(
        "float_adm",
        &[
            "VMAF_feature_adm2_score",
            "VMAF_feature_aim_score",
            "VMAF_feature_adm3_score",
            "VMAF_feature_adm_scale0_score",
            "VMAF_feature_adm_scale1_score",
            "VMAF_feature_adm_scale2_score",
            "VMAF_feature_adm_scale3_score",
        ],
        1e-5,
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

fn create(name: &str, opts: &str, g: Geometry) -> rvmaf::Result<Box<dyn features::Extractor>> {
    let def = features::by_name(name)?;
    let o = def.parse_options(&FeatureDict::parse_colon_list(opts)?)?;
    (def.create)(&o, g)
}

/// Runs extractor `name` over `refs`/`dists` in order and flushes.
fn run_pics(
    name: &str,
    opts: &str,
    refs: &[Picture],
    dists: &[Picture],
) -> rvmaf::Result<Collector> {
    let mut ext = create(name, opts, refs[0].geometry())?;
    let mut col = Collector::new();
    for (i, (r, d)) in refs.iter().zip(dists).enumerate() {
        let input = FrameInput {
            index: i,
            reference: r.view(),
            distorted: d.view(),
            prev_ref: None,
            prev_prev_ref: None,
        };
        let mut out = FrameScores::new();
        ext.extract(&input, &mut out)?;
        for (k, v) in out.entries() {
            col.append(k, i, *v)?;
        }
        for (k, at, v) in out.earlier_entries() {
            col.append(k, *at, *v)?;
        }
    }
    ext.flush(&mut col)?;
    Ok(col)
}

fn flat(g: Geometry, v: u16) -> Picture {
    let mut p = Picture::new(g).unwrap();
    for c in 0..3 {
        p.fill_plane(c, v);
    }
    p
}

#[test]
fn float_motion_options_and_edges() {
    for bad in [
        "motion_filter_size=10",
        "motion_blend_factor=2",
        "motion_max_val=-1",
        "debug=yes",
    ] {
        assert!(
            create("float_motion", bad, geometry(16, 16, 8)).is_err(),
            "{bad}"
        );
    }
    let e = create("float_motion", "", geometry(2, 16, 8))
        .err()
        .unwrap();
    assert!(e.to_string().contains("too small"), "{e}");
    assert!(create("float_motion", "", geometry(16, 16, 9)).is_err());
    let g400 = Geometry {
        format: PixelFormat::Yuv400,
        ..geometry(16, 16, 8)
    };
    assert!(create("float_motion", "motion_add_uv=true", g400).is_err());

    // identical frames: every score is 0, motion3 of frame 0 included
    for bpc in [8, 10, 12, 16] {
        let g = geometry(9, 7, bpc);
        let pics: Vec<Picture> = (0..3)
            .map(|_| flat(g, ((1u32 << bpc) - 1) as u16))
            .collect();
        let col = run_pics("float_motion", "", &pics, &pics).unwrap();
        for i in 0..3 {
            for k in ["motion", "motion2", "motion3"] {
                let key = rvmaf::options::feature_unalias(k);
                assert_eq!(col.get(key, i), Some(0.0), "{k} {i} bpc {bpc}");
            }
        }
    }
    // one frame: motion2 0 from extract, motion3 0 from flush
    let g = geometry(8, 8, 8);
    let col = run_pics("float_motion", "", &[flat(g, 5)], &[flat(g, 5)]).unwrap();
    assert_eq!(col.get("VMAF_feature_motion2_score", 0), Some(0.0));
    assert_eq!(col.get("VMAF_feature_motion3_score", 0), Some(0.0));
    // force_zero: zeros at every frame, written per frame, suffixed names
    let pics = [flat(g, 16), flat(g, 32), flat(g, 32)];
    let col = run_pics("float_motion", "motion_force_zero=true", &pics, &pics).unwrap();
    for i in 0..3 {
        assert_eq!(col.get("motion2_force_0", i), Some(0.0));
        assert_eq!(col.get("motion3_force_0", i), Some(0.0));
    }
    // identity filter: motion of a flat step of 16 is exactly 16 per plane
    let pics = [flat(g, 16), flat(g, 32), flat(g, 32)];
    let col = run_pics("float_motion", "motion_filter_size=1", &pics, &pics).unwrap();
    assert_eq!(col.get("motion_mfs_1", 1), Some(16.0));
    assert_eq!(col.get("motion2_mfs_1", 1), Some(0.0));
    assert_eq!(col.get("motion3_mfs_1", 0), Some(16.0));
    let col = run_pics(
        "float_motion",
        "motion_filter_size=1:motion_add_uv=true",
        &pics,
        &pics,
    )
    .unwrap();
    assert_eq!(col.get("motion_mau_mfs_1", 1), Some(48.0));
    let col = run_pics(
        "float_motion",
        "motion_filter_size=1:motion_add_scale1=true",
        &pics,
        &pics,
    )
    .unwrap();
    let m = col.get("motion_mdc_mfs_1", 1).unwrap();
    assert!((m - 32.0).abs() < 1e-4, "{m}");
    // frames out of order are refused
    let mut ext = create("float_motion", "", g).unwrap();
    let p = flat(g, 1);
    let input = FrameInput {
        index: 1,
        reference: p.view(),
        distorted: p.view(),
        prev_ref: None,
        prev_prev_ref: None,
    };
    assert!(ext.extract(&input, &mut FrameScores::new()).is_err());
}

#[test]
fn float_adm_options_and_edges() {
    for bad in [
        "adm_enhn_gain_limit=0.5",
        "adm_csf_mode=10",
        "adm_skip_aim_scale=4",
        "adm_p_norm=0",
        "adm_bypass_cm=2",
    ] {
        assert!(
            create("float_adm", bad, geometry(32, 32, 8)).is_err(),
            "{bad}"
        );
    }
    for (w, h) in [(16, 64), (64, 16), (1, 1)] {
        let e = create("float_adm", "", geometry(w, h, 8))
            .err()
            .expect("refused");
        assert!(e.to_string().contains("too small"), "{e}");
    }
    assert!(create("float_adm", "", geometry(17, 17, 8)).is_ok());
    assert!(create("float_adm", "", geometry(32, 32, 11)).is_err());

    // Flat identical pictures: every band is zero, so numerator and denominator are both the
    // noise floor: adm2 = 1, aim = 0, adm3 = 1, every scale 1 -- what libvmaf writes for the
    // corpus' all-black clip (asserted against its golden below), at every depth.
    for bpc in [8, 10, 12, 16] {
        let g = geometry(40, 36, bpc);
        let p = [flat(g, ((1u32 << bpc) - 1) as u16)];
        let col = run_pics("float_adm", "debug=true", &p, &p).unwrap();
        let v = |k: &str| col.get(rvmaf::options::feature_unalias(k), 0).unwrap();
        assert_eq!(v("adm2"), 1.0, "bpc {bpc}");
        assert_eq!(v("aim"), 0.0);
        assert_eq!(v("adm3"), 1.0);
        for s in 0..4 {
            assert_eq!(v(&format!("adm_scale{s}")), 1.0);
        }
        assert_eq!(v("adm"), 1.0);
        assert_eq!(v("adm_num"), v("adm_den"));
    }
    let g = load_golden("black", "x264_crf35", "vmaf_float_v0.6.1");
    for f in &g.frames {
        assert_eq!(f["adm2"], Some(1.0));
        assert_eq!(f["aim"], Some(0.0));
        assert_eq!(f["adm3"], Some(1.0));
    }

    // Non-default options: suffixed names, every CSF mode and the skips run and stay finite.
    let (r, d) = pair_paths("dune_pan", "x264_crf35");
    for opts in [
        "adm_csf_mode=1",
        "adm_csf_mode=2",
        "adm_p_norm=2:adm_bypass_cm=1",
        "adm_skip_scale0=true:adm_skip_aim_scale=1",
        "adm_adm3_apply_hm=true:adm_min_val=0.5:adm_f1s0=0.5:adm_f2s3=2",
    ] {
        let col = run_extractor("float_adm", opts, &r, &d).unwrap();
        let def = features::by_name("float_adm").unwrap();
        let o = def
            .parse_options(&FeatureDict::parse_colon_list(opts).unwrap())
            .unwrap();
        let names = features::output_names(def, &o);
        assert!(names[0].starts_with("adm2_"), "{}", names[0]);
        for n in &names[..7] {
            for i in 0..col.frame_count() {
                let v = col
                    .get(n, i)
                    .unwrap_or_else(|| panic!("{opts}: {n} missing"));
                assert!(v.is_finite(), "{opts}: {n} = {v}");
            }
        }
    }
    // debug outputs on a real clip: num/den reproduce adm2 and the per-scale ratios
    let col = run_extractor("float_adm", "debug=true", &r, &d).unwrap();
    let g = load_golden("dune_pan", "x264_crf35", "vmaf_float_v0.6.1");
    for (i, f) in g.frames.iter().enumerate() {
        let num = col.get("adm_num", i).unwrap();
        let den = col.get("adm_den", i).unwrap();
        assert_eq!(Some(num / den), f["adm2"]);
        assert_eq!(col.get("adm", i), f["adm2"]);
        for s in 0..4 {
            let n = col.get(&format!("adm_num_scale{s}"), i).unwrap();
            let dd = col.get(&format!("adm_den_scale{s}"), i).unwrap();
            assert_eq!(Some(n / dd), f[&format!("adm_scale{s}")]);
        }
    }
}
