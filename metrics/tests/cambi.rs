//! CAMBI conformance: every corpus clip against libvmaf's goldens (default options in
//! `vmaf_v0.6.1`, `full_ref=true` in `cambi_full_ref`, the v1.0.16 model options in every v1
//! config), option sets checked against a private libvmaf build (tests/data/cambi), the
//! single-input API against the extractor, and edge cases.
// tests/common (shared) trips clippy::nonminimal_bool in chroma_comparable.
#[allow(clippy::nonminimal_bool)]
mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::*;
use rvmaf::features::cambi::{self, CambiScorer};
use rvmaf::features::{self, FrameInput, FrameScores};
use rvmaf::io::open_video;
use rvmaf::{Collector, FeatureDict, Geometry, Picture, PictureView, PixelFormat, Plane, PlaneRef};

const BOUND: f64 = 1e-6;

/// Worst deviation of one (feature, config) over the corpus.
#[derive(Default)]
struct Stat {
    frames: usize,
    exact: usize,
    max: f64,
    worst: String,
}

#[derive(Default)]
struct Table(BTreeMap<(String, String), Stat>);

impl Table {
    fn compare(
        &mut self,
        col: &Collector,
        key: &str,
        golden: &Golden,
        gkey: &str,
        config: &str,
        clip: &str,
    ) {
        let st = self
            .0
            .entry((gkey.to_string(), config.to_string()))
            .or_default();
        let mut seen = 0;
        for (i, f) in golden.frames.iter().enumerate() {
            let g = f
                .get(gkey)
                .unwrap_or_else(|| panic!("{clip} {config}: golden lacks {gkey} at frame {i}"))
                .unwrap_or_else(|| panic!("{clip} {config}: golden {gkey} is null at frame {i}"));
            let o = col
                .get(key, i)
                .unwrap_or_else(|| panic!("{clip}: we wrote no {key} at frame {i}"));
            let d = (g - o).abs();
            st.frames += 1;
            seen += 1;
            if g.to_bits() == o.to_bits() {
                st.exact += 1;
            }
            if d > st.max || st.worst.is_empty() {
                if d > st.max {
                    st.max = d;
                }
                st.worst = format!("{clip} #{i}");
            }
        }
        assert!(seen > 0, "{clip} {config}: no frames");
        assert_eq!(
            col.series(key).map(|s| s.len()),
            Some(golden.frames.len()),
            "{clip}: frame count"
        );
    }

    fn print_and_check(&self, title: &str) {
        println!("\n{title}");
        println!(
            "{:<40} {:<24} {:>6} {:>6} {:>10}  worst",
            "feature", "config", "frames", "exact", "max |Δ|"
        );
        let mut bad = Vec::new();
        for ((f, c), s) in &self.0 {
            println!(
                "{f:<40} {c:<24} {:>6} {:>6} {:>10.3e}  {}",
                s.frames, s.exact, s.max, s.worst
            );
            if s.max > BOUND {
                bad.push(format!("{f} [{c}]: {:e} at {}", s.max, s.worst));
            }
        }
        assert!(bad.is_empty(), "beyond {BOUND:e}: {bad:?}");
    }
}

/// `k=v:k=v` options of the model's Cambi feature (numbers as their raw JSON text).
fn model_cambi_opts(model: &str) -> String {
    let p = corpus_dir().join("../models").join(model);
    let v: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display())),
    )
    .expect("model json");
    let m = &v["model_dict"];
    let names = m["feature_names"].as_array().expect("feature_names");
    let i = names
        .iter()
        .position(|n| n == "Cambi_feature_cambi_score")
        .expect("cambi in model");
    let opts = m["feature_opts_dicts"][i].as_object().expect("opts");
    opts.iter()
        .map(|(k, v)| match v {
            serde_json::Value::String(s) => format!("{k}={s}"),
            other => format!("{k}={other}"),
        })
        .collect::<Vec<_>>()
        .join(":")
}

