//! CLI behaviour against extra libvmaf goldens (see tests/data/libvmaf/README.md): subsample,
//! frame count/skips, transform/clip flags, overloads, several models, CTC presets, feature
//! options and debug outputs, v1.0.16/HFR and float built-in models.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn corpus() -> PathBuf {
    std::env::var("RVMAF_REFERENCE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| root().join("../shared/reference"))
}

fn is_model_key(k: &str) -> bool {
    k.starts_with("vmaf")
        || ["neg", "4k", "boot", "hfr", "v0", "f4k", "fneg"]
            .iter()
            .any(|p| k.starts_with(p))
}

fn bound(k: &str) -> f64 {
    if is_model_key(k) {
        1e-4
    } else if k.starts_with("integer_")
        || k.starts_with("VMAF_integer")
        || k.starts_with("psnr_y")
        || k.starts_with("psnr_c")
        || k.starts_with("cambi")
        || k.starts_with("apsnr")
        || k.starts_with("mse")
    {
        1e-6
    } else {
        1e-5
    }
}

fn close(ours: &Value, theirs: &Value, k: &str, at: &str, worst: &mut f64) {
    match (ours.as_f64(), theirs.as_f64()) {
        (Some(a), Some(b)) => {
            let d = (a - b).abs();
            *worst = worst.max(d);
            assert!(d <= bound(k), "{at} {k}: rvmaf {a:e} libvmaf {b:e}");
        }
        (None, None) => {}
        _ => panic!("{at} {k}: rvmaf {ours} libvmaf {theirs}"),
    }
}

#[test]
fn cli_matches_extra_libvmaf_goldens() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/libvmaf");
    let cases: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("cases.json")).unwrap()).unwrap();
    let tmp = std::env::temp_dir().join(format!("rvmaf-extra-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    let corpus = corpus().display().to_string();
    for case in cases["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let args: Vec<String> = case["args"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| {
                a.as_str()
                    .unwrap()
                    .replace("{corpus}", &corpus)
                    .replace("{data}", &dir.display().to_string())
            })
            .collect();
        let out = tmp.join(format!("{name}.json"));
        let o = Command::new(env!("CARGO_BIN_EXE_rvmaf"))
            .args(&args)
            .args(["--threads", "2", "--json", "-q", "--precision", "max", "-o"])
            .arg(&out)
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let ours: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
        let gold: Value = serde_json::from_str(
            &std::fs::read_to_string(dir.join(case["golden"].as_str().unwrap())).unwrap(),
        )
        .unwrap();
        let (of, gf) = (
            ours["frames"].as_array().unwrap(),
            gold["frames"].as_array().unwrap(),
        );
        assert_eq!(of.len(), gf.len(), "{name}: frame count");
        let mut worst = 0.0f64;
        for (a, b) in of.iter().zip(gf) {
            assert_eq!(a["frameNum"], b["frameNum"], "{name}");
            let (am, bm) = (
                a["metrics"].as_object().unwrap(),
                b["metrics"].as_object().unwrap(),
            );
            let ak: BTreeSet<&String> = am.keys().collect();
            let bk: BTreeSet<&String> = bm.keys().collect();
            assert_eq!(ak, bk, "{name} frame {}: keys", a["frameNum"]);
            for (k, v) in bm {
                close(
                    &am[k],
                    v,
                    k,
                    &format!("{name} frame {}", a["frameNum"]),
                    &mut worst,
                );
            }
        }
        let (op, gp) = (
            ours["pooled_metrics"].as_object().unwrap(),
            gold["pooled_metrics"].as_object().unwrap(),
        );
        assert_eq!(
            op.keys().collect::<BTreeSet<_>>(),
            gp.keys().collect::<BTreeSet<_>>(),
            "{name}: pooled keys"
        );
        for (k, m) in gp {
            for (method, v) in m.as_object().unwrap() {
                close(
                    &op[k][method],
                    v,
                    k,
                    &format!("{name} pooled {method}"),
                    &mut worst,
                );
            }
        }
        let (oa, ga) = (
            ours["aggregate_metrics"].as_object().unwrap(),
            gold["aggregate_metrics"].as_object().unwrap(),
        );
        assert_eq!(
            oa.keys().collect::<BTreeSet<_>>(),
            ga.keys().collect::<BTreeSet<_>>(),
            "{name}: aggregate keys"
        );
        for (k, v) in ga {
            close(&oa[k], v, k, &format!("{name} aggregate"), &mut worst);
        }
        println!("{name:<20} frames {:>2}  max |Δ| {worst:e}", of.len());
    }
}
