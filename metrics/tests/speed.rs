//! SpEED (`speed_chroma`, `speed_temporal`): conformance with libvmaf's v1.0.16 goldens over
//! the whole corpus, plus structural tests.
//!
//! `speed_chroma` feeds every v1.0.16 model; its options come from the model files
//! (`feature_opts_dicts`), so option normalisation and the naming rule are covered too.
//! `speed_temporal` has no golden: it runs the same SpEED core as `speed_chroma` (whose goldens
//! cover that math) and is tested structurally.

#[allow(clippy::nonminimal_bool)] // in the shared helpers, not ours
mod common;

use std::collections::BTreeMap;
use std::path::Path;

use rvmaf::features::speed::{
    SpeedChroma, SpeedTemporal, SpeedWarnings, SPEED_CHROMA, SPEED_TEMPORAL,
};
use rvmaf::features::{Extractor, FrameInput, FrameScores};
use rvmaf::io::open_video;
use rvmaf::{Error, FeatureDict, Geometry, Picture, PixelFormat};

const V1_CONFIGS: &[(&str, &str)] = &[
    ("vmaf_v1.0.16_3d0h", "vmaf_v1.0.16/vmaf_v1.0.16_3d0h.json"),
    ("vmaf_v1.0.16_5d0h", "vmaf_v1.0.16/vmaf_v1.0.16_5d0h.json"),
    (
        "vmaf_v1.0.16_1d5h_2160",
        "vmaf_v1.0.16/vmaf_v1.0.16_1d5h_2160.json",
    ),
    (
        "vmaf_v1.0.16_3d0h_2160",
        "vmaf_v1.0.16/vmaf_v1.0.16_3d0h_2160.json",
    ),
    (
        "vmaf_v1.0.16_hfr_3d0h",
        "vmaf_v1.0.16_hfr/vmaf_v1.0.16_hfr_3d0h.json",
    ),
];

fn models_dir() -> std::path::PathBuf {
    common::corpus_dir().join("../models")
}