const V1_CONFIGS: [(&str, &str); 5] = [
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

fn golden_exists(pair: &str, dis: &str, config: &str) -> bool {
    corpus_dir()
        .join(pair)
        .join(format!("dis_{dis}.{config}.full.json"))
        .exists()
}

fn output_key(opts: &str) -> String {
    let o = features::by_name("cambi")
        .unwrap()
        .parse_options(&FeatureDict::parse_colon_list(opts).unwrap())
        .unwrap();
    features::output_names(&cambi::DEF, &o)[0].to_string()
}

#[test]
fn corpus_conformance() {
    let mut table = Table::default();
    let mut clips = 0;
    // Options of the v1 models (the same for every v1 model; checked per model).
    let v1_opts: Vec<String> = V1_CONFIGS
        .iter()
        .map(|(_, m)| model_cambi_opts(m))
        .collect();
    for o in &v1_opts {
        assert_eq!(output_key(o), "cambi_hrs_1080_cmxv_17_vlt_0.06");
    }
    for (pair, dists) in corpus_pairs() {
        for dis in dists {
            let (r, d) = pair_paths(&pair, &dis);
            let clip = format!("{pair}/{dis}");
            clips += 1;
            // full_ref=true writes `cambi` (identical to the default run) plus the source scores.
            let col = run_extractor("cambi", "full_ref=true", &r, &d)
                .unwrap_or_else(|e| panic!("{clip}: {e}"));
            let g = load_golden(&pair, &dis, "cambi_full_ref");
            // Default options: we hold the raw name, libvmaf prints its alias `cambi`.
            let raw = "Cambi_feature_cambi_score";
            table.compare(&col, raw, &g, "cambi", "cambi_full_ref", &clip);
            for k in ["cambi_source", "cambi_full_reference"] {
                table.compare(&col, k, &g, k, "cambi_full_ref", &clip);
            }
            let g = load_golden(&pair, &dis, "vmaf_v0.6.1");
            table.compare(&col, raw, &g, "cambi", "vmaf_v0.6.1", &clip);
            // The plain (not full_ref) extractor gives the same `cambi`.
            let plain = run_extractor("cambi", "", &r, &d).unwrap();
            table.compare(&plain, raw, &g, "cambi", "vmaf_v0.6.1 (plain)", &clip);

            let mut last: Option<(String, Collector)> = None;
            for ((config, _), opts) in V1_CONFIGS.iter().zip(&v1_opts) {
                if !golden_exists(&pair, &dis, config) {
                    continue; // libvmaf aborted this config (SpEED on small frames)
                }
                if last.as_ref().map(|(o, _)| o != opts).unwrap_or(true) {
                    last = Some((opts.clone(), run_extractor("cambi", opts, &r, &d).unwrap()));
                }
                let col = &last.as_ref().unwrap().1;
                let key = output_key(opts);
                let g = load_golden(&pair, &dis, config);
                table.compare(col, &key, &g, &key, config, &clip);
            }
        }
    }
    println!("{clips} distorted clips");
    table.print_and_check("CAMBI vs libvmaf goldens (corpus)");
}

// ---------------------------------------------------------------------------------------------
// Option sets checked against a private libvmaf build (see tests/data/cambi/README.md)
// ---------------------------------------------------------------------------------------------

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/cambi")
}

/// Reads a whole Y4M clip into pictures.
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

/// The 16-bit copy of a clip used for the 16-bit golden: every sample `v` of depth `b`
/// becomes `(v << (16 - b)) | (v >> (2b - 16))` (bit replication), chroma likewise.
fn to_16bit(p: &Picture) -> Picture {
    let g = p.geometry();
    let g16 = Geometry { bit_depth: 16, ..g };
    let mut out = Picture::new(g16).unwrap();
    let b = g.bit_depth;
    let v = p.view();
    for pl in 0..g.format.num_planes() {
        let src = v.plane(pl);
        let (w, h) = (src.width(), src.height());
        let dst = out.plane_u16_mut(pl).unwrap();
        for y in 0..h {
            for x in 0..w {
                let s = src.at(x, y);
                dst[y * w + x] = ((s << (16 - b)) | (s >> (2 * b - 16))) as u16;
            }
        }
    }
    out
}

