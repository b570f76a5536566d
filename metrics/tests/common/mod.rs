//! Shared helpers for integration tests: the conformance corpus and a minimal single-extractor runner.
#![allow(dead_code, missing_docs)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rvmaf::features::{self, FrameInput, FrameScores};
use rvmaf::io::open_video;
use rvmaf::{Collector, FeatureDict, Picture};

/// `../shared/reference` beside the workspace (or `$RVMAF_REFERENCE_DIR`).
pub fn corpus_dir() -> PathBuf {
    if let Ok(d) = std::env::var("RVMAF_REFERENCE_DIR") {
        return PathBuf::from(d);
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/reference")
}

/// One golden JSON parsed: per-frame metrics, pooled metrics, aggregates.
#[derive(Debug, Clone, Default)]
pub struct Golden {
    pub frames: Vec<BTreeMap<String, Option<f64>>>,
    /// Per frame, the metric keys in the order libvmaf printed them.
    pub frame_keys: Vec<Vec<String>>,
    /// Pooled keys in printed order.
    pub pooled_keys: Vec<String>,
    pub pooled: BTreeMap<String, BTreeMap<String, Option<f64>>>,
    pub aggregate: BTreeMap<String, Option<f64>>,
}

/// Loads `<pair>/dis_<dis>.<config>.full.json`.
pub fn load_golden(pair: &str, dis: &str, config: &str) -> Golden {
    let p = corpus_dir()
        .join(pair)
        .join(format!("dis_{dis}.{config}.full.json"));
    let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    parse_golden(&text)
}

pub fn parse_golden(text: &str) -> Golden {
    let v: serde_json::Value = serde_json::from_str(text).expect("golden json");
    let mut g = Golden::default();
    for f in v["frames"].as_array().expect("frames") {
        let mut m = BTreeMap::new();
        let mut order = Vec::new();
        for (k, x) in f["metrics"].as_object().expect("metrics") {
            m.insert(k.clone(), x.as_f64());
            order.push(k.clone());
        }
        g.frames.push(m);
        g.frame_keys.push(order);
    }
    if let Some(p) = v["pooled_metrics"].as_object() {
        for (k, x) in p {
            let mut m = BTreeMap::new();
            for (mk, mv) in x.as_object().expect("pooled entry") {
                m.insert(mk.clone(), mv.as_f64());
            }
            g.pooled.insert(k.clone(), m);
            g.pooled_keys.push(k.clone());
        }
    }
    if let Some(a) = v["aggregate_metrics"].as_object() {
        for (k, x) in a {
            g.aggregate.insert(k.clone(), x.as_f64());
        }
    }
    g
}

/// The manifest's pairs: (pair name, [distorted names]).
pub fn corpus_pairs() -> Vec<(String, Vec<String>)> {
    let p = corpus_dir().join("manifest.json");
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&p).expect("manifest")).expect("json");
    v["pairs"]
        .as_array()
        .expect("pairs")
        .iter()
        .map(|p| {
            (
                p["name"].as_str().unwrap().to_string(),
                p["distortions"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|d| d["name"].as_str().unwrap().to_string())
                    .collect(),
            )
        })
        .collect()
}

/// Runs one extractor (`name`, options as `k=v:k2=v2`) over a Y4M pair, serially, and returns
/// what it wrote (per-frame scores plus whatever `flush` adds).
pub fn run_extractor(
    name: &str,
    opts: &str,
    reference: &Path,
    distorted: &Path,
) -> rvmaf::Result<Collector> {
    let def = features::by_name(name)?;
    let dict = FeatureDict::parse_colon_list(opts)?;
    let options = def.parse_options(&dict)?;
    let mut r = open_video(reference, None)?;
    let mut d = open_video(distorted, None)?;
    let g = r.geometry();
    let mut ext = (def.create)(&options, g)?;
    let mut col = Collector::new();
    let mut prev: Vec<Picture> = Vec::new();
    let mut index = 0;
    loop {
        let mut rp = Picture::new(g)?;
        let mut dp = Picture::new(d.geometry())?;
        if !r.read_frame(&mut rp)? || !d.read_frame(&mut dp)? {
            break;
        }
        let input = FrameInput {
            index,
            reference: rp.view(),
            distorted: dp.view(),
            prev_ref: prev.last().map(|p| p.view()),
            prev_prev_ref: if prev.len() >= 2 {
                Some(prev[prev.len() - 2].view())
            } else {
                None
            },
        };
        let mut out = FrameScores::new();
        ext.extract(&input, &mut out)?;
        for (k, v) in out.entries() {
            col.append(k, index, *v)?;
        }
        for (k, at, v) in out.earlier_entries() {
            col.append(k, *at, *v)?;
        }
        prev.push(rp);
        if prev.len() > 2 {
            prev.remove(0);
        }
        index += 1;
    }
    ext.flush(&mut col)?;
    Ok(col)
}

/// Paths of a corpus pair's reference and distorted clip.
pub fn pair_paths(pair: &str, dis: &str) -> (PathBuf, PathBuf) {
    let d = corpus_dir().join(pair);
    (d.join("ref.y4m"), d.join(format!("dis_{dis}.y4m")))
}

/// Pairs whose golden was produced from raw copies with floor-sized chroma (odd sizes) or with
/// chroma that differs from the Y4M content (mono): chroma-dependent features are not comparable.
pub fn chroma_comparable(pair: &str) -> bool {
    let p = corpus_dir().join("manifest.json");
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&p).expect("manifest")).expect("json");
    let entry = v["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == pair)
        .expect("pair");
    let odd =
        entry["width"].as_u64().unwrap() % 2 == 1 || entry["height"].as_u64().unwrap() % 2 == 1;
    let mono = entry["chroma"] == "400";
    !(mono || (odd && entry["chroma"] != "444"))
}

/// Asserts `got` is within `tol` of every golden frame value of `key` (golden key `gkey`).
pub fn compare_series(col: &Collector, key: &str, golden: &Golden, gkey: &str, tol: f64) -> f64 {
    let mut worst: f64 = 0.0;
    for (i, f) in golden.frames.iter().enumerate() {
        let Some(&gv) = f.get(gkey) else { continue };
        let ours = col.get(key, i);
        match (gv, ours) {
            (None, Some(o)) if !o.is_finite() => {}
            (Some(g), Some(o)) => {
                let d = (g - o).abs();
                worst = worst.max(d);
                assert!(
                    d <= tol,
                    "{key} frame {i}: ours {o:.17} golden {g:.17} (|Δ| {d:e} > {tol:e})"
                );
            }
            (g, o) => panic!("{key} frame {i}: ours {o:?} golden {g:?}"),
        }
    }
    worst
}
