//! End-to-end tests of the `rvmaf` binary: libvmaf-compatible flags, outputs and errors.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_rvmaf"))
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn sample() -> (PathBuf, PathBuf) {
    let t = root().join("testdata");
    (t.join("ref.y4m"), t.join("dis.y4m"))
}

fn corpus() -> PathBuf {
    std::env::var("RVMAF_REFERENCE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| root().join("../shared/reference"))
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("rvmaf-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d.join(name)
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn golden(pair: &str, dis: &str, config: &str) -> serde_json::Value {
    let p = corpus()
        .join(pair)
        .join(format!("dis_{dis}.{config}.full.json"));
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

/// The sample is the first 3 frames of dune_pan/x264_crf35: per-frame features and the VMAF of
/// frames 0 and 1 equal libvmaf's golden for the full clip (frame 2 is now the last frame, so
/// its motion2 and VMAF legitimately differ).
#[test]
fn sample_matches_libvmaf_and_key_order() {
    let (r, d) = sample();
    let out = tmp("sample.json");
    let st = bin()
        .args([
            "-r",
            r.to_str().unwrap(),
            "-d",
            d.to_str().unwrap(),
            "--threads",
            "2",
            "--json",
            "-q",
            "--precision",
            "max",
            "-o",
        ])
        .arg(&out)
        .status()
        .unwrap();
    assert!(st.success());
    let ours = json(&out);
    let g = golden("dune_pan", "x264_crf35", "vmaf_v0.6.1");
    let frames = ours["frames"].as_array().unwrap();
    assert_eq!(frames.len(), 3);
    for (i, f) in frames.iter().enumerate() {
        let om = f["metrics"].as_object().unwrap();
        let gm = g["frames"][i]["metrics"].as_object().unwrap();
        // same keys in the same relative order as libvmaf (golden also has --feature extras)
        let ok: Vec<&String> = om.keys().collect();
        let gk: Vec<&String> = gm.keys().filter(|k| om.contains_key(*k)).collect();
        assert_eq!(ok, gk, "frame {i} key order");
        for (k, v) in om {
            if i == 2 && (k == "integer_motion2" || k == "integer_motion3" || k == "vmaf") {
                continue;
            }
            assert_eq!(v.as_f64(), gm[k].as_f64(), "frame {i} {k}");
        }
    }
    assert_eq!(ours["version"], "3.2.0");
    assert!(ours["pooled_metrics"]["vmaf"]["harmonic_mean"].is_number());
}

#[test]
fn default_precision_is_libvmafs() {
    let (r, d) = sample();
    let out = tmp("prec.json");
    assert!(bin()
        .args([
            "-r",
            r.to_str().unwrap(),
            "-d",
            d.to_str().unwrap(),
            "--json",
            "-q",
            "-o"
        ])
        .arg(&out)
        .status()
        .unwrap()
        .success());
    let text = std::fs::read_to_string(&out).unwrap();
    let line = text
        .lines()
        .find(|l| l.contains("\"integer_vif_scale0\""))
        .unwrap();
    let num = line
        .trim()
        .trim_end_matches(',')
        .split(": ")
        .nth(1)
        .unwrap();
    assert_eq!(num.split('.').nth(1).unwrap().len(), 6, "{line}");
}

#[test]
fn several_distorted_equal_separate_runs() {
    let p = corpus().join("dune_pan");
    let r = p.join("ref.y4m");
    let (d0, d1) = (p.join("dis_x264_crf23.y4m"), p.join("dis_x264_crf40.y4m"));
    let out = tmp("multi.json");
    let st = bin()
        .args([
            "-r",
            r.to_str().unwrap(),
            "-d",
            d0.to_str().unwrap(),
            "-d",
            d1.to_str().unwrap(),
            "--json",
            "-q",
            "--feature",
            "psnr",
            "-o",
        ])
        .arg(&out)
        .status()
        .unwrap();
    assert!(st.success());
    for (i, d) in [d0, d1].iter().enumerate() {
        let single = tmp(&format!("single{i}.json"));
        assert!(bin()
            .args([
                "-r",
                r.to_str().unwrap(),
                "-d",
                d.to_str().unwrap(),
                "--json",
                "-q",
                "--feature",
                "psnr",
                "-o"
            ])
            .arg(&single)
            .status()
            .unwrap()
            .success());
        let mut a = json(&tmp(&format!("multi.{i}.json")));
        let mut b = json(&single);
        a["fps"] = serde_json::Value::Null;
        b["fps"] = serde_json::Value::Null;
        assert_eq!(a, b, "input {i}");
    }
}

#[test]
fn formats_and_pooling() {
    let (r, d) = sample();
    let xml = tmp("out.xml");
    assert!(bin()
        .args([
            "-r",
            r.to_str().unwrap(),
            "-d",
            d.to_str().unwrap(),
            "-q",
            "--pool",
            "p5,p50",
            "-o"
        ])
        .arg(&xml)
        .status()
        .unwrap()
        .success());
    let t = std::fs::read_to_string(&xml).unwrap();
    assert!(t.starts_with(
        "<VMAF version=\"3.2.0\">\n  <params qualityWidth=\"576\" qualityHeight=\"324\" />\n"
    ));
    assert!(t.contains("<metric name=\"vmaf\" min=\""));
    assert!(t.contains(" p5=\"") && t.contains(" p50=\""));
    let csv = tmp("out.csv");
    assert!(bin()
        .args([
            "-r",
            r.to_str().unwrap(),
            "-d",
            d.to_str().unwrap(),
            "-q",
            "--csv",
            "-o"
        ])
        .arg(&csv)
        .status()
        .unwrap()
        .success());
    let t = std::fs::read_to_string(&csv).unwrap();
    assert!(t.starts_with("Frame,integer_adm2,"));
    assert_eq!(t.lines().count(), 4);
    let sub = tmp("out.sub");
    assert!(bin()
        .args([
            "-r",
            r.to_str().unwrap(),
            "-d",
            d.to_str().unwrap(),
            "-q",
            "--sub",
            "-o"
        ])
        .arg(&sub)
        .status()
        .unwrap()
        .success());
    assert!(std::fs::read_to_string(&sub)
        .unwrap()
        .starts_with("{0}{1}frame: 0|integer_adm2: "));
    let o = bin()
        .args([
            "-r",
            r.to_str().unwrap(),
            "-d",
            d.to_str().unwrap(),
            "--pool",
            "median",
        ])
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("unknown pooling method"));
}

#[test]
fn stdin_reference() {
    let (r, d) = sample();
    let out = tmp("stdin.json");
    let st = bin()
        .args(["-r", "-", "-d", d.to_str().unwrap(), "--json", "-q", "-o"])
        .arg(&out)
        .stdin(Stdio::from(std::fs::File::open(&r).unwrap()))
        .status()
        .unwrap();
    assert!(st.success());
    assert_eq!(json(&out)["frames"].as_array().unwrap().len(), 3);
}

/// Runs the CLI on `dis` against the sample reference; returns (exit success, stderr, output exists).
fn run_bad(reference: &Path, dis: &Path, extra: &[&str]) -> (bool, String, bool) {
    let out = tmp(&format!(
        "bad-{}.json",
        dis.file_name().unwrap().to_string_lossy()
    ));
    let _ = std::fs::remove_file(&out);
    let o = bin()
        .args([
            "-r",
            reference.to_str().unwrap(),
            "-d",
            dis.to_str().unwrap(),
            "--json",
            "-o",
        ])
        .arg(&out)
        .args(extra)
        .output()
        .unwrap();
    (
        o.status.success(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
        out.exists(),
    )
}

#[test]
fn malformed_inputs_fail_with_one_line() {
    let (r, d) = sample();
    let good = std::fs::read(&d).unwrap();
    let header_end = good.iter().position(|b| *b == b'\n').unwrap() + 1;
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty.y4m", Vec::new(), "empty file"),
        (
            "trunc_header.y4m",
            b"YUV4MPEG2 W576 H3".to_vec(),
            "invalid Y4M",
        ),
        (
            "trunc_frame.y4m",
            good[..good.len() - 1000].to_vec(),
            "frame 2 is truncated",
        ),
        (
            "bad_cs.y4m",
            b"YUV4MPEG2 W576 H324 F24:1 C411\nFRAME\n".to_vec(),
            "unknown colorspace",
        ),
        (
            "width0.y4m",
            b"YUV4MPEG2 W0 H324 F24:1 C420\n".to_vec(),
            "zero frame size",
        ),
        ("magic.y4m", b"RIFF0000WAVEfmt ".to_vec(), "bad magic"),
        (
            "small.y4m",
            [
                &b"YUV4MPEG2 W64 H64 F24:1 C420\n"[..],
                &good[header_end..header_end + 6],
            ]
            .concat(),
            "do not match",
        ),
    ];
    let _ = &good;
    for (name, bytes, want) in cases {
        let p = tmp(name);
        std::fs::write(&p, bytes).unwrap();
        let (ok, err, exists) = run_bad(&r, &p, &[]);
        assert!(!ok, "{name} succeeded");
        assert!(!exists, "{name} left an output file");
        assert_eq!(err.trim_end().lines().count(), 1, "{name}: {err}");
        assert!(err.contains(want), "{name}: {err}");
    }
    // A distorted clip with fewer frames: warn, score the common prefix (as libvmaf).
    let short = tmp("short.y4m");
    let frame = (good.len() - header_end) / 3;
    std::fs::write(&short, &good[..header_end + 2 * frame]).unwrap();
    let (ok, err, exists) = run_bad(&r, &short, &[]);
    assert!(ok && exists, "{err}");
    assert!(err.contains("ended before"), "{err}");
}

#[test]
fn usage_errors_and_version() {
    let o = bin().arg("-v").output().unwrap();
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("3.2.0"));
    let (r, d) = sample();
    for args in [
        vec!["-r", r.to_str().unwrap()],
        vec![
            "-r",
            r.to_str().unwrap(),
            "-d",
            d.to_str().unwrap(),
            "-m",
            "version=nope",
        ],
        vec![
            "-r",
            r.to_str().unwrap(),
            "-d",
            d.to_str().unwrap(),
            "-m",
            "name=x",
        ],
        vec![
            "-r",
            r.to_str().unwrap(),
            "-d",
            d.to_str().unwrap(),
            "--feature",
            "nope",
        ],
        vec![
            "-r",
            r.to_str().unwrap(),
            "-d",
            d.to_str().unwrap(),
            "--feature",
            "psnr=bogus=1",
        ],
        vec![
            "-r",
            r.to_str().unwrap(),
            "-d",
            d.to_str().unwrap(),
            "-m",
            "version=vmaf_v0.6.1",
            "-m",
            "version=vmaf_v0.6.1neg",
        ],
    ] {
        let o = bin().args(&args).output().unwrap();
        assert!(!o.status.success(), "{args:?}");
        let e = String::from_utf8_lossy(&o.stderr);
        assert_eq!(e.trim_end().lines().count(), 1, "{args:?}: {e}");
    }
}

#[test]
fn raw_yuv_input() {
    let p = corpus().join("mandelbrot_481x271");
    // Strip the Y4M framing to make raw planar files (chroma = ceil, as rvmaf reads it).
    let to_raw = |src: &Path, dst: &Path| {
        let b = std::fs::read(src).unwrap();
        let mut pos = b.iter().position(|x| *x == b'\n').unwrap() + 1;
        let fs = 481 * 271 + 2 * 241 * 136;
        let mut out = Vec::new();
        while pos < b.len() {
            pos += 6;
            out.extend_from_slice(&b[pos..pos + fs]);
            pos += fs;
        }
        std::fs::write(dst, out).unwrap();
    };
    let (r, d) = (tmp("m_ref.yuv"), tmp("m_dis.yuv"));
    to_raw(&p.join("ref.y4m"), &r);
    to_raw(&p.join("dis_vp9_crf50.y4m"), &d);
    let out = tmp("raw.json");
    let st = bin()
        .args([
            "-r",
            r.to_str().unwrap(),
            "-d",
            d.to_str().unwrap(),
            "-w",
            "481",
            "-h",
            "271",
            "-p",
            "420",
            "-b",
            "8",
            "--json",
            "-q",
            "--precision",
            "max",
            "-o",
        ])
        .arg(&out)
        .status()
        .unwrap();
    assert!(st.success());
    let ours = json(&out);
    let g = golden("mandelbrot_481x271", "vp9_crf50", "vmaf_v0.6.1");
    for i in 0..5 {
        for k in [
            "integer_adm2",
            "integer_vif_scale0",
            "integer_motion2",
            "vmaf",
        ] {
            assert_eq!(
                ours["frames"][i]["metrics"][k].as_f64(),
                g["frames"][i]["metrics"][k].as_f64(),
                "{k} {i}"
            );
        }
    }
}

/// `rvmaf cambi INPUT` writes exactly what the two-input run with `-n --feature cambi=...` writes
/// for the same distorted input, and matches libvmaf's golden for it.
#[test]
fn single_input_cambi_equals_two_input() {
    let p = corpus().join("sky_gradient_10bit");
    let (r, d) = (p.join("ref.y4m"), p.join("dis_x264_8bit_crf26.y4m"));
    for (opts, feature) in [
        ("", "cambi".to_string()),
        (
            "topk=0.2:window_size=33",
            "cambi=topk=0.2:window_size=33".to_string(),
        ),
    ] {
        let one = tmp("cambi1.json");
        let mut c = bin();
        c.args([
            "cambi",
            d.to_str().unwrap(),
            "--json",
            "-q",
            "--precision",
            "max",
            "-o",
        ])
        .arg(&one);
        if !opts.is_empty() {
            c.args(["-O", opts]);
        }
        assert!(c.status().unwrap().success());
        let two = tmp("cambi2.json");
        let st = bin()
            .args([
                "-r",
                r.to_str().unwrap(),
                "-d",
                d.to_str().unwrap(),
                "-n",
                "--feature",
                &feature,
                "--json",
                "-q",
                "--precision",
                "max",
                "-o",
            ])
            .arg(&two)
            .status()
            .unwrap();
        assert!(st.success());
        let (mut a, mut b) = (json(&one), json(&two));
        a["fps"] = serde_json::Value::Null;
        b["fps"] = serde_json::Value::Null;
        assert_eq!(a, b, "{opts}");
        if opts.is_empty() {
            let g = golden("sky_gradient_10bit", "x264_8bit_crf26", "cambi_full_ref");
            for i in 0..3 {
                assert_eq!(
                    a["frames"][i]["metrics"]["cambi"].as_f64(),
                    g["frames"][i]["metrics"]["cambi"].as_f64()
                );
            }
        }
    }
    let o = bin()
        .args(["cambi", d.to_str().unwrap(), "-O", "full_ref=true"])
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("needs a reference"));
}

/// Writes a 10-bit copy of an 8-bit 4:2:0 Y4M (samples shifted left by 2).
fn to_10bit(src: &Path, dst: &Path) {
    let b = std::fs::read(src).unwrap();
    let hdr_end = b.iter().position(|x| *x == b'\n').unwrap();
    let hdr = String::from_utf8(b[..hdr_end].to_vec()).unwrap();
    let hdr: Vec<String> = hdr
        .split(' ')
        .map(|t| {
            if t.starts_with('C') {
                "C420p10".to_string()
            } else if t.starts_with("XYSCSS") {
                "XYSCSS=420P10".into()
            } else {
                t.to_string()
            }
        })
        .collect();
    let mut out = hdr.join(" ").into_bytes();
    out.push(b'\n');
    let mut pos = hdr_end + 1;
    let fs = 576 * 324 * 3 / 2;
    while pos < b.len() {
        out.extend_from_slice(b"FRAME\n");
        pos += 6;
        for &v in &b[pos..pos + fs] {
            out.extend_from_slice(&((v as u16) << 2).to_le_bytes());
        }
        pos += fs;
    }
    std::fs::write(dst, out).unwrap();
}

/// `--aom_ctc v6.0` scores inputs of different depths at the deeper one (libvmaf's
/// common_bitdepth); without the preset a depth mismatch is an error.
#[test]
fn common_bitdepth_preset() {
    let (r, d) = sample();
    let (r10, d10) = (tmp("r10.y4m"), tmp("d10.y4m"));
    to_10bit(&r, &r10);
    to_10bit(&d, &d10);
    let mixed = tmp("mixed.json");
    let st = bin()
        .args([
            "-r",
            r.to_str().unwrap(),
            "-d",
            d10.to_str().unwrap(),
            "--aom_ctc",
            "v6.0",
            "--json",
            "-q",
            "-o",
        ])
        .arg(&mixed)
        .status()
        .unwrap();
    assert!(st.success());
    let deep = tmp("deep.json");
    let st = bin()
        .args([
            "-r",
            r10.to_str().unwrap(),
            "-d",
            d10.to_str().unwrap(),
            "--aom_ctc",
            "v6.0",
            "--json",
            "-q",
            "-o",
        ])
        .arg(&deep)
        .status()
        .unwrap();
    assert!(st.success());
    let (mut a, mut b) = (json(&mixed), json(&deep));
    a["fps"] = serde_json::Value::Null;
    b["fps"] = serde_json::Value::Null;
    assert_eq!(a, b);
    assert!(a["aggregate_metrics"]["apsnr_y"].is_number());
    let o = bin()
        .args(["-r", r.to_str().unwrap(), "-d", d10.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("8-bit"));
}