/// The synthetic 8-bit 4:2:0 picture of the goldens: luma `60 + (3x + y) / 400` (bands one
/// code value wide), chroma 128. At 6254 px wide, downscaling to 6195 makes libvmaf's
/// nearest-neighbour index reach column 6254, one past the last (its f32 position drifts): it
/// reads the row padding of its own picture (0).
fn synthetic_6254x400() -> Picture {
    let (w, h) = (6254usize, 400usize);
    let mut p = Picture::new(geometry(w, h, 8)).unwrap();
    let y = p.plane_u8_mut(0).unwrap();
    for r in 0..h {
        for c in 0..w {
            y[r * w + c] = (60 + (3 * c + r) / 400) as u8;
        }
    }
    p.fill_plane(1, 128);
    p.fill_plane(2, 128);
    p
}

/// Runs the extractor over in-memory pictures.
fn run_on(opts: &str, refs: &[Picture], dists: &[Picture]) -> rvmaf::Result<Collector> {
    let def = features::by_name("cambi")?;
    let options = def.parse_options(&FeatureDict::parse_colon_list(opts)?)?;
    let mut ext = (def.create)(&options, dists[0].geometry())?;
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
    }
    ext.flush(&mut col)?;
    Ok(col)
}

/// FNV-1a 64 of a file (heatmap goldens store it instead of the files).
fn fnv1a(path: &Path) -> (u64, u64) {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut h: u64 = 0xcbf29ce484222325;
    for b in &bytes {
        h ^= *b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    (h, bytes.len() as u64)
}

#[test]
fn option_sets_match_libvmaf() {
    let text = std::fs::read_to_string(data_dir().join("goldens.json")).expect("goldens.json");
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut table = Table::default();
    let mut cases = 0;
    for case in v["cases"].as_array().unwrap() {
        let pair = case["pair"].as_str().unwrap();
        let dis = case["dis"].as_str().unwrap();
        let opts = case["options"].as_str().unwrap();
        let input = case["input"].as_str().unwrap();
        let clip = format!("{pair}/{dis} ({input})");
        let mut opts = opts.to_string();
        let heat_dir = case.get("heatmaps").map(|_| {
            let dir = std::env::temp_dir().join(format!(
                "rvmaf_cambi_heatmaps_{}_{cases}",
                std::process::id()
            ));
            let _ = std::fs::remove_dir_all(&dir);
            opts = format!("{opts}:heatmaps_path={}", dir.display());
            dir
        });
        let col = match input {
            // libvmaf read 8-bit odd-size clips from raw copies with floor-size chroma; CAMBI
            // reads luma only, so the Y4M gives the same pictures.
            "y4m" | "rawfloor" => {
                let (r, d) = pair_paths(pair, dis);
                run_extractor("cambi", &opts, &r, &d)
            }
            "16bit" => {
                let (r, d) = pair_paths(pair, dis);
                let refs: Vec<Picture> = read_all(&r).iter().map(to_16bit).collect();
                let dists: Vec<Picture> = read_all(&d).iter().map(to_16bit).collect();
                run_on(&opts, &refs, &dists)
            }
            "synthetic" => {
                let p = synthetic_6254x400();
                run_on(&opts, std::slice::from_ref(&p), std::slice::from_ref(&p))
            }
            other => panic!("unknown input kind {other}"),
        }
        .unwrap_or_else(|e| panic!("{clip} [{opts}]: {e}"));
        let mut golden = Golden::default();
        let keys = case["keys"].as_object().unwrap();
        let n = keys.values().next().unwrap().as_array().unwrap().len();
        for i in 0..n {
            let mut m = BTreeMap::new();
            for (k, vals) in keys {
                m.insert(k.clone(), vals[i].as_f64());
            }
            golden.frames.push(m);
        }
        for k in keys.keys() {
            let ours = if k == "cambi" {
                "Cambi_feature_cambi_score"
            } else {
                k.as_str()
            };
            table.compare(
                &col,
                ours,
                &golden,
                k,
                case["options"].as_str().unwrap(),
                &clip,
            );
        }
        if let (Some(dir), Some(files)) = (heat_dir, case.get("heatmaps")) {
            for (name, fp) in files.as_object().unwrap() {
                let (h, len) = fnv1a(&dir.join(name));
                let want = (
                    u64::from_str_radix(fp["fnv1a64"].as_str().unwrap(), 16).unwrap(),
                    fp["bytes"].as_u64().unwrap(),
                );
                assert_eq!((h, len), want, "heatmap {name} differs from libvmaf's");
            }
            let pngs = std::fs::read_dir(&dir).unwrap().filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .ends_with(".png")
            });
            assert_eq!(pngs.count(), 5 * n, "one PNG per scale per frame");
            std::fs::remove_dir_all(&dir).unwrap();
        }
        cases += 1;
    }
    assert!(cases >= 10, "goldens.json has {cases} cases");
    table.print_and_check("CAMBI option sets vs a private libvmaf build");
}

