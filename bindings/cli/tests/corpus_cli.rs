//! `rvmaf -r REF -d DIS --json -o out.json` prints the same pooled scores as libvmaf's `vmaf`,
//! text for text at libvmaf's 6-decimal precision: the default model on every corpus clip, and
//! every model configuration on a few clips.

use std::path::{Path, PathBuf};
use std::process::Command;

fn corpus() -> PathBuf {
    std::env::var("RVMAF_REFERENCE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/reference"))
}

/// The number text after `"<key>": {` ... `"mean": ` in a libvmaf JSON file.
fn pooled_mean_text(json: &str, key: &str) -> Option<String> {
    let start = json.find(&format!("\n    \"{key}\": {{"))?;
    let rest = &json[start..];
    let m = rest.find("\"mean\": ")? + 8;
    let end = rest[m..].find([',', '\n'])?;
    Some(rest[m..m + end].to_string())
}

fn run(pair: &str, dis: &str, config: &str, golden_cmd: &[String]) {
    let dir = corpus().join(pair);
    let golden = std::fs::read_to_string(dir.join(format!("dis_{dis}.{config}.json"))).unwrap();
    // Model arguments of the golden command line (its extra features do not change the pooled
    // model scores and are covered by the conformance harness).
    let mut args: Vec<String> = Vec::new();
    let mut i = 0;
    while i < golden_cmd.len() {
        match golden_cmd[i].as_str() {
            "-m" => {
                let v = golden_cmd[i + 1].replace(
                    "{models}",
                    &corpus().join("../models").display().to_string(),
                );
                args.push(golden_cmd[i].clone());
                args.push(v);
                i += 2;
            }
            "-n" => {
                args.push("-n".into());
                i += 1;
            }
            _ => i += 1,
        }
    }
    let out = std::env::temp_dir().join(format!(
        "rvmaf-corpus-{}-{pair}-{dis}-{config}.json",
        std::process::id()
    ));
    let o = Command::new(env!("CARGO_BIN_EXE_rvmaf"))
        .args([
            "-r",
            dir.join("ref.y4m").to_str().unwrap(),
            "-d",
            dir.join(format!("dis_{dis}.y4m")).to_str().unwrap(),
        ])
        .args(&args)
        .args(["--threads", "2", "--json", "-q", "-o"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "{pair}/{dis}/{config}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let ours = std::fs::read_to_string(&out).unwrap();
    let key = if config.starts_with("vmaf_v0.6.1") && config == "vmaf_v0.6.1" {
        "vmaf".to_string()
    } else {
        config.to_string()
    };
    let want = pooled_mean_text(&golden, &key)
        .unwrap_or_else(|| panic!("{pair}/{dis}/{config}: no {key}"));
    let got = pooled_mean_text(&ours, &key)
        .unwrap_or_else(|| panic!("{pair}/{dis}/{config}: rvmaf wrote no {key}"));
    assert_eq!(got, want, "{pair}/{dis}/{config}: pooled {key}");
}

#[test]
fn pooled_vmaf_text_matches_libvmaf() {
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(corpus().join("manifest.json")).unwrap())
            .unwrap();
    let mut runs = 0;
    for (p, pair) in manifest["pairs"].as_array().unwrap().iter().enumerate() {
        let pname = pair["name"].as_str().unwrap();
        let odd =
            pair["width"].as_u64().unwrap() % 2 == 1 || pair["height"].as_u64().unwrap() % 2 == 1;
        for dis in pair["distortions"].as_array().unwrap() {
            let dname = dis["name"].as_str().unwrap();
            for (config, g) in dis["goldens"].as_object().unwrap() {
                let all_configs = p % 5 == 0;
                let wanted = config == "vmaf_v0.6.1" || (all_configs && config.starts_with("vmaf"));
                // v1 scores use chroma; the odd-size goldens were made from floor-cropped chroma.
                if !wanted || g.get("file").is_none() || (odd && config.contains("v1.0.16")) {
                    continue;
                }
                let cmd: Vec<String> = g["cmd"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|x| x.as_str().unwrap().to_string())
                    .collect();
                run(pname, dname, config, &cmd);
                runs += 1;
            }
        }
    }
    assert!(runs >= 30, "{runs} runs");
}