fn manifest() -> serde_json::Value {
    let p = common::corpus_dir().join("manifest.json");
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

/// The speed_chroma options of a model file, as libvmaf's dictionary would hold them.
fn model_speed_options(model: &str) -> FeatureDict {
    let p = models_dir().join(model);
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
    let md = &v["model_dict"];
    let names = md["feature_names"].as_array().unwrap();
    let i = names
        .iter()
        .position(|n| n == "Speed_chroma_feature_speed_chroma_uv_score")
        .expect("model uses speed_chroma_uv");
    let mut d = FeatureDict::new();
    for (k, val) in md["feature_opts_dicts"][i].as_object().unwrap() {
        let text = match val {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        d.set(k, &text);
    }
    d
}

fn read_all(path: &Path) -> Vec<Picture> {
    let mut r = open_video(path, None).unwrap();
    let g = r.geometry();
    let mut out = Vec::new();
    loop {
        let mut p = Picture::new(g).unwrap();
        if !r.read_frame(&mut p).unwrap() {
            break;
        }
        out.push(p);
    }
    out
}

/// Runs `ext` over paired pictures in order; returns the per-frame (name, value) lists.
fn run(ext: &mut dyn Extractor, refs: &[Picture], dis: &[Picture]) -> Vec<Vec<(String, f64)>> {
    let mut frames = Vec::new();
    for (i, (r, d)) in refs.iter().zip(dis).enumerate() {
        let input = FrameInput {
            index: i,
            reference: r.view(),
            distorted: d.view(),
            prev_ref: None,
            prev_prev_ref: None,
        };
        let mut out = FrameScores::new();
        ext.extract(&input, &mut out).unwrap();
        frames.push(
            out.entries()
                .iter()
                .map(|(k, v)| (k.to_string(), *v))
                .collect(),
        );
    }
    frames
}

/// Copies an 8-bit picture into `bit_depth` bits (samples shifted left by `bit_depth - 8`).
fn widen(p: &Picture, bit_depth: u32) -> Picture {
    let g = p.geometry();
    let mut out = Picture::new(Geometry { bit_depth, ..g }).unwrap();
    let v = p.view();
    for plane in 0..g.format.num_planes() {
        let (w, h) = g.plane_size(plane);
        let dst = out.plane_u16_mut(plane).unwrap();
        for y in 0..h {
            for x in 0..w {
                dst[y * w + x] = (v.plane(plane).at(x, y) << (bit_depth - 8)) as u16;
            }
        }
    }
    out
}

#[derive(Default)]
struct Stat {
    frames: usize,
    max: f64,
    worst: String,
}

impl Stat {
    fn add(&mut self, d: f64, at: String) {
        self.frames += 1;
        if d > self.max {
            self.max = d;
            self.worst = at;
        }
    }
}

/// Every v1.0.16 golden on every pair: speed_chroma u, v and uv, every frame.
#[test]
fn conformance_speed_chroma_v1_goldens() {
    const TOL: f64 = 1e-5;
    let m = manifest();
    let mut stats: BTreeMap<String, Stat> = BTreeMap::new();
    let mut failures = Vec::new();
    let mut expected_errors = 0;
    for pair in m["pairs"].as_array().unwrap() {
        let name = pair["name"].as_str().unwrap();
        let mono = pair["chroma"] == "400";
        let comparable = common::chroma_comparable(name) || mono;
        let refs = read_all(&common::corpus_dir().join(name).join("ref.y4m"));
        for dist in pair["distortions"].as_array().unwrap() {
            let dname = dist["name"].as_str().unwrap();
            let (_, dpath) = common::pair_paths(name, dname);
            let dis = read_all(&dpath);
            // configs sharing an option set are computed once
            let mut cache: BTreeMap<String, Vec<Vec<(String, f64)>>> = BTreeMap::new();
            for &(config, model) in V1_CONFIGS {
                let golden_entry = &dist["goldens"][config];
                let dict = model_speed_options(model);
                let options = SPEED_CHROMA.parse_options(&dict).unwrap();
                let key = format!("{dict:?}");
                let created = SpeedChroma::new(&options, refs[0].geometry());
                if let Some(err) = golden_entry.get("error") {
                    // libvmaf aborted ("SpEED: image too small"): we must refuse at creation
                    let err = err.as_str().unwrap();
                    assert!(
                        err.contains("SpEED: image too small"),
                        "{name}/{dname} {config}: {err}"
                    );
                    match created {
                        Err(Error::Extraction { message, .. }) => {
                            assert!(message.contains("too small"), "{message}");
                            expected_errors += 1;
                        }
                        other => {
                            panic!("{name}/{dname} {config}: expected an error, got {other:?}")
                        }
                    }
                    continue;
                }
                let mut ext = created.unwrap_or_else(|e| panic!("{name}/{dname} {config}: {e}"));
                let ours = cache
                    .entry(key)
                    .or_insert_with(|| run(&mut ext, &refs, &dis))
                    .clone();
                if !comparable {
                    continue;
                }
                let golden = common::load_golden(name, dname, config);
                assert_eq!(
                    golden.frames.len(),
                    ours.len(),
                    "{name}/{dname} {config}: frame count"
                );
                for (i, (gf, of)) in golden.frames.iter().zip(&ours).enumerate() {
                    assert_eq!(of.len(), 3);
                    for (k, v) in of {
                        let g = gf
                            .get(k)
                            .unwrap_or_else(|| {
                                panic!("{name}/{dname} {config}: golden has no key {k}")
                            })
                            .unwrap_or_else(|| panic!("{k}: null golden"));
                        let d = (g - v).abs();
                        let short = k.split('_').take(3).collect::<Vec<_>>().join("_");
                        let feat = format!("{short} [{config}]");
                        stats
                            .entry(feat)
                            .or_default()
                            .add(d, format!("{name}/{dname}#{i}"));
                        if d > TOL {
                            failures.push(format!(
                                "{name}/{dname} {config} frame {i} {k}: ours {v:.17} golden {g:.17}"
                            ));
                        }
                    }
                }
            }
        }
    }
    println!(
        "\n{:<42} {:>7} {:>10}  worst clip#frame",
        "feature [config]", "frames", "max |Δ|"
    );
    for (k, s) in &stats {
        let worst = if s.worst.is_empty() { "-" } else { &s.worst };
        println!("{k:<42} {:>7} {:>10.3e}  {worst}", s.frames, s.max);
    }
    println!("expected 'image too small' errors matched: {expected_errors}");
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(expected_errors > 0);
    assert!(stats.values().map(|s| s.frames).sum::<usize>() > 1000);
}

fn chroma_opts(s: &str) -> rvmaf::options::Options {
    SPEED_CHROMA
        .parse_options(&FeatureDict::parse_colon_list(s).unwrap())
        .unwrap()
}

fn temporal_opts(s: &str) -> rvmaf::options::Options {
    SPEED_TEMPORAL
        .parse_options(&FeatureDict::parse_colon_list(s).unwrap())
        .unwrap()
}

const V1_OPTS: &str =
    "speed_nn_floor=0.1:speed_sigma_nn=0.19:speed_weight_var_mode=5:speed_max_val=45.0";

/// Golden values of sunset_1080p (the clip where SpEED is clearly non-zero), 3d0h options.
fn sunset() -> (Vec<Picture>, Vec<Picture>, common::Golden) {
    let (r, d) = common::pair_paths("sunset_1080p", "x264_crf35");
    (
        read_all(&r),
        read_all(&d),
        common::load_golden("sunset_1080p", "x264_crf35", "vmaf_v1.0.16_3d0h"),
    )
}

/// 10, 12 and 16-bit copies of 8-bit content (samples << (bpc-8)) are the same planes after
/// libvmaf's division: they must give the 8-bit golden exactly.
#[test]
fn high_bit_depths_reproduce_8bit_goldens() {
    let (r, d, golden) = sunset();
    for bpc in [10, 12, 16] {
        let rw: Vec<Picture> = r.iter().map(|p| widen(p, bpc)).collect();
        let dw: Vec<Picture> = d.iter().map(|p| widen(p, bpc)).collect();
        let mut ext = SpeedChroma::new(&chroma_opts(V1_OPTS), rw[0].geometry()).unwrap();
        let ours = run(&mut ext, &rw, &dw);
        for (gf, of) in golden.frames.iter().zip(&ours) {
            for (k, v) in of {
                let g = gf[k].unwrap();
                assert_eq!(g, *v, "{bpc}-bit {k}");
            }
        }
        assert!(ext.warnings().is_empty());
    }
}

/// Mono input: neutral chroma, as libvmaf scores a mono clip read as 4:2:0 with chroma 128:
/// zero scores and 4 singular covariances per frame.
#[test]
fn mono_is_neutral_chroma() {
    let (r, d) = common::pair_paths("camera_gray", "x264_gray_crf35");
    let (r, d) = (read_all(&r), read_all(&d));
    assert_eq!(r[0].geometry().format, PixelFormat::Yuv400);
    let golden = common::load_golden("camera_gray", "x264_gray_crf35", "vmaf_v1.0.16_3d0h");
    let mut ext = SpeedChroma::new(&chroma_opts(V1_OPTS), r[0].geometry()).unwrap();
    let ours = run(&mut ext, &r, &d);
    for (gf, of) in golden.frames.iter().zip(&ours) {
        for (k, v) in of {
            assert_eq!(gf[k].unwrap(), *v, "{k}");
        }
    }
    let w = ext.warnings();
    assert_eq!(w.singular_covariance, 4 * r.len() as u64);
    assert_eq!(w.frames_with_singular, r.len() as u64);
    assert_eq!(w.first_singular_frame, Some(0));
    // the same numbers on 10-bit mono
    let r10: Vec<Picture> = r.iter().map(|p| widen(p, 10)).collect();
    let d10: Vec<Picture> = d.iter().map(|p| widen(p, 10)).collect();
    let mut ext = SpeedChroma::new(&chroma_opts(V1_OPTS), r10[0].geometry()).unwrap();
    for (gf, of) in golden.frames.iter().zip(&run(&mut ext, &r10, &d10)) {
        for (k, v) in of {
            assert_eq!(gf[k].unwrap(), *v, "{k}");
        }
    }
}

/// Flat chroma (flat_gray): every covariance singular, scores 0 as in the golden, and the
/// warnings are counted (libvmaf logs 4 per frame).
#[test]
fn flat_chroma_counts_singular_warnings() {
    let (r, d) = common::pair_paths("flat_gray", "noise_ff_a6");
    let (r, d) = (read_all(&r), read_all(&d));
    let golden = common::load_golden("flat_gray", "noise_ff_a6", "vmaf_v1.0.16_3d0h");
    let mut ext = SpeedChroma::new(&chroma_opts(V1_OPTS), r[0].geometry()).unwrap();
    let ours = run(&mut ext, &r, &d);
    for (gf, of) in golden.frames.iter().zip(&ours) {
        for (k, v) in of {
            assert_eq!(gf[k].unwrap(), *v, "{k}");
        }
    }
    let w: SpeedWarnings = ext.warnings();
    assert!(w.singular_covariance > 0);
    assert!(w.to_string().contains("singular"));
}

/// Identical inputs: exactly 0 with the default weighting (mode 0). Mode 5 (v1 models) weighs
/// the distorted entropy with `log2(1 + 0.75 S + 0.25 S)` in f64 against the reference's
/// `log2(1 + S)` with the sum in f32, so libvmaf's score of identical inputs is tiny, not 0.
#[test]
fn identical_inputs_score_zero() {
    let (r, _, _) = sunset();
    let mut ext = SpeedChroma::new(&chroma_opts(""), r[0].geometry()).unwrap();
    for f in run(&mut ext, &r, &r) {
        for (k, v) in f {
            assert_eq!(v, 0.0, "{k}");
        }
    }
    let mut ext = SpeedChroma::new(&chroma_opts(V1_OPTS), r[0].geometry()).unwrap();
    for f in run(&mut ext, &r, &r) {
        for (k, v) in f {
            assert!(v.abs() < 1e-4, "{k}: {v}");
        }
    }
    let mut ext = SpeedTemporal::new(&temporal_opts(""), r[0].geometry()).unwrap();
    for f in run(&mut ext, &r, &r) {
        assert_eq!(
            f,
            vec![(
                "Speed_temporal_feature_speed_temporal_score".to_string(),
                0.0
            )]
        );
    }
    assert!(ext.warnings().is_empty());
}

#[test]
fn option_table_and_names() {
    let o = chroma_opts("");
    assert_eq!(o.double("speed_kernelscale"), 1.0);
    assert_eq!(o.double("speed_prescale"), 1.0);
    assert_eq!(o.string("speed_prescale_method"), "nearest");
    assert_eq!(o.double("speed_sigma_nn"), 0.29);
    assert_eq!(o.double("speed_nn_floor"), 0.0);
    assert_eq!(o.double("speed_max_val"), 1000.0);
    assert_eq!(o.int("speed_weight_var_mode"), 0);
    let names = rvmaf::features::output_names(&SPEED_CHROMA, &o);
    assert_eq!(&*names[2], "Speed_chroma_feature_speed_chroma_uv_score");
    // the key libvmaf writes for the 5d0h model (see its golden)
    let o = SPEED_CHROMA
        .parse_options(&model_speed_options("vmaf_v1.0.16/vmaf_v1.0.16_5d0h.json"))
        .unwrap();
    let names = rvmaf::features::output_names(&SPEED_CHROMA, &o);
    assert_eq!(
        &*names[2],
        "speed_chroma_uv_mxv_45_nnf_0.1_ps_0.6_psm_bilinear_snn_0.19_wvm_5"
    );
    let t = temporal_opts("speed_use_ref_diff=true:speed_kernelscale=0.5");
    let names = rvmaf::features::output_names(&SPEED_TEMPORAL, &t);
    assert_eq!(&*names[0], "speed_temporal_ks_0.5_urd");
    // out-of-range and wrong-type values are refused by the option parser
    for bad in [
        "speed_kernelscale=5",
        "speed_prescale=0.05",
        "speed_sigma_nn=3",
        "speed_nn_floor=1.5",
        "speed_max_val=2000",
        "speed_weight_var_mode=7",
    ] {
        assert!(
            SPEED_CHROMA
                .parse_options(&FeatureDict::parse_colon_list(bad).unwrap())
                .is_err(),
            "{bad}"
        );
    }
    assert!(SPEED_TEMPORAL
        .parse_options(&FeatureDict::parse_colon_list("speed_weight_var_mode=1").unwrap())
        .is_err());
    assert!(SPEED_TEMPORAL
        .parse_options(&FeatureDict::parse_colon_list("speed_use_ref_diff=1").unwrap())
        .is_err());
}

fn geometry(format: PixelFormat, bit_depth: u32, width: usize, height: usize) -> Geometry {
    Geometry {
        format,
        bit_depth,
        width,
        height,
    }
}

/// Values libvmaf accepts in range but then crashes on are clear errors here.
#[test]
fn invalid_kernelscale_and_method_are_errors() {
    let g = geometry(PixelFormat::Yuv420, 8, 576, 324);
    for (opts, what) in [
        ("speed_kernelscale=1.2", "speed_kernelscale"),
        ("speed_kernelscale=0.1", "speed_kernelscale"),
        ("speed_prescale_method=area", "speed_prescale_method"),
        ("speed_prescale_method=Bilinear", "speed_prescale_method"),
    ] {
        match SpeedChroma::new(&chroma_opts(opts), g) {
            Err(Error::FeatureOption { message, .. }) => {
                assert!(message.contains(what), "{message}")
            }
            other => panic!("{opts}: {other:?}"),
        }
        let t = SPEED_TEMPORAL
            .parse_options(&FeatureDict::parse_colon_list(opts).unwrap())
            .unwrap();
        assert!(SpeedTemporal::new(&t, g).is_err(), "{opts}");
    }
    // every listed kernel scale and method is accepted
    for ks in [
        "1", "0.5", "1.5", "2", "0.666667", "2.4", "3.71134", "1.33333", "3", "0.444444", "1.4746",
        "0.74074",
    ] {
        assert!(
            SpeedChroma::new(&chroma_opts(&format!("speed_kernelscale={ks}")), g).is_ok(),
            "{ks}"
        );
    }
    for m in ["nearest", "bilinear", "bicubic", "lanczos4"] {
        let o = chroma_opts(&format!("speed_prescale=0.7:speed_prescale_method={m}"));
        assert!(SpeedChroma::new(&o, g).is_ok(), "{m}");
    }
}

/// Operating size (plane side * prescale >> 4, in 5-sample blocks) below 5: libvmaf logs
/// "image too small" and crashes; we refuse at creation.
#[test]
fn too_small_is_an_error() {
    let cases = [
        (geometry(PixelFormat::Yuv420, 8, 64, 64), "", false),
        (geometry(PixelFormat::Yuv420, 8, 158, 200), "", false),
        (geometry(PixelFormat::Yuv420, 8, 160, 160), "", true),
        (geometry(PixelFormat::Yuv444, 8, 80, 80), "", true),
        (geometry(PixelFormat::Yuv422, 8, 160, 80), "", true),
        // ceil chroma: 159 → 80 columns (libvmaf's floor would give 79)
        (geometry(PixelFormat::Yuv422, 8, 159, 80), "", true),
        (geometry(PixelFormat::Yuv422, 8, 157, 80), "", false),
        (geometry(PixelFormat::Yuv400, 8, 160, 160), "", true),
        (geometry(PixelFormat::Yuv400, 8, 158, 160), "", false),
        (
            geometry(PixelFormat::Yuv420, 8, 320, 320),
            "speed_prescale=0.5",
            true,
        ),
        (
            geometry(PixelFormat::Yuv420, 8, 318, 320),
            "speed_prescale=0.5",
            true,
        ),
        (
            geometry(PixelFormat::Yuv420, 8, 314, 320),
            "speed_prescale=0.5",
            false,
        ),
        (
            geometry(PixelFormat::Yuv420, 8, 40, 40),
            "speed_prescale=4",
            true,
        ),
    ];
    for (g, opts, ok) in cases {
        let r = SpeedChroma::new(&chroma_opts(opts), g);
        assert_eq!(r.is_ok(), ok, "{g:?} {opts}: {r:?}");
        if let Err(e) = r {
            assert!(e.to_string().contains("too small"), "{e}");
        }
    }
    let t = temporal_opts("");
    assert!(SpeedTemporal::new(&t, geometry(PixelFormat::Yuv420, 8, 79, 200)).is_err());
    assert!(SpeedTemporal::new(&t, geometry(PixelFormat::Yuv420, 8, 80, 80)).is_ok());
    assert!(SpeedTemporal::new(&t, geometry(PixelFormat::Yuv400, 16, 80, 80)).is_ok());
}

/// A picture filled from `f(plane, x, y)`.
fn synth(g: Geometry, f: impl Fn(usize, usize, usize) -> u32) -> Picture {
    let mut p = Picture::new(g).unwrap();
    for plane in 0..g.format.num_planes() {
        let (w, h) = g.plane_size(plane);
        if g.bit_depth == 8 {
            let d = p.plane_u8_mut(plane).unwrap();
            for y in 0..h {
                for x in 0..w {
                    d[y * w + x] = f(plane, x, y) as u8;
                }
            }
        } else {
            let d = p.plane_u16_mut(plane).unwrap();
            for y in 0..h {
                for x in 0..w {
                    d[y * w + x] = f(plane, x, y) as u16;
                }
            }
        }
    }
    p
}

fn texture(seed: usize, x: usize, y: usize) -> u32 {
    let h = (x.wrapping_mul(2654435761) ^ y.wrapping_mul(40503) ^ seed.wrapping_mul(97)) % 1009;
    (((x * 3 + y * 5 + seed) % 64) + h % 61) as u32
}

/// Maximal 16-bit samples everywhere: flat planes, defined zero scores, warnings counted.
#[test]
fn max_value_16bit() {
    let g = geometry(PixelFormat::Yuv444, 16, 512, 512);
    let white = synth(g, |_, _, _| 65535);
    let tex = synth(g, |p, x, y| texture(p, x, y) << 8);
    let mut ext = SpeedChroma::new(&chroma_opts(""), g).unwrap();
    let out = run(
        &mut ext,
        &[white.clone(), tex.clone()],
        &[white.clone(), white.clone()],
    );
    assert!(out[0].iter().all(|(_, v)| *v == 0.0));
    // frame 1: the reference has texture, the distorted is flat → only the distorted side is
    // singular → libvmaf's rule: score 0 for the channel, uv imputed (both channels → mean 0)
    assert!(out[1].iter().all(|(_, v)| *v == 0.0), "{:?}", out[1]);
    assert_eq!(ext.warnings().singular_covariance, 4 + 2);
    let mut t = SpeedTemporal::new(&temporal_opts(""), g).unwrap();
    let out = run(
        &mut t,
        &[white.clone(), white.clone(), tex.clone()],
        &[white.clone(), white, tex],
    );
    assert!(out.iter().all(|f| f[0].1 == 0.0));
}

/// speed_temporal runs the same SpEED core as speed_chroma: the temporal score of the luma
/// sequence [X, 128] equals speed_chroma's score of a 4:4:4 picture whose U plane is X (same
/// options; wvm 0 and no clipping are the defaults).
#[test]
fn temporal_shares_the_chroma_core() {
    let g = geometry(PixelFormat::Yuv444, 8, 640, 480);
    let ref_x = synth(g, |_, x, y| texture(1, x, y) + 40);
    let dis_x = synth(g, |_, x, y| {
        (texture(1, x, y) + 40 + ((x / 3 + y / 2) % 5) as u32).min(255)
    });
    let flat = synth(g, |_, _, _| 128);
    for opts in [
        "",
        "speed_prescale=1.5:speed_prescale_method=bicubic",
        "speed_kernelscale=0.5:speed_sigma_nn=0.5",
    ] {
        let mut c = SpeedChroma::new(&chroma_opts(opts), g).unwrap();
        let chroma = run(
            &mut c,
            std::slice::from_ref(&ref_x),
            std::slice::from_ref(&dis_x),
        );
        let u = chroma[0][0].1;
        assert!(u > 0.0, "{opts}: {u}");
        let mut t = SpeedTemporal::new(&temporal_opts(opts), g).unwrap();
        let temporal = run(
            &mut t,
            &[ref_x.clone(), flat.clone()],
            &[dis_x.clone(), flat.clone()],
        );
        assert_eq!(temporal[0][0].1, 0.0);
        assert_eq!(temporal[1][0].1, u, "{opts}");
    }
}

/// speed_use_ref_diff: the distorted difference is taken against the reference frame, so with
/// a distorted equal to the reference the two modes agree, and otherwise they differ.
#[test]
fn temporal_use_ref_diff() {
    let g = geometry(PixelFormat::Yuv420, 8, 640, 480);
    let frames: Vec<Picture> = (0..3)
        .map(|n| synth(g, move |_, x, y| texture(n, x + 2 * n, y) + 60))
        .collect();
    let noisy: Vec<Picture> = (0..3)
        .map(|n| {
            synth(g, move |_, x, y| {
                texture(n, x + 2 * n, y) + 60 + ((x * y + n) % 7) as u32
            })
        })
        .collect();
    let mut plain = SpeedTemporal::new(&temporal_opts(""), g).unwrap();
    let mut urd = SpeedTemporal::new(&temporal_opts("speed_use_ref_diff=true"), g).unwrap();
    let a = run(&mut plain, &frames, &frames);
    let b = run(&mut urd, &frames, &frames);
    assert_eq!(b[1][0].0, "speed_temporal_urd");
    for (fa, fb) in a.iter().zip(&b) {
        assert_eq!(fa[0].1, fb[0].1);
    }
    let a = run(
        &mut SpeedTemporal::new(&temporal_opts(""), g).unwrap(),
        &frames,
        &noisy,
    );
    let b = run(&mut urd, &frames, &noisy);
    assert_eq!(a[0][0].1, 0.0);
    assert_eq!(b[0][0].1, 0.0);
    assert!(a[1][0].1 > 0.0 && b[1][0].1 > 0.0);
    assert_ne!(a[1][0].1, b[1][0].1);
}

/// Temporal frame 0 writes 0, and speed_max_val is not applied (libvmaf behaviour).
#[test]
fn temporal_frame0_and_no_clipping() {
    let (r, d, _) = sunset();
    let mut t = SpeedTemporal::new(&temporal_opts("speed_max_val=0"), r[0].geometry()).unwrap();
    let out = run(&mut t, &r, &d);
    assert_eq!(out[0][0], ("speed_temporal_mxv_0".to_string(), 0.0));
    assert!(out[1][0].1 > 0.0 && out[2][0].1 > 0.0);
    // and speed_chroma does clip
    let mut c = SpeedChroma::new(&chroma_opts("speed_max_val=1"), r[0].geometry()).unwrap();
    let out = run(&mut c, &r, &d);
    assert!(out.iter().flatten().all(|(_, v)| *v == 1.0));
}

/// The registry creates both, and a picture of another geometry is refused.
#[test]
fn registry_and_geometry_checks() {
    let g = geometry(PixelFormat::Yuv420, 8, 192, 160);
    let mut c = (SPEED_CHROMA.create)(&chroma_opts(""), g).unwrap();
    let other = synth(geometry(PixelFormat::Yuv420, 8, 208, 160), |_, _, _| 1);
    let input = FrameInput {
        index: 0,
        reference: other.view(),
        distorted: other.view(),
        prev_ref: None,
        prev_prev_ref: None,
    };
    assert!(c.extract(&input, &mut FrameScores::new()).is_err());
    assert!(SPEED_TEMPORAL.temporal && !SPEED_CHROMA.temporal);
    let mut t = (SPEED_TEMPORAL.create)(&temporal_opts(""), g).unwrap();
    assert!(t.extract(&input, &mut FrameScores::new()).is_err());
}

/// speed_temporal against numbers printed (at full precision) by libvmaf f85a853's scalar C
/// path for `--feature speed_temporal[=...]` on corpus pairs. The corpus has no
/// speed_temporal golden; these few values pin the temporal wiring (frame differences,
/// use_ref_diff, prescale, 12-bit input) to libvmaf.
#[test]
fn temporal_matches_libvmaf_values() {
    let cases: &[(&str, &str, &str, [f64; 3])] = &[
        (
            "sunset_1080p",
            "x264_crf35",
            "",
            [0.0, 13.14697551727295, 15.865386009216309],
        ),
        (
            "sunset_1080p",
            "x264_crf35",
            "speed_use_ref_diff=true",
            [0.0, 14.243949890136719, 16.693796157836914],
        ),
        (
            "sunset_1080p",
            "x264_crf35",
            "speed_prescale=0.5:speed_prescale_method=bilinear",
            [0.0, 10.321466445922852, 7.644519329071045],
        ),
        (
            "wine_12bit",
            "x265_12bit_crf32",
            "",
            [0.0, 5.650452136993408, 4.503488540649414],
        ),
        (
            "wine_12bit",
            "x265_12bit_crf32",
            "speed_use_ref_diff=true",
            [0.0, 12.689728736877441, 16.290264129638672],
        ),
    ];
    for &(pair, dis, opts, expected) in cases {
        let (r, d) = common::pair_paths(pair, dis);
        let (r, d) = (read_all(&r), read_all(&d));
        let mut t = SpeedTemporal::new(&temporal_opts(opts), r[0].geometry()).unwrap();
        let out = run(&mut t, &r, &d);
        let got: Vec<f64> = out.iter().map(|f| f[0].1).collect();
        assert_eq!(got, expected, "{pair}/{dis} {opts}");
    }
}