// ---------------------------------------------------------------------------------------------
// Single-input API
// ---------------------------------------------------------------------------------------------

#[test]
fn single_input_equals_extractor() {
    for (pair, dis, opts) in [
        ("dune_pan", "x264_crf35", ""),
        (
            "sky_gradient_10bit",
            "posterize_8bit",
            "topk=0.2:window_size=33",
        ),
        (
            "sunset_1080p",
            "x264_crf35",
            "cambi_high_res_speedup=1080:cambi_max_val=17:cambi_vis_lum_threshold=0.06",
        ),
    ] {
        let (r, d) = pair_paths(pair, dis);
        let col = run_extractor("cambi", opts, &r, &d).unwrap();
        let key = output_key(opts);
        let pics = read_all(&d);
        let dict = FeatureDict::parse_colon_list(opts).unwrap();
        let mut scorer = CambiScorer::with_dict(&dict, pics[0].geometry()).unwrap();
        assert_eq!(scorer.feature_name(), key);
        let options = cambi::DEF.parse_options(&dict).unwrap();
        let all = cambi::cambi_scores(pics.iter().map(|p| p.view()), &options).unwrap();
        for (i, p) in pics.iter().enumerate() {
            let s = scorer.score(&p.view()).unwrap();
            let e = col.get(&key, i).unwrap();
            assert_eq!(s.to_bits(), e.to_bits(), "{pair}/{dis} frame {i}");
            assert_eq!(all[i].to_bits(), e.to_bits());
        }
        // A golden value, too: the scorer's first frame equals libvmaf's.
        if opts.is_empty() {
            let g = load_golden(pair, dis, "vmaf_v0.6.1");
            assert_eq!(all[0], g.frames[0]["cambi"].unwrap());
        }
    }
    let dict = FeatureDict::parse_colon_list("full_ref=true").unwrap();
    let g = Geometry {
        format: PixelFormat::Yuv420,
        bit_depth: 8,
        width: 320,
        height: 240,
    };
    assert!(
        CambiScorer::with_dict(&dict, g).is_err(),
        "full_ref needs a reference"
    );
    let options = cambi::DEF.parse_options(&FeatureDict::new()).unwrap();
    assert!(cambi::cambi_scores(std::iter::empty(), &options)
        .unwrap()
        .is_empty());
}

// ---------------------------------------------------------------------------------------------
// Edge cases
// ---------------------------------------------------------------------------------------------

fn geometry(w: usize, h: usize, bits: u32) -> Geometry {
    Geometry {
        format: PixelFormat::Yuv420,
        bit_depth: bits,
        width: w,
        height: h,
    }
}

fn create(opts: &str, g: Geometry) -> rvmaf::Result<Box<dyn features::Extractor>> {
    let def = features::by_name("cambi")?;
    let o = def.parse_options(&FeatureDict::parse_colon_list(opts)?)?;
    (def.create)(&o, g)
}

