//! Conformance against libvmaf: every pair × distorted clip × configuration of
//! `../shared/reference`, every feature of every frame and every pooled value, compared with
//! libvmaf's full-precision JSON. Prints a table (feature → frames, max |Δ|, worst clip and
//! frame) and fails when an implemented feature is beyond its bound. Features whose extractor is
//! not implemented yet are listed as missing, never counted as passing.
//!
//! Filters: `RVMAF_CONFORMANCE_PAIRS=a,b` and `RVMAF_CONFORMANCE_CONFIGS=x,y` restrict the run.
//! The table is also written to `target/conformance.txt`.

mod common;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use common::{corpus_dir, parse_golden, Golden};
use rvmaf::features::{self, ExtractorDef};
use rvmaf::io::open_video;
use rvmaf::model::ModelSpec;
use rvmaf::{Context, Error, FeatureDict, KeyOrder, LoadedModel, Picture, Report};

/// What a golden configuration asks for.
struct RunConfig {
    models: Vec<ModelSpec>,
    features: Vec<String>,
    no_prediction: bool,
}

fn parse_cmd(cmd: &[String], models_dir: &Path) -> RunConfig {
    let mut c = RunConfig {
        models: Vec::new(),
        features: Vec::new(),
        no_prediction: false,
    };
    let mut i = 1;
    while i < cmd.len() {
        let a = cmd[i].as_str();
        match a {
            "-m" | "--model" => {
                let s = cmd[i + 1].replace("{models}", &models_dir.display().to_string());
                c.models
                    .push(ModelSpec::parse(&s).expect("golden model spec"));
                i += 2;
            }
            "--feature" => {
                c.features.push(cmd[i + 1].clone());
                i += 2;
            }
            "-n" | "--no_prediction" => {
                c.no_prediction = true;
                i += 1;
            }
            "-q" | "--json" | "--xml" | "--csv" | "--sub" => i += 1,
            _ => i += 2, // -r -d -o -w -h -p -b --threads --cpumask with a value
        }
    }
    if c.models.is_empty() && !c.no_prediction {
        c.models.push(ModelSpec::builtin("vmaf_v0.6.1"));
    }
    c
}

/// Per-key statistics over the whole corpus.
#[derive(Default, Clone)]
struct Stat {
    frames: usize,
    pooled: usize,
    max: f64,
    worst: String,
    bound: f64,
    missing: usize,
    not_comparable: usize,
    failures: Vec<String>,
}

fn is_integer_feature(k: &str) -> bool {
    k.starts_with("integer_")
        || k.starts_with("VMAF_integer_")
        || k.starts_with("cambi")
        || k.starts_with("apsnr")
        || matches!(k, "psnr_y" | "psnr_cb" | "psnr_cr")
        || k.starts_with("psnr_y_")
        || k.starts_with("psnr_cb_")
        || k.starts_with("psnr_cr_")
}

fn is_chroma_feature(k: &str) -> bool {
    k.starts_with("psnr_cb")
        || k.starts_with("psnr_cr")
        || k.starts_with("ciede")
        || k.starts_with("psnr_hvs_c")
        || k == "psnr_hvs"
        || k.starts_with("speed_chroma")
        || k.starts_with("apsnr_c")
}