fn err_text<T>(r: rvmaf::Result<T>) -> String {
    match r {
        Ok(_) => panic!("expected an error"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn sizes_libvmaf_refuses() {
    // Both sides below 216 (the corpus notes libvmaf refuses 176x144).
    let e = err_text(create("", geometry(176, 144, 8)));
    assert!(e.contains("too small"), "{e}");
    assert!(create("", geometry(64, 64, 8)).is_err());
    assert!(create("", geometry(215, 215, 10)).is_err());
    // One side is enough.
    assert!(create("", geometry(216, 150, 8)).is_ok());
    assert!(create("", geometry(150, 216, 8)).is_ok());
    // Encoding size below the minimum.
    assert!(create("enc_width=200:enc_height=200", geometry(576, 324, 8)).is_err());
    // Source scaled differently per direction.
    let e = err_text(create(
        "src_width=640:src_height=300",
        geometry(576, 324, 8),
    ));
    assert!(e.contains("scaled the same way"), "{e}");
    // Window too large for the reciprocal table (4K window 127 -> adjusted 127).
    let e = err_text(create("window_size=127", geometry(3840, 2160, 8)));
    assert!(e.contains("too large"), "{e}");
    // The src window is checked even without full_ref, as libvmaf does.
    assert!(create("src_width=7680:src_height=4320", geometry(576, 324, 8)).is_err());
    // Too flat for the window: libvmaf would read before its buffers.
    let e = err_text(create("", geometry(3840, 216, 8)));
    assert!(e.contains("too flat"), "{e}");
}

#[test]
fn option_validation_and_names() {
    let def = features::by_name("cambi").unwrap();
    let parse = |s: &str| def.parse_options(&FeatureDict::parse_colon_list(s).unwrap());
    for bad in [
        "window_size=14",
        "window_size=128",
        "topk=0",
        "topk=1.5",
        "cambi_topk=0",
        "tvi_threshold=0",
        "max_log_contrast=6",
        "enc_bitdepth=5",
        "enc_bitdepth=17",
        "enc_width=179",
        "enc_height=149",
        "src_width=319",
        "src_height=4321",
        "cambi_max_val=1001",
        "cambi_vis_lum_threshold=301",
        "cambi_high_res_speedup=2161",
        "full_ref=1",
        "no_such_option=1",
    ] {
        assert!(parse(bad).is_err(), "{bad} should be refused");
    }
    // Unknown EOTF: parsed (strings are free-form) but refused at init.
    let e = err_text(create("eotf=srgb", geometry(576, 324, 8)));
    assert!(e.contains("EOTF"), "{e}");
    // Names (libvmaf-map.md §1.3 verified examples).
    assert_eq!(output_key(""), "Cambi_feature_cambi_score");
    assert_eq!(
        output_key("cambi_high_res_speedup=1080:cambi_max_val=17.0:cambi_vis_lum_threshold=0.06"),
        "cambi_hrs_1080_cmxv_17_vlt_0.06"
    );
    assert_eq!(
        output_key("cambi_high_res_speedup=1080:cambi_max_val=17:cambi_vis_lum_threshold=0.06:enc_bitdepth=8:enc_height=720:enc_width=1280"),
        "cambi_hrs_1080_cmxv_17_vlt_0.06_encbd_8_ench_720_encw_1280"
    );
    assert_eq!(
        output_key("eotf=pq:topk=0.2:window_size=33"),
        "cambi_eotf_pq_topk_0.2_ws_33"
    );
    // Non-param options do not change the name.
    assert_eq!(
        output_key("full_ref=true:heatmaps_path=/tmp/x"),
        "Cambi_feature_cambi_score"
    );
    // Precedence: topk wins over cambi_topk when it differs from 0.6; cambi_eotf over eotf.
    let s =
        |o: &str| cambi::CambiSettings::resolve(&parse(o).unwrap(), geometry(576, 324, 8)).unwrap();
    assert_eq!(s("topk=0.3:cambi_topk=0.9").topk, 0.3);
    assert_eq!(s("cambi_topk=0.9").topk, 0.9);
    assert_eq!(s("topk=0.6:cambi_topk=0.9").topk, 0.9);
    assert_eq!(s("eotf=pq").eotf, cambi::Eotf::Pq);
    assert_eq!(s("cambi_eotf=pq:eotf=bt1886").eotf, cambi::Eotf::Pq);
    assert_eq!(s("cambi_eotf=bt1886:eotf=pq").eotf, cambi::Eotf::Pq);
    // Derived settings (libvmaf-map.md §6.2): windows, enc size reset, hrs only when reached.
    assert_eq!(s("").window_size, 9);
    assert_eq!(s("enc_width=1280:enc_height=720").enc_width, 576);
    assert_eq!(s("").params.tvi_for_diff, [182, 309, 436, 563]);
    assert_eq!(s("eotf=pq").params.tvi_for_diff, [237, 1027, 1027, 1027]);
    assert_eq!(s("cambi_vis_lum_threshold=0.06").params.vlt_luma, 78);
    assert!(!s("cambi_high_res_speedup=1080").high_res_speedup);
    let hd = |o: &str| {
        cambi::CambiSettings::resolve(&parse(o).unwrap(), geometry(1920, 1080, 8)).unwrap()
    };
    assert!(hd("cambi_high_res_speedup=1080").high_res_speedup);
    assert_eq!(hd("cambi_high_res_speedup=1080").window_size, 17);
    assert_eq!(hd("").window_size, 33);
    assert!(!hd("cambi_high_res_speedup=1440").high_res_speedup);
    assert!(!hd("cambi_high_res_speedup=1000").high_res_speedup);
    assert_eq!(cambi::adjust_window_size(65, 1280, 720, false), 21);
    assert_eq!(cambi::adjust_window_size(65, 3840, 2160, true), 33);
}

fn flat_picture(g: Geometry, value: u16) -> Picture {
    let mut p = Picture::new(g).unwrap();
    for pl in 0..g.format.num_planes() {
        p.fill_plane(pl, value);
    }
    p
}

#[test]
fn flat_and_identical_inputs() {
    // A flat picture has no banding: every c-value is 0.
    for bits in [8u32, 10, 12, 16] {
        let g = geometry(320, 240, bits);
        let p = flat_picture(g, 100 << (bits - 8));
        let col = run_on(
            "full_ref=true",
            std::slice::from_ref(&p),
            std::slice::from_ref(&p),
        )
        .unwrap();
        assert_eq!(
            col.get("Cambi_feature_cambi_score", 0),
            Some(0.0),
            "{bits}-bit"
        );
        assert_eq!(col.get("cambi_source", 0), Some(0.0));
        assert_eq!(col.get("cambi_full_reference", 0), Some(0.0));
    }
}

/// A two-level step picture: banding with a visible one-code-value step.
fn step_picture(g: Geometry, lo: u32, hi: u32) -> Picture {
    let mut p = Picture::new(g).unwrap();
    let (w, h) = (g.width, g.height);
    if g.bit_depth == 8 {
        let d = p.plane_u8_mut(0).unwrap();
        for y in 0..h {
            for x in 0..w {
                d[y * w + x] = if x < w / 2 { lo } else { hi } as u8;
            }
        }
    } else {
        let d = p.plane_u16_mut(0).unwrap();
        for y in 0..h {
            for x in 0..w {
                d[y * w + x] = if x < w / 2 { lo } else { hi } as u16;
            }
        }
    }
    p
}

#[test]
fn sixteen_bit_and_range_checks() {
    // 16-bit full-scale samples convert to 1024 (above 10-bit max) as in libvmaf; no panic.
    let g = geometry(320, 240, 16);
    let p = flat_picture(g, 65535);
    let col = run_on("", std::slice::from_ref(&p), std::slice::from_ref(&p)).unwrap();
    assert_eq!(col.get("Cambi_feature_cambi_score", 0), Some(0.0));
    let p = step_picture(g, 65535, 65535 - 64);
    assert!(run_on(
        "eotf=pq",
        std::slice::from_ref(&p),
        std::slice::from_ref(&p)
    )
    .is_ok());
    // 16-bit content scaled from 8-bit gives the 8-bit value when enc_bitdepth=8 tells it the
    // encode had 8 bits (conversion to 10 bits is exact for bit-replicated samples).
    let g8 = geometry(320, 240, 8);
    let p8 = step_picture(g8, 100, 101);
    let p16 = to_16bit(&p8);
    let a = run_on("", std::slice::from_ref(&p8), std::slice::from_ref(&p8)).unwrap();
    let b = run_on(
        "enc_bitdepth=8",
        std::slice::from_ref(&p16),
        std::slice::from_ref(&p16),
    )
    .unwrap();
    let k = "Cambi_feature_cambi_score";
    assert!(a.get(k, 0).unwrap() > 0.0);
    assert_eq!(a.get(k, 0), b.get("cambi_encbd_8", 0));
    // Out-of-range samples for 10 and 12 bit are refused (libvmaf: "Invalid input").
    for bits in [10u32, 12] {
        let g = geometry(320, 240, bits);
        let p = flat_picture(g, 1 << bits);
        let e = err_text(run_on(
            "",
            std::slice::from_ref(&p),
            std::slice::from_ref(&p),
        ));
        assert!(e.contains("greater than"), "{e}");
        let p = flat_picture(g, (1 << bits) - 1);
        assert!(run_on("", std::slice::from_ref(&p), std::slice::from_ref(&p)).is_ok());
    }
    // Picture geometry must match the instance.
    let mut ext = create("", geometry(320, 240, 8)).unwrap();
    let other = flat_picture(geometry(320, 242, 8), 16);
    let input = FrameInput {
        index: 0,
        reference: other.view(),
        distorted: other.view(),
        prev_ref: None,
        prev_prev_ref: None,
    };
    assert!(ext.extract(&input, &mut FrameScores::new()).is_err());
}

#[test]
fn every_pixel_format() {
    // CAMBI only reads luma: 4:0:0, 4:2:0, 4:2:2 and 4:4:4 with the same luma score the same.
    let y: Vec<u8> = (0..320 * 240)
        .map(|i| (60 + (i % 320) / 40) as u8)
        .collect();
    let mut scores = Vec::new();
    for fmt in [
        PixelFormat::Yuv400,
        PixelFormat::Yuv420,
        PixelFormat::Yuv422,
        PixelFormat::Yuv444,
    ] {
        let g = Geometry {
            format: fmt,
            bit_depth: 8,
            width: 320,
            height: 240,
        };
        let (cw, ch) = g.plane_size(1);
        let c = vec![128u8; cw * ch];
        let mut planes = vec![PlaneRef::U8(Plane::new(&y, 320, 240, 320).unwrap())];
        if fmt != PixelFormat::Yuv400 {
            planes.push(PlaneRef::U8(Plane::new(&c, cw, ch, cw).unwrap()));
            planes.push(PlaneRef::U8(Plane::new(&c, cw, ch, cw).unwrap()));
        }
        let v = PictureView::new(fmt, 8, 320, 240, &planes).unwrap();
        let o = cambi::DEF.parse_options(&FeatureDict::new()).unwrap();
        scores.push(cambi::cambi_scores([v], &o).unwrap()[0]);
    }
    assert!(scores[0] > 0.0);
    assert!(
        scores.iter().all(|s| s.to_bits() == scores[0].to_bits()),
        "{scores:?}"
    );
}

#[test]
fn invisible_banding_threshold() {
    // With cambi_vis_lum_threshold=100 (bt1886) the visibility luma is above every step that
    // can be visible, so every c-value is 0. libvmaf crashes here (its histogram band size
    // underflows and the sliding update writes before the buffer); rvmaf returns the 0 the
    // algorithm defines. vlt=50 still leaves a band and matches libvmaf (goldens.json).
    let (r, d) = pair_paths("dune_pan", "x264_crf40");
    let col = run_extractor("cambi", "cambi_vis_lum_threshold=100", &r, &d).unwrap();
    let s = col.series("cambi_vlt_100").unwrap();
    assert_eq!(s.len(), 5);
    assert!(s.iter().all(|v| *v == Some(0.0)));
    // A threshold the EOTF never reaches would make libvmaf loop forever: refused.
    let g = geometry(576, 324, 8);
    assert!(
        create("cambi_vis_lum_threshold=300", g).is_ok(),
        "bt1886 peaks at exactly 300"
    );
}