/// Runs `cfg` on the pair; returns the report, the model names, and the extractors that are
/// not implemented yet (their features are missing; models then are not scored).
fn run(
    cfg: &RunConfig,
    reference: &Path,
    distorted: &Path,
) -> Result<(Report, Vec<String>, Vec<&'static str>), Error> {
    let models: Vec<LoadedModel> = cfg
        .models
        .iter()
        .map(|m| m.load())
        .collect::<Result<_, _>>()?;
    // Expand into (extractor, options) and find the ones not implemented yet.
    let mut specs: Vec<(&'static ExtractorDef, FeatureDict)> = Vec::new();
    for m in &models {
        for model in m.all_models() {
            for f in &model.features {
                specs.push((
                    features::by_feature_name(&f.name).expect("known feature"),
                    f.options.clone(),
                ));
            }
        }
    }
    for f in &cfg.features {
        let (name, d) = rvmaf::engine::parse_feature_spec(f)?;
        specs.push((features::by_name(&name)?, d));
    }
    let g = open_video(reference, None)?.geometry();
    let mut missing: Vec<&'static str> = Vec::new();
    for (def, d) in &specs {
        let opts = def.parse_options(d)?;
        if let Err(Error::Extraction { message, .. }) = (def.create)(&opts, g) {
            if message == "not implemented yet" && !missing.contains(&def.name) {
                missing.push(def.name);
            }
        }
    }
    let mut b = Context::builder().key_order(KeyOrder::Threaded);
    let mut model_names = Vec::new();
    if missing.is_empty() {
        for m in models {
            model_names.push(m.name().to_string());
            b = b.model(m);
        }
        b = b.no_prediction(cfg.no_prediction);
        for f in &cfg.features {
            b = b.feature_spec(f)?;
        }
    } else {
        for (def, d) in specs {
            if !missing.contains(&def.name) {
                b = b.feature(def.name, d);
            }
        }
    }
    let mut ctx = b.build()?;
    let mut r = open_video(reference, None)?;
    let mut d = open_video(distorted, None)?;
    let mut rp = Picture::new(r.geometry())?;
    let mut dp = Picture::new(d.geometry())?;
    while r.read_frame(&mut rp)? && d.read_frame(&mut dp)? {
        ctx.push(&rp.view(), &dp.view())?;
    }
    Ok((ctx.finish()?, model_names, missing))
}

fn record(
    stats: &mut BTreeMap<String, Stat>,
    key: &str,
    bound: f64,
    d: f64,
    at: String,
    pooled: bool,
) {
    let s = stats.entry(key.to_string()).or_default();
    s.bound = bound;
    if pooled {
        s.pooled += 1;
    } else {
        s.frames += 1;
    }
    if d > s.max || (s.worst.is_empty() && d == 0.0) {
        if d > s.max {
            s.max = d;
        }
        s.worst = at.clone();
    }
    if d > bound || d.is_nan() {
        s.failures.push(format!("{at}: |Δ| {d:e} > {bound:e}"));
    }
}

fn diff(ours: Option<f64>, golden: Option<f64>) -> Option<f64> {
    match (ours, golden) {
        (Some(o), Some(g)) => Some((o - g).abs()),
        (Some(o), None) if !o.is_finite() => Some(0.0), // libvmaf prints inf/nan as null
        _ => None,
    }
}

#[test]
fn conformance() {
    let dir = corpus_dir();
    let manifest: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("manifest.json")).expect("manifest"),
    )
    .expect("json");
    let models_dir = dir.join("../models");
    let pair_filter: Option<Vec<String>> = std::env::var("RVMAF_CONFORMANCE_PAIRS")
        .ok()
        .map(|s| s.split(',').map(str::to_string).collect());
    let config_filter: Option<Vec<String>> = std::env::var("RVMAF_CONFORMANCE_CONFIGS")
        .ok()
        .map(|s| s.split(',').map(str::to_string).collect());

    let mut stats: BTreeMap<String, Stat> = BTreeMap::new();
    let mut notes: Vec<String> = Vec::new();
    let mut errors: Vec<String> = Vec::new();
    let mut runs = 0;
    for pair in manifest["pairs"].as_array().expect("pairs") {
        let pname = pair["name"].as_str().unwrap();
        if pair_filter
            .as_ref()
            .is_some_and(|f| !f.iter().any(|x| x == pname))
        {
            continue;
        }
        let w = pair["width"].as_u64().unwrap();
        let h = pair["height"].as_u64().unwrap();
        let chroma = pair["chroma"].as_str().unwrap();
        // Goldens of odd 4:2:0/4:2:2 sizes were made from floor-cropped chroma; ours keeps ceil.
        let chroma_ok = !((w % 2 == 1 || h % 2 == 1) && chroma != "444");
        let mono = chroma == "400";
        for dis in pair["distortions"].as_array().unwrap() {
            let dname = dis["name"].as_str().unwrap();
            let (rpath, dpath) = (
                dir.join(pname).join("ref.y4m"),
                dir.join(pname).join(format!("dis_{dname}.y4m")),
            );
            for (config, g) in dis["goldens"].as_object().unwrap() {
                if config_filter
                    .as_ref()
                    .is_some_and(|f| !f.iter().any(|x| x == config))
                {
                    continue;
                }
                let cmd: Vec<String> = g["cmd"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|x| x.as_str().unwrap().to_string())
                    .collect();
                let cfg = parse_cmd(&cmd, &models_dir);
                let at0 = format!("{pname}/{dname}/{config}");
                let Some(file) = g.get("full_file").and_then(|f| f.as_str()) else {
                    // libvmaf failed on this run; say what rvmaf does instead.
                    let what = match run(&cfg, &rpath, &dpath) {
                        Ok(_) => "rvmaf scores it".to_string(),
                        Err(e) => format!("rvmaf: {e}"),
                    };
                    notes.push(format!(
                        "{at0}: libvmaf failed ({}); {what}",
                        g["error"]
                            .as_str()
                            .unwrap_or("?")
                            .lines()
                            .next()
                            .unwrap_or("")
                    ));
                    continue;
                };
                let golden: Golden = parse_golden(
                    &std::fs::read_to_string(dir.join(pname).join(file)).expect("golden"),
                );
                runs += 1;
                let (report, model_names, missing) = match run(&cfg, &rpath, &dpath) {
                    Ok(x) => x,
                    Err(e) => {
                        errors.push(format!("{at0}: {e}"));
                        continue;
                    }
                };
                let is_model_key = |k: &str| {
                    model_names
                        .iter()
                        .any(|m| k == m || k.starts_with(&format!("{m}_")))
                };
                let uses_chroma_model = cfg.models.iter().any(|m| {
                    m.version.as_deref().unwrap_or("").contains("v1.0.16")
                        || m.path.as_deref().unwrap_or("").contains("v1.0.16")
                });
                let bound_of = |k: &str| {
                    if is_model_key(k) || (model_names.is_empty() && k.starts_with("vmaf")) {
                        1e-4
                    } else if is_integer_feature(k) {
                        1e-6
                    } else {
                        1e-5
                    }
                };
                let comparable = |k: &str| {
                    if !chroma_ok
                        && (is_chroma_feature(k) || (uses_chroma_model && is_model_key(k)))
                    {
                        return false;
                    }
                    !(mono
                        && (k.starts_with("psnr_cb")
                            || k.starts_with("psnr_cr")
                            || k.starts_with("apsnr_c")))
                };
                // Per-frame values and key order.
                for (i, (frame, order)) in golden.frames.iter().zip(&golden.frame_keys).enumerate()
                {
                    // float_motion writes motion3 of frame n while reading frame n+1, which
                    // races with frame n's worker in threaded libvmaf: its position varies
                    // between libvmaf runs, so it is left out of the order check.
                    let racy = |k: &str| k == "motion3";
                    let ours_order: Vec<&str> = report
                        .names()
                        .into_iter()
                        .filter(|n| {
                            !racy(n) && frame.contains_key(*n) && report.score(n, i).is_some()
                        })
                        .collect();
                    let golden_order: Vec<&str> = order
                        .iter()
                        .map(String::as_str)
                        .filter(|k| !racy(k) && report.score(k, i).is_some())
                        .collect();
                    if ours_order != golden_order && missing.is_empty() {
                        errors.push(format!("{at0} frame {i}: key order {ours_order:?} differs from libvmaf's {golden_order:?}"));
                    }
                    for (k, gv) in frame {
                        let at = format!("{at0} frame {i}");
                        if !comparable(k) {
                            stats.entry(k.clone()).or_default().not_comparable += 1;
                            continue;
                        }
                        match diff(report.score(k, i), *gv) {
                            Some(d) => record(&mut stats, k, bound_of(k), d, at, false),
                            None => {
                                let s = stats.entry(k.clone()).or_default();
                                s.missing += 1;
                                s.bound = bound_of(k);
                                if missing.is_empty() {
                                    s.failures.push(format!(
                                        "{at}: ours {:?}, libvmaf {gv:?}",
                                        report.score(k, i)
                                    ));
                                }
                            }
                        }
                    }
                }
                // Features we write that libvmaf did not.
                for k in report.names() {
                    if !golden.pooled.contains_key(k) {
                        errors.push(format!("{at0}: rvmaf writes \"{k}\", libvmaf does not"));
                    }
                }
                // Pooled values.
                for (k, methods) in &golden.pooled {
                    if !comparable(k) || !report.names().contains(&k.as_str()) {
                        continue;
                    }
                    for (m, gv) in methods {
                        let method = rvmaf::PoolMethod::parse(m).expect("pool method");
                        if let Some(d) = diff(report.pool(k, method), *gv) {
                            record(
                                &mut stats,
                                k,
                                bound_of(k),
                                d,
                                format!("{at0} pooled {m}"),
                                true,
                            );
                        } else {
                            errors.push(format!(
                                "{at0}: pooled {k}.{m} ours {:?} libvmaf {gv:?}",
                                report.pool(k, method)
                            ));
                        }
                    }
                }
                for (k, gv) in &golden.aggregate {
                    let ours = report
                        .collector()
                        .aggregates()
                        .iter()
                        .find(|(n, _)| n == k)
                        .map(|(_, v)| *v);
                    match diff(ours, *gv) {
                        Some(d) => record(
                            &mut stats,
                            k,
                            bound_of(k),
                            d,
                            format!("{at0} aggregate"),
                            true,
                        ),
                        None => stats.entry(k.clone()).or_default().missing += 1,
                    }
                }
            }
        }
    }

    let mut table = String::new();
    writeln!(
        table,
        "conformance: {runs} runs against libvmaf f85a853 (scalar C goldens)"
    )
    .unwrap();
    writeln!(
        table,
        "{:<58} {:>7} {:>7} {:>11} {:>9}  {:<9} worst",
        "feature", "frames", "pooled", "max |Δ|", "bound", "status"
    )
    .unwrap();
    let mut failed = Vec::new();
    for (k, s) in &stats {
        let status = if !s.failures.is_empty() {
            failed.extend(s.failures.iter().take(5).map(|f| format!("{k}: {f}")));
            "FAIL"
        } else if s.frames == 0 && s.missing > 0 {
            "missing"
        } else if s.frames == 0 && s.not_comparable > 0 {
            "n/a"
        } else if s.missing > 0 {
            "partial"
        } else {
            "ok"
        };
        let extra = match (s.missing, s.not_comparable) {
            (0, 0) => String::new(),
            (m, n) => format!(" [missing {m}, not comparable {n}]"),
        };
        writeln!(
            table,
            "{:<58} {:>7} {:>7} {:>11.3e} {:>9.0e}  {:<9} {}{}",
            k, s.frames, s.pooled, s.max, s.bound, status, s.worst, extra
        )
        .unwrap();
    }
    for n in &notes {
        writeln!(table, "note: {n}").unwrap();
    }
    for e in &errors {
        writeln!(table, "error: {e}").unwrap();
    }
    println!("{table}");
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/conformance.txt");
    let _ = std::fs::write(out, &table);
    assert!(
        runs > 0 || pair_filter.is_some() || config_filter.is_some(),
        "no golden found under {}",
        dir.display()
    );
    assert!(
        errors.is_empty(),
        "{} errors, first: {}",
        errors.len(),
        errors[0]
    );
    assert!(
        failed.is_empty(),
        "features beyond their bound:\n{}",
        failed.join("\n")
    );
}
